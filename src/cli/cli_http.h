/*
 * cli_http.h - the CLI's HTTP client: one JSON request to the paasport API
 * over libcurl, with a capped response size and timeouts, and the API's
 * error bodies ({"error": ...}, 422 {"errors": {...}}) turned into text.
 */
#ifndef PP_CLI_HTTP_H
#define PP_CLI_HTTP_H

#include "util/buf.h"

#include <jansson.h>

#define CLI_HTTP_MAX_RESPONSE      (8u * 1024 * 1024) /* bytes of response body */
#define CLI_HTTP_MAX_REQUEST       (1u * 1024 * 1024) /* bytes of request body */
#define CLI_HTTP_MAX_URL           4096               /* bytes of base URL + path */
#define CLI_HTTP_CONNECT_TIMEOUT_S 10L
#define CLI_HTTP_TIMEOUT_S         60L /* whole request */
#define CLI_HTTP_ERR_LEN           512 /* transport error messages */

struct cli_http_req {
	const char *method;   /* "GET", "POST", ... */
	const char *base_url; /* "http://127.0.0.1:8080" (a trailing '/' is ignored) */
	const char *path;     /* "/v1/users/self", already escaped */
	json_t *body;         /* sent as JSON when not NULL */
	const char *bearer;   /* Authorization: Bearer ... */
	const char *basic_user, *basic_pass; /* HTTP Basic instead of bearer */
	const char *otp;                     /* X-Authorization-OTP */
};

struct cli_http_resp {
	long status;      /* HTTP status, 0 before a response arrived */
	long retry_after; /* seconds from Retry-After, -1 when absent */
	struct buf body;  /* raw body, at most CLI_HTTP_MAX_RESPONSE */
	json_t *json;     /* the parsed body when it is a JSON object, else NULL */
};

/* Once per process, before any request / at exit. */
int cli_http_global_init(void);
void cli_http_global_cleanup(void);

void cli_http_resp_init(struct cli_http_resp *rs);
/* Accepts NULL. */
void cli_http_resp_free(struct cli_http_resp *rs);

/*
 * Sends the request and stores the answer in rs (which must be initialised).
 * Returns 0 whenever an HTTP response arrived, whatever its status; PP_EIO
 * (message in err) when the server could not be reached, PP_ETOOBIG when the
 * response exceeds CLI_HTTP_MAX_RESPONSE, PP_EINVAL for a bad URL or body.
 */
int cli_http_do(const struct cli_http_req *rq, struct cli_http_resp *rs,
                char err[CLI_HTTP_ERR_LEN]);

/* Appends a readable one-line message for a non-2xx response to out. */
int cli_http_error_text(const struct cli_http_resp *rs, struct buf *out);

/* Appends s percent-encoded as one URL path segment (A-Z a-z 0-9 - _ ~ kept). */
int cli_http_escape_segment(struct buf *out, const char *s);

#endif
