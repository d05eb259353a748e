"""Black-box tests of the SSH key commands of `paasport` (keys, keys-add NAME FILE,
keys-remove NAME): run bin/paasport as a user would, against a real paasportd, and
check what the user sees and what the API says afterwards."""
import json
import re

import pytest

from sshkeys import fingerprint, keygen
from test_cli_apps import TIME, cli_user


@pytest.fixture
def me(server, tmp_path):
    return cli_user(server, tmp_path / "me")


def test_add_list_remove(me, tmp_path):
    r = me.cli.run("keys")
    assert r.returncode == 0 and "No SSH keys" in r.stdout
    priv, pub = keygen("ed25519")
    r = me.cli.run("keys-add", "work laptop", priv + ".pub")
    assert r.returncode == 0, r.stderr
    fp = fingerprint(pub)
    assert f"Added SSH key 'work laptop' ({fp})" in r.stdout
    [k] = me.get("/v1/keys").json()["keys"]
    assert k["name"] == "work laptop" and k["fingerprint"] == fp
    # from stdin too
    _, pub2 = keygen("ecdsa", 256)
    r = me.cli.run("keys-add", "desktop", "-", input=pub2)
    assert r.returncode == 0, r.stderr
    r = me.cli.run("keys")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[:3] == ["NAME", "TYPE", "FINGERPRINT"]
    row = next(l for l in lines if l.startswith("work laptop"))
    assert fp in row and "ssh-ed25519" in row and re.search(TIME, row)
    assert any(l.startswith("desktop") and fingerprint(pub2) in l for l in lines)
    r = me.cli.run("keys", "--json")
    assert [k["name"] for k in json.loads(r.stdout)["keys"]] == ["work laptop", "desktop"]
    r = me.cli.run("keys-remove", "work laptop")
    assert r.returncode == 0 and "SSH key 'work laptop' removed." in r.stdout
    assert [k["name"] for k in me.get("/v1/keys").json()["keys"]] == ["desktop"]
    r = me.cli.run("keys-remove", "work laptop")
    assert r.returncode != 0 and "no SSH key named 'work laptop'" in r.stderr


def test_refusals_are_shown(me, server, tmp_path):
    priv, pub = keygen("ed25519")
    # the private key by mistake: the server's sentence, nothing stored
    r = me.cli.run("keys-add", "oops", priv)
    assert r.returncode != 0
    assert "private key" in r.stderr and ".pub" in r.stderr
    r = me.cli.run("keys-add", "x", str(tmp_path / "missing.pub"))
    assert r.returncode != 0 and "cannot open" in r.stderr
    assert me.get("/v1/keys").json()["keys"] == []
    # a key another account has
    other = cli_user(server, tmp_path / "other")
    assert other.cli.run("keys-add", "mine", priv + ".pub").returncode == 0
    r = me.cli.run("keys-add", "mine too", priv + ".pub")
    assert r.returncode != 0 and "already taken" in r.stderr
    assert other.user["username"] not in r.stderr
