"""Account deletion: refused while apps are owned, confirmed by mailed link."""
import requests

from conftest import PASSWORD, Client, signup, unique, user_client
from test_apps import create_app, join


def deletion_token(server, email):
    body = server.wait_mail(email, "deletion")["body"]
    path = body.split("/#/delete-account/")[1].split()[0]
    did, tok = path.split("/")
    return did, tok


def confirm(server, did, tok, **extra):
    return requests.post(f"{server.url}/v1/users/delete/{did}/confirm",
                         json={"deletion": dict(token=tok, **extra)})


def test_refused_with_apps_then_accepted_then_username_reusable(server):
    u = user_client(server)
    other = user_client(server)
    app = create_app(u)
    mine = create_app(other)
    join(server, other, mine, u)  # u collaborates on other's app
    u.post(f"/v1/apps/{mine['name']}/scale", {"containers": [{"name": "web", "amount": 2}]})
    r = u.post("/v1/users/delete")
    assert r.status_code == 409 and r.json()["apps"] == [app["name"]]
    assert u.delete(f"/v1/apps/{app['name']}?current_name={app['name']}").status_code == 204
    r = u.post("/v1/users/delete")
    assert r.status_code == 202
    did, tok = deletion_token(server, u.user["email"])
    assert r.json()["deletion"]["id"] == did
    assert confirm(server, did, "wrong-token").status_code == 422
    assert confirm(server, "del-wrong", tok).status_code == 422
    r = confirm(server, did, tok, reason="moving on", details="thanks")
    assert r.status_code == 204
    # sessions and tokens are gone
    assert u.get("/v1/users/self").status_code == 401
    assert server.sql("SELECT COUNT(*) FROM tokens WHERE user_id = ?", u.user["id"]) == [(0,)]
    # personal data erased, the row kept for history
    row = server.sql("SELECT username, email, password_hash, fullname, deleted_at FROM users WHERE id = ?", u.user["id"])[0]
    assert row[:4] == (None, None, None, "") and row[4] > 0
    assert not server.sql("SELECT 1 FROM mail_outbox WHERE to_addr = ?", u.user["email"])
    # collaborations show the deleted account; its events stay, without personal data
    ks = other.get(f"/v1/apps/{mine['name']}/collaborators").json()["collaborators"]
    gone = [k for k in ks if k["user_id"] == u.user["id"]][0]
    assert gone["status"] == "user account deleted" and gone["username"] == "user account deleted"
    assert gone["email"] == ""
    evs = other.get(f"/v1/apps/{mine['name']}/events").json()["events"]
    scale = [e for e in evs if e["type"] == "scale"][0]
    assert scale["user"] == {"id": u.user["id"], "username": None, "email": None}
    assert u.user["email"] not in str(evs)
    # the link is single use; username and email are free again
    assert confirm(server, did, tok).status_code == 422
    again = signup(server, u.user["username"], u.user["email"])
    assert again["id"] != u.user["id"]


def test_link_fails_if_an_app_was_created_meanwhile(server):
    u = user_client(server)
    assert u.post("/v1/users/delete").status_code == 202
    did, tok = deletion_token(server, u.user["email"])
    app = create_app(u)
    r = confirm(server, did, tok)
    assert r.status_code == 409 and r.json()["apps"] == [app["name"]]
    assert u.get("/v1/users/self").status_code == 200
    u.delete(f"/v1/apps/{app['name']}?current_name={app['name']}")
    assert confirm(server, did, tok).status_code == 204


def test_link_expires_after_24_hours(server):
    u = user_client(server)
    u.post("/v1/users/delete")
    did, tok = deletion_token(server, u.user["email"])
    (exp, created) = server.sql("SELECT expires_at, created_at FROM one_time_links WHERE user_id = ? AND kind = 'delete_account'", u.user["id"])[0]
    assert exp - created == 24 * 3600 * 1000
    server.advance(hours=24, seconds=1)  # a day later
    assert confirm(server, did, tok).status_code == 422
    assert u.get("/v1/users/self").status_code == 200


def test_bad_confirm_bodies(server):
    for body in ({}, {"deletion": {}}, {"deletion": {"token": 3}}, {"deletion": {"token": "x", "reason": 5}}):
        r = requests.post(f"{server.url}/v1/users/delete/del-x/confirm", json=body)
        assert r.status_code == 400, body
    assert requests.post(f"{server.url}/v1/users/delete").status_code == 401


def test_deleted_owner_vanishes_from_others_timelines(server):
    anna, bert = user_client(server), user_client(server)
    app = create_app(anna)
    # invited under another case of the address
    r = anna.post(f"/v1/apps/{app['name']}/collaborators",
                  {"collaborator": {"email": bert.user["email"].upper()}})
    assert r.status_code == 201
    body = server.wait_mail(bert.user["email"].upper(), "invited")["body"]
    tok = body.split("/#/invitation/")[1].split()[0]
    assert bert.get("/v1/apps/collaboration?token=" + tok).status_code == 200
    assert anna.delete(f"/v1/apps/{app['name']}?current_name={app['name']}").status_code == 204
    assert anna.post("/v1/users/delete").status_code == 202
    did, dtok = deletion_token(server, anna.user["email"])
    assert confirm(server, did, dtok).status_code == 204
    text = str(bert.get("/v1/events?per_page=100").json())
    assert anna.user["email"] not in text and anna.user["username"] not in text
    assert "user account deleted" in text
    # and when bert goes too, nothing of his stays in the store's events
    assert bert.post("/v1/users/delete").status_code == 202
    did, dtok = deletion_token(server, bert.user["email"])
    assert confirm(server, did, dtok).status_code == 204
    rows = server.sql("SELECT type_data FROM events WHERE app_id = ?", app["id"])
    dump = " ".join(r[0] for r in rows).lower()
    for who in (anna, bert):
        assert who.user["email"].lower() not in dump and who.user["username"] not in dump


def test_confirm_does_not_touch_the_browser_cookie(server):
    u = user_client(server)
    u.post("/v1/users/delete")
    did, tok = deletion_token(server, u.user["email"])
    r = confirm(server, did, tok)
    assert r.status_code == 204 and "Set-Cookie" not in r.headers


def test_addresses_invited_under_and_pending_address_are_erased_too(server):
    """An account may have joined an app through an invitation sent to another of
    its addresses, and may have an email change pending: at deletion, the events
    that name those addresses are scrubbed and the mails sent there dropped."""
    anna, bert = user_client(server), user_client(server)
    app = create_app(anna)
    work = unique("bert-work-") + "@example.com"
    r = anna.post(f"/v1/apps/{app['name']}/collaborators", {"collaborator": {"email": work}})
    assert r.status_code == 201
    body = server.wait_mail(work, "invited")["body"]
    tok = body.split("/#/invitation/")[1].split()[0]
    assert bert.get("/v1/apps/collaboration?token=" + tok).status_code == 200
    pending = unique("bert-new-") + "@example.com"
    r = bert.patch("/v1/account/profile", {"user": {"email": pending,
                                                   "current_password": PASSWORD}})
    assert r.status_code == 200 and r.json()["user"]["unconfirmed_email"] == pending
    server.wait_mail(pending, "")
    # the app's timeline names the address the invitation went to
    assert work in str(anna.get(f"/v1/apps/{app['name']}/events?per_page=100").json())

    assert bert.post("/v1/users/delete").status_code == 202
    did, dtok = deletion_token(server, bert.user["email"])
    assert confirm(server, did, dtok).status_code == 204

    text = str(anna.get(f"/v1/apps/{app['name']}/events?per_page=100").json())
    assert work not in text and bert.user["username"] not in text
    assert "user account deleted" in text
    dump = " ".join(r[0] for r in server.sql("SELECT type_data FROM events")).lower()
    for addr in (work, pending, bert.user["email"]):
        assert addr.lower() not in dump, addr
        assert server.sql("SELECT COUNT(*) FROM mail_outbox WHERE lower(to_addr) = ?",
                          addr.lower())[0][0] == 0, addr
    # anna's own data is untouched
    assert anna.user["email"] in str(anna.get("/v1/users/self").json())


def test_account_with_a_second_address_vanishes_from_events_naming_it_by_id(server):
    """anna joined carl's app through her work address, and invited bert to her own
    app: bert's acceptance names anna (the inviter) by her current address, linked
    to her by id only. Both addresses are gone from every event after deletion."""
    anna, bert, carl = user_client(server), user_client(server), user_client(server)
    theirs = create_app(carl)
    work = unique("anna-work-") + "@example.com"
    assert carl.post(f"/v1/apps/{theirs['name']}/collaborators",
                     {"collaborator": {"email": work}}).status_code == 201
    tok = server.wait_mail(work, "invited")["body"].split("/#/invitation/")[1].split()[0]
    assert anna.get("/v1/apps/collaboration?token=" + tok).status_code == 200
    mine = create_app(anna)
    join(server, anna, mine, bert)
    assert anna.user["email"] in str(bert.get("/v1/events?per_page=100").json())

    assert anna.delete(f"/v1/apps/{mine['name']}?current_name={mine['name']}").status_code == 204
    assert anna.post("/v1/users/delete").status_code == 202
    did, dtok = deletion_token(server, anna.user["email"])
    assert confirm(server, did, dtok).status_code == 204

    dump = " ".join(r[0] for r in server.sql("SELECT type_data FROM events")).lower()
    for s in (anna.user["email"], work, anna.user["username"]):
        assert s.lower() not in dump, s
    assert bert.user["email"].lower() in dump  # bert's own data stays
    assert server.sql("SELECT COUNT(*) FROM event_subjects WHERE subject IN (?, ?, ?)",
                      anna.user["id"], anna.user["email"].lower(), work.lower())[0][0] == 0
