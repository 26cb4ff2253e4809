/*
 * targets.c: target files (-f FILE) for fleets. One TARGET per line, as on
 * the command line, optionally followed by the zone to test on it; '#'
 * starts a comment; blank lines are skipped. Every bad line is an error that
 * names the file and the line, so nothing is sent for a half-read list.
 * Lines are read with a bound (4 KiB); the file may be any size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define LINE_MAX_BYTES 4096

static bool fail_at(char *err, size_t errcap, const char *path, size_t line,
                    const char *what)
{
  snprintf(err, errcap, "%s:%zu: %s", path, line, what);
  return false;
}

static bool append(struct dp_cli_config *cfg, struct dp_cli_target *t)
{
  struct dp_cli_target *grown =
      realloc(cfg->targets, (cfg->ntargets + 1) * sizeof(*cfg->targets));
  if (grown == NULL)
    return false;
  cfg->targets = grown;
  cfg->targets[cfg->ntargets++] = *t;
  return true;
}

bool dp_cli_read_targets(const char *path, FILE *in, struct dp_cli_config *cfg,
                         char *err, size_t errcap)
{
  char buf[LINE_MAX_BYTES + 2];
  size_t line = 0, before = cfg->ntargets;

  if (in == NULL)
  {
    snprintf(err, errcap, "cannot read '%s': %s", path, strerror(errno));
    return false;
  }
  while (fgets(buf, sizeof(buf), in) != NULL)
  {
    line++;
    size_t n = strlen(buf);
    if (n == sizeof(buf) - 1 && buf[n - 1] != '\n')
      return fail_at(err, errcap, path, line, "line longer than 4096 bytes");
    char *hash = strchr(buf, '#');
    if (hash)
      *hash = '\0';
    char *save = NULL;
    char *target = strtok_r(buf, " \t\r\n", &save);
    if (target == NULL)
      continue;
    char *zone = strtok_r(NULL, " \t\r\n", &save);
    if (strtok_r(NULL, " \t\r\n", &save) != NULL)
      return fail_at(err, errcap, path, line,
                     "more than a target and a zone on the line");

    char why[256], msg[320];
    struct dp_cli_target t;
    memset(&t, 0, sizeof(t));
    if (!dp_cli_target_parse(target, &t, why, sizeof(why)))
    {
      snprintf(msg, sizeof(msg), "%s", why);
      return fail_at(err, errcap, path, line, msg);
    }
    if (zone != NULL)
    {
      char canon[DP_WIRE_NAME_STRLEN];
      dp_status_t st = dp_wire_name_canon(zone, canon, sizeof(canon));
      if (st != DP_OK || (t.zone = strdup(canon)) == NULL)
      {
        free(t.given);
        free(t.host);
        snprintf(msg, sizeof(msg), "zone '%.64s': %s", zone,
                 st != DP_OK ? dp_strerror(st) : "out of memory");
        return fail_at(err, errcap, path, line, msg);
      }
    }
    if (!append(cfg, &t))
    {
      free(t.given);
      free(t.host);
      free(t.zone);
      return fail_at(err, errcap, path, line, "out of memory");
    }
  }
  if (ferror(in))
  {
    snprintf(err, errcap, "cannot read '%s': %s", path, strerror(errno));
    return false;
  }
  if (cfg->ntargets == before)
  {
    snprintf(err, errcap, "'%s': no targets in the file", path);
    return false;
  }
  return true;
}
