/*
 * jsonread.h: a small, bounded JSON reader (RFC 8259) for one JSON text in
 * memory, such as one line of dnsprobe's JSON-lines output. It checks the
 * whole grammar (strict: no comments, no trailing commas, no bytes after
 * the value, well-formed UTF-8, escapes as the RFC spells them) and keeps
 * the values as tokens into the text, so nothing is copied until a string
 * is asked for. Nesting depth and the number of tokens are bounded.
 */
#ifndef DNSPROBE_JSONREAD_H
#define DNSPROBE_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsprobe/status.h"

#define DP_JSONR_DEPTH_MAX 64

typedef enum
{
  DP_JSONR_NULL = 0,
  DP_JSONR_FALSE,
  DP_JSONR_TRUE,
  DP_JSONR_NUMBER,
  DP_JSONR_STRING,
  DP_JSONR_ARRAY,
  DP_JSONR_OBJECT,
} dp_jsonr_type_t;

/* One value. An object's children are its members' names and values in
 * turn (a name is a STRING token), an array's its elements; they follow
 * their parent, and `after` skips the whole subtree. */
struct dp_jsonr_tok
{
  dp_jsonr_type_t type;
  size_t start, end; /* bytes of the value in the text; a string's without
                        its quotes, still escaped */
  size_t count;      /* members (object) or elements (array) */
  size_t after;      /* index of the token after this value's subtree */
};

struct dp_jsonr
{
  const char *text; /* borrowed: must outlive the reader's use */
  size_t len;
  struct dp_jsonr_tok *toks; /* owned; toks[0] is the whole text's value */
  size_t ntoks, cap;
  const char *error; /* static: what was wrong, when parse failed */
  size_t error_at;   /* byte offset where it was found */
};

/** No value: what dp_jsonr_member and dp_jsonr_element return for none. */
#define DP_JSONR_NONE ((size_t)-1)

/**
 * Read the JSON text of len bytes at text (no NUL needed) into doc, with at
 * most max_toks values (0: no bound but memory). doc is zeroed first and
 * must be freed with dp_jsonr_free whatever this returns.
 * Returns DP_OK, DP_EINVAL (not JSON: doc->error and doc->error_at say why
 * and where), DP_ERANGE (deeper than DP_JSONR_DEPTH_MAX or more than
 * max_toks values) or DP_ENOMEM.
 */
dp_status_t dp_jsonr_parse(struct dp_jsonr *doc, const char *text, size_t len,
                           size_t max_toks);

/** Free what dp_jsonr_parse made. NULL is a no-op. */
void dp_jsonr_free(struct dp_jsonr *doc);

/** The type of token i, or DP_JSONR_NULL when i is out of range. */
dp_jsonr_type_t dp_jsonr_type(const struct dp_jsonr *doc, size_t i);

/**
 * The value of member key of object obj (the first, should the name
 * repeat), compared after unescaping; DP_JSONR_NONE when obj is not an
 * object or has no such member.
 */
size_t dp_jsonr_member(const struct dp_jsonr *doc, size_t obj, const char *key);

/** Element k of array arr, or DP_JSONR_NONE. */
size_t dp_jsonr_element(const struct dp_jsonr *doc, size_t arr, size_t k);

/**
 * The string of token i, unescaped (UTF-8), into out (cap bytes, cap >= 1),
 * always NUL-terminated. Returns DP_OK, DP_EINVAL (not a string, or it
 * holds a NUL, \u0000, which a C string cannot) or DP_ESPACE (cut to fit).
 */
dp_status_t dp_jsonr_string(const struct dp_jsonr *doc, size_t i, char *out,
                            size_t cap);

/**
 * Whether token i is a string equal to s (after unescaping).
 */
bool dp_jsonr_string_is(const struct dp_jsonr *doc, size_t i, const char *s);

/**
 * The number of token i as a double. Returns DP_OK or DP_EINVAL (not a
 * number).
 */
dp_status_t dp_jsonr_number(const struct dp_jsonr *doc, size_t i, double *out);

#endif
