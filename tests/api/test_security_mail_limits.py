"""Outbound mail limits (security issue, item 7): the mails a user's own actions send
to other addresses (collaborator invitations, email-change confirmations to the new
address) are limited per account per hour and per recipient per day
(src/core/mail_limits.h); beyond, 429 with Retry-After and nothing written."""
import time

from conftest import PASSWORD, unique, user_client

PER_ACCOUNT_HOUR = 30   # MAIL_LIMIT_PER_ACCOUNT_HOUR
PER_RECIPIENT_DAY = 10  # MAIL_LIMIT_PER_RECIPIENT_DAY
INVITE = "You are invited to collaborate on a paasport app"
CONFIRM = "Confirm your new email address"


def new_app(owner):
    name = unique("app")
    r = owner.post("/v1/apps", {"app": {"name": name}})
    assert r.status_code == 201, r.text
    return name


def invite(owner, app, email):
    return owner.post(f"/v1/apps/{app}/collaborators",
                      {"collaborator": {"email": email, "is_limited": False}})


def change_email(user, email):
    # current_password too: the email change may require it
    return user.put("/v1/users/account", {"user": {"email": email,
                                                   "current_password": PASSWORD}})


def outbox_to(server, addr):
    return server.sql("SELECT subject FROM mail_outbox WHERE lower(to_addr) = lower(?) "
                      "AND subject IN (?, ?)", addr, INVITE, CONFIRM)


def assert_limited(r, max_retry):
    assert r.status_code == 429, r.text
    retry = int(r.headers["Retry-After"])
    assert 0 < retry <= max_retry, retry
    assert "retry later" in r.json()["error"], r.text
    return retry


def test_account_limit_per_hour_counts_invitations_and_email_changes(server):
    owner = user_client(server)
    app = new_app(owner)
    for i in range(PER_ACCOUNT_HOUR - 5):
        r = invite(owner, app, f"{unique('inv')}@example.org")
        assert r.status_code == 201, r.text
    for i in range(5):
        r = change_email(owner, f"{unique('chg')}@example.org")
        assert r.status_code == 200, r.text
    pending = server.sql("SELECT unconfirmed_email FROM users WHERE id = ?", owner.user["id"])
    events = server.sql("SELECT COUNT(*) FROM events WHERE user_id = ?", owner.user["id"])
    outbox = server.sql("SELECT COUNT(*) FROM mail_outbox")

    extra = f"{unique('over')}@example.org"
    assert_limited(invite(owner, app, extra), 3600)
    assert_limited(change_email(owner, extra), 3600)
    # nothing written: no collaborator, no event, no mail, the pending change kept
    assert server.sql("SELECT COUNT(*) FROM collaborators WHERE lower(email) = lower(?)",
                      extra) == [(0,)]
    assert server.sql("SELECT COUNT(*) FROM events WHERE user_id = ?",
                      owner.user["id"]) == events
    assert server.sql("SELECT COUNT(*) FROM mail_outbox") == outbox
    assert outbox_to(server, extra) == []
    assert server.sql("SELECT unconfirmed_email FROM users WHERE id = ?",
                      owner.user["id"]) == pending
    time.sleep(0.5)
    assert not [m for m in server.mails() if m["to"] == extra]

    # another account is not affected
    other = user_client(server)
    assert invite(other, new_app(other), extra).status_code == 201

    # an hour later the account can mail again
    server.advance(hours=1, seconds=1)
    assert invite(owner, app, f"{unique('inv')}@example.org").status_code == 201
    assert change_email(owner, f"{unique('chg')}@example.org").status_code == 200


def test_recipient_limit_per_day_across_senders(server):
    victim = f"{unique('victim')}@example.org"
    a, b = user_client(server), user_client(server)
    a_app, b_app = new_app(a), new_app(b)
    assert invite(a, a_app, victim).status_code == 201
    for i in range(PER_RECIPIENT_DAY // 2 - 1):
        assert change_email(a, victim).status_code == 200
    for i in range(PER_RECIPIENT_DAY - PER_RECIPIENT_DAY // 2):
        assert change_email(b, victim).status_code == 200
    assert len(outbox_to(server, victim)) == PER_RECIPIENT_DAY
    c = user_client(server)  # a third sender (its sign-up mails its own address)
    c_app = new_app(c)
    mails = server.sql("SELECT COUNT(*) FROM mail_outbox")

    # not an oracle: a whole day whoever mailed the address and whenever
    r = invite(b, b_app, victim.upper())
    assert assert_limited(r, 86400) == 86400
    body = r.json()
    server.advance(hours=5)
    r2 = invite(c, c_app, victim)
    assert assert_limited(r2, 86400) == 86400
    assert r2.json() == body
    r3 = change_email(c, victim)
    assert assert_limited(r3, 86400) == 86400
    assert server.sql("SELECT COUNT(*) FROM mail_outbox") == mails
    assert server.sql("SELECT COUNT(*) FROM collaborators WHERE lower(email) = lower(?)",
                      victim) == [(1,)]

    # the senders can still mail other addresses
    assert invite(b, b_app, f"{unique('ok')}@example.org").status_code == 201

    # a day after the first mails, the address can be mailed again
    server.advance(hours=19, seconds=1)
    assert invite(b, b_app, victim).status_code == 201
    assert len(outbox_to(server, victim)) == PER_RECIPIENT_DAY + 1
