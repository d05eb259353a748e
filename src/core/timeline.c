/* timeline.c - reading a timeline (see timeline.h). */
#include "core/timeline.h"
#include "store/store_events.h"
#include "util/err.h"

/* A positive integer query value (absent = 0). -1 when malformed. */
static int64_t query_int(const char *v, int64_t max)
{
	int64_t n;
	if (!v)
		return 0;
	return paging_parse_uint(v, max, &n) == 0 ? n : -1;
}

int timeline_list(const struct core_ctx *cx, const struct timeline_query *q,
                  void (*cb)(const struct event_rec *, void *), void *arg,
                  struct timeline_page *out, const char **why)
{
	if (paging_parse(q->page, q->per_page, &out->paging, why) != 0)
		return PP_EINVAL;
	int64_t anchor = query_int(q->anchor, INT64_MAX / 2);
	int64_t from = query_int(q->from, TIMELINE_FROM_MAX_HOURS);
	if (anchor < 0) {
		*why = "anchor must be an event id from meta.pagination.anchor";
		return PP_EINVAL;
	}
	if (from < 0 || (q->from && from == 0)) {
		*why = "from must be a number of hours from 1 to 72";
		return PP_EINVAL;
	}
	struct event_query eq = {
	        .user_id = q->user_id,
	        .app_id = q->app_id,
	        .anchor = anchor,
	        .since_ms = from ? cx->now - from * 3600 * 1000 : 0,
	        .offset = paging_offset(&out->paging),
	        .limit = out->paging.per_page,
	};
	out->total = 0;
	int rc = store_event_list(cx->db, &eq, &out->total, cb, arg);
	out->anchor = eq.anchor;
	return rc;
}
