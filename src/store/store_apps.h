/*
 * store_apps.h - apps, their formation (containers) and its history, and
 * collaborators. Every lookup that a user can trigger takes the caller's user
 * id and answers PP_ENOTFOUND for apps the caller has no role on (strangers
 * and pending invitees alike), so app names never leak.
 */
#ifndef PP_STORE_APPS_H
#define PP_STORE_APPS_H

#include "model.h"
#include "store/store.h"

/* PP_ECONFLICT when the name is taken (the unique constraint decides). */
int store_app_insert(struct store_conn *c, const struct app_rec *a);
/* The live app with this id as user_id sees it (a->role). By id only: the
 * caller decides whether its parameter is an id or a name (core/apps.c). */
int store_app_for_user(struct store_conn *c, const char *app_id, const char *user_id,
                       struct app_rec *a);
/* The same, by the app's name only. */
int store_app_for_user_by_name(struct store_conn *c, const char *name, const char *user_id,
                               struct app_rec *a);
/* *n = the number of live (not deleted) apps owner_id owns. */
int store_app_count_owned(struct store_conn *c, const char *owner_id, int *n);
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
/* PP_ECONFLICT when the user has an accepted collaboration, or the email a pending one, on
 * the app; 0 when neither; another code when the store failed (never read as "neither"). */
int store_collab_exists(struct store_conn *c, const char *app_id, const char *user_id,
                        const char *email);
int store_collab_accept(struct store_conn *c, const char *id, const char *user_id, int64_t now);
int store_collab_set_limited(struct store_conn *c, const char *id, int is_limited);
int store_collab_delete(struct store_conn *c, const char *id);
/* Removes every collaboration of an app (on app deletion). */
int store_collab_delete_app(struct store_conn *c, const char *app_id);

/* Account erasure (see core/erase.c for the order): */
/* Calls cb with each lower-cased address the user accepted invitations under,
 * other than except_email (any case); all are read before the first call, so cb
 * may write. A non-zero return of cb stops the walk and is returned. */
int store_collab_addresses(struct store_conn *c, const char *user_id, const char *except_email,
                           int (*cb)(const char *, void *), void *arg);
/* The user's collaborations show "user account deleted" and lose their address. */
int store_collab_mark_deleted(struct store_conn *c, const char *user_id);
/* Deletes the invitations sent to email (any case) and never accepted. */
int store_collab_delete_pending_to(struct store_conn *c, const char *email);

#endif
