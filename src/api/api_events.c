/*
 * api_events.c - timelines: the user's (GET /v1/events), an app's
 * (GET /v1/apps/{app}/events, owner and collaborators) and the catalogue of
 * event types with their sentence templates (GET /v1/event_types). Pages
 * are stable: meta.pagination.anchor is the newest event id the first page
 * saw; passing ?anchor= back keeps later pages on the same snapshot however
 * many events arrive meanwhile.
 */
#include "api/api.h"
#include "api/render.h"
#include "core/events.h"
#include "store/store_apps.h"
#include "store/store_events.h"
#include "util/err.h"
#include "util/paging.h"
#include "util/timeutil.h"

#include <stdlib.h>

#define EVENTS_FROM_MAX_HOURS 72

static void add_event(const struct event_rec *e, void *arg)
{
	json_array_append_new(arg, render_event(e));
}

/* Parses a positive integer query argument (absent = 0). -1 when malformed. */
static int64_t query_int(struct req *r, const char *name, int64_t max)
{
	const char *v = req_query(r, name);
	int64_t n;
	if (!v)
		return 0;
	return paging_parse_uint(v, max, &n) == 0 ? n : -1;
}

static void list_events(struct req *r, const char *user_id, const char *app_id)
{
	struct paging p;
	const char *err;
	int64_t total = 0;
	if (paging_parse(req_query(r, "page"), req_query(r, "per_page"), &p, &err) != 0) {
		reply_error(r, 400, err);
		return;
	}
	int64_t anchor = query_int(r, "anchor", INT64_MAX / 2);
	int64_t from = query_int(r, "from", EVENTS_FROM_MAX_HOURS);
	if (anchor < 0) {
		reply_error(r, 400, "anchor must be an event id from meta.pagination.anchor");
		return;
	}
	if (from < 0 || (req_query(r, "from") && from == 0)) {
		reply_error(r, 400, "from must be a number of hours from 1 to 72");
		return;
	}
	struct event_query q = {
	        user_id,           app_id,    anchor, from ? api_now(r) - from * 3600 * 1000 : 0,
	        paging_offset(&p), p.per_page};
	json_t *arr = json_array();
	int rc = store_event_list(req_db(r), &q, &total, add_event, arr);
	if (rc) {
		json_decref(arr);
		reply_rc(r, rc, "events");
		return;
	}
	json_t *meta = paging_meta(&p, total);
	json_object_set_new(json_object_get(meta, "pagination"), "anchor",
	                    json_integer((json_int_t)q.anchor));
	reply_json(r, 200, json_pack("{s:o, s:o}", "events", arr, "meta", meta));
}

int api_events_list(struct req *r)
{
	list_events(r, r->user.id, NULL);
	return 0;
}

int api_app_events_list(struct req *r)
{
	struct app_rec a;
	int rc = store_app_for_user(req_db(r), req_param(r, "app"), r->user.id, &a);
	if (rc) {
		reply_rc(r, rc, "app");
		return 0;
	}
	list_events(r, NULL, a.id);
	return 0;
}

int api_event_types(struct req *r)
{
	json_t *arr = json_array();
	/* the Scalingo shape (the name doubles as the id) plus the sentence template */
	for (size_t i = 0; i < events_types_count; i++) {
		const struct event_type_info *t = &events_types[i];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", t->name,
		                                     "name", t->name, "display_name",
		                                     t->display_name, "description", t->description,
		                                     "template", t->template));
	}
	reply_json(r, 200, json_pack("{s:o}", "event_types", arr));
	return 0;
}
