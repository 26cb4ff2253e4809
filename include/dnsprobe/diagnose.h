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

/** A judge: the verdict for p, given the target's earlier results. */
typedef dp_verdict_t (*dp_diagnose_judge_fn)(const struct dp_probe_result *p,
                                             const struct dp_target_result *t);

/* The core battery's judges (see the verdict table). */
dp_verdict_t dp_diagnose_judge_zone(const struct dp_probe_result *p,
                                    const struct dp_target_result *t);
dp_verdict_t dp_diagnose_judge_recursion(const struct dp_probe_result *p,
                                         const struct dp_target_result *t);
dp_verdict_t dp_diagnose_judge_transfer(const struct dp_probe_result *p,
                                        const struct dp_target_result *t);
dp_verdict_t dp_diagnose_judge_update(const struct dp_probe_result *p,
                                      const struct dp_target_result *t);
dp_verdict_t dp_diagnose_judge_notify(const struct dp_probe_result *p,
                                      const struct dp_target_result *t);
dp_verdict_t dp_diagnose_judge_opcode(const struct dp_probe_result *p,
                                      const struct dp_target_result *t);

/** The role the verdicts show. */
dp_role_t dp_diagnose_role(const struct dp_target_result *t);

/**
 * Phases 2 and 3: role, then per probe severity, finding key, summary,
 * explanation and fix (allocated, freed by dp_run_clear), then the
 * target's status. Returns DP_OK or DP_ENOMEM.
 */
dp_status_t dp_diagnose_target(struct dp_target_result *t);

#endif
