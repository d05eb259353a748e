"""Account pre-hijacking (issue 8, item 1): an account whose address was never
confirmed can sign in and confirm, nothing that lasts; unconfirmed sign-ups expire
after 7 days and free their address and username; a password reset of an address
never proven by its holder revokes every session, token and pending email change.
See docs/security.md, "Unconfirmed accounts"."""
import os
import subprocess
import time

import pytest
import requests

from sshkeys import keygen
from conftest import (BIN, PASSWORD, SIGNUP_CONFIRM_SUBJECT, Client, Server, browser_client,
                      confirm_signup, signup, signup_link, unique, user_client)

DAY_MS = 24 * 3600 * 1000
UNCONFIRMED = "email_unconfirmed"
RESEND_BODY = {"message": "if an account with this email awaits confirmation, a "
                          "confirmation link was mailed to it"}


@pytest.fixture
def srv():
    s = Server()
    yield s
    s.close()


def raw_signup(server, username=None, email=None, password=PASSWORD):
    return signup(server, username, email, password, confirm=False)


def assert_unconfirmed(r):
    assert r.status_code == 403, r.text
    body = r.json()
    assert body["code"] == UNCONFIRMED and "confirm your email address" in body["error"]


def mails_to(server, to, subject_part):
    return [m for m in server.mails() if m["to"] == to and subject_part in m["subject"]]


def new_mail(server, to, subject_part, before):
    """The first mail to `to` after the `before` ones (the sender logs them shortly
    after the commit)."""
    deadline = time.time() + 10
    while time.time() < deadline:
        found = mails_to(server, to, subject_part)
        if len(found) > before:
            return found[-1]
        time.sleep(0.05)
    raise AssertionError(f"no new mail to {to} with {subject_part!r}")


def reset_password(server, email, password):
    before = len(mails_to(server, email, "Reset"))
    r = requests.post(server.url + "/v1/users/password/reset", json={"email": email})
    assert r.status_code == 202
    body = new_mail(server, email, "Reset", before)["body"]
    token = body.split("/#/reset-password/")[1].split()[0]
    r = requests.put(server.url + "/v1/users/password/reset",
                     json={"token": token, "password": password})
    assert r.status_code == 200, r.text


def test_pre_hijack_attacker_keeps_nothing(srv):
    owner_of_apps = user_client(srv)
    victim = unique("victim") + "@corp.example"
    # the attacker signs up with the victim's address: a session, nothing that lasts
    u = raw_signup(srv, email=victim)
    assert u["email_confirmed"] is False
    att = browser_client(srv, u["username"])
    assert att.get("/v1/users/self").json()["user"]["email_confirmed"] is False
    assert_unconfirmed(att.post("/v1/tokens", {"token": {"name": "keep"}}))
    assert_unconfirmed(requests.post(srv.url + "/v1/tokens", auth=(u["username"], PASSWORD),
                                     json={"token": {"name": "cli"}}))
    assert_unconfirmed(att.post("/v1/apps", {"app": {"name": unique("app")}}))
    # nor an SSH key, which would let it push to apps it is later invited to
    assert_unconfirmed(att.post("/v1/keys", {"key": {"name": "k", "content": keygen()[1]}}))
    r = att.put("/v1/users/account", {"user": {"email": unique("att") + "@evil.example",
                                               "current_password": PASSWORD}})
    assert_unconfirmed(r)
    # an invitation to the victim's address cannot be accepted by the attacker
    app = owner_of_apps.post("/v1/apps", {"app": {"name": unique("app")}}).json()["app"]
    r = owner_of_apps.post(f"/v1/apps/{app['name']}/collaborators",
                           {"collaborator": {"email": victim}})
    assert r.status_code == 201, r.text
    inv = srv.wait_mail(victim, "invited")["body"].split("/#/invitation/")[1].split()[0]
    assert_unconfirmed(att.get("/v1/apps/collaboration?token=" + inv))
    assert srv.sql("SELECT COUNT(*) FROM tokens WHERE user_id = ?", u["id"]) == [(0,)]
    assert srv.sql("SELECT COUNT(*) FROM apps WHERE owner_id = ?", u["id"]) == [(0,)]
    assert srv.sql("SELECT COUNT(*) FROM keys WHERE user_id = ?", u["id"]) == [(0,)]
    # other edits of the profile still work (they last no longer than the account)
    assert att.put("/v1/users/account", {"user": {"fullname": "A"}}).status_code == 200
    # the victim recovers the account by password reset: the attacker's session dies
    reset_password(srv, victim, "victim's own new password 1")
    assert att.get("/v1/users/self").status_code == 401
    me = browser_client(srv, victim, "victim's own new password 1")
    assert me.get("/v1/users/self").json()["user"]["email_confirmed"] is True
    # and now the account is the victim's: tokens and the invitation work
    assert me.post("/v1/tokens", {"token": {"name": "mine"}}).status_code == 201
    assert me.get("/v1/apps/collaboration?token=" + inv).status_code == 200


def test_reset_of_a_never_proven_legacy_account_revokes_tokens_and_pending_change(srv):
    # an account from before the proof existed: not gated, but never proven
    victim = unique("legacy") + "@corp.example"
    u = raw_signup(srv, email=victim)
    srv.sql("UPDATE users SET email_pending = 0, email_confirmed_at = NULL WHERE id = ?",
            u["id"])
    att = browser_client(srv, u["username"])
    r = att.post("/v1/tokens", {"token": {"name": "kept"}})
    assert r.status_code == 201, r.text
    tok = Client(srv, r.json()["token"]["token"])
    assert tok.get("/v1/users/self").status_code == 200
    new = unique("att") + "@evil.example"
    r = att.put("/v1/users/account", {"user": {"email": new, "current_password": PASSWORD}})
    assert r.status_code == 200 and r.json()["user"]["unconfirmed_email"] == new
    pending = srv.wait_mail(new, "Confirm your new email")["body"]
    pending = pending.split("/#/confirm-email/")[1].split()[0]
    reset_password(srv, victim, "victim's own new password 2")
    assert tok.get("/v1/users/self").status_code == 401
    assert att.get("/v1/users/self").status_code == 401
    me = browser_client(srv, victim, "victim's own new password 2")
    self_ = me.get("/v1/users/self").json()["user"]
    assert self_["unconfirmed_email"] is None and self_["email"] == victim
    assert me.get("/v1/tokens").json()["tokens"] == []
    r = requests.post(srv.url + "/v1/users/email/confirm", json={"token": pending})
    assert r.status_code == 422 and "token" in r.json()["errors"]
    # a proven account keeps its tokens through a reset (the rule is for unproven ones)
    reset_password(srv, victim, "victim's own new password 3")
    t2 = browser_client(srv, victim, "victim's own new password 3")
    t2 = Client(srv, t2.post("/v1/tokens", {"token": {"name": "x"}}).json()["token"]["token"])
    reset_password(srv, victim, "victim's own new password 4")
    assert t2.get("/v1/users/self").status_code == 200


def test_confirmation_link_works_once(srv):
    name = unique()
    email = f"{name}@Example.com"
    raw_signup(srv, name, email)
    token = signup_link(srv, email)
    r = requests.post(srv.url + "/v1/users/email/confirm", json={"token": token})
    assert r.status_code == 200, r.text
    assert r.json()["user"]["email_confirmed"] is True and r.json()["user"]["email"] == email
    r = requests.post(srv.url + "/v1/users/email/confirm", json={"token": token})
    assert r.status_code == 422 and "token" in r.json()["errors"]
    c = browser_client(srv, name)
    assert c.post("/v1/tokens", {"token": {"name": "ok"}}).status_code == 201


def test_expired_signup_frees_address_and_username(srv):
    name, email = unique(), unique("e") + "@example.com"
    old = raw_signup(srv, name, email)
    token = signup_link(srv, email)
    # before 7 days: both still taken
    srv.advance(days=6)
    r = requests.post(srv.url + "/v1/users", json={"user": {
        "email": email, "username": unique(), "password": PASSWORD}})
    assert r.status_code == 422 and "email" in r.json()["errors"]
    srv.advance(days=1, minutes=1)
    # the link died with the account's time
    r = requests.post(srv.url + "/v1/users/email/confirm", json={"token": token})
    assert r.status_code == 422
    # someone else can now take the address and the username
    new = raw_signup(srv, name, email)
    assert new["id"] != old["id"]
    deadline = time.time() + 10
    while time.time() < deadline:
        links = [m for m in srv.mails() if m["to"] == email]
        if len(links) == 2:
            break
        time.sleep(0.05)
    fresh = links[-1]["body"].split("/#/confirm-email/")[1].split()[0]
    r = requests.post(srv.url + "/v1/users/email/confirm", json={"token": fresh})
    assert r.status_code == 200 and r.json()["user"]["id"] == new["id"]
    assert srv.sql("SELECT username, email FROM users WHERE id = ?", old["id"]) == [(None, None)]


def test_sweep_erases_expired_signups(srv):
    u = raw_signup(srv)
    confirmed = signup(srv)
    srv.advance(days=7, minutes=1)  # wakes the sweeper
    deadline = time.time() + 10
    while time.time() < deadline:
        if srv.sql("SELECT deleted_at IS NOT NULL FROM users WHERE id = ?", u["id"]) == [(1,)]:
            break
        time.sleep(0.1)
    r = requests.post(srv.url + "/v1/session", json={"login": u["username"], "password": PASSWORD})
    assert r.status_code == 401
    # a confirmed account is never swept
    assert browser_client(srv, confirmed["username"]).get("/v1/users/self").status_code == 200


def test_resend_does_not_enumerate_and_is_limited(srv):
    email = unique("r") + "@example.com"
    raw_signup(srv, email=email)
    confirmed = signup(srv)
    answers = []
    for addr in (email, "nobody-" + unique() + "@example.com", confirmed["email"]):
        r = requests.post(srv.url + "/v1/users/confirmation", json={"email": addr})
        answers.append((r.status_code, r.json()))
    assert answers == [(202, RESEND_BODY)] * 3
    srv.wait_mail(email, SIGNUP_CONFIRM_SUBJECT)
    # a confirmed address gets no new link
    sent = [m for m in srv.mails() if m["subject"] == SIGNUP_CONFIRM_SUBJECT]
    assert [m["to"] for m in sent].count(confirmed["email"]) == 1  # the sign-up's only
    # per recipient per day: the sign-up's mail and the resends, at most 5
    for _ in range(8):
        r = requests.post(srv.url + "/v1/users/confirmation", json={"email": email})
        assert (r.status_code, r.json()) == (202, RESEND_BODY)
    new_mail(srv, email, SIGNUP_CONFIRM_SUBJECT, 4)
    time.sleep(1)
    sent = mails_to(srv, email, SIGNUP_CONFIRM_SUBJECT)
    assert len(sent) == 5
    # only the newest link works
    link = lambda m: m["body"].split("/#/confirm-email/")[1].split()[0]
    r = requests.post(srv.url + "/v1/users/email/confirm", json={"token": link(sent[0])})
    assert r.status_code == 422
    r = requests.post(srv.url + "/v1/users/email/confirm", json={"token": link(sent[-1])})
    assert r.status_code == 200, r.text


def test_resend_is_throttled_per_ip():
    s = Server(env={"PAASPORT_LOGIN_RATE_PER_IP": "5"})
    try:
        codes = [requests.post(s.url + "/v1/users/confirmation",
                               json={"email": "x@example.com"}).status_code for _ in range(7)]
        assert codes[:5] == [202] * 5 and codes[5] == 429
    finally:
        s.close()


def test_cli_login_of_unconfirmed_account_says_what_to_do(srv, tmp_path):
    email = unique("c") + "@example.com"
    u = raw_signup(srv, email=email)
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "xdg"),
               PAASPORT_API_URL=srv.url)
    env.pop("PAASPORT_API_TOKEN", None)
    run = lambda *a, input: subprocess.run([os.path.join(BIN, "paasport"), *a], input=input,
                                           capture_output=True, text=True, env=env, timeout=60)
    # answer no: nothing sent, nothing stored
    r = run("login", input=f"{u['username']}\n{PASSWORD}\nn\n")
    assert r.returncode != 0
    assert "not confirmed" in r.stderr and "paasport login" in r.stderr
    assert not (tmp_path / "xdg" / "paasport" / "auth.json").exists()
    assert len([m for m in srv.mails() if m["to"] == email]) == 1
    # answer yes (login by username: the address is asked)
    r = run("login", input=f"{u['username']}\n{PASSWORD}\ny\n{email}\n")
    assert r.returncode != 0 and f"mailed to {email}" in r.stdout
    new_mail(srv, email, SIGNUP_CONFIRM_SUBJECT, 1)
    # --resend with the email as login
    r = run("login", "--resend", input=f"{email}\n{PASSWORD}\n")
    assert r.returncode != 0 and f"mailed to {email}" in r.stdout
    token = new_mail(srv, email, SIGNUP_CONFIRM_SUBJECT, 2)["body"]
    token = token.split("/#/confirm-email/")[1].split()[0]
    r = requests.post(srv.url + "/v1/users/email/confirm", json={"token": token})
    assert r.status_code == 200, r.text
    r = run("login", input=f"{email}\n{PASSWORD}\n")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "xdg" / "paasport" / "auth.json").exists()
