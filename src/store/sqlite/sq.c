/*
 * sq.c - the SQLite engine's core: the connection pool behind store_open /
 * store_acquire, the statement cache, transactions (STORE_TX_WRITE = BEGIN
 * IMMEDIATE, STORE_TX_READ = deferred BEGIN), the migrations runner and the one
 * mapping from SQLite result codes to PP_* codes.
 */
#include "store/sqlite/sq.h"
#include "store/sqlite/sq_migrations.h"
#include "util/err.h"
#include "util/log.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SQ_OP(ret, name, params, args) .name = sq_##name,
static const struct store_ops sq_ops = {.engine = "sqlite",
                                        .close = sq_close,
                                        .acquire = sq_acquire,
                                        .release = sq_release,
                                        STORE_OPS(SQ_OP, SQ_OP)};
#undef SQ_OP

struct store {
	const struct store_ops *ops; /* first: see store_ops.h */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int n;
	struct store_conn conns[STORE_POOL_MAX];
	int lent[STORE_POOL_MAX];
};

static int exec_sql(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		log_error("sqlite: %s", err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		return PP_EDB;
	}
	return 0;
}

static int open_conn(const char *path, int create, sqlite3 **out)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db,
	                         SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
	                                 SQLITE_OPEN_NOMUTEX,
	                         NULL);
	if (rc != SQLITE_OK) {
		log_error("cannot open database %s: %s", path,
		          db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return PP_EDB;
	}
	sqlite3_busy_timeout(db, SQ_BUSY_TIMEOUT_MS);
	/* FULL: an acknowledged password change or revocation survives power loss */
	if (exec_sql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                 "PRAGMA foreign_keys=ON;") != 0) {
		sqlite3_close(db);
		return PP_EDB;
	}
	*out = db;
	return 0;
}

/* Tightens an existing file to 0600 (owner only), with a log line. */
static int tighten(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return errno == ENOENT ? 0 : PP_EDB;
	if ((st.st_mode & 0077) == 0)
		return 0;
	if (chmod(path, st.st_mode & 0700) != 0) {
		log_error("cannot restrict %s to its owner: %s", path, strerror(errno));
		return PP_EDB;
	}
	log_info("restricted %s from mode %03o to %03o (it holds secrets)", path,
	         (unsigned)(st.st_mode & 0777), (unsigned)(st.st_mode & 0700));
	return 0;
}

/* The database file holds the JWT key, password hashes and one-time links: it
 * is created 0600, an existing one (and its -wal, -shm) is tightened to 0600.
 * SQLite creates -wal and -shm with the mode of the database file. */
static int secure_db_file(const char *path)
{
	if (!*path || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	else if (errno != EEXIST) {
		log_error("cannot create database %s: %s", path, strerror(errno));
		return PP_EDB;
	}
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		char p[4096];
		if (snprintf(p, sizeof p, "%s%s", path, sfx[i]) >= (int)sizeof p)
			return PP_EDB;
		if (tighten(p) != 0)
			return PP_EDB;
	}
	return 0;
}

int sq_schema_version(void)
{
	return (int)sq_migrations_count;
}

static int migrate(sqlite3 *db)
{
	int rc = PP_EDB, current = 0;
	sqlite3_stmt *st = NULL;
	if (exec_sql(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
		return PP_EDB;
	if (exec_sql(db, "BEGIN IMMEDIATE"))
		return PP_EDB;
	if (sqlite3_prepare_v2(db, "SELECT MAX(version) FROM schema_version", -1, &st, NULL))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		current = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (current > (int)sq_migrations_count) {
		log_error("the database has schema version %d but this paasportd knows only up to "
		          "%d: refusing to start (upgrade paasportd)",
		          current, (int)sq_migrations_count);
		goto out;
	}
	for (size_t v = (size_t)current; v < sq_migrations_count; v++) {
		if (exec_sql(db, sq_migrations[v]))
			goto out;
		char sql[96];
		snprintf(sql, sizeof sql, "INSERT INTO schema_version(version) VALUES (%zu)",
		         v + 1);
		if (exec_sql(db, sql))
			goto out;
		log_info("applied migration %zu", v + 1);
	}
	rc = 0;
out:
	exec_sql(db, rc == 0 ? "COMMIT" : "ROLLBACK");
	return rc;
}

/* For sq_open_existing: PP_EDB unless the database is at this binary's schema version. */
static int check_version(sqlite3 *db, const char *path)
{
	sqlite3_stmt *st = NULL;
	int current = -1;
	if (sqlite3_prepare_v2(db, "SELECT MAX(version) FROM schema_version", -1, &st, NULL) ==
	            SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		current = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (current == (int)sq_migrations_count)
		return 0;
	log_error("database %s has schema version %d, this binary expects %d: start the "
	          "paasportd of the same version on it first",
	          path, current, (int)sq_migrations_count);
	return PP_EDB;
}

static int open_pool(const char *path, int pool_size, int existing, struct store **out)
{
	int rc = PP_ENOMEM;
	/* no global lock around every SQLite allocation: paasport reads no memory
	 * stats (only possible before the library's first use: later calls fail,
	 * harmlessly) */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (!existing && secure_db_file(path) != 0)
		return PP_EDB;
	struct store *s = calloc(1, sizeof *s);
	if (!s)
		return PP_ENOMEM;
	s->ops = &sq_ops;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pool_size < 1)
		pool_size = 1;
	if (pool_size > STORE_POOL_MAX)
		pool_size = STORE_POOL_MAX;
	for (int i = 0; i < pool_size; i++) {
		s->conns[i].ops = &sq_ops;
		if ((rc = open_conn(path, !existing, &s->conns[i].db)) != 0)
			goto out;
		s->n++;
		if (i == 0 && (rc = existing ? check_version(s->conns[0].db, path)
		                             : migrate(s->conns[0].db)) != 0)
			goto out;
	}
	*out = s;
	return 0;
out:
	sq_close(s);
	return rc;
}

int sq_open(const char *path, int pool_size, struct store **out)
{
	return open_pool(path, pool_size, 0, out);
}

int sq_open_existing(const char *path, int pool_size, struct store **out)
{
	return open_pool(path, pool_size, 1, out);
}

void sq_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++) {
		for (int k = 0; k < SQ_STMT_CACHE; k++)
			sqlite3_finalize(s->conns[i].cache[k].st);
		sqlite3_close(s->conns[i].db);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

struct store_conn *sq_acquire(struct store *s)
{
	pthread_mutex_lock(&s->mu);
	for (;;) {
		for (int i = 0; i < s->n; i++) {
			if (!s->lent[i]) {
				s->lent[i] = 1;
				pthread_mutex_unlock(&s->mu);
				return &s->conns[i];
			}
		}
		pthread_cond_wait(&s->cv, &s->mu);
	}
}

void sq_release(struct store *s, struct store_conn *c)
{
	if (!c)
		return;
	if (c->in_tx)
		sq_tx_rollback(c);
	pthread_mutex_lock(&s->mu);
	s->lent[c - s->conns] = 0;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

sqlite3_stmt *sq_stmt(struct store_conn *c, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % SQ_STMT_CACHE;
	for (size_t k = 0; k < SQ_STMT_CACHE; k++) {
		size_t i = (h + k) % SQ_STMT_CACHE;
		if (c->cache[i].sql == sql)
			return c->cache[i].st;
		if (c->cache[i].sql == NULL) {
			sqlite3_stmt *st = NULL;
			if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			                       NULL) != SQLITE_OK) {
				log_error("sqlite prepare: %s", sqlite3_errmsg(c->db));
				return NULL;
			}
			c->cache[i].sql = sql;
			c->cache[i].st = st;
			return st;
		}
	}
	log_error("statement cache full (SQ_STMT_CACHE=%d)", SQ_STMT_CACHE);
	return NULL;
}

void sq_done(sqlite3_stmt *st)
{
	if (!st)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int sq_step_write(struct store_conn *c, sqlite3_stmt *st, int need_row)
{
	if (!st)
		return PP_EDB;
	int rc = sqlite3_step(st);
	int changed = sqlite3_changes(c->db);
	sq_done(st);
	if (rc != SQLITE_DONE)
		return sq_rc(c, rc);
	return (need_row && changed == 0) ? PP_ENOTFOUND : 0;
}

int sq_step_row(struct store_conn *c, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? PP_ENOTFOUND : sq_rc(c, rc);
}

/* Runs a cached statement that returns no row (BEGIN, COMMIT, ...). */
static int exec_cached(struct store_conn *c, const char *sql)
{
	sqlite3_stmt *st = sq_stmt(c, sql);
	if (!st)
		return PP_EDB;
	int rc = sqlite3_step(st);
	sq_done(st);
	return rc == SQLITE_DONE ? 0 : sq_rc(c, rc);
}

int sq_tx_begin(struct store_conn *c, enum store_tx kind)
{
	if (c->in_tx)
		return PP_EINVAL;
	int rc;
	switch (kind) {
	case STORE_TX_READ:
		/* the snapshot is taken by the first read and kept to the end */
		rc = exec_cached(c, "BEGIN DEFERRED");
		break;
	case STORE_TX_WRITE:
		/* the write lock up front: no SQLITE_BUSY half-way through */
		rc = exec_cached(c, "BEGIN IMMEDIATE");
		break;
	default: return PP_EINVAL;
	}
	if (rc == 0)
		c->in_tx = (int)kind;
	return rc;
}

int sq_tx_commit(struct store_conn *c)
{
	if (!c->in_tx)
		return PP_EINVAL;
	int rc = exec_cached(c, "COMMIT");
	if (rc) {
		sq_tx_rollback(c);
		return rc;
	}
	c->in_tx = 0;
	return 0;
}

void sq_tx_rollback(struct store_conn *c)
{
	if (!c->in_tx)
		return;
	/* a failed COMMIT may have ended the transaction already */
	if (!sqlite3_get_autocommit(c->db))
		exec_cached(c, "ROLLBACK");
	c->in_tx = 0;
}

int sq_ping(struct store_conn *c)
{
	/* reads the database file, not only the library */
	sqlite3_stmt *st = sq_stmt(c, "SELECT COUNT(*) FROM schema_version");
	if (!st)
		return PP_EDB;
	int rc = sq_step_row(c, st);
	sq_done(st);
	return rc == PP_ENOTFOUND ? PP_EDB : rc;
}

int sq_schema_applied(struct store_conn *c, int *version)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
	if (!st)
		return PP_EDB;
	int rc = sq_step_row(c, st);
	*version = rc == 0 ? sqlite3_column_int(st, 0) : 0;
	sq_done(st);
	return rc;
}

int sq_test_record_schema_version(struct store_conn *c, int version)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO schema_version(version) VALUES (?)");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int(st, 1, version);
	return sq_step_write(c, st, 0);
}

int sq_rc(struct store_conn *c, int rc)
{
	if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return PP_ECONFLICT;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return PP_EBUSY;
	log_error("sqlite: %s", sqlite3_errmsg(c->db));
	return PP_EDB;
}

void sq_col_text(sqlite3_stmt *st, int col, char *dst, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, t, n);
	dst[n] = 0;
}

int sq_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

int sq_server_secret(struct store_conn *c, const char *name, unsigned char *out, size_t len)
{
	int rc = PP_EDB;
	unsigned char fresh[64];
	if (len > sizeof fresh)
		return PP_EINVAL;
	randombytes_buf(fresh, len);
	/* first writer wins; every node then reads the same value */
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO server_secrets(name, value) VALUES (?, ?) ON "
	                              "CONFLICT(name) DO NOTHING");
	if (!st)
		return PP_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, fresh, (int)len, SQLITE_STATIC);
	int src = sqlite3_step(st);
	sq_done(st);
	if (src != SQLITE_DONE)
		return sq_rc(c, src);
	st = sq_stmt(c, "SELECT value FROM server_secrets WHERE name = ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == (int)len) {
		memcpy(out, sqlite3_column_blob(st, 0), len);
		rc = 0;
	}
	sq_done(st);
	sodium_memzero(fresh, sizeof fresh);
	return rc;
}
