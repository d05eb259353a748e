/* mail_limits.c - outbound mail limits (see mail_limits.h). */
#include "core/mail_limits.h"
#include "mail/templates.h"
#include "store/store.h"
#include "store/store_events.h"
#include "util/err.h"

#include <stdio.h>

/* The subject of templates_email_confirm (mail/templates.c), the mail to the new address. */

/* Adds one count to *total and keeps the oldest non-zero time in *oldest. */
static void add(int64_t n, int64_t t, int64_t *total, int64_t *oldest)
{
	*total += n;
	if (n > 0 && (*oldest == 0 || t < *oldest))
		*oldest = t;
}

int mail_limits_check(const struct core_ctx *cx, const char *user_id, const char *addr,
                      int64_t *retry_ms)
{
	int64_t n, t, total = 0, oldest = 0;
	int64_t hour = cx->now - MAIL_LIMIT_HOUR_MS, day = cx->now - MAIL_LIMIT_DAY_MS;
	int rc;

	*retry_ms = 0;
	/* one check at a time per account and per address, across nodes: two
	 * concurrent requests cannot both take the last slot */
	char lock[TXT(EMAIL_MAX) + 16];
	snprintf(lock, sizeof lock, "mail-account:%s", user_id);
	if ((rc = store_tx_lock(cx->db, lock)) != 0)
		return rc;
	snprintf(lock, sizeof lock, "mail-to:%s", addr);
	if ((rc = store_tx_lock(cx->db, lock)) != 0)
		return rc;
	/* the account's mails: an invitation event each, and the profile edits that set a
	 * new address (a cancellation is counted too: it can only make the count larger) */
	if ((rc = store_event_count(cx->db, user_id, "new_collaborator", NULL, hour, &n, &t)) != 0)
		return rc;
	add(n, t, &total, &oldest);
	if ((rc = store_event_count(cx->db, user_id, "edit_profile", "\"unconfirmed_email\"", hour,
	                            &n, &t)) != 0)
		return rc;
	add(n, t, &total, &oldest);
	if (total >= MAIL_LIMIT_PER_ACCOUNT_HOUR) {
		*retry_ms = oldest + MAIL_LIMIT_HOUR_MS - cx->now;
		if (*retry_ms < 1000)
			*retry_ms = 1000;
		return PP_EBUSY;
	}

	/* the recipient's: those kinds of mail from anyone, in the outbox */
	total = oldest = 0;
	if ((rc = store_mail_count_to(cx->db, addr, TEMPLATES_INVITE_SUBJECT, day, &n, &t)) != 0)
		return rc;
	add(n, t, &total, &oldest);
	if ((rc = store_mail_count_to(cx->db, addr, TEMPLATES_EMAIL_CONFIRM_SUBJECT, day, &n,
	                              &t)) != 0)
		return rc;
	add(n, t, &total, &oldest);
	if (total >= MAIL_LIMIT_PER_RECIPIENT_DAY) {
		*retry_ms = MAIL_LIMIT_DAY_MS;
		return PP_EBUSY;
	}
	return 0;
}

int mail_limits_confirm_check(const struct core_ctx *cx, const char *addr, int64_t *retry_ms)
{
	int64_t n = 0, t = 0;
	int rc = store_mail_count_to(cx->db, addr, TEMPLATES_SIGNUP_CONFIRM_SUBJECT,
	                             cx->now - MAIL_LIMIT_DAY_MS, &n, &t);
	*retry_ms = 0;
	if (rc)
		return rc;
	if (n >= MAIL_LIMIT_CONFIRM_PER_RECIPIENT_DAY) {
		*retry_ms = MAIL_LIMIT_DAY_MS;
		return PP_EBUSY;
	}
	return 0;
}
