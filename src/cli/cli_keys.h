/*
 * cli_keys.h - the SSH key commands of the CLI: keys, keys-add NAME FILE,
 * keys-remove NAME. Each returns the process exit status (CLI_EXIT_*); their
 * rows live in paasport.c's command table.
 */
#ifndef PP_CLI_KEYS_H
#define PP_CLI_KEYS_H

#include "cli/cli.h"

int cli_keys_list(struct cli_ctx *c);
int cli_keys_add(struct cli_ctx *c);
int cli_keys_remove(struct cli_ctx *c);

#endif
