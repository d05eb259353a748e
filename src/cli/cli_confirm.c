/* cli_confirm.c - an unconfirmed address at `paasport login` (see cli_confirm.h). */
#include "cli/cli_confirm.h"
#include "cli/cli_prompt.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ANSWER_MAX   16
#define EMAIL_IN_MAX 320 /* bytes of an address typed at the prompt */

int cli_confirm_is_unconfirmed(const struct cli_http_resp *rs)
{
	const char *code = json_string_value(json_object_get(rs->json, "code"));
	return rs->status == 403 && code && strcmp(code, CLI_CONFIRM_CODE) == 0;
}

static int yes(const char *s)
{
	return strcasecmp(s, "y") == 0 || strcasecmp(s, "yes") == 0;
}

/* POST /v1/users/confirmation {"email"}: always 202 when it went through. */
static int resend(struct cli_ctx *c, const char *email)
{
	struct cli_http_resp rs;
	json_t *body = json_pack("{s:s}", "email", email);
	int rc;
	if (!body) {
		cli_error("out of memory");
		return PP_ENOMEM;
	}
	cli_http_resp_init(&rs);
	struct cli_http_req rq = {
	        .method = "POST",
	        .base_url = c->api_url,
	        .path = "/v1/users/confirmation",
	        .body = body,
	};
	rc = cli_send(&rq, &rs);
	if (rc == 0)
		printf("A new confirmation link was mailed to %s (unless it was sent too often "
		       "today).\nFollow it, then run `paasport login` again.\n",
		       email);
	json_decref(body);
	cli_http_resp_free(&rs);
	return rc;
}

int cli_confirm_offer(struct cli_ctx *c, const char *login)
{
	char answer[ANSWER_MAX] = "", email[EMAIL_IN_MAX + 1] = "";
	int rc;

	cli_error("your email address is not confirmed yet: follow the link mailed to it at "
	          "sign-up, then run `paasport login` again");
	if (!cli_opt_value(c, "resend")) {
		rc = cli_prompt_line("Send the confirmation link again? [y/N] ", 1, answer,
		                     sizeof answer);
		if (rc || !yes(answer))
			return PP_EFORBIDDEN;
	}
	if (strchr(login, '@')) {
		snprintf(email, sizeof email, "%s", login);
	} else {
		rc = cli_prompt_line("Email address of the account: ", 1, email, sizeof email);
		if (rc || !email[0]) {
			cli_error("no email address given: nothing was sent");
			return PP_EFORBIDDEN;
		}
	}
	rc = resend(c, email);
	return rc ? rc : PP_EFORBIDDEN;
}
