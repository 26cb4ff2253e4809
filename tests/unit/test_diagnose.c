/*
 * test_diagnose.c: unit tests of the verdict rules (src/diagnose).
 *
 * Two tables. The first gives one probe's reply or transport outcome, plus
 * the context a judge may read (the verdicts of udp and tcp, whether --zone
 * was given), and the verdict the man page's VERDICTS requires. The second
 * builds whole targets by hand, the eight core probes' replies of a server in a
 * classic situation (strict authoritative, open AXFR and updates, a resolver
 * refusing this client, silence, ...), runs the judges in probe-table order
 * as the runner does (phase 1), then dp_diagnose_target (phases 2 and 3),
 * and checks role, each probe's verdict, severity and finding key, the
 * target's status, and the texts every non-ok probe must carry.
 *
 * Every expectation comes from the man page's VERDICTS and
 * docs/design/probes.md ("Core battery"); where neither says anything the
 * case states a range or leaves the field unchecked.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "dnsprobe/diagnose.h"
#include "dnsprobe/probes.h"
#include "fixture.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the core battery, built with the shared fixture ------------------- */

/* The core battery: the first eight probe ids. */
enum
{
  P_UDP = DP_PROBE_UDP,
  P_TCP = DP_PROBE_TCP,
  P_RECURSION = DP_PROBE_RECURSION,
  P_AXFR = DP_PROBE_AXFR,
  P_IXFR = DP_PROBE_IXFR,
  P_UPDATE = DP_PROBE_UPDATE,
  P_NOTIFY = DP_PROBE_NOTIFY,
  P_OPCODE = DP_PROBE_OPCODE,
  P_COUNT
};

/* A reply as the probes layer records it, or a transport outcome. */
struct reply
{
  dp_outcome_t outcome; /* DP_OUTCOME_ANSWER when something came back */
  uint16_t rcode;
  uint16_t flags; /* DP_FLAG_QR, DP_FLAG_AA, DP_FLAG_RA */
  bool no_echo;   /* the reply's opcode is 0, not the query's */
  bool has_ede;
  uint16_t ede;
  const char *ede_text; /* EXTRA-TEXT, or NULL */
  bool soa;             /* an SOA for the zone in the answer */
  bool referral;        /* no answer, NS in authority */
};

#define QR DP_FLAG_QR
#define AA DP_FLAG_AA
#define RA DP_FLAG_RA
#define NOFLAGS 0
#define ANS(rc, fl)                                                            \
  {                                                                            \
    .outcome = DP_OUTCOME_ANSWER, .rcode = DP_RCODE_##rc, .flags = QR | (fl)   \
  }
#define ANS_SOA(rc, fl)                                                        \
  {                                                                            \
    .outcome = DP_OUTCOME_ANSWER, .rcode = DP_RCODE_##rc, .flags = QR | (fl),  \
    .soa = true                                                                \
  }
#define ANS_EDE(rc, fl, code, text)                                            \
  {                                                                            \
    .outcome = DP_OUTCOME_ANSWER, .rcode = DP_RCODE_##rc, .flags = QR | (fl),  \
    .has_ede = true, .ede = (code), .ede_text = (text)                         \
  }
#define ANS_NOECHO(rc, fl)                                                     \
  {                                                                            \
    .outcome = DP_OUTCOME_ANSWER, .rcode = DP_RCODE_##rc, .flags = QR | (fl),  \
    .no_echo = true                                                            \
  }
#define ANS_REFERRAL(rc, fl)                                                   \
  {                                                                            \
    .outcome = DP_OUTCOME_ANSWER, .rcode = DP_RCODE_##rc, .flags = QR | (fl),  \
    .referral = true                                                           \
  }
#define ANS_RAW(value, fl)                                                     \
  {                                                                            \
    .outcome = DP_OUTCOME_ANSWER, .rcode = (value), .flags = QR | (fl)         \
  }
#define NOREPLY(o)                                                             \
  {                                                                            \
    .outcome = DP_OUTCOME_##o                                                  \
  }
#define SKIP NOREPLY(SKIPPED)

/* Send probe id of t and record what came back, as the runner would. */
static void fill_probe(struct dp_target_result *t, int id,
                       const struct reply *r)
{
  if (r->outcome == DP_OUTCOME_SKIPPED)
    return; /* not selected: it stays skipped */
  struct dp_probe_result *p = fx_probe(t, (dp_probe_id_t)id);
  if (r->outcome != DP_OUTCOME_ANSWER)
  {
    fx_outcome(p, r->outcome);
    return;
  }
  fx_answer(p, r->rcode, (uint16_t)(r->flags & ~DP_FLAG_QR));
  p->rtt_ms = 0.25;
  if (r->no_echo)
  {
    p->answer.opcode = 0;
    p->answer.flags &= (uint16_t)~0x7800;
  }
  if (r->soa)
    fx_soa(p, FX_SERIAL);
  if (r->referral)
  {
    p->answer.nscount = 1;
    p->answer.referral = true;
  }
  if (r->has_ede)
    fx_ede(p, r->ede, r->ede_text);
}

/* The run of the current test; a checked fixture frees it, also after a
 * failed assertion. */
static struct dp_run test_run;

static void run_setup(void)
{
  fx_run_init(&test_run);
}

static void run_teardown(void)
{
  dp_run_clear(&test_run);
}

/* A target whose probes are all skipped, in a run so dp_run_clear frees it. */
static struct dp_target_result *new_target(struct dp_run *run, bool zone_given)
{
  dp_run_clear(run);
  fx_run_init(run);
  return fx_target(run, "127.0.0.1:5301", "127.0.0.1", 5301,
                   zone_given ? FX_ZONE : NULL);
}

/* ---- table 1: one probe's verdict in context ----------------------------- */

/* A reply that makes the zone probes' judge return v (context only). */
static struct reply reply_for(dp_verdict_t v)
{
  static const struct reply skip = SKIP;
  static const struct reply auth = ANS_SOA(NOERROR, AA);
  static const struct reply answering = ANS(NOERROR, NOFLAGS);
  static const struct reply refused = ANS(REFUSED, NOFLAGS);
  static const struct reply failing = ANS(SERVFAIL, NOFLAGS);
  static const struct reply none = NOREPLY(TIMEOUT);

  switch (v)
  {
  case DP_VERDICT_AUTHORITATIVE:
    return auth;
  case DP_VERDICT_ANSWERING:
    return answering;
  case DP_VERDICT_REFUSED:
    return refused;
  case DP_VERDICT_FAILING:
    return failing;
  case DP_VERDICT_NO_ANSWER:
    return none;
  default:
    return skip;
  }
}

struct verdict_case
{
  const char *name;
  int probe; /* P_* */
  struct reply r;
  dp_verdict_t udp; /* context; NONE: udp was not selected */
  dp_verdict_t tcp;
  bool zone_given;
  dp_verdict_t want;
};

/* Shorthands for the table. */
#define V(x) DP_VERDICT_##x
#define NOCTX V(NONE), V(NONE)
#define AUTHCTX V(AUTHORITATIVE), V(AUTHORITATIVE)
#define EDE_PROHIBITED 18
#define EDE_NOT_AUTHORITATIVE 20

static const struct verdict_case verdict_cases[] = {
    /* udp, tcp: the zone's SOA. */
    {"udp-noerror-aa-soa", P_UDP, ANS_SOA(NOERROR, AA), NOCTX, true,
     V(AUTHORITATIVE)},
    {"udp-noerror-aa-root", P_UDP, ANS_SOA(NOERROR, AA), NOCTX, false,
     V(AUTHORITATIVE)},
    {"udp-noerror-aa-ra", P_UDP, ANS_SOA(NOERROR, AA | RA), NOCTX, true,
     V(AUTHORITATIVE)},
    {"udp-noerror-aa-nosoa", P_UDP, ANS(NOERROR, AA), NOCTX, true,
     V(AUTHORITATIVE)},
    {"udp-noerror-noaa", P_UDP, ANS_SOA(NOERROR, NOFLAGS), NOCTX, true,
     V(ANSWERING)},
    {"udp-noerror-noaa-ra", P_UDP, ANS_SOA(NOERROR, RA), NOCTX, false,
     V(ANSWERING)},
    {"udp-referral", P_UDP, ANS_REFERRAL(NOERROR, NOFLAGS), NOCTX, true,
     V(ANSWERING)},
    {"udp-refused", P_UDP, ANS(REFUSED, NOFLAGS), NOCTX, true, V(REFUSED)},
    {"udp-refused-ede20", P_UDP,
     ANS_EDE(REFUSED, NOFLAGS, EDE_NOT_AUTHORITATIVE, NULL), NOCTX, true,
     V(REFUSED)},
    {"udp-refused-ede18", P_UDP, ANS_EDE(REFUSED, RA, EDE_PROHIBITED, NULL),
     NOCTX, false, V(REFUSED)},
    {"udp-notauth", P_UDP, ANS(NOTAUTH, NOFLAGS), NOCTX, true, V(REFUSED)},
    {"udp-servfail", P_UDP, ANS(SERVFAIL, NOFLAGS), NOCTX, true, V(FAILING)},
    {"udp-servfail-ra", P_UDP, ANS(SERVFAIL, RA), NOCTX, false, V(FAILING)},
    {"udp-timeout", P_UDP, NOREPLY(TIMEOUT), NOCTX, true, V(NO_ANSWER)},
    {"udp-port-unreachable", P_UDP, NOREPLY(PORT_UNREACHABLE), NOCTX, true,
     V(NO_ANSWER)},
    {"udp-host-unreachable", P_UDP, NOREPLY(HOST_UNREACHABLE), NOCTX, true,
     V(NO_ANSWER)},
    {"udp-malformed", P_UDP, NOREPLY(MALFORMED), NOCTX, true, V(UNEXPECTED)},
    {"udp-formerr", P_UDP, ANS(FORMERR, NOFLAGS), NOCTX, true, V(UNEXPECTED)},
    {"udp-nxdomain-aa", P_UDP, ANS(NXDOMAIN, AA), NOCTX, true, V(UNEXPECTED)},
    {"udp-notimp", P_UDP, ANS(NOTIMP, NOFLAGS), NOCTX, true, V(UNEXPECTED)},
    {"udp-yxdomain", P_UDP, ANS(YXDOMAIN, AA), NOCTX, true, V(UNEXPECTED)},
    {"udp-badvers", P_UDP, ANS_RAW(DP_RCODE_BADVERS, NOFLAGS), NOCTX, true,
     V(UNEXPECTED)},
    {"tcp-noerror-aa", P_TCP, ANS_SOA(NOERROR, AA), V(NO_ANSWER), V(NONE), true,
     V(AUTHORITATIVE)},
    {"tcp-noerror-noaa", P_TCP, ANS_SOA(NOERROR, NOFLAGS), V(ANSWERING),
     V(NONE), true, V(ANSWERING)},
    {"tcp-refused", P_TCP, ANS(REFUSED, NOFLAGS), V(REFUSED), V(NONE), true,
     V(REFUSED)},
    {"tcp-notauth", P_TCP, ANS(NOTAUTH, NOFLAGS), NOCTX, true, V(REFUSED)},
    {"tcp-servfail", P_TCP, ANS(SERVFAIL, NOFLAGS), NOCTX, true, V(FAILING)},
    {"tcp-conn-refused", P_TCP, NOREPLY(CONN_REFUSED), V(AUTHORITATIVE),
     V(NONE), true, V(NO_ANSWER)},
    {"tcp-conn-reset", P_TCP, NOREPLY(CONN_RESET), NOCTX, true, V(NO_ANSWER)},
    {"tcp-closed", P_TCP, NOREPLY(CLOSED), NOCTX, true, V(NO_ANSWER)},
    {"tcp-timeout", P_TCP, NOREPLY(TIMEOUT), NOCTX, true, V(NO_ANSWER)},
    {"tcp-malformed", P_TCP, NOREPLY(MALFORMED), NOCTX, true, V(UNEXPECTED)},
    {"tcp-formerr", P_TCP, ANS(FORMERR, NOFLAGS), NOCTX, true, V(UNEXPECTED)},

    /* recursion: A for a name outside the zone, RD=1. */
    {"rec-noerror-ra", P_RECURSION, ANS(NOERROR, RA), NOCTX, true,
     V(AVAILABLE)},
    {"rec-nxdomain-ra", P_RECURSION, ANS(NXDOMAIN, RA), NOCTX, true,
     V(AVAILABLE)},
    {"rec-noerror-ra-on-auth", P_RECURSION, ANS(NOERROR, RA), AUTHCTX, true,
     V(AVAILABLE)},
    {"rec-nxdomain-ra-aa", P_RECURSION, ANS(NXDOMAIN, AA | RA), AUTHCTX, false,
     V(AVAILABLE)},
    {"rec-noerror-no-ra", P_RECURSION, ANS(NOERROR, NOFLAGS), NOCTX, true,
     V(NOT_OFFERED)},
    {"rec-nxdomain-no-ra", P_RECURSION, ANS(NXDOMAIN, NOFLAGS), NOCTX, true,
     V(NOT_OFFERED)},
    {"rec-referral-no-ra", P_RECURSION, ANS_REFERRAL(NOERROR, NOFLAGS), AUTHCTX,
     true, V(NOT_OFFERED)},
    {"rec-referral-no-ra-noctx", P_RECURSION, ANS_REFERRAL(NOERROR, NOFLAGS),
     NOCTX, false, V(NOT_OFFERED)},
    {"rec-refused-ra", P_RECURSION, ANS(REFUSED, RA), NOCTX, true, V(REFUSED)},
    {"rec-refused-ra-on-auth", P_RECURSION, ANS(REFUSED, RA), AUTHCTX, true,
     V(REFUSED)},
    {"rec-refused-ra-ede18", P_RECURSION,
     ANS_EDE(REFUSED, RA, EDE_PROHIBITED, NULL), NOCTX, false, V(REFUSED)},
    {"rec-refused-ede18", P_RECURSION,
     ANS_EDE(REFUSED, NOFLAGS, EDE_PROHIBITED, NULL), NOCTX, true, V(REFUSED)},
    {"rec-refused-plain", P_RECURSION, ANS(REFUSED, NOFLAGS), NOCTX, true,
     V(REFUSED)},
    {"rec-refused-plain-root", P_RECURSION, ANS(REFUSED, NOFLAGS), NOCTX, false,
     V(REFUSED)},
    {"rec-refused-ede20", P_RECURSION,
     ANS_EDE(REFUSED, NOFLAGS, EDE_NOT_AUTHORITATIVE, NULL), NOCTX, true,
     V(NOT_OFFERED)},
    {"rec-refused-ede20-udp-refused", P_RECURSION,
     ANS_EDE(REFUSED, NOFLAGS, EDE_NOT_AUTHORITATIVE, NULL), V(REFUSED),
     V(REFUSED), false, V(NOT_OFFERED)},
    {"rec-refused-udp-auth", P_RECURSION, ANS(REFUSED, NOFLAGS),
     V(AUTHORITATIVE), V(NONE), true, V(NOT_OFFERED)},
    {"rec-refused-tcp-auth", P_RECURSION, ANS(REFUSED, NOFLAGS), V(NO_ANSWER),
     V(AUTHORITATIVE), true, V(NOT_OFFERED)},
    {"rec-refused-both-auth-root", P_RECURSION, ANS(REFUSED, NOFLAGS), AUTHCTX,
     false, V(NOT_OFFERED)},
    {"rec-refused-ede18-auth", P_RECURSION,
     ANS_EDE(REFUSED, NOFLAGS, EDE_PROHIBITED, NULL), AUTHCTX, true,
     V(NOT_OFFERED)},
    {"rec-refused-udp-answering", P_RECURSION, ANS(REFUSED, NOFLAGS),
     V(ANSWERING), V(ANSWERING), true, V(REFUSED)},
    {"rec-refused-udp-refused", P_RECURSION, ANS(REFUSED, NOFLAGS), V(REFUSED),
     V(REFUSED), true, V(REFUSED)},
    {"rec-refused-udp-failing", P_RECURSION, ANS(REFUSED, NOFLAGS), V(FAILING),
     V(FAILING), true, V(REFUSED)},
    {"rec-servfail-ra", P_RECURSION, ANS(SERVFAIL, RA), NOCTX, true,
     V(FAILING)},
    {"rec-servfail-ra-on-auth", P_RECURSION, ANS(SERVFAIL, RA), AUTHCTX, true,
     V(FAILING)},
    {"rec-timeout", P_RECURSION, NOREPLY(TIMEOUT), NOCTX, true, V(NO_ANSWER)},
    {"rec-timeout-on-auth", P_RECURSION, NOREPLY(TIMEOUT), AUTHCTX, true,
     V(NO_ANSWER)},
    {"rec-port-unreachable", P_RECURSION, NOREPLY(PORT_UNREACHABLE), NOCTX,
     true, V(NO_ANSWER)},
    {"rec-malformed", P_RECURSION, NOREPLY(MALFORMED), NOCTX, true,
     V(UNEXPECTED)},
    {"rec-formerr-ra", P_RECURSION, ANS(FORMERR, RA), NOCTX, true,
     V(UNEXPECTED)},
    {"rec-notimp", P_RECURSION, ANS(NOTIMP, NOFLAGS), NOCTX, true,
     V(UNEXPECTED)},

    /* axfr, ixfr: zone transfers over TCP. */
    {"axfr-noerror-soa", P_AXFR, ANS_SOA(NOERROR, AA), AUTHCTX, true,
     V(ALLOWED)},
    {"axfr-noerror-soa-noctx", P_AXFR, ANS_SOA(NOERROR, AA), NOCTX, false,
     V(ALLOWED)},
    {"axfr-refused", P_AXFR, ANS(REFUSED, NOFLAGS), AUTHCTX, true, V(DENIED)},
    {"axfr-refused-ede18", P_AXFR,
     ANS_EDE(REFUSED, NOFLAGS, EDE_PROHIBITED, NULL), NOCTX, true, V(DENIED)},
    {"axfr-refused-udp-refused", P_AXFR, ANS(REFUSED, NOFLAGS), V(REFUSED),
     V(REFUSED), true, V(DENIED)},
    {"axfr-notauth-auth", P_AXFR, ANS(NOTAUTH, NOFLAGS), AUTHCTX, true,
     V(DENIED)},
    {"axfr-notauth-udp-auth", P_AXFR, ANS(NOTAUTH, NOFLAGS), V(AUTHORITATIVE),
     V(NO_ANSWER), true, V(DENIED)},
    {"axfr-notauth-tcp-auth", P_AXFR, ANS(NOTAUTH, NOFLAGS), V(NONE),
     V(AUTHORITATIVE), true, V(DENIED)},
    {"axfr-notauth-refused", P_AXFR, ANS(NOTAUTH, NOFLAGS), V(REFUSED),
     V(REFUSED), true, V(NOT_AUTHORITATIVE)},
    {"axfr-notauth-answering", P_AXFR, ANS(NOTAUTH, NOFLAGS), V(ANSWERING),
     V(ANSWERING), true, V(NOT_AUTHORITATIVE)},
    {"axfr-notauth-noctx", P_AXFR, ANS(NOTAUTH, NOFLAGS), NOCTX, true,
     V(NOT_AUTHORITATIVE)},
    {"axfr-notimp", P_AXFR, ANS(NOTIMP, NOFLAGS), NOCTX, true,
     V(NOT_IMPLEMENTED)},
    {"axfr-closed", P_AXFR, NOREPLY(CLOSED), AUTHCTX, true, V(DENIED)},
    {"axfr-reset", P_AXFR, NOREPLY(CONN_RESET), AUTHCTX, true, V(DENIED)},
    {"axfr-timeout", P_AXFR, NOREPLY(TIMEOUT), AUTHCTX, true, V(NO_ANSWER)},
    {"axfr-servfail", P_AXFR, ANS(SERVFAIL, NOFLAGS), AUTHCTX, true,
     V(UNEXPECTED)},
    {"axfr-formerr", P_AXFR, ANS(FORMERR, NOFLAGS), NOCTX, true, V(UNEXPECTED)},
    {"axfr-malformed", P_AXFR, NOREPLY(MALFORMED), AUTHCTX, true,
     V(UNEXPECTED)},
    {"ixfr-noerror-soa", P_IXFR, ANS_SOA(NOERROR, AA), AUTHCTX, true,
     V(ALLOWED)},
    {"ixfr-refused", P_IXFR, ANS(REFUSED, NOFLAGS), AUTHCTX, true, V(DENIED)},
    {"ixfr-notauth-auth", P_IXFR, ANS(NOTAUTH, NOFLAGS), AUTHCTX, true,
     V(DENIED)},
    {"ixfr-notauth-noauth", P_IXFR, ANS(NOTAUTH, NOFLAGS), V(REFUSED),
     V(NO_ANSWER), true, V(NOT_AUTHORITATIVE)},
    {"ixfr-notimp", P_IXFR, ANS(NOTIMP, NOFLAGS), NOCTX, true,
     V(NOT_IMPLEMENTED)},
    {"ixfr-closed", P_IXFR, NOREPLY(CLOSED), NOCTX, true, V(DENIED)},
    {"ixfr-reset", P_IXFR, NOREPLY(CONN_RESET), NOCTX, true, V(DENIED)},
    {"ixfr-timeout", P_IXFR, NOREPLY(TIMEOUT), NOCTX, true, V(NO_ANSWER)},
    {"ixfr-formerr-unbound", P_IXFR, ANS(FORMERR, RA), V(ANSWERING),
     V(ANSWERING), false, V(UNEXPECTED)},

    /* update: the no-op UPDATE. */
    {"update-noerror", P_UPDATE, ANS(NOERROR, NOFLAGS), AUTHCTX, true,
     V(ALLOWED)},
    {"update-noerror-aa", P_UPDATE, ANS(NOERROR, AA), NOCTX, false, V(ALLOWED)},
    {"update-refused", P_UPDATE, ANS(REFUSED, NOFLAGS), AUTHCTX, true,
     V(DENIED)},
    {"update-refused-noctx", P_UPDATE,
     ANS_EDE(REFUSED, NOFLAGS, EDE_PROHIBITED, NULL), NOCTX, true, V(DENIED)},
    {"update-notauth-auth", P_UPDATE, ANS(NOTAUTH, NOFLAGS), AUTHCTX, true,
     V(DENIED)},
    {"update-notauth-tcp-auth", P_UPDATE, ANS(NOTAUTH, NOFLAGS), V(NO_ANSWER),
     V(AUTHORITATIVE), true, V(DENIED)},
    {"update-notauth-noauth", P_UPDATE, ANS(NOTAUTH, NOFLAGS), V(REFUSED),
     V(REFUSED), true, V(NOT_AUTHORITATIVE)},
    {"update-notauth-noctx", P_UPDATE, ANS(NOTAUTH, NOFLAGS), NOCTX, true,
     V(NOT_AUTHORITATIVE)},
    {"update-notimp", P_UPDATE, ANS(NOTIMP, NOFLAGS), AUTHCTX, true,
     V(NOT_IMPLEMENTED)},
    {"update-timeout", P_UPDATE, NOREPLY(TIMEOUT), AUTHCTX, true, V(NO_ANSWER)},
    {"update-servfail", P_UPDATE, ANS(SERVFAIL, NOFLAGS), AUTHCTX, true,
     V(UNEXPECTED)},
    {"update-formerr", P_UPDATE, ANS(FORMERR, NOFLAGS), AUTHCTX, true,
     V(UNEXPECTED)},
    {"update-malformed", P_UPDATE, NOREPLY(MALFORMED), AUTHCTX, true,
     V(UNEXPECTED)},

    /* notify: NOTIFY for the zone. */
    {"notify-noerror", P_NOTIFY, ANS(NOERROR, AA), AUTHCTX, true, V(ACCEPTED)},
    {"notify-noerror-noaa", P_NOTIFY, ANS(NOERROR, NOFLAGS), NOCTX, true,
     V(ACCEPTED)},
    {"notify-refused", P_NOTIFY, ANS(REFUSED, NOFLAGS), AUTHCTX, true,
     V(DENIED)},
    {"notify-refused-noctx", P_NOTIFY, ANS(REFUSED, NOFLAGS), NOCTX, false,
     V(DENIED)},
    {"notify-notauth-auth", P_NOTIFY, ANS(NOTAUTH, NOFLAGS), AUTHCTX, true,
     V(DENIED)},
    {"notify-notauth-noauth", P_NOTIFY, ANS(NOTAUTH, NOFLAGS), V(ANSWERING),
     V(REFUSED), true, V(NOT_AUTHORITATIVE)},
    {"notify-notimp", P_NOTIFY, ANS(NOTIMP, NOFLAGS), NOCTX, true,
     V(NOT_IMPLEMENTED)},
    {"notify-timeout", P_NOTIFY, NOREPLY(TIMEOUT), AUTHCTX, true, V(NO_ANSWER)},
    {"notify-servfail", P_NOTIFY, ANS(SERVFAIL, NOFLAGS), AUTHCTX, true,
     V(UNEXPECTED)},
    {"notify-formerr", P_NOTIFY, ANS(FORMERR, NOFLAGS), AUTHCTX, true,
     V(UNEXPECTED)},

    /* opcode: unassigned opcode 15 (RFC 8906 8.1.4). */
    {"opcode-notimp-echoed", P_OPCODE, ANS(NOTIMP, NOFLAGS), AUTHCTX, true,
     V(COMPLIANT)},
    {"opcode-notimp-echoed-noctx", P_OPCODE, ANS(NOTIMP, NOFLAGS), NOCTX, false,
     V(COMPLIANT)},
    {"opcode-notimp-not-echoed", P_OPCODE, ANS_NOECHO(NOTIMP, NOFLAGS), AUTHCTX,
     true, V(NON_COMPLIANT)},
    {"opcode-formerr", P_OPCODE, ANS(FORMERR, NOFLAGS), AUTHCTX, true,
     V(NON_COMPLIANT)},
    {"opcode-refused", P_OPCODE, ANS(REFUSED, NOFLAGS), AUTHCTX, true,
     V(NON_COMPLIANT)},
    {"opcode-noerror", P_OPCODE, ANS(NOERROR, AA), AUTHCTX, true,
     V(NON_COMPLIANT)},
    {"opcode-servfail", P_OPCODE, ANS(SERVFAIL, NOFLAGS), NOCTX, true,
     V(NON_COMPLIANT)},
    {"opcode-timeout", P_OPCODE, NOREPLY(TIMEOUT), AUTHCTX, true, V(NO_ANSWER)},
    {"opcode-port-unreachable", P_OPCODE, NOREPLY(PORT_UNREACHABLE), NOCTX,
     true, V(NO_ANSWER)},
};

START_TEST(test_verdict)
{
  const struct verdict_case *c = &verdict_cases[_i];
  struct dp_target_result *t = new_target(&test_run, c->zone_given);
  char detail[128];

  for (int i = 0; i < P_COUNT; i++)
  {
    static const struct reply skip = SKIP;
    struct reply ctx = skip;
    if (i == P_UDP)
      ctx = reply_for(c->udp);
    else if (i == P_TCP)
      ctx = reply_for(c->tcp);
    fill_probe(t, i, i == c->probe ? &c->r : &ctx);
  }
  /* The context: udp and tcp judged first, as in the diagnosis. */
  for (int i = P_UDP; i <= P_TCP; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    if (i == c->probe)
      continue;
    p->verdict = dp_diagnose_judge(p, t, detail, sizeof(detail));
    dp_verdict_t want = i == P_UDP ? c->udp : c->tcp;
    if (want == DP_VERDICT_NONE)
      want = DP_VERDICT_SKIPPED;
    CK_VERDICT_EQ(p->verdict, want, c->name);
  }

  struct dp_probe_result *p = &t->probes[c->probe];
  CK_VERDICT_EQ(dp_diagnose_judge(p, t, detail, sizeof(detail)), c->want,
                c->name);
}
END_TEST

/* ---- table 2: whole targets ---------------------------------------------- */

/* One probe's expected outcome; severities are a range where the man page's
 * rules do not fix one. finding NULL: not checked. */
struct want
{
  dp_verdict_t verdict;
  dp_severity_t sev_min, sev_max;
  dp_finding_t finding; /* DP_FINDING_COUNT: not checked */
};

struct target_case
{
  const char *name;
  bool zone_given;
  struct reply r[P_COUNT];
  dp_role_t role;
  struct want w[P_COUNT];
  dp_health_t status_min, status_max;
};

#define S(x) DP_SEVERITY_##x
#define W(v, sev, key)                                                         \
  {                                                                            \
    V(v), S(sev), S(sev), key                                                  \
  }
#define WR(v, lo, hi, key)                                                     \
  {                                                                            \
    V(v), S(lo), S(hi), key                                                    \
  }
/* The finding is not checked. */
#define ANYF DP_FINDING_COUNT
/* Not specified beyond "not a problem". */
#define BENIGN(v) WR(v, OK, INFO, ANYF)
/* No rule gives a severity for this verdict in this context. */
#define ANYSEV(v) WR(v, OK, CRITICAL, ANYF)
#define H(x) DP_HEALTH_##x
#define ROLE(x) DP_ROLE_##x
#define PROHIBITED_TEXT "client 127.0.0.1 not allowed"
#define EDE18 ANS_EDE(REFUSED, NOFLAGS, EDE_PROHIBITED, PROHIBITED_TEXT)

static const struct target_case target_cases[] = {
    /* BIND with allow-recursion/transfer/update none: all refusals are the
     * right answers of an authoritative server. */
    {"strict-authoritative",
     true,
     {ANS_SOA(NOERROR, AA), ANS_SOA(NOERROR, AA), EDE18, EDE18, EDE18, EDE18,
      ANS(REFUSED, NOFLAGS), ANS(NOTIMP, NOFLAGS)},
     ROLE(AUTHORITATIVE),
     {W(AUTHORITATIVE, OK, ANYF), W(AUTHORITATIVE, OK, ANYF),
      W(NOT_OFFERED, OK, ANYF), W(DENIED, OK, ANYF), W(DENIED, OK, ANYF),
      W(DENIED, OK, ANYF), BENIGN(DENIED), W(COMPLIANT, OK, ANYF)},
     H(OK),
     H(OK)},
    /* BIND with recursion, AXFR and updates open to everyone. */
    {"open-authoritative",
     true,
     {ANS_SOA(NOERROR, AA), ANS_SOA(NOERROR, AA), ANS(NOERROR, RA),
      ANS_SOA(NOERROR, AA), ANS_SOA(NOERROR, AA), ANS(NOERROR, NOFLAGS),
      ANS(NOERROR, AA), ANS(NOTIMP, NOFLAGS)},
     ROLE(BOTH),
     {W(AUTHORITATIVE, OK, ANYF), W(AUTHORITATIVE, OK, ANYF),
      W(AVAILABLE, WARNING, DP_FINDING_RECURSION_OPEN),
      W(ALLOWED, WARNING, DP_FINDING_AXFR_OPEN),
      W(ALLOWED, WARNING, DP_FINDING_AXFR_OPEN),
      W(ALLOWED, CRITICAL, DP_FINDING_UPDATE_ACCEPTED),
      W(ACCEPTED, INFO, DP_FINDING_NOTIFY_ACCEPTED), W(COMPLIANT, OK, ANYF)},
     H(CRITICAL),
     H(CRITICAL)},
    /* An authoritative server that answers opcode 15 with FORMERR instead
     * of NOTIMP (RFC 8906 8.1.4): a warning, unlike the refusing ACL
     * below where REFUSED to everything says nothing about opcodes. */
    {"opcode-formerr",
     true,
     {ANS_SOA(NOERROR, AA), ANS_SOA(NOERROR, AA), EDE18, EDE18, EDE18, EDE18,
      ANS(REFUSED, NOFLAGS), ANS(FORMERR, NOFLAGS)},
     ROLE(AUTHORITATIVE),
     {W(AUTHORITATIVE, OK, ANYF), W(AUTHORITATIVE, OK, ANYF),
      W(NOT_OFFERED, OK, ANYF), W(DENIED, OK, ANYF), W(DENIED, OK, ANYF),
      W(DENIED, OK, ANYF), BENIGN(DENIED),
      W(NON_COMPLIANT, WARNING, DP_FINDING_OPCODE_NONCOMPLIANT)},
     H(WARNING),
     H(WARNING)},
    /* Open AXFR only: the worst is a warning. */
    {"open-axfr-only",
     true,
     {ANS_SOA(NOERROR, AA), ANS_SOA(NOERROR, AA), ANS(REFUSED, NOFLAGS),
      ANS_SOA(NOERROR, AA), ANS(REFUSED, NOFLAGS), ANS(REFUSED, NOFLAGS),
      ANS(REFUSED, NOFLAGS), ANS(NOTIMP, NOFLAGS)},
     ROLE(AUTHORITATIVE),
     {W(AUTHORITATIVE, OK, ANYF), W(AUTHORITATIVE, OK, ANYF),
      W(NOT_OFFERED, OK, ANYF), W(ALLOWED, WARNING, DP_FINDING_AXFR_OPEN),
      W(DENIED, OK, ANYF), W(DENIED, OK, ANYF), BENIGN(DENIED),
      W(COMPLIANT, OK, ANYF)},
     H(WARNING),
     H(WARNING)},
    /* Unbound with access-control refuse, --zone given: the zone's SOA is
     * refused by a server that is no resolver to this client. */
    {"refusing-zone-given",
     true,
     {EDE18, EDE18, EDE18, EDE18, EDE18, EDE18, EDE18, EDE18},
     ROLE(UNKNOWN),
     /* REFUSED to everything, opcode 15 included: an access list answered
      * before the query was looked at. One cause (client-refused) for all:
      * udp carries it, the rest point to it, and the opcode tested
      * nothing. */
     {W(REFUSED, CRITICAL, DP_FINDING_ZONE_LAME),
      W(REFUSED, INFO, DP_FINDING_ZONE_LAME),
      W(REFUSED, INFO, DP_FINDING_RECURSION_REFUSED), BENIGN(DENIED),
      BENIGN(DENIED), BENIGN(DENIED), BENIGN(DENIED), W(REFUSED, OK, ANYF)},
     H(CRITICAL),
     H(CRITICAL)},
    /* The same without --zone: the root was used, but a server that refuses
     * this client everything serves it nothing, whatever the zone. */
    {"refusing-root-default",
     false,
     {EDE18, EDE18, EDE18, EDE18, EDE18, EDE18, EDE18, EDE18},
     ROLE(UNKNOWN),
     {W(REFUSED, CRITICAL, DP_FINDING_ZONE_ROOT_DEFAULT),
      W(REFUSED, INFO, DP_FINDING_ZONE_ROOT_DEFAULT),
      W(REFUSED, INFO, DP_FINDING_RECURSION_REFUSED), BENIGN(DENIED),
      BENIGN(DENIED), BENIGN(DENIED), BENIGN(DENIED), W(REFUSED, OK, ANYF)},
     H(CRITICAL),
     H(CRITICAL)},
    /* A lame authoritative server: the zone refused without EDE, recursion
     * and transfers refused, opcode 15 answered NOTIMP, so the refusals are
     * about the requests, not this client. */
    {"lame-no-recursion",
     true,
     {ANS(REFUSED, NOFLAGS), ANS(REFUSED, NOFLAGS), ANS(REFUSED, NOFLAGS),
      ANS(REFUSED, NOFLAGS), ANS(REFUSED, NOFLAGS), ANS(REFUSED, NOFLAGS),
      ANS(REFUSED, NOFLAGS), ANS(NOTIMP, NOFLAGS)},
     ROLE(UNKNOWN),
     {W(REFUSED, CRITICAL, DP_FINDING_ZONE_LAME),
      WR(REFUSED, INFO, CRITICAL, DP_FINDING_ZONE_LAME),
      WR(REFUSED, OK, WARNING, ANYF), BENIGN(DENIED), BENIGN(DENIED),
      BENIGN(DENIED), BENIGN(DENIED), W(COMPLIANT, OK, ANYF)},
     H(CRITICAL),
     H(CRITICAL)},
    /* Knot: ACL denials are NOTAUTH from a server authoritative for Z. */
    {"knot-acl",
     true,
     {ANS_SOA(NOERROR, AA), ANS_SOA(NOERROR, AA),
      ANS_EDE(REFUSED, NOFLAGS, EDE_NOT_AUTHORITATIVE, NULL),
      ANS(NOTAUTH, NOFLAGS), ANS(NOTAUTH, NOFLAGS), ANS(NOTAUTH, NOFLAGS),
      ANS(NOTAUTH, NOFLAGS), ANS(NOTIMP, NOFLAGS)},
     ROLE(AUTHORITATIVE),
     {W(AUTHORITATIVE, OK, ANYF), W(AUTHORITATIVE, OK, ANYF),
      W(NOT_OFFERED, OK, ANYF), W(DENIED, OK, ANYF), W(DENIED, OK, ANYF),
      W(DENIED, OK, ANYF), BENIGN(DENIED), W(COMPLIANT, OK, ANYF)},
     H(OK),
     H(OK)},
    /* NSD: no dynamic update at all. */
    {"nsd",
     true,
     {ANS_SOA(NOERROR, AA), ANS_SOA(NOERROR, AA), ANS(REFUSED, NOFLAGS),
      ANS(REFUSED, NOFLAGS), ANS(REFUSED, NOFLAGS), ANS(NOTIMP, NOFLAGS),
      ANS(REFUSED, NOFLAGS), ANS(NOTIMP, NOFLAGS)},
     ROLE(AUTHORITATIVE),
     {W(AUTHORITATIVE, OK, ANYF), W(AUTHORITATIVE, OK, ANYF),
      W(NOT_OFFERED, OK, ANYF), W(DENIED, OK, ANYF), W(DENIED, OK, ANYF),
      BENIGN(NOT_IMPLEMENTED), BENIGN(DENIED), W(COMPLIANT, OK, ANYF)},
     H(OK),
     H(OK)},
    /* Unbound serving this client, no --zone: the resolver role. */
    {"resolver",
     false,
     {ANS_SOA(NOERROR, RA), ANS_SOA(NOERROR, RA), ANS(NOERROR, RA),
      ANS(REFUSED, RA), ANS(FORMERR, RA), ANS(NOTIMP, RA), ANS(REFUSED, RA),
      ANS(NOTIMP, RA)},
     ROLE(RESOLVER),
     {ANYSEV(ANSWERING), ANYSEV(ANSWERING), BENIGN(AVAILABLE), BENIGN(DENIED),
      ANYSEV(UNEXPECTED), BENIGN(NOT_IMPLEMENTED), BENIGN(DENIED),
      W(COMPLIANT, OK, ANYF)},
     H(OK),
     H(WARNING)},
    /* A resolver refusing queries without RD for Z: the lame rule is for
     * non-resolvers only. */
    {"resolver-refusing-zone",
     true,
     {ANS(REFUSED, RA), ANS(REFUSED, RA), ANS(NXDOMAIN, RA), ANS(REFUSED, RA),
      ANS(REFUSED, RA), ANS(REFUSED, RA), ANS(REFUSED, RA), ANS(NOTIMP, RA)},
     ROLE(RESOLVER),
     {WR(REFUSED, OK, WARNING, ANYF), WR(REFUSED, OK, WARNING, ANYF),
      BENIGN(AVAILABLE), BENIGN(DENIED), BENIGN(DENIED), BENIGN(DENIED),
      BENIGN(DENIED), W(COMPLIANT, OK, ANYF)},
     H(OK),
     H(WARNING)},
    /* An authoritative server whose recursion fails: both roles. */
    {"auth-recursion-failing",
     true,
     {ANS_SOA(NOERROR, AA | RA), ANS_SOA(NOERROR, AA | RA), ANS(SERVFAIL, RA),
      ANS(REFUSED, RA), ANS(REFUSED, RA), ANS(REFUSED, RA), ANS(REFUSED, RA),
      ANS(NOTIMP, RA)},
     ROLE(BOTH),
     {W(AUTHORITATIVE, OK, ANYF), W(AUTHORITATIVE, OK, ANYF), ANYSEV(FAILING),
      W(DENIED, OK, ANYF), W(DENIED, OK, ANYF), W(DENIED, OK, ANYF),
      BENIGN(DENIED), W(COMPLIANT, OK, ANYF)},
     H(OK),
     H(CRITICAL)},
    /* REFUSED with RA=1 to recursion on an authoritative server. */
    {"recursion-inconsistent",
     true,
     {ANS_SOA(NOERROR, AA), ANS_SOA(NOERROR, AA), ANS(REFUSED, RA),
      ANS(REFUSED, NOFLAGS), ANS(REFUSED, NOFLAGS), ANS(REFUSED, NOFLAGS),
      ANS(REFUSED, NOFLAGS), ANS(NOTIMP, NOFLAGS)},
     ROLE(AUTHORITATIVE),
     {W(AUTHORITATIVE, OK, ANYF), W(AUTHORITATIVE, OK, ANYF),
      W(REFUSED, INFO, DP_FINDING_RECURSION_INCONSISTENT), W(DENIED, OK, ANYF),
      W(DENIED, OK, ANYF), W(DENIED, OK, ANYF), BENIGN(DENIED),
      W(COMPLIANT, OK, ANYF)},
     H(OK),
     H(OK)},
    /* A secondary whose zone expired: SERVFAIL to the zone's SOA. */
    {"zone-servfail",
     true,
     {ANS(SERVFAIL, NOFLAGS), ANS(SERVFAIL, NOFLAGS), ANS(REFUSED, NOFLAGS),
      ANS(SERVFAIL, NOFLAGS), SKIP, ANS(SERVFAIL, NOFLAGS),
      ANS(REFUSED, NOFLAGS), ANS(NOTIMP, NOFLAGS)},
     /* SERVFAIL without RA and recursion refused: the zone is configured
      * here, so the server is authoritative, and refusing recursion is
      * its job; the transfer and update fail with the zone (info, its
      * root cause). */
     ROLE(AUTHORITATIVE),
     {W(FAILING, CRITICAL, DP_FINDING_ZONE_SERVFAIL),
      W(FAILING, CRITICAL, DP_FINDING_ZONE_SERVFAIL),
      W(REFUSED, OK, DP_FINDING_NONE), WR(UNEXPECTED, OK, INFO, ANYF),
      BENIGN(SKIPPED), WR(UNEXPECTED, OK, INFO, ANYF), BENIGN(DENIED),
      W(COMPLIANT, OK, ANYF)},
     H(CRITICAL),
     H(CRITICAL)},
    /* Only TCP answers: still authoritative, and not unreachable. */
    {"tcp-only-authoritative",
     true,
     {NOREPLY(TIMEOUT), ANS_SOA(NOERROR, AA), NOREPLY(TIMEOUT),
      ANS(NOTAUTH, NOFLAGS), ANS(NOTAUTH, NOFLAGS), NOREPLY(TIMEOUT),
      NOREPLY(TIMEOUT), NOREPLY(TIMEOUT)},
     ROLE(AUTHORITATIVE),
     {ANYSEV(NO_ANSWER), W(AUTHORITATIVE, OK, ANYF), ANYSEV(NO_ANSWER),
      W(DENIED, OK, ANYF), W(DENIED, OK, ANYF), ANYSEV(NO_ANSWER),
      ANYSEV(NO_ANSWER), W(NO_ANSWER, INFO, ANYF)},
     H(OK),
     H(CRITICAL)},
    /* Silence everywhere (a firewall drops everything). */
    {"unreachable-silent",
     true,
     {NOREPLY(TIMEOUT), NOREPLY(TIMEOUT), NOREPLY(TIMEOUT), NOREPLY(TIMEOUT),
      NOREPLY(TIMEOUT), NOREPLY(TIMEOUT), NOREPLY(TIMEOUT), NOREPLY(TIMEOUT)},
     ROLE(UNKNOWN),
     {W(NO_ANSWER, CRITICAL, DP_FINDING_UNREACHABLE), W(NO_ANSWER, INFO, ANYF),
      W(NO_ANSWER, INFO, ANYF), W(NO_ANSWER, INFO, ANYF),
      W(NO_ANSWER, INFO, ANYF), W(NO_ANSWER, INFO, ANYF),
      W(NO_ANSWER, INFO, ANYF), W(NO_ANSWER, INFO, ANYF)},
     H(CRITICAL),
     H(CRITICAL)},
    /* Nothing listens: port unreachable and connection refused. */
    {"unreachable-closed-port",
     false,
     {NOREPLY(PORT_UNREACHABLE), NOREPLY(CONN_REFUSED),
      NOREPLY(PORT_UNREACHABLE), SKIP, SKIP, NOREPLY(PORT_UNREACHABLE),
      NOREPLY(PORT_UNREACHABLE), NOREPLY(PORT_UNREACHABLE)},
     ROLE(UNKNOWN),
     {W(NO_ANSWER, CRITICAL, DP_FINDING_UNREACHABLE), W(NO_ANSWER, INFO, ANYF),
      W(NO_ANSWER, INFO, ANYF), BENIGN(SKIPPED), BENIGN(SKIPPED),
      W(NO_ANSWER, INFO, ANYF), W(NO_ANSWER, INFO, ANYF),
      W(NO_ANSWER, INFO, ANYF)},
     H(CRITICAL),
     H(CRITICAL)},
    /* --skip udp: the first selected probe carries the finding. */
    {"unreachable-udp-skipped",
     true,
     {SKIP, NOREPLY(TIMEOUT), NOREPLY(TIMEOUT), NOREPLY(TIMEOUT),
      NOREPLY(TIMEOUT), NOREPLY(TIMEOUT), NOREPLY(TIMEOUT), NOREPLY(TIMEOUT)},
     ROLE(UNKNOWN),
     {BENIGN(SKIPPED), W(NO_ANSWER, CRITICAL, DP_FINDING_UNREACHABLE),
      W(NO_ANSWER, INFO, ANYF), W(NO_ANSWER, INFO, ANYF),
      W(NO_ANSWER, INFO, ANYF), W(NO_ANSWER, INFO, ANYF),
      W(NO_ANSWER, INFO, ANYF), W(NO_ANSWER, INFO, ANYF)},
     H(CRITICAL),
     H(CRITICAL)},
    /* --probes axfr,update against silence. */
    {"unreachable-two-selected",
     true,
     {SKIP, SKIP, SKIP, NOREPLY(TIMEOUT), SKIP, NOREPLY(TIMEOUT), SKIP, SKIP},
     ROLE(UNKNOWN),
     {BENIGN(SKIPPED), BENIGN(SKIPPED), BENIGN(SKIPPED),
      W(NO_ANSWER, CRITICAL, DP_FINDING_UNREACHABLE), BENIGN(SKIPPED),
      W(NO_ANSWER, INFO, ANYF), BENIGN(SKIPPED), BENIGN(SKIPPED)},
     H(CRITICAL),
     H(CRITICAL)},
    /* --probes update: one accepted update is critical on its own. */
    {"update-only-accepted",
     true,
     {SKIP, SKIP, SKIP, SKIP, SKIP, ANS(NOERROR, NOFLAGS), SKIP, SKIP},
     ROLE(UNKNOWN),
     {BENIGN(SKIPPED), BENIGN(SKIPPED), BENIGN(SKIPPED), BENIGN(SKIPPED),
      BENIGN(SKIPPED), W(ALLOWED, CRITICAL, DP_FINDING_UPDATE_ACCEPTED),
      BENIGN(SKIPPED), BENIGN(SKIPPED)},
     H(CRITICAL),
     H(CRITICAL)},
};

static bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

/* Whether s mentions the number n on its own (not inside another number). */
static bool mentions_number(const char *s, unsigned n)
{
  char num[16];
  snprintf(num, sizeof(num), "%u", n);
  size_t len = strlen(num);
  for (const char *at = strstr(s, num); at != NULL; at = strstr(at + 1, num))
    if ((at == s || !is_digit(at[-1])) && !is_digit(at[len]))
      return true;
  return false;
}

/* Build, judge and diagnose a target case. */
static struct dp_target_result *run_target(const struct target_case *c,
                                           struct dp_run *run)
{
  struct dp_target_result *t = new_target(run, c->zone_given);

  for (int i = 0; i < P_COUNT; i++)
    fill_probe(t, i, &c->r[i]);
  fx_diagnose(t, NULL);
  return t;
}

START_TEST(test_target)
{
  const struct target_case *c = &target_cases[_i];
  struct dp_target_result *t = run_target(c, &test_run);
  dp_severity_t worst = DP_SEVERITY_OK;

  ck_assert_msg(t->role == c->role, "%s: role %s, want %s", c->name,
                dp_role_tostr(t->role), dp_role_tostr(c->role));
  ck_assert_msg(dp_diagnose_role(t) == c->role,
                "%s: dp_diagnose_role %s, want %s", c->name,
                dp_role_tostr(dp_diagnose_role(t)), dp_role_tostr(c->role));
  for (int i = 0; i < P_COUNT; i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    const struct want *w = &c->w[i];
    const struct reply *r = &c->r[i];

    char name[96];
    snprintf(name, sizeof(name), "%s/%s", c->name, dp_probe_id_tostr(p->probe));
    CK_VERDICT_EQ(p->verdict, w->verdict, name);
    ck_assert_msg(
        p->severity >= w->sev_min && p->severity <= w->sev_max,
        "%s: severity %s, want %s%s%s", name, dp_severity_tostr(p->severity),
        dp_severity_tostr(w->sev_min), w->sev_min == w->sev_max ? "" : "..",
        w->sev_min == w->sev_max ? "" : dp_severity_tostr(w->sev_max));
    if (w->finding != DP_FINDING_COUNT)
      CK_FINDING_EQ(p->finding, w->finding, name);
    if (p->finding != DP_FINDING_NONE)
      ck_assert_msg(dp_knowledge_situation_get(p->finding) != NULL,
                    "%s: finding %s is not in the knowledge catalogue", name,
                    dp_finding_tostr(p->finding));
    if (p->severity > worst)
      worst = p->severity;

    if (r->outcome != DP_OUTCOME_SKIPPED)
      ck_assert_msg(p->summary != NULL && p->summary[0] != '\0',
                    "%s: no summary", name);
    if (p->severity == DP_SEVERITY_OK)
    {
      ck_assert_msg(p->explanation == NULL, "%s: ok probe with an explanation",
                    name);
      continue;
    }
    /* Every non-ok probe carries an explanation and a fix. */
    ck_assert_msg(p->explanation != NULL && p->explanation[0] != '\0',
                  "%s: %s without explanation", name,
                  dp_severity_tostr(p->severity));
    ck_assert_msg(p->fix != NULL && p->fix[0] != '\0', "%s: %s without fix",
                  name, dp_severity_tostr(p->severity));
    /* ... with the EDE code and its EXTRA-TEXT when the answer had one. */
    if (r->has_ede)
    {
      ck_assert_msg(mentions_number(p->explanation, r->ede),
                    "%s: explanation does not mention EDE %u: %s", name, r->ede,
                    p->explanation);
      if (r->ede_text != NULL)
        ck_assert_msg(strstr(p->explanation, r->ede_text) != NULL,
                      "%s: explanation lacks the EDE text: %s", name,
                      p->explanation);
    }
  }
  /* The target's status is its worst severity (ok and info are ok). */
  ck_assert_msg(t->status == dp_health_from_severity(worst),
                "%s: status %s, worst severity %s", c->name,
                dp_health_tostr(t->status), dp_severity_tostr(worst));
  ck_assert_msg(t->status >= c->status_min && t->status <= c->status_max,
                "%s: status %s, want %s..%s", c->name,
                dp_health_tostr(t->status), dp_health_tostr(c->status_min),
                dp_health_tostr(c->status_max));
}
END_TEST

static const struct target_case *find_target_case(const char *name)
{
  for (size_t i = 0; i < NELEM(target_cases); i++)
    if (strcmp(target_cases[i].name, name) == 0)
      return &target_cases[i];
  ck_abort_msg("no target case %s", name);
  return NULL;
}

/*
 * Texts depend on the context: REFUSED (same EDE, same text)
 * to recursion and to the zone's own SOA mean different things and must be
 * explained differently; REFUSED to AXFR, where it carries an explanation at
 * all, must not reuse the recursion text either.
 */
START_TEST(test_refused_explained_in_context)
{
  const struct target_case *c = find_target_case("lame-no-recursion");
  struct dp_target_result *t = run_target(c, &test_run);
  const struct dp_probe_result *rec = dp_target_probe(t, DP_PROBE_RECURSION);
  const struct dp_probe_result *udp = dp_target_probe(t, DP_PROBE_UDP);
  const struct dp_probe_result *axfr = dp_target_probe(t, DP_PROBE_AXFR);

  ck_assert_msg(rec && udp && axfr, "%s: probes missing", c->name);
  ck_assert_msg(rec->answer.rcode == DP_RCODE_REFUSED &&
                    axfr->answer.rcode == DP_RCODE_REFUSED &&
                    udp->answer.rcode == DP_RCODE_REFUSED,
                "%s: fixture is not all REFUSED", c->name);
  ck_assert_msg(rec->explanation != NULL, "%s: recursion not explained",
                c->name);
  ck_assert_msg(udp->explanation != NULL, "%s: udp not explained", c->name);
  ck_assert_msg(strcmp(rec->explanation, udp->explanation) != 0,
                "%s: REFUSED to recursion and to the zone SOA explained alike",
                c->name);
  if (axfr->explanation != NULL)
    ck_assert_msg(strcmp(rec->explanation, axfr->explanation) != 0,
                  "%s: REFUSED to recursion and to AXFR explained alike",
                  c->name);
  ck_assert_msg(axfr->finding == DP_FINDING_NONE ||
                    rec->finding == DP_FINDING_NONE ||
                    axfr->finding != rec->finding,
                "%s: REFUSED to recursion and to AXFR share finding %s",
                c->name, dp_finding_tostr(rec->finding));
}
END_TEST

/* The fix of recursion refused to this client by a server of unknown role
 * tells a resolver's operator how to allow the client: at least one
 * resolver's own setting from docs/design/probes.md must appear. */
START_TEST(test_recursion_refused_fix)
{
  static const char *const settings[] = {"allow-recursion", "access-control",
                                         "allow-from"};
  const struct target_case *c = find_target_case("lame-no-recursion");
  struct dp_target_result *t = run_target(c, &test_run);
  const struct dp_probe_result *rec = dp_target_probe(t, DP_PROBE_RECURSION);
  bool found = false;

  ck_assert_msg(rec != NULL && rec->fix != NULL, "%s: recursion has no fix",
                c->name);
  for (size_t i = 0; i < NELEM(settings); i++)
    if (strstr(rec->fix, settings[i]) != NULL)
      found = true;
  ck_assert_msg(found, "%s: recursion fix names no resolver setting: %s",
                c->name, rec->fix);
}
END_TEST

/* A server that refuses this client everything: its zone probe is
 * explained and fixed by that cause alone, never as a zone that is not
 * configured (which cannot be told from here). */
START_TEST(test_client_refused_not_lame)
{
  static const char *const cases[] = {"refusing-zone-given",
                                      "refusing-root-default"};
  const struct target_case *c = find_target_case(cases[_i]);
  struct dp_target_result *t = run_target(c, &test_run);
  const struct dp_probe_result *udp = dp_target_probe(t, DP_PROBE_UDP);

  ck_assert_msg(udp != NULL && udp->explanation != NULL && udp->fix != NULL,
                "%s: udp not explained", c->name);
  CK_CAUSE_EQ(udp->cause, DP_CAUSE_CLIENT_REFUSED, c->name);
  ck_assert_msg(strstr(udp->explanation, "not configured") == NULL &&
                    strstr(udp->explanation, "lame") == NULL,
                "%s: a refused client's zone called unconfigured: %s", c->name,
                udp->explanation);
  ck_assert_msg(strstr(udp->fix, "access list") != NULL,
                "%s: the fix is not the access list: %s", c->name, udp->fix);
}
END_TEST

/* ---- table 3: RFC 8906 section 8 compliance judges ----------------------- */

/* One compliance probe's reply from a server whose udp verdict is given. */
struct compliance_case
{
  const char *name;
  dp_probe_id_t probe;
  bool serves;         /* udp found the server authoritative */
  bool plain_answered; /* the plain probe got NOERROR */
  bool answered;
  uint16_t rcode;
  uint16_t flags; /* DP_FLAG_* of the reply, QR added */
  bool edns;
  uint8_t version;
  uint16_t edns_flags;
  uint16_t option; /* an option code in the reply, 0 none */
  bool do_bit;
  bool has_soa;
  uint16_t ancount;
  size_t length;
  dp_verdict_t want;
  const char *detail; /* fragment of p->detail, NULL: must be empty */
};

#define AA DP_FLAG_AA
static const struct compliance_case compliance_cases[] = {
    {"plain ok", DP_PROBE_PLAIN, true, true, true, 0, AA, false, 0, 0, 0, false,
     true, 1, 100, DP_VERDICT_COMPLIANT, NULL},
    {"plain with OPT", DP_PROBE_PLAIN, true, true, true, 0, AA, true, 0, 0, 0,
     false, true, 1, 100, DP_VERDICT_NON_COMPLIANT, "OPT record"},
    {"plain without AA", DP_PROBE_PLAIN, true, true, true, 0, 0, false, 0, 0, 0,
     false, true, 1, 100, DP_VERDICT_NON_COMPLIANT, "AA not set"},
    /* REFUSED without OPT tests nothing: the server will not answer */
    {"plain REFUSED by a resolver", DP_PROBE_PLAIN, false, false, true, 5, 0,
     false, 0, 0, 0, false, false, 0, 12, DP_VERDICT_REFUSED, NULL},
    {"edns ok", DP_PROBE_EDNS, true, true, true, 0, AA, true, 0, 0, 0, false,
     true, 1, 100, DP_VERDICT_COMPLIANT, NULL},
    {"edns legacy FORMERR", DP_PROBE_EDNS, true, true, true, 1, 0, false, 0, 0,
     0, false, false, 0, 12, DP_VERDICT_LEGACY, "does not support EDNS"},
    {"edns no OPT, plain fails too", DP_PROBE_EDNS, true, false, true, 2, 0,
     false, 0, 0, 0, false, false, 0, 12, DP_VERDICT_NON_COMPLIANT,
     "OPT missing"},
    {"edns version 1 back", DP_PROBE_EDNS, true, true, true, 0, AA, true, 1, 0,
     0, false, true, 1, 100, DP_VERDICT_NON_COMPLIANT, "OPT version 1"},
    {"edns1 BADVERS", DP_PROBE_EDNS1, true, true, true, 16, 0, true, 0, 0, 0,
     false, false, 0, 40, DP_VERDICT_COMPLIANT, NULL},
    {"edns1 NOERROR", DP_PROBE_EDNS1, true, true, true, 0, AA, true, 0, 0, 0,
     false, true, 1, 100, DP_VERDICT_NON_COMPLIANT,
     "BADVERS missing: got NOERROR"},
    {"edns1 NOERROR from a resolver", DP_PROBE_EDNS1, false, true, true, 0, 0,
     true, 0, 0, 0, false, false, 0, 40, DP_VERDICT_NON_COMPLIANT,
     "BADVERS missing"},
    {"ednsopt echoed", DP_PROBE_EDNSOPT, true, true, true, 0, AA, true, 0, 0,
     100, false, true, 1, 100, DP_VERDICT_NON_COMPLIANT, "option 100 echoed"},
    {"ednsopt other option is fine", DP_PROBE_EDNSOPT, true, true, true, 0, AA,
     true, 0, 0, 10, false, true, 1, 100, DP_VERDICT_COMPLIANT, NULL},
    {"ednsflags copied", DP_PROBE_EDNSFLAGS, true, true, true, 0, AA, true, 0,
     0x0080, 0, false, true, 1, 100, DP_VERDICT_NON_COMPLIANT,
     "flag 0x0080 copied"},
    {"zflag copied", DP_PROBE_ZFLAG, true, true, true, 0, AA | DP_FLAG_Z, true,
     0, 0, 0, false, true, 1, 100, DP_VERDICT_NON_COMPLIANT, "Z bit copied"},
    {"type1000 NODATA", DP_PROBE_TYPE1000, true, true, true, 0, AA, true, 0, 0,
     0, false, false, 0, 80, DP_VERDICT_COMPLIANT, NULL},
    {"type1000 records", DP_PROBE_TYPE1000, true, true, true, 0, AA, true, 0, 0,
     0, false, false, 2, 80, DP_VERDICT_NON_COMPLIANT, "2 answer records"},
    {"do copied", DP_PROBE_DO, true, true, true, 0, AA, true, 0, 0, 0, true,
     true, 1, 100, DP_VERDICT_COMPLIANT, NULL},
    {"do dropped", DP_PROBE_DO, true, true, true, 0, AA, true, 0, 0, 0, false,
     true, 1, 100, DP_VERDICT_NON_COMPLIANT, "DO bit not copied"},
    {"bufsize512 fits", DP_PROBE_BUFSIZE512, true, true, true, 0, AA, true, 0,
     0, 0, true, false, 1, 500, DP_VERDICT_COMPLIANT, NULL},
    {"bufsize512 truncated", DP_PROBE_BUFSIZE512, true, true, true, 0,
     AA | DP_FLAG_TC, true, 0, 0, 0, true, false, 0, 40, DP_VERDICT_COMPLIANT,
     NULL},
    {"bufsize512 too big", DP_PROBE_BUFSIZE512, true, true, true, 0, AA, true,
     0, 0, 0, true, false, 4, 900, DP_VERDICT_NON_COMPLIANT, "900-byte reply"},
    {"silence", DP_PROBE_EDNS, true, true, false, 0, 0, false, 0, 0, 0, false,
     false, 0, 0, DP_VERDICT_NO_ANSWER, NULL},
};
#undef AA

START_TEST(test_compliance)
{
  const struct compliance_case *c = &compliance_cases[_i];
  struct dp_target_result *t = new_target(&test_run, true);
  struct dp_probe_result *u = fx_probe(t, DP_PROBE_UDP);
  struct dp_probe_result *pl = fx_probe(t, DP_PROBE_PLAIN);
  struct dp_probe_result *p = fx_probe(t, c->probe);
  char detail[128];

  u->verdict = c->serves ? DP_VERDICT_AUTHORITATIVE : DP_VERDICT_REFUSED;
  fx_answer(pl, c->plain_answered ? DP_RCODE_NOERROR : DP_RCODE_SERVFAIL, 0);
  if (c->answered)
  {
    fx_answer(p, c->rcode, c->flags);
    p->answer.edns = c->edns;
    p->answer.edns_count = c->edns ? 1 : 0;
    p->answer.edns_version = c->version;
    p->answer.edns_flags =
        (uint16_t)(c->edns_flags | (c->do_bit ? DP_EDNS_FLAG_DO : 0));
    p->answer.do_bit = c->do_bit;
    if (c->option)
      p->answer.opt_codes[p->answer.nopt_codes++] = c->option;
    p->answer.has_soa = c->has_soa;
    p->answer.ancount = c->ancount;
    p->answer.length = c->length;
  }

  dp_verdict_t got = dp_diagnose_judge(p, t, detail, sizeof(detail));
  ck_assert_msg(got == c->want, "%s: verdict %s, want %s (detail \"%s\")",
                c->name, dp_verdict_tostr(got), dp_verdict_tostr(c->want),
                detail);
  if (c->detail)
    ck_assert_msg(strstr(detail, c->detail) != NULL,
                  "%s: detail \"%s\" lacks \"%s\"", c->name, detail, c->detail);
  else if (got != DP_VERDICT_LEGACY)
    ck_assert_msg(detail[0] == '\0', "%s: no detail, got \"%s\"", c->name,
                  detail);
  if (got == DP_VERDICT_NON_COMPLIANT)
    ck_assert_msg(strstr(detail, "RFC") != NULL, "%s: names the RFC", c->name);
}
END_TEST

/* ---- the case probe: each question echoed byte for byte ---------------- */

/* How a reply's question comes back. */
enum echo
{
  E_EXACT = 0, /* as sent */
  E_LOWER,     /* lowercased */
  E_OTHER,     /* the other query's question */
  E_REWRITE,   /* another mix of cases */
  E_NONE,      /* QDCOUNT 0 */
  E_WRONG,     /* another name altogether */
  E_TIMEOUT,   /* no reply */
  E_MALFORMED, /* a reply that cannot be read */
  E_ABSENT,    /* the twin was never sent */
};

struct case_case
{
  const char *name;
  enum echo mine, twin;
  uint16_t rcode;
  dp_verdict_t want;
  const char *detail; /* in the detail, or NULL: no detail */
  bool early;         /* the pair went at its grace, the others in flight */
};

static const struct case_case case_cases[] = {
    {"both exact", E_EXACT, E_EXACT, DP_RCODE_NOERROR, DP_VERDICT_COMPLIANT,
     NULL, false},
    {"refused, both exact", E_EXACT, E_EXACT, DP_RCODE_REFUSED,
     DP_VERDICT_COMPLIANT, NULL, false},
    {"mine lowercased", E_LOWER, E_EXACT, DP_RCODE_NOERROR,
     DP_VERDICT_NON_COMPLIANT, "(lowercased)", false},
    {"both lowercased", E_LOWER, E_LOWER, DP_RCODE_NOERROR,
     DP_VERDICT_NON_COMPLIANT, "(lowercased)", false},
    {"twin merged into mine", E_EXACT, E_OTHER, DP_RCODE_NOERROR,
     DP_VERDICT_NON_COMPLIANT, "merged in flight", false},
    {"mine merged into the twin", E_OTHER, E_EXACT, DP_RCODE_NOERROR,
     DP_VERDICT_NON_COMPLIANT, "merged in flight", false},
    {"rewritten", E_REWRITE, E_EXACT, DP_RCODE_NOERROR,
     DP_VERDICT_NON_COMPLIANT, "(rewritten)", false},
    {"twin rewritten", E_EXACT, E_REWRITE, DP_RCODE_NOERROR,
     DP_VERDICT_NON_COMPLIANT, "(rewritten)", false},
    {"twin silent", E_EXACT, E_TIMEOUT, DP_RCODE_NOERROR, DP_VERDICT_COMPLIANT,
     "got no reply", false},
    {"twin unreadable", E_EXACT, E_MALFORMED, DP_RCODE_NOERROR,
     DP_VERDICT_COMPLIANT, "an unreadable reply", false},
    {"twin never sent", E_EXACT, E_ABSENT, DP_RCODE_NOERROR,
     DP_VERDICT_COMPLIANT, NULL, false},
    {"bare refusal", E_NONE, E_NONE, DP_RCODE_REFUSED, DP_VERDICT_REFUSED, NULL,
     false},
    {"no question, NOTIMP", E_NONE, E_EXACT, DP_RCODE_NOTIMP,
     DP_VERDICT_UNEXPECTED, NULL, false},
    {"twin lowercased, mine bare", E_NONE, E_LOWER, DP_RCODE_REFUSED,
     DP_VERDICT_NON_COMPLIANT, "(lowercased)", false},
    {"another name", E_WRONG, E_EXACT, DP_RCODE_NOERROR, DP_VERDICT_UNEXPECTED,
     NULL, false},
    {"no reply", E_TIMEOUT, E_TIMEOUT, 0, DP_VERDICT_NO_ANSWER, NULL, false},
    {"unreadable", E_MALFORMED, E_EXACT, 0, DP_VERDICT_UNEXPECTED, NULL, false},
    {"lowercased after going early", E_LOWER, E_LOWER, DP_RCODE_NOERROR,
     DP_VERDICT_NON_COMPLIANT, "folded, or lowercased", true},
    {"merged after going early", E_EXACT, E_OTHER, DP_RCODE_NOERROR,
     DP_VERDICT_NON_COMPLIANT, "merged in flight", true},
    {"exact after going early", E_EXACT, E_EXACT, DP_RCODE_NOERROR,
     DP_VERDICT_COMPLIANT, NULL, true},
};

/* Make reply a (to a query for sent, the other query's name other) come
 * back as e says. */
static void echo_as(struct dp_answer_info *a, enum echo e, const char *sent,
                    const char *other)
{
  switch (e)
  {
  case E_EXACT:
    break;
  case E_LOWER:
    a->question_exact = false;
    for (char *c = a->qname; *c; c++)
      *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    break;
  case E_OTHER:
    a->question_exact = false;
    snprintf(a->qname, sizeof(a->qname), "%.*s", (int)sizeof(a->qname) - 1,
             other);
    break;
  case E_REWRITE:
    a->question_exact = false;
    for (char *c = a->qname; *c; c++)
      *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    a->qname[0] = (char)(a->qname[0] | 0x20); /* neither of the two sent */
    break;
  case E_NONE:
    a->qdcount = 0;
    a->question_exact = a->question_matches = false;
    a->qname[0] = '\0';
    break;
  case E_WRONG:
    a->question_exact = a->question_matches = false;
    snprintf(a->qname, sizeof(a->qname), "other.invalid.");
    break;
  case E_TIMEOUT:
  case E_MALFORMED:
  case E_ABSENT:
    break;
  }
  (void)sent;
}

START_TEST(test_case)
{
  const struct case_case *c = &case_cases[_i];
  struct dp_target_result *t = new_target(&test_run, true);
  struct dp_probe_result *p = fx_probe(t, DP_PROBE_CASE);
  char detail[128];

  fx_probe(t, DP_PROBE_UDP); /* the zone's SOA as the battery asks it */
  p->early = c->early;
  if (c->twin != E_ABSENT)
  {
    struct dp_followup *f = fx_twin(t, DP_PROBE_CASE, c->twin != E_TIMEOUT);
    if (c->twin == E_MALFORMED)
      f->outcome = DP_OUTCOME_MALFORMED, f->has_answer = false;
    else if (f->has_answer)
      echo_as(&f->answer, c->twin, f->query.qname, p->query.qname);
  }
  if (c->mine == E_MALFORMED)
    fx_outcome(p, DP_OUTCOME_MALFORMED);
  else if (c->mine != E_TIMEOUT)
  {
    fx_answer(p, c->rcode, c->rcode == DP_RCODE_NOERROR ? DP_FLAG_AA : 0);
    const char *other =
        p->nfollowups > 0 ? p->followups[0].query.qname : "none.";
    echo_as(&p->answer, c->mine, p->query.qname, other);
  }
  /* the names sent: the zone's, in two opposite mixes of cases */
  ck_assert_msg(strcasecmp(p->query.qname, FX_ZONE) == 0 &&
                    strcmp(p->query.qname, FX_ZONE) != 0,
                "%s: sent %s", c->name, p->query.qname);
  dp_verdict_t got = dp_diagnose_judge(p, t, detail, sizeof(detail));
  ck_assert_msg(got == c->want, "%s: verdict %s, want %s (detail \"%s\")",
                c->name, dp_verdict_tostr(got), dp_verdict_tostr(c->want),
                detail);
  if (c->detail != NULL)
    ck_assert_msg(strstr(detail, c->detail) != NULL,
                  "%s: detail \"%s\" lacks \"%s\"", c->name, detail, c->detail);
  else
    ck_assert_msg(detail[0] == '\0', "%s: detail \"%s\"", c->name, detail);
}
END_TEST

/* In context: a warning whose root cause is case-not-preserved, its fix in
 * dnsmasq's words when the software is dnsmasq. */
START_TEST(test_case_in_context)
{
  struct dp_target_result *t = new_target(&test_run, true);
  struct dp_probe_result *u = fx_probe(t, DP_PROBE_UDP);
  struct dp_probe_result *p = fx_probe(t, DP_PROBE_CASE);
  fx_answer(u, DP_RCODE_NOERROR, DP_FLAG_AA | DP_FLAG_RA);
  fx_soa(u, FX_SERIAL);
  struct dp_followup *f = fx_twin(t, DP_PROBE_CASE, true);
  fx_answer(p, DP_RCODE_NOERROR, DP_FLAG_AA | DP_FLAG_RA);
  fx_soa(p, FX_SERIAL);
  echo_as(&f->answer, E_OTHER, f->query.qname, p->query.qname);
  ck_assert_int_eq(dp_diagnose_target(t, NULL, DP_SOFTWARE_DNSMASQ), DP_OK);
  CK_VERDICT_EQ(p->verdict, DP_VERDICT_NON_COMPLIANT, "case");
  CK_SEVERITY_EQ(p->severity, DP_SEVERITY_WARNING, "case");
  CK_FINDING_EQ(p->finding, DP_FINDING_CASE_NOT_PRESERVED, "case");
  CK_CAUSE_EQ(p->cause, DP_CAUSE_CASE_NOT_PRESERVED, "case");
  const struct dp_root_cause *r = NULL;
  for (size_t i = 0; i < t->ndiagnosis; i++)
    if (t->diagnosis[i].cause == DP_CAUSE_CASE_NOT_PRESERVED)
      r = &t->diagnosis[i];
  ck_assert_msg(r != NULL, "case: no case-not-preserved root cause");
  ck_assert_msg(r->evidence != NULL && strstr(r->evidence, "merged") != NULL,
                "case: evidence \"%s\"", r->evidence ? r->evidence : "");
  ck_assert_msg(r->fix != NULL && strstr(r->fix, "dnsmasq") != NULL,
                "case: fix \"%s\"", r->fix ? r->fix : "");
  CK_HEALTH_EQ(t->status, DP_HEALTH_WARNING, "case");
}
END_TEST

/* The probe results' create/destroy pair: bounds, and a streamed target
 * that keeps what describes it as a whole. */
START_TEST(test_probes_create_destroy)
{
  struct dp_target_result t;
  memset(&t, 0, sizeof(t));
  ck_assert_int_eq(dp_target_probes_create(NULL), DP_EINVAL);
  ck_assert_int_eq(dp_target_probes_create(&t), DP_OK);
  ck_assert_msg(t.probes != NULL && t.nprobes == DP_PROBE_COUNT,
                "a result per probe");
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
  {
    ck_assert_msg(t.probes[i].probe == (dp_probe_id_t)i,
                  "result %u is probe %s", i,
                  dp_probe_id_tostr(t.probes[i].probe));
    CK_OUTCOME_EQ(t.probes[i].outcome, DP_OUTCOME_SKIPPED,
                  dp_probe_id_tostr((dp_probe_id_t)i));
    ck_assert_msg(dp_target_probe(&t, (dp_probe_id_t)i) == &t.probes[i],
                  "dp_target_probe finds %s",
                  dp_probe_id_tostr((dp_probe_id_t)i));
  }
  ck_assert_msg(dp_target_probe(&t, DP_PROBE_COUNT) == NULL,
                "no probe past the battery");
  ck_assert_int_eq(dp_target_probes_create(&t), DP_EINVAL);
  t.probes[0].summary = strdup("a summary");
  t.status = DP_HEALTH_WARNING;
  dp_target_probes_destroy(&t);
  ck_assert_msg(t.probes == NULL && t.nprobes == 0, "results freed");
  ck_assert_msg(dp_target_probe(&t, DP_PROBE_UDP) == NULL, "none left");
  ck_assert_msg(t.status == DP_HEALTH_WARNING, "status kept");
  dp_target_probes_destroy(&t);
  dp_target_probes_destroy(NULL);
}
END_TEST

static Suite *diagnose_suite(void)
{
  Suite *s = suite_create("diagnose");
  TCase *tc;

  tc = tcase_create("verdicts");
  tcase_add_checked_fixture(tc, run_setup, run_teardown);
  tcase_add_loop_test(tc, test_verdict, 0, NELEM(verdict_cases));
  suite_add_tcase(s, tc);

  tc = tcase_create("targets");
  tcase_add_checked_fixture(tc, run_setup, run_teardown);
  tcase_add_loop_test(tc, test_target, 0, NELEM(target_cases));
  tcase_add_test(tc, test_refused_explained_in_context);
  tcase_add_loop_test(tc, test_client_refused_not_lame, 0, 2);
  tcase_add_loop_test(tc, test_compliance, 0, NELEM(compliance_cases));
  tcase_add_test(tc, test_probes_create_destroy);
  tcase_add_test(tc, test_recursion_refused_fix);
  tcase_add_loop_test(tc, test_case, 0, NELEM(case_cases));
  tcase_add_test(tc, test_case_in_context);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(diagnose_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
