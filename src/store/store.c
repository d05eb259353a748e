/*
 * store.c - the one entry to storage: store_open picks the engine by the URI
 * (a postgresql:// or postgres:// URI is PostgreSQL, anything else a SQLite
 * file path), and every public store_* call forwards to the engine of the
 * connection it is given (the list is in store_ops.h).
 */
#include "store/store_ops.h"
#include "util/err.h"
#include "util/log.h"

#include <string.h>

int store_is_postgresql_uri(const char *uri)
{
	return strncmp(uri, "postgresql://", 13) == 0 || strncmp(uri, "postgres://", 11) == 0;
}

void store_uri_redacted(const char *uri, char *out, size_t cap)
{
	size_t n = 0;
	const char *p = uri, *at = NULL, *colon = NULL;
	if (cap == 0)
		return;
	if (store_is_postgresql_uri(uri)) {
		const char *auth = strstr(uri, "://") + 3;
		size_t len = strcspn(auth, "/?#");
		for (const char *q = auth; q < auth + len; q++)
			if (*q == '@')
				at = q;
		if (at)
			colon = memchr(auth, ':', (size_t)(at - auth));
	}
	while (*p && n + 1 < cap) {
		if (colon && p == colon + 1) {
			for (const char *r = "***"; *r && n + 1 < cap; r++)
				out[n++] = *r;
			p = at;
			continue;
		}
		if (store_is_postgresql_uri(uri) && strncmp(p, "password=", 9) == 0 &&
		    (p == uri || p[-1] == '?' || p[-1] == '&')) {
			for (const char *r = "password=***"; *r && n + 1 < cap; r++)
				out[n++] = *r;
			p += strcspn(p, "&#");
			continue;
		}
		out[n++] = *p++;
	}
	out[n] = 0;
}

int store_open(const char *uri, int pool_size, struct store **out)
{
	if (store_is_postgresql_uri(uri))
		return pg_open(uri, pool_size, out);
	return sq_open(uri, pool_size, out);
}

int store_open_existing(const char *uri, int pool_size, struct store **out)
{
	if (store_is_postgresql_uri(uri))
		return store_open(uri, pool_size, out);
	return sq_open_existing(uri, pool_size, out);
}

int store_schema_version(void)
{
	/* both engines number their migrations alike (each checks it at open) */
	return sq_schema_version();
}

const char *store_engine(const struct store *s)
{
	return store_ops_of(s)->engine;
}

void store_close(struct store *s)
{
	if (s)
		store_ops_of(s)->close(s);
}

struct store_conn *store_acquire(struct store *s)
{
	return store_ops_of(s)->acquire(s);
}

void store_release(struct store *s, struct store_conn *c)
{
	if (c)
		store_ops_of(s)->release(s, c);
}

#define STORE_FORWARD(ret, name, params, args)                                                     \
	ret store_##name params                                                                    \
	{                                                                                          \
		return store_ops_of(c)->name args;                                                 \
	}
#define STORE_FORWARD_VOID(ret, name, params, args)                                                \
	ret store_##name params                                                                    \
	{                                                                                          \
		store_ops_of(c)->name args;                                                        \
	}

STORE_OPS(STORE_FORWARD, STORE_FORWARD_VOID)
