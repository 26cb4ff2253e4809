/*
 * resume.c: --resume FILE: the records of an earlier run read back into a
 * multiset of target keys, and new records appended to the same file.
 *
 * A target's key is FNV-1a 64 of its target as typed, numeric address,
 * port and canonical zone (NUL between them): what a record says of the
 * target it is about. The set is an open-addressing table of keys and
 * counts (16 bytes a slot, at most half full), so resuming a million
 * records costs about 32 MiB and no record text is kept.
 *
 * Invariants: every record is appended by one write(2) of the whole line
 * on a descriptor opened O_APPEND; r->size is the file's length as this
 * process left it, and a write that fails part way is cut back to it, so
 * the file only ever ends with a whole record, or, after a kill, with the
 * torn line that the next open cuts off.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "records.h"
#include "resume.h"

#define SYNC_EVERY_S 1.0 /* fdatasync at most this often while appending */

struct dp_cli_resume
{
  int fd;
  char *path;
  uint64_t *keys; /* 0: empty */
  uint32_t *counts;
  size_t cap, used; /* slots, slots in use */
  size_t records;
  dp_health_t worst;
  off_t size;
  double synced; /* monotonic seconds of the last fdatasync */
};

static double now_s(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t key_of(const char *given, const char *address, uint16_t port,
                       const char *zone)
{
  char portbuf[8];
  const char *parts[4] = {given, address, portbuf, zone};
  uint64_t h = 0xcbf29ce484222325ULL;
  snprintf(portbuf, sizeof(portbuf), "%u", (unsigned)port);
  for (size_t k = 0; k < 4; k++)
  {
    /* each part and its NUL */
    const unsigned char *p = (const unsigned char *)parts[k];
    do
    {
      h ^= *p;
      h *= 0x100000001b3ULL;
    } while (*p++ != '\0');
  }
  return h != 0 ? h : 1;
}

static size_t slot_of(const dp_cli_resume_t *r, uint64_t key)
{
  size_t i = (size_t)(key ^ (key >> 29)) & (r->cap - 1);
  /* the table is at most half full: a free slot is always found */
  while (r->keys[i] != 0 && r->keys[i] != key)
    i = (i + 1) & (r->cap - 1);
  return i;
}

static bool grow(dp_cli_resume_t *r)
{
  size_t cap = r->cap ? r->cap * 2 : 1024;
  uint64_t *keys = calloc(cap, sizeof(*keys));
  uint32_t *counts = calloc(cap, sizeof(*counts));
  if (keys == NULL || counts == NULL)
  {
    free(keys);
    free(counts);
    return false;
  }
  uint64_t *old_keys = r->keys;
  uint32_t *old_counts = r->counts;
  size_t old_cap = r->cap;
  r->keys = keys;
  r->counts = counts;
  r->cap = cap;
  for (size_t i = 0; i < old_cap; i++)
    if (old_keys[i] != 0)
    {
      size_t j = slot_of(r, old_keys[i]);
      r->keys[j] = old_keys[i];
      r->counts[j] = old_counts[i];
    }
  free(old_keys);
  free(old_counts);
  return true;
}

static bool add(dp_cli_resume_t *r, uint64_t key)
{
  if ((r->used + 1) * 2 > r->cap && !grow(r))
    return false;
  size_t i = slot_of(r, key);
  if (r->keys[i] == 0)
  {
    r->keys[i] = key;
    r->used++;
  }
  if (r->counts[i] < UINT32_MAX)
    r->counts[i]++;
  return true;
}

bool dp_cli_resume_take(dp_cli_resume_t *r, const char *given,
                        const char *address, uint16_t port, const char *zone)
{
  if (r == NULL || r->cap == 0)
    return false;
  size_t i = slot_of(r, key_of(given, address, port, zone));
  if (r->keys[i] == 0 || r->counts[i] == 0)
    return false;
  r->counts[i]--;
  return true;
}

size_t dp_cli_resume_records(const dp_cli_resume_t *r)
{
  return r != NULL ? r->records : 0;
}

dp_health_t dp_cli_resume_worst(const dp_cli_resume_t *r)
{
  return r != NULL ? r->worst : DP_HEALTH_OK;
}

/* Read the file's records; cut a torn last line off. */
static dp_status_t load(dp_cli_resume_t *r, char *err, size_t errcap)
{
  int fd2 = dup(r->fd);
  FILE *in = fd2 >= 0 ? fdopen(fd2, "r") : NULL;
  if (in == NULL)
  {
    if (fd2 >= 0)
      close(fd2);
    snprintf(err, errcap, "cannot read '%s': %s", r->path, strerror(errno));
    return DP_EIO;
  }
  struct dp_cli_records rd;
  struct dp_jsonr doc;
  struct dp_cli_record rec;
  dp_status_t st;
  bool last_terminated = true;
  dp_cli_records_init(&rd, in, r->path);
  /* each turn reads one line: bounded by the file */
  while ((st = dp_cli_records_next(&rd, &doc, err, errcap)) != DP_EOF)
  {
    const char *why = NULL;
    if (st == DP_OK && dp_cli_record_read(&doc, &rec, &why) != DP_OK)
    {
      snprintf(err, errcap, "%s:%zu: not a dnsprobe record (no valid \"%s\")",
               r->path, rd.line, why);
      st = DP_EINVAL;
    }
    dp_jsonr_free(&doc);
    if ((st == DP_EINVAL || st == DP_ERANGE) && !rd.terminated)
    {
      /* the last line, torn by a writer that was killed: cut it off */
      if (ftruncate(r->fd, rd.offset) != 0)
      {
        snprintf(err, errcap, "cannot cut the torn last line of '%s': %s",
                 r->path, strerror(errno));
        st = DP_EIO;
        break;
      }
      fprintf(stderr,
              "dnsprobe: --resume: '%s' ended in a torn line (line %zu, %lld "
              "bytes): cut off, its target is probed again\n",
              r->path, rd.line, (long long)(rd.next - rd.offset));
      rd.next = rd.offset;
      st = DP_EOF;
      break;
    }
    if (st != DP_OK)
      break;
    if (!add(r, key_of(rec.target, rec.address, rec.port, rec.zone)))
    {
      snprintf(err, errcap, "out of memory");
      st = DP_ENOMEM;
      break;
    }
    r->records++;
    last_terminated = rd.terminated;
    if (rec.status > r->worst)
      r->worst = rec.status;
  }
  r->size = rd.next;
  dp_cli_records_free(&rd);
  fclose(in);
  if (st == DP_EOF && !last_terminated)
  {
    /* a whole last record without its newline: give it one, so the next
     * record starts a line of its own */
    if (dp_cli_resume_append(r, "\n", 1) != DP_OK)
    {
      snprintf(err, errcap, "cannot write '%s': %s", r->path, strerror(errno));
      return DP_EIO;
    }
  }
  return st == DP_EOF ? DP_OK : st;
}

dp_status_t dp_cli_resume_open(const char *path, dp_cli_resume_t **out,
                               char *err, size_t errcap)
{
  *out = NULL;
  dp_cli_resume_t *r = calloc(1, sizeof(*r));
  if (r == NULL || (r->path = strdup(path)) == NULL)
  {
    free(r);
    snprintf(err, errcap, "out of memory");
    return DP_ENOMEM;
  }
  r->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (r->fd < 0)
  {
    snprintf(err, errcap, "cannot open '%s': %s", path, strerror(errno));
    free(r->path);
    free(r);
    return DP_EIO;
  }
  r->synced = now_s();
  dp_status_t st = load(r, err, errcap);
  if (st != DP_OK)
  {
    (void)dp_cli_resume_close(r);
    return st;
  }
  *out = r;
  return DP_OK;
}

dp_status_t dp_cli_resume_append(dp_cli_resume_t *r, const char *line,
                                 size_t len)
{
  size_t done = 0;
  /* one write(2) for the line; more only when the kernel takes part of it
   * (a full disk, a signal): bounded, each turn writes at least a byte or
   * fails */
  while (done < len)
  {
    ssize_t w = write(r->fd, line + done, len - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
    {
      int saved = errno;
      if (done > 0)
        (void)ftruncate(r->fd, r->size); /* never leave a part of a line */
      errno = w == 0 ? ENOSPC : saved;
      return DP_EIO;
    }
    done += (size_t)w;
  }
  r->size += (off_t)len;
  double t = now_s();
  if (t - r->synced >= SYNC_EVERY_S)
  {
    r->synced = t;
    if (fdatasync(r->fd) != 0)
      return DP_EIO;
  }
  return DP_OK;
}

dp_status_t dp_cli_resume_close(dp_cli_resume_t *r)
{
  if (r == NULL)
    return DP_OK;
  dp_status_t st = DP_OK;
  if (fdatasync(r->fd) != 0)
    st = DP_EIO;
  if (close(r->fd) != 0)
    st = DP_EIO;
  free(r->keys);
  free(r->counts);
  free(r->path);
  free(r);
  return st;
}
