#!/usr/bin/env python3
"""dnsprobe serve: the exporter against a real Prometheus and real servers.

A real Prometheus (Debian's) scrapes an NSD that serves example.test and an
Unbound that refuses this client, through the exporter, as docs/serve.md's
scrape configuration says; its HTTP API must show dnsprobe_target_status as
the command line reports it for each. Then plain HTTP (http.client): every
status code the exporter answers, the allow-list (an address and a host
name outside it, nothing sent to either), the minimum interval and its
cache, 503 with a full queue (a black hole: sockets this test binds that
read and never answer), SIGHUP with a good and a bad configuration, and
SIGTERM with batteries in flight.

Layout: the exporters on 127.0.0.160 (ports 25160 and up), NSD on
127.0.0.161:25161, Unbound on 127.0.0.162:25162, the black holes on
127.0.0.163 ports 25163 to 25166, listeners that must stay silent on 127.0.0.168:25168 and
on localhost (127.0.0.1 and ::1) port 25165, Prometheus on
127.0.0.169:25169. Every query goes to loopback; every process started here
is stopped by PID. With DNSPROBE_VALGRIND=1 each exporter runs under
valgrind and must stop with exit status 0 (an error makes it 99).
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import lab  # noqa: E402

DNSPROBE = os.environ.get("DNSPROBE", "build/dnsprobe")
VALGRIND = os.environ.get("DNSPROBE_VALGRIND") == "1"
SLOW = 10 if VALGRIND else 1  # every wait is stretched under valgrind

EXPORTER_ADDR = "127.0.0.160"
NSD = ("127.0.0.161", 25161)
UNBOUND = ("127.0.0.162", 25162)
# A black hole per port: batteries to one server run one after another,
# so concurrent batteries need servers of their own.
HOLES = [("127.0.0.163", 25163 + k) for k in range(4)]
OUTSIDE = ("127.0.0.168", 25168)  # outside every allow-list here
LOCALHOST_PORT = 25165
PROMETHEUS = ("127.0.0.169", 25169)
ZONE = "example.test"

# The allow-list of most exporters here: 127.0.0.160 to 127.0.0.167.
ALLOW = "127.0.0.160/29"

CONFIG = """\
allow_targets: [%s]
modules:
  default:
    zone: %s
  hole:
    timeout: 1s
  slow:
    zone: %s
    spacing: 100ms
""" % (ALLOW, ZONE, ZONE)


def target(addr):
    return "%s:%d" % addr


class Listener:
    """UDP and TCP sockets on addr:port that read everything, count what
    came, and never answer: a black hole, or a place nothing may reach."""

    def __init__(self, addr, port, family=socket.AF_INET):
        self.udp = socket.socket(family, socket.SOCK_DGRAM)
        self.udp.bind((addr, port))
        self.tcp = socket.socket(family, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((addr, port))
        self.tcp.listen(256)
        self.datagrams = 0
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self.drain, daemon=True)
        self.thread.start()

    def drain(self):
        import selectors
        sel = selectors.DefaultSelector()
        sel.register(self.udp, selectors.EVENT_READ)
        sel.register(self.tcp, selectors.EVENT_READ)
        conns = []
        deadline = time.monotonic() + 900  # never outlive a test run
        while not self.stop and time.monotonic() < deadline:
            for key, _ in sel.select(0.1):
                s = key.fileobj
                try:
                    if s is self.tcp:
                        c, _ = s.accept()
                        self.connections += 1
                        conns.append(c)
                        sel.register(c, selectors.EVENT_READ)
                    elif s is self.udp:
                        s.recv(65535)
                        self.datagrams += 1
                    elif not s.recv(65535):
                        sel.unregister(s)
                        s.close()
                except OSError:
                    pass
        for c in conns:
            c.close()
        sel.close()

    @property
    def seen(self):
        return self.datagrams + self.connections

    def close(self):
        self.stop = True
        self.thread.join(timeout=5)
        self.udp.close()
        self.tcp.close()


def http_get(port, path, headers=None, method="GET", body=None, timeout=30,
             addr=EXPORTER_ADDR):
    """One request; returns (status, headers as a dict, body text)."""
    conn = http.client.HTTPConnection(addr, port, timeout=timeout * SLOW)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


def probe_path(tgt, **params):
    q = {"target": tgt}
    q.update(params)
    return "/probe?" + urllib.parse.urlencode(q)


def samples(text, name):
    """{labels text: value} of a metric's samples in an exposition."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^%s(\{[^}]*\})? (\S+)$" % re.escape(name), line)
        if m:
            out[m.group(1) or ""] = float(m.group(2))
    return out


def wait_metric(port, name, value, timeout=10):
    """Poll /metrics until the sample name (no labels) has value."""
    deadline = time.monotonic() + timeout * SLOW
    got = None
    while time.monotonic() < deadline:
        got = samples(http_get(port, "/metrics")[2], name).get("")
        if got == value:
            return
        time.sleep(0.02)
    raise AssertionError("%s stayed %r, not %r" % (name, got, value))


def wellformed(test, text, what):
    """Every line a comment or a sample, every family once."""
    families = []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            families.append(line.split()[2])
        elif not line.startswith("# HELP "):
            test.assertRegex(line, r'^[a-z_]+(\{[^}]*\})? -?[0-9.e+-]+$|'
                             r'^[a-z_]+(\{[^}]*\})? \+Inf$', what)
    test.assertEqual(len(families), len(set(families)),
                     "%s: a family twice" % what)


class Exporter:
    """A `dnsprobe serve` this test started (under valgrind with
    DNSPROBE_VALGRIND=1), its log in a file."""

    def __init__(self, port, args, workdir):
        self.port = port
        self.log_path = os.path.join(workdir, "serve-%d.log" % port)
        argv = [DNSPROBE, "serve", "--listen",
                "%s:%d" % (EXPORTER_ADDR, port)] + list(args)
        if VALGRIND:
            argv = ["valgrind", "-q", "--error-exitcode=99",
                    "--leak-check=full",
                    "--errors-for-leak-kinds=definite"] + argv
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=self.log)
        deadline = time.monotonic() + 20 * SLOW
        for _ in range(int(200 * SLOW)):  # bounded in count and in time
            if self.proc.poll() is not None or time.monotonic() > deadline:
                break
            try:
                if http_get(port, "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("dnsprobe serve did not come up: %s" % self.text())

    def text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def lines(self, msg="request"):
        return [line for line in self.text().splitlines()
                if " msg=%s" % msg in line or ' msg="%s' % msg in line]

    def signal(self, sig):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self, timeout=30):
        """SIGTERM and wait; returns the exit status (SIGKILL after
        timeout, and then the status is not 0)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout * SLOW)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            rc = -9
        self.log.close()
        return rc


class Prometheus:
    """A Prometheus server on PROMETHEUS with a scrape configuration and a
    data directory of its own, stopped by PID."""

    def __init__(self, config_text, workdir):
        self.dir = os.path.join(workdir, "prometheus")
        os.mkdir(self.dir)
        conf = os.path.join(self.dir, "prometheus.yml")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(config_text)
        self.log = open(os.path.join(self.dir, "log"), "wb")
        self.proc = subprocess.Popen(
            ["prometheus", "--config.file=" + conf,
             "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
             "--web.listen-address=%s:%d" % PROMETHEUS,
             "--log.level=warn"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            cwd=self.dir)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if http_get(PROMETHEUS[1], "/-/ready", addr=PROMETHEUS[0],
                            timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("prometheus did not come up")

    def query(self, expr):
        status, _, body = http_get(
            PROMETHEUS[1], "/api/v1/query?" + urllib.parse.urlencode(
                {"query": expr}), addr=PROMETHEUS[0], timeout=10)
        if status != 200:
            raise RuntimeError("query %s: HTTP %d %s" % (expr, status, body))
        data = json.loads(body)
        return {r["metric"].get("instance", ""): float(r["value"][1])
                for r in data["data"]["result"]}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


class ServeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="dnsprobe-serve-")
        cls.servers = lab.start_many([("nsd", NSD[0], NSD[1]),
                                      ("unbound-refuse", UNBOUND[0],
                                       UNBOUND[1])])
        cls.holes = [Listener(*h) for h in HOLES]
        cls.config = os.path.join(cls.work, "serve.yaml")
        with open(cls.config, "w", encoding="utf-8") as f:
            f.write(CONFIG)

    @classmethod
    def tearDownClass(cls):
        for h in cls.holes:
            h.close()
        for srv in cls.servers.values():
            srv.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def exporter(self, port, *args):
        exp = Exporter(port, args, self.work)
        self.addCleanup(self.stopped_cleanly, exp)
        return exp

    def stopped_cleanly(self, exp):
        rc = exp.stop()
        self.assertEqual(rc, 0, "serve exited %s (99: valgrind found an "
                         "error); its log:\n%s" % (rc, exp.text()))

    def cli_status(self, addr):
        run = lab.run_dnsprobe([target(addr), "--zone", ZONE])
        self.assertIsNotNone(run.report, run.stderr)
        return run.report["targets"][0]["status"]

    # -- a real Prometheus ------------------------------------------------

    def test_prometheus_scrapes(self):
        exp = self.exporter(25160, "--config", self.config,
                            "--min-interval", "0")
        # a second between scrapes (five under valgrind, where a battery
        # takes longer than the 750 ms a 1 s scrape timeout leaves)
        prom_conf = """\
global:
  scrape_interval: %ds
  scrape_timeout: %ds
  evaluation_interval: 1s
scrape_configs:
  - job_name: dns
    metrics_path: /probe
    params:
      module: [default]
    static_configs:
      - targets: ['%s', '%s']
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: %s:%d
""" % (5 if VALGRIND else 1, 5 if VALGRIND else 1, target(NSD),
       target(UNBOUND), EXPORTER_ADDR, exp.port)
        prom = Prometheus(prom_conf, self.work)
        try:
            want = {target(NSD): self.cli_status(NSD),
                    target(UNBOUND): self.cli_status(UNBOUND)}
            self.assertEqual(want[target(UNBOUND)], "critical")
            code = {"ok": 0, "warning": 1, "critical": 2, "unknown": 3}
            deadline = time.monotonic() + 60 * SLOW
            scrapes = {}
            while time.monotonic() < deadline:
                scrapes = prom.query(
                    'count_over_time(dnsprobe_target_status[5m])')
                if len(scrapes) == 2 and min(scrapes.values()) >= 2:
                    break
                time.sleep(0.5)
            self.assertEqual(set(scrapes), set(want),
                             "both targets scraped: %r" % scrapes)
            self.assertGreaterEqual(min(scrapes.values()), 2,
                                    "two scrapes each: %r" % scrapes)
            up = prom.query('up{job="dns"}')
            self.assertEqual(up, {t: 1.0 for t in want}, up)
            got = prom.query('dnsprobe_target_status{job="dns"}')
            self.assertEqual(got, {t: float(code[s]) for t, s in want.items()},
                             "dnsprobe_target_status as the command line "
                             "says")
            causes = prom.query('dnsprobe_target_cause{cause="client-refused"}')
            self.assertEqual(causes, {target(UNBOUND): 3.0}, causes)
            age = prom.query("dnsprobe_probe_cache_age_seconds")
            self.assertEqual(age, {t: 0.0 for t in want},
                             "--min-interval 0: every scrape probes")
        finally:
            prom.stop()
        # Prometheus sent its scrape timeout; each scrape was one line
        probes = [line for line in exp.lines() if "path=/probe" in line]
        self.assertGreaterEqual(len(probes), 4, exp.text())
        for line in probes:
            self.assertIn("status=200", line)

    # -- status codes ------------------------------------------------------

    def test_status_codes(self):
        exp = self.exporter(25161, "--config", self.config)
        p = exp.port
        # 200, a well-formed exposition that promtool accepts
        status, headers, body = http_get(p, probe_path(target(NSD)))
        self.assertEqual(status, 200, body)
        self.assertIn("text/plain; version=0.0.4", headers["content-type"])
        wellformed(self, body, "/probe")
        st = samples(body, "dnsprobe_target_status")
        self.assertEqual(len(st), 1, st)
        self.assertIn('target="%s"' % target(NSD), list(st)[0])
        self.assertIn('zone="example.test."', list(st)[0])
        self.assertIn("dnsprobe_probe_duration_seconds{", body)
        self.assertIn("dnsprobe_probe_cache_age_seconds{", body)
        checked = subprocess.run(["promtool", "check", "metrics"], input=body,
                                 capture_output=True, text=True, timeout=60)
        self.assertEqual(checked.returncode, 0, checked.stdout +
                         checked.stderr)
        # 400, one line each, naming the problem
        bad = [
            ("/probe", "missing target"),
            (probe_path("127.1"), "not a valid IPv4"),
            (probe_path("127.0.0.161:0"), "port '0'"),
            (probe_path(target(NSD), module="nosuch"), "unknown module"),
            (probe_path(target(NSD), zone="a..b"), "zone 'a..b'"),
            (probe_path(target(NSD), zonee="x"), "unknown parameter"),
            ("/probe?target=127.0.0.161%00x", "NUL"),
        ]
        for path, why in bad:
            with self.subTest(path=path):
                status, headers, body = http_get(p, path)
                self.assertEqual(status, 400, body)
                self.assertEqual(body.count("\n"), 1, body)
                self.assertIn(why, body)
        status, _, body = http_get(
            p, probe_path(target(NSD)),
            headers={"X-Prometheus-Scrape-Timeout-Seconds": "soon"})
        self.assertEqual(status, 400, body)
        self.assertIn("X-Prometheus-Scrape-Timeout-Seconds", body)
        # 403: loopback outside the allow-list, so that a regression
        # would still send nothing beyond this machine
        status, _, body = http_get(p, probe_path("127.0.0.200"))
        self.assertEqual(status, 403, body)
        # 404, 405
        status, _, body = http_get(p, "/nope")
        self.assertEqual(status, 404, body)
        status, headers, body = http_get(p, "/probe", method="DELETE")
        self.assertEqual(status, 405, body)
        self.assertEqual(headers.get("allow"), "GET, HEAD")
        # 504: a battery that cannot end within the scrape's time (spacing
        # 100 ms between 22 queries, a 1 s scrape timeout)
        status, _, body = http_get(
            p, probe_path(target(NSD), module="slow"),
            headers={"X-Prometheus-Scrape-Timeout-Seconds": "1"})
        self.assertEqual(status, 504, body)
        self.assertIn("750 ms", body)
        # HEAD, /healthz, /metrics (promtool accepts it too), /
        status, _, body = http_get(p, "/healthz", method="HEAD")
        self.assertEqual((status, body), (200, ""))
        status, _, body = http_get(p, "/metrics")
        self.assertEqual(status, 200)
        wellformed(self, body, "/metrics")
        checked = subprocess.run(["promtool", "check", "metrics"], input=body,
                                 capture_output=True, text=True, timeout=60)
        self.assertEqual(checked.returncode, 0, checked.stdout +
                         checked.stderr)
        rejected = samples(body, "dnsprobe_serve_rejected_total")
        self.assertEqual(rejected['{reason="bad-request"}'], len(bad) + 1)
        self.assertEqual(rejected['{reason="forbidden"}'], 1)
        self.assertEqual(rejected['{reason="not-found"}'], 1)
        self.assertEqual(rejected['{reason="method"}'], 1)
        self.assertEqual(rejected['{reason="timeout"}'], 1)
        status, headers, body = http_get(p, "/")
        self.assertEqual(status, 200)
        self.assertIn("text/html", headers["content-type"])
        for module in ("default", "hole", "slow"):
            self.assertIn("<td>%s</td>" % module, body)
        self.assertIn('href="/probe?target=127.0.0.161%3A25161&amp;module='
                      'default&amp;zone=example.test."', body)
        # one log line per request, with its status
        statuses = [re.search(r" status=(\d+)", line).group(1)
                    for line in exp.lines()]
        self.assertEqual(statuses.count("400"), len(bad) + 1, exp.text())
        for code in ("200", "403", "404", "405", "504"):
            self.assertIn(code, statuses)

    def test_hostile_requests(self):
        """What no scraper sends: a huge header, a body, garbage, a client
        that leaves while its battery runs. One line or a closed
        connection, never a crash."""
        exp = self.exporter(25162, "--config", self.config)
        p = exp.port
        for kw in ({"headers": {"X-Big": "a" * 20000}},
                   {"method": "POST", "body": "x" * 100},
                   {"headers": {"X-A%d" % i: "b" for i in range(2000)}}):
            with self.subTest(request=str(kw)[:40]):
                try:
                    status = http_get(p, "/healthz", **kw)[0]
                except (OSError, http.client.HTTPException):
                    status = 400  # the connection was closed: also a refusal
                self.assertGreaterEqual(status, 400)
        for raw in (b"\x00\x01\x02 garbage\r\n\r\n", b"GET /%ZZ HTTP/1.1\r\n"
                    b"Host: x\r\n\r\n", b"GET " + b"/" * 10000 +
                    b" HTTP/1.1\r\n\r\n"):
            with socket.create_connection((EXPORTER_ADDR, p),
                                          timeout=5 * SLOW) as s:
                s.sendall(raw)
                try:
                    s.recv(4096)
                except OSError:
                    pass
        # a client that goes away while its battery runs (a black hole)
        s = socket.create_connection((EXPORTER_ADDR, p), timeout=5)
        s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % probe_path(
            target(HOLES[0]), module="hole")).encode())
        time.sleep(0.2)
        s.close()
        time.sleep(1.5 * SLOW)
        self.assertEqual(http_get(p, "/healthz")[0], 200, exp.text())

    # -- the allow-list ------------------------------------------------------

    def test_allow_list(self):
        outside = Listener(*OUTSIDE)
        local = [Listener("127.0.0.1", LOCALHOST_PORT)]
        try:
            local.append(Listener("::1", LOCALHOST_PORT, socket.AF_INET6))
        except OSError:
            pass  # no IPv6 loopback here: nothing can be sent to it either
        try:
            exp = self.exporter(25163, "--allow-target", ALLOW,
                                "--allow-target", "localhost",
                                "--allow-target", "test.invalid")
            p = exp.port
            cases = [
                # an address outside the networks
                (target(OUTSIDE), 403, "outside the allow-list"),
                # a name outside the suffixes: not even resolved
                ("ns.example.org:%d" % LOCALHOST_PORT, 403,
                 "host name is outside"),
                # suffixes end at a label boundary
                ("xtest.invalid", 403, "host name is outside"),
                # a name inside whose addresses are not: refused once
                # resolved, before anything is sent
                ("localhost:%d" % LOCALHOST_PORT, 403, "its address"),
                # inside, but with no address (RFC 6761: asked of no one)
                ("ns1.test.invalid", 400, "no address"),
            ]
            for tgt, code, why in cases:
                with self.subTest(target=tgt):
                    status, _, body = http_get(p, probe_path(tgt))
                    self.assertEqual(status, code, body)
                    self.assertIn(why, body)
            time.sleep(0.3)
            self.assertEqual(outside.seen, 0, "a query reached %s" %
                             target(OUTSIDE))
            for lst in local:
                self.assertEqual(lst.seen, 0, "a query reached localhost")
            self.stopped_cleanly(exp)
            # the same name with its addresses allowed: every one probed
            exp = self.exporter(25164, "--allow-target", "127.0.0.1",
                                "--allow-target", "::1", "--allow-target",
                                "localhost")
            status, _, body = http_get(
                exp.port, probe_path("localhost:%d" % LOCALHOST_PORT,
                                     zone=ZONE))
            self.assertEqual(status, 200, body)
            st = samples(body, "dnsprobe_target_status")
            self.assertGreaterEqual(len(st), 1, body)
            for labels in st:
                self.assertIn('target="localhost:%d"' % LOCALHOST_PORT,
                              labels)
                self.assertRegex(labels, r'address="(127\.0\.0\.1|::1)"')
            self.assertGreater(local[0].seen, 0, "127.0.0.1 was probed")
        finally:
            outside.close()
            for lst in local:
                lst.close()

    # -- the minimum interval and the cache ------------------------------

    def test_cache(self):
        exp = self.exporter(25165, "--config", self.config, "--min-interval",
                            str(3000 * SLOW))
        p = exp.port
        _, _, first = http_get(p, probe_path(target(NSD)))
        _, _, second = http_get(p, probe_path(target(NSD)))
        age1 = samples(first, "dnsprobe_probe_cache_age_seconds")
        age2 = samples(second, "dnsprobe_probe_cache_age_seconds")
        dur1 = samples(first, "dnsprobe_probe_duration_seconds")
        dur2 = samples(second, "dnsprobe_probe_duration_seconds")
        self.assertEqual(list(age1.values()), [0.0])
        self.assertGreater(list(age2.values())[0], 0.0)
        self.assertLess(list(age2.values())[0], 3.0 * SLOW)
        self.assertEqual(dur1, dur2, "the same battery")
        # another zone is another key: probed
        _, _, other = http_get(p, probe_path(target(NSD), zone="."))
        self.assertEqual(list(samples(
            other, "dnsprobe_probe_cache_age_seconds").values()), [0.0])
        # concurrent scrapes of a running battery join it: one battery
        results = []

        def scrape():
            results.append(http_get(p, probe_path(target(HOLES[0]),
                                                  module="hole")))
        threads = [threading.Thread(target=scrape) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30 * SLOW)
        self.assertEqual([r[0] for r in results], [200] * 6)
        ages = {r[2].count("dnsprobe_target_status{") for r in results}
        self.assertEqual(ages, {1})
        _, _, metrics = http_get(p, "/metrics")
        probes = sum(samples(metrics, "dnsprobe_serve_probes_total").values())
        self.assertEqual(probes, 3, "batteries: nsd twice, the hole once")
        cache = samples(metrics, "dnsprobe_serve_cache_total")
        self.assertEqual(cache['{result="hit"}'] + cache['{result="join"}'],
                         6, cache)
        # after the interval: probed again
        time.sleep(3.2 * SLOW)
        _, _, third = http_get(p, probe_path(target(NSD)))
        self.assertEqual(list(samples(
            third, "dnsprobe_probe_cache_age_seconds").values()), [0.0])
        caches = [re.search(r" cache=(\w+)", line).group(1)
                  for line in exp.lines() if "path=/probe" in line]
        self.assertEqual(caches[:3], ["miss", "hit", "miss"], caches)

    # -- limits: a full queue ---------------------------------------------

    def test_full_queue(self):
        exp = self.exporter(25166, "--config", self.config, "--max-in-flight",
                            "1", "--max-queue", "1")
        p = exp.port
        results = {}
        hdr = {"X-Prometheus-Scrape-Timeout-Seconds": str(10 * SLOW)}

        def scrape(k):
            results[k] = http_get(p, probe_path(target(HOLES[k]),
                                                module="hole"), headers=hdr)
        first = threading.Thread(target=scrape, args=(0,))
        first.start()
        wait_metric(p, "dnsprobe_serve_probes_in_flight", 1)
        second = threading.Thread(target=scrape, args=(1,))
        second.start()
        wait_metric(p, "dnsprobe_serve_probes_queued", 1)
        status, headers, body = http_get(
            p, probe_path(target(HOLES[2]), module="hole"))
        self.assertEqual(status, 503, body)
        self.assertRegex(headers.get("retry-after", ""), r"^[1-9][0-9]*$")
        self.assertIn("try again later", body)
        for t in (first, second):
            t.join(timeout=30 * SLOW)
        self.assertEqual(results[0][0], 200, results[0][2])
        self.assertEqual(results[1][0], 200, results[1][2])
        _, _, metrics = http_get(p, "/metrics")
        self.assertEqual(samples(metrics, "dnsprobe_serve_rejected_total")[
            '{reason="overloaded"}'], 1)
        self.assertEqual(samples(metrics, "dnsprobe_serve_probes_in_flight"),
                         {"": 0.0})

    # -- SIGHUP -------------------------------------------------------------

    def test_reload(self):
        conf = os.path.join(self.work, "reload.yaml")
        with open(conf, "w", encoding="utf-8") as f:
            f.write("allow_targets: [%s]\nmodules:\n  a: {zone: %s}\n"
                    % (ALLOW, ZONE))
        exp = self.exporter(25167, "--config", conf)
        p = exp.port
        self.assertEqual(http_get(p, probe_path(target(NSD),
                                                module="a"))[0], 200)
        # a good file: module b replaces a
        with open(conf, "w", encoding="utf-8") as f:
            f.write("allow_targets: [%s]\nmodules:\n  b: {zone: %s}\n"
                    % (ALLOW, ZONE))
        exp.signal(signal.SIGHUP)
        deadline = time.monotonic() + 10 * SLOW
        while time.monotonic() < deadline and \
                not exp.lines("configuration reloaded"):
            time.sleep(0.1)
        self.assertTrue(exp.lines("configuration reloaded"), exp.text())
        self.assertEqual(http_get(p, probe_path(target(NSD),
                                                module="b"))[0], 200)
        status, _, body = http_get(p, probe_path(target(NSD), module="a"))
        self.assertEqual(status, 400, body)
        # a bad file: one line naming file, line and problem; b still works
        with open(conf, "w", encoding="utf-8") as f:
            f.write("modules:\n  b:\n    timeout: 5\n")
        exp.signal(signal.SIGHUP)
        deadline = time.monotonic() + 10 * SLOW
        while time.monotonic() < deadline and \
                not exp.lines("configuration not reloaded"):
            time.sleep(0.1)
        bad = exp.lines("configuration not reloaded")
        self.assertEqual(len(bad), 1, exp.text())
        self.assertIn("%s:3: b.timeout '5'" % conf, bad[0])
        self.assertEqual(http_get(p, probe_path(target(NSD),
                                                module="b"))[0], 200)
        _, _, metrics = http_get(p, "/metrics")
        self.assertEqual(samples(metrics,
                                 "dnsprobe_serve_config_reloads_total"),
                         {'{result="success"}': 1.0,
                          '{result="failure"}': 1.0})
        self.assertEqual(samples(
            metrics, "dnsprobe_serve_config_last_reload_successful"),
            {"": 0.0})

    def test_bad_start(self):
        """A bad configuration or command line at start: one line naming
        the problem (file and line for a file), exit 3, nothing served."""
        conf = os.path.join(self.work, "bad.yaml")
        with open(conf, "w", encoding="utf-8") as f:
            f.write("allow_targets:\n  - 127.0.0.0/8\n  - 300.1.1.1/8\n")
        cases = [
            (["--config", conf], "%s:3: allow_targets: '300.1.1.1/8'" % conf),
            (["--config", os.path.join(self.work, "none.yaml")],
             "cannot read"),
            (["--allow-target", "198.51.100.0/99"], "--allow-target"),
            (["--listen", "127.0.0.160"], "--listen"),
            (["--max-in-flight", "0"], "--max-in-flight"),
            (["--min-interval", "-1"], "--min-interval"),
            (["--frobnicate"], "unknown option"),
            (["extra"], "unexpected"),
        ]
        for args, why in cases:
            with self.subTest(args=args):
                r = subprocess.run([DNSPROBE, "serve", "--listen",
                                    "%s:25168" % EXPORTER_ADDR] + args
                                   if "--listen" not in args else
                                   [DNSPROBE, "serve"] + args,
                                   capture_output=True, text=True, timeout=30)
                self.assertEqual(r.returncode, 3, r.stderr)
                lines = r.stderr.strip("\n").split("\n")
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertTrue(lines[0].startswith("dnsprobe: serve: "),
                                lines[0])
                self.assertIn(why, lines[0])
        # the port is taken: one line, exit 3
        with socket.socket() as s:
            s.bind((EXPORTER_ADDR, 25168))
            s.listen(1)
            r = subprocess.run([DNSPROBE, "serve", "--listen",
                                "%s:25168" % EXPORTER_ADDR],
                               capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("cannot listen on 127.0.0.160:25168", r.stderr)
        r = subprocess.run([DNSPROBE, "serve", "--help"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0)
        self.assertIn("--allow-target", r.stdout)

    # -- SIGTERM with batteries in flight ---------------------------------

    def test_stop_in_flight(self):
        exp = Exporter(25169, ["--config", self.config], self.work)
        try:
            self.stop_in_flight(exp)
        finally:
            exp.stop()

    def stop_in_flight(self, exp):
        p = exp.port
        results = []

        def scrape(k):
            results.append(http_get(p, probe_path(target(HOLES[k]),
                                                  module="hole")))
        threads = [threading.Thread(target=scrape, args=(k,))
                   for k in range(3)]
        for t in threads:
            t.start()
        wait_metric(p, "dnsprobe_serve_probes_in_flight", 3)
        exp.signal(signal.SIGTERM)
        time.sleep(0.2 * SLOW)
        # no new connection is accepted once it stops
        refused = False
        try:
            http_get(p, "/healthz", timeout=2)
        except OSError:
            refused = True
        for t in threads:
            t.join(timeout=30 * SLOW)
        rc = exp.stop()
        self.assertEqual(rc, 0, exp.text())
        self.assertTrue(refused, "a connection accepted after SIGTERM")
        self.assertEqual([r[0] for r in results], [200] * 3, exp.text())
        for r in results:
            self.assertEqual(
                len(samples(r[2], "dnsprobe_target_status")), 1, r[2])
        self.assertTrue(exp.lines("stopped"), exp.text())


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
