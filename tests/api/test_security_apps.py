"""Security issue items 8, 9 and 15: app names that pass for ids, the app quota
(and the repository made outside the write transaction), header names with
whitespace before the colon (request smuggling)."""
import os
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from conftest import Server, user_client, unique


def create_app(c, name=None):
    return c.post("/v1/apps", {"app": {"name": name or unique("app")}})


# ---- 9. app names and ids ----

def test_name_with_the_id_form_is_refused(server, alice):
    for name in (f"ap-{uuid.uuid4()}", f"us-{uuid.uuid4()}", f"x-{uuid.uuid4()}"):
        r = create_app(alice, name)
        assert r.status_code == 422, (name, r.text)
        assert "name" in r.json()["errors"], r.text
    # near misses are ordinary names
    for name in (f"ap-{uuid.uuid4().hex}", f"my-app-{uuid.uuid4()}", f"ap-{uuid.uuid4()}x"):
        r = create_app(alice, name)
        assert r.status_code == 201, (name, r.text)


def test_a_lookup_by_id_reaches_the_real_app(server, alice, bob):
    r = create_app(alice)
    assert r.status_code == 201, r.text
    victim = r.json()["app"]
    # the attacker tries to take the victim's id as a name
    r = create_app(bob, victim["id"])
    assert r.status_code == 422, r.text
    # and the victim's reads by id find the victim's app
    r = alice.get(f"/v1/apps/{victim['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["app"]["id"] == victim["id"]
    assert r.json()["app"]["name"] == victim["name"]
    r = alice.get(f"/v1/apps/{victim['name']}")
    assert r.status_code == 200 and r.json()["app"]["id"] == victim["id"]
    # the attacker sees nothing under that id
    assert bob.get(f"/v1/apps/{victim['id']}").status_code == 404


def test_an_id_shaped_name_planted_in_the_database_is_not_reached_by_id(server, alice, bob):
    """Even a row whose name has the id form (made before the fix) is found by
    name only: a parameter of the id form is looked up by id."""
    r = create_app(alice)
    victim = r.json()["app"]
    r = create_app(bob)
    planted = r.json()["app"]
    server.sql("UPDATE apps SET name = ? WHERE id = ?", victim["id"], planted["id"])
    r = alice.get(f"/v1/apps/{victim['id']}")
    assert r.status_code == 200 and r.json()["app"]["id"] == victim["id"], r.text
    r = bob.get(f"/v1/apps/{victim['id']}")
    assert r.status_code == 404, r.text


# ---- 8. app quota ----

def quota_server(n):
    return Server(env={"PAASPORT_MAX_APPS_PER_ACCOUNT": str(n)})


def repos(server):
    root = server.env["PAASPORT_REPO_ROOT"]
    return set(os.listdir(root)) if os.path.isdir(root) else set()


def live_repos(server):
    return {r[0] + ".git" for r in server.sql("SELECT id FROM apps WHERE deleted_at IS NULL")}


def test_quota_refuses_one_more_app_with_403():
    s = quota_server(3)
    try:
        c = user_client(s)
        other = user_client(s)
        for _ in range(3):
            assert create_app(c).status_code == 201
        r = create_app(c)
        assert r.status_code == 403, r.text
        body = r.json()
        assert body["code"] == "app_quota", body
        assert "limit of 3 apps" in body["error"], body
        assert s.sql("SELECT COUNT(*) FROM apps WHERE owner_id = ?", c.user["id"]) == [(3,)]
        # no repository for the refused app
        assert repos(s) == live_repos(s)
        # the limit is per account
        assert create_app(other).status_code == 201
        # a deleted app frees its place
        name = c.get("/v1/apps").json()["apps"][0]["name"]
        r = c.delete(f"/v1/apps/{name}", params={"current_name": name})
        assert r.status_code == 204, r.text
        assert create_app(c).status_code == 201
        assert create_app(c).status_code == 403
    finally:
        s.close()


def test_default_quota_is_50():
    s = Server()
    try:
        c = user_client(s)
        # planted rows stand for 49 apps: the 50th is made, the 51st refused
        for i in range(49):
            s.sql("INSERT INTO apps(id, name, owner_id, status, created_at, updated_at) "
                  "VALUES (?, ?, ?, 'new', 0, 0)", f"ap-planted-{i}", unique("p"), c.user["id"])
        assert create_app(c).status_code == 201
        r = create_app(c)
        assert r.status_code == 403 and r.json()["code"] == "app_quota", r.text
        assert "limit of 50 apps" in r.json()["error"]
    finally:
        s.close()


def test_concurrent_creations_at_the_limit_let_exactly_the_limit_through():
    limit, tries = 3, 12
    s = quota_server(limit)
    try:
        c = user_client(s)
        with ThreadPoolExecutor(tries) as ex:
            rs = list(ex.map(lambda i: create_app(c), range(tries)))
        codes = sorted(r.status_code for r in rs)
        assert codes == [201] * limit + [403] * (tries - limit), codes
        assert s.sql("SELECT COUNT(*) FROM apps WHERE owner_id = ? AND deleted_at IS NULL",
                     c.user["id"]) == [(limit,)]
        orphans = repos(s) - live_repos(s)
        assert not orphans, f"repositories without an app: {orphans}"
        assert live_repos(s) <= repos(s)
    finally:
        s.close()


def test_taken_name_leaves_no_repository(server, alice, bob):
    name = unique("app")
    assert create_app(alice, name).status_code == 201
    r = create_app(bob, name)
    assert r.status_code == 422, r.text
    assert repos(server) == live_repos(server)


# ---- 15. header names ----

def raw(server, data, timeout=3):
    """Sends raw bytes; returns the raw response and whether the server closed
    the connection (rather than waiting for more)."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                return out, False
            if not chunk:
                return out, True
            out += chunk
    finally:
        s.close()


def status_lines(out):
    return [line for line in out.split(b"\r\n") if line.startswith(b"HTTP/1.1 ")]


def assert_refused(out, closed):
    lines = status_lines(out)
    assert lines and lines[0].startswith(b"HTTP/1.1 400"), out[:400]
    assert b"header field name" in out, out
    # one answer, then the connection is closed: nothing after the head is read
    # as another request, and no body is waited for
    assert len(lines) == 1, out
    assert closed, out


def test_transfer_encoding_with_space_before_colon_is_400(server):
    # were the header ignored, the request would have no body and its chunk
    # would be read as a second request on the connection (GET /v1/nothing)
    smuggled = b"GET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n"
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(smuggled), smuggled)
    for path in (b"/healthz", b"/v1/users"):
        method = b"GET" if path == b"/healthz" else b"POST"
        req = (method + b" " + path + b" HTTP/1.1\r\nHost: x\r\n"
               b"Content-Type: application/json\r\nTransfer-Encoding : chunked\r\n\r\n" + body)
        assert_refused(*raw(server, req))


def test_content_length_with_space_before_colon_is_400(server):
    rest = b"GET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n"
    for path in (b"/healthz", b"/v1/users"):
        method = b"GET" if path == b"/healthz" else b"POST"
        req = (method + b" " + path + b" HTTP/1.1\r\nHost: x\r\n"
               b"Content-Type: application/json\r\nContent-Length : 5\r\n\r\n12345" + rest)
        assert_refused(*raw(server, req))


def test_other_header_names_with_whitespace_are_400(server):
    for h in (b"X-Thing\t: 1", b"X-Thing : 1", b"Content-Length\t: 0", b"Host : x"):
        assert_refused(*raw(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + h + b"\r\n\r\n"))


def test_ordinary_headers_pass(server):
    out, _ = raw(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Thing:1\r\n"
                         b"X-Odd_Name.v2: 1\r\nConnection: close\r\n\r\n")
    assert status_lines(out)[0].startswith(b"HTTP/1.1 200"), out[:300]
