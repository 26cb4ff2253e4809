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

typedef struct dp_json
{
  FILE *fp;
  bool pretty;
  int depth;
  bool first[DP_JSON_DEPTH_MAX];  /* no member written yet at this depth */
  bool after_key;
  bool failed;                    /* a write or nesting error happened */
} dp_json_t;

/** Start writing to fp; pretty indents with two spaces. */
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
 * Finish (writes a newline at depth 0). Returns DP_OK, or DP_EIO when a write
 * failed or the nesting was unbalanced.
 */
dp_status_t dp_json_finish(dp_json_t *w);

#endif
