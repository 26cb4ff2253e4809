#!/usr/bin/env python3
"""Streaming target lists, compact records and the fleet summary.

- a bad line in -f is reported with its number and the run goes on;
  --strict ends the run at it (nothing sent when it comes early, the
  records before it kept when it comes late);
- --brief records have exactly their documented members, the verdicts of
  the full records, and a fraction of their bytes;
- `dnsprobe summarize` over several files counts what the records say, as
  text and as JSON, notes a torn last line, and refuses a file that is not
  ours with one line and exit 3.

A real NSD serves example.test on 127.0.3.11:15453; closed ports are on
127.0.5.x. Everything stays on loopback; every process started here is
stopped by PID.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest
from collections import Counter

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import lab  # noqa: E402

DNSPROBE = os.environ.get("DNSPROBE", "build/dnsprobe")
NSD = ("127.0.3.11", 15453)
T = "%s:%d" % NSD

BRIEF_MEMBERS = ["schema", "version", "started_at", "target", "address",
                 "port", "zone", "status", "role", "software", "duration_ms",
                 "diagnosis", "probes"]
BRIEF_PROBE = ["id", "verdict", "rcode", "rtt_ms", "severity"]
BRIEF_CAUSE = ["cause", "severity", "probes"]


def run(args, stdin=None, timeout=120):
    return subprocess.run([DNSPROBE] + args, input=stdin, capture_output=True,
                          text=True, timeout=timeout)


def records(text):
    return [json.loads(line) for line in text.splitlines()]


class Stream(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nsd = lab.start("nsd", *NSD)

    @classmethod
    def tearDownClass(cls):
        cls.nsd.stop()

    def test_bad_line_goes_on(self):
        text = ("%s example.test\n"
                "127.0.0.300\n"
                "%s example.test extra\n"
                "127.0.5.1:15453\n"
                "no-such-host.invalid\n"
                "%s a..b\n"
                "%s other.test\n") % (T, T, T, T)
        r = run(["-f", "-", "--probes", "udp", "--timeout", "500",
                 "--format", "jsonl"], text)
        # the closed port is critical; the run went on past every bad line
        self.assertEqual(r.returncode, 2, r.stderr)
        got = [(x["address"], x["port"], x["zone"]) for x in
               records(r.stdout)]
        self.assertEqual(sorted(got), sorted([
            (NSD[0], NSD[1], "example.test."), ("127.0.5.1", 15453, "."),
            (NSD[0], NSD[1], "other.test.")]))
        lines = r.stderr.strip().split("\n")
        self.assertEqual(len(lines), 4, r.stderr)
        for n, frag in zip((2, 3, 5, 6), ("target '127.0.0.300'",
                                          "more than a target and a zone",
                                          "no-such-host.invalid",
                                          "zone 'a..b'")):
            with self.subTest(line=n):
                match = [ln for ln in lines
                         if ln.startswith("dnsprobe: standard input:%d: " % n)]
                self.assertEqual(len(match), 1, r.stderr)
                self.assertIn(frag, match[0])
                self.assertTrue(match[0].endswith("(line skipped)"))

    def test_strict_stops_at_a_bad_line(self):
        text = "%s example.test\n127.0.0.300\n" % T
        r = run(["-f", "-", "--strict", "--probes", "udp", "--format",
                 "jsonl"], text)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(r.stdout, "", "a battery went out")
        self.assertEqual(r.stderr.strip(),
                         "dnsprobe: standard input:2: target '127.0.0.300': "
                         "not a valid IPv4 address (four decimal numbers "
                         "0-255, no leading zeros)")

    def test_strict_late_bad_line_keeps_what_finished(self):
        """Past the first window and look-ahead (here --parallel 1 and 1,024
        targets read ahead) lines are read as the run goes: a bad line there
        ends it, with the records of the targets before it whole."""
        good = ["127.0.5.%d:%d" % (1 + i % 250, 15453 + i // 250)
                for i in range(1100)]
        text = "\n".join(good) + "\nnot..a..target\n" + T + "\n"
        r = run(["-f", "-", "--strict", "--parallel", "1", "--probes", "udp",
                 "--timeout", "300", "--format", "jsonl", "--brief"], text,
                timeout=300)
        self.assertEqual(r.returncode, 3, r.stderr[-300:])
        self.assertIn("standard input:1101: target 'not..a..target'",
                      r.stderr)
        got = records(r.stdout)
        self.assertGreater(len(got), 0)
        self.assertLess(len(got), 1101)
        self.assertNotIn(NSD[0], {x["address"] for x in got})

    def test_brief_records(self):
        args = [T, "--zone", "example.test", "--format", "jsonl"]
        full = run(args)
        brief = run(args + ["--brief"])
        self.assertEqual(full.returncode, brief.returncode, brief.stderr)
        f, b = records(full.stdout)[0], records(brief.stdout)[0]
        self.assertEqual(list(b), BRIEF_MEMBERS)
        self.assertEqual(b["schema"], "dnsprobe-brief/1")
        for key in ("target", "address", "port", "zone", "status", "role"):
            self.assertEqual(b[key], f[key], key)
        self.assertEqual(b["software"]["name"], f["software"]["name"])
        self.assertEqual(list(b["software"]), ["name", "version"])
        self.assertEqual([d["cause"] for d in b["diagnosis"]],
                         [d["cause"] for d in f["diagnosis"]])
        for d in b["diagnosis"]:
            self.assertEqual(list(d), BRIEF_CAUSE)
        sent = [p for p in f["probes"] if p["outcome"] != "skipped"]
        self.assertEqual([p["id"] for p in b["probes"]],
                         [p["id"] for p in sent])
        for bp, fp in zip(b["probes"], sent):
            with self.subTest(probe=bp["id"]):
                self.assertEqual(list(bp), BRIEF_PROBE)
                self.assertEqual(bp["verdict"], fp["verdict"])
                self.assertEqual(bp["severity"], fp["severity"])
                want = fp["answer"]["rcode"] if fp["answer"] else None
                self.assertEqual(bp["rcode"], want)
                self.assertEqual(bp["rtt_ms"] is None, fp["rtt_ms"] is None)
        # the point of it: a fraction of the bytes
        self.assertLess(len(brief.stdout) * 5, len(full.stdout),
                        "%d vs %d bytes" % (len(brief.stdout),
                                            len(full.stdout)))


class Summarize(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nsd = lab.start("nsd", *NSD)
        cls.dir = tempfile.mkdtemp(prefix="dnsprobe-summarize-")
        cls.files = []
        common = ["--probes", "udp,tcp,version", "--timeout", "400",
                  "--format", "jsonl"]
        runs = [
            (["%s" % T, "--zone", "example.test"], []),
            (["127.0.5.%d:15453" % i for i in range(1, 6)], ["--brief"]),
            (["%s" % T, "--zone", "other.test"], ["--brief"]),
        ]
        cls.records = []
        for i, (targets, extra) in enumerate(runs):
            r = run(targets + common + extra)
            path = os.path.join(cls.dir, "shard-%d.jsonl" % i)
            with open(path, "w", encoding="utf-8") as f:
                f.write(r.stdout)
            cls.files.append(path)
            cls.records += records(r.stdout)

    @classmethod
    def tearDownClass(cls):
        for name in os.listdir(cls.dir):
            os.unlink(os.path.join(cls.dir, name))
        os.rmdir(cls.dir)
        cls.nsd.stop()

    def test_json_counts_what_the_records_say(self):
        r = run(["summarize", "--format", "json"] + self.files)
        worst = max(["ok", "warning", "critical", "unknown"].index(x["status"])
                    for x in self.records)
        self.assertEqual(r.returncode, worst, r.stderr)
        s = json.loads(r.stdout)
        self.assertEqual(s["schema"], "dnsprobe-summary/1")
        self.assertEqual((s["files"], s["targets"], s["duplicates"],
                          s["torn"]), (3, 7, 0, 0))
        self.assertEqual(s["status"], dict(Counter(
            x["status"] for x in self.records), **{
                k: 0 for k in ("ok", "warning", "critical", "unknown")
                if k not in {x["status"] for x in self.records}}))
        causes = Counter(d["cause"] for x in self.records
                         for d in x["diagnosis"])
        self.assertEqual({c["cause"]: c["targets"] for c in s["causes"]},
                         dict(causes))
        self.assertEqual(s["causes"][0]["cause"], "port-closed")
        self.assertEqual(s["causes"][0]["targets"], 5)
        software = Counter((x["software"] or {}).get("name", "unknown")
                           for x in self.records)
        self.assertEqual({c["name"]: c["targets"] for c in s["software"]},
                         dict(software))
        slow = sorted(self.records, key=lambda x: -x["duration_ms"])
        self.assertEqual([(x["address"], x["port"], x["zone"])
                          for x in s["slowest"]],
                         [(x["address"], x["port"], x["zone"])
                          for x in slow])

    def test_text(self):
        r = run(["summarize", "--top", "3"] + self.files)
        self.assertIn(r.returncode, (1, 2), r.stderr)
        self.assertEqual(r.stderr, "")
        self.assertIn("fleet: 7 targets in 3 files", r.stdout)
        self.assertRegex(r.stdout, r"port-closed\s+5\s+critical")
        self.assertRegex(r.stdout, r"nsd\s+2")
        self.assertEqual(r.stdout.split("slowest targets:\n")[1]
                         .split("\n\n")[0].count("\n"), 3 - 1)

    def test_duplicates_and_torn_lines(self):
        torn = os.path.join(self.dir, "torn.jsonl")
        with open(self.files[1], encoding="utf-8") as f:
            text = f.read()
        with open(torn, "w", encoding="utf-8") as f:
            f.write(text + text.splitlines()[0][:40])
        r = run(["summarize", "--format", "json", self.files[1], torn])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("torn.jsonl:6: a torn last line, skipped", r.stderr)
        s = json.loads(r.stdout)
        self.assertEqual((s["targets"], s["duplicates"], s["torn"]),
                         (10, 5, 1))

    def test_bad_input(self):
        junk = os.path.join(self.dir, "junk.jsonl")
        with open(self.files[0], encoding="utf-8") as f:
            good = f.read()
        cases = [
            ("not JSON", "{nope}\n" + good, "junk.jsonl:1: not a dnsprobe"),
            ("not ours", '{"schema": "other/1"}\n', "junk.jsonl:1: not a"),
            ("no target", '{"schema": "dnsprobe/1"}\n', "\"target\""),
            ("a bad line in the middle", good + "[1,2]\n" + good,
             "junk.jsonl:2: not a dnsprobe"),
        ]
        for name, text, frag in cases:
            with self.subTest(case=name):
                with open(junk, "w", encoding="utf-8") as f:
                    f.write(text)
                r = run(["summarize", junk])
                self.assertEqual(r.returncode, 3)
                self.assertEqual(len(r.stderr.strip().split("\n")), 1,
                                 r.stderr)
                self.assertIn(frag, r.stderr)
                self.assertEqual(r.stdout, "")
        for args, frag in ((["/nonexistent/x.jsonl"], "cannot read"),
                           ([], "no FILE"),
                           (["--format", "yaml", junk], "--format"),
                           (["--top", "x", junk], "--top"),
                           (["--bogus", junk], "unknown option")):
            with self.subTest(args=args):
                r = run(["summarize"] + args)
                self.assertEqual(r.returncode, 3)
                self.assertEqual(len(r.stderr.strip().split("\n")), 1,
                                 r.stderr)
                self.assertIn(frag, r.stderr)

    def test_standard_input(self):
        with open(self.files[1], encoding="utf-8") as f:
            text = f.read()
        r = run(["summarize", "--format", "json", "-"], text)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(json.loads(r.stdout)["targets"], 5)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
