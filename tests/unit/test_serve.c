/*
 * test_serve.c: the exporter's decisions, without a socket or a clock:
 *
 * - the /probe query string and its target= syntax: what is taken, and
 *   the one-line reason of each refusal (a 400's body);
 * - the allow-list: networks of both families, a lone address, host bits,
 *   IPv4-mapped addresses, and host-name suffixes at label boundaries
 *   (example.com never allows badexample.com);
 * - the YAML configuration: a good file read whole, and each bad one
 *   refused with its file, its line and the problem;
 * - the result cache and the minimum interval on an injected clock: miss,
 *   join while running, hit with its age, expiry, the bound on keys, a
 *   flush while a battery runs, no interval at all.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dnsprobe/probes.h"
#include "dnsprobe/serve.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the query string ------------------------------------------------------
 */

struct query_case
{
  const char *query;
  bool ok;
  const char *target; /* the text taken, when ok */
  bool is_name;
  const char *host_or_addr; /* canonical name, or the numeric address */
  unsigned port;
  const char *module;
  const char *zone; /* canonical, or NULL when not given */
  const char *err;  /* a fragment of the reason, when refused */
};

static const struct query_case query_cases[] = {
    {"target=127.0.0.1", true, "127.0.0.1", false, "127.0.0.1", 53, "", NULL,
     NULL},
    {"target=127.0.0.1:5301&module=auth&zone=Example.TEST", true,
     "127.0.0.1:5301", false, "127.0.0.1", 5301, "auth", "example.test.", NULL},
    {"zone=.&target=192.0.2.1", true, "192.0.2.1", false, "192.0.2.1", 53, "",
     ".", NULL},
    {"target=%5B%3A%3A1%5D%3A5301", true, "[::1]:5301", false, "::1", 5301, "",
     NULL, NULL},
    {"target=2001:db8::53", true, "2001:db8::53", false, "2001:db8::53", 53, "",
     NULL, NULL},
    {"target=ns1.example.net", true, "ns1.example.net", true,
     "ns1.example.net.", 53, "", NULL, NULL},
    {"target=NS1.Example.NET.:5353&module=a_b-1", true, "NS1.Example.NET.:5353",
     true, "ns1.example.net.", 5353, "a_b-1", NULL, NULL},
    {"", false, NULL, false, NULL, 0, NULL, NULL, "missing target"},
    {"module=x", false, NULL, false, NULL, 0, NULL, NULL, "missing target"},
    {"target=", false, NULL, false, NULL, 0, NULL, NULL, "empty"},
    {"target=127.0.0.1:0", false, NULL, false, NULL, 0, NULL, NULL, "port '0'"},
    {"target=127.0.0.1:65536", false, NULL, false, NULL, 0, NULL, NULL,
     "port '65536'"},
    {"target=127.0.0.1:dns", false, NULL, false, NULL, 0, NULL, NULL, "port"},
    {"target=127.0.0.1:", false, NULL, false, NULL, 0, NULL, NULL, "port"},
    {"target=127.1", false, NULL, false, NULL, 0, NULL, NULL,
     "not a valid IPv4"},
    {"target=0x7f.0.0.1", false, NULL, false, NULL, 0, NULL, NULL,
     "not a valid IPv4"},
    {"target=1.2.3.4.5", false, NULL, false, NULL, 0, NULL, NULL,
     "not a valid IPv4"},
    {"target=0.0.0.0", false, NULL, false, NULL, 0, NULL, NULL, "unspecified"},
    {"target=%3A%3A", false, NULL, false, NULL, 0, NULL, NULL, "unspecified"},
    {"target=%5B%3A%3A1", false, NULL, false, NULL, 0, NULL, NULL,
     "without ']'"},
    {"target=%5B127.0.0.1%5D", false, NULL, false, NULL, 0, NULL, NULL, "IPv6"},
    {"target=a..example", false, NULL, false, NULL, 0, NULL, NULL,
     "empty label"},
    {"target=-a.example", false, NULL, false, NULL, 0, NULL, NULL, "'-'"},
    {"target=a_b.example", false, NULL, false, NULL, 0, NULL, NULL,
     "'_' is not allowed in a host name"},
    {"target=example.123", false, NULL, false, NULL, 0, NULL, NULL,
     "all digits"},
    {"target=127.0.0.1&target=127.0.0.2", false, NULL, false, NULL, 0, NULL,
     NULL, "more than once"},
    {"target=127.0.0.1&zone=a..b", false, NULL, false, NULL, 0, NULL, NULL,
     "zone 'a..b'"},
    {"target=127.0.0.1&zone=", false, NULL, false, NULL, 0, NULL, NULL,
     "zone= is empty"},
    {"target=127.0.0.1&zone=a&zone=b", false, NULL, false, NULL, 0, NULL, NULL,
     "zone= given more than once"},
    {"target=127.0.0.1&module=a&module=b", false, NULL, false, NULL, 0, NULL,
     NULL, "module= given more than once"},
    {"target=127.0.0.1&module=bad%20name", false, NULL, false, NULL, 0, NULL,
     NULL, "module 'bad name'"},
    {"target=127.0.0.1&module=", false, NULL, false, NULL, 0, NULL, NULL,
     "module ''"},
    {"target=127.0.0.1&modul=x", false, NULL, false, NULL, 0, NULL, NULL,
     "unknown parameter 'modul'"},
    {"target=127.0.0.1%00evil", false, NULL, false, NULL, 0, NULL, NULL, "NUL"},
    {"target=127.0.0.1%0a", false, NULL, false, NULL, 0, NULL, NULL,
     "printable ASCII"},
    {"target=%C3%A9.example", false, NULL, false, NULL, 0, NULL, NULL,
     "printable ASCII"},
    {"target=127.0.0.1&zone=%1b%5b31m", false, NULL, false, NULL, 0, NULL, NULL,
     "printable ASCII"},
};

START_TEST(test_query)
{
  const struct query_case *c = &query_cases[_i];
  struct dp_serve_query q;
  char err[256] = "";
  dp_status_t st = dp_serve_query_parse(c->query, &q, err, sizeof(err));
  if (!c->ok)
  {
    ck_assert_msg(st == DP_EINVAL, "'%s': accepted", c->query);
    ck_assert_msg(strstr(err, c->err) != NULL, "'%s': reason '%s' lacks '%s'",
                  c->query, err, c->err);
    ck_assert_msg(strchr(err, '\n') == NULL, "'%s': reason on one line",
                  c->query);
    return;
  }
  ck_assert_msg(st == DP_OK, "'%s': refused: %s", c->query, err);
  ck_assert_msg(strcmp(q.target.text, c->target) == 0, "'%s': target '%s'",
                c->query, q.target.text);
  ck_assert_msg(q.target.is_name == c->is_name, "'%s': is_name", c->query);
  ck_assert_msg(q.target.port == c->port, "'%s': port %u", c->query,
                (unsigned)q.target.port);
  if (c->is_name)
    ck_assert_msg(strcmp(q.target.host, c->host_or_addr) == 0,
                  "'%s': host '%s'", c->query, q.target.host);
  else
  {
    char a[64] = "";
    const struct sockaddr_storage *ss = &q.target.addr;
    if (ss->ss_family == AF_INET)
    {
      const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
      inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
      ck_assert_msg(ntohs(s4->sin_port) == c->port, "'%s': sockaddr port",
                    c->query);
    }
    else
    {
      const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
      inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
      ck_assert_msg(ntohs(s6->sin6_port) == c->port, "'%s': sockaddr port",
                    c->query);
    }
    ck_assert_msg(strcmp(a, c->host_or_addr) == 0, "'%s': address '%s'",
                  c->query, a);
  }
  ck_assert_msg(strcmp(q.module, c->module) == 0, "'%s': module '%s'", c->query,
                q.module);
  ck_assert_msg(q.zone_given == (c->zone != NULL), "'%s': zone given",
                c->query);
  if (c->zone != NULL)
    ck_assert_msg(strcmp(q.zone, c->zone) == 0, "'%s': zone '%s'", c->query,
                  q.zone);
}
END_TEST

/* Inputs no table row holds: too long, a NULL, and every byte value. */
START_TEST(test_query_bounds)
{
  char big[DP_SERVE_QUERY_MAX + 64], err[256];
  struct dp_serve_query q;
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  memcpy(big, "target=", 7);
  ck_assert_int_eq(dp_serve_query_parse(big, &q, err, sizeof(err)), DP_EINVAL);
  ck_assert_msg(strstr(err, "longer than") != NULL, "long query: '%s'", err);
  char t[DP_SERVE_TARGET_MAX + 16];
  memset(t, 'a', sizeof(t) - 1);
  t[sizeof(t) - 1] = '\0';
  ck_assert_int_eq(dp_serve_target_parse(t, &q.target, err, sizeof(err)),
                   DP_EINVAL);
  ck_assert_msg(strstr(err, "longer than") != NULL, "long target: '%s'", err);
  ck_assert_int_eq(dp_serve_query_parse(NULL, &q, err, sizeof(err)), DP_EINVAL);
  ck_assert_int_eq(
      dp_serve_query_parse("target=1.2.3.4", NULL, err, sizeof(err)),
      DP_EINVAL);
  /* every byte in a value, percent-encoded: refused or taken, one line */
  for (unsigned b = 1; b < 256; b++)
  {
    char qs[64];
    snprintf(qs, sizeof(qs), "target=a%%%02xb.example", b);
    dp_status_t st = dp_serve_query_parse(qs, &q, err, sizeof(err));
    ck_assert_msg(st == DP_OK || strchr(err, '\n') == NULL,
                  "byte %u: a reason on one line", b);
  }
}
END_TEST

/* ---- the allow-list ---------------------------------------------------------
 */

struct allow_case
{
  const char *rules[4];
  const char *probe; /* an address, or a canonical name (trailing dot) */
  bool allowed;
};

static const struct allow_case allow_cases[] = {
    {{"127.0.0.0/8"}, "127.0.0.1", true},
    {{"127.0.0.0/8"}, "127.255.255.255", true},
    {{"127.0.0.0/8"}, "128.0.0.1", false},
    {{"127.0.0.0/8"}, "126.255.255.255", false},
    {{"127.0.0.0/8"}, "::1", false},
    {{"127.0.0.0/8"}, "::ffff:127.0.0.1", true},
    {{"127.0.0.0/8"}, "::ffff:198.51.100.1", false},
    {{"198.51.100.3"}, "198.51.100.3", true},
    {{"198.51.100.3"}, "198.51.100.4", false},
    {{"198.51.100.3/8"}, "198.9.9.9", true}, /* host bits are cleared */
    {{"192.0.2.128/25"}, "192.0.2.128", true},
    {{"192.0.2.128/25"}, "192.0.2.255", true},
    {{"192.0.2.128/25"}, "192.0.2.127", false},
    {{"192.0.2.0/31"}, "192.0.2.1", true},
    {{"192.0.2.0/31"}, "192.0.2.2", false},
    {{"0.0.0.0/0"}, "198.51.100.7", true},
    {{"0.0.0.0/0"}, "2001:db8::1", false},
    {{"2001:db8::/32"}, "2001:db8::1", true},
    {{"2001:db8::/32"}, "2001:db8:ffff:ffff::1", true},
    {{"2001:db8::/32"}, "2001:db9::1", false},
    {{"2001:db8::/32"}, "192.0.2.1", false},
    {{"::1"}, "::1", true},
    {{"::1"}, "::2", false},
    {{"::1"}, "127.0.0.1", false},
    {{"fe80::/10"}, "febf::1", true},
    {{"fe80::/10"}, "fec0::1", false},
    {{"2001:db8:0:1::/63"}, "2001:db8:0:1::1", true},
    {{"2001:db8:0:1::/63"}, "2001:db8:0:2::1", false},
    {{"example.com"}, "example.com.", true},
    {{"example.com"}, "ns1.example.com.", true},
    {{"example.com"}, "a.b.example.com.", true},
    {{"example.com"}, "badexample.com.", false},
    {{"example.com"}, "example.com.evil.", false},
    {{"example.com"}, "com.", false},
    {{"example.com."}, "xexample.com.", false},
    {{"Example.COM."}, "ns.example.com.", true},
    {{"."}, "anything.example.", true},
    {{"example.com"}, "127.0.0.1", false},  /* a name never allows an address */
    {{"127.0.0.0/8"}, "localhost.", false}, /* nor a network a name */
    {{"example.net", "198.18.0.0/15", "example.com"},
     "mail.example.com.",
     true},
    {{"example.net", "198.18.0.0/15", "example.com"}, "198.19.0.1", true},
    {{NULL}, "127.0.0.1", false}, /* empty: nothing */
    {{NULL}, "example.com.", false},
};

START_TEST(test_allow)
{
  const struct allow_case *c = &allow_cases[_i];
  struct dp_serve_allow a;
  char err[256];
  memset(&a, 0, sizeof(a));
  for (size_t k = 0; k < NELEM(c->rules) && c->rules[k] != NULL; k++)
    ck_assert_msg(dp_serve_allow_add(&a, c->rules[k], err, sizeof(err)) ==
                      DP_OK,
                  "rule '%s' refused: %s", c->rules[k], err);
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof(ss));
  bool got;
  if (inet_pton(AF_INET, c->probe, &((struct sockaddr_in *)&ss)->sin_addr) == 1)
  {
    ss.ss_family = AF_INET;
    got = dp_serve_allow_address(&a, &ss);
  }
  else if (inet_pton(AF_INET6, c->probe,
                     &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
  {
    ss.ss_family = AF_INET6;
    got = dp_serve_allow_address(&a, &ss);
  }
  else
    got = dp_serve_allow_name(&a, c->probe);
  ck_assert_msg(got == c->allowed, "rules '%s'...: %s %s", c->rules[0],
                c->probe, got ? "allowed" : "refused");
  dp_serve_allow_clear(&a);
}
END_TEST

static const struct
{
  const char *rule;
  const char *err;
} bad_rules[] = {
    {"", "empty"},
    {"127.0.0.0/33", "prefix length must be 0 to 32"},
    {"::1/129", "prefix length must be 0 to 128"},
    {"198.51.100.0/-1", "prefix length"},
    {"198.51.100.0/24x", "prefix length"},
    {"198.51.100.0/", "prefix length"},
    {"1.2.3", "not a network"},
    {"foo/24", "not a network"},
    {"[::1]", "not a network"},
    {"a..b", "empty label"},
    {"999.1.1.1", "not a network"},
};

START_TEST(test_allow_bad_rules)
{
  struct dp_serve_allow a;
  char err[256] = "";
  memset(&a, 0, sizeof(a));
  ck_assert_msg(dp_serve_allow_add(&a, bad_rules[_i].rule, err, sizeof(err)) ==
                    DP_EINVAL,
                "'%s' accepted", bad_rules[_i].rule);
  ck_assert_msg(strstr(err, bad_rules[_i].err) != NULL, "'%s': '%s' lacks '%s'",
                bad_rules[_i].rule, err, bad_rules[_i].err);
  ck_assert_msg(a.n == 0, "'%s': nothing added", bad_rules[_i].rule);
  dp_serve_allow_clear(&a);
}
END_TEST

START_TEST(test_allow_bound_and_merge)
{
  struct dp_serve_allow a, b;
  char err[256], text[80];
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  for (unsigned i = 0; i < DP_SERVE_ALLOW_MAX; i++)
  {
    snprintf(text, sizeof(text), "198.18.%u.%u/32", i / 256, i % 256);
    ck_assert_int_eq(dp_serve_allow_add(&a, text, err, sizeof(err)), DP_OK);
  }
  ck_assert_int_eq(dp_serve_allow_add(&a, "198.18.0.0/15", err, sizeof(err)),
                   DP_ERANGE);
  ck_assert_int_eq(dp_serve_allow_add(&b, "example.net", err, sizeof(err)),
                   DP_OK);
  ck_assert_int_eq(dp_serve_allow_merge(&a, &b), DP_ERANGE);
  dp_serve_allow_clear(&a);
  ck_assert_int_eq(dp_serve_allow_add(&a, "2001:db8::1/64", err, sizeof(err)),
                   DP_OK);
  ck_assert_int_eq(dp_serve_allow_merge(&a, &b), DP_OK);
  ck_assert_int_eq(a.n, 2);
  dp_serve_allow_rule_write(&a.rules[0], text, sizeof(text));
  ck_assert_str_eq(text, "2001:db8::/64");
  dp_serve_allow_rule_write(&a.rules[1], text, sizeof(text));
  ck_assert_str_eq(text, "example.net.");
  ck_assert(dp_serve_allow_name(&a, "ns.example.net."));
  dp_serve_allow_clear(&a);
  dp_serve_allow_clear(&b);
}
END_TEST

/* ---- the configuration
 * ------------------------------------------------------- */

static const char good_config[] =
    "# a comment\n"
    "allow_targets:\n"
    "  - 127.0.0.0/8\n"
    "  - \"::1\"\n"
    "  - example.net\n"
    "modules:\n"
    "  default: {}\n"
    "  empty:\n"
    "  authoritative:\n"
    "    zone: Example.NET\n"
    "    expect: authoritative\n"
    "    require: [axfr=denied, \"notify=denied|not-implemented\"]\n"
    "    allow: axfr=allowed\n"
    "    timeout: 1500ms\n"
    "    spacing: 1s\n"
    "    skip: [version, hostname]\n"
    "    fix_for: bind\n"
    "    recursion_name: www.example.org\n"
    "    ip: 4\n"
    "  resolver:\n"
    "    probes: udp,tcp,recursion\n"
    "    expect: resolver\n"
    "    timeout: 1m\n"
    "    ip: any\n";

START_TEST(test_config_good)
{
  struct dp_serve_config cfg;
  char err[512] = "";
  ck_assert_msg(dp_serve_config_parse(good_config, strlen(good_config),
                                      "good.yaml", &cfg, err,
                                      sizeof(err)) == DP_OK,
                "refused: %s", err);
  ck_assert_int_eq(cfg.nmodules, 4);
  ck_assert_int_eq(cfg.allow.n, 3);
  const struct dp_serve_module *d = dp_serve_config_module(&cfg, "default");
  ck_assert_ptr_nonnull(d);
  ck_assert_msg(d->probes == DP_PROBE_ALL && d->timeout_ms == 2000 &&
                    !d->zone_given && strcmp(d->zone, ".") == 0 &&
                    !d->expect_given,
                "default: the built-in values");
  ck_assert_ptr_nonnull(dp_serve_config_module(&cfg, "empty"));
  const struct dp_serve_module *a =
      dp_serve_config_module(&cfg, "authoritative");
  ck_assert_ptr_nonnull(a);
  ck_assert_str_eq(a->zone, "example.net.");
  ck_assert(a->zone_given);
  ck_assert_int_eq(a->timeout_ms, 1500);
  ck_assert_int_eq(a->spacing_ms, 1000);
  ck_assert(a->expect_given);
  ck_assert_int_eq(a->expect.profile, DP_EXPECT_AUTHORITATIVE);
  ck_assert_int_eq(a->expect.nrequire, 2);
  ck_assert_int_eq(a->expect.nallow, 1);
  ck_assert_int_eq(a->fix_for, DP_SOFTWARE_BIND);
  ck_assert_str_eq(a->recursion_name, "www.example.org.");
  ck_assert_int_eq(a->family, AF_INET);
  ck_assert_msg(!(a->probes & DP_PROBE_BIT(DP_PROBE_VERSION)) &&
                    !(a->probes & DP_PROBE_BIT(DP_PROBE_HOSTNAME)) &&
                    (a->probes & DP_PROBE_BIT(DP_PROBE_UDP)),
                "authoritative: skip applied");
  const struct dp_serve_module *r = dp_serve_config_module(&cfg, "resolver");
  ck_assert_ptr_nonnull(r);
  ck_assert_msg(r->probes ==
                    (DP_PROBE_BIT(DP_PROBE_UDP) | DP_PROBE_BIT(DP_PROBE_TCP) |
                     DP_PROBE_BIT(DP_PROBE_RECURSION)),
                "resolver: three probes");
  ck_assert_int_eq(r->timeout_ms, 60000);
  ck_assert_int_eq(r->family, AF_UNSPEC);
  ck_assert_ptr_null(dp_serve_config_module(&cfg, "nosuch"));
  dp_serve_config_clear(&cfg);

  /* allow_targets alone: the built-in module "default" */
  static const char only_allow[] = "allow_targets: [198.18.0.0/15]\n";
  ck_assert_int_eq(dp_serve_config_parse(only_allow, strlen(only_allow), "x",
                                         &cfg, err, sizeof(err)),
                   DP_OK);
  ck_assert_int_eq(cfg.nmodules, 1);
  ck_assert_str_eq(cfg.modules[0].name, "default");
  dp_serve_config_clear(&cfg);
}
END_TEST

struct config_case
{
  const char *text;
  const char *err; /* the whole "FILE:LINE: " prefix and a fragment */
};

static const struct config_case bad_configs[] = {
    {"", "bad.yaml:1: an empty configuration"},
    {"# only a comment\n", "bad.yaml:1: an empty configuration"},
    {"listen: 127.0.0.1:1\n", "bad.yaml:1: unknown key 'listen'"},
    {"- a\n- b\n", "bad.yaml:1: the configuration must be a mapping"},
    {"modules: [a, b]\n", "bad.yaml:1: modules must be a mapping"},
    {"modules: {}\n", "bad.yaml:1: modules: no module"},
    {"modules:\n  a:\n    timeout: 2\n", "bad.yaml:3: a.timeout '2': a "
                                         "duration"},
    {"modules:\n  a:\n    timeout: 2h\n", "bad.yaml:3: a.timeout '2h'"},
    {"modules:\n  a:\n    timeout: 61s\n", "bad.yaml:3: a.timeout '61s': "
                                           "must be from 1ms to 60000ms"},
    {"modules:\n  a:\n    timeout: 0ms\n", "bad.yaml:3: a.timeout '0ms'"},
    {"modules:\n  a:\n    timeout: 99999999999s\n", "bad.yaml:3: a.timeout"},
    {"modules:\n  a:\n    spacing: -1ms\n", "bad.yaml:3: a.spacing"},
    {"modules:\n  a:\n    timeout: [1s]\n", "bad.yaml:3: a.timeout must be "
                                            "a duration"},
    {"modules:\n  a:\n    tmeout: 2s\n", "bad.yaml:3: module a: unknown key "
                                         "'tmeout'"},
    {"modules:\n  a: {}\n  a: {}\n", "bad.yaml:3: modules: key 'a' given "
                                     "twice"},
    {"modules:\n  a:\n    zone: x\n    zone: y\n", "bad.yaml:4: module a: key "
                                                   "'zone' given twice"},
    {"allow_targets: []\nallow_targets: []\n", "bad.yaml:2: the "
                                               "configuration: key "
                                               "'allow_targets' given twice"},
    {"modules:\n  bad name: {}\n", "bad.yaml:2: module 'bad name'"},
    {"modules:\n  a: 5\n", "bad.yaml:2: module a must be a mapping"},
    {"modules:\n  a:\n    probes: [udp, nosuch]\n", "bad.yaml:2: module a: "
                                                    "unknown probe 'nosuch'"},
    {"modules:\n  a:\n    probes: \"udp,,tcp\"\n", "bad.yaml:3: a.probes"},
    {"modules:\n  a:\n    probes: []\n", "bad.yaml:3: a.probes: an empty "
                                         "list"},
    {"modules:\n  a:\n    probes: [udp]\n    skip: [udp]\n",
     "bad.yaml:2: module a: no probe left"},
    {"modules:\n  a:\n    zone: a..b\n", "bad.yaml:3: a.zone 'a..b'"},
    {"modules:\n  a:\n    zone: \"\"\n", "bad.yaml:3: a.zone must be a "
                                         "domain name"},
    {"modules:\n  a:\n    zone: \"ex\\0ample\"\n", "bad.yaml:3: a.zone must "
                                                   "be a domain name"},
    {"modules:\n  a:\n    recursion_name: .bad\n", "bad.yaml:3: "
                                                   "a.recursion_name"},
    {"modules:\n  a:\n    expect: maybe\n", "bad.yaml:3: a.expect 'maybe'"},
    {"modules:\n  a:\n    require: [axfr=opened]\n",
     "bad.yaml:3: a.require 'axfr=opened': unknown verdict"},
    {"modules:\n  a:\n    allow:\n      - axfrr=allowed\n",
     "bad.yaml:4: a.allow 'axfrr=allowed': unknown probe"},
    {"modules:\n  a:\n    require: {axfr: denied}\n",
     "bad.yaml:3: a.require must be a list"},
    {"modules:\n  a:\n    fix_for: bindx\n", "bad.yaml:3: a.fix_for 'bindx'"},
    {"modules:\n  a:\n    ip: 5\n", "bad.yaml:3: a.ip '5'"},
    {"allow_targets: [127.0.0.0/33]\n", "bad.yaml:1: allow_targets: "
                                        "'127.0.0.0/33'"},
    {"allow_targets:\n  - 127.0.0.0/8\n  - 1.2.3\n",
     "bad.yaml:3: allow_targets: '1.2.3'"},
    {"allow_targets:\n  - [a]\n", "bad.yaml:2: allow_targets: each item"},
    {"allow_targets: 5\n", "bad.yaml:1: allow_targets: '5'"},
    {"modules:\n  a: {\n", "bad.yaml:3: "},
    {"modules:\n\ta: {}\n", "bad.yaml:2: "},
    {"modules: {a: {}}\n---\nallow_targets: []\n",
     "bad.yaml:3: a second YAML document"},
    {"modules: &m\n  a: *m\n", "bad.yaml:2: module a: unknown key 'a'"},
    {"? [a]\n: 1\n", "bad.yaml:1: a key must be a plain string"},
    {"modules:\n  a:\n    probes: *nosuch\n", "bad.yaml:3: "},
};

START_TEST(test_config_bad)
{
  const struct config_case *c = &bad_configs[_i];
  struct dp_serve_config cfg;
  char err[512] = "";
  dp_status_t st = dp_serve_config_parse(c->text, strlen(c->text), "bad.yaml",
                                         &cfg, err, sizeof(err));
  ck_assert_msg(st == DP_EINVAL, "case %d: accepted (%d)", _i, (int)st);
  /* "bad.yaml:LINE:" exactly, then the fragment somewhere after it */
  const char *colon = strchr(c->err, ':');
  size_t prefix = (size_t)(strchr(colon + 1, ':') - c->err) + 1;
  ck_assert_msg(strncmp(err, c->err, prefix) == 0 &&
                    strstr(err + prefix, c->err + prefix) != NULL,
                "case %d: '%s', want '%s'", _i, err, c->err);
  ck_assert_msg(strchr(err, '\n') == NULL, "case %d: one line", _i);
  ck_assert_msg(cfg.nmodules == 0 && cfg.modules == NULL && cfg.allow.n == 0,
                "case %d: nothing kept", _i);
}
END_TEST

START_TEST(test_config_files)
{
  struct dp_serve_config cfg;
  char err[512] = "", path[] = "/tmp/dnsprobe-test-serve-XXXXXX";
  ck_assert_int_eq(dp_serve_config_load("/nonexistent/dnsprobe.yaml", &cfg, err,
                                        sizeof(err)),
                   DP_EIO);
  ck_assert_msg(strstr(err, "/nonexistent/dnsprobe.yaml: cannot read") != NULL,
                "'%s'", err);
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  FILE *f = fdopen(fd, "w");
  ck_assert_ptr_nonnull(f);
  fputs(good_config, f);
  fclose(f);
  ck_assert_int_eq(dp_serve_config_load(path, &cfg, err, sizeof(err)), DP_OK);
  ck_assert_int_eq(cfg.nmodules, 4);
  dp_serve_config_clear(&cfg);
  /* beyond the size bound: refused, not read whole */
  f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  for (size_t i = 0; i < DP_SERVE_CONFIG_MAX / 16 + 1; i++)
    fputs("# padding line.\n", f);
  fclose(f);
  ck_assert_int_eq(dp_serve_config_load(path, &cfg, err, sizeof(err)),
                   DP_EINVAL);
  ck_assert_msg(strstr(err, "longer than") != NULL, "'%s'", err);
  unlink(path);
  ck_assert_int_eq(dp_serve_config_default(&cfg), DP_OK);
  ck_assert_int_eq(cfg.nmodules, 1);
  ck_assert_int_eq(cfg.allow.n, 0);
  dp_serve_config_clear(&cfg);
  dp_serve_config_clear(NULL);
}
END_TEST

/* ---- the cache and the minimum interval -------------------------------------
 */

static struct dp_serve_result *result(void)
{
  struct dp_serve_result *r = dp_serve_result_create();
  ck_assert_ptr_nonnull(r);
  r->t.given = strdup("x");
  return r;
}

START_TEST(test_cache_interval)
{
  dp_serve_cache_t *c = NULL;
  struct dp_serve_entry *e = NULL, *e2 = NULL;
  int job = 1;
  ck_assert_int_eq(dp_serve_cache_create(0, 1000, &c), DP_EINVAL);
  ck_assert_int_eq(dp_serve_cache_create(4, 1000, &c), DP_OK);
  ck_assert_int_eq(dp_serve_cache_lookup(c, "k1", 0, &e), DP_SERVE_MISS);
  ck_assert_ptr_null(e);
  ck_assert_int_eq(dp_serve_cache_begin(c, "k1", 0, &job, &e), DP_OK);
  ck_assert(e->running);
  /* a second scrape while it runs joins it; a second battery is refused */
  ck_assert_int_eq(dp_serve_cache_lookup(c, "k1", 10, &e2), DP_SERVE_JOIN);
  ck_assert_ptr_eq(e2, e);
  ck_assert_ptr_eq(e2->job, &job);
  ck_assert_int_eq(dp_serve_cache_begin(c, "k1", 10, &job, &e2), DP_EINVAL);
  ck_assert_int_eq(dp_serve_cache_lookup(c, "k2", 10, &e2), DP_SERVE_MISS);

  struct dp_serve_result *r = result();
  dp_serve_cache_finish(c, e, r, 100);
  ck_assert_msg(r->finished_ms == 100 && r->refs == 2,
                "finished at 100, held by the cache");
  /* inside the interval: the result, with its age */
  ck_assert_int_eq(dp_serve_cache_lookup(c, "k1", 500, &e), DP_SERVE_HIT);
  ck_assert_ptr_eq(e->result, r);
  ck_assert_msg(500 - e->result->finished_ms == 400, "age 400 ms");
  ck_assert_int_eq(dp_serve_cache_lookup(c, "k1", 1099.9, &e), DP_SERVE_HIT);
  /* the interval is over: probe again, and the cache let go of it */
  ck_assert_int_eq(dp_serve_cache_lookup(c, "k1", 1100, &e), DP_SERVE_MISS);
  ck_assert_int_eq(r->refs, 1);
  ck_assert_int_eq(dp_serve_cache_size(c), 0);
  /* a request that still shows it keeps it alive */
  dp_serve_result_unref(r);

  /* a new battery for a key with a fresh result replaces it */
  ck_assert_int_eq(dp_serve_cache_begin(c, "k1", 2000, &job, &e), DP_OK);
  r = result();
  dp_serve_cache_finish(c, e, r, 2000);
  ck_assert_int_eq(dp_serve_cache_begin(c, "k1", 2500, &job, &e), DP_OK);
  ck_assert_int_eq(r->refs, 1);
  dp_serve_cache_abandon(c, e);
  ck_assert_int_eq(dp_serve_cache_lookup(c, "k1", 2600, &e), DP_SERVE_MISS);
  dp_serve_result_unref(r);
  dp_serve_cache_destroy(c);
}
END_TEST

START_TEST(test_cache_bound)
{
  dp_serve_cache_t *c = NULL;
  struct dp_serve_entry *e[5];
  char key[8];
  ck_assert_int_eq(dp_serve_cache_create(4, 10000, &c), DP_OK);
  for (int i = 0; i < 4; i++)
  {
    snprintf(key, sizeof(key), "k%d", i);
    ck_assert_int_eq(dp_serve_cache_begin(c, key, i, NULL, &e[i]), DP_OK);
  }
  /* four batteries running: no room for a fifth key */
  ck_assert_int_eq(dp_serve_cache_begin(c, "k4", 5, NULL, &e[4]), DP_ERANGE);
  struct dp_serve_result *r0 = result(), *r1 = result();
  dp_serve_cache_finish(c, e[0], r0, 10);
  dp_serve_cache_finish(c, e[1], r1, 20);
  /* the oldest result makes room, the younger one stays */
  ck_assert_int_eq(dp_serve_cache_begin(c, "k4", 30, NULL, &e[4]), DP_OK);
  ck_assert_int_eq(dp_serve_cache_lookup(c, "k0", 30, &e[0]), DP_SERVE_MISS);
  ck_assert_int_eq(dp_serve_cache_lookup(c, "k1", 30, &e[1]), DP_SERVE_HIT);
  ck_assert_int_eq(dp_serve_cache_size(c), 4);
  ck_assert_int_eq(r0->refs, 1);
  dp_serve_result_unref(r0);
  dp_serve_result_unref(r1);
  dp_serve_cache_destroy(c); /* frees the running entries and r1's ref */
}
END_TEST

START_TEST(test_cache_flush_and_no_interval)
{
  dp_serve_cache_t *c = NULL;
  struct dp_serve_entry *e = NULL, *done = NULL;
  ck_assert_int_eq(dp_serve_cache_create(8, 1000, &c), DP_OK);
  struct dp_serve_result *old = result();
  ck_assert_int_eq(dp_serve_cache_begin(c, "a", 0, NULL, &done), DP_OK);
  dp_serve_cache_finish(c, done, old, 0);
  ck_assert_int_eq(dp_serve_cache_begin(c, "b", 0, NULL, &e), DP_OK);
  /* a new configuration: results forgotten, the running battery is not
   * kept when it ends */
  dp_serve_cache_flush(c);
  ck_assert_int_eq(dp_serve_cache_size(c), 0);
  ck_assert_int_eq(old->refs, 1);
  ck_assert_int_eq(dp_serve_cache_lookup(c, "a", 1, &done), DP_SERVE_MISS);
  ck_assert_int_eq(dp_serve_cache_lookup(c, "b", 1, &done), DP_SERVE_MISS);
  struct dp_serve_result *r = result();
  dp_serve_cache_finish(c, e, r, 5);
  ck_assert_int_eq(r->refs, 1);
  ck_assert_int_eq(dp_serve_cache_lookup(c, "b", 6, &done), DP_SERVE_MISS);
  dp_serve_result_unref(r);
  dp_serve_result_unref(old);
  /* a running entry at flush, abandoned later */
  ck_assert_int_eq(dp_serve_cache_begin(c, "c", 10, NULL, &e), DP_OK);
  dp_serve_cache_flush(c);
  dp_serve_cache_abandon(c, e);
  /* and one still running at destroy */
  ck_assert_int_eq(dp_serve_cache_begin(c, "d", 10, NULL, &e), DP_OK);
  dp_serve_cache_flush(c);
  dp_serve_cache_destroy(c);

  /* no interval: every scrape probes, a join still shares a battery */
  ck_assert_int_eq(dp_serve_cache_create(8, 0, &c), DP_OK);
  ck_assert_int_eq(dp_serve_cache_begin(c, "k", 0, NULL, &e), DP_OK);
  ck_assert_int_eq(dp_serve_cache_lookup(c, "k", 0, &done), DP_SERVE_JOIN);
  r = result();
  dp_serve_cache_finish(c, e, r, 1);
  ck_assert_int_eq(dp_serve_cache_lookup(c, "k", 1, &done), DP_SERVE_MISS);
  ck_assert_int_eq(r->refs, 1);
  dp_serve_result_unref(r);
  dp_serve_cache_destroy(c);
}
END_TEST

START_TEST(test_cache_keys)
{
  char a[256], b[256];
  struct sockaddr_storage s1, s2;
  memset(&s1, 0, sizeof(s1));
  memset(&s2, 0, sizeof(s2));
  struct sockaddr_in *in1 = (struct sockaddr_in *)&s1;
  in1->sin_family = AF_INET;
  in1->sin_port = htons(53);
  inet_pton(AF_INET, "127.0.0.1", &in1->sin_addr);
  s2 = s1;
  ((struct sockaddr_in *)&s2)->sin_port = htons(5301);
  ck_assert_int_eq(
      dp_serve_key_write(a, sizeof(a), "m", "t", &s1, "example.test."), DP_OK);
  ck_assert_int_eq(
      dp_serve_key_write(b, sizeof(b), "m", "t", &s2, "example.test."), DP_OK);
  ck_assert_msg(strcmp(a, b) != 0, "the port is in the key");
  ck_assert_int_eq(dp_serve_key_write(b, sizeof(b), "m", "t", &s1, "."), DP_OK);
  ck_assert_msg(strcmp(a, b) != 0, "the zone is in the key");
  ck_assert_int_eq(
      dp_serve_key_write(b, sizeof(b), "n", "t", &s1, "example.test."), DP_OK);
  ck_assert_msg(strcmp(a, b) != 0, "the module is in the key");
  ck_assert_int_eq(
      dp_serve_key_write(b, sizeof(b), "m", "u", &s1, "example.test."), DP_OK);
  ck_assert_msg(strcmp(a, b) != 0, "the target is in the key");
  ck_assert_int_eq(dp_serve_key_write(b, 8, "m", "t", &s1, "example.test."),
                   DP_ESPACE);
}
END_TEST

static Suite *serve_suite(void)
{
  Suite *s = suite_create("serve");
  TCase *tc = tcase_create("query");
  tcase_add_loop_test(tc, test_query, 0, NELEM(query_cases));
  tcase_add_test(tc, test_query_bounds);
  suite_add_tcase(s, tc);
  tc = tcase_create("allow");
  tcase_add_loop_test(tc, test_allow, 0, NELEM(allow_cases));
  tcase_add_loop_test(tc, test_allow_bad_rules, 0, NELEM(bad_rules));
  tcase_add_test(tc, test_allow_bound_and_merge);
  suite_add_tcase(s, tc);
  tc = tcase_create("config");
  tcase_add_test(tc, test_config_good);
  tcase_add_loop_test(tc, test_config_bad, 0, NELEM(bad_configs));
  tcase_add_test(tc, test_config_files);
  suite_add_tcase(s, tc);
  tc = tcase_create("cache");
  tcase_add_test(tc, test_cache_interval);
  tcase_add_test(tc, test_cache_bound);
  tcase_add_test(tc, test_cache_flush_and_no_interval);
  tcase_add_test(tc, test_cache_keys);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(serve_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
