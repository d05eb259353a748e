"""The PostgreSQL side of the black-box suite (PAASPORT_TEST_ENGINE=postgresql).

One throw-away cluster serves the whole pytest session: scripts/pg-dev.sh starts it
(initdb + pg_ctl on a free loopback port, in a directory under /tmp that the
`postgres` user can traverse when the suite runs as root) the first time a test
needs a database, and pytest_sessionfinish (or, failing that, atexit) stops it and
removes the directory, whatever the tests did. When PAASPORT_TEST_PG_CLUSTER names a
running cluster (make test-api-pg starts one for parallel workers), the suite uses
that one and leaves it alone.

Every paasportd the fixtures start gets a fresh database of its own (CREATE
DATABASE is a copy of template1: a few milliseconds), as each had a fresh SQLite
file before; a test that names a database path to restart a server on the same
store (Server(db=path)) gets the same PostgreSQL database for the same path.

A test reads or writes the store with sql() exactly as it did with sqlite3
(`?` placeholders, rows as tuples); PostgreSQL's bytea comes back as bytes."""
import atexit
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PG_DEV = os.path.join(ROOT, "scripts", "pg-dev.sh")
ENGINE = os.environ.get("PAASPORT_TEST_ENGINE", "sqlite")
IS_PG = ENGINE in ("postgresql", "postgres", "pg")
FIRST_PORT = 25503  # the ports from 25503 up are this suite's (scripts/pg-dev.sh users share)
LAST_PORT = 25599
SKIP_REASON_SQLITE_ONLY = "SQLite-specific: reads or locks the SQLite file itself"


def port_is_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def base_uri(uri):
    """The URI without its database: postgresql://user@host:port"""
    return uri.rsplit("/", 1)[0]


class Cluster:
    """One PostgreSQL cluster in its own directory, started with scripts/pg-dev.sh.
    The fault test starts a second one of its own, to restart it freely."""

    def __init__(self, port=None):
        self.port = port
        self.dir = None
        self.uri = None  # the admin URI (database postgres)

    def start(self):
        """initdb + start on the first free port from FIRST_PORT up (another run may hold
        one: the next is tried); returns the admin URI."""
        ports = [self.port] if self.port else range(FIRST_PORT, LAST_PORT + 1)
        last = ""
        for port in ports:
            if not port_is_free(port):
                continue
            d = f"/tmp/paasport-pg-{os.getpid()}-{port}-{uuid.uuid4().hex[:6]}"
            r = subprocess.run([PG_DEV, "start", d, str(port)], capture_output=True, text=True,
                               timeout=120)
            if r.returncode == 0:
                self.port, self.dir, self.uri = port, d, r.stdout.strip()
                return self.uri
            last = r.stderr + self.server_log(d)
            subprocess.run([PG_DEV, "stop", d], capture_output=True, timeout=60)
            shutil.rmtree(d, ignore_errors=True)
        raise RuntimeError(f"no PostgreSQL cluster could start on ports {ports}:\n{last}")

    def restart_stop(self):
        """Stops the server (fast shutdown: every connection is cut); start_again() brings
        it back on the same port and data."""
        subprocess.run([PG_DEV, "stop", self.dir], capture_output=True, timeout=60, check=True)

    def start_again(self):
        subprocess.run([PG_DEV, "start", self.dir, str(self.port)], capture_output=True,
                       timeout=120, check=True)

    def stop(self):
        if self.dir:
            subprocess.run([PG_DEV, "stop", self.dir], capture_output=True, timeout=60)
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    @staticmethod
    def server_log(d):
        try:
            with open(os.path.join(d, "server.log"), errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def createdb(self, name=None):
        """A fresh empty database; returns its URI."""
        name = name or "t_" + uuid.uuid4().hex[:16]
        admin_exec(self.uri, f'CREATE DATABASE "{name}"')
        return f"{base_uri(self.uri)}/{name}"


def connect(uri, autocommit=True):
    import psycopg2
    con = psycopg2.connect(uri, connect_timeout=10)
    con.autocommit = autocommit
    return con


def admin_exec(uri, statement):
    con = connect(uri)
    try:
        with con.cursor() as cur:
            cur.execute(statement)
    finally:
        con.close()


_QMARK = re.compile(r"'(?:[^']|'')*'|\?|%")


def translate(query):
    """sqlite3's `?` placeholders become psycopg2's %s and every literal % is doubled
    (the query is always formatted); a ? inside quotes stays a question mark."""
    def sub(m):
        t = m.group(0)
        if t == "?":
            return "%s"
        return t.replace("%", "%%")
    return _QMARK.sub(sub, query)


def sql(uri, query, *args):
    """Runs one statement on the database at uri; returns its rows (tuples) or []."""
    con = connect(uri, autocommit=False)
    try:
        with con.cursor() as cur:
            cur.execute(translate(query), tuple(args))
            rows = cur.fetchall() if cur.description else []
        con.commit()
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]
    finally:
        con.close()


# ---- the session's cluster ----

_lock = threading.Lock()
_cluster = None
_external = os.environ.get("PAASPORT_TEST_PG_CLUSTER")
_by_path = {}  # Server(db=path) on PostgreSQL: the same path, the same database


def _session_admin_uri():
    global _cluster
    with _lock:
        if _external:
            return _external
        if _cluster is None:
            c = Cluster()
            c.start()
            _cluster = c
            atexit.register(shutdown)
        return _cluster.uri


def fresh_database():
    """A new empty database on the session's cluster; returns its URI."""
    admin = _session_admin_uri()
    name = "t_" + uuid.uuid4().hex[:16]
    admin_exec(admin, f'CREATE DATABASE "{name}"')
    return f"{base_uri(admin)}/{name}"


def database_for(db):
    """The database URI a server gets for the fixtures' db argument: a URI as it is,
    None a fresh database, a path the database that path stands for this session."""
    if db and (db.startswith("postgresql://") or db.startswith("postgres://")):
        return db
    if db is None:
        return fresh_database()
    with _lock:
        known = _by_path.get(db)
    if known:
        return known
    uri = fresh_database()
    with _lock:
        _by_path[db] = uri
    return uri


def drop_database(uri, timeout=10):
    """Drops a database once its servers are gone (WITH (FORCE) cuts what remains)."""
    name = uri.rsplit("/", 1)[1]
    admin = _external or (_cluster.uri if _cluster else None)
    if not admin:
        return
    deadline = time.time() + timeout
    while True:
        try:
            admin_exec(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except Exception:  # the cluster is being restarted by a fault test, or gone
            if time.time() > deadline:
                return
            time.sleep(0.2)


def shutdown():
    """Stops the session's cluster (idempotent)."""
    global _cluster
    with _lock:
        c, _cluster = _cluster, None
    if c:
        c.stop()
