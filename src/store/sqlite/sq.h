/*
 * sq.h - the SQLite engine's private helpers, shared by the files under
 * src/store/sqlite/ and included by nothing outside src/store/: the connection
 * (struct store_conn), the per-connection statement cache, step and column
 * helpers, and the one place SQLite result codes become PP_* codes.
 *
 * SQLite specifics kept here: WAL mode, synchronous=FULL, foreign keys on, a
 * busy timeout; STORE_TX_WRITE is BEGIN IMMEDIATE and STORE_TX_READ a deferred
 * BEGIN (its snapshot starts at the first read); `?` placeholders.
 */
#ifndef PP_SQ_H
#define PP_SQ_H

#include "store/store_ops.h"

#include <sqlite3.h>

#define SQ_STMT_CACHE      512 /* > every distinct statement (114 call sites today) */
#define SQ_BUSY_TIMEOUT_MS 5000

/* The engine's connection; the public struct store_conn is opaque and its first
 * member is the engine's ops (store_ops.h). */
struct store_conn {
	const struct store_ops *ops;
	sqlite3 *db;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[SQ_STMT_CACHE];
	int in_tx; /* 0, or the enum store_tx kind open */
};

/* The engine's implementation of every call of store_ops.h. */
#define SQ_DECLARE(ret, name, params, args) ret sq_##name params;
STORE_OPS(SQ_DECLARE, SQ_DECLARE)
#undef SQ_DECLARE
void sq_close(struct store *s);
struct store_conn *sq_acquire(struct store *s);
void sq_release(struct store *s, struct store_conn *c);

/* Prepared, cached statement for sql (a string literal: keyed by its address).
 * Reset it with sq_done(). NULL (logged) when it cannot be prepared. */
sqlite3_stmt *sq_stmt(struct store_conn *c, const char *sql);
void sq_done(sqlite3_stmt *st);

/*
 * Steps a statement that writes (st may be NULL: PP_EDB) to completion and
 * resets it. PP_ENOTFOUND when need_row and no row changed.
 */
int sq_step_write(struct store_conn *c, sqlite3_stmt *st, int need_row);
/* Steps to the first row: 0 (read it, then sq_done()), PP_ENOTFOUND, or an error. */
int sq_step_row(struct store_conn *c, sqlite3_stmt *st);

/* The engine's error mapping: SQLITE_CONSTRAINT (unique, primary key, foreign
 * key...) -> PP_ECONFLICT, SQLITE_BUSY / SQLITE_LOCKED -> PP_EBUSY, anything
 * else -> PP_EDB (logged); OK, ROW and DONE -> 0. */
int sq_rc(struct store_conn *c, int sqlite_rc);

/* Column text into a fixed buffer (NULL -> ""). */
void sq_col_text(sqlite3_stmt *st, int col, char *dst, size_t cap);
/* Binds a C string or NULL. */
int sq_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* ASCII lower-case copy (how email_lc and event subjects are keyed). */

#endif
