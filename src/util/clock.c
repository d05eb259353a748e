/* clock.c - the application's clock (see clock.h). */
#include "util/clock.h"
#include "util/err.h"
#include "util/timeutil.h"

void clock_init(struct clock *c, int adjustable)
{
	atomic_init(&c->offset_ms, 0);
	c->adjustable = adjustable;
}

int64_t clock_now_ms(const struct clock *c)
{
	return time_now_ms() + atomic_load_explicit(&c->offset_ms, memory_order_relaxed);
}

int clock_advance(struct clock *c, int64_t ms)
{
	if (!c->adjustable)
		return PP_EAUTH;
	if (ms <= 0 || ms > CLOCK_ADVANCE_MAX_MS)
		return PP_EINVAL;
	atomic_fetch_add(&c->offset_ms, ms);
	return 0;
}
