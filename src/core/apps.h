/*
 * apps.h - app rules with no HTTP in them: names, container sizes and
 * prices, parsing and validating a scale request, the bare git repository of
 * each app (its path derives from the app id, never from user text), and the
 * app use cases (create, list, delete, containers, scale, restart). Who may
 * call the use cases on an app is decided before them by perm_may() (the
 * route's declared action); they receive the app as the caller sees it.
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

/*
 * Why a use case refused its input, for the caller to show: msg (static text)
 * with field set is a field error (422 {"errors": {field: [msg]}}), without
 * field a malformed request (400) or, with another code than PP_EINVAL, the
 * message of that refusal (403, 409, 402).
 */
struct apps_err {
	const char *field;
	const char *msg;
	const char *code; /* machine-readable reason for the body ("app_quota"), or NULL */
	char text[160];   /* room for a message made for this call (msg may point here) */
};

/* The app name_or_id (by id when it has the id form, by name otherwise) as user_id sees it
 * (a->role), or PP_ENOTFOUND when they have no role on it (strangers and pending invitees alike, so
 * names never leak). */
int apps_load(const struct core_ctx *cx, const char *name_or_id, const char *user_id,
              struct app_rec *a);

/* 1 when s has the form of an app id ("ap-" and a UUID, as rand_id() makes
 * them), else 0: only such a parameter is looked up by id. Pure. */
int apps_is_id(const char *s);

/* NULL when name is a valid app name, else the message (a name never has the
 * form of an id). Pure. */
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

/* ---- use cases ---- */

/*
 * Creates the app name for owner_id with the default formation (one "web"
 * container of APPS_DEFAULT_SIZE), its bare git repository and the new_app
 * event; *a receives it as its owner sees it. PP_EINVAL with e->field "name"
 * when the name is blank, invalid or taken (the unique constraint decides);
 * PP_EFORBIDDEN with e->code "app_quota" and e->msg when the owner already
 * owns cfg->max_apps_per_account live apps (counted inside the write
 * transaction). The repository is made before that transaction and removed
 * when the app is not made.
 */
int apps_create(const struct core_ctx *cx, const char *owner_id, const char *name,
                struct app_rec *a, struct apps_err *e);
/* The caller's live apps (owned and collaborated), by name. */
int apps_list(const struct core_ctx *cx, const char *user_id,
              void (*cb)(const struct app_rec *, void *), void *arg);
/*
 * Deletes app a (soft: the name is freed) for user_id: the formation drops to
 * zero (billing stops counting), collaborations go, a delete_app event, then
 * the repository is removed. current_name must repeat the app's name
 * (PP_EINVAL, e->field "current_name").
 */
int apps_delete(const struct core_ctx *cx, const char *user_id, const struct app_rec *a,
                const char *current_name, struct apps_err *e);
/* The formation of app a: f[0..*n), at most FORMATION_TYPES_MAX. */
int apps_containers(const struct core_ctx *cx, const struct app_rec *a, struct formation_rec *f,
                    int *n);
/*
 * Applies the scale request body to app a (see apps_apply_scale) for user_id,
 * records the scale event when something changed, and fills next[0..*nnext)
 * with the new formation (FORMATION_TYPES_MAX entries). PP_EINVAL with e->msg
 * for a body of the wrong shape, or with the field errors in errors (422);
 * PP_EPAYMENT with e->msg when it scales up while the owner is suspended.
 */
int apps_scale(const struct core_ctx *cx, const char *user_id, const struct app_rec *a,
               json_t *body, struct formation_rec *next, int *nnext, json_t *errors,
               struct apps_err *e);
/*
 * Records a restart of app a by user_id. scope (borrowed; NULL or JSON null:
 * every type) must be an array of names of the app's container types:
 * PP_EINVAL with e->msg (wrong shape) or e->field "scope" (unknown type).
 */
int apps_restart(const struct core_ctx *cx, const char *user_id, const struct app_rec *a,
                 json_t *scope, struct apps_err *e);

/* "<root>/<app id>.git" */
int apps_repo_path(const char *root, const char *app_id, char *out, size_t cap);
/* git init --bare (exec, no shell); PP_EIO on failure. */
int apps_repo_create(const char *root, const char *app_id);
int apps_repo_remove(const char *root, const char *app_id);

#endif
