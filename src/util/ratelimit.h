/*
 * ratelimit.h - fixed-window counters keyed by strings ("ip:1.2.3.4",
 * "login:alice"), in a fixed-size table (RL_SLOTS) so memory is bounded
 * whatever the traffic. Per process (core/throttle.c adds the count every node
 * shares). A colliding key takes an unblocked slot over; a blocked key keeps its
 * slot until its window ends (the colliding one then passes uncounted here).
 */
#ifndef PP_RATELIMIT_H
#define PP_RATELIMIT_H

#include <stdint.h>

#define RL_SLOTS 8192

struct ratelimit;

int rl_new(struct ratelimit **out);
void rl_free(struct ratelimit *rl);
/*
 * Counts one hit for key in a window of window_ms. Returns 0 when within
 * limit, PP_EBUSY when over it, with *retry_ms until the window ends.
 */
int rl_hit(struct ratelimit *rl, const char *key, int limit, int64_t window_ms, int64_t now_ms,
           int64_t *retry_ms);

/*
 * Lock-out counters, in a table of their own (RL_SLOTS): failures in a row
 * for key, with no window (as the users table counts them for an account).
 * rl_strike counts one; the threshold-th locks key for lock_ms from now and
 * restarts the count (*locked = 1). rl_locked returns 1 with *retry_ms while
 * key is locked. A colliding key takes an unlocked slot over.
 */
void rl_strike(struct ratelimit *rl, const char *key, int threshold, int64_t lock_ms,
               int64_t now_ms, int *locked);
int rl_locked(struct ratelimit *rl, const char *key, int64_t now_ms, int64_t *retry_ms);

#endif
