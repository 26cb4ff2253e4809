/*
 * fake_engine.c: the engine's API (engine.h) on a virtual clock, linked
 * into tests in place of the real engine, so that the runner's scheduling
 * (ordering, spacing, grace periods, follow-ups, the window) is tested
 * deterministically: no socket, no wall clock, the same run every time.
 *
 * An exchange is "sent" when submitted: it goes into the log with the
 * virtual time, and a responder the test chooses says what comes back and
 * after how long (or nothing, and the exchange times out). Timers, sent and
 * done callbacks are events in one queue ordered by time, then by the order
 * they were made; dp_engine_run takes them in that order, moving the clock
 * to each. Nothing here is thread-safe or meant for production.
 */
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/dns.h"
#include "fake_engine.h"

enum ev_kind
{
  EV_TIMER,
  EV_SENT,
  EV_DONE,
};

struct ev
{
  struct ev *next;
  double at;
  unsigned long seq;
  enum ev_kind kind;
  /* EV_TIMER */
  void (*fn)(void *arg);
  void *arg;
  /* EV_SENT, EV_DONE */
  struct dp_engine_request req;
  struct fake_reply reply;
  double rtt_ms;
};

struct dp_engine_timer
{
  struct ev ev; /* a timer is its event */
};

struct dp_engine
{
  struct ev *queue; /* ordered by (at, seq) */
  unsigned long seq;
  double now;
  bool stopping;
};

struct fake_log fake_log;
fake_responder_fn fake_responder;

static double clock_now; /* the clock of the engine last run */

static void queue_add(struct dp_engine *eng, struct ev *e)
{
  struct ev **p = &eng->queue;
  e->seq = eng->seq++;
  while (*p != NULL &&
         ((*p)->at < e->at || ((*p)->at == e->at && (*p)->seq < e->seq)))
    p = &(*p)->next;
  e->next = *p;
  *p = e;
}

static bool queue_remove(struct dp_engine *eng, struct ev *e)
{
  for (struct ev **p = &eng->queue; *p != NULL; p = &(*p)->next)
    if (*p == e)
    {
      *p = e->next;
      return true;
    }
  return false;
}

void fake_log_reset(void)
{
  free(fake_log.sent);
  memset(&fake_log, 0, sizeof(fake_log));
}

/* What a server answers by default: the question echoed with QR and AA,
 * NOERROR (NOTIMP to an opcode other than QUERY, UPDATE and NOTIFY), no
 * records, 1 ms later. */
void fake_reply_default(const struct fake_sent *q, struct fake_reply *r)
{
  struct dp_wire_msg m;
  memset(r, 0, sizeof(*r));
  if (dp_wire_msg_parse(q->msg, q->len, &m) != DP_OK || q->len > sizeof(r->msg))
    return;
  uint8_t op = m.opcode;
  uint16_t rcode = (op == DP_OPCODE_QUERY || op == DP_OPCODE_UPDATE ||
                    op == DP_OPCODE_NOTIFY)
                       ? DP_RCODE_NOERROR
                       : DP_RCODE_NOTIMP;
  fake_reply_echo(q, r, rcode, DP_FLAG_AA);
}

void fake_reply_echo(const struct fake_sent *q, struct fake_reply *r,
                     uint16_t rcode, uint16_t flags)
{
  struct dp_wire_msg m;
  memset(r, 0, sizeof(*r));
  if (dp_wire_msg_parse(q->msg, q->len, &m) != DP_OK || !m.has_question)
    return;
  /* header and question, nothing after it (the question ends 4 bytes
   * after its name) */
  size_t end = 0, namelen = 0;
  uint8_t name[DP_DNS_NAME_MAX];
  if (dp_wire_name_read(q->msg, q->len, m.qname_off, name, sizeof(name),
                        &namelen, &end) != DP_OK ||
      end + 4 > q->len || end + 4 > sizeof(r->msg))
    return;
  end += 4;
  memcpy(r->msg, q->msg, end);
  uint16_t f =
      (uint16_t)(DP_FLAG_QR | flags | (q->msg[2] & 0x79) << 8 | (rcode & 0x0f));
  r->msg[2] = (uint8_t)(f >> 8);
  r->msg[3] = (uint8_t)(f & 0xff);
  r->msg[4] = 0, r->msg[5] = 1; /* QDCOUNT 1 */
  memset(r->msg + 6, 0, 6);     /* no records */
  r->len = end;
  r->answer = true;
  r->delay_ms = 1.0;
}

dp_status_t dp_engine_create(const struct dp_engine_options *opt,
                             dp_engine_t **out)
{
  (void)opt;
  if (out == NULL)
    return DP_EINVAL;
  *out = calloc(1, sizeof(**out));
  return *out != NULL ? DP_OK : DP_ENOMEM;
}

void dp_engine_destroy(dp_engine_t *eng)
{
  if (eng == NULL)
    return;
  while (eng->queue != NULL)
  {
    struct ev *e = eng->queue;
    eng->queue = e->next;
    if (e->kind != EV_TIMER)
      free((void *)e->req.msg);
    free(e);
  }
  free(eng);
}

double dp_engine_now_ms(const dp_engine_t *eng)
{
  return eng != NULL ? eng->now : clock_now;
}

/* On a virtual clock the loop is busy as the test says: never, unless it
 * sets fake_busy to see the runner's window close. */
double fake_busy;

double dp_engine_busy(dp_engine_t *eng)
{
  (void)eng;
  return fake_busy;
}

dp_status_t dp_engine_submit(dp_engine_t *eng,
                             const struct dp_engine_request *req)
{
  if (eng == NULL || req == NULL || req->msg == NULL || req->done == NULL)
    return DP_EINVAL;
  struct fake_sent *grown =
      realloc(fake_log.sent, (fake_log.n + 1) * sizeof(*fake_log.sent));
  struct ev *done = calloc(1, sizeof(*done));
  uint8_t *copy = malloc(req->len ? req->len : 1);
  if (grown == NULL || done == NULL || copy == NULL)
  {
    if (grown != NULL)
      fake_log.sent = grown;
    free(done);
    free(copy);
    return DP_ENOMEM;
  }
  fake_log.sent = grown;
  struct fake_sent *s = &fake_log.sent[fake_log.n++];
  memset(s, 0, sizeof(*s));
  s->at = eng->now;
  s->transport = req->transport;
  s->addr = req->addr;
  s->len = req->len < sizeof(s->msg) ? req->len : sizeof(s->msg);
  memcpy(s->msg, req->msg, s->len);
  s->replied_at = -1.0;

  memcpy(copy, req->msg, req->len);
  done->kind = EV_DONE;
  done->req = *req;
  done->req.msg = copy;
  (fake_responder != NULL ? fake_responder : fake_reply_default)(s,
                                                                 &done->reply);
  if (done->reply.answer && done->reply.delay_ms < req->timeout_ms)
  {
    done->at = eng->now + done->reply.delay_ms;
    done->rtt_ms = done->reply.delay_ms;
    s->replied_at = done->at;
  }
  else
  {
    done->reply.answer = false;
    done->at = eng->now + req->timeout_ms;
    done->rtt_ms = -1.0;
  }
  done->reply.index = fake_log.n - 1;
  queue_add(eng, done);
  if (req->sent != NULL)
  {
    struct ev *sent = calloc(1, sizeof(*sent));
    if (sent == NULL)
      return DP_ENOMEM; /* the exchange still ends */
    sent->kind = EV_SENT;
    sent->at = eng->now;
    sent->req = *req;
    sent->req.msg = NULL;
    queue_add(eng, sent);
  }
  return DP_OK;
}

static void fire(struct dp_engine *eng, struct ev *e)
{
  switch (e->kind)
  {
  case EV_TIMER:
    e->fn(e->arg);
    return; /* the timer is freed by fire's caller */
  case EV_SENT:
    e->req.sent(e->req.arg);
    return;
  case EV_DONE:
    break;
  }
  struct dp_engine_result r;
  struct dp_engine_msg m;
  memset(&r, 0, sizeof(r));
  r.rtt_ms = e->rtt_ms;
  r.stream_complete = true;
  if (e->reply.answer)
  {
    m.data = e->reply.msg;
    m.len = e->reply.len;
    m.at_ms = e->rtt_ms;
    r.outcome = DP_OUTCOME_ANSWER;
    r.nmsgs = 1;
    r.first = &m;
    r.bytes = m.len;
    if (e->req.stream != NULL)
      r.stream_complete =
          e->req.stream(e->req.arg, m.data, m.len, 0) == DP_ENGINE_DONE;
  }
  else
    r.outcome = e->reply.outcome != DP_OUTCOME_ANSWER ? e->reply.outcome
                                                      : DP_OUTCOME_TIMEOUT;
  (void)eng;
  e->req.done(e->req.arg, &r);
}

dp_status_t dp_engine_run(dp_engine_t *eng)
{
  if (eng == NULL)
    return DP_EINVAL;
  eng->stopping = false;
  /* bounded: no test needs a million events */
  for (unsigned long n = 0; n < 1000000 && eng->queue != NULL; n++)
  {
    if (eng->stopping)
      return DP_EINTERRUPTED;
    struct ev *e = eng->queue;
    eng->queue = e->next;
    eng->now = e->at;
    clock_now = eng->now;
    fire(eng, e);
    if (e->kind != EV_TIMER)
      free((void *)e->req.msg);
    free(e);
  }
  return eng->stopping ? DP_EINTERRUPTED : DP_OK;
}

void dp_engine_stop(dp_engine_t *eng)
{
  if (eng != NULL)
    eng->stopping = true;
}

dp_status_t dp_engine_stop_on_signal(dp_engine_t *eng, int signo)
{
  (void)signo; /* no signal reaches a virtual clock */
  return eng != NULL ? DP_OK : DP_EINVAL;
}

dp_status_t dp_engine_timer_start(dp_engine_t *eng, unsigned ms,
                                  void (*fn)(void *arg), void *arg,
                                  dp_engine_timer_t **out)
{
  if (eng == NULL || fn == NULL || out == NULL)
    return DP_EINVAL;
  struct dp_engine_timer *t = calloc(1, sizeof(*t));
  if (t == NULL)
    return DP_ENOMEM;
  t->ev.kind = EV_TIMER;
  t->ev.at = eng->now + ms;
  t->ev.fn = fn;
  t->ev.arg = arg;
  t->ev.req.arg = eng; /* the engine, to take the timer off its queue */
  queue_add(eng, &t->ev);
  *out = t;
  return DP_OK;
}

void dp_engine_timer_cancel(dp_engine_timer_t *timer)
{
  if (timer == NULL)
    return;
  if (queue_remove(timer->ev.req.arg, &timer->ev))
    free(timer);
}
