#!/usr/bin/env python3
"""Zone mode's delegation, NS set and SOA checks against real servers.

The lab (tests/lab/OBSERVED.md, "The delegation lab", has what each server
answered by hand before the checks existed):

- deleg-parent (NSD) serves parent.test on 127.0.1.1 and 127.0.2.1, port
  53, with a delegation to each child zone (tests/lab/deleg-parent/
  parent.test.zone): good (the control), extra (an NS only at the parent),
  glue (stale glue), noglue (an in-zone NS without glue), single (one
  server), samenet (both servers in one /24), alias (an NS name that is a
  CNAME in the zone), oddsoa (SOA timers and RNAME off); nodeleg is not
  delegated at all;
- deleg-child (NSD) serves every child zone on 127.0.3.1, 127.0.4.1 and
  127.0.3.2, port 53 (NS records carry no port);
- zone-resolver (Unbound, 127.0.0.65:53165) answers the NS sets and
  addresses from local data, as a resolver that asked the zones' own
  servers would, and never recurses;
- a recorder of this test binds port 53 on 127.0.4.99 and 127.0.5.1, the
  addresses only the parent's glue names: no query may reach them.

Port 53 needs root and the ports free; the test is skipped (77) otherwise.
Each zone is run once, `dnsprobe --zone Z.parent.test --resolver
127.0.0.65:53165 --format json`; the expectations are written by hand from
parent.test.zone, the child zone files and the man page's ranges (ZONE MODE), never
computed from dnsprobe's output. Every address is loopback; servers are
stopped by PID (tests/support/lab.py).
"""
import json
import os
import socket
import subprocess
import sys
import threading
import time
import unittest

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import lab  # noqa: E402

DNSPROBE = os.environ.get("DNSPROBE", "")
RESOLVER = ("127.0.0.65", 53165)
PARENTS = ("127.0.1.1", "127.0.2.1")
CHILDREN = ("127.0.3.1", "127.0.4.1", "127.0.3.2")
NEVER_ASKED = ("127.0.4.99", "127.0.5.1")  # glue only
ZONES = ("good", "extra", "glue", "noglue", "single", "samenet", "alias",
         "oddsoa", "nodeleg")
RUN_TIMEOUT = 120
RECORDER_LIFETIME = 300.0


class Recorder:
    """Binds UDP and TCP port 53 on addresses nothing may ask, and notes
    every datagram and connection (bounded in time: RECORDER_LIFETIME)."""

    def __init__(self, addrs):
        self.seen = []
        self.stop = threading.Event()
        self.socks = []
        for addr in addrs:
            lab.require_loopback(addr)
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind((addr, 53))
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            t.bind((addr, 53))
            t.listen(4)
            for s in (u, t):
                s.settimeout(0.2)
                self.socks.append(s)
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        deadline = time.monotonic() + RECORDER_LIFETIME
        while not self.stop.is_set() and time.monotonic() < deadline:
            for s in self.socks:
                try:
                    if s.type == socket.SOCK_DGRAM:
                        _, peer = s.recvfrom(65535)
                    else:
                        conn, peer = s.accept()
                        conn.close()
                    self.seen.append((s.getsockname(), peer))
                except (socket.timeout, OSError):
                    pass

    def close(self):
        self.stop.set()
        self.thread.join(5)
        for s in self.socks:
            s.close()


def run_zone(zone, fmt="json"):
    cmd = [DNSPROBE, "--zone", zone + ".parent.test", "--resolver",
           "%s:%d" % RESOLVER, "--timeout", "1000", "--format", fmt]
    if os.environ.get("DNSPROBE_VALGRIND") == "1":
        cmd = ["valgrind", "--error-exitcode=99", "--leak-check=full",
               "--errors-for-leak-kinds=definite", "-q"] + cmd
    proc = subprocess.run(cmd, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)
    if proc.returncode not in (0, 1, 2) or not proc.stdout.strip():
        raise AssertionError("%s: exit %d\n%s" % (" ".join(cmd),
                                                  proc.returncode,
                                                  proc.stderr))
    return proc


def causes(zone):
    return {d["cause"]: d for d in zone["diagnosis"]}


def ns_rows(zone):
    return {n["name"]: n for n in zone["delegation"]["ns"]}


class DelegationTest(unittest.TestCase):
    servers = []
    reports = {}
    codes = {}
    recorder = None

    @classmethod
    def setUpClass(cls):
        if not DNSPROBE:
            raise unittest.SkipTest("DNSPROBE is not set")
        for addr in PARENTS + CHILDREN + NEVER_ASKED:
            if not lab.port_free(addr, 53):
                raise unittest.SkipTest("cannot bind %s port 53 (needs root "
                                        "and a free port)" % addr)
        if not lab.port_free(*RESOLVER):
            raise unittest.SkipTest("cannot bind %s port %d" % RESOLVER)
        try:
            cls.recorder = Recorder(NEVER_ASKED)
            specs = [("zone-resolver",) + RESOLVER + (lab.DEAD_FORWARD,)]
            specs += [("deleg-parent", PARENTS[0], 53),
                      ("deleg-child", CHILDREN[0], 53)]
            cls.servers = list(lab.start_many(specs).values())
            for addr in PARENTS[1:]:
                cls.servers.append(lab.start("deleg-parent", addr, 53))
            for addr in CHILDREN[1:]:
                cls.servers.append(lab.start("deleg-child", addr, 53))
            for z in ZONES:
                proc = run_zone(z)
                cls.codes[z] = proc.returncode
                cls.reports[z] = json.loads(proc.stdout)["zone"]
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for srv in cls.servers:
            srv.stop()
        cls.servers = []
        if cls.recorder is not None:
            cls.recorder.close()

    def test_control(self):
        """The consistent delegation: nothing to report, exit 0."""
        z = self.reports["good"]
        self.assertEqual(z["diagnosis"], [])
        self.assertEqual(z["status"], "ok")
        self.assertEqual(self.codes["good"], 0)
        d = z["delegation"]
        self.assertIs(d["checked"], True)
        self.assertEqual(d["parent"], "parent.test.")
        self.assertIsNone(d["why"])
        self.assertEqual({(p["ns"], p["address"], p["referral"])
                          for p in d["parent_servers"]},
                         {("ns1.parent.test.", "127.0.1.1", True),
                          ("ns2.parent.test.", "127.0.2.1", True)})
        rows = ns_rows(z)
        self.assertEqual(set(rows), {"ns1.good.parent.test.",
                                     "ns2.good.parent.test."})
        for name, addr in (("ns1.good.parent.test.", "127.0.3.1"),
                           ("ns2.good.parent.test.", "127.0.4.1")):
            with self.subTest(ns=name):
                r = rows[name]
                self.assertEqual((r["at_parent"], r["at_servers"],
                                  r["in_zone"], r["resolved"], r["cname"]),
                                 (True, 2, True, True, False))
                self.assertEqual(r["glue"], [addr])
                self.assertEqual(r["addresses"], [addr])
        self.assertEqual(z["soa"], {
            "mname": "ns1.good.parent.test.",
            "rname": "hostmaster.good.parent.test.", "serial": 2024020101,
            "refresh": 7200, "retry": 3600, "expire": 1209600,
            "minimum": 3600})
        for s in d["servers"]:
            self.assertEqual(sorted(s["ns_set"]), sorted(rows), s["address"])

    def expect(self, zone, key, severity, *words):
        z = self.reports[zone]
        c = causes(z)
        self.assertIn(key, c, "%s: causes %s" % (zone, sorted(c)))
        self.assertEqual(c[key]["severity"], severity, zone)
        for w in words:
            self.assertIn(w, c[key]["evidence"], zone)
        self.assertEqual(c[key]["probes"], [], zone)
        for member in ("headline", "explanation", "fix"):
            self.assertTrue(c[key][member], "%s: %s" % (zone, member))
        return c[key]

    def test_extra_ns_at_the_parent(self):
        self.expect("extra", "ns-mismatch", "warning",
                    "ns3.extra.parent.test. only at the parent")
        # the parent's extra name does not exist in the zone either
        self.expect("extra", "ns-unresolved", "critical",
                    "ns3.extra.parent.test.", "NXDOMAIN")
        rows = ns_rows(self.reports["extra"])
        self.assertEqual((rows["ns3.extra.parent.test."]["at_parent"],
                          rows["ns3.extra.parent.test."]["at_servers"]),
                         (True, 0))
        self.assertEqual(self.codes["extra"], 2)

    def test_wrong_glue(self):
        c = self.expect("glue", "glue-mismatch", "critical",
                        "ns2.glue.parent.test.", "127.0.4.99", "127.0.4.1")
        self.assertIn("registrar", c["fix"])
        rows = ns_rows(self.reports["glue"])
        self.assertEqual(rows["ns2.glue.parent.test."]["glue"],
                         ["127.0.4.99"])
        self.assertEqual(rows["ns2.glue.parent.test."]["addresses"],
                         ["127.0.4.1"])
        self.assertNotIn("ns-mismatch", causes(self.reports["glue"]))
        self.assertEqual(self.reports["glue"]["status"], "critical")

    def test_missing_glue(self):
        self.expect("noglue", "glue-missing", "critical",
                    "ns2.noglue.parent.test.")
        rows = ns_rows(self.reports["noglue"])
        self.assertEqual(rows["ns2.noglue.parent.test."]["glue"], [])
        self.assertEqual(rows["ns1.noglue.parent.test."]["glue"],
                         ["127.0.3.1"])

    def test_too_few_and_one_network(self):
        self.expect("single", "ns-too-few", "warning",
                    "ns1.single.parent.test.")
        self.assertEqual(self.codes["single"], 1)
        self.expect("samenet", "ns-one-network", "warning", "127.0.3.1",
                    "127.0.3.2")
        for zone in ("good", "single", "samenet"):
            with self.subTest(zone=zone):
                self.assertEqual(
                    "ns-one-network" in causes(self.reports[zone]),
                    zone == "samenet")

    def test_alias(self):
        self.expect("alias", "ns-cname", "warning", "ns2.alias.parent.test.")
        self.assertIs(ns_rows(self.reports["alias"])
                      ["ns2.alias.parent.test."]["cname"], True)

    def test_soa(self):
        t = self.expect("oddsoa", "soa-timers", "warning",
                        "retry 120 s not below refresh 60 s",
                        "refresh 60 s below 1200", "expire 3600 s below",
                        "172800")
        self.assertIn("ns1.oddsoa.parent.test.", t["evidence"])
        self.expect("oddsoa", "soa-names", "info",
                    "hostmaster@example.test.")
        soa = self.reports["oddsoa"]["soa"]
        self.assertEqual((soa["refresh"], soa["retry"], soa["expire"],
                          soa["minimum"]), (60, 120, 3600, 172800))
        for zone in ZONES:
            if zone != "oddsoa":
                with self.subTest(zone=zone):
                    c = causes(self.reports[zone])
                    self.assertNotIn("soa-timers", c)
                    self.assertNotIn("soa-names", c)

    def test_not_delegated(self):
        z = self.reports["nodeleg"]
        self.expect("nodeleg", "no-delegation", "critical", "NXDOMAIN")
        d = z["delegation"]
        self.assertIs(d["checked"], False)
        self.assertTrue(d["why"])
        self.assertTrue(all(p["undelegated"] and not p["referral"]
                            for p in d["parent_servers"]))

    def test_only_the_wrong_ones(self):
        """Each zone shows its own problem and no other (the lab's alias
        also lacks an address: Unbound's local CNAME is not followed)."""
        want = {"good": set(), "extra": {"ns-mismatch", "ns-unresolved"},
                "glue": {"glue-mismatch"}, "noglue": {"glue-missing"},
                "single": {"ns-too-few"}, "samenet": {"ns-one-network"},
                "alias": {"ns-cname", "ns-unresolved"},
                "oddsoa": {"soa-timers", "soa-names"},
                "nodeleg": {"no-delegation"}}
        for zone, keys in want.items():
            with self.subTest(zone=zone):
                self.assertEqual(set(causes(self.reports[zone])), keys)

    def test_text_report(self):
        out = run_zone("glue", "text").stdout
        self.assertIn("delegation: parent.test. (2 of 2 servers) refers to "
                      "ns1.glue.parent.test. (glue 127.0.3.1), "
                      "ns2.glue.parent.test. (glue 127.0.4.99)", out)
        self.assertIn("(glue-mismatch)", out[out.index("\nzone "):])

    def test_nothing_asked_of_glue_addresses(self):
        """Every query goes to the resolver, the parent's servers and the
        zone's servers discovery found: never to a glue address."""
        self.assertEqual(self.recorder.seen, [])


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    sys.exit(77 if result.skipped and len(result.skipped) >= result.testsRun
             else 0)
