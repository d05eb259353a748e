/* route.c - pure matching of a path against the route table (see route.h). */
#include "api/route.h"
#include "util/err.h"

#include <string.h>

/* Matches one pattern; fills params on success. */
static int match_one(const char *pat, const char *path, struct route_params *pp)
{
	pp->n = 0;
	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return 0;
		pat++;
		path++;
		const char *pe = strchr(pat, '/');
		size_t plen = pe ? (size_t)(pe - pat) : strlen(pat);
		const char *se = strchr(path, '/');
		size_t slen = se ? (size_t)(se - path) : strlen(path);
		if (plen > 0 && pat[0] == ':') {
			if (slen == 0 || slen > ROUTE_SEG_MAX || pp->n >= ROUTE_MAX_PARAMS)
				return 0;
			pp->p[pp->n].name = pat + 1;
			pp->p[pp->n].name_len = plen - 1;
			memcpy(pp->p[pp->n].value, path, slen);
			pp->p[pp->n].value[slen] = 0;
			pp->n++;
		} else if (plen != slen || memcmp(pat, path, slen) != 0) {
			return 0;
		}
		pat += plen;
		path += slen;
	}
	return *pat == 0 && *path == 0;
}

int route_match(const struct route *table, size_t n, const char *method, const char *path,
                const struct route **out, struct route_params *params)
{
	int path_seen = 0;
	struct route_params tmp;
	if (strlen(path) > ROUTE_PATH_MAX || path[0] != '/')
		return PP_ENOTFOUND;
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (size_t i = 0; i < n; i++) {
		if (!match_one(table[i].pattern, path, &tmp))
			continue;
		path_seen = 1;
		if (strcmp(table[i].method, method) == 0) {
			*out = &table[i];
			*params = tmp;
			return 0;
		}
	}
	return path_seen ? PP_EMETHOD : PP_ENOTFOUND;
}

const char *route_param(const struct route_params *pp, const char *name)
{
	size_t nl = strlen(name);
	for (int i = 0; i < pp->n; i++)
		if (pp->p[i].name_len == nl && memcmp(pp->p[i].name, name, nl) == 0)
			return pp->p[i].value;
	return NULL;
}
