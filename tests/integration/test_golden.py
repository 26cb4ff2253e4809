#!/usr/bin/env python3
"""Golden reports: every format of dnsprobe's output against real servers,
compared with the reports recorded in tests/golden/.

A refactoring must not change a single byte a user sees; a deliberate change
of the output shows up here as a diff to review. Each case runs the real
binary against one lab server (or a closed port) in one format; before the
comparison the values that change from run to run are masked:

- round-trip and run times, the start time (every format);
- the version strings the servers disclose (a Debian update of bind9 or
  knot must not fail the suite): each is asked of its server with CH TXT
  version.bind before the runs and replaced by <VERSION>;
- the case probe's names, the zone's in a random mix of cases each run:
  every spelling of the zone's name but its lower case reads <0x20>.

The text formats (text, nagios) are compared with each run of blanks,
newlines included, taken as one space, since a masked version or time of
another length moves line breaks and columns; their layout is checked by
the reader of a golden diff and by the text report's unit tests. JSON is
compared as data after masking.

DNSPROBE_GOLDEN_UPDATE=1 rewrites the recorded files instead of comparing
(run it, then read `git diff tests/golden`).
"""
import json
import os
import re
import socket
import struct
import sys
import time
import unittest

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import lab  # noqa: E402

GOLDEN_DIR = os.path.join(SRCDIR, "tests", "golden")
UPDATE = os.environ.get("DNSPROBE_GOLDEN_UPDATE") == "1"

ZONE = "example.test"
RECURSION_NAME = "www.other.test"
UPSTREAM = ("127.0.0.90", 53190)
LAYOUT = {
    "bind-open": ("127.0.0.1", 23105),
    "knot": ("127.0.0.91", 53190),
    "unbound-refuse": ("127.0.0.92", 53190),
    "pdns-recursor": ("127.0.0.93", 53190),
    "nsd-lame": ("127.0.0.95", 53190),
}
CLOSED = ("127.0.0.99", 53199)  # nothing may listen here

FORMATS = ("text", "json", "jsonl", "junit", "nagios", "prometheus")
# Which formats each scenario is recorded in: every format for two rich
# cases, text and json for the rest.
CASES = {
    "bind-open": FORMATS,
    "knot": ("text", "json"),
    "unbound-refuse": FORMATS,
    "pdns-recursor": ("text", "json"),
    "nsd-lame": ("text", "json"),
    "closed": ("text", "json", "nagios"),
}
EXTRA_ARGS = {"bind-open": ("--show-commands",)}

# Times in the text formats: "0.69 ms", "time: 6.5 ms", "in 3.2 ms",
# nagios perfdata "rtt_udp=0.31ms", junit time="0.000690".
TIME_PATTERNS = (
    (re.compile(r"\b\d+(?:\.\d+)? ?ms\b"), "<T>ms"),
    (re.compile(r'\btime="[0-9.]+"'), 'time="<T>"'),
    (re.compile(r'\btimestamp="[^"]*"'), 'timestamp="<T>"'),
    (re.compile(r'"started_at": ?"[^"]*"'), '"started_at":"<T>"'),
)
# Prometheus: the value of every time series.
PROM_TIME = re.compile(
    r"^((?:dnsprobe_run_duration_seconds|dnsprobe_probe_rtt_seconds)"
    r"(?:\{[^}]*\})?) \S+$", re.M)
JSON_TIME_KEYS = ("rtt_ms", "duration_ms", "started_at")
# The zone's name as the case probe spells it (any mix of cases).
ZONE_ANY_CASE = re.compile(re.escape(ZONE), re.I)


def ask_version(address, port):
    """The server's CH TXT version.bind answer, or None."""
    _, wire = lab.build_message("version.bind", lab.TYPE["TXT"])
    wire = wire[:-2] + struct.pack("!H", 3)  # class CH (RFC 1035 3.2.4)
    try:
        raw = lab.udp_exchange(address, port, wire, timeout=2.0)
    except OSError:
        return None
    if raw is None:
        return None
    for _, _, _, rtype, text in lab.Message(raw).records("answer"):
        if rtype == lab.TYPE["TXT"]:
            return "".join(re.findall(r'"([^"]*)"', text)) or None
    return None


def mask_json(value):
    if isinstance(value, dict):
        return {k: ("<T>" if k in JSON_TIME_KEYS and v is not None
                    and not (isinstance(v, (int, float)) and v < 0)
                    else mask_json(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [mask_json(v) for v in value]
    return value


def mask_case(match):
    name = match.group(0)
    return name if name == name.lower() else "<0x20>"


def mask_text(text, versions):
    for v in versions:
        text = text.replace(v, "<VERSION>")
    text = ZONE_ANY_CASE.sub(mask_case, text)
    for pat, rep in TIME_PATTERNS:
        text = pat.sub(rep, text)
    text = PROM_TIME.sub(r"\1 <T>", text)
    return text


def normalise(fmt, text):
    """What is compared: JSON as data, the rest with blanks collapsed."""
    if fmt == "json":
        return json.dumps(mask_json(json.loads(text)), indent=1,
                          sort_keys=True)
    if fmt == "jsonl":
        return "\n".join(json.dumps(mask_json(json.loads(line)),
                                    sort_keys=True)
                         for line in text.splitlines() if line.strip())
    if fmt in ("text", "nagios"):
        return " ".join(text.split())
    return "\n".join(line.rstrip() for line in text.splitlines())


# BIND answers at most three CHAOS queries a second per client (built in):
# runs against one server keep this far apart, so its identity probes are
# answered every time.
SAME_SERVER_GAP = 1.2


class Test_golden(unittest.TestCase):
    servers = {}
    versions = []
    last_run = {}

    @classmethod
    def setUpClass(cls):
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            with socket.socket(socket.AF_INET, kind) as s:
                s.bind(CLOSED)  # precondition: nothing listens there
        specs = [("upstream",) + UPSTREAM]
        for name, (addr, port) in LAYOUT.items():
            up = "upstream" if lab.INSTANCES[name].upstream else None
            specs.append((name, addr, port, up))
        cls.servers = lab.start_many(specs)
        found = set()
        for name, (addr, port) in LAYOUT.items():
            v = ask_version(addr, port)
            if v:
                found.add(v)
        # longest first, so a version that contains another is masked whole
        cls.versions = sorted(found, key=len, reverse=True)

    @classmethod
    def tearDownClass(cls):
        for srv in cls.servers.values():
            srv.stop()

    def run_case(self, name, fmt):
        addr, port = LAYOUT.get(name, CLOSED)
        target = ("[%s]:%d" if ":" in addr else "%s:%d") % (addr, port)
        args = [target, "--zone", ZONE, "--recursion-name", RECURSION_NAME,
                "--timeout", "1500", "--format", fmt]
        args += list(EXTRA_ARGS.get(name, ()))
        wait = self.last_run.get(name, 0) + SAME_SERVER_GAP - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        r = lab.run_dnsprobe(args, timeout=60)
        self.last_run[name] = time.monotonic()
        self.assertIn(r.code, (0, 1, 2), "%s/%s: exit %d, stderr %s"
                      % (name, fmt, r.code, r.stderr))
        stdout = r.stdout.replace(target, "<TARGET>")
        got = normalise(fmt, mask_text(stdout, self.versions))
        path = os.path.join(GOLDEN_DIR, "%s.%s" % (name, fmt))
        if UPDATE:
            # JSON is kept as it is compared (masked, keys sorted), so a
            # diff of the golden files shows only what changed; the text
            # formats as printed, for their layout.
            os.makedirs(GOLDEN_DIR, exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                if fmt in ("json", "jsonl"):
                    f.write(got + "\n")
                else:
                    f.write(mask_text(stdout, self.versions))
            return
        with open(path, encoding="utf-8") as f:
            want = normalise(fmt, f.read())
        self.maxDiff = None
        self.assertEqual(want, got, "%s/%s differs from %s" % (name, fmt,
                                                               path))

    def test_cases(self):
        # one format of every case in turn, so that runs against one server
        # are spread out
        for k in range(len(FORMATS)):
            for name, fmts in CASES.items():
                if k < len(fmts):
                    with self.subTest(case=name, format=fmts[k]):
                        self.run_case(name, fmts[k])


if __name__ == "__main__":
    unittest.main(verbosity=2)
