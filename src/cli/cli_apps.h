/*
 * cli_apps.h - the app commands of the CLI: listing, creating and destroying
 * apps, their containers (scale, restart), collaborators, the app's timeline,
 * and the account deletion request (refused while the user owns apps). The
 * app is chosen with -a/--app or $PAASPORT_APP. Each returns the process exit
 * status (CLI_EXIT_*); their rows live in paasport.c's command table.
 */
#ifndef PP_CLI_APPS_H
#define PP_CLI_APPS_H

#include "cli/cli.h"

int cli_apps_list(struct cli_ctx *c);
int cli_apps_info(struct cli_ctx *c);
int cli_apps_create(struct cli_ctx *c);
int cli_apps_destroy(struct cli_ctx *c);
int cli_apps_containers(struct cli_ctx *c);
int cli_apps_scale(struct cli_ctx *c);
int cli_apps_restart(struct cli_ctx *c);
int cli_apps_collaborators(struct cli_ctx *c);
int cli_apps_collaborators_add(struct cli_ctx *c);
int cli_apps_collaborators_update(struct cli_ctx *c);
int cli_apps_collaborators_remove(struct cli_ctx *c);
int cli_apps_timeline(struct cli_ctx *c);
int cli_apps_account_delete(struct cli_ctx *c);

#endif
