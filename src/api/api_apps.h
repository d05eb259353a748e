/*
 * api_apps.h - what the app handlers (api_apps.c, api_collab.c) share: turning
 * the refusal a use case of core/apps.h or core/collab.h described in its
 * struct apps_err into the failure the dispatch answers.
 */
#ifndef PP_API_APPS_H
#define PP_API_APPS_H

#include "api/req.h"
#include "core/apps.h"

/* rc with e->field: 422 on that field (PP_EINVAL); with e->msg only: rc with that
 * message; else api_rc(r, rc, resource). Returns rc. */
int api_apps_fail(struct req *r, int rc, const struct apps_err *e, const char *resource);

#endif
