/*
 * housekeeping.h - the periodic jobs of paasportd (sweeping old counters, and
 * whatever later features need done now and then), run by one background
 * thread per node. Each job is claimed in the database before it runs
 * (store_job_claim), so with several nodes each run happens on one node only.
 */
#ifndef PP_HOUSEKEEPING_H
#define PP_HOUSEKEEPING_H

#include "app.h"

#define HOUSEKEEPING_TICK_MS         30000 /* how often the thread looks for due jobs */
#define HOUSEKEEPING_TEST_TICK_MS    200   /* with PAASPORT_TEST_CLOCK=1: tests move time */
#define HOUSEKEEPING_EXPIRE_EVERY_MS (10LL * 60 * 1000) /* unconfirmed sign-ups past their time */
#define HOUSEKEEPING_EXPIRE_BATCHES  50 /* batches of ACCOUNTS_EXPIRE_BATCH per run */

struct housekeeping;

int housekeeping_start(struct app *app, struct housekeeping **out);
void housekeeping_stop(struct housekeeping *h);
/* Runs every due job once, now, on this thread (the background thread calls it
 * each tick). Returns the number of jobs run. */
int housekeeping_tick(struct app *app);

#endif
