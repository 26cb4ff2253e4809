/*
 * resolve.c: host-name targets to addresses through c-ares' getaddrinfo,
 * which honours /etc/hosts. Runs its own short poll loop, bounded by a
 * timeout, before any probe is sent.
 */
#include <ares.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dnsprobe/engine.h"

struct lookup
{
  bool done;
  int status;
  struct dp_engine_addr *addrs;
  size_t count;
};

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

  ares_channel ch;
  struct ares_options o;
  memset(&o, 0, sizeof(o));
  o.timeout = (int)(timeout_ms ? timeout_ms : 2000);
  o.tries = 2;
  if (ares_init_options(&ch, &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) !=
      ARES_SUCCESS)
  {
    ares_library_cleanup();
    return DP_ECARES;
  }

  struct lookup lk;
  memset(&lk, 0, sizeof(lk));
  struct ares_addrinfo_hints hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  ares_getaddrinfo(ch, name, NULL, &hints, on_addrinfo, &lk);

  struct timespec start, t;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (!lk.done)
  {
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    struct pollfd pfd[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
    nfds_t n = 0;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++)
    {
      /* ARES_GETSOCK_WRITABLE shifts an int by up to 31: test the bits
       * unsigned instead. */
      unsigned ubits = (unsigned)bits;
      short ev = 0;
      if ((ubits >> i) & 1u)
        ev |= POLLIN;
      if ((ubits >> (i + ARES_GETSOCK_MAXNUM)) & 1u)
        ev |= POLLOUT;
      if (ev)
      {
        pfd[n].fd = socks[i];
        pfd[n].events = ev;
        pfd[n].revents = 0;
        n++;
      }
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
  struct ares_addr_port_node *servers = NULL;
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
  if (ares_get_servers_ports(ch, &servers) == ARES_SUCCESS && servers != NULL)
  {
    memset(addr, 0, sizeof(*addr));
    uint16_t port = servers->udp_port ? (uint16_t)servers->udp_port : 53;
    if (servers->family == AF_INET)
    {
      struct sockaddr_in *in = (struct sockaddr_in *)addr;
      in->sin_family = AF_INET;
      in->sin_port = htons(port);
      memcpy(&in->sin_addr, &servers->addr.addr4, sizeof(in->sin_addr));
      *addrlen = sizeof(*in);
      st = DP_OK;
    }
    else if (servers->family == AF_INET6)
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(port);
      memcpy(&in6->sin6_addr, &servers->addr.addr6, sizeof(in6->sin6_addr));
      *addrlen = sizeof(*in6);
      st = DP_OK;
    }
  }
  ares_free_data(servers);
  ares_destroy(ch);
  ares_library_cleanup();
  return st;
}
