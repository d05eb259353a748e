/* events.c - recording timeline events and the catalogue of event types. */
#include "core/events.h"
#include "store/store_events.h"
#include "util/err.h"
#include "util/timeutil.h"

#include <ctype.h>
#include <stdlib.h>

int events_add_about(struct store_conn *c, const char *type, const char *user_id,
                     const char *app_id, const char *app_name, json_t *type_data,
                     const char *const *subjects, int nsubjects)
{
	char *td = type_data ? json_dumps(type_data, JSON_COMPACT) : NULL;
	int64_t id = 0;
	json_decref(type_data);
	if (type_data && !td)
		return PP_ENOMEM;
	int rc = store_event_add(c, type, user_id, app_id, app_name, td, time_now_ms(), &id);
	free(td);
	for (int i = 0; rc == 0 && i < nsubjects; i++) {
		char lc[TXT(EMAIL_MAX)];
		size_t n = 0;
		if (!subjects[i] || !*subjects[i])
			continue;
		for (; subjects[i][n] && n + 1 < sizeof lc; n++)
			lc[n] = (char)tolower((unsigned char)subjects[i][n]);
		lc[n] = 0;
		rc = store_event_subject_add(c, id, lc);
	}
	return rc;
}

int events_add(struct store_conn *c, const char *type, const char *user_id, const char *app_id,
               const char *app_name, json_t *type_data)
{
	return events_add_about(c, type, user_id, app_id, app_name, type_data, NULL, 0);
}

const struct event_type_info events_types[] = {
        {"new_user", "New user", "The account was created"},
        {"edit_profile", "Profile edited", "Fields of the profile were changed"},
        {"new_token", "New API token", "An API token was created"},
        {"regenerate_token", "API token renewed", "An API token got a new secret"},
        {"delete_token", "API token revoked", "An API token was deleted"},
        {"login_success", "Login", "A successful password login"},
        {"login_failure", "Failed login", "A password login failed"},
        {"login_lock", "Account locked", "Too many failed logins locked the account"},
        {"password_reset_query", "Password reset asked", "A password reset link was mailed"},
        {"password_reset_success", "Password reset", "The password was reset by mailed link"},
        {"new_app", "New app", "An app was created"},
        {"delete_app", "App deleted", "An app was deleted"},
        {"scale", "Scale", "The containers of an app were scaled"},
        {"restart", "Restart", "Containers of an app were restarted"},
        {"new_collaborator", "Collaborator invited", "A collaborator was invited to an app"},
        {"accept_collaborator", "Collaborator joined", "An invitation to an app was accepted"},
        {"delete_collaborator", "Collaborator removed", "A collaborator left or was removed"},
        {"change_collaborator_role", "Collaborator role changed",
         "A collaborator became limited or unlimited"},
};
const size_t events_types_count = sizeof events_types / sizeof events_types[0];
