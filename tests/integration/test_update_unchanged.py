#!/usr/bin/env python3
"""The UPDATE probe is a no-op, proved against a real BIND that accepts
updates (tests/lab/bind-open, allow-update { 127.0.0.0/8; ::1; }).

The test transfers example.test (AXFR) and keeps its SOA serial and its
whole sorted record set, runs the full dnsprobe battery twice, transfers
the zone again and asserts that serial and records are unchanged, that no
journal appeared, and that both runs judged the update "allowed" (so the
probe did reach a server that would have applied a change).

An update that deletes something absent changes nothing either, so the zone
alone cannot prove the probe empty. dnsprobe therefore talks to BIND
through a small loopback relay of this file that records every message it
forwards, and each UPDATE it saw must have exactly one zone entry
(example.test SOA IN), no prerequisite, no update and no additional record
but an OPT (RFC 2136 §2). The test fails if the UPDATE probe ever carried
a record.

Addresses: BIND on 127.0.0.1:23103, its forwarder (the lab upstream) on
127.0.0.21:53100, the relay on 127.0.0.22:53100.
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

ZONE = "example.test"
BIND = ("127.0.0.1", 23103)
UPSTREAM = ("127.0.0.21", 53100)
RELAY = ("127.0.0.22", 53100)
RUNS = 2
RELAY_LIFETIME = 120.0  # seconds; the relay's threads end by then anyway


class Relay:
    """A transparent UDP and TCP relay on loopback that records what clients
    send. Bounded: its threads stop on stop() or after RELAY_LIFETIME."""

    def __init__(self, listen, server):
        lab.require_loopback(listen[0])
        lab.require_loopback(server[0])
        self.listen = listen
        self.server = server
        self.lock = threading.Lock()
        self.udp_msgs = []  # datagrams from clients
        self.tcp_streams = []  # bytearray per client connection
        self.stop_event = threading.Event()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(listen)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(listen)
        self.tcp.listen(16)
        self.threads = [threading.Thread(target=self._udp_loop, daemon=True),
                        threading.Thread(target=self._tcp_loop, daemon=True)]
        for t in self.threads:
            t.start()

    def _deadline_passed(self, deadline):
        return self.stop_event.is_set() or time.monotonic() > deadline

    def _udp_loop(self):
        deadline = time.monotonic() + RELAY_LIFETIME
        upstream_of = {}  # client address -> socket towards the server
        client_of = {}
        try:
            while not self._deadline_passed(deadline):
                socks = [self.udp] + list(client_of)
                ready, _, _ = select.select(socks, [], [], 0.2)
                for s in ready:
                    if s is self.udp:
                        data, client = self.udp.recvfrom(65535)
                        with self.lock:
                            self.udp_msgs.append(data)
                        up = upstream_of.get(client)
                        if up is None:
                            up = socket.socket(socket.AF_INET,
                                               socket.SOCK_DGRAM)
                            up.connect(self.server)
                            upstream_of[client] = up
                            client_of[up] = client
                        up.send(data)
                    else:
                        try:
                            data = s.recv(65535)
                        except OSError:
                            continue
                        self.udp.sendto(data, client_of[s])
        finally:
            for s in client_of:
                s.close()

    def _tcp_loop(self):
        deadline = time.monotonic() + RELAY_LIFETIME
        while not self._deadline_passed(deadline):
            ready, _, _ = select.select([self.tcp], [], [], 0.2)
            if not ready:
                continue
            client, _ = self.tcp.accept()
            stream = bytearray()
            with self.lock:
                self.tcp_streams.append(stream)
            threading.Thread(target=self._pipe, args=(client, stream,
                                                      deadline),
                             daemon=True).start()

    def _pipe(self, client, stream, deadline):
        try:
            server = socket.create_connection(self.server, timeout=2)
        except OSError:
            client.close()
            return
        peers = {client: server, server: client}
        try:
            while not self._deadline_passed(deadline):
                ready, _, _ = select.select(list(peers), [], [], 0.2)
                for s in ready:
                    try:
                        data = s.recv(65535)
                    except OSError:
                        data = b""
                    if not data:
                        return
                    if s is client:
                        with self.lock:
                            stream.extend(data)
                    peers[s].sendall(data)
        finally:
            client.close()
            server.close()

    def messages(self):
        """Every DNS message clients sent, parsed (TCP streams re-framed,
        RFC 7766 §8)."""
        with self.lock:
            raw = list(self.udp_msgs)
            for stream in self.tcp_streams:
                off = 0
                while off + 2 <= len(stream):
                    n = struct.unpack("!H", stream[off:off + 2])[0]
                    raw.append(bytes(stream[off + 2:off + 2 + n]))
                    off += 2 + n
        return [lab.Message(m) for m in raw]

    def stop(self):
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=5)
        self.udp.close()
        self.tcp.close()


class UpdateLeavesZoneUnchanged(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.addClassCleanup(lab.stop_all)
        up = lab.start("upstream", *UPSTREAM)
        cls.bind = lab.start("bind-open", *BIND,
                             upstream=(up.address, up.port))
        cls.relay = Relay(RELAY, BIND)
        cls.addClassCleanup(cls.relay.stop)

        cls.before = lab.axfr(cls.bind.address, cls.bind.port, ZONE)
        target = "%s:%d" % RELAY
        cls.runs = [lab.run_dnsprobe([target, "--zone", ZONE,
                                      "--recursion-name", "www.other.test",
                                      "--format", "json", "--timeout",
                                      "1500"], timeout=60)
                    for _ in range(RUNS)]
        cls.after = lab.axfr(cls.bind.address, cls.bind.port, ZONE)
        cls.sent = cls.relay.messages()

    def test_transfers_worked(self):
        for label, xfr in (("before", self.before), ("after", self.after)):
            rcode, records, serial = xfr
            self.assertEqual(rcode, "NOERROR", "AXFR %s: rcode" % label)
            self.assertEqual(serial, 2024010101, "AXFR %s: serial" % label)
            self.assertGreater(len(records), 5, "AXFR %s: records" % label)

    def test_serial_unchanged(self):
        self.assertEqual(self.after[2], self.before[2],
                         "SOA serial after %d runs" % RUNS)

    def test_records_unchanged(self):
        self.assertEqual(self.after[1], self.before[1],
                         "sorted record set after %d runs" % RUNS)

    def test_no_journal(self):
        jnl = os.path.join(self.bind.dir, "example.test.zone.jnl")
        self.assertFalse(os.path.exists(jnl),
                         "no journal: BIND applied no change")

    def test_update_reached_a_server_that_accepts(self):
        for i, run in enumerate(self.runs, 1):
            case = "run %d" % i
            self.assertIsNotNone(run.report, "%s: JSON report (exit %d, "
                                 "stderr %s)" % (case, run.code, run.stderr))
            p = run.probe("update")
            self.assertEqual(p["outcome"], "answer", "%s: update outcome"
                             % case)
            self.assertEqual(p["answer"]["rcode"], "NOERROR",
                             "%s: update rcode" % case)
            self.assertEqual(p["verdict"], "allowed", "%s: update verdict"
                             % case)
            self.assertEqual(p["severity"], "critical",
                             "%s: update severity" % case)
            self.assertEqual(p["query"]["opcode"], "UPDATE",
                             "%s: update query opcode" % case)
            self.assertEqual(run.stderr, "", "%s: stderr" % case)

    def test_update_messages_are_empty(self):
        updates = [m for m in self.sent if m.opcode == lab.OPCODE["UPDATE"]]
        self.assertGreaterEqual(len(updates), RUNS,
                                "one UPDATE per run went through the relay "
                                "(saw %d)" % len(updates))
        for i, m in enumerate(updates, 1):
            case = "UPDATE %d (id %d)" % (i, m.id)
            self.assertIsNone(m.parse_problem, "%s: parses" % case)
            # RFC 2136 §2: ZOCOUNT, PRCOUNT, UPCOUNT, ADCOUNT.
            self.assertEqual(m.qdcount, 1, "%s: one zone entry" % case)
            self.assertEqual(m.questions[0], ("example.test.",
                                              lab.TYPE["SOA"], lab.CLASS_IN),
                             "%s: zone section" % case)
            self.assertEqual(m.ancount, 0, "%s: no prerequisite" % case)
            self.assertEqual(m.nscount, 0, "%s: no update record" % case)
            self.assertEqual(m.records("additional"), [],
                             "%s: nothing but OPT in additional" % case)
            self.assertLessEqual(m.arcount, 1, "%s: ADCOUNT" % case)


if __name__ == "__main__":
    unittest.main(verbosity=2)
