/*
 * cli_tfa.h - the two-factor authentication commands of the CLI: `2fa` (status),
 * `2fa-enable` (shows the otpauth:// URI and the secret, reads a first code, prints
 * the recovery codes once) and `2fa-disable` (reads a code or a recovery code).
 * Each returns the process exit status; their rows live in paasport.c.
 */
#ifndef PP_CLI_TFA_H
#define PP_CLI_TFA_H

#include "cli/cli.h"

int cli_tfa_status(struct cli_ctx *c);
int cli_tfa_enable(struct cli_ctx *c);
int cli_tfa_disable(struct cli_ctx *c);

#endif
