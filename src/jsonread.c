/*
 * jsonread.c: a strict, bounded JSON reader (RFC 8259) that turns one text
 * into a flat array of tokens, in the manner of jsmn, checking the whole
 * grammar as it goes.
 *
 * Invariants: every read of the text is checked against its length; the
 * recursion is at most DP_JSONR_DEPTH_MAX deep; the token array grows by
 * doubling up to the caller's bound; tokens are addressed by index, never
 * by pointer, while it may still move. Strings are validated once, here
 * (escapes, surrogate pairs, UTF-8), so unescaping them later cannot fail
 * on the text.
 */
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/jsonread.h"

struct parser
{
  struct dp_jsonr *doc;
  const char *s;
  size_t len, pos;
  size_t max;
  dp_status_t st;
};

static bool fail(struct parser *p, dp_status_t st, const char *what)
{
  if (p->st == DP_OK)
  {
    p->st = st;
    p->doc->error = what;
    p->doc->error_at = p->pos;
  }
  return false;
}

static void skip_ws(struct parser *p)
{
  while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                             p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
    p->pos++;
}

/* A new token at the current position; DP_JSONR_NONE when the bound or
 * memory says no. */
static size_t tok_new(struct parser *p, dp_jsonr_type_t type)
{
  struct dp_jsonr *d = p->doc;
  if (p->max > 0 && d->ntoks >= p->max)
  {
    fail(p, DP_ERANGE, "too many values");
    return DP_JSONR_NONE;
  }
  if (d->ntoks == d->cap)
  {
    size_t cap = d->cap ? d->cap * 2 : 64;
    if (p->max > 0 && cap > p->max)
      cap = p->max;
    struct dp_jsonr_tok *grown = realloc(d->toks, cap * sizeof(*grown));
    if (grown == NULL)
    {
      fail(p, DP_ENOMEM, "out of memory");
      return DP_JSONR_NONE;
    }
    d->toks = grown;
    d->cap = cap;
  }
  size_t i = d->ntoks++;
  memset(&d->toks[i], 0, sizeof(d->toks[i]));
  d->toks[i].type = type;
  d->toks[i].start = p->pos;
  return i;
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Four hex digits at s[at..at+3] (bounds checked by the caller). */
static long hex4(const char *s, size_t at)
{
  long v = 0;
  for (size_t k = 0; k < 4; k++)
  {
    int h = hexval(s[at + k]);
    if (h < 0)
      return -1;
    v = v * 16 + h;
  }
  return v;
}

/* Length of the well-formed UTF-8 sequence at s[0..n) whose first byte is
 * >= 0x80 (RFC 3629 section 4), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
  unsigned char c = s[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF)
    need = 2;
  else if (c >= 0xE0 && c <= 0xEF)
  {
    need = 3;
    if (c == 0xE0)
      lo = 0xA0; /* no overlong forms */
    else if (c == 0xED)
      hi = 0x9F; /* no surrogates */
  }
  else if (c >= 0xF0 && c <= 0xF4)
  {
    need = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F; /* nothing above U+10FFFF */
  }
  else
    return 0;
  if (n < need || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t k = 2; k < need; k++)
    if (s[k] < 0x80 || s[k] > 0xBF)
      return 0;
  return need;
}

static bool parse_string(struct parser *p)
{
  size_t i = tok_new(p, DP_JSONR_STRING);
  if (i == DP_JSONR_NONE)
    return false;
  p->pos++; /* the opening quote */
  p->doc->toks[i].start = p->pos;
  while (p->pos < p->len)
  {
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c == '"')
    {
      p->doc->toks[i].end = p->pos;
      p->doc->toks[i].after = i + 1;
      p->pos++;
      return true;
    }
    if (c < 0x20)
      return fail(p, DP_EINVAL, "control character in a string");
    if (c == '\\')
    {
      if (p->pos + 1 >= p->len)
        break;
      char e = p->s[p->pos + 1];
      if (strchr("\"\\/bfnrt", e) != NULL && e != '\0')
      {
        p->pos += 2;
        continue;
      }
      if (e != 'u')
        return fail(p, DP_EINVAL, "bad escape in a string");
      if (p->pos + 6 > p->len)
        break;
      long u = hex4(p->s, p->pos + 2);
      if (u < 0)
        return fail(p, DP_EINVAL, "bad \\u escape in a string");
      p->pos += 6;
      if (u >= 0xDC00 && u <= 0xDFFF)
        return fail(p, DP_EINVAL, "lone low surrogate in a string");
      if (u >= 0xD800 && u <= 0xDBFF)
      {
        /* RFC 8259 section 7: a pair, \uD8xx\uDCxx */
        long lo = -1;
        if (p->pos + 6 <= p->len && p->s[p->pos] == '\\' &&
            p->s[p->pos + 1] == 'u')
          lo = hex4(p->s, p->pos + 2);
        if (lo < 0xDC00 || lo > 0xDFFF)
          return fail(p, DP_EINVAL, "lone high surrogate in a string");
        p->pos += 6;
      }
      continue;
    }
    if (c >= 0x80)
    {
      size_t n =
          utf8_len((const unsigned char *)p->s + p->pos, p->len - p->pos);
      if (n == 0)
        return fail(p, DP_EINVAL, "not UTF-8 in a string");
      p->pos += n;
      continue;
    }
    p->pos++;
  }
  return fail(p, DP_EINVAL, "unterminated string");
}

static bool digits(struct parser *p)
{
  size_t from = p->pos;
  while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
    p->pos++;
  return p->pos > from;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool parse_number(struct parser *p)
{
  size_t i = tok_new(p, DP_JSONR_NUMBER);
  if (i == DP_JSONR_NONE)
    return false;
  if (p->s[p->pos] == '-')
    p->pos++;
  if (p->pos < p->len && p->s[p->pos] == '0')
    p->pos++;
  else if (!digits(p))
    return fail(p, DP_EINVAL, "bad number");
  if (p->pos < p->len && p->s[p->pos] == '.')
  {
    p->pos++;
    if (!digits(p))
      return fail(p, DP_EINVAL, "bad number");
  }
  if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E'))
  {
    p->pos++;
    if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
      p->pos++;
    if (!digits(p))
      return fail(p, DP_EINVAL, "bad number");
  }
  p->doc->toks[i].end = p->pos;
  p->doc->toks[i].after = i + 1;
  return true;
}

static bool parse_literal(struct parser *p)
{
  static const struct
  {
    const char *word;
    dp_jsonr_type_t type;
  } words[] = {{"true", DP_JSONR_TRUE},
               {"false", DP_JSONR_FALSE},
               {"null", DP_JSONR_NULL}};
  for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
  {
    size_t n = strlen(words[k].word);
    if (p->len - p->pos >= n && memcmp(p->s + p->pos, words[k].word, n) == 0)
    {
      size_t i = tok_new(p, words[k].type);
      if (i == DP_JSONR_NONE)
        return false;
      p->pos += n;
      p->doc->toks[i].end = p->pos;
      p->doc->toks[i].after = i + 1;
      return true;
    }
  }
  return fail(p, DP_EINVAL, "unexpected character");
}

static bool parse_value(struct parser *p, unsigned depth);

/* An object or an array: members or elements separated by commas. */
static bool parse_container(struct parser *p, unsigned depth, bool object)
{
  if (depth >= DP_JSONR_DEPTH_MAX)
    return fail(p, DP_ERANGE, "nested too deep");
  size_t i = tok_new(p, object ? DP_JSONR_OBJECT : DP_JSONR_ARRAY);
  if (i == DP_JSONR_NONE)
    return false;
  char close = object ? '}' : ']';
  size_t count = 0;
  p->pos++;
  skip_ws(p);
  if (p->pos < p->len && p->s[p->pos] == close)
    p->pos++;
  else
  {
    /* each turn consumes at least one byte: bounded by the text */
    for (;;)
    {
      skip_ws(p);
      if (object)
      {
        if (p->pos >= p->len || p->s[p->pos] != '"')
          return fail(p, DP_EINVAL, "expected a member name");
        if (!parse_string(p))
          return false;
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != ':')
          return fail(p, DP_EINVAL, "expected ':'");
        p->pos++;
      }
      if (!parse_value(p, depth + 1))
        return false;
      count++;
      skip_ws(p);
      if (p->pos < p->len && p->s[p->pos] == ',')
      {
        p->pos++;
        continue;
      }
      if (p->pos < p->len && p->s[p->pos] == close)
      {
        p->pos++;
        break;
      }
      return fail(p, DP_EINVAL,
                  object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
  p->doc->toks[i].end = p->pos;
  p->doc->toks[i].count = count;
  p->doc->toks[i].after = p->doc->ntoks;
  return true;
}

static bool parse_value(struct parser *p, unsigned depth)
{
  skip_ws(p);
  if (p->pos >= p->len)
    return fail(p, DP_EINVAL, "unexpected end");
  char c = p->s[p->pos];
  if (c == '{' || c == '[')
    return parse_container(p, depth, c == '{');
  if (c == '"')
    return parse_string(p);
  if (c == '-' || (c >= '0' && c <= '9'))
    return parse_number(p);
  return parse_literal(p);
}

dp_status_t dp_jsonr_parse(struct dp_jsonr *doc, const char *text, size_t len,
                           size_t max_toks)
{
  if (doc == NULL)
    return DP_EINVAL;
  memset(doc, 0, sizeof(*doc));
  if (text == NULL)
    return DP_EINVAL;
  doc->text = text;
  doc->len = len;
  struct parser p = {doc, text, len, 0, max_toks, DP_OK};
  if (parse_value(&p, 0))
  {
    skip_ws(&p);
    if (p.pos != p.len)
      fail(&p, DP_EINVAL, "bytes after the value");
  }
  return p.st;
}

void dp_jsonr_free(struct dp_jsonr *doc)
{
  if (doc == NULL)
    return;
  free(doc->toks);
  doc->toks = NULL;
  doc->ntoks = doc->cap = 0;
}

dp_jsonr_type_t dp_jsonr_type(const struct dp_jsonr *doc, size_t i)
{
  if (doc == NULL || i >= doc->ntoks)
    return DP_JSONR_NULL;
  return doc->toks[i].type;
}

/* Unescape the string token t one character at a time: into out (up to 4
 * bytes), from *at; returns the bytes written, 0 at the end. The text was
 * validated by the parser. */
static size_t unescape_next(const struct dp_jsonr *doc,
                            const struct dp_jsonr_tok *t, size_t *at,
                            unsigned char out[4])
{
  const char *s = doc->text;
  if (*at >= t->end)
    return 0;
  if (s[*at] != '\\')
  {
    out[0] = (unsigned char)s[(*at)++];
    return 1;
  }
  char e = s[*at + 1];
  *at += 2;
  switch (e)
  {
  case 'b':
    out[0] = '\b';
    return 1;
  case 'f':
    out[0] = '\f';
    return 1;
  case 'n':
    out[0] = '\n';
    return 1;
  case 'r':
    out[0] = '\r';
    return 1;
  case 't':
    out[0] = '\t';
    return 1;
  case 'u':
    break;
  default: /* '"', '\\', '/' */
    out[0] = (unsigned char)e;
    return 1;
  }
  unsigned long u = (unsigned long)hex4(s, *at);
  *at += 4;
  if (u >= 0xD800 && u <= 0xDBFF)
  {
    unsigned long lo = (unsigned long)hex4(s, *at + 2);
    *at += 6;
    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
  }
  if (u < 0x80)
  {
    out[0] = (unsigned char)u;
    return 1;
  }
  if (u < 0x800)
  {
    out[0] = (unsigned char)(0xC0 | (u >> 6));
    out[1] = (unsigned char)(0x80 | (u & 0x3F));
    return 2;
  }
  if (u < 0x10000)
  {
    out[0] = (unsigned char)(0xE0 | (u >> 12));
    out[1] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
    out[2] = (unsigned char)(0x80 | (u & 0x3F));
    return 3;
  }
  out[0] = (unsigned char)(0xF0 | (u >> 18));
  out[1] = (unsigned char)(0x80 | ((u >> 12) & 0x3F));
  out[2] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
  out[3] = (unsigned char)(0x80 | (u & 0x3F));
  return 4;
}

dp_status_t dp_jsonr_string(const struct dp_jsonr *doc, size_t i, char *out,
                            size_t cap)
{
  if (out == NULL || cap == 0)
    return DP_EINVAL;
  out[0] = '\0';
  if (dp_jsonr_type(doc, i) != DP_JSONR_STRING)
    return DP_EINVAL;
  const struct dp_jsonr_tok *t = &doc->toks[i];
  size_t at = t->start, o = 0, n;
  unsigned char ch[4];
  /* each turn consumes at least one byte of the token */
  while ((n = unescape_next(doc, t, &at, ch)) > 0)
  {
    if (n == 1 && ch[0] == '\0')
    {
      out[0] = '\0';
      return DP_EINVAL;
    }
    if (o + n >= cap)
    {
      out[o] = '\0';
      return DP_ESPACE;
    }
    memcpy(out + o, ch, n);
    o += n;
  }
  out[o] = '\0';
  return DP_OK;
}

bool dp_jsonr_string_is(const struct dp_jsonr *doc, size_t i, const char *s)
{
  if (s == NULL || dp_jsonr_type(doc, i) != DP_JSONR_STRING)
    return false;
  const struct dp_jsonr_tok *t = &doc->toks[i];
  size_t at = t->start, o = 0, n;
  unsigned char ch[4];
  while ((n = unescape_next(doc, t, &at, ch)) > 0)
  {
    for (size_t k = 0; k < n; k++, o++)
      if (s[o] == '\0' || (unsigned char)s[o] != ch[k])
        return false;
  }
  return s[o] == '\0';
}

size_t dp_jsonr_member(const struct dp_jsonr *doc, size_t obj, const char *key)
{
  if (dp_jsonr_type(doc, obj) != DP_JSONR_OBJECT)
    return DP_JSONR_NONE;
  size_t c = obj + 1;
  for (size_t k = 0; k < doc->toks[obj].count && c + 1 < doc->ntoks; k++)
  {
    if (dp_jsonr_string_is(doc, c, key))
      return c + 1;
    c = doc->toks[c + 1].after;
  }
  return DP_JSONR_NONE;
}

size_t dp_jsonr_element(const struct dp_jsonr *doc, size_t arr, size_t k)
{
  if (dp_jsonr_type(doc, arr) != DP_JSONR_ARRAY || k >= doc->toks[arr].count)
    return DP_JSONR_NONE;
  size_t c = arr + 1;
  for (size_t j = 0; j < k && c < doc->ntoks; j++)
    c = doc->toks[c].after;
  return c < doc->ntoks ? c : DP_JSONR_NONE;
}

dp_status_t dp_jsonr_number(const struct dp_jsonr *doc, size_t i, double *out)
{
  if (out == NULL || dp_jsonr_type(doc, i) != DP_JSONR_NUMBER)
    return DP_EINVAL;
  const struct dp_jsonr_tok *t = &doc->toks[i];
  size_t n = t->end - t->start;
  char small[64];
  char *copy = n < sizeof(small) ? small : malloc(n + 1);
  if (copy == NULL)
    return DP_ENOMEM;
  memcpy(copy, doc->text + t->start, n);
  copy[n] = '\0';
  *out = strtod(copy, NULL);
  if (copy != small)
    free(copy);
  return DP_OK;
}
