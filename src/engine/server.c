/*
 * server.c: what the engine decides without doing any I/O, shared by the
 * real engine and the tests' engine on a virtual clock: whether two
 * addresses are one server.
 */
#include <netinet/in.h>
#include <string.h>

#include "dnsprobe/engine.h"

bool dp_engine_same_server(const struct sockaddr_storage *a,
                           const struct sockaddr_storage *b)
{
  const struct sockaddr *sa = (const struct sockaddr *)a;
  const struct sockaddr *sb = (const struct sockaddr *)b;
  if (sa->sa_family != sb->sa_family)
    return false;
  if (sa->sa_family == AF_INET6)
  {
    const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
    const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;
    return x->sin6_port == y->sin6_port &&
           x->sin6_scope_id == y->sin6_scope_id &&
           memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
  }
  const struct sockaddr_in *x = (const struct sockaddr_in *)a;
  const struct sockaddr_in *y = (const struct sockaddr_in *)b;
  return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
}
