/*
 * erase.c - account erasure orchestrated over the store's primitives (see
 * erase.h): which personal data goes, and in which order, is decided here;
 * each store call is one single-purpose SQL step.
 */
#include "core/erase.h"
#include "store/store_acct.h"
#include "store/store_apps.h"
#include "store/store_events.h"
#include "util/err.h"

struct erase_ctx {
	struct store_conn *c;
	const struct user_rec *u;
};

/* An older or work address the account accepted invitations under: events
 * naming it are about this account, and the mails sent there are its data too.
 * Each scrub finds the account's own events by its id as well; the subjects
 * rows are dropped only after the last pass. */
static int erase_address(const char *addr, void *arg)
{
	struct erase_ctx *x = arg;
	int rc = store_event_scrub(x->c, x->u->id, addr, x->u->username);
	if (rc == 0)
		rc = store_mail_delete_to(x->c, addr);
	return rc;
}

int erase_account(struct store_conn *c, const char *user_id, int64_t now)
{
	struct user_rec u;
	int rc;
	if ((rc = store_user_get(c, user_id, &u)) != 0)
		return rc;
	struct erase_ctx x = {c, &u};
	if ((rc = store_collab_addresses(c, u.id, u.email, erase_address, &x)) ||
	    (rc = store_event_scrub(c, u.id, u.email, u.username)) ||
	    /* every event is scrubbed: forget who they named (before the
	     * collaborations lose the addresses it reads) */
	    (rc = store_event_subjects_forget(c, u.id, u.email)) ||
	    (rc = store_collab_mark_deleted(c, u.id)) ||
	    /* invitations sent to the address and never accepted */
	    (rc = store_collab_delete_pending_to(c, u.email)) ||
	    (rc = store_session_delete_others(c, u.id, NULL)) ||
	    (rc = store_token_delete_all(c, u.id)) || (rc = store_link_delete_all(c, u.id)) ||
	    /* mails to its address and to a pending new one (sent or not) */
	    (rc = store_mail_delete_to(c, u.email)) ||
	    (rc = store_mail_delete_to(c, u.unconfirmed_email)))
		return rc;
	return store_user_anonymize(c, u.id, now);
}
