/*
 * jx.h - strict JSON input: parse a request body, read typed optional fields.
 *
 * jx_parse_object() is the fuzz seam for every JSON body: pure, no I/O.
 * Getters return 0 when the key is absent or has the right type, PP_EINVAL
 * when it has another type (the handler answers 400 naming the field).
 */
#ifndef PP_JX_H
#define PP_JX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define JX_ERR_LEN 256

/*
 * Parses body bytes into a JSON object: valid UTF-8, an object at the root,
 * no duplicate keys, no NUL in strings, no trailing data. On failure returns
 * PP_EINVAL and writes a message for the client into err.
 */
int jx_parse_object(const uint8_t *p, size_t n, json_t **out, char err[JX_ERR_LEN]);

/* root[key] when it is an object (the wrapped form {"user": {...}}), else root. */
json_t *jx_unwrap(json_t *root, const char *key);

/* *out = string value or NULL when absent/null. */
int jx_opt_str(json_t *o, const char *key, const char **out);
/* *out = 0/1, or -1 when absent/null. */
int jx_opt_bool(json_t *o, const char *key, int *out);

/* Appends msg to errors[field] (an array), the 422 shape {"field": ["msg", ...]}. */
void jx_error_add(json_t *errors, const char *field, const char *msg);

#endif
