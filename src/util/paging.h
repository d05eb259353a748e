/*
 * paging.h - ?page=&per_page= parsing and the "meta.pagination" object.
 * Pure functions (the maths is unit-tested).
 */
#ifndef PP_PAGING_H
#define PP_PAGING_H

#include <jansson.h>
#include <stdint.h>

#define PAGING_DEFAULT_PER_PAGE 30
#define PAGING_MAX_PER_PAGE     100
#define PAGING_MAX_PAGE         1000000

struct paging {
	int64_t page;
	int per_page;
};

/* A decimal integer from 0 to max (max >= 0), digits only: 0, PP_EINVAL when
 * empty or not digits, PP_ETOOBIG above max (never overflows on the way). */
int paging_parse_uint(const char *s, int64_t max, int64_t *out);
/* Parses the two query values (NULL = default). PP_EINVAL with a message in *err. */
int paging_parse(const char *page, const char *per_page, struct paging *p, const char **err);
int64_t paging_offset(const struct paging *p);
/* {"pagination": {prev_page, current_page, next_page, total_pages, total_count}} */
json_t *paging_meta(const struct paging *p, int64_t total);

#endif
