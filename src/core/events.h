/*
 * events.h - recording timeline events. type_data is a JSON object (stolen);
 * see API.md "Events" for each type's shape.
 */
#ifndef PP_EVENTS_H
#define PP_EVENTS_H

#include "store/store.h"
#include <jansson.h>

int events_add(struct store_conn *c, const char *type, const char *user_id, const char *app_id,
               const char *app_name, json_t *type_data);
/* The same, recording the people type_data names (user ids or emails; NULL/"" skipped),
 * so that their deletion can erase them from it. */
int events_add_about(struct store_conn *c, const char *type, const char *user_id,
                     const char *app_id, const char *app_name, json_t *type_data,
                     const char *const *subjects, int nsubjects);

struct event_type_info {
	const char *name;
	const char *display_name;
	const char *description;
};
extern const struct event_type_info events_types[];
extern const size_t events_types_count;

#endif
