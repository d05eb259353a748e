/* render.h - the JSON shapes of API.md for stored records. */
#ifndef PP_RENDER_H
#define PP_RENDER_H

#include "api/req.h"
#include "config.h"
#include "store/store_acct.h"
#include "store/store_events.h"

#include <jansson.h>

json_t *render_time(int64_t ms); /* ISO 8601 string, or null for 0 */
json_t *render_user(const struct user_rec *u, const struct config *cfg);
/* render_user with tfa_enabled as the account's 2FA state says. */
json_t *render_user_tfa(const struct user_rec *u, const struct config *cfg, int tfa_enabled);
/* The 2FA object of the Scalingo clients: {uuid, enabled, provider}. */
json_t *render_tfa(const char *user_id, int enabled);
/* A collaborator with tfa_status (null while the invitation is pending). */
json_t *render_collab_tfa(const struct collab_rec *k, int tfa_enabled);
json_t *render_token(const struct token_rec *t, const char *secret /* NULL = omit */);
json_t *render_session(const struct session_rec *s, const char *current_id);
json_t *render_key(const struct key_rec *k);
json_t *render_event(const struct event_rec *e);
struct app_rec;
struct collab_rec;
struct formation_rec;
json_t *render_app(const struct app_rec *a, const struct config *cfg);
json_t *render_collab(const struct collab_rec *k);
json_t *render_formation(const struct formation_rec *f, int n);
/* The app's owner as the first entry of its collaborators list. */
json_t *render_collab_owner(const struct app_rec *a);
/* The catalogues: GET /v1/features/container_sizes, GET /v1/event_types (arrays). */
json_t *render_container_sizes(void);
json_t *render_event_types(void);
/* A timeline page's meta: {"pagination": {..., "anchor"}} */
struct paging;
json_t *render_timeline_meta(const struct paging *p, int64_t total, int64_t anchor);

/*
 * The shape the list answers share: records collected through a use case's
 * callback into an array, then 200 {key: [...], (meta)}. Usage:
 *   struct render_list l;
 *   render_list_init(&l, r->app->cfg);
 *   return render_list_reply(r, apps_list(&cx, id, render_list_app, &l), &l, "apps", NULL,
 *                            "app");
 */
struct render_list {
	json_t *items;
	const struct config *cfg;
	const char *current_session; /* render_list_session: the caller's own session id or NULL */
};
void render_list_init(struct render_list *l, const struct config *cfg);
/* Callbacks appending one record to the struct render_list *list. */
void render_list_app(const struct app_rec *a, void *list);
void render_list_collab(const struct collab_rec *k, void *list);
void render_list_collab_tfa(const struct collab_rec *k, int tfa_enabled, void *list);
void render_list_event(const struct event_rec *e, void *list);
void render_list_token(const struct token_rec *t, void *list);
void render_list_session(const struct session_rec *s, void *list);
void render_list_key(const struct key_rec *k, void *list);
/* rc 0: replies 200 {key: items} (plus "meta": meta when not NULL; stolen) and returns 0;
 * else frees what was collected and returns api_rc(r, rc, resource). */
int render_list_reply(struct req *r, int rc, struct render_list *l, const char *key, json_t *meta,
                      const char *resource);

#endif
