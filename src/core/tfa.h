/*
 * tfa.h - two-factor authentication (TOTP, RFC 6238, with recovery codes): the
 * account's status, enrolment (a new secret shown once as an otpauth:// URI, a QR
 * code and base32 text; on only after a first valid code, which also gives 10
 * single-use recovery codes), new recovery codes (with a current code), turning it
 * off (a current or recovery code, plus the password from the dashboard), and the
 * check of a code at login (core/login.c).
 *
 * Secrets are sealed at rest (crypto/sealed.h, key: the server secret
 * "tfa_secretbox"); recovery codes are stored as keyed hashes (key
 * "tfa_recovery"). A TOTP code is accepted once: its step is stored as the last
 * used one in the transaction that accepts it, the row locked (store_tfa.h).
 * Codes checked here go through the login throttles and lock-out (login.h:
 * login_code_gate / login_code_failed), so the 10^6 codes cannot be brute-forced.
 */
#ifndef PP_TFA_H
#define PP_TFA_H

#include "core/core.h"
#include "core/login.h"
#include "crypto/qrsvg.h"
#include "crypto/totp.h"
#include "util/buf.h"

#include <jansson.h>

#define TFA_PROVIDER    "totp"
#define TFA_ISSUER      "paasport"    /* the issuer an authenticator app shows */
#define TFA_ATTEMPT_MAX 65            /* bytes of an attempt (code or recovery code), + NUL */
#define TFA_QR_SVG_MAX  QRSVG_SVG_MAX /* the cap of tfa_begin's qr_svg buffer */

struct tfa_state {
	int enabled;
	int enrolling;  /* a secret awaits its first code */
	int codes_left; /* unused recovery codes (0 when off) */
};

/* What a login-time check of a code found. */
enum tfa_check {
	TFA_CHECK_OFF = 0, /* the account has no 2FA: nothing to check */
	TFA_CHECK_OK,      /* a TOTP code or a recovery code was accepted (and used up) */
	TFA_CHECK_MISSING, /* no code given */
	TFA_CHECK_BAD,     /* a wrong, replayed or malformed code */
};

/*
 * Pure: the attempt a client sent, a JSON string (kept as it is, spaces and dashes
 * included: tfa_check normalises) or a JSON number (the npm client sends 012345 as
 * 12345: written back as 6 digits). 0, or PP_EINVAL (another type, a number out of
 * 0..999999, a string of TFA_ATTEMPT_MAX bytes or more).
 */
int tfa_attempt_text(const json_t *v, char out[TFA_ATTEMPT_MAX]);

int tfa_state(const struct core_ctx *cx, const char *user_id, struct tfa_state *st);

struct tfa_enrolment {
	char secret[TOTP_SECRET_B32_MAX]; /* base32, for typing by hand */
	char uri[TOTP_URI_MAX];           /* otpauth://totp/... */
};
/*
 * Starts (or restarts) enrolment: a new secret, kept pending until tfa_validate.
 * e receives the secret's texts, qr_svg (buf_init'ed by the caller, cap
 * TFA_QR_SVG_MAX) the QR code of the URI. PP_ECONFLICT when 2FA is already on.
 */
int tfa_begin(const struct core_ctx *cx, const struct user_rec *u, struct tfa_enrolment *e,
              struct buf *qr_svg);

/*
 * The first code of the pending secret: turns 2FA on and returns the 10 recovery
 * codes (shown once). *res: LOGIN_OK; LOGIN_NEED_OTP for a wrong code (counted as a
 * failed login); LOGIN_LOCKED / LOGIN_THROTTLED (*retry_ms). PP_ENOTFOUND when no
 * enrolment is pending (PP_ECONFLICT when 2FA is already on).
 */
int tfa_validate(const struct core_ctx *cx, const struct user_rec *u, const char *attempt,
                 char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN], enum login_result *res,
                 int64_t *retry_ms);

/* New recovery codes (the old ones die) for a current TOTP code. *res as
 * tfa_validate. PP_ENOTFOUND when 2FA is off. */
int tfa_regenerate(const struct core_ctx *cx, const struct user_rec *u, const char *attempt,
                   char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN], enum login_result *res,
                   int64_t *retry_ms);

/*
 * Turns 2FA off for a current TOTP code or a recovery code, and, when password
 * is not NULL, the account's password (checked as a login is). *res as
 * tfa_validate, LOGIN_BAD for a wrong password. PP_ENOTFOUND when 2FA is off.
 */
int tfa_disable(const struct core_ctx *cx, const struct user_rec *u, const char *attempt,
                const char *password, enum login_result *res, int64_t *retry_ms);

/*
 * The login-time check (no throttle or counting here: the caller's): otp (NULL or
 * "": none) as a TOTP code of the active secret (replays refused) or an unused
 * recovery code (consumed, with the tfa_recovery_code_used event and a mail).
 */
int tfa_check(const struct core_ctx *cx, const struct user_rec *u, const char *otp,
              enum tfa_check *res);

#endif
