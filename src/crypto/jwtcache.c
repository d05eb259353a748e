/* jwtcache.c - verified-JWT cache (see jwtcache.h). */
#include "crypto/jwtcache.h"
#include "util/err.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define JWTCACHE_LOCKS 16

struct slot {
	size_t len; /* 0 = empty */
	char token[JWT_MAX_LEN];
	struct jwt_claims claims;
};

struct jwtcache {
	unsigned char key[crypto_shorthash_KEYBYTES];
	pthread_mutex_t mu[JWTCACHE_LOCKS];
	struct slot slots[JWTCACHE_SLOTS];
};

int jwtcache_new(struct jwtcache **out)
{
	struct jwtcache *c = calloc(1, sizeof *c);
	if (!c)
		return PP_ENOMEM;
	crypto_shorthash_keygen(c->key);
	for (int i = 0; i < JWTCACHE_LOCKS; i++)
		pthread_mutex_init(&c->mu[i], NULL);
	*out = c;
	return 0;
}

void jwtcache_free(struct jwtcache *c)
{
	if (!c)
		return;
	for (int i = 0; i < JWTCACHE_LOCKS; i++)
		pthread_mutex_destroy(&c->mu[i]);
	sodium_memzero(c, sizeof *c);
	free(c);
}

static size_t slot_of(struct jwtcache *c, const char *token, size_t len)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t v;
	crypto_shorthash(h, (const unsigned char *)token, len, c->key);
	memcpy(&v, h, sizeof v);
	return (size_t)(v % JWTCACHE_SLOTS);
}

int jwtcache_get(struct jwtcache *c, const char *token, size_t len, int64_t now_s,
                 struct jwt_claims *claims)
{
	if (len == 0 || len >= JWT_MAX_LEN)
		return PP_ENOTFOUND;
	size_t i = slot_of(c, token, len);
	int rc = PP_ENOTFOUND;
	pthread_mutex_t *mu = &c->mu[i % JWTCACHE_LOCKS];
	pthread_mutex_lock(mu);
	struct slot *s = &c->slots[i];
	if (s->len == len && sodium_memcmp(s->token, token, len) == 0 && now_s < s->claims.exp) {
		*claims = s->claims;
		rc = 0;
	}
	pthread_mutex_unlock(mu);
	return rc;
}

void jwtcache_put(struct jwtcache *c, const char *token, size_t len,
                  const struct jwt_claims *claims)
{
	if (len == 0 || len >= JWT_MAX_LEN)
		return;
	size_t i = slot_of(c, token, len);
	pthread_mutex_t *mu = &c->mu[i % JWTCACHE_LOCKS];
	pthread_mutex_lock(mu);
	struct slot *s = &c->slots[i];
	memcpy(s->token, token, len);
	s->len = len;
	s->claims = *claims;
	pthread_mutex_unlock(mu);
}
