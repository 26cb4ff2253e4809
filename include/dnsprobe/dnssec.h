/*
 * dnssec.h: the DNSSEC checks of a zone as one server serves it.
 *
 * From a server's own answers to DNSKEY, SOA and NSEC3PARAM queries for
 * the zone (sent with DO=1 over TCP, so never truncated), dp_dnssec_check
 * tells whether the zone is signed, and for every RRSIG over those RRsets
 * its times, signer, key and whether it verifies (with libcrypto), then
 * turns what it saw into findings with stable keys and severities: the
 * signatures that expire or have expired (the outage re-signing that stops
 * causes), signatures not yet valid, bogus, orphaned or missing, the
 * algorithms RFC 8624 retires and the NSEC3 parameters RFC 9276 advises
 * against. dp_dnssec_ds_match matches a DS RRset from the parent against
 * the zone's DNSKEYs (RFC 4034 5.2, RFC 4035 5.2).
 *
 * The time is a parameter: nothing here reads the clock. Nothing here
 * prints or does I/O; results are plain structs the caller owns (about
 * 24 KiB for struct dp_dnssec_result, 3 KiB for the DS result).
 */
#ifndef DNSPROBE_DNSSEC_H
#define DNSPROBE_DNSSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsprobe/dnssec_wire.h"
#include "dnsprobe/status.h"
#include "dnsprobe/wire.h"

/* Default thresholds for expiring signatures (check_dnssec_expiry's). */
#define DP_DNSSEC_WARN_DEFAULT (7 * 86400)
#define DP_DNSSEC_CRIT_DEFAULT (2 * 86400)

#define DP_DNSSEC_KEYS_MAX DP_WIRE_RR_MAX
#define DP_DNSSEC_SIGS_MAX 32 /* RRSIGs described; all are checked */
#define DP_DNSSEC_FINDINGS_MAX 40
#define DP_DNSSEC_DETAIL_LEN 256
#define DP_DNSSEC_DIGEST_MAX 64 /* room for any DS digest computed here */
/* Signature verifications one check makes at most: a hostile answer with
 * 64 keys sharing a tag and 64 RRSIGs must not cost 4096 of them. */
#define DP_DNSSEC_VERIFY_BUDGET 32

/*
 * How serious a finding is. The same four levels, in the same order, as
 * dp_severity_t of result.h, kept here so that this module does not depend
 * on the result model; the battery maps one onto the other.
 */
typedef enum
{
  DP_DNSSEC_SEV_OK = 0,
  DP_DNSSEC_SEV_INFO,
  DP_DNSSEC_SEV_WARNING,
  DP_DNSSEC_SEV_CRITICAL,
} dp_dnssec_severity_t;

/* What checking one signature with one key gave. */
typedef enum
{
  DP_DNSSEC_VERIFY_NOT_CHECKED = 0, /* not attempted: see the sig's reason */
  DP_DNSSEC_VERIFY_VALID,           /* the signature verifies */
  DP_DNSSEC_VERIFY_BOGUS,           /* it does not verify with the key */
  DP_DNSSEC_VERIFY_BAD_KEY,         /* the DNSKEY holds no usable key of
                                       its algorithm */
  DP_DNSSEC_VERIFY_UNSUPPORTED,     /* libcrypto here cannot do the
                                       algorithm */
  DP_DNSSEC_VERIFY_ERROR,           /* libcrypto failed (out of memory) */
  DP_DNSSEC_VERIFY_MAX
} dp_dnssec_verify_t;

/* What the check found, by stable key (dp_dnssec_finding_tostr). */
typedef enum
{
  DP_DNSSEC_FINDING_EXPIRING = 0,          /* dnssec-expiring */
  DP_DNSSEC_FINDING_EXPIRED,               /* dnssec-expired */
  DP_DNSSEC_FINDING_INCEPTION_FUTURE,      /* dnssec-inception-future */
  DP_DNSSEC_FINDING_BOGUS_SIGNATURE,       /* dnssec-bogus-signature */
  DP_DNSSEC_FINDING_NO_MATCHING_KEY,       /* dnssec-no-matching-key */
  DP_DNSSEC_FINDING_SIGNER_MISMATCH,       /* dnssec-signer-mismatch */
  DP_DNSSEC_FINDING_MISSING_SIGNATURE,     /* dnssec-missing-signature */
  DP_DNSSEC_FINDING_NO_DNSKEY,             /* dnssec-no-dnskey */
  DP_DNSSEC_FINDING_ALGORITHM_DEPRECATED,  /* dnssec-algorithm-deprecated */
  DP_DNSSEC_FINDING_ALGORITHM_UNSUPPORTED, /* dnssec-algorithm-unsupported */
  DP_DNSSEC_FINDING_NSEC3_ITERATIONS,      /* dnssec-nsec3-iterations */
  DP_DNSSEC_FINDING_NSEC3_SALT,            /* dnssec-nsec3-salt */
  DP_DNSSEC_FINDING_ANSWER_UNUSABLE,       /* dnssec-answer-unusable */
  DP_DNSSEC_FINDING_VERIFY_LIMIT,          /* dnssec-verify-limit */
  DP_DNSSEC_FINDING_MAX
} dp_dnssec_finding_t;

typedef enum
{
  DP_DNSSEC_STATE_UNKNOWN = 0, /* the answers do not tell */
  DP_DNSSEC_STATE_UNSIGNED,    /* no DNSKEY and no RRSIG at the apex */
  DP_DNSSEC_STATE_SIGNED,
} dp_dnssec_state_t;

/* The answers to check: each the raw bytes of one reply message, NULL when
 * that query was not made. */
struct dp_dnssec_input
{
  const char *zone;     /* presentation form */
  int64_t now;          /* seconds since 1970-01-01T00:00:00Z */
  int64_t warn_seconds; /* expiring sooner: warning (DP_DNSSEC_WARN_DEFAULT) */
  int64_t crit_seconds; /* expiring sooner: critical (DP_DNSSEC_CRIT_DEFAULT) */
  const uint8_t *dnskey; /* DNSKEY <zone>, DO=1 */
  size_t dnskey_len;
  const uint8_t *soa; /* SOA <zone>, DO=1 */
  size_t soa_len;
  const uint8_t *nsec3param; /* NSEC3PARAM <zone>, DO=1 (optional) */
  size_t nsec3param_len;
};

/* How one answer read. */
struct dp_dnssec_answer
{
  bool given;       /* its bytes were passed */
  bool usable;      /* a reply to that question, NOERROR, read to its end,
                       not truncated, every record kept */
  uint16_t rcode;   /* 12-bit RCODE, when the header could be read */
  unsigned records; /* records of the type asked at the apex */
  unsigned rrsigs;  /* RRSIGs over them at the apex */
};

/* One DNSKEY of the zone. */
struct dp_dnssec_key
{
  uint16_t flags;
  uint8_t protocol;
  uint8_t algorithm;
  uint16_t key_tag;
  unsigned bits;     /* dp_wire_dnskey_bits; 0 when not a key of its alg */
  bool zone_key;     /* Zone Key flag and protocol 3 (RFC 4034 2.1.1-2) */
  bool sep;          /* Secure Entry Point flag (a KSK by convention) */
  bool revoked;      /* REVOKE flag (RFC 5011 7) */
  bool signs_dnskey; /* a valid RRSIG over the DNSKEY RRset is by this key */
};

/* One RRSIG over the DNSKEY, SOA or NSEC3PARAM RRset at the apex. */
struct dp_dnssec_sig
{
  uint16_t covered;
  uint8_t algorithm;
  uint8_t labels;
  uint32_t original_ttl;
  uint16_t key_tag;
  uint8_t signer[DP_DNS_NAME_MAX]; /* wire form, as sent */
  uint8_t signer_len;
  bool signer_is_zone;
  uint32_t inception, expiration; /* the fields as sent */
  int64_t inception_time;         /* seconds since 1970 (RFC 1982 read) */
  int64_t expiration_time;
  int64_t remaining; /* expiration_time - now; negative once expired */
  bool key_found;    /* a zone key with this tag and algorithm exists */
  int key;           /* keys[] index of the key that verified it, or -1 */
  dp_dnssec_verify_t verify;
  const char *not_checked; /* static key of why verify is NOT_CHECKED:
                              "signer", "no-dnskey-answer", "no-key",
                              "answer-unusable", "no-rrset", "limit",
                              "malformed"; NULL otherwise */
};

struct dp_dnssec_finding
{
  dp_dnssec_finding_t id;
  dp_dnssec_severity_t severity;
  uint16_t covered;  /* the RRset's type, 0 when not about one */
  uint8_t algorithm; /* the algorithm, 0 when not about one */
  unsigned count;    /* occurrences folded in; detail tells the worst */
  char detail[DP_DNSSEC_DETAIL_LEN]; /* one sentence */
};

struct dp_dnssec_result
{
  char zone[DP_WIRE_NAME_STRLEN]; /* canonical */
  int64_t now;
  dp_dnssec_state_t state;
  struct dp_dnssec_answer dnskey, soa, nsec3param;
  size_t nkeys;
  struct dp_dnssec_key keys[DP_DNSSEC_KEYS_MAX];
  size_t nsigs;     /* described in sigs[] */
  size_t sigs_seen; /* examined in all (findings cover them all) */
  struct dp_dnssec_sig sigs[DP_DNSSEC_SIGS_MAX];
  bool has_expiry;             /* at least one RRSIG was seen */
  int64_t earliest_expiration; /* seconds since 1970 */
  int64_t earliest_remaining;  /* seconds; negative once expired */
  uint16_t earliest_covered;
  bool algorithms[256]; /* used by a zone key or an RRSIG */
  bool nsec3;           /* an NSEC3PARAM at the apex */
  uint8_t nsec3_hash;
  uint8_t nsec3_flags;
  uint16_t nsec3_iterations;
  uint8_t nsec3_salt_len;
  uint8_t nsec3_salt[255];
  size_t nfindings;
  size_t findings_dropped; /* did not fit in findings[] */
  struct dp_dnssec_finding findings[DP_DNSSEC_FINDINGS_MAX];
  dp_dnssec_severity_t severity; /* the worst finding's, OK when none */
};

/**
 * Check the DNSSEC state of a zone from one server's answers.
 * An unsigned zone (no DNSKEY, no RRSIG at the apex) gets no finding.
 * @param in   the zone, the time, the thresholds (0 <= crit <= warn;
 *             both 0 gives the defaults) and the answers, at least one.
 * @param out  filled in full, also on error (then with no finding).
 * Returns DP_OK (what is wrong with the zone is in out->findings),
 * DP_EINVAL (NULL argument, no answer given, bad thresholds), a name
 * status of dp_wire_name_fromstr for a bad zone name, or DP_ENOMEM.
 */
dp_status_t dp_dnssec_check(const struct dp_dnssec_input *in,
                            struct dp_dnssec_result *out);

/* How one DS record matched. */
typedef enum
{
  DP_DNSSEC_DS_MATCH = 0,          /* digest of a zone key equals it */
  DP_DNSSEC_DS_NO_KEY,             /* no zone key with its tag and alg */
  DP_DNSSEC_DS_DIGEST_MISMATCH,    /* keys with its tag and alg, no match */
  DP_DNSSEC_DS_DIGEST_UNSUPPORTED, /* a digest type not computed here */
  DP_DNSSEC_DS_MALFORMED,          /* the DS RDATA could not be read */
  DP_DNSSEC_DS_MAX
} dp_dnssec_ds_outcome_t;

struct dp_dnssec_ds
{
  uint16_t key_tag;
  uint8_t algorithm;
  uint8_t digest_type;
  size_t digest_len;
  dp_dnssec_ds_outcome_t outcome;
  int key;               /* keys[] index of the matching key, or -1 */
  bool key_signs_dnskey; /* that key has a valid RRSIG over the DNSKEYs */
};

struct dp_dnssec_ds_result
{
  size_t nds;
  struct dp_dnssec_ds ds[DP_WIRE_RR_MAX];
  size_t nkeys;
  struct dp_dnssec_key keys[DP_DNSSEC_KEYS_MAX];
  bool secure_entry; /* a DS matches a key that signs the DNSKEY RRset
                        (RFC 4035 5.2): the chain of trust holds here */
};

/**
 * Match the DS records at the zone's name in ds_reply's answer section
 * (from the parent) against the DNSKEY records in dnskey_reply's (from a
 * server of the zone).
 * Returns DP_OK, DP_EINVAL (NULL argument), DP_EMALFORMED (a reply whose
 * header cannot be read), a name status for a bad zone name, or DP_ENOMEM.
 */
dp_status_t dp_dnssec_ds_match(const char *zone, const uint8_t *ds_reply,
                               size_t ds_len, const uint8_t *dnskey_reply,
                               size_t dnskey_len,
                               struct dp_dnssec_ds_result *out);

/**
 * Verify one RRSIG of msg with key: build what it signs
 * (dp_wire_rrsig_signed_data) in scratch, then check the signature with
 * libcrypto. The key's algorithm must be the RRSIG's.
 * @param scratch  cap bytes; DP_WIRE_SIGNED_DATA_MAX always suffices.
 * Returns BOGUS for an RRSIG whose RDATA cannot be read, whose Labels
 * exceed its owner's, or whose algorithm differs from the key's;
 * NOT_CHECKED when the RRset is not in msg or does not fit in scratch.
 */
dp_dnssec_verify_t dp_dnssec_verify_rrsig(const struct dp_wire_msg *msg,
                                          const struct dp_wire_rr *rrsig,
                                          const struct dp_wire_dnskey *key,
                                          uint8_t *scratch, size_t cap);

/**
 * Check signature sig over the len bytes at data with key, by algorithm
 * (RSA RFC 3110 and RFC 5702, ECDSA RFC 6605, EdDSA RFC 8080). Never
 * NOT_CHECKED.
 */
dp_dnssec_verify_t dp_dnssec_verify(uint8_t algorithm,
                                    const struct dp_wire_dnskey *key,
                                    struct dp_wire_span sig,
                                    const uint8_t *data, size_t len);

/** Whether this build's libcrypto can verify algorithm alg. */
bool dp_dnssec_algorithm_supported(uint8_t alg);

/** Whether this build's libcrypto can compute DS digest type type. */
bool dp_dnssec_digest_supported(uint8_t type);

/**
 * Compute a DS digest (RFC 4034 5.1.4, RFC 4509 2.1, RFC 6605 3) of the
 * len bytes at in (dp_wire_ds_digest_input's output).
 * Returns DP_OK, DP_EINVAL (NULL argument or a type this build cannot
 * compute), DP_ESPACE (cap below the digest size; DP_DNSSEC_DIGEST_MAX
 * always suffices) or
 * DP_ENOMEM.
 */
dp_status_t dp_dnssec_ds_digest(uint8_t type, const uint8_t *in, size_t len,
                                uint8_t *out, size_t cap, size_t *out_len);

/** Stable key of a finding ("dnssec-expired"); "unknown" out of range. */
const char *dp_dnssec_finding_tostr(dp_dnssec_finding_t id);

/** Finding from its key. Returns DP_OK or DP_EINVAL. */
dp_status_t dp_dnssec_finding_fromstr(const char *key, dp_dnssec_finding_t *id);

/** "ok", "info", "warning", "critical"; "unknown" out of range. */
const char *dp_dnssec_severity_tostr(dp_dnssec_severity_t s);

/** "not-checked", "valid", "bogus", "bad-key", "unsupported", "error". */
const char *dp_dnssec_verify_tostr(dp_dnssec_verify_t v);

/** "match", "no-key", "digest-mismatch", "digest-unsupported",
 * "malformed". */
const char *dp_dnssec_ds_outcome_tostr(dp_dnssec_ds_outcome_t o);

#endif
