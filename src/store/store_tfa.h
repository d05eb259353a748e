/*
 * store_tfa.h - two-factor authentication state: one row per account that has
 * 2FA on or is enrolling (the TOTP secret, sealed by the caller: the store sees
 * only text), the step of the last accepted code, and the hashed single-use
 * recovery codes. Row locking: store_tfa_get with for_update locks the row until
 * the transaction ends (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write
 * transaction is already exclusive), so two nodes cannot both accept one code.
 */
#ifndef PP_STORE_TFA_H
#define PP_STORE_TFA_H

#include "model.h"
#include "store/store.h"

#include <stdint.h>

#define STORE_TFA_SEALED_MAX 512 /* base64 text of a sealed secret, + NUL */
#define STORE_TFA_HASH_MAX   72  /* a recovery code's hash (hex), + NUL */

struct tfa_rec {
	char user_id[ID_MAX];
	int enabled;
	char secret[STORE_TFA_SEALED_MAX];  /* the active secret, sealed; "" while enrolling */
	char pending[STORE_TFA_SEALED_MAX]; /* the secret being enrolled, sealed; "" none */
	int64_t last_step;                  /* step of the last accepted code; -1 none */
	int64_t created_at, enabled_at;     /* enabled_at 0 while not enabled */
};

/* The account's row; PP_ENOTFOUND when it has none. for_update: lock it (in a
 * write transaction) until commit or rollback. */
int store_tfa_get(struct store_conn *c, const char *user_id, int for_update, struct tfa_rec *t);
/* Creates the row or replaces its pending secret (the active one is kept). */
int store_tfa_set_pending(struct store_conn *c, const char *user_id, const char *sealed,
                          int64_t now);
/* pending -> the active secret, enabled, last_step = step. PP_ENOTFOUND when no row. */
int store_tfa_enable(struct store_conn *c, const char *user_id, int64_t step, int64_t now);
/* Records the step of an accepted code. PP_ENOTFOUND when no row. */
int store_tfa_set_step(struct store_conn *c, const char *user_id, int64_t step);
/* Deletes the row and every recovery code of the account (none: not an error). */
int store_tfa_delete(struct store_conn *c, const char *user_id);
/* Replaces the account's recovery codes by the n hashes given. */
int store_tfa_codes_replace(struct store_conn *c, const char *user_id, const char *const *hashes,
                            int n, int64_t now);
/* Marks the unused code of this hash used: 0 and *left = unused codes that remain,
 * or PP_ENOTFOUND (no such unused code). */
int store_tfa_code_use(struct store_conn *c, const char *user_id, const char *hash, int64_t now,
                       int *left);
/* The number of unused recovery codes. */
int store_tfa_codes_left(struct store_conn *c, const char *user_id, int *left);

#endif
