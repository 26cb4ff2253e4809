/*
 * util.c: the helpers the report formats share (endpoints, verdict names,
 * locale-independent decimals, UTF-8 checks, word wrapping and ANSI
 * colours). A leaf: it includes nothing of the formats.
 *
 * Wrapping rule, for explanations and fixes that carry config snippets: the
 * text up to its first newline is prose and is word-wrapped (runs of spaces
 * and tabs between words collapse to one space; a word longer than a line is
 * written whole, never split). Every line after a newline is a snippet line:
 * written verbatim after the continuation indent, never re-wrapped, so a
 * config line can be pasted as is; an empty line stays an empty line.
 * Trailing newlines are ignored and exactly one newline ends the output.
 * No line gets trailing spaces. Control characters (other than a tab inside
 * a snippet line) are written as '?' so that text that quotes a server
 * cannot move the cursor or change the terminal's colours.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "dp_config.h"
#include "util.h"

#define DEFAULT_WIDTH 80u

bool dp_report_probe_skipped(const struct dp_probe_result *p)
{
  return p->verdict == DP_VERDICT_SKIPPED ||
         (p->verdict == DP_VERDICT_NONE && p->outcome == DP_OUTCOME_SKIPPED);
}

size_t dp_report_nprobes(const struct dp_target_result *t)
{
  return t->nprobes < DP_PROBE_COUNT ? t->nprobes : DP_PROBE_COUNT;
}

void dp_report_fixed(char *dst, size_t cap, const char *src, size_t srccap)
{
  size_t n = src != NULL ? strnlen(src, srccap) : 0;
  if (n >= cap)
    n = cap - 1;
  if (n > 0)
    memcpy(dst, src, n);
  dst[n] = '\0';
}

void dp_report_endpoint(char *buf, size_t cap, const struct dp_target_result *t)
{
  char addr[sizeof(t->address)];
  dp_report_fixed(addr, sizeof(addr), t->address, sizeof(t->address));
  bool v6 = t->family == AF_INET6 || strchr(addr, ':') != NULL;
  snprintf(buf, cap, v6 ? "[%s]:%u" : "%s:%u", addr, (unsigned)t->port);
}

size_t dp_report_utf8_len(const char *str)
{
  const unsigned char *s = (const unsigned char *)str;
  unsigned char lo = 0x80, hi = 0xBF;
  size_t n;

  if (s[0] >= 0xC2 && s[0] <= 0xDF)
    n = 2;
  else if (s[0] >= 0xE0 && s[0] <= 0xEF)
  {
    n = 3;
    if (s[0] == 0xE0)
      lo = 0xA0; /* overlong */
    else if (s[0] == 0xED)
      hi = 0x9F; /* UTF-16 surrogates */
  }
  else if (s[0] >= 0xF0 && s[0] <= 0xF4)
  {
    n = 4;
    if (s[0] == 0xF0)
      lo = 0x90; /* overlong */
    else if (s[0] == 0xF4)
      hi = 0x8F; /* above U+10FFFF */
  }
  else
    return 0;
  if (s[1] < lo || s[1] > hi)
    return 0;
  /* A NUL is not a continuation byte, so this never reads past it. */
  for (size_t i = 2; i < n; i++)
    if (s[i] < 0x80 || s[i] > 0xBF)
      return 0;
  return n;
}

const char *dp_report_decimal(char *buf, size_t cap, double v,
                              unsigned decimals)
{
  static const uint64_t pow10[] = {1,         10,        100,     1000,
                                   10000,     100000,    1000000, 10000000,
                                   100000000, 1000000000};

  if (isnan(v))
    snprintf(buf, cap, "NaN");
  else if (isinf(v))
    snprintf(buf, cap, v > 0 ? "+Inf" : "-Inf");
  else
  {
    if (decimals > 9)
      decimals = 9;
    uint64_t scale = pow10[decimals];
    double scaled = fabs(v) * (double)scale;
    if (scaled >= 9e18)
    {
      /* No fraction digit is meaningful here; %.0f has no decimal point
       * for a locale to change and never uses an exponent. */
      snprintf(buf, cap, "%.0f", v);
      return buf;
    }
    /* Integer arithmetic on the scaled value: exact, locale-independent. */
    uint64_t a = (uint64_t)llround(scaled);
    uint64_t frac = a % scale;
    unsigned digits = decimals;
    while (digits > 0 && frac % 10 == 0)
    {
      frac /= 10;
      digits--;
    }
    const char *sign = v < 0 && a != 0 ? "-" : "";
    if (digits == 0)
      snprintf(buf, cap, "%s%llu", sign, (unsigned long long)(a / scale));
    else
      snprintf(buf, cap, "%s%llu.%0*llu", sign, (unsigned long long)(a / scale),
               (int)digits, (unsigned long long)frac);
  }
  return buf;
}

const char *dp_report_version(const struct dp_report_options *opt)
{
  return opt != NULL && opt->version != NULL ? opt->version : DP_VERSION;
}

const char *dp_report_verdict_name(const struct dp_probe_result *p)
{
  if (p->verdict == DP_VERDICT_NONE && p->outcome == DP_OUTCOME_SKIPPED)
    return dp_verdict_tostr(DP_VERDICT_SKIPPED);
  return dp_verdict_tostr(p->verdict);
}

const char *dp_report_color_severity(dp_severity_t s, bool color)
{
  if (!color)
    return "";
  switch (s)
  {
  case DP_SEVERITY_OK:
    return "\033[32m";
  case DP_SEVERITY_INFO:
    return "\033[36m";
  case DP_SEVERITY_WARNING:
    return "\033[33m";
  case DP_SEVERITY_CRITICAL:
    return "\033[1;31m";
  }
  return "";
}

const char *dp_report_color_reset(bool color)
{
  return color ? "\033[0m" : "";
}

static void put_spaces(FILE *fp, unsigned n)
{
  while (n-- > 0)
    fputc(' ', fp);
}

/* Write len bytes, control characters as '?' (a tab too unless keep_tab). */
static void put_clean(FILE *fp, const char *s, size_t len, bool keep_tab)
{
  for (size_t i = 0; i < len; i++)
  {
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && !(keep_tab && c == '\t')) || c == 0x7F)
      c = '?';
    fputc(c, fp);
  }
}

/* Columns of a UTF-8 run: continuation bytes take none. */
static unsigned columns(const char *s, size_t len)
{
  unsigned n = 0;
  for (size_t i = 0; i < len; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80)
      n++;
  return n;
}

static bool is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

/*
 * The wrapper behind both entry points: the output line already holds col
 * columns, of which pending are spaces not yet written (written only before
 * a word, so an empty text leaves no trailing spaces).
 */
/* Words of [p, end) from column col, wrapped at width onto lines that start
 * at indent; pending spaces are owed before the first word. Returns the
 * column after the last word. */
static unsigned wrap_words(FILE *fp, const char *p, const char *end,
                           unsigned col, unsigned pending, unsigned indent,
                           unsigned width)
{
  bool words = false; /* a word is on the current output line */
  while (p < end)
  {
    while (p < end && is_blank(*p))
      p++;
    if (p == end)
      break;
    const char *q = p;
    while (q < end && !is_blank(*q))
      q++;
    unsigned wcols = columns(p, (size_t)(q - p));
    if (words && col + 1 + wcols > width)
    {
      fputc('\n', fp);
      col = indent;
      pending = indent;
      words = false;
    }
    if (words)
    {
      fputc(' ', fp);
      col++;
    }
    put_spaces(fp, pending);
    pending = 0;
    put_clean(fp, p, (size_t)(q - p), false);
    col += wcols;
    words = true;
    p = q;
  }
  return col;
}

/* A snippet line that is a sentence, not configuration: it starts with a
 * capital letter and ends with a full stop ("dnsmasq has no setting for
 * this. Upgrade it."), so it may be wrapped like prose. */
static bool is_sentence(const char *line, const char *end)
{
  return end > line && *line >= 'A' && *line <= 'Z' && end[-1] == '.';
}

static dp_status_t wrap(FILE *fp, const char *text, unsigned col,
                        unsigned pending, unsigned indent, unsigned width)
{
  if (fp == NULL)
    return DP_EINVAL;
  if (text == NULL)
    text = "";
  if (width == 0)
    width = DEFAULT_WIDTH;

  size_t len = strlen(text);
  while (len > 0 && text[len - 1] == '\n')
    len--;
  const char *end = text + len;
  const char *nl = memchr(text, '\n', len);
  const char *prose_end = nl != NULL ? nl : end;

  (void)wrap_words(fp, text, prose_end, col, pending, indent, width);

  /* Snippet lines: verbatim, each after the continuation indent, but for
   * sentences too long for the line, which are wrapped. */
  const char *p = nl;
  while (p != NULL && p < end)
  {
    const char *line = p + 1;
    const char *next = memchr(line, '\n', (size_t)(end - line));
    const char *line_end = next != NULL ? next : end;
    fputc('\n', fp);
    if (line_end > line)
    {
      if (is_sentence(line, line_end) &&
          indent + columns(line, (size_t)(line_end - line)) > width)
        (void)wrap_words(fp, line, line_end, indent, indent, indent, width);
      else
      {
        put_spaces(fp, indent);
        put_clean(fp, line, (size_t)(line_end - line), true);
      }
    }
    p = next;
  }
  fputc('\n', fp);
  return ferror(fp) ? DP_EIO : DP_OK;
}

dp_status_t dp_report_wrap(FILE *fp, const char *text, unsigned first_indent,
                           unsigned indent, unsigned width)
{
  return wrap(fp, text, first_indent, first_indent, indent, width);
}

dp_status_t dp_report_wrap_at(FILE *fp, const char *text, unsigned col,
                              unsigned indent, unsigned width)
{
  return wrap(fp, text, col, 0, indent, width);
}

size_t dp_report_put_utf8(FILE *fp, const char *s)
{
  size_t n = dp_report_utf8_len(s);
  if (n == 0)
  {
    fputc('?', fp);
    return 1;
  }
  fwrite(s, 1, n, fp);
  return n;
}

const char *dp_report_rfc3339(char *buf, size_t cap, int64_t t)
{
  struct tm tm;
  time_t tt = (time_t)t;

  if (cap > 0)
    buf[0] = '\0';
  if (cap < 21 || (int64_t)tt != t || gmtime_r(&tt, &tm) == NULL ||
      tm.tm_year < -1900 || tm.tm_year > 9999 - 1900 ||
      strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
  {
    if (cap > 0)
      buf[0] = '\0';
  }
  return buf;
}

void dp_report_member_string(dp_json_t *w, const char *key, const char *s)
{
  dp_json_key(w, key);
  dp_json_string(w, s);
}

void dp_report_member_bool(dp_json_t *w, const char *key, bool v)
{
  dp_json_key(w, key);
  dp_json_bool(w, v);
}

void dp_report_member_ms(dp_json_t *w, const char *key, double ms)
{
  dp_json_key(w, key);
  if (ms < 0)
    dp_json_null(w);
  else
    dp_json_double(w, ms);
}

void dp_report_member_fixed(dp_json_t *w, const char *key, const char *buf,
                            size_t cap)
{
  char tmp[DP_WIRE_NAME_STRLEN];
  dp_report_fixed(tmp, sizeof(tmp), buf, cap);
  dp_json_key(w, key);
  dp_json_string(w, tmp);
}
