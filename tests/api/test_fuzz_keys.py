"""The schema-aware fuzz of test_fuzz_api.py extended to the SSH key routes: alice
adds keys with mutated bodies (valid keys from ssh-keygen, then every mutation of
the shared fuzzer) and reads and removes keys by mutated, foreign and junk ids.

What a user would check: never a 5xx, every 4xx is JSON with a message (422 names
the field), a 4xx changed nothing in alice's keys, a 2xx stored what was sent (the
name, and the key's own type and base64), and bob's and eve's keys, and everything
else of theirs (test_fuzz_api's snapshot), are byte-identical afterwards."""
from sshkeys import keygen
from test_fuzz_api import OK, Fuzzer, cases, norm, quote, snapshot, world  # noqa: F401


def key_state(fz, a):
    listed = sorted((k["id"], k["name"], k["content"])
                    for k in fz.get_ok("/v1/keys", a.token)["keys"])
    return listed, fz.server.sql("SELECT * FROM keys WHERE user_id = ? ORDER BY id",
                                 a.user["id"])


def others_keys(w):
    return [w.server.sql("SELECT * FROM keys WHERE user_id = ? ORDER BY id", o.user["id"])
            for o in w.others]


def test_fuzz_keys(world):
    fz = Fuzzer(world, "keys")
    a, rng = world.alice, fz.rng
    # bob and eve each have a key; their ids are the foreign ones
    foreign = []
    for o in world.others:
        _, pub = keygen("ed25519")
        r = o.post("/v1/keys", {"key": {"name": "theirs", "content": pub}})
        assert r.status_code == 201, r.text
        foreign.append(r.json()["key"])
    theirs = others_keys(world)
    for o in world.others:  # the keys are part of their state from now on
        o.snap = snapshot(world, o)
    state = key_state(fz, a)
    for i in cases(150):
        kind = ("ed25519", "ecdsa")[i % 2]
        _, pub = keygen(kind, comment=f"fz{i}@host")
        if i % 7 == 0:  # another account's key: "already taken"
            pub = foreign[i % 2]["content"]
        base = {"key": {"name": f"fz-key-{i}", "content": pub}}
        body, data = fz.case(base if i % 4 else base["key"])
        r = fz.send("POST", "/v1/keys", data, token=a.token, what="key add")
        if r.status_code in OK:
            k = r.json().get("key", {})
            eff = fz.effective(body, "key", "POST", "/v1/keys", data, r)
            name = norm(eff["name"]) if isinstance(eff.get("name"), str) else None
            sent = eff.get("content") if isinstance(eff.get("content"), str) else ""
            words = sent.split()
            if k.get("name") != name or len(words) < 2 or \
                    k.get("content", "").split()[:2] != words[:2] or \
                    k.get("content", "").split(" ", 2)[2:] != [name]:
                fz.problem(f"key stored as {k}, sent {name!r} / {sent[:80]!r}", "POST",
                           "/v1/keys", data, r)
            if any(k.get("content", "").split()[1] == f["content"].split()[1]
                   for f in foreign):
                fz.problem("another account's key was added", "POST", "/v1/keys", data, r)
        now = key_state(fz, a)
        if r.status_code not in OK and now != state:
            fz.problem(f"4xx changed the keys {state} -> {now}", "POST", "/v1/keys", data, r)
        if r.status_code in OK and rng.random() < 0.5:
            kid = r.json().get("key", {}).get("id", "?")
            fz.send("DELETE", "/v1/keys/" + quote(kid), token=a.token, what="cleanup")
            now = key_state(fz, a)
        state = now

    mine = [k["id"] for k in fz.get_ok("/v1/keys", a.token)["keys"]]
    for i in cases(120):
        k = rng.randrange(10)
        if k < 4:
            kid, allowed = rng.choice(foreign)["id"], (404,)
        elif k < 7:
            kid, allowed = rng.choice(world.junk_ids), (400, 404, 405)
        else:
            kid, allowed = world.mangle(rng, rng.choice(mine or [foreign[0]["id"]])), \
                (400, 404, 405)
        method = rng.choice(("GET", "DELETE"))
        path = "/v1/keys/" + quote(kid)
        r = fz.send(method, path, token=a.token, what="key by id")
        if r.status_code not in allowed:
            fz.problem(f"{method} of a key that is not alice's: want {allowed}", method, path,
                       None, r)
        now = key_state(fz, a)
        if now != state:
            fz.problem(f"{method} changed alice's keys", method, path, None, r)
    if others_keys(world) != theirs:
        fz.problems.append("bob's or eve's keys changed")
    fz.finish(250)
