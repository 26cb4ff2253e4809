/*
 * fake_engine.h: what a test sees of the fake engine (fake_engine.c): the
 * log of every exchange sent, with its virtual time, and the responder
 * that decides what comes back.
 */
#ifndef DNSPROBE_TEST_FAKE_ENGINE_H
#define DNSPROBE_TEST_FAKE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsprobe/engine.h"
#include "dnsprobe/wire.h"

/* One exchange as it was sent. */
struct fake_sent
{
  double at;         /* virtual ms */
  double replied_at; /* when its reply came, or -1 */
  dp_transport_t transport;
  struct sockaddr_storage addr;
  uint8_t msg[512];
  size_t len;
};

struct fake_log
{
  struct fake_sent *sent; /* in the order sent */
  size_t n;
};

/* What comes back to one exchange. */
struct fake_reply
{
  bool answer;          /* a reply; else the exchange ends with outcome */
  dp_outcome_t outcome; /* without a reply: timeout unless set */
  double delay_ms;
  uint8_t msg[512];
  size_t len;
  size_t index; /* the exchange's place in the log */
};

typedef void (*fake_responder_fn)(const struct fake_sent *q,
                                  struct fake_reply *r);

/** Every exchange since the last fake_log_reset. */
extern struct fake_log fake_log;
/** The responder; NULL: fake_reply_default. */
extern fake_responder_fn fake_responder;

/** What dp_engine_busy says: 0 (never busy) unless a test sets it. */
extern double fake_busy;

/** Empty the log. */
void fake_log_reset(void);

/** The question echoed with QR and AA, NOERROR (NOTIMP to an unknown
 * opcode), no records, after 1 ms. */
void fake_reply_default(const struct fake_sent *q, struct fake_reply *r);

/** The question echoed with QR, rcode and flags, no records, after 1 ms. */
void fake_reply_echo(const struct fake_sent *q, struct fake_reply *r,
                     uint16_t rcode, uint16_t flags);

#endif
