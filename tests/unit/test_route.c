/* test_route.c - route_match on a small table and on the real api_routes table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "api/api.h"
#include "api/route.h"
#include "util/err.h"

static int h_a(struct req *r)
{
	(void)r;
	return 0;
}

static int h_b(struct req *r)
{
	(void)r;
	return 0;
}

static const struct route table[] = {
        {"GET", "/", h_a, 0, 0},
        {"GET", "/v1/things", h_a, 0, 0},
        {"POST", "/v1/things", h_b, 0, 0},
        {"GET", "/v1/things/:id", h_a, 0, 0},
        {"DELETE", "/v1/things/:id", h_b, 0, 0},
        {"GET", "/v1/things/:id/parts/:part", h_a, 0, 0},
        {"GET", "/a/:p1/:p2/:p3/:p4", h_a, 0, 0},
        {"GET", "/b/:p1/:p2/:p3/:p4/:p5", h_a, 0, 0},
};
#define NT (sizeof table / sizeof table[0])

static int match(const char *method, const char *path, const struct route **out,
                 struct route_params *pp)
{
	return route_match(table, NT, method, path, out, pp);
}

static void test_literal(void **state)
{
	(void)state;
	const struct route *r = NULL;
	struct route_params pp;
	assert_int_equal(match("GET", "/v1/things", &r, &pp), 0);
	assert_ptr_equal(r, &table[1]);
	assert_int_equal(pp.n, 0);
	assert_int_equal(match("POST", "/v1/things", &r, &pp), 0);
	assert_ptr_equal(r, &table[2]);
	assert_int_equal(match("GET", "/", &r, &pp), 0);
	assert_ptr_equal(r, &table[0]);
}

static void test_params(void **state)
{
	(void)state;
	const struct route *r = NULL;
	struct route_params pp;
	assert_int_equal(match("GET", "/v1/things/abc", &r, &pp), 0);
	assert_ptr_equal(r, &table[3]);
	assert_int_equal(pp.n, 1);
	assert_string_equal(route_param(&pp, "id"), "abc");
	assert_null(route_param(&pp, "i"));
	assert_null(route_param(&pp, "idx"));
	assert_null(route_param(&pp, "part"));

	assert_int_equal(match("GET", "/v1/things/t-1/parts/p_2", &r, &pp), 0);
	assert_ptr_equal(r, &table[5]);
	assert_int_equal(pp.n, 2);
	assert_string_equal(route_param(&pp, "id"), "t-1");
	assert_string_equal(route_param(&pp, "part"), "p_2");

	assert_int_equal(match("DELETE", "/v1/things/x", &r, &pp), 0);
	assert_ptr_equal(r, &table[4]);
	assert_string_equal(route_param(&pp, "id"), "x");
}

static void test_not_found_vs_method(void **state)
{
	(void)state;
	const struct route *r = NULL;
	struct route_params pp;
	assert_int_equal(match("GET", "/v1/nope", &r, &pp), PP_ENOTFOUND);
	assert_int_equal(match("PUT", "/v1/things", &r, &pp), PP_EMETHOD);
	assert_int_equal(match("POST", "/v1/things/abc", &r, &pp), PP_EMETHOD);
	assert_int_equal(match("DELETE", "/v1/things/abc/parts/x", &r, &pp), PP_EMETHOD);
	/* methods are case-sensitive */
	assert_int_equal(match("get", "/v1/things", &r, &pp), PP_EMETHOD);
	/* a prefix or an extension of a pattern is not a match */
	assert_int_equal(match("GET", "/v1/thing", &r, &pp), PP_ENOTFOUND);
	assert_int_equal(match("GET", "/v1/thingsx", &r, &pp), PP_ENOTFOUND);
	assert_int_equal(match("GET", "/v1/things/a/b", &r, &pp), PP_ENOTFOUND);
	assert_int_equal(match("GET", "/v1", &r, &pp), PP_ENOTFOUND);
}

static void test_head_is_get(void **state)
{
	(void)state;
	const struct route *r = NULL;
	struct route_params pp;
	assert_int_equal(match("HEAD", "/v1/things/q", &r, &pp), 0);
	assert_ptr_equal(r, &table[3]);
	assert_string_equal(route_param(&pp, "id"), "q");
	static const struct route post_only[] = {{"POST", "/x", h_a, 0, 0}};
	assert_int_equal(route_match(post_only, 1, "HEAD", "/x", &r, &pp), PP_EMETHOD);
}

static void test_trailing_slash_and_empty_segments(void **state)
{
	(void)state;
	const struct route *r = NULL;
	struct route_params pp;
	assert_int_equal(match("GET", "/v1/things/", &r, &pp), PP_ENOTFOUND);
	assert_int_equal(match("GET", "/v1/things//parts/x", &r, &pp), PP_ENOTFOUND);
	assert_int_equal(match("GET", "/v1//things", &r, &pp), PP_ENOTFOUND);
	assert_int_equal(match("GET", "//v1/things", &r, &pp), PP_ENOTFOUND);
	assert_int_equal(match("GET", "/v1/things/abc/", &r, &pp), PP_ENOTFOUND);
	assert_int_equal(match("GET", "//", &r, &pp), PP_ENOTFOUND);
}

static void test_path_must_start_with_slash(void **state)
{
	(void)state;
	const struct route *r = NULL;
	struct route_params pp;
	assert_int_equal(match("GET", "", &r, &pp), PP_ENOTFOUND);
	assert_int_equal(match("GET", "v1/things", &r, &pp), PP_ENOTFOUND);
	assert_int_equal(match("GET", "*", &r, &pp), PP_ENOTFOUND);
	assert_int_equal(match("GET", "http://x/v1/things", &r, &pp), PP_ENOTFOUND);
}

static void test_segment_max(void **state)
{
	(void)state;
	const struct route *r = NULL;
	struct route_params pp;
	char path[256];
	char seg[ROUTE_SEG_MAX + 2];
	memset(seg, 'a', ROUTE_SEG_MAX);
	seg[ROUTE_SEG_MAX] = 0;
	snprintf(path, sizeof path, "/v1/things/%s", seg);
	assert_int_equal(match("GET", path, &r, &pp), 0);
	assert_int_equal(strlen(route_param(&pp, "id")), ROUTE_SEG_MAX);
	assert_string_equal(route_param(&pp, "id"), seg);

	seg[ROUTE_SEG_MAX] = 'a';
	seg[ROUTE_SEG_MAX + 1] = 0;
	snprintf(path, sizeof path, "/v1/things/%s", seg);
	assert_int_equal(match("GET", path, &r, &pp), PP_ENOTFOUND);
	snprintf(path, sizeof path, "/v1/things/%s/parts/x", seg);
	assert_int_equal(match("GET", path, &r, &pp), PP_ENOTFOUND);
}

static void test_max_params(void **state)
{
	(void)state;
	const struct route *r = NULL;
	struct route_params pp;
	assert_int_equal(match("GET", "/a/1/2/3/4", &r, &pp), 0);
	assert_int_equal(pp.n, ROUTE_MAX_PARAMS);
	assert_string_equal(route_param(&pp, "p1"), "1");
	assert_string_equal(route_param(&pp, "p4"), "4");
	/* a pattern with more captures than ROUTE_MAX_PARAMS never matches */
	assert_int_equal(match("GET", "/b/1/2/3/4/5", &r, &pp), PP_ENOTFOUND);
}

static void test_long_path(void **state)
{
	(void)state;
	const struct route *r = NULL;
	struct route_params pp;
	static char path[ROUTE_PATH_MAX + 2];
	static char pat[ROUTE_PATH_MAX + 2];
	struct route lit[] = {{"GET", pat, h_a, 0, 0}};
	/* a literal pattern of exactly ROUTE_PATH_MAX bytes matches itself */
	pat[0] = '/';
	memset(pat + 1, 'a', ROUTE_PATH_MAX - 1);
	pat[ROUTE_PATH_MAX] = 0;
	memcpy(path, pat, ROUTE_PATH_MAX + 1);
	assert_int_equal(route_match(lit, 1, "GET", path, &r, &pp), 0);
	/* one byte more: refused before any matching, although the pattern is equal */
	pat[ROUTE_PATH_MAX] = 'a';
	pat[ROUTE_PATH_MAX + 1] = 0;
	memcpy(path, pat, ROUTE_PATH_MAX + 2);
	assert_int_equal(strlen(path), ROUTE_PATH_MAX + 1);
	assert_int_equal(route_match(lit, 1, "GET", path, &r, &pp), PP_ENOTFOUND);
	/* many short segments up to the limit: no match, no crash */
	for (size_t i = 0; i < ROUTE_PATH_MAX; i += 2) {
		path[i] = '/';
		path[i + 1] = 'a';
	}
	path[ROUTE_PATH_MAX] = 0;
	assert_int_equal(match("GET", path, &r, &pp), PP_ENOTFOUND);
}

static void test_out_untouched_on_failure(void **state)
{
	(void)state;
	const struct route *r = &table[0];
	struct route_params pp;
	assert_int_equal(match("PATCH", "/v1/things", &r, &pp), PP_EMETHOD);
	assert_ptr_equal(r, &table[0]);
}

static void test_api_routes(void **state)
{
	(void)state;
	const struct route *r = NULL;
	struct route_params pp;
	assert_true(api_routes_count > 10);
	assert_int_equal(
	        route_match(api_routes, api_routes_count, "PATCH", "/v1/tokens/abc/renew", &r, &pp),
	        0);
	assert_string_equal(r->method, "PATCH");
	assert_string_equal(r->pattern, "/v1/tokens/:id/renew");
	assert_ptr_equal(r->handler, api_tokens_renew);
	assert_string_equal(route_param(&pp, "id"), "abc");

	assert_int_equal(route_match(api_routes, api_routes_count, "PUT", "/v1/tokens", &r, &pp),
	                 PP_EMETHOD);
	assert_int_equal(route_match(api_routes, api_routes_count, "GET", "/v1/nope", &r, &pp),
	                 PP_ENOTFOUND);

	/* the literal "exchange" wins for POST; GET of it is the :id show route */
	assert_int_equal(
	        route_match(api_routes, api_routes_count, "POST", "/v1/tokens/exchange", &r, &pp),
	        0);
	assert_ptr_equal(r->handler, api_tokens_exchange);
	assert_int_equal(
	        route_match(api_routes, api_routes_count, "GET", "/v1/tokens/exchange", &r, &pp),
	        0);
	assert_ptr_equal(r->handler, api_tokens_show);

	assert_int_equal(route_match(api_routes, api_routes_count, "HEAD", "/healthz", &r, &pp), 0);
	assert_ptr_equal(r->handler, api_healthz);
	assert_true(r->flags & ROUTE_PUBLIC);

	assert_int_equal(
	        route_match(api_routes, api_routes_count, "DELETE", "/v1/tokens/t1", &r, &pp), 0);
	assert_ptr_equal(r->handler, api_tokens_delete);
	assert_true(r->flags & ROUTE_AUTH);

	assert_int_equal(route_match(api_routes, api_routes_count, "PUT",
	                             "/v1/users/password/reset", &r, &pp),
	                 0);
	assert_ptr_equal(r->handler, api_users_reset_perform);
	assert_int_equal(route_match(api_routes, api_routes_count, "DELETE",
	                             "/v1/users/password/reset", &r, &pp),
	                 PP_EMETHOD);
	assert_int_equal(route_match(api_routes, api_routes_count, "GET", "/v1/tokens/", &r, &pp),
	                 PP_ENOTFOUND);
}

/* Every route in the table is reachable by its own method and pattern. */
static void test_api_routes_self_match(void **state)
{
	(void)state;
	for (size_t i = 0; i < api_routes_count; i++) {
		char path[256];
		const char *p = api_routes[i].pattern;
		size_t k = 0;
		while (*p && k < sizeof path - 8) {
			if (*p == ':') {
				memcpy(path + k, "val", 3);
				k += 3;
				while (*p && *p != '/')
					p++;
			} else {
				path[k++] = *p++;
			}
		}
		path[k] = 0;
		const struct route *r = NULL;
		struct route_params pp;
		assert_int_equal(route_match(api_routes, api_routes_count, api_routes[i].method,
		                             path, &r, &pp),
		                 0);
		assert_string_equal(r->method, api_routes[i].method);
		assert_non_null(r->handler);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_literal),
	        cmocka_unit_test(test_params),
	        cmocka_unit_test(test_not_found_vs_method),
	        cmocka_unit_test(test_head_is_get),
	        cmocka_unit_test(test_trailing_slash_and_empty_segments),
	        cmocka_unit_test(test_path_must_start_with_slash),
	        cmocka_unit_test(test_segment_max),
	        cmocka_unit_test(test_max_params),
	        cmocka_unit_test(test_long_path),
	        cmocka_unit_test(test_out_untouched_on_failure),
	        cmocka_unit_test(test_api_routes),
	        cmocka_unit_test(test_api_routes_self_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
