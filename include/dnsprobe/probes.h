/*
 * probes.h: the probe table and the runner that sends a battery to targets.
 * A probe is a row indexed by its id (summary, what it sends, transport,
 * the probes it waits for, builder); its judge is in diagnose/.
 * --list-probes, --probes and --skip read the same table, and the follow-up
 * rules are rows of a second table.
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
  const char *zone;           /* canonical, trailing dot */
  const char *recursion_name; /* canonical, trailing dot */
  bool has_serial;            /* the zone's SOA serial, once known */
  uint32_t serial;
  uint64_t case_seed; /* the case probe's random pattern of cases */
};

/* A row of the probe table, indexed by dp_probe_id_t. The verdict comes
 * from the probe's judge in diagnose/ (dp_diagnose_target runs them). */
struct dp_probe_def
{
  const char *summary; /* one line for --list-probes */
  const char *sent;    /* what it sends, short, for reports */
  dp_transport_t transport;
  bool stream;          /* a zone transfer: read the stream */
  dp_probe_set_t after; /* probes that must end first, follow-ups
                           included (their answer is needed, or they
                           must not overlap) */
  void (*build)(const struct dp_probe_ctx *ctx, struct dp_wire_query *q);
  bool keep_reply; /* keep the reply's bytes (the DNSSEC check reads them) */
  /* A second query sent at the same moment as the first (NULL: none),
   * recorded as the probe's follow-up twin_id. */
  void (*twin)(const struct dp_probe_ctx *ctx, struct dp_wire_query *q);
  dp_followup_id_t twin_id;
};

/** The row of probe id (id < DP_PROBE_COUNT), or NULL. */
const struct dp_probe_def *dp_probe_def(dp_probe_id_t id);

/* A follow-up rule: when a probe's exchange ends and `when` is true of its
 * result (and of the target's results so far), the runner asks the same
 * query again changed by tweak (NULL: unchanged), over TCP when over_tcp
 * (else the probe's transport), once the probes in `after` have ended, and
 * records it as follow-up id of that probe; dp_diagnose_target reads what
 * it showed. A probe has ended, for the probes that wait for it, once its
 * follow-ups have too. */
struct dp_probe_followup
{
  dp_probe_id_t probe;
  dp_followup_id_t id;
  bool (*when)(const struct dp_probe_result *r,
               const struct dp_target_result *t);
  void (*tweak)(struct dp_wire_query *q);
  bool over_tcp;
  dp_probe_set_t after;
};

/**
 * The zone's name as the case probe asks it: each ASCII letter of zone
 * (presentation form) in upper or lower case as the pattern drawn from seed
 * says, or with flipped, in the opposite case of that; every other byte as
 * it is. A name with two letters or more always gets both cases. Returns
 * DP_OK, DP_EINVAL (NULL argument) or DP_ESPACE (out too small).
 */
dp_status_t dp_probe_case_name(const char *zone, uint64_t seed, bool flipped,
                               char *out, size_t cap);

/** The follow-up rules, *n of them. */
const struct dp_probe_followup *dp_probe_followups(size_t *n);

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
  const char *given;            /* as typed */
  struct sockaddr_storage addr; /* with port */
  socklen_t addrlen;
  const char *zone; /* canonical */
  bool zone_given;
  const char *recursion_name; /* canonical */
  unsigned timeout_ms;        /* each query's timeout for this target, 1 to
                                 DP_ENGINE_TIMEOUT_MAX; 0: the run's timeout_ms */
};

/** Called as each target completes (diagnosed), in completion order. */
typedef void (*dp_probe_target_done_fn)(void *arg,
                                        const struct dp_target_result *t);

/**
 * A target source: fill *target with the next target to probe. dp_probe_run
 * calls it as its window frees up, so a list of any length costs the memory
 * of the targets in flight and of a bounded look-ahead, never of the whole
 * list. The strings *target points to need stay valid only until the source
 * is called again (they are copied at once).
 * Returns DP_OK (*target filled), DP_EOF (no more targets), or any other
 * status, which ends the run with that status: a source that fails (a bad
 * line under --strict, a read error) keeps its own account of why, with its
 * file and line; the runner only passes the status on.
 */
typedef dp_status_t (*dp_probe_source_fn)(void *arg,
                                          struct dp_probe_target *target);

struct dp_probe_run_options
{
  dp_probe_set_t probes;
  unsigned timeout_ms;
  struct dp_engine_options engine;
  const struct dp_expect *expect; /* applied to each target, or NULL */
  unsigned parallel;              /* targets in flight at most; 0: sized to the
                                     open-file limit */
  bool stop_on_sigint; /* SIGINT (Ctrl-C) or SIGTERM ends the run: finished
                          targets are kept */
  dp_probe_target_done_fn target_done; /* may be NULL */
  void *arg;
  bool release_done;         /* after target_done, free the target: it is not
                                kept in the run (a streamed report has written
                                it); the run's status still counts it */
  unsigned spacing_ms;       /* at least this long between two queries of a
                                target's battery (0: none) */
  dp_software_t fix_for;     /* fixes for this software (--fix-for), or
                                DP_SOFTWARE_UNKNOWN: the identified one's */
  dp_probe_source_fn source; /* targets pulled from here when dp_probe_run
                                is given no array, or NULL */
  void *source_arg;
  int64_t dnssec_warn;      /* RRSIGs expiring sooner (seconds): a warning */
  int64_t dnssec_crit;      /* sooner still: critical; both 0: the defaults */
  unsigned identity_ttl_ms; /* a server's CHAOS answers are given to its
                               later batteries for this long (0: as long as
                               the runner lives) */
};

/**
 * Send the selected battery to the targets (opt->parallel at a time, each
 * target's probes at once) and diagnose each: the n targets of the array,
 * or, when n is 0 and opt->source is set, those the source gives until it
 * says DP_EOF (n 0 without a source: an empty run). Fills run: started_at,
 * duration_ms, status (the worst of the finished targets) and, unless
 * opt->release_done, targets in the order given or pulled (t->finished says
 * which ended; an interrupted run keeps those it had started or pulled).
 * Returns DP_OK, DP_EINTERRUPTED (SIGINT or SIGTERM with stop_on_sigint: the
 * finished targets are complete), DP_EINVAL, DP_ENOMEM, DP_EVERSION, DP_ECARES,
 * DP_ESYS or the status the source failed with; the run is cleared by
 * dp_run_clear either way.
 */
dp_status_t dp_probe_run(const struct dp_probe_target *targets, size_t n,
                         const struct dp_probe_run_options *opt,
                         struct dp_run *run);

/**
 * The wall clock now in UTC as RFC 3339 with milliseconds
 * ("2026-11-21T13:00:00.000Z"), as a run's started_at and a log line's ts
 * carry it; out holds cap bytes (25 or more for the whole text).
 */
void dp_utc_now(char *out, size_t cap);

/* ---- the runner: a window of batteries on an engine someone else runs ----
 *
 * dp_probe_run is a loop over these calls; a caller with its own event loop
 * on the same engine (an exporter answering requests, say) submits targets
 * one at a time and is called back as each is diagnosed. Nothing here runs
 * the loop: the caller runs dp_engine_run. */

typedef struct dp_runner dp_runner_t;

/**
 * Called once for each submitted target, from the engine's loop (never from
 * inside dp_runner_submit), when its battery has ended and t (the out given
 * to submit) is diagnosed, or when it could not start (t->finished false,
 * dp_runner_status says why). The runner no longer touches t: the callback
 * may free it. It may submit further targets.
 */
typedef void (*dp_runner_done_fn)(void *arg, struct dp_target_result *t);

/* Targets the runner holds beyond its window, waiting for a place: a
 * target whose server already has a battery in flight waits while the
 * next ones start, looking this far ahead. */
#define DP_RUNNER_LOOKAHEAD 1024

/**
 * Create a runner on eng (borrowed: it must outlive the runner). It reads
 * opt's probes, timeout_ms, expect, parallel, spacing_ms, fix_for and
 * identity_ttl_ms (a
 * copy is kept; opt->expect must outlive the runner); the other members are
 * dp_probe_run's. A runner asks a server its CHAOS identity names
 * (version.bind, hostname.bind, id.server) once and gives the answers to
 * that server's later batteries, for the last 256 servers asked, for
 * opt->identity_ttl_ms after the battery that asked ended (0: as long as
 * the runner lives), then asks again.
 * Returns DP_OK, DP_EINVAL or DP_ENOMEM. *out is freed with
 * dp_runner_destroy.
 */
dp_status_t dp_runner_create(dp_engine_t *eng,
                             const struct dp_probe_run_options *opt,
                             dp_runner_t **out);

/**
 * Queue one target. Its battery starts from the loop once the window has a
 * place and no other battery to the same server (address and port) is in
 * flight; queued targets start in the order submitted, except that one
 * whose server is busy lets the next ones pass. target and its strings are
 * copied. out is the caller's: it is cleared and given the target's
 * address, zone and `given` now, filled as the battery runs, and complete
 * when done(arg, out) is called; keep it alive until then, and free its
 * contents with dp_target_clear. Returns DP_OK, DP_EINVAL (a NULL argument,
 * a NULL zone or recursion name, an address that is not IPv4 or IPv6, a
 * timeout_ms above DP_ENGINE_TIMEOUT_MAX) or DP_ENOMEM.
 */
dp_status_t dp_runner_submit(dp_runner_t *r,
                             const struct dp_probe_target *target,
                             struct dp_target_result *out,
                             dp_runner_done_fn done, void *arg);

/**
 * How many more targets the runner can take before it holds more than its
 * window and DP_RUNNER_LOOKAHEAD: what a caller that pulls targets from a
 * list submits, so that memory does not grow with the list. 0 when full.
 */
size_t dp_runner_room(const dp_runner_t *r);

/** Targets submitted whose done has not been called yet. */
size_t dp_runner_pending(const dp_runner_t *r);

/**
 * The first failure of the runner's own (DP_ENOMEM: a battery or a
 * follow-up could not be set up), or DP_OK.
 */
dp_status_t dp_runner_status(const dp_runner_t *r);

/**
 * Free a runner. Targets still queued or in flight are dropped without
 * their done being called (their out keeps what was filled; t->finished is
 * false). Exchanges in flight still point into the runner: destroy it only
 * when dp_engine_run has returned, and destroy the engine before running it
 * again. NULL is a no-op.
 */
void dp_runner_destroy(dp_runner_t *r);

#endif
