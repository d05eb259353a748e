"""SSH keys of an account through the API (POST/GET/DELETE /v1/keys): what is
accepted and stored, every refusal as a 422 naming the field, a key belongs to one
account only ("is already taken", naming nobody), another account's keys are 404,
and the new_key / delete_key events."""
import subprocess

import requests

from conftest import user_client
from sshkeys import add_key, fingerprint, keygen
from test_account_delete import confirm, deletion_token


def errors_of(r, field):
    assert r.status_code == 422, r.text
    errs = r.json()["errors"]
    assert list(errs) == [field], errs
    return " ".join(errs[field])


def test_add_list_show_remove(server):
    a = user_client(server)
    _, pub = keygen("ed25519", comment="alice@laptop")
    r = a.post("/v1/keys", {"key": {"name": "laptop", "content": "\r\n  " + pub + "\r\n"}})
    assert r.status_code == 201, r.text
    k = r.json()["key"]
    typ, b64 = pub.split()[:2]
    # the normalized line: the key's name as comment, never the pasted comment
    assert k["content"] == f"{typ} {b64} laptop"
    assert k["fingerprint"] == fingerprint(pub)
    assert k["name"] == "laptop" and k["type"] == "ssh-ed25519"
    assert k["created_at"] and k["last_used_at"] is None
    assert a.get("/v1/keys").json()["keys"] == [k]
    assert a.get("/v1/keys/" + k["id"]).json()["key"] == k
    # the bare form of the body too
    _, pub2 = keygen("ecdsa", bits=384)
    r = a.post("/v1/keys", {"name": "desktop", "content": pub2})
    assert r.status_code == 201, r.text
    k2 = r.json()["key"]
    assert k2["fingerprint"] == fingerprint(pub2)
    assert [x["name"] for x in a.get("/v1/keys").json()["keys"]] == ["laptop", "desktop"]
    assert a.delete("/v1/keys/" + k["id"]).status_code == 204
    assert a.get("/v1/keys/" + k["id"]).status_code == 404
    assert a.delete("/v1/keys/" + k["id"]).status_code == 404
    assert [x["id"] for x in a.get("/v1/keys").json()["keys"]] == [k2["id"]]
    # once removed, the key may be added again
    assert add_key(a, "laptop again", pub)["fingerprint"] == k["fingerprint"]


def test_every_accepted_type_has_ssh_keygen_fingerprint(server):
    a = user_client(server)
    for kind, bits in (("ed25519", None), ("ecdsa", 256), ("ecdsa", 521), ("rsa", 2048),
                       ("rsa", 3072)):
        _, pub = keygen(kind, bits)
        k = add_key(a, f"{kind}-{bits}", pub)
        assert k["fingerprint"] == fingerprint(pub), (kind, bits)


def test_refusals_name_the_field(server):
    a = user_client(server)
    priv, pub = keygen("ed25519")
    with open(priv) as f:
        private = f.read()
    dsa_priv, dsa_pub = keygen("dsa")
    _, small = keygen("rsa", 1024)
    rfc4716 = subprocess.run(["ssh-keygen", "-e", "-f", priv + ".pub"], capture_output=True,
                             text=True, check=True).stdout
    _, other = keygen("ed25519")
    cases = [
        (private, "private key"),
        (rfc4716, "ssh-keygen -i"),
        ("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n", "PuTTY"),
        (pub + other, "one key"),
        (dsa_pub, "DSA"),
        (small, "2048"),
        ('command="/bin/sh" ' + pub, "options"),
        ("ssh-ed25519 " + "A" * 17000, "too long"),
        ("ssh-ed25519 not-base64!!", "base64"),
        ("hello world", "key type"),
        ("   ", "blank"),
    ]
    for content, words in cases:
        r = a.post("/v1/keys", {"key": {"name": "k", "content": content}})
        msg = errors_of(r, "content")
        assert words.lower() in msg.lower(), (content[:60], msg)
    assert "pub" in errors_of(a.post("/v1/keys", {"key": {"name": "k", "content": private}}),
                              "content")
    errors_of(a.post("/v1/keys", {"key": {"name": "", "content": pub}}), "name")
    errors_of(a.post("/v1/keys", {"key": {"content": pub}}), "name")
    errors_of(a.post("/v1/keys", {"key": {"name": "x" * 65, "content": pub}}), "name")
    errors_of(a.post("/v1/keys", {"key": {"name": "tab\there", "content": pub}}), "name")
    errors_of(a.post("/v1/keys", {"key": {"name": "k"}}), "content")
    assert a.post("/v1/keys", {"key": {"name": 3, "content": pub}}).status_code == 400
    assert a.post("/v1/keys", {"key": {"name": "k", "content": ["x"]}}).status_code == 400
    # nothing was stored, no event
    assert a.get("/v1/keys").json()["keys"] == []
    events = a.get("/v1/events?per_page=100").json()["events"]
    assert "new_key" not in {e["type"] for e in events}


def test_a_key_belongs_to_one_account(server):
    a, b = user_client(server), user_client(server)
    _, pub = keygen("ed25519")
    add_key(a, "laptop", pub)
    # the same blob with another comment, another name, another account: taken
    typ, b64 = pub.split()[:2]
    r = b.post("/v1/keys", {"key": {"name": "mine", "content": f"{typ} {b64} b@elsewhere"}})
    msg = errors_of(r, "content")
    assert msg == "is already taken"
    assert a.user["username"] not in r.text and a.user["email"] not in r.text
    assert a.user["id"] not in r.text
    # and by the same account under another name
    errors_of(a.post("/v1/keys", {"key": {"name": "again", "content": pub}}), "content")
    # a name is unique per account, not across accounts
    _, pub2 = keygen("ed25519")
    assert errors_of(a.post("/v1/keys", {"key": {"name": "laptop", "content": pub2}}),
                     "name") == "is already taken"
    assert add_key(b, "laptop", pub2)["name"] == "laptop"
    assert len(a.get("/v1/keys").json()["keys"]) == 1


def test_another_accounts_keys_are_404(server):
    a, b = user_client(server), user_client(server)
    _, pub = keygen("ed25519")
    k = add_key(a, "laptop", pub)
    _, pub_b = keygen("ed25519")
    kb = add_key(b, "laptop", pub_b)
    assert b.get("/v1/keys/" + k["id"]).status_code == 404
    r = b.delete("/v1/keys/" + k["id"])
    assert r.status_code == 404 and "laptop" not in r.text
    assert [x["id"] for x in b.get("/v1/keys").json()["keys"]] == [kb["id"]]
    assert a.get("/v1/keys/" + k["id"]).status_code == 200
    assert a.get("/v1/keys/" + kb["id"]).status_code == 404
    assert a.delete("/v1/keys/" + kb["id"]).status_code == 404
    assert b.get("/v1/keys/" + kb["id"]).status_code == 200
    # no token: 401
    assert requests.get(server.url + "/v1/keys", timeout=30).status_code == 401
    assert requests.post(server.url + "/v1/keys", json={"key": {"name": "x", "content": pub}},
                         timeout=30).status_code == 401


def test_events_name_and_fingerprint(server):
    a = user_client(server)
    _, pub = keygen("ed25519")
    k = add_key(a, "work laptop", pub)
    assert a.delete("/v1/keys/" + k["id"]).status_code == 204
    events = a.get("/v1/events?per_page=100").json()["events"]
    by_type = {e["type"]: e for e in events}
    for t in ("new_key", "delete_key"):
        assert by_type[t]["type_data"] == {"name": "work laptop", "fingerprint": k["fingerprint"]}
    cat = {t["name"]: t for t in requests.get(server.url + "/v1/event_types",
                                              timeout=30).json()["event_types"]}
    assert "{fingerprint}" in cat["new_key"]["template"]
    assert "deployment" in cat


def test_account_erasure_removes_its_keys(server):
    a = user_client(server)
    _, pub = keygen("ed25519")
    add_key(a, "laptop", pub)
    assert server.sql("SELECT count(*) FROM keys WHERE user_id = ?", a.user["id"])[0][0] == 1
    assert a.post("/v1/users/delete").status_code == 202
    did, tok = deletion_token(server, a.user["email"])
    assert confirm(server, did, tok).status_code == 204
    assert server.sql("SELECT count(*) FROM keys WHERE user_id = ?", a.user["id"]) == [(0,)]
    # and the key is free for another account
    b = user_client(server)
    assert add_key(b, "laptop", pub)["name"] == "laptop"
