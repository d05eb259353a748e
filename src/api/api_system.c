/* api_system.c - /healthz (the store answers) and /metrics (Prometheus, behind the
 * PAASPORT_METRICS_TOKEN bearer secret). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "api/api.h"
#include "util/clock.h"
#include "api/metrics.h"
#include "store/store.h"
#include "store/store_events.h"
#include "util/err.h"

int api_healthz(struct req *r)
{
	/* 503 with the database's state: a load balancer takes the node out */
	if (store_ping(req_db(r)) != 0)
		return api_fail_extra(r, PP_EUNAVAIL, "database unavailable",
		                      json_pack("{s:s}", "database", "unavailable"));
	reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
	return 0;
}

/* Whether the request carries "Authorization: Bearer <PAASPORT_METRICS_TOKEN>"
 * (compared in constant time; the length is not a secret worth hiding). */
static int metrics_authorized(struct req *r)
{
	const char *want = r->app->cfg->metrics_token, *h = req_header(r, "Authorization");
	static const char scheme[] = "Bearer ";
	if (!h || strncasecmp(h, scheme, sizeof scheme - 1) != 0)
		return 0;
	h += sizeof scheme - 1;
	size_t n = strlen(want);
	return strlen(h) == n && sodium_memcmp(h, want, n) == 0;
}

/* GET /metrics: without PAASPORT_METRICS_TOKEN the route answers the 404 of a missing
 * dashboard file, as an unknown path would (the metrics tell apart what the API does not: a reset
 * request that queued a mail); with it, only a request bearing the token gets them. */
int api_metrics(struct req *r)
{
	int64_t queue = 0;
	struct buf b;
	if (!r->app->cfg->metrics_token[0])
		return api_rc(r, PP_ENOTFOUND, "file");
	if (!metrics_authorized(r)) {
		reply_header(r, "WWW-Authenticate", "Bearer realm=\"metrics\"");
		return api_fail(r, PP_EAUTH, "metrics need the bearer token");
	}
	buf_init(&b, 1024 * 1024);
	store_mail_pending(req_db(r), &queue);
	if (metrics_render(r->app->metrics, queue, &b) != 0) {
		buf_release(&b);
		return api_rc(r, PP_EIO, "metrics");
	}
	size_t len;
	char *s = buf_detach(&b, &len);
	reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", s, len, 1);
	free(s);
	return 0;
}

/* POST /v1/_test/clock {"advance_ms": N}: moves the clock forward, for tests of expiry,
 * lock-out and rate windows. Exists only in a process started with PAASPORT_TEST_CLOCK=1;
 * otherwise the route answers 404 as an unknown one would. */
int api_test_clock(struct req *r)
{
	json_int_t ms = 0;
	if (!r->app->clock.adjustable)
		return api_rc(r, PP_ENOTFOUND, "");
	json_t *v = json_object_get(r->json, "advance_ms");
	if (!json_is_integer(v))
		return api_fail(r, PP_EINVAL, "advance_ms must be an integer");
	ms = json_integer_value(v);
	if (clock_advance(&r->app->clock, ms) != 0)
		return api_invalid1(r, "advance_ms", "must be between 1 and about 10 years");
	reply_json(r, 200, json_pack("{s:I}", "now_ms", (json_int_t)api_now(r)));
	return 0;
}
