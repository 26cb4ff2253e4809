/*
 * targets.c: target files (-f FILE) for fleets, read one line at a time as
 * the run needs them. One TARGET per line, as on the command line,
 * optionally followed by the zone to test on it; '#' starts a comment;
 * blank lines are skipped. A bad line is reported with the file and its
 * line number, and reading goes on after it: the caller decides whether a
 * bad line ends the run (--strict) or not. Lines are read with a bound
 * (4 KiB; the rest of a longer line is skipped); the file may be any size.
 *
 * Shards: a line's shard is FNV-1a 64 of its normalised text (the fields,
 * target and zone as written, joined by one space: no comment, no other
 * white space) modulo N, so every process given the same list agrees on
 * it without talking to the others.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x100000001b3ULL

uint64_t dp_cli_shard_hash(const char *text)
{
  uint64_t h = FNV64_OFFSET;
  for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
  {
    h ^= *p;
    h *= FNV64_PRIME;
  }
  return h;
}

void dp_cli_reader_init(struct dp_cli_reader *rd, FILE *in, const char *path)
{
  memset(rd, 0, sizeof(*rd));
  rd->in = in;
  rd->path = path;
}

static dp_status_t bad_line(struct dp_cli_reader *rd, char *err, size_t errcap,
                            const char *what)
{
  snprintf(err, errcap, "%s:%zu: %s", rd->path, rd->line, what);
  return DP_EINVAL;
}

/* The rest of a line longer than the buffer, up to its newline. */
static void skip_rest(FILE *in)
{
  int c;
  while ((c = getc(in)) != EOF && c != '\n')
    ;
}

dp_status_t dp_cli_reader_next(struct dp_cli_reader *rd,
                               struct dp_cli_target *t, char *err,
                               size_t errcap)
{
  char buf[DP_CLI_LINE_MAX + 2];

  memset(t, 0, sizeof(*t));
  /* each turn reads one line: bounded by the file */
  while (fgets(buf, sizeof(buf), rd->in) != NULL)
  {
    rd->line++;
    size_t n = strlen(buf);
    if (n == sizeof(buf) - 1 && buf[n - 1] != '\n')
    {
      skip_rest(rd->in);
      return bad_line(rd, err, errcap, "line longer than 4096 bytes");
    }
    char *hash = strchr(buf, '#');
    if (hash)
      *hash = '\0';
    char *save = NULL;
    char *target = strtok_r(buf, " \t\r\n", &save);
    if (target == NULL)
      continue;
    char *zone = strtok_r(NULL, " \t\r\n", &save);
    if (strtok_r(NULL, " \t\r\n", &save) != NULL)
      return bad_line(rd, err, errcap,
                      "more than a target and a zone on the line");
    snprintf(rd->norm, sizeof(rd->norm), "%s%s%s", target, zone ? " " : "",
             zone ? zone : "");

    char why[256], msg[320];
    if (!dp_cli_target_parse(target, t, why, sizeof(why)))
      return bad_line(rd, err, errcap, why);
    if (zone != NULL)
    {
      char canon[DP_WIRE_NAME_STRLEN];
      dp_status_t st = dp_wire_name_canon(zone, canon, sizeof(canon));
      if (st != DP_OK || (t->zone = strdup(canon)) == NULL)
      {
        free(t->given);
        free(t->host);
        memset(t, 0, sizeof(*t));
        snprintf(msg, sizeof(msg), "zone '%.64s': %s", zone,
                 st != DP_OK ? dp_strerror(st) : "out of memory");
        return bad_line(rd, err, errcap, msg);
      }
    }
    rd->targets++;
    return DP_OK;
  }
  if (ferror(rd->in))
  {
    snprintf(err, errcap, "cannot read '%s': %s", rd->path, strerror(errno));
    return DP_EIO;
  }
  return DP_EOF;
}

void dp_cli_target_free(struct dp_cli_target *t)
{
  if (t == NULL)
    return;
  free(t->given);
  free(t->host);
  free(t->zone);
  memset(t, 0, sizeof(*t));
}
