/*
 * test_gitcmd.c - the SSH_ORIGINAL_COMMAND parser: every spelling git
 * clients send, the empty command, and hostile commands (shell
 * metacharacters, substitutions, traversal, option injection, line breaks,
 * NUL, oversized names, extra arguments), each refused with its reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gitcmd.h"
#include "util/err.h"

static void ok(const char *cmd, enum gitcmd_op op, const char *app)
{
	struct gitcmd g;
	char why[GITCMD_WHY_MAX];
	int rc = gitcmd_parse(cmd, strlen(cmd), &g, why);
	if (rc != 0 || g.op != op || strcmp(g.app, app) != 0) {
		print_error("[%s]: rc %d op %d app \"%s\" why \"%s\"\n", cmd, rc, g.op, g.app, why);
		fail();
	}
}

static void refused_n(const char *cmd, size_t len, const char *words)
{
	struct gitcmd g;
	char why[GITCMD_WHY_MAX];
	int rc = gitcmd_parse(cmd, len, &g, why);
	if (rc == 0 || !strstr(why, words) || g.op != GITCMD_EMPTY || g.app[0]) {
		print_error("[%s]: rc %d op %d why \"%s\", wanted \"%s\"\n", cmd, rc, g.op, why,
		            words);
		fail();
	}
	assert_null(strchr(why, '\n')); /* one line */
}

static void refused(const char *cmd, const char *words)
{
	refused_n(cmd, strlen(cmd), words);
}

static void test_accepted(void **state)
{
	(void)state;
	/* what git sends: ssh host "git-receive-pack 'app.git'" */
	ok("git-receive-pack 'my-app.git'", GITCMD_RECEIVE, "my-app");
	ok("git-upload-pack 'my-app.git'", GITCMD_UPLOAD, "my-app");
	ok("git-receive-pack '/my-app.git'", GITCMD_RECEIVE, "my-app");
	ok("git-upload-pack '/my-app.git'", GITCMD_UPLOAD, "my-app");
	ok("git-receive-pack my-app", GITCMD_RECEIVE, "my-app");
	ok("git-receive-pack my-app.git", GITCMD_RECEIVE, "my-app");
	ok("git-receive-pack /my-app", GITCMD_RECEIVE, "my-app");
	ok("git-upload-pack \"my-app.git\"", GITCMD_UPLOAD, "my-app");
	/* Git for Windows' spelling */
	ok("git receive-pack 'my-app.git'", GITCMD_RECEIVE, "my-app");
	ok("git upload-pack '/my-app.git'", GITCMD_UPLOAD, "my-app");
	/* blanks around and between words, quotes joined to bare text */
	ok("  git-receive-pack\t 'my-app.git'  ", GITCMD_RECEIVE, "my-app");
	ok("git-receive-pack my'-app'.git", GITCMD_RECEIVE, "my-app");
	ok("git-receive-pack my\\-app", GITCMD_RECEIVE, "my-app");
	/* in double quotes a backslash escapes only $ ` " and itself */
	refused("git-receive-pack \"my\\-app\"", "the app name should contain only");
}

static void test_empty(void **state)
{
	(void)state;
	struct gitcmd g;
	char why[GITCMD_WHY_MAX];
	assert_int_equal(gitcmd_parse(NULL, 0, &g, why), 0);
	assert_int_equal(g.op, GITCMD_EMPTY);
	assert_int_equal(gitcmd_parse("", 0, &g, why), 0);
	assert_int_equal(g.op, GITCMD_EMPTY);
	assert_int_equal(gitcmd_parse("  \t ", 4, &g, why), 0);
	assert_int_equal(g.op, GITCMD_EMPTY);
	assert_string_equal(g.app, "");
}

static void test_shell(void **state)
{
	(void)state;
	refused("git-receive-pack 'my-app.git'; rm -rf /", "the shell character ';'");
	refused("git-receive-pack my-app.git;id", "the shell character ';'");
	refused("git-receive-pack $(id)", "the shell character '$'");
	refused("git-receive-pack \"$(id)\"", "the shell character '$'");
	refused("git-receive-pack \"${HOME}\"", "the shell character '$'");
	refused("git-receive-pack `id`", "the shell character '`'");
	refused("git-receive-pack \"`id`\"", "the shell character '`'");
	refused("git-receive-pack my-app | sh", "the shell character '|'");
	refused("git-receive-pack my-app && sh", "the shell character '&'");
	refused("git-receive-pack my-app > /tmp/x", "the shell character '>'");
	refused("git-receive-pack < /etc/passwd", "the shell character '<'");
	refused("git-receive-pack my-app*", "the shell character '*'");
	refused("git-receive-pack ~/my-app", "the shell character '~'");
	refused("git-receive-pack my-app #", "the shell character '#'");
	refused("(git-receive-pack my-app)", "the shell character '('");
	refused("git-receive-pack 'my-app.git", "unterminated single quote");
	refused("git-receive-pack \"my-app.git", "unterminated double quote");
	refused("git-receive-pack my-app\\", "ends with a backslash");
	refused("git-receive-pack 'my-app.git'\ntouch /tmp/x", "line break");
	refused("git-receive-pack 'my-app.git'\r", "line break");
	refused("git-receive-pack 'my\napp'", "line break");
	refused("git-receive-pack my-app\x1b[2J", "control character");
	refused_n("git-receive-pack my-app\0; id", 30, "NUL byte");
	refused_n("git-receive-pack 'my-app\0.git'", 31, "NUL byte");
	/* quoted metacharacters are not run, and not an app name either */
	refused("git-receive-pack 'my-app;id'", "the app name should contain only");
	refused("git-receive-pack \\$HOME-app", "the app name should contain only");
}

static void test_verbs_and_arguments(void **state)
{
	(void)state;
	refused("sh", "only git-receive-pack and git-upload-pack are allowed");
	refused("bash -c id", "only git-receive-pack");
	refused("git-upload-archive 'my-app.git'", "only git-receive-pack");
	refused("git", "only git-receive-pack");
	refused("git status", "only git-receive-pack");
	refused("git -c core.sshCommand=id upload-pack my-app", "only git-receive-pack");
	refused("'git-receive-pack ' my-app", "only git-receive-pack");
	refused("GIT_DIR=/ git-receive-pack my-app", "only git-receive-pack");
	refused("git-receive-pack", "git-receive-pack needs one argument: the app");
	refused("git upload-pack", "git-upload-pack needs one argument");
	refused("git-receive-pack my-app other-app", "takes exactly one argument");
	refused("git-receive-pack my-app --upload-pack=id", "takes exactly one argument");
	refused("git upload-pack my-app my-app", "takes exactly one argument");
	refused("git-receive-pack ''", "the app name is empty");
	refused("git-receive-pack \"\"", "the app name is empty");
}

static void test_app_names(void **state)
{
	(void)state;
	refused("git-receive-pack '../my-app.git'", "must not contain '..'");
	refused("git-receive-pack '/../../etc/my-app'", "must not contain '..'");
	refused("git-receive-pack 'my-app/../other-app'", "must not contain '..'");
	refused("git-upload-pack '--help'", "must not start with '-'");
	refused("git-upload-pack -my-app", "must not start with '-'");
	refused("git-upload-pack '/-my-app.git'",
	        "the app name must not start or end with a hyphen");
	refused("git-receive-pack 'owner/my-app.git'", "not a path");
	refused("git-receive-pack '//my-app.git'", "not a path");
	refused("git-receive-pack '/srv/git/my-app.git'", "not a path");
	refused("git-receive-pack 'my-app.git/'", "not a path");
	refused("git-receive-pack 'My-App.git'", "the app name should contain only");
	refused("git-receive-pack 'my_app.git'", "the app name should contain only");
	refused("git-receive-pack 'my-app.git.git'", "the app name should contain only");
	refused("git-receive-pack '.git'", "the app name must be 6 to 48 characters long");
	refused("git-receive-pack 'app.git'", "the app name must be 6 to 48 characters long");
	refused("git-receive-pack 'my--app'", "two hyphens");
	refused("git-receive-pack 'collaborators'", "is reserved");
	refused("git-receive-pack 'ap-0f8fad5b-d9cb-469f-a165-70867728950e'", "form of an app id");

	char buf[GITCMD_MAX + 64];
	/* the longest name, and one more character */
	char name[APP_NAME_MAX + 2];
	memset(name, 'a', APP_NAME_MAX + 1);
	name[APP_NAME_MAX] = 0;
	snprintf(buf, sizeof buf, "git-receive-pack '%s.git'", name);
	ok(buf, GITCMD_RECEIVE, name);
	name[APP_NAME_MAX] = 'a';
	name[APP_NAME_MAX + 1] = 0;
	snprintf(buf, sizeof buf, "git-receive-pack '%s.git'", name);
	refused(buf, "the app name is too long (maximum is 48 characters)");
	/* a 4 KiB name: refused by the command's length limit */
	char *big = malloc(4096 + 32);
	assert_non_null(big);
	memcpy(big, "git-receive-pack '", 18);
	memset(big + 18, 'a', 4096);
	strcpy(big + 18 + 4096, "'");
	struct gitcmd g;
	char why[GITCMD_WHY_MAX];
	assert_int_equal(gitcmd_parse(big, strlen(big), &g, why), PP_ETOOBIG);
	assert_string_equal(why, "the command is too long (maximum is 1024 bytes)");
	/* a name that fills the limit exactly gets past it, to the name rule */
	big[GITCMD_MAX - 1] = '\'';
	big[GITCMD_MAX] = 0;
	refused(big, "the app name is too long");
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_accepted),  cmocka_unit_test(test_empty),
	        cmocka_unit_test(test_shell),     cmocka_unit_test(test_verbs_and_arguments),
	        cmocka_unit_test(test_app_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
