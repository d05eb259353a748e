"""API tokens and the bearer JWT exchange (API.md "API tokens")."""
import base64
import json
import time

import requests

from conftest import PASSWORD, Client, browser_client, new_token, signup, user_client


def exchange(server, tok):
    return requests.post(server.url + "/v1/tokens/exchange", auth=("", tok))


def test_create_with_basic_shows_secret_once(server):
    u = signup(server)
    r = requests.post(server.url + "/v1/tokens", auth=(u["username"], PASSWORD),
                      json={"token": {"name": "laptop"}})
    assert r.status_code == 201
    t = r.json()["token"]
    assert t["name"] == "laptop" and t["last_used_at"] is None
    assert t["token"].startswith("tk-us-") and len(t["token"]) == 6 + 43
    # stored as SHA-256 only
    (h,) = server.sql("SELECT secret_hash FROM tokens WHERE id = ?", t["id"])[0]
    assert len(h) == 64 and t["token"] not in h
    c = Client(server, t["token"])
    listed = c.get("/v1/tokens").json()["tokens"]
    assert [x["id"] for x in listed] == [t["id"]]
    assert "token" not in listed[0]
    assert "token" not in c.get("/v1/tokens/" + t["id"]).json()["token"]
    # also the unwrapped body of the JS client, and login by email
    r = requests.post(server.url + "/v1/tokens", auth=(u["email"], PASSWORD), json={"name": "js"})
    assert r.status_code == 201 and r.json()["token"]["name"] == "js"


def test_create_with_bearer_and_session(server, alice):
    r = alice.post("/v1/tokens", {"token": {"name": "ci"}})
    assert r.status_code == 201
    b = browser_client(server, alice.user["username"])
    r = b.post("/v1/tokens", {"token": {"name": "from dashboard"}})
    assert r.status_code == 201
    names = {t["name"] for t in alice.get("/v1/tokens").json()["tokens"]}
    assert {"ci", "from dashboard", "test"} <= names


def test_create_errors(server, alice):
    u = alice.user
    assert requests.post(server.url + "/v1/tokens", auth=(u["username"], "wrong password!"),
                         json={"token": {"name": "x"}}).status_code == 401
    assert requests.post(server.url + "/v1/tokens", json={"token": {"name": "x"}}).status_code == 401
    r = alice.post("/v1/tokens", {"token": {}})
    assert r.status_code == 422 and "name" in r.json()["errors"]
    r = alice.post("/v1/tokens", {"token": {"name": "x" * 65}})
    assert r.status_code == 422
    r = alice.post("/v1/tokens", {"token": {"name": 3}})
    assert r.status_code == 400
    # Basic is only for the token creation: elsewhere it is refused
    r = requests.get(server.url + "/v1/users/self", auth=(u["username"], PASSWORD))
    assert r.status_code == 401


def test_exchange_gives_one_hour_hs256_jwt(server, alice):
    r = exchange(server, alice.api_token["token"])
    assert r.status_code == 200
    jwt = r.json()["token"]
    head, payload, sig = jwt.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)
    h = json.loads(base64.urlsafe_b64decode(pad(head)))
    p = json.loads(base64.urlsafe_b64decode(pad(payload)))
    assert h["alg"] == "HS256"
    assert p["exp"] - p["iat"] == 3600 and abs(p["iat"] - time.time()) < 60
    assert p["sub"] == alice.user["id"]
    c = Client(server, jwt)
    assert c.get("/v1/users/self").json()["user"]["id"] == alice.user["id"]


def test_exchange_errors(server):
    assert exchange(server, "tk-us-" + "x" * 43).status_code == 401
    assert requests.post(server.url + "/v1/tokens/exchange").status_code == 401
    assert requests.post(server.url + "/v1/tokens/exchange",
                         headers={"Authorization": "Basic !!!"}).status_code == 401


def test_forged_jwts_refused(server, alice):
    jwt = exchange(server, alice.api_token["token"]).json()["token"]
    head, payload, sig = jwt.split(".")
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    none_head = b64(b'{"alg":"none","typ":"JWT"}')
    # one character of the signature changed (in the middle: every bit there counts)
    bad_sig = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    for forged in (f"{none_head}.{payload}.", f"{none_head}.{payload}.{sig}",
                   f"{head}.{payload}.{bad_sig}", f"{head}.{b64(b'{}')}.{sig}", jwt + "x",
                   f"{head}.{payload}"):
        r = requests.get(server.url + "/v1/users/self",
                         headers={"Authorization": "Bearer " + forged})
        assert r.status_code == 401, forged


def test_renew_and_revoke_take_effect_at_once(server, alice):
    t = alice.post("/v1/tokens", {"token": {"name": "rotating"}}).json()["token"]
    jwt = exchange(server, t["token"]).json()["token"]
    r = alice.patch(f"/v1/tokens/{t['id']}/renew")
    assert r.status_code == 200
    t2 = r.json()["token"]
    assert t2["id"] == t["id"] and t2["token"] != t["token"] and t2["name"] == "rotating"
    assert Client(server, t["token"]).get("/v1/users/self").status_code == 401
    assert Client(server, jwt).get("/v1/users/self").status_code == 401
    assert exchange(server, t["token"]).status_code == 401
    jwt2 = exchange(server, t2["token"]).json()["token"]
    assert Client(server, jwt2).get("/v1/users/self").status_code == 200
    assert alice.delete(f"/v1/tokens/{t['id']}").status_code == 204
    assert Client(server, t2["token"]).get("/v1/users/self").status_code == 401
    assert Client(server, jwt2).get("/v1/users/self").status_code == 401
    assert alice.delete(f"/v1/tokens/{t['id']}").status_code == 404
    types = [e["type"] for e in alice.get("/v1/events").json()["events"][:3]]
    assert types == ["delete_token", "regenerate_token", "new_token"]
    ev = alice.get("/v1/events").json()["events"][0]
    assert ev["type_data"] == {"token_name": "rotating", "token_id": t["id"]}


def test_last_used_at_set_on_use(server, alice):
    t = alice.post("/v1/tokens", {"token": {"name": "used"}}).json()["token"]
    c = Client(server, t["token"])
    assert c.get("/v1/users/self").status_code == 200
    got = [x for x in alice.get("/v1/tokens").json()["tokens"] if x["id"] == t["id"]][0]
    assert got["last_used_at"] is not None
    # many requests within a minute write it once (no write per request)
    for _ in range(5):
        c.get("/v1/users/self")
    (v,) = server.sql("SELECT last_used_at FROM tokens WHERE id = ?", t["id"])[0]
    for _ in range(5):
        c.get("/v1/users/self")
    assert server.sql("SELECT last_used_at FROM tokens WHERE id = ?", t["id"])[0][0] == v


def test_cross_account_tokens(server, alice, bob):
    t = alice.post("/v1/tokens", {"token": {"name": "mine"}}).json()["token"]
    assert bob.get(f"/v1/tokens/{t['id']}").status_code == 404
    assert bob.patch(f"/v1/tokens/{t['id']}/renew").status_code == 404
    assert bob.delete(f"/v1/tokens/{t['id']}").status_code == 404
    assert t["id"] not in [x["id"] for x in bob.get("/v1/tokens").json()["tokens"]]
    assert Client(server, t["token"]).get("/v1/users/self").status_code == 200
    assert bob.get("/v1/events").json()["events"][0]["user"]["id"] == bob.user["id"]


def test_one_spelling_per_jwt_signature(server, alice):
    jwt = exchange(server, alice.api_token["token"]).json()["token"]
    head, payload, sig = jwt.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    i = alphabet.index(sig[-1])
    # the last of 43 characters carries 4 bits: these spell the same 32 bytes
    for j in range(4):
        other = alphabet[(i & ~3) | j]
        if other == sig[-1]:
            continue
        r = requests.get(server.url + "/v1/users/self",
                         headers={"Authorization": f"Bearer {head}.{payload}.{sig[:-1]}{other}"})
        assert r.status_code == 401
    assert Client(server, jwt).get("/v1/users/self").status_code == 200
