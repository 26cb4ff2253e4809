/*
 * test_explain.c: `dnsprobe explain` driven through dp_cli_explain with
 * argv tables, output captured in tmpfile()s. Checks exit codes, that bad
 * input gives one line on err and nothing on out, the content of single
 * codes, comparisons, EDE and opcode entries and --list, the seed pages'
 * facts in the rendered comparisons, JSON shape, colour control and the
 * 80-column limit.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsprobe/knowledge.h"
#include "explain.h"

#define ARGS_MAX 8

struct run
{
  int rc;
  char *out;
  char *err;
};

static char *slurp(FILE *fp)
{
  long len;
  char *buf;

  fflush(fp);
  fseek(fp, 0, SEEK_END);
  len = ftell(fp);
  ck_assert_msg(len >= 0, "ftell failed");
  buf = malloc((size_t)len + 1);
  ck_assert_msg(buf != NULL, "out of memory");
  rewind(fp);
  ck_assert_msg(fread(buf, 1, (size_t)len, fp) == (size_t)len, "short read");
  buf[len] = '\0';
  fclose(fp);
  return buf;
}

/* Run `dnsprobe explain ARGS...`; args ends with NULL. */
static struct run explain(const char *const *args)
{
  char *argv[ARGS_MAX + 2];
  int argc = 0;
  FILE *out = tmpfile(), *err = tmpfile();
  struct run r;

  ck_assert_msg(out != NULL && err != NULL, "tmpfile failed");
  argv[argc++] = strdup("explain");
  for (size_t i = 0; args[i] != NULL && i < ARGS_MAX; i++)
    argv[argc++] = strdup(args[i]);
  argv[argc] = NULL;
  r.rc = dp_cli_explain(argc, argv, out, err);
  for (int i = 0; i < argc; i++)
    free(argv[i]);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

static void run_free(struct run *r)
{
  free(r->out);
  free(r->err);
}

/* Whitespace runs become one space, so wrapped text reads as one line. */
static char *flatten(const char *s)
{
  char *o = malloc(strlen(s) + 1), *p = o;
  bool space = false;

  ck_assert_msg(o != NULL, "out of memory");
  for (; *s != '\0'; s++)
  {
    if (isspace((unsigned char)*s))
    {
      space = true;
      continue;
    }
    if (space && p != o)
      *p++ = ' ';
    space = false;
    *p++ = *s;
  }
  *p = '\0';
  return o;
}

static bool contains_ci(const char *hay, const char *needle)
{
  size_t n = strlen(needle);

  for (; *hay != '\0'; hay++)
  {
    size_t i = 0;
    while (i < n && hay[i] != '\0' &&
           tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
      i++;
    if (i == n)
      return true;
  }
  return false;
}

static size_t count_char(const char *s, char c)
{
  size_t n = 0;
  for (; *s != '\0'; s++)
    n += *s == c;
  return n;
}

/* ---- Exit codes and content ------------------------------------------ */

struct argv_case
{
  const char *name;
  const char *args[ARGS_MAX + 1];
  int rc;
  const char *want[4];   /* in out (rc 0) or err (rc 3), after flattening */
  const char *absent[2]; /* must not be in out */
};

static const struct argv_case cases[] = {
    {"REFUSED",
     {"REFUSED", NULL},
     0,
     {"REFUSED (RCODE 5, RFC 1035)", "When you see it", "How to fix",
      "allow-recursion"},
     {" vs ", NULL}},
    {"refused lower case",
     {"refused", NULL},
     0,
     {"REFUSED (RCODE 5", NULL},
     {NULL}},
    {"number 5", {"5", NULL}, 0, {"REFUSED (RCODE 5", NULL}, {NULL}},
    {"a root cause",
     {"client-dropped", NULL},
     0,
     {"client-dropped (root cause): The server drops this client",
      "When you see it", "Unbound (access-control):", "How it differs"},
     {"RCODE", NULL}},
    {"a cause and an RCODE",
     {"lame", "REFUSED", NULL},
     0,
     {"lame (root cause)", "REFUSED (RCODE 5", NULL},
     {NULL}},
    {"a cause in JSON",
     {"--format", "json", "upstream", NULL},
     0,
     {"\"causes\": [", "\"key\": \"upstream\"", "\"fixes\": [", "\"differs\":"},
     {"\"rcodes\"", NULL}},
    {"a cause key is lower case",
     {"Client-Dropped", NULL},
     3,
     {"unknown RCODE or cause 'Client-Dropped'", NULL},
     {NULL}},
    {"BADSIG",
     {"badsig", NULL},
     0,
     {"BADVERS/BADSIG (RCODE 16", "header RCODE 0 plus extended RCODE 1",
      "TSIG", NULL},
     {NULL}},
    {"BADCOOKIE split",
     {"23", NULL},
     0,
     {"header RCODE 7 plus extended RCODE 1", NULL},
     {NULL}},
    {"4 5",
     {"4", "5", NULL},
     0,
     {"NOTIMP (4) vs REFUSED (5)", "Key differences", "When to look at which",
      "NOTIMP or REFUSED?"},
     {NULL}},
    {"three codes",
     {"NOTIMP", "REFUSED", "SERVFAIL", NULL},
     0,
     {"NOTIMP (4) vs REFUSED (5) vs SERVFAIL (2)", "All are",
      "NOTIMP or SERVFAIL?", "REFUSED or SERVFAIL?"},
     {NULL}},
    {"duplicate code",
     {"5", "refused", NULL},
     0,
     {"REFUSED (RCODE 5", NULL},
     {" vs ", NULL}},
    {"--ede 18",
     {"--ede", "18", NULL},
     0,
     {"Prohibited (EDE 18, RFC 8914)", "How to fix", NULL},
     {"(RCODE ", NULL}},
    {"--ede=name",
     {"--ede=dnssec-bogus", NULL},
     0,
     {"DNSSEC Bogus (EDE 6", "CD=1", NULL},
     {NULL}},
    {"--ede 30",
     {"--ede", "30", NULL},
     0,
     {"Invalid Query Type (EDE 30, RFC 9824)", NULL},
     {NULL}},
    {"--opcode 5",
     {"--opcode", "5", NULL},
     0,
     {"UPDATE (opcode 5, RFC 2136)", NULL},
     {NULL}},
    {"--opcode 3",
     {"--opcode", "3", NULL},
     0,
     {"OPCODE3 (opcode 3, unassigned)", "NOTIMP", NULL},
     {NULL}},
    {"--list",
     {"--list", NULL},
     0,
     {"BADVERS/BADSIG", "30 Invalid Query Type", "15 OPCODE15", "23 BADCOOKIE"},
     {NULL}},
    {"json comparison",
     {"4", "5", "--format", "json", NULL},
     0,
     {"\"rcodes\": [", "\"comparison\": {", "\"differences\": [",
      "\"look_at\": ["},
     {"Key differences", NULL}},
    {"json ede",
     {"--format=json", "--ede", "18", NULL},
     0,
     {"\"ede\": [", "\"name\": \"Prohibited\"", NULL},
     {"\"rcodes\"", NULL}},
    {"json list",
     {"--list", "--format", "json", NULL},
     0,
     {"\"rcodes\": [", "\"ede\": [", "\"opcodes\": [", "\"BADCOOKIE\""},
     {NULL}},
    {"colour always",
     {"--color", "always", "5", NULL},
     0,
     {"\x1b[", NULL},
     {NULL}},
    {"colour never",
     {"--color=never", "5", NULL},
     0,
     {"REFUSED", NULL},
     {"\x1b[", NULL}},
    {"colour auto off a tty",
     {"5", NULL},
     0,
     {"REFUSED", NULL},
     {"\x1b[", NULL}},
    {"operand after --",
     {"--", "5", NULL},
     0,
     {"REFUSED (RCODE 5", NULL},
     {NULL}},
    {"help",
     {"--help", NULL},
     0,
     {"Usage: dnsprobe explain", "--ede", NULL},
     {NULL}},
    {"FOO",
     {"FOO", NULL},
     3,
     {"dnsprobe: explain: unknown RCODE or cause 'FOO'", NULL},
     {NULL}},
    {"12", {"12", NULL}, 3, {"unassigned RCODE '12'", NULL}, {NULL}},
    {"13", {"13", NULL}, 3, {"unassigned RCODE '13'", NULL}, {NULL}},
    {"15", {"15", NULL}, 3, {"unassigned RCODE '15'", NULL}, {NULL}},
    {"24", {"24", NULL}, 3, {"unassigned RCODE '24'", NULL}, {NULL}},
    {"4096", {"4096", NULL}, 3, {"unassigned RCODE", NULL}, {NULL}},
    {"-1", {"-1", NULL}, 3, {"unknown option '-1'", NULL}, {NULL}},
    {"good then bad",
     {"5", "FOO", NULL},
     3,
     {"unknown RCODE or cause 'FOO'", NULL},
     {NULL}},
    {"--ede 99999",
     {"--ede", "99999", NULL},
     3,
     {"Extended DNS Error '99999'", NULL},
     {NULL}},
    {"--ede 31", {"--ede", "31", NULL}, 3, {"'31'", NULL}, {NULL}},
    {"--ede junk",
     {"--ede", "nonsense", NULL},
     3,
     {"unknown Extended DNS Error", NULL},
     {NULL}},
    {"--opcode 16", {"--opcode", "16", NULL}, 3, {"opcode '16'", NULL}, {NULL}},
    /* the run formats describe probes, not codes */
    {"--format junit",
     {"5", "--format", "junit", NULL},
     3,
     {"format 'junit'", NULL},
     {NULL}},
    {"--opcode junk",
     {"--opcode=junk", NULL},
     3,
     {"unknown opcode", NULL},
     {NULL}},
    {"no argument", {NULL}, 3, {"nothing to explain", NULL}, {NULL}},
    {"--ede without value",
     {"--ede", NULL},
     3,
     {"--ede needs a value", NULL},
     {NULL}},
    {"bad format",
     {"--format", "xml", "5", NULL},
     3,
     {"unknown format 'xml'", NULL},
     {NULL}},
    {"bad colour",
     {"--color", "sometimes", "5", NULL},
     3,
     {"unknown color mode", NULL},
     {NULL}},
    {"unknown option",
     {"--bogus", "5", NULL},
     3,
     {"unknown option '--bogus'", NULL},
     {NULL}},
    {"control bytes shown safely",
     {"\x01\x1b[31m", NULL},
     3,
     {"\\x01\\x1B[31m", NULL},
     {NULL}},
};
#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

START_TEST(argv_cases)
{
  const struct argv_case *c = &cases[_i];
  struct run r = explain(c->args);
  char *flat_out = flatten(r.out), *flat_err = flatten(r.err);

  ck_assert_msg(r.rc == c->rc, "case '%s': exit %d, want %d (err: %s)", c->name,
                r.rc, c->rc, r.err);
  if (c->rc == 0)
  {
    ck_assert_msg(r.err[0] == '\0', "case '%s': wrote to err: %s", c->name,
                  r.err);
    ck_assert_msg(r.out[0] != '\0', "case '%s': no output", c->name);
  }
  else
  {
    ck_assert_msg(r.out[0] == '\0', "case '%s': wrote to out on error",
                  c->name);
    ck_assert_msg(count_char(r.err, '\n') == 1 &&
                      r.err[strlen(r.err) - 1] == '\n',
                  "case '%s': err is not one line: '%s'", c->name, r.err);
    ck_assert_msg(strncmp(r.err, "dnsprobe: explain: ", 19) == 0,
                  "case '%s': err lacks the prefix: '%s'", c->name, r.err);
  }
  for (size_t k = 0; k < 4 && c->want[k] != NULL; k++)
  {
    const char *hay = c->rc == 0 ? flat_out : r.err;
    ck_assert_msg(strstr(hay, c->want[k]) != NULL, "case '%s': lacks '%s'",
                  c->name, c->want[k]);
  }
  for (size_t k = 0; k < 2 && c->absent[k] != NULL; k++)
    ck_assert_msg(strstr(r.out, c->absent[k]) == NULL,
                  "case '%s': has unwanted '%s'", c->name, c->absent[k]);
  free(flat_out);
  free(flat_err);
  run_free(&r);
}
END_TEST

/* ---- The seed pages' facts, in the rendered comparison --------------- */

struct seed_case
{
  const char *pair;
  const char *a, *b;
  const char *term;
};

static const struct seed_case seed_cases[] = {
    /* NOTIMP vs REFUSED (the first seed page). */
    {"4/5", "4", "5", "does not support"},
    {"4/5", "4", "5", "zone transfers"},
    {"4/5", "4", "5", "dynamic updates"},
    {"4/5", "4", "5", "IXFR"},
    {"4/5", "4", "5", "disabled"},
    {"4/5", "4", "5", "enable them in the server's configuration"},
    {"4/5", "4", "5", "policy"},
    {"4/5", "4", "5", "allow-query"},
    {"4/5", "4", "5", "allow-recursion"},
    {"4/5", "4", "5", "allow-transfer"},
    {"4/5", "4", "5", "serves only its own network"},
    {"4/5", "4", "5", "zone transfer is blocked"},
    {"4/5", "4", "5", "not authorized to use this resolver"},
    {"4/5", "4", "5", "public DNS service"},
    {"4/5", "4", "5", "capability"},
    {"4/5", "4", "5", "permission"},
    /* SERVFAIL vs NOTIMP (the second seed page). */
    {"2/4", "2", "4", "DNSSEC validation failure"},
    {"2/4", "2", "4", "unreachable"},
    {"2/4", "2", "4", "upstream"},
    {"2/4", "2", "4", "misconfigured or broken"},
    {"2/4", "2", "4", "failed to load"},
    {"2/4", "2", "4", "expired"},
    {"2/4", "2", "4", "CD=1"},
    {"2/4", "2", "4", "different resolver"},
    {"2/4", "2", "4", "check the zone's signatures"},
    {"2/4", "2", "4", "SOA serial"},
    {"2/4", "2", "4", "reach its primary"},
    {"2/4", "2", "4", "zone transfers or dynamic updates"},
    {"2/4", "2", "4", "never tried"},
};
#define NSEED (int)(sizeof(seed_cases) / sizeof(seed_cases[0]))

START_TEST(seed_facts)
{
  const struct seed_case *c = &seed_cases[_i];
  const char *args[] = {c->a, c->b, NULL};
  struct run r = explain(args);
  char *flat = flatten(r.out);

  ck_assert_msg(r.rc == 0, "seed %s: exit %d", c->pair, r.rc);
  ck_assert_msg(contains_ci(flat, c->term), "seed %s: comparison lacks '%s'",
                c->pair, c->term);
  free(flat);
  run_free(&r);
}
END_TEST

/* The common pairs have their own distinction, in both orders. */
struct pair_case
{
  const char *a, *b;
  const char *term;
};

static const struct pair_case pair_cases[] = {
    {"2", "4", "never tried"},
    {"4", "2", "never tried"},
    {"4", "5", "permission"},
    {"2", "5", "deliberate decision"},
    {"5", "9", "Knot DNS answers NOTAUTH"},
    {"1", "4", "chokes on EDNS"},
    {"3", "0", "NODATA"},
    {"0", "3", "another type"},
    {"1", "16", "speaks EDNS"},
};
#define NPAIRS (int)(sizeof(pair_cases) / sizeof(pair_cases[0]))

START_TEST(pair_distinctions)
{
  const struct pair_case *c = &pair_cases[_i];
  const char *args[] = {c->a, c->b, NULL};
  struct run r = explain(args);
  char *flat = flatten(r.out);
  const char *diff = strstr(flat, "Key differences");

  ck_assert_msg(r.rc == 0, "pair %s/%s: exit %d", c->a, c->b, r.rc);
  ck_assert_msg(diff != NULL, "pair %s/%s: no Key differences", c->a, c->b);
  ck_assert_msg(strstr(diff, c->term) != NULL,
                "pair %s/%s: comparison lacks '%s'", c->a, c->b, c->term);
  free(flat);
  run_free(&r);
}
END_TEST

/* ---- Layout ----------------------------------------------------------- */

struct width_case
{
  const char *name;
  const char *args[ARGS_MAX + 1];
};

static const struct width_case width_cases[] = {
    {"single", {"REFUSED", NULL}},
    {"16", {"16", NULL}},
    {"comparison", {"NOTIMP", "REFUSED", "SERVFAIL", NULL}},
    {"ede", {"--ede", "27", "--ede", "0", NULL}},
    {"opcode", {"--opcode", "6", NULL}},
    {"list", {"--list", NULL}},
    {"cause", {"client-refused", NULL}},
    {"help", {"--help", NULL}},
};
#define NWIDTH (int)(sizeof(width_cases) / sizeof(width_cases[0]))

START_TEST(fits_80_columns)
{
  const struct width_case *c = &width_cases[_i];
  struct run r = explain(c->args);
  const char *line = r.out;
  int lineno = 1;

  ck_assert_msg(r.rc == 0, "width '%s': exit %d", c->name, r.rc);
  while (*line != '\0')
  {
    const char *nl = strchr(line, '\n');
    size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);
    ck_assert_msg(len <= 80, "width '%s': line %d has %zu columns: %.*s",
                  c->name, lineno, len, (int)len, line);
    if (nl == NULL)
      break;
    line = nl + 1;
    lineno++;
  }
  ck_assert_msg(lineno > 1, "width '%s': a single line", c->name);
  run_free(&r);
}
END_TEST

/* Every root cause has a page with every part, within 80 columns but for
 * configuration lines, and each product of its fix table by name. */
START_TEST(cause_pages)
{
  dp_cause_t c = (dp_cause_t)(_i + 1);
  const char *key = dp_cause_tostr(c);
  const char *args[] = {key, NULL};
  struct run r = explain(args);
  static const char *const parts[] = {"(root cause): ", "\n  When you see it\n",
                                      "\n  How to fix\n",
                                      "\n  How it differs\n"};

  ck_assert_msg(r.rc == 0, "cause %s: exit %d: %s", key, r.rc, r.err);
  for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
    ck_assert_msg(strstr(r.out, parts[i]) != NULL, "cause %s: lacks '%s'", key,
                  parts[i]);
  const struct dp_knowledge_fix *fx =
      dp_knowledge_cause_fixes(dp_knowledge_cause_get(c));
  for (size_t i = 0; fx != NULL && fx[i].snippet != NULL; i++)
  {
    char want[96];
    snprintf(want, sizeof(want), "\n    %s", dp_software_name(fx[i].software));
    ck_assert_msg(strstr(r.out, want) != NULL, "cause %s: lacks %s", key,
                  dp_software_name(fx[i].software));
  }
  run_free(&r);
}
END_TEST

/* Calls keep no state: the same argv gives the same answer twice. */
START_TEST(repeatable)
{
  const char *args[] = {"--ede", "18", "4", "5", "--opcode", "4", NULL};
  struct run a = explain(args), b = explain(args);

  ck_assert_msg(a.rc == 0 && b.rc == 0, "repeatable: exit %d, %d", a.rc, b.rc);
  ck_assert_msg(strcmp(a.out, b.out) == 0, "repeatable: output differs");
  ck_assert_msg(strstr(a.out, "Prohibited") != NULL &&
                    strstr(a.out, "NOTIFY (opcode 4") != NULL &&
                    strstr(a.out, "NOTIMP (4) vs REFUSED (5)") != NULL,
                "repeatable: mixed request lacks a part");
  run_free(&a);
  run_free(&b);
}
END_TEST

/* --list prints every RCODE, EDE and opcode of the tables, one line each. */
START_TEST(list_complete)
{
  const char *args[] = {"--list", NULL};
  struct run r = explain(args);
  char want[96];

  ck_assert_msg(r.rc == 0, "list: exit %d", r.rc);
  for (size_t i = 0; i < dp_knowledge_rcode_count(); i++)
  {
    const struct dp_knowledge_rcode *rc = dp_knowledge_rcode_at(i);
    snprintf(want, sizeof(want), "\n%4u  %s%s%s ", rc->value, rc->name,
             rc->alt_name != NULL ? "/" : "",
             rc->alt_name != NULL ? rc->alt_name : "");
    ck_assert_msg(strstr(r.out, want) != NULL, "list: lacks rcode %s",
                  rc->name);
  }
  for (size_t i = 0; i < dp_knowledge_ede_count(); i++)
  {
    const struct dp_knowledge_ede *e = dp_knowledge_ede_at(i);
    snprintf(want, sizeof(want), "\n%4u  %s  ", e->code, e->name);
    ck_assert_msg(strstr(r.out, want) != NULL, "list: lacks EDE %u %s", e->code,
                  e->name);
  }
  for (unsigned v = 0; v < 16; v++)
  {
    snprintf(want, sizeof(want), "\n%4u  %s ", v,
             dp_knowledge_opcode_name((uint8_t)v));
    ck_assert_msg(strstr(r.out, want) != NULL, "list: lacks opcode %u", v);
  }
  for (unsigned c = 1; c < DP_CAUSE_COUNT; c++)
  {
    snprintf(want, sizeof(want), "\n  %-20s  ", dp_cause_tostr(c));
    ck_assert_msg(strstr(r.out, want) != NULL, "list: lacks cause %s",
                  dp_cause_tostr(c));
  }
  /* One line per entry, four headings and three blank separators. */
  ck_assert_msg(count_char(r.out, '\n') == dp_knowledge_rcode_count() +
                                               dp_knowledge_ede_count() + 16 +
                                               (DP_CAUSE_COUNT - 1) + 4 + 3,
                "list: %zu lines", count_char(r.out, '\n'));
  run_free(&r);
}
END_TEST

static Suite *explain_suite(void)
{
  Suite *s = suite_create("explain");
  TCase *tc;

  tc = tcase_create("argv");
  tcase_add_loop_test(tc, argv_cases, 0, NCASES);
  tcase_add_test(tc, repeatable);
  tcase_add_test(tc, list_complete);
  tcase_add_loop_test(tc, cause_pages, 0, DP_CAUSE_COUNT - 1);
  suite_add_tcase(s, tc);

  tc = tcase_create("comparison");
  tcase_add_loop_test(tc, seed_facts, 0, NSEED);
  tcase_add_loop_test(tc, pair_distinctions, 0, NPAIRS);
  suite_add_tcase(s, tc);

  tc = tcase_create("layout");
  tcase_add_loop_test(tc, fits_80_columns, 0, NWIDTH);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(explain_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
