#!/usr/bin/env python3
"""The DNSSEC lab is what it says it is, before dnsprobe relies on it.

dnssec-auth (tests/support/lab.py, DNSSEC_ZONES; tests/lab/dnssec-auth) is
an NSD on 127.0.0.81:25381 serving zones that dnssec-signzone signed when
it started, each to show one DNSSEC state. For every zone this test asks
DNSKEY, SOA and NSEC3PARAM with DO=1 over TCP through lab.py's codec and
checks, from the bytes: the keys and RRSIGs are there with the algorithm
the zone was made with, the signer is the zone, the inception and
expiration are the offsets from the signing time the zone was made with,
and the NSEC3 parameters and the changed SOA serial are there. Then BIND's
delv, anchored at the zone's own key-signing key and asking only this
server, validates each zone's SOA: the valid zones are "fully validated",
and the broken ones fail for their own reason (expired, not yet valid,
failed to verify).

The expectations are written by hand from what each zone was made to
show; a zone added to the lab without them fails the test. Every query
goes to 127.0.0.81 and nowhere else; the server is stopped by PID by
lab.py, also when an assertion fails.
"""
import os
import struct
import subprocess
import sys
import time
import unittest

SRCDIR = os.environ.get("DNSPROBE_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRCDIR, "tests", "support"))
import lab  # noqa: E402

ADDR, PORT = "127.0.0.81", 25381
DAY = 86400
DELV_TIMEOUT = 30.0  # seconds for one delv run
NSEC3PARAM = 51
VALID = "; fully validated"

# zone: (DNSSEC algorithm number, RRSIG inception and expiration as
# seconds from the signing time, NSEC3 (salt hex, iterations) or None,
# what delv says about the SOA)
ZONES = {
    "secure.test": (13, -3600, 30 * DAY, None, VALID),
    "expiring.test": (13, -3600, 12 * 3600, None, VALID),
    "expired.test": (13, -31 * DAY, -DAY, None, "RRSIG has expired"),
    "future.test": (13, 2 * DAY, 32 * DAY, None,
                    "RRSIG validity period has not begun"),
    "bogus.test": (13, -3600, 30 * DAY, None, "RRSIG failed to verify"),
    "rsasha1.test": (5, -3600, 30 * DAY, None, VALID),
    "nsec3.test": (13, -3600, 30 * DAY, ("c0ffee", 10), VALID),
    "nsec3rsasha1.test": (7, -3600, 30 * DAY, ("", 0), VALID),
    "rsasha256.test": (8, -3600, 30 * DAY, None, VALID),
    "rsasha512.test": (10, -3600, 30 * DAY, None, VALID),
    "ecdsa384.test": (14, -3600, 30 * DAY, None, VALID),
    "ed25519.test": (15, -3600, 30 * DAY, None, VALID),
    "ed448.test": (16, -3600, 30 * DAY, None, VALID),
}
SOA_SERIAL = 2024010101
TAMPERED = {"bogus.test": 2024010199}


def rdata_bytes(text):
    """The RDATA of a record lab.py shows in RFC 3597 form (\\# len hex)."""
    parts = text.split()
    if parts[0] != "\\#":
        raise AssertionError("not generic RDATA: %s" % text)
    data = bytes.fromhex("".join(parts[2:]))
    if len(data) != int(parts[1]):
        raise AssertionError("RDATA length differs: %s" % text)
    return data


def wire_name(data, off):
    """An uncompressed name in RDATA (RFC 4034 3.1.7): (text, end)."""
    labels = []
    for _ in range(128):
        n = data[off]
        off += 1
        if n == 0:
            return ".".join(labels).lower() + ".", off
        if n > 63:
            raise AssertionError("compressed or bad name in RDATA")
        labels.append(data[off:off + n].decode("ascii"))
        off += n
    raise AssertionError("name too long")


def rrsig(text):
    """RFC 4034 3.1: the fields of an RRSIG, signer in text."""
    data = rdata_bytes(text)
    covered, alg, labels, ttl, exp, inc, tag = struct.unpack(
        "!HBBIIIH", data[:18])
    signer, end = wire_name(data, 18)
    return {"covered": covered, "alg": alg, "labels": labels,
            "expiration": exp, "inception": inc, "tag": tag,
            "signer": signer, "siglen": len(data) - end}


def ask(zone, qtype):
    """One DO=1 query over TCP; the reply as a lab.Message."""
    _, wire = lab.build_message(zone, qtype, edns=1232, dnssec_ok=True)
    msgs = lab.tcp_exchange(ADDR, PORT, wire, timeout=5.0)
    if not msgs:
        raise AssertionError("%s: no answer to type %d" % (zone, qtype))
    return lab.Message(msgs[0])


class DnssecLab(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # The signing time lies between these two.
        cls.before = int(time.time())
        cls.srv = lab.start("dnssec-auth", ADDR, PORT)
        cls.after = int(time.time()) + 1

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def test_every_zone_has_expectations(self):
        self.assertEqual(sorted(z.zone for z in lab.DNSSEC_ZONES),
                         sorted(ZONES))

    def answers(self, zone):
        out = {}
        for name, qtype in (("dnskey", lab.TYPE["DNSKEY"]),
                            ("soa", lab.TYPE["SOA"]),
                            ("nsec3param", NSEC3PARAM)):
            m = ask(zone, qtype)
            self.assertIsNone(m.parse_problem, "%s %s" % (zone, name))
            self.assertEqual(m.rcode_name, "NOERROR", "%s %s" % (zone, name))
            self.assertIn("aa", m.flag_names, "%s %s" % (zone, name))
            self.assertNotIn("tc", m.flag_names, "%s %s" % (zone, name))
            self.assertTrue(m.opt and m.opt["do"],
                            "%s %s: DO not echoed" % (zone, name))
            out[name] = m
        return out

    def test_keys_and_signatures(self):
        for zone, (alg, inc, exp, _, _) in ZONES.items():
            with self.subTest(zone=zone):
                a = self.answers(zone)
                keys = [r for r in a["dnskey"].records()
                        if r[3] == lab.TYPE["DNSKEY"]]
                flags = sorted(int(r[4].split()[0]) for r in keys)
                self.assertEqual(flags, [256, 257], zone)
                self.assertEqual({int(r[4].split()[2]) for r in keys}, {alg},
                                 zone)
                sigs = []
                for name, covered in (("dnskey", lab.TYPE["DNSKEY"]),
                                      ("soa", lab.TYPE["SOA"])):
                    found = [rrsig(r[4]) for r in a[name].records()
                             if r[3] == lab.TYPE["RRSIG"]]
                    self.assertTrue(found, "%s: %s unsigned" % (zone, name))
                    for s in found:
                        self.assertEqual(s["covered"], covered, zone)
                    sigs += found
                for s in sigs:
                    self.assertEqual(s["alg"], alg, zone)
                    self.assertEqual(s["signer"], zone + ".", zone)
                    self.assertEqual(s["labels"], 2, zone)
                    self.assertGreater(s["siglen"], 0, zone)
                    # -s and -e were the signing time plus the offsets.
                    self.assertGreaterEqual(s["inception"],
                                            self.before + inc - 1, zone)
                    self.assertLessEqual(s["inception"], self.after + inc,
                                         zone)
                    self.assertGreaterEqual(s["expiration"],
                                            self.before + exp - 1, zone)
                    self.assertLessEqual(s["expiration"], self.after + exp,
                                         zone)

    def test_states_against_the_clock(self):
        now = int(time.time())
        soa = {z: [rrsig(r[4]) for r in ask(z, lab.TYPE["SOA"]).records()
                   if r[3] == lab.TYPE["RRSIG"]]
               for z in ("expiring.test", "expired.test", "future.test")}
        for s in soa["expiring.test"]:
            self.assertGreater(s["expiration"], now)
            self.assertLess(s["expiration"], now + DAY)
        for s in soa["expired.test"]:
            self.assertLess(s["expiration"], now)
        for s in soa["future.test"]:
            self.assertGreater(s["inception"], now)

    def test_soa_serials(self):
        for zone in ZONES:
            with self.subTest(zone=zone):
                soa = [r[4] for r in ask(zone, lab.TYPE["SOA"]).records()
                       if r[3] == lab.TYPE["SOA"]]
                self.assertEqual(len(soa), 1, zone)
                self.assertEqual(int(soa[0].split()[2]),
                                 TAMPERED.get(zone, SOA_SERIAL), zone)

    def test_nsec3_parameters(self):
        for zone, (_, _, _, nsec3, _) in ZONES.items():
            with self.subTest(zone=zone):
                recs = [rdata_bytes(r[4])
                        for r in ask(zone, NSEC3PARAM).records()
                        if r[3] == NSEC3PARAM]
                if nsec3 is None:
                    self.assertEqual(recs, [], zone)
                    continue
                self.assertEqual(len(recs), 1, zone)
                # RFC 5155 4.2: hash, flags, iterations, salt length, salt.
                hash_alg, flags, iterations, salt_len = struct.unpack(
                    "!BBHB", recs[0][:5])
                self.assertEqual((hash_alg, flags), (1, 0), zone)
                self.assertEqual(iterations, nsec3[1], zone)
                self.assertEqual(recs[0][5:5 + salt_len].hex(), nsec3[0],
                                 zone)
                self.assertEqual(len(recs[0]), 5 + salt_len, zone)

    def test_delv_validates(self):
        for zone, (_, _, _, _, says) in ZONES.items():
            with self.subTest(zone=zone):
                ksk = [r[4] for r in ask(zone, lab.TYPE["DNSKEY"]).records()
                       if r[3] == lab.TYPE["DNSKEY"]
                       and int(r[4].split()[0]) & 1]
                self.assertEqual(len(ksk), 1, zone)
                flags, proto, alg, key = ksk[0].split(None, 3)
                anchor = os.path.join(self.srv.dir, zone + ".anchor")
                with open(anchor, "w", encoding="ascii") as f:
                    f.write('trust-anchors { "%s." static-key %s %s %s '
                            '"%s"; };\n' % (zone, flags, proto, alg, key))
                proc = subprocess.run(
                    ["delv", "@" + ADDR, "-p", str(PORT), "-a", anchor,
                     "+root=" + zone, "+tcp", "+vtrace", zone, "SOA"],
                    stdin=subprocess.DEVNULL, capture_output=True,
                    timeout=DELV_TIMEOUT)
                out = proc.stdout.decode("utf-8", "replace")
                err = proc.stderr.decode("utf-8", "replace")
                if says == VALID:
                    self.assertIn(VALID, out, "%s:\n%s" % (zone, err))
                else:
                    self.assertNotIn(VALID, out, zone)
                    self.assertIn(says, err, "%s:\n%s" % (zone, err))


def tearDownModule():
    lab.stop_all()


if __name__ == "__main__":
    unittest.main(verbosity=2)
