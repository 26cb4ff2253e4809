/*
 * engine.c: exchanges of raw DNS messages on c-ares and libevent.
 *
 * Exchanges run on links. A link is one c-ares channel to one server,
 * configured as docs/design/engine.md requires:
 * NOCHECKRESP | IGNTC | STAYOPEN (| USEVC for TCP), tries 1, explicit
 * timeout, NOROTATE, no answer cache, no server but the link's (none read
 * from resolv.conf), and our socket functions. Those functions are the tap:
 * they do the real recvfrom/recv and record every reply with a timestamp.
 * An exchange ends when the tap holds its answer (or a stream's end), when
 * its deadline passes, or on a transport error; never because c-ares says
 * so.
 *
 * What goes on the wire is the caller's message, byte for byte, whatever
 * the c-ares: cares_compat.c says which kind this build has. c-ares 1.18 to
 * 1.21 send the caller's buffer verbatim and get a copy of each reply the
 * tap read. Later versions choose the query ID and re-encode what they are
 * given, so they get a stand-in query and never a reply; the send tap
 * writes the caller's message in place of the stand-in's bytes, under the
 * ID c-ares chose (the exchange's wire ID), and the tap writes the caller's
 * ID back into each reply it delivers. Either way c-ares opens, connects
 * and closes the sockets and times the queries.
 *
 * UDP exchanges to one server share that server's link while any of them is
 * queued or running: one channel and one socket for a whole battery, not
 * one per query. The tap routes each datagram to the exchange with its wire
 * ID. Sharing is safe for UDP because a UDP-only channel never falls back
 * to TCP (IGNTC; queries are at most 512 bytes), and a socket error
 * concerns every query sent on that socket: the same port is closed for all
 * of them. Two exchanges with the same wire ID never share a link, nor does
 * one whose wire ID a recently ended exchange on the link used (its late
 * reply would be taken for an answer): where the caller's ID goes on the
 * wire such an exchange gets a private link; where c-ares chooses, c-ares
 * never reuses the ID of a query it still holds, and a link's queries stay
 * with c-ares until the link goes. TCP exchanges always get a private link,
 * so that one connection's failure, which makes c-ares close and resend
 * everything on that server, cannot disturb another exchange. A link's
 * channel comes from a pool and goes back to it emptied when the link goes
 * (see struct chan).
 *
 * Invariants: c-ares is never destroyed from inside one of its callbacks or
 * socket functions; an exchange is finalised from a zero-delay libevent
 * event. The done callback runs exactly once per submitted exchange. A
 * c-ares callback never points at an exchange: it gets a token that the
 * exchange lets go of when it ends, because on a shared link c-ares may
 * still hold a query whose exchange has ended (a reply c-ares would not
 * match, such as QDCOUNT=0, leaves it waiting for its own timeout). No byte
 * c-ares composed itself ever leaves a socket where c-ares rewrites.
 */
#include <ares.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "cares_compat.h"
#include "dnsprobe/dns.h"
#include "dnsprobe/engine.h"

#define RX_BUF_SIZE 65536
#define MAX_SOCKS 2
#define WINDOW_DEFAULT                                                         \
  16384u /* the target window (--parallel) bounds it first */
#define RATE_DEFAULT 100000u
/* c-ares' own timeout, the same for every channel so that any channel can
 * serve any exchange: only a backstop, after the exchange's deadline. */
#define CARES_SLACK_MS 500
#define UDP_QUERY_MAX 512  /* c-ares 1.18 sends longer queries over TCP */
#define RX_BURST 64        /* datagrams read per readable event, at most */
#define RECENT_IDS 32      /* IDs of ended exchanges a link remembers */
#define LINK_BUCKETS 1024u /* shared links by server address */
#define POOL_MAX 1024u     /* idle channels kept for reuse */

typedef enum
{
  EX_QUEUED = 0,
  EX_RUNNING,
  EX_FINISHING, /* result known; finalisation scheduled */
} ex_state_t;

struct sockrec
{
  ares_socket_t fd;
  struct event *ev;
  bool tcp;
};

struct exchange;
struct link;

/* A c-ares channel with its sockets and timer. Channels are reused: making
 * one costs about 73 KiB of fresh memory and a read of the random source,
 * a good part of a fleet's time. A link takes one from the engine's pool
 * and gives it back emptied (queries cancelled, server removed, which
 * closes its sockets), from the loop, never from inside c-ares. */
struct chan
{
  struct dp_engine *eng;
  struct chan *next; /* the pool's list */
  struct link *link; /* the link using it; NULL in the pool */
  ares_channel ch;
  bool tcp;
  struct sockrec socks[MAX_SOCKS];
  struct event *cares_timer;
  struct dp_cares_tap_ctx tap; /* c-ares' user data for the tap */
};

/* What c-ares' callback gets instead of the exchange (see the top). */
struct send_token
{
  struct exchange *ex; /* NULL once the exchange has ended */
};

/* One c-ares channel to one server (see the top). */
struct link
{
  struct dp_engine *eng;
  struct link *all_prev, *all_next; /* every link of the engine */
  struct link *hash_next;           /* shared links: the bucket's chain */
  struct sockaddr_storage addr;
  socklen_t addrlen;
  bool shared;
  bool tcp;
  unsigned queued;          /* shared: exchanges submitted, not started */
  struct exchange *members; /* running exchanges on the channel */
  struct chan *chan;        /* taken by the first exchange to start */
  uint16_t recent[RECENT_IDS];
  uint32_t recent_q[RECENT_IDS]; /* their questions' hashes */
  unsigned nrecent;
  unsigned recent_pos;
};

struct exchange
{
  struct dp_engine *eng;
  struct exchange *next;                /* queue link */
  struct exchange *run_prev, *run_next; /* running list link */
  struct exchange *mem_prev, *mem_next; /* the link's members */
  struct dp_engine_request req;
  uint8_t *msg;
  uint16_t id;      /* the caller's, in msg */
  uint16_t wire_id; /* the one on the wire (c-ares' where it chooses) */
  bool wire_known;  /* wire_id is set: the query went, or is about to */
  uint64_t seq;     /* start order, to match c-ares' writes to exchanges */
  bool announced;   /* the sent callback has run */
  size_t qlen;      /* bytes of the query's question section (after 12) */
  uint32_t qhash;   /* of that question, letters folded */
  ex_state_t state;
  struct link *link;
  struct send_token *token;
  struct event *deadline;
  struct event *finish;
  struct timespec started;
  bool sent;
  struct timespec sent_at;
  /* tap: what came back */
  dp_outcome_t outcome;
  bool outcome_set;
  int sys_errno;
  size_t nmsgs;
  size_t bytes;
  uint8_t *first;
  size_t first_len;
  double first_at_ms;
  unsigned stray;
  unsigned short_datagrams;
  bool stream_complete;
  bool limit_hit;
  bool closed_after;
  bool connected; /* TCP: the query went out on an established connection */
  /* TCP reassembly: 2-byte length, then the body */
  uint8_t lenbuf[2];
  size_t lenpos;
  uint8_t *frame;
  size_t frame_len;
  size_t frame_pos;
};

struct dp_engine_timer
{
  struct dp_engine *eng;
  struct dp_engine_timer *prev, *next;
  struct event *ev;
  void (*fn)(void *arg);
  void *arg;
};

struct dp_engine
{
  struct event_base *base;
  double busy_cpu, busy_wall; /* dp_engine_busy's last sample, in ms */
  struct exchange *queue_head, *queue_tail;
  struct exchange *running; /* started, not yet finalised */
  struct link *links;       /* every link, shared or private */
  struct link *buckets[LINK_BUCKETS];
  struct chan *pool[2]; /* idle channels: [0] UDP, [1] TCP */
  unsigned pooled;
  struct dp_engine_timer *timers;
  struct event *sigev[DP_ENGINE_SIGNALS_MAX]; /* signals that stop the loop */
  int signo[DP_ENGINE_SIGNALS_MAX];
  unsigned nsig;
  unsigned inflight;
  unsigned window;
  unsigned rate;
  double tokens;
  struct timespec tokens_at;
  struct event *pump;
  bool pump_armed;
  bool stopping;
  uint64_t started; /* exchanges started, for their seq */
  FILE *wire_log;   /* DNSPROBE_WIRE_LOG: every query as handed to c-ares */
  uint8_t rxbuf[RX_BUF_SIZE];
  uint8_t txbuf[2 + DP_DNS_MAX_UDP]; /* a query as the send tap writes it */
};

static double ms_between(const struct timespec *a, const struct timespec *b)
{
  return (double)(b->tv_sec - a->tv_sec) * 1e3 +
         (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static void now(struct timespec *ts)
{
  clock_gettime(CLOCK_MONOTONIC, ts);
}

static void schedule_pump(struct dp_engine *eng);
static void announce_sent(struct exchange *ex);

/* ---- links ------------------------------------------------------------- */

static unsigned addr_hash(const struct sockaddr_storage *ss)
{
  const struct sockaddr *sa = (const struct sockaddr *)ss;
  uint32_t h = 2166136261u; /* FNV-1a over address and port */
  const uint8_t *p;
  size_t n;
  if (sa->sa_family == AF_INET6)
  {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
    p = (const uint8_t *)&s6->sin6_addr;
    n = sizeof(s6->sin6_addr);
    h = (h ^ (uint32_t)s6->sin6_port) * 16777619u;
  }
  else
  {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
    p = (const uint8_t *)&s4->sin_addr;
    n = sizeof(s4->sin_addr);
    h = (h ^ (uint32_t)s4->sin_port) * 16777619u;
  }
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 16777619u;
  return h % LINK_BUCKETS;
}

static struct link *link_new(struct dp_engine *eng,
                             const struct dp_engine_request *req, bool shared)
{
  struct link *l = calloc(1, sizeof(*l));
  if (l == NULL)
    return NULL;
  l->eng = eng;
  l->addr = req->addr;
  l->addrlen = req->addrlen;
  l->shared = shared;
  l->tcp = req->transport == DP_TRANSPORT_TCP;
  l->all_next = eng->links;
  if (eng->links)
    eng->links->all_prev = l;
  eng->links = l;
  if (shared)
  {
    unsigned b = addr_hash(&l->addr);
    l->hash_next = eng->buckets[b];
    eng->buckets[b] = l;
  }
  return l;
}

/* The shared UDP link to a server, created when none exists. */
static struct link *link_shared(struct dp_engine *eng,
                                const struct dp_engine_request *req)
{
  for (struct link *l = eng->buckets[addr_hash(&req->addr)]; l;
       l = l->hash_next)
    if (dp_engine_same_server(&l->addr, &req->addr))
      return l;
  return link_new(eng, req, true);
}

static void chan_put(struct chan *c);

/* Never from inside c-ares (a callback or a socket function). */
static void link_destroy(struct link *l)
{
  struct dp_engine *eng = l->eng;
  if (l->chan)
    chan_put(l->chan); /* closes its sockets through the tap */
  l->chan = NULL;
  if (l->all_prev)
    l->all_prev->all_next = l->all_next;
  else
    eng->links = l->all_next;
  if (l->all_next)
    l->all_next->all_prev = l->all_prev;
  if (l->shared)
  {
    struct link **pp = &eng->buckets[addr_hash(&l->addr)];
    while (*pp && *pp != l)
      pp = &(*pp)->hash_next;
    if (*pp)
      *pp = l->hash_next;
  }
  free(l);
}

/* A shared link nobody queued or runs on any more goes at once. */
static void link_release(struct link *l)
{
  if (l->members == NULL && l->queued == 0)
    link_destroy(l);
}

static bool link_recent(const struct link *l, uint16_t id)
{
  for (unsigned i = 0; i < l->nrecent; i++)
    if (l->recent[i] == id)
      return true;
  return false;
}

/* The exchange on the link whose query went out under this wire ID. */
static struct exchange *link_member(const struct link *l, uint16_t id)
{
  for (struct exchange *m = l->members; m; m = m->mem_next)
    if (m->wire_known && m->wire_id == id)
      return m;
  return NULL;
}

static void link_attach(struct link *l, struct exchange *ex)
{
  ex->link = l;
  ex->mem_prev = NULL;
  ex->mem_next = l->members;
  if (l->members)
    l->members->mem_prev = ex;
  l->members = ex;
}

/* The exchange leaves its link; the link remembers its ID for a while. */
static void link_detach(struct exchange *ex)
{
  struct link *l = ex->link;
  if (l == NULL)
    return;
  if (ex->mem_prev)
    ex->mem_prev->mem_next = ex->mem_next;
  else if (l->members == ex)
    l->members = ex->mem_next;
  if (ex->mem_next)
    ex->mem_next->mem_prev = ex->mem_prev;
  ex->mem_prev = ex->mem_next = NULL;
  if (ex->wire_known)
  {
    l->recent[l->recent_pos] = ex->wire_id;
    l->recent_q[l->recent_pos] = ex->qhash;
    l->recent_pos = (l->recent_pos + 1) % RECENT_IDS;
    if (l->nrecent < RECENT_IDS)
      l->nrecent++;
  }
  ex->link = NULL;
}

/* ---- ending an exchange ------------------------------------------------ */

/* Record the result (first one wins) and schedule finalisation. Safe to call
 * from c-ares callbacks and socket functions: it touches no c-ares state. */
static void conclude(struct exchange *ex, dp_outcome_t outcome, int err)
{
  if (ex->state != EX_RUNNING)
    return;
  if (!ex->outcome_set)
  {
    ex->outcome = outcome;
    ex->sys_errno = err;
    ex->outcome_set = true;
  }
  ex->state = EX_FINISHING;
  event_active(ex->finish, EV_TIMEOUT, 0);
}

static void exchange_free(struct exchange *ex)
{
  if (ex == NULL)
    return;
  if (ex->token)
    ex->token->ex = NULL;
  if (ex->deadline)
    event_free(ex->deadline);
  if (ex->finish)
    event_free(ex->finish);
  free(ex->msg);
  free(ex->first);
  free(ex->frame);
  free(ex);
}

static void run_unlink(struct dp_engine *eng, struct exchange *ex)
{
  if (ex->run_prev)
    ex->run_prev->run_next = ex->run_next;
  else if (eng->running == ex)
    eng->running = ex->run_next;
  if (ex->run_next)
    ex->run_next->run_prev = ex->run_prev;
  ex->run_prev = ex->run_next = NULL;
}

/* Runs from the loop, never inside c-ares: calls done, then frees. */
static void on_finish(evutil_socket_t fd, short what, void *arg)
{
  struct exchange *ex = arg;
  struct dp_engine *eng = ex->eng;
  struct link *l = ex->link;
  struct dp_engine_msg first;
  struct dp_engine_result res;
  (void)fd;
  (void)what;

  /* Leave the link first, so nothing c-ares does from now on can reach the
   * tap of an exchange whose result has been delivered; a private link is
   * destroyed with its exchange. */
  if (ex->token)
  {
    ex->token->ex = NULL;
    ex->token = NULL;
  }
  link_detach(ex);
  if (l && !l->shared)
  {
    link_destroy(l);
    l = NULL;
  }

  memset(&res, 0, sizeof(res));
  res.outcome = ex->outcome;
  res.sys_errno = ex->sys_errno;
  res.rtt_ms = -1.0;
  res.nmsgs = ex->nmsgs;
  res.bytes = ex->bytes;
  res.stray = ex->stray + ex->short_datagrams;
  res.stream_complete = ex->stream_complete;
  res.limit_hit = ex->limit_hit;
  res.closed_after = ex->closed_after;
  res.connected = ex->connected;
  if (ex->first)
  {
    first.data = ex->first;
    first.len = ex->first_len;
    first.at_ms = ex->first_at_ms;
    res.first = &first;
    res.rtt_ms = ex->first_at_ms;
  }
  announce_sent(ex); /* sent always comes before done */
  /* done may submit the next exchange to the same server (a chain): that
   * keeps the shared link, and its socket, for it. */
  if (ex->req.done)
    ex->req.done(ex->req.arg, &res);
  if (l)
    link_release(l);

  eng->inflight--;
  run_unlink(eng, ex);
  exchange_free(ex);
  schedule_pump(eng);
}

/* ---- the receive tap --------------------------------------------------- */

static double since_send_ms(struct exchange *ex)
{
  struct timespec t;
  now(&t);
  return ms_between(ex->sent ? &ex->sent_at : &ex->started, &t);
}

static void tap_accept(struct exchange *ex, const uint8_t *buf, size_t len);

/* One complete message for this exchange (UDP datagram or TCP frame), in a
 * buffer of the tap's own. */
static void tap_message(struct exchange *ex, uint8_t *buf, size_t len)
{
  if (ex->state != EX_RUNNING)
    return;
  if (len < 2)
  {
    /* Too short to carry an ID: on a connected socket it still comes from
     * the server, so remember it as a malformed reply. */
    ex->short_datagrams++;
    if (ex->req.transport == DP_TRANSPORT_TCP)
      conclude(ex, DP_OUTCOME_MALFORMED, 0);
    return;
  }
  uint16_t id = (uint16_t)(buf[0] << 8 | buf[1]);
  if (!ex->wire_known || id != ex->wire_id)
  {
    ex->stray++;
    return;
  }
  if (len < DP_DNS_HEADER_LEN)
  {
    conclude(ex, DP_OUTCOME_MALFORMED, 0);
    return;
  }
  /* The caller sees its own ID in the reply, as it would had c-ares not
   * chosen another; the buffer is the tap's, restored before returning, so
   * that another exchange looking at the same datagram sees it unchanged. */
  buf[0] = (uint8_t)(ex->id >> 8);
  buf[1] = (uint8_t)ex->id;
  tap_accept(ex, buf, len);
  buf[0] = (uint8_t)(id >> 8);
  buf[1] = (uint8_t)id;
}

/* A reply with the exchange's ID, as the caller is to see it. */
static void tap_accept(struct exchange *ex, const uint8_t *buf, size_t len)
{
  ex->nmsgs++;
  ex->bytes += len;
  if (ex->first == NULL)
  {
    ex->first = malloc(len);
    if (ex->first == NULL)
    {
      conclude(ex, DP_OUTCOME_LOCAL_ERROR, ENOMEM);
      return;
    }
    memcpy(ex->first, buf, len);
    ex->first_len = len;
    ex->first_at_ms = since_send_ms(ex);
  }
  if (ex->req.stream == NULL)
  {
    ex->stream_complete = true;
    conclude(ex, DP_OUTCOME_ANSWER, 0);
    return;
  }
  if (ex->req.stream(ex->req.arg, buf, len, ex->nmsgs - 1) == DP_ENGINE_DONE)
  {
    ex->stream_complete = true;
    conclude(ex, DP_OUTCOME_ANSWER, 0);
    return;
  }
  if (ex->nmsgs >= ex->req.max_msgs || ex->bytes >= ex->req.max_bytes)
  {
    ex->limit_hit = true;
    conclude(ex, DP_OUTCOME_ANSWER, 0);
  }
}

/* ---- questions, to tell replies apart on a shared socket ----------------
 * Bytes are compared with ASCII letters folded (a server may echo the case
 * of the name differently); a label length (0-63) or a compression pointer
 * (0xC0 and up) is never a letter, so folding every byte is safe. */

static uint8_t fold(uint8_t c)
{
  return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* The length of our own query's first question (name, type, class), or 0
 * when it has none; the query is ours, so well formed. */
static size_t query_question_len(const uint8_t *msg, size_t len)
{
  if (len < DP_DNS_HEADER_LEN || (msg[4] == 0 && msg[5] == 0))
    return 0;
  size_t off = DP_DNS_HEADER_LEN;
  while (off < len && msg[off] != 0 && msg[off] < 64)
    off += 1 + (size_t)msg[off];
  if (off >= len || msg[off] != 0 || off + 5 > len)
    return 0;
  return off + 5 - DP_DNS_HEADER_LEN;
}

static uint32_t question_hash(const uint8_t *q, size_t n)
{
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ fold(q[i])) * 16777619u;
  return h;
}

/* Whether a reply carries the question ex asked (a reply without one,
 * QDCOUNT=0, cannot say otherwise). */
static bool reply_asks(const struct exchange *ex, const uint8_t *r, size_t rlen)
{
  if (rlen < DP_DNS_HEADER_LEN || (r[4] == 0 && r[5] == 0) || ex->qlen == 0)
    return true;
  if (rlen < DP_DNS_HEADER_LEN + ex->qlen)
    return false;
  for (size_t i = 0; i < ex->qlen; i++)
    if (fold(r[DP_DNS_HEADER_LEN + i]) != fold(ex->msg[DP_DNS_HEADER_LEN + i]))
      return false;
  return true;
}

/* Whether a reply that does not carry ex's question carries the question
 * of another exchange on the link, running or recently ended: then it is
 * that one's reply under a wrong ID, not ex's answer. */
static bool reply_is_anothers(const struct link *l, const struct exchange *ex,
                              const uint8_t *r, size_t rlen)
{
  for (const struct exchange *m = l->members; m; m = m->mem_next)
    if (m != ex && m->qlen > 0 && reply_asks(m, r, rlen))
      return true;
  for (unsigned i = 0; i < l->nrecent; i++)
  {
    size_t n = 0;
    if (rlen > DP_DNS_HEADER_LEN)
      n = query_question_len(r, rlen);
    if (n > 0 && l->recent_q[i] == question_hash(r + DP_DNS_HEADER_LEN, n))
      return true;
  }
  return false;
}

/* A datagram on a link's UDP socket: to the exchange with its ID. On a
 * shared socket an ID alone does not prove whose reply it is: a broken
 * server that answers under a wrong ID could hit another exchange's ID, so
 * a reply whose question is not its exchange's, but another one's, counts
 * as stray (a reply with yet another question is still the exchange's
 * answer: the server answered it with the wrong question). One that
 * carries no ID, or an ID nobody on the link used, was seen by every
 * exchange waiting there; a late reply to an ended exchange is dropped. */
static void tap_datagram(struct link *l, uint8_t *buf, size_t len)
{
  if (len >= 2)
  {
    uint16_t id = (uint16_t)(buf[0] << 8 | buf[1]);
    struct exchange *ex = link_member(l, id);
    if (ex && (reply_asks(ex, buf, len) || !reply_is_anothers(l, ex, buf, len)))
    {
      tap_message(ex, buf, len);
      return;
    }
    if (ex == NULL && link_recent(l, id))
      return;
    if (ex)
    {
      /* another exchange's reply under ex's ID: stray for everyone */
      for (struct exchange *m = l->members; m; m = m->mem_next)
        if (m->state == EX_RUNNING)
          m->stray++;
      return;
    }
  }
  for (struct exchange *m = l->members; m; m = m->mem_next)
    tap_message(m, buf, len);
}

/* Feed bytes read from a TCP stream through the RFC 1035 4.2.2 framing. */
static void tap_tcp_bytes(struct exchange *ex, const uint8_t *p, size_t n)
{
  while (n > 0 && ex->state == EX_RUNNING)
  {
    if (ex->lenpos < 2)
    {
      ex->lenbuf[ex->lenpos++] = *p++;
      n--;
      if (ex->lenpos == 2)
      {
        ex->frame_len = (size_t)ex->lenbuf[0] << 8 | ex->lenbuf[1];
        ex->frame_pos = 0;
        free(ex->frame);
        ex->frame = NULL;
        if (ex->frame_len == 0)
        {
          tap_message(ex, NULL, 0);
          ex->lenpos = 0;
          continue;
        }
        ex->frame = malloc(ex->frame_len);
        if (ex->frame == NULL)
        {
          conclude(ex, DP_OUTCOME_LOCAL_ERROR, ENOMEM);
          return;
        }
      }
      continue;
    }
    size_t want = ex->frame_len - ex->frame_pos;
    size_t take = n < want ? n : want;
    memcpy(ex->frame + ex->frame_pos, p, take);
    ex->frame_pos += take;
    p += take;
    n -= take;
    if (ex->frame_pos == ex->frame_len)
    {
      tap_message(ex, ex->frame, ex->frame_len);
      free(ex->frame);
      ex->frame = NULL;
      ex->lenpos = 0;
    }
  }
}

/* A transport error seen by the tap, in the words of the outcomes. */
static void tap_error(struct exchange *ex, int err, bool tcp)
{
  if (ex->state != EX_RUNNING)
    return;
  if (ex->nmsgs > 0)
  {
    /* The reply is in; the connection ending afterwards does not change it.
     * A stream cut short is still an answer (stream_complete stays false). */
    ex->closed_after = true;
    conclude(ex, DP_OUTCOME_ANSWER, 0);
    return;
  }
  switch (err)
  {
  case ECONNREFUSED:
    conclude(ex, tcp ? DP_OUTCOME_CONN_REFUSED : DP_OUTCOME_PORT_UNREACHABLE,
             err);
    break;
  case ECONNRESET:
  case EPIPE:
    conclude(ex, DP_OUTCOME_CONN_RESET, err);
    break;
  case EHOSTUNREACH:
  case ENETUNREACH:
    conclude(ex, DP_OUTCOME_HOST_UNREACHABLE, err);
    break;
  default:
    conclude(ex, DP_OUTCOME_LOCAL_ERROR, err);
    break;
  }
}

/* An error on a link's socket concerns every exchange running on it: on UDP
 * an ICMP error reports whichever datagram it was for, and the port or host
 * it names is the same for all of them. */
static void link_error(struct link *l, int err, bool tcp)
{
  if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR || err == EINPROGRESS)
    return;
  for (struct exchange *m = l->members; m; m = m->mem_next)
    tap_error(m, err, tcp);
}

/* A failed socket call seen by the tap: tell the link, and return -1 with
 * errno as the call left it, for c-ares. */
static int link_fail(struct link *l, bool tcp)
{
  int err = errno;
  link_error(l, err, tcp);
  errno = err;
  return -1;
}

static struct sockrec *sock_find(struct chan *c, ares_socket_t fd)
{
  for (int i = 0; i < MAX_SOCKS; i++)
    if (c->socks[i].fd == fd)
      return &c->socks[i];
  return NULL;
}

/* The tap's functions get the channel; the link using it (never NULL
 * while c-ares does I/O: an idle channel has no server) gets the news. */
static ares_socket_t tap_socket(int af, int type, int protocol, void *arg)
{
  struct chan *c = arg;
  struct link *l = c->link;
  struct sockrec *slot = sock_find(c, ARES_SOCKET_BAD);
  if (slot == NULL)
  {
    errno = EMFILE;
    return ARES_SOCKET_BAD;
  }
  int fd = socket(af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0)
  {
    int err = errno;
    if (l)
      link_error(l, err, type == SOCK_STREAM);
    errno = err;
    return ARES_SOCKET_BAD;
  }
  if (type == SOCK_STREAM)
  {
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  slot->fd = fd;
  slot->tcp = (type == SOCK_STREAM);
  return fd;
}

static int tap_close(ares_socket_t fd, void *arg)
{
  struct chan *c = arg;
  struct sockrec *s = sock_find(c, fd);
  if (s)
  {
    if (s->ev)
      event_free(s->ev);
    s->ev = NULL;
    s->fd = ARES_SOCKET_BAD;
  }
  return close(fd);
}

static int tap_connect(ares_socket_t fd, const struct sockaddr *sa,
                       socklen_t len, void *arg)
{
  struct chan *c = arg;
  int rc = connect(fd, sa, len);
  if (rc < 0 && c->link)
  {
    int err = errno;
    struct sockrec *s = sock_find(c, fd);
    link_error(c->link, err, s ? s->tcp : c->tcp);
    errno = err;
  }
  return rc;
}

/* Where c-ares rewrites, it never sees a reply (see the top): the tap reads
 * every datagram waiting, or what the stream holds, itself and tells c-ares
 * there is nothing; errors and the end of a stream still reach c-ares, so
 * that it closes the socket as it would. */
static ssize_t tap_recv_withheld(struct chan *c, struct link *l,
                                 ares_socket_t fd, bool tcp)
{
  uint8_t *rx = c->eng->rxbuf;
  for (int i = 0; i < RX_BURST; i++)
  {
    ssize_t n = recv(fd, rx, RX_BUF_SIZE, 0);
    if (n < 0)
      return link_fail(l, tcp);
    if (!tcp)
    {
      tap_datagram(l, rx, (size_t)n);
      continue;
    }
    struct exchange *ex = l->members;
    if (n == 0)
    {
      if (ex && ex->state == EX_RUNNING)
      {
        if (ex->nmsgs > 0)
        {
          ex->closed_after = true;
          conclude(ex, DP_OUTCOME_ANSWER, 0);
        }
        else
          conclude(ex, DP_OUTCOME_CLOSED, 0);
      }
      return 0;
    }
    if (ex)
      tap_tcp_bytes(ex, rx, (size_t)n);
    if ((size_t)n < RX_BUF_SIZE)
      break; /* the stream is drained for now */
  }
  errno = EAGAIN;
  return -1;
}

static ssize_t tap_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags,
                            struct sockaddr *from, socklen_t *fromlen,
                            void *arg)
{
  struct chan *c = arg;
  struct link *l = c->link;
  struct sockrec *s = sock_find(c, fd);
  bool tcp = s ? s->tcp : (from == NULL);
  uint8_t *rx = c->eng->rxbuf;
  if (l == NULL)
  {
    errno = EAGAIN;
    return -1;
  }
  if (dp_cares_compat_rewrites)
    return tap_recv_withheld(c, l, fd, tcp);

  if (!tcp)
  {
    socklen_t fl = fromlen ? *fromlen : 0;
    ssize_t n = recvfrom(fd, rx, RX_BUF_SIZE, flags, from, from ? &fl : NULL);
    if (n < 0)
      return link_fail(l, false);
    if (fromlen)
      *fromlen = fl;
    tap_datagram(l, rx, (size_t)n);
    if (n < DP_DNS_HEADER_LEN)
    {
      /* c-ares 1.18 treats a read of 0 bytes as a broken socket; it never
       * needs to see what is too short to be DNS. */
      errno = EAGAIN;
      return -1;
    }
    size_t give = (size_t)n < len ? (size_t)n : len;
    memcpy(buf, rx, give);
    return (ssize_t)give;
  }

  /* TCP: read only what c-ares asks for, so its framing and ours agree. A
   * TCP link carries one exchange. */
  struct exchange *ex = l->members;
  if (len == 0)
  {
    errno = EAGAIN;
    return -1;
  }
  ssize_t n = recv(fd, buf, len, flags);
  if (n < 0)
    return link_fail(l, true);
  if (ex == NULL)
    return n;
  if (n == 0)
  {
    if (ex->state == EX_RUNNING)
    {
      if (ex->nmsgs > 0)
      {
        ex->closed_after = true;
        conclude(ex, DP_OUTCOME_ANSWER, 0);
      }
      else
        conclude(ex, DP_OUTCOME_CLOSED, 0); /* part of a frame is no reply */
    }
    return 0;
  }
  tap_tcp_bytes(ex, buf, (size_t)n);
  return n;
}

/* The exchange whose query c-ares is writing under wire ID id: the one
 * already bound to it, else the earliest started running one on the link
 * that has none yet (c-ares writes a link's queries in the order it was
 * given them). NULL when there is none: then the bytes are nobody's. */
static struct exchange *bind_write(struct link *l, uint16_t id)
{
  struct exchange *ex = link_member(l, id);
  if (ex)
    return ex;
  for (struct exchange *m = l->members; m; m = m->mem_next)
    if (!m->wire_known && m->state == EX_RUNNING &&
        (ex == NULL || m->seq < ex->seq))
      ex = m;
  if (ex)
  {
    ex->wire_id = id;
    ex->wire_known = true;
  }
  return ex;
}

/* Where c-ares rewrites: put the exchange's own message on the wire in
 * place of c-ares' stand-in, under c-ares' ID, and tell c-ares its bytes
 * went. c-ares writes a UDP query as one datagram and a TCP query, length
 * first, in one call (a link's TCP connection carries one query). Bytes
 * that belong to no exchange, or a second write of one already sent, are
 * dropped: nothing c-ares composed itself is sent. */
static ssize_t tap_send_own(struct chan *c, struct link *l, ares_socket_t fd,
                            bool tcp, const struct iovec *iov, int iovcnt)
{
  uint8_t head[4];
  size_t total = 0, got = 0;
  for (int i = 0; i < iovcnt; i++)
  {
    const uint8_t *p = iov[i].iov_base;
    for (size_t k = 0; k < iov[i].iov_len && got < sizeof(head); k++)
      head[got++] = p[k];
    total += iov[i].iov_len;
  }
  size_t idoff = tcp ? 2 : 0;
  if (l == NULL || got < idoff + 2)
    return (ssize_t)total;
  struct exchange *ex =
      bind_write(l, (uint16_t)(head[idoff] << 8 | head[idoff + 1]));
  if (ex == NULL || ex->sent)
    return (ssize_t)total;

  uint8_t *out = c->eng->txbuf;
  size_t n = ex->req.len;
  if (tcp)
  {
    out[0] = (uint8_t)(n >> 8);
    out[1] = (uint8_t)n;
  }
  memcpy(out + idoff, ex->msg, n);
  out[idoff] = (uint8_t)(ex->wire_id >> 8);
  out[idoff + 1] = (uint8_t)ex->wire_id;
  n += idoff;

  now(&ex->sent_at);
  ex->sent = true;
  ssize_t w = send(fd, out, n, MSG_NOSIGNAL);
  if (w < 0)
    return link_fail(l, tcp);
  /* as in tap_sendv: written to a TCP socket means connected */
  if (w > 0 && tcp)
    ex->connected = true;
  if ((size_t)w < n)
  {
    /* c-ares would never write the rest: it thinks its own, shorter,
     * query went. A query of at most 64 KiB on a fresh connection does not
     * come to this. */
    conclude(ex, DP_OUTCOME_LOCAL_ERROR, EMSGSIZE);
  }
  return (ssize_t)total;
}

static ssize_t tap_sendv(ares_socket_t fd, const struct iovec *iov, int iovcnt,
                         void *arg)
{
  struct chan *c = arg;
  struct link *l = c->link;
  struct sockrec *s = sock_find(c, fd);
  bool tcp = s ? s->tcp : c->tcp;
  if (dp_cares_compat_rewrites)
    return tap_send_own(c, l, fd, tcp, iov, iovcnt);

  struct msghdr mh;
  memset(&mh, 0, sizeof(mh));
  mh.msg_iov = (struct iovec *)iov;
  mh.msg_iovlen = (size_t)iovcnt;

  /* The RTT runs from the exchange's first send: on UDP the datagram's ID
   * names the exchange, a TCP link has only one. */
  struct exchange *ex = NULL;
  if (l == NULL)
    ex = NULL;
  else if (tcp)
    ex = l->members;
  else if (iovcnt >= 1 && iov[0].iov_len >= 2)
  {
    const uint8_t *p = iov[0].iov_base;
    ex = link_member(l, (uint16_t)(p[0] << 8 | p[1]));
  }
  if (ex && !ex->sent)
  {
    now(&ex->sent_at);
    ex->sent = true;
  }
  ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
  /* c-ares writes to a TCP socket once it is writable, that is connected:
   * bytes accepted by the kernel mean the server accepted the connection. */
  if (n > 0 && tcp && ex)
    ex->connected = true;
  if (n < 0 && l)
    link_fail(l, tcp);
  return n;
}

static const struct dp_cares_tap tap_functions = {
    .socket = tap_socket,
    .close = tap_close,
    .connect = tap_connect,
    .recvfrom = tap_recvfrom,
    .sendv = tap_sendv,
};

/* ---- libevent glue ----------------------------------------------------- */

static void rearm_cares_timer(struct chan *c)
{
  struct timeval tv;
  if (ares_timeout(c->ch, NULL, &tv) != NULL)
    evtimer_add(c->cares_timer, &tv);
  else
    evtimer_del(c->cares_timer);
}

static void on_socket(evutil_socket_t fd, short what, void *arg)
{
  struct chan *c = arg;
  if (c->link == NULL)
    return;
  ares_process_fd(c->ch, (what & EV_READ) ? fd : ARES_SOCKET_BAD,
                  (what & EV_WRITE) ? fd : ARES_SOCKET_BAD);
  /* The sockrec for fd may be gone now; the channel is still valid (it
   * goes back to the pool only from on_finish, pump or engine events). */
  rearm_cares_timer(c);
}

static void on_cares_timer(evutil_socket_t fd, short what, void *arg)
{
  struct chan *c = arg;
  (void)fd;
  (void)what;
  if (c->link == NULL)
    return;
  ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  rearm_cares_timer(c);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
  struct exchange *ex = arg;
  (void)fd;
  (void)what;
  if (ex->state != EX_RUNNING)
    return;
  if (ex->nmsgs > 0)
    conclude(ex, DP_OUTCOME_ANSWER, 0); /* a stream that did not finish */
  else if (ex->short_datagrams > 0)
    conclude(ex, DP_OUTCOME_MALFORMED, 0);
  else
    conclude(ex, DP_OUTCOME_TIMEOUT, 0);
}

static void sock_state_cb(void *arg, ares_socket_t fd, int readable,
                          int writable)
{
  struct chan *c = arg;
  struct sockrec *s = sock_find(c, fd);
  if (s == NULL)
    return;
  if (s->ev)
  {
    event_free(s->ev);
    s->ev = NULL;
  }
  if (!readable && !writable)
    return;
  short what =
      EV_PERSIST | (readable ? EV_READ : 0) | (writable ? EV_WRITE : 0);
  s->ev = event_new(c->eng->base, fd, what, on_socket, c);
  if ((s->ev == NULL || event_add(s->ev, NULL) != 0) && c->link)
    link_error(c->link, ENOMEM, s->tcp);
}

/* c-ares' own verdict: only used when the tap has nothing better. */
static void on_cares_done(void *arg, int status)
{
  struct send_token *token = arg;
  struct exchange *ex = token->ex;
  free(token);
  if (ex == NULL)
    return; /* its exchange has ended */
  ex->token = NULL;
  if (status == ARES_EDESTRUCTION || status == ARES_SUCCESS)
    return; /* destruction is ours; answers are read by the tap */
  if (ex->state != EX_RUNNING)
    return;
  if (ex->req.transport == DP_TRANSPORT_TCP && ex->nmsgs > 0)
    return; /* the stream goes on over the kept-open connection */
  switch (status)
  {
  case ARES_ETIMEOUT:
    conclude(ex, DP_OUTCOME_TIMEOUT, 0);
    break;
  case ARES_ECONNREFUSED:
    /* The tap saw the real errno when there was one; this covers a socket
     * that c-ares could not open. */
    conclude(ex,
             ex->req.transport == DP_TRANSPORT_TCP ? DP_OUTCOME_CLOSED
                                                   : DP_OUTCOME_TIMEOUT,
             0);
    break;
  case ARES_ENOMEM:
    conclude(ex, DP_OUTCOME_LOCAL_ERROR, ENOMEM);
    break;
  default:
    conclude(ex, DP_OUTCOME_LOCAL_ERROR, 0);
    break;
  }
}

/* ---- starting exchanges ------------------------------------------------ */

static void chan_destroy(struct chan *c)
{
  if (c->ch)
    ares_destroy(c->ch); /* closes sockets through the tap */
  for (int i = 0; i < MAX_SOCKS; i++)
    if (c->socks[i].ev)
      event_free(c->socks[i].ev);
  if (c->cares_timer)
    event_free(c->cares_timer);
  free(c);
}

/* A new channel: every option c-ares would otherwise read from RES_OPTIONS
 * and resolv.conf is given (servers, domains, lookups, sortlist, ndots,
 * timeout, tries), and the resolv.conf it reads is empty, so no system
 * resolver ever becomes one of its servers (c-ares 1.34 takes an empty
 * server list as "use the system's"; it then falls back to 127.0.0.1:53,
 * which chan_get replaces before any query). */
static struct chan *chan_create(struct dp_engine *eng, bool tcp)
{
  struct chan *c = calloc(1, sizeof(*c));
  if (c == NULL)
    return NULL;
  c->eng = eng;
  c->tcp = tcp;
  for (int i = 0; i < MAX_SOCKS; i++)
    c->socks[i].fd = ARES_SOCKET_BAD;
  c->cares_timer = evtimer_new(eng->base, on_cares_timer, c);

  struct ares_options o;
  memset(&o, 0, sizeof(o));
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
             ARES_OPT_NOROTATE | ARES_OPT_SOCK_STATE_CB | ARES_OPT_DOMAINS |
             ARES_OPT_LOOKUPS | ARES_OPT_SERVERS | ARES_OPT_SORTLIST |
             ARES_OPT_NDOTS | ARES_OPT_RESOLVCONF;
  o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_IGNTC | ARES_FLAG_STAYOPEN;
  if (tcp)
    o.flags |= ARES_FLAG_USEVC;
  o.timeout = (int)DP_ENGINE_TIMEOUT_MAX + CARES_SLACK_MS;
  o.tries = 1;
  o.ndots = 1;
  o.sock_state_cb = sock_state_cb;
  o.sock_state_cb_data = c;
  o.domains = NULL;
  o.ndomains = 0;
  o.servers = NULL;
  o.nservers = 0;
  o.sortlist = NULL;
  o.nsort = 0;
  o.lookups = (char *)"b";
  o.resolvconf_path = (char *)"/dev/null";
  dp_cares_compat_options(&o, &mask);
  c->tap.fns = &tap_functions;
  c->tap.arg = c;
  if (c->cares_timer == NULL ||
      ares_init_options(&c->ch, &o, mask) != ARES_SUCCESS)
  {
    c->ch = NULL;
    chan_destroy(c);
    return NULL;
  }
  if (dp_cares_compat_set_tap(c->ch, &c->tap) != ARES_SUCCESS)
  {
    chan_destroy(c);
    return NULL;
  }
  return c;
}

/* A channel for the link, from the pool when one of its kind is there,
 * set to the link's one server. */
static struct chan *chan_get(struct link *l)
{
  struct dp_engine *eng = l->eng;
  struct chan *c = eng->pool[l->tcp];
  if (c)
  {
    eng->pool[l->tcp] = c->next;
    c->next = NULL;
    eng->pooled--;
  }
  else if ((c = chan_create(eng, l->tcp)) == NULL)
    return NULL;

  if (dp_cares_compat_set_server(c->ch, (const struct sockaddr *)&l->addr) !=
      ARES_SUCCESS)
  {
    chan_destroy(c);
    return NULL;
  }
  c->link = l;
  return c;
}

/* Back to the pool, emptied: queries cancelled (their tokens let go of no
 * exchange by now) and the server removed, which closes the sockets. */
static void chan_put(struct chan *c)
{
  struct dp_engine *eng = c->eng;
  c->link = NULL;
  ares_cancel(c->ch);
  if (eng->pooled >= POOL_MAX ||
      dp_cares_compat_set_server(c->ch, NULL) != ARES_SUCCESS)
  {
    chan_destroy(c);
    return;
  }
  evtimer_del(c->cares_timer);
  c->next = eng->pool[c->tcp];
  eng->pool[c->tcp] = c;
  eng->pooled++;
}

/* The link an exchange runs on: its server's shared one, unless the
 * caller's ID goes on the wire and that link already carries (or recently
 * carried) it; TCP: its own. */
static struct link *link_choose(struct exchange *ex)
{
  struct link *shared = ex->link; /* UDP: counted as queued at submit */
  ex->link = NULL;
  if (shared)
  {
    shared->queued--;
    if (dp_cares_compat_rewrites ||
        (link_member(shared, ex->id) == NULL && !link_recent(shared, ex->id)))
      return shared;
    link_release(shared);
  }
  return link_new(ex->eng, &ex->req, false);
}

/* The request's sent callback, once: as the query has gone out (or, on a
 * local failure, would have). */
static void announce_sent(struct exchange *ex)
{
  if (ex->announced)
    return;
  ex->announced = true;
  if (ex->req.sent)
    ex->req.sent(ex->req.arg);
}

/* With DNSPROBE_WIRE_LOG set, one line per query as it is handed to
 * c-ares: the transport and the message in hex, the caller's ID included.
 * It is what dnsprobe means to put on the wire; a test compares it with
 * what a server received. */
static void wire_log(struct dp_engine *eng, const struct exchange *ex)
{
  if (eng->wire_log == NULL)
    return;
  fputs(ex->req.transport == DP_TRANSPORT_TCP ? "tcp " : "udp ", eng->wire_log);
  for (size_t i = 0; i < ex->req.len; i++)
    fprintf(eng->wire_log, "%02x", ex->msg[i]);
  fputc('\n', eng->wire_log);
  fflush(eng->wire_log);
}

static void exchange_start(struct exchange *ex)
{
  struct dp_engine *eng = ex->eng;
  struct timeval tv;

  ex->state = EX_RUNNING;
  eng->inflight++;
  ex->run_next = eng->running;
  if (eng->running)
    eng->running->run_prev = ex;
  eng->running = ex;
  now(&ex->started);
  struct link *l = link_choose(ex);
  ex->deadline = evtimer_new(eng->base, on_deadline, ex);
  ex->finish = event_new(eng->base, -1, 0, on_finish, ex);
  if (!l || !ex->deadline || !ex->finish)
  {
    announce_sent(ex);
    if (l)
      link_attach(l, ex);
    if (ex->finish)
      conclude(ex, DP_OUTCOME_LOCAL_ERROR, ENOMEM);
    else
    {
      /* cannot even schedule: report synchronously from the loop context */
      ex->state = EX_FINISHING;
      ex->outcome = DP_OUTCOME_LOCAL_ERROR;
      ex->outcome_set = true;
      on_finish(-1, 0, ex);
    }
    return;
  }
  link_attach(l, ex);
  tv.tv_sec = ex->req.timeout_ms / 1000;
  tv.tv_usec = (ex->req.timeout_ms % 1000) * 1000;
  evtimer_add(ex->deadline, &tv);

  if (l->chan == NULL && (l->chan = chan_get(l)) == NULL)
  {
    announce_sent(ex);
    conclude(ex, DP_OUTCOME_LOCAL_ERROR, 0);
    return;
  }
  ex->token = malloc(sizeof(*ex->token));
  if (ex->token == NULL)
  {
    announce_sent(ex);
    conclude(ex, DP_OUTCOME_LOCAL_ERROR, ENOMEM);
    return;
  }
  ex->token->ex = ex;
  wire_log(eng, ex);
  ex->seq = ++eng->started;
  if (!dp_cares_compat_rewrites)
  {
    ex->wire_id = ex->id;
    ex->wire_known = true;
  }
  /* c-ares may call on_cares_done synchronously (e.g. no socket). It
   * writes a UDP query, or starts the TCP connection, before it returns. */
  int qid = -1;
  dp_cares_compat_send(l->chan->ch, ex->msg, ex->req.len, on_cares_done,
                       ex->token, &qid);
  if (qid >= 0 && ex->state == EX_RUNNING)
  {
    /* c-ares said which ID it chose: the write, now or later, is this
     * exchange's; one already bound to another ID is a mismatch that
     * would deliver someone else's replies. */
    if (!ex->wire_known)
    {
      ex->wire_id = (uint16_t)qid;
      ex->wire_known = true;
    }
    else if (ex->wire_id != (uint16_t)qid)
      conclude(ex, DP_OUTCOME_LOCAL_ERROR, 0);
  }
  announce_sent(ex);
  rearm_cares_timer(l->chan);
}

static void refill_tokens(struct dp_engine *eng)
{
  struct timespec t;
  now(&t);
  double burst = eng->rate / 50.0 > 1.0 ? eng->rate / 50.0 : 1.0;
  eng->tokens += ms_between(&eng->tokens_at, &t) * eng->rate / 1000.0;
  if (eng->tokens > burst)
    eng->tokens = burst;
  eng->tokens_at = t;
}

static void on_pump(evutil_socket_t fd, short what, void *arg)
{
  struct dp_engine *eng = arg;
  (void)fd;
  (void)what;
  eng->pump_armed = false;
  if (eng->stopping)
    return;
  refill_tokens(eng);
  while (eng->queue_head && eng->inflight < eng->window && eng->tokens >= 1.0)
  {
    struct exchange *ex = eng->queue_head;
    eng->queue_head = ex->next;
    if (eng->queue_head == NULL)
      eng->queue_tail = NULL;
    ex->next = NULL;
    eng->tokens -= 1.0;
    exchange_start(ex);
  }
  if (eng->queue_head && eng->inflight < eng->window)
  {
    /* Out of tokens: come back when the next one is due. */
    struct timeval tv = {0, (suseconds_t)(1e6 / eng->rate) + 1};
    evtimer_add(eng->pump, &tv);
    eng->pump_armed = true;
  }
}

static void schedule_pump(struct dp_engine *eng)
{
  if (eng->pump_armed || eng->queue_head == NULL)
    return;
  struct timeval zero = {0, 0};
  evtimer_add(eng->pump, &zero);
  eng->pump_armed = true;
}

/* ---- public API -------------------------------------------------------- */

static unsigned window_for_fd_limit(unsigned want)
{
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
  {
    /* An exchange holds at most two sockets; leave room for stdio, the
     * event backend and files the caller has open. */
    rlim_t room = rl.rlim_cur > 64 ? (rl.rlim_cur - 48) / MAX_SOCKS : 8;
    if ((rlim_t)want > room)
      want = (unsigned)room;
  }
  return want ? want : 1;
}

bool dp_engine_cares_supported(int version)
{
  return dp_cares_compat_supports(version);
}

dp_status_t dp_engine_library_check(char *err, size_t cap)
{
  int v = 0;
  const char *loaded = ares_version(&v);
  if (dp_cares_compat_supports(v))
    return DP_OK;
  if (err != NULL && cap > 0)
    snprintf(err, cap,
             "c-ares %s is loaded, but this dnsprobe was built for c-ares %s "
             "(against %s); rebuild dnsprobe with the c-ares installed",
             loaded, dp_cares_compat_family, ARES_VERSION_STR);
  return DP_EVERSION;
}

size_t dp_engine_versions(char *buf, size_t cap)
{
  int n = snprintf(buf, cap,
                   "c-ares %s (built against %s)\n"
                   "libevent %s (built against %s)\n",
                   ares_version(NULL), ARES_VERSION_STR, event_get_version(),
                   LIBEVENT_VERSION);
  return n < 0 ? 0 : (size_t)n;
}

dp_status_t dp_engine_create(const struct dp_engine_options *opt,
                             dp_engine_t **out)
{
  if (out == NULL)
    return DP_EINVAL;
  *out = NULL;
  if (dp_engine_library_check(NULL, 0) != DP_OK)
    return DP_EVERSION;
  if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
    return DP_ECARES;

  struct dp_engine *eng = calloc(1, sizeof(*eng));
  if (eng == NULL)
    return DP_ENOMEM;
  eng->base = event_base_new();
  if (eng->base == NULL)
  {
    free(eng);
    return DP_ENOMEM;
  }
  eng->pump = evtimer_new(eng->base, on_pump, eng);
  if (eng->pump == NULL)
  {
    event_base_free(eng->base);
    free(eng);
    return DP_ENOMEM;
  }
  unsigned window = opt && opt->window ? opt->window : WINDOW_DEFAULT;
  eng->window = window_for_fd_limit(window);
  eng->rate = opt && opt->rate_qps ? opt->rate_qps : RATE_DEFAULT;
  eng->tokens = 1.0;
  now(&eng->tokens_at);
  const char *log = getenv("DNSPROBE_WIRE_LOG");
  if (log != NULL && log[0] != '\0')
  {
    /* A debugging aid that cannot be opened is not worth failing a run:
     * the test that reads it fails instead. */
    eng->wire_log = fopen(log, "ae");
  }
  *out = eng;
  return DP_OK;
}

static void timer_free(struct dp_engine_timer *t)
{
  struct dp_engine *eng = t->eng;
  if (t->prev)
    t->prev->next = t->next;
  else
    eng->timers = t->next;
  if (t->next)
    t->next->prev = t->prev;
  event_free(t->ev);
  free(t);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
  struct dp_engine_timer *t = arg;
  void (*fn)(void *) = t->fn;
  void *fn_arg = t->arg;
  (void)fd;
  (void)what;
  timer_free(t);
  fn(fn_arg);
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
  t->ev = evtimer_new(eng->base, on_timer, t);
  if (t->ev == NULL)
  {
    free(t);
    return DP_ENOMEM;
  }
  t->eng = eng;
  t->fn = fn;
  t->arg = arg;
  t->next = eng->timers;
  if (eng->timers)
    eng->timers->prev = t;
  eng->timers = t;
  struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
  evtimer_add(t->ev, &tv);
  *out = t;
  return DP_OK;
}

void dp_engine_timer_cancel(dp_engine_timer_t *timer)
{
  if (timer)
    timer_free(timer);
}

void dp_engine_destroy(dp_engine_t *eng)
{
  if (eng == NULL)
    return;
  while (eng->timers)
    timer_free(eng->timers);
  (void)dp_engine_stop_on_signal(eng, -1);
  while (eng->queue_head)
  {
    struct exchange *ex = eng->queue_head;
    eng->queue_head = ex->next;
    exchange_free(ex);
  }
  /* After dp_engine_stop some exchanges may still be running: drop them
   * without calling back (the caller is tearing down). Their tokens let go
   * of them first, so that destroying the links (which calls c-ares back
   * for every query it holds) reaches no freed exchange. */
  while (eng->running)
  {
    struct exchange *ex = eng->running;
    run_unlink(eng, ex);
    ex->state = EX_FINISHING;
    link_detach(ex);
    exchange_free(ex);
  }
  while (eng->links)
    link_destroy(eng->links);
  for (int k = 0; k < 2; k++)
    while (eng->pool[k])
    {
      struct chan *c = eng->pool[k];
      eng->pool[k] = c->next;
      chan_destroy(c);
    }
  event_free(eng->pump);
  event_base_free(eng->base);
  if (eng->wire_log)
    fclose(eng->wire_log);
  ares_library_cleanup();
  free(eng);
}

dp_status_t dp_engine_submit(dp_engine_t *eng,
                             const struct dp_engine_request *req)
{
  if (eng == NULL || req == NULL || req->msg == NULL ||
      req->len < DP_DNS_HEADER_LEN || req->len > DP_DNS_MAX_UDP ||
      req->timeout_ms == 0 || req->timeout_ms > DP_ENGINE_TIMEOUT_MAX ||
      req->done == NULL)
    return DP_EINVAL;
  /* c-ares 1.18 would send a longer "UDP" query over TCP. */
  if (req->transport == DP_TRANSPORT_UDP && req->len > UDP_QUERY_MAX)
    return DP_EINVAL;
  const struct sockaddr *sa = (const struct sockaddr *)&req->addr;
  if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
    return DP_EINVAL;

  struct exchange *ex = calloc(1, sizeof(*ex));
  if (ex == NULL)
    return DP_ENOMEM;
  ex->msg = malloc(req->len);
  if (ex->msg == NULL)
  {
    free(ex);
    return DP_ENOMEM;
  }
  memcpy(ex->msg, req->msg, req->len);
  ex->eng = eng;
  ex->req = *req;
  ex->req.msg = ex->msg;
  if (ex->req.max_msgs == 0)
    ex->req.max_msgs = req->stream ? DP_ENGINE_STREAM_MSGS_DEFAULT : 1;
  if (ex->req.max_bytes == 0)
    ex->req.max_bytes = DP_ENGINE_STREAM_BYTES_DEFAULT;
  ex->id = (uint16_t)(req->msg[0] << 8 | req->msg[1]);
  ex->qlen = query_question_len(ex->msg, req->len);
  ex->qhash = question_hash(ex->msg + DP_DNS_HEADER_LEN, ex->qlen);
  if (req->transport == DP_TRANSPORT_UDP)
  {
    /* Hold the server's shared link from now on, so that the channel of a
     * chain's previous exchange is still there when this one starts. */
    ex->link = link_shared(eng, req);
    if (ex->link == NULL)
    {
      free(ex->msg);
      free(ex);
      return DP_ENOMEM;
    }
    ex->link->queued++;
  }

  if (eng->queue_tail)
    eng->queue_tail->next = ex;
  else
    eng->queue_head = ex;
  eng->queue_tail = ex;
  schedule_pump(eng);
  return DP_OK;
}

dp_status_t dp_engine_run(dp_engine_t *eng)
{
  if (eng == NULL)
    return DP_EINVAL;
  eng->stopping = false;
  schedule_pump(eng);
  if (event_base_dispatch(eng->base) < 0)
    return DP_ESYS;
  return eng->stopping ? DP_EINTERRUPTED : DP_OK;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
  (void)sig;
  (void)what;
  dp_engine_stop(arg);
}

dp_status_t dp_engine_stop_on_signal(dp_engine_t *eng, int signo)
{
  if (eng == NULL)
    return DP_EINVAL;
  if (signo < 0)
  {
    /* stop watching: the loop may end when the work does */
    for (unsigned i = 0; i < eng->nsig; i++)
      event_free(eng->sigev[i]);
    eng->nsig = 0;
    return DP_OK;
  }
  for (unsigned i = 0; i < eng->nsig; i++)
    if (eng->signo[i] == signo)
      return DP_OK;
  if (eng->nsig == DP_ENGINE_SIGNALS_MAX)
    return DP_ERANGE;
  struct event *ev = evsignal_new(eng->base, signo, on_signal, eng);
  if (ev == NULL || event_add(ev, NULL) != 0)
  {
    if (ev != NULL)
      event_free(ev);
    return DP_ENOMEM;
  }
  eng->sigev[eng->nsig] = ev;
  eng->signo[eng->nsig++] = signo;
  return DP_OK;
}

void dp_engine_stop(dp_engine_t *eng)
{
  if (eng == NULL)
    return;
  eng->stopping = true;
  event_base_loopbreak(eng->base);
}

struct event_base *dp_engine_event_base(dp_engine_t *eng)
{
  return eng != NULL ? eng->base : NULL;
}

double dp_engine_now_ms(const dp_engine_t *eng)
{
  struct timespec t;
  (void)eng;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

double dp_engine_busy(dp_engine_t *eng)
{
  struct rusage ru;
  if (eng == NULL || getrusage(RUSAGE_SELF, &ru) != 0)
    return 0.0;
  double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
               (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
  double wall = dp_engine_now_ms(eng);
  double busy = eng->busy_wall > 0.0 && wall > eng->busy_wall
                    ? (cpu - eng->busy_cpu) / (wall - eng->busy_wall)
                    : 0.0;
  eng->busy_cpu = cpu;
  eng->busy_wall = wall;
  return busy;
}
