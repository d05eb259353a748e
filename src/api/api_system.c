/* api_system.c - /healthz (the store answers) and /metrics (Prometheus). */
#include <stdlib.h>
#include "api/api.h"
#include "http/metrics.h"
#include "store/store_events.h"
#include "util/err.h"

void api_healthz(struct req *r)
{
	int64_t n;
	if (store_mail_pending(req_db(r), &n) != 0) {
		reply_error(r, 503, "database unavailable");
		return;
	}
	reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

void api_metrics(struct req *r)
{
	int64_t queue = 0;
	struct buf b;
	buf_init(&b, 1024 * 1024);
	store_mail_pending(req_db(r), &queue);
	if (metrics_render(r->app->metrics, queue, &b) != 0) {
		buf_release(&b);
		reply_internal(r, "metrics", PP_ETOOBIG);
		return;
	}
	size_t len;
	char *s = buf_detach(&b, &len);
	reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", s, len, 1);
	free(s);
}
