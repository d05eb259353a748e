"""Black-box test fixtures: start the real paasportd on a free loopback port
with a fresh SQLite database, and talk to it over HTTP.

PAASPORT_BIN names the folder holding paasportd and paasport (bin/ by default;
the ASan build's folder under `make test-asan`).

Every server starts with PAASPORT_TEST_CLOCK=1: a test makes time pass with
`server.advance(...)` (POST /v1/_test/clock), never by rewriting rows. The clock
only moves forward and belongs to one process: a module-scoped server shows later
tests the time its earlier tests advanced."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

import pgcluster
from pgcluster import IS_PG

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("PAASPORT_BIN", os.path.join(ROOT, "bin"))
WEB = os.environ.get("PAASPORT_WEB_DIR", os.path.join(ROOT, "web"))
PASSWORD = "correct horse battery staple"
# every test server serves /metrics behind this bearer secret (PAASPORT_METRICS_TOKEN);
# a test reads it with headers=METRICS_AUTH
METRICS_TOKEN = "test-metrics-token-0123456789"
METRICS_AUTH = {"Authorization": "Bearer " + METRICS_TOKEN}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One paasportd process with its own database and log file."""

    def __init__(self, env=None, db=None, test_clock=True):
        self.dir = tempfile.mkdtemp(prefix="paasport-test-")
        if IS_PG:
            self.db = pgcluster.database_for(db)  # a URI: the database on the session's cluster
            self.own_db = db is None
        else:
            self.db = db or os.path.join(self.dir, "paasport.db")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(self.dir, "paasportd.log")
        self.env = dict(os.environ)
        self.env.update({
            "PAASPORT_LISTEN": f"127.0.0.1:{self.port}",
            "PAASPORT_DATABASE": self.db,
            "PAASPORT_WEB_DIR": WEB,
            "PAASPORT_REPO_ROOT": os.path.join(self.dir, "repos"),
            # generous throttles for the functional tests; the throttle tests
            # start their own server with the defaults
            "PAASPORT_LOGIN_RATE_PER_IP": "100000",
            "PAASPORT_LOGIN_RATE_PER_ACCOUNT": "100000",
            # cheap hashes keep the suite fast; test_passwords checks the defaults
            "PAASPORT_PWHASH_MEMLIMIT_KIB": "8192",
            "PAASPORT_PWHASH_OPSLIMIT": "1",
            "PAASPORT_METRICS_TOKEN": METRICS_TOKEN,
        })
        # tests move the server's clock with advance(); test_clock=False starts one
        # as production does (the clock route is then an unknown route)
        if test_clock:
            self.env["PAASPORT_TEST_CLOCK"] = "1"
        else:
            self.env.pop("PAASPORT_TEST_CLOCK", None)
        self.env.update(env or {})
        self.proc = None
        self.start()

    def start(self):
        self.log = open(self.log_path, "ab")
        # PAASPORT_WRAPPER runs the server under a tool (make test-valgrind-api)
        wrapper = os.environ.get("PAASPORT_WRAPPER", "").split()
        self.proc = subprocess.Popen(wrapper + [os.path.join(BIN, "paasportd")], env=self.env,
                                     stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        deadline = time.time() + (120 if os.environ.get("PAASPORT_WRAPPER") else 15)
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("paasportd exited at start:\n" + self.read_log())
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("paasportd did not answer /healthz:\n" + self.read_log())

    def stop(self, sig=signal.SIGTERM, timeout=120):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=timeout)
        rc = self.proc.returncode if self.proc else None
        if self.log:
            self.log.close()
            self.log = None
        return rc

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_lines(self):
        out = []
        for line in self.read_log().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"raw": line})
        return out

    def sql(self, query, *args):
        """Reads the store directly (what a user would check afterwards). Writing is
        only for a state no API can reach (a suspended account, a foreign schema):
        to make time pass, use advance()."""
        if IS_PG:
            return pgcluster.sql(self.db, query, *args)
        import sqlite3
        con = sqlite3.connect(self.db, timeout=10)
        try:
            rows = con.execute(query, args).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    def advance(self, ms=0, *, seconds=0, minutes=0, hours=0, days=0):
        """Moves this server's clock forward (POST /v1/_test/clock) and returns its new
        time in ms. The clock never goes back; the real time keeps running on top."""
        ms = int(ms + 1000 * (seconds + 60 * minutes + 3600 * hours + 86400 * days))
        r = requests.post(self.url + "/v1/_test/clock", json={"advance_ms": ms}, timeout=30)
        assert r.status_code == 200, r.text
        now = r.json()["now_ms"]
        assert isinstance(now, int) and now >= time.time() * 1000 + ms - 60000, r.text
        return now

    def mails(self):
        """Mails written to the log (no SMTP server configured)."""
        return [l for l in self.log_lines() if str(l.get("msg", "")).startswith("mail (no SMTP")]

    def wait_mail(self, to, subject_part="", timeout=10):
        """The newest logged mail to `to` whose subject contains subject_part
        (the sender thread logs it shortly after the commit)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [m for m in self.mails() if m["to"] == to and subject_part in m["subject"]]
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(f"no mail to {to} with {subject_part!r} in the log")

    def close(self):
        rc = self.stop()
        if (os.environ.get("PAASPORT_SANITIZED") or os.environ.get("PAASPORT_WRAPPER")) \
                and rc not in (0, None):
            raise AssertionError(f"checked paasportd exited {rc}:\n" + self.read_log()[-5000:])
        shutil.rmtree(self.dir, ignore_errors=True)
        if IS_PG and self.own_db:
            pgcluster.drop_database(self.db)
        return rc


class Client:
    """A user of the API: a requests session plus helpers."""

    def __init__(self, server, token=None):
        self.server = server
        self.s = requests.Session()
        self.token = token
        self.csrf = None

    def req(self, method, path, json_body=None, headers=None, **kw):
        h = dict(headers or {})
        if self.token and "Authorization" not in h:
            h["Authorization"] = "Bearer " + self.token
        if self.csrf and "X-CSRF-Token" not in h:
            h["X-CSRF-Token"] = self.csrf
        return self.s.request(method, self.server.url + path, json=json_body, headers=h,
                              timeout=30, **kw)

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.req("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.req("PUT", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.req("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.req("DELETE", path, **kw)


def unique(prefix="u"):
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def signup(server, username=None, email=None, password=PASSWORD):
    username = username or unique()
    email = email or f"{username}@example.com"
    r = requests.post(server.url + "/v1/users", json={"user": {
        "email": email, "username": username, "password": password}}, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()["user"]


def new_token(server, login, password=PASSWORD, name="test"):
    r = requests.post(server.url + "/v1/tokens", auth=(login, password),
                      json={"token": {"name": name}}, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()["token"]


def user_client(server, username=None):
    """A signed-up user authenticated with a raw API token."""
    u = signup(server, username)
    t = new_token(server, u["username"])
    c = Client(server, t["token"])
    c.user = u
    c.api_token = t
    return c


def browser_client(server, login, password=PASSWORD):
    """A dashboard session: cookie + CSRF token."""
    c = Client(server)
    r = c.post("/v1/session", {"login": login, "password": password})
    assert r.status_code == 200, r.text
    c.csrf = r.json()["csrf_token"]
    return c


def pytest_sessionfinish(session, exitstatus):
    pgcluster.shutdown()  # the session's PostgreSQL cluster, if one was started


# a test whose subject is the SQLite file itself (its modes, its locks)
sqlite_only = pytest.mark.skipif(IS_PG, reason=pgcluster.SKIP_REASON_SQLITE_ONLY)


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def alice(server):
    return user_client(server)


@pytest.fixture
def bob(server):
    return user_client(server)
