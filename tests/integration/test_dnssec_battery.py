#!/usr/bin/env python3
"""The DNSSEC check in the real binary's diagnosis, against the DNSSEC lab.

One target at a time: dnsprobe against dnssec-auth (NSD serving the zones
tests/support/lab.py signs when it starts, each made to show one DNSSEC
state) must lead with the root cause each zone was made for, with its
severity and NSD's fix (NSD signs nothing: the signer in front of it), and
nothing DNSSEC about the valid zones; an unsigned zone (example.test on
nsd) and a resolver (not the zone's signer) get no DNSSEC word at all.
The thresholds are options; the zones' times come from the signing clock,
so this test needs no clock of its own.

Zone mode: two dnssec-auth servers on port 53 of 127.0.0.141 and .142, each
signing with keys of its own, and zone-resolver (tests/lab/zone-resolver)
answering their delegations, with DS records made from ns1's keys once it
has started: a DS that matches (secure.test), one that matches no key
(rsasha256.test), none (ed25519.test), and a zone served by both servers
(ecdsa384.test) with two DNSKEY sets. Zone mode needs port 53 (root): it is
skipped when the ports cannot be bound.

Expectations are written by hand from what each zone was made to show
(tests/lab/OBSERVED.md), never computed from dnsprobe's output. Every query
goes to 127.0.0.0/8; servers are stopped by PID by lab.py.
"""
import base64
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import unittest

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import lab  # noqa: E402

AUTH = ("127.0.0.143", 25443)  # dnssec-auth, one target at a time
UNSIGNED = ("127.0.0.144", 25444)  # nsd: example.test, unsigned
RESOLVER_TARGET = ("127.0.0.145", 25445)  # unbound-serve over dnssec-auth
NS1 = ("127.0.0.141", 53)
NS2 = ("127.0.0.142", 53)
ZONE_RESOLVER = ("127.0.0.140", 25440)
DAY = 86400
RUN_TIMEOUT = 120

# zone: (first root cause, its severity, exit status, the probes it accounts
# for); None: no DNSSEC cause at all. From DNSSEC_ZONES in lab.py: expiring
# 12 h after signing (under 2 days: critical), expired a day before, valid
# only from 2 days after, an SOA changed after signing, RSASHA1 and
# RSASHA1-NSEC3-SHA1 (RFC 8624: not recommended, a warning), RSASHA512 (not
# recommended, info), NSEC3 with 10 iterations and a salt.
ZONES = {
    "secure.test": None,
    "expiring.test": ("dnssec-expiring", "critical", 2, ["dnskey"]),
    "expired.test": ("dnssec-expired", "critical", 2, ["dnskey"]),
    "future.test": ("dnssec-clock", "critical", 2, ["dnskey"]),
    "bogus.test": ("dnssec-bogus", "critical", 2, ["dnskey"]),
    "rsasha1.test": ("dnssec-algorithm", "warning", 1, ["dnskey"]),
    "nsec3rsasha1.test": ("dnssec-algorithm", "warning", 1, ["dnskey"]),
    "rsasha512.test": ("dnssec-algorithm", "info", 0, ["dnskey"]),
    "nsec3.test": ("dnssec-nsec3", "warning", 1, ["nsec3param"]),
    "rsasha256.test": None,
    "ecdsa384.test": None,
    "ed25519.test": None,
    "ed448.test": None,
}
# The algorithm each zone was signed with (lab.py, DNSSEC_ZONES).
ALGORITHMS = {"rsasha1.test": 5, "nsec3rsasha1.test": 7, "rsasha256.test": 8,
              "rsasha512.test": 10, "ecdsa384.test": 14, "ed25519.test": 15,
              "ed448.test": 16}
# What each cause's fix must say for NSD, which signs nothing.
NSD_FIX = {
    "dnssec-expiring": "ods-signer sign",
    "dnssec-expired": "ods-signer sign",
    "dnssec-bogus": "ods-signer sign",
    "dnssec-clock": "clock",
    "dnssec-algorithm": "ECDSAP256SHA256",
    "dnssec-nsec3": "-t 0",
}


def dnssec_causes(target):
    return [c for c in target["diagnosis"] if c["cause"].startswith("dnssec")]


def run(addr, port, zone, *extra):
    r = lab.run_dnsprobe(["%s:%d" % (addr, port), "--zone", zone,
                          "--timeout", "2000"] + list(extra),
                         timeout=RUN_TIMEOUT)
    if r.code not in (0, 1, 2):
        raise AssertionError("%s: exit %d: %s" % (zone, r.code, r.stderr))
    return r


class Battery(unittest.TestCase):
    servers = []

    @classmethod
    def setUpClass(cls):
        try:
            cls.servers.append(lab.start("dnssec-auth", *AUTH))
            cls.servers.append(lab.start("nsd", *UNSIGNED))
            cls.servers.append(lab.start("unbound-serve", *RESOLVER_TARGET,
                                         upstream=AUTH))
        except BaseException:
            cls.tearDownClass()
            raise
        cls.reports = {z: run(*AUTH, z) for z in ZONES}

    @classmethod
    def tearDownClass(cls):
        for srv in cls.servers:
            srv.stop()
        cls.servers = []

    def test_first_cause_severity_and_fix(self):
        for zone, want in ZONES.items():
            with self.subTest(zone=zone):
                r = self.reports[zone]
                t = r.target()
                got = dnssec_causes(t)
                if want is None:
                    self.assertEqual(got, [], zone)
                    continue
                cause, severity, code, probes = want
                self.assertTrue(got, "%s: no DNSSEC cause" % zone)
                self.assertEqual((got[0]["cause"], got[0]["severity"]),
                                 (cause, severity), zone)
                self.assertEqual(got[0]["probes"], probes, zone)
                self.assertEqual(r.code, code, zone)
                # the worst cause leads the diagnosis when it is a problem
                if severity != "info":
                    self.assertEqual(t["diagnosis"][0]["cause"], cause, zone)
                self.assertEqual(t["software"]["name"], "nsd", zone)
                self.assertIn("NSD does not sign", got[0]["fix"], zone)
                self.assertIn(NSD_FIX[cause], got[0]["fix"], zone)
                self.assertIn(zone, got[0]["fix"], "%s: the zone's own name"
                              % zone)
                self.assertTrue(got[0]["evidence"], zone)

    def test_dnssec_summary(self):
        for zone in ZONES:
            with self.subTest(zone=zone):
                d = self.reports[zone].target()["dnssec"]
                self.assertEqual(d["state"], "signed", zone)
                self.assertEqual(d["algorithms"],
                                 [ALGORITHMS.get(zone, 13)], zone)
                # a KSK (SEP) and a ZSK, both zone keys
                self.assertEqual(sorted(k["flags"] for k in d["keys"]),
                                 [256, 257], zone)
                self.assertTrue(any(k["signs_dnskey"] for k in d["keys"]),
                                zone)
                left = d["expiry_seconds"]
                if zone == "expiring.test":
                    self.assertTrue(0 < left <= DAY // 2, (zone, left))
                elif zone == "expired.test":
                    self.assertTrue(-DAY - 3600 < left < -DAY + 3600,
                                    (zone, left))
                elif zone == "future.test":
                    self.assertTrue(31 * DAY < left <= 32 * DAY, (zone, left))
                else:
                    self.assertTrue(29 * DAY < left <= 30 * DAY, (zone, left))
                self.assertRegex(d["earliest_expiry"],
                                 r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_nsec3_parameters(self):
        d = self.reports["nsec3.test"].target()["dnssec"]
        self.assertEqual(d["nsec3"], {"iterations": 10, "salt": "c0ffee"})
        keys = sorted(f["key"] for f in d["findings"])
        self.assertEqual(keys, ["dnssec-nsec3-iterations",
                                "dnssec-nsec3-salt"])
        self.assertIsNone(self.reports["secure.test"].target()["dnssec"]
                          ["nsec3"])

    def test_probes_carry_the_finding(self):
        cases = [
            # zone, probe, verdict, severity, cause
            ("secure.test", "dnskey", "signed", "ok", None),
            ("secure.test", "nsec3param", "not-offered", "ok", None),
            ("expired.test", "dnskey", "signed", "critical",
             "dnssec-expired"),
            ("nsec3.test", "nsec3param", "signed", "warning", "dnssec-nsec3"),
            ("nsec3.test", "dnskey", "signed", "ok", None),
        ]
        for zone, pid, verdict, severity, cause in cases:
            with self.subTest(zone=zone, probe=pid):
                p = self.reports[zone].probe(pid)
                self.assertEqual((p["verdict"], p["severity"], p["cause"]),
                                 (verdict, severity, cause), (zone, pid))
                self.assertEqual(p["finding"],
                                 "dnssec-signing" if cause else None,
                                 (zone, pid))

    def test_thresholds(self):
        """expiring.test's RRSIGs expire 12 h after signing: critical under
        the default 2 days, a warning with --dnssec-crit 0 (and a 1-day
        warning threshold, the lowest there is), critical again under a
        1-day critical threshold; secure.test's 30 days warn only under a
        longer warning threshold."""
        cases = [
            (["--dnssec-crit", "0"], "warning", 1),
            (["--dnssec-warn", "1", "--dnssec-crit", "0"], "warning", 1),
            (["--dnssec-warn", "30", "--dnssec-crit", "1"], "critical", 2),
        ]
        for args, severity, code in cases:
            with self.subTest(args=args):
                r = run(*AUTH, "expiring.test", *args)
                got = dnssec_causes(r.target())
                self.assertEqual([(c["cause"], c["severity"]) for c in got],
                                 [("dnssec-expiring", severity)], args)
                self.assertEqual(r.code, code, args)
        # secure.test, 30 days left: a warning only under a 31-day threshold
        r = run(*AUTH, "secure.test", "--dnssec-warn", "31")
        self.assertEqual([(c["cause"], c["severity"])
                          for c in dnssec_causes(r.target())],
                         [("dnssec-expiring", "warning")])
        r = run(*AUTH, "secure.test", "--dnssec-warn", "29")
        self.assertEqual(dnssec_causes(r.target()), [])

    def test_text_and_prometheus(self):
        r = run(*AUTH, "expired.test", "--format", "text", "--color", "never")
        self.assertRegex(r.stdout, r"\ndnssec: signed, an RRSIG expired 1 d "
                         r"ago \((SOA|DNSKEY)\), algorithm 13\n")
        self.assertRegex(r.stdout, r"\[CRITICAL\] The zone's DNSSEC "
                         r"signatures have expired \(dnssec-expired\)")
        r = run(*AUTH, "secure.test", "--format", "text", "--color", "never")
        self.assertRegex(r.stdout, r"\ndnssec: signed, RRSIGs valid for 29 d "
                         r"\(earliest: (SOA|DNSKEY)\), algorithm 13\n")
        r = run(*AUTH, "expired.test", "--format", "prometheus")
        if shutil.which("promtool") is not None:
            done = subprocess.run(["promtool", "check", "metrics"],
                                  input=r.stdout.encode("utf-8"),
                                  capture_output=True, timeout=30)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        line = [ln for ln in r.stdout.splitlines()
                if ln.startswith("dnsprobe_dnssec_signature_expiry_seconds{")]
        self.assertEqual(len(line), 1, r.stdout)
        self.assertIn('zone="expired.test."', line[0])
        self.assertTrue(-DAY - 3600 < float(line[0].split()[-1]) < -DAY + 3600,
                        line[0])
        self.assertIn('dnsprobe_dnssec_signed{target="%s:%d",address="%s",'
                      'port="%d",zone="expired.test."} 1'
                      % (AUTH[0], AUTH[1], AUTH[0], AUTH[1]), r.stdout)

    def test_unsigned_zone_no_noise(self):
        r = run(*UNSIGNED, "example.test")
        t = r.target()
        self.assertEqual(t["role"], "authoritative")
        self.assertEqual(t["dnssec"]["state"], "unsigned")
        self.assertEqual(t["dnssec"]["findings"], [])
        self.assertEqual(dnssec_causes(t), [])
        for pid in ("dnskey", "nsec3param"):
            p = r.probe(pid)
            self.assertEqual((p["severity"], p["cause"]), ("ok", None), pid)
        self.assertEqual(r.probe("dnskey")["verdict"], "unsigned")
        text = run(*UNSIGNED, "example.test", "--format", "text",
                   "--color", "never").stdout
        self.assertIn("\ndnssec: unsigned\n", text)
        self.assertNotIn("RRSIG", text)
        prom = run(*UNSIGNED, "example.test", "--format", "prometheus").stdout
        self.assertIn('zone="example.test."} 0', prom)
        self.assertFalse([ln for ln in prom.splitlines() if ln.startswith(
            "dnsprobe_dnssec_signature_expiry_seconds{")])

    def test_resolver_is_no_signer(self):
        """A resolver in front of the signed zones is not checked as their
        signer, whatever it answers."""
        for zone in ("expired.test", "secure.test"):
            with self.subTest(zone=zone):
                r = run(*RESOLVER_TARGET, zone)
                t = r.target()
                self.assertEqual(t["role"], "resolver", zone)
                self.assertIsNone(t["dnssec"], zone)
                self.assertEqual(dnssec_causes(t), [], zone)


# ---- zone mode ----------------------------------------------------------


def wire_name(name):
    out = b""
    for label in name.rstrip(".").lower().split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def key_tag(rdata):
    """RFC 4034 Appendix B."""
    acc = 0
    for i, b in enumerate(rdata):
        acc += b if i & 1 else b << 8
    acc += (acc >> 16) & 0xFFFF
    return acc & 0xFFFF


def ksk(addr, port, zone):
    """(rdata, key tag, algorithm) of the zone's key-signing key there."""
    _, wire = lab.build_message(zone, lab.TYPE["DNSKEY"], edns=1232)
    msgs = lab.tcp_exchange(addr, port, wire, timeout=5.0)
    for _, _, _, rtype, text in lab.Message(msgs[0]).records():
        if rtype != lab.TYPE["DNSKEY"]:
            continue
        flags, proto, alg, key = text.split(None, 3)
        if int(flags) & 1:
            rdata = struct.pack("!HBB", int(flags), int(proto), int(alg)) + \
                base64.b64decode(key)
            return rdata, key_tag(rdata), int(alg)
    raise AssertionError("%s: no key-signing key at %s" % (zone, addr))


def ds_line(zone, tag, alg, digest):
    return '\tlocal-data: "%s. 3600 IN DS %d %d 2 %s"\n' % (zone, tag, alg,
                                                             digest.hex())


def add_parent_ds(srv):
    """zone-resolver's prepare: the parent's DS records, from ns1's keys
    (RFC 4034 5.1.4: SHA-256 over the owner and the DNSKEY RDATA)."""
    lines = ["server:\n"]
    for zone in ("secure.test", "ecdsa384.test"):
        rdata, tag, alg = ksk(*NS1, zone)
        lines.append(ds_line(zone, tag, alg,
                             hashlib.sha256(wire_name(zone) + rdata)
                             .digest()))
    # a DS for a key tag the zone does not have, with a digest of another
    # key: it matches no key
    rdata, tag, alg = ksk(*NS1, "rsasha256.test")
    lines.append(ds_line("rsasha256.test", (tag + 1) & 0xFFFF, alg,
                         hashlib.sha256(b"no such key").digest()))
    with open(os.path.join(srv.dir, "unbound.conf"), "a",
              encoding="ascii") as f:
        f.writelines(lines)


lab.INSTANCES["zone-resolver"] = lab.Instance("unbound", "unbound.conf",
                                              prepare=add_parent_ds)


class ZoneMode(unittest.TestCase):
    servers = []

    @classmethod
    def setUpClass(cls):
        if not os.environ.get("DNSPROBE"):
            raise unittest.SkipTest("DNSPROBE is not set")
        for addr, port in (NS1, NS2, ZONE_RESOLVER):
            if not lab.port_free(addr, port):
                raise unittest.SkipTest("cannot bind %s port %d (needs root "
                                        "and a free port)" % (addr, port))
        try:
            cls.servers.append(lab.start("dnssec-auth", *NS1))
            cls.servers.append(lab.start("dnssec-auth", *NS2))
            cls.servers.append(lab.start("zone-resolver", *ZONE_RESOLVER,
                                         upstream=lab.DEAD_FORWARD))
        except BaseException:
            cls.tearDownClass()
            raise
        cls.runs = {z: cls.zone_run(z) for z in
                    ("secure.test", "rsasha256.test", "ed25519.test",
                     "ecdsa384.test")}

    @classmethod
    def tearDownClass(cls):
        for srv in cls.servers:
            srv.stop()
        cls.servers = []

    @staticmethod
    def zone_run(zone, fmt="json"):
        r = lab.run_dnsprobe(["--zone", zone, "--resolver", "%s:%d"
                              % ZONE_RESOLVER, "--timeout", "2000",
                              "--format", fmt], timeout=RUN_TIMEOUT)
        if r.code not in (0, 1, 2):
            raise AssertionError("%s: exit %d: %s" % (zone, r.code, r.stderr))
        return r

    def causes(self, zone):
        d = self.runs[zone].report["zone"]["dnssec"]
        return [(c["cause"], c["severity"]) for c in d["causes"]]

    def assert_only_one_server_warns(self, z):
        """Nothing of DNSSEC makes the zone worse than ok: its status is
        the one the zone's checks give a zone with a single name server
        (ns-too-few, a warning)."""
        self.assertEqual([(c["cause"], c["severity"]) for c in z["diagnosis"]],
                         [("ns-too-few", "warning")])
        self.assertEqual(z["status"], "warning")

    def test_ds_matches(self):
        z = self.runs["secure.test"].report["zone"]
        d = z["dnssec"]
        self.assertEqual((d["signed"], d["unsigned"], d["keysets"]), (1, 0, 1))
        self.assertEqual(d["ds"]["state"], "present")
        self.assertEqual([r["matches"] for r in d["ds"]["records"]], [1])
        self.assertEqual([s["ds_match"] for s in d["servers"]], [True])
        self.assertEqual(d["causes"], [])
        self.assert_only_one_server_warns(z)

    def test_ds_matches_no_key(self):
        r = self.runs["rsasha256.test"]
        z = r.report["zone"]
        self.assertEqual(self.causes("rsasha256.test"),
                         [("dnssec-ds-mismatch", "critical")])
        self.assertEqual([s["ds_match"] for s in z["dnssec"]["servers"]],
                         [False])
        self.assertEqual([x["matches"] for x in z["dnssec"]["ds"]["records"]],
                         [0])
        self.assertEqual(z["status"], "critical")
        self.assertEqual(r.code, 2)
        cause = z["dnssec"]["causes"][0]
        self.assertIn("NSD does not hold the zone's keys", cause["fix"])
        self.assertIn("none matches", cause["evidence"])

    def test_no_ds_is_insecure(self):
        z = self.runs["ed25519.test"].report["zone"]
        self.assertEqual(z["dnssec"]["ds"]["state"], "none")
        self.assertEqual(self.causes("ed25519.test"),
                         [("dnssec-insecure", "info")])
        self.assert_only_one_server_warns(z)

    def test_key_sets_differ(self):
        r = self.runs["ecdsa384.test"]
        d = r.report["zone"]["dnssec"]
        self.assertEqual((d["signed"], d["keysets"]), (2, 2))
        by_ns = {s["ns"]: s for s in d["servers"]}
        self.assertEqual(by_ns["ns1.ecdsa384.test."]["ds_match"], True)
        self.assertEqual(by_ns["ns2.ecdsa384.test."]["ds_match"], False)
        self.assertNotEqual(by_ns["ns1.ecdsa384.test."]["keyset"],
                            by_ns["ns2.ecdsa384.test."]["keyset"])
        self.assertEqual(sorted(self.causes("ecdsa384.test")),
                         [("dnssec-ds-mismatch", "critical"),
                          ("dnssec-keys-differ", "critical")])
        self.assertEqual(r.report["zone"]["status"], "critical")

    def test_text_section(self):
        out = self.zone_run("rsasha256.test", "text").stdout
        self.assertIn("\ndnssec: signed on 1 of 1 servers, one DNSKEY set\n",
                      out)
        self.assertRegex(out, r"\nDS at the parent: key \d+, algorithm 8, "
                         r"digest type 2 \(matches on 0 of 1 servers\)\n")
        self.assertIn("[CRITICAL] The parent's DS matches no key of the zone "
                      "(dnssec-ds-mismatch)", out)


def tearDownModule():
    lab.stop_all()


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    sys.exit(77 if result.skipped and len(result.skipped) >= result.testsRun
             else 0)
