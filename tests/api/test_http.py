"""HTTP conventions: error classes, limits, request ids, health, metrics."""
import socket
import time

import requests

from conftest import METRICS_AUTH, Client, signup, user_client


def raw(server, data, timeout=5):
    """Sends raw bytes, returns the raw response."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def test_404_and_405_are_json(server):
    r = requests.get(server.url + "/v1/nothing-here")
    assert r.status_code == 404 and r.json() == {"resource": "", "error": "not found"}
    assert r.headers["Content-Type"].startswith("application/json")
    r = requests.delete(server.url + "/v1/users/self")
    assert r.status_code == 405 and r.json()["error"]
    r = requests.post(server.url + "/v1/tokens/exchange/x")
    assert r.status_code == 404


def test_413_on_2_mib_body_and_nothing_created(server):
    before = server.sql("SELECT COUNT(*) FROM users")[0][0]
    big = b'{"user": {"email": "a@b.co", "username": "big", "password": "' + b"x" * (2 << 20) + b'"}}'
    r = requests.post(server.url + "/v1/users", data=big,
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["error"]
    # chunked (no Content-Length) is counted too
    def gen():
        for _ in range(64):
            yield b"x" * 32768
    r = requests.post(server.url + "/v1/users", data=gen(),
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert server.sql("SELECT COUNT(*) FROM users")[0][0] == before


def test_400_on_bad_json(server, alice):
    cases = [b"{", b"[]", b'["user"]', b'"user"', b"42", b"null",
             b'{"user": {"fullname": "\xff\xfe"}}',  # invalid UTF-8
             b'{"user": {"fullname": "a"}, "user": {"fullname": "b"}}',  # duplicate key
             b'{"user": {"fullname": "a\\u0000b"}}',
             b'{"user": {}} trailing']
    for body in cases:
        r = alice.req("PUT", "/v1/users/account", data=body,
                      headers={"Content-Type": "application/json"})
        assert r.status_code == 400, (body, r.status_code, r.text)
        assert "error" in r.json()
    r = alice.req("PUT", "/v1/users/account")
    assert r.status_code == 400  # body required


def test_400_on_wrong_types(server):
    for body in ({"user": {"email": 1, "username": "abc", "password": "x" * 12}},
                 {"user": {"email": "a@b.co", "username": True, "password": "x" * 12}},
                 {"user": {"email": "a@b.co", "username": "abc", "password": ["x"]}}):
        r = requests.post(server.url + "/v1/users", json=body)
        assert r.status_code == 400, r.text


def test_415_on_non_json_content_type(server):
    r = requests.post(server.url + "/v1/users", data="user=x",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415


def test_request_id_echoed_or_generated(server):
    r = requests.get(server.url + "/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["X-Request-ID"] == "abc-123"
    r = requests.get(server.url + "/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert r.headers["X-Request-ID"] != "bad id\twith spaces" and len(r.headers["X-Request-ID"]) > 8
    r1, r2 = requests.get(server.url + "/healthz"), requests.get(server.url + "/healthz")
    assert r1.headers["X-Request-ID"] != r2.headers["X-Request-ID"]


def test_security_headers(server):
    r = requests.get(server.url + "/v1/event_types")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cache-Control"] == "no-store"
    assert {t["name"] for t in r.json()["event_types"]} >= {"new_user", "login_lock"}


def test_access_log_has_no_secrets(server):
    u = signup(server, password="my secret passphrase")
    requests.post(server.url + "/v1/tokens", auth=(u["username"], "my secret passphrase"),
                  json={"token": {"name": "t"}})
    requests.post(server.url + "/v1/session", json={"login": u["username"],
                                                    "password": "my secret passphrase"})
    # the access line is written once the response is sent: wait for it
    for _ in range(100):
        reqs = [l for l in server.log_lines() if l.get("msg") == "request"]
        if reqs and reqs[-1]["route"] == "/v1/session":
            break
        time.sleep(0.05)
    last = reqs[-1]
    for k in ("method", "route", "status", "duration_ms", "request_id", "user_id", "ip"):
        assert k in last
    assert last["route"] == "/v1/session" and last["status"] == 200
    assert last["user_id"] == u["id"]
    log = server.read_log()
    assert "my secret passphrase" not in log
    assert "tk-us-" not in log


def test_metrics_exposition(server, alice):
    alice.get("/v1/users/self")
    requests.get(server.url + "/v1/nothing")
    # a request is counted once its response is sent, which may be just after the
    # client has read it: look again for a moment before concluding
    want = ['paasport_http_requests_total{method="GET",route="/v1/users/self",status="200"}',
            'route="other",status="404"']
    for _ in range(100):
        text = requests.get(server.url + "/metrics", headers=METRICS_AUTH).text
        if all(w in text for w in want):
            break
        time.sleep(0.05)
    assert want[0] in text
    assert 'route="other",status="404"' in text
    assert "paasport_http_request_duration_seconds_bucket{le=\"+Inf\"}" in text
    assert "paasport_http_requests_in_flight" in text
    assert "paasport_mail_queue_length" in text


def test_malformed_http_and_pagination_params(server, alice):
    out = raw(server, b"GARBAGE\r\n\r\n")
    assert out == b"" or out.startswith(b"HTTP/1.1 400")
    out = raw(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"a" * 70000 + b"\r\n\r\n")
    assert out == b"" or b" 431 " in out[:20] or b" 413 " in out[:20] or b" 400 " in out[:20]
    for q in ("page=0", "page=-1", "per_page=101", "per_page=abc", "page=1e3", "page=99999999999"):
        r = alice.get("/v1/events?" + q)
        assert r.status_code == 400, q
    r = alice.get("/v1/events?page=50")
    assert r.status_code == 200 and r.json()["events"] == []


def test_pagination_meta(server):
    c = user_client(server)
    for i in range(6):
        c.post("/v1/tokens", {"token": {"name": f"t{i}"}})
    # new_user, login_success (token creation), new_token x 7
    r = c.get("/v1/events?per_page=4&page=2").json()
    meta = r["meta"]["pagination"]
    anchor = meta.pop("anchor")
    assert meta == {"prev_page": 1, "current_page": 2, "next_page": 3,
                    "total_pages": 3, "total_count": 9}
    assert int(r["events"][0]["id"]) < anchor
    assert len(r["events"]) == 4
    all_ids = [e["id"] for p in (1, 2, 3) for e in c.get(f"/v1/events?per_page=4&page={p}").json()["events"]]
    assert len(all_ids) == 9 and len(set(all_ids)) == 9
    assert all_ids == sorted(all_ids, key=int, reverse=True)


def test_server_still_answers(server):
    assert requests.get(server.url + "/healthz").json() == {"status": "ok"}
    assert server.proc.poll() is None
