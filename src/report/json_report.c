/*
 * json_report.c: the JSON report, schema "dnsprobe/1" (documented in the
 * docs/json.md). Member names and the stable names they carry (outcome, verdict,
 * severity, role, status, finding keys) are an interface for machines:
 * never rename one; add members instead.
 *
 * Invariants: it only reads the run model. Counts in the model are clamped
 * to the arrays they index, and fixed-size strings are read only up to their
 * array's size, so a half-filled result cannot make it read out of bounds.
 * Numbers of milliseconds carry at most 3 decimals (dp_json_double).
 */
#include <string.h>

#include "dnsprobe/json.h"
#include "format.h"
#include "util.h"
#include "zone_report.h"

#define SCHEMA "dnsprobe/1"

/* Header flags in header order (RFC 1035 section 4.1.1, RFC 4035 3.2). */
static const struct
{
  uint16_t bit;
  const char *name;
} header_flags[] = {
    {DP_FLAG_QR, "qr"}, {DP_FLAG_AA, "aa"}, {DP_FLAG_TC, "tc"},
    {DP_FLAG_RD, "rd"}, {DP_FLAG_RA, "ra"}, {DP_FLAG_Z, "z"},
    {DP_FLAG_AD, "ad"}, {DP_FLAG_CD, "cd"},
};

static size_t min_size(size_t a, size_t b)
{
  return a < b ? a : b;
}

/* A string from a fixed array that may lack its NUL. */
static void string_fixed(dp_json_t *w, const char *buf, size_t cap)
{
  char tmp[DP_WIRE_NAME_STRLEN];
  size_t n = strnlen(buf, min_size(cap, sizeof(tmp) - 1));
  memcpy(tmp, buf, n);
  tmp[n] = '\0';
  dp_json_string(w, tmp);
}

static void member_uint(dp_json_t *w, const char *key, uint64_t v)
{
  dp_json_key(w, key);
  dp_json_uint(w, v);
}

static void write_flags(dp_json_t *w, uint16_t flags)
{
  dp_json_key(w, "flags");
  dp_json_array_begin(w);
  for (size_t i = 0; i < sizeof(header_flags) / sizeof(header_flags[0]); i++)
    if (flags & header_flags[i].bit)
      dp_json_string(w, header_flags[i].name);
  dp_json_array_end(w);
}

/* The OPT record's summary (RFC 6891 section 6.1), or null without one. */
static void write_edns(dp_json_t *w, bool present, uint8_t version,
                       uint16_t udp_size, bool do_bit, const uint16_t *codes,
                       unsigned ncodes)
{
  dp_json_key(w, "edns");
  if (!present)
  {
    dp_json_null(w);
    return;
  }
  dp_json_object_begin(w);
  member_uint(w, "version", version);
  member_uint(w, "udp_size", udp_size);
  dp_report_member_bool(w, "do", do_bit);
  dp_json_key(w, "options");
  dp_json_array_begin(w);
  for (size_t i = 0; i < min_size(ncodes, DP_RESULT_OPTS_MAX); i++)
    dp_json_uint(w, codes[i]);
  dp_json_array_end(w);
  dp_json_object_end(w);
}

static void write_query(dp_json_t *w, const struct dp_query_info *q)
{
  char name[32];

  dp_json_key(w, "query");
  dp_json_object_begin(w);
  dp_report_member_fixed(w, "qname", q->qname, sizeof(q->qname));
  dp_wire_type_tostr(q->qtype, name, sizeof(name));
  dp_report_member_string(w, "qtype", name);
  dp_wire_class_tostr(q->qclass, name, sizeof(name));
  dp_report_member_string(w, "qclass", name);
  dp_report_member_string(w, "opcode", dp_knowledge_opcode_name(q->opcode));
  write_flags(w, q->flags);
  write_edns(w, q->edns, q->edns_version, q->udp_size, q->do_bit, q->opt_codes,
             q->nopts);
  dp_json_object_end(w);
}

/* Extended DNS Errors (RFC 8914 section 2): code, registry name, text. */
static void write_ede(dp_json_t *w, const struct dp_answer_info *a)
{
  dp_json_key(w, "ede");
  dp_json_array_begin(w);
  for (size_t i = 0; i < min_size(a->nede, DP_RESULT_EDE_MAX); i++)
  {
    const struct dp_ede_info *e = &a->ede[i];
    const struct dp_knowledge_ede *k = dp_knowledge_ede_get(e->code);
    dp_json_object_begin(w);
    member_uint(w, "code", e->code);
    dp_report_member_string(w, "name", k != NULL ? k->name : NULL);
    dp_report_member_fixed(w, "text", e->text, sizeof(e->text));
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
}

static void write_answer(dp_json_t *w, bool has_answer,
                         const struct dp_answer_info *a)
{
  dp_json_key(w, "answer");
  if (!has_answer)
  {
    dp_json_null(w);
    return;
  }
  /* RFC 6891 section 6.1.3: the RCODE is 12 bits with the OPT's upper 8. */
  uint16_t rcode = a->rcode & 0x0FFF;
  dp_json_object_begin(w);
  dp_report_member_string(w, "rcode", dp_knowledge_rcode_name(rcode));
  member_uint(w, "rcode_value", rcode);
  dp_report_member_string(w, "opcode", dp_knowledge_opcode_name(a->opcode));
  write_flags(w, a->flags);
  member_uint(w, "qdcount", a->qdcount);
  member_uint(w, "ancount", a->ancount);
  member_uint(w, "nscount", a->nscount);
  member_uint(w, "arcount", a->arcount);
  dp_report_member_bool(w, "question_matches", a->question_matches);
  write_edns(w, a->edns, a->edns_version, a->udp_size, a->do_bit, a->opt_codes,
             a->nopt_codes);
  write_ede(w, a);
  dp_json_key(w, "soa_serial");
  if (a->has_soa)
    dp_json_uint(w, a->soa_serial);
  else
    dp_json_null(w);
  member_uint(w, "messages", a->messages);
  member_uint(w, "records", a->records);
  dp_report_member_bool(w, "stream_complete", a->stream_complete);
  dp_report_member_bool(w, "complete", a->parse_complete);
  dp_json_key(w, "problem");
  if (strnlen(a->problem, sizeof(a->problem)) > 0)
    string_fixed(w, a->problem, sizeof(a->problem));
  else
    dp_json_null(w);
  dp_json_object_end(w);
}

static void write_probe(dp_json_t *w, const struct dp_target_result *t,
                        const struct dp_probe_result *p)
{
  char cmd[DP_WIRE_NAME_STRLEN + 256];
  bool has_cmd = !dp_report_probe_skipped(p) &&
                 dp_report_reproduce(t, p, cmd, sizeof(cmd)) == DP_OK;

  dp_json_object_begin(w);
  dp_report_member_string(w, "id", dp_probe_id_tostr(p->probe));
  dp_report_member_string(w, "transport", dp_transport_tostr(p->transport));
  write_query(w, &p->query);
  dp_report_member_string(w, "outcome", dp_outcome_tostr(p->outcome));
  dp_report_member_ms(w, "rtt_ms", p->rtt_ms);
  /* TCP: whether the server accepted the connection; null over UDP */
  dp_json_key(w, "connected");
  if (p->transport == DP_TRANSPORT_TCP && !dp_report_probe_skipped(p))
    dp_json_bool(w, p->connected);
  else
    dp_json_null(w);
  write_answer(w, p->has_answer, &p->answer);
  dp_report_member_string(w, "verdict", dp_report_verdict_name(p));
  dp_report_member_string(w, "detail", p->detail);
  dp_report_member_string(
      w, "cause", p->cause != DP_CAUSE_NONE ? dp_cause_tostr(p->cause) : NULL);
  dp_report_member_string(w, "reproduce", has_cmd ? cmd : NULL);
  /* the second questions asked, and what each showed */
  dp_json_key(w, "followups");
  dp_json_array_begin(w);
  for (size_t i = 0; i < p->nfollowups; i++)
  {
    const struct dp_followup *f = &p->followups[i];
    dp_json_object_begin(w);
    dp_report_member_string(w, "id", dp_followup_id_tostr(f->id));
    write_query(w, &f->query);
    dp_report_member_string(w, "outcome", dp_outcome_tostr(f->outcome));
    dp_report_member_ms(w, "rtt_ms", f->rtt_ms);
    write_answer(w, f->has_answer, &f->answer);
    dp_report_member_string(w, "shows", f->shows);
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  dp_report_member_string(w, "severity", dp_severity_tostr(p->severity));
  dp_report_member_string(
      w, "finding",
      p->finding != DP_FINDING_NONE ? dp_finding_tostr(p->finding) : NULL);
  dp_report_member_string(w, "summary", p->summary);
  dp_report_member_string(w, "explanation", p->explanation);
  dp_report_member_string(w, "fix", p->fix);
  dp_json_object_end(w);
}

static const char *const dnssec_states[] = {
    [DP_DNSSEC_STATE_UNKNOWN] = "unknown",
    [DP_DNSSEC_STATE_UNSIGNED] = "unsigned",
    [DP_DNSSEC_STATE_SIGNED] = "signed",
};

/* A type mnemonic, or null for 0 (a finding about no RRset). */
static void member_type(dp_json_t *w, const char *key, uint16_t type)
{
  char name[24];
  dp_json_key(w, key);
  if (type == 0)
  {
    dp_json_null(w);
    return;
  }
  dp_wire_type_tostr(type, name, sizeof(name));
  dp_json_string(w, name);
}

/* The DNSSEC of the zone as this target serves it, or null when it was not
 * checked. */
static void write_dnssec(dp_json_t *w, const struct dp_target_dnssec *d)
{
  char when[32];

  dp_json_key(w, "dnssec");
  if (d == NULL)
  {
    dp_json_null(w);
    return;
  }
  dp_json_object_begin(w);
  dp_report_member_string(w, "state",
                          (unsigned)d->state < sizeof(dnssec_states) /
                                                   sizeof(dnssec_states[0])
                              ? dnssec_states[d->state]
                              : "unknown");
  bool expiry =
      d->has_expiry &&
      dp_report_rfc3339(when, sizeof(when), d->earliest_expiration)[0] != '\0';
  dp_json_key(w, "earliest_expiry");
  if (expiry)
    dp_json_string(w, when);
  else
    dp_json_null(w);
  dp_json_key(w, "expiry_seconds");
  if (expiry)
    dp_json_int(w, d->earliest_remaining);
  else
    dp_json_null(w);
  member_type(w, "earliest_rrset", expiry ? d->earliest_covered : 0);
  dp_json_key(w, "algorithms");
  dp_json_array_begin(w);
  for (size_t i = 0; i < d->nalgorithms && i < DP_TARGET_DNSSEC_ALGS; i++)
    dp_json_uint(w, d->algorithms[i]);
  dp_json_array_end(w);
  dp_json_key(w, "keys");
  dp_json_array_begin(w);
  for (size_t i = 0; i < d->nkeys && i < DP_TARGET_DNSSEC_KEYS; i++)
  {
    const struct dp_dnssec_key *k = &d->keys[i];
    dp_json_object_begin(w);
    member_uint(w, "key_tag", k->key_tag);
    member_uint(w, "algorithm", k->algorithm);
    member_uint(w, "flags", k->flags);
    dp_report_member_bool(w, "sep", k->sep);
    dp_report_member_bool(w, "revoked", k->revoked);
    member_uint(w, "bits", k->bits);
    dp_report_member_bool(w, "signs_dnskey", k->signs_dnskey);
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  dp_json_key(w, "nsec3");
  if (d->nsec3)
  {
    char salt[2 * sizeof(d->nsec3_salt) + 1];
    for (size_t i = 0; i < d->nsec3_salt_len; i++)
      snprintf(salt + 2 * i, 3, "%02x", d->nsec3_salt[i]);
    salt[2 * (size_t)d->nsec3_salt_len] = '\0';
    dp_json_object_begin(w);
    member_uint(w, "iterations", d->nsec3_iterations);
    dp_report_member_string(w, "salt", salt);
    dp_json_object_end(w);
  }
  else
    dp_json_null(w);
  dp_json_key(w, "warn_seconds");
  dp_json_int(w, d->warn_seconds);
  dp_json_key(w, "crit_seconds");
  dp_json_int(w, d->crit_seconds);
  dp_json_key(w, "findings");
  dp_json_array_begin(w);
  for (size_t i = 0; i < d->nfindings; i++)
  {
    const struct dp_target_dnssec_finding *f = &d->findings[i];
    dp_json_object_begin(w);
    dp_report_member_string(w, "key", f->key);
    dp_report_member_string(w, "cause", dp_cause_tostr(f->cause));
    dp_report_member_string(w, "severity", dp_severity_tostr(f->severity));
    member_type(w, "rrset", f->covered);
    dp_json_key(w, "algorithm");
    if (f->algorithm != 0)
      dp_json_uint(w, f->algorithm);
    else
      dp_json_null(w);
    member_uint(w, "count", f->count);
    dp_report_member_fixed(w, "detail", f->detail, sizeof(f->detail));
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  dp_json_object_end(w);
}

void dp_report_json_target_members(dp_json_t *w,
                                   const struct dp_target_result *t)
{
  dp_report_member_string(w, "target", t->given);
  dp_report_member_fixed(w, "address", t->address, sizeof(t->address));
  member_uint(w, "port", t->port);
  dp_report_member_fixed(w, "zone", t->zone, sizeof(t->zone));
  dp_report_member_bool(w, "zone_given", t->zone_given);
  dp_report_member_string(w, "role", dp_role_tostr(t->role));
  /* name, version as disclosed, evidence, confidence 0-100 */
  dp_json_key(w, "software");
  if (t->software == DP_SOFTWARE_UNKNOWN)
    dp_json_null(w);
  else
  {
    dp_json_object_begin(w);
    dp_report_member_string(w, "name", dp_software_tostr(t->software));
    dp_report_member_string(w, "display_name", dp_software_name(t->software));
    dp_report_member_string(
        w, "version", t->software_version[0] ? t->software_version : NULL);
    dp_report_member_string(w, "evidence", t->software_evidence);
    member_uint(w, "confidence", t->software_confidence);
    dp_json_object_end(w);
  }
  dp_report_member_string(w, "compliance",
                          t->compliance[0] ? t->compliance : NULL);
  dp_report_member_string(w, "status", dp_health_tostr(t->status));
  dp_report_member_ms(w, "duration_ms", t->duration_ms);
  /* the root causes, worst first; each names the probes it explains */
  dp_json_key(w, "diagnosis");
  dp_report_json_causes(w, t->diagnosis, t->diagnosis ? t->ndiagnosis : 0);
  write_dnssec(w, t->dnssec);
  dp_json_key(w, "probes");
  dp_json_array_begin(w);
  for (size_t i = 0; i < dp_report_nprobes(t); i++)
    write_probe(w, t, &t->probes[i]);
  dp_json_array_end(w);
}

void dp_report_json_causes(dp_json_t *w, const struct dp_root_cause *r,
                           size_t n)
{
  dp_json_array_begin(w);
  for (size_t i = 0; i < n && r != NULL; i++)
  {
    dp_json_object_begin(w);
    dp_report_member_string(w, "cause", dp_cause_tostr(r[i].cause));
    dp_report_member_string(w, "severity", dp_severity_tostr(r[i].severity));
    dp_report_member_string(w, "headline", r[i].headline);
    dp_json_key(w, "probes");
    dp_json_array_begin(w);
    for (unsigned k = 0; k < DP_PROBE_COUNT; k++)
      if (r[i].probes & DP_PROBE_BIT(k))
        dp_json_string(w, dp_probe_id_tostr((dp_probe_id_t)k));
    dp_json_array_end(w);
    dp_report_member_string(w, "evidence", r[i].evidence);
    dp_report_member_string(w, "explanation", r[i].explanation);
    dp_report_member_string(w, "fix", r[i].fix);
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
}

static void write_target(dp_json_t *w, const struct dp_target_result *t)
{
  dp_json_object_begin(w);
  dp_report_json_target_members(w, t);
  dp_json_object_end(w);
}

static dp_status_t json_write(FILE *fp, const struct dp_run *run,
                              const struct dp_zone_summary *zone,
                              const struct dp_report_options *opt)
{
  dp_json_t w;

  dp_json_init(&w, fp, true);
  dp_json_object_begin(&w);
  dp_report_member_string(&w, "schema", SCHEMA);
  dp_report_member_string(&w, "version", dp_report_version(opt));
  dp_report_member_fixed(&w, "started_at", run->started_at,
                         sizeof(run->started_at));
  dp_report_member_ms(&w, "duration_ms", run->duration_ms);
  dp_report_member_string(&w, "status", dp_health_tostr(run->status));
  dp_json_key(&w, "targets");
  dp_json_array_begin(&w);
  for (size_t i = 0; i < run->ntargets; i++)
    write_target(&w, &run->targets[i]);
  dp_json_array_end(&w);
  if (zone != NULL)
  {
    dp_json_key(&w, "zone");
    dp_report_zone_json_value(&w, zone);
  }
  dp_json_object_end(&w);
  return dp_json_finish(&w);
}

const struct dp_report_format dp_report_format_json = {"json", json_write,
                                                       NULL};
