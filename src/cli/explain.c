/*
 * explain.c: `dnsprobe explain`, the knowledge tables on the command line.
 * One RCODE prints its description, when you see it and how to fix it;
 * several RCODEs print each of those and then a comparison ("Key
 * differences", "When to look at which") derived from the table fields, a
 * few presentation traits per code (kind, where it travels, when to look at
 * it) and a small table of distinctions for commonly confused pairs. --ede
 * and --opcode print those registries' entries. A root cause's key
 * (client-dropped, lame, ...) as an operand prints its page: what it is,
 * when you see it, how to fix it (with each product's setting and
 * configuration) and how it differs from its neighbours. --list prints every
 * code and cause on one line each.
 *
 * Invariants: argv is parsed completely before anything is written, so bad
 * input produces exactly one line on err and nothing on out; parsing keeps
 * its state in a local struct (no getopt globals), so the function can be
 * called repeatedly; every piece of user input echoed in a message is made
 * printable first.
 */
#include "explain.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dnsprobe/json.h"
#include "dnsprobe/knowledge.h"
#include "dnsprobe/report.h"
#include "options.h"

#define WIDTH 80          /* text output columns */
#define ITEMS_MAX 32      /* codes of one kind per invocation */
#define SHOWN_MAX 40      /* input bytes quoted in an error message */
#define LINE_MAX_LEN 4096 /* one derived comparison line, ITEMS_MAX codes */

/* ---- Presentation traits per RCODE ------------------------------------ */

/* Where an RCODE value travels in a message. */
typedef enum
{
  CARRIER_HEADER, /* the 4-bit header field (RFC 1035 section 4.1.1) */
  CARRIER_OPT,    /* header + OPT extended RCODE (RFC 6891 section 6.1.3) */
  CARRIER_OPT_OR_TSIG,
  CARRIER_TSIG, /* TSIG error field, header NOTAUTH (RFC 8945 5.3.2) */
  CARRIER_TKEY, /* TKEY error field (RFC 2930 section 2.6) */
} carrier_t;

struct traits
{
  uint16_t value;
  dp_severity_t severity; /* colour of its heading */
  carrier_t carrier;
  const char *kind; /* what sort of answer it is, for comparisons */
  const char *look; /* what it means here, "so" what to check */
};

static const struct traits traits_table[] = {
    {0, DP_SEVERITY_OK, CARRIER_HEADER, "a success",
     "the request worked, or the name exists without the type asked for, so "
     "check whether it should have worked for this client"},
    {1, DP_SEVERITY_WARNING, CARRIER_HEADER,
     "a rejection of the request's form",
     "the server could not read the request, so suspect EDNS handling, a "
     "middlebox or the client"},
    {2, DP_SEVERITY_CRITICAL, CARRIER_HEADER, "a failure while answering",
     "the server tried and failed, so check DNSSEC validation, upstream "
     "reachability and the zone's health"},
    {3, DP_SEVERITY_INFO, CARRIER_HEADER,
     "a definite negative answer about the name",
     "the name itself is absent, so check its spelling and the zone's "
     "content"},
    {4, DP_SEVERITY_WARNING, CARRIER_HEADER,
     "a statement of missing capability",
     "the server lacks the feature or has it switched off, so check what the "
     "software supports and has enabled"},
    {5, DP_SEVERITY_WARNING, CARRIER_HEADER, "a policy decision",
     "the server has the feature but will not use it for this client, so "
     "check its access lists"},
    {6, DP_SEVERITY_INFO, CARRIER_HEADER, "a failed UPDATE prerequisite",
     "an UPDATE prerequisite failed, so check the zone's current data"},
    {7, DP_SEVERITY_INFO, CARRIER_HEADER, "a failed UPDATE prerequisite",
     "an UPDATE prerequisite failed, so check the zone's current data"},
    {8, DP_SEVERITY_INFO, CARRIER_HEADER, "a failed UPDATE prerequisite",
     "an UPDATE prerequisite failed, so check the zone's current data"},
    {9, DP_SEVERITY_WARNING, CARRIER_HEADER,
     "a statement about authority (or TSIG authorization)",
     "the server is not the right authority or TSIG failed, so check where "
     "the zone is configured, Knot DNS ACLs and keys"},
    {10, DP_SEVERITY_WARNING, CARRIER_HEADER, "a rejected UPDATE content",
     "an UPDATE names records outside its zone, so fix the updating client"},
    {11, DP_SEVERITY_WARNING, CARRIER_HEADER, "a DSO capability answer",
     "a DSO session used a TLV type the server lacks, so fix the client"},
    {16, DP_SEVERITY_INFO, CARRIER_OPT_OR_TSIG,
     "an EDNS version or TSIG signature answer",
     "EDNS version negotiation (BADVERS) or a TSIG signature (BADSIG) failed, "
     "so check EDNS support or the shared key"},
    {17, DP_SEVERITY_WARNING, CARRIER_TSIG, "a TSIG authentication failure",
     "the TSIG key is unknown to the server, so check key names and "
     "algorithms"},
    {18, DP_SEVERITY_WARNING, CARRIER_TSIG, "a TSIG authentication failure",
     "the TSIG time check failed, so check both clocks"},
    {19, DP_SEVERITY_WARNING, CARRIER_TKEY, "a TKEY negotiation failure",
     "key negotiation failed, so check the TKEY or GSS-TSIG settings"},
    {20, DP_SEVERITY_WARNING, CARRIER_TKEY, "a TKEY negotiation failure",
     "key negotiation failed, so check the key name the client chose"},
    {21, DP_SEVERITY_WARNING, CARRIER_TKEY, "a TKEY negotiation failure",
     "key negotiation failed, so check the algorithms both sides offer"},
    {22, DP_SEVERITY_WARNING, CARRIER_TSIG, "a TSIG authentication failure",
     "the TSIG MAC was cut too short, so check the client's MAC length"},
    {23, DP_SEVERITY_INFO, CARRIER_OPT, "a cookie exchange step",
     "the server wants a valid server cookie, so retry with the one it sent"},
};

#define NTRAITS (sizeof(traits_table) / sizeof(traits_table[0]))

static const struct traits unknown_traits = {0xFFFF, DP_SEVERITY_INFO,
                                             CARRIER_HEADER, "an RCODE",
                                             "see its description"};

static const struct traits *traits_of(uint16_t value)
{
  for (size_t i = 0; i < NTRAITS; i++)
  {
    if (traits_table[i].value == value)
      return &traits_table[i];
  }
  return &unknown_traits;
}

/* ---- Commonly confused pairs ------------------------------------------ */

struct pair
{
  uint16_t a, b;      /* unordered */
  const char *differ; /* the key difference */
  const char *tell;   /* how to tell which one you face */
};

static const struct pair pairs[] = {
    {2, 4,
     "SERVFAIL means the server tried and failed, usually for a reason "
     "outside the request (DNSSEC, unreachable upstreams, a broken zone); "
     "NOTIMP means it never tried, because it does not implement the "
     "request or has it disabled.",
     "NOTIMP comes back the same every time; SERVFAIL often changes with "
     "time, with CD=1 or at another resolver. If repeating the request "
     "changes the answer, follow SERVFAIL's causes."},
    {4, 5,
     "NOTIMP is about capability: the server cannot or will not do this for "
     "anyone. REFUSED is about permission: it could, but not for this "
     "client.",
     "Send the same request from an address the server should trust, or "
     "from the server itself: REFUSED turns into an answer once an access "
     "list allows it, NOTIMP does not."},
    {2, 5,
     "SERVFAIL is a failure while trying to answer; REFUSED is a deliberate "
     "decision not to try.",
     "REFUSED arrives at once and stays the same for the same client; "
     "SERVFAIL is often slow (upstream timeouts) and may change with CD=1."},
    {5, 9,
     "REFUSED says the server will not serve this client; NOTAUTH says it is "
     "not the authority for the zone in the request, or that TSIG failed. "
     "Knot DNS answers NOTAUTH where most servers answer REFUSED to an ACL "
     "denial.",
     "Ask for the zone's SOA: with AA=1 the server is authoritative, so "
     "NOTAUTH to a transfer or update points to an ACL (Knot DNS) or a key "
     "problem; REFUSED to the SOA itself points to a zone that is not "
     "configured here."},
    {1, 4,
     "FORMERR says the server could not read or accept the form of the "
     "request; NOTIMP says it understood the request and does not support "
     "it.",
     "Retry without EDNS or options: if FORMERR goes away, the server or a "
     "middlebox chokes on EDNS; NOTIMP stays however the request is "
     "encoded."},
    {0, 3,
     "NXDOMAIN says the name does not exist at all; NOERROR with an empty "
     "answer (NODATA) says the name exists but has no record of the type "
     "asked for.",
     "Query another type for the same name: a NODATA name still answers "
     "other types, an NXDOMAIN name answers none. Both carry the zone's SOA "
     "in the authority section."},
    {0, 5,
     "To a transfer, update or recursive query, NOERROR means the server "
     "granted the request to this client; REFUSED means an access list "
     "stopped it.",
     "NOERROR to AXFR, UPDATE or recursion from a stranger is the finding to "
     "fix; REFUSED to a client that should be served is the other."},
    {2, 3,
     "NXDOMAIN is a definite, cacheable answer that the name does not exist; "
     "SERVFAIL is the absence of any answer.",
     "Resolvers keep NXDOMAIN for the SOA minimum TTL but retry after "
     "SERVFAIL; query the zone's authoritative servers directly to see "
     "which answer the zone really gives."},
    {1, 16,
     "FORMERR to an EDNS query means the server has no EDNS at all; BADVERS "
     "means it speaks EDNS but not the version asked for.",
     "Send EDNS version 0: a server that answered BADVERS to version 1 then "
     "answers normally; one that answers FORMERR needs a query without "
     "EDNS."},
    {4, 9,
     "NOTIMP says the server lacks the operation; NOTAUTH says it has it but "
     "is not the authority for this zone (or the TSIG check failed).",
     "Send the UPDATE or NOTIFY to the zone's primary (the SOA MNAME): "
     "NOTAUTH goes away there, NOTIMP from software without the feature "
     "does not."},
};

#define NPAIRS (sizeof(pairs) / sizeof(pairs[0]))

static const struct pair *pair_of(uint16_t a, uint16_t b)
{
  for (size_t i = 0; i < NPAIRS; i++)
  {
    if ((pairs[i].a == a && pairs[i].b == b) ||
        (pairs[i].a == b && pairs[i].b == a))
      return &pairs[i];
  }
  return NULL;
}

/* ---- The request ------------------------------------------------------ */

struct request
{
  uint16_t rcodes[ITEMS_MAX];
  size_t nrcodes;
  uint16_t edes[ITEMS_MAX];
  size_t nedes;
  uint8_t opcodes[ITEMS_MAX];
  size_t nopcodes;
  dp_cause_t causes[ITEMS_MAX];
  size_t ncauses;
  bool list, help;
  dp_format_t format;
  dp_color_t color;
};

/* Output state shared by the writers. */
struct out
{
  FILE *fp;
  bool color;
  bool failed;
  bool started; /* something printed: blocks after it get a blank line */
};

/* One line on err; callers pass user input through show() first. */
#define usage_error(err, ...) dp_cli_error(err, "explain", __VA_ARGS__)

struct shown
{
  char s[SHOWN_MAX * 4 + 4];
};

static const char *show(const char *in, struct shown *buf)
{
  size_t o = 0;
  size_t i;

  for (i = 0; in[i] != '\0' && i < SHOWN_MAX; i++)
  {
    unsigned char c = (unsigned char)in[i];
    if (c < 0x20 || c >= 0x7F)
      o += (size_t)snprintf(buf->s + o, sizeof(buf->s) - o, "\\x%02X", c);
    else
      buf->s[o++] = (char)c;
  }
  if (in[i] != '\0')
  {
    memcpy(buf->s + o, "...", 3);
    o += 3;
  }
  buf->s[o] = '\0';
  return buf->s;
}

static bool has_u16(const uint16_t *v, size_t n, uint16_t x)
{
  for (size_t i = 0; i < n; i++)
  {
    if (v[i] == x)
      return true;
  }
  return false;
}

static bool has_u8(const uint8_t *v, size_t n, uint8_t x)
{
  for (size_t i = 0; i < n; i++)
  {
    if (v[i] == x)
      return true;
  }
  return false;
}

/* A root cause's key: exact and lower case, so that it never shadows an
 * RCODE name (those are case-insensitive). */
static bool add_cause(struct request *rq, const char *text, FILE *err, int *rc)
{
  dp_cause_t c;
  *rc = DP_EXIT_OK;
  if (dp_cause_fromstr(text, &c) != DP_OK || c == DP_CAUSE_NONE)
    return false;
  for (size_t i = 0; i < rq->ncauses; i++)
    if (rq->causes[i] == c)
      return true;
  if (rq->ncauses == ITEMS_MAX)
    *rc = usage_error(err, "too many causes (at most %d)", ITEMS_MAX);
  else
    rq->causes[rq->ncauses++] = c;
  return true;
}

static int add_rcode(struct request *rq, const char *text, FILE *err)
{
  struct shown sh;
  uint16_t v;
  int rc;
  if (add_cause(rq, text, err, &rc))
    return rc;
  dp_status_t st = dp_knowledge_rcode_fromstr(text, &v);

  if (st == DP_ERANGE)
    return usage_error(err, "unassigned RCODE '%s' (assigned: 0-11 and 16-23)",
                       show(text, &sh));
  if (st != DP_OK)
    return usage_error(err,
                       "unknown RCODE or cause '%s' (dnsprobe explain "
                       "--list shows them)",
                       show(text, &sh));
  if (has_u16(rq->rcodes, rq->nrcodes, v))
    return DP_EXIT_OK;
  if (rq->nrcodes == ITEMS_MAX)
    return usage_error(err, "too many RCODEs (at most %d)", ITEMS_MAX);
  rq->rcodes[rq->nrcodes++] = v;
  return DP_EXIT_OK;
}

static int add_ede(struct request *rq, const char *text, FILE *err)
{
  struct shown sh;
  uint16_t v;
  dp_status_t st = dp_knowledge_ede_fromstr(text, &v);

  if (st == DP_ERANGE)
    return usage_error(err,
                       "unassigned Extended DNS Error '%s' (assigned: 0-%zu; "
                       "49152-65535 are for private use)",
                       show(text, &sh), dp_knowledge_ede_count() - 1);
  if (st != DP_OK)
    return usage_error(err, "unknown Extended DNS Error '%s'", show(text, &sh));
  if (has_u16(rq->edes, rq->nedes, v))
    return DP_EXIT_OK;
  if (rq->nedes == ITEMS_MAX)
    return usage_error(err, "too many EDE codes (at most %d)", ITEMS_MAX);
  rq->edes[rq->nedes++] = v;
  return DP_EXIT_OK;
}

static int add_opcode(struct request *rq, const char *text, FILE *err)
{
  struct shown sh;
  uint8_t v;
  dp_status_t st = dp_knowledge_opcode_fromstr(text, &v);

  if (st == DP_ERANGE)
    return usage_error(err, "opcode '%s' out of range (opcodes are 0-15)",
                       show(text, &sh));
  if (st != DP_OK)
    return usage_error(err, "unknown opcode '%s'", show(text, &sh));
  if (has_u8(rq->opcodes, rq->nopcodes, v))
    return DP_EXIT_OK;
  if (rq->nopcodes == ITEMS_MAX)
    return usage_error(err, "too many opcodes (at most %d)", ITEMS_MAX);
  rq->opcodes[rq->nopcodes++] = v;
  return DP_EXIT_OK;
}

static int set_format(struct request *rq, const char *text, FILE *err)
{
  struct shown sh;

  /* explain speaks text and JSON; the run formats (jsonl, junit, ...)
   * describe probes and have nothing to say about a code */
  if (dp_report_format_fromstr(text, &rq->format) != DP_OK ||
      (rq->format != DP_FORMAT_TEXT && rq->format != DP_FORMAT_JSON))
    return usage_error(err, "unknown format '%s' (text or json)",
                       show(text, &sh));
  return DP_EXIT_OK;
}

static int set_color(struct request *rq, const char *text, FILE *err)
{
  struct shown sh;

  if (strcmp(text, "auto") == 0)
    rq->color = DP_COLOR_AUTO;
  else if (strcmp(text, "always") == 0)
    rq->color = DP_COLOR_ALWAYS;
  else if (strcmp(text, "never") == 0)
    rq->color = DP_COLOR_NEVER;
  else
    return usage_error(err, "unknown color mode '%s' (always, never or auto)",
                       show(text, &sh));
  return DP_EXIT_OK;
}

typedef int (*value_handler)(struct request *rq, const char *text, FILE *err);

struct value_option
{
  const char *name; /* without "--" */
  value_handler handler;
};

static const struct value_option value_options[] = {
    {"ede", add_ede},
    {"opcode", add_opcode},
    {"format", set_format},
    {"color", set_color},
};

/*
 * Parse argv[1..]: RCODEs as operands, --ede/--opcode/--format/--color
 * with a value ("--ede 18" or "--ede=18"), --list and --help as flags, and
 * "--" before operands that start with a dash.
 */
static int parse(int argc, char **argv, struct request *rq, FILE *err)
{
  bool operands_only = false;

  for (int i = 1; i < argc; i++)
  {
    const char *arg = argv[i];
    const char *name, *eq;
    size_t nlen;
    struct shown sh;
    int rc = -1;

    if (operands_only || arg[0] != '-' || arg[1] == '\0')
    {
      rc = add_rcode(rq, arg, err);
      if (rc != DP_EXIT_OK)
        return rc;
      continue;
    }
    if (strcmp(arg, "--") == 0)
    {
      operands_only = true;
      continue;
    }
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
    {
      rq->help = true;
      continue;
    }
    if (strcmp(arg, "--list") == 0)
    {
      rq->list = true;
      continue;
    }
    if (arg[1] != '-')
      return usage_error(err, "unknown option '%s'", show(arg, &sh));
    name = arg + 2;
    eq = strchr(name, '=');
    nlen = eq != NULL ? (size_t)(eq - name) : strlen(name);
    for (size_t k = 0; k < sizeof(value_options) / sizeof(value_options[0]);
         k++)
    {
      const struct value_option *o = &value_options[k];
      const char *val;

      if (strlen(o->name) != nlen || strncmp(o->name, name, nlen) != 0)
        continue;
      if (eq != NULL)
        val = eq + 1;
      else if (i + 1 < argc)
        val = argv[++i];
      else
        return usage_error(err, "--%s needs a value", o->name);
      rc = o->handler(rq, val, err);
      break;
    }
    if (rc == -1)
      return usage_error(err, "unknown option '%s'", show(arg, &sh));
    if (rc != DP_EXIT_OK)
      return rc;
  }
  return DP_EXIT_OK;
}

/* ---- Text output ------------------------------------------------------ */

static void blank_between(struct out *o)
{
  if (o->started)
    fputc('\n', o->fp);
  o->started = true;
}

static void para(struct out *o, const char *text, unsigned indent)
{
  if (dp_report_wrap(o->fp, text, indent, indent, WIDTH) != DP_OK)
    o->failed = true;
}

/* A heading line coloured by severity. */
__attribute__((format(printf, 4, 5))) static void
heading(struct out *o, dp_severity_t sev, unsigned indent, const char *fmt, ...)
{
  va_list ap;

  fprintf(o->fp, "%*s%s", (int)indent, "",
          dp_report_color_severity(sev, o->color));
  va_start(ap, fmt);
  vfprintf(o->fp, fmt, ap);
  va_end(ap);
  fprintf(o->fp, "%s\n", dp_report_color_reset(o->color));
}

/* "BADVERS/BADSIG" for 16, the name otherwise. */
static void full_name(const struct dp_knowledge_rcode *r, char *buf, size_t cap)
{
  if (r->alt_name != NULL)
    snprintf(buf, cap, "%s/%s", r->name, r->alt_name);
  else
    snprintf(buf, cap, "%s", r->name);
}

/* Where the value travels, computed for the OPT split (RFC 6891 6.1.3). */
static void carrier_text(const struct dp_knowledge_rcode *r, char *buf,
                         size_t cap)
{
  unsigned low = r->value & 0x0Fu, high = (unsigned)r->value >> 4;

  switch (traits_of(r->value)->carrier)
  {
  case CARRIER_HEADER:
    snprintf(buf, cap,
             "the 4-bit RCODE field of the header (RFC 1035 section "
             "4.1.1); no EDNS needed");
    break;
  case CARRIER_OPT:
    snprintf(buf, cap,
             "12 bits with EDNS: header RCODE %u plus extended RCODE %u in "
             "the OPT record (RFC 6891 section 6.1.3)",
             low, high);
    break;
  case CARRIER_OPT_OR_TSIG:
    snprintf(buf, cap,
             "as %s, 12 bits with EDNS: header RCODE %u plus extended RCODE "
             "%u in the OPT record (RFC 6891 section 6.1.3); as %s, the "
             "16-bit error field of a TSIG record, with NOTAUTH in the "
             "header (RFC 8945 section 5.3.2)",
             r->name, low, high, r->alt_name != NULL ? r->alt_name : "TSIG");
    break;
  case CARRIER_TSIG:
    snprintf(buf, cap,
             "the 16-bit error field of a TSIG record, with NOTAUTH in the "
             "header (RFC 8945 section 5.3.2), not the header RCODE");
    break;
  case CARRIER_TKEY:
    snprintf(buf, cap,
             "the 16-bit error field of a TKEY record (RFC 2930 section "
             "2.6), not the header RCODE");
    break;
  }
}

static void text_rcode(struct out *o, const struct dp_knowledge_rcode *r)
{
  char name[48], carrier[320];

  full_name(r, name, sizeof(name));
  carrier_text(r, carrier, sizeof(carrier));
  blank_between(o);
  heading(o, traits_of(r->value)->severity, 0, "%s (RCODE %u, %s)", name,
          r->value, r->rfc);
  para(o, r->summary, 2);
  heading(o, DP_SEVERITY_INFO, 2, "When you see it");
  para(o, r->when, 4);
  heading(o, DP_SEVERITY_INFO, 2, "How to fix");
  para(o, r->fix, 4);
  heading(o, DP_SEVERITY_INFO, 2, "Where it travels");
  carrier[0] = (char)toupper((unsigned char)carrier[0]);
  strcat(carrier, ".");
  para(o, carrier, 4);
}

/* For a single code: the pairs it is often confused with. */
static void text_see_also(struct out *o, const struct dp_knowledge_rcode *r)
{
  char line[256];
  size_t len = 0;
  bool any = false;

  len += (size_t)snprintf(line, sizeof(line), "Often confused with:");
  for (size_t i = 0; i < NPAIRS && len < sizeof(line); i++)
  {
    uint16_t other;
    if (pairs[i].a == r->value)
      other = pairs[i].b;
    else if (pairs[i].b == r->value)
      other = pairs[i].a;
    else
      continue;
    len +=
        (size_t)snprintf(line + len, sizeof(line) - len, "%s %s (%u)",
                         any ? "," : "", dp_knowledge_rcode_name(other), other);
    any = true;
  }
  if (!any)
    return;
  heading(o, DP_SEVERITY_INFO, 2, "Compare");
  para(o, line, 4);
  snprintf(line, sizeof(line),
           "Run 'dnsprobe explain %u CODE' for a side-by-side comparison.",
           r->value);
  para(o, line, 4);
}

/* "NOTIMP (4)", "REFUSED (5)" joined by sep. */
static void names_joined(const struct request *rq, const char *sep, char *buf,
                         size_t cap)
{
  size_t len = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < rq->nrcodes && len < cap; i++)
    len +=
        (size_t)snprintf(buf + len, cap - len, "%s%s (%u)", i > 0 ? sep : "",
                         dp_knowledge_rcode_name(rq->rcodes[i]), rq->rcodes[i]);
}

/*
 * The comparison's derived lines. Each callback gets one line at a time so
 * text and JSON render the same content.
 */
typedef void (*line_fn)(void *ctx, const char *line);

static void differences(const struct request *rq, line_fn emit, void *ctx)
{
  char line[LINE_MAX_LEN];
  size_t len;
  bool same_carrier = true;

  for (size_t i = 0; i < rq->nrcodes; i++)
  {
    const struct dp_knowledge_rcode *r = dp_knowledge_rcode_get(rq->rcodes[i]);
    snprintf(line, sizeof(line), "%s (%u): %s", r->name, r->value, r->summary);
    emit(ctx, line);
  }

  len = (size_t)snprintf(line, sizeof(line), "Kind of answer: ");
  for (size_t i = 0; i < rq->nrcodes && len < sizeof(line); i++)
    len += (size_t)snprintf(
        line + len, sizeof(line) - len, "%s%s is %s", i == 0 ? "" : "; ",
        dp_knowledge_rcode_name(rq->rcodes[i]), traits_of(rq->rcodes[i])->kind);
  if (len < sizeof(line) - 1)
    strcat(line, ".");
  emit(ctx, line);

  for (size_t i = 1; i < rq->nrcodes; i++)
  {
    if (traits_of(rq->rcodes[i])->carrier != traits_of(rq->rcodes[0])->carrier)
      same_carrier = false;
  }
  if (same_carrier && traits_of(rq->rcodes[0])->carrier == CARRIER_HEADER)
  {
    emit(ctx, "Where they travel: all in the 4-bit header RCODE field, so "
              "every DNS server can send them, with or without EDNS.");
  }
  else
  {
    for (size_t i = 0; i < rq->nrcodes; i++)
    {
      const struct dp_knowledge_rcode *r =
          dp_knowledge_rcode_get(rq->rcodes[i]);
      char carrier[320];
      carrier_text(r, carrier, sizeof(carrier));
      snprintf(line, sizeof(line), "Where %s travels: %s.", r->name, carrier);
      emit(ctx, line);
    }
  }

  for (size_t i = 0; i < rq->nrcodes; i++)
  {
    for (size_t j = i + 1; j < rq->nrcodes; j++)
    {
      const struct pair *p = pair_of(rq->rcodes[i], rq->rcodes[j]);
      if (p != NULL)
        emit(ctx, p->differ);
    }
  }
}

static void look_at(const struct request *rq, line_fn emit, void *ctx)
{
  char line[LINE_MAX_LEN];

  for (size_t i = 0; i < rq->nrcodes; i++)
  {
    const struct dp_knowledge_rcode *r = dp_knowledge_rcode_get(rq->rcodes[i]);
    snprintf(line, sizeof(line), "For %s (%u): %s; see its 'How to fix'.",
             r->name, r->value, traits_of(r->value)->look);
    emit(ctx, line);
  }
  for (size_t i = 0; i < rq->nrcodes; i++)
  {
    for (size_t j = i + 1; j < rq->nrcodes; j++)
    {
      const struct pair *p = pair_of(rq->rcodes[i], rq->rcodes[j]);
      if (p == NULL)
        continue;
      snprintf(line, sizeof(line), "%s or %s? %s",
               dp_knowledge_rcode_name(rq->rcodes[i]),
               dp_knowledge_rcode_name(rq->rcodes[j]), p->tell);
      emit(ctx, line);
    }
  }
}

struct numbered
{
  struct out *o;
  unsigned n;
};

/* "  1. text", continuation lines aligned under the text. */
static void emit_numbered(void *ctx, const char *line)
{
  struct numbered *nb = ctx;
  char item[LINE_MAX_LEN + 16];
  int plen = snprintf(item, sizeof(item), "%u. ", ++nb->n);

  snprintf(item + plen, sizeof(item) - (size_t)plen, "%s", line);
  if (dp_report_wrap(nb->o->fp, item, 2, 2 + (unsigned)plen, WIDTH) != DP_OK)
    nb->o->failed = true;
}

static void text_comparison(struct out *o, const struct request *rq)
{
  char names[512];
  char intro[LINE_MAX_LEN];
  size_t len;
  struct numbered nb = {o, 0};

  names_joined(rq, " vs ", names, sizeof(names));
  blank_between(o);
  heading(o, DP_SEVERITY_INFO, 0, "%s", names);
  len = (size_t)snprintf(intro, sizeof(intro),
                         "%s DNS response codes (RCODEs) from the IANA "
                         "registry.",
                         rq->nrcodes == 2 ? "Both are" : "All are");
  for (size_t i = 0; i < rq->nrcodes && len < sizeof(intro); i++)
  {
    const struct dp_knowledge_rcode *r = dp_knowledge_rcode_get(rq->rcodes[i]);
    len += (size_t)snprintf(intro + len, sizeof(intro) - len, " %u (%s) is %s.",
                            r->value, r->name, traits_of(r->value)->kind);
  }
  para(o, intro, 2);

  for (size_t i = 0; i < rq->nrcodes; i++)
    text_rcode(o, dp_knowledge_rcode_get(rq->rcodes[i]));

  blank_between(o);
  heading(o, DP_SEVERITY_INFO, 0, "Key differences");
  differences(rq, emit_numbered, &nb);
  blank_between(o);
  heading(o, DP_SEVERITY_INFO, 0, "When to look at which");
  nb.n = 0;
  look_at(rq, emit_numbered, &nb);
}

static void text_ede(struct out *o, const struct dp_knowledge_ede *e)
{
  blank_between(o);
  heading(o, DP_SEVERITY_INFO, 0, "%s (EDE %u, %s)", e->name, e->code, e->rfc);
  para(o, e->summary, 2);
  heading(o, DP_SEVERITY_INFO, 2, "How to fix");
  para(o, e->fix, 4);
  para(o,
       "An EDE travels in EDNS option 15 with an optional EXTRA-TEXT; it "
       "refines the answer's RCODE and never replaces it (RFC 8914).",
       2);
}

static void text_opcode(struct out *o, const struct dp_knowledge_opcode *op)
{
  blank_between(o);
  if (op->rfc != NULL)
    heading(o, DP_SEVERITY_INFO, 0, "%s (opcode %u, %s)", op->name, op->value,
            op->rfc);
  else
    heading(o, DP_SEVERITY_INFO, 0, "%s (opcode %u, unassigned)",
            dp_knowledge_opcode_name(op->value), op->value);
  para(o, op->summary, 2);
}

/* A root cause's page: its parts, then each product's setting and
 * configuration block. */
static void text_cause(struct out *o, dp_cause_t c)
{
  const struct dp_knowledge_cause *k = dp_knowledge_cause_get(c);
  const struct dp_knowledge_fix *fx = dp_knowledge_cause_fixes(k);
  if (k == NULL)
    return;
  blank_between(o);
  heading(o, DP_SEVERITY_WARNING, 0, "%s (root cause): %s", k->key, k->title);
  para(o, k->what, 2);
  heading(o, DP_SEVERITY_INFO, 2, "When you see it");
  para(o, k->when, 4);
  heading(o, DP_SEVERITY_INFO, 2, "How to fix");
  para(o, k->fix, 4);
  for (size_t i = 0; fx != NULL && fx[i].snippet != NULL; i++)
  {
    if (fx[i].setting != NULL)
      heading(o, DP_SEVERITY_INFO, 4,
              "%s (%s):", dp_software_name(fx[i].software), fx[i].setting);
    else
      heading(o, DP_SEVERITY_INFO, 4, "%s:", dp_software_name(fx[i].software));
    if (fx[i].setting != NULL)
    {
      /* configuration lines, as written */
      for (const char *l = fx[i].snippet; *l != '\0';)
      {
        size_t n = strcspn(l, "\n");
        fprintf(o->fp, "      %.*s\n", (int)n, l);
        l += n;
        if (*l == '\n')
          l++;
      }
    }
    else
      para(o, fx[i].snippet, 6);
  }
  heading(o, DP_SEVERITY_INFO, 2, "How it differs");
  para(o, k->differs, 4);
}

/* One line: "  NN  NAME  summary", the summary cut to fit with "...". */
static void list_line(struct out *o, unsigned value, const char *name,
                      unsigned name_width, const char *summary)
{
  char line[WIDTH + 1];
  int used =
      snprintf(line, sizeof(line), "%4u  %-*s  ", value, (int)name_width, name);
  size_t room, slen = strlen(summary);

  if (used < 0 || (size_t)used >= sizeof(line) - 1)
  {
    fprintf(o->fp, "%4u  %s\n", value, name);
    return;
  }
  room = sizeof(line) - 1 - (size_t)used;
  if (slen <= room)
  {
    fprintf(o->fp, "%s%s\n", line, summary);
    return;
  }
  /* Cut at the last space that leaves room for "...", dropping the
   * punctuation before it. */
  size_t cut = room >= 3 ? room - 3 : 0;
  while (cut > 0 && summary[cut] != ' ')
    cut--;
  while (cut > 0 && strchr(",;:.", summary[cut - 1]) != NULL)
    cut--;
  fprintf(o->fp, "%s%.*s...\n", line, (int)cut, summary);
}

static void text_list(struct out *o)
{
  char name[48];

  blank_between(o);
  heading(o, DP_SEVERITY_INFO, 0,
          "RCODEs (IANA registry; 16 and up need EDNS, TSIG or TKEY)");
  for (size_t i = 0; i < dp_knowledge_rcode_count(); i++)
  {
    const struct dp_knowledge_rcode *r = dp_knowledge_rcode_at(i);
    full_name(r, name, sizeof(name));
    list_line(o, r->value, name, 14, r->summary);
  }
  blank_between(o);
  heading(o, DP_SEVERITY_INFO, 0,
          "Extended DNS Errors (RFC 8914, EDNS option 15)");
  for (size_t i = 0; i < dp_knowledge_ede_count(); i++)
  {
    const struct dp_knowledge_ede *e = dp_knowledge_ede_at(i);
    list_line(o, e->code, e->name, 0, e->summary);
  }
  blank_between(o);
  heading(o, DP_SEVERITY_INFO, 0, "Opcodes (4-bit header field)");
  for (uint8_t v = 0; v < 16; v++)
  {
    const struct dp_knowledge_opcode *op = dp_knowledge_opcode_get(v);
    list_line(o, v, dp_knowledge_opcode_name(v), 8, op->summary);
  }
  blank_between(o);
  heading(o, DP_SEVERITY_INFO, 0,
          "Root causes of a diagnosis (dnsprobe explain KEY)");
  for (unsigned c = 1; c < DP_CAUSE_COUNT; c++)
  {
    const struct dp_knowledge_cause *k = dp_knowledge_cause_get(c);
    if (k != NULL)
      fprintf(o->fp, "  %-20s  %s\n", k->key, k->title);
  }
}

static void write_text(struct out *o, const struct request *rq)
{
  if (rq->list)
    text_list(o);
  if (rq->nrcodes == 1)
  {
    const struct dp_knowledge_rcode *r = dp_knowledge_rcode_get(rq->rcodes[0]);
    text_rcode(o, r);
    text_see_also(o, r);
  }
  else if (rq->nrcodes > 1)
  {
    text_comparison(o, rq);
  }
  for (size_t i = 0; i < rq->nedes; i++)
    text_ede(o, dp_knowledge_ede_get(rq->edes[i]));
  for (size_t i = 0; i < rq->nopcodes; i++)
    text_opcode(o, dp_knowledge_opcode_get(rq->opcodes[i]));
  for (size_t i = 0; i < rq->ncauses; i++)
    text_cause(o, rq->causes[i]);
}

/* ---- JSON output ------------------------------------------------------ */

static void json_rcode(dp_json_t *w, const struct dp_knowledge_rcode *r)
{
  char carrier[320];

  carrier_text(r, carrier, sizeof(carrier));
  dp_json_object_begin(w);
  dp_json_key(w, "value");
  dp_json_uint(w, r->value);
  dp_json_key(w, "name");
  dp_json_string(w, r->name);
  dp_json_key(w, "alt_name");
  dp_json_string(w, r->alt_name);
  dp_json_key(w, "rfc");
  dp_json_string(w, r->rfc);
  dp_json_key(w, "summary");
  dp_json_string(w, r->summary);
  dp_json_key(w, "when");
  dp_json_string(w, r->when);
  dp_json_key(w, "fix");
  dp_json_string(w, r->fix);
  dp_json_key(w, "kind");
  dp_json_string(w, traits_of(r->value)->kind);
  dp_json_key(w, "carried_in");
  dp_json_string(w, carrier);
  dp_json_object_end(w);
}

static void json_ede(dp_json_t *w, const struct dp_knowledge_ede *e)
{
  dp_json_object_begin(w);
  dp_json_key(w, "code");
  dp_json_uint(w, e->code);
  dp_json_key(w, "name");
  dp_json_string(w, e->name);
  dp_json_key(w, "rfc");
  dp_json_string(w, e->rfc);
  dp_json_key(w, "summary");
  dp_json_string(w, e->summary);
  dp_json_key(w, "fix");
  dp_json_string(w, e->fix);
  dp_json_object_end(w);
}

static void json_opcode(dp_json_t *w, const struct dp_knowledge_opcode *op)
{
  dp_json_object_begin(w);
  dp_json_key(w, "value");
  dp_json_uint(w, op->value);
  dp_json_key(w, "name");
  dp_json_string(w, dp_knowledge_opcode_name(op->value));
  dp_json_key(w, "assigned");
  dp_json_bool(w, op->rfc != NULL);
  dp_json_key(w, "rfc");
  dp_json_string(w, op->rfc);
  dp_json_key(w, "summary");
  dp_json_string(w, op->summary);
  dp_json_object_end(w);
}

static void json_cause(dp_json_t *w, dp_cause_t c)
{
  const struct dp_knowledge_cause *k = dp_knowledge_cause_get(c);
  const struct dp_knowledge_fix *fx = dp_knowledge_cause_fixes(k);
  if (k == NULL)
    return;
  dp_json_object_begin(w);
  dp_json_key(w, "key");
  dp_json_string(w, k->key);
  dp_json_key(w, "title");
  dp_json_string(w, k->title);
  dp_json_key(w, "what");
  dp_json_string(w, k->what);
  dp_json_key(w, "when");
  dp_json_string(w, k->when);
  dp_json_key(w, "fix");
  dp_json_string(w, k->fix);
  dp_json_key(w, "fixes");
  dp_json_array_begin(w);
  for (size_t i = 0; fx != NULL && fx[i].snippet != NULL; i++)
  {
    dp_json_object_begin(w);
    dp_json_key(w, "software");
    dp_json_string(w, dp_software_tostr(fx[i].software));
    dp_json_key(w, "setting");
    dp_json_string(w, fx[i].setting);
    dp_json_key(w, "snippet");
    dp_json_string(w, fx[i].snippet);
    dp_json_object_end(w);
  }
  dp_json_array_end(w);
  dp_json_key(w, "differs");
  dp_json_string(w, k->differs);
  dp_json_object_end(w);
}

static void json_line(void *ctx, const char *line)
{
  dp_json_string(ctx, line);
}

static dp_status_t write_json(FILE *fp, const struct request *rq)
{
  dp_json_t w;

  dp_json_init(&w, fp, true);
  dp_json_object_begin(&w);
  if (rq->list || rq->nrcodes > 0)
  {
    dp_json_key(&w, "rcodes");
    dp_json_array_begin(&w);
    if (rq->list)
    {
      for (size_t i = 0; i < dp_knowledge_rcode_count(); i++)
        json_rcode(&w, dp_knowledge_rcode_at(i));
    }
    else
    {
      for (size_t i = 0; i < rq->nrcodes; i++)
        json_rcode(&w, dp_knowledge_rcode_get(rq->rcodes[i]));
    }
    dp_json_array_end(&w);
  }
  if (rq->nrcodes > 1)
  {
    dp_json_key(&w, "comparison");
    dp_json_object_begin(&w);
    dp_json_key(&w, "differences");
    dp_json_array_begin(&w);
    differences(rq, json_line, &w);
    dp_json_array_end(&w);
    dp_json_key(&w, "look_at");
    dp_json_array_begin(&w);
    look_at(rq, json_line, &w);
    dp_json_array_end(&w);
    dp_json_object_end(&w);
  }
  if (rq->list || rq->nedes > 0)
  {
    dp_json_key(&w, "ede");
    dp_json_array_begin(&w);
    if (rq->list)
    {
      for (size_t i = 0; i < dp_knowledge_ede_count(); i++)
        json_ede(&w, dp_knowledge_ede_at(i));
    }
    else
    {
      for (size_t i = 0; i < rq->nedes; i++)
        json_ede(&w, dp_knowledge_ede_get(rq->edes[i]));
    }
    dp_json_array_end(&w);
  }
  if (rq->list || rq->nopcodes > 0)
  {
    dp_json_key(&w, "opcodes");
    dp_json_array_begin(&w);
    if (rq->list)
    {
      for (uint8_t v = 0; v < 16; v++)
        json_opcode(&w, dp_knowledge_opcode_get(v));
    }
    else
    {
      for (size_t i = 0; i < rq->nopcodes; i++)
        json_opcode(&w, dp_knowledge_opcode_get(rq->opcodes[i]));
    }
    dp_json_array_end(&w);
  }
  if (rq->list || rq->ncauses > 0)
  {
    dp_json_key(&w, "causes");
    dp_json_array_begin(&w);
    if (rq->list)
    {
      for (unsigned c = 1; c < DP_CAUSE_COUNT; c++)
        json_cause(&w, (dp_cause_t)c);
    }
    else
    {
      for (size_t i = 0; i < rq->ncauses; i++)
        json_cause(&w, rq->causes[i]);
    }
    dp_json_array_end(&w);
  }
  dp_json_object_end(&w);
  return dp_json_finish(&w);
}

/* ---- Entry point ------------------------------------------------------ */

static void usage(FILE *fp)
{
  fputs("Usage: dnsprobe explain [OPTIONS] [RCODE|CAUSE...]\n"
        "\n"
        "Explain DNS response codes offline: what each means, when you see\n"
        "it, how to fix it; two or more RCODEs are compared side by side.\n"
        "RCODEs are names or numbers, case-insensitive (REFUSED, 5, BADSIG).\n"
        "A CAUSE is a root cause's key from a diagnosis (client-dropped,\n"
        "lame, upstream, ...): its page, with each product's setting.\n"
        "\n"
        "  --ede CODE            an Extended DNS Error (RFC 8914), by number\n"
        "                        or name; may be repeated\n"
        "  --opcode CODE         an opcode (0-15), by number or name; may be\n"
        "                        repeated\n"
        "  --list                every RCODE, EDE, opcode and root cause, one\n"
        "                        line each\n"
        "  --format text|json    output format (default text)\n"
        "  --color always|never|auto\n"
        "                        colour text (auto: a terminal, no NO_COLOR)\n"
        "  -h, --help            this help\n"
        "\n"
        "Exit status: 0 on success, 3 for an unknown or unassigned code or\n"
        "cause, or a\n"
        "usage error.\n",
        fp);
}

static bool want_color(dp_color_t mode, FILE *out)
{
  const char *no_color;

  if (mode == DP_COLOR_ALWAYS)
    return true;
  if (mode == DP_COLOR_NEVER)
    return false;
  /* https://no-color.org: set and non-empty disables colour. */
  no_color = getenv("NO_COLOR");
  if (no_color != NULL && no_color[0] != '\0')
    return false;
  return isatty(fileno(out)) == 1;
}

int dp_cli_explain(int argc, char **argv, FILE *out, FILE *err)
{
  struct request rq;
  int rc;

  memset(&rq, 0, sizeof(rq));
  rq.format = DP_FORMAT_TEXT;
  rq.color = DP_COLOR_AUTO;
  if (out == NULL || err == NULL)
    return DP_EXIT_UNKNOWN;
  if (argc < 1 || argv == NULL)
    return usage_error(err, "no arguments");

  rc = parse(argc, argv, &rq, err);
  if (rc != DP_EXIT_OK)
    return rc;
  if (rq.help)
  {
    usage(out);
    return DP_EXIT_OK;
  }
  if (!rq.list && rq.nrcodes == 0 && rq.nedes == 0 && rq.nopcodes == 0 &&
      rq.ncauses == 0)
    return usage_error(err, "nothing to explain; give an RCODE, a CAUSE, "
                            "--ede CODE, --opcode CODE or --list");

  if (rq.format == DP_FORMAT_JSON)
  {
    if (write_json(out, &rq) != DP_OK)
      return usage_error(err, "writing the output failed");
  }
  else
  {
    struct out o = {out, want_color(rq.color, out), false, false};
    write_text(&o, &rq);
    if (o.failed || ferror(out))
      return usage_error(err, "writing the output failed");
  }
  return fflush(out) == 0 ? DP_EXIT_OK
                          : usage_error(err, "writing the output failed");
}
