"""Declared permissions on every app route (docs/api.md "Roles on an app").

For each route under /v1/apps/{app}: a stranger and a pending invitee get 404
(the app's name does not leak), a limited collaborator gets 403 exactly where
the roles table says, and a refused request changes nothing in the store.
Leaving (removing one's own collaboration) is open to every collaborator;
removing someone else is the owner's."""
import pytest

from conftest import unique, user_client

# Tables a refused request could have written to (not tokens/sessions: every
# authenticated request stamps their last use).
TABLES = {
    "apps": "SELECT * FROM apps ORDER BY id",
    "formation": "SELECT * FROM formation ORDER BY app_id, type",
    "formation_history": "SELECT * FROM formation_history ORDER BY id",
    "collaborators": "SELECT * FROM collaborators ORDER BY id",
    "events": "SELECT * FROM events ORDER BY id",
    "event_subjects": "SELECT * FROM event_subjects ORDER BY event_id, subject",
    "mail_outbox": "SELECT id, to_addr, subject, body FROM mail_outbox ORDER BY id",
}


def snapshot(server):
    return {t: server.sql(q) for t, q in TABLES.items()}


def invite(owner, name, email, limited=False):
    r = owner.post(f"/v1/apps/{name}/collaborators",
                   {"collaborator": {"email": email, "is_limited": limited}})
    assert r.status_code == 201, r.text
    return r.json()["collaborator"]


def join(server, owner, name, member, limited=False):
    k = invite(owner, name, member.user["email"], limited)
    body = server.wait_mail(member.user["email"], "invited")["body"]
    tok = body.split("/#/invitation/")[1].split()[0]
    r = member.get("/v1/apps/collaboration?token=" + tok)
    assert r.status_code == 200, r.text
    return k


@pytest.fixture
def app_team(server):
    owner, collab, limited, pending, stranger = (user_client(server) for _ in range(5))
    name = "app-" + unique("")[:10]
    r = owner.post("/v1/apps", {"app": {"name": name}})
    assert r.status_code == 201, r.text
    ks = dict(collab=join(server, owner, name, collab),
              limited=join(server, owner, name, limited, limited=True),
              pending=invite(owner, name, pending.user["email"]))
    # the pending invitation has gone out (its body dropped from the outbox) before any snapshot
    server.wait_mail(pending.user["email"], "invited")
    return dict(name=name, owner=owner, collab=collab, limited=limited, pending=pending,
                stranger=stranger, k=ks)


# Every route under /v1/apps/{app}, as (label, call(client, team)), and what a
# limited collaborator gets (a 2xx means allowed).
def routes():
    def a(t):
        return f"/v1/apps/{t['name']}"
    return [
        ("show", lambda c, t: c.get(a(t)), 200),
        ("containers", lambda c, t: c.get(a(t) + "/containers"), 200),
        ("events", lambda c, t: c.get(a(t) + "/events"), 200),
        ("collaborators", lambda c, t: c.get(a(t) + "/collaborators"), 200),
        ("restart", lambda c, t: c.post(a(t) + "/restart"), 202),
        ("scale", lambda c, t: c.post(a(t) + "/scale",
                                      {"containers": [{"name": "web", "amount": 3}]}), 403),
        ("invite", lambda c, t: c.post(a(t) + "/collaborators",
                                       {"collaborator": {"email": unique() + "@example.com"}}),
         403),
        ("change role", lambda c, t: c.patch(a(t) + "/collaborators/" + t["k"]["collab"]["id"],
                                             {"collaborator": {"is_limited": True}}), 403),
        ("remove another", lambda c, t: c.delete(a(t) + "/collaborators/" + t["k"]["collab"]["id"]),
         403),
        ("delete app", lambda c, t: c.delete(a(t) + "?current_name=" + t["name"]), 403),
    ]


ROUTES = {label: (call, limited) for label, call, limited in routes()}


@pytest.mark.parametrize("label", sorted(ROUTES))
def test_strangers_and_pending_invitees_get_404_and_change_nothing(server, app_team, label):
    call, _ = ROUTES[label]
    for who in ("stranger", "pending"):
        before = snapshot(server)
        r = call(app_team[who], app_team)
        assert r.status_code == 404, (who, label, r.text)
        assert r.json() == {"resource": "app", "error": "not found"}
        assert snapshot(server) == before, (who, label)


@pytest.mark.parametrize("label", sorted(ROUTES))
def test_limited_collaborator_gets_403_exactly_where_the_table_says(server, app_team, label):
    call, expected = ROUTES[label]
    before = snapshot(server)
    r = call(app_team["limited"], app_team)
    assert r.status_code == expected, (label, r.text)
    if expected == 403:
        body = r.json()
        assert body["code"] == "forbidden" and body["error"], body
        assert snapshot(server) == before, label


@pytest.mark.parametrize("label", ["scale", "invite", "change role", "remove another",
                                   "delete app"])
def test_collaborator_refusals_match_the_table(server, app_team, label):
    """A (full) collaborator may scale, not manage collaborators nor delete."""
    call, _ = ROUTES[label]
    if label in ("change role", "remove another"):
        # someone else's entry: the limited collaborator's
        name = app_team["name"]
        kid = app_team["k"]["limited"]["id"]
        call = {"change role": lambda c, t: c.patch(f"/v1/apps/{name}/collaborators/{kid}",
                                                    {"collaborator": {"is_limited": False}}),
                "remove another": lambda c, t: c.delete(f"/v1/apps/{name}/collaborators/{kid}"),
                }[label]
    before = snapshot(server)
    r = call(app_team["collab"], app_team)
    if label == "scale":
        assert r.status_code == 202, r.text
        return
    assert r.status_code == 403 and r.json()["code"] == "forbidden", (label, r.text)
    assert snapshot(server) == before, label


def test_every_collaborator_may_leave(server, app_team):
    name = app_team["name"]
    for who in ("limited", "collab"):
        kid = app_team["k"][who]["id"]
        r = app_team[who].delete(f"/v1/apps/{name}/collaborators/{kid}")
        assert r.status_code == 204, r.text
        assert app_team[who].get(f"/v1/apps/{name}").status_code == 404
        assert server.sql("SELECT count(*) FROM collaborators WHERE id = ?", kid) == [(0,)]
    types = [e["type"] for e in app_team["owner"].get(f"/v1/apps/{name}/events").json()["events"]]
    assert types[:2] == ["delete_collaborator", "delete_collaborator"]


def test_the_owner_may_do_everything(server, app_team):
    owner = app_team["owner"]
    for label, (call, _) in sorted(ROUTES.items()):
        if label == "delete app":
            continue
        assert call(owner, app_team).status_code in (200, 201, 202, 204), label
    assert ROUTES["delete app"][0](owner, app_team).status_code == 204


def test_invitation_mail_text(server, app_team):
    """The invitation mail, byte for byte (it moved from the handler to core/collab.c)."""
    owner, name = app_team["owner"], app_team["name"]
    email = unique() + "@example.com"
    invite(owner, name, email)
    # read where it is delivered (the log): the outbox drops a body once the mail is out
    mail = server.wait_mail(email, "invited")
    subject, body = mail["subject"], mail["body"]
    tok = body.split("/#/invitation/")[1].split("\r\n")[0]
    assert len(tok) == 43  # 32 random bytes, base64url without padding
    assert subject == "You are invited to collaborate on a paasport app"
    # the public URL defaults to http://<listen address>
    assert body == (
        "Hello,\r\n\r\n"
        f"{owner.user['username']} invites you to collaborate on the app '{name}'. Follow this "
        "link, logged in with the account you want to use (valid 7 days):\r\n\r\n"
        f"{server.url}/#/invitation/{tok}\r\n\r\n"
        "If you did not ask for this, ignore this mail: nothing changes without the link."
        "\r\n\r\n-- paasport\r\n")
