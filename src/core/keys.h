/*
 * keys.h - the SSH keys of an account: add (one OpenSSH public key line,
 * parsed by core/sshkey.h; stored normalized, never as pasted), list, show,
 * remove, with the new_key / delete_key events. A key belongs to one account
 * at most: "is already taken" names no account.
 */
#ifndef PP_KEYS_H
#define PP_KEYS_H

#include "core/core.h"
#include "core/sshkey.h"
#include "store/store_keys.h"

/* Why keys_create refused: the field ("name" or "content") and its message. */
struct keys_err {
	const char *field;
	char msg[SSHKEY_WHY_MAX];
};

/*
 * Adds the key content (the pasted text, len bytes: any bytes) named name to
 * user_id: *k as stored. PP_EINVAL with e->field and e->msg when the name is
 * blank, invalid or already one of the user's key names, or the content is
 * not one acceptable public key or is already any account's key.
 */
int keys_create(const struct core_ctx *cx, const char *user_id, const char *name,
                const char *content, size_t len, struct key_rec *k, struct keys_err *e);
int keys_list(const struct core_ctx *cx, const char *user_id,
              void (*cb)(const struct key_rec *, void *), void *arg);
/* PP_ENOTFOUND when user_id has no key id. */
int keys_get(const struct core_ctx *cx, const char *user_id, const char *id, struct key_rec *k);
/* Removes the key id of user_id (the next SSH connection with it is refused). */
int keys_delete(const struct core_ctx *cx, const char *user_id, const char *id);

#endif
