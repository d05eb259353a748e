/* gitauth.c - authorized_keys lines and git authorization for paasport-ssh (gitauth.h). */
#include "core/gitauth.h"
#include "core/apps.h"
#include "core/events.h"
#include "core/perm.h"
#include "core/sshkey.h"
#include "store/store_keys.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

/* Ids are made by rand_id(): letters, digits and '-'. Anything else never
 * reaches an authorized_keys line (no quote, no newline). */
static int safe_id(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

int gitauth_key_line(const struct core_ctx *cx, const char *type, const char *b64,
                     const char *shell_cmd, char *out, size_t cap, char *why)
{
	struct sshkey *key = NULL;
	struct key_rec k;
	struct user_rec u;
	char pwhy[SSHKEY_WHY_MAX];
	int rc;
	out[0] = 0;
	why[0] = 0;
	if ((rc = sshkey_parse_pair(type, b64, &key, pwhy)) != 0) {
		snprintf(why, GITAUTH_WHY_MAX, "unusable key: %s", pwhy);
		return rc == PP_ENOMEM ? rc : PP_EINVAL;
	}
	rc = store_key_auth_by_sha256(cx->db, key->sha256_hex, &k, &u);
	if (rc)
		goto out;
	if (!safe_id(k.id) || strpbrk(shell_cmd, "\"\\\n\r")) {
		snprintf(why, GITAUTH_WHY_MAX, "refusing to print an unsafe line");
		rc = PP_EINVAL;
		goto out;
	}
	int n = snprintf(out, cap, "command=\"%s key-%s\",restrict %s %s", shell_cmd, k.id,
	                 key->type, key->b64);
	if (n < 0 || (size_t)n >= cap) {
		out[0] = 0;
		rc = PP_ETOOBIG;
		goto out;
	}
	/* best effort: a failed write of the last use must not refuse the login */
	store_key_touch(cx->db, k.id, cx->now);
out:
	sshkey_free(key);
	return rc;
}

static int refuse(struct gitauth *g, int rc, const char *msg)
{
	snprintf(g->why, sizeof g->why, "%s", msg);
	return rc;
}

int gitauth_check(const struct core_ctx *cx, const char *key_id, const char *cmd, size_t len,
                  struct gitauth *g)
{
	char why[GITCMD_WHY_MAX];
	int rc;
	memset(g, 0, sizeof *g);
	if ((rc = store_key_auth_by_id(cx->db, key_id, &g->key, &g->user)) != 0)
		return rc == PP_ENOTFOUND ? refuse(g, rc, "this key is no longer registered") : rc;
	if ((rc = gitcmd_parse(cmd, len, &g->cmd, why)) != 0)
		return refuse(g, PP_EINVAL, why);
	if (g->cmd.op == GITCMD_EMPTY) {
		snprintf(g->why, sizeof g->why,
		         "Hi %s! You've authenticated with the key named '%s', but paasport does "
		         "not provide shell access. Push to an app with: git push %s@%s:APP.git",
		         g->user.username, g->key.name, cx->app->cfg->git_user,
		         cx->app->cfg->ssh_host);
		return GITAUTH_GREET;
	}
	/* the same words whether the app does not exist or the caller has no role on it */
	snprintf(why, sizeof why, "app '%s' not found", g->cmd.app);
	rc = store_app_for_user_by_name(cx->db, g->cmd.app, g->user.id, &g->app);
	if (rc == PP_ENOTFOUND)
		return refuse(g, rc, why);
	if (rc)
		return rc;
	enum perm_action act = g->cmd.op == GITCMD_RECEIVE ? PERM_PUSH : PERM_FETCH;
	if (!perm_may(g->app.role, act))
		return g->app.role == ROLE_NONE ? refuse(g, PP_ENOTFOUND, why)
		                                : refuse(g, PP_EFORBIDDEN, perm_denied_msg(act));
	if (act == PERM_PUSH && g->app.owner_suspended_at)
		return refuse(g, PP_EFORBIDDEN,
		              "the app's owner account is suspended: pushes are refused until it "
		              "is settled");
	if ((rc = apps_repo_path(cx->app->cfg->repo_root, g->app.id, g->repo, sizeof g->repo)))
		return rc;
	return 0;
}

int gitauth_deployed(const struct core_ctx *cx, const struct gitauth *g, const char *git_ref)
{
	return events_add(cx->db, cx->now, "deployment", g->user.id, g->app.id, g->app.name,
	                  events_data_deployment(g->user.username, git_ref, "pushed"));
}
