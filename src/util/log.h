/*
 * log.h - one JSON object per line on stderr.
 *
 * Never pass a password, token or other secret in the fields. Strings are
 * JSON-encoded by jansson, so user text cannot forge log lines.
 */
#ifndef PP_LOG_H
#define PP_LOG_H

#include <jansson.h>

/* Writes {"ts":..., "level":level, "msg":msg, ...fields}. Steals fields (may be NULL). */
void log_json(const char *level, const char *msg, json_t *fields);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
