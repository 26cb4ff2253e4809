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

#include "dnsprobe/buf.h"
#include "dnsprobe/expect.h"

_Static_assert(DP_VERDICT_COUNT <= 32,
               "dp_expect_rule.verdicts has one bit per verdict");

#define B(v) DP_EXPECT_BIT(DP_VERDICT_##v)
/* Every verdict a judge can give; none and skipped are never checked. */
#define JUDGED ((DP_EXPECT_BIT(DP_VERDICT_COUNT) - 1u) & ~B(NONE) & ~B(SKIPPED))
#define QUOTE_MAX 32 /* input bytes shown in a message before "..." */
#define SET_WORDS 512
#define SOURCE_WORDS (SET_WORDS + 32)

/* RFC 8906 section 8 compliance probes: compliant, or legacy (no EDNS,
 * which RFC 6891 allows). */
#define COMPLIANCE (B(COMPLIANT) | B(LEGACY))

/* A profile: per probe the verdicts it may have; 0 for a probe it does not
 * check. */
static const unsigned authoritative_rules[DP_PROBE_COUNT] = {
    /* Serves the zone with AA over both transports (RFC 1035 4.1.1;
     * RFC 7766 section 5: TCP is mandatory). */
    [DP_PROBE_UDP] = B(AUTHORITATIVE),
    [DP_PROBE_TCP] = B(AUTHORITATIVE),
    /* No recursion for anyone (RFC 5358 section 4); silence is how some
     * servers refuse it. */
    [DP_PROBE_RECURSION] = B(NOT_OFFERED) | B(REFUSED) | B(NO_ANSWER),
    /* Zone transfers restricted (RFC 5936 section 6). */
    [DP_PROBE_AXFR] = B(DENIED) | B(NOT_AUTHORITATIVE) | B(NOT_IMPLEMENTED),
    [DP_PROBE_IXFR] = B(DENIED) | B(NOT_AUTHORITATIVE) | B(NOT_IMPLEMENTED),
    /* No dynamic update from this client (RFC 2136 section 3.3); some
     * servers drop it without a reply. */
    [DP_PROBE_UPDATE] =
        B(DENIED) | B(NOT_AUTHORITATIVE) | B(NOT_IMPLEMENTED) | B(NO_ANSWER),
    /* An unknown opcode gets NOTIMP (RFC 8906 section 8.1.4). */
    [DP_PROBE_OPCODE] = B(COMPLIANT),
    [DP_PROBE_PLAIN] = COMPLIANCE,
    [DP_PROBE_EDNS] = COMPLIANCE,
    [DP_PROBE_EDNS1] = COMPLIANCE,
    [DP_PROBE_EDNSOPT] = COMPLIANCE,
    [DP_PROBE_EDNSFLAGS] = COMPLIANCE,
    [DP_PROBE_ZFLAG] = COMPLIANCE,
    [DP_PROBE_TYPE1000] = COMPLIANCE,
    [DP_PROBE_DO] = COMPLIANCE,
    [DP_PROBE_BUFSIZE512] = COMPLIANCE,
};

static const unsigned resolver_rules[DP_PROBE_COUNT] = {
    /* TCP answers at all (RFC 7766 section 5), whatever it says about Z. */
    [DP_PROBE_TCP] = JUDGED & ~(B(NO_ANSWER) | B(UNEXPECTED)),
    /* Recursion offered to this client and working. */
    [DP_PROBE_RECURSION] = B(AVAILABLE),
    /* A resolver accepts no dynamic update (RFC 2136 section 3.3). */
    [DP_PROBE_UPDATE] = JUDGED & ~B(ALLOWED),
    /* DO is copied back, as DNSSEC validation needs (RFC 3225 section 3). */
    [DP_PROBE_DO] = B(COMPLIANT),
};

struct profile
{
  dp_expect_profile_t id;
  const unsigned *rules; /* DP_PROBE_COUNT of them */
};

static const struct profile profiles[] = {
    {DP_EXPECT_AUTHORITATIVE, authoritative_rules},
    {DP_EXPECT_RESOLVER, resolver_rules},
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

static unsigned count_bits(unsigned m)
{
  unsigned n = 0;
  for (; m != 0; m &= m - 1)
    n++;
  return n;
}

/* "a", "a or b", "a, b or c": the verdicts of mask in vocabulary order. */
static void list_verdicts(unsigned mask, struct dp_buf *b)
{
  unsigned left = count_bits(mask);

  for (unsigned v = 0; v < DP_VERDICT_COUNT; v++)
  {
    if (!(mask & DP_EXPECT_BIT(v)))
      continue;
    left--;
    dp_buf_addf(b, "%s%s", dp_verdict_tostr((dp_verdict_t)v),
                left == 0   ? ""
                : left == 1 ? " or "
                            : ", ");
  }
}

/* A set of verdicts in words: listed, or "anything but ..." when that is
 * shorter (the resolver profile's "update must not be allowed"). */
static void set_words(unsigned mask, char *buf, size_t cap)
{
  struct dp_buf b;
  unsigned in = mask & JUDGED;
  unsigned out = JUDGED & ~mask;

  dp_buf_init_fixed(&b, buf, cap);
  if (out != 0 && count_bits(out) < count_bits(in))
  {
    dp_buf_adds(&b, "anything but ");
    list_verdicts(out, &b);
  }
  else
    list_verdicts(in, &b);
}

/*
 * Start a sentence after the text of *s (NULL or allocated), with a space
 * after text already there: the buffer b continues *s. finish() puts the
 * text back. A failed allocation leaves *s as it was.
 */
static struct dp_buf *sentence(struct dp_buf *b, char **s)
{
  dp_buf_adopt(b, *s);
  *s = NULL;
  if (b->len > 0 && b->s[b->len - 1] != ' ' && b->s[b->len - 1] != '\n')
    dp_buf_adds(b, " ");
  return b;
}

/* Give the text of b back to *s; false when an append failed. */
static bool finish(struct dp_buf *b, char **s, size_t had)
{
  bool ok = !dp_buf_failed(b);
  if (!ok && b->s != NULL)
  {
    /* keep what was there before the sentence */
    b->s[had] = '\0';
    b->failed = false;
  }
  *s = dp_buf_take(b);
  return ok;
}

/* Append a sentence to *s. Returns false when out of memory (*s is
 * unchanged). */
__attribute__((format(printf, 2, 3))) static bool append(char **s,
                                                         const char *fmt, ...)
{
  struct dp_buf b;
  size_t had = *s != NULL ? strlen(*s) : 0;
  va_list ap;

  va_start(ap, fmt);
  dp_buf_vaddf(sentence(&b, s), fmt, ap);
  va_end(ap);
  return finish(&b, s, had);
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
  if (dp_probe_id_fromstr(text, plen, &r->probe) != DP_OK)
    return fail(err, errcap, "unknown probe '%s'", quote(text, plen, &q));

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
  struct dp_buf b;
  bool first = true;

  if (r == NULL || buf == NULL || cap == 0)
    return DP_EINVAL;
  dp_buf_init_fixed(&b, buf, cap);
  dp_buf_addf(&b, "%s=", dp_probe_id_tostr(r->probe));
  for (unsigned v = 0; v < DP_VERDICT_COUNT; v++)
    if (r->verdicts & DP_EXPECT_BIT(v))
    {
      dp_buf_addf(&b, "%s%s", first ? "" : "|",
                  dp_verdict_tostr((dp_verdict_t)v));
      first = false;
    }
  return dp_buf_failed(&b) ? DP_ESPACE : DP_OK;
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
                          dp_probe_id_t id, bool *found)
{
  unsigned mask = 0;

  *found = false;
  for (size_t i = 0; i < n; i++)
    if (rules[i].probe == id)
    {
      mask |= rules[i].verdicts;
      *found = true;
    }
  return mask;
}

static bool checkable(const struct dp_probe_result *p)
{
  return (unsigned)p->probe < DP_PROBE_COUNT &&
         p->outcome != DP_OUTCOME_SKIPPED &&
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
  unsigned req = rules_for(e->require, e->nrequire, p->probe, &found);

  x->has = false;
  x->verdicts = 0;
  x->source[0] = '\0';
  if (found)
  {
    struct dp_expect_rule r = {.probe = p->probe, .verdicts = req};
    char text[SET_WORDS];
    dp_expect_rule_write(&r, text, sizeof(text));
    x->has = true;
    x->verdicts = req;
    snprintf(x->source, sizeof(x->source), "--require %s", text);
    return;
  }
  if (prof == NULL || prof->rules[p->probe] == 0)
    return;
  x->has = true;
  x->verdicts = prof->rules[p->probe];
  if (e->profile == DP_EXPECT_AUTO)
    snprintf(x->source, sizeof(x->source),
             "--expect auto: the %s profile for role %s",
             dp_expect_profile_tostr(prof->id), dp_role_tostr(t->role));
  else
    snprintf(x->source, sizeof(x->source), "--expect %s",
             dp_expect_profile_tostr(prof->id));
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
  snprintf(rule, sizeof(rule), "%s=%s", dp_probe_id_tostr(p->probe),
           dp_verdict_tostr(p->verdict));
  ok = append(&p->summary, "(allowed by --allow %s)", rule);
  if (missed)
  {
    set_words(x->verdicts, want, sizeof(want));
    ok = append(&p->explanation,
                "Allowed by --allow %s, so reported as ok (without it: "
                "critical, since %s expects %s to be %s).",
                rule, x->source, dp_probe_id_tostr(p->probe), want) &&
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
  p->finding = DP_FINDING_EXPECTATION_FAILED;
  set_words(x->verdicts, want, sizeof(want));
  return append(&p->explanation, "Expected %s to be %s (%s): got %s.",
                dp_probe_id_tostr(p->probe), want, x->source,
                dp_verdict_tostr(p->verdict));
}

dp_status_t dp_expect_apply(struct dp_target_result *t,
                            const struct dp_expect *e)
{
  bool nomem = false;

  if (t == NULL || e == NULL || e->nrequire > DP_EXPECT_RULES_MAX ||
      e->nallow > DP_EXPECT_RULES_MAX)
    return DP_EINVAL;
  size_t n = t->nprobes < DP_PROBE_COUNT ? t->nprobes : DP_PROBE_COUNT;
  const struct profile *prof = profile_for(e->profile, t->role);

  for (size_t i = 0; i < n; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    struct expectation x;
    bool any_allow;

    if (!checkable(p))
      continue;
    expectation_for(p, t, e, prof, &x);
    if (rules_for(e->allow, e->nallow, p->probe, &any_allow) &
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
    else if (x.has && p->severity > DP_SEVERITY_OK)
    {
      /* What the expectation names is what the user wants: never a
       * warning. */
      p->severity = DP_SEVERITY_OK;
      if (!append(&p->explanation, "As %s expects, so reported as ok.",
                  x.source))
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
