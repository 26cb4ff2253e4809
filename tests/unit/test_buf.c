/*
 * test_buf.c: unit tests of the string builder (buf.h): growth on the heap,
 * cutting in a fixed array at its end, formats that need a second pass,
 * and that a failed buffer stays failed.
 */
#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/buf.h"

START_TEST(test_heap_grows)
{
  struct dp_buf b = {0};
  ck_assert_msg(dp_buf_take(&b) == NULL, "empty: nothing to take");
  /* past the first allocation, formatted and copied */
  for (int i = 0; i < 100; i++)
    ck_assert_msg(dp_buf_addf(&b, "%03d,", i), "append %d", i);
  ck_assert_msg(dp_buf_adds(&b, "end"), "append end");
  ck_assert_msg(dp_buf_add(&b, "xyz", 1), "append one byte of three");
  ck_assert_uint_eq(b.len, 100 * 4 + 4);
  ck_assert_msg(strncmp(b.s, "000,001,", 8) == 0 &&
                    strcmp(b.s + 396, "099,endx") == 0,
                "heap text: %s", b.s);
  ck_assert_msg(!dp_buf_failed(&b), "not failed");
  char *s = dp_buf_take(&b);
  ck_assert_msg(s != NULL && strlen(s) == 404, "taken");
  ck_assert_msg(b.s == NULL && b.len == 0, "emptied by take");
  free(s);
}
END_TEST

/* A format longer than the room left is formatted again after growing. */
START_TEST(test_heap_long_format)
{
  struct dp_buf b = {0};
  char big[1000];
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  ck_assert_msg(dp_buf_adds(&b, "x"), "first");
  ck_assert_msg(dp_buf_addf(&b, "[%s]", big), "long format");
  ck_assert_uint_eq(b.len, 1 + 1 + 999 + 1);
  ck_assert_msg(b.s[1] == '[' && b.s[1000] == 'a' && b.s[1001] == ']' &&
                    b.s[1002] == '\0',
                "long format text");
  dp_buf_free(&b);
  ck_assert_msg(b.s == NULL, "freed");
}
END_TEST

/* A heap string taken over goes on growing; NULL starts empty. */
START_TEST(test_adopt)
{
  struct dp_buf b;
  char *s = strdup("first.");
  ck_assert_ptr_nonnull(s);
  dp_buf_adopt(&b, s);
  ck_assert_msg(b.len == 6 && b.s == s, "adopted as it is");
  for (int i = 0; i < 50; i++)
    ck_assert_msg(dp_buf_addf(&b, " sentence %d.", i), "append %d", i);
  char *t = dp_buf_take(&b);
  ck_assert_msg(strncmp(t, "first. sentence 0. sentence 1.", 30) == 0 &&
                    strstr(t, "sentence 49.") != NULL,
                "adopted text grown: %.60s", t);
  free(t);
  dp_buf_adopt(&b, NULL);
  ck_assert_msg(dp_buf_take(&b) == NULL, "NULL adopted: still empty");
}
END_TEST

static bool vadd(struct dp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool vadd(struct dp_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  bool ok = dp_buf_vaddf(b, fmt, ap);
  va_end(ap);
  return ok;
}

/* A va_list that does not fit the first time is used again, not twice
 * consumed. */
START_TEST(test_vaddf)
{
  struct dp_buf b = {0};
  char big[600];
  memset(big, 'b', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  ck_assert_msg(vadd(&b, "%d:%s:%d", 7, big, 9), "vaddf");
  ck_assert_msg(b.len == 2 + 599 + 2 && strncmp(b.s, "7:bbb", 5) == 0 &&
                    strcmp(b.s + b.len - 2, ":9") == 0,
                "vaddf text");
  dp_buf_free(&b);
}
END_TEST

static const struct
{
  const char *name;
  size_t cap;
  const char *want;
  bool failed;
} fixed_cases[] = {
    {"roomy", 32, "ab12cdefg", false},   {"exact", 10, "ab12cdefg", false},
    {"cut in a format", 4, "ab1", true}, {"cut in a copy", 7, "ab12cd", true},
    {"one byte", 1, "", true},
};

START_TEST(test_fixed)
{
  char mem[32];
  struct dp_buf b;
  memset(mem, '#', sizeof(mem));
  dp_buf_init_fixed(&b, mem, fixed_cases[_i].cap);
  dp_buf_adds(&b, "ab");
  dp_buf_addf(&b, "%d", 12);
  dp_buf_add(&b, "cdefg", 5);
  ck_assert_msg(strcmp(mem, fixed_cases[_i].want) == 0, "%s: '%s', want '%s'",
                fixed_cases[_i].name, mem, fixed_cases[_i].want);
  ck_assert_msg(b.len == strlen(fixed_cases[_i].want), "%s: len %zu",
                fixed_cases[_i].name, b.len);
  ck_assert_msg(dp_buf_failed(&b) == fixed_cases[_i].failed, "%s: failed",
                fixed_cases[_i].name);
  ck_assert_msg(fixed_cases[_i].cap == sizeof(mem) ||
                    mem[fixed_cases[_i].cap] == '#',
                "%s: nothing written past the array", fixed_cases[_i].name);
  /* failed stays failed: nothing more is written */
  if (fixed_cases[_i].failed)
  {
    ck_assert_msg(!dp_buf_adds(&b, "z"), "%s: still failed",
                  fixed_cases[_i].name);
    ck_assert_msg(strcmp(mem, fixed_cases[_i].want) == 0, "%s: unchanged",
                  fixed_cases[_i].name);
  }
  ck_assert_msg(dp_buf_take(&b) == NULL, "%s: a fixed buffer gives nothing",
                fixed_cases[_i].name);
}
END_TEST

static Suite *buf_suite(void)
{
  Suite *s = suite_create("buf");
  TCase *tc = tcase_create("buf");
  tcase_add_test(tc, test_heap_grows);
  tcase_add_test(tc, test_heap_long_format);
  tcase_add_test(tc, test_adopt);
  tcase_add_test(tc, test_vaddf);
  tcase_add_loop_test(tc, test_fixed, 0,
                      sizeof(fixed_cases) / sizeof(fixed_cases[0]));
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(buf_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
