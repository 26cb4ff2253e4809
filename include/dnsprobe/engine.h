/*
 * engine.h: sends hand-built DNS messages and reads back exactly what came
 * back, on c-ares (1.18 to 1.34) driven by libevent (see
 * docs/design/engine.md). The only layer that includes ares.h; with
 * src/serve, the only one that includes event2/ (the engine owns the loop
 * and lends it: see dp_engine_event_base).
 *
 * A query goes on the wire byte for byte as the caller built it, except
 * that c-ares 1.22 and later choose its ID: the engine then writes the
 * caller's message under c-ares' ID and writes the caller's ID back into
 * every reply it delivers, so that callers see the same on every version.
 *
 * One exchange is one message to one server over UDP or TCP. UDP exchanges
 * to one server share one c-ares channel and socket while any of them is
 * queued or running (an ID in flight there gets a channel of its own); every
 * TCP exchange has its own channel and connection. A receive tap on the
 * channels' sockets records every reply with a timestamp and is the source
 * of truth: a reply with the query's ID ends the exchange whatever its
 * question section says. Transport outcomes are kept apart from RCODEs; a
 * socket error (an ICMP port unreachable, say) ends every exchange waiting
 * on that socket.
 */
#ifndef DNSPROBE_ENGINE_H
#define DNSPROBE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dnsprobe/ids.h"
#include "dnsprobe/status.h"

typedef struct dp_engine dp_engine_t;

struct event_base; /* libevent's loop: see dp_engine_event_base */

/* One message received, as the tap saw it. */
struct dp_engine_msg
{
  const uint8_t *data;
  size_t len;
  double at_ms; /* since the exchange's first send */
};

/* Everything an exchange produced. Borrowed: valid during the callback only. */
struct dp_engine_result
{
  dp_outcome_t outcome;
  int sys_errno; /* errno behind a transport outcome, or 0 */
  double rtt_ms; /* send to first reply; negative when none */
  size_t nmsgs;  /* messages received with the query's ID */
  const struct dp_engine_msg *first; /* the first of them, or NULL */
  size_t bytes;                      /* bytes of all those messages */
  bool stream_complete; /* the stream callback said DONE (or no stream) */
  bool limit_hit;       /* stopped at max_msgs or max_bytes */
  unsigned stray;       /* datagrams ignored: wrong ID or too short */
  bool closed_after;    /* TCP: the server closed after replying */
  bool connected;       /* TCP: the connection was established */
};

typedef enum
{
  DP_ENGINE_MORE = 0, /* keep reading the stream */
  DP_ENGINE_DONE,     /* the stream is complete */
} dp_engine_more_t;

/**
 * Called for each message with the query's ID on a streaming exchange
 * (AXFR, IXFR); index counts from 0. Returns whether the stream is complete.
 */
typedef dp_engine_more_t (*dp_engine_stream_fn)(void *arg, const uint8_t *msg,
                                                size_t len, size_t index);

/** Called once per exchange, from the event loop, when it ends. */
typedef void (*dp_engine_done_fn)(void *arg,
                                  const struct dp_engine_result *result);

struct dp_engine_request
{
  struct sockaddr_storage addr; /* server address and port */
  socklen_t addrlen;
  dp_transport_t transport;
  const uint8_t *msg; /* the query; copied by submit */
  size_t len;
  unsigned timeout_ms;        /* from the exchange's start to its end,
                                 1 to DP_ENGINE_TIMEOUT_MAX */
  dp_engine_stream_fn stream; /* NULL: the first reply ends the exchange */
  size_t max_msgs;            /* stream bounds; 0 picks the defaults */
  size_t max_bytes;
  dp_engine_done_fn done;
  /* Optional: called once, from the loop, right after the query went out
   * (a UDP datagram written, a TCP connection begun; on a local failure,
   * when it would have), always before done, never for an exchange the
   * engine drops when destroyed. It must not submit: it may run inside the
   * engine's start of an exchange. */
  void (*sent)(void *arg);
  void *arg;
};

struct dp_engine_options
{
  unsigned window;   /* exchanges in flight at most; 0: a default sized to
                        RLIMIT_NOFILE */
  unsigned rate_qps; /* exchanges started per second at most; 0: a default */
};

/* The longest timeout an exchange may have, in milliseconds. */
#define DP_ENGINE_TIMEOUT_MAX 60000u

/* Stream bounds when a request leaves them 0. */
#define DP_ENGINE_STREAM_MSGS_DEFAULT 1000
#define DP_ENGINE_STREAM_BYTES_DEFAULT (16u * 1024u * 1024u)

/**
 * Create an engine. Checks the c-ares version at run time (as
 * dp_engine_library_check). With the environment variable
 * DNSPROBE_WIRE_LOG naming a file, every query is appended to it as it is
 * handed to c-ares, one line each: "udp " or "tcp " and the message in hex.
 * Returns DP_OK, DP_ENOMEM, DP_EVERSION (c-ares semantics unsupported) or
 * DP_ECARES. *out is freed with dp_engine_destroy.
 */
dp_status_t dp_engine_create(const struct dp_engine_options *opt,
                             dp_engine_t **out);

/**
 * Whether two addresses name the same server: family, address, port and
 * (IPv6) scope. The engine shares a UDP socket per server by this rule;
 * callers that pace per server use it too.
 */
bool dp_engine_same_server(const struct sockaddr_storage *a,
                           const struct sockaddr_storage *b);

/**
 * The engine's clock: milliseconds on a monotonic clock, from an arbitrary
 * start. Callers that pace or time their exchanges read it here, so a test
 * engine on a virtual clock times them too.
 */
double dp_engine_now_ms(const dp_engine_t *eng);

/**
 * How busy the loop's process has been since the previous call: its CPU
 * time (user and system) over the engine's clock, 1.0 for one CPU kept
 * fully busy; 0 on the first call. The runner opens its window of targets
 * by it (a test engine on a virtual clock says 0: never busy).
 */
double dp_engine_busy(dp_engine_t *eng);

/**
 * Whether the c-ares loaded at run time is one this build supports: of the
 * family its headers were (1.18 to 1.21, 1.22 to 1.33, or 1.34), and no
 * older than them. On DP_EVERSION, err (when not NULL) gets one line that
 * names both versions. Returns DP_OK or DP_EVERSION.
 */
dp_status_t dp_engine_library_check(char *err, size_t cap);

/**
 * Whether c-ares version (0xMMmmpp, as ares_version() gives it) is one this
 * build supports: the rule dp_engine_library_check applies to the loaded
 * library.
 */
bool dp_engine_cares_supported(int version);

/**
 * Write the versions of the libraries the engine runs on into buf, as
 * snprintf does: "c-ares X (built against Y)\n" and
 * "libevent X (built against Y)\n", loaded first. Returns the length the
 * whole text has (which may exceed cap - 1).
 */
size_t dp_engine_versions(char *buf, size_t cap);

/**
 * The libevent loop the engine runs on, lent for as long as the engine
 * lives, to a layer that must serve other events on the same loop (the
 * exporter's HTTP server and signals; no threads). The engine creates and
 * frees it: every event the borrower adds must be freed before
 * dp_engine_destroy, and the loop is run only through dp_engine_run.
 * Returns NULL for NULL.
 */
struct event_base *dp_engine_event_base(dp_engine_t *eng);

/** Free an engine; exchanges not yet ended are dropped. NULL is a no-op. */
void dp_engine_destroy(dp_engine_t *eng);

/**
 * Queue an exchange. May be called from a done callback. The exchange starts
 * when the window and pacing allow; done is always called exactly once, from
 * dp_engine_run. A UDP query is at most 512 bytes (c-ares 1.18 would send a
 * longer one over TCP). The query's ID need not be unique: the engine keeps
 * exchanges with the same ID apart. Returns DP_OK, DP_EINVAL or DP_ENOMEM.
 */
dp_status_t dp_engine_submit(dp_engine_t *eng,
                             const struct dp_engine_request *req);

/**
 * Run the event loop until every queued exchange has ended or
 * dp_engine_stop is called. Returns DP_OK or DP_ESYS.
 */
dp_status_t dp_engine_run(dp_engine_t *eng);

/** Ask dp_engine_run to return soon (signal-safe is not required). */
void dp_engine_stop(dp_engine_t *eng);

/**
 * Stop the loop (as dp_engine_stop) when signo arrives, through libevent's
 * signal handling; dp_engine_run then returns DP_EINTERRUPTED. Each call
 * adds one signal to those watched (at most DP_ENGINE_SIGNALS_MAX; watching
 * one twice is a no-op). A negative signo stops watching them all: while a
 * signal is watched the loop does not end by itself when the last exchange
 * does. Returns DP_OK, DP_ERANGE (too many signals) or DP_ENOMEM.
 */
#define DP_ENGINE_SIGNALS_MAX 4
dp_status_t dp_engine_stop_on_signal(dp_engine_t *eng, int signo);

typedef struct dp_engine_timer dp_engine_timer_t;

/**
 * Call fn(arg) once, from the loop, after ms milliseconds. The handle is
 * valid until fn is called or the timer is cancelled.
 * Returns DP_OK, DP_EINVAL or DP_ENOMEM.
 */
dp_status_t dp_engine_timer_start(dp_engine_t *eng, unsigned ms,
                                  void (*fn)(void *arg), void *arg,
                                  dp_engine_timer_t **out);

/** Cancel and free a timer that has not fired. NULL is a no-op. */
void dp_engine_timer_cancel(dp_engine_timer_t *timer);

/**
 * The system's first configured name server, as c-ares reads it
 * (resolv_conf, or /etc/resolv.conf when NULL), with its port (53 unless
 * configured otherwise). Returns DP_OK, DP_ENOTFOUND (none configured) or
 * DP_ECARES.
 */
dp_status_t dp_engine_system_resolver(const char *resolv_conf,
                                      struct sockaddr_storage *addr,
                                      socklen_t *addrlen);

/** One address a host name resolved to. */
struct dp_engine_addr
{
  struct sockaddr_storage addr; /* port set to the requested port */
  socklen_t addrlen;
};

/**
 * Resolve a host name to its A and/or AAAA addresses through c-ares,
 * honouring /etc/hosts, synchronously (it runs its own short loop).
 * @param family  AF_UNSPEC, AF_INET or AF_INET6.
 * @param out     out: array of addresses, freed by the caller with free().
 * Returns DP_OK, DP_ENOTFOUND, DP_ENOMEM or DP_ECARES.
 */
dp_status_t dp_engine_resolve(const char *name, uint16_t port, int family,
                              unsigned timeout_ms, struct dp_engine_addr **out,
                              size_t *count);

/* A host-name lookup running on the engine's loop. */
typedef struct dp_engine_lookup dp_engine_lookup_t;

/**
 * A lookup's end: status DP_OK with count addresses (borrowed, valid during
 * the call only), or DP_ENOTFOUND (no address, or no answer in time),
 * DP_ENOMEM or DP_ECARES with none.
 */
typedef void (*dp_engine_resolved_fn)(void *arg, dp_status_t status,
                                      const struct dp_engine_addr *addrs,
                                      size_t count);

/**
 * Resolve a host name as dp_engine_resolve does (A and AAAA through c-ares,
 * /etc/hosts first, localhost as loopback, nothing asked for names under
 * invalid.), without blocking the loop: fn is called exactly once, from
 * the engine's loop and never inside this call, at the latest about three
 * times timeout_ms later. *out is valid until fn is called or the lookup
 * is cancelled. Returns DP_OK, DP_EINVAL, DP_ENOMEM or DP_ECARES (then fn
 * is never called).
 */
dp_status_t dp_engine_resolve_start(dp_engine_t *eng, const char *name,
                                    uint16_t port, int family,
                                    unsigned timeout_ms,
                                    dp_engine_resolved_fn fn, void *arg,
                                    dp_engine_lookup_t **out);

/**
 * Cancel a lookup whose fn has not been called yet: it never will be.
 * Not from inside its own fn. NULL is a no-op.
 */
void dp_engine_resolve_cancel(dp_engine_lookup_t *lk);

#endif
