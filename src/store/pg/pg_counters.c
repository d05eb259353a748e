/*
 * pg_counters.c - the PostgreSQL engine's shared counters (login throttles,
 * lock-out strikes of unknown names) and periodic-job claims. Each call is one
 * upsert: the row lock of ON CONFLICT DO UPDATE makes concurrent hits from
 * every node count exactly, and a job's claim is won by one node only.
 */
#include "store/pg/pg.h"
#include "util/err.h"

#include <stdlib.h>

int pg_throttle_hit(struct store_conn *c, const char *key, int64_t now, int64_t window_ms,
                    int64_t *hits, int64_t *window_end)
{
	char a[PG_I64_BUF], b[PG_I64_BUF];
	const char *p[] = {key, pg_i64(a, now), pg_i64(b, window_ms)};
	PGresult *res = NULL;
	int rc = pg_exec_row(c,
	                     "INSERT INTO throttles(key, window_start, hits) VALUES ($1, $2, 1) "
	                     "ON CONFLICT(key) DO UPDATE SET "
	                     "hits = CASE WHEN throttles.window_start + $3 <= $2 THEN 1 "
	                     "ELSE throttles.hits + 1 END, "
	                     "window_start = CASE WHEN throttles.window_start + $3 <= $2 THEN $2 "
	                     "ELSE throttles.window_start END "
	                     "RETURNING window_start, hits",
	                     3, p, &res);
	if (rc == 0) {
		*window_end = pg_col_i64(res, 0, 0) + window_ms;
		*hits = pg_col_i64(res, 0, 1);
	}
	PQclear(res);
	return rc == PP_ENOTFOUND ? PP_EDB : rc;
}

int pg_strike_add(struct store_conn *c, const char *key, int64_t now, int threshold,
                  int64_t lock_ms, int *locked)
{
	char a[PG_I64_BUF], b[PG_I64_BUF], d[PG_I64_BUF];
	const char *p[] = {key, pg_i64(a, now), pg_i64(b, threshold), pg_i64(d, lock_ms)};
	PGresult *res = NULL;
	int rc = pg_exec_row(
	        c,
	        "INSERT INTO strikes(key, fails, locked_until, touched_at) VALUES ($1, "
	        "CASE WHEN 1 >= $3::bigint THEN 0 ELSE 1 END, "
	        "CASE WHEN 1 >= $3::bigint THEN $2::bigint + $4::bigint ELSE 0 END, $2) "
	        "ON CONFLICT(key) DO UPDATE SET "
	        "fails = CASE WHEN strikes.fails + 1 >= $3::bigint THEN 0 ELSE strikes.fails + 1 "
	        "END, "
	        "locked_until = CASE WHEN strikes.fails + 1 >= $3::bigint THEN $2::bigint + "
	        "$4::bigint ELSE strikes.locked_until END, touched_at = $2 RETURNING fails",
	        4, p, &res);
	*locked = rc == 0 && pg_col_i64(res, 0, 0) == 0;
	PQclear(res);
	return rc == PP_ENOTFOUND ? PP_EDB : rc;
}

int pg_strike_locked_until(struct store_conn *c, const char *key, int64_t *locked_until)
{
	const char *p[] = {key};
	PGresult *res = NULL;
	int rc = pg_exec_row(c, "SELECT locked_until FROM strikes WHERE key = $1", 1, p, &res);
	*locked_until = rc == 0 ? pg_col_i64(res, 0, 0) : 0;
	PQclear(res);
	return rc == PP_ENOTFOUND ? 0 : rc;
}

int pg_counters_sweep(struct store_conn *c, int64_t now, int64_t before)
{
	char a[PG_I64_BUF], b[PG_I64_BUF];
	const char *p[] = {pg_i64(a, before), pg_i64(b, now)};
	int rc = pg_exec_write(c, "DELETE FROM throttles WHERE window_start < $1", 1, p, 0);
	if (rc == 0)
		rc = pg_exec_write(
		        c, "DELETE FROM strikes WHERE touched_at < $1 AND locked_until <= $2", 2, p,
		        0);
	return rc;
}

int pg_job_claim(struct store_conn *c, const char *name, int64_t now, int64_t every_ms,
                 int *claimed)
{
	char a[PG_I64_BUF], b[PG_I64_BUF];
	const char *p[] = {name, pg_i64(a, now), pg_i64(b, every_ms)};
	PGresult *res = NULL;
	int rc = pg_exec_row(
	        c,
	        "INSERT INTO jobs(name, next_run_at) VALUES ($1, $2::bigint + $3::bigint) "
	        "ON CONFLICT(name) DO UPDATE SET next_run_at = $2::bigint + $3::bigint "
	        "WHERE jobs.next_run_at <= $2::bigint RETURNING next_run_at",
	        3, p, &res);
	*claimed = rc == 0;
	PQclear(res);
	return rc == PP_ENOTFOUND ? 0 : rc;
}

/* The two-key form (class 7, a hash of the name): a key space of its own, apart
 * from the engine's one-key locks (migrations, event order). Two names with the
 * same hash only wait for each other: never wrong, rarely slower. */
int pg_tx_lock(struct store_conn *c, const char *name)
{
	if (c->in_tx != STORE_TX_WRITE)
		return PP_EINVAL;
	const char *p[] = {name};
	PGresult *res = NULL;
	int rc = pg_exec(c, "SELECT pg_advisory_xact_lock(7, hashtext($1))", 1, p, &res);
	PQclear(res);
	return rc;
}
