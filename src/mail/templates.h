/*
 * templates.h - every mail text of the product, in one place: each function
 * fills a subject and a body (CRLF lines, as the outbox sends them) from typed
 * arguments. Use cases call one and enqueue the result with mailer_enqueue().
 * Pure: no I/O, no clock. Names given by users (usernames, app names) have
 * their control characters replaced by '?', so a CR or LF in one can neither
 * reach a header nor forge lines of the body; subjects hold no argument at all.
 */
#ifndef PP_TEMPLATES_H
#define PP_TEMPLATES_H

#define TEMPLATES_SUBJECT_MAX 128
#define TEMPLATES_BODY_MAX    4096 /* bytes, with the NUL; PP_ETOOBIG beyond */

struct templates_mail {
	char subject[TEMPLATES_SUBJECT_MAX];
	char body[TEMPLATES_BODY_MAX];
};

/*
 * The generic mailed one-time link: intro, then public_url path token, then the
 * "ignore this mail" line. The link templates below are made with it.
 */
int templates_link(struct templates_mail *m, const char *subject, const char *intro,
                   const char *public_url, const char *path, const char *token);

/* To the new address: the link that makes it the account's email (24 hours). */
int templates_email_confirm(struct templates_mail *m, const char *public_url, const char *token);
/* After sign-up: the link that confirms the account's address (7 days; until
 * then the account can only sign in, and it expires unconfirmed). */
#define TEMPLATES_SIGNUP_CONFIRM_SUBJECT "Confirm the email address of your paasport account"
int templates_signup_confirm(struct templates_mail *m, const char *public_url, const char *token);
/* To the old address: a change of address was asked; the link cancels it (24 hours). */
int templates_email_change_notice(struct templates_mail *m, const char *public_url,
                                  const char *token);
/* The password was changed from the profile (other sessions signed out). */
int templates_password_changed(struct templates_mail *m);
/* The password reset link (one hour, once). */
int templates_password_reset_link(struct templates_mail *m, const char *public_url,
                                  const char *token);
/* The password was reset with the mailed link (every session signed out). */
int templates_password_reset_done(struct templates_mail *m);
/* Too many failed logins locked the account: the link that unlocks it at once
 * (24 hours, once). */
int templates_account_unlock(struct templates_mail *m, const char *public_url, const char *token);
/* The account deletion link for deletion_id (24 hours, once). */
int templates_account_delete(struct templates_mail *m, const char *public_url,
                             const char *deletion_id, const char *token);
/* The subject of the link that confirms a new address (the mail limits count these). */
#define TEMPLATES_EMAIL_CONFIRM_SUBJECT "Confirm your new email address"
/* The invitation's subject, and the words between the inviter's name and the app's name in
 * its body (account erasure replaces the name of a deleted inviter before them). */
#define TEMPLATES_INVITE_SUBJECT  "You are invited to collaborate on a paasport app"
#define TEMPLATES_INVITE_SENTENCE " invites you to collaborate on the app '"
/* The invitation to collaborate on app_name, from inviter (a username; 7 days). */
int templates_collab_invite(struct templates_mail *m, const char *public_url, const char *inviter,
                            const char *app_name, const char *token);

/* Two-factor authentication was turned on (with 10 recovery codes) / off. */
int templates_tfa_enabled(struct templates_mail *m);
int templates_tfa_disabled(struct templates_mail *m);
/* A recovery code replaced the authenticator's code; left codes remain (0: none,
 * the mail then says so and asks for new ones). */
int templates_tfa_recovery_used(struct templates_mail *m, int left);

#endif
