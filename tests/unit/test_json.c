/*
 * test_json.c: the streaming JSON writer (src/report/json.c), as tables of
 * writer calls and the exact bytes they must produce: scalars, doubles,
 * string escaping (every control character, quote, backslash, well-formed
 * and ill-formed UTF-8), nesting in compact and pretty mode, and every
 * misuse that must end in DP_EIO.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/json.h"

/* Run build on a fresh writer over a temporary file; return what it wrote. */
static char *render(void (*build)(dp_json_t *), bool pretty, dp_status_t *st)
{
  FILE *fp = tmpfile();
  ck_assert_msg(fp != NULL, "tmpfile failed");
  dp_json_t w;
  dp_json_init(&w, fp, pretty);
  build(&w);
  *st = dp_json_finish(&w);
  long n = ftell(fp);
  ck_assert_msg(n >= 0, "ftell failed");
  char *out = calloc(1, (size_t)n + 1);
  ck_assert_msg(out != NULL, "out of memory");
  rewind(fp);
  size_t got = fread(out, 1, (size_t)n, fp);
  ck_assert_msg(got == (size_t)n, "short read of the temporary file");
  fclose(fp);
  return out;
}

/* --- Scalars and structure: one builder per case. ------------------------ */

static void b_string(dp_json_t *w)
{
  dp_json_string(w, "hello, world");
}

static void b_null_string(dp_json_t *w)
{
  dp_json_string(w, NULL);
}

static void b_empty_string(dp_json_t *w)
{
  dp_json_string(w, "");
}

static void b_int_min(dp_json_t *w)
{
  dp_json_int(w, INT64_MIN);
}

static void b_int_neg(dp_json_t *w)
{
  dp_json_int(w, -42);
}

static void b_int_zero(dp_json_t *w)
{
  dp_json_int(w, 0);
}

static void b_int_max(dp_json_t *w)
{
  dp_json_int(w, INT64_MAX);
}

static void b_uint_zero(dp_json_t *w)
{
  dp_json_uint(w, 0);
}

static void b_uint_max(dp_json_t *w)
{
  dp_json_uint(w, UINT64_MAX);
}

static void b_true(dp_json_t *w)
{
  dp_json_bool(w, true);
}

static void b_false(dp_json_t *w)
{
  dp_json_bool(w, false);
}

static void b_null(dp_json_t *w)
{
  dp_json_null(w);
}

static void b_empty_object(dp_json_t *w)
{
  dp_json_object_begin(w);
  dp_json_object_end(w);
}

static void b_empty_array(dp_json_t *w)
{
  dp_json_array_begin(w);
  dp_json_array_end(w);
}

static void b_nested(dp_json_t *w)
{
  dp_json_object_begin(w);
  dp_json_key(w, "a");
  dp_json_int(w, 1);
  dp_json_key(w, "b");
  dp_json_array_begin(w);
  dp_json_string(w, "x");
  dp_json_null(w);
  dp_json_object_begin(w);
  dp_json_object_end(w);
  dp_json_array_begin(w);
  dp_json_array_end(w);
  dp_json_array_end(w);
  dp_json_key(w, "c");
  dp_json_object_begin(w);
  dp_json_key(w, "d");
  dp_json_bool(w, false);
  dp_json_object_end(w);
  dp_json_object_end(w);
}

static void b_escaped_key(dp_json_t *w)
{
  dp_json_object_begin(w);
  dp_json_key(w, "k\"\n");
  dp_json_uint(w, 7);
  dp_json_object_end(w);
}

static void b_array_of_arrays(dp_json_t *w)
{
  dp_json_array_begin(w);
  dp_json_array_begin(w);
  dp_json_int(w, 1);
  dp_json_int(w, 2);
  dp_json_array_end(w);
  dp_json_array_begin(w);
  dp_json_int(w, 3);
  dp_json_array_end(w);
  dp_json_array_end(w);
}

struct build_case
{
  const char *name;
  void (*build)(dp_json_t *);
  bool pretty;
  const char *expect;
};

static const struct build_case build_cases[] = {
    {"string", b_string, false, "\"hello, world\"\n"},
    {"NULL string", b_null_string, false, "null\n"},
    {"empty string", b_empty_string, false, "\"\"\n"},
    {"INT64_MIN", b_int_min, false, "-9223372036854775808\n"},
    {"negative int", b_int_neg, false, "-42\n"},
    {"UINT64_MAX", b_uint_max, false, "18446744073709551615\n"},
    {"int zero", b_int_zero, false, "0\n"},
    {"INT64_MAX", b_int_max, false, "9223372036854775807\n"},
    {"uint zero", b_uint_zero, false, "0\n"},
    {"true", b_true, false, "true\n"},
    {"false", b_false, false, "false\n"},
    {"null", b_null, false, "null\n"},
    {"empty object", b_empty_object, false, "{}\n"},
    {"empty object pretty", b_empty_object, true, "{}\n"},
    {"empty array", b_empty_array, false, "[]\n"},
    {"nested compact", b_nested, false,
     "{\"a\":1,\"b\":[\"x\",null,{},[]],\"c\":{\"d\":false}}\n"},
    {"nested pretty", b_nested, true,
     "{\n"
     "  \"a\": 1,\n"
     "  \"b\": [\n"
     "    \"x\",\n"
     "    null,\n"
     "    {},\n"
     "    []\n"
     "  ],\n"
     "  \"c\": {\n"
     "    \"d\": false\n"
     "  }\n"
     "}\n"},
    {"escaped key", b_escaped_key, false, "{\"k\\\"\\u000a\":7}\n"},
    {"arrays pretty", b_array_of_arrays, true,
     "[\n  [\n    1,\n    2\n  ],\n  [\n    3\n  ]\n]\n"},
};

START_TEST(test_build)
{
  const struct build_case *c = &build_cases[_i];
  dp_status_t st;
  char *out = render(c->build, c->pretty, &st);
  ck_assert_msg(st == DP_OK, "%s: finish returned %d", c->name, (int)st);
  ck_assert_msg(strcmp(out, c->expect) == 0, "%s: wrote [%s], want [%s]",
                c->name, out, c->expect);
  free(out);
}
END_TEST

/* --- Doubles: at most 3 decimals, at least one, non-finite as null. ------ */

static const struct
{
  const char *name;
  double v;
  const char *expect;
} double_cases[] = {
    {"zero", 0.0, "0.0\n"},
    {"negative zero", -0.0, "0.0\n"},
    {"tiny negative rounds to zero", -0.0001, "0.0\n"},
    {"one decimal", 3.2, "3.2\n"},
    {"two decimals", 0.41, "0.41\n"},
    {"three decimals", 12.345, "12.345\n"},
    {"rounded up", 1.23456, "1.235\n"},
    {"rounds to integer", 2.9999, "3.0\n"},
    {"negative", -1.5, "-1.5\n"},
    {"whole number", 2000.0, "2000.0\n"},
    {"large", 123456789012.25, "123456789012.25\n"},
    {"beyond thousandths", 1e20, "1e+20\n"},
    {"NaN", NAN, "null\n"},
    {"+inf", INFINITY, "null\n"},
    {"-inf", -INFINITY, "null\n"},
};

static double double_value;

static void b_double(dp_json_t *w)
{
  dp_json_double(w, double_value);
}

START_TEST(test_double)
{
  dp_status_t st;
  double_value = double_cases[_i].v;
  char *out = render(b_double, false, &st);
  ck_assert_msg(st == DP_OK, "%s: finish returned %d", double_cases[_i].name,
                (int)st);
  ck_assert_msg(strcmp(out, double_cases[_i].expect) == 0,
                "%s: wrote [%s], want [%s]", double_cases[_i].name, out,
                double_cases[_i].expect);
  free(out);
}
END_TEST

/* --- Strings: escaping of every control character, one case per byte. ---- */

static const char *string_value;

static void b_string_value(dp_json_t *w)
{
  dp_json_string(w, string_value);
}

START_TEST(test_control_char)
{
  /* _i runs over 1..0x1f; NUL ends a C string and cannot be inside one. */
  char in[4] = {'a', (char)_i, 'b', '\0'};
  char want[16];
  snprintf(want, sizeof(want), "\"a\\u%04xb\"\n", (unsigned)_i);
  string_value = in;
  dp_status_t st;
  char *out = render(b_string_value, false, &st);
  ck_assert_msg(st == DP_OK, "control 0x%02x: finish returned %d", (unsigned)_i,
                (int)st);
  ck_assert_msg(strcmp(out, want) == 0, "control 0x%02x: wrote [%s], want [%s]",
                (unsigned)_i, out, want);
  free(out);
}
END_TEST

static const struct
{
  const char *name;
  const char *in;
  const char *expect;
} string_cases[] = {
    {"quote", "say \"hi\"", "\"say \\\"hi\\\"\"\n"},
    {"backslash", "a\\b", "\"a\\\\b\"\n"},
    {"slash is not escaped", "a/b", "\"a/b\"\n"},
    {"DEL passes", "a\x7f", "\"a\x7f\"\n"},
    {"space and tilde", " ~", "\" ~\"\n"},
    {"2-byte UTF-8", "caf\xc3\xa9", "\"caf\xc3\xa9\"\n"},
    {"3-byte UTF-8", "\xe2\x80\xa6", "\"\xe2\x80\xa6\"\n"},
    {"4-byte UTF-8", "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"\n"},
    {"highest code point", "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"\n"},
    {"lone continuation", "a\x80z", "\"a\\u0080z\"\n"},
    {"overlong 2-byte", "\xc0\xaf", "\"\\u00c0\\u00af\"\n"},
    {"overlong 3-byte", "\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\"\n"},
    {"overlong 4-byte", "\xf0\x80\x80\xaf",
     "\"\\u00f0\\u0080\\u0080\\u00af\"\n"},
    {"surrogate", "\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"\n"},
    {"above U+10FFFF", "\xf4\x90\x80\x80",
     "\"\\u00f4\\u0090\\u0080\\u0080\"\n"},
    {"F5 lead byte", "\xf5\x80", "\"\\u00f5\\u0080\"\n"},
    {"FF byte", "\xff", "\"\\u00ff\"\n"},
    {"truncated at end", "x\xe2\x82", "\"x\\u00e2\\u0082\"\n"},
    {"truncated before ASCII", "\xe2\x82z", "\"\\u00e2\\u0082z\"\n"},
    {"invalid then valid", "\xc3\xc3\xa9", "\"\\u00c3\xc3\xa9\"\n"},
    {"Latin-1 text", "Gr\xfc\xdf", "\"Gr\\u00fc\\u00df\"\n"},
};

START_TEST(test_string)
{
  dp_status_t st;
  string_value = string_cases[_i].in;
  char *out = render(b_string_value, false, &st);
  ck_assert_msg(st == DP_OK, "%s: finish returned %d", string_cases[_i].name,
                (int)st);
  ck_assert_msg(strcmp(out, string_cases[_i].expect) == 0,
                "%s: wrote [%s], want [%s]", string_cases[_i].name, out,
                string_cases[_i].expect);
  free(out);
}
END_TEST

/* --- Misuse: each must make dp_json_finish return DP_EIO. ---------------- */

static void e_end_at_top(dp_json_t *w)
{
  dp_json_array_end(w);
}

static void e_unclosed(dp_json_t *w)
{
  dp_json_object_begin(w);
  dp_json_key(w, "a");
  dp_json_int(w, 1);
}

static void e_extra_end(dp_json_t *w)
{
  dp_json_array_begin(w);
  dp_json_array_end(w);
  dp_json_array_end(w);
}

static void e_key_at_top(dp_json_t *w)
{
  dp_json_key(w, "a");
}

static void e_two_keys(dp_json_t *w)
{
  dp_json_object_begin(w);
  dp_json_key(w, "a");
  dp_json_key(w, "b");
  dp_json_int(w, 1);
  dp_json_object_end(w);
}

static void e_key_without_value(dp_json_t *w)
{
  dp_json_object_begin(w);
  dp_json_key(w, "a");
  dp_json_object_end(w);
}

static void e_null_key(dp_json_t *w)
{
  dp_json_object_begin(w);
  dp_json_key(w, NULL);
  dp_json_int(w, 1);
  dp_json_object_end(w);
}

static void e_two_top_values(dp_json_t *w)
{
  dp_json_int(w, 1);
  dp_json_int(w, 2);
}

static void e_nothing(dp_json_t *w)
{
  (void)w;
}

static void e_too_deep(dp_json_t *w)
{
  for (int i = 0; i < DP_JSON_DEPTH_MAX; i++)
    dp_json_array_begin(w);
  for (int i = 0; i < DP_JSON_DEPTH_MAX; i++)
    dp_json_array_end(w);
}

static const struct
{
  const char *name;
  void (*build)(dp_json_t *);
} error_cases[] = {
    {"end at top level", e_end_at_top},
    {"unclosed object", e_unclosed},
    {"one end too many", e_extra_end},
    {"key at top level", e_key_at_top},
    {"two keys in a row", e_two_keys},
    {"key without value", e_key_without_value},
    {"NULL key", e_null_key},
    {"two top-level values", e_two_top_values},
    {"no value at all", e_nothing},
    {"nesting deeper than DP_JSON_DEPTH_MAX", e_too_deep},
};

START_TEST(test_error)
{
  dp_status_t st;
  char *out = render(error_cases[_i].build, _i % 2 == 0, &st);
  ck_assert_msg(st == DP_EIO, "%s: finish returned %d, want DP_EIO (%d)",
                error_cases[_i].name, (int)st, (int)DP_EIO);
  free(out);
}
END_TEST

static void b_deepest(dp_json_t *w)
{
  for (int i = 0; i < DP_JSON_DEPTH_MAX - 1; i++)
    dp_json_array_begin(w);
  for (int i = 0; i < DP_JSON_DEPTH_MAX - 1; i++)
    dp_json_array_end(w);
}

START_TEST(test_deepest_allowed)
{
  dp_status_t st;
  char *out = render(b_deepest, false, &st);
  ck_assert_msg(st == DP_OK, "depth %d: finish returned %d",
                DP_JSON_DEPTH_MAX - 1, (int)st);
  ck_assert_msg(strlen(out) == 2u * (DP_JSON_DEPTH_MAX - 1) + 1,
                "depth %d: wrote %zu bytes", DP_JSON_DEPTH_MAX - 1,
                strlen(out));
  free(out);
}
END_TEST

/*
 * Output larger than the writer's buffer (DP_JSON_BUF): many small tokens
 * that cross its end at every offset, and strings longer than the buffer
 * with escapes near both ends, must come out byte for byte as written.
 */
#define BIG_INTS 20000
#define BIG_STR (3 * DP_JSON_BUF + 17)

static char *big_string(void)
{
  char *s = malloc(BIG_STR + 1);
  ck_assert_msg(s != NULL, "out of memory");
  for (size_t i = 0; i < BIG_STR; i++)
    s[i] = (char)('a' + i % 26);
  s[0] = '"';
  s[DP_JSON_BUF - 1] = '\n';
  s[BIG_STR - 1] = '\\';
  s[BIG_STR] = '\0';
  return s;
}

static void b_big(dp_json_t *w)
{
  char *s = big_string();
  dp_json_array_begin(w);
  for (int i = 0; i < BIG_INTS; i++)
    dp_json_int(w, i % 7 == 0 ? -i : i);
  dp_json_string(w, s);
  dp_json_string(w, s);
  dp_json_array_end(w);
  free(s);
}

START_TEST(test_bigger_than_buffer)
{
  dp_status_t st;
  char *out = render(b_big, false, &st);
  ck_assert_msg(st == DP_OK, "finish returned %d", (int)st);

  /* The same text, composed independently. */
  char *s = big_string();
  size_t cap = (size_t)BIG_INTS * 8 + 2 * (BIG_STR + 16) + 16;
  char *want = malloc(cap);
  ck_assert_msg(want != NULL, "out of memory");
  size_t n = 0;
  want[n++] = '[';
  for (int i = 0; i < BIG_INTS; i++)
    n += (size_t)snprintf(want + n, cap - n, "%s%d", i > 0 ? "," : "",
                          i % 7 == 0 ? -i : i);
  for (int k = 0; k < 2; k++)
  {
    n += (size_t)snprintf(want + n, cap - n, ",\"");
    for (size_t i = 0; i < BIG_STR; i++)
    {
      if (s[i] == '"' || s[i] == '\\')
        n += (size_t)snprintf(want + n, cap - n, "\\%c", s[i]);
      else if (s[i] == '\n')
        n += (size_t)snprintf(want + n, cap - n, "\\u000a");
      else
        want[n++] = s[i];
    }
    want[n++] = '"';
  }
  n += (size_t)snprintf(want + n, cap - n, "]\n");
  ck_assert_msg(n < cap, "expected text overflowed its buffer");
  ck_assert_msg(strlen(out) == n, "wrote %zu bytes, want %zu", strlen(out), n);
  ck_assert_msg(memcmp(out, want, n) == 0, "output differs from the expected");
  free(want);
  free(s);
  free(out);
}
END_TEST

/* Write failures: a stream opened for reading, and a full device. */
START_TEST(test_write_failure)
{
  static const char *const names[] = {"read-only stream", "/dev/full"};
  FILE *fp = _i == 0 ? fopen("/dev/null", "r") : fopen("/dev/full", "w");
  if (fp == NULL)
    return; /* no such device here: nothing to test */
  dp_json_t w;
  dp_json_init(&w, fp, true);
  b_nested(&w);
  dp_status_t st = dp_json_finish(&w);
  ck_assert_msg(st == DP_EIO, "%s: finish returned %d, want DP_EIO", names[_i],
                (int)st);
  fclose(fp);
}
END_TEST

START_TEST(test_null_stream)
{
  dp_json_t w;
  dp_json_init(&w, NULL, false);
  dp_json_null(&w);
  ck_assert_msg(dp_json_finish(&w) == DP_EIO, "NULL stream: want DP_EIO");
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *json_suite(void)
{
  Suite *s = suite_create("json");
  TCase *tc = tcase_create("writer");
  tcase_add_loop_test(tc, test_build, 0, N(build_cases));
  tcase_add_loop_test(tc, test_double, 0, N(double_cases));
  tcase_add_loop_test(tc, test_control_char, 1, 0x20);
  tcase_add_loop_test(tc, test_string, 0, N(string_cases));
  tcase_add_loop_test(tc, test_error, 0, N(error_cases));
  tcase_add_test(tc, test_deepest_allowed);
  tcase_add_test(tc, test_bigger_than_buffer);
  tcase_add_loop_test(tc, test_write_failure, 0, 2);
  tcase_add_test(tc, test_null_stream);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(json_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
