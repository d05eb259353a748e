/*
 * gitcmd.h - pure parser of SSH_ORIGINAL_COMMAND for the git forced command:
 * shell-word rules (single quotes, double quotes with backslash escapes, a
 * backslash outside quotes) with no shell behind them, so nothing expands and
 * any unquoted shell metacharacter is refused. Only git-receive-pack and
 * git-upload-pack (also spelled `git receive-pack`, `git upload-pack`) with
 * exactly one argument naming an app are allowed; the app name obeys
 * apps_valid_name(). No I/O: the caller authorizes and runs git.
 */
#ifndef PP_GITCMD_H
#define PP_GITCMD_H

#include "model.h"

#include <stddef.h>

/* Longest command accepted, in bytes (a git client sends well under 100). */
#define GITCMD_MAX 1024
/* Most words kept while parsing (more is refused as extra arguments anyway). */
#define GITCMD_WORDS 4
/* Room for the refusal message. */
#define GITCMD_WHY_MAX 160

enum gitcmd_op {
	GITCMD_EMPTY = 0, /* no command (`ssh -T git@host`): the caller greets */
	GITCMD_RECEIVE,   /* git-receive-pack: a push */
	GITCMD_UPLOAD,    /* git-upload-pack: a fetch or clone */
};

struct gitcmd {
	enum gitcmd_op op;
	char app[APP_NAME_MAX + 1]; /* the app name, valid by apps_valid_name ("" if EMPTY) */
};

/*
 * Parses cmd[0..len) (any bytes; cmd may be NULL when the variable is unset,
 * which is the empty command). Returns 0 and *out, or PP_EINVAL with a
 * one-line reason in why[GITCMD_WHY_MAX] (PP_ETOOBIG beyond GITCMD_MAX).
 */
int gitcmd_parse(const char *cmd, size_t len, struct gitcmd *out, char *why);

#endif
