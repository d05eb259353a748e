"""Email change needs re-authentication (security issue, item 2): a stolen token or
cookie alone cannot move the account to another address; the current password is
checked as a login is (counted toward the lock-out); the old address is mailed a
link that cancels the pending change until it is confirmed."""
import requests

from conftest import PASSWORD, Client, browser_client, new_token, signup, unique

URL_CANCEL = "/v1/users/email/cancel"


def confirm_token(server, addr):
    body = server.wait_mail(addr, "Confirm your new email")["body"]
    return body.split("/#/confirm-email/")[1].split()[0]


def cancel_token(server, old):
    mails = [m for m in server.mails() if m["to"] == old and "is changing" in m["subject"]]
    if not mails:
        mails = [server.wait_mail(old, "is changing")]
    return mails[-1]["body"].split("/#/email-cancel/")[1].split()[0]


def me(server):
    u = signup(server)
    c = Client(server, new_token(server, u["username"])["token"])
    c.user = u
    return c


def test_token_alone_cannot_change_the_email(server):
    c = me(server)
    new = unique("m") + "@example.com"
    for path, method in (("/v1/users/account", c.put), ("/v1/account/profile", c.patch)):
        r = method(path, {"user": {"email": new}})
        assert r.status_code == 422, r.text
        assert r.json() == {"errors": {"current_password": ["is required to change the email"]}}
        r = method(path, {"user": {"email": new, "current_password": "not my password"}})
        assert r.status_code == 422, r.text
        assert r.json()["errors"]["current_password"] == ["is invalid"]
    u = c.get("/v1/users/self").json()["user"]
    assert u["email"] == c.user["email"] and u["unconfirmed_email"] is None
    assert not [m for m in server.mails() if m["to"] == new]
    # with the password it can (and a browser session too)
    r = c.put("/v1/users/account", {"user": {"email": new, "current_password": PASSWORD}})
    assert r.status_code == 200, r.text
    assert r.json()["user"]["unconfirmed_email"] == new
    b = browser_client(server, c.user["username"])
    other = unique("m") + "@example.com"
    assert b.patch("/v1/account/profile", {"user": {"email": other}}).status_code == 422
    r = b.patch("/v1/account/profile", {"user": {"email": other, "current_password": PASSWORD}})
    assert r.status_code == 200 and r.json()["user"]["unconfirmed_email"] == other


def test_other_fields_and_going_back_need_no_password(server):
    c = me(server)
    r = c.put("/v1/users/account", {"user": {"fullname": "No Password", "email":
                                             c.user["email"].upper()}})
    assert r.status_code == 200, r.text
    new = unique("m") + "@example.com"
    assert c.put("/v1/users/account", {"user": {"email": new, "current_password": PASSWORD}}
                 ).status_code == 200
    # back to the current address cancels the pending change, no password needed
    r = c.put("/v1/users/account", {"user": {"email": c.user["email"]}})
    assert r.status_code == 200 and r.json()["user"]["unconfirmed_email"] is None


def test_wrong_password_counts_toward_the_lock_out(server):
    c = me(server)
    new = unique("m") + "@example.com"
    for i in range(10):
        r = c.put("/v1/users/account", {"user": {"email": new, "current_password": "bad %d" % i}})
        assert r.status_code == 422, r.text
    # locked: even the right password is refused now, as a login would be
    r = c.put("/v1/users/account", {"user": {"email": new, "current_password": PASSWORD}})
    assert r.status_code == 429 and "Retry-After" in r.headers
    r = requests.post(server.url + "/v1/session",
                      json={"login": c.user["username"], "password": PASSWORD})
    assert r.status_code in (401, 429)
    assert c.get("/v1/users/self").json()["user"]["unconfirmed_email"] is None
    server.wait_mail(c.user["email"], "locked")


def test_old_address_gets_a_cancel_link_that_voids_the_change(server):
    c = me(server)
    old, new = c.user["email"], unique("m") + "@example.com"
    r = c.put("/v1/users/account", {"user": {"email": new, "current_password": PASSWORD}})
    assert r.status_code == 200
    confirm = confirm_token(server, new)
    notice = server.wait_mail(old, "is changing")["body"]
    assert "/#/email-cancel/" in notice and "cancel the change" in notice
    cancel = cancel_token(server, old)
    r = requests.post(server.url + URL_CANCEL, json={"token": cancel})
    assert r.status_code == 204, r.text
    u = c.get("/v1/users/self").json()["user"]
    assert u["email"] == old and u["unconfirmed_email"] is None
    # the confirmation link no longer works, the cancel link is single use
    r = requests.post(server.url + "/v1/users/email/confirm", json={"token": confirm})
    assert r.status_code == 422 and "token" in r.json()["errors"]
    r = requests.post(server.url + URL_CANCEL, json={"token": cancel})
    assert r.status_code == 422
    assert r.json() == {"errors": {"token": ["is invalid, used or expired"]}}
    assert c.get("/v1/users/self").json()["user"]["email"] == old
    types = [e["type"] for e in c.get("/v1/events?per_page=100").json()["events"]]
    assert "cancel_email_change" in types


def test_cancel_after_confirmation_fails(server):
    c = me(server)
    old, new = c.user["email"], unique("m") + "@example.com"
    assert c.put("/v1/users/account", {"user": {"email": new, "current_password": PASSWORD}}
                 ).status_code == 200
    confirm = confirm_token(server, new)
    cancel = cancel_token(server, old)
    r = requests.post(server.url + "/v1/users/email/confirm", json={"token": confirm})
    assert r.status_code == 200, r.text
    r = requests.post(server.url + URL_CANCEL, json={"token": cancel})
    assert r.status_code == 422
    assert r.json() == {"errors": {"token": ["is invalid, used or expired"]}}
    assert c.get("/v1/users/self").json()["user"]["email"] == new


def test_a_newer_change_voids_the_older_cancel_link(server):
    c = me(server)
    old = c.user["email"]
    first, second = unique("m") + "@example.com", unique("m") + "@example.com"
    assert c.put("/v1/users/account", {"user": {"email": first, "current_password": PASSWORD}}
                 ).status_code == 200
    stale = cancel_token(server, old)
    confirm_token(server, first)
    assert c.put("/v1/users/account", {"user": {"email": second, "current_password": PASSWORD}}
                 ).status_code == 200
    confirm_token(server, second)
    r = requests.post(server.url + URL_CANCEL, json={"token": stale})
    assert r.status_code == 422
    assert c.get("/v1/users/self").json()["user"]["unconfirmed_email"] == second


def test_cancel_bad_tokens(server):
    for body in ({"token": "nope"}, {"token": ""}, {"token": 5}, {}):
        r = requests.post(server.url + URL_CANCEL, json=body)
        assert r.status_code in (400, 422), (body, r.text)
