/*
 * config.c: the exporter's configuration file, YAML in the blackbox
 * exporter's manner, read by libyaml into a document and checked whole:
 *
 *   allow_targets: [127.0.0.0/8, "::1", example.net]
 *   modules:
 *     default: {}
 *     authoritative:
 *       zone: example.net
 *       expect: authoritative
 *       require: [axfr=denied]
 *       timeout: 1500ms
 *
 * A module's keys are the command line's options of the same names; a
 * duration is a whole number and a unit (ms, s, m), so "timeout: 2" cannot
 * mean two milliseconds to one reader and two seconds to another.
 *
 * Invariants: the first problem found ends the parse with one line,
 * "PATH:LINE: problem", LINE counting from 1; the walk follows the schema
 * (at most four levels, bounded lists), so aliases, even cyclic ones,
 * cannot make it loop or blow up; no scalar with a NUL inside is read as
 * a shorter string; on any failure the configuration is left empty.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "dnsprobe/probes.h"
#include "dnsprobe/serve.h"

#define QUOTE_CAP 100
#define LIST_MAX 64          /* probe ids in probes or skip */
#define DEFAULT_TIMEOUT 2000 /* ms, as --timeout's default */
#define TIMEOUT_MAX 60000u   /* ms, as --timeout's maximum */

struct parse
{
  const char *path;
  char *err;
  size_t errcap;
  yaml_document_t *doc;
  struct dp_serve_config *cfg;
};

/* One line, "PATH:LINE: message", about node n. */
__attribute__((format(printf, 3, 4))) static dp_status_t
at(struct parse *p, const yaml_node_t *n, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (p->err != NULL && p->errcap > 0)
    snprintf(p->err, p->errcap, "%s:%lu: %s", p->path,
             (unsigned long)(n != NULL ? n->start_mark.line + 1 : 1), msg);
  return DP_EINVAL;
}

static yaml_node_t *node(struct parse *p, int id)
{
  return yaml_document_get_node(p->doc, id);
}

/* A scalar's text, or NULL when n is not a scalar or holds a NUL. */
static const char *scalar(const yaml_node_t *n)
{
  if (n == NULL || n->type != YAML_SCALAR_NODE)
    return NULL;
  const char *s = (const char *)n->data.scalar.value;
  if (strlen(s) != n->data.scalar.length)
    return NULL;
  return s;
}

/* "" written as `key:` with nothing after it: a YAML null. */
static bool is_empty(const yaml_node_t *n)
{
  return n != NULL && n->type == YAML_SCALAR_NODE &&
         n->data.scalar.length == 0 &&
         n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static const char *quoted(char *buf, const char *s)
{
  return dp_quote(buf, QUOTE_CAP, s, strlen(s));
}

/* The key of a mapping pair, as a string; an error for anything else. */
static dp_status_t key_of(struct parse *p, const yaml_node_pair_t *pair,
                          const char **key, yaml_node_t **kn)
{
  *kn = node(p, pair->key);
  *key = scalar(*kn);
  if (*key == NULL)
    return at(p, *kn, "a key must be a plain string");
  return DP_OK;
}

/* A mapping whose keys are all different. */
static dp_status_t mapping(struct parse *p, yaml_node_t *n, const char *what)
{
  if (n == NULL || n->type != YAML_MAPPING_NODE)
    return at(p, n, "%s must be a mapping (key: value)", what);
  for (yaml_node_pair_t *a = n->data.mapping.pairs.start;
       a < n->data.mapping.pairs.top; a++)
  {
    const char *ka;
    yaml_node_t *kna;
    if (key_of(p, a, &ka, &kna) != DP_OK)
      return DP_EINVAL;
    for (yaml_node_pair_t *b = n->data.mapping.pairs.start; b < a; b++)
    {
      const char *kb = scalar(node(p, b->key));
      if (kb != NULL && strcmp(ka, kb) == 0)
        return at(p, kna, "%s: key '%s' given twice", what, ka);
    }
  }
  return DP_OK;
}

/* A list of strings (a YAML sequence) or one string: each item to fn. */
typedef dp_status_t (*item_fn)(struct parse *p, yaml_node_t *n, const char *s,
                               void *arg);

static dp_status_t each_item(struct parse *p, yaml_node_t *n, const char *what,
                             size_t max, item_fn fn, void *arg)
{
  if (n != NULL && n->type == YAML_SCALAR_NODE)
  {
    const char *s = scalar(n);
    if (s == NULL)
      return at(p, n, "%s: a NUL byte in the value", what);
    return fn(p, n, s, arg);
  }
  if (n == NULL || n->type != YAML_SEQUENCE_NODE)
    return at(p, n, "%s must be a list of strings", what);
  size_t count =
      (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
  if (count > max)
    return at(p, n, "%s: more than %zu items", what, max);
  for (yaml_node_item_t *i = n->data.sequence.items.start;
       i < n->data.sequence.items.top; i++)
  {
    yaml_node_t *in = node(p, *i);
    const char *s = scalar(in);
    if (s == NULL)
      return at(p, in, "%s: each item must be a string", what);
    dp_status_t st = fn(p, in, s, arg);
    if (st != DP_OK)
      return st;
  }
  return DP_OK;
}

/* ---- values -------------------------------------------------------------- */

/* "1500ms", "2s", "1m" in milliseconds, from min to max. */
static dp_status_t duration(struct parse *p, yaml_node_t *n, const char *what,
                            unsigned min, unsigned max, unsigned *out)
{
  char q[QUOTE_CAP];
  const char *s = scalar(n);
  if (s == NULL)
    return at(p, n, "%s must be a duration such as 2s or 1500ms", what);
  unsigned long v = 0;
  size_t digits = 0;
  while (s[digits] >= '0' && s[digits] <= '9' && digits < 10)
  {
    v = v * 10 + (unsigned long)(s[digits] - '0');
    digits++;
  }
  const char *unit = s + digits;
  unsigned long scale = 0;
  if (strcmp(unit, "ms") == 0)
    scale = 1;
  else if (strcmp(unit, "s") == 0)
    scale = 1000;
  else if (strcmp(unit, "m") == 0)
    scale = 60000;
  if (digits == 0 || digits > 9 || scale == 0)
    return at(p, n,
              "%s '%s': a duration is a whole number and a unit, ms, s or m "
              "(2s, 1500ms)",
              what, quoted(q, s));
  v *= scale;
  if (v < min || v > max)
    return at(p, n, "%s '%s': must be from %ums to %ums", what, quoted(q, s),
              min, max);
  *out = (unsigned)v;
  return DP_OK;
}

static dp_status_t domain(struct parse *p, yaml_node_t *n, const char *what,
                          char *out, size_t cap)
{
  char q[QUOTE_CAP];
  const char *s = scalar(n);
  if (s == NULL || s[0] == '\0')
    return at(p, n, "%s must be a domain name ('.' for the root)", what);
  dp_status_t st = dp_wire_name_canon(s, out, cap);
  if (st != DP_OK)
    return at(p, n, "%s '%s': %s", what, quoted(q, s), dp_strerror(st));
  return DP_OK;
}

/* Probe ids joined with commas, for dp_probe_select. */
struct id_list
{
  char text[LIST_MAX * 16];
  size_t len;
};

static dp_status_t add_id(struct parse *p, yaml_node_t *n, const char *s,
                          void *arg)
{
  char q[QUOTE_CAP];
  struct id_list *l = arg;
  size_t sl = strlen(s);
  if (sl == 0 || strchr(s, ',') != NULL || l->len + sl + 2 > sizeof(l->text))
    return at(p, n, "probe id '%s': one id per item (see --list-probes)",
              quoted(q, s));
  if (l->len > 0)
    l->text[l->len++] = ',';
  memcpy(l->text + l->len, s, sl + 1);
  l->len += sl;
  return DP_OK;
}

/* probes: or skip: as a list, or as one comma-separated string. */
static dp_status_t probe_list(struct parse *p, yaml_node_t *n, const char *what,
                              struct id_list *l)
{
  char q[QUOTE_CAP];
  memset(l, 0, sizeof(*l));
  const char *s = scalar(n);
  if (s != NULL)
  {
    size_t sl = strlen(s);
    if (sl == 0 || sl >= sizeof(l->text) || s[0] == ',' || s[sl - 1] == ',' ||
        strstr(s, ",,") != NULL)
      return at(p, n, "%s '%s': probe ids separated by commas, or a list", what,
                quoted(q, s));
    memcpy(l->text, s, sl + 1);
    l->len = sl;
    return DP_OK;
  }
  dp_status_t st = each_item(p, n, what, LIST_MAX, add_id, l);
  if (st == DP_OK && l->len == 0)
    return at(p, n, "%s: an empty list", what);
  return st;
}

struct rules
{
  struct dp_expect_rule *rules;
  size_t *n;
  const char *what;
};

static dp_status_t add_rule(struct parse *p, yaml_node_t *n, const char *s,
                            void *arg)
{
  char q[QUOTE_CAP], why[128];
  struct rules *r = arg;
  if (*r->n >= DP_EXPECT_RULES_MAX)
    return at(p, n, "%s: more than %d rules", r->what, DP_EXPECT_RULES_MAX);
  if (dp_expect_rule_parse(s, &r->rules[*r->n], why, sizeof(why)) != DP_OK)
    return at(p, n, "%s '%s': %s", r->what, quoted(q, s), why);
  (*r->n)++;
  return DP_OK;
}

/* ---- a module ------------------------------------------------------------ */

bool dp_serve_module_name_ok(const char *s)
{
  static const char allowed[] = "abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
  size_t n = strlen(s);
  return n > 0 && n <= DP_SERVE_MODULE_MAX && strspn(s, allowed) == n;
}

void dp_serve_module_default(struct dp_serve_module *m, const char *name)
{
  memset(m, 0, sizeof(*m));
  snprintf(m->name, sizeof(m->name), "%s", name);
  m->probes = DP_PROBE_ALL;
  m->timeout_ms = DEFAULT_TIMEOUT;
  strcpy(m->zone, ".");
  m->family = AF_UNSPEC;
  m->fix_for = DP_SOFTWARE_UNKNOWN;
}

static dp_status_t module_parse(struct parse *p, yaml_node_t *kn,
                                const char *name, yaml_node_t *n,
                                struct dp_serve_module *m)
{
  char q[QUOTE_CAP], what[DP_SERVE_MODULE_MAX + 32];
  struct id_list only, skip;
  bool have_only = false, have_skip = false;
  dp_status_t st;

  if (!dp_serve_module_name_ok(name))
    return at(p, kn,
              "module '%s': a module name is 1 to %d letters, digits, '-' or "
              "'_'",
              quoted(q, name), DP_SERVE_MODULE_MAX);
  dp_serve_module_default(m, name);
  if (is_empty(n))
    return DP_OK;
  snprintf(what, sizeof(what), "module %s", name);
  if ((st = mapping(p, n, what)) != DP_OK)
    return st;
  for (yaml_node_pair_t *pair = n->data.mapping.pairs.start;
       pair < n->data.mapping.pairs.top; pair++)
  {
    const char *key;
    yaml_node_t *k, *v = node(p, pair->value);
    const char *s = scalar(v);
    (void)key_of(p, pair, &key, &k); /* checked by mapping() */
    snprintf(what, sizeof(what), "%s.%s", name, key);
    if (strcmp(key, "probes") == 0)
    {
      st = probe_list(p, v, what, &only);
      have_only = true;
    }
    else if (strcmp(key, "skip") == 0)
    {
      st = probe_list(p, v, what, &skip);
      have_skip = true;
    }
    else if (strcmp(key, "timeout") == 0)
      st = duration(p, v, what, 1, TIMEOUT_MAX, &m->timeout_ms);
    else if (strcmp(key, "spacing") == 0)
      st = duration(p, v, what, 0, TIMEOUT_MAX, &m->spacing_ms);
    else if (strcmp(key, "zone") == 0)
    {
      st = domain(p, v, what, m->zone, sizeof(m->zone));
      m->zone_given = true;
    }
    else if (strcmp(key, "recursion_name") == 0)
    {
      st = domain(p, v, what, m->recursion_name, sizeof(m->recursion_name));
      m->recursion_name_given = true;
    }
    else if (strcmp(key, "expect") == 0)
    {
      if (s == NULL ||
          dp_expect_profile_fromstr(s, &m->expect.profile) != DP_OK)
        st = at(p, v, "%s '%s': must be authoritative, resolver or auto", what,
                quoted(q, s != NULL ? s : ""));
      m->expect_given = true;
    }
    else if (strcmp(key, "require") == 0 || strcmp(key, "allow") == 0)
    {
      bool req = key[0] == 'r';
      struct rules r = {req ? m->expect.require : m->expect.allow,
                        req ? &m->expect.nrequire : &m->expect.nallow, what};
      st = each_item(p, v, what, DP_EXPECT_RULES_MAX, add_rule, &r);
      m->expect_given = true;
    }
    else if (strcmp(key, "fix_for") == 0)
    {
      if (s == NULL || dp_software_fromstr(s, &m->fix_for) != DP_OK)
        st = at(p, v,
                "%s '%s': must be bind, unbound, knot, nsd, pdns-auth, "
                "pdns-recursor, knot-resolver, dnsmasq, coredns or windows",
                what, quoted(q, s != NULL ? s : ""));
    }
    else if (strcmp(key, "ip") == 0)
    {
      if (s != NULL && strcmp(s, "4") == 0)
        m->family = AF_INET;
      else if (s != NULL && strcmp(s, "6") == 0)
        m->family = AF_INET6;
      else if (s != NULL && strcmp(s, "any") == 0)
        m->family = AF_UNSPEC;
      else
        st = at(p, v, "%s '%s': must be 4, 6 or any", what,
                quoted(q, s != NULL ? s : ""));
    }
    else
      st = at(p, k,
              "module %s: unknown key '%s' (probes, skip, timeout, spacing, "
              "zone, recursion_name, expect, require, allow, fix_for, ip)",
              name, quoted(q, key));
    if (st != DP_OK)
      return st;
  }
  if (have_only || have_skip)
  {
    const char *bad = NULL;
    if (dp_probe_select(have_only ? only.text : NULL,
                        have_skip ? skip.text : NULL, &m->probes,
                        &bad) != DP_OK)
      return at(p, kn, "module %s: unknown probe '%s' (see --list-probes)",
                name, quoted(q, bad != NULL ? bad : ""));
    if (m->probes == 0)
      return at(p, kn, "module %s: no probe left to run after skip", name);
  }
  return DP_OK;
}

/* ---- the document
 * ------------------------------------------------------------ */

static dp_status_t add_allow(struct parse *p, yaml_node_t *n, const char *s,
                             void *arg)
{
  char why[256];
  (void)arg;
  dp_status_t st = dp_serve_allow_add(&p->cfg->allow, s, why, sizeof(why));
  if (st == DP_ENOMEM)
    return st;
  if (st != DP_OK)
    return at(p, n, "allow_targets: %s", why);
  return DP_OK;
}

static dp_status_t modules_parse(struct parse *p, yaml_node_t *n)
{
  dp_status_t st = mapping(p, n, "modules");
  if (st != DP_OK)
    return st;
  size_t count =
      (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
  if (count == 0)
    return at(p, n,
              "modules: no module (remove the key for the built-in "
              "module 'default')");
  if (count > DP_SERVE_MODULES_MAX)
    return at(p, n, "modules: more than %d modules", DP_SERVE_MODULES_MAX);
  p->cfg->modules = calloc(count, sizeof(*p->cfg->modules));
  if (p->cfg->modules == NULL)
    return DP_ENOMEM;
  for (yaml_node_pair_t *pair = n->data.mapping.pairs.start;
       pair < n->data.mapping.pairs.top; pair++)
  {
    const char *name;
    yaml_node_t *k;
    (void)key_of(p, pair, &name, &k);
    st = module_parse(p, k, name, node(p, pair->value),
                      &p->cfg->modules[p->cfg->nmodules]);
    if (st != DP_OK)
      return st;
    p->cfg->nmodules++;
  }
  return DP_OK;
}

static dp_status_t document_parse(struct parse *p, yaml_node_t *root)
{
  char q[QUOTE_CAP];
  dp_status_t st;
  if (root == NULL)
    return at(p, NULL,
              "an empty configuration (give allow_targets or "
              "modules)");
  if ((st = mapping(p, root, "the configuration")) != DP_OK)
    return st;
  bool have_modules = false;
  for (yaml_node_pair_t *pair = root->data.mapping.pairs.start;
       pair < root->data.mapping.pairs.top; pair++)
  {
    const char *key;
    yaml_node_t *k, *v = node(p, pair->value);
    (void)key_of(p, pair, &key, &k);
    if (strcmp(key, "allow_targets") == 0)
      st = is_empty(v) ? DP_OK
                       : each_item(p, v, "allow_targets", DP_SERVE_ALLOW_MAX,
                                   add_allow, NULL);
    else if (strcmp(key, "modules") == 0)
    {
      st = modules_parse(p, v);
      have_modules = true;
    }
    else
      st = at(p, k, "unknown key '%s' (allow_targets and modules are known)",
              quoted(q, key));
    if (st != DP_OK)
      return st;
  }
  if (!have_modules)
  {
    p->cfg->modules = calloc(1, sizeof(*p->cfg->modules));
    if (p->cfg->modules == NULL)
      return DP_ENOMEM;
    dp_serve_module_default(&p->cfg->modules[0], "default");
    p->cfg->nmodules = 1;
  }
  return DP_OK;
}

dp_status_t dp_serve_config_parse(const char *text, size_t len,
                                  const char *path, struct dp_serve_config *cfg,
                                  char *err, size_t errcap)
{
  yaml_parser_t parser;
  yaml_document_t doc;
  struct parse p = {path != NULL ? path : "(config)", err, errcap, &doc, cfg};
  dp_status_t st;

  if (cfg == NULL || (text == NULL && len > 0))
    return DP_EINVAL;
  memset(cfg, 0, sizeof(*cfg));
  if (len > DP_SERVE_CONFIG_MAX)
    return at(&p, NULL, "longer than %d bytes", DP_SERVE_CONFIG_MAX);
  if (!yaml_parser_initialize(&parser))
    return DP_ENOMEM;
  yaml_parser_set_input_string(&parser,
                               (const unsigned char *)(text ? text : ""), len);
  if (!yaml_parser_load(&parser, &doc))
  {
    if (err != NULL && errcap > 0)
      snprintf(err, errcap, "%s:%lu: %s%s%s", p.path,
               (unsigned long)parser.problem_mark.line + 1,
               parser.problem != NULL ? parser.problem : "not YAML",
               parser.context != NULL ? " " : "",
               parser.context != NULL ? parser.context : "");
    st = parser.error == YAML_MEMORY_ERROR ? DP_ENOMEM : DP_EINVAL;
    yaml_parser_delete(&parser);
    return st;
  }
  st = document_parse(&p, yaml_document_get_root_node(&doc));
  yaml_document_delete(&doc);
  if (st == DP_OK)
  {
    /* one document only: a second one would be silently ignored */
    yaml_document_t next;
    if (!yaml_parser_load(&parser, &next))
    {
      if (err != NULL && errcap > 0)
        snprintf(err, errcap, "%s:%lu: %s", p.path,
                 (unsigned long)parser.problem_mark.line + 1,
                 parser.problem != NULL ? parser.problem : "not YAML");
      st = DP_EINVAL;
    }
    else
    {
      yaml_node_t *second = yaml_document_get_root_node(&next);
      if (second != NULL)
        st = at(&p, second, "a second YAML document (one is read)");
      yaml_document_delete(&next);
    }
  }
  yaml_parser_delete(&parser);
  if (st != DP_OK)
    dp_serve_config_clear(cfg);
  return st;
}

dp_status_t dp_serve_config_load(const char *path, struct dp_serve_config *cfg,
                                 char *err, size_t errcap)
{
  if (path == NULL || cfg == NULL)
    return DP_EINVAL;
  memset(cfg, 0, sizeof(*cfg));
  FILE *f = fopen(path, "rb");
  if (f == NULL)
  {
    if (err != NULL && errcap > 0)
      snprintf(err, errcap, "%s: cannot read: %s", path, strerror(errno));
    return DP_EIO;
  }
  char *buf = malloc(DP_SERVE_CONFIG_MAX + 1);
  if (buf == NULL)
  {
    fclose(f);
    return DP_ENOMEM;
  }
  size_t n = fread(buf, 1, DP_SERVE_CONFIG_MAX + 1, f);
  bool bad = ferror(f) != 0;
  int e = errno;
  fclose(f);
  dp_status_t st;
  if (bad || n > DP_SERVE_CONFIG_MAX)
  {
    if (err != NULL && errcap > 0)
    {
      if (bad)
        snprintf(err, errcap, "%s: cannot read: %s", path, strerror(e));
      else
        snprintf(err, errcap, "%s: longer than %d bytes", path,
                 DP_SERVE_CONFIG_MAX);
    }
    st = bad ? DP_EIO : DP_EINVAL;
  }
  else
    st = dp_serve_config_parse(buf, n, path, cfg, err, errcap);
  free(buf);
  return st;
}

dp_status_t dp_serve_config_default(struct dp_serve_config *cfg)
{
  if (cfg == NULL)
    return DP_EINVAL;
  memset(cfg, 0, sizeof(*cfg));
  cfg->modules = calloc(1, sizeof(*cfg->modules));
  if (cfg->modules == NULL)
    return DP_ENOMEM;
  dp_serve_module_default(&cfg->modules[0], "default");
  cfg->nmodules = 1;
  return DP_OK;
}

const struct dp_serve_module *
dp_serve_config_module(const struct dp_serve_config *cfg, const char *name)
{
  for (size_t i = 0; cfg != NULL && name != NULL && i < cfg->nmodules; i++)
    if (strcmp(cfg->modules[i].name, name) == 0)
      return &cfg->modules[i];
  return NULL;
}

void dp_serve_config_clear(struct dp_serve_config *cfg)
{
  if (cfg == NULL)
    return;
  free(cfg->modules);
  dp_serve_allow_clear(&cfg->allow);
  memset(cfg, 0, sizeof(*cfg));
}
