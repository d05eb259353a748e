"""The application's clock as tests move it: POST /v1/_test/clock exists only in a
process started with PAASPORT_TEST_CLOCK=1, and every time rule reads that clock
(session idle and absolute limits, JWT expiry, lock-out, rate windows, token use).

Each test starts a server of its own: the clock only moves forward."""
import time

import pytest
import requests

from conftest import PASSWORD, Client, Server, browser_client, new_token, signup, unique

# src/util/clock.h CLOCK_ADVANCE_MAX_MS
ADVANCE_MAX_MS = 10 * 366 * 24 * 3600 * 1000
MINUTE = 60 * 1000


@pytest.fixture
def srv():
    s = Server()
    yield s
    s.close()


def advance(s, body):
    return requests.post(s.url + "/v1/_test/clock", json=body, timeout=30)


def server_now_ms(s):
    """The server's time, as a new account's created_at shows it."""
    from datetime import datetime, timezone
    u = signup(s)
    t = datetime.strptime(u["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return int(t.timestamp() * 1000)


def login(s, who, pw=PASSWORD):
    return requests.post(s.url + "/v1/session", json={"login": who, "password": pw}, timeout=30)


def test_route_is_unknown_without_the_variable():
    s = Server(test_clock=False)
    try:
        r = advance(s, {"advance_ms": 3600 * 1000})
        unknown = requests.post(s.url + "/v1/_test/no-such-route", json={"advance_ms": 1})
        assert r.status_code == 404 and unknown.status_code == 404
        assert r.headers["Content-Type"] == unknown.headers["Content-Type"]
        assert r.json()["error"] == unknown.json()["error"]
        # the clock did not move: what the server stamps now is the real time
        assert abs(server_now_ms(s) - time.time() * 1000) < MINUTE
        u = signup(s)
        c = browser_client(s, u["username"])
        assert advance(s, {"advance_ms": 31 * MINUTE}).status_code == 404
        assert c.get("/v1/users/self").status_code == 200
    finally:
        s.close()


def test_out_of_range_and_malformed_advances_are_refused(srv):
    for ms in (0, -1, -ADVANCE_MAX_MS, ADVANCE_MAX_MS + 1, 2 ** 62):
        r = advance(srv, {"advance_ms": ms})
        assert r.status_code == 422, (ms, r.text)
        assert "advance_ms" in r.json()["errors"]
    for body in ({}, {"advance_ms": "60000"}, {"advance_ms": 1.5}, {"advance_ms": None},
                 {"advance_ms": True}, {"advance_ms": [1]}):
        r = advance(srv, body)
        assert r.status_code == 400, (body, r.text)
    # nothing refused moved the clock
    assert abs(server_now_ms(srv) - time.time() * 1000) < MINUTE


def test_advance_answers_the_new_time(srv):
    before = int(time.time() * 1000)  # the server's milliseconds are whole (truncated)
    r = advance(srv, {"advance_ms": 24 * 3600 * 1000})
    assert r.status_code == 200
    now = r.json()["now_ms"]
    assert before + 24 * 3600 * 1000 <= now <= time.time() * 1000 + 24 * 3600 * 1000
    # what the server stamps follows its clock
    assert server_now_ms(srv) >= now
    # the largest step is accepted
    assert advance(srv, {"advance_ms": ADVANCE_MAX_MS}).json()["now_ms"] >= now + ADVANCE_MAX_MS


def test_idle_browser_session_ends_after_30_minutes(srv):
    u = signup(srv)
    c = browser_client(srv, u["username"])
    srv.advance(minutes=29)
    assert c.get("/v1/users/self").status_code == 200  # a use keeps it alive
    srv.advance(minutes=29)
    assert c.get("/v1/users/self").status_code == 200
    srv.advance(minutes=31)
    r = c.get("/v1/users/self")
    assert r.status_code == 401
    # a new login works
    assert browser_client(srv, u["username"]).get("/v1/users/self").status_code == 200


def test_busy_browser_session_ends_after_12_hours(srv):
    u = signup(srv)
    c = browser_client(srv, u["username"])
    for _ in range(24):  # used every 29 minutes for 11 h 36 min
        srv.advance(minutes=29)
        assert c.get("/v1/users/self").status_code == 200
    srv.advance(minutes=25)  # 12 h 1 min after the login
    assert c.get("/v1/users/self").status_code == 401


def test_lock_out_ends_after_15_minutes(srv):
    u = signup(srv)
    for i in range(10):
        assert login(srv, u["username"], "wrong password %d" % i).status_code == 401
    r = login(srv, u["username"])
    assert r.status_code == 429 and "locked" in r.json()["error"]
    srv.advance(minutes=14)
    r = login(srv, u["username"])
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 60
    srv.advance(minutes=1)
    assert login(srv, u["username"]).status_code == 200


def test_per_ip_throttle_window_is_a_minute():
    s = Server(env={"PAASPORT_LOGIN_RATE_PER_IP": "30"})
    try:
        codes = [login(s, "nobody" + unique(), "wrong password!").status_code for _ in range(31)]
        assert codes[:30] == [401] * 30 and codes[30] == 429
        s.advance(minutes=1, seconds=1)
        assert login(s, "nobody" + unique(), "wrong password!").status_code == 401
    finally:
        s.close()


def test_jwt_expires_after_an_hour(srv):
    u = signup(srv)
    raw = new_token(srv, u["username"])["token"]
    r = requests.post(srv.url + "/v1/tokens/exchange", auth=("", raw), timeout=30)
    assert r.status_code == 200, r.text
    c = Client(srv, r.json()["token"])
    assert c.get("/v1/users/self").status_code == 200
    srv.advance(minutes=59)
    assert c.get("/v1/users/self").status_code == 200
    srv.advance(minutes=2)
    assert c.get("/v1/users/self").status_code == 401
    assert Client(srv, raw).get("/v1/users/self").status_code == 200  # raw tokens last


def test_token_last_use_is_written_once_a_minute(srv):
    u = signup(srv)
    owner = Client(srv, new_token(srv, u["username"])["token"])
    t = owner.post("/v1/tokens", {"token": {"name": "used"}}).json()["token"]
    c = Client(srv, t["token"])

    def last_used():
        return [x for x in owner.get("/v1/tokens").json()["tokens"]
                if x["id"] == t["id"]][0]["last_used_at"]

    assert c.get("/v1/users/self").status_code == 200
    first = last_used()
    assert first is not None
    srv.advance(seconds=30)
    c.get("/v1/users/self")
    assert last_used() == first
    srv.advance(seconds=31)
    c.get("/v1/users/self")
    assert last_used() > first


def test_email_confirmation_link_lasts_a_day(srv):
    def change_email(who):
        c = Client(srv, new_token(srv, who["username"])["token"])
        new = unique() + "@example.net"
        assert c.put("/v1/users/account", {"user": {"email": new, "current_password": PASSWORD}}).status_code == 200
        body = srv.wait_mail(new, "Confirm your new email")["body"]
        return c, new, body.split("/#/confirm-email/")[1].split()[0]

    def confirm(token):
        return requests.post(srv.url + "/v1/users/email/confirm", json={"token": token},
                             timeout=30)

    old_c, old_new, old_tok = change_email(signup(srv))
    srv.advance(hours=12)
    young_c, young_new, young_tok = change_email(signup(srv))
    srv.advance(hours=12, seconds=1)
    assert confirm(old_tok).status_code == 422  # a day and a second old
    assert old_c.get("/v1/users/self").json()["user"]["email"] != old_new
    assert confirm(young_tok).status_code == 200  # half a day old
    assert young_c.get("/v1/users/self").json()["user"]["email"] == young_new
