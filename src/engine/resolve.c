/*
 * resolve.c: host-name targets to addresses through c-ares' getaddrinfo,
 * which honours /etc/hosts. dp_engine_resolve runs its own short poll loop,
 * bounded by a timeout, before any probe is sent (the sockets to poll come
 * from the socket-state callback, which every c-ares from 1.18 on has:
 * ares_getsock is deprecated in 1.34); dp_engine_resolve_start runs the
 * same lookup on the engine's libevent loop, for a caller that must not
 * block it (the exporter answers other requests meanwhile).
 *
 * Invariants (the loop's lookups): the channel is never destroyed from
 * inside c-ares; the caller's callback runs from a zero-delay event of the
 * loop, exactly once, unless the lookup was cancelled first; a lookup is
 * bounded by a deadline of its own whatever c-ares does.
 */
#include <ares.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cares_compat.h"
#include "dnsprobe/engine.h"

#define MAX_FDS 8 /* sockets a lookup channel has open at once, at most */

struct lookup
{
  bool done;
  int status;
  struct dp_engine_addr *addrs;
  size_t count;
  struct pollfd fds[MAX_FDS]; /* fd -1: a free slot */
};

/* c-ares says which sockets it wants to read or write, and when it is done
 * with one. */
static void on_sock_state(void *arg, ares_socket_t fd, int readable,
                          int writable)
{
  struct lookup *lk = arg;
  struct pollfd *slot = NULL;
  for (int i = 0; i < MAX_FDS; i++)
    if (lk->fds[i].fd == fd)
      slot = &lk->fds[i];
  for (int i = 0; i < MAX_FDS && slot == NULL; i++)
    if (lk->fds[i].fd < 0)
      slot = &lk->fds[i];
  if (slot == NULL)
    return; /* more sockets than a lookup opens: its timeout ends it */
  slot->fd = (readable || writable) ? fd : -1;
  slot->events = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
  slot->revents = 0;
}

static void on_addrinfo(void *arg, int status, int timeouts,
                        struct ares_addrinfo *res)
{
  struct lookup *lk = arg;
  (void)timeouts;
  lk->done = true;
  lk->status = status;
  if (status != ARES_SUCCESS || res == NULL)
  {
    if (res)
      ares_freeaddrinfo(res);
    return;
  }
  size_t n = 0;
  for (struct ares_addrinfo_node *a = res->nodes; a; a = a->ai_next)
    n++;
  lk->addrs = calloc(n ? n : 1, sizeof(*lk->addrs));
  if (lk->addrs == NULL)
  {
    lk->status = ARES_ENOMEM;
    ares_freeaddrinfo(res);
    return;
  }
  for (struct ares_addrinfo_node *a = res->nodes; a; a = a->ai_next)
  {
    if ((a->ai_family != AF_INET && a->ai_family != AF_INET6) ||
        a->ai_addrlen > sizeof(lk->addrs[0].addr))
      continue;
    /* the same address can come back once per socket type: keep one */
    bool dup = false;
    for (size_t i = 0; i < lk->count; i++)
      if (lk->addrs[i].addrlen == (socklen_t)a->ai_addrlen &&
          memcmp(&lk->addrs[i].addr, a->ai_addr, a->ai_addrlen) == 0)
        dup = true;
    if (dup)
      continue;
    memcpy(&lk->addrs[lk->count].addr, a->ai_addr, a->ai_addrlen);
    lk->addrs[lk->count].addrlen = (socklen_t)a->ai_addrlen;
    lk->count++;
  }
  ares_freeaddrinfo(res);
}

static void keep_family(struct lookup *lk, int family)
{
  size_t k = 0;
  for (size_t i = 0; i < lk->count; i++)
    if (family == AF_UNSPEC ||
        ((struct sockaddr *)&lk->addrs[i].addr)->sa_family == family)
      lk->addrs[k++] = lk->addrs[i];
  lk->count = k;
}

static bool is_localhost(const char *name)
{
  return strcasecmp(name, "localhost") == 0 ||
         strcasecmp(name, "localhost.") == 0;
}

/* RFC 6761 6.4: names under "invalid." never resolve; say so at once,
 * without asking anyone. */
static bool is_invalid(const char *name)
{
  size_t n = strlen(name);
  if (n > 0 && name[n - 1] == '.')
    n--;
  if (n == 7 && strncasecmp(name, "invalid", 7) == 0)
    return true;
  return n > 8 && strncasecmp(name + n - 8, ".invalid", 8) == 0;
}

/* RFC 6761 6.3: localhost is the loopback address, without asking DNS. */
static void add_loopback(struct lookup *lk, int family)
{
  struct dp_engine_addr *a = realloc(lk->addrs, 2 * sizeof(*a));
  if (a == NULL)
    return;
  lk->addrs = a;
  lk->count = 0;
  if (family != AF_INET6)
  {
    struct sockaddr_in *in = (struct sockaddr_in *)&a[lk->count].addr;
    memset(&a[lk->count], 0, sizeof(a[0]));
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a[lk->count++].addrlen = sizeof(*in);
  }
  if (family != AF_INET)
  {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a[lk->count].addr;
    memset(&a[lk->count], 0, sizeof(a[0]));
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    a[lk->count++].addrlen = sizeof(*in6);
  }
}

/* What a finished lookup gives: its addresses of the family asked for
 * (localhost as loopback when nothing else said), each with the port; the
 * array moves to *out. */
static dp_status_t lookup_result(struct lookup *lk, const char *name,
                                 uint16_t port, int family,
                                 struct dp_engine_addr **out, size_t *count)
{
  if (lk->status == ARES_ENOMEM)
  {
    free(lk->addrs);
    lk->addrs = NULL;
    return DP_ENOMEM;
  }
  keep_family(lk, family);
  if (lk->count == 0 && is_localhost(name))
    add_loopback(lk, family);
  if (lk->count == 0)
  {
    free(lk->addrs);
    lk->addrs = NULL;
    return DP_ENOTFOUND;
  }
  for (size_t i = 0; i < lk->count; i++)
  {
    struct sockaddr *sa = (struct sockaddr *)&lk->addrs[i].addr;
    if (sa->sa_family == AF_INET)
      ((struct sockaddr_in *)sa)->sin_port = htons(port);
    else
      ((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
  }
  *out = lk->addrs;
  *count = lk->count;
  lk->addrs = NULL;
  return DP_OK;
}

dp_status_t dp_engine_resolve(const char *name, uint16_t port, int family,
                              unsigned timeout_ms, struct dp_engine_addr **out,
                              size_t *count)
{
  if (name == NULL || out == NULL || count == NULL)
    return DP_EINVAL;
  *out = NULL;
  *count = 0;
  if (is_invalid(name))
    return DP_ENOTFOUND;
  if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
    return DP_ECARES;

  struct lookup lk;
  memset(&lk, 0, sizeof(lk));
  for (int i = 0; i < MAX_FDS; i++)
    lk.fds[i].fd = -1;

  ares_channel ch;
  struct ares_options o;
  memset(&o, 0, sizeof(o));
  o.timeout = (int)(timeout_ms ? timeout_ms : 2000);
  o.tries = 2;
  o.sock_state_cb = on_sock_state;
  o.sock_state_cb_data = &lk;
  if (ares_init_options(&ch, &o,
                        ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
                            ARES_OPT_SOCK_STATE_CB) != ARES_SUCCESS)
  {
    ares_library_cleanup();
    return DP_ECARES;
  }

  struct ares_addrinfo_hints hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  ares_getaddrinfo(ch, name, NULL, &hints, on_addrinfo, &lk);

  struct timespec start, t;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (!lk.done)
  {
    /* A copy: processing one socket may open or close another. */
    struct pollfd pfd[MAX_FDS];
    nfds_t n = 0;
    for (int i = 0; i < MAX_FDS; i++)
      if (lk.fds[i].fd >= 0)
      {
        pfd[n] = lk.fds[i];
        pfd[n++].revents = 0;
      }
    struct timeval tv, *tvp = ares_timeout(ch, NULL, &tv);
    int wait = tvp ? (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000) : 100;
    (void)poll(pfd, n, wait > 100 ? 100 : wait);
    for (nfds_t i = 0; i < n; i++)
      ares_process_fd(ch,
                      (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
                          ? pfd[i].fd
                          : ARES_SOCKET_BAD,
                      (pfd[i].revents & POLLOUT) ? pfd[i].fd : ARES_SOCKET_BAD);
    if (n == 0)
      ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    clock_gettime(CLOCK_MONOTONIC, &t);
    double ms = (double)(t.tv_sec - start.tv_sec) * 1e3 +
                (double)(t.tv_nsec - start.tv_nsec) / 1e6;
    if (!lk.done && ms > 3.0 * o.timeout)
      break; /* c-ares should have given up; do not hang regardless */
  }
  ares_destroy(
      ch); /* completes a lookup still pending with ARES_EDESTRUCTION */
  ares_library_cleanup();

  return lookup_result(&lk, name, port, family, out, count);
}

dp_status_t dp_engine_system_resolver(const char *resolv_conf,
                                      struct sockaddr_storage *addr,
                                      socklen_t *addrlen)
{
  struct ares_options o;
  ares_channel ch;
  int mask = 0;
  dp_status_t st = DP_ENOTFOUND;

  if (addr == NULL || addrlen == NULL)
    return DP_EINVAL;
  memset(&o, 0, sizeof(o));
  if (resolv_conf != NULL)
  {
    o.resolvconf_path = (char *)resolv_conf;
    mask |= ARES_OPT_RESOLVCONF;
  }
  if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
    return DP_ECARES;
  if (ares_init_options(&ch, &o, mask) != ARES_SUCCESS)
  {
    ares_library_cleanup();
    return DP_ECARES;
  }
  int rc = dp_cares_compat_first_server(ch, addr, addrlen);
  if (rc == ARES_SUCCESS)
    st = DP_OK;
  else if (rc == ARES_ENOMEM)
    st = DP_ENOMEM;
  ares_destroy(ch);
  ares_library_cleanup();
  return st;
}

/* ---- lookups on the engine's loop ---------------------------------------- */

struct lookup_sock
{
  ares_socket_t fd;
  struct event *ev;
};

struct dp_engine_lookup
{
  struct event_base *base;
  ares_channel ch;
  bool have_channel;
  bool cares_init; /* ares_library_init to be paired */
  struct lookup lk;
  char *name;
  uint16_t port;
  int family;
  struct lookup_sock socks[ARES_GETSOCK_MAXNUM];
  struct event *timer;    /* c-ares' own timeouts */
  struct event *finish;   /* zero-delay: the result goes to the caller */
  struct event *deadline; /* whatever c-ares does, the lookup ends */
  dp_engine_resolved_fn fn;
  void *arg;
};

static void lookup_rearm(struct dp_engine_lookup *l)
{
  struct timeval tv, *tvp = ares_timeout(l->ch, NULL, &tv);
  if (tvp != NULL)
    evtimer_add(l->timer, tvp);
}

static void on_lookup_sock(evutil_socket_t fd, short what, void *arg)
{
  struct dp_engine_lookup *l = arg;
  ares_process_fd(l->ch, (what & EV_READ) ? (ares_socket_t)fd : ARES_SOCKET_BAD,
                  (what & EV_WRITE) ? (ares_socket_t)fd : ARES_SOCKET_BAD);
  if (!l->lk.done)
    lookup_rearm(l);
}

static void on_lookup_timer(evutil_socket_t fd, short what, void *arg)
{
  struct dp_engine_lookup *l = arg;
  (void)fd;
  (void)what;
  ares_process_fd(l->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  if (!l->lk.done)
    lookup_rearm(l);
}

/* c-ares opens, changes or closes a socket: one persistent event each. */
static void lookup_sock_state(void *arg, ares_socket_t fd, int readable,
                              int writable)
{
  struct dp_engine_lookup *l = arg;
  struct lookup_sock *slot = NULL, *free_slot = NULL;
  for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++)
  {
    if (l->socks[i].ev != NULL && l->socks[i].fd == fd)
      slot = &l->socks[i];
    else if (l->socks[i].ev == NULL && free_slot == NULL)
      free_slot = &l->socks[i];
  }
  if (slot != NULL)
  {
    event_free(slot->ev);
    slot->ev = NULL;
  }
  if (!readable && !writable)
    return;
  if (slot == NULL)
    slot = free_slot;
  if (slot == NULL)
    return; /* more sockets than c-ares itself tracks: its timer still
               ends the query */
  short what = (short)(EV_PERSIST | (readable ? EV_READ : 0) |
                       (writable ? EV_WRITE : 0));
  slot->fd = fd;
  slot->ev = event_new(l->base, fd, what, on_lookup_sock, l);
  if (slot->ev != NULL && event_add(slot->ev, NULL) != 0)
  {
    event_free(slot->ev);
    slot->ev = NULL;
  }
}

static void on_lookup_addrinfo(void *arg, int status, int timeouts,
                               struct ares_addrinfo *res)
{
  struct dp_engine_lookup *l = arg;
  on_addrinfo(&l->lk, status, timeouts, res);
  /* never free c-ares from inside it: the result goes out from the loop */
  event_active(l->finish, EV_TIMEOUT, 0);
}

/* Free everything; the caller's callback is not called. Never from inside
 * c-ares. */
static void lookup_free(struct dp_engine_lookup *l)
{
  if (l->have_channel)
  {
    /* completes the query with ARES_EDESTRUCTION and closes its sockets
     * through lookup_sock_state */
    l->have_channel = false;
    ares_destroy(l->ch);
  }
  for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++)
    if (l->socks[i].ev != NULL)
      event_free(l->socks[i].ev);
  if (l->timer != NULL)
    event_free(l->timer);
  if (l->finish != NULL)
    event_free(l->finish);
  if (l->deadline != NULL)
    event_free(l->deadline);
  if (l->cares_init)
    ares_library_cleanup();
  free(l->lk.addrs);
  free(l->name);
  free(l);
}

static void on_lookup_finish(evutil_socket_t fd, short what, void *arg)
{
  struct dp_engine_lookup *l = arg;
  struct dp_engine_addr *addrs = NULL;
  size_t count = 0;
  dp_status_t st = DP_ENOTFOUND;
  (void)fd;
  (void)what;
  if (l->lk.done)
    st = lookup_result(&l->lk, l->name, l->port, l->family, &addrs, &count);
  dp_engine_resolved_fn fn = l->fn;
  void *arg2 = l->arg;
  lookup_free(l);
  fn(arg2, st, addrs, count);
  free(addrs);
}

/* The deadline passed before c-ares answered: the lookup ends without an
 * address, from the loop. */
static void on_lookup_deadline(evutil_socket_t fd, short what, void *arg)
{
  struct dp_engine_lookup *l = arg;
  (void)fd;
  (void)what;
  if (!l->lk.done)
    event_active(l->finish, EV_TIMEOUT, 0);
}

dp_status_t dp_engine_resolve_start(dp_engine_t *eng, const char *name,
                                    uint16_t port, int family,
                                    unsigned timeout_ms,
                                    dp_engine_resolved_fn fn, void *arg,
                                    dp_engine_lookup_t **out)
{
  struct event_base *base = dp_engine_event_base(eng);
  if (out != NULL)
    *out = NULL;
  if (base == NULL || name == NULL || fn == NULL || out == NULL)
    return DP_EINVAL;
  struct dp_engine_lookup *l = calloc(1, sizeof(*l));
  if (l == NULL)
    return DP_ENOMEM;
  l->base = base;
  l->port = port;
  l->family = family;
  l->fn = fn;
  l->arg = arg;
  l->name = strdup(name);
  l->timer = evtimer_new(base, on_lookup_timer, l);
  l->finish = event_new(base, -1, 0, on_lookup_finish, l);
  l->deadline = evtimer_new(base, on_lookup_deadline, l);
  if (l->name == NULL || l->timer == NULL || l->finish == NULL ||
      l->deadline == NULL)
  {
    lookup_free(l);
    return DP_ENOMEM;
  }
  if (timeout_ms == 0)
    timeout_ms = 2000;
  if (is_invalid(name))
  {
    /* RFC 6761 6.4: no question for anyone; the answer is no address */
    event_active(l->finish, EV_TIMEOUT, 0);
    *out = l;
    return DP_OK;
  }
  if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
  {
    lookup_free(l);
    return DP_ECARES;
  }
  l->cares_init = true;
  for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++)
    l->socks[i].fd = ARES_SOCKET_BAD;
  struct ares_options o;
  memset(&o, 0, sizeof(o));
  o.timeout = (int)timeout_ms;
  o.tries = 2;
  o.sock_state_cb = lookup_sock_state;
  o.sock_state_cb_data = l;
  if (ares_init_options(&l->ch, &o,
                        ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
                            ARES_OPT_SOCK_STATE_CB) != ARES_SUCCESS)
  {
    lookup_free(l);
    return DP_ECARES;
  }
  l->have_channel = true;
  /* c-ares gives up after its tries; three timeouts bound it anyway, as
   * dp_engine_resolve's loop does */
  struct timeval dl = {(time_t)(3u * timeout_ms / 1000u),
                       (suseconds_t)((3u * timeout_ms % 1000u) * 1000u)};
  evtimer_add(l->deadline, &dl);
  struct ares_addrinfo_hints hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  /* may answer at once (from /etc/hosts): the callback only schedules */
  ares_getaddrinfo(l->ch, name, NULL, &hints, on_lookup_addrinfo, l);
  if (!l->lk.done)
    lookup_rearm(l);
  *out = l;
  return DP_OK;
}

void dp_engine_resolve_cancel(dp_engine_lookup_t *lk)
{
  if (lk != NULL)
    lookup_free(lk);
}
