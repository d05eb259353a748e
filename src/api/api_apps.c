/*
 * api_apps.c - apps (create, list, show, delete), containers (formation,
 * scale, restart) and the container sizes catalogue: each handler maps the
 * request to a use case of core/apps.c and its result to an answer. Who may
 * do what (API.md roles) is the route's declared action, checked by the
 * authorization gate, which also loads the :app into r->target; apps the
 * caller has no role on answer 404, never 403, so names do not leak.
 */
#include "api/api_apps.h"
#include "api/api.h"
#include "api/render.h"
#include "core/apps.h"
#include "util/err.h"
#include "util/jx.h"

#include <stdio.h>

int api_apps_fail(struct req *r, int rc, const struct apps_err *e, const char *resource)
{
	if (rc == PP_EINVAL && e->field)
		return api_invalid1(r, e->field, e->msg);
	if (e->code)
		r->fail.code = e->code; /* static text */
	if (e->msg == e->text) {
		/* made for this call: copied, e does not outlive the handler */
		snprintf(r->fail.text, sizeof r->fail.text, "%s", e->text);
		return api_fail(r, rc, r->fail.text);
	}
	if (e->msg)
		return api_fail(r, rc, e->msg);
	return api_rc(r, rc, resource);
}

static int reply_app(struct req *r, int status, const struct app_rec *a)
{
	reply_json(r, status, json_pack("{s:o}", "app", render_app(a, r->app->cfg)));
	return 0;
}

int api_apps_create(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct apps_err e = {0};
	struct app_rec a;
	const char *name = NULL;
	if (jx_opt_str(jx_unwrap(r->json, "app"), "name", &name))
		return api_fail(r, PP_EINVAL, "name must be a string");
	int rc = apps_create(&cx, r->user.id, name, &a, &e);
	return rc ? api_apps_fail(r, rc, &e, "app") : reply_app(r, 201, &a);
}

int api_apps_list(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct render_list l;
	render_list_init(&l, r->app->cfg);
	int rc = apps_list(&cx, r->user.id, render_list_app, &l);
	return render_list_reply(r, rc, &l, "apps", NULL, "app");
}

int api_apps_show(struct req *r)
{
	return reply_app(r, 200, r->target);
}

int api_apps_delete(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct apps_err e = {0};
	int rc = apps_delete(&cx, r->user.id, r->target, req_query(r, "current_name"), &e);
	if (rc)
		return api_apps_fail(r, rc, &e, "app");
	reply_empty(r, 204);
	return 0;
}

int api_apps_containers(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct formation_rec f[FORMATION_TYPES_MAX];
	int n, rc = apps_containers(&cx, r->target, f, &n);
	if (rc)
		return api_rc(r, rc, "app");
	reply_json(r, 200, json_pack("{s:o}", "containers", render_formation(f, n)));
	return 0;
}

int api_apps_scale(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct apps_err e = {0};
	struct formation_rec next[FORMATION_TYPES_MAX];
	int n, rc;
	json_t *errors = json_object();
	rc = apps_scale(&cx, r->user.id, r->target, r->json, next, &n, errors, &e);
	if (rc == PP_EINVAL && !e.msg && json_object_size(errors))
		return api_invalid(r, errors);
	json_decref(errors);
	if (rc == PP_EPAYMENT) {
		char url[CONFIG_STR_MAX + 32];
		snprintf(url, sizeof url, "%s/#/billing", r->app->cfg->public_url);
		return api_fail_extra(r, rc, e.msg, json_pack("{s:s}", "url", url));
	}
	if (rc)
		return api_apps_fail(r, rc, &e, "app");
	reply_json(r, 202, json_pack("{s:o}", "containers", render_formation(next, n)));
	return 0;
}

int api_apps_restart(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct apps_err e = {0};
	json_t *scope = r->json ? json_object_get(r->json, "scope") : NULL;
	int rc = apps_restart(&cx, r->user.id, r->target, scope, &e);
	if (rc)
		return api_apps_fail(r, rc, &e, "app");
	reply_empty(r, 202);
	return 0;
}

int api_container_sizes(struct req *r)
{
	reply_json(r, 200, json_pack("{s:o}", "container_sizes", render_container_sizes()));
	return 0;
}
