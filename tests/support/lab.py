#!/usr/bin/env python3
"""A lab of real nameservers on loopback, for dnsprobe's integration tests
and demo.

An *instance* is a template directory under tests/lab/<name>/ (configs with
@ADDR@, @PORT@, @DIR@, @UPSTREAM_ADDR@, @UPSTREAM_PORT@ and @NAME@ in them)
plus an entry in INSTANCES naming the server software. start() copies the
templates and tests/lab/zones/ into a fresh per-run temp directory,
substitutes the placeholders, runs the instance's prepare step if it has
one (signed-auth makes keys and signs its zone there, dnssec-auth its
dozen zones; unbound-dnssec reads its trust anchor from its upstream),
starts the server in the foreground with its log captured in
<dir>/server.log, and returns once the server
answers a small SOA query over UDP and TCP (bounded: about 30 s).

Invariants:
- Every file a server writes (pid, control socket, journal, zone copies,
  keys) lives under its temp dir; nothing under /etc or /var is written.
- Every address used is loopback (127.0.0.0/8 or ::1); start() refuses
  anything else, for the server and for its upstream.
- Only processes this module started are ever signalled, by PID: on
  Server.stop(), on context exit, at interpreter exit and on SIGINT/SIGTERM.
- Every wait is bounded in count and in time.

Also here: a tiny DNS codec built with struct (queries, UPDATE, NOTIFY,
IXFR, and a lenient reply parser), an AXFR client, run_dnsprobe() which runs
the built binary with --format json and parses its report, and a command
line for the demo and for checking servers by hand:

    lab.py serve NAME=ADDR:PORT ...    start instances (the resolvers use
                                       "upstream" when it is among them;
                                       unbound-dnssec uses signed-auth),
                                       print READY lines, stop them on
                                       SIGTERM/SIGINT (or --stop-on-eof)
    lab.py serve --demo                the demo set (see DEMO)
    lab.py battery ADDR PORT [ZONE [NAME]]  send the core battery, print
                                       what came back (RCODE, flags, EDE)
    lab.py axfr ADDR PORT ZONE         print a zone transfer, sorted
    lab.py case ADDR PORT [ZONE]       the zone's SOA in two cases at once:
                                       the question each reply echoes
"""

import argparse
import atexit
import base64
import collections
import ipaddress
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
)
LAB_DIR = os.path.join(SRCDIR, "tests", "lab")
ZONES_DIR = os.path.join(LAB_DIR, "zones")

READY_TIMEOUT = 30.0  # seconds a server gets to answer after its start
READY_POLL = 0.05  # seconds between two readiness polls
# (BIND takes seconds to start on a loaded 2-core CI machine)
STOP_TIMEOUT = 5.0  # seconds between SIGTERM and SIGKILL
# Where the resolvers' upstream points when the caller gives none: a loopback
# address where nothing listens (the same one the root hints name).
DEAD_UPSTREAM = ("127.0.0.253", 53)

# The root causes a diagnosis may name (dnsprobe(1), ROOT CAUSES): the
# "cause" of a probe and of a diagnosis entry is one of these, or null.
CAUSES = ("port-closed", "unreachable", "client-dropped", "client-refused",
          "lame", "query-refused", "zone-broken", "no-zone", "upstream",
          "upstream-slow", "dnssec", "recursion-refused", "open-resolver",
          "open-transfer", "update-accepted", "notify-accepted",
          "identity-disclosed", "tcp-blocked", "udp-blocked",
          "edns-dropped", "fragmentation", "legacy", "broken",
          "edns-noncompliant", "opcode-mishandled", "rate-limited",
          "requests-dropped", "malformed", "unexpected",
          "expectation-failed", "case-not-preserved", "no-delegation",
          "ns-mismatch", "glue-mismatch", "glue-missing", "ns-unresolved",
          "ns-cname", "ns-too-few", "ns-one-network", "serial-mismatch",
          "soa-timers", "soa-names")

# DNS constants (RFC 1035 §3.2, RFC 6895 registries).
TYPE = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15,
        "TXT": 16, "AAAA": 28, "OPT": 41, "DS": 43, "RRSIG": 46,
        "NSEC": 47, "DNSKEY": 48, "NSEC3": 50, "NSEC3PARAM": 51, "IXFR": 251,
        "AXFR": 252}
TYPE_NAME = {v: k for k, v in TYPE.items()}
CLASS_IN = 1
OPCODE = {"QUERY": 0, "IQUERY": 1, "STATUS": 2, "NOTIFY": 4, "UPDATE": 5,
          "DSO": 6}
RCODE_NAME = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN",
              4: "NOTIMP", 5: "REFUSED", 6: "YXDOMAIN", 7: "YXRRSET",
              8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE", 11: "DSOTYPENI",
              16: "BADVERS", 17: "BADKEY", 18: "BADTIME", 19: "BADMODE",
              20: "BADNAME", 21: "BADALG", 22: "BADTRUNC", 23: "BADCOOKIE"}
FLAG_BITS = (("qr", 0x8000), ("aa", 0x0400), ("tc", 0x0200), ("rd", 0x0100),
             ("ra", 0x0080), ("z", 0x0040), ("ad", 0x0020), ("cd", 0x0010))
EDE_OPTION = 15  # RFC 8914 §2


class Instance:
    """What runs an instance: the server software and its main config.

    upstream: the config names @UPSTREAM_ADDR@/@UPSTREAM_PORT@.
    upstream_from: the instance that `lab.py serve` makes its upstream when
    both are started together. default_upstream: the upstream when the
    caller gives none (else DEAD_UPSTREAM). prepare: a function called
    with the Server once its templates are in its dir, before the server
    starts (it may make keys, sign zones, fetch trust anchors there).
    ready_from: the loopback address the readiness poll comes from, for a
    server that drops the usual client (127.0.0.1) on purpose."""

    def __init__(self, server, conf, upstream=False, probe_zone="example.test",
                 upstream_from="upstream", default_upstream=None,
                 prepare=None, ready_from=None):
        self.server = server
        self.conf = conf
        self.upstream = upstream
        self.probe_zone = probe_zone
        self.upstream_from = upstream_from
        self.default_upstream = default_upstream
        self.prepare = prepare
        self.ready_from = ready_from


# The follow-up lab (servers built to show each cause dnsprobe's
# follow-ups name). signed-auth's zone is signed at start with keys made
# then, its RRSIGs valid only from SIGN_INCEPTION to SIGN_EXPIRATION: long
# expired, so a validator that anchors it fails on the real clock. Only the
# DNSKEY RRset's own RRSIGs run to DNSKEY_SIG_EXPIRATION (ten years from
# signing), so the chain of trust from the anchor holds and the failure is
# the expired signature on the data: Unbound 1.17 then sends EDE 7
# (Signature Expired). With every RRSIG expired it sends EDE 9 (DNSKEY
# Missing) instead: see tests/lab/OBSERVED.md.
SIGNED_ZONE = "signed.test"
SIGN_INCEPTION = "20200101000000"
SIGN_EXPIRATION = "20200201000000"
DNSKEY_SIG_EXPIRATION = "now+315360000"
SIGN_TIMEOUT = 30.0  # seconds for each BIND signing tool
# unbound-deadfwd forwards here: a loopback port where nothing listens.
DEAD_FORWARD = ("127.0.0.49", 53149)


def _sign_expired(srv):
    """Make a KSK and a ZSK for SIGNED_ZONE in srv.dir (ECDSA P-256, RFC
    6605) and sign <zone>.zone into <zone>.zone.signed with an inception
    and an expiration both in the past (RFC 4034 section 3.1.5), but for
    the DNSKEY RRset (-X). -P skips dnssec-signzone's own verification,
    which rejects expired signatures; NSD serves the result as it is."""
    zone = SIGNED_ZONE
    steps = (
        ["dnssec-keygen", "-q", "-K", srv.dir, "-a", "ECDSAP256SHA256",
         "-f", "KSK", zone],
        ["dnssec-keygen", "-q", "-K", srv.dir, "-a", "ECDSAP256SHA256",
         zone],
        ["dnssec-signzone", "-P", "-S", "-K", srv.dir, "-d", srv.dir,
         "-o", zone, "-s", SIGN_INCEPTION, "-e", SIGN_EXPIRATION,
         "-X", DNSKEY_SIG_EXPIRATION,
         "-f", os.path.join(srv.dir, zone + ".zone.signed"),
         os.path.join(srv.dir, zone + ".zone")],
    )
    for argv in steps:
        _run_tool(srv, argv)


def _run_tool(srv, argv):
    """Run one of BIND's DNSSEC tools in srv.dir (bounded by SIGN_TIMEOUT);
    a failure is the server's start failing. Returns its stdout."""
    proc = subprocess.run(argv, cwd=srv.dir, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=SIGN_TIMEOUT)
    if proc.returncode != 0:
        raise ServerError("%s: %s failed (%d): %s" % (
            srv.name, argv[0], proc.returncode,
            proc.stderr.decode("utf-8", "replace").strip()))
    return proc.stdout.decode("ascii", "replace")


# The DNSSEC lab (tests/lab/dnssec-auth): one NSD serving zones that
# dnssec-signzone signs at start, each to show one state to dnsprobe's
# DNSSEC checks (see tests/lab/dnssec-auth/nsd.conf). Keys are made then;
# RRSIG inception and expiration are explicit -s/-e times, offsets from the
# signing clock: DNSSEC_CLOCK (seconds since 1970) when set, for fixtures
# that must not depend on the day they were made, else the real time.
DNSSEC_CLOCK = None
DNSSEC_NSEC3 = ("c0ffee", 10)  # the salt and iterations nsec3.test shows
DNSSEC_TAMPERED_SERIAL = 2024010199  # bogus.test's serial after signing
_DAY = 86400
DnssecZone = collections.namedtuple(
    "DnssecZone", "zone algorithm inception expiration nsec3 tamper")
DNSSEC_ZONES = (
    # Valid for 30 days: the control, nothing to report.
    DnssecZone("secure.test", "ECDSAP256SHA256", -3600, 30 * _DAY, None,
               False),
    # Every RRSIG expires 12 hours after signing: re-signing stopped.
    DnssecZone("expiring.test", "ECDSAP256SHA256", -3600, 12 * 3600, None,
               False),
    # Every RRSIG expired a day before signing.
    DnssecZone("expired.test", "ECDSAP256SHA256", -31 * _DAY, -_DAY, None,
               False),
    # Every RRSIG becomes valid two days after signing (a clock ahead).
    DnssecZone("future.test", "ECDSAP256SHA256", 2 * _DAY, 32 * _DAY, None,
               False),
    # The SOA serial changed after signing: its RRSIG does not verify.
    DnssecZone("bogus.test", "ECDSAP256SHA256", -3600, 30 * _DAY, None,
               True),
    # RSASHA1 (algorithm 5), NOT RECOMMENDED for signing (RFC 8624).
    DnssecZone("rsasha1.test", "RSASHA1", -3600, 30 * _DAY, None, False),
    # NSEC3 with iterations and a salt (RFC 9276 advises 0 and none).
    DnssecZone("nsec3.test", "ECDSAP256SHA256", -3600, 30 * _DAY,
               DNSSEC_NSEC3, False),
    # One valid zone per other algorithm dnsprobe verifies.
    DnssecZone("nsec3rsasha1.test", "NSEC3RSASHA1", -3600, 30 * _DAY,
               ("-", 0), False),
    DnssecZone("rsasha256.test", "RSASHA256", -3600, 30 * _DAY, None, False),
    DnssecZone("rsasha512.test", "RSASHA512", -3600, 30 * _DAY, None, False),
    DnssecZone("ecdsa384.test", "ECDSAP384SHA384", -3600, 30 * _DAY, None,
               False),
    DnssecZone("ed25519.test", "ED25519", -3600, 30 * _DAY, None, False),
    DnssecZone("ed448.test", "ED448", -3600, 30 * _DAY, None, False),
)


def _sigtime(t):
    """RRSIG time for dnssec-signzone -s/-e (RFC 4034 §3.2), UTC."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(t))


def _sign_dnssec_lab(srv):
    """Sign every zone of DNSSEC_ZONES into <dir>/<zone>.zone.signed from
    the template dnssec.zone, with a KSK and a ZSK made now in
    <dir>/keys-<zone> (RSA keys of 2048 bits), and add the zones to
    nsd.conf. -P skips dnssec-signzone's own verification, which refuses
    the expired, future and (for the fixtures) past signatures; NSD serves
    what it is given as it is. bogus.test's SOA serial is changed after
    signing."""
    clock = DNSSEC_CLOCK if DNSSEC_CLOCK is not None else int(time.time())
    with open(os.path.join(srv.dir, "dnssec.zone"), encoding="ascii") as f:
        template = f.read()
    conf = []
    for z in DNSSEC_ZONES:
        src = os.path.join(srv.dir, z.zone + ".zone")
        signed = src + ".signed"
        keys = os.path.join(srv.dir, "keys-" + z.zone)
        os.mkdir(keys)
        with open(src, "w", encoding="ascii") as f:
            f.write("$ORIGIN %s.\n%s" % (z.zone, template))
        bits = ["-b", "2048"] if "RSA" in z.algorithm else []
        for role in (["-f", "KSK"], []):
            _run_tool(srv, ["dnssec-keygen", "-q", "-K", keys, "-a",
                            z.algorithm] + bits + role + [z.zone])
        nsec3 = []
        if z.nsec3 is not None:
            nsec3 = ["-3", z.nsec3[0], "-H", str(z.nsec3[1])]
        _run_tool(srv, ["dnssec-signzone", "-P", "-S", "-K", keys,
                        "-d", keys, "-o", z.zone,
                        "-s", _sigtime(clock + z.inception),
                        "-e", _sigtime(clock + z.expiration)] + nsec3 +
                  ["-f", signed, src])
        if z.tamper:
            with open(signed, encoding="ascii") as f:
                text = f.read()
            tampered = re.sub(r"\b\d+( ; serial)",
                              r"%d\1" % DNSSEC_TAMPERED_SERIAL, text,
                              count=1)
            if tampered == text:
                raise ServerError("%s: no SOA serial to change in %s"
                                  % (srv.name, signed))
            with open(signed, "w", encoding="ascii") as f:
                f.write(tampered)
        conf.append('zone:\n\tname: "%s"\n\tzonefile: "%s"\n'
                    % (z.zone, signed))
    with open(os.path.join(srv.dir, "nsd.conf"), "a", encoding="ascii") as f:
        f.write("\n" + "\n".join(conf))


def _fetch_trust_anchor(srv):
    """Read SIGNED_ZONE's DNSKEY RRset from srv's upstream over TCP and
    write its key-signing keys (SEP bit set, RFC 4034 section 2.1.1) to
    <dir>/<zone>.anchor, a trust-anchor-file for Unbound. The upstream is
    on loopback and was started first (start_many orders them)."""
    zone = SIGNED_ZONE
    _, wire = build_message(zone, TYPE["DNSKEY"], edns=1232)
    try:
        msgs = tcp_exchange(srv.upstream[0], srv.upstream[1], wire,
                            timeout=2.0)
    except OSError as e:
        raise ServerError("%s: cannot read %s's DNSKEY from %s:%d (start "
                          "signed-auth as its upstream): %s"
                          % (srv.name, zone, srv.upstream[0],
                             srv.upstream[1], e)) from None
    lines = []
    for raw in msgs[:1]:
        for name, ttl, _, rtype, text in Message(raw).records():
            if rtype == TYPE["DNSKEY"] and int(text.split()[0]) & 1:
                lines.append("%s %d IN DNSKEY %s\n" % (name, ttl, text))
    if not lines:
        raise ServerError("%s: no key-signing DNSKEY for %s from %s:%d"
                          % (srv.name, zone, srv.upstream[0],
                             srv.upstream[1]))
    with open(os.path.join(srv.dir, zone + ".anchor"), "w",
              encoding="ascii") as f:
        f.writelines(lines)


def _age_zone_file(srv):
    """Make bind-expired's copy of example.test 30 days old, beyond the
    SOA's expire (7 days): BIND then loads it as expired."""
    path = os.path.join(srv.dir, "example.test.zone")
    old = time.time() - 30 * 86400
    os.utime(path, (old, old))


INSTANCES = {
    "bind-strict": Instance("bind", "named.conf"),
    "bind-rrl": Instance("bind", "named.conf"),
    "bind-open": Instance("bind", "named.conf", upstream=True),
    "nsd": Instance("nsd", "nsd.conf"),
    "knot": Instance("knot", "knot.conf"),
    "unbound-refuse": Instance("unbound", "unbound.conf", upstream=True),
    "unbound-serve": Instance("unbound", "unbound.conf", upstream=True),
    "pdns-auth": Instance("pdns", "pdns.conf"),
    "pdns-recursor": Instance("pdns-recursor", "recursor.conf", upstream=True),
    "dnsmasq": Instance("dnsmasq", "dnsmasq.conf", upstream=True),
    "upstream": Instance("nsd", "nsd.conf"),
    # The follow-up lab (see tests/lab/OBSERVED.md, "Follow-ups").
    "signed-auth": Instance("nsd", "nsd.conf", probe_zone=SIGNED_ZONE,
                            prepare=_sign_expired),
    "unbound-dnssec": Instance("unbound", "unbound.conf", upstream=True,
                               upstream_from="signed-auth",
                               prepare=_fetch_trust_anchor),
    "unbound-deadfwd": Instance("unbound", "unbound.conf", upstream=True,
                                upstream_from=None,
                                default_upstream=DEAD_FORWARD),
    "nsd-lame": Instance("nsd", "nsd.conf"),
    # The diagnosis lab: servers that drop, refuse or fail the client in
    # the ways whose root causes dnsprobe must name.
    "unbound-deny": Instance("unbound", "unbound.conf", upstream=True,
                             ready_from="127.0.0.2"),
    "pdns-recursor-deny": Instance("pdns-recursor", "recursor.conf",
                                   upstream=True, ready_from="127.0.0.2"),
    "bind-blackhole": Instance("bind", "named.conf", ready_from="127.0.0.2"),
    "bind-noquery": Instance("bind", "named.conf"),
    "bind-expired": Instance("bind", "named.conf", upstream=True,
                             upstream_from=None, prepare=_age_zone_file),
    "unbound-blackhole": Instance("unbound", "unbound.conf", upstream=True,
                                  upstream_from=None),
    "nsd-big": Instance("nsd", "nsd.conf", probe_zone="big.test"),
    "lame-peer": Instance("nsd", "nsd.conf", probe_zone="lame.test"),
    # The delegation lab (tests/integration/test_delegation.py): a parent
    # zone and the child zones it delegates, on port 53 of 127.0.1-4.x.
    "deleg-parent": Instance("nsd", "nsd.conf", probe_zone="parent.test"),
    "deleg-child": Instance("nsd", "nsd.conf", probe_zone="good.parent.test"),
    # The DNSSEC lab (see DNSSEC_ZONES).
    "dnssec-auth": Instance("nsd", "nsd.conf", probe_zone="secure.test",
                            prepare=_sign_dnssec_lab),
    # The loopback resolver zone mode asks (test_zone, test_delegation,
    # test_dnssec_battery, which adds the parent's DS to it).
    "zone-resolver": Instance("unbound", "unbound.conf"),
}


def port_free(addr, port):
    """Whether this process may bind UDP and TCP port `port` on addr, so
    that a lab server meant for it can have it."""
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr, port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def server_command(server, conf, rundir):
    """The foreground command line of a server software (no user switch:
    each config keeps the server as the invoking user)."""
    if server == "bind":
        # -g: foreground, log to stderr; -n 1: one worker is plenty.
        return ["named", "-g", "-n", "1", "-c", conf]
    if server == "nsd":
        return ["nsd", "-d", "-c", conf]
    if server == "knot":
        return ["knotd", "-c", conf]
    if server == "unbound":
        return ["unbound", "-d", "-c", conf]
    if server == "pdns":
        return ["pdns_server", "--config-dir=" + rundir]
    if server == "pdns-recursor":
        return ["pdns_recursor", "--config-dir=" + rundir]
    if server == "dnsmasq":
        return ["dnsmasq", "-k", "-C", conf]
    raise ValueError("unknown server software: " + server)


# Integration lab layout (tests/integration): BIND on 127.0.0.1 ports
# 23100-23199, the others on 127.0.0.11-39; see the suite for its choices.
# The DNSSEC lab (test_dnssec_lab) uses 127.0.0.81 port 25381.
# The demo uses 127.0.0.1 port 24101 and 127.0.0.51-59 port 54100.
#
# Every client socket on loopback (dnsprobe's, dig's, a test's) has the
# source address 127.0.0.1 and a port from the kernel's ephemeral range
# (32768-60999 by default). A server on 127.0.0.1 (BIND can bind nothing
# else) must listen below that range, or a client socket that happens to
# hold its port, or one still in TIME-WAIT after a fleet test, makes its
# start fail with "address in use". Server.start refuses such a port.
DEMO = [
    # (instance, address, port, caption)
    ("upstream", "127.0.0.54", 54100, None),
    ("knot", "127.0.0.51", 54100,
     "a strict authoritative server (Knot): serves example.test, denies "
     "transfers, updates and notifies with NOTAUTH, no recursion"),
    ("bind-open", "127.0.0.1", 24101,
     "a careless primary (BIND): open AXFR, dynamic updates accepted, "
     "open recursion on an authoritative server"),
    ("unbound-refuse", "127.0.0.52", 54100,
     "a resolver that refuses this client (Unbound access-control refuse)"),
    ("unbound-deny", "127.0.0.55", 54100,
     "a resolver that silently drops this client (Unbound access-control "
     "deny): the classic 'my resolver does not answer' case"),
    ("unbound-serve", "127.0.0.53", 54100,
     "a resolver that serves this client (Unbound, recursion to a loopback "
     "authoritative)"),
]


# --------------------------------------------------------------------------
# DNS codec (RFC 1035 §4; EDNS RFC 6891; EDE RFC 8914; UPDATE RFC 2136;
# NOTIFY RFC 1996; IXFR RFC 1995)
# --------------------------------------------------------------------------

def encode_name(name):
    """Wire form of a domain name (RFC 1035 §3.1), no compression."""
    out = b""
    for label in name.rstrip(".").split("."):
        if not label:
            continue
        raw = label.encode("ascii")
        if len(raw) > 63:
            raise ValueError("label too long: " + label)
        out += bytes([len(raw)]) + raw
    return out + b"\x00"


def soa_record(zone, serial):
    """An SOA RR for the IXFR authority section (RFC 1995 §3): only the
    serial matters to the server."""
    rdata = encode_name(".") + encode_name(".") + struct.pack(
        "!IIIII", serial, 0, 0, 0, 0)
    return (encode_name(zone) + struct.pack("!HHIH", TYPE["SOA"], CLASS_IN, 0,
                                            len(rdata)) + rdata)


def build_message(qname, qtype, *, qid=None, opcode=0, rd=False, aa=False,
                  edns=None, dnssec_ok=False, authority=()):
    """One question, optional authority records (already encoded), optional
    OPT with the given UDP size (RFC 6891 §6.1.2) and, with dnssec_ok, the
    DO bit (RFC 3225 §3). Returns (id, bytes)."""
    if qid is None:
        qid = random.randrange(0, 0x10000)
    flags = (opcode & 0xF) << 11
    if aa:
        flags |= 0x0400
    if rd:
        flags |= 0x0100
    header = struct.pack("!HHHHHH", qid, flags, 1, 0, len(authority),
                         1 if edns else 0)
    body = encode_name(qname) + struct.pack("!HH", qtype, CLASS_IN)
    body += b"".join(authority)
    if edns:
        ttl = 0x8000 if dnssec_ok else 0  # RFC 6891 §6.1.4: DO is bit 16
        body += b"\x00" + struct.pack("!HHIH", TYPE["OPT"], edns, ttl, 0)
    return qid, header + body


class ParseError(Exception):
    pass


def _read_name(buf, off):
    """Read a possibly compressed name; returns (text, offset after it).
    Bounded: at most 128 pointer hops, never outside buf."""
    labels = []
    end = None
    hops = 0
    while True:
        if off >= len(buf):
            raise ParseError("name runs past the message")
        n = buf[off]
        if n & 0xC0 == 0xC0:
            if off + 1 >= len(buf):
                raise ParseError("truncated compression pointer")
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | buf[off + 1]
            hops += 1
            if hops > 128:
                raise ParseError("compression loop")
            continue
        if n & 0xC0:
            raise ParseError("bad label type")
        off += 1
        if n == 0:
            break
        if off + n > len(buf):
            raise ParseError("label runs past the message")
        labels.append(buf[off:off + n].decode("ascii", "backslashreplace"))
        off += n
    name = ".".join(labels).lower() + "." if labels else "."
    return name, (end if end is not None else off)


def _rdata_text(buf, rtype, off, rdlen):
    """Presentation form of the RDATA types the lab zones use; hex otherwise."""
    rd = buf[off:off + rdlen]
    if rtype == TYPE["A"] and rdlen == 4:
        return socket.inet_ntop(socket.AF_INET, rd)
    if rtype == TYPE["AAAA"] and rdlen == 16:
        return socket.inet_ntop(socket.AF_INET6, rd)
    if rtype in (TYPE["NS"], TYPE["CNAME"], TYPE["PTR"]):
        return _read_name(buf, off)[0]
    if rtype == TYPE["MX"]:
        pref = struct.unpack("!H", rd[:2])[0]
        return "%d %s" % (pref, _read_name(buf, off + 2)[0])
    if rtype == TYPE["SOA"]:
        mname, o = _read_name(buf, off)
        rname, o = _read_name(buf, o)
        nums = struct.unpack("!IIIII", buf[o:o + 20])
        return "%s %s %s" % (mname, rname, " ".join(str(x) for x in nums))
    if rtype == TYPE["TXT"]:
        parts, i = [], 0
        while i < len(rd):
            n = rd[i]
            parts.append('"%s"' % rd[i + 1:i + 1 + n].decode("ascii",
                                                               "replace"))
            i += 1 + n
        return " ".join(parts)
    if rtype == TYPE["DNSKEY"] and rdlen >= 4:
        # RFC 4034 section 2.2: flags, protocol, algorithm, base64 key.
        flags, proto, alg = struct.unpack("!HBB", rd[:4])
        return "%d %d %d %s" % (flags, proto, alg,
                                base64.b64encode(rd[4:]).decode("ascii"))
    return "\\# %d %s" % (rdlen, rd.hex())


class Message:
    """A leniently parsed DNS message: header, question, records, OPT, EDE.
    parse_problem is None when everything parsed."""

    def __init__(self, buf):
        if len(buf) < 12:
            raise ParseError("short header")
        (self.id, self.flags, self.qdcount, self.ancount, self.nscount,
         self.arcount) = struct.unpack("!HHHHHH", buf[:12])
        self.opcode = (self.flags >> 11) & 0xF
        self.rcode = self.flags & 0xF
        self.questions = []
        self.sections = {"answer": [], "authority": [], "additional": []}
        self.opt = None
        self.ede = []
        self.parse_problem = None
        try:
            off = 12
            for _ in range(self.qdcount):
                name, off = _read_name(buf, off)
                qtype, qclass = struct.unpack("!HH", buf[off:off + 4])
                off += 4
                self.questions.append((name, qtype, qclass))
            for sec, count in (("answer", self.ancount),
                               ("authority", self.nscount),
                               ("additional", self.arcount)):
                for _ in range(count):
                    off = self._record(buf, off, sec)
        except (ParseError, struct.error, IndexError) as e:
            self.parse_problem = str(e) or e.__class__.__name__
        if self.opt is not None:
            # RFC 6891 §6.1.3: the OPT TTL's top byte extends the RCODE.
            self.rcode |= self.opt["ext_rcode"] << 4

    def _record(self, buf, off, sec):
        name, off = _read_name(buf, off)
        rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", buf[off:off + 10])
        off += 10
        if off + rdlen > len(buf):
            raise ParseError("RDATA runs past the message")
        if rtype == TYPE["OPT"]:
            self._opt(buf[off:off + rdlen], rclass, ttl)
        else:
            self.sections[sec].append(
                (name, ttl, rclass, rtype, _rdata_text(buf, rtype, off,
                                                       rdlen)))
        return off + rdlen

    def _opt(self, rd, udp_size, ttl):
        self.opt = {"udp_size": udp_size, "ext_rcode": ttl >> 24,
                    "version": (ttl >> 16) & 0xFF, "do": bool(ttl & 0x8000),
                    "options": []}
        i = 0
        while i + 4 <= len(rd):
            code, length = struct.unpack("!HH", rd[i:i + 4])
            data = rd[i + 4:i + 4 + length]
            self.opt["options"].append((code, data))
            if code == EDE_OPTION and len(data) >= 2:
                self.ede.append((struct.unpack("!H", data[:2])[0],
                                 data[2:].decode("utf-8", "replace")))
            i += 4 + length

    @property
    def flag_names(self):
        return [n for n, bit in FLAG_BITS if self.flags & bit]

    @property
    def rcode_name(self):
        return RCODE_NAME.get(self.rcode, "RCODE%d" % self.rcode)

    def records(self, section="answer"):
        return self.sections[section]

    def summary(self):
        """One line: RCODE, opcode, flags, counts, EDE."""
        ede = ",".join("%d%s" % (c, ("(%s)" % t) if t else "")
                       for c, t in self.ede) or "-"
        return "%s opcode=%d flags=%s qd=%d an=%d ns=%d ar=%d ede=%s" % (
            self.rcode_name, self.opcode, "+".join(self.flag_names) or "-",
            self.qdcount, self.ancount, self.nscount, self.arcount, ede)


def _family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def require_loopback(addr):
    """Refuse any address outside 127.0.0.0/8 and ::1 (the lab's hard rule)."""
    if not ipaddress.ip_address(addr).is_loopback:
        raise ValueError("the lab only talks to loopback, not " + addr)


def udp_exchange(addr, port, wire, timeout=1.0, source=None):
    """Send one message over UDP (from the loopback address source when
    given); return the first reply with the same ID (raw bytes) or None on
    timeout. Raises OSError (e.g. ECONNREFUSED)."""
    require_loopback(addr)
    qid = wire[:2]
    deadline = time.monotonic() + timeout
    with socket.socket(_family(addr), socket.SOCK_DGRAM) as s:
        if source is not None:
            require_loopback(source)
            s.bind((source, 0))
        s.connect((addr, port))
        s.send(wire)
        for _ in range(64):  # bounded: ignore at most 64 stray datagrams
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            s.settimeout(left)
            try:
                data = s.recv(65535)
            except socket.timeout:
                return None
            if data[:2] == qid:
                return data
    return None


def _recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def tcp_exchange(addr, port, wire, timeout=2.0, max_messages=1, source=None):
    """Send one message over TCP (RFC 7766 §8 framing), from the loopback
    address source when given; return the list of reply messages read (up
    to max_messages, fewer on EOF or timeout)."""
    require_loopback(addr)
    out = []
    if source is not None:
        require_loopback(source)
    with socket.create_connection(
            (addr, port), timeout=timeout,
            source_address=(source, 0) if source is not None else None) as s:
        s.sendall(struct.pack("!H", len(wire)) + wire)
        while len(out) < max_messages:
            try:
                head = _recv_exact(s, 2)
                if head is None:
                    break
                body = _recv_exact(s, struct.unpack("!H", head)[0])
            except socket.timeout:
                break
            if body is None:
                break
            out.append(body)
            if max_messages > 1 and _transfer_done(out):
                break
    return out


def _transfer_done(msgs):
    """An AXFR/IXFR stream ends at its second SOA or an error RCODE
    (RFC 5936 §2.2). A lone SOA (IXFR "up to date", RFC 1995 §4) is only
    known to be alone when the server closes or goes quiet."""
    soas = 0
    for raw in msgs:
        m = Message(raw)
        if m.rcode != 0:
            return True
        soas += sum(1 for r in m.records() if r[3] == TYPE["SOA"])
    return soas >= 2


def axfr(addr, port, zone, timeout=5.0):
    """Transfer a zone (RFC 5936). Returns (rcode name, sorted list of
    records as presentation strings, SOA serial or None). The closing SOA
    is dropped so the list is the zone's content."""
    _, wire = build_message(zone, TYPE["AXFR"])
    msgs = tcp_exchange(addr, port, wire, timeout=timeout, max_messages=1000)
    if not msgs:
        return ("no-answer", [], None)
    first = Message(msgs[0])
    if first.rcode != 0:
        return (first.rcode_name, [], None)
    records, serial = [], None
    for raw in msgs:
        for name, ttl, rclass, rtype, text in Message(raw).records():
            line = "%s %d %s %s %s" % (name, ttl, "IN" if rclass == 1 else
                                       rclass, TYPE_NAME.get(rtype, rtype),
                                       text)
            if rtype == TYPE["SOA"]:
                if serial is not None:
                    continue  # the closing SOA
                serial = int(text.split()[2])
            records.append(line)
    return ("NOERROR", sorted(records), serial)


# --------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------

_started = []  # every Server this process started and has not yet stopped
_created = []  # every Server this process started (for the final cleanup)
_lock = threading.RLock()  # guards the lists and flags above and below
_handlers_installed = False
_atexit_installed = False
_closing = False  # set at exit or on SIGINT/SIGTERM: no more starts
spawn_hooks = []  # called with each Server right after its process starts


class ServerError(RuntimeError):
    pass


def ephemeral_ports():
    """The kernel's range for clients' local ports (Linux's default when it
    cannot be read)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range",
                  encoding="ascii") as f:
            low, high = (int(x) for x in f.read().split())
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


class ServerSilent(ServerError):
    """The server kept running but did not answer within READY_TIMEOUT."""


class Server:
    """A running nameserver instance. Use as a context manager, or call
    stop(). address/port/pid/dir/log_path are public."""

    def __init__(self, name, address, port, upstream=None, keep=False):
        if name not in INSTANCES:
            raise ValueError("unknown lab instance: " + name)
        require_loopback(address)
        self.name = name
        self.instance = INSTANCES[name]
        self.address = address
        self.port = int(port)
        self.upstream = (upstream or self.instance.default_upstream
                         or DEAD_UPSTREAM)
        require_loopback(self.upstream[0])
        self.keep = keep or bool(os.environ.get("LAB_KEEP"))
        self.proc = None
        self.pid = None
        self.dir = None
        self.log_path = None
        self._stop_lock = threading.Lock()
        self._terminated = False
        self._children = []

    # -- lifecycle --------------------------------------------------------

    def start(self):
        """Instantiate the templates, start the server, wait until it
        answers. On failure the server's log goes to stderr (and its tail
        into the exception), the server is stopped and its dir removed."""
        low, high = ephemeral_ports()
        if self.address in ("127.0.0.1", "::1") and low <= self.port <= high:
            raise ServerError(
                "%s: port %d on %s is in the ephemeral range %d-%d, where a "
                "client socket can hold it (see the lab layout in lab.py)"
                % (self.name, self.port, self.address, low, high))
        self.dir = tempfile.mkdtemp(prefix="dnsprobe-lab-%s-" % self.name)
        self.log_path = os.path.join(self.dir, "server.log")
        try:
            self._instantiate()
            if self.instance.prepare is not None:
                self.instance.prepare(self)
            conf = os.path.join(self.dir, self.instance.conf)
            cmd = server_command(self.instance.server, conf, self.dir)
            with open(self.log_path, "wb") as log:
                # A session of its own: a Ctrl-C on the terminal reaches the
                # lab (which stops the server by PID), not the server.
                self.proc = subprocess.Popen(
                    cmd, cwd=self.dir, stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, start_new_session=True)
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
            raise
        self.pid = self.proc.pid
        with _lock:
            _started.append(self)
            _created.append(self)
            closing = _closing
            for hook in spawn_hooks:
                hook(self)
        if closing:  # a signal or exit arrived while we were starting it
            self.stop()
            raise ServerError("%s: the lab is shutting down" % self.name)
        _install_handlers()
        try:
            self._wait_ready()
        except BaseException as e:
            log_text = self.log()
            self.stop()
            if not _closing:  # a real failure, not an interrupted start
                sys.stderr.write("lab: %s failed to start; its log:\n%s\n"
                                 % (self.name, log_text))
            if isinstance(e, ServerError):
                tail = "\n".join(log_text.splitlines()[-40:])
                raise type(e)("%s\n--- log tail ---\n%s" % (e, tail)) \
                    from None
            raise
        return self

    def _instantiate(self):
        subst = {
            "@ADDR@": self.address,
            "@PORT@": str(self.port),
            "@DIR@": self.dir,
            "@NAME@": self.name,
            "@UPSTREAM_ADDR@": self.upstream[0],
            "@UPSTREAM_PORT@": str(self.upstream[1]),
        }
        for src_dir in (ZONES_DIR, os.path.join(LAB_DIR, self.name)):
            for fname in sorted(os.listdir(src_dir)):
                src = os.path.join(src_dir, fname)
                if not os.path.isfile(src):
                    continue
                with open(src, encoding="utf-8") as f:
                    text = f.read()
                for key, value in subst.items():
                    text = text.replace(key, value)
                left = re.search(r"@[A-Z][A-Z0-9_]*@", text)
                if left:
                    raise ServerError("unknown placeholder %s in %s"
                                      % (left.group(0), src))
                with open(os.path.join(self.dir, fname), "w",
                          encoding="utf-8") as f:
                    f.write(text)

    def _wait_ready(self):
        """Poll the SOA of the probe zone over UDP, then over TCP, until the
        server answers (any RCODE counts), it exits, or READY_TIMEOUT."""
        started = time.monotonic()
        deadline = started + READY_TIMEOUT
        zone = self.instance.probe_zone
        udp_ok = tcp_ok = False
        # Bounded in count as well as in time, but the count must never be
        # the tighter bound: a refused poll returns at once, so 200 polls
        # once gave a server on a loaded 2-core CI machine only 10 s of its
        # 30 (BIND, started with fourteen other servers, did not make it).
        polls = int(READY_TIMEOUT / READY_POLL) + 2
        for _ in range(polls):
            if _closing:
                raise ServerError("%s: the lab is shutting down" % self.name)
            if self.proc.poll() is not None:
                raise ServerError("%s exited with status %s during start"
                                  % (self.name, self.proc.returncode))
            if time.monotonic() > deadline:
                break
            try:
                _, wire = build_message(zone, TYPE["SOA"], edns=1232)
                src = self.instance.ready_from
                if not udp_ok:
                    udp_ok = udp_exchange(self.address, self.port, wire,
                                          timeout=0.2, source=src) is not None
                if udp_ok and not tcp_ok:
                    tcp_ok = bool(tcp_exchange(self.address, self.port, wire,
                                               timeout=0.5, source=src))
            except OSError:
                pass
            if udp_ok and tcp_ok:
                return
            time.sleep(READY_POLL)
        raise ServerSilent("%s did not answer within %.1f s (UDP %s, TCP %s)"
                          % (self.name, time.monotonic() - started,
                             "answered" if udp_ok else "silent",
                             "answered" if tcp_ok else "silent"))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL the server and any
        child of it still alive (all by PID); remove its dir. Idempotent."""
        self.terminate()
        self.reap(time.monotonic() + STOP_TIMEOUT)

    def terminate(self):
        """Send SIGTERM once, after noting the server's children (NSD forks)
        so that reap() can sweep them."""
        with self._stop_lock:
            proc = self.proc
            if proc is None or self._terminated:
                return
            self._terminated = True
            if proc.poll() is None:
                self._children = _descendants(proc.pid)
                proc.send_signal(signal.SIGTERM)  # a no-op once reaped

    def reap(self, deadline):
        """Wait for the server until deadline, SIGKILL it after that, sweep
        its children, forget it and remove its dir."""
        with self._stop_lock:
            proc = self.proc
            if proc is None:
                return
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                try:
                    proc.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    sys.stderr.write("lab: %s (pid %d) survived SIGKILL\n"
                                     % (self.name, proc.pid))
            for child in self._children:
                _kill_if_child_of(child)
            self._children = []
            with _lock:
                if self in _started:
                    _started.remove(self)
            if self.dir and not self.keep and proc.poll() is not None:
                shutil.rmtree(self.dir, ignore_errors=True)
                self.dir = None

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    def __enter__(self):
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    @property
    def target(self):
        """dnsprobe's TARGET for this server: ADDR:PORT or [ADDR]:PORT."""
        if ":" in self.address:
            return "[%s]:%d" % (self.address, self.port)
        return "%s:%d" % (self.address, self.port)

    def __repr__(self):
        return "<Server %s %s pid=%s>" % (self.name, self.target, self.pid)


def _descendants(pid):
    """PIDs (with their start times) of processes whose parent chain leads to
    pid, read from /proc before we signal anything."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        parents[int(entry)] = (int(fields[1]), fields[19])  # ppid, starttime
    out, frontier = [], [pid]
    for _ in range(64):  # bounded depth
        nxt = [p for p, (pp, _) in parents.items() if pp in frontier]
        if not nxt:
            break
        out += [(p, parents[p][1]) for p in nxt]
        frontier = nxt
    return out


def _kill_if_child_of(child):
    """SIGKILL a recorded descendant if it is still the same process (same
    start time), so a reused PID is never hit."""
    pid, starttime = child
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return
    if stat[stat.rfind(")") + 2:].split()[19] != starttime:
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def stop_all():
    """Stop every server this process started and has not stopped: SIGTERM
    to all at once, then one shared STOP_TIMEOUT before any SIGKILL."""
    with _lock:
        servers = list(_started)
    for srv in servers:
        srv.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    for srv in reversed(servers):
        srv.reap(deadline)


def _shutdown():
    """At exit: refuse further starts (a start in flight in another thread
    stops its own server), then stop everything."""
    global _closing
    with _lock:
        _closing = True
    stop_all()
    # A stop cut short (a second signal) may have left a dir behind.
    with _lock:
        created = list(_created)
    for srv in created:
        if srv.dir and not srv.keep and srv.proc is not None and \
                srv.proc.poll() is not None:
            shutil.rmtree(srv.dir, ignore_errors=True)
            srv.dir = None


def _install_handlers():
    """Register the final cleanup at exit, and turn SIGINT/SIGTERM into an
    unwinding exit (so that cleanup runs) once a call comes from the main
    thread, where signal handlers can only be set."""
    global _atexit_installed, _handlers_installed
    with _lock:
        if not _atexit_installed:
            atexit.register(_shutdown)
            _atexit_installed = True
        if _handlers_installed or \
                threading.current_thread() is not threading.main_thread():
            return
        _handlers_installed = True
    # SIGHUP too: a closed terminal or an exiting shell must stop the lab's
    # servers, which live in sessions of their own.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        previous = signal.getsignal(sig)
        if previous == signal.SIG_IGN:
            continue  # the caller chose to ignore it (e.g. a background job)

        def handler(signum, frame, previous=previous):
            # Only flag and unwind: the servers are stopped by the code that
            # unwinds (context exits, cleanups) and at the latest at exit,
            # never from inside a handler that could interrupt a stop.
            global _closing
            if _closing:
                return  # already shutting down: let the cleanup finish
            _closing = True
            if callable(previous):
                previous(signum, frame)  # SIGINT: KeyboardInterrupt
            raise SystemExit(128 + signum)

        signal.signal(sig, handler)


def start(name, address, port, upstream=None):
    """Start one instance and wait until it answers. Returns a Server.
    A server that runs but stays silent gets one more start (it was stopped
    and its dir removed): a loaded CI machine can starve one of fifteen
    servers started at once. One that exits is not retried: that is its
    configuration, and the same again would fail the same way."""
    try:
        return Server(name, address, port, upstream=upstream).start()
    except ServerSilent as e:
        if _closing:
            raise
        sys.stderr.write("lab: %s: starting it once more\n"
                         % str(e).splitlines()[0])
    return Server(name, address, port, upstream=upstream).start()


def start_many(specs):
    """Start several instances at once. specs: (name, address, port[,
    upstream]) tuples; an upstream may be the name of an instance in the
    same list, which is started first. Returns {name: Server}. On any
    failure, stops whatever started and raises."""
    _install_handlers()  # from the caller's thread, maybe the main one
    servers, errors = {}, []
    pending = [tuple(s) + (None,) * (4 - len(s)) for s in specs]

    def run(spec):
        name, address, port, upstream = spec
        if isinstance(upstream, str):
            up = servers[upstream]
            upstream = (up.address, up.port)
        try:
            servers[name] = start(name, address, port, upstream)
        except BaseException as e:  # reported after every thread joined
            errors.append((name, e))

    for _ in range(len(pending) + 1):  # bounded: one wave per dependency
        ready = [s for s in pending
                 if not isinstance(s[3], str) or s[3] in servers]
        if not ready or errors:
            break
        threads = [threading.Thread(target=run, args=(s,)) for s in ready]
        for t in threads:
            t.start()
        try:
            for t in threads:
                t.join()
        except BaseException:
            # Interrupted (a signal handler raised): let the starts in
            # flight finish or give up (bounded), then stop them all.
            for t in threads:
                t.join(timeout=READY_TIMEOUT + STOP_TIMEOUT)
            for srv in list(servers.values()):
                srv.stop()
            raise
        pending = [s for s in pending if s not in ready]
    if errors or pending:
        for srv in servers.values():
            srv.stop()
        if errors:
            raise ServerError("; ".join("%s: %s" % (n, e) for n, e in errors))
        raise ServerError("unresolved upstreams: %r" % (pending,))
    return servers


# --------------------------------------------------------------------------
# dnsprobe
# --------------------------------------------------------------------------

class ProbeRun:
    """The result of one dnsprobe run: exit code, parsed JSON (None when
    stdout was not JSON), stderr and raw stdout."""

    def __init__(self, code, report, stderr, stdout, argv):
        self.code = code
        self.report = report
        self.stderr = stderr
        self.stdout = stdout
        self.argv = argv

    def __iter__(self):  # code, report, stderr = run_dnsprobe(...)
        return iter((self.code, self.report, self.stderr))

    def target(self, index=0):
        return self.report["targets"][index]

    def probe(self, probe_id, index=0):
        for p in self.target(index)["probes"]:
            if p["id"] == probe_id:
                return p
        raise KeyError("no probe %r in the report" % probe_id)


def dnsprobe_path():
    """The binary under test: $DNSPROBE, else a build dir in the tree."""
    path = os.environ.get("DNSPROBE")
    if path:
        return path
    cand = os.path.join(SRCDIR, "build", "dnsprobe")
    if os.access(cand, os.X_OK):
        return cand
    raise ServerError("no dnsprobe binary: set DNSPROBE")


def run_dnsprobe(args, timeout=60):
    """Run dnsprobe with args plus --format json (unless a --format is in
    args). Returns a ProbeRun (iterable as code, report, stderr)."""
    argv = [dnsprobe_path()] + list(args)
    if not any(a == "--format" or a.startswith("--format=") for a in args):
        argv += ["--format", "json"]
    if os.environ.get("DNSPROBE_VALGRIND") == "1":
        # Any memcheck error or definite leak makes the exit status 99,
        # which no assertion on dnsprobe's own 0..3 accepts.
        argv = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
                "--errors-for-leak-kinds=definite"] + argv
        timeout *= 10
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=timeout, env=env)
    stdout = proc.stdout.decode("utf-8", "replace")
    stderr = proc.stderr.decode("utf-8", "replace")
    try:
        report = json.loads(stdout)
    except ValueError:
        report = None
    return ProbeRun(proc.returncode, report, stderr, stdout, argv)


# --------------------------------------------------------------------------
# The core battery by hand (for OBSERVED.md and for checking a server)
# --------------------------------------------------------------------------

def battery(addr, port, zone="example.test", name="www.other.test",
            timeout=1.5):
    """Send the core battery (docs/design/probes.md) one probe at a
    time, the way OBSERVED.md was made, and
    return [(probe id, transport, outcome text)]. This is a checking tool,
    not dnsprobe: it waits timeout seconds per silent probe."""
    rows = []

    def udp(pid, wire):
        try:
            raw = udp_exchange(addr, port, wire, timeout=timeout)
            rows.append((pid, "udp", Message(raw).summary() if raw
                         else "no reply (timeout)"))
        except ConnectionRefusedError:
            rows.append((pid, "udp", "port unreachable"))

    def tcp(pid, wire, stream=False):
        try:
            msgs = tcp_exchange(addr, port, wire, timeout=timeout,
                                max_messages=1000 if stream else 1)
        except ConnectionRefusedError:
            rows.append((pid, "tcp", "connection refused"))
            return
        except OSError as e:
            rows.append((pid, "tcp", "error: %s" % e))
            return
        if not msgs:
            rows.append((pid, "tcp", "closed or no reply"))
            return
        text = Message(msgs[0]).summary()
        if stream:
            nrec = sum(len(Message(m).records()) for m in msgs)
            text += " messages=%d records=%d" % (len(msgs), nrec)
        rows.append((pid, "tcp", text))

    soa = TYPE["SOA"]
    udp("udp", build_message(zone, soa, edns=1232)[1])
    tcp("tcp", build_message(zone, soa, edns=1232)[1])
    udp("recursion", build_message(name, TYPE["A"], rd=True, edns=1232)[1])
    tcp("axfr", build_message(zone, TYPE["AXFR"])[1], stream=True)
    serial = None
    try:
        raw = udp_exchange(addr, port, build_message(zone, soa)[1], timeout)
        m = Message(raw) if raw else None
        if m and m.rcode == 0:
            for r in m.records():
                if r[3] == soa:
                    serial = int(r[4].split()[2])
    except OSError:
        pass
    ixfr_serial = ((serial or 2024010101) - 1) & 0xFFFFFFFF
    tcp("ixfr", build_message(zone, TYPE["IXFR"], authority=(
        soa_record(zone, ixfr_serial),))[1], stream=True)
    # UPDATE (RFC 2136 §2): zone section = the "question", empty
    # prerequisite, update and additional sections: a no-op.
    udp("update", build_message(zone, soa, opcode=OPCODE["UPDATE"])[1])
    udp("notify", build_message(zone, soa, opcode=OPCODE["NOTIFY"],
                                aa=True)[1])
    udp("opcode", build_message(zone, soa, opcode=15)[1])
    return rows


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def case_pair(addr, port, zone="example.test", seed=None, timeout=1.5):
    """The case probe by hand: the zone's SOA (RD=0, EDNS0) with the name in
    a random mix of cases and, from the same socket at once, in the opposite
    case. Returns [(sent, echoed or None, rcode or None)] for the two, in
    the order sent (RFC 1035 4.1.2: each reply should carry its own)."""
    require_loopback(addr)
    rng = random.Random(seed)
    name = zone.rstrip(".") + "."
    first = "".join(c.upper() if c.isalpha() and rng.random() < 0.5 else
                    c.lower() for c in name)
    second = first.swapcase()
    queries = [build_message(q, TYPE["SOA"], edns=1232)
               for q in (first, second)]
    got = {}
    deadline = time.monotonic() + timeout
    with socket.socket(_family(addr), socket.SOCK_DGRAM) as s:
        s.connect((addr, port))
        for _, wire in queries:
            s.send(wire)
        for _ in range(64):  # bounded: at most 64 datagrams read
            left = deadline - time.monotonic()
            if left <= 0 or len(got) == 2:
                break
            s.settimeout(left)
            try:
                data = s.recv(65535)
            except socket.timeout:
                break
            qid = struct.unpack_from("!H", data)[0]
            if any(qid == q for q, _ in queries) and qid not in got:
                got[qid] = data
    out = []
    for (qid, _), sent in zip(queries, (first, second)):
        raw = got.get(qid)
        if raw is None:
            out.append((sent, None, None))
            continue
        out.append((sent, _question_as_sent(raw), Message(raw).rcode_name))
    return out


def _question_as_sent(raw):
    """The first question's name as the reply spells it (letters in their
    case, unlike _read_name), or None when there is none or it is not a
    plain run of labels."""
    if len(raw) < 12 or struct.unpack_from("!H", raw, 4)[0] == 0:
        return None
    labels, off = [], 12
    for _ in range(128):  # bounded: a name has at most 127 labels
        if off >= len(raw) or raw[off] & 0xC0:
            return None
        n = raw[off]
        if n == 0:
            return ".".join(labels) + "." if labels else "."
        labels.append(raw[off + 1:off + 1 + n].decode("ascii",
                                                     "backslashreplace"))
        off += 1 + n
    return None


def _parse_spec(text):
    """NAME or NAME=ADDR:PORT or NAME=[ADDR]:PORT."""
    name, _, where = text.partition("=")
    if not where:
        raise SystemExit("lab: give an address for %s (NAME=ADDR:PORT)"
                         % name)
    if where.startswith("["):
        addr, _, port = where[1:].partition("]:")
    else:
        addr, _, port = where.rpartition(":")
    return name, addr, int(port)


def _cmd_serve(opts):
    if opts.pid_file:
        pid_file = open(opts.pid_file, "a", encoding="utf-8")

        def record(srv):
            pid_file.write("%d %s\n" % (srv.pid, srv.dir))
            pid_file.flush()

        spawn_hooks.append(record)
    if opts.demo:
        specs = [(n, a, p, "upstream" if INSTANCES[n].upstream else None)
                 for n, a, p, _ in DEMO]
        captions = {n: c for n, _, _, c in DEMO}
    else:
        specs, captions = [], {}
        for text in opts.specs:
            name, addr, port = _parse_spec(text)
            if name not in INSTANCES:
                raise SystemExit("lab: unknown instance %s" % name)
            specs.append((name, addr, port))
        # Each resolver's upstream is its upstream_from instance when that
        # is started too ("upstream" for most, "signed-auth" for
        # unbound-dnssec); otherwise its default_upstream or DEAD_UPSTREAM.
        names = {n for n, _, _ in specs}
        specs = [(n, a, p, INSTANCES[n].upstream_from
                  if INSTANCES[n].upstream
                  and INSTANCES[n].upstream_from in names else None)
                 for n, a, p in specs]
    servers = start_many(specs)
    order = [s[0] for s in specs]
    for name in order:
        srv = servers[name]
        # READY <name> <target> <pid> <dir> <caption or ->
        print("READY %s %s %d %s %s" % (name, srv.target, srv.pid, srv.dir,
                                        captions.get(name) or "-"),
              flush=True)
    print("ALL-READY", flush=True)
    # Stop on SIGTERM/SIGINT, on --max-seconds, and with --stop-on-eof when
    # stdin closes (a coprocess whose caller died takes its servers along).
    deadline = time.monotonic() + opts.max_seconds
    stdin = sys.stdin if opts.stop_on_eof else None
    while time.monotonic() < deadline:
        dead = [n for n, s in servers.items() if not s.alive()]
        if dead:
            sys.stderr.write("lab: %s exited early\n" % ", ".join(dead))
            break
        if stdin is None:
            time.sleep(1.0)
            continue
        try:
            r, _, _ = select.select([stdin], [], [], 1.0)
            if r and not stdin.buffer.read1(4096):
                break
        except (OSError, ValueError):
            stdin = None
    stop_all()
    return 0


def _cmd_battery(opts):
    rows = battery(opts.addr, opts.port, opts.zone, opts.name, opts.timeout)
    for pid, transport, text in rows:
        print("%-10s %-4s %s" % (pid, transport, text))
    return 0


def _cmd_case(opts):
    for sent, echoed, rcode in case_pair(opts.addr, opts.port, opts.zone):
        verdict = ("no reply" if echoed is None and rcode is None else
                   "same" if echoed == sent else "DIFFERS")
        print("sent %-24s got %-24s %-8s %s" % (sent, echoed, rcode, verdict))
    return 0


def _cmd_axfr(opts):
    rcode, records, serial = axfr(opts.addr, opts.port, opts.zone)
    print("; rcode=%s serial=%s records=%d" % (rcode, serial, len(records)))
    for line in records:
        print(line)
    return 0 if rcode == "NOERROR" else 1


def main(argv=None):
    ap = argparse.ArgumentParser(prog="lab.py", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("serve", help="start instances until stdin closes")
    sp.add_argument("--demo", action="store_true", help="the demo set")
    sp.add_argument("--max-seconds", type=float, default=3600.0,
                    help="stop everything after this long (default 3600)")
    sp.add_argument("--stop-on-eof", action="store_true",
                    help="also stop when stdin reaches end of file")
    sp.add_argument("--pid-file", help="append 'PID DIR' for each server "
                    "as soon as it is spawned (for a caller's last-resort "
                    "cleanup if this process is killed)")
    sp.add_argument("specs", nargs="*", help="NAME=ADDR:PORT")
    sp.set_defaults(func=_cmd_serve)
    bp = sub.add_parser("battery", help="send the core battery by hand")
    bp.add_argument("addr")
    bp.add_argument("port", type=int)
    bp.add_argument("zone", nargs="?", default="example.test")
    bp.add_argument("name", nargs="?", default="www.other.test")
    bp.add_argument("--timeout", type=float, default=1.5)
    bp.set_defaults(func=_cmd_battery)
    cp = sub.add_parser("case", help="the zone's SOA in two cases at once, "
                        "each reply's question as echoed")
    cp.add_argument("addr")
    cp.add_argument("port", type=int)
    cp.add_argument("zone", nargs="?", default="example.test")
    cp.set_defaults(func=_cmd_case)
    xp = sub.add_parser("axfr", help="print a zone transfer, sorted")
    xp.add_argument("addr")
    xp.add_argument("port", type=int)
    xp.add_argument("zone")
    xp.set_defaults(func=_cmd_axfr)
    opts = ap.parse_args(argv)
    if opts.cmd == "serve" and not opts.demo and not opts.specs:
        ap.error("serve: give NAME=ADDR:PORT specs or --demo")
    return opts.func(opts)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)  # the servers are stopped at exit (_shutdown)
