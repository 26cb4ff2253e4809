/*
 * test_probes.c: unit tests of the probe table (src/probes/table.c).
 *
 * The table's invariants (unique ids, complete rows, `after` naming a probe
 * above or below, udp and tcp judged before the probes that read their
 * verdicts); probe selection with good and bad --probes / --skip lists; and
 * every core builder's query, written with dp_wire_query_write and parsed
 * back with dp_wire_msg_parse, checked against docs/design/probes.md
 * ("Core battery"). The UPDATE probe's no-op guarantee (RFC 2136 2.4, 2.5:
 * empty prerequisite and update sections) is asserted for a table of zones.
 * Expectations come from docs/design/probes.md, not from the code.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dnsprobe/probes.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const recursion_default = "www.example.net.";

/* The id of a probe named by a test, or -1. */
static int probe_index(const char *name)
{
  dp_probe_id_t id;
  if (dp_probe_id_fromstr(name, strlen(name), &id) != DP_OK)
    return -1;
  return (int)id;
}

/* ---- the table ----------------------------------------------------------- */

START_TEST(test_table_size)
{
  ck_assert_msg(DP_PROBE_COUNT >= 8,
                "table: %d probes, fewer than the core battery's 8",
                (int)DP_PROBE_COUNT);
  ck_assert_msg(dp_probe_def(DP_PROBE_COUNT) == NULL,
                "table: a row past the last probe");
}
END_TEST

/* One loop iteration per table row. */
START_TEST(test_table_row)
{
  const dp_probe_id_t id = (dp_probe_id_t)_i;
  const struct dp_probe_def *d = dp_probe_def(id);
  const char *name = dp_probe_id_tostr(id);
  dp_probe_id_t back;

  ck_assert_msg(d != NULL, "row %d: dp_probe_def returned NULL", _i);
  ck_assert_msg(strcmp(name, "unknown") != 0 && name[0] != '\0',
                "row %d: no name", _i);
  ck_assert_msg(dp_probe_id_fromstr(name, strlen(name), &back) == DP_OK &&
                    back == id,
                "probe %s: its name does not parse back to it", name);
  ck_assert_msg(d->summary != NULL && d->summary[0] != '\0',
                "probe %s: empty summary", name);
  ck_assert_msg(d->sent != NULL && d->sent[0] != '\0', "probe %s: empty sent",
                name);
  ck_assert_msg(d->build != NULL, "probe %s: no builder", name);
  for (int j = 0; j < _i; j++)
    ck_assert_msg(strcmp(dp_probe_id_tostr((dp_probe_id_t)j), name) != 0,
                  "probe %s: name also used by probe %d", name, j);
  ck_assert_msg((d->after & ~DP_PROBE_ALL) == 0,
                "probe %s: after names a probe past the table", name);
  ck_assert_msg(!(d->after & DP_PROBE_BIT(id)), "probe %s: after names itself",
                name);
  /* A judge exists for every probe: one without would be "none". */
  struct dp_run run;
  memset(&run, 0, sizeof(run));
  struct dp_target_result t;
  memset(&t, 0, sizeof(t));
  ck_assert_int_eq(dp_target_probes_create(&t), DP_OK);
  t.probes[id].outcome = DP_OUTCOME_TIMEOUT;
  char detail[128];
  ck_assert_msg(dp_diagnose_judge(&t.probes[id], &t, detail, sizeof(detail)) ==
                    DP_VERDICT_NO_ANSWER,
                "probe %s: a timeout is not judged no-answer", name);
  dp_target_clear(&t);
}
END_TEST

START_TEST(test_table_find_unknown)
{
  static const char *const unknown[] = {"", "nope", "UDP", "udp,tcp", "udp "};

  for (size_t i = 0; i < NELEM(unknown); i++)
  {
    dp_probe_id_t id;
    ck_assert_msg(dp_probe_id_fromstr(unknown[i], strlen(unknown[i]), &id) ==
                      DP_EINVAL,
                  "fromstr \"%s\": found a probe", unknown[i]);
  }
}
END_TEST

/* What docs/design/probes.md says about each core probe's row. */
struct core_case
{
  const char *id;
  int transport; /* dp_transport_t, or -1 when probes.md does not say */
  bool stream;   /* a zone transfer, read to its end */
  bool reads_zone_verdicts; /* its verdict depends on udp/tcp's */
};

static const struct core_case core_cases[] = {
    {"udp", DP_TRANSPORT_UDP, false, false},
    {"tcp", DP_TRANSPORT_TCP, false, false},
    {"recursion", -1, false, true},
    {"axfr", DP_TRANSPORT_TCP, true, true},
    {"ixfr", DP_TRANSPORT_TCP, true, true},
    {"update", -1, false, true},
    {"notify", -1, false, true},
    {"opcode", -1, false, false},
};

START_TEST(test_table_core)
{
  const struct core_case *c = &core_cases[_i];
  int k = probe_index(c->id);
  const struct dp_probe_def *d = k >= 0 ? dp_probe_def((dp_probe_id_t)k) : NULL;

  ck_assert_msg(d != NULL, "core %s: not in the table", c->id);
  if (c->transport >= 0)
    ck_assert_msg((int)d->transport == c->transport,
                  "core %s: transport %d, want %d", c->id, (int)d->transport,
                  c->transport);
  ck_assert_msg(d->stream == c->stream, "core %s: stream %d, want %d", c->id,
                d->stream, c->stream);
  /* Phase 1 runs in table order and a judge reads only earlier verdicts
   * (diagnose.h): udp and tcp must come first. */
  if (c->reads_zone_verdicts)
  {
    ck_assert_msg(probe_index("udp") < probe_index(c->id),
                  "core %s: judged before udp", c->id);
    ck_assert_msg(probe_index("tcp") < probe_index(c->id),
                  "core %s: judged before tcp", c->id);
  }
}
END_TEST

/* ---- selection ----------------------------------------------------------- */

/* A --probes/--skip pair and the ids it must select ("*" stands for every
 * probe of the table, "-" before an id removes it from that). */
struct select_case
{
  const char *name;
  const char *only;
  const char *skip;
  dp_status_t status;
  const char *bad;            /* the unknown id reported */
  const char *const want[10]; /* ids, ending with NULL */
};

static const struct select_case select_cases[] = {
    {"all", NULL, NULL, DP_OK, NULL, {"*", NULL}},
    {"only-one", "opcode", NULL, DP_OK, NULL, {"opcode", NULL}},
    {"only-two", "udp,tcp", NULL, DP_OK, NULL, {"udp", "tcp", NULL}},
    {"only-out-of-order",
     "notify,udp",
     NULL,
     DP_OK,
     NULL,
     {"udp", "notify", NULL}},
    {"only-duplicate", "axfr,axfr", NULL, DP_OK, NULL, {"axfr", NULL}},
    {"skip-two", NULL, "axfr,ixfr", DP_OK, NULL, {"*", "-axfr", "-ixfr", NULL}},
    {"skip-one", NULL, "update", DP_OK, NULL, {"*", "-update", NULL}},
    {"only-minus-skip",
     "udp,axfr,update",
     "axfr",
     DP_OK,
     NULL,
     {"udp", "update", NULL}},
    {"only-all-skipped", "udp,tcp", "tcp,udp", DP_OK, NULL, {NULL}},
    {"skip-core",
     NULL,
     "udp,tcp,recursion,axfr,ixfr,update,notify,opcode",
     DP_OK,
     NULL,
     {"*", "-udp", "-tcp", "-recursion", "-axfr", "-ixfr", "-update", "-notify",
      "-opcode", NULL}},
    {"only-unknown", "bogus", NULL, DP_EINVAL, "bogus", {NULL}},
    {"only-unknown-second", "udp,bogus,tcp", NULL, DP_EINVAL, "bogus", {NULL}},
    {"skip-unknown", NULL, "axfr,nope", DP_EINVAL, "nope", {NULL}},
    {"only-prefix", "ud", NULL, DP_EINVAL, "ud", {NULL}},
};

static dp_probe_set_t bit_of(const char *label, const char *id)
{
  int k = probe_index(id);

  ck_assert_msg(k >= 0, "%s: test names unknown probe %s", label, id);
  return (dp_probe_set_t)1 << k;
}

static dp_probe_set_t all_probes(void)
{
  dp_probe_set_t all = 0;

  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
    all |= (dp_probe_set_t)1 << i;
  return all;
}

START_TEST(test_select)
{
  const struct select_case *c = &select_cases[_i];
  dp_probe_set_t want = 0, set = 0;
  const char *bad = NULL;

  for (size_t i = 0; c->want[i] != NULL; i++)
  {
    if (strcmp(c->want[i], "*") == 0)
      want = all_probes();
    else if (c->want[i][0] == '-')
      want &= ~bit_of(c->name, c->want[i] + 1);
    else
      want |= bit_of(c->name, c->want[i]);
  }
  dp_status_t st = dp_probe_select(c->only, c->skip, &set, &bad);
  ck_assert_msg(st == c->status, "%s: status %d, want %d", c->name, (int)st,
                (int)c->status);
  if (c->status != DP_OK)
  {
    ck_assert_msg(bad != NULL, "%s: unknown id not reported", c->name);
    ck_assert_msg(strcmp(bad, c->bad) == 0, "%s: reported \"%s\", want \"%s\"",
                  c->name, bad, c->bad);
    return;
  }
  ck_assert_msg(set == want, "%s: set %#llx, want %#llx", c->name,
                (unsigned long long)set, (unsigned long long)want);
}
END_TEST

/* Skipping every probe of the table, whatever it holds, leaves nothing. */
START_TEST(test_select_skip_all)
{
  char list[1024] = "";
  size_t used = 0;
  dp_probe_set_t set = ~(dp_probe_set_t)0;
  const char *bad = NULL;

  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
  {
    int n = snprintf(list + used, sizeof(list) - used, "%s%s", i ? "," : "",
                     dp_probe_id_tostr((dp_probe_id_t)i));
    ck_assert_msg(n > 0 && (size_t)n < sizeof(list) - used,
                  "skip-all: list buffer too small");
    used += (size_t)n;
  }
  dp_status_t st = dp_probe_select(NULL, list, &set, &bad);
  ck_assert_msg(st == DP_OK, "skip-all: status %d", (int)st);
  ck_assert_msg(set == 0, "skip-all: set %#llx, want empty",
                (unsigned long long)set);
}
END_TEST

/* ---- builders ------------------------------------------------------------ */

/* -1 in an int expectation: probes.md does not say, not checked. */
#define ANY (-1)

struct build_case
{
  const char *name;
  const char *probe;
  const char *zone;
  bool has_serial;
  uint32_t serial;
  /* expectations */
  const char *qname;
  uint16_t qtype;
  uint8_t opcode;
  int rd, aa;           /* 0, 1 or ANY */
  int edns;             /* 0: no OPT, 1: OPT version 0, ANY */
  int ancount, nscount; /* or ANY */
  int64_t ixfr_serial;  /* serial in the authority SOA, or ANY */
};

static const struct build_case build_cases[] = {
    {"udp", "udp", "example.test.", false, 0, "example.test.", DP_TYPE_SOA, 0,
     0, ANY, 1, 0, 0, ANY},
    {"udp-root", "udp", ".", false, 0, ".", DP_TYPE_SOA, 0, 0, ANY, 1, 0, 0,
     ANY},
    {"tcp", "tcp", "example.test.", false, 0, "example.test.", DP_TYPE_SOA, 0,
     0, ANY, 1, 0, 0, ANY},
    {"tcp-deep", "tcp", "a.b.example.test.", false, 0, "a.b.example.test.",
     DP_TYPE_SOA, 0, 0, ANY, 1, 0, 0, ANY},
    {"recursion", "recursion", "example.test.", false, 0, "www.example.net.",
     DP_TYPE_A, 0, 1, ANY, ANY, 0, 0, ANY},
    {"axfr", "axfr", "example.test.", false, 0, "example.test.", DP_TYPE_AXFR,
     0, ANY, ANY, ANY, 0, 0, ANY},
    {"axfr-root", "axfr", ".", false, 0, ".", DP_TYPE_AXFR, 0, ANY, ANY, ANY, 0,
     0, ANY},
    {"ixfr-serial", "ixfr", "example.test.", true, 2024010101u, "example.test.",
     DP_TYPE_IXFR, 0, ANY, ANY, ANY, 0, 1, 2024010100},
    {"ixfr-serial-1", "ixfr", "example.test.", true, 1, "example.test.",
     DP_TYPE_IXFR, 0, ANY, ANY, ANY, 0, 1, 0},
    /* RFC 1982: serials are modulo 2^32, so 0 - 1 is 4294967295. */
    {"ixfr-serial-0-wraps", "ixfr", "example.test.", true, 0, "example.test.",
     DP_TYPE_IXFR, 0, ANY, ANY, ANY, 0, 1, 4294967295},
    {"ixfr-serial-max", "ixfr", "example.test.", true, 4294967295u,
     "example.test.", DP_TYPE_IXFR, 0, ANY, ANY, ANY, 0, 1, 4294967294},
    {"ixfr-serial-unknown", "ixfr", "example.test.", false, 12345,
     "example.test.", DP_TYPE_IXFR, 0, ANY, ANY, ANY, 0, 1, 0},
    {"ixfr-root", "ixfr", ".", true, 7, ".", DP_TYPE_IXFR, 0, ANY, ANY, ANY, 0,
     1, 6},
    /* RFC 2136 2.3: the zone section is the zone's SOA question. */
    {"update", "update", "example.test.", false, 0, "example.test.",
     DP_TYPE_SOA, DP_OPCODE_UPDATE, ANY, ANY, ANY, 0, 0, ANY},
    /* RFC 1996 3.7: NOTIFY with AA and the zone's SOA as question. */
    {"notify", "notify", "example.test.", false, 0, "example.test.",
     DP_TYPE_SOA, DP_OPCODE_NOTIFY, ANY, 1, ANY, ANY, ANY, ANY},
    /* RFC 8906 8.1.4: unassigned opcode 15, no EDNS. */
    {"opcode", "opcode", "example.test.", false, 0, NULL, 0, 15, ANY, ANY, 0,
     ANY, ANY, ANY},
};

/* Run probe's builder for zone and write the query to buf; returns its length.
 */
static size_t build_probe(const char *label, const struct dp_probe_def *d,
                          const struct dp_probe_ctx *ctx, uint8_t *buf,
                          size_t cap)
{
  struct dp_wire_query q;
  size_t len = 0;

  memset(&q, 0, sizeof(q));
  q.id = 0x1234;
  d->build(ctx, &q);
  dp_status_t st = dp_wire_query_write(&q, buf, cap, &len);
  ck_assert_msg(st == DP_OK, "%s: dp_wire_query_write: %s", label,
                dp_strerror(st));
  ck_assert_msg(len >= DP_DNS_HEADER_LEN && len <= cap, "%s: query length %zu",
                label, len);
  return len;
}

/* Name at a message offset in presentation form. */
static void read_name(const char *label, const struct dp_wire_msg *m,
                      size_t off, char *out, size_t cap)
{
  uint8_t wire[DP_DNS_NAME_MAX + 1];
  size_t wlen = 0;

  dp_status_t st =
      dp_wire_name_read(m->buf, m->len, off, wire, sizeof(wire), &wlen, NULL);
  ck_assert_msg(st == DP_OK, "%s: name at %zu: %s", label, off,
                dp_strerror(st));
  st = dp_wire_name_tostr(wire, wlen, out, cap);
  ck_assert_msg(st == DP_OK, "%s: name_tostr: %s", label, dp_strerror(st));
}

START_TEST(test_build)
{
  const struct build_case *c = &build_cases[_i];
  int k = probe_index(c->probe);
  const struct dp_probe_def *d = k >= 0 ? dp_probe_def((dp_probe_id_t)k) : NULL;
  struct dp_probe_ctx ctx = {.zone = c->zone,
                             .recursion_name = recursion_default,
                             .has_serial = c->has_serial,
                             .serial = c->serial};
  uint8_t buf[1024];
  struct dp_wire_msg m;
  char name[DP_WIRE_NAME_STRLEN];

  ck_assert_msg(d != NULL, "%s: probe %s not in the table", c->name, c->probe);
  size_t len = build_probe(c->name, d, &ctx, buf, sizeof(buf));
  dp_status_t st = dp_wire_msg_parse(buf, len, &m);
  ck_assert_msg(st == DP_OK, "%s: parse: %s", c->name, dp_strerror(st));
  ck_assert_msg(m.complete, "%s: parse incomplete: %s", c->name,
                m.problem_what ? m.problem_what : "?");

  ck_assert_msg(!m.qr, "%s: QR set in a query", c->name);
  ck_assert_msg(m.opcode == c->opcode, "%s: opcode %u, want %u", c->name,
                m.opcode, c->opcode);
  ck_assert_msg(m.hdr_rcode == 0, "%s: RCODE %u in a query", c->name,
                m.hdr_rcode);
  ck_assert_msg(m.qdcount == 1, "%s: QDCOUNT %u, want 1", c->name, m.qdcount);
  ck_assert_msg(m.has_question, "%s: no question", c->name);
  if (c->qname != NULL)
  {
    read_name(c->name, &m, m.qname_off, name, sizeof(name));
    ck_assert_msg(strcmp(name, c->qname) == 0, "%s: qname %s, want %s", c->name,
                  name, c->qname);
    ck_assert_msg(m.qtype == c->qtype, "%s: qtype %u, want %u", c->name,
                  m.qtype, c->qtype);
    ck_assert_msg(m.qclass == DP_CLASS_IN, "%s: qclass %u, want IN", c->name,
                  m.qclass);
  }
  if (c->rd != ANY)
    ck_assert_msg(m.rd == (c->rd == 1), "%s: RD %d, want %d", c->name, m.rd,
                  c->rd);
  if (c->aa != ANY)
    ck_assert_msg(m.aa == (c->aa == 1), "%s: AA %d, want %d", c->name, m.aa,
                  c->aa);
  if (c->edns == 0)
    ck_assert_msg(!m.opt.present, "%s: OPT present, want none", c->name);
  else if (c->edns == 1)
  {
    ck_assert_msg(m.opt.present, "%s: no OPT, want EDNS0", c->name);
    ck_assert_msg(m.opt.count == 1, "%s: %u OPT records", c->name, m.opt.count);
    ck_assert_msg(m.opt.version == 0, "%s: EDNS version %u, want 0", c->name,
                  m.opt.version);
    ck_assert_msg(m.opt.udp_size >= 512, "%s: EDNS UDP size %u below 512",
                  c->name, m.opt.udp_size);
  }
  if (c->ancount != ANY)
    ck_assert_msg(m.ancount == c->ancount, "%s: ANCOUNT %u, want %d", c->name,
                  m.ancount, c->ancount);
  if (c->nscount != ANY)
    ck_assert_msg(m.nscount == c->nscount, "%s: NSCOUNT %u, want %d", c->name,
                  m.nscount, c->nscount);
  if (c->ixfr_serial != ANY)
  {
    /* RFC 1995 3: the authority section holds the client's SOA for Z. */
    const struct dp_wire_rr *soa = NULL;
    uint32_t serial = 0;
    for (unsigned i = 0; i < m.nrr; i++)
      if (m.rr[i].section == DP_SECTION_AUTHORITY)
        soa = &m.rr[i];
    ck_assert_msg(soa != NULL, "%s: no authority record", c->name);
    ck_assert_msg(soa->type == DP_TYPE_SOA, "%s: authority type %u, want SOA",
                  c->name, soa->type);
    ck_assert_msg(soa->rclass == DP_CLASS_IN, "%s: authority class %u", c->name,
                  soa->rclass);
    read_name(c->name, &m, soa->owner_off, name, sizeof(name));
    ck_assert_msg(strcmp(name, c->zone) == 0, "%s: authority owner %s, want %s",
                  c->name, name, c->zone);
    st = dp_wire_soa_serial(&m, soa, &serial);
    ck_assert_msg(st == DP_OK, "%s: authority SOA serial: %s", c->name,
                  dp_strerror(st));
    ck_assert_msg(serial == (uint32_t)c->ixfr_serial,
                  "%s: authority serial %u, want %u", c->name, serial,
                  (uint32_t)c->ixfr_serial);
  }
}
END_TEST

/* Zones the UPDATE no-op guarantee is checked for. */
static const char *const update_zones[] = {
    ".",
    "example.test.",
    "test.",
    "a.very.deep.sub.zone.example.test.",
    "xn--bcher-kva.example.",
    "0.0.127.in-addr.arpa.",
};

/*
 * RFC 2136 2.4, 2.5: the prerequisite section is ANCOUNT and the update
 * section NSCOUNT. Both empty, and no record in the message but the zone
 * question and at most an OPT, means there is nothing a server could apply.
 */
START_TEST(test_update_noop)
{
  const char *zone = update_zones[_i];
  const struct dp_probe_def *d = dp_probe_def(DP_PROBE_UPDATE);
  struct dp_probe_ctx ctx = {.zone = zone,
                             .recursion_name = recursion_default,
                             .has_serial = true,
                             .serial = 2024010101u};
  uint8_t buf[1024];
  struct dp_wire_msg m;
  char name[DP_WIRE_NAME_STRLEN];

  ck_assert_msg(d != NULL, "update %s: no update probe", zone);
  size_t len = build_probe(zone, d, &ctx, buf, sizeof(buf));
  dp_status_t st = dp_wire_msg_parse(buf, len, &m);
  ck_assert_msg(st == DP_OK && m.complete, "update %s: does not parse", zone);
  ck_assert_msg(m.opcode == DP_OPCODE_UPDATE, "update %s: opcode %u", zone,
                m.opcode);
  ck_assert_msg(m.qdcount == 1, "update %s: ZOCOUNT %u, want 1", zone,
                m.qdcount);
  ck_assert_msg(m.ancount == 0, "update %s: PRCOUNT %u, want 0", zone,
                m.ancount);
  ck_assert_msg(m.nscount == 0, "update %s: UPCOUNT %u, want 0", zone,
                m.nscount);
  read_name(zone, &m, m.qname_off, name, sizeof(name));
  ck_assert_msg(strcasecmp(name, zone) == 0, "update %s: zone section %s", zone,
                name);
  ck_assert_msg(m.qtype == DP_TYPE_SOA, "update %s: ZTYPE %u, want SOA", zone,
                m.qtype);
  ck_assert_msg(m.rr_parsed == m.nrr, "update %s: records not all kept", zone);
  for (unsigned i = 0; i < m.nrr; i++)
  {
    ck_assert_msg(m.rr[i].section == DP_SECTION_ADDITIONAL,
                  "update %s: record %u in section %u", zone, i,
                  m.rr[i].section);
    ck_assert_msg(m.rr[i].type == DP_TYPE_OPT,
                  "update %s: additional record of type %u", zone,
                  m.rr[i].type);
  }
}
END_TEST

/* Every builder of the table writes a query that parses cleanly, for a few
 * zones; a builder that depends on the serial does so with and without. */
START_TEST(test_build_every_probe)
{
  const struct dp_probe_def *d = dp_probe_def((dp_probe_id_t)_i);
  uint8_t buf[1024];
  struct dp_wire_msg m;

  for (size_t z = 0; z < NELEM(update_zones); z++)
    for (int s = 0; s < 2; s++)
    {
      struct dp_probe_ctx ctx = {.zone = update_zones[z],
                                 .recursion_name = recursion_default,
                                 .has_serial = s == 1,
                                 .serial = 77};
      char label[128];
      snprintf(label, sizeof(label), "%s zone %s serial %d",
               dp_probe_id_tostr((dp_probe_id_t)_i), update_zones[z], s);
      size_t len = build_probe(label, d, &ctx, buf, sizeof(buf));
      dp_status_t st = dp_wire_msg_parse(buf, len, &m);
      ck_assert_msg(st == DP_OK && m.complete, "%s: does not parse", label);
      ck_assert_msg(!m.qr, "%s: QR set", label);
    }
}
END_TEST

/* ---- the case probe ------------------------------------------------------
 * The zone's name in a random mix of cases, its twin in the opposite one:
 * letters only change case, every other byte stays, both cases appear in
 * a name of two letters or more, and the pattern is the seed's. */
struct case_name_case
{
  const char *zone;
  uint64_t seed;
  size_t cap;
  dp_status_t status;
};

static const struct case_name_case case_name_cases[] = {
    {"example.test.", 1, 64, DP_OK},
    {"example.test.", UINT64_C(0xffffffffffffffff), 64, DP_OK},
    {"example.test.", 0, 64, DP_OK},
    {"a.b.", 42, 64, DP_OK},
    {"x.", 7, 64, DP_OK},
    {".", 7, 64, DP_OK},
    {"0.0.127.in-addr.arpa.", 99, 64, DP_OK},
    {"xn--bcher-kva.example.", 5, 64, DP_OK},
    {"a\\.b\\065c.test.", 3, 64, DP_OK},
    {"example.test.", 1, 14, DP_OK},
    {"example.test.", 1, 13, DP_ESPACE},
};

static bool letter(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

START_TEST(test_case_name)
{
  const struct case_name_case *c = &case_name_cases[_i];
  char mixed[64], flipped[64], again[64];
  size_t n = strlen(c->zone), letters = 0, upper = 0;

  dp_status_t st = dp_probe_case_name(c->zone, c->seed, false, mixed, c->cap);
  ck_assert_msg(st == c->status, "case name %s (cap %zu): status %d, want %d",
                c->zone, c->cap, st, c->status);
  if (st != DP_OK)
    return;
  ck_assert_int_eq(
      dp_probe_case_name(c->zone, c->seed, true, flipped, sizeof(flipped)),
      DP_OK);
  ck_assert_int_eq(
      dp_probe_case_name(c->zone, c->seed, false, again, sizeof(again)), DP_OK);
  ck_assert_msg(strcmp(mixed, again) == 0, "case name %s: %s then %s", c->zone,
                mixed, again);
  ck_assert_msg(strlen(mixed) == n && strlen(flipped) == n,
                "case name %s: lengths %zu %zu", c->zone, strlen(mixed),
                strlen(flipped));
  ck_assert_msg(strcasecmp(mixed, c->zone) == 0, "case name %s: %s", c->zone,
                mixed);
  for (size_t i = 0; i < n; i++)
  {
    if (!letter(c->zone[i]))
    {
      ck_assert_msg(mixed[i] == c->zone[i] && flipped[i] == c->zone[i],
                    "case name %s: byte %zu changed", c->zone, i);
      continue;
    }
    letters++;
    upper += mixed[i] >= 'A' && mixed[i] <= 'Z';
    ck_assert_msg(mixed[i] == (flipped[i] ^ 0x20),
                  "case name %s: %s and %s share byte %zu", c->zone, mixed,
                  flipped, i);
  }
  if (letters >= 2)
    ck_assert_msg(upper > 0 && upper < letters,
                  "case name %s: %s is of one case", c->zone, mixed);
}
END_TEST

/* The case probe's row: its twin is the other case, recorded as the
 * other-case follow-up; it waits for every other query with the zone's
 * SOA question, and UPDATE, NOTIFY and opcode 15 wait for it. */
START_TEST(test_case_row)
{
  const struct dp_probe_def *d = dp_probe_def(DP_PROBE_CASE);
  struct dp_probe_ctx ctx = {.zone = "example.test.",
                             .recursion_name = recursion_default,
                             .case_seed = 12345};
  struct dp_wire_query a, b;

  ck_assert_msg(d->twin != NULL && d->twin_id == DP_FOLLOWUP_OTHER_CASE,
                "case: no twin recorded as other-case");
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  d->build(&ctx, &a);
  char first[DP_WIRE_NAME_STRLEN];
  snprintf(first, sizeof(first), "%s", a.qname);
  d->twin(&ctx, &b);
  ck_assert_msg(strcmp(first, b.qname) != 0 &&
                    strcasecmp(first, b.qname) == 0 && a.qtype == DP_TYPE_SOA &&
                    b.qtype == DP_TYPE_SOA && !a.rd && !b.rd,
                "case: %s and %s", first, b.qname);
  static const dp_probe_id_t soa[] = {
      DP_PROBE_UDP,     DP_PROBE_PLAIN,     DP_PROBE_EDNS,  DP_PROBE_EDNS1,
      DP_PROBE_EDNSOPT, DP_PROBE_EDNSFLAGS, DP_PROBE_ZFLAG, DP_PROBE_DO,
      DP_PROBE_NSID,    DP_PROBE_COOKIE};
  for (size_t i = 0; i < NELEM(soa); i++)
    ck_assert_msg(d->after & DP_PROBE_BIT(soa[i]), "case: not after %s",
                  dp_probe_id_tostr(soa[i]));
  static const dp_probe_id_t later[] = {DP_PROBE_UPDATE, DP_PROBE_NOTIFY,
                                        DP_PROBE_OPCODE};
  for (size_t i = 0; i < NELEM(later); i++)
    ck_assert_msg(dp_probe_def(later[i])->after & DP_PROBE_BIT(DP_PROBE_CASE),
                  "%s: not after case", dp_probe_id_tostr(later[i]));
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
    ck_assert_msg(i == DP_PROBE_CASE ||
                      dp_probe_def((dp_probe_id_t)i)->twin == NULL,
                  "%s: a twin", dp_probe_id_tostr((dp_probe_id_t)i));
}
END_TEST

static Suite *probes_suite(void)
{
  Suite *s = suite_create("probes");
  TCase *tc;

  tc = tcase_create("table");
  tcase_add_test(tc, test_table_size);
  tcase_add_loop_test(tc, test_table_row, 0, (int)DP_PROBE_COUNT);
  tcase_add_test(tc, test_table_find_unknown);
  tcase_add_loop_test(tc, test_table_core, 0, NELEM(core_cases));
  suite_add_tcase(s, tc);

  tc = tcase_create("select");
  tcase_add_loop_test(tc, test_select, 0, NELEM(select_cases));
  tcase_add_test(tc, test_select_skip_all);
  suite_add_tcase(s, tc);

  tc = tcase_create("build");
  tcase_add_loop_test(tc, test_build, 0, NELEM(build_cases));
  tcase_add_loop_test(tc, test_update_noop, 0, NELEM(update_zones));
  tcase_add_loop_test(tc, test_build_every_probe, 0, (int)DP_PROBE_COUNT);
  tcase_add_loop_test(tc, test_case_name, 0, NELEM(case_name_cases));
  tcase_add_test(tc, test_case_row);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(probes_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
