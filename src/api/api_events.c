/* api_events.c - the user's timeline and the catalogue of event types. */
#include "api/api.h"
#include "api/render.h"
#include "core/events.h"
#include "store/store_events.h"
#include "util/err.h"
#include "util/paging.h"

static void add_event(const struct event_rec *e, void *arg)
{
	json_array_append_new(arg, render_event(e));
}

void api_events_list(struct req *r)
{
	struct paging p;
	const char *err;
	int64_t total = 0;
	if (paging_parse(req_query(r, "page"), req_query(r, "per_page"), &p, &err) != 0) {
		reply_error(r, 400, err);
		return;
	}
	json_t *arr = json_array();
	int rc = store_event_list_user(req_db(r), r->user.id, paging_offset(&p), p.per_page, &total,
				       add_event, arr);
	if (rc) {
		json_decref(arr);
		reply_rc(r, rc, "events");
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:o}", "events", arr, "meta", paging_meta(&p, total)));
}

void api_event_types(struct req *r)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < events_types_count; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "name",
						     events_types[i].name, "display_name",
						     events_types[i].display_name, "description",
						     events_types[i].description));
	reply_json(r, 200, json_pack("{s:o}", "event_types", arr));
}
