/*
 * fuzz_netaddr.c - libFuzzer target for util/netaddr: the input is split at the
 * first NUL into a trusted-proxy list and an X-Forwarded-For value. The list goes
 * through netaddr_parse_cidr_list(); when accepted, netaddr_client_ip() runs for a
 * trusted and an untrusted peer, and its answer must be the peer or an address
 * that parses again and (unless every hop was trusted) is not trusted itself.
 * FUZZ_SRC: src/util/netaddr.c src/util/err.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/netaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	size_t l1 = strlen(buf);
	const char *xff = l1 < size ? buf + l1 + 1 : NULL;
	struct netaddr_list *l = malloc(sizeof *l);
	if (!l)
		goto out;
	const char *err = NULL;
	int rc = netaddr_parse_cidr_list(buf, l, &err);
	if (rc != 0) {
		if (rc != PP_EINVAL || !err)
			abort();
		/* the same text as one address: never crashes */
		struct netaddr a;
		(void)netaddr_parse(buf, l1 < NETADDR_ENTRY_MAX ? l1 : NETADDR_ENTRY_MAX - 1, &a);
		goto out;
	}
	if (l->n > NETADDR_LIST_MAX || err)
		abort();
	for (size_t i = 0; i < l->n; i++) {
		unsigned max = l->e[i].addr.family == 4 ? 32 : 128;
		if ((l->e[i].addr.family != 4 && l->e[i].addr.family != 6) || l->e[i].bits > max)
			abort();
		if (!netaddr_match(l, &l->e[i].addr)) /* an entry contains its own address */
			abort();
	}
	const char *peers[] = {"127.0.0.1", "::1", "192.0.2.1"};
	if (l->n > 0) {
		char txt[NETADDR_TEXT_MAX];
		if (netaddr_format(&l->e[0].addr, txt, sizeof txt) != 0)
			abort();
		peers[2] = strdup(txt);
		if (!peers[2])
			goto out;
	}
	for (size_t p = 0; p < 3; p++) {
		char out[NETADDR_TEXT_MAX];
		int c = netaddr_client_ip(peers[p], xff, l, out, sizeof out);
		struct netaddr pa, oa;
		if (netaddr_parse(peers[p], strlen(peers[p]), &pa) != 0)
			abort();
		int trusted = netaddr_match(l, &pa);
		if (c == 0) {
			if (strcmp(out, peers[p]) != 0)
				abort();
		} else if (c == 1) {
			if (!trusted || !xff || netaddr_parse(out, strlen(out), &oa) != 0)
				abort();
		} else {
			abort();
		}
	}
	if (l->n > 0)
		free((void *)peers[2]);
out:
	free(l);
	free(buf);
	return 0;
}
