"""Black-box tests of the `paasport` command-line client: run bin/paasport as a
user would, against a real paasportd, with a private XDG_CONFIG_HOME, and check
what the user sees (output, exit status, the auth file) and what the API says."""
import json
import os
import pty
import re
import select
import signal
import socket
import stat
import subprocess
import time

import pytest
import requests

from conftest import BIN, PASSWORD, Client, new_token, signup

CLI = os.path.join(BIN, "paasport")
NOT_LOGGED_IN = "not logged in: run `paasport login`"
SECRET_RE = re.compile(r"^(tk-us-[A-Za-z0-9_-]+)$", re.M)
CLI_TOKEN_NAME = ("paasport CLI - " + socket.gethostname())[:64]


class Cli:
    """bin/paasport with its own config directory, pointed at one server."""

    def __init__(self, server, home):
        self.server = server
        self.home = home
        self.config = home / "xdg"
        self.auth_file = self.config / "paasport" / "auth.json"

    def env(self, **extra):
        e = dict(os.environ)
        e.pop("PAASPORT_API_TOKEN", None)
        e.update({"HOME": str(self.home), "XDG_CONFIG_HOME": str(self.config),
                  "PAASPORT_API_URL": self.server.url})
        e.update(extra)
        return e

    def run(self, *args, input=None, **env):
        return subprocess.run([CLI, *args], input=input, capture_output=True, text=True,
                              env=self.env(**env), timeout=60)

    def login(self, login, password=PASSWORD):
        r = self.run("login", input=f"{login}\n{password}\n")
        assert r.returncode == 0, r.stderr
        return r

    def auth(self):
        return json.loads(self.auth_file.read_text())


@pytest.fixture
def cli(server, tmp_path):
    return Cli(server, tmp_path)


@pytest.fixture
def logged_in(server, cli):
    """A signed-up user logged in with the CLI (password login)."""
    cli.user = signup(server)
    cli.login(cli.user["username"])
    return cli


def api(server, token):
    return Client(server, token)


def secret_of(output):
    m = SECRET_RE.findall(output)
    assert len(m) == 1, output
    return m[0]


# ---- login ----

def test_login_with_password_stores_a_private_token(server, cli):
    u = signup(server)
    r = cli.run("login", input=f"{u['username']}\n{PASSWORD}\n")
    assert r.returncode == 0, r.stderr
    assert f"-----> Hello {u['username']}, nice to see you!" in r.stdout
    assert PASSWORD not in r.stdout + r.stderr

    assert stat.S_IMODE(os.stat(cli.auth_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(cli.auth_file.parent).st_mode) == 0o700
    text = cli.auth_file.read_text()
    assert PASSWORD not in text
    auth = json.loads(text)
    assert auth["api_url"] == server.url
    assert auth["token"].startswith("tk-us-")
    assert auth["user"] == {"id": u["id"], "username": u["username"], "email": u["email"]}

    # the API knows the token under the CLI's name, and it works
    c = api(server, auth["token"])
    assert c.get("/v1/users/self").json()["user"]["id"] == u["id"]
    names = [t["name"] for t in c.get("/v1/tokens").json()["tokens"]]
    assert names.count(CLI_TOKEN_NAME) == 1


def test_login_with_email(server, cli):
    u = signup(server)
    r = cli.login(u["email"])
    assert f"Hello {u['username']}" in r.stdout


def test_login_with_wrong_password_fails_and_stores_nothing(server, cli):
    u = signup(server)
    r = cli.run("login", input=f"{u['username']}\nnot the password\n")
    assert r.returncode == 1
    assert "invalid credentials" in r.stderr
    assert "Hello" not in r.stdout
    assert not cli.auth_file.exists()


def test_login_without_input_fails(server, cli):
    r = cli.run("login", input="")
    assert r.returncode == 1
    assert "no username" in r.stderr
    r = cli.run("login", input="someone\n")
    assert r.returncode == 1
    assert "no password" in r.stderr
    assert not cli.auth_file.exists()


def wait_child(pid, timeout=60):
    """The child's exit status; a child still running after timeout is killed and the
    test fails (it never hangs the suite)."""
    end = time.time() + timeout
    while time.time() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError(f"paasport still running after {timeout} s")


def test_login_on_a_terminal_prompts_and_hides_the_password(server, cli):
    u = signup(server)
    pid, fd = pty.fork()
    if pid == 0:  # the child: paasport on the pty
        os.execve(CLI, [CLI, "login"], cli.env())
    out = b""

    def read_until(marker, timeout=60):
        nonlocal out
        end = time.time() + timeout
        while marker not in out and time.time() < end:
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    return

    read_until(b"Username or email: ")
    os.write(fd, u["username"].encode() + b"\n")
    read_until(b"Password: ")
    os.write(fd, PASSWORD.encode() + b"\n")
    read_until(b"nice to see you!")
    status = wait_child(pid)
    os.close(fd)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, out
    assert u["username"].encode() in out  # the username is echoed
    assert PASSWORD.encode() not in out  # the password is not
    assert cli.auth_file.exists()


def test_login_with_api_token(server, cli):
    u = signup(server)
    t = new_token(server, u["username"], name="my laptop")
    r = cli.run("login", "--api-token", t["token"])
    assert r.returncode == 0, r.stderr
    assert f"Hello {u['username']}, nice to see you!" in r.stdout
    assert cli.auth()["token"] == t["token"]
    assert stat.S_IMODE(os.stat(cli.auth_file).st_mode) == 0o600
    r = cli.run("self")
    assert r.returncode == 0 and u["email"] in r.stdout


def test_login_with_invalid_api_token_fails(server, cli):
    r = cli.run("login", "--api-token", "tk-us-not-a-real-token")
    assert r.returncode == 1
    assert "invalid credentials" in r.stderr
    assert not cli.auth_file.exists()


def test_second_login_replaces_and_revokes_the_first_token(server, cli):
    u = signup(server)
    cli.login(u["username"])
    first = cli.auth()["token"]
    cli.login(u["username"])
    second = cli.auth()["token"]
    assert first != second
    assert api(server, first).get("/v1/users/self").status_code == 401
    c = api(server, second)
    assert c.get("/v1/users/self").status_code == 200
    names = [t["name"] for t in c.get("/v1/tokens").json()["tokens"]]
    assert names.count(CLI_TOKEN_NAME) == 1


# ---- self ----

def test_self_shows_the_account(server, logged_in):
    u = logged_in.user
    api(server, logged_in.auth()["token"]).put(
        "/v1/users/account", {"user": {"email": "moved-" + u["email"], "fullname": "Ada L.",
                                      "current_password": PASSWORD}})
    r = logged_in.run("self")
    assert r.returncode == 0, r.stderr
    for text in (u["id"], u["username"], u["email"], "Ada L.", "moved-" + u["email"]):
        assert text in r.stdout
    assert re.search(r"Unconfirmed email:\s+moved-", r.stdout)

    r = logged_in.run("self", "--json")
    assert r.returncode == 0
    user = json.loads(r.stdout)["user"]
    assert user["username"] == u["username"]
    assert user["unconfirmed_email"] == "moved-" + u["email"]


def test_env_api_token_is_used_without_an_auth_file(server, cli):
    u = signup(server)
    t = new_token(server, u["username"])
    r = cli.run("self", PAASPORT_API_TOKEN=t["token"])
    assert r.returncode == 0, r.stderr
    assert u["username"] in r.stdout
    assert not cli.auth_file.exists()
    r = cli.run("self", PAASPORT_API_TOKEN="tk-us-wrong")
    assert r.returncode == 1
    assert "PAASPORT_API_TOKEN" in r.stderr


# ---- tokens ----

def test_tokens_lists_a_table_and_json(server, logged_in):
    c = api(server, logged_in.auth()["token"])
    new_token(server, logged_in.user["username"], name="ci runner")
    ids = {t["id"] for t in c.get("/v1/tokens").json()["tokens"]}

    r = logged_in.run("tokens")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert re.match(r"ID\s+NAME\s+CREATED AT\s+LAST USED AT$", lines[0])
    assert len(lines) == 1 + len(ids)
    for i in ids:
        assert i in r.stdout
    assert "ci runner" in r.stdout and CLI_TOKEN_NAME in r.stdout
    assert "never" in r.stdout  # the "ci runner" token was never used
    assert "tk-us-" not in r.stdout  # no secret is shown

    r = logged_in.run("tokens", "--json")
    assert r.returncode == 0
    assert {t["id"] for t in json.loads(r.stdout)["tokens"]} == ids
    # global options work before the command too
    r = logged_in.run("--json", "tokens")
    assert {t["id"] for t in json.loads(r.stdout)["tokens"]} == ids


def test_tokens_add_prints_a_working_secret_once(server, logged_in):
    r = logged_in.run("tokens-add", "deploy bot")
    assert r.returncode == 0, r.stderr
    assert "deploy bot" in r.stdout
    assert "won't be shown again" in r.stdout
    secret = secret_of(r.stdout)
    me = requests.get(server.url + "/v1/users/self", timeout=30,
                      headers={"Authorization": "Bearer " + secret})
    assert me.status_code == 200
    assert me.json()["user"]["id"] == logged_in.user["id"]
    r = logged_in.run("tokens")
    assert "deploy bot" in r.stdout and secret not in r.stdout

    r = logged_in.run("tokens-add", "json bot", "--json")
    assert r.returncode == 0
    t = json.loads(r.stdout)["token"]
    assert t["name"] == "json bot" and t["token"].startswith("tk-us-")


def test_tokens_add_reports_validation_errors(server, logged_in):
    r = logged_in.run("tokens-add", "")
    assert r.returncode == 1
    assert "name can't be blank" in r.stderr
    r = logged_in.run("tokens-add", "x" * 65)
    assert r.returncode == 1
    assert "name is too long" in r.stderr


def test_tokens_renew_replaces_the_secret(server, logged_in):
    old = new_token(server, logged_in.user["username"], name="to renew")
    r = logged_in.run("tokens-renew", old["id"])
    assert r.returncode == 0, r.stderr
    assert "won't be shown again" in r.stdout
    new = secret_of(r.stdout)
    assert new != old["token"]
    assert api(server, old["token"]).get("/v1/users/self").status_code == 401
    assert api(server, new).get("/v1/users/self").status_code == 200


def test_tokens_renew_of_the_cli_token_keeps_the_cli_logged_in(server, logged_in):
    before = logged_in.auth()
    r = logged_in.run("tokens-renew", before["token_id"])
    assert r.returncode == 0, r.stderr
    after = logged_in.auth()
    assert after["token"] == secret_of(r.stdout) != before["token"]
    assert stat.S_IMODE(os.stat(logged_in.auth_file).st_mode) == 0o600
    assert logged_in.run("self").returncode == 0


def test_tokens_renew_unknown_token(server, logged_in):
    r = logged_in.run("tokens-renew", "tk-00000000-0000-0000-0000-000000000000")
    assert r.returncode == 1
    assert "token not found" in r.stderr


def test_tokens_remove_revokes(server, logged_in):
    t = new_token(server, logged_in.user["username"], name="to remove")
    r = logged_in.run("tokens-remove", t["id"])
    assert r.returncode == 0, r.stderr
    assert "revoked" in r.stdout
    assert api(server, t["token"]).get("/v1/users/self").status_code == 401
    assert t["id"] not in logged_in.run("tokens").stdout
    r = logged_in.run("tokens-remove", t["id"])
    assert r.returncode == 1
    assert "token not found" in r.stderr


def test_tokens_remove_of_the_cli_token_logs_out(server, logged_in):
    r = logged_in.run("tokens-remove", logged_in.auth()["token_id"])
    assert r.returncode == 0, r.stderr
    assert "logged out" in r.stdout
    assert not logged_in.auth_file.exists()


def test_revoked_stored_token_asks_to_log_in_again(server, logged_in):
    auth = logged_in.auth()
    assert api(server, auth["token"]).delete("/v1/tokens/" + auth["token_id"]).status_code == 204
    r = logged_in.run("self")
    assert r.returncode == 1
    assert "invalid credentials" in r.stderr
    assert "run `paasport login`" in r.stderr


# ---- timeline ----

def test_user_timeline_shows_readable_events(server, logged_in):
    assert logged_in.run("tokens-add", "timeline token").returncode == 0
    r = logged_in.run("user-timeline")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+new_token\s+"
                    r"Created API token 'timeline token'$", lines[0])
    assert any(re.search(r"login_success\s+Logged in from 127\.0\.0\.1$", l) for l in lines)
    assert any(f"Created API token '{CLI_TOKEN_NAME}'" in l for l in lines)
    assert any(re.search(r"new_user\s+Signed up$", l) for l in lines)

    r = logged_in.run("user-timeline", "--json")
    body = json.loads(r.stdout)
    assert body["events"][0]["type"] == "new_token"
    assert body["events"][0]["type_data"]["token_name"] == "timeline token"
    total = body["meta"]["pagination"]["total_count"]

    r = logged_in.run("user-timeline", "--per-page", "1", "--page", "2")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert f"Created API token '{CLI_TOKEN_NAME}'" in lines[0]
    assert lines[1] == f"-- page 2 of {total}; next: paasport user-timeline --page 3"
    r = logged_in.run("user-timeline", "--per-page=1", f"--page={total + 1}")
    assert r.returncode == 0 and "No events" in r.stdout


@pytest.mark.parametrize("args", [["--page", "0"], ["--page", "x"], ["--per-page", "101"],
                                  ["--page"]])
def test_user_timeline_bad_paging_is_a_usage_error(logged_in, args):
    r = logged_in.run("user-timeline", *args)
    assert r.returncode == 2
    assert r.stderr.strip()


# ---- logout ----

def test_logout_deletes_the_file_and_revokes_the_token(server, logged_in):
    token = logged_in.auth()["token"]
    r = logged_in.run("logout")
    assert r.returncode == 0, r.stderr
    assert "Credentials deleted" in r.stdout
    assert not logged_in.auth_file.exists()
    assert api(server, token).get("/v1/users/self").status_code == 401
    r = logged_in.run("logout")
    assert r.returncode == 0
    assert "already logged out" in r.stdout


def test_logout_keeps_a_token_the_user_brought(server, cli):
    u = signup(server)
    t = new_token(server, u["username"])
    assert cli.run("login", "--api-token", t["token"]).returncode == 0
    r = cli.run("logout")
    assert r.returncode == 0 and "Credentials deleted" in r.stdout
    assert not cli.auth_file.exists()
    assert api(server, t["token"]).get("/v1/users/self").status_code == 200


@pytest.mark.parametrize("args", [["self"], ["tokens"], ["tokens", "--json"],
                                  ["tokens-add", "x"], ["tokens-renew", "tk-x"],
                                  ["tokens-remove", "tk-x"], ["user-timeline"]])
def test_commands_need_a_login(cli, args):
    r = cli.run(*args)
    assert r.returncode == 1
    assert NOT_LOGGED_IN in r.stderr
    assert r.stdout == ""


def test_stored_token_is_not_sent_to_another_api_url(server, logged_in):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(8)
        other.setblocking(False)
        url = "http://127.0.0.1:%d" % other.getsockname()[1]
        r = logged_in.run("--api-url", url, "self")
        assert r.returncode == 1
        assert NOT_LOGGED_IN in r.stderr
        with pytest.raises(BlockingIOError):
            other.accept()  # nothing connected: the token did not leave


# ---- command line ----

def test_api_url_option_beats_the_environment(server, cli):
    u = signup(server)
    t = new_token(server, u["username"])
    r = cli.run("login", "--api-token", t["token"], "--api-url", server.url,
                PAASPORT_API_URL="http://127.0.0.1:1")
    assert r.returncode == 0, r.stderr
    assert cli.auth()["api_url"] == server.url


def test_unreachable_server(cli):
    r = cli.run("login", "--api-token", "tk-us-x", PAASPORT_API_URL="http://127.0.0.1:1")
    assert r.returncode == 1
    assert "cannot reach http://127.0.0.1:1" in r.stderr
    assert not cli.auth_file.exists()


def test_help(cli):
    r = cli.run("--help")
    assert r.returncode == 0
    for cmd in ("login", "logout", "self", "tokens", "tokens-add", "tokens-renew",
                "tokens-remove", "user-timeline"):
        assert re.search(rf"^  {cmd}\b", r.stdout, re.M), cmd
    assert "Exit status" in r.stdout and "PAASPORT_API_URL" in r.stdout
    r = cli.run("help", "tokens-add")
    assert r.returncode == 0 and "Usage: paasport tokens-add NAME" in r.stdout
    r = cli.run("user-timeline", "--help")
    assert r.returncode == 0 and "--per-page N" in r.stdout
    assert cli.run("help", "nope").returncode == 2


@pytest.mark.parametrize("args,message", [
    ([], "Usage: paasport"),
    (["frobnicate"], "unknown command 'frobnicate'"),
    (["tokens", "--frob"], "unknown option --frob"),
    (["-x"], "unknown option -x"),
    (["tokens-add"], "usage: paasport tokens-add NAME"),
    (["tokens-remove", "a", "b"], "usage: paasport tokens-remove ID"),
    (["self", "extra"], "usage: paasport self"),
    (["logout", "--json"], "has no --json output"),
    (["self", "--json=yes"], "takes no value"),
    (["--api-url"], "needs a value"),
    (["login", "--api-token", ""], "--api-token needs a token"),
])
def test_usage_errors(cli, args, message):
    r = cli.run(*args)
    assert r.returncode == 2, r
    assert message in r.stderr
    assert r.stdout == ""
