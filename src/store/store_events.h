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

/* Appends an event; type_data is JSON text (NULL = "{}"); app_* may be NULL; *id (may be
 * NULL) receives its id. */
int store_event_add(struct store_conn *c, const char *type, const char *user_id, const char *app_id,
                    const char *app_name, const char *type_data, int64_t now, int64_t *id);
/* Records that event id names subject (a user id or a lower-cased email) in its type_data. */
int store_event_subject_add(struct store_conn *c, int64_t id, const char *subject);
/*
 * Erases an account's personal data from events: its account events lose
 * their type_data; in the events that name it (subjects, or that it did on
 * apps) every string equal to its email (any case) or username becomes
 * "user account deleted". May run once per address of the account; the
 * subjects rows stay (the caller drops them once every pass is done).
 */
int store_event_scrub(struct store_conn *c, const char *user_id, const char *email,
                      const char *username);

/*
 * One page of a timeline, newest first, read through the (user_id, id) or
 * (app_id, id) index. Exactly one of user_id / app_id is set. Only events with
 * id <= anchor are seen (anchor 0 = the newest id now, returned in *anchor),
 * so pages fetched with the same anchor never repeat or skip an event while
 * new ones are inserted. since_ms > 0 keeps events created at or after it.
 */
struct event_query {
	const char *user_id;
	const char *app_id;
	int64_t anchor;
	int64_t since_ms;
	int64_t offset;
	int limit;
};
int store_event_list(struct store_conn *c, struct event_query *q, int64_t *total,
                     void (*cb)(const struct event_rec *, void *), void *arg);

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
