/* jx.c - strict JSON body parsing and typed field access (see jx.h). */
#include "util/jx.h"
#include "util/err.h"

#include <stdio.h>

int jx_parse_object(const uint8_t *p, size_t n, json_t **out, char err[JX_ERR_LEN])
{
	json_error_t je;
	*out = NULL;
	json_t *v = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		snprintf(err, JX_ERR_LEN, "invalid JSON: %s (line %d, column %d)", je.text, je.line,
		         je.column);
		return PP_EINVAL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		snprintf(err, JX_ERR_LEN, "invalid JSON: the root must be an object");
		return PP_EINVAL;
	}
	*out = v;
	return 0;
}

json_t *jx_unwrap(json_t *root, const char *key)
{
	json_t *w = json_object_get(root, key);
	return json_is_object(w) ? w : root;
}

int jx_opt_str(json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return PP_EINVAL;
	*out = json_string_value(v);
	return 0;
}

int jx_opt_bool(json_t *o, const char *key, int *out)
{
	json_t *v = json_object_get(o, key);
	*out = -1;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return PP_EINVAL;
	*out = json_is_true(v) ? 1 : 0;
	return 0;
}

void jx_error_add(json_t *errors, const char *field, const char *msg)
{
	json_t *a = json_object_get(errors, field);
	if (!a) {
		a = json_array();
		json_object_set_new(errors, field, a);
	}
	json_array_append_new(a, json_string(msg));
}
