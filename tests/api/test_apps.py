"""Apps, containers, collaborators and the role matrix (API.md "Apps")."""
import os

import pytest
import requests

from conftest import Client, unique, user_client


def app_name():
    return "app-" + unique("")[:10]


def create_app(c, name=None):
    r = c.post("/v1/apps", {"app": {"name": name or app_name()}})
    assert r.status_code == 201, r.text
    return r.json()["app"]


def invite(owner, app, email, limited=False):
    r = owner.post(f"/v1/apps/{app['name']}/collaborators",
                   {"collaborator": {"email": email, "is_limited": limited}})
    assert r.status_code == 201, r.text
    return r.json()["collaborator"]


def invitation_token(server, email):
    body = server.wait_mail(email, "invited")["body"]
    return body.split("/#/invitation/")[1].split()[0]


def join(server, owner, app, member, limited=False):
    k = invite(owner, app, member.user["email"], limited)
    tok = invitation_token(server, member.user["email"])
    r = member.get("/v1/apps/collaboration?token=" + tok)
    assert r.status_code == 200, r.text
    return k


@pytest.fixture
def team(server):
    """An app with an owner, a collaborator, a limited one, a pending invitee, a stranger."""
    owner, collab, limited, pending, stranger = (user_client(server) for _ in range(5))
    app = create_app(owner)
    join(server, owner, app, collab)
    join(server, owner, app, limited, limited=True)
    invite(owner, app, pending.user["email"])
    return dict(app=app, owner=owner, collab=collab, limited=limited, pending=pending,
                stranger=stranger)


def test_create_app_shape_repo_and_formation(server, alice):
    name = app_name()
    app = create_app(alice, name)
    assert app["name"] == name and app["id"].startswith("ap-")
    assert app["owner"] == {"id": alice.user["id"], "username": alice.user["username"],
                            "email": alice.user["email"]}
    assert app["git_url"] == f"git@127.0.0.1:{name}.git" and app["role"] == "owner"
    repo = os.path.join(server.dir, "repos", app["id"] + ".git")
    assert os.path.isfile(os.path.join(repo, "HEAD"))  # a bare repository
    assert alice.get(f"/v1/apps/{name}/containers").json() == {
        "containers": [{"name": "web", "amount": 1, "size": "M"}]}
    assert alice.get("/v1/apps/" + app["id"]).json()["app"]["name"] == name
    (hist,) = server.sql("SELECT COUNT(*) FROM formation_history WHERE app_id = ?", app["id"])[0]
    assert hist == 1
    ev = alice.get("/v1/events").json()["events"][0]
    assert ev["type"] == "new_app" and ev["app_name"] == name and ev["app_id"] == app["id"]


@pytest.mark.parametrize("bad", ["short", "a" * 49, "Upper-case", "-leading", "trailing-",
                                 "double--hyphen", "with_underscore", "spa ce", "collaboration",
                                 "ünïcode"])
def test_bad_app_names_refused(server, alice, bad):
    before = server.sql("SELECT COUNT(*) FROM apps")[0][0]
    r = alice.post("/v1/apps", {"app": {"name": bad}})
    assert r.status_code == 422 and "name" in r.json()["errors"]
    assert server.sql("SELECT COUNT(*) FROM apps")[0][0] == before


def test_app_name_unique_and_types(server, alice, bob):
    app = create_app(alice)
    r = bob.post("/v1/apps", {"app": {"name": app["name"]}})
    assert r.status_code == 422 and r.json()["errors"]["name"] == ["is already taken"]
    assert alice.post("/v1/apps", {"app": {"name": 7}}).status_code == 400
    assert alice.post("/v1/apps", {"app": {}}).status_code == 422


def test_list_owned_and_collaborated(server, team):
    names = [a["name"] for a in team["collab"].get("/v1/apps").json()["apps"]]
    assert team["app"]["name"] in names
    roles = {a["name"]: a["role"] for a in team["limited"].get("/v1/apps").json()["apps"]}
    assert roles[team["app"]["name"]] == "limited_collaborator"
    assert team["app"]["name"] not in [a["name"] for a in team["pending"].get("/v1/apps").json()["apps"]]
    assert team["stranger"].get("/v1/apps").json()["apps"] == []


def test_container_sizes(server):
    r = requests.get(server.url + "/v1/features/container_sizes").json()["container_sizes"]
    assert [s["name"] for s in r] == ["S", "M", "L", "XL", "2XL", "3XL"]
    assert [s["hourly_price"] for s in r] == [1, 2, 4, 8, 16, 32]
    assert r[1]["memory"] == 512 * 1024 * 1024 and r[1]["thirtydays_price"] == 1440


def test_scale_history_and_event(server, alice):
    app = create_app(alice)
    r = alice.post(f"/v1/apps/{app['name']}/scale",
                   {"containers": [{"name": "web", "amount": 2, "size": "L"},
                                   {"name": "worker", "amount": 1}]})
    assert r.status_code == 202, r.text
    assert r.json()["containers"] == [{"name": "web", "amount": 2, "size": "L"},
                                      {"name": "worker", "amount": 1, "size": "M"}]
    assert alice.get(f"/v1/apps/{app['name']}/containers").json() == r.json()
    rows = server.sql("SELECT type, amount, size, changed_at FROM formation_history "
                      "WHERE app_id = ? ORDER BY id", app["id"])
    assert [(t, a, s) for t, a, s, _ in rows] == [("web", 1, "M"), ("web", 2, "L"), ("worker", 1, "M")]
    assert all(ts % 1000 == 0 for *_, ts in rows)  # UTC seconds
    ev = alice.get(f"/v1/apps/{app['name']}/events").json()["events"][0]
    assert ev["type"] == "scale"
    assert ev["type_data"]["previous_containers"] == {"web": 1}
    assert ev["type_data"]["containers"] == {"web": 2, "worker": 1}
    # the same formation again changes nothing and records nothing
    alice.post(f"/v1/apps/{app['name']}/scale", {"containers": [{"name": "web", "amount": 2}]})
    assert len(server.sql("SELECT 1 FROM formation_history WHERE app_id = ?", app["id"])) == 3


@pytest.mark.parametrize("body,code", [
    ({"containers": [{"name": "web", "amount": 11}]}, 422),
    ({"containers": [{"name": "web", "amount": -1}]}, 422),
    ({"containers": [{"name": "web", "amount": 1, "size": "XXL"}]}, 422),
    ({"containers": [{"name": "Web!", "amount": 1}]}, 422),
    ({"containers": [{"name": "web", "amount": 1}, {"name": "web", "amount": 2}]}, 422),
    ({"containers": []}, 422),
    ({"containers": [{"name": "web", "amount": "2"}]}, 400),
    ({"containers": [{"name": "web", "amount": 1.5}]}, 400),
    ({"containers": {"web": 2}}, 400),
    ({"containers": [["web", 2]]}, 400),
    ({}, 400),
])
def test_bad_scale_changes_nothing(server, alice, body, code):
    app = create_app(alice)
    r = alice.post(f"/v1/apps/{app['name']}/scale", body)
    assert r.status_code == code, r.text
    assert alice.get(f"/v1/apps/{app['name']}/containers").json()["containers"] == [
        {"name": "web", "amount": 1, "size": "M"}]
    assert len(server.sql("SELECT 1 FROM formation_history WHERE app_id = ?", app["id"])) == 1


def test_suspended_owner_cannot_scale_up(server, alice):
    app = create_app(alice)
    server.sql("UPDATE users SET suspended_at = 1, suspension_reason = 'unpaid invoice' "
               "WHERE id = ?", alice.user["id"])
    r = alice.post(f"/v1/apps/{app['name']}/scale", {"containers": [{"name": "web", "amount": 3}]})
    assert r.status_code == 402 and r.json()["url"].endswith("/#/billing")
    # scaling down is allowed
    r = alice.post(f"/v1/apps/{app['name']}/scale", {"containers": [{"name": "web", "amount": 0}]})
    assert r.status_code == 202
    server.sql("UPDATE users SET suspended_at = NULL WHERE id = ?", alice.user["id"])


def test_restart(server, alice):
    app = create_app(alice)
    assert alice.post(f"/v1/apps/{app['name']}/restart", {"scope": ["web"]}).status_code == 202
    assert alice.post(f"/v1/apps/{app['name']}/restart").status_code == 202
    assert alice.post(f"/v1/apps/{app['name']}/restart", {"scope": ["nope"]}).status_code == 422
    assert alice.post(f"/v1/apps/{app['name']}/restart", {"scope": "web"}).status_code == 400
    evs = alice.get(f"/v1/apps/{app['name']}/events").json()["events"]
    assert [e["type"] for e in evs[:2]] == ["restart", "restart"]
    assert evs[1]["type_data"] == {"scope": ["web"]} and evs[0]["type_data"] == {"scope": None}


def test_delete_app_rules(server, alice):
    app = create_app(alice)
    n = app["name"]
    assert alice.delete(f"/v1/apps/{n}").status_code == 422
    assert alice.delete(f"/v1/apps/{n}?current_name=wrong-name").status_code == 422
    assert alice.delete(f"/v1/apps/{n}?current_name={n}").status_code == 204
    assert alice.get(f"/v1/apps/{n}").status_code == 404
    assert not os.path.exists(os.path.join(server.dir, "repos", app["id"] + ".git"))
    # scaling a deleted app: 404, nothing changed
    r = alice.post(f"/v1/apps/{n}/scale", {"containers": [{"name": "web", "amount": 2}]})
    assert r.status_code == 404
    # the formation went to zero at deletion (billing stops), the name is free again
    last = server.sql("SELECT amount FROM formation_history WHERE app_id = ? ORDER BY id DESC LIMIT 1", app["id"])
    assert last == [(0,)]
    assert create_app(alice, n)["id"] != app["id"]
    types = [e["type"] for e in alice.get("/v1/events").json()["events"][:3]]
    assert types == ["new_app", "delete_app", "new_app"]


# ---- the role matrix: every app endpoint for every role ----

def call(client, name, what):
    a = f"/v1/apps/{name}"
    return {
        "show": lambda: client.get(a),
        "containers": lambda: client.get(a + "/containers"),
        "events": lambda: client.get(a + "/events"),
        "collaborators": lambda: client.get(a + "/collaborators"),
        "restart": lambda: client.post(a + "/restart"),
        "scale": lambda: client.post(a + "/scale", {"containers": [{"name": "web", "amount": 1}]}),
        "invite": lambda: client.post(a + "/collaborators", {"collaborator": {"email": unique() + "@example.com"}}),
        "delete": lambda: client.delete(a + "?current_name=" + name),
    }[what]()


EXPECTED = {
    #              owner collab limited pending stranger
    "show":          (200, 200, 200, 404, 404),
    "containers":    (200, 200, 200, 404, 404),
    "events":        (200, 200, 200, 404, 404),
    "collaborators": (200, 200, 200, 404, 404),
    "restart":       (202, 202, 202, 404, 404),
    "scale":         (202, 202, 403, 404, 404),
    "invite":        (201, 403, 403, 404, 404),
}


@pytest.mark.parametrize("what", sorted(EXPECTED))
def test_role_matrix(server, team, what):
    roles = ["owner", "collab", "limited", "pending", "stranger"]
    got = tuple(call(team[r], team["app"]["name"], what).status_code for r in roles)
    assert got == EXPECTED[what]


def test_role_matrix_delete_and_collaborator_management(server, team):
    name = team["app"]["name"]
    for who in ("collab", "limited"):
        r = call(team[who], name, "delete")
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
    for who in ("pending", "stranger"):
        assert call(team[who], name, "delete").status_code == 404
    ks = team["owner"].get(f"/v1/apps/{name}/collaborators").json()["collaborators"]
    lim = [k for k in ks if k["user_id"] == team["limited"].user["id"]][0]
    col = [k for k in ks if k["user_id"] == team["collab"].user["id"]][0]
    body = {"collaborator": {"is_limited": False}}
    # someone else's entry (leaving, i.e. removing one's own, is tested apart)
    for who, target, code in (("collab", lim, 403), ("limited", col, 403),
                              ("pending", lim, 404), ("stranger", lim, 404)):
        assert team[who].patch(f"/v1/apps/{name}/collaborators/{target['id']}", body).status_code == code
        assert team[who].delete(f"/v1/apps/{name}/collaborators/{target['id']}").status_code == code
    # none of that changed anything
    assert team["limited"].post(f"/v1/apps/{name}/scale",
                                {"containers": [{"name": "web", "amount": 2}]}).status_code == 403
    assert call(team["owner"], name, "show").status_code == 200
    assert call(team["owner"], name, "delete").status_code == 204


def test_collaborators_list_and_roles(server, team):
    name = team["app"]["name"]
    ks = team["collab"].get(f"/v1/apps/{name}/collaborators").json()["collaborators"]
    assert ks[0]["status"] == "owner" and ks[0]["user_id"] == team["owner"].user["id"]
    pend = [k for k in ks if k["status"] == "pending"]
    assert len(pend) == 1 and pend[0]["username"] == "n/a" and pend[0]["email"] == team["pending"].user["email"]
    lim = [k for k in ks if k["user_id"] == team["limited"].user["id"]][0]
    assert lim["is_limited"] is True and lim["status"] == "accepted"
    r = team["owner"].patch(f"/v1/apps/{name}/collaborators/{lim['id']}",
                            {"collaborator": {"is_limited": False}})
    assert r.status_code == 200 and r.json()["collaborator"]["is_limited"] is False
    assert team["limited"].post(f"/v1/apps/{name}/scale",
                                {"containers": [{"name": "web", "amount": 2}]}).status_code == 202
    ev = team["owner"].get(f"/v1/apps/{name}/events").json()["events"]
    assert "change_collaborator_role" in [e["type"] for e in ev]
    assert team["owner"].patch(f"/v1/apps/{name}/collaborators/{lim['id']}",
                               {"collaborator": {"is_limited": "yes"}}).status_code == 400
    assert team["owner"].patch(f"/v1/apps/{name}/collaborators/nope",
                               {"collaborator": {"is_limited": True}}).status_code == 404


def test_remove_collaborator_and_leave(server, team):
    name = team["app"]["name"]
    ks = team["owner"].get(f"/v1/apps/{name}/collaborators").json()["collaborators"]
    col = [k for k in ks if k["user_id"] == team["collab"].user["id"]][0]
    lim = [k for k in ks if k["user_id"] == team["limited"].user["id"]][0]
    assert team["owner"].delete(f"/v1/apps/{name}/collaborators/{col['id']}").status_code == 204
    assert call(team["collab"], name, "show").status_code == 404
    # a collaborator can leave by itself
    assert team["limited"].delete(f"/v1/apps/{name}/collaborators/{lim['id']}").status_code == 204
    assert call(team["limited"], name, "show").status_code == 404


def test_invitation_rules(server, alice, bob):
    app = create_app(alice)
    name = app["name"]
    # bad emails, the owner's own, duplicates
    for body in ({"collaborator": {"email": "nope"}}, {"collaborator": {}},
                 {"collaborator": {"email": alice.user["email"]}}):
        assert alice.post(f"/v1/apps/{name}/collaborators", body).status_code == 422
    assert alice.post(f"/v1/apps/{name}/collaborators",
                      {"collaborator": {"email": 5}}).status_code == 400
    invite(alice, app, bob.user["email"])
    assert alice.post(f"/v1/apps/{name}/collaborators",
                      {"collaborator": {"email": bob.user["email"].upper()}}).status_code == 422
    tok = invitation_token(server, bob.user["email"])
    # the owner cannot accept its own app's invitation; bad tokens
    assert alice.get("/v1/apps/collaboration?token=" + tok).status_code == 409
    assert bob.get("/v1/apps/collaboration?token=nope").status_code == 404
    assert bob.get("/v1/apps/collaboration").status_code == 400
    assert requests.get(server.url + "/v1/apps/collaboration?token=" + tok).status_code == 401
    r = bob.get("/v1/apps/collaboration?token=" + tok)
    assert r.status_code == 200 and r.json()["app"]["role"] == "collaborator"
    assert bob.get("/v1/apps/collaboration?token=" + tok).status_code == 404  # used
    evs = alice.get(f"/v1/apps/{name}/events").json()["events"]
    acc = [e for e in evs if e["type"] == "accept_collaborator"][0]
    assert acc["user"]["id"] == bob.user["id"]
    assert acc["type_data"]["collaborator"]["inviter"]["username"] == alice.user["username"]


def test_invitation_works_for_any_account_and_expires(server, alice, bob):
    app = create_app(alice)
    someone = "someone-else-" + unique() + "@example.com"
    carol = user_client(server)
    invite(alice, app, carol.user["email"])
    ctok = invitation_token(server, carol.user["email"])
    server.advance(days=7, hours=-1)  # carol's invitation is nearly a week old
    invite(alice, app, someone)
    # the link goes to that address, but whoever follows it logged in joins
    tok = invitation_token(server, someone)  # waits for the sender thread to log it
    server.advance(hours=1, seconds=1)  # carol's has expired, the other one has not
    r = carol.get("/v1/apps/collaboration?token=" + ctok)
    assert r.status_code == 422 and "expired" in r.text
    assert bob.get("/v1/apps/collaboration?token=" + tok).status_code == 200
    (exp, created) = server.sql("SELECT expires_at, created_at FROM collaborators WHERE user_id = ?", bob.user["id"])[0]
    assert exp - created == 7 * 24 * 3600 * 1000


def test_accepting_an_invitation_with_a_cookie_needs_the_csrf_token(server, alice, bob):
    from conftest import browser_client
    app = create_app(alice)
    invite(alice, app, bob.user["email"])
    tok = invitation_token(server, bob.user["email"])
    b = browser_client(server, bob.user["username"])
    csrf, b.csrf = b.csrf, None
    # a cross-site GET (an <img> on another site) carries the cookie, not the token
    r = b.get("/v1/apps/collaboration?token=" + tok)
    assert r.status_code == 403 and r.json()["code"] == "csrf"
    assert b.get("/v1/apps").json()["apps"] == []
    b.csrf = csrf
    assert b.get("/v1/apps/collaboration?token=" + tok).status_code == 200
