/*
 * zone_report.c: the zone section of the json and text reports, written only
 * when the report is handed a zone summary (zone.h, filled by
 * dp_diagnose_zone).
 *
 * JSON: a top-level "zone" object (members are an interface: never rename,
 * only add), with the zone's root causes ("diagnosis", as a target's), what
 * was gathered of its delegation, NS sets and SOAs ("delegation"), its SOA,
 * and for a signed zone or one whose parent has DS the DNSSEC comparison
 * ("dnssec", null otherwise). Text: a short table of the servers, a verdict
 * line on the serials ("serials agree: S on N of M servers" or "serials
 * disagree: ..."), one line per lame, silent or unresolved server (an NS
 * name with no address, which was not probed: its address and port are
 * null in JSON), the DNSSEC comparison (each server's key set, the
 * parent's DS records and their causes), a line on the delegation, and the
 * zone's diagnosis as a target's reads.
 * Invariants: it reads the summary only, clamps counts to the arrays, writes
 * control characters as '?'.
 */
#include <string.h>

#include "format.h"
#include "util.h"
#include "zone_report.h"

static size_t nservers(const struct dp_zone_summary *z)
{
  return z->nservers < DP_ZONE_SERVERS_MAX ? z->nservers : DP_ZONE_SERVERS_MAX;
}

static void member_fixed_value(dp_json_t *w, const char *buf, size_t cap)
{
  char tmp[DP_WIRE_NAME_STRLEN];
  dp_report_fixed(tmp, sizeof(tmp), buf, cap);
  dp_json_string(w, tmp);
}

static void dnssec_json(dp_json_t *w, const struct dp_zone_summary *z)
{
  const struct dp_zone_dnssec *d = &z->dnssec;
  size_t n = nservers(z);

  dp_json_key(w, "dnssec");
  if (!d->checked)
  {
    dp_json_null(w);
    return;
  }
  dp_json_object_begin(w);
  dp_json_key(w, "signed");
  dp_json_uint(w, d->nsigned);
  dp_json_key(w, "unsigned");
  dp_json_uint(w, d->nunsigned);
  dp_json_key(w, "keysets");
  dp_json_uint(w, d->nkeysets);
  dp_report_member_bool(w, "keysets_agree", d->nkeysets <= 1);
  dp_json_key(w, "servers");
  dp_json_array_begin(w);
  for (size_t i = 0; i < n; i++)
  {
    const struct dp_zone_dnssec_server *s = &d->servers[i];
    if (s->state == NULL)
      continue;
    dp_json_object_begin(w);
    dp_report_member_fixed(w, "ns", z->servers[i].ns, sizeof(z->servers[i].ns));
    dp_report_member_fixed(w, "address", z->servers[i].address,
                           sizeof(z->servers[i].address));
    dp_json_key(w, "state");
    dp_json_string(w, s->state);
    dp_json_key(w, "keyset");
    if (s->keyset >= 0)
      dp_json_uint(w, (unsigned)s->keyset);
    else
      dp_json_null(w);
    dp_json_key(w, "keys");
    dp_json_array_begin(w);
    for (size_t k = 0; k < s->nkeys && k < DP_ZONE_KEYS_MAX; k++)
    {
      dp_json_object_begin(w);
      dp_json_key(w, "key_tag");
      dp_json_uint(w, s->keys[k].key_tag);
      dp_json_key(w, "algorithm");
      dp_json_uint(w, s->keys[k].algorithm);
      dp_json_key(w, "flags");
      dp_json_uint(w, s->keys[k].flags);
      dp_json_object_end(w);
    }
    dp_json_array_end(w);
    dp_json_key(w, "ds_match");
    if (d->ds_state != NULL && strcmp(d->ds_state, "present") == 0 &&
        s->keyset >= 0)
      dp_json_bool(w, s->ds_match);
    else
      dp_json_null(w);
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  dp_json_key(w, "ds");
  dp_json_object_begin(w);
  dp_json_key(w, "state");
  dp_json_string(w, d->ds_state != NULL ? d->ds_state : "unknown");
  dp_json_key(w, "why");
  if (d->ds_why[0] != '\0')
    member_fixed_value(w, d->ds_why, sizeof(d->ds_why));
  else
    dp_json_null(w);
  dp_json_key(w, "records");
  dp_json_array_begin(w);
  for (size_t k = 0; k < d->nds && k < DP_ZONE_DS_MAX; k++)
  {
    dp_json_object_begin(w);
    dp_json_key(w, "key_tag");
    dp_json_uint(w, d->ds[k].key_tag);
    dp_json_key(w, "algorithm");
    dp_json_uint(w, d->ds[k].algorithm);
    dp_json_key(w, "digest_type");
    dp_json_uint(w, d->ds[k].digest_type);
    dp_json_key(w, "matches");
    dp_json_uint(w, d->ds[k].matches);
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  dp_json_object_end(w);
  dp_json_key(w, "causes");
  dp_json_array_begin(w);
  for (size_t c = 0; c < d->ncauses && c < DP_ZONE_CAUSES_MAX; c++)
  {
    const struct dp_zone_cause *r = &d->causes[c];
    dp_json_object_begin(w);
    dp_json_key(w, "cause");
    dp_json_string(w, dp_cause_tostr(r->cause));
    dp_json_key(w, "severity");
    dp_json_string(w, dp_severity_tostr(r->severity));
    dp_json_key(w, "headline");
    dp_json_string(w, r->headline);
    dp_json_key(w, "evidence");
    dp_json_string(w, r->evidence);
    dp_json_key(w, "fix");
    dp_json_string(w, r->fix);
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  dp_json_object_end(w);
}

static size_t clamp(size_t n, size_t max)
{
  return n < max ? n : max;
}

static void soa_value(dp_json_t *w, const struct dp_zone_soa *soa)
{
  if (!soa->has)
  {
    dp_json_null(w);
    return;
  }
  dp_json_object_begin(w);
  dp_report_member_fixed(w, "mname", soa->mname, sizeof(soa->mname));
  dp_report_member_fixed(w, "rname", soa->rname, sizeof(soa->rname));
  dp_json_key(w, "serial");
  dp_json_uint(w, soa->serial);
  dp_json_key(w, "refresh");
  dp_json_uint(w, soa->refresh);
  dp_json_key(w, "retry");
  dp_json_uint(w, soa->retry);
  dp_json_key(w, "expire");
  dp_json_uint(w, soa->expire);
  dp_json_key(w, "minimum");
  dp_json_uint(w, soa->minimum);
  dp_json_object_end(w);
}

static void addrs_value(dp_json_t *w, const struct dp_zone_addr *a, size_t n)
{
  dp_json_array_begin(w);
  for (size_t i = 0; i < clamp(n, DP_ZONE_ADDRS_MAX); i++)
    member_fixed_value(w, a[i].text, sizeof(a[i].text));
  dp_json_array_end(w);
}

/* The SOA of the server with the newest serial, the zone's. */
static const struct dp_zone_soa *zone_soa(const struct dp_zone_summary *z)
{
  const struct dp_zone_delegation *d = &z->delegation;
  const struct dp_zone_soa *any = NULL;
  for (size_t i = 0; i < clamp(d->nchildren, DP_ZONE_SERVERS_MAX); i++)
  {
    const struct dp_zone_soa *soa = &d->children[i].soa;
    if (!soa->has)
      continue;
    if (z->nserial > 0 && soa->serial == z->serial)
      return soa;
    if (any == NULL)
      any = soa;
  }
  return any;
}

static void delegation_value(dp_json_t *w, const struct dp_zone_delegation *d)
{
  if (!d->gathered)
  {
    dp_json_null(w);
    return;
  }
  dp_json_object_begin(w);
  dp_report_member_bool(w, "checked", d->checked);
  dp_json_key(w, "parent");
  if (d->parent[0] != '\0')
    member_fixed_value(w, d->parent, sizeof(d->parent));
  else
    dp_json_null(w);
  dp_json_key(w, "why");
  if (d->checked)
    dp_json_null(w);
  else
    member_fixed_value(w, d->why, sizeof(d->why));
  dp_json_key(w, "parent_servers");
  dp_json_array_begin(w);
  for (size_t i = 0; i < clamp(d->nparents, DP_ZONE_PARENTS_MAX); i++)
  {
    const struct dp_zone_parent *p = &d->parents[i];
    dp_json_object_begin(w);
    dp_report_member_fixed(w, "ns", p->ns, sizeof(p->ns));
    dp_report_member_fixed(w, "address", p->address, sizeof(p->address));
    dp_report_member_bool(w, "answered", p->answered);
    dp_report_member_bool(w, "referral", p->referral);
    dp_report_member_bool(w, "undelegated", p->undelegated);
    dp_report_member_fixed(w, "why", p->why, sizeof(p->why));
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  dp_json_key(w, "ns");
  dp_json_array_begin(w);
  for (size_t i = 0; i < clamp(d->nns, DP_ZONE_NS_MAX); i++)
  {
    const struct dp_zone_ns *ns = &d->ns[i];
    dp_json_object_begin(w);
    dp_report_member_fixed(w, "name", ns->name, sizeof(ns->name));
    dp_report_member_bool(w, "at_parent", ns->at_parent);
    dp_json_key(w, "at_servers");
    dp_json_uint(w, ns->at_child);
    dp_report_member_bool(w, "in_zone", ns->in_zone);
    dp_json_key(w, "glue");
    addrs_value(w, ns->glue, ns->nglue);
    dp_json_key(w, "addresses");
    if (ns->child_asked)
      addrs_value(w, ns->child, ns->nchild);
    else
      dp_json_null(w);
    dp_report_member_bool(w, "resolved", ns->resolved);
    dp_report_member_bool(w, "cname", ns->cname);
    dp_json_key(w, "why");
    if (ns->resolved || ns->why[0] == '\0')
      dp_json_null(w);
    else
      member_fixed_value(w, ns->why, sizeof(ns->why));
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  dp_json_key(w, "servers");
  dp_json_array_begin(w);
  for (size_t i = 0; i < clamp(d->nchildren, DP_ZONE_SERVERS_MAX); i++)
  {
    const struct dp_zone_child *c = &d->children[i];
    dp_json_object_begin(w);
    dp_report_member_fixed(w, "ns", c->ns, sizeof(c->ns));
    dp_report_member_fixed(w, "address", c->address, sizeof(c->address));
    dp_json_key(w, "ns_set");
    if (c->ns_answered)
    {
      dp_json_array_begin(w);
      for (size_t k = 0; k < clamp(d->nns, DP_ZONE_NS_MAX); k++)
        if (c->ns_set & (UINT32_C(1) << k))
          member_fixed_value(w, d->ns[k].name, sizeof(d->ns[k].name));
      dp_json_array_end(w);
    }
    else
      dp_json_null(w);
    dp_json_key(w, "soa");
    soa_value(w, &c->soa);
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  dp_json_object_end(w);
}

void dp_report_zone_json_value(dp_json_t *w, const struct dp_zone_summary *z)
{
  size_t n = nservers(z);

  dp_json_object_begin(w);
  dp_report_member_fixed(w, "name", z->name, sizeof(z->name));
  dp_report_member_fixed(w, "resolver", z->resolver, sizeof(z->resolver));
  dp_json_key(w, "status");
  dp_json_string(w, dp_health_tostr(z->status));
  dp_json_key(w, "severity");
  dp_json_string(w, dp_severity_tostr(z->severity));
  dp_json_key(w, "servers");
  dp_json_array_begin(w);
  for (size_t i = 0; i < n; i++)
  {
    const struct dp_zone_server *s = &z->servers[i];
    dp_json_object_begin(w);
    dp_report_member_fixed(w, "ns", s->ns, sizeof(s->ns));
    if (s->unresolved)
    {
      dp_json_key(w, "address");
      dp_json_null(w);
      dp_json_key(w, "port");
      dp_json_null(w);
    }
    else
    {
      dp_report_member_fixed(w, "address", s->address, sizeof(s->address));
      dp_json_key(w, "port");
      dp_json_uint(w, s->port);
    }
    dp_report_member_bool(w, "answered", s->answered);
    dp_json_key(w, "serial");
    if (s->has_serial)
      dp_json_uint(w, s->serial);
    else
      dp_json_null(w);
    dp_report_member_bool(w, "authoritative", s->authoritative);
    dp_report_member_bool(w, "lame", s->lame);
    dp_json_key(w, "reason");
    dp_json_string(w, s->reason != NULL ? s->reason : "not-probed");
    dp_json_key(w, "why");
    if (s->unresolved)
      member_fixed_value(w, s->why, sizeof(s->why));
    else
      dp_json_null(w);
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  dp_report_member_bool(w, "serials_agree", z->serials_agree);
  dp_json_key(w, "serial");
  if (z->nserial > 0)
    dp_json_uint(w, z->serial);
  else
    dp_json_null(w);
  dp_json_key(w, "lame");
  dp_json_array_begin(w);
  for (size_t i = 0; i < n; i++)
  {
    if (!z->servers[i].lame)
      continue;
    dp_json_object_begin(w);
    dp_report_member_fixed(w, "ns", z->servers[i].ns, sizeof(z->servers[i].ns));
    dp_report_member_fixed(w, "address", z->servers[i].address,
                           sizeof(z->servers[i].address));
    dp_json_key(w, "reason");
    dp_json_string(w, z->servers[i].reason);
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  dp_json_key(w, "unanswered");
  dp_json_uint(w, z->nunanswered);
  dp_json_key(w, "unresolved");
  dp_json_uint(w, z->nunresolved);
  dnssec_json(w, z);
  dp_json_key(w, "diagnosis");
  dp_report_json_causes(w, z->diagnosis, z->diagnosis ? z->ndiagnosis : 0);
  dp_json_key(w, "delegation");
  delegation_value(w, &z->delegation);
  dp_json_key(w, "soa");
  const struct dp_zone_soa *soa = zone_soa(z);
  if (soa != NULL)
    soa_value(w, soa);
  else
    dp_json_null(w);
  dp_json_object_end(w);
}

/* A string from a fixed array, control characters as '?'. */
static void put_clean(FILE *fp, const char *buf, size_t cap)
{
  char tmp[DP_WIRE_NAME_STRLEN];
  dp_report_fixed(tmp, sizeof(tmp), buf, cap);
  for (char *c = tmp; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f)
      *c = '?';
  fputs(tmp, fp);
}

static size_t clean_width(const char *buf, size_t cap)
{
  return strnlen(buf, cap);
}

static void pad(FILE *fp, size_t used, size_t width)
{
  for (size_t i = used; i < width + 2; i++)
    fputc(' ', fp);
}

/* "serials agree: S on N of M servers" or the list of distinct serials. */
static void write_serial_line(FILE *fp, const struct dp_zone_summary *z,
                              const struct dp_report_options *opt)
{
  size_t n = nservers(z);
  uint32_t seen[DP_ZONE_SERVERS_MAX];
  size_t count[DP_ZONE_SERVERS_MAX];
  size_t ndistinct = 0;

  ndistinct = dp_diagnose_zone_serial_counts(z, seen, count);
  if (ndistinct == 0)
  {
    fprintf(fp, "%sno serial%s: no server answered the SOA of ",
            dp_report_color_severity(DP_SEVERITY_CRITICAL, opt->color),
            dp_report_color_reset(opt->color));
    put_clean(fp, z->name, sizeof(z->name));
    fputs(" authoritatively\n", fp);
    return;
  }
  if (z->serials_agree)
  {
    fprintf(fp, "serials agree: %lu on %zu of %zu servers\n",
            (unsigned long)seen[0], count[0], n);
    return;
  }
  fprintf(fp, "%sserials disagree%s:",
          dp_report_color_severity(DP_SEVERITY_WARNING, opt->color),
          dp_report_color_reset(opt->color));
  for (size_t j = 0; j < ndistinct; j++)
    fprintf(fp, "%s %lu on %zu of %zu servers%s", j > 0 ? "," : "",
            (unsigned long)seen[j], count[j], n,
            seen[j] == z->serial ? " (newest)" : "");
  fputc('\n', fp);
}

/* "[CRITICAL]" for a severity. */
static void severity_label(char *label, size_t cap, dp_severity_t s)
{
  snprintf(label, cap, "[%s]", dp_severity_tostr(s));
  for (char *c = label; *c != '\0'; c++)
    *c = *c >= 'a' && *c <= 'z' ? (char)(*c - 'a' + 'A') : *c;
}

/* The DNSSEC comparison: each server's key set and DS match, the parent's
 * DS records, and the zone's root causes with their evidence and fix. */
static dp_status_t dnssec_text(FILE *fp, const struct dp_zone_summary *z,
                               const struct dp_report_options *opt)
{
  const struct dp_zone_dnssec *d = &z->dnssec;
  unsigned width = opt->width != 0 ? opt->width : 80;
  size_t n = nservers(z);
  bool has_ds = d->ds_state != NULL && strcmp(d->ds_state, "present") == 0;

  if (!d->checked)
    return DP_OK;
  fprintf(fp, "dnssec: signed on %zu of %zu servers, %s\n", d->nsigned,
          d->nsigned + d->nunsigned,
          d->nkeysets <= 1 ? "one DNSKEY set" : "DNSKEY sets differ");
  for (size_t i = 0; i < n; i++)
  {
    const struct dp_zone_dnssec_server *s = &d->servers[i];
    if (s->state == NULL)
      continue;
    fputs("  ", fp);
    put_clean(fp, z->servers[i].ns, sizeof(z->servers[i].ns));
    fprintf(fp, " %s", s->state);
    if (s->keyset >= 0)
      fprintf(fp, ", key set %d", s->keyset + 1);
    for (size_t k = 0; k < s->nkeys && k < DP_ZONE_KEYS_MAX; k++)
      fprintf(fp, "%s%u/%u%s", k == 0 ? ": " : ", ",
              (unsigned)s->keys[k].key_tag, (unsigned)s->keys[k].algorithm,
              (s->keys[k].flags & DP_DNSKEY_FLAG_SEP) ? " (SEP)" : "");
    if (s->nkeys > DP_ZONE_KEYS_MAX)
      fprintf(fp, " and %zu more", s->nkeys - DP_ZONE_KEYS_MAX);
    if (has_ds && s->keyset >= 0)
      fprintf(fp, "; DS %s", s->ds_match ? "matches" : "matches no key");
    fputc('\n', fp);
  }
  if (has_ds)
  {
    fputs("DS at the parent:", fp);
    for (size_t k = 0; k < d->nds && k < DP_ZONE_DS_MAX; k++)
      fprintf(fp,
              "%s key %u, algorithm %u, digest type %u (matches on %zu of "
              "%zu servers)",
              k > 0 ? ";" : "", (unsigned)d->ds[k].key_tag,
              (unsigned)d->ds[k].algorithm, (unsigned)d->ds[k].digest_type,
              d->ds[k].matches, d->nsigned + d->nunsigned);
    fputc('\n', fp);
  }
  else if (d->ds_state != NULL && strcmp(d->ds_state, "none") == 0)
    fputs("DS at the parent: none\n", fp);
  else
  {
    fputs("DS at the parent: not known (", fp);
    put_clean(fp, d->ds_why, sizeof(d->ds_why));
    fputs(")\n", fp);
  }
  for (size_t c = 0; c < d->ncauses && c < DP_ZONE_CAUSES_MAX; c++)
  {
    const struct dp_zone_cause *r = &d->causes[c];
    char label[16], text[256];
    severity_label(label, sizeof(label), r->severity);
    fprintf(fp, "  %s%s%s ", dp_report_color_severity(r->severity, opt->color),
            label, dp_report_color_reset(opt->color));
    snprintf(text, sizeof(text), "%s (%s)",
             r->headline != NULL ? r->headline : "", dp_cause_tostr(r->cause));
    unsigned col = 2 + (unsigned)strlen(label) + 1;
    if (dp_report_wrap_at(fp, text, col, 5, width) != DP_OK)
      return DP_EIO;
    fputs("     Seen: ", fp);
    if (dp_report_wrap_at(fp, r->evidence, 11, 11, width) != DP_OK)
      return DP_EIO;
    if (r->fix[0] != '\0')
    {
      fputs("     Fix: ", fp);
      if (dp_report_wrap_at(fp, r->fix, 10, 10, width) != DP_OK)
        return DP_EIO;
    }
  }
  return DP_OK;
}

/* "delegation: parent.test. (2 of 2 servers) refers to ns1..., ns2..."
 * or why the delegation was not checked. */
static void write_delegation_line(FILE *fp, const struct dp_zone_delegation *d)
{
  size_t referrals = 0, n = 0;
  if (!d->gathered)
    return;
  fputs("delegation: ", fp);
  if (!d->checked)
  {
    fputs("not checked: ", fp);
    put_clean(fp, d->why, sizeof(d->why));
    fputc('\n', fp);
    return;
  }
  for (size_t i = 0; i < clamp(d->nparents, DP_ZONE_PARENTS_MAX); i++)
    referrals += d->parents[i].referral;
  put_clean(fp, d->parent, sizeof(d->parent));
  fprintf(fp, " (%zu of %zu servers) refers to", referrals,
          clamp(d->nparents, DP_ZONE_PARENTS_MAX));
  for (size_t i = 0; i < clamp(d->nns, DP_ZONE_NS_MAX); i++)
  {
    if (!d->ns[i].at_parent)
      continue;
    fputs(n++ ? ", " : " ", fp);
    put_clean(fp, d->ns[i].name, sizeof(d->ns[i].name));
    for (size_t k = 0; k < clamp(d->ns[i].nglue, DP_ZONE_ADDRS_MAX); k++)
    {
      fputs(k ? " " : " (glue ", fp);
      put_clean(fp, d->ns[i].glue[k].text, sizeof(d->ns[i].glue[k].text));
    }
    if (d->ns[i].nglue > 0)
      fputc(')', fp);
  }
  fputc('\n', fp);
}

dp_status_t dp_report_zone_text_write(FILE *fp, const struct dp_zone_summary *z,
                                      const struct dp_report_options *opt)
{
  static const char *const head[] = {"server", "address", "serial", "aa",
                                     "answer"};
  size_t n = nservers(z);
  size_t w_ns = strlen(head[0]), w_addr = strlen(head[1]);

  for (size_t i = 0; i < n; i++)
  {
    size_t a = clean_width(z->servers[i].ns, sizeof(z->servers[i].ns));
    size_t b =
        clean_width(z->servers[i].address, sizeof(z->servers[i].address));
    w_ns = a > w_ns ? a : w_ns;
    w_addr = b > w_addr ? b : w_addr;
  }

  fputs("\nzone ", fp);
  put_clean(fp, z->name, sizeof(z->name));
  if (z->resolver[0] != '\0')
  {
    fputs(" (servers from resolver ", fp);
    put_clean(fp, z->resolver, sizeof(z->resolver));
    fputc(')', fp);
  }
  fprintf(fp, ": %s", dp_report_color_severity(z->severity, opt->color));
  for (const char *c = dp_health_tostr(z->status); *c; c++)
    fputc(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c, fp);
  fprintf(fp, "%s\n", dp_report_color_reset(opt->color));

  fprintf(fp, "  %s", head[0]);
  pad(fp, strlen(head[0]), w_ns);
  fprintf(fp, "%s", head[1]);
  pad(fp, strlen(head[1]), w_addr);
  fprintf(fp, "%-12s%-5s%s\n", head[2], head[3], head[4]);
  for (size_t i = 0; i < n; i++)
  {
    const struct dp_zone_server *s = &z->servers[i];
    char serial[16] = "-";
    if (s->has_serial)
      snprintf(serial, sizeof(serial), "%lu", (unsigned long)s->serial);
    fputs("  ", fp);
    put_clean(fp, s->ns, sizeof(s->ns));
    pad(fp, clean_width(s->ns, sizeof(s->ns)), w_ns);
    if (s->unresolved)
    {
      fputc('-', fp);
      pad(fp, 1, w_addr);
    }
    else
    {
      put_clean(fp, s->address, sizeof(s->address));
      pad(fp, clean_width(s->address, sizeof(s->address)), w_addr);
    }
    fprintf(fp, "%-12s%-5s%s\n", serial, s->authoritative ? "yes" : "no",
            s->reason != NULL ? s->reason : "not-probed");
  }

  write_serial_line(fp, z, opt);
  for (size_t i = 0; i < n; i++)
  {
    const struct dp_zone_server *s = &z->servers[i];
    if (!s->lame && s->answered)
      continue;
    fprintf(fp, "%s%s%s: ",
            dp_report_color_severity(DP_SEVERITY_CRITICAL, opt->color),
            s->unresolved ? "unresolved"
            : s->lame     ? "lame"
                          : "no answer",
            dp_report_color_reset(opt->color));
    put_clean(fp, s->ns, sizeof(s->ns));
    fputs(" (", fp);
    if (s->unresolved)
    {
      fputs("no address: ", fp);
      put_clean(fp, s->why, sizeof(s->why));
      fputs(")\n", fp);
      continue;
    }
    put_clean(fp, s->address, sizeof(s->address));
    fprintf(fp, ", %s)\n", s->reason != NULL ? s->reason : "not-probed");
  }
  if (dnssec_text(fp, z, opt) != DP_OK)
    return DP_EIO;
  write_delegation_line(fp, &z->delegation);
  if (z->ndiagnosis > 0 && z->diagnosis != NULL)
  {
    dp_status_t st =
        dp_report_text_causes(fp, z->diagnosis, z->ndiagnosis, opt, opt->width);
    if (st != DP_OK)
      return st;
  }
  if (fflush(fp) != 0 || ferror(fp))
    return DP_EIO;
  return DP_OK;
}
