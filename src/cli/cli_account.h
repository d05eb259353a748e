/*
 * cli_account.h - the account commands of the CLI: login, logout, self, API
 * tokens and the timelines. Each returns the process exit status
 * (CLI_EXIT_*); their rows live in paasport.c's command table.
 */
#ifndef PP_CLI_ACCOUNT_H
#define PP_CLI_ACCOUNT_H

#include "cli/cli.h"

int cli_account_login(struct cli_ctx *c);
int cli_account_logout(struct cli_ctx *c);
int cli_account_self(struct cli_ctx *c);
int cli_account_tokens(struct cli_ctx *c);
int cli_account_tokens_add(struct cli_ctx *c);
int cli_account_tokens_renew(struct cli_ctx *c);
int cli_account_tokens_remove(struct cli_ctx *c);
int cli_account_user_timeline(struct cli_ctx *c);

/*
 * Shows one page of a timeline: GET path ("/v1/events", or an app's
 * "/v1/apps/NAME/events", escaped) with the command's --page, --per-page and
 * --anchor options, one line per event with a sentence for its type, and a
 * footer naming next_cmd ("paasport timeline -a NAME") for the next page.
 * app_view adds a column with who did it and keeps --per-page and the
 * anchor in the footer. Returns the exit status.
 */
int cli_account_timeline(struct cli_ctx *c, const char *path, const char *next_cmd, int app_view);

#endif
