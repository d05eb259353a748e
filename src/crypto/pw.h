/*
 * pw.h - password hashing with argon2id (libsodium crypto_pwhash_str).
 *
 * Each hash or verify allocates memlimit bytes, so at most `concurrency` run
 * at once (a semaphore); callers wait their turn. pw_verify_dummy() spends the
 * same time as a real verify, for logins of unknown accounts (no timing
 * oracle for account existence).
 */
#ifndef PP_PW_H
#define PP_PW_H

#include <stddef.h>

#define PW_MIN_CHARS 12  /* ASVS 2.1.1 */
#define PW_MAX_CHARS 128 /* ASVS 2.1.2: allow 64+, deny above 128 */
#define PW_HASH_MAX  160

struct pw;

int pw_new(unsigned long long opslimit, size_t memlimit_bytes, int concurrency, struct pw **out);
void pw_free(struct pw *p);
int pw_hash(struct pw *p, const char *password, char out[PW_HASH_MAX]);
/* 0 when password matches hash, PP_EAUTH otherwise. */
int pw_verify(struct pw *p, const char *hash, const char *password);
void pw_verify_dummy(struct pw *p, const char *password);
/* 1 when hash was made with other parameters than the current ones. */
int pw_needs_rehash(struct pw *p, const char *hash);

/*
 * Pure policy check. Returns NULL when acceptable, else a message for the
 * user: length in characters (UTF-8 code points), not a common password, not
 * the username or email.
 */
const char *pw_policy(const char *password, const char *username, const char *email);

#endif
