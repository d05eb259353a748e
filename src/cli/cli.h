/*
 * cli.h - what every command of the `paasport` CLI shares: the command table
 * row (struct cli_cmd), the parsed invocation and credentials (struct
 * cli_ctx), authenticated API calls that report errors, and output helpers
 * (sanitised text, dates, tables, raw JSON).
 *
 * A command is a function `int run(struct cli_ctx *)` returning the process
 * exit status (CLI_EXIT_*), plus one row in paasport.c's table declaring its
 * arguments, options and help. Adding a command = writing run + adding a row.
 */
#ifndef PP_CLI_H
#define PP_CLI_H

#include "cli/cli_config.h"
#include "cli/cli_http.h"

#include <jansson.h>
#include <stdio.h>

#define CLI_VERSION         "0.1.0"
#define CLI_DEFAULT_API_URL "http://127.0.0.1:8080"
#define CLI_MAX_ARGS        8    /* positional arguments of one command */
#define CLI_MAX_OPTS        8    /* options one command may declare */
#define CLI_TIME_LEN        32   /* "2026-11-28 09:20:31 UTC" plus NUL */
#define CLI_PATH_MAX        2048 /* bytes of an API path with its query */

/* Exit statuses, documented in `paasport --help`. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_ERROR = 1, /* the API refused, the network failed, not logged in */
	CLI_EXIT_USAGE = 2, /* bad command line */
};

/* cli_cmd.flags */
enum {
	CLI_F_JSON = 1, /* accepts --json: print the API's raw JSON instead */
};

struct cli_ctx;

/* A command-specific option: --name VALUE, or a flag when arg is NULL. */
struct cli_opt {
	const char *name; /* without the leading "--" */
	const char *arg;  /* placeholder shown in help ("N"), NULL for a flag */
	const char *help;
	char short_name; /* 'a' for -a, 0 when there is no short form */
};

struct cli_cmd {
	const char *name;
	const char *args;    /* usage of the positional arguments, "" when none */
	const char *summary; /* one line for the command list */
	const char *help;    /* longer text for `paasport help NAME`, may be NULL */
	int (*run)(struct cli_ctx *c);
	int min_args, max_args;
	unsigned flags;
	const struct cli_opt *opts; /* terminated by a row with name NULL; may be NULL */
};

struct cli_ctx {
	const struct cli_cmd *cmd;
	const char *api_url_opt; /* --api-url */
	int json;                /* --json */
	int argc;                /* positional arguments after the command */
	const char *argv[CLI_MAX_ARGS];
	const char *optval[CLI_MAX_OPTS]; /* by index in cmd->opts; "" for a flag given */

	/* set up by cli_ctx_load() */
	const char *api_url;    /* effective: --api-url, $PAASPORT_API_URL, stored, default */
	int api_url_explicit;   /* from --api-url or $PAASPORT_API_URL */
	const char *env_token;  /* $PAASPORT_API_TOKEN */
	struct cli_auth stored; /* the auth file, when stored_rc == 0 */
	int stored_rc;          /* 0, PP_ENOTFOUND or another PP_E* (message in stored_err) */
	char stored_err[CLI_CONFIG_ERR_LEN];
	const char *token; /* after cli_need_auth(): the bearer token in use */
};

/* Reads the environment and the auth file; resolves the API URL. */
void cli_ctx_load(struct cli_ctx *c);
void cli_ctx_free(struct cli_ctx *c);

/* The value of the command's option name (NULL when not given; "" for a given flag). */
const char *cli_opt_value(const struct cli_ctx *c, const char *name);

/*
 * Picks the credentials ($PAASPORT_API_TOKEN, else the auth file) and sets
 * c->token. When there are none, prints "not logged in: run `paasport login`"
 * and returns PP_EAUTH.
 */
int cli_need_auth(struct cli_ctx *c);

/*
 * One request with the credentials of cli_need_auth() (called here). Returns
 * 0 on a 2xx answer (rs holds it); otherwise prints the error on stderr and
 * returns a PP_E* code. body is not consumed. path must be escaped already.
 */
int cli_call(struct cli_ctx *c, const char *method, const char *path, json_t *body,
             struct cli_http_resp *rs);

/* cli_http_do() + error printing: 0 only for a 2xx answer. */
int cli_send(const struct cli_http_req *rq, struct cli_http_resp *rs);

/* Prints the error of a non-2xx answer: " !     <message>" on stderr. */
void cli_report(const struct cli_http_resp *rs);

/* Whether two API URLs are the same, ignoring trailing slashes. */
int cli_same_url(const char *a, const char *b);

/* Maps a PP_E* code (or 0) to an exit status. */
int cli_exit_status(int rc);

/* " !     message" on stderr; control characters replaced. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "-----> message" on stdout; control characters replaced. */
void cli_step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s on f, with control characters (C0, DEL, C1) replaced by '?'. */
void cli_put_safe(FILE *f, const char *s);
/* The raw answer body of the API on stdout, newline-terminated. */
void cli_print_raw(const struct cli_http_resp *rs);

/* "2026-11-28T09:20:31.123Z" -> "2026-11-28 09:20:31 UTC"; NULL -> none. */
void cli_format_time(const char *iso, const char *none, char out[CLI_TIME_LEN]);

/* A table column: header, key in each row object, whether it holds a date. */
struct cli_col {
	const char *header;
	const char *key;
	int is_time;
};
/* Prints rows (a JSON array of objects) as an aligned table on stdout. */
int cli_table(const struct cli_col *cols, size_t ncols, json_t *rows);

/* Parses a decimal integer in [min, max]; PP_EINVAL otherwise. */
int cli_parse_long(const char *s, long min, long max, long *out);

/* "/v1/tokens/" + escaped id + suffix, into out. */
int cli_path1(struct buf *out, const char *prefix, const char *id, const char *suffix);

#endif
