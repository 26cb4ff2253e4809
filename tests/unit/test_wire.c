/*
 * test_wire.c: unit tests of the wire codec (src/wire).
 *
 * Name conversion in both directions with every error; byte-exact query
 * vectors written out by hand (in the manner of Knot's wire tests); parsing
 * of real-shaped replies and of every malformed shape the parser must
 * survive; and a robustness sweep that feeds every prefix of every message
 * here, plus deterministic pseudo-random mutations of them, to the parser in
 * exact-size heap buffers so that ASan sees any read past the end.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/rdata.h"
#include "dnsprobe/wire.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Big-endian fields and the name used throughout, for the byte tables. */
#define U16(v) (uint8_t)((v) >> 8 & 0xff), (uint8_t)((v)&0xff)
#define U32(v) U16((uint32_t)(v) >> 16), U16((uint32_t)(v)&0xffff)
#define HDR(id, flags, qd, an, ns, ar)                                         \
  U16(id), U16(flags), U16(qd), U16(an), U16(ns), U16(ar)
#define EXAMPLE_TEST                                                           \
  7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0
#define BYTES(...)                                                             \
  (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

/* ---- names --------------------------------------------------------------- */

/*
 * A name case. Long names are generated: nlabels labels of label_len bytes
 * ('a', 'b', ...), the last one last_len bytes.
 */
struct name_case
{
  const char *label;
  const char *text;
  unsigned nlabels, label_len, last_len;
  dp_status_t status;
  const uint8_t *wire;
  size_t wire_len;
  const char *str;
};

static const struct name_case name_cases[] = {
    {"root-empty", "", 0, 0, 0, DP_OK, BYTES(0), "."},
    {"root-dot", ".", 0, 0, 0, DP_OK, BYTES(0), "."},
    {"plain", "example.test", 0, 0, 0, DP_OK, BYTES(EXAMPLE_TEST),
     "example.test."},
    {"trailing-dot", "example.test.", 0, 0, 0, DP_OK, BYTES(EXAMPLE_TEST),
     "example.test."},
    {"single-label", "test", 0, 0, 0, DP_OK, BYTES(4, 't', 'e', 's', 't', 0),
     "test."},
    {"escaped-dot", "a\\.b.test", 0, 0, 0, DP_OK,
     BYTES(3, 'a', '.', 'b', 4, 't', 'e', 's', 't', 0), "a\\.b.test."},
    {"escaped-dot-alone", "\\.", 0, 0, 0, DP_OK, BYTES(1, '.', 0), "\\.."},
    {"escaped-backslash", "a\\\\b", 0, 0, 0, DP_OK, BYTES(3, 'a', '\\', 'b', 0),
     "a\\\\b."},
    {"decimal-escapes", "\\000\\255x", 0, 0, 0, DP_OK,
     BYTES(3, 0x00, 0xff, 'x', 0), "\\000\\255x."},
    {"decimal-printable", "\\065b", 0, 0, 0, DP_OK, BYTES(2, 'A', 'b', 0),
     "Ab."},
    {"escaped-letter", "\\a", 0, 0, 0, DP_OK, BYTES(1, 'a', 0), "a."},
    {"space", "a b", 0, 0, 0, DP_OK, BYTES(3, 'a', ' ', 'b', 0), "a\\032b."},
    {"del-byte", "\\127", 0, 0, 0, DP_OK, BYTES(1, 0x7f, 0), "\\127."},
    {"label-63", NULL, 1, 63, 63, DP_OK, NULL, 0, NULL},
    {"name-255", NULL, 4, 63, 61, DP_OK, NULL, 0, NULL},
    {"name-255-short-labels", NULL, 127, 1, 1, DP_OK, NULL, 0, NULL},
    {"label-64", NULL, 1, 64, 64, DP_ENAMELABEL, NULL, 0, NULL},
    {"label-64-after-63", NULL, 2, 63, 64, DP_ENAMELABEL, NULL, 0, NULL},
    {"name-256", NULL, 4, 63, 62, DP_ENAMELONG, NULL, 0, NULL},
    {"name-257-short-labels", NULL, 128, 1, 1, DP_ENAMELONG, NULL, 0, NULL},
    {"empty-middle", "a..b", 0, 0, 0, DP_ENAMEEMPTY, NULL, 0, NULL},
    {"leading-dot", ".a", 0, 0, 0, DP_ENAMEEMPTY, NULL, 0, NULL},
    {"double-trailing-dot", "a..", 0, 0, 0, DP_ENAMEEMPTY, NULL, 0, NULL},
    {"two-dots", "..", 0, 0, 0, DP_ENAMEEMPTY, NULL, 0, NULL},
    {"escape-256", "\\256", 0, 0, 0, DP_ENAMESYNTAX, NULL, 0, NULL},
    {"escape-999", "a\\999", 0, 0, 0, DP_ENAMESYNTAX, NULL, 0, NULL},
    {"escape-two-digits", "\\25", 0, 0, 0, DP_ENAMESYNTAX, NULL, 0, NULL},
    {"escape-digit-letter", "\\2a5", 0, 0, 0, DP_ENAMESYNTAX, NULL, 0, NULL},
    {"escape-at-end", "a\\", 0, 0, 0, DP_ENAMESYNTAX, NULL, 0, NULL},
};

/* Expand a generated case into its text, wire form and presentation form. */
static void name_case_expand(const struct name_case *c, char *text,
                             uint8_t *wire, size_t *wire_len, char *str)
{
  size_t t = 0, w = 0;

  for (unsigned i = 0; i < c->nlabels; i++)
  {
    unsigned n = i + 1 == c->nlabels ? c->last_len : c->label_len;
    char ch = (char)('a' + i % 26);
    wire[w++] = (uint8_t)n;
    for (unsigned j = 0; j < n; j++)
    {
      text[t++] = ch;
      wire[w++] = (uint8_t)ch;
    }
    text[t++] = '.';
  }
  text[t] = '\0';
  wire[w++] = 0;
  *wire_len = w;
  strcpy(str, text);
  text[t - 1] = '\0'; /* relative form on input, absolute on output */
}

START_TEST(test_name_fromstr)
{
  const struct name_case *c = &name_cases[_i];
  char text[1200], str[1200];
  uint8_t want[600];
  size_t want_len = 0;
  uint8_t wire[DP_DNS_NAME_MAX + 8];
  size_t len = 99;

  if (c->text == NULL)
    name_case_expand(c, text, want, &want_len, str);
  else
  {
    snprintf(text, sizeof text, "%s", c->text);
    if (c->wire != NULL)
      memcpy(want, c->wire, c->wire_len);
    want_len = c->wire_len;
    snprintf(str, sizeof str, "%s", c->str != NULL ? c->str : "");
  }

  dp_status_t st = dp_wire_name_fromstr(text, wire, sizeof wire, &len);
  ck_assert_msg(st == c->status, "%s: status %d, want %d", c->label, st,
                c->status);
  if (c->status != DP_OK)
    return;
  ck_assert_msg(len == want_len, "%s: length %zu, want %zu", c->label, len,
                want_len);
  ck_assert_msg(memcmp(wire, want, len) == 0, "%s: wire bytes differ",
                c->label);

  /* A buffer one byte short is DP_ESPACE; exactly enough is fine. */
  st = dp_wire_name_fromstr(text, wire, want_len - 1, &len);
  ck_assert_msg(st == DP_ESPACE, "%s: short buffer gave %d", c->label, st);
  st = dp_wire_name_fromstr(text, wire, want_len, &len);
  ck_assert_msg(st == DP_OK && len == want_len, "%s: exact buffer gave %d",
                c->label, st);

  /* wire -> text gives the expected form, and that form reads back. */
  char out[DP_WIRE_NAME_STRLEN];
  st = dp_wire_name_tostr(wire, len, out, sizeof out);
  ck_assert_msg(st == DP_OK, "%s: tostr status %d", c->label, st);
  ck_assert_msg(strcmp(out, str) == 0, "%s: tostr '%s', want '%s'", c->label,
                out, str);
  uint8_t again[DP_DNS_NAME_MAX];
  size_t again_len;
  st = dp_wire_name_fromstr(out, again, sizeof again, &again_len);
  ck_assert_msg(st == DP_OK && again_len == len &&
                    memcmp(again, wire, len) == 0,
                "%s: round trip of '%s' differs", c->label, out);
}
END_TEST

START_TEST(test_name_fromstr_null)
{
  uint8_t wire[DP_DNS_NAME_MAX];
  size_t len;

  ck_assert_msg(dp_wire_name_fromstr(NULL, wire, sizeof wire, &len) ==
                    DP_EINVAL,
                "null-text: want DP_EINVAL");
  ck_assert_msg(dp_wire_name_fromstr("a", NULL, sizeof wire, &len) == DP_EINVAL,
                "null-wire: want DP_EINVAL");
  ck_assert_msg(dp_wire_name_fromstr("a", wire, sizeof wire, NULL) == DP_EINVAL,
                "null-len: want DP_EINVAL");
  ck_assert_msg(dp_wire_name_fromstr(".", wire, 0, &len) == DP_ESPACE,
                "root-cap-0: want DP_ESPACE");
}
END_TEST

struct tostr_case
{
  const char *label;
  const uint8_t *wire;
  size_t len;
  size_t cap;
  dp_status_t status;
  const char *str;
};

static const struct tostr_case tostr_cases[] = {
    {"root", BYTES(0), 2, DP_OK, "."},
    {"root-cap-1", BYTES(0), 1, DP_ESPACE, ""},
    {"exact-cap", BYTES(EXAMPLE_TEST), 14, DP_OK, "example.test."},
    {"cap-one-short", BYTES(EXAMPLE_TEST), 13, DP_ESPACE, ""},
    {"escape-fits", BYTES(1, 0x01, 0), 6, DP_OK, "\\001."},
    {"escape-cut", BYTES(1, 0x01, 0), 5, DP_ESPACE, ""},
    {"bytes-after-root", BYTES(1, 'a', 0, 0xff), 16, DP_OK, "a."},
    {"label-64-byte", BYTES(0x40, 'a', 0), 16, DP_EMALFORMED, ""},
    {"pointer", BYTES(0xc0, 0x0c), 16, DP_EMALFORMED, ""},
    {"no-root", BYTES(3, 'a', 'b', 'c'), 16, DP_EMALFORMED, ""},
    {"label-cut", BYTES(3, 'a'), 16, DP_EMALFORMED, ""},
    {"empty-buffer", (const uint8_t[]){0}, 0, 16, DP_EMALFORMED, ""},
};

START_TEST(test_name_tostr)
{
  const struct tostr_case *c = &tostr_cases[_i];
  char out[64];

  memset(out, 'X', sizeof out);
  dp_status_t st = dp_wire_name_tostr(c->wire, c->len, out, c->cap);
  ck_assert_msg(st == c->status, "%s: status %d, want %d", c->label, st,
                c->status);
  ck_assert_msg(strcmp(out, c->str) == 0, "%s: '%s', want '%s'", c->label, out,
                c->str);
}
END_TEST

START_TEST(test_name_tostr_too_long)
{
  /* 128 one-byte labels: 257 bytes of well-formed labels, over the limit. */
  uint8_t wire[260];
  char out[DP_WIRE_NAME_STRLEN];
  size_t w = 0;

  for (int i = 0; i < 128; i++)
  {
    wire[w++] = 1;
    wire[w++] = 'x';
  }
  wire[w++] = 0;
  ck_assert_msg(dp_wire_name_tostr(wire, w, out, sizeof out) == DP_EMALFORMED,
                "name-257: want DP_EMALFORMED");
  /* Without the first label it is 255 bytes and fine. */
  ck_assert_msg(dp_wire_name_tostr(wire + 2, w - 2, out, sizeof out) == DP_OK,
                "name-255: want DP_OK");
  ck_assert_msg(strlen(out) == 254, "name-255: length %zu, want 254",
                strlen(out));
}
END_TEST

struct canon_case
{
  const char *label;
  const char *text;
  size_t cap;
  dp_status_t status;
  const char *out;
};

static const struct canon_case canon_cases[] = {
    {"mixed-case", "ExAmple.TEST", 64, DP_OK, "example.test."},
    {"already-canonical", "example.test.", 64, DP_OK, "example.test."},
    {"escaped-dot", "A\\.B", 64, DP_OK, "a\\.b."},
    {"root-empty", "", 64, DP_OK, "."},
    {"root-dot", ".", 64, DP_OK, "."},
    {"high-byte-kept", "\\200Z", 64, DP_OK, "\\200z."},
    {"digits-kept", "Ns1.Test", 64, DP_OK, "ns1.test."},
    {"exact-cap", "AbC", 5, DP_OK, "abc."},
    {"cap-short", "AbC", 4, DP_ESPACE, NULL},
    {"empty-label", "a..b", 64, DP_ENAMEEMPTY, NULL},
    {"bad-escape", "x\\256", 64, DP_ENAMESYNTAX, NULL},
    {"null-text", NULL, 64, DP_EINVAL, NULL},
};

START_TEST(test_name_canon)
{
  const struct canon_case *c = &canon_cases[_i];
  char out[64];

  dp_status_t st = dp_wire_name_canon(c->text, out, c->cap);
  ck_assert_msg(st == c->status, "%s: status %d, want %d", c->label, st,
                c->status);
  if (c->out != NULL)
    ck_assert_msg(strcmp(out, c->out) == 0, "%s: '%s', want '%s'", c->label,
                  out, c->out);
}
END_TEST

/* ---- types and classes --------------------------------------------------- */

struct type_case
{
  uint16_t value;
  const char *name;
};

static const struct type_case type_cases[] = {
    {1, "A"},       {2, "NS"},          {5, "CNAME"},         {6, "SOA"},
    {12, "PTR"},    {15, "MX"},         {16, "TXT"},          {28, "AAAA"},
    {33, "SRV"},    {43, "DS"},         {46, "RRSIG"},        {47, "NSEC"},
    {48, "DNSKEY"}, {50, "NSEC3"},      {41, "OPT"},          {250, "TSIG"},
    {251, "IXFR"},  {252, "AXFR"},      {255, "ANY"},         {257, "CAA"},
    {0, "TYPE0"},   {1000, "TYPE1000"}, {65535, "TYPE65535"},
};

START_TEST(test_type_tostr_fromstr)
{
  const struct type_case *c = &type_cases[_i];
  char out[16], lower[16];
  uint16_t back = 0xbeef;

  dp_wire_type_tostr(c->value, out, sizeof out);
  ck_assert_msg(strcmp(out, c->name) == 0, "%s: tostr gave '%s'", c->name, out);
  ck_assert_msg(dp_wire_type_fromstr(c->name, &back) == DP_OK &&
                    back == c->value,
                "%s: fromstr gave %u", c->name, back);
  for (size_t i = 0; i <= strlen(c->name); i++)
    lower[i] =
        (char)(c->name[i] >= 'A' && c->name[i] <= 'Z' ? c->name[i] - 'A' + 'a'
                                                      : c->name[i]);
  back = 0xbeef;
  ck_assert_msg(dp_wire_type_fromstr(lower, &back) == DP_OK && back == c->value,
                "%s: lower-case '%s' gave %u", c->name, lower, back);
}
END_TEST

static const char *const bad_types[] = {
    "",       "TYPE",   "TYPE65536",
    "TYPE-1", "TYPE1x", "TYPE 1",
    "FOO",    "SOA ",   "TYPE99999999999999999999",
    "1000",
};

START_TEST(test_type_fromstr_bad)
{
  uint16_t t = 0xbeef;

  ck_assert_msg(dp_wire_type_fromstr(bad_types[_i], &t) == DP_EINVAL,
                "'%s': want DP_EINVAL", bad_types[_i]);
  ck_assert_msg(t == 0xbeef, "'%s': output written on failure", bad_types[_i]);
}
END_TEST

static const struct type_case class_cases[] = {
    {1, "IN"},
    {3, "CH"},
    {4, "HS"},
    {254, "NONE"},
    {255, "ANY"},
    {9, "CLASS9"},
    {65535, "CLASS65535"},
};

START_TEST(test_class_tostr)
{
  const struct type_case *c = &class_cases[_i];
  char out[16];

  dp_wire_class_tostr(c->value, out, sizeof out);
  ck_assert_msg(strcmp(out, c->name) == 0, "%s: tostr gave '%s'", c->name, out);
}
END_TEST

START_TEST(test_mnemonic_truncation)
{
  char out[4];

  memset(out, 'X', sizeof out);
  dp_wire_type_tostr(48, out, sizeof out);
  ck_assert_msg(strcmp(out, "DNS") == 0, "DNSKEY-cap-4: '%s'", out);
  dp_wire_class_tostr(9, out, 3);
  ck_assert_msg(strcmp(out, "CL") == 0, "CLASS9-cap-3: '%s'", out);
  out[0] = 'X';
  dp_wire_type_tostr(1, out, 0);
  ck_assert_msg(out[0] == 'X', "cap-0: buffer written");
}
END_TEST

/* ---- query builder ------------------------------------------------------- */

static const uint8_t cookie8[8] = {1, 2, 3, 4, 5, 6, 7, 8};

struct query_case
{
  const char *label;
  struct dp_wire_query q;
  const uint8_t *want;
  size_t want_len;
};

static const struct query_case query_cases[] = {
    {"soa-plain",
     {.id = 0x1234, .qname = "example.test", .qtype = 6, .qclass = 1},
     BYTES(HDR(0x1234, 0x0000, 1, 0, 0, 0), EXAMPLE_TEST, U16(6), U16(1))},
    {"root-ns-rd",
     {.id = 0xffff, .rd = true, .qname = ".", .qtype = 2, .qclass = 1},
     BYTES(HDR(0xffff, 0x0100, 1, 0, 0, 0), 0, U16(2), U16(1))},
    {"ch-txt-version-bind",
     {.id = 6, .qname = "version.bind", .qtype = 16, .qclass = 3},
     BYTES(HDR(6, 0x0000, 1, 0, 0, 0), 7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 4,
           'b', 'i', 'n', 'd', 0, U16(16), U16(3))},
    /* RFC 6891 6.1.2: owner root, TYPE 41, CLASS = UDP size, TTL = 0|0|DO. */
    {"edns-do-options",
     {.id = 0xbeef,
      .rd = true,
      .qname = "example.test",
      .qtype = 48,
      .qclass = 1,
      .edns = true,
      .udp_size = 1232,
      .do_bit = true,
      .nopts = 3,
      .opts = {{3, 0, NULL},
               {10, 8, cookie8},
               {100, 2, (const uint8_t *)"ab"}}},
     BYTES(HDR(0xbeef, 0x0100, 1, 0, 0, 1), EXAMPLE_TEST, U16(48), U16(1), 0,
           U16(41), U16(1232), U32(0x00008000), U16(22), U16(3), U16(0),
           U16(10), U16(8), 1, 2, 3, 4, 5, 6, 7, 8, U16(100), U16(2), 'a',
           'b')},
    /* RFC 6891 6.1.3: EXTENDED-RCODE, VERSION, then the 16 flag bits. */
    {"edns1-flags-ext-rcode",
     {.id = 7,
      .qname = "example.test",
      .qtype = 6,
      .qclass = 1,
      .edns = true,
      .edns_version = 1,
      .udp_size = 4096,
      .edns_flags = 0x4001,
      .ext_rcode = 0xab},
     BYTES(HDR(7, 0x0000, 1, 0, 0, 1), EXAMPLE_TEST, U16(6), U16(1), 0, U16(41),
           U16(4096), U32(0xab014001), U16(0))},
    {"edns-do-or-flags",
     {.id = 8,
      .qname = "example.test",
      .qtype = 6,
      .qclass = 1,
      .edns = true,
      .udp_size = 512,
      .do_bit = true,
      .edns_flags = 0x0002},
     BYTES(HDR(8, 0x0000, 1, 0, 0, 1), EXAMPLE_TEST, U16(6), U16(1), 0, U16(41),
           U16(512), U32(0x00008002), U16(0))},
    {"edns-8-options",
     {.id = 9,
      .qname = ".",
      .qtype = 6,
      .qclass = 1,
      .edns = true,
      .udp_size = 1232,
      .nopts = 8,
      .opts = {{65001, 1, (const uint8_t *)"1"},
               {65002, 0, NULL},
               {65003, 0, NULL},
               {65004, 0, NULL},
               {65005, 0, NULL},
               {65006, 0, NULL},
               {65007, 0, NULL},
               {65008, 1, (const uint8_t *)"8"}}},
     BYTES(HDR(9, 0x0000, 1, 0, 0, 1), 0, U16(6), U16(1), 0, U16(41), U16(1232),
           U32(0), U16(34), U16(65001), U16(1), '1', U16(65002), U16(0),
           U16(65003), U16(0), U16(65004), U16(0), U16(65005), U16(0),
           U16(65006), U16(0), U16(65007), U16(0), U16(65008), U16(1), '8')},
    /* RFC 8906 8.1.4: an unassigned opcode, here with the Z bit too. */
    {"opcode15-z",
     {.id = 1,
      .opcode = 15,
      .z = true,
      .qname = "example.test",
      .qtype = 6,
      .qclass = 1},
     BYTES(HDR(1, 0x7840, 1, 0, 0, 0), EXAMPLE_TEST, U16(6), U16(1))},
    {"notify-all-flags-rcode3",
     {.id = 2,
      .opcode = 4,
      .aa = true,
      .tc = true,
      .rd = true,
      .ra = true,
      .ad = true,
      .cd = true,
      .rcode = 3,
      .qname = "example.test",
      .qtype = 6,
      .qclass = 1},
     BYTES(HDR(2, 0x27b3, 1, 0, 0, 0), EXAMPLE_TEST, U16(6), U16(1))},
    {"update-qdcount0",
     {.id = 3,
      .opcode = 5,
      .no_question = true,
      .qname = "example.test",
      .qtype = 6,
      .qclass = 1},
     BYTES(HDR(3, 0x2800, 0, 0, 0, 0))},
    {"qdcount0-without-name",
     {.id = 4, .no_question = true},
     BYTES(HDR(4, 0x0000, 0, 0, 0, 0))},
    {"qdcount2",
     {.id = 5,
      .double_question = true,
      .qname = "example.test",
      .qtype = 1,
      .qclass = 1},
     BYTES(HDR(5, 0x0000, 2, 0, 0, 0), EXAMPLE_TEST, U16(1), U16(1),
           EXAMPLE_TEST, U16(1), U16(1))},
    /* RFC 1995 3: the client's SOA (serial 2024010099) in the authority. */
    {"ixfr-authority-soa",
     {.id = 0x0a0b,
      .qname = "example.test",
      .qtype = 251,
      .qclass = 1,
      .ixfr_soa = true,
      .ixfr_serial = 2024010099},
     BYTES(HDR(0x0a0b, 0x0000, 1, 0, 1, 0), EXAMPLE_TEST, U16(251), U16(1),
           EXAMPLE_TEST, U16(6), U16(1), U32(0), U16(22), 0, 0, U32(0x78a3f173),
           U32(0), U32(0), U32(0), U32(0))},
    {"ixfr-soa-and-edns",
     {.id = 0x0a0c,
      .qname = "Example.Test.",
      .qtype = 251,
      .qclass = 1,
      .ixfr_soa = true,
      .ixfr_serial = 0xffffffff,
      .edns = true,
      .udp_size = 1232},
     BYTES(HDR(0x0a0c, 0x0000, 1, 0, 1, 1), 7, 'E', 'x', 'a', 'm', 'p', 'l',
           'e', 4, 'T', 'e', 's', 't', 0, U16(251), U16(1), 7, 'E', 'x', 'a',
           'm', 'p', 'l', 'e', 4, 'T', 'e', 's', 't', 0, U16(6), U16(1), U32(0),
           U16(22), 0, 0, U32(0xffffffff), U32(0), U32(0), U32(0), U32(0), 0,
           U16(41), U16(1232), U32(0), U16(0))},
};

START_TEST(test_query_write)
{
  const struct query_case *c = &query_cases[_i];
  uint8_t buf[512];
  size_t len = 0;

  dp_status_t st = dp_wire_query_write(&c->q, buf, sizeof buf, &len);
  ck_assert_msg(st == DP_OK, "%s: status %d", c->label, st);
  ck_assert_msg(len == c->want_len, "%s: length %zu, want %zu", c->label, len,
                c->want_len);
  for (size_t i = 0; i < len; i++)
    ck_assert_msg(buf[i] == c->want[i], "%s: byte %zu is 0x%02x, want 0x%02x",
                  c->label, i, buf[i], c->want[i]);

  /* Every shorter buffer fails cleanly, without writing past its end. */
  for (size_t cap = 0; cap < c->want_len; cap++)
  {
    uint8_t *small = malloc(cap > 0 ? cap : 1);
    size_t small_len = 99;
    ck_assert_msg(small != NULL, "%s: malloc", c->label);
    st = dp_wire_query_write(&c->q, small, cap, &small_len);
    ck_assert_msg(st == DP_ESPACE && small_len == 0,
                  "%s: cap %zu gave %d, len %zu", c->label, cap, st, small_len);
    free(small);
  }

  /* What we send parses back to what we meant. */
  struct dp_wire_msg m;
  ck_assert_msg(dp_wire_msg_parse(buf, len, &m) == DP_OK && m.complete,
                "%s: does not parse back (%s)", c->label,
                m.problem_what ? m.problem_what : "");
  ck_assert_msg(m.opcode == c->q.opcode && m.z == c->q.z && !m.qr,
                "%s: header parsed back wrong", c->label);
  ck_assert_msg(m.opt.present == c->q.edns, "%s: OPT presence", c->label);
  if (c->q.edns)
    ck_assert_msg(m.opt.version == c->q.edns_version &&
                      m.opt.udp_size == c->q.udp_size &&
                      m.opt.do_bit == c->q.do_bit && m.opt.ncodes == c->q.nopts,
                  "%s: OPT parsed back wrong", c->label);
}
END_TEST

struct query_error_case
{
  const char *label;
  struct dp_wire_query q;
  dp_status_t status;
};

static const struct query_error_case query_error_cases[] = {
    {"opcode-16", {.opcode = 16, .qname = "a"}, DP_EINVAL},
    {"rcode-16", {.rcode = 16, .qname = "a"}, DP_EINVAL},
    {"nopts-9", {.edns = true, .nopts = 9, .qname = "a"}, DP_EINVAL},
    {"qname-null", {.qtype = 6}, DP_EINVAL},
    {"ixfr-qname-null", {.no_question = true, .ixfr_soa = true}, DP_EINVAL},
    {"empty-and-double",
     {.no_question = true, .double_question = true, .qname = "a"},
     DP_EINVAL},
    {"option-data-null",
     {.qname = "a", .edns = true, .nopts = 1, .opts = {{3, 4, NULL}}},
     DP_EINVAL},
    {"qname-empty-label", {.qname = "a..b"}, DP_ENAMEEMPTY},
    {"qname-bad-escape", {.qname = "a\\999"}, DP_ENAMESYNTAX},
    {"qname-long-label",
     {.qname =
          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
     DP_ENAMELABEL},
};

START_TEST(test_query_write_errors)
{
  const struct query_error_case *c = &query_error_cases[_i];
  uint8_t buf[512];
  size_t len = 99;

  dp_status_t st = dp_wire_query_write(&c->q, buf, sizeof buf, &len);
  ck_assert_msg(st == c->status, "%s: status %d, want %d", c->label, st,
                c->status);
  ck_assert_msg(len == 0, "%s: len %zu on failure", c->label, len);
}
END_TEST

START_TEST(test_query_write_null)
{
  struct dp_wire_query q = {.qname = "a", .qtype = 1, .qclass = 1};
  uint8_t buf[64];
  size_t len;

  ck_assert_msg(dp_wire_query_write(NULL, buf, sizeof buf, &len) == DP_EINVAL,
                "null-query: want DP_EINVAL");
  ck_assert_msg(dp_wire_query_write(&q, NULL, sizeof buf, &len) == DP_EINVAL,
                "null-buf: want DP_EINVAL");
  ck_assert_msg(dp_wire_query_write(&q, buf, sizeof buf, NULL) == DP_EINVAL,
                "null-len: want DP_EINVAL");
}
END_TEST

START_TEST(test_query_write_huge_options)
{
  /* Two 65535-byte options cannot share one RDLENGTH. */
  static uint8_t big[65535];
  static uint8_t buf[140000];
  struct dp_wire_query q = {.qname = "a",
                            .qtype = 1,
                            .qclass = 1,
                            .edns = true,
                            .nopts = 2,
                            .opts = {{65001, 65535, big}, {65002, 65535, big}}};
  size_t len = 99;

  ck_assert_msg(dp_wire_query_write(&q, buf, sizeof buf, &len) == DP_ESPACE &&
                    len == 0,
                "two-65535-options: want DP_ESPACE");
  q.nopts = 1;
  q.opts[0].len = 65531; /* 4 + 65531 = 65535: the largest RDATA */
  ck_assert_msg(dp_wire_query_write(&q, buf, sizeof buf, &len) == DP_OK,
                "one-65531-option: want DP_OK");
}
END_TEST

/* ---- parsing real-shaped replies ----------------------------------------- */

/* Wire layouts, one field or record per line: kept out of clang-format. */
/* clang-format off */

/* NOERROR, AA, SOA answer with compressed owner, MNAME and RNAME; OPT. */
static const uint8_t soa_answer[] = {
  HDR(0x1234, 0x8400, 1, 1, 0, 1),
  EXAMPLE_TEST, U16(6), U16(1),                           /* @12 question */
  0xc0, 0x0c, U16(6), U16(1), U32(3600), U16(39),         /* @30 SOA */
  3, 'n', 's', '1', 0xc0, 0x0c,                           /* @42 MNAME */
  10, 'h', 'o', 's', 't', 'm', 'a', 's', 't', 'e', 'r',   /* @48 RNAME */
  0xc0, 0x0c,
  U32(2024010100), U32(7200), U32(3600), U32(1209600), U32(3600),
  0, U16(41), U16(1232), U32(0), U16(0),                  /* @81 OPT */
};

/* REFUSED to a recursive query, EDE 18 (Prohibited) with EXTRA-TEXT. */
static const uint8_t refused_ede[] = {
  HDR(0x002a, 0x8105, 1, 0, 0, 1),
  EXAMPLE_TEST, U16(1), U16(1),
  0, U16(41), U16(1232), U32(0), U16(23),                 /* @30 OPT */
  U16(15), U16(19), U16(18),                              /* @41 EDE */
  'r', 'e', 'c', 'u', 'r', 's', 'i', 'o', 'n', ' ',
  'r', 'e', 'f', 'u', 's', 'e', 'd',
};

/* BADVERS: header RCODE 0, OPT extended RCODE 1 (RFC 6891 6.1.3). */
static const uint8_t badvers[] = {
  HDR(0x002b, 0x8400, 1, 0, 0, 1),
  EXAMPLE_TEST, U16(6), U16(1),
  0, U16(41), U16(1232), U32(0x01000000), U16(0),
};

/* NSID (RFC 5001) with DO set. */
static const uint8_t nsid_reply[] = {
  HDR(0x002c, 0x8400, 1, 0, 0, 1),
  EXAMPLE_TEST, U16(6), U16(1),
  0, U16(41), U16(1232), U32(0x00008000), U16(15),
  U16(3), U16(11), 'n', 's', '1', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
};

/* BADCOOKIE (7 | 1 << 4) with client and server cookie, then an NSID. */
static const uint8_t cookie_reply[] = {
  HDR(0x002d, 0x8407, 1, 0, 0, 1),
  EXAMPLE_TEST, U16(6), U16(1),
  0, U16(41), U16(1232), U32(0x01000000), U16(24),
  U16(10), U16(16), 1, 2, 3, 4, 5, 6, 7, 8,               /* @45 cookie */
  0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,
  U16(3), U16(0),
};

/* CH TXT version.bind with two character-strings and odd bytes. */
static const uint8_t txt_chaos[] = {
  HDR(0x002e, 0x8400, 1, 1, 0, 0),
  7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 4, 'b', 'i', 'n', 'd', 0,
  U16(16), U16(3),
  0xc0, 0x0c, U16(16), U16(3), U32(0), U16(10),
  4, '9', '.', '1', '8', 4, 'x', '"', 'y', 0x01,
};

/* The first message of a zone transfer: SOA, A, SOA. */
static const uint8_t axfr_start[] = {
  HDR(0x002f, 0x8400, 1, 3, 0, 0),
  EXAMPLE_TEST, U16(252), U16(1),
  0xc0, 0x0c, U16(6), U16(1), U32(3600), U16(22),
  0, 0, U32(5), U32(0), U32(0), U32(0), U32(0),
  3, 'w', 'w', 'w', 0xc0, 0x0c, U16(1), U16(1), U32(3600), U16(4),
  127, 0, 0, 1,
  0xc0, 0x0c, U16(6), U16(1), U32(3600), U16(22),
  0, 0, U32(6), U32(0), U32(0), U32(0), U32(0),
};

/* OPT whose owner is not the root (RFC 6891 6.1.2 violation). */
static const uint8_t opt_owner[] = {
  HDR(0x0030, 0x8400, 1, 0, 0, 1),
  EXAMPLE_TEST, U16(6), U16(1),
  1, 'a', 0, U16(41), U16(512), U32(0), U16(0),
};

/* RFC 8906 8.1.4: NOTIMP to opcode 15, opcode echoed. */
static const uint8_t notimp_reply[] = {
  HDR(0x0031, 0xf804, 1, 0, 0, 0),
  EXAMPLE_TEST, U16(6), U16(1),
};

/* Two questions; only the first is kept, both are stepped over. */
static const uint8_t two_questions[] = {
  HDR(0x0032, 0x8400, 2, 1, 0, 0),
  EXAMPLE_TEST, U16(6), U16(1),
  0xc0, 0x0c, U16(1), U16(1),
  0xc0, 0x0c, U16(1), U16(1), U32(60), U16(4), 127, 0, 0, 1,
};

/* An SOA whose RDATA is too short for a serial: framing is still fine. */
static const uint8_t soa_short[] = {
  HDR(0x0033, 0x8400, 1, 1, 0, 0),
  EXAMPLE_TEST, U16(6), U16(1),
  0xc0, 0x0c, U16(6), U16(1), U32(0), U16(5), 0, 0, 1, 2, 3,
};

/* An SOA whose MNAME runs past its RDLENGTH into the next record. */
static const uint8_t soa_name_past_rdata[] = {
  HDR(0x0034, 0x8400, 1, 2, 0, 0),
  EXAMPLE_TEST, U16(6), U16(1),
  0xc0, 0x0c, U16(6), U16(1), U32(0), U16(2), 1, 'n',     /* MNAME "n." */
  0, U16(1), U16(1), U32(0), U16(0),                      /* ends here */
};

/* A referral from a parent's server (RFC 1034 4.3.2): child.test NS, no AA;
 * the authority names one server inside the zone and one outside, the
 * additional gives glue for the first (A and AAAA) and an OPT. */
static const uint8_t referral[] = {
  HDR(0x0040, 0x8000, 1, 0, 2, 3),
  5, 'c', 'h', 'i', 'l', 'd', 4, 't', 'e', 's', 't', 0,  /* @12 question */
  U16(2), U16(1),
  0xc0, 0x0c, U16(2), U16(1), U32(3600), U16(6),          /* @28 NS */
  3, 'n', 's', '1', 0xc0, 0x0c,                           /* @40 ns1.child */
  0xc0, 0x0c, U16(2), U16(1), U32(3600), U16(12),         /* @46 NS */
  3, 'n', 's', '2', 5, 'o', 't', 'h', 'e', 'r',           /* @58 */
  0xc0, 0x12,                                             /* .test */
  0xc0, 0x28, U16(1), U16(1), U32(3600), U16(4),          /* @70 glue A */
  127, 0, 1, 71,
  0xc0, 0x28, U16(28), U16(1), U32(3600), U16(16),        /* @86 AAAA */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
  0, U16(41), U16(1232), U32(0), U16(0),                  /* OPT */
};

/* The zone's SOA asked as ExAmPlE.TeSt: the question echoed in that case. */
static const uint8_t mixed_case[] = {
  HDR(0x0041, 0x8400, 1, 0, 0, 0),
  7, 'E', 'x', 'A', 'm', 'P', 'l', 'E', 4, 'T', 'e', 'S', 't', 0,
  U16(6), U16(1),
};

/* Records whose RDATA does not fit their type: an A of 5 bytes, an NS
 * whose name runs past its RDLENGTH, an SOA with a byte left over. */
static const uint8_t bad_rdata[] = {
  HDR(0x0042, 0x8400, 1, 3, 0, 0),
  EXAMPLE_TEST, U16(1), U16(1),
  0xc0, 0x0c, U16(1), U16(1), U32(0), U16(5), 127, 0, 0, 1, 9, /* @30 */
  0xc0, 0x0c, U16(2), U16(1), U32(0), U16(2), 1, 'n',          /* @47 */
  0xc0, 0x0c, U16(6), U16(1), U32(0), U16(23),                 /* @61 */
  0, 0, U32(1), U32(2), U32(3), U32(4), U32(5), 0,
};

/* Header only. */
static const uint8_t empty_reply[] = {
  HDR(0x0035, 0x8180, 0, 0, 0, 0),
};

/* An OPT record in the answer section is still the message's OPT. */
static const uint8_t opt_in_answer[] = {
  HDR(0x0036, 0x8403, 1, 1, 0, 0),
  EXAMPLE_TEST, U16(6), U16(1),
  0, U16(41), U16(1400), U32(0x02000000), U16(0),
};

/* clang-format on */

struct parse_case
{
  const char *label;
  const uint8_t *msg;
  size_t len;
  uint16_t id, flags;
  uint8_t opcode;
  uint16_t rcode;
  bool has_question;
  uint16_t qtype, qclass;
  unsigned nrr;
  unsigned parsed[4];
  unsigned answer_soa;
  bool has_serial;
  uint32_t serial;
  unsigned opt_count;
  bool owner_not_root;
  uint16_t udp_size;
  uint8_t version;
  bool do_bit;
  const char *nsid;
  unsigned cookie_len;
  unsigned nede;
  uint16_t ede_code;
  const char *ede_text;
  unsigned ncodes;
  uint16_t codes[4];
};

static const struct parse_case parse_cases[] = {
    {.label = "soa-answer-compressed",
     .msg = soa_answer,
     .len = sizeof soa_answer,
     .id = 0x1234,
     .flags = 0x8400,
     .rcode = 0,
     .has_question = true,
     .qtype = 6,
     .qclass = 1,
     .nrr = 2,
     .parsed = {1, 1, 0, 1},
     .answer_soa = 1,
     .has_serial = true,
     .serial = 2024010100,
     .opt_count = 1,
     .udp_size = 1232},
    {.label = "refused-ede-18",
     .msg = refused_ede,
     .len = sizeof refused_ede,
     .id = 0x2a,
     .flags = 0x8105,
     .rcode = 5,
     .has_question = true,
     .qtype = 1,
     .qclass = 1,
     .nrr = 1,
     .parsed = {1, 0, 0, 1},
     .opt_count = 1,
     .udp_size = 1232,
     .nede = 1,
     .ede_code = 18,
     .ede_text = "recursion refused",
     .ncodes = 1,
     .codes = {15}},
    {.label = "badvers",
     .msg = badvers,
     .len = sizeof badvers,
     .id = 0x2b,
     .flags = 0x8400,
     .rcode = 16,
     .has_question = true,
     .qtype = 6,
     .qclass = 1,
     .nrr = 1,
     .parsed = {1, 0, 0, 1},
     .opt_count = 1,
     .udp_size = 1232},
    {.label = "nsid-do",
     .msg = nsid_reply,
     .len = sizeof nsid_reply,
     .id = 0x2c,
     .flags = 0x8400,
     .rcode = 0,
     .has_question = true,
     .qtype = 6,
     .qclass = 1,
     .nrr = 1,
     .parsed = {1, 0, 0, 1},
     .opt_count = 1,
     .udp_size = 1232,
     .do_bit = true,
     .nsid = "ns1.example",
     .ncodes = 1,
     .codes = {3}},
    {.label = "cookie-badcookie",
     .msg = cookie_reply,
     .len = sizeof cookie_reply,
     .id = 0x2d,
     .flags = 0x8407,
     .rcode = 23,
     .has_question = true,
     .qtype = 6,
     .qclass = 1,
     .nrr = 1,
     .parsed = {1, 0, 0, 1},
     .opt_count = 1,
     .udp_size = 1232,
     .nsid = "",
     .cookie_len = 16,
     .ncodes = 2,
     .codes = {10, 3}},
    {.label = "txt-chaos",
     .msg = txt_chaos,
     .len = sizeof txt_chaos,
     .id = 0x2e,
     .flags = 0x8400,
     .has_question = true,
     .qtype = 16,
     .qclass = 3,
     .nrr = 1,
     .parsed = {1, 1, 0, 0}},
    {.label = "axfr-two-soa",
     .msg = axfr_start,
     .len = sizeof axfr_start,
     .id = 0x2f,
     .flags = 0x8400,
     .has_question = true,
     .qtype = 252,
     .qclass = 1,
     .nrr = 3,
     .parsed = {1, 3, 0, 0},
     .answer_soa = 2,
     .has_serial = true,
     .serial = 5},
    {.label = "opt-owner-not-root",
     .msg = opt_owner,
     .len = sizeof opt_owner,
     .id = 0x30,
     .flags = 0x8400,
     .has_question = true,
     .qtype = 6,
     .qclass = 1,
     .nrr = 1,
     .parsed = {1, 0, 0, 1},
     .opt_count = 1,
     .owner_not_root = true,
     .udp_size = 512},
    {.label = "notimp-opcode-15",
     .msg = notimp_reply,
     .len = sizeof notimp_reply,
     .id = 0x31,
     .flags = 0xf804,
     .opcode = 15,
     .rcode = 4,
     .has_question = true,
     .qtype = 6,
     .qclass = 1,
     .parsed = {1, 0, 0, 0}},
    {.label = "two-questions",
     .msg = two_questions,
     .len = sizeof two_questions,
     .id = 0x32,
     .flags = 0x8400,
     .has_question = true,
     .qtype = 6,
     .qclass = 1,
     .nrr = 1,
     .parsed = {2, 1, 0, 0}},
    {.label = "soa-rdata-short",
     .msg = soa_short,
     .len = sizeof soa_short,
     .id = 0x33,
     .flags = 0x8400,
     .has_question = true,
     .qtype = 6,
     .qclass = 1,
     .nrr = 1,
     .parsed = {1, 1, 0, 0},
     .answer_soa = 1},
    {.label = "soa-name-past-rdata",
     .msg = soa_name_past_rdata,
     .len = sizeof soa_name_past_rdata,
     .id = 0x34,
     .flags = 0x8400,
     .has_question = true,
     .qtype = 6,
     .qclass = 1,
     .nrr = 2,
     .parsed = {1, 2, 0, 0},
     .answer_soa = 1},
    {.label = "header-only",
     .msg = empty_reply,
     .len = sizeof empty_reply,
     .id = 0x35,
     .flags = 0x8180},
    {.label = "opt-in-answer",
     .msg = opt_in_answer,
     .len = sizeof opt_in_answer,
     .id = 0x36,
     .flags = 0x8403,
     .rcode = 0x23,
     .has_question = true,
     .qtype = 6,
     .qclass = 1,
     .nrr = 1,
     .parsed = {1, 1, 0, 0},
     .opt_count = 1,
     .udp_size = 1400},
};

START_TEST(test_parse_reply)
{
  const struct parse_case *c = &parse_cases[_i];
  const char *l = c->label;
  struct dp_wire_msg m;

  ck_assert_msg(dp_wire_msg_parse(c->msg, c->len, &m) == DP_OK, "%s: status",
                l);
  ck_assert_msg(m.complete && m.problem == DP_OK && m.problem_what == NULL,
                "%s: not complete: %s at %zu", l,
                m.problem_what ? m.problem_what : "?", m.problem_off);
  ck_assert_msg(m.buf == c->msg && m.len == c->len, "%s: buf/len", l);
  ck_assert_msg(m.id == c->id && m.flags == c->flags, "%s: id %u flags %04x", l,
                m.id, m.flags);
  ck_assert_msg(m.qr == ((c->flags & 0x8000) != 0) &&
                    m.aa == ((c->flags & 0x0400) != 0) &&
                    m.rd == ((c->flags & 0x0100) != 0) &&
                    m.ra == ((c->flags & 0x0080) != 0),
                "%s: header bits", l);
  ck_assert_msg(m.opcode == c->opcode, "%s: opcode %u", l, m.opcode);
  ck_assert_msg(m.hdr_rcode == (c->flags & 0x0f), "%s: header rcode %u", l,
                m.hdr_rcode);
  ck_assert_msg(m.rcode == c->rcode, "%s: rcode %u, want %u", l, m.rcode,
                c->rcode);
  ck_assert_msg(m.has_question == c->has_question, "%s: has_question", l);
  if (c->has_question)
    ck_assert_msg(
        m.qname_off == 12 && m.qtype == c->qtype && m.qclass == c->qclass,
        "%s: question %u/%u at %u", l, m.qtype, m.qclass, m.qname_off);
  ck_assert_msg(m.nrr == c->nrr && m.rr_parsed == c->nrr, "%s: nrr %u/%u", l,
                m.nrr, m.rr_parsed);
  for (int s = 0; s < 4; s++)
    ck_assert_msg(m.section_parsed[s] == c->parsed[s],
                  "%s: section %d parsed %u, want %u", l, s,
                  m.section_parsed[s], c->parsed[s]);
  ck_assert_msg(m.answer_soa == c->answer_soa, "%s: answer_soa %u", l,
                m.answer_soa);
  ck_assert_msg(m.has_soa_serial == c->has_serial, "%s: has_soa_serial", l);
  if (c->has_serial)
    ck_assert_msg(m.soa_serial == c->serial, "%s: serial %u", l, m.soa_serial);
  ck_assert_msg(m.opt.count == c->opt_count &&
                    m.opt.present == (c->opt_count > 0),
                "%s: OPT count %u", l, m.opt.count);
  ck_assert_msg(!m.opt.malformed, "%s: OPT malformed", l);
  ck_assert_msg(m.opt.owner_not_root == c->owner_not_root, "%s: owner_not_root",
                l);
  ck_assert_msg(m.opt.udp_size == c->udp_size && m.opt.version == c->version,
                "%s: udp %u version %u", l, m.opt.udp_size, m.opt.version);
  ck_assert_msg(m.opt.do_bit == c->do_bit &&
                    ((m.opt.flags & 0x8000) != 0) == c->do_bit,
                "%s: DO", l);
  ck_assert_msg(m.opt.nsid_present == (c->nsid != NULL), "%s: NSID presence",
                l);
  if (c->nsid != NULL)
    ck_assert_msg(m.opt.nsid_len == strlen(c->nsid) &&
                      memcmp(m.buf + m.opt.nsid_off, c->nsid, m.opt.nsid_len) ==
                          0,
                  "%s: NSID content", l);
  ck_assert_msg(m.opt.cookie_present == (c->cookie_len > 0) &&
                    m.opt.cookie_len == c->cookie_len,
                "%s: cookie length %u", l, m.opt.cookie_len);
  ck_assert_msg(m.opt.nede == c->nede, "%s: nede %u", l, m.opt.nede);
  if (c->nede > 0)
    ck_assert_msg(m.opt.ede[0].code == c->ede_code &&
                      m.opt.ede[0].text_len == strlen(c->ede_text) &&
                      memcmp(m.buf + m.opt.ede[0].text_off, c->ede_text,
                             m.opt.ede[0].text_len) == 0,
                  "%s: EDE %u", l, m.opt.ede[0].code);
  ck_assert_msg(m.opt.ncodes == c->ncodes, "%s: ncodes %u", l, m.opt.ncodes);
  for (unsigned i = 0; i < c->ncodes; i++)
    ck_assert_msg(m.opt.codes[i] == c->codes[i], "%s: code %u is %u", l, i,
                  m.opt.codes[i]);
}
END_TEST

START_TEST(test_parse_details)
{
  struct dp_wire_msg m;

  ck_assert_msg(dp_wire_msg_parse(soa_answer, sizeof soa_answer, &m) == DP_OK,
                "soa-answer: status");
  ck_assert_msg(m.rr[0].section == DP_SECTION_ANSWER && m.rr[0].type == 6 &&
                    m.rr[0].rclass == 1 && m.rr[0].ttl == 3600 &&
                    m.rr[0].rdlength == 39 && m.rr[0].owner_off == 30 &&
                    m.rr[0].rdata_off == 42,
                "soa-answer: rr[0] fields");
  ck_assert_msg(m.rr[1].section == DP_SECTION_ADDITIONAL &&
                    m.rr[1].type == 41 && m.rr[1].owner_off == 81 &&
                    m.rr[1].rdata_off == 92 && m.rr[1].rdlength == 0,
                "soa-answer: rr[1] fields");

  ck_assert_msg(dp_wire_msg_parse(cookie_reply, sizeof cookie_reply, &m) ==
                    DP_OK,
                "cookie: status");
  ck_assert_msg(m.opt.cookie_off == 45 && m.buf[m.opt.cookie_off + 8] == 0xa1,
                "cookie: offset %u", m.opt.cookie_off);
  ck_assert_msg(m.opt.ext_rcode == 1 && m.hdr_rcode == 7, "cookie: rcodes");

  ck_assert_msg(dp_wire_msg_parse(NULL, 12, &m) == DP_EINVAL,
                "null-buf: want DP_EINVAL");
  ck_assert_msg(dp_wire_msg_parse(soa_answer, 12, NULL) == DP_EINVAL,
                "null-msg: want DP_EINVAL");
}
END_TEST

/*
 * Build 70 A records (one of them, past the rr[] cap, an SOA). Returns the
 * length, or 0 when cap is too small (it also runs from main()).
 */
static size_t make_records_soa_at(uint8_t *buf, size_t cap, int soa_at)
{
  /* clang-format off */
  const uint8_t head[] = {HDR(0x0040, 0x8400, 1, 70, 0, 0),
                          EXAMPLE_TEST, U16(1), U16(1)};
  const uint8_t soa[] = {0xc0, 0x0c, U16(6), U16(1), U32(60), U16(22),
                         0, 0, U32(66), U32(0), U32(0), U32(0), U32(0)};
  /* clang-format on */
  size_t n = sizeof head;

  if (cap < n)
    return 0;
  memcpy(buf, head, n);
  for (int i = 0; i < 70; i++)
  {
    /* clang-format off */
    const uint8_t a[] = {0xc0, 0x0c, U16(1), U16(1), U32(60), U16(4),
                         127, 0, 0, (uint8_t)i};
    /* clang-format on */
    const uint8_t *r = i == soa_at ? soa : a;
    size_t rl = i == soa_at ? sizeof soa : sizeof a;
    if (cap - n < rl)
      return 0;
    memcpy(buf + n, r, rl);
    n += rl;
  }
  return n;
}

static size_t make_many_records(uint8_t *buf, size_t cap)
{
  return make_records_soa_at(buf, cap, 66);
}

START_TEST(test_parse_rr_cap)
{
  uint8_t buf[2048];
  size_t len = make_many_records(buf, sizeof buf);
  struct dp_wire_msg m;

  ck_assert_msg(len > 0, "many-records: buffer too small");
  ck_assert_msg(dp_wire_msg_parse(buf, len, &m) == DP_OK && m.complete,
                "many-records: parse");
  ck_assert_msg(m.nrr == DP_WIRE_RR_MAX, "many-records: nrr %u", m.nrr);
  ck_assert_msg(m.rr_parsed == 70 && m.section_parsed[1] == 70,
                "many-records: parsed %u", m.rr_parsed);
  ck_assert_msg(m.rr[63].type == 1 && m.buf[m.rr[63].rdata_off + 3] == 63,
                "many-records: rr[63] is the 64th record");
  ck_assert_msg(m.answer_soa == 1 && m.has_soa_serial && m.soa_serial == 66,
                "many-records: SOA past the cap still counted");
  ck_assert_msg(!m.last_answer_is_soa, "many-records: last record is an A");

  /* a transfer's closing SOA as the 70th record, far past rr[] */
  len = make_records_soa_at(buf, sizeof buf, 69);
  ck_assert_msg(dp_wire_msg_parse(buf, len, &m) == DP_OK && m.complete,
                "closing-soa: parse");
  ck_assert_msg(m.last_answer_is_soa && m.last_answer_soa_serial == 66,
                "closing-soa: last answer record is the SOA, serial 66");
}
END_TEST

/* ---- malformed messages -------------------------------------------------- */

#define Q_EXAMPLE EXAMPLE_TEST, U16(6), U16(1) /* 18 bytes: @12 to @30 */
#define A_RR(owner_hi, owner_lo)                                               \
  owner_hi, owner_lo, U16(1), U16(1), U32(0), U16(4), 127, 0, 0, 1
#define OPT_RR(size, rdlen) 0, U16(41), U16(size), U32(0), U16(rdlen)

struct bad_case
{
  const char *label;
  const uint8_t *msg;
  size_t len;
  dp_status_t ret;
  uint8_t section;
  size_t off;
  const char *what;
  unsigned rr_parsed;
  unsigned opt_count;
  bool opt_malformed;
};

static const uint8_t short_header[] = {HDR(1, 0x8400, 0, 0, 0, 0)};

static const struct bad_case bad_cases[] = {
    {"short-header", short_header, 11, DP_EMALFORMED, 0, 0,
     "header shorter than 12 bytes", 0, 0, false},
    {"empty", short_header, 0, DP_EMALFORMED, 0, 0,
     "header shorter than 12 bytes", 0, 0, false},
    {"qdcount-beyond-data", BYTES(HDR(1, 0x8400, 2, 0, 0, 0), Q_EXAMPLE), DP_OK,
     DP_SECTION_QUESTION, 30, "question count larger than the data", 0, 0,
     false},
    {"ancount-beyond-data",
     BYTES(HDR(1, 0x8400, 1, 2, 0, 0), Q_EXAMPLE, A_RR(0xc0, 0x0c)), DP_OK,
     DP_SECTION_ANSWER, 46, "answer count larger than the data", 1, 0, false},
    {"nscount-beyond-data", BYTES(HDR(1, 0x8400, 1, 0, 1, 0), Q_EXAMPLE), DP_OK,
     DP_SECTION_AUTHORITY, 30, "authority count larger than the data", 0, 0,
     false},
    {"arcount-beyond-data",
     BYTES(HDR(1, 0x8400, 1, 0, 0, 2), Q_EXAMPLE, OPT_RR(1232, 0)), DP_OK,
     DP_SECTION_ADDITIONAL, 41, "additional count larger than the data", 1, 1,
     false},
    {"self-pointer",
     BYTES(HDR(1, 0x8400, 1, 0, 0, 0), 0xc0, 0x0c, U16(6), U16(1)), DP_OK,
     DP_SECTION_QUESTION, 12, "compression pointer loop", 0, 0, false},
    {"self-pointer-after-label",
     BYTES(HDR(1, 0x8400, 1, 0, 0, 0), 1, 'a', 0xc0, 0x0c, U16(6), U16(1)),
     DP_OK, DP_SECTION_QUESTION, 14, "compression pointer loop", 0, 0, false},
    /* @44 points back to @42 (opaque RDATA of the first record), which points
     * forward to @44 again. */
    {"two-node-loop",
     BYTES(HDR(1, 0x8400, 1, 2, 0, 0), Q_EXAMPLE, 0xc0, 0x0c, U16(10), U16(1),
           U32(0), U16(2), 0xc0, 0x2c, A_RR(0xc0, 0x2a)),
     DP_OK, DP_SECTION_ANSWER, 42, "compression pointer loop", 1, 0, false},
    {"forward-pointer-question",
     BYTES(HDR(1, 0x8400, 1, 0, 0, 0), 0xc0, 0x10, U16(6), U16(1)), DP_OK,
     DP_SECTION_QUESTION, 12, "forward compression pointer", 0, 0, false},
    {"forward-pointer-answer",
     BYTES(HDR(1, 0x8400, 1, 1, 0, 0), Q_EXAMPLE, A_RR(0xc0, 0x2a)), DP_OK,
     DP_SECTION_ANSWER, 30, "forward compression pointer", 0, 0, false},
    {"pointer-past-end",
     BYTES(HDR(1, 0x8400, 1, 0, 0, 0), 0xc0, 0xff, U16(6), U16(1)), DP_OK,
     DP_SECTION_QUESTION, 12, "compression pointer past end of message", 0, 0,
     false},
    {"pointer-3fff",
     BYTES(HDR(1, 0x8400, 1, 1, 0, 0), Q_EXAMPLE, A_RR(0xff, 0xff)), DP_OK,
     DP_SECTION_ANSWER, 30, "compression pointer past end of message", 0, 0,
     false},
    {"pointer-into-header",
     BYTES(HDR(1, 0x8400, 1, 1, 0, 0), Q_EXAMPLE, A_RR(0xc0, 0x04)), DP_OK,
     DP_SECTION_ANSWER, 30, "compression pointer into the header", 0, 0, false},
    {"pointer-cut", BYTES(HDR(1, 0x8400, 1, 0, 0, 0), 0xc0), DP_OK,
     DP_SECTION_QUESTION, 12, "compression pointer cut by end of message", 0, 0,
     false},
    {"label-64",
     BYTES(HDR(1, 0x8400, 1, 0, 0, 0), 0x40, 'a', 'a', 0, U16(6), U16(1)),
     DP_OK, DP_SECTION_QUESTION, 12, "label longer than 63 bytes", 0, 0, false},
    {"label-type-0x80",
     BYTES(HDR(1, 0x8400, 1, 0, 0, 0), 1, 'a', 0x80, 'a', 0, U16(6), U16(1)),
     DP_OK, DP_SECTION_QUESTION, 14, "label longer than 63 bytes", 0, 0, false},
    {"name-cut", BYTES(HDR(1, 0x8400, 1, 0, 0, 0), 7, 'e', 'x', 'a'), DP_OK,
     DP_SECTION_QUESTION, 12, "name runs past end of message", 0, 0, false},
    {"question-cut-after-name",
     BYTES(HDR(1, 0x8400, 1, 0, 0, 0), EXAMPLE_TEST, 0), DP_OK,
     DP_SECTION_QUESTION, 26, "question truncated after its name", 0, 0, false},
    {"record-cut-in-fixed-fields",
     BYTES(HDR(1, 0x8400, 1, 1, 0, 0), Q_EXAMPLE, 0xc0, 0x0c, U16(6), 0), DP_OK,
     DP_SECTION_ANSWER, 32, "record truncated in its fixed fields", 0, 0,
     false},
    {"record-cut-in-rdlength", soa_answer, 41, DP_OK, DP_SECTION_ANSWER, 40,
     "record truncated in its fixed fields", 0, 0, false},
    {"record-cut-in-rdata", soa_answer, 60, DP_OK, DP_SECTION_ANSWER, 40,
     "RDLENGTH past end of message", 0, 0, false},
    {"rdlength-past-end",
     BYTES(HDR(1, 0x8400, 1, 1, 0, 0), Q_EXAMPLE, 0xc0, 0x0c, U16(6), U16(1),
           U32(0), U16(256), 0, 0, U32(1)),
     DP_OK, DP_SECTION_ANSWER, 40, "RDLENGTH past end of message", 0, 0, false},
    {"two-opt",
     BYTES(HDR(1, 0x8400, 1, 0, 0, 2), Q_EXAMPLE, OPT_RR(1232, 0),
           OPT_RR(512, 0)),
     DP_OK, DP_SECTION_ADDITIONAL, 41, "more than one OPT record", 2, 2, false},
    {"ede-length-1",
     BYTES(HDR(1, 0x8105, 1, 0, 0, 1), Q_EXAMPLE, OPT_RR(1232, 5), U16(15),
           U16(1), 0),
     DP_OK, DP_SECTION_ADDITIONAL, 41, "EDE option shorter than 2 bytes", 1, 1,
     true},
    {"option-past-rdlength",
     BYTES(HDR(1, 0x8400, 1, 0, 0, 1), Q_EXAMPLE, OPT_RR(1232, 12), U16(3),
           U16(2), 'a', 'b', U16(10), U16(8), 1, 2),
     DP_OK, DP_SECTION_ADDITIONAL, 47, "EDNS option longer than RDLENGTH", 1, 1,
     true},
    {"option-header-cut",
     BYTES(HDR(1, 0x8400, 1, 0, 0, 1), Q_EXAMPLE, OPT_RR(1232, 3), U16(3), 0),
     DP_OK, DP_SECTION_ADDITIONAL, 41, "EDNS option header cut by RDLENGTH", 1,
     1, true},
};

START_TEST(test_parse_malformed)
{
  const struct bad_case *c = &bad_cases[_i];
  const char *l = c->label;
  uint8_t *copy = malloc(c->len > 0 ? c->len : 1);
  struct dp_wire_msg m;

  ck_assert_msg(copy != NULL, "%s: malloc", l);
  memcpy(copy, c->msg, c->len);
  dp_status_t st = dp_wire_msg_parse(copy, c->len, &m);
  ck_assert_msg(st == c->ret, "%s: status %d, want %d", l, st, c->ret);
  ck_assert_msg(!m.complete && m.problem == DP_EMALFORMED,
                "%s: complete %d problem %d", l, m.complete, m.problem);
  ck_assert_msg(m.problem_section == c->section, "%s: section %u, want %u", l,
                m.problem_section, c->section);
  ck_assert_msg(m.problem_what != NULL && strcmp(m.problem_what, c->what) == 0,
                "%s: what '%s', want '%s'", l,
                m.problem_what ? m.problem_what : "(null)", c->what);
  ck_assert_msg(m.problem_off == c->off, "%s: offset %zu, want %zu", l,
                m.problem_off, c->off);
  ck_assert_msg(m.rr_parsed == c->rr_parsed, "%s: rr_parsed %u, want %u", l,
                m.rr_parsed, c->rr_parsed);
  ck_assert_msg(m.opt.count == c->opt_count, "%s: OPT count %u, want %u", l,
                m.opt.count, c->opt_count);
  ck_assert_msg(m.opt.malformed == c->opt_malformed, "%s: OPT malformed %d", l,
                m.opt.malformed);
  free(copy);
}
END_TEST

START_TEST(test_parse_malformed_opt_kept)
{
  /* What was read before the problem is kept. */
  static const uint8_t msg[] = {HDR(1, 0x8405, 1, 0, 0, 1),
                                Q_EXAMPLE,
                                0,
                                U16(41),
                                U16(1232),
                                U32(0x01000000),
                                U16(12),
                                U16(3),
                                U16(2),
                                'a',
                                'b',
                                U16(10),
                                U16(8),
                                1,
                                2};
  struct dp_wire_msg m;

  ck_assert_msg(dp_wire_msg_parse(msg, sizeof msg, &m) == DP_OK && !m.complete,
                "option-past-rdlength: parse");
  ck_assert_msg(m.opt.present && m.opt.udp_size == 1232 && m.rcode == 0x15,
                "option-past-rdlength: OPT fields kept");
  ck_assert_msg(m.opt.nsid_present && m.opt.nsid_len == 2 &&
                    m.buf[m.opt.nsid_off] == 'a',
                "option-past-rdlength: NSID kept");
  ck_assert_msg(m.opt.ncodes == 2 && m.opt.codes[0] == 3 &&
                    m.opt.codes[1] == 10 && !m.opt.cookie_present,
                "option-past-rdlength: codes");
}
END_TEST

/* A small appender for the generated messages. */
struct gen
{
  uint8_t buf[1400];
  size_t len;
  bool overflow; /* checked by the tests: generators also run from main() */
};

static void gen_put(struct gen *g, const uint8_t *b, size_t n)
{
  if (g->len + n > sizeof g->buf)
  {
    g->overflow = true;
    return;
  }
  memcpy(g->buf + g->len, b, n);
  g->len += n;
}

#define GEN(g, ...) gen_put(g, BYTES(__VA_ARGS__))

/*
 * Four opaque records whose RDATA hold labels chained by pointers, then a
 * record whose owner points at the last: 3 * 64 + (1 + first_len) + 1 bytes.
 */
static void gen_long_via_pointers(struct gen *g, unsigned first_len)
{
  size_t prev = 0;

  g->len = 0;
  g->overflow = false;
  GEN(g, HDR(1, 0x8400, 0, 5, 0, 0));
  for (unsigned i = 0; i < 4; i++)
  {
    unsigned n = i == 0 ? first_len : 63;
    GEN(g, 0, U16(10), U16(1), U32(0), U16(i == 0 ? n + 2 : n + 3));
    size_t start = g->len;
    GEN(g, (uint8_t)n);
    for (unsigned j = 0; j < n; j++)
      GEN(g, (uint8_t)('a' + i));
    if (i == 0)
      GEN(g, 0);
    else
      GEN(g, (uint8_t)(0xc0 | prev >> 8), (uint8_t)prev);
    prev = start;
  }
  GEN(g, (uint8_t)(0xc0 | prev >> 8), (uint8_t)prev, U16(1), U16(1), U32(0),
      U16(0));
}

/* A root name, then n pointers each to the one before; an owner to the last. */
static void gen_pointer_chain(struct gen *g, unsigned n)
{
  g->len = 0;
  g->overflow = false;
  GEN(g, HDR(1, 0x8400, 0, 2, 0, 0), 0, U16(10), U16(1), U32(0));
  GEN(g, U16(1 + 2 * n), 0);
  size_t prev = 23;
  for (unsigned i = 0; i < n; i++)
  {
    size_t here = g->len;
    GEN(g, (uint8_t)(0xc0 | prev >> 8), (uint8_t)prev);
    prev = here;
  }
  GEN(g, (uint8_t)(0xc0 | prev >> 8), (uint8_t)prev, U16(1), U16(1), U32(0),
      U16(0));
}

struct gen_case
{
  const char *label;
  bool chain;
  unsigned param;
  bool complete;
  size_t off;
  const char *what;
};

static const struct gen_case gen_cases[] = {
    {"name-255-via-pointers", false, 61, true, 0, NULL},
    {"name-256-via-pointers", false, 62, false, 23,
     "name longer than 255 bytes"},
    {"128-pointers", true, 127, true, 0, NULL},
    {"129-pointers", true, 128, false, 24, "too many compression pointers"},
};

static void gen_case_build(const struct gen_case *c, struct gen *g)
{
  if (c->chain)
    gen_pointer_chain(g, c->param);
  else
    gen_long_via_pointers(g, c->param);
}

START_TEST(test_parse_generated)
{
  const struct gen_case *c = &gen_cases[_i];
  struct gen g;
  struct dp_wire_msg m;

  gen_case_build(c, &g);
  ck_assert_msg(!g.overflow, "%s: generator buffer too small", c->label);
  uint8_t *copy = malloc(g.len);
  ck_assert_msg(copy != NULL, "%s: malloc", c->label);
  memcpy(copy, g.buf, g.len);
  ck_assert_msg(dp_wire_msg_parse(copy, g.len, &m) == DP_OK, "%s: status",
                c->label);
  ck_assert_msg(m.complete == c->complete, "%s: complete %d (%s)", c->label,
                m.complete, m.problem_what ? m.problem_what : "");
  if (c->complete)
  {
    uint8_t name[DP_DNS_NAME_MAX];
    size_t name_len;
    ck_assert_msg(m.rr_parsed == 2 || m.rr_parsed == 5, "%s: rr_parsed %u",
                  c->label, m.rr_parsed);
    const struct dp_wire_rr *last = &m.rr[m.nrr - 1];
    ck_assert_msg(dp_wire_name_read(copy, g.len, last->owner_off, name,
                                    sizeof name, &name_len, NULL) == DP_OK,
                  "%s: owner read", c->label);
    ck_assert_msg(name_len == (c->chain ? 1u : 255u), "%s: owner length %zu",
                  c->label, name_len);
  }
  else
  {
    ck_assert_msg(m.problem_section == DP_SECTION_ANSWER &&
                      m.problem_off == c->off &&
                      strcmp(m.problem_what, c->what) == 0,
                  "%s: problem '%s' at %zu in section %u", c->label,
                  m.problem_what, m.problem_off, m.problem_section);
  }
  free(copy);
}
END_TEST

START_TEST(test_parse_opt_caps)
{
  /* 10 EDE and 10 unknown options: 8 EDE and 16 codes are kept. */
  struct gen g = {.len = 0};
  struct dp_wire_msg m;

  GEN(&g, HDR(1, 0x8102, 1, 0, 0, 1), EXAMPLE_TEST, U16(1), U16(1), 0, U16(41),
      U16(1232), U32(0), U16(20 * 6));
  for (uint8_t i = 0; i < 10; i++)
    GEN(&g, U16(15), U16(2), 0, i, U16(65000), U16(2), 'x', i);
  ck_assert_msg(!g.overflow, "opt-caps: generator");
  ck_assert_msg(dp_wire_msg_parse(g.buf, g.len, &m) == DP_OK && m.complete,
                "opt-caps: parse");
  ck_assert_msg(m.opt.nede == DP_WIRE_EDE_MAX && m.opt.ede[7].code == 7 &&
                    m.opt.ede[7].text_len == 0,
                "opt-caps: nede %u", m.opt.nede);
  ck_assert_msg(m.opt.ncodes == DP_WIRE_OPT_CODES_MAX &&
                    m.opt.codes[14] == 15 && m.opt.codes[15] == 65000,
                "opt-caps: ncodes %u", m.opt.ncodes);
  ck_assert_msg(!m.opt.malformed, "opt-caps: malformed");
}
END_TEST

START_TEST(test_parse_oversized_buffer)
{
  /* Offsets are 16-bit: a buffer longer than any message is read up to
   * 65535 bytes, and the trailing bytes are not part of it. */
  size_t len = 70000;
  uint8_t *buf = calloc(1, len);
  struct dp_wire_msg m;

  ck_assert_msg(buf != NULL, "oversized: calloc");
  memcpy(buf, notimp_reply, sizeof notimp_reply);
  ck_assert_msg(dp_wire_msg_parse(buf, len, &m) == DP_OK && m.complete,
                "oversized: parse");
  ck_assert_msg(m.len == 65535 && m.has_question && m.rcode == 4,
                "oversized: len %zu", m.len);
  free(buf);
}
END_TEST

/* ---- names in messages, record data ---------------------------------------
 */

struct read_case
{
  const char *label;
  const uint8_t *msg;
  size_t len;
  size_t off, cap;
  dp_status_t status;
  const char *name;
  size_t next;
};

static const struct read_case read_cases[] = {
    {"question", soa_answer, sizeof soa_answer, 12, 255, DP_OK, "example.test.",
     26},
    {"owner-pointer", soa_answer, sizeof soa_answer, 30, 255, DP_OK,
     "example.test.", 32},
    {"mname-label-pointer", soa_answer, sizeof soa_answer, 42, 255, DP_OK,
     "ns1.example.test.", 48},
    {"rname", soa_answer, sizeof soa_answer, 48, 255, DP_OK,
     "hostmaster.example.test.", 61},
    {"opt-root", soa_answer, sizeof soa_answer, 81, 255, DP_OK, ".", 82},
    {"exact-cap", soa_answer, sizeof soa_answer, 42, 18, DP_OK,
     "ns1.example.test.", 48},
    {"cap-short", soa_answer, sizeof soa_answer, 42, 17, DP_ESPACE, NULL, 0},
    {"offset-at-end", soa_answer, sizeof soa_answer, sizeof soa_answer, 255,
     DP_EMALFORMED, NULL, 0},
    {"offset-past-end", soa_answer, sizeof soa_answer, 5000, 255, DP_EMALFORMED,
     NULL, 0},
    {"loop", BYTES(HDR(1, 0, 1, 0, 0, 0), 0xc0, 0x0c), 12, 255, DP_EMALFORMED,
     NULL, 0},
};

START_TEST(test_name_read)
{
  const struct read_case *c = &read_cases[_i];
  uint8_t name[DP_DNS_NAME_MAX];
  size_t name_len = 0, next = 0;
  char str[DP_WIRE_NAME_STRLEN];

  dp_status_t st =
      dp_wire_name_read(c->msg, c->len, c->off, name, c->cap, &name_len, &next);
  ck_assert_msg(st == c->status, "%s: status %d, want %d", c->label, st,
                c->status);
  if (st != DP_OK)
    return;
  ck_assert_msg(next == c->next, "%s: next %zu, want %zu", c->label, next,
                c->next);
  ck_assert_msg(dp_wire_name_tostr(name, name_len, str, sizeof str) == DP_OK &&
                    strcmp(str, c->name) == 0,
                "%s: '%s', want '%s'", c->label, str, c->name);
}
END_TEST

struct owner_case
{
  const char *label;
  unsigned rr;
  const char *name;
  bool want;
};

static const struct owner_case owner_cases[] = {
    {"same", 0, "example.test", true},
    {"other-case", 0, "EXAMPLE.Test.", true},
    {"differs-in-last-byte", 0, "example.tesu", false},
    {"suffix-only", 0, "test", false},
    {"longer", 0, "www.example.test", false},
    {"root-vs-name", 0, ".", false},
    {"opt-root", 1, ".", true},
    {"opt-vs-name", 1, "example.test", false},
};

START_TEST(test_owner_is)
{
  const struct owner_case *c = &owner_cases[_i];
  struct dp_wire_msg m;
  uint8_t name[DP_DNS_NAME_MAX];
  size_t name_len;

  ck_assert_msg(dp_wire_msg_parse(soa_answer, sizeof soa_answer, &m) == DP_OK,
                "%s: parse", c->label);
  ck_assert_msg(dp_wire_name_fromstr(c->name, name, sizeof name, &name_len) ==
                    DP_OK,
                "%s: fromstr", c->label);
  ck_assert_msg(dp_wire_rr_owner_is(&m, &m.rr[c->rr], name, name_len) ==
                    c->want,
                "%s: want %d", c->label, c->want);
}
END_TEST

struct serial_case
{
  const char *label;
  const uint8_t *msg;
  size_t len;
  unsigned rr;
  dp_status_t status;
  uint32_t serial;
};

static const struct serial_case serial_cases[] = {
    {"compressed-names", soa_answer, sizeof soa_answer, 0, DP_OK, 2024010100},
    {"root-names-first", axfr_start, sizeof axfr_start, 0, DP_OK, 5},
    {"root-names-last", axfr_start, sizeof axfr_start, 2, DP_OK, 6},
    {"not-soa", soa_answer, sizeof soa_answer, 1, DP_EINVAL, 0},
    {"rdata-too-short", soa_short, sizeof soa_short, 0, DP_EMALFORMED, 0},
    {"mname-past-rdata", soa_name_past_rdata, sizeof soa_name_past_rdata, 0,
     DP_EMALFORMED, 0},
};

START_TEST(test_soa_serial)
{
  const struct serial_case *c = &serial_cases[_i];
  struct dp_wire_msg m;
  uint32_t serial = 0;

  ck_assert_msg(dp_wire_msg_parse(c->msg, c->len, &m) == DP_OK, "%s: parse",
                c->label);
  dp_status_t st = dp_wire_soa_serial(&m, &m.rr[c->rr], &serial);
  ck_assert_msg(st == c->status, "%s: status %d, want %d", c->label, st,
                c->status);
  if (st == DP_OK)
    ck_assert_msg(serial == c->serial, "%s: serial %u, want %u", c->label,
                  serial, c->serial);
}
END_TEST

START_TEST(test_soa_serial_forged_rr)
{
  struct dp_wire_msg m;
  uint32_t serial;

  ck_assert_msg(dp_wire_msg_parse(soa_answer, sizeof soa_answer, &m) == DP_OK,
                "forged-rr: parse");
  struct dp_wire_rr rr = m.rr[0];
  rr.rdata_off = 90; /* 39 bytes from @90 run past the 92-byte message */
  ck_assert_msg(dp_wire_soa_serial(&m, &rr, &serial) == DP_EMALFORMED,
                "forged-rr: want DP_EMALFORMED");
  rr.rdata_off = 60000;
  ck_assert_msg(dp_wire_soa_serial(&m, &rr, &serial) == DP_EMALFORMED,
                "forged-rr-far: want DP_EMALFORMED");
  ck_assert_msg(dp_wire_soa_serial(NULL, &rr, &serial) == DP_EINVAL,
                "null-msg: want DP_EINVAL");
}
END_TEST

/* The question, byte for byte (the case probe) and letters folded. */
struct exact_case
{
  const char *label;
  const uint8_t *msg;
  size_t len;
  const char *name;
  uint16_t qtype;
  bool exact, same; /* dp_wire_question_exact, dp_wire_question_is */
};

static const struct exact_case exact_cases[] = {
    {"lower-lower", soa_answer, sizeof soa_answer, "example.test", 6, true,
     true},
    {"lower-asked-mixed", soa_answer, sizeof soa_answer, "ExAmPlE.TeSt", 6,
     false, true},
    {"mixed-mixed", mixed_case, sizeof mixed_case, "ExAmPlE.TeSt", 6, true,
     true},
    {"mixed-asked-flipped", mixed_case, sizeof mixed_case, "eXaMpLe.tEsT", 6,
     false, true},
    {"mixed-asked-lower", mixed_case, sizeof mixed_case, "example.test", 6,
     false, true},
    {"other-type", mixed_case, sizeof mixed_case, "ExAmPlE.TeSt", 1, false,
     false},
    {"other-name", mixed_case, sizeof mixed_case, "ExAmPlE.TeSu", 6, false,
     false},
    {"two-questions", two_questions, sizeof two_questions, "example.test", 6,
     false, false},
    {"no-question", empty_reply, sizeof empty_reply, "example.test", 6, false,
     false},
};

START_TEST(test_question_exact)
{
  const struct exact_case *c = &exact_cases[_i];
  struct dp_wire_msg m;
  uint8_t name[DP_DNS_NAME_MAX];
  size_t name_len = 0;

  ck_assert_msg(dp_wire_msg_parse(c->msg, c->len, &m) == DP_OK, "%s: parse",
                c->label);
  ck_assert_msg(dp_wire_name_fromstr(c->name, name, sizeof name, &name_len) ==
                    DP_OK,
                "%s: fromstr", c->label);
  ck_assert_msg(dp_wire_question_exact(&m, name, name_len, c->qtype, 1) ==
                    c->exact,
                "%s: exact, want %d", c->label, c->exact);
  ck_assert_msg(dp_wire_question_is(&m, name, name_len, c->qtype, 1) == c->same,
                "%s: same, want %d", c->label, c->same);
}
END_TEST

/* dp_wire_qname hands out the bytes as the message has them. */
START_TEST(test_qname)
{
  struct dp_wire_msg m;
  uint8_t name[DP_DNS_NAME_MAX];
  size_t len = 0;
  static const uint8_t want[] = {7,   'E', 'x', 'A', 'm', 'P', 'l',
                                 'E', 4,   'T', 'e', 'S', 't', 0};

  ck_assert_msg(dp_wire_msg_parse(mixed_case, sizeof mixed_case, &m) == DP_OK,
                "qname: parse");
  ck_assert_msg(dp_wire_qname(&m, name, sizeof name, &len) == DP_OK &&
                    len == sizeof want && memcmp(name, want, len) == 0,
                "qname: not the bytes sent");
  ck_assert_msg(dp_wire_qname(&m, name, 5, &len) == DP_ESPACE,
                "qname: a short buffer is DP_ESPACE");
  ck_assert_msg(dp_wire_msg_parse(empty_reply, sizeof empty_reply, &m) ==
                        DP_OK &&
                    dp_wire_qname(&m, name, sizeof name, &len) == DP_EINVAL,
                "qname: no question is DP_EINVAL");
  ck_assert_msg(dp_wire_qname(NULL, name, sizeof name, &len) == DP_EINVAL,
                "qname: NULL message");
}
END_TEST

/* The RDATA readers over each record of a message. */
enum rdata_what
{
  RD_OWNER,
  RD_NAME,
  RD_ADDR,
  RD_SOA,
};

struct rdata_case
{
  const char *label;
  const uint8_t *msg;
  size_t len;
  unsigned rr;
  enum rdata_what what;
  dp_status_t status;
  const char *text; /* a name, an address as bytes in text, or SOA fields */
};

static const struct rdata_case rdata_cases[] = {
    {"ns-owner", referral, sizeof referral, 0, RD_OWNER, DP_OK, "child.test."},
    {"ns-in-zone", referral, sizeof referral, 0, RD_NAME, DP_OK,
     "ns1.child.test."},
    {"ns-outside", referral, sizeof referral, 1, RD_NAME, DP_OK,
     "ns2.other.test."},
    {"glue-owner", referral, sizeof referral, 2, RD_OWNER, DP_OK,
     "ns1.child.test."},
    {"glue-a", referral, sizeof referral, 2, RD_ADDR, DP_OK, "127.0.1.71"},
    {"glue-aaaa", referral, sizeof referral, 3, RD_ADDR, DP_OK, "::1"},
    {"a-not-a-name", referral, sizeof referral, 2, RD_NAME, DP_EINVAL, NULL},
    {"ns-not-an-address", referral, sizeof referral, 0, RD_ADDR, DP_EINVAL,
     NULL},
    {"ns-not-an-soa", referral, sizeof referral, 0, RD_SOA, DP_EINVAL, NULL},
    {"soa", soa_answer, sizeof soa_answer, 0, RD_SOA, DP_OK,
     "ns1.example.test. hostmaster.example.test. 2024010100 7200 3600 "
     "1209600 3600"},
    {"soa-short", soa_short, sizeof soa_short, 0, RD_SOA, DP_EMALFORMED, NULL},
    {"soa-name-past", soa_name_past_rdata, sizeof soa_name_past_rdata, 0,
     RD_SOA, DP_EMALFORMED, NULL},
    {"a-of-5-bytes", bad_rdata, sizeof bad_rdata, 0, RD_ADDR, DP_EMALFORMED,
     NULL},
    {"ns-past-rdata", bad_rdata, sizeof bad_rdata, 1, RD_NAME, DP_EMALFORMED,
     NULL},
    {"soa-left-over", bad_rdata, sizeof bad_rdata, 2, RD_SOA, DP_EMALFORMED,
     NULL},
};

START_TEST(test_rdata)
{
  const struct rdata_case *c = &rdata_cases[_i];
  struct dp_wire_msg m;
  uint8_t name[DP_DNS_NAME_MAX], addr[16];
  size_t len = 0;
  char text[2 * DP_WIRE_NAME_STRLEN + 64] = "";
  struct dp_wire_soa soa;
  dp_status_t st = DP_EINVAL;

  ck_assert_msg(dp_wire_msg_parse(c->msg, c->len, &m) == DP_OK && c->rr < m.nrr,
                "%s: parse", c->label);
  const struct dp_wire_rr *rr = &m.rr[c->rr];
  switch (c->what)
  {
  case RD_OWNER:
  case RD_NAME:
    st = c->what == RD_OWNER
             ? dp_wire_rr_owner(&m, rr, name, sizeof name, &len)
             : dp_wire_rdata_name(&m, rr, name, sizeof name, &len);
    if (st == DP_OK)
      ck_assert_int_eq(dp_wire_name_tostr(name, len, text, sizeof text), DP_OK);
    break;
  case RD_ADDR:
    st = dp_wire_rdata_addr(&m, rr, addr, &len);
    if (st == DP_OK)
      ck_assert_msg(inet_ntop(len == 4 ? AF_INET : AF_INET6, addr, text,
                              sizeof text) != NULL,
                    "%s: ntop", c->label);
    break;
  case RD_SOA:
    st = dp_wire_soa_read(&m, rr, &soa);
    if (st == DP_OK)
    {
      char mname[DP_WIRE_NAME_STRLEN], rname[DP_WIRE_NAME_STRLEN];
      ck_assert_int_eq(
          dp_wire_name_tostr(soa.mname, soa.mname_len, mname, sizeof mname),
          DP_OK);
      ck_assert_int_eq(
          dp_wire_name_tostr(soa.rname, soa.rname_len, rname, sizeof rname),
          DP_OK);
      snprintf(text, sizeof text, "%s %s %u %u %u %u %u", mname, rname,
               soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum);
    }
    break;
  }
  ck_assert_msg(st == c->status, "%s: status %d, want %d", c->label, st,
                c->status);
  if (st == DP_OK)
    ck_assert_msg(strcmp(text, c->text) == 0, "%s: '%s', want '%s'", c->label,
                  text, c->text);
}
END_TEST

/* Offsets that point outside the message are refused, not followed. */
START_TEST(test_rdata_forged_rr)
{
  struct dp_wire_msg m;
  uint8_t out[DP_DNS_NAME_MAX];
  size_t len = 0;
  struct dp_wire_soa soa;

  ck_assert_msg(dp_wire_msg_parse(referral, sizeof referral, &m) == DP_OK,
                "forged: parse");
  struct dp_wire_rr ns = m.rr[0], a = m.rr[2];
  ns.rdata_off = (uint16_t)(sizeof referral - 2);
  a.rdata_off = 60000;
  struct dp_wire_rr owner = m.rr[0];
  owner.owner_off = 60000;
  ck_assert_msg(dp_wire_rdata_name(&m, &ns, out, sizeof out, &len) ==
                    DP_EMALFORMED,
                "forged: NS past the end");
  ck_assert_msg(dp_wire_rdata_addr(&m, &a, out, &len) == DP_EMALFORMED,
                "forged: A far away");
  ck_assert_msg(dp_wire_rr_owner(&m, &owner, out, sizeof out, &len) ==
                    DP_EMALFORMED,
                "forged: owner far away");
  struct dp_wire_rr s = m.rr[0];
  s.type = 6;
  s.rdlength = 200;
  ck_assert_msg(dp_wire_soa_read(&m, &s, &soa) == DP_EMALFORMED,
                "forged: SOA longer than the message");
  ck_assert_msg(dp_wire_soa_read(NULL, &s, &soa) == DP_EINVAL &&
                    dp_wire_rdata_addr(&m, NULL, out, &len) == DP_EINVAL &&
                    dp_wire_rr_owner(&m, &owner, NULL, 0, &len) == DP_EINVAL,
                "forged: NULL arguments");
}
END_TEST

struct txt_case
{
  const char *label;
  size_t cap;
  const char *want;
};

/* The full text is 9.18x\"y\001 (12 characters); escapes are never cut. */
static const struct txt_case txt_cases[] = {
    {"roomy", 64, "9.18x\\\"y\\001"},
    {"exact", 13, "9.18x\\\"y\\001"},
    {"cuts-before-ddd", 12, "9.18x\\\"y"},
    {"ddd-not-split", 10, "9.18x\\\"y"},
    {"quote-not-split", 7, "9.18x"},
    {"first-string-exact", 5, "9.18"},
    {"nul-only", 1, ""},
};

/* A space is plain text in a character-string, unlike in a name. */
START_TEST(test_txt_space)
{
  /* clang-format off */
  static const uint8_t msg[] = {
    0x12, 0x34, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0,
    7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 4, 'b', 'i', 'n', 'd', 0,
    0, 16, 0, 3,
    0xc0, 0x0c, 0, 16, 0, 3, 0, 0, 0, 0, 0, 10,
    9, 'N', 'S', 'D', ' ', '4', '.', '6', '.', '1'};
  /* clang-format on */
  struct dp_wire_msg m;
  char out[64];
  ck_assert_msg(dp_wire_msg_parse(msg, sizeof(msg), &m) == DP_OK &&
                    m.complete && m.nrr == 1,
                "txt-space: parse");
  ck_assert_msg(dp_wire_txt_tostr(&m, &m.rr[0], out, sizeof(out)) == DP_OK,
                "txt-space: tostr");
  ck_assert_msg(strcmp(out, "NSD 4.6.1") == 0, "txt-space: got \"%s\"", out);
}
END_TEST

START_TEST(test_txt_tostr)
{
  const struct txt_case *c = &txt_cases[_i];
  struct dp_wire_msg m;
  char out[64];

  memset(out, 'X', sizeof out);
  ck_assert_msg(dp_wire_msg_parse(txt_chaos, sizeof txt_chaos, &m) == DP_OK,
                "%s: parse", c->label);
  ck_assert_msg(dp_wire_txt_tostr(&m, &m.rr[0], out, c->cap) == DP_OK,
                "%s: status", c->label);
  ck_assert_msg(strcmp(out, c->want) == 0, "%s: '%s', want '%s'", c->label, out,
                c->want);
  ck_assert_msg(c->cap == sizeof out || out[c->cap] == 'X',
                "%s: wrote past cap", c->label);
}
END_TEST

START_TEST(test_txt_tostr_errors)
{
  static const uint8_t bad_txt[] = {HDR(1, 0x8400, 1, 1, 0, 0),
                                    Q_EXAMPLE,
                                    0xc0,
                                    0x0c,
                                    U16(16),
                                    U16(1),
                                    U32(0),
                                    U16(3),
                                    5,
                                    'a',
                                    'b'};
  struct dp_wire_msg m;
  char out[32];

  ck_assert_msg(dp_wire_msg_parse(bad_txt, sizeof bad_txt, &m) == DP_OK &&
                    m.complete,
                "string-past-rdata: parse");
  ck_assert_msg(dp_wire_txt_tostr(&m, &m.rr[0], out, sizeof out) ==
                    DP_EMALFORMED,
                "string-past-rdata: want DP_EMALFORMED");
  ck_assert_msg(dp_wire_msg_parse(soa_answer, sizeof soa_answer, &m) == DP_OK,
                "not-txt: parse");
  ck_assert_msg(dp_wire_txt_tostr(&m, &m.rr[0], out, sizeof out) == DP_EINVAL,
                "not-txt: want DP_EINVAL");
  ck_assert_msg(dp_wire_msg_parse(txt_chaos, sizeof txt_chaos, &m) == DP_OK,
                "cap-0: parse");
  ck_assert_msg(dp_wire_txt_tostr(&m, &m.rr[0], out, 0) == DP_EINVAL,
                "cap-0: want DP_EINVAL");
}
END_TEST

/* ---- robustness: every prefix, and deterministic mutations --------------- */

struct sample
{
  const char *label;
  const uint8_t *msg;
  size_t len;
  bool well_formed;
};

#define SAMPLES_MAX 128
static struct sample samples[SAMPLES_MAX];
static size_t nsamples;
static struct gen gen_store[NELEM(gen_cases)];
static uint8_t many_store[2048];

static void add_sample(const char *label, const uint8_t *msg, size_t len,
                       bool well_formed)
{
  if (nsamples < SAMPLES_MAX)
    samples[nsamples++] = (struct sample){label, msg, len, well_formed};
}

/* Every message of this file: replies, malformed shapes, generated ones. */
static void collect_samples(void)
{
  for (size_t i = 0; i < NELEM(parse_cases); i++)
    add_sample(parse_cases[i].label, parse_cases[i].msg, parse_cases[i].len,
               true);
  for (size_t i = 0; i < NELEM(bad_cases); i++)
    add_sample(bad_cases[i].label, bad_cases[i].msg, bad_cases[i].len, false);
  for (size_t i = 0; i < NELEM(gen_cases); i++)
  {
    gen_case_build(&gen_cases[i], &gen_store[i]);
    add_sample(gen_cases[i].label, gen_store[i].buf, gen_store[i].len,
               gen_cases[i].complete);
  }
  add_sample("many-records", many_store,
             make_many_records(many_store, sizeof many_store), true);
  for (size_t i = 0; i < NELEM(query_cases); i++)
    add_sample(query_cases[i].label, query_cases[i].want,
               query_cases[i].want_len, true);
  add_sample("referral", referral, sizeof referral, true);
  add_sample("mixed-case", mixed_case, sizeof mixed_case, true);
  add_sample("bad-rdata", bad_rdata, sizeof bad_rdata, true);
}

static bool within(size_t off, size_t n, size_t len)
{
  return off <= len && n <= len - off;
}

/*
 * What must hold for any input: the status follows the header length, the
 * counters agree, every stored offset lies inside the buffer, and the record
 * helpers can be called on every kept record.
 */
static void check_sane(const char *label, size_t variant, const uint8_t *buf,
                       size_t len, dp_status_t st, const struct dp_wire_msg *m)
{
  ck_assert_msg(st == (len < 12 ? DP_EMALFORMED : DP_OK),
                "%s/%zu: status %d for %zu bytes", label, variant, st, len);
  if (st != DP_OK)
  {
    ck_assert_msg(!m->complete && m->nrr == 0, "%s/%zu: short header state",
                  label, variant);
    return;
  }
  ck_assert_msg(m->buf == buf && m->len == len, "%s/%zu: buf", label, variant);
  ck_assert_msg(m->complete == (m->problem == DP_OK) &&
                    m->complete == (m->problem_what == NULL),
                "%s/%zu: problem fields disagree", label, variant);
  if (!m->complete)
    ck_assert_msg(m->problem_off <= len && m->problem_section <= 3,
                  "%s/%zu: problem at %zu section %u", label, variant,
                  m->problem_off, m->problem_section);
  const uint16_t counts[4] = {m->qdcount, m->ancount, m->nscount, m->arcount};
  unsigned sum = 0;
  for (int s = 0; s < 4; s++)
  {
    ck_assert_msg(m->section_parsed[s] <= counts[s],
                  "%s/%zu: section %d parsed %u of %u", label, variant, s,
                  m->section_parsed[s], counts[s]);
    if (m->complete)
      ck_assert_msg(m->section_parsed[s] == counts[s],
                    "%s/%zu: complete but section %d short", label, variant, s);
    sum += s > 0 ? m->section_parsed[s] : 0;
  }
  ck_assert_msg(m->rr_parsed == sum, "%s/%zu: rr_parsed %u, sum %u", label,
                variant, m->rr_parsed, sum);
  ck_assert_msg(m->nrr == (sum < DP_WIRE_RR_MAX ? sum : DP_WIRE_RR_MAX),
                "%s/%zu: nrr %u", label, variant, m->nrr);
  ck_assert_msg(m->answer_soa <= m->section_parsed[1], "%s/%zu: answer_soa",
                label, variant);
  ck_assert_msg(!m->has_question || m->qname_off < len, "%s/%zu: qname_off",
                label, variant);
  ck_assert_msg(m->opt.present == (m->opt.count > 0) &&
                    m->opt.nede <= DP_WIRE_EDE_MAX &&
                    m->opt.ncodes <= DP_WIRE_OPT_CODES_MAX,
                "%s/%zu: OPT counters", label, variant);
  ck_assert_msg(!m->opt.nsid_present ||
                    within(m->opt.nsid_off, m->opt.nsid_len, len),
                "%s/%zu: NSID outside", label, variant);
  ck_assert_msg(!m->opt.cookie_present ||
                    within(m->opt.cookie_off, m->opt.cookie_len, len),
                "%s/%zu: cookie outside", label, variant);
  for (unsigned i = 0; i < m->opt.nede; i++)
    ck_assert_msg(within(m->opt.ede[i].text_off, m->opt.ede[i].text_len, len),
                  "%s/%zu: EDE text outside", label, variant);

  unsigned prev_section = 1;
  for (unsigned i = 0; i < m->nrr; i++)
  {
    const struct dp_wire_rr *rr = &m->rr[i];
    ck_assert_msg(rr->section >= prev_section && rr->section <= 3,
                  "%s/%zu: rr %u section %u", label, variant, i, rr->section);
    prev_section = rr->section;
    ck_assert_msg(rr->owner_off < len &&
                      within(rr->rdata_off, rr->rdlength, len),
                  "%s/%zu: rr %u outside", label, variant, i);
    /* Results vary; what matters is that none reads out of bounds. */
    uint8_t name[DP_DNS_NAME_MAX];
    size_t name_len;
    char text[DP_WIRE_NAME_STRLEN];
    uint32_t serial;
    if (dp_wire_name_read(buf, len, rr->owner_off, name, sizeof name, &name_len,
                          NULL) == DP_OK)
    {
      ck_assert_msg(name_len >= 1 && name_len <= DP_DNS_NAME_MAX,
                    "%s/%zu: owner length %zu", label, variant, name_len);
      ck_assert_msg(dp_wire_name_tostr(name, name_len, text, sizeof text) ==
                        DP_OK,
                    "%s/%zu: owner does not print", label, variant);
      ck_assert_msg(dp_wire_rr_owner_is(m, rr, name, name_len),
                    "%s/%zu: owner not equal to itself", label, variant);
    }
    if (rr->type == 6)
      (void)dp_wire_soa_serial(m, rr, &serial);
    struct dp_wire_soa soa;
    uint8_t addr[16];
    (void)dp_wire_rr_owner(m, rr, name, sizeof name, &name_len);
    (void)dp_wire_rdata_name(m, rr, name, sizeof name, &name_len);
    (void)dp_wire_rdata_addr(m, rr, addr, &name_len);
    (void)dp_wire_soa_read(m, rr, &soa);
    if (rr->type == 16)
      (void)dp_wire_txt_tostr(m, rr, text, sizeof text);
  }
}

static void parse_exact(const char *label, size_t variant, const uint8_t *src,
                        size_t len, struct dp_wire_msg *m)
{
  /* An exact-size heap copy: ASan flags any read past its end. */
  uint8_t *copy = malloc(len > 0 ? len : 1);
  ck_assert_msg(copy != NULL, "%s/%zu: malloc", label, variant);
  if (len > 0)
    memcpy(copy, src, len);
  dp_status_t st = dp_wire_msg_parse(copy, len, m);
  check_sane(label, variant, copy, len, st, m);
  free(copy);
}

START_TEST(test_every_prefix)
{
  const struct sample *s = &samples[_i];
  struct dp_wire_msg m;

  for (size_t n = 0; n <= s->len; n++)
  {
    parse_exact(s->label, n, s->msg, n, &m);
    /* The header's counts promise the whole message: a cut is noticed. */
    if (s->well_formed && n >= 12)
      ck_assert_msg(m.complete == (n == s->len), "%s: prefix %zu complete %d",
                    s->label, n, m.complete);
  }
}
END_TEST

/* xorshift32: deterministic, so a failure names a reproducible variant. */
static uint32_t next_random(uint32_t *state)
{
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

#define MUTATIONS_TOTAL 20000

START_TEST(test_mutations)
{
  const struct sample *s = &samples[_i];
  static const uint8_t interesting[] = {0x00, 0x01, 0x02, 0x0c, 0x29, 0x3f,
                                        0x40, 0x7f, 0x80, 0xc0, 0xff};
  uint32_t state = 0x9e3779b9u ^ (uint32_t)_i * 2654435761u;
  size_t per_sample = MUTATIONS_TOTAL / nsamples + 1;
  uint8_t buf[2048];
  struct dp_wire_msg m;

  if (state == 0)
    state = 1;
  ck_assert_msg(s->len <= sizeof buf, "%s: too long to mutate", s->label);
  for (size_t v = 0; v < per_sample; v++)
  {
    size_t len = s->len;
    memcpy(buf, s->msg, len);
    unsigned nmut = 1 + next_random(&state) % 4;
    for (unsigned k = 0; k < nmut && len > 0; k++)
    {
      uint32_t r = next_random(&state);
      size_t at = next_random(&state) % len;
      switch (r % 6)
      {
      case 0:
        buf[at] = (uint8_t)(r >> 8);
        break;
      case 1:
        buf[at] = interesting[(r >> 8) % sizeof interesting];
        break;
      case 2: /* a compression pointer to anywhere in the message */
        if (at + 1 < len)
        {
          size_t to = (r >> 8) % len;
          buf[at] = (uint8_t)(0xc0 | to >> 8);
          buf[at + 1] = (uint8_t)to;
        }
        break;
      case 3: /* a header count off by a little */
        if (len >= 12)
        {
          size_t c = 4 + 2 * ((r >> 8) % 4) + 1;
          buf[c] = (uint8_t)(buf[c] + 1 + (r >> 16) % 3);
        }
        break;
      case 4:
        len = at;
        break;
      default:
        buf[at] ^= (uint8_t)(1u << ((r >> 8) % 8));
        break;
      }
    }
    parse_exact(s->label, v, buf, len, &m);
  }
}
END_TEST

static Suite *wire_suite(void)
{
  Suite *s = suite_create("wire");
  TCase *tc;

  tc = tcase_create("names");
  tcase_add_loop_test(tc, test_name_fromstr, 0, NELEM(name_cases));
  tcase_add_test(tc, test_name_fromstr_null);
  tcase_add_loop_test(tc, test_name_tostr, 0, NELEM(tostr_cases));
  tcase_add_test(tc, test_name_tostr_too_long);
  tcase_add_loop_test(tc, test_name_canon, 0, NELEM(canon_cases));
  suite_add_tcase(s, tc);

  tc = tcase_create("types");
  tcase_add_loop_test(tc, test_type_tostr_fromstr, 0, NELEM(type_cases));
  tcase_add_loop_test(tc, test_type_fromstr_bad, 0, NELEM(bad_types));
  tcase_add_loop_test(tc, test_class_tostr, 0, NELEM(class_cases));
  tcase_add_test(tc, test_mnemonic_truncation);
  suite_add_tcase(s, tc);

  tc = tcase_create("build");
  tcase_add_loop_test(tc, test_query_write, 0, NELEM(query_cases));
  tcase_add_loop_test(tc, test_query_write_errors, 0, NELEM(query_error_cases));
  tcase_add_test(tc, test_query_write_null);
  tcase_add_test(tc, test_query_write_huge_options);
  suite_add_tcase(s, tc);

  tc = tcase_create("parse");
  tcase_add_loop_test(tc, test_parse_reply, 0, NELEM(parse_cases));
  tcase_add_test(tc, test_parse_details);
  tcase_add_test(tc, test_parse_rr_cap);
  tcase_add_loop_test(tc, test_parse_malformed, 0, NELEM(bad_cases));
  tcase_add_test(tc, test_parse_malformed_opt_kept);
  tcase_add_loop_test(tc, test_parse_generated, 0, NELEM(gen_cases));
  tcase_add_test(tc, test_parse_opt_caps);
  tcase_add_test(tc, test_parse_oversized_buffer);
  suite_add_tcase(s, tc);

  tc = tcase_create("rdata");
  tcase_add_loop_test(tc, test_name_read, 0, NELEM(read_cases));
  tcase_add_loop_test(tc, test_owner_is, 0, NELEM(owner_cases));
  tcase_add_loop_test(tc, test_soa_serial, 0, NELEM(serial_cases));
  tcase_add_test(tc, test_soa_serial_forged_rr);
  tcase_add_loop_test(tc, test_txt_tostr, 0, NELEM(txt_cases));
  tcase_add_test(tc, test_txt_space);
  tcase_add_test(tc, test_txt_tostr_errors);
  tcase_add_loop_test(tc, test_question_exact, 0, NELEM(exact_cases));
  tcase_add_test(tc, test_qname);
  tcase_add_loop_test(tc, test_rdata, 0, NELEM(rdata_cases));
  tcase_add_test(tc, test_rdata_forged_rr);
  suite_add_tcase(s, tc);

  tc = tcase_create("robustness");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, test_every_prefix, 0, (int)nsamples);
  tcase_add_loop_test(tc, test_mutations, 0, (int)nsamples);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  collect_samples();
  SRunner *sr = srunner_create(wire_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
