/* collab.c - the collaborator use cases (see collab.h). */
#include "core/collab.h"
#include "core/accounts.h"
#include "mail/templates.h"
#include "core/events.h"
#include "core/mail_limits.h"
#include "core/perm.h"
#include "core/tfa.h"
#include "core/valid.h"
#include "crypto/rand.h"
#include "mail/mailer.h"
#include "store/store_acct.h"
#include "util/buf.h"
#include "util/err.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define COLLAB_MAIL_MAX 16384

static int fail(struct apps_err *e, int rc, const char *field, const char *msg)
{
	e->field = field;
	e->msg = msg;
	return rc;
}

/* Queues the invitation mail (mail/templates.c) in the caller's transaction. */
static int invite_mail(const struct core_ctx *cx, const char *to, const char *inviter,
                       const char *app_name, const char *token)
{
	struct templates_mail m;
	int rc = templates_collab_invite(&m, cx->app->cfg->public_url, inviter, app_name, token);
	if (rc == 0)
		rc = mailer_enqueue(cx->db, cx->now, to, m.subject, m.body);
	return rc;
}

int collab_list(const struct core_ctx *cx, const struct app_rec *a,
                void (*cb)(const struct collab_rec *, void *), void *arg)
{
	return store_collab_list(cx->db, a->id, cb, arg);
}

struct tfa_walk {
	const struct core_ctx *cx;
	void (*cb)(const struct collab_rec *, int, void *);
	void *arg;
	int rc;
};

static void with_tfa(const struct collab_rec *k, void *p)
{
	struct tfa_walk *w = p;
	struct tfa_state st = {0};
	if (k->user_id[0] && w->rc == 0)
		w->rc = tfa_state(w->cx, k->user_id, &st);
	w->cb(k, st.enabled, w->arg);
}

int collab_list_tfa(const struct core_ctx *cx, const struct app_rec *a,
                    void (*cb)(const struct collab_rec *, int tfa_enabled, void *), void *arg)
{
	struct tfa_walk w = {cx, cb, arg, 0};
	int rc = store_collab_list(cx->db, a->id, with_tfa, &w);
	return rc ? rc : w.rc;
}

int collab_invite(const struct core_ctx *cx, const struct user_rec *inviter,
                  const struct app_rec *a, const char *email, int is_limited, struct collab_rec *k,
                  struct apps_err *e, int64_t *retry_ms)
{
	char token[RAND_SECRET_MAX], hash[RAND_SHA256_HEX_LEN];
	struct user_rec u;
	const char *m;
	int rc;

	*retry_ms = 0;
	if (!email || (m = valid_email(email)))
		return fail(e, PP_EINVAL, "email", email ? m : "can't be blank");
	if (strcasecmp(email, a->owner_email) == 0)
		return fail(e, PP_EINVAL, "email",
		            "is the owner's: the owner is not a collaborator");
	memset(k, 0, sizeof *k);
	rand_id("co", k->id);
	snprintf(k->app_id, sizeof k->app_id, "%s", a->id);
	snprintf(k->app_name, sizeof k->app_name, "%s", a->name);
	snprintf(k->email, sizeof k->email, "%s", email);
	snprintf(k->status, sizeof k->status, "pending");
	snprintf(k->inviter_id, sizeof k->inviter_id, "%s", inviter->id);
	k->is_limited = is_limited == 1;
	k->created_at = cx->now;
	k->expires_at = k->created_at + APPS_INVITE_TTL_MS;
	rand_secret_b64(ACCOUNTS_LINK_TOKEN_BYTES, token);
	rand_sha256_hex(token, strlen(token), hash);

	const char *about[] = {k->email};
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		goto out;
	/* an account with this email that already collaborates, or a pending invite */
	rc = store_user_by_login(cx->db, email, &u);
	if (rc != 0 && rc != PP_ENOTFOUND)
		goto out;
	rc = store_collab_exists(cx->db, a->id, rc == 0 ? u.id : NULL, email);
	if (rc == PP_ECONFLICT) {
		rc = fail(e, PP_EINVAL, "email", "is already a collaborator or invited");
		goto out;
	}
	if (rc == 0 && (rc = mail_limits_check(cx, inviter->id, email, retry_ms)) == PP_EBUSY) {
		fail(e, rc, NULL, "too many invitation or confirmation mails, retry later");
		goto out;
	}
	if (rc || (rc = store_collab_insert(cx->db, k, hash)) ||
	    (rc = events_add_about(cx->db, cx->now, "new_collaborator", inviter->id, a->id, a->name,
	                           events_data_collab_invited(k->email, k->is_limited), about,
	                           1)) ||
	    (rc = invite_mail(cx, k->email, inviter->username, a->name, token)) ||
	    (rc = store_tx_commit(cx->db)))
		goto out;
	mailer_wake(cx->app->mailer);
out:
	if (rc)
		store_tx_rollback(cx->db);
	sodium_memzero(token, sizeof token);
	return rc;
}

int collab_accept(const struct core_ctx *cx, const struct user_rec *user, const char *token,
                  struct app_rec *a, struct apps_err *e)
{
	char hash[RAND_SHA256_HEX_LEN];
	struct collab_rec k;
	struct user_rec inviter;
	int rc;

	e->field = e->msg = NULL;
	if (!token || !*token || strlen(token) > COLLAB_TOKEN_MAX)
		return fail(e, PP_EINVAL, NULL, "the invitation token is required (?token=)");
	rand_sha256_hex(token, strlen(token), hash);
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) ||
	    (rc = store_collab_by_invitation(cx->db, hash, &k)))
		goto out;
	if (k.expires_at <= cx->now) {
		rc = fail(e, PP_EINVAL, "token", "the invitation has expired: ask for a new one");
		goto out;
	}
	/* the caller's role on the app, before accepting */
	rc = store_app_for_user(cx->db, k.app_id, user->id, a);
	if (rc == 0) {
		rc = fail(e, PP_ECONFLICT, NULL,
		          a->role == ROLE_OWNER ? "you own this app"
		                                : "you already collaborate on this app");
		goto out;
	}
	if (rc != PP_ENOTFOUND)
		goto out;
	if ((rc = store_collab_accept(cx->db, k.id, user->id, cx->now)) != 0)
		goto out;
	if (store_user_get(cx->db, k.inviter_id, &inviter) != 0)
		memset(&inviter, 0, sizeof inviter);
	const char *about[] = {user->id, k.inviter_id, k.email};
	if ((rc = events_add_about(cx->db, cx->now, "accept_collaborator", user->id, k.app_id,
	                           k.app_name,
	                           events_data_collab_accepted(&k, user->email, user->username,
	                                                       inviter.email, inviter.username),
	                           about, 3)) ||
	    (rc = store_tx_commit(cx->db)))
		goto out;
	rc = store_app_for_user(cx->db, k.app_id, user->id, a);
out:
	if (rc) {
		store_tx_rollback(cx->db);
		/* a conflict the check above did not foresee is the store's fault */
		if (rc == PP_ECONFLICT && !e->msg)
			rc = PP_EDB;
	}
	return rc;
}

int collab_set_limited(const struct core_ctx *cx, const char *user_id, const struct app_rec *a,
                       const char *id, int is_limited, struct collab_rec *k)
{
	int rc;
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) ||
	    (rc = store_collab_get(cx->db, a->id, id, k)))
		goto out;
	if (k->is_limited != is_limited) {
		k->is_limited = is_limited;
		const char *about[] = {k->user_id, k->email};
		if ((rc = store_collab_set_limited(cx->db, k->id, is_limited)) ||
		    (rc = events_add_about(cx->db, cx->now, "change_collaborator_role", user_id,
		                           a->id, a->name, events_data_collab(k, 1), about, 2)))
			goto out;
	}
	rc = store_tx_commit(cx->db);
out:
	if (rc)
		store_tx_rollback(cx->db);
	return rc;
}

int collab_remove(const struct core_ctx *cx, const char *user_id, const struct app_rec *a,
                  const char *id, struct apps_err *e)
{
	struct collab_rec k;
	int rc;
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) ||
	    (rc = store_collab_get(cx->db, a->id, id, &k)))
		goto out;
	/* the owner removes anyone; a collaborator may only leave */
	if (!perm_may(a->role, PERM_COLLABORATE) && strcmp(k.user_id, user_id) != 0) {
		rc = fail(e, PP_EFORBIDDEN, NULL, perm_denied_msg(PERM_COLLABORATE));
		goto out;
	}
	const char *about[] = {k.user_id, k.email};
	if ((rc = store_collab_delete(cx->db, k.id)) ||
	    (rc = events_add_about(cx->db, cx->now, "delete_collaborator", user_id, a->id, a->name,
	                           events_data_collab(&k, 0), about, 2)) ||
	    (rc = store_tx_commit(cx->db)))
		goto out;
out:
	if (rc)
		store_tx_rollback(cx->db);
	return rc;
}
