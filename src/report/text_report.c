/*
 * text_report.c: the default report, written for a person who pastes it
 * into a ticket. Per target: a header (address, zone, role, software, wall
 * time, the zone's DNSSEC when it was checked), one aligned line per probe
 * (what was sent, what came back, RTT, verdict), the findings worst first with
 * explanation and fix, and a summary line; one overall line after several
 * targets.
 *
 * Invariants: it only reads the run model and decides nothing; counts are
 * clamped to their arrays. Lines stay within the width where the content
 * allows: the "sent" column gives way first, then the "answer" column, each
 * cut with "..."; prose is wrapped by dp_report_wrap. Colour (ANSI SGR) only
 * when opt->color, and only around severities and statuses, so the text
 * reads the same without it. Control characters in any string are written
 * as '?'.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <sys/socket.h>

#include "dnsprobe/buf.h"
#include "format.h"
#include "util.h"
#include "zone_report.h"

#define DEFAULT_WIDTH 80u
#define INDENT 2u      /* probe lines and finding headings */
#define BODY_INDENT 4u /* explanation and "Fix:" */
#define GAP 2u         /* between columns */
#define SENT_MIN 16u   /* narrowest "sent" before "answer" gives way */
#define REPLY_MIN 20u  /* narrowest "answer" column */
#define ELLIPSIS "..."

/* Header flags shown after the RCODE, in header order; QR is always set. */
static const struct
{
  uint16_t bit;
  const char *name;
} shown_flags[] = {
    {DP_FLAG_AA, "aa"}, {DP_FLAG_TC, "tc"}, {DP_FLAG_RD, "rd"},
    {DP_FLAG_RA, "ra"}, {DP_FLAG_Z, "z"},   {DP_FLAG_AD, "ad"},
    {DP_FLAG_CD, "cd"},
};

/* One probe line, before alignment. */
struct row
{
  char id[32];
  char sent[160];
  char reply[192];
  char rtt[24];
  const char *verdict;
  dp_severity_t severity;
};

struct counts
{
  size_t by_severity[DP_SEVERITY_CRITICAL + 1];
  size_t skipped;
};

static size_t min_size(size_t a, size_t b)
{
  return a < b ? a : b;
}

/* Copy src (at most srccap bytes) to dst, control characters as '?'. */
static void clean_copy(char *dst, size_t cap, const char *src, size_t srccap)
{
  size_t n = 0;
  if (src != NULL)
  {
    for (; n + 1 < cap && n < srccap && src[n] != '\0'; n++)
    {
      unsigned char c = (unsigned char)src[n];
      dst[n] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
  }
  dst[n] = '\0';
}

static void format_ms(char *buf, size_t cap, double ms)
{
  if (!(ms >= 0) || !isfinite(ms))
    snprintf(buf, cap, "-");
  else if (ms < 1)
    snprintf(buf, cap, "%.2f ms", ms);
  else if (ms < 100)
    snprintf(buf, cap, "%.1f ms", ms);
  else
    snprintf(buf, cap, "%.0f ms", ms);
}

static void put_upper(FILE *fp, const char *s)
{
  for (; *s != '\0'; s++)
    fputc(toupper((unsigned char)*s), fp);
}

/* A transport outcome in words, for a probe with no DNS reply to show. */
static const char *outcome_words(dp_outcome_t o)
{
  switch (o)
  {
  case DP_OUTCOME_ANSWER:
    return "answer";
  case DP_OUTCOME_TIMEOUT:
    return "timeout";
  case DP_OUTCOME_PORT_UNREACHABLE:
    return "port unreachable";
  case DP_OUTCOME_CONN_REFUSED:
    return "connection refused";
  case DP_OUTCOME_CONN_RESET:
    return "connection reset";
  case DP_OUTCOME_CLOSED:
    return "closed without reply";
  case DP_OUTCOME_MALFORMED:
    return "malformed reply";
  case DP_OUTCOME_HOST_UNREACHABLE:
    return "host unreachable";
  case DP_OUTCOME_SKIPPED:
    return "not sent";
  case DP_OUTCOME_LOCAL_ERROR:
    return "local error";
  case DP_OUTCOME_COUNT:
    break;
  }
  return "unknown";
}

/* What came back: "NOERROR aa", "REFUSED EDE 18 Prohibited", "timeout".
 * Every word comes from a table of this program, never from the server. */
static void format_reply(char *buf, size_t cap, const struct dp_probe_result *p)
{
  struct dp_buf b;

  dp_buf_init_fixed(&b, buf, cap);
  if (!p->has_answer)
  {
    dp_buf_adds(&b, outcome_words(p->outcome));
    return;
  }
  const struct dp_answer_info *a = &p->answer;
  /* RFC 6891 section 6.1.3: the full 12-bit RCODE. */
  dp_buf_adds(&b, dp_knowledge_rcode_name(a->rcode & 0x0FFF));
  for (size_t i = 0; i < sizeof(shown_flags) / sizeof(shown_flags[0]); i++)
    if (a->flags & shown_flags[i].bit)
      dp_buf_addf(&b, " %s", shown_flags[i].name);
  /* RFC 8914: every INFO-CODE, by number even when unregistered. */
  for (size_t i = 0; i < min_size(a->nede, DP_RESULT_EDE_MAX); i++)
  {
    const struct dp_knowledge_ede *k = dp_knowledge_ede_get(a->ede[i].code);
    dp_buf_addf(&b, " EDE %u", (unsigned)a->ede[i].code);
    if (k != NULL && k->name != NULL)
      dp_buf_addf(&b, " %s", k->name);
  }
}

static void make_row(struct row *r, const struct dp_probe_result *p)
{
  clean_copy(r->id, sizeof(r->id), dp_probe_id_tostr(p->probe), (size_t)-1);
  clean_copy(r->sent, sizeof(r->sent), p->sent != NULL ? p->sent : "-",
             (size_t)-1);
  format_reply(r->reply, sizeof(r->reply), p);
  format_ms(r->rtt, sizeof(r->rtt), p->rtt_ms);
  r->verdict = dp_report_verdict_name(p);
  r->severity = p->severity;
}

/* Write s padded or cut ("...") to exactly w columns. */
static void put_cell(FILE *fp, const char *s, size_t w)
{
  size_t n = strlen(s);
  if (n > w)
  {
    size_t keep = w > strlen(ELLIPSIS) ? w - strlen(ELLIPSIS) : 0;
    fwrite(s, 1, keep, fp);
    fputs(w > strlen(ELLIPSIS) ? ELLIPSIS : "", fp);
    n = w;
  }
  else
    fputs(s, fp);
  for (; n < w; n++)
    fputc(' ', fp);
}

static void put_row(FILE *fp, const struct row *r, const size_t w[5],
                    const struct dp_report_options *opt, bool heading)
{
  size_t pad = w[3] - min_size(strlen(r->rtt), w[3]);

  fprintf(fp, "%*s", (int)INDENT, "");
  put_cell(fp, r->id, w[0]);
  fprintf(fp, "%*s", (int)GAP, "");
  put_cell(fp, r->sent, w[1]);
  fprintf(fp, "%*s", (int)GAP, "");
  put_cell(fp, r->reply, w[2]);
  /* RTTs align on the right, so their units line up. */
  fprintf(fp, "%*s%s%*s", (int)(GAP + pad), "", r->rtt, (int)GAP, "");
  if (heading)
    fputs(r->verdict, fp);
  else
    fprintf(fp, "%s%s%s", dp_report_color_severity(r->severity, opt->color),
            r->verdict, dp_report_color_reset(opt->color));
  fputc('\n', fp);
}

static void write_probe_lines(FILE *fp, const struct dp_target_result *t,
                              const struct dp_report_options *opt,
                              unsigned width)
{
  static const struct row heading = {"probe", "sent",    "answer",
                                     "rtt",   "verdict", DP_SEVERITY_OK};
  struct row rows[DP_PROBE_COUNT];
  size_t n = dp_report_nprobes(t);
  size_t w[5];

  if (n == 0)
  {
    fprintf(fp, "%*sno probes were run\n", (int)INDENT, "");
    return;
  }
  w[0] = strlen(heading.id);
  w[1] = strlen(heading.sent);
  w[2] = strlen(heading.reply);
  w[3] = strlen(heading.rtt);
  w[4] = strlen(heading.verdict);
  /* Probes not selected (--probes, --skip) are left out of the table and
   * counted below it; the JSON still lists them. */
  size_t shown = 0, skipped = 0;
  for (size_t i = 0; i < n; i++)
  {
    if (t->probes[i].outcome == DP_OUTCOME_SKIPPED)
    {
      skipped++;
      continue;
    }
    make_row(&rows[shown], &t->probes[i]);
    size_t k = shown++;
    if (strlen(rows[k].id) > w[0])
      w[0] = strlen(rows[k].id);
    if (strlen(rows[k].sent) > w[1])
      w[1] = strlen(rows[k].sent);
    if (strlen(rows[k].reply) > w[2])
      w[2] = strlen(rows[k].reply);
    if (strlen(rows[k].rtt) > w[3])
      w[3] = strlen(rows[k].rtt);
    if (strlen(rows[k].verdict) > w[4])
      w[4] = strlen(rows[k].verdict);
  }

  /* Fit the width: "sent" gives way first, then "answer". */
  size_t fixed = INDENT + 4 * GAP + w[0] + w[3] + w[4];
  size_t total = fixed + w[1] + w[2];
  if (total > width && w[1] > SENT_MIN)
  {
    size_t cut = min_size(total - width, w[1] - SENT_MIN);
    w[1] -= cut;
    total -= cut;
  }
  if (total > width && w[2] > REPLY_MIN)
  {
    size_t cut = min_size(total - width, w[2] - REPLY_MIN);
    w[2] -= cut;
  }

  put_row(fp, &heading, w, opt, true);
  for (size_t i = 0; i < shown; i++)
    put_row(fp, &rows[i], w, opt, false);
  if (skipped > 0)
    fprintf(fp, "%*s(%zu more probe%s not selected: see --list-probes)\n",
            (int)INDENT, "", skipped, skipped == 1 ? "" : "s");
}

/* "[CRITICAL]" for a severity, into label (16 bytes). */
static void severity_label(char *label, size_t cap, dp_severity_t s)
{
  snprintf(label, cap, "[%s]", dp_severity_tostr(s));
  for (char *c = label; *c != '\0'; c++)
    *c = (char)toupper((unsigned char)*c);
}

/* seen: the probe shown earlier with the same finding, whose explanation
 * and fix are not repeated (axfr and ixfr often share one), or NULL. */
static dp_status_t write_finding(FILE *fp, const struct dp_probe_result *p,
                                 const struct dp_probe_result *seen,
                                 const struct dp_report_options *opt,
                                 unsigned width)
{
  char id[32];
  char label[16];
  dp_status_t st;

  clean_copy(id, sizeof(id), dp_probe_id_tostr(p->probe), (size_t)-1);
  severity_label(label, sizeof(label), p->severity);
  fprintf(fp, "%*s%s%s%s %s: ", (int)INDENT, "",
          dp_report_color_severity(p->severity, opt->color), label,
          dp_report_color_reset(opt->color), id);
  unsigned col = (unsigned)(INDENT + strlen(label) + 1 + strlen(id) + 2);
  st = dp_report_wrap_at(
      fp, p->summary != NULL ? p->summary : dp_report_verdict_name(p), col,
      BODY_INDENT, width);
  if (st == DP_OK && seen != NULL)
  {
    char same[96];
    clean_copy(id, sizeof(id), dp_probe_id_tostr(seen->probe), (size_t)-1);
    snprintf(same, sizeof(same), "Explanation and fix: as for %s above.", id);
    return dp_report_wrap(fp, same, BODY_INDENT, BODY_INDENT, width);
  }
  if (st == DP_OK && p->explanation != NULL)
    st = dp_report_wrap(fp, p->explanation, BODY_INDENT, BODY_INDENT, width);
  if (st == DP_OK && p->fix != NULL)
  {
    static const char fix_label[] = "Fix: ";
    fprintf(fp, "%*s%s", (int)BODY_INDENT, "", fix_label);
    unsigned fcol = BODY_INDENT + (unsigned)strlen(fix_label);
    st = dp_report_wrap_at(fp, p->fix, fcol, fcol, width);
  }
  return st;
}

/* The diagnosis: the root causes, worst first, each a headline, its
 * evidence and its fix. */
static dp_status_t write_diagnosis(FILE *fp, const struct dp_target_result *t,
                                   const struct dp_report_options *opt,
                                   unsigned width)
{
  if (t->ndiagnosis == 0 || t->diagnosis == NULL)
  {
    if (t->nprobes > 0)
      fputs("\nDiagnosis: nothing to report, every probe is ok.\n", fp);
    return DP_OK;
  }
  fputc('\n', fp);
  return dp_report_text_causes(fp, t->diagnosis, t->ndiagnosis, opt, width);
}

dp_status_t dp_report_text_causes(FILE *fp, const struct dp_root_cause *causes,
                                  size_t n, const struct dp_report_options *opt,
                                  unsigned width)
{
  if (n == 0 || causes == NULL)
    return DP_OK;
  if (width == 0)
    width = DEFAULT_WIDTH;
  /* Beside a real problem, info causes are one line each (in full with
   * -v): what the reader came for stays on one screen. */
  bool brief_info = !opt->verbose && causes[0].severity >= DP_SEVERITY_WARNING;
  struct dp_buf also = {0};
  fputs("Diagnosis:\n", fp);
  for (size_t i = 0; i < n; i++)
  {
    const struct dp_root_cause *r = &causes[i];
    char label[16], num[24], text[512];
    dp_status_t st;
    if (brief_info && r->severity <= DP_SEVERITY_INFO)
    {
      dp_buf_addf(&also, "%s%s (%s)",
                  also.len == 0 ? "Also (info, -v for details): " : "; ",
                  r->headline != NULL ? r->headline : "",
                  dp_cause_tostr(r->cause));
      continue;
    }
    severity_label(label, sizeof(label), r->severity);
    snprintf(num, sizeof(num), "%zu.", i + 1);
    fprintf(fp, "%*s%s %s%s%s ", (int)INDENT, "", num,
            dp_report_color_severity(r->severity, opt->color), label,
            dp_report_color_reset(opt->color));
    snprintf(text, sizeof(text), "%s (%s)",
             r->headline != NULL ? r->headline : "", dp_cause_tostr(r->cause));
    unsigned col = (unsigned)(INDENT + strlen(num) + 1 + strlen(label) + 1);
    st = dp_report_wrap_at(fp, text, col, BODY_INDENT + 1, width);
    if (st == DP_OK && r->evidence != NULL)
    {
      static const char lead[] = "Seen: ";
      fprintf(fp, "%*s%s", (int)BODY_INDENT + 1, "", lead);
      unsigned ecol = BODY_INDENT + 1 + (unsigned)strlen(lead);
      st = dp_report_wrap_at(fp, r->evidence, ecol, ecol, width);
    }
    if (st == DP_OK && r->fix != NULL)
    {
      static const char lead[] = "Fix: ";
      fprintf(fp, "%*s%s", (int)BODY_INDENT + 1, "", lead);
      unsigned fcol = BODY_INDENT + 1 + (unsigned)strlen(lead);
      st = dp_report_wrap_at(fp, r->fix, fcol, fcol, width);
    }
    if (st != DP_OK)
    {
      dp_buf_free(&also);
      return st;
    }
  }
  dp_status_t st = DP_OK;
  if (dp_buf_failed(&also))
    st = DP_ENOMEM;
  else if (also.len > 0)
  {
    fprintf(fp, "%*s", (int)INDENT, "");
    st = dp_report_wrap_at(fp, also.s, INDENT, BODY_INDENT + 1, width);
  }
  dp_buf_free(&also);
  return st;
}

/* Findings: every probe that is not ok, critical first, in probe order. */
static dp_status_t write_findings(FILE *fp, const struct dp_target_result *t,
                                  const struct dp_report_options *opt,
                                  unsigned width)
{
  size_t n = dp_report_nprobes(t);
  bool any = false;

  for (int s = DP_SEVERITY_CRITICAL; s > DP_SEVERITY_OK; s--)
  {
    for (size_t i = 0; i < n; i++)
    {
      const struct dp_probe_result *p = &t->probes[i];
      if ((int)p->severity != s)
        continue;
      /* Findings carry config snippets: a blank line keeps them apart. */
      fputs(any ? "\n" : "\nFindings:\n", fp);
      any = true;
      const struct dp_probe_result *seen = NULL;
      for (size_t j = 0; j < n && p->finding != DP_FINDING_NONE; j++)
      {
        const struct dp_probe_result *q = &t->probes[j];
        /* shown before p: a worse severity, or the same one earlier */
        bool before =
            q->severity > p->severity || (q->severity == p->severity && j < i);
        /* the same finding with the same words: axfr and ixfr often; an
         * expectation names its own probe, so it is never repeated */
        if (before && q->finding == p->finding && q->explanation != NULL &&
            p->explanation != NULL &&
            strcmp(q->explanation, p->explanation) == 0)
        {
          seen = q;
          break;
        }
      }
      dp_status_t st = write_finding(fp, p, seen, opt, width);
      if (st != DP_OK)
        return st;
    }
  }
  if (!any)
    fputs("\nFindings: none, every probe is ok.\n", fp);
  return DP_OK;
}

static void count_probes(const struct dp_target_result *t, struct counts *c)
{
  memset(c, 0, sizeof(*c));
  for (size_t i = 0; i < dp_report_nprobes(t); i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    if (p->outcome == DP_OUTCOME_SKIPPED)
      c->skipped++;
    else if ((unsigned)p->severity <= DP_SEVERITY_CRITICAL)
      c->by_severity[p->severity]++;
  }
}

/* A health in capitals, coloured like the severity it stands for. */
static void put_health(FILE *fp, dp_health_t h, bool color)
{
  static const dp_severity_t as_severity[] = {
      [DP_HEALTH_OK] = DP_SEVERITY_OK,
      [DP_HEALTH_WARNING] = DP_SEVERITY_WARNING,
      [DP_HEALTH_CRITICAL] = DP_SEVERITY_CRITICAL,
      [DP_HEALTH_UNKNOWN] = DP_SEVERITY_WARNING,
  };
  bool known = (unsigned)h <= DP_HEALTH_UNKNOWN;
  fputs(known ? dp_report_color_severity(as_severity[h], color) : "", fp);
  put_upper(fp, dp_health_tostr(h));
  fputs(known ? dp_report_color_reset(color) : "", fp);
}

/* "29 d", "11 h", "40 min", "12 s": a duration by its largest unit,
 * rounded down. */
static void format_span(char *buf, size_t cap, int64_t secs)
{
  if (secs < 0)
    secs = -secs;
  if (secs >= 86400)
    snprintf(buf, cap, "%lld d", (long long)(secs / 86400));
  else if (secs >= 3600)
    snprintf(buf, cap, "%lld h", (long long)(secs / 3600));
  else if (secs >= 60)
    snprintf(buf, cap, "%lld min", (long long)(secs / 60));
  else
    snprintf(buf, cap, "%lld s", (long long)secs);
}

/* "signed, RRSIGs valid for 29 d (earliest: SOA), algorithm 13",
 * "unsigned", or "not known (the answers do not tell)". */
static void write_dnssec_line(FILE *fp, const struct dp_target_dnssec *d)
{
  char span[32], type[24];
  if (d->state == DP_DNSSEC_STATE_UNSIGNED)
  {
    fputs("dnssec: unsigned\n", fp);
    return;
  }
  if (d->state != DP_DNSSEC_STATE_SIGNED)
  {
    fputs("dnssec: not known (the answers do not tell)\n", fp);
    return;
  }
  fputs("dnssec: signed", fp);
  if (d->has_expiry)
  {
    format_span(span, sizeof(span), d->earliest_remaining);
    dp_wire_type_tostr(d->earliest_covered, type, sizeof(type));
    if (d->earliest_remaining < 0)
      fprintf(fp, ", an RRSIG expired %s ago (%s)", span, type);
    else
      fprintf(fp, ", RRSIGs valid for %s (earliest: %s)", span, type);
  }
  for (size_t i = 0; i < d->nalgorithms && i < DP_TARGET_DNSSEC_ALGS; i++)
    fprintf(fp, "%s%u",
            i > 0                ? ", "
            : d->nalgorithms > 1 ? ", algorithms "
                                 : ", algorithm ",
            (unsigned)d->algorithms[i]);
  fputc('\n', fp);
}

static void write_header(FILE *fp, const struct dp_target_result *t,
                         const struct dp_report_options *opt, unsigned width)
{
  char given[256];
  char addr[sizeof(t->address)];
  char zone[DP_WIRE_NAME_STRLEN];
  char who[512];
  char where[DP_WIRE_NAME_STRLEN + 64];
  char ms[24];

  clean_copy(given, sizeof(given), t->given, (size_t)-1);
  clean_copy(addr, sizeof(addr), t->address, sizeof(t->address));
  clean_copy(zone, sizeof(zone), t->zone, sizeof(t->zone));
  /* A host name is shown with the address it resolved to. */
  if (given[0] != '\0' && strstr(given, addr) == NULL)
    snprintf(who, sizeof(who), "dnsprobe %s -- %s (%s) port %u",
             dp_report_version(opt), given, addr, (unsigned)t->port);
  else
    snprintf(who, sizeof(who), "dnsprobe %s -- %s port %u",
             dp_report_version(opt), addr, (unsigned)t->port);
  snprintf(where, sizeof(where), "zone %s%s", zone,
           t->zone_given ? "" : " (root; pass --zone to test your zone)");
  /* One line when it fits, else the zone goes on its own line. */
  if (strlen(who) + 2 + strlen(where) <= width)
    fprintf(fp, "%s, %s\n", who, where);
  else
    fprintf(fp, "%s,\n%*s%s\n", who, (int)INDENT, "", where);

  format_ms(ms, sizeof(ms), t->duration_ms);
  fprintf(fp, "role: %s   software: %s   time: %s\n", dp_role_tostr(t->role),
          t->software == DP_SOFTWARE_UNKNOWN ? "unknown"
                                             : dp_software_name(t->software),
          ms);
  if (t->software != DP_SOFTWARE_UNKNOWN && t->software_evidence[0])
  {
    char ev[sizeof(t->software_evidence)];
    clean_copy(ev, sizeof(ev), t->software_evidence, (size_t)-1);
    fprintf(fp, "software evidence: %s (confidence %u)\n", ev,
            t->software_confidence);
  }
  if (t->compliance[0])
    fprintf(fp, "compliance (RFC 8906): %s\n", t->compliance);
  if (t->dnssec != NULL)
    write_dnssec_line(fp, t->dnssec);
}

static void write_summary(FILE *fp, const struct dp_target_result *t,
                          const struct dp_report_options *opt)
{
  char endpoint[96];
  struct counts c;

  count_probes(t, &c);
  dp_report_endpoint(endpoint, sizeof(endpoint), t);
  fprintf(fp, "\n%s: ", endpoint);
  put_health(fp, t->status, opt->color);
  size_t warnings = c.by_severity[DP_SEVERITY_WARNING];
  fprintf(fp, " -- %zu critical, %zu warning%s, %zu info, %zu ok",
          c.by_severity[DP_SEVERITY_CRITICAL], warnings,
          warnings == 1 ? "" : "s", c.by_severity[DP_SEVERITY_INFO],
          c.by_severity[DP_SEVERITY_OK]);
  if (c.skipped > 0)
    fprintf(fp, ", %zu skipped", c.skipped);
  fputc('\n', fp);
}

/* For a fleet: the root causes (warning and worse) most targets share,
 * each with how many targets show it, at most five, most common first. */
static void write_common_causes(FILE *fp, const struct dp_run *run)
{
  enum
  {
    SHOWN = 5
  };
  size_t count[DP_CAUSE_COUNT] = {0};
  size_t kinds = 0;

  for (size_t i = 0; i < run->ntargets; i++)
  {
    const struct dp_target_result *t = &run->targets[i];
    for (size_t j = 0; j < t->ndiagnosis && t->diagnosis != NULL; j++)
    {
      const struct dp_root_cause *r = &t->diagnosis[j];
      if (r->severity < DP_SEVERITY_WARNING ||
          (unsigned)r->cause >= DP_CAUSE_COUNT)
        continue;
      kinds += count[r->cause] == 0;
      count[r->cause]++; /* a target lists a cause once */
    }
  }
  if (kinds == 0)
    return;
  fputs("most common root causes:\n", fp);
  for (size_t shown = 0; shown < SHOWN && shown < kinds; shown++)
  {
    unsigned best = 0;
    for (unsigned c = 1; c < DP_CAUSE_COUNT; c++)
      if (count[c] > count[best])
        best = c;
    fprintf(fp, "%*s%-24s %zu of %zu targets\n", (int)INDENT, "",
            dp_cause_tostr((dp_cause_t)best), count[best], run->ntargets);
    count[best] = 0;
  }
}

static void write_overall(FILE *fp, const struct dp_run *run,
                          const struct dp_report_options *opt)
{
  size_t by_health[DP_HEALTH_UNKNOWN + 1] = {0};
  char ms[24];

  for (size_t i = 0; i < run->ntargets; i++)
    if ((unsigned)run->targets[i].status <= DP_HEALTH_UNKNOWN)
      by_health[run->targets[i].status]++;
  format_ms(ms, sizeof(ms), run->duration_ms);
  fputs("\noverall: ", fp);
  put_health(fp, run->status, opt->color);
  size_t warnings = by_health[DP_HEALTH_WARNING];
  fprintf(fp, " -- %zu targets: %zu critical, %zu warning%s, %zu ok",
          run->ntargets, by_health[DP_HEALTH_CRITICAL], warnings,
          warnings == 1 ? "" : "s", by_health[DP_HEALTH_OK]);
  if (by_health[DP_HEALTH_UNKNOWN] > 0)
    fprintf(fp, ", %zu unknown", by_health[DP_HEALTH_UNKNOWN]);
  fprintf(fp, "; time: %s\n", ms);
  write_common_causes(fp, run);
}

/* --show-commands: each probe's dig command, verbatim (not wrapped: it is
 * meant to be copied). */
static void write_commands(FILE *fp, const struct dp_target_result *t)
{
  fputs("\nCommands:\n", fp);
  for (size_t i = 0; i < dp_report_nprobes(t); i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    char cmd[DP_WIRE_NAME_STRLEN + 256];
    if (dp_report_probe_skipped(p) ||
        dp_report_reproduce(t, p, cmd, sizeof(cmd)) != DP_OK)
      continue;
    char id[32];
    clean_copy(id, sizeof(id), dp_probe_id_tostr(p->probe), (size_t)-1);
    fprintf(fp, "%*s%-11s ", (int)INDENT, "", id);
    for (const char *c = cmd; *c; c++)
      fputc((unsigned char)*c >= 0x20 && *c != 0x7f ? *c : '?', fp);
    fputc('\n', fp);
  }
}

static dp_status_t text_write(FILE *fp, const struct dp_run *run,
                              const struct dp_zone_summary *zone,
                              const struct dp_report_options *opt)
{
  unsigned width = opt->width != 0 ? opt->width : DEFAULT_WIDTH;

  for (size_t i = 0; i < run->ntargets; i++)
  {
    const struct dp_target_result *t = &run->targets[i];
    if (i > 0)
      fputc('\n', fp);
    write_header(fp, t, opt, width);
    dp_status_t st = write_diagnosis(fp, t, opt, width);
    if (st != DP_OK)
      return st;
    fputc('\n', fp);
    write_probe_lines(fp, t, opt, width);
    if (opt->show_commands)
      write_commands(fp, t);
    if (opt->verbose && (st = write_findings(fp, t, opt, width)) != DP_OK)
      return st;
    write_summary(fp, t, opt);
  }
  if (run->ntargets > 1)
    write_overall(fp, run, opt);
  if (zone != NULL && dp_report_zone_text_write(fp, zone, opt) != DP_OK)
    return DP_EIO;
  if (fflush(fp) != 0 || ferror(fp))
    return DP_EIO;
  return DP_OK;
}

const struct dp_report_format dp_report_format_text = {"text", text_write,
                                                       NULL};
