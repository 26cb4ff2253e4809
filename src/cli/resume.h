/*
 * resume.h: --resume FILE. The JSON-lines report of an earlier run is read
 * back, the targets it records are skipped, and new records are appended
 * to it one write(2) each, so that a run killed at any moment leaves every
 * record whole but possibly the last, which the next resume cuts off.
 */
#ifndef DNSPROBE_CLI_RESUME_H
#define DNSPROBE_CLI_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsprobe/result.h"
#include "dnsprobe/status.h"

typedef struct dp_cli_resume dp_cli_resume_t;

/**
 * Open path for reading and appending (created, mode 0644 less the umask,
 * when missing) and read the records in it. A last line without its newline
 * (a writer killed in the middle of it) is cut off the file, and a note
 * says so on stderr. Returns DP_OK, DP_EINVAL (a line that is not a record
 * before the last: err is "PATH:LINE: why"), DP_ENOMEM or DP_EIO (err says
 * why). *out is freed with dp_cli_resume_close.
 */
dp_status_t dp_cli_resume_open(const char *path, dp_cli_resume_t **out,
                               char *err, size_t errcap);

/**
 * Whether the file records this target (given as typed, numeric address,
 * port, canonical zone) more times than it was taken: true takes one, so a
 * list that names a target twice probes it again unless the file has it
 * twice.
 */
bool dp_cli_resume_take(dp_cli_resume_t *r, const char *given,
                        const char *address, uint16_t port, const char *zone);

/** Records read from the file when it was opened. */
size_t dp_cli_resume_records(const dp_cli_resume_t *r);

/** The worst status of those records (DP_HEALTH_OK when none). */
dp_health_t dp_cli_resume_worst(const dp_cli_resume_t *r);

/**
 * Append one complete line (ending with its newline) with a single
 * write(2), the file opened O_APPEND; flushed to the disk at most once a
 * second. A write that fails part way is cut back off the file. Returns
 * DP_OK or DP_EIO (errno says why).
 */
dp_status_t dp_cli_resume_append(dp_cli_resume_t *r, const char *line,
                                 size_t len);

/**
 * Flush to the disk, close and free. Returns DP_OK, or DP_EIO when the
 * flush or close failed. NULL is a no-op returning DP_OK.
 */
dp_status_t dp_cli_resume_close(dp_cli_resume_t *r);

#endif
