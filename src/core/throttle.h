/*
 * throttle.h - the login throttles and the lock-out of unknown login names,
 * counted across every node that shares the database.
 *
 * Two levels: this node's in-memory counters (util/ratelimit.h) answer first,
 * so a flood over the limit costs no database write; under the limit each hit
 * is also counted in the database (one upsert, store_throttle_hit), which is
 * what makes N nodes allow the limit once, not N times. The account lock-out
 * itself is in the users table already (store_user_login_failed).
 */
#ifndef PP_THROTTLE_H
#define PP_THROTTLE_H

#include "core/core.h"

#include <stdint.h>

#define THROTTLE_SWEEP_EVERY_MS (10 * 60 * 1000)     /* how often a node sweeps old counters */
#define THROTTLE_KEEP_MS        (24LL * 3600 * 1000) /* counters older than this go */

/* 0 within the limit; PP_EBUSY with *retry_ms when key had `limit` hits or more in
 * its window (here or on any node); a store error otherwise. */
int throttle_hit(const struct core_ctx *cx, const char *key, int limit, int64_t window_ms,
                 int64_t *retry_ms);
/* One failure in a row for key; the threshold-th locks it for lock_ms (on every node). */
int throttle_strike(const struct core_ctx *cx, const char *key, int threshold, int64_t lock_ms);
/* 1 with *retry_ms while key is locked; 0 otherwise (also on a store error: the
 * caller's own checks still run). */
int throttle_locked(const struct core_ctx *cx, const char *key, int64_t *retry_ms);
/* Housekeeping: drops counters older than THROTTLE_KEEP_MS. */
int throttle_sweep(const struct core_ctx *cx);

#endif
