/*
 * serve_priv.h: what the exporter's files share inside src/serve: the
 * server's state and counters (server.c), and the pages that show them
 * (pages.c). Not part of any layer's API.
 */
#ifndef DNSPROBE_SERVE_PRIV_H
#define DNSPROBE_SERVE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dnsprobe/probes.h"
#include "dnsprobe/serve.h"

struct evbuffer;
struct evhttp;
struct evhttp_bound_socket;
struct evhttp_request;
struct event;
struct event_base;
struct job;
struct preq;
struct server;

#define DP_SERVE_RECENT 32 /* batteries listed on / */

/* Why a request was refused: dnsprobe_serve_rejected_total's reason. */
enum reason
{
  R_BAD_REQUEST,
  R_FORBIDDEN,
  R_NOT_FOUND,
  R_METHOD,
  R_OVERLOADED,
  R_TIMEOUT,
  R_SHUTTING_DOWN,
  R_INTERNAL,
  R_COUNT
};

/* The handlers, for dnsprobe_serve_http_requests_total. */
enum handler
{
  H_PROBE,
  H_METRICS,
  H_HEALTHZ,
  H_INDEX,
  H_OTHER,
  H_COUNT
};

/* The status codes counted, the histogram's buckets (seconds) and a
 * battery's results: the target's status, or "error" when it could not
 * run (pages.c). */
#define NCODES 8
#define NBUCKETS 13
#define RESULTS 5
extern const char *const dp_serve_reason_names[R_COUNT];
extern const char *const dp_serve_handler_names[H_COUNT];
extern const int dp_serve_codes[NCODES];
extern const double dp_serve_buckets[NBUCKETS];
extern const char *const dp_serve_result_names[RESULTS];

/* The counters /metrics shows. */
struct stats
{
  unsigned long long probes[RESULTS];
  unsigned long long hist[NBUCKETS + 1]; /* the last: +Inf only */
  double hist_sum;
  unsigned long long rejected[R_COUNT];
  unsigned long long requests[H_COUNT][NCODES];
  unsigned long long cache_hit, cache_join, cache_miss;
  unsigned long long reloads_ok, reloads_failed;
  bool last_reload_ok;
  double last_reload_ok_unix;
};

/* A configuration in force, with a runner per module. */
struct gen
{
  struct server *srv;
  struct dp_serve_config cfg;
  dp_runner_t **runners; /* cfg.nmodules */
  unsigned refs;         /* requests and jobs using it, and 1 if current */
  struct gen *next;      /* retired, waiting to be freed */
};

/* A battery that ended, for the index page. */
struct recent
{
  bool used;
  time_t at;
  char module[DP_SERVE_MODULE_MAX + 1];
  char target[DP_SERVE_TARGET_MAX + 1];
  char address[64];
  char zone[DP_WIRE_NAME_STRLEN];
  dp_health_t status;
  char causes[160];
  double duration_ms;
};

/* The exporter: its loop, HTTP server and signals, the configuration in
 * force and those still used, the requests and batteries under way, the
 * queue, the counters and the last batteries. */
struct server
{
  const struct dp_serve_options *opt;
  dp_engine_t *eng;
  struct event_base *base;
  struct evhttp *http;
  struct evhttp_bound_socket *bound;
  struct event *sigterm, *sigint, *sighup;
  dp_engine_timer_t *accept_pause;
  dp_serve_cache_t *cache;
  struct gen *gen;     /* current */
  struct gen *retired; /* no longer current, still used */
  dp_engine_timer_t *reap;
  struct preq *pending;
  size_t npending;
  struct job *jobs;
  struct job *qhead, *qtail;
  size_t nqueued;
  unsigned inflight;
  unsigned sending; /* replies written, not yet sent */
  bool draining;
  bool stopping;
  dp_engine_timer_t *flush;
  struct stats st;
  struct recent recent[DP_SERVE_RECENT];
  size_t recent_next;
};

/**
 * Answer a request: the reply (body, or reason as a one-line plain-text
 * body when body is NULL), its counters and its log line; rq is the /probe
 * request it answers, or NULL.
 */
void dp_serve_reply(struct server *s, struct evhttp_request *req, int code,
                    const char *ctype, struct evbuffer *body,
                    const char *reason, const struct preq *rq);

/** Refuse a request: dp_serve_reply with reason r counted. */
void dp_serve_reject(struct server *s, struct evhttp_request *req, int code,
                     enum reason r, const char *why, const struct preq *rq);

/** GET /metrics: the exporter's own metrics. */
void dp_serve_page_metrics(struct server *s, struct evhttp_request *req);

/** GET /: the modules and the last batteries, as HTML. */
void dp_serve_page_index(struct server *s, struct evhttp_request *req);

#endif
