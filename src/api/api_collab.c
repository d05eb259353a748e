/*
 * api_collab.c - collaborators: invite by mailed link (7 days; the link works
 * for whichever account accepts it), accept, list (owner first), change the
 * role, remove (the owner, or a collaborator leaving).
 */
#include "api/api.h"
#include "api/render.h"
#include "core/apps.h"
#include "core/events.h"
#include "core/valid.h"
#include "crypto/rand.h"
#include "mail/mailer.h"
#include "store/store_apps.h"
#include "util/err.h"
#include "util/jx.h"
#include "util/timeutil.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static void add_collab(const struct collab_rec *k, void *arg)
{
	json_array_append_new(arg, render_collab(k));
}

int api_collab_list(struct req *r)
{
	struct app_rec a;
	if (api_app_load(r, &a))
		return 0;
	json_t *arr = json_array();
	/* the owner first */
	json_array_append_new(
	        arr,
	        json_pack("{s:s, s:o, s:s, s:s, s:s, s:b, s:s, s:s, s:o, s:n}", "id", a.owner_id,
	                  "email", a.owner_email[0] ? json_string(a.owner_email) : json_null(),
	                  "user_id", a.owner_id, "username", a.owner_username, "status", "owner",
	                  "is_limited", 0, "app_id", a.id, "app_name", a.name, "created_at",
	                  render_time(a.created_at), "expires_at"));
	int rc = store_collab_list(req_db(r), a.id, add_collab, arr);
	if (rc) {
		json_decref(arr);
		reply_rc(r, rc, "collaborator");
		return 0;
	}
	reply_json(r, 200, json_pack("{s:o}", "collaborators", arr));
	return 0;
}

int api_collab_invite(struct req *r)
{
	struct app_rec a;
	struct collab_rec k;
	const char *email = NULL, *m;
	int limited = 0, rc;
	char token[RAND_SECRET_MAX], hash[RAND_SHA256_HEX_LEN];
	json_t *in = jx_unwrap(r->json, "collaborator");
	if (api_app_load(r, &a))
		return 0;
	if (a.role != ROLE_OWNER) {
		api_forbidden(r, "only the owner manages collaborators");
		return 0;
	}
	if (jx_opt_str(in, "email", &email) || jx_opt_bool(in, "is_limited", &limited)) {
		reply_error(r, 400, "email must be a string and is_limited a boolean");
		return 0;
	}
	if (!email || (m = valid_email(email))) {
		reply_invalid1(r, "email", email ? m : "can't be blank");
		return 0;
	}
	if (strcasecmp(email, a.owner_email) == 0) {
		reply_invalid1(r, "email", "is the owner's: the owner is not a collaborator");
		return 0;
	}
	memset(&k, 0, sizeof k);
	rand_id("co", k.id);
	snprintf(k.app_id, sizeof k.app_id, "%s", a.id);
	snprintf(k.app_name, sizeof k.app_name, "%s", a.name);
	snprintf(k.email, sizeof k.email, "%s", email);
	snprintf(k.status, sizeof k.status, "pending");
	snprintf(k.inviter_id, sizeof k.inviter_id, "%s", r->user.id);
	k.is_limited = limited == 1;
	k.created_at = api_now(r);
	k.expires_at = k.created_at + APPS_INVITE_TTL_MS;
	rand_secret_b64(LINK_TOKEN_BYTES, token);
	rand_sha256_hex(token, strlen(token), hash);
	struct store_conn *db = req_db(r);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0)
		goto fail;
	/* an account with this email that already collaborates, or a pending invite */
	struct user_rec u;
	int exists = store_collab_exists(
	        db, a.id, store_user_by_login(db, email, &u) == 0 ? u.id : NULL, email);
	if (exists == 1) {
		store_tx_rollback(db);
		reply_invalid1(r, "email", "is already a collaborator or invited");
		return 0;
	}
	const char *about[] = {k.email};
	if ((rc = store_collab_insert(db, &k, hash)) ||
	    (rc = events_add_about(db, api_now(r), "new_collaborator", r->user.id, a.id, a.name,
	                           events_data_collab_invited(k.email, k.is_limited), about, 1)))
		goto fail;
	char intro[512];
	snprintf(intro, sizeof intro,
	         "%s invites you to collaborate on the app '%s'. Follow this link, logged in "
	         "with the account you want to use (valid 7 days):",
	         r->user.username, a.name);
	api_mail_link(r, k.email, "You are invited to collaborate on a paasport app", intro,
	              "/#/invitation/", token);
	if ((rc = store_tx_commit(db)) != 0)
		goto fail;
	mailer_wake(r->app->mailer);
	sodium_memzero(token, sizeof token);
	reply_json(r, 201, json_pack("{s:o}", "collaborator", render_collab(&k)));
	return 0;
fail:
	store_tx_rollback(db);
	reply_rc(r, rc, "collaborator");
	return 0;
}

int api_collab_accept(struct req *r)
{
	const char *token = req_query(r, "token");
	char hash[RAND_SHA256_HEX_LEN];
	struct collab_rec k;
	struct app_rec a;
	struct user_rec inviter;
	int rc;
	if (!token || !*token || strlen(token) > 128) {
		reply_error(r, 400, "the invitation token is required (?token=)");
		return 0;
	}
	rand_sha256_hex(token, strlen(token), hash);
	struct store_conn *db = req_db(r);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) != 0)
		goto fail;
	rc = store_collab_by_invitation(db, hash, &k);
	if (rc == PP_ENOTFOUND) {
		store_tx_rollback(db);
		reply_not_found(r, "invitation");
		return 0;
	}
	if (rc)
		goto fail;
	if (k.expires_at <= api_now(r)) {
		store_tx_rollback(db);
		reply_invalid1(r, "token", "the invitation has expired: ask for a new one");
		return 0;
	}
	/* the caller's role on the app, before accepting */
	rc = store_app_for_user(db, k.app_id, r->user.id, &a);
	if (rc == 0) {
		store_tx_rollback(db);
		reply_error(r, 409,
		            a.role == ROLE_OWNER ? "you own this app"
		                                 : "you already collaborate on this app");
		return 0;
	}
	if ((rc = store_collab_accept(db, k.id, r->user.id, api_now(r))) != 0)
		goto fail;
	if (store_user_get(db, k.inviter_id, &inviter) != 0)
		memset(&inviter, 0, sizeof inviter);
	const char *about[] = {r->user.id, k.inviter_id, k.email};
	if ((rc = events_add_about(db, api_now(r), "accept_collaborator", r->user.id, k.app_id,
	                           k.app_name,
	                           events_data_collab_accepted(&k, r->user.email, r->user.username,
	                                                       inviter.email, inviter.username),
	                           about, 3)) ||
	    (rc = store_tx_commit(db)))
		goto fail;
	if ((rc = store_app_for_user(db, k.app_id, r->user.id, &a)) != 0)
		goto fail;
	reply_json(r, 200, json_pack("{s:o}", "app", render_app(&a, r->app->cfg)));
	return 0;
fail:
	store_tx_rollback(db);
	reply_rc(r, rc == PP_ECONFLICT ? PP_EDB : rc, "invitation");
	return 0;
}

int api_collab_update(struct req *r)
{
	struct app_rec a;
	struct collab_rec k;
	int limited, rc;
	json_t *in = jx_unwrap(r->json, "collaborator");
	if (api_app_load(r, &a))
		return 0;
	if (a.role != ROLE_OWNER) {
		api_forbidden(r, "only the owner manages collaborators");
		return 0;
	}
	if (jx_opt_bool(in, "is_limited", &limited) || limited < 0) {
		reply_error(r, 400, "is_limited must be a boolean");
		return 0;
	}
	struct store_conn *db = req_db(r);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) ||
	    (rc = store_collab_get(db, a.id, req_param(r, "id"), &k)))
		goto fail;
	if (k.is_limited != limited) {
		k.is_limited = limited;
		const char *about[] = {k.user_id, k.email};
		if ((rc = store_collab_set_limited(db, k.id, limited)) ||
		    (rc = events_add_about(db, api_now(r), "change_collaborator_role", r->user.id,
		                           a.id, a.name, events_data_collab(&k, 1), about, 2)))
			goto fail;
	}
	if ((rc = store_tx_commit(db)))
		goto fail;
	reply_json(r, 200, json_pack("{s:o}", "collaborator", render_collab(&k)));
	return 0;
fail:
	store_tx_rollback(db);
	reply_rc(r, rc, "collaborator");
	return 0;
}

int api_collab_delete(struct req *r)
{
	struct app_rec a;
	struct collab_rec k;
	int rc;
	if (api_app_load(r, &a))
		return 0;
	struct store_conn *db = req_db(r);
	if ((rc = store_tx_begin(db, STORE_TX_WRITE)) ||
	    (rc = store_collab_get(db, a.id, req_param(r, "id"), &k)))
		goto fail;
	/* the owner removes anyone; a collaborator may only leave */
	if (a.role != ROLE_OWNER && strcmp(k.user_id, r->user.id) != 0) {
		store_tx_rollback(db);
		api_forbidden(r, "only the owner manages collaborators");
		return 0;
	}
	const char *about[] = {k.user_id, k.email};
	if ((rc = store_collab_delete(db, k.id)) ||
	    (rc = events_add_about(db, api_now(r), "delete_collaborator", r->user.id, a.id, a.name,
	                           events_data_collab(&k, 0), about, 2)) ||
	    (rc = store_tx_commit(db)))
		goto fail;
	reply_empty(r, 204);
	return 0;
fail:
	store_tx_rollback(db);
	reply_rc(r, rc, "collaborator");
	return 0;
}
