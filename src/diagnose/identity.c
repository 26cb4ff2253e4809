/*
 * identity.c: what a server discloses (NSID, cookies, the CHAOS TXT names)
 * and which software it is.
 *
 * Software is named from the version string when the server gives one
 * (confidence 90), else from behaviour the core battery shows, each
 * fingerprint taken from what the real servers of tests/lab answer
 * (tests/lab/OBSERVED.md): who sends QDCOUNT=0 with NOTIMP, who answers
 * ACL denials with NOTAUTH, who stays silent to unknown opcodes. A
 * fingerprint says "consistent with", never more: confidence 40 to 70.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "diagnose_priv.h"
#include "dnsprobe/dns.h"

static bool answered(const struct dp_probe_result *p)
{
  return p && p->outcome == DP_OUTCOME_ANSWER && p->has_answer &&
         p->answer.parse_complete && (p->answer.flags & DP_FLAG_QR);
}

dp_verdict_t dp_diagnose_judge_identity(const struct dp_probe_result *p,
                                        const struct dp_target_result *t,
                                        char *detail, size_t cap)
{
  (void)t;
  if (p->outcome == DP_OUTCOME_MALFORMED)
    return DP_VERDICT_UNEXPECTED;
  if (!answered(p))
    return p->has_answer ? DP_VERDICT_UNEXPECTED : DP_VERDICT_NO_ANSWER;
  const struct dp_answer_info *a = &p->answer;
  bool disclosed;
  if (p->probe == DP_PROBE_NSID)
    disclosed = a->nsid_present && a->nsid[0];
  else if (p->probe == DP_PROBE_COOKIE)
    /* RFC 7873 4.2: the client cookie (8) plus a server cookie (8-32) */
    disclosed = a->cookie_len >= 16;
  else
    disclosed = a->rcode == DP_RCODE_NOERROR && a->txt[0];
  if (disclosed)
  {
    if (p->probe == DP_PROBE_COOKIE)
      snprintf(detail, cap, "a %u-byte server cookie",
               (unsigned)a->cookie_len - 8u);
    else
      snprintf(detail, cap, "\"%.120s\"",
               p->probe == DP_PROBE_NSID ? a->nsid : a->txt);
    return DP_VERDICT_ANSWERING;
  }
  if (a->rcode == DP_RCODE_REFUSED)
    return DP_VERDICT_REFUSED;
  return DP_VERDICT_NOT_OFFERED;
}

/* Version strings as each software writes them, most specific first. */
static const struct
{
  const char *needle; /* case-insensitive substring */
  dp_software_t sw;
} version_marks[] = {
    {"powerdns recursor", DP_SOFTWARE_PDNS_RECURSOR},
    {"powerdns authoritative", DP_SOFTWARE_PDNS_AUTH},
    {"knot resolver", DP_SOFTWARE_KNOT_RESOLVER},
    {"knot dns", DP_SOFTWARE_KNOT},
    {"nsd", DP_SOFTWARE_NSD},
    {"unbound", DP_SOFTWARE_UNBOUND},
    {"dnsmasq", DP_SOFTWARE_DNSMASQ},
    {"coredns", DP_SOFTWARE_COREDNS},
    {"microsoft", DP_SOFTWARE_WINDOWS},
    {"bind", DP_SOFTWARE_BIND},
};

static bool has_text(const char *hay, const char *needle)
{
  size_t n = strlen(needle);
  for (const char *p = hay; *p; p++)
    if (strncasecmp(p, needle, n) == 0)
      return true;
  return false;
}

static void set_software(struct dp_target_result *t, dp_software_t sw,
                         unsigned confidence, const char *evidence)
{
  t->software = sw;
  t->software_confidence = confidence;
  snprintf(t->software_evidence, sizeof(t->software_evidence), "%s", evidence);
}

static bool from_version(struct dp_target_result *t)
{
  const struct dp_probe_result *v = dp_target_probe(t, DP_PROBE_VERSION);
  if (!v || v->verdict != DP_VERDICT_ANSWERING)
    return false;
  const char *s = v->answer.txt;
  dp_software_t sw = DP_SOFTWARE_UNKNOWN;
  for (size_t i = 0; i < sizeof(version_marks) / sizeof(version_marks[0]); i++)
    if (has_text(s, version_marks[i].needle))
    {
      sw = version_marks[i].sw;
      break;
    }
  /* BIND 9 answers with the bare version ("9.18.49-1~deb12u3-Debian") */
  if (sw == DP_SOFTWARE_UNKNOWN && s[0] == '9' && s[1] == '.')
    sw = DP_SOFTWARE_BIND;
  snprintf(t->software_version, sizeof(t->software_version), "%.63s", s);
  if (sw == DP_SOFTWARE_UNKNOWN)
    return false;
  char ev[256];
  snprintf(ev, sizeof(ev), "version.bind: \"%.200s\"", s);
  set_software(t, sw, 90, ev);
  return true;
}

static bool rcode_qd(const struct dp_target_result *t, dp_probe_id_t id,
                     uint16_t rcode, int qdcount)
{
  const struct dp_probe_result *p = dp_target_probe(t, id);
  return answered(p) && p->answer.rcode == rcode &&
         (qdcount < 0 || p->answer.qdcount == qdcount);
}

static bool silent(const struct dp_target_result *t, dp_probe_id_t id)
{
  const struct dp_probe_result *p = dp_target_probe(t, id);
  return p && p->outcome == DP_OUTCOME_TIMEOUT;
}

/* Behaviour fingerprints, in order; the first that matches names the
 * software. Each is what that software's Debian 12 package does. */
static void from_behaviour(struct dp_target_result *t)
{
  bool auth = dp_diagnose_serves_zone(t);
  bool resolver =
      dp_diagnose_verdict_of(t, DP_PROBE_RECURSION) == DP_VERDICT_AVAILABLE;

  if (auth && rcode_qd(t, DP_PROBE_UPDATE, DP_RCODE_NOTIMP, 0) &&
      rcode_qd(t, DP_PROBE_OPCODE, DP_RCODE_NOTIMP, 0))
    set_software(t, DP_SOFTWARE_NSD, 70,
                 "NOTIMP with an empty question to UPDATE and to opcode 15");
  else if (auth && rcode_qd(t, DP_PROBE_AXFR, DP_RCODE_NOTAUTH, -1) &&
           rcode_qd(t, DP_PROBE_OPCODE, DP_RCODE_NOTIMP, 1))
    set_software(t, DP_SOFTWARE_KNOT, 60,
                 "NOTAUTH to a denied transfer; NOTIMP to opcode 15 with the "
                 "question echoed");
  else if (auth && rcode_qd(t, DP_PROBE_OPCODE, DP_RCODE_NOTIMP, 0))
    set_software(t, DP_SOFTWARE_BIND, 60,
                 "NOTIMP with an empty question to opcode 15, UPDATE "
                 "answered with its question");
  else if (auth && silent(t, DP_PROBE_OPCODE) &&
           (rcode_qd(t, DP_PROBE_NOTIFY, DP_RCODE_REFUSED, 1) ||
            rcode_qd(t, DP_PROBE_UPDATE, DP_RCODE_REFUSED, 1)))
    set_software(t, DP_SOFTWARE_PDNS_AUTH, 50,
                 "silence to opcode 15 from a server that answers UPDATE and "
                 "NOTIFY");
  else if (resolver && rcode_qd(t, DP_PROBE_IXFR, DP_RCODE_FORMERR, -1) &&
           rcode_qd(t, DP_PROBE_UPDATE, DP_RCODE_NOTIMP, 1))
    set_software(t, DP_SOFTWARE_UNBOUND, 60,
                 "FORMERR to IXFR (a query with an authority section) and "
                 "NOTIMP to UPDATE");
  else if (resolver && rcode_qd(t, DP_PROBE_AXFR, DP_RCODE_SERVFAIL, -1) &&
           silent(t, DP_PROBE_UPDATE))
    set_software(t, DP_SOFTWARE_PDNS_RECURSOR, 50,
                 "SERVFAIL to AXFR and silence to UPDATE over UDP");
  else if (resolver && silent(t, DP_PROBE_UPDATE) &&
           silent(t, DP_PROBE_NOTIFY) && silent(t, DP_PROBE_OPCODE))
    set_software(t, DP_SOFTWARE_DNSMASQ, 40,
                 "a forwarder silent to UPDATE, NOTIFY and opcode 15");
  else if (!auth && !resolver &&
           rcode_qd(t, DP_PROBE_UDP, DP_RCODE_REFUSED, 0) &&
           rcode_qd(t, DP_PROBE_OPCODE, DP_RCODE_REFUSED, 0))
    set_software(t, DP_SOFTWARE_UNBOUND, 40,
                 "a bare REFUSED header, without question or OPT, to every "
                 "query (Unbound's access-control refuse)");
}

void dp_diagnose_identify(struct dp_target_result *t)
{
  if (t == NULL)
    return;
  t->software = DP_SOFTWARE_UNKNOWN;
  t->software_confidence = 0;
  t->software_version[0] = '\0';
  t->software_evidence[0] = '\0';
  if (!from_version(t))
    from_behaviour(t);
}
