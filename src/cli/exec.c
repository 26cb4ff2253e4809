/*
 * exec.c: from a parsed command line to a report. Streams the targets to
 * the runner (the command line's, then -f FILE's lines as the window frees
 * up, less other shards and what --resume FILE already records) or, in zone
 * mode, finds the zone's servers through a resolver; runs the battery;
 * compares the zone's servers and checks its DNSSEC, delegation, NS set
 * and SOA in zone mode; and writes the report in the
 * chosen format, to standard output, atomically to --output, or appended to
 * --resume FILE. Findings about servers are data; only a failure to do the
 * job is an error (one line on stderr, exit 3).
 *
 * Invariants: one exit path (done:) frees everything this file allocated.
 * A streamed record (jsonl) is rendered whole in memory and written with
 * one write(2), so a run killed at any moment leaves whole lines, and at
 * worst one torn last line, never two records mixed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "dnsprobe/delegation.h"
#include "dnsprobe/discover.h"
#include "dnsprobe/engine.h"
#include "dnsprobe/probes.h"
#include "dnsprobe/report.h"
#include "dnsprobe/zone.h"
#include "dp_config.h"
#include "exec.h"
#include "resume.h"
#include "source.h"

/* One line on stderr, and the exit code for "could not do its job". */
#define fail(...) dp_cli_error(stderr, NULL, __VA_ARGS__)

static int flushed(void)
{
  return fflush(stdout) == 0 ? DP_EXIT_OK : DP_EXIT_UNKNOWN;
}

static void list_probes(void)
{
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
  {
    const struct dp_probe_def *d = dp_probe_def((dp_probe_id_t)i);
    printf("%-10s %-4s %s\n", dp_probe_id_tostr((dp_probe_id_t)i),
           dp_transport_tostr(d->transport), d->summary);
  }
}

/* Use every file descriptor the hard limit allows: a fleet needs one per
 * exchange in flight. */
static void raise_nofile(void)
{
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
  {
    rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &rl);
  }
}

/* A name for the recursion probe outside the zone: candidates in order,
 * the first not at or below the zone. */
static void default_recursion_name(const char *zone, char *out, size_t cap)
{
  static const char *const candidates[] = {"a.root-servers.net.",
                                           "www.example.com."};
  const char *pick = candidates[0];
  size_t zl = strlen(zone);
  for (size_t i = 0; i < 2; i++)
  {
    const char *c = candidates[i];
    size_t cl = strlen(c);
    bool below = strcmp(zone, ".") != 0 && cl >= zl &&
                 strcmp(c + cl - zl, zone) == 0 &&
                 (cl == zl || c[cl - zl - 1] == '.');
    if (!below)
    {
      pick = c;
      break;
    }
  }
  snprintf(out, cap, "%s", pick);
}

static bool use_color(dp_color_t c)
{
  const char *nc = getenv("NO_COLOR");
  if (c == DP_COLOR_ALWAYS)
    return true;
  if (c == DP_COLOR_NEVER)
    return false;
  return isatty(STDOUT_FILENO) && !(nc && nc[0]);
}

/* Zone mode (--zone Z --resolver ADDR, no TARGET): the zone's name servers
 * and their addresses, found through the resolver (*res, *reslen: the one
 * asked), become the targets. */
static int discover_targets(const struct dp_cli_config *cfg,
                            struct sockaddr_storage *res, socklen_t *reslen,
                            struct dp_discovered **found,
                            struct dp_discover_miss *missed, size_t *nmissed,
                            struct dp_probe_target **out, size_t *n)
{
  char err[1024] = "";
  size_t nd = 0;
  *res = cfg->resolver.addr;
  *reslen = cfg->resolver.addrlen;
  if (!cfg->zone_given)
    return fail("no TARGET given, and no --zone for zone mode");
  if (!cfg->resolver_given)
  {
    /* The system's resolver, as c-ares reads it; DNSPROBE_RESOLV_CONF names
     * another file (the tests' loopback resolver). */
    dp_status_t rs =
        dp_engine_system_resolver(getenv("DNSPROBE_RESOLV_CONF"), res, reslen);
    if (rs != DP_OK)
      return fail("zone mode: no system resolver to ask (%s); pass "
                  "--resolver ADDR[:PORT]",
                  dp_strerror(rs));
  }
  dp_status_t st = dp_probe_discover(
      cfg->zone, (const struct sockaddr *)res, *reslen, cfg->family, 0,
      cfg->timeout_ms, found, &nd, missed, nmissed, err, sizeof(err));
  /* An NS set whose names have no address is still a finding to report
   * (the zone section names them); only no NS set at all stops here. */
  if (st != DP_OK && !(st == DP_ENOTFOUND && *nmissed > 0))
    return fail("cannot find the name servers of %s: %s", cfg->zone,
                err[0] ? err : dp_strerror(st));
  if (err[0])
    fprintf(stderr, "dnsprobe: warning: %s\n", err);
  if (nd == 0)
  {
    *out = NULL;
    *n = 0;
    return DP_EXIT_OK;
  }
  struct dp_probe_target *list = calloc(nd, sizeof(*list));
  if (list == NULL)
    return fail("%s", dp_strerror(DP_ENOMEM));
  for (size_t i = 0; i < nd; i++)
  {
    list[i].given = (*found)[i].ns;
    list[i].addr = (*found)[i].addr;
    list[i].addrlen = (*found)[i].addrlen;
    list[i].zone = cfg->zone;
    list[i].zone_given = true;
    list[i].recursion_name = cfg->recursion_name;
  }
  *out = list;
  *n = nd;
  return DP_EXIT_OK;
}

/* Keep only the finished targets of an interrupted run (in order); free
 * the rest. Returns how many are kept. */
static size_t keep_finished(struct dp_run *run)
{
  size_t k = 0;
  for (size_t i = 0; i < run->ntargets; i++)
  {
    if (run->targets[i].finished)
    {
      if (k != i)
      {
        struct dp_target_result tmp = run->targets[k];
        run->targets[k] = run->targets[i];
        run->targets[i] = tmp;
      }
      k++;
    }
  }
  for (size_t i = k; i < run->ntargets; i++)
    dp_target_clear(&run->targets[i]);
  run->ntargets = k;
  run->status = DP_HEALTH_UNKNOWN;
  return k;
}

/* Zone mode's DNSSEC comparison: the servers' key sets, and the parent's
 * DS RRset, asked of the resolver that found the servers, against them. A
 * DS query that fails leaves the DS unknown; only running out of memory
 * stops the run. */
static dp_status_t compare_dnssec(const struct dp_cli_config *cfg,
                                  const struct sockaddr_storage *res,
                                  socklen_t reslen, const struct dp_run *run,
                                  struct dp_zone_summary *zone)
{
  uint8_t *ds = NULL;
  size_t len = 0;
  char why[48] = "";
  dp_status_t st =
      dp_probe_discover_ds(cfg->zone, (const struct sockaddr *)res, reslen,
                           cfg->timeout_ms, &ds, &len, why, sizeof(why));
  if (st == DP_ENOMEM)
    return st;
  if (st != DP_OK)
    snprintf(why, sizeof(why), "%s", dp_strerror(st));
  st = dp_diagnose_zone_dnssec(run, ds, len, why, cfg->fix_for, zone);
  free(ds);
  return st == DP_ENOMEM ? st : DP_OK;
}

/* Streaming a report (jsonl) as each target completes. */
struct stream
{
  FILE *fp; /* --output's temporary file, or NULL */
  int fd;   /* standard output, when fp is NULL and there is no resume */
  dp_cli_resume_t *resume; /* --resume FILE, or NULL */
  dp_format_t format;
  const struct dp_run *run;
  const struct dp_report_options *rep;
  dp_status_t st;
  int err;       /* errno of the write that failed */
  bool streams;  /* jsonl: write each target as it completes */
  bool progress; /* stderr is a terminal: show targets done */
  size_t done;
  const struct dp_cli_source *src;
  struct timespec started;
};

/* Write all of buf to fd: one write(2) unless the kernel takes part of it
 * (a pipe's reader is slow, a signal came). */
static dp_status_t write_all(int fd, const char *buf, size_t len)
{
  size_t done = 0;
  /* each turn writes at least one byte or fails */
  while (done < len)
  {
    ssize_t w = write(fd, buf + done, len - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return DP_EIO;
    done += (size_t)w;
  }
  return DP_OK;
}

/* One record: rendered whole, then written at once where it goes. */
static dp_status_t write_record(struct stream *s,
                                const struct dp_target_result *t)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  if (m == NULL)
    return DP_ENOMEM;
  dp_status_t st = dp_report_write_target(m, s->format, s->run, t, s->rep);
  if (fclose(m) != 0 && st == DP_OK)
    st = DP_ENOMEM;
  if (st == DP_OK)
  {
    if (s->resume != NULL)
      st = dp_cli_resume_append(s->resume, buf, len);
    else if (s->fp != NULL)
      st = fwrite(buf, 1, len, s->fp) == len && fflush(s->fp) == 0 ? DP_OK
                                                                   : DP_EIO;
    else
      st = write_all(s->fd, buf, len);
  }
  if (st == DP_EIO)
    s->err = errno;
  free(buf);
  return st;
}

/* As each target completes: stream it (jsonl) and, on a terminal, show
 * progress on stderr (targets done, the rate, and when the list is known
 * to its end, the time left). */
static void stream_target(void *arg, const struct dp_target_result *t)
{
  struct stream *s = arg;
  if (s->streams && s->st == DP_OK)
    s->st = write_record(s, t);
  s->done++;
  if (s->progress)
  {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double secs = (double)(now.tv_sec - s->started.tv_sec) +
                  (double)(now.tv_nsec - s->started.tv_nsec) / 1e9;
    double rate = secs > 0 ? (double)s->done / secs : 0.0;
    size_t total = s->src != NULL ? s->src->handed : 0;
    if (s->src != NULL && s->src->eof)
    {
      double left = rate > 0 ? (double)(total - s->done) / rate : 0.0;
      fprintf(stderr, "\r%zu/%zu targets, %.0f/s, %.0f s left\033[K", s->done,
              total, rate, left);
    }
    else
      fprintf(stderr, "\r%zu targets, %.0f/s\033[K", s->done, rate);
  }
}

/* The runner's source: the CLI's, until writing the records fails (then
 * nothing more is started). */
struct feed
{
  struct dp_cli_source *src;
  const struct stream *out;
};

static dp_status_t feed_next(void *arg, struct dp_probe_target *t)
{
  struct feed *f = arg;
  if (f->out->st != DP_OK)
    return DP_EOF; /* the write error is reported at the end */
  return dp_cli_source_next(f->src, t);
}

/* Whether the targets are known to their end (so "N of M" can be said). */
static bool source_done(const struct dp_cli_source *src)
{
  return src->eof && src->next_arg == src->cfg->ntargets &&
         src->nextaddr >= src->naddrs;
}

/* The run options the configuration asks for; 0 or a usage error. */
static int run_options(struct dp_cli_config *cfg,
                       struct dp_probe_run_options *ro)
{
  const char *bad = NULL;
  memset(ro, 0, sizeof(*ro));
  if (dp_probe_select(cfg->probes, cfg->skip, &ro->probes, &bad) != DP_OK)
    return fail("unknown probe '%s' (see --list-probes)", bad);
  if (ro->probes == 0)
    return fail("no probe left to run after --skip");
  /* Expectations apply when asked for: without --expect, --require or
   * --allow the built-in severities stand (an open AXFR is a warning); with
   * them every deviation is critical, --expect defaulting to auto. */
  if (cfg->expect_given || cfg->expect.nrequire > 0 || cfg->expect.nallow > 0)
    ro->expect = &cfg->expect;
  if (!cfg->recursion_name_given)
    default_recursion_name(cfg->zone, cfg->recursion_name,
                           sizeof(cfg->recursion_name));
  ro->timeout_ms = cfg->timeout_ms;
  ro->parallel = cfg->parallel;
  ro->engine.rate_qps = cfg->rate;
  ro->spacing_ms = cfg->spacing_ms;
  ro->fix_for = cfg->fix_for;
  ro->dnssec_warn = (int64_t)cfg->dnssec_warn_days * 86400;
  ro->dnssec_crit = (int64_t)cfg->dnssec_crit_days * 86400;
  ro->stop_on_sigint = true;
  return DP_EXIT_OK;
}

int dp_cli_exec(struct dp_cli_config *cfg)
{
  struct dp_probe_run_options ro;
  struct dp_probe_target *targets = NULL;
  size_t ntargets = 0;
  struct dp_discovered *found = NULL;
  struct dp_discover_miss missed[DP_DISCOVER_NS_MAX];
  size_t nmissed = 0;
  struct dp_zone_summary *zone = NULL;
  struct sockaddr_storage zres;
  socklen_t zreslen = 0;
  dp_report_output_t *out = NULL;
  dp_cli_resume_t *resume = NULL;
  struct dp_cli_source src;
  bool src_open = false;
  struct dp_run run;
  bool ran = false;
  char err[1024];
  int rc;

  if (cfg->help)
  {
    dp_cli_usage(stdout);
    return flushed();
  }
  if (cfg->version)
  {
    char libs[256];
    dp_engine_versions(libs, sizeof(libs));
    printf("dnsprobe %s\n%s", DP_VERSION, libs);
    return flushed();
  }
  if (cfg->list_probes)
  {
    list_probes();
    return flushed();
  }
  char liberr[256];
  if (dp_engine_library_check(liberr, sizeof(liberr)) != DP_OK)
    return fail("%s", liberr);

  raise_nofile();
  if ((rc = run_options(cfg, &ro)) != DP_EXIT_OK)
    goto done;
  bool zone_mode = cfg->ntargets == 0 && cfg->file == NULL;
  if (zone_mode && (cfg->shard_given || cfg->resume != NULL))
  {
    rc = fail("--shard and --resume work on a list of targets (TARGET... or "
              "-f FILE), not on zone mode");
    goto done;
  }
  if (zone_mode)
  {
    if ((rc = discover_targets(cfg, &zres, &zreslen, &found, missed, &nmissed,
                               &targets, &ntargets)) != DP_EXIT_OK)
      goto done;
  }
  else
  {
    if (cfg->resume != NULL &&
        dp_cli_resume_open(cfg->resume, &resume, err, sizeof(err)) != DP_OK)
    {
      rc = fail("--resume: %s", err);
      goto done;
    }
    if (dp_cli_source_open(&src, cfg, resume, err, sizeof(err)) != DP_OK)
    {
      rc = fail("%s", err);
      goto done;
    }
    src_open = true;
  }

  struct dp_report_options rep = {.color = cfg->output != NULL
                                               ? cfg->color == DP_COLOR_ALWAYS
                                               : use_color(cfg->color),
                                  .width = 80,
                                  .version = DP_VERSION,
                                  .show_commands = cfg->show_commands,
                                  .verbose = cfg->verbose,
                                  .brief = cfg->brief};
  FILE *fp = stdout;
  dp_status_t st;
  if (cfg->output != NULL)
  {
    st = dp_report_output_create(cfg->output, &out);
    if (st != DP_OK)
    {
      rc = fail("cannot write '%s': %s", cfg->output,
                st == DP_EIO ? strerror(errno) : dp_strerror(st));
      goto done;
    }
    fp = dp_report_output_fp(out);
  }
  struct stream sm = {.fp = out != NULL ? fp : NULL,
                      .fd = STDOUT_FILENO,
                      .resume = resume,
                      .format = cfg->format,
                      .run = &run,
                      .rep = &rep,
                      .st = DP_OK,
                      .src = src_open ? &src : NULL};
  sm.streams = dp_report_format_streams(cfg->format);
  /* progress only for a person watching a fleet, never into a pipe */
  sm.progress = (ntargets > 1 || cfg->ntargets > 1 || cfg->file != NULL) &&
                isatty(STDERR_FILENO);
  clock_gettime(CLOCK_MONOTONIC, &sm.started);
  if (sm.streams || sm.progress)
  {
    ro.target_done = stream_target;
    ro.arg = &sm;
  }
  /* A streamed target is written out as it completes and then freed; only
   * zone mode's comparison needs its probes afterwards. A fleet of any size
   * then holds the targets in flight and a bounded look-ahead. */
  ro.release_done = sm.streams && !zone_mode;
  struct feed feed = {&src, &sm};
  if (zone_mode)
    st = dp_probe_run(targets, ntargets, &ro, &run);
  else
  {
    ro.source = feed_next;
    ro.source_arg = &feed;
    st = dp_probe_run(NULL, 0, &ro, &run);
  }
  ran = true;
  if (sm.progress)
    fputs("\r\033[K", stderr);
  bool interrupted = st == DP_EINTERRUPTED;
  if (interrupted)
  {
    /* SIGINT or SIGTERM: report the targets that finished, then exit 3. */
    size_t finished = ro.release_done ? sm.done : keep_finished(&run);
    run.status = DP_HEALTH_UNKNOWN;
    if (zone_mode || source_done(&src))
      fprintf(stderr, "dnsprobe: interrupted: %zu of %zu targets finished\n",
              finished, zone_mode ? ntargets : src.handed);
    else
      fprintf(stderr, "dnsprobe: interrupted: %zu targets finished\n",
              finished);
    st = DP_OK;
  }
  if (st != DP_OK && src_open && src.err[0] != '\0')
  {
    rc = fail("%s", src.err);
    goto done;
  }
  if (st != DP_OK)
  {
    rc = fail("cannot run the probes: %s", dp_strerror(st));
    goto done;
  }

  if (zone_mode)
  {
    /* compare the zone's servers: serials, authority, lameness, DNSSEC */
    zone = calloc(1, sizeof(*zone));
    if (zone != NULL &&
        dp_diagnose_zone(&run, cfg->zone,
                         cfg->resolver_given ? cfg->resolver.given
                                             : "the system resolver",
                         zone) != DP_EINVAL)
    {
      for (size_t i = 0; i < nmissed; i++)
        (void)dp_diagnose_zone_unresolved(zone, missed[i].ns, missed[i].why);
      if (compare_dnssec(cfg, &zres, zreslen, &run, zone) != DP_OK)
      {
        rc = fail("cannot compare the zone's DNSSEC: %s",
                  dp_strerror(DP_ENOMEM));
        goto done;
      }
      /* the delegation, NS set and SOA, then the zone's root causes; an
       * interrupted run goes without them */
      st = interrupted
               ? DP_OK
               : dp_probe_delegation(cfg->zone, (const struct sockaddr *)&zres,
                                     zreslen, cfg->family, cfg->timeout_ms,
                                     found, ntargets, missed, nmissed,
                                     &zone->delegation);
      if (st == DP_OK)
        st = dp_diagnose_zone_checks(zone, &run, cfg->fix_for);
      if (st != DP_OK)
      {
        rc = fail("cannot check the zone's delegation: %s", dp_strerror(st));
        goto done;
      }
      if (zone->status > run.status)
        run.status = zone->status;
    }
    else
    {
      free(zone);
      zone = NULL;
    }
  }
  int werr = 0;
  if (sm.streams)
  {
    st = sm.st;
    werr = sm.err;
  }
  else
    st = dp_report_write(fp, cfg->format, &run, zone, &rep);
  if (out != NULL)
  {
    dp_report_output_t *o = out;
    out = NULL;
    if (st == DP_OK)
      st = dp_report_output_commit(o);
    else
      dp_report_output_destroy(o);
  }
  else if (st == DP_OK && !sm.streams && fflush(stdout) != 0)
    st = DP_EIO;
  if (resume != NULL)
  {
    dp_cli_resume_t *r = resume;
    resume = NULL;
    /* what the file held before counts as if this run had probed it */
    if (!interrupted && dp_cli_resume_worst(r) > run.status)
      run.status = dp_cli_resume_worst(r);
    if (dp_cli_resume_close(r) != DP_OK && st == DP_OK)
      st = DP_EIO;
  }
  rc = st == DP_OK && !interrupted ? (int)run.status : DP_EXIT_UNKNOWN;
  if (st != DP_OK)
    fail("cannot write the report: %s",
         werr != 0 ? strerror(werr) : strerror(errno));

done:
  (void)dp_cli_resume_close(resume);
  if (src_open)
    dp_cli_source_close(&src);
  dp_report_output_destroy(out);
  dp_diagnose_zone_clear(zone);
  free(zone);
  if (ran)
    dp_run_clear(&run);
  free(targets);
  free(found);
  return rc;
}
