/*
 * test_tfa_attempt.c - core/tfa.c's reading of the "attempt" a client sends: a JSON
 * string kept as typed (normalised later), a JSON number written back as 6 digits
 * (the npm client sends 012345 as 12345), anything else refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "core/tfa.h"
#include "util/err.h"

static void check(json_t *v, int want_rc, const char *want)
{
	char out[TFA_ATTEMPT_MAX];
	assert_int_equal(tfa_attempt_text(v, out), want_rc);
	if (want_rc == 0)
		assert_string_equal(out, want);
	json_decref(v);
}

static void test_numbers_are_padded(void **state)
{
	(void)state;
	check(json_integer(12345), 0, "012345");
	check(json_integer(0), 0, "000000");
	check(json_integer(999999), 0, "999999");
	check(json_integer(1000000), PP_EINVAL, NULL);
	check(json_integer(-1), PP_EINVAL, NULL);
}

static void test_strings_are_kept(void **state)
{
	(void)state;
	check(json_string("012345"), 0, "012345");
	check(json_string("123 456"), 0, "123 456");
	check(json_string("abcd-efgh"), 0, "abcd-efgh");
	char big[TFA_ATTEMPT_MAX + 1];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = 0;
	check(json_string(big), PP_EINVAL, NULL);
	check(json_stringn("12\0"
	                   "456",
	                   6),
	      PP_EINVAL, NULL); /* a NUL inside */
}

static void test_other_types_are_refused(void **state)
{
	(void)state;
	check(json_true(), PP_EINVAL, NULL);
	check(json_real(12345.0), PP_EINVAL, NULL);
	check(json_pack("[i]", 1), PP_EINVAL, NULL);
	check(json_null(), PP_EINVAL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_numbers_are_padded),
	        cmocka_unit_test(test_strings_are_kept),
	        cmocka_unit_test(test_other_types_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
