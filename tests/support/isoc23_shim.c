/*
 * isoc23_shim.c: glibc 2.38's C23 strtoul, for linking Debian 13's static
 * c-ares into a test build on Debian 12 (meson -Dcares_prefix). It differs
 * from strtoul only in accepting a 0b prefix with base 0 or 2, which c-ares
 * never passes.
 */
#include <stdlib.h>

unsigned long __isoc23_strtoul(const char *s, char **end, int base);

unsigned long __isoc23_strtoul(const char *s, char **end, int base)
{
  return strtoul(s, end, base);
}
