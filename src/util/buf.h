/*
 * buf.h - the one dynamic string/byte buffer type.
 *
 * Invariants: data is NUL-terminated whenever cap > 0 (data[len] == 0), so a
 * buf can be used as a C string; len never exceeds max. Appending past max
 * fails with PP_ETOOBIG and leaves the buffer unchanged. A zeroed struct buf
 * with max 0 is invalid: always buf_init() first.
 */
#ifndef PP_BUF_H
#define PP_BUF_H

#include <stddef.h>
#include <stdarg.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* hard cap on len */
};

void buf_init(struct buf *b, size_t max);
/* Frees the memory; the buf may be reused after buf_init(). Accepts NULL. */
void buf_release(struct buf *b);
/* Forgets the content, keeps the memory. */
void buf_reset(struct buf *b);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_appendz(struct buf *b, const char *s);
int buf_appendf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vappendf(struct buf *b, const char *fmt, va_list ap);
/* Hands the memory to the caller (who frees it) and resets b. Never NULL on success. */
char *buf_detach(struct buf *b, size_t *len);

#endif
