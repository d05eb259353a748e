/* cli_tfa.c - the 2FA commands (see cli_tfa.h), on /v1/client/tfa. */
#include "cli/cli_tfa.h"
#include "cli/cli_prompt.h"
#include "util/err.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define CODE_MAX 64 /* bytes of a code or recovery code typed */

/* Reads a code after prompt; 0, or the message printed and an error. */
static int read_code(const char *prompt, char code[CODE_MAX])
{
	int rc = cli_prompt_line(prompt, 1, code, CODE_MAX);
	if (rc == 0 && !code[0])
		rc = PP_ENOTFOUND;
	if (rc)
		cli_error(rc == PP_ETOOBIG ? "the code is too long" : "no code given");
	return rc;
}

int cli_tfa_status(struct cli_ctx *c)
{
	struct cli_http_resp rs;
	int rc;
	cli_http_resp_init(&rs);
	if ((rc = cli_call(c, "GET", "/v1/client/tfa", NULL, &rs)) != 0)
		goto out;
	if (c->json) {
		cli_print_raw(&rs);
		goto out;
	}
	json_t *t = json_object_get(rs.json, "tfa");
	if (json_is_true(json_object_get(t, "enabled")))
		printf("Two-factor authentication: on (%lld recovery codes left)\n",
		       (long long)json_integer_value(json_object_get(t, "recovery_codes_left")));
	else
		printf("Two-factor authentication: off (turn it on with `paasport 2fa-enable`)\n");
out:
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

int cli_tfa_enable(struct cli_ctx *c)
{
	struct cli_http_resp rs;
	char code[CODE_MAX] = "";
	json_t *body = json_pack("{s:{s:s}}", "tfa", "provider", "totp");
	int rc;

	cli_http_resp_init(&rs);
	if (!body) {
		rc = PP_ENOMEM;
		cli_error("out of memory");
		goto out;
	}
	if ((rc = cli_call(c, "POST", "/v1/client/tfa", body, &rs)) != 0)
		goto out;
	json_t *t = json_object_get(rs.json, "tfa");
	const char *uri = json_string_value(json_object_get(t, "uri"));
	const char *secret = json_string_value(json_object_get(t, "secret"));
	if (!uri || !secret) {
		cli_error("unexpected answer from the server to POST /v1/client/tfa");
		rc = PP_EINVAL;
		goto out;
	}
	cli_step("Add this account to your authenticator app with this URI:");
	cli_put_safe(stdout, uri);
	printf("\n       or type this key by hand: ");
	cli_put_safe(stdout, secret);
	printf("\n");
	fflush(stdout);
	if ((rc = read_code("Code from the app: ", code)) != 0)
		goto out;
	json_decref(body);
	body = json_pack("{s:{s:s}}", "tfa", "attempt", code);
	cli_http_resp_free(&rs);
	cli_http_resp_init(&rs);
	if (!body) {
		rc = PP_ENOMEM;
		cli_error("out of memory");
		goto out;
	}
	if ((rc = cli_call(c, "POST", "/v1/client/tfa/validate", body, &rs)) != 0)
		goto out;
	json_t *codes = json_object_get(json_object_get(rs.json, "tfa"), "codes");
	size_t i;
	json_t *v;
	cli_step("Two-factor authentication is on. Your recovery codes (each works once):");
	json_array_foreach (codes, i, v) {
		printf("       ");
		cli_put_safe(stdout, json_string_value(v) ? json_string_value(v) : "");
		printf("\n");
	}
	printf("       Keep them somewhere safe: they won't be shown again.\n");
out:
	sodium_memzero(code, sizeof code);
	json_decref(body);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

int cli_tfa_disable(struct cli_ctx *c)
{
	struct cli_http_resp rs;
	char code[CODE_MAX] = "";
	json_t *body = NULL;
	int rc;

	cli_http_resp_init(&rs);
	if ((rc = cli_need_auth(c)) != 0)
		goto out;
	if ((rc = read_code("Code from the app (or a recovery code): ", code)) != 0)
		goto out;
	if (!(body = json_pack("{s:{s:s}}", "tfa", "attempt", code))) {
		rc = PP_ENOMEM;
		cli_error("out of memory");
		goto out;
	}
	if ((rc = cli_call(c, "DELETE", "/v1/client/tfa", body, &rs)) != 0)
		goto out;
	cli_step("Two-factor authentication is off.");
out:
	sodium_memzero(code, sizeof code);
	json_decref(body);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}
