/*
 * delegation.c: what zone mode asks besides the battery, to check the
 * zone's delegation, NS set and SOA (struct dp_zone_delegation, read by
 * src/diagnose/zonecheck.c).
 *
 * 1. Each server of the zone (discovery's addresses): its NS set and SOA,
 *    RD=0; an answer counts when it is NOERROR with AA and the zone's own
 *    records (RFC 1034 4.3.2).
 * 2. The parent zone, walking up from the zone through the resolver
 *    (dp_probe_discover_parent), and its servers' addresses, as discovery
 *    finds a zone's (dp_probe_discover).
 * 3. Each parent server: the zone's NS, RD=0. A referral (RFC 1034 4.3.2,
 *    RFC 8499: NS for the zone in the authority section, no AA) gives the
 *    parent's NS set, and A and AAAA for those names in the additional
 *    section its glue. NXDOMAIN, or no NS for the zone, with AA, says the
 *    zone is not delegated.
 * 4. The zone's servers that answered their NS set: A and AAAA of every NS
 *    name at or below the zone (those that need glue).
 * 5. The resolver: the addresses of NS names discovery did not look up
 *    (the parent's only).
 *
 * Invariants: queries go to the resolver, the parent's servers it named
 * and the zone's servers discovery found, nowhere else (glue addresses
 * are compared, never asked); only the resolver is asked to recurse; every
 * reply is read through the bounded wire readers and only when its
 * question is the one asked; at most DELEG_ASKS_MAX queries a round, each
 * sent at most DP_DELEGATION_TRIES times and once more over TCP when
 * truncated, each bounded by the timeout.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "dnsprobe/delegation.h"
#include "dnsprobe/dns.h"
#include "dnsprobe/engine.h"
#include "dnsprobe/knowledge.h"
#include "dnsprobe/rdata.h"

#define DELEG_ASKS_MAX 1024 /* queries in one round, whatever the zone */
#define EDNS_UDP_SIZE 1232
#define DNS_PORT 53

/* ---- reading replies ----------------------------------------------------- */

/* The NS name of d with canonical name, added when add and there is room;
 * DP_ZONE_NS_MAX when none. */
static size_t ns_index(struct dp_zone_delegation *d, const char *name, bool add,
                       const char *zone)
{
  for (size_t i = 0; i < d->nns && i < DP_ZONE_NS_MAX; i++)
    if (strcasecmp(d->ns[i].name, name) == 0)
      return i;
  if (!add || d->nns >= DP_ZONE_NS_MAX)
    return DP_ZONE_NS_MAX;
  struct dp_zone_ns *ns = &d->ns[d->nns];
  memset(ns, 0, sizeof(*ns));
  snprintf(ns->name, sizeof(ns->name), "%s", name);
  size_t n = strlen(name), z = strlen(zone);
  ns->in_zone = strcmp(zone, ".") == 0 ||
                (n >= z && strcasecmp(name + n - z, zone) == 0 &&
                 (n == z || name[n - z - 1] == '.'));
  return d->nns++;
}

static bool wire_owner_is(const struct dp_wire_msg *m,
                          const struct dp_wire_rr *rr, const char *name)
{
  uint8_t wire[DP_DNS_NAME_MAX];
  size_t len = 0;
  return dp_wire_name_fromstr(name, wire, sizeof(wire), &len) == DP_OK &&
         dp_wire_rr_owner_is(m, rr, wire, len);
}

/* A wire name as canonical text; false when it cannot be one. */
static bool canon_text(const uint8_t *wire, size_t len, char *out, size_t cap)
{
  char text[DP_WIRE_NAME_STRLEN];
  return dp_wire_name_tostr(wire, len, text, sizeof(text)) == DP_OK &&
         dp_wire_name_canon(text, out, cap) == DP_OK;
}

static bool rr_name(const struct dp_wire_msg *m, const struct dp_wire_rr *rr,
                    bool owner, char *out, size_t cap)
{
  uint8_t wire[DP_DNS_NAME_MAX];
  size_t len = 0;
  dp_status_t st = owner ? dp_wire_rr_owner(m, rr, wire, sizeof(wire), &len)
                         : dp_wire_rdata_name(m, rr, wire, sizeof(wire), &len);
  return st == DP_OK && canon_text(wire, len, out, cap);
}

/* Add an address record's address to list (no duplicates, bounded). */
static void addr_add(const struct dp_wire_msg *m, const struct dp_wire_rr *rr,
                     struct dp_zone_addr *list, size_t *n)
{
  struct dp_zone_addr a;
  size_t len = 0;
  memset(&a, 0, sizeof(a));
  if (dp_wire_rdata_addr(m, rr, a.bytes, &len) != DP_OK)
    return;
  a.family = len == 16 ? AF_INET6 : AF_INET;
  if (inet_ntop(a.family, a.bytes, a.text, sizeof(a.text)) == NULL)
    return;
  for (size_t i = 0; i < *n; i++)
    if (list[i].family == a.family && memcmp(list[i].bytes, a.bytes, len) == 0)
      return;
  if (*n < DP_ZONE_ADDRS_MAX)
    list[(*n)++] = a;
}

/* The reply's question is (name, qtype, IN), letters folded. */
static bool asked(const struct dp_wire_msg *m, const char *name, uint16_t qtype)
{
  uint8_t wire[DP_DNS_NAME_MAX];
  size_t len = 0;
  return dp_wire_name_fromstr(name, wire, sizeof(wire), &len) == DP_OK &&
         dp_wire_question_is(m, wire, len, qtype, DP_CLASS_IN);
}

static void set_why(char *why, size_t cap, const char *what)
{
  snprintf(why, cap, "%s", what);
}

/* A parent server's answer to the zone's NS. */
static void parent_reply(struct dp_zone_delegation *d, const char *zone,
                         struct dp_zone_parent *p, const struct dp_wire_msg *m)
{
  size_t referral_ns = 0, answer_ns = 0;
  char other[DP_WIRE_NAME_STRLEN] = "";
  size_t names[DP_ZONE_NS_MAX], nnames = 0;

  p->answered = true;
  for (unsigned i = 0; i < m->nrr && i < DP_WIRE_RR_MAX; i++)
  {
    const struct dp_wire_rr *rr = &m->rr[i];
    char name[DP_WIRE_NAME_STRLEN];
    if (rr->type != DP_TYPE_NS || rr->rclass != DP_CLASS_IN)
      continue;
    if (!wire_owner_is(m, rr, zone))
    {
      if (rr->section == DP_SECTION_AUTHORITY && other[0] == '\0')
        (void)rr_name(m, rr, true, other, sizeof(other));
      continue;
    }
    if (rr->section == DP_SECTION_ANSWER)
      answer_ns++;
    if (rr->section != DP_SECTION_AUTHORITY || m->aa ||
        m->rcode != DP_RCODE_NOERROR || m->ancount != 0 ||
        !rr_name(m, rr, false, name, sizeof(name)))
      continue;
    size_t k = ns_index(d, name, true, zone);
    if (k >= DP_ZONE_NS_MAX)
      continue;
    d->ns[k].at_parent = true;
    if (nnames < DP_ZONE_NS_MAX)
      names[nnames++] = k;
    referral_ns++;
  }
  if (referral_ns > 0)
  {
    p->referral = true;
    d->checked = true;
    set_why(p->why, sizeof(p->why), "a referral");
    /* glue: addresses of the referral's names in the additional section */
    for (unsigned i = 0; i < m->nrr && i < DP_WIRE_RR_MAX; i++)
    {
      const struct dp_wire_rr *rr = &m->rr[i];
      char owner[DP_WIRE_NAME_STRLEN];
      if (rr->section != DP_SECTION_ADDITIONAL || rr->rclass != DP_CLASS_IN ||
          (rr->type != DP_TYPE_A && rr->type != DP_TYPE_AAAA) ||
          !rr_name(m, rr, true, owner, sizeof(owner)))
        continue;
      for (size_t k = 0; k < nnames; k++)
        if (strcasecmp(d->ns[names[k]].name, owner) == 0)
          addr_add(m, rr, d->ns[names[k]].glue, &d->ns[names[k]].nglue);
    }
    return;
  }
  if (m->aa && answer_ns > 0 && m->rcode == DP_RCODE_NOERROR)
    set_why(p->why, sizeof(p->why),
            "answers for the zone itself: no referral to compare");
  else if (m->aa && m->rcode == DP_RCODE_NXDOMAIN)
  {
    p->undelegated = true;
    set_why(p->why, sizeof(p->why), "NXDOMAIN with authority");
  }
  else if (m->aa && m->rcode == DP_RCODE_NOERROR && answer_ns == 0 &&
           other[0] == '\0')
  {
    p->undelegated = true;
    set_why(p->why, sizeof(p->why), "no NS for the zone, with authority");
  }
  else if (other[0] != '\0')
    snprintf(p->why, sizeof(p->why), "a referral to %.40s", other);
  else
    snprintf(p->why, sizeof(p->why), "%s%s", dp_knowledge_rcode_name(m->rcode),
             m->aa ? " aa" : "");
}

static void child_ns_reply(struct dp_zone_delegation *d, const char *zone,
                           struct dp_zone_child *c, const struct dp_wire_msg *m)
{
  if (m->rcode != DP_RCODE_NOERROR || !m->aa)
    return;
  for (unsigned i = 0; i < m->nrr && i < DP_WIRE_RR_MAX; i++)
  {
    const struct dp_wire_rr *rr = &m->rr[i];
    char name[DP_WIRE_NAME_STRLEN];
    if (rr->section != DP_SECTION_ANSWER || rr->type != DP_TYPE_NS ||
        rr->rclass != DP_CLASS_IN || !wire_owner_is(m, rr, zone) ||
        !rr_name(m, rr, false, name, sizeof(name)))
      continue;
    size_t k = ns_index(d, name, true, zone);
    if (k >= DP_ZONE_NS_MAX || (c->ns_set & (UINT32_C(1) << k)))
      continue;
    c->ns_set |= UINT32_C(1) << k;
    d->ns[k].at_child++;
    c->ns_answered = true;
  }
}

static void child_soa_reply(const char *zone, struct dp_zone_child *c,
                            const struct dp_wire_msg *m)
{
  if (m->rcode != DP_RCODE_NOERROR || !m->aa)
    return;
  for (unsigned i = 0; i < m->nrr && i < DP_WIRE_RR_MAX; i++)
  {
    const struct dp_wire_rr *rr = &m->rr[i];
    struct dp_wire_soa soa;
    struct dp_zone_soa *z = &c->soa;
    if (rr->section != DP_SECTION_ANSWER || rr->type != DP_TYPE_SOA ||
        !wire_owner_is(m, rr, zone) || dp_wire_soa_read(m, rr, &soa) != DP_OK)
      continue;
    if (!canon_text(soa.mname, soa.mname_len, z->mname, sizeof(z->mname)) ||
        !canon_text(soa.rname, soa.rname_len, z->rname, sizeof(z->rname)))
      continue;
    z->serial = soa.serial;
    z->refresh = soa.refresh;
    z->retry = soa.retry;
    z->expire = soa.expire;
    z->minimum = soa.minimum;
    z->has = true;
    return;
  }
}

/* A server of the zone's A or AAAA for an in-zone NS name: its own
 * addresses (an alias there is noted, not followed). */
static void child_addr_reply(struct dp_zone_ns *ns, uint16_t qtype,
                             const struct dp_wire_msg *m)
{
  if (m->rcode != DP_RCODE_NOERROR || !m->aa)
    return;
  for (unsigned i = 0; i < m->nrr && i < DP_WIRE_RR_MAX; i++)
  {
    const struct dp_wire_rr *rr = &m->rr[i];
    if (rr->section != DP_SECTION_ANSWER || rr->rclass != DP_CLASS_IN ||
        !wire_owner_is(m, rr, ns->name))
      continue;
    if (rr->type == DP_TYPE_CNAME)
      ns->cname = true;
    else if (rr->type == qtype)
      addr_add(m, rr, ns->child, &ns->nchild);
  }
}

dp_status_t dp_probe_delegation_absorb(struct dp_zone_delegation *d,
                                       const char *zone, dp_deleg_reply_t kind,
                                       size_t server, size_t name,
                                       const uint8_t *buf, size_t len,
                                       dp_outcome_t outcome)
{
  struct dp_wire_msg m;
  bool parent = kind == DP_DELEG_PARENT_NS;

  if (d == NULL || zone == NULL ||
      (parent ? server >= d->nparents || server >= DP_ZONE_PARENTS_MAX
              : server >= d->nchildren || server >= DP_ZONE_SERVERS_MAX) ||
      ((kind == DP_DELEG_CHILD_A || kind == DP_DELEG_CHILD_AAAA) &&
       (name >= d->nns || name >= DP_ZONE_NS_MAX)))
    return DP_EINVAL;
  struct dp_zone_parent *p = parent ? &d->parents[server] : NULL;
  struct dp_zone_child *c = parent ? NULL : &d->children[server];
  const char *qname = kind == DP_DELEG_CHILD_A || kind == DP_DELEG_CHILD_AAAA
                          ? d->ns[name].name
                          : zone;
  uint16_t qtype = kind == DP_DELEG_CHILD_SOA    ? DP_TYPE_SOA
                   : kind == DP_DELEG_CHILD_A    ? DP_TYPE_A
                   : kind == DP_DELEG_CHILD_AAAA ? DP_TYPE_AAAA
                                                 : DP_TYPE_NS;

  if (buf == NULL || dp_wire_msg_parse(buf, len, &m) != DP_OK || !m.complete ||
      !m.qr || !asked(&m, qname, qtype))
  {
    if (p != NULL && !p->answered)
      set_why(p->why, sizeof(p->why),
              buf == NULL ? dp_outcome_tostr(outcome)
                          : "a reply that cannot be read, or to another "
                            "question");
    return DP_OK;
  }
  switch (kind)
  {
  case DP_DELEG_PARENT_NS:
    parent_reply(d, zone, p, &m);
    break;
  case DP_DELEG_CHILD_NS:
    child_ns_reply(d, zone, c, &m);
    break;
  case DP_DELEG_CHILD_SOA:
    child_soa_reply(zone, c, &m);
    break;
  case DP_DELEG_CHILD_A:
  case DP_DELEG_CHILD_AAAA:
    child_addr_reply(&d->ns[name], qtype, &m);
    break;
  }
  return DP_OK;
}

/* ---- asking -------------------------------------------------------------- */

/* One query of a round: which server, what, and what came back. */
struct ask
{
  struct sockaddr_storage addr;
  socklen_t addrlen;
  dp_deleg_reply_t kind;
  size_t server, name;
  int tries;
  bool tcp;
  dp_outcome_t outcome;
  uint8_t *buf; /* owned: the first reply, or NULL */
  size_t len;
};

static void on_done(void *arg, const struct dp_engine_result *res)
{
  struct ask *a = arg;
  a->outcome = res->outcome;
  free(a->buf);
  a->buf = NULL;
  a->len = 0;
  if (res->outcome != DP_OUTCOME_ANSWER || res->first == NULL ||
      res->first->len == 0)
    return;
  a->buf = malloc(res->first->len);
  if (a->buf == NULL)
  {
    a->outcome = DP_OUTCOME_LOCAL_ERROR;
    return;
  }
  memcpy(a->buf, res->first->data, res->first->len);
  a->len = res->first->len;
}

/* Whether the reply kept in a says TC=1. */
static bool truncated(const struct ask *a)
{
  struct dp_wire_msg m;
  return a->buf != NULL && dp_wire_msg_parse(a->buf, a->len, &m) == DP_OK &&
         m.tc;
}

static dp_status_t submit(dp_engine_t *eng, struct ask *a, const char *qname,
                          uint16_t qtype, unsigned timeout_ms)
{
  struct dp_wire_query q;
  struct dp_engine_request req;
  uint8_t msg[512];
  size_t len = 0;
  uint16_t id = 0;

  if (getrandom(&id, sizeof(id), 0) != (ssize_t)sizeof(id))
    id = (uint16_t)(0x5a5a ^ a->server ^ a->name << 4);
  memset(&q, 0, sizeof(q));
  q.id = id;
  q.qname = qname;
  q.qtype = qtype;
  q.qclass = DP_CLASS_IN;
  q.edns = true;
  q.udp_size = EDNS_UDP_SIZE;
  dp_status_t st = dp_wire_query_write(&q, msg, sizeof(msg), &len);
  if (st != DP_OK)
    return st;
  memset(&req, 0, sizeof(req));
  req.addr = a->addr;
  req.addrlen = a->addrlen;
  req.transport = a->tcp ? DP_TRANSPORT_TCP : DP_TRANSPORT_UDP;
  req.msg = msg;
  req.len = len;
  req.timeout_ms = timeout_ms != 0 ? timeout_ms : 1;
  req.done = on_done;
  req.arg = a;
  a->tries++;
  return dp_engine_submit(eng, &req);
}

/* Ask every query of asks (n of them) together, again while one gets no
 * reply (DP_DELEGATION_TRIES in all) and over TCP when one was truncated;
 * then absorb each into d. */
static dp_status_t ask_all(struct dp_zone_delegation *d, const char *zone,
                           struct ask *asks, size_t n, unsigned timeout_ms)
{
  dp_engine_t *eng = NULL;
  dp_status_t st = dp_engine_create(NULL, &eng);

  for (int round = 0; st == DP_OK && round < DP_DELEGATION_TRIES + 1; round++)
  {
    size_t sent = 0;
    for (size_t i = 0; i < n && st == DP_OK; i++)
    {
      struct ask *a = &asks[i];
      bool again = round > 0 && !a->tcp &&
                   ((a->buf == NULL && a->outcome == DP_OUTCOME_TIMEOUT &&
                     a->tries < DP_DELEGATION_TRIES) ||
                    truncated(a));
      if (round > 0 && !again)
        continue;
      if (round > 0 && truncated(a))
        a->tcp = true;
      const char *qname =
          a->kind == DP_DELEG_CHILD_A || a->kind == DP_DELEG_CHILD_AAAA
              ? d->ns[a->name].name
              : zone;
      uint16_t qtype = a->kind == DP_DELEG_CHILD_SOA    ? DP_TYPE_SOA
                       : a->kind == DP_DELEG_CHILD_A    ? DP_TYPE_A
                       : a->kind == DP_DELEG_CHILD_AAAA ? DP_TYPE_AAAA
                                                        : DP_TYPE_NS;
      st = submit(eng, a, qname, qtype, timeout_ms);
      sent++;
    }
    if (st == DP_OK && sent > 0)
      st = dp_engine_run(eng);
    if (sent == 0)
      break;
  }
  dp_engine_destroy(eng);
  for (size_t i = 0; i < n; i++)
  {
    if (st == DP_OK)
      (void)dp_probe_delegation_absorb(d, zone, asks[i].kind, asks[i].server,
                                       asks[i].name, asks[i].buf, asks[i].len,
                                       asks[i].outcome);
    free(asks[i].buf);
    asks[i].buf = NULL;
  }
  return st;
}

static void addr_text(const struct sockaddr_storage *ss, char *out, size_t cap)
{
  const struct sockaddr *sa = (const struct sockaddr *)ss;
  out[0] = '\0';
  if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, out,
              (socklen_t)cap);
  else if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, out,
              (socklen_t)cap);
}

static bool family_ok(int family, const struct dp_zone_addr *a)
{
  return family == AF_UNSPEC || family == a->family;
}

/* Keep only the addresses of the family asked for (-4, -6). */
static void filter(struct dp_zone_addr *list, size_t *n, int family)
{
  size_t k = 0;
  for (size_t i = 0; i < *n && i < DP_ZONE_ADDRS_MAX; i++)
    if (family_ok(family, &list[i]))
      list[k++] = list[i];
  *n = k;
}

/* The zone's servers: their NS sets and SOAs. */
static dp_status_t ask_children(struct dp_zone_delegation *d, const char *zone,
                                const struct dp_discovered *found,
                                size_t nfound, unsigned timeout_ms)
{
  size_t n = 0;
  struct ask *asks = calloc(2 * DP_ZONE_SERVERS_MAX, sizeof(*asks));
  if (asks == NULL)
    return DP_ENOMEM;
  for (size_t i = 0; i < nfound && d->nchildren < DP_ZONE_SERVERS_MAX; i++)
  {
    struct dp_zone_child *c = &d->children[d->nchildren];
    snprintf(c->ns, sizeof(c->ns), "%s", found[i].ns);
    addr_text(&found[i].addr, c->address, sizeof(c->address));
    static const dp_deleg_reply_t kinds[] = {DP_DELEG_CHILD_NS,
                                             DP_DELEG_CHILD_SOA};
    for (size_t k = 0; k < 2; k++)
    {
      struct ask *a = &asks[n++];
      a->addr = found[i].addr;
      a->addrlen = found[i].addrlen;
      a->kind = kinds[k];
      a->server = d->nchildren;
    }
    d->nchildren++;
  }
  dp_status_t st = ask_all(d, zone, asks, n, timeout_ms);
  free(asks);
  return st;
}

/* The zone's servers that answered their NS set: the addresses of the
 * in-zone NS names. */
static dp_status_t ask_in_zone(struct dp_zone_delegation *d, const char *zone,
                               const struct dp_discovered *found, int family,
                               unsigned timeout_ms)
{
  size_t n = 0;
  struct ask *asks = calloc(DELEG_ASKS_MAX, sizeof(*asks));
  if (asks == NULL)
    return DP_ENOMEM;
  for (size_t k = 0; k < d->nns && k < DP_ZONE_NS_MAX; k++)
  {
    if (!d->ns[k].in_zone)
      continue;
    for (size_t s = 0; s < d->nchildren && s < DP_ZONE_SERVERS_MAX; s++)
    {
      if (!d->children[s].ns_answered || n + 2 > DELEG_ASKS_MAX)
        continue;
      d->ns[k].child_asked = true;
      for (int t = 0; t < 2; t++)
      {
        if ((t == 0 && family == AF_INET6) || (t == 1 && family == AF_INET))
          continue;
        struct ask *a = &asks[n++];
        a->addr = found[s].addr;
        a->addrlen = found[s].addrlen;
        a->kind = t == 0 ? DP_DELEG_CHILD_A : DP_DELEG_CHILD_AAAA;
        a->server = s;
        a->name = k;
      }
    }
  }
  dp_status_t st = ask_all(d, zone, asks, n, timeout_ms);
  free(asks);
  return st;
}

/* The parent zone, its servers, and their referrals. */
static dp_status_t ask_parent(struct dp_zone_delegation *d, const char *zone,
                              const struct sockaddr *resolver, socklen_t rlen,
                              int family, unsigned timeout_ms)
{
  struct dp_discovered *servers = NULL;
  struct dp_discover_miss missed[DP_DISCOVER_NS_MAX];
  size_t nservers = 0, nmissed = 0;
  char err[256] = "";

  dp_status_t st =
      dp_probe_discover_parent(zone, resolver, rlen, timeout_ms, d->parent,
                               sizeof(d->parent), d->why, sizeof(d->why));
  if (st == DP_EINVAL || st == DP_ENOTFOUND)
  {
    if (d->why[0] == '\0')
      set_why(d->why, sizeof(d->why), dp_strerror(st));
    return DP_OK; /* nothing to compare: said in d->why */
  }
  if (st != DP_OK)
    return st;
  st = dp_probe_discover(d->parent, resolver, rlen, family, 0, timeout_ms,
                         &servers, &nservers, missed, &nmissed, err,
                         sizeof(err));
  if (st != DP_OK)
  {
    snprintf(d->why, sizeof(d->why), "the servers of %.60s: %.80s", d->parent,
             err[0] ? err : dp_strerror(st));
    free(servers);
    return st == DP_ENOTFOUND || st == DP_EMALFORMED ? DP_OK : st;
  }
  struct ask *asks = calloc(DP_ZONE_PARENTS_MAX, sizeof(*asks));
  if (asks == NULL)
  {
    free(servers);
    return DP_ENOMEM;
  }
  for (size_t i = 0; i < nservers && d->nparents < DP_ZONE_PARENTS_MAX; i++)
  {
    struct dp_zone_parent *p = &d->parents[d->nparents];
    snprintf(p->ns, sizeof(p->ns), "%s", servers[i].ns);
    addr_text(&servers[i].addr, p->address, sizeof(p->address));
    asks[d->nparents].addr = servers[i].addr;
    asks[d->nparents].addrlen = servers[i].addrlen;
    asks[d->nparents].kind = DP_DELEG_PARENT_NS;
    asks[d->nparents].server = d->nparents;
    d->nparents++;
  }
  free(servers);
  st = ask_all(d, zone, asks, d->nparents, timeout_ms);
  free(asks);
  if (st == DP_OK && !d->checked)
    snprintf(d->why, sizeof(d->why),
             "no server of %.60s gave a referral for the zone", d->parent);
  return st;
}

/* The NS names discovery found, and how. */
static void names_from_discovery(struct dp_zone_delegation *d, const char *zone,
                                 const struct dp_discovered *found,
                                 size_t nfound,
                                 const struct dp_discover_miss *missed,
                                 size_t nmissed)
{
  for (size_t i = 0; i < nfound; i++)
  {
    size_t k = ns_index(d, found[i].ns, true, zone);
    if (k >= DP_ZONE_NS_MAX)
      continue;
    d->ns[k].resolved = true;
    d->ns[k].cname |= found[i].cname;
  }
  for (size_t i = 0; i < nmissed; i++)
  {
    size_t k = ns_index(d, missed[i].ns, true, zone);
    if (k >= DP_ZONE_NS_MAX)
      continue;
    d->ns[k].cname |= missed[i].cname;
    snprintf(d->ns[k].why, sizeof(d->ns[k].why), "%s", missed[i].why);
  }
}

/* NS names discovery did not look up (the parent's): through the
 * resolver. */
static dp_status_t resolve_others(struct dp_zone_delegation *d,
                                  const struct sockaddr *resolver,
                                  socklen_t rlen, int family,
                                  unsigned timeout_ms)
{
  for (size_t k = 0; k < d->nns && k < DP_ZONE_NS_MAX; k++)
  {
    struct dp_zone_ns *ns = &d->ns[k];
    struct dp_discovered addrs[DP_ZONE_ADDRS_MAX];
    size_t n = 0;
    bool alias = false;
    if (ns->resolved || ns->why[0] != '\0')
      continue;
    dp_status_t st = dp_probe_discover_host(
        ns->name, resolver, rlen, family, 0, timeout_ms, addrs,
        DP_ZONE_ADDRS_MAX, &n, &alias, ns->why, sizeof(ns->why));
    if (st == DP_ENOMEM || st == DP_ESYS || st == DP_ECARES)
      return st;
    ns->resolved = n > 0;
    ns->cname |= alias;
    if (ns->resolved)
      ns->why[0] = '\0';
  }
  return DP_OK;
}

dp_status_t dp_probe_delegation(const char *zone,
                                const struct sockaddr *resolver, socklen_t rlen,
                                int family, unsigned timeout_ms,
                                const struct dp_discovered *found,
                                size_t nfound,
                                const struct dp_discover_miss *missed,
                                size_t nmissed, struct dp_zone_delegation *d)
{
  char canon[DP_WIRE_NAME_STRLEN];
  dp_status_t st;

  if (d == NULL || zone == NULL || resolver == NULL || rlen == 0 ||
      rlen > sizeof(struct sockaddr_storage) || (nfound > 0 && found == NULL) ||
      (nmissed > 0 && missed == NULL) ||
      (family != AF_UNSPEC && family != AF_INET && family != AF_INET6))
    return DP_EINVAL;
  memset(d, 0, sizeof(*d));
  if (dp_wire_name_canon(zone, canon, sizeof(canon)) != DP_OK)
    return DP_EINVAL;
  d->gathered = true;
  names_from_discovery(d, canon, found, nfound, missed, nmissed);
  if (nfound > DP_ZONE_SERVERS_MAX)
    nfound = DP_ZONE_SERVERS_MAX;
  if ((st = ask_children(d, canon, found, nfound, timeout_ms)) != DP_OK ||
      (st = ask_parent(d, canon, resolver, rlen, family, timeout_ms)) !=
          DP_OK ||
      (st = ask_in_zone(d, canon, found, family, timeout_ms)) != DP_OK ||
      (st = resolve_others(d, resolver, rlen, family, timeout_ms)) != DP_OK)
    return st;
  for (size_t k = 0; k < d->nns && k < DP_ZONE_NS_MAX; k++)
  {
    filter(d->ns[k].glue, &d->ns[k].nglue, family);
    filter(d->ns[k].child, &d->ns[k].nchild, family);
  }
  return DP_OK;
}
