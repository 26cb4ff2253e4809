/*
 * util.h: the helpers the report formats share among themselves and nobody
 * else uses: the wrapper that continues a line already started, names,
 * endpoints, decimals and UTF-8. A leaf: nothing here knows a format.
 */
#ifndef DNSPROBE_REPORT_UTIL_H
#define DNSPROBE_REPORT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dnsprobe/json.h"
#include "dnsprobe/report.h"

/**
 * dp_report_wrap for a line that already holds col columns: the text starts
 * right there, continuation and snippet lines are indented by indent.
 * Returns DP_OK or DP_EIO.
 */
dp_status_t dp_report_wrap_at(FILE *fp, const char *text, unsigned col,
                              unsigned indent, unsigned width);

/** The version string to print: opt->version, or the build's. */
const char *dp_report_version(const struct dp_report_options *opt);

/**
 * The verdict name a probe is shown with: its verdict, or "skipped" for a
 * probe that was not sent and so was never judged.
 */
const char *dp_report_verdict_name(const struct dp_probe_result *p);

/** Whether a probe was not sent, so never judged: shown as "skipped". */
bool dp_report_probe_skipped(const struct dp_probe_result *p);

/** Probes of t that may be read: nprobes clamped to DP_PROBE_COUNT. */
size_t dp_report_nprobes(const struct dp_target_result *t);

/**
 * Copy a string from a fixed array of srccap bytes that may lack its NUL
 * into dst (cap > 0), cutting at dst's end; always NUL-terminated.
 */
void dp_report_fixed(char *dst, size_t cap, const char *src, size_t srccap);

/** A target's endpoint: "127.0.0.1:5301" or "[::1]:5301". */
void dp_report_endpoint(char *buf, size_t cap,
                        const struct dp_target_result *t);

/**
 * Write the character at s (whose first byte is >= 0x80): the whole UTF-8
 * sequence when it is valid, else '?'. Returns the bytes consumed (>= 1).
 */
size_t dp_report_put_utf8(FILE *fp, const char *s);

/**
 * Length of the well-formed UTF-8 sequence of a non-ASCII character at s
 * (RFC 3629 section 4: no overlong forms, no surrogates, nothing above
 * U+10FFFF), or 0 when the bytes there are not one. s is NUL-terminated;
 * the check stops at the NUL.
 */
size_t dp_report_utf8_len(const char *s);

/**
 * v in decimal with at most decimals (0..9) fraction digits, trailing zeros
 * dropped ("0.31", "2", "-1.5"), never in exponent form and independent of
 * the locale. NaN and infinities give "NaN", "+Inf" and "-Inf" (the
 * spelling of Prometheus and Go). Returns buf.
 */
const char *dp_report_decimal(char *buf, size_t cap, double v,
                              unsigned decimals);

/**
 * A time (seconds since 1970, UTC) in RFC 3339 form, "2026-11-21T13:00:00Z",
 * into buf; "" when it cannot be shown (out of range, cap < 21). Returns
 * buf.
 */
const char *dp_report_rfc3339(char *buf, size_t cap, int64_t t);

/* JSON members the report writers share: key and value in one call. */
void dp_report_member_string(dp_json_t *w, const char *key, const char *s);
void dp_report_member_bool(dp_json_t *w, const char *key, bool v);
/** A duration in ms; a negative one means "none" and writes null. */
void dp_report_member_ms(dp_json_t *w, const char *key, double ms);
/** A string from a fixed array of cap bytes, cut at its first NUL. */
void dp_report_member_fixed(dp_json_t *w, const char *key, const char *buf,
                            size_t cap);

#endif
