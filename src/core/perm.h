/*
 * perm.h - who may do what to an app: the roles table of docs/api.md, written
 * once. Routes declare their action; the authorization gate asks perm_may().
 * paasport-ssh asks the same function for `git fetch` and `git push`.
 */
#ifndef PP_PERM_H
#define PP_PERM_H

#include "model.h"

enum perm_action {
	PERM_NONE = 0,    /* the route is not about one app */
	PERM_READ,        /* app, containers, events, collaborators */
	PERM_RESTART,     /* restart containers */
	PERM_SCALE,       /* change the formation */
	PERM_COLLABORATE, /* invite, change a role, remove others */
	PERM_LEAVE,       /* remove one's own collaboration (others: PERM_COLLABORATE) */
	PERM_DELETE,      /* delete the app */
	PERM_FETCH,       /* git fetch / clone over SSH (paasport-ssh) */
	PERM_PUSH,        /* git push over SSH (paasport-ssh) */
};

/* 1 when a caller with role may do act, else 0 (ROLE_NONE may do nothing). Pure. */
int perm_may(enum app_role role, enum perm_action act);
/* The sentence of a 403 for act (static). */
const char *perm_denied_msg(enum perm_action act);

#endif
