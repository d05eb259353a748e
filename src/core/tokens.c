/* tokens.c - API tokens and their exchange for a bearer JWT (see tokens.h). */
#include "core/tokens.h"
#include "core/credentials.h"
#include "core/events.h"
#include "core/valid.h"
#include "crypto/rand.h"
#include "store/store_acct.h"
#include "util/clock.h"
#include "util/err.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* A new token value and its SHA-256 hex (what the store keeps). */
static void new_secret(char secret[TOKENS_SECRET_MAX], char hash[RAND_SHA256_HEX_LEN])
{
	char b64[RAND_SECRET_MAX];
	rand_secret_b64(TOKENS_BYTES, b64);
	snprintf(secret, TOKENS_SECRET_MAX, "%s%s", TOKENS_PREFIX, b64);
	rand_sha256_hex(secret, strlen(secret), hash);
	sodium_memzero(b64, sizeof b64);
}

static int token_event(const struct core_ctx *cx, const char *type, const struct token_rec *t)
{
	return events_add(cx->db, cx->now, type, t->user_id, NULL, NULL,
	                  events_data_token(t->name, t->id));
}

int tokens_create(const struct core_ctx *cx, const char *user_id, const char *name,
                  struct token_rec *t, char secret[TOKENS_SECRET_MAX], const char **name_error)
{
	char hash[RAND_SHA256_HEX_LEN];
	int rc;
	secret[0] = 0;
	*name_error = NULL;
	if (!name || !*name)
		*name_error = "can't be blank";
	else
		*name_error = valid_text(name, TOKEN_NAME_MAX, 0);
	if (*name_error)
		return PP_EINVAL;
	memset(t, 0, sizeof *t);
	rand_id("tk", t->id);
	snprintf(t->user_id, sizeof t->user_id, "%s", user_id);
	snprintf(t->name, sizeof t->name, "%s", name);
	t->version = 1;
	t->created_at = t->issued_at = cx->now;
	new_secret(secret, hash);
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		goto out;
	if ((rc = store_token_insert(cx->db, t, hash)) != 0 ||
	    (rc = token_event(cx, "new_token", t)) != 0)
		goto out;
	rc = store_tx_commit(cx->db);
out:
	if (rc) {
		store_tx_rollback(cx->db);
		sodium_memzero(secret, TOKENS_SECRET_MAX);
	}
	return rc;
}

int tokens_list(const struct core_ctx *cx, const char *user_id,
                void (*cb)(const struct token_rec *, void *), void *arg)
{
	return store_token_list(cx->db, user_id, cb, arg);
}

int tokens_get(const struct core_ctx *cx, const char *user_id, const char *id, struct token_rec *t)
{
	return store_token_get(cx->db, user_id, id, t);
}

int tokens_renew(const struct core_ctx *cx, const char *user_id, const char *id,
                 struct token_rec *t, char secret[TOKENS_SECRET_MAX])
{
	char hash[RAND_SHA256_HEX_LEN];
	int rc;
	secret[0] = 0;
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		goto out;
	if ((rc = store_token_get(cx->db, user_id, id, t)) != 0)
		goto out;
	new_secret(secret, hash);
	/* issued_at is read once the write lock is held, so that the renewal committed last
	 * is also the one issued last (cx->now was read before waiting for the lock) */
	if ((rc = store_token_renew(cx->db, user_id, t->id, hash, clock_now_ms(&cx->app->clock))) !=
	            0 ||
	    (rc = token_event(cx, "regenerate_token", t)) != 0 ||
	    (rc = store_tx_commit(cx->db)) != 0)
		goto out;
	rc = store_token_get(cx->db, user_id, t->id, t); /* the new version and dates */
out:
	if (rc) {
		store_tx_rollback(cx->db);
		sodium_memzero(secret, TOKENS_SECRET_MAX);
	}
	return rc;
}

int tokens_delete(const struct core_ctx *cx, const char *user_id, const char *id)
{
	struct token_rec t;
	int rc;
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		goto out;
	if ((rc = store_token_get(cx->db, user_id, id, &t)) != 0 ||
	    (rc = store_token_delete(cx->db, user_id, t.id)) != 0 ||
	    (rc = token_event(cx, "delete_token", &t)) != 0)
		goto out;
	rc = store_tx_commit(cx->db);
out:
	if (rc)
		store_tx_rollback(cx->db);
	return rc;
}

int tokens_exchange(const struct core_ctx *cx, const char *secret, char jwt[JWT_MAX_LEN])
{
	char hash[RAND_SHA256_HEX_LEN];
	struct token_rec t;
	struct user_rec u;
	struct jwt_claims c;
	int rc;
	jwt[0] = 0;
	rand_sha256_hex(secret, strlen(secret), hash);
	if ((rc = store_token_by_hash(cx->db, hash, &t)) != 0 ||
	    (rc = store_user_get(cx->db, t.user_id, &u)) != 0)
		return rc == PP_ENOTFOUND ? PP_EAUTH : rc;
	memset(&c, 0, sizeof c);
	snprintf(c.sub, sizeof c.sub, "%s", u.id);
	snprintf(c.tid, sizeof c.tid, "%s", t.id);
	c.tv = t.version;
	c.ae = u.auth_epoch;
	c.iat = cx->now / 1000;
	c.exp = c.iat + JWT_TTL_S;
	if (jwt_sign(cx->app->jwt_key, &c, jwt) != 0)
		return PP_EIO; /* our claims always fit: an internal error */
	cred_token_touch(cx, &t);
	return 0;
}
