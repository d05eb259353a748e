/*
 * api_keys.c - SSH keys of the caller's account: add, list, show, remove
 * (use cases in core/keys.h). Another account's key is a 404.
 */
#include "api/api.h"
#include "api/render.h"
#include "core/keys.h"
#include "util/err.h"
#include "util/jx.h"

#include <string.h>

int api_keys_create(struct req *r)
{
	const char *name = NULL, *content = NULL;
	struct key_rec k;
	struct keys_err e;
	json_t *in = jx_unwrap(r->json, "key");
	if (jx_opt_str(in, "name", &name))
		return api_fail(r, PP_EINVAL, "name must be a string");
	if (jx_opt_str(in, "content", &content))
		return api_fail(r, PP_EINVAL, "content must be a string");
	struct core_ctx cx = api_ctx(r);
	int rc = keys_create(&cx, r->user.id, name, content, content ? strlen(content) : 0, &k, &e);
	if (rc == PP_EINVAL && e.field)
		return api_invalid1(r, e.field, e.msg);
	if (rc)
		return api_rc(r, rc, "key");
	reply_json(r, 201, json_pack("{s:o}", "key", render_key(&k)));
	return 0;
}

int api_keys_list(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct render_list l;
	render_list_init(&l, r->app->cfg);
	int rc = keys_list(&cx, r->user.id, render_list_key, &l);
	return render_list_reply(r, rc, &l, "keys", NULL, "key");
}

int api_keys_show(struct req *r)
{
	struct key_rec k;
	struct core_ctx cx = api_ctx(r);
	int rc = keys_get(&cx, r->user.id, req_param(r, "id"), &k);
	if (rc)
		return api_rc(r, rc, "key");
	reply_json(r, 200, json_pack("{s:o}", "key", render_key(&k)));
	return 0;
}

int api_keys_delete(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	int rc = keys_delete(&cx, r->user.id, req_param(r, "id"));
	if (rc)
		return api_rc(r, rc, "key");
	reply_empty(r, 204);
	return 0;
}
