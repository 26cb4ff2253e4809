/*
 * output.c: a report written to a file atomically (--output FILE), so that a
 * reader such as node_exporter's textfile collector sees the old file or
 * the complete new one, never a part.
 *
 * How: the report goes to a temporary file made by mkstemp(3) in the same
 * directory as the destination (rename(2) is atomic only within one file
 * system), named ".BASE.XXXXXX" so that a collector globbing *.prom skips
 * it; it gets mode 0644 less the umask, like a file the shell would create;
 * then fflush, fsync(2), fclose and rename over the destination, and a
 * best-effort fsync of the directory so the rename survives a crash.
 *
 * Invariants: once dp_report_output_create has returned DP_OK, exactly one
 * of commit (success) or a failure path removes or renames the temporary
 * file, so none is left behind; the destination is only ever touched by
 * the final rename. On failure errno is the failing call's (saved across
 * the clean-up), so the caller can say why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define TEMP_SUFFIX ".XXXXXX"

struct dp_report_output
{
  char *path; /* the destination */
  char *temp; /* the temporary file, in the same directory */
  char *dir;  /* the directory, for its fsync */
  FILE *fp;
};

static void output_free(dp_report_output_t *o)
{
  free(o->path);
  free(o->temp);
  free(o->dir);
  free(o);
}

/* Close and remove the temporary file; errno is left as it was. */
static void discard(dp_report_output_t *o)
{
  int saved = errno;
  if (o->fp != NULL)
    fclose(o->fp);
  o->fp = NULL;
  unlink(o->temp);
  errno = saved;
}

/* Split path into its directory ("." when none) and ".BASE.XXXXXX". */
static dp_status_t make_names(dp_report_output_t *o, const char *path)
{
  const char *slash = strrchr(path, '/');
  const char *base = slash != NULL ? slash + 1 : path;
  size_t dirlen = slash == NULL   ? 0
                  : slash == path ? 1
                                  : (size_t)(slash - path);

  /* "dir/" names a directory, not a file to replace. */
  if (base[0] == '\0')
  {
    errno = EISDIR;
    return DP_EINVAL;
  }
  o->path = strdup(path);
  o->dir = slash != NULL ? strndup(path, dirlen) : strdup(".");
  size_t prefix = slash != NULL ? (size_t)(base - path) : 0;
  size_t cap = prefix + 1 + strlen(base) + sizeof(TEMP_SUFFIX);
  o->temp = malloc(cap);
  if (o->path == NULL || o->dir == NULL || o->temp == NULL)
    return DP_ENOMEM;
  snprintf(o->temp, cap, "%.*s.%s" TEMP_SUFFIX, (int)prefix, path, base);
  return DP_OK;
}

dp_status_t dp_report_output_create(const char *path, dp_report_output_t **out)
{
  dp_report_output_t *o = NULL;
  dp_status_t st;
  int fd;

  if (out != NULL)
    *out = NULL;
  if (path == NULL || path[0] == '\0' || out == NULL)
    return DP_EINVAL;
  o = calloc(1, sizeof(*o));
  if (o == NULL)
    return DP_ENOMEM;
  st = make_names(o, path);
  if (st != DP_OK)
    goto fail;

  fd = mkstemp(o->temp);
  if (fd < 0)
  {
    st = DP_EIO;
    goto fail;
  }
  /*
   * mkstemp makes the file 0600; a report is for other readers (a
   * collector running as another user), so give it what open(2) with
   * 0644 would. umask can only be read by setting it: restore at once.
   */
  mode_t mask = umask(022);
  umask(mask);
  if (fchmod(fd, 0644 & ~mask) != 0)
  {
    int saved = errno;
    close(fd);
    unlink(o->temp);
    errno = saved;
    st = DP_EIO;
    goto fail;
  }
  o->fp = fdopen(fd, "w");
  if (o->fp == NULL)
  {
    int saved = errno;
    close(fd);
    unlink(o->temp);
    errno = saved;
    st = DP_EIO;
    goto fail;
  }
  *out = o;
  return DP_OK;

fail : {
  int saved = errno;
  output_free(o);
  errno = saved;
}
  return st;
}

FILE *dp_report_output_fp(dp_report_output_t *o)
{
  return o != NULL ? o->fp : NULL;
}

/* fsync the directory so that the rename is on disk; failures are ignored:
 * the file itself is complete either way. */
static void sync_dir(const char *dir)
{
  int saved = errno;
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd >= 0)
  {
    (void)fsync(fd);
    close(fd);
  }
  errno = saved;
}

dp_status_t dp_report_output_commit(dp_report_output_t *o)
{
  dp_status_t st = DP_EIO;

  if (o == NULL)
    return DP_EINVAL;
  if (o->fp == NULL)
    goto fail;
  if (fflush(o->fp) != 0)
    goto fail;
  if (ferror(o->fp))
  {
    errno = EIO;
    goto fail;
  }
  if (fsync(fileno(o->fp)) != 0)
    goto fail;
  {
    FILE *fp = o->fp;
    o->fp = NULL;
    if (fclose(fp) != 0)
      goto fail;
  }
  if (rename(o->temp, o->path) != 0)
    goto fail;
  sync_dir(o->dir);
  output_free(o);
  return DP_OK;

fail:
  discard(o);
  {
    int saved = errno;
    output_free(o);
    errno = saved;
  }
  return st;
}

void dp_report_output_destroy(dp_report_output_t *o)
{
  if (o == NULL)
    return;
  discard(o);
  output_free(o);
}

dp_status_t dp_report_write_file(const char *path, dp_format_t format,
                                 const struct dp_run *run,
                                 const struct dp_zone_summary *zone,
                                 const struct dp_report_options *opt)
{
  dp_report_output_t *o = NULL;
  dp_status_t st;

  if (path == NULL || run == NULL || (unsigned)format >= DP_FORMAT_COUNT)
    return DP_EINVAL;
  st = dp_report_output_create(path, &o);
  if (st != DP_OK)
    return st;
  st = dp_report_write(dp_report_output_fp(o), format, run, zone, opt);
  if (st != DP_OK)
  {
    dp_report_output_destroy(o);
    return st == DP_ENOMEM || st == DP_EINVAL ? st : DP_EIO;
  }
  return dp_report_output_commit(o);
}
