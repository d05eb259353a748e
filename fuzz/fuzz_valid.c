/*
 * fuzz_valid.c - libFuzzer target for valid_email/username/text and pw_policy
 * on a NUL-terminated copy of the input.
 * FUZZ_SRC: src/core/valid.c src/crypto/pw.c src/util/str.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/valid.h"
#include "util/str.h"
#include "crypto/pw.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	size_t n = strlen(s);
	size_t chars = str_utf8_chars(s);
	if (chars > n)
		abort();
	if (!valid_username(s)) {
		if (n < USERNAME_MIN || n > USERNAME_MAX || s[0] == '-' || s[0] == '_')
			abort();
	}
	if (!valid_email(s)) {
		if (n == 0 || chars > EMAIL_MAX || !strchr(s, '@') || strpbrk(s, " \r\n\t<>"))
			abort();
	}
	const char *t1 = valid_text(s, FULLNAME_MAX, 0), *t2 = valid_text(s, FULLNAME_MAX, 1);
	if (!t1 && (n == 0 || chars > FULLNAME_MAX))
		abort();
	if (n > 0 && (t1 == NULL) != (t2 == NULL))
		abort();
	const char *p = pw_policy(s, "alice", "alice@example.com");
	if (!p && (chars < PW_MIN_CHARS || chars > PW_MAX_CHARS))
		abort();
	/* the password equal to the username or email is always refused */
	if (pw_policy(s, s, NULL) == NULL && n > 0)
		abort();
	/* header text cleaning: always valid UTF-8, bounded, no control characters */
	char out[64];
	valid_utf8_copy(out, sizeof out, s, 20);
	json_t *j = json_string(out);
	if (!j || strlen(out) >= sizeof out || str_utf8_chars(out) > 20)
		abort();
	json_decref(j);
	for (const unsigned char *q = (const unsigned char *)out; *q; q++)
		if (*q < 0x20 || *q == 0x7f)
			abort();
	free(s);
	return 0;
}
