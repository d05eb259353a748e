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
