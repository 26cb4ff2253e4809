/*
 * test_delegation.c: unit tests of zone mode's delegation, NS set and SOA
 * checks: src/diagnose/zonecheck.c (each check, table-driven, and the
 * zone's root causes from hand-built summaries) and src/probes/delegation.c
 * (what a reply adds to the gathered data, on replies built here byte by
 * byte, RFC 1035 4.1).
 *
 * Expectations come from the RFCs and the ranges the man page documents (ZONE MODE)
 * (RFC 1912 2.2, RFC 2308 5, RIPE-203 for the SOA; RFC 2182 3.1 for the
 * networks; RFC 952 and 1123 for host names), not from the code.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dnsprobe/delegation.h"
#include "dnsprobe/dns.h"
#include "dnsprobe/zone.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- SOA timers ----------------------------------------------------------
 */

struct timers_case
{
  const char *name;
  uint32_t refresh, retry, expire, minimum;
  dp_severity_t want;
  const char *says[3]; /* in the detail */
};

static const struct timers_case timers_cases[] = {
    {"the lab's example.test", 3600, 900, 604800, 300, DP_SEVERITY_OK, {NULL}},
    {"RIPE-203's values",
     86400,
     7200,
     3600000,
     172800,
     DP_SEVERITY_INFO,
     {"negative TTL (minimum) 172800 s above 86400", NULL}},
    {"every lower bound", 1200, 300, 604800, 300, DP_SEVERITY_OK, {NULL}},
    {"every upper bound", 86400, 86399, 3600000, 86400, DP_SEVERITY_OK, {NULL}},
    {"refresh too short",
     1199,
     300,
     604800,
     300,
     DP_SEVERITY_INFO,
     {"refresh 1199 s below 1200", NULL}},
    {"refresh too long",
     86401,
     300,
     604800,
     300,
     DP_SEVERITY_INFO,
     {"refresh 86401 s above 86400", NULL}},
    {"retry too short",
     3600,
     299,
     604800,
     300,
     DP_SEVERITY_INFO,
     {"retry 299 s below 300", NULL}},
    {"retry equal to refresh",
     3600,
     3600,
     604800,
     300,
     DP_SEVERITY_WARNING,
     {"retry 3600 s not below refresh 3600 s", NULL}},
    {"retry above refresh",
     60,
     120,
     3600,
     300,
     DP_SEVERITY_WARNING,
     {"not below refresh", "refresh 60 s below 1200", "expire 3600 s below"}},
    {"expire just outlasting",
     7200,
     3600,
     10801,
     300,
     DP_SEVERITY_INFO,
     {"expire 10801 s below 604800", NULL}},
    {"expire not outlasting",
     7200,
     3600,
     10800,
     300,
     DP_SEVERITY_WARNING,
     {"expire 10800 s not above refresh plus retry (10800 s)", NULL}},
    {"expire too short",
     3600,
     900,
     604799,
     300,
     DP_SEVERITY_INFO,
     {"expire 604799 s below 604800", NULL}},
    {"expire too long",
     3600,
     900,
     3600001,
     300,
     DP_SEVERITY_INFO,
     {"expire 3600001 s above 3600000", NULL}},
    {"negative TTL too short",
     3600,
     900,
     604800,
     299,
     DP_SEVERITY_INFO,
     {"negative TTL (minimum) 299 s below 300", NULL}},
    {"the largest values",
     UINT32_MAX,
     UINT32_MAX,
     UINT32_MAX,
     UINT32_MAX,
     DP_SEVERITY_WARNING,
     {"not below refresh", "not above refresh plus retry (8589934590 s)",
      NULL}},
    {"zeros",
     0,
     0,
     0,
     0,
     DP_SEVERITY_WARNING,
     {"retry 0 s not below refresh 0 s", "negative TTL", NULL}},
};

START_TEST(test_soa_timers)
{
  const struct timers_case *c = &timers_cases[_i];
  struct dp_zone_soa soa;
  char detail[512];

  memset(&soa, 0, sizeof(soa));
  soa.has = true;
  soa.refresh = c->refresh;
  soa.retry = c->retry;
  soa.expire = c->expire;
  soa.minimum = c->minimum;
  dp_severity_t got = dp_diagnose_zone_soa_timers(&soa, detail, sizeof(detail));
  ck_assert_msg(got == c->want, "%s: severity %s, want %s (%s)", c->name,
                dp_severity_tostr(got), dp_severity_tostr(c->want), detail);
  if (c->want == DP_SEVERITY_OK)
    ck_assert_msg(detail[0] == '\0', "%s: detail \"%s\"", c->name, detail);
  for (size_t i = 0; i < NELEM(c->says) && c->says[i] != NULL; i++)
    ck_assert_msg(strstr(detail, c->says[i]) != NULL, "%s: \"%s\" lacks \"%s\"",
                  c->name, detail, c->says[i]);
}
END_TEST

/* No SOA, and a short or absent detail buffer, are no trouble. */
START_TEST(test_soa_timers_edges)
{
  struct dp_zone_soa soa;
  char tiny[4];
  memset(&soa, 0, sizeof(soa));
  ck_assert_msg(dp_diagnose_zone_soa_timers(&soa, tiny, sizeof(tiny)) ==
                    DP_SEVERITY_OK,
                "no SOA: ok");
  ck_assert_msg(dp_diagnose_zone_soa_timers(NULL, NULL, 0) == DP_SEVERITY_OK,
                "NULL: ok");
  soa.has = true;
  ck_assert_msg(dp_diagnose_zone_soa_timers(&soa, tiny, sizeof(tiny)) ==
                        DP_SEVERITY_WARNING &&
                    strlen(tiny) < sizeof(tiny),
                "a detail cut to its buffer");
  ck_assert_msg(dp_diagnose_zone_soa_timers(&soa, NULL, 0) ==
                    DP_SEVERITY_WARNING,
                "no detail buffer");
}
END_TEST

/* ---- networks ------------------------------------------------------------
 */

struct network_case
{
  const char *name;
  const char *addrs[5];
  bool one;
};

static const struct network_case network_cases[] = {
    {"one /24", {"192.0.2.1", "192.0.2.200", NULL}, true},
    {"two /24s", {"192.0.2.1", "198.51.100.1", NULL}, false},
    {"neighbouring /24s", {"192.0.2.255", "192.0.3.0", NULL}, false},
    {"one address", {"192.0.2.1", NULL}, false},
    {"one address twice", {"192.0.2.1", "192.0.2.1", NULL}, false},
    {"nothing", {NULL}, false},
    {"one /48", {"2001:db8:1::1", "2001:db8:1:ffff::53", NULL}, true},
    {"two /48s", {"2001:db8:1::1", "2001:db8:2::1", NULL}, false},
    {"one /24 and one /48",
     {"192.0.2.1", "192.0.2.2", "2001:db8::1", NULL},
     true},
    {"one /24, two /48s",
     {"192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db9::1", NULL},
     false},
    {"one host, both families", {"192.0.2.53", "2001:db8::53", NULL}, true},
    {"loopback", {"127.0.3.1", "127.0.4.1", NULL}, false},
};

static void addr_of(struct dp_zone_addr *a, const char *text)
{
  memset(a, 0, sizeof(*a));
  a->family = strchr(text, ':') != NULL ? AF_INET6 : AF_INET;
  ck_assert_msg(inet_pton(a->family, text, a->bytes) == 1, "address %s", text);
  snprintf(a->text, sizeof(a->text), "%s", text);
}

START_TEST(test_one_network)
{
  const struct network_case *c = &network_cases[_i];
  struct dp_zone_addr a[5];
  size_t n = 0;
  while (n < NELEM(c->addrs) && c->addrs[n] != NULL)
  {
    addr_of(&a[n], c->addrs[n]);
    n++;
  }
  ck_assert_msg(dp_diagnose_zone_one_network(a, n) == c->one, "%s: want %d",
                c->name, c->one);
}
END_TEST

/* ---- names ---------------------------------------------------------------
 */

struct name_case
{
  const char *name;
  bool host, mailbox;
};

static const struct name_case name_cases[] = {
    {"ns1.example.com.", true, true},
    {"hostmaster.example.com.", true, true},
    {"ns1.example.com", true, true},
    {"hostmaster@example.com.", false, false},
    {"example.", false, false},
    {".", false, false},
    {"", false, false},
    {"-ns.example.com.", false, true},
    {"ns-.example.com.", false, true},
    {"n-s.example.com.", true, true},
    {"ns_1.example.com.", false, true},
    {"ns1.ex_ample.com.", false, false},
    {"a..b.", false, false},
    {"john\\.doe.example.com.", false, true},
    {"host\\032master.example.com.", false, true},
    {"1.2.3.4.", true, true},
    {"root.", false, false},
    {".example.com.", false, false},
    {"hostmaster.example.com..", false, false},
    {"x.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.", true,
     true},
    {"x.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.",
     false, false},
};

START_TEST(test_names)
{
  const struct name_case *c = &name_cases[_i];
  ck_assert_msg(dp_diagnose_zone_hostname_ok(c->name) == c->host,
                "\"%s\": host name %d, want %d", c->name, !c->host, c->host);
  ck_assert_msg(dp_diagnose_zone_mailbox_ok(c->name) == c->mailbox,
                "\"%s\": mailbox %d, want %d", c->name, !c->mailbox,
                c->mailbox);
}
END_TEST

struct soa_names_case
{
  const char *name, *mname, *rname;
  dp_severity_t want;
  const char *says;
};

static const struct soa_names_case soa_names_cases[] = {
    {"sane", "ns1.example.com.", "hostmaster.example.com.", DP_SEVERITY_OK,
     NULL},
    {"an '@' in the RNAME", "ns1.example.com.", "hostmaster@example.com.",
     DP_SEVERITY_INFO, "RNAME hostmaster@example.com. is not a mailbox"},
    {"the MNAME a single label", "localhost.", "hostmaster.example.com.",
     DP_SEVERITY_WARNING, "MNAME localhost. is not a host name"},
    {"both", "ns_1.example.com.", "root.", DP_SEVERITY_WARNING,
     "is not a host name; RNAME root. is not a mailbox"},
};

START_TEST(test_soa_names)
{
  const struct soa_names_case *c = &soa_names_cases[_i];
  struct dp_zone_soa soa;
  char detail[512];
  memset(&soa, 0, sizeof(soa));
  soa.has = true;
  snprintf(soa.mname, sizeof(soa.mname), "%s", c->mname);
  snprintf(soa.rname, sizeof(soa.rname), "%s", c->rname);
  dp_severity_t got = dp_diagnose_zone_soa_names(&soa, detail, sizeof(detail));
  ck_assert_msg(got == c->want, "%s: %s, want %s (%s)", c->name,
                dp_severity_tostr(got), dp_severity_tostr(c->want), detail);
  if (c->says != NULL)
    ck_assert_msg(strstr(detail, c->says) != NULL, "%s: \"%s\" lacks \"%s\"",
                  c->name, detail, c->says);
  else
    ck_assert_msg(detail[0] == '\0', "%s: \"%s\"", c->name, detail);
}
END_TEST

/* ---- NS sets -------------------------------------------------------------
 */

struct diff_case
{
  const char *name;
  const char *parent[4], *child[4];
  const char *only_parent[3], *only_child[3];
};

static const struct diff_case diff_cases[] = {
    {"the same", {"a.", "b.", NULL}, {"b.", "a.", NULL}, {NULL}, {NULL}},
    {"the same, letters aside",
     {"NS1.Example.", NULL},
     {"ns1.example.", NULL},
     {NULL},
     {NULL}},
    {"one more at the parent",
     {"a.", "b.", "c.", NULL},
     {"a.", "b.", NULL},
     {"c.", NULL},
     {NULL}},
    {"one more in the zone",
     {"a.", NULL},
     {"a.", "b.", NULL},
     {NULL},
     {"b.", NULL}},
    {"each its own",
     {"a.", "b.", NULL},
     {"c.", "d.", NULL},
     {"a.", "b.", NULL},
     {"c.", "d.", NULL}},
    {"duplicates count once",
     {"a.", "a.", "c.", NULL},
     {"b.", "b.", NULL},
     {"a.", "c.", NULL},
     {"b.", NULL}},
    {"nothing at the parent", {NULL}, {"a.", NULL}, {NULL}, {"a.", NULL}},
    {"nothing anywhere", {NULL}, {NULL}, {NULL}, {NULL}},
};

static size_t count(const char *const *list, size_t cap)
{
  size_t n = 0;
  while (n < cap && list[n] != NULL)
    n++;
  return n;
}

START_TEST(test_ns_diff)
{
  const struct diff_case *c = &diff_cases[_i];
  struct dp_zone_ns_diff d;
  size_t np = count(c->parent, 4), nc = count(c->child, 4);

  ck_assert_int_eq(dp_diagnose_zone_ns_diff(c->parent, np, c->child, nc, &d),
                   DP_OK);
  ck_assert_msg(d.nonly_parent == count(c->only_parent, 3) &&
                    d.nonly_child == count(c->only_child, 3),
                "%s: %zu only at the parent, %zu only in the zone", c->name,
                d.nonly_parent, d.nonly_child);
  for (size_t i = 0; i < d.nonly_parent; i++)
    ck_assert_msg(strcmp(c->parent[d.only_parent[i]], c->only_parent[i]) == 0,
                  "%s: only at the parent #%zu %s", c->name, i,
                  c->parent[d.only_parent[i]]);
  for (size_t i = 0; i < d.nonly_child; i++)
    ck_assert_msg(strcmp(c->child[d.only_child[i]], c->only_child[i]) == 0,
                  "%s: only in the zone #%zu %s", c->name, i,
                  c->child[d.only_child[i]]);
  ck_assert_int_eq(dp_diagnose_zone_ns_diff(NULL, 1, NULL, 0, &d), DP_EINVAL);
  ck_assert_int_eq(dp_diagnose_zone_ns_diff(c->parent, np, c->child, nc, NULL),
                   DP_EINVAL);
}
END_TEST

/* ---- the zone's root causes, from hand-built summaries ------------------- */

#define ZONE "example.test."

/* A name server of the hand-built zone. */
struct fx_ns
{
  const char *name;
  bool at_parent;
  unsigned at_servers;
  const char *glue[3];   /* the parent's */
  const char *zone_a[3]; /* the zone's servers' (NULL: not asked) */
  bool resolved;
};

struct zone_case
{
  const char *name;
  bool gathered, checked, undelegated;
  struct fx_ns ns[4];
  const char *servers[4]; /* addresses of the zone's servers (targets) */
  const char *unresolved; /* an NS name discovery found without address */
  uint32_t serials[4];    /* per server, 0: the same as the first */
  uint32_t refresh;       /* the servers' SOA refresh (0: 7200) */
  dp_cause_t want[4];     /* the causes, worst first */
  dp_severity_t worst;
};

#define NS1 "ns1.example.test."
#define NS2 "ns2.example.test."
#define OUT "ns.example.net."
#define GOOD_NS                                                                \
  {                                                                            \
    {NS1, true, 2, {"192.0.2.1", NULL}, {"192.0.2.1", NULL}, true},            \
    {                                                                          \
      NS2, true, 2, {"198.51.100.2", NULL}, {"198.51.100.2", NULL}, true       \
    }                                                                          \
  }
#define GOOD_SERVERS                                                           \
  {                                                                            \
    "192.0.2.1", "198.51.100.2", NULL                                          \
  }

static const struct zone_case zone_cases[] = {
    {"consistent",
     true,
     true,
     false,
     GOOD_NS,
     GOOD_SERVERS,
     NULL,
     {0},
     0,
     {DP_CAUSE_NONE},
     DP_SEVERITY_OK},
    {"stale glue",
     true,
     true,
     false,
     {{NS1, true, 2, {"192.0.2.1", NULL}, {"192.0.2.1", NULL}, true},
      {NS2, true, 2, {"198.51.100.99", NULL}, {"198.51.100.2", NULL}, true}},
     GOOD_SERVERS,
     NULL,
     {0},
     0,
     {DP_CAUSE_GLUE_MISMATCH, DP_CAUSE_NONE},
     DP_SEVERITY_CRITICAL},
    {"glue lacking the IPv6 address",
     true,
     true,
     false,
     {{NS1,
       true,
       2,
       {"192.0.2.1", NULL},
       {"192.0.2.1", "2001:db8::1", NULL},
       true},
      {NS2, true, 2, {"198.51.100.2", NULL}, {"198.51.100.2", NULL}, true}},
     GOOD_SERVERS,
     NULL,
     {0},
     0,
     {DP_CAUSE_GLUE_MISMATCH, DP_CAUSE_NONE},
     DP_SEVERITY_WARNING},
    {"no glue inside the zone",
     true,
     true,
     false,
     {{NS1, true, 2, {"192.0.2.1", NULL}, {"192.0.2.1", NULL}, true},
      {NS2, true, 2, {NULL}, {"198.51.100.2", NULL}, true}},
     GOOD_SERVERS,
     NULL,
     {0},
     0,
     {DP_CAUSE_GLUE_MISSING, DP_CAUSE_NONE},
     DP_SEVERITY_CRITICAL},
    {"no glue outside the zone: none needed",
     true,
     true,
     false,
     {{NS1, true, 2, {"192.0.2.1", NULL}, {"192.0.2.1", NULL}, true},
      {OUT, true, 2, {NULL}, {NULL}, true}},
     GOOD_SERVERS,
     NULL,
     {0},
     0,
     {DP_CAUSE_NONE},
     DP_SEVERITY_OK},
    {"an extra name at the parent",
     true,
     true,
     false,
     {{NS1, true, 2, {"192.0.2.1", NULL}, {"192.0.2.1", NULL}, true},
      {NS2, true, 2, {"198.51.100.2", NULL}, {"198.51.100.2", NULL}, true},
      {OUT, true, 0, {NULL}, {NULL}, true}},
     GOOD_SERVERS,
     NULL,
     {0},
     0,
     {DP_CAUSE_NS_MISMATCH, DP_CAUSE_NONE},
     DP_SEVERITY_WARNING},
    {"not checked: nothing of the parent's",
     true,
     false,
     false,
     GOOD_NS,
     GOOD_SERVERS,
     NULL,
     {0},
     0,
     {DP_CAUSE_NONE},
     DP_SEVERITY_OK},
    {"not delegated",
     true,
     false,
     true,
     GOOD_NS,
     GOOD_SERVERS,
     NULL,
     {0},
     0,
     {DP_CAUSE_NO_DELEGATION, DP_CAUSE_NONE},
     DP_SEVERITY_CRITICAL},
    {"one server",
     true,
     true,
     false,
     {{NS1, true, 1, {"192.0.2.1", NULL}, {"192.0.2.1", NULL}, true}},
     {"192.0.2.1", NULL},
     NULL,
     {0},
     0,
     {DP_CAUSE_NS_TOO_FEW, DP_CAUSE_NONE},
     DP_SEVERITY_WARNING},
    {"two names, one address",
     true,
     true,
     false,
     {{NS1, true, 2, {"192.0.2.1", NULL}, {"192.0.2.1", NULL}, true},
      {NS2, true, 2, {"192.0.2.1", NULL}, {"192.0.2.1", NULL}, true}},
     {"192.0.2.1", "192.0.2.1", NULL},
     NULL,
     {0},
     0,
     {DP_CAUSE_NS_TOO_FEW, DP_CAUSE_NONE},
     DP_SEVERITY_WARNING},
    {"one network",
     true,
     true,
     false,
     {{NS1, true, 2, {"192.0.2.1", NULL}, {"192.0.2.1", NULL}, true},
      {NS2, true, 2, {"192.0.2.2", NULL}, {"192.0.2.2", NULL}, true}},
     {"192.0.2.1", "192.0.2.2", NULL},
     NULL,
     {0},
     0,
     {DP_CAUSE_NS_ONE_NETWORK, DP_CAUSE_NONE},
     DP_SEVERITY_WARNING},
    {"an unresolved name",
     true,
     true,
     false,
     GOOD_NS,
     GOOD_SERVERS,
     "ns3.example.net.",
     {0},
     0,
     {DP_CAUSE_NS_UNRESOLVED, DP_CAUSE_NONE},
     DP_SEVERITY_CRITICAL},
    {"serials disagree",
     true,
     true,
     false,
     GOOD_NS,
     GOOD_SERVERS,
     NULL,
     {2024010101, 2024010102},
     0,
     {DP_CAUSE_SERIAL_MISMATCH, DP_CAUSE_NONE},
     DP_SEVERITY_WARNING},
    {"a long refresh",
     true,
     true,
     false,
     GOOD_NS,
     GOOD_SERVERS,
     NULL,
     {0},
     90000,
     {DP_CAUSE_SOA_TIMERS, DP_CAUSE_NONE},
     DP_SEVERITY_INFO},
    {"a refresh below the retry",
     true,
     true,
     false,
     GOOD_NS,
     GOOD_SERVERS,
     NULL,
     {0},
     600,
     {DP_CAUSE_SOA_TIMERS, DP_CAUSE_NONE},
     DP_SEVERITY_WARNING},
    {"glue and a long refresh, worst first",
     true,
     true,
     false,
     {{NS1, true, 2, {"192.0.2.1", NULL}, {"192.0.2.1", NULL}, true},
      {NS2, true, 2, {"198.51.100.99", NULL}, {"198.51.100.2", NULL}, true}},
     GOOD_SERVERS,
     NULL,
     {0},
     90000,
     {DP_CAUSE_GLUE_MISMATCH, DP_CAUSE_SOA_TIMERS, DP_CAUSE_NONE},
     DP_SEVERITY_CRITICAL},
};

static void fill_addrs(struct dp_zone_addr *list, size_t *n,
                       const char *const *texts)
{
  *n = 0;
  for (size_t i = 0; i < 3 && texts[i] != NULL; i++)
    addr_of(&list[(*n)++], texts[i]);
}

static struct dp_zone_summary *zone_of(const struct zone_case *c)
{
  struct dp_zone_summary *z = calloc(1, sizeof(*z));
  ck_assert_msg(z != NULL, "%s: calloc", c->name);
  snprintf(z->name, sizeof(z->name), ZONE);
  struct dp_zone_delegation *d = &z->delegation;
  d->gathered = c->gathered;
  d->checked = c->checked;
  snprintf(d->parent, sizeof(d->parent), "test.");
  d->nparents = 1;
  snprintf(d->parents[0].ns, sizeof(d->parents[0].ns), "a.test.");
  d->parents[0].answered = true;
  d->parents[0].referral = c->checked;
  d->parents[0].undelegated = c->undelegated;
  snprintf(d->parents[0].why, sizeof(d->parents[0].why), "%s",
           c->undelegated ? "NXDOMAIN with authority" : "a referral");
  for (size_t i = 0; i < 4 && c->ns[i].name != NULL; i++)
  {
    const struct fx_ns *f = &c->ns[i];
    struct dp_zone_ns *ns = &d->ns[d->nns++];
    snprintf(ns->name, sizeof(ns->name), "%s", f->name);
    ns->at_parent = f->at_parent && c->checked;
    ns->at_child = f->at_servers;
    size_t n = strlen(f->name), zl = strlen(ZONE);
    ns->in_zone = n >= zl && strcmp(f->name + n - zl, ZONE) == 0;
    if (c->checked)
      fill_addrs(ns->glue, &ns->nglue, f->glue);
    ns->child_asked = ns->in_zone;
    fill_addrs(ns->child, &ns->nchild, f->zone_a);
    ns->resolved = f->resolved;
  }
  for (size_t s = 0; s < 4 && c->servers[s] != NULL; s++)
  {
    struct dp_zone_server *row = &z->servers[z->nservers++];
    struct dp_zone_child *ch = &d->children[d->nchildren++];
    uint32_t serial = c->serials[s] ? c->serials[s] : c->serials[0];
    snprintf(row->ns, sizeof(row->ns), "%s", d->ns[s % d->nns].name);
    snprintf(row->address, sizeof(row->address), "%s", c->servers[s]);
    row->answered = row->authoritative = row->has_serial = true;
    row->serial = serial ? serial : 2024010101;
    row->reason = "ok";
    snprintf(ch->ns, sizeof(ch->ns), "%s", row->ns);
    snprintf(ch->address, sizeof(ch->address), "%.47s", row->address);
    ch->ns_answered = true;
    for (size_t k = 0; k < d->nns; k++)
      if (d->ns[k].at_child > 0)
        ch->ns_set |= UINT32_C(1) << k;
    ch->soa.has = true;
    snprintf(ch->soa.mname, sizeof(ch->soa.mname), NS1);
    snprintf(ch->soa.rname, sizeof(ch->soa.rname), "hostmaster." ZONE);
    ch->soa.serial = row->serial;
    ch->soa.refresh = c->refresh ? c->refresh : 7200;
    ch->soa.retry = 3600;
    ch->soa.expire = 1209600;
    ch->soa.minimum = 3600;
  }
  /* the summary's own verdicts, as dp_diagnose_zone gives them */
  z->nserial = z->nservers;
  z->serial = 0;
  z->serials_agree = true;
  for (size_t s = 0; s < z->nservers; s++)
  {
    if (z->servers[s].serial > z->serial)
      z->serial = z->servers[s].serial;
    z->serials_agree &= z->servers[s].serial == z->servers[0].serial;
  }
  z->severity = z->serials_agree ? DP_SEVERITY_OK : DP_SEVERITY_WARNING;
  if (c->unresolved != NULL)
  {
    ck_assert_int_eq(dp_diagnose_zone_unresolved(z, c->unresolved, "NXDOMAIN"),
                     DP_OK);
  }
  z->status = dp_health_from_severity(z->severity);
  return z;
}

START_TEST(test_zone_checks)
{
  const struct zone_case *c = &zone_cases[_i];
  struct dp_zone_summary *z = zone_of(c);
  size_t want = 0;

  ck_assert_int_eq(dp_diagnose_zone_checks(z, NULL, DP_SOFTWARE_UNKNOWN),
                   DP_OK);
  while (want < NELEM(c->want) && c->want[want] != DP_CAUSE_NONE)
    want++;
  ck_assert_msg(z->ndiagnosis == want, "%s: %zu causes, want %zu", c->name,
                z->ndiagnosis, want);
  for (size_t i = 0; i < want; i++)
  {
    const struct dp_root_cause *r = &z->diagnosis[i];
    ck_assert_msg(r->cause == c->want[i], "%s: cause %zu %s, want %s", c->name,
                  i, dp_cause_tostr(r->cause), dp_cause_tostr(c->want[i]));
    ck_assert_msg(r->headline && r->evidence && r->explanation && r->fix &&
                      r->probes == 0,
                  "%s: %s lacks a part", c->name, dp_cause_tostr(r->cause));
  }
  dp_severity_t worst = want > 0 ? z->diagnosis[0].severity : DP_SEVERITY_OK;
  ck_assert_msg(worst == c->worst, "%s: worst %s, want %s", c->name,
                dp_severity_tostr(worst), dp_severity_tostr(c->worst));
  ck_assert_msg(z->severity >= worst &&
                    z->status == dp_health_from_severity(z->severity),
                "%s: the zone's status", c->name);
  /* again: the causes are replaced, not added */
  ck_assert_int_eq(dp_diagnose_zone_checks(z, NULL, DP_SOFTWARE_UNKNOWN),
                   DP_OK);
  ck_assert_msg(z->ndiagnosis == want, "%s: twice", c->name);
  dp_diagnose_zone_clear(z);
  ck_assert_msg(z->diagnosis == NULL && z->ndiagnosis == 0, "%s: cleared",
                c->name);
  dp_diagnose_zone_clear(NULL);
  free(z);
}
END_TEST

/* Every server identified as the same software: the fix in its words. */
START_TEST(test_zone_fix_software)
{
  struct dp_zone_summary *z = zone_of(&zone_cases[5]); /* an extra name */
  struct dp_run run;
  struct dp_target_result t[2];
  memset(&run, 0, sizeof(run));
  memset(t, 0, sizeof(t));
  t[0].software = t[1].software = DP_SOFTWARE_NSD;
  run.targets = t;
  run.ntargets = 2;
  ck_assert_int_eq(dp_diagnose_zone_checks(z, &run, DP_SOFTWARE_UNKNOWN),
                   DP_OK);
  ck_assert_msg(z->ndiagnosis == 1 &&
                    strstr(z->diagnosis[0].fix, "NSD (zone file NS records)") &&
                    strstr(z->diagnosis[0].fix, "example.test.  3600"),
                "NSD's block, in the zone's name: %s", z->diagnosis[0].fix);
  t[1].software = DP_SOFTWARE_KNOT;
  ck_assert_int_eq(dp_diagnose_zone_checks(z, &run, DP_SOFTWARE_UNKNOWN),
                   DP_OK);
  ck_assert_msg(strstr(z->diagnosis[0].fix, "--fix-for") != NULL,
                "two products: one line each: %s", z->diagnosis[0].fix);
  ck_assert_int_eq(dp_diagnose_zone_checks(z, &run, DP_SOFTWARE_BIND), DP_OK);
  ck_assert_msg(strstr(z->diagnosis[0].fix, "BIND 9 (zone file NS records)"),
                "--fix-for bind: %s", z->diagnosis[0].fix);
  dp_diagnose_zone_clear(z);
  free(z);
}
END_TEST

/* ---- replies into the gathered data ---------------------------------------
 */

/* One record of a hand-built reply: section (1 answer, 2 authority, 3
 * additional), owner, type, and data (a name, or an address). */
struct rec
{
  int section;
  const char *owner;
  uint16_t type;
  const char *data;
};

struct reply
{
  const char *qname;
  uint16_t qtype;
  uint16_t flags; /* DP_FLAG_AA and the RCODE */
  uint8_t rcode;
  struct rec recs[6];
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

static size_t build(uint8_t *b, size_t cap, const struct reply *r)
{
  uint16_t counts[4] = {1, 0, 0, 0};
  size_t off = 12;
  memset(b, 0, cap);
  put16(b, 0, 0x1234);
  put16(b, 2, (uint16_t)(DP_FLAG_QR | r->flags | (r->rcode & 0xf)));
  off = put_name(b, off, cap, r->qname);
  off = put16(b, off, r->qtype);
  off = put16(b, off, DP_CLASS_IN);
  for (int section = 1; section <= 3; section++)
    for (size_t i = 0; i < NELEM(r->recs) && r->recs[i].owner != NULL; i++)
    {
      const struct rec *x = &r->recs[i];
      if (x->section != section)
        continue;
      counts[section]++;
      off = put_name(b, off, cap, x->owner);
      off = put16(b, off, x->type);
      off = put16(b, off, DP_CLASS_IN);
      off = put16(b, off, 0);
      off = put16(b, off, 3600);
      size_t at = off;
      off += 2;
      if (x->type == DP_TYPE_A || x->type == DP_TYPE_AAAA)
      {
        int family = x->type == DP_TYPE_A ? AF_INET : AF_INET6;
        ck_assert_msg(inet_pton(family, x->data, b + off) == 1, "builder: %s",
                      x->data);
        off += x->type == DP_TYPE_A ? 4 : 16;
      }
      else if (x->type == DP_TYPE_SOA)
      {
        off = put_name(b, off, cap, "ns1.example.test.");
        off = put_name(b, off, cap, x->data);
        for (int k = 0; k < 5; k++)
          off = put16(b, put16(b, off, 0), (uint16_t)(1000 + k));
      }
      else
        off = put_name(b, off, cap, x->data);
      put16(b, at, (uint16_t)(off - at - 2));
    }
  for (int s = 0; s < 4; s++)
    put16(b, 4 + 2 * (size_t)s, counts[s]);
  return off;
}

#define REFERRAL_OF(...)                                                       \
  {                                                                            \
    "example.test.", DP_TYPE_NS, 0, DP_RCODE_NOERROR,                          \
    {                                                                          \
      __VA_ARGS__                                                              \
    }                                                                          \
  }

struct absorb_case
{
  const char *name;
  dp_deleg_reply_t kind;
  struct reply reply;
  bool garbage;
  /* what the parent server shows, or the child's */
  bool referral, undelegated, ns_answered, soa;
  const char *why;   /* in the parent's why */
  const char *glue1; /* ns1's glue, or NULL: none */
  const char *addr1; /* ns1's address from the zone's server */
  bool cname1;
  size_t nns; /* names d holds after */
};

static const struct absorb_case absorb_cases[] = {
    {"a referral with glue", DP_DELEG_PARENT_NS,
     REFERRAL_OF({2, "example.test.", DP_TYPE_NS, NS1},
                 {2, "example.test.", DP_TYPE_NS, OUT},
                 {3, NS1, DP_TYPE_A, "192.0.2.1"},
                 {3, OUT, DP_TYPE_A, "198.51.100.9"}),
     false, true, false, false, false, "a referral", "192.0.2.1", NULL, false,
     2},
    {"a referral without glue", DP_DELEG_PARENT_NS,
     REFERRAL_OF({2, "example.test.", DP_TYPE_NS, NS1}), false, true, false,
     false, false, "a referral", NULL, NULL, false, 1},
    {"glue for a name not in the referral", DP_DELEG_PARENT_NS,
     REFERRAL_OF({2, "example.test.", DP_TYPE_NS, NS2},
                 {3, NS1, DP_TYPE_A, "192.0.2.1"}),
     false, true, false, false, false, "a referral", NULL, NULL, false, 1},
    {"a referral to another zone", DP_DELEG_PARENT_NS,
     REFERRAL_OF({2, "test.", DP_TYPE_NS, "a.test."}), false, false, false,
     false, false, "a referral to test.", NULL, NULL, false, 0},
    {"NXDOMAIN with authority",
     DP_DELEG_PARENT_NS,
     {"example.test.", DP_TYPE_NS, DP_FLAG_AA, DP_RCODE_NXDOMAIN, {{0}}},
     false,
     false,
     true,
     false,
     false,
     "NXDOMAIN",
     NULL,
     NULL,
     false,
     0},
    {"no NS, with authority",
     DP_DELEG_PARENT_NS,
     {"example.test.",
      DP_TYPE_NS,
      DP_FLAG_AA,
      DP_RCODE_NOERROR,
      {{2, "test.", DP_TYPE_SOA, "hostmaster.test."}}},
     false,
     false,
     true,
     false,
     false,
     "no NS for the zone",
     NULL,
     NULL,
     false,
     0},
    {"the parent serves the zone too",
     DP_DELEG_PARENT_NS,
     {"example.test.",
      DP_TYPE_NS,
      DP_FLAG_AA,
      DP_RCODE_NOERROR,
      {{1, "example.test.", DP_TYPE_NS, NS1}}},
     false,
     false,
     false,
     false,
     false,
     "answers for the zone itself",
     NULL,
     NULL,
     false,
     0},
    {"REFUSED",
     DP_DELEG_PARENT_NS,
     {"example.test.", DP_TYPE_NS, 0, DP_RCODE_REFUSED, {{0}}},
     false,
     false,
     false,
     false,
     false,
     "REFUSED",
     NULL,
     NULL,
     false,
     0},
    {"another question",
     DP_DELEG_PARENT_NS,
     {"example.net.",
      DP_TYPE_NS,
      0,
      DP_RCODE_NOERROR,
      {{2, "example.net.", DP_TYPE_NS, NS1}}},
     false,
     false,
     false,
     false,
     false,
     "another question",
     NULL,
     NULL,
     false,
     0},
    {"garbage", DP_DELEG_PARENT_NS, REFERRAL_OF({0}), true, false, false, false,
     false, "cannot be read", NULL, NULL, false, 0},
    {"the zone's NS set",
     DP_DELEG_CHILD_NS,
     {"example.test.",
      DP_TYPE_NS,
      DP_FLAG_AA,
      DP_RCODE_NOERROR,
      {{1, "example.test.", DP_TYPE_NS, NS1},
       {1, "example.test.", DP_TYPE_NS, NS2}}},
     false,
     false,
     false,
     true,
     false,
     NULL,
     NULL,
     NULL,
     false,
     2},
    {"an NS set without authority",
     DP_DELEG_CHILD_NS,
     {"example.test.",
      DP_TYPE_NS,
      0,
      DP_RCODE_NOERROR,
      {{1, "example.test.", DP_TYPE_NS, NS1}}},
     false,
     false,
     false,
     false,
     false,
     NULL,
     NULL,
     NULL,
     false,
     0},
    {"the zone's SOA",
     DP_DELEG_CHILD_SOA,
     {"example.test.",
      DP_TYPE_SOA,
      DP_FLAG_AA,
      DP_RCODE_NOERROR,
      {{1, "example.test.", DP_TYPE_SOA, "hostmaster.example.test."}}},
     false,
     false,
     false,
     false,
     true,
     NULL,
     NULL,
     NULL,
     false,
     0},
    {"an SOA of another zone",
     DP_DELEG_CHILD_SOA,
     {"example.test.",
      DP_TYPE_SOA,
      DP_FLAG_AA,
      DP_RCODE_NOERROR,
      {{1, "test.", DP_TYPE_SOA, "hostmaster.test."}}},
     false,
     false,
     false,
     false,
     false,
     NULL,
     NULL,
     NULL,
     false,
     0},
    {"an in-zone address",
     DP_DELEG_CHILD_A,
     {NS1,
      DP_TYPE_A,
      DP_FLAG_AA,
      DP_RCODE_NOERROR,
      {{1, NS1, DP_TYPE_A, "192.0.2.1"}, {1, NS1, DP_TYPE_A, "192.0.2.1"}}},
     false,
     false,
     false,
     false,
     false,
     NULL,
     NULL,
     "192.0.2.1",
     false,
     1},
    {"an in-zone alias",
     DP_DELEG_CHILD_A,
     {NS1,
      DP_TYPE_A,
      DP_FLAG_AA,
      DP_RCODE_NOERROR,
      {{1, NS1, DP_TYPE_CNAME, "host.example.net."}}},
     false,
     false,
     false,
     false,
     false,
     NULL,
     NULL,
     NULL,
     true,
     1},
};

START_TEST(test_absorb)
{
  const struct absorb_case *c = &absorb_cases[_i];
  struct dp_zone_delegation *d = calloc(1, sizeof(*d));
  uint8_t buf[1024];
  bool parent = c->kind == DP_DELEG_PARENT_NS;

  ck_assert_msg(d != NULL, "calloc");
  d->gathered = true;
  d->nparents = 1;
  d->nchildren = 1;
  if (!parent)
  {
    /* the zone's servers are asked for names already known */
    snprintf(d->ns[0].name, sizeof(d->ns[0].name), NS1);
    d->ns[0].in_zone = true;
    d->nns = c->kind == DP_DELEG_CHILD_A ? 1 : 0;
  }
  size_t len = build(buf, sizeof(buf), &c->reply);
  if (c->garbage)
    for (size_t i = 12; i < len; i++)
      buf[i] = (uint8_t)(i * 37);
  ck_assert_int_eq(dp_probe_delegation_absorb(d, "example.test.", c->kind, 0, 0,
                                              buf, len, DP_OUTCOME_ANSWER),
                   DP_OK);
  const struct dp_zone_parent *p = &d->parents[0];
  const struct dp_zone_child *ch = &d->children[0];
  ck_assert_msg(p->referral == c->referral && d->checked == c->referral,
                "%s: referral %d", c->name, p->referral);
  ck_assert_msg(p->undelegated == c->undelegated, "%s: undelegated %d", c->name,
                p->undelegated);
  ck_assert_msg(ch->ns_answered == c->ns_answered, "%s: NS set %d", c->name,
                ch->ns_answered);
  ck_assert_msg(ch->soa.has == c->soa, "%s: SOA %d", c->name, ch->soa.has);
  if (c->soa)
    ck_assert_msg(strcmp(ch->soa.rname, "hostmaster.example.test.") == 0 &&
                      ch->soa.serial == 1000 && ch->soa.minimum == 1004,
                  "%s: SOA fields %s %u %u", c->name, ch->soa.rname,
                  ch->soa.serial, ch->soa.minimum);
  if (c->why != NULL)
    ck_assert_msg(strstr(p->why, c->why) != NULL, "%s: why \"%s\"", c->name,
                  p->why);
  ck_assert_msg(d->nns == c->nns, "%s: %zu names, want %zu", c->name, d->nns,
                c->nns);
  if (c->glue1 != NULL)
    ck_assert_msg(d->ns[0].nglue == 1 &&
                      strcmp(d->ns[0].glue[0].text, c->glue1) == 0 &&
                      d->ns[0].in_zone,
                  "%s: glue of ns1", c->name);
  else if (d->nns > 0 && parent)
    ck_assert_msg(d->ns[0].nglue == 0, "%s: no glue", c->name);
  if (c->addr1 != NULL)
    ck_assert_msg(d->ns[0].nchild == 1 &&
                      strcmp(d->ns[0].child[0].text, c->addr1) == 0,
                  "%s: ns1's address from the zone", c->name);
  ck_assert_msg(d->nns == 0 || d->ns[0].cname == c->cname1, "%s: alias",
                c->name);
  if (c->nns == 2 && parent)
    ck_assert_msg(!d->ns[1].in_zone && d->ns[1].nglue == 1 &&
                      strcmp(d->ns[1].glue[0].text, "198.51.100.9") == 0,
                  "%s: the outside name's address kept as sent", c->name);
  if (c->kind == DP_DELEG_CHILD_NS && c->ns_answered)
    ck_assert_msg(ch->ns_set == 3 && d->ns[0].at_child == 1,
                  "%s: the set, counted", c->name);
  free(d);
}
END_TEST

/* No reply, and indexes out of range. */
START_TEST(test_absorb_edges)
{
  struct dp_zone_delegation *d = calloc(1, sizeof(*d));
  ck_assert_msg(d != NULL, "calloc");
  d->nparents = 1;
  ck_assert_int_eq(dp_probe_delegation_absorb(d, "example.test.",
                                              DP_DELEG_PARENT_NS, 0, 0, NULL, 0,
                                              DP_OUTCOME_TIMEOUT),
                   DP_OK);
  ck_assert_msg(strcmp(d->parents[0].why, "timeout") == 0 &&
                    !d->parents[0].answered,
                "no reply: %s", d->parents[0].why);
  ck_assert_int_eq(dp_probe_delegation_absorb(d, "example.test.",
                                              DP_DELEG_PARENT_NS, 1, 0, NULL, 0,
                                              DP_OUTCOME_TIMEOUT),
                   DP_EINVAL);
  ck_assert_int_eq(dp_probe_delegation_absorb(d, "example.test.",
                                              DP_DELEG_CHILD_NS, 0, 0, NULL, 0,
                                              DP_OUTCOME_TIMEOUT),
                   DP_EINVAL);
  d->nchildren = 1;
  ck_assert_int_eq(dp_probe_delegation_absorb(d, "example.test.",
                                              DP_DELEG_CHILD_A, 0, 0, NULL, 0,
                                              DP_OUTCOME_TIMEOUT),
                   DP_EINVAL);
  ck_assert_int_eq(dp_probe_delegation_absorb(NULL, "example.test.",
                                              DP_DELEG_CHILD_NS, 0, 0, NULL, 0,
                                              DP_OUTCOME_TIMEOUT),
                   DP_EINVAL);
  free(d);
}
END_TEST

static Suite *delegation_suite(void)
{
  Suite *s = suite_create("delegation");
  TCase *tc = tcase_create("checks");
  tcase_add_loop_test(tc, test_soa_timers, 0, NELEM(timers_cases));
  tcase_add_test(tc, test_soa_timers_edges);
  tcase_add_loop_test(tc, test_one_network, 0, NELEM(network_cases));
  tcase_add_loop_test(tc, test_names, 0, NELEM(name_cases));
  tcase_add_loop_test(tc, test_soa_names, 0, NELEM(soa_names_cases));
  tcase_add_loop_test(tc, test_ns_diff, 0, NELEM(diff_cases));
  suite_add_tcase(s, tc);
  tc = tcase_create("zone");
  tcase_add_loop_test(tc, test_zone_checks, 0, NELEM(zone_cases));
  tcase_add_test(tc, test_zone_fix_software);
  suite_add_tcase(s, tc);
  tc = tcase_create("absorb");
  tcase_add_loop_test(tc, test_absorb, 0, NELEM(absorb_cases));
  tcase_add_test(tc, test_absorb_edges);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(delegation_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
