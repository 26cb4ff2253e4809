/*
 * runner.c: sends every selected probe of every target at once through the
 * engine, reads what came back into the run model, and diagnoses a target as
 * soon as its last probe has ended.
 *
 * A probe whose row names others in `after` (IXFR needs the zone's serial
 * from `udp`; UPDATE must not overlap queries with the same question) is
 * sent when they have all ended, follow-ups included, or after a short
 * grace period, so a battery costs about one round trip plus a TCP
 * handshake, and one timeout however many probes go unanswered. A
 * follow-up whose rule names probes in `after` (a truncated reply asked
 * again over TCP) waits for them, with no grace: they all end within the
 * timeout. Query IDs come from the kernel's random source and never repeat
 * within a target's battery.
 *
 * The runner (dp_runner_*) holds the window: targets submitted wait in a
 * queue, copied, until a place is free and their server has no battery in
 * flight; a target's state is made when its battery starts and freed, from
 * the loop, after its done callback. dp_probe_run is a loop over it that
 * pulls targets from an array or a source as the window frees up.
 *
 * Invariants: done is called exactly once per submitted target, from the
 * loop (a zero-delay "kick" timer starts batteries and frees finished
 * targets, so no callback runs inside dp_runner_submit and no target is
 * freed while a callback of its own is still on the stack); the waiting
 * queue and the window together hold at most parallel + LOOKAHEAD targets
 * when the caller respects dp_runner_room.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>

#include "dnsprobe/probes.h"

struct target_state;

/* Query IDs a target remembers, so that none repeats within its battery
 * (probes and follow-ups: at most about 40). */
#define IDS_PER_TARGET 64
#define ID_POOL 256

/* A send held back by --spacing: a probe, a follow-up of one (followup
 * set), or its twin (twin set). A target queues at most its probes and a
 * few follow-ups. */
struct spaced_send
{
  struct probe_state *ps;
  const struct dp_probe_followup *followup;
  bool twin;
};
#define SPACED_MAX (DP_PROBE_COUNT + 16)

/* A follow-up waiting for the probes its rule names in `after`. A target
 * holds at most one per rule with an `after`. */
struct deferred
{
  struct probe_state *ps;
  const struct dp_probe_followup *rule;
};
#define DEFERRED_MAX 8

/* One probe of one target: the engine callback's argument. */
struct probe_state
{
  struct target_state *ts;
  dp_probe_id_t probe;
  struct dp_probe_result *res; /* in the target result */
  bool waiting;                /* held back until its `after` probes end */
  bool exchange_done;          /* its own exchange has ended */
  unsigned followups_open;     /* its follow-ups not ended yet */
  bool ended;                  /* its exchange and follow-ups have ended */
  bool reused;                 /* answered by an earlier battery's result */
  dp_engine_timer_t *grace;    /* sends it anyway when this fires */
  /* stream state for transfers */
  uint32_t first_serial;
  bool have_first_serial;
  unsigned soa_total;
  size_t records;
  bool ixfr;
  uint32_t ixfr_serial;
};

/* A target submitted and not started yet: its copy of the target (strings
 * in the same block), where its result goes, and whom to tell. */
struct entry
{
  struct entry *next;
  struct dp_probe_target in;
  struct dp_target_result *out;
  dp_runner_done_fn done;
  void *done_arg;
  char strings[]; /* given, zone, recursion_name */
};

struct followup_state;

struct target_state
{
  struct dp_runner *rs;
  struct entry *entry; /* owned */
  const struct dp_probe_target *in;
  struct dp_target_result *out;
  struct target_state *next_dead;   /* on the runner's list to free */
  struct followup_state *followups; /* in flight, freed with the target */
  struct probe_state probes[DP_PROBE_COUNT]; /* indexed by probe id */
  size_t pending;
  bool finished; /* done was called: waits to be freed */
  struct dp_probe_ctx ctx;
  double started;               /* engine clock, ms */
  uint16_t ids[IDS_PER_TARGET]; /* query IDs this target has used */
  unsigned nids;
  size_t slot; /* its place in the runner's flight */
  /* --spacing: sends waiting their turn (a ring), when the last one went */
  struct spaced_send spaced[SPACED_MAX];
  size_t spaced_head, spaced_n;
  bool sent_any;
  bool awaiting_sent; /* the last dispatched query is still in the engine's
                         queue: the next one waits for it to go */
  double last_send;   /* engine clock, ms */
  dp_engine_timer_t *spacing_timer;
  struct deferred deferred[DEFERRED_MAX]; /* follow-ups waiting for `after` */
  size_t ndeferred;
};

/* The CHAOS names a server was asked in this run (version.bind,
 * hostname.bind, id.server): a server is asked once per run, and a later
 * battery to it takes these answers. BIND answers three CHAOS queries a
 * second per client, and a fleet may list one server with many zones, one
 * battery after another. Bounded: the servers asked last, and, with
 * identity_ttl_ms, answers younger than that (a long-lived runner must ask
 * again once a server may have been upgraded). */
#define IDENTITY_SERVERS 256
static const dp_probe_id_t chaos_probes[] = {
    DP_PROBE_VERSION, DP_PROBE_HOSTNAME, DP_PROBE_IDSERVER};
#define NCHAOS (sizeof(chaos_probes) / sizeof(chaos_probes[0]))

struct identity_entry
{
  bool used;
  double asked; /* engine clock, ms: when the battery that asked ended */
  struct sockaddr_storage addr;
  bool have[NCHAOS];
  struct dp_probe_result probes[NCHAOS];
};

struct dp_runner
{
  dp_engine_t *eng;
  struct dp_probe_run_options opt; /* a copy */
  unsigned parallel;               /* targets in flight at most */
  struct target_state **flight;    /* the targets in flight (parallel slots) */
  size_t nflight;
  struct entry *wait_head, *wait_tail; /* submitted, not started */
  size_t nwaiting;
  struct target_state *dead; /* done called, to be freed by the kick */
  dp_engine_timer_t *kick;   /* starts batteries and frees the dead */
  unsigned limit;            /* batteries in flight at most now */
  dp_engine_timer_t *pace;   /* the window's next look at the CPU */
  size_t pending;            /* submitted, done not called yet */
  dp_status_t error;
  uint16_t id_pool[ID_POOL]; /* random IDs not handed out yet */
  unsigned id_left;
  struct identity_entry *identity; /* IDENTITY_SERVERS, made on first use */
  unsigned identity_next;          /* the entry to reuse next */
};

/* Milliseconds on the engine's clock since `since`. */
static double ms_since(const struct dp_runner *rs, double since)
{
  return dp_engine_now_ms(rs->eng) - since;
}

/* The timeout of each of the target's queries: its own, or the runner's. */
static unsigned target_timeout(const struct target_state *ts)
{
  return ts->in->timeout_ms != 0 ? ts->in->timeout_ms : ts->rs->opt.timeout_ms;
}

/* Refill the pool of IDs from the kernel's random source, 256 at a time
 * rather than one system call per query. */
static void id_pool_refill(struct dp_runner *rs)
{
  ssize_t got = getrandom(rs->id_pool, sizeof(rs->id_pool), 0);
  size_t have = got > 0 ? (size_t)got / sizeof(rs->id_pool[0]) : 0;
  if (have < ID_POOL)
  {
    /* getrandom does not fail once the pool is ready; should it, fall
     * back to the clock rather than to a constant. */
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    uint32_t x = (uint32_t)(t.tv_nsec ^ t.tv_sec) | 1u;
    for (size_t i = have; i < ID_POOL; i++)
    {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      rs->id_pool[i] = (uint16_t)x;
    }
  }
  rs->id_left = ID_POOL;
}

/* A random query ID that this target has not used yet: all of a target's
 * UDP queries then share one socket (the engine gives an ID already in
 * flight on it a socket of its own), and a late reply to one of them can
 * never pass for another's answer. */
static uint16_t next_id(struct target_state *ts)
{
  struct dp_runner *rs = ts->rs;
  uint16_t id = 0;
  for (int tries = 0; tries < 64; tries++) /* 64 draws: one is free */
  {
    if (rs->id_left == 0)
      id_pool_refill(rs);
    id = rs->id_pool[--rs->id_left];
    bool used = false;
    for (unsigned i = 0; i < ts->nids && !used; i++)
      used = ts->ids[i] == id;
    if (!used)
      break;
  }
  if (ts->nids < IDS_PER_TARGET)
    ts->ids[ts->nids++] = id;
  return id;
}

/* RFC 1982 serial arithmetic: s1 <= s2. */
static bool serial_le(uint32_t s1, uint32_t s2)
{
  return s1 == s2 || (int32_t)(s2 - s1) > 0;
}

/* ---- reading replies ---------------------------------------------------- */

/* The stream callback for AXFR and IXFR (RFC 5936 2.2, RFC 1995 4). */
static dp_engine_more_t on_stream(void *arg, const uint8_t *buf, size_t len,
                                  size_t index)
{
  struct probe_state *ps = arg;
  struct dp_wire_msg m;
  if (dp_wire_msg_parse(buf, len, &m) != DP_OK || !m.complete)
    return DP_ENGINE_DONE; /* an unreadable message ends the stream */
  if (m.rcode != DP_RCODE_NOERROR)
    return DP_ENGINE_DONE;
  ps->records += m.ancount;
  if (index == 0)
  {
    if (!m.has_soa_serial)
      return DP_ENGINE_DONE; /* a transfer starts with the SOA */
    ps->first_serial = m.soa_serial;
    ps->have_first_serial = true;
    /* IXFR "up to date": one message holding only the SOA, whose serial is
     * not newer than ours (RFC 1995 4). */
    if (ps->ixfr && m.ancount == 1 && serial_le(m.soa_serial, ps->ixfr_serial))
      return DP_ENGINE_DONE;
  }
  ps->soa_total += m.answer_soa;
  /* AXFR (and IXFR falling back to AXFR style): the first and the closing
   * SOA. IXFR proper: the opening SOA, two per difference sequence, and the
   * closing one, so the total becomes even only with the closing SOA, which
   * ends the last message of the stream. */
  if (!ps->ixfr)
    return ps->soa_total >= 2 ? DP_ENGINE_DONE : DP_ENGINE_MORE;
  if (ps->soa_total >= 2 && ps->soa_total % 2 == 0 && m.last_answer_is_soa &&
      m.last_answer_soa_serial == ps->first_serial)
    return DP_ENGINE_DONE;
  return DP_ENGINE_MORE;
}

/* ---- sending ------------------------------------------------------------ */

static void on_done(void *arg, const struct dp_engine_result *er);
static void target_finish(struct target_state *ts);
static void start_next(struct dp_runner *rs);
static void send_probe(struct probe_state *ps);
static void flight_remove(struct dp_runner *rs, struct target_state *ts);
static void maybe_followup(struct probe_state *ps);
static bool deps_pending(const struct target_state *ts, dp_probe_set_t after);
static void probe_maybe_ended(struct probe_state *ps);

static void probe_local_error(struct probe_state *ps)
{
  struct dp_engine_result er;
  memset(&er, 0, sizeof(er));
  er.outcome = DP_OUTCOME_LOCAL_ERROR;
  er.rtt_ms = -1.0;
  on_done(ps, &er);
}

static void on_probe_sent(void *arg);
static bool second_submit(struct probe_state *ps,
                          void (*build)(const struct dp_probe_ctx *ctx,
                                        struct dp_wire_query *q),
                          void (*tweak)(struct dp_wire_query *q),
                          dp_followup_id_t id, bool over_tcp, bool keep,
                          unsigned timeout_ms, bool spaced);

static void probe_maybe_ended(struct probe_state *ps);

/* A twin's reservation that will not be used: it held its probe open and
 * the target pending; the target finishes when it was the last. */
static void twin_release(struct probe_state *ps)
{
  struct target_state *ts = ps->ts;
  ps->followups_open--;
  probe_maybe_ended(ps);
  if (--ts->pending == 0)
    target_finish(ts);
}

static void spaced_push(struct target_state *ts, struct spaced_send sp);

/* Send a probe now; whether it went to the engine (if not, it has ended).
 * A probe with a twin (its row's second query) sends both at once: the
 * twin goes right after it, before the event loop runs again, and is
 * counted pending before either can end. With --spacing the twin waits its
 * turn like every other query. */
static bool probe_send(struct probe_state *ps)
{
  struct target_state *ts = ps->ts;
  unsigned timeout = target_timeout(ts);
  /* A probe released late gets what is left of the battery's time, so a
   * silent server costs one timeout, not two; with --spacing the battery
   * is meant to last longer, and every probe gets the whole timeout. */
  double spent = ms_since(ts->rs, ts->started);
  if (ts->rs->opt.spacing_ms == 0 && spent > 0 && spent < timeout)
    timeout -= (unsigned)spent;
  const struct dp_probe_def *def = dp_probe_def(ps->probe);
  struct dp_wire_query q;
  uint8_t buf[1024];
  size_t len = 0;

  memset(&q, 0, sizeof(q));
  def->build(&ts->ctx, &q);
  q.id = next_id(ts);
  dp_diagnose_query_info(&ps->res->query, &q);
  ps->ixfr = q.qtype == DP_TYPE_IXFR;
  ps->ixfr_serial = q.ixfr_serial;

  if (dp_wire_query_write(&q, buf, sizeof(buf), &len) != DP_OK)
  {
    probe_local_error(ps);
    return false;
  }
  struct dp_engine_request req;
  memset(&req, 0, sizeof(req));
  req.addr = ts->in->addr;
  req.addrlen = ts->in->addrlen;
  req.transport = def->transport;
  req.msg = buf;
  req.len = len;
  req.timeout_ms = timeout ? timeout : 1;
  req.stream = def->stream ? on_stream : NULL;
  req.done = on_done;
  req.arg = ps;
  req.sent = ts->rs->opt.spacing_ms ? on_probe_sent : NULL;
  /* The twin holds the probe open and the target pending from now, as a
   * follow-up does, so that neither can end before it went. */
  bool twin = def->twin != NULL;
  if (twin)
  {
    ts->pending++;
    ps->followups_open++;
  }
  dp_status_t st = dp_engine_submit(ts->rs->eng, &req);
  if (st != DP_OK)
  {
    ts->rs->error = st;
    if (twin)
    {
      ps->followups_open--;
      ts->pending--; /* the probe's own end below settles the target */
    }
    probe_local_error(ps);
    return false;
  }
  if (twin && ts->rs->opt.spacing_ms != 0)
  {
    struct spaced_send sp = {ps, NULL, true};
    spaced_push(ts, sp);
  }
  else if (twin && !second_submit(ps, def->twin, NULL, def->twin_id, false,
                                  false, req.timeout_ms, false))
    twin_release(ps);
  return true;
}

/* The identity entry of ts's server, or NULL. An entry older than the
 * runner's identity_ttl_ms is forgotten. */
static struct identity_entry *identity_find(struct dp_runner *rs,
                                            const struct target_state *ts)
{
  for (unsigned i = 0; rs->identity != NULL && i < IDENTITY_SERVERS; i++)
  {
    struct identity_entry *e = &rs->identity[i];
    if (!e->used || !dp_engine_same_server(&e->addr, &ts->in->addr))
      continue;
    if (rs->opt.identity_ttl_ms != 0 &&
        ms_since(rs, e->asked) >= (double)rs->opt.identity_ttl_ms)
    {
      e->used = false;
      return NULL;
    }
    return e;
  }
  return NULL;
}

/* Keep the CHAOS answers ts got for its server's next batteries. */
static void identity_keep(struct target_state *ts)
{
  struct dp_runner *rs = ts->rs;
  struct dp_target_result *t = ts->out;
  struct identity_entry *e = identity_find(rs, ts);
  if (e == NULL)
  {
    if (rs->identity == NULL &&
        (rs->identity = calloc(IDENTITY_SERVERS, sizeof(*rs->identity))) ==
            NULL)
      return; /* nothing kept: a later battery asks again */
    e = &rs->identity[rs->identity_next];
    rs->identity_next = (rs->identity_next + 1) % IDENTITY_SERVERS;
    memset(e, 0, sizeof(*e));
    e->used = true;
    e->addr = ts->in->addr;
    e->asked = dp_engine_now_ms(rs->eng);
  }
  for (size_t k = 0; k < NCHAOS; k++)
  {
    const struct dp_probe_result *r = &t->probes[chaos_probes[k]];
    if (ts->probes[chaos_probes[k]].reused ||
        r->outcome == DP_OUTCOME_SKIPPED ||
        r->outcome == DP_OUTCOME_LOCAL_ERROR)
      continue;
    e->probes[k] = *r;
    e->probes[k].summary = e->probes[k].explanation = e->probes[k].fix = NULL;
    e->probes[k].followups = NULL;
    e->probes[k].nfollowups = 0;
    e->probes[k].reply = NULL;
    e->probes[k].reply_len = 0;
    e->have[k] = true;
  }
}

/* Take the CHAOS answers of an earlier battery to the same server, instead
 * of asking again. */
static void identity_reuse(struct target_state *ts)
{
  struct identity_entry *e = identity_find(ts->rs, ts);
  for (size_t k = 0; e != NULL && k < NCHAOS; k++)
  {
    struct probe_state *ps = &ts->probes[chaos_probes[k]];
    struct dp_probe_result *r = ps->res;
    if (!e->have[k] || r->outcome == DP_OUTCOME_SKIPPED)
      continue;
    *r = e->probes[k];
    ps->reused = true;
    ps->exchange_done = true;
    ps->ended = true;
    ts->pending--;
  }
}

static void kick_arm(struct dp_runner *rs);
static void target_retire(struct target_state *ts);

/* The battery has ended: diagnose, and hand the result to the caller. */
static void target_finish(struct target_state *ts)
{
  struct dp_runner *rs = ts->rs;
  struct dp_target_result *t = ts->out;
  identity_keep(ts);
  /* The DNSSEC check's clock: now, as the battery ends. */
  t->dnssec_now = (int64_t)time(NULL);
  t->dnssec_warn = rs->opt.dnssec_warn;
  t->dnssec_crit = rs->opt.dnssec_crit;
  if (dp_diagnose_target(t, rs->opt.expect, rs->opt.fix_for) != DP_OK)
    rs->error = DP_ENOMEM;
  t->duration_ms = ms_since(rs, ts->started);
  t->finished = true;
  target_retire(ts);
}

static void on_done(void *arg, const struct dp_engine_result *er)
{
  struct probe_state *ps = arg;
  struct target_state *ts = ps->ts;
  struct dp_probe_result *r = ps->res;

  r->outcome = er->outcome;
  r->sys_errno = er->sys_errno;
  r->rtt_ms = er->rtt_ms;
  r->connected = er->connected;
  r->has_answer = false;
  if (er->first)
  {
    struct dp_diagnose_stream st = {er->nmsgs, ps->records, er->stream_complete,
                                    er->limit_hit};
    if (dp_probe_def(ps->probe)->keep_reply &&
        dp_probe_result_keep_reply(r, er->first->data, er->first->len) != DP_OK)
      ts->rs->error = DP_ENOMEM;
    if (dp_diagnose_absorb(r, er->first->data, er->first->len, ts->ctx.zone,
                           &st) &&
        r->probe == DP_PROBE_UDP && r->answer.has_soa &&
        r->answer.rcode == DP_RCODE_NOERROR)
    {
      ts->ctx.has_serial = true;
      ts->ctx.serial = r->answer.soa_serial;
    }
  }

  ps->exchange_done = true;
  maybe_followup(ps);
  probe_maybe_ended(ps);

  if (--ts->pending == 0)
    target_finish(ts);
}

static void followup_send(struct probe_state *ps,
                          const struct dp_probe_followup *rule);

/* Send what waited for probes that have all ended now: held-back probes,
 * and follow-ups whose rule names them. Re-entrant: a send that fails at
 * once ends its probe, which calls this again; the deferred list is read
 * afresh after each send, at most DEFERRED_MAX times. */
static void release(struct target_state *ts)
{
  for (size_t i = 0; i < ts->out->nprobes; i++)
  {
    struct probe_state *w = &ts->probes[i];
    if (w->waiting && !deps_pending(ts, dp_probe_def(w->probe)->after))
    {
      w->waiting = false;
      dp_engine_timer_cancel(w->grace);
      w->grace = NULL;
      send_probe(w);
    }
  }
  for (size_t round = 0; round < DEFERRED_MAX; round++)
  {
    size_t k = 0;
    while (k < ts->ndeferred && deps_pending(ts, ts->deferred[k].rule->after))
      k++;
    if (k == ts->ndeferred)
      return;
    struct deferred d = ts->deferred[k];
    ts->deferred[k] = ts->deferred[--ts->ndeferred];
    /* It held the target and its probe open while it waited; followup_send
     * counts it again if it goes. The caller holds the target open. */
    ts->pending--;
    d.ps->followups_open--;
    followup_send(d.ps, d.rule);
    probe_maybe_ended(d.ps);
  }
}

/* A probe has ended for those who wait for it once its exchange and its
 * follow-ups have. */
static void probe_maybe_ended(struct probe_state *ps)
{
  if (ps->ended || !ps->exchange_done || ps->followups_open > 0)
    return;
  ps->ended = true;
  release(ps->ts);
}

/* A follow-up query in flight: which probe it belongs to. */
struct followup_state
{
  struct followup_state *next, *prev; /* the target's in flight */
  struct target_state *ts;
  struct probe_state *ps;
  struct dp_probe_result *res;
  dp_followup_id_t id;
  struct dp_query_info query;
  bool keep; /* a TCP retry of a reply the DNSSEC check reads */
};

static void followup_unlink(struct followup_state *fs)
{
  if (fs->prev != NULL)
    fs->prev->next = fs->next;
  else
    fs->ts->followups = fs->next;
  if (fs->next != NULL)
    fs->next->prev = fs->prev;
}

static void on_followup_done(void *arg, const struct dp_engine_result *er)
{
  struct followup_state *fs = arg;
  struct target_state *ts = fs->ts;
  struct dp_followup *f = NULL;
  struct dp_probe_result *scratch = calloc(1, sizeof(*scratch));

  if (scratch && dp_probe_followup_add(fs->res, &f) == DP_OK)
  {
    f->id = fs->id;
    f->query = fs->query;
    f->outcome = er->outcome;
    f->rtt_ms = er->rtt_ms;
    scratch->query = fs->query;
    scratch->probe = fs->res->probe;
    if (er->first && dp_diagnose_absorb(scratch, er->first->data,
                                        er->first->len, ts->ctx.zone, NULL))
    {
      f->has_answer = true;
      f->answer = scratch->answer;
    }
    else if (er->first)
      f->outcome = DP_OUTCOME_MALFORMED;
    /* The whole reply over TCP replaces the truncated one. */
    if (fs->keep && er->first &&
        dp_probe_result_keep_reply(fs->res, er->first->data, er->first->len) !=
            DP_OK)
      ts->rs->error = DP_ENOMEM;
  }
  else
    ts->rs->error = DP_ENOMEM;
  free(scratch);
  struct probe_state *ps = fs->ps;
  followup_unlink(fs);
  free(fs);
  ps->followups_open--;
  probe_maybe_ended(ps);
  if (--ts->pending == 0)
    target_finish(ts);
}

static void on_followup_sent(void *arg);

/* Send a second query of ps now, built by build and changed by tweak (may
 * be NULL), to be recorded as its follow-up id, over TCP when over_tcp,
 * its reply kept for the DNSSEC check when keep; whether it went (the
 * caller counts it pending). spaced: --spacing counts from when it is
 * sent. */
static bool second_submit(struct probe_state *ps,
                          void (*build)(const struct dp_probe_ctx *ctx,
                                        struct dp_wire_query *q),
                          void (*tweak)(struct dp_wire_query *q),
                          dp_followup_id_t id, bool over_tcp, bool keep,
                          unsigned timeout_ms, bool spaced)
{
  struct target_state *ts = ps->ts;
  const struct dp_probe_def *def = dp_probe_def(ps->probe);
  struct dp_wire_query q;
  uint8_t buf[1024];
  size_t len = 0;
  struct followup_state *fs = calloc(1, sizeof(*fs));
  if (fs == NULL)
  {
    ts->rs->error = DP_ENOMEM;
    return false;
  }
  memset(&q, 0, sizeof(q));
  build(&ts->ctx, &q);
  if (tweak != NULL)
    tweak(&q);
  q.id = next_id(ts);
  dp_diagnose_query_info(&fs->query, &q);
  fs->ts = ts;
  fs->ps = ps;
  fs->res = ps->res;
  fs->id = id;
  fs->keep = keep;
  struct dp_engine_request req;
  memset(&req, 0, sizeof(req));
  req.addr = ts->in->addr;
  req.addrlen = ts->in->addrlen;
  req.transport = over_tcp ? DP_TRANSPORT_TCP : def->transport;
  req.msg = buf;
  req.timeout_ms = timeout_ms ? timeout_ms : 1;
  req.done = on_followup_done;
  req.sent = spaced ? on_followup_sent : NULL;
  req.arg = fs;
  if (dp_wire_query_write(&q, buf, sizeof(buf), &len) != DP_OK ||
      (req.len = len, dp_engine_submit(ts->rs->eng, &req)) != DP_OK)
  {
    free(fs);
    return false;
  }
  fs->next = ts->followups;
  if (ts->followups != NULL)
    ts->followups->prev = fs;
  ts->followups = fs;
  return true;
}

/* Send a follow-up now: the probe's own query, changed by tweak; whether
 * it went (the caller counts it pending). It gets a full timeout: it is a
 * second question, asked only when the first was ambiguous. */
static bool followup_submit(struct probe_state *ps,
                            const struct dp_probe_followup *rule)
{
  const struct dp_probe_def *def = dp_probe_def(ps->probe);
  return second_submit(ps, def->build, rule->tweak, rule->id, rule->over_tcp,
                       def->keep_reply && rule->over_tcp,
                       target_timeout(ps->ts), ps->ts->rs->opt.spacing_ms != 0);
}

/* ---- --spacing ------------------------------------------------------------
 * With --spacing MS a target's queries (probes and follow-ups) leave at
 * least MS apart, in the order they were asked for: a battery then stays
 * under a server's response rate limit (RRL counts identical answers per
 * second). A queued follow-up is counted pending from the start, so the
 * target cannot finish before it went. */

static void spaced_pump(struct target_state *ts);

static void on_spacing(void *arg)
{
  struct target_state *ts = arg;
  ts->spacing_timer = NULL;
  spaced_pump(ts);
}

/* The engine sent the query dispatched last (or it never reached the
 * engine): the gap to the next one runs from now. Only stamps and arms the
 * timer: it may run inside the engine's start of an exchange. */
static void spaced_sent(struct target_state *ts)
{
  if (!ts->awaiting_sent)
    return;
  ts->awaiting_sent = false;
  ts->last_send = dp_engine_now_ms(ts->rs->eng);
  ts->sent_any = true;
  if (ts->spaced_n > 0 && ts->spacing_timer == NULL &&
      dp_engine_timer_start(ts->rs->eng, ts->rs->opt.spacing_ms, on_spacing, ts,
                            &ts->spacing_timer) != DP_OK)
  {
    ts->rs->error = DP_ENOMEM;
    ts->spacing_timer = NULL;
  }
}

static void on_probe_sent(void *arg)
{
  struct probe_state *ps = arg;
  spaced_sent(ps->ts);
}

static void on_followup_sent(void *arg)
{
  struct followup_state *fs = arg;
  spaced_sent(fs->ts);
}

/* The gap counts from when the engine actually sends a query, not from
 * when it was handed over: the engine's own queue must not shorten it. */
static void spaced_dispatch(struct target_state *ts, struct spaced_send sp)
{
  ts->awaiting_sent = true;
  const struct dp_probe_def *def = dp_probe_def(sp.ps->probe);
  bool went = sp.twin ? second_submit(sp.ps, def->twin, NULL, def->twin_id,
                                      false, false, target_timeout(ts), true)
              : sp.followup == NULL ? probe_send(sp.ps)
                                    : followup_submit(sp.ps, sp.followup);
  if (!went)
  {
    spaced_sent(ts); /* never reaches the engine: count from now */
    if (sp.twin)
    {
      twin_release(sp.ps); /* its reservation may be the last */
      return;
    }
    if (sp.followup == NULL)
      return;
    sp.ps->followups_open--;
    probe_maybe_ended(sp.ps);
    if (--ts->pending == 0)
      target_finish(ts); /* the follow-up's reservation was the last */
  }
}

/* Send what is due; arm the timer for the rest. Re-entrant: a send that
 * fails at once may end a probe, which may queue the next one. */
static void spaced_pump(struct target_state *ts)
{
  unsigned gap = ts->rs->opt.spacing_ms;
  while (ts->spaced_n > 0 && !ts->awaiting_sent)
  {
    double since = ts->sent_any ? ms_since(ts->rs, ts->last_send) : (double)gap;
    if (since < (double)gap)
    {
      if (ts->spacing_timer == NULL)
      {
        unsigned wait = (unsigned)((double)gap - since) + 1;
        if (dp_engine_timer_start(ts->rs->eng, wait, on_spacing, ts,
                                  &ts->spacing_timer) != DP_OK)
        {
          ts->rs->error = DP_ENOMEM;
          ts->spacing_timer = NULL;
          since = (double)gap; /* send now rather than never */
        }
      }
      if (since < (double)gap)
        return;
    }
    struct spaced_send sp = ts->spaced[ts->spaced_head];
    ts->spaced_head = (ts->spaced_head + 1) % SPACED_MAX;
    ts->spaced_n--;
    ts->last_send = dp_engine_now_ms(ts->rs->eng);
    ts->sent_any = true;
    spaced_dispatch(ts, sp);
  }
}

static void spaced_push(struct target_state *ts, struct spaced_send sp)
{
  if (ts->spaced_n == SPACED_MAX)
  {
    spaced_dispatch(ts, sp); /* cannot happen: the ring holds a battery */
    return;
  }
  ts->spaced[(ts->spaced_head + ts->spaced_n) % SPACED_MAX] = sp;
  ts->spaced_n++;
  spaced_pump(ts);
}

/* Every probe goes through here. */
static void send_probe(struct probe_state *ps)
{
  struct target_state *ts = ps->ts;
  if (ts->rs->opt.spacing_ms == 0)
  {
    probe_send(ps);
    return;
  }
  struct spaced_send sp = {ps, NULL, false};
  spaced_push(ts, sp);
}

/* And every follow-up. While it is in flight (or queued by --spacing) it
 * holds its probe open and the target pending. */
static void followup_send(struct probe_state *ps,
                          const struct dp_probe_followup *rule)
{
  struct target_state *ts = ps->ts;
  if (ts->rs->opt.spacing_ms == 0)
  {
    if (followup_submit(ps, rule))
    {
      ts->pending++;
      ps->followups_open++;
    }
    return;
  }
  ts->pending++;
  ps->followups_open++;
  struct spaced_send sp = {ps, rule, false};
  spaced_push(ts, sp);
}

/* The second questions an answer calls for (the probe table's follow-up
 * rules): asked at once, or once the probes the rule waits for have ended. */
static void maybe_followup(struct probe_state *ps)
{
  struct target_state *ts = ps->ts;
  size_t n = 0;
  const struct dp_probe_followup *rules = dp_probe_followups(&n);
  for (size_t i = 0; i < n; i++)
  {
    if (rules[i].probe != ps->probe || !rules[i].when(ps->res, ts->out))
      continue;
    if (deps_pending(ts, rules[i].after) && ts->ndeferred < DEFERRED_MAX)
    {
      ts->deferred[ts->ndeferred++] = (struct deferred){ps, &rules[i]};
      ts->pending++;
      ps->followups_open++;
      continue;
    }
    followup_send(ps, &rules[i]);
  }
}

/* Whether a probe of the `after` set is selected for this target (and,
 * with unended, has not ended yet). */
static bool deps_match(const struct target_state *ts, dp_probe_set_t after,
                       bool unended)
{
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
    if ((after & DP_PROBE_BIT(i)) &&
        ts->out->probes[i].outcome != DP_OUTCOME_SKIPPED &&
        (!unended || !ts->probes[i].ended))
      return true;
  return false;
}

static bool deps_pending(const struct target_state *ts, dp_probe_set_t after)
{
  return deps_match(ts, after, true);
}

/* The grace period ran out before the probes it waits for ended: send it
 * without them (IXFR then asks from serial 0). */
static void on_grace(void *arg)
{
  struct probe_state *ps = arg;
  ps->grace = NULL;
  if (!ps->waiting)
    return;
  ps->waiting = false;
  ps->res->early = true;
  send_probe(ps);
}

void dp_utc_now(char *out, size_t cap)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, cap - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

/* The result's description of the target, known before it starts. */
static dp_status_t result_init(struct dp_target_result *out,
                               const struct dp_probe_target *in)
{
  memset(out, 0, sizeof(*out));
  const struct sockaddr *sa = (const struct sockaddr *)&in->addr;
  out->family = sa->sa_family;
  if (sa->sa_family == AF_INET6)
  {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
    inet_ntop(AF_INET6, &s6->sin6_addr, out->address, sizeof(out->address));
    out->port = ntohs(s6->sin6_port);
  }
  else
  {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
    inet_ntop(AF_INET, &s4->sin_addr, out->address, sizeof(out->address));
    out->port = ntohs(s4->sin_port);
  }
  snprintf(out->zone, sizeof(out->zone), "%s", in->zone);
  out->zone_given = in->zone_given;
  snprintf(out->recursion_name, sizeof(out->recursion_name), "%s",
           in->recursion_name);
  out->given = strdup(in->given);
  return out->given != NULL ? DP_OK : DP_ENOMEM;
}

/* A target's probe results, made when it starts (a fleet's later targets
 * take no room until then): one slot per probe of the table, the ones not
 * selected marked skipped. */
static dp_status_t target_setup(struct target_state *ts)
{
  struct dp_target_result *t = ts->out;
  dp_status_t st = dp_target_probes_create(t);
  if (st != DP_OK)
    return st;
  for (unsigned k = 0; k < DP_PROBE_COUNT; k++)
  {
    const struct dp_probe_def *def = dp_probe_def((dp_probe_id_t)k);
    struct dp_probe_result *r = &t->probes[k];
    struct probe_state *ps = &ts->probes[k];
    r->sent = def->sent;
    r->transport = def->transport;
    ps->ts = ts;
    ps->probe = (dp_probe_id_t)k;
    ps->res = r;
    if (ts->rs->opt.probes & DP_PROBE_BIT(k))
    {
      r->outcome = DP_OUTCOME_ANSWER; /* until its exchange says otherwise */
      ts->pending++;
    }
  }
  identity_reuse(ts);
  return DP_OK;
}

/* A target leaves the window without being diagnosed, or after: its state
 * waits for the kick to be freed, and the caller takes its result. */
static void target_retire(struct target_state *ts)
{
  struct dp_runner *rs = ts->rs;
  struct dp_target_result *t = ts->out;
  ts->finished = true;
  flight_remove(rs, ts);
  ts->next_dead = rs->dead;
  rs->dead = ts;
  kick_arm(rs);
  rs->pending--;
  ts->out = NULL; /* the caller's from now on */
  ts->entry->done(ts->entry->done_arg, t);
}

/* Start one target's battery: every probe at once, those with `after`
 * held back (at most a quarter of the timeout). The whole target is set up
 * before its first probe goes, so a synchronous local error cannot finish
 * it before its other probes were counted. */
static void target_start(struct target_state *ts)
{
  struct dp_runner *rs = ts->rs;
  const struct dp_probe_run_options *opt = &rs->opt;
  struct dp_target_result *t = ts->out;

  ts->started = dp_engine_now_ms(rs->eng);
  ts->ctx.zone = t->zone;
  ts->ctx.recursion_name = t->recursion_name;
  /* the case probe's pattern, drawn from the same random pool as the IDs */
  for (int k = 0; k < 4; k++)
  {
    if (rs->id_left == 0)
      id_pool_refill(rs);
    ts->ctx.case_seed = ts->ctx.case_seed << 16 | rs->id_pool[--rs->id_left];
  }
  if (target_setup(ts) != DP_OK)
  {
    /* It cannot run: it ends unfinished, and the caller learns why from
     * dp_runner_status. */
    rs->error = DP_ENOMEM;
    target_retire(ts);
    return;
  }
  if (ts->pending == 0)
  {
    target_finish(ts);
    return;
  }
  for (size_t k = 0; k < t->nprobes; k++)
  {
    struct probe_state *ps = &ts->probes[k];
    const struct dp_probe_def *def = dp_probe_def(ps->probe);
    if (t->probes[k].outcome == DP_OUTCOME_SKIPPED)
      continue;
    if (deps_match(ts, def->after, false))
    {
      unsigned grace = target_timeout(ts) / 4;
      if (grace > 250)
        grace = 250;
      /* With --spacing every probe waits its turn too: the grace period
       * lasts until all of them can have gone. */
      grace += opt->spacing_ms * (unsigned)ts->pending;
      if (dp_engine_timer_start(rs->eng, grace, on_grace, ps, &ps->grace) ==
          DP_OK)
        ps->waiting = true;
    }
  }
  /* A probe that ends at once (a local error) may finish the target: stop
   * sending for it then. */
  for (size_t k = 0; k < t->nprobes && !ts->finished; k++)
    if (t->probes[k].outcome != DP_OUTCOME_SKIPPED && !ts->probes[k].waiting &&
        !ts->probes[k].reused)
      send_probe(&ts->probes[k]);
}

static bool server_busy(const struct dp_runner *rs,
                        const struct sockaddr_storage *addr)
{
  for (size_t i = 0; i < rs->nflight; i++)
    /* two zones on one server are two targets, one server */
    if (dp_engine_same_server(&rs->flight[i]->in->addr, addr))
      return true;
  return false;
}

/* The window opens as far as the CPU allows, as TCP's congestion window
 * does for a network. Batteries start LIMIT_START at a time; every PACE_MS
 * while targets wait, the runner reads how busy the process was
 * (dp_engine_busy): under BUSY_LOW of one CPU the limit doubles, under
 * BUSY_HIGH it grows by LIMIT_STEP, over BUSY_MAX it loses a quarter (down
 * to LIMIT_MIN); it never passes --parallel. A run that waits for the
 * network (real servers, silent ones) reaches --parallel within a few
 * ticks. A run whose one loop is kept busy by the replies (a fast server
 * on this machine) stays near the fewest batteries that keep it busy:
 * started beyond that, every exchange would take longer than the grace
 * periods, whose expiry overlaps the chained probes (three TCP connections
 * and c-ares channels per target instead of one), which costs more CPU and
 * memory still. */
#define LIMIT_START 32u
#define LIMIT_MIN 16u
#define LIMIT_STEP 16u
#define BUSY_LOW 0.8
#define BUSY_HIGH 0.9
#define BUSY_MAX 0.95
#define PACE_MS 20u

static void window_adapt(struct dp_runner *rs, double busy)
{
  unsigned floor = rs->parallel < LIMIT_MIN ? rs->parallel : LIMIT_MIN;
  unsigned want = rs->limit;
  if (busy > BUSY_MAX)
    want = rs->limit - rs->limit / 4;
  else if (busy < BUSY_LOW)
    want = rs->limit * 2;
  else if (busy < BUSY_HIGH)
    want = rs->limit + LIMIT_STEP;
  rs->limit = want < floor ? floor : want > rs->parallel ? rs->parallel : want;
}

static void fill_window(struct dp_runner *rs);

static void on_pace(void *arg)
{
  struct dp_runner *rs = arg;
  rs->pace = NULL;
  window_adapt(rs, dp_engine_busy(rs->eng));
  start_next(rs);
}

/* Start what the window allows now; while targets wait, look at the CPU
 * again in PACE_MS. */
static void start_next(struct dp_runner *rs)
{
  fill_window(rs);
  if (rs->wait_head != NULL && rs->pace == NULL &&
      dp_engine_timer_start(rs->eng, PACE_MS, on_pace, rs, &rs->pace) != DP_OK)
    rs->pace = NULL;
}

/* Fill the window: the first waiting targets (in the order submitted) whose
 * server has no battery in flight, looking at most DP_RUNNER_LOOKAHEAD
 * ahead. One server sees one battery at a time, so a fleet that lists it
 * with many zones does not flood it, and its SOA-question queries and TCP
 * connections never overlap across targets either. */
static void fill_window(struct dp_runner *rs)
{
  while (rs->nflight < rs->limit && rs->wait_head != NULL)
  {
    struct entry *prev = NULL, *pick = rs->wait_head;
    size_t scanned = 0;
    while (pick != NULL && scanned < DP_RUNNER_LOOKAHEAD &&
           server_busy(rs, &pick->in.addr))
    {
      prev = pick;
      pick = pick->next;
      scanned++;
    }
    if (pick == NULL || scanned == DP_RUNNER_LOOKAHEAD)
      return; /* each target that finishes frees its server and kicks */
    struct target_state *ts = calloc(1, sizeof(*ts));
    if (ts == NULL)
    {
      rs->error = DP_ENOMEM;
      return; /* the entry waits: a later kick tries again */
    }
    if (prev != NULL)
      prev->next = pick->next;
    else
      rs->wait_head = pick->next;
    if (rs->wait_tail == pick)
      rs->wait_tail = prev;
    rs->nwaiting--;
    pick->next = NULL;
    ts->rs = rs;
    ts->entry = pick;
    ts->in = &pick->in;
    ts->out = pick->out;
    ts->slot = rs->nflight;
    rs->flight[rs->nflight++] = ts;
    target_start(ts);
  }
}

/* The target leaves the window. */
static void flight_remove(struct dp_runner *rs, struct target_state *ts)
{
  size_t k = ts->slot;
  if (k >= rs->nflight || rs->flight[k] != ts)
    return;
  rs->flight[k] = rs->flight[--rs->nflight];
  rs->flight[k]->slot = k;
}

/* Free a target's state: its timers, the follow-ups still in flight (only
 * when dropped), its entry. Its result is the caller's. */
static void target_free(struct target_state *ts)
{
  for (size_t k = 0; k < DP_PROBE_COUNT; k++)
    dp_engine_timer_cancel(ts->probes[k].grace);
  dp_engine_timer_cancel(ts->spacing_timer);
  while (ts->followups != NULL)
  {
    struct followup_state *fs = ts->followups;
    ts->followups = fs->next;
    free(fs);
  }
  free(ts->entry);
  free(ts);
}

static void free_dead(struct dp_runner *rs)
{
  while (rs->dead != NULL)
  {
    struct target_state *ts = rs->dead;
    rs->dead = ts->next_dead;
    target_free(ts);
  }
}

static void on_kick(void *arg)
{
  struct dp_runner *rs = arg;
  rs->kick = NULL;
  free_dead(rs);
  start_next(rs);
}

/* Run on_kick from the loop, soon (a zero-delay timer). */
static void kick_arm(struct dp_runner *rs)
{
  if (rs->kick != NULL)
    return;
  if (dp_engine_timer_start(rs->eng, 0, on_kick, rs, &rs->kick) != DP_OK)
  {
    rs->kick = NULL;
    rs->error = DP_ENOMEM;
  }
}

/* Targets in flight by default: each holds a few sockets at once (its
 * shared UDP socket, one TCP connection, more when a silent server lets
 * the grace periods run out and the TCP probes and follow-ups overlap);
 * 16 per target leaves room under the open-file limit, and 256 keeps a
 * fleet from looking like a flood. */
static unsigned default_parallel(void)
{
  struct rlimit rl;
  unsigned n = 256;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
  {
    rlim_t room = rl.rlim_cur > 96 ? (rl.rlim_cur - 64) / 16 : 2;
    if ((rlim_t)n > room)
      n = (unsigned)room;
  }
  return n ? n : 1;
}

/* ---- the runner's API ---------------------------------------------------- */

dp_status_t dp_runner_create(dp_engine_t *eng,
                             const struct dp_probe_run_options *opt,
                             dp_runner_t **out)
{
  if (out != NULL)
    *out = NULL;
  if (eng == NULL || opt == NULL || out == NULL)
    return DP_EINVAL;
  struct dp_runner *rs = calloc(1, sizeof(*rs));
  if (rs == NULL)
    return DP_ENOMEM;
  rs->eng = eng;
  rs->opt = *opt;
  rs->parallel = opt->parallel ? opt->parallel : default_parallel();
  rs->limit = rs->parallel < LIMIT_START ? rs->parallel : LIMIT_START;
  rs->flight = calloc(rs->parallel, sizeof(*rs->flight));
  if (rs->flight == NULL)
  {
    free(rs);
    return DP_ENOMEM;
  }
  *out = rs;
  return DP_OK;
}

dp_status_t dp_runner_submit(dp_runner_t *rs,
                             const struct dp_probe_target *target,
                             struct dp_target_result *out,
                             dp_runner_done_fn done, void *arg)
{
  if (rs == NULL || target == NULL || out == NULL || done == NULL ||
      target->zone == NULL || target->recursion_name == NULL)
    return DP_EINVAL;
  sa_family_t fam = target->addr.ss_family;
  if ((fam != AF_INET && fam != AF_INET6) ||
      target->timeout_ms > DP_ENGINE_TIMEOUT_MAX)
    return DP_EINVAL;
  const char *given = target->given != NULL ? target->given : "";
  size_t lg = strlen(given) + 1, lz = strlen(target->zone) + 1,
         lr = strlen(target->recursion_name) + 1;
  struct entry *e = malloc(sizeof(*e) + lg + lz + lr);
  if (e == NULL)
    return DP_ENOMEM;
  memset(e, 0, sizeof(*e));
  memcpy(e->strings, given, lg);
  memcpy(e->strings + lg, target->zone, lz);
  memcpy(e->strings + lg + lz, target->recursion_name, lr);
  e->in = *target;
  e->in.given = e->strings;
  e->in.zone = e->strings + lg;
  e->in.recursion_name = e->strings + lg + lz;
  e->out = out;
  e->done = done;
  e->done_arg = arg;
  if (result_init(out, &e->in) != DP_OK)
  {
    free(e);
    return DP_ENOMEM;
  }
  if (rs->wait_tail != NULL)
    rs->wait_tail->next = e;
  else
    rs->wait_head = e;
  rs->wait_tail = e;
  rs->nwaiting++;
  rs->pending++;
  kick_arm(rs);
  return DP_OK;
}

size_t dp_runner_room(const dp_runner_t *rs)
{
  if (rs == NULL)
    return 0;
  size_t cap = (size_t)rs->parallel + DP_RUNNER_LOOKAHEAD;
  size_t held = rs->nwaiting + rs->nflight;
  return held < cap ? cap - held : 0;
}

size_t dp_runner_pending(const dp_runner_t *rs)
{
  return rs != NULL ? rs->pending : 0;
}

dp_status_t dp_runner_status(const dp_runner_t *rs)
{
  return rs != NULL ? rs->error : DP_EINVAL;
}

void dp_runner_destroy(dp_runner_t *rs)
{
  if (rs == NULL)
    return;
  dp_engine_timer_cancel(rs->kick);
  dp_engine_timer_cancel(rs->pace);
  free_dead(rs);
  for (size_t i = 0; i < rs->nflight; i++)
    target_free(rs->flight[i]);
  while (rs->wait_head != NULL)
  {
    struct entry *e = rs->wait_head;
    rs->wait_head = e->next;
    free(e);
  }
  free(rs->identity);
  free(rs->flight);
  free(rs);
}

/* ---- dp_probe_run: a loop over the runner --------------------------------
 * Targets are pulled (from the array, or the source) while the runner has
 * room, before the loop starts and after each target is done. Each result
 * is its own allocation, on a list while its target is pending (so an
 * interrupted run frees it), and kept in the order pulled unless
 * release_done. */

struct held
{
  struct held *prev, *next; /* pending, or (kept) NULL */
  struct dp_target_result t;
};

struct run_loop
{
  dp_engine_t *eng;
  dp_runner_t *runner;
  const struct dp_probe_run_options *opt;
  struct dp_run *run;
  const struct dp_probe_target *targets; /* the array, or NULL */
  size_t n, next;
  bool eof;             /* nothing more to pull */
  dp_status_t error;    /* the source's failure, or the runner's */
  bool watching;        /* signals stop the loop */
  struct held *pending; /* results whose target is not done */
  struct held **kept;   /* in the order pulled (not release_done) */
  size_t nkept, capkept;
};

static struct held *held_of(struct dp_target_result *t)
{
  return (struct held *)(void *)((char *)t - offsetof(struct held, t));
}

static void held_unlink(struct run_loop *rl, struct held *h)
{
  if (h->prev != NULL)
    h->prev->next = h->next;
  else if (rl->pending == h)
    rl->pending = h->next;
  if (h->next != NULL)
    h->next->prev = h->prev;
  h->prev = h->next = NULL;
}

static dp_status_t pull(struct run_loop *rl, struct dp_probe_target *t)
{
  if (rl->targets == NULL && rl->opt->source != NULL)
    return rl->opt->source(rl->opt->source_arg, t);
  if (rl->next == rl->n)
    return DP_EOF;
  *t = rl->targets[rl->next++];
  return DP_OK;
}

static bool keep(struct run_loop *rl, struct held *h)
{
  if (rl->nkept == rl->capkept)
  {
    size_t cap = rl->capkept ? rl->capkept * 2 : 64;
    struct held **grown = realloc(rl->kept, cap * sizeof(*grown));
    if (grown == NULL)
      return false;
    rl->kept = grown;
    rl->capkept = cap;
  }
  rl->kept[rl->nkept++] = h;
  return true;
}

static void on_target(void *arg, struct dp_target_result *t);

/* While signals are watched the loop does not end by itself: stop watching
 * them once nothing more will come and nothing is pending. */
static void maybe_end(struct run_loop *rl)
{
  if (rl->watching && (rl->eof || rl->error != DP_OK) &&
      dp_runner_pending(rl->runner) == 0)
  {
    (void)dp_engine_stop_on_signal(rl->eng, -1);
    rl->watching = false;
  }
}

static void fail(struct run_loop *rl, dp_status_t st)
{
  if (rl->error == DP_OK)
    rl->error = st;
  dp_engine_stop(rl->eng);
}

/* Pull and submit while the runner has room (each submit takes one place,
 * so this is bounded by the room). */
static void refill(struct run_loop *rl)
{
  while (!rl->eof && rl->error == DP_OK && dp_runner_room(rl->runner) > 0)
  {
    struct dp_probe_target t;
    memset(&t, 0, sizeof(t));
    dp_status_t st = pull(rl, &t);
    if (st == DP_EOF)
    {
      rl->eof = true;
      break;
    }
    if (st != DP_OK)
    {
      fail(rl, st);
      break;
    }
    struct held *h = calloc(1, sizeof(*h));
    if (h == NULL || (!rl->opt->release_done && !keep(rl, h)))
    {
      free(h);
      fail(rl, DP_ENOMEM);
      break;
    }
    st = dp_runner_submit(rl->runner, &t, &h->t, on_target, rl);
    if (st != DP_OK)
    {
      if (!rl->opt->release_done)
        rl->nkept--; /* never submitted: not kept */
      free(h);
      fail(rl, st);
      break;
    }
    h->next = rl->pending;
    if (rl->pending != NULL)
      rl->pending->prev = h;
    rl->pending = h;
  }
  maybe_end(rl);
}

static void on_target(void *arg, struct dp_target_result *t)
{
  struct run_loop *rl = arg;
  struct held *h = held_of(t);
  held_unlink(rl, h);
  if (t->finished)
  {
    if (t->status > rl->run->status)
      rl->run->status = t->status;
    if (rl->opt->target_done != NULL)
      rl->opt->target_done(rl->opt->arg, t);
  }
  if (rl->opt->release_done)
  {
    dp_target_clear(t);
    free(h);
  }
  if (dp_runner_status(rl->runner) != DP_OK)
    fail(rl, dp_runner_status(rl->runner));
  refill(rl);
}

/* Move the kept results into run->targets, in the order pulled. */
static dp_status_t gather(struct run_loop *rl)
{
  struct dp_run *run = rl->run;
  run->targets = calloc(rl->nkept ? rl->nkept : 1, sizeof(*run->targets));
  if (run->targets == NULL)
    return DP_ENOMEM;
  for (size_t i = 0; i < rl->nkept; i++)
  {
    held_unlink(rl, rl->kept[i]);
    run->targets[i] = rl->kept[i]->t;
    free(rl->kept[i]);
  }
  run->ntargets = rl->nkept;
  rl->nkept = 0;
  return DP_OK;
}

dp_status_t dp_probe_run(const struct dp_probe_target *targets, size_t n,
                         const struct dp_probe_run_options *opt,
                         struct dp_run *run)
{
  struct run_loop rl;
  double started = 0;
  dp_status_t st;

  if (run == NULL || opt == NULL || (n > 0 && targets == NULL))
    return DP_EINVAL;
  memset(run, 0, sizeof(*run));
  memset(&rl, 0, sizeof(rl));
  rl.opt = opt;
  rl.run = run;
  rl.targets = targets;
  rl.n = n;
  dp_utc_now(run->started_at, sizeof(run->started_at));
  run->status = DP_HEALTH_OK;

  st = dp_engine_create(&opt->engine, &rl.eng);
  if (st != DP_OK)
    goto done;
  st = dp_runner_create(rl.eng, opt, &rl.runner);
  if (st != DP_OK)
    goto done;
  started = dp_engine_now_ms(rl.eng);
  if (opt->stop_on_sigint)
  {
    rl.watching = true;
    if (dp_engine_stop_on_signal(rl.eng, SIGINT) != DP_OK ||
        dp_engine_stop_on_signal(rl.eng, SIGTERM) != DP_OK)
    {
      st = DP_ENOMEM;
      goto done;
    }
  }
  refill(&rl);
  /* a source that failed before the loop: nothing of the list is sent */
  if (rl.error == DP_OK)
    st = dp_engine_run(rl.eng);
  run->duration_ms = dp_engine_now_ms(rl.eng) - started;
  if (rl.error != DP_OK)
    st = rl.error;

done:
  dp_runner_destroy(rl.runner);
  dp_engine_destroy(rl.eng);
  if (!opt->release_done && gather(&rl) != DP_OK && st == DP_OK)
    st = DP_ENOMEM;
  /* results of targets dropped in flight (release_done), or not gathered */
  for (size_t i = 0; i < rl.nkept; i++)
    held_unlink(&rl, rl.kept[i]);
  for (size_t i = 0; i < rl.nkept; i++)
  {
    dp_target_clear(&rl.kept[i]->t);
    free(rl.kept[i]);
  }
  while (rl.pending != NULL)
  {
    struct held *h = rl.pending;
    held_unlink(&rl, h);
    dp_target_clear(&h->t);
    free(h);
  }
  free(rl.kept);
  return st;
}
