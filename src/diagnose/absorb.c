/*
 * absorb.c: a reply into the run model. The lenient parser of wire/ reads
 * the message; this keeps of it what the judges and the reports need (the
 * header, the question check, OPT and its options, EDE, the SOA serial, the
 * first TXT, NSID, COOKIE, the answer's records of the type asked and its
 * RRSIGs), so no layer above reads packet bytes. What was
 * sent is kept beside it (dp_diagnose_query_info).
 */
#include <stdio.h>
#include <string.h>

#include "dnsprobe/diagnose.h"
#include "dnsprobe/dns.h"

/* Whether the reply's question is the one the probe asked. */
static bool question_matches(const struct dp_wire_msg *m,
                             const struct dp_probe_result *r)
{
  uint8_t want[DP_DNS_NAME_MAX];
  size_t wl = 0;
  if (dp_wire_name_fromstr(r->query.qname, want, sizeof(want), &wl) != DP_OK)
    return false;
  return dp_wire_question_is(m, want, wl, r->query.qtype, r->query.qclass);
}

/* The same, byte for byte: the letters of the name in the case sent. */
static bool question_exact(const struct dp_wire_msg *m,
                           const struct dp_probe_result *r)
{
  uint8_t want[DP_DNS_NAME_MAX];
  size_t wl = 0;
  if (dp_wire_name_fromstr(r->query.qname, want, sizeof(want), &wl) != DP_OK)
    return false;
  return dp_wire_question_exact(m, want, wl, r->query.qtype, r->query.qclass);
}

/* The reply's question name as text, "" when it has none or it does not
 * fit. */
static void echoed_qname(const struct dp_wire_msg *m, char *out, size_t cap)
{
  uint8_t name[DP_DNS_NAME_MAX];
  size_t len = 0;
  out[0] = '\0';
  if (m->qdcount > 0 && dp_wire_qname(m, name, sizeof(name), &len) == DP_OK &&
      dp_wire_name_tostr(name, len, out, cap) != DP_OK)
    out[0] = '\0';
}

static void fill_answer(struct dp_probe_result *r, const struct dp_wire_msg *m,
                        const struct dp_diagnose_stream *st, const char *zone)
{
  struct dp_answer_info *a = &r->answer;
  memset(a, 0, sizeof(*a));
  a->rcode = m->rcode;
  a->flags = m->flags;
  a->opcode = m->opcode;
  a->qdcount = m->qdcount;
  a->ancount = m->ancount;
  a->nscount = m->nscount;
  a->arcount = m->arcount;
  a->question_matches = question_matches(m, r);
  a->question_exact = question_exact(m, r);
  echoed_qname(m, a->qname, sizeof(a->qname));
  a->edns = m->opt.present;
  a->edns_count = m->opt.count;
  a->edns_version = m->opt.version;
  a->udp_size = m->opt.udp_size;
  a->do_bit = m->opt.do_bit;
  a->edns_flags = m->opt.flags;
  for (unsigned i = 0; i < m->opt.ncodes && a->nopt_codes < DP_RESULT_OPTS_MAX;
       i++)
    a->opt_codes[a->nopt_codes++] = m->opt.codes[i];
  for (unsigned i = 0; i < m->opt.nede && a->nede < DP_RESULT_EDE_MAX; i++)
  {
    struct dp_ede_info *d = &a->ede[a->nede++];
    d->code = m->opt.ede[i].code;
    (void)dp_wire_ede_text(m, i, d->text, sizeof(d->text));
  }
  a->has_soa = m->has_soa_serial;
  a->soa_serial = m->soa_serial;
  if (a->has_soa)
  {
    uint8_t zw[DP_DNS_NAME_MAX];
    size_t zl = 0;
    if (dp_wire_name_fromstr(zone, zw, sizeof(zw), &zl) == DP_OK)
      for (unsigned i = 0; i < m->nrr; i++)
        if (m->rr[i].section == DP_SECTION_ANSWER &&
            m->rr[i].type == DP_TYPE_SOA)
        {
          a->soa_owner_is_zone = dp_wire_rr_owner_is(m, &m->rr[i], zw, zl);
          break;
        }
  }
  bool ns_in_authority = false;
  for (unsigned i = 0; i < m->nrr; i++)
  {
    const struct dp_wire_rr *rr = &m->rr[i];
    if (rr->section == DP_SECTION_AUTHORITY && rr->type == DP_TYPE_NS)
      ns_in_authority = true;
    if (rr->section != DP_SECTION_ANSWER)
      continue;
    if (rr->type == r->query.qtype)
      a->asked++;
    else if (rr->type == DP_TYPE_RRSIG)
      a->rrsigs++;
  }
  a->referral = m->ancount == 0 && !m->aa && ns_in_authority &&
                m->rcode == DP_RCODE_NOERROR;
  a->messages = st ? st->messages : 1;
  a->records = st && st->records ? st->records : m->ancount;
  a->stream_complete = st ? st->complete : true;
  a->limit_hit = st ? st->limit_hit : false;
  a->parse_complete = m->complete;
  a->length = m->len;
  for (unsigned i = 0; i < m->nrr; i++)
    if (m->rr[i].section == DP_SECTION_ANSWER && m->rr[i].type == DP_TYPE_TXT)
    {
      (void)dp_wire_txt_tostr(m, &m->rr[i], a->txt, sizeof(a->txt));
      break;
    }
  a->nsid_present = m->opt.nsid_present;
  (void)dp_wire_nsid_text(m, a->nsid, sizeof(a->nsid));
  if (m->opt.cookie_present)
    a->cookie_len =
        (uint8_t)(m->opt.cookie_len > 255 ? 255 : m->opt.cookie_len);
  if (!m->complete)
    snprintf(a->problem, sizeof(a->problem), "%s at offset %zu",
             m->problem_what ? m->problem_what : dp_strerror(m->problem),
             m->problem_off);
}

bool dp_diagnose_absorb(struct dp_probe_result *r, const uint8_t *buf,
                        size_t len, const char *zone,
                        const struct dp_diagnose_stream *stream)
{
  struct dp_wire_msg m;
  if (r == NULL)
    return false;
  r->has_answer = false;
  if (buf == NULL || zone == NULL || dp_wire_msg_parse(buf, len, &m) != DP_OK)
  {
    r->outcome = DP_OUTCOME_MALFORMED;
    return false;
  }
  r->has_answer = true;
  fill_answer(r, &m, stream, zone);
  return true;
}

void dp_diagnose_query_info(struct dp_query_info *qi,
                            const struct dp_wire_query *q)
{
  memset(qi, 0, sizeof(*qi));
  snprintf(qi->qname, sizeof(qi->qname), "%s", q->qname ? q->qname : ".");
  qi->qtype = q->qtype;
  qi->qclass = q->qclass;
  qi->opcode = q->opcode;
  qi->flags = (uint16_t)((q->aa ? DP_FLAG_AA : 0) | (q->tc ? DP_FLAG_TC : 0) |
                         (q->rd ? DP_FLAG_RD : 0) | (q->ra ? DP_FLAG_RA : 0) |
                         (q->z ? DP_FLAG_Z : 0) | (q->ad ? DP_FLAG_AD : 0) |
                         (q->cd ? DP_FLAG_CD : 0));
  qi->edns = q->edns;
  qi->edns_version = q->edns_version;
  qi->udp_size = q->udp_size;
  qi->do_bit = q->do_bit;
  qi->edns_flags = q->edns_flags;
  for (size_t i = 0; i < q->nopts && qi->nopts < DP_RESULT_OPTS_MAX; i++)
    qi->opt_codes[qi->nopts++] = q->opts[i].code;
  qi->has_ixfr_serial = q->ixfr_soa;
  qi->ixfr_serial = q->ixfr_serial;
  qi->id = q->id;
}
