/*
 * mail_limits.h - limits on the mails a user's own actions send to addresses
 * other than their own confirmed one (collaborator invitations, email-change
 * confirmations to the new address): per account per hour and per recipient
 * per day, counted from the database (events and mail outbox), so every node
 * sharing the database sees the same counts. See docs/security.md, "Outbound
 * mail limits".
 */
#ifndef PP_CORE_MAIL_LIMITS_H
#define PP_CORE_MAIL_LIMITS_H

#include "core/core.h"

#include <stdint.h>

/* A team inviting its members one by one stays far below; a script does not. */
#define MAIL_LIMIT_PER_ACCOUNT_HOUR 30
/* Several colleagues inviting a newcomer to their apps on the first day stay below. */
#define MAIL_LIMIT_PER_RECIPIENT_DAY 10
#define MAIL_LIMIT_HOUR_MS           (3600LL * 1000)
#define MAIL_LIMIT_DAY_MS            (24LL * 3600 * 1000)

/*
 * Inside the caller's write transaction, before anything is written: 0 when
 * user_id may send one more such mail to addr, PP_EBUSY with *retry_ms when a
 * limit is reached (the account's: until its oldest counted mail leaves the
 * hour; the recipient's: a whole day, whatever the counts, so that the answer
 * tells nothing about who else mailed addr or when), another code on error.
 */
int mail_limits_check(const struct core_ctx *cx, const char *user_id, const char *addr,
                      int64_t *retry_ms);

/* Sign-up confirmation links mailed to one address per day (the sign-up's and
 * the resends of POST /v1/users/confirmation). */
#define MAIL_LIMIT_CONFIRM_PER_RECIPIENT_DAY 5

/* Inside the caller's write transaction: 0 when one more sign-up confirmation
 * mail may go to addr, PP_EBUSY (*retry_ms a day) when the limit is reached. */
int mail_limits_confirm_check(const struct core_ctx *cx, const char *addr, int64_t *retry_ms);

#endif
