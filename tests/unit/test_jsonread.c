/*
 * test_jsonread.c: the bounded JSON reader. Tables of texts it must accept
 * and refuse (RFC 8259's grammar, strictly: escapes, surrogates, UTF-8,
 * numbers, nothing after the value), its bounds (depth, tokens), and the
 * getters a record reader uses: members, elements, strings unescaped,
 * numbers.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/jsonread.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const valid[] = {
    "{}",
    "[]",
    " \t\r\n{ } \n",
    "null",
    "true",
    "0",
    "-0.5e+10",
    "1E3",
    "\"\"",
    "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"",
    "\"\\ud83d\\ude00\"",
    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
    "{\"a\":[1,2,{\"b\":null}],\"c\":\"d\"}",
    "[[[[[[[[[[]]]]]]]]]]",
};

/* (text, what the error says) */
static const struct
{
  const char *text;
  const char *error;
} invalid[] = {
    {"", "unexpected end"},
    {"{", "expected a member name"},
    {"{\"a\"}", "expected ':'"},
    {"{\"a\":1,}", "expected a member name"},
    {"[1,]", "unexpected character"},
    {"[1 2]", "expected ',' or ']'"},
    {"{} x", "bytes after the value"},
    {"01", "bytes after the value"},
    {"-", "bad number"},
    {"1.", "bad number"},
    {"1e", "bad number"},
    {".5", "unexpected character"},
    {"tru", "unexpected character"},
    {"nul", "unexpected character"},
    {"\"abc", "unterminated string"},
    {"\"a\tb\"", "control character in a string"},
    {"\"\\x\"", "bad escape in a string"},
    {"\"\\u12g4\"", "bad \\u escape in a string"},
    {"\"\\ud800\"", "lone high surrogate in a string"},
    {"\"\\udc00\"", "lone low surrogate in a string"},
    {"\"\xc3\"", "not UTF-8 in a string"},
    {"\"\xc0\xaf\"", "not UTF-8 in a string"},         /* overlong */
    {"\"\xed\xa0\x80\"", "not UTF-8 in a string"},     /* a surrogate */
    {"\"\xf4\x90\x80\x80\"", "not UTF-8 in a string"}, /* > U+10FFFF */
    {"{'a':1}", "expected a member name"},
    {"[1] // comment", "bytes after the value"},
};

START_TEST(test_valid)
{
  const char *text = valid[_i];
  struct dp_jsonr doc;
  dp_status_t st = dp_jsonr_parse(&doc, text, strlen(text), 0);
  ck_assert_msg(st == DP_OK, "valid %d (%s): %s at %zu", _i, text,
                doc.error ? doc.error : "?", doc.error_at);
  ck_assert_msg(doc.ntoks >= 1 && doc.toks[0].after == doc.ntoks,
                "valid %d: the first value spans every token", _i);
  dp_jsonr_free(&doc);
}
END_TEST

START_TEST(test_invalid)
{
  const char *text = invalid[_i].text;
  struct dp_jsonr doc;
  dp_status_t st = dp_jsonr_parse(&doc, text, strlen(text), 0);
  ck_assert_msg(st == DP_EINVAL, "invalid %d (%s): status %d", _i, text, st);
  ck_assert_msg(doc.error != NULL && strcmp(doc.error, invalid[_i].error) == 0,
                "invalid %d (%s): error '%s', want '%s'", _i, text,
                doc.error ? doc.error : "(none)", invalid[_i].error);
  ck_assert_msg(doc.error_at <= strlen(text), "invalid %d: error at %zu", _i,
                doc.error_at);
  dp_jsonr_free(&doc);
}
END_TEST

/* The text is read only within its length: the same bytes followed by more
 * (no NUL) parse the same. */
START_TEST(test_length_bounds)
{
  const char buf[] = "{\"a\":1}GARBAGE";
  struct dp_jsonr doc;
  ck_assert_int_eq(dp_jsonr_parse(&doc, buf, 7, 0), DP_OK);
  dp_jsonr_free(&doc);
  ck_assert_int_eq(dp_jsonr_parse(&doc, buf, 6, 0), DP_EINVAL);
  dp_jsonr_free(&doc);
  ck_assert_int_eq(dp_jsonr_parse(&doc, "\"\\u00", 5, 0), DP_EINVAL);
  dp_jsonr_free(&doc);
}
END_TEST

START_TEST(test_bounds)
{
  char deep[2 * DP_JSONR_DEPTH_MAX + 3];
  size_t n = 0;
  for (int k = 0; k <= DP_JSONR_DEPTH_MAX; k++)
    deep[n++] = '[';
  for (int k = 0; k <= DP_JSONR_DEPTH_MAX; k++)
    deep[n++] = ']';
  struct dp_jsonr doc;
  ck_assert_int_eq(dp_jsonr_parse(&doc, deep, n, 0), DP_ERANGE);
  dp_jsonr_free(&doc);
  /* one level less is fine */
  ck_assert_int_eq(dp_jsonr_parse(&doc, deep + 1, n - 2, 0), DP_OK);
  dp_jsonr_free(&doc);
  /* [1,2,3] is four values */
  ck_assert_int_eq(dp_jsonr_parse(&doc, "[1,2,3]", 7, 3), DP_ERANGE);
  dp_jsonr_free(&doc);
  ck_assert_int_eq(dp_jsonr_parse(&doc, "[1,2,3]", 7, 4), DP_OK);
  dp_jsonr_free(&doc);
}
END_TEST

START_TEST(test_getters)
{
  const char *text =
      "{\"schema\":\"dnsprobe/1\",\"port\":5301,\"zone\":\"ex\\u0061mple.\","
      "\"software\":{\"name\":\"bind\"},\"n\":null,"
      "\"diagnosis\":[{\"cause\":\"lame\"},{\"cause\":\"port-closed\"}],"
      "\"nul\":\"a\\u0000b\",\"rtt\":-1.25e1,\"emoji\":\"\\ud83d\\ude00\"}";
  struct dp_jsonr doc;
  char buf[32];
  double v = 0;
  ck_assert_int_eq(dp_jsonr_parse(&doc, text, strlen(text), 0), DP_OK);
  ck_assert_int_eq(dp_jsonr_type(&doc, 0), DP_JSONR_OBJECT);
  ck_assert(dp_jsonr_string_is(&doc, dp_jsonr_member(&doc, 0, "schema"),
                               "dnsprobe/1"));
  ck_assert(!dp_jsonr_string_is(&doc, dp_jsonr_member(&doc, 0, "schema"),
                                "dnsprobe/"));
  ck_assert_int_eq(dp_jsonr_number(&doc, dp_jsonr_member(&doc, 0, "port"), &v),
                   DP_OK);
  ck_assert_msg(v == 5301.0, "port %g", v);
  size_t z = dp_jsonr_member(&doc, 0, "zone");
  ck_assert_int_eq(dp_jsonr_string(&doc, z, buf, sizeof(buf)), DP_OK);
  ck_assert_str_eq(buf, "example.");
  ck_assert_int_eq(dp_jsonr_string(&doc, z, buf, 5), DP_ESPACE);
  ck_assert_str_eq(buf, "exam");
  size_t sw = dp_jsonr_member(&doc, 0, "software");
  ck_assert(
      dp_jsonr_string_is(&doc, dp_jsonr_member(&doc, sw, "name"), "bind"));
  ck_assert_int_eq(dp_jsonr_type(&doc, dp_jsonr_member(&doc, 0, "n")),
                   DP_JSONR_NULL);
  ck_assert_uint_eq(dp_jsonr_member(&doc, 0, "absent"), DP_JSONR_NONE);
  ck_assert_uint_eq(dp_jsonr_member(&doc, sw + 1, "name"), DP_JSONR_NONE);
  size_t d = dp_jsonr_member(&doc, 0, "diagnosis");
  ck_assert(dp_jsonr_string_is(
      &doc, dp_jsonr_member(&doc, dp_jsonr_element(&doc, d, 1), "cause"),
      "port-closed"));
  ck_assert_uint_eq(dp_jsonr_element(&doc, d, 2), DP_JSONR_NONE);
  ck_assert_int_eq(
      dp_jsonr_string(&doc, dp_jsonr_member(&doc, 0, "nul"), buf, sizeof(buf)),
      DP_EINVAL);
  ck_assert_int_eq(dp_jsonr_number(&doc, dp_jsonr_member(&doc, 0, "rtt"), &v),
                   DP_OK);
  ck_assert_msg(v == -12.5, "rtt %g", v);
  ck_assert_int_eq(
      dp_jsonr_string(&doc, dp_jsonr_member(&doc, 0, "emoji"), buf, 8), DP_OK);
  ck_assert_str_eq(buf, "\xf0\x9f\x98\x80");
  ck_assert_int_eq(dp_jsonr_number(&doc, z, &v), DP_EINVAL);
  ck_assert_int_eq(dp_jsonr_string(&doc, d, buf, sizeof(buf)), DP_EINVAL);
  dp_jsonr_free(&doc);
}
END_TEST

static Suite *jsonread_suite(void)
{
  Suite *s = suite_create("jsonread");
  TCase *tc = tcase_create("grammar");
  tcase_add_loop_test(tc, test_valid, 0, (int)NELEM(valid));
  tcase_add_loop_test(tc, test_invalid, 0, (int)NELEM(invalid));
  tcase_add_test(tc, test_length_bounds);
  tcase_add_test(tc, test_bounds);
  suite_add_tcase(s, tc);
  TCase *get = tcase_create("getters");
  tcase_add_test(get, test_getters);
  suite_add_tcase(s, get);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(jsonread_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
