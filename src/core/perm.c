/* perm.c - the roles table (see perm.h and docs/api.md "Roles on an app"). */
#include "core/perm.h"

int perm_may(enum app_role role, enum perm_action act)
{
	switch (act) {
	case PERM_READ:
	case PERM_RESTART:
	case PERM_LEAVE:
	case PERM_FETCH: return role != ROLE_NONE;
	case PERM_SCALE:
	case PERM_PUSH: return role == ROLE_OWNER || role == ROLE_COLLABORATOR;
	case PERM_COLLABORATE:
	case PERM_DELETE: return role == ROLE_OWNER;
	case PERM_NONE: break;
	}
	return 0;
}

const char *perm_denied_msg(enum perm_action act)
{
	switch (act) {
	case PERM_SCALE: return "a limited collaborator cannot scale the app";
	case PERM_PUSH: return "a limited collaborator cannot push to the app";
	case PERM_COLLABORATE:
	case PERM_LEAVE: return "only the owner manages collaborators";
	case PERM_DELETE: return "only the owner can delete the app";
	default: return "not allowed on this app";
	}
}
