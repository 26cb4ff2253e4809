/*
 * resolve.c: host-name targets to addresses through c-ares' getaddrinfo,
 * which honours /etc/hosts. Runs its own short poll loop, bounded by a
 * timeout, before any probe is sent; the sockets to poll come from the
 * socket-state callback, which every c-ares from 1.18 on has (ares_getsock
 * is deprecated in 1.34).
 */
#include <ares.h>
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

  if (lk.status == ARES_ENOMEM)
  {
    free(lk.addrs);
    return DP_ENOMEM;
  }
  keep_family(&lk, family);
  if (lk.count == 0 && is_localhost(name))
    add_loopback(&lk, family);
  if (lk.count == 0)
  {
    free(lk.addrs);
    return DP_ENOTFOUND;
  }
  for (size_t i = 0; i < lk.count; i++)
  {
    struct sockaddr *sa = (struct sockaddr *)&lk.addrs[i].addr;
    if (sa->sa_family == AF_INET)
      ((struct sockaddr_in *)sa)->sin_port = htons(port);
    else
      ((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
  }
  *out = lk.addrs;
  *count = lk.count;
  return DP_OK;
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
