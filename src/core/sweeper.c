/* sweeper.c - the periodic background work of paasportd (see sweeper.h). */
#include "core/sweeper.h"
#include "app.h"
#include "core/accounts.h"
#include "core/core.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct sweeper {
	struct app *app;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	int woken;
};

/* One pass: expired sign-ups, batch after batch while batches come full. */
static void sweep_pass(struct sweeper *sw)
{
	struct store_conn *db = store_acquire(sw->app->store);
	int total = 0;
	if (!db)
		return;
	for (int i = 0; i < SWEEPER_PASS_MAX; i++) {
		struct core_ctx cx = {sw->app, db, clock_now_ms(&sw->app->clock), "", ""};
		int n = 0, rc = accounts_expire_unconfirmed(&cx, &n);
		if (rc) {
			log_error("sweeper: expiring unconfirmed sign-ups: %s", pp_strerror(rc));
			break;
		}
		total += n;
		if (n < ACCOUNTS_EXPIRE_BATCH)
			break;
	}
	store_release(sw->app->store, db);
	if (total)
		log_info("sweeper: erased %d unconfirmed sign-up(s) past their time", total);
}

static void *sweeper_main(void *arg)
{
	struct sweeper *sw = arg;
	for (;;) {
		pthread_mutex_lock(&sw->mu);
		int stop = sw->stop;
		sw->woken = 0;
		pthread_mutex_unlock(&sw->mu);
		if (stop)
			break;
		sweep_pass(sw);
		pthread_mutex_lock(&sw->mu);
		if (!sw->stop && !sw->woken) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += SWEEPER_INTERVAL_MS / 1000;
			pthread_cond_timedwait(&sw->cv, &sw->mu, &ts);
		}
		pthread_mutex_unlock(&sw->mu);
	}
	return NULL;
}

int sweeper_start(struct app *app, struct sweeper **out)
{
	struct sweeper *sw = calloc(1, sizeof *sw);
	if (!sw)
		return PP_ENOMEM;
	sw->app = app;
	pthread_mutex_init(&sw->mu, NULL);
	pthread_cond_init(&sw->cv, NULL);
	if (pthread_create(&sw->thread, NULL, sweeper_main, sw) != 0) {
		pthread_mutex_destroy(&sw->mu);
		pthread_cond_destroy(&sw->cv);
		free(sw);
		return PP_ENOMEM;
	}
	*out = sw;
	return 0;
}

void sweeper_wake(struct sweeper *sw)
{
	if (!sw)
		return;
	pthread_mutex_lock(&sw->mu);
	sw->woken = 1;
	pthread_cond_signal(&sw->cv);
	pthread_mutex_unlock(&sw->mu);
}

void sweeper_stop(struct sweeper *sw)
{
	if (!sw)
		return;
	pthread_mutex_lock(&sw->mu);
	sw->stop = 1;
	pthread_cond_signal(&sw->cv);
	pthread_mutex_unlock(&sw->mu);
	pthread_join(sw->thread, NULL);
	pthread_mutex_destroy(&sw->mu);
	pthread_cond_destroy(&sw->cv);
	free(sw);
}
