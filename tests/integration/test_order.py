#!/usr/bin/env python3
"""What one target's battery looks like on the wire.

A recording responder of this test's own (UDP and TCP on 127.0.0.76:53186)
answers every query at once and notes when each query arrived, from which
client port, with which ID, and when each TCP connection opened and got its
reply. One dnsprobe run against it must show:

- every UDP query from one client port (one socket, one c-ares channel);
- no query ID used twice;
- the queries with the zone's SOA question one after another, each sent
  only once the previous one was answered (or its grace period ran out),
  but for the case probe's pair: its two queries (the zone's name in two
  opposite mixes of cases) after all of those, together, before either is
  answered, and UPDATE, NOTIFY and opcode 15 after the pair's replies;
- one TCP connection at a time: tcp, then axfr, then ixfr, each opened only
  once the previous one had its reply (or its grace period ran out).

A second run names the same server twice, with two zones (a fleet file):
the second battery must begin only once the first has ended.

The timing itself (grace periods, --spacing, follow-ups, the window) is
tested to the millisecond on a virtual clock in tests/unit/test_runner.c;
this suite checks what a real run puts on the wire.

Everything stays on loopback; the responder is a thread of this process.
"""
import os
import select
import socket
import struct
import sys
import threading
import time
import unittest

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import lab  # noqa: E402

ADDR, PORT = "127.0.0.76", 53186
ZONE = "example.test"
LIFETIME_S = 120.0  # the responder never outlives a test run
DELAY_S = 0.002     # every reply waits this long
# A probe waits for the one before it at most a grace period (a quarter of
# the timeout, at most 250 ms, from the target's start), then goes anyway.
# Under valgrind a chain can outlast it: a query that arrives that late may
# overlap the one before it. The margin covers the time from the target's
# start to its first query.
GRACE_S = 0.25
GRACE_MARGIN_S = 0.1
T_SOA, T_AXFR, T_IXFR = 6, 252, 251


def question_end(msg):
    """Offset after the first question (12 when there is none)."""
    if len(msg) < 12 or struct.unpack("!H", msg[4:6])[0] == 0:
        return 12
    off = 12
    for _ in range(128):  # bounded: at most 127 labels
        if off >= len(msg):
            return None
        n = msg[off]
        if n == 0:
            return off + 5 if off + 5 <= len(msg) else None
        if n >= 0xC0:
            return None
        off += 1 + n
    return None


def qname(msg, keep_case=False):
    """The first question's name, dot-terminated ("" if none), in lower
    case unless keep_case."""
    end = question_end(msg)
    if end is None or end == 12:
        return ""
    labels, off = [], 12
    while msg[off]:
        labels.append(msg[off + 1:off + 1 + msg[off]].decode("ascii",
                                                              "replace"))
        off += 1 + msg[off]
    name = ".".join(labels) + "."
    return name if keep_case else name.lower()


def reply_to(msg, rcode):
    """Header with QR (and AA) and rcode, the question copied, no records."""
    end = question_end(msg)
    if end is None:
        return None
    qd = 1 if end > 12 else 0
    flags = 0x8400 | (msg[2] & 0x79) << 8 | rcode
    return msg[:2] + struct.pack("!HHHHH", flags, qd, 0, 0, 0) + msg[12:end]


class Recorder:
    """UDP and TCP on one address; answers at once and records."""

    def __init__(self):
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((ADDR, PORT))
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((ADDR, PORT))
        self.tcp.listen(64)
        self.udp_log = []   # dicts: arrived, replied, port, id, opcode, qtype
        self.tcp_log = []   # dicts: opened, replied, id, qtype
        self.stop = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @staticmethod
    def qtype(msg):
        end = question_end(msg)
        if end is None or end == 12:
            return None
        return struct.unpack("!H", msg[end - 4:end - 2])[0]

    def serve(self):
        """Every reply waits DELAY_S, while the loop goes on accepting and
        reading: a query or connection the client started before the
        previous reply shows up with an earlier time than that reply."""
        conns = {}    # socket -> [record, buffer]
        pending = []  # (due, send function, record to stamp or None)
        deadline = time.monotonic() + LIFETIME_S
        while not self.stop and time.monotonic() < deadline:
            now = time.monotonic()
            for item in [p for p in pending if p[0] <= now]:
                pending.remove(item)
                try:
                    item[1]()
                except OSError:
                    pass
                item[2]["replied"] = time.monotonic()
            wait = min([p[0] for p in pending] + [now + 0.1]) - now
            ready, _, _ = select.select([self.udp, self.tcp] + list(conns),
                                        [], [], max(wait, 0))
            for s in ready:
                try:
                    if s is self.udp:
                        self.on_udp(pending)
                    elif s is self.tcp:
                        c, _ = s.accept()
                        rec = {"opened": time.monotonic(), "replied": None,
                               "id": None, "qtype": None, "qname": None}
                        self.tcp_log.append(rec)
                        conns[c] = [rec, b""]
                    elif not self.on_tcp(s, conns[s], pending):
                        del conns[s]
                        s.close()
                except OSError:
                    conns.pop(s, None)
        for c in conns:
            c.close()

    def on_udp(self, pending):
        msg, peer = self.udp.recvfrom(65535)
        if len(msg) < 12:
            return
        opcode = (msg[2] >> 3) & 0x0F
        rec = {"arrived": time.monotonic(), "replied": None, "port": peer[1],
               "id": struct.unpack("!H", msg[:2])[0], "opcode": opcode,
               "qtype": self.qtype(msg), "qname": qname(msg),
               "spelt": qname(msg, keep_case=True)}
        self.udp_log.append(rec)
        r = reply_to(msg, 0 if opcode in (0, 4, 5) else 4)
        if r is not None:
            pending.append((rec["arrived"] + DELAY_S,
                            lambda: self.udp.sendto(r, peer), rec))

    def on_tcp(self, s, state, pending):
        """Read from a connection; False when it closed."""
        data = s.recv(65535)
        if not data:
            return False
        rec, buf = state
        buf += data
        if len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
            msg = buf[2:2 + struct.unpack("!H", buf[:2])[0]]
            buf = buf[2 + len(msg):]
            rec["id"] = struct.unpack("!H", msg[:2])[0]
            rec["qtype"] = self.qtype(msg)
            rec["qname"] = qname(msg)
            # NOERROR to the SOA; REFUSED ends a transfer
            r = reply_to(msg, 0 if rec["qtype"] == T_SOA else 5)
            if r is not None:
                frame = struct.pack("!H", len(r)) + r
                pending.append((time.monotonic() + DELAY_S,
                                lambda: s.sendall(frame), rec))
        state[1] = buf
        return True

    def close(self):
        self.stop = True
        self.thread.join(5)
        self.udp.close()
        self.tcp.close()


class BatteryOnTheWire(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rec = Recorder()
        try:
            cls.run_ = lab.run_dnsprobe(["%s:%d" % (ADDR, PORT), "--zone",
                                         ZONE, "--timeout", "2000"])
        finally:
            time.sleep(0.2)  # the last connection's close reaches us
            cls.rec.close()

    def test_ran(self):
        r = self.run_
        self.assertIsNotNone(r.report, r.stderr)
        self.assertIn(r.code, (0, 1, 2), r.stderr)

    def test_one_udp_socket(self):
        ports = {e["port"] for e in self.rec.udp_log}
        self.assertGreaterEqual(len(self.rec.udp_log), 15)
        self.assertEqual(len(ports), 1,
                         "UDP queries came from %d client ports" % len(ports))

    def test_ids_unique(self):
        ids = [e["id"] for e in self.rec.udp_log] + \
            [t["id"] for t in self.rec.tcp_log if t["id"] is not None]
        self.assertEqual(len(ids), len(set(ids)), "an ID was used twice")

    def first_arrival(self):
        times = [e["arrived"] for e in self.rec.udp_log] + \
            [t["opened"] for t in self.rec.tcp_log]
        return min(times)

    def released_by_grace(self, at):
        return at >= self.first_arrival() + GRACE_S - GRACE_MARGIN_S

    def case_pair(self):
        return sorted((e for e in self.rec.udp_log
                       if e["opcode"] == 0 and e["qtype"] == T_SOA and
                       e["spelt"] != e["qname"]), key=lambda e: e["arrived"])

    def test_soa_queries_one_after_another(self):
        soa = sorted((e for e in self.rec.udp_log
                      if e["opcode"] == 0 and e["qtype"] == T_SOA and
                      e["spelt"] == e["qname"]),
                     key=lambda e: e["arrived"])
        self.assertGreaterEqual(len(soa), 9)  # udp, plain, edns ... cookie
        for prev, cur in zip(soa, soa[1:]):
            self.assertIsNotNone(prev["replied"])
            if self.released_by_grace(cur["arrived"]):
                continue
            self.assertGreater(cur["arrived"], prev["replied"],
                               "an SOA query arrived before the one before "
                               "it was answered")

    def test_case_pair_together(self):
        pair = self.case_pair()
        self.assertEqual(len(pair), 2, [e["spelt"] for e in pair])
        first, second = pair
        self.assertEqual(first["qname"], ZONE + ".")
        self.assertEqual(second["spelt"], first["spelt"].swapcase())
        # at the same moment: the second before the first was answered
        self.assertLess(second["arrived"], first["replied"],
                        "the case pair went one after the other")
        others = [e for e in self.rec.udp_log
                  if e["opcode"] == 0 and e["qtype"] == T_SOA and
                  e["spelt"] == e["qname"]]
        if not self.released_by_grace(first["arrived"]):
            self.assertGreater(first["arrived"],
                               max(e["replied"] for e in others),
                               "the case pair overlapped another SOA query")
        later = [e for e in self.rec.udp_log if e["opcode"] != 0]
        self.assertGreaterEqual(len(later), 3)  # update, notify, opcode 15
        for e in later:
            if not self.released_by_grace(e["arrived"]):
                self.assertGreater(e["arrived"], second["replied"],
                                   "opcode %d before the case pair's reply"
                                   % e["opcode"])

    def test_tcp_one_connection_at_a_time(self):
        conns = sorted(self.rec.tcp_log, key=lambda t: t["opened"])
        self.assertEqual([t["qtype"] for t in conns], [T_SOA, T_AXFR, T_IXFR])
        for prev, cur in zip(conns, conns[1:]):
            self.assertIsNotNone(prev["replied"])
            if self.released_by_grace(cur["opened"]):
                continue
            self.assertGreater(cur["opened"], prev["replied"],
                               "a TCP connection opened before the one "
                               "before it had its reply")


class TwoZonesOneServer(unittest.TestCase):
    """Two targets on one server (a fleet file naming it with two zones):
    their batteries go one after the other, never together."""

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.rec = Recorder()
        with tempfile.NamedTemporaryFile("w", suffix=".txt",
                                         delete=False) as f:
            f.write("%s:%d a.test\n%s:%d b.test\n" % (ADDR, PORT, ADDR, PORT))
            cls.path = f.name
        try:
            cls.run_ = lab.run_dnsprobe(["-f", cls.path, "--timeout", "2000",
                                         "--format", "jsonl"])
        finally:
            os.unlink(cls.path)
            time.sleep(0.2)
            cls.rec.close()

    def test_one_battery_at_a_time(self):
        self.assertIn(self.run_.code, (0, 1, 2), self.run_.stderr)
        log = self.rec.udp_log + [
            dict(t, arrived=t["opened"]) for t in self.rec.tcp_log]
        a = [e for e in log if (e["qname"] or "").endswith("a.test.")]
        b = [e for e in log if (e["qname"] or "").endswith("b.test.")]
        self.assertGreaterEqual(len(a), 10)
        self.assertGreaterEqual(len(b), 10)
        # which battery went first is the runner's choice; the order given
        first, second = (a, b) if min(e["arrived"] for e in a) < \
            min(e["arrived"] for e in b) else (b, a)
        self.assertTrue(all(e["replied"] is not None for e in first))
        self.assertGreater(min(e["arrived"] for e in second),
                           max(e["replied"] for e in first),
                           "the second battery began before the first ended")


if __name__ == "__main__":
    unittest.main(verbosity=2)
