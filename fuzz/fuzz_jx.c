/*
 * fuzz_jx.c - libFuzzer target for jx_parse_object() and the typed getters.
 * FUZZ_SRC: src/util/jx.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/jx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *o = (json_t *)1;
	char err[JX_ERR_LEN];
	err[0] = 0;
	int rc = jx_parse_object(data, size, &o, err);
	if (rc != 0) {
		if (rc != PP_EINVAL || o != NULL || err[0] == 0 || strlen(err) >= JX_ERR_LEN)
			abort();
		return 0;
	}
	if (!json_is_object(o))
		abort();
	json_t *root = o;
	for (int pass = 0; pass < 2; pass++) {
		const char *key;
		json_t *v;
		json_object_foreach (root, key, v) {
			const char *s;
			int b;
			int r1 = jx_opt_str(root, key, &s);
			if ((r1 == 0) != (json_is_string(v) || json_is_null(v)))
				abort();
			if (r1 == 0 && s && strlen(s) != json_string_length(v))
				abort(); /* no NUL inside accepted strings */
			int r2 = jx_opt_bool(root, key, &b);
			if (r2 == 0 && b != -1 && b != 0 && b != 1)
				abort();
		}
		root = jx_unwrap(o, "user");
		if (root == o)
			break;
	}
	json_decref(o);
	return 0;
}
