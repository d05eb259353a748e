/* render.c - records to API JSON (see render.h). */
#include "api/render.h"
#include "store/store_apps.h"
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
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:b, s:o, s:b, s:o, s:o, s:s, "
	                 "s:{}}",
	                 "id", u->id, "uuid", u->id, "username", u->username, "email", u->email,
	                 "unconfirmed_email", str_or_null(u->unconfirmed_email), "fullname",
	                 u->fullname, "company", str_or_null(u->company), "location",
	                 str_or_null(u->location), "email_newsletter", u->newsletter, "created_at",
	                 render_time(u->created_at), "tfa_enabled", 0, "suspended_at",
	                 render_time(u->suspended_at), "suspension_reason",
	                 str_or_null(u->suspension_reason), "referral_url", url, "flags");
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
	char git[CONFIG_STR_MAX + APP_NAME_MAX + 16];
	snprintf(git, sizeof git, "git@%s:%s.git", cfg->ssh_host, a->name);
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

json_t *render_formation(const struct formation_rec *f, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:i, s:s}", "name", f[i].type, "amount",
		                                     f[i].amount, "size", f[i].size));
	return arr;
}
