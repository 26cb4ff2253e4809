/*
 * status.h: dnsprobe's one program-error enum.
 *
 * A status says whether dnsprobe itself could do its job. What dnsprobe finds
 * wrong with a DNS server is data (a verdict), never a status.
 */
#ifndef DNSPROBE_STATUS_H
#define DNSPROBE_STATUS_H

#include <stddef.h>

typedef enum
{
  DP_OK = 0,
  DP_ENOMEM,       /* out of memory */
  DP_EINVAL,       /* invalid argument */
  DP_ERANGE,       /* value out of range */
  DP_ESPACE,       /* output buffer too small */
  DP_EMALFORMED,   /* DNS message could not be parsed */
  DP_ENAMELABEL,   /* a label of a domain name is longer than 63 bytes */
  DP_ENAMELONG,    /* a domain name is longer than 255 bytes */
  DP_ENAMEEMPTY,   /* a domain name has an empty label */
  DP_ENAMESYNTAX,  /* a domain name has a bad escape sequence */
  DP_EADDR,        /* not a valid address */
  DP_EPORT,        /* not a valid port */
  DP_ESYS,         /* a system call failed (see errno) */
  DP_ECARES,       /* c-ares failed */
  DP_EVERSION,     /* a library version whose semantics break dnsprobe */
  DP_ENOTFOUND,    /* a host name has no address */
  DP_EIO,          /* reading or writing a file failed */
  DP_EINTERRUPTED, /* interrupted by a signal */
  DP_EOF,          /* no more input (a target source is done) */
  DP_STATUS_MAX
} dp_status_t;

/**
 * Describe a status in a few words, for a one-line error message.
 * Returns a static string; never NULL (unknown values get "unknown error").
 */
const char *dp_strerror(dp_status_t status);

/**
 * Input as an error message shows it: at most (cap - 4) / 4 of the n bytes
 * at in (fewer when a NUL comes first), every byte that would not print
 * (below 0x20, 0x7f and above) as \xHH, and "..." after them when bytes were
 * left out, so the message stays one printable line whatever was typed.
 * Writes out (cap bytes, cap >= 1) and returns it.
 */
const char *dp_quote(char *out, size_t cap, const char *in, size_t n);

/**
 * Write a one-line message, printf-style, to err (cap bytes; nothing when
 * err is NULL or cap is 0) and return DP_EINVAL: how a parser of user input
 * says what is wrong.
 */
dp_status_t dp_einval(char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
