/* test_store_uri.c - the engine choice by URI and the redaction of a database URI
 * for the logs (no password ever reaches a log line). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/store.h"

static void expect(const char *uri, const char *want)
{
	char out[256];
	store_uri_redacted(uri, out, sizeof out);
	assert_string_equal(out, want);
}

static void test_redacted(void **state)
{
	(void)state;
	expect("var/paasport.db", "var/paasport.db");
	expect("/data/a:b@c.db", "/data/a:b@c.db"); /* a file path is not a URI */
	expect("postgresql://pp:s3cret@db.local:5432/pp", "postgresql://pp:***@db.local:5432/pp");
	expect("postgres://pp@db.local/pp", "postgres://pp@db.local/pp");
	expect("postgresql://db.local:5432/pp", "postgresql://db.local:5432/pp");
	expect("postgresql://pp:p@ss@db/pp", "postgresql://pp:***@db/pp"); /* last @ ends it */
	expect("postgresql://db/pp?sslmode=require&password=x&user=u",
	       "postgresql://db/pp?sslmode=require&password=***&user=u");
	expect("postgresql://db/pp?password=x", "postgresql://db/pp?password=***");
	expect("postgresql://db/pp?xpassword=x", "postgresql://db/pp?xpassword=x");
	char tiny[8];
	store_uri_redacted("postgresql://a:b@c/d", tiny, sizeof tiny);
	assert_string_equal(tiny, "postgre");
}

static void test_engine_by_uri(void **state)
{
	(void)state;
	assert_true(store_is_postgresql_uri("postgresql://x/y"));
	assert_true(store_is_postgresql_uri("postgres://x/y"));
	assert_false(store_is_postgresql_uri("postgresq://x/y"));
	assert_false(store_is_postgresql_uri("var/postgres://x"));
	assert_false(store_is_postgresql_uri(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_redacted),
	        cmocka_unit_test(test_engine_by_uri),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
