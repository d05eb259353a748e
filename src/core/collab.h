/*
 * collab.h - the collaborator use cases: invite by a mailed link (valid
 * APPS_INVITE_TTL_MS; the link works for whichever account follows it),
 * accept, list, change the role, remove (the owner removes anyone, a
 * collaborator may remove itself: leaving). The route gate has already
 * checked the caller's role on the app (perm.h); these use cases receive the
 * app as the caller sees it and check what depends on the collaborator.
 */
#ifndef PP_COLLAB_H
#define PP_COLLAB_H

#include "core/apps.h"
#include "core/core.h"

#define COLLAB_TOKEN_MAX 128 /* characters of an invitation token as given */

/* The collaborators of app a (not the owner), oldest first. */
int collab_list(const struct core_ctx *cx, const struct app_rec *a,
                void (*cb)(const struct collab_rec *, void *), void *arg);
/* collab_list with each accepted collaborator's 2FA state (0 for a pending one). */
int collab_list_tfa(const struct core_ctx *cx, const struct app_rec *a,
                    void (*cb)(const struct collab_rec *, int tfa_enabled, void *), void *arg);

/*
 * inviter invites email to app a (is_limited: 1 or 0): a pending collaborator
 * in *k, the new_collaborator event and the invitation mail, in one
 * transaction. PP_EINVAL with e->field "email" when the email is missing,
 * invalid, the owner's, or already a collaborator's or invited. PP_EBUSY with
 * *retry_ms (and e->msg) beyond the outbound mail limits (core/mail_limits.h),
 * nothing written.
 */
int collab_invite(const struct core_ctx *cx, const struct user_rec *inviter,
                  const struct app_rec *a, const char *email, int is_limited, struct collab_rec *k,
                  struct apps_err *e, int64_t *retry_ms);

/*
 * user accepts the invitation of token: *a receives the app as user now sees
 * it. PP_EINVAL with e->msg (no token) or e->field "token" (expired);
 * PP_ENOTFOUND for an unknown or used token; PP_ECONFLICT with e->msg when
 * user already owns or collaborates on the app.
 */
int collab_accept(const struct core_ctx *cx, const struct user_rec *user, const char *token,
                  struct app_rec *a, struct apps_err *e);

/* Sets the role of collaborator id of app a (is_limited 1 or 0) for user_id;
 * *k receives it. PP_ENOTFOUND when a has no such collaborator. */
int collab_set_limited(const struct core_ctx *cx, const char *user_id, const struct app_rec *a,
                       const char *id, int is_limited, struct collab_rec *k);

/*
 * user_id removes collaborator id of app a: allowed to whoever may
 * PERM_COLLABORATE (the owner), and to the collaborator itself (leaving);
 * PP_EFORBIDDEN with e->msg otherwise. PP_ENOTFOUND when a has no such
 * collaborator.
 */
int collab_remove(const struct core_ctx *cx, const char *user_id, const struct app_rec *a,
                  const char *id, struct apps_err *e);

#endif
