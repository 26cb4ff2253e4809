/*
 * dnssec.c: the DNSSEC verdicts on a zone as one server serves it, from
 * that server's answers to DNSKEY, SOA and NSEC3PARAM queries (DO=1):
 * signature times (RFC 4034 3.1.5), signer (RFC 4035 5.3.1), key and
 * verification (RFC 4035 5.3), the algorithms RFC 8624 3.1 retires, the
 * NSEC3 parameters RFC 9276 3.1 advises, and the DS match of RFC 4034 5.2.
 *
 * Invariants:
 * - Reply bytes are read only through the wire layer (dp_wire_msg_parse
 *   and dnssec_wire.h); this file never indexes a packet buffer.
 * - Findings are data: one per (key, RRset type, algorithm), the worst
 *   occurrence in its sentence and the others counted; an unsigned zone
 *   has none. Severities and keys come from the tables below.
 * - Work is bounded: at most DP_WIRE_RR_MAX records per answer, at most
 *   DP_DNSSEC_VERIFY_BUDGET signature verifications per check, one
 *   scratch buffer of DP_WIRE_SIGNED_DATA_MAX bytes, allocated when the
 *   first signature is to be verified and freed on return.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/dnssec.h"
#include "dnsprobe/knowledge.h"

static const char *const finding_keys[] = {
    [DP_DNSSEC_FINDING_EXPIRING] = "dnssec-expiring",
    [DP_DNSSEC_FINDING_EXPIRED] = "dnssec-expired",
    [DP_DNSSEC_FINDING_INCEPTION_FUTURE] = "dnssec-inception-future",
    [DP_DNSSEC_FINDING_BOGUS_SIGNATURE] = "dnssec-bogus-signature",
    [DP_DNSSEC_FINDING_NO_MATCHING_KEY] = "dnssec-no-matching-key",
    [DP_DNSSEC_FINDING_SIGNER_MISMATCH] = "dnssec-signer-mismatch",
    [DP_DNSSEC_FINDING_MISSING_SIGNATURE] = "dnssec-missing-signature",
    [DP_DNSSEC_FINDING_NO_DNSKEY] = "dnssec-no-dnskey",
    [DP_DNSSEC_FINDING_ALGORITHM_DEPRECATED] = "dnssec-algorithm-deprecated",
    [DP_DNSSEC_FINDING_ALGORITHM_UNSUPPORTED] = "dnssec-algorithm-unsupported",
    [DP_DNSSEC_FINDING_NSEC3_ITERATIONS] = "dnssec-nsec3-iterations",
    [DP_DNSSEC_FINDING_NSEC3_SALT] = "dnssec-nsec3-salt",
    [DP_DNSSEC_FINDING_ANSWER_UNUSABLE] = "dnssec-answer-unusable",
    [DP_DNSSEC_FINDING_VERIFY_LIMIT] = "dnssec-verify-limit",
};
_Static_assert(sizeof finding_keys / sizeof finding_keys[0] ==
                   DP_DNSSEC_FINDING_MAX,
               "one key per finding");

static const char *const severity_names[] = {
    [DP_DNSSEC_SEV_OK] = "ok",
    [DP_DNSSEC_SEV_INFO] = "info",
    [DP_DNSSEC_SEV_WARNING] = "warning",
    [DP_DNSSEC_SEV_CRITICAL] = "critical",
};

static const char *const verify_names[] = {
    [DP_DNSSEC_VERIFY_NOT_CHECKED] = "not-checked",
    [DP_DNSSEC_VERIFY_VALID] = "valid",
    [DP_DNSSEC_VERIFY_BOGUS] = "bogus",
    [DP_DNSSEC_VERIFY_BAD_KEY] = "bad-key",
    [DP_DNSSEC_VERIFY_UNSUPPORTED] = "unsupported",
    [DP_DNSSEC_VERIFY_ERROR] = "error",
};
_Static_assert(sizeof verify_names / sizeof verify_names[0] ==
                   DP_DNSSEC_VERIFY_MAX,
               "one name per verification outcome");

static const char *const ds_outcome_names[] = {
    [DP_DNSSEC_DS_MATCH] = "match",
    [DP_DNSSEC_DS_NO_KEY] = "no-key",
    [DP_DNSSEC_DS_DIGEST_MISMATCH] = "digest-mismatch",
    [DP_DNSSEC_DS_DIGEST_UNSUPPORTED] = "digest-unsupported",
    [DP_DNSSEC_DS_MALFORMED] = "malformed",
};
_Static_assert(sizeof ds_outcome_names / sizeof ds_outcome_names[0] ==
                   DP_DNSSEC_DS_MAX,
               "one name per DS outcome");

/*
 * RFC 8624 3.1, the "DNSSEC Signing" column: the algorithms a zone must
 * not or should not be signed with. Validators must not validate 1, 3 and
 * 6 and rarely do 12 (RFC 8624 3.1, "DNSSEC Validation"), so a zone signed
 * only with them is unsigned to them: critical. SHA-1 (5, 7) still
 * validates but is being switched off: warning. RSASHA512 is sound but
 * NOT RECOMMENDED for its thin deployment: info.
 */
struct retired
{
  uint8_t alg;
  dp_dnssec_severity_t severity;
  const char *why;
};

static const struct retired retired_algs[] = {
    {DP_DNSSEC_ALG_RSAMD5, DP_DNSSEC_SEV_CRITICAL,
     "MUST NOT be used for signing and validators ignore it"},
    {DP_DNSSEC_ALG_DSA, DP_DNSSEC_SEV_CRITICAL,
     "MUST NOT be used for signing and validators ignore it"},
    {DP_DNSSEC_ALG_RSASHA1, DP_DNSSEC_SEV_WARNING,
     "is NOT RECOMMENDED for signing: validators are dropping SHA-1"},
    {DP_DNSSEC_ALG_DSA_NSEC3_SHA1, DP_DNSSEC_SEV_CRITICAL,
     "MUST NOT be used for signing and validators ignore it"},
    {DP_DNSSEC_ALG_RSASHA1_NSEC3_SHA1, DP_DNSSEC_SEV_WARNING,
     "is NOT RECOMMENDED for signing: validators are dropping SHA-1"},
    {DP_DNSSEC_ALG_RSASHA512, DP_DNSSEC_SEV_INFO,
     "is NOT RECOMMENDED for signing; RSASHA256 or ECDSAP256SHA256 is "
     "preferred"},
    {DP_DNSSEC_ALG_ECC_GOST, DP_DNSSEC_SEV_CRITICAL,
     "MUST NOT be used for signing and few validators implement it"},
};

const char *dp_dnssec_finding_tostr(dp_dnssec_finding_t id)
{
  if ((unsigned)id >= DP_DNSSEC_FINDING_MAX)
    return "unknown";
  return finding_keys[id];
}

dp_status_t dp_dnssec_finding_fromstr(const char *key, dp_dnssec_finding_t *id)
{
  if (key == NULL || id == NULL)
    return DP_EINVAL;
  for (unsigned i = 0; i < DP_DNSSEC_FINDING_MAX; i++)
  {
    if (strcmp(key, finding_keys[i]) == 0)
    {
      *id = (dp_dnssec_finding_t)i;
      return DP_OK;
    }
  }
  return DP_EINVAL;
}

const char *dp_dnssec_severity_tostr(dp_dnssec_severity_t s)
{
  if ((unsigned)s > DP_DNSSEC_SEV_CRITICAL)
    return "unknown";
  return severity_names[s];
}

const char *dp_dnssec_verify_tostr(dp_dnssec_verify_t v)
{
  if ((unsigned)v >= DP_DNSSEC_VERIFY_MAX)
    return "unknown";
  return verify_names[v];
}

const char *dp_dnssec_ds_outcome_tostr(dp_dnssec_ds_outcome_t o)
{
  if ((unsigned)o >= DP_DNSSEC_DS_MAX)
    return "unknown";
  return ds_outcome_names[o];
}

/* ---- names and text ----------------------------------------------------- */

/* "3 days 4 hours", "5 hours", "40 seconds": the two largest units. */
static void duration_tostr(int64_t secs, char *out, size_t cap)
{
  static const struct
  {
    int64_t size;
    const char *name;
  } units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
  size_t pos = 0;
  int used = 0;

  snprintf(out, cap, "0 seconds");
  if (secs < 0)
    secs = -secs;
  for (size_t i = 0; i < sizeof units / sizeof units[0] && used < 2; i++)
  {
    int64_t n = secs / units[i].size;
    if (n == 0)
    {
      if (used > 0)
        break;
      continue;
    }
    secs -= n * units[i].size;
    int w = snprintf(out + pos, cap - pos, "%s%" PRId64 " %s%s",
                     used > 0 ? " " : "", n, units[i].name, n == 1 ? "" : "s");
    if (w < 0 || (size_t)w >= cap - pos)
      return;
    pos += (size_t)w;
    used++;
  }
}

/* "20250101000000" or "(out of range)" for a time seconds since 1970. */
static void time_tostr(int64_t t, char *out, size_t cap)
{
  if (dp_wire_sigtime_tostr(t, out, cap) != DP_OK)
    snprintf(out, cap, "(out of range)");
}

/* ---- one check ---------------------------------------------------------- */

/* A DNSKEY of the zone with the record it came from. */
struct keyref
{
  const struct dp_wire_rr *rr;
  struct dp_wire_dnskey key;
};

/* One answer with what it was asked. */
struct answer
{
  uint16_t qtype;
  struct dp_wire_msg msg;
  struct dp_dnssec_answer *info;
  const char *unusable; /* why not usable, static text; NULL when usable */
  char unusable_buf[96];
};

struct check
{
  const struct dp_dnssec_input *in;
  struct dp_dnssec_result *out;
  int64_t warn, crit;
  uint8_t zone[DP_DNS_NAME_MAX];
  size_t zone_len;
  struct answer dnskey, soa, nsec3param;
  struct keyref keys[DP_DNSSEC_KEYS_MAX]; /* parallel to out->keys */
  int64_t ranks[DP_DNSSEC_FINDINGS_MAX];  /* parallel to out->findings */
  uint8_t *scratch;                       /* DP_WIRE_SIGNED_DATA_MAX bytes */
  bool nomem;                             /* the scratch could not be had */
  unsigned budget;
  unsigned over_budget; /* RRSIGs left unverified by the budget */
};

/* The scratch buffer for signed data and digest input, allocated once. */
static uint8_t *scratch_get(struct check *c)
{
  if (c->scratch == NULL && !c->nomem)
  {
    c->scratch = malloc(DP_WIRE_SIGNED_DATA_MAX);
    c->nomem = c->scratch == NULL;
  }
  return c->scratch;
}

static struct dp_dnssec_finding *find_finding(struct dp_dnssec_result *out,
                                              dp_dnssec_finding_t id,
                                              uint16_t covered, uint8_t alg)
{
  for (size_t i = 0; i < out->nfindings; i++)
  {
    struct dp_dnssec_finding *f = &out->findings[i];
    if (f->id == id && f->covered == covered && f->algorithm == alg)
      return f;
  }
  return NULL;
}

/*
 * Record a finding, folded into an existing one with the same id, type and
 * algorithm. Its sentence tells the worst occurrence: the higher severity,
 * then the lower rank (seconds to expiry, say); the first on a tie.
 */
static void add_finding(struct check *c, dp_dnssec_finding_t id,
                        dp_dnssec_severity_t sev, uint16_t covered, uint8_t alg,
                        int64_t rank, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void add_finding(struct check *c, dp_dnssec_finding_t id,
                        dp_dnssec_severity_t sev, uint16_t covered, uint8_t alg,
                        int64_t rank, const char *fmt, ...)
{
  struct dp_dnssec_result *out = c->out;
  struct dp_dnssec_finding *f = find_finding(out, id, covered, alg);
  va_list ap;

  if (f != NULL)
  {
    f->count++;
    int64_t *kept = &c->ranks[f - out->findings];
    if (sev < f->severity || (sev == f->severity && rank >= *kept))
      return;
    *kept = rank;
  }
  else
  {
    if (out->nfindings == DP_DNSSEC_FINDINGS_MAX)
    {
      out->findings_dropped++;
      return;
    }
    c->ranks[out->nfindings] = rank;
    f = &out->findings[out->nfindings++];
    f->id = id;
    f->covered = covered;
    f->algorithm = alg;
    f->count = 1;
  }
  f->severity = sev;
  va_start(ap, fmt);
  vsnprintf(f->detail, sizeof f->detail, fmt, ap);
  va_end(ap);
  if (sev > out->severity)
    out->severity = sev;
}

static bool at_apex(const struct check *c, const struct dp_wire_msg *msg,
                    const struct dp_wire_rr *rr)
{
  return rr->section == DP_SECTION_ANSWER && rr->rclass == DP_CLASS_IN &&
         dp_wire_rr_owner_is(msg, rr, c->zone, c->zone_len);
}

/* Parse one answer and tell whether it can be used (struct answer). */
static void read_answer(struct check *c, struct answer *a, const uint8_t *buf,
                        size_t len)
{
  struct dp_wire_msg *m = &a->msg;
  uint8_t qname[DP_DNS_NAME_MAX];
  size_t qname_len = 0;

  memset(m, 0, sizeof *m);
  if (buf == NULL)
    return;
  a->info->given = true;
  if (dp_wire_msg_parse(buf, len, m) != DP_OK)
  {
    m->nrr = 0;
    a->unusable = "its header could not be read";
    return;
  }
  a->info->rcode = m->rcode;
  if (!m->has_question || m->qtype != a->qtype ||
      dp_wire_name_read(m->buf, m->len, m->qname_off, qname, sizeof qname,
                        &qname_len, NULL) != DP_OK ||
      !dp_wire_name_equal(qname, qname_len, c->zone, c->zone_len) || !m->qr)
    a->unusable = "it is not a reply to that question";
  else if (m->rcode != DP_RCODE_NOERROR)
  {
    snprintf(a->unusable_buf, sizeof a->unusable_buf, "its RCODE is %s",
             dp_knowledge_rcode_name(m->rcode));
    a->unusable = a->unusable_buf;
  }
  else if (m->tc)
    a->unusable = "it is truncated (TC=1)";
  else if (!m->complete)
  {
    snprintf(a->unusable_buf, sizeof a->unusable_buf,
             "it could not be read to its end (%s)",
             m->problem_what != NULL ? m->problem_what : "malformed");
    a->unusable = a->unusable_buf;
  }
  else if (m->rr_parsed > m->nrr)
    a->unusable = "it holds more records than dnsprobe examines (64)";
  a->info->usable = a->unusable == NULL;

  for (unsigned i = 0; i < m->nrr; i++)
  {
    const struct dp_wire_rr *rr = &m->rr[i];
    struct dp_wire_rrsig sig;
    if (!at_apex(c, m, rr))
      continue;
    if (rr->type == a->qtype)
      a->info->records++;
    else if (rr->type == DP_TYPE_RRSIG &&
             dp_wire_rrsig_read(m, rr, &sig) == DP_OK &&
             sig.type_covered == a->qtype)
      a->info->rrsigs++;
  }
}

/* The DNSKEYs at the apex in the DNSKEY answer, into out->keys. */
static void collect_keys(struct check *c)
{
  const struct dp_wire_msg *m = &c->dnskey.msg;
  struct dp_dnssec_result *out = c->out;

  for (unsigned i = 0; i < m->nrr && out->nkeys < DP_DNSSEC_KEYS_MAX; i++)
  {
    const struct dp_wire_rr *rr = &m->rr[i];
    struct keyref *k = &c->keys[out->nkeys];
    if (rr->type != DP_TYPE_DNSKEY || !at_apex(c, m, rr) ||
        dp_wire_dnskey_read(m, rr, &k->key) != DP_OK)
      continue;
    k->rr = rr;
    struct dp_dnssec_key *d = &out->keys[out->nkeys++];
    d->flags = k->key.flags;
    d->protocol = k->key.protocol;
    d->algorithm = k->key.algorithm;
    d->key_tag = k->key.key_tag;
    d->bits = dp_wire_dnskey_bits(&k->key);
    d->zone_key = (k->key.flags & DP_DNSKEY_FLAG_ZONE) != 0 &&
                  k->key.protocol == DP_DNSKEY_PROTOCOL;
    d->sep = (k->key.flags & DP_DNSKEY_FLAG_SEP) != 0;
    d->revoked = (k->key.flags & DP_DNSKEY_FLAG_REVOKE) != 0;
    if (d->zone_key)
      out->algorithms[d->algorithm] = true;
  }
}

/* A sentence's subject: "The RRSIG over SOA by key 12345 (ECDSAP256SHA256)",
 * "the ..." inside a sentence. */
static void sig_subject(const struct dp_dnssec_sig *e, bool first, char *out,
                        size_t cap)
{
  char type[24], alg[24];

  dp_wire_type_tostr(e->covered, type, sizeof type);
  dp_wire_dnssec_alg_tostr(e->algorithm, alg, sizeof alg);
  snprintf(out, cap, "%s RRSIG over %s by key %u (%s)", first ? "The" : "the",
           type, (unsigned)e->key_tag, alg);
}

/* RFC 4034 3.1.5 and RFC 4035 5.3.1: the validity period against now. */
static void judge_times(struct check *c, const struct dp_dnssec_sig *e)
{
  char subject[96], when[24], left[48];
  int64_t now = c->in->now;

  sig_subject(e, true, subject, sizeof subject);
  time_tostr(e->expiration_time, when, sizeof when);
  duration_tostr(e->remaining, left, sizeof left);
  if (e->remaining < 0)
    add_finding(c, DP_DNSSEC_FINDING_EXPIRED, DP_DNSSEC_SEV_CRITICAL,
                e->covered, 0, e->remaining,
                "%s expired %s ago (%s UTC): validators answer SERVFAIL "
                "for the data until the zone is signed again.",
                subject, left, when);
  else if (e->remaining < c->warn)
    add_finding(c, DP_DNSSEC_FINDING_EXPIRING,
                e->remaining < c->crit ? DP_DNSSEC_SEV_CRITICAL
                                       : DP_DNSSEC_SEV_WARNING,
                e->covered, 0, e->remaining,
                "%s expires in %s (%s UTC): re-signing must run before "
                "then.",
                subject, left, when);
  if (e->inception_time > now)
  {
    time_tostr(e->inception_time, when, sizeof when);
    duration_tostr(e->inception_time - now, left, sizeof left);
    add_finding(c, DP_DNSSEC_FINDING_INCEPTION_FUTURE, DP_DNSSEC_SEV_CRITICAL,
                e->covered, 0, now - e->inception_time,
                "%s is valid only from %s UTC, %s from now: the signer's "
                "clock runs ahead, and validators reject it until then.",
                subject, when, left);
  }
}

/*
 * Verify an RRSIG (at m's rr) with each zone key of its tag and algorithm
 * until one succeeds (RFC 4035 5.3.1: tags may collide), within the budget.
 */
static void verify_sig(struct check *c, const struct answer *a,
                       const struct dp_wire_rr *rr,
                       const struct dp_wire_rrsig *sig, struct dp_dnssec_sig *e)
{
  size_t len;
  unsigned nrec = 0;
  bool dnskey_ok = c->dnskey.info->usable;

  for (size_t i = 0; i < c->out->nkeys; i++)
  {
    const struct dp_dnssec_key *d = &c->out->keys[i];
    if (d->zone_key && d->key_tag == sig->key_tag &&
        d->algorithm == sig->algorithm)
      e->key_found = true;
  }
  if (!e->key_found)
  {
    e->not_checked = dnskey_ok ? "no-key" : "no-dnskey-answer";
    return;
  }
  if (!a->info->usable)
  {
    e->not_checked = "answer-unusable";
    return;
  }
  if (!dp_dnssec_algorithm_supported(sig->algorithm))
  {
    e->verify = DP_DNSSEC_VERIFY_UNSUPPORTED;
    return;
  }
  if (scratch_get(c) == NULL)
  {
    e->verify = DP_DNSSEC_VERIFY_ERROR;
    return;
  }
  dp_status_t st = dp_wire_rrsig_signed_data(
      &a->msg, rr, c->scratch, DP_WIRE_SIGNED_DATA_MAX, &len, &nrec);
  if (st == DP_ERANGE || st == DP_EMALFORMED)
  {
    e->verify = DP_DNSSEC_VERIFY_BOGUS; /* no validator can check it */
    return;
  }
  if (st != DP_OK)
  {
    e->not_checked = "malformed";
    return;
  }
  if (nrec == 0)
  {
    e->not_checked = "no-rrset";
    return;
  }
  for (size_t i = 0; i < c->out->nkeys; i++)
  {
    struct dp_dnssec_key *d = &c->out->keys[i];
    if (!d->zone_key || d->key_tag != sig->key_tag ||
        d->algorithm != sig->algorithm)
      continue;
    if (c->budget == 0)
    {
      if (e->verify == DP_DNSSEC_VERIFY_NOT_CHECKED)
      {
        e->not_checked = "limit";
        c->over_budget++;
      }
      return;
    }
    c->budget--;
    dp_dnssec_verify_t v = dp_dnssec_verify(sig->algorithm, &c->keys[i].key,
                                            sig->signature, c->scratch, len);
    if (v == DP_DNSSEC_VERIFY_VALID)
    {
      e->verify = v;
      e->key = (int)i;
      if (sig->type_covered == DP_TYPE_DNSKEY)
        d->signs_dnskey = true;
      return;
    }
    /* A bogus signature outweighs a key that could not be read. */
    if (e->verify == DP_DNSSEC_VERIFY_NOT_CHECKED ||
        v == DP_DNSSEC_VERIFY_BOGUS)
      e->verify = v;
  }
}

/* The verdict on one verified (or not) RRSIG. */
static void judge_verify(struct check *c, const struct dp_dnssec_sig *e)
{
  char subject[96], alg[24];

  sig_subject(e, true, subject, sizeof subject);
  dp_wire_dnssec_alg_tostr(e->algorithm, alg, sizeof alg);
  switch (e->verify)
  {
  case DP_DNSSEC_VERIFY_BOGUS:
    add_finding(c, DP_DNSSEC_FINDING_BOGUS_SIGNATURE, DP_DNSSEC_SEV_CRITICAL,
                e->covered, 0, 0,
                "%s does not verify: the data changed after signing, or "
                "the signature is corrupt.",
                subject);
    break;
  case DP_DNSSEC_VERIFY_BAD_KEY:
    add_finding(c, DP_DNSSEC_FINDING_BOGUS_SIGNATURE, DP_DNSSEC_SEV_CRITICAL,
                e->covered, 0, 0,
                "%s cannot verify: the DNSKEY with that tag holds no "
                "usable %s key.",
                subject, alg);
    break;
  case DP_DNSSEC_VERIFY_UNSUPPORTED:
    add_finding(c, DP_DNSSEC_FINDING_ALGORITHM_UNSUPPORTED, DP_DNSSEC_SEV_INFO,
                0, e->algorithm, 0,
                "The libcrypto dnsprobe runs with cannot verify algorithm %u "
                "(%s): its signatures were not checked.",
                (unsigned)e->algorithm, alg);
    break;
  case DP_DNSSEC_VERIFY_NOT_CHECKED:
  case DP_DNSSEC_VERIFY_VALID:
  case DP_DNSSEC_VERIFY_ERROR:
  case DP_DNSSEC_VERIFY_MAX:
    break;
  }
}

/* Every RRSIG over the RRset of a's question at the apex. */
static void check_rrset(struct check *c, struct answer *a)
{
  struct dp_dnssec_result *out = c->out;
  const struct dp_wire_msg *m = &a->msg;
  unsigned nsigs = 0, valid = 0, nokey = 0;
  char first_nokey[DP_DNSSEC_DETAIL_LEN] = "";
  char type[24];

  if (!a->info->given)
    return;
  dp_wire_type_tostr(a->qtype, type, sizeof type);
  for (unsigned i = 0; i < m->nrr; i++)
  {
    const struct dp_wire_rr *rr = &m->rr[i];
    struct dp_wire_rrsig sig;
    if (rr->type != DP_TYPE_RRSIG || !at_apex(c, m, rr))
      continue;
    if (dp_wire_rrsig_read(m, rr, &sig) != DP_OK)
    {
      add_finding(c, DP_DNSSEC_FINDING_BOGUS_SIGNATURE, DP_DNSSEC_SEV_CRITICAL,
                  a->qtype, 0, 0,
                  "An RRSIG in the answer to the %s query cannot be read: "
                  "its RDATA is malformed.",
                  type);
      continue;
    }
    if (sig.type_covered != a->qtype)
      continue;
    nsigs++;

    struct dp_dnssec_sig e = {
        .covered = sig.type_covered,
        .algorithm = sig.algorithm,
        .labels = sig.labels,
        .original_ttl = sig.original_ttl,
        .key_tag = sig.key_tag,
        .signer_len = (uint8_t)sig.signer_len,
        .signer_is_zone = dp_wire_name_equal(sig.signer, sig.signer_len,
                                             c->zone, c->zone_len),
        .inception = sig.inception,
        .expiration = sig.expiration,
        .inception_time = dp_wire_sigtime_abs(sig.inception, c->in->now),
        .expiration_time = dp_wire_sigtime_abs(sig.expiration, c->in->now),
        .key = -1,
    };
    memcpy(e.signer, sig.signer, sig.signer_len);
    e.remaining = e.expiration_time - c->in->now;
    out->algorithms[e.algorithm] = true;
    if (!out->has_expiry || e.expiration_time < out->earliest_expiration)
    {
      out->has_expiry = true;
      out->earliest_expiration = e.expiration_time;
      out->earliest_remaining = e.remaining;
      out->earliest_covered = e.covered;
    }
    judge_times(c, &e);

    if (!e.signer_is_zone)
    {
      char signer[DP_WIRE_NAME_STRLEN], subject[96];
      if (dp_wire_name_tostr(e.signer, e.signer_len, signer, sizeof signer) !=
          DP_OK)
        snprintf(signer, sizeof signer, "(unreadable)");
      sig_subject(&e, true, subject, sizeof subject);
      e.not_checked = "signer";
      add_finding(c, DP_DNSSEC_FINDING_SIGNER_MISMATCH, DP_DNSSEC_SEV_CRITICAL,
                  e.covered, 0, 0,
                  "%s names the signer %.80s, not the zone %.80s: "
                  "validators reject it.",
                  subject, signer, out->zone);
    }
    else
      verify_sig(c, a, rr, &sig, &e);
    if (e.verify == DP_DNSSEC_VERIFY_VALID)
      valid++;
    judge_verify(c, &e);
    if (e.not_checked != NULL && strcmp(e.not_checked, "no-key") == 0 &&
        nokey++ == 0)
    {
      char subject[96];
      sig_subject(&e, false, subject, sizeof subject);
      snprintf(first_nokey, sizeof first_nokey,
               "No zone key has the tag and algorithm of %s: a key "
               "withdrawn too early, or a signature left from another key "
               "set.",
               subject);
    }
    if (out->nsigs < DP_DNSSEC_SIGS_MAX)
      out->sigs[out->nsigs++] = e;
    out->sigs_seen++;
  }

  if (a->info->usable && a->info->records > 0 && nsigs == 0)
    add_finding(c, DP_DNSSEC_FINDING_MISSING_SIGNATURE, DP_DNSSEC_SEV_CRITICAL,
                a->qtype, 0, 0,
                "The zone is signed, but its %s RRset comes without an "
                "RRSIG: validators answer SERVFAIL for it.",
                type);
  /* An orphaned RRSIG hurts only when no other one over the RRset holds
   * (RFC 4035 5.3.3: one valid signature is enough). */
  if (nokey > 0 && out->nkeys > 0)
  {
    add_finding(c, DP_DNSSEC_FINDING_NO_MATCHING_KEY,
                valid > 0 ? DP_DNSSEC_SEV_WARNING : DP_DNSSEC_SEV_CRITICAL,
                a->qtype, 0, 0, "%s", first_nokey);
    struct dp_dnssec_finding *f =
        find_finding(out, DP_DNSSEC_FINDING_NO_MATCHING_KEY, a->qtype, 0);
    if (f != NULL)
      f->count = nokey;
  }
}

/* RFC 8624 3.1 for every algorithm a zone key or an RRSIG uses. */
static void judge_algorithms(struct check *c)
{
  char alg[24];

  for (size_t i = 0; i < sizeof retired_algs / sizeof retired_algs[0]; i++)
  {
    const struct retired *r = &retired_algs[i];
    if (!c->out->algorithms[r->alg])
      continue;
    dp_wire_dnssec_alg_tostr(r->alg, alg, sizeof alg);
    add_finding(c, DP_DNSSEC_FINDING_ALGORITHM_DEPRECATED, r->severity, 0,
                r->alg, 0, "Algorithm %u (%s) %s (RFC 8624 3.1).",
                (unsigned)r->alg, alg, r->why);
  }
}

/* RFC 9276 3.1: iterations 0 and an empty salt. */
static void judge_nsec3(struct check *c)
{
  const struct dp_wire_msg *m = &c->nsec3param.msg;
  struct dp_dnssec_result *out = c->out;
  struct dp_wire_nsec3param p;

  if (!c->nsec3param.info->usable)
    return;
  for (unsigned i = 0; i < m->nrr && !out->nsec3; i++)
  {
    const struct dp_wire_rr *rr = &m->rr[i];
    if (rr->type != DP_TYPE_NSEC3PARAM || !at_apex(c, m, rr) ||
        dp_wire_nsec3param_read(m, rr, &p) != DP_OK)
      continue;
    out->nsec3 = true;
    out->nsec3_hash = p.hash_algorithm;
    out->nsec3_flags = p.flags;
    out->nsec3_iterations = p.iterations;
    out->nsec3_salt_len = (uint8_t)p.salt.len;
    if (p.salt.len > 0)
      memcpy(out->nsec3_salt, p.salt.data, p.salt.len);
  }
  if (!out->nsec3)
    return;
  if (out->nsec3_iterations > 0)
    add_finding(c, DP_DNSSEC_FINDING_NSEC3_ITERATIONS, DP_DNSSEC_SEV_WARNING,
                DP_TYPE_NSEC3PARAM, 0, 0,
                "NSEC3 hashes with %u extra iterations where RFC 9276 3.1 "
                "asks for 0: they cost validators work, and high counts make "
                "them treat the zone as unsigned.",
                (unsigned)out->nsec3_iterations);
  if (out->nsec3_salt_len > 0)
    add_finding(c, DP_DNSSEC_FINDING_NSEC3_SALT, DP_DNSSEC_SEV_INFO,
                DP_TYPE_NSEC3PARAM, 0, 0,
                "NSEC3 uses a %u-byte salt where RFC 9276 3.1 advises none: "
                "a salt adds nothing against zone walking.",
                (unsigned)out->nsec3_salt_len);
}

static void judge_answer(struct check *c, const struct answer *a)
{
  char type[24];

  if (!a->info->given || a->unusable == NULL)
    return;
  dp_wire_type_tostr(a->qtype, type, sizeof type);
  add_finding(c, DP_DNSSEC_FINDING_ANSWER_UNUSABLE, DP_DNSSEC_SEV_WARNING,
              a->qtype, 0, 0,
              "The answer to the %s query cannot be checked: %s.", type,
              a->unusable);
}

static void check_signed(struct check *c)
{
  struct dp_dnssec_result *out = c->out;

  if (c->dnskey.info->usable && out->nkeys == 0)
    add_finding(c, DP_DNSSEC_FINDING_NO_DNSKEY, DP_DNSSEC_SEV_CRITICAL,
                DP_TYPE_DNSKEY, 0, 0,
                "RRSIGs are served at the apex but the DNSKEY query returned "
                "no DNSKEY: nothing can verify them.");
  check_rrset(c, &c->dnskey);
  check_rrset(c, &c->soa);
  check_rrset(c, &c->nsec3param);
  judge_algorithms(c);
  judge_nsec3(c);
  if (c->over_budget > 0)
    add_finding(c, DP_DNSSEC_FINDING_VERIFY_LIMIT, DP_DNSSEC_SEV_INFO, 0, 0, 0,
                "dnsprobe verifies at most %d signatures per zone; %u RRSIGs "
                "were left unverified.",
                DP_DNSSEC_VERIFY_BUDGET, c->over_budget);
}

/* Set up c and out from in. Returns a status for dp_dnssec_check. */
static dp_status_t check_init(struct check *c, const struct dp_dnssec_input *in,
                              struct dp_dnssec_result *out)
{
  dp_status_t st;

  memset(c, 0, sizeof *c);
  c->in = in;
  c->out = out;
  out->now = in->now;
  c->warn = in->warn_seconds;
  c->crit = in->crit_seconds;
  if (c->warn == 0 && c->crit == 0)
  {
    c->warn = DP_DNSSEC_WARN_DEFAULT;
    c->crit = DP_DNSSEC_CRIT_DEFAULT;
  }
  if (c->crit < 0 || c->warn < c->crit)
    return DP_EINVAL;
  if ((st = dp_wire_name_canon(in->zone, out->zone, sizeof out->zone)) !=
          DP_OK ||
      (st = dp_wire_name_fromstr(out->zone, c->zone, sizeof c->zone,
                                 &c->zone_len)) != DP_OK)
    return st;
  c->dnskey = (struct answer){.qtype = DP_TYPE_DNSKEY, .info = &out->dnskey};
  c->soa = (struct answer){.qtype = DP_TYPE_SOA, .info = &out->soa};
  c->nsec3param =
      (struct answer){.qtype = DP_TYPE_NSEC3PARAM, .info = &out->nsec3param};
  c->budget = DP_DNSSEC_VERIFY_BUDGET;
  return DP_OK;
}

/*
 * Run a check in c (allocated by the caller, its scratch freed by the
 * caller). c->dnskey.msg and c->keys stay usable afterwards.
 */
static dp_status_t check_run(struct check *c, const struct dp_dnssec_input *in,
                             struct dp_dnssec_result *out)
{
  dp_status_t st;

  memset(out, 0, sizeof *out);
  if (in == NULL || in->zone == NULL ||
      (in->dnskey == NULL && in->soa == NULL && in->nsec3param == NULL))
    return DP_EINVAL;
  if ((st = check_init(c, in, out)) != DP_OK)
    return st;

  read_answer(c, &c->dnskey, in->dnskey, in->dnskey_len);
  read_answer(c, &c->soa, in->soa, in->soa_len);
  read_answer(c, &c->nsec3param, in->nsec3param, in->nsec3param_len);
  collect_keys(c);

  bool is_signed = out->nkeys > 0 || out->dnskey.rrsigs > 0 ||
                   out->soa.rrsigs > 0 || out->nsec3param.rrsigs > 0;
  bool told = (out->dnskey.given || out->soa.given) &&
              (!out->dnskey.given || out->dnskey.usable) &&
              (!out->soa.given || out->soa.usable);
  out->state = is_signed ? DP_DNSSEC_STATE_SIGNED
               : told    ? DP_DNSSEC_STATE_UNSIGNED
                         : DP_DNSSEC_STATE_UNKNOWN;
  if (out->state == DP_DNSSEC_STATE_UNSIGNED)
    return DP_OK;
  judge_answer(c, &c->dnskey);
  judge_answer(c, &c->soa);
  judge_answer(c, &c->nsec3param);
  if (out->state == DP_DNSSEC_STATE_SIGNED)
    check_signed(c);
  return c->nomem ? DP_ENOMEM : DP_OK;
}

/* A struct check off the stack: it holds three parsed messages. */
static struct check *check_create(void)
{
  return calloc(1, sizeof(struct check));
}

static void check_destroy(struct check *c)
{
  if (c == NULL)
    return;
  free(c->scratch);
  free(c);
}

dp_status_t dp_dnssec_check(const struct dp_dnssec_input *in,
                            struct dp_dnssec_result *out)
{
  struct check *c;
  dp_status_t st;

  if (out == NULL)
    return DP_EINVAL;
  if ((c = check_create()) == NULL)
  {
    memset(out, 0, sizeof *out);
    return DP_ENOMEM;
  }
  st = check_run(c, in, out);
  check_destroy(c);
  if (st != DP_OK)
  {
    /* Keep the canonical zone name, when it got that far; no findings. */
    char zone[DP_WIRE_NAME_STRLEN];
    memcpy(zone, out->zone, sizeof zone);
    memset(out, 0, sizeof *out);
    memcpy(out->zone, zone, sizeof zone);
  }
  return st;
}

/* ---- single verification and DS ----------------------------------------- */

dp_dnssec_verify_t dp_dnssec_verify_rrsig(const struct dp_wire_msg *msg,
                                          const struct dp_wire_rr *rrsig,
                                          const struct dp_wire_dnskey *key,
                                          uint8_t *scratch, size_t cap)
{
  struct dp_wire_rrsig sig;
  size_t len;
  unsigned nrec = 0;

  if (msg == NULL || rrsig == NULL || key == NULL || scratch == NULL ||
      dp_wire_rrsig_read(msg, rrsig, &sig) != DP_OK ||
      sig.algorithm != key->algorithm)
    return DP_DNSSEC_VERIFY_BOGUS;
  dp_status_t st =
      dp_wire_rrsig_signed_data(msg, rrsig, scratch, cap, &len, &nrec);
  if (st == DP_ERANGE || st == DP_EMALFORMED)
    return DP_DNSSEC_VERIFY_BOGUS;
  if (st != DP_OK || nrec == 0)
    return DP_DNSSEC_VERIFY_NOT_CHECKED;
  return dp_dnssec_verify(sig.algorithm, key, sig.signature, scratch, len);
}

/* RFC 4034 5.1.4: whether DS d holds the digest of key k of c's answer. */
static bool ds_digest_matches(struct check *c, const struct keyref *k,
                              const struct dp_wire_ds *d)
{
  uint8_t digest[DP_DNSSEC_DIGEST_MAX];
  size_t ilen, dlen;

  return scratch_get(c) != NULL &&
         dp_wire_ds_digest_input(&c->dnskey.msg, k->rr, c->scratch,
                                 DP_WIRE_SIGNED_DATA_MAX, &ilen) == DP_OK &&
         dp_dnssec_ds_digest(d->digest_type, c->scratch, ilen, digest,
                             sizeof digest, &dlen) == DP_OK &&
         dlen == d->digest.len && memcmp(digest, d->digest.data, dlen) == 0;
}

/* One DS record against the zone keys of the check in c. */
static void ds_judge(struct check *c, const struct dp_dnssec_result *keys,
                     const struct dp_wire_ds *d, struct dp_dnssec_ds *e)
{
  e->outcome = DP_DNSSEC_DS_NO_KEY;
  for (size_t i = 0; i < keys->nkeys; i++)
  {
    const struct dp_dnssec_key *kd = &keys->keys[i];
    /* RFC 4034 5.2: the DS names a zone key by tag and algorithm. */
    if (!kd->zone_key || kd->key_tag != d->key_tag ||
        kd->algorithm != d->algorithm)
      continue;
    if (!dp_dnssec_digest_supported(d->digest_type))
    {
      e->outcome = DP_DNSSEC_DS_DIGEST_UNSUPPORTED;
      return;
    }
    e->outcome = DP_DNSSEC_DS_DIGEST_MISMATCH;
    if (ds_digest_matches(c, &c->keys[i], d))
    {
      e->outcome = DP_DNSSEC_DS_MATCH;
      e->key = (int)i;
      e->key_signs_dnskey = kd->signs_dnskey;
      return;
    }
  }
}

dp_status_t dp_dnssec_ds_match(const char *zone, const uint8_t *ds_reply,
                               size_t ds_len, const uint8_t *dnskey_reply,
                               size_t dnskey_len,
                               struct dp_dnssec_ds_result *out)
{
  /* The DNSKEY side is a check of the DNSKEY answer alone: its keys, and
   * which of them sign the DNSKEY RRset. */
  struct dp_dnssec_input in = {
      .zone = zone, .dnskey = dnskey_reply, .dnskey_len = dnskey_len};
  struct check *c = NULL;
  struct dp_dnssec_result *keys = NULL;
  struct dp_wire_msg *ds = NULL;
  dp_status_t st;

  if (out == NULL)
    return DP_EINVAL;
  memset(out, 0, sizeof *out);
  if (zone == NULL || ds_reply == NULL || dnskey_reply == NULL)
    return DP_EINVAL;
  st = DP_ENOMEM;
  if ((c = check_create()) == NULL || (keys = malloc(sizeof *keys)) == NULL ||
      (ds = malloc(sizeof *ds)) == NULL)
    goto done;
  if ((st = check_run(c, &in, keys)) != DP_OK)
    goto done;
  if ((st = dp_wire_msg_parse(ds_reply, ds_len, ds)) != DP_OK)
    goto done;
  out->nkeys = keys->nkeys;
  memcpy(out->keys, keys->keys, sizeof out->keys);

  for (unsigned i = 0; i < ds->nrr; i++)
  {
    const struct dp_wire_rr *rr = &ds->rr[i];
    struct dp_wire_ds d;
    if (rr->type != DP_TYPE_DS || !at_apex(c, ds, rr))
      continue;
    struct dp_dnssec_ds *e = &out->ds[out->nds++];
    e->key = -1;
    e->outcome = DP_DNSSEC_DS_MALFORMED;
    if (dp_wire_ds_read(ds, rr, &d) != DP_OK)
      continue;
    e->key_tag = d.key_tag;
    e->algorithm = d.algorithm;
    e->digest_type = d.digest_type;
    e->digest_len = d.digest.len;
    ds_judge(c, keys, &d, e);
    if (e->outcome == DP_DNSSEC_DS_MATCH && e->key_signs_dnskey)
      out->secure_entry = true;
  }
  if (c->nomem)
    st = DP_ENOMEM;

done:
  check_destroy(c);
  free(keys);
  free(ds);
  return st;
}
