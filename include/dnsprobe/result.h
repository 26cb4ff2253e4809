/*
 * result.h: the run model shared by probes, diagnose and report.
 *
 * probes/ fills in what was sent and what came back; diagnose/ adds the
 * verdict, severity, role, explanation and fix; report/ only reads it.
 * Strings in these structs are owned by the struct (freed by
 * dp_run_destroy) unless marked static.
 */
#ifndef DNSPROBE_RESULT_H
#define DNSPROBE_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsprobe/dnssec.h"
#include "dnsprobe/ids.h"
#include "dnsprobe/knowledge.h"
#include "dnsprobe/wire.h"

#define DP_RESULT_EDE_MAX 4
#define DP_RESULT_EDE_TEXT 256
#define DP_RESULT_OPTS_MAX 8

/* How much a probe's result matters. Ordered: a larger value is worse. */
typedef enum
{
  DP_SEVERITY_OK = 0,
  DP_SEVERITY_INFO,
  DP_SEVERITY_WARNING,
  DP_SEVERITY_CRITICAL,
} dp_severity_t;

/* A target's or run's status; its value is the exit code (Nagios). */
typedef enum
{
  DP_HEALTH_OK = 0,
  DP_HEALTH_WARNING = 1,
  DP_HEALTH_CRITICAL = 2,
  DP_HEALTH_UNKNOWN = 3,
} dp_health_t;

typedef enum
{
  DP_ROLE_UNKNOWN = 0,
  DP_ROLE_AUTHORITATIVE,
  DP_ROLE_RESOLVER,
  DP_ROLE_BOTH, /* "authoritative+resolver" */
} dp_role_t;

/* The verdict vocabulary; stable, later probes reuse these meanings. */
typedef enum
{
  DP_VERDICT_NONE = 0, /* not judged (skipped) */
  DP_VERDICT_AUTHORITATIVE,
  DP_VERDICT_ANSWERING,
  DP_VERDICT_REFUSED,
  DP_VERDICT_FAILING,
  DP_VERDICT_NO_ANSWER,
  DP_VERDICT_UNEXPECTED,
  DP_VERDICT_AVAILABLE,
  DP_VERDICT_NOT_OFFERED,
  DP_VERDICT_ALLOWED,
  DP_VERDICT_DENIED,
  DP_VERDICT_NOT_AUTHORITATIVE,
  DP_VERDICT_NOT_IMPLEMENTED,
  DP_VERDICT_ACCEPTED,
  DP_VERDICT_COMPLIANT,
  DP_VERDICT_NON_COMPLIANT,
  DP_VERDICT_LEGACY,
  DP_VERDICT_SKIPPED,
  /* the DNSSEC probes: the RRset asked for comes with an RRSIG, or not */
  DP_VERDICT_SIGNED,
  DP_VERDICT_UNSIGNED,
  DP_VERDICT_COUNT
} dp_verdict_t;

/** Stable names: "ok", "info", "warning", "critical". */
const char *dp_severity_tostr(dp_severity_t s);
/** Stable names: "ok", "warning", "critical", "unknown". */
const char *dp_health_tostr(dp_health_t h);
/** Stable names: "unknown", "authoritative", "resolver",
 * "authoritative+resolver". */
const char *dp_role_tostr(dp_role_t r);
/** Stable names: "authoritative", "not-offered", ... ("none" for NONE). */
const char *dp_verdict_tostr(dp_verdict_t v);
/** The health a severity maps to (ok and info are ok). */
dp_health_t dp_health_from_severity(dp_severity_t s);

/* What a probe sent. */
struct dp_query_info
{
  char qname[DP_WIRE_NAME_STRLEN];
  uint16_t qtype;
  uint16_t qclass;
  uint8_t opcode;
  uint16_t flags; /* header flag bits set (DP_FLAG_*) */
  bool edns;
  uint8_t edns_version;
  uint16_t udp_size;
  bool do_bit;
  uint16_t edns_flags;
  unsigned nopts;
  uint16_t opt_codes[DP_RESULT_OPTS_MAX];
  bool has_ixfr_serial;
  uint32_t ixfr_serial;
  uint16_t id;
};

struct dp_ede_info
{
  uint16_t code;
  char text[DP_RESULT_EDE_TEXT]; /* EXTRA-TEXT, escaped, may be "" */
};

/* What came back: a summary of the first reply plus stream totals. */
struct dp_answer_info
{
  uint16_t rcode; /* 12-bit */
  uint16_t flags; /* raw header flag word */
  uint8_t opcode;
  uint16_t qdcount, ancount, nscount, arcount;
  bool question_matches; /* question section equal to the query's */
  bool edns;
  unsigned edns_count; /* OPT records (more than one is an error) */
  uint8_t edns_version;
  uint16_t udp_size;
  bool do_bit;
  uint16_t edns_flags;
  unsigned nopt_codes;
  uint16_t opt_codes[DP_RESULT_OPTS_MAX];
  unsigned nede;
  struct dp_ede_info ede[DP_RESULT_EDE_MAX];
  bool has_soa; /* an SOA in the first message's answer */
  uint32_t soa_serial;
  bool soa_owner_is_zone;
  bool referral;   /* no answer, NS records in authority */
  unsigned asked;  /* answer records of the type asked for */
  unsigned rrsigs; /* RRSIGs in the answer section */
  size_t messages; /* messages in the reply stream */
  size_t records;  /* answer records over all messages */
  bool stream_complete;
  bool limit_hit;
  bool parse_complete; /* the first message parsed without a problem */
  size_t length;       /* bytes of the first message */
  char txt[256];       /* the first TXT answer, escaped, "" when none */
  char nsid[128];      /* NSID payload (RFC 5001), escaped, "" when none */
  bool nsid_present;
  uint8_t cookie_len; /* COOKIE option length (RFC 7873), 0 when none */
  char problem[96];   /* parser's first problem, "" when none */
  /* The question as the reply carries it, for the case probe (RFC 1035
   * 4.1.2: a response copies the question, letters in their case). */
  bool question_exact; /* one question: the query's, byte for byte */
  char qname[256];     /* its name as echoed, escaped, "" when none or when
                          it does not fit */
};

/* A follow-up: a second query that tells an ambiguous answer's cause (CD=1
 * after SERVFAIL), or another probe's result that answers the same question
 * (the plain probe is the retry without EDNS). */
struct dp_followup
{
  dp_followup_id_t id;
  struct dp_query_info query;
  dp_outcome_t outcome;
  double rtt_ms;
  bool has_answer;
  struct dp_answer_info answer;
  char shows[160]; /* what it showed, one sentence */
};

/* One probe's outcome and judgement. */
struct dp_probe_result
{
  dp_probe_id_t probe;
  const char *sent; /* static: what the probe sends, in words */
  dp_transport_t transport;
  struct dp_query_info query;
  dp_outcome_t outcome;
  int sys_errno;
  double rtt_ms; /* negative when no reply */
  bool has_answer;
  bool connected; /* TCP: the connection was established (accepted) */
  struct dp_answer_info answer;
  dp_verdict_t verdict;
  char detail[128]; /* what exactly was wrong, "" when nothing */
  dp_severity_t severity;
  dp_finding_t finding;          /* DP_FINDING_NONE when none */
  char *summary;                 /* one line: what came back, in words */
  char *explanation;             /* NULL when the probe is ok */
  char *fix;                     /* NULL when there is nothing to change */
  struct dp_followup *followups; /* owned, nfollowups of them */
  size_t nfollowups;
  dp_cause_t cause; /* DP_CAUSE_NONE when none */
  /* The reply's bytes, for the probes whose row keeps them (the DNSSEC
   * check reads them): the UDP reply, or the TCP one when it was truncated
   * and asked again. Owned; NULL when none. */
  uint8_t *reply;
  size_t reply_len;
  bool early; /* sent by its grace period, before every probe of its
                 row's `after` set had ended */
};

/* A root cause of a target: one problem of the server that explains one or
 * more of its probes. Strings are owned (freed with the probes). */
struct dp_root_cause
{
  dp_cause_t cause;
  dp_severity_t severity;
  dp_probe_set_t probes; /* the probes it accounts for */
  char *headline;        /* one line */
  char *evidence;        /* which probes, and what they got */
  char *explanation;
  char *fix;         /* NULL when there is nothing to change */
  bool own_severity; /* its severity comes from what it found (DNSSEC),
                        not from the severities of its probes */
};

/* Keys and algorithms a target's DNSSEC summary keeps; the check sees
 * more, and counts them. */
#define DP_TARGET_DNSSEC_KEYS 16
#define DP_TARGET_DNSSEC_ALGS 8

/* A finding of the DNSSEC check, as the diagnosis reads it. */
struct dp_target_dnssec_finding
{
  dp_dnssec_finding_t id;
  const char *key;  /* static: its stable key, "dnssec-expired" */
  dp_cause_t cause; /* the root cause it is part of */
  dp_severity_t severity;
  uint16_t covered;  /* the RRset's type, 0 when not about one */
  uint8_t algorithm; /* the algorithm, 0 when not about one */
  unsigned count;    /* occurrences; detail tells the worst */
  char detail[DP_DNSSEC_DETAIL_LEN];
};

/*
 * The DNSSEC of the zone as one target serves it: what dp_dnssec_check made
 * of the replies to dnskey, do (the SOA) and nsec3param. Made only for a
 * target authoritative for the zone; one allocation, findings at its end.
 */
struct dp_target_dnssec
{
  dp_dnssec_state_t state;
  int64_t now;          /* the clock the check ran with */
  int64_t warn_seconds; /* the thresholds it ran with */
  int64_t crit_seconds;
  bool has_expiry;             /* an RRSIG was seen */
  int64_t earliest_expiration; /* seconds since 1970 */
  int64_t earliest_remaining;  /* seconds; negative once expired */
  uint16_t earliest_covered;   /* the type of the RRset it covers */
  size_t nalgorithms;          /* in algorithms[], at most ..._ALGS */
  uint8_t algorithms[DP_TARGET_DNSSEC_ALGS];
  size_t nkeys_seen; /* zone keys in the DNSKEY answer */
  size_t nkeys;      /* in keys[], at most DP_TARGET_DNSSEC_KEYS */
  struct dp_dnssec_key keys[DP_TARGET_DNSSEC_KEYS];
  bool nsec3; /* an NSEC3PARAM at the apex */
  uint16_t nsec3_iterations;
  uint8_t nsec3_salt_len;
  uint8_t nsec3_salt[255];
  dp_severity_t severity;  /* the worst finding's */
  size_t findings_dropped; /* the check had more than it keeps */
  size_t nfindings;
  struct dp_target_dnssec_finding findings[]; /* nfindings of them */
};

struct dp_target_result
{
  char *given;      /* the TARGET as typed */
  char address[64]; /* numeric address, no brackets */
  uint16_t port;
  int family;                     /* AF_INET or AF_INET6 */
  char zone[DP_WIRE_NAME_STRLEN]; /* canonical, trailing dot */
  bool zone_given;                /* --zone was passed */
  char recursion_name[DP_WIRE_NAME_STRLEN];
  dp_role_t role;
  dp_software_t software;      /* DP_SOFTWARE_UNKNOWN unless the answers tell */
  char software_version[64];   /* as disclosed, "" when not */
  char software_evidence[256]; /* why dnsprobe thinks so, "" when unknown */
  unsigned software_confidence; /* 0-100 */
  dp_health_t status;
  double duration_ms;
  bool finished;        /* every probe ended and was judged */
  char compliance[256]; /* "plain=ok edns=ok ... opcode=ok", "" if none */
  /* One result per probe, indexed by dp_probe_id_t (nprobes is
   * DP_PROBE_COUNT), or none (nprobes 0): allocated when the target starts
   * (dp_target_probes_create), so a target waiting in a fleet or already
   * streamed out costs a few KiB, not its whole battery. */
  size_t nprobes;
  struct dp_probe_result *probes;
  /* The diagnosis: root causes, most severe first (owned, with the
   * probes). */
  size_t ndiagnosis;
  struct dp_root_cause *diagnosis;
  /* The DNSSEC check: its clock (seconds since 1970; 0: the clock when it
   * runs) and thresholds (seconds; both 0: the defaults of dnssec.h), set
   * before diagnosis; its summary, owned, NULL when the zone was not
   * checked here (not authoritative for it, or dnskey not run). */
  int64_t dnssec_now;
  int64_t dnssec_warn, dnssec_crit;
  struct dp_target_dnssec *dnssec;
};

struct dp_run
{
  char started_at[40]; /* RFC 3339, UTC */
  double duration_ms;
  dp_health_t status; /* worst target status */
  size_t ntargets;
  struct dp_target_result *targets;
};

/** Free one target's strings and zero it. NULL is a no-op. */
void dp_target_clear(struct dp_target_result *t);

/**
 * Give t one result per probe of the battery, indexed by dp_probe_id_t: each
 * with its id, outcome skipped and no round trip, the rest zero; t has none
 * yet. Returns DP_OK, DP_EINVAL or DP_ENOMEM.
 */
dp_status_t dp_target_probes_create(struct dp_target_result *t);

/**
 * Free t's probe results and its diagnosis (and their strings), keeping
 * what describes the target as a whole (address, status, role,
 * software...). For a target already written out by a streaming report.
 * NULL is a no-op.
 */
void dp_target_probes_destroy(struct dp_target_result *t);

/** Free a run's targets and strings (not the struct itself). NULL is a no-op.
 */
void dp_run_clear(struct dp_run *run);

/**
 * Append a zeroed follow-up to p; *out points to it (owned by p, valid until
 * the next append). Returns DP_OK, DP_EINVAL or DP_ENOMEM.
 */
dp_status_t dp_probe_followup_add(struct dp_probe_result *p,
                                  struct dp_followup **out);

/**
 * Append a zeroed root cause to t's diagnosis; *out points to it (owned by
 * t, valid until the next append). Returns DP_OK, DP_EINVAL or DP_ENOMEM.
 */
dp_status_t dp_target_cause_add(struct dp_target_result *t,
                                struct dp_root_cause **out);

/**
 * Keep a copy of the len bytes of a reply at buf as p's reply (replacing
 * the one kept before). Returns DP_OK, DP_EINVAL or DP_ENOMEM (p keeps
 * none).
 */
dp_status_t dp_probe_result_keep_reply(struct dp_probe_result *p,
                                       const uint8_t *buf, size_t len);

/** Free t's diagnosis. NULL is a no-op. */
void dp_target_causes_clear(struct dp_target_result *t);

/** A target's result for probe id, or NULL when it has none. */
const struct dp_probe_result *dp_target_probe(const struct dp_target_result *t,
                                              dp_probe_id_t id);

#endif
