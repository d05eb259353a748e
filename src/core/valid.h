/*
 * valid.h - pure validation of user-supplied account fields. Each returns
 * NULL when the value is acceptable, else the message for the 422 error.
 * Input strings come from jansson, hence are valid UTF-8 without NUL.
 */
#ifndef PP_VALID_H
#define PP_VALID_H

#include <stddef.h>

size_t valid_utf8_chars(const char *s);
const char *valid_username(const char *s);
const char *valid_email(const char *s);
/* Free text: at most max characters, no control characters. */
const char *valid_text(const char *s, size_t max, int allow_empty);

#endif
