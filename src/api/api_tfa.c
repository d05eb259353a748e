/*
 * api_tfa.c - two-factor authentication of the signed-in account, in the shape of
 * the Scalingo clients (/v1/client/tfa): status, enrolment (URI, QR code, secret),
 * the first code that turns it on (recovery codes), new recovery codes, turning it
 * off. Use cases in core/tfa.h; a wrong code is a 422 on "attempt" and counts as a
 * failed login (the lock-out answers 429 as a login does).
 */
#include "api/api.h"
#include "api/render.h"
#include "core/tfa.h"
#include "util/err.h"
#include "util/jx.h"

#include <sodium.h>
#include <string.h>

/* The attempt of {"tfa": {"attempt"}} (or {"attempt"}): 0, or the 422 answered. */
static int attempt_of(struct req *r, char out[TFA_ATTEMPT_MAX])
{
	json_t *in = r->json ? jx_unwrap(r->json, "tfa") : NULL;
	json_t *v = in ? json_object_get(in, "attempt") : NULL;
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return api_invalid1(r, "attempt", "can't be blank");
	if (tfa_attempt_text(v, out) != 0)
		return api_invalid1(r, "attempt", "is invalid");
	return 0;
}

/* The answer to a code the use case did not accept. */
static int code_refused(struct req *r, enum login_result res)
{
	if (res == LOGIN_NEED_OTP)
		return api_invalid1(r, "attempt", "is invalid");
	if (res == LOGIN_BAD)
		return api_invalid1(r, "password", "is invalid");
	return api_login_failure(r, res);
}

static json_t *codes_json(char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN])
{
	json_t *a = json_array();
	for (int i = 0; a && i < TOTP_RECOVERY_COUNT; i++)
		json_array_append_new(a, json_string(codes[i]));
	return a;
}

int api_tfa_show(struct req *r)
{
	struct tfa_state st;
	struct core_ctx cx = api_ctx(r);
	int rc = tfa_state(&cx, r->user.id, &st);
	if (rc)
		return api_rc(r, rc, "tfa");
	json_t *o = render_tfa(r->user.id, st.enabled);
	json_object_set_new(o, "recovery_codes_left", json_integer(st.codes_left));
	reply_json(r, 200, json_pack("{s:o}", "tfa", o));
	return 0;
}

int api_tfa_create(struct req *r)
{
	const char *provider = NULL;
	json_t *in = r->json ? jx_unwrap(r->json, "tfa") : NULL;
	if (in && jx_opt_str(in, "provider", &provider))
		return api_fail(r, PP_EINVAL, "provider must be a string");
	if (provider && strcmp(provider, TFA_PROVIDER) != 0)
		return api_invalid1(r, "provider", "is not supported (only totp)");
	struct tfa_enrolment e;
	struct buf svg;
	buf_init(&svg, TFA_QR_SVG_MAX);
	struct core_ctx cx = api_ctx(r);
	int rc = tfa_begin(&cx, &r->user, &e, &svg);
	if (rc == PP_ECONFLICT)
		rc = api_fail(r, PP_ECONFLICT, "two-factor authentication is already enabled");
	else if (rc)
		rc = api_rc(r, rc, "tfa");
	if (rc == 0) {
		json_t *o = render_tfa(r->user.id, 0);
		json_object_set_new(o, "uri", json_string(e.uri));
		json_object_set_new(o, "qr_svg", json_string(svg.data));
		json_object_set_new(o, "secret", json_string(e.secret));
		reply_json(r, 201, json_pack("{s:o}", "tfa", o));
	}
	sodium_memzero(&e, sizeof e);
	buf_release(&svg);
	return rc;
}

/* The answer of a use case that made new recovery codes (validate, regenerate). */
static int codes_answer(struct req *r, int rc, enum login_result res,
                        char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN])
{
	if (rc)
		return api_rc(r, rc, "tfa");
	if (res != LOGIN_OK)
		return code_refused(r, res);
	reply_json(r, 200,
	           json_pack("{s:{s:o, s:o}}", "tfa", "codes", codes_json(codes), "user",
	                     render_tfa(r->user.id, 1)));
	return 0;
}

int api_tfa_validate(struct req *r)
{
	char attempt[TFA_ATTEMPT_MAX], codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN];
	enum login_result res = LOGIN_BAD;
	int rc;
	if ((rc = attempt_of(r, attempt)) != 0)
		return rc;
	struct core_ctx cx = api_ctx(r);
	rc = tfa_validate(&cx, &r->user, attempt, codes, &res, &r->fail.retry_ms);
	if (rc == PP_ECONFLICT)
		rc = api_fail(r, PP_ECONFLICT, "two-factor authentication is already enabled");
	else
		rc = codes_answer(r, rc, res, codes);
	sodium_memzero(attempt, sizeof attempt);
	sodium_memzero(codes, sizeof codes);
	return rc;
}

int api_tfa_codes(struct req *r)
{
	char attempt[TFA_ATTEMPT_MAX], codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_LEN];
	enum login_result res = LOGIN_BAD;
	int rc;
	if ((rc = attempt_of(r, attempt)) != 0)
		return rc;
	struct core_ctx cx = api_ctx(r);
	rc = tfa_regenerate(&cx, &r->user, attempt, codes, &res, &r->fail.retry_ms);
	rc = codes_answer(r, rc, res, codes);
	sodium_memzero(attempt, sizeof attempt);
	sodium_memzero(codes, sizeof codes);
	return rc;
}

int api_tfa_delete(struct req *r)
{
	char attempt[TFA_ATTEMPT_MAX];
	const char *password = NULL;
	enum login_result res = LOGIN_BAD;
	int rc;
	if ((rc = attempt_of(r, attempt)) != 0)
		return rc;
	if (jx_opt_str(jx_unwrap(r->json, "tfa"), "password", &password))
		return api_fail(r, PP_EINVAL, "password must be a string");
	/* from the dashboard, the password too (a session left open is not enough) */
	if (r->auth == AUTH_SESSION && (!password || !*password))
		return api_invalid1(r, "password", "can't be blank");
	struct core_ctx cx = api_ctx(r);
	rc = tfa_disable(&cx, &r->user, attempt, r->auth == AUTH_SESSION ? password : NULL, &res,
	                 &r->fail.retry_ms);
	if (rc)
		rc = api_rc(r, rc, "tfa");
	else if (res != LOGIN_OK)
		rc = code_refused(r, res);
	else
		reply_json(r, 200, json_pack("{s:o}", "tfa", render_tfa(r->user.id, 0)));
	sodium_memzero(attempt, sizeof attempt);
	return rc;
}
