/*
 * cli.c - the runtime shared by the CLI's commands (see cli.h): credentials
 * and API URL resolution, authenticated calls with error reporting, and
 * output that never passes the server's control characters to the terminal.
 */
#include "cli/cli.h"
#include "util/err.h"
#include "util/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CLI_MSG_MAX (64 * 1024) /* bytes of one message we print */

int cli_same_url(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	while (la > 0 && a[la - 1] == '/')
		la--;
	while (lb > 0 && b[lb - 1] == '/')
		lb--;
	return la == lb && memcmp(a, b, la) == 0;
}

void cli_ctx_load(struct cli_ctx *c)
{
	const char *env_url = getenv("PAASPORT_API_URL");
	const char *env_token = getenv("PAASPORT_API_TOKEN");

	c->env_token = env_token && *env_token ? env_token : NULL;
	c->stored_rc = cli_config_load(&c->stored, c->stored_err);
	c->api_url_explicit = 1;
	if (c->api_url_opt && *c->api_url_opt) {
		c->api_url = c->api_url_opt;
	} else if (env_url && *env_url) {
		c->api_url = env_url;
	} else {
		c->api_url_explicit = 0;
		if (!c->env_token && c->stored_rc == 0 && c->stored.api_url && *c->stored.api_url)
			c->api_url = c->stored.api_url;
		else
			c->api_url = CLI_DEFAULT_API_URL;
	}
	c->token = NULL;
}

void cli_ctx_free(struct cli_ctx *c)
{
	if (!c)
		return;
	cli_config_auth_free(&c->stored);
	c->token = NULL;
}

const char *cli_opt_value(const struct cli_ctx *c, const char *name)
{
	if (!c->cmd || !c->cmd->opts)
		return NULL;
	for (int i = 0; i < CLI_MAX_OPTS && c->cmd->opts[i].name; i++)
		if (strcmp(c->cmd->opts[i].name, name) == 0)
			return c->optval[i];
	return NULL;
}

int cli_need_auth(struct cli_ctx *c)
{
	if (c->token)
		return 0;
	if (c->env_token) {
		c->token = c->env_token;
		return 0;
	}
	if (c->stored_rc == PP_ENOTFOUND) {
		cli_error("not logged in: run `paasport login`");
		return PP_EAUTH;
	}
	if (c->stored_rc != 0) {
		cli_error("%s", c->stored_err);
		return PP_EAUTH;
	}
	if (c->api_url_explicit && c->stored.api_url &&
	    !cli_same_url(c->stored.api_url, c->api_url)) {
		cli_error("not logged in: run `paasport login` (the stored credentials are for %s)",
		          c->stored.api_url);
		return PP_EAUTH;
	}
	if (c->stored.loose_mode)
		cli_error("warning: the auth file is readable by other users; `chmod 600` it");
	c->token = c->stored.token;
	return 0;
}

static int status_rc(long status)
{
	switch (status) {
	case 400:
	case 422: return PP_EINVAL;
	case 401: return PP_EAUTH;
	case 403: return PP_EAUTH;
	case 404: return PP_ENOTFOUND;
	case 409: return PP_ECONFLICT;
	case 413: return PP_ETOOBIG;
	case 429: return PP_EBUSY;
	}
	return PP_EIO;
}

void cli_report(const struct cli_http_resp *rs)
{
	struct buf msg;
	buf_init(&msg, CLI_MSG_MAX);
	if (cli_http_error_text(rs, &msg) == 0)
		cli_error("%s", msg.data);
	else
		cli_error("error answer from the server (HTTP %ld)", rs->status);
	buf_release(&msg);
}

int cli_send(const struct cli_http_req *rq, struct cli_http_resp *rs)
{
	char err[CLI_HTTP_ERR_LEN];
	int rc = cli_http_do(rq, rs, err);
	if (rc) {
		cli_error("%s", err[0] ? err : pp_strerror(rc));
		return rc;
	}
	if (rs->status >= 200 && rs->status < 300)
		return 0;
	cli_report(rs);
	return status_rc(rs->status);
}

int cli_call(struct cli_ctx *c, const char *method, const char *path, json_t *body,
             struct cli_http_resp *rs)
{
	int rc = cli_need_auth(c);
	if (rc)
		return rc;
	struct cli_http_req rq = {
	        .method = method,
	        .base_url = c->api_url,
	        .path = path,
	        .body = body,
	        .bearer = c->token,
	};
	rc = cli_send(&rq, rs);
	if (rs->status == 401) {
		if (c->token == c->env_token)
			cli_error("the API token in PAASPORT_API_TOKEN was refused");
		else
			cli_error("the stored API token was refused: run `paasport login`");
	}
	return rc;
}

int cli_exit_status(int rc)
{
	return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

void cli_put_safe(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			fputc('?', f);
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc('?', f); /* a C1 control such as CSI, UTF-8 encoded */
			p++;
		} else {
			fputc(*p, f);
		}
	}
}

static void vprint(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	struct buf msg;
	buf_init(&msg, CLI_MSG_MAX);
	fputs(prefix, f);
	if (buf_vappendf(&msg, fmt, ap) == 0)
		cli_put_safe(f, msg.data);
	else
		fputs("(message too long)", f);
	fputc('\n', f);
	buf_release(&msg);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fflush(stdout);
	vprint(stderr, " !     ", fmt, ap);
	va_end(ap);
}

void cli_step(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(stdout, "-----> ", fmt, ap);
	va_end(ap);
}

void cli_print_raw(const struct cli_http_resp *rs)
{
	if (rs->body.len > 0)
		fwrite(rs->body.data, 1, rs->body.len, stdout);
	if (rs->body.len == 0 || rs->body.data[rs->body.len - 1] != '\n')
		fputc('\n', stdout);
}

void cli_format_time(const char *iso, const char *none, char out[CLI_TIME_LEN])
{
	if (!iso || !*iso)
		snprintf(out, CLI_TIME_LEN, "%s", none);
	else if (strlen(iso) >= 19 && iso[10] == 'T')
		snprintf(out, CLI_TIME_LEN, "%.10s %.8s UTC", iso, iso + 11);
	else
		snprintf(out, CLI_TIME_LEN, "%s", iso);
}

static char *cell_text(json_t *row, const struct cli_col *col)
{
	json_t *v = json_object_get(row, col->key);
	char tmp[CLI_TIME_LEN];
	if (col->is_time) {
		cli_format_time(json_string_value(v), json_is_null(v) ? "never" : "-", tmp);
		return strdup(tmp);
	}
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
		return strdup(tmp);
	}
	if (json_is_boolean(v))
		return strdup(json_is_true(v) ? "yes" : "no");
	return strdup("-");
}

int cli_table(const struct cli_col *cols, size_t ncols, json_t *rows)
{
	size_t nrows = json_array_size(rows), i, j;
	size_t *width = calloc(ncols ? ncols : 1, sizeof *width);
	char **cells = nrows ? calloc(nrows * ncols, sizeof *cells) : NULL;
	int rc = PP_ENOMEM;

	if (!width || (nrows && !cells))
		goto out;
	for (j = 0; j < ncols; j++)
		width[j] = str_utf8_chars(cols[j].header);
	for (i = 0; i < nrows; i++) {
		for (j = 0; j < ncols; j++) {
			char *t = cell_text(json_array_get(rows, i), &cols[j]);
			if (!t)
				goto out;
			cells[i * ncols + j] = t;
			if (str_utf8_chars(t) > width[j])
				width[j] = str_utf8_chars(t);
		}
	}
	for (i = 0; i <= nrows; i++) {
		for (j = 0; j < ncols; j++) {
			const char *t = i == 0 ? cols[j].header : cells[(i - 1) * ncols + j];
			cli_put_safe(stdout, t);
			if (j + 1 < ncols)
				printf("%*s", (int)(width[j] - str_utf8_chars(t) + 2), "");
		}
		fputc('\n', stdout);
	}
	rc = 0;
out:
	if (cells)
		for (i = 0; i < nrows * ncols; i++)
			free(cells[i]);
	free(cells);
	free(width);
	return rc;
}

int cli_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	if (!s || !*s || *s == '+' || *s == ' ')
		return PP_EINVAL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return PP_EINVAL;
	*out = v;
	return 0;
}

int cli_path1(struct buf *out, const char *prefix, const char *id, const char *suffix)
{
	int rc = buf_appendz(out, prefix);
	if (rc == 0)
		rc = cli_http_escape_segment(out, id);
	if (rc == 0)
		rc = buf_appendz(out, suffix);
	return rc;
}
