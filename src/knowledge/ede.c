/*
 * ede.c: the Extended DNS Error table (RFC 8914 section 4 and the IANA
 * "Extended DNS Error Codes" registry). An EDE travels in EDNS option 15
 * as a 16-bit INFO-CODE plus optional EXTRA-TEXT; it refines, never
 * replaces, the RCODE of the same answer.
 *
 * Invariants: rows are sorted by code, contiguous from 0 and unique, so
 * row i holds code i; every field is non-empty. Codes past the table are
 * unassigned (or private use, 49152-65535) and have no row; reports show
 * them by number with their EXTRA-TEXT.
 */
#include <ctype.h>
#include <string.h>

#include "dnsprobe/knowledge.h"

static const struct dp_knowledge_ede edes[] = {
    {0, "Other Error", "RFC 8914",
     "None of the listed codes fits; the EXTRA-TEXT says what happened.",
     "Read the EXTRA-TEXT and the server's log: they carry the only detail."},
    {1, "Unsupported DNSKEY Algorithm", "RFC 8914",
     "The zone's DNSKEYs use only algorithms this validator does not "
     "implement, so it cannot validate them.",
     "Sign the zone with a widely supported algorithm (13, ECDSAP256SHA256, "
     "or 8, RSASHA256), or upgrade the validator."},
    {2, "Unsupported DS Digest Type", "RFC 8914",
     "The parent's DS records use only digest types this validator does not "
     "implement.",
     "Publish a DS with digest type 2 (SHA-256) at the parent."},
    {3, "Stale Answer", "RFC 8914",
     "The resolver could not refresh the data in time and answered from "
     "expired cache (serve-stale, RFC 8767).",
     "Check that the zone's authoritative servers are reachable; the answer "
     "may be out of date until they are."},
    {4, "Forged Answer", "RFC 8914",
     "The resolver replaced the real answer on purpose, for policy reasons "
     "such as a legal order or malware filtering.",
     "Ask the resolver's operator; if the policy should not apply to you, use "
     "a different resolver."},
    {5, "DNSSEC Indeterminate", "RFC 8914",
     "Validation ended in the indeterminate state (RFC 4035): the resolver "
     "could not tell whether the data should be signed.",
     "Check the resolver's trust anchors and the chain of DS and DNSKEY "
     "records from the root down to the zone."},
    {6, "DNSSEC Bogus", "RFC 8914",
     "Validation failed: the signatures or the chain of trust do not verify.",
     "Confirm with a CD=1 query, then check the zone's RRSIGs and that the "
     "parent's DS matches a published DNSKEY; a botched key rollover is the "
     "usual cause."},
    {7, "Signature Expired", "RFC 8914",
     "No signature is currently valid, and some or all have expired.",
     "Re-sign the zone and make automatic re-signing work (BIND "
     "dnssec-policy, Knot DNS automatic signing, or your signer's schedule); "
     "check that secondaries receive the fresh signatures."},
    {8, "Signature Not Yet Valid", "RFC 8914",
     "No signature is currently valid, and some have an inception time in "
     "the future.",
     "Check the clocks of the signer and of the validator; sign with an "
     "inception time slightly in the past."},
    {9, "DNSKEY Missing", "RFC 8914",
     "The parent has a DS record, but no supported DNSKEY in the zone matches "
     "it.",
     "Publish the DNSKEY the DS refers to, or replace the DS at the parent "
     "with one for a key the zone uses."},
    {10, "RRSIGs Missing", "RFC 8914",
     "The zone should be signed, but the answer came without RRSIG records.",
     "Make sure every server of the zone, secondaries included, serves the "
     "signed version, and that nothing strips DNSSEC records or the DO bit."},
    {11, "No Zone Key Bit Set", "RFC 8914",
     "The DNSKEY lacks the Zone Key flag, so it cannot validate zone data.",
     "Generate proper zone keys (flags 256 or 257) and re-sign the zone."},
    {12, "NSEC Missing", "RFC 8914",
     "A denial of existence could not be proven: the NSEC or NSEC3 records "
     "are missing.",
     "Check that every server serves the complete NSEC or NSEC3 chain; "
     "re-sign the zone if it is incomplete."},
    {13, "Cached Error", "RFC 8914",
     "The resolver answered from its cache of an earlier failure.",
     "Fix the original failure, then flush the name from the resolver's cache "
     "(rndc flushname, unbound-control flush, rec_control wipe-cache)."},
    {14, "Not Ready", "RFC 8914",
     "The server cannot answer yet, for example while it is starting or "
     "loading data.",
     "Wait and retry; if it lasts, read the server's startup log."},
    {15, "Blocked", "RFC 8914",
     "The name is on a blocklist kept by the resolver's operator.",
     "Ask the operator, or check your own RPZ or blocklist if the resolver is "
     "yours."},
    {16, "Censored", "RFC 8914",
     "The name is blocked because of an outside requirement, such as a court "
     "order.",
     "Only the resolver's operator can change this; use another resolver "
     "where that is lawful."},
    {17, "Filtered", "RFC 8914",
     "The name is blocked because the client asked for filtering, as with a "
     "parental-control or malware-filtering service.",
     "Change the filtering profile, or use an unfiltered resolver."},
    {18, "Prohibited", "RFC 8914",
     "The request was refused because this client is not allowed to make it "
     "(an access list).",
     "If the client should be served, add it to the matching access list "
     "(allow-recursion, allow-transfer, access-control, acl); otherwise the "
     "refusal is intended."},
    {19, "Stale NXDOMAIN Answer", "RFC 8914",
     "The resolver could not refresh a cached NXDOMAIN in time and answered "
     "with the expired one.",
     "As for Stale Answer: check that the zone's authoritative servers are "
     "reachable."},
    {20, "Not Authoritative", "RFC 8914",
     "The server is not authoritative for this name and does not recurse: "
     "a recursion request to an authoritative-only server, or a lame "
     "delegation.",
     "Send recursive queries to a resolver. If the server should serve the "
     "zone, configure it there or correct the NS delegation."},
    {21, "Not Supported", "RFC 8914",
     "The requested operation or query type is not supported.",
     "Use an operation the server offers, or enable the feature if it can be "
     "enabled."},
    {22, "No Reachable Authority", "RFC 8914",
     "The resolver could not reach any authoritative server for the name.",
     "Check the delegation (NS and glue records) and that every authoritative "
     "server answers over UDP and TCP from the resolver's network."},
    {23, "Network Error", "RFC 8914",
     "An unrecoverable network error occurred while talking to an "
     "authoritative server.",
     "Check routing, firewalls and path MTU between the resolver and the "
     "authoritative servers."},
    {24, "Invalid Data", "RFC 8914",
     "An authoritative server sent data the resolver could not use.",
     "Query the authoritative servers directly with recursion off and fix the "
     "records or the server that returns them."},
    {25, "Signature Expired before Valid", "IANA registry (NLnet Labs)",
     "A signature's expiration time is earlier than its inception time, so it "
     "can never be valid.",
     "Fix the signer's validity settings or its clock and re-sign the zone."},
    {26, "Too Early", "RFC 9250",
     "The server will not process a request sent in 0-RTT early data of a "
     "DNS over QUIC connection, because it could be replayed.",
     "Send the request again once the handshake has completed."},
    {27, "Unsupported NSEC3 Iterations Value", "RFC 9276",
     "The zone's NSEC3 iteration count exceeds the validator's limit, so the "
     "answer is treated as insecure or bogus.",
     "Re-sign with NSEC3 iterations 0 and an empty salt, as RFC 9276 "
     "recommends."},
    {28, "Unable to conform to policy", "draft-homburg-dnsop-codcp",
     "A DNS client proxy could not meet the transport or privacy policy the "
     "application asked for, such as an encrypted upstream.",
     "Ask for a policy the proxy can satisfy, or configure an upstream that "
     "offers it."},
    {29, "Synthesized", "IANA registry (PowerDNS)",
     "The resolver built the answer itself, for example from its aggressive "
     "NSEC cache (RFC 8198).",
     "Usually correct; if the answer is wrong, check the zone's NSEC or NSEC3 "
     "records and flush the resolver's cache."},
    {30, "Invalid Query Type", "RFC 9824",
     "The query asked for a type that must not be queried, such as the NXNAME "
     "meta-type; sent with FORMERR.",
     "Fix the client so it does not query meta-types."},
};

#define NEDES (sizeof(edes) / sizeof(edes[0]))

const struct dp_knowledge_ede *dp_knowledge_ede_get(uint16_t code)
{
  return code < NEDES ? &edes[code] : NULL;
}

/*
 * Compare two names on letters and digits only, ignoring case, so that
 * "dnssec-bogus", "DNSSEC_Bogus" and "DNSSEC Bogus" all match.
 */
static bool same_name(const char *a, const char *b)
{
  for (;;)
  {
    while (*a != '\0' && !isalnum((unsigned char)*a))
      a++;
    while (*b != '\0' && !isalnum((unsigned char)*b))
      b++;
    if (*a == '\0' || *b == '\0')
      return *a == *b;
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
      return false;
    a++;
    b++;
  }
}

dp_status_t dp_knowledge_ede_fromstr(const char *text, uint16_t *code)
{
  unsigned long v = 0;
  const char *p;

  if (text == NULL || code == NULL || *text == '\0')
    return DP_EINVAL;
  for (p = text; *p >= '0' && *p <= '9'; p++)
  {
    /* Saturate: anything past 65535 is out of range anyway. */
    if (v <= 0xFFFFFFul)
      v = v * 10 + (unsigned long)(*p - '0');
  }
  if (*p == '\0')
  {
    if (v >= NEDES)
      return DP_ERANGE;
    *code = (uint16_t)v;
    return DP_OK;
  }
  for (size_t i = 0; i < NEDES; i++)
  {
    if (same_name(text, edes[i].name))
    {
      *code = edes[i].code;
      return DP_OK;
    }
  }
  return DP_EINVAL;
}

size_t dp_knowledge_ede_count(void)
{
  return NEDES;
}

const struct dp_knowledge_ede *dp_knowledge_ede_at(size_t i)
{
  return i < NEDES ? &edes[i] : NULL;
}
