"""Timelines: whose events show where, pagination stability, ?from=."""
import threading

import requests

from conftest import Client, unique, user_client
from test_apps import create_app, join


def test_actions_on_someone_elses_app(server):
    a, b = user_client(server), user_client(server)
    app = create_app(b)
    join(server, b, app, a)
    r = a.post(f"/v1/apps/{app['name']}/scale", {"containers": [{"name": "web", "amount": 3}]})
    assert r.status_code == 202
    a_types = [(e["type"], e["app_name"]) for e in a.get("/v1/events").json()["events"]]
    b_types = [e["type"] for e in b.get("/v1/events").json()["events"]]
    app_types = [(e["type"], e["user"]["id"]) for e in
                 b.get(f"/v1/apps/{app['name']}/events").json()["events"]]
    assert ("scale", app["name"]) in a_types          # A's timeline: A's action
    assert "scale" not in b_types                     # B's timeline: not A's action
    assert ("scale", a.user["id"]) == app_types[0]    # the app's timeline: everything
    assert "new_app" in b_types and "new_collaborator" in b_types
    assert "accept_collaborator" in [t for t, _ in a_types]
    # the collaborator sees the app's timeline too, a stranger does not
    assert a.get(f"/v1/apps/{app['name']}/events").status_code == 200
    assert user_client(server).get(f"/v1/apps/{app['name']}/events").status_code == 404


def test_app_name_frozen_in_events(server, alice):
    app = create_app(alice)
    alice.post(f"/v1/apps/{app['name']}/restart")
    alice.delete(f"/v1/apps/{app['name']}?current_name={app['name']}")
    evs = alice.get("/v1/events").json()["events"]
    assert [(e["type"], e["app_name"]) for e in evs[:3]] == [
        ("delete_app", app["name"]), ("restart", app["name"]), ("new_app", app["name"])]


def test_pagination_stable_while_inserting(server):
    c = user_client(server)
    app = create_app(c)
    for i in range(25):
        c.post(f"/v1/apps/{app['name']}/restart")
    first = c.get(f"/v1/apps/{app['name']}/events?per_page=10").json()
    anchor = first["meta"]["pagination"]["anchor"]
    seen = [e["id"] for e in first["events"]]
    stop = threading.Event()

    w = Client(server, c.token)  # its own connection

    def writer():
        while not stop.is_set():
            w.post(f"/v1/apps/{app['name']}/restart")

    t = threading.Thread(target=writer)
    t.start()
    try:
        page = 2
        while True:
            r = c.get(f"/v1/apps/{app['name']}/events?per_page=10&page={page}&anchor={anchor}").json()
            seen += [e["id"] for e in r["events"]]
            if r["meta"]["pagination"]["next_page"] is None:
                break
            page += 1
    finally:
        stop.set()
        t.join()
    total = first["meta"]["pagination"]["total_count"]
    assert len(seen) == total == 26  # new_app and 25 restarts, each once
    assert len(set(seen)) == len(seen)
    assert seen == sorted(seen, key=int, reverse=True)
    # without the anchor the first page now shows the new events
    assert c.get(f"/v1/apps/{app['name']}/events?per_page=10").json()["meta"]["pagination"]["total_count"] > total


def test_from_filter(server, alice):
    app = create_app(alice)
    server.advance(hours=5)  # the app was created five hours ago
    alice.post(f"/v1/apps/{app['name']}/restart")
    r = alice.get(f"/v1/apps/{app['name']}/events?from=2").json()
    assert [e["type"] for e in r["events"]] == ["restart"]
    assert len(alice.get(f"/v1/apps/{app['name']}/events?from=6").json()["events"]) == 2
    for bad in ("0", "73", "x", "-1"):
        assert alice.get(f"/v1/apps/{app['name']}/events?from={bad}").status_code == 400
    assert alice.get("/v1/events?anchor=abc").status_code == 400


def test_event_types_catalogue(server):
    names = {t["name"] for t in requests.get(server.url + "/v1/event_types").json()["event_types"]}
    assert {"new_app", "delete_app", "scale", "restart", "new_collaborator",
            "accept_collaborator", "delete_collaborator", "change_collaborator_role"} <= names


def test_timeline_counters_match_the_events(server):
    a, b = user_client(server), user_client(server)
    app = create_app(b)
    join(server, b, app, a)
    for _ in range(3):
        a.post(f"/v1/apps/{app['name']}/restart")
    requests.post(server.url + "/v1/session", json={"login": a.user["username"], "password": "wrong password!"})
    for scope, col, key in (("u:", "user_id", a.user["id"]), ("u:", "user_id", b.user["id"]),
                            ("a:", "app_id", app["id"])):
        (n,) = server.sql("SELECT n FROM event_counts WHERE scope = ?", scope + key)[0]
        (real,) = server.sql(f"SELECT COUNT(*) FROM events WHERE {col} = ?", key)[0]
        assert n == real
    assert a.get("/v1/events").json()["meta"]["pagination"]["total_count"] == \
        server.sql("SELECT COUNT(*) FROM events WHERE user_id = ?", a.user["id"])[0][0]
