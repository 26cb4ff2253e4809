#!/usr/bin/env python3
"""The dnsprobe binary's command line: bad input, help, docs, explain.

Every misuse must give exactly one line on stderr, exit 3, print no report,
and send nothing: each bad command names a target on which this test
listens (UDP and TCP on 127.0.0.60), and the listener must stay silent.
"""
import os
import re
import shlex
import socket
import subprocess
import sys
import unittest

DNSPROBE = os.environ.get("DNSPROBE", "build/dnsprobe")
SRCDIR = os.environ.get("DNSPROBE_SRCDIR", ".")
LISTEN = ("127.0.0.60", 53160)
T = "%s:%d" % LISTEN

# (case name, argv after the program name, fragment expected in stderr)
BAD = [
    ("no target", [], "TARGET"),
    ("unknown option", [T, "--frobnicate"], "frobnicate"),
    ("missing option value", [T, "--zone"], "zone"),
    ("value for a flag", [T, "--help=x"], "help"),
    ("bad IPv4", ["127.0.0.300"], "127.0.0.300"),
    ("short IPv4", ["127.1"], "127.1"),
    ("port 0", ["127.0.0.60:0"], "port"),
    ("port 65536", ["127.0.0.60:65536"], "port"),
    ("port 99999", ["127.0.0.60:99999"], "port"),
    ("non-numeric port", ["127.0.0.60:dns"], "port"),
    ("empty port", ["127.0.0.60:"], "port"),
    ("IPv6 port without brackets", ["::1:53160"], ""),
    ("IPv6 unclosed bracket", ["[::1:53160"], ""),
    ("IPv6 zone index", ["fe80::1%lo"], ""),
    ("label over 63", [T, "--zone", "a" * 64 + ".test"], "63"),
    ("name over 255", [T, "--zone", ".".join(["a" * 60] * 5)], "255"),
    ("empty label", [T, "--zone", "a..test"], "empty"),
    ("leading dot", [T, "--zone", ".test"], "empty"),
    ("bad recursion name", [T, "--recursion-name", "x..y"], "empty"),
    ("unknown probe", [T, "--probes", "udp,nonesuch"], "nonesuch"),
    ("empty probe list", [T, "--probes", ""], ""),
    ("empty element", [T, "--probes", "udp,,tcp"], ""),
    ("skip everything", [T, "--skip", "ALL_PROBES"], "probe"),
    ("unknown format", [T, "--format", "yaml"], "yaml"),
    ("unknown color", [T, "--color", "sometimes"], "sometimes"),
    ("timeout 0", [T, "--timeout", "0"], "timeout"),
    ("timeout negative", [T, "--timeout", "-5"], "timeout"),
    ("timeout absurd", [T, "--timeout", "86400000"], "timeout"),
    ("timeout junk", [T, "--timeout", "2s"], "timeout"),
    ("timeout overflow", [T, "--timeout", "99999999999999999999"], "timeout"),
    ("spacing negative", [T, "--spacing", "-1"], "spacing"),
    ("spacing over a minute", [T, "--spacing", "60001"], "spacing"),
    ("spacing junk", [T, "--spacing", "250ms"], "spacing"),
    ("-4 with -6", [T, "-4", "-6"], ""),
    ("-6 with an IPv4 literal", ["-6", T], ""),
    ("resolver host name", ["--zone", "example.test", "--resolver",
                            "ns.example.test"], "an address"),
    ("dnssec-warn 0", [T, "--dnssec-warn", "0"], "dnssec-warn"),
    ("dnssec-warn over a year", [T, "--dnssec-warn", "366"], "dnssec-warn"),
    ("dnssec-warn junk", [T, "--dnssec-warn", "7d"], "dnssec-warn"),
    ("dnssec-crit negative", [T, "--dnssec-crit=-1"], "dnssec-crit"),
    ("dnssec-crit above dnssec-warn", [T, "--dnssec-warn", "3",
                                       "--dnssec-crit", "4"], "dnssec-crit"),
    ("dnssec-crit above the default warning", [T, "--dnssec-crit", "8"],
     "the default"),
    ("bad resolver port", ["--zone", "example.test", "--resolver",
                           "127.0.0.60:0"], "port"),
]


def run(args, timeout=20):
    return subprocess.run([DNSPROBE] + args, capture_output=True, text=True,
                          timeout=timeout)


class BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        cls.udp.bind(LISTEN)
        cls.udp.setblocking(False)
        cls.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        cls.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        cls.tcp.bind(LISTEN)
        cls.tcp.listen(8)
        cls.tcp.setblocking(False)

    @classmethod
    def tearDownClass(cls):
        cls.udp.close()
        cls.tcp.close()

    def assert_nothing_sent(self, name):
        try:
            data = self.udp.recv(65535)
            self.fail("%s: a datagram was sent: %r" % (name, data[:16]))
        except BlockingIOError:
            pass
        try:
            conn, _ = self.tcp.accept()
            conn.close()
            self.fail("%s: a TCP connection was made" % name)
        except BlockingIOError:
            pass

    def test_bad_input(self):
        every = ",".join(line.split()[0] for line in
                         run(["--list-probes"]).stdout.splitlines())
        for name, args, fragment in BAD:
            with self.subTest(case=name):
                args = [every if a == "ALL_PROBES" else a for a in args]
                r = run(args)
                self.assertEqual(r.returncode, 3,
                                 "%s: exit %d, stderr %r" %
                                 (name, r.returncode, r.stderr))
                lines = r.stderr.strip("\n").split("\n")
                self.assertEqual(len(lines), 1,
                                 "%s: one line on stderr, got %r" %
                                 (name, r.stderr))
                self.assertTrue(lines[0].startswith("dnsprobe: "),
                                "%s: %r" % (name, lines[0]))
                self.assertIn(fragment, lines[0],
                              "%s: %r lacks %r" % (name, lines[0], fragment))
                self.assertEqual(r.stdout, "", "%s: no report" % name)
                self.assert_nothing_sent(name)

    def test_unresolvable_host_name(self):
        # RFC 6761 6.4: .invalid names fail at once, without a query to any
        # resolver (this test must send nothing beyond loopback).
        for name in ("no-such-host.invalid", "x.INVALID.", "invalid"):
            with self.subTest(name=name):
                r = run([name, "--timeout", "500"], timeout=30)
                self.assertEqual(r.returncode, 3, r.stderr)
                self.assertIn(name, r.stderr)
                self.assertIn("no address", r.stderr)
                self.assertEqual(r.stdout, "")
                self.assert_nothing_sent(name)


class ClosedStdout(unittest.TestCase):
    """A closed stdout or a reader that went away is a failure to do the
    job: exit 3 with one line, never a crash or a SIGPIPE death."""

    def test_closed_stdout(self):
        for args in (["--list-probes"], ["explain", "REFUSED"],
                     ["127.0.0.60:53163", "--probes", "udp", "--timeout",
                      "200"]):
            with self.subTest(args=args):
                r = subprocess.run(
                    ["sh", "-c", 'exec "$0" "$@" >&-', DNSPROBE] + args,
                    capture_output=True, text=True, timeout=20)
                self.assertEqual(r.returncode, 3, (args, r.stderr))
                self.assertEqual(len(r.stderr.strip().split("\n")), 1,
                                 r.stderr)

    def test_reader_gone(self):
        # stdout is a pipe whose read end is closed before dnsprobe starts,
        # so its first write fails with EPIPE: it must say so and exit 3,
        # not die of SIGPIPE (which would make the status negative).
        for args in (["explain", "--list"], ["--list-probes"]):
            with self.subTest(args=args):
                rd, wr = os.pipe()
                os.close(rd)
                try:
                    r = subprocess.run([DNSPROBE] + args, stdout=wr,
                                       stderr=subprocess.PIPE, text=True,
                                       timeout=20)
                finally:
                    os.close(wr)
                self.assertEqual(r.returncode, 3, (args, r.stderr))
                self.assertEqual(len(r.stderr.strip().split("\n")), 1,
                                 r.stderr)


class HostNameTargets(unittest.TestCase):
    """A host name is resolved (here from /etc/hosts) and every address it
    has becomes its own target; nothing listens on the port, so each probe
    ends port-unreachable, which also proves where it was sent."""

    def addresses_of_localhost(self):
        found = set()
        with open("/etc/hosts", encoding="utf-8") as f:
            for line in f:
                fields = line.split("#")[0].split()
                if len(fields) > 1 and "localhost" in fields[1:]:
                    found.add(fields[0])
        return found

    def test_localhost_expands_to_its_addresses(self):
        import json
        want = self.addresses_of_localhost()
        self.assertTrue(want, "/etc/hosts names localhost")
        r = run(["localhost:53162", "--probes", "udp", "--timeout", "300",
                 "--format", "json"])
        self.assertEqual(r.returncode, 2, r.stderr)
        targets = json.loads(r.stdout)["targets"]
        got = {t["address"] for t in targets}
        # c-ares 1.34 adds the loopback address of a family /etc/hosts does
        # not name for localhost (RFC 6761 6.3), as dnsprobe itself does
        # when /etc/hosts names none; 1.18 gives /etc/hosts' alone.
        self.assertTrue(want <= got <= want | {"127.0.0.1", "::1"},
                        "%s from /etc/hosts %s" % (sorted(got), sorted(want)))
        for t in targets:
            self.assertEqual(t["target"], "localhost:53162")
            self.assertEqual(t["port"], 53162)
            self.assertEqual(t["probes"][0]["outcome"], "port-unreachable")

    def test_family_filter(self):
        import json
        want = self.addresses_of_localhost()
        r = run(["-4", "localhost:53162", "--probes", "udp", "--timeout",
                 "300", "--format", "json"])
        self.assertEqual(r.returncode, 2, r.stderr)
        got = {t["address"] for t in json.loads(r.stdout)["targets"]}
        self.assertEqual(got, {a for a in want if ":" not in a})
        # RFC 6761 6.3: localhost is loopback even without a hosts entry
        # for the family, and c-ares never asks DNS for it.
        r = run(["-6", "localhost:53162", "--probes", "udp", "--timeout",
                 "300", "--format", "json"])
        self.assertEqual(r.returncode, 2, r.stderr)
        got = {t["address"] for t in json.loads(r.stdout)["targets"]}
        self.assertEqual(got, {"::1"})


class ShowCommands(unittest.TestCase):
    """--show-commands lists each probe's dig command under the table, the
    same text as the JSON's reproduce (a closed loopback port: nothing
    answers, the commands are there all the same)."""

    def test_commands_listed(self):
        import json
        target = ["127.0.0.58:53158", "--zone", "example.test", "--probes",
                  "udp,version", "--timeout", "300"]
        r = run(target + ["--show-commands", "--color", "never"])
        self.assertIn("Commands:", r.stdout)
        j = json.loads(run(target + ["--format", "json"]).stdout)
        for p in j["targets"][0]["probes"]:
            if p["outcome"] == "skipped":
                self.assertIsNone(p["reproduce"], p["id"])
                continue
            self.assertIn(p["reproduce"], r.stdout, p["id"])
        self.assertNotIn("Commands:", run(target).stdout)


class HelpAndDocs(unittest.TestCase):
    def read(self, rel):
        with open(os.path.join(SRCDIR, rel), encoding="utf-8") as f:
            return f.read()

    def test_help_version(self):
        r = run(["--help"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("TARGET", r.stdout)
        self.assertIn("explain", r.stdout)
        r = run(["--version"])
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^dnsprobe \d+\.\d+\.\d+\n"
                         r"c-ares \d+\.\d+\.\d+ \(built against "
                         r"\d+\.\d+\.\d+\)\n"
                         r"libevent \S+ \(built against \S+\)\n$")
        # the c-ares this build was configured with, loaded and built against
        built = os.environ.get("DNSPROBE_CARES_VERSION")
        if built:
            self.assertIn("\nc-ares %s (built against %s)\n" % (built, built),
                          r.stdout)

    def test_list_probes_is_the_table(self):
        r = run(["--list-probes"])
        self.assertEqual(r.returncode, 0)
        ids = [line.split()[0] for line in r.stdout.splitlines()]
        self.assertEqual(ids, ["udp", "tcp", "recursion", "axfr", "ixfr",
                               "update", "notify", "opcode", "plain", "edns",
                               "edns1", "ednsopt", "ednsflags", "zflag",
                               "type1000", "do", "bufsize512", "nsid",
                               "cookie", "version", "hostname", "idserver",
                               "dnskey", "nsec3param", "case"])

    def test_every_option_is_documented(self):
        helptext = run(["--help"]).stdout
        serve = run(["serve", "--help"])
        self.assertEqual(serve.returncode, 0, serve.stderr)
        self.assertIn("--allow-target", serve.stdout)
        options = sorted(set(re.findall(r"--[a-z][a-z0-9-]+",
                                        helptext + serve.stdout)))
        self.assertGreater(len(options), 8, helptext)
        serve_opts = set(re.findall(r"--[a-z][a-z0-9-]+", serve.stdout))
        readme = self.read("README.md")
        serve_doc = self.read("docs/serve.md")
        man = self.read("docs/dnsprobe.1").replace("\\-", "-")
        for opt in options:
            with self.subTest(option=opt):
                # the README's table is the main command's; serve's own
                # options are in its guide
                doc, name = ((serve_doc, "docs/serve.md")
                             if opt in serve_opts and opt not in helptext
                             else (readme, "README.md"))
                self.assertIn(opt, doc, "%s missing from %s" % (opt, name))
                self.assertIn(opt, man, "%s missing from the man page" % opt)

    def test_every_probe_is_documented(self):
        readme = self.read("README.md")
        man = self.read("docs/dnsprobe.1")
        for line in run(["--list-probes"]).stdout.splitlines():
            pid = line.split()[0]
            with self.subTest(probe=pid):
                self.assertIn("`%s`" % pid, readme)
                self.assertIn(pid, man)


class Completion(unittest.TestCase):
    """`dnsprobe completion bash`, sourced in a real bash: the function is
    registered, and what it offers comes from the program's own tables."""

    def complete(self, line, script=None):
        """COMPREPLY for the command line `line` (completing its last word;
        a trailing space starts a new one), as bash computes it."""
        words = line.split(" ")
        prog = ("source <(%s completion bash)\n"
                "complete -p dnsprobe >/dev/null || exit 9\n"
                "COMP_WORDS=(%s)\nCOMP_CWORD=%d\n_dnsprobe\n"
                "printf '%%s\\n' \"${COMPREPLY[@]}\"\n"
                % (shlex.quote(DNSPROBE),
                   " ".join(shlex.quote(w) for w in words), len(words) - 1))
        r = subprocess.run(["bash", "--norc", "-c", prog], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0, "%s: %s" % (line, r.stderr))
        return sorted(w for w in r.stdout.split("\n") if w)

    def test_registered(self):
        r = subprocess.run(["bash", "--norc", "-c",
                            "source <(%s completion bash) && complete -p "
                            "dnsprobe" % shlex.quote(DNSPROBE)],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("-F _dnsprobe dnsprobe", r.stdout)

    def test_offers(self):
        cases = [
            ("dnsprobe --for", ["--format"]),
            ("dnsprobe --format js", ["json", "jsonl"]),
            ("dnsprobe -p udp,t", ["udp,tcp", "udp,type1000"]),
            ("dnsprobe --expect a", ["authoritative", "auto"]),
            ("dnsprobe --fix-for pdns", ["pdns-auth", "pdns-recursor"]),
            ("dnsprobe --require ax", ["axfr="]),
            ("dnsprobe ex", ["explain"]),
            ("dnsprobe explain client-d", ["client-dropped"]),
            ("dnsprobe explain REF", ["REFUSED"]),
            ("dnsprobe completion ", ["bash", "zsh"]),
            ("dnsprobe --timeout ", []),
        ]
        for line, want in cases:
            with self.subTest(line=line):
                self.assertEqual(self.complete(line), want)

    def test_every_option_and_probe(self):
        """Nothing in --help or --list-probes is missing from the
        completion."""
        helptext = run(["--help"]).stdout
        opts = set(re.findall(r"--[a-z][a-z0-9-]+", helptext))
        # the main options, and those of the subcommands --help shows too
        offered = set(self.complete("dnsprobe -")) | set(
            self.complete("dnsprobe explain -")) | set(
            self.complete("dnsprobe summarize -")) | set(
            self.complete("dnsprobe serve -"))
        self.assertTrue(opts <= offered, sorted(opts - offered))
        probes = [line.split()[0] for line in
                  run(["--list-probes"]).stdout.splitlines()]
        self.assertEqual(sorted(self.complete("dnsprobe --probes ")),
                         sorted(probes))

    def test_zsh(self):
        r = run(["completion", "zsh"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("bashcompinit", r.stdout)

    def test_bad_shell(self):
        r = run(["completion", "fish"])
        self.assertEqual((r.returncode, r.stdout), (3, ""))
        self.assertEqual(len(r.stderr.strip().split("\n")), 1, r.stderr)


class CodesInManPage(unittest.TestCase):
    """The man page's CODES section lists every entry of the tables."""

    def test_every_code_is_in_the_man_page(self):
        import json
        r = run(["explain", "--list", "--format", "json"])
        self.assertEqual(r.returncode, 0, r.stderr)
        tables = json.loads(r.stdout)
        with open(os.path.join(SRCDIR, "docs/dnsprobe.1"),
                  encoding="utf-8") as f:
            man = f.read().replace("\\-", "-").replace("\\(em", "-")
        self.assertEqual(sorted(tables), ["causes", "ede", "opcodes",
                                          "rcodes"])
        readme = open(os.path.join(SRCDIR, "README.md"),
                      encoding="utf-8").read()
        for c in tables.pop("causes"):
            with self.subTest(cause=c["key"]):
                # the man page's DIAGNOSIS describes every root cause, and
                # the README's table lists every key
                self.assertIn("\n.B %s\n" % c["key"], man,
                              "cause %s missing from docs/dnsprobe.1"
                              % c["key"])
                self.assertIn("`%s`" % c["key"], readme,
                              "cause %s missing from README.md" % c["key"])
        for kind, entries in tables.items():
            for e in entries:
                with self.subTest(kind=kind, name=e["name"]):
                    self.assertIn(e["name"], man,
                                  "%s %s missing from docs/dnsprobe.1" %
                                  (kind, e["name"]))


class Explain(unittest.TestCase):
    def test_explain_through_the_binary(self):
        r = run(["explain", "REFUSED"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("REFUSED", r.stdout)
        r = run(["explain", "4", "5"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("NOTIMP", r.stdout)
        self.assertIn("REFUSED", r.stdout)
        for bad in (["FOO"], ["12"], ["24"], ["--ede", "99999"],
                    ["--opcode", "16"], []):
            with self.subTest(args=bad):
                r = run(["explain"] + bad)
                self.assertEqual(r.returncode, 3, (bad, r.stdout, r.stderr))
                self.assertEqual(len(r.stderr.strip().split("\n")), 1,
                                 r.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
