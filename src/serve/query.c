/*
 * query.c: what a /probe request asks for. The query string is split and
 * percent-decoded by libevent (evhttp_parse_query_str); this file only
 * judges the decoded values: target= in the command line's TARGET syntax,
 * module= a module name, zone= a domain name.
 *
 * Invariants: every value is bounded before it is copied; a message quotes
 * its input through dp_quote, so a 400's reason stays one printable line
 * whatever a client sent; a decoded NUL (%00) cannot cut a value short
 * unnoticed, since the raw query is checked for it first.
 */
#include <arpa/inet.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dnsprobe/hostname.h"
#include "dnsprobe/serve.h"

#define QUOTE_CAP 100 /* bytes of a quoted value in a message */

static const char *quoted(char *buf, const char *in)
{
  return dp_quote(buf, QUOTE_CAP, in, strlen(in));
}

/* A port: 1 to 65535, decimal digits only. */
static bool port_parse(const char *s, uint16_t *out)
{
  unsigned long v = 0;
  if (*s == '\0' || strlen(s) > 5)
    return false;
  for (const char *c = s; *c != '\0'; c++)
  {
    if (*c < '0' || *c > '9')
      return false;
    v = v * 10 + (unsigned long)(*c - '0');
  }
  if (v == 0 || v > 65535)
    return false;
  *out = (uint16_t)v;
  return true;
}

dp_status_t dp_serve_target_parse(const char *text, struct dp_serve_target *t,
                                  char *err, size_t errcap)
{
  char q[QUOTE_CAP], qp[QUOTE_CAP], host[DP_SERVE_TARGET_MAX + 1];
  const char *port = NULL;
  bool bracketed = false, v6 = false;

  if (t == NULL || text == NULL)
    return dp_einval(err, errcap, "no target");
  memset(t, 0, sizeof(*t));
  size_t n = strlen(text);
  if (n == 0)
    return dp_einval(err, errcap, "target is empty");
  if (n > DP_SERVE_TARGET_MAX)
    return dp_einval(err, errcap, "target '%s': longer than %d bytes",
                     quoted(q, text), DP_SERVE_TARGET_MAX);
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)text[i] <= 0x20 || (unsigned char)text[i] >= 0x7f)
      return dp_einval(err, errcap,
                       "target '%s': only printable ASCII without spaces",
                       quoted(q, text));
  memcpy(t->text, text, n + 1);

  const char *hs = text;
  size_t hl = n;
  if (text[0] == '[')
  {
    /* RFC 3986 3.2.2's IP-literal: "[ADDRESS]" or "[ADDRESS]:PORT" */
    const char *close = strchr(text, ']');
    if (close == NULL)
      return dp_einval(err, errcap, "target '%s': '[' without ']'",
                       quoted(q, text));
    hs = text + 1;
    hl = (size_t)(close - hs);
    bracketed = v6 = true;
    if (close[1] == ':')
      port = close + 2;
    else if (close[1] != '\0')
      return dp_einval(err, errcap,
                       "target '%s': unexpected text after ']' (write "
                       "[ADDRESS]:PORT)",
                       quoted(q, text));
  }
  else
  {
    const char *first = strchr(text, ':');
    if (first != NULL && strchr(first + 1, ':') != NULL)
      v6 = true; /* a bare IPv6 literal, which never has a port */
    else if (first != NULL)
    {
      hl = (size_t)(first - text);
      port = first + 1;
    }
  }
  if (hl == 0)
    return dp_einval(err, errcap, "target '%s': no address or host name",
                     quoted(q, text));
  memcpy(host, hs, hl);
  host[hl] = '\0';

  t->port = 53;
  if (port != NULL && !port_parse(port, &t->port))
    return dp_einval(err, errcap,
                     "target '%s': port '%s' is not a number 1-65535",
                     quoted(q, text), quoted(qp, port));

  if (v6)
  {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&t->addr;
    if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
      return dp_einval(err, errcap,
                       bracketed
                           ? "target '%s': not a valid IPv6 address in "
                             "brackets"
                           : "target '%s': not a valid IPv6 address (for a "
                             "port, write [ADDRESS]:PORT)",
                       quoted(q, text));
    if (IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr))
      return dp_einval(
          err, errcap,
          "target '%s': :: is the unspecified address, not a server",
          quoted(q, text));
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(t->port);
    t->addrlen = sizeof(*s6);
    return DP_OK;
  }
  struct sockaddr_in *s4 = (struct sockaddr_in *)&t->addr;
  if (inet_pton(AF_INET, host, &s4->sin_addr) == 1)
  {
    if (s4->sin_addr.s_addr == htonl(INADDR_ANY))
      return dp_einval(err, errcap,
                       "target '%s': 0.0.0.0 is the unspecified address, not a "
                       "server",
                       quoted(q, text));
    s4->sin_family = AF_INET;
    s4->sin_port = htons(t->port);
    t->addrlen = sizeof(*s4);
    return DP_OK;
  }
  struct in_addr a4;
  if (dp_text_is_numeric(host) || inet_aton(host, &a4) != 0)
    return dp_einval(
        err, errcap,
        "target '%s': not a valid IPv4 address (four decimal numbers "
        "0-255, no leading zeros)",
        quoted(q, text));
  size_t bad;
  const char *why = dp_hostname_problem(host, &bad);
  if (why != NULL && bad != SIZE_MAX)
    return dp_einval(err, errcap, "target '%s': '%c' %s", quoted(q, text),
                     host[bad], why);
  if (why != NULL)
    return dp_einval(err, errcap, "target '%s': %s", quoted(q, text), why);
  memset(&t->addr, 0, sizeof(t->addr));
  /* lower case, trailing dot: the form the allow-list compares */
  if (dp_wire_name_canon(host, t->host, sizeof(t->host)) != DP_OK)
    return dp_einval(err, errcap, "target '%s': not a host name",
                     quoted(q, text));
  t->is_name = true;
  return DP_OK;
}

/* Whether the raw query has a percent-encoded NUL, which the decoder would
 * turn into the end of a value. */
static bool has_encoded_nul(const char *query)
{
  for (const char *p = strchr(query, '%'); p != NULL; p = strchr(p + 1, '%'))
    if (p[1] == '0' && p[2] == '0')
      return true;
  return false;
}

dp_status_t dp_serve_query_parse(const char *query, struct dp_serve_query *q,
                                 char *err, size_t errcap)
{
  char qb[QUOTE_CAP];
  struct evkeyvalq params;
  dp_status_t st = DP_OK;
  bool have_target = false;

  if (q == NULL)
    return dp_einval(err, errcap, "no place for the query");
  memset(q, 0, sizeof(*q));
  if (query == NULL || query[0] == '\0')
    return dp_einval(err, errcap, "missing target= parameter");
  if (strlen(query) > DP_SERVE_QUERY_MAX)
    return dp_einval(err, errcap, "query string longer than %d bytes",
                     DP_SERVE_QUERY_MAX);
  if (has_encoded_nul(query))
    return dp_einval(err, errcap, "a parameter holds a NUL byte (%%00)");
  /* TAILQ_INIT, without <sys/queue.h>: an empty list */
  params.tqh_first = NULL;
  params.tqh_last = &params.tqh_first;
  if (evhttp_parse_query_str(query, &params) != 0)
  {
    evhttp_clear_headers(&params);
    return dp_einval(err, errcap, "malformed query string");
  }
  bool seen_module = false;
  for (struct evkeyval *kv = params.tqh_first; kv != NULL && st == DP_OK;
       kv = kv->next.tqe_next)
  {
    const char *k = kv->key, *v = kv->value;
    bool printable = true;
    for (const char *c = v; *c != '\0'; c++)
      if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
        printable = false;
    if (strcmp(k, "target") == 0)
    {
      if (have_target)
        st = dp_einval(err, errcap, "target= given more than once");
      else if (v[0] == '\0')
        st = dp_einval(err, errcap, "target= is empty");
      else
      {
        st = dp_serve_target_parse(v, &q->target, err, errcap);
        have_target = true;
      }
    }
    else if (strcmp(k, "module") == 0)
    {
      if (seen_module)
        st = dp_einval(err, errcap, "module= given more than once");
      else if (!printable || !dp_serve_module_name_ok(v))
        st = dp_einval(err, errcap,
                       "module '%s': a module name is 1 to %d letters, digits, "
                       "'-' or '_'",
                       quoted(qb, v), DP_SERVE_MODULE_MAX);
      else
        snprintf(q->module, sizeof(q->module), "%s", v);
      seen_module = true;
    }
    else if (strcmp(k, "zone") == 0)
    {
      dp_status_t zs;
      if (q->zone_given)
        st = dp_einval(err, errcap, "zone= given more than once");
      else if (v[0] == '\0')
        st = dp_einval(err, errcap, "zone= is empty (write '.' for the root)");
      else if (!printable)
        st = dp_einval(err, errcap, "zone '%s': only printable ASCII",
                       quoted(qb, v));
      else if ((zs = dp_wire_name_canon(v, q->zone, sizeof(q->zone))) != DP_OK)
        st = dp_einval(err, errcap, "zone '%s': %s", quoted(qb, v),
                       dp_strerror(zs));
      q->zone_given = true;
    }
    else
      st = dp_einval(
          err, errcap,
          "unknown parameter '%s' (target, module and zone are known)",
          quoted(qb, k));
  }
  evhttp_clear_headers(&params);
  if (st == DP_OK && !have_target)
    st = dp_einval(err, errcap, "missing target= parameter");
  if (st != DP_OK)
    memset(q, 0, sizeof(*q));
  return st;
}
