/*
 * test_expect.c: expectations (src/diagnose/expect.c) as tables.
 *
 * Targets are built by hand as dp_diagnose_target leaves them (verdict,
 * severity, finding key, summary, explanation, role): a strict
 * authoritative server, an open one, a resolver, a resolver refusing this
 * client, and a silent server. Each apply case runs one profile with
 * --require and --allow rules over one of them and lists the probes that
 * must become critical by expectation, those --allow must make ok and
 * those whose verdict the expectation names, lowered to ok with a sentence
 * saying so; every other probe must come out exactly as it went in, and the
 * target's status must be the one given. Rule and profile parsing have tables
 * of good and bad texts. Every assertion message names its case.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/expect.h"
#include "fixture.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAXPROBES 16
#define MAXRULES 8
#define ERRCAP 256
#define V(x) DP_EXPECT_BIT(DP_VERDICT_##x)

/* ---- hand-built targets -------------------------------------------------- */

struct fx_probe
{
  const char *id;
  dp_verdict_t verdict;
  dp_severity_t severity;
  const char *finding;
  dp_outcome_t outcome;
};

struct fixture
{
  const char *name;
  dp_role_t role;
  struct fx_probe probes[MAXPROBES]; /* ends at the first NULL id */
};

#define P(id, v, sev, f)                                                       \
  {                                                                            \
    id, DP_VERDICT_##v, DP_SEVERITY_##sev, f, DP_OUTCOME_ANSWER                \
  }
#define SILENT(id, sev)                                                        \
  {                                                                            \
    id, DP_VERDICT_NO_ANSWER, DP_SEVERITY_##sev, "unreachable",                \
        DP_OUTCOME_TIMEOUT                                                     \
  }
#define SKIPPED(id)                                                            \
  {                                                                            \
    id, DP_VERDICT_SKIPPED, DP_SEVERITY_OK, NULL, DP_OUTCOME_SKIPPED           \
  }

/* BIND or NSD as they should be: serves the zone, refuses everything else. */
static const struct fixture strict = {
    "strict authoritative",
    DP_ROLE_AUTHORITATIVE,
    {P("udp", AUTHORITATIVE, OK, NULL), P("tcp", AUTHORITATIVE, OK, NULL),
     P("recursion", NOT_OFFERED, OK, NULL),
     P("axfr", DENIED, OK, "axfr-denied"), P("ixfr", DENIED, OK, "axfr-denied"),
     P("update", DENIED, OK, "update-denied"),
     P("notify", DENIED, OK, "notify-refused"),
     P("opcode", COMPLIANT, OK, NULL), P("plain", COMPLIANT, OK, NULL),
     P("edns", COMPLIANT, OK, NULL), P("do", COMPLIANT, OK, NULL),
     SKIPPED("edns1")}};

/* Open AXFR, accepted updates, open recursion, sloppy protocol. */
static const struct fixture open_auth = {
    "open authoritative",
    DP_ROLE_BOTH,
    {P("udp", AUTHORITATIVE, OK, NULL), P("tcp", AUTHORITATIVE, OK, NULL),
     P("recursion", AVAILABLE, WARNING, "recursion-open"),
     P("axfr", ALLOWED, WARNING, "axfr-open"),
     P("ixfr", ALLOWED, WARNING, "axfr-open"),
     P("update", ALLOWED, CRITICAL, "update-accepted"),
     P("notify", ACCEPTED, INFO, "notify-accepted"),
     P("opcode", NON_COMPLIANT, WARNING, "opcode-noncompliant"),
     P("plain", LEGACY, INFO, "edns-noncompliant"),
     P("edns", NON_COMPLIANT, WARNING, "edns-noncompliant"),
     P("do", COMPLIANT, OK, NULL)}};

/* Unbound serving this client; FORMERR to IXFR (an authority section). */
static const struct fixture resolver = {
    "resolver",
    DP_ROLE_RESOLVER,
    {P("udp", ANSWERING, INFO, "zone-not-authoritative"),
     P("tcp", ANSWERING, INFO, "zone-not-authoritative"),
     P("recursion", AVAILABLE, OK, NULL),
     P("axfr", NOT_AUTHORITATIVE, OK, NULL),
     P("ixfr", UNEXPECTED, INFO, "unexpected-answer"),
     P("update", DENIED, OK, "update-denied"),
     P("notify", NOT_IMPLEMENTED, OK, NULL), P("opcode", COMPLIANT, OK, NULL),
     P("plain", COMPLIANT, OK, NULL), P("edns", COMPLIANT, OK, NULL),
     P("do", COMPLIANT, OK, NULL)}};

/* Unbound's access-control refusing this client: REFUSED to everything. */
static const struct fixture refusing = {
    "refusing resolver",
    DP_ROLE_UNKNOWN,
    {P("udp", REFUSED, CRITICAL, "zone-lame"),
     P("tcp", REFUSED, CRITICAL, "zone-lame"),
     P("recursion", REFUSED, WARNING, "recursion-refused"),
     P("axfr", DENIED, OK, "axfr-denied"), P("ixfr", DENIED, OK, "axfr-denied"),
     P("update", DENIED, OK, "update-denied"),
     P("notify", DENIED, OK, "notify-refused"),
     P("opcode", NON_COMPLIANT, INFO, "opcode-noncompliant"),
     P("plain", NON_COMPLIANT, INFO, "edns-noncompliant"),
     P("edns", NON_COMPLIANT, INFO, "edns-noncompliant"),
     P("do", NON_COMPLIANT, INFO, "edns-noncompliant")}};

/* Nothing answers: one critical "unreachable", the rest point to it. */
static const struct fixture silent = {
    "silent server",
    DP_ROLE_UNKNOWN,
    {SILENT("udp", CRITICAL), SILENT("tcp", INFO), SILENT("recursion", INFO),
     SILENT("axfr", INFO), SILENT("update", INFO), SILENT("opcode", INFO),
     SILENT("do", INFO)}};

/* The context's texts: an explanation only for a probe that is not ok, as
 * dp_diagnose_target writes them. */
static void context_summary(char *buf, size_t cap, const char *id)
{
  snprintf(buf, cap, "what %s got back", id);
}

static void context_explanation(char *buf, size_t cap, const char *id)
{
  snprintf(buf, cap, "Context explanation of %s.", id);
}

/* The probe a fixture or a case names. */
static dp_probe_id_t pid(const char *name)
{
  dp_probe_id_t id = DP_PROBE_COUNT;
  ck_assert_msg(dp_probe_id_fromstr(name, strlen(name), &id) == DP_OK,
                "no probe %s", name);
  return id;
}

/* The finding a fixture names (NULL: none). */
static dp_finding_t fid(const char *key)
{
  dp_finding_t f = DP_FINDING_NONE;
  if (key != NULL)
    ck_assert_msg(dp_finding_fromstr(key, &f) == DP_OK, "no finding %s", key);
  return f;
}

/* A run of one target built from fx, as a diagnosis leaves it; freed with
 * dp_run_clear. */
static void build(struct dp_run *run, const struct fixture *fx)
{
  fx_run_init(run);
  struct dp_target_result *t =
      fx_target(run, "127.0.0.1:5301", "127.0.0.1", 5301, FX_ZONE);
  t->role = fx->role;
  t->status = DP_HEALTH_OK;
  for (size_t i = 0; i < MAXPROBES && fx->probes[i].id != NULL; i++)
  {
    const struct fx_probe *f = &fx->probes[i];
    struct dp_probe_result *p = fx_probe(t, pid(f->id));
    char sum[128], exp[128];

    if (f->outcome == DP_OUTCOME_ANSWER)
      fx_answer(p, DP_RCODE_NOERROR, 0);
    else
      fx_outcome(p, f->outcome);
    context_summary(sum, sizeof(sum), f->id);
    context_explanation(exp, sizeof(exp), f->id);
    fx_judged(p, f->verdict, f->severity, fid(f->finding), sum,
              f->severity != DP_SEVERITY_OK ? exp : NULL, NULL);
    dp_health_t h = dp_health_from_severity(f->severity);
    if (h > t->status)
      t->status = h;
  }
}

/* Parse the rules of a case into e, asserting each one parses. */
static void make_expect(struct dp_expect *e, dp_expect_profile_t profile,
                        const char *const *require, const char *const *allow,
                        const char *name)
{
  char err[ERRCAP];

  memset(e, 0, sizeof(*e));
  e->profile = profile;
  for (size_t i = 0; i < MAXRULES && require[i] != NULL; i++)
  {
    ck_assert_msg(dp_expect_rule_parse(require[i], &e->require[e->nrequire],
                                       err, sizeof(err)) == DP_OK,
                  "%s: --require '%s' does not parse: %s", name, require[i],
                  err);
    e->nrequire++;
  }
  for (size_t i = 0; i < MAXRULES && allow[i] != NULL; i++)
  {
    ck_assert_msg(dp_expect_rule_parse(allow[i], &e->allow[e->nallow], err,
                                       sizeof(err)) == DP_OK,
                  "%s: --allow '%s' does not parse: %s", name, allow[i], err);
    e->nallow++;
  }
}

/* id is an element of a comma-separated list. */
static bool in_list(const char *list, const char *id)
{
  size_t n = strlen(id);

  for (const char *s = list; *s != '\0';)
  {
    size_t len = strcspn(s, ",");
    if (len == n && strncmp(s, id, n) == 0)
      return true;
    s += len;
    if (*s == ',')
      s++;
  }
  return false;
}

/* Every id of the list names a probe of the fixture (a typo in a case
 * would otherwise pass unnoticed). */
static void check_list_ids(const char *list, const struct fixture *fx,
                           const char *name, const char *what)
{
  for (const char *s = list; *s != '\0';)
  {
    size_t len = strcspn(s, ",");
    bool found = false;
    for (size_t i = 0; i < MAXPROBES && fx->probes[i].id != NULL; i++)
      if (strlen(fx->probes[i].id) == len &&
          strncmp(fx->probes[i].id, s, len) == 0)
        found = true;
    ck_assert_msg(found, "%s: %s list names '%.*s', not a probe of %s", name,
                  what, (int)len, s, fx->name);
    s += len;
    if (*s == ',')
      s++;
  }
}

/* ---- apply: profiles x targets, with overrides --------------------------- */

struct apply_case
{
  const char *name;
  const struct fixture *fx;
  dp_expect_profile_t profile;
  const char *require[MAXRULES];
  const char *allow[MAXRULES];
  const char *failed;  /* probes made critical by their expectation */
  const char *allowed; /* probes --allow made ok */
  dp_health_t status;
  const char *expected; /* probes lowered to ok: the profile expects them */
};

#define AUTO DP_EXPECT_AUTO
#define AUTH DP_EXPECT_AUTHORITATIVE
#define RES DP_EXPECT_RESOLVER

static const struct apply_case apply_cases[] = {
    /* strict authoritative */
    {"strict, auto: meets the authoritative profile",
     &strict,
     AUTO,
     {0},
     {0},
     "",
     "",
     DP_HEALTH_OK,
     ""},
    {"strict, authoritative",
     &strict,
     AUTH,
     {0},
     {0},
     "",
     "",
     DP_HEALTH_OK,
     ""},
    {"strict, resolver: no recursion",
     &strict,
     RES,
     {0},
     {0},
     "recursion",
     "",
     DP_HEALTH_CRITICAL,
     ""},
    {"strict, require a probe outside the profile",
     &strict,
     AUTO,
     {"notify=accepted"},
     {0},
     "notify",
     "",
     DP_HEALTH_CRITICAL,
     ""},
    {"strict, require of a skipped probe is not checked",
     &strict,
     AUTO,
     {"edns1=compliant"},
     {0},
     "",
     "",
     DP_HEALTH_OK,
     ""},
    {"strict, require replaces the profile's rule",
     &strict,
     AUTO,
     {"axfr=allowed"},
     {0},
     "axfr",
     "",
     DP_HEALTH_CRITICAL,
     ""},
    {"strict, allow of an ok verdict changes nothing",
     &strict,
     AUTO,
     {0},
     {"axfr=denied"},
     "",
     "",
     DP_HEALTH_OK,
     ""},
    {"strict, allow of another verdict changes nothing",
     &strict,
     AUTH,
     {0},
     {"axfr=allowed"},
     "",
     "",
     DP_HEALTH_OK,
     ""},

    /* open authoritative (role authoritative+resolver) */
    {"open, auto: both roles use the authoritative profile",
     &open_auth,
     AUTO,
     {0},
     {0},
     "recursion,axfr,ixfr,update,opcode,edns",
     "",
     DP_HEALTH_CRITICAL,
     "plain"},
    {"open, authoritative, hidden primary allows transfers",
     &open_auth,
     AUTH,
     {0},
     {"axfr=allowed", "ixfr=allowed"},
     "recursion,update,opcode,edns",
     "axfr,ixfr",
     DP_HEALTH_CRITICAL,
     "plain"},
    {"open, resolver: only the update misses",
     &open_auth,
     RES,
     {0},
     {0},
     "update",
     "",
     DP_HEALTH_CRITICAL,
     "recursion"},
    {"open, auto, every finding allowed: status recomputed to ok",
     &open_auth,
     AUTO,
     {0},
     {"recursion=available", "axfr=allowed", "ixfr=allowed", "update=allowed",
      "opcode=non-compliant", "edns=non-compliant"},
     "",
     "recursion,axfr,ixfr,update,opcode,edns",
     DP_HEALTH_OK,
     "plain"},
    {"open, auto, allow wins over require",
     &open_auth,
     AUTO,
     {"axfr=denied"},
     {"axfr=allowed"},
     "recursion,ixfr,update,opcode,edns",
     "axfr",
     DP_HEALTH_CRITICAL,
     "plain"},
    {"open, auto, two requires for one probe are united",
     &open_auth,
     AUTO,
     {"axfr=denied", "axfr=allowed"},
     {0},
     "recursion,ixfr,update,opcode,edns",
     "",
     DP_HEALTH_CRITICAL,
     "axfr,plain"},
    {"open, auto, allow with several verdicts",
     &open_auth,
     AUTO,
     {0},
     {"axfr=denied|allowed"},
     "recursion,ixfr,update,opcode,edns",
     "axfr",
     DP_HEALTH_CRITICAL,
     "plain"},

    /* resolver */
    {"resolver, auto: meets the resolver profile",
     &resolver,
     AUTO,
     {0},
     {0},
     "",
     "",
     DP_HEALTH_OK,
     "tcp"},
    {"resolver, authoritative",
     &resolver,
     AUTH,
     {0},
     {0},
     "udp,tcp,recursion,ixfr",
     "",
     DP_HEALTH_CRITICAL,
     ""},
    {"resolver, auto, require tcp authoritative",
     &resolver,
     AUTO,
     {"tcp=authoritative"},
     {0},
     "tcp",
     "",
     DP_HEALTH_CRITICAL,
     ""},
    {"resolver, auto, allow turns info into ok",
     &resolver,
     AUTO,
     {0},
     {"udp=answering|unexpected"},
     "",
     "udp",
     DP_HEALTH_OK,
     "tcp"},

    /* refusing resolver (role unknown) */
    {"refusing, auto: unknown role, nothing checked",
     &refusing,
     AUTO,
     {0},
     {0},
     "",
     "",
     DP_HEALTH_CRITICAL,
     ""},
    {"refusing, resolver",
     &refusing,
     RES,
     {0},
     {0},
     "recursion,do",
     "",
     DP_HEALTH_CRITICAL,
     "tcp"},
    {"refusing, authoritative",
     &refusing,
     AUTH,
     {0},
     {0},
     "udp,tcp,opcode,plain,edns,do",
     "",
     DP_HEALTH_CRITICAL,
     "recursion"},
    {"refusing, resolver, refusal allowed",
     &refusing,
     RES,
     {0},
     {"recursion=refused"},
     "do",
     "recursion",
     DP_HEALTH_CRITICAL,
     "tcp"},
    {"refusing, auto, everything refused allowed: ok",
     &refusing,
     AUTO,
     {0},
     {"udp=refused", "tcp=refused", "recursion=refused"},
     "",
     "udp,tcp,recursion",
     DP_HEALTH_OK,
     ""},
    {"refusing, auto, zone refusal allowed: the warning remains",
     &refusing,
     AUTO,
     {0},
     {"udp=refused", "tcp=refused"},
     "",
     "udp,tcp",
     DP_HEALTH_WARNING,
     ""},
    {"refusing, auto, require on an unknown role",
     &refusing,
     AUTO,
     {"do=compliant|legacy"},
     {0},
     "do",
     "",
     DP_HEALTH_CRITICAL,
     ""},

    /* silence */
    {"silent, auto", &silent, AUTO, {0}, {0}, "", "", DP_HEALTH_CRITICAL, ""},
    {"silent, authoritative: silence is fine only for recursion and update",
     &silent,
     AUTH,
     {0},
     {0},
     "udp,tcp,axfr,opcode,do",
     "",
     DP_HEALTH_CRITICAL,
     "recursion,update"},
    {"silent, resolver: update may be silent",
     &silent,
     RES,
     {0},
     {0},
     "recursion,tcp,do",
     "",
     DP_HEALTH_CRITICAL,
     "update"},
};

START_TEST(test_apply)
{
  const struct apply_case *c = &apply_cases[_i];
  const struct fixture *fx = c->fx;
  struct dp_expect e;
  struct dp_run run;
  char want[256];

  check_list_ids(c->failed, fx, c->name, "failed");
  check_list_ids(c->allowed, fx, c->name, "allowed");
  if (c->expected != NULL)
    check_list_ids(c->expected, fx, c->name, "expected");
  make_expect(&e, c->profile, c->require, c->allow, c->name);
  build(&run, fx);
  struct dp_target_result *t = &run.targets[0];

  ck_assert_msg(dp_expect_apply(t, &e) == DP_OK, "%s: apply failed", c->name);
  for (size_t i = 0; i < MAXPROBES && fx->probes[i].id != NULL; i++)
  {
    const struct fx_probe *f = &fx->probes[i];
    const struct dp_probe_result *p = dp_target_probe(t, pid(f->id));
    char ctx[128];

    context_explanation(ctx, sizeof(ctx), f->id);
    ck_assert_msg(p->verdict == f->verdict, "%s: %s: verdict changed", c->name,
                  f->id);
    if (in_list(c->failed, f->id))
    {
      ck_assert_msg(p->severity == DP_SEVERITY_CRITICAL,
                    "%s: %s: severity %s, not critical", c->name, f->id,
                    dp_severity_tostr(p->severity));
      CK_FINDING_EQ(p->finding, DP_FINDING_EXPECTATION_FAILED, c->name);
      ck_assert_msg(p->explanation != NULL, "%s: %s: no explanation", c->name,
                    f->id);
      snprintf(want, sizeof(want), "Expected %s to be ", f->id);
      ck_assert_msg(strstr(p->explanation, want) != NULL,
                    "%s: %s: explanation lacks '%s': %s", c->name, f->id, want,
                    p->explanation);
      snprintf(want, sizeof(want), ": got %s.", dp_verdict_tostr(f->verdict));
      ck_assert_msg(strstr(p->explanation, want) != NULL,
                    "%s: %s: explanation lacks '%s': %s", c->name, f->id, want,
                    p->explanation);
      if (f->severity != DP_SEVERITY_OK)
        ck_assert_msg(strncmp(p->explanation, ctx, strlen(ctx)) == 0,
                      "%s: %s: the context's explanation is lost: %s", c->name,
                      f->id, p->explanation);
    }
    else if (in_list(c->allowed, f->id))
    {
      ck_assert_msg(p->severity == DP_SEVERITY_OK,
                    "%s: %s: severity %s, not ok", c->name, f->id,
                    dp_severity_tostr(p->severity));
      CK_FINDING_EQ(p->finding, fid(f->finding), c->name);
      snprintf(want, sizeof(want), "Allowed by --allow %s=%s", f->id,
               dp_verdict_tostr(f->verdict));
      ck_assert_msg(p->explanation != NULL &&
                        strstr(p->explanation, want) != NULL,
                    "%s: %s: explanation does not say '%s': %s", c->name, f->id,
                    want, p->explanation ? p->explanation : "(null)");
      snprintf(want, sizeof(want), "(allowed by --allow %s=%s)", f->id,
               dp_verdict_tostr(f->verdict));
      ck_assert_msg(p->summary != NULL && strstr(p->summary, want) != NULL,
                    "%s: %s: summary does not say '%s': %s", c->name, f->id,
                    want, p->summary ? p->summary : "(null)");
    }
    else if (c->expected != NULL && in_list(c->expected, f->id))
    {
      ck_assert_msg(f->severity != DP_SEVERITY_OK,
                    "%s: %s: listed as lowered but was ok", c->name, f->id);
      ck_assert_msg(p->severity == DP_SEVERITY_OK,
                    "%s: %s: expected verdict left at %s", c->name, f->id,
                    dp_severity_tostr(p->severity));
      CK_FINDING_EQ(p->finding, fid(f->finding), c->name);
      ck_assert_msg(
          p->explanation != NULL &&
              strncmp(p->explanation, ctx, strlen(ctx)) == 0 &&
              strstr(p->explanation, " expects, so reported as ok.") != NULL,
          "%s: %s: explanation does not say why it is ok: %s", c->name, f->id,
          p->explanation ? p->explanation : "(null)");
    }
    else
    {
      char sum[128];
      context_summary(sum, sizeof(sum), f->id);
      ck_assert_msg(p->severity == f->severity, "%s: %s: severity %s, was %s",
                    c->name, f->id, dp_severity_tostr(p->severity),
                    dp_severity_tostr(f->severity));
      CK_FINDING_EQ(p->finding, fid(f->finding), c->name);
      ck_assert_msg(strcmp(p->summary, sum) == 0, "%s: %s: summary changed",
                    c->name, f->id);
      if (f->severity == DP_SEVERITY_OK)
        ck_assert_msg(p->explanation == NULL, "%s: %s: explanation added: %s",
                      c->name, f->id, p->explanation);
      else
        ck_assert_msg(p->explanation != NULL &&
                          strcmp(p->explanation, ctx) == 0,
                      "%s: %s: explanation changed: %s", c->name, f->id,
                      p->explanation ? p->explanation : "(null)");
    }
  }
  ck_assert_msg(t->status == c->status, "%s: status %s, expected %s", c->name,
                dp_health_tostr(t->status), dp_health_tostr(c->status));
  dp_run_clear(&run);
}
END_TEST

/* ---- the sentences, word for word ---------------------------------------- */

struct sentence_case
{
  const char *name;
  const struct fixture *fx;
  dp_expect_profile_t profile;
  const char *require[MAXRULES];
  const char *allow[MAXRULES];
  const char *probe;
  const char *explanation; /* whole, context's text included */
  const char *summary;     /* whole */
};

static const struct sentence_case sentence_cases[] = {
    {"resolver profile on an authoritative server",
     &strict,
     RES,
     {0},
     {0},
     "recursion",
     "Expected recursion to be available (--expect resolver): got "
     "not-offered.",
     "what recursion got back"},
    {"auto names the profile and the role",
     &open_auth,
     AUTO,
     {0},
     {0},
     "recursion",
     "Context explanation of recursion. Expected recursion to be "
     "refused, no-answer or not-offered (--expect auto: the authoritative "
     "profile for role authoritative+resolver): got available.",
     "what recursion got back"},
    {"a rule of all but one verdict is said as such",
     &open_auth,
     RES,
     {0},
     {0},
     "update",
     "Context explanation of update. Expected update to be anything but "
     "allowed (--expect resolver): got allowed.",
     "what update got back"},
    {"a rule of all but two verdicts",
     &silent,
     RES,
     {0},
     {0},
     "tcp",
     "Context explanation of tcp. Expected tcp to be anything but no-answer "
     "or unexpected (--expect resolver): got no-answer.",
     "what tcp got back"},
    {"a require names itself",
     &strict,
     AUTO,
     {"axfr=allowed|not-implemented"},
     {0},
     "axfr",
     "Expected axfr to be allowed or not-implemented (--require "
     "axfr=allowed|not-implemented): got denied.",
     "what axfr got back"},
    {"an allow over a missed expectation says what it would have been",
     &open_auth,
     AUTH,
     {0},
     {"axfr=allowed"},
     "axfr",
     "Context explanation of axfr. Allowed by --allow axfr=allowed, so "
     "reported as ok (without it: critical, since --expect authoritative "
     "expects axfr to be denied, not-authoritative or not-implemented).",
     "what axfr got back (allowed by --allow axfr=allowed)"},
    {"an allow over a context finding names its severity",
     &resolver,
     AUTO,
     {0},
     {"udp=answering"},
     "udp",
     "Context explanation of udp. Allowed by --allow udp=answering, so "
     "reported as ok (without it: info).",
     "what udp got back (allowed by --allow udp=answering)"},
};

START_TEST(test_sentence)
{
  const struct sentence_case *c = &sentence_cases[_i];
  struct dp_expect e;
  struct dp_run run;

  make_expect(&e, c->profile, c->require, c->allow, c->name);
  build(&run, c->fx);
  ck_assert_msg(dp_expect_apply(&run.targets[0], &e) == DP_OK,
                "%s: apply failed", c->name);
  const struct dp_probe_result *p =
      dp_target_probe(&run.targets[0], pid(c->probe));
  ck_assert_msg(p != NULL, "%s: no probe %s", c->name, c->probe);
  ck_assert_msg(p->explanation != NULL &&
                    strcmp(p->explanation, c->explanation) == 0,
                "%s: explanation\n  is   '%s'\n  want '%s'", c->name,
                p->explanation ? p->explanation : "(null)", c->explanation);
  ck_assert_msg(p->summary != NULL && strcmp(p->summary, c->summary) == 0,
                "%s: summary\n  is   '%s'\n  want '%s'", c->name,
                p->summary ? p->summary : "(null)", c->summary);
  dp_run_clear(&run);
}
END_TEST

/* ---- status -------------------------------------------------------------- */

/* What an expectation may and may not do to a target's status. */
struct status_case
{
  const char *name;
  dp_outcome_t outcome; /* of the one probe, "axfr" allowed */
  dp_severity_t severity;
  dp_health_t before;
  size_t nprobes;
  const char *allow;   /* NULL: none */
  const char *require; /* NULL: none */
  dp_health_t after;
  dp_severity_t severity_after;
};

static const struct status_case status_cases[] = {
    {"allow lowers warning to ok", DP_OUTCOME_ANSWER, DP_SEVERITY_WARNING,
     DP_HEALTH_WARNING, 1, "axfr=allowed", NULL, DP_HEALTH_OK, DP_SEVERITY_OK},
    {"require raises ok to critical", DP_OUTCOME_ANSWER, DP_SEVERITY_OK,
     DP_HEALTH_OK, 1, NULL, "axfr=denied", DP_HEALTH_CRITICAL,
     DP_SEVERITY_CRITICAL},
    {"a stale status is recomputed from the probes", DP_OUTCOME_ANSWER,
     DP_SEVERITY_WARNING, DP_HEALTH_CRITICAL, 1, NULL, NULL, DP_HEALTH_WARNING,
     DP_SEVERITY_WARNING},
    {"a local error stays unknown", DP_OUTCOME_LOCAL_ERROR, DP_SEVERITY_WARNING,
     DP_HEALTH_UNKNOWN, 1, "axfr=allowed", NULL, DP_HEALTH_UNKNOWN,
     DP_SEVERITY_WARNING},
    {"a local error is not checked", DP_OUTCOME_LOCAL_ERROR, DP_SEVERITY_OK,
     DP_HEALTH_UNKNOWN, 1, NULL, "axfr=denied", DP_HEALTH_UNKNOWN,
     DP_SEVERITY_OK},
    {"an unknown target stays unknown", DP_OUTCOME_ANSWER, DP_SEVERITY_OK,
     DP_HEALTH_UNKNOWN, 1, NULL, "axfr=denied", DP_HEALTH_UNKNOWN,
     DP_SEVERITY_CRITICAL},
    {"a target without probes keeps its status", DP_OUTCOME_ANSWER,
     DP_SEVERITY_OK, DP_HEALTH_CRITICAL, 0, "axfr=allowed", NULL,
     DP_HEALTH_CRITICAL, DP_SEVERITY_OK},
    {"a skipped probe is not checked", DP_OUTCOME_SKIPPED, DP_SEVERITY_OK,
     DP_HEALTH_OK, 1, NULL, "axfr=denied", DP_HEALTH_OK, DP_SEVERITY_OK},
};

START_TEST(test_status)
{
  const struct status_case *c = &status_cases[_i];
  struct dp_run run;
  struct dp_expect e;
  char err[ERRCAP];

  fx_run_init(&run);
  struct dp_target_result *t =
      fx_target(&run, "127.0.0.1:5301", "127.0.0.1", 5301, FX_ZONE);
  memset(&e, 0, sizeof(e));
  e.profile = DP_EXPECT_AUTO;
  if (c->allow != NULL)
    ck_assert_msg(dp_expect_rule_parse(c->allow, &e.allow[e.nallow++], err,
                                       sizeof(err)) == DP_OK,
                  "%s: %s", c->name, err);
  if (c->require != NULL)
    ck_assert_msg(dp_expect_rule_parse(c->require, &e.require[e.nrequire++],
                                       err, sizeof(err)) == DP_OK,
                  "%s: %s", c->name, err);
  t->role = DP_ROLE_UNKNOWN;
  t->status = c->before;
  struct dp_probe_result *p = fx_probe(t, DP_PROBE_AXFR);
  p->outcome = c->outcome;
  p->verdict = DP_VERDICT_ALLOWED;
  p->severity = c->severity;
  struct dp_probe_result before = *p;
  if (c->nprobes == 0)
    dp_target_probes_destroy(t);
  ck_assert_msg(dp_expect_apply(t, &e) == DP_OK, "%s: apply failed", c->name);
  CK_HEALTH_EQ(t->status, c->after, c->name);
  CK_SEVERITY_EQ(c->nprobes ? t->probes[DP_PROBE_AXFR].severity
                            : before.severity,
                 c->severity_after, c->name);
  dp_run_clear(&run);
}
END_TEST

/* Bad arguments change nothing. */
START_TEST(test_apply_bad_args)
{
  struct dp_run run;
  struct dp_expect e;
  char err[ERRCAP];

  build(&run, &open_auth);
  memset(&e, 0, sizeof(e));
  e.profile = DP_EXPECT_AUTHORITATIVE;
  ck_assert_msg(dp_expect_rule_parse("udp=refused", &e.require[0], err,
                                     sizeof(err)) == DP_OK,
                "bad args: %s", err);
  ck_assert_msg(dp_expect_apply(NULL, &e) == DP_EINVAL,
                "bad args: NULL target accepted");
  ck_assert_msg(dp_expect_apply(&run.targets[0], NULL) == DP_EINVAL,
                "bad args: NULL expectations accepted");
  e.nrequire = DP_EXPECT_RULES_MAX + 1;
  ck_assert_msg(dp_expect_apply(&run.targets[0], &e) == DP_EINVAL,
                "bad args: %d require rules accepted", DP_EXPECT_RULES_MAX + 1);
  e.nrequire = 1;
  e.nallow = DP_EXPECT_RULES_MAX + 1;
  ck_assert_msg(dp_expect_apply(&run.targets[0], &e) == DP_EINVAL,
                "bad args: %d allow rules accepted", DP_EXPECT_RULES_MAX + 1);
  for (size_t i = 0; i < MAXPROBES && open_auth.probes[i].id != NULL; i++)
    ck_assert_msg(dp_target_probe(&run.targets[0], pid(open_auth.probes[i].id))
                          ->severity == open_auth.probes[i].severity,
                  "bad args: %s changed", open_auth.probes[i].id);
  ck_assert_msg(run.targets[0].status == DP_HEALTH_CRITICAL,
                "bad args: status changed");
  dp_run_clear(&run);
}
END_TEST

/* ---- rule parsing -------------------------------------------------------- */

static const struct
{
  const char *text;
  const char *probe;
  unsigned verdicts;
} good_rules[] = {
    {"axfr=denied", "axfr", V(DENIED)},
    {"recursion=not-offered|refused|no-answer", "recursion",
     V(NOT_OFFERED) | V(REFUSED) | V(NO_ANSWER)},
    {"update=allowed|allowed", "update", V(ALLOWED)},
    {"edns1=compliant|legacy", "edns1", V(COMPLIANT) | V(LEGACY)},
    {"bufsize512=non-compliant", "bufsize512", V(NON_COMPLIANT)},
    {"idserver=authoritative", "idserver", V(AUTHORITATIVE)},
    {"udp=answering|failing|unexpected|available|accepted", "udp",
     V(ANSWERING) | V(FAILING) | V(UNEXPECTED) | V(AVAILABLE) | V(ACCEPTED)},
    {"tcp=not-authoritative|not-implemented", "tcp",
     V(NOT_AUTHORITATIVE) | V(NOT_IMPLEMENTED)},
};

START_TEST(test_rule_good)
{
  struct dp_expect_rule r, again;
  char err[ERRCAP] = "";
  char text[128];
  const char *name = good_rules[_i].text;

  ck_assert_msg(dp_expect_rule_parse(name, &r, err, sizeof(err)) == DP_OK,
                "'%s': refused: %s", name, err);
  ck_assert_msg(r.probe == pid(good_rules[_i].probe), "'%s': probe '%s'", name,
                dp_probe_id_tostr(r.probe));
  ck_assert_msg(r.verdicts == good_rules[_i].verdicts,
                "'%s': verdicts 0x%x, want 0x%x", name, r.verdicts,
                good_rules[_i].verdicts);
  /* Written back, it parses to the same rule. */
  ck_assert_msg(dp_expect_rule_write(&r, text, sizeof(text)) == DP_OK,
                "'%s': write failed", name);
  ck_assert_msg(dp_expect_rule_parse(text, &again, err, sizeof(err)) == DP_OK,
                "'%s': written as '%s', which does not parse: %s", name, text,
                err);
  ck_assert_msg(again.probe == r.probe && again.verdicts == r.verdicts,
                "'%s': written as '%s', which parses to another rule", name,
                text);
  /* One byte short: DP_ESPACE, still terminated. */
  size_t len = strlen(text);
  char small[128];
  memset(small, 'x', sizeof(small));
  ck_assert_msg(dp_expect_rule_write(&r, small, len) == DP_ESPACE,
                "'%s': write into %zu bytes did not say DP_ESPACE", name, len);
  ck_assert_msg(memchr(small, '\0', len) != NULL,
                "'%s': truncated text not terminated", name);
}
END_TEST

static const struct
{
  const char *text;
  const char *message; /* the whole err */
} bad_rules[] = {
    {"axfr=opened", "unknown verdict 'opened'"},
    {"axfr=Denied", "unknown verdict 'Denied'"},
    {"axfr= denied", "unknown verdict ' denied'"},
    {"axfr=denied=allowed", "unknown verdict 'denied=allowed'"},
    {"axfr=denied|opened", "unknown verdict 'opened'"},
    {"axfr=\x01\x7f", "unknown verdict '\\x01\\x7f'"},
    {"axfr=abcdefghijklmnopqrstuvwxyzabcdefghij",
     "unknown verdict 'abcdefghijklmnopqrstuvwxyzabcdef...'"},
    {"axfr", "expected PROBE=VERDICT[|VERDICT...]"},
    {"", "expected PROBE=VERDICT[|VERDICT...]"},
    {"=denied", "no probe id before '='"},
    {"axfr=", "no verdict after '='"},
    {"axfr=denied|", "empty verdict in the list"},
    {"axfr=|denied", "empty verdict in the list"},
    {"axfr=denied||allowed", "empty verdict in the list"},
    {"AXFR=denied", "unknown probe 'AXFR'"},
    {"edns1-flags=compliant", "unknown probe 'edns1-flags'"},
    {"ax fr=denied", "unknown probe 'ax fr'"},
    {"axfrr=denied|not-implemented", "unknown probe 'axfrr'"},
    {"abcdefghijklmnopqrstuvwxyzabcdefghij=denied",
     "unknown probe 'abcdefghijklmnopqrstuvwxyzabcdef...'"},
    {"\x01=denied", "unknown probe '\\x01'"},
    {"axfr=skipped", "verdict 'skipped' cannot be expected (a probe that did "
                     "not run is not checked)"},
    {"axfr=denied|none", "verdict 'none' cannot be expected (a probe that did "
                         "not run is not checked)"},
};

START_TEST(test_rule_bad)
{
  struct dp_expect_rule r;
  char err[ERRCAP] = "";
  const char *text = bad_rules[_i].text;

  ck_assert_msg(dp_expect_rule_parse(text, &r, err, sizeof(err)) == DP_EINVAL,
                "bad rule %d ('%s'): accepted", _i, bad_rules[_i].message);
  ck_assert_msg(strcmp(err, bad_rules[_i].message) == 0,
                "bad rule %d: err '%s', want '%s'", _i, err,
                bad_rules[_i].message);
  for (const char *c = err; *c != '\0'; c++)
    ck_assert_msg(isprint((unsigned char)*c), "bad rule %d: err not printable",
                  _i);
  /* Without a buffer for the message it still fails cleanly. */
  ck_assert_msg(dp_expect_rule_parse(text, &r, NULL, 0) == DP_EINVAL,
                "bad rule %d: accepted without err", _i);
}
END_TEST

/* ---- profiles and probe ids ---------------------------------------------- */

static const struct
{
  const char *text;
  dp_status_t status;
  dp_expect_profile_t profile;
} profile_cases[] = {
    {"auto", DP_OK, DP_EXPECT_AUTO},
    {"authoritative", DP_OK, DP_EXPECT_AUTHORITATIVE},
    {"resolver", DP_OK, DP_EXPECT_RESOLVER},
    {"", DP_EINVAL, 0},
    {"Auto", DP_EINVAL, 0},
    {"authoritative ", DP_EINVAL, 0},
    {"recursive", DP_EINVAL, 0},
    {"auth", DP_EINVAL, 0},
    {NULL, DP_EINVAL, 0},
};

START_TEST(test_profile)
{
  const char *text = profile_cases[_i].text;
  const char *name = text != NULL ? text : "(NULL)";
  dp_expect_profile_t p = (dp_expect_profile_t)99;
  dp_status_t st = dp_expect_profile_fromstr(text, &p);

  ck_assert_msg(st == profile_cases[_i].status, "profile '%s': status %d", name,
                (int)st);
  if (st == DP_OK)
  {
    ck_assert_msg(p == profile_cases[_i].profile, "profile '%s': %d", name,
                  (int)p);
    ck_assert_msg(strcmp(dp_expect_profile_tostr(p), text) == 0,
                  "profile '%s': named '%s'", name, dp_expect_profile_tostr(p));
  }
  else
    ck_assert_msg(p == (dp_expect_profile_t)99, "profile '%s': p changed",
                  name);
}
END_TEST

static Suite *expect_suite(void)
{
  Suite *s = suite_create("expect");
  TCase *tc;

  tc = tcase_create("apply");
  tcase_add_loop_test(tc, test_apply, 0, NELEM(apply_cases));
  tcase_add_loop_test(tc, test_sentence, 0, NELEM(sentence_cases));
  tcase_add_loop_test(tc, test_status, 0, NELEM(status_cases));
  tcase_add_test(tc, test_apply_bad_args);
  suite_add_tcase(s, tc);

  tc = tcase_create("parse");
  tcase_add_loop_test(tc, test_rule_good, 0, NELEM(good_rules));
  tcase_add_loop_test(tc, test_rule_bad, 0, NELEM(bad_rules));
  tcase_add_loop_test(tc, test_profile, 0, NELEM(profile_cases));
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(expect_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
