/*
 * http.h - the request context handed to handlers, the reply helpers, and the
 * libmicrohttpd server that runs the gates of DESIGN.md section 4 in order:
 * route -> method (404/405) -> body size/content type (413/415) ->
 * authentication (401) -> rate limit (429) -> JSON body (400) -> handler.
 * Authorization (ownership) is the handler's first step, through store
 * functions that always take the caller's user id.
 */
#ifndef PP_HTTP_H
#define PP_HTTP_H

#include "app.h"
#include "http/route.h"
#include "store/store_acct.h"
#include "util/buf.h"

#include <jansson.h>
#include <stdint.h>

#define HTTP_BODY_MAX (1024 * 1024) /* bytes; 413 beyond */
/* Request line + headers: 431 beyond (the first gate, before anything else). */
#define HTTP_HEADER_MAX (8 * 1024)
/* MHD per-connection memory: the request head (at most HTTP_HEADER_MAX, plus MHD's
 * bookkeeping) and the response head must both fit. MHD clears it for every request,
 * so it stays small. */
#define HTTP_HEADER_MEMORY        (16 * 1024)
#define HTTP_REQUEST_ID_MAX       64
#define HTTP_MAX_RESPONSE_HEADERS 8
#define HTTP_SESSION_COOKIE       "pp_session"
#define HTTP_DRAIN_TIMEOUT_MS     10000 /* SIGTERM: how long in-flight requests may finish */

enum auth_kind { AUTH_NONE = 0, AUTH_SESSION, AUTH_TOKEN, AUTH_JWT, AUTH_BASIC };

struct req {
	struct app *app;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const struct route *route;
	struct route_params params;
	struct buf body;
	int body_too_big;
	int in_flight; /* counted in the in-flight gauge */
	json_t *json;  /* parsed body (object) or NULL */
	char request_id[HTTP_REQUEST_ID_MAX + 1];
	char ip[64];
	int64_t t0_us;
	struct store_conn *db; /* use req_db() */

	enum auth_kind auth;
	char token_id[ID_MAX]; /* valid for AUTH_TOKEN / AUTH_JWT */

	int status;
	struct MHD_Response *resp;
	int nhdr;
	struct {
		char *name, *value;
	} hdr[HTTP_MAX_RESPONSE_HEADERS];

	/* The large records come last: req_new() zeroes only what precedes them
	 * (they are filled whole by the store before any use). */
	struct user_rec user;       /* valid when auth != AUTH_NONE (user.id "" otherwise) */
	struct session_rec session; /* valid when auth == AUTH_SESSION */
};

/* The request's database connection (borrowed from the pool on first use). */
struct store_conn *req_db(struct req *r);
/* A request header, or NULL. */
const char *req_header(struct req *r, const char *name);
/* A query-string argument, or NULL. */
const char *req_query(struct req *r, const char *name);
const char *req_param(struct req *r, const char *name);

/* Replies. The last one called wins. json is stolen. */
void reply_json(struct req *r, int status, json_t *json);
void reply_empty(struct req *r, int status);
void reply_raw(struct req *r, int status, const char *content_type, const void *data, size_t len,
               int copy);
/* {"error": msg} */
void reply_error(struct req *r, int status, const char *msg);
/* 404 {"resource": resource, "error": "not found"} */
void reply_not_found(struct req *r, const char *resource);
/* 422 {"errors": errors} (errors stolen: {"field": ["msg"]}) */
void reply_invalid(struct req *r, json_t *errors);
/* 422 for one field */
void reply_invalid1(struct req *r, const char *field, const char *msg);
/* 500, logging what for the operators */
void reply_internal(struct req *r, const char *what, int rc);
/* Maps a PP_E* code from a store call to the usual reply. */
void reply_rc(struct req *r, int rc, const char *resource);
/* 429 with Retry-After (rounded up to whole seconds). */
void reply_retry_after(struct req *r, int64_t retry_ms);
/* Adds a response header (copied). */
void reply_header(struct req *r, const char *name, const char *value);

struct http_server;
int http_start(struct app *app, struct http_server **out);
/* Stops accepting, lets in-flight requests finish, frees. */
void http_stop(struct http_server *s);

#endif
