/*
 * cache.c: the exporter's per-target minimum interval. A key (module,
 * target as given, address and port, zone) is running while its battery
 * runs, so that a second scrape joins it instead of probing twice, and
 * done for min_interval_ms after it ended, so that a scrape inside the
 * interval is answered with that result and its age.
 *
 * The time is always an argument (the caller's clock), so the interval
 * logic is tested on any clock. Results are reference-counted: a request
 * that shows one keeps it alive even after the cache dropped it.
 *
 * Invariants: at most cap keys are held; a done entry older than the
 * interval is dropped at the next lookup or begin (the done list is in
 * finishing order, so that costs only the entries dropped); an entry
 * running when the cache is flushed leaves the table at once and is freed
 * when its battery ends, without keeping the result.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/serve.h"

struct centry
{
  struct dp_serve_entry pub;  /* first: a dp_serve_entry * is a centry * */
  struct centry *hnext;       /* the bucket's chain */
  struct centry *prev, *next; /* done: the done list; orphan: orphans */
  bool orphan;                /* flushed while running */
  char key[];
};

struct dp_serve_cache
{
  size_t cap;
  double interval;
  size_t n; /* keys in the table */
  size_t nbuckets;
  struct centry **buckets;
  struct centry *done_head, *done_tail; /* oldest first */
  struct centry *orphans;
};

struct dp_serve_result *dp_serve_result_create(void)
{
  struct dp_serve_result *r = calloc(1, sizeof(*r));
  if (r != NULL)
    r->refs = 1;
  return r;
}

struct dp_serve_result *dp_serve_result_ref(struct dp_serve_result *r)
{
  if (r != NULL)
    r->refs++;
  return r;
}

void dp_serve_result_unref(struct dp_serve_result *r)
{
  if (r == NULL || --r->refs > 0)
    return;
  dp_target_clear(&r->t);
  free(r);
}

static size_t hash(const char *key)
{
  uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 */
  for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++)
    h = (h ^ *p) * 0x100000001b3ULL;
  return (size_t)(h ^ (h >> 32));
}

dp_status_t dp_serve_cache_create(size_t cap, unsigned min_interval_ms,
                                  dp_serve_cache_t **out)
{
  if (out == NULL)
    return DP_EINVAL;
  *out = NULL;
  if (cap == 0)
    return DP_EINVAL;
  struct dp_serve_cache *c = calloc(1, sizeof(*c));
  if (c == NULL)
    return DP_ENOMEM;
  c->cap = cap;
  c->interval = (double)min_interval_ms;
  c->nbuckets = 64;
  while (c->nbuckets < cap && c->nbuckets < (1u << 20))
    c->nbuckets *= 2;
  c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
  if (c->buckets == NULL)
  {
    free(c);
    return DP_ENOMEM;
  }
  *out = c;
  return DP_OK;
}

static struct centry **slot_of(struct dp_serve_cache *c, const char *key)
{
  struct centry **pp = &c->buckets[hash(key) & (c->nbuckets - 1)];
  while (*pp != NULL && strcmp((*pp)->key, key) != 0)
    pp = &(*pp)->hnext;
  return pp;
}

static void table_remove(struct dp_serve_cache *c, struct centry *e)
{
  struct centry **pp = slot_of(c, e->key);
  if (*pp == e)
  {
    *pp = e->hnext;
    c->n--;
  }
  e->hnext = NULL;
}

static void done_unlink(struct dp_serve_cache *c, struct centry *e)
{
  if (e->prev != NULL)
    e->prev->next = e->next;
  else
    c->done_head = e->next;
  if (e->next != NULL)
    e->next->prev = e->prev;
  else
    c->done_tail = e->prev;
  e->prev = e->next = NULL;
}

static void orphan_unlink(struct dp_serve_cache *c, struct centry *e)
{
  if (e->prev != NULL)
    e->prev->next = e->next;
  else
    c->orphans = e->next;
  if (e->next != NULL)
    e->next->prev = e->prev;
  e->prev = e->next = NULL;
}

/* A done entry leaves the cache. */
static void drop_done(struct dp_serve_cache *c, struct centry *e)
{
  table_remove(c, e);
  done_unlink(c, e);
  dp_serve_result_unref(e->pub.result);
  free(e);
}

static void prune(struct dp_serve_cache *c, double now_ms)
{
  while (c->done_head != NULL &&
         now_ms - c->done_head->pub.result->finished_ms >= c->interval)
    drop_done(c, c->done_head);
}

dp_serve_lookup_t dp_serve_cache_lookup(dp_serve_cache_t *c, const char *key,
                                        double now_ms,
                                        struct dp_serve_entry **e)
{
  if (e != NULL)
    *e = NULL;
  if (c == NULL || key == NULL || e == NULL)
    return DP_SERVE_MISS;
  prune(c, now_ms);
  struct centry *found = *slot_of(c, key);
  if (found == NULL)
    return DP_SERVE_MISS;
  *e = &found->pub;
  return found->pub.running ? DP_SERVE_JOIN : DP_SERVE_HIT;
}

dp_status_t dp_serve_cache_begin(dp_serve_cache_t *c, const char *key,
                                 double now_ms, void *job,
                                 struct dp_serve_entry **e)
{
  if (e != NULL)
    *e = NULL;
  if (c == NULL || key == NULL || e == NULL)
    return DP_EINVAL;
  prune(c, now_ms);
  struct centry **pp = slot_of(c, key);
  if (*pp != NULL)
  {
    if ((*pp)->pub.running)
      return DP_EINVAL; /* one battery per key: join it instead */
    drop_done(c, *pp);
  }
  if (c->n >= c->cap)
  {
    if (c->done_head == NULL)
      return DP_ERANGE;
    drop_done(c, c->done_head); /* the oldest result makes room */
  }
  size_t kl = strlen(key) + 1;
  struct centry *n = calloc(1, sizeof(*n) + kl);
  if (n == NULL)
    return DP_ENOMEM;
  memcpy(n->key, key, kl);
  n->pub.running = true;
  n->pub.job = job;
  pp = slot_of(c, key); /* drops above may have moved the chain */
  n->hnext = *pp;
  *pp = n;
  c->n++;
  *e = &n->pub;
  return DP_OK;
}

void dp_serve_cache_finish(dp_serve_cache_t *c, struct dp_serve_entry *pe,
                           struct dp_serve_result *r, double now_ms)
{
  struct centry *e = (struct centry *)pe;
  if (c == NULL || e == NULL || !e->pub.running)
    return;
  if (r != NULL)
    r->finished_ms = now_ms;
  if (e->orphan || r == NULL)
  {
    dp_serve_cache_abandon(c, pe);
    return;
  }
  e->pub.running = false;
  e->pub.job = NULL;
  e->pub.result = dp_serve_result_ref(r);
  e->prev = c->done_tail;
  e->next = NULL;
  if (c->done_tail != NULL)
    c->done_tail->next = e;
  else
    c->done_head = e;
  c->done_tail = e;
  prune(c, now_ms); /* with no interval the result is not kept at all */
}

void dp_serve_cache_abandon(dp_serve_cache_t *c, struct dp_serve_entry *pe)
{
  struct centry *e = (struct centry *)pe;
  if (c == NULL || e == NULL || !e->pub.running)
    return;
  if (e->orphan)
    orphan_unlink(c, e);
  else
    table_remove(c, e);
  free(e);
}

void dp_serve_cache_flush(dp_serve_cache_t *c)
{
  if (c == NULL)
    return;
  for (size_t b = 0; b < c->nbuckets; b++)
  {
    while (c->buckets[b] != NULL)
    {
      struct centry *e = c->buckets[b];
      c->buckets[b] = e->hnext;
      e->hnext = NULL;
      c->n--;
      if (!e->pub.running)
      {
        done_unlink(c, e);
        dp_serve_result_unref(e->pub.result);
        free(e);
        continue;
      }
      e->orphan = true;
      e->prev = NULL;
      e->next = c->orphans;
      if (c->orphans != NULL)
        c->orphans->prev = e;
      c->orphans = e;
    }
  }
}

size_t dp_serve_cache_size(const dp_serve_cache_t *c)
{
  return c != NULL ? c->n : 0;
}

void dp_serve_cache_destroy(dp_serve_cache_t *c)
{
  if (c == NULL)
    return;
  dp_serve_cache_flush(c);
  while (c->orphans != NULL)
  {
    struct centry *e = c->orphans;
    c->orphans = e->next;
    free(e);
  }
  free(c->buckets);
  free(c);
}

dp_status_t dp_serve_key_write(char *buf, size_t cap, const char *module,
                               const char *given,
                               const struct sockaddr_storage *addr,
                               const char *zone)
{
  char a[INET6_ADDRSTRLEN] = "?";
  unsigned port = 0;
  if (buf == NULL || cap == 0 || module == NULL || given == NULL ||
      addr == NULL || zone == NULL)
    return DP_EINVAL;
  if (addr->ss_family == AF_INET)
  {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)addr;
    inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
    port = ntohs(s4->sin_port);
  }
  else if (addr->ss_family == AF_INET6)
  {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)addr;
    inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
    port = ntohs(s6->sin6_port);
  }
  /* 0x1f (unit separator) never occurs in a module, target or zone */
  int n = snprintf(buf, cap, "%s\x1f%s\x1f%s\x1f%u\x1f%s", module, given, a,
                   port, zone);
  return n >= 0 && (size_t)n < cap ? DP_OK : DP_ESPACE;
}
