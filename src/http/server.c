/*
 * server.c - libmicrohttpd glue: limits, the per-request context, the gates in
 * their fixed order, response headers, the access log and metrics.
 */
#include "http/http.h"
#include "http/metrics.h"
#include "http/ratelimit.h"
#include "http/webfiles.h"
#include "api/auth.h"
#include "store/store.h"
#include "util/err.h"
#include "util/jx.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "core/valid.h"
#include "crypto/rand.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define HTTP_LISTEN_BACKLOG 511

struct http_server {
	struct MHD_Daemon *d;
	struct app *app;
};

/* ---- request accessors ---- */

struct store_conn *req_db(struct req *r)
{
	if (!r->db)
		r->db = store_acquire(r->app->store);
	return r->db;
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_param(struct req *r, const char *name)
{
	return route_param(&r->params, name);
}

/* ---- replies ---- */

static void set_response(struct req *r, int status, struct MHD_Response *resp)
{
	if (r->resp)
		MHD_destroy_response(r->resp);
	r->resp = resp;
	r->status = status;
}

void reply_raw(struct req *r, int status, const char *content_type, const void *data, size_t len,
               int copy)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
	        len, (void *)data, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return;
	if (content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	set_response(r, status, resp);
}

void reply_json(struct req *r, int status, json_t *json)
{
	char *s = json ? json_dumps(json, JSON_COMPACT) : NULL;
	json_decref(json);
	if (!s) {
		static const char oom[] = "{\"error\":\"internal error\"}";
		reply_raw(r, 500, "application/json; charset=utf-8", oom, sizeof oom - 1, 0);
		return;
	}
	struct MHD_Response *resp =
	        MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(s);
		return;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        "application/json; charset=utf-8");
	set_response(r, status, resp);
}

void reply_empty(struct req *r, int status)
{
	reply_raw(r, status, NULL, "", 0, 0);
}

void reply_error(struct req *r, int status, const char *msg)
{
	reply_json(r, status, json_pack("{s:s}", "error", msg));
}

void reply_not_found(struct req *r, const char *resource)
{
	reply_json(r, 404, json_pack("{s:s, s:s}", "resource", resource, "error", "not found"));
}

void reply_invalid(struct req *r, json_t *errors)
{
	reply_json(r, 422, json_pack("{s:o}", "errors", errors));
}

void reply_invalid1(struct req *r, const char *field, const char *msg)
{
	json_t *e = json_object();
	jx_error_add(e, field, msg);
	reply_invalid(r, e);
}

void reply_internal(struct req *r, const char *what, int rc)
{
	log_json("error", "internal error",
	         json_pack("{s:s, s:s, s:s}", "request_id", r->request_id, "what", what, "code",
	                   pp_strerror(rc)));
	reply_error(r, 500, "internal error");
}

void reply_rc(struct req *r, int rc, const char *resource)
{
	switch (rc) {
	case PP_ENOTFOUND: reply_not_found(r, resource); break;
	case PP_EBUSY:
		reply_header(r, "Retry-After", "1");
		reply_error(r, 503, "busy, retry later");
		break;
	default: reply_internal(r, resource, rc); break;
	}
}

void reply_retry_after(struct req *r, int64_t retry_ms)
{
	char v[24];
	snprintf(v, sizeof v, "%lld", (long long)((retry_ms + 999) / 1000));
	reply_header(r, "Retry-After", v);
	reply_error(r, 429, "too many requests, retry later");
}

void reply_header(struct req *r, const char *name, const char *value)
{
	if (r->nhdr >= HTTP_MAX_RESPONSE_HEADERS)
		return;
	r->hdr[r->nhdr].name = strdup(name);
	r->hdr[r->nhdr].value = strdup(value);
	r->nhdr++;
}

/* ---- the connection lifecycle ---- */

static int valid_request_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > HTTP_REQUEST_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.'))
			return 0;
	}
	return 1;
}

static struct req *req_new(struct app *app, struct MHD_Connection *conn, const char *method,
                           const char *url)
{
	struct req *r = malloc(sizeof *r);
	if (!r)
		return NULL;
	memset(r, 0, offsetof(struct req, user));
	r->user.id[0] = 0;
	r->session.id[0] = 0;
	r->app = app;
	r->conn = conn;
	r->method = method;
	r->path = url;
	r->t0_us = time_mono_us();
	buf_init(&r->body, HTTP_BODY_MAX);
	const char *rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-ID");
	if (rid && valid_request_id(rid)) {
		snprintf(r->request_id, sizeof r->request_id, "%s", rid);
	} else {
		unsigned long long n = atomic_fetch_add(&app->request_seq, 1);
		snprintf(r->request_id, sizeof r->request_id, "%s-%llx", app->request_id_prefix, n);
	}
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->ip,
			          sizeof r->ip);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->ip,
			          sizeof r->ip);
	}
	return r;
}

static void req_free(struct req *r)
{
	if (!r)
		return;
	if (r->db)
		store_release(r->app->store, r->db);
	if (r->resp)
		MHD_destroy_response(r->resp);
	for (int i = 0; i < r->nhdr; i++) {
		free(r->hdr[i].name);
		free(r->hdr[i].value);
	}
	json_decref(r->json);
	buf_release(&r->body);
	if (r->in_flight)
		metrics_in_flight(r->app->metrics, -1);
	free(r);
}

static void access_log(struct req *r, int64_t dur_us)
{
	if (!r->app->cfg->access_log)
		return;
	/* the route pattern, never the raw path (it holds ids and names); the method
	 * cleaned to UTF-8, since anything may arrive there */
	char method[32];
	valid_utf8_copy(method, sizeof method, r->method, 16);
	json_t *f = json_pack("{s:s, s:s, s:s, s:i, s:f, s:s, s:s}", "request_id", r->request_id,
	                      "method", method, "route", r->route ? r->route->pattern : "-",
	                      "status", r->status, "duration_ms", (double)dur_us / 1000.0, "ip",
	                      r->ip, "user_id", r->user.id);
	log_json("info", "request", f);
}

static enum MHD_Result send_reply(struct req *r)
{
	/* in flight from the moment a response is being made until it is sent: a
	 * request still waiting for its body is not (SIGTERM does not wait for it) */
	if (!r->in_flight) {
		r->in_flight = 1;
		metrics_in_flight(r->app->metrics, 1);
	}
	if (!r->resp)
		reply_internal(r, "handler produced no response", PP_EINVAL);
	struct MHD_Response *resp = r->resp;
	MHD_add_response_header(resp, "X-Request-ID", r->request_id);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	int is_api = strncmp(r->path, "/v1/", 4) == 0;
	if (is_api)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	for (int i = 0; i < r->nhdr; i++)
		if (r->hdr[i].name && r->hdr[i].value)
			MHD_add_response_header(resp, r->hdr[i].name, r->hdr[i].value);
	return MHD_queue_response(r->conn, (unsigned)r->status, resp);
}

/* Content-Type must be JSON when a body is sent to a JSON route. */
static int json_content_type(const char *ct)
{
	if (!ct)
		return 0;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == 0 || ct[n] == ';');
}

static void run_gates_and_handler(struct req *r)
{
	const struct route *rt = r->route;
	struct app *app = r->app;
	int rc;

	/* body size / content type */
	if (r->body_too_big) {
		reply_error(r, 413, "request body too large (limit 1 MiB)");
		return;
	}
	if (r->body.len > 0 && (rt->flags & (ROUTE_JSON | ROUTE_JSON_OPT)) &&
	    !json_content_type(req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		reply_error(r, 415, "Content-Type must be application/json");
		return;
	}

	/* authentication */
	rc = auth_request(r);
	if (rc == PP_EBUSY) {
		return; /* auth_request replied (throttled) */
	}
	if (rc == PP_EAUTH || rc == PP_EEXPIRED) {
		reply_error(r, 401, rc == PP_EEXPIRED ? "token expired" : "invalid credentials");
		return;
	}
	if (rc == PP_ELOCKED) {
		return; /* replied */
	}
	if (rc != 0) {
		if (!r->resp)
			reply_rc(r, rc, "session");
		return;
	}
	if ((rt->flags & ROUTE_AUTH) && r->auth == AUTH_NONE) {
		reply_error(r, 401, "authentication required");
		return;
	}
	/* CSRF: a cookie-authenticated state change needs the session's token */
	if (r->auth == AUTH_SESSION && !(rt->flags & ROUTE_NO_CSRF) &&
	    ((strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) ||
	     (rt->flags & ROUTE_CSRF_GET))) {
		if (!auth_csrf_ok(r)) {
			reply_json(r, 403,
			           json_pack("{s:s, s:s}", "error", "missing or invalid CSRF token",
			                     "code", "csrf"));
			return;
		}
	}

	/* rate limit on credential endpoints */
	if (rt->flags & ROUTE_THROTTLE) {
		char key[96];
		int64_t retry;
		snprintf(key, sizeof key, "ip:%s", r->ip);
		if (rl_hit(app->rl, key, app->cfg->login_ip_per_min, 60000, time_now_ms(),
		           &retry) != 0) {
			reply_retry_after(r, retry);
			return;
		}
	}

	/* JSON body */
	if (rt->flags & (ROUTE_JSON | ROUTE_JSON_OPT)) {
		if (r->body.len == 0) {
			if (rt->flags & ROUTE_JSON) {
				reply_error(r, 400, "a JSON object body is required");
				return;
			}
		} else {
			char err[JX_ERR_LEN];
			if (jx_parse_object((const uint8_t *)r->body.data, r->body.len, &r->json,
			                    err) != 0) {
				reply_error(r, 400, err);
				return;
			}
		}
	}
	rt->handler(r);
}

/* What the first callback learns of the request head, for the framing gate. */
struct head_scan {
	size_t bytes;
	int n_cl, cl_differ;
	char cl[32];
	int n_te, te_chunked;
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	struct head_scan *h = cls;
	(void)kind;
	value = value ? value : "";
	h->bytes += strlen(key) + strlen(value) + 4;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		if (h->n_cl && strcmp(h->cl, value) != 0)
			h->cl_differ = 1;
		snprintf(h->cl, sizeof h->cl, "%s", value);
		h->n_cl++;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		while (*value == ' ' || *value == '\t')
			value++;
		size_t n = strlen(value);
		while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
			n--;
		h->te_chunked = n == 7 && strncasecmp(value, "chunked", 7) == 0;
		h->n_te++;
	}
	return MHD_YES;
}

/*
 * Request smuggling and oversize gate (RFC 9112 6.1, 6.3), before anything
 * else: answers and closes the connection. 0 when the head is fine.
 */
static int framing_gate(struct req *r, const char *url)
{
	struct head_scan h;
	memset(&h, 0, sizeof h);
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, scan_header, &h);
	int status = 0;
	const char *msg = NULL;
	if (h.bytes + strlen(url) > HTTP_HEADER_MAX) {
		status = 431;
		msg = "request header fields too large (limit 8 KiB)";
	} else if (h.n_te > 1 || (h.n_te && !h.te_chunked)) {
		status = 501;
		msg = "unsupported Transfer-Encoding (only chunked)";
	} else if (h.n_te && h.n_cl) {
		status = 400;
		msg = "Content-Length and Transfer-Encoding together";
	} else if (h.cl_differ) {
		status = 400;
		msg = "conflicting Content-Length headers";
	}
	if (!status)
		return 0;
	reply_error(r, status, msg);
	reply_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	return status;
}

/* Percent-decoding that keeps %00 and %2F as they are: a NUL would cut the path
 * (so "/metrics%00.css" would be "/metrics"), and a decoded '/' would move
 * segment boundaries. Any other byte is decoded. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	char *w = s;
	const char *p = s;
	while (*p) {
		int hi, lo;
		if (p[0] == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
			int v = hi * 16 + lo;
			if (v != 0 && v != '/') {
				*w++ = (char)v;
				p += 3;
				continue;
			}
		}
		*w++ = *p++;
	}
	*w = 0;
	return (size_t)(w - s);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
	(void)version;
	struct app *app = cls;
	struct req *r = *req_cls;

	if (!r) {
		r = req_new(app, conn, method, url);
		if (!r)
			return MHD_NO;
		*req_cls = r;
		if (framing_gate(r, url))
			return send_reply(r);
		/* route and method gates, before any body is read */
		int rc = route_match(app->routes, app->nroutes, method, url, &r->route, &r->params);
		if (rc == PP_ENOTFOUND && (!strcmp(method, "GET") || !strcmp(method, "HEAD")) &&
		    strncmp(url, "/v1/", 4) != 0) {
			webfiles_serve(app->web, r);
			return send_reply(r);
		}
		if (rc == PP_ENOTFOUND) {
			reply_not_found(r, "");
			return send_reply(r);
		}
		if (rc == PP_EMETHOD) {
			reply_error(r, 405, "method not allowed");
			return send_reply(r);
		}
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > HTTP_BODY_MAX) {
			reply_error(r, 413, "request body too large (limit 1 MiB)");
			return send_reply(r);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!r->body_too_big && buf_append(&r->body, upload_data, *upload_data_size) != 0) {
			r->body_too_big = 1;
			buf_release(&r->body);
			buf_init(&r->body, HTTP_BODY_MAX);
		}
		*upload_data_size = 0; /* consumed (or discarded) */
		return MHD_YES;
	}
	if (r->resp)
		return MHD_YES; /* already replied */
	r->in_flight = 1;
	metrics_in_flight(app->metrics, 1);
	run_gates_and_handler(r);
	/* give the connection back before the network write */
	if (r->db) {
		store_release(app->store, r->db);
		r->db = NULL;
	}
	return send_reply(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	(void)toe;
	struct app *app = cls;
	struct req *r = *req_cls;
	if (!r)
		return;
	int64_t dur = time_mono_us() - r->t0_us;
	int route_idx = r->route ? (int)(r->route - app->routes) : -1;
	metrics_observe(app->metrics, route_idx, r->status, dur);
	/* the response is sent: out of flight before the log line is written */
	if (r->in_flight) {
		r->in_flight = 0;
		metrics_in_flight(app->metrics, -1);
	}
	access_log(r, dur);
	req_free(r);
	*req_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = 0;
	log_json("warn", msg, json_pack("{s:s}", "source", "libmicrohttpd"));
}

int http_start(struct app *app, struct http_server **out)
{
	const struct config *cfg = app->cfg;
	struct http_server *s = calloc(1, sizeof *s);
	if (!s)
		return PP_ENOMEM;
	s->app = app;
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(cfg->port);
	if (inet_pton(AF_INET, strcmp(cfg->host, "localhost") ? cfg->host : "127.0.0.1",
	              &sa.sin_addr) != 1) {
		log_error("PAASPORT_LISTEN host must be an IPv4 address: %s", cfg->host);
		free(s);
		return PP_EINVAL;
	}
	unsigned threads = (unsigned)cfg->threads; /* resolved by config_load */
	s->d = MHD_start_daemon(
	        /* poll(), not epoll: libmicrohttpd 0.9.75's MHD_quiesce_daemon() races with
	         * its epoll workers and can abort the process at SIGTERM ("Failed to
	         * remove listen FD from epoll set"); with poll() quiescing is a flag */
	        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG | MHD_USE_ITC,
	        cfg->port, NULL, NULL, on_request, app, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_SOCK_ADDR, &sa,
	        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT,
	        (unsigned)cfg->conn_timeout_s, MHD_OPTION_CONNECTION_LIMIT,
	        (unsigned)cfg->conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	        (unsigned)cfg->per_ip_conn_limit, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	        (size_t)HTTP_HEADER_MEMORY, MHD_OPTION_LISTEN_BACKLOG_SIZE,
	        (unsigned)HTTP_LISTEN_BACKLOG, MHD_OPTION_STRICT_FOR_CLIENT, 1,
	        MHD_OPTION_NOTIFY_COMPLETED, on_completed, app, MHD_OPTION_END);
	if (!s->d) {
		log_error("cannot listen on %s", cfg->listen);
		free(s);
		return PP_EIO;
	}
	*out = s;
	return 0;
}

void http_stop(struct http_server *s)
{
	if (!s)
		return;
	/* stop accepting, let in-flight requests finish, then stop the threads */
	MHD_quiesce_daemon(s->d);
	for (int waited = 0; waited < HTTP_DRAIN_TIMEOUT_MS; waited += 10) {
		if (metrics_in_flight_now(s->app->metrics) <= 0)
			break;
		usleep(10000);
	}
	MHD_stop_daemon(s->d);
	free(s);
}
