"""Login throttling per IP and per account, and the 10-failure lock."""
import requests

from conftest import PASSWORD, Client, Server, new_token, signup, unique

import pytest


@pytest.fixture
def strict():
    # the default throttles (a server of its own: the shared one is lenient)
    s = Server(env={"PAASPORT_LOGIN_RATE_PER_IP": "30", "PAASPORT_LOGIN_RATE_PER_ACCOUNT": "10"})
    yield s
    s.close()


def login(s, who, pw):
    return requests.post(s.url + "/v1/session", json={"login": who, "password": pw})


def test_lock_after_10_failures_in_a_row():
    s = Server(env={"PAASPORT_LOGIN_RATE_PER_ACCOUNT": "1000"})
    try:
        u = signup(s)
        for i in range(9):
            assert login(s, u["username"], "wrong password %d" % i).status_code == 401
        # a success resets the count
        assert login(s, u["username"], PASSWORD).status_code == 200
        for i in range(10):
            assert login(s, u["username"], "wrong password %d" % i).status_code == 401
        r = login(s, u["username"], PASSWORD)  # even the right password is refused
        assert r.status_code == 429
        assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
        assert "locked" in r.json()["error"]
        # Basic auth token creation is locked too
        r = requests.post(s.url + "/v1/tokens", auth=(u["username"], PASSWORD),
                          json={"token": {"name": "x"}})
        assert r.status_code == 429
        (until, created) = s.sql("SELECT locked_until, created_at FROM users WHERE id = ?", u["id"])[0]
        assert until > created
        # 15 minutes later the right password works again
        s.advance(minutes=15)
        assert login(s, u["username"], PASSWORD).status_code == 200
        c = Client(s, new_token(s, u["username"])["token"])
        types = [e["type"] for e in c.get("/v1/events?per_page=100").json()["events"]]
        assert types.count("login_lock") == 1
        assert types.count("login_failure") == 19
        lock = [e for e in c.get("/v1/events?per_page=100").json()["events"]
                if e["type"] == "login_lock"][0]
        assert lock["type_data"] == {"remote_ip": "127.0.0.1"}
    finally:
        s.close()


def test_per_account_throttle(strict):
    u = signup(strict)
    codes = [login(strict, u["username"], "wrong password!").status_code for _ in range(12)]
    assert codes[:10] == [401] * 10
    assert codes[10:] == [429, 429]


def test_per_ip_throttle(strict):
    codes = [login(strict, "nobody" + unique(), "wrong password!").status_code for _ in range(32)]
    assert codes[:30] == [401] * 30 and codes[30:] == [429, 429]
    r = login(strict, "x", "y" * 12)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert strict.proc.poll() is None
