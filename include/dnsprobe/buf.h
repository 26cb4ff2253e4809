/*
 * buf.h: dnsprobe's one growable string builder. Text is appended with
 * dp_buf_add/_adds/_addf and taken with dp_buf_take; the text is always
 * NUL-terminated. A buffer either grows on the heap (zero-initialised:
 * `struct dp_buf b = {0};`) or writes into an array the caller owns
 * (dp_buf_init_fixed), where text that does not fit is cut at the end.
 * After a failure (out of memory, or cut) every later append is ignored and
 * dp_buf_failed says so, so a caller checks once, at the end.
 */
#ifndef DNSPROBE_BUF_H
#define DNSPROBE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct dp_buf
{
  char *s;     /* the text, NUL-terminated; NULL before the first append on
                  the heap */
  size_t len;  /* bytes of text, without the NUL */
  size_t cap;  /* bytes at s */
  bool fixed;  /* s is the caller's array: never grown, never freed */
  bool failed; /* out of memory, or (fixed) text was cut */
};

/** Write into the caller's array mem of cap bytes (cap >= 1), as "". */
void dp_buf_init_fixed(struct dp_buf *b, char *mem, size_t cap);

/**
 * Continue a heap string: s (from malloc, or NULL) becomes the text of the
 * empty heap buffer b, which now owns it.
 */
void dp_buf_adopt(struct dp_buf *b, char *s);

/** Append n bytes of s. Returns false once the buffer has failed. */
bool dp_buf_add(struct dp_buf *b, const char *s, size_t n);

/** Append the string s. Returns false once the buffer has failed. */
bool dp_buf_adds(struct dp_buf *b, const char *s);

/** Append printf-formatted text. Returns false once the buffer has failed. */
bool dp_buf_addf(struct dp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** dp_buf_addf with a va_list. */
bool dp_buf_vaddf(struct dp_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/** Whether an append failed (out of memory, or cut in a fixed buffer). */
bool dp_buf_failed(const struct dp_buf *b);

/**
 * The heap text, handed to the caller (free it), and the buffer emptied:
 * NULL when nothing was added or an allocation failed (then the text is
 * freed). For a fixed buffer, NULL (the text stays in the caller's array).
 */
char *dp_buf_take(struct dp_buf *b);

/** Free a heap buffer's text and empty it; a fixed one only empties. */
void dp_buf_free(struct dp_buf *b);

#endif
