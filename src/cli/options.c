/*
 * options.c: dnsprobe's command line, after curl's tool_getparam.c.
 *
 * One static table (options[]) drives both argv parsing and --help; the man
 * page's OPTIONS section (docs/dnsprobe.1) follows the same rows.
 * argv is walked by hand with all state in a local struct parser, so parsing
 * is re-entrant and needs no getopt globals.
 *
 * Invariants:
 * - dp_cli_parse accepts all of argv or none of it: on any misuse cfg is
 *   left owning nothing (defaults only) and err holds one line without a
 *   newline or a "dnsprobe:" prefix.
 * - Every piece of user input quoted in a message goes through quote(), so
 *   a message stays one printable line whatever was typed.
 * - A target that is an address literal carries its sockaddr with the port
 *   in network order; a host name only carries its text (main resolves it).
 */
#include "options.h"

#include "dnsprobe/hostname.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define HELP_WIDTH 80
#define HELP_DESC_COL 29 /* column where an option's description starts */
#define QUOTE_MAX 64     /* input bytes shown in a message before "..." */
#define HOSTNAME_MAX 253 /* RFC 1035 2.3.4 / RFC 1123 2.1, without the dot */

struct parser
{
  struct dp_cli_config *cfg;
  bool seen4, seen6;
  unsigned char given[32]; /* per option row: value options seen */
  char *err;
  size_t errcap;
};

/* A handler validates and stores one option; val is NULL for flags. */
typedef bool (*opt_handler)(struct parser *p, const char *val);

/* One option: what parses it, and everything said about it: --help and
 * the README's table use help, the man page's OPTIONS section doc (in the
 * small markup docs.c renders: **bold**, *italic*, a line "= tag" for an
 * item inside "[[" and "]]", verbatim lines between "{{" and "}}"), headed
 * by the names and doc_arg (the value's syntax, when it says more than
 * arg). */
struct option_row
{
  const char *long_name; /* without "--"; NULL when there is none */
  char short_name;       /* 0 when there is none */
  const char *arg;       /* the argument's name in --help; NULL for a flag */
  const char *help;
  opt_handler handler;
  const char *doc_arg; /* the value's syntax in the man page, or NULL: arg */
  const char *doc;     /* the man page's paragraph */
};

/* Room for quote(): every shown byte may become \xHH, plus "..." and NUL. */
struct qbuf
{
  char s[QUOTE_MAX * 4 + 4];
};

static bool opt_zone(struct parser *p, const char *val);
static bool opt_recursion_name(struct parser *p, const char *val);
static bool opt_probes(struct parser *p, const char *val);
static bool opt_skip(struct parser *p, const char *val);
static bool opt_list_probes(struct parser *p, const char *val);
static bool opt_timeout(struct parser *p, const char *val);
static bool opt_parallel(struct parser *p, const char *val);
static bool opt_rate(struct parser *p, const char *val);
static bool opt_spacing(struct parser *p, const char *val);
static bool opt_ipv4(struct parser *p, const char *val);
static bool opt_ipv6(struct parser *p, const char *val);
static bool opt_format(struct parser *p, const char *val);
static bool opt_output(struct parser *p, const char *val);
static bool opt_file(struct parser *p, const char *val);
static bool opt_resolver(struct parser *p, const char *val);
static bool opt_color(struct parser *p, const char *val);
static bool opt_show_commands(struct parser *p, const char *val);
static bool opt_verbose(struct parser *p, const char *val);
static bool opt_fix_for(struct parser *p, const char *val);
static bool opt_expect(struct parser *p, const char *val);
static bool opt_require(struct parser *p, const char *val);
static bool opt_allow(struct parser *p, const char *val);
static bool opt_strict(struct parser *p, const char *val);
static bool opt_shard(struct parser *p, const char *val);
static bool opt_resume(struct parser *p, const char *val);
static bool opt_brief(struct parser *p, const char *val);
static bool opt_dnssec_warn(struct parser *p, const char *val);
static bool opt_dnssec_crit(struct parser *p, const char *val);
static bool opt_help(struct parser *p, const char *val);
static bool opt_version(struct parser *p, const char *val);

static const struct option_row options[] = {
    {"zone", 'z', "ZONE", "zone to test (default: the root zone \".\")",
     opt_zone, NULL,
     "The zone to test: the SOA, transfer, UPDATE and NOTIFY probes ask about "
     "it. The default is the root zone \".\", and findings about it then say "
     "so instead of calling the server lame. The name is checked (labels of at "
     "most 63 bytes, at most 255 bytes in all, no empty labels), lower-cased "
     "and made absolute."},
    {"recursion-name", 'r', "NAME",
     "name to ask for in the recursion probe (default: a name outside the "
     "zone)",
     opt_recursion_name, NULL,
     "The name asked for, with RD=1, in the recursion probe. The default is a "
     "name outside the zone, so that only a server that recurses can answer "
     "it. Checked like **--zone**."},
    {"probes", 'p', "LIST",
     "run only these probes (comma-separated ids, see --list-probes)",
     opt_probes, NULL,
     "Run only these probes: a comma-separated list of probe ids, as shown by "
     "**--list-probes** (for example **udp,tcp,axfr**). An empty list or an "
     "empty id (**udp,,tcp**) is an error."},
    {"skip", 's', "LIST", "do not run these probes (comma-separated ids)",
     opt_skip, NULL,
     "Do not run these probes: a comma-separated list of probe ids."},
    {"list-probes", 'l', NULL, "list the probes and exit", opt_list_probes,
     NULL,
     "List the probes (id, transport and what each one asks) and exit. No "
     "target is needed."},
    {"timeout", 't', "MS", "timeout per probe in ms (default 2000, 1..60000)",
     opt_timeout, NULL,
     "How long to wait for each probe's answer, in milliseconds: a decimal "
     "number from 1 to 60000; the default is 2000. A target's probes run "
     "together (queries with the zone's SOA question one after another, the "
     "TCP probes too, each wait bounded), so a silent server costs about one "
     "timeout, not one per probe."},
    {NULL, '4', NULL, "use only the IPv4 addresses of host-name targets",
     opt_ipv4, NULL,
     "Probe only the IPv4 addresses of host-name targets. An IPv6 address "
     "given as a target is then an error. Cannot be combined with **-6**."},
    {NULL, '6', NULL, "use only the IPv6 addresses of host-name targets",
     opt_ipv6, NULL,
     "Probe only the IPv6 addresses of host-name targets. An IPv4 address "
     "given as a target is then an error. Cannot be combined with **-4**."},
    {"format", 'F', "FMT",
     "report format: text (default), json, jsonl, junit, nagios or "
     "prometheus",
     opt_format, NULL,
     "The report format. Every format ends with the same exit status; see "
     "**FORMATS**.\n"
     "[[\n"
     "= **text**\n"
     "The default: a report for people, to paste into a ticket.\n"
     "= **json**\n"
     "The whole run as one JSON document, schema **dnsprobe/1**.\n"
     "= **jsonl**\n"
     "One compact JSON object per target and line (JSON Lines), written as "
     "each target completes: **\"schema\"**, **\"version\"** and "
     "**\"started_at\"**, then the members of that target's entry in the "
     "**json** report.\n"
     "= **junit**\n"
     "JUnit XML for CI test reporters: a *<testsuite>* per target, a "
     "*<testcase>* per probe; warnings and critical findings are failures "
     "carrying the explanation and the fix, probes not sent are skipped.\n"
     "= **nagios**\n"
     "Monitoring-plugin output: **DNSPROBE** *STATE* **-** *summary*, perfdata "
     "with each probe's round-trip time in milliseconds, then one line per "
     "root cause and one per target.\n"
     "= **prometheus**\n"
     "Prometheus text exposition format 0.0.4: gauges for each target's status "
     "and each probe's success, severity, verdict, RCODE, EDE codes and "
     "round-trip time, for node_exporter's textfile collector or a "
     "Pushgateway.\n"
     "]]"},
    {"parallel", 0, "N",
     "targets in flight at most (default: sized to the open-file limit, at "
     "most 256)",
     opt_parallel, NULL,
     "At most *N* targets in flight (default: sized to the open-file limit, at "
     "most 256). The window opens up to *N* as far as the CPU keeps up: "
     "batteries start 32 at a time, and more while dnsprobe's one loop has "
     "time to spare, so a run that waits on the network reaches *N* within a "
     "fraction of a second while one whose replies keep the loop busy (a fast "
     "server on the same machine) holds only as many as that loop can serve. "
     "Targets on one server (the same address and port) go one "
     "after another. On a terminal, standard error shows the targets done, the "
     "rate and the time left; the text report of several targets ends with the "
     "most common root causes."},
    {"rate", 0, "QPS",
     "queries started per second at most, over all targets (default "
     "100000)",
     opt_rate, NULL,
     "At most *QPS* queries started per second over the whole run (default "
     "100000)."},
    {"spacing", 0, "MS",
     "at least MS milliseconds between two queries to a target (default 0; "
     "250 keeps a battery under a server's response rate limit)",
     opt_spacing, NULL,
     "At least *MS* milliseconds between two queries to a target (probes and "
     "follow-ups, in order), 0 to 60000; the default 0 sends a battery as fast "
     "as its order allows. A server with response rate limiting (RRL) drops or "
     "truncates identical answers past a few a second, and a battery asks for "
     "the zone's SOA about ten times: **--spacing 250** keeps it under the "
     "limit, at about 6 seconds a battery. Every probe then gets the whole "
     "timeout."},
    {"resolver", 0, "ADDR[:PORT]",
     "with --zone and no TARGET (zone mode): find the zone's name servers "
     "through this resolver (default: the system's first name server), "
     "probe them all, compare them, and check the zone's delegation, NS set "
     "and SOA",
     opt_resolver, NULL,
     "With **--zone** and no *TARGET* (zone mode): find the zone's name "
     "servers by asking *ADDR* (port 53 unless *PORT* is given; without "
     "**--resolver**, the system's first name server) for the zone's NS "
     "records and each name server's A and AAAA records, probe every address "
     "found on port 53, and report whether the servers agree on the SOA "
     "serial, which answer authoritatively and which are lame; for a signed "
     "zone (or one whose parent has DS records), whether the servers serve one "
     "DNSKEY set and whether the DS records the resolver finds at the parent "
     "match their keys. A query that "
     "gets no reply is sent again, up to three times in all, as dig does. An "
     "NS name without an address is listed as **unresolved** (with the RCODE "
     "or outcome of its lookup) and the servers that were found are still "
     "probed and reported. A lame, silent or unresolved server is critical; a "
     "serial disagreement is a warning. Then the zone as a whole: each "
     "server's NS set and SOA (without recursion); the parent zone, the first "
     "ancestor for which the resolver has an NS set, and its servers; their "
     "referral for the zone (without recursion), its NS set and glue; the "
     "in-zone NS names' addresses from the zone's servers. Every query goes to "
     "the resolver, the parent's servers or the zone's servers, never to a "
     "glue address. What is wrong becomes the zone's root causes (see "
     "**DIAGNOSIS**), in the zone section of the report and in the exit "
     "status."},
    {"file", 'f', "FILE",
     "read targets from FILE (- for standard input): one per line, "
     "optionally followed by its zone; # starts a comment",
     opt_file, NULL,
     "Read targets from *FILE* (**-** for standard input): one *TARGET* per "
     "line, optionally followed by the zone to test on it; **#** starts a "
     "comment. The file is read as the run needs its lines, so a list of any "
     "length runs with **--format jsonl** in the memory of the targets in "
     "flight; a host name is resolved when its line's turn comes. A bad line "
     "(a target or zone that does not parse, more than two fields, a host name "
     "without an address) is reported on standard error as *FILE*:*LINE*: "
     "*why* (line skipped) and the run goes on. Command-line targets come "
     "first, and a bad one is a usage error."},
    {"strict", 0, NULL,
     "a bad line in -f FILE ends the run (exit 3) instead of being reported "
     "on stderr and skipped",
     opt_strict, NULL,
     "A bad line in **-f** *FILE* ends the run, with one line on standard "
     "error and exit status 3. The first **--parallel** + 1024 lines are read "
     "before anything is sent, so a bad line among them sends nothing; a bad "
     "line further on ends a run whose earlier targets are already reported."},
    {"shard", 0, "K/N",
     "probe only shard K of N (0-based: K from 0 to N-1, e.g. "
     "$JOB_COMPLETION_INDEX): the targets whose line's FNV-1a 64 hash modulo "
     "N is K, so N processes given the same list probe it once",
     opt_shard, NULL,
     "Probe only shard *K* of *N*: the targets whose line, without its comment "
     "and with its fields joined by one space, has an FNV-1a 64-bit hash that "
     "is *K* modulo *N*. *K* counts from 0 to *N*-1, as a Kubernetes Indexed "
     "Job's **JOB_COMPLETION_INDEX** does; *N* is 1 to 1000000. *N* processes "
     "given the same list, each its own *K*, probe every line exactly once "
     "without knowing of each other; all the addresses of a host name go to "
     "its line's shard. Command-line targets are sharded by their text. Not in "
     "zone mode."},
    {"resume", 0, "FILE",
     "append JSON lines to FILE record by record, skipping the targets "
     "already recorded there (an interrupted run's output); FILE is created "
     "when missing, a torn last line dropped; needs --format jsonl",
     opt_resume, NULL,
     "Append the JSON-lines report to *FILE* (created, mode 0644 less the "
     "umask, when missing) after reading the records already in it, and skip "
     "the targets they record (by target as given, address, port and zone; a "
     "target listed twice is probed again unless *FILE* records it twice). "
     "Each record is written with one **write**(2) on a file opened for "
     "appending and flushed to the disk at most once a second and at the end, "
     "so a run killed at any moment leaves whole records and at worst a torn "
     "last line: the next **--resume** cuts that line off, says so on standard "
     "error, and probes its target again. A line that is not a dnsprobe record "
     "anywhere else is an error (exit status 3, *FILE* unchanged). The exit "
     "status counts the records already in *FILE* too. Needs **--format "
     "jsonl**; not with **--output**, not in zone mode."},
    {"brief", 0, NULL,
     "with --format jsonl: compact records (status, role, software, root "
     "causes, and each probe's verdict, rcode, rtt and severity)",
     opt_brief, NULL,
     "With **--format jsonl**: compact records, schema **dnsprobe-brief/1** "
     "(see **FORMATS**)."},
    {"output", 'o', "FILE",
     "write the report to FILE instead of standard output, atomically: to a "
     "temporary file in FILE's directory, renamed over FILE once complete",
     opt_output, NULL,
     "Write the report to *FILE* instead of standard output, atomically: to a "
     "temporary file **.***FILE***.***XXXXXX* in the same directory, flushed "
     "to disk and renamed over *FILE* once complete, so that a reader (a "
     "textfile collector) sees the old file or the new one, never a part. The "
     "file gets mode 0644 less the umask; a symbolic link at *FILE* is "
     "replaced, not followed. If *FILE* cannot be written, dnsprobe says why "
     "on standard error and exits 3; *FILE* is left as it was and no temporary "
     "file remains. An empty name or one ending in **/** is a usage error."},
    {"color", 0, "WHEN",
     "colour the text report: auto (default: only on a terminal and when "
     "NO_COLOR is not set), always or never",
     opt_color, NULL,
     "Colour the text report by severity: **auto** (the default) colours only "
     "when standard output is a terminal and the **NO_COLOR** environment "
     "variable is not set; **always** and **never** decide regardless."},
    {"verbose", 'v', NULL,
     "in the text report, each probe's finding, explanation and fix after "
     "the diagnosis",
     opt_verbose, NULL,
     "In the text report, print each probe's finding (explanation and fix) "
     "after the probe table, and info root causes in full beside a real "
     "problem."},
    {"show-commands", 0, NULL,
     "in the text report, list the dig command that reproduces each probe",
     opt_show_commands, NULL,
     "In the text report, list under the probe table the dig command that "
     "sends each probe's query, to check any verdict by hand."},
    {"fix-for", 0, "SOFTWARE",
     "show fixes in this software's configuration: bind, unbound, knot, nsd, "
     "pdns-auth, pdns-recursor, knot-resolver, dnsmasq, coredns or windows "
     "(default: the software the answers name; when unknown, one line per "
     "common product)",
     opt_fix_for, NULL,
     "Write fixes in the configuration of *SOFTWARE* (**bind**, **knot**, "
     "**nsd**, **unbound**, **pdns-auth**, **pdns-recursor**, "
     "**knot-resolver**, **dnsmasq**, **coredns**, **windows**), whatever "
     "software the server was identified as. Without it a fix is one block for "
     "the identified software, or, when the software is unknown, the general "
     "fix and one line per product naming its setting."},
    {"expect", 0, "PROFILE",
     "what the server should show: authoritative, resolver or auto "
     "(default: the profile of the role its answers show, none when that is "
     "unknown); a probe that does not show it is critical",
     opt_expect, NULL,
     "Hold each target to a profile of what its probes should show: "
     "**authoritative**, **resolver** or **auto** (the default: the profile of "
     "the role the answers show, none when that role is unknown). A probe that "
     "misses its expectation is critical; see **EXPECTATIONS**."},
    {"require", 0, "RULE",
     "PROBE=VERDICT[|VERDICT...]: the verdicts PROBE must have, instead of "
     "the profile's; repeatable",
     opt_require, "PROBE=VERDICT[|VERDICT...]",
     "The verdicts *PROBE* must have, instead of the profile's rule for it (or "
     "in addition to the profile, for a probe it does not name). May be given "
     "up to 32 times; rules for the same probe add up."},
    {"allow", 0, "RULE",
     "PROBE=VERDICT[|VERDICT...]: these verdicts of PROBE are ok whatever "
     "the profile or the finding (e.g. axfr=allowed on a hidden primary); "
     "repeatable",
     opt_allow, "PROBE=VERDICT[|VERDICT...]",
     "These verdicts of *PROBE* are ok, whatever the profile, a **--require** "
     "or the built-in severity says (for a hidden primary: **--allow "
     "axfr=allowed**). May be given up to 32 times."},
    {"dnssec-warn", 0, "DAYS",
     "a signed zone's RRSIGs that expire within DAYS days are a warning "
     "(default 7, 1 to 365)",
     opt_dnssec_warn, NULL,
     "A signed zone's RRSIGs that expire within *DAYS* days are a warning "
     "(**dnssec-expiring**); 1 to 365, default 7."},
    {"dnssec-crit", 0, "DAYS",
     "RRSIGs that expire within DAYS days are critical, as expired ones "
     "are (default 2, 0 to 365, at most --dnssec-warn)",
     opt_dnssec_crit, NULL,
     "RRSIGs that expire within *DAYS* days are critical, as expired ones "
     "always are; 0 to 365, default 2, and not more than **--dnssec-warn**."},
    {"help", 'h', NULL, "show this help and exit", opt_help, NULL,
     "Show the options, the exit statuses and the **explain** command, and "
     "exit. No target is needed."},
    {"version", 'V', NULL, "show the version and exit", opt_version, NULL,
     "Show the version and exit: dnsprobe's, then the c-ares and libevent "
     "versions loaded and those it was built against, one library a line:\n"
     "{{\n"
     "dnsprobe 0.1.0\n"
     "c-ares 1.18.1 (built against 1.18.1)\n"
     "libevent 2.1.12-stable (built against 2.1.12-stable)\n"
     "}}\n"
     "No target is needed."},
};

#define NOPTIONS (sizeof options / sizeof options[0])

size_t dp_cli_option_count(void)
{
  return NOPTIONS;
}

struct dp_cli_option_doc dp_cli_option_at(size_t i)
{
  struct dp_cli_option_doc d = {NULL, 0, NULL, NULL, NULL, NULL};
  if (i < NOPTIONS)
  {
    d.long_name = options[i].long_name;
    d.short_name = options[i].short_name;
    d.arg = options[i].arg;
    d.help = options[i].help;
    d.doc_arg = options[i].doc_arg;
    d.doc = options[i].doc;
  }
  return d;
}

_Static_assert(NOPTIONS <= sizeof(((struct parser *)0)->given),
               "struct parser.given must have a slot per option row");

/* Exit codes as --help describes them; the values come from options.h. */
static const struct
{
  int code;
  const char *meaning;
} exit_codes[] = {
    {DP_EXIT_OK, "every probe ok, or information only"},
    {DP_EXIT_WARNING, "at least one warning"},
    {DP_EXIT_CRITICAL, "at least one critical finding"},
    {DP_EXIT_UNKNOWN, "dnsprobe could not do its job (usage error, bad input, "
                      "resource failure)"},
};

/* At most QUOTE_MAX bytes of in, as dp_quote shows them. */
static const char *quote(const char *in, struct qbuf *b)
{
  return dp_quote(b->s, sizeof(b->s), in, SIZE_MAX);
}

__attribute__((format(printf, 3, 4))) static bool
set_err(char *err, size_t errcap, const char *fmt, ...)
{
  va_list ap;

  if (err == NULL || errcap == 0)
    return false;
  va_start(ap, fmt);
  vsnprintf(err, errcap, fmt, ap);
  va_end(ap);
  return false;
}

#define FAIL(p, ...) set_err((p)->err, (p)->errcap, __VA_ARGS__)

/*
 * Parse a decimal number of digits only (no sign, no space, no base prefix).
 * Returns 0 and *out when it is in 1..max, 1 for junk, 2 for out of range.
 */
static int parse_decimal(const char *s, unsigned long max, unsigned long *out)
{
  unsigned long v = 0;
  bool over = false;
  const char *c;

  if (*s == '\0')
    return 1;
  for (c = s; *c != '\0'; c++)
  {
    if (*c < '0' || *c > '9')
      return 1;
    if (!over)
    {
      v = v * 10 + (unsigned long)(*c - '0');
      over = v > max;
    }
  }
  if (over || v == 0)
    return 2;
  *out = v;
  return 0;
}

static bool all_digits(const char *s)
{
  if (*s == '\0')
    return false;
  for (; *s != '\0'; s++)
    if (*s < '0' || *s > '9')
      return false;
  return true;
}

/* A host name by the shared rules (hostname.h); on a problem writes it to
 * why, naming the character that is wrong. */
static bool hostname_ok(const char *h, char *why, size_t cap)
{
  size_t bad;
  const char *problem = dp_hostname_problem(h, &bad);
  if (problem == NULL)
    return true;
  if (bad == SIZE_MAX)
    return set_err(why, cap, "%s", problem);
  char c[2] = {h[bad], '\0'};
  struct qbuf q;
  return set_err(why, cap, "'%s' %s", quote(c, &q), problem);
}

static bool target_fail(const char *text, char *err, size_t errcap,
                        const char *what)
{
  struct qbuf q;
  return set_err(err, errcap, "target '%s': %s", quote(text, &q), what);
}

/*
 * Fill t's sockaddr from an IPv6 literal in the text forms of RFC 4291 2.2.
 * A zone index (RFC 4007 11, "fe80::1%eth0") is refused: a link-local
 * server is not something dnsprobe's targets can name portably.
 */
static bool target_ipv6(const char *text, const char *host, bool bracketed,
                        struct dp_cli_target *t, char *err, size_t errcap)
{
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&t->addr;
  struct in_addr a4;
  const char *pct = strchr(host, '%');

  if (pct != NULL)
  {
    struct qbuf q, qz;
    return set_err(err, errcap,
                   "target '%s': an IPv6 zone index ('%s') is not supported",
                   quote(text, &q), quote(pct, &qz));
  }
  if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
  {
    if (bracketed && inet_pton(AF_INET, host, &a4) == 1)
      return target_fail(text, err, errcap,
                         "brackets are only for IPv6 addresses");
    return target_fail(text, err, errcap,
                       bracketed ? "not a valid IPv6 address in brackets"
                                 : "not a valid IPv6 address (for a port, "
                                   "write [ADDRESS]:PORT)");
  }
  if (IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr))
    return target_fail(text, err, errcap,
                       ":: is the unspecified address, not a server");
  sin6->sin6_family = AF_INET6;
  t->addrlen = sizeof *sin6;
  return true;
}

/* Fill t from an IPv4 literal or a host name (anything without brackets). */
static bool target_v4_or_name(const char *text, const char *host,
                              struct dp_cli_target *t, char *err, size_t errcap)
{
  struct sockaddr_in *sin = (struct sockaddr_in *)&t->addr;
  struct in_addr a4;
  char why[128];

  /* inet_pton takes only the four-part dotted decimal, no leading zeros. */
  if (inet_pton(AF_INET, host, &sin->sin_addr) == 1)
  {
    if (sin->sin_addr.s_addr == htonl(INADDR_ANY))
      return target_fail(text, err, errcap,
                         "0.0.0.0 is the unspecified address, not a server");
    sin->sin_family = AF_INET;
    t->addrlen = sizeof *sin;
    return true;
  }
  /*
   * What inet_aton still reads ("127.1", "0127.0.0.1", "0x7f.1") would be
   * an address to some resolvers and a name to others: refuse it.
   */
  if (dp_text_is_numeric(host) || inet_aton(host, &a4) != 0)
    return target_fail(text, err, errcap,
                       "not a valid IPv4 address (four decimal numbers "
                       "0-255, no leading zeros)");
  if (!hostname_ok(host, why, sizeof why))
    return target_fail(text, err, errcap, why);
  memset(&t->addr, 0, sizeof t->addr);
  t->is_name = true;
  return true;
}

bool dp_cli_target_parse(const char *text, struct dp_cli_target *t, char *err,
                         size_t errcap)
{
  /* Longest host part kept: a 253-byte name with its dot, or any literal. */
  char host[HOSTNAME_MAX + 2];
  const char *hs = text;
  size_t hl;
  const char *port = NULL;
  bool v6 = false, bracketed = false;
  unsigned long pv = 53;
  bool ok;

  if (t == NULL)
    return set_err(err, errcap, "target: no place to store it");
  memset(t, 0, sizeof *t);
  if (text == NULL || text[0] == '\0')
    return set_err(err, errcap, "target '': empty");

  /* The bracketed form "[ADDRESS]:PORT" is RFC 3986 3.2.2's IP-literal. */
  hl = strlen(text);
  if (text[0] == '[')
  {
    const char *close = strchr(text, ']');
    if (close == NULL)
      return target_fail(text, err, errcap, "'[' without ']'");
    hs = text + 1;
    hl = (size_t)(close - hs);
    v6 = bracketed = true;
    if (close[1] == ':')
      port = close + 2;
    else if (close[1] != '\0')
      return target_fail(text, err, errcap,
                         "unexpected text after ']' (write [ADDRESS]:PORT)");
  }
  else
  {
    const char *first = strchr(text, ':');
    /* Two colons or more: a bare IPv6 literal, which never has a port. */
    if (first != NULL && strchr(first + 1, ':') != NULL)
      v6 = true;
    else if (first != NULL)
    {
      hl = (size_t)(first - text);
      port = first + 1;
    }
  }
  if (hl == 0)
    return target_fail(text, err, errcap, "no address or host name");
  if (hl >= sizeof host)
    return target_fail(text, err, errcap,
                       v6 ? "not a valid IPv6 address"
                          : "host name is longer than 253 characters");
  memcpy(host, hs, hl);
  host[hl] = '\0';

  ok = v6 ? target_ipv6(text, host, bracketed, t, err, errcap)
          : target_v4_or_name(text, host, t, err, errcap);
  if (!ok)
    goto fail;
  if (port != NULL && parse_decimal(port, 65535, &pv) != 0)
  {
    struct qbuf q, qp;
    set_err(err, errcap, "target '%s': port '%s' is not a number 1-65535",
            quote(text, &q), quote(port, &qp));
    goto fail;
  }
  t->port = (uint16_t)pv;
  if (t->addr.ss_family == AF_INET)
    ((struct sockaddr_in *)&t->addr)->sin_port = htons(t->port);
  else if (t->addr.ss_family == AF_INET6)
    ((struct sockaddr_in6 *)&t->addr)->sin6_port = htons(t->port);

  t->given = strdup(text);
  t->host = strdup(host);
  if (t->given == NULL || t->host == NULL)
  {
    set_err(err, errcap, "out of memory");
    goto fail;
  }
  return true;

fail:
  free(t->given);
  free(t->host);
  memset(t, 0, sizeof *t);
  return false;
}

static bool store_name(struct parser *p, const char *what, const char *val,
                       char *out, size_t cap)
{
  struct qbuf q;
  dp_status_t st;

  /* "" would canonicalise to the root: an unset shell variable, most likely. */
  if (val[0] == '\0')
    return FAIL(p, "%s '': empty name (write '.' for the root)", what);
  st = dp_wire_name_canon(val, out, cap);
  if (st != DP_OK)
  {
    out[0] = '\0';
    return FAIL(p, "%s '%s': %s", what, quote(val, &q), dp_strerror(st));
  }
  return true;
}

static bool opt_zone(struct parser *p, const char *val)
{
  p->cfg->zone_given = true;
  return store_name(p, "zone", val, p->cfg->zone, sizeof p->cfg->zone);
}

static bool opt_recursion_name(struct parser *p, const char *val)
{
  p->cfg->recursion_name_given = true;
  return store_name(p, "recursion name", val, p->cfg->recursion_name,
                    sizeof p->cfg->recursion_name);
}

/* A probe list: non-empty ids separated by single commas. */
static bool store_list(struct parser *p, const char *opt, const char *val,
                       char **out)
{
  struct qbuf q;
  size_t n = strlen(val);

  if (n == 0)
    return FAIL(p, "%s '': empty list of probes", opt);
  if (val[0] == ',' || val[n - 1] == ',' || strstr(val, ",,") != NULL)
    return FAIL(p, "%s '%s': empty probe id in the list", opt, quote(val, &q));
  *out = strdup(val);
  if (*out == NULL)
    return FAIL(p, "out of memory");
  return true;
}

static bool opt_probes(struct parser *p, const char *val)
{
  return store_list(p, "--probes", val, &p->cfg->probes);
}

static bool opt_skip(struct parser *p, const char *val)
{
  return store_list(p, "--skip", val, &p->cfg->skip);
}

static bool opt_show_commands(struct parser *p, const char *val)
{
  (void)val;
  p->cfg->show_commands = true;
  return true;
}

static bool opt_verbose(struct parser *p, const char *val)
{
  (void)val;
  p->cfg->verbose = true;
  return true;
}

static bool opt_fix_for(struct parser *p, const char *val)
{
  struct qbuf q;
  if (dp_software_fromstr(val, &p->cfg->fix_for) == DP_OK)
    return true;
  return FAIL(p,
              "--fix-for '%s': must be bind, unbound, knot, nsd, pdns-auth, "
              "pdns-recursor, knot-resolver, dnsmasq, coredns or windows",
              quote(val, &q));
}

static bool opt_list_probes(struct parser *p, const char *val)
{
  (void)val;
  p->cfg->list_probes = true;
  return true;
}

static bool opt_timeout(struct parser *p, const char *val)
{
  struct qbuf q;
  unsigned long ms = 0;
  int r = parse_decimal(val, DP_CLI_TIMEOUT_MAX, &ms);

  /* "-5" is a number out of range to a reader, not junk. */
  if (r == 1 && val[0] == '-' && all_digits(val + 1))
    r = 2;
  if (r == 2)
    return FAIL(p, "--timeout '%s': must be between 1 and %u ms",
                quote(val, &q), DP_CLI_TIMEOUT_MAX);
  if (r != 0)
    return FAIL(p,
                "--timeout '%s': not a whole number of milliseconds "
                "(1 to %u)",
                quote(val, &q), DP_CLI_TIMEOUT_MAX);
  p->cfg->timeout_ms = (unsigned)ms;
  return true;
}

/* A whole number from 1 to max for --parallel and --rate. */
static bool count_option(struct parser *p, const char *opt, const char *val,
                         unsigned long max, unsigned *out)
{
  struct qbuf q;
  unsigned long v = 0;
  if (parse_decimal(val, max, &v) != 0 || v == 0)
    return FAIL(p, "--%s '%s': must be a whole number from 1 to %lu", opt,
                quote(val, &q), max);
  *out = (unsigned)v;
  return true;
}

static bool opt_parallel(struct parser *p, const char *val)
{
  return count_option(p, "parallel", val, 100000, &p->cfg->parallel);
}

static bool opt_rate(struct parser *p, const char *val)
{
  return count_option(p, "rate", val, 10000000, &p->cfg->rate);
}

/* Milliseconds between two queries to one target: 0 (none) to the longest
 * timeout. */
static bool opt_spacing(struct parser *p, const char *val)
{
  struct qbuf q;
  unsigned long v = 0;
  if (parse_decimal(val, DP_CLI_TIMEOUT_MAX, &v) != 0)
    return FAIL(p,
                "--spacing '%s': must be a whole number of milliseconds "
                "from 0 to %u",
                quote(val, &q), DP_CLI_TIMEOUT_MAX);
  p->cfg->spacing_ms = (unsigned)v;
  return true;
}

static bool opt_ipv4(struct parser *p, const char *val)
{
  (void)val;
  p->seen4 = true;
  p->cfg->family = AF_INET;
  return true;
}

static bool opt_ipv6(struct parser *p, const char *val)
{
  (void)val;
  p->seen6 = true;
  p->cfg->family = AF_INET6;
  return true;
}

static bool opt_format(struct parser *p, const char *val)
{
  struct qbuf q;
  char names[128] = "";
  size_t used = 0;
  int f;

  if (dp_report_format_fromstr(val, &p->cfg->format) == DP_OK)
    return true;
  /* Name the formats the report layer has, so the message never goes stale. */
  for (f = 0; f < DP_FORMAT_COUNT; f++)
  {
    const char *name = dp_report_format_tostr((dp_format_t)f);
    int w;
    if (name == NULL)
      continue;
    w = snprintf(names + used, sizeof names - used, "%s%s",
                 used > 0 ? (f == DP_FORMAT_COUNT - 1 ? " or " : ", ") : "",
                 name);
    if (w < 0 || (size_t)w >= sizeof names - used)
      break;
    used += (size_t)w;
  }
  return FAIL(p, "--format '%s': must be %s", quote(val, &q),
              used > 0 ? names : "a known format");
}

static bool opt_resolver(struct parser *p, const char *val)
{
  struct qbuf q;
  char why[256];
  if (!dp_cli_target_parse(val, &p->cfg->resolver, why, sizeof(why)))
    return FAIL(p, "--resolver: %s", why);
  if (p->cfg->resolver.is_name)
  {
    free(p->cfg->resolver.given);
    free(p->cfg->resolver.host);
    memset(&p->cfg->resolver, 0, sizeof(p->cfg->resolver));
    return FAIL(p, "--resolver '%s': an address, not a host name",
                quote(val, &q));
  }
  p->cfg->resolver_given = true;
  return true;
}

static bool opt_file(struct parser *p, const char *val)
{
  struct qbuf q;
  if (val[0] == '\0')
    return FAIL(p, "--file '%s': empty file name", quote(val, &q));
  p->cfg->file = strdup(val);
  return p->cfg->file != NULL || FAIL(p, "out of memory");
}

static bool opt_strict(struct parser *p, const char *val)
{
  (void)val;
  p->cfg->strict = true;
  return true;
}

static bool opt_brief(struct parser *p, const char *val)
{
  (void)val;
  p->cfg->brief = true;
  return true;
}

/* K/N: two decimal numbers, N from 1 to DP_CLI_SHARDS_MAX, K below N. */
static bool opt_shard(struct parser *p, const char *val)
{
  struct qbuf q;
  char kbuf[16];
  unsigned long k = 0, n = 0;
  const char *slash = strchr(val, '/');
  size_t kl = slash != NULL ? (size_t)(slash - val) : 0;

  if (slash == NULL || kl == 0 || kl >= sizeof(kbuf))
    return FAIL(p,
                "--shard '%s': must be K/N, shard K of N (0-based: K from 0 "
                "to N-1)",
                quote(val, &q));
  memcpy(kbuf, val, kl);
  kbuf[kl] = '\0';
  if (parse_decimal(slash + 1, DP_CLI_SHARDS_MAX, &n) != 0)
    return FAIL(p, "--shard '%s': N must be a whole number from 1 to %u",
                quote(val, &q), DP_CLI_SHARDS_MAX);
  /* K may be 0, which parse_decimal refuses: "0" is checked first */
  if (strcmp(kbuf, "0") != 0 &&
      (parse_decimal(kbuf, DP_CLI_SHARDS_MAX, &k) != 0 || k >= n))
    return FAIL(p,
                "--shard '%s': K must be a whole number from 0 to N-1 "
                "(0-based, as JOB_COMPLETION_INDEX)",
                quote(val, &q));
  p->cfg->shard_given = true;
  p->cfg->shard_k = (uint32_t)k;
  p->cfg->shard_n = (uint32_t)n;
  return true;
}

static bool opt_resume(struct parser *p, const char *val)
{
  struct qbuf q;
  size_t n = strlen(val);
  if (n == 0)
    return FAIL(p, "--resume '': empty file name");
  if (val[n - 1] == '/')
    return FAIL(p, "--resume '%s': names a directory, not a file",
                quote(val, &q));
  p->cfg->resume = strdup(val);
  return p->cfg->resume != NULL || FAIL(p, "out of memory");
}

static bool opt_output(struct parser *p, const char *val)
{
  struct qbuf q;
  size_t n = strlen(val);

  /* "" is most likely an unset shell variable, "dir/" a directory: refuse
   * both before anything is sent (the report layer refuses them too). */
  if (n == 0)
    return FAIL(p, "--output '': empty file name");
  if (val[n - 1] == '/')
    return FAIL(p, "--output '%s': names a directory, not a file",
                quote(val, &q));
  p->cfg->output = strdup(val);
  if (p->cfg->output == NULL)
    return FAIL(p, "out of memory");
  return true;
}

static bool opt_color(struct parser *p, const char *val)
{
  struct qbuf q;

  if (strcmp(val, "auto") == 0)
    p->cfg->color = DP_COLOR_AUTO;
  else if (strcmp(val, "always") == 0)
    p->cfg->color = DP_COLOR_ALWAYS;
  else if (strcmp(val, "never") == 0)
    p->cfg->color = DP_COLOR_NEVER;
  else
    return FAIL(p, "--color '%s': must be auto, always or never",
                quote(val, &q));
  return true;
}

static bool opt_expect(struct parser *p, const char *val)
{
  struct qbuf q;

  if (dp_expect_profile_fromstr(val, &p->cfg->expect.profile) == DP_OK)
  {
    p->cfg->expect_given = true;
    return true;
  }
  return FAIL(p, "--expect '%s': must be authoritative, resolver or auto",
              quote(val, &q));
}

/* One PROBE=VERDICT[|VERDICT...] rule of --require or --allow, appended to
 * rules (n of them so far). */
static bool store_rule(struct parser *p, const char *opt, const char *val,
                       struct dp_expect_rule *rules, size_t *n)
{
  struct qbuf q;
  char why[128];

  if (*n >= DP_EXPECT_RULES_MAX)
    return FAIL(p, "%s '%s': more than %d %s rules", opt, quote(val, &q),
                DP_EXPECT_RULES_MAX, opt);
  if (dp_expect_rule_parse(val, &rules[*n], why, sizeof why) != DP_OK)
    return FAIL(p, "%s '%s': %s", opt, quote(val, &q), why);
  (*n)++;
  return true;
}

static bool opt_require(struct parser *p, const char *val)
{
  return store_rule(p, "--require", val, p->cfg->expect.require,
                    &p->cfg->expect.nrequire);
}

static bool opt_allow(struct parser *p, const char *val)
{
  return store_rule(p, "--allow", val, p->cfg->expect.allow,
                    &p->cfg->expect.nallow);
}

/* Whole days from min to DP_CLI_DNSSEC_DAYS_MAX. */
static bool days_option(struct parser *p, const char *opt, const char *val,
                        unsigned min, unsigned *out)
{
  struct qbuf q;
  unsigned long v = 0;
  if (strcmp(val, "0") == 0)
    v = 0;
  else if (parse_decimal(val, DP_CLI_DNSSEC_DAYS_MAX, &v) != 0)
    v = (unsigned long)DP_CLI_DNSSEC_DAYS_MAX + 1;
  if (v < min || v > DP_CLI_DNSSEC_DAYS_MAX)
    return FAIL(p, "--%s '%s': must be a whole number of days from %u to %u",
                opt, quote(val, &q), min, DP_CLI_DNSSEC_DAYS_MAX);
  *out = (unsigned)v;
  return true;
}

static bool opt_dnssec_warn(struct parser *p, const char *val)
{
  return days_option(p, "dnssec-warn", val, 1, &p->cfg->dnssec_warn_days);
}

static bool opt_dnssec_crit(struct parser *p, const char *val)
{
  return days_option(p, "dnssec-crit", val, 0, &p->cfg->dnssec_crit_days);
}

static bool opt_help(struct parser *p, const char *val)
{
  (void)val;
  p->cfg->help = true;
  return true;
}

static bool opt_version(struct parser *p, const char *val)
{
  (void)val;
  p->cfg->version = true;
  return true;
}

static void config_init(struct dp_cli_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  strcpy(cfg->zone, ".");
  cfg->timeout_ms = DP_CLI_TIMEOUT_DEFAULT;
  cfg->shard_n = 1;
  cfg->family = AF_UNSPEC;
  cfg->format = DP_FORMAT_TEXT;
  cfg->color = DP_COLOR_AUTO;
  cfg->dnssec_warn_days = DP_CLI_DNSSEC_WARN_DEFAULT;
  cfg->dnssec_crit_days = DP_CLI_DNSSEC_CRIT_DEFAULT;
}

/* Options that collect a list: each use adds one rule. */
static bool repeatable(const struct option_row *o)
{
  return o->handler == opt_require || o->handler == opt_allow;
}

/*
 * Run a row's handler with its value. spelled is the option as typed
 * ("--zone", "-z") for messages. A value option may be given once (except
 * the repeatable ones): a second --zone or --timeout is more likely a
 * mistake than an override.
 */
static bool apply(struct parser *p, const struct option_row *o,
                  const char *spelled, const char *val)
{
  size_t idx = (size_t)(o - options);

  if (o->arg != NULL && !repeatable(o))
  {
    if (p->given[idx])
      return FAIL(p, "option '%s' given more than once", spelled);
    p->given[idx] = 1;
  }
  return o->handler(p, val);
}

/*
 * The value of an option given as a separate word (--zone ZONE, -z ZONE).
 * A word that starts with '-' is refused: "--zone --format json" forgot
 * the zone, and "--timeout -5" can still be written --timeout=-5.
 */
static bool next_value(struct parser *p, const struct option_row *o,
                       const char *spelled, int argc, char **argv, int *i,
                       const char **val)
{
  struct qbuf q;

  if (*i + 1 >= argc || argv[*i + 1] == NULL)
    return FAIL(p, "option '%s' needs an argument (%s)", spelled, o->arg);
  if (argv[*i + 1][0] == '-' && argv[*i + 1][1] != '\0')
  {
    if (o->long_name != NULL)
      return FAIL(p,
                  "option '%s' needs an argument (%s), not '%s' (write "
                  "--%s=VALUE for a value that starts with '-')",
                  spelled, o->arg, quote(argv[*i + 1], &q), o->long_name);
    return FAIL(p,
                "option '%s' needs an argument (%s), not '%s' (write "
                "%sVALUE for a value that starts with '-')",
                spelled, o->arg, quote(argv[*i + 1], &q), spelled);
  }
  *i += 1;
  *val = argv[*i];
  return true;
}

/* "--name", "--name=value" or "--name value". */
static bool parse_long(struct parser *p, int argc, char **argv, int *i)
{
  const char *word = argv[*i] + 2;
  const char *eq = strchr(word, '=');
  size_t nl = eq != NULL ? (size_t)(eq - word) : strlen(word);
  char spelled[40];
  const char *val = NULL;
  size_t k;

  for (k = 0; k < NOPTIONS; k++)
  {
    const char *ln = options[k].long_name;
    if (ln != NULL && strlen(ln) == nl && strncmp(ln, word, nl) == 0)
      break;
  }
  if (k == NOPTIONS)
  {
    struct qbuf q;
    return FAIL(p, "unknown option '%s'", quote(argv[*i], &q));
  }
  snprintf(spelled, sizeof spelled, "--%s", options[k].long_name);
  if (options[k].arg == NULL)
  {
    struct qbuf q;
    if (eq != NULL)
      return FAIL(p, "option '%s' takes no value ('%s')", spelled,
                  quote(argv[*i], &q));
  }
  else if (eq != NULL)
    val = eq + 1;
  else if (!next_value(p, &options[k], spelled, argc, argv, i, &val))
    return false;
  return apply(p, &options[k], spelled, val);
}

/*
 * "-l", "-l4" (flags cluster), "-t500" or "-t 500". A long name after one
 * dash ("-zone", dig's habit) would read as -z "one": refuse it instead.
 */
static bool parse_short(struct parser *p, int argc, char **argv, int *i)
{
  const char *word = argv[*i];
  size_t wl = strcspn(word + 1, "=");
  size_t j;

  for (j = 0; j < NOPTIONS && wl > 1; j++)
  {
    const char *ln = options[j].long_name;
    if (ln != NULL && strlen(ln) == wl && strncmp(ln, word + 1, wl) == 0)
    {
      struct qbuf q;
      return FAIL(p,
                  "unknown option '%s' (long options take two dashes: "
                  "--%s)",
                  quote(word, &q), ln);
    }
  }

  for (j = 1; word[j] != '\0'; j++)
  {
    char spelled[3] = {'-', word[j], '\0'};
    const char *val = NULL;
    size_t k;

    for (k = 0; k < NOPTIONS; k++)
      if (options[k].short_name != 0 && options[k].short_name == word[j])
        break;
    if (k == NOPTIONS)
    {
      struct qbuf q;
      return FAIL(p, "unknown option '%s'", quote(spelled, &q));
    }
    if (options[k].arg == NULL)
    {
      if (!apply(p, &options[k], spelled, NULL))
        return false;
      continue;
    }
    if (word[j + 1] != '\0')
      val = word + j + 1;
    else if (!next_value(p, &options[k], spelled, argc, argv, i, &val))
      return false;
    return apply(p, &options[k], spelled, val);
  }
  return true;
}

static bool add_target(struct parser *p, const char *text, size_t cap)
{
  struct dp_cli_config *cfg = p->cfg;

  if (cfg->targets == NULL)
  {
    cfg->targets = calloc(cap, sizeof *cfg->targets);
    if (cfg->targets == NULL)
      return FAIL(p, "out of memory");
  }
  if (!dp_cli_target_parse(text, &cfg->targets[cfg->ntargets], p->err,
                           p->errcap))
    return false;
  cfg->ntargets++;
  return true;
}

/* Checks that need the whole command line. */
static bool check_whole(struct parser *p)
{
  struct dp_cli_config *cfg = p->cfg;
  size_t k;

  if (p->seen4 && p->seen6)
    return FAIL(p, "options -4 and -6 conflict: give one of them or neither");
  if (cfg->dnssec_crit_days > cfg->dnssec_warn_days)
    return FAIL(
        p,
        "--dnssec-crit %u%s is more than --dnssec-warn %u%s: the "
        "critical threshold must not exceed the warning one",
        cfg->dnssec_crit_days,
        cfg->dnssec_crit_days == DP_CLI_DNSSEC_CRIT_DEFAULT ? " (the default)"
                                                            : "",
        cfg->dnssec_warn_days,
        cfg->dnssec_warn_days == DP_CLI_DNSSEC_WARN_DEFAULT ? " (the default)"
                                                            : "");
  for (k = 0; k < cfg->ntargets && cfg->family != AF_UNSPEC; k++)
  {
    const struct dp_cli_target *t = &cfg->targets[k];
    struct qbuf q;
    if (!t->is_name && t->addr.ss_family != cfg->family)
      return FAIL(p, "target '%s' is an IPv%c address, but %s was given",
                  quote(t->given, &q), cfg->family == AF_INET ? '6' : '4',
                  cfg->family == AF_INET ? "-4" : "-6");
  }
  /* records written one at a time, to append to and read back */
  if (cfg->brief && cfg->format != DP_FORMAT_JSONL)
    return FAIL(p, "--brief needs --format jsonl");
  if (cfg->resume != NULL && cfg->format != DP_FORMAT_JSONL)
    return FAIL(p, "--resume FILE writes JSON lines: it needs --format jsonl");
  if (cfg->resume != NULL && cfg->output != NULL)
    return FAIL(p, "--resume FILE and --output FILE both name where the "
                   "report goes: give one of them");
  /* no TARGET: a target file, or zone mode (--zone, with --resolver or
   * the system's resolver) */
  if (cfg->ntargets == 0 && cfg->file == NULL && !cfg->resolver_given &&
      !cfg->zone_given && !cfg->help && !cfg->version && !cfg->list_probes)
    return FAIL(p, "no TARGET given");
  return true;
}

bool dp_cli_parse(int argc, char **argv, struct dp_cli_config *cfg, char *err,
                  size_t errcap)
{
  struct parser p;
  bool options_done = false;
  int i;

  if (err != NULL && errcap > 0)
    err[0] = '\0';
  if (cfg == NULL)
    return set_err(err, errcap, "no configuration to fill");
  config_init(cfg);
  memset(&p, 0, sizeof p);
  p.cfg = cfg;
  p.err = err;
  p.errcap = errcap;
  if (argc > 0 && argv == NULL)
    return FAIL(&p, "no arguments");

  for (i = 1; i < argc && argv[i] != NULL; i++)
  {
    const char *a = argv[i];
    bool ok;

    if (!options_done && strcmp(a, "--") == 0)
    {
      options_done = true;
      continue;
    }
    if (!options_done && a[0] == '-' && a[1] == '-')
      ok = parse_long(&p, argc, argv, &i);
    else if (!options_done && a[0] == '-' && a[1] != '\0')
      ok = parse_short(&p, argc, argv, &i);
    else
      ok = add_target(&p, a, (size_t)argc);
    if (!ok)
      goto fail;
  }
  if (!check_whole(&p))
    goto fail;
  return true;

fail:
  dp_cli_config_free(cfg);
  config_init(cfg);
  return false;
}

void dp_cli_config_free(struct dp_cli_config *cfg)
{
  size_t k;

  if (cfg == NULL)
    return;
  for (k = 0; k < cfg->ntargets; k++)
  {
    free(cfg->targets[k].given);
    free(cfg->targets[k].host);
    free(cfg->targets[k].zone);
  }
  free(cfg->targets);
  free(cfg->probes);
  free(cfg->skip);
  free(cfg->output);
  free(cfg->file);
  free(cfg->resume);
  cfg->resume = NULL;
  cfg->file = NULL;
  free(cfg->resolver.given);
  free(cfg->resolver.host);
  cfg->resolver.given = cfg->resolver.host = NULL;
  cfg->targets = NULL;
  cfg->ntargets = 0;
  cfg->probes = NULL;
  cfg->skip = NULL;
  cfg->output = NULL;
}

void dp_cli_help_wrap(FILE *fp, const char *text, size_t col, size_t indent)
{
  const char *w = text;

  while (*w != '\0')
  {
    size_t wl = strcspn(w, " ");

    if (col > indent && col + 1 + wl > HELP_WIDTH)
    {
      fprintf(fp, "\n%*s", (int)indent, "");
      col = indent;
    }
    else if (col > indent)
    {
      fputc(' ', fp);
      col++;
    }
    fwrite(w, 1, wl, fp);
    col += wl;
    w += wl;
    while (*w == ' ')
      w++;
  }
  fputc('\n', fp);
}

void dp_cli_usage(FILE *fp)
{
  size_t k;

  fputs("Usage: dnsprobe [options] TARGET...\n"
        "       dnsprobe explain CODE|CAUSE...\n"
        "       dnsprobe summarize [--format text|json] [--top N] FILE...\n"
        "       dnsprobe completion bash|zsh\n"
        "       dnsprobe serve [--listen ADDR:PORT] [--config FILE] ...\n"
        "\n"
        "Send real DNS queries to each TARGET at once and explain every "
        "answer:\n"
        "what the server is, what it allows, what it refuses, and what to "
        "change.\n"
        "\n"
        "TARGET is an IPv4 or IPv6 address with an optional port "
        "(127.0.0.1,\n"
        "127.0.0.1:5301, ::1, [::1]:5301; the default port is 53) or a host "
        "name,\n"
        "every address of which is probed. Options and targets may be "
        "mixed;\n"
        "\"--\" ends the options.\n"
        "\n"
        "Options:\n",
        fp);
  for (k = 0; k < NOPTIONS; k++)
  {
    const struct option_row *o = &options[k];
    int col = 0;

    if (o->short_name != 0)
      col += fprintf(fp, "  -%c%s", o->short_name,
                     o->long_name != NULL ? ", " : "");
    else
      col += fprintf(fp, "      ");
    if (o->long_name != NULL)
      col += fprintf(fp, "--%s", o->long_name);
    if (o->arg != NULL)
      col += fprintf(fp, " %s", o->arg);
    if (col < 0)
      return;
    if ((size_t)col + 2 > HELP_DESC_COL)
    {
      fputc('\n', fp);
      col = 0;
    }
    fprintf(fp, "%*s", HELP_DESC_COL - col, "");
    dp_cli_help_wrap(fp, o->help, HELP_DESC_COL, HELP_DESC_COL);
  }
  fputs("\nExit status:\n", fp);
  for (k = 0; k < sizeof exit_codes / sizeof exit_codes[0]; k++)
  {
    fprintf(fp, "  %d  ", exit_codes[k].code);
    dp_cli_help_wrap(fp, exit_codes[k].meaning, 5, 5);
  }
  fputs(
      "\n"
      "dnsprobe explain tells what RCODEs, Extended DNS Errors, opcodes "
      "and\n"
      "root causes mean, offline, without sending anything:\n"
      "  dnsprobe explain REFUSED       one code, by name or number\n"
      "  dnsprobe explain 4 5           several codes side by side\n"
      "  dnsprobe explain --ede 18      an Extended DNS Error (RFC 8914)\n"
      "  dnsprobe explain --opcode 5    an opcode\n"
      "  dnsprobe explain lame          a root cause of the diagnosis\n"
      "  dnsprobe explain --list        every code and cause, one line "
      "each\n"
      "\n"
      "dnsprobe summarize reads JSON-lines reports (full or --brief, one per\n"
      "shard, say) and prints the fleet: targets by status, the most common\n"
      "root causes, software, the slowest targets; --format json for\n"
      "machines; its exit status is the worst target's, 3 on bad input.\n"
      "\n"
      "dnsprobe serve is a Prometheus exporter: GET /probe?target=... runs\n"
      "the battery and answers --format prometheus's metrics, for targets\n"
      "an allow-list admits (dnsprobe serve --help).\n",
      fp);
}

int dp_cli_error(FILE *fp, const char *scope, const char *fmt, ...)
{
  va_list ap;
  fputs("dnsprobe: ", fp);
  if (scope != NULL)
    fprintf(fp, "%s: ", scope);
  va_start(ap, fmt);
  vfprintf(fp, fmt, ap);
  va_end(ap);
  fputc('\n', fp);
  return DP_EXIT_UNKNOWN;
}
