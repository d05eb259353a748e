/* str.c - small string helpers (see str.h). */
#include "util/str.h"

#include <ctype.h>

size_t str_lower(char *dst, size_t cap, const char *src)
{
	size_t n = 0;
	if (cap == 0)
		return 0;
	for (; src[n] && n + 1 < cap; n++)
		dst[n] = (char)tolower((unsigned char)src[n]);
	dst[n] = 0;
	return n;
}

size_t str_utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

size_t str_utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	if (c < 0x80)
		return c ? 1 : 0;
	size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
	if (n == 0 || c > 0xF4)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if (c == 0xE0 && s[1] < 0xA0) /* overlong 3-byte */
		return 0;
	if (c == 0xED && s[1] >= 0xA0) /* U+D800..U+DFFF */
		return 0;
	if (c == 0xF0 && s[1] < 0x90) /* overlong 4-byte */
		return 0;
	if (c == 0xF4 && s[1] >= 0x90) /* above U+10FFFF */
		return 0;
	return n;
}

int str_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = str_utf8_seq(p);
		if (n == 0)
			return 0;
		p += n;
	}
	return 1;
}

void str_utf8_sanitize(char *dst, size_t cap, const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t o = 0;
	if (cap == 0)
		return;
	while (*p) {
		size_t n = str_utf8_seq(p);
		if (n == 0) {
			if (o + 1 >= cap)
				break;
			dst[o++] = '?';
			p++;
			continue;
		}
		if (o + n >= cap)
			break;
		for (size_t i = 0; i < n; i++)
			dst[o++] = (char)p[i];
		p += n;
	}
	dst[o] = 0;
}
