/*
 * accounts.h - the account use cases: sign-up (with a referral code), the
 * profile update (fields, newsletter, email change by mailed confirmation
 * link, password change needing the current password), email confirmation,
 * password reset by mailed one-time link, the unlock link of a locked account,
 * account deletion by mailed link
 * (erase_account of core/erase.c does the erasing) and the referral link.
 *
 * Results: 0, or PP_EINVAL with the field errors in `errors` (a JSON object
 * field -> [messages], the caller's, filled with jx_error_add; a username or
 * email another account holds is the error "is already taken" on that field),
 * or PP_ECONFLICT for a deletion refused while the account owns apps (their
 * names in `owned_apps`, an array of the caller's), or another PP_E* code
 * (store failure, PP_ENOTFOUND for a vanished account). Each use case runs its
 * own transactions, records its events and enqueues its mails (texts in
 * mail/templates.c), and wakes the mail sender once committed.
 */
#ifndef PP_ACCOUNTS_H
#define PP_ACCOUNTS_H

#include "core/core.h"
#include "core/login.h"
#include "crypto/rand.h"

#include <jansson.h>
#include <stddef.h>

#define ACCOUNTS_LINK_TOKEN_BYTES      32 /* mailed one-time links */
#define ACCOUNTS_EMAIL_CONFIRM_TTL_MS  (24LL * 3600 * 1000)
#define ACCOUNTS_PASSWORD_RESET_TTL_MS (3600LL * 1000)
#define ACCOUNTS_DELETE_TTL_MS         (24LL * 3600 * 1000)
#define ACCOUNTS_DELETE_REASON_MAX     2000 /* characters of reason and of details */
#define ACCOUNTS_REFERRAL_CODE_MAX     64   /* bytes; a longer code given at sign-up is ignored */
#define ACCOUNTS_REFERRAL_LINK_MAX     32   /* hex digits in /r/:code */
#define ACCOUNTS_LINK_TOKEN_MAX        128  /* bytes of a token the client sends back */
#define ACCOUNTS_EMAIL_CANCEL_LINK     "cancel_email_change" /* its kind; confirmation's TTL */
/* Proof of the address at sign-up: until its link is followed the account can
 * sign in and confirm, nothing that lasts (the CONFIRMED route gate), and after
 * ACCOUNTS_UNCONFIRMED_TTL_MS it is erased, freeing its address and username. */
#define ACCOUNTS_SIGNUP_LINK           "confirm_signup" /* its kind */
#define ACCOUNTS_UNCONFIRMED_TTL_MS    (7LL * 24 * 3600 * 1000)
#define ACCOUNTS_SIGNUP_CONFIRM_TTL_MS ACCOUNTS_UNCONFIRMED_TTL_MS /* no use beyond */
#define ACCOUNTS_EXPIRE_BATCH          100 /* expired sign-ups erased per transaction */

struct accounts_signup {
	const char *email, *username, *password; /* NULL: absent */
	const char *fullname, *referral_code;    /* optional */
};

/* Creates the account (its address unconfirmed: email_pending) and mails the
 * confirmation link; an expired unconfirmed account holding the username or the
 * address is erased first, in the same transaction. *u is the new account. */
int accounts_signup(const struct core_ctx *cx, const struct accounts_signup *in, json_t *errors,
                    struct user_rec *u);

struct accounts_profile {
	const char *username, *email, *fullname, *company, *location; /* NULL: unchanged */
	const char *password, *password_confirmation, *current_password;
	const char *otp; /* a 2FA code (NULL: none): a new email needs one when 2FA is on */
	int newsletter;  /* 0/1, -1: unchanged */
};

/*
 * Updates self's profile. A new email becomes unconfirmed_email and a link is
 * mailed to it (with a notice to the current address carrying a link that
 * cancels the change, accounts_email_cancel); giving the current address back
 * cancels a pending change. A new email or a new password needs the current
 * password (current_password "is required to change the email|password");
 * it is checked as a login is (login_verify: throttles, lock-out): PP_ELOCKED
 * (locked) or PP_EBUSY (throttled) with *retry_ms, a wrong one the field error.
 * A new password signs out every other session (keep_session_id, may be NULL,
 * stays) and every bearer JWT issued before. Any change of email or password
 * voids the outstanding reset links; of password, the pending email change's
 * link too. *u is the account after the update.
 */
/* (accounts_update: PP_EFORBIDDEN for a new email while the account's own
 * address is unconfirmed, email_pending.) */
int accounts_update(const struct core_ctx *cx, const struct user_rec *self,
                    const char *keep_session_id, const struct accounts_profile *in, json_t *errors,
                    struct user_rec *u, int64_t *retry_ms);

/* Follows a mailed confirmation link: an email change's (confirm_email) makes
 * its address the account's email (an expired unconfirmed sign-up holding it is
 * erased first); a sign-up's (ACCOUNTS_SIGNUP_LINK) confirms the account's
 * address. Either proves the address (email_confirmed_at). *u is the account. */
int accounts_email_confirm(const struct core_ctx *cx, const char *token, json_t *errors,
                           struct user_rec *u);

/* Cancels the pending email change of a cancel link (mailed to the old address):
 * clears unconfirmed_email, voids the confirmation link and records
 * cancel_email_change. Once the change is confirmed (or replaced) the link is the
 * field error "token". */
int accounts_email_cancel(const struct core_ctx *cx, const char *token, json_t *errors);

/*
 * Mails the sign-up confirmation link again when an account has exactly this
 * email and it is still unconfirmed (and not expired), within the mail limits
 * (mail_limits_confirm_check: beyond them nothing is sent). The same store work
 * otherwise; the caller answers the same whatever happened (no enumeration).
 */
int accounts_confirmation_resend(const struct core_ctx *cx, const char *email);

/* Erases up to ACCOUNTS_EXPIRE_BATCH unconfirmed sign-ups older than
 * ACCOUNTS_UNCONFIRMED_TTL_MS in one transaction; *n = how many. */
int accounts_expire_unconfirmed(const struct core_ctx *cx, int *n);

/* Mails a reset link when an account has exactly this email, doing the same store
 * work (one committed write) when none has; the caller answers the same whatever the
 * result (no enumeration). */
int accounts_reset_request(const struct core_ctx *cx, const char *email);

/* Sets the password of the reset link's account, signs out every session, clears
 * the lock and voids the other reset, email and unlock links. The reset proves
 * the address (email_confirmed_at = now); when it was never proven by its holder
 * (a sign-up never confirmed, or an account older than the proof) every API
 * token is revoked and a pending email change dropped too: whoever signed up
 * with the address before its owner keeps nothing. An account with 2FA needs otp too (a TOTP or
 * recovery code; NULL: none), checked as a login's (login_second_factor) before anything changes:
 * *second is then LOGIN_NEED_OTP (missing or wrong), LOGIN_LOCKED or LOGIN_THROTTLED (*retry_ms),
 * and nothing is done (the link stays usable); LOGIN_OK otherwise. */
int accounts_reset_perform(const struct core_ctx *cx, const char *token, const char *password,
                           const char *otp, json_t *errors, enum login_result *second,
                           int64_t *retry_ms);

/* Unlocks the account of a mailed unlock link (clears the failure count and the
 * lock) and records login_unlock_success. */
int accounts_unlock(const struct core_ctx *cx, const char *token, json_t *errors);

/*
 * Creates a one-time link of kind for user_id (voiding the older ones of that
 * kind) and returns its token. Inside the caller's write transaction.
 */
int accounts_link_new(const struct core_ctx *cx, const char *user_id, const char *kind,
                      const char *data, int64_t ttl_ms, char token[RAND_SECRET_MAX]);

/* Mails self a deletion link; deletion_id receives the id the link carries. */
int accounts_delete_request(const struct core_ctx *cx, const struct user_rec *self,
                            json_t *owned_apps, char deletion_id[ID_MAX]);

/* Erases the account of the link (deletion_id and token must match). reason and
 * details (may be NULL) are checked for length and never stored. */
int accounts_delete_confirm(const struct core_ctx *cx, const char *deletion_id, const char *token,
                            const char *reason, const char *details, json_t *errors,
                            json_t *owned_apps);

/* Where /r/:code sends the browser: the sign-up page, carrying the code when it is
 * 1 to ACCOUNTS_REFERRAL_LINK_MAX lowercase hex digits. Pure. */
void accounts_referral_location(const char *code, char *out, size_t cap);

#endif
