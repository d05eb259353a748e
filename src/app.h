/*
 * app.h - what every request handler can reach: the frozen configuration and
 * the long-lived services built at start-up. Created once by paasportd's
 * main(); no other globals exist.
 */
#ifndef PP_APP_H
#define PP_APP_H

#include "config.h"
#include "crypto/jwt.h"
#include "util/clock.h"

#include <stdatomic.h>
#include <stddef.h>

struct store;
struct metrics;
struct ratelimit;
struct pw;
struct mailer;
struct sweeper;
struct route;
struct webfiles;
struct jwtcache;

struct app {
	const struct config *cfg;
	struct store *store;
	struct metrics *metrics;
	struct ratelimit *rl;
	struct pw *pw;
	struct mailer *mailer;
	struct sweeper *sweeper; /* periodic background work (core/sweeper.h) */
	struct webfiles *web;
	struct jwtcache *jwts;
	const struct route *routes;
	size_t nroutes;
	struct clock clock; /* the time of day of every use case */
	unsigned char jwt_key[JWT_KEY_LEN];
	/* request ids: a random per-process prefix and a counter (no syscall per request) */
	char request_id_prefix[16];
	atomic_ullong request_seq;
};

#endif
