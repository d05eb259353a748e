/* metrics.c - Prometheus text exposition of request counters (see metrics.h). */
#include "api/metrics.h"
#include "api/route.h"
#include "util/err.h"

#include <stdatomic.h>
#include <stdlib.h>

static const int statuses[] = {200, 201, 202, 204, 301, 302, 304, 400, 401, 402,
                               403, 404, 405, 409, 413, 415, 422, 429, 500, 503};
#define NSTATUS (sizeof statuses / sizeof statuses[0] + 1) /* + "other" */
static const double buckets_ms[] = {0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500};
#define NBUCKET (sizeof buckets_ms / sizeof buckets_ms[0])

struct metrics {
	const struct route *routes;
	size_t nroutes;
	atomic_long in_flight;
	atomic_ullong hist[NBUCKET + 1];
	atomic_ullong sum_us;
	atomic_ullong count;
	atomic_ullong *req; /* (nroutes + 1) * NSTATUS */
};

int metrics_new(const struct route *routes, size_t nroutes, struct metrics **out)
{
	struct metrics *m = calloc(1, sizeof *m);
	if (!m)
		return PP_ENOMEM;
	m->req = calloc((nroutes + 1) * NSTATUS, sizeof *m->req);
	if (!m->req) {
		free(m);
		return PP_ENOMEM;
	}
	m->routes = routes;
	m->nroutes = nroutes;
	*out = m;
	return 0;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	free(m->req);
	free(m);
}

void metrics_in_flight(struct metrics *m, int delta)
{
	atomic_fetch_add(&m->in_flight, delta);
}

long metrics_in_flight_now(struct metrics *m)
{
	return atomic_load(&m->in_flight);
}

static size_t status_idx(int status)
{
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

void metrics_observe(struct metrics *m, int route_idx, int status, int64_t dur_us)
{
	size_t ri = route_idx < 0 ? m->nroutes : (size_t)route_idx;
	atomic_fetch_add_explicit(&m->req[ri * NSTATUS + status_idx(status)], 1,
	                          memory_order_relaxed);
	size_t b = 0;
	while (b < NBUCKET && (double)dur_us / 1000.0 > buckets_ms[b])
		b++;
	atomic_fetch_add_explicit(&m->hist[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us, (unsigned long long)dur_us, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
}

int metrics_render(struct metrics *m, int64_t mail_queue, struct buf *o)
{
	int rc = 0;
	rc |= buf_appendz(o, "# HELP paasport_http_requests_total HTTP requests by route and "
	                     "status.\n# TYPE paasport_http_requests_total counter\n");
	for (size_t r = 0; r <= m->nroutes; r++) {
		for (size_t s = 0; s < NSTATUS; s++) {
			unsigned long long v = atomic_load(&m->req[r * NSTATUS + s]);
			if (!v)
				continue;
			const char *method = r < m->nroutes ? m->routes[r].method : "";
			const char *pat = r < m->nroutes ? m->routes[r].pattern : "other";
			if (s < NSTATUS - 1)
				rc |= buf_appendf(
				        o,
				        "paasport_http_requests_total{method=\"%s\",route="
				        "\"%s\",status=\"%d\"} %llu\n",
				        method, pat, statuses[s], v);
			else
				rc |= buf_appendf(
				        o,
				        "paasport_http_requests_total{method=\"%s\",route="
				        "\"%s\",status=\"other\"} %llu\n",
				        method, pat, v);
		}
	}
	rc |= buf_appendz(o, "# HELP paasport_http_request_duration_seconds Request latency.\n"
	                     "# TYPE paasport_http_request_duration_seconds histogram\n");
	unsigned long long cum = 0;
	for (size_t b = 0; b < NBUCKET; b++) {
		cum += atomic_load(&m->hist[b]);
		rc |= buf_appendf(o,
		                  "paasport_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
		                  buckets_ms[b] / 1000.0, cum);
	}
	cum += atomic_load(&m->hist[NBUCKET]);
	rc |= buf_appendf(o, "paasport_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
	                  cum);
	rc |= buf_appendf(o, "paasport_http_request_duration_seconds_sum %.6f\n",
	                  (double)atomic_load(&m->sum_us) / 1e6);
	rc |= buf_appendf(o, "paasport_http_request_duration_seconds_count %llu\n",
	                  atomic_load(&m->count));
	rc |= buf_appendf(o,
	                  "# HELP paasport_http_requests_in_flight Requests being served.\n"
	                  "# TYPE paasport_http_requests_in_flight gauge\n"
	                  "paasport_http_requests_in_flight %ld\n",
	                  atomic_load(&m->in_flight));
	rc |= buf_appendf(o,
	                  "# HELP paasport_mail_queue_length Mails waiting in the outbox.\n"
	                  "# TYPE paasport_mail_queue_length gauge\n"
	                  "paasport_mail_queue_length %lld\n",
	                  (long long)mail_queue);
	return rc ? PP_ETOOBIG : 0;
}
