/*
 * api.h - the request handlers, one file per resource, and the route table
 * (routes.c) that binds them to methods and paths with their gate flags.
 */
#ifndef PP_API_H
#define PP_API_H

#include "http/http.h"

extern const struct route api_routes[];
extern const size_t api_routes_count;

/* api_users.c */
void api_users_create(struct req *r);
void api_users_self(struct req *r);
void api_users_update(struct req *r);
void api_users_email_confirm(struct req *r);
void api_users_reset_request(struct req *r);
void api_users_reset_perform(struct req *r);
void api_referral_link(struct req *r);
/* api_session.c */
void api_session_create(struct req *r);
void api_session_show(struct req *r);
void api_session_delete(struct req *r);
void api_sessions_list(struct req *r);
void api_sessions_delete(struct req *r);
/* api_tokens.c */
void api_tokens_create(struct req *r);
void api_tokens_list(struct req *r);
void api_tokens_show(struct req *r);
void api_tokens_renew(struct req *r);
void api_tokens_delete(struct req *r);
void api_tokens_exchange(struct req *r);
/* api_apps.c */
void api_apps_create(struct req *r);
void api_apps_list(struct req *r);
void api_apps_show(struct req *r);
void api_apps_delete(struct req *r);
void api_apps_containers(struct req *r);
void api_apps_scale(struct req *r);
void api_apps_restart(struct req *r);
void api_container_sizes(struct req *r);
/* Loads {app} for the caller (replies 404 itself when it has no role). */
struct app_rec;
int api_app_load(struct req *r, struct app_rec *a);
/* 403 {"error": msg, "code": "forbidden"} */
void api_forbidden(struct req *r, const char *msg);
/* api_collab.c */
void api_collab_list(struct req *r);
void api_collab_invite(struct req *r);
void api_collab_accept(struct req *r);
void api_collab_update(struct req *r);
void api_collab_delete(struct req *r);
/* api_users.c: account deletion */
void api_users_delete_request(struct req *r);
void api_users_delete_confirm(struct req *r);
/* api_events.c */
void api_events_list(struct req *r);
void api_app_events_list(struct req *r);
void api_event_types(struct req *r);
/* api_system.c */
void api_healthz(struct req *r);
void api_metrics(struct req *r);

/* Shared by handlers: a one-time link token, its hash and the mailed URL. */
#define LINK_TOKEN_BYTES 32
void api_mail_link(struct req *r, const char *to, const char *subject, const char *intro,
                   const char *url_path, const char *token);

#endif
