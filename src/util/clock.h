/*
 * clock.h - the one source of the time of day for use cases. struct app holds one;
 * production reads the real time. A test build of the process (started with
 * PAASPORT_TEST_CLOCK=1) may move it forward, so that tests of expiry, lock-out
 * and rate windows advance time instead of rewriting rows.
 */
#ifndef PP_CLOCK_H
#define PP_CLOCK_H

#include <stdatomic.h>
#include <stdint.h>

/* How far a test may move the clock in one call (about 10 years). */
#define CLOCK_ADVANCE_MAX_MS (10LL * 366 * 24 * 3600 * 1000)

struct clock {
	atomic_llong offset_ms; /* added to the real time; 0 unless a test moved it */
	int adjustable;         /* set once at start-up: 1 only with PAASPORT_TEST_CLOCK=1 */
};

void clock_init(struct clock *c, int adjustable);
/* UTC milliseconds since the epoch, as this clock tells it. */
int64_t clock_now_ms(const struct clock *c);
/* Moves the clock forward by ms (0 < ms <= CLOCK_ADVANCE_MAX_MS). PP_EINVAL out of range,
 * PP_EAUTH when the clock is not adjustable. */
int clock_advance(struct clock *c, int64_t ms);

#endif
