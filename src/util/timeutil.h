/* timeutil.h - UTC time in integer milliseconds, and its ISO 8601 form. */
#ifndef PP_TIMEUTIL_H
#define PP_TIMEUTIL_H

#include <stdint.h>

/* "2026-11-28T09:20:31.123Z" plus NUL */
#define TIME_ISO_LEN 25

int64_t time_now_ms(void);
/* Monotonic microseconds, for durations only. */
int64_t time_mono_us(void);
void time_iso8601(int64_t ms, char out[TIME_ISO_LEN]);

#endif
