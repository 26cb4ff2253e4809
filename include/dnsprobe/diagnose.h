/*
 * diagnose.h: verdicts. A probe's judge turns what came back into a verdict
 * (phase 1, in probe-table order, so a judge may read the verdicts of the
 * probes before it); dp_diagnose_target then infers the server's role and
 * gives every probe its severity, finding, explanation and fix in the
 * context of all the target's answers (phases 2 and 3).
 */
#ifndef DNSPROBE_DIAGNOSE_H
#define DNSPROBE_DIAGNOSE_H

#include "dnsprobe/result.h"

/**
 * A judge: the verdict for p, given the target's earlier results. A judge
 * may write p->detail (what exactly was wrong, with the RFC section); it
 * changes nothing else.
 */
typedef dp_verdict_t (*dp_diagnose_judge_fn)(struct dp_probe_result *p,
                                             const struct dp_target_result *t);

/* The core battery's judges (see the verdict table). */
dp_verdict_t dp_diagnose_judge_zone(struct dp_probe_result *p,
                                    const struct dp_target_result *t);
dp_verdict_t dp_diagnose_judge_recursion(struct dp_probe_result *p,
                                         const struct dp_target_result *t);
dp_verdict_t dp_diagnose_judge_transfer(struct dp_probe_result *p,
                                        const struct dp_target_result *t);
dp_verdict_t dp_diagnose_judge_update(struct dp_probe_result *p,
                                      const struct dp_target_result *t);
dp_verdict_t dp_diagnose_judge_notify(struct dp_probe_result *p,
                                      const struct dp_target_result *t);
dp_verdict_t dp_diagnose_judge_opcode(struct dp_probe_result *p,
                                      const struct dp_target_result *t);

/* RFC 8906 section 8 compliance judges (the ednscomp tests). */
dp_verdict_t dp_diagnose_judge_plain(struct dp_probe_result *p,
                                     const struct dp_target_result *t);
dp_verdict_t dp_diagnose_judge_edns(struct dp_probe_result *p,
                                    const struct dp_target_result *t);

/* Identity probes (NSID, COOKIE, CH TXT names): "answering" when the server
 * disclosed what was asked, "not-offered" when it answered without it,
 * "refused", "no-answer" or "unexpected". */
dp_verdict_t dp_diagnose_judge_identity(struct dp_probe_result *p,
                                        const struct dp_target_result *t);

/**
 * Name the server software from the version strings and the behaviour the
 * answers show; sets t->software, software_version, software_evidence and
 * software_confidence. dp_diagnose_target calls it (its fixes use the
 * software); the judges must have run.
 */
void dp_diagnose_identify(struct dp_target_result *t);

/**
 * The one-line compliance summary of a target, in the manner of the EDNS
 * compliance tester: "plain=ok edns=ok edns1=fail ... opcode=ok" (ok,
 * fail, legacy, timeout, or unexpected), probes not run left out.
 */
void dp_diagnose_compliance_summary(const struct dp_target_result *t,
                                    char *out, size_t cap);

/** The role the verdicts show. */
dp_role_t dp_diagnose_role(const struct dp_target_result *t);

/**
 * Phases 2 and 3: role, then per probe severity, finding key, summary,
 * explanation and fix (allocated, freed by dp_run_clear), then the
 * target's status. Returns DP_OK or DP_ENOMEM.
 */
dp_status_t dp_diagnose_target(struct dp_target_result *t);

#endif
