/*
 * gendocs.c: dp-gendocs, the build's documentation writer (not installed):
 * the man page's OPTIONS section and the README's option table from the
 * option table that parses the options (docs.c says how).
 */
#include <stdio.h>

#include "options.h"

int main(int argc, char **argv)
{
  return dp_cli_docs(argc, argv, stderr);
}
