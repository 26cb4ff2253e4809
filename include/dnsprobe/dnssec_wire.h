/*
 * dnssec_wire.h: the DNSSEC records in wire form (no I/O, no cryptography).
 *
 * Bounded readers for the RDATA of DNSKEY, RRSIG, DS and NSEC3PARAM
 * (RFC 4034 2-5, RFC 5155 4) out of a message parsed by dp_wire_msg_parse,
 * the layouts of the public keys and signatures inside them (RFC 3110,
 * RFC 6605), key tags (RFC 4034 Appendix B), the data an RRSIG signs
 * (RFC 4034 3.1.8.1 and 6), the input of a DS digest (RFC 4034 5.1.4), and
 * RRSIG time arithmetic (RFC 4034 3.1.5, RFC 1982).
 *
 * Byte strings handed out (struct dp_wire_span) are borrowed from the
 * parsed message's buffer, or from the struct they were split from, and are
 * valid as long as it is. Every reader returns a status and never reads past
 * the record's RDATA.
 */
#ifndef DNSPROBE_DNSSEC_WIRE_H
#define DNSPROBE_DNSSEC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsprobe/dns.h"
#include "dnsprobe/status.h"
#include "dnsprobe/wire.h"

/* DNSSEC algorithm numbers (IANA "DNS Security Algorithm Numbers"). */
enum
{
  DP_DNSSEC_ALG_RSAMD5 = 1,
  DP_DNSSEC_ALG_DH = 2,
  DP_DNSSEC_ALG_DSA = 3,
  DP_DNSSEC_ALG_RSASHA1 = 5,
  DP_DNSSEC_ALG_DSA_NSEC3_SHA1 = 6,
  DP_DNSSEC_ALG_RSASHA1_NSEC3_SHA1 = 7,
  DP_DNSSEC_ALG_RSASHA256 = 8,
  DP_DNSSEC_ALG_RSASHA512 = 10,
  DP_DNSSEC_ALG_ECC_GOST = 12,
  DP_DNSSEC_ALG_ECDSAP256SHA256 = 13,
  DP_DNSSEC_ALG_ECDSAP384SHA384 = 14,
  DP_DNSSEC_ALG_ED25519 = 15,
  DP_DNSSEC_ALG_ED448 = 16,
  DP_DNSSEC_ALG_INDIRECT = 252,
  DP_DNSSEC_ALG_PRIVATEDNS = 253,
  DP_DNSSEC_ALG_PRIVATEOID = 254,
};

/* DS digest types (IANA "DNSSEC Delegation Signer (DS) Resource Record
 * (RR) Type Digest Algorithms"). */
enum
{
  DP_DS_DIGEST_SHA1 = 1,   /* RFC 4034 5.1.4 */
  DP_DS_DIGEST_SHA256 = 2, /* RFC 4509 */
  DP_DS_DIGEST_GOST = 3,   /* RFC 5933 */
  DP_DS_DIGEST_SHA384 = 4, /* RFC 6605 */
};

/* DNSKEY flags (RFC 4034 2.1.1, RFC 5011 7). */
enum
{
  DP_DNSKEY_FLAG_ZONE = 0x0100,
  DP_DNSKEY_FLAG_REVOKE = 0x0080,
  DP_DNSKEY_FLAG_SEP = 0x0001,
};

/* RFC 4034 2.1.2: the Protocol field of a DNSKEY must be 3. */
#define DP_DNSKEY_PROTOCOL 3

/* The fixed part of RRSIG RDATA before the signer's name (RFC 4034 3.1). */
#define DP_WIRE_RRSIG_FIXED 18

/*
 * Room that the signed data of any RRSIG of a parsed message fits in: the
 * RRSIG fields and signer (18 + 255), plus for each of the at most
 * DP_WIRE_RR_MAX records an owner (255), its fixed fields (10) and RDATA
 * whose names (at most two in the layouts expanded here) may each grow
 * from a 2-byte pointer to 255 bytes, plus every RDATA byte of the message.
 */
#define DP_WIRE_SIGNED_DATA_MAX                                                \
  (DP_WIRE_RRSIG_FIXED + DP_DNS_NAME_MAX +                                     \
   DP_WIRE_RR_MAX * (DP_DNS_NAME_MAX + 10 + 2 * DP_DNS_NAME_MAX) +             \
   DP_DNS_MAX_UDP)

/* Bytes borrowed from a parsed message (or from the span they were cut
 * from); data is NULL only when len is 0. */
struct dp_wire_span
{
  const uint8_t *data;
  size_t len;
};

/* DNSKEY RDATA (RFC 4034 2.1). */
struct dp_wire_dnskey
{
  uint16_t flags;
  uint8_t protocol;
  uint8_t algorithm;
  struct dp_wire_span key; /* the Public Key field */
  uint16_t key_tag;        /* RFC 4034 Appendix B, computed on reading */
};

/* RRSIG RDATA (RFC 4034 3.1). */
struct dp_wire_rrsig
{
  uint16_t type_covered;
  uint8_t algorithm;
  uint8_t labels;
  uint32_t original_ttl;
  uint32_t expiration; /* RFC 4034 3.1.5: serial-number time, see below */
  uint32_t inception;
  uint16_t key_tag;
  uint8_t signer[DP_DNS_NAME_MAX]; /* wire form as sent (not compressed) */
  size_t signer_len;
  struct dp_wire_span signature;
};

/* DS RDATA (RFC 4034 5.1). */
struct dp_wire_ds
{
  uint16_t key_tag;
  uint8_t algorithm;
  uint8_t digest_type;
  struct dp_wire_span digest;
};

/* NSEC3PARAM RDATA (RFC 5155 4.2). */
struct dp_wire_nsec3param
{
  uint8_t hash_algorithm;
  uint8_t flags;
  uint16_t iterations;
  struct dp_wire_span salt; /* 0 to 255 bytes */
};

/* An RSA public key as RFC 3110 2 lays it out in a DNSKEY. */
struct dp_wire_rsa_key
{
  struct dp_wire_span exponent;
  struct dp_wire_span modulus;
};

/* An ECDSA signature as RFC 6605 4 lays it out in an RRSIG: r then s. */
struct dp_wire_ecdsa_sig
{
  struct dp_wire_span r;
  struct dp_wire_span s;
};

/**
 * Read the RDATA of a DNSKEY record of msg, and compute its key tag.
 * Returns DP_OK, DP_EINVAL (NULL argument or rr not a DNSKEY) or
 * DP_EMALFORMED (RDATA shorter than its 4 fixed bytes, or outside msg).
 * An empty Public Key field reads as a key of length 0.
 */
dp_status_t dp_wire_dnskey_read(const struct dp_wire_msg *msg,
                                const struct dp_wire_rr *rr,
                                struct dp_wire_dnskey *out);

/**
 * Read the RDATA of an RRSIG record of msg. The signer's name must be
 * uncompressed (RFC 4034 3.1.7) and lie inside the RDATA.
 * Returns DP_OK, DP_EINVAL (NULL argument or rr not an RRSIG) or
 * DP_EMALFORMED.
 */
dp_status_t dp_wire_rrsig_read(const struct dp_wire_msg *msg,
                               const struct dp_wire_rr *rr,
                               struct dp_wire_rrsig *out);

/**
 * Read the RDATA of a DS record of msg.
 * Returns DP_OK, DP_EINVAL (NULL argument or rr not a DS) or DP_EMALFORMED.
 */
dp_status_t dp_wire_ds_read(const struct dp_wire_msg *msg,
                            const struct dp_wire_rr *rr,
                            struct dp_wire_ds *out);

/**
 * Read the RDATA of an NSEC3PARAM record of msg; bytes after the salt make
 * it malformed. Returns DP_OK, DP_EINVAL (NULL argument or rr not an
 * NSEC3PARAM) or DP_EMALFORMED.
 */
dp_status_t dp_wire_nsec3param_read(const struct dp_wire_msg *msg,
                                    const struct dp_wire_rr *rr,
                                    struct dp_wire_nsec3param *out);

/**
 * The key tag of a DNSKEY RDATA of len bytes (RFC 4034 Appendix B; for
 * algorithm 1, Appendix B.1: bits 8-23 from the end of the key). Defined
 * for any input: RDATA too short for algorithm 1 gives 0.
 */
uint16_t dp_wire_key_tag(const uint8_t *rdata, size_t len);

/**
 * Split an RSA public key (algorithms 1, 5, 7, 8, 10) into exponent and
 * modulus (RFC 3110 2: a 1-byte exponent length, or 0 and a 2-byte one).
 * Returns DP_OK, DP_EINVAL (NULL argument) or DP_EMALFORMED (a length past
 * the key, an empty exponent or an empty modulus).
 */
dp_status_t dp_wire_dnskey_rsa(const struct dp_wire_dnskey *key,
                               struct dp_wire_rsa_key *out);

/**
 * The size in bits of a DNSKEY's key: the RSA modulus without leading zero
 * bytes, the curve of ECDSA (256, 384) and EdDSA (255, 448) keys of the
 * right length; 0 when the key field does not hold a key of its algorithm
 * or the algorithm is not one of these.
 */
unsigned dp_wire_dnskey_bits(const struct dp_wire_dnskey *key);

/**
 * Split an ECDSA signature into r and s of field_len bytes each (RFC 6605
 * 4: 32 for P-256, 48 for P-384). Returns DP_OK, DP_EINVAL (NULL argument,
 * field_len 0) or DP_EMALFORMED (the signature is not 2 * field_len long).
 */
dp_status_t dp_wire_ecdsa_sig_split(struct dp_wire_span sig, size_t field_len,
                                    struct dp_wire_ecdsa_sig *out);

/**
 * Write the data an RRSIG of msg signs (RFC 4034 3.1.8.1): its RDATA up to
 * the signature with the signer lower-cased, then every record of msg in
 * the RRSIG's section with the RRSIG's owner and class and the covered
 * type, in canonical form (RFC 4034 6.2: owner lower-cased and, when the
 * Labels field is smaller than its label count, the wildcard owner of
 * RFC 4035 5.3.2; TTL = the Original TTL; names in the RDATA of the types
 * RFC 4034 6.2 lists, as RFC 6840 5.1 corrects it, decompressed and
 * lower-cased) and canonical order (RFC 4034 6.3: by RDATA, duplicates
 * once).
 * @param nrecords  out (may be NULL): records of the RRset written.
 * Returns DP_OK (possibly with no record: the RRset is not in msg),
 * DP_EINVAL (NULL argument, rr not an RRSIG), DP_EMALFORMED (the RRSIG or a
 * record of the set unreadable), DP_ERANGE (Labels larger than the owner's
 * label count, RFC 4035 5.3.1) or DP_ESPACE (cap too small for the
 * records as sent, duplicates included, which are dropped only once
 * sorted in place; DP_WIRE_SIGNED_DATA_MAX always suffices).
 */
dp_status_t dp_wire_rrsig_signed_data(const struct dp_wire_msg *msg,
                                      const struct dp_wire_rr *rrsig,
                                      uint8_t *out, size_t cap, size_t *len,
                                      unsigned *nrecords);

/**
 * Write what a DS digest is computed over for a DNSKEY record of msg
 * (RFC 4034 5.1.4): its owner in canonical form, then its RDATA.
 * Returns DP_OK, DP_EINVAL (NULL argument, rr not a DNSKEY),
 * DP_EMALFORMED or DP_ESPACE.
 */
dp_status_t dp_wire_ds_digest_input(const struct dp_wire_msg *msg,
                                    const struct dp_wire_rr *dnskey,
                                    uint8_t *out, size_t cap, size_t *len);

/**
 * Seconds from now to t, where t is an RRSIG time field: a 32-bit count of
 * seconds since 1970 modulo 2^32 (RFC 4034 3.1.5), read in serial-number
 * arithmetic (RFC 1982) as the value within 2^31 seconds of now. Negative
 * when t is in the past; a value exactly 2^31 away, which RFC 1982 leaves
 * undefined, counts as past.
 * @param now  seconds since 1970-01-01T00:00:00Z.
 */
int64_t dp_wire_sigtime_delta(uint32_t t, int64_t now);

/** The time t stands for, in seconds since 1970: now + the delta above. */
int64_t dp_wire_sigtime_abs(uint32_t t, int64_t now);

/**
 * Whether serial a is before serial b in RFC 1982 arithmetic (false when
 * equal or exactly 2^31 apart).
 */
bool dp_wire_serial_lt(uint32_t a, uint32_t b);

/**
 * Write a time (seconds since 1970, UTC) in the RRSIG presentation form
 * YYYYMMDDHHmmSS (RFC 4034 3.2), NUL-ended. Returns DP_OK, DP_EINVAL (out
 * NULL), DP_ERANGE (before 1970 or after 9999) or DP_ESPACE (cap < 15).
 */
dp_status_t dp_wire_sigtime_tostr(int64_t t, char *out, size_t cap);

/**
 * The mnemonic of a DNSSEC algorithm ("ECDSAP256SHA256", "ALG99" for one
 * not assigned). Always NUL-ends out when cap > 0.
 */
void dp_wire_dnssec_alg_tostr(uint8_t alg, char *out, size_t cap);

/**
 * The mnemonic of a DS digest type ("SHA-256", "DIGEST9" for one not
 * assigned). Always NUL-ends out when cap > 0.
 */
void dp_wire_ds_digest_tostr(uint8_t type, char *out, size_t cap);

#endif
