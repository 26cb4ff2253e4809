/*
 * source.h: the targets of a run as the runner pulls them (a
 * dp_probe_source_fn): the command line's first, then -f FILE's lines as
 * they are read, each host name resolved to its addresses when its turn
 * comes, less the lines of other shards (--shard) and the targets an
 * earlier run already recorded (--resume).
 */
#ifndef DNSPROBE_CLI_SOURCE_H
#define DNSPROBE_CLI_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dnsprobe/engine.h"
#include "dnsprobe/probes.h"
#include "options.h"
#include "resume.h"

struct dp_cli_source
{
  const struct dp_cli_config *cfg;
  dp_cli_resume_t *resume; /* borrowed, or NULL */
  size_t next_arg;         /* command-line targets taken */
  FILE *in;                /* -f FILE, or NULL */
  bool own_in;             /* opened here (not standard input) */
  bool eof;                /* -f FILE read to its end */
  struct dp_cli_reader rd;
  struct dp_cli_target cur;     /* the target whose addresses are handed out */
  bool cur_owned;               /* cur came from the file: free it */
  struct dp_engine_addr *addrs; /* cur's addresses, or &one */
  struct dp_engine_addr one;
  size_t naddrs, nextaddr;
  /* what was read */
  size_t lines_bad;    /* bad lines reported (and skipped) */
  size_t other_shards; /* target lines left to the other shards */
  size_t resumed;      /* targets skipped: already in --resume FILE */
  size_t handed;       /* targets handed to the runner */
  char err[768];       /* why the source failed, one line */
};

/**
 * Start: opens -f FILE ("-": standard input) when cfg names one. resume may
 * be NULL. Returns DP_OK or DP_EIO (err says why).
 */
dp_status_t dp_cli_source_open(struct dp_cli_source *src,
                               const struct dp_cli_config *cfg,
                               dp_cli_resume_t *resume, char *err,
                               size_t errcap);

/**
 * The next target (a dp_probe_source_fn; arg is the source). A bad line of
 * the file is reported on stderr with its file and line and skipped, unless
 * cfg->strict; a bad command-line target ends the run.
 * Returns DP_OK, DP_EOF, or, with src->err set to one line: DP_EINVAL (a bad
 * target or, with --strict, line; a file without any target), DP_EIO,
 * DP_ENOMEM.
 */
dp_status_t dp_cli_source_next(void *arg, struct dp_probe_target *t);

/** Close what open opened and free what the source holds. */
void dp_cli_source_close(struct dp_cli_source *src);

#endif
