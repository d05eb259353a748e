"""Black-box tests of the app commands of `paasport` (apps, create, destroy,
scale, restart, containers, collaborators, timeline, account-delete): run
bin/paasport as a user would, against a real paasportd, and check what the
user sees and what the API says afterwards."""
import json
import re

import pytest

from conftest import unique, user_client
from test_apps import create_app, invitation_token, join
from test_cli import Cli

TIME = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"


class AppCli(Cli):
    """bin/paasport for one user; no PAASPORT_APP leaks in from outside."""

    def env(self, **extra):
        e = super().env(**extra)
        if "PAASPORT_APP" not in extra:
            e.pop("PAASPORT_APP", None)
        return e


def cli_user(server, home):
    """A signed-up user (API client) with a CLI logged in with an API token."""
    home.mkdir(parents=True, exist_ok=True)
    u = user_client(server)
    u.cli = AppCli(server, home)
    r = u.cli.run("login", "--api-token", u.api_token["token"])
    assert r.returncode == 0, r.stderr
    return u


@pytest.fixture
def me(server, tmp_path):
    return cli_user(server, tmp_path / "me")


@pytest.fixture
def other(server, tmp_path):
    return cli_user(server, tmp_path / "other")


def app_name():
    return "cli-" + unique("")[:10]


def formation(client, name):
    return client.get(f"/v1/apps/{name}/containers").json()["containers"]


def history(server, app):
    return server.sql("SELECT type, amount, size FROM formation_history WHERE app_id = ? "
                      "ORDER BY id", app["id"])


def collaborators(client, name):
    return client.get(f"/v1/apps/{name}/collaborators").json()["collaborators"]


def collab_by_email(client, name, email):
    found = [k for k in collaborators(client, name) if k["email"] == email]
    assert len(found) == 1, found
    return found[0]


def accept(server, member):
    tok = invitation_token(server, member.user["email"])
    r = member.get("/v1/apps/collaboration?token=" + tok)
    assert r.status_code == 200, r.text


# ---- apps, create, apps-info ----

def test_create_prints_the_git_remote_and_apps_lists_it(server, me):
    name = app_name()
    r = me.cli.run("create", name)
    assert r.returncode == 0, r.stderr
    git_url = f"git@127.0.0.1:{name}.git"
    assert f"App '{name}' created" in r.stdout
    assert f"git remote add paasport {git_url}" in r.stdout
    app = me.get(f"/v1/apps/{name}").json()["app"]
    assert app["git_url"] == git_url and app["owner"]["id"] == me.user["id"]

    r = me.cli.run("apps")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert re.match(r"NAME\s+ROLE\s+OWNER\s+STATUS$", lines[0])
    assert re.match(rf"{name}\s+owner\s+{me.user['username']}\s+\S+$", lines[1])
    assert len(lines) == 2

    r = me.cli.run("apps", "--json")
    assert [a["name"] for a in json.loads(r.stdout)["apps"]] == [name]

    r = me.cli.run("apps-info", "-a", name)
    assert r.returncode == 0, r.stderr
    assert re.search(rf"^Git URL:\s+{git_url}$", r.stdout, re.M)
    assert re.search(rf"^ID:\s+{app['id']}$", r.stdout, re.M)
    assert re.search(r"^Your role:\s+owner$", r.stdout, re.M)
    r = me.cli.run("apps-info", "--json", PAASPORT_APP=name)
    assert json.loads(r.stdout)["app"]["id"] == app["id"]

    r = me.cli.run("create", "x-" + name, "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["app"]["name"] == "x-" + name


def test_apps_empty_and_as_a_collaborator(server, me, other):
    r = me.cli.run("apps")
    assert r.returncode == 0 and "No apps" in r.stdout
    app = create_app(other, app_name())
    join(server, other, app, me, limited=True)
    r = me.cli.run("apps")
    assert re.search(rf"^{app['name']}\s+limited_collaborator\s+{other.user['username']}\s",
                     r.stdout, re.M)


def test_create_with_a_bad_or_taken_name(server, me):
    before = server.sql("SELECT COUNT(*) FROM apps")[0][0]
    r = me.cli.run("create", "Bad_Name")
    assert r.returncode == 1
    assert r.stderr.startswith(" !     name ")
    assert server.sql("SELECT COUNT(*) FROM apps")[0][0] == before
    name = create_app(me, app_name())["name"]
    r = me.cli.run("create", name)
    assert r.returncode == 1 and "name is already taken" in r.stderr


def test_app_commands_need_an_app(server, me):
    for args in (["containers"], ["scale", "web:1"], ["restart"], ["collaborators"],
                 ["timeline"], ["apps-info"], ["collaborators-add", "x@example.com"]):
        r = me.cli.run(*args)
        assert r.returncode == 2, args
        assert "-a APP" in r.stderr and r.stdout == ""


def test_unknown_app(server, me):
    r = me.cli.run("containers", "-a", "no-such-app")
    assert r.returncode == 1 and "app not found" in r.stderr


# ---- destroy ----

def test_destroy_with_a_wrong_name_aborts_and_keeps_the_app(server, me):
    app = create_app(me, app_name())
    for typed in ("wrong-name\n", app["name"].upper() + "\n", ""):
        r = me.cli.run("destroy", app["name"], input=typed)
        assert r.returncode == 1, typed
        assert "aborted" in r.stderr and "deleted" not in r.stdout
        assert me.get(f"/v1/apps/{app['name']}").status_code == 200


def test_destroy_after_typing_the_name(server, me):
    app = create_app(me, app_name())
    r = me.cli.run("destroy", app["name"], input=app["name"] + "\n")
    assert r.returncode == 0, r.stderr
    assert f"App '{app['name']}' deleted" in r.stdout
    assert me.get(f"/v1/apps/{app['name']}").status_code == 404
    r = me.cli.run("destroy", app["name"], "--force")
    assert r.returncode == 1 and "app not found" in r.stderr


def test_destroy_force_and_by_id(server, me):
    app = create_app(me, app_name())
    r = me.cli.run("destroy", "--force", app["id"])
    assert r.returncode == 0, r.stderr
    assert me.get(f"/v1/apps/{app['name']}").status_code == 404
    assert me.get("/v1/apps").json()["apps"] == []


def test_destroy_by_a_collaborator_is_refused(server, me, other):
    app = create_app(other, app_name())
    join(server, other, app, me)
    r = me.cli.run("destroy", app["name"], "--force")
    assert r.returncode == 1
    assert "only the owner can delete the app (forbidden)" in r.stderr
    assert other.get(f"/v1/apps/{app['name']}").status_code == 200


# ---- containers, scale, restart ----

def test_containers_and_ps(server, me):
    name = create_app(me, app_name())["name"]
    for cmd in ("containers", "ps"):
        r = me.cli.run(cmd, "-a", name)
        assert r.returncode == 0, r.stderr
        assert [l.split() for l in r.stdout.splitlines()] == [["NAME", "AMOUNT", "SIZE"],
                                                              ["web", "1", "M"]]
    r = me.cli.run("ps", f"--app={name}", "--json")
    assert json.loads(r.stdout) == {"containers": [{"name": "web", "amount": 1, "size": "M"}]}
    r = me.cli.run("ps", f"-a{name}")
    assert r.returncode == 0 and "web" in r.stdout


def test_scale_absolute(server, me):
    name = create_app(me, app_name())["name"]
    r = me.cli.run("scale", "-a", name, "web:2:L", "worker:1")
    assert r.returncode == 0, r.stderr
    assert f"Scaled app '{name}'" in r.stdout
    rows = [l.split() for l in r.stdout.splitlines()[1:]]
    assert rows == [["NAME", "AMOUNT", "SIZE"], ["web", "2", "L"], ["worker", "1", "M"]]
    assert formation(me, name) == [{"name": "web", "amount": 2, "size": "L"},
                                   {"name": "worker", "amount": 1, "size": "M"}]
    # PAASPORT_APP selects the app too; --json prints the API's answer
    r = me.cli.run("scale", "worker:0", "--json", PAASPORT_APP=name)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["containers"][1] == {"name": "worker", "amount": 0, "size": "M"}
    assert formation(me, name)[1]["amount"] == 0


def test_scale_relative_and_its_bounds(server, me):
    app = create_app(me, app_name())
    name = app["name"]
    assert me.cli.run("scale", "-a", name, "web:+1").returncode == 0
    assert formation(me, name) == [{"name": "web", "amount": 2, "size": "M"}]
    r = me.cli.run("scale", "-a", name, "web:-2", "worker:+3:S")
    assert r.returncode == 0, r.stderr
    assert formation(me, name) == [{"name": "web", "amount": 0, "size": "M"},
                                   {"name": "worker", "amount": 3, "size": "S"}]
    before = history(server, app)
    # below 0 and above 10: refused before calling the API, nothing changes
    r = me.cli.run("scale", "-a", name, "web:-1")
    assert r.returncode == 1
    assert "web: 0 - 1 = -1 is out of 0 to 10" in r.stderr
    r = me.cli.run("scale", "-a", name, "worker:8", "web:+1")
    assert r.returncode == 0
    r = me.cli.run("scale", "-a", name, "web:+2", "worker:+3")
    assert r.returncode == 1 and "worker: 8 + 3 = 11 is out of 0 to 10" in r.stderr
    assert formation(me, name) == [{"name": "web", "amount": 1, "size": "M"},
                                   {"name": "worker", "amount": 8, "size": "S"}]
    assert len(history(server, app)) == len(before) + 2  # only the valid scale counted
    r = me.cli.run("scale", "-a", name, "worker:+2", "web:-1")
    assert r.returncode == 0, r.stderr
    assert formation(me, name) == [{"name": "web", "amount": 0, "size": "M"},
                                   {"name": "worker", "amount": 10, "size": "S"}]


@pytest.mark.parametrize("args,code,message", [
    (["web:11"], 2, "from 0 to 10"),
    (["web:x"], 2, "from 0 to 10"),
    (["web:+11"], 2, "from 0 to 10"),
    (["web:"], 2, "from 0 to 10"),
    (["web:1.5"], 2, "from 0 to 10"),
    (["web"], 2, "TYPE:AMOUNT"),
    ([":1"], 2, "TYPE:AMOUNT"),
    (["web:1:L:x"], 2, "TYPE:AMOUNT"),
    (["web:1:"], 2, "container size"),
    (["web:2", "web:3"], 2, "given twice"),
    (["web:1:XXL"], 1, "containers.web"),
    (["Web!:1"], 1, "containers"),
    (["web:3", "worker:1:XXL"], 1, "containers.worker"),
])
def test_bad_scale_arguments_change_nothing(server, me, args, code, message):
    app = create_app(me, app_name())
    r = me.cli.run("scale", "-a", app["name"], *args)
    assert r.returncode == code, r
    assert message in r.stderr and r.stdout == ""
    assert formation(me, app["name"]) == [{"name": "web", "amount": 1, "size": "M"}]
    assert len(history(server, app)) == 1


def test_scale_by_a_limited_collaborator_prints_the_refusal(server, me, other):
    app = create_app(other, app_name())
    join(server, other, app, me, limited=True)
    r = me.cli.run("scale", "-a", app["name"], "web:3")
    assert r.returncode == 1
    assert r.stderr == " !     a limited collaborator cannot scale the app (forbidden)\n"
    assert formation(other, app["name"])[0]["amount"] == 1
    # a limited collaborator can restart
    assert me.cli.run("restart", "-a", app["name"]).returncode == 0


def test_scale_up_with_a_suspended_owner_shows_the_billing_url(server, me):
    app = create_app(me, app_name())
    server.sql("UPDATE users SET suspended_at = 1 WHERE id = ?", me.user["id"])
    try:
        r = me.cli.run("scale", "-a", app["name"], "web:2")
        assert r.returncode == 1
        assert "account is suspended" in r.stderr
        assert re.search(r"see http://\S+/#/billing", r.stderr)
        assert formation(me, app["name"])[0]["amount"] == 1
        assert me.cli.run("scale", "-a", app["name"], "web:-1").returncode == 0
    finally:
        server.sql("UPDATE users SET suspended_at = NULL WHERE id = ?", me.user["id"])


def test_restart(server, me):
    name = create_app(me, app_name())["name"]
    me.post(f"/v1/apps/{name}/scale", {"containers": [{"name": "worker", "amount": 1}]})
    r = me.cli.run("restart", "-a", name)
    assert r.returncode == 0, r.stderr
    assert f"Restarting all the containers of app '{name}'" in r.stdout
    r = me.cli.run("restart", "-a", name, "web", "worker")
    assert r.returncode == 0, r.stderr
    assert "Restarting the web, worker containers" in r.stdout
    evs = me.get(f"/v1/apps/{name}/events").json()["events"]
    assert [e["type_data"] for e in evs[:2]] == [{"scope": ["web", "worker"]}, {"scope": None}]
    r = me.cli.run("restart", "-a", name, "clock")
    assert r.returncode == 1 and "scope names a container type the app does not have" in r.stderr
    assert len(me.get(f"/v1/apps/{name}/events").json()["events"]) == len(evs)


# ---- collaborators ----

def test_collaborators_add_update_remove_by_email(server, me, other):
    name = create_app(me, app_name())["name"]
    email = other.user["email"]
    r = me.cli.run("collaborators-add", "-a", name, email)
    assert r.returncode == 0, r.stderr
    assert f"Invited {email} to app '{name}' as a collaborator" in r.stdout
    k = collab_by_email(me, name, email)
    assert k["status"] == "pending" and k["is_limited"] is False

    r = me.cli.run("collaborators", "-a", name)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert re.match(r"EMAIL\s+USERNAME\s+STATUS\s+ROLE$", lines[0])
    assert re.match(rf"{me.user['email']}\s+{me.user['username']}\s+owner\s+owner$", lines[1])
    assert re.match(rf"{email}\s+n/a\s+pending\s+collaborator$", lines[2])

    accept(server, other)
    r = me.cli.run("collaborators-update", "-a", name, "--limited=true", email.upper())
    assert r.returncode == 0, r.stderr
    assert "now a limited collaborator" in r.stdout
    assert collab_by_email(me, name, email)["is_limited"] is True
    r = me.cli.run("collaborators", "-a", name)
    assert re.search(rf"^{email}\s+{other.user['username']}\s+accepted\s+limited collaborator$",
                     r.stdout, re.M)
    r = me.cli.run("collaborators", "-a", name, "--json")
    assert {k["email"] for k in json.loads(r.stdout)["collaborators"]} == {me.user["email"], email}

    r = me.cli.run("collaborators-update", "-a", name, "--limited", "false", email)
    assert r.returncode == 0, r.stderr
    assert collab_by_email(me, name, email)["is_limited"] is False
    assert other.post(f"/v1/apps/{name}/scale",
                      {"containers": [{"name": "web", "amount": 2}]}).status_code == 202

    r = me.cli.run("collaborators-remove", "-a", name, email)
    assert r.returncode == 0, r.stderr
    assert f"Removed {email}" in r.stdout
    assert [k["email"] for k in collaborators(me, name)] == [me.user["email"]]
    assert other.get(f"/v1/apps/{name}").status_code == 404


def test_collaborators_add_limited_and_remove_an_invitation(server, me):
    name = create_app(me, app_name())["name"]
    email = unique() + "@example.com"
    r = me.cli.run("collaborators-add", "-a", name, email, "--limited")
    assert r.returncode == 0, r.stderr
    assert "as a limited collaborator" in r.stdout
    k = collab_by_email(me, name, email)
    assert k["is_limited"] is True and k["status"] == "pending"
    server.wait_mail(email, "invited")
    r = me.cli.run("collaborators-add", "-a", name, email)
    assert r.returncode == 1 and "email is already a collaborator or invited" in r.stderr
    r = me.cli.run("collaborators-remove", "-a", name, email)
    assert r.returncode == 0, r.stderr
    assert len(collaborators(me, name)) == 1


def test_collaborator_commands_errors(server, me, other):
    name = create_app(me, app_name())["name"]
    before = collaborators(me, name)
    r = me.cli.run("collaborators-remove", "-a", name, "nobody@example.com")
    assert r.returncode == 1
    assert "no collaborator or invitation with the email nobody@example.com" in r.stderr
    r = me.cli.run("collaborators-update", "-a", name, "--limited=true", "nobody@example.com")
    assert r.returncode == 1 and "no collaborator" in r.stderr
    r = me.cli.run("collaborators-remove", "-a", name, me.user["email"])
    assert r.returncode == 1 and "is the owner" in r.stderr
    for bad in ([], ["--limited=yes"], ["--limited="]):
        r = me.cli.run("collaborators-update", "-a", name, *bad, "x@example.com")
        assert r.returncode == 2 and "--limited=true or --limited=false" in r.stderr
    r = me.cli.run("collaborators-add", "-a", name, "not-an-email")
    assert r.returncode == 1 and r.stderr.startswith(" !     email ")
    assert collaborators(me, name) == before
    # a collaborator cannot invite: the server's refusal is shown
    app = create_app(other, app_name())
    join(server, other, app, me)
    r = me.cli.run("collaborators-add", "-a", app["name"], unique() + "@example.com")
    assert r.returncode == 1
    assert "only the owner manages collaborators (forbidden)" in r.stderr


# ---- timeline ----

def test_timeline_shows_sentences(server, me, other):
    name = create_app(me, app_name())["name"]
    u = me.user["username"]
    assert me.cli.run("scale", "-a", name, "web:2:L", "worker:1").returncode == 0
    assert me.cli.run("restart", "-a", name, "web").returncode == 0
    assert me.cli.run("restart", "-a", name).returncode == 0
    assert me.cli.run("collaborators-add", "-a", name, other.user["email"], "--limited").returncode == 0
    accept(server, other)
    assert me.cli.run("collaborators-update", "-a", name, "--limited=false",
                      other.user["email"]).returncode == 0
    assert other.cli.run("scale", "-a", name, "web:-1").returncode == 0
    assert me.cli.run("collaborators-remove", "-a", name, other.user["email"]).returncode == 0

    r = me.cli.run("timeline", "-a", name)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    # the sentences of the server's catalogue (GET /v1/event_types), as the dashboard's
    o = other.user["username"]
    expected = [
        ("delete_collaborator", u, f"Removed {o} from {name}"),
        ("scale", o, f"Scaled {name}: web 2×L → 1×L"),
        ("change_collaborator_role", u, f"Gave {o} full collaborator access to {name}"),
        ("accept_collaborator", o, f"Joined {name} as a limited collaborator (invited by {u})"),
        ("new_collaborator", u,
         f"Invited {other.user['email']} to {name} as a limited collaborator"),
        ("restart", u, f"Restarted {name} (all containers)"),
        ("restart", u, f"Restarted {name} (web)"),
        ("scale", u, f"Scaled {name}: web 1×M → 2×L, worker 0 → 1×M"),
        ("new_app", u, f"Created app {name}"),
    ]
    assert len(lines) == len(expected), r.stdout
    for line, (typ, who, text) in zip(lines, expected):
        assert re.match(rf"{TIME}\s+{typ}\s+{re.escape(who)}\s+{re.escape(text)}$", line), line

    # the user's own timeline uses the same sentences (without the actor column)
    r = me.cli.run("user-timeline")
    assert re.search(rf"^{TIME}\s+scale\s+{re.escape(expected[-2][2])}$", r.stdout, re.M)
    assert re.search(rf"^{TIME}\s+restart\s+Restarted {name} \(web\)$",
                     r.stdout, re.M)
    r = other.cli.run("user-timeline")
    assert re.search(rf"^{TIME}\s+scale\s+Scaled {name}: web 2×L → 1×L$", r.stdout, re.M)

    r = me.cli.run("timeline", "-a", name, "--json")
    body = json.loads(r.stdout)
    assert [e["type"] for e in body["events"]] == [e[0] for e in expected]


def test_timeline_pages(server, me):
    name = create_app(me, app_name())["name"]
    for _ in range(3):
        me.post(f"/v1/apps/{name}/restart")
    r = me.cli.run("timeline", "-a", name, "--per-page", "2")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    m = re.match(rf"-- page 1 of 2; next: paasport timeline -a {name} --page 2 --per-page 2 "
                 r"--anchor (\d+)$", lines[2])
    assert m, lines
    me.post(f"/v1/apps/{name}/restart")  # a new event does not shift the anchored pages
    r = me.cli.run("timeline", "-a", name, "--page", "2", "--per-page", "2",
                   "--anchor", m.group(1))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2 and "Restarted" in lines[0] and "Created app" in lines[1]
    r = me.cli.run("timeline", "-a", name, "--page", "9")
    assert r.returncode == 0 and "No events on this page" in r.stdout
    for bad in (["--page", "0"], ["--per-page", "101"], ["--anchor", "x"]):
        assert me.cli.run("timeline", "-a", name, *bad).returncode == 2


def test_timeline_of_an_event_by_a_deleted_account(server, me, other):
    app = create_app(me, app_name())
    join(server, me, app, other)
    other.post(f"/v1/apps/{app['name']}/scale", {"containers": [{"name": "web", "amount": 3}]})
    assert other.cli.run("account-delete").returncode == 0
    body = server.wait_mail(other.user["email"], "deletion")["body"]
    did, tok = body.split("/#/delete-account/")[1].split()[0].split("/")
    r = other.post(f"/v1/users/delete/{did}/confirm", {"deletion": {"token": tok}})
    assert r.status_code == 204, r.text
    r = me.cli.run("timeline", "-a", app["name"])
    assert r.returncode == 0, r.stderr
    assert re.search(rf"^{TIME}\s+scale\s+\(deleted account\)\s+Scaled {app['name']}: "
                     r"web 1×M → 3×M$", r.stdout, re.M)


# ---- account-delete ----

def test_account_delete_refused_with_apps_then_accepted(server, me):
    a, b = create_app(me, app_name()), create_app(me, app_name())
    r = me.cli.run("account-delete")
    assert r.returncode == 1
    assert "delete them first" in r.stderr
    assert f"apps you own: {a['name']}, {b['name']}" in r.stderr or \
        f"apps you own: {b['name']}, {a['name']}" in r.stderr
    assert "`paasport destroy NAME`" in r.stderr
    assert not [m for m in server.mails() if m["to"] == me.user["email"]
                and "deletion" in m["subject"]]
    for app in (a, b):
        assert me.cli.run("destroy", app["name"], "--force").returncode == 0
    r = me.cli.run("account-delete")
    assert r.returncode == 0, r.stderr
    assert "confirmation link was mailed" in r.stdout
    mail = server.wait_mail(me.user["email"], "deletion")
    did = mail["body"].split("/#/delete-account/")[1].split("/")[0]
    assert did in r.stdout
    assert me.get("/v1/users/self").status_code == 200  # nothing deleted before the link


# ---- command line ----

def test_help_lists_the_app_commands(server, me):
    r = me.cli.run("--help")
    assert r.returncode == 0
    for cmd in ("apps", "apps-info", "create", "destroy", "containers", "ps", "scale", "restart",
                "collaborators", "collaborators-add", "collaborators-update",
                "collaborators-remove", "timeline", "account-delete"):
        assert re.search(rf"^  {cmd}\b", r.stdout, re.M), cmd
    assert "PAASPORT_APP" in r.stdout
    r = me.cli.run("help", "scale")
    assert "Usage: paasport scale TYPE:AMOUNT[:SIZE]..." in r.stdout
    assert re.search(r"^  -a, --app APP\s", r.stdout, re.M)
    r = me.cli.run("help", "destroy")
    assert "--force" in r.stdout


@pytest.mark.parametrize("args,message", [
    (["scale", "-a"], "option -a needs a value"),
    (["scale", "-x", "web:1"], "unknown option -x for `paasport scale`"),
    (["apps", "-a", "x"], "unknown option -a for `paasport apps`"),
    (["scale", "-a", "x"], "usage: paasport scale TYPE:AMOUNT[:SIZE]..."),
    (["destroy"], "usage: paasport destroy NAME"),
    (["restart", "-a", "x", "--json"], "has no --json output"),
    (["collaborators-add", "-a", "x", "--limited=yes", "e@example.com"], "takes no value"),
])
def test_app_usage_errors(server, me, args, message):
    r = me.cli.run(*args)
    assert r.returncode == 2, r
    assert message in r.stderr and r.stdout == ""


@pytest.mark.parametrize("args", [["apps"], ["create", "some-app"], ["destroy", "x", "--force"],
                                  ["ps", "-a", "x"], ["scale", "-a", "x", "web:+1"],
                                  ["restart", "-a", "x"], ["collaborators", "-a", "x"],
                                  ["timeline", "-a", "x"], ["account-delete"]])
def test_app_commands_need_a_login(server, tmp_path, args):
    r = AppCli(server, tmp_path).run(*args)
    assert r.returncode == 1
    assert "not logged in: run `paasport login`" in r.stderr and r.stdout == ""
