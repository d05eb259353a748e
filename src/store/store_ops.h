/*
 * store_ops.h - private to src/store/: the list of every per-connection store
 * call, once, as an X-macro, and the engine interface made from it.
 *
 * src/store/store.c expands the list into the public store_* functions (each
 * forwards to the engine of its connection); each engine (sqlite/, pg/) fills
 * one `struct store_ops` from the same list with its own sq_* / pg_*
 * functions. A call's declaration in store*.h, its line here and each engine's
 * definition must agree: the compiler checks all three.
 *
 * Adding a call: declare it (with its contract) in its store*.h header, add its
 * line here, implement it in every engine.
 *
 * X(return type, name without store_, (parameters), (arguments)); XV for void.
 */
#ifndef PP_STORE_OPS_H
#define PP_STORE_OPS_H

#include "store/store.h"
#include "store/store_acct.h"
#include "store/store_apps.h"
#include "store/store_events.h"
#include "store/store_tfa.h"
#include "store/store_keys.h"

/* clang-format off */
#define STORE_OPS(X, XV) \
	X(int, tx_begin, (struct store_conn *c, enum store_tx kind), (c, kind)) \
	X(int, tx_commit, (struct store_conn *c), (c)) \
	XV(void, tx_rollback, (struct store_conn *c), (c)) \
	X(int, tx_lock, (struct store_conn *c, const char *name), (c, name)) \
	X(int, ping, (struct store_conn *c), (c)) \
	X(int, schema_applied, (struct store_conn *c, int *version), (c, version)) \
	X(int, server_secret, (struct store_conn *c, const char *name, unsigned char *out, size_t len), (c, name, out, len)) \
	X(int, throttle_hit, (struct store_conn *c, const char *key, int64_t now, int64_t window_ms, int64_t *hits, int64_t *window_end), (c, key, now, window_ms, hits, window_end)) \
	X(int, strike_add, (struct store_conn *c, const char *key, int64_t now, int threshold, int64_t lock_ms, int *locked), (c, key, now, threshold, lock_ms, locked)) \
	X(int, strike_locked_until, (struct store_conn *c, const char *key, int64_t *locked_until), (c, key, locked_until)) \
	X(int, counters_sweep, (struct store_conn *c, int64_t now, int64_t before), (c, now, before)) \
	X(int, job_claim, (struct store_conn *c, const char *name, int64_t now, int64_t every_ms, int *claimed), (c, name, now, every_ms, claimed)) \
	X(int, test_record_schema_version, (struct store_conn *c, int version), (c, version)) \
	X(int, user_insert, (struct store_conn *c, const struct user_rec *u, const char *password_hash, const char *referral_code, unsigned *conflicts), (c, u, password_hash, referral_code, conflicts)) \
	X(int, user_get, (struct store_conn *c, const char *id, struct user_rec *u), (c, id, u)) \
	X(int, user_by_login, (struct store_conn *c, const char *login, struct user_rec *u), (c, login, u)) \
	X(int, user_email_check, (struct store_conn *c, const char *email, const char *except_id), (c, email, except_id)) \
	X(int, user_update_profile, (struct store_conn *c, const struct user_rec *u, unsigned *conflicts), (c, u, conflicts)) \
	X(int, user_set_password, (struct store_conn *c, const char *id, const char *hash, int bump_epoch), (c, id, hash, bump_epoch)) \
	X(int, user_login_failed, (struct store_conn *c, const char *id, int64_t now, int threshold, int64_t lock_ms, int *locked), (c, id, now, threshold, lock_ms, locked)) \
	X(int, user_login_ok, (struct store_conn *c, const char *id), (c, id)) \
	X(int, session_insert, (struct store_conn *c, const struct session_rec *s, const char *secret_hash), (c, s, secret_hash)) \
	X(int, session_touch, (struct store_conn *c, const char *id, int64_t now, int64_t expires_at), (c, id, now, expires_at)) \
	X(int, session_list, (struct store_conn *c, const char *user_id, int64_t now, void (*cb)(const struct session_rec *, void *), void *arg), (c, user_id, now, cb, arg)) \
	X(int, session_delete, (struct store_conn *c, const char *user_id, const char *id), (c, user_id, id)) \
	X(int, session_delete_others, (struct store_conn *c, const char *user_id, const char *keep_id), (c, user_id, keep_id)) \
	X(int, token_insert, (struct store_conn *c, const struct token_rec *t, const char *secret_hash), (c, t, secret_hash)) \
	X(int, token_get, (struct store_conn *c, const char *user_id, const char *id, struct token_rec *t), (c, user_id, id, t)) \
	X(int, token_by_hash, (struct store_conn *c, const char *secret_hash, struct token_rec *t), (c, secret_hash, t)) \
	X(int, token_list, (struct store_conn *c, const char *user_id, void (*cb)(const struct token_rec *, void *), void *arg), (c, user_id, cb, arg)) \
	X(int, token_renew, (struct store_conn *c, const char *user_id, const char *id, const char *secret_hash, int64_t now), (c, user_id, id, secret_hash, now)) \
	X(int, token_delete, (struct store_conn *c, const char *user_id, const char *id), (c, user_id, id)) \
	X(int, token_touch, (struct store_conn *c, const char *id, int64_t now), (c, id, now)) \
	X(int, token_delete_all, (struct store_conn *c, const char *user_id), (c, user_id)) \
	X(int, auth_token_by_id, (struct store_conn *c, const char *id, struct token_rec *t, struct user_rec *u), (c, id, t, u)) \
	X(int, auth_token_by_hash, (struct store_conn *c, const char *hash, struct token_rec *t, struct user_rec *u), (c, hash, t, u)) \
	X(int, auth_session_by_hash, (struct store_conn *c, const char *hash, struct session_rec *s, struct user_rec *u), (c, hash, s, u)) \
	X(int, link_insert, (struct store_conn *c, const char *user_id, const char *kind, const char *token_hash, const char *data, int64_t now, int64_t expires_at), (c, user_id, kind, token_hash, data, now, expires_at)) \
	X(int, link_consume, (struct store_conn *c, const char *kind, const char *token_hash, int64_t now, char user_id[ID_MAX], char *data, size_t data_cap), (c, kind, token_hash, now, user_id, data, data_cap)) \
	X(int, link_void, (struct store_conn *c, const char *user_id, const char *kind, int64_t now), (c, user_id, kind, now)) \
	X(int, link_delete_all, (struct store_conn *c, const char *user_id), (c, user_id)) \
	X(int, user_email_proven, (struct store_conn *c, const char *id, int64_t now), (c, id, now)) \
	X(int, user_pending_expired, (struct store_conn *c, int64_t before, const char *login, char ids[][ID_MAX], int cap, int *n), (c, before, login, ids, cap, n)) \
	X(int, user_anonymize, (struct store_conn *c, const char *user_id, int64_t now), (c, user_id, now)) \
	X(int, user_past_add, (struct store_conn *c, const char *user_id, const char *kind, const char *value, int64_t now), (c, user_id, kind, value, now)) \
	X(int, user_past_list, (struct store_conn *c, const char *user_id, void (*cb)(const struct user_past_id *, void *), void *arg), (c, user_id, cb, arg)) \
	X(int, user_past_since, (struct store_conn *c, const char *user_id, const char *kind, int64_t *since), (c, user_id, kind, since)) \
	X(int, user_email_claimed, (struct store_conn *c, const char *email, const char *except_id), (c, email, except_id)) \
	X(int, user_past_forget, (struct store_conn *c, const char *user_id), (c, user_id)) \
	X(int, app_insert, (struct store_conn *c, const struct app_rec *a), (c, a)) \
	X(int, app_for_user, (struct store_conn *c, const char *app_id, const char *user_id, struct app_rec *a), (c, app_id, user_id, a)) \
	X(int, app_for_user_by_name, (struct store_conn *c, const char *name, const char *user_id, struct app_rec *a), (c, name, user_id, a)) \
	X(int, app_count_owned, (struct store_conn *c, const char *owner_id, int *n), (c, owner_id, n)) \
	X(int, app_list_for_user, (struct store_conn *c, const char *user_id, void (*cb)(const struct app_rec *, void *), void *arg), (c, user_id, cb, arg)) \
	X(int, app_owned, (struct store_conn *c, const char *user_id, void (*cb)(const char *, void *), void *arg), (c, user_id, cb, arg)) \
	X(int, app_delete, (struct store_conn *c, const char *app_id, int64_t now), (c, app_id, now)) \
	X(int, app_touch, (struct store_conn *c, const char *app_id, const char *status, int64_t now), (c, app_id, status, now)) \
	X(int, formation_get, (struct store_conn *c, const char *app_id, struct formation_rec *out, int max, int *n), (c, app_id, out, max, n)) \
	X(int, formation_set, (struct store_conn *c, const char *app_id, const char *owner_id, const struct formation_rec *f, int64_t changed_at), (c, app_id, owner_id, f, changed_at)) \
	X(int, collab_insert, (struct store_conn *c, const struct collab_rec *k, const char *invitation_hash), (c, k, invitation_hash)) \
	X(int, collab_list, (struct store_conn *c, const char *app_id, void (*cb)(const struct collab_rec *, void *), void *arg), (c, app_id, cb, arg)) \
	X(int, collab_get, (struct store_conn *c, const char *app_id, const char *id, struct collab_rec *k), (c, app_id, id, k)) \
	X(int, collab_by_invitation, (struct store_conn *c, const char *hash, struct collab_rec *k), (c, hash, k)) \
	X(int, collab_exists, (struct store_conn *c, const char *app_id, const char *user_id, const char *email), (c, app_id, user_id, email)) \
	X(int, collab_accept, (struct store_conn *c, const char *id, const char *user_id, int64_t now), (c, id, user_id, now)) \
	X(int, collab_set_limited, (struct store_conn *c, const char *id, int is_limited), (c, id, is_limited)) \
	X(int, collab_delete, (struct store_conn *c, const char *id), (c, id)) \
	X(int, collab_delete_app, (struct store_conn *c, const char *app_id), (c, app_id)) \
	X(int, collab_addresses, (struct store_conn *c, const char *user_id, const char *except_email, int (*cb)(const char *, void *), void *arg), (c, user_id, except_email, cb, arg)) \
	X(int, collab_mark_deleted, (struct store_conn *c, const char *user_id), (c, user_id)) \
	X(int, collab_delete_pending_to, (struct store_conn *c, const char *email), (c, email)) \
	X(int, event_add, (struct store_conn *c, const char *type, const char *user_id, const char *app_id, const char *app_name, const char *type_data, int64_t now, int64_t *id), (c, type, user_id, app_id, app_name, type_data, now, id)) \
	X(int, event_subject_add, (struct store_conn *c, int64_t id, const char *subject), (c, id, subject)) \
	X(int, event_scrub, (struct store_conn *c, const char *user_id, const char *const *emails, int nemails, const char *const *usernames, int nusernames), (c, user_id, emails, nemails, usernames, nusernames)) \
	X(int, event_subjects_forget, (struct store_conn *c, const char *user_id, const char *const *emails, int nemails), (c, user_id, emails, nemails)) \
	X(int, event_list, (struct store_conn *c, struct event_query *q, int64_t *total, void (*cb)(const struct event_rec *, void *), void *arg), (c, q, total, cb, arg)) \
	X(int, mail_enqueue, (struct store_conn *c, const char *to, const char *subject, const char *body, int64_t now), (c, to, subject, body, now)) \
	X(int, mail_next, (struct store_conn *c, int64_t now, struct mail_rec *m), (c, now, m)) \
	X(int, mail_sent, (struct store_conn *c, int64_t id, int64_t now), (c, id, now)) \
	X(int, mail_failed, (struct store_conn *c, int64_t id, const char *err, int64_t next_at), (c, id, err, next_at)) \
	X(int, mail_logged, (struct store_conn *c, int64_t id, const char *marker, int64_t next_at), (c, id, marker, next_at)) \
	X(int, mail_forget_bodies, (struct store_conn *c, const char *marker), (c, marker)) \
	X(int, mail_requeue, (struct store_conn *c, const char *marker, int64_t now), (c, marker, now)) \
	X(int, mail_pending, (struct store_conn *c, int64_t *count), (c, count)) \
	X(int, mail_delete_to, (struct store_conn *c, const char *addr), (c, addr)) \
	X(int, mail_delete_to_between, (struct store_conn *c, const char *addr, int64_t from, int64_t until), (c, addr, from, until)) \
	X(int, mail_replace_text, (struct store_conn *c, const char *subject, const char *old, const char *repl, int64_t from, int64_t until), (c, subject, old, repl, from, until)) \
	X(int, mail_count_to, (struct store_conn *c, const char *addr, const char *subject, int64_t since, int64_t *count, int64_t *oldest), (c, addr, subject, since, count, oldest)) \
	X(int, event_count, (struct store_conn *c, const char *user_id, const char *type, const char *data_part, int64_t since, int64_t *count, int64_t *oldest), (c, user_id, type, data_part, since, count, oldest)) \
	X(int, tfa_get, (struct store_conn *c, const char *user_id, int for_update, struct tfa_rec *t), (c, user_id, for_update, t)) \
	X(int, tfa_set_pending, (struct store_conn *c, const char *user_id, const char *sealed, int64_t now), (c, user_id, sealed, now)) \
	X(int, tfa_enable, (struct store_conn *c, const char *user_id, int64_t step, int64_t now), (c, user_id, step, now)) \
	X(int, tfa_set_step, (struct store_conn *c, const char *user_id, int64_t step), (c, user_id, step)) \
	X(int, tfa_delete, (struct store_conn *c, const char *user_id), (c, user_id)) \
	X(int, tfa_codes_replace, (struct store_conn *c, const char *user_id, const char *const *hashes, int n, int64_t now), (c, user_id, hashes, n, now)) \
	X(int, tfa_code_use, (struct store_conn *c, const char *user_id, const char *hash, int64_t now, int *left), (c, user_id, hash, now, left)) \
	X(int, tfa_codes_left, (struct store_conn *c, const char *user_id, int *left), (c, user_id, left)) \
	X(int, key_insert, (struct store_conn *c, const struct key_rec *k, const char *blob_sha256), (c, k, blob_sha256)) \
	X(int, key_list, (struct store_conn *c, const char *user_id, void (*cb)(const struct key_rec *, void *), void *arg), (c, user_id, cb, arg)) \
	X(int, key_get, (struct store_conn *c, const char *user_id, const char *id, struct key_rec *k), (c, user_id, id, k)) \
	X(int, key_by_name, (struct store_conn *c, const char *user_id, const char *name, struct key_rec *k), (c, user_id, name, k)) \
	X(int, key_delete, (struct store_conn *c, const char *user_id, const char *id), (c, user_id, id)) \
	X(int, key_delete_all, (struct store_conn *c, const char *user_id), (c, user_id)) \
	X(int, key_auth_by_sha256, (struct store_conn *c, const char *blob_sha256, struct key_rec *k, struct user_rec *u), (c, blob_sha256, k, u)) \
	X(int, key_auth_by_id, (struct store_conn *c, const char *id, struct key_rec *k, struct user_rec *u), (c, id, k, u)) \
	X(int, key_touch, (struct store_conn *c, const char *id, int64_t now), (c, id, now))

/* clang-format on */

#define STORE_OPS_FIELD(ret, name, params, args) ret(*name) params;

/* One engine: its pool functions and every call of the list. */
struct store_ops {
	const char *engine; /* "sqlite", "postgresql" */
	void (*close)(struct store *s);
	struct store_conn *(*acquire)(struct store *s);
	void (*release)(struct store *s, struct store_conn *c);
	STORE_OPS(STORE_OPS_FIELD, STORE_OPS_FIELD)
};

/*
 * Both an engine's `struct store` and its `struct store_conn` begin with a
 * pointer to its ops (C11 6.7.2.1: a pointer to a structure, suitably
 * converted, points to its first member). The rest of each structure is the
 * engine's own, defined in its private header.
 */
static inline const struct store_ops *store_ops_of(const void *store_or_conn)
{
	return *(const struct store_ops *const *)store_or_conn;
}

/* The engines' entry points (store_open picks one by the URI). */
int sq_open(const char *path, int pool_size, struct store **out);
/* The same on a database paasportd made: no file created, no migration (one read of the
 * schema version, which must be this binary's). */
int sq_open_existing(const char *path, int pool_size, struct store **out);
int sq_schema_version(void);
int pg_open(const char *uri, int pool_size, struct store **out);

#endif
