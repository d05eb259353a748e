/*
 * paasport.c - main of `paasport`, the command-line client of the paasport
 * API: the declarative command table, the command-line parser (global and
 * per-command options, anywhere after the program name) and the help.
 * A new command is a run function (cli_<module>_<name>) plus one row below.
 */
#include "cli/cli.h"
#include "cli/cli_account.h"
#include "cli/cli_apps.h"
#include "cli/cli_tfa.h"
#include "cli/cli_keys.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

#define HELP_COLUMN 22 /* width of the first column of the help */

static int run_help(struct cli_ctx *c);

static const struct cli_opt login_opts[] = {
        {"api-token", "TOKEN", "Log in with an existing API token instead of a password", 0},
        {"resend", NULL,
         "When the account's email is not confirmed yet, mail the link again without asking", 0},
        {NULL, NULL, NULL, 0},
};

static const struct cli_opt timeline_opts[] = {
        {"page", "N", "Page to show (default 1)", 0},
        {"per-page", "N", "Events per page, 1 to 100 (default: the server's)", 0},
        {NULL, NULL, NULL, 0},
};

static const struct cli_opt app_opts[] = {
        {"app", "APP", "The app (default $PAASPORT_APP)", 'a'},
        {NULL, NULL, NULL, 0},
};

static const struct cli_opt destroy_opts[] = {
        {"force", NULL, "Do not ask to type the app's name again", 0},
        {NULL, NULL, NULL, 0},
};

static const struct cli_opt app_timeline_opts[] = {
        {"app", "APP", "The app (default $PAASPORT_APP)", 'a'},
        {"page", "N", "Page to show (default 1)", 0},
        {"per-page", "N", "Events per page, 1 to 100 (default: the server's)", 0},
        {"anchor", "ID", "Keep the pages of an earlier listing (the ID its footer shows)", 0},
        {NULL, NULL, NULL, 0},
};

static const struct cli_opt collab_add_opts[] = {
        {"app", "APP", "The app (default $PAASPORT_APP)", 'a'},
        {"limited", NULL, "Invite as a limited collaborator (read and restart only)", 0},
        {NULL, NULL, NULL, 0},
};

static const struct cli_opt collab_update_opts[] = {
        {"app", "APP", "The app (default $PAASPORT_APP)", 'a'},
        {"limited", "true|false", "Make the collaborator limited or not (required)", 0},
        {NULL, NULL, NULL, 0},
};

static const struct cli_cmd commands[] = {
        {"login", "", "Log in and store an API token",
         "Asks for your username (or email) and password, creates an API token named\n"
         "\"paasport CLI - <hostname>\" and stores it in $XDG_CONFIG_HOME/paasport/auth.json\n"
         "(default ~/.config/paasport/auth.json, mode 0600). The password is never stored.\n"
         "When stdin is not a terminal, the username and password are read as two lines.\n"
         "An account whose email address is not confirmed yet cannot log in: follow the\n"
         "link mailed at sign-up; login offers to mail it again (y/N, or --resend).\n"
         "With two-factor authentication on, the server answers OTP Required and the\n"
         "code is asked for (\"OTP: \", a third line; up to 3 tries).",
         cli_account_login, 0, 0, 0, login_opts},
        {"logout", "", "Delete the stored credentials and revoke the CLI's API token", NULL,
         cli_account_logout, 0, 0, 0, NULL},
        {"self", "", "Show your account", NULL, cli_account_self, 0, 0, CLI_F_JSON, NULL},
        {"tokens", "", "List your API tokens", NULL, cli_account_tokens, 0, 0, CLI_F_JSON, NULL},
        {"tokens-add", "NAME", "Create an API token and show its secret (once)", NULL,
         cli_account_tokens_add, 1, 1, CLI_F_JSON, NULL},
        {"tokens-renew", "ID", "Give an API token a new secret; the old one stops working", NULL,
         cli_account_tokens_renew, 1, 1, CLI_F_JSON, NULL},
        {"tokens-remove", "ID", "Revoke an API token", NULL, cli_account_tokens_remove, 1, 1, 0,
         NULL},
        {"2fa", "", "Show whether two-factor authentication is on", NULL, cli_tfa_status, 0, 0,
         CLI_F_JSON, NULL},
        {"2fa-enable", "", "Turn on two-factor authentication (TOTP)",
         "Prints the otpauth:// URI and the key to add to an authenticator app, reads a\n"
         "first code from it (from stdin when it is not a terminal), then prints 10\n"
         "single-use recovery codes, once. From then on `paasport login` asks for a code.",
         cli_tfa_enable, 0, 0, 0, NULL},
        {"2fa-disable", "", "Turn off two-factor authentication",
         "Reads a current code from the authenticator app, or a recovery code.", cli_tfa_disable, 0,
         0, 0, NULL},
        {"keys", "", "List your SSH keys (for git push)", NULL, cli_keys_list, 0, 0, CLI_F_JSON,
         NULL},
        {"keys-add", "NAME FILE", "Add an SSH public key (FILE: a .pub file, - for stdin)",
         "FILE is one OpenSSH public key line, such as ~/.ssh/id_ed25519.pub (never the\n"
         "private key). A key can belong to one account only.",
         cli_keys_add, 2, 2, CLI_F_JSON, NULL},
        {"keys-remove", "NAME", "Remove an SSH key: pushes with it are refused from then on", NULL,
         cli_keys_remove, 1, 1, 0, NULL},
        {"user-timeline", "", "List the events of your account, newest first", NULL,
         cli_account_user_timeline, 0, 0, CLI_F_JSON, timeline_opts},
        {"account-delete", "", "Ask for the deletion of your account (confirmed by a mailed link)",
         "Refused while you own apps: the command lists them; delete them first with\n"
         "`paasport destroy NAME`. Otherwise a link is mailed to you: following it within\n"
         "24 hours deletes the account for good.",
         cli_apps_account_delete, 0, 0, 0, NULL},
        {"apps", "", "List the apps you own or collaborate on", NULL, cli_apps_list, 0, 0,
         CLI_F_JSON, NULL},
        {"apps-info", "", "Show an app", NULL, cli_apps_info, 0, 0, CLI_F_JSON, app_opts},
        {"create", "NAME", "Create an app",
         "NAME: 6 to 48 of a-z, 0-9 and '-', without a leading, trailing or double '-'.\n"
         "Prints the app's Git remote.",
         cli_apps_create, 1, 1, CLI_F_JSON, NULL},
        {"destroy", "NAME", "Delete an app, its repository and its containers",
         "Asks you to type the app's name again (read from stdin when it is not a\n"
         "terminal); --force skips the question. Only the owner can delete an app.",
         cli_apps_destroy, 1, 1, 0, destroy_opts},
        {"containers", "", "Show the app's formation: container types, amounts, sizes", NULL,
         cli_apps_containers, 0, 0, CLI_F_JSON, app_opts},
        {"ps", "", "Same as containers", NULL, cli_apps_containers, 0, 0, CLI_F_JSON, app_opts},
        {"scale", "TYPE:AMOUNT[:SIZE]...", "Scale the app's containers",
         "AMOUNT is 0 to 10, or relative to the current amount: +1, -2. SIZE is one of\n"
         "S, M, L, XL, 2XL, 3XL (the current size when omitted). Example:\n"
         "  paasport scale -a my-app web:2:L worker:+1",
         cli_apps_scale, 1, CLI_MAX_ARGS, CLI_F_JSON, app_opts},
        {"restart", "[TYPE...]", "Restart the app's containers (all, or the types given)", NULL,
         cli_apps_restart, 0, CLI_MAX_ARGS, 0, app_opts},
        {"collaborators", "", "List the app's owner, collaborators and invitations", NULL,
         cli_apps_collaborators, 0, 0, CLI_F_JSON, app_opts},
        {"collaborators-add", "EMAIL", "Invite a collaborator to the app (mails a link)", NULL,
         cli_apps_collaborators_add, 1, 1, CLI_F_JSON, collab_add_opts},
        {"collaborators-update", "EMAIL",
         "Make a collaborator limited or not (--limited=true|false)", NULL,
         cli_apps_collaborators_update, 1, 1, CLI_F_JSON, collab_update_opts},
        {"collaborators-remove", "EMAIL", "Remove a collaborator or an invitation from the app",
         NULL, cli_apps_collaborators_remove, 1, 1, 0, app_opts},
        {"timeline", "", "List the events of the app, newest first", NULL, cli_apps_timeline, 0, 0,
         CLI_F_JSON, app_timeline_opts},
        {"help", "[COMMAND]", "Show the help of paasport or of one command", NULL, run_help, 0, 1,
         0, NULL},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct cli_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage_all(FILE *f)
{
	fprintf(f, "Usage: paasport [--api-url URL] COMMAND [ARGS...] [--json]\n\n"
	           "The command-line client of paasport.\n\nCommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char head[64];
		snprintf(head, sizeof head, "%s %s", commands[i].name, commands[i].args);
		if (strlen(head) > HELP_COLUMN)
			fprintf(f, "  %s\n  %-*s %s\n", head, HELP_COLUMN, "", commands[i].summary);
		else
			fprintf(f, "  %-*s %s\n", HELP_COLUMN, head, commands[i].summary);
	}
	fprintf(f,
	        "\nGlobal options:\n"
	        "  --api-url URL          API endpoint (default $PAASPORT_API_URL, the URL of\n"
	        "                         the stored login, or " CLI_DEFAULT_API_URL ")\n"
	        "  --json                 Print the API's raw JSON (listing and show commands:\n"
	        "                         see `paasport help COMMAND`)\n"
	        "  -h, --help             Show this help; `paasport help COMMAND` for one command\n"
	        "  --version              Show the version\n"
	        "\nEnvironment:\n"
	        "  PAASPORT_API_URL       API endpoint\n"
	        "  PAASPORT_API_TOKEN     An API token to use instead of the stored credentials\n"
	        "  PAASPORT_APP           The app of the app commands when -a/--app is not given\n"
	        "  XDG_CONFIG_HOME        Where the credentials are stored: "
	        "$XDG_CONFIG_HOME/paasport/auth.json\n"
	        "                         (default ~/.config/paasport/auth.json)\n"
	        "\nExit status: 0 success; 1 error (refused by the API, network, not logged in);\n"
	        "2 usage error (unknown command or option, bad arguments).\n");
}

static void usage_command(FILE *f, const struct cli_cmd *cmd)
{
	fprintf(f, "Usage: paasport %s%s%s%s%s\n\n%s.\n", cmd->name, cmd->args[0] ? " " : "",
	        cmd->args, cmd->opts ? " [OPTIONS]" : "",
	        cmd->flags & CLI_F_JSON ? " [--json]" : "", cmd->summary);
	if (cmd->help)
		fprintf(f, "\n%s\n", cmd->help);
	if (cmd->opts || (cmd->flags & CLI_F_JSON))
		fprintf(f, "\nOptions:\n");
	for (int i = 0; cmd->opts && cmd->opts[i].name; i++) {
		const struct cli_opt *o = &cmd->opts[i];
		char head[64], shrt[8] = "";
		if (o->short_name)
			snprintf(shrt, sizeof shrt, "-%c, ", o->short_name);
		snprintf(head, sizeof head, "%s--%s%s%s", shrt, o->name, o->arg ? " " : "",
		         o->arg ? o->arg : "");
		fprintf(f, "  %-*s %s\n", HELP_COLUMN, head, o->help);
	}
	if (cmd->flags & CLI_F_JSON)
		fprintf(f, "  %-*s %s\n", HELP_COLUMN, "--json", "Print the API's raw JSON answer");
	fprintf(f, "\nSee `paasport --help` for the global options.\n");
}

static int run_help(struct cli_ctx *c)
{
	if (c->argc == 0) {
		usage_all(stdout);
		return CLI_EXIT_OK;
	}
	const struct cli_cmd *cmd = find_command(c->argv[0]);
	if (!cmd) {
		cli_error("unknown command '%s': see `paasport help`", c->argv[0]);
		return CLI_EXIT_USAGE;
	}
	usage_command(stdout, cmd);
	return CLI_EXIT_OK;
}

/* What the command line asks for besides running the command. */
enum { WANT_RUN, WANT_HELP, WANT_VERSION };

/*
 * --name, --name=value or --name value. Global options are valid anywhere;
 * the command's own options after its name. Returns 0 or CLI_EXIT_USAGE.
 */
static int parse_option(struct cli_ctx *c, int argc, char **argv, int *i, int *want)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const char *value = eq ? eq + 1 : NULL;
	const struct cli_opt *opt = NULL;
	int idx = -1, takes_arg, is_api_url = 0;

#define IS(s) (len == strlen(s) && strncmp(arg, s, len) == 0)
	if (IS("help") || IS("version") || IS("json")) {
		takes_arg = 0;
	} else if (IS("api-url")) {
		takes_arg = is_api_url = 1;
	} else {
		for (int k = 0; c->cmd && c->cmd->opts && c->cmd->opts[k].name; k++)
			if (IS(c->cmd->opts[k].name)) {
				opt = &c->cmd->opts[k];
				idx = k;
			}
		if (!opt) {
			if (c->cmd)
				cli_error("unknown option --%.*s for `paasport %s`: see `paasport "
				          "help %s`",
				          (int)len, arg, c->cmd->name, c->cmd->name);
			else
				cli_error("unknown option --%.*s: see `paasport help`", (int)len,
				          arg);
			return CLI_EXIT_USAGE;
		}
		takes_arg = opt->arg != NULL;
	}
	if (!takes_arg && value) {
		cli_error("option --%.*s takes no value", (int)len, arg);
		return CLI_EXIT_USAGE;
	}
	if (takes_arg && !value) {
		if (*i + 1 >= argc) {
			cli_error("option --%.*s needs a value", (int)len, arg);
			return CLI_EXIT_USAGE;
		}
		value = argv[++*i];
	}
	if (IS("help"))
		*want = WANT_HELP;
	else if (IS("version"))
		*want = *want == WANT_HELP ? WANT_HELP : WANT_VERSION;
	else if (IS("json"))
		c->json = 1;
	else if (is_api_url)
		c->api_url_opt = value;
	else
		c->optval[idx] = takes_arg ? value : "";
#undef IS
	return 0;
}

/*
 * -x VALUE or -xVALUE: a command option's short form, valid after the
 * command's name. Returns 0 or CLI_EXIT_USAGE.
 */
static int parse_short(struct cli_ctx *c, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	int idx = -1;
	for (int k = 0; c->cmd && c->cmd->opts && c->cmd->opts[k].name; k++)
		if (c->cmd->opts[k].short_name && c->cmd->opts[k].short_name == a[1])
			idx = k;
	if (idx < 0) {
		if (c->cmd)
			cli_error("unknown option %s for `paasport %s`: see `paasport help %s`", a,
			          c->cmd->name, c->cmd->name);
		else
			cli_error("unknown option %s: see `paasport help`", a);
		return CLI_EXIT_USAGE;
	}
	const struct cli_opt *opt = &c->cmd->opts[idx];
	if (!opt->arg) {
		if (a[2]) {
			cli_error("option -%c takes no value", a[1]);
			return CLI_EXIT_USAGE;
		}
		c->optval[idx] = "";
		return 0;
	}
	if (a[2]) {
		c->optval[idx] = a + 2;
		return 0;
	}
	if (*i + 1 >= argc) {
		cli_error("option -%c needs a value", a[1]);
		return CLI_EXIT_USAGE;
	}
	c->optval[idx] = argv[++*i];
	return 0;
}

static int parse_args(struct cli_ctx *c, int argc, char **argv, int *want)
{
	int only_args = 0, rc;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!only_args && strcmp(a, "--") == 0) {
			only_args = 1;
		} else if (!only_args && strncmp(a, "--", 2) == 0) {
			if ((rc = parse_option(c, argc, argv, &i, want)) != 0)
				return rc;
		} else if (!only_args && strcmp(a, "-h") == 0) {
			*want = WANT_HELP;
		} else if (!only_args && a[0] == '-' && a[1]) {
			if ((rc = parse_short(c, argc, argv, &i)) != 0)
				return rc;
		} else if (!c->cmd) {
			if (!(c->cmd = find_command(a))) {
				cli_error("unknown command '%s': see `paasport help`", a);
				return CLI_EXIT_USAGE;
			}
		} else if (c->argc < CLI_MAX_ARGS) {
			c->argv[c->argc++] = a;
		} else {
			cli_error("too many arguments for `paasport %s`", c->cmd->name);
			return CLI_EXIT_USAGE;
		}
	}
	if (*want != WANT_RUN || !c->cmd)
		return 0;
	if (c->argc < c->cmd->min_args || c->argc > c->cmd->max_args) {
		cli_error("usage: paasport %s%s%s (see `paasport help %s`)", c->cmd->name,
		          c->cmd->args[0] ? " " : "", c->cmd->args, c->cmd->name);
		return CLI_EXIT_USAGE;
	}
	if (c->json && !(c->cmd->flags & CLI_F_JSON)) {
		cli_error("`paasport %s` has no --json output", c->cmd->name);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_ctx c;
	int want = WANT_RUN, status;

	memset(&c, 0, sizeof c);
	if ((status = parse_args(&c, argc, argv, &want)) != 0)
		return status;
	if (want == WANT_VERSION) {
		printf("paasport %s\n", CLI_VERSION);
		return CLI_EXIT_OK;
	}
	if (want == WANT_HELP || !c.cmd) {
		if (c.cmd && c.cmd->run != run_help)
			usage_command(stdout, c.cmd);
		else
			usage_all(want == WANT_HELP || c.cmd ? stdout : stderr);
		return want == WANT_HELP || c.cmd ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if (cli_http_global_init() != 0) {
		cli_error("cannot initialise libcurl");
		return CLI_EXIT_ERROR;
	}
	cli_ctx_load(&c);
	status = c.cmd->run(&c);
	cli_ctx_free(&c);
	cli_http_global_cleanup();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, " !     cannot write the output\n");
		return CLI_EXIT_ERROR;
	}
	return status;
}
