/*
 * allow.c: the exporter's allow-list. A rule is a network (an address and
 * a prefix length) or a host-name suffix; an empty list allows nothing, so
 * an exporter nobody configured probes nothing.
 *
 * Invariants: a network is stored with its host bits cleared, so that a
 * match is a comparison of the first `prefix` bits; a suffix matches at a
 * label boundary only ("example.net." never allows "badexample.net.");
 * an IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/hostname.h"
#include "dnsprobe/serve.h"

#define QUOTE_CAP 100

/* The prefix length after '/': 0 to max, decimal, no sign. */
static bool prefix_parse(const char *s, unsigned max, unsigned *out)
{
  unsigned v = 0;
  if (*s == '\0' || strlen(s) > 3)
    return false;
  for (; *s != '\0'; s++)
  {
    if (*s < '0' || *s > '9')
      return false;
    v = v * 10 + (unsigned)(*s - '0');
  }
  if (v > max)
    return false;
  *out = v;
  return true;
}

static void clear_host_bits(uint8_t *a, size_t len, unsigned prefix)
{
  for (size_t i = 0; i < len; i++)
  {
    unsigned bit0 = (unsigned)i * 8;
    if (bit0 >= prefix)
      a[i] = 0;
    else if (prefix - bit0 < 8)
      a[i] &= (uint8_t)(0xff00u >> (prefix - bit0));
  }
}

/* Room for want rules in all, growing by doubling (a long list is added
 * one rule at a time). */
static dp_status_t reserve(struct dp_serve_allow *a, size_t want)
{
  if (want <= a->cap)
    return DP_OK;
  size_t cap = a->cap > 0 ? a->cap : 8;
  while (cap < want)
    cap *= 2;
  struct dp_serve_allow_rule *grown =
      realloc(a->rules, cap * sizeof(*a->rules));
  if (grown == NULL)
    return DP_ENOMEM;
  a->rules = grown;
  a->cap = cap;
  return DP_OK;
}

dp_status_t dp_serve_allow_add(struct dp_serve_allow *a, const char *text,
                               char *err, size_t errcap)
{
  char q[QUOTE_CAP], addr[64];
  struct dp_serve_allow_rule r;

  if (a == NULL || text == NULL)
    return dp_einval(err, errcap, "no rule");
  dp_quote(q, sizeof(q), text, strlen(text));
  if (text[0] == '\0')
    return dp_einval(err, errcap, "empty allow-list rule");
  if (a->n >= DP_SERVE_ALLOW_MAX)
  {
    dp_einval(err, errcap, "'%s': more than %d allow-list rules", q,
              DP_SERVE_ALLOW_MAX);
    return DP_ERANGE;
  }
  memset(&r, 0, sizeof(r));
  const char *slash = strchr(text, '/');
  size_t al = slash != NULL ? (size_t)(slash - text) : strlen(text);
  bool v4 = false, v6 = false;
  if (al < sizeof(addr))
  {
    memcpy(addr, text, al);
    addr[al] = '\0';
    v4 = inet_pton(AF_INET, addr, r.addr) == 1;
    v6 = !v4 && inet_pton(AF_INET6, addr, r.addr) == 1;
  }
  if (v4 || v6)
  {
    unsigned max = v4 ? 32 : 128;
    r.family = v4 ? AF_INET : AF_INET6;
    r.prefix = max;
    if (slash != NULL && !prefix_parse(slash + 1, max, &r.prefix))
      return dp_einval(err, errcap, "'%s': the prefix length must be 0 to %u",
                       q, max);
    clear_host_bits(r.addr, v4 ? 4 : 16, r.prefix);
  }
  else if (slash != NULL || strchr(text, ':') != NULL ||
           dp_text_is_numeric(text))
    return dp_einval(
        err, errcap,
        "'%s': not a network (ADDRESS/PREFIX), an address or a host "
        "name suffix",
        q);
  else
  {
    dp_status_t st = dp_wire_name_canon(text, r.name, sizeof(r.name));
    if (st != DP_OK)
      return dp_einval(err, errcap, "'%s': %s", q, dp_strerror(st));
    r.is_name = true;
  }
  if (reserve(a, a->n + 1) != DP_OK)
    return DP_ENOMEM;
  a->rules[a->n++] = r;
  return DP_OK;
}

static bool prefix_match(const uint8_t *net, const uint8_t *addr,
                         unsigned prefix)
{
  unsigned whole = prefix / 8, rest = prefix % 8;
  if (memcmp(net, addr, whole) != 0)
    return false;
  if (rest == 0)
    return true;
  uint8_t mask = (uint8_t)(0xff00u >> rest);
  return (net[whole] & mask) == (addr[whole] & mask);
}

bool dp_serve_allow_address(const struct dp_serve_allow *a,
                            const struct sockaddr_storage *ss)
{
  uint8_t bytes[16];
  int family;
  if (a == NULL || ss == NULL)
    return false;
  if (ss->ss_family == AF_INET)
  {
    memcpy(bytes, &((const struct sockaddr_in *)ss)->sin_addr, 4);
    family = AF_INET;
  }
  else if (ss->ss_family == AF_INET6)
  {
    const struct in6_addr *a6 = &((const struct sockaddr_in6 *)ss)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a6))
    {
      memcpy(bytes, a6->s6_addr + 12, 4);
      family = AF_INET;
    }
    else
    {
      memcpy(bytes, a6->s6_addr, 16);
      family = AF_INET6;
    }
  }
  else
    return false;
  for (size_t i = 0; i < a->n; i++)
  {
    const struct dp_serve_allow_rule *r = &a->rules[i];
    if (!r->is_name && r->family == family &&
        prefix_match(r->addr, bytes, r->prefix))
      return true;
  }
  return false;
}

bool dp_serve_allow_name(const struct dp_serve_allow *a, const char *name)
{
  if (a == NULL || name == NULL)
    return false;
  size_t nl = strlen(name);
  for (size_t i = 0; i < a->n; i++)
  {
    const struct dp_serve_allow_rule *r = &a->rules[i];
    if (!r->is_name)
      continue;
    size_t sl = strlen(r->name);
    if (strcmp(r->name, ".") == 0)
      return true;
    /* the suffix itself, or a name ending in ".suffix" */
    if (nl == sl && strcmp(name, r->name) == 0)
      return true;
    if (nl > sl && name[nl - sl - 1] == '.' &&
        strcmp(name + nl - sl, r->name) == 0)
      return true;
  }
  return false;
}

dp_status_t dp_serve_allow_merge(struct dp_serve_allow *dst,
                                 const struct dp_serve_allow *src)
{
  if (dst == NULL || src == NULL || src->n == 0)
    return DP_OK;
  if (dst->n + src->n > DP_SERVE_ALLOW_MAX)
    return DP_ERANGE;
  if (reserve(dst, dst->n + src->n) != DP_OK)
    return DP_ENOMEM;
  memcpy(dst->rules + dst->n, src->rules, src->n * sizeof(*src->rules));
  dst->n += src->n;
  return DP_OK;
}

void dp_serve_allow_rule_write(const struct dp_serve_allow_rule *r, char *buf,
                               size_t cap)
{
  char addr[INET6_ADDRSTRLEN];
  if (cap == 0)
    return;
  if (r->is_name)
  {
    snprintf(buf, cap, "%s", r->name);
    return;
  }
  if (inet_ntop(r->family, r->addr, addr, sizeof(addr)) == NULL)
    snprintf(addr, sizeof(addr), "?");
  snprintf(buf, cap, "%s/%u", addr, r->prefix);
}

void dp_serve_allow_clear(struct dp_serve_allow *a)
{
  if (a == NULL)
    return;
  free(a->rules);
  a->rules = NULL;
  a->n = a->cap = 0;
}
