/*
 * zone_report.h: zone mode's section of the json and text reports, which
 * both call it; it reads only the zone summary.
 */
#ifndef DNSPROBE_REPORT_ZONE_REPORT_H
#define DNSPROBE_REPORT_ZONE_REPORT_H

#include <stdio.h>

#include "dnsprobe/json.h"
#include "dnsprobe/report.h"
#include "dnsprobe/zone.h"

/** Write a summary's "zone" object value (no key) to w. */
void dp_report_zone_json_value(dp_json_t *w, const struct dp_zone_summary *z);

/** Write a summary's text section to fp. Returns DP_OK or DP_EIO. */
dp_status_t dp_report_zone_text_write(FILE *fp, const struct dp_zone_summary *z,
                                      const struct dp_report_options *opt);

#endif
