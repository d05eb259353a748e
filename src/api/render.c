/* render.c - records to API JSON (see render.h). */
#include "api/render.h"
#include "api/api.h"
#include "core/apps.h"
#include "core/events.h"
#include "core/tfa.h"
#include "model.h"
#include "util/paging.h"
#include "util/timeutil.h"

#include <string.h>

json_t *render_time(int64_t ms)
{
	char ts[TIME_ISO_LEN];
	if (ms == 0)
		return json_null();
	time_iso8601(ms, ts);
	return json_string(ts);
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

json_t *render_user(const struct user_rec *u, const struct config *cfg)
{
	char url[CONFIG_STR_MAX + 64];
	snprintf(url, sizeof url, "%s/r/%s", cfg->public_url, u->referral_code);
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:s, s:o, s:o, s:b, s:o, s:b, s:o, s:o, "
	                 "s:s, s:{}}",
	                 "id", u->id, "uuid", u->id, "username", u->username, "email", u->email,
	                 "email_confirmed", !u->email_pending, "unconfirmed_email",
	                 str_or_null(u->unconfirmed_email), "fullname", u->fullname, "company",
	                 str_or_null(u->company), "location", str_or_null(u->location),
	                 "email_newsletter", u->newsletter, "created_at",
	                 render_time(u->created_at), "tfa_enabled", 0, "suspended_at",
	                 render_time(u->suspended_at), "suspension_reason",
	                 str_or_null(u->suspension_reason), "referral_url", url, "flags");
}

json_t *render_user_tfa(const struct user_rec *u, const struct config *cfg, int tfa_enabled)
{
	json_t *o = render_user(u, cfg);
	if (o)
		json_object_set_new(o, "tfa_enabled", json_boolean(tfa_enabled));
	return o;
}

json_t *render_tfa(const char *user_id, int enabled)
{
	return json_pack("{s:s, s:b, s:s}", "uuid", user_id, "enabled", enabled, "provider",
	                 TFA_PROVIDER);
}

json_t *render_token(const struct token_rec *t, const char *secret)
{
	json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", t->id, "name", t->name,
	                      "created_at", render_time(t->created_at), "last_used_at",
	                      render_time(t->last_used_at), "issued_at", render_time(t->issued_at));
	if (o && secret)
		json_object_set_new(o, "token", json_string(secret));
	return o;
}

json_t *render_key(const struct key_rec *k)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id", k->id, "name", k->name,
	                 "type", k->type, "content", k->content, "fingerprint", k->fingerprint,
	                 "created_at", render_time(k->created_at), "last_used_at",
	                 render_time(k->last_used_at));
}

json_t *render_session(const struct session_rec *s, const char *current_id)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:s, s:s, s:b}", "id", s->id, "created_at",
	                 render_time(s->created_at), "last_seen_at", render_time(s->last_seen_at),
	                 "expires_at", render_time(s->expires_at), "remote_ip", s->remote_ip,
	                 "user_agent", s->user_agent, "current",
	                 current_id && strcmp(current_id, s->id) == 0);
}

json_t *render_event(const struct event_rec *e)
{
	/* built member by member: this runs 30 times per timeline page */
	json_t *td = e->type_data ? json_loads(e->type_data, 0, NULL) : NULL;
	json_t *o = json_object(), *user = json_null();
	char id[24], *p = id + sizeof id - 1;
	unsigned long long n = (unsigned long long)e->id;
	*p = 0;
	do {
		*--p = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	if (e->user_id[0]) {
		user = json_object();
		json_object_set_new_nocheck(user, "id", json_string(e->user_id));
		json_object_set_new_nocheck(user, "username", str_or_null(e->username));
		json_object_set_new_nocheck(user, "email", str_or_null(e->email));
	}
	json_object_set_new_nocheck(o, "id", json_string(p));
	json_object_set_new_nocheck(o, "created_at", render_time(e->created_at));
	json_object_set_new_nocheck(o, "type", json_string(e->type));
	json_object_set_new_nocheck(o, "user", user);
	json_object_set_new_nocheck(o, "app_id", str_or_null(e->app_id));
	json_object_set_new_nocheck(o, "app_name", str_or_null(e->app_name));
	json_object_set_new_nocheck(o, "type_data", td ? td : json_object());
	return o;
}

static const char *role_name(enum app_role r)
{
	switch (r) {
	case ROLE_OWNER: return "owner";
	case ROLE_COLLABORATOR: return "collaborator";
	case ROLE_LIMITED: return "limited_collaborator";
	default: return "none";
	}
}

json_t *render_app(const struct app_rec *a, const struct config *cfg)
{
	char git[2 * CONFIG_STR_MAX + APP_NAME_MAX + 16];
	snprintf(git, sizeof git, "%s@%s:%s.git", cfg->git_user, cfg->ssh_host, a->name);
	return json_pack("{s:s, s:s, s:o, s:o, s:{s:s, s:o, s:o}, s:s, s:s, s:s}", "id", a->id,
	                 "name", a->name, "created_at", render_time(a->created_at), "updated_at",
	                 render_time(a->updated_at), "owner", "id", a->owner_id, "username",
	                 str_or_null(a->owner_username), "email", str_or_null(a->owner_email),
	                 "git_url", git, "status", a->status, "role", role_name(a->role));
}

json_t *render_collab(const struct collab_rec *k)
{
	int pending = strcmp(k->status, "pending") == 0;
	return json_pack("{s:s, s:s, s:o, s:s, s:s, s:b, s:s, s:s, s:o, s:o}", "id", k->id, "email",
	                 k->email, "user_id", str_or_null(k->user_id), "username",
	                 pending ? "n/a" : (k->username[0] ? k->username : "user account deleted"),
	                 "status", k->status, "is_limited", k->is_limited, "app_id", k->app_id,
	                 "app_name", k->app_name, "created_at", render_time(k->created_at),
	                 "expires_at", pending ? render_time(k->expires_at) : json_null());
}

json_t *render_collab_tfa(const struct collab_rec *k, int tfa_enabled)
{
	json_t *o = render_collab(k);
	if (o)
		json_object_set_new(o, "tfa_status",
		                    strcmp(k->status, "accepted") == 0 ? json_boolean(tfa_enabled)
		                                                       : json_null());
	return o;
}

json_t *render_formation(const struct formation_rec *f, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:i, s:s}", "name", f[i].type, "amount",
		                                     f[i].amount, "size", f[i].size));
	return arr;
}

json_t *render_collab_owner(const struct app_rec *a)
{
	return json_pack("{s:s, s:o, s:s, s:s, s:s, s:b, s:s, s:s, s:o, s:n}", "id", a->owner_id,
	                 "email", a->owner_email[0] ? json_string(a->owner_email) : json_null(),
	                 "user_id", a->owner_id, "username", a->owner_username, "status", "owner",
	                 "is_limited", 0, "app_id", a->id, "app_name", a->name, "created_at",
	                 render_time(a->created_at), "expires_at");
}

json_t *render_container_sizes(void)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < apps_sizes_count; i++) {
		const struct container_size *s = &apps_sizes[i];
		json_array_append_new(
		        arr, json_pack("{s:s, s:s, s:s, s:i, s:I, s:i, s:i}", "id", s->name, "name",
		                       s->name, "human_name", s->human_name, "ordinal", s->ordinal,
		                       "memory", (json_int_t)s->memory, "hourly_price",
		                       s->hourly_cents, "thirtydays_price", s->hourly_cents * 720));
	}
	return arr;
}

json_t *render_event_types(void)
{
	json_t *arr = json_array();
	/* the Scalingo shape (the name doubles as the id) plus the sentence template */
	for (size_t i = 0; i < events_types_count; i++) {
		const struct event_type_info *t = &events_types[i];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", t->name,
		                                     "name", t->name, "display_name",
		                                     t->display_name, "description", t->description,
		                                     "template", t->template));
	}
	return arr;
}

json_t *render_timeline_meta(const struct paging *p, int64_t total, int64_t anchor)
{
	json_t *meta = paging_meta(p, total);
	json_object_set_new(json_object_get(meta, "pagination"), "anchor",
	                    json_integer((json_int_t)anchor));
	return meta;
}

void render_list_init(struct render_list *l, const struct config *cfg)
{
	l->items = json_array();
	l->cfg = cfg;
	l->current_session = NULL;
}

void render_list_app(const struct app_rec *a, void *list)
{
	struct render_list *l = list;
	json_array_append_new(l->items, render_app(a, l->cfg));
}

void render_list_collab_tfa(const struct collab_rec *k, int tfa_enabled, void *list)
{
	json_array_append_new(((struct render_list *)list)->items,
	                      render_collab_tfa(k, tfa_enabled));
}

void render_list_collab(const struct collab_rec *k, void *list)
{
	json_array_append_new(((struct render_list *)list)->items, render_collab(k));
}

void render_list_event(const struct event_rec *e, void *list)
{
	json_array_append_new(((struct render_list *)list)->items, render_event(e));
}

void render_list_token(const struct token_rec *t, void *list)
{
	json_array_append_new(((struct render_list *)list)->items, render_token(t, NULL));
}

void render_list_session(const struct session_rec *s, void *list)
{
	struct render_list *l = list;
	json_array_append_new(l->items, render_session(s, l->current_session));
}

int render_list_reply(struct req *r, int rc, struct render_list *l, const char *key, json_t *meta,
                      const char *resource)
{
	json_t *items = l->items;
	l->items = NULL;
	if (rc) {
		json_decref(items);
		json_decref(meta);
		return api_rc(r, rc, resource);
	}
	if (meta)
		reply_json(r, 200, json_pack("{s:o, s:o}", key, items, "meta", meta));
	else
		reply_json(r, 200, json_pack("{s:o}", key, items));
	return 0;
}

void render_list_key(const struct key_rec *k, void *list)
{
	json_array_append_new(((struct render_list *)list)->items, render_key(k));
}
