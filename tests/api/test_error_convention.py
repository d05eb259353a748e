"""A store failure during a login is reported as what it is, never as bad credentials.

The bug this guards against: a database error during a Basic login was answered
500 by the login code, then the authentication code returned PP_EAUTH and the
server overwrote the 500 with a 401, so a client was told its password was wrong
while the database was failing. Now the failure code travels to the one place
(api/dispatch.c) that picks the status.

How the store is made to fail from outside the server (black box, with Python's
sqlite3 on the server's database file):

- The read that starts a login (the account by login) cannot be made to wait:
  the database is in WAL mode, where readers never wait for a writer, and
  another process cannot take the EXCLUSIVE locking mode while the server holds
  its connections open (each keeps a shared lock on the database file; the
  attempt fails at once with "database is locked"). So the first test makes
  that read fail instead, by renaming the users.password_hash column for the
  duration of the request: the server's query then fails with "no such column",
  a database error (500), where the old code answered 401. This test fails on
  the old behaviour.
- What an outside process can hold is the write lock (BEGIN IMMEDIATE). A
  successful password login writes (the failure counter is reset, a
  login_success event recorded), so it waits the server's busy timeout (5 s)
  for that lock and fails with SQLITE_BUSY: 503 with Retry-After. (The old
  code ignored those write errors and the request then failed in the token
  handler's own transaction, also 503, so the second and third tests pin the
  busy convention rather than the old bug.)

On PostgreSQL (PAASPORT_TEST_ENGINE=postgresql) the first test renames the column
the same way through a client connection; the busy tests are SQLite's (one write
lock held by another process: PostgreSQL has no such global lock; its outage is
tests/api/test_pg_fault.py).
"""
import contextlib
import sqlite3
import time

import requests

import pgcluster
from conftest import PASSWORD, signup, sqlite_only

BUSY_TIMEOUT_S = 5  # SQ_BUSY_TIMEOUT_MS in src/store/sqlite/sq.h


def connect(server):
    if pgcluster.IS_PG:
        return pgcluster.connect(server.db)  # autocommit, as isolation_level=None
    return sqlite3.connect(server.db, timeout=10, isolation_level=None)


def execute(con, statement):
    if pgcluster.IS_PG:
        with con.cursor() as cur:
            cur.execute(statement)
    else:
        con.execute(statement)


@contextlib.contextmanager
def broken_users_table(server):
    """Every read of an account fails (no such column) until the block ends."""
    con = connect(server)
    try:
        execute(con, "ALTER TABLE users RENAME COLUMN password_hash TO password_hash_away")
        yield
    finally:
        execute(con, "ALTER TABLE users RENAME COLUMN password_hash_away TO password_hash")
        con.close()


@contextlib.contextmanager
def write_lock(server):
    """The database's write lock, held by another process as a stuck writer would."""
    con = connect(server)
    try:
        con.execute("BEGIN IMMEDIATE")
        yield
    finally:
        con.execute("ROLLBACK")
        con.close()


def basic_token(server, login, password=PASSWORD):
    return requests.post(server.url + "/v1/tokens", auth=(login, password),
                         json={"token": {"name": "cli"}}, timeout=60)


def dashboard_login(server, login, password=PASSWORD):
    return requests.post(server.url + "/v1/session",
                         json={"login": login, "password": password}, timeout=60)


def assert_login_works_again(server, u):
    r = basic_token(server, u["username"])
    assert r.status_code == 201, r.text
    assert r.json()["token"]["token"].startswith("tk-us-")
    r = basic_token(server, u["username"], "not the password")
    assert r.status_code == 401, r.text
    assert r.json() == {"error": "invalid credentials"}


def test_database_error_during_basic_login_is_500_not_401(server):
    u = signup(server)
    with broken_users_table(server):
        r = basic_token(server, u["username"])
    assert r.status_code == 500, (r.status_code, r.text)
    assert r.json() == {"error": "internal error"}
    assert "Set-Cookie" not in r.headers
    assert server.sql("SELECT count(*) FROM tokens WHERE user_id = ?", u["id"]) == [(0,)]
    assert_login_works_again(server, u)


@sqlite_only
def test_busy_store_during_basic_login_is_503_with_retry_after(server):
    u = signup(server)
    with write_lock(server):
        t0 = time.time()
        r = basic_token(server, u["username"])
        took = time.time() - t0
    assert r.status_code == 503, (r.status_code, r.text)
    assert r.json() == {"error": "busy, retry later"}
    assert int(r.headers["Retry-After"]) >= 1
    assert took >= BUSY_TIMEOUT_S - 0.5  # the server did wait for the lock
    assert server.sql("SELECT count(*) FROM tokens WHERE user_id = ?", u["id"]) == [(0,)]
    assert_login_works_again(server, u)


@sqlite_only
def test_busy_store_during_dashboard_login_is_503_without_a_session(server):
    u = signup(server)
    with write_lock(server):
        r = dashboard_login(server, u["username"])
    assert r.status_code == 503, (r.status_code, r.text)
    assert int(r.headers["Retry-After"]) >= 1
    assert "Set-Cookie" not in r.headers
    r = dashboard_login(server, u["username"])
    assert r.status_code == 200, r.text
    assert "pp_session=" in r.headers["Set-Cookie"]
