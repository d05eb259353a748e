/* str.h - small string helpers that several modules need exactly alike. */
#ifndef PP_STR_H
#define PP_STR_H

#include <stddef.h>

/* Copies src into dst[cap] with ASCII letters lower-cased, cut to fit (always terminated
 * when cap > 0). Returns the length written. */
size_t str_lower(char *dst, size_t cap, const char *src);
/* The number of UTF-8 characters in s (bytes that do not continue a character). */
size_t str_utf8_chars(const char *s);

/* The length of the valid UTF-8 sequence at s (1..4), or 0 when s does not start one
 * (a stray continuation byte, an overlong form, a surrogate, above U+10FFFF, cut short). */
size_t str_utf8_seq(const unsigned char *s);
/* 1 when s is entirely valid UTF-8 (as PostgreSQL and JSON require), else 0. */
int str_utf8_valid(const char *s);
/* Copies src into dst[cap], each byte that does not start a valid UTF-8 sequence
 * replaced by '?', cut to fit on a character boundary (always terminated when cap > 0). */
void str_utf8_sanitize(char *dst, size_t cap, const char *src);

#endif
