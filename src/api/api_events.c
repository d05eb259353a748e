/*
 * api_events.c - timelines: the user's (GET /v1/events), an app's
 * (GET /v1/apps/{app}/events, any role: the gate loaded the :app into
 * r->target) through the use case of core/timeline.c, and the catalogue of
 * event types with their sentence templates (GET /v1/event_types).
 */
#include "api/api.h"
#include "api/render.h"
#include "core/timeline.h"
#include "util/err.h"

static int list_events(struct req *r, const char *user_id, const char *app_id)
{
	struct core_ctx cx = api_ctx(r);
	struct timeline_query q = {
	        .user_id = user_id,
	        .app_id = app_id,
	        .page = req_query(r, "page"),
	        .per_page = req_query(r, "per_page"),
	        .anchor = req_query(r, "anchor"),
	        .from = req_query(r, "from"),
	};
	struct timeline_page pg;
	struct render_list l;
	const char *why = NULL;
	render_list_init(&l, r->app->cfg);
	int rc = timeline_list(&cx, &q, render_list_event, &l, &pg, &why);
	if (rc == PP_EINVAL)
		api_fail(r, rc, why);
	return render_list_reply(r, rc, &l, "events",
	                         rc ? NULL : render_timeline_meta(&pg.paging, pg.total, pg.anchor),
	                         "events");
}

int api_events_list(struct req *r)
{
	return list_events(r, r->user.id, NULL);
}

int api_app_events_list(struct req *r)
{
	return list_events(r, NULL, r->target->id);
}

int api_event_types(struct req *r)
{
	reply_json(r, 200, json_pack("{s:o}", "event_types", render_event_types()));
	return 0;
}
