/*
 * sq_counters.c - the SQLite engine's shared counters (login throttles,
 * lock-out strikes of unknown names) and periodic-job claims: each call is one
 * upsert, so it is exact however many connections count at once.
 */
#include "store/sqlite/sq.h"
#include "util/err.h"

int sq_throttle_hit(struct store_conn *c, const char *key, int64_t now, int64_t window_ms,
                    int64_t *hits, int64_t *window_end)
{
	sqlite3_stmt *st =
	        sq_stmt(c, "INSERT INTO throttles(key, window_start, hits) VALUES (?1, ?2, 1) "
	                   "ON CONFLICT(key) DO UPDATE SET "
	                   "hits = CASE WHEN throttles.window_start + ?3 <= ?2 THEN 1 "
	                   "ELSE throttles.hits + 1 END, "
	                   "window_start = CASE WHEN throttles.window_start + ?3 <= ?2 THEN ?2 "
	                   "ELSE throttles.window_start END "
	                   "RETURNING window_start, hits");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, window_ms);
	int rc = sq_step_row(c, st);
	if (rc == 0) {
		*window_end = sqlite3_column_int64(st, 0) + window_ms;
		*hits = sqlite3_column_int64(st, 1);
	}
	sq_done(st);
	return rc == PP_ENOTFOUND ? PP_EDB : rc;
}

int sq_strike_add(struct store_conn *c, const char *key, int64_t now, int threshold,
                  int64_t lock_ms, int *locked)
{
	/* the threshold-th failure locks and restarts the count, in the same upsert */
	sqlite3_stmt *st = sq_stmt(
	        c,
	        "INSERT INTO strikes(key, fails, locked_until, touched_at) VALUES (?1, "
	        "CASE WHEN 1 >= ?3 THEN 0 ELSE 1 END, CASE WHEN 1 >= ?3 THEN ?2 + ?4 ELSE 0 END, "
	        "?2) ON CONFLICT(key) DO UPDATE SET "
	        "fails = CASE WHEN strikes.fails + 1 >= ?3 THEN 0 ELSE strikes.fails + 1 END, "
	        "locked_until = CASE WHEN strikes.fails + 1 >= ?3 THEN ?2 + ?4 "
	        "ELSE strikes.locked_until END, touched_at = ?2 RETURNING fails");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, threshold);
	sqlite3_bind_int64(st, 4, lock_ms);
	int rc = sq_step_row(c, st);
	*locked = rc == 0 && sqlite3_column_int64(st, 0) == 0;
	sq_done(st);
	return rc == PP_ENOTFOUND ? PP_EDB : rc;
}

int sq_strike_locked_until(struct store_conn *c, const char *key, int64_t *locked_until)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT locked_until FROM strikes WHERE key = ?");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, key);
	int rc = sq_step_row(c, st);
	*locked_until = rc == 0 ? sqlite3_column_int64(st, 0) : 0;
	sq_done(st);
	return rc == PP_ENOTFOUND ? 0 : rc;
}

int sq_counters_sweep(struct store_conn *c, int64_t now, int64_t before)
{
	sqlite3_stmt *st = sq_stmt(c, "DELETE FROM throttles WHERE window_start < ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, before);
	int rc = sq_step_write(c, st, 0);
	if (rc)
		return rc;
	st = sq_stmt(c, "DELETE FROM strikes WHERE touched_at < ? AND locked_until <= ?");
	if (!st)
		return PP_EDB;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, now);
	return sq_step_write(c, st, 0);
}

int sq_job_claim(struct store_conn *c, const char *name, int64_t now, int64_t every_ms,
                 int *claimed)
{
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO jobs(name, next_run_at) VALUES (?1, ?2 + ?3) "
	                              "ON CONFLICT(name) DO UPDATE SET next_run_at = ?2 + ?3 "
	                              "WHERE jobs.next_run_at <= ?2 RETURNING next_run_at");
	if (!st)
		return PP_EDB;
	sq_bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, every_ms);
	int rc = sq_step_row(c, st);
	*claimed = rc == 0;
	sq_done(st);
	return rc == PP_ENOTFOUND ? 0 : rc;
}

int sq_tx_lock(struct store_conn *c, const char *name)
{
	(void)name;
	/* BEGIN IMMEDIATE took the database's one write lock already */
	return c->in_tx == STORE_TX_WRITE ? 0 : PP_EINVAL;
}
