/*
 * api_tokens.c - API tokens: create (shown once), list, show, renew, revoke,
 * and the exchange of a token for a one-hour bearer JWT (use cases in
 * core/tokens.h).
 */
#include "api/api.h"
#include "api/auth.h"
#include "api/render.h"
#include "core/tokens.h"
#include "util/err.h"
#include "util/jx.h"

#include <sodium.h>
#include <string.h>

int api_tokens_create(struct req *r)
{
	const char *name = NULL, *name_error = NULL;
	struct token_rec t;
	char secret[TOKENS_SECRET_MAX];
	json_t *in = r->json ? jx_unwrap(r->json, "token") : NULL;
	if (in && jx_opt_str(in, "name", &name))
		return api_fail(r, PP_EINVAL, "name must be a string");
	struct core_ctx cx = api_ctx(r);
	int rc = tokens_create(&cx, r->user.id, name, &t, secret, &name_error);
	if (rc == PP_EINVAL && name_error)
		return api_invalid1(r, "name", name_error);
	if (rc)
		return api_rc(r, rc, "token");
	reply_json(r, 201, json_pack("{s:o}", "token", render_token(&t, secret)));
	sodium_memzero(secret, sizeof secret);
	return 0;
}

int api_tokens_list(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	struct render_list l;
	render_list_init(&l, r->app->cfg);
	int rc = tokens_list(&cx, r->user.id, render_list_token, &l);
	return render_list_reply(r, rc, &l, "tokens", NULL, "token");
}

int api_tokens_show(struct req *r)
{
	struct token_rec t;
	struct core_ctx cx = api_ctx(r);
	int rc = tokens_get(&cx, r->user.id, req_param(r, "id"), &t);
	if (rc)
		return api_rc(r, rc, "token");
	reply_json(r, 200, json_pack("{s:o}", "token", render_token(&t, NULL)));
	return 0;
}

int api_tokens_renew(struct req *r)
{
	struct token_rec t;
	char secret[TOKENS_SECRET_MAX];
	struct core_ctx cx = api_ctx(r);
	int rc = tokens_renew(&cx, r->user.id, req_param(r, "id"), &t, secret);
	if (rc)
		return api_rc(r, rc, "token");
	reply_json(r, 200, json_pack("{s:o}", "token", render_token(&t, secret)));
	sodium_memzero(secret, sizeof secret);
	return 0;
}

int api_tokens_delete(struct req *r)
{
	struct core_ctx cx = api_ctx(r);
	int rc = tokens_delete(&cx, r->user.id, req_param(r, "id"));
	if (rc)
		return api_rc(r, rc, "token");
	reply_empty(r, 204);
	return 0;
}

/* Basic auth with the token as password (any short user name, usually empty). */
int api_tokens_exchange(struct req *r)
{
	const char *h = req_header(r, "Authorization");
	char user[8], secret[256], jwt[JWT_MAX_LEN];
	if (!h || auth_parse_basic(h, user, sizeof user, secret, sizeof secret) != 0 ||
	    strncmp(secret, TOKENS_PREFIX, strlen(TOKENS_PREFIX)) != 0) {
		sodium_memzero(secret, sizeof secret);
		return api_fail(r, PP_EAUTH,
		                "Basic authentication with an API token as password required");
	}
	struct core_ctx cx = api_ctx(r);
	int rc = tokens_exchange(&cx, secret, jwt);
	sodium_memzero(secret, sizeof secret);
	if (rc)
		return api_rc(r, rc, "token");
	reply_json(r, 200, json_pack("{s:s}", "token", jwt));
	return 0;
}
