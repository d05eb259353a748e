/* sshkey.c - OpenSSH public key parser (see sshkey.h). Pure: no I/O. */
#include "core/sshkey.h"
#include "util/err.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_ED25519, K_ECDSA, K_RSA };

struct ktype {
	const char *name;
	enum kind kind;
	int bits;          /* 0: from the blob (RSA) */
	const char *curve; /* ECDSA: the curve identifier inside the blob */
	size_t key_len;    /* ed25519: the key; ECDSA: the uncompressed point */
	int sk;            /* a security-key type: an application string follows */
};

static const struct ktype ktypes[] = {
        {"ssh-ed25519", K_ED25519, 256, NULL, 32, 0},
        {"ecdsa-sha2-nistp256", K_ECDSA, 256, "nistp256", 65, 0},
        {"ecdsa-sha2-nistp384", K_ECDSA, 384, "nistp384", 97, 0},
        {"ecdsa-sha2-nistp521", K_ECDSA, 521, "nistp521", 133, 0},
        {"sk-ssh-ed25519@openssh.com", K_ED25519, 256, NULL, 32, 1},
        {"sk-ecdsa-sha2-nistp256@openssh.com", K_ECDSA, 256, "nistp256", 65, 1},
        {"ssh-rsa", K_RSA, 0, NULL, 0, 0},
};
#define NKTYPES (sizeof ktypes / sizeof ktypes[0])

/* Names OpenSSH knows that we refuse, for better messages than "unknown". */
#define DSA_TYPE    "ssh-dss"
#define CERT_SUFFIX "-cert-v01@openssh.com"

static const char ACCEPTED[] = "accepted types are ssh-ed25519, ecdsa-sha2-nistp256/384/521, "
                               "sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com "
                               "and ssh-rsa (2048 bits or more)";

static int refuse(char *why, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(char *why, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, SSHKEY_WHY_MAX, fmt, ap);
	va_end(ap);
	return rc;
}

static const struct ktype *ktype_find(const char *s, size_t n)
{
	for (size_t i = 0; i < NKTYPES; i++)
		if (strlen(ktypes[i].name) == n && memcmp(ktypes[i].name, s, n) == 0)
			return &ktypes[i];
	return NULL;
}

static int has_suffix(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);
	return n > m && memcmp(s + n - m, suf, m) == 0;
}

/* s[0..n) names a key type OpenSSH knows, accepted here or not */
static int is_type_name(const char *s, size_t n)
{
	return ktype_find(s, n) || (n == strlen(DSA_TYPE) && memcmp(s, DSA_TYPE, n) == 0) ||
	       has_suffix(s, n, CERT_SUFFIX);
}

/* The message for a type we do not accept (s[0..n) is not in ktypes). */
static int refuse_type(char *why, const char *s, size_t n)
{
	if (n == strlen(DSA_TYPE) && memcmp(s, DSA_TYPE, n) == 0)
		return refuse(why, PP_EINVAL,
		              "is a DSA key (ssh-dss), which OpenSSH no longer accepts: generate "
		              "a new key with `ssh-keygen -t ed25519`");
	if (has_suffix(s, n, CERT_SUFFIX))
		return refuse(why, PP_EINVAL,
		              "is an SSH certificate: paste the plain public key (the .pub file)");
	return refuse(why, PP_EINVAL, "has an unknown key type: %s", ACCEPTED);
}

/* ---- the blob ---- */

struct rd {
	const unsigned char *p;
	size_t n;
};

/* The next SSH string (uint32 length, then the bytes); 0, or -1 when truncated. */
static int rd_str(struct rd *r, const unsigned char **s, size_t *len)
{
	if (r->n < 4)
		return -1;
	uint32_t l = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 |
	             r->p[3];
	if (l > r->n - 4)
		return -1;
	*s = r->p + 4;
	*len = l;
	r->p += 4 + (size_t)l;
	r->n -= 4 + (size_t)l;
	return 0;
}

static const char TRUNCATED[] = "is truncated: its key data ends too early";

/*
 * A positive mpint (RFC 4251 5) in its one canonical form: no sign bit, a
 * leading zero byte only in front of a byte with its top bit set. *bits gets
 * its size without that zero byte; *odd whether it is odd.
 */
static int mpint_check(const unsigned char *p, size_t n, int *bits, int *odd)
{
	if (n == 0 || (p[0] & 0x80))
		return -1; /* zero or negative */
	if (p[0] == 0) {
		if (n < 2 || !(p[1] & 0x80))
			return -1; /* a leading zero it does not need */
		p++;
		n--;
	}
	if (n > SSHKEY_RSA_MAX_BITS / 8 + 1)
		return -1; /* sizes below only make sense for bounded n */
	int top = 0;
	for (unsigned char c = p[0]; c; c >>= 1)
		top++;
	*bits = (int)((n - 1) * 8) + top;
	*odd = p[n - 1] & 1;
	return 0;
}

static int parse_rsa(struct rd *r, int *bits, char *why)
{
	const unsigned char *e, *n;
	size_t el, nl;
	int ebits, nbits, eodd, nodd;
	if (rd_str(r, &e, &el) || rd_str(r, &n, &nl))
		return refuse(why, PP_EINVAL, TRUNCATED);
	if (mpint_check(e, el, &ebits, &eodd) || !eodd || ebits < 2 || ebits > SSHKEY_RSA_E_MAX * 8)
		return refuse(why, PP_EINVAL,
		              "is not a valid RSA key: its public exponent is wrong");
	if (nl > SSHKEY_RSA_MAX_BITS / 8 + 1 || mpint_check(n, nl, &nbits, &nodd) == -1) {
		if (nl > SSHKEY_RSA_MAX_BITS / 8 + 1)
			return refuse(why, PP_EINVAL, "is an RSA key of more than %d bits",
			              SSHKEY_RSA_MAX_BITS);
		return refuse(why, PP_EINVAL, "is not a valid RSA key: its modulus is malformed");
	}
	if (!nodd)
		return refuse(why, PP_EINVAL, "is not a valid RSA key: its modulus is even");
	if (nbits < SSHKEY_RSA_MIN_BITS)
		return refuse(why, PP_EINVAL,
		              "is an RSA key of %d bits: RSA keys must have at least %d bits "
		              "(`ssh-keygen -t ed25519` makes a better key)",
		              nbits, SSHKEY_RSA_MIN_BITS);
	if (nbits > SSHKEY_RSA_MAX_BITS)
		return refuse(why, PP_EINVAL, "is an RSA key of more than %d bits",
		              SSHKEY_RSA_MAX_BITS);
	*bits = nbits;
	return 0;
}

/* Checks blob[0..len) against the declared type t; *bits gets the key size. */
static int parse_blob(const struct ktype *t, const unsigned char *blob, size_t len, int *bits,
                      char *why)
{
	struct rd r = {blob, len};
	const unsigned char *s;
	size_t sl;
	int rc;
	if (rd_str(&r, &s, &sl))
		return refuse(why, PP_EINVAL, TRUNCATED);
	if (sl != strlen(t->name) || memcmp(s, t->name, sl) != 0)
		return refuse(why, PP_EINVAL,
		              "does not hold the key its type announces: the type before the key "
		              "data is not the one inside it");
	*bits = t->bits;
	switch (t->kind) {
	case K_ED25519:
		if (rd_str(&r, &s, &sl))
			return refuse(why, PP_EINVAL, TRUNCATED);
		if (sl != t->key_len)
			return refuse(why, PP_EINVAL,
			              "is not a valid Ed25519 key: the key must be 32 bytes");
		break;
	case K_ECDSA:
		if (rd_str(&r, &s, &sl))
			return refuse(why, PP_EINVAL, TRUNCATED);
		if (sl != strlen(t->curve) || memcmp(s, t->curve, sl) != 0)
			return refuse(why, PP_EINVAL,
			              "is not a valid ECDSA key: its curve is not the one of its "
			              "type (%s)",
			              t->curve);
		if (rd_str(&r, &s, &sl))
			return refuse(why, PP_EINVAL, TRUNCATED);
		if (sl != t->key_len || s[0] != 0x04)
			return refuse(why, PP_EINVAL,
			              "is not a valid ECDSA key: the point must be an uncompressed "
			              "%s point of %zu bytes",
			              t->curve, t->key_len);
		break;
	case K_RSA:
		if ((rc = parse_rsa(&r, bits, why)))
			return rc;
		break;
	}
	if (t->sk) {
		if (rd_str(&r, &s, &sl))
			return refuse(why, PP_EINVAL, TRUNCATED);
		if (sl == 0 || sl > SSHKEY_SK_APP_MAX || memchr(s, 0, sl))
			return refuse(
			        why, PP_EINVAL,
			        "is not a valid security key: its application string is wrong");
	}
	if (r.n != 0)
		return refuse(why, PP_EINVAL, "is not a valid key: bytes follow the key data");
	return 0;
}

/* ---- building the result ---- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Decodes b64[0..n) for type t, checks the blob and fills a new key (line
 * with name as comment when name is set).
 */
static int build(const struct ktype *t, const char *b64, size_t n, const char *name,
                 struct sshkey **out, char *why)
{
	struct sshkey *k = NULL;
	int rc = PP_ENOMEM;
	size_t cap = n / 4 * 3 + 3, bl = 0, tl = strlen(t->name), nl = name ? strlen(name) : 0;
	unsigned char digest[crypto_hash_sha256_BYTES];

	*out = NULL;
	if (n == 0) {
		rc = refuse(why, PP_EINVAL, "has no key data after its type");
		goto out;
	}
	if (!(k = calloc(1, sizeof *k)) || !(k->blob = malloc(cap)))
		goto out;
	if (sodium_base642bin(k->blob, cap, b64, n, NULL, &bl, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0) {
		rc = refuse(why, PP_EINVAL, "has key data that is not valid base64");
		goto out;
	}
	k->blob_len = bl;
	k->type = t->name;
	if ((rc = parse_blob(t, k->blob, bl, &k->bits, why)))
		goto out;
	rc = PP_ENOMEM;
	size_t b64cap = sodium_base64_ENCODED_LEN(bl, sodium_base64_VARIANT_ORIGINAL);
	if (!(k->b64 = malloc(b64cap)))
		goto out;
	sodium_bin2base64(k->b64, b64cap, k->blob, bl, sodium_base64_VARIANT_ORIGINAL);
	size_t linecap = tl + 1 + strlen(k->b64) + (nl ? 1 + nl : 0) + 1;
	if (!(k->line = malloc(linecap)))
		goto out;
	snprintf(k->line, linecap, nl ? "%s %s %s" : "%s %s", t->name, k->b64, nl ? name : "");
	crypto_hash_sha256(digest, k->blob, bl);
	memcpy(k->fingerprint, "SHA256:", 7);
	sodium_bin2base64(k->fingerprint + 7, sizeof k->fingerprint - 7, digest, sizeof digest,
	                  sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	sodium_bin2hex(k->sha256_hex, sizeof k->sha256_hex, digest, sizeof digest);
	*out = k;
	k = NULL;
	rc = 0;
out:
	sshkey_free(k);
	return rc;
}

static int has(const char *text, size_t len, const char *needle)
{
	return memmem(text, len, needle, strlen(needle)) != NULL;
}

/* Refusals of whole formats that are not one OpenSSH public key line. */
static int refuse_format(const char *text, size_t len, char *why)
{
	if (has(text, len, "PuTTY-User-Key-File"))
		return refuse(why, PP_EINVAL,
		              "is a PuTTY private key file (.ppk): paste its public key in OpenSSH "
		              "format (PuTTYgen's \"Public key for pasting into OpenSSH "
		              "authorized_keys file\", or `puttygen FILE -O public-openssh`)");
	if (has(text, len, "PRIVATE KEY"))
		return refuse(why, PP_EINVAL,
		              "is a private key: paste the public key, the .pub file (such as "
		              "~/.ssh/id_ed25519.pub), and keep the private key secret");
	if (has(text, len, "BEGIN SSH2 PUBLIC KEY"))
		return refuse(why, PP_EINVAL,
		              "is an RFC 4716 (SSH2) public key: convert it to the OpenSSH format "
		              "with `ssh-keygen -i -f FILE` and paste the result");
	if (has(text, len, "-----BEGIN "))
		return refuse(why, PP_EINVAL,
		              "is a PEM public key: convert it to the OpenSSH format with "
		              "`ssh-keygen -i -m PKCS8 -f FILE` and paste the result");
	return 0;
}

int sshkey_parse(const char *text, size_t len, const char *name, struct sshkey **out, char *why)
{
	*out = NULL;
	why[0] = 0;
	if (len > SSHKEY_TEXT_MAX)
		return refuse(why, PP_ETOOBIG, "is too long (maximum is %d KiB)",
		              SSHKEY_TEXT_MAX / 1024);
	if (memchr(text, 0, len))
		return refuse(why, PP_EINVAL, "is not a public key: it contains a NUL byte");
	if (name)
		for (const unsigned char *p = (const unsigned char *)name; *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				return refuse(why, PP_EINVAL,
				              "cannot take a name with control characters");
	int rc = refuse_format(text, len, why);
	if (rc)
		return rc;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3; /* a byte order mark from a Windows editor */
		len -= 3;
	}

	/* the one non-blank line */
	const char *line = NULL, *end = text + len;
	size_t ll = 0;
	for (const char *p = text; p < end;) {
		const char *e = p;
		while (e < end && *e != '\n' && *e != '\r')
			e++;
		const char *a = p, *b = e;
		while (a < b && is_blank(*a))
			a++;
		while (b > a && is_blank(b[-1]))
			b--;
		if (a < b) {
			if (line)
				return refuse(
				        why, PP_EINVAL,
				        "must hold one key on one line: add each key separately");
			line = a;
			ll = (size_t)(b - a);
		}
		p = e < end ? e + 1 : e;
	}
	if (!line)
		return refuse(why, PP_EINVAL, "can't be blank");

	/* its words: type, base64, then a comment we drop */
	const char *w[3] = {NULL, NULL, NULL};
	size_t wl[3] = {0, 0, 0}, nw = 0;
	int type_later = 0; /* a key type name among the words after the first */
	for (const char *p = line, *le = line + ll; p < le;) {
		while (p < le && is_blank(*p))
			p++;
		const char *s = p;
		while (p < le && !is_blank(*p))
			p++;
		if (s == p)
			break;
		if (nw < 3) {
			w[nw] = s;
			wl[nw] = (size_t)(p - s);
		}
		if (nw > 0 && is_type_name(s, (size_t)(p - s)))
			type_later = 1;
		nw++;
	}
	const struct ktype *t = ktype_find(w[0], wl[0]);
	if (!t && !is_type_name(w[0], wl[0])) {
		if (type_later || memchr(w[0], '=', wl[0]) || memchr(w[0], '"', wl[0]))
			return refuse(why, PP_EINVAL,
			              "has options before the key type (such as command=\"...\"): "
			              "options are not accepted, paste only the key "
			              "(`type base64 comment`)");
		if (wl[0] >= 4 && memcmp(w[0], "AAAA", 4) == 0)
			return refuse(why, PP_EINVAL,
			              "must start with the key type (such as ssh-ed25519)");
	}
	if (!t)
		return refuse_type(why, w[0], wl[0]);
	if (type_later)
		return refuse(why, PP_EINVAL,
		              "must hold one key on one line: add each key separately");
	return build(t, w[1], wl[1], name, out, why);
}

int sshkey_parse_pair(const char *type, const char *b64, struct sshkey **out, char *why)
{
	*out = NULL;
	why[0] = 0;
	size_t tl = strlen(type), bl = strnlen(b64, SSHKEY_TEXT_MAX + 1);
	if (bl > SSHKEY_TEXT_MAX)
		return refuse(why, PP_ETOOBIG, "is too long (maximum is %d KiB)",
		              SSHKEY_TEXT_MAX / 1024);
	const struct ktype *t = ktype_find(type, tl);
	if (!t)
		return refuse_type(why, type, tl);
	return build(t, b64, bl, NULL, out, why);
}

void sshkey_free(struct sshkey *k)
{
	if (!k)
		return;
	free(k->blob);
	free(k->b64);
	free(k->line);
	free(k);
}
