/*
 * ids.h: the identities every layer shares, below the engine: the probes of
 * the battery, the follow-up questions, the transports and the transport
 * outcomes. Each is an enum with a _COUNT; its stable name (part of the JSON
 * schema dnsprobe/1) comes only from its _tostr and is read back only by its
 * _fromstr, so code compares ids, never strings, and -Wswitch finds a case
 * a switch forgot.
 */
#ifndef DNSPROBE_IDS_H
#define DNSPROBE_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsprobe/status.h"

typedef enum
{
  DP_TRANSPORT_UDP = 0,
  DP_TRANSPORT_TCP,
  DP_TRANSPORT_COUNT
} dp_transport_t;

/* How an exchange ended, apart from what a reply said (never an RCODE). */
typedef enum
{
  DP_OUTCOME_ANSWER = 0,       /* at least one message with our ID came back */
  DP_OUTCOME_TIMEOUT,          /* nothing before the deadline */
  DP_OUTCOME_PORT_UNREACHABLE, /* ICMP port unreachable on UDP */
  DP_OUTCOME_CONN_REFUSED,     /* TCP connection refused (RST to SYN) */
  DP_OUTCOME_CONN_RESET,       /* TCP reset after connecting */
  DP_OUTCOME_CLOSED,           /* TCP closed without a (complete) reply */
  DP_OUTCOME_MALFORMED,        /* replies came, none could be read as DNS */
  DP_OUTCOME_HOST_UNREACHABLE, /* ICMP host/network unreachable */
  DP_OUTCOME_SKIPPED,          /* not sent (not selected, or a dependency) */
  DP_OUTCOME_LOCAL_ERROR,      /* dnsprobe could not send (socket, memory) */
  DP_OUTCOME_COUNT
} dp_outcome_t;

/*
 * The probes of the battery, in the order they are judged and reported: a
 * judge may read the verdicts of the probes before it (udp and tcp come
 * first). A target's results are indexed by these ids.
 */
typedef enum
{
  DP_PROBE_UDP = 0,
  DP_PROBE_TCP,
  DP_PROBE_RECURSION,
  DP_PROBE_AXFR,
  DP_PROBE_IXFR,
  DP_PROBE_UPDATE,
  DP_PROBE_NOTIFY,
  DP_PROBE_OPCODE,
  /* RFC 8906 section 8: the EDNS compliance tests */
  DP_PROBE_PLAIN,
  DP_PROBE_EDNS,
  DP_PROBE_EDNS1,
  DP_PROBE_EDNSOPT,
  DP_PROBE_EDNSFLAGS,
  DP_PROBE_ZFLAG,
  DP_PROBE_TYPE1000,
  DP_PROBE_DO,
  DP_PROBE_BUFSIZE512,
  /* identity: what the server discloses */
  DP_PROBE_NSID,
  DP_PROBE_COOKIE,
  DP_PROBE_VERSION,
  DP_PROBE_HOSTNAME,
  DP_PROBE_IDSERVER,
  /* DNSSEC of the zone as this server serves it: the DNSKEY and NSEC3PARAM
   * RRsets with their RRSIGs (the SOA's come from do) */
  DP_PROBE_DNSKEY,
  DP_PROBE_NSEC3PARAM,
  /* case preservation (RFC 1035 4.1.2, DNS 0x20): the zone's SOA in two
   * cases at once, each answer checked against its own question */
  DP_PROBE_CASE,
  DP_PROBE_COUNT
} dp_probe_id_t;

/* A set of probes, one bit per id. */
typedef uint64_t dp_probe_set_t;
_Static_assert(DP_PROBE_COUNT <= 64, "dp_probe_set_t holds every probe");

#define DP_PROBE_BIT(id) ((dp_probe_set_t)1 << (unsigned)(id))

struct dp_buf;
/**
 * Append the probes of set to b in probe order as people read a list:
 * "udp", "axfr and ixfr", "udp, tcp and recursion", and past `shown` of
 * them "udp, tcp, recursion and 18 more".
 */
void dp_probe_set_describe(struct dp_buf *b, dp_probe_set_t set, size_t shown);
#define DP_PROBE_ALL (DP_PROBE_BIT(DP_PROBE_COUNT) - 1u)

/* The second questions dnsprobe asks (or reads off another probe) when an
 * answer is ambiguous; a probe result lists them as follow-ups. */
typedef enum
{
  DP_FOLLOWUP_CD = 0,        /* the same query with checking disabled */
  DP_FOLLOWUP_TCP,           /* the same query over TCP (the tcp probe, or
                                a truncated reply asked again) */
  DP_FOLLOWUP_NOEDNS,        /* the same query without EDNS (plain) */
  DP_FOLLOWUP_BUFSIZE4096,   /* the same query with a 4096-byte buffer */
  DP_FOLLOWUP_SAME_QUESTION, /* another probe with the same question */
  DP_FOLLOWUP_RETRY,         /* the same query again, after a timeout */
  DP_FOLLOWUP_OTHER_CASE,    /* the case probe's twin: the name in the other
                                case, sent at the same moment */
  DP_FOLLOWUP_COUNT
} dp_followup_id_t;

/** Stable names: "udp", "tcp"; "unknown" out of range. */
const char *dp_transport_tostr(dp_transport_t t);
/** Stable names: "answer", "port-unreachable", ...; "unknown" out of range. */
const char *dp_outcome_tostr(dp_outcome_t outcome);
/** Stable names: "udp", "recursion", "bufsize512", ...; "unknown" out of
 * range. */
const char *dp_probe_id_tostr(dp_probe_id_t id);
/**
 * The probe named by the n bytes at text (a name of dp_probe_id_tostr; the
 * bytes need no NUL). Returns DP_OK, or DP_EINVAL (*id unchanged).
 */
dp_status_t dp_probe_id_fromstr(const char *text, size_t n, dp_probe_id_t *id);
/** Stable names: "cd", "tcp", "noedns", "bufsize4096", "same-question",
 * "retry", "other-case". */
const char *dp_followup_id_tostr(dp_followup_id_t id);

#endif
