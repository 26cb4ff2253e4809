/*
 * name.c: presentation-form domain names (RFC 1035 5.1) to wire form, their
 * canonical text form, and the comparison of wire names (RFC 4343 3).
 *
 * Invariants: a name is first built in a local DP_DNS_NAME_MAX buffer, so the
 * status depends only on the text (label, length, empty-label and escape
 * errors come before DP_ESPACE), and the caller's buffer is written only once
 * the whole name is known to be valid. Wire names never exceed 255 bytes
 * including the root byte (RFC 1035 2.3.4). Reading wire names lives in
 * parse.c, behind its bounded reader.
 */
#include <string.h>

#include "dnsprobe/wire.h"

static bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

/*
 * Decode one escape after a backslash (RFC 1035 5.1: \X is X itself, \DDD is
 * the byte of decimal value DDD). *p points just past the backslash and is
 * advanced past the escape.
 */
static dp_status_t unescape(const char **p, uint8_t *byte)
{
  const char *s = *p;

  if (*s == '\0')
    return DP_ENAMESYNTAX;
  if (!is_digit(*s))
  {
    *byte = (uint8_t)*s;
    *p = s + 1;
    return DP_OK;
  }
  if (!is_digit(s[1]) || !is_digit(s[2]))
    return DP_ENAMESYNTAX;
  unsigned value = (unsigned)(s[0] - '0') * 100 + (unsigned)(s[1] - '0') * 10 +
                   (unsigned)(s[2] - '0');
  if (value > 255)
    return DP_ENAMESYNTAX;
  *byte = (uint8_t)value;
  *p = s + 3;
  return DP_OK;
}

dp_status_t dp_wire_name_fromstr(const char *text, uint8_t *wire, size_t cap,
                                 size_t *len)
{
  uint8_t name[DP_DNS_NAME_MAX];
  size_t out = 0;   /* bytes of complete labels in name[] */
  size_t label = 0; /* length of the label being built */
  const char *p;

  if (text == NULL || wire == NULL || len == NULL)
    return DP_EINVAL;
  *len = 0;

  /* "" and "." alone are the root; any other leading dot is an empty label. */
  if (text[0] == '\0' || (text[0] == '.' && text[1] == '\0'))
  {
    if (cap < 1)
      return DP_ESPACE;
    wire[0] = 0;
    *len = 1;
    return DP_OK;
  }

  p = text;
  while (*p != '\0')
  {
    uint8_t byte;

    if (*p == '.')
    {
      if (label == 0)
        return DP_ENAMEEMPTY;
      out += 1 + label;
      label = 0;
      p++;
      continue;
    }
    if (*p == '\\')
    {
      p++;
      dp_status_t st = unescape(&p, &byte);
      if (st != DP_OK)
        return st;
    }
    else
    {
      byte = (uint8_t)*p++;
    }
    if (label == DP_DNS_LABEL_MAX)
      return DP_ENAMELABEL;
    /* Room for this byte, the length byte before it and the root after. */
    if (out + 1 + label + 1 + 1 > DP_DNS_NAME_MAX)
      return DP_ENAMELONG;
    label++;
    name[out] = (uint8_t)label;
    name[out + label] = byte;
  }
  out += label > 0 ? 1 + label : 0;
  name[out++] = 0;

  if (cap < out)
    return DP_ESPACE;
  memcpy(wire, name, out);
  *len = out;
  return DP_OK;
}

dp_status_t dp_wire_name_canon(const char *text, char *out, size_t cap)
{
  uint8_t wire[DP_DNS_NAME_MAX];
  size_t len;
  size_t i = 0;

  if (out == NULL)
    return DP_EINVAL;
  dp_status_t st = dp_wire_name_fromstr(text, wire, sizeof wire, &len);
  if (st != DP_OK)
    return st;
  /* Fold ASCII only (RFC 4343 3): walk the labels, skipping length bytes. */
  while (i < len && wire[i] != 0)
  {
    size_t end = i + 1 + wire[i];
    for (size_t j = i + 1; j < end; j++)
    {
      if (wire[j] >= 'A' && wire[j] <= 'Z')
        wire[j] = (uint8_t)(wire[j] - 'A' + 'a');
    }
    i = end;
  }
  return dp_wire_name_tostr(wire, len, out, cap);
}

bool dp_wire_name_equal(const uint8_t *a, size_t alen, const uint8_t *b,
                        size_t blen)
{
  if (a == NULL || b == NULL || alen != blen)
    return false;
  /* RFC 4343 3: ASCII case folding; length bytes (< 64) never fold. */
  for (size_t i = 0; i < alen; i++)
  {
    uint8_t x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z')
      x = (uint8_t)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z')
      y = (uint8_t)(y - 'A' + 'a');
    if (x != y)
      return false;
  }
  return true;
}
