/* test_templates.c - the mail texts: exact bodies (the API tests read them), the link
 * and the names in each, and no CR/LF from a name reaching a subject or forging a line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mail/templates.h"
#include "util/err.h"

#define URL "https://pp.example"
#define TOK "tOk3n-_x"
#define IGNORE                                                                                     \
	"\r\n\r\nIf you did not ask for this, ignore this mail: nothing changes without the "      \
	"link.\r\n\r\n-- paasport\r\n"

static void test_email_confirm(void **state)
{
	(void)state;
	struct templates_mail m;
	assert_int_equal(templates_email_confirm(&m, URL, TOK), 0);
	assert_string_equal(m.subject, "Confirm your new email address");
	assert_string_equal(m.body, "Hello,\r\n\r\nFollow this link to make this address the email "
	                            "of your paasport account (valid 24 hours):\r\n\r\n" URL
	                            "/#/confirm-email/" TOK IGNORE);
}

static void test_email_change_notice(void **state)
{
	(void)state;
	struct templates_mail m;
	assert_int_equal(templates_email_change_notice(&m, URL, TOK), 0);
	assert_string_equal(m.subject, "Your email address is changing");
	assert_string_equal(m.body, "Hello,\r\n\r\nA change of the email address of your "
	                            "paasport account was asked. It takes effect only when the "
	                            "link mailed to the new address is followed.\r\n\r\nIf this "
	                            "was not you, follow this link to cancel the change (valid 24 "
	                            "hours, until the new address is confirmed), then change your "
	                            "password:\r\n\r\n" URL "/#/email-cancel/" TOK
	                            "\r\n\r\n-- paasport\r\n");
}

static void test_password_changed(void **state)
{
	(void)state;
	struct templates_mail m;
	assert_int_equal(templates_password_changed(&m), 0);
	assert_string_equal(m.subject, "Your password was changed");
	assert_string_equal(m.body, "Hello,\r\n\r\nThe password of your paasport account was "
	                            "just changed; your other sessions were signed out.\r\n\r\n"
	                            "If this was not you, reset your password now.\r\n\r\n-- "
	                            "paasport\r\n");
}

static void test_password_reset(void **state)
{
	(void)state;
	struct templates_mail m;
	assert_int_equal(templates_password_reset_link(&m, URL, TOK), 0);
	assert_string_equal(m.subject, "Reset your paasport password");
	assert_string_equal(m.body,
	                    "Hello,\r\n\r\nFollow this link to choose a new password "
	                    "(valid one hour, once):\r\n\r\n" URL "/#/reset-password/" TOK IGNORE);
	assert_int_equal(templates_password_reset_done(&m), 0);
	assert_string_equal(m.subject, "Your password was reset");
	assert_string_equal(m.body,
	                    "Hello,\r\n\r\nThe password of your paasport account was just "
	                    "reset with a mailed link; every session was signed out.\r\n\r\n"
	                    "-- paasport\r\n");
}

static void test_account_delete(void **state)
{
	(void)state;
	struct templates_mail m;
	assert_int_equal(templates_account_delete(&m, URL, "del-123", TOK), 0);
	assert_string_equal(m.subject, "Confirm the deletion of your paasport account");
	assert_string_equal(m.body,
	                    "Hello,\r\n\r\nFollow this link to delete your account for good "
	                    "(valid 24 hours, once). Your personal data is erased; invoices are "
	                    "kept as the law requires:\r\n\r\n" URL
	                    "/#/delete-account/del-123/" TOK IGNORE);
}

static void test_collab_invite(void **state)
{
	(void)state;
	struct templates_mail m;
	assert_int_equal(templates_collab_invite(&m, URL, "alice", "my-app", TOK), 0);
	assert_string_equal(m.subject, "You are invited to collaborate on a paasport app");
	assert_string_equal(m.body,
	                    "Hello,\r\n\r\nalice invites you to collaborate on the app "
	                    "'my-app'. Follow this link, logged in with the account you "
	                    "want to use (valid 7 days):\r\n\r\n" URL "/#/invitation/" TOK IGNORE);
}

/* A name with CR/LF never reaches a subject, and never starts a line of the body. */
static void test_no_injection(void **state)
{
	(void)state;
	struct templates_mail m;
	const char *evil = "eve\r\nBcc: victim@example.com\r\n\r\nclick";
	assert_int_equal(templates_collab_invite(&m, URL, evil, evil, TOK), 0);
	assert_null(strpbrk(m.subject, "\r\n"));
	assert_null(strstr(m.subject, "Bcc"));
	assert_null(strstr(m.body, "\nBcc"));
	assert_non_null(strstr(m.body, "eve??Bcc: victim@example.com????click invites you"));
	assert_non_null(strstr(m.body, "/#/invitation/" TOK));
	assert_int_equal(templates_account_delete(&m, URL, "del\r\nX: y", TOK), 0);
	assert_null(strpbrk(m.subject, "\r\n"));
	assert_null(strstr(m.body, "\nX: y"));
	/* a subject given to the generic link template is refused if it holds CR/LF */
	assert_int_equal(templates_link(&m, "a\r\nBcc: x", "intro", URL, "/", TOK), PP_EINVAL);
	assert_string_equal(m.subject, "");
}

static void test_too_big(void **state)
{
	(void)state;
	struct templates_mail m;
	char url[TEMPLATES_BODY_MAX + 8];
	memset(url, 'u', sizeof url - 1);
	url[sizeof url - 1] = 0;
	assert_int_equal(templates_password_reset_link(&m, url, TOK), PP_ETOOBIG);
	assert_string_equal(m.body, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_email_confirm),    cmocka_unit_test(test_email_change_notice),
	        cmocka_unit_test(test_password_changed), cmocka_unit_test(test_password_reset),
	        cmocka_unit_test(test_account_delete),   cmocka_unit_test(test_collab_invite),
	        cmocka_unit_test(test_no_injection),     cmocka_unit_test(test_too_big),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
