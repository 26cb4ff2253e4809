/*
 * zone.h: the zone-level verdict over a run whose targets are all the
 * servers of one zone (zone mode). diagnose/ fills a struct
 * dp_zone_summary from a finished run (zone.c), probes/ adds what it
 * gathers of the zone's delegation, NS sets and SOAs (delegation.c), and
 * diagnose/ reads both into the zone's root causes (zonecheck.c); the
 * caller hands it to the report (dp_report_write), which only reads it.
 */
#ifndef DNSPROBE_ZONE_H
#define DNSPROBE_ZONE_H

#include "dnsprobe/knowledge.h"
#include "dnsprobe/result.h"
#include "dnsprobe/status.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DP_ZONE_SERVERS_MAX 32

/* What one server of the zone said to the zone's SOA (the udp probe, or
 * tcp when udp was not run). */
struct dp_zone_server
{
  char ns[DP_WIRE_NAME_STRLEN]; /* NS name: the target's given */
  char address[64];
  uint16_t port;
  bool answered;   /* a reply came back */
  bool has_serial; /* an SOA of the zone in the answer */
  uint32_t serial;
  bool authoritative; /* NOERROR, AA, SOA of the zone */
  bool lame;          /* answered, but not authoritatively */
  bool unresolved;    /* an NS name without an address: not probed */
  const char *reason; /* static key: "ok", "refused", "notauth",
                         "servfail", "rcode", "not-aa", "no-soa",
                         "no-answer", "not-probed", "unresolved" */
  char why[48];       /* unresolved: the lookup's RCODE or outcome */
};

/* Keys of one server, DS records and zone causes zone mode keeps. */
#define DP_ZONE_KEYS_MAX 8
#define DP_ZONE_DS_MAX 8
#define DP_ZONE_CAUSES_MAX 4

/* The DNSSEC of one server of the zone, as its own check found it. */
struct dp_zone_dnssec_server
{
  const char *state; /* static: "signed", "unsigned", "unknown"; NULL when
                        not checked (not authoritative, no DNSKEY reply) */
  int keyset;        /* its DNSKEY set among the servers' (0, 1, ...), -1
                        when not checked */
  size_t nkeys;      /* zone keys; the first DP_ZONE_KEYS_MAX below */
  struct
  {
    uint16_t key_tag;
    uint8_t algorithm;
    uint16_t flags;
  } keys[DP_ZONE_KEYS_MAX];
  bool ds_match; /* a DS of the parent matches a key that signs its DNSKEY
                    set (RFC 4035 5.2); only when the parent has DS */
};

/* One DS record of the parent. */
struct dp_zone_ds
{
  uint16_t key_tag;
  uint8_t algorithm;
  uint8_t digest_type;
  size_t matches; /* servers where it matches a key that signs the DNSKEY
                     set */
};

/* A root cause of the zone as a whole. */
struct dp_zone_cause
{
  dp_cause_t cause;
  dp_severity_t severity;
  const char *headline; /* static, the cause's title */
  char evidence[512];
  char fix[2048];
};

/* Zone mode's DNSSEC comparison: the servers' DNSKEY sets against each
 * other, and the parent's DS RRset against them. */
struct dp_zone_dnssec
{
  bool checked; /* a server serves the zone signed, or the parent has DS */
  size_t nsigned, nunsigned;
  size_t nkeysets;      /* distinct DNSKEY sets among the servers checked */
  const char *ds_state; /* static: "present", "none" or "unknown" */
  char ds_why[48];      /* unknown: what the DS query got */
  size_t nds;           /* at most DP_ZONE_DS_MAX kept */
  struct dp_zone_ds ds[DP_ZONE_DS_MAX];
  struct dp_zone_dnssec_server servers[DP_ZONE_SERVERS_MAX]; /* as servers */
  size_t ncauses;
  struct dp_zone_cause causes[DP_ZONE_CAUSES_MAX];
};

/* ---- the delegation, the NS set and the SOA ------------------------------
 * What zone mode gathers besides the battery (src/probes/delegation.c):
 * the parent zone's referral, asked of the parent's own servers without
 * recursion; the NS set, SOA and in-zone addresses each of the zone's
 * servers answers; and what the resolver says of each NS name. The checks
 * below read it; dp_diagnose_zone_checks turns it into root causes. */

#define DP_ZONE_NS_MAX 32      /* NS names, parent and zone together */
#define DP_ZONE_ADDRS_MAX 8    /* addresses kept per NS name and side */
#define DP_ZONE_PARENTS_MAX 16 /* addresses of the parent's servers */

/* An address of a name server. */
struct dp_zone_addr
{
  int family;        /* AF_INET or AF_INET6 */
  uint8_t bytes[16]; /* 4 or 16 of them */
  char text[48];     /* presentation form */
};

/* An SOA's fields (RFC 1035 3.3.13), names in presentation form. */
struct dp_zone_soa
{
  bool has;
  char mname[DP_WIRE_NAME_STRLEN];
  char rname[DP_WIRE_NAME_STRLEN];
  uint32_t serial, refresh, retry, expire, minimum;
};

/* One NS name of the zone, as the parent, the zone's servers and the
 * resolver see it. */
struct dp_zone_ns
{
  char name[DP_WIRE_NAME_STRLEN]; /* canonical, trailing dot */
  bool at_parent;                 /* in the parent's referral */
  unsigned at_child;              /* zone servers whose NS set lists it */
  bool in_zone;                   /* at or below the zone: needs glue */
  size_t nglue;                   /* the parent's glue for it */
  struct dp_zone_addr glue[DP_ZONE_ADDRS_MAX];
  bool child_asked; /* in_zone: the zone's servers were asked for it */
  size_t nchild;    /* the addresses the zone's servers answer for it */
  struct dp_zone_addr child[DP_ZONE_ADDRS_MAX];
  bool resolved; /* the resolver has an address for it */
  bool cname;    /* an alias, to the resolver or the zone's servers */
  char why[48];  /* !resolved: the lookup's RCODE or outcome */
};

/* What one server of the parent zone said to the zone's NS, RD=0. */
struct dp_zone_parent
{
  char ns[DP_WIRE_NAME_STRLEN];
  char address[48];
  bool answered;    /* a reply to the question asked */
  bool referral;    /* NS for the zone in authority, not authoritative */
  bool undelegated; /* authoritative: no such delegation (NXDOMAIN or no
                       NS for the zone) */
  char why[64];     /* otherwise what it answered, or its outcome */
};

/* What one server of the zone answered to its NS and SOA, RD=0. */
struct dp_zone_child
{
  char ns[DP_WIRE_NAME_STRLEN];
  char address[48];
  bool ns_answered;       /* NOERROR, AA and an NS set for the zone */
  uint32_t ns_set;        /* bit i: dp_zone_delegation.ns[i] is in it */
  struct dp_zone_soa soa; /* has: NOERROR, AA and the zone's SOA */
};

struct dp_zone_delegation
{
  bool gathered;                    /* zone mode gathered this */
  char parent[DP_WIRE_NAME_STRLEN]; /* the parent zone, "" when unknown */
  bool checked;                     /* a referral came from the parent */
  char why[160];                    /* !checked: why not */
  size_t nparents;
  struct dp_zone_parent parents[DP_ZONE_PARENTS_MAX];
  size_t nns;
  struct dp_zone_ns ns[DP_ZONE_NS_MAX];
  size_t nchildren;
  struct dp_zone_child children[DP_ZONE_SERVERS_MAX];
};

struct dp_zone_summary
{
  char name[DP_WIRE_NAME_STRLEN]; /* canonical zone name */
  char resolver[80];              /* the resolver asked, "" when none */
  size_t nservers;                /* at most DP_ZONE_SERVERS_MAX */
  struct dp_zone_server servers[DP_ZONE_SERVERS_MAX];
  size_t nserial;     /* servers that returned a serial */
  bool serials_agree; /* nserial > 0 and all equal */
  uint32_t serial;    /* the highest serial seen (RFC 1982) */
  size_t nlame;
  size_t nunanswered;
  size_t nunresolved;     /* NS names without an address */
  dp_severity_t severity; /* lame, silent or unresolved: critical;
                             serials disagree: warning; the DNSSEC
                             causes' own; and the worst of the zone's root
                             causes */
  dp_health_t status;
  struct dp_zone_dnssec dnssec; /* dp_diagnose_zone_dnssec */
  /* The delegation, NS set and SOA as gathered (zero when not), and the
   * zone's root causes that dp_diagnose_zone_checks reads from them, worst
   * first (owned: dp_diagnose_zone_clear frees them). */
  struct dp_zone_delegation delegation;
  size_t ndiagnosis;
  struct dp_root_cause *diagnosis;
};

/**
 * Summarise run for zone: per target (taken as one address of one NS name,
 * the name in t->given) its SOA serial, authority and lameness, whether the
 * serials agree, and a severity. A server is lame when it answers the
 * zone's SOA other than NOERROR + AA + the zone's SOA (RFC 1912 2.8,
 * RFC 8499 "lame delegation"); one that does not answer is counted apart.
 * @param resolver  shown in reports; may be NULL.
 * Returns DP_OK, DP_EINVAL (NULL run or z, bad zone name) or DP_ERANGE
 * (more targets than DP_ZONE_SERVERS_MAX: the first ones are summarised).
 */
dp_status_t dp_diagnose_zone(const struct dp_run *run, const char *zone,
                             const char *resolver, struct dp_zone_summary *z);

/**
 * The distinct serials z's servers answered with authority, in the order
 * first seen, into seen[] with how many servers answered each in count[]
 * (both of DP_ZONE_SERVERS_MAX entries). Returns how many.
 */
size_t dp_diagnose_zone_serial_counts(const struct dp_zone_summary *z,
                                      uint32_t *seen, size_t *count);

/**
 * Add to z, after dp_diagnose_zone, an NS name of the zone that has no
 * address (discovery could not resolve it), with why: a row of reason
 * "unresolved", and the zone critical (a server no resolver can reach is
 * as useless as a silent one). Returns DP_OK, DP_EINVAL or DP_ERANGE (z
 * is full).
 */
dp_status_t dp_diagnose_zone_unresolved(struct dp_zone_summary *z,
                                        const char *ns, const char *why);

/**
 * Add to z, after dp_diagnose_zone, the comparison of the DNSSEC of the
 * zone's servers (each target's dnskey reply and its DNSSEC summary) and
 * the parent's DS RRset in ds_reply (from the resolver; NULL when none
 * came, ds_why saying why): the key sets they serve, which DS match which
 * server's keys, and the root causes dnssec-keys-differ,
 * dnssec-ds-mismatch and dnssec-insecure, which count in z's severity. An
 * unsigned zone without DS is left unchecked. Fixes name software, the
 * servers' when they agree on it, else one line per product; fix_for
 * overrides it as --fix-for does.
 * Returns DP_OK, DP_EINVAL or DP_ENOMEM.
 */
dp_status_t dp_diagnose_zone_dnssec(const struct dp_run *run,
                                    const uint8_t *ds_reply, size_t ds_len,
                                    const char *ds_why, dp_software_t fix_for,
                                    struct dp_zone_summary *z);

/**
 * The zone's root causes (z->diagnosis, worst first) from the summary and
 * its delegation: no-delegation, ns-mismatch, glue-mismatch and
 * glue-missing (when the parent's referral was read), ns-unresolved,
 * ns-cname, ns-too-few, ns-one-network, serial-mismatch, soa-timers and
 * soa-names; then z->severity and z->status include them. Each has the
 * members of a target's root causes (no probes); fixes name fix_for's
 * configuration, or that of the software every server of the zone was
 * identified as (run may be NULL: unknown), else each common product's
 * setting. Call after dp_diagnose_zone and dp_diagnose_zone_unresolved;
 * calling it again replaces the causes. Returns DP_OK, DP_EINVAL or
 * DP_ENOMEM.
 */
dp_status_t dp_diagnose_zone_checks(struct dp_zone_summary *z,
                                    const struct dp_run *run,
                                    dp_software_t fix_for);

/** Free z's root causes. NULL is a no-op. */
void dp_diagnose_zone_clear(struct dp_zone_summary *z);

/* The names the checks compare, and what they found (the one in the other
 * set, by index). */
struct dp_zone_ns_diff
{
  size_t nonly_parent, nonly_child;
  size_t only_parent[DP_ZONE_NS_MAX]; /* indexes into parent[] */
  size_t only_child[DP_ZONE_NS_MAX];  /* indexes into child[] */
};

/**
 * Compare the NS names of the parent's referral with those of the zone
 * (RFC 1034 4.2.2: the same set), names compared with letters folded
 * (RFC 4343), duplicates counted once. At most DP_ZONE_NS_MAX of each
 * are read. Returns DP_OK or DP_EINVAL.
 */
dp_status_t dp_diagnose_zone_ns_diff(const char *const *parent, size_t np,
                                     const char *const *child, size_t nc,
                                     struct dp_zone_ns_diff *d);

/**
 * Whether at least two different addresses were given and all of them lie
 * in one network: every IPv4 address in one /24 and every IPv6 address in
 * one /48 (RFC 2182 3.1 asks for servers in different networks).
 */
bool dp_diagnose_zone_one_network(const struct dp_zone_addr *a, size_t n);

/**
 * An SOA's timers against the ranges dnsprobe checks (RFC 1912 2.2, RFC
 * 2308 5, RIPE-203): refresh 1200 to 86400, retry 300 or more and below
 * refresh, expire 604800 to 3600000 and above refresh plus retry, minimum
 * 300 to 86400 seconds. Returns DP_SEVERITY_WARNING when retry is not below
 * refresh or expire not above refresh plus retry (secondaries can drop the
 * zone in a short outage of the primary), DP_SEVERITY_INFO when a value is
 * only outside its range, DP_SEVERITY_OK otherwise; detail (cap bytes)
 * names each value out of place, "" when none.
 */
dp_severity_t dp_diagnose_zone_soa_timers(const struct dp_zone_soa *soa,
                                          char *detail, size_t cap);

/**
 * Whether name (presentation form, trailing dot) is a host name: two
 * labels or more, each of letters, digits and inner hyphens (RFC 952, RFC
 * 1123 2.1).
 */
bool dp_diagnose_zone_hostname_ok(const char *name);

/**
 * Whether name is a mailbox written as a domain name (RFC 1035 3.3.13,
 * 8): a first label, the local part, of any printable bytes but '@', then
 * a domain of one label or more, each of letters, digits and inner
 * hyphens.
 */
bool dp_diagnose_zone_mailbox_ok(const char *name);

/**
 * An SOA's MNAME and RNAME: DP_SEVERITY_WARNING when the MNAME is not a
 * host name (NOTIFY and dynamic updates go to it), DP_SEVERITY_INFO when
 * only the RNAME is not a mailbox, DP_SEVERITY_OK otherwise; detail names
 * each, "" when none.
 */
dp_severity_t dp_diagnose_zone_soa_names(const struct dp_zone_soa *soa,
                                         char *detail, size_t cap);

#endif
