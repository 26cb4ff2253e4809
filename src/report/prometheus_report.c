/*
 * prometheus_report.c: the run in the Prometheus text exposition format
 * 0.0.4, for node_exporter's textfile collector or a Pushgateway.
 *
 * Every family is a gauge named by the Prometheus naming conventions
 * (dnsprobe_ prefix, base units: seconds, "_info" for the build), with its
 * "# HELP" and "# TYPE" lines before its samples; a family's samples are
 * written together, never interleaved with another family's, and a family
 * with no sample still has its HELP and TYPE. A target is identified by the
 * labels target (as given), address and port; a probe adds probe, a root
 * cause of the diagnosis adds cause (one series per cause the target has),
 * the DNSSEC families add zone (a series only for a target whose zone was
 * checked, and the expiry only when an RRSIG was seen).
 *
 * Invariants: label values are valid UTF-8 with \\, \" and \n escaped as
 * the format requires; other control characters and bytes that are not
 * UTF-8 are written as '?', so a line never breaks. No sample carries a
 * timestamp (the textfile collector refuses them). No series is written
 * twice: a target listed twice with the same address and port, and an EDE
 * code a server repeated, are written once. Numbers do not depend on the
 * locale.
 */
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "util.h"

/* What a family's sample needs besides the target labels. */
enum family
{
  F_TARGET_STATUS,
  F_TARGET_CAUSE,
  F_DNSSEC_SIGNED,
  F_DNSSEC_EXPIRY,
  F_PROBE_SUCCESS,
  F_PROBE_SEVERITY,
  F_PROBE_VERDICT,
  F_PROBE_RCODE,
  F_PROBE_EDE,
  F_PROBE_RTT,
};

static const struct
{
  enum family family;
  const char *name;
  const char *help;
} families[] = {
    {F_TARGET_STATUS, "dnsprobe_target_status",
     "Status of a target: 0 ok, 1 warning, 2 critical, 3 unknown (the exit "
     "code), with its zone and inferred role."},
    {F_TARGET_CAUSE, "dnsprobe_target_cause",
     "A root cause of the target's diagnosis, as the label cause; the value "
     "is its severity: 1 info, 2 warning, 3 critical."},
    {F_DNSSEC_SIGNED, "dnsprobe_dnssec_signed",
     "1 when the zone, as this authoritative server serves it, is signed "
     "(DNSKEY or RRSIGs at the apex), 0 when it is not; no series when it "
     "was not checked."},
    {F_DNSSEC_EXPIRY, "dnsprobe_dnssec_signature_expiry_seconds",
     "Seconds until the earliest RRSIG over the zone's SOA, DNSKEY or "
     "NSEC3PARAM expires, negative once expired; no series when none was "
     "seen."},
    {F_PROBE_SUCCESS, "dnsprobe_probe_success",
     "1 when a DNS reply came back to the probe, 0 when none did (timeout, "
     "transport failure, malformed, not sent)."},
    {F_PROBE_SEVERITY, "dnsprobe_probe_severity",
     "Severity of the probe's finding: 0 ok, 1 info, 2 warning, 3 critical."},
    {F_PROBE_VERDICT, "dnsprobe_probe_verdict",
     "The probe's verdict, as the label verdict; the value is always 1."},
    {F_PROBE_RCODE, "dnsprobe_probe_rcode",
     "RCODE of the reply (12-bit with EDNS), named by the label rcode; only "
     "for probes that got a reply."},
    {F_PROBE_EDE, "dnsprobe_probe_ede",
     "1 for each Extended DNS Error code (RFC 8914) in the reply, as the "
     "label code."},
    {F_PROBE_RTT, "dnsprobe_probe_rtt_seconds",
     "Round-trip time of the probe's first reply in seconds; only for probes "
     "that got a reply."},
};

static void put_header(FILE *fp, const char *name, const char *help)
{
  fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* A label value, escaped for the text format. */
static void put_value(FILE *fp, const char *s)
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
    if (c == '\\')
      fputs("\\\\", fp);
    else if (c == '"')
      fputs("\\\"", fp);
    else if (c == '\n')
      fputs("\\n", fp);
    else
      fputc(c < 0x20 || c == 0x7F ? '?' : c, fp);
    s++;
  }
}

static void put_label(FILE *fp, const char *name, const char *value, bool first)
{
  fprintf(fp, "%s%s=\"", first ? "" : ",", name);
  put_value(fp, value);
  fputc('"', fp);
}

/* "{target=...,address=...,port=..." without the closing brace. */
static void put_target_labels(FILE *fp, const struct dp_target_result *t)
{
  char buf[sizeof(t->address)];
  char port[8];

  fputc('{', fp);
  put_label(fp, "target", t->given != NULL ? t->given : "", true);
  dp_report_fixed(buf, sizeof(buf), t->address, sizeof(t->address));
  put_label(fp, "address", buf, false);
  snprintf(port, sizeof(port), "%u", (unsigned)t->port);
  put_label(fp, "port", port, false);
}

static void put_number(FILE *fp, double v)
{
  char buf[64];
  fprintf(fp, " %s\n", dp_report_decimal(buf, sizeof(buf), v, 6));
}

static bool same_target(const struct dp_target_result *a,
                        const struct dp_target_result *b)
{
  const char *ga = a->given != NULL ? a->given : "";
  const char *gb = b->given != NULL ? b->given : "";
  return a->port == b->port && strcmp(ga, gb) == 0 &&
         strncmp(a->address, b->address, sizeof(a->address)) == 0;
}

/* Whether an earlier entry of the reply repeats EDE code i's. */
static bool ede_repeated(const struct dp_answer_info *a, size_t i)
{
  for (size_t k = 0; k < i; k++)
    if (a->ede[k].code == a->ede[i].code)
      return true;
  return false;
}

static void put_probe_samples(FILE *fp, enum family f, const char *name,
                              const struct dp_target_result *t,
                              const struct dp_probe_result *p)
{
  const struct dp_answer_info *a = &p->answer;
  const char *id = dp_probe_id_tostr(p->probe);
  char code[8];

  switch (f)
  {
  case F_TARGET_STATUS:
  case F_TARGET_CAUSE:
  case F_DNSSEC_SIGNED:
  case F_DNSSEC_EXPIRY:
    break;
  case F_PROBE_SUCCESS:
  case F_PROBE_SEVERITY:
    fputs(name, fp);
    put_target_labels(fp, t);
    put_label(fp, "probe", id, false);
    fputc('}', fp);
    put_number(fp, f == F_PROBE_SUCCESS ? (p->has_answer ? 1 : 0)
                                        : (double)p->severity);
    break;
  case F_PROBE_VERDICT:
    fputs(name, fp);
    put_target_labels(fp, t);
    put_label(fp, "probe", id, false);
    put_label(fp, "verdict", dp_report_verdict_name(p), false);
    fputs("} 1\n", fp);
    break;
  case F_PROBE_RCODE:
    if (!p->has_answer)
      break;
    fputs(name, fp);
    put_target_labels(fp, t);
    put_label(fp, "probe", id, false);
    /* RFC 6891 section 6.1.3: 12 bits with the OPT's extended RCODE. */
    put_label(fp, "rcode", dp_knowledge_rcode_name(a->rcode & 0x0FFF), false);
    fputc('}', fp);
    put_number(fp, a->rcode & 0x0FFF);
    break;
  case F_PROBE_EDE:
    if (!p->has_answer)
      break;
    for (size_t i = 0; i < a->nede && i < DP_RESULT_EDE_MAX; i++)
    {
      if (ede_repeated(a, i))
        continue;
      fputs(name, fp);
      put_target_labels(fp, t);
      put_label(fp, "probe", id, false);
      snprintf(code, sizeof(code), "%u", (unsigned)a->ede[i].code);
      put_label(fp, "code", code, false);
      fputs("} 1\n", fp);
    }
    break;
  case F_PROBE_RTT:
    if (!p->has_answer || !(p->rtt_ms >= 0))
      break;
    fputs(name, fp);
    put_target_labels(fp, t);
    put_label(fp, "probe", id, false);
    fputc('}', fp);
    put_number(fp, p->rtt_ms / 1000.0);
    break;
  }
}

/* The DNSSEC of a target's zone: signed or not, and the seconds left to
 * its earliest RRSIG. */
static void put_dnssec(FILE *fp, enum family f, const char *name,
                       const struct dp_target_result *t)
{
  const struct dp_target_dnssec *d = t->dnssec;
  char zone[sizeof(t->zone)];

  if (d == NULL || d->state == DP_DNSSEC_STATE_UNKNOWN)
    return;
  if (f == F_DNSSEC_EXPIRY &&
      !(d->state == DP_DNSSEC_STATE_SIGNED && d->has_expiry))
    return;
  dp_report_fixed(zone, sizeof(zone), t->zone, sizeof(t->zone));
  fputs(name, fp);
  put_target_labels(fp, t);
  put_label(fp, "zone", zone, false);
  fputc('}', fp);
  if (f == F_DNSSEC_SIGNED)
    put_number(fp, d->state == DP_DNSSEC_STATE_SIGNED ? 1 : 0);
  else
    put_number(fp, (double)d->earliest_remaining);
}

static void put_family(FILE *fp, size_t k, const struct dp_run *run,
                       const bool *skip)
{
  const char *name = families[k].name;

  put_header(fp, name, families[k].help);
  for (size_t i = 0; i < run->ntargets; i++)
  {
    const struct dp_target_result *t = &run->targets[i];
    if (skip[i])
      continue;
    if (families[k].family == F_TARGET_STATUS)
    {
      char zone[sizeof(t->zone)];
      dp_report_fixed(zone, sizeof(zone), t->zone, sizeof(t->zone));
      fputs(name, fp);
      put_target_labels(fp, t);
      put_label(fp, "zone", zone, false);
      put_label(fp, "role", dp_role_tostr(t->role), false);
      fputc('}', fp);
      put_number(fp, (double)t->status);
      continue;
    }
    if (families[k].family == F_DNSSEC_SIGNED ||
        families[k].family == F_DNSSEC_EXPIRY)
    {
      put_dnssec(fp, families[k].family, name, t);
      continue;
    }
    if (families[k].family == F_TARGET_CAUSE)
    {
      for (size_t j = 0; j < t->ndiagnosis && t->diagnosis != NULL; j++)
      {
        fputs(name, fp);
        put_target_labels(fp, t);
        put_label(fp, "cause", dp_cause_tostr(t->diagnosis[j].cause), false);
        fputc('}', fp);
        put_number(fp, (double)t->diagnosis[j].severity);
      }
      continue;
    }
    for (size_t j = 0; j < dp_report_nprobes(t); j++)
      put_probe_samples(fp, families[k].family, name, t, &t->probes[j]);
  }
}

static dp_status_t prometheus_write(FILE *fp, const struct dp_run *run,
                                    const struct dp_zone_summary *zone,
                                    const struct dp_report_options *opt)
{
  (void)zone;
  bool *skip = calloc(run->ntargets > 0 ? run->ntargets : 1, sizeof(*skip));
  if (skip == NULL)
    return DP_ENOMEM;
  for (size_t i = 0; i < run->ntargets; i++)
    for (size_t k = 0; k < i && !skip[i]; k++)
      skip[i] = !skip[k] && same_target(&run->targets[i], &run->targets[k]);

  put_header(fp, "dnsprobe_build_info",
             "dnsprobe's version, as the label version; the value is "
             "always 1.");
  fputs("dnsprobe_build_info", fp);
  fputc('{', fp);
  put_label(fp, "version", dp_report_version(opt), true);
  fputs("} 1\n", fp);

  put_header(fp, "dnsprobe_run_duration_seconds",
             "Wall time of the whole dnsprobe run in seconds.");
  fputs("dnsprobe_run_duration_seconds", fp);
  put_number(fp, run->duration_ms >= 0 ? run->duration_ms / 1000.0 : 0);

  for (size_t k = 0; k < sizeof(families) / sizeof(families[0]); k++)
    put_family(fp, k, run, skip);
  free(skip);
  return fflush(fp) != 0 || ferror(fp) ? DP_EIO : DP_OK;
}

const struct dp_report_format dp_report_format_prometheus = {
    "prometheus", prometheus_write, NULL};
