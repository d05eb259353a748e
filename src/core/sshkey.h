/*
 * sshkey.h - pure parser of OpenSSH public keys: the one line a user pastes
 * (POST /v1/keys "content") and the type/base64 pair sshd hands to
 * AuthorizedKeysCommand (%t %k). The wire format is read here, field by field
 * (RFC 4253 6.6, RFC 5656, RFC 8709, OpenSSH PROTOCOL.u2f): the declared type
 * must equal the one inside the blob, every length is exact, nothing trails.
 * No I/O, no store: the result carries what the store keeps (the normalized
 * line, the fingerprint as `ssh-keygen -lf` prints it, the SHA-256 of the
 * blob in hex for the lookup index).
 */
#ifndef PP_SSHKEY_H
#define PP_SSHKEY_H

#include <stddef.h>

/* Longest text accepted (the whole paste, or the %k base64): 16 KiB. */
#define SSHKEY_TEXT_MAX (16 * 1024)
/* RSA modulus bounds, in bits (OpenSSH's own upper bound is 16384 too). */
#define SSHKEY_RSA_MIN_BITS 2048
#define SSHKEY_RSA_MAX_BITS 16384
/* Longest RSA public exponent, in bytes (64 bits, as OpenSSL allows). */
#define SSHKEY_RSA_E_MAX 8
/* Longest sk- application string ("ssh:" by default), in bytes. */
#define SSHKEY_SK_APP_MAX 256
/* Room for the refusal message (why) and the outputs below. */
#define SSHKEY_WHY_MAX 256
/* "SHA256:" + 43 characters of unpadded base64 + NUL */
#define SSHKEY_FP_SIZE 51
/* 64 lowercase hex digits + NUL */
#define SSHKEY_SHA256_HEX_SIZE 65

struct sshkey {
	const char *type;    /* static: "ssh-ed25519", "ssh-rsa" ... */
	int bits;            /* as ssh-keygen -l prints it: 256, 384, 521, RSA modulus bits */
	unsigned char *blob; /* the decoded key blob */
	size_t blob_len;
	char *b64;  /* base64 of blob, padded, as OpenSSH writes it */
	char *line; /* the stored form: "type b64", or "type b64 name" when a name was given */
	char fingerprint[SSHKEY_FP_SIZE];        /* "SHA256:..." exactly as ssh-keygen -lf */
	char sha256_hex[SSHKEY_SHA256_HEX_SIZE]; /* hex SHA-256 of blob: the lookup index */
};

/*
 * Parses text[0..len) (any bytes: a NUL is refused), one OpenSSH public key
 * line `type base64 [comment]`, with surrounding whitespace, CR/LF, a UTF-8
 * byte order mark and a trailing comment tolerated; the comment is dropped.
 * name (may be NULL or empty) becomes the comment of the normalized line; it
 * must hold no control character (the caller validates it as a field first).
 * Returns 0 and *out (free with sshkey_free), or PP_EINVAL / PP_ETOOBIG with
 * the reason in why[SSHKEY_WHY_MAX] (a sentence for a 422 on "content":
 * "is a private key: ..."), or PP_ENOMEM.
 */
int sshkey_parse(const char *text, size_t len, const char *name, struct sshkey **out, char *why);

/*
 * Parses the pair sshd gives AuthorizedKeysCommand as %t and %k: the key type
 * and the base64 blob, with the same checks on the blob (no whitespace, no
 * comment). Same returns as sshkey_parse; line is "type b64".
 */
int sshkey_parse_pair(const char *type, const char *b64, struct sshkey **out, char *why);

/* Frees k and what it holds; accepts NULL. */
void sshkey_free(struct sshkey *k);

#endif
