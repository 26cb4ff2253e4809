/*
 * probes.h: the probe table and the runner that sends a battery to targets.
 * A probe is a row: id, summary, what it sends, transport, builder, judge.
 * --list-probes, --probes and --skip read the same table.
 */
#ifndef DNSPROBE_PROBES_H
#define DNSPROBE_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsprobe/diagnose.h"
#include "dnsprobe/engine.h"
#include "dnsprobe/expect.h"
#include "dnsprobe/result.h"
#include "dnsprobe/wire.h"

/* Everything a builder needs to know about the target. */
struct dp_probe_ctx
{
  const char *zone;            /* canonical, trailing dot */
  const char *recursion_name;  /* canonical, trailing dot */
  bool has_serial;             /* the zone's SOA serial, once known */
  uint32_t serial;
};

struct dp_probe_def
{
  const char *id;
  const char *summary;        /* one line for --list-probes */
  const char *sent;           /* what it sends, short, for reports */
  dp_transport_t transport;
  bool stream;                /* a zone transfer: read the stream */
  const char *after;          /* comma-separated ids of probes that must end
                                 first (their answer is needed, or they must
                                 not overlap), or NULL */
  void (*build)(const struct dp_probe_ctx *ctx, struct dp_wire_query *q);
  dp_diagnose_judge_fn judge;
};

/** Number of probes in the table. */
size_t dp_probe_count(void);
/** Probe i of the table (0 <= i < count), in run and report order. */
const struct dp_probe_def *dp_probe_at(size_t i);
/** Probe by id, or NULL. */
const struct dp_probe_def *dp_probe_find(const char *id);

/* A set of probes, one bit per table index. */
typedef uint64_t dp_probe_set_t;

/**
 * Select probes: all of them, or only those in `only` (comma-separated ids),
 * minus those in `skip`. Either list may be NULL.
 * Returns DP_OK or DP_EINVAL with *bad set to the first unknown id (a
 * pointer into a static buffer, valid until the next call).
 */
dp_status_t dp_probe_select(const char *only, const char *skip,
                            dp_probe_set_t *set, const char **bad);

/* One target to probe. */
struct dp_probe_target
{
  const char *given;              /* as typed */
  struct sockaddr_storage addr;   /* with port */
  socklen_t addrlen;
  const char *zone;               /* canonical */
  bool zone_given;
  const char *recursion_name;     /* canonical */
};

/* What a reply stream held, for a transfer; one message otherwise. */
struct dp_probe_stream
{
  size_t messages;
  size_t records;   /* answer records over all messages; 0: the first's */
  bool complete;    /* reached its closing SOA */
  bool limit_hit;
};

/**
 * Fill what a probe sent from the query its builder made. r->query is
 * overwritten.
 */
void dp_probe_query_info(struct dp_query_info *qi,
                         const struct dp_wire_query *q);

/**
 * Read a reply into a probe result, as the runner does: parse it leniently
 * and fill r->answer. stream may be NULL (a single message). Returns false,
 * with r->outcome set to malformed, when not even the header could be read.
 * Does not judge: the probe's judge and dp_diagnose_target do that.
 */
bool dp_probe_absorb(struct dp_probe_result *r, const uint8_t *buf,
                     size_t len, const char *zone,
                     const struct dp_probe_stream *stream);

/**
 * The dig command that sends the same query as probe p of target t (BIND
 * 9.18 syntax), into buf. Returns DP_OK, DP_EINVAL or DP_ESPACE.
 */
dp_status_t dp_probe_reproduce(const struct dp_target_result *t,
                               const struct dp_probe_result *p, char *buf,
                               size_t cap);

/** Called as each target completes (diagnosed), in completion order. */
typedef void (*dp_probe_target_done_fn)(void *arg,
                                        const struct dp_target_result *t);

struct dp_probe_run_options
{
  dp_probe_set_t probes;
  unsigned timeout_ms;
  struct dp_engine_options engine;
  const struct dp_expect *expect;       /* applied to each target, or NULL */
  unsigned parallel;    /* targets in flight at most; 0: sized to the
                           open-file limit */
  bool stop_on_sigint;  /* Ctrl-C ends the run: finished targets are kept */
  dp_probe_target_done_fn target_done;  /* may be NULL */
  void *arg;
  bool release_done;    /* after target_done, free the target's probe
                           results (a streamed report has written them) */
  unsigned spacing_ms;  /* at least this long between two queries of a
                           target's battery (0: none) */
};

/**
 * Send the selected battery to the targets (opt->parallel at a time, each
 * target's probes at once) and diagnose each. Fills run (targets in the
 * order given, started_at, durations, status; t->finished says which
 * ended). Returns DP_OK, DP_EINTERRUPTED (Ctrl-C with stop_on_sigint: the
 * finished targets are complete), DP_ENOMEM, DP_EVERSION, DP_ECARES or
 * DP_ESYS; the run is cleared by dp_run_clear either way.
 */
dp_status_t dp_probe_run(const struct dp_probe_target *targets, size_t n,
                         const struct dp_probe_run_options *opt,
                         struct dp_run *run);

#endif
