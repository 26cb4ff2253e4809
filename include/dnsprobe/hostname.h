/*
 * hostname.h: what counts as a host name in what a user types, for every
 * parser of targets (the command line, -f FILE, dnsprobe serve's scrapes),
 * so that one text is a host name everywhere or nowhere.
 */
#ifndef DNSPROBE_HOSTNAME_H
#define DNSPROBE_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>

/**
 * Whether s is only digits and dots, with a digit ("1.2", "300",
 * "1.2.3.4.5"): numeric text, never a host name, so a bad IPv4 address is
 * reported as one rather than as a name without an address.
 */
bool dp_text_is_numeric(const char *s);

/**
 * Check h as a host name by RFC 952 / RFC 1123 2.1: labels of letters,
 * digits and inner hyphens, 1 to 63 characters, at most 253 in all (one
 * trailing dot allowed), and a last label that is not all digits (RFC 3696
 * 2), so nothing numeric passes for a name.
 * Returns NULL when h is one, else what is wrong (a static string). When
 * the problem is one character, *bad (if bad is not NULL) is its index and
 * the string reads after it ("'_' is not allowed ..."); else *bad is
 * SIZE_MAX.
 */
const char *dp_hostname_problem(const char *h, size_t *bad);

#endif
