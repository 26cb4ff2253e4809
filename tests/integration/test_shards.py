#!/usr/bin/env python3
"""Fleets past one machine: --shard K/N and --resume FILE lose and double
nothing.

- N shards run as N processes give together exactly the targets of one
  unsharded run, and each shard's targets are those whose line hashes to it
  by the documented rule (FNV-1a 64 of the normalised line, mod N; K
  0-based);
- a run killed with SIGKILL in the middle, whose file then ends in a torn
  line, resumed with the same command, gives exactly the targets of an
  uninterrupted run (a list naming a target twice probes it twice);
- SIGTERM ends a run with exit 3 and whole records only.

A real NSD serves example.test on 127.0.3.1:15353; silent targets are
sockets this test binds on 127.0.3.2 and drains; closed ports are on
127.0.4.x. Everything stays on loopback; every process started here is
stopped by PID; every wait is bounded.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from collections import Counter

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "integration"))
import lab  # noqa: E402
from test_fleet import Silent  # noqa: E402

DNSPROBE = os.environ.get("DNSPROBE", "build/dnsprobe")
NSD = ("127.0.3.1", 15353)
SILENT_ADDR = "127.0.3.2"
SILENT_PORTS = list(range(15360, 15400))


def fnv1a64(text):
    h = 0xcbf29ce484222325
    for b in text.encode():
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def normalised(line):
    """A target line as the shard rule reads it: no comment, its fields
    joined by one space."""
    return " ".join(line.split("#", 1)[0].split())


def keys_of(text):
    """The targets of a JSON-lines report, as a multiset."""
    keys = Counter()
    for line in text.splitlines():
        r = json.loads(line)
        keys[(r["target"], r["address"], r["port"], r["zone"])] += 1
    return keys


def run(args, stdin=None, timeout=120):
    return subprocess.run([DNSPROBE] + args, input=stdin, capture_output=True,
                          text=True, timeout=timeout)


class Shards(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nsd = lab.start("nsd", *NSD)

    @classmethod
    def tearDownClass(cls):
        cls.nsd.stop()

    def fleet_lines(self):
        lines = ["%s:%d example.test" % NSD,
                 "%s:%d   example.test   # the same line, spaced" % NSD]
        lines += ["%s:%d z%d.test" % (NSD + (i,)) for i in range(15)]
        lines += ["127.0.4.%d:15353" % i for i in range(1, 31)]
        lines += ["localhost:15399 example.test",  # one line, two addresses
                  "127.0.4.5:15353"]               # a target listed twice
        return lines

    def test_shards_cover_the_list_once(self):
        lines = self.fleet_lines()
        text = "# a fleet\n" + "\n".join(lines) + "\n"
        args = ["-f", "-", "--probes", "udp,tcp", "--timeout", "500",
                "--format", "jsonl", "--brief"]
        whole = run(args, text)
        self.assertIn(whole.returncode, (1, 2), whole.stderr)
        want = keys_of(whole.stdout)
        # one target a line, localhost's one or two addresses (as the hosts
        # file has them)
        self.assertGreaterEqual(sum(want.values()), len(lines))
        union = Counter()
        for n in (4, 3):
            union = Counter()
            for k in range(n):
                with self.subTest(shard="%d/%d" % (k, n)):
                    r = run(args + ["--shard", "%d/%d" % (k, n)], text)
                    self.assertIn(r.returncode, (0, 1, 2), r.stderr)
                    self.assertEqual(r.stderr, "")
                    got = keys_of(r.stdout)
                    mine = [ln for ln in lines
                            if fnv1a64(normalised(ln)) % n == k]
                    # every target of this shard's lines, and no other
                    want_here = Counter({key: c for key, c in want.items()
                                         if any(self.line_has(ln, key)
                                                for ln in mine)})
                    self.assertEqual(got, want_here)
                    union += got
            self.assertEqual(union, want, "%d shards" % n)

    @staticmethod
    def line_has(line, key):
        target, _, _, zone = key
        fields = normalised(line).split(" ")
        want_zone = (fields[1].lower().rstrip(".") + ".") if len(fields) > 1 \
            else "."
        return fields[0] == target and zone == want_zone

    def test_job_completion_index_is_k(self):
        """A Kubernetes Indexed Job's pods have JOB_COMPLETION_INDEX 0 to
        N-1: the K to pass. N itself is out of range."""
        target = "127.0.4.1:15353"
        mine = fnv1a64(target) % 2
        for k in (0, 1):
            r = run(["--shard", "%d/2" % k, "--probes", "udp", "--timeout",
                     "200", "--format", "jsonl", target])
            self.assertEqual(r.returncode, 2 if k == mine else 0, r.stderr)
            self.assertEqual(len(r.stdout.splitlines()), k == mine)
        for bad in ("2/2", "-1/2", "1", "a/2", "1/0"):
            with self.subTest(shard=bad):
                r = run(["--shard=" + bad, "127.0.4.1:15353"])
                self.assertEqual(r.returncode, 3)
                self.assertEqual(len(r.stderr.strip().split("\n")), 1,
                                 r.stderr)
                self.assertIn("--shard", r.stderr)
                self.assertEqual(r.stdout, "")


class Resume(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nsd = lab.start("nsd", *NSD)
        cls.silent = Silent(SILENT_ADDR, SILENT_PORTS)

    @classmethod
    def tearDownClass(cls):
        cls.silent.close()
        cls.nsd.stop()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="dnsprobe-resume-")
        self.list = os.path.join(self.dir, "list.txt")
        lines = ["%s:%d example.test" % NSD, "%s:%d example.test" % NSD]
        lines += ["%s:%d" % (SILENT_ADDR, p) for p in SILENT_PORTS]
        lines += ["127.0.4.%d:15353" % i for i in range(1, 21)]
        with open(self.list, "w", encoding="ascii") as f:
            f.write("\n".join(lines) + "\n")
        # 40 silent targets, 4 at a time, 400 ms each: about 4 s in all
        self.args = ["-f", self.list, "--probes", "udp,tcp,version",
                     "--timeout", "400", "--parallel", "4", "--format",
                     "jsonl"]

    def tearDown(self):
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)

    def wait_lines(self, path, proc, want, seconds):
        """Wait (bounded) until path holds want complete lines."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with open(path, "rb") as f:
                    if f.read().count(b"\n") >= want:
                        return True
            except FileNotFoundError:
                pass
            time.sleep(0.05)
        return False

    def read(self, path):
        with open(path, encoding="utf-8") as f:
            return f.read()

    def test_kill_9_then_resume_is_the_uninterrupted_set(self):
        whole = run(self.args)
        self.assertEqual(whole.returncode, 2, whole.stderr)
        want = keys_of(whole.stdout)
        self.assertEqual(sum(want.values()), 62)
        self.assertEqual(want[("%s:%d" % NSD, NSD[0], NSD[1],
                               "example.test.")], 2)

        out = os.path.join(self.dir, "fleet.jsonl")
        argv = [DNSPROBE] + self.args + ["--resume", out]
        p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            started = self.wait_lines(out, p, 8, 20)
            p.kill()  # SIGKILL: no chance to flush or tidy up
        finally:
            p.communicate(timeout=30)
        self.assertTrue(started, "no records before the kill")
        first = self.read(out)
        self.assertTrue(first.endswith("\n"), "a record was left torn")
        done = keys_of(first)
        self.assertLess(sum(done.values()), 62, "the run was not cut short")
        # a torn line, as a write cut by a crash leaves it
        last = first.splitlines()[-1]
        with open(out, "a", encoding="utf-8") as f:
            f.write(last[:len(last) // 2])

        r = run(self.args + ["--resume", out])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("torn line", r.stderr)
        self.assertEqual(len(r.stderr.strip().split("\n")), 1, r.stderr)
        self.assertEqual(r.stdout, "")
        final = self.read(out)
        self.assertEqual(keys_of(final), want)
        # records already there were kept byte for byte
        self.assertTrue(final.startswith(first))

        # once more: nothing left to probe, the file stays as it is, and
        # the exit status is still the fleet's
        again = run(self.args + ["--resume", out])
        self.assertEqual(again.returncode, 2, again.stderr)
        self.assertEqual(self.read(out), final)

    def test_sigterm_finishes_whole_records(self):
        out = os.path.join(self.dir, "term.jsonl")
        argv = [DNSPROBE] + self.args + ["--resume", out, "--brief"]
        p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            started = self.wait_lines(out, p, 6, 20)
            p.send_signal(signal.SIGTERM)
            _, err = p.communicate(timeout=30)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate(timeout=10)
        self.assertTrue(started, "no records before SIGTERM")
        self.assertEqual(p.returncode, 3, err)
        self.assertIn("interrupted", err)
        text = self.read(out)
        self.assertTrue(text.endswith("\n"))
        n = sum(keys_of(text).values())  # every line parses
        self.assertRegex(err, r"interrupted: %d (of \d+ )?targets finished"
                         % n)
        r = run(self.args + ["--resume", out, "--brief"])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(sum(keys_of(self.read(out)).values()), 62)

    def test_a_file_not_ours_is_refused(self):
        out = os.path.join(self.dir, "other.jsonl")
        with open(out, "w", encoding="utf-8") as f:
            f.write('{"hello": "world"}\n{"schema": "dnsprobe/1"}\n')
        r = run(self.args + ["--resume", out])
        self.assertEqual(r.returncode, 3)
        self.assertEqual(len(r.stderr.strip().split("\n")), 1, r.stderr)
        self.assertIn("other.jsonl:1: not a dnsprobe record", r.stderr)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(f.read().count("\n"), 2, "the file was changed")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
