/*
 * store_acct.h - users, browser sessions, API tokens and one-time links.
 * Ownership is part of every query that takes an object id: a caller can
 * never reach another account's session or token through these functions.
 */
#ifndef PP_STORE_ACCT_H
#define PP_STORE_ACCT_H

#include "model.h"
#include "store/store.h"

/* What a PP_ECONFLICT from store_user_insert / store_user_update_profile was
 * about (bits of *conflicts): the unique fields another account already has. */
#define STORE_USER_USERNAME 1u
#define STORE_USER_EMAIL    2u

/* Users */
/*
 * referral_code (may be NULL): the referrer's code; an unknown one is ignored.
 * The unique constraints decide: PP_ECONFLICT when username or email (any case)
 * belongs to another account, with *conflicts (may be NULL) set to the
 * STORE_USER_* bits of every such field (0 for another constraint).
 */
int store_user_insert(struct store_conn *c, const struct user_rec *u, const char *password_hash,
                      const char *referral_code, unsigned *conflicts);
int store_user_get(struct store_conn *c, const char *id, struct user_rec *u);
/* By username or email (case-insensitive email). PP_ENOTFOUND when none. */
int store_user_by_login(struct store_conn *c, const char *login, struct user_rec *u);
/*
 * For an address an account asks to move to (unconfirmed_email has no unique
 * constraint; the one on email decides at confirmation): 0 when no account but
 * except_id has it as its email, PP_ECONFLICT when one has, or an error.
 */
int store_user_email_check(struct store_conn *c, const char *email, const char *except_id);
/* Writes username, email, unconfirmed_email, fullname, company, location, newsletter.
 * PP_ECONFLICT and *conflicts (may be NULL) as for store_user_insert. */
int store_user_update_profile(struct store_conn *c, const struct user_rec *u, unsigned *conflicts);
int store_user_set_password(struct store_conn *c, const char *id, const char *hash, int bump_epoch);
/* Counts a failed login; locks until now+lock_ms when the count reaches threshold.
 * *locked is set to 1 when this failure locked the account. */
int store_user_login_failed(struct store_conn *c, const char *id, int64_t now, int threshold,
                            int64_t lock_ms, int *locked);
/* Clears the failure count and the lock (a login, or the unlock link). */
int store_user_login_ok(struct store_conn *c, const char *id);

/* Sessions (secret_hash = SHA-256 hex of the cookie value) */
int store_session_insert(struct store_conn *c, const struct session_rec *s,
                         const char *secret_hash);
int store_session_touch(struct store_conn *c, const char *id, int64_t now, int64_t expires_at);
/* Calls cb for each live session of the user, newest first. */
int store_session_list(struct store_conn *c, const char *user_id, int64_t now,
                       void (*cb)(const struct session_rec *, void *), void *arg);
int store_session_delete(struct store_conn *c, const char *user_id, const char *id);
/* Deletes every session of the user except keep_id (may be NULL). */
int store_session_delete_others(struct store_conn *c, const char *user_id, const char *keep_id);

/* API tokens (secret_hash = SHA-256 hex of the tk-us- value) */
int store_token_insert(struct store_conn *c, const struct token_rec *t, const char *secret_hash);
int store_token_get(struct store_conn *c, const char *user_id, const char *id, struct token_rec *t);
int store_token_by_hash(struct store_conn *c, const char *secret_hash, struct token_rec *t);
int store_token_list(struct store_conn *c, const char *user_id,
                     void (*cb)(const struct token_rec *, void *), void *arg);
int store_token_renew(struct store_conn *c, const char *user_id, const char *id,
                      const char *secret_hash, int64_t now);
int store_token_delete(struct store_conn *c, const char *user_id, const char *id);
int store_token_touch(struct store_conn *c, const char *id, int64_t now);
/* Deletes every token of the user (account erasure). */
int store_token_delete_all(struct store_conn *c, const char *user_id);

/* Authentication: a credential and its (live) user in one indexed query. */
int store_auth_token_by_id(struct store_conn *c, const char *id, struct token_rec *t,
                           struct user_rec *u);
int store_auth_token_by_hash(struct store_conn *c, const char *hash, struct token_rec *t,
                             struct user_rec *u);
int store_auth_session_by_hash(struct store_conn *c, const char *hash, struct session_rec *s,
                               struct user_rec *u);

/* One-time links (mailed). consume checks kind, expiry and single use atomically. */
int store_link_insert(struct store_conn *c, const char *user_id, const char *kind,
                      const char *token_hash, const char *data, int64_t now, int64_t expires_at);
/* PP_ENOTFOUND for an unknown token, PP_EEXPIRED for used/expired. Fills user_id, data. */
int store_link_consume(struct store_conn *c, const char *kind, const char *token_hash, int64_t now,
                       char user_id[ID_MAX], char *data, size_t data_cap);
/* Marks every unused link of that kind for the user as used (superseded). */
int store_link_void(struct store_conn *c, const char *user_id, const char *kind, int64_t now);
/* Deletes every link of the user, used or not (account erasure). */
int store_link_delete_all(struct store_conn *c, const char *user_id);

/* The holder proved the address (a mailed link): email_pending = 0,
 * email_confirmed_at = now. */
int store_user_email_proven(struct store_conn *c, const char *id, int64_t now);
/* Up to cap ids of live accounts whose sign-up is still unconfirmed and older
 * than before (created_at < before), oldest first; with login (may be NULL)
 * only the one whose username or email (any case) it is. *n = how many. */
int store_user_pending_expired(struct store_conn *c, int64_t before, const char *login,
                               char ids[][ID_MAX], int cap, int *n);

/* Account erasure's last step: the user row keeps only its id (personal fields
 * NULL, deleted_at = now), so username and email are free again. */
int store_user_anonymize(struct store_conn *c, const char *user_id, int64_t now);

/*
 * Past identifiers: every email and username the account had before its
 * current ones, each with the time it held it [from_at, until_at). Recorded in
 * the transaction that changes it; read and dropped by the account's erasure.
 */
struct user_past_id {
	char kind[16]; /* "email" | "username" */
	char value[TXT(EMAIL_MAX)];
	int64_t from_at, until_at;
};
/* Records that user_id held value (of kind) until now, since the end of its
 * previous value of that kind (else since its sign-up). */
int store_user_past_add(struct store_conn *c, const char *user_id, const char *kind,
                        const char *value, int64_t now);
/* Every past identifier of the user; cb must not write. */
int store_user_past_list(struct store_conn *c, const char *user_id,
                         void (*cb)(const struct user_past_id *, void *), void *arg);
/* Since when the user has held its current value of kind. PP_ENOTFOUND: no such user. */
int store_user_past_since(struct store_conn *c, const char *user_id, const char *kind,
                          int64_t *since);
/* PP_ECONFLICT when email (any case) is, or was, the email of a live account
 * other than except_id; 0 when not. */
int store_user_email_claimed(struct store_conn *c, const char *email, const char *except_id);
/* Drops the user's past identifiers (account erasure). */
int store_user_past_forget(struct store_conn *c, const char *user_id);

#endif
