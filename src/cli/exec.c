/*
 * exec.c: from a parsed command line to a report. Reads a target file,
 * resolves host-name targets (or, in zone mode, finds the zone's servers
 * through a resolver), runs the battery, compares the zone's servers and
 * checks its delegation, NS set and SOA in zone mode, and writes the report
 * in the chosen format, to standard output
 * or atomically to --output. Findings about servers are data; only a
 * failure to do the job is an error (one line on stderr, exit 3).
 *
 * Invariant: one exit path (done:) frees everything this file allocated.
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
#include "dnsprobe/probes.h"
#include "dnsprobe/report.h"
#include "dnsprobe/zone.h"
#include "dp_config.h"
#include "exec.h"

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

/* Read -f FILE ("-": standard input) into cfg's targets. */
static int read_target_file(struct dp_cli_config *cfg)
{
  char err[512];
  bool is_stdin = strcmp(cfg->file, "-") == 0;
  FILE *in = is_stdin ? stdin : fopen(cfg->file, "r");
  bool ok = dp_cli_read_targets(is_stdin ? "standard input" : cfg->file, in,
                                cfg, err, sizeof(err));
  if (in != NULL && !is_stdin)
    fclose(in);
  if (!ok)
  {
    fprintf(stderr, "dnsprobe: %s\n", err);
    return DP_EXIT_UNKNOWN;
  }
  return DP_EXIT_OK;
}

/* Zone mode (--zone Z --resolver ADDR, no TARGET): the zone's name servers
 * and their addresses, found through the resolver, become the targets. */
static int discover_targets(const struct dp_cli_config *cfg,
                            struct sockaddr_storage *resolver,
                            socklen_t *resolver_len,
                            struct dp_discovered **found,
                            struct dp_discover_miss *missed, size_t *nmissed,
                            struct dp_probe_target **out, size_t *n)
{
  char err[1024] = "";
  size_t nd = 0;
  struct sockaddr_storage res = cfg->resolver.addr;
  socklen_t reslen = cfg->resolver.addrlen;
  if (!cfg->zone_given)
    return fail("no TARGET given, and no --zone for zone mode");
  if (!cfg->resolver_given)
  {
    /* The system's resolver, as c-ares reads it; DNSPROBE_RESOLV_CONF names
     * another file (the tests' loopback resolver). */
    dp_status_t rs = dp_engine_system_resolver(getenv("DNSPROBE_RESOLV_CONF"),
                                               &res, &reslen);
    if (rs != DP_OK)
      return fail("zone mode: no system resolver to ask (%s); pass "
                  "--resolver ADDR[:PORT]",
                  dp_strerror(rs));
  }
  dp_status_t st = dp_probe_discover(
      cfg->zone, (const struct sockaddr *)&res, reslen, cfg->family, 0,
      cfg->timeout_ms, found, &nd, missed, nmissed, err, sizeof(err));
  /* An NS set whose names have no address is still a finding to report
   * (the zone section names them); only no NS set at all stops here. */
  if (st != DP_OK && !(st == DP_ENOTFOUND && *nmissed > 0))
    return fail("cannot find the name servers of %s: %s", cfg->zone,
                err[0] ? err : dp_strerror(st));
  if (err[0])
    fprintf(stderr, "dnsprobe: warning: %s\n", err);
  *resolver = res;
  *resolver_len = reslen;
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

/* Expand the command line's targets into addresses to probe. */
static int build_targets(const struct dp_cli_config *cfg,
                         struct dp_probe_target **out, size_t *n)
{
  struct dp_probe_target *list = NULL;
  size_t count = 0;
  *out = NULL;
  *n = 0;
  for (size_t i = 0; i < cfg->ntargets; i++)
  {
    const struct dp_cli_target *ct = &cfg->targets[i];
    struct dp_engine_addr *addrs = NULL, one;
    size_t na = 0;
    if (ct->is_name)
    {
      dp_status_t st = dp_engine_resolve(ct->host, ct->port, cfg->family,
                                         cfg->timeout_ms, &addrs, &na);
      if (st != DP_OK)
      {
        free(list);
        return fail("target '%s': %s", ct->given, dp_strerror(st));
      }
    }
    else
    {
      int fam = ((const struct sockaddr *)&ct->addr)->sa_family;
      if (cfg->family != AF_UNSPEC && fam != cfg->family)
      {
        free(list);
        return fail("target '%s': not an %s address", ct->given,
                    cfg->family == AF_INET ? "IPv4 (-4)" : "IPv6 (-6)");
      }
      one.addr = ct->addr;
      one.addrlen = ct->addrlen;
      addrs = &one;
      na = 1;
    }
    struct dp_probe_target *grown = realloc(list, (count + na) * sizeof(*list));
    if (grown == NULL)
    {
      if (addrs != &one)
        free(addrs);
      free(list);
      return fail("%s", dp_strerror(DP_ENOMEM));
    }
    list = grown;
    for (size_t k = 0; k < na; k++)
    {
      struct dp_probe_target *t = &list[count++];
      memset(t, 0, sizeof(*t));
      t->given = ct->given;
      t->addr = addrs[k].addr;
      t->addrlen = addrs[k].addrlen;
      t->zone = ct->zone ? ct->zone : cfg->zone;
      t->zone_given = ct->zone != NULL || cfg->zone_given;
      t->recursion_name = cfg->recursion_name;
    }
    if (addrs != &one)
      free(addrs);
  }
  *out = list;
  *n = count;
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

/* Streaming a report (jsonl) as each target completes. */
struct stream
{
  FILE *fp;
  dp_format_t format;
  const struct dp_run *run;
  const struct dp_report_options *rep;
  dp_status_t st;
  bool streams;  /* jsonl: write each target as it completes */
  bool progress; /* stderr is a terminal: show targets done */
  size_t done, total;
  struct timespec started;
};

/* As each target completes: stream it (jsonl) and, on a terminal, show
 * progress on stderr (targets done of all, rate, time left). */
static void stream_target(void *arg, const struct dp_target_result *t)
{
  struct stream *s = arg;
  if (s->streams && s->st == DP_OK)
    s->st = dp_report_write_target(s->fp, s->format, s->run, t, s->rep);
  s->done++;
  if (s->progress)
  {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double secs = (double)(now.tv_sec - s->started.tv_sec) +
                  (double)(now.tv_nsec - s->started.tv_nsec) / 1e9;
    double rate = secs > 0 ? (double)s->done / secs : 0.0;
    double left = rate > 0 ? (double)(s->total - s->done) / rate : 0.0;
    fprintf(stderr, "\r%zu/%zu targets, %.0f/s, %.0f s left\033[K", s->done,
            s->total, rate, left);
    if (s->done == s->total)
      fputs("\r\033[K", stderr);
  }
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
  struct sockaddr_storage resolver;
  socklen_t resolver_len = 0;
  dp_report_output_t *out = NULL;
  struct dp_run run;
  bool ran = false;
  int rc;

  if (cfg->help)
  {
    dp_cli_usage(stdout);
    return flushed();
  }
  if (cfg->version)
  {
    printf("dnsprobe %s\n", DP_VERSION);
    return flushed();
  }
  if (cfg->list_probes)
  {
    list_probes();
    return flushed();
  }

  raise_nofile();
  if (cfg->file != NULL && (rc = read_target_file(cfg)) != DP_EXIT_OK)
    goto done;
  if ((rc = run_options(cfg, &ro)) != DP_EXIT_OK)
    goto done;
  bool zone_mode = cfg->ntargets == 0 && cfg->file == NULL;
  rc = zone_mode ? discover_targets(cfg, &resolver, &resolver_len, &found,
                                    missed, &nmissed, &targets, &ntargets)
                 : build_targets(cfg, &targets, &ntargets);
  if (rc != DP_EXIT_OK)
    goto done;

  struct dp_report_options rep = {.color = cfg->output != NULL
                                               ? cfg->color == DP_COLOR_ALWAYS
                                               : use_color(cfg->color),
                                  .width = 80,
                                  .version = DP_VERSION,
                                  .show_commands = cfg->show_commands,
                                  .verbose = cfg->verbose};
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
  struct stream sm = {
      .fp = fp, .format = cfg->format, .run = &run, .rep = &rep, .st = DP_OK};
  sm.streams = dp_report_format_streams(cfg->format);
  /* progress only for a person watching a fleet, never into a pipe */
  sm.progress = ntargets > 1 && isatty(STDERR_FILENO);
  sm.total = ntargets;
  clock_gettime(CLOCK_MONOTONIC, &sm.started);
  if (sm.streams || sm.progress)
  {
    ro.target_done = stream_target;
    ro.arg = &sm;
  }
  /* A streamed target is written out as it completes; only zone mode's
   * comparison needs its probes afterwards. A fleet of any size then holds
   * the results of the targets in flight, not of all of them. */
  ro.release_done = sm.streams && !zone_mode;
  st = dp_probe_run(targets, ntargets, &ro, &run);
  ran = true;
  bool interrupted = st == DP_EINTERRUPTED;
  if (interrupted)
  {
    /* Ctrl-C: report the targets that finished, then exit 3. */
    if (sm.progress)
      fputs("\r\033[K", stderr);
    size_t done = keep_finished(&run);
    fprintf(stderr, "dnsprobe: interrupted: %zu of %zu targets finished\n",
            done, ntargets);
    st = DP_OK;
  }
  if (st != DP_OK)
  {
    rc = fail("cannot run the probes: %s", dp_strerror(st));
    goto done;
  }

  if (zone_mode)
  {
    /* compare the zone's servers: serials, authority, lameness */
    zone = calloc(1, sizeof(*zone));
    if (zone != NULL &&
        dp_diagnose_zone(&run, cfg->zone,
                         cfg->resolver_given ? cfg->resolver.given
                                             : "the system resolver",
                         zone) != DP_EINVAL)
    {
      for (size_t i = 0; i < nmissed; i++)
        (void)dp_diagnose_zone_unresolved(zone, missed[i].ns, missed[i].why);
      /* the delegation, NS set and SOA, then the zone's root causes; an
       * interrupted run goes without them */
      st = interrupted ? DP_OK
                       : dp_probe_delegation(
                             cfg->zone, (const struct sockaddr *)&resolver,
                             resolver_len, cfg->family, cfg->timeout_ms, found,
                             ntargets, missed, nmissed, &zone->delegation);
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
  if (sm.streams)
    st = sm.st;
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
  else if (st == DP_OK && fflush(stdout) != 0)
    st = DP_EIO;
  rc = st == DP_OK && !interrupted ? (int)run.status : DP_EXIT_UNKNOWN;
  if (st != DP_OK)
    fail("cannot write the report: %s", strerror(errno));

done:
  dp_report_output_destroy(out);
  dp_diagnose_zone_clear(zone);
  free(zone);
  if (ran)
    dp_run_clear(&run);
  free(targets);
  free(found);
  return rc;
}
