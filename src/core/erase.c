/*
 * erase.c - account erasure orchestrated over the store's primitives (see
 * erase.h): which personal data goes, and in which order, is decided here;
 * each store call is one single-purpose SQL step.
 *
 * What belongs to the account: its current email and username, and every
 * email and username it had before (store_user_past_*), each for the time it
 * held it; and the addresses it accepted invitations under, but only when
 * they are nobody else's: an invitation to a live user's address may have
 * been accepted by another account. An address that is, or was, another live
 * account's email is never scrubbed; of a past address of the account now
 * another's, only the mails sent while the account held it are deleted.
 */
#include "core/erase.h"
#include "mail/templates.h"
#include "store/store_tfa.h"
#include "store/store_acct.h"
#include "store/store_apps.h"
#include "store/store_events.h"
#include "store/store_keys.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The invitation mail of mail/templates.c (templates_collab_invite): its
 * subject, and the sentence that names the inviter after the greeting. */
#define INVITE_ANONYMOUS "A paasport user whose account was since deleted"

static int others_email(struct store_conn *c, const char *addr, const char *user_id, int *other);

/* The addresses the account accepted invitations under that are nobody else's. */
struct invited {
	struct store_conn *c;
	const char *user_id;
	char **v;
	size_t n, cap;
};

static int add_invited(const char *addr, void *arg)
{
	struct invited *l = arg;
	int other, rc = others_email(l->c, addr, l->user_id, &other);
	if (rc || other)
		return rc;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		char **nv = realloc(l->v, ncap * sizeof *nv);
		if (!nv)
			return PP_ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	if (!(l->v[l->n] = strdup(addr)))
		return PP_ENOMEM;
	l->n++;
	return 0;
}

struct past_list {
	struct user_past_id *v;
	size_t n, cap;
	int rc;
};

static void collect(const struct user_past_id *p, void *arg)
{
	struct past_list *l = arg;
	if (l->rc)
		return;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		struct user_past_id *nv = realloc(l->v, ncap * sizeof *nv);
		if (!nv) {
			l->rc = PP_ENOMEM;
			return;
		}
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = *p;
}

/* *other = 1 when addr is, or was, the email of another live account. */
static int others_email(struct store_conn *c, const char *addr, const char *user_id, int *other)
{
	int rc = store_user_email_claimed(c, addr, user_id);
	*other = rc == PP_ECONFLICT;
	return rc == PP_ECONFLICT ? 0 : rc;
}

/* The inviter's name in the invitation mails sent while the account bore it. */
static int scrub_invites(struct store_conn *c, const char *name, int64_t from, int64_t until)
{
	char old[TXT(USERNAME_MAX) + 64];
	if (!*name)
		return 0;
	snprintf(old, sizeof old, "\n%s" TEMPLATES_INVITE_SENTENCE, name);
	return store_mail_replace_text(c, TEMPLATES_INVITE_SUBJECT, old,
	                               "\n" INVITE_ANONYMOUS TEMPLATES_INVITE_SENTENCE, from,
	                               until);
}

int erase_account(struct store_conn *c, const char *user_id, int64_t now)
{
	struct past_list past = {0};
	struct invited inv = {c, user_id, NULL, 0, 0};
	const char **emails = NULL, **names = NULL;
	int ne = 0, nn = 0, rc, other;
	int64_t name_since = 0;
	struct user_rec u;

	if ((rc = store_user_get(c, user_id, &u)) != 0)
		return rc;
	if ((rc = store_user_past_list(c, u.id, collect, &past)) || (rc = past.rc) ||
	    (rc = store_user_past_since(c, u.id, "username", &name_since)) ||
	    (rc = store_collab_addresses(c, u.id, u.email, add_invited, &inv)))
		goto out;
	emails = calloc(past.n + inv.n + 1, sizeof *emails);
	names = calloc(past.n + 1, sizeof *names);
	if (!emails || !names) {
		rc = PP_ENOMEM;
		goto out;
	}
	emails[ne++] = u.email;
	names[nn++] = u.username;
	for (size_t i = 0; i < inv.n; i++)
		emails[ne++] = inv.v[i];
	for (size_t i = 0; i < past.n; i++) {
		struct user_past_id *p = &past.v[i];
		if (strcmp(p->kind, "username") == 0) {
			names[nn++] = p->value;
			continue;
		}
		if ((rc = others_email(c, p->value, u.id, &other)))
			goto out;
		if (!other)
			emails[ne++] = p->value;
	}

	/* events: scrubbed, then no longer indexed under its names */
	if ((rc = store_event_scrub(c, u.id, emails, ne, names, nn)) ||
	    (rc = store_event_subjects_forget(c, u.id, emails, ne)))
		goto out;
	/* its name in the invitation mails it sent, as it was then */
	if ((rc = scrub_invites(c, u.username, name_since, now)))
		goto out;
	for (size_t i = 0; i < past.n; i++)
		if (strcmp(past.v[i].kind, "username") == 0 &&
		    (rc = scrub_invites(c, past.v[i].value, past.v[i].from_at, past.v[i].until_at)))
			goto out;
	if ((rc = store_collab_mark_deleted(c, u.id)) ||
	    (rc = store_session_delete_others(c, u.id, NULL)) ||
	    (rc = store_token_delete_all(c, u.id)) || (rc = store_key_delete_all(c, u.id)) ||
	    (rc = store_link_delete_all(c, u.id)) || (rc = store_tfa_delete(c, u.id)))
		goto out;
	/* its addresses (not another live account's): the invitations sent there and
	 * never accepted, and every mail sent there */
	for (int i = 0; i < ne; i++)
		if ((rc = store_collab_delete_pending_to(c, emails[i])) ||
		    (rc = store_mail_delete_to(c, emails[i])))
			goto out;
	/* a past address now another's: only the mails of the time it was this account's */
	for (size_t i = 0; i < past.n; i++) {
		struct user_past_id *p = &past.v[i];
		if (strcmp(p->kind, "email") == 0 &&
		    (rc = store_mail_delete_to_between(c, p->value, p->from_at, p->until_at)))
			goto out;
	}
	/* the confirmation mailed to a pending new address, unless another's email */
	if (u.unconfirmed_email[0]) {
		if ((rc = others_email(c, u.unconfirmed_email, u.id, &other)))
			goto out;
		if (!other && (rc = store_mail_delete_to(c, u.unconfirmed_email)))
			goto out;
	}
	if ((rc = store_user_past_forget(c, u.id)))
		goto out;
	rc = store_user_anonymize(c, u.id, now);
out:
	free(emails);
	free(names);
	free(past.v);
	for (size_t i = 0; i < inv.n; i++)
		free(inv.v[i]);
	free(inv.v);
	return rc;
}
