/*
 * reproduce.c: the dig command that sends the same query as a probe, so a
 * reader can check any verdict by hand. Every property of the query maps to
 * a dig option (BIND 9.18): transport, RD/CD/AA/Z, opcode, EDNS version,
 * buffer size, DO, flags and options; cookies are switched off unless the
 * probe sends one, since dig adds one by default.
 */
#include <string.h>

#include "dnsprobe/buf.h"
#include "dnsprobe/dns.h"
#include "dnsprobe/report.h"

static bool has_opt(const struct dp_query_info *q, uint16_t code)
{
  for (unsigned i = 0; i < q->nopts; i++)
    if (q->opt_codes[i] == code)
      return true;
  return false;
}

dp_status_t dp_report_reproduce(const struct dp_target_result *t,
                                const struct dp_probe_result *p, char *buf,
                                size_t cap)
{
  if (t == NULL || p == NULL || buf == NULL || cap == 0)
    return DP_EINVAL;
  struct dp_buf o;
  dp_buf_init_fixed(&o, buf, cap);
  const struct dp_query_info *q = &p->query;
  char type[24], class[24];

  dp_buf_addf(&o, "dig @%s -p %u", t->address, (unsigned)t->port);
  if (p->transport == DP_TRANSPORT_TCP && q->qtype != DP_TYPE_AXFR &&
      q->qtype != DP_TYPE_IXFR)
    dp_buf_addf(&o, " +tcp");
  dp_buf_addf(&o, (q->flags & DP_FLAG_RD) ? " +rec" : " +norec");
  if (q->flags & DP_FLAG_CD)
    dp_buf_addf(&o, " +cdflag");
  if (q->flags & DP_FLAG_AA)
    dp_buf_addf(&o, " +aaflag");
  if (q->flags & DP_FLAG_Z)
    dp_buf_addf(&o, " +zflag");
  if (q->opcode == DP_OPCODE_UPDATE)
    dp_buf_addf(&o, " +opcode=update");
  else if (q->opcode == DP_OPCODE_NOTIFY)
    dp_buf_addf(&o, " +opcode=notify");
  else if (q->opcode != DP_OPCODE_QUERY)
    dp_buf_addf(&o, " +opcode=%u", (unsigned)q->opcode);
  if (!q->edns)
    dp_buf_addf(&o, " +noedns");
  else
  {
    dp_buf_addf(&o, " +edns=%u +noednsneg +bufsize=%u",
                (unsigned)q->edns_version, (unsigned)q->udp_size);
    if (q->do_bit)
      dp_buf_addf(&o, " +dnssec");
    if (q->edns_flags & ~DP_EDNS_FLAG_DO)
      dp_buf_addf(&o, " +ednsflags=0x%04x",
                  (unsigned)(q->edns_flags & ~DP_EDNS_FLAG_DO));
    dp_buf_addf(&o, has_opt(q, DP_EDNS_COOKIE) ? " +cookie" : " +nocookie");
    if (has_opt(q, DP_EDNS_NSID))
      dp_buf_addf(&o, " +nsid");
    for (unsigned i = 0; i < q->nopts; i++)
      if (q->opt_codes[i] != DP_EDNS_COOKIE && q->opt_codes[i] != DP_EDNS_NSID)
        dp_buf_addf(&o, " +ednsopt=%u", (unsigned)q->opt_codes[i]);
  }
  /* the class goes between name and type: dig ignores -c after options */
  dp_wire_class_tostr(q->qclass, class, sizeof(class));
  dp_wire_type_tostr(q->qtype, type, sizeof(type));
  dp_buf_addf(&o, " %s", q->qname);
  if (q->qclass != DP_CLASS_IN)
    dp_buf_addf(&o, " %s", class);
  if (q->qtype == DP_TYPE_IXFR)
    dp_buf_addf(&o, " IXFR=%u", (unsigned)q->ixfr_serial);
  else
    dp_buf_addf(&o, " %s", type);
  return dp_buf_failed(&o) ? DP_ESPACE : DP_OK;
}
