/* test_netaddr.c - addresses, CIDR lists and the X-Forwarded-For walk (util/netaddr). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/netaddr.h"

static struct netaddr_list L;

static void list(const char *s)
{
	const char *err = NULL;
	assert_int_equal(netaddr_parse_cidr_list(s, &L, &err), 0);
	assert_null(err);
}

static int bad_list(const char *s)
{
	const char *err = NULL;
	int rc = netaddr_parse_cidr_list(s, &L, &err);
	return rc == PP_EINVAL && err != NULL;
}

static int match(const char *a)
{
	struct netaddr na;
	assert_int_equal(netaddr_parse(a, strlen(a), &na), 0);
	return netaddr_match(&L, &na);
}

static const char *client(const char *peer, const char *xff)
{
	static char out[NETADDR_TEXT_MAX];
	assert_true(netaddr_client_ip(peer, xff, &L, out, sizeof out) >= 0);
	return out;
}

static void test_parse(void **state)
{
	(void)state;
	struct netaddr a;
	assert_int_equal(netaddr_parse("10.0.0.1", 8, &a), 0);
	assert_int_equal(a.family, 4);
	assert_int_equal(netaddr_parse("::1", 3, &a), 0);
	assert_int_equal(a.family, 6);
	assert_int_equal(netaddr_parse("::ffff:10.0.0.1", 15, &a), 0);
	assert_int_equal(a.family, 4); /* mapped: the IPv4 address */
	assert_int_equal(netaddr_parse("10.0.0.256", 10, &a), PP_EINVAL);
	assert_int_equal(netaddr_parse("10.0.0", 6, &a), PP_EINVAL);
	assert_int_equal(netaddr_parse("", 0, &a), PP_EINVAL);
	assert_int_equal(netaddr_parse("fe80::1%eth0", 12, &a), PP_EINVAL);
	assert_int_equal(netaddr_parse("localhost", 9, &a), PP_EINVAL);
	char t[NETADDR_TEXT_MAX];
	assert_int_equal(netaddr_parse("2001:DB8:0:0::1", 15, &a), 0);
	assert_int_equal(netaddr_format(&a, t, sizeof t), 0);
	assert_string_equal(t, "2001:db8::1");
	assert_int_equal(netaddr_format(&a, t, 4), PP_EINVAL);
}

static void test_list_ipv4(void **state)
{
	(void)state;
	list("10.0.0.0/8, 192.168.1.7");
	assert_int_equal(L.n, 2);
	assert_true(match("10.255.3.4"));
	assert_true(match("192.168.1.7"));
	assert_false(match("192.168.1.8"));
	assert_false(match("11.0.0.0"));
	assert_false(match("::1"));
	assert_true(match("::ffff:10.1.2.3"));
	list("1.2.3.4/32");
	assert_true(match("1.2.3.4"));
	assert_false(match("1.2.3.5"));
	list("0.0.0.0/0");
	assert_true(match("255.255.255.255"));
	assert_true(match("0.0.0.0"));
	assert_false(match("::")); /* an IPv4 entry never matches IPv6 */
	list("10.1.2.3/8");        /* host bits ignored */
	assert_true(match("10.9.9.9"));
	list("172.16.0.0/12");
	assert_true(match("172.31.255.255"));
	assert_false(match("172.32.0.0"));
	list("1.2.3.128/25");
	assert_true(match("1.2.3.200"));
	assert_false(match("1.2.3.127"));
}

static void test_list_ipv6(void **state)
{
	(void)state;
	list("fd00::/8,::1");
	assert_true(match("fd12:3456::1"));
	assert_true(match("::1"));
	assert_false(match("fe80::1"));
	assert_false(match("127.0.0.1"));
	list("2001:db8::1/128");
	assert_true(match("2001:db8::1"));
	assert_false(match("2001:db8::2"));
	list("::/0");
	assert_true(match("ffff::1"));
	assert_false(match("1.2.3.4"));
	list("2001:db8:abcd::/47"); /* abcc..abcd */
	assert_true(match("2001:db8:abcc::1"));
	assert_true(match("2001:db8:abcd:ffff::1"));
	assert_false(match("2001:db8:abce::"));
	list("2001:db8:abcd::/48");
	assert_false(match("2001:db8:abcc::1"));
}

static void test_list_forms(void **state)
{
	(void)state;
	list(NULL);
	assert_int_equal(L.n, 0);
	list("");
	assert_int_equal(L.n, 0);
	list(" , ,, ");
	assert_int_equal(L.n, 0);
	assert_false(match("127.0.0.1"));
	list("  127.0.0.1 ,\t::1  ,, ");
	assert_int_equal(L.n, 2);
	assert_true(bad_list("garbage"));
	assert_true(bad_list("127.0.0.1,nope"));
	assert_true(bad_list("1.2.3.4/33"));
	assert_true(bad_list("::1/129"));
	assert_true(bad_list("1.2.3.4/"));
	assert_true(bad_list("1.2.3.4/-1"));
	assert_true(bad_list("1.2.3.4/08"));
	assert_true(bad_list("1.2.3.4/8/8"));
	assert_true(bad_list("/8"));
	assert_true(bad_list("1.2.3.4 5.6.7.8"));
	assert_true(bad_list("::ffff:1.2.3.4/24"));
	assert_true(bad_list("[::1]"));
	assert_true(bad_list("1.2.3.4:80"));
	/* the most entries, then one more */
	char s[NETADDR_LIST_MAX * 16 + 16] = "";
	size_t n = 0;
	for (int i = 0; i < NETADDR_LIST_MAX; i++)
		n += (size_t)snprintf(s + n, sizeof s - n, "10.0.%d.1,", i);
	list(s);
	assert_int_equal(L.n, NETADDR_LIST_MAX);
	assert_true(match("10.0.63.1"));
	snprintf(s + n, sizeof s - n, "10.1.0.1");
	assert_true(bad_list(s));
}

static void test_client_ip(void **state)
{
	(void)state;
	list("");
	/* nothing trusted: the header is ignored */
	assert_string_equal(client("127.0.0.1", "1.2.3.4"), "127.0.0.1");
	list("127.0.0.1, 10.0.0.0/8");
	assert_string_equal(client("127.0.0.1", NULL), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", ""), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", "1.2.3.4"), "1.2.3.4");
	assert_int_equal(netaddr_client_ip("127.0.0.1", "1.2.3.4", &L, (char[64]){0}, 64), 1);
	/* an untrusted peer: ignored */
	assert_string_equal(client("192.0.2.1", "1.2.3.4"), "192.0.2.1");
	assert_int_equal(netaddr_client_ip("192.0.2.1", "1.2.3.4", &L, (char[64]){0}, 64), 0);
	/* spoofed left part, real client appended by the proxy */
	assert_string_equal(client("127.0.0.1", "6.6.6.6, 1.2.3.4"), "1.2.3.4");
	/* trusted hops skipped from the right */
	assert_string_equal(client("127.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.5,10.1.1.1"), "1.2.3.4");
	/* all trusted: the left-most */
	assert_string_equal(client("127.0.0.1", "10.0.0.9, 10.0.0.5"), "10.0.0.9");
	/* malformed: the walk stops at the last good address, else the peer */
	assert_string_equal(client("127.0.0.1", "1.2.3.4, garbage"), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", "garbage, 10.0.0.5"), "10.0.0.5");
	assert_string_equal(client("127.0.0.1", "1.2.3.4,"), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", "1.2.3.4,,10.0.0.5"), "10.0.0.5");
	assert_string_equal(client("127.0.0.1", "unknown"), "127.0.0.1");
	/* spaces, ports, brackets, canonical text */
	assert_string_equal(client("127.0.0.1", "  1.2.3.4  "), "1.2.3.4");
	assert_string_equal(client("127.0.0.1", "1.2.3.4:5678"), "1.2.3.4");
	assert_string_equal(client("127.0.0.1", "[2001:DB8::1]:443"), "2001:db8::1");
	assert_string_equal(client("127.0.0.1", "[2001:db8::1]"), "2001:db8::1");
	assert_string_equal(client("127.0.0.1", "2001:0db8::0001"), "2001:db8::1");
	assert_string_equal(client("127.0.0.1", "::ffff:1.2.3.4"), "1.2.3.4");
	assert_string_equal(client("127.0.0.1", "1.2.3.4:"), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", "[::1"), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", "[::1]x"), "127.0.0.1");
	assert_string_equal(client("::ffff:127.0.0.1", "1.2.3.4"), "1.2.3.4");
	/* a peer that is not an address: kept as it is */
	assert_string_equal(client("", "1.2.3.4"), "");
	/* out too small */
	char tiny[4];
	assert_int_equal(netaddr_client_ip("127.0.0.1", NULL, &L, tiny, sizeof tiny), PP_EINVAL);
}

static void test_client_ip_long_header(void **state)
{
	(void)state;
	list("127.0.0.1");
	/* many entries: fine while under the limit */
	size_t cap = NETADDR_XFF_MAX * 3;
	char *h = malloc(cap + 32);
	assert_non_null(h);
	size_t n = 0;
	while (n < NETADDR_XFF_MAX - 40)
		n += (size_t)snprintf(h + n, cap - n, "6.6.6.6, ");
	snprintf(h + n, cap - n, "1.2.3.4");
	assert_string_equal(client("127.0.0.1", h), "1.2.3.4");
	/* over the limit: only the right-most bytes are read, the real client is still found */
	while (n < cap - 40)
		n += (size_t)snprintf(h + n, cap - n, "6.6.6.6, ");
	snprintf(h + n, cap - n, "1.2.3.4");
	assert_true(strlen(h) > NETADDR_XFF_MAX);
	assert_string_equal(client("127.0.0.1", h), "1.2.3.4");
	/* one entry longer than the limit: malformed, the peer */
	memset(h, '1', cap);
	h[cap] = 0;
	assert_string_equal(client("127.0.0.1", h), "127.0.0.1");
	/* all-trusted entries over the limit: the left-most inside the window */
	n = 0;
	while (n < cap - 40)
		n += (size_t)snprintf(h + n, cap - n, "127.0.0.1,");
	snprintf(h + n, cap - n, "127.0.0.1");
	assert_string_equal(client("127.0.0.1", h), "127.0.0.1");
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse),     cmocka_unit_test(test_list_ipv4),
	        cmocka_unit_test(test_list_ipv6), cmocka_unit_test(test_list_forms),
	        cmocka_unit_test(test_client_ip), cmocka_unit_test(test_client_ip_long_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
