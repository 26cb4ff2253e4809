/*
 * compliance.c: judges for the protocol compliance probes, the tests of RFC
 * 8906 section 8 (the EDNS compliance tester's plain, edns, edns1, ednsopt,
 * ednsflags, zflag, type1000, do and bufsize512).
 *
 * Each EDNS probe is a row of what the RFC expects of the reply. Checks on
 * the reply's EDNS (OPT present, version, options and flags not echoed, Z
 * cleared, DO copied, size) apply whatever the RCODE; checks on the content
 * (RCODE, SOA, AA) apply only when the server serves the zone, since a
 * resolver may refuse a non-recursive query for data it has not cached. A
 * server without EDNS (no OPT, and the plain query answered) is "legacy",
 * which RFC 6891 allows; the first failed check names what was wrong and the
 * RFC section in the detail. A REFUSED or NOTAUTH without OPT tests
 * nothing: the server would not answer this client ("refused").
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diagnose_priv.h"
#include "dnsprobe/dns.h"
#include "dnsprobe/knowledge.h"

/* The unknown EDNS option and flag the probes send (probes/table.c). */
#define UNKNOWN_OPTION 100
#define UNKNOWN_FLAG 0x0080

struct expect
{
  bool judged;           /* a row of this table */
  uint16_t rcode;        /* from a server that serves the zone */
  bool rcode_any_server; /* BADVERS is owed by every EDNS server */
  bool soa, aa, nodata;  /* content, from a server that serves the zone */
  uint16_t no_option;    /* must not be echoed */
  uint16_t no_flag;      /* must be cleared */
  bool z_clear;
  bool do_copied;
  bool fits_512;
};

static const struct expect expectations[DP_PROBE_COUNT] = {
    [DP_PROBE_EDNS] = {true, DP_RCODE_NOERROR, false, true, true, false, 0, 0,
                       false, false, false},
    [DP_PROBE_EDNS1] = {true, DP_RCODE_BADVERS, true, false, false, true, 0, 0,
                        false, false, false},
    [DP_PROBE_EDNSOPT] = {true, DP_RCODE_NOERROR, false, true, true, false,
                          UNKNOWN_OPTION, 0, false, false, false},
    [DP_PROBE_EDNSFLAGS] = {true, DP_RCODE_NOERROR, false, true, true, false, 0,
                            UNKNOWN_FLAG, false, false, false},
    [DP_PROBE_ZFLAG] = {true, DP_RCODE_NOERROR, false, true, true, false, 0, 0,
                        true, false, false},
    [DP_PROBE_TYPE1000] = {true, DP_RCODE_NOERROR, false, false, true, true, 0,
                           0, false, false, false},
    [DP_PROBE_DO] = {true, DP_RCODE_NOERROR, false, true, true, false, 0, 0,
                     false, true, false},
    [DP_PROBE_BUFSIZE512] = {true, DP_RCODE_NOERROR, false, false, true, false,
                             0, 0, false, true, true},
};

/* What was wrong goes to a judge's detail buffer. */
struct detail
{
  char *s;
  size_t cap;
};

static dp_verdict_t fail(const struct detail *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Non-compliant, with what was wrong in the detail. */
static dp_verdict_t fail(const struct detail *d, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->s, d->cap, fmt, ap);
  va_end(ap);
  return DP_VERDICT_NON_COMPLIANT;
}

static bool has_code(const struct dp_answer_info *a, uint16_t code)
{
  for (unsigned i = 0; i < a->nopt_codes; i++)
    if (a->opt_codes[i] == code)
      return true;
  return false;
}

/* A reply that can be judged at all; sets *v otherwise. */
static bool readable(const struct dp_probe_result *p, const struct detail *d,
                     dp_verdict_t *v)
{
  if (p->outcome == DP_OUTCOME_ANSWER && p->has_answer &&
      p->answer.parse_complete && (p->answer.flags & DP_FLAG_QR))
    return true;
  if (p->outcome == DP_OUTCOME_MALFORMED || p->has_answer)
    *v = fail(d, "the reply cannot be read as DNS (RFC 1035 4.1)");
  else
    *v = DP_VERDICT_NO_ANSWER;
  return false;
}

/* REFUSED or NOTAUTH without an OPT: the server would not answer this
 * client, so nothing about its protocol could be tested. */
static bool refused_untested(const struct dp_answer_info *a)
{
  return !a->edns &&
         (a->rcode == DP_RCODE_REFUSED || a->rcode == DP_RCODE_NOTAUTH);
}

/* RFC 8906 8.1.1: a plain query gets a plain answer. */
dp_verdict_t dp_diagnose_judge_plain(const struct dp_probe_result *p,
                                     const struct dp_target_result *t,
                                     char *detail, size_t cap)
{
  const struct detail d = {detail, cap};
  dp_verdict_t v;
  const struct dp_answer_info *a = &p->answer;
  if (!readable(p, &d, &v))
    return v;
  if (refused_untested(a))
    return DP_VERDICT_REFUSED;
  if (a->edns)
    return fail(&d,
                "OPT record in the reply to a query without EDNS (RFC 6891 7)");
  if (!dp_diagnose_serves_zone(t))
    return DP_VERDICT_COMPLIANT;
  if (a->rcode != DP_RCODE_NOERROR)
    return fail(&d, "%s to the zone's SOA (expected NOERROR)",
                dp_knowledge_rcode_name(a->rcode));
  if (!a->has_soa)
    return fail(&d, "no SOA in the answer (RFC 8906 8.1.1)");
  if (!(a->flags & DP_FLAG_AA))
    return fail(&d, "AA not set for the zone's SOA (RFC 1035 4.1.1)");
  return DP_VERDICT_COMPLIANT;
}

/* Whether the server answered the query without EDNS: then a missing OPT
 * means an old server (legacy), not a broken one. */
static bool plain_answered(const struct dp_target_result *t)
{
  const struct dp_probe_result *pl = dp_target_probe(t, DP_PROBE_PLAIN);
  if (pl == NULL || pl->outcome == DP_OUTCOME_SKIPPED)
    pl = dp_target_probe(t, DP_PROBE_UDP);
  return pl && pl->has_answer && pl->answer.rcode != DP_RCODE_FORMERR &&
         pl->answer.rcode != DP_RCODE_SERVFAIL;
}

dp_verdict_t dp_diagnose_judge_edns(const struct dp_probe_result *p,
                                    const struct dp_target_result *t,
                                    char *detail, size_t cap)
{
  const struct detail d = {detail, cap};
  const struct expect *e = &expectations[p->probe];
  const struct dp_answer_info *a = &p->answer;
  dp_verdict_t v;

  if (!e->judged)
    return DP_VERDICT_UNEXPECTED;
  if (!readable(p, &d, &v))
    return v;
  if (refused_untested(a))
    return DP_VERDICT_REFUSED;

  /* RFC 6891 7: a server without EDNS answers without OPT (often FORMERR);
   * legal but obsolete when the same server answers a plain query. */
  if (!a->edns)
  {
    if (plain_answered(t) &&
        (a->rcode == DP_RCODE_FORMERR || a->rcode == DP_RCODE_NOERROR ||
         a->rcode == DP_RCODE_NOTIMP))
    {
      snprintf(detail, cap,
               "no OPT in the reply: the server does not support EDNS "
               "(RFC 6891 7)");
      return DP_VERDICT_LEGACY;
    }
    return fail(&d, "OPT missing from the reply to an EDNS query (RFC 6891 7)");
  }
  if (a->edns_count > 1)
    return fail(&d, "%u OPT records in the reply (RFC 6891 6.1.1)",
                a->edns_count);
  if (a->edns_version != 0)
    return fail(&d, "OPT version %u in the reply (RFC 6891 6.1.3: 0)",
                a->edns_version);
  if (e->rcode_any_server || dp_diagnose_serves_zone(t))
  {
    if (a->rcode != e->rcode)
      return fail(&d, "%s missing: got %s (RFC 6891 6.1.3)",
                  dp_knowledge_rcode_name(e->rcode),
                  dp_knowledge_rcode_name(a->rcode));
  }
  if (e->nodata && a->ancount != 0)
    return fail(&d, "%u answer records where none were expected (RFC 3597)",
                a->ancount);
  if (e->no_option && has_code(a, e->no_option))
    return fail(&d, "option %u echoed (RFC 6891 6.1.2)", e->no_option);
  if (e->no_flag && (a->edns_flags & e->no_flag))
    return fail(&d, "unknown EDNS flag 0x%04x copied (RFC 6891 6.1.4)",
                e->no_flag);
  if (e->z_clear && (a->flags & DP_FLAG_Z))
    return fail(&d, "Z bit copied (RFC 1035 4.1.1: must be zero)");
  if (e->do_copied && !a->do_bit)
    return fail(&d, "DO bit not copied (RFC 3225 3)");
  if (e->fits_512 && a->length > 512 && !(a->flags & DP_FLAG_TC))
    return fail(
        &d, "%zu-byte reply to a 512-byte buffer without TC (RFC 6891 6.2.5)",
        a->length);
  if (dp_diagnose_serves_zone(t) && a->rcode == DP_RCODE_NOERROR)
  {
    if (e->aa && !(a->flags & DP_FLAG_AA))
      return fail(&d, "AA not set (RFC 1035 4.1.1)");
    if (e->soa && !a->has_soa && !(a->flags & DP_FLAG_TC))
      return fail(&d, "no SOA in the answer (RFC 8906 8.2)");
  }
  return DP_VERDICT_COMPLIANT;
}

void dp_diagnose_compliance_summary(const struct dp_target_result *t, char *out,
                                    size_t cap)
{
  static const dp_probe_id_t ids[] = {
      DP_PROBE_PLAIN,      DP_PROBE_EDNS,  DP_PROBE_EDNS1,    DP_PROBE_EDNSOPT,
      DP_PROBE_EDNSFLAGS,  DP_PROBE_ZFLAG, DP_PROBE_TYPE1000, DP_PROBE_DO,
      DP_PROBE_BUFSIZE512, DP_PROBE_OPCODE};
  size_t len = 0;
  if (cap == 0)
    return;
  out[0] = '\0';
  for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
  {
    const struct dp_probe_result *p = dp_target_probe(t, ids[i]);
    if (p == NULL || p->outcome == DP_OUTCOME_SKIPPED)
      continue;
    const char *word;
    switch (p->verdict)
    {
    case DP_VERDICT_COMPLIANT:
      word = "ok";
      break;
    case DP_VERDICT_NON_COMPLIANT:
      word = "fail";
      break;
    case DP_VERDICT_LEGACY:
      word = "legacy";
      break;
    case DP_VERDICT_NO_ANSWER:
      word = "timeout";
      break;
    case DP_VERDICT_REFUSED:
      word = "refused";
      break;
    default:
      word = "unexpected";
      break;
    }
    int n = snprintf(out + len, cap - len, "%s%s=%s", len ? " " : "",
                     dp_probe_id_tostr(ids[i]), word);
    if (n < 0 || (size_t)n >= cap - len)
      break;
    len += (size_t)n;
  }
}
