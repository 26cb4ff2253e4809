/*
 * status.c: messages for dp_status_t, from one table indexed by status,
 * dp_quote for the input those messages show, and dp_einval that writes
 * them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dnsprobe/status.h"

static const char *const messages[DP_STATUS_MAX] = {
    [DP_OK] = "success",
    [DP_ENOMEM] = "out of memory",
    [DP_EINVAL] = "invalid argument",
    [DP_ERANGE] = "value out of range",
    [DP_ESPACE] = "buffer too small",
    [DP_EMALFORMED] = "malformed DNS message",
    [DP_ENAMELABEL] = "a label is longer than 63 bytes",
    [DP_ENAMELONG] = "name is longer than 255 bytes",
    [DP_ENAMEEMPTY] = "name has an empty label",
    [DP_ENAMESYNTAX] = "bad escape sequence in name",
    [DP_EADDR] = "not a valid IPv4 or IPv6 address",
    [DP_EPORT] = "not a valid port (1-65535)",
    [DP_ESYS] = "system call failed",
    [DP_ECARES] = "c-ares failed",
    [DP_EVERSION] = "unsupported library version",
    [DP_ENOTFOUND] = "host name has no address",
    [DP_EIO] = "input/output error",
    [DP_EINTERRUPTED] = "interrupted",
    [DP_EOF] = "no more input",
};

const char *dp_strerror(dp_status_t status)
{
  if ((unsigned)status >= DP_STATUS_MAX || messages[status] == NULL)
    return "unknown error";
  return messages[status];
}

const char *dp_quote(char *out, size_t cap, const char *in, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  size_t max = cap >= 4 ? (cap - 4) / 4 : 0;
  size_t o = 0;
  size_t i;

  if (cap == 0)
    return out;
  for (i = 0; i < n && in[i] != '\0' && i < max; i++)
  {
    unsigned char c = (unsigned char)in[i];
    if (c < 0x20 || c >= 0x7f)
    {
      out[o++] = '\\';
      out[o++] = 'x';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 0xf];
    }
    else
      out[o++] = (char)c;
  }
  if (i < n && in[i] != '\0' && cap >= 4)
  {
    memcpy(out + o, "...", 3);
    o += 3;
  }
  out[o] = '\0';
  return out;
}

dp_status_t dp_einval(char *err, size_t cap, const char *fmt, ...)
{
  if (err != NULL && cap > 0)
  {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
  }
  return DP_EINVAL;
}
