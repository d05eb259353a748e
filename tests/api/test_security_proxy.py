"""Client addresses behind a reverse proxy (PAASPORT_TRUSTED_PROXIES): only from a
trusted peer is X-Forwarded-For used (its right-most untrusted entry), for the
per-IP login throttle, events' remote_ip and sessions' remote_ip."""
import requests

from conftest import PASSWORD, Client, Server, browser_client, new_token, signup, unique

import pytest

PER_IP = 5


def proxied(**env):
    e = {"PAASPORT_LOGIN_RATE_PER_IP": str(PER_IP)}
    e.update(env)
    return Server(env=e)


@pytest.fixture
def behind_proxy():
    s = proxied(PAASPORT_TRUSTED_PROXIES="127.0.0.1")
    yield s
    s.close()


def login(s, who, pw, xff=None):
    h = {"X-Forwarded-For": xff} if xff is not None else {}
    return requests.post(s.url + "/v1/session", json={"login": who, "password": pw},
                         headers=h, timeout=30)


def exhaust(s, xff):
    codes = [login(s, "nobody" + unique(), "wrong password!", xff).status_code
             for _ in range(PER_IP + 1)]
    assert codes == [401] * PER_IP + [429]


def test_clients_behind_the_proxy_have_their_own_throttle(behind_proxy):
    s = behind_proxy
    exhaust(s, "203.0.113.7")
    assert login(s, "nobody" + unique(), "wrong password!", "203.0.113.7").status_code == 429
    # another client behind the same proxy is not affected
    assert login(s, "nobody" + unique(), "wrong password!", "198.51.100.9").status_code == 401
    # nor is the proxy's own address (a request without the header)
    assert login(s, "nobody" + unique(), "wrong password!").status_code == 401


def test_events_and_sessions_show_the_forwarded_address(behind_proxy):
    s = behind_proxy
    u = signup(s)
    c = Client(s)
    r = c.post("/v1/session", {"login": u["username"], "password": PASSWORD},
               headers={"X-Forwarded-For": "2001:DB8::42"})
    assert r.status_code == 200, r.text
    c.csrf = r.json()["csrf_token"]
    sessions = c.get("/v1/sessions").json()["sessions"]
    assert [x["remote_ip"] for x in sessions if x["current"]] == ["2001:db8::42"]
    t = Client(s, new_token(s, u["username"])["token"])
    events = t.get("/v1/events?per_page=100").json()["events"]
    # the proxied login, then the token's Basic-auth login made without the header
    ok = sorted((int(e["id"]), e["type_data"]["remote_ip"]) for e in events
                if e["type"] == "login_success")
    assert [ip for _, ip in ok] == ["2001:db8::42", "127.0.0.1"]
    # and the access log
    ips = [x.get("ip") for x in s.log_lines() if x.get("request_id") == r.headers.get("X-Request-ID")]
    assert ips == ["2001:db8::42"]


def test_a_chain_gives_the_address_the_proxy_appended(behind_proxy):
    s = behind_proxy
    # the client sent "X-Forwarded-For: 192.0.2.66" itself; the proxy appended the real one
    exhaust(s, "192.0.2.66, 203.0.113.8")
    # the spoofed left part is not who was throttled
    assert login(s, "nobody" + unique(), "wrong password!", "192.0.2.66").status_code == 401
    assert login(s, "nobody" + unique(), "wrong password!", "203.0.113.8").status_code == 429
    u = signup(s)
    c = Client(s)
    r = c.post("/v1/session", {"login": u["username"], "password": PASSWORD},
               headers={"X-Forwarded-For": "192.0.2.66, 198.51.100.20"})
    assert r.status_code == 200
    assert [x["remote_ip"] for x in c.get("/v1/sessions").json()["sessions"]] == \
        ["198.51.100.20"]


def test_without_trusted_proxies_the_header_is_ignored():
    s = proxied()
    try:
        exhaust(s, "203.0.113.7")
        # a client cannot spoof its way out of the limit: one address, one budget
        assert login(s, "nobody" + unique(), "wrong password!", "198.51.100.9").status_code == 429
        assert login(s, "nobody" + unique(), "wrong password!").status_code == 429
    finally:
        s.close()


def test_a_peer_outside_the_trusted_list_is_not_believed():
    s = proxied(PAASPORT_TRUSTED_PROXIES="10.0.0.0/8, ::1")
    try:
        exhaust(s, "203.0.113.7")
        assert login(s, "nobody" + unique(), "wrong password!", "198.51.100.9").status_code == 429
        u = signup(s)
        s.advance(minutes=2)
        c = browser_client(s, u["username"])
        assert [x["remote_ip"] for x in c.get("/v1/sessions").json()["sessions"]] == \
            ["127.0.0.1"]
    finally:
        s.close()


@pytest.mark.parametrize("bad", ["127.0.0.1, not-an-address", "10.0.0.0/33", "::1/129"])
def test_a_malformed_trusted_list_refuses_to_start(bad):
    with pytest.raises(RuntimeError) as e:
        proxied(PAASPORT_TRUSTED_PROXIES=bad).close()
    assert "PAASPORT_TRUSTED_PROXIES" in str(e.value)
