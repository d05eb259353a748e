/* housekeeping.c - periodic jobs, each claimed by one node (see housekeeping.h). */
#include "core/housekeeping.h"
#include "core/accounts.h"
#include "core/core.h"
#include "core/throttle.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct housekeeping {
	struct app *app;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
};

/* Unconfirmed sign-ups past their time, batch after batch while batches come full
 * (at most HOUSEKEEPING_EXPIRE_BATCHES per run: the rest waits for the next). */
static int expire_unconfirmed(const struct core_ctx *cx)
{
	int total = 0, rc = 0;
	for (int i = 0; i < HOUSEKEEPING_EXPIRE_BATCHES; i++) {
		int n = 0;
		if ((rc = accounts_expire_unconfirmed(cx, &n)) != 0)
			break;
		total += n;
		if (n < ACCOUNTS_EXPIRE_BATCH)
			break;
	}
	if (total)
		log_info("housekeeping: erased %d unconfirmed sign-up(s) past their time", total);
	return rc;
}

static const struct job {
	const char *name;
	int64_t every_ms;
	int (*run)(const struct core_ctx *cx);
} jobs[] = {
        {"sweep-counters", THROTTLE_SWEEP_EVERY_MS, throttle_sweep},
        {"expire-unconfirmed", HOUSEKEEPING_EXPIRE_EVERY_MS, expire_unconfirmed},
};

int housekeeping_tick(struct app *app)
{
	int ran = 0;
	struct store_conn *c = store_acquire(app->store);
	struct core_ctx cx = {.app = app, .db = c, .ip = "", .user_agent = ""};
	for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
		int claimed = 0, rc;
		cx.now = clock_now_ms(&app->clock);
		if ((rc = store_job_claim(c, jobs[i].name, cx.now, jobs[i].every_ms, &claimed)) !=
		            0 ||
		    !claimed)
			continue;
		if ((rc = jobs[i].run(&cx)) != 0)
			log_error("housekeeping: %s failed: %s", jobs[i].name, pp_strerror(rc));
		ran++;
	}
	store_release(app->store, c);
	return ran;
}

static void *housekeeping_main(void *arg)
{
	struct housekeeping *h = arg;
	int64_t tick = h->app->cfg->test_clock ? HOUSEKEEPING_TEST_TICK_MS : HOUSEKEEPING_TICK_MS;
	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		pthread_mutex_unlock(&h->mu);
		housekeeping_tick(h->app);
		pthread_mutex_lock(&h->mu);
		if (h->stop)
			break;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		int64_t ns = ts.tv_nsec + tick * 1000000;
		ts.tv_sec += ns / 1000000000;
		ts.tv_nsec = ns % 1000000000;
		pthread_cond_timedwait(&h->cv, &h->mu, &ts);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

int housekeeping_start(struct app *app, struct housekeeping **out)
{
	struct housekeeping *h = calloc(1, sizeof *h);
	if (!h)
		return PP_ENOMEM;
	h->app = app;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	if (pthread_create(&h->thread, NULL, housekeeping_main, h) != 0) {
		pthread_mutex_destroy(&h->mu);
		pthread_cond_destroy(&h->cv);
		free(h);
		return PP_ENOMEM;
	}
	*out = h;
	return 0;
}

void housekeeping_stop(struct housekeeping *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = 1;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
	free(h);
}
