/*
 * reproduce.c: the dig command that sends the same query as a probe, so a
 * reader can check any verdict by hand. Every property of the query maps to
 * a dig option (BIND 9.18): transport, RD/CD/AA/Z, opcode, EDNS version,
 * buffer size, DO, flags and options; cookies are switched off unless the
 * probe sends one, since dig adds one by default.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dnsprobe/probes.h"

struct out
{
  char *buf;
  size_t cap, len;
  bool full;
};

static void put(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
  va_list ap;
  if (o->full)
    return;
  va_start(ap, fmt);
  int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= o->cap - o->len)
    o->full = true;
  else
    o->len += (size_t)n;
}

static bool has_opt(const struct dp_query_info *q, uint16_t code)
{
  for (unsigned i = 0; i < q->nopts; i++)
    if (q->opt_codes[i] == code)
      return true;
  return false;
}

dp_status_t dp_probe_reproduce(const struct dp_target_result *t,
                               const struct dp_probe_result *p, char *buf,
                               size_t cap)
{
  if (t == NULL || p == NULL || buf == NULL || cap == 0)
    return DP_EINVAL;
  struct out o = {buf, cap, 0, false};
  const struct dp_query_info *q = &p->query;
  char type[24], class[24];

  buf[0] = '\0';
  put(&o, "dig @%s -p %u", t->address, (unsigned)t->port);
  if (p->transport == DP_TRANSPORT_TCP && q->qtype != DP_TYPE_AXFR &&
      q->qtype != DP_TYPE_IXFR)
    put(&o, " +tcp");
  put(&o, (q->flags & DP_FLAG_RD) ? " +rec" : " +norec");
  if (q->flags & DP_FLAG_CD)
    put(&o, " +cdflag");
  if (q->flags & DP_FLAG_AA)
    put(&o, " +aaflag");
  if (q->flags & DP_FLAG_Z)
    put(&o, " +zflag");
  if (q->opcode == DP_OPCODE_UPDATE)
    put(&o, " +opcode=update");
  else if (q->opcode == DP_OPCODE_NOTIFY)
    put(&o, " +opcode=notify");
  else if (q->opcode != DP_OPCODE_QUERY)
    put(&o, " +opcode=%u", (unsigned)q->opcode);
  if (!q->edns)
    put(&o, " +noedns");
  else
  {
    put(&o, " +edns=%u +noednsneg +bufsize=%u", (unsigned)q->edns_version,
        (unsigned)q->udp_size);
    if (q->do_bit)
      put(&o, " +dnssec");
    if (q->edns_flags & ~DP_EDNS_FLAG_DO)
      put(&o, " +ednsflags=0x%04x",
          (unsigned)(q->edns_flags & ~DP_EDNS_FLAG_DO));
    put(&o, has_opt(q, DP_EDNS_COOKIE) ? " +cookie" : " +nocookie");
    if (has_opt(q, DP_EDNS_NSID))
      put(&o, " +nsid");
    for (unsigned i = 0; i < q->nopts; i++)
      if (q->opt_codes[i] != DP_EDNS_COOKIE && q->opt_codes[i] != DP_EDNS_NSID)
        put(&o, " +ednsopt=%u", (unsigned)q->opt_codes[i]);
  }
  /* the class goes between name and type: dig ignores -c after options */
  dp_wire_class_tostr(q->qclass, class, sizeof(class));
  dp_wire_type_tostr(q->qtype, type, sizeof(type));
  put(&o, " %s", q->qname);
  if (q->qclass != DP_CLASS_IN)
    put(&o, " %s", class);
  if (q->qtype == DP_TYPE_IXFR)
    put(&o, " IXFR=%u", (unsigned)q->ixfr_serial);
  else
    put(&o, " %s", type);
  return o.full ? DP_ESPACE : DP_OK;
}
