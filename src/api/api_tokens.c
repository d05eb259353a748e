/*
 * api_tokens.c - API tokens: create (shown once), list, show, renew, revoke,
 * and the exchange of a token for a one-hour HS256 bearer JWT.
 */
#include "api/api.h"
#include "api/auth.h"
#include "api/render.h"
#include "core/events.h"
#include "core/valid.h"
#include "crypto/jwt.h"
#include "crypto/rand.h"
#include "util/err.h"
#include "util/jx.h"
#include "util/timeutil.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

void api_tokens_create(struct req *r)
{
	const char *name = NULL, *m;
	struct token_rec t;
	char secret[96], hash[RAND_SHA256_HEX_LEN];
	int rc;
	json_t *in = r->json ? jx_unwrap(r->json, "token") : NULL;
	if (in && jx_opt_str(in, "name", &name)) {
		reply_error(r, 400, "name must be a string");
		return;
	}
	if (!name || !*name) {
		reply_invalid1(r, "name", "can't be blank");
		return;
	}
	if ((m = valid_text(name, TOKEN_NAME_MAX, 0))) {
		reply_invalid1(r, "name", m);
		return;
	}
	memset(&t, 0, sizeof t);
	rand_id("tk", t.id);
	snprintf(t.user_id, sizeof t.user_id, "%s", r->user.id);
	snprintf(t.name, sizeof t.name, "%s", name);
	t.version = 1;
	t.created_at = t.issued_at = time_now_ms();
	auth_new_token_secret(secret, hash);
	struct store_conn *db = req_db(r);
	if ((rc = store_begin(db)) == 0) {
		rc = store_token_insert(db, &t, hash);
		if (rc == 0)
			rc = events_add(db, "new_token", r->user.id, NULL, NULL,
			                events_data_token(t.name, t.id));
		if (rc == 0)
			rc = store_commit(db);
	}
	if (rc) {
		reply_rc(r, rc, "token");
		goto out;
	}
	reply_json(r, 201, json_pack("{s:o}", "token", render_token(&t, secret)));
out:
	sodium_memzero(secret, sizeof secret);
}

static void add_token(const struct token_rec *t, void *arg)
{
	json_array_append_new(arg, render_token(t, NULL));
}

void api_tokens_list(struct req *r)
{
	json_t *arr = json_array();
	int rc = store_token_list(req_db(r), r->user.id, add_token, arr);
	if (rc) {
		json_decref(arr);
		reply_rc(r, rc, "token");
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "tokens", arr));
}

void api_tokens_show(struct req *r)
{
	struct token_rec t;
	int rc = store_token_get(req_db(r), r->user.id, req_param(r, "id"), &t);
	if (rc) {
		reply_rc(r, rc, "token");
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "token", render_token(&t, NULL)));
}

void api_tokens_renew(struct req *r)
{
	struct token_rec t;
	char secret[96], hash[RAND_SHA256_HEX_LEN];
	struct store_conn *db = req_db(r);
	int rc = store_begin(db);
	if (rc == 0)
		rc = store_token_get(db, r->user.id, req_param(r, "id"), &t);
	auth_new_token_secret(secret, hash);
	if (rc == 0)
		rc = store_token_renew(db, r->user.id, t.id, hash, time_now_ms());
	if (rc == 0)
		rc = events_add(db, "regenerate_token", r->user.id, NULL, NULL,
		                events_data_token(t.name, t.id));
	if (rc == 0)
		rc = store_commit(db);
	if (rc == 0)
		rc = store_token_get(db, r->user.id, t.id, &t);
	if (rc)
		reply_rc(r, rc, "token");
	else
		reply_json(r, 200, json_pack("{s:o}", "token", render_token(&t, secret)));
	sodium_memzero(secret, sizeof secret);
}

void api_tokens_delete(struct req *r)
{
	struct token_rec t;
	struct store_conn *db = req_db(r);
	int rc = store_begin(db);
	if (rc == 0)
		rc = store_token_get(db, r->user.id, req_param(r, "id"), &t);
	if (rc == 0)
		rc = store_token_delete(db, r->user.id, t.id);
	if (rc == 0)
		rc = events_add(db, "delete_token", r->user.id, NULL, NULL,
		                events_data_token(t.name, t.id));
	if (rc == 0)
		rc = store_commit(db);
	if (rc)
		reply_rc(r, rc, "token");
	else
		reply_empty(r, 204);
}

void api_tokens_exchange(struct req *r)
{
	const char *h = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	char user[8], secret[256], hash[RAND_SHA256_HEX_LEN];
	struct token_rec t;
	struct user_rec u;
	struct jwt_claims c;
	char jwt[JWT_MAX_LEN];
	int rc;
	if (!h || auth_parse_basic(h, user, sizeof user, secret, sizeof secret) != 0 ||
	    strncmp(secret, AUTH_TOKEN_PREFIX, strlen(AUTH_TOKEN_PREFIX)) != 0) {
		reply_error(r, 401, "Basic authentication with an API token as password required");
		return;
	}
	rand_sha256_hex(secret, strlen(secret), hash);
	sodium_memzero(secret, sizeof secret);
	rc = store_token_by_hash(req_db(r), hash, &t);
	if (rc == 0)
		rc = store_user_get(req_db(r), t.user_id, &u);
	if (rc == PP_ENOTFOUND) {
		reply_error(r, 401, "invalid credentials");
		return;
	}
	if (rc) {
		reply_rc(r, rc, "token");
		return;
	}
	int64_t now = time_now_ms();
	memset(&c, 0, sizeof c);
	snprintf(c.sub, sizeof c.sub, "%s", u.id);
	snprintf(c.tid, sizeof c.tid, "%s", t.id);
	c.tv = t.version;
	c.ae = u.auth_epoch;
	c.iat = now / 1000;
	c.exp = c.iat + JWT_TTL_S;
	if ((rc = jwt_sign(r->app->jwt_key, &c, jwt)) != 0) {
		reply_internal(r, "jwt_sign", rc);
		return;
	}
	if (now - t.last_used_at >= AUTH_TOUCH_MS)
		store_token_touch(req_db(r), t.id, now);
	reply_json(r, 200, json_pack("{s:s}", "token", jwt));
}
