/*
 * cares_compat.c: everything that depends on which c-ares dnsprobe is built
 * against, selected by ARES_VERSION at build time (see cares_compat.h).
 *
 * The boundaries, from the c-ares sources:
 * - 1.22: ares_send replaces the caller's query ID with one of its own.
 * - 1.23: an answer cache, on by default from 1.31 (ARES_OPT_QUERY_CACHE
 *   with a max TTL of 0 turns it off).
 * - 1.28: ares_send parses the buffer and re-encodes it; ares_send_dnsrec,
 *   ares_set_servers_ports_csv and ares_get_servers_csv replace the calls
 *   that are then deprecated.
 * - 1.29: server failover probes (ARES_OPT_SERVER_FAILOVER).
 * - 1.33: DNS COOKIEs added to, stripped from and checked in queries that
 *   carry an OPT record.
 * - 1.34: ares_set_socket_functions_ex, whose send function sees the bytes
 *   c-ares writes; the older ares_set_socket_functions is deprecated.
 *
 * Invariant: from 1.22 on c-ares is only ever given the stand-in query below
 * (no OPT record, so no cookie logic applies to it), and the engine's send
 * tap puts its own bytes on the wire in place of the stand-in's.
 */
#include "cares_compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if ARES_VERSION < 0x011200
#error "dnsprobe needs c-ares 1.18 or later"
#endif
#if ARES_VERSION >= 0x012300
#error "dnsprobe knows c-ares up to 1.34; check a newer one before using it"
#endif

#define V_REWRITES 0x011600 /* 1.22 */
#define V_DNSREC 0x011c00   /* 1.28 */
#define V_SOCKEX 0x012200   /* 1.34 */

#if ARES_VERSION < V_REWRITES
const bool dp_cares_compat_rewrites = false;
const char dp_cares_compat_family[] = "1.18 to 1.21";
#define FAMILY_MIN 0x011200
#define FAMILY_END V_REWRITES
#elif ARES_VERSION < V_SOCKEX
const bool dp_cares_compat_rewrites = true;
const char dp_cares_compat_family[] = "1.22 to 1.33";
#define FAMILY_MIN V_REWRITES
#define FAMILY_END V_SOCKEX
#else
const bool dp_cares_compat_rewrites = true;
const char dp_cares_compat_family[] = "1.34";
#define FAMILY_MIN V_SOCKEX
#define FAMILY_END 0x012300
#endif

bool dp_cares_compat_supports(int version)
{
  /* An older library than the headers may lack a call the build uses; the
   * family bounds keep the semantics this file was written for. The patch
   * level is not compared: within a family it changes no behaviour the
   * engine relies on. */
  int built_minor = ARES_VERSION & 0xffff00;
  return version >= FAMILY_MIN && version < FAMILY_END &&
         (version & 0xffff00) >= built_minor;
}

void dp_cares_compat_options(struct ares_options *o, int *mask)
{
#ifdef ARES_OPT_QUERY_CACHE
  /* Two probes with the same question must both reach the server. */
  o->qcache_max_ttl = 0;
  *mask |= ARES_OPT_QUERY_CACHE;
#endif
#ifdef ARES_OPT_SERVER_FAILOVER
  /* A channel has one server; nothing else may ever be probed. */
  o->server_failover_opts.retry_chance = 0;
  o->server_failover_opts.retry_delay = 0;
  *mask |= ARES_OPT_SERVER_FAILOVER;
#endif
  (void)o;
  (void)mask;
}

/* ---- socket functions -------------------------------------------------- */

/* socket, close and recvfrom have one form in both c-ares tables. */
static ares_socket_t adapt_socket(int af, int type, int protocol, void *arg)
{
  const struct dp_cares_tap_ctx *t = arg;
  return t->fns->socket(af, type, protocol, t->arg);
}

static int adapt_close(ares_socket_t fd, void *arg)
{
  const struct dp_cares_tap_ctx *t = arg;
  return t->fns->close(fd, t->arg);
}

static ares_ssize_t adapt_recvfrom(ares_socket_t fd, void *buf, size_t len,
                                   int flags, struct sockaddr *from,
                                   ares_socklen_t *fromlen, void *arg)
{
  const struct dp_cares_tap_ctx *t = arg;
  socklen_t fl = fromlen ? (socklen_t)*fromlen : 0;
  ssize_t n =
      t->fns->recvfrom(fd, buf, len, flags, from, fromlen ? &fl : NULL, t->arg);
  if (fromlen)
    *fromlen = (ares_socklen_t)fl;
  return (ares_ssize_t)n;
}

#if ARES_VERSION < V_SOCKEX

static int legacy_connect(ares_socket_t fd, const struct sockaddr *sa,
                          ares_socklen_t len, void *arg)
{
  const struct dp_cares_tap_ctx *t = arg;
  return t->fns->connect(fd, sa, (socklen_t)len, t->arg);
}

static ares_ssize_t legacy_sendv(ares_socket_t fd, const struct iovec *iov,
                                 int iovcnt, void *arg)
{
  const struct dp_cares_tap_ctx *t = arg;
  return (ares_ssize_t)t->fns->sendv(fd, iov, iovcnt, t->arg);
}

static const struct ares_socket_functions legacy_functions = {
    .asocket = adapt_socket,
    .aclose = adapt_close,
    .aconnect = legacy_connect,
    .arecvfrom = adapt_recvfrom,
    .asendv = legacy_sendv,
};

int dp_cares_compat_set_tap(ares_channel ch, const struct dp_cares_tap_ctx *ctx)
{
  /* The context is the user data; the functions table is static. */
  ares_set_socket_functions(ch, &legacy_functions, (void *)ctx);
  return ARES_SUCCESS;
}

#else /* 1.34 */

/* The tap makes its sockets as it wants them: no buffer sizes, no device
 * binding, and no TCP Fast Open, which would carry c-ares' first write in
 * the SYN, before the tap could put its own bytes there. ENOSYS tells
 * c-ares the option is declined on purpose. */
static int ex_setsockopt(ares_socket_t fd, ares_socket_opt_t opt,
                         const void *val, ares_socklen_t val_size, void *arg)
{
  (void)fd;
  (void)opt;
  (void)val;
  (void)val_size;
  (void)arg;
  errno = ENOSYS;
  return -1;
}

static int ex_connect(ares_socket_t fd, const struct sockaddr *sa,
                      ares_socklen_t len, unsigned int flags, void *arg)
{
  const struct dp_cares_tap_ctx *t = arg;
  (void)flags; /* Fast Open was declined in ex_setsockopt */
  return t->fns->connect(fd, sa, (socklen_t)len, t->arg);
}

static ares_ssize_t ex_sendto(ares_socket_t fd, const void *buf, size_t len,
                              int flags, const struct sockaddr *to,
                              ares_socklen_t tolen, void *arg)
{
  const struct dp_cares_tap_ctx *t = arg;
  struct iovec iov = {(void *)buf, len};
  /* Sockets are connected; c-ares gives an address only for Fast Open. */
  (void)flags;
  (void)to;
  (void)tolen;
  return (ares_ssize_t)t->fns->sendv(fd, &iov, 1, t->arg);
}

static const struct ares_socket_functions_ex ex_functions = {
    .version = 1,
    .flags = ARES_SOCKFUNC_FLAG_NONBLOCKING,
    .asocket = adapt_socket,
    .aclose = adapt_close,
    .asetsockopt = ex_setsockopt,
    .aconnect = ex_connect,
    .arecvfrom = adapt_recvfrom,
    .asendto = ex_sendto,
};

int dp_cares_compat_set_tap(ares_channel ch, const struct dp_cares_tap_ctx *ctx)
{
  return (int)ares_set_socket_functions_ex(ch, &ex_functions, (void *)ctx);
}

#endif

/* ---- sending ----------------------------------------------------------- */

/* c-ares' callback gets this instead of the engine's arg, so that the
 * engine sees one callback form whatever the version. */
struct thunk
{
  void (*done)(void *arg, int status);
  void *arg;
};

static struct thunk *thunk_new(void (*done)(void *, int), void *arg)
{
  struct thunk *t = malloc(sizeof(*t));
  if (t != NULL)
  {
    t->done = done;
    t->arg = arg;
  }
  return t;
}

static void thunk_call(struct thunk *t, int status)
{
  void (*done)(void *, int) = t->done;
  void *arg = t->arg;
  free(t);
  done(arg, status);
}

#if ARES_VERSION < V_DNSREC

static void on_send_done(void *arg, int status, int timeouts,
                         unsigned char *abuf, int alen)
{
  (void)timeouts;
  (void)abuf;
  (void)alen;
  thunk_call(arg, status);
}

#if ARES_VERSION >= V_REWRITES
/* The stand-in: ID 0, a plain query for the root's SOA, no OPT record. */
static const unsigned char standin[] = {0, 0, 0, 0, 0, 1, 0, 0, 0,
                                        0, 0, 0, 0, 0, 6, 0, 1};
#endif

void dp_cares_compat_send(ares_channel ch, const uint8_t *msg, size_t len,
                          void (*done)(void *arg, int status), void *arg,
                          int *qid)
{
  struct thunk *t = thunk_new(done, arg);
  *qid = -1;
  if (t == NULL)
  {
    done(arg, ARES_ENOMEM);
    return;
  }
#if ARES_VERSION < V_REWRITES
  ares_send(ch, msg, (int)len, on_send_done, t);
#else
  (void)msg;
  (void)len;
  ares_send(ch, standin, (int)sizeof(standin), on_send_done, t);
#endif
}

#else /* 1.28 and later */

static void on_send_done(void *arg, ares_status_t status, size_t timeouts,
                         const ares_dns_record_t *dnsrec)
{
  (void)timeouts;
  (void)dnsrec;
  thunk_call(arg, (int)status);
}

void dp_cares_compat_send(ares_channel ch, const uint8_t *msg, size_t len,
                          void (*done)(void *arg, int status), void *arg,
                          int *qid)
{
  ares_dns_record_t *rec = NULL;
  unsigned short id = 0;
  (void)msg;
  (void)len;
  *qid = -1;
  /* The stand-in: a plain query for the root's SOA, no OPT record. */
  ares_status_t st =
      ares_dns_record_create(&rec, 0, 0, ARES_OPCODE_QUERY, ARES_RCODE_NOERROR);
  if (st == ARES_SUCCESS)
    st = ares_dns_record_query_add(rec, ".", ARES_REC_TYPE_SOA, ARES_CLASS_IN);
  struct thunk *t = st == ARES_SUCCESS ? thunk_new(done, arg) : NULL;
  if (t == NULL)
  {
    ares_dns_record_destroy(rec);
    done(arg, st == ARES_SUCCESS ? ARES_ENOMEM : (int)st);
    return;
  }
  /* On failure c-ares has called the callback already. */
  if (ares_send_dnsrec(ch, rec, on_send_done, t, &id) == ARES_SUCCESS)
    *qid = id;
  ares_dns_record_destroy(rec);
}

#endif

/* ---- servers ----------------------------------------------------------- */

#if ARES_VERSION < V_DNSREC

int dp_cares_compat_set_server(ares_channel ch, const struct sockaddr *sa)
{
  struct ares_addr_port_node srv;
  if (sa == NULL)
    return ares_set_servers_ports(ch, NULL);
  memset(&srv, 0, sizeof(srv));
  if (sa->sa_family == AF_INET)
  {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    srv.family = AF_INET;
    memcpy(&srv.addr.addr4, &in->sin_addr, sizeof(in->sin_addr));
    srv.udp_port = srv.tcp_port = ntohs(in->sin_port);
  }
  else if (sa->sa_family == AF_INET6)
  {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    srv.family = AF_INET6;
    memcpy(&srv.addr.addr6, &in6->sin6_addr, sizeof(in6->sin6_addr));
    srv.udp_port = srv.tcp_port = ntohs(in6->sin6_port);
  }
  else
    return ARES_EBADFAMILY;
  return ares_set_servers_ports(ch, &srv);
}

int dp_cares_compat_first_server(ares_channel ch, struct sockaddr_storage *ss,
                                 socklen_t *len)
{
  struct ares_addr_port_node *servers = NULL;
  int st = ares_get_servers_ports(ch, &servers);
  if (st != ARES_SUCCESS)
    return st;
  st = ARES_ENOTFOUND;
  if (servers != NULL)
  {
    uint16_t port = servers->udp_port ? (uint16_t)servers->udp_port : 53;
    memset(ss, 0, sizeof(*ss));
    if (servers->family == AF_INET)
    {
      struct sockaddr_in *in = (struct sockaddr_in *)ss;
      in->sin_family = AF_INET;
      in->sin_port = htons(port);
      memcpy(&in->sin_addr, &servers->addr.addr4, sizeof(in->sin_addr));
      *len = sizeof(*in);
      st = ARES_SUCCESS;
    }
    else if (servers->family == AF_INET6)
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(port);
      memcpy(&in6->sin6_addr, &servers->addr.addr6, sizeof(in6->sin6_addr));
      *len = sizeof(*in6);
      st = ARES_SUCCESS;
    }
  }
  ares_free_data(servers);
  return st;
}

#else /* 1.28 and later: the CSV forms */

int dp_cares_compat_set_server(ares_channel ch, const struct sockaddr *sa)
{
  char addr[INET6_ADDRSTRLEN];
  char csv[INET6_ADDRSTRLEN + 16];
  if (sa == NULL)
    return ares_set_servers_ports_csv(ch, "");
  if (sa->sa_family == AF_INET)
  {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    if (inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr)) == NULL)
      return ARES_EBADSTR;
    snprintf(csv, sizeof(csv), "%s:%u", addr, (unsigned)ntohs(in->sin_port));
  }
  else if (sa->sa_family == AF_INET6)
  {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    if (inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr)) == NULL)
      return ARES_EBADSTR;
    snprintf(csv, sizeof(csv), "[%s]:%u", addr,
             (unsigned)ntohs(in6->sin6_port));
  }
  else
    return ARES_EBADFAMILY;
  return ares_set_servers_ports_csv(ch, csv);
}

/* The first entry of ares_get_servers_csv: "ADDR:PORT", "[ADDR6]:PORT",
 * either followed by "%IFACE", or "dns://HOST:PORT?..." when the UDP and TCP
 * ports differ (never for a resolv.conf server). */
static int parse_first(const char *csv, struct sockaddr_storage *ss,
                       socklen_t *len)
{
  char host[INET6_ADDRSTRLEN + 1];
  const char *p = csv;
  const char *end;
  unsigned long port = 53;
  bool v6 = false;

  if (strncmp(p, "dns://", 6) == 0)
    p += 6;
  if (*p == '[')
  {
    p++;
    end = strchr(p, ']');
    v6 = true;
  }
  else
    end = p + strcspn(p, ":,%/?");
  if (end == NULL || end == p || (size_t)(end - p) >= sizeof(host))
    return ARES_ENOTFOUND;
  memcpy(host, p, (size_t)(end - p));
  host[end - p] = '\0';
  /* a scope ("%eth0") is inside the brackets of a URI host */
  host[strcspn(host, "%")] = '\0';
  p = end + (v6 ? 1 : 0);
  if (*p == ':')
  {
    char *after = NULL;
    errno = 0;
    port = strtoul(p + 1, &after, 10);
    if (errno != 0 || after == p + 1 || port == 0 || port > 65535)
      return ARES_ENOTFOUND;
  }

  memset(ss, 0, sizeof(*ss));
  struct sockaddr_in *in = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
  if (!v6 && inet_pton(AF_INET, host, &in->sin_addr) == 1)
  {
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    *len = sizeof(*in);
    return ARES_SUCCESS;
  }
  if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1)
  {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)port);
    *len = sizeof(*in6);
    return ARES_SUCCESS;
  }
  return ARES_ENOTFOUND;
}

int dp_cares_compat_first_server(ares_channel ch, struct sockaddr_storage *ss,
                                 socklen_t *len)
{
  char *csv = ares_get_servers_csv(ch);
  if (csv == NULL)
    return ARES_ENOMEM;
  int st = csv[0] ? parse_first(csv, ss, len) : ARES_ENOTFOUND;
  ares_free_string(csv);
  return st;
}

#endif
