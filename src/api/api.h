/*
 * api.h - the request handlers, one file per resource, the route table
 * (routes.c) that binds them to methods and paths with their gate flags, and
 * the helpers with which a handler describes a failure. A handler maps the
 * request to a use case of core/ and its result to an answer; it returns 0
 * once it has answered, or a PP_E* code (dispatch.c picks the status).
 */
#ifndef PP_API_H
#define PP_API_H

#include "api/req.h"
#include "core/core.h"
#include "core/login.h"

extern const struct route api_routes[];
extern const size_t api_routes_count;

/* api_users.c */
int api_users_create(struct req *r);
int api_users_self(struct req *r);
int api_users_update(struct req *r);
int api_users_email_confirm(struct req *r);
int api_users_email_cancel(struct req *r);
int api_users_reset_request(struct req *r);
int api_users_reset_perform(struct req *r);
int api_users_unlock(struct req *r);
int api_users_confirmation_resend(struct req *r);
int api_referral_link(struct req *r);
/* api_session.c */
int api_session_create(struct req *r);
int api_session_show(struct req *r);
int api_session_delete(struct req *r);
int api_sessions_list(struct req *r);
int api_sessions_delete(struct req *r);
/* api_keys.c */
int api_keys_create(struct req *r);
int api_keys_list(struct req *r);
int api_keys_show(struct req *r);
int api_keys_delete(struct req *r);
/* api_tokens.c */
int api_tokens_create(struct req *r);
int api_tokens_list(struct req *r);
int api_tokens_show(struct req *r);
int api_tokens_renew(struct req *r);
int api_tokens_delete(struct req *r);
int api_tokens_exchange(struct req *r);
/* api_apps.c */
int api_apps_create(struct req *r);
int api_apps_list(struct req *r);
int api_apps_show(struct req *r);
int api_apps_delete(struct req *r);
int api_apps_containers(struct req *r);
int api_apps_scale(struct req *r);
int api_apps_restart(struct req *r);
int api_container_sizes(struct req *r);
/* api_collab.c */
int api_collab_list(struct req *r);
int api_collab_invite(struct req *r);
int api_collab_accept(struct req *r);
int api_collab_update(struct req *r);
int api_collab_delete(struct req *r);
/* api_users.c: account deletion */
int api_users_delete_request(struct req *r);
int api_users_delete_confirm(struct req *r);
/* api_events.c */
int api_events_list(struct req *r);
int api_app_events_list(struct req *r);
int api_event_types(struct req *r);
/* api_tfa.c */
int api_tfa_show(struct req *r);
int api_tfa_create(struct req *r);
int api_tfa_validate(struct req *r);
int api_tfa_delete(struct req *r);
int api_tfa_codes(struct req *r);
/* api_system.c */
int api_healthz(struct req *r);
int api_metrics(struct req *r);

int api_test_clock(struct req *r);

/* ---- describing a failure (each returns the code it records) ---- */
/* rc with a message (static text): PP_EINVAL -> 400, PP_EAUTH -> 401, ... */
int api_fail(struct req *r, int rc, const char *msg);
/* 422 {"errors": errors} (stolen) */
int api_invalid(struct req *r, json_t *errors);
/* 422 for one field */
int api_invalid1(struct req *r, const char *field, const char *msg);
/* 404 {"resource": resource, "error": "not found"} for PP_ENOTFOUND; rc as it is otherwise */
int api_rc(struct req *r, int rc, const char *resource);
/* rc (PP_ECONFLICT, PP_EPAYMENT...) with a message and more members for the body (stolen) */
int api_fail_extra(struct req *r, int rc, const char *msg, json_t *extra);
/* 403 {"error": ..., "code": "email_unconfirmed"}: the caller's address is not
 * confirmed yet (the CONFIRMED route gate, and a use case's PP_EFORBIDDEN for it). */
#define API_EMAIL_UNCONFIRMED "email_unconfirmed"
int api_email_unconfirmed(struct req *r);
/* The 401 message of a login that needs a second-factor code. */
#define API_OTP_REQUIRED "OTP Required"
/* What the login use case said, as a failure (LOGIN_BAD, LOGIN_LOCKED, LOGIN_THROTTLED,
 * LOGIN_NEED_OTP). */
int api_login_failure(struct req *r, enum login_result res);

/* The time of day of the request, from the app's clock. */
int64_t api_now(const struct req *r);

/* The use-case context of the request: services, connection, the clock's now, the caller. */
struct core_ctx api_ctx(struct req *r);

#endif
