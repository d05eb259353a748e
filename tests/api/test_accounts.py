"""Sign-up, the profile, password changes (API.md "Accounts and sessions")."""
from concurrent.futures import ThreadPoolExecutor

import requests

from conftest import (PASSWORD, Client, browser_client, confirm_signup, new_token, signup, unique,
                      user_client)


def test_signup_returns_user_and_records_event(server):
    name = unique()
    r = requests.post(server.url + "/v1/users", json={"user": {
        "email": f"{name}@Example.com", "username": name, "password": PASSWORD}})
    assert r.status_code == 201
    u = r.json()["user"]
    assert u["id"].startswith("us-") and u["username"] == name
    assert u["email"] == f"{name}@Example.com"
    assert u["unconfirmed_email"] is None and u["tfa_enabled"] is False
    assert u["referral_url"].startswith(server.url + "/r/")
    import re
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", u["created_at"])
    assert "password" not in r.text and "argon2" not in r.text
    # the stored hash is argon2id, never the password
    (h,) = server.sql("SELECT password_hash FROM users WHERE id = ?", u["id"])[0]
    assert h.startswith("$argon2id$") and PASSWORD not in h
    confirm_signup(server, f"{name}@Example.com")
    c = Client(server, new_token(server, name)["token"])
    types = [e["type"] for e in c.get("/v1/events").json()["events"]]
    assert types[-1] == "new_user"


def test_signup_validation_errors_change_nothing(server):
    before = server.sql("SELECT COUNT(*) FROM users")[0][0]
    cases = [
        ({"email": "x@example.com", "username": unique(), "password": "short"}, "password"),
        ({"email": "x@example.com", "username": unique(), "password": "a" * 129}, "password"),
        ({"email": "x@example.com", "username": unique(), "password": "password1234"},
         "password"),
        ({"email": "not-an-email", "username": unique(), "password": PASSWORD}, "email"),
        ({"email": "x@example.com", "username": "A b", "password": PASSWORD}, "username"),
        ({"email": "x@example.com", "username": "ab", "password": PASSWORD}, "username"),
        ({"username": unique(), "password": PASSWORD}, "email"),
        ({"email": "x@example.com", "password": PASSWORD}, "username"),
    ]
    for body, field in cases:
        r = requests.post(server.url + "/v1/users", json={"user": body})
        assert r.status_code == 422, (body, r.text)
        assert field in r.json()["errors"], (body, r.text)
        assert isinstance(r.json()["errors"][field], list)
    assert server.sql("SELECT COUNT(*) FROM users")[0][0] == before


def test_signup_taken_username_and_email_case_insensitive(server):
    u = signup(server)
    r = requests.post(server.url + "/v1/users", json={"user": {
        "email": u["email"].upper(), "username": u["username"], "password": PASSWORD}})
    assert r.status_code == 422
    errs = r.json()["errors"]
    assert errs["username"] == ["is already taken"] and errs["email"] == ["is already taken"]


def test_password_of_128_chars_and_unicode_accepted(server):
    signup(server, password="éèêë" * 3)  # 12 characters, 24 bytes
    signup(server, password="x1" * 64)


def test_self_requires_auth(server):
    r = requests.get(server.url + "/v1/users/self")
    assert r.status_code == 401 and "error" in r.json()
    r = requests.get(server.url + "/v1/users/self", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    r = requests.get(server.url + "/v1/users/self",
                     headers={"Authorization": "Bearer tk-us-" + "A" * 43})
    assert r.status_code == 401


def test_profile_update_fields_and_event(server, alice):
    r = alice.put("/v1/users/account", {"user": {
        "fullname": "Alice Liddell", "company": "Wonderland SAS", "location": "Paris",
        "email_newsletter": True}})
    assert r.status_code == 200, r.text
    u = r.json()["user"]
    assert (u["fullname"], u["company"], u["location"], u["email_newsletter"]) == (
        "Alice Liddell", "Wonderland SAS", "Paris", True)
    assert alice.get("/v1/users/self").json()["user"]["company"] == "Wonderland SAS"
    ev = alice.get("/v1/events").json()["events"][0]
    assert ev["type"] == "edit_profile"
    assert set(ev["type_data"]["fields"]) == {"fullname", "company", "location",
                                              "email_newsletter"}
    # the PATCH alias of the Go client
    r = alice.patch("/v1/account/profile", {"user": {"fullname": "A. L."}})
    assert r.status_code == 200 and r.json()["user"]["fullname"] == "A. L."


def test_profile_username_change_and_conflict(server, alice, bob):
    new = unique()
    r = alice.put("/v1/users/account", {"user": {"username": new}})
    assert r.status_code == 200 and r.json()["user"]["username"] == new
    r = alice.put("/v1/users/account", {"user": {"username": bob.user["username"],
                                                 "fullname": "changed?"}})
    assert r.status_code == 422 and r.json()["errors"]["username"] == ["is already taken"]
    assert alice.get("/v1/users/self").json()["user"]["fullname"] != "changed?"


def test_profile_bad_input_changes_nothing(server, alice):
    before = alice.get("/v1/users/self").json()["user"]
    for body in ({"user": {"fullname": 12}}, {"user": {"email_newsletter": "yes"}},
                 {"user": {"username": ["x"]}}):
        r = alice.put("/v1/users/account", body)
        assert r.status_code == 400, r.text
    for body in ({"user": {"fullname": "x" * 129}}, {"user": {"username": "Bad Name"}},
                 {"user": {"email": "nope"}}, {"user": {"company": "a\u0007b"}}):
        r = alice.put("/v1/users/account", body)
        assert r.status_code == 422, r.text
    assert alice.get("/v1/users/self").json()["user"] == before


def test_email_change_is_pending_until_confirmed(server, alice):
    old = alice.user["email"]
    new = unique() + "@example.org"
    r = alice.put("/v1/users/account", {"user": {"email": new, "current_password": PASSWORD}})
    assert r.status_code == 200
    u = r.json()["user"]
    assert u["email"] == old and u["unconfirmed_email"] == new
    # the link goes to the new address (no SMTP configured: it is in the log)
    body = server.wait_mail(new, "Confirm your new email")["body"]
    token = body.split("/#/confirm-email/")[1].split()[0]
    # a notice goes to the old address
    server.wait_mail(old, "is changing")
    r = requests.post(server.url + "/v1/users/email/confirm", json={"token": token})
    assert r.status_code == 200, r.text
    u = alice.get("/v1/users/self").json()["user"]
    assert u["email"] == new and u["unconfirmed_email"] is None
    # single use
    r = requests.post(server.url + "/v1/users/email/confirm", json={"token": token})
    assert r.status_code == 422


def test_email_change_to_taken_address_refused(server, alice, bob):
    r = alice.put("/v1/users/account", {"user": {"email": bob.user["email"],
                                                 "current_password": PASSWORD}})
    assert r.status_code == 422 and "email" in r.json()["errors"]


def test_email_confirm_bad_tokens(server):
    for body in ({"token": "nope"}, {"token": ""}, {"token": 5}, {}):
        r = requests.post(server.url + "/v1/users/email/confirm", json=body)
        assert r.status_code in (400, 422), (body, r.text)


def test_password_change_needs_current_and_revokes_others(server):
    u = signup(server)
    tok = new_token(server, u["username"])["token"]
    jwt = requests.post(server.url + "/v1/tokens/exchange", auth=("", tok)).json()["token"]
    other = browser_client(server, u["username"])
    me = browser_client(server, u["username"])
    new_pw = "another long passphrase"
    r = me.put("/v1/users/account", {"user": {"password": new_pw,
                                              "password_confirmation": new_pw}})
    assert r.status_code == 422 and "current_password" in r.json()["errors"]
    r = me.put("/v1/users/account", {"user": {"password": new_pw, "current_password": "wrong"
                                              * 4}})
    assert r.status_code == 422 and r.json()["errors"]["current_password"] == ["is invalid"]
    r = me.put("/v1/users/account", {"user": {"password": new_pw, "password_confirmation": "x",
                                              "current_password": PASSWORD}})
    assert r.status_code == 422 and "password_confirmation" in r.json()["errors"]
    r = me.put("/v1/users/account", {"user": {"password": new_pw,
                                              "password_confirmation": new_pw,
                                              "current_password": PASSWORD}})
    assert r.status_code == 200, r.text
    # this session lives on, the other one and the JWT are revoked
    assert me.get("/v1/users/self").status_code == 200
    assert other.get("/v1/users/self").status_code == 401
    assert requests.get(server.url + "/v1/users/self",
                        headers={"Authorization": "Bearer " + jwt}).status_code == 401
    # the API token itself still works, and a fresh JWT from it too
    assert Client(server, tok).get("/v1/users/self").status_code == 200
    jwt2 = requests.post(server.url + "/v1/tokens/exchange", auth=("", tok)).json()["token"]
    assert Client(server, jwt2).get("/v1/users/self").status_code == 200
    # old password no longer logs in, new one does
    assert requests.post(server.url + "/v1/session", json={
        "login": u["username"], "password": PASSWORD}).status_code == 401
    browser_client(server, u["username"], new_pw)


def test_password_reset_flow(server):
    u = signup(server)
    r = requests.post(server.url + "/v1/users/password/reset", json={"email": u["email"]})
    assert r.status_code == 202
    # unknown addresses get the very same answer
    r2 = requests.post(server.url + "/v1/users/password/reset",
                       json={"email": "nobody-" + unique() + "@example.com"})
    assert r2.status_code == 202 and r2.json() == r.json()
    mail = server.wait_mail(u["email"], "Reset")
    token = mail["body"].split("/#/reset-password/")[1].split()[0]
    sess = browser_client(server, u["username"])
    r = requests.put(server.url + "/v1/users/password/reset",
                     json={"token": token, "password": "short"})
    assert r.status_code == 422 and "password" in r.json()["errors"]
    new_pw = "a brand new passphrase"
    r = requests.put(server.url + "/v1/users/password/reset",
                     json={"token": token, "password": new_pw})
    assert r.status_code == 200, r.text
    assert sess.get("/v1/users/self").status_code == 401  # every session revoked
    r = requests.put(server.url + "/v1/users/password/reset",
                     json={"token": token, "password": "yet another passphrase"})
    assert r.status_code == 422 and "token" in r.json()["errors"]  # single use
    browser_client(server, u["username"], new_pw)
    c = Client(server, new_token(server, u["username"], new_pw)["token"])
    types = [e["type"] for e in c.get("/v1/events?per_page=100").json()["events"]]
    assert "password_reset_query" in types and "password_reset_success" in types


def test_password_reset_link_expires(server):
    u = signup(server)
    requests.post(server.url + "/v1/users/password/reset", json={"email": u["email"]})
    mail = server.wait_mail(u["email"], "Reset")
    token = mail["body"].split("/#/reset-password/")[1].split()[0]
    server.advance(3600001)  # one hour later
    r = requests.put(server.url + "/v1/users/password/reset",
                     json={"token": token, "password": "a brand new passphrase"})
    assert r.status_code == 422
    (exp, created) = server.sql("SELECT expires_at, created_at FROM one_time_links "
                                "WHERE user_id = ? AND kind = 'password_reset'", u["id"])[0]
    assert exp - created == 3600 * 1000


def test_one_reset_link_used_twice_at_once_changes_the_password_once(server):
    u = signup(server)
    requests.post(server.url + "/v1/users/password/reset", json={"email": u["email"]})
    token = server.wait_mail(u["email"], "Reset")["body"].split("/#/reset-password/")[1].split()[0]
    pws = [f"concurrent passphrase number {i}" for i in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(lambda pw: requests.put(
            server.url + "/v1/users/password/reset",
            json={"token": token, "password": pw}, timeout=30).status_code, pws))
    assert sorted(codes) == [200] + [422] * 5, codes
    winner = pws[codes.index(200)]
    browser_client(server, u["username"], winner)
    for pw in pws:
        if pw != winner:
            r = requests.post(server.url + "/v1/session",
                              json={"login": u["username"], "password": pw})
            assert r.status_code == 401
    assert server.sql("SELECT COUNT(*) FROM events WHERE user_id = ? AND "
                      "type = 'password_reset_success'", u["id"])[0][0] == 1


def test_referral_link_and_signup_with_code(server):
    ref = signup(server)
    code = ref["referral_url"].rsplit("/r/", 1)[1]
    r = requests.get(server.url + "/r/" + code, allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"] == "/#/signup/" + code
    r = requests.get(server.url + "/r/not-hex<script>", allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"] == "/#/signup"
    name = unique()
    r = requests.post(server.url + "/v1/users", json={"user": {
        "email": name + "@example.com", "username": name, "password": PASSWORD,
        "referral_code": code}})
    assert r.status_code == 201
    assert server.sql("SELECT referred_by FROM users WHERE username = ?", name) == [(ref["id"],)]
    # an unknown code does not block the sign-up
    other = unique()
    r = requests.post(server.url + "/v1/users", json={"user": {
        "email": other + "@example.com", "username": other, "password": PASSWORD,
        "referral_code": "0" * 16}})
    assert r.status_code == 201
    assert server.sql("SELECT referred_by FROM users WHERE username = ?", other) == [(None,)]
