/*
 * events.c - recording timeline events, the constructors of their type_data and
 * the catalogue of event types with the sentences users read (events.h).
 */
#include "core/events.h"
#include "util/str.h"
#include "store/store_events.h"
#include "util/err.h"
#include "util/timeutil.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int events_add_about(struct store_conn *c, int64_t now, const char *type, const char *user_id,
                     const char *app_id, const char *app_name, json_t *type_data,
                     const char *const *subjects, int nsubjects)
{
	char *td = type_data ? json_dumps(type_data, JSON_COMPACT) : NULL;
	int64_t id = 0;
	json_decref(type_data);
	if (type_data && !td)
		return PP_ENOMEM;
	int rc = store_event_add(c, type, user_id, app_id, app_name, td, now, &id);
	free(td);
	for (int i = 0; rc == 0 && i < nsubjects; i++) {
		char lc[TXT(EMAIL_MAX)];
		if (!subjects[i] || !*subjects[i])
			continue;
		str_lower(lc, sizeof lc, subjects[i]);
		rc = store_event_subject_add(c, id, lc);
	}
	return rc;
}

int events_add(struct store_conn *c, int64_t now, const char *type, const char *user_id,
               const char *app_id, const char *app_name, json_t *type_data)
{
	return events_add_about(c, now, type, user_id, app_id, app_name, type_data, NULL, 0);
}

/* ---- type_data constructors ---- */

json_t *events_data_remote_ip(const char *remote_ip)
{
	return json_pack("{s:s}", "remote_ip", remote_ip);
}

json_t *events_data_edit_profile(json_t *fields)
{
	return json_pack("{s:O}", "fields", fields);
}

json_t *events_data_edit_profile1(const char *field)
{
	return json_pack("{s:[s]}", "fields", field);
}

json_t *events_data_token(const char *token_name, const char *token_id)
{
	return json_pack("{s:s, s:s}", "token_name", token_name, "token_id", token_id);
}

json_t *events_data_key(const char *name, const char *fingerprint)
{
	return json_pack("{s:s, s:s}", "name", name, "fingerprint", fingerprint);
}

json_t *events_data_deployment(const char *pusher, const char *git_ref, const char *status)
{
	return json_pack("{s:s, s:s, s:s}", "pusher", pusher, "git_ref", git_ref, "status", status);
}

/* {type: amount} or {type: size} of a formation. */
static json_t *amounts(const struct formation_rec *f, int n, int sizes)
{
	json_t *o = json_object();
	for (int i = 0; o && i < n; i++)
		json_object_set_new(o, f[i].type,
		                    sizes ? json_string(f[i].size) : json_integer(f[i].amount));
	return o;
}

json_t *events_data_scale(const struct formation_rec *before, int nbefore,
                          const struct formation_rec *after, int nafter)
{
	return json_pack("{s:o, s:o, s:o, s:o}", "previous_containers", amounts(before, nbefore, 0),
	                 "containers", amounts(after, nafter, 0), "previous_sizes",
	                 amounts(before, nbefore, 1), "sizes", amounts(after, nafter, 1));
}

json_t *events_data_restart(json_t *scope)
{
	return json_pack("{s:O}", "scope", json_array_size(scope) ? scope : json_null());
}

json_t *events_data_collab_invited(const char *email, int is_limited)
{
	return json_pack("{s:{s:s, s:b}}", "collaborator", "email", email, "is_limited",
	                 is_limited);
}

json_t *events_data_collab_accepted(const struct collab_rec *k, const char *email,
                                    const char *username, const char *inviter_email,
                                    const char *inviter_username)
{
	return json_pack("{s:{s:s, s:s, s:s, s:b, s:{s:s, s:s}}}", "collaborator", "id", k->id,
	                 "email", email, "username", username, "is_limited", k->is_limited,
	                 "inviter", "email", inviter_email, "username", inviter_username);
}

json_t *events_data_collab(const struct collab_rec *k, int with_limited)
{
	json_t *c = json_pack("{s:s, s:s, s:s}", "id", k->id, "email", k->email, "username",
	                      k->username[0] ? k->username : "n/a");
	if (c && with_limited)
		json_object_set_new(c, "is_limited", json_boolean(k->is_limited));
	return c ? json_pack("{s:o}", "collaborator", c) : NULL;
}

json_t *events_data_tfa(const char *provider)
{
	return json_pack("{s:s}", "provider", provider);
}

json_t *events_data_tfa_recovery(const char *remote_ip, int codes_left)
{
	return json_pack("{s:s, s:i}", "remote_ip", remote_ip, "codes_left", codes_left);
}

/* ---- the catalogue ---- */

/*
 * The wording users read, on the dashboard and in the CLI. Templates: text;
 * {app} the event's app name; {a.b} type_data's value at a dotted path;
 * {@name} a computed part (events_computed); {?x} nothing, but a test that x
 * has a value; [one|two] the first alternative whose placeholders all have a
 * value (none: nothing). docs/api.md "Events" describes them for clients.
 */
#define COLLAB_LIMITED "[{?collaborator.is_limited} as a limited collaborator]"
#define TOKEN_NAME     "['{token_name}'|(unnamed)]"
#define FROM_IP        "[ from {remote_ip}]"

const struct event_type_info events_types[] = {
        {"new_user", "New user", "The account was created", "Signed up", ""},
        {"edit_profile", "Profile edited", "Fields of the profile were changed",
         "Edited the profile[ ({@fields})]", "fields"},
        {"new_token", "New API token", "An API token was created", "Created API token " TOKEN_NAME,
         "token_name token_id"},
        {"regenerate_token", "API token renewed", "An API token got a new secret",
         "Renewed API token " TOKEN_NAME, "token_name token_id"},
        {"delete_token", "API token revoked", "An API token was deleted",
         "Revoked API token " TOKEN_NAME, "token_name token_id"},
        {"new_key", "New SSH key", "An SSH key was added to the account",
         "Added SSH key '{name}' ({fingerprint})", "name fingerprint"},
        {"delete_key", "SSH key removed", "An SSH key was removed from the account",
         "Removed SSH key '{name}' ({fingerprint})", "name fingerprint"},
        {"deployment", "Deployment", "A git push over SSH updated the app's repository",
         "Pushed {git_ref} to {app}[ ({status})]", "pusher git_ref status"},
        {"login_success", "Login", "A successful password login", "Logged in" FROM_IP, "remote_ip"},
        {"login_failure", "Failed login", "A password login failed", "Failed login attempt" FROM_IP,
         "remote_ip"},
        {"login_lock", "Account locked", "Too many failed logins locked the account",
         "Account locked after too many failed logins" FROM_IP, "remote_ip"},
        {"login_unlock_success", "Account unlocked", "The mailed unlock link unlocked the account",
         "Unlocked the account with a mailed link" FROM_IP, "remote_ip"},
        {"tfa_enabled", "Two-factor authentication on", "Two-factor authentication was turned on",
         "Turned on two-factor authentication[ ({provider})]", "provider"},
        {"tfa_disabled", "Two-factor authentication off",
         "Two-factor authentication was turned off", "Turned off two-factor authentication", ""},
        {"tfa_recovery_code_used", "Recovery code used",
         "A two-factor recovery code replaced an authenticator code",
         "Used a recovery code" FROM_IP " ({codes_left} left)", "remote_ip codes_left"},
        {"cancel_email_change", "Email change cancelled",
         "The link mailed to the old address cancelled a pending email change",
         "Cancelled an email change with a mailed link" FROM_IP, "remote_ip"},
        {"password_reset_query", "Password reset asked", "A password reset link was mailed",
         "Asked for a password reset link" FROM_IP, "remote_ip"},
        {"password_reset_success", "Password reset", "The password was reset by mailed link",
         "Reset the password with a mailed link" FROM_IP, "remote_ip"},
        {"new_app", "New app", "An app was created", "Created app {app}", ""},
        {"delete_app", "App deleted", "An app was deleted", "Deleted app {app}", ""},
        {"scale", "Scale", "The containers of an app were scaled", "Scaled {app}[: {@formation}]",
         "previous_containers containers previous_sizes sizes"},
        {"restart", "Restart", "Containers of an app were restarted",
         "Restarted {app} ([{scope}|all containers])", "scope"},
        {"new_collaborator", "Collaborator invited", "A collaborator was invited to an app",
         "Invited {@collaborator_email} to {app}" COLLAB_LIMITED,
         "collaborator.email collaborator.is_limited"},
        {"accept_collaborator", "Collaborator joined", "An invitation to an app was accepted",
         "Joined {app}" COLLAB_LIMITED "[ (invited by {@inviter})]",
         "collaborator.id collaborator.email collaborator.username collaborator.is_limited "
         "collaborator.inviter.email collaborator.inviter.username"},
        {"delete_collaborator", "Collaborator removed", "A collaborator left or was removed",
         "[{?@self}Left {app}"
         "|{?@pending}Cancelled the invitation of {@collaborator_email} to {app}"
         "|Removed {@collaborator} from {app}]",
         "collaborator.id collaborator.email collaborator.username"},
        {"change_collaborator_role", "Collaborator role changed",
         "A collaborator became limited or unlimited",
         "[{?collaborator.is_limited}Made {@collaborator} a limited collaborator on {app}"
         "|Gave {@collaborator} full collaborator access to {app}]",
         "collaborator.id collaborator.email collaborator.username collaborator.is_limited"},
};
const size_t events_types_count = sizeof events_types / sizeof events_types[0];

const struct event_computed_info events_computed[] = {
        {"fields", "edit_profile's fields as words: \"full name, company\""},
        {"formation", "what a scale changed, type by type: \"web 1×M → 2×L, worker 0 → 1×S\"; "
                      "no value when nothing did"},
        {"collaborator", "the collaborator's username, else its email; \"a deleted account\" "
                         "once erased"},
        {"collaborator_email", "the collaborator's email; \"a deleted account\" once erased"},
        {"inviter", "the inviter's username, else its email; \"a deleted account\" once erased"},
        {"self", "a test: the collaborator is the event's actor (same username or email)"},
        {"pending", "a test: the collaborator had not accepted (username \"n/a\")"},
};
const size_t events_computed_count = sizeof events_computed / sizeof events_computed[0];

const struct event_type_info *events_type_find(const char *name)
{
	for (size_t i = 0; name && i < events_types_count; i++)
		if (strcmp(events_types[i].name, name) == 0)
			return &events_types[i];
	return NULL;
}
