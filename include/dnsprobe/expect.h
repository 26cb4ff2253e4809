/*
 * expect.h: expectations, for CI and monitoring. A profile says which
 * verdicts each probe of an authoritative server or of a resolver should
 * have; --require rules replace the profile's rule for one probe and
 * --allow rules declare verdicts of one probe acceptable. Applied to a
 * diagnosed target, a probe that misses its expectation becomes critical
 * (finding DP_FINDING_EXPECTATION_FAILED) and an allowed one becomes ok, each
 * with a sentence saying so; the target's status is recomputed.
 */
#ifndef DNSPROBE_EXPECT_H
#define DNSPROBE_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "dnsprobe/result.h"
#include "dnsprobe/status.h"

#define DP_EXPECT_RULES_MAX 32 /* --require rules, and --allow rules */

/* The bit of a verdict in dp_expect_rule.verdicts. */
#define DP_EXPECT_BIT(v) (1u << (unsigned)(v))

typedef enum
{
  DP_EXPECT_AUTO = 0,      /* the profile of t->role; none when unknown */
  DP_EXPECT_AUTHORITATIVE, /* serves the zone, refuses the rest */
  DP_EXPECT_RESOLVER,      /* recursion for this client, over TCP too */
} dp_expect_profile_t;

/* PROBE=VERDICT[|VERDICT...]: the verdicts named for one probe. */
struct dp_expect_rule
{
  dp_probe_id_t probe;
  unsigned verdicts; /* DP_EXPECT_BIT(v) per dp_verdict_t */
};

/* What a run expects; all zero is --expect auto with no rules. */
struct dp_expect
{
  dp_expect_profile_t profile;
  size_t nrequire, nallow;
  struct dp_expect_rule require[DP_EXPECT_RULES_MAX];
  struct dp_expect_rule allow[DP_EXPECT_RULES_MAX];
};

/**
 * Parse a profile name: "authoritative", "resolver" or "auto".
 * Returns DP_OK, or DP_EINVAL (p unchanged) for anything else or NULL.
 */
dp_status_t dp_expect_profile_fromstr(const char *s, dp_expect_profile_t *p);

/** Stable name of a profile ("auto", "authoritative", "resolver"). */
const char *dp_expect_profile_tostr(dp_expect_profile_t p);

/**
 * Parse "PROBE=VERDICT[|VERDICT...]" into r. PROBE is a probe id
 * (dp_probe_id_tostr); each VERDICT must be a name of dp_verdict_tostr
 * other than "none" and "skipped" (a skipped probe is never checked).
 * On error writes one printable line without the option's name to err
 * (e.g. "unknown verdict 'opened'", "unknown probe 'axfrr'"), when err is
 * not NULL. Returns DP_OK, or DP_EINVAL (r unspecified).
 */
dp_status_t dp_expect_rule_parse(const char *text, struct dp_expect_rule *r,
                                 char *err, size_t errcap);

/**
 * Write r as "probe=verdict|verdict" (verdicts in dp_verdict_t order).
 * Returns DP_OK, DP_EINVAL for NULL arguments, or DP_ESPACE when buf is too
 * small (buf then holds a truncated, terminated text).
 */
dp_status_t dp_expect_rule_write(const struct dp_expect_rule *r, char *buf,
                                 size_t cap);

/**
 * Apply e to a diagnosed target: the last phase of dp_diagnose_target,
 * which calls it once per diagnosis (its sentences are appended to the
 * texts that diagnosis made). Probes that
 * were skipped, have no verdict, could not be sent (local error) or have
 * no rule are left alone. The rule of a probe is the union of the
 * --require rules naming it, or else the profile's rule (for auto: the
 * authoritative profile when t->role includes authoritative, the resolver
 * profile when it is resolver, none when unknown).
 * - A verdict some --allow rule names makes the probe ok, whatever its
 *   rule or finding; when that changed anything, its summary and
 *   explanation say so (the finding key is kept).
 * - Otherwise a verdict outside the rule makes the probe critical with
 *   finding DP_FINDING_EXPECTATION_FAILED, and "Expected PROBE to be ...
 * (SOURCE): got VERDICT." is appended to its explanation (allocated if it was
 * NULL). Then t->status is recomputed as the worst health of the probes (a
 * local error is unknown), never lowered from unknown, and left as it is for a
 * target without probes. Strings stay owned by t (freed by dp_run_clear).
 * Returns DP_OK, DP_EINVAL for NULL arguments or rule counts above
 * DP_EXPECT_RULES_MAX (t unchanged), or DP_ENOMEM (severities and status
 * are still set; a sentence may be missing).
 */
dp_status_t dp_expect_apply(struct dp_target_result *t,
                            const struct dp_expect *e);

#endif
