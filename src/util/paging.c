/* paging.c - pagination parameters and metadata (see paging.h). */
#include "util/paging.h"
#include "util/err.h"

#include <stdlib.h>

int paging_parse_uint(const char *s, int64_t max, int64_t *out)
{
	if (!s || !*s)
		return PP_EINVAL;
	int64_t v = 0;
	int too_big = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return PP_EINVAL;
		int d = *p - '0';
		/* v * 10 + d > max, asked without computing it (it may not fit) */
		if (too_big || d > max || v > (max - d) / 10)
			too_big = 1;
		else
			v = v * 10 + d;
	}
	if (too_big)
		return PP_ETOOBIG;
	*out = v;
	return 0;
}

static int parse_pos(const char *s, int64_t max, int64_t *out)
{
	int64_t v;
	int rc = paging_parse_uint(s, max, &v);
	if (rc)
		return rc;
	if (v < 1)
		return PP_EINVAL;
	*out = v;
	return 0;
}

int paging_parse(const char *page, const char *per_page, struct paging *p, const char **err)
{
	int64_t v;
	p->page = 1;
	p->per_page = PAGING_DEFAULT_PER_PAGE;
	if (page) {
		if (parse_pos(page, PAGING_MAX_PAGE, &v) != 0) {
			*err = "page must be an integer from 1 to 1000000";
			return PP_EINVAL;
		}
		p->page = v;
	}
	if (per_page) {
		if (parse_pos(per_page, PAGING_MAX_PER_PAGE, &v) != 0) {
			*err = "per_page must be an integer from 1 to 100";
			return PP_EINVAL;
		}
		p->per_page = (int)v;
	}
	return 0;
}

int64_t paging_offset(const struct paging *p)
{
	return (p->page - 1) * p->per_page;
}

json_t *paging_meta(const struct paging *p, int64_t total)
{
	int64_t pages = (total + p->per_page - 1) / p->per_page;
	if (pages < 1)
		pages = 1;
	json_t *prev = p->page > 1 ? json_integer(p->page - 1 <= pages ? p->page - 1 : pages)
	                           : json_null();
	json_t *next = p->page < pages ? json_integer(p->page + 1) : json_null();
	return json_pack("{s:{s:o, s:I, s:o, s:I, s:I}}", "pagination", "prev_page", prev,
	                 "current_page", (json_int_t)p->page, "next_page", next, "total_pages",
	                 (json_int_t)pages, "total_count", (json_int_t)total);
}
