/*
 * store_keys.h - the SSH keys of accounts. A key is found for sshd by the
 * SHA-256 of its decoded blob (hex), through a unique index over every
 * account: its cost does not grow with the number of keys, and a key belongs
 * to one account at most. Every call that takes a key id from a user also
 * takes the caller's user id: another account's key is PP_ENOTFOUND.
 */
#ifndef PP_STORE_KEYS_H
#define PP_STORE_KEYS_H

#include "model.h"
#include "store/store.h"

/* Minimum time between two writes of a key's last_used_at. */
#define STORE_KEY_TOUCH_MS 60000

/* PP_ECONFLICT when an account already has the blob (blob_sha256), or the user
 * already has a key of that name (store_key_by_name tells which). */
int store_key_insert(struct store_conn *c, const struct key_rec *k, const char *blob_sha256);
/* The user's keys, oldest first. */
int store_key_list(struct store_conn *c, const char *user_id,
                   void (*cb)(const struct key_rec *, void *), void *arg);
int store_key_get(struct store_conn *c, const char *user_id, const char *id, struct key_rec *k);
/* The user's key named name (exact), or PP_ENOTFOUND. */
int store_key_by_name(struct store_conn *c, const char *user_id, const char *name,
                      struct key_rec *k);
int store_key_delete(struct store_conn *c, const char *user_id, const char *id);
/* Deletes every key of the user (account erasure). */
int store_key_delete_all(struct store_conn *c, const char *user_id);
/*
 * For sshd: the key whose blob has this SHA-256 (hex) and its owner, in one
 * indexed query; PP_ENOTFOUND when no live (not deleted) account has it. u
 * holds id, username, email, suspended_at and suspension_reason only.
 */
int store_key_auth_by_sha256(struct store_conn *c, const char *blob_sha256, struct key_rec *k,
                             struct user_rec *u);
/* The same by the key's id (the forced command's key-<id>). */
int store_key_auth_by_id(struct store_conn *c, const char *id, struct key_rec *k,
                         struct user_rec *u);
/* Sets last_used_at = now unless it was written less than STORE_KEY_TOUCH_MS ago
 * (one statement: at most one write a minute per key, whoever connects). */
int store_key_touch(struct store_conn *c, const char *id, int64_t now);

#endif
