/*
 * store.h - the storage layer: every SQL statement of paasport lives in
 * src/store/. SQLite in WAL mode (synchronous=FULL, foreign keys, busy
 * timeout); writes run in BEGIN IMMEDIATE transactions; every statement is
 * prepared once per connection and cached (keyed by the SQL text's address).
 *
 * Schema rules that keep a PostgreSQL backend possible: ids are TEXT made by
 * the program, timestamps are INTEGER milliseconds (UTC), money is INTEGER
 * cents, booleans are INTEGER 0/1, no SQLite-only functions in queries.
 */
#ifndef PP_STORE_H
#define PP_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_STMT_CACHE      96
#define STORE_BUSY_TIMEOUT_MS 5000
#define STORE_POOL_MAX        64

struct store_conn {
	sqlite3 *db;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STORE_STMT_CACHE];
	int in_tx;
};

struct store;

/* Opens the database, applies migrations; PP_EDB with a message logged on failure. */
int store_open(const char *path, int pool_size, struct store **out);
void store_close(struct store *s);

/* Borrow / give back a connection (blocks while all are lent). */
struct store_conn *store_acquire(struct store *s);
void store_release(struct store *s, struct store_conn *c);

/* Schema version of the binary (the highest migration). */
int store_schema_version(void);

/* Prepared, cached statement for sql (a string literal). Reset it with store_done(). */
sqlite3_stmt *store_stmt(struct store_conn *c, const char *sql);
void store_done(sqlite3_stmt *st);

/*
 * Steps a statement that writes (st may be NULL: PP_EDB) to completion and
 * resets it. PP_ENOTFOUND when need_row and no row changed.
 */
int store_step_write(struct store_conn *c, sqlite3_stmt *st, int need_row);
/* Steps to the first row: 0 (read it, then store_done()), PP_ENOTFOUND, or an error. */
int store_step_row(struct store_conn *c, sqlite3_stmt *st);

int store_begin(struct store_conn *c); /* BEGIN IMMEDIATE */
int store_commit(struct store_conn *c);
void store_rollback(struct store_conn *c);

/* Maps an sqlite result code to PP_* (SQLITE_CONSTRAINT -> PP_ECONFLICT). */
int store_rc(struct store_conn *c, int sqlite_rc);

/* Helpers for column text into a fixed buffer (NULL -> ""). */
void store_col_text(sqlite3_stmt *st, int col, char *dst, size_t cap);
/* Binds a C string or NULL. */
int store_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* A random per-deployment secret kept in the database (created on first use). */
int store_server_secret(struct store_conn *c, const char *name, unsigned char *out, size_t len);

#endif
