/*
 * store_events.h - the account timeline (events) and the mail outbox.
 */
#ifndef PP_STORE_EVENTS_H
#define PP_STORE_EVENTS_H

#include "model.h"
#include "store/store.h"

/* Appends an event; type_data is JSON text (NULL = "{}"); app_* may be NULL; *id (may be
 * NULL) receives its id. The event and its timeline counters are written in the
 * caller's transaction when one is open (on an error the caller rolls back),
 * else in a STORE_TX_WRITE transaction of their own. */
int store_event_add(struct store_conn *c, const char *type, const char *user_id, const char *app_id,
                    const char *app_name, const char *type_data, int64_t now, int64_t *id);
/* Records that event id names subject (a user id or a lower-cased email) in its type_data. */
int store_event_subject_add(struct store_conn *c, int64_t id, const char *subject);
/*
 * Erases an account's personal data from events: its account events lose
 * their type_data; in the events that name it (subjects: its id or one of
 * emails, lower-cased) or that it did on apps, every string equal to one of
 * emails (any case) or usernames becomes "user account deleted". The subjects
 * rows stay (store_event_subjects_forget drops them after).
 */
int store_event_scrub(struct store_conn *c, const char *user_id, const char *const *emails,
                      int nemails, const char *const *usernames, int nusernames);
/* Drops the subjects rows naming the user's id and each of emails (after the scrub). */
int store_event_subjects_forget(struct store_conn *c, const char *user_id,
                                const char *const *emails, int nemails);

/*
 * One page of a timeline, newest first, read through the (user_id, id) or
 * (app_id, id) index. Exactly one of user_id / app_id is set. Only events with
 * id <= anchor are seen; anchor 0 asks for a new one, returned in q->anchor.
 * since_ms > 0 keeps events created at or after it.
 *
 * The anchor is a watermark: every event with id <= anchor had committed when
 * it was taken and no event with such an id commits later, so pages fetched
 * with the same anchor never repeat or skip an event while new ones arrive.
 * It is taken in the same STORE_TX_READ snapshot as the count and the page (the
 * caller's transaction when one is open). Each engine keeps the promise its own
 * way: see store/sqlite/sq_events.c and docs/decisions.md.
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

int store_mail_enqueue(struct store_conn *c, const char *to, const char *subject, const char *body,
                       int64_t now);
/*
 * Claims the oldest unsent mail due at now, PP_ENOTFOUND when none: in one
 * statement it is read and its next_attempt_at pushed to now +
 * STORE_MAIL_LEASE_MS, so no other mailer (another node, or a second thread)
 * takes it while this one sends it; the sender then marks it sent, failed or
 * logged, which ends the lease. A mail is sent once; if the sender dies
 * between the claim and the mark, the mail is due again when the lease runs
 * out and is sent again (at least once on a crash, exactly once otherwise).
 */
#define STORE_MAIL_LEASE_MS (5 * 60 * 1000)
int store_mail_next(struct store_conn *c, int64_t now, struct mail_rec *m);
/* Marks the mail sent at now and drops its body (the links it held); to_addr,
 * subject and the times remain. */
int store_mail_sent(struct store_conn *c, int64_t id, int64_t now);
int store_mail_failed(struct store_conn *c, int64_t id, const char *err, int64_t next_at);
/* A mail written to the log (no SMTP server): records marker as its last error,
 * parks it until next_at and drops its body, as store_mail_sent does. */
int store_mail_logged(struct store_conn *c, int64_t id, const char *marker, int64_t next_at);
/* Drops the body of every mail already sent or logged (last_error = marker):
 * rows written before bodies were dropped. */
int store_mail_forget_bodies(struct store_conn *c, const char *marker);
/* Makes every unsent mail whose last_error is marker due at now. */
int store_mail_requeue(struct store_conn *c, const char *marker, int64_t now);
int store_mail_pending(struct store_conn *c, int64_t *count);
/* Deletes every mail to addr (any case), sent or not (account erasure). */
int store_mail_delete_to(struct store_conn *c, const char *addr);
/* Deletes every mail to addr (any case) created in [from, until] (account erasure:
 * an address the account held only then). */
int store_mail_delete_to_between(struct store_conn *c, const char *addr, int64_t from,
                                 int64_t until);
/* In the mails with that subject created in [from, until], replaces every
 * occurrence of old in the body by repl (account erasure: its name in mails
 * to others). */
int store_mail_replace_text(struct store_conn *c, const char *subject, const char *old,
                            const char *repl, int64_t from, int64_t until);

/* Mails to addr (any case) with that subject created at or after since: how
 * many, and the oldest one's created_at (0 when none). Outbound mail limits. */
int store_mail_count_to(struct store_conn *c, const char *addr, const char *subject, int64_t since,
                        int64_t *count, int64_t *oldest);
/* Events of user_id of that type created at or after since whose type_data
 * contains data_part (NULL: any): how many, and the oldest one's created_at (0
 * when none). Outbound mail limits. */
int store_event_count(struct store_conn *c, const char *user_id, const char *type,
                      const char *data_part, int64_t since, int64_t *count, int64_t *oldest);

#endif
