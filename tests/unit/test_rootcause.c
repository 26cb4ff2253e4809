/*
 * test_rootcause.c: the root-cause rules, one case each, table-driven over
 * probe outcomes. A case starts from a whole battery as a kind of server
 * answers it (a strict authoritative server, a resolver that serves this
 * client, or nothing at all), changes what some probes got, runs the one
 * diagnosis call, and checks the first root cause, its severity, the
 * target's status, the causes that must also be there and those that must
 * not (a wrong conclusion is as much a failure as a missing one).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define P(x) DP_PROBE_##x
#define C(x) DP_CAUSE_##x
#define S(x) DP_SEVERITY_##x
#define H(x) DP_HEALTH_##x
#define NOCAUSE DP_CAUSE_NONE

enum base
{
  AUTH,     /* serves the zone, refuses the rest, compliant */
  RESOLVER, /* recurses for this client, refuses the zone's SOA */
};

/* One change to a probe of the base battery. */
enum kind
{
  K_END = 0,
  K_ANSWER,   /* rcode, flags (QR added), soa when soa != 0 */
  K_OUTCOME,  /* a transport outcome, no reply */
  K_EDE,      /* add EDE code to the reply */
  K_FOLLOWUP, /* a follow-up with rcode (outcome answer) or none */
  K_NOOPT,    /* the reply has no OPT */
  K_TEXT,     /* the TXT answer (a version string) */
};

struct change
{
  enum kind kind;
  dp_probe_id_t probe;
  uint16_t rcode;
  uint16_t flags;
  uint32_t soa;
  dp_outcome_t outcome;
  uint16_t code;             /* EDE */
  dp_followup_id_t followup; /* K_FOLLOWUP */
  bool answered;             /* K_FOLLOWUP */
  const char *text;          /* K_TEXT */
};

#define ANSWER(p, rc, fl)                                                      \
  {                                                                            \
    K_ANSWER, P(p), DP_RCODE_##rc, (fl), 0, 0, 0, 0, 0, 0                      \
  }
#define ANSWER_SOA(p, rc, fl)                                                  \
  {                                                                            \
    K_ANSWER, P(p), DP_RCODE_##rc, (fl), FX_SERIAL, 0, 0, 0, 0, 0              \
  }
#define SILENT(p)                                                              \
  {                                                                            \
    K_OUTCOME, P(p), 0, 0, 0, DP_OUTCOME_TIMEOUT, 0, 0, 0, 0                   \
  }
#define OUTCOME(p, o)                                                          \
  {                                                                            \
    K_OUTCOME, P(p), 0, 0, 0, DP_OUTCOME_##o, 0, 0, 0, 0                       \
  }
#define EDE(p, c)                                                              \
  {                                                                            \
    K_EDE, P(p), 0, 0, 0, 0, (c), 0, 0, 0                                      \
  }
#define FOLLOWUP(p, f, rc)                                                     \
  {                                                                            \
    K_FOLLOWUP, P(p), DP_RCODE_##rc, 0, 0, 0, 0, DP_FOLLOWUP_##f, true, 0      \
  }
#define FOLLOWUP_NONE(p, f)                                                    \
  {                                                                            \
    K_FOLLOWUP, P(p), 0, 0, 0, 0, 0, DP_FOLLOWUP_##f, false, 0                 \
  }
#define NOOPT(p)                                                               \
  {                                                                            \
    K_NOOPT, P(p), 0, 0, 0, 0, 0, 0, 0, 0                                      \
  }
#define TEXT(p, s)                                                             \
  {                                                                            \
    K_TEXT, P(p), 0, 0, 0, 0, 0, 0, 0, (s)                                     \
  }
#define ALL_UDP_SILENT                                                         \
  SILENT(UDP), SILENT(RECURSION), SILENT(UPDATE), SILENT(NOTIFY),              \
      SILENT(OPCODE), SILENT(PLAIN), SILENT(EDNS), SILENT(EDNS1),              \
      SILENT(EDNSOPT), SILENT(EDNSFLAGS), SILENT(ZFLAG), SILENT(TYPE1000),     \
      SILENT(DO), SILENT(BUFSIZE512), SILENT(NSID), SILENT(COOKIE),            \
      SILENT(VERSION), SILENT(HOSTNAME), SILENT(IDSERVER), SILENT(DNSKEY),     \
      SILENT(NSEC3PARAM), SILENT(CASE)

/* Everything REFUSED, without OPT: an access list in front of it all. */
#define REFUSED_BARE(p) ANSWER(p, REFUSED, 0), NOOPT(p)
#define ALL_REFUSED                                                            \
  REFUSED_BARE(UDP), REFUSED_BARE(TCP), REFUSED_BARE(RECURSION),               \
      REFUSED_BARE(AXFR), REFUSED_BARE(IXFR), REFUSED_BARE(UPDATE),            \
      REFUSED_BARE(NOTIFY), REFUSED_BARE(OPCODE), REFUSED_BARE(PLAIN),         \
      REFUSED_BARE(EDNS), REFUSED_BARE(EDNS1), REFUSED_BARE(EDNSOPT),          \
      REFUSED_BARE(EDNSFLAGS), REFUSED_BARE(ZFLAG), REFUSED_BARE(TYPE1000),    \
      REFUSED_BARE(DO), REFUSED_BARE(BUFSIZE512), REFUSED_BARE(NSID),          \
      REFUSED_BARE(COOKIE), REFUSED_BARE(VERSION), REFUSED_BARE(HOSTNAME),     \
      REFUSED_BARE(IDSERVER), REFUSED_BARE(DNSKEY), REFUSED_BARE(NSEC3PARAM),  \
      REFUSED_BARE(CASE)
/* The zone's SOA refused wherever it is asked (with OPT where asked with
 * EDNS): the zone is not here. */
#define ZONE_REFUSED                                                           \
  ANSWER(UDP, REFUSED, 0), ANSWER(TCP, REFUSED, 0), REFUSED_BARE(PLAIN),       \
      ANSWER(EDNS, REFUSED, 0), ANSWER(EDNSOPT, REFUSED, 0),                   \
      ANSWER(EDNSFLAGS, REFUSED, 0), ANSWER(ZFLAG, REFUSED, 0),                \
      ANSWER(TYPE1000, REFUSED, 0), ANSWER(DO, REFUSED, 0),                    \
      ANSWER(BUFSIZE512, REFUSED, 0), ANSWER(NSID, REFUSED, 0),                \
      ANSWER(COOKIE, REFUSED, 0), ANSWER(DNSKEY, REFUSED, 0),                  \
      ANSWER(NSEC3PARAM, REFUSED, 0), ANSWER(CASE, REFUSED, 0)

#define AA DP_FLAG_AA
#define RA DP_FLAG_RA
#define TC DP_FLAG_TC

struct rootcase
{
  const char *name;
  enum base base;
  bool zone_given;
  struct change changes[64];
  dp_cause_t first;
  dp_severity_t severity;
  dp_health_t status;
  dp_cause_t also[4];   /* causes that must be there too */
  dp_cause_t absent[4]; /* causes that must not */
};

static const struct rootcase cases[] = {
    {"healthy authoritative",
     AUTH,
     true,
     {{K_END}},
     NOCAUSE,
     S(OK),
     H(OK),
     {0},
     {C(REQUESTS_DROPPED), C(OPCODE_MISHANDLED)}},
    {"healthy resolver",
     RESOLVER,
     true,
     {{K_END}},
     NOCAUSE,
     S(OK),
     H(OK),
     {0},
     {C(LAME), C(RECURSION_REFUSED)}},
    /* 1: nothing came back */
    {"nothing listens",
     AUTH,
     true,
     {OUTCOME(UDP, PORT_UNREACHABLE),
      OUTCOME(RECURSION, PORT_UNREACHABLE),
      OUTCOME(UPDATE, PORT_UNREACHABLE),
      OUTCOME(NOTIFY, PORT_UNREACHABLE),
      OUTCOME(OPCODE, PORT_UNREACHABLE),
      OUTCOME(PLAIN, PORT_UNREACHABLE),
      OUTCOME(EDNS, PORT_UNREACHABLE),
      OUTCOME(EDNS1, PORT_UNREACHABLE),
      OUTCOME(EDNSOPT, PORT_UNREACHABLE),
      OUTCOME(EDNSFLAGS, PORT_UNREACHABLE),
      OUTCOME(ZFLAG, PORT_UNREACHABLE),
      OUTCOME(TYPE1000, PORT_UNREACHABLE),
      OUTCOME(DO, PORT_UNREACHABLE),
      OUTCOME(BUFSIZE512, PORT_UNREACHABLE),
      OUTCOME(NSID, PORT_UNREACHABLE),
      OUTCOME(COOKIE, PORT_UNREACHABLE),
      OUTCOME(VERSION, PORT_UNREACHABLE),
      OUTCOME(HOSTNAME, PORT_UNREACHABLE),
      OUTCOME(IDSERVER, PORT_UNREACHABLE),
      OUTCOME(DNSKEY, PORT_UNREACHABLE),
      OUTCOME(NSEC3PARAM, PORT_UNREACHABLE),
      OUTCOME(CASE, PORT_UNREACHABLE),
      OUTCOME(TCP, CONN_REFUSED),
      OUTCOME(AXFR, CONN_REFUSED),
      OUTCOME(IXFR, CONN_REFUSED)},
     C(PORT_CLOSED),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     {C(OPCODE_MISHANDLED), C(EDNS_DROPPED), C(RATE_LIMITED)}},
    {"unreachable",
     AUTH,
     true,
     {ALL_UDP_SILENT, SILENT(TCP), SILENT(AXFR), SILENT(IXFR)},
     C(UNREACHABLE),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     {C(RATE_LIMITED), C(REQUESTS_DROPPED)}},
    {"client dropped",
     RESOLVER,
     true,
     {ALL_UDP_SILENT, OUTCOME(TCP, CLOSED), OUTCOME(AXFR, CLOSED),
      OUTCOME(IXFR, CONN_RESET)},
     C(CLIENT_DROPPED),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     {C(RATE_LIMITED), C(UNREACHABLE)}},
    /* 2: refused everything */
    {"client refused",
     AUTH,
     true,
     {ALL_REFUSED},
     C(CLIENT_REFUSED),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     {C(EDNS_NONCOMPLIANT), C(LAME), C(OPCODE_MISHANDLED)}},
    /* 3: one transport */
    {"udp blocked",
     AUTH,
     true,
     {ALL_UDP_SILENT},
     C(UDP_BLOCKED),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     {C(EDNS_DROPPED), C(RATE_LIMITED)}},
    {"tcp blocked",
     AUTH,
     true,
     {SILENT(TCP), SILENT(AXFR), SILENT(IXFR)},
     C(TCP_BLOCKED),
     S(WARNING),
     H(WARNING),
     {0},
     {C(UNREACHABLE)}},
    /* 4: the zone */
    {"lame",
     AUTH,
     true,
     {ZONE_REFUSED, EDE(UDP, 20), ANSWER(NOTIFY, NOTAUTH, 0)},
     C(LAME),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     {C(CLIENT_REFUSED)}},
    {"zone loaded, its SOA refused",
     AUTH,
     true,
     {ZONE_REFUSED, ANSWER(NOTIFY, NOERROR, AA)},
     C(QUERY_REFUSED),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     {C(LAME)}},
    {"zone broken",
     AUTH,
     true,
     {ANSWER(UDP, SERVFAIL, 0), ANSWER(TCP, SERVFAIL, 0),
      ANSWER(AXFR, SERVFAIL, 0), ANSWER(IXFR, SERVFAIL, 0)},
     C(ZONE_BROKEN),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     /* the transfers fail with the zone: no "unexpected" of their own */
     {C(RECURSION_REFUSED), C(UNEXPECTED)}},
    {"no zone given",
     AUTH,
     false,
     {ANSWER(UDP, REFUSED, 0), ANSWER(TCP, REFUSED, 0)},
     C(NO_ZONE),
     S(INFO),
     H(OK),
     {0},
     {C(LAME)}},
    {"a resolver refuses a zone it does not serve",
     RESOLVER,
     true,
     {ANSWER(UDP, REFUSED, RA), ANSWER(TCP, REFUSED, RA)},
     NOCAUSE,
     S(OK),
     H(OK),
     {0},
     {C(LAME)}},
    /* 5: recursion */
    {"upstream failing",
     RESOLVER,
     true,
     {ANSWER(RECURSION, SERVFAIL, RA), FOLLOWUP(RECURSION, CD, SERVFAIL)},
     C(UPSTREAM),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     {C(DNSSEC)}},
    {"dnssec",
     RESOLVER,
     true,
     {ANSWER(RECURSION, SERVFAIL, RA), FOLLOWUP(RECURSION, CD, NOERROR)},
     C(DNSSEC),
     S(WARNING),
     H(WARNING),
     {0},
     {C(UPSTREAM)}},
    {"EDE names the upstream",
     RESOLVER,
     true,
     {ANSWER(RECURSION, SERVFAIL, RA), EDE(RECURSION, 22)},
     C(UPSTREAM),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     {C(DNSSEC)}},
    {"EDE 3 (Stale Answer) is no DNSSEC failure",
     RESOLVER,
     true,
     {ANSWER(RECURSION, SERVFAIL, RA), EDE(RECURSION, 3),
      FOLLOWUP(RECURSION, CD, SERVFAIL)},
     C(UPSTREAM),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     {C(DNSSEC)}},
    {"EDE Prohibited is a policy, never the upstream",
     RESOLVER,
     true,
     {ANSWER(RECURSION, SERVFAIL, RA), EDE(RECURSION, 18),
      FOLLOWUP(RECURSION, CD, SERVFAIL)},
     C(RECURSION_REFUSED),
     S(WARNING),
     H(WARNING),
     {0},
     {C(UPSTREAM)}},
    {"slow upstream",
     RESOLVER,
     true,
     {SILENT(RECURSION), FOLLOWUP(RECURSION, RETRY, NOERROR)},
     C(UPSTREAM_SLOW),
     S(WARNING),
     H(WARNING),
     {0},
     {C(RATE_LIMITED), C(REQUESTS_DROPPED)}},
    {"dead upstream, the second answer SERVFAIL",
     RESOLVER,
     true,
     {SILENT(RECURSION), FOLLOWUP(RECURSION, RETRY, SERVFAIL)},
     C(UPSTREAM),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     {C(RATE_LIMITED)}},
    {"dead upstream, no second answer",
     RESOLVER,
     true,
     {SILENT(RECURSION), FOLLOWUP_NONE(RECURSION, RETRY)},
     C(UPSTREAM),
     S(CRITICAL),
     H(CRITICAL),
     {0},
     {C(RATE_LIMITED)}},
    {"a resolver refuses recursion",
     RESOLVER,
     true,
     {ANSWER(RECURSION, REFUSED, 0), EDE(RECURSION, 18)},
     C(RECURSION_REFUSED),
     S(WARNING),
     H(WARNING),
     {0},
     {C(CLIENT_REFUSED)}},
    {"open resolver",
     AUTH,
     true,
     {ANSWER(RECURSION, NOERROR, RA)},
     C(OPEN_RESOLVER),
     S(WARNING),
     H(WARNING),
     {0},
     {0}},
    /* exposure */
    {"open transfer",
     AUTH,
     true,
     {ANSWER_SOA(AXFR, NOERROR, AA), ANSWER_SOA(IXFR, NOERROR, AA)},
     C(OPEN_TRANSFER),
     S(WARNING),
     H(WARNING),
     {0},
     {0}},
    {"update accepted",
     AUTH,
     true,
     {ANSWER(UPDATE, NOERROR, 0), ANSWER_SOA(AXFR, NOERROR, AA)},
     C(UPDATE_ACCEPTED),
     S(CRITICAL),
     H(CRITICAL),
     {C(OPEN_TRANSFER)},
     {0}},
    {"notify accepted",
     AUTH,
     true,
     {ANSWER(NOTIFY, NOERROR, AA)},
     C(NOTIFY_ACCEPTED),
     S(INFO),
     H(OK),
     {0},
     {0}},
    {"notify accepted by a BIND primary is normal",
     AUTH,
     true,
     {ANSWER(NOTIFY, NOERROR, AA), ANSWER(VERSION, NOERROR, AA),
      TEXT(VERSION, "9.18.49-Debian")},
     C(IDENTITY_DISCLOSED),
     S(INFO),
     H(OK),
     {0},
     {C(NOTIFY_ACCEPTED)}},
    /* transport and protocol */
    /* a middlebox drops every query with an OPT: only plain and the
     * opcode probe (no EDNS) get through over UDP */
    {"edns dropped",
     AUTH,
     true,
     {SILENT(UDP), SILENT(RECURSION), SILENT(UPDATE), SILENT(NOTIFY),
      SILENT(EDNS), SILENT(EDNS1), SILENT(EDNSOPT), SILENT(EDNSFLAGS),
      SILENT(ZFLAG), SILENT(TYPE1000), SILENT(DO), SILENT(BUFSIZE512),
      SILENT(NSID), SILENT(COOKIE), SILENT(VERSION), SILENT(HOSTNAME),
      SILENT(IDSERVER), SILENT(CASE)},
     C(EDNS_DROPPED),
     S(WARNING),
     H(WARNING),
     {0},
     {C(UDP_BLOCKED), C(RATE_LIMITED)}},
    {"large answers lost",
     AUTH,
     true,
     {ANSWER(BUFSIZE512, NOERROR, AA | TC),
      FOLLOWUP_NONE(BUFSIZE512, BUFSIZE4096)},
     C(FRAGMENTATION),
     S(WARNING),
     H(WARNING),
     {0},
     {C(RATE_LIMITED)}},
    {"legacy",
     AUTH,
     true,
     {ANSWER(EDNS, FORMERR, 0), NOOPT(EDNS)},
     C(LEGACY),
     S(INFO),
     H(OK),
     {0},
     {C(BROKEN)}},
    {"edns non-compliant",
     AUTH,
     true,
     {ANSWER(EDNS1, NOERROR, AA)},
     C(EDNS_NONCOMPLIANT),
     S(WARNING),
     H(WARNING),
     {0},
     {0}},
    {"opcode never answered",
     AUTH,
     true,
     {SILENT(OPCODE)},
     C(OPCODE_MISHANDLED),
     S(WARNING),
     H(WARNING),
     {0},
     {C(RATE_LIMITED)}},
    {"rate limited",
     AUTH,
     true,
     {SILENT(ZFLAG), SILENT(DO)},
     C(RATE_LIMITED),
     S(INFO),
     H(OK),
     {0},
     {C(EDNS_DROPPED)}},
    {"CHAOS silence is nothing",
     AUTH,
     true,
     {SILENT(VERSION), SILENT(HOSTNAME), SILENT(IDSERVER)},
     NOCAUSE,
     S(OK),
     H(OK),
     {0},
     {C(EDNS_DROPPED), C(RATE_LIMITED)}},
    {"UPDATE and NOTIFY dropped",
     RESOLVER,
     true,
     {SILENT(UPDATE), SILENT(NOTIFY)},
     C(REQUESTS_DROPPED),
     S(INFO),
     H(OK),
     {0},
     {C(RATE_LIMITED)}},
    {"malformed",
     AUTH,
     true,
     {OUTCOME(NSID, MALFORMED)},
     C(MALFORMED),
     S(WARNING),
     H(WARNING),
     {0},
     {0}},
};

/* What the base batteries get. */
static void base_answers(struct dp_target_result *t, enum base base)
{
  fx_probe_all(t);
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    dp_probe_id_t id = (dp_probe_id_t)i;
    uint16_t ra = base == RESOLVER ? RA : 0;
    switch (id)
    {
    case DP_PROBE_UDP:
    case DP_PROBE_TCP:
      if (base == AUTH)
      {
        fx_answer(p, DP_RCODE_NOERROR, AA);
        fx_soa(p, FX_SERIAL);
      }
      else
        fx_answer(p, DP_RCODE_REFUSED, ra);
      break;
    case DP_PROBE_RECURSION:
      if (base == AUTH)
        fx_answer(p, DP_RCODE_REFUSED, 0), fx_ede(p, 20, NULL);
      else
        fx_answer(p, DP_RCODE_NOERROR, RA);
      break;
    case DP_PROBE_AXFR:
    case DP_PROBE_IXFR:
    case DP_PROBE_NOTIFY:
      fx_answer(p, DP_RCODE_REFUSED, ra);
      break;
    case DP_PROBE_UPDATE:
    case DP_PROBE_OPCODE:
      fx_answer(p, DP_RCODE_NOTIMP, 0);
      break;
    case DP_PROBE_EDNS1:
      fx_answer(p, DP_RCODE_BADVERS, ra);
      break;
    case DP_PROBE_TYPE1000:
      fx_answer(p, base == AUTH ? DP_RCODE_NOERROR : DP_RCODE_REFUSED,
                base == AUTH ? AA : ra);
      break;
    case DP_PROBE_VERSION:
    case DP_PROBE_HOSTNAME:
    case DP_PROBE_IDSERVER:
      fx_answer(p, DP_RCODE_REFUSED, 0);
      break;
    case DP_PROBE_PLAIN:
    case DP_PROBE_EDNS:
    case DP_PROBE_EDNSOPT:
    case DP_PROBE_EDNSFLAGS:
    case DP_PROBE_ZFLAG:
    case DP_PROBE_DO:
    case DP_PROBE_BUFSIZE512:
    case DP_PROBE_NSID:
    case DP_PROBE_COOKIE:
    case DP_PROBE_DNSKEY:
    case DP_PROBE_NSEC3PARAM:
    case DP_PROBE_CASE:
      if (base == AUTH)
      {
        fx_answer(p, DP_RCODE_NOERROR, AA);
        if (id != DP_PROBE_BUFSIZE512 && id != DP_PROBE_DNSKEY &&
            id != DP_PROBE_NSEC3PARAM)
          fx_soa(p, FX_SERIAL);
      }
      else
        fx_answer(p, DP_RCODE_REFUSED, ra);
      break;
    case DP_PROBE_COUNT:
      break;
    }
  }
}

/* A run of one target answering as a strict authoritative server. */
static struct dp_target_result *authoritative(struct dp_run *run)
{
  fx_run_init(run);
  struct dp_target_result *t =
      fx_target(run, "127.0.0.1:5301", "127.0.0.1", 5301, FX_ZONE);
  base_answers(t, AUTH);
  return t;
}

static void apply(struct dp_target_result *t, const struct change *c)
{
  struct dp_probe_result *p = &t->probes[c->probe];
  struct dp_followup *f;
  switch (c->kind)
  {
  case K_ANSWER:
    fx_answer(p, c->rcode, c->flags);
    if (c->soa != 0)
      fx_soa(p, c->soa);
    break;
  case K_OUTCOME:
    fx_outcome(p, c->outcome);
    break;
  case K_EDE:
    fx_ede(p, c->code, NULL);
    break;
  case K_NOOPT:
    p->answer.edns = false;
    p->answer.edns_count = 0;
    p->answer.nopt_codes = 0;
    p->answer.do_bit = false;
    break;
  case K_TEXT:
    snprintf(p->answer.txt, sizeof(p->answer.txt), "%s", c->text);
    break;
  case K_FOLLOWUP:
    ck_assert_int_eq(dp_probe_followup_add(p, &f), DP_OK);
    f->id = c->followup;
    f->query = p->query;
    f->outcome = c->answered ? DP_OUTCOME_ANSWER : DP_OUTCOME_TIMEOUT;
    f->has_answer = c->answered;
    f->answer.rcode = c->rcode;
    f->answer.flags = DP_FLAG_QR | DP_FLAG_RA;
    break;
  case K_END:
    break;
  }
}

static bool has_cause(const struct dp_target_result *t, dp_cause_t c)
{
  for (size_t i = 0; i < t->ndiagnosis; i++)
    if (t->diagnosis[i].cause == c)
      return true;
  return false;
}

START_TEST(test_rootcause)
{
  const struct rootcase *c = &cases[_i];
  struct dp_run run;
  fx_run_init(&run);
  struct dp_target_result *t = fx_target(&run, "127.0.0.1:5301", "127.0.0.1",
                                         5301, c->zone_given ? FX_ZONE : NULL);
  base_answers(t, c->base);
  for (size_t i = 0; i < NELEM(c->changes) && c->changes[i].kind != K_END; i++)
    apply(t, &c->changes[i]);
  fx_diagnose(t, NULL);

  dp_cause_t first = t->ndiagnosis > 0 ? t->diagnosis[0].cause : NOCAUSE;
  CK_CAUSE_EQ(first, c->first, c->name);
  if (c->first != NOCAUSE)
  {
    CK_SEVERITY_EQ(t->diagnosis[0].severity, c->severity, c->name);
    const struct dp_root_cause *r = &t->diagnosis[0];
    ck_assert_msg(r->headline && r->headline[0] && r->evidence &&
                      r->evidence[0] && r->explanation && r->explanation[0],
                  "%s: the cause has its texts", c->name);
    ck_assert_msg(r->probes != 0, "%s: the cause explains no probe", c->name);
    /* every probe it explains points to it */
    for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
      if (r->probes & DP_PROBE_BIT(i))
        CK_CAUSE_EQ(t->probes[i].cause, r->cause, c->name);
  }
  CK_HEALTH_EQ(t->status, c->status, c->name);
  for (size_t i = 0; i < NELEM(c->also) && c->also[i] != NOCAUSE; i++)
    ck_assert_msg(has_cause(t, c->also[i]), "%s: no %s", c->name,
                  dp_cause_tostr(c->also[i]));
  for (size_t i = 0; i < NELEM(c->absent) && c->absent[i] != NOCAUSE; i++)
    ck_assert_msg(!has_cause(t, c->absent[i]), "%s: %s, which is wrong",
                  c->name, dp_cause_tostr(c->absent[i]));
  /* worst first */
  for (size_t i = 1; i < t->ndiagnosis; i++)
    ck_assert_msg(t->diagnosis[i].severity <= t->diagnosis[i - 1].severity,
                  "%s: causes not worst first", c->name);
  /* a problem of a probe is always some cause's */
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
    if (t->probes[i].severity > DP_SEVERITY_OK)
      ck_assert_msg(t->probes[i].cause != NOCAUSE,
                    "%s: %s is %s, and no cause explains it", c->name,
                    dp_probe_id_tostr((dp_probe_id_t)i),
                    dp_severity_tostr(t->probes[i].severity));
  dp_run_clear(&run);
}
END_TEST

/* A loaded zone whose SOA is refused: the evidence names the answer that
 * proves the zone is loaded. */
START_TEST(test_query_refused_evidence)
{
  struct dp_run run;
  struct dp_target_result *t = authoritative(&run);
  fx_answer(&t->probes[DP_PROBE_UDP], DP_RCODE_REFUSED, 0);
  fx_answer(&t->probes[DP_PROBE_TCP], DP_RCODE_REFUSED, 0);
  fx_answer(&t->probes[DP_PROBE_NOTIFY], DP_RCODE_NOERROR, AA);
  fx_diagnose(t, NULL);
  ck_assert_msg(t->ndiagnosis > 0 &&
                    t->diagnosis[0].cause == DP_CAUSE_QUERY_REFUSED,
                "query-refused: not the first cause");
  ck_assert_msg(t->diagnosis[0].evidence != NULL &&
                    strstr(t->diagnosis[0].evidence,
                           "notify: NOERROR aa, with authority for the zone") !=
                        NULL,
                "query-refused: evidence lacks the proof: %s",
                t->diagnosis[0].evidence ? t->diagnosis[0].evidence : "(null)");
  CK_ROLE_EQ(t->role, DP_ROLE_AUTHORITATIVE, "query-refused");
  dp_run_clear(&run);
}
END_TEST

/* The case probe's twin is evidence of case only: a server that refuses
 * everything gets no sentence about the twin in its client-refused
 * evidence, while a lowercasing server's case-not-preserved evidence
 * carries what the twin showed. */
START_TEST(test_twin_only_in_case_evidence)
{
  struct dp_run run;
  fx_run_init(&run);
  struct dp_target_result *t =
      fx_target(&run, "127.0.0.1:5301", "127.0.0.1", 5301, FX_ZONE);
  base_answers(t, RESOLVER);
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
    if (i != DP_PROBE_RECURSION)
      fx_answer(&t->probes[i], DP_RCODE_REFUSED, 0);
  fx_answer(&t->probes[DP_PROBE_RECURSION], DP_RCODE_REFUSED, 0);
  struct dp_followup *f;
  ck_assert_int_eq(dp_probe_followup_add(&t->probes[DP_PROBE_CASE], &f), DP_OK);
  f->id = DP_FOLLOWUP_OTHER_CASE;
  f->query = t->probes[DP_PROBE_CASE].query;
  f->outcome = DP_OUTCOME_ANSWER;
  f->has_answer = true;
  f->answer.rcode = DP_RCODE_REFUSED;
  f->answer.flags = DP_FLAG_QR;
  fx_diagnose(t, NULL);
  ck_assert_msg(t->ndiagnosis > 0 &&
                    t->diagnosis[0].cause == DP_CAUSE_CLIENT_REFUSED,
                "refuses everything: %s",
                t->ndiagnosis ? dp_cause_tostr(t->diagnosis[0].cause) : "-");
  ck_assert_msg(t->probes[DP_PROBE_CASE].followups[0].shows[0] != '\0',
                "the twin shows something");
  ck_assert_msg(strstr(t->diagnosis[0].evidence, "case:") == NULL,
                "client-refused evidence speaks of the twin: %s",
                t->diagnosis[0].evidence);
  dp_run_clear(&run);

  t = authoritative(&run);
  struct dp_probe_result *c = &t->probes[DP_PROBE_CASE];
  snprintf(c->query.qname, sizeof(c->query.qname), "%s", "eXaMpLe.TeSt.");
  fx_answer(c, DP_RCODE_NOERROR, AA);
  fx_soa(c, FX_SERIAL);
  snprintf(c->answer.qname, sizeof(c->answer.qname), "%s", "example.test.");
  c->answer.question_exact = false;
  ck_assert_int_eq(dp_probe_followup_add(c, &f), DP_OK);
  f->id = DP_FOLLOWUP_OTHER_CASE;
  f->query = c->query;
  snprintf(f->query.qname, sizeof(f->query.qname), "%s", "ExAmPlE.tEsT.");
  f->outcome = DP_OUTCOME_ANSWER;
  f->has_answer = true;
  f->answer = c->answer;
  fx_diagnose(t, NULL);
  ck_assert_msg(has_cause(t, DP_CAUSE_CASE_NOT_PRESERVED),
                "a lowercased echo is case-not-preserved");
  for (size_t i = 0; i < t->ndiagnosis; i++)
    if (t->diagnosis[i].cause == DP_CAUSE_CASE_NOT_PRESERVED)
      ck_assert_msg(strstr(t->diagnosis[i].evidence,
                           "case: sent at the same moment") != NULL,
                    "case-not-preserved evidence lacks the twin: %s",
                    t->diagnosis[i].evidence);
  dp_run_clear(&run);
}
END_TEST

/* An expected verdict never warns: refused recursion on a server that
 * refuses the zone is info, and with --expect authoritative ok. */
START_TEST(test_expected_never_warns)
{
  struct dp_run run;
  struct dp_target_result *t = authoritative(&run);
  fx_answer(&t->probes[DP_PROBE_UDP], DP_RCODE_SERVFAIL, 0);
  fx_answer(&t->probes[DP_PROBE_TCP], DP_RCODE_SERVFAIL, 0);
  fx_answer(&t->probes[DP_PROBE_RECURSION], DP_RCODE_REFUSED, 0);
  struct dp_expect e;
  memset(&e, 0, sizeof(e));
  e.profile = DP_EXPECT_AUTHORITATIVE;
  fx_diagnose(t, &e);
  CK_SEVERITY_EQ(t->probes[DP_PROBE_RECURSION].severity, DP_SEVERITY_OK,
                 "expected refused recursion");
  ck_assert_msg(!has_cause(t, DP_CAUSE_RECURSION_REFUSED),
                "expected refused recursion: no cause");
  ck_assert_msg(has_cause(t, DP_CAUSE_ZONE_BROKEN),
                "the broken zone is still the cause");
  dp_run_clear(&run);
}
END_TEST

/* --allow takes a cause away; a missed expectation with no other cause is
 * a cause of its own. */
START_TEST(test_expectations_and_causes)
{
  struct dp_run run;
  char err[128];
  fx_run_init(&run);
  struct dp_target_result *t =
      fx_target(&run, "127.0.0.1:5301", "127.0.0.1", 5301, FX_ZONE);
  base_answers(t, AUTH);
  fx_answer(&t->probes[DP_PROBE_AXFR], DP_RCODE_NOERROR, AA);
  fx_soa(&t->probes[DP_PROBE_AXFR], FX_SERIAL);
  struct dp_expect e;
  memset(&e, 0, sizeof(e));
  ck_assert_int_eq(
      dp_expect_rule_parse("axfr=allowed", &e.allow[0], err, sizeof(err)),
      DP_OK);
  e.nallow = 1;
  ck_assert_int_eq(
      dp_expect_rule_parse("notify=accepted", &e.require[0], err, sizeof(err)),
      DP_OK);
  e.nrequire = 1;
  fx_diagnose(t, &e);
  ck_assert_msg(!has_cause(t, DP_CAUSE_OPEN_TRANSFER),
                "--allow axfr=allowed: no open-transfer cause");
  ck_assert_msg(t->ndiagnosis > 0 &&
                    t->diagnosis[0].cause == DP_CAUSE_EXPECTATION &&
                    t->diagnosis[0].severity == DP_SEVERITY_CRITICAL,
                "--require notify=accepted missed: expectation-failed");
  CK_HEALTH_EQ(t->status, DP_HEALTH_CRITICAL, "expectations");
  dp_run_clear(&run);
}
END_TEST

/* --fix-for gives that software's block; unknown software one line per
 * product, no block. */
START_TEST(test_fix_policy)
{
  struct dp_run run;
  struct dp_target_result *t = authoritative(&run);
  fx_answer(&t->probes[DP_PROBE_AXFR], DP_RCODE_NOERROR, AA);
  fx_soa(&t->probes[DP_PROBE_AXFR], FX_SERIAL);
  fx_diagnose(t, NULL);
  const char *fix = t->diagnosis[0].fix;
  ck_assert_msg(fix && strstr(fix, "BIND 9: allow-transfer") &&
                    strstr(fix, "NSD: provide-xfr") && !strstr(fix, "{"),
                "unknown software: a line per product, no block: %s", fix);
  ck_assert_int_eq(dp_diagnose_target(t, NULL, DP_SOFTWARE_NSD), DP_OK);
  fix = t->diagnosis[0].fix;
  ck_assert_msg(fix && strstr(fix, "NSD (provide-xfr):") &&
                    !strstr(fix, "BIND 9"),
                "--fix-for nsd: NSD's block alone: %s", fix);
  dp_run_clear(&run);
}
END_TEST

static Suite *rootcause_suite(void)
{
  Suite *s = suite_create("rootcause");
  TCase *tc = tcase_create("rules");
  tcase_add_loop_test(tc, test_rootcause, 0, NELEM(cases));
  tcase_add_test(tc, test_expected_never_warns);
  tcase_add_test(tc, test_query_refused_evidence);
  tcase_add_test(tc, test_twin_only_in_case_evidence);
  tcase_add_test(tc, test_expectations_and_causes);
  tcase_add_test(tc, test_fix_policy);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(rootcause_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
