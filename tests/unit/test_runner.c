/*
 * test_runner.c: the runner's scheduling on the fake engine, whose clock is
 * virtual: what goes out when, to the millisecond, the same every run.
 *
 * - the queries with the zone's SOA question follow one another, each sent
 *   when the one before it was answered, but for the case probe's pair,
 *   which goes after them, both at the same moment and in opposite cases;
 *   UPDATE, NOTIFY and opcode 15 wait for all of them; the TCP probes go
 *   one at a time (tcp, axfr, ixfr);
 * - a silent server: a probe held back for another is released by its
 *   grace period (a quarter of the timeout, at most 250 ms), and the whole
 *   battery still costs one timeout;
 * - --spacing: every query at least that long after the one before;
 * - follow-ups: SERVFAIL with RA is asked again with CD=1, a DNSKEY answer
 *   truncated at 512 bytes again with a 4096-byte buffer, a truncated reply
 *   the DNSSEC check reads again over TCP once the TCP probes and the
 *   retries before it have ended (no two TCP exchanges at once);
 * - targets on one server go one after another; the window holds at most
 *   --parallel targets;
 * - no query ID repeats within a target;
 * - targets pulled from a source: the window holds at most --parallel, the
 *   look-ahead is bounded, every target is done exactly once, and a
 *   streamed run keeps none of them; a failing source ends the run;
 * - the runner's push API: targets submitted (also from a done callback)
 *   are each done exactly once, from the loop, never inside submit; a
 *   runner destroyed with targets still queued calls none of their dones.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dnsprobe/probes.h"
#include "fake_engine.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define TIMEOUT 2000u
#define GRACE 250.0 /* min(TIMEOUT / 4, 250) */

/* What the log says about one exchange. */
struct sent_info
{
  uint16_t id;
  uint8_t opcode;
  uint16_t qtype;
  uint16_t qclass;
  bool cd;
  uint16_t udp_size;
  char qname[DP_WIRE_NAME_STRLEN];
  uint16_t port;
};

static void sent_info(size_t i, struct sent_info *si)
{
  const struct fake_sent *s = &fake_log.sent[i];
  struct dp_wire_msg m;
  uint8_t wire[DP_DNS_NAME_MAX];
  size_t wl = 0;
  memset(si, 0, sizeof(*si));
  ck_assert_msg(dp_wire_msg_parse(s->msg, s->len, &m) == DP_OK && m.complete,
                "exchange %zu does not parse", i);
  si->id = m.id;
  si->opcode = m.opcode;
  si->qtype = m.qtype;
  si->qclass = m.qclass;
  si->cd = m.cd;
  si->udp_size = m.opt.present ? m.opt.udp_size : 0;
  if (m.has_question && dp_wire_name_read(m.buf, m.len, m.qname_off, wire,
                                          sizeof(wire), &wl, NULL) == DP_OK)
    (void)dp_wire_name_tostr(wire, wl, si->qname, sizeof(si->qname));
  si->port = ntohs(((const struct sockaddr_in *)&s->addr)->sin_port);
}

static bool is_zone_soa_query(const struct sent_info *si)
{
  return si->opcode == DP_OPCODE_QUERY && si->qtype == DP_TYPE_SOA &&
         si->qclass == DP_CLASS_IN;
}

/* The case probe's pair: the zone's SOA with its name in other letters
 * than the zone's own lower case. */
static bool is_case_query(const struct sent_info *si, const char *zone)
{
  return is_zone_soa_query(si) && strcmp(si->qname, zone) != 0 &&
         strcasecmp(si->qname, zone) == 0;
}

static struct dp_probe_target target_at(const char *given, const char *addr,
                                        uint16_t port, const char *zone)
{
  struct dp_probe_target t;
  memset(&t, 0, sizeof(t));
  struct sockaddr_in *sin = (struct sockaddr_in *)&t.addr;
  sin->sin_family = AF_INET;
  sin->sin_port = htons(port);
  inet_pton(AF_INET, addr, &sin->sin_addr);
  t.addrlen = sizeof(*sin);
  t.given = given;
  t.zone = zone;
  t.zone_given = true;
  t.recursion_name = "www.example.net.";
  return t;
}

/* Run one battery (or several) on the fake engine. */
static void run_targets(const struct dp_probe_target *targets, size_t n,
                        unsigned spacing, unsigned parallel, struct dp_run *run)
{
  struct dp_probe_run_options opt;
  memset(&opt, 0, sizeof(opt));
  opt.probes = DP_PROBE_ALL;
  opt.timeout_ms = TIMEOUT;
  opt.spacing_ms = spacing;
  opt.parallel = parallel;
  fake_log_reset();
  ck_assert_int_eq(dp_probe_run(targets, n, &opt, run), DP_OK);
}

static void run_one(unsigned spacing, struct dp_run *run)
{
  struct dp_probe_target t =
      target_at("127.0.0.1:5301", "127.0.0.1", 5301, "example.test.");
  run_targets(&t, 1, spacing, 0, run);
}

static void teardown(void)
{
  fake_responder = NULL;
  fake_busy = 0.0;
  fake_log_reset();
}

/* ---- ordering on a server that answers ----------------------------------- */

START_TEST(test_soa_queries_follow_one_another)
{
  struct dp_run run;
  run_one(0, &run);
  double last_reply = -1;
  size_t nsoa = 0;
  for (size_t i = 0; i < fake_log.n; i++)
  {
    struct sent_info si;
    const struct fake_sent *s = &fake_log.sent[i];
    sent_info(i, &si);
    if (s->transport != DP_TRANSPORT_UDP || !is_zone_soa_query(&si) ||
        is_case_query(&si, "example.test."))
      continue;
    if (nsoa > 0)
      ck_assert_msg(s->at >= last_reply,
                    "SOA query %zu sent at %.1f ms, before the previous "
                    "reply at %.1f ms",
                    nsoa, s->at, last_reply);
    last_reply = s->replied_at;
    nsoa++;
  }
  /* udp, plain, edns, edns1, ednsopt, ednsflags, zflag, do, nsid, cookie */
  ck_assert_msg(nsoa == 10, "%zu queries with the zone's SOA question", nsoa);
  /* then the case probe's pair, both at the same moment, in two cases */
  double pair_at[2] = {-1, -1}, pair_reply = last_reply;
  char pair_name[2][DP_WIRE_NAME_STRLEN];
  size_t npair = 0;
  for (size_t i = 0; i < fake_log.n; i++)
  {
    struct sent_info si;
    sent_info(i, &si);
    if (!is_case_query(&si, "example.test."))
      continue;
    ck_assert_msg(npair < 2, "more than two case queries");
    pair_at[npair] = fake_log.sent[i].at;
    memcpy(pair_name[npair++], si.qname, sizeof(si.qname));
    ck_assert_msg(fake_log.sent[i].at >= last_reply,
                  "case query sent at %.1f ms, before the last SOA reply at "
                  "%.1f ms",
                  fake_log.sent[i].at, last_reply);
    if (fake_log.sent[i].replied_at > pair_reply)
      pair_reply = fake_log.sent[i].replied_at;
  }
  last_reply = pair_reply;
  ck_assert_msg(npair == 2, "%zu case queries, want a pair", npair);
  ck_assert_msg(pair_at[0] == pair_at[1], "the pair went %.1f and %.1f ms",
                pair_at[0], pair_at[1]);
  for (size_t k = 0; pair_name[0][k] != '\0'; k++)
    ck_assert_msg(pair_name[0][k] != pair_name[1][k] ||
                      !((pair_name[0][k] | 0x20) >= 'a' &&
                        (pair_name[0][k] | 0x20) <= 'z'),
                  "the pair %s and %s share the case of byte %zu", pair_name[0],
                  pair_name[1], k);
  /* the twin is the case probe's other-case follow-up, and both echo */
  const struct dp_probe_result *cp =
      dp_target_probe(&run.targets[0], DP_PROBE_CASE);
  ck_assert_msg(cp->nfollowups == 1 &&
                    cp->followups[0].id == DP_FOLLOWUP_OTHER_CASE &&
                    cp->followups[0].has_answer,
                "the case probe records its twin");
  ck_assert_msg(cp->verdict == DP_VERDICT_COMPLIANT, "case probe verdict %s",
                dp_verdict_tostr(cp->verdict));
  /* UPDATE, NOTIFY and opcode 15 wait for every SOA query's reply */
  for (size_t i = 0; i < fake_log.n; i++)
  {
    struct sent_info si;
    sent_info(i, &si);
    if (si.opcode != DP_OPCODE_QUERY)
      ck_assert_msg(fake_log.sent[i].at >= last_reply,
                    "opcode %u sent at %.1f ms, before the last SOA reply "
                    "at %.1f ms",
                    si.opcode, fake_log.sent[i].at, last_reply);
  }
  dp_run_clear(&run);
}
END_TEST

START_TEST(test_tcp_one_at_a_time)
{
  struct dp_run run;
  run_one(0, &run);
  uint16_t order[3];
  double replied[3], at[3];
  size_t k = 0;
  for (size_t i = 0; i < fake_log.n; i++)
    if (fake_log.sent[i].transport == DP_TRANSPORT_TCP)
    {
      struct sent_info si;
      sent_info(i, &si);
      ck_assert_msg(k < 3, "more than three TCP exchanges");
      order[k] = si.qtype;
      at[k] = fake_log.sent[i].at;
      replied[k++] = fake_log.sent[i].replied_at;
    }
  ck_assert_msg(k == 3, "%zu TCP exchanges", k);
  ck_assert_msg(order[0] == DP_TYPE_SOA && order[1] == DP_TYPE_AXFR &&
                    order[2] == DP_TYPE_IXFR,
                "TCP order %u %u %u, want SOA AXFR IXFR", order[0], order[1],
                order[2]);
  ck_assert_msg(at[1] >= replied[0] && at[2] >= replied[1],
                "a TCP exchange before the one before it was answered");
  dp_run_clear(&run);
}
END_TEST

/* Every query of a target has its own ID, and all leave to one server. */
START_TEST(test_ids_unique)
{
  struct dp_run run;
  run_one(0, &run);
  ck_assert_msg(fake_log.n >= 22, "%zu exchanges", fake_log.n);
  for (size_t i = 0; i < fake_log.n; i++)
    for (size_t j = i + 1; j < fake_log.n; j++)
    {
      struct sent_info a, b;
      sent_info(i, &a);
      sent_info(j, &b);
      ck_assert_msg(a.id != b.id, "exchanges %zu and %zu share ID %u", i, j,
                    a.id);
    }
  ck_assert_msg(run.targets[0].finished, "the target finished");
  dp_run_clear(&run);
}
END_TEST

/* ---- a silent server ----------------------------------------------------- */

static void silent(const struct fake_sent *q, struct fake_reply *r)
{
  (void)q;
  memset(r, 0, sizeof(*r)); /* nothing comes back */
}

START_TEST(test_grace_and_one_timeout)
{
  struct dp_run run;
  fake_responder = silent;
  run_one(0, &run);
  /* The probes with nothing to wait for go at once; those held back for
   * another (plain after udp, axfr after tcp, ...) go when their grace
   * period runs out; chains of them all at the same moment. */
  size_t at_once = 0, at_grace = 0;
  for (size_t i = 0; i < fake_log.n; i++)
  {
    double at = fake_log.sent[i].at;
    ck_assert_msg(at == 0.0 || at == GRACE, "exchange %zu sent at %.1f ms", i,
                  at);
    if (at == 0.0)
      at_once++;
    else
      at_grace++;
  }
  /* udp, tcp, recursion and the three CHAOS names at once; the rest,
   * the case probe's pair and the DNSSEC probes included, at the grace */
  ck_assert_msg(at_once == 6, "%zu sent at once", at_once);
  ck_assert_msg(at_grace == 20, "%zu released by their grace", at_grace);
  /* one timeout for the whole battery: a late probe gets what is left */
  ck_assert_msg(run.targets[0].duration_ms == (double)TIMEOUT,
                "the battery took %.1f ms", run.targets[0].duration_ms);
  dp_run_clear(&run);
}
END_TEST

/* A target with a timeout of its own (an exporter's scrape that must end
 * sooner): its grace periods and its one timeout are its own; a target
 * without one keeps the run's. */
START_TEST(test_target_timeout)
{
  struct dp_probe_target t[2] = {
      target_at("short", "127.0.0.1", 5301, "example.test."),
      target_at("long", "127.0.0.2", 5301, "example.test."),
  };
  t[0].timeout_ms = 400;
  struct dp_run run;
  fake_responder = silent;
  run_targets(t, 2, 0, 0, &run);
  for (size_t i = 0; i < fake_log.n; i++)
  {
    const struct sockaddr_in *sin =
        (const struct sockaddr_in *)&fake_log.sent[i].addr;
    bool shorter = (ntohl(sin->sin_addr.s_addr) & 0xff) == 1;
    double at = fake_log.sent[i].at;
    /* a grace of a quarter of the timeout: 100 ms for the short one */
    ck_assert_msg(at == 0.0 || at == (shorter ? 100.0 : GRACE),
                  "%s: exchange %zu sent at %.1f ms",
                  shorter ? "short" : "long", i, at);
  }
  ck_assert_msg(run.targets[0].duration_ms == 400.0,
                "short: the battery took %.1f ms", run.targets[0].duration_ms);
  ck_assert_msg(run.targets[1].duration_ms == (double)TIMEOUT,
                "long: the battery took %.1f ms", run.targets[1].duration_ms);
  dp_run_clear(&run);

  /* above the engine's longest timeout: refused at submit */
  dp_engine_t *eng = NULL;
  dp_runner_t *r = NULL;
  struct dp_probe_run_options opt;
  struct dp_target_result out;
  memset(&opt, 0, sizeof(opt));
  opt.probes = DP_PROBE_ALL;
  opt.timeout_ms = TIMEOUT;
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  ck_assert_int_eq(dp_runner_create(eng, &opt, &r), DP_OK);
  t[0].timeout_ms = DP_ENGINE_TIMEOUT_MAX + 1;
  ck_assert_int_eq(dp_runner_submit(r, &t[0], &out, NULL, NULL), DP_EINVAL);
  dp_runner_destroy(r);
  dp_engine_destroy(eng);
}
END_TEST

/* ---- --spacing ----------------------------------------------------------- */

START_TEST(test_spacing)
{
  static const unsigned spacings[] = {100, 250};
  unsigned gap = spacings[_i];
  struct dp_run run;
  run_one(gap, &run);
  ck_assert_msg(fake_log.n >= 22, "%zu exchanges", fake_log.n);
  for (size_t i = 1; i < fake_log.n; i++)
    ck_assert_msg(fake_log.sent[i].at - fake_log.sent[i - 1].at >= gap,
                  "--spacing %u: exchanges %zu and %zu %.1f ms apart", gap,
                  i - 1, i, fake_log.sent[i].at - fake_log.sent[i - 1].at);
  /* and no slower than needed: the gaps are the spacing (or the wait for
   * a reply, 1 ms, when that is longer) */
  double span = fake_log.sent[fake_log.n - 1].at - fake_log.sent[0].at;
  ck_assert_msg(span <= (double)(gap + 2) * (double)(fake_log.n - 1),
                "--spacing %u: %zu exchanges over %.1f ms", gap, fake_log.n,
                span);
  dp_run_clear(&run);
}
END_TEST

/* ---- follow-ups ---------------------------------------------------------- */

/* A resolver whose upstream fails: SERVFAIL with RA to the recursion probe
 * (also with CD=1); DNSKEY truncated at 512 bytes, nothing with 4096. */
static void failing_resolver(const struct fake_sent *q, struct fake_reply *r)
{
  struct sent_info si;
  struct dp_wire_msg m;
  memset(&si, 0, sizeof(si));
  if (dp_wire_msg_parse(q->msg, q->len, &m) == DP_OK)
  {
    si.qtype = m.qtype;
    si.udp_size = m.opt.present ? m.opt.udp_size : 0;
  }
  if (m.rd)
    fake_reply_echo(q, r, DP_RCODE_SERVFAIL, DP_FLAG_RA);
  else if (si.qtype == DP_TYPE_DNSKEY && si.udp_size == 512)
    fake_reply_echo(q, r, DP_RCODE_NOERROR, DP_FLAG_AA | DP_FLAG_TC);
  else if (si.qtype == DP_TYPE_DNSKEY)
    memset(r, 0, sizeof(*r)); /* the large answer is lost */
  else
    fake_reply_default(q, r);
}

START_TEST(test_followups)
{
  struct dp_run run;
  fake_responder = failing_resolver;
  run_one(0, &run);
  bool cd = false, big = false;
  double recursion_reply = -1, bufsize_reply = -1;
  for (size_t i = 0; i < fake_log.n; i++)
  {
    struct sent_info si;
    sent_info(i, &si);
    const struct fake_sent *s = &fake_log.sent[i];
    if (si.qtype == DP_TYPE_A && !si.cd)
      recursion_reply = s->replied_at;
    else if (si.qtype == DP_TYPE_A && si.cd)
    {
      cd = true;
      ck_assert_msg(recursion_reply >= 0 && s->at >= recursion_reply,
                    "the CD=1 follow-up went before the SERVFAIL came");
    }
    else if (si.qtype == DP_TYPE_DNSKEY && si.udp_size == 512)
      bufsize_reply = s->replied_at;
    else if (si.qtype == DP_TYPE_DNSKEY && si.udp_size == 4096)
    {
      big = true;
      ck_assert_msg(bufsize_reply >= 0 && s->at >= bufsize_reply,
                    "the 4096-byte follow-up went before the truncation");
    }
  }
  ck_assert_msg(cd, "no CD=1 follow-up to SERVFAIL with RA");
  ck_assert_msg(big, "no 4096-byte follow-up to a truncated DNSKEY");
  const struct dp_probe_result *rec =
      dp_target_probe(&run.targets[0], DP_PROBE_RECURSION);
  ck_assert_msg(rec->nfollowups == 1 && rec->followups[0].id == DP_FOLLOWUP_CD,
                "recursion records its CD follow-up");
  ck_assert_msg(rec->cause == DP_CAUSE_UPSTREAM, "recursion cause %s",
                dp_cause_tostr(rec->cause));
  const struct dp_probe_result *b5 =
      dp_target_probe(&run.targets[0], DP_PROBE_BUFSIZE512);
  ck_assert_msg(b5->cause == DP_CAUSE_FRAGMENTATION, "bufsize512 cause %s",
                dp_cause_tostr(b5->cause));
  dp_run_clear(&run);
}
END_TEST

/* ---- a truncated reply the DNSSEC check reads, asked again over TCP ---- */

/* Every UDP reply to a query with DO=1 is truncated; TCP ones are whole. */
static void truncate_do(const struct fake_sent *q, struct fake_reply *r)
{
  struct dp_wire_msg m;
  fake_reply_default(q, r);
  if (q->transport == DP_TRANSPORT_UDP &&
      dp_wire_msg_parse(q->msg, q->len, &m) == DP_OK && m.opt.present &&
      m.opt.do_bit && r->answer)
    r->msg[2] |= 0x02; /* TC (RFC 1035 4.1.1) */
}

/* Whether exchange i asks qtype over transport with EDNS and DO as
 * do_bit, and carries the EDNS option code (0: none). */
static bool asks(size_t i, dp_transport_t transport, uint16_t qtype,
                 bool do_bit, uint16_t option)
{
  const struct fake_sent *s = &fake_log.sent[i];
  struct dp_wire_msg m;
  if (s->transport != transport ||
      dp_wire_msg_parse(s->msg, s->len, &m) != DP_OK || m.qtype != qtype ||
      !m.opt.present || m.opt.do_bit != do_bit)
    return false;
  if (option == 0)
    return m.opt.ncodes == 0;
  for (unsigned k = 0; k < m.opt.ncodes; k++)
    if (m.opt.codes[k] == option)
      return true;
  return false;
}

/* The one exchange that asks it; fails unless there is exactly one. */
static const struct fake_sent *the_one(dp_transport_t transport, uint16_t qtype,
                                       bool do_bit, uint16_t option,
                                       const char *what)
{
  const struct fake_sent *found = NULL;
  for (size_t i = 0; i < fake_log.n; i++)
    if (asks(i, transport, qtype, do_bit, option))
    {
      ck_assert_msg(found == NULL, "%s: asked twice", what);
      found = &fake_log.sent[i];
    }
  ck_assert_msg(found != NULL, "%s: never asked", what);
  return found;
}

START_TEST(test_truncated_asked_over_tcp)
{
  struct dp_run run;
  fake_responder = truncate_do;
  run_one(0, &run);
  /* no two TCP exchanges at once: each starts once the one before ended */
  double tcp_free = 0;
  size_t ntcp = 0;
  for (size_t i = 0; i < fake_log.n; i++)
  {
    const struct fake_sent *s = &fake_log.sent[i];
    if (s->transport != DP_TRANSPORT_TCP)
      continue;
    ck_assert_msg(s->at >= tcp_free,
                  "TCP exchange %zu at %.1f ms, the one before ends at %.1f", i,
                  s->at, tcp_free);
    ck_assert_msg(s->replied_at >= 0, "TCP exchange %zu unanswered", i);
    tcp_free = s->replied_at;
    ntcp++;
  }
  /* tcp, axfr, ixfr, then the retries of do, dnskey and nsec3param */
  ck_assert_msg(ntcp == 6, "%zu TCP exchanges", ntcp);
  const struct fake_sent *ixfr = NULL;
  for (size_t i = 0; i < fake_log.n; i++)
  {
    struct sent_info si;
    sent_info(i, &si);
    if (si.qtype == DP_TYPE_IXFR)
      ixfr = &fake_log.sent[i];
  }
  ck_assert_msg(ixfr != NULL, "no IXFR");
  const struct fake_sent *soa =
      the_one(DP_TRANSPORT_TCP, DP_TYPE_SOA, true, 0, "do over TCP");
  const struct fake_sent *key =
      the_one(DP_TRANSPORT_TCP, DP_TYPE_DNSKEY, true, 0, "dnskey over TCP");
  const struct fake_sent *n3 = the_one(DP_TRANSPORT_TCP, DP_TYPE_NSEC3PARAM,
                                       true, 0, "nsec3param over TCP");
  const struct fake_sent *nsid =
      the_one(DP_TRANSPORT_UDP, DP_TYPE_SOA, false, DP_EDNS_NSID, "nsid");
  ck_assert_msg(soa->at >= ixfr->replied_at && key->at >= soa->replied_at &&
                    n3->at >= key->replied_at,
                "retries at %.1f, %.1f, %.1f ms; ixfr ended at %.1f", soa->at,
                key->at, n3->at, ixfr->replied_at);
  /* nsid, the SOA question after do, waits for do's retry too */
  ck_assert_msg(nsid->at >= soa->replied_at,
                "nsid at %.1f ms, before do's retry ended (%.1f)", nsid->at,
                soa->replied_at);
  /* the reply kept for the DNSSEC check is the whole one */
  static const dp_probe_id_t kept[] = {DP_PROBE_DO, DP_PROBE_DNSKEY,
                                       DP_PROBE_NSEC3PARAM};
  for (size_t k = 0; k < NELEM(kept); k++)
  {
    const struct dp_probe_result *p = dp_target_probe(&run.targets[0], kept[k]);
    const char *id = dp_probe_id_tostr(kept[k]);
    ck_assert_msg(p->reply != NULL && p->reply_len > 3 && !(p->reply[2] & 0x02),
                  "%s: the kept reply is truncated", id);
    /* (do's empty truncated reply reads as a rate limiter's slip too,
     * with a follow-up of its own) */
    const struct dp_followup *tcp = NULL;
    for (size_t f = 0; f < p->nfollowups; f++)
      if (p->followups[f].id == DP_FOLLOWUP_TCP)
        tcp = &p->followups[f];
    ck_assert_msg(tcp != NULL && tcp->has_answer,
                  "%s: no TCP follow-up recorded", id);
    ck_assert_msg((p->answer.flags & DP_FLAG_TC) != 0,
                  "%s: the probe's own answer is the UDP one", id);
  }
  /* bufsize512 keeps nothing and is never asked over TCP */
  const struct dp_probe_result *b =
      dp_target_probe(&run.targets[0], DP_PROBE_BUFSIZE512);
  ck_assert_msg(b->reply == NULL, "bufsize512 keeps its reply");
  ck_assert_msg(run.targets[0].finished, "the target finished");
  dp_run_clear(&run);
}
END_TEST

/* ---- several targets ----------------------------------------------------- */

/* The start and end of target k's exchanges, by the queries' names. */
static void span_of(const char *zone_suffix, double *first, double *last)
{
  *first = 1e18;
  *last = -1;
  for (size_t i = 0; i < fake_log.n; i++)
  {
    struct sent_info si;
    sent_info(i, &si);
    /* the name itself or one below it: t1.test. is not below t11.test. */
    size_t n = strlen(si.qname), m = strlen(zone_suffix);
    if (n < m || strcasecmp(si.qname + n - m, zone_suffix) != 0 ||
        (n > m && si.qname[n - m - 1] != '.'))
      continue;
    const struct fake_sent *s = &fake_log.sent[i];
    double end = s->replied_at >= 0 ? s->replied_at : s->at + TIMEOUT;
    if (s->at < *first)
      *first = s->at;
    if (end > *last)
      *last = end;
  }
  ck_assert_msg(*last >= 0, "no exchange for %s", zone_suffix);
}

START_TEST(test_one_server_one_battery)
{
  struct dp_probe_target t[2] = {
      target_at("a", "127.0.0.1", 5301, "a.test."),
      target_at("b", "127.0.0.1", 5301, "b.test."),
  };
  struct dp_run run;
  run_targets(t, 2, 0, 0, &run);
  double a0, a1, b0, b1;
  span_of("a.test.", &a0, &a1);
  span_of("b.test.", &b0, &b1);
  ck_assert_msg(b0 >= a1 || a0 >= b1,
                "two batteries on one server overlap: %.1f-%.1f, %.1f-%.1f", a0,
                a1, b0, b1);
  dp_run_clear(&run);
}
END_TEST

START_TEST(test_window)
{
  struct dp_probe_target t[3] = {
      target_at("a", "127.0.0.1", 5301, "a.test."),
      target_at("b", "127.0.0.2", 5301, "b.test."),
      target_at("c", "127.0.0.3", 5301, "c.test."),
  };
  struct dp_run run;
  run_targets(t, 3, 0, 2, &run);
  double a0, a1, b0, b1, c0, c1;
  span_of("a.test.", &a0, &a1);
  span_of("b.test.", &b0, &b1);
  span_of("c.test.", &c0, &c1);
  ck_assert_msg(a0 == 0.0 && b0 == 0.0, "the first two start at once");
  ck_assert_msg(c0 >= (a1 < b1 ? a1 : b1),
                "the third started at %.1f ms, before either of the first "
                "two ended (%.1f, %.1f)",
                c0, a1, b1);
  for (size_t i = 0; i < 3; i++)
    ck_assert_msg(run.targets[i].finished, "target %zu finished", i);
  dp_run_clear(&run);
}
END_TEST

/* ---- a source: targets pulled as the window frees up ------------------- */

#define SRC_MAX 1100

/* Targets t0.test. ... on servers 127.0.<i/250>.<i%250+1>, or all on one
 * server; the source fails at fail_at when it is set. */
struct src
{
  size_t n, next, fail_at;
  bool one_server;
  char given[SRC_MAX][16];
  char zone[SRC_MAX][24];
  size_t done_count[SRC_MAX];
  size_t done, max_held; /* targets pulled and not done, at most */
  dp_health_t worst;
};

static dp_status_t src_next(void *arg, struct dp_probe_target *t)
{
  struct src *s = arg;
  if (s->fail_at > 0 && s->next == s->fail_at)
    return DP_EINVAL;
  if (s->next == s->n)
    return DP_EOF;
  size_t i = s->next++;
  char addr[32];
  snprintf(addr, sizeof(addr), "127.0.%zu.%zu", s->one_server ? 9 : i / 250,
           s->one_server ? 9 : i % 250 + 1);
  snprintf(s->given[i], sizeof(s->given[i]), "%zu", i);
  snprintf(s->zone[i], sizeof(s->zone[i]), "t%zu.test.", i);
  *t = target_at(s->given[i], addr, 5301, s->zone[i]);
  if (s->next - s->done > s->max_held)
    s->max_held = s->next - s->done;
  return DP_OK;
}

static void src_done(void *arg, const struct dp_target_result *t)
{
  struct src *s = arg;
  size_t i = (size_t)strtoul(t->given, NULL, 10);
  ck_assert_msg(i < s->n, "done for an unknown target '%s'", t->given);
  ck_assert_msg(t->finished && t->nprobes == DP_PROBE_COUNT,
                "target %zu is done but not finished", i);
  s->done_count[i]++;
  s->done++;
  if (t->status > s->worst)
    s->worst = t->status;
}

static dp_status_t run_source(struct src *s, unsigned parallel, bool release,
                              struct dp_run *run)
{
  struct dp_probe_run_options opt;
  memset(&opt, 0, sizeof(opt));
  opt.probes = DP_PROBE_BIT(DP_PROBE_UDP) | DP_PROBE_BIT(DP_PROBE_TCP);
  opt.timeout_ms = TIMEOUT;
  opt.parallel = parallel;
  opt.source = src_next;
  opt.source_arg = s;
  opt.target_done = src_done;
  opt.arg = s;
  opt.release_done = release;
  fake_log_reset();
  return dp_probe_run(NULL, 0, &opt, run);
}

/* The window: at most `parallel` batteries overlap at any moment. */
START_TEST(test_source_window)
{
  static struct src s;
  memset(&s, 0, sizeof(s));
  s.n = 40;
  struct dp_run run;
  ck_assert_int_eq(run_source(&s, 4, false, &run), DP_OK);
  double first[40], last[40];
  for (size_t i = 0; i < s.n; i++)
  {
    span_of(s.zone[i], &first[i], &last[i]);
  }
  for (size_t i = 0; i < s.n; i++)
  {
    size_t overlapping = 0;
    for (size_t j = 0; j < s.n; j++)
      overlapping += first[j] <= first[i] && last[j] > first[i];
    ck_assert_msg(overlapping <= 4,
                  "window 4: %zu batteries in flight when t%zu started",
                  overlapping, i);
  }
  /* kept in the order pulled */
  ck_assert_msg(run.ntargets == s.n, "%zu targets kept", run.ntargets);
  for (size_t i = 0; i < s.n; i++)
    ck_assert_msg(strcmp(run.targets[i].zone, s.zone[i]) == 0 &&
                      run.targets[i].finished,
                  "run.targets[%zu] is %s", i, run.targets[i].zone);
  dp_run_clear(&run);
}
END_TEST

/* The window opens as far as the CPU allows: on an idle loop to the whole
 * --parallel within a few pace ticks, on a loop kept busy never past the
 * batteries it started with (and it closes down to 16). */
static size_t most_overlapping(const struct src *s)
{
  static double first[SRC_MAX], last[SRC_MAX];
  size_t most = 0;
  for (size_t i = 0; i < s->n; i++)
    span_of(s->zone[i], &first[i], &last[i]);
  for (size_t i = 0; i < s->n; i++)
  {
    size_t overlapping = 0;
    for (size_t j = 0; j < s->n; j++)
      overlapping += first[j] <= first[i] && last[j] > first[i];
    most = overlapping > most ? overlapping : most;
  }
  return most;
}

/* Replies after 50 ms: a battery lasts several pace ticks, as over a
 * network. */
static void slow_reply(const struct fake_sent *q, struct fake_reply *r)
{
  fake_reply_default(q, r);
  r->delay_ms = 50;
}

START_TEST(test_window_follows_the_cpu)
{
  static struct src s;
  struct dp_run run;
  fake_responder = slow_reply;

  memset(&s, 0, sizeof(s));
  s.n = 300;
  fake_busy = 0.0;
  ck_assert_int_eq(run_source(&s, 128, false, &run), DP_OK);
  size_t idle = most_overlapping(&s);
  dp_run_clear(&run);

  memset(&s, 0, sizeof(s));
  s.n = 300;
  fake_busy = 1.0;
  ck_assert_int_eq(run_source(&s, 128, false, &run), DP_OK);
  size_t busy = most_overlapping(&s);
  ck_assert_msg(run.ntargets == s.n, "busy: %zu targets done", run.ntargets);
  dp_run_clear(&run);
  fake_busy = 0.0;

  ck_assert_msg(idle == 128, "idle loop: at most %zu in flight, not 128", idle);
  ck_assert_msg(busy <= 32, "busy loop: %zu in flight, more than it started",
                busy);
}
END_TEST

/* 1,100 targets streamed: each done exactly once, none kept, and never
 * more pulled ahead than the window and the look-ahead. Case 1: all on one
 * server, so each waits for the one before it. */
START_TEST(test_source_each_once_bounded)
{
  static struct src s;
  memset(&s, 0, sizeof(s));
  s.n = _i == 0 ? SRC_MAX : 300;
  s.one_server = _i == 1;
  struct dp_run run;
  ck_assert_int_eq(run_source(&s, 8, true, &run), DP_OK);
  for (size_t i = 0; i < s.n; i++)
    ck_assert_msg(s.done_count[i] == 1, "case %d: target %zu done %zu times",
                  _i, i, s.done_count[i]);
  ck_assert_msg(s.max_held <= 8 + DP_RUNNER_LOOKAHEAD,
                "case %d: %zu targets held at once", _i, s.max_held);
  ck_assert_msg(s.max_held > 8, "case %d: no look-ahead (%zu held)", _i,
                s.max_held);
  ck_assert_msg(run.ntargets == 0 && run.targets == NULL,
                "case %d: a streamed run keeps %zu targets", _i, run.ntargets);
  ck_assert_msg(run.status == s.worst, "case %d: run status %d, worst %d", _i,
                run.status, s.worst);
  if (s.one_server)
  {
    /* one battery at a time on the one server */
    double prev_end = -1;
    for (size_t i = 0; i < 5; i++)
    {
      double a, b;
      span_of(s.zone[i], &a, &b);
      ck_assert_msg(a >= prev_end, "t%zu started at %.1f before %.1f", i, a,
                    prev_end);
      prev_end = b;
    }
  }
  dp_run_clear(&run);
}
END_TEST

/* A source that fails ends the run with its status; what was done stays
 * done once. */
START_TEST(test_source_fails)
{
  static struct src s;
  memset(&s, 0, sizeof(s));
  s.n = SRC_MAX;
  s.fail_at = _i == 0 ? 5 : 1090; /* before the loop runs, or during it */
  struct dp_run run;
  ck_assert_int_eq(run_source(&s, 4, _i == 1, &run), DP_EINVAL);
  for (size_t i = 0; i < s.n; i++)
    ck_assert_msg(s.done_count[i] <= 1, "target %zu done %zu times", i,
                  s.done_count[i]);
  ck_assert_msg(s.next == s.fail_at, "pulled %zu, failed at %zu", s.next,
                s.fail_at);
  dp_run_clear(&run);
}
END_TEST

/* ---- the push API -------------------------------------------------------- */

struct pushed
{
  dp_runner_t *r;
  struct dp_target_result out[8];
  struct dp_probe_target in[8];
  size_t done[8];
  size_t chained; /* submitted from a done callback */
  bool in_submit;
};

static void push_done(void *arg, struct dp_target_result *t)
{
  struct pushed *p = arg;
  size_t i = (size_t)(t - p->out);
  ck_assert_msg(i < 8, "done with a result that is not ours");
  ck_assert_msg(!p->in_submit, "done %zu called inside submit", i);
  p->done[i]++;
  /* the first done submits the last target, from inside the callback */
  if (p->chained == 0)
  {
    p->chained = 1;
    ck_assert_int_eq(
        dp_runner_submit(p->r, &p->in[7], &p->out[7], push_done, p), DP_OK);
  }
}

START_TEST(test_submit)
{
  static struct pushed p;
  memset(&p, 0, sizeof(p));
  dp_engine_t *eng = NULL;
  struct dp_probe_run_options opt;
  memset(&opt, 0, sizeof(opt));
  opt.probes = DP_PROBE_BIT(DP_PROBE_UDP);
  opt.timeout_ms = TIMEOUT;
  opt.parallel = 2;
  fake_log_reset();
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  ck_assert_int_eq(dp_runner_create(eng, &opt, &p.r), DP_OK);
  static const char *const zones[8] = {"a.test.", "b.test.", "c.test.",
                                       "d.test.", "e.test.", "f.test.",
                                       "g.test.", "h.test."};
  for (size_t i = 0; i < 8; i++)
  {
    char addr[16];
    snprintf(addr, sizeof(addr), "127.0.0.%zu", i + 1);
    p.in[i] = target_at(zones[i], addr, 5301, zones[i]);
  }
  ck_assert_int_eq(dp_runner_room(p.r), 2 + DP_RUNNER_LOOKAHEAD);
  for (size_t i = 0; i < 7; i++)
  {
    p.in_submit = true;
    ck_assert_int_eq(dp_runner_submit(p.r, &p.in[i], &p.out[i], push_done, &p),
                     DP_OK);
    p.in_submit = false;
    /* described at once, before its battery runs */
    ck_assert_msg(strcmp(p.out[i].zone, zones[i]) == 0 && !p.out[i].finished,
                  "out %zu after submit", i);
  }
  ck_assert_int_eq(dp_runner_pending(p.r), 7);
  ck_assert_int_eq(dp_runner_room(p.r), 2 + DP_RUNNER_LOOKAHEAD - 7);
  ck_assert_int_eq(dp_runner_submit(p.r, NULL, &p.out[0], push_done, &p),
                   DP_EINVAL);
  ck_assert_int_eq(dp_engine_run(eng), DP_OK);
  for (size_t i = 0; i < 8; i++)
  {
    ck_assert_msg(p.done[i] == 1, "target %zu done %zu times", i, p.done[i]);
    ck_assert_msg(p.out[i].finished, "target %zu not finished", i);
    dp_target_clear(&p.out[i]);
  }
  ck_assert_int_eq(dp_runner_pending(p.r), 0);
  ck_assert_int_eq(dp_runner_status(p.r), DP_OK);
  dp_runner_destroy(p.r);
  dp_engine_destroy(eng);
}
END_TEST

/* Destroyed with targets queued and in flight: no done is called, and
 * nothing leaks (the sanitizer build and valgrind check). */
static size_t drop_done_calls;
static void drop_done(void *arg, struct dp_target_result *t)
{
  (void)t;
  drop_done_calls++;
  dp_engine_stop(arg);
}

START_TEST(test_destroy_drops)
{
  dp_engine_t *eng = NULL;
  dp_runner_t *r = NULL;
  struct dp_probe_run_options opt;
  static struct dp_target_result out[6];
  memset(&opt, 0, sizeof(opt));
  opt.probes = DP_PROBE_ALL;
  opt.timeout_ms = TIMEOUT;
  opt.parallel = 2;
  drop_done_calls = 0;
  fake_responder = failing_resolver; /* follow-ups in flight too */
  fake_log_reset();
  ck_assert_int_eq(dp_engine_create(NULL, &eng), DP_OK);
  ck_assert_int_eq(dp_runner_create(eng, &opt, &r), DP_OK);
  for (size_t i = 0; i < 6; i++)
  {
    struct dp_probe_target t =
        target_at("x", i == 0 ? "127.0.0.1" : "127.0.0.2", 5301, "x.test.");
    ck_assert_int_eq(dp_runner_submit(r, &t, &out[i], drop_done, eng), DP_OK);
  }
  ck_assert_int_eq(dp_engine_run(eng), DP_EINTERRUPTED);
  ck_assert_int_eq(drop_done_calls, 1);
  ck_assert_int_eq(dp_runner_pending(r), 5);
  dp_runner_destroy(r);
  dp_engine_destroy(eng);
  ck_assert_int_eq(drop_done_calls, 1);
  for (size_t i = 0; i < 6; i++)
    dp_target_clear(&out[i]);
}
END_TEST

/* ---- the identity asked once per server ---------------------------------- */

/* Two batteries on one server (a fleet listing it twice, two zones): the
 * CHAOS names are asked once, so that the three CHAOS answers a second BIND
 * gives a client are never exceeded, and the second battery reuses them. */
START_TEST(test_identity_once_per_server)
{
  struct dp_probe_target t[3] = {
      target_at("a", "127.0.0.1", 5301, "a.test."),
      target_at("b", "127.0.0.1", 5301, "b.test."),
      target_at("c", "127.0.0.2", 5301, "c.test."),
  };
  struct dp_run run;
  run_targets(t, 3, 0, 0, &run);
  size_t chaos[2] = {0, 0};
  for (size_t i = 0; i < fake_log.n; i++)
  {
    struct sent_info si;
    sent_info(i, &si);
    const struct sockaddr_in *sin =
        (const struct sockaddr_in *)&fake_log.sent[i].addr;
    if (si.qclass == DP_CLASS_CH)
      chaos[(ntohl(sin->sin_addr.s_addr) & 0xff) == 1 ? 0 : 1]++;
  }
  ck_assert_msg(chaos[0] == 3, "127.0.0.1: %zu CHAOS queries, want 3",
                chaos[0]);
  ck_assert_msg(chaos[1] == 3, "127.0.0.2: %zu CHAOS queries, want 3",
                chaos[1]);
  for (size_t k = 0; k < 3; k++)
  {
    const struct dp_probe_result *v =
        dp_target_probe(&run.targets[k], DP_PROBE_VERSION);
    ck_assert_msg(v != NULL && v->outcome == DP_OUTCOME_ANSWER && v->has_answer,
                  "target %zu: version has the answer", k);
  }
  dp_run_clear(&run);
}
END_TEST

/* A long-lived runner (the exporter's) with identity_ttl_ms: a battery
 * within the TTL of the one that asked reuses the CHAOS answers, a battery
 * after it asks again, so that an upgraded server is not reported with its
 * old version forever. Batteries at 0, 500 and 3000 ms of the virtual
 * clock with a TTL of 1000 ms. */
struct ttl_case
{
  dp_engine_t *eng;
  dp_runner_t *r;
  struct dp_probe_target in;
  struct dp_target_result out[3];
  size_t next;
  size_t done;
};

static void ttl_done(void *arg, struct dp_target_result *t)
{
  struct ttl_case *c = arg;
  (void)t;
  c->done++;
}

static void ttl_submit(void *arg)
{
  struct ttl_case *c = arg;
  ck_assert_int_eq(
      dp_runner_submit(c->r, &c->in, &c->out[c->next++], ttl_done, c), DP_OK);
}

START_TEST(test_identity_ttl)
{
  struct ttl_case c;
  struct dp_probe_run_options opt;
  dp_engine_timer_t *tm = NULL;
  memset(&c, 0, sizeof(c));
  memset(&opt, 0, sizeof(opt));
  opt.probes = DP_PROBE_ALL;
  opt.timeout_ms = TIMEOUT;
  opt.identity_ttl_ms = 1000;
  fake_log_reset();
  c.in = target_at("a", "127.0.0.1", 5301, "a.test.");
  ck_assert_int_eq(dp_engine_create(NULL, &c.eng), DP_OK);
  ck_assert_int_eq(dp_runner_create(c.eng, &opt, &c.r), DP_OK);
  ttl_submit(&c);
  ck_assert_int_eq(dp_engine_timer_start(c.eng, 500, ttl_submit, &c, &tm),
                   DP_OK);
  ck_assert_int_eq(dp_engine_timer_start(c.eng, 3000, ttl_submit, &c, &tm),
                   DP_OK);
  ck_assert_int_eq(dp_engine_run(c.eng), DP_OK);
  ck_assert_int_eq(c.done, 3);
  size_t chaos[3] = {0, 0, 0};
  for (size_t i = 0; i < fake_log.n; i++)
  {
    struct sent_info si;
    sent_info(i, &si);
    double at = fake_log.sent[i].at;
    if (si.qclass == DP_CLASS_CH)
      chaos[at < 500 ? 0 : at < 3000 ? 1 : 2]++;
  }
  ck_assert_msg(chaos[0] == 3, "first battery: %zu CHAOS queries", chaos[0]);
  ck_assert_msg(chaos[1] == 0, "within the TTL: %zu CHAOS queries, want 0",
                chaos[1]);
  ck_assert_msg(chaos[2] == 3, "after the TTL: %zu CHAOS queries, want 3",
                chaos[2]);
  for (size_t k = 0; k < 3; k++)
  {
    const struct dp_probe_result *v =
        dp_target_probe(&c.out[k], DP_PROBE_VERSION);
    ck_assert_msg(v != NULL && v->has_answer, "battery %zu: version answered",
                  k);
    dp_target_clear(&c.out[k]);
  }
  dp_runner_destroy(c.r);
  dp_engine_destroy(c.eng);
}
END_TEST

/* ---- a slow recursive answer --------------------------------------------- */

/* A resolver whose upstream is dead: the first recursive query is never
 * answered, a second one gets SERVFAIL at once; everything else answers. */
static size_t recursive_seen;
static void slow_upstream(const struct fake_sent *q, struct fake_reply *r)
{
  struct dp_wire_msg m;
  if (dp_wire_msg_parse(q->msg, q->len, &m) == DP_OK && m.rd &&
      m.qtype == DP_TYPE_A)
  {
    if (recursive_seen++ == 0)
      memset(r, 0, sizeof(*r)); /* no reply: a timeout */
    else
      fake_reply_echo(q, r, DP_RCODE_SERVFAIL, DP_FLAG_RA);
    return;
  }
  fake_reply_echo(
      q, r, m.opcode == DP_OPCODE_QUERY ? DP_RCODE_REFUSED : DP_RCODE_NOTIMP,
      DP_FLAG_RA);
}

START_TEST(test_retry_after_timeout)
{
  struct dp_run run;
  recursive_seen = 0;
  fake_responder = slow_upstream;
  run_one(0, &run);
  double first = -1, second = -1;
  for (size_t i = 0; i < fake_log.n; i++)
  {
    struct sent_info si;
    sent_info(i, &si);
    if (si.qtype != DP_TYPE_A)
      continue;
    if (first < 0)
      first = fake_log.sent[i].at;
    else
      second = fake_log.sent[i].at;
  }
  ck_assert_msg(first >= 0 && second >= 0, "the recursive query was not asked "
                                           "again");
  ck_assert_msg(second >= first + TIMEOUT,
                "asked again at %.1f ms, before the first timed out (%.1f)",
                second, first + TIMEOUT);
  const struct dp_probe_result *rec =
      dp_target_probe(&run.targets[0], DP_PROBE_RECURSION);
  ck_assert_msg(rec->nfollowups == 1 &&
                    rec->followups[0].id == DP_FOLLOWUP_RETRY &&
                    rec->followups[0].has_answer &&
                    rec->followups[0].answer.rcode == DP_RCODE_SERVFAIL,
                "recursion records the retry and its SERVFAIL");
  ck_assert_msg(rec->cause == DP_CAUSE_UPSTREAM, "recursion cause %s",
                dp_cause_tostr(rec->cause));
  ck_assert_msg(run.targets[0].ndiagnosis > 0 &&
                    run.targets[0].diagnosis[0].cause == DP_CAUSE_UPSTREAM,
                "the first root cause is the upstream");
  dp_run_clear(&run);
}
END_TEST

static Suite *runner_suite(void)
{
  Suite *s = suite_create("runner");
  TCase *tc = tcase_create("schedule");
  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_add_test(tc, test_soa_queries_follow_one_another);
  tcase_add_test(tc, test_tcp_one_at_a_time);
  tcase_add_test(tc, test_ids_unique);
  tcase_add_test(tc, test_grace_and_one_timeout);
  tcase_add_loop_test(tc, test_spacing, 0, 2);
  tcase_add_test(tc, test_followups);
  tcase_add_test(tc, test_truncated_asked_over_tcp);
  tcase_add_test(tc, test_one_server_one_battery);
  tcase_add_test(tc, test_window);
  tcase_add_test(tc, test_identity_once_per_server);
  tcase_add_test(tc, test_identity_ttl);
  tcase_add_test(tc, test_target_timeout);
  tcase_add_test(tc, test_retry_after_timeout);
  suite_add_tcase(s, tc);
  TCase *feed = tcase_create("feed");
  tcase_add_checked_fixture(feed, NULL, teardown);
  tcase_set_timeout(feed, 60);
  tcase_add_test(feed, test_source_window);
  tcase_add_test(feed, test_window_follows_the_cpu);
  tcase_add_loop_test(feed, test_source_each_once_bounded, 0, 2);
  tcase_add_loop_test(feed, test_source_fails, 0, 2);
  tcase_add_test(feed, test_submit);
  tcase_add_test(feed, test_destroy_drops);
  suite_add_tcase(s, feed);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(runner_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
