/*
 * nagios_report.c: the run as a monitoring plugin's output, by the
 * monitoring-plugins development guidelines (sections "Plugin Output" and
 * "Performance data"), for Nagios, Icinga, Naemon and the like:
 *
 *   DNSPROBE CRITICAL - 1 critical: 127.0.0.1:5301 update-accepted: ... |
 *   'rtt_udp'=0.31ms;;;0 ...
 *   CRITICAL: 127.0.0.1:5301 update-accepted: ... (update)  (one line per
 *   root cause, worst first)
 *   127.0.0.1:5301 zone example.test. ...                   (one per target)
 *
 * The summary and the long output speak of root causes (the target's
 * diagnosis), not of probes: one problem is one line however many probes
 * show it. The status word is the run's status, whose value is dnsprobe's
 * exit code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN), as the guidelines
 * require. Perfdata: one 'label'=value[UOM];warn;crit;min item per probe
 * that got an answer, its round-trip time in ms (no thresholds, minimum 0);
 * with several targets each label starts with the target's endpoint.
 *
 * Invariants: '|' separates text from perfdata, so no text written here
 * contains one ('/' stands in); text never spans lines (control characters
 * become spaces, bytes that are not UTF-8 become '?'); labels never hold
 * '=' or a quote ('_' stands in) and are quoted when they hold anything but
 * letters, digits, '_', '.' and '-'. Numbers do not depend on the locale.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "dnsprobe/buf.h"
#include "format.h"
#include "util.h"

/* Probes and root causes by severity over the run; targets with a
 * problem. */
struct tally
{
  size_t by_severity[DP_SEVERITY_CRITICAL + 1]; /* probes */
  size_t causes[DP_SEVERITY_CRITICAL + 1];      /* root causes */
  size_t probes;
  size_t skipped;
  size_t targets_bad; /* with a warning or critical probe */
  size_t targets_unknown;
};

static const char *status_word(dp_health_t h)
{
  switch (h)
  {
  case DP_HEALTH_OK:
    return "OK";
  case DP_HEALTH_WARNING:
    return "WARNING";
  case DP_HEALTH_CRITICAL:
    return "CRITICAL";
  case DP_HEALTH_UNKNOWN:
    break;
  }
  return "UNKNOWN";
}

/* Text for the plugin output: one line, no '|', valid UTF-8. */
static void put_text(FILE *fp, const char *s)
{
  if (s == NULL)
    return;
  while (*s != '\0')
  {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x80)
    {
      s += dp_report_put_utf8(fp, s);
      continue;
    }
    if (c < 0x20 || c == 0x7F)
      c = ' ';
    else if (c == '|')
      c = '/';
    fputc(c, fp);
    s++;
  }
}

static void put_upper(FILE *fp, const char *s)
{
  for (; *s != '\0'; s++)
    fputc(toupper((unsigned char)*s), fp);
}

static struct tally count_run(const struct dp_run *run)
{
  struct tally t;
  memset(&t, 0, sizeof(t));
  for (size_t i = 0; i < run->ntargets; i++)
  {
    const struct dp_target_result *tr = &run->targets[i];
    bool bad = false;
    for (size_t j = 0; j < tr->ndiagnosis && tr->diagnosis != NULL; j++)
      if ((unsigned)tr->diagnosis[j].severity <= DP_SEVERITY_CRITICAL)
        t.causes[tr->diagnosis[j].severity]++;
    for (size_t j = 0; j < dp_report_nprobes(tr); j++)
    {
      const struct dp_probe_result *p = &tr->probes[j];
      t.probes++;
      if (dp_report_probe_skipped(p) && p->severity < DP_SEVERITY_WARNING)
      {
        t.skipped++;
        continue;
      }
      if ((unsigned)p->severity <= DP_SEVERITY_CRITICAL)
        t.by_severity[p->severity]++;
      if (p->severity >= DP_SEVERITY_WARNING)
        bad = true;
    }
    if (bad)
      t.targets_bad++;
    if (tr->status == DP_HEALTH_UNKNOWN)
      t.targets_unknown++;
  }
  return t;
}

/* The first root cause of the worst severity (warning or worse), or
 * NULL. */
static const struct dp_root_cause *worst(const struct dp_run *run,
                                         const struct dp_target_result **where)
{
  const struct dp_root_cause *best = NULL;
  for (size_t i = 0; i < run->ntargets; i++)
  {
    const struct dp_target_result *t = &run->targets[i];
    for (size_t j = 0; j < t->ndiagnosis && t->diagnosis != NULL; j++)
    {
      const struct dp_root_cause *r = &t->diagnosis[j];
      if (r->severity >= DP_SEVERITY_WARNING &&
          (best == NULL || r->severity > best->severity))
      {
        best = r;
        *where = t;
      }
    }
  }
  return best;
}

/* "endpoint cause: headline" for a root cause. */
static void put_cause(FILE *fp, const struct dp_target_result *t,
                      const struct dp_root_cause *r)
{
  char endpoint[96];
  dp_report_endpoint(endpoint, sizeof(endpoint), t);
  put_text(fp, endpoint);
  fputc(' ', fp);
  put_text(fp, dp_cause_tostr(r->cause));
  fputs(": ", fp);
  put_text(fp, r->headline != NULL ? r->headline : "");
}

/* " (udp, tcp, recursion and 19 more)": the probes a root cause accounts
 * for. */
static void put_cause_probes(FILE *fp, const struct dp_root_cause *r)
{
  struct dp_buf b = {0};
  if (r->probes == 0)
    return;
  dp_probe_set_describe(&b, r->probes, 3);
  if (!dp_buf_failed(&b) && b.s != NULL)
  {
    fputs(" (", fp);
    put_text(fp, b.s);
    fputc(')', fp);
  }
  dp_buf_free(&b);
}

static void put_severity_counts(FILE *fp, const struct tally *t)
{
  const char *sep = "";
  for (int s = DP_SEVERITY_CRITICAL; s >= DP_SEVERITY_WARNING; s--)
  {
    if (t->causes[s] == 0)
      continue;
    fprintf(fp, "%s%zu %s", sep, t->causes[s],
            dp_severity_tostr((dp_severity_t)s));
    sep = ", ";
  }
}

/* The short summary after "DNSPROBE STATUS - ". */
static void put_summary(FILE *fp, const struct dp_run *run,
                        const struct tally *t)
{
  const struct dp_target_result *where = NULL;
  const struct dp_root_cause *w = worst(run, &where);
  size_t fine =
      t->by_severity[DP_SEVERITY_OK] + t->by_severity[DP_SEVERITY_INFO];
  char endpoint[96];

  if (w != NULL)
  {
    put_severity_counts(fp, t);
    if (run->ntargets > 1)
      fprintf(fp, " on %zu of %zu targets", t->targets_bad, run->ntargets);
    fputs(": ", fp);
    put_cause(fp, where, w);
    return;
  }
  if (run->ntargets == 0)
  {
    fputs("no target probed", fp);
    return;
  }
  if (t->targets_unknown > 0)
  {
    if (run->ntargets == 1)
    {
      dp_report_endpoint(endpoint, sizeof(endpoint), &run->targets[0]);
      put_text(fp, endpoint);
      fputs(": status unknown", fp);
    }
    else
      fprintf(fp, "%zu of %zu targets unknown", t->targets_unknown,
              run->ntargets);
    return;
  }
  if (run->ntargets == 1)
  {
    dp_report_endpoint(endpoint, sizeof(endpoint), &run->targets[0]);
    put_text(fp, endpoint);
    fprintf(fp, " %s: %zu %s ok", dp_role_tostr(run->targets[0].role), fine,
            fine == 1 ? "probe" : "probes");
  }
  else
    fprintf(fp, "%zu targets ok, %zu %s", run->ntargets, fine,
            fine == 1 ? "probe" : "probes");
  if (t->causes[DP_SEVERITY_INFO] > 0)
    fprintf(fp, ", %zu info", t->causes[DP_SEVERITY_INFO]);
  if (t->skipped > 0)
    fprintf(fp, ", %zu skipped", t->skipped);
}

/* A perfdata label, quoted when it holds more than [A-Za-z0-9_.-]. */
static void put_label(FILE *fp, const char *label)
{
  bool quote = false;
  for (const char *c = label; *c != '\0'; c++)
    if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.' && *c != '-')
      quote = true;
  if (quote)
    fputc('\'', fp);
  for (const char *c = label; *c != '\0'; c++)
  {
    unsigned char ch = (unsigned char)*c;
    fputc(ch == '=' || ch == '\'' || ch == '|' || ch < 0x20 || ch >= 0x7F ? '_'
                                                                          : ch,
          fp);
  }
  if (quote)
    fputc('\'', fp);
}

static void put_perfdata(FILE *fp, const struct dp_run *run)
{
  const char *sep = " | ";
  for (size_t i = 0; i < run->ntargets; i++)
  {
    const struct dp_target_result *t = &run->targets[i];
    char endpoint[96];
    dp_report_endpoint(endpoint, sizeof(endpoint), t);
    for (size_t j = 0; j < dp_report_nprobes(t); j++)
    {
      const struct dp_probe_result *p = &t->probes[j];
      char label[160];
      char value[48];
      if (p->outcome != DP_OUTCOME_ANSWER || !(p->rtt_ms >= 0) ||
          !isfinite(p->rtt_ms))
        continue;
      snprintf(label, sizeof(label), "%s%srtt_%s",
               run->ntargets > 1 ? endpoint : "", run->ntargets > 1 ? " " : "",
               dp_probe_id_tostr(p->probe));
      fputs(sep, fp);
      sep = " ";
      put_label(fp, label);
      fprintf(fp, "=%sms;;;0",
              dp_report_decimal(value, sizeof(value), p->rtt_ms, 3));
    }
  }
}

static void put_target_line(FILE *fp, const struct dp_target_result *t)
{
  char endpoint[96];
  char zone[DP_WIRE_NAME_STRLEN];
  char ms[48];
  size_t sev[DP_SEVERITY_CRITICAL + 1] = {0};
  size_t skipped = 0;

  for (size_t j = 0; j < dp_report_nprobes(t); j++)
  {
    const struct dp_probe_result *p = &t->probes[j];
    if (dp_report_probe_skipped(p) && p->severity < DP_SEVERITY_WARNING)
      skipped++;
    else if ((unsigned)p->severity <= DP_SEVERITY_CRITICAL)
      sev[p->severity]++;
  }
  dp_report_endpoint(endpoint, sizeof(endpoint), t);
  dp_report_fixed(zone, sizeof(zone), t->zone, sizeof(t->zone));
  put_text(fp, endpoint);
  if (t->given != NULL && strcmp(t->given, endpoint) != 0)
  {
    fputs(" (", fp);
    put_text(fp, t->given);
    fputc(')', fp);
  }
  fputs(" zone ", fp);
  put_text(fp, zone);
  fprintf(fp, " role %s", dp_role_tostr(t->role));
  if (t->software != DP_SOFTWARE_UNKNOWN)
    fprintf(fp, " software %s", dp_software_tostr(t->software));
  fputs(": ", fp);
  put_upper(fp, dp_health_tostr(t->status));
  fprintf(fp, ", %zu %s", dp_report_nprobes(t),
          dp_report_nprobes(t) == 1 ? "probe" : "probes");
  const char *sep = " (";
  for (int s = DP_SEVERITY_CRITICAL; s >= DP_SEVERITY_INFO; s--)
  {
    if (sev[s] == 0)
      continue;
    fprintf(fp, "%s%zu %s", sep, sev[s], dp_severity_tostr((dp_severity_t)s));
    sep = ", ";
  }
  if (skipped > 0)
  {
    fprintf(fp, "%s%zu skipped", sep, skipped);
    sep = ", ";
  }
  if (sep[0] == ',')
    fputc(')', fp);
  double d = t->duration_ms >= 0 ? t->duration_ms : 0;
  fprintf(fp, " in %s ms\n", dp_report_decimal(ms, sizeof(ms), d, 1));
}

static dp_status_t nagios_write(FILE *fp, const struct dp_run *run,
                                const struct dp_zone_summary *zone,
                                const struct dp_report_options *opt)
{
  (void)zone;
  struct tally t = count_run(run);

  (void)opt;
  fputs("DNSPROBE ", fp);
  fputs(status_word(run->status), fp);
  fputs(" - ", fp);
  put_summary(fp, run, &t);
  put_perfdata(fp, run);
  fputc('\n', fp);

  /* Long output: the root causes worst first, then the targets. */
  for (int s = DP_SEVERITY_CRITICAL; s >= DP_SEVERITY_INFO; s--)
  {
    for (size_t i = 0; i < run->ntargets; i++)
    {
      const struct dp_target_result *tr = &run->targets[i];
      for (size_t j = 0; j < tr->ndiagnosis && tr->diagnosis != NULL; j++)
      {
        const struct dp_root_cause *r = &tr->diagnosis[j];
        if ((int)r->severity != s)
          continue;
        put_upper(fp, dp_severity_tostr(r->severity));
        fputs(": ", fp);
        put_cause(fp, tr, r);
        put_cause_probes(fp, r);
        fputc('\n', fp);
      }
    }
  }
  for (size_t i = 0; i < run->ntargets; i++)
    put_target_line(fp, &run->targets[i]);
  return fflush(fp) != 0 || ferror(fp) ? DP_EIO : DP_OK;
}

const struct dp_report_format dp_report_format_nagios = {"nagios", nagios_write,
                                                         NULL};
