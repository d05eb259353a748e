/*
 * copy.c - `paasportd store copy`: a SQLite store into an empty PostgreSQL one
 * (see store_copy.h). Engine code on purpose: it reads SQLite with sqlite3 and
 * writes PostgreSQL with libpq directly, because it moves whole tables (COPY
 * FROM STDIN) rather than records.
 *
 * The list of tables and columns is read from the SQLite file itself
 * (sqlite_master, PRAGMA table_info / foreign_key_list), so a new migration
 * needs no change here; schema_version is not copied (store_open has written
 * the target's). Tables go in foreign-key order; a column referencing its own
 * table (users.referred_by) is written NULL by the COPY and set afterwards, so
 * the order of rows inside a table does not matter.
 */
#include "store/store.h"
#include "store/store_copy.h"
#include "util/err.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define COPY_TABLES_MAX        64
#define COPY_COLS_MAX          64
#define COPY_NAME_MAX          64
#define COPY_SQL_MAX           8192
#define COPY_CONNECT_TIMEOUT_S "10"
#define COPY_FLUSH_BYTES       (256 * 1024) /* rows buffered before PQputCopyData */

struct copy_col {
	char name[COPY_NAME_MAX];
	int blob;    /* declared BLOB: written as BYTEA */
	int pk;      /* position in the primary key (1-based), 0 if not in it */
	int selfref; /* references its own table: set after the COPY */
};

struct copy_table {
	char name[COPY_NAME_MAX];
	struct copy_col cols[COPY_COLS_MAX];
	int ncols;
	char deps[COPY_TABLES_MAX][COPY_NAME_MAX]; /* tables it references */
	int ndeps;
	int placed; /* already in the copy order */
	long long src_rows, copied_rows;
};

struct copy {
	sqlite3 *db;
	PGconn *pg;
	struct copy_table *t; /* COPY_TABLES_MAX */
	int n;
	int order[COPY_TABLES_MAX];
	char *err;
	size_t errcap;
	char *buf; /* COPY data */
	size_t len, cap;
};

static int fail(struct copy *cp, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int fail(struct copy *cp, int code, const char *fmt, ...)
{
	va_list ap;
	if (cp->errcap == 0)
		return code;
	va_start(ap, fmt);
	vsnprintf(cp->err, cp->errcap, fmt, ap);
	va_end(ap);
	/* libpq's messages end with a newline */
	size_t l = strlen(cp->err);
	while (l > 0 && (cp->err[l - 1] == '\n' || cp->err[l - 1] == ' '))
		cp->err[--l] = 0;
	return code;
}

/* Identifiers are spliced into SQL: only plain lower-case names are accepted. */
static int plain_name(const char *s)
{
	if (!*s || strlen(s) >= COPY_NAME_MAX || !(islower((unsigned char)*s) || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
			return 0;
	return 1;
}

/* ---- the SQLite side ---------------------------------------------------- */

static int sq_fail(struct copy *cp, const char *what)
{
	return fail(cp, PP_EINVAL, "the source %s: %s", what, sqlite3_errmsg(cp->db));
}

static int open_source(struct copy *cp, const char *from)
{
	sqlite3_stmt *st = NULL;
	int rc, version = 0;
	if (sqlite3_open_v2(from, &cp->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return fail(cp, PP_EINVAL, "cannot open the source %s: %s", from,
		            cp->db ? sqlite3_errmsg(cp->db) : "out of memory");
	sqlite3_busy_timeout(cp->db, 5000);
	/* one snapshot for every table (the server should be stopped anyway) */
	if (sqlite3_exec(cp->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(cp, "cannot be read");
	if (sqlite3_prepare_v2(cp->db, "SELECT MAX(version) FROM schema_version", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = fail(cp, PP_EINVAL, "%s is not a paasport store: %s", from,
		          sqlite3_errmsg(cp->db));
		goto out;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	if (version != store_schema_version()) {
		rc = fail(cp, PP_EINVAL,
		          "%s has schema version %d but this paasportd has %d: run this paasportd "
		          "on it once (or the paasportd that made it) to bring them level",
		          from, version, store_schema_version());
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int read_table(struct copy *cp, struct copy_table *t)
{
	char sql[COPY_SQL_MAX];
	sqlite3_stmt *st = NULL;
	int rc = PP_EINVAL;

	snprintf(sql, sizeof sql, "PRAGMA table_info(\"%s\")", t->name);
	if (sqlite3_prepare_v2(cp->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sq_fail(cp, "cannot be listed");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *type = (const char *)sqlite3_column_text(st, 2);
		if (t->ncols == COPY_COLS_MAX || !name || !plain_name(name)) {
			rc = fail(cp, PP_EINVAL, "the source table %s has an unexpected column",
			          t->name);
			goto out;
		}
		struct copy_col *c = &t->cols[t->ncols++];
		snprintf(c->name, sizeof c->name, "%s", name);
		c->blob = type && strcasestr(type, "BLOB") != NULL;
		c->pk = sqlite3_column_int(st, 5);
	}
	sqlite3_finalize(st);
	st = NULL;

	snprintf(sql, sizeof sql, "PRAGMA foreign_key_list(\"%s\")", t->name);
	if (sqlite3_prepare_v2(cp->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sq_fail(cp, "cannot be listed");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *ref = (const char *)sqlite3_column_text(st, 2);
		const char *from = (const char *)sqlite3_column_text(st, 3);
		if (!ref || !from)
			continue;
		if (strcmp(ref, t->name) == 0) {
			for (int i = 0; i < t->ncols; i++)
				if (strcmp(t->cols[i].name, from) == 0)
					t->cols[i].selfref = 1;
		} else if (t->ndeps < COPY_TABLES_MAX) {
			snprintf(t->deps[t->ndeps++], COPY_NAME_MAX, "%s", ref);
		}
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int count_source(struct copy *cp, struct copy_table *t)
{
	char sql[COPY_SQL_MAX];
	sqlite3_stmt *st = NULL;
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM \"%s\"", t->name);
	if (sqlite3_prepare_v2(cp->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return sq_fail(cp, "cannot be counted");
	}
	t->src_rows = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int read_tables(struct copy *cp)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (sqlite3_prepare_v2(cp->db,
	                       "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
	                       "LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_version' ORDER "
	                       "BY name",
	                       -1, &st, NULL) != SQLITE_OK)
		return sq_fail(cp, "cannot be listed");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (cp->n == COPY_TABLES_MAX || !name || !plain_name(name)) {
			sqlite3_finalize(st);
			return fail(cp, PP_EINVAL, "the source has an unexpected table %s",
			            name ? name : "");
		}
		snprintf(cp->t[cp->n++].name, COPY_NAME_MAX, "%s", name);
	}
	sqlite3_finalize(st);
	for (int i = 0; i < cp->n; i++)
		if ((rc = read_table(cp, &cp->t[i])) != 0 ||
		    (rc = count_source(cp, &cp->t[i])) != 0)
			return rc;
	return 0;
}

static int find_table(const struct copy *cp, const char *name)
{
	for (int i = 0; i < cp->n; i++)
		if (strcmp(cp->t[i].name, name) == 0)
			return i;
	return -1;
}

/* A table goes after every table it references (stable: by name otherwise). */
static int order_tables(struct copy *cp)
{
	for (int k = 0; k < cp->n; k++) {
		int pick = -1;
		for (int i = 0; i < cp->n && pick < 0; i++) {
			struct copy_table *t = &cp->t[i];
			int ready = !t->placed;
			for (int d = 0; d < t->ndeps && ready; d++) {
				int j = find_table(cp, t->deps[d]);
				if (j < 0)
					return fail(
					        cp, PP_EINVAL,
					        "the source table %s references a missing table %s",
					        t->name, t->deps[d]);
				ready = cp->t[j].placed;
			}
			if (ready)
				pick = i;
		}
		if (pick < 0)
			return fail(cp, PP_EINVAL, "the source's foreign keys form a cycle");
		cp->t[pick].placed = 1;
		cp->order[k] = pick;
	}
	return 0;
}

/* ---- the PostgreSQL side -------------------------------------------------- */

static int pg_fail(struct copy *cp, PGresult *res, const char *what)
{
	const char *msg = res ? PQresultErrorMessage(res) : "";
	if (!*msg)
		msg = PQerrorMessage(cp->pg);
	int code = PQstatus(cp->pg) == CONNECTION_BAD ? PP_EUNAVAIL : PP_EDB;
	fail(cp, code, "%s: %s", what, msg);
	PQclear(res);
	return code;
}

/* Runs sql expecting `want`; the result is kept in *out (or cleared when out is NULL). */
static int pg_run(struct copy *cp, const char *sql, ExecStatusType want, const char *what,
                  PGresult **out)
{
	PGresult *res = PQexec(cp->pg, sql);
	if (PQresultStatus(res) != want)
		return pg_fail(cp, res, what);
	if (out)
		*out = res;
	else
		PQclear(res);
	return 0;
}

static long long pg_scalar(PGresult *res)
{
	return PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)
	               ? strtoll(PQgetvalue(res, 0, 0), NULL, 10)
	               : 0;
}

static int connect_target(struct copy *cp, const char *to)
{
	/* a default connect timeout; one in the URI wins (it comes later) */
	const char *const keys[] = {"connect_timeout", "dbname", NULL};
	const char *const vals[] = {COPY_CONNECT_TIMEOUT_S, to, NULL};
	cp->pg = PQconnectdbParams(keys, vals, 1);
	if (!cp->pg)
		return fail(cp, PP_ENOMEM, "out of memory");
	if (PQstatus(cp->pg) != CONNECTION_OK)
		return fail(cp, PP_EUNAVAIL, "cannot connect to the target: %s",
		            PQerrorMessage(cp->pg));
	PGresult *res = PQexec(cp->pg, "SET client_min_messages = warning");
	PQclear(res);
	return 0;
}

/* Locks every table to copy, then checks the target's version and that it is empty. */
static int check_target(struct copy *cp)
{
	char sql[COPY_SQL_MAX];
	char full[COPY_SQL_MAX] = "";
	size_t l;
	PGresult *res = NULL;
	int rc;

	l = (size_t)snprintf(sql, sizeof sql, "LOCK TABLE ");
	for (int i = 0; i < cp->n && l < sizeof sql; i++)
		l += (size_t)snprintf(sql + l, sizeof sql - l, "%s\"%s\"", i ? ", " : "",
		                      cp->t[i].name);
	if (l >= sizeof sql - 32)
		return fail(cp, PP_EINVAL, "too many tables");
	snprintf(sql + l, sizeof sql - l, " IN EXCLUSIVE MODE");
	if ((rc = pg_run(cp, sql, PGRES_COMMAND_OK,
	                 "the target lacks a table of the source (or cannot be locked)", NULL)))
		return rc;

	if ((rc = pg_run(cp, "SELECT MAX(version) FROM schema_version", PGRES_TUPLES_OK,
	                 "the target has no schema version", &res)))
		return rc;
	long long v = pg_scalar(res);
	PQclear(res);
	if (v != store_schema_version())
		return fail(cp, PP_EINVAL, "the target has schema version %lld, this paasportd %d",
		            v, store_schema_version());

	l = 0;
	for (int i = 0; i < cp->n; i++) {
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM \"%s\"", cp->t[i].name);
		if ((rc = pg_run(cp, sql, PGRES_TUPLES_OK, "cannot read the target", &res)))
			return rc;
		long long rows = pg_scalar(res);
		PQclear(res);
		if (rows > 0 && l < sizeof full)
			l += (size_t)snprintf(full + l, sizeof full - l, "%s%s (%lld)",
			                      l ? ", " : "", cp->t[i].name, rows);
	}
	if (l > 0)
		return fail(cp, PP_ECONFLICT,
		            "the target is not empty: %s; nothing was written. Copy into a new "
		            "database (CREATE DATABASE), before any paasportd node runs on it",
		            full);
	return 0;
}

/* ---- COPY data (text format) ---------------------------------------------- */

static int buf_put(struct copy *cp, const char *s, size_t n)
{
	if (cp->len + n > cp->cap) {
		size_t cap = cp->cap ? cp->cap : COPY_FLUSH_BYTES * 2;
		while (cap < cp->len + n)
			cap *= 2;
		char *b = realloc(cp->buf, cap);
		if (!b)
			return PP_ENOMEM;
		cp->buf = b;
		cp->cap = cap;
	}
	memcpy(cp->buf + cp->len, s, n);
	cp->len += n;
	return 0;
}

static int buf_text(struct copy *cp, const unsigned char *s, int n)
{
	for (int i = 0; i < n; i++) {
		const char *e = NULL;
		switch (s[i]) {
		case '\\': e = "\\\\"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		case 0: return PP_EINVAL; /* PostgreSQL text cannot hold NUL */
		}
		int rc = e ? buf_put(cp, e, strlen(e)) : buf_put(cp, (const char *)s + i, 1);
		if (rc)
			return rc;
	}
	return 0;
}

static int buf_bytea(struct copy *cp, const unsigned char *s, int n)
{
	static const char hex[] = "0123456789abcdef";
	int rc = buf_put(cp, "\\\\x", 3); /* \x, its backslash escaped for COPY */
	for (int i = 0; i < n && rc == 0; i++) {
		char h[2] = {hex[s[i] >> 4], hex[s[i] & 15]};
		rc = buf_put(cp, h, 2);
	}
	return rc;
}

static int buf_value(struct copy *cp, sqlite3_stmt *st, int i, const struct copy_col *c)
{
	char num[64];
	int type = sqlite3_column_type(st, i);
	if (type == SQLITE_NULL || c->selfref)
		return buf_put(cp, "\\N", 2);
	if (c->blob)
		return buf_bytea(cp, sqlite3_column_blob(st, i), sqlite3_column_bytes(st, i));
	if (type == SQLITE_INTEGER) {
		int n = snprintf(num, sizeof num, "%lld", (long long)sqlite3_column_int64(st, i));
		return buf_put(cp, num, (size_t)n);
	}
	if (type == SQLITE_FLOAT) {
		int n = snprintf(num, sizeof num, "%.17g", sqlite3_column_double(st, i));
		return buf_put(cp, num, (size_t)n);
	}
	return buf_text(cp, sqlite3_column_text(st, i), sqlite3_column_bytes(st, i));
}

static int flush(struct copy *cp)
{
	if (cp->len && PQputCopyData(cp->pg, cp->buf, (int)cp->len) != 1)
		return pg_fail(cp, NULL, "COPY failed");
	cp->len = 0;
	return 0;
}

/* SELECT of the table's columns, in order (the same list as the COPY's). */
static void column_list(const struct copy_table *t, char *sql, size_t cap)
{
	size_t l = 0;
	for (int i = 0; i < t->ncols && l < cap; i++)
		l += (size_t)snprintf(sql + l, cap - l, "%s\"%s\"", i ? ", " : "", t->cols[i].name);
}

static int copy_rows(struct copy *cp, struct copy_table *t)
{
	char cols[COPY_SQL_MAX / 2], sql[COPY_SQL_MAX];
	sqlite3_stmt *st = NULL;
	PGresult *res = NULL;
	int rc = 0, src;

	column_list(t, cols, sizeof cols);
	snprintf(sql, sizeof sql, "COPY \"%s\" (%s) FROM STDIN", t->name, cols);
	if ((rc = pg_run(cp, sql, PGRES_COPY_IN, "cannot start the COPY", NULL)))
		return rc;
	snprintf(sql, sizeof sql, "SELECT %s FROM \"%s\"", cols, t->name);
	if (sqlite3_prepare_v2(cp->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = sq_fail(cp, "cannot be read");
		goto end;
	}
	cp->len = 0;
	t->copied_rows = 0;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < t->ncols && rc == 0; i++) {
			if (i)
				rc = buf_put(cp, "\t", 1);
			if (rc == 0)
				rc = buf_value(cp, st, i, &t->cols[i]);
		}
		if (rc == 0)
			rc = buf_put(cp, "\n", 1);
		if (rc) {
			fail(cp, rc, "a value of %s cannot be copied (%s)", t->name,
			     rc == PP_EINVAL ? "a NUL byte in text" : "out of memory");
			goto end;
		}
		t->copied_rows++;
		if (cp->len >= COPY_FLUSH_BYTES && (rc = flush(cp)))
			goto end;
	}
	if (src != SQLITE_DONE) {
		rc = sq_fail(cp, "cannot be read");
		goto end;
	}
	rc = flush(cp);
end:
	sqlite3_finalize(st);
	/* end the COPY either way; an error message aborts it on the server */
	if (PQputCopyEnd(cp->pg, rc ? "store copy: aborted" : NULL) != 1 && rc == 0)
		rc = pg_fail(cp, NULL, "COPY failed");
	while ((res = PQgetResult(cp->pg)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
			char what[COPY_NAME_MAX + 32];
			snprintf(what, sizeof what, "cannot copy %s", t->name);
			rc = pg_fail(cp, res, what);
			continue;
		}
		PQclear(res);
	}
	return rc;
}

/* Sets the columns referencing their own table, now that every row is in. */
static int copy_selfrefs(struct copy *cp, struct copy_table *t)
{
	for (int s = 0; s < t->ncols; s++) {
		if (!t->cols[s].selfref)
			continue;
		char sel[COPY_SQL_MAX], upd[COPY_SQL_MAX];
		const char *params[COPY_COLS_MAX + 1];
		int npk = 0, rc = 0;
		size_t ls = (size_t)snprintf(sel, sizeof sel, "SELECT \"%s\"", t->cols[s].name);
		size_t lu =
		        (size_t)snprintf(upd, sizeof upd, "UPDATE \"%s\" SET \"%s\" = $1 WHERE ",
		                         t->name, t->cols[s].name);
		for (int k = 1; k <= t->ncols; k++)
			for (int i = 0; i < t->ncols; i++)
				if (t->cols[i].pk == k && ls < sizeof sel && lu < sizeof upd) {
					ls += (size_t)snprintf(sel + ls, sizeof sel - ls,
					                       ", \"%s\"", t->cols[i].name);
					lu += (size_t)snprintf(upd + lu, sizeof upd - lu,
					                       "%s\"%s\" = $%d", npk ? " AND " : "",
					                       t->cols[i].name, npk + 2);
					npk++;
				}
		if (npk == 0)
			return fail(cp, PP_EINVAL, "%s references itself but has no primary key",
			            t->name);
		if (ls >= sizeof sel || lu >= sizeof upd)
			return fail(cp, PP_EINVAL, "%s: statement too long", t->name);
		snprintf(sel + ls, sizeof sel - ls, " FROM \"%s\" WHERE \"%s\" IS NOT NULL",
		         t->name, t->cols[s].name);
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(cp->db, sel, -1, &st, NULL) != SQLITE_OK)
			return sq_fail(cp, "cannot be read");
		int src;
		while ((src = sqlite3_step(st)) == SQLITE_ROW) {
			for (int i = 0; i <= npk; i++)
				params[i] = (const char *)sqlite3_column_text(st, i);
			PGresult *res =
			        PQexecParams(cp->pg, upd, npk + 1, NULL, params, NULL, NULL, 0);
			if (PQresultStatus(res) != PGRES_COMMAND_OK ||
			    strcmp(PQcmdTuples(res), "1")) {
				rc = pg_fail(cp, res, "cannot set a self-reference");
				break;
			}
			PQclear(res);
		}
		if (rc == 0 && src != SQLITE_DONE)
			rc = sq_fail(cp, "cannot be read");
		sqlite3_finalize(st);
		if (rc)
			return rc;
	}
	return 0;
}

/* Moves each identity sequence of t past its highest id: new rows do not collide. */
static int move_identities(struct copy *cp, const struct copy_table *t)
{
	const char *params[1] = {t->name};
	PGresult *ids = PQexecParams(cp->pg,
	                             "SELECT column_name FROM information_schema.columns WHERE "
	                             "table_schema = current_schema() AND table_name = $1 AND "
	                             "is_identity = 'YES'",
	                             1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(ids) != PGRES_TUPLES_OK)
		return pg_fail(cp, ids, "cannot list identity columns");
	int rc = 0;
	for (int i = 0; i < PQntuples(ids) && rc == 0; i++) {
		const char *col = PQgetvalue(ids, i, 0);
		char sql[COPY_SQL_MAX];
		if (!plain_name(col)) {
			rc = fail(cp, PP_EDB, "unexpected identity column %s.%s", t->name, col);
			break;
		}
		snprintf(sql, sizeof sql,
		         "SELECT setval(pg_get_serial_sequence('%s', '%s'), "
		         "(SELECT COALESCE(MAX(\"%s\"), 0) + 1 FROM \"%s\"), false)",
		         t->name, col, col, t->name);
		rc = pg_run(cp, sql, PGRES_TUPLES_OK, "cannot move an identity sequence", NULL);
	}
	PQclear(ids);
	return rc;
}

static int verify(struct copy *cp, struct copy_table *t)
{
	char sql[COPY_SQL_MAX];
	PGresult *res = NULL;
	int rc;
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM \"%s\"", t->name);
	if ((rc = pg_run(cp, sql, PGRES_TUPLES_OK, "cannot count the copy", &res)))
		return rc;
	long long n = pg_scalar(res);
	PQclear(res);
	if (n != t->src_rows || t->copied_rows != t->src_rows)
		return fail(
		        cp, PP_EDB,
		        "%s: %lld rows in the source, %lld read, %lld in the target: rolled back",
		        t->name, t->src_rows, t->copied_rows, n);
	return 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int store_copy(const char *from, const char *to, FILE *report, char *err, size_t errcap)
{
	struct copy cp = {.err = err, .errcap = errcap};
	struct store *target = NULL;
	struct timespec t0;
	int rc, in_tx = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (errcap)
		err[0] = 0;
	if (store_is_postgresql_uri(from))
		return fail(&cp, PP_EINVAL, "--from must be a SQLite file, not a PostgreSQL URI");
	if (!store_is_postgresql_uri(to))
		return fail(&cp, PP_EINVAL, "--to must be a postgresql:// (or postgres://) URI");
	cp.t = calloc(COPY_TABLES_MAX, sizeof *cp.t);
	if (!cp.t)
		return fail(&cp, PP_ENOMEM, "out of memory");

	if ((rc = open_source(&cp, from)) || (rc = read_tables(&cp)) || (rc = order_tables(&cp)))
		goto out;
	if ((rc = connect_target(&cp, to)))
		goto out;
	/* store_open applies the PostgreSQL migrations (and refuses a newer schema) */
	if (store_open(to, 1, &target) != 0) {
		rc = fail(&cp, PP_EDB, "cannot open or migrate the target (see the message above)");
		goto out;
	}
	store_close(target);
	target = NULL;

	if ((rc = pg_run(&cp, "BEGIN", PGRES_COMMAND_OK, "cannot begin", NULL)))
		goto out;
	in_tx = 1;
	if ((rc = check_target(&cp)))
		goto out;
	for (int k = 0; k < cp.n; k++) {
		struct copy_table *t = &cp.t[cp.order[k]];
		if ((rc = copy_rows(&cp, t)) || (rc = copy_selfrefs(&cp, t)) ||
		    (rc = move_identities(&cp, t)) || (rc = verify(&cp, t)))
			goto out;
	}
	if ((rc = pg_run(&cp, "COMMIT", PGRES_COMMAND_OK, "the commit failed, nothing was copied",
	                 NULL)))
		goto out;
	in_tx = 0;

	long long total = 0;
	fprintf(report, "copied %s -> database %s on %s:%s\n", from, PQdb(cp.pg), PQhost(cp.pg),
	        PQport(cp.pg));
	fprintf(report, "  %-20s %12s\n", "table", "rows");
	for (int k = 0; k < cp.n; k++) {
		const struct copy_table *t = &cp.t[cp.order[k]];
		fprintf(report, "  %-20s %12lld\n", t->name, t->copied_rows);
		total += t->copied_rows;
	}
	fprintf(report, "  %-20s %12lld  (%d tables, counts verified, %.1f s)\n", "total", total,
	        cp.n, seconds_since(&t0));
	rc = 0;
out:
	if (in_tx && PQstatus(cp.pg) == CONNECTION_OK)
		PQclear(PQexec(cp.pg, "ROLLBACK"));
	store_close(target);
	if (cp.pg)
		PQfinish(cp.pg);
	if (cp.db)
		sqlite3_close(cp.db);
	free(cp.buf);
	free(cp.t);
	return rc;
}
