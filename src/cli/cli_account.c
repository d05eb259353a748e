/*
 * cli_account.c - the account commands (see cli_account.h): password or
 * API-token login into the auth file, logout (revoking the CLI's token),
 * the user's profile, API token management, and the timelines (the user's,
 * and an app's for cli_apps.c) with each event's sentence rendered from the
 * server's catalogue (GET /v1/event_types).
 */
#include "cli/cli_account.h"
#include "cli/cli_confirm.h"
#include "cli/cli_prompt.h"
#include "util/err.h"

#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define LOGIN_MAX         256  /* bytes of the username or email typed at the prompt */
#define PASSWORD_MAX      1024 /* bytes of a password: the server's Basic credentials cap */
#define OTP_MAX           64   /* bytes of a two-factor code (or recovery code) */
#define OTP_TRIES         3    /* codes asked for before giving up, as the reference CLI */
#define HOSTNAME_MAX      256
#define TOKEN_NAME_PREFIX "paasport CLI - "
#define TOKEN_NAME_MAX    64 /* characters: the server's limit on token names */
#define PAGE_MAX          1000000L
#define PER_PAGE_MAX      100L           /* the API's own maximum */
#define ANCHOR_MAX        (LONG_MAX / 2) /* the API's own maximum event id */
#define EVENT_KEY_MAX     64             /* bytes of a {placeholder} in an event sentence */
#define LABEL_WIDTH       19             /* column of the values in `self` */

/* ---- login / logout ---- */

/* "paasport CLI - <hostname>", cut to the server's TOKEN_NAME_MAX. */
static void token_name(char *out, size_t cap)
{
	char host[HOSTNAME_MAX];
	if (gethostname(host, sizeof host) != 0 || !host[0])
		snprintf(host, sizeof host, "unknown host");
	host[sizeof host - 1] = 0;
	int room = TOKEN_NAME_MAX - (int)strlen(TOKEN_NAME_PREFIX);
	snprintf(out, cap, "%s%.*s", TOKEN_NAME_PREFIX, room, host);
}

/* DELETE /v1/tokens/{id}, quietly: the caller decides what a failure means. */
static int revoke_token(const char *api_url, const char *bearer, const char *id)
{
	struct buf path;
	struct cli_http_resp rs;
	char err[CLI_HTTP_ERR_LEN];
	int rc;

	buf_init(&path, CLI_PATH_MAX);
	cli_http_resp_init(&rs);
	if ((rc = cli_path1(&path, "/v1/tokens/", id, "")) != 0)
		goto out;
	struct cli_http_req rq = {
	        .method = "DELETE",
	        .base_url = api_url,
	        .path = path.data,
	        .bearer = bearer,
	};
	rc = cli_http_do(&rq, &rs, err);
	if (rc == 0 && (rs.status < 200 || rs.status >= 300))
		rc = rs.status == 401 ? PP_EAUTH : PP_EIO;
out:
	cli_http_resp_free(&rs);
	buf_release(&path);
	return rc;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/*
 * Common end of both logins: learn who the token belongs to, store it,
 * greet. token_id is set when this CLI created the token (then it is
 * revoked again if it cannot be stored, and revoked on logout).
 */
static int finish_login(struct cli_ctx *c, const char *token, const char *token_id)
{
	struct cli_http_resp rs;
	struct cli_auth a;
	char err[CLI_CONFIG_ERR_LEN];
	int rc;

	memset(&a, 0, sizeof a);
	cli_http_resp_init(&rs);
	struct cli_http_req rq = {
	        .method = "GET",
	        .base_url = c->api_url,
	        .path = "/v1/users/self",
	        .bearer = token,
	};
	if ((rc = cli_send(&rq, &rs)) != 0)
		goto out;
	json_t *user = json_object_get(rs.json, "user");
	const char *username = json_string_value(json_object_get(user, "username"));
	if (!username) {
		cli_error("unexpected answer from the server to GET /v1/users/self");
		rc = PP_EINVAL;
		goto out;
	}
	a.api_url = strdup(c->api_url);
	a.token = strdup(token);
	a.token_id = dup_or_null(token_id);
	a.user_id = dup_or_null(json_string_value(json_object_get(user, "id")));
	a.username = strdup(username);
	a.email = dup_or_null(json_string_value(json_object_get(user, "email")));
	if (!a.api_url || !a.token || (token_id && !a.token_id) || !a.username) {
		rc = PP_ENOMEM;
		cli_error("out of memory");
		goto out;
	}
	if ((rc = cli_config_save(&a, err)) != 0) {
		cli_error("%s", err);
		goto out;
	}
	/* the token of an earlier CLI login is replaced: revoke it */
	if (c->stored_rc == 0 && c->stored.token_id && c->stored.api_url &&
	    cli_same_url(c->stored.api_url, c->api_url) && strcmp(c->stored.token, token) != 0)
		revoke_token(c->stored.api_url, c->stored.token, c->stored.token_id);
	cli_step("Hello %s, nice to see you!", username);
out:
	if (rc && token_id)
		revoke_token(c->api_url, token, token_id); /* leave no orphan token behind */
	cli_config_auth_free(&a);
	cli_http_resp_free(&rs);
	return rc;
}

static int is_otp_required(const struct cli_http_resp *rs)
{
	const char *e = json_string_value(json_object_get(rs->json, "error"));
	return rs->status == 401 && e && strcmp(e, "OTP Required") == 0;
}

static int login_password(struct cli_ctx *c)
{
	char login[LOGIN_MAX], password[PASSWORD_MAX], otp[OTP_MAX], name[TOKEN_NAME_MAX * 4 + 1];
	char err[CLI_HTTP_ERR_LEN];
	struct cli_http_resp rs;
	json_t *body = NULL;
	int rc;

	otp[0] = password[0] = 0;
	cli_http_resp_init(&rs);
	rc = cli_prompt_line("Username or email: ", 1, login, sizeof login);
	if (rc == 0 && !login[0])
		rc = PP_ENOTFOUND;
	if (rc) {
		cli_error(rc == PP_ETOOBIG ? "the username or email is too long"
		                           : "no username or email given");
		goto out;
	}
	if (strchr(login, ':')) {
		cli_error("a username or email cannot contain ':'");
		rc = PP_EINVAL;
		goto out;
	}
	rc = cli_prompt_line("Password: ", 0, password, sizeof password);
	if (rc == 0 && !password[0])
		rc = PP_ENOTFOUND;
	if (rc) {
		cli_error(rc == PP_ETOOBIG ? "the password is too long" : "no password given");
		goto out;
	}
	token_name(name, sizeof name);
	if (!(body = json_pack("{s:{s:s}}", "token", "name", name))) {
		rc = PP_ENOMEM;
		cli_error("out of memory");
		goto out;
	}
	struct cli_http_req rq = {
	        .method = "POST",
	        .base_url = c->api_url,
	        .path = "/v1/tokens",
	        .body = body,
	        .basic_user = login,
	        .basic_pass = password,
	};
	rc = cli_http_do(&rq, &rs, err);
	/* 2FA: the code the reference CLI asks for as "OTP: ", a few tries */
	for (int tries = 0; rc == 0 && is_otp_required(&rs) && tries < OTP_TRIES; tries++) {
		if (tries > 0)
			cli_error("the code was not accepted");
		rc = cli_prompt_line("OTP: ", 1, otp, sizeof otp);
		if (rc == 0 && !otp[0])
			rc = PP_ENOTFOUND;
		if (rc) {
			cli_error("no two-factor authentication code given");
			goto out;
		}
		rq.otp = otp;
		cli_http_resp_free(&rs);
		cli_http_resp_init(&rs);
		rc = cli_http_do(&rq, &rs, err);
	}
	sodium_memzero(password, sizeof password);
	if (rc) {
		cli_error("%s", err);
		goto out;
	}
	if (cli_confirm_is_unconfirmed(&rs)) {
		rc = cli_confirm_offer(c, login);
		goto out;
	}
	if (rs.status < 200 || rs.status >= 300) {
		cli_report(&rs);
		rc = rs.status == 401 ? PP_EAUTH : PP_EIO;
		goto out;
	}
	json_t *t = json_object_get(rs.json, "token");
	const char *secret = json_string_value(json_object_get(t, "token"));
	const char *id = json_string_value(json_object_get(t, "id"));
	if (!secret || !id) {
		cli_error("unexpected answer from the server to POST /v1/tokens");
		rc = PP_EINVAL;
		goto out;
	}
	rc = finish_login(c, secret, id);
out:
	sodium_memzero(password, sizeof password);
	sodium_memzero(otp, sizeof otp);
	json_decref(body);
	cli_http_resp_free(&rs);
	return rc;
}

int cli_account_login(struct cli_ctx *c)
{
	const char *token = cli_opt_value(c, "api-token");
	if (token && !*token) {
		cli_error("--api-token needs a token");
		return CLI_EXIT_USAGE;
	}
	return cli_exit_status(token ? finish_login(c, token, NULL) : login_password(c));
}

int cli_account_logout(struct cli_ctx *c)
{
	char err[CLI_CONFIG_ERR_LEN];
	int revoked = 0;

	if (c->stored_rc == PP_ENOTFOUND) {
		cli_step("You were already logged out.");
		return CLI_EXIT_OK;
	}
	/* a token this CLI created: revoke it on the server it belongs to, best effort */
	if (c->stored_rc == 0 && c->stored.token_id && c->stored.api_url)
		revoked = revoke_token(c->stored.api_url, c->stored.token, c->stored.token_id) == 0;
	int rc = cli_config_remove(err);
	if (rc == PP_ENOTFOUND) {
		cli_step("You were already logged out.");
		return CLI_EXIT_OK;
	}
	if (rc) {
		cli_error("%s", err);
		return CLI_EXIT_ERROR;
	}
	cli_step("Credentials deleted%s. Bye!", revoked ? " and the CLI's API token revoked" : "");
	return CLI_EXIT_OK;
}

/* ---- self ---- */

static void show_field(const char *label, const char *value)
{
	printf("%-*s", LABEL_WIDTH, label);
	cli_put_safe(stdout, value && *value ? value : "-");
	fputc('\n', stdout);
}

int cli_account_self(struct cli_ctx *c)
{
	struct cli_http_resp rs;
	char when[CLI_TIME_LEN];
	int rc;

	cli_http_resp_init(&rs);
	if ((rc = cli_call(c, "GET", "/v1/users/self", NULL, &rs)) != 0)
		goto out;
	if (c->json) {
		cli_print_raw(&rs);
		goto out;
	}
	json_t *u = json_object_get(rs.json, "user");
#define STR(k) json_string_value(json_object_get(u, k))
	show_field("ID:", STR("id"));
	show_field("Username:", STR("username"));
	show_field("Email:", STR("email"));
	if (STR("unconfirmed_email")) {
		printf("%-*s", LABEL_WIDTH, "Unconfirmed email:");
		cli_put_safe(stdout, STR("unconfirmed_email"));
		printf(" (follow the link mailed to it to confirm)\n");
	}
	show_field("Full name:", STR("fullname"));
	show_field("Company:", STR("company"));
	show_field("Location:", STR("location"));
	cli_format_time(STR("created_at"), "-", when);
	show_field("Created at:", when);
	show_field("Two-factor auth:",
	           json_is_true(json_object_get(u, "tfa_enabled")) ? "enabled" : "disabled");
	if (STR("suspended_at")) {
		cli_format_time(STR("suspended_at"), "-", when);
		show_field("Suspended at:", when);
		show_field("Suspension reason:", STR("suspension_reason"));
	}
#undef STR
out:
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

/* ---- API tokens ---- */

int cli_account_tokens(struct cli_ctx *c)
{
	static const struct cli_col cols[] = {
	        {"ID", "id", 0},
	        {"NAME", "name", 0},
	        {"CREATED AT", "created_at", 1},
	        {"LAST USED AT", "last_used_at", 1},
	};
	struct cli_http_resp rs;
	int rc;

	cli_http_resp_init(&rs);
	if ((rc = cli_call(c, "GET", "/v1/tokens", NULL, &rs)) != 0)
		goto out;
	if (c->json) {
		cli_print_raw(&rs);
		goto out;
	}
	json_t *tokens = json_object_get(rs.json, "tokens");
	if (json_array_size(tokens) == 0)
		printf("No API tokens.\n");
	else if ((rc = cli_table(cols, sizeof cols / sizeof cols[0], tokens)) != 0)
		cli_error("%s", pp_strerror(rc));
out:
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

/* The secret of a token answer, printed alone on its line, with the warning. */
static int show_secret(const struct cli_http_resp *rs, const char *what)
{
	json_t *t = json_object_get(rs->json, "token");
	const char *secret = json_string_value(json_object_get(t, "token"));
	const char *name = json_string_value(json_object_get(t, "name"));
	const char *id = json_string_value(json_object_get(t, "id"));
	if (!secret || !name || !id) {
		cli_error("unexpected answer from the server");
		return PP_EINVAL;
	}
	cli_step("%s API token '%s' (%s). Its secret:", what, name, id);
	cli_put_safe(stdout, secret);
	printf("\n       Copy it now: it won't be shown again.\n");
	return 0;
}

int cli_account_tokens_add(struct cli_ctx *c)
{
	struct cli_http_resp rs;
	json_t *body = json_pack("{s:{s:s}}", "token", "name", c->argv[0]);
	int rc;

	cli_http_resp_init(&rs);
	if (!body) {
		rc = PP_ENOMEM;
		cli_error("out of memory");
		goto out;
	}
	if ((rc = cli_call(c, "POST", "/v1/tokens", body, &rs)) != 0)
		goto out;
	if (c->json)
		cli_print_raw(&rs);
	else
		rc = show_secret(&rs, "Created");
out:
	json_decref(body);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

/* Whether id is the token of the stored credentials now in use. */
static int is_own_token(const struct cli_ctx *c, const char *id)
{
	return c->stored_rc == 0 && c->token == c->stored.token && c->stored.token_id &&
	       strcmp(c->stored.token_id, id) == 0;
}

int cli_account_tokens_renew(struct cli_ctx *c)
{
	struct cli_http_resp rs;
	struct buf path;
	char err[CLI_CONFIG_ERR_LEN];
	int rc;

	cli_http_resp_init(&rs);
	buf_init(&path, CLI_PATH_MAX);
	if ((rc = cli_path1(&path, "/v1/tokens/", c->argv[0], "/renew")) != 0) {
		cli_error("the token ID is too long");
		goto out;
	}
	if ((rc = cli_call(c, "PATCH", path.data, NULL, &rs)) != 0)
		goto out;
	if (c->json)
		cli_print_raw(&rs);
	else if ((rc = show_secret(&rs, "Renewed")) != 0)
		goto out;
	if (is_own_token(c, c->argv[0])) {
		/* the old secret stopped working: keep this CLI logged in with the new one */
		const char *secret = json_string_value(
		        json_object_get(json_object_get(rs.json, "token"), "token"));
		char *copy = secret ? strdup(secret) : NULL;
		if (!copy) {
			cli_error("could not update the stored credentials: run `paasport login`");
			rc = PP_ENOMEM;
			goto out;
		}
		sodium_memzero(c->stored.token, strlen(c->stored.token));
		free(c->stored.token);
		c->token = c->stored.token = copy;
		if ((rc = cli_config_save(&c->stored, err)) != 0) {
			cli_error("%s", err);
			goto out;
		}
		if (!c->json)
			printf("       This is the CLI's own token: the stored credentials were "
			       "updated.\n");
	}
out:
	buf_release(&path);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

int cli_account_tokens_remove(struct cli_ctx *c)
{
	struct cli_http_resp rs;
	struct buf path;
	char err[CLI_CONFIG_ERR_LEN];
	int rc;

	cli_http_resp_init(&rs);
	buf_init(&path, CLI_PATH_MAX);
	if ((rc = cli_path1(&path, "/v1/tokens/", c->argv[0], "")) != 0) {
		cli_error("the token ID is too long");
		goto out;
	}
	if ((rc = cli_call(c, "DELETE", path.data, NULL, &rs)) != 0)
		goto out;
	cli_step("API token %s revoked.", c->argv[0]);
	if (is_own_token(c, c->argv[0])) {
		if ((rc = cli_config_remove(err)) != 0 && rc != PP_ENOTFOUND) {
			cli_error("%s", err);
			goto out;
		}
		rc = 0;
		printf("       It was the CLI's own token: you are now logged out.\n");
	}
out:
	buf_release(&path);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

/* ---- timeline ---- */

/*
 * The sentences are the server's: GET /v1/event_types gives each type's
 * template, rendered here (the language is in docs/api.md "Events"): text;
 * {app} the event's app name; {a.b} type_data's value at a dotted path;
 * {@name} a computed part (append_computed); {?x} a test that x has a value,
 * printing nothing; [one|two] the first alternative whose placeholders all
 * have a value. Types the catalogue lacks show their type only.
 */

/* Written by the server in place of the email or username of an erased account. */
#define ERASED "user account deleted"

/* Drops what was appended to out since its length was len. */
static void cut(struct buf *out, size_t len)
{
	if (out->len > len) {
		out->len = len;
		out->data[len] = 0;
	}
}

/* 1 (appended) for buf's 0, else buf's error code. */
static int appended(int rc)
{
	return rc ? rc : 1;
}

/* The text of a type_data value: 1 appended, 0 none (no value), or a PP_E* code. */
static int append_value(struct buf *out, json_t *v)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		return *s ? appended(buf_appendz(out, s)) : 0;
	}
	if (json_is_integer(v))
		return appended(buf_appendf(out, "%lld", (long long)json_integer_value(v)));
	if (json_is_real(v))
		return appended(buf_appendf(out, "%g", json_real_value(v)));
	if (json_is_true(v))
		return appended(buf_appendz(out, "yes"));
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		int rc, n = 0;
		json_array_foreach (v, i, e) {
			size_t at = out->len;
			if (n && (rc = buf_appendz(out, ", ")) != 0)
				return rc;
			if ((rc = append_value(out, e)) < 0)
				return rc;
			if (rc == 0) /* nothing for this one: drop the comma */
				cut(out, at);
			n += rc;
		}
		return n > 0;
	}
	return 0;
}

/* type_data's value at a dotted key ("collaborator.inviter.email"), or NULL. */
static json_t *value_at(json_t *data, const char *key)
{
	json_t *v = data;
	char part[EVENT_KEY_MAX];
	while (v && *key) {
		size_t n = strcspn(key, ".");
		if (n >= sizeof part)
			return NULL;
		memcpy(part, key, n);
		part[n] = 0;
		v = json_object_get(v, part);
		key += key[n] ? n + 1 : n;
	}
	return v;
}

/* "full name, company": edit_profile's fields as words. */
static int append_fields(struct buf *out, json_t *fields)
{
	static const char *const names[][2] = {
	        {"fullname", "full name"},
	        {"unconfirmed_email", "new email awaiting confirmation"},
	        {"email_newsletter", "newsletter"},
	};
	size_t i;
	json_t *f;
	int rc = 0, n = 0;
	json_array_foreach (fields, i, f) {
		const char *s = json_string_value(f);
		const char *word = NULL;
		if (!s)
			continue;
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
			if (strcmp(names[k][0], s) == 0)
				word = names[k][1];
		if (n++ && (rc = buf_appendz(out, ", ")) != 0)
			return rc;
		if (word) {
			rc = buf_appendz(out, word);
		} else {
			for (const char *p = s; *p && rc == 0; p++)
				rc = buf_append(out, *p == '_' ? " " : p, 1);
		}
		if (rc)
			return rc;
	}
	return n ? 1 : 0;
}

/* The amount of type in a {type: amount} object, 0 when absent. */
static long long amount_of(json_t *amounts, const char *type)
{
	json_t *v = json_object_get(amounts, type);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

/* "0", or "2×L" */
static int append_amount(struct buf *out, long long amount, const char *size)
{
	if (!amount)
		return buf_appendz(out, "0");
	return buf_appendf(out, "%lld×%s", amount, size ? size : "?");
}

/* "web 1×M → 2×L, worker 0 → 1×S": the types a scale event changed. */
static int append_formation(struct buf *out, json_t *data)
{
	json_t *prev = json_object_get(data, "previous_containers");
	json_t *next = json_object_get(data, "containers");
	json_t *psizes = json_object_get(data, "previous_sizes");
	json_t *sizes = json_object_get(data, "sizes");
	const char *type;
	json_t *v;
	int rc = 0, n = 0;

	json_object_foreach (next, type, v) {
		long long from = amount_of(prev, type), to = amount_of(next, type);
		const char *ps = json_string_value(json_object_get(psizes, type));
		const char *s = json_string_value(json_object_get(sizes, type));
		int same_size = (!ps && !s) || (ps && s && strcmp(ps, s) == 0);
		if (from == to && (same_size || (!from && !to)))
			continue;
		if ((rc = buf_appendf(out, "%s%s ", n++ ? ", " : "", type)) ||
		    (rc = append_amount(out, from, ps)) || (rc = buf_appendz(out, " → ")) ||
		    (rc = append_amount(out, to, s)))
			return rc;
	}
	return n ? 1 : 0;
}

/* An email of type_data, "a deleted account" once erased. */
static int append_email(struct buf *out, json_t *person)
{
	const char *e = json_string_value(json_object_get(person, "email"));
	if (!e || !*e)
		return 0;
	return appended(buf_appendz(out, strcmp(e, ERASED) == 0 ? "a deleted account" : e));
}

/* A person as people know them: the username, else the email. */
static int append_person(struct buf *out, json_t *person)
{
	const char *u = json_string_value(json_object_get(person, "username"));
	if (u && *u && strcmp(u, "n/a") != 0 && strcmp(u, ERASED) != 0)
		return appended(buf_appendz(out, u));
	int rc = append_email(out, person);
	if (rc == 0 && u && strcmp(u, ERASED) == 0)
		rc = appended(buf_appendz(out, "a deleted account"));
	return rc;
}

/* Is the collaborator of type_data the event's actor (username or email)? */
static int is_actor(json_t *ev, json_t *k)
{
	json_t *user = json_object_get(ev, "user");
	const char *ku = json_string_value(json_object_get(k, "username"));
	const char *uu = json_string_value(json_object_get(user, "username"));
	const char *ke = json_string_value(json_object_get(k, "email"));
	const char *ue = json_string_value(json_object_get(user, "email"));
	if (ku && uu && *ku && *uu && strcmp(ku, uu) == 0)
		return 1;
	return ke && ue && *ke && *ue && strcasecmp(ke, ue) == 0;
}

/* The computed parts {@name} the catalogue names: 1 appended, 0 no value, or PP_E*. */
static int append_computed(struct buf *out, const char *name, json_t *ev, json_t *data)
{
	json_t *k = json_object_get(data, "collaborator");
	if (strcmp(name, "fields") == 0)
		return append_fields(out, json_object_get(data, "fields"));
	if (strcmp(name, "formation") == 0)
		return append_formation(out, data);
	if (strcmp(name, "collaborator") == 0)
		return append_person(out, k);
	if (strcmp(name, "collaborator_email") == 0)
		return append_email(out, k);
	if (strcmp(name, "inviter") == 0)
		return append_person(out, json_object_get(k, "inviter"));
	if (strcmp(name, "self") == 0)
		return is_actor(ev, k);
	if (strcmp(name, "pending") == 0)
		return json_is_string(json_object_get(k, "username")) &&
		       strcmp(json_string_value(json_object_get(k, "username")), "n/a") == 0;
	return 0;
}

/* One placeholder (key without braces): 1 appended, 0 no value, or a PP_E* code. */
static int append_placeholder(struct buf *out, const char *key, json_t *ev)
{
	json_t *data = json_object_get(ev, "type_data");
	if (key[0] == '@')
		return append_computed(out, key + 1, ev, data);
	if (strcmp(key, "app") == 0)
		return append_value(out, json_object_get(ev, "app_name"));
	return append_value(out, value_at(data, key));
}

/*
 * Text with placeholders, from p to end. strict: 0 as soon as one has no
 * value (out then holds a partial text the caller drops). 1 done, or PP_E*.
 */
static int render_text(struct buf *out, const char *p, const char *end, json_t *ev, int strict)
{
	int rc = 0;
	while (p < end) {
		const char *close = *p == '{' ? memchr(p, '}', (size_t)(end - p)) : NULL;
		size_t klen = close ? (size_t)(close - p - 1) : 0;
		if (!close || klen == 0 || klen >= EVENT_KEY_MAX) {
			if ((rc = buf_append(out, p++, 1)) != 0)
				return rc;
			continue;
		}
		char key[EVENT_KEY_MAX];
		int test = p[1] == '?';
		memcpy(key, p + 1 + test, klen - (size_t)test);
		key[klen - (size_t)test] = 0;
		size_t at = out->len;
		if ((rc = append_placeholder(out, key, ev)) < 0)
			return rc;
		if (rc == 0 && strict)
			return 0;
		if (test) /* a test prints nothing */
			cut(out, at);
		p = close + 1;
	}
	return 1;
}

static int render_template(struct buf *out, const char *t, json_t *ev)
{
	int rc = 0;
	while (*t) {
		const char *open = strchr(t, '[');
		const char *close = open ? strchr(open, ']') : NULL;
		if (!close) {
			rc = render_text(out, t, t + strlen(t), ev, 0);
			return rc < 0 ? rc : 0;
		}
		if ((rc = render_text(out, t, open, ev, 0)) < 0)
			return rc;
		for (const char *alt = open + 1; alt <= close;) {
			const char *bar = memchr(alt, '|', (size_t)(close - alt));
			const char *alt_end = bar ? bar : close;
			size_t at = out->len;
			if ((rc = render_text(out, alt, alt_end, ev, 1)) < 0)
				return rc;
			if (rc == 1)
				break;
			cut(out, at); /* this alternative lacks a value: the next one */
			alt = alt_end + 1;
		}
		t = close + 1;
	}
	return 0;
}

static int event_sentence(struct buf *out, json_t *ev, json_t *templates)
{
	const char *type = json_string_value(json_object_get(ev, "type"));
	const char *t = type ? json_string_value(json_object_get(templates, type)) : NULL;
	return t ? render_template(out, t, ev) : 0;
}

/* {type: template} from GET /v1/event_types (a new reference), or NULL. */
static json_t *fetch_templates(struct cli_ctx *c)
{
	struct cli_http_resp rs;
	json_t *map = NULL, *t;
	size_t i;

	cli_http_resp_init(&rs);
	if (cli_call(c, "GET", "/v1/event_types", NULL, &rs) != 0)
		goto out;
	map = json_object();
	json_array_foreach (json_object_get(rs.json, "event_types"), i, t) {
		json_t *name = json_object_get(t, "name"), *tpl = json_object_get(t, "template");
		if (json_is_string(name) && json_is_string(tpl))
			json_object_set(map, json_string_value(name), tpl);
	}
out:
	cli_http_resp_free(&rs);
	return map;
}

/* Who did it: the username, or a mark for an account deleted since. */
static const char *event_actor(json_t *ev)
{
	json_t *u = json_object_get(ev, "user");
	const char *name = json_string_value(json_object_get(u, "username"));
	if (name)
		return name;
	return json_is_object(u) ? "(deleted account)" : "-";
}

static size_t max_len(json_t *events, int actor)
{
	size_t i, w = 0;
	json_t *ev;
	json_array_foreach (events, i, ev) {
		const char *s =
		        actor ? event_actor(ev) : json_string_value(json_object_get(ev, "type"));
		if (s && strlen(s) > w)
			w = strlen(s);
	}
	return w;
}

static int print_events(json_t *events, json_t *templates, int with_actor)
{
	size_t i, tw = max_len(events, 0), uw = max_len(events, 1);
	json_t *ev;
	struct buf line;
	char when[CLI_TIME_LEN];
	int rc = 0;

	buf_init(&line, CLI_HTTP_MAX_RESPONSE);
	json_array_foreach (events, i, ev) {
		const char *type = json_string_value(json_object_get(ev, "type"));
		buf_reset(&line);
		cli_format_time(json_string_value(json_object_get(ev, "created_at")), "-", when);
		rc = buf_appendf(&line, "%s  %-*s  ", when, (int)tw, type ? type : "?");
		if (rc == 0 && with_actor)
			rc = buf_appendf(&line, "%-*s  ", (int)uw, event_actor(ev));
		if (rc || (rc = event_sentence(&line, ev, templates)) != 0)
			break;
		while (line.len > 0 && line.data[line.len - 1] == ' ')
			line.data[--line.len] = 0;
		cli_put_safe(stdout, line.data);
		fputc('\n', stdout);
	}
	buf_release(&line);
	return rc;
}

int cli_account_timeline(struct cli_ctx *c, const char *path, const char *next_cmd, int app_view)
{
	const char *page_s = cli_opt_value(c, "page"), *per_s = cli_opt_value(c, "per-page");
	const char *anchor_s = cli_opt_value(c, "anchor");
	long page = 1, per_page = 0, anchor = 0;
	struct cli_http_resp rs;
	struct buf url;
	int rc;

	if (page_s && cli_parse_long(page_s, 1, PAGE_MAX, &page) != 0) {
		cli_error("--page must be a whole number from 1 to %ld", PAGE_MAX);
		return CLI_EXIT_USAGE;
	}
	if (per_s && cli_parse_long(per_s, 1, PER_PAGE_MAX, &per_page) != 0) {
		cli_error("--per-page must be a whole number from 1 to %ld", PER_PAGE_MAX);
		return CLI_EXIT_USAGE;
	}
	if (anchor_s && cli_parse_long(anchor_s, 1, ANCHOR_MAX, &anchor) != 0) {
		cli_error("--anchor must be the ID a timeline footer showed");
		return CLI_EXIT_USAGE;
	}
	cli_http_resp_init(&rs);
	buf_init(&url, CLI_PATH_MAX);
	rc = buf_appendf(&url, "%s?page=%ld", path, page);
	if (rc == 0 && per_page)
		rc = buf_appendf(&url, "&per_page=%ld", per_page);
	if (rc == 0 && anchor)
		rc = buf_appendf(&url, "&anchor=%ld", anchor);
	if (rc) {
		cli_error("the request path is too long");
		goto out;
	}
	if ((rc = cli_call(c, "GET", url.data, NULL, &rs)) != 0)
		goto out;
	if (c->json) {
		cli_print_raw(&rs);
		goto out;
	}
	json_t *events = json_object_get(rs.json, "events");
	if (json_array_size(events) == 0) {
		printf("No events%s.\n", page > 1 ? " on this page" : "");
	} else {
		/* without the catalogue (its error is printed), events show their type */
		json_t *templates = fetch_templates(c);
		rc = print_events(events, templates, app_view);
		json_decref(templates);
		if (rc) {
			cli_error("%s", pp_strerror(rc));
			goto out;
		}
	}
	json_t *pg = json_object_get(json_object_get(rs.json, "meta"), "pagination");
	json_t *next = json_object_get(pg, "next_page");
	json_t *anc = json_object_get(pg, "anchor");
	if (json_is_integer(next)) {
		printf("-- page %lld of %lld; next: ",
		       (long long)json_integer_value(json_object_get(pg, "current_page")),
		       (long long)json_integer_value(json_object_get(pg, "total_pages")));
		cli_put_safe(stdout, next_cmd);
		printf(" --page %lld", (long long)json_integer_value(next));
		if (per_page && app_view)
			printf(" --per-page %ld", per_page);
		if (app_view && json_is_integer(anc))
			printf(" --anchor %lld", (long long)json_integer_value(anc));
		fputc('\n', stdout);
	}
out:
	buf_release(&url);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

int cli_account_user_timeline(struct cli_ctx *c)
{
	return cli_account_timeline(c, "/v1/events", "paasport user-timeline", 0);
}
