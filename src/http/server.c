/*
 * server.c - libmicrohttpd glue: limits, the per-request context, the gates in
 * their fixed order, response headers, the access log and metrics.
 */
#include "http/http.h"
#include "api/dispatch.h"
#include "api/metrics.h"
#include "http/webfiles.h"
#include "store/store.h"
#include "util/err.h"
#include "util/jx.h"
#include "util/log.h"
#include "util/netaddr.h"
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

/* A request as the transport holds it: its own state, then what the API sees. */
struct hreq {
	struct MHD_Connection *conn;
	int in_flight; /* counted in the in-flight gauge */
	int64_t t0_us;
	struct req r; /* last: its large records are zeroed only when filled */
};

static struct hreq *H(struct req *r)
{
	return (struct hreq *)(void *)((char *)r - offsetof(struct hreq, r));
}

struct http_server {
	struct MHD_Daemon *d;
	struct app *app;
};

/* ---- what the API layer asks of the transport ---- */

static const char *mhd_value(void *ctx, enum MHD_ValueKind kind, const char *name)
{
	return MHD_lookup_connection_value(ctx, kind, name);
}
static const char *src_header(void *ctx, const char *name)
{
	return mhd_value(ctx, MHD_HEADER_KIND, name);
}
static const char *src_query(void *ctx, const char *name)
{
	return mhd_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}
static const char *src_cookie(void *ctx, const char *name)
{
	return mhd_value(ctx, MHD_COOKIE_KIND, name);
}
static const struct req_source mhd_source = {src_header, src_query, src_cookie};

/* A transport-level refusal (framing, size), answered before any gate. */
static void http_refuse(struct req *r, int status, const char *msg)
{
	reply_json(r, status, json_pack("{s:s}", "error", msg));
}

/* ---- the connection lifecycle ---- */

static int valid_request_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > REQ_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.'))
			return 0;
	}
	return 1;
}

/* Every X-Forwarded-For value of the request, joined with commas in arrival
 * order (several header lines mean one list); the tail is kept past a bound. */
struct xff_join {
	char s[2 * NETADDR_XFF_MAX + 2];
	size_t n;
};

static enum MHD_Result xff_collect(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	(void)kind;
	struct xff_join *j = cls;
	if (!key || strcasecmp(key, "X-Forwarded-For") != 0 || !value)
		return MHD_YES;
	size_t vl = strlen(value);
	if (vl > NETADDR_XFF_MAX) {
		/* only the last NETADDR_XFF_MAX bytes are read: a cut entry is malformed */
		value += vl - NETADDR_XFF_MAX;
		vl = NETADDR_XFF_MAX;
		j->n = 0;
		j->s[j->n++] = '?';
	}
	if (j->n + 1 + vl >= sizeof j->s) {
		/* keep the tail: drop the head, marking the cut with a malformed entry */
		size_t keep = sizeof j->s - 2 - 1 - vl;
		keep = keep < j->n ? keep : j->n;
		memmove(j->s + 1, j->s + j->n - keep, keep);
		j->s[0] = '?';
		j->n = keep + 1;
	}
	if (j->n > 0)
		j->s[j->n++] = ',';
	memcpy(j->s + j->n, value, vl);
	j->n += vl;
	j->s[j->n] = 0;
	return MHD_YES;
}

/* r->ip: the socket peer, or behind a trusted proxy the client it names. */
static void req_client_ip(struct req *r, struct MHD_Connection *conn)
{
	const struct netaddr_list *trusted = &r->app->cfg->trusted;
	if (r->ip[0] == 0 || trusted->n == 0)
		return;
	struct netaddr pa;
	if (netaddr_parse(r->ip, strlen(r->ip), &pa) != 0 || !netaddr_match(trusted, &pa))
		return;
	struct xff_join *j = malloc(sizeof *j);
	if (!j)
		return;
	j->n = 0;
	j->s[0] = 0;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, xff_collect, j);
	char ip[REQ_IP_MAX];
	if (j->n > 0 && netaddr_client_ip(r->ip, j->s, trusted, ip, sizeof ip) >= 0)
		memcpy(r->ip, ip, sizeof ip);
	free(j);
}

static struct req *req_new(struct app *app, struct MHD_Connection *conn, const char *method,
                           const char *url)
{
	struct hreq *h = malloc(sizeof *h);
	if (!h)
		return NULL;
	memset(h, 0, offsetof(struct hreq, r) + offsetof(struct req, user));
	struct req *r = &h->r;
	r->user.id[0] = 0;
	r->session.id[0] = 0;
	r->app = app;
	r->src = &mhd_source;
	r->src_ctx = conn;
	h->conn = conn;
	r->method = method;
	r->path = url;
	H(r)->t0_us = time_mono_us();
	buf_init(&r->body, REQ_BODY_MAX);
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
		req_client_ip(r, conn);
	}
	return r;
}

static void req_free(struct req *r)
{
	if (!r)
		return;
	if (r->db)
		store_release(r->app->store, r->db);
	req_release(r);
	buf_release(&r->body);
	if (H(r)->in_flight)
		metrics_in_flight(r->app->metrics, -1);
	free(H(r));
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
	if (!H(r)->in_flight) {
		H(r)->in_flight = 1;
		metrics_in_flight(r->app->metrics, 1);
	}
	if (!r->status)
		http_refuse(r, 500, "internal error");
	/* the body goes to libmicrohttpd as it is: borrowed (dashboard files) or handed over */
	struct MHD_Response *resp;
	if (r->resp_body && !r->resp_borrowed) {
		resp = MHD_create_response_from_buffer(r->resp_len, r->resp_body,
		                                       MHD_RESPMEM_MUST_FREE);
		if (resp)
			r->resp_body = NULL, r->resp_len = 0;
	} else {
		resp = MHD_create_response_from_buffer(r->resp_len,
		                                       r->resp_body ? r->resp_body : (char *)"",
		                                       MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	if (r->content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
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
	enum MHD_Result ret = MHD_queue_response(H(r)->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* What the first callback learns of the request head, for the framing gate. */
struct head_scan {
	size_t bytes;
	int n_cl, cl_differ;
	char cl[32];
	int n_te, te_chunked;
	int bad_name; /* a field name that is not a token (e.g. "Transfer-Encoding :") */
};

/* RFC 9110 5.1 / 5.6.2: a field name is a token; whitespace before the colon
 * must be refused (RFC 9112 5.1), libmicrohttpd 0.9.75 keeps it in the name */
static int is_token(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c && strchr("!#$%&'*+-.^_`|~", c))))
			return 0;
	}
	return 1;
}

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	struct head_scan *h = cls;
	(void)kind;
	value = value ? value : "";
	h->bytes += strlen(key) + strlen(value) + 4;
	if (!is_token(key))
		h->bad_name = 1;
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
	MHD_get_connection_values(H(r)->conn, MHD_HEADER_KIND, scan_header, &h);
	int status = 0;
	const char *msg = NULL;
	if (h.bytes + strlen(url) > HTTP_HEADER_MAX) {
		status = 431;
		msg = "request header fields too large (limit 8 KiB)";
	} else if (h.bad_name) {
		/* a proxy may read "Transfer-Encoding : chunked" as framing while we
		 * would ignore it: refused, never guessed */
		status = 400;
		msg = "invalid header field name (no whitespace before the colon)";
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
	http_refuse(r, status, msg);
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
		switch (api_route(r)) {
		case API_ROUTE_STATIC: webfiles_serve(app->web, r); return send_reply(r);
		case API_ROUTE_ANSWERED: return send_reply(r);
		case API_ROUTE_FOUND: break;
		}
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > REQ_BODY_MAX) {
			http_refuse(r, 413, "request body too large (limit 1 MiB)");
			return send_reply(r);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!r->body_too_big && buf_append(&r->body, upload_data, *upload_data_size) != 0) {
			r->body_too_big = 1;
			buf_release(&r->body);
			buf_init(&r->body, REQ_BODY_MAX);
		}
		*upload_data_size = 0; /* consumed (or discarded) */
		return MHD_YES;
	}
	if (r->status)
		return MHD_YES; /* already answered */
	H(r)->in_flight = 1;
	metrics_in_flight(app->metrics, 1);
	api_dispatch(r);
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
	int64_t dur = time_mono_us() - H(r)->t0_us;
	int route_idx = r->route ? (int)(r->route - app->routes) : -1;
	metrics_observe(app->metrics, route_idx, r->status, dur);
	/* the response is sent: out of flight before the log line is written */
	if (H(r)->in_flight) {
		H(r)->in_flight = 0;
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
