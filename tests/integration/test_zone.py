#!/usr/bin/env python3
"""Zone-wide targets (zone mode): find a zone's
servers through a resolver on loopback, probe them all, and judge the zone.

The lab (tests/lab/zone-resolver/unbound.conf says it in full):

- zone-resolver, an Unbound on 127.0.0.60:53160 that answers the NS sets of
  example.test and lame.test and their servers' addresses from local data
  (127.0.0.61-63) and never recurses ("." is stubbed to a dead loopback
  port);
- nsd-lame on 127.0.0.61:53 (example.test serial 2024010101, no lame.test),
  lame-peer on 127.0.0.62:53 (example.test serial 2024010102, lame.test),
  nsd on 127.0.0.63:53 (example.test serial 2024010101).

NS glue has no port, so the authoritative servers listen on port 53: the
test needs root (CAP_NET_BIND_SERVICE) and those ports free, and is skipped
(77) otherwise. Every address is loopback; servers are stopped by PID by
tests/support/lab.py.

Until main.c offers zone mode (`dnsprobe --zone Z --resolver ADDR:PORT`
with no TARGET), the report comes from the unit test binary's driver
(`tests/unit/test_zone --drive Z ADDR PORT`: discovery, the udp and tcp
probes on every server, the json report with its "zone" object). Once
`dnsprobe --help` lists --resolver, the real binary is run instead.
Expectations are written by hand from tests/lab/OBSERVED.md ("nsd-lame and
lame-peer"), never computed from dnsprobe's output.
"""
import json
import os
import subprocess
import sys
import unittest

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import lab  # noqa: E402

DNSPROBE = os.environ.get("DNSPROBE", "")
DRIVER = os.path.join(os.path.dirname(DNSPROBE), "tests", "unit", "test_zone")
RESOLVER = ("127.0.0.60", 53160)
LAYOUT = {
    "nsd-lame": ("127.0.0.61", 53),
    "lame-peer": ("127.0.0.62", 53),
    "nsd": ("127.0.0.63", 53),
}
RUN_TIMEOUT = 120  # seconds for one dnsprobe run


def zone_mode_in_main():
    try:
        out = subprocess.run([DNSPROBE, "--help"], capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--resolver" in out.stdout + out.stderr


def run_zone(zone):
    """The json report of a zone run through the loopback resolver."""
    addr, port = RESOLVER
    lab.require_loopback(addr)
    if zone_mode_in_main():
        cmd = [DNSPROBE, "--zone", zone, "--resolver", "%s:%d" % (addr, port),
               "--format", "json", "--timeout", "2000"]
    else:
        cmd = [DRIVER, "--drive", zone, addr, str(port)]
    if os.environ.get("DNSPROBE_VALGRIND") == "1":
        cmd = ["valgrind", "--error-exitcode=99", "--leak-check=full",
               "--errors-for-leak-kinds=definite", "-q"] + cmd
    proc = subprocess.run(cmd, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)
    if proc.returncode == 99 or not proc.stdout.strip():
        raise AssertionError("%s: exit %d\n%s" % (" ".join(cmd),
                                                  proc.returncode,
                                                  proc.stderr))
    return json.loads(proc.stdout)


class ZoneTest(unittest.TestCase):
    servers = []

    @classmethod
    def setUpClass(cls):
        if not DNSPROBE:
            raise unittest.SkipTest("DNSPROBE is not set")
        for addr, port in list(LAYOUT.values()) + [RESOLVER]:
            if not lab.port_free(addr, port):
                raise unittest.SkipTest("cannot bind %s port %d (needs root "
                                        "and a free port)" % (addr, port))
        try:
            for name, (addr, port) in LAYOUT.items():
                cls.servers.append(lab.start(name, addr, port))
            cls.servers.append(lab.start("zone-resolver", *RESOLVER,
                                         upstream=lab.DEAD_FORWARD))
        except BaseException:
            cls.tearDownClass()
            raise
        cls.example = run_zone("example.test")
        cls.lame = run_zone("lame.test")
        cls.partial = run_zone("partial.test")

    @classmethod
    def tearDownClass(cls):
        for srv in cls.servers:
            srv.stop()
        cls.servers = []

    def test_system_resolver(self):
        """--zone with no TARGET and no --resolver asks the system's resolver,
        here a resolv.conf naming a loopback resolver on port 53 (c-ares 1.18
        reads no port from resolv.conf)."""
        import json
        import subprocess
        import tempfile
        sysres = ("127.0.0.64", 53)
        if not lab.port_free(*sysres):
            self.skipTest("cannot bind %s port 53" % sysres[0])
        srv = lab.start("zone-resolver", *sysres, upstream=lab.DEAD_FORWARD)
        self.addCleanup(srv.stop)
        with tempfile.NamedTemporaryFile("w", suffix=".conf",
                                         delete=False) as f:
            f.write("nameserver %s\n" % sysres[0])
        self.addCleanup(os.unlink, f.name)
        env = dict(os.environ, DNSPROBE_RESOLV_CONF=f.name)
        r = subprocess.run([DNSPROBE, "--zone", "example.test", "--format",
                            "json", "--timeout", "2000"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertIn(r.returncode, (0, 1, 2), r.stderr)
        zone = json.loads(r.stdout)["zone"]
        self.assertEqual(zone["resolver"], "the system resolver")
        self.assertEqual({s["address"] for s in zone["servers"]},
                         {"127.0.0.61", "127.0.0.62", "127.0.0.63"})

    def by_address(self, report):
        return {s["address"]: s for s in report["zone"]["servers"]}

    def test_servers_found(self):
        cases = [
            ("example.test", self.example,
             {("ns1.example.test.", "127.0.0.61"),
              ("ns2.example.test.", "127.0.0.62"),
              ("ns3.example.test.", "127.0.0.63")}),
            ("lame.test", self.lame,
             {("ns1.lame.test.", "127.0.0.61"),
              ("ns2.lame.test.", "127.0.0.62")}),
        ]
        for name, report, want in cases:
            with self.subTest(zone=name):
                zone = report.get("zone")
                self.assertIsNotNone(zone, "%s: no zone object" % name)
                self.assertEqual(zone["name"], name + ".", name)
                self.assertEqual(zone["resolver"], "127.0.0.60:53160", name)
                got = {(s["ns"], s["address"]) for s in zone["servers"]}
                self.assertEqual(got, want, "%s: servers" % name)
                self.assertEqual({s["port"] for s in zone["servers"]}, {53},
                                 "%s: ports" % name)
                targets = {t["address"] for t in report["targets"]}
                self.assertEqual(targets, {a for _, a in want},
                                 "%s: every server is probed" % name)

    def test_serials(self):
        cases = [
            # (zone, report, serial per address, agree, zone serial, status)
            ("example.test", self.example,
             {"127.0.0.61": 2024010101, "127.0.0.62": 2024010102,
              "127.0.0.63": 2024010101}, False, 2024010102, "warning"),
            ("lame.test", self.lame,
             {"127.0.0.61": None, "127.0.0.62": 2024010101}, True,
             2024010101, "critical"),
        ]
        for name, report, serials, agree, serial, status in cases:
            with self.subTest(zone=name):
                zone = report["zone"]
                got = {a: s["serial"]
                       for a, s in self.by_address(report).items()}
                self.assertEqual(got, serials, "%s: serials" % name)
                self.assertIs(zone["serials_agree"], agree,
                              "%s: serials_agree" % name)
                self.assertEqual(zone["serial"], serial, "%s: serial" % name)
                self.assertEqual(zone["status"], status, "%s: status" % name)

    def test_lame(self):
        cases = [
            # (zone, report, lame addresses, authoritative addresses)
            ("example.test", self.example, set(),
             {"127.0.0.61", "127.0.0.62", "127.0.0.63"}),
            ("lame.test", self.lame, {"127.0.0.61"}, {"127.0.0.62"}),
        ]
        for name, report, lame, auth in cases:
            with self.subTest(zone=name):
                servers = self.by_address(report)
                self.assertEqual({a for a, s in servers.items() if s["lame"]},
                                 lame, "%s: lame servers" % name)
                self.assertEqual(
                    {a for a, s in servers.items() if s["authoritative"]},
                    auth, "%s: authoritative servers" % name)
                self.assertEqual({x["address"] for x in report["zone"]["lame"]},
                                 lame, "%s: lame list" % name)
                for a in lame:
                    # OBSERVED.md: nsd-lame answers lame.test's SOA REFUSED.
                    self.assertEqual(servers[a]["reason"], "refused",
                                     "%s: %s reason" % (name, a))
                self.assertTrue(all(s["answered"] for s in servers.values()),
                                "%s: every server answered" % name)

    def test_unsigned_zone_no_dnssec(self):
        """Unsigned zones, whose parent has no DS, get no DNSSEC word: no
        zone comparison, no DNSSEC cause on any server."""
        for name, report in (("example.test", self.example),
                             ("lame.test", self.lame)):
            with self.subTest(zone=name):
                self.assertIsNone(report["zone"]["dnssec"], name)
                for t in report["targets"]:
                    self.assertEqual([c["cause"] for c in t["diagnosis"]
                                      if c["cause"].startswith("dnssec")],
                                     [], name)

    def test_zone_diagnosis(self):
        """The zone's own root causes, as a target's read: the serials
        disagree on example.test, whose three servers are all in
        127.0.0.0/24; partial.test names a server without an address. The
        lab's resolver knows no parent for these zones, so their
        delegation is not checked, and says why."""
        cases = [
            ("example.test", self.example,
             {"serial-mismatch": "warning", "ns-one-network": "warning"}),
            ("partial.test", self.partial, {"ns-unresolved": "critical"}),
        ]
        for name, report, want in cases:
            with self.subTest(zone=name):
                zone = report["zone"]
                got = {d["cause"]: d["severity"] for d in zone["diagnosis"]}
                for key, severity in want.items():
                    self.assertEqual(got.get(key), severity,
                                     "%s: %s in %r" % (name, key, got))
                for d in zone["diagnosis"]:
                    self.assertEqual(set(d), {"cause", "severity",
                                              "headline", "probes",
                                              "evidence", "explanation",
                                              "fix"}, name)
                    self.assertIn(d["cause"], lab.CAUSES, name)
                deleg = zone["delegation"]
                self.assertIs(deleg["checked"], False, name)
                self.assertIn("no parent", deleg["why"], name)
                self.assertIsNone(deleg["parent"], name)
        unresolved = {d["cause"]: d for d in
                      self.partial["zone"]["diagnosis"]}["ns-unresolved"]
        self.assertIn("ns2.partial.test.: no address (NXDOMAIN)",
                      unresolved["evidence"])
        # the serials line's numbers, as the cause's evidence gives them
        serial = {d["cause"]: d for d in
                  self.example["zone"]["diagnosis"]}["serial-mismatch"]
        self.assertIn("2024010101 on 2 of 3 servers", serial["evidence"])
        self.assertIn("2024010102 on 1 of 3 servers (newest)",
                      serial["evidence"])

    def test_unresolved_name_server(self):
        """An NS name without an address: the servers found are probed and
        the one that could not be resolved is named, with why; the zone is
        critical."""
        zone = self.partial["zone"]
        rows = {s["ns"]: s for s in zone["servers"]}
        self.assertEqual(set(rows), {"ns1.partial.test.",
                                     "ns2.partial.test."})
        self.assertEqual(rows["ns1.partial.test."]["address"], "127.0.0.62")
        miss = rows["ns2.partial.test."]
        self.assertEqual((miss["reason"], miss["address"], miss["port"],
                          miss["why"]), ("unresolved", None, None, "NXDOMAIN"))
        self.assertEqual(zone["unresolved"], 1)
        self.assertEqual(zone["status"], "critical")
        self.assertEqual([t["address"] for t in self.partial["targets"]],
                         ["127.0.0.62"])


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    # Everything skipped (no root, ports taken): tell meson (77 = skipped).
    sys.exit(77 if result.skipped and len(result.skipped) >= result.testsRun
             else 0)
