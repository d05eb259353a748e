/*
 * api_apps.c - apps (create, list, show, delete), containers (formation,
 * scale, restart) and the container sizes catalogue. Roles (API.md): the
 * owner does everything; a collaborator all but deleting and managing
 * collaborators; a limited collaborator reads and restarts. Apps the caller
 * has no role on answer 404, never 403, so names do not leak.
 */
#include "api/api.h"
#include "api/render.h"
#include "core/apps.h"
#include "core/events.h"
#include "crypto/rand.h"
#include "store/store_apps.h"
#include "util/err.h"
#include "util/jx.h"
#include "util/log.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>

int api_app_load(struct req *r, struct app_rec *a)
{
	int rc = store_app_for_user(req_db(r), req_param(r, "app"), r->user.id, a);
	if (rc)
		reply_rc(r, rc, "app");
	return rc;
}

void api_forbidden(struct req *r, const char *msg)
{
	reply_json(r, 403, json_pack("{s:s, s:s}", "error", msg, "code", "forbidden"));
}

static void reply_app(struct req *r, int status, const struct app_rec *a)
{
	reply_json(r, status, json_pack("{s:o}", "app", render_app(a, r->app->cfg)));
}

int api_apps_create(struct req *r)
{
	json_t *in = jx_unwrap(r->json, "app");
	const char *name = NULL, *m;
	struct app_rec a;
	struct formation_rec f;
	int rc, repo_made = 0;
	if (jx_opt_str(in, "name", &name)) {
		reply_error(r, 400, "name must be a string");
		return 0;
	}
	if (!name || !*name) {
		reply_invalid1(r, "name", "can't be blank");
		return 0;
	}
	if ((m = apps_valid_name(name))) {
		reply_invalid1(r, "name", m);
		return 0;
	}
	memset(&a, 0, sizeof a);
	rand_id("ap", a.id);
	snprintf(a.name, sizeof a.name, "%s", name);
	snprintf(a.owner_id, sizeof a.owner_id, "%s", r->user.id);
	snprintf(a.status, sizeof a.status, "new");
	a.created_at = a.updated_at = api_now(r);
	memset(&f, 0, sizeof f);
	snprintf(f.type, sizeof f.type, APPS_DEFAULT_TYPE);
	snprintf(f.size, sizeof f.size, APPS_DEFAULT_SIZE);
	f.amount = 1;
	struct store_conn *db = req_db(r);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0)
		goto fail;
	if (store_app_name_taken(db, name) == 1) {
		store_tx_rollback(db);
		reply_invalid1(r, "name", "is already taken");
		return 0;
	}
	if ((rc = store_app_insert(db, &a)) ||
	    (rc = store_formation_set(db, a.id, a.owner_id, &f, a.created_at)) ||
	    (rc = events_add(db, api_now(r), "new_app", r->user.id, a.id, a.name, NULL)))
		goto fail;
	if ((rc = apps_repo_create(r->app->cfg->repo_root, a.id)) != 0)
		goto fail;
	repo_made = 1;
	if ((rc = store_tx_commit(db)) != 0)
		goto fail;
	store_app_for_user(db, a.id, r->user.id, &a);
	reply_app(r, 201, &a);
	return 0;
fail:
	store_tx_rollback(db);
	if (repo_made)
		apps_repo_remove(r->app->cfg->repo_root, a.id);
	if (rc == PP_ECONFLICT)
		reply_invalid1(r, "name", "is already taken");
	else
		reply_rc(r, rc, "app");
	return 0;
}

struct list_ctx {
	json_t *arr;
	const struct config *cfg;
};

static void add_app_json(const struct app_rec *a, void *arg)
{
	struct list_ctx *ctx = arg;
	json_array_append_new(ctx->arr, render_app(a, ctx->cfg));
}

int api_apps_list(struct req *r)
{
	struct list_ctx ctx = {json_array(), r->app->cfg};
	int rc = store_app_list_for_user(req_db(r), r->user.id, add_app_json, &ctx);
	if (rc) {
		json_decref(ctx.arr);
		reply_rc(r, rc, "app");
		return 0;
	}
	reply_json(r, 200, json_pack("{s:o}", "apps", ctx.arr));
	return 0;
}

int api_apps_show(struct req *r)
{
	struct app_rec a;
	if (api_app_load(r, &a) == 0)
		reply_app(r, 200, &a);
	return 0;
}

int api_apps_delete(struct req *r)
{
	struct app_rec a;
	struct formation_rec f[FORMATION_TYPES_MAX];
	int n, rc;
	if (api_app_load(r, &a))
		return 0;
	if (a.role != ROLE_OWNER) {
		api_forbidden(r, "only the owner can delete the app");
		return 0;
	}
	const char *cur = req_query(r, "current_name");
	if (!cur || strcmp(cur, a.name) != 0) {
		reply_invalid1(r, "current_name", "must be given and match the app name");
		return 0;
	}
	struct store_conn *db = req_db(r);
	int64_t now = api_now(r);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0)
		goto fail;
	/* the formation drops to zero: billing stops counting at this second */
	if ((rc = store_formation_get(db, a.id, f, FORMATION_TYPES_MAX, &n)) != 0)
		goto fail;
	for (int i = 0; i < n; i++) {
		if (f[i].amount == 0)
			continue;
		f[i].amount = 0;
		if ((rc = store_formation_set(db, a.id, a.owner_id, &f[i], now)) != 0)
			goto fail;
	}
	if ((rc = store_collab_delete_app(db, a.id)) || (rc = store_app_delete(db, a.id, now)) ||
	    (rc = events_add(db, api_now(r), "delete_app", r->user.id, a.id, a.name, NULL)) ||
	    (rc = store_tx_commit(db)))
		goto fail;
	if (apps_repo_remove(r->app->cfg->repo_root, a.id) != 0)
		log_error("app %s deleted but its repository could not be removed", a.id);
	reply_empty(r, 204);
	return 0;
fail:
	store_tx_rollback(db);
	reply_rc(r, rc, "app");
	return 0;
}

int api_apps_containers(struct req *r)
{
	struct app_rec a;
	struct formation_rec f[FORMATION_TYPES_MAX];
	int n;
	if (api_app_load(r, &a))
		return 0;
	int rc = store_formation_get(req_db(r), a.id, f, FORMATION_TYPES_MAX, &n);
	if (rc) {
		reply_rc(r, rc, "app");
		return 0;
	}
	reply_json(r, 200, json_pack("{s:o}", "containers", render_formation(f, n)));
	return 0;
}

int api_apps_scale(struct req *r)
{
	struct app_rec a;
	struct formation_rec cur[FORMATION_TYPES_MAX], next[FORMATION_TYPES_MAX];
	int ncur, nnext, changed, up, bad, rc;
	json_t *errors = json_object();
	if (api_app_load(r, &a))
		goto out;
	if (a.role == ROLE_LIMITED) {
		api_forbidden(r, "a limited collaborator cannot scale the app");
		goto out;
	}
	struct store_conn *db = req_db(r);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0 ||
	    (rc = store_formation_get(db, a.id, cur, FORMATION_TYPES_MAX, &ncur)) != 0) {
		store_tx_rollback(db);
		reply_rc(r, rc, "app");
		goto out;
	}
	if (apps_apply_scale(r->json, cur, ncur, next, &nnext, &changed, &up, errors, &bad) != 0) {
		store_tx_rollback(db);
		if (bad)
			reply_error(r, 400,
			            "containers must be an array of {\"name\": string, "
			            "\"amount\": integer, \"size\": string}");
		else {
			reply_invalid(r, errors);
			errors = NULL;
		}
		goto out;
	}
	if (up && a.owner_suspended_at) {
		char url[CONFIG_STR_MAX + 32];
		store_tx_rollback(db);
		snprintf(url, sizeof url, "%s/#/billing", r->app->cfg->public_url);
		reply_json(r, 402,
		           json_pack("{s:s, s:s}", "error",
		                     "the owner's account is suspended: pay the open invoice "
		                     "to scale up",
		                     "url", url));
		goto out;
	}
	int64_t now = api_now(r);
	for (int i = 0; i < nnext && changed; i++) {
		int same = 0;
		for (int k = 0; k < ncur; k++)
			if (!strcmp(cur[k].type, next[i].type))
				same = cur[k].amount == next[i].amount &&
				       !strcmp(cur[k].size, next[i].size);
		if (!same && (rc = store_formation_set(db, a.id, a.owner_id, &next[i], now)) != 0)
			break;
	}
	if (rc == 0 && changed)
		rc = events_add(db, api_now(r), "scale", r->user.id, a.id, a.name,
		                events_data_scale(cur, ncur, next, nnext));
	if (rc == 0 && changed)
		rc = store_app_touch(db, a.id, a.status, now);
	if (rc == 0)
		rc = store_tx_commit(db);
	if (rc) {
		store_tx_rollback(db);
		reply_rc(r, rc, "app");
		goto out;
	}
	reply_json(r, 202, json_pack("{s:o}", "containers", render_formation(next, nnext)));
out:
	json_decref(errors);
	return 0;
}

int api_apps_restart(struct req *r)
{
	struct app_rec a;
	struct formation_rec f[FORMATION_TYPES_MAX];
	int n, rc;
	json_t *scope = r->json ? json_object_get(r->json, "scope") : NULL;
	if (api_app_load(r, &a))
		return 0;
	if (scope && !json_is_null(scope) && !json_is_array(scope)) {
		reply_error(r, 400, "scope must be an array of container type names");
		return 0;
	}
	if ((rc = store_formation_get(req_db(r), a.id, f, FORMATION_TYPES_MAX, &n)) != 0) {
		reply_rc(r, rc, "app");
		return 0;
	}
	size_t i;
	json_t *v;
	json_array_foreach (scope, i, v) {
		int found = 0;
		if (!json_is_string(v)) {
			reply_error(r, 400, "scope must be an array of container type names");
			return 0;
		}
		for (int k = 0; k < n; k++)
			found |= strcmp(f[k].type, json_string_value(v)) == 0;
		if (!found) {
			reply_invalid1(r, "scope", "names a container type the app does not have");
			return 0;
		}
	}
	if ((rc = events_add(req_db(r), api_now(r), "restart", r->user.id, a.id, a.name,
	                     events_data_restart(scope))) != 0) {
		reply_rc(r, rc, "app");
		return 0;
	}
	reply_empty(r, 202);
	return 0;
}

int api_container_sizes(struct req *r)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < apps_sizes_count; i++) {
		const struct container_size *s = &apps_sizes[i];
		json_array_append_new(
		        arr, json_pack("{s:s, s:s, s:s, s:i, s:I, s:i, s:i}", "id", s->name, "name",
		                       s->name, "human_name", s->human_name, "ordinal", s->ordinal,
		                       "memory", (json_int_t)s->memory, "hourly_price",
		                       s->hourly_cents, "thirtydays_price", s->hourly_cents * 720));
	}
	reply_json(r, 200, json_pack("{s:o}", "container_sizes", arr));
	return 0;
}
