/*
 * records.c: dnsprobe's JSON-lines reports read back, a line at a time,
 * each line read whole up to a bound and parsed by the strict JSON reader.
 *
 * Invariants: a line never takes more than DP_CLI_RECORD_MAX bytes of
 * memory (the rest of a longer one is skipped); r->offset and r->next count
 * the bytes read, so a caller can cut a file back to the start of a line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

#define CHUNK 65536 /* first size of the line buffer */

void dp_cli_records_init(struct dp_cli_records *r, FILE *in, const char *path)
{
  memset(r, 0, sizeof(*r));
  r->in = in;
  r->path = path;
}

void dp_cli_records_free(struct dp_cli_records *r)
{
  if (r == NULL)
    return;
  free(r->buf);
  r->buf = NULL;
  r->len = r->cap = 0;
}

/* Append n bytes to the line; false when it would pass the bound or memory
 * fails (*over says which). */
static bool line_add(struct dp_cli_records *r, const char *s, size_t n,
                     bool *over)
{
  if (r->len + n + 1 > DP_CLI_RECORD_MAX)
  {
    *over = true;
    return false;
  }
  if (r->len + n + 1 > r->cap)
  {
    size_t cap = r->cap ? r->cap : CHUNK;
    while (cap < r->len + n + 1)
      cap *= 2;
    char *grown = realloc(r->buf, cap);
    if (grown == NULL)
      return false;
    r->buf = grown;
    r->cap = cap;
  }
  memcpy(r->buf + r->len, s, n);
  r->len += n;
  r->buf[r->len] = '\0';
  return true;
}

/* Read one line into r->buf (without its newline), byte by byte so that
 * a NUL in it is counted like any byte. Returns DP_OK, DP_EOF, DP_ERANGE
 * (too long: the rest was skipped), DP_ENOMEM or DP_EIO. */
static dp_status_t read_line(struct dp_cli_records *r)
{
  char chunk[4096];
  size_t n = 0;
  bool over = false, any = false;
  dp_status_t st = DP_OK;
  int c;

  r->len = 0;
  r->terminated = false;
  r->offset = r->next;
  /* each turn consumes one byte of the stream: bounded by the file */
  while ((c = getc_unlocked(r->in)) != EOF)
  {
    any = true;
    r->next++;
    if (c == '\n')
    {
      r->terminated = true;
      break;
    }
    chunk[n++] = (char)c;
    if (n == sizeof(chunk))
    {
      if (st == DP_OK && !line_add(r, chunk, n, &over))
        st = over ? DP_ERANGE : DP_ENOMEM;
      n = 0;
    }
  }
  if (st == DP_OK && (n > 0 || r->buf == NULL) && !line_add(r, chunk, n, &over))
    st = over ? DP_ERANGE : DP_ENOMEM;
  if (ferror(r->in))
    return DP_EIO;
  if (!any)
    return DP_EOF;
  r->line++;
  return st;
}

static bool blank(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
      return false;
  return true;
}

dp_status_t dp_cli_records_next(struct dp_cli_records *r, struct dp_jsonr *doc,
                                char *err, size_t errcap)
{
  memset(doc, 0, sizeof(*doc));
  for (;;) /* skips blank lines: bounded by the file */
  {
    dp_status_t st = read_line(r);
    if (st == DP_EOF)
      return DP_EOF;
    if (st == DP_EIO)
    {
      snprintf(err, errcap, "cannot read '%s': %s", r->path, strerror(errno));
      return st;
    }
    if (st == DP_ENOMEM)
    {
      snprintf(err, errcap, "%s:%zu: out of memory", r->path, r->line);
      return st;
    }
    if (st == DP_ERANGE)
    {
      snprintf(err, errcap, "%s:%zu: line longer than %u bytes", r->path,
               r->line, DP_CLI_RECORD_MAX);
      return st;
    }
    if (r->len > 0 && !blank(r->buf, r->len))
      break;
  }
  if (strlen(r->buf) != r->len)
  {
    snprintf(err, errcap, "%s:%zu: not a dnsprobe record (a NUL byte)", r->path,
             r->line);
    return DP_EINVAL;
  }
  dp_status_t st = dp_jsonr_parse(doc, r->buf, r->len, DP_CLI_RECORD_TOKENS);
  if (st == DP_ENOMEM)
  {
    snprintf(err, errcap, "%s:%zu: out of memory", r->path, r->line);
    return st;
  }
  if (st != DP_OK)
  {
    snprintf(err, errcap, "%s:%zu: not a dnsprobe record: %s at byte %zu",
             r->path, r->line, doc->error ? doc->error : "too large",
             doc->error_at + 1);
    return DP_EINVAL;
  }
  size_t schema = dp_jsonr_member(doc, 0, "schema");
  if (!dp_jsonr_string_is(doc, schema, DP_CLI_SCHEMA) &&
      !dp_jsonr_string_is(doc, schema, DP_CLI_SCHEMA_BRIEF))
  {
    snprintf(err, errcap,
             "%s:%zu: not a dnsprobe record (no \"schema\": \"%s\" or "
             "\"%s\")",
             r->path, r->line, DP_CLI_SCHEMA, DP_CLI_SCHEMA_BRIEF);
    return DP_EINVAL;
  }
  return DP_OK;
}

static bool member_string(const struct dp_jsonr *doc, const char *key,
                          char *out, size_t cap)
{
  return dp_jsonr_string(doc, dp_jsonr_member(doc, 0, key), out, cap) == DP_OK;
}

dp_status_t dp_cli_record_read(const struct dp_jsonr *doc,
                               struct dp_cli_record *rec, const char **why)
{
  static const char *const health[] = {"ok", "warning", "critical", "unknown"};
  double port = 0;
  memset(rec, 0, sizeof(*rec));
  *why = NULL;
  if (!member_string(doc, "target", rec->target, sizeof(rec->target)))
    *why = "target";
  else if (!member_string(doc, "address", rec->address, sizeof(rec->address)))
    *why = "address";
  else if (dp_jsonr_number(doc, dp_jsonr_member(doc, 0, "port"), &port) !=
               DP_OK ||
           port < 0 || port > 65535 || port != (double)(uint16_t)port)
    *why = "port";
  else if (!member_string(doc, "zone", rec->zone, sizeof(rec->zone)))
    *why = "zone";
  if (*why != NULL)
    return DP_EINVAL;
  rec->port = (uint16_t)port;
  size_t st = dp_jsonr_member(doc, 0, "status");
  size_t k = 0;
  while (k < 4 && !dp_jsonr_string_is(doc, st, health[k]))
    k++;
  if (k == 4)
  {
    *why = "status";
    return DP_EINVAL;
  }
  rec->status = (dp_health_t)k;
  rec->duration_ms = -1.0;
  if (dp_jsonr_number(doc, dp_jsonr_member(doc, 0, "duration_ms"),
                      &rec->duration_ms) != DP_OK)
    rec->duration_ms = -1.0;
  return DP_OK;
}
