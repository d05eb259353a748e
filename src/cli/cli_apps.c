/*
 * cli_apps.c - the app commands (see cli_apps.h). Relative scale amounts
 * ("+1") are computed from the formation read just before: the API takes
 * absolute amounts only. Collaborator commands take an email; the
 * collaborator's id is found by listing the app's collaborators first.
 */
#include "cli/cli_apps.h"
#include "cli/cli_account.h"
#include "cli/cli_prompt.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define AMOUNT_MAX        10  /* containers per type: the API's limit */
#define AMOUNT_DIGITS_MAX 8   /* characters of a scale amount we look at */
#define TYPE_MAX          64  /* bytes of a container type name we send */
#define SIZE_MAX_LEN      16  /* bytes of a container size name we send */
#define CONFIRM_MAX       256 /* bytes of the app name typed to confirm `destroy` */
#define NEXT_CMD_MAX      512 /* bytes of the command line shown for a timeline's next page */
#define LABEL_WIDTH       12  /* column of the values in `apps-info` */
#define OWNED_APPS_MAX    (64 * 1024) /* bytes of the list of owned apps `account-delete` prints */

/* ---- helpers ---- */

/* The app of -a/--app, else $PAASPORT_APP; NULL (message printed) when none. */
static const char *app_of(const struct cli_ctx *c)
{
	const char *app = cli_opt_value(c, "app");
	if (!app)
		app = getenv("PAASPORT_APP");
	if (!app || !*app) {
		cli_error("which app? Give -a APP (or --app APP, or set PAASPORT_APP)");
		return NULL;
	}
	return app;
}

/* "/v1/apps/" + escaped app + suffix into out; the message is printed on failure. */
static int app_path(struct buf *out, const char *app, const char *suffix)
{
	int rc = cli_path1(out, "/v1/apps/", app, suffix);
	if (rc)
		cli_error("the app name is too long");
	return rc;
}

static int no_memory(void)
{
	cli_error("out of memory");
	return PP_ENOMEM;
}

/* Prints rows as a table, or the line empty when there are none. */
static int show_table(const struct cli_col *cols, size_t ncols, json_t *rows, const char *empty)
{
	int rc = 0;
	if (json_array_size(rows) == 0)
		printf("%s\n", empty);
	else if ((rc = cli_table(cols, ncols, rows)) != 0)
		cli_error("%s", pp_strerror(rc));
	return rc;
}

static const char *str_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* ---- apps ---- */

int cli_apps_list(struct cli_ctx *c)
{
	static const struct cli_col cols[] = {
	        {"NAME", "name", 0},
	        {"ROLE", "role", 0},
	        {"OWNER", "_owner", 0},
	        {"STATUS", "status", 0},
	};
	struct cli_http_resp rs;
	size_t i;
	json_t *app;
	int rc;

	cli_http_resp_init(&rs);
	if ((rc = cli_call(c, "GET", "/v1/apps", NULL, &rs)) != 0)
		goto out;
	if (c->json) {
		cli_print_raw(&rs);
		goto out;
	}
	json_t *apps = json_object_get(rs.json, "apps");
	json_array_foreach (apps, i, app) {
		json_t *owner = json_object_get(json_object_get(app, "owner"), "username");
		if (json_is_object(app) && json_is_string(owner) &&
		    json_object_set(app, "_owner", owner) != 0) {
			rc = no_memory();
			goto out;
		}
	}
	rc = show_table(cols, sizeof cols / sizeof cols[0], apps,
	                "No apps: create one with `paasport create NAME`.");
out:
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

static void show_field(const char *label, const char *value)
{
	printf("%-*s", LABEL_WIDTH, label);
	cli_put_safe(stdout, value && *value ? value : "-");
	fputc('\n', stdout);
}

int cli_apps_info(struct cli_ctx *c)
{
	const char *name = app_of(c);
	struct cli_http_resp rs;
	struct buf path;
	char when[CLI_TIME_LEN];
	int rc;

	if (!name)
		return CLI_EXIT_USAGE;
	cli_http_resp_init(&rs);
	buf_init(&path, CLI_PATH_MAX);
	if ((rc = app_path(&path, name, "")) != 0 ||
	    (rc = cli_call(c, "GET", path.data, NULL, &rs)) != 0)
		goto out;
	if (c->json) {
		cli_print_raw(&rs);
		goto out;
	}
	json_t *app = json_object_get(rs.json, "app"), *owner = json_object_get(app, "owner");
	show_field("Name:", str_of(app, "name"));
	show_field("ID:", str_of(app, "id"));
	show_field("Owner:", str_of(owner, "username"));
	show_field("Your role:", str_of(app, "role"));
	show_field("Status:", str_of(app, "status"));
	show_field("Git URL:", str_of(app, "git_url"));
	cli_format_time(str_of(app, "created_at"), "-", when);
	show_field("Created at:", when);
	cli_format_time(str_of(app, "updated_at"), "-", when);
	show_field("Updated at:", when);
out:
	buf_release(&path);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

int cli_apps_create(struct cli_ctx *c)
{
	struct cli_http_resp rs;
	json_t *body = json_pack("{s:{s:s}}", "app", "name", c->argv[0]);
	int rc;

	cli_http_resp_init(&rs);
	if (!body) {
		rc = no_memory();
		goto out;
	}
	if ((rc = cli_call(c, "POST", "/v1/apps", body, &rs)) != 0)
		goto out;
	if (c->json) {
		cli_print_raw(&rs);
		goto out;
	}
	json_t *app = json_object_get(rs.json, "app");
	const char *name = str_of(app, "name"), *git = str_of(app, "git_url");
	cli_step("App '%s' created.", name ? name : c->argv[0]);
	if (git) {
		printf("       Git repository: ");
		cli_put_safe(stdout, git);
		printf("\n       Add it to your repository with:\n         git remote add "
		       "paasport ");
		cli_put_safe(stdout, git);
		printf("\n       then deploy with: git push paasport main\n");
	}
out:
	json_decref(body);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

int cli_apps_destroy(struct cli_ctx *c)
{
	struct cli_http_resp rs;
	struct buf path;
	char typed[CONFIRM_MAX];
	int rc;

	cli_http_resp_init(&rs);
	buf_init(&path, CLI_PATH_MAX);
	/* the app must exist before we ask anything; its name is what must be typed */
	if ((rc = app_path(&path, c->argv[0], "")) != 0 ||
	    (rc = cli_call(c, "GET", path.data, NULL, &rs)) != 0)
		goto out;
	const char *got = str_of(json_object_get(rs.json, "app"), "name");
	char *name = got ? strdup(got) : NULL;
	if (!name) {
		rc = got ? no_memory() : PP_EINVAL;
		if (!got)
			cli_error("unexpected answer from the server");
		goto out;
	}
	if (!cli_opt_value(c, "force")) {
		cli_error("WARNING: this deletes the app '%s', its Git repository and its "
		          "containers, for good.",
		          name);
		rc = cli_prompt_line("To confirm, type the name of the app: ", 1, typed,
		                     sizeof typed);
		if (rc == 0 && strcmp(typed, name) != 0) {
			cli_error("'%s' is not the name of the app '%s': aborted, nothing deleted",
			          typed, name);
			rc = PP_EINVAL;
		} else if (rc) {
			cli_error("no confirmation given: aborted, nothing deleted");
		}
		if (rc) {
			free(name);
			goto out;
		}
	}
	buf_reset(&path);
	rc = app_path(&path, name, "?current_name=");
	if (rc == 0 && (rc = cli_http_escape_segment(&path, name)) != 0)
		cli_error("the app name is too long");
	cli_http_resp_free(&rs);
	cli_http_resp_init(&rs);
	if (rc == 0 && (rc = cli_call(c, "DELETE", path.data, NULL, &rs)) == 0)
		cli_step("App '%s' deleted.", name);
	free(name);
out:
	buf_release(&path);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

/* ---- containers ---- */

static const struct cli_col formation_cols[] = {
        {"NAME", "name", 0},
        {"AMOUNT", "amount", 0},
        {"SIZE", "size", 0},
};
#define FORMATION_NCOLS (sizeof formation_cols / sizeof formation_cols[0])

/* GET /v1/apps/{app}/containers into rs. */
static int get_formation(struct cli_ctx *c, const char *app, struct cli_http_resp *rs)
{
	struct buf path;
	int rc;
	buf_init(&path, CLI_PATH_MAX);
	if ((rc = app_path(&path, app, "/containers")) == 0)
		rc = cli_call(c, "GET", path.data, NULL, rs);
	buf_release(&path);
	return rc;
}

int cli_apps_containers(struct cli_ctx *c)
{
	const char *app = app_of(c);
	struct cli_http_resp rs;
	int rc;

	if (!app)
		return CLI_EXIT_USAGE;
	cli_http_resp_init(&rs);
	if ((rc = get_formation(c, app, &rs)) != 0)
		goto out;
	if (c->json)
		cli_print_raw(&rs);
	else
		rc = show_table(formation_cols, FORMATION_NCOLS,
		                json_object_get(rs.json, "containers"), "No containers.");
out:
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

/* One argument of `scale`: TYPE:AMOUNT[:SIZE]. */
struct scale_spec {
	char type[TYPE_MAX + 1];
	char size[SIZE_MAX_LEN + 1]; /* "" keeps the current size */
	int sign;                    /* +1 / -1: amount is added to / taken from the current */
	long amount;
};

/*
 * Parses "TYPE:AMOUNT[:SIZE]", AMOUNT 0 to AMOUNT_MAX or "+N"/"-N". Pure:
 * returns 0, or PP_EINVAL with a message for the user in err.
 */
static int parse_scale(const char *arg, struct scale_spec *out, char *err, size_t errcap)
{
	const char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	memset(out, 0, sizeof *out);
	if (!c1 || c1 == arg || (c2 && strchr(c2 + 1, ':'))) {
		snprintf(err, errcap, "'%s': expected TYPE:AMOUNT or TYPE:AMOUNT:SIZE", arg);
		return PP_EINVAL;
	}
	size_t tlen = (size_t)(c1 - arg);
	if (tlen > TYPE_MAX) {
		snprintf(err, errcap, "'%.*s...': the container type is too long", 16, arg);
		return PP_EINVAL;
	}
	memcpy(out->type, arg, tlen);
	const char *a = c1 + 1;
	size_t alen = c2 ? (size_t)(c2 - a) : strlen(a);
	if (alen > 0 && (*a == '+' || *a == '-')) {
		out->sign = *a == '+' ? 1 : -1;
		a++;
		alen--;
	}
	char amount[AMOUNT_DIGITS_MAX + 1];
	int bad = alen > AMOUNT_DIGITS_MAX;
	if (!bad) {
		memcpy(amount, a, alen);
		amount[alen] = 0;
		bad = cli_parse_long(amount, 0, AMOUNT_MAX, &out->amount) != 0;
	}
	if (bad) {
		snprintf(err, errcap,
		         "'%s': the amount must be a number from 0 to %d, or +N / -N to add or "
		         "remove containers",
		         arg, AMOUNT_MAX);
		return PP_EINVAL;
	}
	if (c2) {
		if (!c2[1] || strlen(c2 + 1) > SIZE_MAX_LEN) {
			snprintf(err, errcap, "'%s': bad container size (S, M, L, XL, ...)", arg);
			return PP_EINVAL;
		}
		snprintf(out->size, sizeof out->size, "%s", c2 + 1);
	}
	return 0;
}

/* The amount of type in a {"containers": [...]} answer; 0 when the app has none. */
static long current_amount(json_t *formation, const char *type)
{
	size_t i;
	json_t *k;
	json_array_foreach (json_object_get(formation, "containers"), i, k) {
		const char *name = str_of(k, "name");
		json_t *amount = json_object_get(k, "amount");
		if (name && strcmp(name, type) == 0 && json_is_integer(amount))
			return (long)json_integer_value(amount);
	}
	return 0;
}

int cli_apps_scale(struct cli_ctx *c)
{
	const char *app = app_of(c);
	struct scale_spec specs[CLI_MAX_ARGS];
	struct cli_http_resp rs;
	struct buf path;
	json_t *body = NULL, *list;
	char err[256];
	int rc = 0, relative = 0;

	if (!app)
		return CLI_EXIT_USAGE;
	for (int i = 0; i < c->argc; i++) {
		if (parse_scale(c->argv[i], &specs[i], err, sizeof err) != 0) {
			cli_error("%s", err);
			return CLI_EXIT_USAGE;
		}
		for (int k = 0; k < i; k++)
			if (strcmp(specs[k].type, specs[i].type) == 0) {
				cli_error("the container type '%s' is given twice", specs[i].type);
				return CLI_EXIT_USAGE;
			}
		relative |= specs[i].sign != 0;
	}
	cli_http_resp_init(&rs);
	buf_init(&path, CLI_PATH_MAX);
	if (relative) {
		if ((rc = get_formation(c, app, &rs)) != 0)
			goto out;
		for (int i = 0; i < c->argc; i++) {
			if (!specs[i].sign)
				continue;
			long cur = current_amount(rs.json, specs[i].type);
			long to = cur + specs[i].sign * specs[i].amount;
			if (to < 0 || to > AMOUNT_MAX) {
				cli_error("%s: %ld %c %ld = %ld is out of 0 to %d: nothing changed",
				          specs[i].type, cur, specs[i].sign > 0 ? '+' : '-',
				          specs[i].amount, to, AMOUNT_MAX);
				rc = PP_EINVAL;
				goto out;
			}
			specs[i].amount = to;
		}
		cli_http_resp_free(&rs);
		cli_http_resp_init(&rs);
	}
	if (!(body = json_pack("{s:[]}", "containers")))
		goto nomem;
	list = json_object_get(body, "containers");
	for (int i = 0; i < c->argc; i++) {
		json_t *k = json_pack("{s:s, s:I}", "name", specs[i].type, "amount",
		                      (json_int_t)specs[i].amount);
		if (!k ||
		    (specs[i].size[0] &&
		     json_object_set_new(k, "size", json_string(specs[i].size)) != 0) ||
		    json_array_append_new(list, k) != 0)
			goto nomem;
	}
	if ((rc = app_path(&path, app, "/scale")) != 0)
		goto out;
	if ((rc = cli_call(c, "POST", path.data, body, &rs)) != 0) {
		const char *url = str_of(rs.json, "url");
		if (rs.status == 402 && url)
			cli_error("see %s", url);
		goto out;
	}
	if (c->json) {
		cli_print_raw(&rs);
		goto out;
	}
	cli_step("Scaled app '%s'. Its containers now:", app);
	rc = show_table(formation_cols, FORMATION_NCOLS, json_object_get(rs.json, "containers"),
	                "No containers.");
	goto out;
nomem:
	rc = no_memory();
out:
	json_decref(body);
	buf_release(&path);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

int cli_apps_restart(struct cli_ctx *c)
{
	const char *app = app_of(c);
	struct cli_http_resp rs;
	struct buf path, types;
	json_t *body = NULL;
	int rc = 0;

	if (!app)
		return CLI_EXIT_USAGE;
	cli_http_resp_init(&rs);
	buf_init(&path, CLI_PATH_MAX);
	buf_init(&types, CLI_PATH_MAX);
	if (c->argc > 0) {
		json_t *scope = json_array();
		if (!scope || !(body = json_pack("{s:o}", "scope", scope)))
			goto nomem;
		for (int i = 0; i < c->argc; i++)
			if (json_array_append_new(scope, json_string(c->argv[i])) != 0 ||
			    buf_appendf(&types, "%s%s", i ? ", " : "", c->argv[i]) != 0)
				goto nomem;
	}
	if ((rc = app_path(&path, app, "/restart")) != 0 ||
	    (rc = cli_call(c, "POST", path.data, body, &rs)) != 0)
		goto out;
	if (c->argc)
		cli_step("Restarting the %s containers of app '%s'.", types.data, app);
	else
		cli_step("Restarting all the containers of app '%s'.", app);
	goto out;
nomem:
	rc = no_memory();
out:
	json_decref(body);
	buf_release(&types);
	buf_release(&path);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

/* ---- collaborators ---- */

/* GET the app's collaborators into rs. */
static int get_collaborators(struct cli_ctx *c, const char *app, struct cli_http_resp *rs)
{
	struct buf path;
	int rc;
	buf_init(&path, CLI_PATH_MAX);
	if ((rc = app_path(&path, app, "/collaborators")) == 0)
		rc = cli_call(c, "GET", path.data, NULL, rs);
	buf_release(&path);
	return rc;
}

static const char *role_of(json_t *k)
{
	const char *status = str_of(k, "status");
	if (status && strcmp(status, "owner") == 0)
		return "owner";
	return json_is_true(json_object_get(k, "is_limited")) ? "limited collaborator"
	                                                      : "collaborator";
}

int cli_apps_collaborators(struct cli_ctx *c)
{
	static const struct cli_col cols[] = {
	        {"EMAIL", "email", 0},
	        {"USERNAME", "username", 0},
	        {"STATUS", "status", 0},
	        {"ROLE", "_role", 0},
	};
	const char *app = app_of(c);
	struct cli_http_resp rs;
	size_t i;
	json_t *k;
	int rc;

	if (!app)
		return CLI_EXIT_USAGE;
	cli_http_resp_init(&rs);
	if ((rc = get_collaborators(c, app, &rs)) != 0)
		goto out;
	if (c->json) {
		cli_print_raw(&rs);
		goto out;
	}
	json_t *list = json_object_get(rs.json, "collaborators");
	json_array_foreach (list, i, k) {
		if (json_is_object(k) &&
		    json_object_set_new(k, "_role", json_string(role_of(k))) != 0) {
			rc = no_memory();
			goto out;
		}
	}
	rc = show_table(cols, sizeof cols / sizeof cols[0], list, "No collaborators.");
out:
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

int cli_apps_collaborators_add(struct cli_ctx *c)
{
	const char *app = app_of(c);
	int limited = cli_opt_value(c, "limited") != NULL;
	struct cli_http_resp rs;
	struct buf path;
	json_t *body = NULL;
	int rc;

	if (!app)
		return CLI_EXIT_USAGE;
	cli_http_resp_init(&rs);
	buf_init(&path, CLI_PATH_MAX);
	if (!(body = json_pack("{s:{s:s, s:b}}", "collaborator", "email", c->argv[0], "is_limited",
	                       limited))) {
		rc = no_memory();
		goto out;
	}
	if ((rc = app_path(&path, app, "/collaborators")) != 0 ||
	    (rc = cli_call(c, "POST", path.data, body, &rs)) != 0)
		goto out;
	if (c->json) {
		cli_print_raw(&rs);
		goto out;
	}
	cli_step("Invited %s to app '%s' as a %scollaborator.", c->argv[0], app,
	         limited ? "limited " : "");
	printf("       An invitation link was mailed; it is valid for 7 days.\n");
out:
	json_decref(body);
	buf_release(&path);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

/*
 * The path of the collaborator (or invitation) with this email on the app:
 * "/v1/apps/{app}/collaborators/{id}". Lists the collaborators first; prints
 * why when there is no such collaborator (the owner is none).
 */
static int collaborator_path(struct cli_ctx *c, const char *app, const char *email,
                             struct buf *path)
{
	struct cli_http_resp rs;
	const char *id = NULL;
	size_t i;
	json_t *k;
	int rc, owner = 0;

	cli_http_resp_init(&rs);
	if ((rc = get_collaborators(c, app, &rs)) != 0)
		goto out;
	json_array_foreach (json_object_get(rs.json, "collaborators"), i, k) {
		const char *e = str_of(k, "email");
		if (!e || !*e || strcasecmp(e, email) != 0)
			continue;
		if (strcmp(role_of(k), "owner") == 0)
			owner = 1;
		else if (str_of(k, "id"))
			id = str_of(k, "id");
	}
	if (!id) {
		if (owner)
			cli_error("%s is the owner of app '%s', not a collaborator", email, app);
		else
			cli_error("no collaborator or invitation with the email %s on app '%s': "
			          "see `paasport collaborators -a %s`",
			          email, app, app);
		rc = PP_ENOTFOUND;
		goto out;
	}
	if ((rc = app_path(path, app, "/collaborators/")) == 0 &&
	    (rc = cli_http_escape_segment(path, id)) != 0)
		cli_error("the collaborator's ID is too long");
out:
	cli_http_resp_free(&rs);
	return rc;
}

int cli_apps_collaborators_update(struct cli_ctx *c)
{
	const char *app = app_of(c), *lim = cli_opt_value(c, "limited");
	struct cli_http_resp rs;
	struct buf path;
	json_t *body = NULL;
	int rc, limited;

	if (!app)
		return CLI_EXIT_USAGE;
	if (!lim || (strcmp(lim, "true") != 0 && strcmp(lim, "false") != 0)) {
		cli_error("give --limited=true or --limited=false");
		return CLI_EXIT_USAGE;
	}
	limited = strcmp(lim, "true") == 0;
	cli_http_resp_init(&rs);
	buf_init(&path, CLI_PATH_MAX);
	if ((rc = collaborator_path(c, app, c->argv[0], &path)) != 0)
		goto out;
	if (!(body = json_pack("{s:{s:b}}", "collaborator", "is_limited", limited))) {
		rc = no_memory();
		goto out;
	}
	if ((rc = cli_call(c, "PATCH", path.data, body, &rs)) != 0)
		goto out;
	if (c->json)
		cli_print_raw(&rs);
	else
		cli_step("%s is now a %s collaborator of app '%s'.", c->argv[0],
		         limited ? "limited" : "full", app);
out:
	json_decref(body);
	buf_release(&path);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

int cli_apps_collaborators_remove(struct cli_ctx *c)
{
	const char *app = app_of(c);
	struct cli_http_resp rs;
	struct buf path;
	int rc;

	if (!app)
		return CLI_EXIT_USAGE;
	cli_http_resp_init(&rs);
	buf_init(&path, CLI_PATH_MAX);
	if ((rc = collaborator_path(c, app, c->argv[0], &path)) != 0 ||
	    (rc = cli_call(c, "DELETE", path.data, NULL, &rs)) != 0)
		goto out;
	cli_step("Removed %s from app '%s'.", c->argv[0], app);
out:
	buf_release(&path);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

/* ---- timeline ---- */

int cli_apps_timeline(struct cli_ctx *c)
{
	const char *app = app_of(c);
	struct buf path, next;
	int status;

	if (!app)
		return CLI_EXIT_USAGE;
	buf_init(&path, CLI_PATH_MAX);
	buf_init(&next, NEXT_CMD_MAX);
	if (app_path(&path, app, "/events") != 0) {
		status = CLI_EXIT_ERROR;
		goto out;
	}
	if (buf_appendf(&next, "paasport timeline -a %s", app) != 0)
		buf_reset(&next); /* a footer without the command beats no listing */
	status = cli_account_timeline(c, path.data, next.data, 1);
out:
	buf_release(&next);
	buf_release(&path);
	return status;
}

/* ---- account deletion ---- */

int cli_apps_account_delete(struct cli_ctx *c)
{
	struct cli_http_resp rs;
	struct buf names;
	size_t i;
	json_t *name;
	int rc;

	cli_http_resp_init(&rs);
	buf_init(&names, OWNED_APPS_MAX);
	rc = cli_call(c, "POST", "/v1/users/delete", NULL, &rs);
	if (rc && rs.status == 409) {
		json_t *apps = json_object_get(rs.json, "apps");
		json_array_foreach (apps, i, name) {
			if (json_is_string(name) &&
			    buf_appendf(&names, "%s%s", names.len ? ", " : "",
			                json_string_value(name)) != 0)
				break;
		}
		if (names.len)
			cli_error("apps you own: %s", names.data);
		cli_error("destroy them with `paasport destroy NAME`, then run `paasport "
		          "account-delete` again");
	}
	if (rc)
		goto out;
	const char *id = str_of(json_object_get(rs.json, "deletion"), "id");
	cli_step("A confirmation link was mailed to you%s%s%s.", id ? " (request " : "",
	         id ? id : "", id ? ")" : "");
	printf("       Follow it within 24 hours to delete your account for good.\n");
out:
	buf_release(&names);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}
