/* valid.c - account field validation (see valid.h). */
#include "core/valid.h"
#include "util/str.h"
#include "model.h"

#include <string.h>

const char *valid_username(const char *s)
{
	size_t n = strlen(s);
	if (n < USERNAME_MIN || n > USERNAME_MAX)
		return "must be 3 to 32 characters long";
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		         (i > 0 && (c == '-' || c == '_'));
		if (!ok)
			return "may contain only lowercase letters, digits, '-' and '_', and must "
			       "start with a letter or digit";
	}
	return NULL;
}

const char *valid_email(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return "can't be blank";
	if (str_utf8_chars(s) > EMAIL_MAX)
		return "is too long (maximum is 254 characters)";
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return "is invalid";
	const char *dom = at + 1;
	size_t dl = strlen(dom);
	if (dl < 3 || !strchr(dom, '.') || dom[0] == '.' || dom[dl - 1] == '.' || strstr(dom, ".."))
		return "is invalid";
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '(' || c == ')' ||
		    c == ',' || c == ';' || c == ':' || c == '\\' || c == '"' || c == '[' ||
		    c == ']')
			return "is invalid";
	}
	return NULL;
}

const char *valid_text(const char *s, size_t max, int allow_empty)
{
	if (!allow_empty && *s == 0)
		return "can't be blank";
	if (str_utf8_chars(s) > max)
		return "is too long";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "must not contain control characters";
	return NULL;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	size_t n;
	unsigned int cp;
	if ((p[0] & 0xE0) == 0xC0) {
		n = 2;
		cp = p[0] & 0x1F;
	} else if ((p[0] & 0xF0) == 0xE0) {
		n = 3;
		cp = p[0] & 0x0F;
	} else if ((p[0] & 0xF8) == 0xF0) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	/* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
	static const unsigned int min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return n;
}

void valid_utf8_copy(char *dst, size_t cap, const char *src, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t o = 0, chars = 0;
	if (cap == 0)
		return;
	while (*p && chars < max_chars) {
		size_t n = utf8_seq(p);
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f))) {
			if (o + 1 >= cap)
				break;
			dst[o++] = '?';
			p++;
		} else {
			if (o + n >= cap)
				break;
			memcpy(dst + o, p, n);
			o += n;
			p += n;
		}
		chars++;
	}
	dst[o] = 0;
}
