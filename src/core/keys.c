/* keys.c - the SSH keys of an account (see keys.h). */
#include "core/keys.h"
#include "core/events.h"
#include "core/valid.h"
#include "crypto/rand.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

static int refuse(struct keys_err *e, const char *field, const char *msg)
{
	e->field = field;
	snprintf(e->msg, sizeof e->msg, "%s", msg);
	return PP_EINVAL;
}

static int key_event(const struct core_ctx *cx, const char *type, const struct key_rec *k)
{
	return events_add(cx->db, cx->now, type, k->user_id, NULL, NULL,
	                  events_data_key(k->name, k->fingerprint));
}

int keys_create(const struct core_ctx *cx, const char *user_id, const char *name,
                const char *content, size_t len, struct key_rec *k, struct keys_err *e)
{
	struct sshkey *key = NULL;
	const char *why;
	int rc;
	e->field = NULL;
	e->msg[0] = 0;
	if (!name || !*name)
		return refuse(e, "name", "can't be blank");
	if ((why = valid_text(name, KEY_NAME_MAX, 0)) != NULL)
		return refuse(e, "name", why);
	if (!content || !len)
		return refuse(e, "content", "can't be blank");
	rc = sshkey_parse(content, len, name, &key, e->msg);
	if (rc == PP_EINVAL || rc == PP_ETOOBIG) {
		e->field = "content";
		return PP_EINVAL;
	}
	if (rc)
		return rc;
	if (strlen(key->line) >= sizeof k->content) {
		sshkey_free(key);
		return refuse(e, "content", "is too long");
	}
	memset(k, 0, sizeof *k);
	rand_id("ky", k->id);
	snprintf(k->user_id, sizeof k->user_id, "%s", user_id);
	snprintf(k->name, sizeof k->name, "%s", name);
	snprintf(k->type, sizeof k->type, "%s", key->type);
	snprintf(k->content, sizeof k->content, "%s", key->line);
	snprintf(k->fingerprint, sizeof k->fingerprint, "%s", key->fingerprint);
	k->created_at = cx->now;
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		goto out;
	rc = store_key_insert(cx->db, k, key->sha256_hex);
	if (rc == PP_ECONFLICT) {
		/* the constraints decided; tell which (the key's owner is never named) */
		struct key_rec same;
		int nrc = store_key_by_name(cx->db, user_id, name, &same);
		if (nrc == 0)
			rc = refuse(e, "name", "is already taken");
		else if (nrc == PP_ENOTFOUND)
			rc = refuse(e, "content", "is already taken");
		else
			rc = nrc;
		goto out;
	}
	if (rc || (rc = key_event(cx, "new_key", k)) != 0)
		goto out;
	rc = store_tx_commit(cx->db);
out:
	if (rc)
		store_tx_rollback(cx->db);
	sshkey_free(key);
	return rc;
}

int keys_list(const struct core_ctx *cx, const char *user_id,
              void (*cb)(const struct key_rec *, void *), void *arg)
{
	return store_key_list(cx->db, user_id, cb, arg);
}

int keys_get(const struct core_ctx *cx, const char *user_id, const char *id, struct key_rec *k)
{
	return store_key_get(cx->db, user_id, id, k);
}

int keys_delete(const struct core_ctx *cx, const char *user_id, const char *id)
{
	struct key_rec k;
	int rc;
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		goto out;
	if ((rc = store_key_get(cx->db, user_id, id, &k)) != 0 ||
	    (rc = store_key_delete(cx->db, user_id, k.id)) != 0 ||
	    (rc = key_event(cx, "delete_key", &k)) != 0)
		goto out;
	rc = store_tx_commit(cx->db);
out:
	if (rc)
		store_tx_rollback(cx->db);
	return rc;
}
