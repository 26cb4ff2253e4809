/*
 * test_zone.c: unit tests of zone-wide targets (zone mode):
 * src/probes/discover.c, src/diagnose/zone.c and
 * src/report/zone_report.c.
 *
 * Discovery parsing is checked on replies built here byte by byte (RFC 1035
 * 4.1), then end to end against a fake resolver forked on 127.0.0.1 that
 * answers from the same tables (bounded: it exits after 5 s or 200 queries
 * and is stopped by PID). Zone summaries are checked on hand-built runs,
 * and the report sections on those summaries. Expectations come from the
 * issue and RFC 1982 / RFC 1912, not from the code.
 *
 * The same binary is also the integration driver until main.c offers zone
 * mode: `test_zone --drive ZONE RESOLVER-ADDR PORT` discovers ZONE through
 * the loopback resolver, runs the udp and tcp probes on every server found
 * and prints the json report with its "zone" object (see test_zone.py).
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dnsprobe/discover.h"
#include "dnsprobe/dns.h"
#include "dnsprobe/probes.h"
#include "dnsprobe/report.h"
#include "dnsprobe/zone.h"
#include "fixture.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define RECS_MAX 8

/* ---- replies built by hand ---------------------------------------------- */

/* One answer record. owner "@q" is a compression pointer to the question
 * name (offset 12). data is a name (NS, CNAME) or an address (A, AAAA);
 * rawlen > 0 writes raw[] as the RDATA instead. */
struct rec
{
  const char *owner;
  uint16_t type;
  const char *data;
  size_t rawlen;
  uint8_t raw[4];
};

struct canned
{
  const char *qname;
  uint16_t qtype;
  uint8_t rcode;
  size_t nrecs;
  struct rec recs[RECS_MAX];
};

static size_t put16(uint8_t *b, size_t off, uint16_t v)
{
  b[off] = (uint8_t)(v >> 8);
  b[off + 1] = (uint8_t)v;
  return off + 2;
}

static size_t put_name(uint8_t *b, size_t off, size_t cap, const char *name)
{
  size_t len = 0;
  ck_assert_msg(dp_wire_name_fromstr(name, b + off, cap - off, &len) == DP_OK,
                "builder: bad name %s", name);
  return off + len;
}

/* A reply to (qname, qtype) with the canned answer; returns its length. */
static size_t build_reply(uint8_t *b, size_t cap, uint16_t id,
                          const struct canned *c)
{
  size_t off = 0;

  memset(b, 0, cap);
  off = put16(b, off, id);
  off = put16(
      b, off,
      (uint16_t)(DP_FLAG_QR | DP_FLAG_RD | DP_FLAG_RA | (c->rcode & 0xf)));
  off = put16(b, off, 1);
  off = put16(b, off, (uint16_t)c->nrecs);
  off = put16(b, off, 0);
  off = put16(b, off, 0);
  off = put_name(b, off, cap, c->qname);
  off = put16(b, off, c->qtype);
  off = put16(b, off, DP_CLASS_IN);
  for (size_t i = 0; i < c->nrecs; i++)
  {
    const struct rec *r = &c->recs[i];
    if (strcmp(r->owner, "@q") == 0)
      off = put16(b, off, 0xc00c);
    else
      off = put_name(b, off, cap, r->owner);
    off = put16(b, off, r->type);
    off = put16(b, off, DP_CLASS_IN);
    off = put16(b, off, 0);
    off = put16(b, off, 300);
    size_t rdlen_at = off;
    off += 2;
    if (r->rawlen > 0)
    {
      memcpy(b + off, r->raw, r->rawlen);
      off += r->rawlen;
    }
    else if (r->type == DP_TYPE_A)
    {
      ck_assert_msg(inet_pton(AF_INET, r->data, b + off) == 1, "builder: %s",
                    r->data);
      off += 4;
    }
    else if (r->type == DP_TYPE_AAAA)
    {
      ck_assert_msg(inet_pton(AF_INET6, r->data, b + off) == 1, "builder: %s",
                    r->data);
      off += 16;
    }
    else
      off = put_name(b, off, cap, r->data);
    put16(b, rdlen_at, (uint16_t)(off - rdlen_at - 2));
  }
  return off;
}

/* ---- NS parsing ------------------------------------------------------------
 */

struct ns_case
{
  const char *name;
  const char *zone;
  struct canned reply;
  dp_status_t status;
  size_t n;
  const char *want[3];
};

static const struct ns_case ns_cases[] = {
    {"sorted, canonical, no duplicates",
     "example.test",
     {"example.test.",
      DP_TYPE_NS,
      0,
      3,
      {{"example.test.", DP_TYPE_NS, "NS2.Example.TEST.", 0, {0}},
       {"example.test.", DP_TYPE_NS, "ns1.example.test.", 0, {0}},
       {"EXAMPLE.test.", DP_TYPE_NS, "ns1.example.test", 0, {0}}}},
     DP_OK,
     2,
     {"ns1.example.test.", "ns2.example.test."}},
    {"compressed owner",
     "lame.test.",
     {"lame.test.",
      DP_TYPE_NS,
      0,
      1,
      {{"@q", DP_TYPE_NS, "a.ns.test.", 0, {0}}}},
     DP_OK,
     1,
     {"a.ns.test."}},
    {"NS of another owner ignored",
     "example.test",
     {"example.test.",
      DP_TYPE_NS,
      0,
      1,
      {{"sub.example.test.", DP_TYPE_NS, "ns.sub.example.test.", 0, {0}}}},
     DP_ENOTFOUND,
     0,
     {NULL}},
    {"NXDOMAIN",
     "nothing.test",
     {"nothing.test.", DP_TYPE_NS, DP_RCODE_NXDOMAIN, 0, {{0}}},
     DP_ENOTFOUND,
     0,
     {NULL}},
    {"NS RDATA runs past the message",
     "example.test",
     {"example.test.",
      DP_TYPE_NS,
      0,
      1,
      {{"example.test.", DP_TYPE_NS, NULL, 2, {0x05, 'a'}}}},
     DP_EMALFORMED,
     0,
     {NULL}},
};

START_TEST(test_ns_parse)
{
  const struct ns_case *c = &ns_cases[_i];
  uint8_t buf[1024];
  struct dp_wire_msg msg;
  char names[DP_DISCOVER_NS_MAX][DP_WIRE_NAME_STRLEN];
  size_t n = 99;

  size_t len = build_reply(buf, sizeof(buf), 0x1234, &c->reply);
  ck_assert_msg(dp_wire_msg_parse(buf, len, &msg) == DP_OK, "%s: header",
                c->name);
  dp_status_t st =
      dp_probe_discover_ns_parse(&msg, c->zone, names, NELEM(names), &n);
  ck_assert_msg(st == c->status, "%s: status %s, want %s", c->name,
                dp_strerror(st), dp_strerror(c->status));
  ck_assert_msg(n == c->n, "%s: %zu names, want %zu", c->name, n, c->n);
  for (size_t i = 0; i < c->n; i++)
    ck_assert_msg(strcmp(names[i], c->want[i]) == 0, "%s: name %zu %s, want %s",
                  c->name, i, names[i], c->want[i]);
}
END_TEST

/* ---- address parsing -----------------------------------------------------
 */

struct addr_case
{
  const char *name;
  const char *ns;
  uint16_t port;
  struct canned reply;
  dp_status_t status;
  size_t n;
  const char *want[3]; /* "ADDR PORT" */
};

static const struct addr_case addr_cases[] = {
    {"two A records, default port",
     "ns1.example.test",
     0,
     {"ns1.example.test.",
      DP_TYPE_A,
      0,
      2,
      {{"ns1.example.test.", DP_TYPE_A, "127.0.0.61", 0, {0}},
       {"@q", DP_TYPE_A, "127.0.0.62", 0, {0}}}},
     DP_OK,
     2,
     {"127.0.0.61 53", "127.0.0.62 53"}},
    {"AAAA with a port",
     "ns1.example.test.",
     5300,
     {"ns1.example.test.",
      DP_TYPE_AAAA,
      0,
      1,
      {{"NS1.example.test.", DP_TYPE_AAAA, "::1", 0, {0}}}},
     DP_OK,
     1,
     {"::1 5300"}},
    {"CNAME chain followed",
     "ns2.example.test.",
     0,
     {"ns2.example.test.",
      DP_TYPE_A,
      0,
      3,
      {{"ns2.example.test.", DP_TYPE_CNAME, "h2.example.test.", 0, {0}},
       {"h2.example.test.", DP_TYPE_CNAME, "h3.example.test.", 0, {0}},
       {"h3.example.test.", DP_TYPE_A, "127.0.0.63", 0, {0}}}},
     DP_OK,
     1,
     {"127.0.0.63 53"}},
    {"other owner and duplicate ignored",
     "ns1.example.test.",
     0,
     {"ns1.example.test.",
      DP_TYPE_A,
      0,
      3,
      {{"other.example.test.", DP_TYPE_A, "127.0.0.99", 0, {0}},
       {"ns1.example.test.", DP_TYPE_A, "127.0.0.61", 0, {0}},
       {"ns1.example.test.", DP_TYPE_A, "127.0.0.61", 0, {0}}}},
     DP_OK,
     1,
     {"127.0.0.61 53"}},
    {"A of 3 bytes",
     "ns1.example.test.",
     0,
     {"ns1.example.test.",
      DP_TYPE_A,
      0,
      1,
      {{"ns1.example.test.", DP_TYPE_A, NULL, 3, {127, 0, 0}}}},
     DP_EMALFORMED,
     0,
     {NULL}},
    {"SERVFAIL adds nothing",
     "ns1.example.test.",
     0,
     {"ns1.example.test.", DP_TYPE_A, DP_RCODE_SERVFAIL, 0, {{0}}},
     DP_OK,
     0,
     {NULL}},
};

static void addr_tostr(const struct dp_discovered *d, char *buf, size_t cap)
{
  char a[INET6_ADDRSTRLEN] = "?";
  unsigned port = 0;

  if (d->addr.ss_family == AF_INET)
  {
    const struct sockaddr_in *s = (const struct sockaddr_in *)&d->addr;
    inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
    port = ntohs(s->sin_port);
  }
  else if (d->addr.ss_family == AF_INET6)
  {
    const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)&d->addr;
    inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
    port = ntohs(s->sin6_port);
  }
  snprintf(buf, cap, "%s %u", a, port);
}

START_TEST(test_addr_parse)
{
  const struct addr_case *c = &addr_cases[_i];
  uint8_t buf[1024];
  struct dp_wire_msg msg;
  struct dp_discovered out[4];
  size_t n = 0;

  size_t len = build_reply(buf, sizeof(buf), 0x4321, &c->reply);
  ck_assert_msg(dp_wire_msg_parse(buf, len, &msg) == DP_OK, "%s: header",
                c->name);
  dp_status_t st = dp_probe_discover_addr_parse(&msg, c->ns, c->reply.qtype,
                                                c->port, out, NELEM(out), &n);
  ck_assert_msg(st == c->status, "%s: status %s, want %s", c->name,
                dp_strerror(st), dp_strerror(c->status));
  ck_assert_msg(n == c->n, "%s: %zu addresses, want %zu", c->name, n, c->n);
  for (size_t i = 0; i < c->n; i++)
  {
    char got[64], ns[DP_WIRE_NAME_STRLEN];
    addr_tostr(&out[i], got, sizeof(got));
    ck_assert_msg(strcmp(got, c->want[i]) == 0, "%s: address %zu %s, want %s",
                  c->name, i, got, c->want[i]);
    ck_assert(dp_wire_name_canon(c->ns, ns, sizeof(ns)) == DP_OK);
    ck_assert_msg(strcmp(out[i].ns, ns) == 0, "%s: ns %s, want %s", c->name,
                  out[i].ns, ns);
  }
}
END_TEST

/* ---- discovery through a fake resolver ----------------------------------
 */

static const struct canned resolver_data[] = {
    {"example.test.",
     DP_TYPE_NS,
     0,
     3,
     {{"example.test.", DP_TYPE_NS, "ns2.example.test.", 0, {0}},
      {"example.test.", DP_TYPE_NS, "ns1.example.test.", 0, {0}},
      {"example.test.", DP_TYPE_NS, "ns3.example.test.", 0, {0}}}},
    {"ns1.example.test.",
     DP_TYPE_A,
     0,
     1,
     {{"ns1.example.test.", DP_TYPE_A, "127.0.0.61", 0, {0}}}},
    {"ns1.example.test.",
     DP_TYPE_AAAA,
     0,
     1,
     {{"ns1.example.test.", DP_TYPE_AAAA, "::1", 0, {0}}}},
    {"ns2.example.test.",
     DP_TYPE_A,
     0,
     2,
     {{"ns2.example.test.", DP_TYPE_CNAME, "h2.example.test.", 0, {0}},
      {"h2.example.test.", DP_TYPE_A, "127.0.0.62", 0, {0}}}},
    {"ns2.example.test.", DP_TYPE_AAAA, 0, 0, {{0}}},
    {"ns3.example.test.", DP_TYPE_A, DP_RCODE_NXDOMAIN, 0, {{0}}},
    {"ns3.example.test.", DP_TYPE_AAAA, DP_RCODE_NXDOMAIN, 0, {{0}}},
    {"noaddr.test.",
     DP_TYPE_NS,
     0,
     1,
     {{"noaddr.test.", DP_TYPE_NS, "ns.noaddr.test.", 0, {0}}}},
    {"ns.noaddr.test.", DP_TYPE_A, 0, 0, {{0}}},
    {"ns.noaddr.test.", DP_TYPE_AAAA, 0, 0, {{0}}},
    {"nothing.test.", DP_TYPE_NS, DP_RCODE_NXDOMAIN, 0, {{0}}},
    /* a resolver slow on its first answer: the first query of each name
     * gets no reply (see fake_resolver), the second is answered */
    {"slow.test.",
     DP_TYPE_NS,
     0,
     1,
     {{"slow.test.", DP_TYPE_NS, "ns.slow.test.", 0, {0}}}},
    {"ns.slow.test.",
     DP_TYPE_A,
     0,
     1,
     {{"ns.slow.test.", DP_TYPE_A, "127.0.0.64", 0, {0}}}},
    {"ns.slow.test.", DP_TYPE_AAAA, 0, 0, {{0}}},
    /* the parent walk: child.parent.test. has no NS set of its own,
     * parent.test. has one; b. and the root have none */
    {"child.parent.test.", DP_TYPE_NS, 0, 0, {{0}}},
    {"parent.test.",
     DP_TYPE_NS,
     0,
     1,
     {{"parent.test.", DP_TYPE_NS, "ns.parent.test.", 0, {0}}}},
    {"gone.test.", DP_TYPE_NS, DP_RCODE_NXDOMAIN, 0, {{0}}},
    {"b.", DP_TYPE_NS, DP_RCODE_NXDOMAIN, 0, {{0}}},
    {".", DP_TYPE_NS, 0, 0, {{0}}},
    /* a name server's name that is an alias */
    {"alias.test.",
     DP_TYPE_A,
     0,
     2,
     {{"@q", DP_TYPE_CNAME, "target.test.", 0, {0}},
      {"target.test.", DP_TYPE_A, "127.0.0.65", 0, {0}}}},
    {"alias.test.",
     DP_TYPE_AAAA,
     0,
     1,
     {{"@q", DP_TYPE_CNAME, "target.test.", 0, {0}}}},
};

/* Whether the fake resolver has seen a query for name and type before
 * (the first of each name under slow.test. gets no reply). */
static bool seen_before(const char *canon, uint16_t qtype)
{
  static char seen[16][DP_WIRE_NAME_STRLEN];
  static uint16_t types[16];
  static size_t n;
  for (size_t i = 0; i < n; i++)
    if (types[i] == qtype && strcmp(seen[i], canon) == 0)
      return true;
  if (n < 16)
  {
    snprintf(seen[n], sizeof(seen[n]), "%s", canon);
    types[n++] = qtype;
  }
  return false;
}

/* The fake resolver: answers from resolver_data, REFUSED to anything else.
 * Bounded: 200 queries or 5 s, whichever comes first. */
static void fake_resolver(int fd)
{
  time_t end = time(NULL) + 5;

  for (int served = 0; served < 200 && time(NULL) < end;)
  {
    struct pollfd p = {fd, POLLIN, 0};
    uint8_t q[512], r[1024];
    struct sockaddr_storage from;
    socklen_t flen = sizeof(from);
    struct dp_wire_msg msg;
    uint8_t wire[DP_DNS_NAME_MAX + 1];
    char name[DP_WIRE_NAME_STRLEN], canon[DP_WIRE_NAME_STRLEN];
    size_t wlen = 0;

    if (poll(&p, 1, 100) != 1)
      continue;
    ssize_t len =
        recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
    if (len <= 0 || dp_wire_msg_parse(q, (size_t)len, &msg) != DP_OK ||
        !msg.has_question ||
        dp_wire_name_read(q, (size_t)len, msg.qname_off, wire, sizeof(wire),
                          &wlen, NULL) != DP_OK ||
        dp_wire_name_tostr(wire, wlen, name, sizeof(name)) != DP_OK ||
        dp_wire_name_canon(name, canon, sizeof(canon)) != DP_OK)
      continue;
    served++;
    size_t cl = strlen(canon);
    if (cl >= 10 && strcmp(canon + cl - 10, "slow.test.") == 0 &&
        !seen_before(canon, msg.qtype))
      continue;
    struct canned refused = {canon, msg.qtype, DP_RCODE_REFUSED, 0, {{0}}};
    const struct canned *c = &refused;
    for (size_t i = 0; i < NELEM(resolver_data); i++)
      if (strcmp(resolver_data[i].qname, canon) == 0 &&
          resolver_data[i].qtype == msg.qtype)
        c = &resolver_data[i];
    size_t rlen = build_reply(r, sizeof(r), msg.id, c);
    sendto(fd, r, rlen, 0, (struct sockaddr *)&from, flen);
  }
}

struct discover_case
{
  const char *name;
  const char *zone;
  int family;
  dp_status_t status;
  size_t n;
  const char *want[4]; /* "NS ADDR PORT" */
  const char *missed;  /* "NS (why)" of the names without address, or "" */
};

static const struct discover_case discover_cases[] = {
    {"both families",
     "example.test",
     AF_UNSPEC,
     DP_OK,
     3,
     {"ns1.example.test. 127.0.0.61 53", "ns1.example.test. ::1 53",
      "ns2.example.test. 127.0.0.62 53"},
     "ns3.example.test. (NXDOMAIN)"},
    {"IPv4 only",
     "Example.Test.",
     AF_INET,
     DP_OK,
     2,
     {"ns1.example.test. 127.0.0.61 53", "ns2.example.test. 127.0.0.62 53"},
     "ns3.example.test. (NXDOMAIN)"},
    {"IPv6 only",
     "example.test",
     AF_INET6,
     DP_OK,
     1,
     {"ns1.example.test. ::1 53"},
     "ns2.example.test. (no address records) ns3.example.test. (NXDOMAIN)"},
    {"NS without address",
     "noaddr.test",
     AF_UNSPEC,
     DP_ENOTFOUND,
     0,
     {NULL},
     "ns.noaddr.test. (no address records)"},
    {"no NS set", "nothing.test", AF_UNSPEC, DP_ENOTFOUND, 0, {NULL}, ""},
    {"refused", "unknown.test", AF_UNSPEC, DP_ENOTFOUND, 0, {NULL}, ""},
    {"slow resolver: asked again",
     "slow.test",
     AF_INET,
     DP_OK,
     1,
     {"ns.slow.test. 127.0.0.64 53"},
     ""},
};

START_TEST(test_discover)
{
  const struct discover_case *c = &discover_cases[_i];
  struct sockaddr_in sin;
  socklen_t slen = sizeof(sin);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);

  ck_assert_msg(fd >= 0, "%s: socket", c->name);
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_msg(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
                    getsockname(fd, (struct sockaddr *)&sin, &slen) == 0,
                "%s: bind", c->name);
  pid_t pid = fork();
  ck_assert_msg(pid >= 0, "%s: fork", c->name);
  if (pid == 0)
  {
    fake_resolver(fd);
    _exit(0);
  }
  close(fd);

  struct dp_discovered *out = NULL;
  struct dp_discover_miss missed[DP_DISCOVER_NS_MAX];
  size_t n = 0, nmissed = 0;
  char err[512];
  dp_status_t st = dp_probe_discover(c->zone, (struct sockaddr *)&sin,
                                     sizeof(sin), c->family, 0, 300, &out, &n,
                                     missed, &nmissed, err, sizeof(err));
  kill(pid,
       SIGKILL); /* SIGKILL: Check's SIGTERM handler would kill the group */
  waitpid(pid, NULL, 0);

  ck_assert_msg(st == c->status, "%s: status %s (%s), want %s", c->name,
                dp_strerror(st), err, dp_strerror(c->status));
  ck_assert_msg(n == c->n, "%s: %zu servers, want %zu (%s)", c->name, n, c->n,
                err);
  for (size_t i = 0; i < c->n; i++)
  {
    char a[64], got[DP_WIRE_NAME_STRLEN + 64];
    addr_tostr(&out[i], a, sizeof(a));
    snprintf(got, sizeof(got), "%s %s", out[i].ns, a);
    ck_assert_msg(strcmp(got, c->want[i]) == 0, "%s: server %zu %s, want %s",
                  c->name, i, got, c->want[i]);
  }
  if (c->status != DP_OK)
    ck_assert_msg(out == NULL && err[0] != '\0',
                  "%s: failure without a reason or with servers", c->name);
  char got_missed[512] = "";
  for (size_t i = 0; i < nmissed && i < 4; i++)
  {
    char one[DP_WIRE_NAME_STRLEN + 64];
    snprintf(one, sizeof(one), "%s%.*s (%s)", i > 0 ? " " : "", 80,
             missed[i].ns, missed[i].why);
    strncat(got_missed, one, sizeof(got_missed) - strlen(got_missed) - 1);
  }
  ck_assert_msg(strcmp(got_missed, c->missed) == 0,
                "%s: missed '%s', want '%s'", c->name, got_missed, c->missed);
  free(out);
}
END_TEST

/* A fake resolver on 127.0.0.1 for one test, stopped by its PID. */
static pid_t fake_start(struct sockaddr_in *sin)
{
  socklen_t slen = sizeof(*sin);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ck_assert_msg(fd >= 0, "socket");
  memset(sin, 0, sizeof(*sin));
  sin->sin_family = AF_INET;
  sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_msg(bind(fd, (struct sockaddr *)sin, sizeof(*sin)) == 0 &&
                    getsockname(fd, (struct sockaddr *)sin, &slen) == 0,
                "bind");
  pid_t pid = fork();
  ck_assert_msg(pid >= 0, "fork");
  if (pid == 0)
  {
    fake_resolver(fd);
    _exit(0);
  }
  close(fd);
  return pid;
}

static void fake_stop(pid_t pid)
{
  kill(pid, SIGKILL); /* SIGKILL: Check's SIGTERM handler kills the group */
  waitpid(pid, NULL, 0);
}

struct parent_case
{
  const char *name;
  const char *zone;
  dp_status_t status;
  const char *parent; /* or the words why says */
};

static const struct parent_case parent_cases[] = {
    {"up one label", "child.parent.test.", DP_OK, "parent.test."},
    {"up two labels, past one without NS", "deep.child.parent.test", DP_OK,
     "parent.test."},
    {"past NXDOMAIN", "x.gone.test.", DP_ENOTFOUND, "test.: REFUSED"},
    {"no parent has an NS set", "a.b.", DP_ENOTFOUND, "no parent of a.b."},
    {"the root has none", ".", DP_EINVAL, "the root zone has no parent"},
    {"a bad name", "a..b", DP_ENAMEEMPTY, ""},
};

START_TEST(test_discover_parent)
{
  const struct parent_case *c = &parent_cases[_i];
  struct sockaddr_in sin;
  char parent[DP_WIRE_NAME_STRLEN], why[256];
  pid_t pid = fake_start(&sin);
  dp_status_t st =
      dp_probe_discover_parent(c->zone, (struct sockaddr *)&sin, sizeof(sin),
                               300, parent, sizeof(parent), why, sizeof(why));
  fake_stop(pid);
  ck_assert_msg(st == c->status, "%s: %s (%s), want %s", c->name,
                dp_strerror(st), why, dp_strerror(c->status));
  if (st == DP_OK)
    ck_assert_msg(strcmp(parent, c->parent) == 0, "%s: parent %s", c->name,
                  parent);
  else
    ck_assert_msg(parent[0] == '\0' && strstr(why, c->parent) != NULL,
                  "%s: why '%s'", c->name, why);
}
END_TEST

/* One name's addresses, and whether it is an alias. */
START_TEST(test_discover_host)
{
  struct sockaddr_in sin;
  struct dp_discovered out[4];
  size_t n = 0;
  bool cname = false;
  char why[64];
  pid_t pid = fake_start(&sin);
  dp_status_t st = dp_probe_discover_host("alias.test", (struct sockaddr *)&sin,
                                          sizeof(sin), AF_UNSPEC, 0, 300, out,
                                          4, &n, &cname, why, sizeof(why));
  dp_status_t st2 = dp_probe_discover_host(
      "ns3.example.test", (struct sockaddr *)&sin, sizeof(sin), AF_INET, 0, 300,
      out, 4, &n, NULL, why, sizeof(why));
  fake_stop(pid);
  ck_assert_msg(st == DP_OK && n == 1 && cname && out[0].cname,
                "alias: %s, %zu addresses, cname %d", dp_strerror(st), n,
                cname);
  char a[64];
  addr_tostr(&out[0], a, sizeof(a));
  ck_assert_msg(strcmp(a, "127.0.0.65 53") == 0 &&
                    strcmp(out[0].ns, "alias.test.") == 0,
                "alias: %s %s", out[0].ns, a);
  ck_assert_msg(st2 == DP_OK && n == 1 && strcmp(why, "NXDOMAIN") == 0,
                "no address: %s, %zu, why %s", dp_strerror(st2), n, why);
}
END_TEST

START_TEST(test_discover_no_resolver)
{
  struct dp_discovered *out = (struct dp_discovered *)&out;
  size_t n = 7;
  char err[128];

  dp_status_t st = dp_probe_discover("example.test", NULL, 0, AF_UNSPEC, 0, 100,
                                     &out, &n, NULL, NULL, err, sizeof(err));
  ck_assert_msg(st == DP_EINVAL && out == NULL && n == 0 && err[0] != '\0',
                "no resolver: status %s, n %zu", dp_strerror(st), n);
}
END_TEST

/* ---- zone summaries from hand-built runs --------------------------------
 */

struct srv
{
  const char *ns;
  dp_outcome_t outcome;
  uint16_t rcode;
  bool aa;
  bool soa;
  uint32_t serial;
};

struct zone_case
{
  const char *name;
  size_t n;
  struct srv s[4];
  bool agree;
  bool has_serial;
  uint32_t serial;
  size_t nlame;
  size_t nunanswered;
  dp_severity_t severity;
  const char *reasons[4];
  const char *text; /* a line the text section must hold */
};

#define OK_SRV(ns, serial)                                                     \
  {                                                                            \
    ns, DP_OUTCOME_ANSWER, DP_RCODE_NOERROR, true, true, serial                \
  }

static const struct zone_case zone_cases[] = {
    {"three agree",
     3,
     {OK_SRV("ns1.example.test.", 2024010101),
      OK_SRV("ns2.example.test.", 2024010101),
      OK_SRV("ns3.example.test.", 2024010101)},
     true,
     true,
     2024010101,
     0,
     0,
     DP_SEVERITY_OK,
     {"ok", "ok", "ok"},
     "serials agree: 2024010101 on 3 of 3 servers\n"},
    {"lame-peer ahead",
     2,
     {OK_SRV("ns1.example.test.", 2024010101),
      OK_SRV("ns2.example.test.", 2024010102)},
     false,
     true,
     2024010102,
     0,
     0,
     DP_SEVERITY_WARNING,
     {"ok", "ok"},
     "serials disagree: 2024010101 on 1 of 2 servers, 2024010102 on 1 of 2 "
     "servers (newest)\n"},
    {"lame REFUSED",
     2,
     {{"ns1.lame.test.", DP_OUTCOME_ANSWER, DP_RCODE_REFUSED, false, false, 0},
      OK_SRV("ns2.lame.test.", 2024010101)},
     true,
     true,
     2024010101,
     1,
     0,
     DP_SEVERITY_CRITICAL,
     {"refused", "ok"},
     "lame: ns1.lame.test. (127.0.0.61, refused)\n"},
    {"SOA without AA is lame, serial not counted",
     2,
     {{"ns1.example.test.", DP_OUTCOME_ANSWER, DP_RCODE_NOERROR, false, true,
       1},
      OK_SRV("ns2.example.test.", 7)},
     true,
     true,
     7,
     1,
     0,
     DP_SEVERITY_CRITICAL,
     {"not-aa", "ok"},
     "serials agree: 7 on 1 of 2 servers\n"},
    {"silent server",
     2,
     {OK_SRV("ns1.example.test.", 5),
      {"ns2.example.test.", DP_OUTCOME_TIMEOUT, 0, false, false, 0}},
     true,
     true,
     5,
     0,
     1,
     DP_SEVERITY_CRITICAL,
     {"ok", "no-answer"},
     "no answer: ns2.example.test. (127.0.0.62, no-answer)\n"},
    {"serial wrap (RFC 1982)",
     2,
     {OK_SRV("ns1.example.test.", 4294967295u), OK_SRV("ns2.example.test.", 1)},
     false,
     true,
     1,
     0,
     0,
     DP_SEVERITY_WARNING,
     {"ok", "ok"},
     "4294967295 on 1 of 2 servers, 1 on 1 of 2 servers (newest)\n"},
    {"NOTAUTH and SERVFAIL",
     2,
     {{"a.", DP_OUTCOME_ANSWER, DP_RCODE_NOTAUTH, false, false, 0},
      {"b.", DP_OUTCOME_ANSWER, DP_RCODE_SERVFAIL, false, false, 0}},
     false,
     false,
     0,
     2,
     0,
     DP_SEVERITY_CRITICAL,
     {"notauth", "servfail"},
     "no serial: no server answered the SOA of example.test. "
     "authoritatively\n"},
    {"no servers",
     0,
     {{0}},
     false,
     false,
     0,
     0,
     0,
     DP_SEVERITY_CRITICAL,
     {NULL},
     "serial"},
};

static void build_run(const struct zone_case *c, struct dp_run *run)
{
  fx_run_init(run);
  for (size_t i = 0; i < c->n; i++)
  {
    const struct srv *s = &c->s[i];
    char address[32];
    snprintf(address, sizeof(address), "127.0.0.%zu", 61 + i);
    struct dp_target_result *t = fx_target(run, s->ns, address, 53, FX_ZONE);
    struct dp_probe_result *p = fx_probe(t, DP_PROBE_UDP);

    if (s->outcome != DP_OUTCOME_ANSWER)
    {
      fx_outcome(p, s->outcome);
      continue;
    }
    fx_answer(p, s->rcode, s->aa ? DP_FLAG_AA : 0);
    p->rtt_ms = 1.0;
    if (s->soa)
      fx_soa(p, s->serial);
  }
}

START_TEST(test_zone_summary)
{
  const struct zone_case *c = &zone_cases[_i];
  struct dp_run run;
  struct dp_zone_summary *z = calloc(1, sizeof(*z));

  build_run(c, &run);
  dp_status_t st = dp_diagnose_zone(&run, "Example.Test", "127.0.0.60:53", z);
  ck_assert_msg(st == DP_OK, "%s: status %s", c->name, dp_strerror(st));
  ck_assert_msg(strcmp(z->name, "example.test.") == 0, "%s: name %s", c->name,
                z->name);
  ck_assert_msg(z->nservers == c->n, "%s: %zu servers", c->name, z->nservers);
  ck_assert_msg(z->serials_agree == c->agree, "%s: agree %d", c->name,
                z->serials_agree);
  ck_assert_msg((z->nserial > 0) == c->has_serial, "%s: %zu serials", c->name,
                z->nserial);
  if (c->has_serial)
    ck_assert_msg(z->serial == c->serial, "%s: serial %lu, want %lu", c->name,
                  (unsigned long)z->serial, (unsigned long)c->serial);
  ck_assert_msg(z->nlame == c->nlame, "%s: %zu lame, want %zu", c->name,
                z->nlame, c->nlame);
  ck_assert_msg(z->nunanswered == c->nunanswered, "%s: %zu unanswered", c->name,
                z->nunanswered);
  ck_assert_msg(z->severity == c->severity, "%s: severity %s, want %s", c->name,
                dp_severity_tostr(z->severity), dp_severity_tostr(c->severity));
  for (size_t i = 0; i < c->n; i++)
  {
    ck_assert_msg(strcmp(z->servers[i].reason, c->reasons[i]) == 0,
                  "%s: server %zu reason %s, want %s", c->name, i,
                  z->servers[i].reason, c->reasons[i]);
    ck_assert_msg(strcmp(z->servers[i].ns, c->s[i].ns) == 0,
                  "%s: server %zu ns %s", c->name, i, z->servers[i].ns);
    ck_assert_msg(z->servers[i].lame ==
                      (strcmp(c->reasons[i], "ok") != 0 &&
                       strcmp(c->reasons[i], "no-answer") != 0),
                  "%s: server %zu lame flag", c->name, i);
  }

  /* The text section holds the verdict line; the json one the members.
   * A run without targets shows the zone section alone. */
  struct dp_run empty;
  fx_run_init(&empty);
  char *text = NULL;
  size_t tlen = 0;
  FILE *fp = open_memstream(&text, &tlen);
  struct dp_report_options opt = {.width = 80, .version = "test"};
  ck_assert_msg(dp_report_write(fp, DP_FORMAT_TEXT, &empty, z, &opt) == DP_OK,
                "%s: text", c->name);
  fclose(fp);
  ck_assert_msg(strstr(text, c->text) != NULL, "%s: text lacks \"%s\":\n%s",
                c->name, c->text, text);

  char *json = NULL;
  size_t jlen = 0;
  fp = open_memstream(&json, &jlen);
  ck_assert_msg(dp_report_write(fp, DP_FORMAT_JSON, &empty, z, &opt) == DP_OK,
                "%s: json", c->name);
  fclose(fp);
  char want[64];
  snprintf(want, sizeof(want), "\"serials_agree\": %s",
           c->agree ? "true" : "false");
  ck_assert_msg(strstr(json, want) != NULL, "%s: json lacks %s: %s", c->name,
                want, json);
  size_t lame_seen = 0;
  for (const char *q = json; (q = strstr(q, "\"lame\": true")) != NULL; q++)
    lame_seen++;
  ck_assert_msg(lame_seen == c->nlame, "%s: json has %zu lame servers: %s",
                c->name, lame_seen, json);
  free(text);
  free(json);
  free(z);
  dp_run_clear(&run);
}
END_TEST

/* An NS name without an address (discovery could not resolve it) is a row
 * of its own, names why, and makes the zone critical; with no server
 * probed at all the report still names what was found. */
START_TEST(test_zone_unresolved)
{
  struct dp_run run;
  struct dp_zone_summary *z = calloc(1, sizeof(*z));
  fx_run_init(&run);
  ck_assert_int_eq(dp_diagnose_zone(&run, "example.test", "127.0.0.60:53", z),
                   DP_OK);
  ck_assert_int_eq(
      dp_diagnose_zone_unresolved(z, "ns2.example.test.", "NXDOMAIN"), DP_OK);
  ck_assert_msg(z->nservers == 1 && z->nunresolved == 1 &&
                    z->servers[0].unresolved &&
                    strcmp(z->servers[0].reason, "unresolved") == 0,
                "unresolved: the row");
  ck_assert_msg(z->severity == DP_SEVERITY_CRITICAL &&
                    z->status == DP_HEALTH_CRITICAL,
                "unresolved: critical");

  char *text = NULL, *json = NULL;
  size_t tlen = 0, jlen = 0;
  struct dp_report_options opt = {.width = 80, .version = "test"};
  FILE *fp = open_memstream(&text, &tlen);
  ck_assert(dp_report_write(fp, DP_FORMAT_TEXT, &run, z, &opt) == DP_OK);
  fclose(fp);
  ck_assert_msg(strstr(text, "unresolved: ns2.example.test. (no address: "
                             "NXDOMAIN)") != NULL,
                "unresolved: text lacks the line:\n%s", text);
  fp = open_memstream(&json, &jlen);
  ck_assert(dp_report_write(fp, DP_FORMAT_JSON, &run, z, &opt) == DP_OK);
  fclose(fp);
  ck_assert_msg(strstr(json, "\"address\": null") != NULL &&
                    strstr(json, "\"why\": \"NXDOMAIN\"") != NULL &&
                    strstr(json, "\"unresolved\": 1") != NULL,
                "unresolved: json lacks the row: %s", json);
  free(text);
  free(json);
  for (size_t i = 0; i < DP_ZONE_SERVERS_MAX - 1; i++)
    ck_assert_int_eq(dp_diagnose_zone_unresolved(z, "ns.example.test.", "x"),
                     DP_OK);
  ck_assert_int_eq(dp_diagnose_zone_unresolved(z, "ns.example.test.", "x"),
                   DP_ERANGE);
  free(z);
  dp_run_clear(&run);
}
END_TEST

/* The json and text reports carry the zone only when handed one. */
START_TEST(test_report_hook)
{
  static const struct
  {
    const char *name;
    bool attach;
    dp_format_t format;
    const char *needle;
  } cases[] = {
      {"json attached", true, DP_FORMAT_JSON, "\"zone\": {"},
      {"json detached", false, DP_FORMAT_JSON, "\"zone\": {"},
      {"text attached", true, DP_FORMAT_TEXT, "serials disagree: "},
      {"text detached", false, DP_FORMAT_TEXT, "serials disagree: "},
  };
  const struct zone_case *c = &zone_cases[1];
  struct dp_run run;
  struct dp_zone_summary *z = calloc(1, sizeof(*z));

  for (size_t k = 0; k < NELEM(cases); k++)
  {
    build_run(c, &run);
    ck_assert(dp_diagnose_zone(&run, "example.test", "127.0.0.60:53", z) ==
              DP_OK);
    char *out = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&out, &len);
    struct dp_report_options opt = {.width = 80, .version = "test"};
    ck_assert_msg(dp_report_write(fp, cases[k].format, &run,
                                  cases[k].attach ? z : NULL, &opt) == DP_OK,
                  "%s: write", cases[k].name);
    fclose(fp);
    bool found = strstr(out, cases[k].needle) != NULL;
    ck_assert_msg(found == cases[k].attach, "%s: \"%s\" %s:\n%s", cases[k].name,
                  cases[k].needle, found ? "present" : "missing", out);
    free(out);
    dp_run_clear(&run);
  }
  free(z);
}
END_TEST

static Suite *zone_suite(void)
{
  Suite *s = suite_create("zone");
  TCase *tc = tcase_create("discover");
  tcase_set_timeout(tc, 20);
  tcase_add_loop_test(tc, test_ns_parse, 0, NELEM(ns_cases));
  tcase_add_loop_test(tc, test_addr_parse, 0, NELEM(addr_cases));
  tcase_add_loop_test(tc, test_discover, 0, NELEM(discover_cases));
  tcase_add_test(tc, test_discover_no_resolver);
  tcase_add_loop_test(tc, test_discover_parent, 0, NELEM(parent_cases));
  tcase_add_test(tc, test_discover_host);
  tcase_add_test(tc, test_zone_unresolved);
  suite_add_tcase(s, tc);
  tc = tcase_create("summary");
  tcase_add_loop_test(tc, test_zone_summary, 0, NELEM(zone_cases));
  tcase_add_test(tc, test_report_hook);
  suite_add_tcase(s, tc);
  return s;
}

/* ---- integration driver ------------------------------------------------- */

/* test_zone --drive ZONE ADDR PORT: see the file comment. Loopback only. */
static int drive(const char *zone, const char *addr, const char *port_text)
{
  struct sockaddr_in sin;
  char canon[DP_WIRE_NAME_STRLEN], err[1024], resolver[80];
  struct dp_discovered *d = NULL;
  size_t n = 0;
  struct dp_run run;
  int rc = 2;

  memset(&sin, 0, sizeof(sin));
  memset(&run, 0, sizeof(run));
  sin.sin_family = AF_INET;
  sin.sin_port = htons((uint16_t)atoi(port_text));
  if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1 ||
      (ntohl(sin.sin_addr.s_addr) >> 24) != 127 ||
      dp_wire_name_canon(zone, canon, sizeof(canon)) != DP_OK)
  {
    fprintf(stderr, "drive: need a zone and a 127.0.0.0/8 resolver\n");
    return 2;
  }
  snprintf(resolver, sizeof(resolver), "%s:%s", addr, port_text);
  dp_status_t st =
      dp_probe_discover(canon, (struct sockaddr *)&sin, sizeof(sin), AF_INET, 0,
                        2000, &d, &n, NULL, NULL, err, sizeof(err));
  if (err[0] != '\0')
    fprintf(stderr, "drive: %s\n", err);
  if (st != DP_OK)
  {
    fprintf(stderr, "drive: discovery: %s\n", dp_strerror(st));
    return 2;
  }
  struct dp_probe_target *t = calloc(n, sizeof(*t));
  struct dp_zone_summary *z = calloc(1, sizeof(*z));
  struct dp_probe_run_options opt;
  const char *bad = NULL;
  memset(&opt, 0, sizeof(opt));
  if (t == NULL || z == NULL ||
      dp_probe_select("udp,tcp", NULL, &opt.probes, &bad) != DP_OK)
    goto done;
  opt.timeout_ms = 2000;
  for (size_t i = 0; i < n; i++)
  {
    const struct sockaddr_in *a = (const struct sockaddr_in *)&d[i].addr;
    /* Network safety: only loopback servers are probed. */
    if (d[i].addr.ss_family != AF_INET ||
        (ntohl(a->sin_addr.s_addr) >> 24) != 127)
    {
      fprintf(stderr, "drive: %s is not on loopback\n", d[i].ns);
      goto done;
    }
    t[i].given = d[i].ns;
    t[i].addr = d[i].addr;
    t[i].addrlen = d[i].addrlen;
    t[i].zone = canon;
    t[i].zone_given = true;
    t[i].recursion_name = canon;
  }
  if (dp_probe_run(t, n, &opt, &run) != DP_OK ||
      dp_diagnose_zone(&run, canon, resolver, z) != DP_OK)
    goto done;
  /* The zone's verdict counts in the run's status (and the exit code). */
  if (z->status > run.status)
    run.status = z->status;
  struct dp_report_options ropt = {.width = 80, .version = "test"};
  if (dp_report_write(stdout, DP_FORMAT_JSON, &run, z, &ropt) == DP_OK)
    rc = 0;

done:
  dp_run_clear(&run);
  free(z);
  free(t);
  free(d);
  return rc;
}

int main(int argc, char **argv)
{
  if (argc == 5 && strcmp(argv[1], "--drive") == 0)
    return drive(argv[2], argv[3], argv[4]);
  SRunner *sr = srunner_create(zone_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
