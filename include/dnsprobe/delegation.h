/*
 * delegation.h: zone mode's look at a zone beyond its servers' batteries:
 * the delegation its parent hands out, and the NS set, SOA and in-zone
 * addresses its own servers answer (struct dp_zone_delegation in zone.h,
 * which dp_diagnose_zone_checks reads).
 *
 * Every query goes to the resolver zone mode was given, to the parent's
 * servers it names, or to the zone's servers discovery found; none asks
 * for recursion but those to the resolver, and none can change data.
 */
#ifndef DNSPROBE_DELEGATION_H
#define DNSPROBE_DELEGATION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dnsprobe/discover.h"
#include "dnsprobe/status.h"
#include "dnsprobe/zone.h"

/* Queries to one server that get no reply are sent this often in all. */
#define DP_DELEGATION_TRIES 2

/* What a reply absorbed into a dp_zone_delegation answers. */
typedef enum
{
  DP_DELEG_PARENT_NS = 0, /* a parent server: the zone's NS, RD=0 */
  DP_DELEG_CHILD_NS,      /* a server of the zone: its NS set */
  DP_DELEG_CHILD_SOA,     /* a server of the zone: its SOA */
  DP_DELEG_CHILD_A,       /* a server of the zone: A of an in-zone NS name */
  DP_DELEG_CHILD_AAAA,    /* the same, AAAA */
} dp_deleg_reply_t;

/**
 * Read one reply into d: for server (an index of d->parents or
 * d->children) and, for the address questions, name (an index of d->ns).
 * zone is canonical. A reply is read only through the bounded wire
 * readers and counts only when its question is the one asked; what it
 * shows is added to d (a referral and its glue, an NS set, an SOA,
 * addresses), what it does not is noted in the server's why. buf NULL
 * means no reply came (outcome says why). Returns DP_OK or DP_EINVAL (an
 * index out of range, NULL d or zone).
 */
dp_status_t dp_probe_delegation_absorb(struct dp_zone_delegation *d,
                                       const char *zone, dp_deleg_reply_t kind,
                                       size_t server, size_t name,
                                       const uint8_t *buf, size_t len,
                                       dp_outcome_t outcome);

/**
 * Gather d for zone, whose servers discovery found (found, nfound; missed
 * are its NS names without an address): each server's NS set and SOA,
 * RD=0; the parent zone (dp_probe_discover_parent) and its servers through
 * the resolver; the zone's NS from each of those, RD=0 (the referral and
 * its glue); the A and AAAA records of the in-zone NS names from the
 * zone's servers; and, through the resolver, the addresses of NS names
 * discovery did not look up. Queries to one kind of server go together;
 * one without a reply is sent DP_DELEGATION_TRIES times in all, and again
 * over TCP when truncated. family: AF_UNSPEC, AF_INET or AF_INET6 (which
 * addresses are asked and compared). d is zeroed first; d->checked says
 * whether a referral was read, d->why why not. Returns DP_OK (whatever
 * the servers answered), DP_EINVAL, DP_ENOMEM or the engine's statuses.
 */
dp_status_t dp_probe_delegation(const char *zone,
                                const struct sockaddr *resolver, socklen_t rlen,
                                int family, unsigned timeout_ms,
                                const struct dp_discovered *found,
                                size_t nfound,
                                const struct dp_discover_miss *missed,
                                size_t nmissed, struct dp_zone_delegation *d);

#endif
