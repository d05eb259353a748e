/* netaddr.c - addresses, CIDR lists and the X-Forwarded-For walk (see netaddr.h). */
#include "util/netaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"

static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

int netaddr_parse(const char *s, size_t len, struct netaddr *out)
{
	char tmp[NETADDR_ENTRY_MAX];
	if (!s || len == 0 || len >= sizeof tmp)
		return PP_EINVAL;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	if (memchr(tmp, 0, len))
		return PP_EINVAL;
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, tmp, out->a) == 1) {
		out->family = 4;
		return 0;
	}
	unsigned char a6[16];
	if (inet_pton(AF_INET6, tmp, a6) == 1) {
		if (memcmp(a6, v4_mapped, sizeof v4_mapped) == 0) {
			out->family = 4;
			memcpy(out->a, a6 + 12, 4);
		} else {
			out->family = 6;
			memcpy(out->a, a6, 16);
		}
		return 0;
	}
	return PP_EINVAL;
}

int netaddr_format(const struct netaddr *a, char *out, size_t cap)
{
	char tmp[NETADDR_TEXT_MAX];
	if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->a, tmp, sizeof tmp))
		return PP_EINVAL;
	size_t n = strlen(tmp);
	if (n >= cap)
		return PP_EINVAL;
	memcpy(out, tmp, n + 1);
	return 0;
}

static void clear_host_bits(struct netaddr *a, unsigned bits)
{
	unsigned total = a->family == 4 ? 32 : 128;
	for (unsigned i = bits; i < total; i++)
		a->a[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
}

/* One list entry, spaces already trimmed: "addr" or "addr/bits". */
static int parse_cidr(const char *s, size_t len, struct netaddr_cidr *out)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	if (netaddr_parse(s, alen, &out->addr) != 0)
		return PP_EINVAL;
	/* a mapped ::ffff:a.b.c.d/bits counts its bits over IPv6: refuse it rather than guess */
	unsigned max = out->addr.family == 4 ? 32 : 128;
	if (out->addr.family == 4 && memchr(s, ':', alen) && slash)
		return PP_EINVAL;
	if (!slash) {
		out->bits = max;
		return 0;
	}
	const char *d = slash + 1;
	size_t dl = len - alen - 1;
	if (dl == 0 || dl > 3)
		return PP_EINVAL;
	unsigned bits = 0;
	for (size_t i = 0; i < dl; i++) {
		if (d[i] < '0' || d[i] > '9')
			return PP_EINVAL;
		bits = bits * 10 + (unsigned)(d[i] - '0');
	}
	if (bits > max || (dl > 1 && d[0] == '0'))
		return PP_EINVAL;
	out->bits = bits;
	clear_host_bits(&out->addr, bits);
	return 0;
}

int netaddr_parse_cidr_list(const char *s, struct netaddr_list *out, const char **err)
{
	out->n = 0;
	*err = NULL;
	if (!s)
		return 0;
	const char *p = s;
	for (;;) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		const char *b = p, *e = end;
		while (b < e && is_space(*b))
			b++;
		while (e > b && is_space(e[-1]))
			e--;
		if (e > b) {
			if (out->n >= NETADDR_LIST_MAX) {
				*err = "too many entries (at most 64)";
				return PP_EINVAL;
			}
			if (parse_cidr(b, (size_t)(e - b), &out->e[out->n]) != 0) {
				*err = "an entry is not an IPv4/IPv6 address or CIDR (addr/bits)";
				return PP_EINVAL;
			}
			out->n++;
		}
		if (*end == 0)
			break;
		p = end + 1;
	}
	return 0;
}

static int in_cidr(const struct netaddr_cidr *c, const struct netaddr *a)
{
	if (c->addr.family != a->family)
		return 0;
	unsigned full = c->bits / 8, rest = c->bits % 8;
	if (memcmp(c->addr.a, a->a, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	unsigned char mask = (unsigned char)(0xffu << (8 - rest));
	return (c->addr.a[full] & mask) == (a->a[full] & mask);
}

int netaddr_match(const struct netaddr_list *l, const struct netaddr *a)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (in_cidr(&l->e[i], a))
			return 1;
	return 0;
}

/* One X-Forwarded-For entry, spaces trimmed: an address, "a.b.c.d:port",
 * "[v6]" or "[v6]:port". */
static int parse_xff_entry(const char *s, size_t len, struct netaddr *out)
{
	const char *end = s + len;
	if (len > 0 && s[0] == '[') {
		const char *rb = memchr(s, ']', len);
		if (!rb)
			return PP_EINVAL;
		const char *q = rb + 1;
		if (q < end) {
			if (*q != ':' || q + 1 == end)
				return PP_EINVAL;
			for (q++; q < end; q++)
				if (*q < '0' || *q > '9')
					return PP_EINVAL;
		}
		if (netaddr_parse(s + 1, (size_t)(rb - s - 1), out) != 0)
			return PP_EINVAL;
		return 0;
	}
	const char *colon = memchr(s, ':', len);
	if (colon && memchr(s, '.', len) && !memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
		if (colon + 1 == end)
			return PP_EINVAL;
		for (const char *q = colon + 1; q < end; q++)
			if (*q < '0' || *q > '9')
				return PP_EINVAL;
		if (netaddr_parse(s, (size_t)(colon - s), out) != 0 || out->family != 4)
			return PP_EINVAL;
		return 0;
	}
	return netaddr_parse(s, len, out);
}

static int copy_out(const char *s, char *out, size_t cap)
{
	size_t n = strlen(s);
	if (n >= cap)
		return PP_EINVAL;
	memcpy(out, s, n + 1);
	return 0;
}

int netaddr_client_ip(const char *peer, const char *xff, const struct netaddr_list *l, char *out,
                      size_t cap)
{
	if (!out || cap == 0)
		return PP_EINVAL;
	if (!peer)
		peer = "";
	struct netaddr pa;
	if (!xff || !l || l->n == 0 || netaddr_parse(peer, strlen(peer), &pa) != 0 ||
	    !netaddr_match(l, &pa))
		return copy_out(peer, out, cap);

	size_t len = strlen(xff);
	const char *begin = xff, *end = xff + len;
	if (len > NETADDR_XFF_MAX) {
		/* the window's first entry may be cut: start after its comma */
		begin = end - NETADDR_XFF_MAX;
		if (begin[-1] != ',') {
			const char *c = memchr(begin, ',', NETADDR_XFF_MAX);
			begin = c ? c + 1 : end;
		}
	}
	struct netaddr good, a;
	int have = 0;
	const char *p = end;
	while (p > begin) {
		const char *e = p, *b = p;
		while (b > begin && b[-1] != ',')
			b--;
		p = b > begin ? b - 1 : begin; /* before the comma, for the next entry */
		const char *tb = b, *te = e;
		while (tb < te && is_space(*tb))
			tb++;
		while (te > tb && is_space(te[-1]))
			te--;
		if (parse_xff_entry(tb, (size_t)(te - tb), &a) != 0)
			break;
		good = a;
		have = 1;
		if (!netaddr_match(l, &a))
			break;
		if (b == begin)
			break;
	}
	if (!have)
		return copy_out(peer, out, cap);
	char txt[NETADDR_TEXT_MAX];
	if (netaddr_format(&good, txt, sizeof txt) != 0)
		return copy_out(peer, out, cap);
	return copy_out(txt, out, cap) == 0 ? 1 : PP_EINVAL;
}
