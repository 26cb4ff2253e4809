#!/usr/bin/env python3
"""test_wire.py: every probe reaches the server exactly as dnsprobe built it.

c-ares 1.22 and later choose the query ID, and from 1.28 re-encode what they
are given; the engine keeps the wire byte-exact regardless (see
src/engine/engine.c). This suite runs the real binary against the hostile
responder with

    DNSPROBE_WIRE_LOG=FILE  (dnsprobe: each query as handed to c-ares)
    hostile.py --record FILE  (the responder: each query as it arrived)

and asserts that the two lists hold the same messages, transport and all,
byte for byte but for the ID; that the IDs on the wire are distinct per
transport; and that the logged messages are the queries the JSON report
describes, read back with lab.py's codec, so that the log itself cannot be
wrong unnoticed. It runs against the "ok" responder and against
"qdcount0", whose NOTIMP replies without a question c-ares 1.34 cannot
parse.

Invariants: every packet goes to 127.0.0.241-242 port 55353; responders are
stopped by PID in cleanups (and end by themselves after 120 s); every wait
has a deadline.
"""

import collections
import os
import shutil
import sys
import tempfile
import unittest
from unittest import mock

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import hostile  # noqa: E402
import lab  # noqa: E402

PORT = 55353
ZONE = "example.test"
OPCODE_NAME = {v: k for k, v in lab.OPCODE.items()}
CLASS_NAME = {1: "IN", 3: "CH"}


def read_lines(path):
    """[(transport, bytes)] from a wire log or a responder's record."""
    out = []
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                transport, _, hexed = line.strip().partition(" ")
                out.append((transport, bytes.fromhex(hexed)))
    except FileNotFoundError:
        pass
    return out


def describe(transport, wire):
    """A logged query as the JSON report's "query" object says it."""
    m = lab.Message(wire)
    qname, qtype, qclass = m.questions[0]
    opt = None
    if m.opt is not None:
        opt = (m.opt["version"], m.opt["udp_size"], m.opt["do"],
               tuple(code for code, _ in m.opt["options"]))
    return (transport, qname, lab.TYPE_NAME.get(qtype, "TYPE%d" % qtype),
            CLASS_NAME.get(qclass, str(qclass)),
            OPCODE_NAME.get(m.opcode, "OPCODE%d" % m.opcode),
            tuple(sorted(m.flag_names)), opt)


def from_report(transport, q):
    edns = q["edns"]
    opt = None
    if edns is not None:
        opt = (edns["version"], edns["udp_size"], edns["do"],
               tuple(edns["options"]))
    # the case probe's mixed case is checked byte for byte below; here the
    # names are compared as DNS compares them
    return (transport, q["qname"].lower(), q["qtype"], q["qclass"], q["opcode"],
            tuple(sorted(q["flags"])), opt)


class WireExact(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="dnsprobe-wire-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def run_against(self, scenario, addr):
        received = os.path.join(self.dir, scenario + ".received")
        sent = os.path.join(self.dir, scenario + ".sent")
        hostile.Child(self, addr, PORT, scenario, record=received)
        with mock.patch.dict(os.environ, {"DNSPROBE_WIRE_LOG": sent}):
            run = lab.run_dnsprobe(["%s:%d" % (addr, PORT), "--zone", ZONE,
                                    "--timeout", "1000"])
        self.assertIn(run.code, (0, 1, 2), run.stderr)
        self.assertIsNotNone(run.report, run.stdout)
        return run, read_lines(sent), read_lines(received)

    def check(self, scenario, addr):
        run, sent, received = self.run_against(scenario, addr)
        probes = run.target()["probes"]
        queries = [from_report(p["transport"], p["query"]) for p in probes
                   if p["outcome"] not in ("skipped", "local-error")]
        queries += [from_report(p["transport"], f["query"]) for p in probes
                    for f in p["followups"]
                    if f["outcome"] not in ("skipped", "local-error")]
        self.assertGreaterEqual(len(queries), 20, "the battery ran")

        # The log holds the queries the report describes.
        logged = collections.Counter(describe(t, w) for t, w in sent)
        reported = collections.Counter(queries)
        self.assertEqual(logged, reported, "logged only: %r; reported only: %r"
                         % (logged - reported, reported - logged))

        # The server got them, byte for byte but for the ID.
        self.assertEqual(
            collections.Counter((t, w[2:]) for t, w in received),
            collections.Counter((t, w[2:]) for t, w in sent),
            "\nsent:\n%s\nreceived:\n%s" % (
                "\n".join("%s %s" % (t, w.hex()) for t, w in sorted(sent)),
                "\n".join("%s %s" % (t, w.hex())
                          for t, w in sorted(received))))

        # UDP queries share a socket: their IDs on the wire must differ.
        udp_ids = [w[:2] for t, w in received if t == "udp"]
        self.assertEqual(len(udp_ids), len(set(udp_ids)), udp_ids)

        # Each probe got the answer to its own query.
        answered = [p for p in probes if p["outcome"] == "answer"]
        self.assertEqual(len(answered), len(probes), [
            (p["id"], p["outcome"]) for p in probes])

    def test_ok(self):
        self.check("ok", "127.0.0.241")

    def test_qdcount0(self):
        self.check("qdcount0", "127.0.0.242")


if __name__ == "__main__":
    unittest.main(verbosity=2)
