/*
 * hostname.c: the host name rules every target parser shares (hostname.h).
 */
#include "dnsprobe/hostname.h"

#include <stdint.h>
#include <string.h>

#define HOST_MAX 253 /* RFC 1035 2.3.4, without the trailing dot */
#define LABEL_MAX 63

bool dp_text_is_numeric(const char *s)
{
  bool digit = false;
  for (; *s != '\0'; s++)
  {
    if (*s >= '0' && *s <= '9')
      digit = true;
    else if (*s != '.')
      return false;
  }
  return digit;
}

static bool is_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

const char *dp_hostname_problem(const char *h, size_t *bad)
{
  size_t len = strlen(h), start = 0;
  bool digits_only = true;
  if (bad != NULL)
    *bad = SIZE_MAX;
  if (len > 0 && h[len - 1] == '.')
    len--;
  if (len == 0)
    return "not a host name";
  if (len > HOST_MAX)
    return "host name is longer than 253 characters";
  for (size_t i = 0; i <= len; i++)
  {
    if (i == len || h[i] == '.')
    {
      size_t ll = i - start;
      if (ll == 0)
        return "host name has an empty label";
      if (ll > LABEL_MAX)
        return "a label of the host name is longer than 63 characters";
      if (h[start] == '-' || h[i - 1] == '-')
        return "a host name label cannot start or end with '-'";
      if (i < len)
      {
        start = i + 1;
        digits_only = true;
      }
      continue;
    }
    if ((unsigned char)h[i] >= 0x80)
      return "not ASCII (give an internationalised name in its xn-- form)";
    if (!is_alnum(h[i]) && h[i] != '-')
    {
      if (bad != NULL)
        *bad = i;
      return "is not allowed in a host name (letters, digits, '-' and '.')";
    }
    if (h[i] < '0' || h[i] > '9')
      digits_only = false;
  }
  return digits_only ? "the last label of a host name cannot be all digits"
                     : NULL;
}
