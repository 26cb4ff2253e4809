/*
 * diagnose_priv.h: what the files of diagnose/ share and nobody else uses:
 * the judges of the probe families, which dp_diagnose_judge dispatches to
 * by probe id, and the facts several of them read.
 */
#ifndef DNSPROBE_DIAGNOSE_PRIV_H
#define DNSPROBE_DIAGNOSE_PRIV_H

#include "dnsprobe/diagnose.h"

/* A judge: the verdict for p on its own, given the target's earlier
 * results; what was wrong or disclosed goes to detail (cap bytes). */
typedef dp_verdict_t (*dp_diagnose_judge_fn)(const struct dp_probe_result *p,
                                             const struct dp_target_result *t,
                                             char *detail, size_t cap);

/* judge.c: the core battery. */
dp_verdict_t dp_diagnose_judge_zone(const struct dp_probe_result *p,
                                    const struct dp_target_result *t,
                                    char *detail, size_t cap);
dp_verdict_t dp_diagnose_judge_recursion(const struct dp_probe_result *p,
                                         const struct dp_target_result *t,
                                         char *detail, size_t cap);
dp_verdict_t dp_diagnose_judge_transfer(const struct dp_probe_result *p,
                                        const struct dp_target_result *t,
                                        char *detail, size_t cap);
dp_verdict_t dp_diagnose_judge_update(const struct dp_probe_result *p,
                                      const struct dp_target_result *t,
                                      char *detail, size_t cap);
dp_verdict_t dp_diagnose_judge_notify(const struct dp_probe_result *p,
                                      const struct dp_target_result *t,
                                      char *detail, size_t cap);
dp_verdict_t dp_diagnose_judge_opcode(const struct dp_probe_result *p,
                                      const struct dp_target_result *t,
                                      char *detail, size_t cap);

/* compliance.c: RFC 8906 section 8 (the EDNS compliance tests). */
dp_verdict_t dp_diagnose_judge_plain(const struct dp_probe_result *p,
                                     const struct dp_target_result *t,
                                     char *detail, size_t cap);
dp_verdict_t dp_diagnose_judge_edns(const struct dp_probe_result *p,
                                    const struct dp_target_result *t,
                                    char *detail, size_t cap);

/* identity.c: NSID, COOKIE and the CH TXT names: "answering" when the
 * server disclosed what was asked, "not-offered" when it answered without
 * it, "refused", "no-answer" or "unexpected". */
dp_verdict_t dp_diagnose_judge_identity(const struct dp_probe_result *p,
                                        const struct dp_target_result *t,
                                        char *detail, size_t cap);

/** Whether udp or tcp found the server authoritative for the zone. */
bool dp_diagnose_serves_zone(const struct dp_target_result *t);

/** The verdict of probe id of t (DP_VERDICT_NONE when t has none). */
dp_verdict_t dp_diagnose_verdict_of(const struct dp_target_result *t,
                                    dp_probe_id_t id);

#endif
