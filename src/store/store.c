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

int store_open(const char *uri, int pool_size, struct store **out)
{
	if (store_is_postgresql_uri(uri))
		return pg_open(uri, pool_size, out);
	return sq_open(uri, pool_size, out);
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
