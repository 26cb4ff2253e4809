/*
 * cares_compat.h: the few c-ares calls whose form or meaning changed between
 * c-ares 1.18 and 1.34, behind one interface private to the engine.
 * cares_compat.c is the only file that knows which c-ares it was built for.
 *
 * Two families, chosen at build time by ARES_VERSION:
 * - 1.18 to 1.21 send the caller's buffer verbatim, ID included, and are
 *   given the replies the engine's tap has read.
 * - 1.22 and later choose their own query IDs, and from 1.28 parse and
 *   re-encode what they are given (dropping the Z bit, rejecting opcode 15,
 *   QDCOUNT 0 or 2, compressing an IXFR's authority SOA, adding or removing
 *   COOKIE options from 1.33). They are handed a stand-in query, and the
 *   engine's send tap writes its own bytes under the ID c-ares chose; they
 *   are never handed a reply (1.34 closes a socket, and ends every query
 *   on it, on a reply it cannot parse).
 */
#ifndef DNSPROBE_CARES_COMPAT_H
#define DNSPROBE_CARES_COMPAT_H

#include <ares.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

/* The engine's socket functions, in one form for every c-ares. Each gets the
 * arg of its dp_cares_tap_ctx and behaves as the system call it replaces
 * (errno set on failure). */
struct dp_cares_tap
{
  ares_socket_t (*socket)(int af, int type, int protocol, void *arg);
  int (*close)(ares_socket_t fd, void *arg);
  int (*connect)(ares_socket_t fd, const struct sockaddr *sa, socklen_t len,
                 void *arg);
  ssize_t (*recvfrom)(ares_socket_t fd, void *buf, size_t len, int flags,
                      struct sockaddr *from, socklen_t *fromlen, void *arg);
  ssize_t (*sendv)(ares_socket_t fd, const struct iovec *iov, int iovcnt,
                   void *arg);
};

/* What c-ares' socket functions get as their user data. It must outlive the
 * channel it is installed on. */
struct dp_cares_tap_ctx
{
  const struct dp_cares_tap *fns;
  void *arg;
};

/**
 * Whether this build's c-ares rewrites queries: true from 1.22 on (see the
 * top). Then c-ares must be handed the stand-in and never a reply, and the
 * send tap writes the engine's own bytes under c-ares' ID.
 */
extern const bool dp_cares_compat_rewrites;

/** The c-ares versions this build supports, in words ("1.18 to 1.21"). */
extern const char dp_cares_compat_family[];

/**
 * Whether a c-ares version (ares_version()'s number, 0xMMmmpp) is one this
 * build supports: one of the family it was compiled against, and no older
 * than the headers it was compiled with.
 */
bool dp_cares_compat_supports(int version);

/**
 * Add the version-specific channel options to o and *mask: the answer cache
 * off and server failover probes off where c-ares has them.
 */
void dp_cares_compat_options(struct ares_options *o, int *mask);

/** Install the tap as ch's socket functions. Returns an ARES_ status. */
int dp_cares_compat_set_tap(ares_channel ch,
                            const struct dp_cares_tap_ctx *ctx);

/**
 * Queue a query on ch. With dp_cares_compat_rewrites, c-ares gets a
 * stand-in and msg is not looked at. done(arg, status) is called once with
 * c-ares' status, maybe before this returns. *qid is the ID c-ares gave the
 * query when it says (c-ares 1.28 and later), else -1.
 */
void dp_cares_compat_send(ares_channel ch, const uint8_t *msg, size_t len,
                          void (*done)(void *arg, int status), void *arg,
                          int *qid);

/**
 * Make sa (AF_INET or AF_INET6, with its port) ch's only server, or remove
 * every server when sa is NULL (which closes the channel's sockets).
 * Returns an ARES_ status.
 */
int dp_cares_compat_set_server(ares_channel ch, const struct sockaddr *sa);

/**
 * The first server ch is configured with, and its port. Returns ARES_SUCCESS,
 * ARES_ENOTFOUND (none, or none of a family dnsprobe can use) or
 * ARES_ENOMEM.
 */
int dp_cares_compat_first_server(ares_channel ch, struct sockaddr_storage *ss,
                                 socklen_t *len);

#endif
