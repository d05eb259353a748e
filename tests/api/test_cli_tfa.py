"""The CLI and two-factor authentication: `paasport 2fa`, `2fa-enable` (URI and key
shown, a first code read, recovery codes printed), `login` asking `OTP:` when the
server answers OTP Required (on a terminal and from a pipe), `2fa-disable`. Codes
are computed here (RFC 6238) at the server's clock."""
import os
import pty
import re
import select
import time
import urllib.parse

from conftest import PASSWORD, signup
from test_cli import CLI, cli  # noqa: F401 (the fixture)
from test_tfa import fresh_code, totp

RECOVERY_RE = re.compile(r"^\s+([0-9a-z]{4}-[0-9a-z]{4})$", re.M)


def enable_with_cli(server, cli, code_for):
    """Runs 2fa-enable, giving it the code code_for(secret); returns (secret, codes, run)."""
    # the URI comes first: run once to read it, answering with a code computed from it
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(CLI, [CLI, "2fa-enable"], cli.env())
    out = b""
    end = time.time() + 20
    while b"Code from the app: " not in out and time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            out += os.read(fd, 4096)
    m = re.search(rb"otpauth://\S+", out)
    assert m, out
    uri = urllib.parse.urlparse(m.group(0).decode())
    secret = urllib.parse.parse_qs(uri.query)["secret"][0]
    assert secret.encode() in out.split(b"by hand:")[1]  # the key, for typing by hand
    os.write(fd, code_for(secret).encode() + b"\n")
    end = time.time() + 20
    while b"won't be shown again" not in out and time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    text = out.decode().replace("\r\n", "\n")
    return secret, RECOVERY_RE.findall(text), (os.WEXITSTATUS(status), text)


def test_cli_2fa_cycle(server, cli):
    u = signup(server)
    cli.login(u["username"])
    r = cli.run("2fa")
    assert r.returncode == 0 and "off" in r.stdout

    secret, codes, (status, text) = enable_with_cli(
        server, cli, lambda s: fresh_code(server, s))
    assert status == 0, text
    assert "Two-factor authentication is on" in text
    assert len(codes) == 10 == len(set(codes))
    r = cli.run("2fa")
    assert r.returncode == 0 and "on (10 recovery codes left)" in r.stdout

    # login from a pipe: the third line is the code the OTP prompt reads
    r = cli.run("login", input=f"{u['username']}\n{PASSWORD}\n{fresh_code(server, secret)}\n")
    assert r.returncode == 0, r.stderr
    assert f"Hello {u['username']}, nice to see you!" in r.stdout
    # a recovery code works there too
    r = cli.run("login", input=f"{u['username']}\n{PASSWORD}\n{codes[0]}\n")
    assert r.returncode == 0, r.stderr
    # without a code: refused, nothing stored changed
    before = cli.auth()["token"]
    r = cli.run("login", input=f"{u['username']}\n{PASSWORD}\n")
    assert r.returncode != 0
    assert "no two-factor authentication code given" in r.stderr
    assert cli.auth()["token"] == before
    # three wrong codes: refused
    r = cli.run("login", input=f"{u['username']}\n{PASSWORD}\nxxxxxx\nyyyyyy\nzzzzzz\n")
    assert r.returncode != 0 and "OTP Required" in r.stderr
    assert r.stderr.count("the code was not accepted") == 2

    # off, with a code
    r = cli.run("2fa-disable", input="000000\n" if totp(secret, server.advance(31000) / 1000)
                != "000000" else "111111\n")
    assert r.returncode != 0 and "attempt" in r.stderr
    r = cli.run("2fa-disable", input=fresh_code(server, secret) + "\n")
    assert r.returncode == 0, r.stderr
    assert "Two-factor authentication is off" in r.stdout
    r = cli.run("2fa", "--json")
    assert r.returncode == 0 and '"enabled":false' in r.stdout.replace(" ", "")
    cli.login(u["username"])  # a password alone again


def test_cli_login_on_a_terminal_asks_otp(server, cli):
    u = signup(server)
    cli.login(u["username"])
    secret, _, (status, text) = enable_with_cli(server, cli, lambda s: fresh_code(server, s))
    assert status == 0, text
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(CLI, [CLI, "login"], cli.env())
    out = b""

    def read_until(marker, timeout=15):
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
    read_until(b"OTP: ")
    assert b"OTP: " in out
    os.write(fd, fresh_code(server, secret).encode() + b"\n")
    read_until(b"nice to see you!")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, out
    assert PASSWORD.encode() not in out
