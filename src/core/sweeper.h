/*
 * sweeper.h - the periodic background work of paasportd that no request
 * triggers: today, erasing the unconfirmed sign-ups past their
 * ACCOUNTS_UNCONFIRMED_TTL_MS (accounts_expire_unconfirmed). One thread, with a
 * store connection of its own per pass; cheap: one indexed query when there is
 * nothing to do.
 */
#ifndef PP_SWEEPER_H
#define PP_SWEEPER_H

#define SWEEPER_INTERVAL_MS (10LL * 60 * 1000) /* between passes (wall time) */
#define SWEEPER_PASS_MAX    50 /* batches per pass: the rest waits for the next one */

struct app;
struct sweeper;

/* Starts the thread; it makes a first pass at once. */
int sweeper_start(struct app *app, struct sweeper **out);
/* Makes a pass now (after the test clock moved). Accepts NULL. */
void sweeper_wake(struct sweeper *s);
/* Stops and joins the thread. Accepts NULL. */
void sweeper_stop(struct sweeper *s);

#endif
