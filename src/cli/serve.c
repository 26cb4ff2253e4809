/*
 * serve.c: `dnsprobe serve`'s options, after curl's tool_getparam.c: one
 * table (rows[]) drives parsing and `dnsprobe serve --help`; the man
 * page's SERVE section and docs/serve.md follow the same rows.
 *
 * Invariants: nothing listens before the whole command line is accepted;
 * a misuse is one line on err and exit 3; every piece of user input in a
 * message goes through dp_quote.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/serve.h"
#include "options.h"

#define HELP_COL 27
#define QUOTE_CAP 100
#define IN_FLIGHT_MAX 4096u
#define QUEUE_MAX 65536u
#define INTERVAL_MAX 3600000u

struct sparser
{
  struct dp_serve_options *o;
  char host[64];
  char *err;
  size_t errcap;
  bool help;
  unsigned char given[16]; /* per row: seen once already */
};

typedef bool (*row_handler)(struct sparser *p, const char *val);

struct row
{
  const char *long_name;
  const char *arg; /* NULL: a flag */
  const char *help;
  row_handler handler;
  bool repeatable;
};

__attribute__((format(printf, 2, 3))) static bool fail(struct sparser *p,
                                                       const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->err, p->errcap, fmt, ap);
  va_end(ap);
  return false;
}

static const char *quoted(char *buf, const char *s)
{
  return dp_quote(buf, QUOTE_CAP, s, strlen(s));
}

/* A whole number from min to max, decimal digits only. */
static bool number(const char *s, unsigned long min, unsigned long max,
                   unsigned *out)
{
  unsigned long v = 0;
  if (*s == '\0' || strlen(s) > 10)
    return false;
  for (; *s != '\0'; s++)
  {
    if (*s < '0' || *s > '9')
      return false;
    v = v * 10 + (unsigned long)(*s - '0');
  }
  if (v < min || v > max)
    return false;
  *out = (unsigned)v;
  return true;
}

/* ADDR:PORT or [ADDR]:PORT, a numeric address. */
static bool opt_listen(struct sparser *p, const char *val)
{
  char q[QUOTE_CAP], host[64];
  const char *port;
  size_t hl;
  unsigned pv = 0;
  if (val[0] == '[')
  {
    const char *close = strchr(val, ']');
    if (close == NULL || close[1] != ':')
      return fail(p, "--listen '%s': write [ADDRESS]:PORT for IPv6",
                  quoted(q, val));
    hl = (size_t)(close - val - 1);
    port = close + 2;
    if (hl >= sizeof(host))
      return fail(p, "--listen '%s': not an address", quoted(q, val));
    memcpy(host, val + 1, hl);
  }
  else
  {
    const char *colon = strrchr(val, ':');
    if (colon == NULL || strchr(val, ':') != colon)
      return fail(p,
                  "--listen '%s': must be ADDRESS:PORT (IPv6: "
                  "[ADDRESS]:PORT)",
                  quoted(q, val));
    hl = (size_t)(colon - val);
    port = colon + 1;
    if (hl >= sizeof(host))
      return fail(p, "--listen '%s': not an address", quoted(q, val));
    memcpy(host, val, hl);
  }
  host[hl] = '\0';
  unsigned char buf[16];
  bool v6 = val[0] == '[';
  if (inet_pton(v6 ? AF_INET6 : AF_INET, host, buf) != 1)
    return fail(p, "--listen '%s': '%s' is not an IPv%c address",
                quoted(q, val), host, v6 ? '6' : '4');
  if (!number(port, 1, 65535, &pv))
    return fail(p, "--listen '%s': the port must be 1 to 65535",
                quoted(q, val));
  snprintf(p->host, sizeof(p->host), "%s", host);
  p->o->listen_port = (uint16_t)pv;
  return true;
}

static bool opt_config(struct sparser *p, const char *val)
{
  if (val[0] == '\0')
    return fail(p, "--config '': empty file name");
  p->o->config_path = val;
  return true;
}

static bool opt_allow_target(struct sparser *p, const char *val)
{
  char why[256];
  dp_status_t st = dp_serve_allow_add(&p->o->allow, val, why, sizeof(why));
  if (st == DP_ENOMEM)
    return fail(p, "out of memory");
  if (st != DP_OK)
    return fail(p, "--allow-target %s", why);
  return true;
}

static bool opt_max_in_flight(struct sparser *p, const char *val)
{
  char q[QUOTE_CAP];
  if (!number(val, 1, IN_FLIGHT_MAX, &p->o->max_in_flight))
    return fail(p, "--max-in-flight '%s': must be a whole number from 1 to %u",
                quoted(q, val), IN_FLIGHT_MAX);
  return true;
}

static bool opt_max_queue(struct sparser *p, const char *val)
{
  char q[QUOTE_CAP];
  if (!number(val, 0, QUEUE_MAX, &p->o->max_queue))
    return fail(p, "--max-queue '%s': must be a whole number from 0 to %u",
                quoted(q, val), QUEUE_MAX);
  return true;
}

static bool opt_min_interval(struct sparser *p, const char *val)
{
  char q[QUOTE_CAP];
  if (!number(val, 0, INTERVAL_MAX, &p->o->min_interval_ms))
    return fail(p,
                "--min-interval '%s': must be a whole number of milliseconds "
                "from 0 to %u",
                quoted(q, val), INTERVAL_MAX);
  return true;
}

static bool opt_help(struct sparser *p, const char *val)
{
  (void)val;
  p->help = true;
  return true;
}

static const struct row rows[] = {
    {"listen", "ADDR:PORT",
     "address and port to listen on (default 127.0.0.1:10953, loopback "
     "only; [::1]:PORT for IPv6)",
     opt_listen, false},
    {"config", "FILE",
     "the modules and allow_targets, a YAML file (see "
     "docs/serve.example.yaml); SIGHUP reloads it, and a bad file keeps the "
     "old one",
     opt_config, false},
    {"allow-target", "CIDR|NAME",
     "probe targets in this network (192.0.2.0/24, 2001:db8::/32, an "
     "address) or host names under this suffix (example.net), besides the "
     "file's allow_targets; repeatable. A host name's addresses must be in "
     "a network too. With no rule nothing is probed",
     opt_allow_target, true},
    {"max-in-flight", "N", "batteries running at once, at most (default 32)",
     opt_max_in_flight, false},
    {"max-queue", "N",
     "batteries waiting for a place, at most (default 128); beyond them a "
     "scrape gets 503 with Retry-After",
     opt_max_queue, false},
    {"min-interval", "MS",
     "a scrape within MS milliseconds of a target's last battery gets that "
     "result and its age (default 10000; 0 probes every time)",
     opt_min_interval, false},
    {"help", NULL, "show this help and exit", opt_help, false},
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

size_t dp_cli_serve_option_count(void)
{
  return NROWS;
}

struct dp_cli_option_doc dp_cli_serve_option_at(size_t i)
{
  struct dp_cli_option_doc d = {NULL, 0, NULL, NULL, NULL, NULL};
  if (i < NROWS)
  {
    d.long_name = rows[i].long_name;
    d.arg = rows[i].arg;
    d.help = rows[i].help;
  }
  return d;
}

_Static_assert(NROWS <= sizeof(((struct sparser *)0)->given),
               "struct sparser.given must have a slot per row");

static void usage(FILE *fp)
{
  fputs("Usage: dnsprobe serve [options]\n"
        "\n"
        "A Prometheus exporter: GET /probe?target=ADDR[:PORT]|NAME"
        "&module=NAME&zone=ZONE\n"
        "runs the battery and answers the metrics of --format prometheus;\n"
        "/metrics has the exporter's own, /healthz says it is up, / lists the\n"
        "modules and the last results. Only targets an allow-list rule "
        "allows\n"
        "are probed (403 otherwise).\n"
        "\n"
        "Options:\n",
        fp);
  for (size_t k = 0; k < NROWS; k++)
  {
    int col = fprintf(fp, "  --%s%s%s", rows[k].long_name,
                      rows[k].arg != NULL ? " " : "",
                      rows[k].arg != NULL ? rows[k].arg : "");
    if (col < 0)
      return;
    if ((size_t)col + 2 > HELP_COL)
    {
      fputc('\n', fp);
      col = 0;
    }
    fprintf(fp, "%*s", HELP_COL - col, "");
    dp_cli_help_wrap(fp, rows[k].help, HELP_COL, HELP_COL);
  }
  fputs("\nSignals: SIGHUP reloads --config; SIGTERM or SIGINT stops "
        "accepting,\n"
        "finishes the batteries in flight and exits 0.\n"
        "Exit status: 0 after a stop, 3 when it cannot serve (usage, a bad\n"
        "configuration, the address cannot be listened on).\n",
        fp);
}

static bool apply(struct sparser *p, size_t k, const char *val)
{
  if (rows[k].arg != NULL && !rows[k].repeatable)
  {
    if (p->given[k])
      return fail(p, "option '--%s' given more than once", rows[k].long_name);
    p->given[k] = 1;
  }
  return rows[k].handler(p, val);
}

static bool parse(struct sparser *p, int argc, char **argv)
{
  char q[QUOTE_CAP];
  for (int i = 1; i < argc && argv[i] != NULL; i++)
  {
    const char *a = argv[i];
    if (a[0] != '-' || a[1] != '-')
    {
      if (strcmp(a, "-h") == 0)
      {
        p->help = true;
        continue;
      }
      return fail(p, "unexpected '%s' (serve takes options only)",
                  quoted(q, a));
    }
    const char *word = a + 2, *eq = strchr(word, '=');
    size_t nl = eq != NULL ? (size_t)(eq - word) : strlen(word);
    size_t k = 0;
    while (k < NROWS && !(strlen(rows[k].long_name) == nl &&
                          strncmp(rows[k].long_name, word, nl) == 0))
      k++;
    if (k == NROWS)
      return fail(p, "unknown option '%s'", quoted(q, a));
    const char *val = NULL;
    if (rows[k].arg == NULL)
    {
      if (eq != NULL)
        return fail(p, "option '--%s' takes no value", rows[k].long_name);
    }
    else if (eq != NULL)
      val = eq + 1;
    else if (i + 1 < argc && argv[i + 1] != NULL)
      val = argv[++i];
    else
      return fail(p, "option '--%s' needs an argument (%s)", rows[k].long_name,
                  rows[k].arg);
    if (!apply(p, k, val))
      return false;
  }
  return true;
}

int dp_cli_serve(int argc, char **argv, FILE *out, FILE *err)
{
  struct dp_serve_options o;
  struct sparser p;
  char msg[1024] = "";

  memset(&o, 0, sizeof(o));
  memset(&p, 0, sizeof(p));
  o.listen_port = DP_SERVE_PORT_DEFAULT;
  o.max_in_flight = DP_SERVE_IN_FLIGHT_DEFAULT;
  o.max_queue = DP_SERVE_QUEUE_DEFAULT;
  o.min_interval_ms = DP_SERVE_MIN_INTERVAL_DEFAULT;
  o.log = err;
  p.o = &o;
  p.err = msg;
  p.errcap = sizeof(msg);
  snprintf(p.host, sizeof(p.host), "%s", DP_SERVE_LISTEN_DEFAULT);
  if (!parse(&p, argc, argv))
  {
    dp_serve_allow_clear(&o.allow);
    return dp_cli_error(err, "serve", "%s (try dnsprobe serve --help)", msg);
  }
  if (p.help)
  {
    dp_serve_allow_clear(&o.allow);
    usage(out);
    return fflush(out) == 0 && !ferror(out) ? DP_EXIT_OK : DP_EXIT_UNKNOWN;
  }
  o.listen_host = p.host;
  dp_status_t st = dp_serve_run(&o, msg, sizeof(msg));
  dp_serve_allow_clear(&o.allow);
  if (st != DP_OK)
    return dp_cli_error(err, "serve", "%s",
                        msg[0] != '\0' ? msg : dp_strerror(st));
  return DP_EXIT_OK;
}
