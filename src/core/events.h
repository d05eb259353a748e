/*
 * events.h - timeline events: recording them, the constructors of their
 * type_data (one per type or family; nothing builds a payload inline), and
 * the catalogue of every type the server emits, with the sentence template
 * the dashboard and the CLI render (GET /v1/event_types). See docs/api.md
 * "Events" for the template language.
 */
#ifndef PP_EVENTS_H
#define PP_EVENTS_H

#include "store/store.h"
#include "store/store_apps.h"
#include <jansson.h>

/* Records an event. type_data is a JSON object (stolen; NULL: none, shown as {}). */
int events_add(struct store_conn *c, int64_t now, const char *type, const char *user_id,
               const char *app_id, const char *app_name, json_t *type_data);
/* The same, recording the people type_data names (user ids or emails; NULL/"" skipped),
 * so that their deletion can erase them from it. */
int events_add_about(struct store_conn *c, int64_t now, const char *type, const char *user_id,
                     const char *app_id, const char *app_name, json_t *type_data,
                     const char *const *subjects, int nsubjects);

/* ---- type_data constructors (new references; NULL only when out of memory) ---- */

/* login_success, login_failure, login_lock, login_unlock_success, password_reset_query,
 * password_reset_success: {"remote_ip"} */
json_t *events_data_remote_ip(const char *remote_ip);
/* edit_profile: {"fields": [...]}; fields is an array of field names (borrowed). */
json_t *events_data_edit_profile(json_t *fields);
/* edit_profile with one field: {"fields": [field]} */
json_t *events_data_edit_profile1(const char *field);
/* new_token, regenerate_token, delete_token: {"token_name", "token_id"} */
json_t *events_data_token(const char *token_name, const char *token_id);
/* new_key, delete_key: {"name", "fingerprint"} (an SSH key) */
json_t *events_data_key(const char *name, const char *fingerprint);
/* deployment: {"pusher", "git_ref", "status"}: a git push over SSH that updated refs */
json_t *events_data_deployment(const char *pusher, const char *git_ref, const char *status);
/* scale: {"previous_containers": {type: amount}, "containers", "previous_sizes":
 * {type: size}, "sizes"}: the formation before and after. */
json_t *events_data_scale(const struct formation_rec *before, int nbefore,
                          const struct formation_rec *after, int nafter);
/* restart: {"scope": [types] | null}; scope is borrowed, NULL or empty: every type. */
json_t *events_data_restart(json_t *scope);
/* new_collaborator: {"collaborator": {"email", "is_limited"}} */
json_t *events_data_collab_invited(const char *email, int is_limited);
/* accept_collaborator: {"collaborator": {"id", "email", "username", "is_limited",
 * "inviter": {"email", "username"}}}; email and username are the invitee's. */
json_t *events_data_collab_accepted(const struct collab_rec *k, const char *email,
                                    const char *username, const char *inviter_email,
                                    const char *inviter_username);
/* delete_collaborator: {"collaborator": {"id", "email", "username"}};
 * change_collaborator_role (with_limited): the same plus "is_limited".
 * username is "n/a" while the invitation is pending. */
json_t *events_data_collab(const struct collab_rec *k, int with_limited);

/* tfa_enabled: {"provider"} */
json_t *events_data_tfa(const char *provider);
/* tfa_recovery_code_used: {"remote_ip", "codes_left"} */
json_t *events_data_tfa_recovery(const char *remote_ip, int codes_left);

/* ---- the catalogue ---- */

struct event_type_info {
	const char *name;
	const char *display_name;
	const char *description;
	/* The sentence, in the template language of docs/api.md "Events". */
	const char *template;
	/* The type_data keys the constructor writes, as dotted paths separated by
	 * spaces ("" for no type_data). */
	const char *keys;
};
extern const struct event_type_info events_types[];
extern const size_t events_types_count;

/* The computed parts {@name} a template may use; each client implements them. */
struct event_computed_info {
	const char *name;
	const char *description;
};
extern const struct event_computed_info events_computed[];
extern const size_t events_computed_count;

/* The catalogue entry of a type, or NULL. */
const struct event_type_info *events_type_find(const char *name);

#endif
