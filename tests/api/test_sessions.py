"""Dashboard sessions: login, cookie flags, CSRF, list and revoke."""
import requests

from conftest import PASSWORD, Client, browser_client, signup, unique, user_client


def test_login_sets_hardened_cookie_and_csrf(server):
    u = signup(server)
    r = requests.post(server.url + "/v1/session", json={"login": u["email"], "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["user"]["id"] == u["id"] and len(body["csrf_token"]) >= 32
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("pp_session=")
    for flag in ("HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "Secure" not in cookie  # plain http here; see test_secure_cookie
    types = [e["type"] for e in Client(server).get("/v1/events", cookies=r.cookies).json()["events"]]
    assert types[0] == "login_success"


def test_secure_cookie_behind_https():
    from conftest import Server
    s = Server(env={"PAASPORT_PUBLIC_URL": "https://paasport.example.com"})
    try:
        u = signup(s)
        r = requests.post(s.url + "/v1/session", json={"login": u["username"], "password": PASSWORD})
        assert "Secure" in r.headers["Set-Cookie"]
    finally:
        s.close()


def test_wrong_password_and_unknown_user_look_the_same(server):
    u = signup(server)
    a = requests.post(server.url + "/v1/session", json={"login": u["username"], "password": "x" * 12})
    b = requests.post(server.url + "/v1/session", json={"login": "ghost" + unique(), "password": "x" * 12})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()


def test_csrf_required_on_state_changes(server):
    u = signup(server)
    c = browser_client(server, u["username"])
    token = c.csrf
    c.csrf = None
    r = c.post("/v1/tokens", {"token": {"name": "csrf?"}})
    assert r.status_code == 403 and r.json()["code"] == "csrf"
    r = c.post("/v1/tokens", {"token": {"name": "csrf?"}}, headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403
    r = c.delete("/v1/session")
    assert r.status_code == 403
    assert c.get("/v1/users/self").status_code == 200  # reads need none
    assert "csrf?" not in [t["name"] for t in c.get("/v1/tokens").json()["tokens"]]
    # the token is readable again after a page reload
    assert c.get("/v1/session").json()["csrf_token"] == token
    c.csrf = token
    assert c.post("/v1/tokens", {"token": {"name": "ok"}}).status_code == 201


def test_logout_revokes_server_side(server):
    u = signup(server)
    c = browser_client(server, u["username"])
    stolen = dict(c.s.cookies)
    assert c.delete("/v1/session").status_code == 204
    r = requests.get(server.url + "/v1/users/self", cookies=stolen)
    assert r.status_code == 401


def test_new_session_id_at_each_login(server):
    u = signup(server)
    c = browser_client(server, u["username"])
    first = c.s.cookies.get("pp_session")
    r = c.post("/v1/session", {"login": u["username"], "password": PASSWORD})
    assert r.status_code == 200
    second = c.s.cookies.get("pp_session")
    assert first != second
    assert requests.get(server.url + "/v1/users/self",
                        cookies={"pp_session": first}).status_code == 401


def test_sessions_list_and_revoke(server):
    u = signup(server)
    a = browser_client(server, u["username"])
    b = browser_client(server, u["username"])
    sessions = a.get("/v1/sessions").json()["sessions"]
    assert len(sessions) == 2
    cur = [s for s in sessions if s["current"]]
    assert len(cur) == 1 and cur[0]["remote_ip"] == "127.0.0.1"
    other = [s for s in sessions if not s["current"]][0]
    assert a.delete("/v1/sessions/" + other["id"]).status_code == 204
    assert b.get("/v1/users/self").status_code == 401
    assert a.get("/v1/users/self").status_code == 200
    assert a.delete("/v1/sessions/" + other["id"]).status_code == 404


def test_cross_account_sessions(server):
    ua, ub = signup(server), signup(server)
    a = browser_client(server, ua["username"])
    b = browser_client(server, ub["username"])
    sid = a.get("/v1/sessions").json()["sessions"][0]["id"]
    assert b.delete("/v1/sessions/" + sid).status_code == 404
    assert sid not in [s["id"] for s in b.get("/v1/sessions").json()["sessions"]]
    assert a.get("/v1/users/self").status_code == 200


def test_session_idle_expiry(server):
    u = signup(server)
    c = browser_client(server, u["username"])
    assert c.get("/v1/users/self").status_code == 200
    server.advance(minutes=31)  # idle for more than 30 minutes
    assert c.get("/v1/users/self").status_code == 401
