/*
 * dnssec_crypto.c: DNSSEC signature verification and DS digests through
 * OpenSSL's libcrypto (3.0 API); no cryptography is written here.
 *
 * Algorithms: RSA with SHA-1, SHA-256, SHA-512 (5, 7, 8, 10; keys as
 * RFC 3110 2 lays them out, sizes as RFC 3110 2 and RFC 5702 2 bound them),
 * ECDSA P-256 and P-384 (13, 14; RFC 6605 4: keys X | Y, signatures r | s),
 * Ed25519 and Ed448 (15, 16; RFC 8080 3-4). Digests: SHA-1, SHA-256,
 * SHA-384 (DS types 1, 2, 4).
 *
 * Invariants: this is the only file that includes OpenSSL headers. Key and
 * signature bytes arrive already split by the wire layer
 * (dnssec_wire.h); every libcrypto object is freed on every path (goto
 * done), and libcrypto's error queue is cleared after a failure so it
 * never leaks into another caller's. An RSA key over 4096 bits is refused
 * before libcrypto sees it, which bounds the cost of a hostile key.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "dnsprobe/dnssec.h"

/* RFC 3110 2 and RFC 5702 2.1-2.2: modulus 512 (1024 for SHA-512) to
 * 4096 bits; the exponent at most 4096 bits as well. */
#define RSA_BITS_MIN 512
#define RSA_SHA512_BITS_MIN 1024
#define RSA_BITS_MAX 4096

/* What libcrypto calls the pieces of an algorithm. */
struct alg_names
{
  uint8_t alg;
  const char *keytype;   /* key management */
  const char *signature; /* signature operation */
  const char *digest;    /* NULL for EdDSA, which hashes inside */
  size_t field;          /* ECDSA coordinate, EdDSA key length */
  size_t sig_len;        /* EdDSA signature length */
};

static const struct alg_names algs[] = {
    {DP_DNSSEC_ALG_RSASHA1, "RSA", "RSA", "SHA1", 0, 0},
    {DP_DNSSEC_ALG_RSASHA1_NSEC3_SHA1, "RSA", "RSA", "SHA1", 0, 0},
    {DP_DNSSEC_ALG_RSASHA256, "RSA", "RSA", "SHA256", 0, 0},
    {DP_DNSSEC_ALG_RSASHA512, "RSA", "RSA", "SHA512", 0, 0},
    {DP_DNSSEC_ALG_ECDSAP256SHA256, "EC", "ECDSA", "SHA256", 32, 0},
    {DP_DNSSEC_ALG_ECDSAP384SHA384, "EC", "ECDSA", "SHA384", 48, 0},
    {DP_DNSSEC_ALG_ED25519, "ED25519", "ED25519", NULL, 32, 64},
    {DP_DNSSEC_ALG_ED448, "ED448", "ED448", NULL, 57, 114},
};

static const struct alg_names *alg_lookup(uint8_t alg)
{
  for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
  {
    if (algs[i].alg == alg)
      return &algs[i];
  }
  return NULL;
}

static const char *digest_name(uint8_t type)
{
  switch (type)
  {
  case DP_DS_DIGEST_SHA1:
    return "SHA1";
  case DP_DS_DIGEST_SHA256:
    return "SHA256";
  case DP_DS_DIGEST_SHA384:
    return "SHA384";
  default:
    return NULL;
  }
}

/* Whether libcrypto here has a digest (a provider may leave one out). */
static bool have_digest(const char *name)
{
  EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
  EVP_MD_free(md);
  return md != NULL;
}

bool dp_dnssec_algorithm_supported(uint8_t alg)
{
  const struct alg_names *a = alg_lookup(alg);

  if (a == NULL)
    return false;
  EVP_KEYMGMT *km = EVP_KEYMGMT_fetch(NULL, a->keytype, NULL);
  EVP_SIGNATURE *sig = EVP_SIGNATURE_fetch(NULL, a->signature, NULL);
  bool ok = km != NULL && sig != NULL &&
            (a->digest == NULL || have_digest(a->digest));
  EVP_KEYMGMT_free(km);
  EVP_SIGNATURE_free(sig);
  ERR_clear_error();
  return ok;
}

bool dp_dnssec_digest_supported(uint8_t type)
{
  const char *name = digest_name(type);
  bool ok = name != NULL && have_digest(name);
  ERR_clear_error();
  return ok;
}

/* ---- public keys -------------------------------------------------------- */

static dp_dnssec_verify_t pkey_fromdata(const char *type, OSSL_PARAM *params,
                                        EVP_PKEY **pkey)
{
  dp_dnssec_verify_t v = DP_DNSSEC_VERIFY_BAD_KEY;
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);

  if (ctx == NULL)
    return DP_DNSSEC_VERIFY_UNSUPPORTED;
  if (EVP_PKEY_fromdata_init(ctx) > 0 &&
      EVP_PKEY_fromdata(ctx, pkey, EVP_PKEY_PUBLIC_KEY, params) > 0)
    v = DP_DNSSEC_VERIFY_VALID;
  EVP_PKEY_CTX_free(ctx);
  return v;
}

/* RFC 3110 2: exponent and modulus as unsigned big-endian integers. */
static dp_dnssec_verify_t rsa_key(const struct dp_wire_dnskey *key,
                                  EVP_PKEY **pkey)
{
  struct dp_wire_rsa_key rsa;
  dp_dnssec_verify_t v = DP_DNSSEC_VERIFY_ERROR;
  BIGNUM *n = NULL, *e = NULL;
  OSSL_PARAM_BLD *bld = NULL;
  OSSL_PARAM *params = NULL;
  unsigned bits = dp_wire_dnskey_bits(key);
  unsigned min = key->algorithm == DP_DNSSEC_ALG_RSASHA512 ? RSA_SHA512_BITS_MIN
                                                           : RSA_BITS_MIN;

  if (dp_wire_dnskey_rsa(key, &rsa) != DP_OK || bits < min ||
      bits > RSA_BITS_MAX || rsa.exponent.len > RSA_BITS_MAX / 8)
    return DP_DNSSEC_VERIFY_BAD_KEY;
  n = BN_bin2bn(rsa.modulus.data, (int)rsa.modulus.len, NULL);
  e = BN_bin2bn(rsa.exponent.data, (int)rsa.exponent.len, NULL);
  bld = OSSL_PARAM_BLD_new();
  if (n == NULL || e == NULL || bld == NULL ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
      (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
    goto done;
  v = pkey_fromdata("RSA", params, pkey);

done:
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(n);
  BN_free(e);
  return v;
}

/* RFC 6605 4: the key is X | Y; libcrypto takes the SEC 1 point 04 | X | Y. */
static dp_dnssec_verify_t ec_key(const struct dp_wire_dnskey *key,
                                 const struct alg_names *a, EVP_PKEY **pkey)
{
  uint8_t point[1 + 2 * 48];
  char group[16];

  if (key->key.len != 2 * a->field)
    return DP_DNSSEC_VERIFY_BAD_KEY;
  point[0] = 0x04;
  memcpy(point + 1, key->key.data, key->key.len);
  strcpy(group, a->field == 32 ? "prime256v1" : "secp384r1");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point,
                                        1 + key->key.len),
      OSSL_PARAM_construct_end(),
  };
  return pkey_fromdata("EC", params, pkey);
}

/* RFC 8080 3: the key is the raw public key of RFC 8032. */
static dp_dnssec_verify_t ed_key(const struct dp_wire_dnskey *key,
                                 const struct alg_names *a, EVP_PKEY **pkey)
{
  if (key->key.len != a->field)
    return DP_DNSSEC_VERIFY_BAD_KEY;
  *pkey = EVP_PKEY_new_raw_public_key_ex(NULL, a->keytype, NULL, key->key.data,
                                         key->key.len);
  return *pkey != NULL ? DP_DNSSEC_VERIFY_VALID : DP_DNSSEC_VERIFY_BAD_KEY;
}

/* ---- signatures --------------------------------------------------------- */

/*
 * RFC 6605 4: the signature is r | s; libcrypto verifies the DER form of
 * ECDSA-Sig-Value. A signature of another length cannot be valid.
 * On success *der is allocated by libcrypto (OPENSSL_free).
 */
static dp_dnssec_verify_t ecdsa_der(struct dp_wire_span sig, size_t field,
                                    uint8_t **der, int *der_len)
{
  struct dp_wire_ecdsa_sig rs;
  dp_dnssec_verify_t v = DP_DNSSEC_VERIFY_ERROR;
  BIGNUM *r = NULL, *s = NULL;
  ECDSA_SIG *es = NULL;

  if (dp_wire_ecdsa_sig_split(sig, field, &rs) != DP_OK)
    return DP_DNSSEC_VERIFY_BOGUS;
  r = BN_bin2bn(rs.r.data, (int)rs.r.len, NULL);
  s = BN_bin2bn(rs.s.data, (int)rs.s.len, NULL);
  es = ECDSA_SIG_new();
  if (r == NULL || s == NULL || es == NULL || !ECDSA_SIG_set0(es, r, s))
    goto done;
  r = s = NULL; /* owned by es now */
  *der = NULL;
  *der_len = i2d_ECDSA_SIG(es, der);
  if (*der_len > 0)
    v = DP_DNSSEC_VERIFY_VALID;

done:
  ECDSA_SIG_free(es);
  BN_free(r);
  BN_free(s);
  return v;
}

dp_dnssec_verify_t dp_dnssec_verify(uint8_t algorithm,
                                    const struct dp_wire_dnskey *key,
                                    struct dp_wire_span sig,
                                    const uint8_t *data, size_t len)
{
  const struct alg_names *a = alg_lookup(algorithm);
  dp_dnssec_verify_t v;
  EVP_PKEY *pkey = NULL;
  EVP_MD_CTX *md = NULL;
  uint8_t *der = NULL;
  int der_len = 0;

  if (key == NULL || (data == NULL && len > 0) || key->algorithm != algorithm)
    return DP_DNSSEC_VERIFY_BOGUS;
  if (a == NULL || !dp_dnssec_algorithm_supported(algorithm))
    return DP_DNSSEC_VERIFY_UNSUPPORTED;
  if (strcmp(a->keytype, "RSA") == 0)
    v = rsa_key(key, &pkey);
  else if (strcmp(a->keytype, "EC") == 0)
    v = ec_key(key, a, &pkey);
  else
    v = ed_key(key, a, &pkey);
  if (v != DP_DNSSEC_VERIFY_VALID)
    goto done;

  if (strcmp(a->keytype, "EC") == 0)
  {
    if ((v = ecdsa_der(sig, a->field, &der, &der_len)) !=
        DP_DNSSEC_VERIFY_VALID)
      goto done;
    sig.data = der;
    sig.len = (size_t)der_len;
  }
  else if (a->sig_len != 0 && sig.len != a->sig_len)
  {
    v = DP_DNSSEC_VERIFY_BOGUS;
    goto done;
  }

  v = DP_DNSSEC_VERIFY_ERROR;
  if ((md = EVP_MD_CTX_new()) == NULL)
    goto done;
  /* A refusal here, with the key and algorithm known good, is a policy
   * of this libcrypto (SHA-1 signatures switched off, say). */
  if (EVP_DigestVerifyInit_ex(md, NULL, a->digest, NULL, NULL, pkey, NULL) <= 0)
  {
    v = DP_DNSSEC_VERIFY_UNSUPPORTED;
    goto done;
  }
  v = EVP_DigestVerify(md, sig.data, sig.len, data, len) == 1
          ? DP_DNSSEC_VERIFY_VALID
          : DP_DNSSEC_VERIFY_BOGUS;

done:
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(pkey);
  OPENSSL_free(der);
  ERR_clear_error();
  return v;
}

/* ---- DS digests --------------------------------------------------------- */

dp_status_t dp_dnssec_ds_digest(uint8_t type, const uint8_t *in, size_t len,
                                uint8_t *out, size_t cap, size_t *out_len)
{
  const char *name = digest_name(type);
  uint8_t buf[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  dp_status_t st = DP_ENOMEM;

  if ((in == NULL && len > 0) || out == NULL || out_len == NULL || name == NULL)
    return DP_EINVAL;
  EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
  if (md == NULL)
  {
    ERR_clear_error();
    return DP_EINVAL;
  }
  if (EVP_Digest(in, len, buf, &n, md, NULL) != 1)
    goto done;
  st = DP_ESPACE;
  if (n > cap)
    goto done;
  memcpy(out, buf, n);
  *out_len = n;
  st = DP_OK;

done:
  EVP_MD_free(md);
  ERR_clear_error();
  return st;
}
