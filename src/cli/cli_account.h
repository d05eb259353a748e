/*
 * cli_account.h - the account commands of the CLI: login, logout, self, API
 * tokens and the user's timeline. Each returns the process exit status
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

#endif
