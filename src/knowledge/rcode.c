/*
 * rcode.c: the DNS RCODE table (IANA "DNS RCODEs", RFC 6895 section 2.3),
 * with what each code means, when dnsprobe's probes see it and how to fix
 * the cause. Text is written for operators reading a report.
 *
 * RCODE 0-15 fit the 4-bit header field (RFC 1035 section 4.1.1). With EDNS
 * the RCODE has 12 bits: the OPT record's TTL carries the upper 8 bits
 * (RFC 6891 section 6.1.3), so value = (opt_ext << 4) | header_rcode. TSIG
 * and TKEY records carry a 16-bit error field from the same number space
 * (RFC 8945 section 5.3, RFC 2930). 16 is the one value assigned twice:
 * BADVERS in OPT, BADSIG in TSIG.
 *
 * Invariants: rows are sorted by value and unique; every text field is
 * non-empty; 12-15 and 24 and above are unassigned and have no row.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dnsprobe/knowledge.h"

/* RCODE values are 12 bits wide with EDNS (RFC 6891 section 6.1.3). */
#define RCODE_MAX 4095u

static const struct dp_knowledge_rcode rcodes[] = {
    {0, "NOERROR", NULL, "RFC 1035",
     "No error: the request was processed. The answer section may still be "
     "empty, which is NODATA: the name exists but has no record of that type.",
     "The expected answer to the udp and tcp probes, with AA set when the "
     "server is authoritative for the zone. To the recursion probe with RA=1 "
     "it means the server resolved an outside name for this client, which "
     "turns an authoritative-only server into an open resolver (RFC 5358). To "
     "the axfr and ixfr probes it means the zone transfer was granted; to the "
     "update probe, that a dynamic update from this address was accepted; to "
     "the notify probe, that the server would act on a NOTIFY from this "
     "address. An empty NOERROR answer, as the type1000 probe expects, is "
     "NODATA.",
     "Nothing is broken by the code itself; judge it by the request. NOERROR "
     "to AXFR, UPDATE or recursion from an address that should not have them "
     "means an access list is too wide: tighten allow-transfer, allow-update "
     "or allow-recursion (or your software's equivalent). If you expected "
     "records and got an empty answer, the name exists without that type: "
     "add the record or query the right type."},
    {1, "FORMERR", NULL, "RFC 1035",
     "Format error: the server could not parse the request, or rejected its "
     "form.",
     "Servers without EDNS answer FORMERR to the edns probes; RFC 6891 "
     "section 7 allows that, but such servers are obsolete. Unbound answers "
     "FORMERR to the ixfr probe because it rejects any query that carries an "
     "authority section. FORMERR to the plain udp or tcp query, or to the "
     "opcode probe instead of NOTIMP, points to a broken server or to a "
     "firewall or load balancer that rewrites DNS packets. RFC 9824 also "
     "asks for FORMERR to an explicit query for the NXNAME meta-type.",
     "Repeat the query without EDNS: if that works, the server or something "
     "in front of it predates EDNS; upgrade it or remove the filter that "
     "strips or mangles OPT records. If the plain query fails too, capture "
     "the exchange on both sides and look for a middlebox that alters DNS "
     "messages. FORMERR from Unbound to IXFR is expected and harmless."},
    {2, "SERVFAIL", NULL, "RFC 1035",
     "Server failure: the server could not complete the request because of a "
     "problem on its side or further upstream.",
     "On a recursive resolver (the recursion probe with RA=1) the usual causes "
     "are a DNSSEC validation failure (bogus or expired signatures, a DS that "
     "matches no DNSKEY) and upstream trouble: the zone's authoritative "
     "servers or the configured forwarders are unreachable, time out or are "
     "lame. On an authoritative server (the udp and tcp probes for the zone's "
     "SOA) it means the zone is misconfigured or broken: it failed to load "
     "(syntax error, missing file, permissions), or a secondary's copy expired "
     "because it could not refresh from its primary within the SOA expire "
     "time.",
     "For a resolver, repeat the query with CD=1 (checking disabled). If that "
     "answers, DNSSEC validation is failing: check the zone's signatures and "
     "the DS at the parent, and the resolver's clock and trust anchor; EDE 6 "
     "to 12 name the fault. If CD=1 fails as well, query the authoritative "
     "servers and the forwarders directly to find the unreachable or lame "
     "one. To isolate the problem, ask a different resolver you are allowed "
     "to use, such as your provider's or a public one. For a zone you run, "
     "read the server's log "
     "from the last load, check the zone file with the server's checker, and "
     "compare the SOA serial on the primary and every secondary; a secondary "
     "must be able to reach its primary to transfer the zone."},
    {3, "NXDOMAIN", NULL, "RFC 1035",
     "Name error: the queried name does not exist, in any type.",
     "An authoritative answer that the name is absent from the zone, or a "
     "resolver relaying that answer. NXDOMAIN to the udp and tcp probes for "
     "the zone's own SOA means the server holds a parent zone but not this "
     "one. To the recursion probe with RA=1 it still shows that recursion is "
     "offered. Filtering resolvers also answer NXDOMAIN for blocked names "
     "(EDE 15, 16 or 17). By RFC 8020 no name below a nonexistent name "
     "exists either.",
     "Check the spelling, then the zone: is the record in the version being "
     "served (compare SOA serials on every server), and did the zone load? "
     "Resolvers keep a negative answer for the SOA minimum TTL (RFC 2308), so "
     "a fixed name can take that long to appear. If the name exists but "
     "lacks the type you asked for, the answer is NOERROR with no data "
     "instead."},
    {4, "NOTIMP", NULL, "RFC 1035",
     "Not implemented: the server does not support this kind of request, be "
     "it the opcode, the query type or the operation.",
     "The correct answer to the opcode probe, which sends an unassigned "
     "opcode (RFC 8906 section 8.1.4). To the update probe it means the "
     "server has no dynamic update (NSD, Unbound and most resolvers) or it is "
     "switched off (PowerDNS with dnsupdate=no). To the notify probe, that "
     "the server does not take NOTIFY. To the axfr and ixfr probes, that "
     "zone transfers are not supported or are disabled here, for instance "
     "IXFR or AXFR sent to a resolver. Old servers also answer NOTIMP to "
     "query types they do not know.",
     "Check that the server really offers the operation or query type you "
     "sent. If you need zone transfers or dynamic updates, enable them in the "
     "server's configuration, or serve the zone from software that has them: "
     "NSD has no dynamic update, so run the updated zone on BIND, Knot DNS or "
     "PowerDNS and let NSD transfer it. NOTIMP to the opcode probe is the "
     "compliant answer and needs no fix."},
    {5, "REFUSED", NULL, "RFC 1035",
     "Refused: the server declines to do this for this client, as a matter "
     "of policy.",
     "To the udp and tcp probes for the zone's SOA: the zone is not "
     "configured on this server (a lame delegation, often with EDE 20 Not "
     "Authoritative) or allow-query shuts this client out. To the recursion "
     "probe: recursion is denied to this client by an access list "
     "(allow-recursion, access-control, allow-from), often with EDE 18 "
     "Prohibited; a resolver that serves only its own network answers this "
     "way. To the axfr and ixfr probes: the zone transfer is blocked by "
     "allow-transfer or an equivalent ACL. To the update probe: allow-update "
     "or update-policy denies this client. To the notify probe: this address "
     "is not an accepted primary (allow-notify). To the opcode probe it is "
     "non-compliant; NOTIMP is expected.",
     "Find the access control list that matched: allow-query for ordinary "
     "queries, allow-recursion (with allow-query-cache) for recursion, "
     "allow-transfer for AXFR and IXFR, allow-update or update-policy for "
     "UPDATE, allow-notify for NOTIFY (BIND's names; dnsprobe shows each "
     "server's own). Add the client only if it should be served. If you are "
     "not authorized to use this resolver, switch to one you may use, such as "
     "your network's resolver or a public DNS service. For a lame delegation, "
     "configure the zone on this server or remove the server from the zone's "
     "NS records."},
    {6, "YXDOMAIN", NULL, "RFC 2136, RFC 6672",
     "A name exists that should not: an UPDATE prerequisite failed, or a "
     "DNAME rewrite made the name too long.",
     "Only to dynamic UPDATE messages whose prerequisite says a name must not "
     "be in use (RFC 2136 section 2.4.5); dnsprobe's update probe never sends "
     "prerequisites. Also to a query whose DNAME substitution would exceed "
     "255 octets (RFC 6672 section 2.2).",
     "For UPDATE, the name is already there: delete it in the same update or "
     "drop the prerequisite. For DNAME, shorten the query name or the DNAME "
     "target."},
    {7, "YXRRSET", NULL, "RFC 2136",
     "An RRset exists that should not: an UPDATE prerequisite failed.",
     "Only to UPDATE messages whose prerequisite says an RRset must not exist "
     "(RFC 2136 section 2.4.3). dnsprobe's update probe has an empty "
     "prerequisite section, so this code there would be a server bug.",
     "Adjust or remove the prerequisite, or delete the existing RRset first "
     "in the same update."},
    {8, "NXRRSET", NULL, "RFC 2136",
     "An RRset that should exist does not: an UPDATE prerequisite failed.",
     "Only to UPDATE messages whose prerequisite requires an RRset to exist, "
     "with or without a given value (RFC 2136 sections 2.4.1 and 2.4.2).",
     "Create the RRset first or drop the prerequisite; query the zone to see "
     "its current content."},
    {9, "NOTAUTH", NULL, "RFC 2136, RFC 8945",
     "Not authoritative for the zone in the request, or (with TSIG) not "
     "authorized.",
     "To the update and notify probes: the server is not the primary (UPDATE "
     "sent to a secondary that does not forward it) or not a secondary for "
     "the zone. Knot DNS answers NOTAUTH to axfr, ixfr and update requests "
     "that no ACL allows. With TSIG the header says NOTAUTH and the TSIG "
     "record's error field holds BADSIG, BADKEY or BADTIME (RFC 8945 section "
     "5.3.2).",
     "Send UPDATE to the zone's primary (the SOA MNAME) or enable update "
     "forwarding on the secondary, and make sure the zone is configured on "
     "this server. For Knot DNS, add an acl with the action the client needs "
     "(transfer, update or notify). With TSIG, use the same key name, "
     "algorithm and secret on both sides and keep their clocks in sync."},
    {10, "NOTZONE", NULL, "RFC 2136",
     "Name not in zone: a record in an UPDATE lies outside the zone named in "
     "its zone section.",
     "Only to UPDATE messages whose prerequisite or update records are not at "
     "or below the zone being updated (RFC 2136 sections 3.2 and 3.4). "
     "dnsprobe's update probe carries no records, so NOTZONE to it is a "
     "server bug.",
     "Fix the updating client: every name it sends must be inside the zone it "
     "names, or it must send separate updates per zone."},
    {11, "DSOTYPENI", NULL, "RFC 8490",
     "DSO-TYPE not implemented: a DNS Stateful Operations request used a TLV "
     "type the server does not know.",
     "Only to DSO messages (opcode 6) on a TCP or TLS session (RFC 8490 "
     "section 5.1.1). dnsprobe's opcode probe does not use DSO.",
     "The client must use a DSO type the server supports, or stop using DSO "
     "with it; a plain DNS server has nothing to configure."},
    {16, "BADVERS", "BADSIG", "RFC 6891, RFC 8945",
     "One value, two meanings: BADVERS (bad EDNS version) when it comes from "
     "an OPT record, BADSIG (TSIG signature failure) when it comes from a "
     "TSIG record.",
     "BADVERS: the correct answer to the edns1 probe, which sends EDNS "
     "version 1; it is carried as header RCODE 0 plus extended RCODE 1 in the "
     "OPT record, which must say version 0 (RFC 6891 section 6.1.3). BADSIG: "
     "in a TSIG record's error field, with NOTAUTH in the header, when the "
     "request's MAC does not verify (RFC 8945 section 5.3.2), for example on "
     "a signed transfer or update.",
     "BADVERS to the edns1 probe is compliant and needs no fix; a client "
     "retries with version 0. What needs fixing is its absence: a server that "
     "answers NOERROR or FORMERR to version 1 must be upgraded. BADSIG: the "
     "secret or algorithm differs between the two sides, or something altered "
     "the message in transit; configure the same key on both ends."},
    {17, "BADKEY", NULL, "RFC 8945",
     "Key not recognized: the server knows no TSIG key with that name and "
     "algorithm.",
     "In the TSIG error field (header RCODE NOTAUTH) of answers to signed "
     "transfers, updates or notifies when the key is unknown to the server "
     "(RFC 8945 section 5.3.2).",
     "Define the key with the same name and algorithm on both sides (a BIND "
     "key statement, a Knot DNS key section, an NSD key clause) and refer to "
     "it in the relevant access list."},
    {18, "BADTIME", NULL, "RFC 8945",
     "Signature out of time window: the TSIG time stamp is too far from the "
     "server's clock.",
     "In the TSIG error field of answers to signed requests when the time "
     "signed differs from the server's time by more than the fudge, usually "
     "300 seconds (RFC 8945 section 5.2.3).",
     "Synchronize both machines with NTP; a wrong time zone setting on a "
     "hardware clock is a common cause."},
    {19, "BADMODE", NULL, "RFC 2930",
     "Bad TKEY mode: a key negotiation asked for a mode the server does not "
     "support.",
     "In the TKEY record's error field while negotiating a shared key (RFC "
     "2930 section 2.6), for example GSS-TSIG between Windows DNS Server and "
     "its clients.",
     "Use a mode both sides support (GSS-API, mode 3, is the one used in "
     "practice) or configure a static TSIG key instead."},
    {20, "BADNAME", NULL, "RFC 2930",
     "Duplicate key name: a TKEY request named a key that already exists.",
     "In the TKEY error field during key negotiation (RFC 2930) when the "
     "client reuses the name of an existing key.",
     "Let the client pick a fresh, unique key name, or delete the old key on "
     "the server."},
    {21, "BADALG", NULL, "RFC 2930",
     "Algorithm not supported: a TKEY request used an algorithm the server "
     "does not implement.",
     "In the TKEY error field during key negotiation (RFC 2930).",
     "Choose an algorithm both ends implement; hmac-sha256 is widely "
     "available."},
    {22, "BADTRUNC", NULL, "RFC 8945",
     "Bad truncation: a truncated TSIG MAC was shorter than allowed.",
     "In the TSIG error field when a request used a truncated MAC below the "
     "server's minimum length (RFC 8945 section 5.2.2.1).",
     "Configure the client to send full-length MACs, or relax the server's "
     "minimum if that is acceptable."},
    {23, "BADCOOKIE", NULL, "RFC 7873",
     "Bad or missing server cookie: repeat the query with the server cookie "
     "contained in this answer.",
     "Carried as header RCODE 7 plus extended RCODE 1 in the OPT record (RFC "
     "7873 section 5.2.3). A server that enforces DNS COOKIEs, or is rate "
     "limiting, sends it to the cookie probe when the request had only a "
     "client cookie or a stale server cookie.",
     "Normal protocol behaviour: the client retries with the returned cookie. "
     "If clients keep failing, look for middleboxes that strip the COOKIE "
     "option, and make sure the servers of an anycast cluster share one "
     "cookie secret (BIND cookie-secret)."},
};

#define NRCODES (sizeof(rcodes) / sizeof(rcodes[0]))

/* A static "RCODE<n>" for every 12-bit value; each slot only ever holds
 * its own value's name, so two calls never overwrite each other. */
static char unassigned_names[RCODE_MAX + 1][sizeof("RCODE4095")];

const struct dp_knowledge_rcode *dp_knowledge_rcode_get(uint16_t value)
{
  for (size_t i = 0; i < NRCODES; i++)
  {
    if (rcodes[i].value == value)
      return &rcodes[i];
  }
  return NULL;
}

const char *dp_knowledge_rcode_name(uint16_t value)
{
  const struct dp_knowledge_rcode *r = dp_knowledge_rcode_get(value);

  if (r != NULL)
    return r->name;
  if (value > RCODE_MAX)
    return "RCODE?";
  if (unassigned_names[value][0] == '\0')
    snprintf(unassigned_names[value], sizeof(unassigned_names[value]),
             "RCODE%u", (unsigned)value);
  return unassigned_names[value];
}

/* Decimal digits only, no sign or spaces; saturates instead of wrapping so
 * a huge number still reads as out of range. */
static bool parse_decimal(const char *s, unsigned long *out)
{
  unsigned long v = 0;

  if (*s == '\0')
    return false;
  for (; *s != '\0'; s++)
  {
    if (*s < '0' || *s > '9')
      return false;
    if (v <= 0xFFFFFFul)
      v = v * 10 + (unsigned long)(*s - '0');
  }
  *out = v;
  return true;
}

dp_status_t dp_knowledge_rcode_fromstr(const char *text, uint16_t *value)
{
  unsigned long n;
  const char *digits = text;

  if (text == NULL || value == NULL)
    return DP_EINVAL;
  for (size_t i = 0; i < NRCODES; i++)
  {
    if (strcasecmp(text, rcodes[i].name) == 0 ||
        (rcodes[i].alt_name != NULL &&
         strcasecmp(text, rcodes[i].alt_name) == 0))
    {
      *value = rcodes[i].value;
      return DP_OK;
    }
  }
  /* ldns and Wireshark spell NOTIMP this way. */
  if (strcasecmp(text, "NOTIMPL") == 0)
  {
    *value = 4;
    return DP_OK;
  }
  /* "RCODE12" is what dp_knowledge_rcode_name prints for unassigned
   * values; accept it back so names round-trip. */
  if (strncasecmp(text, "RCODE", 5) == 0)
    digits = text + 5;
  if (!parse_decimal(digits, &n))
    return DP_EINVAL;
  if (n > RCODE_MAX || dp_knowledge_rcode_get((uint16_t)n) == NULL)
    return DP_ERANGE;
  *value = (uint16_t)n;
  return DP_OK;
}

size_t dp_knowledge_rcode_count(void)
{
  return NRCODES;
}

const struct dp_knowledge_rcode *dp_knowledge_rcode_at(size_t i)
{
  return i < NRCODES ? &rcodes[i] : NULL;
}
