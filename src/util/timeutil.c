/* timeutil.c - clocks and ISO 8601 formatting (see timeutil.h). */
#include "util/timeutil.h"

#include <stdio.h>
#include <time.h>

int64_t time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void time_iso8601(int64_t ms, char out[TIME_ISO_LEN])
{
	time_t s = (time_t)(ms / 1000);
	int frac = (int)(ms % 1000);
	if (frac < 0) {
		frac += 1000;
		s -= 1;
	}
	struct tm tm;
	gmtime_r(&s, &tm);
	int year = tm.tm_year + 1900;
	if (year < 0 || year > 9999) {
		snprintf(out, TIME_ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year,
		         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
		return;
	}
	/* digits by hand: this runs for every date of every response */
	const int v[] = {year / 100, year % 100, tm.tm_mon + 1, tm.tm_mday,
	                 tm.tm_hour, tm.tm_min,  tm.tm_sec};
	static const char sep[] = {0, 0, '-', '-', 'T', ':', ':'};
	char *o = out;
	for (int i = 0; i < 7; i++) {
		if (sep[i])
			*o++ = sep[i];
		*o++ = (char)('0' + v[i] / 10);
		*o++ = (char)('0' + v[i] % 10);
	}
	*o++ = '.';
	*o++ = (char)('0' + frac / 100);
	*o++ = (char)('0' + frac / 10 % 10);
	*o++ = (char)('0' + frac % 10);
	*o++ = 'Z';
	*o = 0;
}
