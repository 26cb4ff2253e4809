#!/usr/bin/env python3
"""test_installed.py: the installed dnsprobe package, as a user gets it.

scripts/test-deb builds the package, installs it and runs this file with
DNSPROBE=/usr/bin/dnsprobe. It checks that the package holds the binary,
the man page, the examples and the bash completion (which registers its
function when sourced); that --version names the
c-ares and libevent it runs on; that the package keeps c-ares within the
family dnsprobe was built for; and that the installed binary probes a
lab nameserver (NSD on 127.0.0.61) and reports it as authoritative.

Invariants: the only server is on loopback and is stopped by PID (lab.py);
every wait has a deadline.
"""

import os
import re
import subprocess
import sys
import unittest

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import lab  # noqa: E402

BINARY = "/usr/bin/dnsprobe"
ADDR, PORT = "127.0.0.61", 54261


def package_files():
    out = subprocess.run(["dpkg", "-L", "dnsprobe"], capture_output=True,
                         text=True, timeout=30, check=True).stdout
    return set(out.split())


class Installed(unittest.TestCase):
    def test_binary_is_the_one_under_test(self):
        self.assertEqual(os.environ.get("DNSPROBE"), BINARY)

    def test_package_contents(self):
        files = package_files()
        for path in (BINARY, "/usr/share/man/man1/dnsprobe.1.gz",
                     "/usr/share/doc/dnsprobe/copyright",
                     "/usr/share/doc/dnsprobe/examples/nagios-command.cfg"):
            self.assertIn(path, files)
            self.assertTrue(os.path.exists(path), path)
        # the references the man page points to (debhelper compresses
        # those over 4 KiB)
        for doc in ("json.md", "serve.md", "fleets.md"):
            path = "/usr/share/doc/dnsprobe/" + doc
            self.assertTrue(path in files or path + ".gz" in files, doc)
        self.assertIn("/usr/share/doc/dnsprobe/examples/serve.example.yaml",
                      files)
        completion = "/usr/share/bash-completion/completions/dnsprobe.bash"
        self.assertIn(completion, files)
        # bash-completion (2.10 and later) loads it on demand by the
        # command's name with ".bash"; sourced, it registers the function
        r = subprocess.run(["bash", "--norc", "-c", "source %s && complete "
                            "-p dnsprobe" % completion], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_version(self):
        r = subprocess.run([BINARY, "--version"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, re.compile(
            r"^dnsprobe \d+\.\d+\.\d+\n"
            r"c-ares (\d+\.\d+\.\d+) \(built against \d+\.\d+\.\d+\)\n"
            r"libevent \S+ \(built against \S+\)\n$"))

    def test_depends_on_its_cares_family(self):
        r = subprocess.run([BINARY, "--version"], capture_output=True,
                           text=True, timeout=30)
        built = re.search(r"built against (\d+)\.(\d+)\.", r.stdout)
        minor = int(built.group(2))
        end = "1.22~" if minor < 22 else "1.34~" if minor < 34 else "1.35~"
        depends = subprocess.run(
            ["dpkg-query", "-W", "-f=${Depends}", "dnsprobe"],
            capture_output=True, text=True, timeout=30, check=True).stdout
        self.assertRegex(depends, r"(^|, )lib(c-ares|cares)2 \(<< %s\)"
                         % re.escape(end))

    def test_probe_a_lab_server(self):
        with lab.Server("nsd", ADDR, PORT) as srv:
            run = lab.run_dnsprobe([srv.target, "--zone", "example.test",
                                    "--probes", "udp,tcp,axfr,opcode"])
        self.assertIn(run.code, (0, 1, 2), run.stderr)
        self.assertEqual(run.argv[0], BINARY)
        self.assertEqual(run.target()["role"], "authoritative")
        self.assertEqual(run.probe("udp")["outcome"], "answer")
        self.assertEqual(run.probe("udp")["verdict"], "authoritative")
        self.assertEqual(run.probe("opcode")["outcome"], "answer")


if __name__ == "__main__":
    unittest.main(verbosity=2)
