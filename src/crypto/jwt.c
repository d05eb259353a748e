/* jwt.c - HS256 JWT sign/verify with libsodium's HMAC-SHA-256 (see jwt.h). */
#include "crypto/jwt.h"
#include "util/err.h"

#include <jansson.h>
#include <sodium.h>
#include <string.h>

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
static const char jwt_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
/* base64url(jwt_header): tokens we signed skip the header decoding */
static const char jwt_header_b64[] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

int jwt_sign(const unsigned char key[JWT_KEY_LEN], const struct jwt_claims *c, char *out)
{
	int rc = PP_ENOMEM;
	char *payload = NULL;
	json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "sub", c->sub, "tid", c->tid, "tv",
	                      (json_int_t)c->tv, "ae", (json_int_t)c->ae, "iat", (json_int_t)c->iat,
	                      "exp", (json_int_t)c->exp);
	if (!o)
		goto out;
	payload = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	if (!payload)
		goto out;
	size_t hl = sodium_base64_ENCODED_LEN(sizeof jwt_header - 1, B64);
	size_t pl = sodium_base64_ENCODED_LEN(strlen(payload), B64);
	size_t sl = sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES, B64);
	if (hl + pl + sl + 2 > JWT_MAX_LEN) {
		rc = PP_ETOOBIG;
		goto out;
	}
	sodium_bin2base64(out, hl, (const unsigned char *)jwt_header, sizeof jwt_header - 1, B64);
	size_t n = strlen(out);
	out[n++] = '.';
	sodium_bin2base64(out + n, pl, (const unsigned char *)payload, strlen(payload), B64);
	n += strlen(out + n);
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256(mac, (const unsigned char *)out, n, key);
	out[n++] = '.';
	sodium_bin2base64(out + n, sl, mac, sizeof mac, B64);
	rc = 0;
out:
	free(payload);
	json_decref(o);
	return rc;
}

static int copy_str(json_t *o, const char *k, char *dst, size_t cap)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_string(v) || json_string_length(v) >= cap)
		return PP_EAUTH;
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int get_int(json_t *o, const char *k, int64_t *dst)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v))
		return PP_EAUTH;
	*dst = (int64_t)json_integer_value(v);
	return 0;
}

int jwt_verify(const unsigned char key[JWT_KEY_LEN], const char *token, size_t len, int64_t now_s,
               struct jwt_claims *c)
{
	int rc = PP_EAUTH;
	json_t *h = NULL, *p = NULL;
	unsigned char dec[JWT_MAX_LEN];
	size_t declen;
	if (len == 0 || len >= JWT_MAX_LEN || memchr(token, 0, len))
		return PP_EAUTH;
	const char *d1 = memchr(token, '.', len);
	if (!d1)
		return PP_EAUTH;
	const char *d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token));
	if (!d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)))
		return PP_EAUTH;
	/* signature first: nothing of an unauthenticated token is parsed further */
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256(mac, (const unsigned char *)token, (size_t)(d2 - token), key);
	if (sodium_base642bin(dec, sizeof dec, d2 + 1, len - (size_t)(d2 + 1 - token), NULL,
	                      &declen, NULL, B64) != 0 ||
	    declen != sizeof mac || sodium_memcmp(dec, mac, sizeof mac) != 0)
		goto out;
	/* fast path: the exact header jwt_sign() writes */
	if ((size_t)(d1 - token) == sizeof jwt_header_b64 - 1 &&
	    memcmp(token, jwt_header_b64, sizeof jwt_header_b64 - 1) == 0)
		goto payload;
	if (sodium_base642bin(dec, sizeof dec, token, (size_t)(d1 - token), NULL, &declen, NULL,
	                      B64) != 0)
		goto out;
	h = json_loadb((const char *)dec, declen, JSON_REJECT_DUPLICATES, NULL);
	/* exactly {"alg":"HS256"} with an optional "typ":"JWT": no crit, kid, jku... */
	json_t *alg = json_object_get(h, "alg"), *typ = json_object_get(h, "typ");
	if (!json_is_object(h) || !json_is_string(alg) || strcmp(json_string_value(alg), "HS256") ||
	    json_object_size(h) != (typ ? 2u : 1u) ||
	    (typ && (!json_is_string(typ) || strcmp(json_string_value(typ), "JWT"))))
		goto out;
payload:
	if (sodium_base642bin(dec, sizeof dec, d1 + 1, (size_t)(d2 - d1 - 1), NULL, &declen, NULL,
	                      B64) != 0)
		goto out;
	p = json_loadb((const char *)dec, declen, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(p))
		goto out;
	memset(c, 0, sizeof *c);
	if (copy_str(p, "sub", c->sub, sizeof c->sub) ||
	    copy_str(p, "tid", c->tid, sizeof c->tid) || get_int(p, "tv", &c->tv) ||
	    get_int(p, "ae", &c->ae) || get_int(p, "iat", &c->iat) || get_int(p, "exp", &c->exp))
		goto out;
	rc = now_s < c->exp ? 0 : PP_EEXPIRED;
out:
	json_decref(h);
	json_decref(p);
	return rc;
}
