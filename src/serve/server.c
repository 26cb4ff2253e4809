/*
 * server.c: `dnsprobe serve`, libevent's evhttp on the engine's loop.
 *
 * GET /probe?target=...&module=...&zone=... runs one battery per address of
 * the target (a runner per module, on the one engine) and answers the
 * Prometheus exposition that `--format prometheus` writes for it, plus the
 * battery's duration and the result's age; /metrics is the exporter's own
 * metrics, /healthz its liveness, / a small page of modules and results
 * (those two pages are pages.c's).
 *
 * A request goes through these gates before anything is sent: its query
 * (400), its module (400), the allow-list for an address or a host name
 * (403), the resolved addresses of a host name, every one of them, against
 * the allow-list (403), then the limits: a key (module, target, address,
 * zone) with a result younger than the minimum interval is answered from
 * the cache, one with a battery running joins it, and a new battery runs
 * when fewer than max_in_flight do, else waits in a queue of max_queue,
 * else the request gets 503 with Retry-After. Every request has a
 * deadline: the scrape timeout Prometheus sends less a margin (or, without
 * it, the module's longest battery), 504 when it passes; the queries'
 * timeouts are cut so that the battery fits in it.
 *
 * Invariants: every request is answered exactly once (reply_*), then its
 * log line written; a battery (job) runs at most once per key at a time
 * and ends exactly once (on_job_done), whatever became of its requests; a
 * configuration (gen) lives while a request or a job uses it, and its
 * runners are destroyed from a zero-delay timer, never inside one of
 * their callbacks; every libevent event this file adds is freed before the
 * engine is. SIGTERM and SIGINT stop accepting and let what was accepted
 * finish (a second one stops at once); SIGHUP reloads the configuration
 * and keeps the old one when the new one is bad.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>

#include "dnsprobe/probes.h"
#include "dnsprobe/report.h"
#include "dnsprobe/serve.h"
#include "dp_config.h"
#include "serve_priv.h"

#define REQUESTS_MAX 4096    /* requests waiting for a battery or a lookup */
#define ADDRS_MAX 8          /* addresses of a host name, one battery each */
#define HEADERS_MAX 8192     /* bytes of a request's line and headers */
#define IDLE_TIMEOUT_S 30    /* a connection silent this long is closed */
#define MARGIN_MS 500        /* off Prometheus's scrape timeout, at most */
#define PROBE_TIMEOUT_MIN 50 /* ms: the shortest query timeout a cut gives */
#define FLUSH_MS 2000        /* at a stop: time left for the last replies */
#define LOG_VALUE_MAX 256    /* bytes of a value in a log line */
#define ACCEPT_PAUSE_MS 1000 /* out of file descriptors: accept again later */

/* ---- the objects --------------------------------------------------------- */

/* One address of a request: its battery (job) or its result. */
struct slot
{
  struct preq *rq;
  struct job *job;              /* waiting on it, or NULL */
  struct slot *wnext;           /* the job's waiters */
  struct dp_serve_result *res;  /* when ready */
  double age_ms;                /* of a cached result */
  struct sockaddr_storage addr; /* with the port */
};

/* A /probe request waiting for its lookup or batteries. */
struct preq
{
  struct server *srv;
  struct evhttp_request *req;
  struct preq *prev, *next; /* the server's pending requests */
  struct gen *gen;          /* a reference */
  const struct dp_serve_module *m;
  struct dp_serve_query q;
  char zone[DP_WIRE_NAME_STRLEN];
  dp_engine_lookup_t *lookup;
  dp_engine_timer_t *deadline;
  unsigned budget_ms;        /* until the deadline */
  unsigned probe_timeout_ms; /* each query's */
  double t0;                 /* engine clock */
  size_t nslots, nready;
  struct slot slots[ADDRS_MAX];
  bool hit, joined, missed; /* what the cache said, for the log */
};

/* A battery for one key. */
struct job
{
  struct server *srv;
  struct job *prev, *next; /* the server's jobs */
  struct job *qnext;       /* the queue, while queued */
  bool queued, running;
  struct gen *gen; /* a reference */
  size_t module;   /* index in gen->cfg.modules */
  struct dp_serve_entry *entry;
  struct dp_serve_result *res; /* its out: res->t */
  struct slot *waiters;
  struct dp_probe_target in;
  char given[DP_SERVE_TARGET_MAX + 1];
  char zone[DP_WIRE_NAME_STRLEN];
  char recursion_name[DP_WIRE_NAME_STRLEN];
};

/* ---- small helpers ------------------------------------------------------- */

static double now_ms(const struct server *s)
{
  return dp_engine_now_ms(s->eng);
}

/* A logfmt value: bare when it is made of safe bytes, else quoted with \"
 * and \\ escaped and other bytes as \xHH; at most LOG_VALUE_MAX bytes of
 * it, so a log line stays one line whatever a client sent. */
static void log_value(struct evbuffer *b, const char *v)
{
  static const char hex[] = "0123456789abcdef";
  size_t n = strlen(v);
  bool bare = n > 0;
  for (size_t i = 0; i < n && bare; i++)
  {
    unsigned char c = (unsigned char)v[i];
    bare = c > 0x20 && c < 0x7f && c != '"' && c != '=' && c != '\\';
  }
  if (n > LOG_VALUE_MAX)
    n = LOG_VALUE_MAX;
  if (bare)
  {
    evbuffer_add(b, v, n);
    return;
  }
  evbuffer_add(b, "\"", 1);
  for (size_t i = 0; i < n; i++)
  {
    unsigned char c = (unsigned char)v[i];
    if (c == '"' || c == '\\')
      evbuffer_add_printf(b, "\\%c", c);
    else if (c < 0x20 || c >= 0x7f)
      evbuffer_add_printf(b, "\\x%c%c", hex[c >> 4], hex[c & 15]);
    else
      evbuffer_add(b, &v[i], 1);
  }
  evbuffer_add(b, "\"", 1);
}

static void log_pair(struct evbuffer *b, const char *key, const char *v)
{
  if (v == NULL)
    return;
  evbuffer_add_printf(b, " %s=", key);
  log_value(b, v);
}

/* One line on the log: "ts=... level=LEVEL msg=MSG" and the pairs given
 * as key, value, ..., NULL. */
static void log_line(struct server *s, const char *level, const char *msg, ...)
{
  char ts[40];
  struct evbuffer *b = evbuffer_new();
  if (b == NULL || s->opt->log == NULL)
  {
    if (b != NULL)
      evbuffer_free(b);
    return;
  }
  dp_utc_now(ts, sizeof(ts));
  evbuffer_add_printf(b, "ts=%s level=%s msg=", ts, level);
  log_value(b, msg);
  va_list ap;
  va_start(ap, msg);
  for (const char *k = va_arg(ap, const char *); k != NULL;
       k = va_arg(ap, const char *))
    log_pair(b, k, va_arg(ap, const char *));
  va_end(ap);
  evbuffer_add(b, "\n", 1);
  size_t len = evbuffer_get_length(b);
  unsigned char *line = evbuffer_pullup(b, -1);
  if (line != NULL)
  {
    fwrite(line, 1, len, s->opt->log);
    fflush(s->opt->log);
  }
  evbuffer_free(b);
}

static enum handler handler_of(const char *path)
{
  if (path == NULL)
    return H_OTHER;
  if (strcmp(path, "/probe") == 0)
    return H_PROBE;
  if (strcmp(path, "/metrics") == 0)
    return H_METRICS;
  if (strcmp(path, "/healthz") == 0)
    return H_HEALTHZ;
  if (strcmp(path, "/") == 0)
    return H_INDEX;
  return H_OTHER;
}

static const char *request_path(struct evhttp_request *req)
{
  const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
  const char *p = u != NULL ? evhttp_uri_get_path(u) : NULL;
  return p != NULL && p[0] != '\0' ? p : "/";
}

/* The request's reply has left. At a stop, the last one ends the loop. */
static void on_reply_sent(struct evhttp_request *req, void *arg)
{
  struct server *s = arg;
  (void)req;
  if (s->sending > 0)
    s->sending--;
  if (s->stopping && s->sending == 0)
  {
    dp_engine_timer_cancel(s->flush);
    s->flush = NULL;
    dp_engine_stop(s->eng);
  }
}

/* The one way a request is answered: the reply, its counters and its log
 * line. reason is the one-line cause of an error (its body), or NULL. */
void dp_serve_reply(struct server *s, struct evhttp_request *req, int code,
                    const char *ctype, struct evbuffer *body,
                    const char *reason, const struct preq *rq)
{
  char status[8], dur[32], bytes[32], peer[80] = "-";
  enum handler h = handler_of(request_path(req));
  struct evkeyvalq *out = evhttp_request_get_output_headers(req);
  struct evbuffer *tmp = NULL;

  if (body == NULL)
  {
    tmp = evbuffer_new();
    body = tmp;
    if (reason != NULL && body != NULL)
      evbuffer_add_printf(body, "%s\n", reason);
    ctype = "text/plain; charset=utf-8";
  }
  if (ctype != NULL)
    evhttp_add_header(out, "Content-Type", ctype);
  if (s->draining)
    evhttp_add_header(out, "Connection", "close");
  for (size_t k = 0; k < NCODES; k++)
    if (dp_serve_codes[k] == code)
      s->st.requests[h][k]++;
  size_t len = body != NULL ? evbuffer_get_length(body) : 0;

  struct evhttp_connection *evcon = evhttp_request_get_connection(req);
  if (evcon != NULL)
  {
    char *addr = NULL;
    ev_uint16_t port = 0;
    evhttp_connection_get_peer(evcon, &addr, &port);
    if (addr != NULL)
      snprintf(peer, sizeof(peer), strchr(addr, ':') ? "[%s]:%u" : "%s:%u",
               addr, (unsigned)port);
  }
  snprintf(status, sizeof(status), "%d", code);
  snprintf(bytes, sizeof(bytes), "%zu", len);
  double ms = rq != NULL ? now_ms(s) - rq->t0 : 0;
  snprintf(dur, sizeof(dur), "%.3f", ms);
  const char *cache = NULL;
  if (rq != NULL && code == 200)
    cache = rq->missed   ? (rq->hit || rq->joined ? "mixed" : "miss")
            : rq->joined ? (rq->hit ? "mixed" : "join")
                         : "hit";
  const char *method = "GET";
  switch (evhttp_request_get_command(req))
  {
  case EVHTTP_REQ_GET:
    break;
  case EVHTTP_REQ_HEAD:
    method = "HEAD";
    break;
  default:
    method = "other";
    break;
  }
  log_line(s, code >= 500 ? "warn" : "info", "request", "method", method,
           "path", request_path(req), "status", status, "remote", peer,
           "target",
           rq != NULL && rq->q.target.text[0] ? rq->q.target.text : NULL,
           "module", rq != NULL && rq->m != NULL ? rq->m->name : NULL, "cache",
           cache, "duration_ms", rq != NULL ? dur : NULL, "bytes", bytes,
           "reason", reason, (const char *)NULL);

  /* a request whose client left has no connection: the reply frees it */
  if (evcon != NULL)
  {
    s->sending++;
    evhttp_request_set_on_complete_cb(req, on_reply_sent, s);
  }
  evhttp_send_reply(req, code, code == 200 ? "OK" : NULL, body);
  if (tmp != NULL)
    evbuffer_free(tmp);
}

void dp_serve_reject(struct server *s, struct evhttp_request *req, int code,
                     enum reason r, const char *why, const struct preq *rq)
{
  s->st.rejected[r]++;
  dp_serve_reply(s, req, code, NULL, NULL, why, rq);
}

/* ---- configurations ------------------------------------------------------ */

static void gen_free(struct gen *g)
{
  if (g == NULL)
    return;
  for (size_t i = 0; g->runners != NULL && i < g->cfg.nmodules; i++)
    dp_runner_destroy(g->runners[i]);
  free(g->runners);
  dp_serve_config_clear(&g->cfg);
  free(g);
}

static void on_reap(void *arg)
{
  struct server *s = arg;
  s->reap = NULL;
  for (struct gen **pp = &s->retired; *pp != NULL;)
  {
    struct gen *g = *pp;
    if (g->refs == 0)
    {
      *pp = g->next;
      gen_free(g);
    }
    else
      pp = &g->next;
  }
}

static struct gen *gen_ref(struct gen *g)
{
  g->refs++;
  return g;
}

/* Drop a reference; a retired configuration nobody uses is freed soon,
 * from the loop: this may run inside one of its runners' callbacks. */
static void gen_unref(struct gen *g)
{
  if (g == NULL || --g->refs > 0)
    return;
  struct server *s = g->srv;
  if (s->reap == NULL &&
      dp_engine_timer_start(s->eng, 0, on_reap, s, &s->reap) != DP_OK)
    s->reap = NULL; /* freed at the stop */
}

/* A configuration from the file (or the built-in one) and the command
 * line's allow-list, with a runner per module. */
static dp_status_t gen_create(struct server *s, char *err, size_t errcap,
                              struct gen **out)
{
  struct gen *g = calloc(1, sizeof(*g));
  dp_status_t st;
  *out = NULL;
  if (g == NULL)
    return DP_ENOMEM;
  g->srv = s;
  if (s->opt->config_path != NULL)
    st = dp_serve_config_load(s->opt->config_path, &g->cfg, err, errcap);
  else
    st = dp_serve_config_default(&g->cfg);
  if (st == DP_OK)
  {
    st = dp_serve_allow_merge(&g->cfg.allow, &s->opt->allow);
    if (st == DP_ERANGE)
      snprintf(err, errcap, "more than %d allow-list rules",
               DP_SERVE_ALLOW_MAX);
  }
  if (st == DP_OK)
  {
    g->runners = calloc(g->cfg.nmodules, sizeof(*g->runners));
    if (g->runners == NULL)
      st = DP_ENOMEM;
  }
  for (size_t i = 0; st == DP_OK && i < g->cfg.nmodules; i++)
  {
    const struct dp_serve_module *m = &g->cfg.modules[i];
    struct dp_probe_run_options ro;
    memset(&ro, 0, sizeof(ro));
    ro.probes = m->probes;
    ro.timeout_ms = m->timeout_ms;
    ro.spacing_ms = m->spacing_ms;
    ro.expect = m->expect_given ? &m->expect : NULL;
    ro.fix_for = m->fix_for;
    ro.parallel = s->opt->max_in_flight;
    ro.identity_ttl_ms = DP_SERVE_IDENTITY_TTL;
    st = dp_runner_create(s->eng, &ro, &g->runners[i]);
  }
  if (st != DP_OK)
  {
    if (st == DP_ENOMEM)
      snprintf(err, errcap, "%s", dp_strerror(st));
    gen_free(g);
    return st;
  }
  g->refs = 1;
  *out = g;
  return DP_OK;
}

/* ---- batteries ----------------------------------------------------------- */

/* The longest a battery of module m with query timeout t can take: the
 * queries and the follow-ups they call for, each one timeout, the grace
 * period, and the spacing between queries. */
static unsigned battery_bound_ms(const struct dp_serve_module *m, unsigned t)
{
  return 2 * t + m->spacing_ms * (DP_PROBE_COUNT + 8) + 300;
}

static void job_unlink(struct server *s, struct job *j)
{
  if (j->prev != NULL)
    j->prev->next = j->next;
  else if (s->jobs == j)
    s->jobs = j->next;
  if (j->next != NULL)
    j->next->prev = j->prev;
  j->prev = j->next = NULL;
}

static void job_free(struct job *j)
{
  struct server *s = j->srv;
  job_unlink(s, j);
  dp_serve_result_unref(j->res);
  gen_unref(j->gen);
  free(j);
}

static void dequeue(struct server *s, struct job *j)
{
  struct job **pp = &s->qhead, *prev = NULL;
  while (*pp != NULL && *pp != j)
  {
    prev = *pp;
    pp = &(*pp)->qnext;
  }
  if (*pp == NULL)
    return;
  *pp = j->qnext;
  if (s->qtail == j)
    s->qtail = prev;
  j->qnext = NULL;
  j->queued = false;
  s->nqueued--;
}

static void maybe_stop(struct server *s);
static void job_done_all(struct job *j, const char *why);
static void slot_ready(struct slot *sl, struct dp_serve_result *r,
                       double age_ms);
static void on_job_done(void *arg, struct dp_target_result *t);

/* Hand a job to its module's runner. false: it could not start, its
 * requests were answered (500) and it is freed. */
static bool job_start(struct job *j)
{
  struct server *s = j->srv;
  j->running = true;
  s->inflight++;
  dp_status_t st = dp_runner_submit(j->gen->runners[j->module], &j->in,
                                    &j->res->t, on_job_done, j);
  if (st == DP_OK)
    return true;
  s->inflight--;
  j->running = false;
  s->st.probes[RESULTS - 1]++;
  dp_serve_cache_abandon(s->cache, j->entry);
  j->entry = NULL;
  job_done_all(j, dp_strerror(st));
  job_free(j);
  return false;
}

/* Start queued jobs while there is room. */
static void pump(struct server *s)
{
  while (s->qhead != NULL && s->inflight < s->opt->max_in_flight)
  {
    struct job *j = s->qhead;
    s->qhead = j->qnext;
    if (s->qhead == NULL)
      s->qtail = NULL;
    j->qnext = NULL;
    j->queued = false;
    s->nqueued--;
    (void)job_start(j);
  }
}

static void recent_add(struct server *s, const struct job *j,
                       const struct dp_target_result *t)
{
  struct recent *r = &s->recent[s->recent_next];
  s->recent_next = (s->recent_next + 1) % DP_SERVE_RECENT;
  memset(r, 0, sizeof(*r));
  r->used = true;
  r->at = time(NULL);
  snprintf(r->module, sizeof(r->module), "%s",
           j->gen->cfg.modules[j->module].name);
  snprintf(r->target, sizeof(r->target), "%s", j->given);
  snprintf(r->address, sizeof(r->address), "%s", t->address);
  snprintf(r->zone, sizeof(r->zone), "%s", t->zone);
  r->status = t->status;
  r->duration_ms = t->duration_ms;
  size_t used = 0;
  for (size_t i = 0; i < t->ndiagnosis && t->diagnosis != NULL; i++)
  {
    int w = snprintf(r->causes + used, sizeof(r->causes) - used, "%s%s",
                     used ? " " : "", dp_cause_tostr(t->diagnosis[i].cause));
    if (w < 0 || (size_t)w >= sizeof(r->causes) - used)
    {
      r->causes[used] = '\0';
      break;
    }
    used += (size_t)w;
  }
}

/* What a cached result needs: the exposition reads the verdicts, RCODEs,
 * EDE codes, times and causes, never the sentences. */
static void strip(struct dp_target_result *t)
{
  for (size_t i = 0; i < t->nprobes && t->probes != NULL; i++)
  {
    struct dp_probe_result *p = &t->probes[i];
    free(p->summary);
    free(p->explanation);
    free(p->fix);
    free(p->followups);
    p->summary = p->explanation = p->fix = NULL;
    p->followups = NULL;
    p->nfollowups = 0;
  }
  for (size_t i = 0; i < t->ndiagnosis && t->diagnosis != NULL; i++)
  {
    struct dp_root_cause *c = &t->diagnosis[i];
    free(c->headline);
    free(c->evidence);
    free(c->explanation);
    free(c->fix);
    c->headline = c->evidence = c->explanation = c->fix = NULL;
  }
}

static void observe(struct server *s, const struct dp_target_result *t)
{
  double secs = t->duration_ms / 1000.0;
  size_t b = 0;
  while (b < NBUCKETS && secs > dp_serve_buckets[b])
    b++;
  s->st.hist[b]++;
  s->st.hist_sum += secs;
  unsigned k = t->status <= DP_HEALTH_UNKNOWN ? (unsigned)t->status : 3u;
  s->st.probes[k]++;
}

/* From the runner, once per job: the battery ended (t->finished) or could
 * not start. */
static void on_job_done(void *arg, struct dp_target_result *t)
{
  struct job *j = arg;
  struct server *s = j->srv;
  j->running = false;
  s->inflight--;
  if (t->finished)
  {
    strip(t);
    observe(s, t);
    recent_add(s, j, t);
    dp_serve_cache_finish(s->cache, j->entry, j->res, now_ms(s));
    j->entry = NULL;
    for (struct slot *w = j->waiters; w != NULL;)
    {
      struct slot *next = w->wnext;
      w->job = NULL;
      w->wnext = NULL;
      slot_ready(w, j->res, 0);
      w = next;
    }
    j->waiters = NULL;
  }
  else
  {
    s->st.probes[RESULTS - 1]++;
    dp_serve_cache_abandon(s->cache, j->entry);
    j->entry = NULL;
    job_done_all(j, dp_strerror(dp_runner_status(j->gen->runners[j->module])));
  }
  job_free(j);
  pump(s);
  maybe_stop(s);
}

/* ---- requests ------------------------------------------------------------ */

static void preq_unlink(struct server *s, struct preq *rq)
{
  if (rq->prev != NULL)
    rq->prev->next = rq->next;
  else if (s->pending == rq)
    s->pending = rq->next;
  if (rq->next != NULL)
    rq->next->prev = rq->prev;
  rq->prev = rq->next = NULL;
  s->npending--;
}

/* Leave the job a slot waits on; a queued job nobody waits for any more
 * never runs. */
static void slot_detach(struct slot *sl)
{
  struct job *j = sl->job;
  if (j == NULL)
    return;
  for (struct slot **pp = &j->waiters; *pp != NULL; pp = &(*pp)->wnext)
    if (*pp == sl)
    {
      *pp = sl->wnext;
      break;
    }
  sl->job = NULL;
  sl->wnext = NULL;
  if (j->queued && j->waiters == NULL)
  {
    struct server *s = j->srv;
    dequeue(s, j);
    dp_serve_cache_abandon(s->cache, j->entry);
    j->entry = NULL;
    job_free(j);
  }
}

/* A request leaves: its slots, lookup and deadline go, it is unlinked. */
static void preq_free(struct preq *rq)
{
  struct server *s = rq->srv;
  for (size_t i = 0; i < rq->nslots; i++)
  {
    slot_detach(&rq->slots[i]);
    dp_serve_result_unref(rq->slots[i].res);
  }
  dp_engine_resolve_cancel(rq->lookup);
  dp_engine_timer_cancel(rq->deadline);
  preq_unlink(s, rq);
  gen_unref(rq->gen);
  free(rq);
}

static void preq_fail(struct preq *rq, int code, enum reason r, const char *why)
{
  struct server *s = rq->srv;
  dp_serve_reject(s, rq->req, code, r, why, rq);
  preq_free(rq);
  maybe_stop(s);
}

/* Every waiter of a job that could not run gets a 500. */
static void job_done_all(struct job *j, const char *why)
{
  char msg[160];
  snprintf(msg, sizeof(msg), "the battery could not run: %s", why);
  while (j->waiters != NULL)
  {
    struct slot *w = j->waiters;
    j->waiters = w->wnext;
    w->job = NULL;
    w->wnext = NULL;
    preq_fail(w->rq, 500, R_INTERNAL, msg);
  }
}

/* A label value of the text exposition format: \\, \" and \n escaped. */
static void put_label_value(FILE *fp, const char *v)
{
  for (; *v != '\0'; v++)
  {
    if (*v == '\\' || *v == '"')
      fprintf(fp, "\\%c", *v);
    else if (*v == '\n')
      fputs("\\n", fp);
    else
      fputc(*v, fp);
  }
}

static void put_target_sample(FILE *fp, const char *name, const char *given,
                              const struct dp_target_result *t, double v)
{
  fprintf(fp, "%s{target=\"", name);
  put_label_value(fp, given);
  fputs("\",address=\"", fp);
  put_label_value(fp, t->address);
  fprintf(fp, "\",port=\"%u\"} %.6f\n", (unsigned)t->port, v);
}

/* The exposition of a request's results: `--format prometheus`'s, then the
 * battery's duration and the result's age per address. */
static struct evbuffer *render_probe(struct preq *rq, char *why, size_t cap)
{
  struct dp_run run;
  char *text = NULL;
  size_t len = 0;
  memset(&run, 0, sizeof(run));
  run.targets = calloc(rq->nslots, sizeof(*run.targets));
  FILE *m = run.targets != NULL ? open_memstream(&text, &len) : NULL;
  if (m == NULL)
  {
    free(run.targets);
    snprintf(why, cap, "%s", dp_strerror(DP_ENOMEM));
    return NULL;
  }
  /* shallow copies, each with the target as this request gave it */
  for (size_t i = 0; i < rq->nslots; i++)
  {
    run.targets[i] = rq->slots[i].res->t;
    run.targets[i].given = rq->q.target.text;
    if (run.targets[i].duration_ms > run.duration_ms)
      run.duration_ms = run.targets[i].duration_ms;
    if (run.targets[i].status > run.status)
      run.status = run.targets[i].status;
  }
  run.ntargets = rq->nslots;
  dp_utc_now(run.started_at, sizeof(run.started_at));
  struct dp_report_options ro = {.version = DP_VERSION};
  dp_status_t st = dp_report_write(m, DP_FORMAT_PROMETHEUS, &run, NULL, &ro);
  fputs("# HELP dnsprobe_probe_duration_seconds How long the target's "
        "battery took, in seconds (of the cached battery when "
        "dnsprobe_probe_cache_age_seconds is above 0).\n"
        "# TYPE dnsprobe_probe_duration_seconds gauge\n",
        m);
  for (size_t i = 0; i < rq->nslots; i++)
    put_target_sample(m, "dnsprobe_probe_duration_seconds", rq->q.target.text,
                      &run.targets[i], run.targets[i].duration_ms / 1000.0);
  fputs("# HELP dnsprobe_probe_cache_age_seconds Age of the result in "
        "seconds: 0 when this scrape ran the battery, more when it came "
        "from an earlier scrape inside the minimum interval.\n"
        "# TYPE dnsprobe_probe_cache_age_seconds gauge\n",
        m);
  for (size_t i = 0; i < rq->nslots; i++)
    put_target_sample(m, "dnsprobe_probe_cache_age_seconds", rq->q.target.text,
                      &run.targets[i], rq->slots[i].age_ms / 1000.0);
  if (fclose(m) != 0 && st == DP_OK)
    st = DP_ENOMEM;
  free(run.targets);
  struct evbuffer *b = st == DP_OK ? evbuffer_new() : NULL;
  if (b != NULL && evbuffer_add(b, text, len) != 0)
  {
    evbuffer_free(b);
    b = NULL;
  }
  if (b == NULL)
    snprintf(why, cap, "cannot write the exposition: %s", dp_strerror(st));
  free(text);
  return b;
}

/* Every slot of the request is ready: answer it. */
static void preq_complete(struct preq *rq)
{
  struct server *s = rq->srv;
  char why[160];
  struct evbuffer *body = render_probe(rq, why, sizeof(why));
  if (body == NULL)
  {
    preq_fail(rq, 500, R_INTERNAL, why);
    return;
  }
  dp_serve_reply(s, rq->req, 200, "text/plain; version=0.0.4; charset=utf-8",
                 body, NULL, rq);
  evbuffer_free(body);
  preq_free(rq);
  maybe_stop(s);
}

static void slot_ready(struct slot *sl, struct dp_serve_result *r,
                       double age_ms)
{
  struct preq *rq = sl->rq;
  sl->res = dp_serve_result_ref(r);
  sl->age_ms = age_ms;
  if (++rq->nready == rq->nslots)
    preq_complete(rq);
}

static void on_deadline(void *arg)
{
  struct preq *rq = arg;
  char why[160];
  rq->deadline = NULL;
  snprintf(why, sizeof(why),
           "the probe did not end within the scrape's time (%u ms)",
           rq->budget_ms);
  preq_fail(rq, 504, R_TIMEOUT, why);
}

/* Give each address of the request its result, its running battery, or a
 * new battery (started, or queued). false: the request was answered (503,
 * 500) and freed. */
static bool preq_dispatch(struct preq *rq)
{
  struct server *s = rq->srv;
  char key[1024];
  double now = now_ms(s);
  for (size_t i = 0; i < rq->nslots; i++)
  {
    struct slot *sl = &rq->slots[i];
    struct dp_serve_entry *e = NULL;
    if (dp_serve_key_write(key, sizeof(key), rq->m->name, rq->q.target.text,
                           &sl->addr, rq->zone) != DP_OK)
    {
      preq_fail(rq, 500, R_INTERNAL, "the cache key does not fit");
      return false;
    }
    switch (dp_serve_cache_lookup(s->cache, key, now, &e))
    {
    case DP_SERVE_HIT:
      s->st.cache_hit++;
      rq->hit = true;
      sl->res = dp_serve_result_ref(e->result);
      sl->age_ms = now - e->result->finished_ms;
      rq->nready++;
      continue;
    case DP_SERVE_JOIN:
      s->st.cache_join++;
      rq->joined = true;
      sl->job = e->job;
      sl->wnext = sl->job->waiters;
      sl->job->waiters = sl;
      continue;
    case DP_SERVE_MISS:
      break;
    }
    s->st.cache_miss++;
    rq->missed = true;
    if (s->inflight >= s->opt->max_in_flight && s->nqueued >= s->opt->max_queue)
    {
      char why[160];
      unsigned secs = (battery_bound_ms(rq->m, rq->m->timeout_ms) + 999) / 1000;
      snprintf(why, sizeof(why),
               "%u batteries running and %zu waiting: try "
               "again later",
               s->inflight, s->nqueued);
      char ra[16];
      snprintf(ra, sizeof(ra), "%u", secs ? secs : 1);
      evhttp_add_header(evhttp_request_get_output_headers(rq->req),
                        "Retry-After", ra);
      preq_fail(rq, 503, R_OVERLOADED, why);
      return false;
    }
    struct job *j = calloc(1, sizeof(*j));
    struct dp_serve_result *res = j != NULL ? dp_serve_result_create() : NULL;
    dp_status_t st = res != NULL
                         ? dp_serve_cache_begin(s->cache, key, now, j, &e)
                         : DP_ENOMEM;
    if (st != DP_OK)
    {
      dp_serve_result_unref(res);
      free(j);
      if (st == DP_ERANGE)
        preq_fail(rq, 503, R_OVERLOADED, "too many targets at once");
      else
        preq_fail(rq, 500, R_INTERNAL, dp_strerror(st));
      return false;
    }
    j->srv = s;
    j->res = res;
    j->entry = e;
    j->gen = gen_ref(rq->gen);
    j->module = (size_t)(rq->m - rq->gen->cfg.modules);
    snprintf(j->given, sizeof(j->given), "%s", rq->q.target.text);
    snprintf(j->zone, sizeof(j->zone), "%s", rq->zone);
    j->in.given = j->given;
    j->in.addr = sl->addr;
    j->in.addrlen = sl->addr.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                   : sizeof(struct sockaddr_in);
    j->in.zone = j->zone;
    j->in.zone_given = rq->m->zone_given || rq->q.zone_given;
    j->in.timeout_ms = rq->probe_timeout_ms;
    if (rq->m->recursion_name_given)
      snprintf(j->recursion_name, sizeof(j->recursion_name), "%s",
               rq->m->recursion_name);
    else
    {
      /* as the command line: a root server's name, unless inside the zone */
      const char *zone = rq->zone;
      size_t zl = strlen(zone);
      const char *pick = "a.root-servers.net.";
      size_t pl = strlen(pick);
      if (strcmp(zone, ".") != 0 && pl >= zl &&
          strcmp(pick + pl - zl, zone) == 0 &&
          (pl == zl || pick[pl - zl - 1] == '.'))
        pick = "www.example.com.";
      snprintf(j->recursion_name, sizeof(j->recursion_name), "%s", pick);
    }
    j->in.recursion_name = j->recursion_name;
    j->next = s->jobs;
    if (s->jobs != NULL)
      s->jobs->prev = j;
    s->jobs = j;
    sl->job = j;
    j->waiters = sl;
    if (s->inflight < s->opt->max_in_flight)
    {
      /* a new job waits only for this request: a start that fails at
       * once has answered it (500) */
      if (!job_start(j))
        return false;
    }
    else
    {
      j->queued = true;
      if (s->qtail != NULL)
        s->qtail->qnext = j;
      else
        s->qhead = j;
      s->qtail = j;
      s->nqueued++;
    }
  }
  if (rq->nready == rq->nslots)
  {
    preq_complete(rq);
    return false;
  }
  return true;
}

static void on_resolved(void *arg, dp_status_t st,
                        const struct dp_engine_addr *addrs, size_t n)
{
  struct preq *rq = arg;
  char why[512], a[64];
  rq->lookup = NULL;
  if (st != DP_OK)
  {
    snprintf(why, sizeof(why), "target '%s': %s", rq->q.target.text,
             dp_strerror(st));
    preq_fail(rq, st == DP_ENOTFOUND ? 400 : 500,
              st == DP_ENOTFOUND ? R_BAD_REQUEST : R_INTERNAL, why);
    return;
  }
  /* every address the name has must be allowed, before anything is sent */
  for (size_t i = 0; i < n; i++)
    if (!dp_serve_allow_address(&rq->gen->cfg.allow, &addrs[i].addr))
    {
      const struct sockaddr *sa = (const struct sockaddr *)&addrs[i].addr;
      const void *raw =
          sa->sa_family == AF_INET6
              ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
              : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
      if (evutil_inet_ntop(sa->sa_family, raw, a, sizeof(a)) == NULL)
        snprintf(a, sizeof(a), "?");
      snprintf(why, sizeof(why),
               "target '%s': its address %s is outside the allow-list",
               rq->q.target.text, a);
      preq_fail(rq, 403, R_FORBIDDEN, why);
      return;
    }
  if (n > ADDRS_MAX)
  {
    snprintf(why, sizeof(why),
             "target '%s': %zu addresses; a scrape probes at most %d (name "
             "them one by one)",
             rq->q.target.text, n, ADDRS_MAX);
    preq_fail(rq, 400, R_BAD_REQUEST, why);
    return;
  }
  rq->nslots = n;
  for (size_t i = 0; i < n; i++)
  {
    rq->slots[i].rq = rq;
    rq->slots[i].addr = addrs[i].addr;
  }
  (void)preq_dispatch(rq);
}

/* X-Prometheus-Scrape-Timeout-Seconds: a positive number of seconds, at
 * most an hour. *ms stays 0 without the header. */
static bool scrape_timeout(struct evhttp_request *req, unsigned *ms)
{
  const char *v = evhttp_find_header(evhttp_request_get_input_headers(req),
                                     "X-Prometheus-Scrape-Timeout-Seconds");
  *ms = 0;
  if (v == NULL)
    return true;
  char *end = NULL;
  errno = 0;
  double secs = strtod(v, &end);
  if (end == v || *end != '\0' || errno != 0 || !(secs > 0) || secs > 3600)
    return false;
  *ms = (unsigned)(secs * 1000.0);
  return *ms > 0;
}

static void handle_probe(struct server *s, struct evhttp_request *req)
{
  char why[512];
  struct preq *rq = calloc(1, sizeof(*rq));
  if (rq == NULL)
  {
    dp_serve_reject(s, req, 500, R_INTERNAL, dp_strerror(DP_ENOMEM), NULL);
    return;
  }
  rq->srv = s;
  rq->req = req;
  rq->t0 = now_ms(s);
  const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
  const char *query = u != NULL ? evhttp_uri_get_query(u) : NULL;
  if (dp_serve_query_parse(query, &rq->q, why, sizeof(why)) != DP_OK)
  {
    dp_serve_reject(s, req, 400, R_BAD_REQUEST, why, rq);
    free(rq);
    return;
  }
  const char *mname = rq->q.module[0] ? rq->q.module : "default";
  rq->m = dp_serve_config_module(&s->gen->cfg, mname);
  if (rq->m == NULL)
  {
    if (rq->q.module[0])
      snprintf(why, sizeof(why), "unknown module '%s'", rq->q.module);
    else
      snprintf(why, sizeof(why),
               "no module= given, and no module named 'default'");
    dp_serve_reject(s, req, 400, R_BAD_REQUEST, why, rq);
    free(rq);
    return;
  }
  unsigned header_ms = 0;
  if (!scrape_timeout(req, &header_ms))
  {
    dp_serve_reject(
        s, req, 400, R_BAD_REQUEST,
        "X-Prometheus-Scrape-Timeout-Seconds: not a number of seconds "
        "above 0 and at most 3600",
        rq);
    free(rq);
    return;
  }
  const struct dp_serve_allow *allow = &s->gen->cfg.allow;
  bool allowed = rq->q.target.is_name
                     ? dp_serve_allow_name(allow, rq->q.target.host)
                     : dp_serve_allow_address(allow, &rq->q.target.addr);
  if (!allowed)
  {
    snprintf(why, sizeof(why),
             rq->q.target.is_name
                 ? "target '%s': the host name is outside the allow-list"
                 : "target '%s': the address is outside the allow-list",
             rq->q.target.text);
    dp_serve_reject(s, req, 403, R_FORBIDDEN, why, rq);
    free(rq);
    return;
  }
  if (s->npending >= REQUESTS_MAX)
  {
    evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After",
                      "1");
    dp_serve_reject(s, req, 503, R_OVERLOADED, "too many requests waiting", rq);
    free(rq);
    return;
  }
  snprintf(rq->zone, sizeof(rq->zone), "%s",
           rq->q.zone_given ? rq->q.zone : rq->m->zone);

  /* The time budget: Prometheus's scrape timeout less a margin (a quarter
   * of it for short ones), or the module's longest battery; each query's
   * timeout is cut so that the battery fits in it. */
  unsigned bound = battery_bound_ms(rq->m, rq->m->timeout_ms);
  if (header_ms > 0)
  {
    unsigned margin = header_ms / 4 < MARGIN_MS ? header_ms / 4 : MARGIN_MS;
    rq->budget_ms = header_ms - margin;
  }
  else
    rq->budget_ms = bound;
  unsigned fixed = battery_bound_ms(rq->m, 0);
  unsigned fit = rq->budget_ms > fixed ? (rq->budget_ms - fixed) / 2 : 0;
  rq->probe_timeout_ms = rq->m->timeout_ms < fit ? rq->m->timeout_ms : fit;
  if (rq->probe_timeout_ms < PROBE_TIMEOUT_MIN)
    rq->probe_timeout_ms = PROBE_TIMEOUT_MIN;
  if (rq->budget_ms == 0)
    rq->budget_ms = 1;

  rq->gen = gen_ref(s->gen);
  rq->next = s->pending;
  if (s->pending != NULL)
    s->pending->prev = rq;
  s->pending = rq;
  s->npending++;
  if (dp_engine_timer_start(s->eng, rq->budget_ms, on_deadline, rq,
                            &rq->deadline) != DP_OK)
  {
    rq->deadline = NULL;
    preq_fail(rq, 500, R_INTERNAL, dp_strerror(DP_ENOMEM));
    return;
  }
  if (rq->q.target.is_name)
  {
    unsigned lt = rq->budget_ms / 3 < 2000 ? rq->budget_ms / 3 : 2000;
    dp_status_t st = dp_engine_resolve_start(
        s->eng, rq->q.target.host, rq->q.target.port, rq->m->family,
        lt ? lt : 1, on_resolved, rq, &rq->lookup);
    if (st != DP_OK)
    {
      rq->lookup = NULL;
      preq_fail(rq, 500, R_INTERNAL, dp_strerror(st));
    }
    return;
  }
  rq->nslots = 1;
  rq->slots[0].rq = rq;
  rq->slots[0].addr = rq->q.target.addr;
  (void)preq_dispatch(rq);
}

/* Answers go out as soon as they are written. evhttp writes a reply of
 * more than one socket buffer's worth in pieces; with Nagle's algorithm the
 * last piece waited for the client's delayed ACK of the one before: 40 ms
 * added to every scrape but a connection's first, and Prometheus keeps its
 * connections. */
static void no_delay(struct evhttp_request *req)
{
  struct evhttp_connection *evcon = evhttp_request_get_connection(req);
  struct bufferevent *bev =
      evcon != NULL ? evhttp_connection_get_bufferevent(evcon) : NULL;
  evutil_socket_t fd = bev != NULL ? bufferevent_getfd(bev) : -1;
  int on = 1;
  if (fd >= 0)
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

static void on_request(struct evhttp_request *req, void *arg)
{
  struct server *s = arg;
  no_delay(req);
  enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
  enum handler h = handler_of(request_path(req));
  if (h == H_OTHER)
  {
    dp_serve_reject(s, req, 404, R_NOT_FOUND,
                    "not found: /probe, /metrics, /healthz and / are served",
                    NULL);
    return;
  }
  if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD)
  {
    evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
                      "GET, HEAD");
    dp_serve_reject(s, req, 405, R_METHOD, "method not allowed: GET or HEAD",
                    NULL);
    return;
  }
  if (s->draining && h != H_METRICS)
  {
    dp_serve_reject(s, req, 503, R_SHUTTING_DOWN, "shutting down", NULL);
    return;
  }
  switch (h)
  {
  case H_PROBE:
    handle_probe(s, req);
    break;
  case H_METRICS:
    dp_serve_page_metrics(s, req);
    break;
  case H_HEALTHZ: {
    struct evbuffer *b = evbuffer_new();
    if (b != NULL)
      evbuffer_add(b, "ok\n", 3);
    dp_serve_reply(s, req, 200, "text/plain; charset=utf-8", b, NULL, NULL);
    if (b != NULL)
      evbuffer_free(b);
    break;
  }
  case H_INDEX:
    dp_serve_page_index(s, req);
    break;
  case H_OTHER:
  case H_COUNT:
    break;
  }
}

/* ---- signals, reload, stop ----------------------------------------------- */

static void on_flush_done(void *arg)
{
  struct server *s = arg;
  s->flush = NULL;
  dp_engine_stop(s->eng);
}

/* Draining and nothing left: the loop ends when the last reply has left
 * (on_reply_sent), or FLUSH_MS later for a client that does not read. */
static void maybe_stop(struct server *s)
{
  if (!s->draining || s->stopping || s->npending > 0 || s->inflight > 0 ||
      s->nqueued > 0)
    return;
  s->stopping = true;
  log_line(s, "info", "stopped: every request answered", (const char *)NULL);
  if (dp_engine_timer_start(s->eng, s->sending > 0 ? FLUSH_MS : 0,
                            on_flush_done, s, &s->flush) != DP_OK)
    dp_engine_stop(s->eng);
}

static void drain(struct server *s)
{
  if (s->draining)
  {
    /* a second signal: stop now */
    log_line(s, "warn", "second signal: stopping without waiting",
             (const char *)NULL);
    s->stopping = true;
    dp_engine_stop(s->eng);
    return;
  }
  s->draining = true;
  if (s->bound != NULL)
  {
    evhttp_del_accept_socket(s->http, s->bound);
    s->bound = NULL;
  }
  char n[64];
  snprintf(n, sizeof(n), "%zu requests, %u batteries", s->npending,
           s->inflight);
  log_line(s, "info", "stopping: no new connections, finishing", "in_flight", n,
           (const char *)NULL);
  maybe_stop(s);
}

static void reload(struct server *s)
{
  char err[512] = "";
  struct gen *g = NULL;
  dp_status_t st = gen_create(s, err, sizeof(err), &g);
  if (st != DP_OK)
  {
    s->st.reloads_failed++;
    s->st.last_reload_ok = false;
    log_line(s, "error", "configuration not reloaded, the old one is kept",
             "error", err[0] ? err : dp_strerror(st), (const char *)NULL);
    return;
  }
  struct gen *old = s->gen;
  s->gen = g;
  old->next = s->retired;
  s->retired = old;
  gen_unref(old);
  /* a module of the same name may probe differently now */
  dp_serve_cache_flush(s->cache);
  s->st.reloads_ok++;
  s->st.last_reload_ok = true;
  s->st.last_reload_ok_unix = (double)time(NULL);
  char n[32];
  snprintf(n, sizeof(n), "%zu", g->cfg.nmodules);
  log_line(s, "info", "configuration reloaded", "modules", n,
           (const char *)NULL);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
  struct server *s = arg;
  (void)what;
  if (sig == SIGHUP)
  {
    if (!s->draining)
      reload(s);
    return;
  }
  drain(s);
}

static void on_accept_resume(void *arg)
{
  struct server *s = arg;
  s->accept_pause = NULL;
  if (s->bound != NULL)
    evconnlistener_enable(evhttp_bound_socket_get_listener(s->bound));
}

/* accept() failed (out of file descriptors, say): pause accepting for a
 * moment instead of spinning on a listening socket that stays readable. */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
  struct server *s = arg;
  int e = EVUTIL_SOCKET_ERROR();
  evconnlistener_disable(l);
  log_line(s, "warn", "cannot accept a connection; pausing", "error",
           evutil_socket_error_to_string(e), (const char *)NULL);
  if (s->accept_pause == NULL &&
      dp_engine_timer_start(s->eng, ACCEPT_PAUSE_MS, on_accept_resume, s,
                            &s->accept_pause) != DP_OK)
    s->accept_pause = NULL;
}

/* Use every file descriptor the hard limit allows: each battery in flight
 * holds a few sockets, each client a connection. */
static void raise_nofile(void)
{
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
  {
    rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &rl);
  }
}

/* After the loop: whatever is still pending is answered 503 and freed,
 * jobs are dropped with their runners. */
static void teardown(struct server *s)
{
  while (s->pending != NULL)
    preq_fail(s->pending, 503, R_SHUTTING_DOWN, "shutting down");
  if (s->gen != NULL)
  {
    s->gen->next = s->retired;
    s->retired = s->gen;
    s->gen = NULL;
  }
  /* runners first (they drop the batteries they hold without calling
   * back), then the jobs and their results */
  for (struct gen *g = s->retired; g != NULL; g = g->next)
  {
    for (size_t i = 0; g->runners != NULL && i < g->cfg.nmodules; i++)
      dp_runner_destroy(g->runners[i]);
    free(g->runners);
    g->runners = NULL;
  }
  while (s->jobs != NULL)
  {
    struct job *j = s->jobs;
    if (j->queued)
      dequeue(s, j);
    dp_serve_cache_abandon(s->cache, j->entry);
    j->entry = NULL;
    job_unlink(s, j);
    dp_serve_result_unref(j->res);
    free(j);
  }
  while (s->retired != NULL)
  {
    struct gen *g = s->retired;
    s->retired = g->next;
    gen_free(g);
  }
  dp_engine_timer_cancel(s->reap);
  dp_engine_timer_cancel(s->flush);
  dp_engine_timer_cancel(s->accept_pause);
  s->reap = s->flush = s->accept_pause = NULL;
}

dp_status_t dp_serve_run(const struct dp_serve_options *opt, char *err,
                         size_t errcap)
{
  struct server srv, *s = &srv;
  struct dp_engine_options eo;
  dp_status_t st;

  if (opt == NULL || opt->listen_host == NULL || opt->listen_port == 0 ||
      opt->max_in_flight == 0 || err == NULL || errcap == 0)
    return DP_EINVAL;
  err[0] = '\0';
  memset(s, 0, sizeof(*s));
  s->opt = opt;
  raise_nofile();
  memset(&eo, 0, sizeof(eo));
  st = dp_engine_create(&eo, &s->eng);
  if (st != DP_OK)
  {
    snprintf(err, errcap, "cannot start the engine: %s", dp_strerror(st));
    return st;
  }
  s->base = dp_engine_event_base(s->eng);
  st = gen_create(s, err, errcap, &s->gen);
  if (st == DP_OK)
  {
    s->st.last_reload_ok = true;
    s->st.last_reload_ok_unix = (double)time(NULL);
    /* every battery running or waiting holds a key, with room for the
     * results of the interval */
    size_t cap = 4 * ((size_t)opt->max_in_flight + opt->max_queue) + 1024;
    st = dp_serve_cache_create(cap, opt->min_interval_ms, &s->cache);
    if (st != DP_OK)
      snprintf(err, errcap, "%s", dp_strerror(st));
  }
  if (st == DP_OK)
  {
    s->http = evhttp_new(s->base);
    s->sigterm = evsignal_new(s->base, SIGTERM, on_signal, s);
    s->sigint = evsignal_new(s->base, SIGINT, on_signal, s);
    s->sighup = evsignal_new(s->base, SIGHUP, on_signal, s);
    if (s->http == NULL || s->sigterm == NULL || s->sigint == NULL ||
        s->sighup == NULL || event_add(s->sigterm, NULL) != 0 ||
        event_add(s->sigint, NULL) != 0 || event_add(s->sighup, NULL) != 0)
    {
      st = DP_ENOMEM;
      snprintf(err, errcap, "%s", dp_strerror(st));
    }
  }
  if (st == DP_OK)
  {
    /* every method reaches on_request, which answers 405 itself */
    evhttp_set_allowed_methods(
        s->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
                     EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS |
                     EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
    evhttp_set_max_headers_size(s->http, HEADERS_MAX);
    evhttp_set_max_body_size(s->http, 0);
    evhttp_set_timeout(s->http, IDLE_TIMEOUT_S);
    evhttp_set_gencb(s->http, on_request, s);
    s->bound = evhttp_bind_socket_with_handle(s->http, opt->listen_host,
                                              opt->listen_port);
    if (s->bound == NULL)
    {
      st = DP_ESYS;
      snprintf(err, errcap, "cannot listen on %s%s%s:%u: %s",
               strchr(opt->listen_host, ':') ? "[" : "", opt->listen_host,
               strchr(opt->listen_host, ':') ? "]" : "",
               (unsigned)opt->listen_port, strerror(errno));
    }
    else
      evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(s->bound),
                                  on_accept_error);
  }
  if (st == DP_OK)
  {
    char listen[96], modules[512] = "", nallow[16];
    size_t used = 0;
    snprintf(listen, sizeof(listen),
             strchr(opt->listen_host, ':') ? "[%s]:%u" : "%s:%u",
             opt->listen_host, (unsigned)opt->listen_port);
    for (size_t i = 0; i < s->gen->cfg.nmodules && used < sizeof(modules); i++)
    {
      int w = snprintf(modules + used, sizeof(modules) - used, "%s%s",
                       i ? "," : "", s->gen->cfg.modules[i].name);
      if (w < 0)
        break;
      used += (size_t)w;
    }
    snprintf(nallow, sizeof(nallow), "%zu", s->gen->cfg.allow.n);
    log_line(s, "info", "listening", "address", listen, "config",
             opt->config_path != NULL ? opt->config_path : "(built-in)",
             "modules", modules, "allow_rules", nallow, (const char *)NULL);
    st = dp_engine_run(s->eng);
    if (st == DP_EINTERRUPTED)
      st = DP_OK;
    else if (st != DP_OK)
      snprintf(err, errcap, "the event loop failed: %s", dp_strerror(st));
  }
  /* The loop is over: a late SIGTERM (an operator's second one, say) must
   * not kill the process by default action while it frees what it held,
   * once libevent gives the signals back. */
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);
  (void)sigprocmask(SIG_BLOCK, &stop_signals, NULL);
  teardown(s);
  if (s->http != NULL)
    evhttp_free(s->http);
  if (s->sigterm != NULL)
    event_free(s->sigterm);
  if (s->sigint != NULL)
    event_free(s->sigint);
  if (s->sighup != NULL)
    event_free(s->sighup);
  dp_serve_cache_destroy(s->cache);
  dp_engine_destroy(s->eng);
  return st;
}
