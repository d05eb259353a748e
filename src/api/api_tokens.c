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

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int api_tokens_create(struct req *r)
{
	const char *name = NULL, *m;
	struct token_rec t;
	char secret[96], hash[RAND_SHA256_HEX_LEN];
	int rc;
	json_t *in = r->json ? jx_unwrap(r->json, "token") : NULL;
	if (in && jx_opt_str(in, "name", &name)) {
		reply_error(r, 400, "name must be a string");
		return 0;
	}
	if (!name || !*name) {
		reply_invalid1(r, "name", "can't be blank");
		return 0;
	}
	if ((m = valid_text(name, TOKEN_NAME_MAX, 0))) {
		reply_invalid1(r, "name", m);
		return 0;
	}
	memset(&t, 0, sizeof t);
	rand_id("tk", t.id);
	snprintf(t.user_id, sizeof t.user_id, "%s", r->user.id);
	snprintf(t.name, sizeof t.name, "%s", name);
	t.version = 1;
	t.created_at = t.issued_at = api_now(r);
	auth_new_token_secret(secret, hash);
	struct store_conn *db = req_db(r);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) == 0) {
		rc = store_token_insert(db, &t, hash);
		if (rc == 0)
			rc = events_add(db, api_now(r), "new_token", r->user.id, NULL, NULL,
			                events_data_token(t.name, t.id));
		if (rc == 0)
			rc = store_tx_commit(db);
	}
	if (rc) {
		reply_rc(r, rc, "token");
		goto out;
	}
	reply_json(r, 201, json_pack("{s:o}", "token", render_token(&t, secret)));
out:
	sodium_memzero(secret, sizeof secret);
	return 0;
}

static void add_token(const struct token_rec *t, void *arg)
{
	json_array_append_new(arg, render_token(t, NULL));
}

int api_tokens_list(struct req *r)
{
	json_t *arr = json_array();
	int rc = store_token_list(req_db(r), r->user.id, add_token, arr);
	if (rc) {
		json_decref(arr);
		reply_rc(r, rc, "token");
		return 0;
	}
	reply_json(r, 200, json_pack("{s:o}", "tokens", arr));
	return 0;
}

int api_tokens_show(struct req *r)
{
	struct token_rec t;
	int rc = store_token_get(req_db(r), r->user.id, req_param(r, "id"), &t);
	if (rc) {
		reply_rc(r, rc, "token");
		return 0;
	}
	reply_json(r, 200, json_pack("{s:o}", "token", render_token(&t, NULL)));
	return 0;
}

int api_tokens_renew(struct req *r)
{
	struct token_rec t;
	char secret[96], hash[RAND_SHA256_HEX_LEN];
	struct store_conn *db = req_db(r);
	int rc = store_tx_begin(db, STORE_TX_WRITE);
	if (rc == 0)
		rc = store_token_get(db, r->user.id, req_param(r, "id"), &t);
	auth_new_token_secret(secret, hash);
	if (rc == 0)
		rc = store_token_renew(db, r->user.id, t.id, hash, api_now(r));
	if (rc == 0)
		rc = events_add(db, api_now(r), "regenerate_token", r->user.id, NULL, NULL,
		                events_data_token(t.name, t.id));
	if (rc == 0)
		rc = store_tx_commit(db);
	if (rc == 0)
		rc = store_token_get(db, r->user.id, t.id, &t);
	if (rc)
		reply_rc(r, rc, "token");
	else
		reply_json(r, 200, json_pack("{s:o}", "token", render_token(&t, secret)));
	sodium_memzero(secret, sizeof secret);
	return 0;
}

int api_tokens_delete(struct req *r)
{
	struct token_rec t;
	struct store_conn *db = req_db(r);
	int rc = store_tx_begin(db, STORE_TX_WRITE);
	if (rc == 0)
		rc = store_token_get(db, r->user.id, req_param(r, "id"), &t);
	if (rc == 0)
		rc = store_token_delete(db, r->user.id, t.id);
	if (rc == 0)
		rc = events_add(db, api_now(r), "delete_token", r->user.id, NULL, NULL,
		                events_data_token(t.name, t.id));
	if (rc == 0)
		rc = store_tx_commit(db);
	if (rc)
		reply_rc(r, rc, "token");
	else
		reply_empty(r, 204);
	return 0;
}

int api_tokens_exchange(struct req *r)
{
	const char *h = req_header(r, "Authorization");
	char user[8], secret[256], hash[RAND_SHA256_HEX_LEN];
	struct token_rec t;
	struct user_rec u;
	struct jwt_claims c;
	char jwt[JWT_MAX_LEN];
	int rc;
	if (!h || auth_parse_basic(h, user, sizeof user, secret, sizeof secret) != 0 ||
	    strncmp(secret, AUTH_TOKEN_PREFIX, strlen(AUTH_TOKEN_PREFIX)) != 0) {
		reply_error(r, 401, "Basic authentication with an API token as password required");
		return 0;
	}
	rand_sha256_hex(secret, strlen(secret), hash);
	sodium_memzero(secret, sizeof secret);
	rc = store_token_by_hash(req_db(r), hash, &t);
	if (rc == 0)
		rc = store_user_get(req_db(r), t.user_id, &u);
	if (rc == PP_ENOTFOUND) {
		reply_error(r, 401, "invalid credentials");
		return 0;
	}
	if (rc) {
		reply_rc(r, rc, "token");
		return 0;
	}
	int64_t now = api_now(r);
	memset(&c, 0, sizeof c);
	snprintf(c.sub, sizeof c.sub, "%s", u.id);
	snprintf(c.tid, sizeof c.tid, "%s", t.id);
	c.tv = t.version;
	c.ae = u.auth_epoch;
	c.iat = now / 1000;
	c.exp = c.iat + JWT_TTL_S;
	if ((rc = jwt_sign(r->app->jwt_key, &c, jwt)) != 0) {
		reply_internal(r, "jwt_sign", rc);
		return 0;
	}
	if (now - t.last_used_at >= AUTH_TOUCH_MS)
		store_token_touch(req_db(r), t.id, now);
	reply_json(r, 200, json_pack("{s:s}", "token", jwt));
	return 0;
}
