/*
 * test_report.c: the report layer (src/report) on hand-built runs.
 *
 * Two fixture targets cover the cases a report must show: an authoritative
 * IPv4 server (authoritative SOA, AXFR denied with EDE 18, an accepted
 * UPDATE, a timeout, a skipped probe, a NOTIFY warning) and an IPv6 server
 * of unknown role without --zone (BADVERS with an unregistered EDE, an open
 * AXFR whose fix carries a config snippet, a refused TCP connection). The
 * JSON report is parsed by a strict recursive-descent parser written here
 * and checked member by member; the text report is checked line by line
 * (alignment, truncation, findings order, wrapping, summary lines, colour).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dnsprobe/report.h"
#include "fixture.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define VERSION "0.1.0-test"

/* --- A strict JSON parser (RFC 8259) into a small tree ------------------- */

enum jtype
{
  J_NULL,
  J_BOOL,
  J_NUM,
  J_STR,
  J_ARR,
  J_OBJ
};

struct jval
{
  enum jtype type;
  char *text; /* string contents (decoded), number or literal text */
  size_t n;
  char **keys; /* objects */
  struct jval **items;
};

struct jparser
{
  const char *s;
  const char *err;
  int depth;
};

static struct jval *jparse_value(struct jparser *p);

static void jfree(struct jval *v)
{
  if (v == NULL)
    return;
  for (size_t i = 0; i < v->n; i++)
  {
    if (v->keys != NULL)
      free(v->keys[i]);
    jfree(v->items[i]);
  }
  free(v->keys);
  free(v->items);
  free(v->text);
  free(v);
}

static void jskip_ws(struct jparser *p)
{
  while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
    p->s++;
}

static struct jval *jnew(enum jtype t)
{
  struct jval *v = calloc(1, sizeof(*v));
  ck_assert_msg(v != NULL, "out of memory");
  v->type = t;
  return v;
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Length of the well-formed UTF-8 sequence at s, or 0 (RFC 3629). */
static size_t jutf8(const unsigned char *s)
{
  if (s[0] >= 0xC2 && s[0] <= 0xDF)
    return (s[1] & 0xC0) == 0x80 ? 2 : 0;
  if (s[0] >= 0xE0 && s[0] <= 0xEF)
  {
    if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
      return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F))
      return 0;
    return 3;
  }
  if (s[0] >= 0xF0 && s[0] <= 0xF4)
  {
    if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
      return 0;
    if ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
      return 0;
    return 4;
  }
  return 0;
}

static char *jparse_string_raw(struct jparser *p)
{
  size_t cap = strlen(p->s) + 1, n = 0;
  char *out = malloc(cap);
  ck_assert_msg(out != NULL, "out of memory");
  p->s++; /* the opening quote */
  for (;;)
  {
    unsigned char c = (unsigned char)*p->s;
    if (c == '"')
    {
      p->s++;
      out[n] = '\0';
      return out;
    }
    if (c < 0x20)
    {
      p->err = c == 0 ? "unterminated string" : "raw control character";
      break;
    }
    if (c >= 0x80)
    {
      size_t len = jutf8((const unsigned char *)p->s);
      if (len == 0)
      {
        p->err = "ill-formed UTF-8";
        break;
      }
      memcpy(out + n, p->s, len);
      n += len;
      p->s += len;
      continue;
    }
    if (c != '\\')
    {
      out[n++] = (char)c;
      p->s++;
      continue;
    }
    char e = p->s[1];
    p->s += 2;
    const char *simple = strchr("\"\\/bfnrt", e);
    if (e != '\0' && simple != NULL)
    {
      out[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
      continue;
    }
    if (e != 'u')
    {
      p->err = "bad escape";
      break;
    }
    unsigned cp = 0;
    for (int i = 0; i < 4; i++)
    {
      int h = hexval(p->s[i]);
      if (h < 0)
      {
        p->err = "bad \\u escape";
        free(out);
        return NULL;
      }
      cp = cp * 16 + (unsigned)h;
    }
    p->s += 4;
    if (cp >= 0xD800 && cp <= 0xDFFF)
    {
      p->err = "surrogate escapes are not expected from dnsprobe";
      break;
    }
    /* UTF-8 encode the BMP code point. */
    if (cp < 0x80)
      out[n++] = (char)cp;
    else if (cp < 0x800)
    {
      out[n++] = (char)(0xC0 | (cp >> 6));
      out[n++] = (char)(0x80 | (cp & 0x3F));
    }
    else
    {
      out[n++] = (char)(0xE0 | (cp >> 12));
      out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
      out[n++] = (char)(0x80 | (cp & 0x3F));
    }
  }
  free(out);
  return NULL;
}

static struct jval *jparse_number(struct jparser *p)
{
  const char *start = p->s;
  if (*p->s == '-')
    p->s++;
  if (*p->s == '0')
    p->s++;
  else if (*p->s >= '1' && *p->s <= '9')
    while (*p->s >= '0' && *p->s <= '9')
      p->s++;
  else
  {
    p->err = "bad number";
    return NULL;
  }
  if (*p->s == '.')
  {
    p->s++;
    if (!(*p->s >= '0' && *p->s <= '9'))
    {
      p->err = "bad fraction";
      return NULL;
    }
    while (*p->s >= '0' && *p->s <= '9')
      p->s++;
  }
  if (*p->s == 'e' || *p->s == 'E')
  {
    p->s++;
    if (*p->s == '+' || *p->s == '-')
      p->s++;
    if (!(*p->s >= '0' && *p->s <= '9'))
    {
      p->err = "bad exponent";
      return NULL;
    }
    while (*p->s >= '0' && *p->s <= '9')
      p->s++;
  }
  struct jval *v = jnew(J_NUM);
  v->text = strndup(start, (size_t)(p->s - start));
  return v;
}

static void jpush(struct jval *v, char *key, struct jval *item)
{
  v->items = realloc(v->items, (v->n + 1) * sizeof(*v->items));
  ck_assert_msg(v->items != NULL, "out of memory");
  if (v->type == J_OBJ)
  {
    v->keys = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
    ck_assert_msg(v->keys != NULL, "out of memory");
    v->keys[v->n] = key;
  }
  v->items[v->n++] = item;
}

static struct jval *jparse_container(struct jparser *p, bool object)
{
  struct jval *v = jnew(object ? J_OBJ : J_ARR);
  char close = object ? '}' : ']';
  p->s++;
  jskip_ws(p);
  if (*p->s == close)
  {
    p->s++;
    return v;
  }
  for (;;)
  {
    char *key = NULL;
    jskip_ws(p);
    if (object)
    {
      if (*p->s != '"')
      {
        p->err = "member name expected";
        break;
      }
      key = jparse_string_raw(p);
      if (key == NULL)
        break;
      jskip_ws(p);
      if (*p->s != ':')
      {
        p->err = "':' expected";
        free(key);
        break;
      }
      p->s++;
    }
    struct jval *item = jparse_value(p);
    if (item == NULL)
    {
      free(key);
      break;
    }
    jpush(v, key, item);
    jskip_ws(p);
    if (*p->s == ',')
    {
      p->s++;
      continue;
    }
    if (*p->s == close)
    {
      p->s++;
      return v;
    }
    p->err = "',' or end of container expected";
    break;
  }
  jfree(v);
  return NULL;
}

static struct jval *jliteral(struct jparser *p, const char *word, enum jtype t)
{
  if (strncmp(p->s, word, strlen(word)) != 0)
  {
    p->err = "bad literal";
    return NULL;
  }
  p->s += strlen(word);
  struct jval *v = jnew(t);
  v->text = strdup(word);
  return v;
}

static struct jval *jparse_value(struct jparser *p)
{
  struct jval *v = NULL;
  jskip_ws(p);
  if (++p->depth > 64)
  {
    p->err = "too deep";
    return NULL;
  }
  switch (*p->s)
  {
  case '{':
  case '[':
    v = jparse_container(p, *p->s == '{');
    break;
  case '"': {
    char *s = jparse_string_raw(p);
    if (s != NULL)
    {
      v = jnew(J_STR);
      v->text = s;
    }
    break;
  }
  case 't':
    v = jliteral(p, "true", J_BOOL);
    break;
  case 'f':
    v = jliteral(p, "false", J_BOOL);
    break;
  case 'n':
    v = jliteral(p, "null", J_NULL);
    break;
  default:
    v = jparse_number(p);
    break;
  }
  p->depth--;
  return v;
}

/* Parse a whole JSON text; NULL with *err set when it is not valid. */
static struct jval *jparse(const char *text, const char **err)
{
  struct jparser p = {text, NULL, 0};
  struct jval *v = jparse_value(&p);
  if (v != NULL)
  {
    jskip_ws(&p);
    if (*p.s != '\0')
    {
      p.err = "trailing characters";
      jfree(v);
      v = NULL;
    }
  }
  *err = p.err != NULL ? p.err : "";
  return v;
}

/* The value at a dotted path ("targets.0.probes.3.id"), or NULL. */
static const struct jval *jget(const struct jval *v, const char *path)
{
  char buf[256];
  snprintf(buf, sizeof(buf), "%s", path);
  char *save = NULL;
  for (char *part = strtok_r(buf, ".", &save); part != NULL && v != NULL;
       part = strtok_r(NULL, ".", &save))
  {
    const struct jval *next = NULL;
    if (v->type == J_ARR)
    {
      char *end;
      unsigned long i = strtoul(part, &end, 10);
      if (*end == '\0' && i < v->n)
        next = v->items[i];
    }
    else if (v->type == J_OBJ)
    {
      for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], part) == 0)
          next = v->items[i];
    }
    v = next;
  }
  return v;
}

/*
 * A value in a short form to compare with: strings quoted, numbers and
 * literals as written, containers as [n] or {n} with their size.
 */
static void jshow(const struct jval *v, char *out, size_t cap)
{
  if (v == NULL)
    snprintf(out, cap, "(missing)");
  else if (v->type == J_STR)
    snprintf(out, cap, "\"%s\"", v->text);
  else if (v->type == J_ARR)
    snprintf(out, cap, "[%zu]", v->n);
  else if (v->type == J_OBJ)
    snprintf(out, cap, "{%zu}", v->n);
  else
    snprintf(out, cap, "%s", v->text);
}

/* Member names of an object, comma-separated, in order. */
static void jkeys(const struct jval *v, char *out, size_t cap)
{
  out[0] = '\0';
  if (v == NULL || v->type != J_OBJ)
  {
    snprintf(out, cap, "(not an object)");
    return;
  }
  for (size_t i = 0; i < v->n; i++)
  {
    size_t used = strlen(out);
    snprintf(out + used, cap - used, "%s%s", i > 0 ? "," : "", v->keys[i]);
  }
}

START_TEST(test_parser_rejects)
{
  /* The validator must be able to say no, or the JSON checks prove little. */
  static const char *const bad[] = {
      "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "\"a\x01\"",    "01", "1.",
      "[\"\\x\"]",  "nul",   "{} {}",     "\"\xc0\xaf\"", "",   "{\"a\":1",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
  {
    const char *err;
    struct jval *v = jparse(bad[i], &err);
    ck_assert_msg(v == NULL, "parser case %zu [%s]: accepted invalid JSON", i,
                  bad[i]);
  }
}
END_TEST

/* --- Fixtures ------------------------------------------------------------ */

#define LONG_SNIPPET_LINE                                                      \
  "    allow-transfer { key \"transfer-key-for-the-secondaries-of-this-"       \
  "zone\"; 127.0.0.2; };"
#define UPDATE_SENT                                                            \
  "UPDATE example.test. with empty prerequisite and update sections, "         \
  "a no-op"

/* Fill what the test shows of a probe's query, over what its builder made. */
static void set_query(struct dp_probe_result *p, const char *qname,
                      uint16_t qtype, uint8_t opcode, uint16_t flags, bool edns)
{
  snprintf(p->query.qname, sizeof(p->query.qname), "%s", qname);
  p->query.qtype = qtype;
  p->query.opcode = opcode;
  p->query.flags = flags;
  p->query.edns = edns;
  p->query.udp_size = edns ? 1232 : 0;
  p->query.nopts = 0;
}

static void set_answer(struct dp_probe_result *p, uint16_t rcode,
                       uint16_t flags, double rtt)
{
  fx_answer(p, rcode, 0);
  p->answer.flags = flags;
  p->answer.edns = false;
  p->answer.edns_count = 0;
  p->answer.arcount = 0;
  p->answer.udp_size = 0;
  p->answer.length = 0;
  p->rtt_ms = rtt;
}

static void set_opt(struct dp_answer_info *a, uint16_t code)
{
  a->edns = true;
  a->edns_count = 1;
  a->udp_size = 1232;
  a->arcount = 1;
  if (code != 0)
    a->opt_codes[a->nopt_codes++] = code;
}

static void fixture_v4(struct dp_run *run)
{
  struct dp_probe_result *p;
  struct dp_target_result *t =
      fx_target(run, "127.0.0.1:5301", "127.0.0.1", 5301, FX_ZONE);

  t->role = DP_ROLE_AUTHORITATIVE;
  t->software = DP_SOFTWARE_UNKNOWN;
  t->status = DP_HEALTH_CRITICAL;
  t->duration_ms = 3.2;

  /* the zone's SOA, authoritative. */
  p = fx_probe(t, DP_PROBE_UDP);
  p->sent = "SOA example.test., RD=0, EDNS0";
  set_query(p, "example.test.", DP_TYPE_SOA, 0, 0, true);
  set_answer(p, DP_RCODE_NOERROR, DP_FLAG_QR | DP_FLAG_AA, 0.41);
  set_opt(&p->answer, 0);
  fx_soa(p, 2024010101);
  fx_judged(p, DP_VERDICT_AUTHORITATIVE, DP_SEVERITY_OK, DP_FINDING_NONE,
            "NOERROR with AA: this server serves example.test.", NULL, NULL);

  /* recursion times out: info. */
  p = fx_probe(t, DP_PROBE_RECURSION);
  p->sent = "A dnsprobe.invalid., RD=1";
  set_query(p, "dnsprobe.invalid.", DP_TYPE_A, 0, DP_FLAG_RD, true);
  fx_outcome(p, DP_OUTCOME_TIMEOUT);
  fx_judged(p, DP_VERDICT_NO_ANSWER, DP_SEVERITY_INFO, DP_FINDING_NO_ANSWER,
            "no reply to a recursive query within 2000 ms",
            "Some servers drop queries they will not serve.", NULL);

  /* AXFR denied by policy, EDE 18. */
  p = fx_probe(t, DP_PROBE_AXFR);
  p->sent = "AXFR example.test. over TCP";
  set_query(p, "example.test.", DP_TYPE_AXFR, 0, 0, false);
  set_answer(p, DP_RCODE_REFUSED, DP_FLAG_QR, 0.87);
  set_opt(&p->answer, DP_EDNS_EDE);
  p->answer.nede = 1;
  p->answer.ede[0].code = 18;
  fx_judged(p, DP_VERDICT_DENIED, DP_SEVERITY_OK, DP_FINDING_AXFR_DENIED,
            "zone transfer refused (REFUSED, EDE 18 Prohibited)", NULL, NULL);

  /* UPDATE accepted: critical. */
  p = fx_probe(t, DP_PROBE_UPDATE);
  p->sent = UPDATE_SENT;
  set_query(p, "example.test.", DP_TYPE_SOA, DP_OPCODE_UPDATE, 0, false);
  set_answer(p, DP_RCODE_NOERROR, DP_FLAG_QR, 0.5);
  fx_judged(p, DP_VERDICT_ALLOWED, DP_SEVERITY_CRITICAL,
            DP_FINDING_UPDATE_ACCEPTED,
            "dynamic UPDATE accepted from this client",
            "The server answered NOERROR to an UPDATE for example.test.: "
            "anyone who can reach it can add, change or delete records "
            "in the zone. dnsprobe's UPDATE was empty and changed nothing.",
            "Allow updates only with a TSIG key.");

  /* NOTIFY accepted: warning, listed after the critical. */
  p = fx_probe(t, DP_PROBE_NOTIFY);
  p->sent = "NOTIFY example.test. SOA, AA=1";
  set_query(p, "example.test.", DP_TYPE_SOA, DP_OPCODE_NOTIFY, DP_FLAG_AA,
            false);
  set_answer(p, DP_RCODE_NOERROR, DP_FLAG_QR | DP_FLAG_AA, 0.3);
  fx_judged(p, DP_VERDICT_ACCEPTED, DP_SEVERITY_WARNING,
            DP_FINDING_NOTIFY_ACCEPTED, "NOTIFY accepted from this client",
            "A secondary that acts on NOTIFY from anyone can be made to "
            "poll its primary at will.",
            "Accept NOTIFY only from the primary.");
  /* the root causes a diagnosis would give */
  struct dp_root_cause *r;
  ck_assert_int_eq(dp_target_cause_add(t, &r), DP_OK);
  r->cause = DP_CAUSE_UPDATE_ACCEPTED;
  r->severity = DP_SEVERITY_CRITICAL;
  r->probes = DP_PROBE_BIT(DP_PROBE_UPDATE);
  r->headline = strdup("Dynamic updates accepted from this client");
  r->evidence = strdup("update: NOERROR.");
  r->explanation = strdup("The server would apply real changes.");
  r->fix = strdup("Allow updates only with a TSIG key.\n"
                  "zone \"example.test\" {\n"
                  "    update-policy { grant key zonesub ANY; };\n"
                  "};");
  ck_assert_int_eq(dp_target_cause_add(t, &r), DP_OK);
  r->cause = DP_CAUSE_NOTIFY_ACCEPTED;
  r->severity = DP_SEVERITY_WARNING;
  r->probes = DP_PROBE_BIT(DP_PROBE_NOTIFY);
  r->headline = strdup("NOTIFY accepted from this client");
  r->evidence = strdup("notify: NOERROR aa.");
  r->explanation = strdup("A secondary can be made to poll its primary.");
  r->fix = NULL;
  /* opcode, like every other probe, was not selected: its query is shown
   * all the same */
  set_query(&t->probes[DP_PROBE_OPCODE], "example.test.", DP_TYPE_SOA, 15, 0,
            false);
}

static void fixture_v6(struct dp_run *run)
{
  struct dp_probe_result *p;
  struct dp_target_result *t = fx_target(run, "[::1]:5301", "::1", 5301, NULL);

  t->role = DP_ROLE_UNKNOWN;
  t->software = DP_SOFTWARE_BIND;
  t->software_confidence = 90;
  snprintf(t->software_version, sizeof(t->software_version), "9.18.49");
  snprintf(t->software_evidence, sizeof(t->software_evidence),
           "version.bind: \"9.18.49\"");
  t->status = DP_HEALTH_WARNING;
  t->duration_ms = 2.5;

  /* BADVERS (16, from the OPT) with an unregistered EDE. */
  p = fx_probe(t, DP_PROBE_UDP);
  p->sent = "SOA ., RD=0, EDNS0";
  set_query(p, ".", DP_TYPE_SOA, 0, 0, true);
  p->query.opt_codes[p->query.nopts++] = DP_EDNS_COOKIE;
  set_answer(p, DP_RCODE_BADVERS, DP_FLAG_QR | DP_FLAG_RD | DP_FLAG_RA, 12.5);
  set_opt(&p->answer, DP_EDNS_EDE);
  p->answer.do_bit = true;
  p->answer.nede = 1;
  p->answer.ede[0].code = 999;
  snprintf(p->answer.ede[0].text, sizeof(p->answer.ede[0].text),
           "odd \"text\"");
  snprintf(p->answer.problem, sizeof(p->answer.problem), "OPT record not last");
  p->answer.parse_complete = false;
  fx_judged(p, DP_VERDICT_UNEXPECTED, DP_SEVERITY_WARNING,
            DP_FINDING_ZONE_UNEXPECTED, "BADVERS to an EDNS version 0 query",
            "BADVERS means the server does not speak the EDNS version "
            "asked for, but version 0 is the only one there is.",
            NULL);

  /* TCP connection refused: info. */
  p = fx_probe(t, DP_PROBE_TCP);
  p->sent = "SOA ., RD=0, EDNS0, over TCP";
  set_query(p, ".", DP_TYPE_SOA, 0, 0, true);
  fx_outcome(p, DP_OUTCOME_CONN_REFUSED);
  fx_judged(p, DP_VERDICT_NO_ANSWER, DP_SEVERITY_INFO,
            DP_FINDING_TCP_UNAVAILABLE, "nothing listens on TCP port 5301",
            NULL, "Let the server listen on TCP (RFC 7766).");

  /* an open AXFR whose fix carries a snippet. */
  p = fx_probe(t, DP_PROBE_AXFR);
  p->sent = "AXFR . over TCP";
  set_query(p, ".", DP_TYPE_AXFR, 0, 0, false);
  set_answer(p, DP_RCODE_NOERROR, DP_FLAG_QR | DP_FLAG_AA, 1.234);
  p->answer.ancount = 5;
  p->answer.has_soa = true;
  p->answer.soa_serial = 7;
  p->answer.messages = 3;
  p->answer.records = 12;
  fx_judged(
      p, DP_VERDICT_ALLOWED, DP_SEVERITY_WARNING, DP_FINDING_AXFR_OPEN,
      "zone transfer of . allowed to this client",
      "Anyone who can reach this server can download the whole zone with one "
      "query: every name, address and mail server in it, which maps your "
      "network for an attacker.",
      "Allow transfers only to your secondary servers, by address or better "
      "with a TSIG key, in named.conf:\n"
      "zone \"example.test\" {\n" LONG_SNIPPET_LINE "\n"
      "};");
}

static void fixture(struct dp_run *run)
{
  fx_run_init(run);
  run->status = DP_HEALTH_CRITICAL;
  fixture_v4(run);
  fixture_v6(run);
}

/* Write a report of the fixture into a string. */
/* A report of the fixture, with each probe's findings (-v) or without. */
static char *report_v(dp_format_t fmt, bool color, unsigned width, bool verbose,
                      dp_status_t *st)
{
  struct dp_run run;
  struct dp_report_options opt = {
      .color = color, .width = width, .version = VERSION, .verbose = verbose};
  fixture(&run);
  FILE *fp = tmpfile();
  ck_assert_msg(fp != NULL, "tmpfile failed");
  *st = dp_report_write(fp, fmt, &run, NULL, &opt);
  long n = ftell(fp);
  ck_assert_msg(n >= 0, "ftell failed");
  char *out = calloc(1, (size_t)n + 1);
  ck_assert_msg(out != NULL, "out of memory");
  rewind(fp);
  ck_assert_msg(fread(out, 1, (size_t)n, fp) == (size_t)n, "short read");
  fclose(fp);
  dp_run_clear(&run);
  return out;
}

/* The findings layout is what -v shows. */
static char *report(dp_format_t fmt, bool color, unsigned width,
                    dp_status_t *st)
{
  return report_v(fmt, color, width, true, st);
}

/* --- JSON report --------------------------------------------------------- */

static const struct
{
  const char *path;
  const char *keys;
} json_shapes[] = {
    {"", "schema,version,started_at,duration_ms,status,targets"},
    {"targets.0", "target,address,port,zone,zone_given,role,software,"
                  "compliance,status,duration_ms,diagnosis,dnssec,probes"},
    {"targets.0.diagnosis.0",
     "cause,severity,headline,probes,evidence,explanation,fix"},
    {"targets.0.probes.3",
     "id,transport,query,outcome,rtt_ms,connected,answer,verdict,"
     "detail,cause,reproduce,followups,severity,finding,"
     "summary,"
     "explanation,fix"},
    {"targets.0.probes.3.query", "qname,qtype,qclass,opcode,flags,edns"},
    {"targets.0.probes.3.answer",
     "rcode,rcode_value,opcode,flags,qdcount,ancount,nscount,arcount,"
     "question_matches,edns,ede,soa_serial,messages,records,stream_complete,"
     "complete,problem"},
    {"targets.0.probes.3.answer.edns", "version,udp_size,do,options"},
    {"targets.0.probes.3.answer.ede.0", "code,name,text"},
    {"targets.0.probes.0.query.edns", "version,udp_size,do,options"},
};

START_TEST(test_json_shape)
{
  dp_status_t st;
  const char *err;
  char *out = report(DP_FORMAT_JSON, false, 0, &st);
  ck_assert_msg(st == DP_OK, "shape %s: write returned %d",
                json_shapes[_i].path, (int)st);
  struct jval *root = jparse(out, &err);
  ck_assert_msg(root != NULL, "shape %s: invalid JSON (%s)",
                json_shapes[_i].path, err);
  char keys[512];
  jkeys(json_shapes[_i].path[0] == '\0' ? root
                                        : jget(root, json_shapes[_i].path),
        keys, sizeof(keys));
  ck_assert_msg(strcmp(keys, json_shapes[_i].keys) == 0,
                "shape %s: members [%s], want [%s]", json_shapes[_i].path, keys,
                json_shapes[_i].keys);
  jfree(root);
  free(out);
}
END_TEST

static const struct
{
  const char *path;
  const char *expect;
} json_values[] = {
    {"schema", "\"dnsprobe/1\""},
    {"version", "\"" VERSION "\""},
    {"started_at", "\"2026-11-21T12:00:00Z\""},
    {"duration_ms", "6.1"},
    {"status", "\"critical\""},
    {"targets", "[2]"},
    /* target 0: IPv4, authoritative */
    {"targets.0.target", "\"127.0.0.1:5301\""},
    {"targets.0.address", "\"127.0.0.1\""},
    {"targets.0.port", "5301"},
    {"targets.0.zone", "\"example.test.\""},
    {"targets.0.zone_given", "true"},
    {"targets.0.role", "\"authoritative\""},
    {"targets.0.software", "null"},
    {"targets.0.status", "\"critical\""},
    {"targets.0.duration_ms", "3.2"},
    {"targets.0.probes", "[25]"},
    {"targets.0.probes.0.id", "\"udp\""},
    {"targets.0.probes.0.transport", "\"udp\""},
    {"targets.0.probes.0.query.qname", "\"example.test.\""},
    {"targets.0.probes.0.query.qtype", "\"SOA\""},
    {"targets.0.probes.0.query.qclass", "\"IN\""},
    {"targets.0.probes.0.query.opcode", "\"QUERY\""},
    {"targets.0.probes.0.query.flags", "[0]"},
    {"targets.0.probes.0.query.edns.version", "0"},
    {"targets.0.probes.0.query.edns.udp_size", "1232"},
    {"targets.0.probes.0.query.edns.do", "false"},
    {"targets.0.probes.0.query.edns.options", "[0]"},
    {"targets.0.probes.0.outcome", "\"answer\""},
    {"targets.0.probes.0.rtt_ms", "0.41"},
    {"targets.0.probes.0.answer.rcode", "\"NOERROR\""},
    {"targets.0.probes.0.answer.flags", "[2]"},
    {"targets.0.probes.0.answer.flags.0", "\"qr\""},
    {"targets.0.probes.0.answer.flags.1", "\"aa\""},
    {"targets.0.probes.0.answer.soa_serial", "2024010101"},
    {"targets.0.probes.0.answer.ancount", "1"},
    {"targets.0.probes.0.answer.records", "1"},
    {"targets.0.probes.0.answer.problem", "null"},
    {"targets.0.probes.0.verdict", "\"authoritative\""},
    {"targets.0.probes.0.severity", "\"ok\""},
    {"targets.0.probes.0.finding", "null"},
    {"targets.0.probes.0.explanation", "null"},
    {"targets.0.probes.0.fix", "null"},
    {"targets.0.probes.3.id", "\"axfr\""},
    {"targets.0.probes.3.transport", "\"tcp\""},
    {"targets.0.probes.3.query.qtype", "\"AXFR\""},
    {"targets.0.probes.3.query.edns", "null"},
    {"targets.0.probes.3.rtt_ms", "0.87"},
    {"targets.0.probes.3.answer.rcode", "\"REFUSED\""},
    {"targets.0.probes.3.answer.rcode_value", "5"},
    {"targets.0.probes.3.answer.opcode", "\"QUERY\""},
    {"targets.0.probes.3.answer.flags", "[1]"},
    {"targets.0.probes.3.answer.flags.0", "\"qr\""},
    {"targets.0.probes.3.answer.qdcount", "1"},
    {"targets.0.probes.3.answer.arcount", "1"},
    {"targets.0.probes.3.answer.edns.options", "[1]"},
    {"targets.0.probes.3.answer.edns.options.0", "15"},
    {"targets.0.probes.3.answer.ede", "[1]"},
    {"targets.0.probes.3.answer.ede.0.code", "18"},
    {"targets.0.probes.3.answer.ede.0.name", "\"Prohibited\""},
    {"targets.0.probes.3.answer.ede.0.text", "\"\""},
    {"targets.0.probes.3.answer.soa_serial", "null"},
    {"targets.0.probes.3.answer.messages", "1"},
    {"targets.0.probes.3.answer.complete", "true"},
    {"targets.0.probes.3.answer.stream_complete", "true"},
    {"targets.0.probes.3.answer.question_matches", "true"},
    {"targets.1.probes.0.answer.complete", "false"},
    {"targets.0.probes.3.verdict", "\"denied\""},
    {"targets.0.probes.3.severity", "\"ok\""},
    {"targets.0.probes.3.finding", "\"axfr-denied\""},
    {"targets.0.probes.5.query.opcode", "\"UPDATE\""},
    {"targets.0.probes.5.answer.opcode", "\"UPDATE\""},
    {"targets.0.probes.5.answer.edns", "null"},
    {"targets.0.probes.5.verdict", "\"allowed\""},
    {"targets.0.probes.5.severity", "\"critical\""},
    {"targets.0.probes.5.finding", "\"update-accepted\""},
    {"targets.0.probes.5.fix", "\"Allow updates only with a TSIG key.\""},
    {"targets.0.probes.2.query.flags", "[1]"},
    {"targets.0.probes.2.query.flags.0", "\"rd\""},
    {"targets.0.probes.2.outcome", "\"timeout\""},
    {"targets.0.probes.2.rtt_ms", "null"},
    {"targets.0.probes.2.answer", "null"},
    {"targets.0.probes.2.verdict", "\"no-answer\""},
    {"targets.0.probes.2.severity", "\"info\""},
    {"targets.0.probes.7.id", "\"opcode\""},
    {"targets.0.probes.7.query.opcode", "\"OPCODE15\""},
    {"targets.0.probes.7.outcome", "\"skipped\""},
    {"targets.0.probes.7.verdict", "\"skipped\""},
    {"targets.0.probes.7.answer", "null"},
    {"targets.0.probes.7.rtt_ms", "null"},
    {"targets.0.probes.6.query.opcode", "\"NOTIFY\""},
    {"targets.0.probes.6.query.flags.0", "\"aa\""},
    {"targets.0.probes.6.verdict", "\"accepted\""},
    /* target 1: IPv6, no --zone, BIND */
    {"targets.1.target", "\"[::1]:5301\""},
    {"targets.1.address", "\"::1\""},
    {"targets.1.zone", "\".\""},
    {"targets.1.zone_given", "false"},
    {"targets.1.role", "\"unknown\""},
    {"targets.1.software.name", "\"bind\""},
    {"targets.1.software.display_name", "\"BIND 9\""},
    {"targets.1.software.version", "\"9.18.49\""},
    {"targets.1.software.evidence", "\"version.bind: \"9.18.49\"\""},
    {"targets.1.software.confidence", "90"},
    {"targets.1.status", "\"warning\""},
    {"targets.1.duration_ms", "2.5"},
    {"targets.1.probes.0.query.edns.options.0", "10"},
    {"targets.1.probes.0.rtt_ms", "12.5"},
    {"targets.1.probes.0.answer.rcode", "\"BADVERS\""},
    {"targets.1.probes.0.answer.rcode_value", "16"},
    {"targets.1.probes.0.answer.flags", "[3]"},
    {"targets.1.probes.0.answer.flags.1", "\"rd\""},
    {"targets.1.probes.0.answer.flags.2", "\"ra\""},
    {"targets.1.probes.0.answer.edns.do", "true"},
    {"targets.1.probes.0.answer.ede.0.code", "999"},
    {"targets.1.probes.0.answer.ede.0.name", "null"},
    {"targets.1.probes.0.answer.ede.0.text", "\"odd \"text\"\""},
    {"targets.1.probes.0.answer.problem", "\"OPT record not last\""},
    {"targets.1.probes.0.fix", "null"},
    {"targets.1.probes.3.rtt_ms", "1.234"},
    {"targets.1.probes.3.answer.soa_serial", "7"},
    {"targets.1.probes.3.answer.messages", "3"},
    {"targets.1.probes.3.answer.records", "12"},
    {"targets.1.probes.3.answer.ancount", "5"},
    {"targets.1.probes.3.severity", "\"warning\""},
    {"targets.1.probes.3.finding", "\"axfr-open\""},
    {"targets.1.probes.1.outcome", "\"connection-refused\""},
    {"targets.1.probes.1.answer", "null"},
};

START_TEST(test_json_value)
{
  dp_status_t st;
  const char *err;
  char *out = report(DP_FORMAT_JSON, false, 0, &st);
  ck_assert_msg(st == DP_OK, "%s: write returned %d", json_values[_i].path,
                (int)st);
  struct jval *root = jparse(out, &err);
  ck_assert_msg(root != NULL, "%s: invalid JSON (%s)", json_values[_i].path,
                err);
  char got[512];
  jshow(jget(root, json_values[_i].path), got, sizeof(got));
  ck_assert_msg(strcmp(got, json_values[_i].expect) == 0, "%s: got %s, want %s",
                json_values[_i].path, got, json_values[_i].expect);
  jfree(root);
  free(out);
}
END_TEST

/* The fix with its snippet survives the round trip byte for byte. */
START_TEST(test_json_multiline_fix)
{
  dp_status_t st;
  const char *err;
  char *out = report(DP_FORMAT_JSON, false, 0, &st);
  struct jval *root = jparse(out, &err);
  ck_assert_msg(root != NULL, "multi-line fix: invalid JSON (%s)", err);
  const struct jval *fix = jget(root, "targets.1.probes.3.fix");
  ck_assert_msg(fix != NULL && fix->type == J_STR, "multi-line fix: no string");
  ck_assert_msg(strstr(fix->text, "{\n" LONG_SNIPPET_LINE "\n};") != NULL,
                "multi-line fix: snippet changed: [%s]", fix->text);
  jfree(root);
  free(out);
}
END_TEST

/* Pretty, newline-terminated, and never coloured (even when asked to). */
START_TEST(test_json_form)
{
  dp_status_t st;
  char *out = report(DP_FORMAT_JSON, true, 0, &st);
  size_t n = strlen(out);
  ck_assert_msg(st == DP_OK, "json form: write returned %d", (int)st);
  ck_assert_msg(n > 2 && out[n - 1] == '\n' && out[n - 2] == '}',
                "json form: does not end in \"}\\n\"");
  ck_assert_msg(strncmp(out, "{\n  \"schema\": \"dnsprobe/1\",\n", 28) == 0,
                "json form: not pretty-printed with 2-space indent");
  ck_assert_msg(strchr(out, '\033') == NULL && strstr(out, "\\u001b") == NULL,
                "json form: ANSI escape in JSON with color=true");
  free(out);
}
END_TEST

/* --- Text report --------------------------------------------------------- */

/* The line of text that starts with prefix (after the given line), or NULL;
 * the returned string is a copy without its newline. */
static char *find_line(const char *text, const char *prefix, const char *after)
{
  const char *p = text;
  if (after != NULL)
  {
    p = strstr(text, after);
    if (p == NULL)
      return NULL;
  }
  while (*p != '\0')
  {
    const char *end = strchr(p, '\n');
    size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
    if (strncmp(p, prefix, strlen(prefix)) == 0)
      return strndup(p, len);
    if (end == NULL)
      break;
    p = end + 1;
  }
  return NULL;
}

static const struct
{
  const char *id;
  const char *answer;
  const char *rtt;
  const char *verdict;
} text_rows[] = {
    {"udp", "NOERROR aa", "0.41 ms", "authoritative"},
    {"axfr", "REFUSED EDE 18 Prohibited", "0.87 ms", "denied"},
    {"update", "NOERROR", "0.50 ms", "allowed"},
    {"recursion", "timeout", "-", "no-answer"},
    {"notify", "NOERROR aa", "0.30 ms", "accepted"},
};

/* Column where the answer cell starts, from the heading line. */
static long answer_column(const char *text)
{
  char *heading = find_line(text, "  probe ", NULL);
  ck_assert_msg(heading != NULL, "text: no heading line");
  const char *a = strstr(heading, "  answer");
  ck_assert_msg(a != NULL, "text: no answer column in heading");
  long col = a - heading + 2;
  free(heading);
  return col;
}

/* A probe that was not selected is counted under the table, not listed. */
START_TEST(test_text_skipped)
{
  dp_status_t st;
  char *out = report(DP_FORMAT_TEXT, false, 0, &st);
  ck_assert_msg(st == DP_OK, "skipped: write returned %d", (int)st);
  char *line = find_line(out, "  opcode ", NULL);
  ck_assert_msg(line == NULL, "skipped: opcode listed: %s", line);
  ck_assert_msg(strstr(out, "(20 more probes not selected") != NULL,
                "skipped: not counted under the table");
  free(out);
}
END_TEST

START_TEST(test_text_row)
{
  dp_status_t st;
  char *out = report(DP_FORMAT_TEXT, false, 0, &st);
  char prefix[32];
  ck_assert_msg(st == DP_OK, "row %s: write returned %d", text_rows[_i].id,
                (int)st);
  long col = answer_column(out);
  snprintf(prefix, sizeof(prefix), "  %s ", text_rows[_i].id);
  char *line = find_line(out, prefix, NULL);
  ck_assert_msg(line != NULL, "row %s: no line", text_rows[_i].id);
  ck_assert_msg(strlen(line) <= 80, "row %s: %zu columns", text_rows[_i].id,
                strlen(line));
  ck_assert_msg(strncmp(line + col, text_rows[_i].answer,
                        strlen(text_rows[_i].answer)) == 0,
                "row %s: answer not [%s] at column %ld: [%s]", text_rows[_i].id,
                text_rows[_i].answer, col, line);
  size_t n = strlen(line), v = strlen(text_rows[_i].verdict);
  ck_assert_msg(n > v && strcmp(line + n - v, text_rows[_i].verdict) == 0 &&
                    line[n - v - 1] == ' ',
                "row %s: does not end in verdict %s: [%s]", text_rows[_i].id,
                text_rows[_i].verdict, line);
  /* RTTs are right-aligned: they end two columns before the verdicts. */
  char *heading = find_line(out, "  probe ", NULL);
  size_t verdict_col = strlen(heading) - strlen("verdict");
  ck_assert_msg(n - v == verdict_col, "row %s: verdict at %zu, heading at %zu",
                text_rows[_i].id, n - v, verdict_col);
  size_t r = strlen(text_rows[_i].rtt);
  ck_assert_msg(strncmp(line + verdict_col - 2 - r, text_rows[_i].rtt, r) == 0,
                "row %s: rtt [%s] not right-aligned: [%s]", text_rows[_i].id,
                text_rows[_i].rtt, line);
  free(heading);
  free(line);
  free(out);
}
END_TEST

/* Exact lines that must appear. */
static const struct
{
  const char *name;
  const char *line;
} text_lines[] = {
    {"v4 header",
     "dnsprobe " VERSION " -- 127.0.0.1 port 5301, zone example.test."},
    {"v4 role", "role: authoritative   software: unknown   time: 3.2 ms"},
    {"v4 summary",
     "127.0.0.1:5301: CRITICAL -- 1 critical, 1 warning, 1 info, 2 ok, "
     "20 skipped"},
    {"v6 header", "dnsprobe " VERSION " -- ::1 port 5301,"},
    {"v6 zone on its own line",
     "  zone . (root; pass --zone to test your zone)"},
    {"v6 summary",
     "[::1]:5301: WARNING -- 0 critical, 2 warnings, 1 info, 0 ok, 22 skipped"},
    {"v6 role (software name from knowledge)", NULL},
    {"overall", "overall: CRITICAL -- 2 targets: 1 critical, 1 warning, 0 ok; "
                "time: 6.1 ms"},
    {"finding heading", "  [CRITICAL] update: dynamic UPDATE accepted from "
                        "this client"},
    {"fix line", "    Fix: Allow updates only with a TSIG key."},
    {"snippet opening", "         zone \"example.test\" {"},
    {"snippet long line", "         " LONG_SNIPPET_LINE},
    {"snippet closing", "         };"},
};

START_TEST(test_text_line)
{
  dp_status_t st;
  char *out = report(DP_FORMAT_TEXT, false, 0, &st);
  ck_assert_msg(st == DP_OK, "%s: write returned %d", text_lines[_i].name,
                (int)st);
  const char *want = text_lines[_i].line;
  char buf[160];
  if (want == NULL)
  {
    /* The software name comes from the knowledge layer, whatever it is. */
    snprintf(buf, sizeof(buf), "role: unknown   software: %s   time: 2.5 ms",
             dp_software_name(DP_SOFTWARE_BIND));
    want = buf;
  }
  char *line = find_line(out, want, NULL);
  ck_assert_msg(line != NULL && strcmp(line, want) == 0,
                "%s: no line [%s] in:\n%s", text_lines[_i].name, want, out);
  free(line);
  free(out);
}
END_TEST

START_TEST(test_text_v6_row)
{
  dp_status_t st;
  char *out = report(DP_FORMAT_TEXT, false, 0, &st);
  char *line = find_line(out, "  udp ", "::1 port");
  ck_assert_msg(line != NULL, "v6 udp row: missing");
  ck_assert_msg(strstr(line, "BADVERS rd ra EDE 999  ") != NULL &&
                    strstr(line, "12.5 ms  unexpected") != NULL,
                "v6 udp row: [%s]", line);
  free(line);
  free(out);
}
END_TEST

/* Findings appear worst first, probes in order within a severity. */
static const struct
{
  const char *name;
  const char *first;
  const char *second;
} text_order[] = {
    {"critical before warning", "[CRITICAL] update:", "[WARNING] notify:"},
    {"warning before info", "[WARNING] notify:", "[INFO] recursion:"},
    {"v6: probe order within warnings", "[WARNING] udp:", "[WARNING] axfr:"},
    {"v6: warning before info", "[WARNING] axfr:", "[INFO] tcp:"},
    {"findings after probe lines", "  notify ", "Findings:"},
    {"summary after findings", "[INFO] recursion:", "127.0.0.1:5301: "},
};

START_TEST(test_text_order)
{
  dp_status_t st;
  char *out = report(DP_FORMAT_TEXT, false, 0, &st);
  const char *a = strstr(out, text_order[_i].first);
  ck_assert_msg(a != NULL, "%s: [%s] missing", text_order[_i].name,
                text_order[_i].first);
  const char *b = strstr(a, text_order[_i].second);
  ck_assert_msg(b != NULL, "%s: [%s] not after [%s]", text_order[_i].name,
                text_order[_i].second, text_order[_i].first);
  free(out);
}
END_TEST

/* Things that must not appear: ok probes as findings, the untruncated sent. */
START_TEST(test_text_absent)
{
  static const char *const absent[] = {
      "[OK]",
      "] udp: NOERROR with AA",
      "] axfr: zone transfer refused",
      "] opcode:",
      UPDATE_SENT,
      "\033",
  };
  dp_status_t st;
  char *out = report(DP_FORMAT_TEXT, false, 0, &st);
  for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
    ck_assert_msg(strstr(out, absent[i]) == NULL, "absent %zu: found [%s]", i,
                  absent[i]);
  char *line = find_line(out, "  update ", NULL);
  ck_assert_msg(line != NULL && strstr(line, "...  ") != NULL,
                "absent: update's long sent not cut with an ellipsis: [%s]",
                line != NULL ? line : "(none)");
  free(line);
  free(out);
}
END_TEST

/*
 * No line is longer than the width, but verbatim snippet lines. (Below
 * about 75 columns the probe lines of this fixture cannot fit any more:
 * "where possible" ends there.)
 */
START_TEST(test_text_width)
{
  static const unsigned widths[] = {80, 0, 100};
  unsigned width = widths[_i];
  unsigned limit = width != 0 ? width : 80;
  dp_status_t st;
  char *out = report(DP_FORMAT_TEXT, false, width, &st);
  ck_assert_msg(st == DP_OK, "width %u: write returned %d", width, (int)st);
  size_t lines = 0;
  for (char *save = NULL, *l = strtok_r(out, "\n", &save); l != NULL;
       l = strtok_r(NULL, "\n", &save))
  {
    lines++;
    if (strstr(l, LONG_SNIPPET_LINE) != NULL)
      continue;
    ck_assert_msg(strlen(l) <= limit, "width %u: %zu columns: [%s]", width,
                  strlen(l), l);
    ck_assert_msg(l[strlen(l) - 1] != ' ', "width %u: trailing space: [%s]",
                  width, l);
  }
  ck_assert_msg(lines > 30, "width %u: only %zu lines", width, lines);
  free(out);
}
END_TEST

START_TEST(test_text_color)
{
  dp_status_t st;
  char *out = report(DP_FORMAT_TEXT, true, 0, &st);
  char want[64];
  ck_assert_msg(st == DP_OK, "color: write returned %d", (int)st);
  snprintf(want, sizeof(want), "%s[CRITICAL]%s update:",
           dp_report_color_severity(DP_SEVERITY_CRITICAL, true),
           dp_report_color_reset(true));
  ck_assert_msg(strstr(out, want) != NULL, "color: no coloured critical");
  snprintf(want, sizeof(want), "%sauthoritative%s\n",
           dp_report_color_severity(DP_SEVERITY_OK, true),
           dp_report_color_reset(true));
  ck_assert_msg(strstr(out, want) != NULL, "color: no green ok verdict");
  ck_assert_msg(strstr(out, "\033[1;31mCRITICAL\033[0m -- 1 critical") != NULL,
                "color: summary status not coloured");
  free(out);
}
END_TEST

/* A run with one target: no overall line; an empty target says so. */
START_TEST(test_text_single)
{
  struct dp_run run;
  struct dp_report_options opt = {
      .color = false, .width = 80, .version = VERSION, .verbose = true};
  fixture(&run);
  size_t nprobes = run.targets[0].nprobes;
  run.ntargets = 1;
  run.targets[0].nprobes = 0;
  FILE *fp = tmpfile();
  ck_assert_msg(dp_report_write(fp, DP_FORMAT_TEXT, &run, NULL, &opt) == DP_OK,
                "single: write failed");
  char buf[2048] = {0};
  rewind(fp);
  size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
  buf[n] = '\0';
  fclose(fp);
  ck_assert_msg(strstr(buf, "overall:") == NULL, "single: overall line");
  ck_assert_msg(strstr(buf, "no probes were run") != NULL,
                "single: empty target not said");
  ck_assert_msg(strstr(buf, "Findings: none") != NULL,
                "single: no 'Findings: none'");
  run.ntargets = 2;
  run.targets[0].nprobes = nprobes;
  dp_run_clear(&run);
}
END_TEST

/* --- The diagnosis ------------------------------------------------------- */

/* The text report leads with the root causes, numbered, worst first, each
 * its headline and key, what was seen and the fix; the per-probe findings
 * only with -v. */
START_TEST(test_text_diagnosis)
{
  dp_status_t st;
  char *out = report_v(DP_FORMAT_TEXT, false, 0, false, &st);
  ck_assert_msg(st == DP_OK, "diagnosis: write returned %d", (int)st);
  static const char *const lines[] = {
      "Diagnosis:\n"
      "  1. [CRITICAL] Dynamic updates accepted from this client "
      "(update-accepted)\n"
      "     Seen: update: NOERROR.\n"
      "     Fix: Allow updates only with a TSIG key.\n"
      "          zone \"example.test\" {\n"
      "              update-policy { grant key zonesub ANY; };\n"
      "          };\n"
      "  2. [WARNING] NOTIFY accepted from this client (notify-accepted)\n"
      "     Seen: notify: NOERROR aa.\n"
      "\n"
      "  probe ",
  };
  ck_assert_msg(strstr(out, lines[0]) != NULL, "diagnosis: no section\n%s",
                out);
  ck_assert_msg(strstr(out, "Findings:") == NULL,
                "diagnosis: per-probe findings without -v:\n%s", out);
  /* the target without root causes says so */
  ck_assert_msg(strstr(out, "Diagnosis: nothing to report, every probe is "
                            "ok.\n") != NULL,
                "diagnosis: second target says nothing:\n%s", out);
  free(out);
  out = report_v(DP_FORMAT_TEXT, false, 0, true, &st);
  ck_assert_msg(strstr(out, "Findings:") != NULL &&
                    strstr(out, "Diagnosis:") < strstr(out, "Findings:"),
                "diagnosis: -v adds the findings after it:\n%s", out);
  free(out);
}
END_TEST

/* --- Entry point, formats, colours, wrap --------------------------------- */

static const struct
{
  const char *text;
  dp_status_t status;
  dp_format_t format;
} format_cases[] = {
    {"text", DP_OK, DP_FORMAT_TEXT},
    {"json", DP_OK, DP_FORMAT_JSON},
    {"JSON", DP_EINVAL, 0},
    {"Text", DP_EINVAL, 0},
    {"", DP_EINVAL, 0},
    {"json ", DP_EINVAL, 0},
    {"txt", DP_EINVAL, 0},
    {NULL, DP_EINVAL, 0},
};

START_TEST(test_format)
{
  const char *text = format_cases[_i].text;
  dp_format_t f = DP_FORMAT_COUNT;
  dp_status_t st = dp_report_format_fromstr(text, &f);
  ck_assert_msg(st == format_cases[_i].status, "format [%s]: status %d",
                text != NULL ? text : "(null)", (int)st);
  if (st == DP_OK)
  {
    ck_assert_msg(f == format_cases[_i].format, "format [%s]: got %d", text,
                  (int)f);
    ck_assert_msg(strcmp(dp_report_format_tostr(f), text) == 0,
                  "format [%s]: tostr gives [%s]", text,
                  dp_report_format_tostr(f));
  }
}
END_TEST

START_TEST(test_write_invalid)
{
  struct dp_run run;
  fixture(&run);
  FILE *fp = tmpfile();
  ck_assert_msg(dp_report_write(fp, DP_FORMAT_COUNT, &run, NULL, NULL) ==
                    DP_EINVAL,
                "invalid: bad format accepted");
  ck_assert_msg(dp_report_write(fp, DP_FORMAT_TEXT, NULL, NULL, NULL) ==
                    DP_EINVAL,
                "invalid: NULL run accepted");
  ck_assert_msg(dp_report_write(NULL, DP_FORMAT_TEXT, &run, NULL, NULL) ==
                    DP_EINVAL,
                "invalid: NULL stream accepted");
  ck_assert_msg(dp_report_write(fp, DP_FORMAT_JSON, &run, NULL, NULL) == DP_OK,
                "invalid: NULL options (defaults) refused");
  fclose(fp);
  FILE *full = fopen("/dev/full", "w");
  if (full != NULL)
  {
    ck_assert_msg(dp_report_write(full, DP_FORMAT_TEXT, &run, NULL, NULL) ==
                      DP_EIO,
                  "invalid: text to /dev/full not DP_EIO");
    clearerr(full);
    ck_assert_msg(dp_report_write(full, DP_FORMAT_JSON, &run, NULL, NULL) ==
                      DP_EIO,
                  "invalid: json to /dev/full not DP_EIO");
    fclose(full);
  }
  dp_run_clear(&run);
}
END_TEST

static const struct
{
  dp_severity_t s;
  const char *seq;
} color_cases[] = {
    {DP_SEVERITY_OK, "\033[32m"},
    {DP_SEVERITY_INFO, "\033[36m"},
    {DP_SEVERITY_WARNING, "\033[33m"},
    {DP_SEVERITY_CRITICAL, "\033[1;31m"},
};

START_TEST(test_color)
{
  const char *name = dp_severity_tostr(color_cases[_i].s);
  ck_assert_msg(strcmp(dp_report_color_severity(color_cases[_i].s, true),
                       color_cases[_i].seq) == 0,
                "color %s: wrong sequence", name);
  ck_assert_msg(
      strcmp(dp_report_color_severity(color_cases[_i].s, false), "") == 0,
      "color %s: not empty without colour", name);
  ck_assert_msg(strcmp(dp_report_color_reset(true), "\033[0m") == 0 &&
                    strcmp(dp_report_color_reset(false), "") == 0,
                "color %s: reset", name);
}
END_TEST

#define WORDS16                                                                \
  "aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa "   \
  "aaaaa aaaaa aaaaa aaaaa"

static const struct
{
  const char *name;
  const char *text;
  unsigned first, indent, width;
  const char *expect;
} wrap_cases[] = {
    {"short", "hello world", 0, 0, 80, "hello world\n"},
    {"wraps", "aaa bbb ccc", 0, 0, 7, "aaa bbb\nccc\n"},
    {"exactly the width", "aaaa bbb", 0, 0, 8, "aaaa bbb\n"},
    {"one over the width", "aaaa bbb", 0, 0, 7, "aaaa\nbbb\n"},
    {"indents", "one two three", 2, 4, 10, "  one two\n    three\n"},
    {"first indent counts", "one two", 6, 0, 10, "      one\ntwo\n"},
    {"long word not split", "a verylongword b", 0, 0, 5,
     "a\nverylongword\nb\n"},
    {"blanks collapse", "  a   b\t c  ", 0, 0, 80, "a b c\n"},
    {"empty", "", 4, 4, 80, "\n"},
    {"NULL", NULL, 4, 4, 80, "\n"},
    {"only blanks", "   ", 4, 4, 80, "\n"},
    {"width 0 is 80", WORDS16, 0, 0, 0,
     "aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa aaaaa "
     "aaaaa\naaaaa aaaaa aaaaa\n"},
    {"snippet verbatim",
     "Do this:\nzone \"x\" {\n  allow-transfer { none; };\n};", 0, 4, 20,
     "Do this:\n    zone \"x\" {\n      allow-transfer { none; };\n    };\n"},
    {"snippet blank line", "a\n\nb", 0, 2, 80, "a\n\n  b\n"},
    {"trailing newline", "a b\n", 0, 0, 80, "a b\n"},
    {"control characters", "a\033[31mb", 0, 0, 80, "a?[31mb\n"},
    {"tab kept in snippet", "x\n\tkey value", 0, 2, 80, "x\n  \tkey value\n"},
    {"UTF-8 is one column", "\xc3\xa9\xc3\xa9\xc3\xa9 \xc3\xa9\xc3\xa9", 0, 0,
     6, "\xc3\xa9\xc3\xa9\xc3\xa9 \xc3\xa9\xc3\xa9\n"},
    {"indent wider than width", "aaaa bbbb cc", 0, 12, 6,
     "aaaa\n            bbbb\n            cc\n"},
};

START_TEST(test_wrap)
{
  FILE *fp = tmpfile();
  ck_assert_msg(fp != NULL, "wrap %s: tmpfile failed", wrap_cases[_i].name);
  dp_status_t st = dp_report_wrap(fp, wrap_cases[_i].text, wrap_cases[_i].first,
                                  wrap_cases[_i].indent, wrap_cases[_i].width);
  char buf[512] = {0};
  rewind(fp);
  size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
  buf[n] = '\0';
  fclose(fp);
  ck_assert_msg(st == DP_OK, "wrap %s: status %d", wrap_cases[_i].name,
                (int)st);
  ck_assert_msg(strcmp(buf, wrap_cases[_i].expect) == 0,
                "wrap %s: wrote [%s], want [%s]", wrap_cases[_i].name, buf,
                wrap_cases[_i].expect);
}
END_TEST

static Suite *report_suite(void)
{
  Suite *s = suite_create("report");
  TCase *tc = tcase_create("json");
  tcase_add_test(tc, test_parser_rejects);
  tcase_add_loop_test(tc, test_json_shape, 0, N(json_shapes));
  tcase_add_loop_test(tc, test_json_value, 0, N(json_values));
  tcase_add_test(tc, test_json_multiline_fix);
  tcase_add_test(tc, test_json_form);
  suite_add_tcase(s, tc);

  tc = tcase_create("text");
  tcase_add_test(tc, test_text_diagnosis);
  tcase_add_loop_test(tc, test_text_row, 0, N(text_rows));
  tcase_add_test(tc, test_text_skipped);
  tcase_add_loop_test(tc, test_text_line, 0, N(text_lines));
  tcase_add_test(tc, test_text_v6_row);
  tcase_add_loop_test(tc, test_text_order, 0, N(text_order));
  tcase_add_test(tc, test_text_absent);
  tcase_add_loop_test(tc, test_text_width, 0, 3);
  tcase_add_test(tc, test_text_color);
  tcase_add_test(tc, test_text_single);
  suite_add_tcase(s, tc);

  tc = tcase_create("api");
  tcase_add_loop_test(tc, test_format, 0, N(format_cases));
  tcase_add_test(tc, test_write_invalid);
  tcase_add_loop_test(tc, test_color, 0, N(color_cases));
  tcase_add_loop_test(tc, test_wrap, 0, N(wrap_cases));
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(report_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
