/*
 * docs.c: the option table as documentation. The man page's OPTIONS
 * section and the README's option table are written from the same rows
 * that parse the options and print --help (options.c), between marker
 * lines in docs/dnsprobe.1 and README.md; the build writes the man page it
 * installs this way, `ninja update-docs` rewrites both files in the source
 * tree, and a test fails while either differs from what the table says.
 *
 * The rows' doc text is a small markup: **bold**, *italic* (never nested),
 * a line "= tag" for an item of a list between lines "[[" and "]]", and
 * verbatim lines between "{{" and "}}"; everything else is prose, written
 * one sentence a line as man pages want.
 *
 * Invariants: the output never starts a line with '.' or '\'' that is not
 * a request of ours (\& guards them), a backslash in the text is written as
 * \e, and a '-' that is part of an option name or a code is \- (a minus,
 * which man renders and copies as the ASCII hyphen-minus).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define MAN_BEGIN                                                              \
  ".\\\" BEGIN OPTIONS: written from src/cli/options.c by `ninja update-docs`"
#define MAN_END ".\\\" END OPTIONS"
#define README_BEGIN                                                           \
  "<!-- BEGIN OPTIONS: written from src/cli/options.c by `ninja "              \
  "update-docs` -->"
#define README_END "<!-- END OPTIONS -->"

/* ---- troff ---------------------------------------------------------------*/

/* One character of text in font state bold/italic. */
static void man_char(FILE *fp, const char *s, size_t i, bool styled)
{
  char c = s[i];
  if (c == '\\')
    fputs("\\e", fp);
  else if (c == '-' && (styled || i == 0 || s[i - 1] == ' ' ||
                        s[i - 1] == '(' || s[i - 1] == '-'))
    fputs("\\-", fp);
  else
    fputc(c, fp);
}

/* A line of prose or a tag with **bold** and *italic*, as one troff text
 * line (no newline). */
static void man_inline(FILE *fp, const char *s, size_t len)
{
  bool bold = false, italic = false;
  if (len > 0 && (s[0] == '.' || s[0] == '\''))
    fputs("\\&", fp);
  for (size_t i = 0; i < len; i++)
  {
    if (s[i] == '*' && i + 1 < len && s[i + 1] == '*' && !italic)
    {
      bold = !bold;
      fputs(bold ? "\\fB" : "\\fR", fp);
      i++;
      continue;
    }
    if (s[i] == '*' && !bold)
    {
      italic = !italic;
      fputs(italic ? "\\fI" : "\\fR", fp);
      continue;
    }
    man_char(fp, s, i, bold || italic);
  }
  if (bold || italic)
    fputs("\\fR", fp);
}

/* Prose, one sentence a line: a break after ". " before a capital or a
 * styled word. */
static void man_prose(FILE *fp, const char *s, size_t len)
{
  size_t start = 0;
  for (size_t i = 0; i + 2 < len; i++)
  {
    if (s[i] == '.' && s[i + 1] == ' ' &&
        ((s[i + 2] >= 'A' && s[i + 2] <= 'Z') || s[i + 2] == '*'))
    {
      man_inline(fp, s + start, i + 1 - start);
      fputc('\n', fp);
      start = i + 2;
    }
  }
  man_inline(fp, s + start, len - start);
  fputc('\n', fp);
}

/* The value's syntax: capitals in italics, punctuation in bold, brackets
 * and ellipses as they are ("ADDR[:PORT]", "PROBE=VERDICT[|VERDICT...]"). */
static void man_arg(FILE *fp, const char *arg)
{
  char font = 'R';
  for (const char *c = arg; *c != '\0'; c++)
  {
    char want = (*c >= 'A' && *c <= 'Z')    ? 'I'
                : strchr("[].", *c) != NULL ? 'R'
                                            : 'B';
    if (want != font)
    {
      fprintf(fp, "\\f%c", want);
      font = want;
    }
    fputc(*c, fp);
  }
  if (font != 'R')
    fputs("\\fR", fp);
}

static void man_option(FILE *fp, const struct dp_cli_option_doc *o)
{
  fputs(".TP\n", fp);
  if (o->short_name != 0)
    fprintf(fp, "\\fB\\-%c\\fR%s", o->short_name,
            o->long_name != NULL ? ", " : "");
  if (o->long_name != NULL)
  {
    fputs("\\fB\\-\\-", fp);
    for (const char *c = o->long_name; *c != '\0'; c++)
      fputs(*c == '-' ? "\\-" : (char[2]){*c, 0}, fp);
    fputs("\\fR", fp);
  }
  const char *arg = o->doc_arg != NULL ? o->doc_arg : o->arg;
  if (arg != NULL)
  {
    fputc(' ', fp);
    man_arg(fp, arg);
  }
  fputc('\n', fp);
  const char *doc = o->doc != NULL ? o->doc : o->help;
  bool verbatim = false;
  for (const char *line = doc; *line != '\0';)
  {
    size_t len = strcspn(line, "\n");
    if (len == 2 && strncmp(line, "{{", 2) == 0)
      fputs(".RS\n.nf\n", fp), verbatim = true;
    else if (len == 2 && strncmp(line, "}}", 2) == 0)
      fputs(".fi\n.RE\n", fp), verbatim = false;
    else if (verbatim)
    {
      if (len > 0 && (line[0] == '.' || line[0] == '\''))
        fputs("\\&", fp);
      for (size_t i = 0; i < len; i++)
        man_char(fp, line, i, true);
      fputc('\n', fp);
    }
    else if (len == 2 && strncmp(line, "[[", 2) == 0)
      fputs(".RS\n", fp);
    else if (len == 2 && strncmp(line, "]]", 2) == 0)
      fputs(".RE\n", fp);
    else if (len >= 2 && strncmp(line, "= ", 2) == 0)
    {
      fputs(".TP\n", fp);
      man_inline(fp, line + 2, len - 2);
      fputc('\n', fp);
    }
    else if (len == 0)
      fputs(".IP\n", fp);
    else
      man_prose(fp, line, len);
    line += len;
    if (*line == '\n')
      line++;
  }
}

/* ---- markdown ------------------------------------------------------------*/

/* Text in a table cell: '|' escaped. */
static void md_cell(FILE *fp, const char *s)
{
  for (; *s != '\0'; s++)
    fputs(*s == '|' ? "\\|" : (char[2]){*s, 0}, fp);
}

static void readme_options(FILE *fp)
{
  fputs("| option | meaning |\n|---|---|\n", fp);
  for (size_t i = 0; i < dp_cli_option_count(); i++)
  {
    struct dp_cli_option_doc o = dp_cli_option_at(i);
    fputs("| `", fp);
    if (o.short_name != 0)
      fprintf(fp, "-%c%s", o.short_name, o.long_name != NULL ? ", " : "");
    if (o.long_name != NULL)
      fprintf(fp, "--%s", o.long_name);
    const char *arg = o.doc_arg != NULL ? o.doc_arg : o.arg;
    if (arg != NULL)
    {
      fputc(' ', fp);
      md_cell(fp, arg);
    }
    fputs("` | ", fp);
    md_cell(fp, o.help);
    fputs(" |\n", fp);
  }
}

/* ---- the files -----------------------------------------------------------*/

static char *slurp(const char *path, size_t *len)
{
  FILE *fp = fopen(path, "rb");
  if (fp == NULL)
    return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0;
  for (;;)
  {
    if (n + 4096 + 1 > cap)
    {
      size_t ncap = cap ? cap * 2 : 65536;
      char *nb = ncap > cap ? realloc(buf, ncap) : NULL;
      if (nb == NULL)
      {
        free(buf);
        fclose(fp);
        return NULL;
      }
      buf = nb;
      cap = ncap;
    }
    size_t got = fread(buf + n, 1, cap - n - 1, fp);
    n += got;
    if (got == 0)
      break;
  }
  bool bad = ferror(fp) != 0;
  fclose(fp);
  if (bad)
  {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* text with the lines between the begin and end markers replaced by what
 * write() writes, into a memory stream. Returns the new text (malloc'd),
 * or NULL with why. */
static char *rewrite(const char *text, const char *begin, const char *end,
                     void (*write)(FILE *), const char **why)
{
  const char *b = strstr(text, begin);
  const char *e = b != NULL ? strstr(b, end) : NULL;
  if (b == NULL || e == NULL)
  {
    *why = "its marker lines are missing";
    return NULL;
  }
  const char *after_begin = strchr(b, '\n');
  if (after_begin == NULL || after_begin > e)
  {
    *why = "its marker lines are malformed";
    return NULL;
  }
  char *out = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&out, &len);
  if (fp == NULL)
  {
    *why = "out of memory";
    return NULL;
  }
  fwrite(text, 1, (size_t)(after_begin + 1 - text), fp);
  write(fp);
  fputs(e, fp);
  if (fclose(fp) != 0)
  {
    free(out);
    *why = "out of memory";
    return NULL;
  }
  return out;
}

static void man_options(FILE *fp)
{
  for (size_t i = 0; i < dp_cli_option_count(); i++)
  {
    struct dp_cli_option_doc o = dp_cli_option_at(i);
    man_option(fp, &o);
  }
}

/* kind: "man" or "readme". */
static char *generate(const char *kind, const char *in, const char **why)
{
  size_t len = 0;
  char *text = slurp(in, &len);
  if (text == NULL)
  {
    *why = "cannot be read";
    return NULL;
  }
  char *out =
      strcmp(kind, "man") == 0
          ? rewrite(text, MAN_BEGIN, MAN_END, man_options, why)
          : rewrite(text, README_BEGIN, README_END, readme_options, why);
  free(text);
  return out;
}

static bool write_file(const char *path, const char *text)
{
  FILE *fp = fopen(path, "wb");
  if (fp == NULL)
    return false;
  bool ok = fputs(text, fp) >= 0;
  return fclose(fp) == 0 && ok;
}

int dp_cli_docs(int argc, char **argv, FILE *err)
{
  const char *why = NULL;
  if (argc == 4 &&
      (strcmp(argv[1], "man") == 0 || strcmp(argv[1], "readme") == 0))
  {
    /* KIND IN OUT: IN with its options written from the table, as OUT */
    char *out = generate(argv[1], argv[2], &why);
    if (out == NULL)
      return dp_cli_error(err, "docs", "%s: %s", argv[2], why);
    bool ok = write_file(argv[3], out);
    free(out);
    return ok ? DP_EXIT_OK
              : dp_cli_error(err, "docs", "%s: cannot be written", argv[3]);
  }
  if (argc == 4 && strcmp(argv[1], "update") == 0)
  {
    /* update MAN README: both rewritten in place */
    for (int k = 2; k < 4; k++)
    {
      char *out = generate(k == 2 ? "man" : "readme", argv[k], &why);
      if (out == NULL)
        return dp_cli_error(err, "docs", "%s: %s", argv[k], why);
      bool ok = write_file(argv[k], out);
      free(out);
      if (!ok)
        return dp_cli_error(err, "docs", "%s: cannot be written", argv[k]);
    }
    return DP_EXIT_OK;
  }
  if (argc == 4 && strcmp(argv[1], "check") == 0)
  {
    /* check MAN README: both already say what the table says */
    int rc = DP_EXIT_OK;
    for (int k = 2; k < 4; k++)
    {
      const char *kind = k == 2 ? "man" : "readme";
      size_t len = 0;
      char *now = slurp(argv[k], &len);
      char *want = generate(kind, argv[k], &why);
      if (now == NULL || want == NULL)
        rc = dp_cli_error(err, "docs", "%s: %s", argv[k],
                          now == NULL ? "cannot be read" : why);
      else if (strcmp(now, want) != 0)
        rc = dp_cli_error(err, "docs",
                          "%s: its options differ from src/cli/options.c; "
                          "run ninja -C BUILD update-docs",
                          argv[k]);
      free(now);
      free(want);
    }
    return rc;
  }
  return dp_cli_error(err, "docs",
                      "usage: man|readme IN OUT, check MAN README or "
                      "update MAN README");
}
