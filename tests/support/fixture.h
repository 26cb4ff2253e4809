/*
 * fixture.h: the unit tests' one way to build runs by hand, as the runner
 * leaves them, and assertions that print names instead of numbers.
 *
 * A target has a result per probe of the battery (indexed by probe id),
 * each "skipped" until fx_probe sends it: then it carries the query its
 * row of the probe table builds, and no answer (a timeout) until fx_answer
 * or fx_outcome says what came back. fx_diagnose runs the one diagnosis
 * call production runs. Everything is freed by dp_run_clear.
 */
#ifndef DNSPROBE_TEST_FIXTURE_H
#define DNSPROBE_TEST_FIXTURE_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "dnsprobe/diagnose.h"
#include "dnsprobe/probes.h"

#define FX_ZONE "example.test."
#define FX_RECURSION_NAME "www.example.net."
#define FX_SERIAL 2024010101u
/* The case probe's pattern of cases in every fixture. */
#define FX_CASE_SEED UINT64_C(0x0123456789abcdef)

/** Zero run and give it a fixed start time and duration. */
void fx_run_init(struct dp_run *run);

/**
 * Append a target to run: given as typed, a numeric address (IPv6 when it
 * holds ':'), a port, and a zone (NULL: the root, as without --zone).
 * Its probes are all skipped; recursion name FX_RECURSION_NAME.
 */
struct dp_target_result *fx_target(struct dp_run *run, const char *given,
                                   const char *address, uint16_t port,
                                   const char *zone);

/**
 * Send probe id of t: its query as the probe table builds it for t (the
 * zone's serial FX_SERIAL known), no reply yet (outcome timeout).
 */
struct dp_probe_result *fx_probe(struct dp_target_result *t, dp_probe_id_t id);

/**
 * Probe id of t (which has a twin: the case probe) sent its twin too: the
 * twin's follow-up with the query the table builds; answered (NOERROR, AA,
 * the zone's SOA, its own question echoed byte for byte) or timed out.
 */
struct dp_followup *fx_twin(struct dp_target_result *t, dp_probe_id_t id,
                            bool answered);

/** Send every probe of t. */
void fx_probe_all(struct dp_target_result *t);

/**
 * A reply came back to p: rcode (12-bit: above 15 the OPT carries the
 * rest), header flags (QR is added), the query's opcode and question
 * echoed, an OPT of version 0 when the query had EDNS or the rcode needs
 * one, nothing in the sections; round trip 0.5 ms.
 */
void fx_answer(struct dp_probe_result *p, uint16_t rcode, uint16_t flags);

/** The answer section holds the zone's SOA with serial. */
void fx_soa(struct dp_probe_result *p, uint32_t serial);

/** The reply carries Extended DNS Error code with text (NULL: none). */
void fx_ede(struct dp_probe_result *p, uint16_t code, const char *text);

/**
 * The len bytes at buf came back to probe id of t: read as the runner
 * reads a reply (round trip 0.5 ms), and kept when the probe's row keeps
 * its reply (the DNSSEC check reads those).
 */
void fx_reply(struct dp_target_result *t, dp_probe_id_t id, const uint8_t *buf,
              size_t len);

/** Nothing readable came back: a transport outcome (timeout, ...). */
void fx_outcome(struct dp_probe_result *p, dp_outcome_t outcome);

/**
 * Judge p by hand, for tests of the layers after diagnosis: verdict,
 * severity, finding and the texts (copied; NULL for none).
 */
void fx_judged(struct dp_probe_result *p, dp_verdict_t verdict,
               dp_severity_t severity, dp_finding_t finding,
               const char *summary, const char *explanation, const char *fix);

/**
 * A root cause of t, by hand, for tests of the layers after diagnosis: it
 * accounts for the probes in `probes` (which then point to it); the texts
 * are copied (NULL for none).
 */
struct dp_root_cause *fx_cause(struct dp_target_result *t, dp_cause_t cause,
                               dp_severity_t severity, dp_probe_set_t probes,
                               const char *headline, const char *evidence,
                               const char *explanation, const char *fix);

/** dp_diagnose_target(t, expect), asserting it succeeded. */
void fx_diagnose(struct dp_target_result *t, const struct dp_expect *expect);

/* Assertions that name the case and print names, not numbers. */
#define CK_NAMED_EQ(tostr, got, want, what, name)                              \
  ck_assert_msg((got) == (want), "%s: %s %s, want %s", (name), (what),         \
                tostr(got), tostr(want))
#define CK_VERDICT_EQ(got, want, name)                                         \
  CK_NAMED_EQ(dp_verdict_tostr, got, want, "verdict", name)
#define CK_SEVERITY_EQ(got, want, name)                                        \
  CK_NAMED_EQ(dp_severity_tostr, got, want, "severity", name)
#define CK_FINDING_EQ(got, want, name)                                         \
  CK_NAMED_EQ(dp_finding_tostr, got, want, "finding", name)
#define CK_CAUSE_EQ(got, want, name)                                           \
  CK_NAMED_EQ(dp_cause_tostr, got, want, "cause", name)
#define CK_HEALTH_EQ(got, want, name)                                          \
  CK_NAMED_EQ(dp_health_tostr, got, want, "status", name)
#define CK_ROLE_EQ(got, want, name)                                            \
  CK_NAMED_EQ(dp_role_tostr, got, want, "role", name)
#define CK_OUTCOME_EQ(got, want, name)                                         \
  CK_NAMED_EQ(dp_outcome_tostr, got, want, "outcome", name)

#endif
