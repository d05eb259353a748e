/*
 * apps.h - app rules with no HTTP in them: names, container sizes and
 * prices, parsing and validating a scale request, the bare git repository of
 * each app (its path derives from the app id, never from user text).
 */
#ifndef PP_APPS_H
#define PP_APPS_H

#include "core/core.h"
#include "store/store_apps.h"

#include <jansson.h>
#include <stdint.h>

#define APPS_DEFAULT_TYPE  "web"
#define APPS_DEFAULT_SIZE  "M"
#define APPS_INVITE_TTL_MS (7LL * 24 * 3600 * 1000)

struct container_size {
	const char *name;
	const char *human_name;
	int ordinal;
	int64_t memory; /* bytes */
	int hourly_cents;
};
extern const struct container_size apps_sizes[];
extern const size_t apps_sizes_count;
const struct container_size *apps_size(const char *name);

/* The app named name_or_id as user_id sees it (a->role), or PP_ENOTFOUND when they have
 * no role on it (strangers and pending invitees alike, so names never leak). */
int apps_load(const struct core_ctx *cx, const char *name_or_id, const char *user_id,
              struct app_rec *a);

/* NULL when name is a valid app name, else the message. Pure. */
const char *apps_valid_name(const char *name);
/* NULL when t is a valid process type name. Pure. */
const char *apps_valid_type(const char *t);

/*
 * Applies the scale request body ({"containers": [{name, amount, size?}]}) to
 * the current formation cur[0..ncur): out receives the new formation (types
 * not named keep their value), *changed the number of changed types,
 * *scales_up 1 when some type costs more per hour than before. Invalid values
 * go into errors (422) and PP_EINVAL is returned; a body of the wrong shape
 * (types) returns PP_EINVAL with *bad_request = 1 (400). Pure.
 */
int apps_apply_scale(json_t *body, const struct formation_rec *cur, int ncur,
                     struct formation_rec *out, int *nout, int *changed, int *scales_up,
                     json_t *errors, int *bad_request);

/* "<root>/<app id>.git" */
int apps_repo_path(const char *root, const char *app_id, char *out, size_t cap);
/* git init --bare (exec, no shell); PP_EIO on failure. */
int apps_repo_create(const char *root, const char *app_id);
int apps_repo_remove(const char *root, const char *app_id);

#endif
