/*
 * expect.c: expectations (--expect, --require, --allow) applied to a
 * diagnosed target, for CI and monitoring.
 *
 * A profile is a table of (probe, verdicts it may have); a probe the table
 * does not name, or that was skipped, is not checked. --require rules
 * replace the profile's row for their probe; --allow rules name verdicts
 * that are ok whatever the profile or the context said.
 *
 * Invariants: only severity, finding, summary, explanation and the target's
 * status change, and sentences are appended, never rewritten, so what the
 * context said stays readable. A probe that misses its expectation is
 * always critical, even when a sentence cannot be allocated. The verdict
 * vocabulary fits the bits of an unsigned (checked at compile time).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/expect.h"

_Static_assert(DP_VERDICT_COUNT <= 32,
               "dp_expect_rule.verdicts has one bit per verdict");

#define B(v) DP_EXPECT_BIT(DP_VERDICT_##v)
/* Every verdict a judge can give; none and skipped are never checked. */
#define JUDGED ((DP_EXPECT_BIT(DP_VERDICT_COUNT) - 1u) & ~B(NONE) & ~B(SKIPPED))
#define QUOTE_MAX 32 /* input bytes shown in a message before "..." */
#define SET_WORDS 512
#define SOURCE_WORDS (SET_WORDS + 32)

struct profile_rule
{
  const char *probe;
  unsigned verdicts;
};

/* RFC 8906 section 8 compliance probes: compliant, or legacy (no EDNS,
 * which RFC 6891 allows). */
#define COMPLIANCE (B(COMPLIANT) | B(LEGACY))

static const struct profile_rule authoritative_rules[] = {
    /* Serves the zone with AA over both transports (RFC 1035 4.1.1;
     * RFC 7766 section 5: TCP is mandatory). */
    {"udp", B(AUTHORITATIVE)},
    {"tcp", B(AUTHORITATIVE)},
    /* No recursion for anyone (RFC 5358 section 4); silence is how some
     * servers refuse it. */
    {"recursion", B(NOT_OFFERED) | B(REFUSED) | B(NO_ANSWER)},
    /* Zone transfers restricted (RFC 5936 section 6). */
    {"axfr", B(DENIED) | B(NOT_AUTHORITATIVE) | B(NOT_IMPLEMENTED)},
    {"ixfr", B(DENIED) | B(NOT_AUTHORITATIVE) | B(NOT_IMPLEMENTED)},
    /* No dynamic update from this client (RFC 2136 section 3.3); some
     * servers drop it without a reply. */
    {"update",
     B(DENIED) | B(NOT_AUTHORITATIVE) | B(NOT_IMPLEMENTED) | B(NO_ANSWER)},
    /* An unknown opcode gets NOTIMP (RFC 8906 section 8.1.4). */
    {"opcode", B(COMPLIANT)},
    {"plain", COMPLIANCE},
    {"edns", COMPLIANCE},
    {"edns1", COMPLIANCE},
    {"ednsopt", COMPLIANCE},
    {"ednsflags", COMPLIANCE},
    {"zflag", COMPLIANCE},
    {"type1000", COMPLIANCE},
    {"do", COMPLIANCE},
    {"bufsize512", COMPLIANCE},
};

static const struct profile_rule resolver_rules[] = {
    /* Recursion offered to this client and working. */
    {"recursion", B(AVAILABLE)},
    /* TCP answers at all (RFC 7766 section 5), whatever it says about Z. */
    {"tcp", JUDGED & ~(B(NO_ANSWER) | B(UNEXPECTED))},
    /* DO is copied back, as DNSSEC validation needs (RFC 3225 section 3). */
    {"do", B(COMPLIANT)},
    /* A resolver accepts no dynamic update (RFC 2136 section 3.3). */
    {"update", JUDGED & ~B(ALLOWED)},
};

struct profile
{
  dp_expect_profile_t id;
  const struct profile_rule *rules;
  size_t nrules;
};

static const struct profile profiles[] = {
    {DP_EXPECT_AUTHORITATIVE, authoritative_rules,
     sizeof(authoritative_rules) / sizeof(authoritative_rules[0])},
    {DP_EXPECT_RESOLVER, resolver_rules,
     sizeof(resolver_rules) / sizeof(resolver_rules[0])},
};

static const char *const profile_names[] = {
    [DP_EXPECT_AUTO] = "auto",
    [DP_EXPECT_AUTHORITATIVE] = "authoritative",
    [DP_EXPECT_RESOLVER] = "resolver",
};

#define NPROFILE_NAMES (sizeof(profile_names) / sizeof(profile_names[0]))

/* ---- messages ------------------------------------------------------------ */

__attribute__((format(printf, 3, 4))) static dp_status_t
fail(char *err, size_t errcap, const char *fmt, ...)
{
  va_list ap;

  if (err != NULL && errcap > 0)
  {
    va_start(ap, fmt);
    vsnprintf(err, errcap, fmt, ap);
    va_end(ap);
  }
  return DP_EINVAL;
}

/* Room for quote(): every shown byte may become \xHH, plus "..." and NUL. */
struct qbuf
{
  char s[QUOTE_MAX * 4 + 4];
};

/* At most QUOTE_MAX of the n bytes at in, as dp_quote shows them. */
static const char *quote(const char *in, size_t n, struct qbuf *b)
{
  return dp_quote(b->s, sizeof(b->s), in, n);
}

/* Append printf text at *used in buf, keeping it terminated; false once it
 * no longer fits. */
__attribute__((format(printf, 4, 5))) static bool
put(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (*used >= cap)
    return false;
  va_start(ap, fmt);
  n = vsnprintf(buf + *used, cap - *used, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= cap - *used)
  {
    *used = cap;
    return false;
  }
  *used += (size_t)n;
  return true;
}

static unsigned count_bits(unsigned m)
{
  unsigned n = 0;
  for (; m != 0; m &= m - 1)
    n++;
  return n;
}

/* "a", "a or b", "a, b or c": the verdicts of mask in vocabulary order. */
static void list_verdicts(unsigned mask, char *buf, size_t cap, size_t *used)
{
  unsigned left = count_bits(mask);

  for (unsigned v = 0; v < DP_VERDICT_COUNT; v++)
  {
    if (!(mask & DP_EXPECT_BIT(v)))
      continue;
    left--;
    put(buf, cap, used, "%s%s", dp_verdict_tostr((dp_verdict_t)v),
        left == 0   ? ""
        : left == 1 ? " or "
                    : ", ");
  }
}

/* A set of verdicts in words: listed, or "anything but ..." when that is
 * shorter (the resolver profile's "update must not be allowed"). */
static void set_words(unsigned mask, char *buf, size_t cap)
{
  size_t used = 0;
  unsigned in = mask & JUDGED;
  unsigned out = JUDGED & ~mask;

  buf[0] = '\0';
  if (out != 0 && count_bits(out) < count_bits(in))
  {
    put(buf, cap, &used, "anything but ");
    list_verdicts(out, buf, cap, &used);
  }
  else
    list_verdicts(in, buf, cap, &used);
}

/*
 * Append a sentence to *s (NULL or allocated), with a space after text
 * already there. Returns false when out of memory (*s is unchanged).
 */
__attribute__((format(printf, 2, 3))) static bool append(char **s,
                                                         const char *fmt, ...)
{
  va_list ap;
  size_t have = *s != NULL ? strlen(*s) : 0;
  bool space = have > 0 && (*s)[have - 1] != ' ' && (*s)[have - 1] != '\n';
  int n;
  char *grown;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return false;
  grown = realloc(*s, have + (space ? 1 : 0) + (size_t)n + 1);
  if (grown == NULL)
    return false;
  if (space)
    grown[have++] = ' ';
  va_start(ap, fmt);
  vsnprintf(grown + have, (size_t)n + 1, fmt, ap);
  va_end(ap);
  *s = grown;
  return true;
}

/* ---- profiles and rules -------------------------------------------------- */

dp_status_t dp_expect_profile_fromstr(const char *s, dp_expect_profile_t *p)
{
  if (s == NULL || p == NULL)
    return DP_EINVAL;
  for (size_t i = 0; i < NPROFILE_NAMES; i++)
    if (strcmp(s, profile_names[i]) == 0)
    {
      *p = (dp_expect_profile_t)i;
      return DP_OK;
    }
  return DP_EINVAL;
}

const char *dp_expect_profile_tostr(dp_expect_profile_t p)
{
  return (unsigned)p < NPROFILE_NAMES ? profile_names[p] : "unknown";
}

/* The verdict named by the n bytes at s, or DP_VERDICT_COUNT. */
static dp_verdict_t verdict_named(const char *s, size_t n)
{
  for (unsigned v = 0; v < DP_VERDICT_COUNT; v++)
  {
    const char *name = dp_verdict_tostr((dp_verdict_t)v);
    if (strlen(name) == n && strncmp(name, s, n) == 0)
      return (dp_verdict_t)v;
  }
  return DP_VERDICT_COUNT;
}

dp_status_t dp_expect_rule_parse(const char *text, struct dp_expect_rule *r,
                                 char *err, size_t errcap)
{
  struct qbuf q;
  const char *eq;
  size_t plen;

  if (text == NULL || r == NULL)
    return fail(err, errcap, "no rule");
  memset(r, 0, sizeof(*r));
  eq = strchr(text, '=');
  if (eq == NULL)
    return fail(err, errcap, "expected PROBE=VERDICT[|VERDICT...]");
  plen = (size_t)(eq - text);
  if (plen == 0)
    return fail(err, errcap, "no probe id before '='");
  if (plen >= sizeof(r->probe))
    return fail(err, errcap, "probe id '%s' is longer than %zu characters",
                quote(text, plen, &q), sizeof(r->probe) - 1);
  for (size_t i = 0; i < plen; i++)
    if (!((text[i] >= 'a' && text[i] <= 'z') ||
          (text[i] >= '0' && text[i] <= '9')))
      return fail(err, errcap,
                  "probe id '%s': only lower-case letters and digits",
                  quote(text, plen, &q));
  memcpy(r->probe, text, plen);
  r->probe[plen] = '\0';

  const char *v = eq + 1;
  if (*v == '\0')
    return fail(err, errcap, "no verdict after '='");
  for (;;)
  {
    size_t vlen = strcspn(v, "|");
    dp_verdict_t verdict;

    if (vlen == 0)
      return fail(err, errcap, "empty verdict in the list");
    verdict = verdict_named(v, vlen);
    if (verdict == DP_VERDICT_COUNT)
      return fail(err, errcap, "unknown verdict '%s'", quote(v, vlen, &q));
    if (verdict == DP_VERDICT_NONE || verdict == DP_VERDICT_SKIPPED)
      return fail(err, errcap,
                  "verdict '%s' cannot be expected (a probe that did not "
                  "run is not checked)",
                  quote(v, vlen, &q));
    r->verdicts |= DP_EXPECT_BIT(verdict);
    if (v[vlen] == '\0')
      break;
    v += vlen + 1;
  }
  return DP_OK;
}

dp_status_t dp_expect_rule_write(const struct dp_expect_rule *r, char *buf,
                                 size_t cap)
{
  size_t used = 0;
  bool first = true;
  bool ok;

  if (r == NULL || buf == NULL || cap == 0)
    return DP_EINVAL;
  buf[0] = '\0';
  ok = put(buf, cap, &used, "%.*s=", (int)sizeof(r->probe) - 1, r->probe);
  for (unsigned v = 0; ok && v < DP_VERDICT_COUNT; v++)
    if (r->verdicts & DP_EXPECT_BIT(v))
    {
      ok = put(buf, cap, &used, "%s%s", first ? "" : "|",
               dp_verdict_tostr((dp_verdict_t)v));
      first = false;
    }
  return ok ? DP_OK : DP_ESPACE;
}

dp_status_t dp_expect_check_probes(const struct dp_expect *e,
                                   bool (*known)(const char *id, void *arg),
                                   void *arg, char *err, size_t errcap)
{
  static const char *const opts[2] = {"--require", "--allow"};

  if (e == NULL || known == NULL || e->nrequire > DP_EXPECT_RULES_MAX ||
      e->nallow > DP_EXPECT_RULES_MAX)
    return fail(err, errcap, "no expectations to check");
  for (size_t k = 0; k < 2; k++)
  {
    const struct dp_expect_rule *rules = k == 0 ? e->require : e->allow;
    size_t n = k == 0 ? e->nrequire : e->nallow;
    for (size_t i = 0; i < n; i++)
    {
      char id[DP_EXPECT_PROBE_LEN];
      char text[SET_WORDS];
      struct qbuf q;

      /* The id is copied so a rule filled by hand without its NUL is
       * still read within bounds. */
      snprintf(id, sizeof(id), "%.*s", (int)sizeof(id) - 1, rules[i].probe);
      if (known(id, arg))
        continue;
      dp_expect_rule_write(&rules[i], text, sizeof(text));
      return fail(err, errcap, "%s '%s': unknown probe '%s'", opts[k], text,
                  quote(id, sizeof(id), &q));
    }
  }
  return DP_OK;
}

/* ---- applying ------------------------------------------------------------ */

/* The profile a target is held to, or NULL for none. */
static const struct profile *profile_for(dp_expect_profile_t want,
                                         dp_role_t role)
{
  if (want == DP_EXPECT_AUTO)
  {
    if (role == DP_ROLE_AUTHORITATIVE || role == DP_ROLE_BOTH)
      want = DP_EXPECT_AUTHORITATIVE;
    else if (role == DP_ROLE_RESOLVER)
      want = DP_EXPECT_RESOLVER;
    else
      return NULL;
  }
  for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
    if (profiles[i].id == want)
      return &profiles[i];
  return NULL;
}

/* Union of the verdicts the rules name for probe id; *found when any does. */
static unsigned rules_for(const struct dp_expect_rule *rules, size_t n,
                          const char *id, bool *found)
{
  unsigned mask = 0;

  *found = false;
  for (size_t i = 0; i < n; i++)
    if (strncmp(rules[i].probe, id, sizeof(rules[i].probe)) == 0 &&
        strlen(id) < sizeof(rules[i].probe))
    {
      mask |= rules[i].verdicts;
      *found = true;
    }
  return mask;
}

static bool checkable(const struct dp_probe_result *p)
{
  return p->id != NULL && p->outcome != DP_OUTCOME_SKIPPED &&
         p->outcome != DP_OUTCOME_LOCAL_ERROR &&
         p->verdict != DP_VERDICT_NONE && p->verdict != DP_VERDICT_SKIPPED &&
         (unsigned)p->verdict < DP_VERDICT_COUNT;
}

/* One probe's expectation: the verdicts it may have and where they came
 * from, in words ("--expect authoritative", "--require axfr=denied"). */
struct expectation
{
  bool has;
  unsigned verdicts;
  char source[SOURCE_WORDS];
};

static void expectation_for(const struct dp_probe_result *p,
                            const struct dp_target_result *t,
                            const struct dp_expect *e,
                            const struct profile *prof, struct expectation *x)
{
  bool found;
  unsigned req = rules_for(e->require, e->nrequire, p->id, &found);

  x->has = false;
  x->verdicts = 0;
  x->source[0] = '\0';
  if (found)
  {
    struct dp_expect_rule r = {.verdicts = req};
    char text[SET_WORDS];
    snprintf(r.probe, sizeof(r.probe), "%s", p->id);
    dp_expect_rule_write(&r, text, sizeof(text));
    x->has = true;
    x->verdicts = req;
    snprintf(x->source, sizeof(x->source), "--require %s", text);
    return;
  }
  if (prof == NULL)
    return;
  for (size_t i = 0; i < prof->nrules; i++)
    if (strcmp(prof->rules[i].probe, p->id) == 0)
    {
      x->has = true;
      x->verdicts = prof->rules[i].verdicts;
      if (e->profile == DP_EXPECT_AUTO)
        snprintf(x->source, sizeof(x->source),
                 "--expect auto: the %s profile for role %s",
                 dp_expect_profile_tostr(prof->id), dp_role_tostr(t->role));
      else
        snprintf(x->source, sizeof(x->source), "--expect %s",
                 dp_expect_profile_tostr(prof->id));
      return;
    }
}

/* An --allow rule names p's verdict: ok, saying what it would have been. */
static bool allow_probe(struct dp_probe_result *p, const struct expectation *x)
{
  char rule[SET_WORDS];
  char want[SET_WORDS];
  bool missed = x->has && !(x->verdicts & DP_EXPECT_BIT(p->verdict));
  dp_severity_t was = p->severity;
  bool ok = true;

  if (was == DP_SEVERITY_OK && !missed)
    return true;
  p->severity = DP_SEVERITY_OK;
  snprintf(rule, sizeof(rule), "%s=%s", p->id, dp_verdict_tostr(p->verdict));
  ok = append(&p->summary, "(allowed by --allow %s)", rule);
  if (missed)
  {
    set_words(x->verdicts, want, sizeof(want));
    ok = append(&p->explanation,
                "Allowed by --allow %s, so reported as ok (without it: "
                "critical, since %s expects %s to be %s).",
                rule, x->source, p->id, want) &&
         ok;
  }
  else
    ok = append(&p->explanation,
                "Allowed by --allow %s, so reported as ok (without it: %s).",
                rule, dp_severity_tostr(was)) &&
         ok;
  return ok;
}

/* p's verdict is outside its expectation: critical, saying which. */
static bool fail_probe(struct dp_probe_result *p, const struct expectation *x)
{
  char want[SET_WORDS];

  p->severity = DP_SEVERITY_CRITICAL;
  p->finding = DP_EXPECT_FINDING;
  set_words(x->verdicts, want, sizeof(want));
  return append(&p->explanation, "Expected %s to be %s (%s): got %s.", p->id,
                want, x->source, dp_verdict_tostr(p->verdict));
}

dp_status_t dp_expect_apply(struct dp_target_result *t,
                            const struct dp_expect *e)
{
  bool nomem = false;

  if (t == NULL || e == NULL || e->nrequire > DP_EXPECT_RULES_MAX ||
      e->nallow > DP_EXPECT_RULES_MAX)
    return DP_EINVAL;
  size_t n = t->nprobes < DP_PROBE_MAX ? t->nprobes : DP_PROBE_MAX;
  const struct profile *prof = profile_for(e->profile, t->role);

  for (size_t i = 0; i < n; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    struct expectation x;
    bool any_allow;

    if (!checkable(p))
      continue;
    expectation_for(p, t, e, prof, &x);
    if (rules_for(e->allow, e->nallow, p->id, &any_allow) &
        DP_EXPECT_BIT(p->verdict))
    {
      if (!allow_probe(p, &x))
        nomem = true;
    }
    else if (x.has && !(x.verdicts & DP_EXPECT_BIT(p->verdict)))
    {
      if (!fail_probe(p, &x))
        nomem = true;
    }
  }

  if (n > 0)
  {
    /* As dp_diagnose_target computes it; an expectation never hides that
     * dnsprobe itself could not do its job. */
    dp_health_t status = DP_HEALTH_OK;
    for (size_t i = 0; i < n; i++)
    {
      dp_health_t h = dp_health_from_severity(t->probes[i].severity);
      if (t->probes[i].outcome == DP_OUTCOME_LOCAL_ERROR)
        h = DP_HEALTH_UNKNOWN;
      if (h > status)
        status = h;
    }
    if (t->status != DP_HEALTH_UNKNOWN)
      t->status = status;
  }
  return nomem ? DP_ENOMEM : DP_OK;
}
