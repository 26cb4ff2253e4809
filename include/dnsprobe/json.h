/*
 * json.h: a small streaming JSON writer (RFC 8259). It tracks nesting and
 * commas itself, escapes every string, and writes non-finite numbers as null.
 */
#ifndef DNSPROBE_JSON_H
#define DNSPROBE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dnsprobe/status.h"

#define DP_JSON_DEPTH_MAX 32
#define DP_JSON_BUF 16384 /* bytes gathered before one write to fp */

typedef struct dp_json
{
  FILE *fp;
  bool pretty;
  int depth;
  bool first[DP_JSON_DEPTH_MAX]; /* no member written yet at this depth */
  bool after_key;
  bool failed; /* a write or nesting error happened */
  size_t len;  /* bytes of buf not yet written to fp */
  char buf[DP_JSON_BUF];
} dp_json_t;

/**
 * Start writing to fp; pretty indents with two spaces. The writer gathers
 * its output in buf and writes it to fp when buf is full and in
 * dp_json_finish, so nothing else may write to fp in between.
 */
void dp_json_init(dp_json_t *w, FILE *fp, bool pretty);
void dp_json_object_begin(dp_json_t *w);
void dp_json_object_end(dp_json_t *w);
void dp_json_array_begin(dp_json_t *w);
void dp_json_array_end(dp_json_t *w);
/** Write a member name; the next value call writes its value. */
void dp_json_key(dp_json_t *w, const char *key);
/** A string value; NULL writes null. */
void dp_json_string(dp_json_t *w, const char *s);
void dp_json_int(dp_json_t *w, int64_t v);
void dp_json_uint(dp_json_t *w, uint64_t v);
/** A number with up to 3 decimals; NaN and infinities write null. */
void dp_json_double(dp_json_t *w, double v);
void dp_json_bool(dp_json_t *w, bool v);
void dp_json_null(dp_json_t *w);
/**
 * Finish (writes a newline at depth 0), write out what is gathered and flush
 * fp. Returns DP_OK, or DP_EIO when a write failed or the nesting was
 * unbalanced (then what is gathered is not written).
 */
dp_status_t dp_json_finish(dp_json_t *w);

#endif
