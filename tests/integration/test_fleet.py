#!/usr/bin/env python3
"""Fleets: target files, the target window, Ctrl-C, and many silent targets.

A real NSD on 127.0.0.71:53171 serves example.test; silent targets are UDP
and TCP sockets this test binds on 127.0.0.72 and drains without answering.
Everything stays on loopback; every process started here is stopped by PID.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import lab  # noqa: E402

DNSPROBE = os.environ.get("DNSPROBE", "build/dnsprobe")
NSD = ("127.0.0.71", 53171)
SILENT_ADDR = "127.0.0.72"
SILENT_PORTS = range(53172, 53180)


def run(args, timeout=120):
    return subprocess.run([DNSPROBE] + args, capture_output=True, text=True,
                          timeout=timeout)


class Silent:
    """UDP and TCP sockets that read everything and never answer, on each
    address of addrs (or addr) at each port of ports."""

    def __init__(self, addr, ports, addrs=None):
        self.socks = []
        self.listeners = set()
        for a in addrs or [addr]:
            for port in ports:
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                u.bind((a, port))
                t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                t.bind((a, port))
                t.listen(1024)
                self.socks += [u, t]
                self.listeners.add(t)
        self.stop = False
        self.thread = threading.Thread(target=self.drain, daemon=True)
        self.thread.start()

    def drain(self):
        import selectors  # epoll: more sockets than select() can watch
        sel = selectors.DefaultSelector()
        for s in self.socks:
            sel.register(s, selectors.EVENT_READ)
        deadline = time.monotonic() + 300  # never outlive a test run
        while not self.stop and time.monotonic() < deadline:
            for key, _ in sel.select(0.2):
                s = key.fileobj
                try:
                    if s in self.listeners:
                        c, _ = s.accept()
                        sel.register(c, selectors.EVENT_READ)
                    elif not s.recv(65535) and s.type == socket.SOCK_STREAM:
                        sel.unregister(s)
                        s.close()
                except OSError:
                    pass
        for key in list(sel.get_map().values()):
            if key.fileobj not in self.socks:
                key.fileobj.close()
        sel.close()

    def close(self):
        self.stop = True
        self.thread.join(5)
        for s in self.socks:
            s.close()


class Fleet(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nsd = lab.start("nsd", *NSD)

    @classmethod
    def tearDownClass(cls):
        cls.nsd.stop()

    def test_target_file_of_200(self):
        """A 200-target list completes with every target reported once."""
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("# 200 targets, one server\n")
            for i in range(200):
                f.write("%s:%d example.test   # target %d\n" % (NSD + (i,)))
            path = f.name
        try:
            r = run(["-f", path, "--probes", "udp,tcp,axfr,version",
                     "--format", "jsonl", "--timeout", "2000",
                     "--parallel", "50"])
        finally:
            os.unlink(path)
        # NSD denies the transfer (ok) and discloses its version (info)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 200, r.stderr)
        seen = [json.loads(line) for line in lines]
        for t in seen:
            self.assertEqual((t["address"], t["port"], t["zone"]),
                             (NSD[0], NSD[1], "example.test."))
            ids = {p["id"]: p for p in t["probes"]}
            self.assertEqual(ids["udp"]["verdict"], "authoritative", t)
            self.assertEqual(ids["axfr"]["verdict"], "denied", t)

    def test_progress_on_a_terminal_only(self):
        import pty
        targets = ["%s:%d" % NSD] * 3
        args = [DNSPROBE] + targets + ["--zone", "example.test", "--probes",
                                       "udp", "--format", "json"]
        master, slave = pty.openpty()
        try:
            p = subprocess.run(args, stdout=subprocess.PIPE, stderr=slave,
                               timeout=60)
            os.close(slave)
            slave = None
            seen = b""
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
        finally:
            if slave is not None:
                os.close(slave)
            os.close(master)
        self.assertEqual(p.returncode, 0)
        self.assertIn(b"3/3 targets", seen)
        # into a pipe: no progress, stderr stays clean for scripts
        r = run(targets + ["--zone", "example.test", "--probes", "udp"])
        self.assertEqual(r.stderr, "")

    def test_fleet_summary(self):
        """The text report of a fleet ends with the most common root
        causes; an expectation a root cause misses stays with that cause."""
        r = run(["%s:%d" % NSD] * 4 + ["--zone", "example.test", "--probes",
                                       "udp,version", "--skip", "udp",
                                       "--expect", "authoritative",
                                       "--require", "version=refused"])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("most common root causes:", r.stdout)
        self.assertRegex(r.stdout, r"identity-disclosed\s+4 of 4 targets")
        self.assertIn("Expected version to be refused", r.stdout)

    def test_bad_lines_name_their_line(self):
        """With --strict a bad line ends the run: when it comes before any
        battery could start, nothing is sent and nothing reported."""
        cases = [
            ("%s:%d\n127.0.0.300\n" % NSD, ":2: target '127.0.0.300'"),
            ("%s:%d a..b\n" % NSD, ":1: zone 'a..b'"),
            ("%s:%d example.test extra\n" % NSD, ":1: more than"),
            ("# nothing\n\n", "no targets"),
        ]
        for text, fragment in cases:
            with self.subTest(text=text):
                r = subprocess.run([DNSPROBE, "-f", "-", "--strict"],
                                   input=text,
                                   capture_output=True, text=True, timeout=30)
                self.assertEqual(r.returncode, 3, r.stderr)
                self.assertIn(fragment, r.stderr)
                self.assertEqual(len(r.stderr.strip().split("\n")), 1)
                self.assertEqual(r.stdout, "")

    def test_bad_counts(self):
        for args in (["--parallel", "0"], ["--parallel", "x"],
                     ["--rate", "0"], ["--rate", "-3"]):
            with self.subTest(args=args):
                r = run(["%s:%d" % NSD] + args)
                self.assertEqual(r.returncode, 3, r.stderr)
                self.assertIn(args[0], r.stderr)

    def test_silent_fleet_costs_the_window_not_the_count(self):
        """1,000 silent servers end in a few timeouts (one per window of
        targets in flight), never one per target. 125 addresses (127.0.2.x)
        times 8 ports: targets on one server go one after another."""
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = 2000 + 256
        if soft != resource.RLIM_INFINITY and soft < want:
            if hard != resource.RLIM_INFINITY and hard < want:
                self.skipTest("open-file limit %d below %d" % (hard, want))
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        addrs = ["127.0.2.%d" % i for i in range(1, 126)]
        silent = Silent(None, SILENT_PORTS, addrs=addrs)
        try:
            targets = ["%s:%d" % (addrs[i // 8], SILENT_PORTS[i % 8])
                       for i in range(1000)]
            start = time.monotonic()
            r = run(targets + ["--probes", "udp,tcp", "--timeout", "300",
                               "--parallel", "250", "--rate", "100000",
                               "--format", "jsonl"], timeout=120)
            took = time.monotonic() - start
        finally:
            silent.close()
        self.assertEqual(r.returncode, 2, r.stderr[-500:])
        self.assertEqual(len(r.stdout.splitlines()), 1000)
        # 1000 / 250 = 4 windows of one timeout each; 1000 x 0.3 s would be
        # 300 s. Allow generous slack for a loaded machine.
        self.assertLess(took, 4 * 0.3 * 5, "took %.1f s" % took)

    def test_ctrl_c_reports_what_finished(self):
        silent = Silent(SILENT_ADDR, [53179])
        try:
            targets = ["%s:%d" % NSD] + ["%s:53179" % SILENT_ADDR] * 3
            p = subprocess.Popen([DNSPROBE] + targets +
                                 ["--probes", "udp", "--timeout", "20000",
                                  "--format", "json"],
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            time.sleep(1.0)  # the NSD target is done; the silent ones wait
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=30)
        finally:
            silent.close()
        self.assertEqual(p.returncode, 3, err)
        self.assertIn("interrupted: 1 of 4 targets finished", err)
        rep = json.loads(out)
        self.assertEqual([t["address"] for t in rep["targets"]], [NSD[0]])
        self.assertEqual(rep["status"], "unknown")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
