/*
 * dns.h: DNS protocol constants (RFC 1035 and the IANA registries) shared by
 * every layer. Numbers only; names and explanations live in knowledge/.
 */
#ifndef DNSPROBE_DNS_H
#define DNSPROBE_DNS_H

enum
{
  DP_DNS_HEADER_LEN = 12,
  DP_DNS_MAX_UDP = 65535,
  DP_DNS_LABEL_MAX = 63,
  DP_DNS_NAME_MAX = 255,
};

/* Opcodes (RFC 1035, 1996, 2136, 8490). */
enum
{
  DP_OPCODE_QUERY = 0,
  DP_OPCODE_IQUERY = 1,
  DP_OPCODE_STATUS = 2,
  DP_OPCODE_NOTIFY = 4,
  DP_OPCODE_UPDATE = 5,
  DP_OPCODE_DSO = 6,
};

/* RCODEs; values above 15 need the OPT extended RCODE (RFC 6891 6.1.3). */
enum
{
  DP_RCODE_NOERROR = 0,
  DP_RCODE_FORMERR = 1,
  DP_RCODE_SERVFAIL = 2,
  DP_RCODE_NXDOMAIN = 3,
  DP_RCODE_NOTIMP = 4,
  DP_RCODE_REFUSED = 5,
  DP_RCODE_YXDOMAIN = 6,
  DP_RCODE_YXRRSET = 7,
  DP_RCODE_NXRRSET = 8,
  DP_RCODE_NOTAUTH = 9,
  DP_RCODE_NOTZONE = 10,
  DP_RCODE_DSOTYPENI = 11,
  DP_RCODE_BADVERS = 16,
  DP_RCODE_BADCOOKIE = 23,
};

/* RR types used by probes. */
enum
{
  DP_TYPE_A = 1,
  DP_TYPE_NS = 2,
  DP_TYPE_CNAME = 5,
  DP_TYPE_SOA = 6,
  DP_TYPE_PTR = 12,
  DP_TYPE_MX = 15,
  DP_TYPE_TXT = 16,
  DP_TYPE_AAAA = 28,
  DP_TYPE_DS = 43,
  DP_TYPE_RRSIG = 46,
  DP_TYPE_NSEC = 47,
  DP_TYPE_DNSKEY = 48,
  DP_TYPE_NSEC3 = 50,
  DP_TYPE_NSEC3PARAM = 51,
  DP_TYPE_OPT = 41,
  DP_TYPE_IXFR = 251,
  DP_TYPE_AXFR = 252,
  DP_TYPE_ANY = 255,
};

enum
{
  DP_CLASS_IN = 1,
  DP_CLASS_CH = 3,
  DP_CLASS_NONE = 254,
  DP_CLASS_ANY = 255,
};

/* EDNS option codes (IANA "DNS EDNS0 Option Codes"). */
enum
{
  DP_EDNS_NSID = 3,
  DP_EDNS_COOKIE = 10,
  DP_EDNS_EDE = 15,
};

/* Header flag bits in the second 16-bit word (RFC 1035 4.1.1, RFC 4035). */
enum
{
  DP_FLAG_QR = 0x8000,
  DP_FLAG_AA = 0x0400,
  DP_FLAG_TC = 0x0200,
  DP_FLAG_RD = 0x0100,
  DP_FLAG_RA = 0x0080,
  DP_FLAG_Z = 0x0040,
  DP_FLAG_AD = 0x0020,
  DP_FLAG_CD = 0x0010,
};

/* EDNS flags in the OPT TTL's low 16 bits (RFC 6891 6.1.4). */
enum
{
  DP_EDNS_FLAG_DO = 0x8000,
};

#endif
