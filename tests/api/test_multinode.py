"""Several paasportd nodes on one PostgreSQL database, requests spread over them
(issue 9 "Safe with several nodes"): what a user does on one node holds on every
other at once, and what happens "once" happens once whichever node serves it.

PostgreSQL only: SQLite is one process's file. `make test` runs this file in its
PostgreSQL pass (PAASPORT_TEST_ENGINE=postgresql); on SQLite it is skipped."""
import threading
import time

import pytest
import requests

import pgcluster
from conftest import PASSWORD, Server, new_token, signup, unique
from test_smtp import Inbox, free_port  # the aiosmtpd inbox (plain SMTP on loopback)

pytestmark = pytest.mark.skipif(
    not pgcluster.IS_PG, reason="several nodes share a database only on PostgreSQL "
    "(PAASPORT_TEST_ENGINE=postgresql; make test runs it)")

NODES = 3


def start_nodes(n=NODES, env=None, db=None):
    """n nodes on one database (a fresh one unless db is given), started one after the
    other (the first migrates)."""
    db = db or pgcluster.fresh_database()
    nodes = []
    try:
        for _ in range(n):
            nodes.append(Server(db=db, env=env))
    except Exception:
        for s in nodes:
            s.close()
        raise
    return nodes


def stop_nodes(nodes):
    for s in nodes:
        s.close()
    pgcluster.drop_database(nodes[0].db)


@pytest.fixture(scope="module")
def nodes():
    ns = start_nodes()
    yield ns
    stop_nodes(ns)


def login(s, who, pw):
    return requests.post(s.url + "/v1/session", json={"login": who, "password": pw}, timeout=30)


def get_self(s, headers):
    return requests.get(s.url + "/v1/users/self", headers=headers, timeout=30)


def bearer(tok):
    return {"Authorization": "Bearer " + tok}


def exchange(s, tok):
    r = requests.post(s.url + "/v1/tokens/exchange", auth=("", tok), timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def logged_mails(nodes, to, subject_part):
    return [m for s in nodes for m in s.mails() if m["to"] == to and subject_part in m["subject"]]


# ---- sessions and tokens are valid on every node, revocation is immediate on all ----

def test_a_session_made_on_one_node_works_on_the_others(nodes):
    u = signup(nodes[0])
    r = login(nodes[1], u["username"], PASSWORD)
    assert r.status_code == 200, r.text
    cookie = r.cookies["pp_session"]
    csrf = r.json()["csrf_token"]
    browser = {"Cookie": f"pp_session={cookie}", "X-CSRF-Token": csrf}
    for s in nodes:
        r = get_self(s, browser)
        assert r.status_code == 200, (s.url, r.text)
        assert r.json()["user"]["id"] == u["id"]
    # a write through the session on a third node, seen from the first
    r = requests.post(nodes[2].url + "/v1/tokens", headers=browser,
                      json={"token": {"name": "made on node 2"}}, timeout=30)
    assert r.status_code == 201, r.text
    tok = r.json()["token"]["token"]
    assert get_self(nodes[0], bearer(tok)).status_code == 200
    # signing out on one node ends the session on all
    r = requests.delete(nodes[0].url + "/v1/session", headers=browser, timeout=30)
    assert r.status_code in (200, 204), r.text
    for s in nodes:
        assert get_self(s, browser).status_code == 401, s.url


def test_a_revoked_token_is_refused_at_once_on_every_node(nodes):
    u = signup(nodes[0])
    t = new_token(nodes[1], u["username"])
    jwts = [exchange(s, t["token"]) for s in nodes]  # each node signs with the shared key
    # every node takes every node's JWT (and caches it after the first use)
    for s in nodes:
        for j in jwts:
            assert get_self(s, bearer(j)).status_code == 200, s.url
        assert get_self(s, bearer(t["token"])).status_code == 200
    r = requests.delete(f"{nodes[2].url}/v1/tokens/{t['id']}", headers=bearer(t["token"]),
                        timeout=30)
    assert r.status_code == 204, r.text
    # no delay: the very next request, on any node, with the raw token or any JWT of it
    for s in nodes:
        assert get_self(s, bearer(t["token"])).status_code == 401, s.url
        for j in jwts:
            assert get_self(s, bearer(j)).status_code == 401, (s.url, "a cached JWT")
        r = requests.post(s.url + "/v1/tokens/exchange", auth=("", t["token"]), timeout=30)
        assert r.status_code == 401


def test_a_renewed_token_and_a_password_change_void_jwts_on_every_node(nodes):
    u = signup(nodes[0])
    t = new_token(nodes[0], u["username"])
    old_jwt = exchange(nodes[1], t["token"])
    for s in nodes:
        assert get_self(s, bearer(old_jwt)).status_code == 200
    r = requests.patch(f"{nodes[1].url}/v1/tokens/{t['id']}/renew",
                       headers=bearer(t["token"]), timeout=30)
    assert r.status_code == 200, r.text
    renewed = r.json()["token"]["token"]
    for s in nodes:
        assert get_self(s, bearer(old_jwt)).status_code == 401, s.url
        assert get_self(s, bearer(t["token"])).status_code == 401, s.url
        assert get_self(s, bearer(renewed)).status_code == 200, s.url
    # a password change (the account's auth epoch) voids every JWT at once too
    jwt = exchange(nodes[2], renewed)
    for s in nodes:
        assert get_self(s, bearer(jwt)).status_code == 200
    r = requests.put(nodes[0].url + "/v1/users/account", headers=bearer(renewed), timeout=30,
                     json={"user": {"password": "a brand new passphrase",
                                    "password_confirmation": "a brand new passphrase",
                                    "current_password": PASSWORD}})
    assert r.status_code == 200, r.text
    for s in nodes:
        assert get_self(s, bearer(jwt)).status_code == 401, s.url


# ---- the lock-out and the throttles count across nodes ----

def test_failures_spread_over_nodes_lock_the_account(nodes):
    u = signup(nodes[0])
    for i in range(10):  # LOGIN_LOCK_THRESHOLD, round robin: no node sees more than 4
        r = login(nodes[i % NODES], u["username"], f"wrong password {i}")
        assert r.status_code == 401, (i, r.text)
    for s in nodes:
        r = login(s, u["username"], PASSWORD)
        assert r.status_code == 429, (s.url, r.status_code, r.text)
        assert "locked" in r.json()["error"]
        assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
    # one lock, one unlock mail, whichever node sent it
    deadline = time.time() + 10
    while time.time() < deadline and not logged_mails(nodes, u["email"], "locked"):
        time.sleep(0.05)
    time.sleep(1)  # a second sender would have sent it by now
    assert len(logged_mails(nodes, u["email"], "locked")) == 1
    (n,) = nodes[0].sql("SELECT count(*) FROM events WHERE user_id = ? AND type = 'login_lock'",
                        u["id"])[0]
    assert n == 1


def test_an_unknown_name_locks_across_nodes_like_a_known_one(nodes):
    """An unknown login is answered like a known one (test_security_login): its lock-out
    must count across nodes too, or the difference tells which names exist."""
    ghost = unique("ghost")
    for i in range(10):
        r = login(nodes[i % NODES], ghost, f"wrong password {i}")
        assert r.status_code == 401, (i, r.text)
    codes = [login(s, ghost, PASSWORD).status_code for s in nodes]
    assert codes == [429] * NODES, f"after 10 failures spread over the nodes: {codes}"


def test_the_per_account_login_throttle_counts_across_nodes():
    ns = start_nodes(env={"PAASPORT_LOGIN_RATE_PER_ACCOUNT": "6"})
    try:
        u = signup(ns[0])
        codes = [login(ns[i % NODES], u["username"], "wrong password!").status_code
                 for i in range(8)]
        assert codes == [401] * 6 + [429, 429], \
            f"6 per minute for the account, 8 attempts over {NODES} nodes: {codes}"
    finally:
        stop_nodes(ns)


def test_the_per_ip_login_throttle_counts_across_nodes():
    ns = start_nodes(env={"PAASPORT_LOGIN_RATE_PER_IP": "9"})
    try:
        codes = [login(ns[i % NODES], unique("nobody"), "wrong password!").status_code
                 for i in range(11)]
        assert codes == [401] * 9 + [429, 429], \
            f"9 per minute for the address, 11 attempts over {NODES} nodes: {codes}"
    finally:
        stop_nodes(ns)


# ---- every mail is sent exactly once ----

@pytest.fixture
def inbox():
    from aiosmtpd.controller import Controller
    box = Inbox()
    port = free_port()
    ctl = Controller(box, hostname="127.0.0.1", port=port)
    ctl.start()
    box.port = port
    yield box
    ctl.stop()


def test_every_mail_is_sent_exactly_once(inbox):
    ns = start_nodes(env={"PAASPORT_SMTP_URL": f"smtp+insecure://127.0.0.1:{inbox.port}",
                          "PAASPORT_MAIL_RETRY_BASE": "1"})
    try:
        users = [signup(ns[i % NODES]) for i in range(12)]
        # reset requests from several threads at once, each through another node
        errors = []

        def ask(i, u):
            r = requests.post(ns[(i + 1) % NODES].url + "/v1/users/password/reset",
                              json={"email": u["email"]}, timeout=30)
            if r.status_code != 202:
                errors.append(r.text)
        threads = [threading.Thread(target=ask, args=(i, u)) for i, u in enumerate(users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors
        queued = ns[0].sql("SELECT count(*) FROM mail_outbox")[0][0]
        assert queued >= len(users)  # one reset mail each (and what signing up mails)
        deadline = time.time() + 30
        while time.time() < deadline:
            unsent = ns[0].sql("SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL")[0][0]
            with inbox.lock:
                got = len(inbox.messages)
            if unsent == 0 and got >= queued:
                break
            time.sleep(0.1)
        time.sleep(1.5)  # a mail sent twice would arrive by now
        with inbox.lock:
            received = [(tuple(tos), m["Subject"]) for tos, m in inbox.messages]
        assert len(received) == queued, f"{queued} mails queued, {len(received)} received"
        for u in users:
            resets = [r for r in received if u["email"] in r[0] and "Reset" in r[1]]
            assert len(resets) == 1, (u["email"], resets)
        assert len(set(received)) == len(received), "a mail arrived twice"
        # and no node still holds a mail it claimed
        assert ns[0].sql("SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL")[0][0] == 0
    finally:
        stop_nodes(ns)


# ---- starting at the same moment on an empty database ----

def test_nodes_starting_at_once_on_an_empty_database_migrate_once():
    db = pgcluster.fresh_database()
    nodes, errors = [], []
    lock = threading.Lock()
    go = threading.Barrier(NODES)

    def start():
        go.wait()
        try:
            s = Server(db=db)
            with lock:
                nodes.append(s)
        except Exception as e:  # a node that crashed at start: its log says why
            with lock:
                errors.append(str(e)[-3000:])
    threads = [threading.Thread(target=start) for _ in range(NODES)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors, "a node did not come up:\n" + "\n".join(errors)
        assert len(nodes) == NODES
        versions = [v for (v,) in nodes[0].sql("SELECT version FROM schema_version")]
        assert versions, "no migration recorded"
        assert sorted(versions) == sorted(set(versions)), f"a version twice: {sorted(versions)}"
        assert sorted(versions) == list(range(min(versions), max(versions) + 1))
        # and the schema they made serves them all
        u = signup(nodes[0])
        for s in nodes:
            assert get_self(s, bearer(new_token(s, u["username"])["token"])).status_code == 200
    finally:
        for s in nodes:
            s.close()
        pgcluster.drop_database(db)
