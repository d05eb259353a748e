/*
 * routes.c - the route table. Order does not matter for matching (patterns
 * are exact), only for the metrics listing. Flags are the gates (route.h).
 */
#include "api/api.h"
#include "core/perm.h"

#define PUB  ROUTE_PUBLIC
#define AUTH ROUTE_AUTH
#define JSON ROUTE_JSON
#define JOPT ROUTE_JSON_OPT
/* what lasts beyond a session (tokens, apps, keys, invitations accepted): only for an
 * account whose address was confirmed (DESIGN: gate after authentication) */
#define CONF ROUTE_CONFIRMED

const struct route api_routes[] = {
        {"GET", "/healthz", api_healthz, PUB, PERM_NONE},
        {"GET", "/metrics", api_metrics, PUB | ROUTE_OWN_AUTH, PERM_NONE},
        {"GET", "/r/:code", api_referral_link, PUB, PERM_NONE},

        {"POST", "/v1/users", api_users_create, PUB | JSON | ROUTE_THROTTLE, PERM_NONE},
        {"GET", "/v1/users/self", api_users_self, AUTH, PERM_NONE},
        {"PUT", "/v1/users/account", api_users_update, AUTH | JSON, PERM_NONE},
        {"PATCH", "/v1/account/profile", api_users_update, AUTH | JSON, PERM_NONE},
        {"POST", "/v1/users/email/confirm", api_users_email_confirm, PUB | JSON | ROUTE_THROTTLE,
         PERM_NONE},
        {"POST", "/v1/users/email/cancel", api_users_email_cancel, PUB | JSON | ROUTE_THROTTLE,
         PERM_NONE},
        {"POST", "/v1/users/confirmation", api_users_confirmation_resend,
         PUB | JSON | ROUTE_THROTTLE, PERM_NONE},
        {"POST", "/v1/users/password/reset", api_users_reset_request, PUB | JSON | ROUTE_THROTTLE,
         PERM_NONE},
        {"PUT", "/v1/users/password/reset", api_users_reset_perform, PUB | JSON | ROUTE_THROTTLE,
         PERM_NONE},
        {"POST", "/v1/users/unlock", api_users_unlock, PUB | JSON | ROUTE_THROTTLE, PERM_NONE},

        {"POST", "/v1/session", api_session_create, PUB | JSON | ROUTE_NO_CSRF, PERM_NONE},
        {"GET", "/v1/session", api_session_show, AUTH, PERM_NONE},
        {"DELETE", "/v1/session", api_session_delete, AUTH, PERM_NONE},
        {"GET", "/v1/sessions", api_sessions_list, AUTH, PERM_NONE},
        {"DELETE", "/v1/sessions/:id", api_sessions_delete, AUTH, PERM_NONE},

        {"POST", "/v1/tokens", api_tokens_create, AUTH | CONF | ROUTE_BASIC | JOPT, PERM_NONE},
        {"GET", "/v1/tokens", api_tokens_list, AUTH, PERM_NONE},
        {"GET", "/v1/tokens/:id", api_tokens_show, AUTH, PERM_NONE},
        {"PATCH", "/v1/tokens/:id/renew", api_tokens_renew, AUTH | CONF | JOPT, PERM_NONE},
        {"DELETE", "/v1/tokens/:id", api_tokens_delete, AUTH, PERM_NONE},
        {"POST", "/v1/tokens/exchange", api_tokens_exchange,
         PUB | ROUTE_BASIC | JOPT | ROUTE_THROTTLE, PERM_NONE},

        {"POST", "/v1/keys", api_keys_create, AUTH | CONF | JSON, PERM_NONE},
        {"GET", "/v1/keys", api_keys_list, AUTH, PERM_NONE},
        {"GET", "/v1/keys/:id", api_keys_show, AUTH, PERM_NONE},
        {"DELETE", "/v1/keys/:id", api_keys_delete, AUTH, PERM_NONE},

        {"POST", "/v1/users/delete", api_users_delete_request, AUTH | JOPT, PERM_NONE},
        {"POST", "/v1/users/delete/:id/confirm", api_users_delete_confirm,
         PUB | JSON | ROUTE_THROTTLE, PERM_NONE},

        {"GET", "/v1/features/container_sizes", api_container_sizes, PUB, PERM_NONE},
        {"POST", "/v1/apps", api_apps_create, AUTH | CONF | JSON, PERM_NONE},
        {"GET", "/v1/apps", api_apps_list, AUTH, PERM_NONE},
        {"GET", "/v1/apps/collaboration", api_collab_accept, AUTH | CONF | ROUTE_CSRF_GET,
         PERM_NONE},
        {"GET", "/v1/apps/:app", api_apps_show, AUTH, PERM_READ},
        {"DELETE", "/v1/apps/:app", api_apps_delete, AUTH, PERM_DELETE},
        {"GET", "/v1/apps/:app/containers", api_apps_containers, AUTH, PERM_READ},
        {"POST", "/v1/apps/:app/scale", api_apps_scale, AUTH | JSON, PERM_SCALE},
        {"POST", "/v1/apps/:app/restart", api_apps_restart, AUTH | JOPT, PERM_RESTART},
        {"GET", "/v1/apps/:app/events", api_app_events_list, AUTH, PERM_READ},
        {"GET", "/v1/apps/:app/collaborators", api_collab_list, AUTH, PERM_READ},
        {"POST", "/v1/apps/:app/collaborators", api_collab_invite, AUTH | JSON, PERM_COLLABORATE},
        {"PATCH", "/v1/apps/:app/collaborators/:id", api_collab_update, AUTH | JSON,
         PERM_COLLABORATE},
        {"DELETE", "/v1/apps/:app/collaborators/:id", api_collab_delete, AUTH, PERM_LEAVE},

        {"GET", "/v1/client/tfa", api_tfa_show, AUTH, PERM_NONE},
        {"POST", "/v1/client/tfa", api_tfa_create, AUTH | JOPT, PERM_NONE},
        {"POST", "/v1/client/tfa/validate", api_tfa_validate, AUTH | JSON, PERM_NONE},
        {"DELETE", "/v1/client/tfa", api_tfa_delete, AUTH | JOPT, PERM_NONE},
        {"POST", "/v1/client/tfa/recovery_codes", api_tfa_codes, AUTH | JSON, PERM_NONE},

        {"GET", "/v1/events", api_events_list, AUTH, PERM_NONE},
        {"GET", "/v1/event_types", api_event_types, PUB, PERM_NONE},

        /* answers 404 unless the process was started with PAASPORT_TEST_CLOCK=1 */
        {"POST", "/v1/_test/clock", api_test_clock, PUB | JSON | ROUTE_NO_CSRF, PERM_NONE},
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];
