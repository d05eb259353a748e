/*
 * timeline.h - reading a timeline: the account's (GET /v1/events: what the
 * user did, on their own and collaborated apps, and their account events) or
 * an app's (GET /v1/apps/{app}/events: every collaborator's actions). Pages
 * are stable: the first page takes an anchor (the newest event id it saw);
 * passing it back keeps later pages on the same snapshot however many events
 * arrive meanwhile (see store_event_list).
 */
#ifndef PP_TIMELINE_H
#define PP_TIMELINE_H

#include "core/core.h"
#include "util/paging.h"

#define TIMELINE_FROM_MAX_HOURS 72 /* ?from= looks back at most this far */

/* What was asked: exactly one of user_id / app_id; the query's text (NULL: absent). */
struct timeline_query {
	const char *user_id;
	const char *app_id;
	const char *page, *per_page;
	const char *anchor; /* an event id from a first page's anchor */
	const char *from;   /* hours back, 1 to TIMELINE_FROM_MAX_HOURS */
};

/* What a page was: its paging, how many events the timeline has, its anchor. */
struct timeline_page {
	struct paging paging;
	int64_t total;
	int64_t anchor;
};

/* Calls cb with each event of the page, newest first. PP_EINVAL with *why (a
 * message for the caller) when a query value is malformed. */
int timeline_list(const struct core_ctx *cx, const struct timeline_query *q,
                  void (*cb)(const struct event_rec *, void *), void *arg,
                  struct timeline_page *out, const char **why);

#endif
