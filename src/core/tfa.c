/* tfa.c - the two-factor authentication use cases (see tfa.h). */
#include "core/tfa.h"
#include "core/events.h"
#include "crypto/qrsvg.h"
#include "crypto/sealed.h"
#include "mail/mailer.h"
#include "mail/templates.h"
#include "store/store_tfa.h"
#include "util/err.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define TFA_SEAL_KEY     "tfa_secretbox"
#define TFA_RECOVERY_KEY "tfa_recovery"

int tfa_attempt_text(const json_t *v, char out[TFA_ATTEMPT_MAX])
{
	out[0] = 0;
	if (json_is_integer(v))
		return totp_normalize_attempt_int((int64_t)json_integer_value(v), out);
	if (!json_is_string(v) || json_string_length(v) >= TFA_ATTEMPT_MAX)
		return PP_EINVAL;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return memchr(out, 0, json_string_length(v)) ? PP_EINVAL : 0;
}

int tfa_state(const struct core_ctx *cx, const char *user_id, struct tfa_state *st)
{
	struct tfa_rec t;
	memset(st, 0, sizeof *st);
	int rc = store_tfa_get(cx->db, user_id, 0, &t);
	if (rc == PP_ENOTFOUND)
		return 0;
	if (rc == 0) {
		st->enabled = t.enabled;
		st->enrolling = t.pending[0] != 0;
		if (t.enabled)
			rc = store_tfa_codes_left(cx->db, user_id, &st->codes_left);
	}
	sodium_memzero(&t, sizeof t);
	return rc;
}

static int seal_key(const struct core_ctx *cx, unsigned char key[SEALED_KEY_BYTES])
{
	return store_server_secret(cx->db, TFA_SEAL_KEY, key, SEALED_KEY_BYTES);
}

/* A sealed secret of the row, opened. */
static int open_secret(const struct core_ctx *cx, const char *sealed,
                       unsigned char secret[TOTP_SECRET_BYTES], size_t *n)
{
	unsigned char key[SEALED_KEY_BYTES];
	int rc = seal_key(cx, key);
	if (rc == 0)
		rc = sealed_open_b64(key, sealed, secret, TOTP_SECRET_BYTES, n);
	sodium_memzero(key, sizeof key);
	return rc == PP_EAUTH || rc == PP_EINVAL ? PP_EIO
	                                         : rc; /* a damaged row: not the user's fault */
}

/* Inside the caller's write transaction: 10 new recovery codes replace the old ones. */
static int new_codes(const struct core_ctx *cx, const char *user_id,
                     char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN])
{
	unsigned char key[TOTP_RECOVERY_KEY_BYTES];
	char hashes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_HASH_LEN];
	const char *h[TOTP_RECOVERY_COUNT];
	int rc = store_server_secret(cx->db, TFA_RECOVERY_KEY, key, sizeof key);
	if (rc == 0)
		rc = totp_recovery_codes(TOTP_RECOVERY_COUNT, codes);
	for (int i = 0; rc == 0 && i < TOTP_RECOVERY_COUNT; i++) {
		rc = totp_recovery_hash(key, codes[i], hashes[i]);
		h[i] = hashes[i];
	}
	if (rc == 0)
		rc = store_tfa_codes_replace(cx->db, user_id, h, TOTP_RECOVERY_COUNT, cx->now);
	sodium_memzero(key, sizeof key);
	return rc;
}

/* attempt as a TOTP code of sealed at the request's time: 0 with *ok and *step,
 * replays of last_step refused (*ok 0). */
static int totp_try(const struct core_ctx *cx, const char *sealed, int64_t last_step,
                    const char *attempt, int *ok, int64_t *step)
{
	char code[TOTP_CODE_LEN];
	unsigned char secret[TOTP_SECRET_BYTES];
	size_t n = 0;
	*ok = 0;
	if (totp_normalize_attempt(attempt, code) != 0)
		return 0;
	int rc = open_secret(cx, sealed, secret, &n);
	if (rc == 0) {
		int v = totp_verify(secret, n, cx->now / 1000, code, last_step, step);
		*ok = v == 0;
		if (v != 0 && v != PP_EAUTH && v != PP_EEXPIRED && v != PP_EINVAL)
			rc = v;
	}
	sodium_memzero(secret, sizeof secret);
	return rc;
}

/*
 * Inside the caller's write transaction, t the locked row of an account with 2FA
 * on: attempt as a TOTP code (its step stored as the last used one) or, when
 * allow_recovery, as an unused recovery code (used up). *accepted 0/1; *left the
 * recovery codes that remain when one was used, -1 otherwise.
 */
static int try_code(const struct core_ctx *cx, const struct tfa_rec *t, const char *attempt,
                    int allow_recovery, int *accepted, int *left)
{
	char rcode[TOTP_RECOVERY_LEN];
	int64_t step = 0;
	int rc;
	*accepted = 0;
	*left = -1;
	if ((rc = totp_try(cx, t->secret, t->last_step, attempt, accepted, &step)) != 0)
		return rc;
	if (*accepted)
		return store_tfa_set_step(cx->db, t->user_id, step);
	if (allow_recovery && totp_recovery_normalize(attempt, rcode) == 0) {
		unsigned char key[TOTP_RECOVERY_KEY_BYTES];
		char hash[TOTP_RECOVERY_HASH_LEN];
		rc = store_server_secret(cx->db, TFA_RECOVERY_KEY, key, sizeof key);
		if (rc == 0)
			rc = totp_recovery_hash(key, rcode, hash);
		if (rc == 0)
			rc = store_tfa_code_use(cx->db, t->user_id, hash, cx->now, left);
		if (rc == 0)
			*accepted = 1;
		else if (rc == PP_ENOTFOUND)
			rc = 0;
		sodium_memzero(key, sizeof key);
		sodium_memzero(rcode, sizeof rcode);
	}
	return rc;
}

static int send_mail(const struct core_ctx *cx, const char *to, int rc,
                     const struct templates_mail *m)
{
	return rc ? rc : mailer_enqueue(cx->db, cx->now, to, m->subject, m->body);
}

/* Inside the transaction: a recovery code was used (event, mail). */
static int recovery_used(const struct core_ctx *cx, const struct user_rec *u, int left)
{
	struct templates_mail m;
	int rc = events_add(cx->db, cx->now, "tfa_recovery_code_used", u->id, NULL, NULL,
	                    events_data_tfa_recovery(cx->ip, left));
	if (rc == 0)
		rc = send_mail(cx, u->email, templates_tfa_recovery_used(&m, left), &m);
	return rc;
}

/* Opens a write transaction and reads the account's row, locked. On failure the
 * transaction is rolled back. */
static int locked_row(const struct core_ctx *cx, const char *user_id, struct tfa_rec *t)
{
	int rc = store_tx_begin(cx->db, STORE_TX_WRITE);
	if (rc == 0 && (rc = store_tfa_get(cx->db, user_id, 1, t)) != 0)
		store_tx_rollback(cx->db);
	return rc;
}

/* Commits (rolling back on failure) and wakes the mail sender. */
static int commit(const struct core_ctx *cx, int rc)
{
	if (rc == 0)
		rc = store_tx_commit(cx->db);
	store_tx_rollback(cx->db);
	if (rc == 0)
		mailer_wake(cx->app->mailer);
	return rc;
}

int tfa_check(const struct core_ctx *cx, const struct user_rec *u, const char *otp,
              enum tfa_check *res)
{
	struct tfa_rec t;
	int accepted = 0, left = -1, rc;
	*res = TFA_CHECK_OFF;
	/* most accounts have no 2FA: a plain read first, no write transaction */
	rc = store_tfa_get(cx->db, u->id, 0, &t);
	if (rc == PP_ENOTFOUND || (rc == 0 && !t.enabled)) {
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	if (!otp || !*otp) {
		*res = TFA_CHECK_MISSING;
		goto out;
	}
	if ((rc = locked_row(cx, u->id, &t)) != 0)
		goto out;
	if (!t.enabled) { /* turned off meanwhile */
		store_tx_rollback(cx->db);
		goto out;
	}
	rc = try_code(cx, &t, otp, 1, &accepted, &left);
	if (rc == 0 && accepted && left >= 0)
		rc = recovery_used(cx, u, left);
	if (rc == 0 && !accepted) {
		store_tx_rollback(cx->db);
		*res = TFA_CHECK_BAD;
		goto out;
	}
	if ((rc = commit(cx, rc)) == 0)
		*res = TFA_CHECK_OK;
out:
	sodium_memzero(&t, sizeof t);
	return rc;
}

int tfa_begin(const struct core_ctx *cx, const struct user_rec *u, struct tfa_enrolment *e,
              struct buf *qr_svg)
{
	unsigned char secret[TOTP_SECRET_BYTES], key[SEALED_KEY_BYTES];
	struct buf sealed, uri;
	struct tfa_state st;
	int rc;

	memset(e, 0, sizeof *e);
	buf_init(&sealed, SEALED_B64_MAX);
	buf_init(&uri, TOTP_URI_MAX - 1);
	if ((rc = tfa_state(cx, u->id, &st)) != 0)
		goto out;
	if (st.enabled) {
		rc = PP_ECONFLICT;
		goto out;
	}
	totp_secret_new(secret);
	if ((rc = seal_key(cx, key)) != 0 ||
	    (rc = sealed_seal_b64(key, secret, sizeof secret, &sealed)) != 0 ||
	    (rc = totp_secret_base32(secret, sizeof secret, e->secret)) != 0)
		goto out;
	/* the account's email labels it in the app; its username if the email cannot */
	rc = totp_uri(TFA_ISSUER, u->email, secret, sizeof secret, &uri);
	if (rc == PP_EINVAL)
		rc = totp_uri(TFA_ISSUER, u->username, secret, sizeof secret, &uri);
	if (rc || (rc = qrsvg_render(uri.data, qr_svg, NULL)) != 0)
		goto out;
	snprintf(e->uri, sizeof e->uri, "%s", uri.data);
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		goto out;
	rc = store_tfa_set_pending(cx->db, u->id, sealed.data, cx->now);
	if (rc == 0)
		rc = store_tx_commit(cx->db);
	store_tx_rollback(cx->db);
out:
	if (rc)
		memset(e, 0, sizeof *e);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(key, sizeof key);
	if (uri.data)
		sodium_memzero(uri.data, uri.len);
	buf_release(&sealed);
	buf_release(&uri);
	return rc;
}

/* A wrong code: rolled back, then counted as a failed login. */
static int wrong_code(const struct core_ctx *cx, const struct user_rec *u, enum login_result *res)
{
	store_tx_rollback(cx->db);
	*res = LOGIN_NEED_OTP;
	return login_code_failed(cx, u);
}

int tfa_validate(const struct core_ctx *cx, const struct user_rec *u, const char *attempt,
                 char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN], enum login_result *res,
                 int64_t *retry_ms)
{
	struct templates_mail m;
	struct tfa_rec t;
	int64_t step = 0;
	int ok = 0, rc;

	if ((rc = login_code_gate(cx, u, res, retry_ms)) != 0 || *res != LOGIN_OK)
		return rc;
	if ((rc = locked_row(cx, u->id, &t)) != 0)
		goto out;
	if (!t.pending[0]) {
		store_tx_rollback(cx->db);
		rc = t.enabled ? PP_ECONFLICT : PP_ENOTFOUND;
		goto out;
	}
	if ((rc = totp_try(cx, t.pending, TOTP_STEP_NONE, attempt, &ok, &step)) == 0 && !ok) {
		rc = wrong_code(cx, u, res);
		goto out;
	}
	if (rc == 0)
		rc = store_tfa_enable(cx->db, u->id, step, cx->now);
	if (rc == 0)
		rc = new_codes(cx, u->id, codes);
	if (rc == 0)
		rc = events_add(cx->db, cx->now, "tfa_enabled", u->id, NULL, NULL,
		                events_data_tfa(TFA_PROVIDER));
	if (rc == 0)
		rc = send_mail(cx, u->email, templates_tfa_enabled(&m), &m);
	rc = commit(cx, rc);
out:
	if (rc || *res != LOGIN_OK)
		sodium_memzero(codes, sizeof(char[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN]));
	sodium_memzero(&t, sizeof t);
	return rc;
}

/*
 * What every change that takes a code shares: the login gate (throttles, lock),
 * the account's 2FA row locked in a write transaction (PP_ENOTFOUND when 2FA is
 * off) and the code checked (recovery codes too when allow_recovery; a wrong one
 * counts as a failed login). Returns 0 with *res == LOGIN_OK and the transaction
 * open; otherwise the transaction is closed.
 */
static int code_checked(const struct core_ctx *cx, const struct user_rec *u, const char *attempt,
                        int allow_recovery, struct tfa_rec *t, enum login_result *res,
                        int64_t *retry_ms)
{
	int ok = 0, left, rc;
	if ((rc = login_code_gate(cx, u, res, retry_ms)) != 0 || *res != LOGIN_OK)
		return rc;
	if ((rc = locked_row(cx, u->id, t)) != 0)
		return rc;
	if (!t->enabled) {
		store_tx_rollback(cx->db);
		return PP_ENOTFOUND;
	}
	if ((rc = try_code(cx, t, attempt, allow_recovery, &ok, &left)) != 0) {
		store_tx_rollback(cx->db);
		return rc;
	}
	return ok ? 0 : wrong_code(cx, u, res);
}

int tfa_regenerate(const struct core_ctx *cx, const struct user_rec *u, const char *attempt,
                   char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN], enum login_result *res,
                   int64_t *retry_ms)
{
	struct tfa_rec t;
	int rc;

	/* a current code only: the recovery codes are what is being replaced */
	if ((rc = code_checked(cx, u, attempt, 0, &t, res, retry_ms)) != 0 || *res != LOGIN_OK)
		goto out;
	rc = commit(cx, new_codes(cx, u->id, codes));
out:
	if (rc || *res != LOGIN_OK)
		sodium_memzero(codes, sizeof(char[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN]));
	sodium_memzero(&t, sizeof t);
	return rc;
}

int tfa_disable(const struct core_ctx *cx, const struct user_rec *u, const char *attempt,
                const char *password, enum login_result *res, int64_t *retry_ms)
{
	struct templates_mail m;
	struct tfa_rec t;
	int rc;

	if (password) {
		if ((rc = login_verify(cx, u->id, password, res, retry_ms)) != 0 ||
		    *res != LOGIN_OK)
			return rc;
	}
	if ((rc = code_checked(cx, u, attempt, 1, &t, res, retry_ms)) != 0 || *res != LOGIN_OK)
		goto out;
	rc = store_tfa_delete(cx->db, u->id);
	if (rc == 0)
		rc = events_add(cx->db, cx->now, "tfa_disabled", u->id, NULL, NULL, NULL);
	if (rc == 0)
		rc = send_mail(cx, u->email, templates_tfa_disabled(&m), &m);
	rc = commit(cx, rc);
out:
	sodium_memzero(&t, sizeof t);
	return rc;
}
