"""Account takeover fixes of the security issue (items 3, 4, 5): reset links die with
email and password changes; the current-password check of a password change is a
login attempt (throttled, counted toward the lock-out); the lock mails an unlock
link, a reset unlocks, and an unknown name is answered like a locked one."""
import requests

from conftest import PASSWORD, Client, Server, browser_client, new_token, signup, unique

import pytest

NEW_PW = "another long passphrase"


def login(s, who, pw):
    return requests.post(s.url + "/v1/session", json={"login": who, "password": pw})


def reset_token(server, email):
    r = requests.post(server.url + "/v1/users/password/reset", json={"email": email})
    assert r.status_code == 202
    mails = [m for m in wait_mails(server, email, "Reset")]
    return mails[-1]["body"].split("/#/reset-password/")[1].split()[0]


def wait_mails(server, to, part):
    server.wait_mail(to, part)
    return [m for m in server.mails() if m["to"] == to and part in m["subject"]]


def reset(server, token, pw=NEW_PW):
    return requests.put(server.url + "/v1/users/password/reset",
                        json={"token": token, "password": pw})


def lock(s, username, n=10):
    for i in range(n):
        assert login(s, username, "wrong password %d" % i).status_code == 401


def unlock_token(s, email):
    mail = s.wait_mail(email, "locked")
    return mail["body"].split("/#/unlock/")[1].split()[0]


def events(s, username, password=PASSWORD):
    c = Client(s, new_token(s, username, password)["token"])
    return [e["type"] for e in c.get("/v1/events?per_page=100").json()["events"]]


# ---- 3. reset links outlive email and password changes ----

def test_password_change_voids_reset_links(server):
    u = signup(server)
    token = reset_token(server, u["email"])
    me = browser_client(server, u["username"])
    r = me.put("/v1/users/account", {"user": {"password": NEW_PW, "password_confirmation": NEW_PW,
                                              "current_password": PASSWORD}})
    assert r.status_code == 200, r.text
    r = reset(server, token, "attacker chosen password")
    assert r.status_code == 422 and "token" in r.json()["errors"]
    assert login(server, u["username"], NEW_PW).status_code == 200


def test_password_change_voids_pending_email_confirmation(server):
    u = signup(server)
    me = browser_client(server, u["username"])
    new_email = unique("m") + "@example.com"
    assert me.put("/v1/users/account", {"user": {"email": new_email,
                                                   "current_password": PASSWORD}}).status_code == 200
    link = server.wait_mail(new_email, "Confirm")["body"].split("/#/confirm-email/")[1].split()[0]
    r = me.put("/v1/users/account", {"user": {"password": NEW_PW, "current_password": PASSWORD}})
    assert r.status_code == 200, r.text
    r = requests.post(server.url + "/v1/users/email/confirm", json={"token": link})
    assert r.status_code == 422 and "token" in r.json()["errors"]


def test_email_change_voids_reset_links(server):
    u = signup(server)
    me = browser_client(server, u["username"])
    # a link asked before the change is void once the change is asked
    before = reset_token(server, u["email"])
    new_email = unique("m") + "@example.com"
    assert me.put("/v1/users/account", {"user": {"email": new_email,
                                                   "current_password": PASSWORD}}).status_code == 200
    r = reset(server, before)
    assert r.status_code == 422 and "token" in r.json()["errors"]
    # one asked while the change is pending (to the old address) dies at the confirmation
    during = reset_token(server, u["email"])
    link = server.wait_mail(new_email, "Confirm")["body"].split("/#/confirm-email/")[1].split()[0]
    r = requests.post(server.url + "/v1/users/email/confirm", json={"token": link})
    assert r.status_code == 200, r.text
    r = reset(server, during)
    assert r.status_code == 422 and "token" in r.json()["errors"]
    assert login(server, u["username"], PASSWORD).status_code == 200


# ---- 4. the current-password check is a login attempt ----

def change(c, current):
    return c.put("/v1/users/account", {"user": {"password": NEW_PW, "current_password": current}})


def test_current_password_check_is_throttled():
    s = Server(env={"PAASPORT_LOGIN_RATE_PER_ACCOUNT": "3"})
    try:
        u = signup(s)
        c = Client(s, new_token(s, u["username"])["token"])
        s.advance(minutes=1)  # the Basic login of new_token counted in this window
        codes = [change(c, "wrong password %d" % i).status_code for i in range(3)]
        assert codes == [422] * 3
        r = change(c, PASSWORD)  # throttled: even the right one is not checked
        assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 60
        # the per-login throttle is the one a login of this name counts in
        assert login(s, u["username"], PASSWORD).status_code == 429
        s.advance(minutes=1)
        assert change(c, PASSWORD).status_code == 200
    finally:
        s.close()


def test_current_password_failures_lock_the_account(server):
    u = signup(server)
    c = Client(server, new_token(server, u["username"])["token"])
    for i in range(10):
        r = change(c, "wrong password %d" % i)
        assert r.status_code == 422 and r.json()["errors"]["current_password"] == ["is invalid"]
    r = change(c, PASSWORD)
    assert r.status_code == 429 and "locked" in r.json()["error"]
    assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
    r = login(server, u["username"], PASSWORD)
    assert r.status_code == 429 and "locked" in r.json()["error"]
    types = [e["type"] for e in c.get("/v1/events?per_page=100").json()["events"]]
    assert types.count("login_failure") == 10 and types.count("login_lock") == 1
    # the failures of both paths add up to one count
    server.advance(minutes=15)
    for i in range(5):
        assert change(c, "wrong again %d" % i).status_code == 422
    lock(server, u["username"], 4)
    r = login(server, u["username"], "wrong at last")
    assert r.status_code == 401
    assert login(server, u["username"], PASSWORD).status_code == 429


# ---- 5. the lock: unlock link, reset unlocks, unknown names ----

def test_lock_mails_an_unlock_link_that_works_at_once(server):
    u = signup(server)
    lock(server, u["username"])
    assert login(server, u["username"], PASSWORD).status_code == 429
    token = unlock_token(server, u["email"])
    r = requests.post(server.url + "/v1/users/unlock", json={"token": token})
    assert r.status_code == 204, r.text
    assert login(server, u["username"], PASSWORD).status_code == 200
    # once only
    r = requests.post(server.url + "/v1/users/unlock", json={"token": token})
    assert r.status_code == 422 and "token" in r.json()["errors"]
    r = requests.post(server.url + "/v1/users/unlock", json={"token": ""})
    assert r.status_code == 400
    types = events(server, u["username"])
    assert types.count("login_lock") == 1 and types.count("login_unlock_success") == 1
    cat = requests.get(server.url + "/v1/event_types").json()
    names = [t["name"] for t in (cat["event_types"] if isinstance(cat, dict) else cat)]
    assert "login_unlock_success" in names


def test_unlock_clears_the_failure_count(server):
    u = signup(server)
    lock(server, u["username"])
    token = unlock_token(server, u["email"])
    assert requests.post(server.url + "/v1/users/unlock", json={"token": token}).status_code == 204
    lock(server, u["username"], 9)  # nine more failures do not lock
    assert login(server, u["username"], PASSWORD).status_code == 200


def test_password_reset_unlocks(server):
    u = signup(server)
    lock(server, u["username"])
    assert login(server, u["username"], PASSWORD).status_code == 429
    token = reset_token(server, u["email"])
    assert reset(server, token).status_code == 200
    assert login(server, u["username"], NEW_PW).status_code == 200
    # the unlock link of that lock is void too: the reset settled it
    r = requests.post(server.url + "/v1/users/unlock",
                      json={"token": unlock_token(server, u["email"])})
    assert r.status_code == 422


def test_unknown_name_answered_like_a_locked_one(server):
    u = signup(server)
    ghost = unique("ghost")
    known = [login(server, u["username"], "wrong password %d" % i) for i in range(10)]
    unknown = [login(server, ghost, "wrong password %d" % i) for i in range(10)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 10
    assert [r.json() for r in known] == [r.json() for r in unknown]
    k = login(server, u["username"], PASSWORD)
    g = login(server, ghost, PASSWORD)
    assert k.status_code == g.status_code == 429
    assert k.json() == g.json()
    assert abs(int(k.headers["Retry-After"]) - int(g.headers["Retry-After"])) <= 1
    # the Basic logins answer the same too
    k = requests.post(server.url + "/v1/tokens", auth=(u["username"], PASSWORD), json={})
    g = requests.post(server.url + "/v1/tokens", auth=(ghost, PASSWORD), json={})
    assert k.status_code == g.status_code == 429 and k.json() == g.json()
    # and both end together
    server.advance(minutes=15)
    assert login(server, ghost, PASSWORD).status_code == 401
    assert login(server, u["username"], PASSWORD).status_code == 200


def test_unknown_email_lock_is_case_insensitive(server):
    ghost = unique("ghost") + "@example.com"
    for i in range(10):
        assert login(server, ghost, "wrong password %d" % i).status_code == 401
    assert login(server, ghost.upper(), PASSWORD).status_code == 429
