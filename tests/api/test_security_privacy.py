"""Security issue 8, items 10 and 11: account deletion erases every email and
username the account ever had, and nothing of another live account."""
import time

import requests

from conftest import PASSWORD, unique, user_client
from test_account_delete import confirm, deletion_token
from test_apps import create_app, invitation_token, invite, join


def change_email(server, c, new):
    r = c.put("/v1/users/account", {"user": {"email": new, "current_password": PASSWORD}})
    assert r.status_code == 200, r.text
    body = server.wait_mail(new, "Confirm your new email")["body"]
    token = body.split("/#/confirm-email/")[1].split()[0]
    r = requests.post(server.url + "/v1/users/email/confirm", json={"token": token})
    assert r.status_code == 200, r.text


def delete_account(server, c, email):
    assert c.post("/v1/users/delete").status_code == 202
    did, tok = deletion_token(server, email)
    assert confirm(server, did, tok).status_code == 204


def everything(server):
    rows = server.sql("SELECT type_data FROM events")
    rows += server.sql("SELECT subject FROM event_subjects")
    rows += server.sql("SELECT to_addr || ' ' || subject || ' ' || body FROM mail_outbox")
    return " ".join(r[0] for r in rows).lower()


def test_old_username_and_email_are_erased(server):
    owner, bert = user_client(server), user_client(server)
    app = create_app(owner)
    join(server, owner, app, bert)  # accept_collaborator names bert's first name and address
    old_name, old_email = bert.user["username"], bert.user["email"]
    # bert's own app, whose invitation mail to a third party names him
    mine = create_app(bert)
    third = unique("third-") + "@example.com"
    invite(bert, mine, third)
    server.wait_mail(third, "invited")
    new_name = unique("bn")
    r = bert.put("/v1/users/account", {"user": {"username": new_name}})
    assert r.status_code == 200, r.text
    new_email = unique("bert-new-") + "@example.com"
    change_email(server, bert, new_email)
    # bert leaves the app under his new names
    ks = owner.get(f"/v1/apps/{app['name']}/collaborators").json()["collaborators"]
    k = [k for k in ks if k["user_id"] == bert.user["id"]][0]
    assert owner.delete(f"/v1/apps/{app['name']}/collaborators/{k['id']}").status_code == 204
    assert bert.delete(f"/v1/apps/{mine['name']}?current_name={mine['name']}").status_code == 204
    assert old_email.lower() in everything(server)

    delete_account(server, bert, new_email)

    dump = everything(server)
    for s in (old_name, old_email, new_name, new_email):
        assert s.lower() not in dump, s
    text = str(owner.get(f"/v1/apps/{app['name']}/events?per_page=100").json())
    assert old_name not in text and old_email not in text
    assert not server.sql("SELECT 1 FROM user_past_ids WHERE user_id = ?", bert.user["id"])


def test_an_invitation_accepted_by_someone_else_does_not_erase_its_addressee(server):
    alice, bob, carol, dave = (user_client(server) for _ in range(4))
    # alice collaborates on dave's app, under her own address
    theirs = create_app(dave)
    join(server, dave, theirs, alice)
    # carol invites alice's address; bob accepts it (he has the mail somehow)
    app = create_app(carol)
    first = invitation_token(server, alice.user["email"])
    invite(carol, app, alice.user["email"])
    deadline = time.time() + 10
    while (tok := invitation_token(server, alice.user["email"])) == first:
        assert time.time() < deadline
        time.sleep(0.05)
    assert bob.get("/v1/apps/collaboration?token=" + tok).status_code == 200
    # alice asks for a password reset
    r = requests.post(server.url + "/v1/users/password/reset",
                      json={"email": alice.user["email"]})
    assert r.status_code == 202
    body = server.wait_mail(alice.user["email"], "Reset")["body"]
    reset = body.split("/#/reset-password/")[1].split()[0]
    addr = alice.user["email"].lower()
    before = server.sql("SELECT COUNT(*) FROM mail_outbox WHERE lower(to_addr) = ?", addr)[0][0]
    assert before >= 2

    delete_account(server, bob, bob.user["email"])

    after = server.sql("SELECT COUNT(*) FROM mail_outbox WHERE lower(to_addr) = ?", addr)[0][0]
    assert after == before
    # she is not renamed in an app bob never touched
    text = str(dave.get(f"/v1/apps/{theirs['name']}/events?per_page=100").json())
    assert "user account deleted" not in text and alice.user["email"] in text
    ks = dave.get(f"/v1/apps/{theirs['name']}/collaborators").json()["collaborators"]
    assert [k["status"] for k in ks if k["user_id"] == alice.user["id"]] == ["accepted"]
    # her reset link still works
    r = requests.put(server.url + "/v1/users/password/reset",
                     json={"token": reset, "password": "a brand new passphrase"})
    assert r.status_code == 200, r.text
