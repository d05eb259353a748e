"""The event catalogue (GET /v1/event_types): every type the API produces while
doing the actions of an account and its apps is listed, in the Scalingo shape,
with the sentence template the dashboard and the CLI render."""
import re

import requests

from conftest import PASSWORD, browser_client, signup, user_client
from test_apps import create_app, invite, invitation_token

PLACEHOLDER = re.compile(r"\{\??([^{}]+)\}")


def catalogue(server):
    r = requests.get(server.url + "/v1/event_types", timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["event_types"]


def produced_types(server):
    """Does every action that records an event; returns the types the timelines show."""
    me, other = user_client(server), user_client(server)
    types = set()
    # login and failed login (the dashboard's password login), profile edit
    browser_client(server, me.user["username"])
    r = requests.post(server.url + "/v1/session",
                      json={"login": me.user["username"], "password": "wrong " + PASSWORD})
    assert r.status_code == 401
    assert me.patch("/v1/account/profile", {"user": {"fullname": "A. L."}}).status_code == 200
    # tokens: create, renew, revoke
    r = me.post("/v1/tokens", {"token": {"name": "catalogue"}})
    assert r.status_code == 201, r.text
    tid = r.json()["token"]["id"]
    assert me.patch(f"/v1/tokens/{tid}/renew").status_code == 200
    assert me.delete(f"/v1/tokens/{tid}").status_code == 204
    # an app: scale, restart, collaborators (invite, accept, role, remove), delete
    app = create_app(me)
    name = app["name"]
    r = me.post(f"/v1/apps/{name}/scale", {"containers": [{"name": "web", "amount": 2}]})
    assert r.status_code == 202, r.text
    assert me.post(f"/v1/apps/{name}/restart").status_code == 202
    k = invite(me, app, other.user["email"])
    tok = invitation_token(server, other.user["email"])
    assert other.get("/v1/apps/collaboration?token=" + tok).status_code == 200
    r = me.patch(f"/v1/apps/{name}/collaborators/{k['id']}",
                 {"collaborator": {"is_limited": True}})
    assert r.status_code == 200, r.text
    assert me.delete(f"/v1/apps/{name}/collaborators/{k['id']}").status_code == 204
    app_types = {e["type"] for e in me.get(f"/v1/apps/{name}/events?per_page=100")
                 .json()["events"]}
    assert me.delete(f"/v1/apps/{name}?current_name={name}").status_code == 204
    # a password reset: asked, then done
    u = signup(server)
    r = requests.post(server.url + "/v1/users/password/reset", json={"email": u["email"]})
    assert r.status_code == 202
    token = server.wait_mail(u["email"], "Reset")["body"].split("/#/reset-password/")[1].split()[0]
    r = requests.put(server.url + "/v1/users/password/reset",
                     json={"token": token, "password": "a brand new passphrase"})
    assert r.status_code == 200, r.text
    reset = browser_client(server, u["username"], "a brand new passphrase")
    for c in (me, other, reset):
        types |= {e["type"] for e in c.get("/v1/events?per_page=100").json()["events"]}
    return types | app_types


def test_every_produced_type_is_in_the_catalogue(server):
    types = produced_types(server)
    assert types >= {
        "new_user", "login_success", "login_failure", "edit_profile", "new_token",
        "regenerate_token", "delete_token", "new_app", "scale", "restart", "new_collaborator",
        "accept_collaborator", "change_collaborator_role", "delete_collaborator", "delete_app",
        "password_reset_query", "password_reset_success"}
    by_name = {t["name"]: t for t in catalogue(server)}
    for typ in types:
        assert typ in by_name, f"{typ} is produced but missing from /v1/event_types"
        assert by_name[typ]["template"], typ


def test_catalogue_shape(server):
    types = catalogue(server)
    names = [t["name"] for t in types]
    assert len(names) == len(set(names))
    for t in types:
        # the Scalingo shape (the name doubles as the id), plus the template
        assert set(t) == {"id", "name", "display_name", "description", "template"}, t
        assert t["id"] == t["name"]
        assert all(isinstance(t[k], str) and t[k] for k in t), t
        # placeholders are {app}, a type_data path or a computed {@part}
        for key in PLACEHOLDER.findall(t["template"]):
            assert re.fullmatch(r"app|@[a-z_]+|[a-z_]+(\.[a-z_]+)*", key), (t["name"], key)
    # types the server does not emit are not listed
    assert not {"add_credit"} & set(names)


def test_login_lock_is_in_the_catalogue(server):
    u = signup(server)
    for _ in range(10):
        requests.post(server.url + "/v1/session",
                      json={"login": u["username"], "password": "wrong " + PASSWORD})
    (n,) = server.sql("SELECT count(*) FROM events WHERE type = 'login_lock' AND user_id = ?",
                      u["id"])[0]
    assert n == 1
    assert "login_lock" in {t["name"] for t in catalogue(server)}
