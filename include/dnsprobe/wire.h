/*
 * wire.h: dnsprobe's own DNS message codec (no I/O).
 *
 * The builder writes deliberately odd queries (any opcode, the Z bit, EDNS
 * version 1, unknown options and flags, an empty or doubled question, an IXFR
 * authority SOA). The parser is lenient and bounded: it reads what it can,
 * never reads past the buffer, never follows a compression pointer twice, and
 * records the first problem instead of failing the whole message.
 */
#ifndef DNSPROBE_WIRE_H
#define DNSPROBE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsprobe/dns.h"
#include "dnsprobe/status.h"

/* Longest presentation form of a name: every byte escaped as \DDD, dots, NUL.
 */
#define DP_WIRE_NAME_STRLEN 1025
#define DP_WIRE_EDNS_OPTS_MAX 8
#define DP_WIRE_RR_MAX 64
#define DP_WIRE_EDE_MAX 8
#define DP_WIRE_OPT_CODES_MAX 16

/* One EDNS option to send; data is borrowed for the duration of the write. */
struct dp_wire_edns_opt
{
  uint16_t code;
  uint16_t len;
  const uint8_t *data;
};

/* A query to build. Zero-initialise, then set what the probe needs. */
struct dp_wire_query
{
  uint16_t id;
  uint8_t opcode; /* 0-15 */
  bool aa, tc, rd, ra, z, ad, cd;
  uint8_t rcode; /* header RCODE bits, normally 0 */
  const char
      *qname; /* presentation form; relative names are taken as absolute */
  uint16_t qtype;
  uint16_t qclass;
  bool no_question;     /* QDCOUNT=0, no question written */
  bool double_question; /* the question written twice, QDCOUNT=2 */
  /* EDNS (RFC 6891): one OPT RR in the additional section when edns is set. */
  bool edns;
  uint8_t edns_version;
  uint16_t udp_size;
  bool do_bit;
  uint16_t edns_flags; /* other flag bits, OR-ed with DO */
  uint8_t ext_rcode;
  size_t nopts;
  struct dp_wire_edns_opt opts[DP_WIRE_EDNS_OPTS_MAX];
  /* IXFR (RFC 1995 3): the client's SOA in the authority section. */
  bool ixfr_soa;
  uint32_t ixfr_serial;
};

/**
 * Convert a presentation-form name ("example.test", "example.test.", ".",
 * with \. and \DDD escapes) to wire form.
 * @param text  NUL-terminated name; "" and "." are the root.
 * @param wire  output buffer, at least DP_DNS_NAME_MAX bytes to be safe.
 * @param cap   size of wire.
 * @param len   out: bytes written.
 * Returns DP_OK, DP_EINVAL (NULL argument), DP_ENAMELABEL, DP_ENAMELONG,
 * DP_ENAMEEMPTY, DP_ENAMESYNTAX, or DP_ESPACE.
 */
dp_status_t dp_wire_name_fromstr(const char *text, uint8_t *wire, size_t cap,
                                 size_t *len);

/**
 * Convert an uncompressed wire-form name to presentation form with a trailing
 * dot ("example.test.", "." for the root), escaping as RFC 4343 does.
 * Returns DP_OK, DP_EMALFORMED (bad wire name) or DP_ESPACE.
 */
dp_status_t dp_wire_name_tostr(const uint8_t *wire, size_t len, char *out,
                               size_t cap);

/**
 * Canonicalise a presentation-form name: validate it, lower-case it and add
 * the trailing dot. Same statuses as dp_wire_name_fromstr.
 */
dp_status_t dp_wire_name_canon(const char *text, char *out, size_t cap);

/**
 * Whether two uncompressed wire-form names (alen and blen bytes) are the
 * same name: equal once ASCII letters are folded (RFC 4343 3).
 */
bool dp_wire_name_equal(const uint8_t *a, size_t alen, const uint8_t *b,
                        size_t blen);

/**
 * Read a possibly compressed name at offset off of a message into wire form.
 * @param next  out (may be NULL): offset just past the name at off.
 * Never follows more pointers than the message could hold, never reads past
 * len. Returns DP_OK, DP_EMALFORMED or DP_ESPACE.
 */
dp_status_t dp_wire_name_read(const uint8_t *msg, size_t len, size_t off,
                              uint8_t *out, size_t cap, size_t *outlen,
                              size_t *next);

/**
 * Build a query message.
 * Returns DP_OK, DP_EINVAL (NULL argument, opcode > 15, too many options),
 * a name status from dp_wire_name_fromstr, or DP_ESPACE.
 */
dp_status_t dp_wire_query_write(const struct dp_wire_query *q, uint8_t *buf,
                                size_t cap, size_t *len);

enum dp_wire_section
{
  DP_SECTION_QUESTION = 0,
  DP_SECTION_ANSWER = 1,
  DP_SECTION_AUTHORITY = 2,
  DP_SECTION_ADDITIONAL = 3,
};

/* One resource record as parsed; offsets point into the parsed buffer. */
struct dp_wire_rr
{
  uint8_t section; /* enum dp_wire_section */
  uint16_t type;
  uint16_t rclass;
  uint32_t ttl;
  uint16_t rdlength;
  uint16_t owner_off; /* offset of the (possibly compressed) owner name */
  uint16_t rdata_off;
};

struct dp_wire_ede
{
  uint16_t code;
  uint16_t text_off; /* EXTRA-TEXT: offset and length in the buffer */
  uint16_t text_len;
};

/* What the OPT RR (RFC 6891) of a reply said. */
struct dp_wire_opt_info
{
  bool present;
  unsigned count;      /* OPT RRs seen (more than one is FORMERR material) */
  bool owner_not_root; /* RFC 6891 6.1.2: owner must be the root */
  uint16_t udp_size;
  uint8_t ext_rcode; /* upper 8 bits of the 12-bit RCODE */
  uint8_t version;
  uint16_t flags; /* the whole 16-bit flags field, DO included */
  bool do_bit;
  bool nsid_present;
  uint16_t nsid_off, nsid_len;
  bool cookie_present;
  uint16_t cookie_off, cookie_len;
  unsigned nede; /* EDE options kept (at most DP_WIRE_EDE_MAX) */
  struct dp_wire_ede ede[DP_WIRE_EDE_MAX];
  unsigned ncodes; /* option codes seen, in order, at most OPT_CODES_MAX */
  uint16_t codes[DP_WIRE_OPT_CODES_MAX];
  bool malformed; /* an option ran past RDLENGTH or was badly sized */
};

/* A parsed reply. buf is borrowed from the caller of dp_wire_msg_parse. */
struct dp_wire_msg
{
  const uint8_t *buf;
  size_t len;
  uint16_t id;
  uint16_t flags; /* raw second header word */
  uint8_t opcode;
  uint8_t hdr_rcode; /* the 4 header bits */
  uint16_t rcode;    /* 12-bit RCODE: header bits + OPT extended RCODE */
  bool qr, aa, tc, rd, ra, z, ad, cd;
  uint16_t qdcount, ancount, nscount, arcount;
  /* the first question, when one could be read */
  bool has_question;
  uint16_t qname_off;
  uint16_t qtype, qclass;
  /* records of the answer, authority and additional sections, in order */
  unsigned nrr;       /* kept in rr[] (at most DP_WIRE_RR_MAX) */
  unsigned rr_parsed; /* parsed in all (may exceed nrr) */
  struct dp_wire_rr rr[DP_WIRE_RR_MAX];
  unsigned section_parsed[4]; /* records parsed per section */
  unsigned answer_soa;        /* SOA records in the answer section */
  bool has_soa_serial;        /* the first SOA in the answer section */
  uint32_t soa_serial;
  bool last_answer_is_soa; /* the answer section's last record */
  uint32_t last_answer_soa_serial;
  struct dp_wire_opt_info opt;
  /* the first problem met, if any; parsing stops at a structural problem */
  bool complete;
  dp_status_t problem; /* DP_OK when complete */
  uint8_t problem_section;
  size_t problem_off;
  const char *problem_what; /* static text: "compression loop", ... */
};

/**
 * Parse a DNS message leniently.
 * Returns DP_OK once the 12-byte header could be read (msg->complete tells
 * whether the rest could), DP_EMALFORMED when even the header is short, and
 * DP_EINVAL for NULL arguments. msg->buf borrows buf.
 */
dp_status_t dp_wire_msg_parse(const uint8_t *buf, size_t len,
                              struct dp_wire_msg *msg);

/**
 * Read the serial of an SOA record of a parsed message.
 * Returns DP_OK, DP_EINVAL (not an SOA) or DP_EMALFORMED.
 */
dp_status_t dp_wire_soa_serial(const struct dp_wire_msg *msg,
                               const struct dp_wire_rr *rr, uint32_t *serial);

/**
 * Concatenate the character-strings of a TXT record into out (NUL-ended,
 * non-printable bytes escaped as \DDD, cut to cap). Returns DP_OK,
 * DP_EINVAL (not TXT) or DP_EMALFORMED.
 */
dp_status_t dp_wire_txt_tostr(const struct dp_wire_msg *msg,
                              const struct dp_wire_rr *rr, char *out,
                              size_t cap);

/**
 * Whether the owner name of rr equals name (wire form), case-insensitively.
 */
bool dp_wire_rr_owner_is(const struct dp_wire_msg *msg,
                         const struct dp_wire_rr *rr, const uint8_t *name,
                         size_t name_len);

/**
 * The EXTRA-TEXT of Extended DNS Error i of a parsed message (i <
 * msg->opt.nede) as printable text: bytes 0x20-0x7e except the backslash as
 * they are, every other byte as \DDD, cut at a whole character where fewer
 * than six bytes of out remain. out is always NUL-ended ("" on error).
 * Returns DP_OK, DP_EINVAL (no such EDE, NULL argument) or DP_EMALFORMED.
 */
dp_status_t dp_wire_ede_text(const struct dp_wire_msg *msg, unsigned i,
                             char *out, size_t cap);

/**
 * The NSID payload (RFC 5001) of a parsed message as printable text, as
 * dp_wire_ede_text writes it. Returns DP_OK, DP_EINVAL (no NSID option)
 * or DP_EMALFORMED.
 */
dp_status_t dp_wire_nsid_text(const struct dp_wire_msg *msg, char *out,
                              size_t cap);

/**
 * Whether the message has exactly one question and it is name (wire form,
 * compared case-insensitively, RFC 4343), qtype and qclass.
 */
bool dp_wire_question_is(const struct dp_wire_msg *msg, const uint8_t *name,
                         size_t name_len, uint16_t qtype, uint16_t qclass);

/**
 * The name of the message's first question as the message carries it:
 * uncompressed wire form, every byte as sent, letters in their case (RFC
 * 1035 4.1.2: a response copies the question).
 * @param out  at least DP_DNS_NAME_MAX bytes to be safe.
 * @param len  out: bytes written.
 * Returns DP_OK, DP_EINVAL (NULL argument, no question), DP_EMALFORMED or
 * DP_ESPACE.
 */
dp_status_t dp_wire_qname(const struct dp_wire_msg *msg, uint8_t *out,
                          size_t cap, size_t *len);

/**
 * Whether the message has exactly one question and it is name (wire form),
 * qtype and qclass byte for byte: the name's letters in the same case, as
 * resolvers that randomise case (DNS 0x20) require of an answer.
 */
bool dp_wire_question_exact(const struct dp_wire_msg *msg, const uint8_t *name,
                            size_t name_len, uint16_t qtype, uint16_t qclass);

/**
 * Mnemonic of an RR type ("SOA", "TYPE1000") into out. Always NUL-ends out.
 */
void dp_wire_type_tostr(uint16_t type, char *out, size_t cap);

/** Mnemonic of a class ("IN", "CH", "CLASS9"). Always NUL-ends out. */
void dp_wire_class_tostr(uint16_t rclass, char *out, size_t cap);

/**
 * Parse a type mnemonic or TYPEnnn. Returns DP_OK or DP_EINVAL.
 */
dp_status_t dp_wire_type_fromstr(const char *text, uint16_t *type);

#endif
