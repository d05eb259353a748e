/* gitcmd.c - SSH_ORIGINAL_COMMAND parser (see gitcmd.h). Pure: no I/O. */
#include "core/gitcmd.h"
#include "core/apps.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Characters a shell would act on when unquoted: all refused there. */
static const char SHELL_META[] = ";|&<>()$`*?[]{}~#!^";

static int refuse(char *why, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(char *why, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, GITCMD_WHY_MAX, fmt, ap);
	va_end(ap);
	return rc;
}

struct words {
	char buf[2 * GITCMD_MAX + 2]; /* each word's bytes and a NUL (a word is never longer
	                                 than its source, and takes at least one byte of it) */
	size_t used;
	const char *w[GITCMD_WORDS];
	size_t n; /* words seen, may exceed GITCMD_WORDS (only those are kept) */
};

/* Splits cmd[0..len) into words in *ws; 0 or PP_EINVAL with why. */
static int split(const char *cmd, size_t len, struct words *ws, char *why)
{
	size_t i = 0;
	while (i < len) {
		while (i < len && (cmd[i] == ' ' || cmd[i] == '\t'))
			i++;
		if (i >= len)
			break;
		char *out = ws->buf + ws->used;
		size_t o = 0;
		char q = 0;
		for (; i < len; i++) {
			char c = cmd[i];
			if (q == '\'') {
				if (c == '\'')
					q = 0;
				else
					out[o++] = c;
			} else if (q == '"') {
				if (c == '"') {
					q = 0;
				} else if (c == '\\' && i + 1 < len &&
				           strchr("$`\"\\", cmd[i + 1])) {
					out[o++] = cmd[++i];
				} else if (c == '$' || c == '`') {
					return refuse(
					        why, PP_EINVAL,
					        "contains the shell character '%c' (no shell runs "
					        "here)",
					        c);
				} else {
					out[o++] = c;
				}
			} else if (c == ' ' || c == '\t') {
				break;
			} else if (c == '\'' || c == '"') {
				q = c;
			} else if (c == '\\') {
				if (i + 1 >= len)
					return refuse(why, PP_EINVAL, "ends with a backslash");
				out[o++] = cmd[++i];
			} else if (strchr(SHELL_META, c)) {
				return refuse(
				        why, PP_EINVAL,
				        "contains the shell character '%c' (no shell runs here)",
				        c);
			} else {
				out[o++] = c;
			}
		}
		if (q)
			return refuse(why, PP_EINVAL, "has an unterminated %s quote",
			              q == '\'' ? "single" : "double");
		out[o] = 0;
		if (ws->n < GITCMD_WORDS) {
			ws->w[ws->n] = out;
			ws->used += o + 1;
		}
		ws->n++;
	}
	return 0;
}

/* The app named by arg ('app.git', '/app.git', 'app', '/app') into out. */
static int app_arg(const char *arg, struct gitcmd *out, char *why)
{
	if (!*arg)
		return refuse(why, PP_EINVAL, "the app name is empty");
	if (arg[0] == '-')
		return refuse(why, PP_EINVAL, "the app name must not start with '-'");
	if (strstr(arg, ".."))
		return refuse(why, PP_EINVAL, "the app name must not contain '..'");
	if (arg[0] == '/')
		arg++;
	size_t n = strlen(arg);
	if (n >= 4 && strcmp(arg + n - 4, ".git") == 0)
		n -= 4;
	if (memchr(arg, '/', n))
		return refuse(why, PP_EINVAL,
		              "the argument must name an app ('APP.git'), not a path");
	if (n > APP_NAME_MAX)
		return refuse(why, PP_EINVAL, "the app name is too long (maximum is %d characters)",
		              APP_NAME_MAX);
	char name[APP_NAME_MAX + 1];
	memcpy(name, arg, n);
	name[n] = 0;
	const char *m = apps_valid_name(name);
	if (m)
		return refuse(why, PP_EINVAL, "the app name %s", m);
	memcpy(out->app, name, n + 1);
	return 0;
}

int gitcmd_parse(const char *cmd, size_t len, struct gitcmd *out, char *why)
{
	static struct words zero;
	struct words ws = zero;
	int rc;

	memset(out, 0, sizeof *out);
	why[0] = 0;
	if (!cmd)
		len = 0;
	if (len > GITCMD_MAX)
		return refuse(why, PP_ETOOBIG, "the command is too long (maximum is %d bytes)",
		              GITCMD_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)cmd[i];
		if (c == 0)
			return refuse(why, PP_EINVAL, "the command contains a NUL byte");
		if (c == '\n' || c == '\r')
			return refuse(why, PP_EINVAL, "the command contains a line break");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return refuse(why, PP_EINVAL, "the command contains a control character");
	}
	if ((rc = split(cmd, len, &ws, why)))
		return rc;
	if (ws.n == 0) {
		out->op = GITCMD_EMPTY;
		return 0;
	}

	size_t first_arg = 1;
	const char *verb = ws.w[0];
	if (strcmp(verb, "git") == 0 && ws.n >= 2) {
		verb = ws.w[1];
		first_arg = 2;
		if (strcmp(verb, "receive-pack") == 0)
			verb = "git-receive-pack";
		else if (strcmp(verb, "upload-pack") == 0)
			verb = "git-upload-pack";
		else
			verb = "";
	}
	if (strcmp(verb, "git-receive-pack") == 0)
		out->op = GITCMD_RECEIVE;
	else if (strcmp(verb, "git-upload-pack") == 0)
		out->op = GITCMD_UPLOAD;
	else
		return refuse(why, PP_EINVAL,
		              "only git-receive-pack and git-upload-pack are allowed (there is no "
		              "shell access)");
	if (ws.n == first_arg) {
		out->op = GITCMD_EMPTY;
		return refuse(why, PP_EINVAL, "%s needs one argument: the app ('APP.git')", verb);
	}
	if (ws.n > first_arg + 1) {
		out->op = GITCMD_EMPTY;
		return refuse(why, PP_EINVAL, "%s takes exactly one argument: the app", verb);
	}
	if ((rc = app_arg(ws.w[first_arg], out, why))) {
		out->op = GITCMD_EMPTY;
		return rc;
	}
	return 0;
}
