/*
 * test_engine.c: the engine against scripted responders on loopback.
 *
 * Each case binds a UDP and a TCP socket on its own 127.0.0.x address,
 * forks a child that plays one behaviour (a reply c-ares would drop, a
 * wrong ID, a TCP stream, a reset, silence), runs exchanges through the
 * engine and checks what the tap reported. Children end themselves after a
 * few seconds (alarm) and are reaped by PID.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dnsprobe/dns.h"
#include "dnsprobe/engine.h"
#include "dnsprobe/wire.h"

#define PORT_BASE 56110

typedef void (*behaviour_fn)(int udp, int tcp);

struct got
{
  int calls;
  int sent;       /* sent callbacks */
  int sent_first; /* sent came before done */
  dp_outcome_t outcome;
  size_t nmsgs;
  size_t first_len;
  uint8_t first[2048];
  double rtt_ms;
  bool stream_complete;
  bool limit_hit;
  unsigned stray;
};

static void on_sent(void *arg)
{
  struct got *g = arg;
  g->sent++;
  g->sent_first = g->calls == 0;
}

static void on_done(void *arg, const struct dp_engine_result *r)
{
  struct got *g = arg;
  g->calls++;
  g->outcome = r->outcome;
  g->nmsgs = r->nmsgs;
  g->rtt_ms = r->rtt_ms;
  g->stream_complete = r->stream_complete;
  g->limit_hit = r->limit_hit;
  g->stray = r->stray;
  if (r->first)
  {
    g->first_len = r->first->len;
    memcpy(g->first, r->first->data,
           r->first->len < sizeof(g->first) ? r->first->len : sizeof(g->first));
  }
}

static dp_engine_more_t stream_three(void *arg, const uint8_t *m, size_t len,
                                     size_t index)
{
  (void)arg;
  (void)m;
  (void)len;
  return index >= 2 ? DP_ENGINE_DONE : DP_ENGINE_MORE;
}

static dp_engine_more_t stream_forever(void *arg, const uint8_t *m, size_t len,
                                       size_t index)
{
  (void)arg;
  (void)m;
  (void)len;
  (void)index;
  return DP_ENGINE_MORE;
}

static struct sockaddr_in addr_of(int host, uint16_t port)
{
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)host);
  return sa;
}

/* Bind both sockets in the parent (so the child is ready before any send),
 * then fork the behaviour. */
static pid_t responder(int host, uint16_t port, behaviour_fn fn)
{
  struct sockaddr_in sa = addr_of(host, port);
  int one = 1;
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  int t = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_msg(u >= 0 && t >= 0, "sockets for 127.0.0.%d:%u", host, port);
  setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  ck_assert_msg(bind(u, (struct sockaddr *)&sa, sizeof(sa)) == 0,
                "bind udp 127.0.0.%d:%u: %s", host, port, strerror(errno));
  ck_assert_msg(bind(t, (struct sockaddr *)&sa, sizeof(sa)) == 0,
                "bind tcp 127.0.0.%d:%u: %s", host, port, strerror(errno));
  ck_assert_int_eq(listen(t, 64), 0);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0)
  {
    /* Check's SIGTERM handler signals the whole process group: not ours */
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    alarm(5);
    fn(u, t);
    _exit(0);
  }
  close(u);
  close(t);
  return pid;
}

static void reap(pid_t pid)
{
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
}

/* ---- behaviours (run in the child) ------------------------------------ */

static struct sockaddr_storage peer;
static socklen_t peerlen;

static size_t read_udp_from(int u, uint8_t *q, size_t cap)
{
  peerlen = sizeof(peer);
  ssize_t n = recvfrom(u, q, cap, 0, (struct sockaddr *)&peer, &peerlen);
  return n > 0 ? (size_t)n : 0;
}

static void send_udp(int u, const uint8_t *m, size_t len)
{
  (void)sendto(u, m, len, 0, (struct sockaddr *)&peer, peerlen);
}

/* NOTIMP with QDCOUNT=0, as BIND and NSD answer unknown opcodes: c-ares'
 * question check drops it; the tap must deliver it. */
static void b_qdcount0(int u, int t)
{
  (void)t;
  for (;;)
  {
    uint8_t q[512];
    if (read_udp_from(u, q, sizeof(q)) < 12)
      continue;
    uint8_t r[12] = {q[0], q[1], (uint8_t)(0x80 | (q[2] & 0x78)), 0x04};
    send_udp(u, r, sizeof(r));
  }
}

/* A 1400-byte reply: c-ares would clip UDP answers to 512. */
static void b_big(int u, int t)
{
  (void)t;
  uint8_t q[512], r[1400];
  if (read_udp_from(u, q, sizeof(q)) < 12)
    return;
  memset(r, 0, sizeof(r));
  r[0] = q[0];
  r[1] = q[1];
  r[2] = 0x84;
  send_udp(u, r, sizeof(r));
  pause();
}

static void b_wrong_id(int u, int t)
{
  (void)t;
  uint8_t q[512];
  if (read_udp_from(u, q, sizeof(q)) < 12)
    return;
  uint8_t r[12] = {q[0], (uint8_t)(q[1] ^ 0x5a), 0x84, 0x00};
  send_udp(u, r, sizeof(r));
  pause();
}

static void b_silent(int u, int t)
{
  (void)u;
  (void)t;
  pause();
}

static int accept_and_read(int t, uint8_t *id)
{
  int c = accept(t, NULL, NULL);
  uint8_t q[514];
  size_t got = 0;
  while (c >= 0 && got < 4)
  {
    ssize_t n = recv(c, q + got, sizeof(q) - got, 0);
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  id[0] = q[2];
  id[1] = q[3];
  return c;
}

static void send_frame(int c, const uint8_t *id)
{
  uint8_t f[14] = {0, 12, id[0], id[1], 0x84, 0x00};
  (void)send(c, f, sizeof(f), MSG_NOSIGNAL);
}

static void b_stream3(int u, int t)
{
  (void)u;
  uint8_t id[2];
  int c = accept_and_read(t, id);
  for (int i = 0; i < 3; i++)
    send_frame(c, id);
  pause();
}

static void b_endless(int u, int t)
{
  (void)u;
  uint8_t id[2];
  int c = accept_and_read(t, id);
  for (int i = 0; i < 5000; i++)
    send_frame(c, id);
  pause();
}

static void b_close(int u, int t)
{
  (void)u;
  uint8_t id[2];
  int c = accept_and_read(t, id);
  close(c);
  pause();
}

static void b_reset(int u, int t)
{
  (void)u;
  uint8_t id[2];
  int c = accept_and_read(t, id);
  struct linger lg = {1, 0};
  setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  close(c);
  pause();
}

/* Answers every query at once, with the number of distinct client ports
 * seen so far in ARCOUNT: shows whether exchanges shared a socket. */
static void b_ports(int u, int t)
{
  (void)t;
  uint16_t ports[64];
  unsigned nports = 0;
  for (;;)
  {
    uint8_t q[512];
    if (read_udp_from(u, q, sizeof(q)) < 12)
      continue;
    uint16_t port = ntohs(((struct sockaddr_in *)&peer)->sin_port);
    bool seen = false;
    for (unsigned i = 0; i < nports; i++)
      seen = seen || ports[i] == port;
    if (!seen && nports < 64)
      ports[nports++] = port;
    uint8_t r[12] = {q[0], q[1], 0x84, 0x00, 0, 0,
                     0,    0,    0,    0,    0, (uint8_t)nports};
    send_udp(u, r, sizeof(r));
  }
}

static double since_ms(const struct timespec *a);

/* Every reply carries the query's question but the query's ID plus one, as
 * a broken server might: on a shared socket it hits another exchange's ID. */
static void b_plus_one(int u, int t)
{
  (void)t;
  for (;;)
  {
    uint8_t q[512];
    size_t n = read_udp_from(u, q, sizeof(q));
    if (n < 12)
      continue;
    uint16_t id = (uint16_t)((q[0] << 8 | q[1]) + 1);
    q[0] = (uint8_t)(id >> 8);
    q[1] = (uint8_t)id;
    q[2] = 0x84;
    q[3] = 0x00;
    send_udp(u, q, n);
  }
}

/* Serves both sockets until the child ends: on_udp when the UDP socket is
 * readable, on_tcp when a connection waits on the listening one. */
static void serve_both(int u, int t, void (*on_udp)(int u),
                       void (*on_tcp)(int t))
{
  for (;;)
  {
    fd_set r;
    FD_ZERO(&r);
    FD_SET(u, &r);
    FD_SET(t, &r);
    if (select((u > t ? u : t) + 1, &r, NULL, NULL, NULL) <= 0)
      continue;
    if (FD_ISSET(u, &r))
      on_udp(u);
    if (FD_ISSET(t, &r))
      on_tcp(t);
  }
}

static void notimp_qdcount0(int u)
{
  uint8_t q[512];
  if (read_udp_from(u, q, sizeof(q)) >= 12)
  {
    uint8_t a[12] = {q[0], q[1], (uint8_t)(0x80 | (q[2] & 0x78)), 0x04};
    send_udp(u, a, sizeof(a));
  }
}

static void one_frame_then_close(int t)
{
  uint8_t id[2];
  int c = accept_and_read(t, id);
  if (c >= 0)
  {
    send_frame(c, id);
    close(c);
  }
}

/* UDP: NOTIMP with QDCOUNT=0 to everything; TCP: one frame per connection,
 * then close, for as many connections as come. */
static void b_both(int u, int t)
{
  serve_both(u, t, notimp_qdcount0, one_frame_then_close);
}

/* A late reply: the first query with ID 1 is answered SERVFAIL only after
 * 200 ms, and the second query with ID 1 (sent once the first has timed
 * out) NOERROR at 250 ms, after that late reply; ID 3 gets NOERROR at
 * 400 ms. Queries are told apart by the order they arrive in (ID 3, the
 * first ID 1, the second ID 1), not by the ID on the wire, which c-ares
 * 1.22 and later choose. */
static void b_late(int u, int t)
{
  (void)t;
  struct sockaddr_storage from[3];
  socklen_t fromlen[3];
  uint8_t ids[3][2];
  int got = 0;
  int slot[3] = {-1, -1, -1}; /* first ID 1, second ID 1, ID 3 */
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (got < 3 && since_ms(&start) < 1000)
  {
    uint8_t q[512];
    if (read_udp_from(u, q, sizeof(q)) < 12)
      continue;
    static const int order[3] = {2, 0, 1};
    slot[order[got]] = got;
    from[got] = peer;
    fromlen[got] = peerlen;
    ids[got][0] = q[0];
    ids[got][1] = q[1];
    got++;
  }
  static const double at[3] = {200.0, 250.0, 400.0};
  static const uint8_t rcode[3] = {2, 0, 0};
  for (int w = 0; w < 3; w++)
  {
    if (slot[w] < 0)
      continue;
    while (since_ms(&start) < at[w])
      usleep(2000);
    int k = slot[w];
    uint8_t r[12] = {ids[k][0], ids[k][1], 0x84, rcode[w]};
    (void)sendto(u, r, sizeof(r), 0, (struct sockaddr *)&from[k], fromlen[k]);
  }
  pause();
}

/* ---- driving the engine ------------------------------------------------ */

/* Channels go back to a pool and serve the next exchange, to another server
 * or with another outcome: a chain of exchanges, each submitted when the one
 * before it ends, alternating servers and transports. */
static struct
{
  dp_engine_t *eng;
  int step;
  dp_outcome_t got[6];
  int calls[6];
} chain;

static const struct
{
  int host; /* 146 answers on UDP and TCP, 147 has nothing listening */
  dp_transport_t transport;
  dp_outcome_t want;
} chain_steps[6] = {
    {146, DP_TRANSPORT_UDP, DP_OUTCOME_ANSWER},
    {147, DP_TRANSPORT_UDP, DP_OUTCOME_PORT_UNREACHABLE},
    {146, DP_TRANSPORT_TCP, DP_OUTCOME_ANSWER},
    {147, DP_TRANSPORT_TCP, DP_OUTCOME_CONN_REFUSED},
    {146, DP_TRANSPORT_UDP, DP_OUTCOME_ANSWER},
    {146, DP_TRANSPORT_TCP, DP_OUTCOME_ANSWER},
};

static uint8_t chain_msg[17];

static void chain_submit(void);

static void on_chain_done(void *arg, const struct dp_engine_result *r)
{
  int k = (int)(intptr_t)arg;
  chain.calls[k]++;
  chain.got[k] = r->outcome;
  if (++chain.step < 6)
    chain_submit();
}

static uint8_t query[] = {0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                          0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x01};

static double since_ms(const struct timespec *a)
{
  struct timespec b;
  clock_gettime(CLOCK_MONOTONIC, &b);
  return (double)(b.tv_sec - a->tv_sec) * 1e3 +
         (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static double elapsed_ms(const struct timespec *a)
{
  struct timespec b;
  clock_gettime(CLOCK_MONOTONIC, &b);
  return (double)(b.tv_sec - a->tv_sec) * 1e3 +
         (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static void run_one(int host, uint16_t port, dp_transport_t tr,
                    dp_engine_stream_fn stream, size_t max_msgs,
                    unsigned timeout, struct got *g)
{
  dp_engine_t *eng = NULL;
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  struct sockaddr_in sa = addr_of(host, port);
  struct dp_engine_request req;
  memset(&req, 0, sizeof(req));
  memcpy(&req.addr, &sa, sizeof(sa));
  req.addrlen = sizeof(sa);
  req.transport = tr;
  req.msg = query;
  req.len = sizeof(query);
  req.timeout_ms = timeout;
  req.stream = stream;
  req.max_msgs = max_msgs;
  req.done = on_done;
  req.sent = on_sent;
  req.arg = g;
  ck_assert_int_eq(dp_engine_submit(eng, &req), DP_OK);
  ck_assert_int_eq(dp_engine_run(eng), DP_OK);
  dp_engine_destroy(eng);
  ck_assert_msg(g->calls == 1, "done called %d times", g->calls);
  ck_assert_msg(g->sent == 1 && g->sent_first,
                "sent called %d times, before done: %d", g->sent,
                g->sent_first);
}

/* Table of single-exchange cases. */
static const struct
{
  const char *name;
  behaviour_fn behaviour; /* NULL: nothing listens */
  dp_transport_t transport;
  dp_engine_stream_fn stream;
  size_t max_msgs;
  dp_outcome_t outcome;
  size_t nmsgs;
  size_t first_len;
} cases[] = {
    {"qdcount0 NOTIMP is delivered", b_qdcount0, DP_TRANSPORT_UDP, NULL, 0,
     DP_OUTCOME_ANSWER, 1, 12},
    {"1400-byte UDP reply not clipped", b_big, DP_TRANSPORT_UDP, NULL, 0,
     DP_OUTCOME_ANSWER, 1, 1400},
    {"wrong ID ignored", b_wrong_id, DP_TRANSPORT_UDP, NULL, 0,
     DP_OUTCOME_TIMEOUT, 0, 0},
    {"silent UDP", b_silent, DP_TRANSPORT_UDP, NULL, 0, DP_OUTCOME_TIMEOUT, 0,
     0},
    {"closed UDP port", NULL, DP_TRANSPORT_UDP, NULL, 0,
     DP_OUTCOME_PORT_UNREACHABLE, 0, 0},
    {"closed TCP port", NULL, DP_TRANSPORT_TCP, NULL, 0,
     DP_OUTCOME_CONN_REFUSED, 0, 0},
    {"TCP closed without reply", b_close, DP_TRANSPORT_TCP, NULL, 0,
     DP_OUTCOME_CLOSED, 0, 0},
    {"TCP reset", b_reset, DP_TRANSPORT_TCP, NULL, 0, DP_OUTCOME_CONN_RESET, 0,
     0},
    {"TCP stream of three", b_stream3, DP_TRANSPORT_TCP, stream_three, 0,
     DP_OUTCOME_ANSWER, 3, 12},
    {"endless stream stops at limit", b_endless, DP_TRANSPORT_TCP,
     stream_forever, 50, DP_OUTCOME_ANSWER, 50, 12},
};

START_TEST(test_exchange)
{
  int host = 110 + _i;
  uint16_t port = (uint16_t)(PORT_BASE + _i);
  pid_t pid =
      cases[_i].behaviour ? responder(host, port, cases[_i].behaviour) : 0;
  struct got g;
  memset(&g, 0, sizeof(g));
  run_one(host, port, cases[_i].transport, cases[_i].stream, cases[_i].max_msgs,
          400, &g);
  if (pid)
    reap(pid);
  ck_assert_msg(g.outcome == cases[_i].outcome, "%s: outcome %s, want %s",
                cases[_i].name, dp_outcome_tostr(g.outcome),
                dp_outcome_tostr(cases[_i].outcome));
  ck_assert_msg(g.nmsgs == cases[_i].nmsgs, "%s: %zu messages, want %zu",
                cases[_i].name, g.nmsgs, cases[_i].nmsgs);
  ck_assert_msg(g.first_len == cases[_i].first_len,
                "%s: first message %zu bytes, want %zu", cases[_i].name,
                g.first_len, cases[_i].first_len);
  if (cases[_i].nmsgs)
  {
    ck_assert_msg(g.rtt_ms >= 0.0 && g.rtt_ms < 400.0, "%s: rtt %f",
                  cases[_i].name, g.rtt_ms);
    ck_assert_msg(g.first[0] == query[0] && g.first[1] == query[1],
                  "%s: reply carries the query's ID", cases[_i].name);
  }
  if (cases[_i].behaviour == b_wrong_id)
    ck_assert_msg(g.stray == 1, "%s: stray %u", cases[_i].name, g.stray);
  if (cases[_i].stream == stream_three)
    ck_assert_msg(g.stream_complete && !g.limit_hit, "%s: complete",
                  cases[_i].name);
  if (cases[_i].stream == stream_forever)
    ck_assert_msg(g.limit_hit && !g.stream_complete, "%s: limit",
                  cases[_i].name);
}
END_TEST

/* Many exchanges to a silent server end together: one timeout, not many. */
START_TEST(test_concurrent_timeouts)
{
  enum
  {
    N = 40
  };
  pid_t pid = responder(140, PORT_BASE + 40, b_silent);
  dp_engine_t *eng = NULL;
  struct got g[N];
  memset(g, 0, sizeof(g));
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  struct sockaddr_in sa = addr_of(140, PORT_BASE + 40);
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int i = 0; i < N; i++)
  {
    struct dp_engine_request req;
    memset(&req, 0, sizeof(req));
    memcpy(&req.addr, &sa, sizeof(sa));
    req.addrlen = sizeof(sa);
    req.transport = i % 2 ? DP_TRANSPORT_TCP : DP_TRANSPORT_UDP;
    req.msg = query;
    req.len = sizeof(query);
    req.timeout_ms = 300;
    req.done = on_done;
    req.arg = &g[i];
    ck_assert_int_eq(dp_engine_submit(eng, &req), DP_OK);
  }
  ck_assert_int_eq(dp_engine_run(eng), DP_OK);
  double ms = elapsed_ms(&start);
  dp_engine_destroy(eng);
  reap(pid);
  for (int i = 0; i < N; i++)
    ck_assert_msg(g[i].calls == 1 && g[i].outcome == DP_OUTCOME_TIMEOUT,
                  "exchange %d: calls %d outcome %s", i, g[i].calls,
                  dp_outcome_tostr(g[i].outcome));
  /* sequential would be 40 x 300 ms */
  ck_assert_msg(ms < 3 * 300.0, "40 silent exchanges took %.0f ms", ms);
}
END_TEST

/* The rate limit spaces exchange starts. */
START_TEST(test_pacing)
{
  enum
  {
    N = 10
  };
  pid_t pid = responder(141, PORT_BASE + 41, b_qdcount0);
  struct dp_engine_options o = {.window = 0, .rate_qps = 50};
  dp_engine_t *eng = NULL;
  struct got g[N];
  memset(g, 0, sizeof(g));
  ck_assert_int_eq(dp_engine_create(&o, &eng), DP_OK);
  struct sockaddr_in sa = addr_of(141, PORT_BASE + 41);
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int i = 0; i < N; i++)
  {
    struct dp_engine_request req;
    memset(&req, 0, sizeof(req));
    memcpy(&req.addr, &sa, sizeof(sa));
    req.addrlen = sizeof(sa);
    req.transport = DP_TRANSPORT_UDP;
    req.msg = query;
    req.len = sizeof(query);
    req.timeout_ms = 1000;
    req.done = on_done;
    req.arg = &g[i];
    ck_assert_int_eq(dp_engine_submit(eng, &req), DP_OK);
  }
  ck_assert_int_eq(dp_engine_run(eng), DP_OK);
  double ms = elapsed_ms(&start);
  dp_engine_destroy(eng);
  reap(pid);
  for (int i = 0; i < N; i++)
    ck_assert_msg(g[i].outcome == DP_OUTCOME_ANSWER, "paced exchange %d: %s", i,
                  dp_outcome_tostr(g[i].outcome));
  /* 10 starts at 50 per second need at least 9 intervals of 20 ms */
  ck_assert_msg(ms >= 170.0, "10 exchanges at 50 qps took only %.0f ms", ms);
}
END_TEST

/* Submit one UDP exchange with the given ID. */
static void submit_udp(dp_engine_t *eng, const struct sockaddr_in *sa,
                       uint8_t *msg, uint16_t id, unsigned timeout,
                       struct got *g)
{
  msg[0] = (uint8_t)(id >> 8);
  msg[1] = (uint8_t)id;
  struct dp_engine_request req;
  memset(&req, 0, sizeof(req));
  memcpy(&req.addr, sa, sizeof(*sa));
  req.addrlen = sizeof(*sa);
  req.transport = DP_TRANSPORT_UDP;
  req.msg = msg;
  req.len = sizeof(query);
  req.timeout_ms = timeout;
  req.done = on_done;
  req.arg = g;
  ck_assert_int_eq(dp_engine_submit(eng, &req), DP_OK);
}

/* UDP exchanges to one server share one socket (one c-ares channel); an
 * exchange whose ID is already in flight there gets a socket of its own,
 * and both get their own answer. */
START_TEST(test_shared_socket)
{
  enum
  {
    N = 12
  };
  pid_t pid = responder(143, PORT_BASE + 43, b_ports);
  dp_engine_t *eng = NULL;
  struct got g[N + 1];
  uint8_t msgs[N + 1][sizeof(query)];
  memset(g, 0, sizeof(g));
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  struct sockaddr_in sa = addr_of(143, PORT_BASE + 43);
  for (int i = 0; i < N; i++)
  {
    memcpy(msgs[i], query, sizeof(query));
    submit_udp(eng, &sa, msgs[i], (uint16_t)(0x100 + i), 1000, &g[i]);
  }
  ck_assert_int_eq(dp_engine_run(eng), DP_OK);
  for (int i = 0; i < N; i++)
  {
    ck_assert_msg(g[i].calls == 1 && g[i].outcome == DP_OUTCOME_ANSWER,
                  "exchange %d: %s", i, dp_outcome_tostr(g[i].outcome));
    ck_assert_msg(g[i].first[0] == 0x01 && g[i].first[1] == (uint8_t)i,
                  "exchange %d got the answer with its own ID", i);
    ck_assert_msg(g[i].first[11] == 1,
                  "exchange %d: the server saw %u client ports, want 1", i,
                  g[i].first[11]);
  }
  /* Same ID twice at once: the second goes on a socket of its own. */
  memset(g, 0, sizeof(g));
  memcpy(msgs[0], query, sizeof(query));
  memcpy(msgs[1], query, sizeof(query));
  submit_udp(eng, &sa, msgs[0], 0x4242, 1000, &g[0]);
  submit_udp(eng, &sa, msgs[1], 0x4242, 1000, &g[1]);
  ck_assert_int_eq(dp_engine_run(eng), DP_OK);
  dp_engine_destroy(eng);
  reap(pid);
  for (int i = 0; i < 2; i++)
    ck_assert_msg(g[i].calls == 1 && g[i].outcome == DP_OUTCOME_ANSWER &&
                      g[i].first[0] == 0x42 && g[i].first[1] == 0x42,
                  "same-ID exchange %d: %s", i, dp_outcome_tostr(g[i].outcome));
  ck_assert_msg(g[0].first[11] + g[1].first[11] >= 3,
                "two same-ID exchanges used two sockets (ports seen %u, %u)",
                g[0].first[11], g[1].first[11]);
}
END_TEST

/* A late reply to an exchange that timed out is not the answer of a later
 * exchange with the same ID, nor a stray reply for another one waiting on
 * the same socket. */
static struct
{
  dp_engine_t *eng;
  struct sockaddr_in sa;
  uint8_t msg[sizeof(query)];
  struct got *second;
} late;

static void on_first_done(void *arg, const struct dp_engine_result *r)
{
  on_done(arg, r);
  memcpy(late.msg, query, sizeof(query));
  submit_udp(late.eng, &late.sa, late.msg, 0x0001, 1000, late.second);
}

START_TEST(test_late_reply)
{
  pid_t pid = responder(144, PORT_BASE + 44, b_late);
  struct got g[3];
  uint8_t m0[sizeof(query)], m2[sizeof(query)];
  memset(g, 0, sizeof(g));
  ck_assert_int_eq(dp_engine_create(NULL, &late.eng), DP_OK);
  late.sa = addr_of(144, PORT_BASE + 44);
  late.second = &g[1];
  memcpy(m0, query, sizeof(query));
  memcpy(m2, query, sizeof(query));
  submit_udp(late.eng, &late.sa, m2, 0x0003, 1000, &g[2]);
  m0[0] = 0x00;
  m0[1] = 0x01;
  struct dp_engine_request req;
  memset(&req, 0, sizeof(req));
  memcpy(&req.addr, &late.sa, sizeof(late.sa));
  req.addrlen = sizeof(late.sa);
  req.transport = DP_TRANSPORT_UDP;
  req.msg = m0;
  req.len = sizeof(query);
  req.timeout_ms = 100;
  req.done = on_first_done;
  req.arg = &g[0];
  ck_assert_int_eq(dp_engine_submit(late.eng, &req), DP_OK);
  ck_assert_int_eq(dp_engine_run(late.eng), DP_OK);
  dp_engine_destroy(late.eng);
  reap(pid);
  ck_assert_msg(g[0].calls == 1 && g[0].outcome == DP_OUTCOME_TIMEOUT,
                "first: %s", dp_outcome_tostr(g[0].outcome));
  ck_assert_msg(g[1].calls == 1 && g[1].outcome == DP_OUTCOME_ANSWER &&
                    (g[1].first[3] & 0x0f) == 0,
                "second, same ID: %s, rcode %u (2 is the late reply)",
                dp_outcome_tostr(g[1].outcome), g[1].first[3] & 0x0f);
  ck_assert_msg(g[2].calls == 1 && g[2].outcome == DP_OUTCOME_ANSWER,
                "third: %s", dp_outcome_tostr(g[2].outcome));
  ck_assert_msg(g[2].stray == 0, "the late reply counted as stray (%u)",
                g[2].stray);
}
END_TEST

/* A closed UDP port ends every exchange waiting on the shared socket with
 * port-unreachable, not just the one whose ICMP error came first. */
START_TEST(test_closed_port_shared)
{
  enum
  {
    N = 8
  };
  dp_engine_t *eng = NULL;
  struct got g[N];
  uint8_t msgs[N][sizeof(query)];
  memset(g, 0, sizeof(g));
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  struct sockaddr_in sa = addr_of(145, PORT_BASE + 45);
  for (int i = 0; i < N; i++)
  {
    memcpy(msgs[i], query, sizeof(query));
    submit_udp(eng, &sa, msgs[i], (uint16_t)(0x200 + i), 1000, &g[i]);
  }
  ck_assert_int_eq(dp_engine_run(eng), DP_OK);
  dp_engine_destroy(eng);
  for (int i = 0; i < N; i++)
    ck_assert_msg(g[i].calls == 1 &&
                      g[i].outcome == DP_OUTCOME_PORT_UNREACHABLE,
                  "exchange %d: %s", i, dp_outcome_tostr(g[i].outcome));
}
END_TEST

static void chain_submit(void)
{
  int k = chain.step;
  struct sockaddr_in sa = addr_of(chain_steps[k].host, PORT_BASE + 46);
  struct dp_engine_request req;
  memcpy(chain_msg, query, sizeof(query));
  chain_msg[1] = (uint8_t)(0x40 + k);
  memset(&req, 0, sizeof(req));
  memcpy(&req.addr, &sa, sizeof(sa));
  req.addrlen = sizeof(sa);
  req.transport = chain_steps[k].transport;
  req.msg = chain_msg;
  req.len = sizeof(query);
  req.timeout_ms = 1000;
  req.done = on_chain_done;
  req.arg = (void *)(intptr_t)k;
  ck_assert_int_eq(dp_engine_submit(chain.eng, &req), DP_OK);
}

START_TEST(test_channel_reuse)
{
  pid_t pid = responder(146, PORT_BASE + 46, b_both);
  memset(&chain, 0, sizeof(chain));
  ck_assert_int_eq(dp_engine_create(NULL, &chain.eng), DP_OK);
  chain_submit();
  ck_assert_int_eq(dp_engine_run(chain.eng), DP_OK);
  dp_engine_destroy(chain.eng);
  reap(pid);
  for (int k = 0; k < 6; k++)
    ck_assert_msg(chain.calls[k] == 1 && chain.got[k] == chain_steps[k].want,
                  "step %d (%s to 127.0.0.%d): %s, want %s", k,
                  chain_steps[k].transport == DP_TRANSPORT_TCP ? "TCP" : "UDP",
                  chain_steps[k].host, dp_outcome_tostr(chain.got[k]),
                  dp_outcome_tostr(chain_steps[k].want));
}
END_TEST

/* On a shared socket, a reply under a wrong ID that hits another exchange's
 * ID, but carries the first exchange's question, is nobody's answer. */
START_TEST(test_cross_talk)
{
  pid_t pid = responder(148, PORT_BASE + 48, b_plus_one);
  dp_engine_t *eng = NULL;
  struct got g[2];
  uint8_t a[sizeof(query)], b[sizeof(query)];
  memset(g, 0, sizeof(g));
  memcpy(a, query, sizeof(query));
  memcpy(b, query, sizeof(query));
  b[sizeof(query) - 3] = 2; /* qtype NS: another question */
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  struct sockaddr_in sa = addr_of(148, PORT_BASE + 48);
  submit_udp(eng, &sa, a, 0x0500, 300, &g[0]);
  submit_udp(eng, &sa, b, 0x0501, 300, &g[1]);
  ck_assert_int_eq(dp_engine_run(eng), DP_OK);
  dp_engine_destroy(eng);
  reap(pid);
  for (int i = 0; i < 2; i++)
  {
    ck_assert_msg(g[i].calls == 1 && g[i].outcome == DP_OUTCOME_TIMEOUT,
                  "exchange %d: %s (took another's reply)", i,
                  dp_outcome_tostr(g[i].outcome));
    ck_assert_msg(g[i].stray >= 1, "exchange %d: stray %u", i, g[i].stray);
  }
}
END_TEST

START_TEST(test_same_server)
{
  struct sockaddr_storage a, b, c, d;
  struct sockaddr_in x = addr_of(150, 5301), y = addr_of(150, 5302),
                     z = addr_of(151, 5301);
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  memset(&c, 0, sizeof(c));
  memset(&d, 0xff, sizeof(d)); /* padding differs: must not matter */
  memcpy(&a, &x, sizeof(x));
  memcpy(&b, &y, sizeof(y));
  memcpy(&c, &z, sizeof(z));
  memcpy(&d, &x, sizeof(x));
  ck_assert_msg(dp_engine_same_server(&a, &d), "same address and port");
  ck_assert_msg(!dp_engine_same_server(&a, &b), "another port");
  ck_assert_msg(!dp_engine_same_server(&a, &c), "another address");
  struct sockaddr_in6 v6;
  memset(&v6, 0, sizeof(v6));
  v6.sin6_family = AF_INET6;
  v6.sin6_port = x.sin_port;
  memset(&b, 0, sizeof(b));
  memcpy(&b, &v6, sizeof(v6));
  ck_assert_msg(!dp_engine_same_server(&a, &b), "another family");
}
END_TEST

START_TEST(test_bad_requests)
{
  dp_engine_t *eng = NULL;
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  struct got g;
  struct sockaddr_in sa = addr_of(142, PORT_BASE + 42);
  struct dp_engine_request req;
  memset(&req, 0, sizeof(req));
  memcpy(&req.addr, &sa, sizeof(sa));
  req.addrlen = sizeof(sa);
  req.msg = query;
  req.len = 5; /* shorter than a header */
  req.timeout_ms = 100;
  req.done = on_done;
  req.arg = &g;
  ck_assert_msg(dp_engine_submit(eng, &req) == DP_EINVAL, "short message");
  static uint8_t big[513];
  memcpy(big, query, sizeof(query));
  req.msg = big;
  req.len = sizeof(big);
  ck_assert_msg(dp_engine_submit(eng, &req) == DP_EINVAL,
                "UDP query over 512 bytes (c-ares would use TCP)");
  req.msg = query;
  req.len = sizeof(query);
  req.timeout_ms = 0;
  ck_assert_msg(dp_engine_submit(eng, &req) == DP_EINVAL, "zero timeout");
  req.timeout_ms = DP_ENGINE_TIMEOUT_MAX + 1;
  ck_assert_msg(dp_engine_submit(eng, &req) == DP_EINVAL, "timeout too long");
  req.timeout_ms = 100;
  ((struct sockaddr *)&req.addr)->sa_family = AF_UNIX;
  ck_assert_msg(dp_engine_submit(eng, &req) == DP_EINVAL, "bad family");
  ck_assert_msg(dp_engine_submit(NULL, &req) == DP_EINVAL, "NULL engine");
  dp_engine_destroy(eng);
  dp_engine_destroy(NULL);
}
END_TEST

static int fired;
static void on_fire(void *arg)
{
  (void)arg;
  fired++;
}

START_TEST(test_timers)
{
  dp_engine_t *eng = NULL;
  dp_engine_timer_t *a = NULL, *b = NULL;
  fired = 0;
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  ck_assert_int_eq(dp_engine_timer_start(eng, 10, on_fire, NULL, &a), DP_OK);
  ck_assert_int_eq(dp_engine_timer_start(eng, 20, on_fire, NULL, &b), DP_OK);
  dp_engine_timer_cancel(b);
  ck_assert_int_eq(dp_engine_run(eng), DP_OK);
  ck_assert_msg(fired == 1, "one timer fired, the cancelled one not (%d)",
                fired);
  /* a pending timer is freed by destroy */
  ck_assert_int_eq(dp_engine_timer_start(eng, 1000, on_fire, NULL, &a), DP_OK);
  dp_engine_destroy(eng);
}
END_TEST

START_TEST(test_resolve_hosts_file)
{
  struct dp_engine_addr *addrs = NULL;
  size_t n = 0;
  /* localhost comes from /etc/hosts: no query leaves the machine */
  ck_assert_int_eq(
      dp_engine_resolve("localhost", 5301, AF_INET, 1000, &addrs, &n), DP_OK);
  ck_assert_msg(n >= 1, "localhost has an IPv4 address");
  struct sockaddr_in *sa = (struct sockaddr_in *)&addrs[0].addr;
  ck_assert_msg(sa->sin_family == AF_INET && ntohs(sa->sin_port) == 5301 &&
                    (ntohl(sa->sin_addr.s_addr) >> 24) == 127,
                "localhost resolves to 127/8 with the port set");
  free(addrs);
}
END_TEST

/* ---- the wire: what the server receives ------------------------------- */

/* Reads one length-prefixed frame from a connection into q (at most cap
 * bytes); its length, or 0. The child's alarm bounds the waits. */
static size_t read_frame(int c, uint8_t *q, size_t cap)
{
  uint8_t len[2];
  size_t got = 0;
  while (got < 2)
  {
    ssize_t n = recv(c, len + got, 2 - got, 0);
    if (n <= 0)
      return 0;
    got += (size_t)n;
  }
  size_t want = (size_t)len[0] << 8 | len[1];
  if (want > cap)
    return 0;
  got = 0;
  while (got < want)
  {
    ssize_t n = recv(c, q + got, want - got, 0);
    if (n <= 0)
      return 0;
    got += (size_t)n;
  }
  return want;
}

static void echo_datagram(int u)
{
  uint8_t q[1024];
  size_t n = read_udp_from(u, q, sizeof(q));
  if (n >= 3)
  {
    q[2] |= 0x80;
    send_udp(u, q, n);
  }
}

static void echo_frame(int t)
{
  int c = accept(t, NULL, NULL);
  uint8_t f[2 + 1024];
  size_t n = c >= 0 ? read_frame(c, f + 2, sizeof(f) - 2) : 0;
  if (n >= 3)
  {
    f[0] = (uint8_t)(n >> 8);
    f[1] = (uint8_t)n;
    f[4] |= 0x80;
    (void)send(c, f, n + 2, MSG_NOSIGNAL);
  }
  if (c >= 0)
    close(c);
}

/* Answers every query with the query itself, QR set: the reply shows the
 * bytes as they arrived. UDP: each datagram; TCP: the first frame of each
 * connection. */
static void b_echo(int u, int t)
{
  serve_both(u, t, echo_datagram, echo_frame);
}

static const uint8_t wire_cookie[8] = {1, 2, 3, 4, 5, 6, 7, 8};

/* Queries the probes send, and odder ones: c-ares 1.28 and later would
 * reject some (opcode 15, QDCOUNT 0 or 2), rewrite others (drop Z, compress
 * the IXFR SOA's owner, add or strip a COOKIE), and from 1.22 replace the
 * ID. Every one must arrive exactly as built, but for the ID. */
static const struct
{
  const char *name;
  dp_transport_t transport;
  uint16_t id;
  uint8_t opcode;
  bool aa, tc, rd, ra, z, ad, cd;
  uint8_t rcode;
  bool no_question, double_question;
  uint16_t qtype;
  bool edns;
  uint8_t version;
  uint16_t udp_size;
  bool do_bit;
  uint16_t edns_flags;
  uint8_t ext_rcode;
  uint16_t opt_code; /* 0: none */
  bool cookie;
  bool ixfr;
} wire_cases[] = {
    {.name = "opcode 15, no EDNS", .opcode = 15, .id = 0x1001},
    {.name = "UPDATE",
     .opcode = 5,
     .id = 0x1002,
     .edns = true,
     .udp_size = 1232},
    {.name = "NOTIFY with AA", .opcode = 4, .aa = true, .id = 0x1003},
    {.name = "Z bit", .z = true, .id = 0x1004, .edns = true, .udp_size = 1232},
    {.name = "CD, AD, RD", .cd = true, .ad = true, .rd = true, .id = 0x1005},
    {.name = "TC, RA and RCODE 5 in a query",
     .tc = true,
     .ra = true,
     .rcode = 5,
     .id = 0x1006},
    {.name = "EDNS 1, unknown flag, option 100",
     .id = 0x1007,
     .edns = true,
     .version = 1,
     .udp_size = 1232,
     .edns_flags = 0x0080,
     .opt_code = 100},
    {.name = "DO, 512-byte buffer",
     .id = 0x1008,
     .edns = true,
     .udp_size = 512,
     .do_bit = true,
     .qtype = DP_TYPE_DNSKEY},
    {.name = "client COOKIE",
     .id = 0x1009,
     .edns = true,
     .udp_size = 1232,
     .cookie = true},
    {.name = "NSID, extended RCODE bits",
     .id = 0x100a,
     .edns = true,
     .udp_size = 4096,
     .ext_rcode = 1,
     .opt_code = DP_EDNS_NSID},
    {.name = "QDCOUNT 0", .no_question = true, .id = 0x100b},
    {.name = "QDCOUNT 2", .double_question = true, .id = 0x100c},
    {.name = "TYPE1000, same ID as the next", .qtype = 1000, .id = 0x7777},
    {.name = "plain, same ID as the one before", .id = 0x7777},
    {.name = "TCP: IXFR with an authority SOA",
     .transport = DP_TRANSPORT_TCP,
     .qtype = DP_TYPE_IXFR,
     .ixfr = true,
     .id = 0x2001,
     .edns = true,
     .udp_size = 1232},
    {.name = "TCP: opcode 15 and Z",
     .transport = DP_TRANSPORT_TCP,
     .opcode = 15,
     .z = true,
     .id = 0x2002},
    {.name = "TCP: COOKIE (c-ares 1.33 strips it on TCP)",
     .transport = DP_TRANSPORT_TCP,
     .id = 0x2003,
     .edns = true,
     .udp_size = 1232,
     .cookie = true},
};

#define NWIRE (sizeof(wire_cases) / sizeof(wire_cases[0]))

static size_t build_wire_case(size_t i, uint8_t *buf, size_t cap)
{
  struct dp_wire_query q;
  size_t len = 0;
  memset(&q, 0, sizeof(q));
  q.id = wire_cases[i].id;
  q.opcode = wire_cases[i].opcode;
  q.aa = wire_cases[i].aa;
  q.tc = wire_cases[i].tc;
  q.rd = wire_cases[i].rd;
  q.ra = wire_cases[i].ra;
  q.z = wire_cases[i].z;
  q.ad = wire_cases[i].ad;
  q.cd = wire_cases[i].cd;
  q.rcode = wire_cases[i].rcode;
  q.no_question = wire_cases[i].no_question;
  q.double_question = wire_cases[i].double_question;
  q.qname = "ExAmPle.TEST."; /* case kept as built */
  q.qtype = wire_cases[i].qtype ? wire_cases[i].qtype : DP_TYPE_SOA;
  q.qclass = DP_CLASS_IN;
  q.edns = wire_cases[i].edns;
  q.edns_version = wire_cases[i].version;
  q.udp_size = wire_cases[i].udp_size;
  q.do_bit = wire_cases[i].do_bit;
  q.edns_flags = wire_cases[i].edns_flags;
  q.ext_rcode = wire_cases[i].ext_rcode;
  if (wire_cases[i].opt_code)
  {
    q.opts[q.nopts].code = wire_cases[i].opt_code;
    q.nopts++;
  }
  if (wire_cases[i].cookie)
  {
    q.opts[q.nopts].code = DP_EDNS_COOKIE;
    q.opts[q.nopts].len = sizeof(wire_cookie);
    q.opts[q.nopts].data = wire_cookie;
    q.nopts++;
  }
  q.ixfr_soa = wire_cases[i].ixfr;
  q.ixfr_serial = 2024010100u;
  ck_assert_msg(dp_wire_query_write(&q, buf, cap, &len) == DP_OK,
                "%s: the query builds", wire_cases[i].name);
  return len;
}

/* Every case at once on one engine: the UDP ones share a socket, so the
 * engine must also tell which of c-ares' writes is which exchange's. */
START_TEST(test_wire_exact)
{
  pid_t pid = responder(149, PORT_BASE + 49, b_echo);
  dp_engine_t *eng = NULL;
  static uint8_t msgs[NWIRE][600];
  size_t lens[NWIRE];
  struct got g[NWIRE];
  memset(g, 0, sizeof(g));
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  struct sockaddr_in sa = addr_of(149, PORT_BASE + 49);
  for (size_t i = 0; i < NWIRE; i++)
  {
    lens[i] = build_wire_case(i, msgs[i], sizeof(msgs[i]));
    struct dp_engine_request req;
    memset(&req, 0, sizeof(req));
    memcpy(&req.addr, &sa, sizeof(sa));
    req.addrlen = sizeof(sa);
    req.transport = wire_cases[i].transport;
    req.msg = msgs[i];
    req.len = lens[i];
    req.timeout_ms = 2000;
    req.done = on_done;
    req.arg = &g[i];
    ck_assert_int_eq(dp_engine_submit(eng, &req), DP_OK);
  }
  ck_assert_int_eq(dp_engine_run(eng), DP_OK);
  dp_engine_destroy(eng);
  reap(pid);
  for (size_t i = 0; i < NWIRE; i++)
  {
    const char *name = wire_cases[i].name;
    ck_assert_msg(g[i].calls == 1 && g[i].outcome == DP_OUTCOME_ANSWER,
                  "%s: %s", name, dp_outcome_tostr(g[i].outcome));
    ck_assert_msg(g[i].first_len == lens[i],
                  "%s: the server got %zu bytes, %zu were built", name,
                  g[i].first_len, lens[i]);
    ck_assert_msg(g[i].first[0] == msgs[i][0] && g[i].first[1] == msgs[i][1],
                  "%s: the reply carries the caller's ID", name);
    ck_assert_msg(g[i].first[2] == (msgs[i][2] | 0x80), "%s: flags byte 1",
                  name);
    size_t k = 3;
    while (k < lens[i] && g[i].first[k] == msgs[i][k])
      k++;
    ck_assert_msg(k == lens[i], "%s: byte %zu differs (got %02x, built %02x)",
                  name, k, g[i].first[k], msgs[i][k]);
    ck_assert_msg(g[i].stray == 0, "%s: %u stray replies", name, g[i].stray);
  }
}
END_TEST

/* A reply c-ares 1.34 cannot parse (NOTIMP with QDCOUNT 0) to one query
 * on a shared socket: the other query there still gets its own reply,
 * which comes 100 ms later (c-ares, given such a reply, would close the
 * socket and end every query on it). */
static void b_bad_then_good(int u, int t)
{
  (void)t;
  uint8_t q[512];
  size_t n = read_udp_from(u, q, sizeof(q));
  uint8_t r[12] = {q[0], q[1], (uint8_t)(0x80 | (q[2] & 0x78)), 0x04};
  if (n >= 12)
    send_udp(u, r, sizeof(r));
  n = read_udp_from(u, q, sizeof(q));
  usleep(100000);
  if (n >= 12)
  {
    q[2] |= 0x80;
    send_udp(u, q, n);
  }
  pause();
}

START_TEST(test_unparseable_reply_shared)
{
  pid_t pid = responder(151, PORT_BASE + 51, b_bad_then_good);
  dp_engine_t *eng = NULL;
  struct got g[2];
  uint8_t a[sizeof(query)], b[sizeof(query)];
  memset(g, 0, sizeof(g));
  memcpy(a, query, sizeof(query));
  memcpy(b, query, sizeof(query));
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  struct sockaddr_in sa = addr_of(151, PORT_BASE + 51);
  submit_udp(eng, &sa, a, 0x0601, 1000, &g[0]);
  submit_udp(eng, &sa, b, 0x0602, 1000, &g[1]);
  ck_assert_int_eq(dp_engine_run(eng), DP_OK);
  dp_engine_destroy(eng);
  reap(pid);
  ck_assert_msg(g[0].calls == 1 && g[0].outcome == DP_OUTCOME_ANSWER &&
                    g[0].first_len == 12 && (g[0].first[3] & 0x0f) == 4,
                "the QDCOUNT 0 NOTIMP: %s", dp_outcome_tostr(g[0].outcome));
  ck_assert_msg(g[1].calls == 1 && g[1].outcome == DP_OUTCOME_ANSWER &&
                    g[1].first_len == sizeof(query),
                "the query after it: %s", dp_outcome_tostr(g[1].outcome));
}
END_TEST

/* The c-ares families of engine.h: 1 for 1.18 to 1.21, 2 for 1.22 to 1.33,
 * 3 for 1.34; 0 for any other version. */
static int cares_family(int version)
{
  if (version >= 0x011200 && version < 0x011600)
    return 1;
  if (version >= 0x011600 && version < 0x012200)
    return 2;
  if (version >= 0x012200 && version < 0x012300)
    return 3;
  return 0;
}

/* The versions this build accepts at run time: its own family, no older
 * than the headers it was built with, and nothing else. */
START_TEST(test_library_versions)
{
  char text[256];
  char err[256] = "";
  unsigned lmaj, lmin, lpat, bmaj, bmin, bpat;
  size_t n = dp_engine_versions(text, sizeof(text));
  ck_assert_msg(n > 0 && n < sizeof(text), "version text fits");
  ck_assert_msg(sscanf(text, "c-ares %u.%u.%u (built against %u.%u.%u)", &lmaj,
                       &lmin, &lpat, &bmaj, &bmin, &bpat) == 6,
                "c-ares line: %s", text);
  ck_assert_msg(strstr(text, "\nlibevent ") != NULL &&
                    strstr(strstr(text, "\nlibevent "), "(built against ") !=
                        NULL,
                "libevent line: %s", text);
  ck_assert_msg(dp_engine_library_check(err, sizeof(err)) == DP_OK,
                "the loaded c-ares is accepted: %s", err);
  int built = (int)(bmaj << 16 | bmin << 8 | bpat);
  ck_assert_msg(cares_family(built) != 0, "built against a known family");
  static const int versions[] = {
      0x011101, 0x011200, 0x011201, 0x011500, 0x011600, 0x011b00,
      0x011e00, 0x012100, 0x012200, 0x012209, 0x012300, 0x020000,
  };
  ck_assert_msg(dp_engine_cares_supported(built), "the build's own version");
  for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
  {
    int v = versions[i];
    bool want = cares_family(v) == cares_family(built) &&
                (v & 0xffff00) >= (built & 0xffff00);
    ck_assert_msg(dp_engine_cares_supported(v) == want,
                  "c-ares %d.%d.%d with a build against %u.%u.%u: want %s",
                  v >> 16, (v >> 8) & 0xff, v & 0xff, bmaj, bmin, bpat,
                  want ? "accepted" : "refused");
  }
}
END_TEST

/* The lookup on the engine's loop: called back once, from the loop. */
struct async_lookup
{
  int calls;
  dp_status_t st;
  size_t n;
  struct sockaddr_storage first;
  bool in_start; /* set while dp_engine_resolve_start runs */
};

static void on_resolved(void *arg, dp_status_t st,
                        const struct dp_engine_addr *addrs, size_t n)
{
  struct async_lookup *a = arg;
  ck_assert_msg(!a->in_start, "called back inside dp_engine_resolve_start");
  a->calls++;
  a->st = st;
  a->n = n;
  if (n > 0)
    a->first = addrs[0].addr;
}

START_TEST(test_resolve_on_loop)
{
  dp_engine_t *eng = NULL;
  dp_engine_lookup_t *lk = NULL;
  struct async_lookup a, inv, cancelled;
  memset(&a, 0, sizeof(a));
  memset(&inv, 0, sizeof(inv));
  memset(&cancelled, 0, sizeof(cancelled));
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  ck_assert_ptr_nonnull(dp_engine_event_base(eng));
  ck_assert_ptr_null(dp_engine_event_base(NULL));
  /* localhost from /etc/hosts (or as loopback): nothing leaves the machine */
  a.in_start = true;
  ck_assert_int_eq(dp_engine_resolve_start(eng, "localhost", 5301, AF_INET,
                                           1000, on_resolved, &a, &lk),
                   DP_OK);
  a.in_start = false;
  /* RFC 6761 6.4: asked of no one */
  inv.in_start = true;
  ck_assert_int_eq(dp_engine_resolve_start(eng, "x.invalid", 53, AF_UNSPEC,
                                           1000, on_resolved, &inv, &lk),
                   DP_OK);
  inv.in_start = false;
  ck_assert_int_eq(dp_engine_resolve_start(eng, "localhost", 53, AF_UNSPEC,
                                           1000, on_resolved, &cancelled, &lk),
                   DP_OK);
  dp_engine_resolve_cancel(lk);
  ck_assert_int_eq(dp_engine_resolve_start(eng, NULL, 53, AF_UNSPEC, 1000,
                                           on_resolved, &a, &lk),
                   DP_EINVAL);
  ck_assert_int_eq(dp_engine_run(eng), DP_OK);
  ck_assert_msg(a.calls == 1 && a.st == DP_OK && a.n >= 1,
                "localhost: %d calls, status %d, %zu addresses", a.calls,
                (int)a.st, a.n);
  const struct sockaddr_in *sa = (const struct sockaddr_in *)&a.first;
  ck_assert_msg(sa->sin_family == AF_INET && ntohs(sa->sin_port) == 5301 &&
                    (ntohl(sa->sin_addr.s_addr) >> 24) == 127,
                "localhost resolves to 127/8 with the port set");
  ck_assert_msg(inv.calls == 1 && inv.st == DP_ENOTFOUND && inv.n == 0,
                "x.invalid: %d calls, status %d", inv.calls, (int)inv.st);
  ck_assert_msg(cancelled.calls == 0, "a cancelled lookup is not called back");
  dp_engine_destroy(eng);
}
END_TEST

static Suite *engine_suite(void)
{
  Suite *s = suite_create("engine");
  TCase *tc = tcase_create("exchanges");
  tcase_set_timeout(tc, 30);
  tcase_add_loop_test(tc, test_exchange, 0, sizeof(cases) / sizeof(cases[0]));
  tcase_add_test(tc, test_concurrent_timeouts);
  tcase_add_test(tc, test_pacing);
  tcase_add_test(tc, test_shared_socket);
  tcase_add_test(tc, test_late_reply);
  tcase_add_test(tc, test_closed_port_shared);
  tcase_add_test(tc, test_channel_reuse);
  tcase_add_test(tc, test_cross_talk);
  tcase_add_test(tc, test_same_server);
  tcase_add_test(tc, test_bad_requests);
  tcase_add_test(tc, test_timers);
  tcase_add_test(tc, test_resolve_hosts_file);
  tcase_add_test(tc, test_wire_exact);
  tcase_add_test(tc, test_unparseable_reply_shared);
  tcase_add_test(tc, test_library_versions);
  tcase_add_test(tc, test_resolve_on_loop);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(engine_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
