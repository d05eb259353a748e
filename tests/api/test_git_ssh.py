"""git over SSH end to end: the real OpenSSH sshd (started here on a loopback
port) asks paasport-ssh for each key (AuthorizedKeysCommand) and runs its forced
command; the real git client pushes and fetches with keys ssh-keygen made here and
added through the API. What a user sees: who may push and fetch, the refusals, the
greeting, the deployment event, and that the store decides at each connection."""
import getpass
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import Server, user_client
from sshd import Sshd, why_not
from sshkeys import add_key, keygen
from test_account_delete import confirm, deletion_token
from test_apps import create_app, join

pytestmark = pytest.mark.skipif(why_not() is not None, reason=str(why_not()))

DENIED = "Permission denied (publickey)"


@pytest.fixture(scope="module")
def world():
    user = getpass.getuser()
    srv = Server(env={"PAASPORT_GIT_USER": user})
    sshd = None
    try:
        sshd = Sshd(srv, user)
        w = type("World", (), {})()
        w.server, w.sshd, w.cleanup = srv, sshd, []
        w.owner, w.full, w.limited, w.stranger = (user_client(srv) for _ in range(4))
        w.app = create_app(w.owner)
        join(srv, w.owner, w.app, w.full)
        join(srv, w.owner, w.app, w.limited, limited=True)
        for c in (w.owner, w.full, w.limited, w.stranger):
            c.key_path, pub = keygen("ed25519", comment=c.user["username"] + "@laptop")
            c.key = add_key(c, "laptop", pub)
        yield w
        for d in w.cleanup:
            shutil.rmtree(d, ignore_errors=True)
    finally:
        if sshd:
            sshd.close()
        srv.close()


def repo_path(w):
    return os.path.join(w.server.env["PAASPORT_REPO_ROOT"], w.app["id"] + ".git")


def remote_refs(w):
    out = subprocess.run(["git", "--git-dir", repo_path(w), "for-each-ref",
                          "--format=%(objectname) %(refname)"], capture_output=True, text=True,
                         check=True).stdout
    return dict(reversed(line.split()) for line in out.splitlines())


def work_tree(w, client, message):
    """A clone (or a fresh repository when the app has none yet) with one new commit."""
    d = tempfile.mkdtemp(prefix="paasport-wt-")
    w.cleanup.append(d)
    r = w.sshd.git(client.key_path, "clone", "-q", w.sshd.remote(w.app["name"]), d)
    assert r.returncode == 0, r.stderr
    has_main = subprocess.run(["git", "-C", d, "rev-parse", "-q", "--verify", "origin/main"],
                              capture_output=True).returncode == 0
    subprocess.run(["git", "-C", d, "checkout", "-q", "-B", "main"]
                   + (["origin/main"] if has_main else []), check=True)
    with open(os.path.join(d, "README"), "a") as f:
        f.write(message + "\n")
    for args in (["add", "README"], ["-c", "user.name=T", "-c", "user.email=t@example.com",
                                     "commit", "-q", "-m", message]):
        subprocess.run(["git", "-C", d, *args], check=True)
    sha = subprocess.run(["git", "-C", d, "rev-parse", "HEAD"], capture_output=True, text=True,
                         check=True).stdout.strip()
    return d, sha


def push(w, client, d):
    return w.sshd.git(client.key_path, "-C", d, "push", "-q", w.sshd.remote(w.app["name"]),
                      "main")


def deployments(client, path):
    return [e for e in client.get(path + "?per_page=100").json()["events"]
            if e["type"] == "deployment"]


def test_greeting_names_account_and_key(world):
    w = world
    r = w.sshd.ssh([w.owner.key_path])
    assert r.returncode == 1, (r.returncode, r.stderr, w.sshd.read_log()[-2000:])
    assert f"Hi {w.owner.user['username']}!" in r.stderr
    assert "'laptop'" in r.stderr and "shell access" in r.stderr
    assert r.stdout == ""
    # the key's last use is now recorded
    k = w.owner.get("/v1/keys/" + w.owner.key["id"]).json()["key"]
    assert k["last_used_at"] is not None


def test_owner_pushes_and_the_deployment_is_recorded(world):
    w = world
    d, sha = work_tree(w, w.owner, "first")
    r = push(w, w.owner, d)
    assert r.returncode == 0, r.stderr
    assert remote_refs(w)["refs/heads/main"] == sha
    app_path = f"/v1/apps/{w.app['name']}/events"
    deps = deployments(w.owner, app_path)
    assert deps and deps[0]["type_data"] == {"pusher": w.owner.user["username"],
                                             "git_ref": sha, "status": "pushed"}
    assert deps[0]["user"]["id"] == w.owner.user["id"]
    assert [e["type_data"]["git_ref"] for e in deployments(w.owner, "/v1/events")][0] == sha
    # pushing again with nothing new records nothing
    n = len(deps)
    r = push(w, w.owner, d)
    assert r.returncode == 0, r.stderr
    assert len(deployments(w.owner, app_path)) == n


def test_full_collaborator_pushes(world):
    w = world
    d, sha = work_tree(w, w.full, "from the collaborator")
    r = push(w, w.full, d)
    assert r.returncode == 0, r.stderr
    assert remote_refs(w)["refs/heads/main"] == sha
    dep = deployments(w.owner, f"/v1/apps/{w.app['name']}/events")[0]
    assert dep["type_data"]["pusher"] == w.full.user["username"]
    assert dep["type_data"]["git_ref"] == sha
    # visible in the pusher's own timeline
    assert deployments(w.full, "/v1/events")[0]["type_data"]["git_ref"] == sha


def test_limited_collaborator_fetches_but_cannot_push(world):
    w = world
    before = remote_refs(w)
    d, sha = work_tree(w, w.limited, "from the limited one")  # the clone worked
    r = push(w, w.limited, d)
    assert r.returncode != 0
    assert "a limited collaborator cannot push to the app" in r.stderr
    assert remote_refs(w) == before
    r = w.sshd.git(w.limited.key_path, "-C", d, "fetch", "-q", w.sshd.remote(w.app["name"]),
                   "main")
    assert r.returncode == 0, r.stderr
    fetched = subprocess.run(["git", "-C", d, "rev-parse", "FETCH_HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
    assert fetched == before["refs/heads/main"]


def test_stranger_is_refused_as_for_an_app_that_does_not_exist(world):
    w = world
    before = remote_refs(w)
    name = w.app["name"]
    r = w.sshd.ssh([w.stranger.key_path], f"git-receive-pack '{name}.git'")
    assert r.returncode == 1 and r.stderr.strip() == f"paasport: app '{name}' not found"
    r = w.sshd.ssh([w.stranger.key_path], f"git-upload-pack '{name}.git'")
    assert r.returncode == 1 and r.stderr.strip() == f"paasport: app '{name}' not found"
    r = w.sshd.ssh([w.owner.key_path], "git-upload-pack 'nosuch-app-here.git'")
    assert r.returncode == 1
    assert r.stderr.strip() == "paasport: app 'nosuch-app-here' not found"
    with tempfile.TemporaryDirectory() as d:
        r = w.sshd.git(w.stranger.key_path, "clone", "-q", w.sshd.remote(name), d + "/c")
        assert r.returncode != 0 and "not found" in r.stderr
    assert remote_refs(w) == before


def test_a_suspended_owners_app_refuses_pushes(world):
    w = world
    srv = w.server
    before = remote_refs(w)
    srv.sql("UPDATE users SET suspended_at = 1, suspension_reason = 'unpaid' WHERE id = ?",
            w.owner.user["id"])
    try:
        d, _ = work_tree(w, w.full, "while suspended")  # fetching still works
        r = push(w, w.full, d)
        assert r.returncode != 0 and "suspended" in r.stderr
        assert remote_refs(w) == before
    finally:
        srv.sql("UPDATE users SET suspended_at = 0, suspension_reason = '' WHERE id = ?",
                w.owner.user["id"])


def test_hostile_commands_are_refused_and_nothing_runs(world):
    w = world
    name = w.app["name"]
    marker = os.path.join(tempfile.mkdtemp(prefix="paasport-pwn-"), "pwned")
    w.cleanup.append(os.path.dirname(marker))
    hostile = [
        f"git-upload-pack '{name}.git'; touch {marker}",
        f"git-upload-pack '{name}.git' && touch {marker}",
        f"git-upload-pack $(touch {marker})",
        f"git-upload-pack `touch {marker}`",
        f"touch {marker}",
        f"sh -c 'touch {marker}'",
        f"git-upload-pack '../{name}.git'",
        f"git-upload-pack '--upload-pack=touch {marker}'",
        f"git-upload-pack '{name}.git' extra",
        f"git-upload-pack '{name}.git'\ntouch {marker}",
        "git-upload-pack '" + "a" * 4096 + "'",
        f"git -c core.sshCommand=x upload-pack '{name}.git'",
        f"git-shell -c \"touch {marker}\"",
    ]
    for cmd in hostile:
        r = w.sshd.ssh([w.owner.key_path], cmd)
        assert r.returncode == 1, (cmd, r.returncode, r.stdout, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("paasport: "), (cmd, r.stderr)
        assert r.stdout == "", cmd
        assert not os.path.exists(marker), cmd


def test_a_removed_key_is_refused_at_the_next_connection(world):
    w = world
    c = user_client(w.server)
    path, pub = keygen("ed25519")
    k = add_key(c, "temporary", pub)
    assert w.sshd.ssh([path]).returncode == 1  # greeted
    assert c.delete("/v1/keys/" + k["id"]).status_code == 204
    r = w.sshd.ssh([path])
    assert r.returncode == 255 and DENIED in r.stderr


def test_the_key_of_a_deleted_account_is_refused(world):
    w = world
    c = user_client(w.server)
    path, pub = keygen("ecdsa", 256)
    add_key(c, "laptop", pub)
    assert "Hi " in w.sshd.ssh([path]).stderr
    assert c.post("/v1/users/delete").status_code == 202
    did, tok = deletion_token(w.server, c.user["email"])
    assert confirm(w.server, did, tok).status_code == 204
    r = w.sshd.ssh([path])
    assert r.returncode == 255 and DENIED in r.stderr


def test_an_unknown_key_is_refused(world):
    path, _ = keygen("ed25519")
    r = world.sshd.ssh([path])
    assert r.returncode == 255 and DENIED in r.stderr


def test_two_keys_of_two_accounts_on_one_client(world):
    w = world
    a, b = w.owner, w.limited
    for first, second in ((a, b), (b, a)):
        r = w.sshd.ssh([first.key_path, second.key_path])
        assert f"Hi {first.user['username']}!" in r.stderr, r.stderr
        assert second.user["username"] not in r.stderr
    # an unknown key offered first is skipped, the registered one then picks its account
    unknown, _ = keygen("ed25519")
    r = w.sshd.ssh([unknown, b.key_path])
    assert f"Hi {b.user['username']}!" in r.stderr
    # the push goes by the key: the limited one is refused, the owner's accepted
    d, sha = work_tree(w, a, "two keys")
    assert push(w, b, d).returncode != 0
    r = push(w, a, d)
    assert r.returncode == 0, r.stderr
    assert remote_refs(w)["refs/heads/main"] == sha


def test_the_git_user_only(world):
    """Another login name gets no key from paasport-ssh."""
    w = world
    args = w.sshd.ssh_args(w.owner.key_path) + ["-T", "nobody@127.0.0.1"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 255 and DENIED in r.stderr
