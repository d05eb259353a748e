/*
 * api_collab.c - collaborators: invite by mailed link, accept, list (owner
 * first), change the role, remove (the owner, or a collaborator leaving).
 * Each handler maps the request to a use case of core/collab.c; the route
 * gate has loaded the :app into r->target and checked the declared action.
 */
#include "api/api_apps.h"
#include "api/api.h"
#include "api/render.h"
#include "core/collab.h"
#include "core/tfa.h"
#include "util/err.h"
#include "util/jx.h"

int api_collab_list(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct render_list l;
	render_list_init(&l, r->app->cfg);
	/* the owner first */
	struct tfa_state st;
	int rc = tfa_state(&cx, r->target->owner_id, &st);
	json_t *owner = render_collab_owner(r->target);
	json_object_set_new(owner, "tfa_status", json_boolean(rc == 0 && st.enabled));
	json_array_append_new(l.items, owner);
	if (rc == 0)
		rc = collab_list_tfa(&cx, r->target, render_list_collab_tfa, &l);
	return render_list_reply(r, rc, &l, "collaborators", NULL, "collaborator");
}

int api_collab_invite(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct apps_err e = {0};
	struct collab_rec k;
	const char *email = NULL;
	int limited = 0;
	json_t *in = jx_unwrap(r->json, "collaborator");
	if (jx_opt_str(in, "email", &email) || jx_opt_bool(in, "is_limited", &limited))
		return api_fail(r, PP_EINVAL, "email must be a string and is_limited a boolean");
	int rc = collab_invite(&cx, &r->user, r->target, email, limited == 1, &k, &e,
	                       &r->fail.retry_ms);
	if (rc)
		return api_apps_fail(r, rc, &e, "collaborator");
	reply_json(r, 201, json_pack("{s:o}", "collaborator", render_collab(&k)));
	return 0;
}

int api_collab_accept(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct apps_err e = {0};
	struct app_rec a;
	int rc = collab_accept(&cx, &r->user, req_query(r, "token"), &a, &e);
	if (rc)
		return api_apps_fail(r, rc, &e, "invitation");
	reply_json(r, 200, json_pack("{s:o}", "app", render_app(&a, r->app->cfg)));
	return 0;
}

int api_collab_update(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct collab_rec k;
	int limited;
	json_t *in = jx_unwrap(r->json, "collaborator");
	if (jx_opt_bool(in, "is_limited", &limited) || limited < 0)
		return api_fail(r, PP_EINVAL, "is_limited must be a boolean");
	int rc = collab_set_limited(&cx, r->user.id, r->target, req_param(r, "id"), limited, &k);
	if (rc)
		return api_rc(r, rc, "collaborator");
	reply_json(r, 200, json_pack("{s:o}", "collaborator", render_collab(&k)));
	return 0;
}

int api_collab_delete(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct apps_err e = {0};
	int rc = collab_remove(&cx, r->user.id, r->target, req_param(r, "id"), &e);
	if (rc)
		return api_apps_fail(r, rc, &e, "collaborator");
	reply_empty(r, 204);
	return 0;
}
