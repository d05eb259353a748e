"""The login throttles and the lock-out of unknown names count across every node on
one database (issue 9): two paasportd processes share one SQLite file here (the
PostgreSQL multi-node tests do the same with three nodes), and attempts spread over
both are limited as if they had hit one."""
import itertools
import time

import pytest
import requests

from conftest import PASSWORD, Server, signup, unique


def login(s, who, pw):
    return requests.post(s.url + "/v1/session", json={"login": who, "password": pw}, timeout=30)


@pytest.fixture
def pair(request):
    env = getattr(request, "param", {})
    a = Server(env=env)
    b = Server(env=env, db=a.db)
    yield a, b
    b.close()
    a.close()


@pytest.mark.parametrize("pair", [{"PAASPORT_LOGIN_RATE_PER_ACCOUNT": "4"}], indirect=True)
def test_per_login_throttle_counts_on_every_node(pair):
    a, b = pair
    u = signup(a)
    nodes = itertools.cycle(pair)
    for _ in range(4):  # two on each node: each alone is under its limit of 4
        assert login(next(nodes), u["username"], "wrong").status_code == 401
    for s in pair:
        r = login(s, u["username"], PASSWORD)
        assert r.status_code == 429, r.text
        assert 0 < int(r.headers["Retry-After"]) <= 60


@pytest.mark.parametrize("pair", [{"PAASPORT_LOGIN_RATE_PER_IP": "6"}], indirect=True)
def test_per_address_throttle_counts_on_every_node(pair):
    a, b = pair
    nodes = itertools.cycle(pair)
    for _ in range(6):
        assert login(next(nodes), unique("ghost"), "wrong").status_code == 401
    for s in pair:
        assert login(s, unique("ghost"), "wrong").status_code == 429


def test_unknown_name_lock_counts_on_every_node(pair):
    a, b = pair
    ghost, known = unique("ghost"), signup(a)
    nodes = itertools.cycle(pair)
    for _ in range(10):  # the lock-out threshold, five on each node
        assert login(next(nodes), ghost, "wrong").status_code == 401
        assert login(next(nodes), known["username"], "wrong").status_code == 401
    for s in pair:
        g, k = login(s, ghost, PASSWORD), login(s, known["username"], PASSWORD)
        assert g.status_code == k.status_code == 429
        assert g.json() == k.json()


def test_old_counters_are_swept(pair):
    a, _ = pair
    ghost = unique("ghost")
    assert login(a, ghost, "wrong").status_code == 401
    keys = {k for (k,) in a.sql("SELECT key FROM throttles UNION SELECT key FROM strikes")}
    assert f"login:{ghost}" in keys and f"unknown-login:{ghost}" in keys
    a.advance(days=2)
    deadline = time.time() + 10
    while time.time() < deadline:
        left = a.sql("SELECT key FROM throttles WHERE key LIKE ? UNION "
                     "SELECT key FROM strikes WHERE key LIKE ?", f"%{ghost}", f"%{ghost}")
        if not left:
            break
        time.sleep(0.2)
    assert not left
