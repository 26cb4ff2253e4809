#!/usr/bin/env python3
"""Root causes on real servers: every scenario the diagnosis must read as a
whole, each shown on a real nameserver of tests/lab configured to fail that
way.

For each scenario the test starts its servers fresh, runs

    $DNSPROBE ADDR:PORT --zone Z --recursion-name N --timeout 1000
              --format json        (then the same with the text report)

and checks the first root cause of the diagnosis, its severity, the
target's status and the exit code, that every probe a root cause names
points back to it, and that the text report of a server with a single root
cause (one of warning or worse) spends at most 15 lines on its diagnosis.
What each server does was checked by hand with dig and is in
tests/lab/OBSERVED.md ("Diagnosis lab").

The firewall scenarios (the TCP port dropped, every packet dropped, UDP
replies over 512 bytes dropped) need nft rules on a loopback of their own:
the test runs itself again inside a private network namespace (unshare -n;
unshare -rn when not root), where loopback is the only interface and
nothing can leave the machine, and reads the reports back as JSON. Where
no namespace can be made, those scenarios are skipped and say why.

Every address is loopback (127.0.0.101-119, and 127.0.0.1 below the
ephemeral port range for BIND); servers are stopped by PID.
"""
import json
import os
import shutil
import subprocess
import sys
import unittest

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import hostile  # noqa: E402
import lab  # noqa: E402

TIMEOUT_MS = 1000
MAX_DIAGNOSIS_LINES = 15
SEVERITY_RANK = {"ok": 0, "info": 1, "warning": 2, "critical": 3}
EXIT_OF_STATUS = {"ok": 0, "warning": 1, "critical": 2}
UPSTREAM = ("127.0.0.119", 53219)
BLACK_HOLE = ("127.0.0.118", 53218)  # the hostile "silent" responder

# name: servers to start ((instance, address, port, upstream)), the
# target, zone and recursion name, and what the diagnosis must say first:
# (root cause, its severity, the target's status). "netns" scenarios run in
# a private network namespace with the nft rules given (ADDR/PORT filled).
SCENARIOS = {
    # Unbound access-control deny: UDP silent, TCP closed without a reply.
    "unbound-deny": {
        "start": [("upstream",) + UPSTREAM + (None,),
                  ("unbound-deny", "127.0.0.101", 53200, UPSTREAM)],
        "target": ("127.0.0.101", 53200), "zone": "example.test",
        "first": ("client-dropped", "critical", "critical")},
    # PowerDNS Recursor allow-from without this client: TCP reset.
    "pdns-recursor-deny": {
        "start": [("upstream",) + UPSTREAM + (None,),
                  ("pdns-recursor-deny", "127.0.0.102", 53200, UPSTREAM)],
        "target": ("127.0.0.102", 53200), "zone": "example.test",
        "first": ("client-dropped", "critical", "critical")},
    # BIND blackhole { 127.0.0.1; }.
    "bind-blackhole": {
        "start": [("bind-blackhole", "127.0.0.1", 23120, None)],
        "target": ("127.0.0.1", 23120), "zone": "example.test",
        "first": ("client-dropped", "critical", "critical")},
    # BIND allow-query { none; }: the SOA refused, NOTIFY answered with AA.
    "bind-noquery": {
        "start": [("bind-noquery", "127.0.0.1", 23121, None)],
        "target": ("127.0.0.1", 23121), "zone": "example.test",
        "first": ("query-refused", "critical", "critical")},
    # A BIND secondary whose copy of the zone expired: SERVFAIL.
    "bind-expired": {
        "start": [("bind-expired", "127.0.0.1", 23122, None)],
        "target": ("127.0.0.1", 23122), "zone": "example.test",
        "first": ("zone-broken", "critical", "critical")},
    # Unbound forwarding to a black hole: the recursive query outlives the
    # timeout, and so does the second one; everything else answers.
    "unbound-blackhole": {
        "black_hole": True,
        "start": [("unbound-blackhole", "127.0.0.103", 53200, BLACK_HOLE)],
        "target": ("127.0.0.103", 53200), "zone": "example.test",
        "first": ("upstream", "critical", "critical")},
    # Nothing drops but the firewall: NSD with its TCP port dropped.
    "tcp-dropped": {
        "netns": ["ip daddr ADDR tcp dport PORT drop"],
        "start": [("nsd", "127.0.0.104", 53200, None)],
        "target": ("127.0.0.104", 53200), "zone": "example.test",
        "first": ("tcp-blocked", "warning", "warning")},
    # Every packet to the server dropped, TCP connects included.
    "all-dropped": {
        "netns": ["ip daddr ADDR udp dport PORT drop",
                  "ip daddr ADDR tcp dport PORT drop"],
        "start": [("nsd", "127.0.0.105", 53200, None)],
        "target": ("127.0.0.105", 53200), "zone": "example.test",
        "first": ("unreachable", "critical", "critical")},
    # UDP replies over 512 bytes dropped (a firewall's old DNS limit): the
    # truncated DNSKEY answer passes, the full one does not.
    "large-dropped": {
        "netns": ["ip saddr ADDR udp sport PORT meta length gt 540 drop"],
        "start": [("nsd-big", "127.0.0.106", 53200, None)],
        "target": ("127.0.0.106", 53200), "zone": "big.test",
        "first": ("fragmentation", "warning", "warning")},
}


def dnsprobe_args(spec, fmt):
    addr, port = spec["target"]
    return ["%s:%d" % (addr, port), "--zone", spec["zone"],
            "--recursion-name", "www.other.test", "--timeout",
            str(TIMEOUT_MS), "--format", fmt, "--color", "never"]


def run_scenario(name):
    """Start the scenario's servers (and firewall rules when it has them:
    only inside a namespace of its own), run dnsprobe with the JSON and the
    text report, stop everything. Returns {code, report, text, stderr}."""
    spec = SCENARIOS[name]
    servers = []
    silent = None
    try:
        if spec.get("black_hole"):
            silent = subprocess.Popen(
                [sys.executable, hostile.__file__, "--addr", BLACK_HOLE[0],
                 "--port", str(BLACK_HOLE[1]), "--scenario", "silent",
                 "--lifetime", "120", "--watch-stdin"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            if silent.stdout.readline().strip() != b"ready":
                raise RuntimeError("the black hole did not start")
        for inst, addr, port, up in spec["start"]:
            servers.append(lab.start(inst, addr, port, upstream=up))
        addr, port = spec["target"]
        for rule in spec.get("netns", []):
            nft(rule.replace("ADDR", addr).replace("PORT", str(port)))
        r = lab.run_dnsprobe(dnsprobe_args(spec, "json"), timeout=60)
        text = subprocess.run(
            [lab.dnsprobe_path()] + dnsprobe_args(spec, "text"),
            capture_output=True, text=True, timeout=60)
        return {"code": r.code, "report": r.report, "stderr": r.stderr,
                "text": text.stdout, "text_code": text.returncode}
    finally:
        for srv in reversed(servers):
            srv.stop()
        if silent is not None:
            silent.stdin.close()
            silent.terminate()
            silent.wait(timeout=10)


_nft_ready = False


def nft(rule):
    """Add one rule to an input chain of this namespace's own table: a
    packet dropped on input is lost as on the way, while one dropped on
    output would fail the sender's send with EPERM."""
    global _nft_ready
    if not _nft_ready:
        for cmd in (["add", "table", "inet", "dnsprobe"],
                    ["add", "chain", "inet", "dnsprobe", "in",
                     "{ type filter hook input priority 0; }"]):
            subprocess.run(["nft"] + cmd, check=True, timeout=10)
        _nft_ready = True
    subprocess.run(["nft", "add", "rule", "inet", "dnsprobe", "in"] +
                   rule.split(), check=True, timeout=10)


def in_namespace(name):
    """Run scenario name in a fresh private network namespace (this file
    with --netns NAME). Returns (result, None) or (None, why skipped)."""
    if shutil.which("unshare") is None or shutil.which("nft") is None:
        return None, "unshare or nft is not installed (scripts/bootstrap)"
    unshare = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]
    probe = subprocess.run(unshare + ["true"], capture_output=True,
                           timeout=30)
    if probe.returncode != 0:
        return None, ("no private network namespace here (%s): %s"
                      % (" ".join(unshare),
                         probe.stderr.decode(errors="replace").strip()))
    script = "ip link set lo up && exec %s %s --netns %s" % (
        sys.executable, os.path.abspath(__file__), name)
    done = subprocess.run(unshare + ["sh", "-c", script],
                          capture_output=True, text=True, timeout=180,
                          env=dict(os.environ))
    if done.returncode != 0:
        raise RuntimeError("scenario %s in a namespace failed (exit %d):\n%s"
                           % (name, done.returncode, done.stderr[-3000:]))
    return json.loads(done.stdout), None


def diagnosis_lines(text):
    """The lines of the text report's Diagnosis section, up to the probe
    table."""
    lines = text.splitlines()
    if "Diagnosis:" not in lines:
        return []
    start = lines.index("Diagnosis:") + 1
    out = []
    for line in lines[start:]:
        if line.startswith("  probe ") or not line.strip():
            break
        out.append(line)
    return out


class Scenario:
    """Mixin: one SCENARIOS entry, run once for the class."""

    NAME = None

    @classmethod
    def setUpClass(cls):
        cls.spec = SCENARIOS[cls.NAME]
        cls.skip_why = None
        if "netns" in cls.spec:
            cls.result, cls.skip_why = in_namespace(cls.NAME)
        else:
            cls.result = run_scenario(cls.NAME)

    def setUp(self):
        if self.skip_why is not None:
            self.skipTest("%s: %s" % (self.NAME, self.skip_why))

    def target(self):
        rep = self.result["report"]
        self.assertIsNotNone(rep, "%s: no JSON report (exit %d): %s" % (
            self.NAME, self.result["code"], self.result["stderr"]))
        return rep["targets"][0]

    def test_first_root_cause(self):
        t = self.target()
        cause, severity, status = self.spec["first"]
        diag = t["diagnosis"]
        self.assertTrue(diag, "%s: no diagnosis" % self.NAME)
        self.assertEqual((diag[0]["cause"], diag[0]["severity"]),
                         (cause, severity), "%s: %r" % (self.NAME, diag[0]))
        self.assertEqual(t["status"], status, self.NAME)
        self.assertEqual(self.result["code"], EXIT_OF_STATUS[status],
                         "%s: exit (stderr %s)" % (self.NAME,
                                                   self.result["stderr"]))

    def test_probes_point_to_their_cause(self):
        t = self.target()
        probes = {p["id"]: p for p in t["probes"]}
        for r in t["diagnosis"]:
            for pid in r["probes"]:
                self.assertEqual(probes[pid]["cause"], r["cause"],
                                 "%s: %s of %s" % (self.NAME, pid, r["cause"]))
            worst = max(SEVERITY_RANK[probes[p]["severity"]]
                        for p in r["probes"])
            self.assertEqual(SEVERITY_RANK[r["severity"]], worst,
                             "%s: %s" % (self.NAME, r["cause"]))

    def test_never_blames_other_probes(self):
        """Silence is never explained by other probes' answers when there
        were none."""
        t = self.target()
        if any(p["answer"] is not None for p in t["probes"]):
            return
        for p in t["probes"]:
            self.assertNotIn("other probes", (p["explanation"] or ""),
                             "%s/%s" % (self.NAME, p["id"]))

    def test_text_leads_with_the_diagnosis(self):
        text = self.result["text"]
        lines = diagnosis_lines(text)
        cause = self.spec["first"][0]
        self.assertTrue(lines and lines[0].lstrip().startswith("1. [")
                        and ("(%s)" % cause) in " ".join(lines[:2]),
                        "%s: diagnosis does not lead:\n%s" % (self.NAME, text))
        self.assertLess(text.index("Diagnosis:"), text.index("  probe "),
                        self.NAME)
        serious = [r for r in self.target()["diagnosis"]
                   if SEVERITY_RANK[r["severity"]] >= 2]
        if len(serious) == 1:
            self.assertLessEqual(len(lines), MAX_DIAGNOSIS_LINES,
                                 "%s: %d lines:\n%s" % (
                                     self.NAME, len(lines), "\n".join(lines)))


for _name in SCENARIOS:
    globals()["Test_" + _name.replace("-", "_")] = type(
        "Test_" + _name.replace("-", "_"), (Scenario, unittest.TestCase),
        {"NAME": _name})


def tearDownModule():
    lab.stop_all()


def _netns_main(name):
    """Inside the namespace: run the scenario, print its result as JSON."""
    result = run_scenario(name)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    lab.stop_all()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--netns":
        sys.exit(_netns_main(sys.argv[2]))
    unittest.main(verbosity=2)
