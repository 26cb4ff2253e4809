/*
 * discover.c: a zone's name servers and their addresses, found through one
 * resolver (zone mode).
 *
 * Every query goes through the engine to the resolver the caller names and
 * nowhere else: the NS RRset of the zone, then A and AAAA of each NS name,
 * RD=1 (RFC 1034 4.3.1), EDNS0 (RFC 6891), again over TCP when truncated
 * (RFC 7766 5). Invariants: at most 1 + 2 * DP_DISCOVER_NS_MAX queries, each
 * sent at most DP_DISCOVER_TRIES times over UDP when no reply comes and once
 * more over TCP when truncated, each exchange bounded by the timeout; RDATA is
 * read only after its length has been checked against the message; a reply
 * counts only when its ID, question name and type match the query. The
 * zone's DS RRset (dp_probe_discover_ds) is one more question asked the
 * same way.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "dnsprobe/buf.h"
#include "dnsprobe/discover.h"
#include "dnsprobe/dns.h"
#include "dnsprobe/engine.h"
#include "dnsprobe/knowledge.h"

#define CNAME_LINKS_MAX 8
#define DNS_PORT 53
#define EDNS_UDP_SIZE 1232

/* The first reply of one exchange, copied out of the engine's callback. */
struct reply
{
  dp_outcome_t outcome;
  uint8_t *buf; /* owned; NULL when no reply */
  size_t len;
};

static void on_done(void *arg, const struct dp_engine_result *res)
{
  struct reply *r = arg;

  r->outcome = res->outcome;
  if (res->outcome != DP_OUTCOME_ANSWER || res->first == NULL ||
      res->first->len == 0)
    return;
  r->buf = malloc(res->first->len);
  if (r->buf == NULL)
  {
    r->outcome = DP_OUTCOME_LOCAL_ERROR;
    return;
  }
  memcpy(r->buf, res->first->data, res->first->len);
  r->len = res->first->len;
}

static uint16_t random_id(void)
{
  uint16_t id = 0;

  /* A 2-byte getrandom does not fail once the pool is ready; a fixed ID
   * would only weaken spoofing resistance, not correctness. */
  if (getrandom(&id, sizeof(id), 0) != (ssize_t)sizeof(id))
    id = 0x5a5a;
  return id;
}

static void errf(char *err, size_t cap, const char *fmt, ...)
{
  va_list ap;

  if (err == NULL || cap == 0)
    return;
  va_start(ap, fmt);
  vsnprintf(err, cap, fmt, ap);
  va_end(ap);
}

/* Start a sentence of the notes in err, after a space when not the first. */
static struct dp_buf *sentence(struct dp_buf *notes)
{
  if (notes->len > 0)
    dp_buf_adds(notes, " ");
  return notes;
}

/*
 * One query to the resolver: UDP first, TCP when the reply has TC=1. On DP_OK
 * msg is parsed from *owned (freed by the caller) or *outcome says why not.
 */
static dp_status_t ask(dp_engine_t *eng, const struct sockaddr *resolver,
                       socklen_t rlen, const char *qname, uint16_t qtype,
                       unsigned timeout_ms, struct dp_wire_msg *msg,
                       uint8_t **owned, dp_outcome_t *outcome)
{
  struct dp_wire_query q;
  uint8_t query[512];
  size_t qlen = 0;
  dp_status_t st;

  *owned = NULL;
  memset(&q, 0, sizeof(q));
  q.id = random_id();
  q.rd = true;
  q.qname = qname;
  q.qtype = qtype;
  q.qclass = DP_CLASS_IN;
  q.edns = true;
  q.udp_size = EDNS_UDP_SIZE;
  st = dp_wire_query_write(&q, query, sizeof(query), &qlen);
  if (st != DP_OK)
    return st;

  /* UDP up to DP_DISCOVER_TRIES times while nothing comes back, then TCP
   * once when the reply was truncated. */
  bool tcp = false;
  for (int attempt = 0; attempt < DP_DISCOVER_TRIES + 1; attempt++)
  {
    struct reply r = {DP_OUTCOME_LOCAL_ERROR, NULL, 0};
    struct dp_engine_request req;

    memset(&req, 0, sizeof(req));
    memcpy(&req.addr, resolver, rlen);
    req.addrlen = rlen;
    req.transport = tcp ? DP_TRANSPORT_TCP : DP_TRANSPORT_UDP;
    req.msg = query;
    req.len = qlen;
    req.timeout_ms = timeout_ms != 0 ? timeout_ms : 1;
    req.done = on_done;
    req.arg = &r;
    st = dp_engine_submit(eng, &req);
    if (st == DP_OK)
      st = dp_engine_run(eng);
    if (st != DP_OK)
    {
      free(r.buf);
      return st;
    }
    *outcome = r.outcome;
    if (r.buf == NULL)
    {
      /* Silence is worth another try (with a new ID); an error that says
       * why (port unreachable, refused, reset) is not. */
      if (!tcp && r.outcome == DP_OUTCOME_TIMEOUT &&
          attempt + 1 < DP_DISCOVER_TRIES)
      {
        q.id = random_id();
        if (dp_wire_query_write(&q, query, sizeof(query), &qlen) == DP_OK)
          continue;
      }
      return DP_OK;
    }
    if (dp_wire_msg_parse(r.buf, r.len, msg) != DP_OK)
    {
      free(r.buf);
      *outcome = DP_OUTCOME_MALFORMED;
      return DP_OK;
    }
    if (msg->tc && !tcp)
    {
      free(r.buf);
      tcp = true;
      continue;
    }
    *owned = r.buf;
    return DP_OK;
  }
  return DP_OK;
}

/* Whether the reply's question is (qname, qtype), RFC 5452 9.1. */
static bool question_is(const struct dp_wire_msg *msg, const char *qname,
                        uint16_t qtype)
{
  uint8_t want[DP_DNS_NAME_MAX + 1], got[DP_DNS_NAME_MAX + 1];
  size_t wlen = 0, glen = 0;

  if (!msg->has_question || msg->qtype != qtype ||
      dp_wire_name_fromstr(qname, want, sizeof(want), &wlen) != DP_OK ||
      dp_wire_name_read(msg->buf, msg->len, msg->qname_off, got, sizeof(got),
                        &glen, NULL) != DP_OK ||
      glen != wlen)
    return false;
  char a[DP_WIRE_NAME_STRLEN], b[DP_WIRE_NAME_STRLEN];
  if (dp_wire_name_tostr(want, wlen, a, sizeof(a)) != DP_OK ||
      dp_wire_name_tostr(got, glen, b, sizeof(b)) != DP_OK)
    return false;
  char ca[DP_WIRE_NAME_STRLEN], cb[DP_WIRE_NAME_STRLEN];
  return dp_wire_name_canon(a, ca, sizeof(ca)) == DP_OK &&
         dp_wire_name_canon(b, cb, sizeof(cb)) == DP_OK && strcmp(ca, cb) == 0;
}

/* The RDATA of rr as a name, canonical presentation form. */
static dp_status_t rdata_name(const struct dp_wire_msg *msg,
                              const struct dp_wire_rr *rr, char *out,
                              size_t cap)
{
  uint8_t wire[DP_DNS_NAME_MAX + 1];
  char text[DP_WIRE_NAME_STRLEN];
  size_t wlen = 0;

  if ((size_t)rr->rdata_off + rr->rdlength > msg->len)
    return DP_EMALFORMED;
  if (dp_wire_name_read(msg->buf, msg->len, rr->rdata_off, wire, sizeof(wire),
                        &wlen, NULL) != DP_OK ||
      dp_wire_name_tostr(wire, wlen, text, sizeof(text)) != DP_OK ||
      dp_wire_name_canon(text, out, cap) != DP_OK)
    return DP_EMALFORMED;
  return DP_OK;
}

static bool owner_is(const struct dp_wire_msg *msg, const struct dp_wire_rr *rr,
                     const char *name)
{
  uint8_t wire[DP_DNS_NAME_MAX + 1];
  size_t wlen = 0;

  return dp_wire_name_fromstr(name, wire, sizeof(wire), &wlen) == DP_OK &&
         dp_wire_rr_owner_is(msg, rr, wire, wlen);
}

static int name_cmp(const void *a, const void *b)
{
  return strcmp((const char *)a, (const char *)b);
}

dp_status_t dp_probe_discover_ns_parse(const struct dp_wire_msg *msg,
                                       const char *zone,
                                       char (*names)[DP_WIRE_NAME_STRLEN],
                                       size_t cap, size_t *count)
{
  size_t n = 0;

  if (msg == NULL || zone == NULL || names == NULL || count == NULL)
    return DP_EINVAL;
  *count = 0;
  if (msg->rcode != DP_RCODE_NOERROR)
    return DP_ENOTFOUND;
  for (unsigned i = 0; i < msg->nrr && i < DP_WIRE_RR_MAX; i++)
  {
    const struct dp_wire_rr *rr = &msg->rr[i];
    char name[DP_WIRE_NAME_STRLEN];
    bool dup = false;

    if (rr->section != DP_SECTION_ANSWER || rr->type != DP_TYPE_NS ||
        rr->rclass != DP_CLASS_IN || !owner_is(msg, rr, zone))
      continue;
    if (rdata_name(msg, rr, name, sizeof(name)) != DP_OK)
      return DP_EMALFORMED;
    for (size_t j = 0; j < n && !dup; j++)
      dup = strcmp(names[j], name) == 0;
    if (dup || n == cap)
      continue;
    memcpy(names[n++], name, sizeof(name));
  }
  if (n == 0)
    return DP_ENOTFOUND;
  qsort(names, n, sizeof(names[0]), name_cmp);
  *count = n;
  return DP_OK;
}

static bool same_addr(const struct dp_discovered *d, const char *ns,
                      const struct sockaddr_storage *ss, socklen_t len)
{
  return strcmp(d->ns, ns) == 0 && d->addrlen == len &&
         memcmp(&d->addr, ss, len) == 0;
}

dp_status_t dp_probe_discover_addr_parse(const struct dp_wire_msg *msg,
                                         const char *name, uint16_t qtype,
                                         uint16_t port,
                                         struct dp_discovered *out, size_t cap,
                                         size_t *count)
{
  char ns[DP_WIRE_NAME_STRLEN];
  char owner[DP_WIRE_NAME_STRLEN];

  if (msg == NULL || name == NULL || out == NULL || count == NULL ||
      (qtype != DP_TYPE_A && qtype != DP_TYPE_AAAA) ||
      dp_wire_name_canon(name, ns, sizeof(ns)) != DP_OK)
    return DP_EINVAL;
  if (msg->rcode != DP_RCODE_NOERROR)
    return DP_OK;
  if (port == 0)
    port = DNS_PORT;

  /* The owner the addresses hang from: name, or the end of its CNAME chain
   * within this answer (RFC 1034 3.6.2), at most CNAME_LINKS_MAX links. */
  memcpy(owner, ns, sizeof(owner));
  for (int link = 0; link < CNAME_LINKS_MAX; link++)
  {
    bool moved = false;
    for (unsigned i = 0; i < msg->nrr && i < DP_WIRE_RR_MAX && !moved; i++)
    {
      const struct dp_wire_rr *rr = &msg->rr[i];
      if (rr->section == DP_SECTION_ANSWER && rr->type == DP_TYPE_CNAME &&
          owner_is(msg, rr, owner))
      {
        if (rdata_name(msg, rr, owner, sizeof(owner)) != DP_OK)
          return DP_EMALFORMED;
        moved = true;
      }
    }
    if (!moved)
      break;
  }

  for (unsigned i = 0; i < msg->nrr && i < DP_WIRE_RR_MAX; i++)
  {
    const struct dp_wire_rr *rr = &msg->rr[i];
    struct sockaddr_storage ss;
    socklen_t len;
    bool dup = false;

    if (rr->section != DP_SECTION_ANSWER || rr->type != qtype ||
        rr->rclass != DP_CLASS_IN || !owner_is(msg, rr, owner))
      continue;
    if ((size_t)rr->rdata_off + rr->rdlength > msg->len)
      return DP_EMALFORMED;
    memset(&ss, 0, sizeof(ss));
    if (qtype == DP_TYPE_A)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
      if (rr->rdlength != 4)
        return DP_EMALFORMED;
      sin->sin_family = AF_INET;
      sin->sin_port = htons(port);
      memcpy(&sin->sin_addr, msg->buf + rr->rdata_off, 4);
      len = sizeof(*sin);
    }
    else
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
      if (rr->rdlength != 16)
        return DP_EMALFORMED;
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons(port);
      memcpy(&sin6->sin6_addr, msg->buf + rr->rdata_off, 16);
      len = sizeof(*sin6);
    }
    for (size_t j = 0; j < *count && !dup; j++)
      dup = same_addr(&out[j], ns, &ss, len);
    if (dup || *count >= cap)
      continue;
    memset(&out[*count], 0, sizeof(out[0]));
    memcpy(out[*count].ns, ns, sizeof(ns));
    out[*count].addr = ss;
    out[*count].addrlen = len;
    out[*count].cname = strcmp(owner, ns) != 0;
    (*count)++;
  }
  return DP_OK;
}

static const char *why_none(const struct dp_wire_msg *msg, bool parsed,
                            dp_outcome_t outcome, char *buf, size_t cap)
{
  if (!parsed)
    return dp_outcome_tostr(outcome);
  snprintf(buf, cap, "%s", dp_knowledge_rcode_name(msg->rcode));
  return buf;
}

bool dp_probe_discover_is_alias(const struct dp_wire_msg *msg, const char *name)
{
  if (msg == NULL || name == NULL)
    return false;
  for (unsigned i = 0; i < msg->nrr && i < DP_WIRE_RR_MAX; i++)
    if (msg->rr[i].section == DP_SECTION_ANSWER &&
        msg->rr[i].type == DP_TYPE_CNAME && owner_is(msg, &msg->rr[i], name))
      return true;
  return false;
}

/*
 * The A and AAAA records of name through the resolver (family permitting),
 * appended to out; *alias when an answer shows the name is a CNAME; why
 * says what the last lookup got ("no address records" when it answered
 * without one). msg is scratch space. Returns DP_OK or the engine's
 * statuses.
 */
static dp_status_t
resolve_name(dp_engine_t *eng, const struct sockaddr *resolver, socklen_t rlen,
             const char *name, int family, uint16_t port, unsigned timeout_ms,
             struct dp_wire_msg *msg, struct dp_discovered *out, size_t cap,
             size_t *count, bool *alias, char *why, size_t whycap)
{
  static const uint16_t types[] = {DP_TYPE_A, DP_TYPE_AAAA};
  uint8_t *owned = NULL;
  dp_outcome_t outcome = DP_OUTCOME_LOCAL_ERROR;
  char rcode[32];

  snprintf(why, whycap, "%s", "no address records");
  for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
  {
    if ((types[k] == DP_TYPE_A && family == AF_INET6) ||
        (types[k] == DP_TYPE_AAAA && family == AF_INET))
      continue;
    dp_status_t st = ask(eng, resolver, rlen, name, types[k], timeout_ms, msg,
                         &owned, &outcome);
    if (st != DP_OK)
      return st;
    if (owned == NULL || !question_is(msg, name, types[k]))
      snprintf(why, whycap, "%s",
               owned == NULL ? dp_outcome_tostr(outcome) : "question mismatch");
    else if (msg->rcode != DP_RCODE_NOERROR)
    {
      *alias |= dp_probe_discover_is_alias(msg, name);
      snprintf(why, whycap, "%s",
               why_none(msg, true, outcome, rcode, sizeof(rcode)));
    }
    else
    {
      *alias |= dp_probe_discover_is_alias(msg, name);
      if (dp_probe_discover_addr_parse(msg, name, types[k], port, out, cap,
                                       count) != DP_OK)
        snprintf(why, whycap, "%s", "malformed address record");
    }
    free(owned);
    owned = NULL;
  }
  return DP_OK;
}

dp_status_t dp_probe_discover_host(
    const char *name, const struct sockaddr *resolver, socklen_t rlen,
    int family, uint16_t port, unsigned timeout_ms, struct dp_discovered *out,
    size_t cap, size_t *count, bool *cname, char *why, size_t whycap)
{
  char canon[DP_WIRE_NAME_STRLEN], scratch[48];
  dp_engine_t *eng = NULL;
  struct dp_wire_msg *msg = NULL;
  bool alias = false;
  dp_status_t st;

  if (name == NULL || resolver == NULL || rlen == 0 ||
      rlen > sizeof(struct sockaddr_storage) || out == NULL || count == NULL ||
      (family != AF_UNSPEC && family != AF_INET && family != AF_INET6))
    return DP_EINVAL;
  if (why == NULL || whycap == 0)
  {
    why = scratch;
    whycap = sizeof(scratch);
  }
  st = dp_wire_name_canon(name, canon, sizeof(canon));
  if (st != DP_OK)
    return st;
  if (port == 0)
    port = DNS_PORT;
  msg = calloc(1, sizeof(*msg));
  if (msg == NULL)
    return DP_ENOMEM;
  st = dp_engine_create(NULL, &eng);
  if (st == DP_OK)
    st = resolve_name(eng, resolver, rlen, canon, family, port, timeout_ms, msg,
                      out, cap, count, &alias, why, whycap);
  if (cname != NULL)
    *cname = alias;
  dp_engine_destroy(eng);
  free(msg);
  return st;
}

/* The name after the first label of name (presentation form, trailing
 * dot): "." after a single label, NULL after the root. An escaped dot (\.)
 * is inside a label. */
static const char *after_first_label(const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
  {
    if (*p == '\\' && p[1] != '\0')
    {
      p++;
      continue;
    }
    if (*p == '.')
      return p[1] != '\0' ? p + 1 : (p == name ? NULL : ".");
  }
  return NULL;
}

dp_status_t dp_probe_discover_parent(const char *zone,
                                     const struct sockaddr *resolver,
                                     socklen_t rlen, unsigned timeout_ms,
                                     char *parent, size_t cap, char *why,
                                     size_t whycap)
{
  char canon[DP_WIRE_NAME_STRLEN], rcode[32];
  dp_engine_t *eng = NULL;
  struct dp_wire_msg *msg = NULL;
  uint8_t *owned = NULL;
  dp_outcome_t outcome = DP_OUTCOME_LOCAL_ERROR;
  dp_status_t st;

  errf(why, whycap, "%s", "");
  if (zone == NULL || resolver == NULL || rlen == 0 ||
      rlen > sizeof(struct sockaddr_storage) || parent == NULL || cap == 0)
    return DP_EINVAL;
  parent[0] = '\0';
  st = dp_wire_name_canon(zone, canon, sizeof(canon));
  if (st != DP_OK)
    return st;
  if (strcmp(canon, ".") == 0)
  {
    errf(why, whycap, "%s", "the root zone has no parent");
    return DP_EINVAL;
  }
  msg = calloc(1, sizeof(*msg));
  if (msg == NULL)
    return DP_ENOMEM;
  st = dp_engine_create(NULL, &eng);
  if (st != DP_OK)
    goto done;

  /* Up one label at a time (a name has at most 127): the first ancestor
   * with an NS set of its own is where the zone is delegated from. */
  const char *candidate = after_first_label(canon);
  for (int labels = 0; candidate != NULL && labels < 128; labels++)
  {
    char(*names)[DP_WIRE_NAME_STRLEN] = NULL;
    size_t nnames = 0;

    st = ask(eng, resolver, rlen, candidate, DP_TYPE_NS, timeout_ms, msg,
             &owned, &outcome);
    if (st != DP_OK)
      goto done;
    bool same = owned != NULL && question_is(msg, candidate, DP_TYPE_NS);
    if (!same ||
        (msg->rcode != DP_RCODE_NOERROR && msg->rcode != DP_RCODE_NXDOMAIN))
    {
      errf(why, whycap, "the NS set of %s: %s", candidate,
           owned == NULL ? dp_outcome_tostr(outcome)
           : !same       ? "question mismatch"
                         : why_none(msg, true, outcome, rcode, sizeof(rcode)));
      st = DP_ENOTFOUND;
      goto done;
    }
    names = calloc(DP_DISCOVER_NS_MAX, sizeof(*names));
    if (names == NULL)
    {
      st = DP_ENOMEM;
      goto done;
    }
    bool has_ns =
        dp_probe_discover_ns_parse(msg, candidate, names, DP_DISCOVER_NS_MAX,
                                   &nnames) == DP_OK;
    free(names);
    free(owned);
    owned = NULL;
    if (has_ns)
    {
      snprintf(parent, cap, "%s", candidate);
      st = DP_OK;
      goto done;
    }
    candidate =
        strcmp(candidate, ".") == 0 ? NULL : after_first_label(candidate);
  }
  errf(why, whycap, "no parent of %s has an NS set", canon);
  st = DP_ENOTFOUND;

done:
  free(owned);
  free(msg);
  dp_engine_destroy(eng);
  return st;
}

dp_status_t dp_probe_discover(const char *zone, const struct sockaddr *resolver,
                              socklen_t rlen, int family, uint16_t port,
                              unsigned timeout_ms, struct dp_discovered **out,
                              size_t *n, struct dp_discover_miss *missed,
                              size_t *nmissed, char *err, size_t errcap)
{
  char canon[DP_WIRE_NAME_STRLEN];
  char(*names)[DP_WIRE_NAME_STRLEN] = NULL;
  struct dp_discovered *found = NULL;
  size_t nnames = 0, nfound = 0;
  dp_engine_t *eng = NULL;
  struct dp_wire_msg *msg = NULL;
  uint8_t *owned = NULL;
  dp_outcome_t outcome = DP_OUTCOME_LOCAL_ERROR;
  char why[32];
  dp_status_t st;

  errf(err, errcap, "%s", "");
  if (out == NULL || n == NULL)
    return DP_EINVAL;
  *out = NULL;
  *n = 0;
  if (nmissed != NULL)
    *nmissed = 0;
  if (zone == NULL || resolver == NULL || rlen == 0 ||
      rlen > sizeof(struct sockaddr_storage) ||
      (family != AF_UNSPEC && family != AF_INET && family != AF_INET6))
  {
    errf(err, errcap, "%s",
         resolver == NULL ? "no resolver to ask for the NS set"
                          : "invalid argument");
    return DP_EINVAL;
  }
  st = dp_wire_name_canon(zone, canon, sizeof(canon));
  if (st != DP_OK)
  {
    errf(err, errcap, "bad zone name %s", zone);
    return st;
  }

  names = calloc(DP_DISCOVER_NS_MAX, sizeof(*names));
  found = calloc(DP_DISCOVER_ADDR_MAX, sizeof(*found));
  msg = calloc(1, sizeof(*msg));
  if (names == NULL || found == NULL || msg == NULL)
  {
    st = DP_ENOMEM;
    goto done;
  }
  st = dp_engine_create(NULL, &eng);
  if (st != DP_OK)
    goto done;

  st = ask(eng, resolver, rlen, canon, DP_TYPE_NS, timeout_ms, msg, &owned,
           &outcome);
  if (st != DP_OK)
    goto done;
  if (owned == NULL || !question_is(msg, canon, DP_TYPE_NS))
  {
    errf(err, errcap, "no NS set for %s from the resolver: %s", canon,
         owned == NULL ? dp_outcome_tostr(outcome) : "question mismatch");
    st = DP_ENOTFOUND;
    goto done;
  }
  st = dp_probe_discover_ns_parse(msg, canon, names, DP_DISCOVER_NS_MAX,
                                  &nnames);
  if (st != DP_OK)
  {
    errf(err, errcap, "no NS set for %s from the resolver: %s", canon,
         st == DP_ENOTFOUND ? why_none(msg, true, outcome, why, sizeof(why))
                            : "malformed NS record");
    st = st == DP_ENOTFOUND ? DP_ENOTFOUND : DP_EMALFORMED;
    goto done;
  }
  free(owned);
  owned = NULL;

  /* From here on err collects notes, one sentence per name server. */
  struct dp_buf notes;
  if (err != NULL && errcap > 0)
    dp_buf_init_fixed(&notes, err, errcap);
  for (size_t i = 0; i < nnames; i++)
  {
    size_t before = nfound;
    bool alias = false;
    char last_why[48];

    st = resolve_name(eng, resolver, rlen, names[i], family, port, timeout_ms,
                      msg, found, DP_DISCOVER_ADDR_MAX, &nfound, &alias,
                      last_why, sizeof(last_why));
    if (st != DP_OK)
      goto done;
    if (nfound == before && err != NULL && errcap > 0)
      dp_buf_addf(sentence(&notes), "%s has no address (%s).", names[i],
                  last_why);
    if (nfound == before && missed != NULL && nmissed != NULL &&
        *nmissed < DP_DISCOVER_NS_MAX)
    {
      struct dp_discover_miss *m = &missed[(*nmissed)++];
      snprintf(m->ns, sizeof(m->ns), "%s", names[i]);
      snprintf(m->why, sizeof(m->why), "%s", last_why);
      m->cname = alias;
    }
  }
  if (nfound == 0)
  {
    if (err != NULL && errcap > 0)
      dp_buf_addf(sentence(&notes), "No server of %s has an address.", canon);
    st = DP_ENOTFOUND;
    goto done;
  }
  *out = found;
  *n = nfound;
  found = NULL;
  st = DP_OK;

done:
  free(owned);
  free(msg);
  free(names);
  free(found);
  dp_engine_destroy(eng);
  return st;
}

dp_status_t dp_probe_discover_ds(const char *zone,
                                 const struct sockaddr *resolver,
                                 socklen_t rlen, unsigned timeout_ms,
                                 uint8_t **reply, size_t *len, char *why,
                                 size_t whycap)
{
  char canon[DP_WIRE_NAME_STRLEN];
  dp_engine_t *eng = NULL;
  struct dp_wire_msg *msg = NULL;
  dp_outcome_t outcome = DP_OUTCOME_LOCAL_ERROR;
  dp_status_t st;

  errf(why, whycap, "%s", "");
  if (reply == NULL || len == NULL)
    return DP_EINVAL;
  *reply = NULL;
  *len = 0;
  if (zone == NULL || resolver == NULL || rlen == 0 ||
      rlen > sizeof(struct sockaddr_storage))
    return DP_EINVAL;
  if ((st = dp_wire_name_canon(zone, canon, sizeof(canon))) != DP_OK)
    return st;
  if ((msg = calloc(1, sizeof(*msg))) == NULL)
    return DP_ENOMEM;
  if ((st = dp_engine_create(NULL, &eng)) != DP_OK)
    goto done;
  st = ask(eng, resolver, rlen, canon, DP_TYPE_DS, timeout_ms, msg, reply,
           &outcome);
  if (st != DP_OK)
    goto done;
  if (*reply == NULL)
    errf(why, whycap, "%s", dp_outcome_tostr(outcome));
  else if (!question_is(msg, canon, DP_TYPE_DS))
  {
    errf(why, whycap, "question mismatch");
    free(*reply);
    *reply = NULL;
  }
  else
    *len = msg->len;

done:
  if (st != DP_OK)
  {
    free(*reply);
    *reply = NULL;
  }
  free(msg);
  dp_engine_destroy(eng);
  return st;
}
