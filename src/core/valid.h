/*
 * valid.h - pure validation of user-supplied account fields. Each returns
 * NULL when the value is acceptable, else the message for the 422 error.
 * Input strings come from jansson, hence are valid UTF-8 without NUL.
 */
#ifndef PP_VALID_H
#define PP_VALID_H

#include <stddef.h>

const char *valid_username(const char *s);
const char *valid_email(const char *s);
/*
 * Copies src (any bytes) into dst[cap] as valid UTF-8 of at most max_chars
 * characters: invalid bytes and control characters become '?', and a
 * character is never cut in the middle. For text from headers (User-Agent).
 */
void valid_utf8_copy(char *dst, size_t cap, const char *src, size_t max_chars);
/* Free text: at most max characters, no control characters. */
const char *valid_text(const char *s, size_t max, int allow_empty);

#endif
