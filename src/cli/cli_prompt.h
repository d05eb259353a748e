/*
 * cli_prompt.h - reading one line of input for the CLI: a prompt on stderr
 * and, for secrets, no echo while stdin is a terminal. When stdin is not a
 * terminal (a pipe in tests and scripts) the line is read without a prompt.
 */
#ifndef PP_CLI_PROMPT_H
#define PP_CLI_PROMPT_H

#include <stddef.h>

/*
 * Reads a line from stdin into out (without its "\r\n"). echo = 0 turns the
 * terminal echo off while reading and restores it, even on SIGINT/SIGTERM/
 * SIGHUP/SIGQUIT (then re-raised). Returns 0, PP_ENOTFOUND at end of input
 * with nothing read, PP_ETOOBIG when the line does not fit, PP_EIO.
 */
int cli_prompt_line(const char *prompt, int echo, char *out, size_t cap);

#endif
