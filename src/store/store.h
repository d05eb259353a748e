/*
 * store.h - the public storage API: a pool of opaque connections, transactions
 * of two kinds, and the engine-independent housekeeping calls. The per-area
 * calls are in store_acct.h, store_apps.h and store_events.h; the records
 * they fill are in model.h.
 *
 * Nothing here names an engine: the SQLite engine (the default) lives under
 * src/store/sqlite/ and is private to src/store/; a PostgreSQL engine plugs in
 * beside it (src/store/pg/) behind these same declarations. The database URI
 * picks the engine: a path is SQLite, a postgresql:// URI is PostgreSQL.
 *
 * Contract every engine keeps (tests/unit/test_store.c checks it):
 *  - errors: 0 or a negative PP_E* code; a unique or foreign-key violation is
 *    PP_ECONFLICT, a lock or serialization failure PP_EBUSY, anything else
 *    PP_EDB (logged). A database error is never read as "absent" or "free".
 *  - uniqueness is decided by unique constraints at write time, never by a
 *    read before the write, so any number of writers may run at once.
 *  - times are int64 milliseconds (UTC) and money int64 cents: 64-bit columns.
 */
#ifndef PP_STORE_H
#define PP_STORE_H

#include "model.h"

#include <stddef.h>
#include <stdint.h>

#define STORE_POOL_MAX 64

struct store;
struct store_conn; /* one engine connection; lent to one thread at a time */

enum store_tx {
	/* A consistent snapshot for reads only: every statement of the transaction
	 * sees the same committed state (SQLite: BEGIN DEFERRED, the snapshot taken
	 * at the first read; PostgreSQL: BEGIN ISOLATION LEVEL REPEATABLE READ,
	 * READ ONLY). Do not write in it. */
	STORE_TX_READ = 1,
	/* A read-write transaction that holds the write lock it needs from its
	 * first statement, so it never fails half-way on a lock upgrade (SQLite:
	 * BEGIN IMMEDIATE; PostgreSQL: BEGIN, READ COMMITTED, with row locks). */
	STORE_TX_WRITE = 2,
};

/*
 * Opens the database named by uri (a file path for SQLite) with pool_size
 * connections and applies the migrations; PP_EDB with a message logged on
 * failure (*out untouched). A newer schema than this binary knows is refused.
 */
int store_open(const char *uri, int pool_size, struct store **out);
/*
 * For short-lived helpers (paasport-ssh): opens a database paasportd already
 * made, without creating it and without migrating; PP_EDB when its schema is
 * not exactly this binary's. (PostgreSQL: as store_open.)
 */
int store_open_existing(const char *uri, int pool_size, struct store **out);
void store_close(struct store *s);
/* 1 when uri names a PostgreSQL database (postgresql:// or postgres://). */
int store_is_postgresql_uri(const char *uri);
/* uri fit for a log line: the password of a PostgreSQL URI (user:PASSWORD@ or
 * password=... in its parameters) replaced by "***". Truncates to cap. */
void store_uri_redacted(const char *uri, char *out, size_t cap);
/* The engine behind s: "sqlite" or "postgresql". */
const char *store_engine(const struct store *s);

/* Borrow / give back a connection (blocks while all are lent). Release rolls
 * back a transaction left open. */
struct store_conn *store_acquire(struct store *s);
void store_release(struct store *s, struct store_conn *c);

/* Transactions do not nest: PP_EINVAL when one is already open on c. */
int store_tx_begin(struct store_conn *c, enum store_tx kind);
/* On failure the transaction is rolled back. */
int store_tx_commit(struct store_conn *c);
/* Does nothing when no transaction is open. */
void store_tx_rollback(struct store_conn *c);

/*
 * Inside a STORE_TX_WRITE transaction: holds the lock named `name` until the
 * transaction ends, so that read-then-write checks on the same name (a quota
 * counted before an insert, a mail limit before a mail) run one at a time
 * across all nodes. SQLite: nothing to do (BEGIN IMMEDIATE already holds the
 * one write lock); PostgreSQL: a transaction-level advisory lock on a hash of
 * the name. Take several in a fixed order (account before address).
 */
int store_tx_lock(struct store_conn *c, const char *name);

/* 0 when the database answers a query on c (for /healthz). */
int store_ping(struct store_conn *c);

/* Schema version of the binary (the highest migration it knows). */
int store_schema_version(void);
/* Schema version recorded in the database. */
int store_schema_applied(struct store_conn *c, int *version);

/* A random per-deployment secret kept in the database (created on first use;
 * the first writer wins, every node then reads the same value). */
int store_server_secret(struct store_conn *c, const char *name, unsigned char *out, size_t len);

/*
 * Counters shared by every node on the database (the login throttles; see
 * core/throttle.c). Each call is one statement, outside any transaction of the
 * caller's (a throttle counts even when the request then fails).
 *
 * store_throttle_hit: one hit for key in a fixed window of window_ms that
 * starts at the key's first hit; *hits is the count in the current window and
 * *window_end when that window ends.
 */
int store_throttle_hit(struct store_conn *c, const char *key, int64_t now, int64_t window_ms,
                       int64_t *hits, int64_t *window_end);
/* One failure for key: the threshold-th sets locked_until = now + lock_ms and
 * restarts the count (*locked = 1). */
int store_strike_add(struct store_conn *c, const char *key, int64_t now, int threshold,
                     int64_t lock_ms, int *locked);
/* *locked_until of key (0 when none or never locked). */
int store_strike_locked_until(struct store_conn *c, const char *key, int64_t *locked_until);
/* Drops the counters nobody needs any more: throttle windows that ended before
 * `before`, strikes untouched since `before` and not locked at `now`. */
int store_counters_sweep(struct store_conn *c, int64_t now, int64_t before);
/*
 * Claims the periodic job `name` for this node: 1 in *claimed when its time has
 * come (next_run_at <= now) and this call moved next_run_at to now + every_ms;
 * 0 when another node (or an earlier call) has it. One statement: safe across
 * nodes on both engines.
 */
int store_job_claim(struct store_conn *c, const char *name, int64_t now, int64_t every_ms,
                    int *claimed);

/* Test only: records version as applied, as a newer binary would have. */
int store_test_record_schema_version(struct store_conn *c, int version);

#endif
