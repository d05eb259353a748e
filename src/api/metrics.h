/*
 * metrics.h - Prometheus counters: requests by route and status, a latency
 * histogram, requests in flight. Lock-free (C11 atomics), fixed memory.
 */
#ifndef PP_METRICS_H
#define PP_METRICS_H

#include "util/buf.h"
#include <stdint.h>

struct metrics;
struct route;

int metrics_new(const struct route *routes, size_t nroutes, struct metrics **out);
void metrics_free(struct metrics *m);
void metrics_in_flight(struct metrics *m, int delta);
long metrics_in_flight_now(struct metrics *m);
/* route_idx -1 = no route (404 / static file). */
void metrics_observe(struct metrics *m, int route_idx, int status, int64_t dur_us);
/* Appends the text exposition; mail_queue is the outbox length. */
int metrics_render(struct metrics *m, int64_t mail_queue, struct buf *out);

#endif
