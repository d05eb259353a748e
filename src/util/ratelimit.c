/* ratelimit.c - bounded fixed-window rate limiter (see ratelimit.h). */
#include "util/ratelimit.h"
#include "util/err.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	uint64_t key;
	int64_t window_start;
	int count;
	int full; /* count reached the limit: the key is refused until its window ends */
};

struct strike {
	uint64_t key;
	int64_t locked_until;
	int count;
};

struct ratelimit {
	pthread_mutex_t mu;
	unsigned char hkey[crypto_shorthash_KEYBYTES]; /* keyed hash: no crafted collisions */
	struct slot slots[RL_SLOTS];
	struct strike strikes[RL_SLOTS];
};

static uint64_t key_hash(const struct ratelimit *rl, const char *key)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t k;
	crypto_shorthash(h, (const unsigned char *)key, strlen(key), rl->hkey);
	memcpy(&k, h, sizeof k);
	return k | 1; /* 0 marks an empty slot */
}

int rl_new(struct ratelimit **out)
{
	struct ratelimit *rl = calloc(1, sizeof *rl);
	if (!rl)
		return PP_ENOMEM;
	pthread_mutex_init(&rl->mu, NULL);
	crypto_shorthash_keygen(rl->hkey);
	*out = rl;
	return 0;
}

void rl_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl);
}

int rl_hit(struct ratelimit *rl, const char *key, int limit, int64_t window_ms, int64_t now_ms,
           int64_t *retry_ms)
{
	uint64_t k = key_hash(rl, key);
	int rc = 0;
	pthread_mutex_lock(&rl->mu);
	struct slot *s = &rl->slots[k % RL_SLOTS];
	if (s->key != k && s->key && s->full && now_ms - s->window_start < window_ms)
		goto out; /* a blocked key keeps its slot: the colliding one passes uncounted */
	if (s->key != k || now_ms - s->window_start >= window_ms) {
		/* a colliding key takes an unblocked slot over: at worst a count restarts early */
		s->key = k;
		s->window_start = now_ms;
		s->count = 0;
		s->full = 0;
	}
	if (s->count >= limit) {
		*retry_ms = s->window_start + window_ms - now_ms;
		rc = PP_EBUSY;
	} else {
		s->count++;
		s->full = s->count >= limit;
	}
out:
	pthread_mutex_unlock(&rl->mu);
	return rc;
}

void rl_strike(struct ratelimit *rl, const char *key, int threshold, int64_t lock_ms,
               int64_t now_ms, int *locked)
{
	uint64_t k = key_hash(rl, key);
	*locked = 0;
	pthread_mutex_lock(&rl->mu);
	struct strike *s = &rl->strikes[k % RL_SLOTS];
	if (s->key != k) {
		/* a running lock keeps its slot: only an unlocked count is lost to a collision */
		if (s->key && s->locked_until > now_ms)
			goto out;
		s->key = k;
		s->locked_until = 0;
		s->count = 0;
	}
	if (++s->count >= threshold) {
		s->count = 0;
		s->locked_until = now_ms + lock_ms;
		*locked = 1;
	}
out:
	pthread_mutex_unlock(&rl->mu);
}

int rl_locked(struct ratelimit *rl, const char *key, int64_t now_ms, int64_t *retry_ms)
{
	uint64_t k = key_hash(rl, key);
	int locked = 0;
	pthread_mutex_lock(&rl->mu);
	const struct strike *s = &rl->strikes[k % RL_SLOTS];
	if (s->key == k && s->locked_until > now_ms) {
		*retry_ms = s->locked_until - now_ms;
		locked = 1;
	}
	pthread_mutex_unlock(&rl->mu);
	return locked;
}
