/*
 * zone_dnssec.c: zone mode's DNSSEC comparison. Each server's DNSSEC was
 * checked on its own (dnssec_target.c); here the DNSKEY sets the servers
 * serve are compared with each other, and the DS RRset the parent publishes
 * (asked of the resolver) is matched against each server's keys (RFC 4035
 * 5.2, with dp_dnssec_ds_match). What is wrong becomes a root cause of the
 * zone: dnssec-keys-differ, dnssec-ds-mismatch, dnssec-insecure.
 *
 * Invariants:
 * - Reply bytes are read only through the wire layer and dnssec.h; keys are
 *   compared by their whole RDATA (flags, protocol, algorithm and public
 *   key), signers by key tag and algorithm, as a validator picks keys.
 * - A zone no server serves signed, whose parent has no DS, is not checked:
 *   an unsigned zone gets no DNSSEC word.
 * - Work is bounded: DP_ZONE_SERVERS_MAX servers of DP_WIRE_RR_MAX keys and
 *   signers each; scratch is allocated once and freed on every path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose_priv.h"
#include "dnsprobe/dns.h"
#include "dnsprobe/zone.h"

#define SIGNERS_MAX 16 /* signers of one server's RRsets kept */

/* A signer: the key tag and algorithm an RRSIG names. */
struct signer
{
  uint16_t tag;
  uint8_t alg;
};

/* What one server serves, read from its replies. */
struct served
{
  bool checked; /* state signed or unsigned */
  bool is_signed;
  const uint8_t *dnskey; /* dnskey's reply, borrowed from the run */
  size_t dnskey_len;
  size_t nkeys;
  struct dp_wire_dnskey keys[DP_WIRE_RR_MAX]; /* spans into dnskey */
  size_t nsigners;
  struct signer signers[SIGNERS_MAX];
  bool blamed;       /* the parent's DS matches none of its signing keys */
  bool ds_undecided; /* a DS names one of its keys with an unknown digest */
};

struct work
{
  const struct dp_run *run;
  struct dp_zone_summary *z;
  uint8_t zone[DP_DNS_NAME_MAX];
  size_t zone_len;
  size_t n; /* servers compared: run targets that have a row in z */
  struct served *srv;
  struct dp_wire_msg *msg;
  struct dp_dnssec_ds_result *dsr;
};

static bool at_apex(const struct work *w, const struct dp_wire_msg *m,
                    const struct dp_wire_rr *rr)
{
  return rr->section == DP_SECTION_ANSWER && rr->rclass == DP_CLASS_IN &&
         dp_wire_rr_owner_is(m, rr, w->zone, w->zone_len);
}

/* The signers of the RRSIGs at the apex of a reply, added to s. */
static void read_signers(struct work *w, struct served *s, const uint8_t *buf,
                         size_t len)
{
  struct dp_wire_msg *m = w->msg;
  if (buf == NULL || dp_wire_msg_parse(buf, len, m) != DP_OK)
    return;
  for (unsigned i = 0; i < m->nrr; i++)
  {
    struct dp_wire_rrsig sig;
    bool seen = false;
    if (m->rr[i].type != DP_TYPE_RRSIG || !at_apex(w, m, &m->rr[i]) ||
        dp_wire_rrsig_read(m, &m->rr[i], &sig) != DP_OK)
      continue;
    for (size_t k = 0; k < s->nsigners && !seen; k++)
      seen = s->signers[k].tag == sig.key_tag &&
             s->signers[k].alg == sig.algorithm;
    if (!seen && s->nsigners < SIGNERS_MAX)
      s->signers[s->nsigners++] = (struct signer){sig.key_tag, sig.algorithm};
  }
}

/* The zone keys in the dnskey reply of server s. */
static void read_keys(struct work *w, struct served *s)
{
  struct dp_wire_msg *m = w->msg;
  if (dp_wire_msg_parse(s->dnskey, s->dnskey_len, m) != DP_OK)
    return;
  for (unsigned i = 0; i < m->nrr && s->nkeys < DP_WIRE_RR_MAX; i++)
  {
    struct dp_wire_dnskey *k = &s->keys[s->nkeys];
    if (m->rr[i].type == DP_TYPE_DNSKEY && at_apex(w, m, &m->rr[i]) &&
        dp_wire_dnskey_read(m, &m->rr[i], k) == DP_OK &&
        (k->flags & DP_DNSKEY_FLAG_ZONE) && k->protocol == DP_DNSKEY_PROTOCOL)
      s->nkeys++;
  }
}

/* Read what every server serves. */
static void read_servers(struct work *w)
{
  struct dp_zone_dnssec *zd = &w->z->dnssec;
  for (size_t i = 0; i < w->n; i++)
  {
    const struct dp_target_result *t = &w->run->targets[i];
    const struct dp_target_dnssec *d = t->dnssec;
    struct served *s = &w->srv[i];
    struct dp_zone_dnssec_server *row = &zd->servers[i];
    row->keyset = -1;
    if (d == NULL)
      continue;
    row->state = d->state == DP_DNSSEC_STATE_SIGNED     ? "signed"
                 : d->state == DP_DNSSEC_STATE_UNSIGNED ? "unsigned"
                                                        : "unknown";
    if (d->state == DP_DNSSEC_STATE_UNKNOWN)
      continue;
    const struct dp_probe_result *key = dp_target_probe(t, DP_PROBE_DNSKEY);
    const struct dp_probe_result *soa = dp_target_probe(t, DP_PROBE_DO);
    if (key == NULL || key->reply == NULL)
      continue;
    s->checked = true;
    s->is_signed = d->state == DP_DNSSEC_STATE_SIGNED;
    s->dnskey = key->reply;
    s->dnskey_len = key->reply_len;
    read_keys(w, s);
    read_signers(w, s, key->reply, key->reply_len);
    if (soa != NULL)
      read_signers(w, s, soa->reply, soa->reply_len);
    row->nkeys = s->nkeys;
    for (size_t k = 0; k < s->nkeys && k < DP_ZONE_KEYS_MAX; k++)
    {
      row->keys[k].key_tag = s->keys[k].key_tag;
      row->keys[k].algorithm = s->keys[k].algorithm;
      row->keys[k].flags = s->keys[k].flags;
    }
    if (s->is_signed)
      zd->nsigned++;
    else
      zd->nunsigned++;
  }
}

static bool same_key(const struct dp_wire_dnskey *a,
                     const struct dp_wire_dnskey *b)
{
  return a->flags == b->flags && a->protocol == b->protocol &&
         a->algorithm == b->algorithm && a->key.len == b->key.len &&
         (a->key.len == 0 || memcmp(a->key.data, b->key.data, a->key.len) == 0);
}

/* Whether every key of a is in b. */
static bool keys_within(const struct served *a, const struct served *b)
{
  for (size_t i = 0; i < a->nkeys; i++)
  {
    bool found = false;
    for (size_t j = 0; j < b->nkeys && !found; j++)
      found = same_key(&a->keys[i], &b->keys[j]);
    if (!found)
      return false;
  }
  return true;
}

/* Whether s has a zone key of tag and algorithm. */
static bool has_key(const struct served *s, uint16_t tag, uint8_t alg)
{
  for (size_t j = 0; j < s->nkeys; j++)
    if (s->keys[j].key_tag == tag && s->keys[j].algorithm == alg)
      return true;
  return false;
}

/* The servers grouped by the DNSKEY set they serve. */
static void group_keysets(struct work *w)
{
  struct dp_zone_dnssec *zd = &w->z->dnssec;
  size_t reps[DP_ZONE_SERVERS_MAX];
  for (size_t i = 0; i < w->n; i++)
  {
    const struct served *s = &w->srv[i];
    if (!s->checked)
      continue;
    size_t g = 0;
    while (g < zd->nkeysets && !(keys_within(s, &w->srv[reps[g]]) &&
                                 keys_within(&w->srv[reps[g]], s)))
      g++;
    if (g == zd->nkeysets)
      reps[zd->nkeysets++] = i;
    zd->servers[i].keyset = (int)g;
  }
}

/* "ns1.example.test. (127.0.0.61)" of server i. */
static void server_name(struct dp_buf *b, const struct work *w, size_t i)
{
  const struct dp_zone_server *s = &w->z->servers[i];
  dp_buf_addf(b, "%.*s (%.*s)", (int)sizeof(s->ns), s->ns,
              (int)sizeof(s->address), s->address);
}

/* "12345/13, 54321/13" (at most four). */
static void key_list(struct dp_buf *b, const struct served *s)
{
  if (s->nkeys == 0)
  {
    dp_buf_adds(b, "no DNSKEY");
    return;
  }
  for (size_t k = 0; k < s->nkeys && k < 4; k++)
    dp_buf_addf(b, "%s%u/%u", k > 0 ? ", " : "keys ",
                (unsigned)s->keys[k].key_tag, (unsigned)s->keys[k].algorithm);
  if (s->nkeys > 4)
    dp_buf_addf(b, " and %zu more", s->nkeys - 4);
}

static struct dp_zone_cause *add_cause(struct dp_zone_summary *z, dp_cause_t c,
                                       dp_severity_t sev)
{
  struct dp_zone_dnssec *zd = &z->dnssec;
  if (zd->ncauses == DP_ZONE_CAUSES_MAX)
    return NULL;
  struct dp_zone_cause *r = &zd->causes[zd->ncauses++];
  const struct dp_knowledge_cause *kc = dp_knowledge_cause_get(c);
  memset(r, 0, sizeof(*r));
  r->cause = c;
  r->severity = sev;
  r->headline = kc != NULL ? kc->title : "";
  /* An info cause leaves the zone ok, as a target's does. */
  if (sev > z->severity && sev >= DP_SEVERITY_WARNING)
  {
    z->severity = sev;
    z->status = dp_health_from_severity(sev);
  }
  return r;
}

/* dnssec-keys-differ: critical when a server signs with a key another's
 * set lacks and the parent vouches for the zone; a warning otherwise. */
static void judge_keysets(struct work *w)
{
  struct dp_zone_dnssec *zd = &w->z->dnssec;
  if (zd->nkeysets < 2)
    return;
  size_t a = w->n, b = w->n;
  struct signer lacking = {0, 0};
  for (size_t i = 0; i < w->n && b == w->n; i++)
    for (size_t j = 0; j < w->n && b == w->n; j++)
    {
      const struct served *s = &w->srv[i], *o = &w->srv[j];
      if (i == j || !s->checked || !o->checked)
        continue;
      for (size_t k = 0; k < s->nsigners && b == w->n; k++)
        if (!has_key(o, s->signers[k].tag, s->signers[k].alg))
          a = i, b = j, lacking = s->signers[k];
    }
  bool breaks = b < w->n && strcmp(zd->ds_state, "none") != 0;
  struct dp_zone_cause *r =
      add_cause(w->z, DP_CAUSE_DNSSEC_KEYS_DIFFER,
                breaks ? DP_SEVERITY_CRITICAL : DP_SEVERITY_WARNING);
  if (r == NULL)
    return;
  struct dp_buf e;
  dp_buf_init_fixed(&e, r->evidence, sizeof(r->evidence));
  dp_buf_addf(&e, "%zu DNSKEY sets among %zu servers:", zd->nkeysets,
              zd->nsigned + zd->nunsigned);
  size_t shown = 0;
  for (size_t g = 0; g < zd->nkeysets && shown < 3; g++)
    for (size_t i = 0; i < w->n; i++)
      if (zd->servers[i].keyset == (int)g)
      {
        dp_buf_adds(&e, shown > 0 ? "; " : " ");
        server_name(&e, w, i);
        dp_buf_adds(&e, " serves ");
        key_list(&e, &w->srv[i]);
        shown++;
        break;
      }
  dp_buf_adds(&e, ".");
  if (b < w->n)
  {
    char alg[24];
    dp_wire_dnssec_alg_tostr(lacking.alg, alg, sizeof(alg));
    dp_buf_adds(&e, " The RRSIGs of ");
    server_name(&e, w, a);
    dp_buf_addf(&e, " are by key %u (%s), which the DNSKEY set of ",
                (unsigned)lacking.tag, alg);
    server_name(&e, w, b);
    dp_buf_adds(&e, breaks ? " lacks: a validator holding that set rejects "
                             "them."
                           : " lacks (with no DS at the parent, no "
                             "validator checks them yet).");
  }
}

/* The DS RRset of the parent: its records, and which server each matches. */
static dp_status_t read_ds(struct work *w, const uint8_t *ds, size_t len,
                           const char *why)
{
  struct dp_zone_dnssec *zd = &w->z->dnssec;
  struct dp_wire_msg *m = w->msg;

  zd->ds_state = "unknown";
  if (ds == NULL || dp_wire_msg_parse(ds, len, m) != DP_OK || !m->complete)
  {
    snprintf(zd->ds_why, sizeof(zd->ds_why), "%s",
             ds == NULL && why != NULL && why[0] ? why : "malformed");
    return DP_OK;
  }
  if (m->rcode != DP_RCODE_NOERROR && m->rcode != DP_RCODE_NXDOMAIN)
  {
    snprintf(zd->ds_why, sizeof(zd->ds_why), "%s",
             dp_knowledge_rcode_name(m->rcode));
    return DP_OK;
  }
  size_t nds = 0;
  for (unsigned i = 0; i < m->nrr; i++)
  {
    struct dp_wire_ds d;
    if (m->rr[i].type != DP_TYPE_DS || !at_apex(w, m, &m->rr[i]))
      continue;
    /* Counted even when unreadable: dp_dnssec_ds_match lists it too. */
    if (nds < DP_ZONE_DS_MAX)
    {
      memset(&zd->ds[nds], 0, sizeof(zd->ds[nds]));
      if (dp_wire_ds_read(m, &m->rr[i], &d) == DP_OK)
        zd->ds[nds] =
            (struct dp_zone_ds){d.key_tag, d.algorithm, d.digest_type, 0};
    }
    nds++;
  }
  zd->nds = nds < DP_ZONE_DS_MAX ? nds : DP_ZONE_DS_MAX;
  zd->ds_state = nds > 0 ? "present" : "none";
  if (nds == 0)
    return DP_OK;
  for (size_t i = 0; i < w->n; i++)
  {
    struct served *s = &w->srv[i];
    if (!s->checked)
      continue;
    s->blamed = true;
    if (!s->is_signed)
      continue;
    dp_status_t st = dp_dnssec_ds_match(w->z->name, ds, len, s->dnskey,
                                        s->dnskey_len, w->dsr);
    if (st == DP_ENOMEM)
      return st;
    if (st != DP_OK)
      continue;
    zd->servers[i].ds_match = w->dsr->secure_entry;
    s->blamed = !w->dsr->secure_entry;
    for (size_t k = 0; k < w->dsr->nds; k++)
    {
      const struct dp_dnssec_ds *r = &w->dsr->ds[k];
      if (r->outcome == DP_DNSSEC_DS_MATCH && r->key_signs_dnskey &&
          k < DP_ZONE_DS_MAX)
        zd->ds[k].matches++;
      if (r->outcome == DP_DNSSEC_DS_DIGEST_UNSUPPORTED &&
          !w->dsr->secure_entry)
        s->ds_undecided = true, s->blamed = false;
    }
  }
  return DP_OK;
}

/* dnssec-ds-mismatch or dnssec-insecure, from the DS RRset. */
static void judge_ds(struct work *w)
{
  struct dp_zone_dnssec *zd = &w->z->dnssec;
  struct dp_buf e;

  if (strcmp(zd->ds_state, "none") == 0 && zd->nsigned > 0)
  {
    struct dp_zone_cause *r =
        add_cause(w->z, DP_CAUSE_DNSSEC_INSECURE, DP_SEVERITY_INFO);
    if (r == NULL)
      return;
    dp_buf_init_fixed(&e, r->evidence, sizeof(r->evidence));
    dp_buf_addf(&e,
                "The zone is signed on %zu of %zu servers, and the resolver "
                "finds no DS for it at the parent.",
                zd->nsigned, zd->nsigned + zd->nunsigned);
    return;
  }
  if (strcmp(zd->ds_state, "present") != 0)
    return;
  size_t blamed = 0, checked = 0, first = w->n;
  for (size_t i = 0; i < w->n; i++)
  {
    checked += w->srv[i].checked;
    if (w->srv[i].checked && w->srv[i].blamed)
      blamed++, first = first < i ? first : i;
  }
  if (blamed == 0)
    return;
  struct dp_zone_cause *r =
      add_cause(w->z, DP_CAUSE_DNSSEC_DS_MISMATCH, DP_SEVERITY_CRITICAL);
  if (r == NULL)
    return;
  dp_buf_init_fixed(&e, r->evidence, sizeof(r->evidence));
  dp_buf_addf(&e, "The parent publishes %zu DS record%s (", zd->nds,
              zd->nds == 1 ? "" : "s");
  for (size_t k = 0; k < zd->nds && k < 3; k++)
  {
    char alg[24], dig[24];
    dp_wire_dnssec_alg_tostr(zd->ds[k].algorithm, alg, sizeof(alg));
    dp_wire_ds_digest_tostr(zd->ds[k].digest_type, dig, sizeof(dig));
    dp_buf_addf(&e, "%skey %u, %s, %s", k > 0 ? "; " : "",
                (unsigned)zd->ds[k].key_tag, alg, dig);
  }
  dp_buf_adds(&e, zd->nds > 3 ? "; ...)" : ")");
  if (zd->nsigned == 0)
    dp_buf_adds(&e, "; the zone is served unsigned, so validators find no "
                    "key to check it with.");
  else if (blamed == checked)
    dp_buf_adds(&e, "; none matches a key that signs the DNSKEY set on any "
                    "of the zone's servers.");
  else
  {
    dp_buf_adds(&e, "; none matches a key that signs the DNSKEY set of ");
    server_name(&e, w, first);
    if (blamed > 1)
      dp_buf_addf(&e, " and %zu more", blamed - 1);
    dp_buf_adds(&e, w->srv[first].is_signed
                        ? "."
                        : ", which serves the zone unsigned.");
  }
}

/* The fixes of the zone's causes, in the software its servers run when
 * they all run the same, else one line per product. */
static void compose_fixes(struct work *w, dp_software_t fix_for)
{
  struct dp_target_result *as = calloc(1, sizeof(*as));
  if (as == NULL)
    return;
  memcpy(as->zone, w->z->name, sizeof(as->zone));
  as->zone_given = true;
  as->role = DP_ROLE_AUTHORITATIVE;
  bool first = true;
  for (size_t i = 0; i < w->n; i++)
  {
    const struct dp_target_result *t = &w->run->targets[i];
    if (!w->srv[i].checked)
      continue;
    if (first)
      as->software = t->software;
    else if (as->software != t->software)
      as->software = DP_SOFTWARE_UNKNOWN;
    first = false;
  }
  for (size_t c = 0; c < w->z->dnssec.ncauses; c++)
  {
    struct dp_zone_cause *r = &w->z->dnssec.causes[c];
    const struct dp_knowledge_cause *kc = dp_knowledge_cause_get(r->cause);
    struct dp_buf f;
    if (kc == NULL)
      continue;
    dp_buf_init_fixed(&f, r->fix, sizeof(r->fix));
    dp_diagnose_compose_fix(&f, kc->fix, dp_knowledge_cause_fixes(kc), false,
                            as, fix_for);
  }
  free(as);
}

dp_status_t dp_diagnose_zone_dnssec(const struct dp_run *run,
                                    const uint8_t *ds_reply, size_t ds_len,
                                    const char *ds_why, dp_software_t fix_for,
                                    struct dp_zone_summary *z)
{
  struct work w;
  dp_status_t st = DP_ENOMEM;

  if (run == NULL || z == NULL)
    return DP_EINVAL;
  memset(&z->dnssec, 0, sizeof(z->dnssec));
  z->dnssec.ds_state = "unknown";
  memset(&w, 0, sizeof(w));
  w.run = run;
  w.z = z;
  w.n = run->targets != NULL ? run->ntargets : 0;
  if (w.n > z->nservers)
    w.n = z->nservers;
  if (w.n > DP_ZONE_SERVERS_MAX)
    w.n = DP_ZONE_SERVERS_MAX;
  if (dp_wire_name_fromstr(z->name, w.zone, sizeof(w.zone), &w.zone_len) !=
      DP_OK)
    return DP_EINVAL;
  if ((w.srv = calloc(w.n > 0 ? w.n : 1, sizeof(*w.srv))) == NULL ||
      (w.msg = malloc(sizeof(*w.msg))) == NULL ||
      (w.dsr = malloc(sizeof(*w.dsr))) == NULL)
    goto done;
  read_servers(&w);
  if ((st = read_ds(&w, ds_reply, ds_len, ds_why)) != DP_OK)
    goto done;
  z->dnssec.checked =
      z->dnssec.nsigned > 0 || strcmp(z->dnssec.ds_state, "present") == 0;
  if (z->dnssec.checked)
  {
    group_keysets(&w);
    judge_ds(&w);
    judge_keysets(&w);
    compose_fixes(&w, fix_for);
  }
  st = DP_OK;

done:
  free(w.srv);
  free(w.msg);
  free(w.dsr);
  return st;
}
