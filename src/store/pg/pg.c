/*
 * pg.c - the PostgreSQL engine's core: the pool of libpq connections behind
 * store_open / store_acquire (opened at start, reset after a lost server),
 * the per-connection prepared-statement cache, transactions, the migrations
 * runner (once across nodes, under an advisory lock), server secrets, ping,
 * and the one mapping from PostgreSQL errors to PP_* codes (see pg.h).
 */
#include "store/pg/pg.h"
#include "store/pg/pg_migrations.h"
#include "util/err.h"
#include "util/log.h"

#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pg_advisory_xact_lock key of the migrations: "paasport" in ASCII */
#define PG_MIGRATE_LOCK    "70616173706f7274"
#define PG_APP_NAME        "paasportd"
#define PG_CONNECT_TIMEOUT "2" /* seconds, unless the URI says otherwise */
#define PG_SECRET_MAX      64

static void pg_close(struct store *s);
static struct store_conn *pg_acquire(struct store *s);
static void pg_release(struct store *s, struct store_conn *c);

#define PG_OP(ret, name, params, args) .name = pg_##name,
static const struct store_ops pg_ops = {.engine = "postgresql",
                                        .close = pg_close,
                                        .acquire = pg_acquire,
                                        .release = pg_release,
                                        STORE_OPS(PG_OP, PG_OP)};
#undef PG_OP

struct store {
	const struct store_ops *ops; /* first: see store_ops.h */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int n;
	struct store_conn conns[STORE_POOL_MAX];
	int lent[STORE_POOL_MAX];
};

/* Server notices ("relation already exists, skipping"...) are not errors:
 * keep them off stderr. */
static void quiet_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* The last line of libpq's message, without its newline, for a log line. */
static const char *conn_msg(const PGconn *pg, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s", pg ? PQerrorMessage(pg) : "out of memory");
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return buf;
}

/* Connects with the URI; application_name and connect_timeout come first so
 * that the URI's own values (when it has them) win. The URI (it may hold a
 * password) is never logged. */
static int open_conn(const char *uri, PGconn **out)
{
	static const char *const keys[] = {"application_name", "connect_timeout", "dbname", NULL};
	const char *const vals[] = {PG_APP_NAME, PG_CONNECT_TIMEOUT, uri, NULL};
	char msg[512];
	PGconn *pg = PQconnectdbParams(keys, vals, 1);
	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		log_error("postgresql: cannot connect: %s", conn_msg(pg, msg, sizeof msg));
		PQfinish(pg);
		return PP_EDB;
	}
	PQsetNoticeProcessor(pg, quiet_notice, NULL);
	*out = pg;
	return 0;
}

/* A connection's state is lost with it: forget the statements it prepared. */
static void forget_statements(struct store_conn *c)
{
	for (int i = 0; i < PG_STMT_CACHE; i++)
		c->cache[i].sql = NULL;
}

static int is_conn_failure(const char *state)
{
	return state && (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	                 strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0);
}

static void mark_broken(struct store_conn *c)
{
	if (!c->broken)
		log_error("postgresql: connection lost (it is reset at its next use)");
	c->broken = 1;
}

int pg_rc(struct store_conn *c, const PGresult *res)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)
		return 0;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (!res || PQstatus(c->pg) == CONNECTION_BAD || is_conn_failure(state)) {
		mark_broken(c);
		return PP_EUNAVAIL;
	}
	if (state && strncmp(state, "23", 2) == 0)
		return PP_ECONFLICT;
	if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
		return PP_ERETRY;
	if (state && strcmp(state, "55P03") == 0)
		return PP_EBUSY;
	char msg[512];
	snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(res));
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = 0;
	log_error("postgresql: %s (SQLSTATE %s)", msg, state ? state : "-");
	return PP_EDB;
}

/* The cache slot of sql on c (*fresh: not prepared yet); -1 when the cache is full. */
static int stmt_slot(struct store_conn *c, const char *sql, int *fresh)
{
	size_t h = ((uintptr_t)sql >> 3) % PG_STMT_CACHE;
	for (size_t k = 0; k < PG_STMT_CACHE; k++) {
		size_t i = (h + k) % PG_STMT_CACHE;
		if (c->cache[i].sql == sql) {
			*fresh = 0;
			return (int)i;
		}
		if (c->cache[i].sql == NULL) {
			*fresh = 1;
			snprintf(c->cache[i].name, sizeof c->cache[i].name, "pp%zu", i);
			return (int)i;
		}
	}
	log_error("postgresql: statement cache full (PG_STMT_CACHE=%d)", PG_STMT_CACHE);
	return -1;
}

int pg_exec(struct store_conn *c, const char *sql, int n, const char *const *params, PGresult **res)
{
	*res = NULL;
	if (c->broken)
		return PP_EUNAVAIL;
	if (n < 0 || n > PG_PARAMS_MAX)
		return PP_EINVAL;
	int fresh, i = stmt_slot(c, sql, &fresh);
	if (i < 0)
		return PP_EDB;
	if (fresh) {
		PGresult *p = PQprepare(c->pg, c->cache[i].name, sql, n, NULL);
		int rc = pg_rc(c, p);
		PQclear(p);
		if (rc)
			return rc;
		c->cache[i].sql = sql;
	}
	PGresult *r = PQexecPrepared(c->pg, c->cache[i].name, n, params, NULL, NULL, 0);
	int rc = pg_rc(c, r);
	if (rc) {
		PQclear(r);
		return rc;
	}
	*res = r;
	return 0;
}

int pg_exec_write(struct store_conn *c, const char *sql, int n, const char *const *params,
                  int need_row)
{
	PGresult *r;
	int rc = pg_exec(c, sql, n, params, &r);
	if (rc)
		return rc;
	int changed = atoi(PQcmdTuples(r));
	PQclear(r);
	return (need_row && changed == 0) ? PP_ENOTFOUND : 0;
}

int pg_exec_write_keep(struct store_conn *c, const char *sql, int n, const char *const *params,
                       int need_row)
{
	if (!c->in_tx)
		return pg_exec_write(c, sql, n, params, need_row);
	int rc = pg_exec_simple(c, "SAVEPOINT pp_keep");
	if (rc)
		return rc;
	rc = pg_exec_write(c, sql, n, params, need_row);
	int rc2 = pg_exec_simple(c, (rc && rc != PP_ENOTFOUND) ? "ROLLBACK TO SAVEPOINT pp_keep"
	                                                       : "RELEASE SAVEPOINT pp_keep");
	return rc ? rc : rc2;
}

int pg_exec_row(struct store_conn *c, const char *sql, int n, const char *const *params,
                PGresult **res)
{
	int rc = pg_exec(c, sql, n, params, res);
	if (rc)
		return rc;
	if (PQntuples(*res) == 0) {
		PQclear(*res);
		*res = NULL;
		return PP_ENOTFOUND;
	}
	return 0;
}

int pg_exec_simple(struct store_conn *c, const char *sql)
{
	if (c->broken)
		return PP_EUNAVAIL;
	PGresult *r = PQexec(c->pg, sql);
	int rc = pg_rc(c, r);
	PQclear(r);
	return rc;
}

const char *pg_i64(char buf[PG_I64_BUF], int64_t v)
{
	snprintf(buf, PG_I64_BUF, "%lld", (long long)v);
	return buf;
}

void pg_col_text(const PGresult *r, int row, int col, char *dst, size_t cap)
{
	const char *t = PQgetvalue(r, row, col);
	size_t n = (size_t)PQgetlength(r, row, col);
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, t, n);
	dst[n] = 0;
}

int64_t pg_col_i64(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int pg_col_isnull(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col);
}

long pg_col_bytea(const PGresult *r, int row, int col, unsigned char *dst, size_t cap)
{
	const char *t = PQgetvalue(r, row, col);
	size_t len = 0;
	/* bytea_output = hex (the default since 9.0): "\x" then two digits a byte */
	if (strncmp(t, "\\x", 2) != 0 ||
	    sodium_hex2bin(dst, cap, t + 2, strlen(t + 2), NULL, &len, NULL) != 0)
		return -1;
	return (long)len;
}

/* ---- migrations ---- */

static int simple_on(PGconn *pg, const char *sql, PGresult **keep)
{
	char msg[512];
	PGresult *r = PQexec(pg, sql);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		if (r)
			snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
		else
			conn_msg(pg, msg, sizeof msg);
		size_t n = strlen(msg);
		while (n && msg[n - 1] == '\n')
			msg[--n] = 0;
		log_error("postgresql migration: %s", msg);
		PQclear(r);
		return PP_EDB;
	}
	if (keep)
		*keep = r;
	else
		PQclear(r);
	return 0;
}

/*
 * Applies the missing migrations in one transaction that first takes a
 * transaction-level advisory lock: nodes starting at once queue on it, and
 * each reads schema_version only once it holds the lock, so every migration
 * runs once. A crash releases the lock with the connection.
 */
static int migrate(PGconn *pg)
{
	int rc = PP_EDB, current = 0;
	PGresult *r = NULL;
	if (simple_on(pg, "BEGIN", NULL))
		return PP_EDB;
	if (simple_on(pg, "SELECT pg_advisory_xact_lock(x'" PG_MIGRATE_LOCK "'::bigint)", NULL) ||
	    simple_on(pg, "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)",
	              NULL) ||
	    simple_on(pg, "SELECT COALESCE(MAX(version), 0) FROM schema_version", &r))
		goto out;
	current = atoi(PQgetvalue(r, 0, 0));
	if (current > (int)pg_migrations_count) {
		log_error("the database has schema version %d but this paasportd knows only up to "
		          "%d: refusing to start (upgrade paasportd)",
		          current, (int)pg_migrations_count);
		goto out;
	}
	for (size_t v = (size_t)current; v < pg_migrations_count; v++) {
		char sql[96];
		if (simple_on(pg, pg_migrations[v], NULL))
			goto out;
		snprintf(sql, sizeof sql, "INSERT INTO schema_version(version) VALUES (%zu)",
		         v + 1);
		if (simple_on(pg, sql, NULL))
			goto out;
		log_info("applied migration %zu", v + 1);
	}
	rc = 0;
out:
	PQclear(r);
	if (rc == 0 && simple_on(pg, "COMMIT", NULL))
		rc = PP_EDB;
	if (rc)
		simple_on(pg, "ROLLBACK", NULL);
	return rc;
}

/* ---- the pool ---- */

int pg_open(const char *uri, int pool_size, struct store **out)
{
	int rc;
	if ((size_t)sq_schema_version() != pg_migrations_count) {
		log_error("postgresql: %zu migrations but SQLite has %d: every migration needs its "
		          "twin in both engines",
		          pg_migrations_count, sq_schema_version());
		return PP_EDB;
	}
	struct store *s = calloc(1, sizeof *s);
	if (!s)
		return PP_ENOMEM;
	s->ops = &pg_ops;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pool_size < 1)
		pool_size = 1;
	if (pool_size > STORE_POOL_MAX)
		pool_size = STORE_POOL_MAX;
	for (int i = 0; i < pool_size; i++) {
		s->conns[i].ops = &pg_ops;
		if ((rc = open_conn(uri, &s->conns[i].pg)) != 0)
			goto out;
		s->n++;
		if (i == 0 && (rc = migrate(s->conns[0].pg)) != 0)
			goto out;
	}
	*out = s;
	return 0;
out:
	pg_close(s);
	return rc;
}

static void pg_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++)
		PQfinish(s->conns[i].pg);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

/*
 * Whether an idle connection has something to read: the server sends nothing
 * unasked to an idle session of ours (no LISTEN, no SET), so this is its
 * goodbye (a restart, a terminated backend) or the closed socket itself.
 */
static int idle_conn_closed(PGconn *pg)
{
	struct pollfd p = {.fd = PQsocket(pg), .events = POLLIN};
	return p.fd < 0 || poll(&p, 1, 0) != 0;
}

/*
 * Makes a lent connection usable if it can: one the server dropped while it
 * was idle in the pool is noticed here (without a round trip), and a broken
 * one is reset (a new session: its prepared statements are gone). A reset
 * that fails leaves it broken: its calls answer PP_EUNAVAIL and the next
 * acquire tries again.
 */
static void revive(struct store_conn *c)
{
	if (!c->broken && (PQstatus(c->pg) != CONNECTION_OK || idle_conn_closed(c->pg)))
		mark_broken(c);
	if (!c->broken)
		return;
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK)
		return;
	forget_statements(c);
	c->in_tx = 0;
	c->broken = 0;
	log_info("postgresql: connection restored");
}

static struct store_conn *pg_acquire(struct store *s)
{
	struct store_conn *c = NULL;
	pthread_mutex_lock(&s->mu);
	while (!c) {
		for (int i = 0; i < s->n && !c; i++) {
			if (!s->lent[i]) {
				s->lent[i] = 1;
				c = &s->conns[i];
			}
		}
		if (!c)
			pthread_cond_wait(&s->cv, &s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	revive(c); /* outside the lock: a reset takes a round trip or a timeout */
	return c;
}

static void pg_release(struct store *s, struct store_conn *c)
{
	if (!c)
		return;
	if (c->in_tx)
		pg_tx_rollback(c);
	pthread_mutex_lock(&s->mu);
	s->lent[c - s->conns] = 0;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* ---- transactions ---- */

int pg_tx_begin(struct store_conn *c, enum store_tx kind)
{
	if (c->in_tx)
		return PP_EINVAL;
	int rc;
	switch (kind) {
	case STORE_TX_READ:
		rc = pg_exec_simple(c, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
		break;
	case STORE_TX_WRITE: rc = pg_exec_simple(c, "BEGIN"); break;
	default: return PP_EINVAL;
	}
	if (rc == 0)
		c->in_tx = (int)kind;
	return rc;
}

int pg_tx_commit(struct store_conn *c)
{
	if (!c->in_tx)
		return PP_EINVAL;
	if (c->broken) {
		c->in_tx = 0;
		return PP_EUNAVAIL;
	}
	PGresult *r = PQexec(c->pg, "COMMIT");
	int rc = pg_rc(c, r);
	/* COMMIT of a transaction an earlier error aborted answers "ROLLBACK" */
	if (rc == 0 && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
		log_error(
		        "postgresql: the transaction was aborted by an earlier error: rolled back");
		rc = PP_EDB;
	}
	PQclear(r);
	c->in_tx = 0;
	if (rc && !c->broken)
		pg_exec_simple(c, "ROLLBACK"); /* harmless when none is open */
	return rc;
}

void pg_tx_rollback(struct store_conn *c)
{
	if (!c->in_tx)
		return;
	c->in_tx = 0;
	if (!c->broken)
		pg_exec_simple(c, "ROLLBACK");
}

/* ---- housekeeping ---- */

int pg_ping(struct store_conn *c)
{
	PGresult *r;
	int rc = pg_exec_row(c, "SELECT 1", 0, NULL, &r);
	PQclear(r);
	return rc == PP_ENOTFOUND ? PP_EDB : rc;
}

int pg_schema_applied(struct store_conn *c, int *version)
{
	PGresult *r;
	int rc =
	        pg_exec_row(c, "SELECT COALESCE(MAX(version), 0) FROM schema_version", 0, NULL, &r);
	*version = rc == 0 ? (int)pg_col_i64(r, 0, 0) : 0;
	PQclear(r);
	return rc;
}

int pg_test_record_schema_version(struct store_conn *c, int version)
{
	char v[PG_I64_BUF];
	const char *p[] = {pg_i64(v, version)};
	return pg_exec_write(c, "INSERT INTO schema_version(version) VALUES ($1)", 1, p, 0);
}

int pg_server_secret(struct store_conn *c, const char *name, unsigned char *out, size_t len)
{
	unsigned char fresh[PG_SECRET_MAX];
	char hex[2 + PG_SECRET_MAX * 2 + 1];
	PGresult *r = NULL;
	int rc;
	if (len > sizeof fresh)
		return PP_EINVAL;
	randombytes_buf(fresh, len);
	hex[0] = '\\';
	hex[1] = 'x';
	sodium_bin2hex(hex + 2, sizeof hex - 2, fresh, len);
	/* first writer wins; every node then reads the same value */
	const char *p[] = {name, hex};
	rc = pg_exec_write(c,
	                   "INSERT INTO server_secrets(name, value) VALUES ($1, $2::bytea) "
	                   "ON CONFLICT (name) DO NOTHING",
	                   2, p, 0);
	if (rc)
		goto out;
	rc = pg_exec_row(c, "SELECT value FROM server_secrets WHERE name = $1", 1, p, &r);
	if (rc == 0 && pg_col_bytea(r, 0, 0, out, len) != (long)len)
		rc = PP_EDB;
	else if (rc == PP_ENOTFOUND)
		rc = PP_EDB;
out:
	PQclear(r);
	sodium_memzero(fresh, sizeof fresh);
	sodium_memzero(hex, sizeof hex);
	return rc;
}
