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
#define DP_CLI_SHARDS_MAX 1000000u /* --shard K/N: N at most */
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
  bool strict;                   /* --strict: a bad line of -f ends the run */
  bool shard_given;              /* --shard K/N */
  uint32_t shard_k;              /* 0-based: 0 .. shard_n - 1 */
  uint32_t shard_n;              /* 1 when not sharded */
  char *resume;                  /* --resume FILE as given, owned, or NULL */
  bool brief;                    /* --brief: compact JSON lines */
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

#define DP_CLI_LINE_MAX 4096 /* bytes of a target file's line */

/* A target file being read, one line at a time (targets.c). */
struct dp_cli_reader
{
  FILE *in;
  const char *path; /* as messages name it */
  size_t line;      /* lines read so far: the number of the last one */
  size_t targets;   /* good target lines so far */
  char norm[DP_CLI_LINE_MAX + 2]; /* the last target line, normalised: its
                                     fields joined by one space */
};

/** Start reading in (path names it in messages). */
void dp_cli_reader_init(struct dp_cli_reader *rd, FILE *in, const char *path);

/**
 * The next target of a target file: one TARGET per line, optionally followed
 * by its zone, '#' starting a comment, blank lines skipped. *t owns its
 * strings (free with dp_cli_target_free); rd->norm holds the line's
 * normalised text and rd->line its number.
 * Returns DP_OK, DP_EOF, DP_EINVAL (a bad line: err is one line
 * "PATH:LINE: why"; the next call reads on after it) or DP_EIO (err says
 * why).
 */
dp_status_t dp_cli_reader_next(struct dp_cli_reader *rd,
                               struct dp_cli_target *t, char *err,
                               size_t errcap);

/** Free what a target owns and zero it. NULL is a no-op. */
void dp_cli_target_free(struct dp_cli_target *t);

/**
 * FNV-1a 64 of a NUL-terminated text: a target line's shard is this hash of
 * its normalised text modulo the number of shards.
 */
uint64_t dp_cli_shard_hash(const char *text);

/**
 * One error line on fp: "dnsprobe: " (and "SCOPE: " when scope is not
 * NULL), the formatted message and a newline. Returns DP_EXIT_UNKNOWN, the
 * exit code for "could not do its job".
 */
int dp_cli_error(FILE *fp, const char *scope, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Write --help, generated from the option table, to fp. */
void dp_cli_usage(FILE *fp);

/**
 * Write text to fp from column col, word-wrapped at the help's width (80)
 * and continued at column indent, then a newline: the layout of every
 * --help (the main command's and serve's).
 */
void dp_cli_help_wrap(FILE *fp, const char *text, size_t col, size_t indent);

/* One row of the option table, as --help, the docs and the shell
 * completion see it (strings are static). */
struct dp_cli_option_doc
{
  const char *long_name; /* without "--"; NULL when there is none */
  char short_name;       /* 0 when there is none */
  const char *arg;       /* the value's name ("FILE", "LIST"); NULL: a flag */
  const char *help;      /* one sentence: --help, the README's table */
  const char *doc_arg;   /* the value's syntax in the man page, or NULL */
  const char *doc;       /* the man page's paragraph, in docs.c's markup */
};

/** How many options the table has. */
size_t dp_cli_option_count(void);
/** Row i (< dp_cli_option_count()) of the option table. */
struct dp_cli_option_doc dp_cli_option_at(size_t i);

/**
 * `dnsprobe completion bash|zsh`: write the shell completion script, made
 * from the option table and the probe, format, profile, software, RCODE and
 * cause tables, to out. argv[0] is "completion". Returns the exit code:
 * DP_EXIT_OK, or DP_EXIT_UNKNOWN with one line on err.
 */
int dp_cli_completion(int argc, char **argv, FILE *out, FILE *err);

/**
 * The option table as documentation (docs.c): "man IN OUT" and "readme IN
 * OUT" write IN with the section between its OPTIONS marker lines written
 * from the table, as OUT; "check MAN README" fails (DP_EXIT_UNKNOWN, one
 * line on err each) when either file's section differs from it; "update
 * MAN README" rewrites both. argv[0] is the program. Returns the exit code.
 */
int dp_cli_docs(int argc, char **argv, FILE *err);

#endif
