/*
 * serve.h: `dnsprobe serve`, a Prometheus exporter in the multi-target
 * pattern (GET /probe?target=...&module=...&zone=...) on the engine's own
 * loop: one libevent loop, the c-ares engine, no threads.
 *
 * The parts that decide (the target= syntax, the query string, the
 * allow-list, the YAML configuration and the result cache) are pure and
 * take the time as an argument, so that they are tested without a socket
 * or a clock; dp_serve_run puts them behind libevent's HTTP server.
 * Nothing here prints except dp_serve_run's request log.
 */
#ifndef DNSPROBE_SERVE_H
#define DNSPROBE_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "dnsprobe/expect.h"
#include "dnsprobe/ids.h"
#include "dnsprobe/knowledge.h"
#include "dnsprobe/result.h"
#include "dnsprobe/status.h"
#include "dnsprobe/wire.h"

/* Where the exporter listens by default: loopback only, on a port outside
 * Prometheus's exporter range (9100-9999, every port of it allocated to
 * some exporter), below Linux's ephemeral range, and not a port of a
 * common DNS tool (CoreDNS's metrics 9153, kube-dns's 10053-10055, BIND's
 * customary statistics channel 8053). */
#define DP_SERVE_LISTEN_DEFAULT "127.0.0.1"
#define DP_SERVE_PORT_DEFAULT 10953

#define DP_SERVE_TARGET_MAX 300     /* bytes of a target= value */
#define DP_SERVE_MODULE_MAX 63      /* bytes of a module name */
#define DP_SERVE_QUERY_MAX 2048     /* bytes of a request's query string */
#define DP_SERVE_ALLOW_MAX 1024     /* allow-list rules */
#define DP_SERVE_MODULES_MAX 256    /* modules of a configuration */
#define DP_SERVE_CONFIG_MAX 1048576 /* bytes of a configuration file */

/* ---- targets and the query string ---------------------------------------- */

/* A scrape's target= value: an address literal (addr set, with the port)
 * or a host name with a port, the syntax of the command line's TARGET. */
struct dp_serve_target
{
  char text[DP_SERVE_TARGET_MAX + 1]; /* as given */
  bool is_name;
  char host[DP_WIRE_NAME_STRLEN]; /* a name: canonical, trailing dot */
  uint16_t port;                  /* 53 unless given */
  struct sockaddr_storage addr;   /* an address literal, with the port */
  socklen_t addrlen;
};

/**
 * Parse a target: "192.0.2.1", "192.0.2.1:5301", "2001:db8::1",
 * "[2001:db8::1]:5301", "ns1.example" or "ns1.example:5301". A host name
 * is RFC 1123's (letters, digits, inner hyphens; a last label that is not
 * all digits); forms some resolvers read as addresses ("127.1") and the
 * unspecified addresses are refused, and so is port 0.
 * Returns DP_OK, or DP_EINVAL with one printable line in err (the target
 * quoted).
 */
dp_status_t dp_serve_target_parse(const char *text, struct dp_serve_target *t,
                                  char *err, size_t errcap);

/* What a /probe request asks for. */
struct dp_serve_query
{
  struct dp_serve_target target;
  char module[DP_SERVE_MODULE_MAX + 1]; /* "" when not given */
  bool zone_given;
  char zone[DP_WIRE_NAME_STRLEN]; /* canonical, when given */
};

/**
 * Parse a /probe request's query string (without the '?'; NULL or "" for
 * none) with libevent's decoder: target (required), module and zone,
 * each at most once; any other parameter, an empty or malformed value, a
 * control or non-ASCII byte (%00 included) is refused.
 * Returns DP_OK, or DP_EINVAL with one printable line in err: the reason a
 * 400 response gives.
 */
dp_status_t dp_serve_query_parse(const char *query, struct dp_serve_query *q,
                                 char *err, size_t errcap);

/* ---- the allow-list ------------------------------------------------------ */

/* One rule: a network (CIDR) or a host-name suffix. */
struct dp_serve_allow_rule
{
  bool is_name;
  int family;       /* AF_INET or AF_INET6, for a network */
  uint8_t addr[16]; /* the network, host bits cleared */
  unsigned prefix;
  char name[DP_WIRE_NAME_STRLEN]; /* a suffix: canonical, trailing dot */
};

/* Empty (all zero) allows nothing. */
struct dp_serve_allow
{
  size_t n, cap;                     /* rules held, room for */
  struct dp_serve_allow_rule *rules; /* owned */
};

/**
 * Add one rule: a network "192.0.2.0/24", "2001:db8::/32", or an address
 * alone (a /32 or /128), or a host-name suffix "example.net" (that name
 * and every name below it; "." for every name). Returns DP_OK, DP_EINVAL
 * (err says why, in one line), DP_ERANGE (more than DP_SERVE_ALLOW_MAX
 * rules) or DP_ENOMEM.
 */
dp_status_t dp_serve_allow_add(struct dp_serve_allow *a, const char *text,
                               char *err, size_t errcap);

/**
 * Whether an address (AF_INET or AF_INET6; port ignored) is inside one of
 * the networks. An IPv4-mapped IPv6 address is judged as the IPv4 address
 * it carries, where its packets go.
 */
bool dp_serve_allow_address(const struct dp_serve_allow *a,
                            const struct sockaddr_storage *ss);

/**
 * Whether a canonical host name (trailing dot) is one of the suffixes or
 * below one, at a label boundary: "example.net." allows "ns1.example.net."
 * but not "badexample.net.".
 */
bool dp_serve_allow_name(const struct dp_serve_allow *a, const char *name);

/** Append src's rules to dst. Returns DP_OK, DP_ERANGE or DP_ENOMEM. */
dp_status_t dp_serve_allow_merge(struct dp_serve_allow *dst,
                                 const struct dp_serve_allow *src);

/** Write rule r as it is given ("127.0.0.0/8", "example.net."). */
void dp_serve_allow_rule_write(const struct dp_serve_allow_rule *r, char *buf,
                               size_t cap);

/** Free the rules and empty a. NULL is a no-op. */
void dp_serve_allow_clear(struct dp_serve_allow *a);

/* ---- the configuration --------------------------------------------------- */

/**
 * Whether s can name a module: 1 to DP_SERVE_MODULE_MAX letters, digits,
 * '-' and '_' (the configuration's keys and the scrape's module= alike).
 */
bool dp_serve_module_name_ok(const char *s);

/* A module: how /probe?module=NAME probes, as the command line's options
 * would. */
struct dp_serve_module
{
  char name[DP_SERVE_MODULE_MAX + 1];
  dp_probe_set_t probes;
  unsigned timeout_ms; /* each query's, as --timeout */
  unsigned spacing_ms; /* as --spacing */
  bool zone_given;
  char zone[DP_WIRE_NAME_STRLEN]; /* canonical; "." when not given */
  bool recursion_name_given;
  char recursion_name[DP_WIRE_NAME_STRLEN]; /* canonical, when given */
  bool expect_given;                        /* expect, require or allow given */
  struct dp_expect expect;
  dp_software_t fix_for; /* DP_SOFTWARE_UNKNOWN: the identified one's */
  int family;            /* host-name targets: AF_UNSPEC, AF_INET, AF_INET6 */
};

struct dp_serve_config
{
  size_t nmodules;
  struct dp_serve_module *modules; /* owned */
  struct dp_serve_allow allow;
};

/** The built-in module: every probe, --timeout's default, the root zone. */
void dp_serve_module_default(struct dp_serve_module *m, const char *name);

/**
 * A configuration without a file: the built-in module, named "default",
 * and an empty allow-list. Returns DP_OK or DP_ENOMEM.
 */
dp_status_t dp_serve_config_default(struct dp_serve_config *cfg);

/**
 * Parse a configuration (YAML, through libyaml): a mapping with
 * allow_targets (a list of allow-list rules) and modules (a mapping of
 * module names to mappings of probes, skip, timeout, spacing, zone,
 * recursion_name, expect, require, allow, fix_for and ip). The whole text is
 * checked: a YAML error, an unknown or repeated key, a bad value or a
 * second document refuses it. path names the file in messages.
 * Returns DP_OK (cfg filled; free with dp_serve_config_clear) or DP_EINVAL
 * with one line in err, "PATH:LINE: problem" (cfg left empty), or
 * DP_ENOMEM.
 */
dp_status_t dp_serve_config_parse(const char *text, size_t len,
                                  const char *path, struct dp_serve_config *cfg,
                                  char *err, size_t errcap);

/**
 * Read and parse the file at path (at most DP_SERVE_CONFIG_MAX bytes).
 * Returns as dp_serve_config_parse, or DP_EIO with "PATH: why" in err.
 */
dp_status_t dp_serve_config_load(const char *path, struct dp_serve_config *cfg,
                                 char *err, size_t errcap);

/** The module named name, or NULL. */
const struct dp_serve_module *
dp_serve_config_module(const struct dp_serve_config *cfg, const char *name);

/** Free what cfg owns and empty it. NULL is a no-op. */
void dp_serve_config_clear(struct dp_serve_config *cfg);

/* ---- the result cache ---------------------------------------------------- */

/* A diagnosed target, shared by the cache and the requests that show it. */
struct dp_serve_result
{
  unsigned refs;
  double finished_ms; /* on the caller's clock */
  struct dp_target_result t;
};

/** A new result (one reference, t zeroed), or NULL. */
struct dp_serve_result *dp_serve_result_create(void);
/** One more reference to r; returns r. */
struct dp_serve_result *dp_serve_result_ref(struct dp_serve_result *r);
/** Drop a reference; the last frees r and its target. NULL is a no-op. */
void dp_serve_result_unref(struct dp_serve_result *r);

typedef enum
{
  DP_SERVE_MISS = 0, /* nothing fresh and nothing running: probe */
  DP_SERVE_HIT,      /* a result younger than the minimum interval */
  DP_SERVE_JOIN,     /* a battery for the key is running: wait for it */
} dp_serve_lookup_t;

/* A key's state in the cache. */
struct dp_serve_entry
{
  bool running;                   /* a battery is running for the key */
  void *job;                      /* while running: the caller's */
  struct dp_serve_result *result; /* when done (the cache's reference) */
};

typedef struct dp_serve_cache dp_serve_cache_t;

/**
 * A cache of at most cap keys that keeps a result min_interval_ms after it
 * finished. Returns DP_OK, DP_EINVAL (cap 0) or DP_ENOMEM.
 */
dp_status_t dp_serve_cache_create(size_t cap, unsigned min_interval_ms,
                                  dp_serve_cache_t **out);

/** Free the cache and its references. NULL is a no-op. */
void dp_serve_cache_destroy(dp_serve_cache_t *c);

/**
 * What a request for key should do at now_ms: DP_SERVE_HIT (*e holds the
 * result; its age is now_ms - result->finished_ms), DP_SERVE_JOIN (*e is
 * running) or DP_SERVE_MISS (*e NULL). Results older than the interval are
 * dropped first.
 */
dp_serve_lookup_t dp_serve_cache_lookup(dp_serve_cache_t *c, const char *key,
                                        double now_ms,
                                        struct dp_serve_entry **e);

/**
 * Record that a battery for key starts (after a MISS): *e is running, its
 * job the caller's. Returns DP_OK, DP_ERANGE (cap keys running already)
 * or DP_ENOMEM.
 */
dp_status_t dp_serve_cache_begin(dp_serve_cache_t *c, const char *key,
                                 double now_ms, void *job,
                                 struct dp_serve_entry **e);

/**
 * The battery of a running entry ended with r (the cache takes a reference
 * and sets r->finished_ms to now_ms); e is not running any more. When the
 * cache was flushed after begin, nothing is kept and e is freed. e must not
 * be used after this call.
 */
void dp_serve_cache_finish(dp_serve_cache_t *c, struct dp_serve_entry *e,
                           struct dp_serve_result *r, double now_ms);

/** A running entry ends without a result (its battery never ran). */
void dp_serve_cache_abandon(dp_serve_cache_t *c, struct dp_serve_entry *e);

/**
 * Forget every result (a new configuration: modules may mean something
 * else now); running entries finish without being kept.
 */
void dp_serve_cache_flush(dp_serve_cache_t *c);

/** Keys held: running, and done within the interval. */
size_t dp_serve_cache_size(const dp_serve_cache_t *c);

/**
 * The key of one battery: module, target as given, address and port,
 * zone. Returns DP_OK or DP_ESPACE.
 */
dp_status_t dp_serve_key_write(char *buf, size_t cap, const char *module,
                               const char *given,
                               const struct sockaddr_storage *addr,
                               const char *zone);

/* ---- the server ---------------------------------------------------------- */

#define DP_SERVE_IN_FLIGHT_DEFAULT 32
#define DP_SERVE_QUEUE_DEFAULT 128
#define DP_SERVE_MIN_INTERVAL_DEFAULT 10000 /* ms */
#define DP_SERVE_IDENTITY_TTL 300000        /* ms a CHAOS answer is reused */

struct dp_serve_options
{
  const char *listen_host; /* numeric address, no brackets */
  uint16_t listen_port;
  const char *config_path;     /* NULL: the built-in module */
  struct dp_serve_allow allow; /* --allow-target, added to the file's */
  unsigned max_in_flight;      /* batteries running at most */
  unsigned max_queue;          /* batteries waiting at most */
  unsigned min_interval_ms;    /* a target's results are reused this long */
  FILE *log;                   /* one logfmt line per request */
};

/**
 * Load the configuration, listen, and serve until SIGTERM or SIGINT; then
 * refuse new requests, finish those in flight and return. SIGHUP reloads
 * the configuration (a bad file is logged and the old one kept). It
 * returns with SIGTERM, SIGINT and SIGHUP blocked: the caller is about to
 * exit. Returns DP_OK after a stop, or DP_EINVAL (a bad configuration), DP_EIO
 * (it cannot be read), DP_ESYS (cannot listen), DP_ENOMEM, DP_ECARES or
 * DP_EVERSION, with one line in err.
 */
dp_status_t dp_serve_run(const struct dp_serve_options *opt, char *err,
                         size_t errcap);

#endif
