/*
 * diagnose.h: from what came back to what it means. dp_diagnose_absorb
 * reads a reply into the run model; dp_diagnose_target then runs every
 * phase of the diagnosis of a target whose probes have ended: each probe's
 * judge (its verdict on its own, in probe order, so a judge may read the
 * verdicts before it), the server's role and software, each probe's
 * severity, finding, cause, explanation and fix in the context of all the
 * target's answers, the DNSSEC check of the zone, and the expectations
 * (--expect, --require, --allow).
 * The runner, the fuzzer and the tests all call these two, so what is
 * tested is what runs.
 */
#ifndef DNSPROBE_DIAGNOSE_H
#define DNSPROBE_DIAGNOSE_H

#include "dnsprobe/expect.h"
#include "dnsprobe/result.h"
#include "dnsprobe/wire.h"

/* What a reply stream held, for a transfer; one message otherwise. */
struct dp_diagnose_stream
{
  size_t messages;
  size_t records; /* answer records over all messages; 0: the first's */
  bool complete;  /* reached its closing SOA */
  bool limit_hit;
};

/**
 * Fill what a probe sent from the query its builder made; qi is
 * overwritten.
 */
void dp_diagnose_query_info(struct dp_query_info *qi,
                            const struct dp_wire_query *q);

/**
 * Read a reply into a probe result: parse it leniently and fill r->answer
 * (r->query must say what was asked). stream may be NULL (a single
 * message). Returns false, with r->outcome set to malformed, when not even
 * the header could be read. Does not judge: dp_diagnose_target does.
 */
bool dp_diagnose_absorb(struct dp_probe_result *r, const uint8_t *buf,
                        size_t len, const char *zone,
                        const struct dp_diagnose_stream *stream);

/**
 * The verdict of probe p on its own, given the target's probes judged
 * before it; what exactly was wrong (with the RFC section), or what an
 * identity probe disclosed, goes to detail (cap bytes, "" when nothing).
 * A probe that was not sent is "skipped".
 */
dp_verdict_t dp_diagnose_judge(const struct dp_probe_result *p,
                               const struct dp_target_result *t, char *detail,
                               size_t cap);

/**
 * Name the server software from the version strings and the behaviour the
 * answers show; sets t->software, software_version, software_evidence and
 * software_confidence. The judges must have run.
 */
void dp_diagnose_identify(struct dp_target_result *t);

/**
 * The one-line compliance summary of a target, in the manner of the EDNS
 * compliance tester: "plain=ok edns=ok edns1=fail ... opcode=ok" (ok,
 * fail, legacy, timeout, refused or unexpected), probes not run left out.
 */
void dp_diagnose_compliance_summary(const struct dp_target_result *t, char *out,
                                    size_t cap);

/** The role the verdicts show. */
dp_role_t dp_diagnose_role(const struct dp_target_result *t);

/**
 * The root cause a finding of the DNSSEC check (dnssec.h) is part of
 * ("dnssec-expired", ...), DP_CAUSE_NONE out of range.
 */
dp_cause_t dp_diagnose_dnssec_cause(dp_dnssec_finding_t f);

/**
 * Diagnose a target whose probes have ended: verdicts, software, role,
 * compliance summary; per probe severity, finding and cause; the root
 * causes (t->diagnosis) that group them; per probe summary, explanation and
 * fix; the expectations of expect (NULL: none, the built-in severities
 * stand); the root causes' severities, order and texts; the target's
 * status. Fixes show the identified software's configuration, or fix_for's
 * when it is not DP_SOFTWARE_UNKNOWN (--fix-for). Strings are allocated
 * and freed by dp_run_clear. May be called again on the same target (the
 * texts are rebuilt). Returns DP_OK, DP_EINVAL or DP_ENOMEM.
 */
dp_status_t dp_diagnose_target(struct dp_target_result *t,
                               const struct dp_expect *expect,
                               dp_software_t fix_for);

#endif
