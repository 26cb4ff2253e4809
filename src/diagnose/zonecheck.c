/*
 * zonecheck.c: the zone's own root causes in zone mode, read from the
 * summary of its servers (zone.c) and the delegation, NS sets and SOAs
 * that zone mode gathered (src/probes/delegation.c).
 *
 * The checks, each a root cause with the members of a target's:
 * - the parent's referral against the zone: no delegation at all
 *   (critical), NS sets that differ (RFC 1034 4.2.2, warning), glue whose
 *   addresses are not the zone's (critical when a glue address is not one
 *   of the zone's, a warning when glue lacks some), an in-zone name
 *   without glue (RFC 1034 4.2.1, critical);
 * - the NS names: without an address (critical, as an unresolved server
 *   always was in zone mode), aliases (RFC 2181 10.3, warning), fewer
 *   than two servers or two names on one address (RFC 1034 4.1, RFC 2182
 *   5, warning), every address in one /24 and /48 (RFC 2182 3.1,
 *   warning);
 * - the servers' serials disagree (warning, as before);
 * - the SOA: timers out of the ranges of RFC 1912 2.2, RFC 2308 5 and
 *   RIPE-203 (info; a warning when secondaries could drop the zone), an
 *   MNAME that is not a host name (warning) or an RNAME that is not a
 *   mailbox (info).
 *
 * Invariants: counts are clamped to the arrays they index; only the
 * summary and the run are read; strings of the causes are owned by the
 * summary (dp_diagnose_zone_clear).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "diagnose_priv.h"
#include "dnsprobe/buf.h"
#include "dnsprobe/zone.h"

/* The ranges (seconds) of the SOA timers, README "Zone mode". */
#define REFRESH_MIN 1200u   /* RFC 1912 2.2: 20 minutes */
#define REFRESH_MAX 86400u  /* RIPE-203: one day */
#define RETRY_MIN 300u      /* below it a secondary hammers its primary */
#define EXPIRE_MIN 604800u  /* one week (RFC 1912 2.2 suggests 2-4) */
#define EXPIRE_MAX 3600000u /* RIPE-203: 1000 hours */
#define MINIMUM_MIN 300u    /* RFC 2308 5: the negative TTL */
#define MINIMUM_MAX 86400u  /* RFC 2308 5: over a day is a problem */

/* ---- the checks, one at a time ------------------------------------------ */

static bool same_name(const char *a, const char *b)
{
  return strcasecmp(a, b) == 0;
}

dp_status_t dp_diagnose_zone_ns_diff(const char *const *parent, size_t np,
                                     const char *const *child, size_t nc,
                                     struct dp_zone_ns_diff *d)
{
  if (d == NULL || (np > 0 && parent == NULL) || (nc > 0 && child == NULL))
    return DP_EINVAL;
  memset(d, 0, sizeof(*d));
  np = np < DP_ZONE_NS_MAX ? np : DP_ZONE_NS_MAX;
  nc = nc < DP_ZONE_NS_MAX ? nc : DP_ZONE_NS_MAX;
  for (size_t i = 0; i < np; i++)
  {
    bool found = false, dup = false;
    for (size_t k = 0; k < i && !dup; k++)
      dup = same_name(parent[k], parent[i]);
    for (size_t j = 0; j < nc && !found; j++)
      found = same_name(parent[i], child[j]);
    if (!found && !dup)
      d->only_parent[d->nonly_parent++] = i;
  }
  for (size_t j = 0; j < nc; j++)
  {
    bool found = false, dup = false;
    for (size_t k = 0; k < j && !dup; k++)
      dup = same_name(child[k], child[j]);
    for (size_t i = 0; i < np && !found; i++)
      found = same_name(parent[i], child[j]);
    if (!found && !dup)
      d->only_child[d->nonly_child++] = j;
  }
  return DP_OK;
}

static bool same_addr(const struct dp_zone_addr *a,
                      const struct dp_zone_addr *b)
{
  size_t n = a->family == AF_INET6 ? 16 : 4;
  return a->family == b->family && memcmp(a->bytes, b->bytes, n) == 0;
}

bool dp_diagnose_zone_one_network(const struct dp_zone_addr *a, size_t n)
{
  const struct dp_zone_addr *v4 = NULL, *v6 = NULL;
  bool two = false;

  if (a == NULL)
    return false;
  for (size_t i = 0; i < n; i++)
  {
    if (a[i].family != AF_INET && a[i].family != AF_INET6)
      continue;
    for (size_t k = 0; k < i && !two; k++)
      two = (a[k].family == AF_INET || a[k].family == AF_INET6) &&
            !same_addr(&a[k], &a[i]);
    /* the network of the first address of each family */
    const struct dp_zone_addr **first = a[i].family == AF_INET ? &v4 : &v6;
    size_t prefix = a[i].family == AF_INET ? 3 : 6; /* /24, /48 */
    if (*first == NULL)
      *first = &a[i];
    else if (memcmp((*first)->bytes, a[i].bytes, prefix) != 0)
      return false;
  }
  return two;
}

/* Append a clause to detail ("; " between clauses). */
static void clause(char *detail, size_t cap, const char *fmt, unsigned long a,
                   unsigned long b)
{
  size_t used = strlen(detail);
  if (used + 3 >= cap)
    return;
  if (used > 0)
  {
    memcpy(detail + used, "; ", 3);
    used += 2;
  }
  snprintf(detail + used, cap - used, fmt, a, b);
}

dp_severity_t dp_diagnose_zone_soa_timers(const struct dp_zone_soa *soa,
                                          char *detail, size_t cap)
{
  dp_severity_t sev = DP_SEVERITY_OK;
  char scratch[8];

  if (detail == NULL || cap == 0)
  {
    detail = scratch;
    cap = sizeof(scratch);
  }
  detail[0] = '\0';
  if (soa == NULL || !soa->has)
    return DP_SEVERITY_OK;
  /* the relations first: these let secondaries drop the zone */
  if (soa->retry >= soa->refresh)
  {
    clause(detail, cap, "retry %lu s not below refresh %lu s", soa->retry,
           soa->refresh);
    sev = DP_SEVERITY_WARNING;
  }
  uint64_t both = (uint64_t)soa->refresh + soa->retry;
  if (soa->expire <= both)
  {
    clause(detail, cap, "expire %lu s not above refresh plus retry (%lu s)",
           soa->expire, (unsigned long)both);
    sev = DP_SEVERITY_WARNING;
  }
  dp_severity_t out = sev == DP_SEVERITY_OK ? DP_SEVERITY_INFO : sev;
  bool any = false;
  if (soa->refresh < REFRESH_MIN || soa->refresh > REFRESH_MAX)
  {
    clause(detail, cap,
           soa->refresh < REFRESH_MIN ? "refresh %lu s below %lu"
                                      : "refresh %lu s above %lu",
           soa->refresh,
           soa->refresh < REFRESH_MIN ? REFRESH_MIN : REFRESH_MAX);
    any = true;
  }
  if (soa->retry < RETRY_MIN)
  {
    clause(detail, cap, "retry %lu s below %lu", soa->retry, RETRY_MIN);
    any = true;
  }
  if (soa->expire < EXPIRE_MIN || soa->expire > EXPIRE_MAX)
  {
    clause(detail, cap,
           soa->expire < EXPIRE_MIN ? "expire %lu s below %lu"
                                    : "expire %lu s above %lu",
           soa->expire, soa->expire < EXPIRE_MIN ? EXPIRE_MIN : EXPIRE_MAX);
    any = true;
  }
  if (soa->minimum < MINIMUM_MIN || soa->minimum > MINIMUM_MAX)
  {
    clause(
        detail, cap,
        soa->minimum < MINIMUM_MIN ? "negative TTL (minimum) %lu s below %lu"
                                   : "negative TTL (minimum) %lu s above %lu",
        soa->minimum, soa->minimum < MINIMUM_MIN ? MINIMUM_MIN : MINIMUM_MAX);
    any = true;
  }
  return any || sev != DP_SEVERITY_OK ? out : DP_SEVERITY_OK;
}

static bool ldh(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-';
}

/* Whether the labels of s, from its start to the end (a trailing dot, the
 * root), are host name labels (RFC 952, RFC 1123 2.1); *labels counts
 * them. An escape is never part of a host name. */
static bool host_labels(const char *s, size_t *labels)
{
  size_t len = 0;
  *labels = 0;
  for (const char *p = s;; p++)
  {
    if (*p == '.' || *p == '\0')
    {
      /* the end (after a trailing dot, or of an empty name), or an empty
       * label */
      if (len == 0)
        return *p == '\0';
      if (p[-1] == '-' || p[-(long)len] == '-' || len > 63)
        return false;
      (*labels)++;
      len = 0;
      if (*p == '\0')
        return true;
      continue;
    }
    if (!ldh(*p))
      return false;
    len++;
  }
}

bool dp_diagnose_zone_hostname_ok(const char *name)
{
  size_t labels = 0;
  return name != NULL && host_labels(name, &labels) && labels >= 2;
}

bool dp_diagnose_zone_mailbox_ok(const char *name)
{
  const char *p = name;
  size_t local = 0, labels = 0;

  if (name == NULL)
    return false;
  /* the local part: up to the first dot that is not escaped */
  for (; *p != '\0' && *p != '.'; p++, local++)
  {
    if (*p == '@')
      return false;
    if (*p == '\\' && p[1] != '\0')
      p++;
  }
  if (local == 0 || *p != '.' || p[1] == '\0')
    return false;
  return host_labels(p + 1, &labels) && labels >= 1;
}

dp_severity_t dp_diagnose_zone_soa_names(const struct dp_zone_soa *soa,
                                         char *detail, size_t cap)
{
  dp_severity_t sev = DP_SEVERITY_OK;
  char scratch[8];

  if (detail == NULL || cap == 0)
  {
    detail = scratch;
    cap = sizeof(scratch);
  }
  detail[0] = '\0';
  if (soa == NULL || !soa->has)
    return DP_SEVERITY_OK;
  if (!dp_diagnose_zone_hostname_ok(soa->mname))
  {
    snprintf(detail, cap, "MNAME %.200s is not a host name", soa->mname);
    sev = DP_SEVERITY_WARNING;
  }
  if (!dp_diagnose_zone_mailbox_ok(soa->rname))
  {
    size_t used = strlen(detail);
    snprintf(detail + used, cap - used, "%sRNAME %.200s is not a mailbox",
             used > 0 ? "; " : "", soa->rname);
    if (sev == DP_SEVERITY_OK)
      sev = DP_SEVERITY_INFO;
  }
  return sev;
}

/* ---- the zone's root causes --------------------------------------------- */

struct building
{
  struct dp_zone_summary *z;
  bool nomem;
};

static struct dp_root_cause *cause_add(struct building *b, dp_cause_t c,
                                       dp_severity_t sev, struct dp_buf *ev)
{
  struct dp_zone_summary *z = b->z;
  struct dp_root_cause *grown =
      realloc(z->diagnosis, (z->ndiagnosis + 1) * sizeof(*z->diagnosis));
  if (grown == NULL || dp_buf_failed(ev))
  {
    if (grown != NULL)
      z->diagnosis = grown;
    b->nomem = true;
    dp_buf_free(ev);
    return NULL;
  }
  z->diagnosis = grown;
  struct dp_root_cause *r = &z->diagnosis[z->ndiagnosis++];
  memset(r, 0, sizeof(*r));
  r->cause = c;
  r->severity = sev;
  r->evidence = dp_buf_take(ev);
  return r;
}

/* "ns1.example.com. (192.0.2.1)": a server of the zone. */
static void server_words(struct dp_buf *b, const char *ns, const char *address)
{
  dp_buf_addf(b, "%.300s", ns);
  if (address != NULL && address[0] != '\0')
    dp_buf_addf(b, " (%.46s)", address);
}

static size_t clamp(size_t n, size_t max)
{
  return n < max ? n : max;
}

static void unresolved(struct building *b)
{
  const struct dp_zone_summary *z = b->z;
  const struct dp_zone_delegation *d = &z->delegation;
  struct dp_buf ev = {0};
  size_t n = 0;

  for (size_t i = 0; i < clamp(z->nservers, DP_ZONE_SERVERS_MAX); i++)
    if (z->servers[i].unresolved)
      dp_buf_addf(&ev, "%s%.300s: no address (%.48s)", n++ ? "; " : "",
                  z->servers[i].ns, z->servers[i].why);
  /* names the resolver's NS set did not give (the parent's), looked up */
  for (size_t i = 0; i < clamp(d->nns, DP_ZONE_NS_MAX); i++)
  {
    const struct dp_zone_ns *ns = &d->ns[i];
    bool listed = false;
    for (size_t k = 0; k < clamp(z->nservers, DP_ZONE_SERVERS_MAX); k++)
      listed |= same_name(z->servers[k].ns, ns->name);
    if (!ns->resolved && !listed && ns->why[0] != '\0')
      dp_buf_addf(&ev, "%s%.300s: no address (%.48s)", n++ ? "; " : "",
                  ns->name, ns->why);
  }
  if (n > 0)
  {
    dp_buf_adds(&ev, ".");
    cause_add(b, DP_CAUSE_NS_UNRESOLVED, DP_SEVERITY_CRITICAL, &ev);
  }
  else
    dp_buf_free(&ev);
}

static void aliases(struct building *b)
{
  const struct dp_zone_delegation *d = &b->z->delegation;
  struct dp_buf ev = {0};
  size_t n = 0;

  for (size_t i = 0; i < clamp(d->nns, DP_ZONE_NS_MAX); i++)
    if (d->ns[i].cname)
      dp_buf_addf(&ev, "%s%.300s", n++ ? ", " : "", d->ns[i].name);
  if (n == 0)
  {
    dp_buf_free(&ev);
    return;
  }
  dp_buf_addf(&ev, ": %s (CNAME).", n == 1 ? "an alias" : "aliases");
  cause_add(b, DP_CAUSE_NS_CNAME, DP_SEVERITY_WARNING, &ev);
}

/* The addresses of the zone's servers that were found (the targets). */
static size_t server_addrs(const struct dp_zone_summary *z,
                           struct dp_zone_addr *out, size_t cap)
{
  size_t n = 0;
  for (size_t i = 0; i < clamp(z->nservers, DP_ZONE_SERVERS_MAX) && n < cap;
       i++)
  {
    const struct dp_zone_server *s = &z->servers[i];
    struct dp_zone_addr a;
    memset(&a, 0, sizeof(a));
    if (s->unresolved)
      continue;
    if (inet_pton(AF_INET, s->address, a.bytes) == 1)
      a.family = AF_INET;
    else if (inet_pton(AF_INET6, s->address, a.bytes) == 1)
      a.family = AF_INET6;
    else
      continue;
    snprintf(a.text, sizeof(a.text), "%.46s", s->address);
    out[n++] = a;
  }
  return n;
}

/* The distinct NS names the zone's servers answered, else the resolver's
 * (the servers' rows). */
static size_t zone_names(const struct dp_zone_summary *z, const char **out,
                         size_t cap, bool *from_servers)
{
  const struct dp_zone_delegation *d = &z->delegation;
  size_t n = 0;
  *from_servers = false;
  for (size_t i = 0; i < clamp(d->nns, DP_ZONE_NS_MAX) && n < cap; i++)
    if (d->ns[i].at_child > 0)
      out[n++] = d->ns[i].name;
  if (n > 0)
  {
    *from_servers = true;
    return n;
  }
  for (size_t i = 0; i < clamp(z->nservers, DP_ZONE_SERVERS_MAX) && n < cap;
       i++)
  {
    bool dup = false;
    for (size_t k = 0; k < n && !dup; k++)
      dup = same_name(out[k], z->servers[i].ns);
    if (!dup && z->servers[i].ns[0] != '\0')
      out[n++] = z->servers[i].ns;
  }
  return n;
}

/* Fewer than two servers, or every address in one network. Whether it
 * found too few (then one-network adds nothing). */
static void too_few_or_one_network(struct building *b)
{
  const struct dp_zone_summary *z = b->z;
  const struct dp_zone_delegation *d = &z->delegation;
  const char *names[DP_ZONE_NS_MAX];
  struct dp_zone_addr addrs[DP_ZONE_SERVERS_MAX];
  bool from_servers = false;
  size_t nnames = zone_names(z, names, DP_ZONE_NS_MAX, &from_servers);
  size_t naddrs = server_addrs(z, addrs, DP_ZONE_SERVERS_MAX);
  size_t nparent = 0, distinct = 0;
  bool unresolved_names = false;
  struct dp_buf ev = {0};

  for (size_t i = 0; i < clamp(d->nns, DP_ZONE_NS_MAX); i++)
  {
    nparent += d->ns[i].at_parent;
    unresolved_names |= !d->ns[i].resolved && d->ns[i].why[0] != '\0';
  }
  for (size_t i = 0; i < clamp(z->nservers, DP_ZONE_SERVERS_MAX); i++)
    unresolved_names |= z->servers[i].unresolved;
  for (size_t i = 0; i < naddrs; i++)
  {
    bool dup = false;
    for (size_t k = 0; k < i && !dup; k++)
      dup = same_addr(&addrs[k], &addrs[i]);
    distinct += !dup;
  }
  if (nnames == 0 && naddrs == 0)
    return;
  /* two names on one address, unless a name has none (ns-unresolved) */
  bool one_address = naddrs > 0 && distinct < 2 && !unresolved_names;
  if (nnames < 2 || (d->checked && nparent < 2) || one_address)
  {
    if (nnames < 2)
      dp_buf_addf(&ev, "%s %zu name server%s",
                  from_servers ? "the zone's servers list" : "the zone has",
                  nnames, nnames == 1 ? "" : "s");
    else if (d->checked && nparent < 2)
      dp_buf_addf(&ev, "the parent delegates to %zu name server%s", nparent,
                  nparent == 1 ? "" : "s");
    else
      dp_buf_addf(&ev, "%zu names, one address", nnames);
    for (size_t i = 0; i < nnames && i < 4; i++)
      dp_buf_addf(&ev, "%s%.300s", i == 0 ? ": " : ", ", names[i]);
    if (distinct > 0)
      dp_buf_addf(&ev, " (%zu address%s%s%.46s)", distinct,
                  distinct == 1 ? "" : "es", distinct == 1 ? ": " : "",
                  distinct == 1 ? addrs[0].text : "");
    dp_buf_adds(&ev, ".");
    cause_add(b, DP_CAUSE_NS_TOO_FEW, DP_SEVERITY_WARNING, &ev);
    return;
  }
  if (!dp_diagnose_zone_one_network(addrs, naddrs))
    return;
  for (size_t i = 0; i < naddrs && i < 6; i++)
    dp_buf_addf(&ev, "%s%.46s", i == 0 ? "" : ", ", addrs[i].text);
  if (naddrs > 6)
    dp_buf_addf(&ev, " and %zu more", naddrs - 6);
  dp_buf_adds(&ev, ": every IPv4 address in one /24, every IPv6 address in "
                   "one /48.");
  cause_add(b, DP_CAUSE_NS_ONE_NETWORK, DP_SEVERITY_WARNING, &ev);
}

static void serials(struct building *b)
{
  const struct dp_zone_summary *z = b->z;
  uint32_t seen[DP_ZONE_SERVERS_MAX];
  size_t count[DP_ZONE_SERVERS_MAX], ndistinct = 0;
  struct dp_buf ev = {0};

  if (z->serials_agree || z->nserial == 0)
    return;
  ndistinct = dp_diagnose_zone_serial_counts(z, seen, count);
  for (size_t j = 0; j < ndistinct; j++)
    dp_buf_addf(&ev, "%s%lu on %zu of %zu servers%s", j ? ", " : "",
                (unsigned long)seen[j], count[j], z->nserial,
                seen[j] == z->serial ? " (newest)" : "");
  dp_buf_adds(&ev, ".");
  cause_add(b, DP_CAUSE_SERIAL_MISMATCH, DP_SEVERITY_WARNING, &ev);
}

/* One SOA check over every server's SOA: the servers with the same detail
 * grouped. */
static void soa_check(struct building *b, dp_cause_t c,
                      dp_severity_t (*check)(const struct dp_zone_soa *, char *,
                                             size_t))
{
  const struct dp_zone_delegation *d = &b->z->delegation;
  size_t n = clamp(d->nchildren, DP_ZONE_SERVERS_MAX);
  bool done[DP_ZONE_SERVERS_MAX];
  dp_severity_t worst = DP_SEVERITY_OK;
  struct dp_buf ev = {0};
  size_t groups = 0;

  memset(done, 0, sizeof(done));
  for (size_t i = 0; i < n; i++)
  {
    char detail[512], other[512];
    dp_severity_t sev = check(&d->children[i].soa, detail, sizeof(detail));
    if (done[i] || sev == DP_SEVERITY_OK)
      continue;
    worst = sev > worst ? sev : worst;
    dp_buf_addf(&ev, "%s%s on ", groups++ ? "; " : "", detail);
    for (size_t k = i, m = 0; k < n; k++)
    {
      if (done[k] ||
          check(&d->children[k].soa, other, sizeof(other)) == DP_SEVERITY_OK ||
          strcmp(detail, other) != 0)
        continue;
      done[k] = true;
      if (m++ < 3)
        dp_buf_addf(&ev, "%s", m > 1 ? ", " : "");
      if (m <= 3)
        server_words(&ev, d->children[k].ns, d->children[k].address);
      else if (m == 4)
        dp_buf_adds(&ev, " and more");
    }
  }
  if (groups == 0)
  {
    dp_buf_free(&ev);
    return;
  }
  dp_buf_adds(&ev, ".");
  cause_add(b, c, worst, &ev);
}

/* The parent's NS names and each server's of the zone, compared. */
static void ns_mismatch(struct building *b)
{
  const struct dp_zone_delegation *d = &b->z->delegation;
  const char *parent[DP_ZONE_NS_MAX], *child[DP_ZONE_NS_MAX];
  size_t np = 0, nns = clamp(d->nns, DP_ZONE_NS_MAX);
  bool only_parent[DP_ZONE_NS_MAX], only_child[DP_ZONE_NS_MAX];
  size_t differing = 0, answering = 0;

  memset(only_parent, 0, sizeof(only_parent));
  memset(only_child, 0, sizeof(only_child));
  for (size_t i = 0; i < nns; i++)
    if (d->ns[i].at_parent)
      parent[np++] = d->ns[i].name;
  for (size_t s = 0; s < clamp(d->nchildren, DP_ZONE_SERVERS_MAX); s++)
  {
    const struct dp_zone_child *c = &d->children[s];
    size_t nc = 0, idx[DP_ZONE_NS_MAX];
    struct dp_zone_ns_diff diff;
    if (!c->ns_answered)
      continue;
    answering++;
    for (size_t i = 0; i < nns; i++)
      if (c->ns_set & (UINT32_C(1) << i))
      {
        idx[nc] = i;
        child[nc++] = d->ns[i].name;
      }
    if (dp_diagnose_zone_ns_diff(parent, np, child, nc, &diff) != DP_OK ||
        diff.nonly_parent + diff.nonly_child == 0)
      continue;
    differing++;
    for (size_t k = 0; k < diff.nonly_child; k++)
      only_child[idx[diff.only_child[k]]] = true;
    for (size_t k = 0; k < diff.nonly_parent; k++)
      for (size_t i = 0; i < nns; i++)
        if (d->ns[i].name == parent[diff.only_parent[k]])
          only_parent[i] = true;
  }
  if (differing == 0)
    return;
  struct dp_buf ev = {0};
  for (int side = 0, clauses = 0; side < 2; side++)
  {
    size_t n = 0;
    for (size_t i = 0; i < nns; i++)
      if (side == 0 ? only_parent[i] : only_child[i])
        dp_buf_addf(&ev, "%s%.300s",
                    n++       ? ", "
                    : clauses ? "; "
                              : "",
                    d->ns[i].name);
    if (n > 0)
    {
      dp_buf_adds(&ev, side == 0 ? " only at the parent" : " only in the zone");
      clauses++;
    }
  }
  dp_buf_adds(&ev, " (the parent lists");
  for (size_t i = 0; i < np; i++)
    dp_buf_addf(&ev, "%s%.300s", i ? ", " : " ", parent[i]);
  if (np == 0)
    dp_buf_adds(&ev, " none");
  dp_buf_addf(&ev,
              "; %zu of the %zu servers of the zone that answered list "
              "another set).",
              differing, answering);
  cause_add(b, DP_CAUSE_NS_MISMATCH, DP_SEVERITY_WARNING, &ev);
}

/* Whether a is among the n addresses of list. */
static bool addr_in(const struct dp_zone_addr *a,
                    const struct dp_zone_addr *list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (same_addr(a, &list[i]))
      return true;
  return false;
}

static void addr_list(struct dp_buf *ev, const struct dp_zone_addr *a, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dp_buf_addf(ev, "%s%.46s", i ? ", " : "", a[i].text);
  if (n == 0)
    dp_buf_adds(ev, "none");
}

static void glue(struct building *b)
{
  const struct dp_zone_delegation *d = &b->z->delegation;
  struct dp_buf wrong = {0}, missing = {0};
  dp_severity_t sev = DP_SEVERITY_OK;
  size_t nwrong = 0, nmissing = 0;

  for (size_t i = 0; i < clamp(d->nns, DP_ZONE_NS_MAX); i++)
  {
    const struct dp_zone_ns *ns = &d->ns[i];
    size_t ng = clamp(ns->nglue, DP_ZONE_ADDRS_MAX);
    size_t nc = clamp(ns->nchild, DP_ZONE_ADDRS_MAX);
    if (!ns->at_parent || !ns->in_zone)
      continue;
    if (ng == 0)
    {
      dp_buf_addf(&missing, "%s%.300s", nmissing++ ? ", " : "", ns->name);
      continue;
    }
    if (!ns->child_asked || nc == 0)
      continue;
    bool stale = false, lacking = false;
    for (size_t k = 0; k < ng; k++)
      stale |= !addr_in(&ns->glue[k], ns->child, nc);
    for (size_t k = 0; k < nc; k++)
      lacking |= !addr_in(&ns->child[k], ns->glue, ng);
    if (!stale && !lacking)
      continue;
    if (stale)
      sev = DP_SEVERITY_CRITICAL;
    else if (sev < DP_SEVERITY_WARNING)
      sev = DP_SEVERITY_WARNING;
    dp_buf_addf(&wrong, "%s%.300s: glue ", nwrong++ ? "; " : "", ns->name);
    addr_list(&wrong, ns->glue, ng);
    dp_buf_adds(&wrong, " at the parent, ");
    addr_list(&wrong, ns->child, nc);
    dp_buf_adds(&wrong, " in the zone");
  }
  if (nwrong > 0)
  {
    dp_buf_adds(&wrong, ".");
    cause_add(b, DP_CAUSE_GLUE_MISMATCH, sev, &wrong);
  }
  else
    dp_buf_free(&wrong);
  if (nmissing > 0)
  {
    dp_buf_addf(&missing,
                ": inside the zone, and the parent's referral "
                "carries no address for %s.",
                nmissing == 1 ? "it" : "them");
    cause_add(b, DP_CAUSE_GLUE_MISSING, DP_SEVERITY_CRITICAL, &missing);
  }
  else
    dp_buf_free(&missing);
}

static void undelegated(struct building *b)
{
  const struct dp_zone_delegation *d = &b->z->delegation;
  struct dp_buf ev = {0};
  size_t n = 0;

  for (size_t i = 0; i < clamp(d->nparents, DP_ZONE_PARENTS_MAX); i++)
    if (d->parents[i].referral)
      return;
  for (size_t i = 0; i < clamp(d->nparents, DP_ZONE_PARENTS_MAX); i++)
  {
    const struct dp_zone_parent *p = &d->parents[i];
    if (!p->undelegated)
      continue;
    dp_buf_adds(&ev, n++ ? "; " : "");
    server_words(&ev, p->ns, p->address);
    dp_buf_addf(&ev, ": %.64s", p->why);
  }
  if (n == 0)
  {
    dp_buf_free(&ev);
    return;
  }
  dp_buf_addf(&ev, " (servers of %.300s, asked without recursion).", d->parent);
  cause_add(b, DP_CAUSE_NO_DELEGATION, DP_SEVERITY_CRITICAL, &ev);
}

/* The software every target of run was identified as, or unknown. */
static dp_software_t zone_software(const struct dp_run *run)
{
  dp_software_t sw = DP_SOFTWARE_UNKNOWN;
  for (size_t i = 0; run != NULL && i < run->ntargets; i++)
  {
    dp_software_t t = run->targets[i].software;
    if (t == DP_SOFTWARE_UNKNOWN || (sw != DP_SOFTWARE_UNKNOWN && t != sw))
      return DP_SOFTWARE_UNKNOWN;
    sw = t;
  }
  return sw;
}

static int by_severity(const void *a, const void *b)
{
  const struct dp_root_cause *x = a, *y = b;
  if (x->severity != y->severity)
    return x->severity > y->severity ? -1 : 1;
  return x->cause < y->cause ? -1 : x->cause > y->cause;
}

void dp_diagnose_zone_clear(struct dp_zone_summary *z)
{
  if (z == NULL)
    return;
  for (size_t i = 0; i < z->ndiagnosis && z->diagnosis != NULL; i++)
  {
    free(z->diagnosis[i].headline);
    free(z->diagnosis[i].evidence);
    free(z->diagnosis[i].explanation);
    free(z->diagnosis[i].fix);
  }
  free(z->diagnosis);
  z->diagnosis = NULL;
  z->ndiagnosis = 0;
}

dp_status_t dp_diagnose_zone_checks(struct dp_zone_summary *z,
                                    const struct dp_run *run,
                                    dp_software_t fix_for)
{
  struct building b = {z, false};

  if (z == NULL)
    return DP_EINVAL;
  dp_diagnose_zone_clear(z);
  const struct dp_zone_delegation *d = &z->delegation;
  if (d->gathered && d->checked)
  {
    ns_mismatch(&b);
    glue(&b);
  }
  else if (d->gathered)
    undelegated(&b);
  unresolved(&b);
  aliases(&b);
  too_few_or_one_network(&b);
  serials(&b);
  soa_check(&b, DP_CAUSE_SOA_TIMERS, dp_diagnose_zone_soa_timers);
  soa_check(&b, DP_CAUSE_SOA_NAMES, dp_diagnose_zone_soa_names);

  /* The texts, as a target's root causes have them; the fixes in the
   * configuration the zone's servers share, when they share one. */
  struct dp_target_result *as = calloc(1, sizeof(*as));
  if (as == NULL)
    b.nomem = true;
  else
  {
    as->software = zone_software(run);
    snprintf(as->zone, sizeof(as->zone), "%s", z->name);
    as->zone_given = true;
  }
  for (size_t i = 0; i < z->ndiagnosis && as != NULL; i++)
  {
    struct dp_root_cause *r = &z->diagnosis[i];
    const struct dp_knowledge_cause *kc = dp_knowledge_cause_get(r->cause);
    struct dp_buf f = {0};
    if (kc == NULL)
      continue;
    r->headline = strdup(kc->title);
    r->explanation = strdup(kc->what);
    dp_diagnose_compose_fix(&f, kc->fix, dp_knowledge_cause_fixes(kc), false,
                            as, fix_for);
    if (dp_buf_failed(&f))
      b.nomem = true;
    r->fix = dp_buf_take(&f);
    if (r->headline == NULL || r->explanation == NULL || r->evidence == NULL)
      b.nomem = true;
  }
  free(as);
  if (z->ndiagnosis > 1)
    qsort(z->diagnosis, z->ndiagnosis, sizeof(*z->diagnosis), by_severity);
  for (size_t i = 0; i < z->ndiagnosis; i++)
    if (z->diagnosis[i].severity > z->severity)
      z->severity = z->diagnosis[i].severity;
  z->status = dp_health_from_severity(z->severity);
  return b.nomem ? DP_ENOMEM : DP_OK;
}
