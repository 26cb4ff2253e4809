#!/usr/bin/env python3
"""dnsprobe's follow-up probes and causes against servers built to
show each cause:

- unbound-dnssec: a validating Unbound whose only trust anchor is the lab
  zone signed.test, served by signed-auth (NSD) with expired RRSIGs:
  SERVFAIL with EDE 7, answered with CD=1 -> cause "dnssec";
- unbound-deadfwd: an Unbound forwarding to a loopback port where nothing
  listens: SERVFAIL with and without CD=1 -> cause "upstream";
- nsd-lame: NSD asked for lame.test, a zone delegated to it that it does
  not serve (lame-peer does): REFUSED with EDE 20 -> cause "lame";
- nothing listening -> "port-closed"; a socket this test binds that reads
  and drops everything (UDP, and TCP after accepting) -> "client-dropped",
  in about one timeout.

Each class starts its own instances fresh (a resolver's cache changes its
EDE: a second query for the same bogus name gets EDE 6 instead of 7), runs

    $DNSPROBE ADDR:PORT --zone Z --recursion-name N --format json
              --timeout 1500

once, and asserts on the JSON the follow-up contract: every probe object
has "followups" (a list, empty when none; each {id, query, outcome,
rtt_ms, answer, shows}) and "cause" (one of CAUSES, or null). What each
server answers is in tests/lab/OBSERVED.md ("Follow-ups"); the expectations
below are written from it and from the contract by hand, never computed
from dnsprobe's output. Every address is loopback (127.0.0.41-49); servers
are stopped by PID (tests/support/lab.py), also when an assertion fails.
"""
import os
import select
import socket
import sys
import threading
import time
import unittest

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import lab  # noqa: E402

TIMEOUT_MS = 1500

LAYOUT = {
    "signed-auth": ("127.0.0.41", 53140),
    "unbound-dnssec": ("127.0.0.42", 53140),
    "unbound-deadfwd": ("127.0.0.43", 53140),
    "nsd-lame": ("127.0.0.44", 53140),
    "lame-peer": ("127.0.0.45", 53140),
}
SILENT = ("127.0.0.47", 53147)  # bound here: reads and drops, never answers
CLOSED = ("127.0.0.48", 53148)  # nothing may listen here
# unbound-deadfwd's forwarder: nothing may listen there either.
DEAD_FORWARD = lab.DEAD_FORWARD

FOLLOWUP_IDS = ("cd", "tcp", "noedns", "bufsize4096", "same-question",
                "other-case")
CAUSES = lab.CAUSES + (None,)
# bind-rrl: BIND with response rate limiting, 5 identical answers a second;
# BIND binds only 127.0.0.1, below the ephemeral port range (lab.py).
RRL = ("127.0.0.1", 23104)
SILENT_LIMIT = 120.0  # seconds the silent socket lives at most


def probe(verdict=None, cause=None, severity=None, outcome=None,
          rcode=None, ede=None, flags=None, followups=None):
    """What one probe must show. None leaves a field unchecked, except
    cause, which is always checked (None: the probe names no cause).
    flags: {flag: present?} on the answer; ede: the sorted EDE codes of the
    answer; followups: {id: followup(...)} that must be there."""
    return {"verdict": verdict, "cause": cause, "severity": severity,
            "outcome": outcome, "rcode": rcode, "ede": ede,
            "flags": flags or {}, "followups": followups or {}}


def followup(rcode, query_flags=(), min_answers=0, ede=None):
    """A follow-up that must be there, answered with rcode; query_flags
    must be set in its query; the answer holds at least min_answers
    records in its answer section."""
    return {"rcode": rcode, "query_flags": tuple(query_flags),
            "min_answers": min_answers, "ede": ede}


# Per case: the instances to start fresh (each with the instance it takes
# as its upstream, or None), the target (an instance name or an address),
# --zone and --recursion-name, the exit status (None: unchecked), the
# target's duration in ms as (min, max) or None, and per probe what the
# contract and OBSERVED.md say.
CASES = {
    "dnssec": {
        "start": (("signed-auth", None), ("unbound-dnssec", "signed-auth")),
        "target": "unbound-dnssec",
        "zone": "signed.test", "name": "www.signed.test",
        "exit": None, "duration_ms": None,
        "probes": {
            # Fresh cache: SERVFAIL with RA and EDE 7 (Signature Expired);
            # CD=1 gets the A record (OBSERVED.md: unbound-dnssec).
            "recursion": probe(
                verdict="failing", cause="dnssec", outcome="answer",
                rcode="SERVFAIL", ede=[7], flags={"ra": True},
                followups={"cd": followup("NOERROR", query_flags=("cd",),
                                          min_answers=1, ede=[])}),
        },
    },
    "upstream": {
        "start": (("unbound-deadfwd", None),),
        "target": "unbound-deadfwd",
        "zone": "example.test", "name": "www.other.test",
        "exit": None, "duration_ms": None,
        "probes": {
            # SERVFAIL with and without CD=1; Unbound 1.17 sends no EDE.
            "recursion": probe(
                verdict="failing", cause="upstream", outcome="answer",
                rcode="SERVFAIL", ede=[], flags={"ra": True},
                followups={"cd": followup("SERVFAIL", query_flags=("cd",))}),
        },
    },
    "lame": {
        "start": (("nsd-lame", None),),
        "target": "nsd-lame",
        "zone": "lame.test", "name": "www.other.test",
        "exit": 2, "duration_ms": None,
        "probes": {
            # REFUSED on the zone's own SOA with EDE 20: a lame server.
            "udp": probe(verdict="refused", cause="lame",
                         severity="critical", outcome="answer",
                         rcode="REFUSED", ede=[20], flags={"aa": False}),
        },
    },
    # The control: the other server of lame.test serves it. Nothing is
    # ambiguous, so no follow-up and no cause.
    "lame-peer": {
        "start": (("lame-peer", None),),
        "target": "lame-peer",
        "zone": "lame.test", "name": "www.other.test",
        "exit": 0, "duration_ms": None,
        "probes": {
            "udp": probe(verdict="authoritative", cause=None,
                         severity="ok", outcome="answer", rcode="NOERROR",
                         flags={"aa": True}),
            "recursion": probe(verdict="not-offered", cause=None,
                               rcode="REFUSED", ede=[20]),
        },
    },
    "closed": {
        "start": (),
        "target": CLOSED,
        "zone": "example.test", "name": "www.other.test",
        "exit": 2, "duration_ms": None,
        "probes": {
            "udp": probe(verdict="no-answer", cause="port-closed",
                         outcome="port-unreachable"),
        },
    },
    "filtered": {
        "start": (),
        "target": SILENT,
        "zone": "example.test", "name": "www.other.test",
        "exit": 2,
        # About one timeout: every probe waits its timeout at once, and
        # what follows must not add a second one in series.
        "duration_ms": (0.9 * TIMEOUT_MS, 1.9 * TIMEOUT_MS),
        "probes": {
            # Silent over UDP, TCP accepted and never answered: the server
            # is there and drops this client.
            "udp": probe(verdict="no-answer", cause="client-dropped",
                         severity="critical", outcome="timeout"),
        },
    },
}


def assert_port_free(addr, port, what):
    """Precondition: UDP and TCP on addr:port can be bound, so nothing
    listens there. Raises if something does."""
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind((addr, port))
            except OSError as e:
                raise RuntimeError("%s: %s:%d is in use (%s)"
                                   % (what, addr, port, e)) from None


class SilentServer:
    """A UDP and a TCP socket on one loopback address and port that read
    and drop everything and never answer. Serves from a thread until
    stop() or SILENT_LIMIT seconds; at most 256 TCP connections."""

    def __init__(self, addr, port):
        lab.require_loopback(addr)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.udp.bind((addr, port))
            self.tcp.bind((addr, port))
            self.tcp.listen(16)
        except OSError:
            self.udp.close()
            self.tcp.close()
            raise
        self.conns = []
        self.datagrams = 0
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        deadline = time.monotonic() + SILENT_LIMIT
        while not self._stop.is_set() and time.monotonic() < deadline:
            socks = [self.udp, self.tcp] + self.conns
            try:
                ready, _, _ = select.select(socks, [], [], 0.1)
            except (OSError, ValueError):
                break
            for s in ready:
                try:
                    if s is self.udp:
                        s.recv(65535)
                        self.datagrams += 1
                    elif s is self.tcp:
                        conn, _ = s.accept()
                        self.accepted += 1
                        if len(self.conns) < 256:
                            self.conns.append(conn)
                        else:
                            conn.close()
                    elif not s.recv(65535):
                        self.conns.remove(s)
                        s.close()
                except OSError:
                    if s in self.conns:
                        self.conns.remove(s)
                        s.close()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=2.0)
        for s in [self.udp, self.tcp] + self.conns:
            s.close()
        self.conns = []


class FollowupCase:
    """Mixin: one dnsprobe run for one CASES entry, checked against it.
    Subclasses set CASE."""

    CASE = None

    @classmethod
    def setUpClass(cls):
        cls.spec = CASES[cls.CASE]
        cls.servers = {}
        cls.silent = None
        cls.reached = None
        try:
            cls.start_servers()
            target = cls.spec["target"]
            if isinstance(target, str):
                cls.given = cls.servers[target].target
            else:
                cls.given = "%s:%d" % target
            cls.case = "%s (%s)" % (cls.CASE, cls.given)
            args = [cls.given, "--zone", cls.spec["zone"],
                    "--recursion-name", cls.spec["name"], "--format", "json",
                    "--timeout", str(TIMEOUT_MS)]
            t0 = time.monotonic()
            cls.run_ = lab.run_dnsprobe(args, timeout=60)
            cls.wall = time.monotonic() - t0
            if cls.silent is not None:
                cls.reached = (cls.silent.datagrams, cls.silent.accepted)
        except BaseException:
            cls.stop_servers()
            raise

    @classmethod
    def start_servers(cls):
        if cls.spec["target"] == CLOSED:
            assert_port_free(*CLOSED, what="closed port")
        if cls.spec["target"] == SILENT:
            cls.silent = SilentServer(*SILENT)
        if any(n == "unbound-deadfwd" for n, _ in cls.spec["start"]):
            assert_port_free(*DEAD_FORWARD, what="dead forwarder")
        for name, up in cls.spec["start"]:
            upstream = None
            if up is not None:
                upstream = (cls.servers[up].address, cls.servers[up].port)
            cls.servers[name] = lab.start(name, *LAYOUT[name],
                                          upstream=upstream)

    @classmethod
    def stop_servers(cls):
        for srv in reversed(list(cls.servers.values())):
            srv.stop()
        cls.servers = {}
        if cls.silent is not None:
            cls.silent.stop()
            cls.silent = None

    @classmethod
    def tearDownClass(cls):
        cls.stop_servers()

    def report(self):
        r = self.run_
        self.assertIsNotNone(
            r.report, "%s: stdout is not JSON (exit %d)\nstderr: %s\n"
            "stdout: %s" % (self.case, r.code, r.stderr, r.stdout[:2000]))
        return r.report

    def probes(self):
        return self.report()["targets"][0]["probes"]

    def test_contract_shape(self):
        """Every probe carries "followups" (a list) and "cause" (from the
        contract's list or null); every follow-up has the contract's
        members."""
        for p in self.probes():
            case = "%s/%s" % (self.case, p["id"])
            with self.subTest(probe=p["id"]):
                self.assertIn("cause", p, "%s: cause member" % case)
                self.assertIn(p["cause"], CAUSES, "%s: cause" % case)
                self.assertIn("followups", p, "%s: followups member" % case)
                self.assertIsInstance(p["followups"], list,
                                      "%s: followups is a list" % case)
                for f in p["followups"]:
                    self.check_followup_shape(case, p, f)

    def check_followup_shape(self, case, p, f):
        fcase = "%s/followup %s" % (case, f.get("id"))
        self.assertIn(f.get("id"), FOLLOWUP_IDS, "%s: id" % fcase)
        for key in ("query", "outcome", "rtt_ms", "answer", "shows"):
            self.assertIn(key, f, "%s: member %s" % (fcase, key))
        self.assertEqual(set(f["query"]), set(p["query"]),
                         "%s: query members as the probe's" % fcase)
        self.assertIsInstance(f["outcome"], str, "%s: outcome" % fcase)
        if f["answer"] is not None:
            self.assertEqual(f["outcome"], "answer", "%s: outcome" % fcase)
            self.assertIsInstance(f["rtt_ms"], (int, float),
                                  "%s: rtt_ms" % fcase)
            if p["answer"] is not None:
                self.assertEqual(set(f["answer"]), set(p["answer"]),
                                 "%s: answer members as the probe's"
                                 % fcase)
        self.assertIsInstance(f["shows"], str, "%s: shows" % fcase)
        self.assertTrue(f["shows"].strip(), "%s: shows says something"
                        % fcase)
        self.assertEqual(f["shows"].count("\n"), 0,
                         "%s: shows is one sentence" % fcase)

    def test_probes(self):
        by_id = {p["id"]: p for p in self.probes()}
        for pid, exp in self.spec["probes"].items():
            case = "%s/%s" % (self.case, pid)
            with self.subTest(probe=pid):
                self.assertIn(pid, by_id, "%s: probe present" % case)
                self.check_probe(case, by_id[pid], exp)

    def check_probe(self, case, p, exp):
        summary = " (summary: %s)" % p.get("summary")
        for key in ("verdict", "severity", "outcome"):
            if exp[key] is not None:
                self.assertEqual(p[key], exp[key],
                                 "%s: %s%s" % (case, key, summary))
        self.assertEqual(p.get("cause"), exp["cause"],
                         "%s: cause%s" % (case, summary))
        ans = p["answer"]
        if exp["rcode"] is not None:
            self.assertIsNotNone(ans, "%s: an answer" % case)
            self.assertEqual(ans["rcode"], exp["rcode"], "%s: rcode" % case)
            for flag, present in exp["flags"].items():
                self.assertEqual(flag in ans["flags"], present,
                                 "%s: flag %s in %r" % (case, flag,
                                                        ans["flags"]))
            if exp["ede"] is not None:
                codes = sorted(e["code"] for e in ans.get("ede") or [])
                self.assertEqual(codes, exp["ede"], "%s: EDE codes" % case)
        elif exp["outcome"] not in (None, "answer"):
            self.assertIsNone(ans, "%s: no answer" % case)
        if exp["cause"] is None:
            self.assertEqual(p.get("followups"), [],
                             "%s: no follow-up where nothing is ambiguous"
                             % case)
        fus = p.get("followups") or []
        for fid, fexp in exp["followups"].items():
            fcase = "%s/followup %s" % (case, fid)
            found = [f for f in fus if f.get("id") == fid]
            self.assertEqual(len(found), 1, "%s: present once in %r"
                             % (fcase, [f.get("id") for f in fus]))
            self.check_followup(fcase, p, found[0], fexp)

    def check_followup(self, fcase, p, f, fexp):
        q, pq = f["query"], p["query"]
        for key in ("qname", "qtype", "qclass"):
            self.assertEqual(q.get(key), pq.get(key),
                             "%s: %s as the probe's" % (fcase, key))
        for flag in fexp["query_flags"]:
            self.assertIn(flag, q.get("flags") or [],
                          "%s: %s set in the query" % (fcase, flag))
            self.assertNotIn(flag, pq.get("flags") or [],
                             "%s: %s not set in the probe's own query"
                             % (fcase, flag))
        ans = f["answer"]
        self.assertIsNotNone(ans, "%s: answered (outcome %s)"
                             % (fcase, f.get("outcome")))
        self.assertEqual(ans["rcode"], fexp["rcode"], "%s: rcode" % fcase)
        self.assertGreaterEqual(ans.get("ancount", 0), fexp["min_answers"],
                                "%s: answer records" % fcase)
        if fexp["ede"] is not None:
            codes = sorted(e["code"] for e in ans.get("ede") or [])
            self.assertEqual(codes, fexp["ede"], "%s: EDE codes" % fcase)

    def test_exit_status(self):
        self.report()
        code = self.spec["exit"]
        if code is None:
            self.assertIn(self.run_.code, (0, 1, 2), "%s: exit status "
                          "(stderr: %s)" % (self.case, self.run_.stderr))
        else:
            self.assertEqual(self.run_.code, code, "%s: exit status "
                             "(stderr: %s)" % (self.case, self.run_.stderr))

    def test_stderr_clean(self):
        self.assertEqual(self.run_.stderr, "", "%s: stderr" % self.case)

    def test_duration(self):
        bounds = self.spec["duration_ms"]
        if bounds is None:
            self.skipTest("%s: no time bound in this case" % self.case)
        if self.reached is not None:
            # Precondition: the probes reached the silent socket.
            self.assertGreater(self.reached[0], 0, "%s: datagrams read"
                               % self.case)
            self.assertGreater(self.reached[1], 0, "%s: connections "
                               "accepted" % self.case)
        t = self.report()["targets"][0]
        low, high = bounds
        self.assertGreaterEqual(t["duration_ms"], low,
                                "%s: waited for the timeout" % self.case)
        if os.environ.get("DNSPROBE_VALGRIND") == "1":
            return  # valgrind's slowdown is no measure of dnsprobe
        self.assertLess(t["duration_ms"], high,
                        "%s: about one timeout, not two in series"
                        % self.case)
        self.assertLess(self.wall, high / 1000.0 + 1.0,
                        "%s: the whole run took %.2f s" % (self.case,
                                                           self.wall))


def run_on_rrl(*extra):
    """Start bind-rrl fresh (its RRL state is per run), run dnsprobe's
    battery against it with extra arguments, stop it."""
    srv = lab.start("bind-rrl", *RRL)
    try:
        return lab.run_dnsprobe(
            ["%s:%d" % RRL, "--zone", "example.test", "--recursion-name",
             "www.other.test", "--format", "json", "--timeout",
             str(TIMEOUT_MS)] + list(extra), timeout=120)
    finally:
        srv.stop()


class Test_rate_limited(unittest.TestCase):
    """bind-rrl limits identical answers to 5 a second (slip 2): a battery
    asks for the zone's SOA about ten times within milliseconds, so the
    later EDNS tests are dropped or slipped (TC=1, no answer). That is rate
    limiting, not EDNS dropped on the path, and not the server's fault."""

    @classmethod
    def setUpClass(cls):
        cls.run_ = run_on_rrl()

    def target(self):
        r = self.run_
        self.assertIsNotNone(r.report, "stdout is not JSON: %s" % r.stderr)
        return r.report["targets"][0]

    @staticmethod
    def limited(p):
        """No real answer to an SOA question over UDP: none at all, or a
        slip (TC=1, no answer records)."""
        q, a = p["query"], p.get("answer")
        if q["qtype"] != "SOA" or p["transport"] != "udp" or \
                p["id"] in ("udp", "plain"):
            return False
        return p["outcome"] == "timeout" or (
            a is not None and "tc" in a["flags"] and a["ancount"] == 0)

    def test_not_edns_dropped(self):
        for p in self.target()["probes"]:
            with self.subTest(probe=p["id"]):
                self.assertNotEqual(p["cause"], "edns-dropped")
                self.assertIn(p["cause"], CAUSES)

    def test_limited_probes_say_so(self):
        for p in self.target()["probes"]:
            if not self.limited(p):
                continue
            with self.subTest(probe=p["id"]):
                self.assertEqual(p["cause"], "rate-limited")
                self.assertEqual(p["severity"], "info")
                self.assertEqual(p["finding"], "rate-limited")
                ids = [f["id"] for f in p["followups"]]
                self.assertIn("same-question", ids)
                f = p["followups"][ids.index("same-question")]
                self.assertEqual(f["answer"]["rcode"], "NOERROR")
                self.assertGreaterEqual(f["answer"]["ancount"], 1)

    def test_rate_limiting_showed(self):
        """Precondition of the two tests above: RRL did limit something
        (at native speed the chain takes milliseconds; under valgrind it
        may spread over more than a second and stay under the limit)."""
        if os.environ.get("DNSPROBE_VALGRIND") == "1":
            self.skipTest("valgrind slows the chain below the limit")
        self.assertTrue(any(self.limited(p)
                            for p in self.target()["probes"]),
                        "no probe was rate-limited")

    def test_status_ok(self):
        """Rate limiting is nobody's fault: bind-rrl is as healthy as
        bind-strict."""
        self.assertEqual(self.target()["status"], "ok")
        self.assertEqual(self.run_.code, 0, self.run_.stderr)


class Test_rate_limited_spaced(unittest.TestCase):
    """The same bind-rrl with --spacing 250: four queries a second stay
    under its limit of five identical answers, and every probe is tested."""

    @classmethod
    def setUpClass(cls):
        cls.run_ = run_on_rrl("--spacing", "250")

    def test_nothing_limited(self):
        r = self.run_
        self.assertIsNotNone(r.report, "stdout is not JSON: %s" % r.stderr)
        t = r.report["targets"][0]
        for p in t["probes"]:
            with self.subTest(probe=p["id"]):
                self.assertFalse(Test_rate_limited.limited(p))
                self.assertNotIn(p["cause"], ("rate-limited", "edns-dropped",
                                              "requests-dropped"))
        self.assertNotIn("timeout", t["compliance"])
        self.assertEqual(t["status"], "ok")


def _class_for(case):
    name = "Test_" + case.replace("-", "_")
    return type(name, (FollowupCase, unittest.TestCase), {"CASE": case})


for _case in CASES:
    globals()["Test_" + _case.replace("-", "_")] = _class_for(_case)


def tearDownModule():
    lab.stop_all()


if __name__ == "__main__":
    unittest.main(verbosity=2)
