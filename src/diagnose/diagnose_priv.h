/*
 * diagnose_priv.h: what the files of diagnose/ share and nobody else uses:
 * the judges of the probe families, which dp_diagnose_judge dispatches to
 * by probe id, and the facts several of them read.
 */
#ifndef DNSPROBE_DIAGNOSE_PRIV_H
#define DNSPROBE_DIAGNOSE_PRIV_H

#include "dnsprobe/buf.h"
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

/* dnssec_target.c: the DNSSEC probes and the DNSSEC check of the zone as
 * the target serves it. */
dp_verdict_t dp_diagnose_judge_dnssec(const struct dp_probe_result *p,
                                      const struct dp_target_result *t,
                                      char *detail, size_t cap);
/**
 * Run the DNSSEC check on a target whose probes are judged in context, when
 * it is authoritative for the zone and dnskey got a reply: t->dnssec (freed
 * and made again), and the DNSSEC probes' severity, finding, cause and
 * detail; says what each TCP retry of a truncated reply showed. Returns
 * DP_OK or DP_ENOMEM.
 */
dp_status_t dp_diagnose_dnssec(struct dp_target_result *t);
/** The root causes of t->dnssec's findings, each with its own severity and
 * the DNSSEC probes it is about. Returns DP_OK or DP_ENOMEM. */
dp_status_t dp_diagnose_dnssec_causes(struct dp_target_result *t);
/** The evidence of DNSSEC root cause r: its worst finding's sentence. */
void dp_diagnose_dnssec_evidence(struct dp_buf *b,
                                 const struct dp_target_result *t,
                                 const struct dp_root_cause *r);
/** Whether c is a root cause of the DNSSEC check of one target. */
bool dp_diagnose_is_dnssec_cause(dp_cause_t c);
/** A DNSSEC finding's severity as a probe's. */
dp_severity_t dp_diagnose_dnssec_severity(dp_dnssec_severity_t s);
/* case.c: case preservation (RFC 1035 4.1.2, DNS 0x20): "compliant" when
 * each reply carries its own question byte for byte, "non-compliant" when
 * one carries it in another case, "refused" (no question to compare),
 * "no-answer" or "unexpected". */
dp_verdict_t dp_diagnose_judge_case(const struct dp_probe_result *p,
                                    const struct dp_target_result *t,
                                    char *detail, size_t cap);

/** Whether udp or tcp found the server authoritative for the zone. */
bool dp_diagnose_serves_zone(const struct dp_target_result *t);
/* The probe whose answer carries authority for the zone (AA to the zone's
 * name: NOERROR, or a transfer, update or NOTIFY accepted): proof that the
 * zone is loaded here, whatever the SOA query got. NULL when none. */
const struct dp_probe_result *
dp_diagnose_zone_proof(const struct dp_target_result *t);

/** The verdict of probe id of t (DP_VERDICT_NONE when t has none). */
dp_verdict_t dp_diagnose_verdict_of(const struct dp_target_result *t,
                                    dp_probe_id_t id);

/* context.c: facts and words the phases share. */

/** A DNS reply came back to p (not only a transport outcome). */
bool dp_diagnose_replied(const struct dp_probe_result *p);
/** The identity probes (NSID, COOKIE and the CHAOS names). */
bool dp_diagnose_is_identity(dp_probe_id_t id);
/** The CHAOS TXT names (version, hostname, idserver). */
bool dp_diagnose_is_chaos(dp_probe_id_t id);
/** Whether an EDE with a code from lo to hi is in a. */
bool dp_diagnose_has_ede(const struct dp_answer_info *a, uint16_t lo,
                         uint16_t hi);
/** The cause an EDE names for a failed recursion, or DP_CAUSE_NONE. */
dp_cause_t dp_diagnose_ede_cause(const struct dp_answer_info *a);
/** p's follow-up id, or NULL. */
struct dp_followup *dp_diagnose_followup(struct dp_probe_result *p,
                                         dp_followup_id_t id);
/** A transport outcome in words ("no reply before the timeout"). */
const char *dp_diagnose_outcome_words(dp_outcome_t o);
/** An answer in words: "REFUSED aa ra, EDE 18 (Prohibited)". */
void dp_diagnose_describe_answer(struct dp_buf *b,
                                 const struct dp_answer_info *a);
/**
 * A fix: general, then the block of the software fix_for or t's (the
 * reader's zone in place of example.com), or with the software unknown one
 * line per common product (a resolver's when resolver) naming its setting.
 */
void dp_diagnose_compose_fix(struct dp_buf *b, const char *general,
                             const struct dp_knowledge_fix *fixes,
                             bool resolver, const struct dp_target_result *t,
                             dp_software_t fix_for);
/** Whether the fixes of finding f on t are a resolver's. */
bool dp_diagnose_resolver_fixes(const struct dp_target_result *t,
                                dp_finding_t f);

/* rootcause.c */

/** Group t's probes into root causes (t->diagnosis, claimed probes point
 * to theirs). Returns DP_OK or DP_ENOMEM. */
dp_status_t dp_diagnose_root_causes(struct dp_target_result *t);
/** After the expectations: severities, order and texts of the root causes.
 * Returns DP_OK or DP_ENOMEM. */
dp_status_t dp_diagnose_root_finish(struct dp_target_result *t,
                                    dp_software_t fix_for);

#endif
