/*
 * options.h: dnsprobe's command line. One option table drives parsing,
 * --help and the man page's option list; targets are parsed here too, so a
 * bad address or port is refused before anything is sent.
 */
#ifndef DNSPROBE_CLI_OPTIONS_H
#define DNSPROBE_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "dnsprobe/expect.h"
#include "dnsprobe/report.h"
#include "dnsprobe/wire.h"

/* Exit codes (the monitoring-plugins convention). */
enum
{
  DP_EXIT_OK = 0,       /* every probe ok or info */
  DP_EXIT_WARNING = 1,  /* at least one warning */
  DP_EXIT_CRITICAL = 2, /* at least one critical finding */
  DP_EXIT_UNKNOWN =
      3, /* dnsprobe could not do its job: usage, input, resources */
};

#define DP_CLI_TIMEOUT_DEFAULT 2000u
#define DP_CLI_TIMEOUT_MAX 60000u
/* --dnssec-warn and --dnssec-crit, in days */
#define DP_CLI_DNSSEC_WARN_DEFAULT 7u
#define DP_CLI_DNSSEC_CRIT_DEFAULT 2u
#define DP_CLI_DNSSEC_DAYS_MAX 365u

typedef enum
{
  DP_COLOR_AUTO = 0,
  DP_COLOR_ALWAYS,
  DP_COLOR_NEVER,
} dp_color_t;

/* One TARGET as typed: an address literal (port set) or a host name. */
struct dp_cli_target
{
  char *given;  /* as typed, owned */
  bool is_name; /* a host name, to be resolved */
  char *host;   /* name or address text without brackets/port, owned */
  uint16_t port;
  struct sockaddr_storage addr; /* valid when !is_name */
  socklen_t addrlen;
  char *zone; /* canonical zone from a target file, owned,
                 or NULL for --zone */
};

struct dp_cli_config
{
  bool help, version, list_probes;
  bool show_commands;             /* --show-commands */
  bool verbose;                   /* -v: per-probe detail in the text report */
  dp_software_t fix_for;          /* --fix-for, DP_SOFTWARE_UNKNOWN: none */
  bool expect_given;              /* --expect was passed */
  char zone[DP_WIRE_NAME_STRLEN]; /* canonical, "." by default */
  bool zone_given;
  char recursion_name[DP_WIRE_NAME_STRLEN]; /* canonical, "" until defaulted */
  bool recursion_name_given;
  char *probes; /* --probes LIST as given, owned, or NULL */
  char *skip;   /* --skip LIST as given, owned, or NULL */
  unsigned timeout_ms;
  unsigned parallel;   /* --parallel, 0: the runner's default */
  unsigned rate;       /* --rate, 0: the engine's default */
  unsigned spacing_ms; /* --spacing, 0: none */
  int family;          /* AF_UNSPEC, AF_INET (-4) or AF_INET6 (-6) */
  dp_format_t format;
  char *output;                  /* --output FILE as given, owned, or NULL */
  char *file;                    /* -f FILE as given ("-": stdin), owned */
  bool resolver_given;           /* --resolver: zone mode's resolver */
  struct dp_cli_target resolver; /* an address literal, owned strings */
  dp_color_t color;
  struct dp_expect expect;   /* --expect, --require, --allow (probe ids
                                in rules are checked by main) */
  unsigned dnssec_warn_days; /* --dnssec-warn: RRSIGs expiring sooner warn */
  unsigned dnssec_crit_days; /* --dnssec-crit: sooner still, critical */
  size_t ntargets;
  struct dp_cli_target *targets; /* owned */
};

/**
 * Parse argv (argv[0] is the program name). On error writes nothing, sets
 * err to one line (no newline) and returns false; the caller prints it and
 * exits DP_EXIT_UNKNOWN. cfg is always safe to pass to dp_cli_config_free.
 */
bool dp_cli_parse(int argc, char **argv, struct dp_cli_config *cfg, char *err,
                  size_t errcap);

/** Free what a config owns. NULL is a no-op. */
void dp_cli_config_free(struct dp_cli_config *cfg);

/**
 * Parse one TARGET ("127.0.0.1", "127.0.0.1:5301", "::1", "[::1]:5301",
 * "ns1.example"): address literals are filled in, names are marked is_name.
 * Returns false with a one-line err on bad input.
 */
bool dp_cli_target_parse(const char *text, struct dp_cli_target *t, char *err,
                         size_t errcap);

/**
 * Read a target file: one TARGET per line, optionally followed by its zone,
 * '#' starting a comment; "-" is standard input. Appends the targets to cfg.
 * On error sets err to one line naming the file and line number and
 * returns false (targets read so far stay in cfg, freed with it).
 */
bool dp_cli_read_targets(const char *path, FILE *in, struct dp_cli_config *cfg,
                         char *err, size_t errcap);

/**
 * One error line on fp: "dnsprobe: " (and "SCOPE: " when scope is not
 * NULL), the formatted message and a newline. Returns DP_EXIT_UNKNOWN, the
 * exit code for "could not do its job".
 */
int dp_cli_error(FILE *fp, const char *scope, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Write --help, generated from the option table, to fp. */
void dp_cli_usage(FILE *fp);

#endif
