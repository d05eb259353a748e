/*
 * store_events.h - the account timeline (events) and the mail outbox.
 */
#ifndef PP_STORE_EVENTS_H
#define PP_STORE_EVENTS_H

#include "store/store.h"
#include "store/store_acct.h"

struct event_rec {
	int64_t id;
	int64_t created_at;
	char type[48];
	char user_id[ID_MAX];
	char username[TXT(USERNAME_MAX)];
	char email[TXT(EMAIL_MAX)];
	char app_id[ID_MAX];
	char app_name[64];
	const char *type_data; /* JSON text, valid during the callback only */
};

/* Appends an event; type_data is JSON text (NULL = "{}"); app_* may be NULL. */
int store_event_add(struct store_conn *c, const char *type, const char *user_id,
		    const char *app_id, const char *app_name, const char *type_data, int64_t now);

/* The user's timeline, newest first: *total is the count, then one page. */
int store_event_list_user(struct store_conn *c, const char *user_id, int64_t offset, int limit,
			  int64_t *total, void (*cb)(const struct event_rec *, void *), void *arg);

struct mail_rec {
	int64_t id;
	char to_addr[TXT(EMAIL_MAX)];
	char *subject; /* owned by the caller after store_mail_next: free() */
	char *body;
	int attempts;
};

int store_mail_enqueue(struct store_conn *c, const char *to, const char *subject, const char *body,
		       int64_t now);
/* The oldest mail due at now, PP_ENOTFOUND when none. */
int store_mail_next(struct store_conn *c, int64_t now, struct mail_rec *m);
int store_mail_sent(struct store_conn *c, int64_t id, int64_t now);
int store_mail_failed(struct store_conn *c, int64_t id, const char *err, int64_t next_at);
/* Makes every unsent mail whose last_error is marker due at now. */
int store_mail_requeue(struct store_conn *c, const char *marker, int64_t now);
int store_mail_pending(struct store_conn *c, int64_t *count);

#endif
