/*
 * buf.c: the string builder of buf.h. Invariant: once s is set it holds
 * len bytes of text and a NUL, len < cap; a failed buffer keeps what it had.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/buf.h"

#define MIN_CAP 256

void dp_buf_init_fixed(struct dp_buf *b, char *mem, size_t cap)
{
  memset(b, 0, sizeof(*b));
  b->s = mem;
  b->cap = cap;
  b->fixed = true;
  if (cap > 0)
    mem[0] = '\0';
  else
    b->failed = true;
}

void dp_buf_adopt(struct dp_buf *b, char *s)
{
  memset(b, 0, sizeof(*b));
  if (s == NULL)
    return;
  b->s = s;
  b->len = strlen(s);
  b->cap = b->len + 1;
}

/* Room for n more bytes and the NUL, or as much as a fixed buffer has. */
static size_t reserve(struct dp_buf *b, size_t n)
{
  if (b->failed)
    return 0;
  if (b->len + n < b->cap)
    return n;
  if (b->fixed)
  {
    b->failed = true;
    return b->cap - 1 - b->len;
  }
  if (n > ((size_t)-1) / 4 - b->len)
  {
    b->failed = true;
    return 0;
  }
  size_t cap = (b->len + n + 1) * 2;
  if (cap < MIN_CAP)
    cap = MIN_CAP;
  char *s = realloc(b->s, cap);
  if (s == NULL)
  {
    b->failed = true;
    return 0;
  }
  if (b->s == NULL)
    s[0] = '\0';
  b->s = s;
  b->cap = cap;
  return n;
}

bool dp_buf_add(struct dp_buf *b, const char *s, size_t n)
{
  size_t room = reserve(b, n);
  if (room > 0)
  {
    memcpy(b->s + b->len, s, room);
    b->len += room;
    b->s[b->len] = '\0';
  }
  return !b->failed;
}

bool dp_buf_adds(struct dp_buf *b, const char *s)
{
  return dp_buf_add(b, s, strlen(s));
}

/* Formats straight into the free room; only what does not fit is formatted
 * a second time, after growing. */
bool dp_buf_vaddf(struct dp_buf *b, const char *fmt, va_list ap)
{
  va_list again;
  if (b->failed)
    return false;
  size_t room = b->cap - b->len;
  va_copy(again, ap);
  int n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap);
  if (n < 0)
  {
    va_end(again);
    b->failed = true;
    return false;
  }
  if ((size_t)n < room)
  {
    va_end(again);
    b->len += (size_t)n;
    return true;
  }
  size_t got = reserve(b, (size_t)n);
  if (got == (size_t)n)
  {
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, again);
    b->len += (size_t)n;
  }
  else if (b->fixed && b->cap > 0)
    b->len = b->cap - 1; /* vsnprintf above wrote what fits, and the NUL */
  va_end(again);
  return !b->failed;
}

bool dp_buf_addf(struct dp_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  bool ok = dp_buf_vaddf(b, fmt, ap);
  va_end(ap);
  return ok;
}

bool dp_buf_failed(const struct dp_buf *b)
{
  return b->failed;
}

char *dp_buf_take(struct dp_buf *b)
{
  char *s = NULL;
  if (b->fixed)
    return NULL;
  if (b->failed)
    free(b->s);
  else
    s = b->s;
  memset(b, 0, sizeof(*b));
  return s;
}

void dp_buf_free(struct dp_buf *b)
{
  if (!b->fixed)
  {
    free(b->s);
    memset(b, 0, sizeof(*b));
  }
  else if (b->cap > 0)
  {
    b->s[0] = '\0';
    b->len = 0;
    b->failed = false;
  }
}
