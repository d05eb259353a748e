/* templates.c - the mail texts of the product (see templates.h). */
#include "mail/templates.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NAME_MAX_BYTES 512 /* a user-given name as it may appear in a body */

static const char HELLO[] = "Hello,\r\n\r\n";
static const char SIGNATURE[] = "\r\n\r\n-- paasport\r\n";

static int fill(struct templates_mail *m, const char *subject, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int fill(struct templates_mail *m, const char *subject, const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(subject);
	if (n >= sizeof m->subject || strpbrk(subject, "\r\n")) {
		m->subject[0] = m->body[0] = 0;
		return PP_EINVAL;
	}
	memcpy(m->subject, subject, n + 1);
	va_start(ap, fmt);
	int len = vsnprintf(m->body, sizeof m->body, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof m->body) {
		m->subject[0] = m->body[0] = 0;
		return PP_ETOOBIG;
	}
	return 0;
}

/* dst = s with every control character (CR and LF included) made '?'. */
static void clean_name(char dst[NAME_MAX_BYTES], const char *s)
{
	size_t i = 0;
	for (; s && s[i] && i + 1 < NAME_MAX_BYTES; i++)
		dst[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
	dst[i] = 0;
}

int templates_link(struct templates_mail *m, const char *subject, const char *intro,
                   const char *public_url, const char *path, const char *token)
{
	return fill(m, subject,
	            "%s%s\r\n\r\n%s%s%s\r\n\r\nIf you did not ask for this, ignore this "
	            "mail: nothing changes without the link.%s",
	            HELLO, intro, public_url, path, token, SIGNATURE);
}

int templates_email_confirm(struct templates_mail *m, const char *public_url, const char *token)
{
	return templates_link(m, TEMPLATES_EMAIL_CONFIRM_SUBJECT,
	                      "Follow this link to make this address the email of your "
	                      "paasport account (valid 24 hours):",
	                      public_url, "/#/confirm-email/", token);
}

int templates_signup_confirm(struct templates_mail *m, const char *public_url, const char *token)
{
	return templates_link(m, TEMPLATES_SIGNUP_CONFIRM_SUBJECT,
	                      "A paasport account was created with this address. Follow this "
	                      "link to confirm it is yours (valid 7 days; until then the account "
	                      "can sign in but cannot create API tokens, apps or keys, and it is "
	                      "deleted after 7 days unconfirmed):",
	                      public_url, "/#/confirm-email/", token);
}

int templates_email_change_notice(struct templates_mail *m, const char *public_url,
                                  const char *token)
{
	return fill(m, "Your email address is changing",
	            "%sA change of the email address of your paasport account was asked. It "
	            "takes effect only when the link mailed to the new address is followed."
	            "\r\n\r\nIf this was not you, follow this link to cancel the change "
	            "(valid 24 hours, until the new address is confirmed), then change your "
	            "password:\r\n\r\n%s/#/email-cancel/%s%s",
	            HELLO, public_url, token, SIGNATURE);
}

int templates_password_changed(struct templates_mail *m)
{
	return fill(m, "Your password was changed",
	            "%sThe password of your paasport account was just changed; your other "
	            "sessions were signed out.\r\n\r\nIf this was not you, reset your "
	            "password now.%s",
	            HELLO, SIGNATURE);
}

int templates_password_reset_link(struct templates_mail *m, const char *public_url,
                                  const char *token)
{
	return templates_link(m, "Reset your paasport password",
	                      "Follow this link to choose a new password (valid one hour, once):",
	                      public_url, "/#/reset-password/", token);
}

int templates_password_reset_done(struct templates_mail *m)
{
	return fill(m, "Your password was reset",
	            "%sThe password of your paasport account was just reset with a mailed "
	            "link; every session was signed out.%s",
	            HELLO, SIGNATURE);
}

int templates_account_unlock(struct templates_mail *m, const char *public_url, const char *token)
{
	return templates_link(m, "Your paasport account was locked",
	                      "Too many failed logins locked your paasport account for 15 "
	                      "minutes. If it was you, follow this link to unlock it now (valid "
	                      "24 hours, once). If it was not you, your password held; consider "
	                      "changing it anyway:",
	                      public_url, "/#/unlock/", token);
}

int templates_account_delete(struct templates_mail *m, const char *public_url,
                             const char *deletion_id, const char *token)
{
	char path[NAME_MAX_BYTES + 32], id[NAME_MAX_BYTES];
	clean_name(id, deletion_id);
	snprintf(path, sizeof path, "/#/delete-account/%s/", id);
	return templates_link(m, "Confirm the deletion of your paasport account",
	                      "Follow this link to delete your account for good (valid 24 "
	                      "hours, once). Your personal data is erased; invoices are kept "
	                      "as the law requires:",
	                      public_url, path, token);
}

int templates_collab_invite(struct templates_mail *m, const char *public_url, const char *inviter,
                            const char *app_name, const char *token)
{
	char who[NAME_MAX_BYTES], app[NAME_MAX_BYTES], intro[2 * NAME_MAX_BYTES + 160];
	clean_name(who, inviter);
	clean_name(app, app_name);
	snprintf(intro, sizeof intro,
	         "%s" TEMPLATES_INVITE_SENTENCE "%s'. Follow this link, logged in "
	         "with the account you want to use (valid 7 days):",
	         who, app);
	return templates_link(m, TEMPLATES_INVITE_SUBJECT, intro, public_url, "/#/invitation/",
	                      token);
}

int templates_tfa_enabled(struct templates_mail *m)
{
	return fill(m, "Two-factor authentication is on",
	            "%sTwo-factor authentication was just turned on for your paasport "
	            "account: every password login now also needs a code from your "
	            "authenticator app, or one of your recovery codes.\r\n\r\nKeep the "
	            "recovery codes somewhere safe. If this was not you, reset your password "
	            "and contact support.%s",
	            HELLO, SIGNATURE);
}

int templates_tfa_disabled(struct templates_mail *m)
{
	return fill(m, "Two-factor authentication is off",
	            "%sTwo-factor authentication was just turned off for your paasport "
	            "account: a password alone now logs in.\r\n\r\nIf this was not you, "
	            "reset your password now and turn it back on.%s",
	            HELLO, SIGNATURE);
}

int templates_tfa_recovery_used(struct templates_mail *m, int left)
{
	if (left <= 0)
		return fill(m, "You have no recovery codes left",
		            "%sA recovery code was just used to log in to your paasport "
		            "account. It was your last one: generate new recovery codes from "
		            "the Security page now, or you may lose access to your account if "
		            "you lose your authenticator.\r\n\r\nIf this was not you, reset your "
		            "password now.%s",
		            HELLO, SIGNATURE);
	return fill(m, "A recovery code was used",
	            "%sA recovery code was just used to log in to your paasport account "
	            "instead of a code from your authenticator; %d unused code%s left.\r\n\r\n"
	            "If this was not you, reset your password now.%s",
	            HELLO, left, left == 1 ? " is" : "s are", SIGNATURE);
}
