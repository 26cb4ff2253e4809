#!/usr/bin/env python3
"""hostile.py: a DNS responder that answers badly on purpose.

dnsprobe's integration suite points the real binary at it to show that no
reply, however broken, crashes dnsprobe, keeps it past --timeout or earns a
wrong verdict. One process serves one scenario from SCENARIOS; each row says,
in its doc string, what a UDP client and a TCP client get.

    python3 hostile.py --addr 127.0.0.201 --port 55053 --scenario ok

prints "ready" on stdout once its sockets are bound and serves until it is
killed. With --record FILE it appends every query it receives to FILE, one
line each, "udp " or "tcp " and the message in hex, before answering it.
Imported, it offers SCENARIOS, Query and Responder.

Invariants:
- It binds only to loopback (127.0.0.0/8 or ::1), only answers the peer that
  asked, and never sends a query of its own: there is no recursion here.
- Every wait is bounded: SIGALRM ends the process after --lifetime seconds
  (120 by default) whatever its threads are doing; TCP reads and writes time
  out; threads per process are capped; --watch-stdin exits when the parent's
  pipe closes.
- Replies are built by hand with struct (RFC 1035 4.1), so they can be as
  wrong as a scenario needs. Only the query is parsed, minimally: ID, flags,
  the first question and an OPT record (RFC 6891 6.1.2).
"""

import argparse
import collections
import ipaddress
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

TYPE_A = 1
TYPE_SOA = 6
TYPE_OPT = 41
TYPE_IXFR = 251
TYPE_AXFR = 252
CLASS_IN = 1

RCODE_NOERROR = 0
RCODE_FORMERR = 1
RCODE_SERVFAIL = 2
RCODE_NXDOMAIN = 3
RCODE_NOTIMP = 4
RCODE_REFUSED = 5

OPCODE_QUERY = 0

# RFC 1035 4.1.1 header flag bits.
FLAG_QR = 0x8000
FLAG_AA = 0x0400
FLAG_TC = 0x0200
FLAG_RD = 0x0100

EDNS_DO = 0x8000
OPTION_EDE = 15  # RFC 8914 2
EDE_PROHIBITED = 18
EDE_TEXT = b"hostile: prohibited by test policy"

DEFAULT_ZONE = "example.test"
DEFAULT_LIFETIME = 120
MAX_LIFETIME = 600
SOA_SERIAL = 2024010101

IO_TIMEOUT = 10.0  # one TCP read or write
HOLD_LIMIT = 30.0  # keeping a silent connection open
MAX_THREADS = 64  # TCP connections plus delayed UDP sends in flight
MAX_QUERIES_PER_CONN = 16
LATE_DELAY = 3.0
SLOW_DELAY = 0.01  # a forwarder folds what comes meanwhile; under the grace
DRIP_INTERVAL = 1.0
TC_TCP_DELAY = 0.3
AXFR_RECORDS_PER_MSG = 50
UDP_GARBAGE_LEN = 65507  # the largest IPv4 UDP payload
TCP_GARBAGE_LEN = 0xFFFF


# --- names -------------------------------------------------------------------


def name_to_wire(text):
    """Presentation form ("example.test", "." for the root) to wire form."""
    out = bytearray()
    for label in text.strip(".").split("."):
        if not label:
            continue
        raw = label.encode("ascii")
        if len(raw) > 63:
            raise ValueError("label longer than 63 bytes: %r" % label)
        out.append(len(raw))
        out += raw
    out.append(0)
    if len(out) > 255:
        raise ValueError("name longer than 255 bytes: %r" % text)
    return bytes(out)


def wire_labels(wire):
    """Lower-cased labels of an uncompressed wire name, root last omitted."""
    labels = []
    off = 0
    while off < len(wire) and wire[off]:
        n = wire[off]
        labels.append(wire[off + 1 : off + 1 + n].lower())
        off += 1 + n
    return labels


def pointer(offset):
    """A compression pointer (RFC 1035 4.1.4) to offset (14 bits)."""
    return struct.pack("!H", 0xC000 | (offset & 0x3FFF))


def skip_name(data, off):
    """Offset just past a possibly compressed name at off; bounded."""
    for _ in range(128):
        if off >= len(data):
            raise ValueError("name runs past the message")
        n = data[off]
        if n & 0xC0 == 0xC0:
            return off + 2
        if n & 0xC0:
            raise ValueError("unknown label type")
        if n == 0:
            return off + 1
        off += 1 + n
    raise ValueError("too many labels")


def read_plain_name(data, off):
    """An uncompressed name at off: (wire bytes, next offset)."""
    start = off
    while True:
        if off >= len(data):
            raise ValueError("name runs past the message")
        n = data[off]
        if n & 0xC0:
            raise ValueError("compressed or extended label in a question")
        off += 1 + n
        if n == 0:
            break
        if off - start > 255:
            raise ValueError("name longer than 255 bytes")
    return data[start:off], off


# --- the query ---------------------------------------------------------------

Edns = collections.namedtuple("Edns", "version udp_size flags")


class Query:
    """What hostile.py reads from a query: the header, first question, OPT."""

    def __init__(self):
        self.id = 0
        self.flags = 0
        self.opcode = 0
        self.rd = False
        self.qdcount = 0
        self.qname = None  # wire form, uncompressed, or None
        self.qtype = None
        self.qclass = None
        self.question = b""  # the raw first question entry
        self.edns = None

    @classmethod
    def parse(cls, data):
        """Parse a query; None when it is shorter than a header."""
        if len(data) < 12:
            return None
        q = cls()
        q.id, q.flags, qd, an, ns, ar = struct.unpack_from("!6H", data)
        q.opcode = (q.flags >> 11) & 0xF
        q.rd = bool(q.flags & FLAG_RD)
        q.qdcount = qd
        off = 12
        try:
            if qd:
                q.qname, off = read_plain_name(data, off)
                q.qtype, q.qclass = struct.unpack_from("!HH", data, off)
                off += 4
                q.question = data[12:off]
                for _ in range(qd - 1):
                    off = skip_name(data, off) + 4
            for i in range(an + ns + ar):
                owner = off
                off = skip_name(data, off)
                rtype, rclass, ttl, rdlen = struct.unpack_from("!HHIH", data,
                                                               off)
                off += 10 + rdlen
                if off > len(data):
                    raise ValueError("RDATA runs past the message")
                # RFC 6891 6.1.2/6.1.3: CLASS is the UDP size, TTL holds
                # extended RCODE, version and flags.
                if i >= an + ns and rtype == TYPE_OPT and q.edns is None:
                    if data[owner] == 0:
                        q.edns = Edns((ttl >> 16) & 0xFF, rclass,
                                      ttl & 0xFFFF)
        except (ValueError, struct.error):
            pass  # keep what could be read: a hostile server is not picky
        return q

    def in_zone(self, zone_wire):
        """Whether the question name is the zone or below it."""
        if self.qname is None:
            return False
        zl = wire_labels(zone_wire)
        ql = wire_labels(self.qname)
        return len(ql) >= len(zl) and ql[len(ql) - len(zl) :] == zl

    def is_apex(self, zone_wire):
        return (self.qname is not None
                and wire_labels(self.qname) == wire_labels(zone_wire))


# --- reply pieces (RFC 1035 4.1, RFC 6891 6.1, RFC 8914 2) -------------------


def reply_flags(q, rcode=RCODE_NOERROR, aa=False, tc=False):
    """Header flags of a reply: QR, the query's opcode and RD copied."""
    f = FLAG_QR | (q.opcode << 11) | (rcode & 0xF)
    if aa:
        f |= FLAG_AA
    if tc:
        f |= FLAG_TC
    if q.rd:
        f |= FLAG_RD
    return f


def rr(owner, rtype, rdata, ttl=3600, rclass=CLASS_IN, rdlength=None):
    """One resource record; rdlength may lie about len(rdata)."""
    n = len(rdata) if rdlength is None else rdlength
    return owner + struct.pack("!HHIH", rtype, rclass, ttl, n) + rdata


def soa_rdata(zone_wire):
    mname = b"\x02ns" + zone_wire
    rname = b"\x0ahostmaster" + zone_wire
    timers = struct.pack("!5I", SOA_SERIAL, 3600, 900, 604800, 300)
    return mname + rname + timers


def a_rdata(n):
    return bytes((127, 0, (n >> 8) & 0xFF, n & 0xFF))


def opt_rr(udp_size=1232, ext_rcode=0, version=0, flags=0, options=b""):
    """An OPT pseudo-RR: root owner, CLASS is the UDP size, TTL holds the
    extended RCODE, version and flags."""
    ttl = (ext_rcode << 24) | (version << 16) | flags
    return rr(b"\x00", TYPE_OPT, options, ttl=ttl, rclass=udp_size)


def edns_option(code, data):
    return struct.pack("!HH", code, len(data)) + data


def ede_option(info_code, text=b""):
    return edns_option(OPTION_EDE, struct.pack("!H", info_code) + text)


def message(q, flags, question=None, qdcount=None, an=(), ns=(), ar=(),
            ancount=None, msg_id=None):
    """Assemble a message; counts follow the sections unless overridden."""
    qsec = q.question if question is None else question
    qd = (1 if qsec else 0) if qdcount is None else qdcount
    acount = len(an) if ancount is None else ancount
    hdr = struct.pack(
        "!6H", q.id if msg_id is None else msg_id, flags, qd, acount,
        len(ns), len(ar))
    return hdr + qsec + b"".join(an) + b"".join(ns) + b"".join(ar)


def echo_opt(q):
    """The OPT a correct server returns to q: version 0, DO copied."""
    if q.edns is None:
        return []
    return [opt_rr(flags=q.edns.flags & EDNS_DO)]


def answer_owner(q, ctx):
    """Owner of an answer record: a pointer to the question name if any."""
    return pointer(12) if q.question else ctx.zone_wire


def soa_answer(q, ctx):
    """NOERROR, AA, the question echoed and the zone's SOA as the answer."""
    soa = rr(answer_owner(q, ctx), TYPE_SOA, soa_rdata(ctx.zone_wire))
    return message(q, reply_flags(q, aa=True), an=[soa], ar=echo_opt(q))


# --- the correct answer (the control case) -----------------------------------


def answer_ok(q, ctx):
    """What a strict authoritative server for ctx.zone says to q."""
    if q.qname is None:
        return message(q, reply_flags(q, RCODE_FORMERR), qdcount=0)
    if q.opcode != OPCODE_QUERY:
        # RFC 8906 8.1.4: NOTIMP to an opcode we do not serve, no OPT.
        return message(q, reply_flags(q, RCODE_NOTIMP))
    if q.edns is not None and q.edns.version > 0:
        # RFC 6891 6.1.3: BADVERS is 16, header 0 plus extended RCODE 1.
        return message(q, reply_flags(q), ar=[opt_rr(ext_rcode=1)])
    if q.qclass != CLASS_IN or not q.in_zone(ctx.zone_wire):
        return message(q, reply_flags(q, RCODE_REFUSED), ar=echo_opt(q))
    if q.qtype in (TYPE_AXFR, TYPE_IXFR):
        return message(q, reply_flags(q, RCODE_REFUSED), ar=echo_opt(q))
    if q.is_apex(ctx.zone_wire) and q.qtype == TYPE_SOA:
        return soa_answer(q, ctx)
    soa = rr(ctx.zone_wire, TYPE_SOA, soa_rdata(ctx.zone_wire))
    rcode = RCODE_NOERROR if q.is_apex(ctx.zone_wire) else RCODE_NXDOMAIN
    return message(q, reply_flags(q, rcode, aa=True), ns=[soa], ar=echo_opt(q))


# --- broken answers ----------------------------------------------------------


def answer_wrong_id(q, ctx):
    return message_with_id(answer_ok(q, ctx), (q.id + 1) & 0xFFFF)


def message_with_id(msg, msg_id):
    return struct.pack("!H", msg_id) + msg[2:]


def answer_lowercase(q, ctx):
    """The ok answer with the question's name lowercased (RFC 1035 4.1.2
    wants it copied as asked)."""
    reply = answer_ok(q, ctx)
    if not q.question:
        return reply
    lowered = bytes(c | 0x20 if 0x41 <= c <= 0x5A else c
                    for c in q.question[:-4]) + q.question[-4:]
    return reply[:12] + lowered + reply[12 + len(q.question):]


def answer_other_question(q, ctx):
    other = name_to_wire("other.invalid") + struct.pack("!HH", TYPE_SOA,
                                                         CLASS_IN)
    soa = rr(pointer(12), TYPE_SOA, soa_rdata(ctx.zone_wire))
    return message(q, reply_flags(q, aa=True), question=other, an=[soa],
                   ar=echo_opt(q))


def answer_qdcount0(q, ctx):
    if q.opcode == OPCODE_QUERY:
        return answer_ok(q, ctx)
    # BIND 9.18 and NSD 4.6: NOTIMP with an empty question section.
    return message(q, reply_flags(q, RCODE_NOTIMP), question=b"")


def answer_short_header(q, _ctx):
    # The ID, the flags and one byte of QDCOUNT: 5 of 12 header bytes.
    return struct.pack("!HHB", q.id, reply_flags(q, aa=True), 0)


def answer_counts_beyond(q, ctx):
    soa = rr(answer_owner(q, ctx), TYPE_SOA, soa_rdata(ctx.zone_wire))
    return message(q, reply_flags(q, aa=True), an=[soa], ancount=50)


def answer_body_offset(q):
    return 12 + len(q.question)


def answer_self_loop(q, _ctx):
    # The owner name is a pointer to itself.
    x = answer_body_offset(q)
    rec = rr(pointer(x), TYPE_A, a_rdata(1))
    return message(q, reply_flags(q, aa=True), an=[rec])


def answer_two_pointer_loop(q, _ctx):
    # Owner 1 is "a" then a pointer to owner 2; owner 2 points back to 1.
    x = answer_body_offset(q)
    y = x + 4 + 10 + 4
    rec1 = rr(b"\x01a" + pointer(y), TYPE_A, a_rdata(1))
    rec2 = rr(pointer(x), TYPE_A, a_rdata(2))
    assert len(rec1) == y - x
    return message(q, reply_flags(q, aa=True), an=[rec1, rec2])


def answer_pointer_past_end(q, _ctx):
    rec = rr(pointer(0x3FFF), TYPE_A, a_rdata(1))
    return message(q, reply_flags(q, aa=True), an=[rec])


def answer_long_label(q, _ctx):
    # A length byte of 64: the top bits 01 are the obsolete extended label
    # type (RFC 6891 5), never a valid ordinary label (RFC 1035 2.3.4).
    rec = rr(b"\x40" + b"x" * 64 + b"\x00", TYPE_A, a_rdata(1))
    return message(q, reply_flags(q, aa=True), an=[rec])


def answer_long_name(q, ctx):
    # Each owner is a 63-byte label plus a pointer to the previous owner, so
    # the names grow by 64 bytes; the fourth is longer than 255 bytes.
    prev = 12 if q.question else None
    off = answer_body_offset(q)
    recs = []
    for i in range(4):
        tail = pointer(prev) if prev is not None else ctx.zone_wire
        owner = bytes([63]) + bytes([ord("a") + i]) * 63 + tail
        rec = rr(owner, TYPE_A, a_rdata(i))
        recs.append(rec)
        prev = off
        off += len(rec)
    return message(q, reply_flags(q, aa=True), an=recs)


def answer_rdlength_beyond(q, ctx):
    rdata = soa_rdata(ctx.zone_wire)
    soa = rr(answer_owner(q, ctx), TYPE_SOA, rdata, rdlength=len(rdata) + 200)
    return message(q, reply_flags(q, aa=True), an=[soa])


def answer_two_opt(q, ctx):
    soa = rr(answer_owner(q, ctx), TYPE_SOA, soa_rdata(ctx.zone_wire))
    return message(q, reply_flags(q, aa=True), an=[soa],
                   ar=[opt_rr(), opt_rr(udp_size=4096)])


def answer_ede_bad_length(q, _ctx):
    # RFC 8914 2: INFO-CODE is 2 bytes; this option carries 1.
    bad = edns_option(OPTION_EDE, b"\x12")
    return message(q, reply_flags(q, RCODE_REFUSED), ar=[opt_rr(options=bad)])


def answer_tc(q, _ctx):
    return message(q, reply_flags(q, aa=True, tc=True), ar=echo_opt(q))


def answer_servfail(q, _ctx):
    return message(q, reply_flags(q, RCODE_SERVFAIL), ar=echo_opt(q))


def answer_refused_ede(q, _ctx):
    ede = ede_option(EDE_PROHIBITED, EDE_TEXT)
    return message(q, reply_flags(q, RCODE_REFUSED), ar=[opt_rr(options=ede)])


def answer_badvers(q, _ctx):
    # RFC 6891 6.1.3: header RCODE 0, OPT extended RCODE 1: 16, BADVERS.
    return message(q, reply_flags(q), ar=[opt_rr(ext_rcode=1)])


def garbage(q, ctx, length):
    """length random bytes that start with the query's ID."""
    return struct.pack("!H", q.id) + ctx.rng.randbytes(length - 2)


def transfer_messages(q, ctx):
    """An AXFR-style stream (RFC 5936 2.2) that never sends the closing SOA:
    the first message holds the SOA, every message 50 A records."""
    serial = 0
    first = True
    while True:
        recs = []
        if first:
            recs.append(rr(pointer(12), TYPE_SOA, soa_rdata(ctx.zone_wire)))
        for _ in range(AXFR_RECORDS_PER_MSG):
            label = b"h%d" % serial
            recs.append(rr(bytes([len(label)]) + label + pointer(12), TYPE_A,
                           a_rdata(serial)))
            serial += 1
        yield message(q, reply_flags(q, aa=True), an=recs)
        first = False


# --- transports --------------------------------------------------------------


def udp_send(build, times=1, delay=0.0, alt=False):
    """A UDP behaviour: answer with build(q, ctx), times times, after delay,
    from the alternate socket when alt."""

    def behaviour(q, ctx):
        payload = build(q, ctx)
        return [(delay, payload, alt)] * times

    return behaviour


def udp_silent(_q, _ctx):
    return []


def udp_garbage(q, ctx):
    return [(0.0, garbage(q, ctx, UDP_GARBAGE_LEN), False)]


class TcpPeer:
    """One accepted TCP connection, with the few moves scenarios make."""

    def __init__(self, conn, stop):
        self.conn = conn
        self.stop = stop
        self.done = False  # read no more queries on this connection

    def frame(self, payload):
        """Send one message with its RFC 1035 4.2.2 length prefix."""
        self.conn.sendall(struct.pack("!H", len(payload) & 0xFFFF) + payload)

    def raw(self, data):
        self.conn.sendall(data)

    def sleep(self, seconds):
        return not self.stop.wait(seconds)

    def hold(self):
        """Keep the connection open, answering nothing, until the client
        closes it or HOLD_LIMIT passes."""
        self.conn.settimeout(1.0)
        for _ in range(int(HOLD_LIMIT)):
            if self.stop.is_set():
                break
            try:
                if not self.conn.recv(4096):
                    break
            except socket.timeout:
                continue
            except OSError:
                break
        self.done = True

    def reset(self):
        """Close with RST instead of FIN: SO_LINGER on with a zero timeout."""
        self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
        self.conn.close()
        self.done = True

    def close(self):
        self.conn.close()
        self.done = True


def tcp_send(build, times=1):
    def behaviour(peer, q, ctx):
        payload = build(q, ctx)
        for _ in range(times):
            peer.frame(payload)

    return behaviour


def tcp_silent(peer, _q, _ctx):
    peer.hold()


def tcp_broken_after_delay(peer, q, ctx):
    # Slow then broken: half a message after a pause, then FIN.
    if not peer.sleep(TC_TCP_DELAY):
        return
    msg = answer_ok(q, ctx)
    peer.raw(struct.pack("!H", len(msg)) + msg[: len(msg) // 2])
    peer.close()


def tcp_zero_frame(peer, _q, _ctx):
    peer.raw(b"\x00\x00")
    peer.hold()


def tcp_endless_transfer(peer, q, ctx):
    if q.qtype not in (TYPE_AXFR, TYPE_IXFR) or not q.question:
        peer.frame(answer_ok(q, ctx))
        return
    # As fast as the client reads; a stalled client times the send out
    # (IO_TIMEOUT) and the process lifetime bounds the rest.
    for msg in transfer_messages(q, ctx):
        if peer.stop.is_set():
            break
        peer.frame(msg)
    peer.done = True


def tcp_drip(peer, q, ctx):
    msg = answer_ok(q, ctx)
    for b in struct.pack("!H", len(msg)) + msg:
        peer.raw(bytes([b]))
        if not peer.sleep(DRIP_INTERVAL):
            break
    peer.done = True


def tcp_reset(peer, _q, _ctx):
    peer.reset()


def tcp_garbage(peer, q, ctx):
    body = garbage(q, ctx, TCP_GARBAGE_LEN)
    peer.raw(struct.pack("!H", TCP_GARBAGE_LEN) + body)


def tcp_late(peer, q, ctx):
    if peer.sleep(LATE_DELAY):
        peer.frame(answer_ok(q, ctx))


def tcp_send_late(delay):
    """A TCP behaviour: the ok answer after delay seconds."""
    def behaviour(peer, q, ctx):
        if peer.sleep(delay):
            peer.frame(answer_ok(q, ctx))
    return behaviour


# --- the scenario table ------------------------------------------------------

Scenario = collections.namedtuple("Scenario", "doc udp tcp")

SCENARIOS = collections.OrderedDict(
    [
        ("ok", Scenario(
            "Control: a strict authoritative server for the zone. NOERROR AA "
            "SOA for the apex SOA, NODATA/NXDOMAIN AA in the zone, REFUSED "
            "for AXFR, IXFR and names outside the zone, NOTIMP (no OPT) for "
            "other opcodes, BADVERS for EDNS version 1; UDP and TCP alike.",
            udp_send(answer_ok), tcp_send(answer_ok))),
        ("wrong-id", Scenario(
            "The correct answer with ID+1, over UDP and TCP; the TCP "
            "connection then stays open and silent.",
            udp_send(answer_wrong_id), tcp_send(answer_wrong_id))),
        ("other-question", Scenario(
            "NOERROR AA with an SOA, but for the question other.invalid. SOA "
            "instead of the one asked.",
            udp_send(answer_other_question), tcp_send(answer_other_question))),
        ("qdcount0", Scenario(
            "Like BIND 9.18 and NSD 4.6: NOTIMP with QDCOUNT=0 to any opcode "
            "but QUERY (UPDATE, NOTIFY, 15); QUERY gets the ok answer.",
            udp_send(answer_qdcount0), tcp_send(answer_qdcount0))),
        ("short-header", Scenario(
            "A 5-byte reply: the query's ID, flags and half of QDCOUNT.",
            udp_send(answer_short_header), tcp_send(answer_short_header))),
        ("counts-beyond-data", Scenario(
            "NOERROR AA with ANCOUNT=50 and one SOA record.",
            udp_send(answer_counts_beyond), tcp_send(answer_counts_beyond))),
        ("compression-loop", Scenario(
            "An answer owner name that loops: over UDP a pointer to itself, "
            "over TCP two names pointing at each other.",
            udp_send(answer_self_loop), tcp_send(answer_two_pointer_loop))),
        ("pointer-past-end", Scenario(
            "An answer owner name that is a pointer to offset 0x3FFF, past "
            "the end of the message.",
            udp_send(answer_pointer_past_end),
            tcp_send(answer_pointer_past_end))),
        ("long-label", Scenario(
            "An answer owner name with a label length byte of 64.",
            udp_send(answer_long_label), tcp_send(answer_long_label))),
        ("long-name", Scenario(
            "Four answers whose owners chain 63-byte labels through pointers; "
            "the fourth name is longer than 255 bytes.",
            udp_send(answer_long_name), tcp_send(answer_long_name))),
        ("rdlength-beyond", Scenario(
            "One SOA answer whose RDLENGTH claims 200 bytes more than the "
            "message holds.",
            udp_send(answer_rdlength_beyond),
            tcp_send(answer_rdlength_beyond))),
        ("two-opt", Scenario(
            "NOERROR AA SOA with two OPT records in the additional section.",
            udp_send(answer_two_opt), tcp_send(answer_two_opt))),
        ("ede-bad-length", Scenario(
            "REFUSED with an OPT holding an EDE option of length 1.",
            udp_send(answer_ede_bad_length), tcp_send(answer_ede_bad_length))),
        ("tc-forever", Scenario(
            "UDP: always TC=1 with no answer. TCP: after 0.3 s a length "
            "prefix and half the message, then the connection is closed.",
            udp_send(answer_tc), tcp_broken_after_delay)),
        ("tcp-zero-frame", Scenario(
            "UDP: the ok answer. TCP: a 2-byte length of 0, then silence "
            "until the client closes.",
            udp_send(answer_ok), tcp_zero_frame)),
        ("axfr-endless", Scenario(
            "The ok answers, except AXFR and IXFR over TCP: a stream of valid "
            "messages (SOA first, 50 A records each) that never sends the "
            "closing SOA, as fast as the client reads.",
            udp_send(answer_ok), tcp_endless_transfer)),
        ("slow-drip", Scenario(
            "UDP: the ok answer. TCP: the ok answer one byte per second.",
            udp_send(answer_ok), tcp_drip)),
        ("tcp-reset", Scenario(
            "UDP: the ok answer. TCP: accept, read the query, close with RST "
            "(SO_LINGER 0).",
            udp_send(answer_ok), tcp_reset)),
        ("silent", Scenario(
            "Reads every query and never answers; TCP connections stay open.",
            udp_silent, tcp_silent)),
        ("other-source-port", Scenario(
            "UDP: the ok answer, sent from another socket (--alt-port). TCP: "
            "the ok answer.",
            udp_send(answer_ok, alt=True), tcp_send(answer_ok))),
        ("duplicate", Scenario(
            "The ok answer three times, over UDP and TCP.",
            udp_send(answer_ok, times=3), tcp_send(answer_ok, times=3))),
        ("garbage-64k", Scenario(
            "UDP: a 65507-byte datagram of random bytes after the query's ID. "
            "TCP: a 0xFFFF length prefix and 65535 such bytes.",
            udp_garbage, tcp_garbage)),
        ("late", Scenario(
            "The ok answer 3 s late, over UDP and TCP.",
            udp_send(answer_ok, delay=LATE_DELAY), tcp_late)),
        ("slow", Scenario(
            "The ok answer 10 ms late, over UDP and TCP: an upstream slow "
            "enough that a forwarder in front of it folds the queries that "
            "arrive meanwhile.",
            udp_send(answer_ok, delay=SLOW_DELAY), tcp_send_late(SLOW_DELAY))),
        ("lowercase", Scenario(
            "The ok answer with the question's name in lower case, over UDP "
            "and TCP.",
            udp_send(answer_lowercase), tcp_send(answer_lowercase))),
        ("servfail", Scenario(
            "SERVFAIL to everything, question echoed.",
            udp_send(answer_servfail), tcp_send(answer_servfail))),
        ("refused-ede", Scenario(
            "REFUSED to everything with EDE 18 (Prohibited) and a text.",
            udp_send(answer_refused_ede), tcp_send(answer_refused_ede))),
        ("badvers-ext", Scenario(
            "RCODE 16 (BADVERS) to everything: header 0, OPT extended "
            "RCODE 1.",
            udp_send(answer_badvers), tcp_send(answer_badvers))),
    ]
)


# --- the server --------------------------------------------------------------


def check_loopback(addr):
    """Refuse anything but a loopback address (the project's network rule)."""
    ip = ipaddress.ip_address(addr)
    if not ip.is_loopback:
        raise ValueError("%s is not a loopback address" % addr)
    return ip


class Responder:
    """Serves one scenario on addr:port over UDP and TCP, in daemon threads."""

    def __init__(self, addr, port, scenario, alt_port=None, zone=DEFAULT_ZONE,
                 seed=0x5EED, record=None):
        ip = check_loopback(addr)
        if scenario not in SCENARIOS:
            raise ValueError("unknown scenario %r" % scenario)
        if not 0 < port < 65536:
            raise ValueError("bad port %r" % port)
        self.family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
        self.addr = addr
        self.port = port
        if not alt_port:
            alt_port = port + 1 if port < 65535 else port - 1
        self.alt_port = alt_port
        self.scenario = SCENARIOS[scenario]
        self.zone_wire = name_to_wire(zone)
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.slots = threading.BoundedSemaphore(MAX_THREADS)
        self.socks = []
        self.udp = self.alt = self.tcp = None
        self.record = record  # a file object, or None
        self.record_lock = threading.Lock()

    def _record(self, transport, data):
        """Note a query exactly as it arrived (see --record)."""
        if self.record is None:
            return
        with self.record_lock:
            self.record.write("%s %s\n" % (transport, data.hex()))
            self.record.flush()

    def _bind(self, kind, port):
        s = socket.socket(self.family, kind)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((self.addr, port))
        self.socks.append(s)
        return s

    def start(self):
        """Bind every socket and start serving. Raises OSError."""
        self.udp = self._bind(socket.SOCK_DGRAM, self.port)
        self.alt = self._bind(socket.SOCK_DGRAM, self.alt_port)
        self.tcp = self._bind(socket.SOCK_STREAM, self.port)
        self.tcp.listen(64)
        for target in (self._udp_loop, self._tcp_loop):
            threading.Thread(target=target, daemon=True).start()

    def close(self):
        self.stop.set()
        for s in self.socks:
            try:
                s.close()
            except OSError:
                pass

    def _spawn(self, target, *args):
        """Run target in a thread if a slot is free; False (work dropped)
        if not."""
        if not self.slots.acquire(blocking=False):
            return False

        def run():
            try:
                target(*args)
            finally:
                self.slots.release()

        threading.Thread(target=run, daemon=True).start()
        return True

    def _udp_send(self, payload, peer, alt):
        try:
            (self.alt if alt else self.udp).sendto(payload, peer)
        except OSError:
            pass  # the client is gone: fine for a hostile server

    def _udp_later(self, delay, payload, peer, alt):
        if not self.stop.wait(delay):
            self._udp_send(payload, peer, alt)

    def _udp_loop(self):
        while not self.stop.is_set():
            try:
                ready, _, _ = select.select([self.udp, self.alt], [], [], 0.5)
            except (OSError, ValueError):
                return
            for s in ready:
                try:
                    data, peer = s.recvfrom(65535)
                except OSError:
                    continue
                if s is self.alt:
                    continue  # the alternate socket only sends
                self._record("udp", data)
                q = Query.parse(data)
                if q is None:
                    continue
                for delay, payload, alt in self.scenario.udp(q, self):
                    if delay > 0:
                        self._spawn(self._udp_later, delay, payload, peer, alt)
                    else:
                        self._udp_send(payload, peer, alt)

    def _tcp_loop(self):
        while not self.stop.is_set():
            try:
                ready, _, _ = select.select([self.tcp], [], [], 0.5)
                if not ready:
                    continue
                conn, _ = self.tcp.accept()
            except (OSError, ValueError):
                if self.stop.is_set():
                    return
                continue
            if not self._spawn(self._tcp_conn, conn):
                conn.close()

    def _tcp_conn(self, conn):
        peer = TcpPeer(conn, self.stop)
        conn.settimeout(IO_TIMEOUT)
        try:
            for _ in range(MAX_QUERIES_PER_CONN):
                data = read_frame(conn)
                if data is None:
                    break
                self._record("tcp", data)
                q = Query.parse(data)
                if q is None:
                    break
                self.scenario.tcp(peer, q, self)
                if peer.done:
                    break
        except OSError:
            pass
        finally:
            conn.close()  # a no-op when reset() or close() did it already


def recv_exact(conn, n):
    """n bytes from conn, or None at EOF; bounded by the socket timeout."""
    buf = bytearray()
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def read_frame(conn):
    """One length-prefixed message (RFC 1035 4.2.2), or None at EOF."""
    head = recv_exact(conn, 2)
    if head is None:
        return None
    (n,) = struct.unpack("!H", head)
    return recv_exact(conn, n) if n else b""


def watch_stdin():
    """Exit as soon as stdin reaches EOF: the parent that started us died."""
    try:
        while os.read(sys.stdin.fileno(), 4096):
            pass
    except OSError:
        pass
    os._exit(0)


class Child:
    """This responder in a child process, for a test: started with
    --watch-stdin (it exits if the test dies), waited for until it prints
    "ready" (at most ready_s), stopped by its PID in the test's cleanup. A
    start that fails fails the test, with the child's stderr."""

    def __init__(self, test, addr, port, scenario, alt_port=0, ready_s=10.0,
                 record=None):
        self.addr, self.port = addr, port
        cmd = [sys.executable, os.path.abspath(__file__), "--addr", addr,
               "--port", str(port), "--alt-port", str(alt_port or port + 1),
               "--scenario", scenario, "--lifetime", str(DEFAULT_LIFETIME),
               "--watch-stdin"]
        if record:
            cmd += ["--record", record]
        # stderr goes to a file: a chatty child can never block on a pipe.
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.err)
        test.addCleanup(self.stop)
        deadline = time.monotonic() + ready_s
        line = b""
        while time.monotonic() < deadline and self.proc.poll() is None:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                line = self.proc.stdout.readline()
                break
        if line.strip() != b"ready":
            self.end()
            self.err.seek(0)
            err = self.err.read().decode(errors="replace")
            test.fail("hostile %s did not start on %s:%d: %r %s"
                      % (scenario, addr, port, line, err))

    def end(self):
        """Stop the process by its PID: SIGTERM, then SIGKILL after 5 s."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def stop(self):
        self.end()
        for f in (self.proc.stdin, self.proc.stdout, self.err):
            if not f.closed:
                f.close()


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="A hostile DNS responder for dnsprobe's tests "
        "(loopback only).")
    ap.add_argument("--addr", default="127.0.0.201")
    ap.add_argument("--port", type=int, default=55053)
    ap.add_argument("--alt-port", type=int, default=0,
                    help="source port for other-source-port (default port+1)")
    ap.add_argument("--scenario", default="ok")
    ap.add_argument("--zone", default=DEFAULT_ZONE)
    ap.add_argument("--seed", type=int, default=0x5EED)
    ap.add_argument("--lifetime", type=int, default=DEFAULT_LIFETIME,
                    help="hard self-termination after this many seconds")
    ap.add_argument("--watch-stdin", action="store_true",
                    help="exit when stdin reaches EOF")
    ap.add_argument("--record", metavar="FILE",
                    help="append every query received to FILE, in hex")
    ap.add_argument("--list", action="store_true", help="list the scenarios")
    args = ap.parse_args(argv)

    if args.list:
        for name, sc in SCENARIOS.items():
            print("%-20s %s" % (name, sc.doc))
        return 0
    if not 0 < args.lifetime <= MAX_LIFETIME:
        ap.error("--lifetime must be 1..%d" % MAX_LIFETIME)

    # The hard limit first: SIGALRM's default action ends the process even
    # if a thread is stuck; normally the wait below ends it a little sooner.
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(args.lifetime + 2)

    try:
        record = open(args.record, "a", encoding="ascii") \
            if args.record else None
        responder = Responder(args.addr, args.port, args.scenario,
                              alt_port=args.alt_port, zone=args.zone,
                              seed=args.seed, record=record)
        responder.start()
    except (ValueError, OSError) as e:
        print("hostile.py: %s" % e, file=sys.stderr)
        return 1
    if args.watch_stdin:
        threading.Thread(target=watch_stdin, daemon=True).start()
    print("ready", flush=True)
    responder.stop.wait(args.lifetime)
    responder.close()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
