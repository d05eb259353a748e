/* log.c - JSON-lines logging to stderr (see log.h). */
#include "util/log.h"
#include "util/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void log_json(const char *level, const char *msg, json_t *fields)
{
	json_t *o = json_object();
	char ts[TIME_ISO_LEN];
	if (!o) {
		json_decref(fields);
		return;
	}
	time_iso8601(time_now_ms(), ts);
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "level", json_string(level));
	if (msg)
		json_object_set_new(o, "msg", json_string(msg));
	if (fields)
		json_object_update(o, fields);
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s) {
		/* one fputs under stdio's own lock: lines never interleave */
		flockfile(stderr);
		fputs(s, stderr);
		fputc('\n', stderr);
		funlockfile(stderr);
		free(s);
	}
	json_decref(o);
	json_decref(fields);
}

static void log_v(const char *level, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	log_json(level, msg, NULL);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_v("info", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_v("error", fmt, ap);
	va_end(ap);
}
