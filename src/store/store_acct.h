/*
 * store_acct.h - users, browser sessions, API tokens and one-time links.
 * Ownership is part of every query that takes an object id: a caller can
 * never reach another account's session or token through these functions.
 */
#ifndef PP_STORE_ACCT_H
#define PP_STORE_ACCT_H

#include "store/store.h"

/* Field limits, in characters of UTF-8 (buffers hold 4 bytes per character). */
#define USERNAME_MIN   3
#define USERNAME_MAX   32
#define EMAIL_MAX      254
#define FULLNAME_MAX   128
#define COMPANY_MAX    128
#define LOCATION_MAX   128
#define TOKEN_NAME_MAX 64
#define PWHASH_MAX     160
#define ID_MAX         48
#define UA_MAX         256

#define TXT(n) ((n)*4 + 1)

struct user_rec {
	char id[ID_MAX];
	char username[TXT(USERNAME_MAX)];
	char email[TXT(EMAIL_MAX)];
	char unconfirmed_email[TXT(EMAIL_MAX)]; /* "" = none */
	char password_hash[PWHASH_MAX];
	char fullname[TXT(FULLNAME_MAX)];
	char company[TXT(COMPANY_MAX)];
	char location[TXT(LOCATION_MAX)];
	int newsletter;
	int64_t created_at;
	int64_t auth_epoch;
	int failed_logins;
	int64_t locked_until;
	int64_t suspended_at; /* 0 = not suspended */
	char suspension_reason[256];
	char referral_code[40];
};

struct session_rec {
	char id[ID_MAX];
	char user_id[ID_MAX];
	char csrf_token[96];
	int64_t created_at, last_seen_at, expires_at;
	char remote_ip[64];
	char user_agent[TXT(UA_MAX)];
};

struct token_rec {
	char id[ID_MAX];
	char user_id[ID_MAX];
	char name[TXT(TOKEN_NAME_MAX)];
	int64_t version;
	int64_t created_at, issued_at, last_used_at; /* last_used_at 0 = never */
};

/* Users */
/* referral_code (may be NULL): the referrer's code; an unknown one is ignored. */
int store_user_insert(struct store_conn *c, const struct user_rec *u, const char *password_hash,
                      const char *referral_code);
int store_user_get(struct store_conn *c, const char *id, struct user_rec *u);
/* By username or email (case-insensitive email). PP_ENOTFOUND when none. */
int store_user_by_login(struct store_conn *c, const char *login, struct user_rec *u);
/* 1 when another live account (not except_id) has this username / email. */
int store_username_taken(struct store_conn *c, const char *username, const char *except_id);
int store_email_taken(struct store_conn *c, const char *email, const char *except_id);
/* Writes username, email, unconfirmed_email, fullname, company, location, newsletter. */
int store_user_update_profile(struct store_conn *c, const struct user_rec *u);
int store_user_set_password(struct store_conn *c, const char *id, const char *hash, int bump_epoch);
/* Counts a failed login; locks until now+lock_ms when the count reaches threshold.
 * *locked is set to 1 when this failure locked the account. */
int store_user_login_failed(struct store_conn *c, const char *id, int64_t now, int threshold,
                            int64_t lock_ms, int *locked);
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

#endif
