/*
 * cli_confirm.h - what `paasport login` does when the server answers that the
 * account's email address is not confirmed yet (403 "email_unconfirmed"): say
 * what to do, and offer to mail the confirmation link again through the public
 * POST /v1/users/confirmation (asked y/N, or at once with `--resend`).
 */
#ifndef PP_CLI_CONFIRM_H
#define PP_CLI_CONFIRM_H

#include "cli/cli.h"

#define CLI_CONFIRM_CODE "email_unconfirmed" /* the server's marker (api/api.h) */

/* 1 when rs is the server's 403 for an unconfirmed address. */
int cli_confirm_is_unconfirmed(const struct cli_http_resp *rs);

/*
 * Tells the user to confirm the address, then offers to send the link again:
 * `--resend` given, or a "y" to the question. login is what the user typed
 * (used as the address when it has an '@'; otherwise the address is asked).
 * Returns PP_EFORBIDDEN (the login did not happen) or a transport error.
 */
int cli_confirm_offer(struct cli_ctx *c, const char *login);

#endif
