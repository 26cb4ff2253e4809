/*
 * pages.c: what the exporter shows of itself: GET /metrics, its counters
 * in the Prometheus text format, and GET /, a small HTML page of the
 * modules and the last batteries with a link to scrape each again.
 *
 * Invariants: every text that reaches the page (module names, targets,
 * zones, causes) is HTML-escaped, and a link's parameters are
 * percent-encoded first; label values of /metrics are fixed strings.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dp_config.h"
#include "serve_priv.h"

const char *const dp_serve_reason_names[R_COUNT] = {
    [R_BAD_REQUEST] = "bad-request",     [R_FORBIDDEN] = "forbidden",
    [R_NOT_FOUND] = "not-found",         [R_METHOD] = "method",
    [R_OVERLOADED] = "overloaded",       [R_TIMEOUT] = "timeout",
    [R_SHUTTING_DOWN] = "shutting-down", [R_INTERNAL] = "internal",
};

const char *const dp_serve_handler_names[H_COUNT] = {
    [H_PROBE] = "/probe", [H_METRICS] = "/metrics", [H_HEALTHZ] = "/healthz",
    [H_INDEX] = "/",      [H_OTHER] = "other",
};

const int dp_serve_codes[NCODES] = {200, 400, 403, 404, 405, 500, 503, 504};

/* Battery durations, in seconds. */
const double dp_serve_buckets[NBUCKETS] = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

/* A battery's result, by the target's status, or "error" when it could
 * not run. */
const char *const dp_serve_result_names[RESULTS] = {"ok", "warning", "critical",
                                                    "unknown", "error"};

static void metric_header(struct evbuffer *b, const char *name,
                          const char *type, const char *help)
{
  evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
                      type);
}

void dp_serve_page_metrics(struct server *s, struct evhttp_request *req)
{
  struct evbuffer *b = evbuffer_new();
  if (b == NULL)
  {
    dp_serve_reject(s, req, 500, R_INTERNAL, dp_strerror(DP_ENOMEM), NULL);
    return;
  }
  metric_header(b, "dnsprobe_build_info", "gauge",
                "dnsprobe's version, as the label version; the value is "
                "always 1.");
  evbuffer_add_printf(b, "dnsprobe_build_info{version=\"%s\"} 1\n", DP_VERSION);
  metric_header(b, "dnsprobe_serve_probes_total", "counter",
                "Batteries run, by result: the target's status, or error "
                "when the battery could not run.");
  for (size_t k = 0; k < RESULTS; k++)
    evbuffer_add_printf(b, "dnsprobe_serve_probes_total{result=\"%s\"} %llu\n",
                        dp_serve_result_names[k], s->st.probes[k]);
  metric_header(b, "dnsprobe_serve_probe_duration_seconds", "histogram",
                "How long batteries took, in seconds.");
  unsigned long long cum = 0;
  for (size_t k = 0; k < NBUCKETS; k++)
  {
    cum += s->st.hist[k];
    evbuffer_add_printf(
        b, "dnsprobe_serve_probe_duration_seconds_bucket{le=\"%g\"} %llu\n",
        dp_serve_buckets[k], cum);
  }
  cum += s->st.hist[NBUCKETS];
  evbuffer_add_printf(
      b,
      "dnsprobe_serve_probe_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
      "dnsprobe_serve_probe_duration_seconds_sum %.6f\n"
      "dnsprobe_serve_probe_duration_seconds_count %llu\n",
      cum, s->st.hist_sum, cum);
  metric_header(b, "dnsprobe_serve_probes_in_flight", "gauge",
                "Batteries running now.");
  evbuffer_add_printf(b, "dnsprobe_serve_probes_in_flight %u\n", s->inflight);
  metric_header(b, "dnsprobe_serve_probes_queued", "gauge",
                "Batteries waiting for a place.");
  evbuffer_add_printf(b, "dnsprobe_serve_probes_queued %zu\n", s->nqueued);
  metric_header(b, "dnsprobe_serve_requests_waiting", "gauge",
                "/probe requests waiting for a lookup or a battery.");
  evbuffer_add_printf(b, "dnsprobe_serve_requests_waiting %zu\n", s->npending);
  metric_header(b, "dnsprobe_serve_cache_total", "counter",
                "Addresses of /probe requests by what the cache said: hit "
                "(a result inside the minimum interval), join (a battery "
                "running), miss (a new battery).");
  evbuffer_add_printf(b,
                      "dnsprobe_serve_cache_total{result=\"hit\"} %llu\n"
                      "dnsprobe_serve_cache_total{result=\"join\"} %llu\n"
                      "dnsprobe_serve_cache_total{result=\"miss\"} %llu\n",
                      s->st.cache_hit, s->st.cache_join, s->st.cache_miss);
  metric_header(b, "dnsprobe_serve_rejected_total", "counter",
                "Requests refused, by reason.");
  for (size_t k = 0; k < R_COUNT; k++)
    evbuffer_add_printf(b,
                        "dnsprobe_serve_rejected_total{reason=\"%s\"} %llu\n",
                        dp_serve_reason_names[k], s->st.rejected[k]);
  metric_header(b, "dnsprobe_serve_http_requests_total", "counter",
                "HTTP requests answered, by handler and status code.");
  for (size_t h = 0; h < H_COUNT; h++)
    for (size_t k = 0; k < NCODES; k++)
      if (s->st.requests[h][k] > 0)
        evbuffer_add_printf(b,
                            "dnsprobe_serve_http_requests_total{handler=\"%s\","
                            "code=\"%d\"} %llu\n",
                            dp_serve_handler_names[h], dp_serve_codes[k],
                            s->st.requests[h][k]);
  metric_header(b, "dnsprobe_serve_config_reloads_total", "counter",
                "Configuration reloads (SIGHUP), by result.");
  evbuffer_add_printf(
      b,
      "dnsprobe_serve_config_reloads_total{result=\"success\"} %llu\n"
      "dnsprobe_serve_config_reloads_total{result=\"failure\"} %llu\n",
      s->st.reloads_ok, s->st.reloads_failed);
  metric_header(b, "dnsprobe_serve_config_last_reload_successful", "gauge",
                "1 when the last configuration load succeeded.");
  evbuffer_add_printf(b, "dnsprobe_serve_config_last_reload_successful %d\n",
                      s->st.last_reload_ok ? 1 : 0);
  metric_header(b,
                "dnsprobe_serve_config_last_reload_success_timestamp_seconds",
                "gauge", "When the configuration in force was loaded.");
  evbuffer_add_printf(
      b, "dnsprobe_serve_config_last_reload_success_timestamp_seconds %.3f\n",
      s->st.last_reload_ok_unix);
  dp_serve_reply(s, req, 200, "text/plain; version=0.0.4; charset=utf-8", b,
                 NULL, NULL);
  evbuffer_free(b);
}

/* HTML text: &, <, >, " and ' as entities, control bytes as '?'. */
static void html(struct evbuffer *b, const char *t)
{
  for (; *t != '\0'; t++)
  {
    unsigned char c = (unsigned char)*t;
    switch (c)
    {
    case '&':
      evbuffer_add(b, "&amp;", 5);
      break;
    case '<':
      evbuffer_add(b, "&lt;", 4);
      break;
    case '>':
      evbuffer_add(b, "&gt;", 4);
      break;
    case '"':
      evbuffer_add(b, "&quot;", 6);
      break;
    case '\'':
      evbuffer_add(b, "&#39;", 5);
      break;
    default:
      evbuffer_add(b, c < 0x20 || c == 0x7f ? "?" : (const char *)&c, 1);
      break;
    }
  }
}

/* A query parameter's value, percent-encoded, then as HTML. */
static void url_param(struct evbuffer *b, const char *name, const char *v)
{
  char *enc = evhttp_uriencode(v, -1, 0);
  evbuffer_add_printf(b, "%s=", name);
  if (enc != NULL)
  {
    html(b, enc);
    free(enc);
  }
}

void dp_serve_page_index(struct server *s, struct evhttp_request *req)
{
  struct evbuffer *b = evbuffer_new();
  if (b == NULL)
  {
    dp_serve_reject(s, req, 500, R_INTERNAL, dp_strerror(DP_ENOMEM), NULL);
    return;
  }
  evbuffer_add_printf(
      b,
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
      "<title>dnsprobe serve</title></head><body>\n"
      "<h1>dnsprobe serve</h1>\n<p>dnsprobe %s. <a href=\"/metrics\">"
      "Metrics</a> &middot; <a href=\"/healthz\">Health</a></p>\n"
      "<h2>Modules</h2>\n<table border=\"1\"><tr><th>module</th>"
      "<th>zone</th><th>timeout</th><th>expect</th></tr>\n",
      DP_VERSION);
  const struct dp_serve_config *cfg = &s->gen->cfg;
  for (size_t i = 0; i < cfg->nmodules; i++)
  {
    const struct dp_serve_module *m = &cfg->modules[i];
    evbuffer_add(b, "<tr><td>", 8);
    html(b, m->name);
    evbuffer_add(b, "</td><td>", 9);
    html(b, m->zone);
    evbuffer_add_printf(b, "</td><td>%u ms</td><td>", m->timeout_ms);
    html(b, m->expect_given ? dp_expect_profile_tostr(m->expect.profile) : "-");
    evbuffer_add(b, "</td></tr>\n", 11);
  }
  evbuffer_add_printf(b, "</table>\n<h2>Recent batteries</h2>\n"
                         "<table border=\"1\"><tr><th>when (UTC)</th>"
                         "<th>module</th><th>target</th><th>address</th>"
                         "<th>zone</th><th>status</th><th>root causes</th>"
                         "<th>ms</th></tr>\n");
  for (size_t k = 0; k < DP_SERVE_RECENT; k++)
  {
    /* newest first */
    const struct recent *r =
        &s->recent[(s->recent_next + DP_SERVE_RECENT - 1 - k) %
                   DP_SERVE_RECENT];
    if (!r->used)
      continue;
    char when[32];
    struct tm tm;
    gmtime_r(&r->at, &tm);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
    evbuffer_add_printf(b, "<tr><td>%s</td><td>", when);
    html(b, r->module);
    evbuffer_add(b, "</td><td><a href=\"/probe?", 25);
    url_param(b, "target", r->target);
    evbuffer_add(b, "&amp;", 5);
    url_param(b, "module", r->module);
    evbuffer_add(b, "&amp;", 5);
    url_param(b, "zone", r->zone);
    evbuffer_add(b, "\">", 2);
    html(b, r->target);
    evbuffer_add(b, "</a></td><td>", 13);
    html(b, r->address);
    evbuffer_add(b, "</td><td>", 9);
    html(b, r->zone);
    evbuffer_add(b, "</td><td>", 9);
    html(b, dp_health_tostr(r->status));
    evbuffer_add(b, "</td><td>", 9);
    html(b, r->causes);
    evbuffer_add_printf(b, "</td><td>%.1f</td></tr>\n", r->duration_ms);
  }
  evbuffer_add_printf(b, "</table>\n</body></html>\n");
  dp_serve_reply(s, req, 200, "text/html; charset=utf-8", b, NULL, NULL);
  evbuffer_free(b);
}
