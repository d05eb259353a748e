/*
 * route.h - the declarative route table and its pure matcher.
 *
 * Patterns are literal segments and ":name" captures, e.g. "/v1/tokens/:id/renew".
 * A capture matches one non-empty segment of at most ROUTE_SEG_MAX bytes.
 */
#ifndef PP_ROUTE_H
#define PP_ROUTE_H

#include <stddef.h>

#define ROUTE_MAX_PARAMS 4
#define ROUTE_SEG_MAX    128
#define ROUTE_PATH_MAX   2048

struct req;
/* 0 once it has answered (reply_*), or a PP_E* code described with api_fail_*(). */
typedef int (*route_handler)(struct req *r);

/* Gate flags: authentication and body expectations of a route. */
enum {
	ROUTE_PUBLIC = 1u << 0,   /* no authentication */
	ROUTE_AUTH = 1u << 1,     /* session cookie or bearer required */
	ROUTE_BASIC = 1u << 2,    /* Basic login:password also accepted (login throttle) */
	ROUTE_JSON = 1u << 3,     /* a JSON object body is required */
	ROUTE_JSON_OPT = 1u << 4, /* a JSON object body is optional */
	ROUTE_THROTTLE = 1u << 5, /* per-IP limit for credential-guessing endpoints */
	ROUTE_NO_CSRF = 1u << 6,  /* exempt from the cookie CSRF check (login itself) */
	ROUTE_CSRF_GET = 1u << 7, /* a GET that changes state: CSRF token required too */
	ROUTE_OWN_AUTH = 1u << 8, /* public; the handler checks Authorization itself (/metrics) */
	ROUTE_CONFIRMED =
	        1u << 9, /* the caller's address must be confirmed: 403 email_unconfirmed */
};

struct route {
	const char *method;
	const char *pattern;
	route_handler handler;
	unsigned flags;
	/* For routes on one app (":app"): what the caller does to it (enum perm_action of
	 * core/perm.h, 0 = none). The authorization gate loads the app and checks it. */
	int action;
};

struct route_params {
	int n;
	struct {
		const char *name; /* points into the pattern, up to '/' or NUL */
		size_t name_len;
		char value[ROUTE_SEG_MAX + 1];
	} p[ROUTE_MAX_PARAMS];
};

/*
 * Finds the route for method+path. Returns 0 and sets *out, PP_ENOTFOUND when
 * no pattern matches the path, PP_EMETHOD when a pattern matches but not with
 * this method (HEAD is treated as GET). Pure: no I/O, no allocation.
 */
int route_match(const struct route *table, size_t n, const char *method, const char *path,
                const struct route **out, struct route_params *params);

/* Value of capture `name`, or NULL. */
const char *route_param(const struct route_params *params, const char *name);

#endif
