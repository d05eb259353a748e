/* pw.c - argon2id hashing with a concurrency cap, and the password policy. */
#include "crypto/pw.h"
#include "util/str.h"
#include "util/err.h"

#include <ctype.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct pw {
	unsigned long long ops;
	size_t mem;
	sem_t slots;
	char dummy[crypto_pwhash_STRBYTES];
};

int pw_new(unsigned long long opslimit, size_t memlimit_bytes, int concurrency, struct pw **out)
{
	struct pw *p = calloc(1, sizeof *p);
	if (!p)
		return PP_ENOMEM;
	if (concurrency <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		concurrency = n > 0 ? (int)n : 1;
	}
	p->ops = opslimit;
	p->mem = memlimit_bytes;
	sem_init(&p->slots, 0, (unsigned)concurrency);
	/* a hash of a random password, for pw_verify_dummy */
	char rnd[33];
	randombytes_buf(rnd, 32);
	for (int i = 0; i < 32; i++)
		rnd[i] = (char)('a' + ((unsigned char)rnd[i] % 26));
	rnd[32] = 0;
	if (crypto_pwhash_str(p->dummy, rnd, 32, p->ops, p->mem) != 0) {
		pw_free(p);
		return PP_ENOMEM;
	}
	*out = p;
	return 0;
}

void pw_free(struct pw *p)
{
	if (!p)
		return;
	sem_destroy(&p->slots);
	free(p);
}

static void slot_take(struct pw *p)
{
	while (sem_wait(&p->slots) != 0)
		;
}

int pw_hash(struct pw *p, const char *password, char out[PW_HASH_MAX])
{
	char tmp[crypto_pwhash_STRBYTES];
	slot_take(p);
	int rc = crypto_pwhash_str(tmp, password, strlen(password), p->ops, p->mem);
	sem_post(&p->slots);
	if (rc != 0)
		return PP_ENOMEM;
	_Static_assert(crypto_pwhash_STRBYTES <= PW_HASH_MAX, "hash buffer");
	memcpy(out, tmp, sizeof tmp);
	return 0;
}

int pw_verify(struct pw *p, const char *hash, const char *password)
{
	slot_take(p);
	int rc = crypto_pwhash_str_verify(hash, password, strlen(password));
	sem_post(&p->slots);
	return rc == 0 ? 0 : PP_EAUTH;
}

void pw_verify_dummy(struct pw *p, const char *password)
{
	(void)pw_verify(p, p->dummy, password);
}

int pw_needs_rehash(struct pw *p, const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, p->ops, p->mem) != 0;
}

/* The most common passwords of 12+ characters in public breach lists. */
static const char *const common[] = {
        "123456789012",  "1234567890123", "12345678901234", "123456789123",  "qwertyuiopas",
        "qwertyuiop123", "qwerty123456",  "password1234",   "password12345", "passwordpassword",
        "111111111111",  "000000000000",  "aaaaaaaaaaaa",   "abcdefghijkl",  "abc123456789",
        "iloveyou1234",  "1q2w3e4r5t6y",  "1qaz2wsx3edc",   "zaq12wsxcde3",  "qazwsxedcrfv",
        "letmein12345",  "welcome12345",  "administrator",  "changeme1234",  "trustno11234",
        "monkey123456",  "dragon123456",  "football1234",   "baseball1234",  "superman1234",
        "sunshine1234",  "princess1234",  "azertyuiop12",   "azerty123456",  "motdepasse12",
        "passw0rd1234",  "p@ssw0rd1234",  "qwertyqwerty",   "asdfghjkl123",  "1234qwerasdf",
        "0987654321qw",  "987654321098",  "147258369147",   "michael12345",  "jessica12345",
};

const char *pw_policy(const char *password, const char *username, const char *email)
{
	size_t n = str_utf8_chars(password);
	if (n < PW_MIN_CHARS)
		return "is too short (minimum is 12 characters)";
	if (n > PW_MAX_CHARS)
		return "is too long (maximum is 128 characters)";
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (strcasecmp(password, common[i]) == 0)
			return "is too common, choose another one";
	if ((username && *username && strcasecmp(password, username) == 0) ||
	    (email && *email && strcasecmp(password, email) == 0))
		return "must differ from your username and email";
	/* one repeated character (of any UTF-8 length) is no password */
	size_t cl = 1;
	while (password[cl] && ((unsigned char)password[cl] & 0xC0) == 0x80)
		cl++;
	size_t len = strlen(password);
	int same = len % cl == 0;
	for (size_t i = cl; same && i < len; i += cl)
		same = memcmp(password + i, password, cl) == 0;
	if (same)
		return "is too common, choose another one";
	return NULL;
}
