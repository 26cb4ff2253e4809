#!/usr/bin/env python3
"""test_hostile.py: dnsprobe against the project's hostile responder.

For every scenario of tests/support/hostile.py this suite starts the
responder on its own loopback address (127.0.0.201 + the scenario's index,
port 55053), runs the real dnsprobe binary once

    $DNSPROBE ADDR:55053 --zone example.test --format json --timeout 1000

and asserts: no crash (exit status 0..3, no signal), a wall time within the
timeout plus 1.5 s (the battery runs concurrently), a "dnsprobe/1" JSON
report whose status matches the exit code, and the outcomes and verdicts the
scenario calls for (the EXPECT table). ResponderTest first checks, with a
client of its own, that each scenario sends what its table row promises, so
a broken responder cannot make dnsprobe look right. With DNSPROBE_VALGRIND=1
every scenario runs once more under valgrind (memcheck errors and definite
leaks exit 99).

Invariants: every packet goes to 127.0.0.201-230, ports 55000-55999; every
responder is stopped by its PID in a cleanup (and exits by itself on EOF of
its stdin or after 120 s); every wait has a deadline.
"""

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
import unittest

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
HOSTILE_PY = os.path.join(SRCDIR, "tests", "support", "hostile.py")
sys.path.insert(0, os.path.dirname(HOSTILE_PY))
import hostile  # noqa: E402  (the scenario table is the list of cases)

DNSPROBE = os.environ.get("DNSPROBE", "")
VALGRIND = os.environ.get("DNSPROBE_VALGRIND") == "1"

ZONE = "example.test"
TIMEOUT_MS = 1000
MARGIN_S = 1.5
VALGRIND_MARGIN_S = 25.0
HARD_LIMIT_S = 60.0  # a dnsprobe run is killed (and fails) after this
VALGRIND_HARD_LIMIT_S = 180.0
READY_LIMIT_S = 10.0

ADDR_FIRST, ADDR_LAST = 201, 230
PORT_DNSPROBE = 55053  # alternate (other-source-port) socket on port + 1
PORT_SELFTEST = 55153
PORT_VALGRIND = 55253

CORE_PROBES = ("udp", "tcp", "recursion", "axfr", "ixfr", "update", "notify",
               "opcode")
OUTCOMES = {"answer", "timeout", "port-unreachable", "connection-refused",
            "connection-reset", "closed", "malformed", "host-unreachable",
            "skipped", "local-error"}
VERDICTS = {"authoritative", "answering", "refused", "failing", "no-answer",
            "unexpected", "available", "not-offered", "allowed", "denied",
            "not-authoritative", "not-implemented", "accepted", "compliant",
            "non-compliant", "legacy", "skipped", "signed", "unsigned"}
SEVERITIES = {"ok", "info", "warning", "critical"}
STATUS_EXIT = {"ok": 0, "warning": 1, "critical": 2, "unknown": 3}


def scenario_addr(name):
    """The loopback address a scenario owns: 127.0.0.201 + its index."""
    i = list(hostile.SCENARIOS).index(name)
    assert ADDR_FIRST + i <= ADDR_LAST, "too many scenarios for 201-230"
    return "127.0.0.%d" % (ADDR_FIRST + i)


# --- the responder process ---------------------------------------------------


# --- a client of our own, for the responder's self-test ----------------------


def make_query(qid, qname=ZONE, qtype=hostile.TYPE_SOA, opcode=0):
    """A query with an OPT record, built here field by field (RFC 1035
    4.1.1, RFC 6891 6.1.2) rather than with hostile.py's own helpers."""
    hdr = struct.pack("!6H", qid, opcode << 11, 1, 0, 0, 1)
    question = b""
    for label in qname.strip(".").split("."):
        question += bytes([len(label)]) + label.encode()
    question += b"\x00" + struct.pack("!HH", qtype, hostile.CLASS_IN)
    opt = b"\x00" + struct.pack("!HHIH", 41, 1232, 0, 0)
    return hdr + question + opt


class Reply:
    """An independent, bounded reading of a reply: header, records, names."""

    def __init__(self, data):
        self.data = data
        (self.id, self.flags, self.qdcount, self.ancount, self.nscount,
         self.arcount) = struct.unpack_from("!6H", data)
        self.rcode = self.flags & 0xF
        self.opcode = (self.flags >> 11) & 0xF
        self.tc = bool(self.flags & 0x0200)
        self.aa = bool(self.flags & 0x0400)
        self.qname = None
        self.records = []  # (section, owner_offset, type, rdlength, rdata_off)
        self.problem = None
        off = 12
        try:
            for _ in range(self.qdcount):
                status, name, off = read_name(data, off)
                if status != "ok":
                    raise ValueError(status)
                self.qname = self.qname or name
                off += 4
            counts = (self.ancount, self.nscount, self.arcount)
            for section, count in enumerate(counts, start=1):
                for _ in range(count):
                    owner = off
                    off = skip_owner(data, off)
                    rtype, _, _, rdlen = struct.unpack_from("!HHIH", data, off)
                    off += 10
                    self.records.append((section, owner, rtype, rdlen, off))
                    off += rdlen
                    if off > len(data):
                        raise ValueError("rdata past the end")
        except (ValueError, struct.error, IndexError) as e:
            self.problem = str(e) or "truncated"

    def opts(self):
        """(ext_rcode, [(code, data)]) of each OPT record."""
        out = []
        for section, _, rtype, rdlen, roff in self.records:
            if section != 3 or rtype != 41:
                continue
            ttl = struct.unpack_from("!I", self.data, roff - 6)[0]
            options, i = [], roff
            while i + 4 <= roff + rdlen:
                code, n = struct.unpack_from("!HH", self.data, i)
                options.append((code, self.data[i + 4 : i + 4 + n]))
                i += 4 + n
            out.append((ttl >> 24, options))
        return out


def skip_owner(data, off):
    """Offset after a name at off, without following pointers."""
    for _ in range(130):
        n = data[off]
        if n >= 0xC0:
            return off + 2
        if n == 0:
            return off + 1
        off += 1 + n
    raise ValueError("too many labels")


def read_name(data, off):
    """Follow a name: ("ok" | "loop" | "past-end" | "bad-label" | "too-long",
    lower-cased presentation name, offset after the name at off)."""
    labels, end, seen, length = [], None, set(), 1
    while True:
        if off >= len(data):
            return "past-end", None, end
        n = data[off]
        if n >= 0xC0:
            if off + 1 >= len(data):
                return "past-end", None, end
            target = struct.unpack_from("!H", data, off)[0] & 0x3FFF
            if end is None:
                end = off + 2
            if target in seen:
                return "loop", None, end
            seen.add(target)
            if target >= len(data):
                return "past-end", None, end
            off = target
            continue
        if n > 63:
            return "bad-label", None, end
        if n == 0:
            name = ".".join(labels).lower() + "."
            return "ok", name, end if end is not None else off + 1
        length += n + 1
        if length > 255:
            return "too-long", None, end
        labels.append(data[off + 1 : off + 1 + n].decode("latin-1"))
        off += 1 + n


def udp_replies(addr, port, query, wait, limit=8):
    """Send query over UDP; collect (data, source) until wait seconds pass."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(query, (addr, port))
        out = []
        deadline = time.monotonic() + wait
        while len(out) < limit:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                out.append(s.recvfrom(65535))
            except socket.timeout:
                break
        return out


def tcp_connect(addr, port, query):
    s = socket.create_connection((addr, port), timeout=5)
    s.sendall(struct.pack("!H", len(query)) + query)
    return s


def tcp_read(s, wait, want=None):
    """Bytes from s until EOF, want bytes, or wait seconds; and whether EOF."""
    buf = bytearray()
    deadline = time.monotonic() + wait
    while want is None or len(buf) < want:
        left = deadline - time.monotonic()
        if left <= 0:
            return bytes(buf), False
        s.settimeout(left)
        try:
            chunk = s.recv(65536 if want is None else want - len(buf))
        except socket.timeout:
            return bytes(buf), False
        if not chunk:
            return bytes(buf), True
        buf += chunk
    return bytes(buf), False


def tcp_messages(s, wait, count):
    """Up to count framed messages from s within wait seconds."""
    msgs = []
    deadline = time.monotonic() + wait
    while len(msgs) < count:
        left = deadline - time.monotonic()
        head, _ = tcp_read(s, left, 2)
        if len(head) < 2:
            break
        (n,) = struct.unpack("!H", head)
        body, _ = tcp_read(s, max(deadline - time.monotonic(), 0.1), n)
        if len(body) < n:
            break
        msgs.append(body)
    return msgs


def one_udp_reply(t, case, addr, port, query, wait=2.0):
    got = udp_replies(addr, port, query, wait, limit=1)
    t.assertEqual(len(got), 1, "%s: one UDP reply" % case)
    return got[0][0]


def one_tcp_reply(t, case, addr, port, query, wait=2.0):
    with tcp_connect(addr, port, query) as s:
        msgs = tcp_messages(s, wait, 1)
    t.assertEqual(len(msgs), 1, "%s: one TCP reply" % case)
    return msgs[0]


# Each self-check gets (test, case, addr, port) and asserts what the
# scenario's row in hostile.SCENARIOS promises.


def sc_ok(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        r = Reply(via(t, case, addr, port, make_query(0x1111)))
        t.assertEqual((r.id, r.rcode, r.aa, r.ancount), (0x1111, 0, True, 1),
                      "%s/%s: NOERROR AA one SOA" % (case, via.__name__))
        t.assertEqual(r.records[0][2], hostile.TYPE_SOA, "%s: SOA" % case)
        t.assertIsNone(r.problem, "%s: parses" % case)
    r = Reply(one_tcp_reply(t, case, addr, port,
                            make_query(0x1112, qtype=hostile.TYPE_AXFR)))
    t.assertEqual(r.rcode, 5, "%s: AXFR REFUSED" % case)
    r = Reply(one_udp_reply(t, case, addr, port,
                            make_query(0x1113, opcode=15)))
    t.assertEqual((r.rcode, r.opcode, r.arcount), (4, 15, 0),
                  "%s: opcode 15 NOTIMP, echoed, no OPT" % case)
    r = Reply(one_udp_reply(t, case, addr, port,
                            make_query(0x1114, qname="elsewhere.invalid",
                                       qtype=1)))
    t.assertEqual(r.rcode, 5, "%s: out-of-zone REFUSED" % case)


def sc_wrong_id(t, case, addr, port):
    r = Reply(one_udp_reply(t, case, addr, port, make_query(0x2000)))
    t.assertEqual(r.id, 0x2001, "%s: UDP ID + 1" % case)
    r = Reply(one_tcp_reply(t, case, addr, port, make_query(0xFFFF)))
    t.assertEqual(r.id, 0x0000, "%s: TCP ID + 1 wraps" % case)


def sc_other_question(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        r = Reply(via(t, case, addr, port, make_query(0x3000)))
        t.assertEqual((r.id, r.rcode, r.aa), (0x3000, 0, True),
                      "%s: NOERROR AA" % case)
        t.assertEqual(r.qname, "other.invalid.", "%s: other question" % case)


def sc_qdcount0(t, case, addr, port):
    for opcode in (15, 5, 4):
        r = Reply(one_udp_reply(t, case, addr, port,
                                make_query(0x4000 + opcode, opcode=opcode)))
        t.assertEqual((r.rcode, r.qdcount, r.opcode), (4, 0, opcode),
                      "%s: opcode %d NOTIMP QDCOUNT=0" % (case, opcode))
    r = Reply(one_udp_reply(t, case, addr, port, make_query(0x4100)))
    t.assertEqual((r.rcode, r.qdcount, r.aa), (0, 1, True),
                  "%s: QUERY answered" % case)


def sc_short_header(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        data = via(t, case, addr, port, make_query(0x5000))
        t.assertEqual(len(data), 5, "%s/%s: 5 bytes" % (case, via.__name__))
        t.assertEqual(data[:2], b"\x50\x00", "%s: the query's ID" % case)


def sc_counts_beyond(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        r = Reply(via(t, case, addr, port, make_query(0x6000)))
        t.assertEqual(r.ancount, 50, "%s: ANCOUNT 50" % case)
        t.assertEqual(len(r.records), 1, "%s: one record" % case)
        t.assertIsNotNone(r.problem, "%s: counts run out" % case)


def first_owner_status(t, case, data, index=0):
    r = Reply(data)
    t.assertGreater(len(r.records), index, "%s: answer %d" % (case, index))
    return read_name(data, r.records[index][1])[0]


def sc_compression_loop(t, case, addr, port):
    data = one_udp_reply(t, case, addr, port, make_query(0x7000))
    r = Reply(data)
    owner = r.records[0][1]
    t.assertEqual(struct.unpack_from("!H", data, owner)[0], 0xC000 | owner,
                  "%s: UDP owner points at itself" % case)
    data = one_tcp_reply(t, case, addr, port, make_query(0x7001))
    t.assertEqual(first_owner_status(t, case, data), "loop",
                  "%s: TCP owner loops" % case)
    t.assertNotEqual(struct.unpack_from("!H", data, Reply(data).records[0][1])
                     [0] & 0xC000, 0xC000, "%s: TCP loop starts with a label,"
                     " two pointers" % case)


def sc_pointer_past_end(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        data = via(t, case, addr, port, make_query(0x7100))
        t.assertEqual(first_owner_status(t, case, data), "past-end",
                      "%s/%s: pointer past the end" % (case, via.__name__))


def sc_long_label(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        data = via(t, case, addr, port, make_query(0x7200))
        t.assertEqual(first_owner_status(t, case, data), "bad-label",
                      "%s/%s: label of 64" % (case, via.__name__))
        t.assertEqual(data[Reply(data).records[0][1]], 64, "%s: 64" % case)


def sc_long_name(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        data = via(t, case, addr, port, make_query(0x7300))
        got = [first_owner_status(t, case, data, i) for i in range(4)]
        t.assertEqual(got, ["ok", "ok", "ok", "too-long"],
                      "%s/%s: fourth name over 255" % (case, via.__name__))


def sc_rdlength_beyond(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        r = Reply(via(t, case, addr, port, make_query(0x7400)))
        t.assertEqual(r.problem, "rdata past the end",
                      "%s/%s: RDLENGTH beyond" % (case, via.__name__))


def sc_two_opt(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        r = Reply(via(t, case, addr, port, make_query(0x7500)))
        t.assertEqual(len(r.opts()), 2, "%s: two OPT records" % case)
        t.assertEqual((r.rcode, r.aa, r.ancount), (0, True, 1),
                      "%s: otherwise an SOA answer" % case)


def sc_ede_bad_length(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        r = Reply(via(t, case, addr, port, make_query(0x7600)))
        t.assertEqual(r.rcode, 5, "%s: REFUSED" % case)
        t.assertEqual(r.opts(), [(0, [(15, b"\x12")])],
                      "%s: EDE of length 1" % case)


def sc_tc_forever(t, case, addr, port):
    r = Reply(one_udp_reply(t, case, addr, port, make_query(0x7700)))
    t.assertEqual((r.tc, r.ancount), (True, 0), "%s: UDP TC=1 empty" % case)
    with tcp_connect(addr, port, make_query(0x7701)) as s:
        start = time.monotonic()
        data, eof = tcp_read(s, 3.0)
        took = time.monotonic() - start
    t.assertTrue(eof, "%s: TCP closed" % case)
    t.assertGreater(len(data), 2, "%s: TCP sent part of a message" % case)
    t.assertLess(len(data) - 2, struct.unpack_from("!H", data)[0],
                 "%s: TCP message shorter than its prefix" % case)
    t.assertGreaterEqual(took, hostile.TC_TCP_DELAY * 0.8, "%s: slow" % case)


def sc_tcp_zero_frame(t, case, addr, port):
    Reply(one_udp_reply(t, case, addr, port, make_query(0x7800)))
    with tcp_connect(addr, port, make_query(0x7801)) as s:
        data, eof = tcp_read(s, 1.0)
    t.assertEqual((data, eof), (b"\x00\x00", False),
                  "%s: a zero frame, then the connection stays open" % case)


def sc_axfr_endless(t, case, addr, port):
    for qtype in (hostile.TYPE_AXFR, hostile.TYPE_IXFR):
        with tcp_connect(addr, port, make_query(0x7900, qtype=qtype)) as s:
            msgs = tcp_messages(s, 5.0, 40)
        t.assertEqual(len(msgs), 40, "%s/%d: 40 messages and more" % (case,
                                                                       qtype))
        types = [[rec[2] for rec in Reply(m).records] for m in msgs]
        t.assertEqual(types[0][0], hostile.TYPE_SOA, "%s: SOA first" % case)
        t.assertNotIn(hostile.TYPE_SOA, sum(types[1:], []) + types[0][1:],
                      "%s: never the closing SOA" % case)
        t.assertTrue(all(Reply(m).id == 0x7900 and Reply(m).problem is None
                         for m in msgs), "%s: valid messages" % case)
    r = Reply(one_tcp_reply(t, case, addr, port, make_query(0x7901)))
    t.assertEqual((r.rcode, r.aa), (0, True), "%s: SOA over TCP ok" % case)


def sc_slow_drip(t, case, addr, port):
    Reply(one_udp_reply(t, case, addr, port, make_query(0x7A00)))
    with tcp_connect(addr, port, make_query(0x7A01)) as s:
        data, eof = tcp_read(s, 2.5)
    t.assertFalse(eof, "%s: still open" % case)
    t.assertTrue(1 <= len(data) <= 4, "%s: one byte per second, got %d"
                 % (case, len(data)))


def sc_tcp_reset(t, case, addr, port):
    Reply(one_udp_reply(t, case, addr, port, make_query(0x7B00)))
    with tcp_connect(addr, port, make_query(0x7B01)) as s:
        with t.assertRaises(ConnectionResetError, msg="%s: RST" % case):
            tcp_read(s, 2.0)


def sc_silent(t, case, addr, port):
    t.assertEqual(udp_replies(addr, port, make_query(0x7C00), 1.0), [],
                  "%s: no UDP reply" % case)
    with tcp_connect(addr, port, make_query(0x7C01)) as s:
        t.assertEqual(tcp_read(s, 1.0), (b"", False),
                      "%s: TCP open and silent" % case)


def sc_other_source_port(t, case, addr, port):
    got = udp_replies(addr, port, make_query(0x7D00), 1.0)
    t.assertEqual([src for _, src in got], [(addr, port + 1)],
                  "%s: from the alternate port" % case)
    r = Reply(one_tcp_reply(t, case, addr, port, make_query(0x7D01)))
    t.assertEqual(r.rcode, 0, "%s: TCP answers" % case)


def sc_duplicate(t, case, addr, port):
    got = udp_replies(addr, port, make_query(0x7E00), 1.0)
    t.assertEqual(len(got), 3, "%s: three UDP copies" % case)
    t.assertEqual(len({d for d, _ in got}), 1, "%s: identical" % case)
    with tcp_connect(addr, port, make_query(0x7E01)) as s:
        t.assertEqual(len(tcp_messages(s, 1.0, 4)), 3,
                      "%s: three TCP copies" % case)


def sc_garbage(t, case, addr, port):
    data = one_udp_reply(t, case, addr, port, make_query(0x7F00))
    t.assertEqual((len(data), data[:2]), (65507, b"\x7f\x00"),
                  "%s: big UDP datagram with the ID" % case)
    with tcp_connect(addr, port, make_query(0x7F01)) as s:
        data, _ = tcp_read(s, 5.0, 2 + 65535)
    t.assertEqual((len(data), data[:4]), (65537, b"\xff\xff\x7f\x01"),
                  "%s: 0xFFFF frame with the ID" % case)


def sc_late(t, case, addr, port):
    start = time.monotonic()
    got = udp_replies(addr, port, make_query(0x8000), 5.0, limit=1)
    took = time.monotonic() - start
    t.assertEqual(len(got), 1, "%s: answers at last" % case)
    t.assertGreater(took, 2.5, "%s: only after 3 s, took %.2f" % (case, took))


def sc_slow(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        start = time.monotonic()
        r = Reply(via(t, case, addr, port, make_query(0x8400)))
        took = time.monotonic() - start
        t.assertEqual((r.rcode, r.aa), (0, True), "%s: the ok answer" % case)
        t.assertGreaterEqual(took, hostile.SLOW_DELAY * 0.8,
                             "%s: late, took %.3f s" % (case, took))


def sc_lowercase(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        r = Reply(via(t, case, addr, port, make_query(0x8500, "ExAmPlE.TeSt")))
        t.assertEqual((r.rcode, r.aa), (0, True), "%s: the ok answer" % case)
        t.assertEqual(r.data[12:26], b"\x07example\x04test\x00",
                      "%s: the question lowercased" % case)


def sc_servfail(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        r = Reply(via(t, case, addr, port, make_query(0x8100)))
        t.assertEqual((r.rcode, r.qdcount), (2, 1), "%s: SERVFAIL" % case)


def sc_refused_ede(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        r = Reply(via(t, case, addr, port, make_query(0x8200)))
        t.assertEqual(r.rcode, 5, "%s: REFUSED" % case)
        t.assertEqual(r.opts(), [(0, [(15, b"\x00\x12" + hostile.EDE_TEXT)])],
                      "%s: EDE 18 with text" % case)


def sc_badvers(t, case, addr, port):
    for via in (one_udp_reply, one_tcp_reply):
        r = Reply(via(t, case, addr, port, make_query(0x8300)))
        t.assertEqual((r.rcode, [ext for ext, _ in r.opts()]), (0, [1]),
                      "%s: header 0, extended RCODE 1" % case)


SELFCHECKS = {
    "ok": sc_ok,
    "wrong-id": sc_wrong_id,
    "other-question": sc_other_question,
    "qdcount0": sc_qdcount0,
    "short-header": sc_short_header,
    "counts-beyond-data": sc_counts_beyond,
    "compression-loop": sc_compression_loop,
    "pointer-past-end": sc_pointer_past_end,
    "long-label": sc_long_label,
    "long-name": sc_long_name,
    "rdlength-beyond": sc_rdlength_beyond,
    "two-opt": sc_two_opt,
    "ede-bad-length": sc_ede_bad_length,
    "tc-forever": sc_tc_forever,
    "tcp-zero-frame": sc_tcp_zero_frame,
    "axfr-endless": sc_axfr_endless,
    "slow-drip": sc_slow_drip,
    "tcp-reset": sc_tcp_reset,
    "silent": sc_silent,
    "other-source-port": sc_other_source_port,
    "duplicate": sc_duplicate,
    "garbage-64k": sc_garbage,
    "late": sc_late,
    "slow": sc_slow,
    "lowercase": sc_lowercase,
    "servfail": sc_servfail,
    "refused-ede": sc_refused_ede,
    "badvers-ext": sc_badvers,
}


# --- what dnsprobe must report -----------------------------------------------


class OneOf:
    def __init__(self, *values):
        self.values = values

    def matches(self, v):
        return v in self.values

    def __repr__(self):
        return "one of %r" % (self.values,)


class Text:
    """A non-empty string."""

    def matches(self, v):
        return isinstance(v, str) and v.strip() != ""

    def __repr__(self):
        return "a non-empty text"


class Contains:
    """A string holding part."""

    def __init__(self, part):
        self.part = part

    def matches(self, v):
        return isinstance(v, str) and self.part in v

    def __repr__(self):
        return "a text holding %r" % self.part


class Above:
    def __init__(self, n):
        self.n = n

    def matches(self, v):
        return isinstance(v, (int, float)) and not isinstance(v, bool) \
            and v > self.n

    def __repr__(self):
        return "a number above %r" % self.n


class Has:
    """A list holding value (or, for dicts, an item with these members)."""

    def __init__(self, value):
        self.value = value

    def matches(self, v):
        if not isinstance(v, list):
            return False
        if isinstance(self.value, dict):
            return any(isinstance(i, dict) and all(
                i.get(k, KeyError) == x for k, x in self.value.items())
                for i in v)
        return self.value in v

    def __repr__(self):
        return "a list holding %r" % (self.value,)


class BrokenReply:
    """Matched against a whole probe: outcome malformed, or an answer that
    names its parse problem; judged unexpected either way."""

    def matches(self, probe):
        if probe.get("verdict") != "unexpected":
            return False
        if probe.get("outcome") == "malformed":
            return True
        answer = probe.get("answer") or {}
        return (probe.get("outcome") == "answer"
                and Text().matches(answer.get("problem")))

    def __repr__(self):
        return "malformed, or an answer with a problem; verdict unexpected"


def verdicts(**kw):
    """Rows (probe, "verdict", value) from probe=verdict keywords."""
    return [(p, "verdict", v) for p, v in kw.items()]


def outcomes(value, probes):
    return [(p, "outcome", value) for p in probes]


# The probes whose verdicts include "unexpected" (the verdict vocabulary).
JUDGED_PROBES = ("udp", "tcp", "recursion", "axfr", "ixfr", "update", "notify")


def broken_message(probes=JUDGED_PROBES):
    """A reply whose header reads but whose body does not: an answer that is
    incomplete, names its problem and is judged unexpected, whatever its
    RCODE says (a NOERROR that cannot be read is no "update allowed")."""
    rows = []
    for p in probes:
        rows += [(p, "outcome", "answer"), (p, "answer.complete", False),
                 (p, "answer.problem", Text()), (p, "verdict", "unexpected")]
    return rows


def unreadable(probes=("udp", "tcp")):
    """Replies that cannot be read as DNS at all."""
    rows = []
    for p in probes:
        rows += [(p, "outcome", "malformed"), (p, "verdict", "unexpected")]
    return rows


def nothing(probes=CORE_PROBES):
    rows = []
    for p in probes:
        rows += [(p, "outcome", "timeout"), (p, "verdict", "no-answer"),
                 (p, "answer", None)]
    return rows


OK_VERDICTS = verdicts(udp="authoritative", tcp="authoritative",
                       recursion="not-offered", axfr="denied", ixfr="denied",
                       update="not-implemented", notify="not-implemented",
                       opcode="compliant")

# scenario -> (exit status or None, [(probe, dotted path, expected)]); an
# expected value is compared with ==, or its matches() decides.
EXPECT = {
    "ok": (0, OK_VERDICTS + [
        ("udp", "answer.rcode", "NOERROR"),
        ("udp", "answer.flags", Has("aa")),
        ("udp", "answer.ancount", 1),
        ("udp", "answer.question_matches", True),
        ("udp", "answer.complete", True),
        ("udp", "answer.problem", None),
        ("opcode", "answer.rcode", "NOTIMP"),
    ]),
    "wrong-id": (2, nothing()),
    "other-question": (None, [
        ("udp", "outcome", "answer"),
        ("udp", "answer.question_matches", False),
        ("udp", "verdict", "unexpected"),
        ("tcp", "outcome", "answer"),
        ("tcp", "answer.question_matches", False),
        ("tcp", "verdict", "unexpected"),
    ]),
    "qdcount0": (None, verdicts(udp="authoritative", tcp="authoritative",
                                opcode="compliant", update="not-implemented",
                                notify="not-implemented") + [
        ("opcode", "outcome", "answer"),
        ("opcode", "answer.qdcount", 0),
        ("opcode", "answer.rcode", "NOTIMP"),
        ("update", "answer.qdcount", 0),
        ("notify", "answer.qdcount", 0),
    ]),
    "short-header": (None, unreadable()),
    "counts-beyond-data": (None, broken_message()),
    "compression-loop": (None, broken_message()),
    "pointer-past-end": (None, broken_message()),
    "long-label": (None, broken_message()),
    "long-name": (None, broken_message()),
    "rdlength-beyond": (None, broken_message()),
    # RFC 6891 6.1.1: more than one OPT makes a message malformed.
    "two-opt": (None, [(p, "answer.problem", Text()) for p in ("udp", "tcp")]
                + [(p, "verdict", "unexpected") for p in JUDGED_PROBES]),
    "ede-bad-length": (None, [
        ("udp", "outcome", "answer"), ("udp", "answer.rcode", "REFUSED"),
        ("udp", "answer.ede", []),
        ("udp", "verdict", OneOf("refused", "unexpected")),
        ("tcp", "outcome", "answer"), ("tcp", "answer.ede", []),
    ]),
    "tc-forever": (None, [
        ("udp", "outcome", "answer"), ("udp", "answer.flags", Has("tc")),
        ("udp", "answer.ancount", 0),
    ] + outcomes("closed", ("tcp", "axfr", "ixfr"))),
    "tcp-zero-frame": (None, verdicts(udp="authoritative")
                       + unreadable(["tcp"])),
    "axfr-endless": (None, verdicts(udp="authoritative", tcp="authoritative",
                                    axfr="allowed", ixfr="allowed") + [
        ("axfr", "outcome", "answer"),
        ("axfr", "answer.messages", Above(1)),
        ("axfr", "answer.stream_complete", False),
        ("ixfr", "answer.stream_complete", False),
    ]),
    "slow-drip": (None, verdicts(udp="authoritative")
                  + nothing(("tcp", "axfr", "ixfr"))),
    "tcp-reset": (None, verdicts(udp="authoritative") + [
        (p, "outcome", OneOf("connection-reset", "closed"))
        for p in ("tcp", "axfr", "ixfr")]),
    "silent": (2, nothing()),
    "other-source-port": (None, nothing(("udp", "recursion", "opcode"))
                          + verdicts(tcp="authoritative", axfr="denied")),
    "duplicate": (0, OK_VERDICTS + [("udp", "answer.messages", 1),
                                    ("tcp", "answer.messages", 1)]),
    # The random header may happen to be readable; either way the reply must
    # be classed as broken, never judged as an answer.
    "garbage-64k": (None, [(p, "", BrokenReply()) for p in ("udp", "tcp")]),
    "late": (2, nothing()),
    # 10 ms late: the SOA queries still follow one another within their
    # grace periods, and nothing folds the case probe's pair.
    "slow": (None, OK_VERDICTS + [("case", "verdict", "compliant")]),
    # The other probes compare the question with its letters folded; the
    # case probe byte for byte.
    "lowercase": (None, verdicts(udp="authoritative", tcp="authoritative",
                                 case="non-compliant") + [
        ("case", "cause", "case-not-preserved"),
        ("case", "severity", "warning"),
        ("case", "detail", Contains("(lowercased)")),
        ("case", "followups", Has({"id": "other-case"})),
    ]),
    "servfail": (None, verdicts(udp="failing", tcp="failing") + [
        ("udp", "answer.rcode", "SERVFAIL")]),
    "refused-ede": (None, verdicts(udp="refused", tcp="refused",
                                   recursion="refused", axfr="denied") + [
        ("udp", "answer.ede", Has({"code": 18, "name": "Prohibited",
                                   "text": hostile.EDE_TEXT.decode()}))]),
    "badvers-ext": (None, verdicts(udp="unexpected", tcp="unexpected") + [
        ("udp", "answer.rcode", "BADVERS"),
        ("udp", "answer.rcode_value", 16),
        ("tcp", "answer.rcode_value", 16),
    ]),
}

MISSING = object()


def lookup(obj, path):
    for key in path.split(".") if path else []:
        if not isinstance(obj, dict) or key not in obj:
            return MISSING
        obj = obj[key]
    return obj


def short(probe):
    """A probe's result in one line, for failure messages."""
    a = probe.get("answer") or {}
    fmt = "%s: outcome=%s verdict=%s rcode=%s flags=%s complete=%s problem=%s"
    return fmt % (
        probe.get("id"), probe.get("outcome"), probe.get("verdict"),
        a.get("rcode"), a.get("flags"), a.get("complete"), a.get("problem"))


# --- the tests ---------------------------------------------------------------


class ResponderTest(unittest.TestCase):
    """hostile.py sends what its scenario table says (checked without
    dnsprobe, so a responder bug cannot hide a dnsprobe bug)."""

    def test_every_scenario_is_covered(self):
        self.assertEqual(sorted(SELFCHECKS), sorted(hostile.SCENARIOS),
                         "self-checks vs scenarios")
        self.assertEqual(sorted(EXPECT), sorted(hostile.SCENARIOS),
                         "expectations vs scenarios")
        last = scenario_addr(list(hostile.SCENARIOS)[-1])
        self.assertLessEqual(int(last.rsplit(".", 1)[1]), ADDR_LAST,
                             "addresses within 127.0.0.201-230")

    def test_refuses_non_loopback(self):
        for case in ("192.0.2.1", "::2", "0.0.0.0"):
            with self.assertRaises(ValueError, msg="address %s" % case):
                hostile.Responder(case, PORT_SELFTEST, "ok")

    def check_scenario(self, name):
        proc = hostile.Child(self, scenario_addr(name), PORT_SELFTEST, name,
                             ready_s=READY_LIMIT_S)
        SELFCHECKS[name](self, name, proc.addr, proc.port)


def dnsprobe_missing():
    return not (DNSPROBE and os.access(DNSPROBE, os.X_OK))


@unittest.skipIf(dnsprobe_missing(), "DNSPROBE is not an executable")
class DnsprobeHostileTest(unittest.TestCase):
    """The real binary against each scenario."""

    valgrind = False
    port = PORT_DNSPROBE

    def run_dnsprobe(self, name, addr, port):
        cmd = [DNSPROBE, "%s:%d" % (addr, port), "--zone", ZONE,
               "--format", "json", "--timeout", str(TIMEOUT_MS)]
        limit = HARD_LIMIT_S
        if self.valgrind:
            cmd = ["valgrind", "--error-exitcode=99", "--leak-check=full",
                   "--errors-for-leak-kinds=definite", "--quiet"] + cmd
            limit = VALGRIND_HARD_LIMIT_S
        env = dict(os.environ, NO_COLOR="1")
        start = time.monotonic()
        try:
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=limit,
                                  env=env)
        except subprocess.TimeoutExpired:
            self.fail("%s: dnsprobe still running after %.0f s (killed)"
                      % (name, limit))
        return done, time.monotonic() - start

    def check_scenario(self, name):
        proc = hostile.Child(self, scenario_addr(name), self.port, name,
                             ready_s=READY_LIMIT_S)
        done, wall = self.run_dnsprobe(name, proc.addr, proc.port)
        err = done.stderr.decode(errors="replace")[-2000:]
        rc = done.returncode

        self.assertGreaterEqual(rc, 0, "%s: killed by signal %d; stderr: %s"
                                % (name, -rc, err))
        self.assertIn(rc, (0, 1, 2, 3), "%s: exit status %d; stderr: %s"
                      % (name, rc, err))
        margin = VALGRIND_MARGIN_S if self.valgrind else MARGIN_S
        self.assertLessEqual(wall, TIMEOUT_MS / 1000.0 + margin,
                             "%s: wall time %.2f s" % (name, wall))
        try:
            doc = json.loads(done.stdout)
        except ValueError as e:
            self.fail("%s: stdout is not JSON (%s): %r; stderr: %s"
                      % (name, e, done.stdout[:500], err))
        self.assertEqual(doc.get("schema"), "dnsprobe/1", "%s: schema" % name)
        self.assertEqual(STATUS_EXIT.get(doc.get("status")), rc,
                         "%s: status %r vs exit %d"
                         % (name, doc.get("status"), rc))
        targets = doc.get("targets") or []
        self.assertEqual(len(targets), 1, "%s: one target" % name)
        target = targets[0]
        self.assertEqual((target.get("address"), target.get("port")),
                         (proc.addr, proc.port), "%s: target" % name)
        probes = {p.get("id"): p for p in target.get("probes") or []}
        for pid in CORE_PROBES:
            self.assertIn(pid, probes, "%s: probe %s reported" % (name, pid))
        for pid, p in probes.items():
            case = "%s/%s" % (name, pid)
            self.assertIn(p.get("outcome"), OUTCOMES, "%s: outcome" % case)
            self.assertIn(p.get("verdict"), VERDICTS, "%s: verdict" % case)
            self.assertIn(p.get("severity"), SEVERITIES, "%s: severity" % case)
            if p.get("outcome") == "timeout":
                self.assertIsNone(p.get("answer"), "%s: no answer" % case)

        # Every expectation is checked and every miss is listed, so one run
        # shows all that a scenario got wrong.
        want_rc, rows = EXPECT[name]
        misses = []
        if want_rc is not None and rc != want_rc:
            misses.append("exit status: expected %d, got %d" % (want_rc, rc))
        for pid, path, want in rows:
            got = lookup(probes[pid], path)
            if got is MISSING:
                ok = False
            else:
                ok = want.matches(got) if hasattr(want, "matches") \
                    else got == want
            if not ok:
                misses.append("%s %s: expected %r, got %s" % (
                    pid, path or "result", want,
                    "no such member" if got is MISSING else repr(got)))
        summary = "\n  ".join(short(probes[p]) for p in CORE_PROBES)
        if misses:
            self.fail("%s: %d unmet\n  %s\n results:\n  %s"
                      % (name, len(misses), "\n  ".join(misses), summary))


@unittest.skipUnless(VALGRIND, "set DNSPROBE_VALGRIND=1 to run under valgrind")
@unittest.skipIf(dnsprobe_missing(), "DNSPROBE is not an executable")
class DnsprobeHostileValgrindTest(DnsprobeHostileTest):
    """The same runs under valgrind memcheck: errors and definite leaks exit
    99, which the 0..3 rule rejects."""

    valgrind = True
    port = PORT_VALGRIND

    @classmethod
    def setUpClass(cls):
        if shutil.which("valgrind") is None:
            raise AssertionError("DNSPROBE_VALGRIND=1 but valgrind is missing")


def _add_cases(cls):
    for name in hostile.SCENARIOS:
        def test(self, name=name):
            self.check_scenario(name)
        test.__name__ = "test_" + name.replace("-", "_")
        test.__doc__ = "scenario %s" % name
        setattr(cls, test.__name__, test)


_add_cases(ResponderTest)
_add_cases(DnsprobeHostileTest)  # DnsprobeHostileValgrindTest inherits them


if __name__ == "__main__":
    unittest.main(verbosity=2)
