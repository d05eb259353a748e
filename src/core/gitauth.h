/*
 * gitauth.h - what paasport-ssh asks of the store, as use cases: the
 * authorized_keys line sshd's AuthorizedKeysCommand prints for a key (found
 * by the SHA-256 of its blob), the authorization of one git command for the
 * key-<id> of the forced command (through perm_may, as the API's declared
 * roles), and the deployment event of an accepted push. No process is run
 * here: src/paasport_ssh.c runs git.
 */
#ifndef PP_GITAUTH_H
#define PP_GITAUTH_H

#include "core/core.h"
#include "core/gitcmd.h"

#include <stddef.h>

#define GITAUTH_WHY_MAX  320
#define GITAUTH_PATH_MAX 1024
#define GITAUTH_LINE_MAX (KEY_LINE_MAX + GITAUTH_PATH_MAX + 64)
/* gitauth_check's answer for the empty command: g->why holds the greeting. */
#define GITAUTH_GREET 1

/*
 * The line for sshd: `command="<shell_cmd> key-<id>",restrict <type> <base64>`
 * when a live account has the key (type, b64 as sshd's %t %k), and its last
 * use is recorded (at most once a minute). PP_ENOTFOUND when no account has
 * it; PP_EINVAL with why[GITAUTH_WHY_MAX] when the key cannot be parsed.
 */
int gitauth_key_line(const struct core_ctx *cx, const char *type, const char *b64,
                     const char *shell_cmd, char *out, size_t cap, char *why);

struct gitauth {
	struct gitcmd cmd;
	struct key_rec key;
	struct user_rec user; /* the key's owner: id, username, email, suspension */
	struct app_rec app;   /* as the key's owner sees it */
	char repo[GITAUTH_PATH_MAX];
	char why[GITAUTH_WHY_MAX];
};

/*
 * Authorizes the SSH_ORIGINAL_COMMAND cmd[0..len) (cmd NULL: unset) for the
 * key key_id, from the store as it is now. 0: allowed, g->cmd.op is
 * GITCMD_RECEIVE or GITCMD_UPLOAD and g->repo the app's repository (from the
 * app's id, never from the user's text). GITAUTH_GREET: the empty command,
 * g->why the greeting. PP_EINVAL (command refused), PP_ENOTFOUND (unknown key,
 * or an app the key's owner cannot reach: the same words as an app that does
 * not exist), PP_EFORBIDDEN (a limited collaborator's push, a suspended
 * owner's app): refused, with the one-line reason in g->why. Another code:
 * the store failed.
 */
int gitauth_check(const struct core_ctx *cx, const char *key_id, const char *cmd, size_t len,
                  struct gitauth *g);

/* Records the deployment event of an accepted push (g from gitauth_check) that set
 * a ref to git_ref (a commit id), in the app's and the pusher's timelines. */
int gitauth_deployed(const struct core_ctx *cx, const struct gitauth *g, const char *git_ref);

#endif
