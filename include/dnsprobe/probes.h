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
  dp_probe_set_t after; /* probes that must end first (their answer
                           is needed, or they must not overlap) */
  void (*build)(const struct dp_probe_ctx *ctx, struct dp_wire_query *q);
  /* A second query sent at the same moment as the first (NULL: none),
   * recorded as the probe's follow-up twin_id. */
  void (*twin)(const struct dp_probe_ctx *ctx, struct dp_wire_query *q);
  dp_followup_id_t twin_id;
};

/** The row of probe id (id < DP_PROBE_COUNT), or NULL. */
const struct dp_probe_def *dp_probe_def(dp_probe_id_t id);

/* A follow-up rule: when a probe's exchange ends and `when` is true of its
 * result (and of the target's results so far), the runner asks the same
 * query again changed by tweak (NULL: unchanged), and records it as
 * follow-up id of that probe; dp_diagnose_target reads what it showed. */
struct dp_probe_followup
{
  dp_probe_id_t probe;
  dp_followup_id_t id;
  bool (*when)(const struct dp_probe_result *r,
               const struct dp_target_result *t);
  void (*tweak)(struct dp_wire_query *q);
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
};

/** Called as each target completes (diagnosed), in completion order. */
typedef void (*dp_probe_target_done_fn)(void *arg,
                                        const struct dp_target_result *t);

struct dp_probe_run_options
{
  dp_probe_set_t probes;
  unsigned timeout_ms;
  struct dp_engine_options engine;
  const struct dp_expect *expect; /* applied to each target, or NULL */
  unsigned parallel;              /* targets in flight at most; 0: sized to the
                                     open-file limit */
  bool stop_on_sigint; /* Ctrl-C ends the run: finished targets are kept */
  dp_probe_target_done_fn target_done; /* may be NULL */
  void *arg;
  bool release_done;     /* after target_done, free the target's probe
                            results (a streamed report has written them) */
  unsigned spacing_ms;   /* at least this long between two queries of a
                            target's battery (0: none) */
  dp_software_t fix_for; /* fixes for this software (--fix-for), or
                            DP_SOFTWARE_UNKNOWN: the identified one's */
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
