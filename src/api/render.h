/* render.h - the JSON shapes of API.md for stored records. */
#ifndef PP_RENDER_H
#define PP_RENDER_H

#include "config.h"
#include "store/store_acct.h"
#include "store/store_events.h"

#include <jansson.h>

json_t *render_time(int64_t ms); /* ISO 8601 string, or null for 0 */
json_t *render_user(const struct user_rec *u, const struct config *cfg);
json_t *render_token(const struct token_rec *t, const char *secret /* NULL = omit */);
json_t *render_session(const struct session_rec *s, const char *current_id);
json_t *render_event(const struct event_rec *e);
struct app_rec;
struct collab_rec;
struct formation_rec;
json_t *render_app(const struct app_rec *a, const struct config *cfg);
json_t *render_collab(const struct collab_rec *k);
json_t *render_formation(const struct formation_rec *f, int n);

#endif
