/*
 * netaddr.h - IPv4/IPv6 addresses and CIDR lists, and the client address of a
 * request behind trusted reverse proxies (PAASPORT_TRUSTED_PROXIES and the
 * X-Forwarded-For header). Pure functions on untrusted text: unit-tested and fuzzed.
 */
#ifndef PP_NETADDR_H
#define PP_NETADDR_H

#include <stddef.h>

#define NETADDR_LIST_MAX  64   /* entries in a trusted-proxy list */
#define NETADDR_XFF_MAX   4096 /* X-Forwarded-For bytes read (the right-most ones) */
#define NETADDR_ENTRY_MAX 64   /* bytes of one address or CIDR, spaces trimmed */
#define NETADDR_TEXT_MAX  46   /* an address as text, with its NUL (INET6_ADDRSTRLEN) */

/* An address: family 4 or 6; IPv4 in a[0..3]. An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) is taken as the IPv4 address. */
struct netaddr {
	int family;
	unsigned char a[16];
};

struct netaddr_cidr {
	struct netaddr addr; /* host bits cleared */
	unsigned bits;       /* prefix length: 0..32 or 0..128 */
};

struct netaddr_list {
	size_t n;
	struct netaddr_cidr e[NETADDR_LIST_MAX];
};

/* One address of len bytes (no spaces, no port, no zone): 0 or PP_EINVAL. */
int netaddr_parse(const char *s, size_t len, struct netaddr *out);
/* The address as text (canonical inet_ntop form) into out[cap]: 0 or PP_EINVAL. */
int netaddr_format(const struct netaddr *a, char *out, size_t cap);
/* "addr, addr/bits, ..." (spaces around entries allowed; empty entries skipped;
 * NULL or "" is the empty list). 0, or PP_EINVAL with a message in *err (static
 * text) when an entry is malformed or there are more than NETADDR_LIST_MAX. */
int netaddr_parse_cidr_list(const char *s, struct netaddr_list *out, const char **err);
/* 1 when a is inside one of l's entries (IPv4 entries never match IPv6). */
int netaddr_match(const struct netaddr_list *l, const struct netaddr *a);
/* The client address of a request from the socket peer (text) and the joined
 * X-Forwarded-For values (NULL when absent), written into out[cap] as text:
 * the peer, unless it is in l; then the right-most X-Forwarded-For entry that
 * is not in l (walking from the right over trusted ones); a malformed entry
 * stops the walk at the last good address (else the peer). Only the last
 * NETADDR_XFF_MAX bytes of xff are read. An entry may carry a port
 * ("a.b.c.d:port", "[v6]:port"). Returns 1 when the address came from the
 * header, 0 when it is the peer, PP_EINVAL when out is too small. */
int netaddr_client_ip(const char *peer, const char *xff, const struct netaddr_list *l, char *out,
                      size_t cap);

#endif
