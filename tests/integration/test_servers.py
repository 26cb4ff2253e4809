#!/usr/bin/env python3
"""dnsprobe against real nameservers: BIND (strict; open), NSD, Knot,
Unbound (refusing; serving), PowerDNS Authoritative and Recursor, dnsmasq.

Every instance of tests/lab/ starts once for the whole module, in parallel,
on its own loopback address and port (BIND on 127.0.0.1:231xx, the others on
127.0.0.11-39 port 53100); the resolvers reach only the lab's upstream
authoritative server on 127.0.0.20:53100. Each class runs the real binary
once against one instance:

    $DNSPROBE ADDR:PORT --zone example.test --recursion-name www.other.test
              --format json --timeout 1500

and asserts, per probe, the outcome, the answer's RCODE, the verdict and the
severity, then the target's role and the exit status. The expectations come
from tests/lab/OBSERVED.md: what each server really answers, judged by the
verdict rules of the man page (VERDICTS). They are written out by hand
here; they are never computed from dnsprobe's own output.

Servers are stopped by PID in the module cleanup, at exit and on
SIGINT/SIGTERM (tests/support/lab.py), also when an assertion fails.
"""
import os
import socket
import sys
import threading
import unittest

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import lab  # noqa: E402

ZONE = "example.test"
RECURSION_NAME = "www.other.test"
TIMEOUT_MS = "1500"

UPSTREAM = ("127.0.0.20", 53100)
LAYOUT = {
    "bind-strict": ("127.0.0.1", 23101),
    "bind-open": ("127.0.0.1", 23102),
    "nsd": ("127.0.0.11", 53100),
    "knot": ("127.0.0.12", 53100),
    "unbound-refuse": ("127.0.0.13", 53100),
    "unbound-serve": ("127.0.0.14", 53100),
    "pdns-auth": ("127.0.0.15", 53100),
    "pdns-recursor": ("127.0.0.16", 53100),
    "dnsmasq": ("127.0.0.17", 53100),
}
CLOSED = ("127.0.0.39", 53199)  # nothing may listen here

PROBES = ("udp", "tcp", "recursion", "axfr", "ixfr", "update", "notify",
          "opcode")
# RFC 8906 section 8 (the EDNS compliance tests): every instance is
# compliant but for the exceptions below, each checked by hand with dig.
COMPLIANCE = ("plain", "edns", "edns1", "ednsopt", "ednsflags", "zflag",
              "type1000", "do", "bufsize512")
COMPLIANCE_EXCEPT = {
    # Unbound's access-control refuses with a bare header, no OPT: that is
    # the access list speaking, not its EDNS, so nothing could be tested.
    "unbound-refuse": {p: ("refused", "ok") for p in COMPLIANCE},
    # RD=0 for a zone it does not serve: a bare REFUSED without OPT, which
    # tests nothing.
    "unbound-serve": {"plain": ("refused", "ok")},
    # With dnssec=off PowerDNS Recursor 4.8 drops DO from its replies
    # (dig +dnssec shows "flags:;"): RFC 3225 section 3 says copy it.
    "pdns-recursor": {"do": ("non-compliant", "warning"),
                      "bufsize512": ("non-compliant", "warning")},
}
IDENTITY = ("nsid", "cookie", "version", "hostname", "idserver")
DNSSEC = ("dnskey", "nsec3param")
# Case preservation: tests/integration/test_case.py checks its verdicts.
CASE = ("case",)
# Identity: the software each instance is, and how dnsprobe can tell.
# Every Debian default answers version.bind with its version, except that
# Unbound's access-control refuses this client everything, and is named
# from that bare-header behaviour instead.
SOFTWARE = {
    "bind-strict": ("bind", "9.18"), "bind-open": ("bind", "9.18"),
    "nsd": ("nsd", "NSD 4.6"), "knot": ("knot", "Knot DNS 3.2"),
    "unbound-refuse": ("unbound", None), "unbound-serve": ("unbound",
                                                           "unbound 1.17"),
    "pdns-auth": ("pdns-auth", "PowerDNS Authoritative Server 4.7"),
    "pdns-recursor": ("pdns-recursor", "PowerDNS Recursor 4.8"),
    "dnsmasq": ("dnsmasq", "dnsmasq-2.90"),
}
# The first root cause of each instance's diagnosis, and its severity.
FIRST_CAUSE = {
    "bind-strict": ("identity-disclosed", "info"),
    "bind-open": ("update-accepted", "critical"),
    "nsd": ("identity-disclosed", "info"),
    "knot": ("identity-disclosed", "info"),
    "unbound-refuse": ("client-refused", "critical"),
    "unbound-serve": ("identity-disclosed", "info"),
    "pdns-auth": ("open-transfer", "warning"),
    "pdns-recursor": ("edns-noncompliant", "warning"),
    "dnsmasq": ("open-resolver", "warning"),
}
SEVERITY_RANK = {"ok": 0, "info": 1, "warning": 2, "critical": 3}
TRANSPORT = {"udp": "udp", "tcp": "tcp", "recursion": "udp", "axfr": "tcp",
             "ixfr": "tcp"}
STATUS_OF_EXIT = {0: "ok", 1: "warning", 2: "critical"}

# Severity the rules leave open ("others ok or info").
OK_INFO = ("ok", "info")
# No reply at all: outcome, no answer.
SILENT = ("timeout", None, "no-answer", OK_INFO)


def answer(rcode, verdict, severity, **facts):
    """An expected probe result with a reply: (outcome, rcode, verdict,
    severity, facts). facts: qdcount, aa, ra (flags of the reply), ede
    (codes, checked only when the query carried EDNS)."""
    return ("answer", rcode, verdict, severity, facts)


def silent():
    return SILENT + ({},)


def silent_failure(severity):
    """No reply where RFC 8906 requires one (an unknown opcode)."""
    return ("timeout", None, "no-answer", severity, {})


# Per instance: role, exit status and, per probe, what OBSERVED.md says the
# server answers and what the verdict rules make of it.
EXPECT = {
    "bind-strict": ("authoritative", 0, {
        "udp": answer("NOERROR", "authoritative", "ok", aa=True, qdcount=1),
        "tcp": answer("NOERROR", "authoritative", "ok", aa=True, qdcount=1),
        # REFUSED without RA from a server that answered Z's SOA with AA.
        "recursion": answer("REFUSED", "not-offered", "ok", ra=False),
        "axfr": answer("REFUSED", "denied", "ok", ede=[18]),
        "ixfr": answer("REFUSED", "denied", "ok", ede=[18]),
        "update": answer("REFUSED", "denied", "ok"),
        # BIND answers NOTIFY NOERROR for a zone it is primary for.
        "notify": answer("NOERROR", "accepted", OK_INFO),
        # NOTIMP with QDCOUNT=0: must be classified, not timed out.
        "opcode": answer("NOTIMP", "compliant", "ok", qdcount=0),
    }),
    "bind-open": ("authoritative+resolver", 2, {
        "udp": answer("NOERROR", "authoritative", "ok", aa=True, ra=True),
        "tcp": answer("NOERROR", "authoritative", "ok", aa=True, ra=True),
        # Open recursion on an authoritative server (RFC 5358).
        "recursion": answer("NOERROR", "available", "warning", ra=True),
        "axfr": answer("NOERROR", "allowed", "warning"),
        "ixfr": answer("NOERROR", "allowed", "warning"),
        # Dynamic update accepted from this client.
        "update": answer("NOERROR", "allowed", "critical"),
        "notify": answer("NOERROR", "accepted", OK_INFO),
        "opcode": answer("NOTIMP", "compliant", "ok", qdcount=0),
    }),
    "nsd": ("authoritative", 0, {
        "udp": answer("NOERROR", "authoritative", "ok", aa=True),
        "tcp": answer("NOERROR", "authoritative", "ok", aa=True),
        "recursion": answer("REFUSED", "not-offered", "ok", ra=False,
                            ede=[20]),
        "axfr": answer("REFUSED", "denied", "ok", ede=[18]),
        "ixfr": answer("REFUSED", "denied", "ok", ede=[18]),
        # NSD has no dynamic update: NOTIMP, QDCOUNT=0.
        "update": answer("NOTIMP", "not-implemented", OK_INFO, qdcount=0),
        "notify": answer("REFUSED", "denied", "ok", qdcount=0),
        "opcode": answer("NOTIMP", "compliant", "ok", qdcount=0),
    }),
    "knot": ("authoritative", 0, {
        "udp": answer("NOERROR", "authoritative", "ok", aa=True),
        "tcp": answer("NOERROR", "authoritative", "ok", aa=True),
        "recursion": answer("REFUSED", "not-offered", "ok", ra=False,
                            ede=[20]),
        # Knot's ACL denials are NOTAUTH; udp is authoritative: denied.
        "axfr": answer("NOTAUTH", "denied", "ok"),
        "ixfr": answer("NOTAUTH", "denied", "ok"),
        "update": answer("NOTAUTH", "denied", "ok"),
        "notify": answer("NOTAUTH", "denied", "ok"),
        "opcode": answer("NOTIMP", "compliant", "ok", qdcount=1),
    }),
    "unbound-refuse": ("unknown", 2, {
        # Bare REFUSED headers (QDCOUNT=0) to everything: one root cause,
        # client-refused, carried by udp; the probes it explains are info.
        "udp": answer("REFUSED", "refused", "critical", qdcount=0),
        "tcp": answer("REFUSED", "refused", "info", qdcount=0),
        "recursion": answer("REFUSED", "refused", "info", qdcount=0),
        "axfr": answer("REFUSED", "denied", "ok"),
        "ixfr": answer("REFUSED", "denied", "ok"),
        "update": answer("REFUSED", "denied", "ok"),
        "notify": answer("REFUSED", "denied", "ok"),
        # Refused like everything else: nothing could be tested.
        "opcode": answer("REFUSED", "refused", OK_INFO),
    }),
    "unbound-serve": ("resolver", 0, {
        # RD=0 and not cached: Unbound refuses. In context (the server is a
        # resolver for this client) that is what a resolver does: ok, and
        # the healthy resolver exits 0.
        "udp": answer("REFUSED", "refused", "ok", ra=True),
        "tcp": answer("REFUSED", "refused", "ok", ra=True),
        "recursion": answer("NOERROR", "available", OK_INFO, ra=True),
        "axfr": answer("REFUSED", "denied", "ok"),
        # Unbound answers FORMERR to any query with an authority section.
        "ixfr": answer("FORMERR", "unexpected", OK_INFO),
        "update": answer("NOTIMP", "not-implemented", OK_INFO),
        "notify": answer("REFUSED", "denied", "ok"),
        "opcode": answer("NOTIMP", "compliant", "ok", qdcount=1),
    }),
    "pdns-auth": ("authoritative", 1, {
        "udp": answer("NOERROR", "authoritative", "ok", aa=True),
        "tcp": answer("NOERROR", "authoritative", "ok", aa=True),
        "recursion": answer("REFUSED", "not-offered", "ok", ra=False),
        # allow-axfr-ips defaults to loopback: open; the first message
        # holds the SOA alone.
        "axfr": answer("NOERROR", "allowed", "warning"),
        "ixfr": answer("NOERROR", "allowed", "warning"),
        "update": answer("REFUSED", "denied", "ok"),
        "notify": answer("REFUSED", "denied", "ok"),
        # PowerDNS stays silent on unknown opcodes: an RFC 8906 failure.
        "opcode": silent_failure("warning"),
    }),
    "pdns-recursor": ("resolver", 1, {
        "udp": answer("NOERROR", "answering", OK_INFO, aa=False, ra=True),
        "tcp": answer("NOERROR", "answering", OK_INFO, aa=False, ra=True),
        "recursion": answer("NOERROR", "available", OK_INFO, ra=True),
        "axfr": answer("SERVFAIL", "unexpected", OK_INFO),
        "ixfr": answer("SERVFAIL", "unexpected", OK_INFO),
        "update": silent(),
        "notify": silent(),
        "opcode": silent_failure("warning"),
    }),
    "dnsmasq": ("authoritative+resolver", 1, {
        # dnsmasq relays the upstream's AA bit.
        "udp": answer("NOERROR", "authoritative", "ok", aa=True, ra=True),
        "tcp": answer("NOERROR", "authoritative", "ok", aa=True, ra=True),
        "recursion": answer("NOERROR", "available", "warning", ra=True),
        "axfr": answer("REFUSED", "denied", "ok", ede=[18]),
        "ixfr": answer("REFUSED", "denied", "ok", ede=[18]),
        "update": silent(),
        "notify": silent(),
        "opcode": silent_failure("warning"),
    }),
}

# bind-strict without --zone: the root zone, which it does not serve.
NO_ZONE = ("unknown", 0, {
    # Zone findings without --zone are info with a hint, never "lame".
    "udp": answer("REFUSED", "refused", "info"),
    "tcp": answer("REFUSED", "refused", "info"),
    # Not authoritative for "." and no EDE 20: refused. The role is unknown
    # and BIND is as often authoritative as a resolver: info, not a warning.
    "recursion": answer("REFUSED", "refused", "info", ra=False),
    "axfr": answer("NOTAUTH", "not-authoritative", OK_INFO),
    "ixfr": answer("NOTAUTH", "not-authoritative", OK_INFO),
    "update": answer("NOTAUTH", "not-authoritative", OK_INFO),
    "notify": answer("NOTAUTH", "not-authoritative", OK_INFO),
    "opcode": answer("NOTIMP", "compliant", "ok", qdcount=0),
})

SERVERS = {}
START_ERRORS = {}


def setUpModule():
    unittest.addModuleCleanup(lab.stop_all)
    try:
        SERVERS["upstream"] = lab.start("upstream", *UPSTREAM)
    except Exception as e:  # every class reports it
        START_ERRORS["upstream"] = e
        return

    def start(name):
        addr, port = LAYOUT[name]
        up = UPSTREAM if lab.INSTANCES[name].upstream else None
        try:
            SERVERS[name] = lab.start(name, addr, port, upstream=up)
        except Exception as e:  # reported by the instance's class
            START_ERRORS[name] = e

    threads = [threading.Thread(target=start, args=(n,)) for n in LAYOUT]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def probe_args(target, zone=ZONE):
    args = [target]
    if zone is not None:
        args += ["--zone", zone]
    return args + ["--recursion-name", RECURSION_NAME, "--format", "json",
                   "--timeout", TIMEOUT_MS]


class Battery:
    """Mixin: one dnsprobe run against one lab instance, checked against
    an EXPECT entry. Subclasses set INSTANCE (and may override target/args
    and EXPECTED)."""

    INSTANCE = None
    EXPECTED = None
    FIRST = None  # (cause, severity) when not FIRST_CAUSE[INSTANCE]
    COMPLIANCE_EXTRA = {}  # exceptions of this run beyond the instance's

    @classmethod
    def target_text(cls, srv):
        """(TARGET as given to dnsprobe, the address it should report)."""
        return srv.target, srv.address

    @classmethod
    def zone(cls):
        return ZONE

    @classmethod
    def setUpClass(cls):
        for name in ("upstream", cls.INSTANCE):
            if name in START_ERRORS:
                raise RuntimeError("%s did not start: %s"
                                   % (name, START_ERRORS[name]))
        srv = SERVERS[cls.INSTANCE]
        cls.given, cls.address = cls.target_text(srv)
        cls.run_ = lab.run_dnsprobe(probe_args(cls.given, cls.zone()),
                                    timeout=60)
        cls.case = "%s (%s)" % (cls.INSTANCE, cls.given)
        if cls.EXPECTED is None:
            cls.EXPECTED = EXPECT[cls.INSTANCE]

    def report_ok(self):
        r = self.run_
        self.assertIsNotNone(
            r.report, "%s: stdout is not JSON (exit %d)\nstderr: %s\n"
            "stdout: %s" % (self.case, r.code, r.stderr, r.stdout[:2000]))
        return r.report

    def test_report_shape(self):
        rep = self.report_ok()
        self.assertEqual(rep.get("schema"), "dnsprobe/1",
                         "%s: schema" % self.case)
        self.assertEqual(len(rep["targets"]), 1, "%s: one target" % self.case)
        t = rep["targets"][0]
        self.assertEqual(t["target"], self.given, "%s: target as given"
                         % self.case)
        self.assertEqual(t["address"], self.address, "%s: address"
                         % self.case)
        self.assertEqual(t["port"], SERVERS[self.INSTANCE].port,
                         "%s: port" % self.case)
        zone = self.zone()
        self.assertEqual(t["zone"], (zone.rstrip(".") + ".") if zone else ".",
                         "%s: zone" % self.case)
        ids = [p["id"] for p in t["probes"]]
        for pid in PROBES:
            self.assertEqual(ids.count(pid), 1,
                             "%s: probe %s present once in %r"
                             % (self.case, pid, ids))

    def test_compliance(self):
        self.report_ok()
        name = self.INSTANCE
        for pid in COMPLIANCE:
            want = dict(COMPLIANCE_EXCEPT.get(name, {}),
                        **self.COMPLIANCE_EXTRA).get(pid, ("compliant", "ok"))
            with self.subTest(probe=pid):
                p = self.run_.probe(pid)
                self.assertIsNotNone(p, "%s/%s present" % (name, pid))
                self.assertEqual((p["verdict"], p["severity"]), want,
                                 "%s/%s: %s" % (name, pid, p["summary"]))
                if want[0] == "non-compliant":
                    self.assertRegex(p["detail"], r"RFC \d+",
                                     "%s/%s names what was wrong and the RFC"
                                     % (name, pid))

    def test_compliance_summary(self):
        """One line like the EDNS compliance tester's, from the verdicts."""
        self.report_ok()
        line = self.run_.report["targets"][0]["compliance"]
        words = dict(w.split("=") for w in line.split())
        self.assertEqual(sorted(words), sorted(COMPLIANCE + ("opcode",)),
                         "%s: %s" % (self.case, line))
        for pid in COMPLIANCE:
            verdict = self.run_.probe(pid)["verdict"]
            want = {"compliant": "ok", "non-compliant": "fail",
                    "legacy": "legacy", "no-answer": "timeout",
                    "refused": "refused"}[verdict]
            self.assertEqual(words[pid], want, "%s: %s" % (self.case, pid))

    def test_software(self):
        self.report_ok()
        name, version = SOFTWARE[self.INSTANCE]
        sw = self.run_.report["targets"][0]["software"]
        self.assertIsNotNone(sw, "%s: software identified" % self.case)
        self.assertEqual(sw["name"], name, "%s: %r" % (self.case, sw))
        self.assertTrue(sw["evidence"], "%s: evidence given" % self.case)
        v = self.run_.probe("version")
        if version is None:
            self.assertLess(sw["confidence"], 90, "%s: from behaviour only"
                            % self.case)
            self.assertEqual(v["verdict"], "refused", self.case)
        else:
            self.assertTrue(sw["version"].startswith(version),
                            "%s: version %r" % (self.case, sw["version"]))
            self.assertEqual(sw["confidence"], 90, self.case)
            # disclosing the version is an info finding with its fix
            self.assertEqual((v["verdict"], v["severity"], v["finding"]),
                             ("answering", "info", "version-disclosed"),
                             self.case)
            self.assertTrue(v["fix"], "%s: fix for the version" % self.case)

    def test_reproduce(self):
        """Every probe's reproduce command, run with dig against the same
        server, gets the RCODE dnsprobe reports (transfers say "Transfer
        failed" instead of a status when refused)."""
        if self.INSTANCE not in ("bind-strict", "nsd", "knot", "pdns-auth"):
            self.skipTest("checked on four authoritative servers")
        import re
        import shlex
        import subprocess
        for p in self.run_.report["targets"][0]["probes"]:
            if p["answer"] is None:
                continue
            with self.subTest(probe=p["id"]):
                cmd = shlex.split(p["reproduce"])
                self.assertEqual(cmd[0], "dig", p["reproduce"])
                out = subprocess.run(cmd + ["+tries=1", "+time=2"],
                                     capture_output=True, text=True,
                                     timeout=20).stdout
                rcode = p["answer"]["rcode"]
                if p["answer"]["qdcount"] == 0:
                    continue  # dig cannot match a reply without a question
                if p["id"] in ("axfr", "ixfr"):
                    failed = "Transfer failed" in out
                    self.assertEqual(failed, rcode != "NOERROR",
                                     "%s: %s\n%s" % (p["id"], p["reproduce"],
                                                      out[-300:]))
                    continue
                m = re.search(r"status: ([A-Z0-9]+)", out)
                self.assertIsNotNone(m, "%s: %s\n%s" % (p["id"],
                                                        p["reproduce"], out))
                self.assertEqual(m.group(1), rcode, "%s: %s" % (
                    p["id"], p["reproduce"]))

    def test_probes(self):
        self.report_ok()
        expected = self.EXPECTED[2]
        for pid in PROBES:
            case = "%s/%s" % (self.case, pid)
            with self.subTest(probe=pid):
                self.check_probe(case, self.run_.probe(pid), expected[pid])

    def check_probe(self, case, p, exp):
        outcome, rcode, verdict, severity, facts = exp
        if pid_transport(p["id"]):
            self.assertEqual(p["transport"], pid_transport(p["id"]),
                             "%s: transport" % case)
        self.assertEqual(p["outcome"], outcome, "%s: outcome (summary: %s)"
                         % (case, p.get("summary")))
        ans = p.get("answer")
        if rcode is None:
            self.assertIsNone(ans, "%s: no answer expected" % case)
        else:
            self.assertIsNotNone(ans, "%s: an answer expected" % case)
            self.assertEqual(ans["rcode"], rcode, "%s: answer rcode" % case)
            if "qdcount" in facts:
                self.assertEqual(ans["qdcount"], facts["qdcount"],
                                 "%s: answer qdcount" % case)
            for flag in ("aa", "ra"):
                if flag in facts:
                    self.assertEqual(flag in ans["flags"], facts[flag],
                                     "%s: flag %s in %r" % (case, flag,
                                                            ans["flags"]))
            if "ede" in facts and p["query"].get("edns") is not None:
                codes = sorted(e["code"] for e in ans.get("ede") or [])
                self.assertEqual(codes, facts["ede"], "%s: EDE codes" % case)
        self.assertEqual(p["verdict"], verdict, "%s: verdict (summary: %s)"
                         % (case, p.get("summary")))
        if isinstance(severity, tuple):
            self.assertIn(p["severity"], severity, "%s: severity" % case)
        else:
            self.assertEqual(p["severity"], severity, "%s: severity" % case)
        if p["severity"] != "ok":
            self.assertTrue(p.get("explanation"),
                            "%s: a non-ok probe carries an explanation"
                            % case)

    def test_diagnosis(self):
        """The root causes: the expected one first; each names its probes,
        which point back to it; its severity is the worst of theirs;
        worst first; the target's status follows the worst."""
        t = self.report_ok()["targets"][0]
        diag = t["diagnosis"]
        self.assertTrue(diag, "%s: a diagnosis" % self.case)
        want = self.FIRST or FIRST_CAUSE[self.INSTANCE]
        self.assertEqual((diag[0]["cause"], diag[0]["severity"]), want,
                         "%s: first root cause: %r" % (self.case, diag[0]))
        probes = {p["id"]: p for p in t["probes"]}
        ranks = [SEVERITY_RANK[r["severity"]] for r in diag]
        self.assertEqual(ranks, sorted(ranks, reverse=True),
                         "%s: worst first" % self.case)
        for r in diag:
            case = "%s/%s" % (self.case, r["cause"])
            for key in ("headline", "evidence", "explanation"):
                self.assertTrue(r[key], "%s: %s" % (case, key))
            self.assertTrue(r["probes"], "%s: probes" % case)
            worst = 0
            for pid in r["probes"]:
                self.assertEqual(probes[pid]["cause"], r["cause"],
                                 "%s: %s points to it" % (case, pid))
                worst = max(worst, SEVERITY_RANK[probes[pid]["severity"]])
            self.assertEqual(SEVERITY_RANK[r["severity"]], worst,
                             "%s: severity of its worst probe" % case)
        worst = max(ranks)
        self.assertEqual(t["status"], ("ok", "ok", "warning",
                                       "critical")[worst], self.case)

    def test_dnssec_no_noise(self):
        """The lab's zones are unsigned: a server that serves the zone says
        "unsigned" and nothing more, one that does not is not checked, and
        no DNSSEC cause or severity comes of either."""
        t = self.report_ok()["targets"][0]
        self.assertEqual([r["cause"] for r in t["diagnosis"]
                          if r["cause"].startswith("dnssec-")], [],
                         self.case)
        d = t["dnssec"]
        if self.run_.probe("udp")["verdict"] == "authoritative":
            self.assertIsNotNone(d, "%s: not checked" % self.case)
        if d is not None:
            self.assertEqual((d["state"], d["findings"], d["keys"]),
                             ("unsigned", [], []), self.case)
        for pid in DNSSEC:
            p = self.run_.probe(pid)
            self.assertFalse((p["cause"] or "").startswith("dnssec-"),
                             "%s/%s: %s" % (self.case, pid, p["cause"]))
            self.assertNotEqual(p["verdict"], "signed",
                                "%s/%s" % (self.case, pid))

    def test_stderr_clean(self):
        # Exit 0-2 runs print nothing on stderr (no warnings, and no
        # sanitizer report in an -Db_sanitize build).
        self.assertEqual(self.run_.stderr, "", "%s: stderr" % self.case)

    def test_role(self):
        t = self.report_ok()["targets"][0]
        self.assertEqual(t["role"], self.EXPECTED[0], "%s: role" % self.case)

    def test_exit_status(self):
        rep = self.report_ok()
        code = self.EXPECTED[1]
        self.assertEqual(self.run_.code, code, "%s: exit status (stderr: %s)"
                         % (self.case, self.run_.stderr))
        self.assertEqual(rep["targets"][0]["status"], STATUS_OF_EXIT[code],
                         "%s: target status" % self.case)
        self.assertEqual(rep["status"], STATUS_OF_EXIT[code],
                         "%s: run status" % self.case)


def pid_transport(pid):
    return TRANSPORT.get(pid)


def _class_for(instance):
    name = "Test_" + instance.replace("-", "_")
    return type(name, (Battery, unittest.TestCase), {"INSTANCE": instance})


for _inst in LAYOUT:
    globals()["Test_" + _inst.replace("-", "_")] = _class_for(_inst)


class Test_bind_strict_ipv6(Battery, unittest.TestCase):
    """The same strict BIND, reached over UDP and TCP on [::1]."""

    INSTANCE = "bind-strict"

    @classmethod
    def target_text(cls, srv):
        return "[::1]:%d" % srv.port, "::1"


class Test_bind_strict_no_zone(Battery, unittest.TestCase):
    """No --zone: the zone probes use the root zone, which bind-strict does
    not serve; that is info with a hint to pass --zone, not a lame server."""

    INSTANCE = "bind-strict"
    EXPECTED = NO_ZONE
    FIRST = ("no-zone", "info")
    # The root's SOA without EDNS: a bare REFUSED, nothing tested.
    COMPLIANCE_EXTRA = {"plain": ("refused", "ok")}

    @classmethod
    def zone(cls):
        return None

    def test_hint_not_lame(self):
        for pid in ("udp", "tcp"):
            case = "%s/%s" % (self.case, pid)
            p = self.run_.probe(pid)
            words = " ".join(str(p.get(k) or "") for k in
                             ("summary", "explanation", "fix"))
            self.assertIn("--zone", words, "%s: a hint to pass --zone" % case)
            self.assertNotIn("lame", words.lower(),
                             "%s: not called lame" % case)


class Test_expectations(unittest.TestCase):
    """--expect, --require and --allow through the binary, on real servers:
    the strict BIND meets the authoritative profile; the careless one does
    not, and --allow accepts its transfers (a hidden primary)."""

    def run_on(self, name, *extra):
        srv = SERVERS[name]
        return lab.run_dnsprobe(probe_args("%s:%d" % (srv.address, srv.port))
                                + list(extra), timeout=60)

    def probe(self, r, pid):
        return [p for p in r.report["targets"][0]["probes"]
                if p["id"] == pid][0]

    def test_refusing_resolver_is_an_access_list_not_a_lame_zone(self):
        # Unbound's access-control refuses even opcode 15, which a lame
        # server would answer NOTIMP
        r = self.run_on("unbound-refuse")
        udp = self.probe(r, "udp")
        self.assertEqual((udp["finding"], udp["cause"]),
                         ("zone-lame", "client-refused"))
        self.assertIn("access list", udp["explanation"])

    def test_strict_meets_the_authoritative_profile(self):
        r = self.run_on("bind-strict", "--expect", "authoritative")
        self.assertEqual(r.code, 0, r.stderr)
        self.assertFalse([p["id"] for p in r.report["targets"][0]["probes"]
                          if p["finding"] == "expectation-failed"])

    def test_open_fails_it_and_allow_accepts_transfers(self):
        r = self.run_on("bind-open", "--expect", "authoritative",
                        "--allow", "axfr=allowed", "--allow", "ixfr=allowed")
        self.assertEqual(r.code, 2, r.stderr)
        rec = self.probe(r, "recursion")
        self.assertEqual((rec["severity"], rec["finding"]),
                         ("critical", "expectation-failed"))
        self.assertIn("Expected recursion", rec["explanation"])
        for pid in ("axfr", "ixfr"):
            p = self.probe(r, pid)
            self.assertEqual((p["verdict"], p["severity"]), ("allowed", "ok"),
                             pid)

    def test_require_on_a_resolver(self):
        r = self.run_on("unbound-serve", "--expect", "resolver",
                        "--require", "update=denied")
        # Unbound answers UPDATE with NOTIMP: not what was required
        up = self.probe(r, "update")
        self.assertEqual((up["verdict"], up["severity"], up["finding"]),
                         ("not-implemented", "critical", "expectation-failed"))
        self.assertEqual(r.code, 2, r.stderr)

    def test_without_expect_the_builtin_severities_stand(self):
        r = self.run_on("bind-open")
        self.assertEqual(self.probe(r, "axfr")["severity"], "warning")


class Test_closed_port(unittest.TestCase):
    """Nothing listening: UDP probes see port unreachable, TCP probes a
    refused connection; nothing answers at all, which is critical."""

    @classmethod
    def setUpClass(cls):
        cls.given = "%s:%d" % CLOSED
        cls.case = "closed port (%s)" % cls.given
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            # Precondition: we can bind the port, so nobody else listens.
            with socket.socket(socket.AF_INET, kind) as s:
                s.bind(CLOSED)
        cls.run_ = lab.run_dnsprobe(probe_args(cls.given), timeout=60)

    def test_outcomes(self):
        r = self.run_
        self.assertIsNotNone(r.report, "%s: stdout is not JSON: %s"
                             % (self.case, r.stdout[:2000]))
        probes = r.report["targets"][0]["probes"]
        self.assertEqual(sorted(p["id"] for p in probes),
                         sorted(PROBES + COMPLIANCE + IDENTITY + DNSSEC +
                                CASE),
                         "%s: probe ids" % self.case)
        for p in probes:
            case = "%s/%s" % (self.case, p["id"])
            with self.subTest(probe=p["id"]):
                if pid_transport(p["id"]):
                    self.assertEqual(p["transport"], pid_transport(p["id"]),
                                     "%s: transport" % case)
                want = {"udp": "port-unreachable",
                        "tcp": "connection-refused"}.get(p["transport"])
                self.assertIsNotNone(want, "%s: transport %r" %
                                     (case, p["transport"]))
                self.assertEqual(p["outcome"], want, "%s: outcome" % case)
                self.assertIsNone(p["answer"], "%s: no answer" % case)
                self.assertEqual(p["verdict"], "no-answer",
                                 "%s: verdict" % case)

    def test_diagnosis(self):
        """One root cause, port-closed, accounts for every probe."""
        t = self.run_.report["targets"][0]
        self.assertEqual([(r["cause"], r["severity"]) for r in t["diagnosis"]],
                         [("port-closed", "critical")], self.case)
        self.assertEqual(sorted(t["diagnosis"][0]["probes"]),
                         sorted(p["id"] for p in t["probes"]), self.case)

    def test_dnssec_not_checked(self):
        """Nothing answered: no DNSSEC check, no DNSSEC cause."""
        t = self.run_.report["targets"][0]
        self.assertIsNone(t["dnssec"], self.case)
        self.assertEqual([r["cause"] for r in t["diagnosis"]
                          if r["cause"].startswith("dnssec")], [], self.case)

    def test_stderr_clean(self):
        self.assertEqual(self.run_.stderr, "", "%s: stderr" % self.case)

    def test_exit_status(self):
        r = self.run_
        self.assertEqual(r.code, 2, "%s: exit status (stderr: %s)"
                         % (self.case, r.stderr))
        self.assertIsNotNone(r.report, "%s: JSON report" % self.case)
        self.assertEqual(r.report["targets"][0]["status"], "critical",
                         "%s: target status" % self.case)


if __name__ == "__main__":
    unittest.main(verbosity=2)
