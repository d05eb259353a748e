/*
 * paasport_ssh.c - main() of paasport-ssh, the program OpenSSH's sshd runs for
 * git over SSH (docs/git-ssh.md):
 *
 *   paasport-ssh [--flag=value ...] keys USER TYPE KEY
 *     the AuthorizedKeysCommand (%u %t %k): for the git user and a key some
 *     live account has, one authorized_keys line that forces
 *     `paasport-ssh [the same flags] shell key-<id>`; else nothing. Exit 0
 *     either way; nothing on stdout on any error (the reason on stderr, which
 *     sshd logs).
 *   paasport-ssh [--flag=value ...] shell key-<id>
 *     the forced command: authorizes SSH_ORIGINAL_COMMAND (core/gitauth.h)
 *     and runs `git receive-pack` / `git upload-pack` on the app's repository
 *     (fork and exec, no shell), then records the deployment of a push that
 *     moved a ref.
 *
 * Flags are paasportd's (--database=..., --repo-root=..., --git-user=...;
 * PAASPORT_* variables too), in the --flag=value form only. The store is opened
 * with one connection and no migration; nothing else of paasportd starts.
 */
#include "config.h"
#include "app.h"
#include "core/core.h"
#include "core/gitauth.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/err.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SELF_MAX      1024
#define REFS_MAX      (1024 * 1024) /* what `git for-each-ref` may print, in bytes */
#define SHELL_CMD_MAX (8 * 1024)

static int usage(void)
{
	fputs("usage: paasport-ssh [--flag=value ...] keys USER TYPE BASE64\n"
	      "       paasport-ssh [--flag=value ...] shell key-ID\n",
	      stderr);
	return 2;
}

/* A flag value may go into the forced command between single quotes. */
static int quotable(const char *s)
{
	for (; *s; s++)
		if (*s == '\'' || *s == '"' || *s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* `<self> '<flag>' ... shell`: the forced command's words before key-<id>. */
static int shell_cmd(const char *argv0, int nflags, char **flags, char *out, size_t cap)
{
	char self[SELF_MAX];
	if (argv0[0] == '/') {
		snprintf(self, sizeof self, "%s", argv0);
	} else {
		ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
		if (n <= 0)
			return PP_EIO;
		self[n] = 0;
	}
	if (!quotable(self) || strchr(self, ' ') || strchr(self, '\''))
		return PP_EINVAL;
	size_t used = (size_t)snprintf(out, cap, "%s", self);
	for (int i = 0; i < nflags && used < cap; i++) {
		if (!quotable(flags[i]))
			return PP_EINVAL;
		used += (size_t)snprintf(out + used, cap - used, " '%s'", flags[i]);
	}
	if (used + sizeof " shell" >= cap)
		return PP_ETOOBIG;
	snprintf(out + used, cap - used, " shell");
	return 0;
}

static int open_ctx(struct config *cfg, struct app *app, struct core_ctx *cx)
{
	memset(app, 0, sizeof *app);
	app->cfg = cfg;
	clock_init(&app->clock, 0);
	if (store_open_existing(cfg->database, 1, &app->store) != 0)
		return PP_EDB;
	memset(cx, 0, sizeof *cx);
	cx->app = app;
	cx->db = store_acquire(app->store);
	cx->now = clock_now_ms(&app->clock);
	cx->ip = getenv("SSH_CONNECTION") ? getenv("SSH_CONNECTION") : "";
	cx->user_agent = "";
	return 0;
}

static void close_ctx(struct app *app, struct core_ctx *cx)
{
	if (cx->db)
		store_release(app->store, cx->db);
	cx->db = NULL;
	store_close(app->store);
	app->store = NULL;
}

static int cmd_keys(struct config *cfg, const char *self, int nflags, char **flags,
                    const char *user, const char *type, const char *b64)
{
	struct app app;
	struct core_ctx cx;
	char scmd[SHELL_CMD_MAX], line[GITAUTH_LINE_MAX], why[GITAUTH_WHY_MAX];
	int rc;
	if (strcmp(user, cfg->git_user) != 0)
		return 0; /* another user's login: not ours to answer */
	if ((rc = shell_cmd(self, nflags, flags, scmd, sizeof scmd)) != 0) {
		fprintf(stderr,
		        "paasport-ssh: cannot make the forced command (%s): a path or flag "
		        "holds a quote, a backslash or a control character\n",
		        pp_strerror(rc));
		return 1;
	}
	if (open_ctx(cfg, &app, &cx) != 0) {
		fprintf(stderr, "paasport-ssh: cannot open the store\n");
		return 1;
	}
	rc = gitauth_key_line(&cx, type, b64, scmd, line, sizeof line, why);
	close_ctx(&app, &cx);
	if (rc == 0) {
		printf("%s\n", line);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (rc == PP_ENOTFOUND)
		return 0;
	fprintf(stderr, "paasport-ssh: %s\n", why[0] ? why : pp_strerror(rc));
	return rc == PP_EINVAL ? 0 : 1;
}

/* Runs argv (no shell) with stdout into buf when buf is not NULL; its exit status,
 * or -1 when it could not run. */
static int run(char *const argv[], char *buf, size_t cap)
{
	int fd[2] = {-1, -1};
	if (buf && pipe(fd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		if (buf) {
			close(fd[0]);
			close(fd[1]);
		}
		return -1;
	}
	if (pid == 0) {
		if (buf) {
			dup2(fd[1], STDOUT_FILENO);
			close(fd[0]);
			close(fd[1]);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	size_t n = 0;
	if (buf) {
		close(fd[1]);
		ssize_t r;
		while ((r = read(fd[0], buf + n, cap - 1 - n)) > 0 || (r < 0 && errno == EINTR))
			if (r > 0)
				n += (size_t)r;
		close(fd[0]);
		buf[n] = 0;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* "<sha> <ref>\n" lines of the repository, or NULL. */
static char *refs_of(const char *repo)
{
	char gd[GITAUTH_PATH_MAX + 16];
	snprintf(gd, sizeof gd, "--git-dir=%s", repo);
	char *const argv[] = {"git", gd, "for-each-ref", "--format=%(objectname) %(refname)", NULL};
	char *buf = malloc(REFS_MAX);
	if (buf && run(argv, buf, REFS_MAX) != 0) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

/* The commit a ref points to now that it did not before (a branch first), or 0. */
static int moved_ref(const char *before, const char *after, char *sha, size_t cap)
{
	int found = 0;
	for (const char *l = after; *l;) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		char line[512];
		if (len < sizeof line) {
			memcpy(line, l, len);
			line[len] = 0;
			int same = 0;
			for (const char *b = before; *b;) {
				const char *be = strchr(b, '\n');
				size_t bl = be ? (size_t)(be - b) : strlen(b);
				if (bl == len && memcmp(b, line, len) == 0)
					same = 1;
				b += bl + (be ? 1 : 0);
			}
			char *sp = strchr(line, ' ');
			if (!same && sp) {
				int branch = strncmp(sp + 1, "refs/heads/", 11) == 0;
				if (!found || branch) {
					snprintf(sha, cap, "%.*s", (int)(sp - line), line);
					found = branch ? 2 : 1;
				}
				if (found == 2)
					return 1;
			}
		}
		l += len + (end ? 1 : 0);
	}
	return found != 0;
}

static int cmd_shell(struct config *cfg, const char *key_arg)
{
	struct app app;
	struct core_ctx cx;
	struct gitauth g;
	const char *cmd = getenv("SSH_ORIGINAL_COMMAND");
	int rc;
	if (strncmp(key_arg, "key-", 4) != 0)
		return usage();
	if (open_ctx(cfg, &app, &cx) != 0) {
		fputs("paasport: the service is unavailable, try again later\n", stderr);
		return 1;
	}
	rc = gitauth_check(&cx, key_arg + 4, cmd, cmd ? strlen(cmd) : 0, &g);
	close_ctx(&app, &cx); /* no connection held while git runs */
	if (rc == GITAUTH_GREET) {
		fprintf(stderr, "%s\n", g.why);
		return 1;
	}
	if (rc == PP_EINVAL || rc == PP_ENOTFOUND || rc == PP_EFORBIDDEN) {
		fprintf(stderr, "paasport: %s\n", g.why);
		return 1;
	}
	if (rc) {
		fputs("paasport: the service is unavailable, try again later\n", stderr);
		return 1;
	}
	int push = g.cmd.op == GITCMD_RECEIVE;
	char *before = push ? refs_of(g.repo) : NULL;
	if (push && !before) {
		fputs("paasport: the app's repository cannot be read\n", stderr);
		return 1;
	}
	char *const argv[] = {"git", push ? "receive-pack" : "upload-pack", g.repo, NULL};
	int status = run(argv, NULL, 0);
	if (status < 0) {
		free(before);
		fputs("paasport: cannot run git\n", stderr);
		return 1;
	}
	if (push && status == 0) {
		char *after = refs_of(g.repo), sha[128];
		if (after && moved_ref(before, after, sha, sizeof sha)) {
			if (open_ctx(cfg, &app, &cx) != 0 || gitauth_deployed(&cx, &g, sha) != 0)
				fputs("paasport: the push is in, but its deployment could not be "
				      "recorded\n",
				      stderr);
			close_ctx(&app, &cx);
		}
		free(after);
	}
	free(before);
	return status;
}

int main(int argc, char **argv)
{
	struct config cfg;
	int sub = 1;
	while (sub < argc && strncmp(argv[sub], "--", 2) == 0) {
		if (!strchr(argv[sub], '='))
			return usage();
		sub++;
	}
	if (sub >= argc)
		return usage();
	signal(SIGPIPE, SIG_IGN);
	if (config_load(&cfg, sub, argv) != 0)
		return 2;
	if (strcmp(argv[sub], "keys") == 0 && argc - sub == 4)
		return cmd_keys(&cfg, argv[0], sub - 1, argv + 1, argv[sub + 1], argv[sub + 2],
		                argv[sub + 3]);
	if (strcmp(argv[sub], "shell") == 0 && argc - sub == 2)
		return cmd_shell(&cfg, argv[sub + 1]);
	return usage();
}
