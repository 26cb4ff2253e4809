/*
 * json.c: the streaming JSON writer of json.h (RFC 8259).
 *
 * Invariants: w->depth counts open containers; w->first[d] says whether the
 * container at depth d (0: the top level) has no member yet; w->after_key is
 * set between a member name and its value. Any misuse (a second top-level
 * value, a key outside an object position, two keys in a row, too deep a
 * nesting, an end with nothing open) or any failed write sets w->failed,
 * which is sticky: every later call does nothing and dp_json_finish returns
 * DP_EIO. The writer keeps no stack of container kinds (json.h has no room
 * for one), so it trusts the caller to use keys only inside objects and to
 * close with the matching end call.
 *
 * Strings (RFC 8259 section 7): '"' and '\\' are escaped with a backslash,
 * every control character U+0000..U+001F as \u00XX (lower-case hex), and
 * bytes >= 0x80 are copied only when they form well-formed UTF-8 (RFC 3629
 * section 4: no overlong forms, no surrogates, nothing above U+10FFFF).
 * Each byte of an ill-formed sequence is written as \u00XX of that byte, as
 * if it were Latin-1: the output is always valid JSON and the original bytes
 * can still be recognised.
 *
 * Numbers (RFC 8259 section 6): doubles are rounded to 3 decimals with
 * trailing zeros dropped but one decimal kept ("0.0", "3.25"), without
 * printf's locale-dependent decimal point; NaN and infinities write null.
 * At most DP_JSON_DEPTH_MAX - 1 containers can be open at once; finishing
 * without any value written is an error too (an empty JSON text).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dnsprobe/json.h"
#include "util.h"

/* Write out what is gathered; a short write fails the writer. */
static void drain(dp_json_t *w)
{
  if (w->len > 0 && fwrite_unlocked(w->buf, 1, w->len, w->fp) != w->len)
    w->failed = true;
  w->len = 0;
}

/* Every token goes through here: gathered in w->buf and written out in
 * DP_JSON_BUF pieces (a fleet's JSON runs to tens of MB, most of it tokens
 * of a few bytes). The report is written by one thread, hence unlocked. */
static void put(dp_json_t *w, const char *s, size_t len)
{
  if (w->failed)
    return;
  if (len > sizeof(w->buf) - w->len)
  {
    drain(w);
    if (len >= sizeof(w->buf))
    {
      if (fwrite_unlocked(s, 1, len, w->fp) != len)
        w->failed = true;
      return;
    }
  }
  memcpy(w->buf + w->len, s, len);
  w->len += len;
}

static void puts_(dp_json_t *w, const char *s)
{
  put(w, s, strlen(s));
}

/* A line break and two spaces per level, in one write. */
static void newline_indent(dp_json_t *w, int depth)
{
  char line[1 + 2 * DP_JSON_DEPTH_MAX];
  size_t n = depth > 0 ? 2 * (size_t)depth : 0;
  if (n > sizeof(line) - 1)
    n = sizeof(line) - 1;
  line[0] = '\n';
  memset(line + 1, ' ', n);
  put(w, line, n + 1);
}

/*
 * Everything a value or a member name needs before it: the comma after a
 * previous member and, in pretty mode, the line break and indent.
 */
static void separate(dp_json_t *w)
{
  if (!w->first[w->depth])
    put(w, ",", 1);
  w->first[w->depth] = false;
  if (w->pretty && w->depth > 0)
    newline_indent(w, w->depth);
}

static bool value_begin(dp_json_t *w)
{
  if (w->failed)
    return false;
  if (w->after_key)
  {
    w->after_key = false;
    return true;
  }
  if (w->depth == 0 && !w->first[0])
  {
    /* RFC 8259 section 2: a JSON text is exactly one value. */
    w->failed = true;
    return false;
  }
  separate(w);
  return !w->failed;
}

/* Printable ASCII other than '"' and '\\': copied as it is. */
static bool plain_ascii(unsigned char c)
{
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void put_escaped(dp_json_t *w, const char *str)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *)str;

  put(w, "\"", 1);
  while (*s != '\0' && !w->failed)
  {
    const unsigned char *run = s;
    /* Copy the longest run that needs no escaping in one write. */
    for (;;)
    {
      size_t n;
      while (plain_ascii(*s))
        s++;
      if (*s < 0x80 || (n = dp_report_utf8_len((const char *)s)) == 0)
        break;
      s += n;
    }
    put(w, (const char *)run, (size_t)(s - run));
    if (*s == '\0')
      break;
    if (*s == '"' || *s == '\\')
    {
      char esc[2] = {'\\', (char)*s};
      put(w, esc, 2);
    }
    else
    {
      char esc[6] = {'\\', 'u', '0', '0', hex[*s >> 4], hex[*s & 0xF]};
      put(w, esc, 6);
    }
    s++;
  }
  put(w, "\"", 1);
}

void dp_json_init(dp_json_t *w, FILE *fp, bool pretty)
{
  /* buf is written before it is read: no need to clear its 16 KiB. */
  w->len = 0;
  w->depth = 0;
  w->after_key = false;
  memset(w->first, 0, sizeof(w->first));
  w->fp = fp;
  w->pretty = pretty;
  w->first[0] = true;
  w->failed = (fp == NULL);
}

static void container_begin(dp_json_t *w, const char *open)
{
  if (!value_begin(w))
    return;
  if (w->depth + 1 >= DP_JSON_DEPTH_MAX)
  {
    w->failed = true;
    return;
  }
  puts_(w, open);
  w->depth++;
  w->first[w->depth] = true;
}

static void container_end(dp_json_t *w, const char *close)
{
  if (w->failed)
    return;
  if (w->depth == 0 || w->after_key)
  {
    w->failed = true;
    return;
  }
  bool empty = w->first[w->depth];
  w->depth--;
  if (w->pretty && !empty)
    newline_indent(w, w->depth);
  puts_(w, close);
}

void dp_json_object_begin(dp_json_t *w)
{
  container_begin(w, "{");
}

void dp_json_object_end(dp_json_t *w)
{
  container_end(w, "}");
}

void dp_json_array_begin(dp_json_t *w)
{
  container_begin(w, "[");
}

void dp_json_array_end(dp_json_t *w)
{
  container_end(w, "]");
}

void dp_json_key(dp_json_t *w, const char *key)
{
  if (w->failed)
    return;
  if (w->depth == 0 || w->after_key || key == NULL)
  {
    w->failed = true;
    return;
  }
  separate(w);
  put_escaped(w, key);
  puts_(w, w->pretty ? ": " : ":");
  w->after_key = true;
}

void dp_json_string(dp_json_t *w, const char *s)
{
  if (s == NULL)
  {
    dp_json_null(w);
    return;
  }
  if (value_begin(w))
    put_escaped(w, s);
}

/* The decimal digits of v, right-aligned in buf[0..n), which holds 20. */
static size_t udigits(char *buf, size_t n, uint64_t v)
{
  size_t i = n;
  do
  {
    buf[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  return i;
}

void dp_json_int(dp_json_t *w, int64_t v)
{
  char buf[21];
  if (!value_begin(w))
    return;
  /* The magnitude as unsigned: -INT64_MIN does not fit an int64_t. */
  uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  size_t i = udigits(buf, sizeof(buf), a);
  if (v < 0)
    buf[--i] = '-';
  put(w, buf + i, sizeof(buf) - i);
}

void dp_json_uint(dp_json_t *w, uint64_t v)
{
  char buf[20];
  if (!value_begin(w))
    return;
  size_t i = udigits(buf, sizeof(buf), v);
  put(w, buf + i, sizeof(buf) - i);
}

void dp_json_double(dp_json_t *w, double v)
{
  char buf[48];
  int n;

  if (!isfinite(v))
  {
    dp_json_null(w);
    return;
  }
  if (!value_begin(w))
    return;
  if (fabs(v) < 1e15)
  {
    /* Integer arithmetic on thousandths: exact and locale-independent. */
    long long milli = llround(v * 1000.0);
    unsigned long long a = milli < 0 ? 0ULL - (unsigned long long)milli
                                     : (unsigned long long)milli;
    unsigned frac = (unsigned)(a % 1000);
    int digits = 3;
    while (digits > 1 && frac % 10 == 0)
    {
      frac /= 10;
      digits--;
    }
    n = snprintf(buf, sizeof(buf), "%s%llu.%0*u", milli < 0 ? "-" : "",
                 a / 1000, digits, frac);
  }
  else
  {
    /* Beyond 1e15 a double has no meaningful thousandths left. */
    n = snprintf(buf, sizeof(buf), "%.17g", v);
    for (int i = 0; i < n; i++)
      if (strchr("0123456789eE+-", buf[i]) == NULL)
        buf[i] = '.'; /* a locale's decimal comma */
  }
  put(w, buf, (size_t)n);
}

void dp_json_bool(dp_json_t *w, bool v)
{
  if (value_begin(w))
    puts_(w, v ? "true" : "false");
}

void dp_json_null(dp_json_t *w)
{
  if (value_begin(w))
    puts_(w, "null");
}

dp_status_t dp_json_finish(dp_json_t *w)
{
  if (w->failed || w->depth != 0 || w->after_key || w->first[0])
  {
    w->failed = true;
    return DP_EIO;
  }
  put(w, "\n", 1);
  drain(w);
  if (w->failed || fflush(w->fp) != 0 || ferror(w->fp))
  {
    w->failed = true;
    return DP_EIO;
  }
  return DP_OK;
}
