/*
 * pg.h - the PostgreSQL engine's private helpers, shared by the files under
 * src/store/pg/ and included by nothing outside src/store/: the connection
 * (struct store_conn), statement execution with text parameters, column
 * readers, and the one place PostgreSQL errors become PP_* codes.
 *
 * PostgreSQL specifics kept here: libpq; `$1` placeholders; every parameter
 * and result as text (integers printed/parsed in base 10, BYTEA in hex form);
 * STORE_TX_WRITE is BEGIN (READ COMMITTED, with row locks), STORE_TX_READ is
 * BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY.
 *
 * Error mapping (pg_rc): SQLSTATE class 23 (unique 23505, foreign key 23503,
 * ...) -> PP_ECONFLICT; 40001 serialization failure, 40P01 deadlock ->
 * PP_ERETRY (the dispatch reruns the handler); 55P03 lock not available ->
 * PP_EBUSY; a lost connection (class 08, 57P01..57P03,
 * or PQstatus CONNECTION_BAD) -> PP_EUNAVAIL and the connection is marked
 * broken (reset when it is next acquired); anything else -> PP_EDB (logged).
 */
#ifndef PP_PG_H
#define PP_PG_H

#include "store/store_ops.h"

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#define PG_STMT_CACHE 512 /* prepared statements per connection: > every distinct statement */
#define PG_PARAMS_MAX 16  /* parameters of one statement */

struct pg_store;

/* The engine's connection; its first member is the engine's ops (store_ops.h). */
struct store_conn {
	const struct store_ops *ops;
	struct pg_store *owner;
	PGconn *pg;
	int in_tx;  /* 0, or the enum store_tx kind open */
	int broken; /* the server went away: reset before the next use */
	struct {
		const char *sql; /* keyed by the string literal's address */
		char name[16];   /* the prepared statement's name on this connection */
	} cache[PG_STMT_CACHE];
};

/* The engine's implementation of every call of store_ops.h. */
#define PG_DECLARE(ret, name, params, args) ret pg_##name params;
STORE_OPS(PG_DECLARE, PG_DECLARE)
#undef PG_DECLARE

/*
 * Runs sql (a string literal: prepared once per connection, keyed by its
 * address) with n text parameters (a NULL entry is SQL NULL). On success
 * *res holds the result (free it with PQclear) and 0 is returned; on failure
 * *res is NULL and the mapped PP_* code is returned.
 */
int pg_exec(struct store_conn *c, const char *sql, int n, const char *const *params,
            PGresult **res);
/* pg_exec for a statement that writes and returns no row: PP_ENOTFOUND when
 * need_row and no row changed. */
int pg_exec_write(struct store_conn *c, const char *sql, int n, const char *const *params,
                  int need_row);
/* pg_exec_write for a write whose failure (a unique violation) the caller
 * handles and then goes on: inside a transaction the statement runs under a
 * savepoint, so its failure does not abort the transaction (as in SQLite). */
int pg_exec_write_keep(struct store_conn *c, const char *sql, int n, const char *const *params,
                       int need_row);
/* pg_exec expecting rows: PP_ENOTFOUND (and *res NULL) when there are none. */
int pg_exec_row(struct store_conn *c, const char *sql, int n, const char *const *params,
                PGresult **res);
/* Runs a statement with no parameter and no result (BEGIN, COMMIT...), unprepared. */
int pg_exec_simple(struct store_conn *c, const char *sql);

/* Maps the outcome of a PGresult (may be NULL) to 0 or a PP_* code, as above. */
int pg_rc(struct store_conn *c, const PGresult *res);

/* Integer parameter text: base 10 into buf (at least PG_I64_BUF bytes); returns buf. */
#define PG_I64_BUF 24
const char *pg_i64(char buf[PG_I64_BUF], int64_t v);

/* Column readers (NULL reads as "" / 0). */
void pg_col_text(const PGresult *r, int row, int col, char *dst, size_t cap);
int64_t pg_col_i64(const PGresult *r, int row, int col);
int pg_col_isnull(const PGresult *r, int row, int col);
/* A BYTEA column (hex output) into dst: its length, or -1 when it does not fit. */
long pg_col_bytea(const PGresult *r, int row, int col, unsigned char *dst, size_t cap);

#endif
