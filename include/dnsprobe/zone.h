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
                             serials disagree: warning */
  dp_health_t status;
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

#endif
