/* throttle.c - login throttles and strikes shared by every node (see throttle.h). */
#include "core/throttle.h"
#include "store/store.h"
#include "util/err.h"
#include "util/ratelimit.h"

int throttle_hit(const struct core_ctx *cx, const char *key, int limit, int64_t window_ms,
                 int64_t *retry_ms)
{
	int64_t hits = 0, end = 0;
	/* this node first: over the limit here means over it everywhere */
	if (rl_hit(cx->app->rl, key, limit, window_ms, cx->now, retry_ms) != 0)
		return PP_EBUSY;
	int rc = store_throttle_hit(cx->db, key, cx->now, window_ms, &hits, &end);
	if (rc)
		return rc;
	if (hits > limit) {
		*retry_ms = end > cx->now ? end - cx->now : 1;
		return PP_EBUSY;
	}
	return 0;
}

int throttle_strike(const struct core_ctx *cx, const char *key, int threshold, int64_t lock_ms)
{
	int locked = 0;
	rl_strike(cx->app->rl, key, threshold, lock_ms, cx->now, &locked);
	return store_strike_add(cx->db, key, cx->now, threshold, lock_ms, &locked);
}

int throttle_locked(const struct core_ctx *cx, const char *key, int64_t *retry_ms)
{
	int64_t until = 0;
	if (rl_locked(cx->app->rl, key, cx->now, retry_ms))
		return 1;
	if (store_strike_locked_until(cx->db, key, &until) == 0 && until > cx->now) {
		*retry_ms = until - cx->now;
		return 1;
	}
	return 0;
}

int throttle_sweep(const struct core_ctx *cx)
{
	return store_counters_sweep(cx->db, cx->now, cx->now - THROTTLE_KEEP_MS);
}
