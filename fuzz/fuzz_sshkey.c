/*
 * fuzz_sshkey.c - libFuzzer target for sshkey_parse() on the raw input, and
 * sshkey_parse_pair() on the input split at its first space (type, base64).
 * An accepted key must round-trip: its normalized line parses again to the
 * same fingerprint, index and size.
 * FUZZ_SRC: src/core/sshkey.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sshkey.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct sshkey *k)
{
	if (k->bits <= 0 || strlen(k->fingerprint) != 50 ||
	    strncmp(k->fingerprint, "SHA256:", 7) != 0 || strlen(k->sha256_hex) != 64)
		abort();
	size_t tl = strlen(k->type);
	if (strncmp(k->line, k->type, tl) != 0 || k->line[tl] != ' ' ||
	    strncmp(k->line + tl + 1, k->b64, strlen(k->b64)) != 0)
		abort();
	struct sshkey *again = NULL;
	char why[SSHKEY_WHY_MAX];
	if (sshkey_parse(k->line, strlen(k->line), NULL, &again, why) != 0)
		abort();
	if (strcmp(again->fingerprint, k->fingerprint) != 0 ||
	    strcmp(again->sha256_hex, k->sha256_hex) != 0 || again->bits != k->bits ||
	    again->blob_len != k->blob_len || memcmp(again->blob, k->blob, k->blob_len) != 0)
		abort();
	sshkey_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sshkey *k = NULL;
	char why[SSHKEY_WHY_MAX];
	int rc = sshkey_parse((const char *)data, size, "fuzz name", &k, why);
	if (rc == 0) {
		check(k);
		if (size > SSHKEY_TEXT_MAX || memchr(data, 0, size))
			abort();
	} else if (k || !why[0] || strchr(why, '\n')) {
		abort();
	}
	sshkey_free(k);

	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	char *sp = strchr(s, ' ');
	if (sp) {
		*sp = 0;
		rc = sshkey_parse_pair(s, sp + 1, &k, why);
		if (rc == 0)
			check(k);
		else if (k || !why[0])
			abort();
		sshkey_free(k);
	}
	free(s);
	return 0;
}
