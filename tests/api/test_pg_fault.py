"""PostgreSQL goes away under load and comes back (issue 9 "Survives the database").

A cluster of this test's own (the session's one serves the other tests) is stopped
while a few client threads read and write through one paasportd node, kept down a
few seconds, then started again on the same port and data. The node is never
restarted. What a user must see:
- while it is down: every request answered within a timeout, only success or 503 with
  Retry-After (never a 500, a 401 for good credentials, a hang or a crash), and
  /healthz answering 503;
- after it is back: /healthz 200 and full service within a few seconds;
- nothing lost or doubled: every app whose creation was acknowledged (201) is in the
  store exactly once, and the apps no one was told about are at most the requests
  that were cut off.

PostgreSQL only: skipped on SQLite runs; `make test` runs it in its PostgreSQL pass."""
import threading
import time

import pytest
import requests

import pgcluster
from conftest import Server, user_client, unique

pytestmark = pytest.mark.skipif(
    not pgcluster.IS_PG, reason="a PostgreSQL outage (PAASPORT_TEST_ENGINE=postgresql; "
    "make test runs it)")

CLIENTS = 4  # bounded load: a few threads, each one request at a time
ANSWER_TIMEOUT_S = 10  # every request gets an answer in this time, database or not
DOWN_S = 3  # how long PostgreSQL stays down
RECOVER_S = 5  # full service this soon after it is back


class Load:
    """CLIENTS threads, each creating an app then reading, in a loop, through one node."""

    def __init__(self, node, client):
        self.node, self.client = node, client
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.results = []  # (time, method, path, status, retry_after, elapsed)
        self.faults = []  # what a user must never see
        self.created = []  # (id, name) of each acknowledged app
        self.attempted = []  # the name of every creation sent
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(CLIENTS)]

    def send(self, method, path, body=None):
        t0 = time.monotonic()
        try:
            r = requests.request(method, self.node.url + path, json=body,
                                 headers={"Authorization": "Bearer " + self.client.token},
                                 timeout=ANSWER_TIMEOUT_S)
        except requests.RequestException as e:  # a hang (timeout) or a crash (reset)
            with self.lock:
                self.faults.append((method, path, f"no answer: {type(e).__name__}: {e}"))
            return None
        elapsed = time.monotonic() - t0
        with self.lock:
            self.results.append((time.monotonic(), method, path, r.status_code,
                                 r.headers.get("Retry-After"), elapsed))
            if r.status_code == 503:
                if not (r.headers.get("Retry-After") or "").isdigit():
                    self.faults.append((method, path, "503 without Retry-After"))
            elif r.status_code not in (200, 201):
                self.faults.append((method, path, f"{r.status_code} {r.text[:200]}"))
        return r

    def run(self, i):
        n = 0
        while not self.stop.is_set():
            n += 1
            name = f"f{i}-{n}-" + unique("")[:6]
            with self.lock:
                self.attempted.append(name)
            r = self.send("POST", "/v1/apps", {"app": {"name": name}})
            if r is not None and r.status_code == 201:
                app = r.json()["app"]
                with self.lock:
                    self.created.append((app["id"], app["name"]))
            self.send("GET", "/v1/users/self")
            self.send("GET", "/v1/apps")
            time.sleep(0.01)

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(ANSWER_TIMEOUT_S * 3 + 5)
        assert not any(t.is_alive() for t in self.threads), "a client is stuck"


def healthz(node):
    return requests.get(node.url + "/healthz", timeout=ANSWER_TIMEOUT_S)


def wait_for(pred, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def cluster():
    c = pgcluster.Cluster()
    c.start()
    yield c
    c.stop()


def test_postgresql_restart_under_load(cluster):
    node = Server(db=cluster.createdb(), env={"PAASPORT_MAX_APPS_PER_ACCOUNT": "100000"})
    load = None
    try:
        user = user_client(node)
        load = Load(node, user)
        load.start()
        assert wait_for(lambda: len(load.created) >= 5, 15), f"the load did not start: {load.faults}"

        cluster.restart_stop()  # fast shutdown: every connection of the pool is cut
        down_at = time.monotonic()
        # /healthz says so while it is down (and answers in time)
        assert wait_for(lambda: healthz(node).status_code == 503, 5), "healthz still 200"
        r = healthz(node)
        assert r.status_code == 503 and r.headers.get("Retry-After", "").isdigit(), r.text
        time.sleep(max(0.0, DOWN_S - (time.monotonic() - down_at)))
        assert node.proc.poll() is None, "paasportd died while PostgreSQL was down"
        with load.lock:
            during = [x for x in load.results if x[0] > down_at + 0.5]
        assert during and any(x[3] == 503 for x in during), \
            "no request met the outage: the load stopped?"

        cluster.start_again()
        up_at = time.monotonic()
        assert wait_for(lambda: healthz(node).status_code == 200, RECOVER_S), \
            "healthz not 200 within %ds of PostgreSQL's return" % RECOVER_S

        # full service: every request of every client succeeds again, within seconds
        def all_ok_since(t):
            with load.lock:
                recent = [x for x in load.results if x[0] > t]
            return len(recent) >= 4 * CLIENTS and all(x[3] in (200, 201) for x in recent)
        assert wait_for(lambda: all_ok_since(time.monotonic() - 1.0) and
                        time.monotonic() - up_at > 1.0, RECOVER_S + 2), \
            "still failing after PostgreSQL's return: %r" % (
                [x[1:4] for x in load.results if x[0] > up_at][-10:],)
        time.sleep(1)
        load.finish()

        assert node.proc.poll() is None, "paasportd died"
        assert not load.faults, f"{len(load.faults)} wrong answers: {load.faults[:10]}"
        slow = [x for x in load.results if x[5] > ANSWER_TIMEOUT_S]
        assert not slow
        # nothing lost, nothing doubled
        acked = dict(load.created)
        stored = node.sql("SELECT id, name FROM apps WHERE owner_id = ?", user.user["id"])
        names = [n for _, n in stored]
        assert len(names) == len(set(names)), "an app stored twice"
        missing = [(i, n) for i, n in acked.items() if (i, n) not in stored]
        assert not missing, f"acknowledged apps lost: {missing[:5]}"
        extra = set(names) - set(acked.values())
        assert extra <= set(load.attempted)
        assert len(extra) <= CLIENTS * 2, f"{len(extra)} apps no client was told about"
    finally:
        if load and not load.stop.is_set():
            load.finish()
        node.close()
