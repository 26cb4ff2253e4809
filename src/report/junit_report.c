/*
 * junit_report.c: the run as JUnit XML, for the test reporters of GitLab,
 * Jenkins and GitHub: one <testsuite> per target, one <testcase> per probe.
 *
 * Mapping: a probe of severity warning or critical is a <failure>; when a
 * root cause of the target accounts for it, the failure speaks of that
 * cause (message "cause: headline", text its evidence, explanation and
 * "Fix: " with its fix), else of the probe (message the summary, text the
 * explanation and fix); type is the severity. Otherwise a probe that was not
 * sent is <skipped/>; ok and info pass, and one that a failing root cause
 * accounts for names that cause in its <system-out>.
 * A failure wins over skipped, so a finding is never hidden. The summary
 * (and for info its explanation and fix) goes to the testcase's
 * <system-out>. There are no <error> elements: dnsprobe's own failures are
 * exit status 3 with no report. Elements come in the order of the Ant JUnit
 * schema that these reporters follow (properties, testcase, system-out),
 * counts are attributes of every suite and of <testsuites>, times are in
 * seconds, and timestamp is UTC without a zone suffix, as that schema wants.
 *
 * Invariants: the output is well-formed XML 1.0 in UTF-8 whatever the run
 * holds (XML 1.0 section 2.2 "Char", 2.4, 3.3.3): & < > " ' are written as
 * entities everywhere; in attributes tab, LF and CR become character
 * references so attribute-value normalisation keeps them; characters XML
 * 1.0 forbids (C0 controls but tab, LF, CR; U+FFFE, U+FFFF) and bytes that
 * are not well-formed UTF-8 are written as '?'.
 */
#include <string.h>

#include "format.h"
#include "util.h"

struct counts
{
  size_t tests, failures, skipped;
};

static bool is_failure(const struct dp_probe_result *p)
{
  return p->severity >= DP_SEVERITY_WARNING;
}

/* Text for XML: character data (attr false) or an attribute value. */
static void put_xml(FILE *fp, const char *s, bool attr)
{
  if (s == NULL)
    return;
  while (*s != '\0')
  {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x80)
    {
      size_t n = dp_report_utf8_len(s);
      /* U+FFFE and U+FFFF are not XML characters (EF BF BE, EF BF BF). */
      bool nonchar = n == 3 && c == 0xEF && (unsigned char)s[1] == 0xBF &&
                     (unsigned char)s[2] >= 0xBE;
      if (n == 0 || nonchar)
      {
        fputc('?', fp);
        s += n == 0 ? 1 : n;
        continue;
      }
      fwrite(s, 1, n, fp);
      s += n;
      continue;
    }
    switch (c)
    {
    case '&':
      fputs("&amp;", fp);
      break;
    case '<':
      fputs("&lt;", fp);
      break;
    case '>':
      fputs("&gt;", fp);
      break;
    case '"':
      fputs("&quot;", fp);
      break;
    case '\'':
      fputs("&apos;", fp);
      break;
    case '\r':
      /* Section 2.11 turns a raw CR into LF: keep it as a reference. */
      fputs("&#13;", fp);
      break;
    case '\t':
    case '\n':
      if (attr)
        fprintf(fp, "&#%u;", (unsigned)c);
      else
        fputc(c, fp);
      break;
    default:
      fputc(c < 0x20 ? '?' : c, fp);
      break;
    }
    s++;
  }
}

static void put_attr(FILE *fp, const char *name, const char *value)
{
  fprintf(fp, " %s=\"", name);
  put_xml(fp, value, true);
  fputc('"', fp);
}

static void put_attr_count(FILE *fp, const char *name, size_t n)
{
  fprintf(fp, " %s=\"%zu\"", name, n);
}

/* Seconds from milliseconds, 0 for "none" (negative or not a number). */
static void put_attr_seconds(FILE *fp, const char *name, double ms)
{
  char buf[48];
  if (!(ms >= 0))
    ms = 0;
  put_attr(fp, name, dp_report_decimal(buf, sizeof(buf), ms / 1000.0, 6));
}

static struct counts count_target(const struct dp_target_result *t)
{
  struct counts c = {0, 0, 0};
  for (size_t i = 0; i < dp_report_nprobes(t); i++)
  {
    const struct dp_probe_result *p = &t->probes[i];
    c.tests++;
    if (is_failure(p))
      c.failures++;
    else if (dp_report_probe_skipped(p))
      c.skipped++;
  }
  return c;
}

/* "dnsprobe.127_0_0_1_5301": one class per endpoint, no dots inside it so
 * that Jenkins does not read the address as package names. */
static void classname(char *buf, size_t cap, const struct dp_target_result *t)
{
  char addr[sizeof(t->address)];
  dp_report_fixed(addr, sizeof(addr), t->address, sizeof(t->address));
  for (char *c = addr; *c != '\0'; c++)
    if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') ||
          (*c >= 'A' && *c <= 'Z')))
      *c = '_';
  snprintf(buf, cap, "dnsprobe.%s_%u", addr, (unsigned)t->port);
}

/* The target as given, and its endpoint when that differs. */
static void suite_name(char *buf, size_t cap, const struct dp_target_result *t)
{
  char endpoint[96];
  dp_report_endpoint(endpoint, sizeof(endpoint), t);
  if (t->given == NULL || strcmp(t->given, endpoint) == 0)
    snprintf(buf, cap, "%s", endpoint);
  else
    snprintf(buf, cap, "%s (%s)", t->given, endpoint);
}

/* "2024-05-01T12:00:00" from RFC 3339 UTC; "" when it does not look so. */
static void timestamp(char *buf, size_t cap, const struct dp_run *run)
{
  char full[sizeof(run->started_at)];
  dp_report_fixed(full, sizeof(full), run->started_at, sizeof(run->started_at));
  size_t n = strspn(full, "0123456789-T:");
  if (n < 19 || full[10] != 'T')
  {
    buf[0] = '\0';
    return;
  }
  snprintf(buf, cap, "%.19s", full);
}

static void property(FILE *fp, const char *name, const char *value)
{
  fputs("      <property", fp);
  put_attr(fp, "name", name);
  put_attr(fp, "value", value);
  fputs("/>\n", fp);
}

static void write_properties(FILE *fp, const struct dp_target_result *t,
                             const struct dp_report_options *opt)
{
  char buf[DP_WIRE_NAME_STRLEN];

  fputs("    <properties>\n", fp);
  property(fp, "target", t->given);
  dp_report_fixed(buf, sizeof(buf), t->address, sizeof(t->address));
  property(fp, "address", buf);
  snprintf(buf, sizeof(buf), "%u", (unsigned)t->port);
  property(fp, "port", buf);
  dp_report_fixed(buf, sizeof(buf), t->zone, sizeof(t->zone));
  property(fp, "zone", buf);
  property(fp, "role", dp_role_tostr(t->role));
  if (t->software != DP_SOFTWARE_UNKNOWN)
    property(fp, "software", dp_software_tostr(t->software));
  property(fp, "status", dp_health_tostr(t->status));
  property(fp, "dnsprobe.version", dp_report_version(opt));
  fputs("    </properties>\n", fp);
}

/* The root cause of t that accounts for p, or NULL. */
static const struct dp_root_cause *cause_of(const struct dp_target_result *t,
                                            const struct dp_probe_result *p)
{
  for (size_t i = 0; i < t->ndiagnosis && t->diagnosis != NULL; i++)
    if (t->diagnosis[i].probes & DP_PROBE_BIT(p->probe))
      return &t->diagnosis[i];
  return NULL;
}

static void write_failure(FILE *fp, const struct dp_target_result *t,
                          const struct dp_probe_result *p)
{
  const struct dp_root_cause *r = cause_of(t, p);
  fputs("      <failure", fp);
  if (r != NULL)
  {
    char msg[256];
    snprintf(msg, sizeof(msg), "%s: %s", dp_cause_tostr(r->cause),
             r->headline != NULL ? r->headline : "");
    put_attr(fp, "message", msg);
  }
  else
    put_attr(fp, "message",
             p->summary != NULL ? p->summary : dp_report_verdict_name(p));
  put_attr(fp, "type", dp_severity_tostr(p->severity));
  fputc('>', fp);
  if (r != NULL)
  {
    put_xml(fp, r->evidence, false);
    if (r->explanation != NULL)
    {
      fputs("\n\n", fp);
      put_xml(fp, r->explanation, false);
    }
  }
  else
    put_xml(fp, p->explanation != NULL ? p->explanation : p->summary, false);
  const char *fix = r != NULL ? r->fix : p->fix;
  if (fix != NULL)
  {
    fputs("\n\nFix: ", fp);
    put_xml(fp, fix, false);
  }
  fputs("</failure>\n", fp);
}

static void write_testcase(FILE *fp, const struct dp_target_result *t,
                           const struct dp_probe_result *p, const char *cls)
{
  fputs("    <testcase", fp);
  put_attr(fp, "name", dp_probe_id_tostr(p->probe));
  put_attr(fp, "classname", cls);
  put_attr_seconds(fp, "time",
                   p->outcome == DP_OUTCOME_ANSWER ? p->rtt_ms : -1);
  bool failure = is_failure(p);
  bool skipped = !failure && dp_report_probe_skipped(p);
  if (!failure && !skipped && p->summary == NULL)
  {
    fputs("/>\n", fp);
    return;
  }
  fputs(">\n", fp);
  if (failure)
    write_failure(fp, t, p);
  else if (skipped)
  {
    fputs("      <skipped", fp);
    if (p->summary != NULL)
      put_attr(fp, "message", p->summary);
    fputs("/>\n", fp);
  }
  if (p->summary != NULL)
  {
    fputs("      <system-out>", fp);
    put_xml(fp, p->summary, false);
    /* A probe a failing root cause accounts for points to it; a passing
     * info finding has no <failure> to carry its explanation. */
    const struct dp_root_cause *r = cause_of(t, p);
    if (!failure && r != NULL && r->severity >= DP_SEVERITY_WARNING)
    {
      fputs("\n\nAccounted for by the root cause ", fp);
      put_xml(fp, dp_cause_tostr(r->cause), false);
      fputs(": ", fp);
      put_xml(fp, r->headline, false);
    }
    else if (!failure)
    {
      if (p->explanation != NULL)
      {
        fputs("\n\n", fp);
        put_xml(fp, p->explanation, false);
      }
      if (p->fix != NULL)
      {
        fputs("\n\nFix: ", fp);
        put_xml(fp, p->fix, false);
      }
    }
    fputs("</system-out>\n", fp);
  }
  fputs("    </testcase>\n", fp);
}

static void write_suite(FILE *fp, const struct dp_run *run,
                        const struct dp_target_result *t,
                        const struct dp_report_options *opt)
{
  char name[DP_WIRE_NAME_STRLEN + 128];
  char cls[96];
  char ts[24];
  char addr[sizeof(t->address)];
  struct counts c = count_target(t);

  suite_name(name, sizeof(name), t);
  classname(cls, sizeof(cls), t);
  timestamp(ts, sizeof(ts), run);
  dp_report_fixed(addr, sizeof(addr), t->address, sizeof(t->address));

  fputs("  <testsuite", fp);
  put_attr(fp, "name", name);
  put_attr_count(fp, "tests", c.tests);
  put_attr_count(fp, "failures", c.failures);
  put_attr_count(fp, "errors", 0);
  put_attr_count(fp, "skipped", c.skipped);
  put_attr_seconds(fp, "time", t->duration_ms);
  if (ts[0] != '\0')
    put_attr(fp, "timestamp", ts);
  put_attr(fp, "hostname", addr);
  fputs(">\n", fp);
  write_properties(fp, t, opt);
  for (size_t i = 0; i < dp_report_nprobes(t); i++)
    write_testcase(fp, t, &t->probes[i], cls);
  fputs("  </testsuite>\n", fp);
}

static dp_status_t junit_write(FILE *fp, const struct dp_run *run,
                               const struct dp_zone_summary *zone,
                               const struct dp_report_options *opt)
{
  (void)zone;
  struct counts all = {0, 0, 0};

  for (size_t i = 0; i < run->ntargets; i++)
  {
    struct counts c = count_target(&run->targets[i]);
    all.tests += c.tests;
    all.failures += c.failures;
    all.skipped += c.skipped;
  }
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
  fputs("<testsuites", fp);
  put_attr(fp, "name", "dnsprobe");
  put_attr_count(fp, "tests", all.tests);
  put_attr_count(fp, "failures", all.failures);
  put_attr_count(fp, "errors", 0);
  put_attr_count(fp, "skipped", all.skipped);
  put_attr_seconds(fp, "time", run->duration_ms);
  fputs(">\n", fp);
  for (size_t i = 0; i < run->ntargets; i++)
    write_suite(fp, run, &run->targets[i], opt);
  fputs("</testsuites>\n", fp);
  return fflush(fp) != 0 || ferror(fp) ? DP_EIO : DP_OK;
}

const struct dp_report_format dp_report_format_junit = {"junit", junit_write,
                                                        NULL};
