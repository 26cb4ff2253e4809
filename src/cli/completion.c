/*
 * completion.c: `dnsprobe completion bash|zsh`, the shell completion script.
 *
 * Everything the script offers comes from the tables the program itself
 * parses with: the option tables of dnsprobe and of `dnsprobe serve` (long
 * and short names, which take a value
 * and what kind, from the value's name in --help: FILE, LIST, FMT, PROFILE,
 * SOFTWARE, WHEN, RULE), the probe ids, the report formats, the expectation
 * profiles, the software keys, the RCODE names and the root causes. So the
 * completion cannot drift from the options: a new option or probe is in it
 * at the next build. The bash script needs nothing but bash (no
 * bash-completion helpers); zsh loads the same function through
 * bashcompinit.
 *
 * Invariants: every word written comes from a static table of ours and is
 * checked to hold only [A-Za-z0-9._/-] before it goes into the script, so
 * the script never needs quoting beyond what it has.
 */
#include <stdio.h>
#include <string.h>

#include "dnsprobe/expect.h"
#include "dnsprobe/ids.h"
#include "dnsprobe/knowledge.h"
#include "dnsprobe/report.h"
#include "options.h"
#include "serve.h"

/* The kind of value an option takes, from its name in --help. */
typedef enum
{
  VAL_NONE = 0, /* a flag */
  VAL_FREE,     /* a number, a name, an address: nothing to offer */
  VAL_FILE,
  VAL_PROBES, /* a comma-separated list of probe ids */
  VAL_FORMAT,
  VAL_PROFILE,
  VAL_SOFTWARE,
  VAL_WHEN,
  VAL_RULE, /* PROBE=VERDICT: the probe ids, then '=' */
} value_kind;

static value_kind kind_of(const char *arg)
{
  static const struct
  {
    const char *arg;
    value_kind kind;
  } kinds[] = {
      {"FILE", VAL_FILE},       {"LIST", VAL_PROBES},       {"FMT", VAL_FORMAT},
      {"PROFILE", VAL_PROFILE}, {"SOFTWARE", VAL_SOFTWARE}, {"WHEN", VAL_WHEN},
      {"RULE", VAL_RULE},
  };
  if (arg == NULL)
    return VAL_NONE;
  for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
    if (strcmp(arg, kinds[i].arg) == 0)
      return kinds[i].kind;
  return VAL_FREE;
}

/* A word safe to put in the script unquoted. */
static bool plain(const char *w)
{
  if (w == NULL || *w == '\0')
    return false;
  for (const char *c = w; *c != '\0'; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
          (*c >= '0' && *c <= '9') || strchr("._/-", *c) != NULL))
      return false;
  return true;
}

static void word(FILE *fp, bool *first, const char *w)
{
  if (!plain(w))
    return;
  fprintf(fp, "%s%s", *first ? "" : " ", w);
  *first = false;
}

/* A shell variable holding a list of words: name="w1 w2 ...". */
static void list_begin(FILE *fp, const char *name, bool *first)
{
  fprintf(fp, "  local %s=\"", name);
  *first = true;
}

static void list_end(FILE *fp)
{
  fputs("\"\n", fp);
}

static void options_of(FILE *fp, const char *name, bool values)
{
  bool first;
  list_begin(fp, name, &first);
  for (size_t i = 0; i < dp_cli_option_count(); i++)
  {
    struct dp_cli_option_doc o = dp_cli_option_at(i);
    if ((kind_of(o.arg) != VAL_NONE) != values)
      continue;
    char buf[64];
    if (o.long_name != NULL)
    {
      snprintf(buf, sizeof(buf), "--%s", o.long_name);
      word(fp, &first, buf);
    }
    if (o.short_name != 0)
    {
      snprintf(buf, sizeof(buf), "-%c", o.short_name);
      word(fp, &first, buf);
    }
  }
  list_end(fp);
}

/* A case arm for the options whose value is of kind k. */
static void case_arm(FILE *fp, value_kind k, const char *body)
{
  bool any = false;
  for (size_t i = 0; i < dp_cli_option_count(); i++)
  {
    struct dp_cli_option_doc o = dp_cli_option_at(i);
    if (kind_of(o.arg) != k)
      continue;
    if (o.long_name != NULL && plain(o.long_name))
      fprintf(fp, "%s--%s", any ? "|" : "    ", o.long_name), any = true;
    if (o.short_name != 0)
      fprintf(fp, "%s-%c", any ? "|" : "    ", o.short_name), any = true;
  }
  if (any)
    fprintf(fp, ")\n      %s\n      return ;;\n", body);
}

/* A case arm for the valued options of `dnsprobe serve`: those taking a
 * FILE (files == true) or any other value (nothing to offer). */
static void serve_arm(FILE *fp, bool files, const char *body)
{
  bool any = false;
  for (size_t i = 0; i < dp_cli_serve_option_count(); i++)
  {
    struct dp_cli_option_doc o = dp_cli_serve_option_at(i);
    value_kind k = kind_of(o.arg);
    if (k == VAL_NONE || (k == VAL_FILE) != files || !plain(o.long_name))
      continue;
    fprintf(fp, "%s--%s", any ? "|" : "    ", o.long_name);
    any = true;
  }
  if (any)
    fprintf(fp, ") %s\n", body);
}

static void write_bash(FILE *fp)
{
  bool first;

  fputs("# bash completion for dnsprobe, written by `dnsprobe completion "
        "bash`\n"
        "# from the program's own option, probe and code tables.\n"
        "_dnsprobe()\n{\n"
        "  local cur=${COMP_WORDS[COMP_CWORD]}\n"
        "  local prev=\n"
        "  [ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n",
        fp);
  options_of(fp, "flags", false);
  options_of(fp, "valued", true);
  list_begin(fp, "probes", &first);
  for (unsigned i = 0; i < DP_PROBE_COUNT; i++)
    word(fp, &first, dp_probe_id_tostr((dp_probe_id_t)i));
  list_end(fp);
  list_begin(fp, "formats", &first);
  for (unsigned f = 0; f < DP_FORMAT_COUNT; f++)
    word(fp, &first, dp_report_format_tostr((dp_format_t)f));
  list_end(fp);
  list_begin(fp, "profiles", &first);
  for (unsigned p = DP_EXPECT_AUTO; p <= DP_EXPECT_RESOLVER; p++)
    word(fp, &first, dp_expect_profile_tostr((dp_expect_profile_t)p));
  list_end(fp);
  list_begin(fp, "software", &first);
  for (unsigned sw = DP_SOFTWARE_UNKNOWN + 1; sw < DP_SOFTWARE_COUNT; sw++)
    word(fp, &first, dp_software_tostr((dp_software_t)sw));
  list_end(fp);
  list_begin(fp, "codes", &first);
  for (size_t i = 0; i < dp_knowledge_rcode_count(); i++)
    word(fp, &first, dp_knowledge_rcode_at(i)->name);
  for (unsigned c = DP_CAUSE_NONE + 1; c < DP_CAUSE_COUNT; c++)
    word(fp, &first, dp_cause_tostr((dp_cause_t)c));
  list_end(fp);
  list_begin(fp, "serve_opts", &first);
  for (size_t i = 0; i < dp_cli_serve_option_count(); i++)
  {
    struct dp_cli_option_doc o = dp_cli_serve_option_at(i);
    char buf[64];
    snprintf(buf, sizeof(buf), "--%s", o.long_name);
    word(fp, &first, buf);
  }
  list_end(fp);

  /* The subcommand, when the first word is one. */
  fputs("  local sub=\n"
        "  [ \"$COMP_CWORD\" -gt 1 ] && sub=${COMP_WORDS[1]}\n"
        "  case $sub in\n"
        "  explain)\n"
        "    case $prev in\n"
        "    --format) COMPREPLY=($(compgen -W \"text json\" -- \"$cur\")); "
        "return ;;\n"
        "    --color) COMPREPLY=($(compgen -W \"auto always never\" -- "
        "\"$cur\")); return ;;\n"
        "    --ede|--opcode) return ;;\n"
        "    esac\n"
        "    COMPREPLY=($(compgen -W \"$codes --ede --opcode --list --format "
        "--color --help\" -- \"$cur\"))\n"
        "    return ;;\n"
        "  summarize)\n"
        "    case $prev in\n"
        "    --format) COMPREPLY=($(compgen -W \"text json\" -- \"$cur\")); "
        "return ;;\n"
        "    --top) return ;;\n"
        "    esac\n"
        "    if [[ $cur == -* ]]; then\n"
        "      COMPREPLY=($(compgen -W \"--format --top --help\" -- "
        "\"$cur\"))\n"
        "    else\n"
        "      COMPREPLY=($(compgen -f -- \"$cur\"))\n"
        "    fi\n"
        "    return ;;\n"
        "  serve)\n"
        "    case $prev in\n",
        fp);
  serve_arm(fp, true, "COMPREPLY=($(compgen -f -- \"$cur\")); return ;;");
  serve_arm(fp, false, "return ;;");
  fputs("    esac\n"
        "    COMPREPLY=($(compgen -W \"$serve_opts\" -- \"$cur\"))\n"
        "    return ;;\n"
        "  completion)\n"
        "    COMPREPLY=($(compgen -W \"bash zsh\" -- \"$cur\"))\n"
        "    return ;;\n"
        "  esac\n",
        fp);

  /* The value of the option before the cursor. */
  fputs("  case $prev in\n", fp);
  case_arm(fp, VAL_FILE, "COMPREPLY=($(compgen -f -- \"$cur\"))");
  case_arm(fp, VAL_PROBES,
           "local head=${cur%${cur##*,}}\n"
           "      COMPREPLY=($(compgen -P \"$head\" -W \"$probes\" -- "
           "\"${cur##*,}\"))");
  case_arm(fp, VAL_FORMAT,
           "COMPREPLY=($(compgen -W \"$formats\" -- \"$cur\"))");
  case_arm(fp, VAL_PROFILE,
           "COMPREPLY=($(compgen -W \"$profiles\" -- \"$cur\"))");
  case_arm(fp, VAL_SOFTWARE,
           "COMPREPLY=($(compgen -W \"$software\" -- \"$cur\"))");
  case_arm(fp, VAL_WHEN,
           "COMPREPLY=($(compgen -W \"auto always never\" -- \"$cur\"))");
  case_arm(fp, VAL_RULE,
           "COMPREPLY=($(compgen -S = -W \"$probes\" -- \"$cur\"))\n"
           "      compopt -o nospace 2>/dev/null");
  case_arm(fp, VAL_FREE, ":");
  fputs("  esac\n"
        "  if [[ $cur == -* ]]; then\n"
        "    COMPREPLY=($(compgen -W \"$flags $valued\" -- \"$cur\"))\n"
        "  elif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
        "    COMPREPLY=($(compgen -W \"explain summarize serve completion\" -- "
        "\"$cur\"))\n"
        "  fi\n"
        "}\n"
        "complete -F _dnsprobe dnsprobe\n",
        fp);
}

int dp_cli_completion(int argc, char **argv, FILE *out, FILE *err)
{
  if (argc == 2 &&
      (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
  {
    fputs("Usage: dnsprobe completion bash|zsh\n"
          "\n"
          "Write the shell completion script to standard output:\n"
          "  source <(dnsprobe completion bash)      in ~/.bashrc\n"
          "  source <(dnsprobe completion zsh)       in ~/.zshrc\n",
          out);
    return fflush(out) == 0 ? DP_EXIT_OK : DP_EXIT_UNKNOWN;
  }
  if (argc != 2 ||
      (strcmp(argv[1], "bash") != 0 && strcmp(argv[1], "zsh") != 0))
    return dp_cli_error(err, "completion", "give the shell: bash or zsh");
  if (strcmp(argv[1], "zsh") == 0)
    fputs("# zsh completion for dnsprobe: the bash function, through "
          "bashcompinit\n"
          "autoload -U +X bashcompinit && bashcompinit\n",
          out);
  write_bash(out);
  return fflush(out) == 0 && !ferror(out) ? DP_EXIT_OK : DP_EXIT_UNKNOWN;
}
