/*
 * fuzz_route.c - libFuzzer target for route_match() on the real api_routes table.
 * The input is "METHOD PATH" (split at the first NUL or space).
 * FUZZ_SRC: @lib
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/route.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	size_t cut = 0;
	while (cut < size && buf[cut] != 0 && buf[cut] != ' ')
		cut++;
	const char *method = buf;
	const char *path = "";
	if (cut < size) {
		buf[cut] = 0;
		path = buf + cut + 1;
	}
	const struct route *r = NULL;
	struct route_params pp;
	int rc = route_match(api_routes, api_routes_count, method, path, &r, &pp);
	if (rc == 0) {
		const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
		if (r < api_routes || r >= api_routes + api_routes_count ||
		    strcmp(r->method, want) != 0 || path[0] != '/')
			abort();
		if (pp.n < 0 || pp.n > ROUTE_MAX_PARAMS)
			abort();
		for (int i = 0; i < pp.n; i++) {
			size_t n = strlen(pp.p[i].value);
			if (n == 0 || n > ROUTE_SEG_MAX || strchr(pp.p[i].value, '/'))
				abort();
			if (!strstr(path, pp.p[i].value))
				abort();
		}
	} else if (rc != PP_ENOTFOUND && rc != PP_EMETHOD) {
		abort();
	}
	free(buf);
	return 0;
}
