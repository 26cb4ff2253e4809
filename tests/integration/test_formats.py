#!/usr/bin/env python3
"""test_formats.py: the real dnsprobe binary's machine formats.

The project's hostile responder (tests/support/hostile.py) serves the "ok"
scenario, a strict authoritative server, and a few others; the binary runs
once per format

    $DNSPROBE 127.0.0.231:55231 --zone example.test --format FMT

and each report is read by its real parser: json.loads for every jsonl
line, xml.etree.ElementTree for JUnit, `promtool check metrics` for
Prometheus, the monitoring-plugins syntax for Nagios. Every format must
give the exit status that the json report's status calls for (0 ok, 1
warning, 2 critical), over a target that answers well and one that cannot
be reached.

OutputFileTest and StreamingTest need main.c to honour --output and to
stream jsonl as each target completes; they are skipped until MAIN_WIRED is
set to True below. BadOutputTest checks the option's parsing, which works
already.

Invariants: every packet goes to 127.0.0.231-235, ports 55231-55235 (no
responder listens on 127.0.0.233, the unreachable target); responders are
stopped by PID in a cleanup and also exit on EOF of stdin or after 120 s;
every wait has a deadline.
"""

import json
import os
import re
import select
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
HOSTILE_PY = os.path.join(SRCDIR, "tests", "support", "hostile.py")
sys.path.insert(0, os.path.dirname(HOSTILE_PY))
import hostile  # noqa: E402  (its Child runs the responder for a test)

DNSPROBE = os.environ.get("DNSPROBE", "")

# Set to True once main.c writes --output through dp_report_write_file and
# streams jsonl with dp_report_write_target (see the formats report).
MAIN_WIRED = True

ZONE = "example.test"
TIMEOUT_MS = 800
RUN_LIMIT_S = 30.0
READY_LIMIT_S = 10.0

OK = ("127.0.0.231", 55231)       # hostile "ok", alternate port 55232
OK2 = ("127.0.0.232", 55232)      # hostile "ok", alternate port 55233
DEAD = ("127.0.0.233", 55233)     # nothing listens here
SILENT = ("127.0.0.234", 55234)   # hostile "silent", alternate port 55235
REFUSED = ("127.0.0.235", 55235)  # hostile "refused-ede", alternate 55234

FORMATS = ("jsonl", "junit", "nagios", "prometheus")
SEVERITY_RANK = {"ok": 0, "info": 1, "warning": 2, "critical": 3}
STATUS_EXIT = {"ok": 0, "warning": 1, "critical": 2, "unknown": 3}
NAGIOS_WORD = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}
PERF_ITEM = r"(?:'(?:[^'=]|'')+'|[^' =|]+)=-?\d+(?:\.\d+)?ms;;;0"
NAGIOS_LINE = re.compile(
    r"^DNSPROBE (OK|WARNING|CRITICAL|UNKNOWN) - ([^|\n]+?)"
    r"(?: \| (%s(?: %s)*))?$" % (PERF_ITEM, PERF_ITEM))
PROM_FAMILIES = (
    "dnsprobe_build_info", "dnsprobe_run_duration_seconds",
    "dnsprobe_target_status", "dnsprobe_target_cause",
    "dnsprobe_dnssec_signed", "dnsprobe_dnssec_signature_expiry_seconds",
    "dnsprobe_probe_success",
    "dnsprobe_probe_severity", "dnsprobe_probe_verdict",
    "dnsprobe_probe_rcode", "dnsprobe_probe_ede",
    "dnsprobe_probe_rtt_seconds")


def endpoint(addr):
    return "%s:%d" % addr


def Responder(test, addr, scenario, alt_port):
    """hostile.py in a child process, stopped by PID in the test's cleanup."""
    return hostile.Child(test, addr[0], addr[1], scenario, alt_port=alt_port,
                         ready_s=READY_LIMIT_S)


def run(args, timeout=RUN_LIMIT_S, umask=None):
    """dnsprobe with args; returns the CompletedProcess (bytes)."""
    cmd = [DNSPROBE] + args
    env = dict(os.environ, NO_COLOR="1")
    kwargs = {}
    if umask is not None:
        kwargs["umask"] = umask
    return subprocess.run(cmd, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, env=env, **kwargs)


def probe_args(*targets):
    return [endpoint(t) for t in targets] + [
        "--zone", ZONE, "--timeout", str(TIMEOUT_MS)]


def dnsprobe_missing():
    return not (DNSPROBE and os.access(DNSPROBE, os.X_OK))


# --- checks of each format, shared by stdout and --output runs --------------


class FormatChecks:
    """Mixin: read a report with its real parser and check it against the
    json report of the same targets."""

    def check_jsonl(self, case, data, ref):
        text = data.decode("utf-8")
        self.assertTrue(text.endswith("\n"), "%s: no final newline" % case)
        lines = text.split("\n")[:-1]
        self.assertEqual(len(lines), len(ref["targets"]),
                         "%s: one line per target" % case)
        for i, line in enumerate(lines):
            obj = json.loads(line, parse_constant=self.no_constant)
            keys = list(obj)
            self.assertEqual(keys[:3], ["schema", "version", "started_at"],
                             "%s: line %d head" % (case, i))
            self.assertEqual(obj["schema"], "dnsprobe/1", case)
            self.assertEqual(obj["version"], ref["version"], case)
            self.assertRegex(obj["started_at"],
                             r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", case)
            # lines come in the order targets complete: match by address
            matches = [t for t in ref["targets"]
                       if (t["address"], t["port"]) ==
                       (obj["address"], obj["port"])]
            self.assertEqual(len(matches), 1,
                             "%s: line %d is one of the targets" % (case, i))
            want = matches[0]
            self.assertEqual(keys[3:], list(want),
                             "%s: line %d members" % (case, i))
            self.assertEqual(
                (obj["address"], obj["port"], obj["status"], obj["role"]),
                (want["address"], want["port"], want["status"], want["role"]),
                "%s: line %d target" % (case, i))
            self.assertEqual(
                [(p["id"], p["verdict"], p["severity"]) for p in obj["probes"]],
                [(p["id"], p["verdict"], p["severity"]) for p in want["probes"]],
                "%s: line %d probes" % (case, i))

    @staticmethod
    def no_constant(name):
        raise ValueError("non-standard JSON constant %s" % name)

    def check_junit(self, case, data, ref):
        root = ET.fromstring(data)
        self.assertEqual(root.tag, "testsuites", case)
        suites = root.findall("testsuite")
        self.assertEqual(len(suites), len(ref["targets"]), case)
        total = 0
        for suite, target in zip(suites, ref["targets"]):
            cases = suite.findall("testcase")
            probes = target["probes"]
            total += len(cases)
            self.assertEqual(int(suite.get("tests")), len(probes), case)
            self.assertIn(endpoint((target["address"], target["port"])),
                          suite.get("name"), case)
            self.assertEqual([c.get("name") for c in cases],
                             [p["id"] for p in probes], case)
            bad = [p for p in probes if p["severity"] in ("warning",
                                                          "critical")]
            skipped = [p for p in probes
                       if p["verdict"] == "skipped" and p not in bad]
            self.assertEqual(int(suite.get("failures")), len(bad), case)
            self.assertEqual(int(suite.get("skipped")), len(skipped), case)
            self.assertEqual(int(suite.get("errors")), 0, case)
            self.assertGreaterEqual(float(suite.get("time")), 0, case)
            for c, p in zip(cases, probes):
                f = c.find("failure")
                self.assertEqual(f is not None, p in bad,
                                 "%s: %s failure" % (case, p["id"]))
                if f is not None:
                    self.assertEqual(f.get("type"), p["severity"], case)
                    # the root cause that accounts for it, else the probe
                    rc = [r for r in target["diagnosis"]
                          if p["id"] in r["probes"]]
                    want = ("%s: %s" % (rc[0]["cause"], rc[0]["headline"])
                            if rc else p["summary"])
                    self.assertEqual(f.get("message"), want, case)
                self.assertTrue(c.get("classname").startswith("dnsprobe."),
                                case)
        self.assertEqual(int(root.get("tests")), total, case)

    def check_nagios(self, case, data, ref, rc):
        text = data.decode("utf-8")
        lines = text.split("\n")
        self.assertEqual(lines[-1], "", "%s: no final newline" % case)
        m = NAGIOS_LINE.match(lines[0])
        self.assertIsNotNone(m, "%s: status line %r" % (case, lines[0]))
        self.assertEqual(m.group(1), NAGIOS_WORD[rc], case)
        answered = sum(1 for t in ref["targets"] for p in t["probes"]
                       if p["outcome"] == "answer" and p["rtt_ms"] is not None)
        perf = re.findall(PERF_ITEM, m.group(3) or "")
        self.assertEqual(len(perf), answered, "%s: perfdata items" % case)
        # one line per root cause (info included), then one per target
        causes = [(t, r) for t in ref["targets"] for r in t["diagnosis"]]
        self.assertEqual(len(lines) - 2, len(causes) + len(ref["targets"]),
                         "%s: long output lines" % case)
        for line, (t, r) in zip(lines[1:], sorted(
                causes, key=lambda tr: -SEVERITY_RANK[tr[1]["severity"]])):
            self.assertTrue(line.startswith("%s: %s:%d %s: " % (
                r["severity"].upper(), t["address"], t["port"], r["cause"])),
                "%s: %r" % (case, line))
        for line in lines[1:]:
            self.assertNotIn("|", line, "%s: '|' in long output" % case)

    def check_prometheus(self, case, data, ref):
        if shutil.which("promtool") is None:
            # scripts/bootstrap installs it (Debian package prometheus).
            print("promtool missing: 'promtool check metrics' skipped for %s"
                  % case, file=sys.stderr)
        else:
            done = subprocess.run(["promtool", "check", "metrics"],
                                  input=data, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=30)
            self.assertEqual((done.returncode, done.stdout), (0, b""),
                             "%s: promtool: %r" % (case, done.stdout))
        text = data.decode("utf-8")
        order = [ln.split()[2] for ln in text.splitlines()
                 if ln.startswith("# TYPE ")]
        self.assertEqual(tuple(order), PROM_FAMILIES, case)
        samples = {}
        family = None
        for ln in text.splitlines():
            if ln.startswith("# TYPE "):
                family = ln.split()[2]
                continue
            if ln.startswith("#"):
                continue
            name = re.match(r"[a-z_]+", ln).group(0)
            self.assertEqual(name, family, "%s: interleaved: %s" % (case, ln))
            series, value = ln.rsplit(" ", 1)
            self.assertNotIn(series, samples, "%s: series twice" % case)
            samples[series] = float(value)
        causes = sorted(v for k, v in samples.items()
                        if k.startswith("dnsprobe_target_cause{"))
        self.assertEqual(causes, sorted(
            SEVERITY_RANK[r["severity"]] for t in ref["targets"]
            for r in t["diagnosis"]), "%s: target_cause" % case)
        statuses = [v for k, v in samples.items()
                    if k.startswith("dnsprobe_target_status{")]
        self.assertEqual(sorted(statuses),
                         sorted(STATUS_EXIT[t["status"]]
                                for t in ref["targets"]), case)
        success = sum(v for k, v in samples.items()
                      if k.startswith("dnsprobe_probe_success{"))
        answered = sum(1 for t in ref["targets"] for p in t["probes"]
                       if p["answer"] is not None)
        self.assertEqual(success, answered, "%s: probe_success" % case)

    def check_format(self, fmt, case, data, ref, rc):
        if fmt == "jsonl":
            self.check_jsonl(case, data, ref)
        elif fmt == "junit":
            self.check_junit(case, data, ref)
        elif fmt == "nagios":
            self.check_nagios(case, data, ref, rc)
        else:
            self.check_prometheus(case, data, ref)


# The targets each case probes and the exit statuses it may end in.
CASES = (
    ("ok server", (OK,), (0,)),
    ("two ok servers", (OK, OK2), (0,)),
    ("unreachable", (DEAD,), (2,)),
    ("refusing server", (REFUSED,), (1, 2)),
)


@unittest.skipIf(dnsprobe_missing(), "DNSPROBE is not an executable")
class StdoutFormatTest(unittest.TestCase, FormatChecks):
    """Each format on stdout, for each case, against the json report."""

    def setUp(self):
        Responder(self, OK, "ok", 55232)
        Responder(self, OK2, "ok", 55233)
        Responder(self, REFUSED, "refused-ede", 55234)

    def reference(self, case, targets):
        done = run(probe_args(*targets) + ["--format", "json"])
        self.assertIn(done.returncode, (0, 1, 2),
                      "%s: json run: %r" % (case, done.stderr))
        ref = json.loads(done.stdout)
        self.assertEqual(STATUS_EXIT[ref["status"]], done.returncode, case)
        return ref, done.returncode

    def test_formats(self):
        for case, targets, statuses in CASES:
            ref, rc = self.reference(case, targets)
            self.assertIn(rc, statuses, "%s: json exit status" % case)
            for fmt in FORMATS:
                name = "%s, %s" % (case, fmt)
                with self.subTest(case=name):
                    done = run(probe_args(*targets) + ["--format", fmt])
                    self.assertEqual(done.returncode, rc,
                                     "%s: exit status (stderr %r)"
                                     % (name, done.stderr))
                    self.assertEqual(done.stderr, b"", name)
                    self.check_format(fmt, name, done.stdout, ref, rc)


@unittest.skipIf(dnsprobe_missing(), "DNSPROBE is not an executable")
class BadOutputTest(unittest.TestCase):
    """--output misuse: one line on stderr, exit 3, nothing probed."""

    BAD = (
        ("given twice", ["--output", "a.prom", "-o", "b.prom"],
         "more than once"),
        ("empty", ["--output="], "empty"),
        ("a directory", ["-o", "/tmp/"], "directory"),
        ("no value", ["--output"], "needs an argument"),
    )

    def test_bad_output(self):
        for case, args, fragment in self.BAD:
            with self.subTest(case=case):
                done = run([endpoint(DEAD)] + args)
                err = done.stderr.decode(errors="replace")
                self.assertEqual(done.returncode, 3, "%s: %s" % (case, err))
                self.assertEqual(done.stdout, b"", case)
                self.assertEqual(err.count("\n"), 1, "%s: %r" % (case, err))
                self.assertIn(fragment, err, case)

    def test_help_lists_output(self):
        done = run(["--help"])
        self.assertIn(b"-o, --output FILE", done.stdout)
        for fmt in ("text", "json") + FORMATS:
            self.assertIn(fmt.encode(), done.stdout)


@unittest.skipUnless(MAIN_WIRED, "main.c does not honour --output yet")
@unittest.skipIf(dnsprobe_missing(), "DNSPROBE is not an executable")
class OutputFileTest(unittest.TestCase, FormatChecks):
    """--output FILE: the report in FILE, not on stdout, written atomically
    (mode 0644 less the umask, no temporary file left), and on failure
    exit 3 with the old file untouched."""

    def setUp(self):
        Responder(self, OK, "ok", 55232)
        self.dir = tempfile.mkdtemp(prefix="dnsprobe-formats-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_every_format_to_a_file(self):
        ref_run = run(probe_args(OK) + ["--format", "json"])
        ref = json.loads(ref_run.stdout)
        for fmt in ("text", "json") + FORMATS:
            with self.subTest(format=fmt):
                path = os.path.join(self.dir, "report." + fmt)
                with open(path, "w") as f:
                    f.write("old\n")
                done = run(probe_args(OK) + ["--format", fmt, "-o", path],
                           umask=0o022)
                self.assertEqual(done.returncode, ref_run.returncode,
                                 "%s: %r" % (fmt, done.stderr))
                self.assertEqual(done.stdout, b"", fmt)
                with open(path, "rb") as f:
                    data = f.read()
                self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o644,
                                 fmt)
                self.assertEqual([n for n in os.listdir(self.dir)
                                  if n.startswith(".")], [],
                                 "%s: a temporary file is left" % fmt)
                if fmt == "json":
                    self.assertEqual(json.loads(data)["schema"], "dnsprobe/1")
                elif fmt == "text":
                    self.assertIn(endpoint(OK).encode(), data)
                else:
                    self.check_format(fmt, fmt, data, ref,
                                      ref_run.returncode)

    def test_umask(self):
        path = os.path.join(self.dir, "dnsprobe.prom")
        done = run(probe_args(OK) + ["--format", "prometheus", "-o", path],
                   umask=0o027)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o640)

    def test_unwritable_destination(self):
        for case, path in (
                ("missing directory",
                 os.path.join(self.dir, "missing", "x.prom")),
                ("path is a directory", self.dir)):
            with self.subTest(case=case):
                before = sorted(os.listdir(self.dir))
                done = run(probe_args(OK) + ["--format", "prometheus",
                                             "-o", path])
                err = done.stderr.decode(errors="replace")
                self.assertEqual(done.returncode, 3, "%s: %s" % (case, err))
                self.assertEqual(err.count("\n"), 1, "%s: %r" % (case, err))
                self.assertEqual(sorted(os.listdir(self.dir)), before, case)


@unittest.skipUnless(MAIN_WIRED, "main.c does not stream jsonl yet")
@unittest.skipIf(dnsprobe_missing(), "DNSPROBE is not an executable")
class StreamingTest(unittest.TestCase):
    """jsonl is written as each target completes: the fast target's line
    arrives well before the silent target's timeout ends the run."""

    def setUp(self):
        Responder(self, OK, "ok", 55232)
        Responder(self, SILENT, "silent", 55235)

    def test_first_line_before_the_end(self):
        cmd = [DNSPROBE, endpoint(SILENT), endpoint(OK), "--zone", ZONE,
               "--timeout", "2000", "--format", "jsonl"]
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        self.addCleanup(proc.stdout.close)
        self.addCleanup(proc.kill)
        ready, _, _ = select.select([proc.stdout], [], [], RUN_LIMIT_S)
        self.assertTrue(ready, "no line before the deadline")
        first = proc.stdout.readline()
        first_at = time.monotonic() - start
        rest = proc.stdout.read()
        proc.wait(RUN_LIMIT_S)
        end_at = time.monotonic() - start
        self.assertEqual(json.loads(first)["address"], OK[0])
        self.assertLess(first_at, end_at - 1.0,
                        "first line at %.2f s, run ended at %.2f s"
                        % (first_at, end_at))
        lines = rest.decode().splitlines()
        self.assertEqual([json.loads(x)["address"] for x in lines],
                         [SILENT[0]])


if __name__ == "__main__":
    unittest.main(verbosity=2)
