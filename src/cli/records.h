/*
 * records.h: reading dnsprobe's JSON-lines reports back, one record a line:
 * what --resume and `dnsprobe summarize` share. A record is a JSON object
 * whose "schema" is "dnsprobe/1" (a full record) or "dnsprobe-brief/1"
 * (--brief); both carry target, address, port, zone, status, software,
 * duration_ms and diagnosis.
 */
#ifndef DNSPROBE_CLI_RECORDS_H
#define DNSPROBE_CLI_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "dnsprobe/jsonread.h"
#include "dnsprobe/result.h"

#define DP_CLI_RECORD_MAX (16u << 20) /* bytes of one line at most */
#define DP_CLI_RECORD_TOKENS 1000000u /* values of one record at most */
#define DP_CLI_SCHEMA "dnsprobe/1"
#define DP_CLI_SCHEMA_BRIEF "dnsprobe-brief/1"
#define DP_CLI_RECORD_TARGET 4100 /* a target as given: a line at most */

struct dp_cli_records
{
  FILE *in;
  const char *path; /* as messages name it */
  size_t line;      /* the number of the last line read */
  off_t offset;     /* where the last line read starts */
  off_t next;       /* where the next line starts */
  bool terminated;  /* the last line read ended with a newline */
  char *buf;        /* the last line, without its newline */
  size_t len, cap;
};

/** Start reading in (path names it in messages). */
void dp_cli_records_init(struct dp_cli_records *r, FILE *in, const char *path);

/** Free the line buffer (not the stream). */
void dp_cli_records_free(struct dp_cli_records *r);

/**
 * Read the next non-blank line whole and parse it as a record into doc
 * (dp_jsonr_free it whatever this returns; it points into r's buffer, valid
 * until the next call). r->terminated says whether the line ended with a
 * newline: a writer killed in the middle of a line leaves it without one.
 * Returns DP_OK, DP_EOF, DP_EINVAL (not a record: err is one line "PATH:LINE:
 * why"), DP_ERANGE (longer than DP_CLI_RECORD_MAX: err says so; the rest of
 * the line was skipped), DP_ENOMEM or DP_EIO (err says why).
 */
dp_status_t dp_cli_records_next(struct dp_cli_records *r, struct dp_jsonr *doc,
                                char *err, size_t errcap);

/* The members of a record a fleet's tools read. */
struct dp_cli_record
{
  char target[DP_CLI_RECORD_TARGET];
  char address[64];
  uint16_t port;
  char zone[256];
  dp_health_t status;
  double duration_ms; /* negative when absent */
};

/**
 * The identity and status of the record at token 0 of doc. Returns DP_OK or
 * DP_EINVAL (a member missing or of the wrong type: *why names it).
 */
dp_status_t dp_cli_record_read(const struct dp_jsonr *doc,
                               struct dp_cli_record *rec, const char **why);

#endif
