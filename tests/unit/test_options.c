/*
 * test_options.c: the command line (src/cli/options.c) as tables.
 *
 * Good argv tables must give the expected config fields; bad argv tables
 * must fail with one line containing a given fragment and leave the config
 * owning nothing; target texts must give the expected family, port and
 * address bytes, or a refusal naming the problem. Every assertion message
 * names its case. Nothing here sends a packet.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "resume.h"

#define MAXARGS 16
#define ERRCAP 512

/* 63 and 64 characters: the longest label and one too long. */
#define L63 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"
#define L64 L63 "l"
/* 4 * 63 + 3 dots = 255 characters, 257 bytes in wire form (RFC 1035 3.1). */
#define NAME_TOO_LONG L63 "." L63 "." L63 "." L63
/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 characters: the longest host name. */
#define L61 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghi"
#define HOST253 L63 "." L63 "." L63 "." L61
#define HOST254 L63 "." L63 "." L63 "." L61 "x"

/* Copy a NULL-terminated table row into a heap argv, as a shell would. */
static int make_argv(const char *const *src, char **argv)
{
  int n = 0;

  while (n < MAXARGS && src[n] != NULL)
  {
    argv[n] = strdup(src[n]);
    ck_assert_msg(argv[n] != NULL, "strdup failed");
    n++;
  }
  argv[n] = NULL;
  return n;
}

static void free_argv(char **argv)
{
  for (int i = 0; argv[i] != NULL; i++)
    free(argv[i]);
}

/* ---------------------------------------------------------------------- */
/* Good command lines                                                     */

struct good_case
{
  const char *name;
  const char *argv[MAXARGS];
  const char *zone; /* NULL: "." */
  bool zone_given;
  const char *recursion_name; /* NULL: "" */
  const char *probes, *skip;  /* NULL: not given */
  unsigned timeout_ms;        /* 0: DP_CLI_TIMEOUT_DEFAULT */
  int family;
  dp_format_t format;
  dp_color_t color;
  bool help, version, list_probes;
  size_t ntargets;
  const char *targets[4];       /* "given" texts, in order */
  int dnssec_warn, dnssec_crit; /* days; 0: the default, -1: 0 days */
};

static const struct good_case good_cases[] = {
    {.name = "DNSSEC thresholds",
     .argv = {"dnsprobe", "--dnssec-warn", "14", "--dnssec-crit=3",
              "127.0.0.1"},
     .ntargets = 1,
     .targets = {"127.0.0.1"},
     .dnssec_warn = 14,
     .dnssec_crit = 3},
    {.name = "DNSSEC: nothing critical before expiry",
     .argv = {"dnsprobe", "127.0.0.1", "--dnssec-crit", "0"},
     .ntargets = 1,
     .targets = {"127.0.0.1"},
     .dnssec_crit = -1},
    {.name = "DNSSEC: the lowest warning, and critical equal to it",
     .argv = {"dnsprobe", "127.0.0.1", "--dnssec-warn", "1", "--dnssec-crit",
              "1"},
     .ntargets = 1,
     .targets = {"127.0.0.1"},
     .dnssec_warn = 1,
     .dnssec_crit = 1},
    {.name = "DNSSEC: a year, the highest",
     .argv = {"dnsprobe", "127.0.0.1", "--dnssec-warn=365",
              "--dnssec-crit=365"},
     .ntargets = 1,
     .targets = {"127.0.0.1"},
     .dnssec_warn = 365,
     .dnssec_crit = 365},
    {.name = "one IPv4 target",
     .argv = {"dnsprobe", "127.0.0.1"},
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "zone --opt=value, lower-cased and absolute",
     .argv = {"dnsprobe", "--zone=Example.TEST", "127.0.0.1"},
     .zone = "example.test.",
     .zone_given = true,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "zone --opt value after the target",
     .argv = {"dnsprobe", "127.0.0.1:5301", "--zone", "example.test."},
     .zone = "example.test.",
     .zone_given = true,
     .ntargets = 1,
     .targets = {"127.0.0.1:5301"}},
    {.name = "zone -zVALUE",
     .argv = {"dnsprobe", "-zexample.test", "::1"},
     .zone = "example.test.",
     .zone_given = true,
     .ntargets = 1,
     .targets = {"::1"}},
    {.name = "zone -z VALUE",
     .argv = {"dnsprobe", "-z", "example.test", "[::1]:5301"},
     .zone = "example.test.",
     .zone_given = true,
     .ntargets = 1,
     .targets = {"[::1]:5301"}},
    {.name = "root zone given explicitly",
     .argv = {"dnsprobe", "--zone", ".", "127.0.0.1"},
     .zone = ".",
     .zone_given = true,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "recursion name",
     .argv = {"dnsprobe", "-r", "WWW.Example.ORG", "127.0.0.1"},
     .recursion_name = "www.example.org.",
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "recursion name long form with =",
     .argv = {"dnsprobe", "--recursion-name=probe.example", "127.0.0.1"},
     .recursion_name = "probe.example.",
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "options and targets interleaved",
     .argv = {"dnsprobe", "127.0.0.1", "--timeout", "500", "::1", "-F", "json",
              "127.0.0.2:5301"},
     .timeout_ms = 500,
     .format = DP_FORMAT_JSON,
     .ntargets = 3,
     .targets = {"127.0.0.1", "::1", "127.0.0.2:5301"}},
    {.name = "timeout -t500",
     .argv = {"dnsprobe", "-t500", "127.0.0.1"},
     .timeout_ms = 500,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "timeout -t 1 (lowest)",
     .argv = {"dnsprobe", "-t", "1", "127.0.0.1"},
     .timeout_ms = 1,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "timeout --timeout=60000 (highest)",
     .argv = {"dnsprobe", "--timeout=60000", "127.0.0.1"},
     .timeout_ms = 60000,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "timeout with a leading zero is decimal, not octal",
     .argv = {"dnsprobe", "--timeout", "0100", "127.0.0.1"},
     .timeout_ms = 100,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "probes and skip lists kept as given",
     .argv = {"dnsprobe", "--probes", "udp,tcp,axfr", "--skip=axfr",
              "127.0.0.1"},
     .probes = "udp,tcp,axfr",
     .skip = "axfr",
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "probes -p and skip -s short forms",
     .argv = {"dnsprobe", "-pudp", "-s", "notify,opcode", "127.0.0.1"},
     .probes = "udp",
     .skip = "notify,opcode",
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "-4 with a host name",
     .argv = {"dnsprobe", "-4", "localhost"},
     .family = AF_INET,
     .ntargets = 1,
     .targets = {"localhost"}},
    {.name = "-6 with an IPv6 literal",
     .argv = {"dnsprobe", "::1", "-6"},
     .family = AF_INET6,
     .ntargets = 1,
     .targets = {"::1"}},
    {.name = "-4 twice is no conflict",
     .argv = {"dnsprobe", "-4", "-4", "127.0.0.1"},
     .family = AF_INET,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "format text",
     .argv = {"dnsprobe", "--format", "text", "127.0.0.1"},
     .format = DP_FORMAT_TEXT,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "format json with =",
     .argv = {"dnsprobe", "--format=json", "127.0.0.1"},
     .format = DP_FORMAT_JSON,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "color always",
     .argv = {"dnsprobe", "--color", "always", "127.0.0.1"},
     .color = DP_COLOR_ALWAYS,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "color never with =",
     .argv = {"dnsprobe", "--color=never", "127.0.0.1"},
     .color = DP_COLOR_NEVER,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "color auto",
     .argv = {"dnsprobe", "--color=auto", "127.0.0.1"},
     .color = DP_COLOR_AUTO,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "--help without a target",
     .argv = {"dnsprobe", "--help"},
     .help = true},
    {.name = "-h without a target", .argv = {"dnsprobe", "-h"}, .help = true},
    {.name = "--version without a target",
     .argv = {"dnsprobe", "--version"},
     .version = true},
    {.name = "-V without a target",
     .argv = {"dnsprobe", "-V"},
     .version = true},
    {.name = "--list-probes without a target",
     .argv = {"dnsprobe", "--list-probes"},
     .list_probes = true},
    {.name = "flags clustered: -l4",
     .argv = {"dnsprobe", "-l4", "localhost"},
     .list_probes = true,
     .family = AF_INET,
     .ntargets = 1,
     .targets = {"localhost"}},
    {.name = "flag cluster ending in a value option: -4t250",
     .argv = {"dnsprobe", "-4t250", "127.0.0.1"},
     .family = AF_INET,
     .timeout_ms = 250,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "-- ends the options",
     .argv = {"dnsprobe", "-t", "300", "--", "ns1.example.test:5301"},
     .timeout_ms = 300,
     .ntargets = 1,
     .targets = {"ns1.example.test:5301"}},
    {.name = "a value that starts with '-' through --opt=",
     .argv = {"dnsprobe", "--zone=-x.example", "127.0.0.1"},
     .zone = "-x.example.",
     .zone_given = true,
     .ntargets = 1,
     .targets = {"127.0.0.1"}},
    {.name = "everything at once",
     .argv = {"dnsprobe", "-z", "example.test", "-r", "probe.example",
              "--probes=udp,tcp", "-s", "tcp", "-t", "750", "-6",
              "--format=json", "[::1]:53"},
     .zone = "example.test.",
     .zone_given = true,
     .recursion_name = "probe.example.",
     .probes = "udp,tcp",
     .skip = "tcp",
     .timeout_ms = 750,
     .family = AF_INET6,
     .format = DP_FORMAT_JSON,
     .ntargets = 1,
     .targets = {"[::1]:53"}},
};

START_TEST(test_parse_good)
{
  const struct good_case *c = &good_cases[_i];
  char *argv[MAXARGS + 1];
  char err[ERRCAP] = "unchanged";
  struct dp_cli_config cfg;
  int argc = make_argv(c->argv, argv);
  bool ok = dp_cli_parse(argc, argv, &cfg, err, sizeof err);
  ck_assert_msg(ok, "%s: parse failed: %s", c->name, err);
  ck_assert_msg(err[0] == '\0', "%s: err not cleared: '%s'", c->name, err);
  ck_assert_msg(strcmp(cfg.zone, c->zone ? c->zone : ".") == 0, "%s: zone '%s'",
                c->name, cfg.zone);
  ck_assert_msg(cfg.zone_given == c->zone_given, "%s: zone_given %d", c->name,
                cfg.zone_given);
  ck_assert_msg(strcmp(cfg.recursion_name,
                       c->recursion_name ? c->recursion_name : "") == 0,
                "%s: recursion_name '%s'", c->name, cfg.recursion_name);
  ck_assert_msg(cfg.recursion_name_given == (c->recursion_name != NULL),
                "%s: recursion_name_given %d", c->name,
                cfg.recursion_name_given);
  if (c->probes == NULL)
    ck_assert_msg(cfg.probes == NULL, "%s: probes '%s'", c->name, cfg.probes);
  else
    ck_assert_msg(cfg.probes != NULL && strcmp(cfg.probes, c->probes) == 0,
                  "%s: probes '%s'", c->name,
                  cfg.probes ? cfg.probes : "(null)");
  if (c->skip == NULL)
    ck_assert_msg(cfg.skip == NULL, "%s: skip '%s'", c->name, cfg.skip);
  else
    ck_assert_msg(cfg.skip != NULL && strcmp(cfg.skip, c->skip) == 0,
                  "%s: skip '%s'", c->name, cfg.skip ? cfg.skip : "(null)");
  ck_assert_msg(cfg.timeout_ms ==
                    (c->timeout_ms ? c->timeout_ms : DP_CLI_TIMEOUT_DEFAULT),
                "%s: timeout %u", c->name, cfg.timeout_ms);
  ck_assert_msg(cfg.family == c->family, "%s: family %d", c->name, cfg.family);
  ck_assert_msg(cfg.format == c->format, "%s: format %d", c->name,
                (int)cfg.format);
  ck_assert_msg(cfg.color == c->color, "%s: color %d", c->name, (int)cfg.color);
  ck_assert_msg(cfg.help == c->help, "%s: help %d", c->name, cfg.help);
  ck_assert_msg(cfg.version == c->version, "%s: version %d", c->name,
                cfg.version);
  ck_assert_msg(cfg.list_probes == c->list_probes, "%s: list_probes %d",
                c->name, cfg.list_probes);
  ck_assert_msg(cfg.ntargets == c->ntargets, "%s: %zu targets, want %zu",
                c->name, cfg.ntargets, c->ntargets);
  unsigned warn = c->dnssec_warn > 0   ? (unsigned)c->dnssec_warn
                  : c->dnssec_warn < 0 ? 0
                                       : DP_CLI_DNSSEC_WARN_DEFAULT;
  unsigned crit = c->dnssec_crit > 0   ? (unsigned)c->dnssec_crit
                  : c->dnssec_crit < 0 ? 0
                                       : DP_CLI_DNSSEC_CRIT_DEFAULT;
  ck_assert_msg(cfg.dnssec_warn_days == warn && cfg.dnssec_crit_days == crit,
                "%s: DNSSEC thresholds %u and %u days, want %u and %u", c->name,
                cfg.dnssec_warn_days, cfg.dnssec_crit_days, warn, crit);
  for (size_t k = 0; k < c->ntargets && k < cfg.ntargets; k++)
    ck_assert_msg(strcmp(cfg.targets[k].given, c->targets[k]) == 0,
                  "%s: target %zu is '%s', want '%s'", c->name, k,
                  cfg.targets[k].given, c->targets[k]);
  dp_cli_config_free(&cfg);
  ck_assert_msg(cfg.targets == NULL && cfg.ntargets == 0 &&
                    cfg.probes == NULL && cfg.skip == NULL,
                "%s: config_free left something owned", c->name);
  dp_cli_config_free(&cfg); /* twice is harmless */
  free_argv(argv);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Bad command lines                                                      */

struct bad_case
{
  const char *name;
  const char *argv[MAXARGS];
  const char *fragment; /* must appear in err */
};

static const struct bad_case bad_cases[] = {
    {"no arguments at all", {"dnsprobe"}, "no TARGET given"},
    {"options but no target", {"dnsprobe", "-t", "500"}, "no TARGET given"},
    {"unknown long option",
     {"dnsprobe", "--frobnicate", "127.0.0.1"},
     "unknown option '--frobnicate'"},
    {"unknown long option with a value",
     {"dnsprobe", "--frob=1", "127.0.0.1"},
     "unknown option '--frob=1'"},
    {"abbreviations are not options",
     {"dnsprobe", "--time", "500", "127.0.0.1"},
     "unknown option '--time'"},
    {"long options are case-sensitive",
     {"dnsprobe", "--ZONE", "example.test", "127.0.0.1"},
     "unknown option '--ZONE'"},
    {"unknown short option",
     {"dnsprobe", "-x", "127.0.0.1"},
     "unknown option '-x'"},
    {"unknown short option inside a cluster",
     {"dnsprobe", "-4x", "127.0.0.1"},
     "unknown option '-x'"},
    {"long option with one dash",
     {"dnsprobe", "-zone", "example.test", "::1"},
     "unknown option '-zone' (long options take two dashes: --zone)"},
    {"long option with one dash and =",
     {"dnsprobe", "-timeout=5", "::1"},
     "unknown option '-timeout=5'"},
    {"missing argument at the end (long)",
     {"dnsprobe", "127.0.0.1", "--zone"},
     "option '--zone' needs an argument (ZONE)"},
    {"missing argument at the end (short)",
     {"dnsprobe", "127.0.0.1", "-t"},
     "option '-t' needs an argument (MS)"},
    {"argument forgotten before another option",
     {"dnsprobe", "--zone", "--format", "json", "127.0.0.1"},
     "option '--zone' needs an argument (ZONE), not '--format'"},
    {"short option's argument forgotten",
     {"dnsprobe", "-z", "-4", "127.0.0.1"},
     "option '-z' needs an argument (ZONE), not '-4'"},
    {"value for a flag",
     {"dnsprobe", "--help=x"},
     "option '--help' takes no value ('--help=x')"},
    {"empty value for a flag",
     {"dnsprobe", "--list-probes=", "127.0.0.1"},
     "option '--list-probes' takes no value"},
    {"timeout 0",
     {"dnsprobe", "--timeout", "0", "127.0.0.1"},
     "--timeout '0': must be between 1 and 60000 ms"},
    {"timeout 00",
     {"dnsprobe", "-t00", "127.0.0.1"},
     "--timeout '00': must be between 1 and 60000 ms"},
    {"timeout negative (=)",
     {"dnsprobe", "--timeout=-5", "127.0.0.1"},
     "--timeout '-5': must be between 1 and 60000 ms"},
    {"timeout negative (attached)",
     {"dnsprobe", "-t-5", "127.0.0.1"},
     "--timeout '-5': must be between 1 and 60000 ms"},
    {"timeout one too many",
     {"dnsprobe", "-t", "60001", "127.0.0.1"},
     "--timeout '60001': must be between 1 and 60000 ms"},
    {"dnssec-warn 0",
     {"dnsprobe", "--dnssec-warn", "0", "127.0.0.1"},
     "--dnssec-warn '0': must be a whole number of days from 1 to 365"},
    {"dnssec-warn over a year",
     {"dnsprobe", "--dnssec-warn", "366", "127.0.0.1"},
     "--dnssec-warn '366': must be a whole number of days from 1 to 365"},
    {"dnssec-warn with a unit",
     {"dnsprobe", "--dnssec-warn", "7d", "127.0.0.1"},
     "--dnssec-warn '7d': must be a whole number of days"},
    {"dnssec-crit negative",
     {"dnsprobe", "--dnssec-crit=-1", "127.0.0.1"},
     "--dnssec-crit '-1': must be a whole number of days from 0 to 365"},
    {"dnssec-crit 00",
     {"dnsprobe", "--dnssec-crit", "00", "127.0.0.1"},
     "--dnssec-crit '00'"},
    {"dnssec-crit above dnssec-warn",
     {"dnsprobe", "--dnssec-warn", "3", "--dnssec-crit", "4", "127.0.0.1"},
     "--dnssec-crit 4 is more than --dnssec-warn 3"},
    {"dnssec-crit above the default warning",
     {"dnsprobe", "--dnssec-crit", "8", "127.0.0.1"},
     "--dnssec-crit 8 is more than --dnssec-warn 7 (the default)"},
    {"dnssec-warn below the default critical",
     {"dnsprobe", "--dnssec-warn", "1", "127.0.0.1"},
     "--dnssec-crit 2 (the default) is more than --dnssec-warn 1"},
    {"dnssec-warn twice",
     {"dnsprobe", "--dnssec-warn", "3", "--dnssec-warn", "4", "127.0.0.1"},
     "given more than once"},
    {"timeout that wraps 32 bits to 1",
     {"dnsprobe", "-t", "4294967297", "127.0.0.1"},
     "--timeout '4294967297': must be between"},
    {"timeout that overflows 64 bits",
     {"dnsprobe", "-t", "999999999999999999999999", "127.0.0.1"},
     "--timeout '999999999999999999999999': must be between"},
    {"timeout with a unit",
     {"dnsprobe", "-t", "5s", "127.0.0.1"},
     "--timeout '5s': not a whole number of milliseconds"},
    {"timeout in hex",
     {"dnsprobe", "-t", "0x10", "127.0.0.1"},
     "--timeout '0x10': not a whole number"},
    {"timeout with a plus sign",
     {"dnsprobe", "-t", "+500", "127.0.0.1"},
     "--timeout '+500': not a whole number"},
    {"timeout with a space",
     {"dnsprobe", "-t", " 500", "127.0.0.1"},
     "--timeout ' 500': not a whole number"},
    {"timeout in exponent form",
     {"dnsprobe", "-t", "1e3", "127.0.0.1"},
     "--timeout '1e3': not a whole number"},
    {"timeout with a fraction",
     {"dnsprobe", "-t", "500.0", "127.0.0.1"},
     "--timeout '500.0': not a whole number"},
    {"timeout empty",
     {"dnsprobe", "--timeout=", "127.0.0.1"},
     "--timeout '': not a whole number"},
    {"-4 and -6",
     {"dnsprobe", "-4", "-6", "localhost"},
     "options -4 and -6 conflict"},
    {"-46 cluster",
     {"dnsprobe", "-46", "localhost"},
     "options -4 and -6 conflict"},
    {"-4 with an IPv6 literal",
     {"dnsprobe", "-4", "::1"},
     "target '::1' is an IPv6 address, but -4 was given"},
    {"-6 with an IPv4 literal",
     {"dnsprobe", "127.0.0.1:5301", "-6"},
     "target '127.0.0.1:5301' is an IPv4 address, but -6 was given"},
    {"unknown format",
     {"dnsprobe", "--format", "xml", "127.0.0.1"},
     "--format 'xml': must be text, json, jsonl, junit, nagios or prometheus"},
    {"empty format",
     {"dnsprobe", "-F", "", "127.0.0.1"},
     "--format '': must be"},
    {"unknown color",
     {"dnsprobe", "--color=sometimes", "127.0.0.1"},
     "--color 'sometimes': must be auto, always or never"},
    {"color is not a boolean",
     {"dnsprobe", "--color", "yes", "127.0.0.1"},
     "--color 'yes': must be auto, always or never"},
    {"zone with an empty label",
     {"dnsprobe", "--zone", "a..b", "127.0.0.1"},
     "zone 'a..b': name has an empty label"},
    {"zone starting with a dot",
     {"dnsprobe", "-z", ".example", "127.0.0.1"},
     "zone '.example': name has an empty label"},
    {"zone with a 64-byte label",
     {"dnsprobe", "--zone", L64 ".test", "127.0.0.1"},
     "zone '" L63 "l...': a label is longer than 63"},
    {"zone longer than 255 bytes",
     {"dnsprobe", "--zone", NAME_TOO_LONG, "127.0.0.1"},
     "longer than 255"},
    {"zone empty", {"dnsprobe", "--zone=", "127.0.0.1"}, "zone '': empty name"},
    {"recursion name with an empty label",
     {"dnsprobe", "-r", "www..example", "127.0.0.1"},
     "recursion name 'www..example': name has an empty label"},
    {"recursion name empty",
     {"dnsprobe", "--recursion-name=", "127.0.0.1"},
     "recursion name '': empty name"},
    {"probes empty",
     {"dnsprobe", "--probes=", "127.0.0.1"},
     "--probes '': empty list"},
    {"probes with an empty element",
     {"dnsprobe", "--probes", "udp,,tcp", "127.0.0.1"},
     "--probes 'udp,,tcp': empty probe id"},
    {"probes ending in a comma",
     {"dnsprobe", "-p", "udp,", "127.0.0.1"},
     "--probes 'udp,': empty probe id"},
    {"skip starting with a comma",
     {"dnsprobe", "-s", ",udp", "127.0.0.1"},
     "--skip ',udp': empty probe id"},
    {"skip of a lone comma",
     {"dnsprobe", "--skip=,", "127.0.0.1"},
     "--skip ',': empty probe id"},
    {"zone given twice",
     {"dnsprobe", "-z", "a.test", "--zone", "b.test", "127.0.0.1"},
     "option '--zone' given more than once"},
    {"timeout given twice",
     {"dnsprobe", "-t", "1", "-t2", "127.0.0.1"},
     "option '-t' given more than once"},
    {"the first bad target is named",
     {"dnsprobe", "127.0.0.1", "127.1", "256.0.0.1"},
     "target '127.1': not a valid IPv4 address"},
    {"bad port", {"dnsprobe", "127.0.0.1:0"}, "target '127.0.0.1:0': port '0'"},
    {"after -- an option is a target", {"dnsprobe", "--", "-4"}, "target '-4'"},
    {"a lone dash is a target, and a bad one", {"dnsprobe", "-"}, "target '-'"},
    {"--help does not excuse a bad option",
     {"dnsprobe", "--help", "--bogus"},
     "unknown option '--bogus'"},
    {"a failure after owned values frees them",
     {"dnsprobe", "--probes", "udp", "-s", "tcp", "127.0.0.1", "::1",
      "--bogus"},
     "unknown option '--bogus'"},
    {"a control character is escaped",
     {"dnsprobe", "bad\nname"},
     "target 'bad\\x0aname'"},
    {"shard without a slash",
     {"dnsprobe", "--shard", "3", "127.0.0.1"},
     "--shard '3': must be K/N"},
    {"shard K not below N",
     {"dnsprobe", "--shard", "4/4", "127.0.0.1"},
     "K must be a whole number from 0 to N-1"},
    {"shard 1-based K past the end",
     {"dnsprobe", "--shard=5/4", "127.0.0.1"},
     "K must be"},
    {"shard N of 0", {"dnsprobe", "--shard", "0/0", "127.0.0.1"}, "N must be"},
    {"shard N too large",
     {"dnsprobe", "--shard", "0/1000001", "127.0.0.1"},
     "N must be"},
    {"shard negative K",
     {"dnsprobe", "--shard=-1/4", "127.0.0.1"},
     "K must be"},
    {"shard junk N", {"dnsprobe", "--shard", "1/x", "127.0.0.1"}, "N must be"},
    {"brief without jsonl",
     {"dnsprobe", "--brief", "127.0.0.1"},
     "--brief needs --format jsonl"},
    {"brief with json",
     {"dnsprobe", "--brief", "--format", "json", "127.0.0.1"},
     "--brief needs --format jsonl"},
    {"resume without jsonl",
     {"dnsprobe", "--resume", "out.jsonl", "127.0.0.1"},
     "--resume FILE writes JSON lines"},
    {"resume with output",
     {"dnsprobe", "--resume", "a.jsonl", "--format", "jsonl", "-o", "b",
      "127.0.0.1"},
     "give one of them"},
    {"resume empty", {"dnsprobe", "--resume=", "127.0.0.1"}, "empty file"},
    {"resume a directory",
     {"dnsprobe", "--resume", "dir/", "127.0.0.1"},
     "names a directory"},
    {"a terminal escape is escaped",
     {"dnsprobe", "--zone", "a\033[2J..b", "::1"},
     "zone 'a\\x1b[2J..b': name has an empty label"},
};

START_TEST(test_parse_bad)
{
  const struct bad_case *c = &bad_cases[_i];
  char *argv[MAXARGS + 1];
  char err[ERRCAP] = "";
  struct dp_cli_config cfg;
  int argc = make_argv(c->argv, argv);
  bool ok = dp_cli_parse(argc, argv, &cfg, err, sizeof err);

  ck_assert_msg(!ok, "%s: accepted", c->name);
  ck_assert_msg(strstr(err, c->fragment) != NULL, "%s: err '%s' lacks '%s'",
                c->name, err, c->fragment);
  ck_assert_msg(strchr(err, '\n') == NULL && strchr(err, '\033') == NULL,
                "%s: err is not one printable line: '%s'", c->name, err);
  ck_assert_msg(strncmp(err, "dnsprobe", 8) != 0,
                "%s: err has a program prefix: '%s'", c->name, err);
  /* Never partially accepted: nothing owned, defaults restored. */
  ck_assert_msg(cfg.targets == NULL && cfg.ntargets == 0 &&
                    cfg.probes == NULL && cfg.skip == NULL,
                "%s: config still owns something after a failure", c->name);
  ck_assert_msg(strcmp(cfg.zone, ".") == 0 && !cfg.zone_given &&
                    cfg.timeout_ms == DP_CLI_TIMEOUT_DEFAULT &&
                    cfg.family == AF_UNSPEC && !cfg.help,
                "%s: config not back to defaults after a failure", c->name);
  dp_cli_config_free(&cfg);
  free_argv(argv);
}
END_TEST

/* The error of a bad case also stays within a small buffer. */
START_TEST(test_parse_bad_small_err)
{
  const struct bad_case *c = &bad_cases[_i];
  char *argv[MAXARGS + 1];
  char err[16 + 1];
  struct dp_cli_config cfg;
  int argc = make_argv(c->argv, argv);

  memset(err, 'X', sizeof err);
  ck_assert_msg(!dp_cli_parse(argc, argv, &cfg, err, sizeof err - 1),
                "%s: accepted", c->name);
  ck_assert_msg(err[sizeof err - 1] == 'X', "%s: err overflowed its cap",
                c->name);
  ck_assert_msg(memchr(err, '\0', sizeof err - 1) != NULL,
                "%s: err not terminated within its cap", c->name);
  dp_cli_config_free(&cfg);
  free_argv(argv);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Targets                                                                */

struct target_case
{
  const char *name;
  const char *text;
  bool ok;
  bool is_name;
  int family; /* AF_INET or AF_INET6 for literals */
  uint16_t port;
  uint8_t addr[16];
  const char *host;     /* expected host text when ok */
  const char *fragment; /* expected in err when !ok */
};

static const struct target_case target_cases[] = {
    /* IPv4 literals */
    {"IPv4 loopback",
     "127.0.0.1",
     true,
     false,
     AF_INET,
     53,
     {127, 0, 0, 1},
     "127.0.0.1",
     NULL},
    {"IPv4 with a port",
     "127.0.0.1:5301",
     true,
     false,
     AF_INET,
     5301,
     {127, 0, 0, 1},
     "127.0.0.1",
     NULL},
    {"IPv4 with the highest port",
     "127.0.0.2:65535",
     true,
     false,
     AF_INET,
     65535,
     {127, 0, 0, 2},
     "127.0.0.2",
     NULL},
    {"IPv4 with the lowest port",
     "127.0.0.3:1",
     true,
     false,
     AF_INET,
     1,
     {127, 0, 0, 3},
     "127.0.0.3",
     NULL},
    {"IPv4 with a leading-zero port read as decimal",
     "127.0.0.1:0053",
     true,
     false,
     AF_INET,
     53,
     {127, 0, 0, 1},
     "127.0.0.1",
     NULL},
    {"IPv4 documentation address",
     "192.0.2.53",
     true,
     false,
     AF_INET,
     53,
     {192, 0, 2, 53},
     "192.0.2.53",
     NULL},
    {"IPv4 highest octets",
     "127.255.254.253:853",
     true,
     false,
     AF_INET,
     853,
     {127, 255, 254, 253},
     "127.255.254.253",
     NULL},
    /* IPv6 literals */
    {"IPv6 loopback bare",
     "::1",
     true,
     false,
     AF_INET6,
     53,
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
     "::1",
     NULL},
    {"IPv6 loopback in brackets",
     "[::1]",
     true,
     false,
     AF_INET6,
     53,
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
     "::1",
     NULL},
    {"IPv6 in brackets with a port",
     "[::1]:5301",
     true,
     false,
     AF_INET6,
     5301,
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
     "::1",
     NULL},
    {"bare IPv6 never has a port: ::1:5301 is an address",
     "::1:5301",
     true,
     false,
     AF_INET6,
     53,
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x53, 0x01},
     "::1:5301",
     NULL},
    {"IPv6 documentation address",
     "2001:db8::53",
     true,
     false,
     AF_INET6,
     53,
     {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53},
     "2001:db8::53",
     NULL},
    {"IPv6 full form, brackets and port",
     "[2001:db8:1:2:3:4:5:6]:53",
     true,
     false,
     AF_INET6,
     53,
     {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6},
     "2001:db8:1:2:3:4:5:6",
     NULL},
    {"IPv4-mapped IPv6",
     "::ffff:127.0.0.1",
     true,
     false,
     AF_INET6,
     53,
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1},
     "::ffff:127.0.0.1",
     NULL},
    /* host names */
    {"single-label host name",
     "localhost",
     true,
     true,
     0,
     53,
     {0},
     "localhost",
     NULL},
    {"host name with a port",
     "ns1.example.test:5301",
     true,
     true,
     0,
     5301,
     {0},
     "ns1.example.test",
     NULL},
    {"host name with a trailing dot",
     "ns1.example.test.",
     true,
     true,
     0,
     53,
     {0},
     "ns1.example.test.",
     NULL},
    {"host name with digits and hyphens",
     "a-1.9b.example",
     true,
     true,
     0,
     53,
     {0},
     "a-1.9b.example",
     NULL},
    {"punycode host name",
     "xn--bcher-kva.example",
     true,
     true,
     0,
     53,
     {0},
     "xn--bcher-kva.example",
     NULL},
    {"host name with a 63-character label",
     L63 ".example",
     true,
     true,
     0,
     53,
     {0},
     L63 ".example",
     NULL},
    {"host name of 253 characters",
     HOST253,
     true,
     true,
     0,
     53,
     {0},
     HOST253,
     NULL},
    {"host name that starts like hex",
     "0x7f.example",
     true,
     true,
     0,
     53,
     {0},
     "0x7f.example",
     NULL},
    /* bad addresses */
    {"empty", "", false, false, 0, 0, {0}, NULL, "target '': empty"},
    {"short IPv4 form",
     "127.1",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "target '127.1': not a valid IPv4 address"},
    {"IPv4 with a leading zero",
     "0127.0.0.1",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "target '0127.0.0.1': not a valid IPv4 address"},
    {"IPv4 with a leading zero in the last octet",
     "127.0.0.01",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "not a valid IPv4 address"},
    {"IPv4 in hex parts",
     "0x7f.0.0.1",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "target '0x7f.0.0.1': not a valid IPv4 address"},
    {"IPv4 as one hex number",
     "0x7f000001",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "not a valid IPv4 address"},
    {"IPv4 as one decimal number",
     "2130706433",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "not a valid IPv4 address"},
    {"IPv4 octet over 255",
     "256.0.0.1",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "target '256.0.0.1': not a valid IPv4 address"},
    {"IPv4 with five parts",
     "127.0.0.0.1",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "not a valid IPv4 address"},
    {"short IPv4 form with a port",
     "127.1:53",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "target '127.1:53': not a valid IPv4 address"},
    {"IPv4 unspecified",
     "0.0.0.0",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "unspecified address"},
    {"IPv6 unspecified",
     "[::]:53",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "unspecified address"},
    {"IPv6 with two ::",
     "::1::2",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "target '::1::2': not a valid IPv6 address"},
    {"IPv6 with a zone index",
     "fe80::1%eth0",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "target 'fe80::1%eth0': an IPv6 zone index ('%eth0') is not supported"},
    {"IPv6 in brackets with a zone index",
     "[fe80::1%lo]:53",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "zone index ('%lo')"},
    {"IPv6 bracket not closed",
     "[::1",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "target '[::1': '[' without ']'"},
    {"IPv6 junk after the bracket",
     "[::1]x",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "unexpected text after ']'"},
    {"IPv6 port without a colon",
     "[::1]5301",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "unexpected text after ']'"},
    {"IPv4 in brackets",
     "[127.0.0.1]:53",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "brackets are only for IPv6"},
    {"name in brackets",
     "[localhost]",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "not a valid IPv6 address in brackets"},
    {"empty brackets",
     "[]:53",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "no address or host name"},
    {"port alone",
     ":53",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "no address or host name"},
    /* bad ports */
    {"port 0",
     "127.0.0.1:0",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "target '127.0.0.1:0': port '0' is not a number 1-65535"},
    {"port 65536",
     "127.0.0.1:65536",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "port '65536'"},
    {"port 99999",
     "127.0.0.1:99999",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "port '99999'"},
    {"port 2^32 + 53",
     "127.0.0.1:4294967349",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "port '4294967349'"},
    {"port empty", "127.0.0.1:", false, false, 0, 0, {0}, NULL, "port ''"},
    {"port with a plus sign",
     "127.0.0.1:+53",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "port '+53'"},
    {"port with junk after it",
     "127.0.0.1:53x",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "port '53x'"},
    {"port negative",
     "127.0.0.1:-1",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "port '-1'"},
    {"port with a space",
     "127.0.0.1: 53",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "port ' 53'"},
    {"IPv6 port 0", "[::1]:0", false, false, 0, 0, {0}, NULL, "port '0'"},
    {"IPv6 port empty", "[::1]:", false, false, 0, 0, {0}, NULL, "port ''"},
    {"IPv6 port 65536",
     "[::1]:65536",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "port '65536'"},
    {"host name port 0",
     "localhost:0",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "port '0'"},
    {"two ports",
     "localhost:53:54",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "not a valid IPv6 address"},
    /* bad host names */
    {"underscore in a host name",
     "under_score.example",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "'_' is not allowed in a host name"},
    {"label starting with a hyphen",
     "-ns.example",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "cannot start or end with '-'"},
    {"label ending with a hyphen",
     "ns-.example",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "cannot start or end with '-'"},
    {"host name with an empty label",
     "ns1..example",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "host name has an empty label"},
    {"host name starting with a dot",
     ".example",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "host name has an empty label"},
    {"host name of two trailing dots",
     "example..",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "host name has an empty label"},
    {"lone dot", ".", false, false, 0, 0, {0}, NULL, "not a host name"},
    {"host name with a 64-character label",
     L64 ".example",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "longer than 63 characters"},
    {"host name of 254 characters",
     HOST254,
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "longer than 253 characters"},
    {"all-numeric last label",
     "ns1.123",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "last label of a host name cannot be all digits"},
    {"tab in a host name, escaped",
     "bad\tname",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "target 'bad\\x09name': '\\x09' is not allowed"},
    {"non-ASCII host name",
     "b\xc3\xbc"
     "cher.example",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "not ASCII"},
    {"slash in a host name",
     "ns1.example/24",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "'/' is not allowed"},
    {"URL instead of a host",
     "dns://127.0.0.1",
     false,
     false,
     0,
     0,
     {0},
     NULL,
     "target 'dns://127.0.0.1'"},
};

START_TEST(test_target)
{
  const struct target_case *c = &target_cases[_i];
  struct dp_cli_target t;
  char err[ERRCAP] = "";
  bool ok;

  memset(&t, 0xa5, sizeof t); /* the parser must not trust what was there */
  ok = dp_cli_target_parse(c->text, &t, err, sizeof err);
  if (!c->ok)
  {
    ck_assert_msg(!ok, "%s: '%s' accepted", c->name, c->text);
    ck_assert_msg(strstr(err, c->fragment) != NULL, "%s: err '%s' lacks '%s'",
                  c->name, err, c->fragment);
    ck_assert_msg(strchr(err, '\n') == NULL && strchr(err, '\t') == NULL,
                  "%s: err is not one printable line", c->name);
    ck_assert_msg(t.given == NULL && t.host == NULL,
                  "%s: a refused target still owns memory", c->name);
    return;
  }
  ck_assert_msg(ok, "%s: '%s' refused: %s", c->name, c->text, err);
  ck_assert_msg(t.given != NULL && strcmp(t.given, c->text) == 0,
                "%s: given '%s'", c->name, t.given);
  ck_assert_msg(t.host != NULL && strcmp(t.host, c->host) == 0,
                "%s: host '%s', want '%s'", c->name, t.host, c->host);
  ck_assert_msg(t.is_name == c->is_name, "%s: is_name %d", c->name, t.is_name);
  ck_assert_msg(t.port == c->port, "%s: port %u, want %u", c->name,
                (unsigned)t.port, (unsigned)c->port);
  if (c->is_name)
  {
    ck_assert_msg(t.addrlen == 0 && t.addr.ss_family == AF_UNSPEC,
                  "%s: a host name has an address", c->name);
  }
  else if (c->family == AF_INET)
  {
    const struct sockaddr_in *sin = (const struct sockaddr_in *)&t.addr;
    const uint8_t *p = (const uint8_t *)&sin->sin_port;
    ck_assert_msg(sin->sin_family == AF_INET, "%s: family %d", c->name,
                  sin->sin_family);
    ck_assert_msg(t.addrlen == sizeof *sin, "%s: addrlen %u", c->name,
                  (unsigned)t.addrlen);
    ck_assert_msg(p[0] == c->port >> 8 && p[1] == (c->port & 0xff),
                  "%s: sin_port bytes %02x %02x not in network order", c->name,
                  p[0], p[1]);
    ck_assert_msg(memcmp(&sin->sin_addr, c->addr, 4) == 0,
                  "%s: address bytes differ", c->name);
  }
  else
  {
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&t.addr;
    const uint8_t *p = (const uint8_t *)&sin6->sin6_port;
    ck_assert_msg(sin6->sin6_family == AF_INET6, "%s: family %d", c->name,
                  sin6->sin6_family);
    ck_assert_msg(t.addrlen == sizeof *sin6, "%s: addrlen %u", c->name,
                  (unsigned)t.addrlen);
    ck_assert_msg(p[0] == c->port >> 8 && p[1] == (c->port & 0xff),
                  "%s: sin6_port bytes %02x %02x not in network order", c->name,
                  p[0], p[1]);
    ck_assert_msg(memcmp(&sin6->sin6_addr, c->addr, 16) == 0,
                  "%s: address bytes differ", c->name);
    ck_assert_msg(sin6->sin6_scope_id == 0 && sin6->sin6_flowinfo == 0,
                  "%s: scope or flow info set", c->name);
  }
  free(t.given);
  free(t.host);
}
END_TEST

/* A very long target is refused, and its quote in err is cut short. */
START_TEST(test_target_long_input)
{
  static char text[4096];
  struct dp_cli_target t;
  char err[ERRCAP] = "";

  memset(text, 'a', sizeof text - 1);
  text[sizeof text - 1] = '\0';
  ck_assert_msg(!dp_cli_target_parse(text, &t, err, sizeof err),
                "4095-character target: accepted");
  ck_assert_msg(strstr(err, "longer than 253 characters") != NULL &&
                    strstr(err, "...'") != NULL,
                "4095-character target: err '%s'", err);
  ck_assert_msg(strlen(err) < 200, "4095-character target: err %zu long",
                strlen(err));
}
END_TEST

/* dp_quote (status.h), which every message quoting input goes through:
 * (input, bytes of it, room) and what it shows. */
static const struct
{
  const char *in;
  size_t n;
  size_t cap;
  const char *want;
} quote_cases[] = {
    {"plain", SIZE_MAX, 64, "plain"},
    {"", SIZE_MAX, 64, ""},
    {"tab\there", SIZE_MAX, 64, "tab\\x09here"},
    {"del\x7f\xc3\xa9", SIZE_MAX, 64, "del\\x7f\\xc3\\xa9"},
    {"abcdef", 3, 64, "abc"},              /* only n bytes are input */
    {"abcdef", 6, 64, "abcdef"},           /* all n shown: no "..." */
    {"abcdefghij", SIZE_MAX, 12, "ab..."}, /* room for (12 - 4) / 4 = 2 */
    {"ab", SIZE_MAX, 12, "ab"},
    {"\x01\x02\x03", SIZE_MAX, 12, "\\x01\\x02..."},
    {"abc", SIZE_MAX, 4, "..."}, /* room for no byte at all */
    {"abc", SIZE_MAX, 1, ""},
};

START_TEST(test_quote)
{
  char out[64];
  memset(out, '#', sizeof out);
  const char *got =
      dp_quote(out, quote_cases[_i].cap, quote_cases[_i].in, quote_cases[_i].n);
  ck_assert_msg(got == out, "case %d: did not return out", _i);
  ck_assert_msg(strcmp(out, quote_cases[_i].want) == 0,
                "case %d: '%s', want '%s'", _i, out, quote_cases[_i].want);
  ck_assert_msg(strlen(out) < quote_cases[_i].cap, "case %d: %zu bytes in %zu",
                _i, strlen(out) + 1, quote_cases[_i].cap);
  for (size_t i = quote_cases[_i].cap; i < sizeof out; i++)
    ck_assert_msg(out[i] == '#', "case %d: wrote past cap at %zu", _i, i);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* --help                                                                 */

static char *usage_text(void)
{
  FILE *fp = tmpfile();
  char *buf;
  long n;

  ck_assert_msg(fp != NULL, "usage: tmpfile failed");
  dp_cli_usage(fp);
  ck_assert_msg(fseek(fp, 0, SEEK_END) == 0, "usage: fseek failed");
  n = ftell(fp);
  ck_assert_msg(n > 0, "usage: nothing written");
  rewind(fp);
  buf = calloc(1, (size_t)n + 1);
  ck_assert_msg(buf != NULL, "usage: out of memory");
  ck_assert_msg(fread(buf, 1, (size_t)n, fp) == (size_t)n, "usage: short read");
  fclose(fp);
  return buf;
}

/*
 * Every option as --help must show it, with the argv that uses it: --help
 * and the parser come from one table, so each line shown must also parse.
 */
static const struct
{
  const char *shown;
  const char *argv[6];
} help_options[] = {
    {"  -z, --zone ZONE ", {"dnsprobe", "--zone", "example.test", "::1"}},
    {"  -r, --recursion-name NAME", {"dnsprobe", "-r", "a.example", "::1"}},
    {"  -p, --probes LIST ", {"dnsprobe", "--probes", "udp", "::1"}},
    {"  -s, --skip LIST ", {"dnsprobe", "-s", "udp", "::1"}},
    {"  -l, --list-probes ", {"dnsprobe", "--list-probes"}},
    {"  -t, --timeout MS ", {"dnsprobe", "--timeout", "9", "::1"}},
    {"  -4 ", {"dnsprobe", "-4", "127.0.0.1"}},
    {"  -6 ", {"dnsprobe", "-6", "::1"}},
    {"  -F, --format FMT ", {"dnsprobe", "--format", "json", "::1"}},
    {"      --color WHEN ", {"dnsprobe", "--color", "never", "::1"}},
    {"  -h, --help ", {"dnsprobe", "--help"}},
    {"  -V, --version ", {"dnsprobe", "--version"}},
};

START_TEST(test_usage_option)
{
  char *text = usage_text();
  char *argv[MAXARGS + 1];
  char err[ERRCAP] = "";
  struct dp_cli_config cfg;
  int argc = make_argv(help_options[_i].argv, argv);

  ck_assert_msg(strstr(text, help_options[_i].shown) != NULL,
                "usage lacks '%s'", help_options[_i].shown);
  ck_assert_msg(dp_cli_parse(argc, argv, &cfg, err, sizeof err),
                "'%s' is in --help but does not parse: %s",
                help_options[_i].shown, err);
  dp_cli_config_free(&cfg);
  free_argv(argv);
  free(text);
}
END_TEST

START_TEST(test_usage_layout)
{
  char *text = usage_text();
  char want[64];
  const char *line = text;
  unsigned nline = 1;

  while (*line != '\0')
  {
    size_t len = strcspn(line, "\n");
    ck_assert_msg(len <= 80, "usage line %u is %zu columns: %.*s", nline, len,
                  (int)len, line);
    ck_assert_msg(memchr(line, '\t', len) == NULL, "usage line %u has a tab",
                  nline);
    line += len;
    if (*line == '\n')
      line++;
    nline++;
  }
  ck_assert_msg(strstr(text, "Usage: dnsprobe [options] TARGET...\n") != NULL,
                "usage: no usage line");
  ck_assert_msg(strstr(text, "dnsprobe explain CODE|CAUSE...") != NULL,
                "usage: no explain usage line");
  ck_assert_msg(strstr(text, "dnsprobe explain --ede") != NULL,
                "usage: no explain example");
  snprintf(want, sizeof want, "default %u, 1..%u", DP_CLI_TIMEOUT_DEFAULT,
           DP_CLI_TIMEOUT_MAX);
  ck_assert_msg(strstr(text, want) != NULL,
                "usage: timeout help does not say '%s'", want);
  free(text);
}
END_TEST

/* Each exit code is described, on its own line, with its value. */
static const struct
{
  int code;
  const char *words;
} exit_help[] = {
    {DP_EXIT_OK, "ok"},
    {DP_EXIT_WARNING, "warning"},
    {DP_EXIT_CRITICAL, "critical"},
    {DP_EXIT_UNKNOWN, "could not do its job"},
};

START_TEST(test_usage_exit_code)
{
  char *text = usage_text();
  char want[16];
  const char *at;
  size_t len;

  snprintf(want, sizeof want, "\n  %d  ", exit_help[_i].code);
  at = strstr(text, want);
  ck_assert_msg(at != NULL, "usage: exit code %d not described",
                exit_help[_i].code);
  len = strcspn(at + 1, "\n");
  ck_assert_msg(strstr(at + 1, exit_help[_i].words) != NULL &&
                    strstr(at + 1, exit_help[_i].words) < at + 1 + len,
                "usage: exit code %d line lacks '%s'", exit_help[_i].code,
                exit_help[_i].words);
  free(text);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Re-entrancy                                                            */

/* Two configs parsed in turn keep their own values; nothing is global. */
START_TEST(test_reentrant)
{
  static const char *const a_words[] = {"dnsprobe", "-t",  "100", "-z",
                                        "a.test",   "::1", NULL};
  static const char *const b_words[] = {"dnsprobe", "127.0.0.1",
                                        "--zone=b.test", NULL};
  char *a_argv[MAXARGS + 1], *b_argv[MAXARGS + 1];
  int a_argc = make_argv(a_words, a_argv);
  int b_argc = make_argv(b_words, b_argv);
  struct dp_cli_config a, b;
  char err[ERRCAP];

  ck_assert_msg(dp_cli_parse(a_argc, a_argv, &a, err, sizeof err),
                "reentrant a: %s", err);
  ck_assert_msg(dp_cli_parse(b_argc, b_argv, &b, err, sizeof err),
                "reentrant b: %s", err);
  ck_assert_msg(a.timeout_ms == 100 && strcmp(a.zone, "a.test.") == 0 &&
                    a.ntargets == 1,
                "reentrant a: changed by parsing b");
  ck_assert_msg(b.timeout_ms == DP_CLI_TIMEOUT_DEFAULT &&
                    strcmp(b.zone, "b.test.") == 0 && b.ntargets == 1,
                "reentrant b: inherited from a");
  dp_cli_config_free(&a);
  dp_cli_config_free(&b);
  /* The same words again: the first parse left no state behind. */
  ck_assert_msg(dp_cli_parse(a_argc, a_argv, &a, err, sizeof err),
                "reentrant a again: %s", err);
  ck_assert_msg(a.timeout_ms == 100, "reentrant a again: timeout %u",
                a.timeout_ms);
  dp_cli_config_free(&a);
  dp_cli_config_free(NULL);
  free_argv(a_argv);
  free_argv(b_argv);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Fleets: --shard, the streaming target reader                           */

static const struct
{
  const char *argv[MAXARGS];
  uint32_t k, n;
  bool strict, brief;
} fleet_cases[] = {
    {{"dnsprobe", "--shard", "0/1", "127.0.0.1"}, 0, 1, false, false},
    {{"dnsprobe", "--shard=3/4", "127.0.0.1"}, 3, 4, false, false},
    {{"dnsprobe", "--shard", "999999/1000000", "--strict", "-f", "-"},
     999999,
     1000000,
     true,
     false},
    {{"dnsprobe", "--brief", "--format", "jsonl", "127.0.0.1"},
     0,
     1,
     false,
     true},
};

START_TEST(test_fleet_options)
{
  char *argv[MAXARGS + 1];
  char err[ERRCAP] = "";
  struct dp_cli_config cfg;
  int argc = make_argv(fleet_cases[_i].argv, argv);
  ck_assert_msg(dp_cli_parse(argc, argv, &cfg, err, sizeof err),
                "fleet case %d: %s", _i, err);
  ck_assert_msg(cfg.shard_k == fleet_cases[_i].k &&
                    cfg.shard_n == fleet_cases[_i].n,
                "fleet case %d: shard %u/%u", _i, cfg.shard_k, cfg.shard_n);
  ck_assert_msg(cfg.strict == fleet_cases[_i].strict &&
                    cfg.brief == fleet_cases[_i].brief,
                "fleet case %d: strict %d brief %d", _i, cfg.strict, cfg.brief);
  dp_cli_config_free(&cfg);
  free_argv(argv);
}
END_TEST

/* FNV-1a 64 (the published test vectors): the hash a line's shard is. */
START_TEST(test_shard_hash)
{
  static const struct
  {
    const char *text;
    uint64_t hash;
  } vectors[] = {
      {"", 0xcbf29ce484222325ULL},
      {"a", 0xaf63dc4c8601ec8cULL},
      {"foobar", 0x85944171f73967e8ULL},
  };
  for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
    ck_assert_msg(dp_cli_shard_hash(vectors[i].text) == vectors[i].hash,
                  "FNV-1a 64 of '%s': %016llx", vectors[i].text,
                  (unsigned long long)dp_cli_shard_hash(vectors[i].text));
}
END_TEST

/* The reader goes on after a bad line, says which line, normalises each
 * good one, and skips the rest of an over-long line. */
START_TEST(test_reader)
{
  char longline[DP_CLI_LINE_MAX + 100];
  memset(longline, 'a', sizeof(longline) - 1);
  longline[sizeof(longline) - 1] = '\0';
  char text[2 * DP_CLI_LINE_MAX];
  snprintf(text, sizeof(text),
           "# a comment\n"
           "  127.0.0.1:5301 \t Example.TEST.  # first\n"
           "127.0.0.300\n"
           "%s\n"
           "\n"
           "[::1]:53\n"
           "127.0.0.2 a b\n"
           "127.0.0.3 a..b\n"
           "127.0.0.4",
           longline);
  FILE *in = fmemopen(text, strlen(text), "r");
  ck_assert_msg(in != NULL, "fmemopen failed");
  struct dp_cli_reader rd;
  struct dp_cli_target t;
  char err[ERRCAP];
  static const struct
  {
    dp_status_t st;
    size_t line;
    const char *norm_or_error;
  } want[] = {
      {DP_OK, 2, "127.0.0.1:5301 Example.TEST."},
      {DP_EINVAL, 3, "<input>:3: target '127.0.0.300'"},
      {DP_EINVAL, 4, "<input>:4: line longer than 4096 bytes"},
      {DP_OK, 6, "[::1]:53"},
      {DP_EINVAL, 7, "<input>:7: more than a target and a zone"},
      {DP_EINVAL, 8, "<input>:8: zone 'a..b'"},
      {DP_OK, 9, "127.0.0.4"},
      {DP_EOF, 9, NULL},
  };
  dp_cli_reader_init(&rd, in, "<input>");
  for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
  {
    err[0] = '\0';
    dp_status_t st = dp_cli_reader_next(&rd, &t, err, sizeof(err));
    ck_assert_msg(st == want[i].st, "read %zu: status %d, want %d (%s)", i, st,
                  want[i].st, err);
    ck_assert_msg(rd.line == want[i].line, "read %zu: line %zu, want %zu", i,
                  rd.line, want[i].line);
    if (st == DP_OK)
      ck_assert_msg(strcmp(rd.norm, want[i].norm_or_error) == 0,
                    "read %zu: normalised '%s'", i, rd.norm);
    else if (want[i].norm_or_error != NULL)
      ck_assert_msg(strstr(err, want[i].norm_or_error) == err,
                    "read %zu: error '%s'", i, err);
    if (st == DP_OK && i == 0)
      ck_assert_msg(t.zone != NULL && strcmp(t.zone, "example.test.") == 0,
                    "read 0: zone %s", t.zone ? t.zone : "(none)");
    dp_cli_target_free(&t);
  }
  ck_assert_msg(rd.targets == 3, "%zu good target lines", rd.targets);
  fclose(in);
}
END_TEST

/* --resume: the records of a file read back as a multiset of targets, a
 * torn last line cut off, new records appended after the whole ones. */
START_TEST(test_resume_file)
{
  char path[] = "/tmp/dnsprobe-test-resume-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_msg(fd >= 0, "mkstemp failed");
  static const char rec[] =
      "{\"schema\":\"dnsprobe-brief/1\",\"target\":\"t\",\"address\":"
      "\"127.0.0.1\",\"port\":53,\"zone\":\"a.test.\",\"status\":"
      "\"warning\"}\n";
  static const char torn[] = "{\"schema\":\"dnsprobe/1\",\"targ";
  FILE *f = fdopen(fd, "w");
  ck_assert_msg(f != NULL, "fdopen failed");
  fputs(rec, f);
  fputs(rec, f);
  fputs(torn, f);
  fclose(f);

  dp_cli_resume_t *r = NULL;
  char err[ERRCAP] = "";
  ck_assert_msg(dp_cli_resume_open(path, &r, err, sizeof(err)) == DP_OK,
                "resume open: %s", err);
  ck_assert_int_eq(dp_cli_resume_records(r), 2);
  ck_assert_int_eq(dp_cli_resume_worst(r), DP_HEALTH_WARNING);
  ck_assert_msg(!dp_cli_resume_take(r, "t", "127.0.0.1", 53, "b.test."),
                "another zone is another target");
  ck_assert_msg(dp_cli_resume_take(r, "t", "127.0.0.1", 53, "a.test.") &&
                    dp_cli_resume_take(r, "t", "127.0.0.1", 53, "a.test.") &&
                    !dp_cli_resume_take(r, "t", "127.0.0.1", 53, "a.test."),
                "a target recorded twice is skipped twice, then probed");
  ck_assert_int_eq(dp_cli_resume_append(r, rec, strlen(rec)), DP_OK);
  ck_assert_int_eq(dp_cli_resume_close(r), DP_OK);

  char back[1024] = "";
  f = fopen(path, "r");
  ck_assert_msg(f != NULL, "reopen failed");
  size_t n = fread(back, 1, sizeof(back) - 1, f);
  fclose(f);
  back[n] = '\0';
  ck_assert_msg(n == 3 * strlen(rec) && strncmp(back, rec, strlen(rec)) == 0 &&
                    strstr(back, torn) == NULL,
                "the torn line is cut and the new record follows: '%s'", back);

  /* a line that is not a record before the last: refused, file kept */
  f = fopen(path, "w");
  fputs("[1,2]\n", f);
  fputs(rec, f);
  fclose(f);
  r = NULL;
  ck_assert_int_eq(dp_cli_resume_open(path, &r, err, sizeof(err)), DP_EINVAL);
  ck_assert_msg(r == NULL && strstr(err, ":1: not a dnsprobe record") != NULL,
                "error '%s'", err);
  unlink(path);
}
END_TEST

static Suite *options_suite(void)
{
  Suite *s = suite_create("options");
  TCase *tc = tcase_create("parse");

  tcase_add_loop_test(tc, test_parse_good, 0,
                      sizeof good_cases / sizeof good_cases[0]);
  tcase_add_loop_test(tc, test_parse_bad, 0,
                      sizeof bad_cases / sizeof bad_cases[0]);
  tcase_add_loop_test(tc, test_parse_bad_small_err, 0,
                      sizeof bad_cases / sizeof bad_cases[0]);
  tcase_add_test(tc, test_reentrant);
  tcase_add_loop_test(tc, test_fleet_options, 0,
                      (int)(sizeof(fleet_cases) / sizeof(fleet_cases[0])));
  tcase_add_test(tc, test_shard_hash);
  tcase_add_test(tc, test_reader);
  tcase_add_test(tc, test_resume_file);
  suite_add_tcase(s, tc);

  tc = tcase_create("target");
  tcase_add_loop_test(tc, test_target, 0,
                      sizeof target_cases / sizeof target_cases[0]);
  tcase_add_test(tc, test_target_long_input);
  tcase_add_loop_test(tc, test_quote, 0,
                      (int)(sizeof quote_cases / sizeof quote_cases[0]));
  suite_add_tcase(s, tc);

  tc = tcase_create("usage");
  tcase_add_loop_test(tc, test_usage_option, 0,
                      sizeof help_options / sizeof help_options[0]);
  tcase_add_test(tc, test_usage_layout);
  tcase_add_loop_test(tc, test_usage_exit_code, 0,
                      sizeof exit_help / sizeof exit_help[0]);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(options_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
