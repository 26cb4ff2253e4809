/*
 * source.c: the run's targets, pulled one at a time: command-line targets
 * first (each a fatal error when bad, as they were typed), then the lines of
 * -f FILE, read as the runner asks for them (a bad line is reported with its
 * number and skipped, or with --strict ends the run). A line belongs to
 * shard FNV-1a-64(normalised line) mod N; a host name is resolved when its
 * line's turn comes and each address becomes a target; a target an earlier
 * run recorded (--resume) is skipped.
 *
 * Invariant: the strings of the target handed out (its given text, zone and
 * recursion name) stay valid until the next call, as dp_probe_source_fn
 * asks; nothing read is kept beyond the current line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"

dp_status_t dp_cli_source_open(struct dp_cli_source *src,
                               const struct dp_cli_config *cfg,
                               dp_cli_resume_t *resume, char *err,
                               size_t errcap)
{
  memset(src, 0, sizeof(*src));
  src->cfg = cfg;
  src->resume = resume;
  if (cfg->file == NULL)
  {
    src->eof = true;
    return DP_OK;
  }
  bool is_stdin = strcmp(cfg->file, "-") == 0;
  src->in = is_stdin ? stdin : fopen(cfg->file, "r");
  if (src->in == NULL)
  {
    snprintf(err, errcap, "cannot read '%s': %s", cfg->file, strerror(errno));
    return DP_EIO;
  }
  src->own_in = !is_stdin;
  dp_cli_reader_init(&src->rd, src->in,
                     is_stdin ? "standard input" : cfg->file);
  return DP_OK;
}

void dp_cli_source_close(struct dp_cli_source *src)
{
  if (src == NULL)
    return;
  if (src->addrs != &src->one)
    free(src->addrs);
  src->addrs = NULL;
  if (src->cur_owned)
    dp_cli_target_free(&src->cur);
  src->cur_owned = false;
  if (src->own_in && src->in != NULL)
    fclose(src->in);
  src->in = NULL;
}

static bool in_shard(const struct dp_cli_config *cfg, const char *norm)
{
  return cfg->shard_n <= 1 ||
         dp_cli_shard_hash(norm) % cfg->shard_n == cfg->shard_k;
}

/* cur's addresses: resolved for a host name, its own for a literal. On a
 * problem writes it to why and returns its status. */
static dp_status_t addresses(struct dp_cli_source *src, char *why, size_t cap)
{
  const struct dp_cli_config *cfg = src->cfg;
  const struct dp_cli_target *ct = &src->cur;
  src->nextaddr = 0;
  if (ct->is_name)
  {
    dp_status_t st =
        dp_engine_resolve(ct->host, ct->port, cfg->family, cfg->timeout_ms,
                          &src->addrs, &src->naddrs);
    if (st != DP_OK)
    {
      src->addrs = NULL;
      src->naddrs = 0;
      snprintf(why, cap, "target '%.200s': %s", ct->given, dp_strerror(st));
    }
    return st;
  }
  int fam = ((const struct sockaddr *)&ct->addr)->sa_family;
  if (cfg->family != AF_UNSPEC && fam != cfg->family)
  {
    snprintf(why, cap, "target '%.200s': not an %s address", ct->given,
             cfg->family == AF_INET ? "IPv4 (-4)" : "IPv6 (-6)");
    return DP_EINVAL;
  }
  src->one.addr = ct->addr;
  src->one.addrlen = ct->addrlen;
  src->addrs = &src->one;
  src->naddrs = 1;
  return DP_OK;
}

/* Drop the current target and its addresses. */
static void drop_current(struct dp_cli_source *src)
{
  if (src->addrs != &src->one)
    free(src->addrs);
  src->addrs = NULL;
  src->naddrs = src->nextaddr = 0;
  if (src->cur_owned)
    dp_cli_target_free(&src->cur);
  src->cur_owned = false;
  memset(&src->cur, 0, sizeof(src->cur));
}

/* A bad line of the file: reported and skipped, or (--strict) the end. */
static dp_status_t bad_line(struct dp_cli_source *src, const char *msg,
                            dp_status_t st)
{
  if (src->cfg->strict)
  {
    snprintf(src->err, sizeof(src->err), "%s", msg);
    return st;
  }
  fprintf(stderr, "dnsprobe: %s (line skipped)\n", msg);
  src->lines_bad++;
  return DP_OK;
}

/* Take the next target, from the command line or the file, into cur with
 * its addresses. Returns DP_OK, DP_EOF or a failure (src->err set). */
static dp_status_t next_target(struct dp_cli_source *src)
{
  const struct dp_cli_config *cfg = src->cfg;
  char why[600];
  /* each turn takes a command-line target or a line: bounded by both */
  for (;;)
  {
    drop_current(src);
    if (src->next_arg < cfg->ntargets)
    {
      src->cur = cfg->targets[src->next_arg++];
      if (!in_shard(cfg, src->cur.given))
      {
        src->other_shards++;
        continue;
      }
      dp_status_t st = addresses(src, why, sizeof(why));
      if (st != DP_OK)
      {
        snprintf(src->err, sizeof(src->err), "%s", why);
        return st;
      }
      return DP_OK;
    }
    if (src->eof)
      return DP_EOF;
    dp_status_t st = dp_cli_reader_next(&src->rd, &src->cur, why, sizeof(why));
    if (st == DP_EOF)
    {
      src->eof = true;
      if (src->rd.targets == 0)
      {
        if (src->lines_bad > 0)
          snprintf(src->err, sizeof(src->err),
                   "'%s': no valid target in the file (%zu bad lines)",
                   src->rd.path, src->lines_bad);
        else
          snprintf(src->err, sizeof(src->err), "'%s': no targets in the file",
                   src->rd.path);
        return DP_EINVAL;
      }
      return DP_EOF;
    }
    if (st == DP_EIO)
    {
      snprintf(src->err, sizeof(src->err), "%s", why);
      return st;
    }
    if (st != DP_OK)
    {
      if ((st = bad_line(src, why, st)) != DP_OK)
        return st;
      continue;
    }
    src->cur_owned = true;
    if (!in_shard(cfg, src->rd.norm))
    {
      src->other_shards++;
      continue;
    }
    char msg[700];
    st = addresses(src, why, sizeof(why));
    if (st == DP_ENOMEM)
    {
      snprintf(src->err, sizeof(src->err), "%s", dp_strerror(st));
      return st;
    }
    if (st != DP_OK)
    {
      snprintf(msg, sizeof(msg), "%s:%zu: %s", src->rd.path, src->rd.line, why);
      if ((st = bad_line(src, msg, st)) != DP_OK)
        return st;
      continue;
    }
    return DP_OK;
  }
}

dp_status_t dp_cli_source_next(void *arg, struct dp_probe_target *t)
{
  struct dp_cli_source *src = arg;
  const struct dp_cli_config *cfg = src->cfg;
  /* each turn hands out or skips one address, or takes the next target */
  for (;;)
  {
    if (src->nextaddr >= src->naddrs)
    {
      dp_status_t st = next_target(src);
      if (st != DP_OK)
        return st;
      continue; /* a name may resolve to no address of the family */
    }
    const struct dp_engine_addr *a = &src->addrs[src->nextaddr++];
    memset(t, 0, sizeof(*t));
    t->given = src->cur.given;
    t->addr = a->addr;
    t->addrlen = a->addrlen;
    t->zone = src->cur.zone != NULL ? src->cur.zone : cfg->zone;
    t->zone_given = src->cur.zone != NULL || cfg->zone_given;
    t->recursion_name = cfg->recursion_name;
    if (src->resume != NULL)
    {
      char address[INET6_ADDRSTRLEN];
      uint16_t port;
      const struct sockaddr *sa = (const struct sockaddr *)&a->addr;
      if (sa->sa_family == AF_INET6)
      {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &s6->sin6_addr, address, sizeof(address));
        port = ntohs(s6->sin6_port);
      }
      else
      {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &s4->sin_addr, address, sizeof(address));
        port = ntohs(s4->sin_port);
      }
      if (dp_cli_resume_take(src->resume, t->given, address, port, t->zone))
      {
        src->resumed++;
        continue;
      }
    }
    src->handed++;
    return DP_OK;
  }
}
