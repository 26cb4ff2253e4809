/*
 * summarize.c: `dnsprobe summarize`: reads dnsprobe's JSON-lines reports
 * (schema dnsprobe/1 or dnsprobe-brief/1; several files, standard input as
 * "-") and writes what a fleet looks like: targets by status and role, the
 * most common root causes, the software, the slowest targets, and how many
 * records name a target another record already named (shards that overlap,
 * a run appended twice).
 *
 * Invariants: memory grows with the distinct keys it counts, not with the
 * records: at most KEYS_MAX causes, software names and roles each (the rest
 * is counted as "(other)"), the --top slowest targets, and 16 bytes a
 * record for the duplicate check. Every line is read through the bounded
 * record reader; any line that is not a record ends the command (exit 3)
 * with one line on err, except a torn last line, which is noted and
 * skipped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/json.h"
#include "options.h"
#include "records.h"
#include "summarize.h"

#define KEYS_MAX 256
#define KEY_LEN 64
#define TOP_DEFAULT 10
#define TOP_MAX 1000

struct tally
{
  char key[KEY_LEN];
  size_t count;
  int worst; /* causes: the worst severity seen, 0-3 */
};

struct tallies
{
  struct tally t[KEYS_MAX + 1]; /* the last one is "(other)" */
  size_t n;
  size_t other;
};

struct slow
{
  char target[DP_CLI_RECORD_TARGET];
  char address[64];
  unsigned port;
  char zone[256];
  dp_health_t status;
  double ms;
};

struct summary
{
  dp_format_t format;
  size_t top;
  size_t files, records, torn, duplicates;
  size_t status[4];
  struct tallies roles, causes, software;
  struct slow *slowest; /* top of them, slowest first */
  size_t nslow;
  /* the duplicate check: keys of the records seen (open addressing) */
  uint64_t *seen;
  size_t seen_cap, seen_used;
};

static int usage_error(FILE *err, const char *msg)
{
  return dp_cli_error(err, "summarize", "%s (try dnsprobe --help)", msg);
}

/* Count key once more in t; severity is kept for causes. */
static void tally_add(struct tallies *t, const char *key, int severity)
{
  size_t i = 0;
  while (i < t->n && strcmp(t->t[i].key, key) != 0)
    i++;
  if (i == t->n)
  {
    if (t->n == KEYS_MAX)
    {
      t->other++;
      return;
    }
    snprintf(t->t[i].key, sizeof(t->t[i].key), "%s", key);
    t->t[i].worst = -1;
    t->n++;
  }
  t->t[i].count++;
  if (severity > t->t[i].worst)
    t->t[i].worst = severity;
}

static int tally_cmp(const void *a, const void *b)
{
  const struct tally *x = a, *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp(x->key, y->key);
}

/* Whether this record's target was seen before; remembers it. */
static bool seen_before(struct summary *s, const struct dp_cli_record *rec)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  char port[8];
  snprintf(port, sizeof(port), "%u", (unsigned)rec->port);
  const char *parts[4] = {rec->target, rec->address, port, rec->zone};
  for (size_t k = 0; k < 4; k++)
  {
    const unsigned char *p = (const unsigned char *)parts[k];
    do
    {
      h ^= *p;
      h *= 0x100000001b3ULL;
    } while (*p++ != '\0');
  }
  if (h == 0)
    h = 1;
  if ((s->seen_used + 1) * 2 > s->seen_cap)
  {
    size_t cap = s->seen_cap ? s->seen_cap * 2 : 4096;
    uint64_t *grown = calloc(cap, sizeof(*grown));
    if (grown == NULL)
      return false; /* not counted: the summary is still right otherwise */
    for (size_t i = 0; i < s->seen_cap; i++)
      if (s->seen[i] != 0)
      {
        size_t j = (size_t)(s->seen[i] ^ (s->seen[i] >> 29)) & (cap - 1);
        while (grown[j] != 0)
          j = (j + 1) & (cap - 1);
        grown[j] = s->seen[i];
      }
    free(s->seen);
    s->seen = grown;
    s->seen_cap = cap;
  }
  size_t j = (size_t)(h ^ (h >> 29)) & (s->seen_cap - 1);
  while (s->seen[j] != 0 && s->seen[j] != h)
    j = (j + 1) & (s->seen_cap - 1);
  if (s->seen[j] == h)
    return true;
  s->seen[j] = h;
  s->seen_used++;
  return false;
}

static int severity_of(const struct dp_jsonr *doc, size_t tok)
{
  static const char *const names[] = {"ok", "info", "warning", "critical"};
  for (int k = 0; k < 4; k++)
    if (dp_jsonr_string_is(doc, tok, names[k]))
      return k;
  return -1;
}

/* A string member of obj as a tally key; "unknown" when absent or null. */
static void key_of(const struct dp_jsonr *doc, size_t tok, char *out,
                   size_t cap)
{
  if (dp_jsonr_string(doc, tok, out, cap) != DP_OK || out[0] == '\0')
    snprintf(out, cap, "unknown");
}

static void add_slow(struct summary *s, const struct dp_cli_record *rec)
{
  if (rec->duration_ms < 0 || s->top == 0)
    return;
  size_t at = s->nslow;
  while (at > 0 && s->slowest[at - 1].ms < rec->duration_ms)
    at--;
  if (at >= s->top)
    return;
  size_t keep = s->nslow < s->top ? s->nslow : s->top - 1;
  memmove(&s->slowest[at + 1], &s->slowest[at],
          (keep - at) * sizeof(s->slowest[0]));
  struct slow *w = &s->slowest[at];
  snprintf(w->target, sizeof(w->target), "%s", rec->target);
  snprintf(w->address, sizeof(w->address), "%s", rec->address);
  w->port = rec->port;
  snprintf(w->zone, sizeof(w->zone), "%s", rec->zone);
  w->status = rec->status;
  w->ms = rec->duration_ms;
  if (s->nslow < s->top)
    s->nslow++;
}

static void add_record(struct summary *s, const struct dp_jsonr *doc,
                       const struct dp_cli_record *rec)
{
  char key[KEY_LEN];
  s->records++;
  s->status[rec->status]++;
  if (seen_before(s, rec))
    s->duplicates++;
  key_of(doc, dp_jsonr_member(doc, 0, "role"), key, sizeof(key));
  tally_add(&s->roles, key, -1);
  /* full records: software {name, ...} or null; brief ones the same */
  key_of(doc, dp_jsonr_member(doc, dp_jsonr_member(doc, 0, "software"), "name"),
         key, sizeof(key));
  tally_add(&s->software, key, -1);
  size_t diag = dp_jsonr_member(doc, 0, "diagnosis");
  for (size_t k = 0;; k++) /* bounded by the array's length */
  {
    size_t c = dp_jsonr_element(doc, diag, k);
    if (c == DP_JSONR_NONE)
      break;
    key_of(doc, dp_jsonr_member(doc, c, "cause"), key, sizeof(key));
    tally_add(&s->causes, key,
              severity_of(doc, dp_jsonr_member(doc, c, "severity")));
  }
  add_slow(s, rec);
}

/* Read one file's records into s. Returns 0 or the exit code of a
 * failure (its line written to err). */
static int read_file(struct summary *s, const char *path, FILE *err)
{
  bool is_stdin = strcmp(path, "-") == 0;
  const char *name = is_stdin ? "standard input" : path;
  FILE *in = is_stdin ? stdin : fopen(path, "r");
  char msg[1024];
  if (in == NULL)
  {
    snprintf(msg, sizeof(msg), "cannot read '%s'", path);
    return dp_cli_error(err, "summarize", "%s: %s", msg, strerror(errno));
  }
  struct dp_cli_records rd;
  struct dp_jsonr doc;
  struct dp_cli_record rec;
  dp_status_t st;
  int rc = DP_EXIT_OK;
  dp_cli_records_init(&rd, in, name);
  s->files++;
  /* each turn reads one line: bounded by the file */
  while ((st = dp_cli_records_next(&rd, &doc, msg, sizeof(msg))) != DP_EOF)
  {
    const char *why = NULL;
    if (st == DP_OK && dp_cli_record_read(&doc, &rec, &why) != DP_OK)
    {
      snprintf(msg, sizeof(msg),
               "%s:%zu: not a dnsprobe record (no valid "
               "\"%s\")",
               name, rd.line, why);
      st = DP_EINVAL;
    }
    if (st == DP_OK)
      add_record(s, &doc, &rec);
    dp_jsonr_free(&doc);
    if ((st == DP_EINVAL || st == DP_ERANGE) && !rd.terminated)
    {
      /* a run killed in the middle of its last line */
      fprintf(err, "dnsprobe: summarize: %s:%zu: a torn last line, skipped\n",
              name, rd.line);
      s->torn++;
      break;
    }
    if (st != DP_OK)
    {
      rc = dp_cli_error(err, "summarize", "%s", msg);
      break;
    }
  }
  dp_cli_records_free(&rd);
  if (!is_stdin)
    fclose(in);
  return rc;
}

static void write_text(FILE *out, const struct summary *s)
{
  static const char *const status_names[] = {"ok", "warning", "critical",
                                             "unknown"};
  static const char *const sev[] = {"ok", "info", "warning", "critical"};
  fprintf(out, "fleet: %zu targets in %zu file%s", s->records, s->files,
          s->files == 1 ? "" : "s");
  if (s->torn > 0)
    fprintf(out, " (%zu torn last line%s skipped)", s->torn,
            s->torn == 1 ? "" : "s");
  fputs("\n\nby status:\n", out);
  for (size_t k = 0; k < 4; k++)
    fprintf(out, "  %-24s %8zu\n", status_names[k], s->status[k]);
  fputs("\nroles:\n", out);
  for (size_t i = 0; i < s->roles.n; i++)
    fprintf(out, "  %-24s %8zu\n", s->roles.t[i].key, s->roles.t[i].count);
  fputs("\nmost common root causes (targets):\n", out);
  if (s->causes.n == 0)
    fputs("  none\n", out);
  for (size_t i = 0; i < s->causes.n && i < s->top; i++)
    fprintf(out, "  %-24s %8zu  %s\n", s->causes.t[i].key, s->causes.t[i].count,
            s->causes.t[i].worst >= 0 ? sev[s->causes.t[i].worst] : "");
  fputs("\nsoftware:\n", out);
  for (size_t i = 0; i < s->software.n; i++)
    fprintf(out, "  %-24s %8zu\n", s->software.t[i].key,
            s->software.t[i].count);
  if (s->software.other > 0)
    fprintf(out, "  %-24s %8zu\n", "(other)", s->software.other);
  fputs("\nslowest targets:\n", out);
  for (size_t i = 0; i < s->nslow; i++)
  {
    const struct slow *w = &s->slowest[i];
    char ep[96];
    snprintf(ep, sizeof(ep), strchr(w->address, ':') ? "[%s]:%u" : "%s:%u",
             w->address, w->port);
    fprintf(out, "  %10.1f ms  %-8s  %s  %s  (%s)\n", w->ms,
            status_names[w->status], ep, w->zone, w->target);
  }
  fprintf(out, "\nduplicate records (a target recorded again): %zu\n",
          s->duplicates);
}

static void json_tallies(dp_json_t *w, const char *key, const char *name,
                         const struct tallies *t, size_t max, bool severity)
{
  static const char *const sev[] = {"ok", "info", "warning", "critical"};
  dp_json_key(w, key);
  dp_json_array_begin(w);
  for (size_t i = 0; i < t->n && i < max; i++)
  {
    dp_json_object_begin(w);
    dp_json_key(w, name);
    dp_json_string(w, t->t[i].key);
    if (severity)
    {
      dp_json_key(w, "severity");
      dp_json_string(w, t->t[i].worst >= 0 ? sev[t->t[i].worst] : NULL);
    }
    dp_json_key(w, "targets");
    dp_json_uint(w, t->t[i].count);
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
}

static dp_status_t write_json(FILE *out, const struct summary *s)
{
  static const char *const status_names[] = {"ok", "warning", "critical",
                                             "unknown"};
  dp_json_t w;
  dp_json_init(&w, out, true);
  dp_json_object_begin(&w);
  dp_json_key(&w, "schema");
  dp_json_string(&w, "dnsprobe-summary/1");
  dp_json_key(&w, "files");
  dp_json_uint(&w, s->files);
  dp_json_key(&w, "targets");
  dp_json_uint(&w, s->records);
  dp_json_key(&w, "torn");
  dp_json_uint(&w, s->torn);
  dp_json_key(&w, "duplicates");
  dp_json_uint(&w, s->duplicates);
  dp_json_key(&w, "status");
  dp_json_object_begin(&w);
  for (size_t k = 0; k < 4; k++)
  {
    dp_json_key(&w, status_names[k]);
    dp_json_uint(&w, s->status[k]);
  }
  dp_json_object_end(&w);
  json_tallies(&w, "roles", "role", &s->roles, KEYS_MAX, false);
  json_tallies(&w, "causes", "cause", &s->causes, s->top, true);
  json_tallies(&w, "software", "name", &s->software, KEYS_MAX, false);
  dp_json_key(&w, "slowest");
  dp_json_array_begin(&w);
  for (size_t i = 0; i < s->nslow; i++)
  {
    const struct slow *x = &s->slowest[i];
    dp_json_object_begin(&w);
    dp_json_key(&w, "target");
    dp_json_string(&w, x->target);
    dp_json_key(&w, "address");
    dp_json_string(&w, x->address);
    dp_json_key(&w, "port");
    dp_json_uint(&w, x->port);
    dp_json_key(&w, "zone");
    dp_json_string(&w, x->zone);
    dp_json_key(&w, "status");
    dp_json_string(&w, status_names[x->status]);
    dp_json_key(&w, "duration_ms");
    dp_json_double(&w, x->ms);
    dp_json_object_end(&w);
  }
  dp_json_array_end(&w);
  dp_json_object_end(&w);
  return dp_json_finish(&w);
}

int dp_cli_summarize(int argc, char **argv, FILE *out, FILE *err)
{
  static struct summary s; /* large: kept off the stack */
  int rc = DP_EXIT_OK;
  size_t nfiles = 0;
  bool options_done = false;

  if (out == NULL || err == NULL || argc < 1 || argv == NULL)
    return DP_EXIT_UNKNOWN;
  memset(&s, 0, sizeof(s));
  s.format = DP_FORMAT_TEXT;
  s.top = TOP_DEFAULT;
  /* options first: every argument is looked at once */
  for (int i = 1; i < argc; i++)
  {
    const char *a = argv[i];
    if (options_done || a[0] != '-' || strcmp(a, "-") == 0)
    {
      nfiles++;
      continue;
    }
    if (strcmp(a, "--") == 0)
    {
      options_done = true;
      continue;
    }
    const char *val = NULL;
    bool is_format = strncmp(a, "--format", 8) == 0 || strcmp(a, "-F") == 0;
    bool is_top = strncmp(a, "--top", 5) == 0;
    if (is_format || is_top)
    {
      size_t nl = is_format ? (a[1] == 'F' ? 2 : 8) : 5;
      if (a[nl] == '=')
        val = a + nl + 1;
      else if (a[nl] == '\0' && i + 1 < argc)
        val = argv[++i];
      else if (a[nl] != '\0')
        is_format = is_top = false;
    }
    if (is_format && val != NULL && strcmp(val, "text") == 0)
      s.format = DP_FORMAT_TEXT;
    else if (is_format && val != NULL && strcmp(val, "json") == 0)
      s.format = DP_FORMAT_JSON;
    else if (is_format)
      return usage_error(err, "--format must be text or json");
    else if (is_top && val != NULL)
    {
      char *end = NULL;
      unsigned long v = strtoul(val, &end, 10);
      if (val[0] < '0' || val[0] > '9' || *end != '\0' || v > TOP_MAX)
        return usage_error(err, "--top must be a whole number from 0 to 1000");
      s.top = v;
    }
    else if (is_top)
      return usage_error(err, "--top needs a number");
    else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
    {
      fputs("Usage: dnsprobe summarize [--format text|json] [--top N] "
            "FILE...\n",
            out);
      return fflush(out) == 0 ? DP_EXIT_OK : DP_EXIT_UNKNOWN;
    }
    else
    {
      char q[300];
      dp_quote(q, sizeof(q), a, strlen(a));
      return dp_cli_error(err, "summarize",
                          "unknown option '%s' (try dnsprobe --help)", q);
    }
  }
  if (nfiles == 0)
    return usage_error(err, "no FILE given (\"-\" reads standard input)");
  s.slowest = calloc(s.top ? s.top : 1, sizeof(*s.slowest));
  if (s.slowest == NULL)
    return dp_cli_error(err, "summarize", "out of memory");

  options_done = false;
  for (int i = 1; i < argc && rc == DP_EXIT_OK; i++)
  {
    const char *a = argv[i];
    if (!options_done && strcmp(a, "--") == 0)
    {
      options_done = true;
      continue;
    }
    if (!options_done && a[0] == '-' && strcmp(a, "-") != 0)
    {
      /* an option: skip its separate value */
      if ((strcmp(a, "--format") == 0 || strcmp(a, "-F") == 0 ||
           strcmp(a, "--top") == 0) &&
          i + 1 < argc)
        i++;
      continue;
    }
    rc = read_file(&s, a, err);
  }
  if (rc == DP_EXIT_OK)
  {
    qsort(s.causes.t, s.causes.n, sizeof(s.causes.t[0]), tally_cmp);
    qsort(s.software.t, s.software.n, sizeof(s.software.t[0]), tally_cmp);
    qsort(s.roles.t, s.roles.n, sizeof(s.roles.t[0]), tally_cmp);
    dp_status_t st = DP_OK;
    if (s.format == DP_FORMAT_JSON)
      st = write_json(out, &s);
    else
      write_text(out, &s);
    if (st != DP_OK || ferror(out) || fflush(out) != 0)
      rc = dp_cli_error(err, "summarize", "writing the output failed");
    else
      for (int k = 3; k >= 0 && rc == DP_EXIT_OK; k--)
        if (s.status[k] > 0)
          rc = k;
  }
  free(s.slowest);
  free(s.seen);
  return rc;
}
