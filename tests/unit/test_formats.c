/*
 * test_formats.c: the machine formats of the report layer (jsonl, junit,
 * nagios, prometheus) and atomic file output, on hand-built runs.
 *
 * Each format is checked by a parser that is not dnsprobe's: jsonl lines by
 * Python's json module (strict: no NaN, no duplicate keys) against the json
 * report's own targets[], JUnit by Python's xml.etree.ElementTree with the
 * counts of every suite, Prometheus by `promtool check metrics` and by a
 * checker written here for what promtool does not check (families not
 * interleaved, every family's HELP and TYPE once, no series twice), Nagios
 * by POSIX regular expressions for the status line and perfdata. Fixtures
 * carry the strings that break formats: markup, quotes, '|', control
 * characters, ill-formed UTF-8, U+FFFE.
 *
 * Atomic output is checked for what a reader of the file can see: the old
 * file or the complete new one, the mode (0644 less the umask) and no
 * temporary file left, also when the directory is missing or read-only,
 * the destination is a directory, or a write fails half-way (RLIMIT_FSIZE).
 * Cases that change the process (effective uid, file size limit, working
 * directory) put it back at once, so they also run without CK_FORK.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dnsprobe/report.h"
#include "fixture.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define VERSION "0.1.0-test"
#define OUTCAP 65536

/* Everything that breaks one format or another, in one summary. */
#define HOSTILE                                                                \
  "a <b> & \"c\" 'd' | e\x01"                                                  \
  "f\xffg \xc3\xa9 \xef\xbf\xbe h\ti"

static const struct dp_report_options options = {
    .color = true, .width = 80, .version = VERSION};

/* --- Builders: the shared fixture, with what these tests show ------------ */

static char *xstrdup(const char *s)
{
  char *d = strdup(s);
  ck_assert_msg(d != NULL, "out of memory");
  return d;
}

/* Probe name of t sent, a simple SOA question for the zone. */
static struct dp_probe_result *add_probe(struct dp_target_result *t,
                                         const char *name)
{
  dp_probe_id_t id;
  ck_assert_msg(dp_probe_id_fromstr(name, strlen(name), &id) == DP_OK,
                "fixture: no probe %s", name);
  struct dp_probe_result *p = fx_probe(t, id);
  p->sent = "a query";
  memset(&p->query, 0, sizeof(p->query));
  snprintf(p->query.qname, sizeof(p->query.qname), "%s", t->zone);
  p->query.qtype = DP_TYPE_SOA;
  p->query.qclass = DP_CLASS_IN;
  return p;
}

static void answer(struct dp_probe_result *p, uint16_t rcode, uint16_t flags,
                   double rtt)
{
  fx_answer(p, rcode, flags);
  p->answer.flags = (uint16_t)(flags | DP_FLAG_QR);
  p->answer.length = 0;
  p->rtt_ms = rtt;
}

static void judge(struct dp_probe_result *p, dp_verdict_t v, dp_severity_t s,
                  const char *summary, const char *explanation, const char *fix)
{
  fx_judged(p, v, s, DP_FINDING_NONE, summary, explanation, fix);
}

static struct dp_target_result *target_head(struct dp_run *run,
                                            const char *given,
                                            const char *address, uint16_t port,
                                            const char *zone, dp_role_t role,
                                            dp_health_t status, double ms)
{
  struct dp_target_result *t = fx_target(run, given, address, port,
                                         strcmp(zone, ".") != 0 ? zone : NULL);
  t->role = role;
  t->status = status;
  t->duration_ms = ms;
  return t;
}

/* An authoritative IPv4 server: every kind of testcase a suite can hold. */
static void target_v4(struct dp_run *run)
{
  struct dp_probe_result *p;
  struct dp_target_result *t =
      target_head(run, "127.0.0.1:5301", "127.0.0.1", 5301, "example.test.",
                  DP_ROLE_AUTHORITATIVE, DP_HEALTH_CRITICAL, 3.2);
  p = add_probe(t, "udp");
  answer(p, DP_RCODE_NOERROR, DP_FLAG_AA, 0.31);
  judge(p, DP_VERDICT_AUTHORITATIVE, DP_SEVERITY_OK,
        "NOERROR aa: serves example.test. authoritatively", NULL, NULL);

  p = add_probe(t, "axfr");
  answer(p, DP_RCODE_REFUSED, 0, 1.2);
  fx_ede(p, 18, "");
  judge(p, DP_VERDICT_DENIED, DP_SEVERITY_OK, "REFUSED: zone transfer denied",
        NULL, NULL);

  p = add_probe(t, "update");
  p->query.opcode = DP_OPCODE_UPDATE;
  answer(p, DP_RCODE_NOERROR, 0, 12.0);
  judge(p, DP_VERDICT_ALLOWED, DP_SEVERITY_CRITICAL,
        "dynamic UPDATE accepted from this client",
        "Anyone who can reach the server can change example.test.",
        "Refuse updates from this client:\n  allow-update { none; };");

  p = add_probe(t, "recursion");
  fx_outcome(p, DP_OUTCOME_TIMEOUT);
  judge(p, DP_VERDICT_NO_ANSWER, DP_SEVERITY_WARNING,
        "no answer within 2000 ms", "The server dropped a recursive query.",
        NULL);

  p = add_probe(t, "notify");
  fx_outcome(p, DP_OUTCOME_SKIPPED);
  judge(p, DP_VERDICT_NONE, DP_SEVERITY_OK, "not sent (--skip notify)", NULL,
        NULL);

  p = add_probe(t, "opcode");
  p->query.opcode = 15;
  answer(p, DP_RCODE_NOTIMP, 0, 0.05);
  judge(p, DP_VERDICT_COMPLIANT, DP_SEVERITY_OK, "NOTIMP: compliant", NULL,
        NULL);

  p = add_probe(t, "ixfr");
  answer(p, DP_RCODE_REFUSED, 0, 2.5);
  judge(p, DP_VERDICT_DENIED, DP_SEVERITY_INFO, "REFUSED: IXFR denied",
        "IXFR is denied like AXFR.", "Nothing to change.");

  fx_cause(t, DP_CAUSE_UPDATE_ACCEPTED, DP_SEVERITY_CRITICAL,
           DP_PROBE_BIT(DP_PROBE_UPDATE),
           "Dynamic updates accepted from this client", "update: NOERROR.",
           "Anyone who can reach the server can change example.test.",
           "Refuse updates from this client:\n  allow-update { none; };");
  fx_cause(t, DP_CAUSE_REQUESTS_DROPPED, DP_SEVERITY_WARNING,
           DP_PROBE_BIT(DP_PROBE_RECURSION),
           "Some kinds of request get no reply",
           "recursion: no reply before the timeout.",
           "The server dropped a recursive query.", NULL);
}

/* A host-name target on IPv6: BADVERS with a repeated and an unknown EDE. */
static void target_v6(struct dp_run *run)
{
  struct dp_probe_result *p;
  struct dp_target_result *t =
      target_head(run, "ns1.example.test", "::1", 5302, ".", DP_ROLE_UNKNOWN,
                  DP_HEALTH_WARNING, 2.5);
  t->software = DP_SOFTWARE_BIND;
  p = add_probe(t, "udp");
  answer(p, DP_RCODE_BADVERS, 0, 12.5);
  fx_ede(p, 18, "");
  fx_ede(p, 18, "again");
  fx_ede(p, 999, "weird \"text\"\n");
  judge(p, DP_VERDICT_UNEXPECTED, DP_SEVERITY_WARNING,
        "BADVERS to an EDNS version 0 query", "BADVERS means ...", "Upgrade.");

  p = add_probe(t, "axfr");
  answer(p, DP_RCODE_NOERROR, DP_FLAG_AA, 1.234);
  judge(p, DP_VERDICT_ALLOWED, DP_SEVERITY_WARNING, "zone transfer allowed",
        "Anyone can copy the zone.",
        "Allow transfers to the secondaries only:\n"
        "  allow-transfer { 192.0.2.2; };");

  p = add_probe(t, "tcp");
  fx_outcome(p, DP_OUTCOME_CONN_REFUSED);
  judge(p, DP_VERDICT_NO_ANSWER, DP_SEVERITY_INFO, "connection refused",
        "Nothing listens on TCP.", NULL);

  fx_cause(t, DP_CAUSE_EDNS_NONCOMPLIANT, DP_SEVERITY_WARNING,
           DP_PROBE_BIT(DP_PROBE_UDP), "EDNS handled incorrectly",
           "udp: BADVERS.", "BADVERS means ...", "Upgrade.");
  fx_cause(t, DP_CAUSE_OPEN_TRANSFER, DP_SEVERITY_WARNING,
           DP_PROBE_BIT(DP_PROBE_AXFR), "Zone transfer open to this client",
           "axfr: NOERROR aa.", "Anyone can copy the zone.",
           "Allow transfers to the secondaries only:\n"
           "  allow-transfer { 192.0.2.2; };");
  fx_cause(t, DP_CAUSE_TCP_BLOCKED, DP_SEVERITY_INFO,
           DP_PROBE_BIT(DP_PROBE_TCP), "TCP gets no answer",
           "tcp: connection refused.", "Nothing listens on TCP.", NULL);
}

/* A resolver with nothing to say. */
static void target_ok(struct dp_run *run)
{
  struct dp_probe_result *p;
  struct dp_target_result *t =
      target_head(run, "127.0.0.2", "127.0.0.2", 53, ".", DP_ROLE_RESOLVER,
                  DP_HEALTH_OK, 4.0);
  p = add_probe(t, "udp");
  answer(p, DP_RCODE_NOERROR, DP_FLAG_RA, 0.4);
  judge(p, DP_VERDICT_ANSWERING, DP_SEVERITY_OK, "NOERROR: answering", NULL,
        NULL);
  p = add_probe(t, "recursion");
  answer(p, DP_RCODE_NOERROR, DP_FLAG_RA, 3.0);
  judge(p, DP_VERDICT_AVAILABLE, DP_SEVERITY_OK, "NOERROR ra: recursion", NULL,
        NULL);
}

/* Strings a server or a user could put anywhere. */
static void target_hostile(struct dp_run *run)
{
  struct dp_probe_result *p;
  struct dp_target_result *t =
      target_head(run, "we\"ird\\name\n\xff", "127.0.0.9", 53, "ex\"ample.",
                  DP_ROLE_AUTHORITATIVE, DP_HEALTH_WARNING, 1.0);
  p = add_probe(t, "udp");
  answer(p, DP_RCODE_REFUSED, 0, 0.5);
  fx_ede(p, 20, HOSTILE);
  judge(p, DP_VERDICT_REFUSED, DP_SEVERITY_WARNING, HOSTILE,
        "line one\nline <two> ]]> \r", "a & b");
  fx_cause(t, DP_CAUSE_LAME, DP_SEVERITY_WARNING, DP_PROBE_BIT(DP_PROBE_UDP),
           HOSTILE, HOSTILE, "line one\nline <two> ]]> \r", "a & b");
}

/* The DNSSEC of a zone as a target serves it: signed with an RRSIG over
 * the SOA that expired a day ago, or unsigned. */
#define EXPIRED_AT INT64_C(1735603200) /* 2024-12-31T00:00:00Z */

static void dnssec_of(struct dp_target_result *t, bool is_signed)
{
  t->dnssec = calloc(1, sizeof(*t->dnssec) + sizeof(t->dnssec->findings[0]));
  ck_assert(t->dnssec != NULL);
  struct dp_target_dnssec *d = t->dnssec;
  d->warn_seconds = 7 * 86400;
  d->crit_seconds = 2 * 86400;
  d->state = is_signed ? DP_DNSSEC_STATE_SIGNED : DP_DNSSEC_STATE_UNSIGNED;
  if (!is_signed)
    return;
  d->now = EXPIRED_AT + 86400;
  d->has_expiry = true;
  d->earliest_expiration = EXPIRED_AT;
  d->earliest_remaining = -86400;
  d->earliest_covered = DP_TYPE_SOA;
  d->nalgorithms = 1;
  d->algorithms[0] = 13;
  d->nkeys = d->nkeys_seen = 1;
  d->keys[0].flags = 257;
  d->keys[0].algorithm = 13;
  d->keys[0].key_tag = 4242;
  d->keys[0].sep = true;
  d->keys[0].zone_key = true;
  d->severity = DP_SEVERITY_CRITICAL;
  d->nfindings = 1;
  d->findings[0].id = DP_DNSSEC_FINDING_EXPIRED;
  d->findings[0].key = "dnssec-expired";
  d->findings[0].cause = DP_CAUSE_DNSSEC_EXPIRED;
  d->findings[0].severity = DP_SEVERITY_CRITICAL;
  d->findings[0].covered = DP_TYPE_SOA;
  d->findings[0].count = 1;
  snprintf(d->findings[0].detail, sizeof(d->findings[0].detail),
           "The RRSIG over SOA expired a day ago.");
}

/* Two authoritative servers: a signed zone whose RRSIG expired, and an
 * unsigned one. */
static void targets_dnssec(struct dp_run *run)
{
  struct dp_probe_result *p;
  struct dp_target_result *t =
      target_head(run, "127.0.0.7", "127.0.0.7", 53, "signed.test.",
                  DP_ROLE_AUTHORITATIVE, DP_HEALTH_CRITICAL, 2.0);
  p = add_probe(t, "dnskey");
  answer(p, DP_RCODE_NOERROR, DP_FLAG_AA, 0.4);
  judge(p, DP_VERDICT_SIGNED, DP_SEVERITY_CRITICAL,
        "NOERROR aa: signed (the RRset comes with its RRSIGs)",
        "The RRSIG over SOA expired a day ago.", "Re-sign the zone.");
  dnssec_of(t, true);
  fx_cause(t, DP_CAUSE_DNSSEC_EXPIRED, DP_SEVERITY_CRITICAL,
           DP_PROBE_BIT(DP_PROBE_DNSKEY),
           "The zone's DNSSEC signatures have expired",
           "The RRSIG over SOA expired a day ago.", "Validators fail it.",
           "Re-sign the zone.")
      ->own_severity = true;
  t = target_head(run, "127.0.0.8", "127.0.0.8", 53, "unsigned.test.",
                  DP_ROLE_AUTHORITATIVE, DP_HEALTH_OK, 2.0);
  p = add_probe(t, "dnskey");
  answer(p, DP_RCODE_NOERROR, DP_FLAG_AA, 0.4);
  judge(p, DP_VERDICT_UNSIGNED, DP_SEVERITY_OK, "NOERROR aa: unsigned", NULL,
        NULL);
  dnssec_of(t, false);
}

enum run_kind
{
  RUN_V4,
  RUN_TWO,
  RUN_OK,
  RUN_EMPTY,
  RUN_DUP,
  RUN_HOSTILE,
  RUN_DNSSEC,
};

static void build_run(struct dp_run *run, enum run_kind kind)
{
  fx_run_init(run);
  snprintf(run->started_at, sizeof(run->started_at),
           "2026-11-21T12:00:00.250Z");
  switch (kind)
  {
  case RUN_V4:
    target_v4(run);
    run->status = DP_HEALTH_CRITICAL;
    break;
  case RUN_TWO:
    target_v4(run);
    target_v6(run);
    run->status = DP_HEALTH_CRITICAL;
    break;
  case RUN_OK:
    target_ok(run);
    run->status = DP_HEALTH_OK;
    break;
  case RUN_EMPTY:
    run->status = DP_HEALTH_OK;
    break;
  case RUN_DUP:
    target_v4(run);
    target_v4(run);
    run->status = DP_HEALTH_CRITICAL;
    break;
  case RUN_HOSTILE:
    target_hostile(run);
    run->status = DP_HEALTH_WARNING;
    break;
  case RUN_DNSSEC:
    targets_dnssec(run);
    run->status = DP_HEALTH_CRITICAL;
    break;
  }
}

/* --- Helpers ------------------------------------------------------------- */

/* A report in memory; *st gets the writer's status. */
static char *render(const struct dp_run *run, dp_format_t f, dp_status_t *st)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  ck_assert_msg(fp != NULL, "open_memstream failed");
  *st = dp_report_write(fp, f, run, NULL, &options);
  ck_assert_msg(fclose(fp) == 0, "closing the memory stream failed");
  return buf;
}

static char *render_ok(const char *name, const struct dp_run *run,
                       dp_format_t f)
{
  dp_status_t st;
  char *text = render(run, f, &st);
  ck_assert_msg(st == DP_OK, "%s: %s report returned %d", name,
                dp_report_format_tostr(f), (int)st);
  return text;
}

static char *make_dir(void)
{
  char tmpl[] = "/tmp/dnsprobe-formats-XXXXXX";
  ck_assert_msg(mkdtemp(tmpl) != NULL, "mkdtemp: %s", strerror(errno));
  return xstrdup(tmpl);
}

/* Remove dir and what it holds (one level; subdirectories empty). */
static void remove_dir(const char *dir)
{
  DIR *d = opendir(dir);
  if (d == NULL)
    return;
  chmod(dir, 0700);
  struct dirent *e;
  char path[512];
  while ((e = readdir(d)) != NULL)
  {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    if (unlink(path) != 0)
      rmdir(path);
  }
  closedir(d);
  rmdir(dir);
}

static void write_file(const char *path, const char *text)
{
  FILE *fp = fopen(path, "w");
  ck_assert_msg(fp != NULL, "cannot create %s: %s", path, strerror(errno));
  fputs(text, fp);
  ck_assert_msg(fclose(fp) == 0, "cannot write %s", path);
}

/* A whole file, or NULL when it cannot be read. */
static char *read_file(const char *path)
{
  FILE *fp = fopen(path, "r");
  if (fp == NULL)
    return NULL;
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  ck_assert_msg(out != NULL, "open_memstream failed");
  int c;
  while ((c = fgetc(fp)) != EOF)
    fputc(c, out);
  fclose(fp);
  fclose(out);
  return buf;
}

/* The names in dir, sorted, joined by ' '. */
static void list_dir(const char *dir, char *out, size_t cap)
{
  char names[16][256];
  int n = 0;
  DIR *d = opendir(dir);
  out[0] = '\0';
  if (d == NULL)
    return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < N(names))
  {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
  }
  closedir(d);
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--)
    {
      char tmp[256];
      memcpy(tmp, names[j], sizeof(tmp));
      memcpy(names[j], names[j - 1], sizeof(tmp));
      memcpy(names[j - 1], tmp, sizeof(tmp));
    }
  for (int i = 0; i < n; i++)
  {
    size_t used = strlen(out);
    snprintf(out + used, cap - used, "%s%s", i > 0 ? " " : "", names[i]);
  }
}

/* Run a shell command; its stdout and stderr go to out. Returns the exit
 * status, or -1 when it did not exit normally. */
static int run_cmd(const char *cmd, char *out, size_t cap)
{
  char full[4096];
  snprintf(full, sizeof(full), "%s 2>&1", cmd);
  fflush(NULL);
  FILE *p = popen(full, "r");
  ck_assert_msg(p != NULL, "popen failed: %s", strerror(errno));
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = '\0';
  /* Drain what did not fit, so the child never blocks on a full pipe. */
  char sink[512];
  while (fread(sink, 1, sizeof(sink), p) > 0)
    ;
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool have_program(const char *name)
{
  char cmd[128], out[256];
  snprintf(cmd, sizeof(cmd), "command -v %s", name);
  return run_cmd(cmd, out, sizeof(out)) == 0;
}

/* Run a Python program on files; stdout+stderr to out; exit status back. */
static int run_python(const char *program, const char *arg1, const char *arg2,
                      char *out, size_t cap)
{
  char dir_prog[64];
  char *dir = make_dir();
  snprintf(dir_prog, sizeof(dir_prog), "%s/check.py", dir);
  write_file(dir_prog, program);
  char cmd[1024];
  snprintf(cmd, sizeof(cmd), "python3 %s '%s' '%s'", dir_prog, arg1,
           arg2 != NULL ? arg2 : "");
  int rc = run_cmd(cmd, out, cap);
  remove_dir(dir);
  free(dir);
  return rc;
}

/* Line n (0-based) of text without its newline, into buf. */
static bool nth_line(const char *text, int n, char *buf, size_t cap)
{
  const char *s = text;
  for (int i = 0; i < n; i++)
  {
    s = strchr(s, '\n');
    if (s == NULL)
      return false;
    s++;
  }
  if (*s == '\0')
    return false;
  size_t len = strcspn(s, "\n");
  snprintf(buf, cap, "%.*s", (int)len, s);
  return true;
}

static int count_lines(const char *text)
{
  int n = 0;
  for (const char *s = text; *s != '\0'; s++)
    if (*s == '\n')
      n++;
  return n;
}

/* --- Format names -------------------------------------------------------- */

static const struct
{
  const char *name;
  bool ok;
  dp_format_t format;
  bool streams;
} names[] = {
    {"text", true, DP_FORMAT_TEXT, false},
    {"json", true, DP_FORMAT_JSON, false},
    {"jsonl", true, DP_FORMAT_JSONL, true},
    {"junit", true, DP_FORMAT_JUNIT, false},
    {"nagios", true, DP_FORMAT_NAGIOS, false},
    {"prometheus", true, DP_FORMAT_PROMETHEUS, false},
    {"JSONL", false, DP_FORMAT_TEXT, false},
    {"xml", false, DP_FORMAT_TEXT, false},
    {"jsonl ", false, DP_FORMAT_TEXT, false},
    {"", false, DP_FORMAT_TEXT, false},
    {"prom", false, DP_FORMAT_TEXT, false},
};

START_TEST(test_format_names)
{
  dp_format_t f = DP_FORMAT_COUNT;
  dp_status_t st = dp_report_format_fromstr(names[_i].name, &f);
  if (!names[_i].ok)
  {
    ck_assert_msg(st == DP_EINVAL, "name '%s': accepted", names[_i].name);
    return;
  }
  ck_assert_msg(st == DP_OK && f == names[_i].format,
                "name '%s': status %d, format %d", names[_i].name, (int)st,
                (int)f);
  ck_assert_msg(strcmp(dp_report_format_tostr(f), names[_i].name) == 0,
                "name '%s': tostr gives '%s'", names[_i].name,
                dp_report_format_tostr(f));
  ck_assert_msg(dp_report_format_streams(f) == names[_i].streams,
                "name '%s': streams %d", names[_i].name,
                (int)dp_report_format_streams(f));
}
END_TEST

/* --- jsonl ---------------------------------------------------------------- */

/*
 * argv[1] is the json report, argv[2] the jsonl report. Every line must be
 * strict JSON with schema, version and started_at first, then exactly the
 * members, in order, of the json report's targets[i].
 */
static const char jsonl_check[] =
    "import collections, json, sys\n"
    "def strict(c):\n"
    "    raise ValueError('non-standard constant %s' % c)\n"
    "def pairs(p):\n"
    "    keys = [k for k, _ in p]\n"
    "    if len(keys) != len(set(keys)):\n"
    "        raise ValueError('duplicate key in %r' % keys)\n"
    "    return collections.OrderedDict(p)\n"
    "def load(s):\n"
    "    return json.loads(s, parse_constant=strict, object_pairs_hook=pairs)\n"
    "doc = load(open(sys.argv[1], encoding='utf-8').read())\n"
    "raw = open(sys.argv[2], 'rb').read()\n"
    "text = raw.decode('utf-8')\n"
    "assert text == '' or text.endswith('\\n'), 'no final newline'\n"
    "lines = text.split('\\n')[:-1]\n"
    "assert len(lines) == len(doc['targets']), '%d lines, %d targets' % "
    "(len(lines), len(doc['targets']))\n"
    "for i, line in enumerate(lines):\n"
    "    o = load(line)\n"
    "    items = list(o.items())\n"
    "    head = [('schema', 'dnsprobe/1'), ('version', doc['version']),\n"
    "            ('started_at', doc['started_at'])]\n"
    "    assert items[:3] == head, 'line %d starts %r' % (i, items[:3])\n"
    "    rest = collections.OrderedDict(items[3:])\n"
    "    assert rest == doc['targets'][i], 'line %d differs from targets[%d]'"
    " % (i, i)\n"
    "    assert list(rest) == list(doc['targets'][i]), 'member order'\n"
    "print('lines=%d' % len(lines))\n";

static const struct
{
  const char *name;
  enum run_kind kind;
  const char *want;
} jsonl_cases[] = {
    {"one target", RUN_V4, "lines=1\n"},
    {"two targets", RUN_TWO, "lines=2\n"},
    {"no target", RUN_EMPTY, "lines=0\n"},
    {"hostile strings", RUN_HOSTILE, "lines=1\n"},
};

START_TEST(test_jsonl_matches_json)
{
  const char *name = jsonl_cases[_i].name;
  struct dp_run run;
  char out[OUTCAP];

  build_run(&run, jsonl_cases[_i].kind);
  char *json = render_ok(name, &run, DP_FORMAT_JSON);
  char *jsonl = render_ok(name, &run, DP_FORMAT_JSONL);
  char *dir = make_dir();
  char jpath[256], lpath[256];
  snprintf(jpath, sizeof(jpath), "%s/report.json", dir);
  snprintf(lpath, sizeof(lpath), "%s/report.jsonl", dir);
  write_file(jpath, json);
  write_file(lpath, jsonl);

  int rc = run_python(jsonl_check, jpath, lpath, out, sizeof(out));
  ck_assert_msg(rc == 0 && strcmp(out, jsonl_cases[_i].want) == 0,
                "%s: python says (exit %d): %s", name, rc, out);

  /* Compact: each line starts with the schema, no pretty-printing. */
  for (int i = 0; i < (int)run.ntargets; i++)
  {
    char line[OUTCAP];
    ck_assert_msg(nth_line(jsonl, i, line, sizeof(line)), "%s: no line %d",
                  name, i);
    ck_assert_msg(
        strncmp(line, "{\"schema\":\"dnsprobe/1\",\"version\":\"", 33) == 0,
        "%s: line %d is not compact: %.60s", name, i, line);
  }
  remove_dir(dir);
  free(dir);
  free(json);
  free(jsonl);
  dp_run_clear(&run);
}
END_TEST

/* Streaming one target: jsonl gives that target's line, no other format
 * streams. */
START_TEST(test_write_target)
{
  dp_format_t f = (dp_format_t)_i;
  const char *name = dp_report_format_tostr(f);
  struct dp_run run;
  char *buf = NULL;
  size_t len = 0;

  build_run(&run, RUN_TWO);
  FILE *fp = open_memstream(&buf, &len);
  ck_assert_msg(fp != NULL, "open_memstream failed");
  dp_status_t st =
      dp_report_write_target(fp, f, &run, &run.targets[1], &options);
  fclose(fp);
  if (f != DP_FORMAT_JSONL)
  {
    ck_assert_msg(st == DP_EINVAL && len == 0,
                  "%s: streamed (status %d, %zu bytes)", name, (int)st, len);
  }
  else
  {
    char *all = render_ok(name, &run, DP_FORMAT_JSONL);
    char want[OUTCAP];
    ck_assert_msg(nth_line(all, 1, want, sizeof(want)), "%s: no line 1", name);
    strcat(want, "\n");
    ck_assert_msg(st == DP_OK && strcmp(buf, want) == 0,
                  "%s: status %d, streamed line differs from the report's:\n"
                  "%s\nwant\n%s",
                  name, (int)st, buf, want);
    free(all);
  }
  free(buf);
  ck_assert_msg(dp_report_write_target(NULL, f, &run, &run.targets[0], NULL) ==
                    DP_EINVAL,
                "%s: NULL stream accepted", name);
  ck_assert_msg(dp_report_write_target(stdout, f, &run, NULL, NULL) ==
                    DP_EINVAL,
                "%s: NULL target accepted", name);
  dp_run_clear(&run);
}
END_TEST

/* --- JUnit ---------------------------------------------------------------- */

/*
 * Parses the XML and prints the document's and each suite's counts (after
 * checking them against the testcases) and one line per testcase:
 * classname, name and P (pass; "+expl" when system-out carries an
 * explanation), S (skipped) or F:type ("+fix" when the text has a fix).
 */
static const char junit_check[] =
    "import sys, xml.etree.ElementTree as ET\n"
    "root = ET.parse(sys.argv[1]).getroot()\n"
    "assert root.tag == 'testsuites', root.tag\n"
    "def counts(e):\n"
    "    return 'tests=%s failures=%s errors=%s skipped=%s' % (\n"
    "        e.get('tests'), e.get('failures'), e.get('errors'),\n"
    "        e.get('skipped'))\n"
    "out = ['suites=%d %s' % (len(root), counts(root))]\n"
    "total = [0, 0, 0]\n"
    "float(root.get('time'))\n"
    "for s in root:\n"
    "    assert s.tag == 'testsuite', s.tag\n"
    "    assert float(s.get('time')) >= 0\n"
    "    cases = s.findall('testcase')\n"
    "    nf = sum(c.find('failure') is not None for c in cases)\n"
    "    ns = sum(c.find('skipped') is not None for c in cases)\n"
    "    assert int(s.get('tests')) == len(cases), 'tests'\n"
    "    assert int(s.get('failures')) == nf, 'failures'\n"
    "    assert int(s.get('skipped')) == ns, 'skipped'\n"
    "    assert [p.get('name') for p in s.find('properties')][:4] == \\\n"
    "        ['target', 'address', 'port', 'zone']\n"
    "    total = [total[0] + len(cases), total[1] + nf, total[2] + ns]\n"
    "    names = [c.get('name') for c in cases]\n"
    "    assert len(set(names)) == len(names), 'a probe twice'\n"
    "    out.append('suite %s %s' % (s.get('name'), counts(s)))\n"
    "    for c in cases:\n"
    "        float(c.get('time'))\n"
    "        f, k = c.find('failure'), c.find('skipped')\n"
    "        so = c.find('system-out')\n"
    "        if f is not None:\n"
    "            tag = 'F:' + f.get('type')\n"
    "            if '\\n\\nFix: ' in (f.text or ''):\n"
    "                tag += '+fix'\n"
    "        elif k is not None:\n"
    "            continue  # counted in the suite's line\n"
    "        else:\n"
    "            tag = 'P'\n"
    "            if so is not None and '\\n\\n' in (so.text or ''):\n"
    "                tag += '+expl'\n"
    "        out.append(' %s %s %s' % (c.get('classname'), c.get('name'), "
    "tag))\n"
    "assert [int(root.get(a)) for a in ('tests', 'failures', 'skipped')] "
    "== total, 'document counts'\n"
    "print('\\n'.join(out))\n";

/* The probes that ran, in probe order; skipped ones are only counted. */
#define V4_CASES(cls)                                                          \
  " " cls " udp P\n"                                                           \
  " " cls " recursion F:warning\n"                                             \
  " " cls " axfr P\n"                                                          \
  " " cls " ixfr P+expl\n"                                                     \
  " " cls " update F:critical+fix\n"                                           \
  " " cls " opcode P\n"

static const struct
{
  const char *name;
  enum run_kind kind;
  const char *want;
} junit_cases[] = {
    {"one target", RUN_V4,
     "suites=1 tests=25 failures=2 errors=0 skipped=19\n"
     "suite 127.0.0.1:5301 tests=25 failures=2 errors=0 skipped=19\n" V4_CASES(
         "dnsprobe.127_0_0_1_5301")},
    {"two targets", RUN_TWO,
     "suites=2 tests=50 failures=4 errors=0 skipped=41\n"
     "suite 127.0.0.1:5301 tests=25 failures=2 errors=0 skipped=19\n" V4_CASES(
         "dnsprobe.127_0_0_1_5301") "suite ns1.example.test ([::1]:5302) "
                                    "tests=25 failures=2 errors=0 skipped=22\n"
                                    " dnsprobe.__1_5302 udp F:warning+fix\n"
                                    " dnsprobe.__1_5302 tcp P+expl\n"
                                    " dnsprobe.__1_5302 axfr F:warning+fix\n"},
    {"all ok", RUN_OK,
     "suites=1 tests=25 failures=0 errors=0 skipped=23\n"
     "suite 127.0.0.2 (127.0.0.2:53) tests=25 failures=0 errors=0 skipped=23\n"
     " dnsprobe.127_0_0_2_53 udp P\n"
     " dnsprobe.127_0_0_2_53 recursion P\n"},
    {"no target", RUN_EMPTY,
     "suites=0 tests=0 failures=0 errors=0 skipped=0\n"},
    {"hostile strings", RUN_HOSTILE,
     "suites=1 tests=25 failures=1 errors=0 skipped=24\n"
     "suite we\"ird\\name\n? (127.0.0.9:53) tests=25 failures=1 errors=0 "
     "skipped=24\n"
     " dnsprobe.127_0_0_9_53 udp F:warning+fix\n"},
};

START_TEST(test_junit_parses)
{
  const char *name = junit_cases[_i].name;
  struct dp_run run;
  char out[OUTCAP];

  build_run(&run, junit_cases[_i].kind);
  char *xml = render_ok(name, &run, DP_FORMAT_JUNIT);
  char *dir = make_dir();
  char path[256];
  snprintf(path, sizeof(path), "%s/junit.xml", dir);
  write_file(path, xml);
  int rc = run_python(junit_check, path, NULL, out, sizeof(out));
  ck_assert_msg(rc == 0, "%s: the XML does not check (exit %d): %s", name, rc,
                out);
  ck_assert_msg(strcmp(out, junit_cases[_i].want) == 0, "%s: got\n%s\nwant\n%s",
                name, out, junit_cases[_i].want);
  remove_dir(dir);
  free(dir);
  free(xml);
  dp_run_clear(&run);
}
END_TEST

/* What an XML parser reads back from the hostile fixture's testcase. */
static const char junit_text_check[] =
    "import json, sys, xml.etree.ElementTree as ET\n"
    "tc = ET.parse(sys.argv[1]).getroot().find('testsuite/testcase')\n"
    "f = tc.find('failure')\n"
    "print(json.dumps([f.get('message'), f.text, f.get('type'),\n"
    "                  tc.find('system-out').text]))\n";

START_TEST(test_junit_escaping)
{
  struct dp_run run;
  char out[OUTCAP];

  build_run(&run, RUN_HOSTILE);
  char *xml = render_ok("escaping", &run, DP_FORMAT_JUNIT);
  char *dir = make_dir();
  char path[256];
  snprintf(path, sizeof(path), "%s/junit.xml", dir);
  write_file(path, xml);
  int rc = run_python(junit_text_check, path, NULL, out, sizeof(out));
  /* Markup survives as text; \x01, the bad byte and U+FFFE become '?';
   * tab, LF and CR survive (as references where they would not). */
  static const char want[] =
      "[\"lame: a <b> & \\\"c\\\" 'd' | e?f?g \\u00e9 ? h\\ti\", "
      "\"a <b> & \\\"c\\\" 'd' | e?f?g \\u00e9 ? h\\ti\\n\\n"
      "line one\\nline <two> ]]> \\r\\n\\nFix: a & b\", \"warning\", "
      "\"a <b> & \\\"c\\\" 'd' | e?f?g \\u00e9 ? h\\ti\"]\n";
  ck_assert_msg(rc == 0 && strcmp(out, want) == 0,
                "escaping: got (exit %d)\n%s\nwant\n%s", rc, out, want);
  remove_dir(dir);
  free(dir);
  free(xml);
  dp_run_clear(&run);
}
END_TEST

/* --- Nagios --------------------------------------------------------------- */

#define PERF_ITEM "('([^'=]|'')+'|[^' =|]+)=-?[0-9]+(\\.[0-9]+)?ms;;;0"
#define STATUS_LINE                                                            \
  "^DNSPROBE (OK|WARNING|CRITICAL|UNKNOWN) - [^|]+( \\| " PERF_ITEM            \
  "( " PERF_ITEM ")*)?$"

static const struct
{
  const char *name;
  enum run_kind kind;
  const char *first;  /* the whole status line */
  int long_lines;     /* lines after it */
  const char *second; /* the first long-output line */
  const char *last;   /* the last line */
} nagios_cases[] = {
    {"one target", RUN_V4,
     "DNSPROBE CRITICAL - 1 critical, 1 warning: 127.0.0.1:5301 "
     "update-accepted: Dynamic updates accepted from this client | "
     "rtt_udp=0.31ms;;;0 "
     "rtt_axfr=1.2ms;;;0 rtt_ixfr=2.5ms;;;0 rtt_update=12ms;;;0 "
     "rtt_opcode=0.05ms;;;0",
     3,
     "CRITICAL: 127.0.0.1:5301 update-accepted: Dynamic updates accepted "
     "from this client (update)",
     "127.0.0.1:5301 zone example.test. role authoritative: CRITICAL, 25 "
     "probes (1 critical, 1 warning, 1 info, 19 skipped) in 3.2 ms"},
    {"two targets", RUN_TWO,
     "DNSPROBE CRITICAL - 1 critical, 3 warning on 2 of 2 targets: "
     "127.0.0.1:5301 update-accepted: Dynamic updates accepted from this "
     "client | "
     "'127.0.0.1:5301 rtt_udp'=0.31ms;;;0 '127.0.0.1:5301 rtt_axfr'=1.2ms;;;0 "
     "'127.0.0.1:5301 rtt_ixfr'=2.5ms;;;0 "
     "'127.0.0.1:5301 rtt_update'=12ms;;;0 "
     "'127.0.0.1:5301 rtt_opcode'=0.05ms;;;0 '[::1]:5302 rtt_udp'=12.5ms;;;0 "
     "'[::1]:5302 rtt_axfr'=1.234ms;;;0",
     7,
     "CRITICAL: 127.0.0.1:5301 update-accepted: Dynamic updates accepted "
     "from this client (update)",
     "[::1]:5302 (ns1.example.test) zone . role unknown software bind: "
     "WARNING, 25 probes (2 warning, 1 info, 22 skipped) in 2.5 ms"},
    {"all ok", RUN_OK,
     "DNSPROBE OK - 127.0.0.2:53 resolver: 2 probes ok, 23 skipped | "
     "rtt_udp=0.4ms;;;0 rtt_recursion=3ms;;;0",
     1,
     "127.0.0.2:53 (127.0.0.2) zone . role resolver: OK, 25 probes (23 "
     "skipped) in 4 ms",
     "127.0.0.2:53 (127.0.0.2) zone . role resolver: OK, 25 probes (23 "
     "skipped) in 4 ms"},
    {"no target", RUN_EMPTY, "DNSPROBE OK - no target probed", 0, NULL,
     "DNSPROBE OK - no target probed"},
    {"hostile strings", RUN_HOSTILE,
     "DNSPROBE WARNING - 1 warning: 127.0.0.9:53 lame: a <b> & \"c\" 'd' / "
     "e f?g \xc3\xa9 \xef\xbf\xbe h i | rtt_udp=0.5ms;;;0",
     2,
     "WARNING: 127.0.0.9:53 lame: a <b> & \"c\" 'd' / e f?g \xc3\xa9 "
     "\xef\xbf\xbe h i (udp)",
     "127.0.0.9:53 (we\"ird\\name ?) zone ex\"ample. role authoritative: "
     "WARNING, 25 probes (1 warning, 24 skipped) in 1 ms"},
};

START_TEST(test_nagios)
{
  const char *name = nagios_cases[_i].name;
  struct dp_run run;
  regex_t re;
  char line[OUTCAP];

  build_run(&run, nagios_cases[_i].kind);
  char *text = render_ok(name, &run, DP_FORMAT_NAGIOS);
  ck_assert_msg(regcomp(&re, STATUS_LINE, REG_EXTENDED | REG_NOSUB) == 0,
                "regcomp failed");
  ck_assert_msg(nth_line(text, 0, line, sizeof(line)), "%s: empty output",
                name);
  ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0,
                "%s: status line does not follow the plugin syntax:\n%s", name,
                line);
  regfree(&re);
  ck_assert_msg(strcmp(line, nagios_cases[_i].first) == 0,
                "%s: status line\n%s\nwant\n%s", name, line,
                nagios_cases[_i].first);
  ck_assert_msg(count_lines(text) == 1 + nagios_cases[_i].long_lines,
                "%s: %d lines, want %d:\n%s", name, count_lines(text),
                1 + nagios_cases[_i].long_lines, text);
  if (nagios_cases[_i].second != NULL)
  {
    ck_assert_msg(nth_line(text, 1, line, sizeof(line)), "%s: no line 2", name);
    ck_assert_msg(strcmp(line, nagios_cases[_i].second) == 0,
                  "%s: line 2\n%s\nwant\n%s", name, line,
                  nagios_cases[_i].second);
  }
  ck_assert_msg(nth_line(text, count_lines(text) - 1, line, sizeof(line)),
                "%s: no last line", name);
  ck_assert_msg(strcmp(line, nagios_cases[_i].last) == 0,
                "%s: last line\n%s\nwant\n%s", name, line,
                nagios_cases[_i].last);
  /* A '|' in long output would start perfdata. */
  const char *nl = strchr(text, '\n');
  ck_assert_msg(nl != NULL && strchr(nl, '|') == NULL,
                "%s: '|' in the long output", name);
  free(text);
  dp_run_clear(&run);
}
END_TEST

/* --- Prometheus ----------------------------------------------------------- */

static const char *const families[] = {
    "dnsprobe_build_info",    "dnsprobe_run_duration_seconds",
    "dnsprobe_target_status", "dnsprobe_target_cause",
    "dnsprobe_dnssec_signed", "dnsprobe_dnssec_signature_expiry_seconds",
    "dnsprobe_probe_success", "dnsprobe_probe_severity",
    "dnsprobe_probe_verdict", "dnsprobe_probe_rcode",
    "dnsprobe_probe_ede",     "dnsprobe_probe_rtt_seconds",
};

#define NFAMILIES N(families)
#define SERIES_MAX 256

/*
 * The structure promtool does not check: each family has HELP then TYPE
 * gauge once, before its samples; samples belong to the family announced
 * last (no interleaving); no series twice; values are numbers; every family
 * is there. Counts the samples of each family into counts[]. Returns false
 * with the reason in why.
 */
static bool check_exposition(const char *text, int counts[NFAMILIES], char *why,
                             size_t cap)
{
  char *series[SERIES_MAX];
  int nseries = 0;
  int current = -1;
  bool seen[NFAMILIES] = {false};
  bool ok = false;
  const char *s = text;
  char line[1024];

  memset(counts, 0, sizeof(int) * NFAMILIES);
  while (*s != '\0')
  {
    size_t len = strcspn(s, "\n");
    if (s[len] != '\n' || len == 0 || len >= sizeof(line))
    {
      snprintf(why, cap, "a line is empty, too long or not ended");
      goto done;
    }
    memcpy(line, s, len);
    line[len] = '\0';
    s += len + 1;
    if (strncmp(line, "# HELP ", 7) == 0)
    {
      int f;
      for (f = 0; f < NFAMILIES; f++)
        if (strncmp(line + 7, families[f], strlen(families[f])) == 0 &&
            line[7 + strlen(families[f])] == ' ')
          break;
      if (f == NFAMILIES || seen[f])
      {
        snprintf(why, cap, "unknown or repeated family: %s", line);
        goto done;
      }
      seen[f] = true;
      current = f;
      char want[128];
      snprintf(want, sizeof(want), "# TYPE %s gauge\n", families[f]);
      if (strncmp(s, want, strlen(want)) != 0)
      {
        snprintf(why, cap, "HELP of %s is not followed by its TYPE",
                 families[f]);
        goto done;
      }
      s += strlen(want);
      continue;
    }
    size_t nl = strcspn(line, "{ ");
    if (line[0] == '#' || current < 0 || strlen(families[current]) != nl ||
        strncmp(line, families[current], nl) != 0)
    {
      snprintf(why, cap, "line outside its family: %s", line);
      goto done;
    }
    char *sp = strrchr(line, ' ');
    char *end = NULL;
    if (sp != NULL)
      strtod(sp + 1, &end);
    if (sp == NULL || end == sp + 1 || *end != '\0')
    {
      snprintf(why, cap, "bad value: %s", line);
      goto done;
    }
    *sp = '\0';
    for (int i = 0; i < nseries; i++)
      if (strcmp(series[i], line) == 0)
      {
        snprintf(why, cap, "series twice: %s", line);
        goto done;
      }
    if (nseries == SERIES_MAX)
    {
      snprintf(why, cap, "too many series");
      goto done;
    }
    series[nseries++] = xstrdup(line);
    counts[current]++;
  }
  for (int f = 0; f < NFAMILIES; f++)
    if (!seen[f])
    {
      snprintf(why, cap, "family %s missing", families[f]);
      goto done;
    }
  ok = true;

done:
  for (int i = 0; i < nseries; i++)
    free(series[i]);
  return ok;
}

#define L4 "target=\"127.0.0.1:5301\",address=\"127.0.0.1\",port=\"5301\""
#define L7 "target=\"127.0.0.7\",address=\"127.0.0.7\",port=\"53\""
#define L8 "target=\"127.0.0.8\",address=\"127.0.0.8\",port=\"53\""
#define L6 "target=\"ns1.example.test\",address=\"::1\",port=\"5302\""

static const struct
{
  const char *name;
  enum run_kind kind;
  int counts[12];          /* samples per family, in families[] order */
  const char *samples[13]; /* lines that must be there */
} prom_cases[] = {
    {"one target",
     RUN_V4,
     {1, 1, 1, 2, 0, 0, 25, 25, 25, 5, 1, 5},
     {"dnsprobe_build_info{version=\"" VERSION "\"} 1",
      "dnsprobe_run_duration_seconds 0.0061",
      "dnsprobe_target_status{" L4
      ",zone=\"example.test.\",role=\"authoritative\"} 2",
      "dnsprobe_target_cause{" L4 ",cause=\"update-accepted\"} 3",
      "dnsprobe_probe_success{" L4 ",probe=\"recursion\"} 0",
      "dnsprobe_probe_success{" L4 ",probe=\"udp\"} 1",
      "dnsprobe_probe_severity{" L4 ",probe=\"update\"} 3",
      "dnsprobe_probe_severity{" L4 ",probe=\"ixfr\"} 1",
      "dnsprobe_probe_verdict{" L4 ",probe=\"notify\",verdict=\"skipped\"} 1",
      "dnsprobe_probe_rcode{" L4 ",probe=\"axfr\",rcode=\"REFUSED\"} 5",
      "dnsprobe_probe_ede{" L4 ",probe=\"axfr\",code=\"18\"} 1",
      "dnsprobe_probe_rtt_seconds{" L4 ",probe=\"udp\"} 0.00031", NULL}},
    {"two targets",
     RUN_TWO,
     {1, 1, 2, 5, 0, 0, 50, 50, 50, 7, 3, 7},
     {"dnsprobe_target_status{" L6 ",zone=\".\",role=\"unknown\"} 1",
      "dnsprobe_probe_rcode{" L6 ",probe=\"udp\",rcode=\"BADVERS\"} 16",
      "dnsprobe_probe_ede{" L6 ",probe=\"udp\",code=\"18\"} 1",
      "dnsprobe_probe_ede{" L6 ",probe=\"udp\",code=\"999\"} 1",
      "dnsprobe_probe_rtt_seconds{" L6 ",probe=\"axfr\"} 0.001234",
      "dnsprobe_probe_success{" L6 ",probe=\"tcp\"} 0",
      "dnsprobe_probe_verdict{" L6 ",probe=\"tcp\",verdict=\"no-answer\"} 1",
      NULL}},
    {"same target twice",
     RUN_DUP,
     {1, 1, 1, 2, 0, 0, 25, 25, 25, 5, 1, 5},
     {NULL}},
    {"no target",
     RUN_EMPTY,
     {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
     {"dnsprobe_build_info{version=\"" VERSION "\"} 1", NULL}},
    {"DNSSEC: expired and unsigned",
     RUN_DNSSEC,
     {1, 1, 2, 1, 2, 1, 50, 50, 50, 2, 0, 2},
     {"dnsprobe_dnssec_signed{" L7 ",zone=\"signed.test.\"} 1",
      "dnsprobe_dnssec_signed{" L8 ",zone=\"unsigned.test.\"} 0",
      "dnsprobe_dnssec_signature_expiry_seconds{" L7
      ",zone=\"signed.test.\"} -86400",
      "dnsprobe_target_cause{" L7 ",cause=\"dnssec-expired\"} 3",
      "dnsprobe_probe_verdict{" L7 ",probe=\"dnskey\",verdict=\"signed\"} 1",
      NULL}},
    {"hostile strings",
     RUN_HOSTILE,
     {1, 1, 1, 1, 0, 0, 25, 25, 25, 1, 1, 1},
     {"dnsprobe_target_status{target=\"we\\\"ird\\\\name\\n?\","
      "address=\"127.0.0.9\",port=\"53\",zone=\"ex\\\"ample.\","
      "role=\"authoritative\"} 1",
      NULL}},
};

START_TEST(test_prometheus)
{
  const char *name = prom_cases[_i].name;
  struct dp_run run;
  int counts[NFAMILIES];

  char why[1200];

  build_run(&run, prom_cases[_i].kind);
  char *text = render_ok(name, &run, DP_FORMAT_PROMETHEUS);
  ck_assert_msg(check_exposition(text, counts, why, sizeof(why)), "%s: %s",
                name, why);
  for (int f = 0; f < NFAMILIES; f++)
    ck_assert_msg(counts[f] == prom_cases[_i].counts[f],
                  "%s: %d samples of %s, want %d", name, counts[f], families[f],
                  prom_cases[_i].counts[f]);
  for (int k = 0; prom_cases[_i].samples[k] != NULL; k++)
  {
    char want[1024];
    snprintf(want, sizeof(want), "\n%s\n", prom_cases[_i].samples[k]);
    ck_assert_msg(strstr(text, want) != NULL, "%s: no line %s in:\n%s", name,
                  prom_cases[_i].samples[k], text);
  }
  free(text);
  dp_run_clear(&run);
}
END_TEST

/* The DNSSEC of each target in JSON and in the text header: what docs/json.md
 * documents. */
START_TEST(test_dnssec_members)
{
  static const struct
  {
    dp_format_t format;
    const char *has;
  } want[] = {
      {DP_FORMAT_JSONL, "\"state\":\"signed\""},
      {DP_FORMAT_JSONL, "\"earliest_expiry\":\"2024-12-31T00:00:00Z\""},
      {DP_FORMAT_JSONL, "\"expiry_seconds\":-86400"},
      {DP_FORMAT_JSONL, "\"earliest_rrset\":\"SOA\""},
      {DP_FORMAT_JSONL, "\"algorithms\":[13]"},
      {DP_FORMAT_JSONL, "{\"key_tag\":4242,\"algorithm\":13,\"flags\":257,"
                        "\"sep\":true,\"revoked\":false"},
      {DP_FORMAT_JSONL,
       "{\"key\":\"dnssec-expired\",\"cause\":\"dnssec-expired\","
       "\"severity\":\"critical\",\"rrset\":\"SOA\",\"algorithm\":null,"
       "\"count\":1,\"detail\":\"The RRSIG over SOA expired a day ago.\"}"},
      {DP_FORMAT_JSONL, "\"nsec3\":null"},
      {DP_FORMAT_JSONL, "\"dnssec\":{\"state\":\"unsigned\","
                        "\"earliest_expiry\":null,\"expiry_seconds\":null"},
      {DP_FORMAT_JSONL, "\"warn_seconds\":604800,\"crit_seconds\":172800"},
      {DP_FORMAT_JSON, "\"expiry_seconds\": -86400"},
      {DP_FORMAT_TEXT,
       "\ndnssec: signed, an RRSIG expired 1 d ago (SOA), algorithm 13\n"},
      {DP_FORMAT_TEXT, "\ndnssec: unsigned\n"},
  };
  struct dp_run run;
  build_run(&run, RUN_DNSSEC);
  for (size_t i = 0; i < N(want); i++)
  {
    dp_status_t st;
    char *out = render(&run, want[i].format, &st);
    ck_assert_msg(st == DP_OK, "dnssec: %s failed",
                  dp_report_format_tostr(want[i].format));
    const char *dn = strstr(out, "dnssec");
    ck_assert_msg(strstr(out, want[i].has) != NULL,
                  "dnssec %s lacks %s: %.600s",
                  dp_report_format_tostr(want[i].format), want[i].has,
                  dn != NULL ? dn : out);
    free(out);
  }
  /* a target whose zone was not checked has null, and no header line */
  struct dp_run ok;
  build_run(&ok, RUN_OK);
  dp_status_t st;
  char *json = render(&ok, DP_FORMAT_JSON, &st);
  char *text = render(&ok, DP_FORMAT_TEXT, &st);
  ck_assert_msg(strstr(json, "\"dnssec\": null,") != NULL,
                "dnssec: not null when not checked");
  ck_assert_msg(strstr(text, "dnssec:") == NULL,
                "dnssec: a header line when not checked");
  free(json);
  free(text);
  dp_run_clear(&ok);
  dp_run_clear(&run);
}
END_TEST

START_TEST(test_promtool)
{
  const char *name = prom_cases[_i].name;
  struct dp_run run;
  char out[OUTCAP];

  if (!have_program("promtool"))
  {
    /* scripts/bootstrap installs it (Debian package prometheus). */
    fprintf(stderr,
            "test_formats: promtool not found, 'promtool check metrics' "
            "SKIPPED for %s\n",
            name);
    return;
  }
  build_run(&run, prom_cases[_i].kind);
  char *text = render_ok(name, &run, DP_FORMAT_PROMETHEUS);
  char *dir = make_dir();
  char path[256], cmd[512];
  snprintf(path, sizeof(path), "%s/dnsprobe.prom", dir);
  write_file(path, text);
  snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s'", path);
  int rc = run_cmd(cmd, out, sizeof(out));
  ck_assert_msg(rc == 0 && out[0] == '\0',
                "%s: promtool check metrics (exit %d): %s", name, rc, out);
  remove_dir(dir);
  free(dir);
  free(text);
  dp_run_clear(&run);
}
END_TEST

/* The checker must be able to say no, or its passes prove little. */
static const struct
{
  const char *name;
  const char *text;
} bad_expositions[] = {
    {"interleaved",
     "# HELP dnsprobe_build_info h\n# TYPE dnsprobe_build_info gauge\n"
     "# HELP dnsprobe_run_duration_seconds h\n"
     "# TYPE dnsprobe_run_duration_seconds gauge\n"
     "dnsprobe_build_info{version=\"1\"} 1\n"},
    {"series twice",
     "# HELP dnsprobe_build_info h\n# TYPE dnsprobe_build_info gauge\n"
     "dnsprobe_build_info{version=\"1\"} 1\n"
     "dnsprobe_build_info{version=\"1\"} 1\n"},
    {"no TYPE", "# HELP dnsprobe_build_info h\ndnsprobe_build_info 1\n"},
    {"no value",
     "# HELP dnsprobe_build_info h\n# TYPE dnsprobe_build_info gauge\n"
     "dnsprobe_build_info{version=\"1\"} one\n"},
    {"families missing",
     "# HELP dnsprobe_build_info h\n# TYPE dnsprobe_build_info gauge\n"
     "dnsprobe_build_info{version=\"1\"} 1\n"},
};

START_TEST(test_exposition_checker_rejects)
{
  int counts[NFAMILIES];
  char why[1200];

  ck_assert_msg(
      !check_exposition(bad_expositions[_i].text, counts, why, sizeof(why)),
      "checker case %s: accepted", bad_expositions[_i].name);
}
END_TEST

/* --- Atomic output -------------------------------------------------------- */

enum prep
{
  PREP_NONE,
  PREP_OLD,    /* an old report at the path */
  PREP_DIR,    /* a directory at the path */
  PREP_NOTDIR, /* a file where the directory should be */
};

enum how
{
  HOW_HERE,     /* in this process */
  HOW_READONLY, /* directory 0555, as nobody when root */
  HOW_FSIZE,    /* with RLIMIT_FSIZE of 100 bytes */
  HOW_CHDIR,    /* path relative to the directory, as its cwd */
};

#define OLD_REPORT "old report\n"

static const struct
{
  const char *name;
  enum prep prep;
  const char *rel; /* path in the test directory */
  enum how how;
  mode_t umask;
  dp_status_t want;
  mode_t mode;         /* of the new file, when want is DP_OK */
  const char *entries; /* the directory afterwards */
} out_cases[] = {
    {"new file", PREP_NONE, "out.prom", HOW_HERE, 022, DP_OK, 0644, "out.prom"},
    {"replace an old file", PREP_OLD, "out.prom", HOW_HERE, 022, DP_OK, 0644,
     "out.prom"},
    {"umask 027", PREP_NONE, "out.prom", HOW_HERE, 027, DP_OK, 0640,
     "out.prom"},
    {"umask 077 over an old file", PREP_OLD, "out.prom", HOW_HERE, 077, DP_OK,
     0600, "out.prom"},
    {"relative path", PREP_OLD, "out.prom", HOW_CHDIR, 022, DP_OK, 0644,
     "out.prom"},
    {"directory does not exist", PREP_NONE, "missing/out.prom", HOW_HERE, 022,
     DP_EIO, 0, ""},
    {"parent is a file", PREP_NOTDIR, "file/out.prom", HOW_HERE, 022, DP_EIO, 0,
     "file"},
    {"read-only directory", PREP_OLD, "out.prom", HOW_READONLY, 022, DP_EIO, 0,
     "out.prom"},
    {"write fails half-way", PREP_OLD, "out.prom", HOW_FSIZE, 022, DP_EIO, 0,
     "out.prom"},
    {"path is a directory", PREP_DIR, "out.prom", HOW_HERE, 022, DP_EIO, 0,
     "out.prom"},
    {"path ends in a slash", PREP_NONE, "out.prom/", HOW_HERE, 022, DP_EINVAL,
     0, ""},
};

/*
 * Lower RLIMIT_FSIZE to 100 bytes (SIGXFSZ ignored, so a write past it
 * fails with EFBIG) or put it back. Only the soft limit moves, so it can be
 * raised again.
 */
static void small_files(bool on)
{
  static struct rlimit saved;
  static void (*saved_handler)(int);

  if (on)
  {
    struct rlimit rl;
    ck_assert_msg(getrlimit(RLIMIT_FSIZE, &saved) == 0, "getrlimit failed");
    rl = saved;
    rl.rlim_cur = 100;
    saved_handler = signal(SIGXFSZ, SIG_IGN);
    ck_assert_msg(setrlimit(RLIMIT_FSIZE, &rl) == 0, "setrlimit failed");
  }
  else
  {
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, saved_handler);
  }
}

/*
 * Write the report in the way a case asks. Everything it changes in the
 * process (mode of dir, effective uid, file size limit, working directory)
 * is put back before it returns, so it needs no child process.
 */
static dp_status_t write_as(const char *path, const struct dp_run *run,
                            enum how how, const char *dir)
{
  dp_status_t st;

  switch (how)
  {
  case HOW_HERE:
    break;
  case HOW_READONLY: {
    bool root = geteuid() == 0;
    ck_assert_msg(chmod(dir, 0555) == 0, "chmod failed");
    /* Root writes anywhere: be nobody for the attempt. */
    if (root)
      ck_assert_msg(setegid(65534) == 0 && seteuid(65534) == 0,
                    "cannot become nobody: %s", strerror(errno));
    st = dp_report_write_file(path, DP_FORMAT_PROMETHEUS, run, NULL, &options);
    if (root)
      ck_assert_msg(seteuid(0) == 0 && setegid(0) == 0,
                    "cannot become root again");
    chmod(dir, 0755);
    return st;
  }
  case HOW_FSIZE:
    small_files(true);
    st = dp_report_write_file(path, DP_FORMAT_PROMETHEUS, run, NULL, &options);
    small_files(false);
    return st;
  case HOW_CHDIR: {
    int cwd = open(".", O_RDONLY | O_DIRECTORY);
    ck_assert_msg(cwd >= 0 && chdir(dir) == 0, "chdir failed");
    st = dp_report_write_file(strrchr(path, '/') + 1, DP_FORMAT_PROMETHEUS, run,
                              NULL, &options);
    ck_assert_msg(fchdir(cwd) == 0, "cannot go back to the old directory");
    close(cwd);
    return st;
  }
  }
  return dp_report_write_file(path, DP_FORMAT_PROMETHEUS, run, NULL, &options);
}

START_TEST(test_output_file)
{
  const char *name = out_cases[_i].name;
  struct dp_run run;
  char path[512], entries[1024];

  build_run(&run, RUN_TWO);
  char *want = render_ok(name, &run, DP_FORMAT_PROMETHEUS);
  char *dir = make_dir();
  /* The read-only case may run as nobody: let it into the directory. */
  ck_assert_msg(chmod(dir, 0755) == 0, "%s: chmod failed", name);
  snprintf(path, sizeof(path), "%s/%s", dir, out_cases[_i].rel);
  char plain[512];
  snprintf(plain, sizeof(plain), "%s/out.prom", dir);
  if (out_cases[_i].prep == PREP_OLD)
    write_file(plain, OLD_REPORT);
  else if (out_cases[_i].prep == PREP_DIR)
    ck_assert_msg(mkdir(plain, 0755) == 0, "%s: mkdir failed", name);
  else if (out_cases[_i].prep == PREP_NOTDIR)
  {
    char file[512];
    snprintf(file, sizeof(file), "%s/file", dir);
    write_file(file, "not a directory\n");
  }

  mode_t old_mask = umask(out_cases[_i].umask);
  dp_status_t st = write_as(path, &run, out_cases[_i].how, dir);
  umask(old_mask);

  ck_assert_msg(st == out_cases[_i].want, "%s: status %d (%s), want %d", name,
                (int)st, dp_strerror(st), (int)out_cases[_i].want);
  list_dir(dir, entries, sizeof(entries));
  ck_assert_msg(strcmp(entries, out_cases[_i].entries) == 0,
                "%s: directory holds [%s], want [%s]", name, entries,
                out_cases[_i].entries);
  char *got = read_file(plain);
  if (out_cases[_i].want == DP_OK)
  {
    struct stat sb;
    ck_assert_msg(got != NULL && strcmp(got, want) == 0,
                  "%s: the file is not the report", name);
    ck_assert_msg(stat(plain, &sb) == 0 &&
                      (sb.st_mode & 0777) == out_cases[_i].mode,
                  "%s: mode %03o, want %03o", name,
                  (unsigned)(sb.st_mode & 0777), (unsigned)out_cases[_i].mode);
  }
  else if (out_cases[_i].prep == PREP_OLD)
    ck_assert_msg(got != NULL && strcmp(got, OLD_REPORT) == 0,
                  "%s: the old file was changed", name);
  free(got);
  remove_dir(dir);
  free(dir);
  free(want);
  dp_run_clear(&run);
}
END_TEST

/* Every format through a file is the same bytes as through a stream. */
START_TEST(test_output_every_format)
{
  dp_format_t f = (dp_format_t)_i;
  const char *name = dp_report_format_tostr(f);
  struct dp_run run;
  char path[512];

  build_run(&run, RUN_TWO);
  char *want = render_ok(name, &run, f);
  char *dir = make_dir();
  snprintf(path, sizeof(path), "%s/report", dir);
  dp_status_t st = dp_report_write_file(path, f, &run, NULL, &options);
  ck_assert_msg(st == DP_OK, "%s: status %d", name, (int)st);
  char *got = read_file(path);
  ck_assert_msg(got != NULL && strcmp(got, want) == 0,
                "%s: file differs from the stream", name);
  free(got);
  remove_dir(dir);
  free(dir);
  free(want);
  dp_run_clear(&run);
}
END_TEST

/* What a reader sees while a report is being written, then after. */
static const struct
{
  const char *name;
  bool commit;
} stage_cases[] = {
    {"committed", true},
    {"abandoned", false},
};

START_TEST(test_output_stages)
{
  const char *name = stage_cases[_i].name;
  char path[512], entries[1024];
  char *dir = make_dir();
  dp_report_output_t *o = NULL;

  snprintf(path, sizeof(path), "%s/out.prom", dir);
  write_file(path, OLD_REPORT);
  ck_assert_msg(dp_report_output_create(path, &o) == DP_OK && o != NULL,
                "%s: create failed", name);
  FILE *fp = dp_report_output_fp(o);
  ck_assert_msg(fp != NULL, "%s: no stream", name);
  fputs("new report\n", fp);
  fflush(fp);

  char *got = read_file(path);
  ck_assert_msg(got != NULL && strcmp(got, OLD_REPORT) == 0,
                "%s: a reader sees the report before it is complete", name);
  free(got);
  list_dir(dir, entries, sizeof(entries));
  ck_assert_msg(strncmp(entries, ".out.prom.", 10) == 0 &&
                    strstr(entries, " out.prom") != NULL,
                "%s: while writing the directory holds [%s]", name, entries);

  if (stage_cases[_i].commit)
    ck_assert_msg(dp_report_output_commit(o) == DP_OK, "%s: commit failed",
                  name);
  else
    dp_report_output_destroy(o);
  got = read_file(path);
  ck_assert_msg(got != NULL &&
                    strcmp(got, stage_cases[_i].commit ? "new report\n"
                                                       : OLD_REPORT) == 0,
                "%s: the file holds '%s'", name, got != NULL ? got : "");
  free(got);
  list_dir(dir, entries, sizeof(entries));
  ck_assert_msg(strcmp(entries, "out.prom") == 0,
                "%s: afterwards the directory holds [%s]", name, entries);
  remove_dir(dir);
  free(dir);
}
END_TEST

/* A write that fails only when commit flushes it: commit must say so, keep
 * the old file and remove the temporary one. */
START_TEST(test_output_commit_fails)
{
  char path[512], entries[1024];
  char *dir = make_dir();
  dp_report_output_t *o = NULL;

  snprintf(path, sizeof(path), "%s/out.prom", dir);
  write_file(path, OLD_REPORT);
  ck_assert_msg(dp_report_output_create(path, &o) == DP_OK,
                "commit fails: create failed");
  /* Less than stdio's buffer: nothing reaches the file before commit. */
  for (int i = 0; i < 30; i++)
    fputs("0123456789\n", dp_report_output_fp(o));
  small_files(true);
  dp_status_t st = dp_report_output_commit(o);
  small_files(false);
  ck_assert_msg(st == DP_EIO, "commit fails: status %d, want %d", (int)st,
                (int)DP_EIO);
  char *got = read_file(path);
  ck_assert_msg(got != NULL && strcmp(got, OLD_REPORT) == 0,
                "commit fails: the old file was changed");
  free(got);
  list_dir(dir, entries, sizeof(entries));
  ck_assert_msg(strcmp(entries, "out.prom") == 0,
                "commit fails: the directory holds [%s]", entries);
  remove_dir(dir);
  free(dir);
}
END_TEST

static const struct
{
  const char *name;
  const char *path;
} bad_paths[] = {
    {"NULL path", NULL},
    {"empty path", ""},
    {"a directory's name", "/tmp/"},
};

START_TEST(test_output_bad_args)
{
  struct dp_run run;
  dp_report_output_t *o = (dp_report_output_t *)&run;

  build_run(&run, RUN_OK);
  ck_assert_msg(dp_report_output_create(bad_paths[_i].path, &o) == DP_EINVAL &&
                    o == NULL,
                "%s: create accepted it", bad_paths[_i].name);
  ck_assert_msg(dp_report_write_file(bad_paths[_i].path, DP_FORMAT_JSON, &run,
                                     NULL, NULL) == DP_EINVAL,
                "%s: write_file accepted it", bad_paths[_i].name);
  ck_assert_msg(dp_report_write_file("/tmp/x", DP_FORMAT_COUNT, &run, NULL,
                                     NULL) == DP_EINVAL,
                "%s: unknown format accepted", bad_paths[_i].name);
  ck_assert_msg(dp_report_output_commit(NULL) == DP_EINVAL, "%s: commit(NULL)",
                bad_paths[_i].name);
  dp_report_output_destroy(NULL);
  ck_assert_msg(dp_report_output_fp(NULL) == NULL, "%s: fp(NULL)",
                bad_paths[_i].name);
  dp_run_clear(&run);
}
END_TEST

static Suite *formats_suite(void)
{
  Suite *s = suite_create("formats");
  TCase *tc = tcase_create("formats");

  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, test_format_names, 0, N(names));
  tcase_add_loop_test(tc, test_jsonl_matches_json, 0, N(jsonl_cases));
  tcase_add_loop_test(tc, test_write_target, 0, DP_FORMAT_COUNT);
  tcase_add_loop_test(tc, test_junit_parses, 0, N(junit_cases));
  tcase_add_test(tc, test_junit_escaping);
  tcase_add_loop_test(tc, test_nagios, 0, N(nagios_cases));
  tcase_add_loop_test(tc, test_prometheus, 0, N(prom_cases));
  tcase_add_test(tc, test_dnssec_members);
  tcase_add_loop_test(tc, test_promtool, 0, N(prom_cases));
  tcase_add_loop_test(tc, test_exposition_checker_rejects, 0,
                      N(bad_expositions));
  tcase_add_loop_test(tc, test_output_file, 0, N(out_cases));
  tcase_add_loop_test(tc, test_output_every_format, 0, DP_FORMAT_COUNT);
  tcase_add_loop_test(tc, test_output_stages, 0, N(stage_cases));
  tcase_add_loop_test(tc, test_output_bad_args, 0, N(bad_paths));
  tcase_add_test(tc, test_output_commit_fails);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(formats_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
