/*
 * zone.h: the zone-level verdict over a run whose targets are all the
 * servers of one zone (zone mode). diagnose/ fills a struct
 * dp_zone_summary from a finished run; the caller hands it to the report
 * (dp_report_write), which only reads it.
 */
#ifndef DNSPROBE_ZONE_H
#define DNSPROBE_ZONE_H

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
                             causes' own */
  dp_health_t status;
  struct dp_zone_dnssec dnssec; /* dp_diagnose_zone_dnssec */
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

#endif
