/*
 * fuzz_paging.c - libFuzzer target for paging_parse() on two fuzzed strings
 * (split at the first NUL; a leading flag byte makes either one NULL), then
 * paging_offset() and paging_meta() on what was accepted; paging_parse_uint() on
 * the first string against a maximum taken from the flag byte, checked by strtoll.
 * FUZZ_SRC: src/util/paging.c
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/paging.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned flags = data[0];
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = 0;
	size_t l1 = strlen(buf);
	const char *page = (flags & 1) ? NULL : buf;
	const char *per_page = (flags & 2) ? NULL : (l1 < size - 1 ? buf + l1 + 1 : "");
	struct paging p;
	const char *err = NULL;
	int rc = paging_parse(page, per_page, &p, &err);
	if (rc == 0) {
		if (p.page < 1 || p.page > PAGING_MAX_PAGE || p.per_page < 1 ||
		    p.per_page > PAGING_MAX_PER_PAGE)
			abort();
		int64_t off = paging_offset(&p);
		if (off < 0 || off != (p.page - 1) * p.per_page)
			abort();
		int64_t total = (int64_t)(flags >> 2) * 977 * (int64_t)p.per_page / 7;
		json_t *m = paging_meta(&p, total);
		json_t *o = json_object_get(m, "pagination");
		if (!json_is_object(o) || json_integer_value(json_object_get(o, "total_pages")) < 1)
			abort();
		json_decref(m);
	} else if (rc != PP_EINVAL || !err) {
		abort();
	}
	/* the overflow-safe integer: same verdict as strtoll on digits-only input */
	int64_t max = (flags & 4) ? INT64_MAX : (flags & 8) ? INT64_MAX / 2 : (int64_t)flags * 1000;
	int64_t v = -1;
	int urc = paging_parse_uint(buf, max, &v);
	size_t digits = strspn(buf, "0123456789");
	if (l1 == 0 || digits != l1) {
		if (urc != PP_EINVAL)
			abort();
	} else {
		errno = 0;
		long long ref = strtoll(buf, NULL, 10);
		int fits = errno != ERANGE && ref <= max;
		if (fits ? (urc != 0 || v != ref) : urc != PP_ETOOBIG)
			abort();
	}
	free(buf);
	return 0;
}
