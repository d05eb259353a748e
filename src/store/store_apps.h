/*
 * store_apps.h - apps, their formation (containers) and its history, and
 * collaborators. Every lookup that a user can trigger takes the caller's user
 * id and answers PP_ENOTFOUND for apps the caller has no role on (strangers
 * and pending invitees alike), so app names never leak.
 */
#ifndef PP_STORE_APPS_H
#define PP_STORE_APPS_H

#include "store/store.h"
#include "store/store_acct.h"

#define APP_NAME_MIN            6
#define APP_NAME_MAX            48
#define PROC_TYPE_MAX           32
#define FORMATION_TYPES_MAX     16 /* process types per app */
#define CONTAINERS_PER_TYPE_MAX 10

enum app_role { ROLE_NONE = 0, ROLE_OWNER, ROLE_COLLABORATOR, ROLE_LIMITED };

struct app_rec {
	char id[ID_MAX];
	char name[APP_NAME_MAX + 1];
	char owner_id[ID_MAX];
	char owner_username[TXT(USERNAME_MAX)];
	char owner_email[TXT(EMAIL_MAX)];
	int64_t owner_suspended_at;
	char status[16];
	int64_t created_at, updated_at;
	enum app_role role; /* the caller's */
};

struct formation_rec {
	char type[PROC_TYPE_MAX + 1];
	int amount;
	char size[8];
};

struct collab_rec {
	char id[ID_MAX];
	char app_id[ID_MAX];
	char app_name[APP_NAME_MAX + 1];
	char email[TXT(EMAIL_MAX)];
	char user_id[ID_MAX]; /* "" while pending */
	char username[TXT(USERNAME_MAX)];
	char status[24];
	int is_limited;
	char inviter_id[ID_MAX];
	int64_t created_at, expires_at;
};

int store_app_insert(struct store_conn *c, const struct app_rec *a);
int store_app_name_taken(struct store_conn *c, const char *name);
int store_app_for_user(struct store_conn *c, const char *name_or_id, const char *user_id,
                       struct app_rec *a);
/* Owned and collaborated (accepted) live apps, by name. */
int store_app_list_for_user(struct store_conn *c, const char *user_id,
                            void (*cb)(const struct app_rec *, void *), void *arg);
/* Names of the live apps the user owns. */
int store_app_owned(struct store_conn *c, const char *user_id, void (*cb)(const char *, void *),
                    void *arg);
/* Soft delete: frees the name, keeps the row (history, invoices). */
int store_app_delete(struct store_conn *c, const char *app_id, int64_t now);
int store_app_touch(struct store_conn *c, const char *app_id, const char *status, int64_t now);

int store_formation_get(struct store_conn *c, const char *app_id, struct formation_rec *out,
                        int max, int *n);
/* Sets one process type and appends the change to the history (changed_at in ms, whole seconds). */
int store_formation_set(struct store_conn *c, const char *app_id, const char *owner_id,
                        const struct formation_rec *f, int64_t changed_at);

int store_collab_insert(struct store_conn *c, const struct collab_rec *k,
                        const char *invitation_hash);
/* Collaborators of the app, oldest first. */
int store_collab_list(struct store_conn *c, const char *app_id,
                      void (*cb)(const struct collab_rec *, void *), void *arg);
int store_collab_get(struct store_conn *c, const char *app_id, const char *id,
                     struct collab_rec *k);
int store_collab_by_invitation(struct store_conn *c, const char *hash, struct collab_rec *k);
/* 1 when the user has an accepted collaboration, or the email a pending one, on the app. */
int store_collab_exists(struct store_conn *c, const char *app_id, const char *user_id,
                        const char *email);
int store_collab_accept(struct store_conn *c, const char *id, const char *user_id, int64_t now);
int store_collab_set_limited(struct store_conn *c, const char *id, int is_limited);
int store_collab_delete(struct store_conn *c, const char *id);
/* Removes every collaboration of an app (on app deletion). */
int store_collab_delete_app(struct store_conn *c, const char *app_id);

/*
 * Erases an account: sessions, tokens and pending links deleted; the user row
 * keeps only its id (personal fields NULL, deleted_at set), so username and
 * email are free again; collaborations show "user account deleted"; the
 * account's own events lose their type_data, and collaborator events on apps
 * it worked on lose its email. Invoices and payments are never touched.
 */
int store_user_erase(struct store_conn *c, const char *user_id, int64_t now);

#endif
