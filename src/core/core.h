/*
 * core.h - what a use case is given: the services (struct app: clock, password
 * hasher, limits, configuration), the store connection of the request, the
 * time of the request read once from the app's clock, and who is asking from
 * where. Built by the API layer for each call; use cases never see HTTP.
 */
#ifndef PP_CORE_H
#define PP_CORE_H

#include "app.h"
#include "model.h"

#include <stdint.h>

struct store_conn;

struct core_ctx {
	struct app *app;
	struct store_conn *db;
	int64_t now;            /* ms, from app->clock */
	const char *ip;         /* the caller's address ("" when unknown) */
	const char *user_agent; /* may be "" */
};

#endif
