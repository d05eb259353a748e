/* str.h - small string helpers that several modules need exactly alike. */
#ifndef PP_STR_H
#define PP_STR_H

#include <stddef.h>

/* Copies src into dst[cap] with ASCII letters lower-cased, cut to fit (always terminated
 * when cap > 0). Returns the length written. */
size_t str_lower(char *dst, size_t cap, const char *src);
/* The number of UTF-8 characters in s (bytes that do not continue a character). */
size_t str_utf8_chars(const char *s);

#endif
