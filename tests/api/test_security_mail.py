"""Security issue items 13 and 14 (docs/security.md "Secrets at rest", "Mail transport").

13: a mail's body (its live one-time link) leaves the outbox once the mail is sent or
written to the log; a mail still waiting keeps it. The database file, which also holds
the JWT key, and its -wal/-shm files are 0600; an existing 0644 one is tightened at start.
14: smtp:// requires STARTTLS: a server that does not offer it receives nothing (the mail
stays queued with an error naming TLS); smtp+insecure:// is plain SMTP, said explicitly."""
import os
import stat
import time

import requests

from conftest import Server, signup, sqlite_only
from test_smtp import free_port, smtp  # noqa: F401 (the aiosmtpd fixture, no TLS)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def wait_row(s, email, cond, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        rows = s.sql("SELECT to_addr, subject, body, created_at, sent_at, attempts, last_error "
                     "FROM mail_outbox WHERE to_addr = ?", email)
        if rows and cond(rows[0]):
            return rows[0]
        time.sleep(0.05)
    raise AssertionError(f"outbox row for {email}: {rows!r}")


def reset(s, email):
    r = requests.post(s.url + "/v1/users/password/reset", json={"email": email}, timeout=30)
    assert r.status_code in (200, 202, 204), r.text


def test_sent_mail_loses_its_body_but_not_who_what_when(smtp):  # noqa: F811
    s = Server(env={"PAASPORT_SMTP_URL": f"smtp+insecure://127.0.0.1:{smtp.port}"})
    try:
        u = signup(s)
        reset(s, u["email"])
        msg = smtp.wait_for(u["email"], "Reset your paasport password")
        assert "/#/reset-password/" in msg.get_content()  # delivered whole
        to, subject, body, created, sent, _, err = wait_row(s, u["email"], lambda r: r[4])
        assert to == u["email"] and subject == "Reset your paasport password"
        assert created and sent >= created and err is None
        assert not body
    finally:
        s.close()


def test_logged_mail_loses_its_body():
    s = Server()  # no SMTP server: mails go to the log
    try:
        u = signup(s)
        reset(s, u["email"])
        logged = s.wait_mail(u["email"], "Reset")
        assert "/#/reset-password/" in logged["body"]  # the log is where it is delivered
        to, subject, body, created, _, _, err = wait_row(s, u["email"], lambda r: r[6])
        assert to == u["email"] and subject == "Reset your paasport password" and created
        assert err.startswith("logged")
        assert not body
        assert "reset-password" not in repr(s.sql("SELECT * FROM mail_outbox"))
    finally:
        s.close()


def test_queued_mail_keeps_its_body_until_sent(tmp_path, smtp):  # noqa: F811
    db = str(tmp_path / "db")
    dead = free_port()  # nothing listens there
    s = Server(db=db, env={"PAASPORT_SMTP_URL": f"smtp+insecure://127.0.0.1:{dead}",
                           "PAASPORT_MAIL_RETRY_BASE": "1"})
    u = signup(s)
    reset(s, u["email"])
    row = wait_row(s, u["email"], lambda r: r[5] >= 1)
    assert row[4] is None and "/#/reset-password/" in row[2]  # failed, waiting, body kept
    s.stop()
    s2 = Server(db=db, env={"PAASPORT_SMTP_URL": f"smtp+insecure://127.0.0.1:{smtp.port}",
                            "PAASPORT_MAIL_RETRY_BASE": "1"})
    try:
        s2.advance(hours=6)
        smtp.wait_for(u["email"], "Reset your paasport password")
        row = wait_row(s2, u["email"], lambda r: r[4])
        assert not row[2]
    finally:
        s2.close()


def test_smtp_without_starttls_delivers_nothing(smtp):  # noqa: F811
    s = Server(env={"PAASPORT_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
                    "PAASPORT_MAIL_RETRY_BASE": "1"})
    try:
        u = signup(s)
        reset(s, u["email"])
        row = wait_row(s, u["email"], lambda r: r[5] >= 1)
        assert row[4] is None  # still queued
        assert "TLS" in row[6], row[6]
        assert "/#/reset-password/" in row[2]  # kept for a later delivery
        time.sleep(0.5)
        assert smtp.messages == []
    finally:
        s.close()


@sqlite_only
def test_database_files_are_0600_on_a_fresh_start():
    s = Server()
    try:
        signup(s)  # a write: -wal and -shm exist
        for sfx in ("", "-wal", "-shm"):
            assert os.path.exists(s.db + sfx), sfx
            assert mode(s.db + sfx) == 0o600, (sfx, oct(mode(s.db + sfx)))
    finally:
        s.close()


@sqlite_only
def test_an_existing_0644_database_is_tightened_at_start(tmp_path):
    db = str(tmp_path / "db")
    s = Server(db=db)
    signup(s)
    s.stop()
    for sfx in ("", "-wal", "-shm"):
        if os.path.exists(db + sfx):
            os.chmod(db + sfx, 0o644)
    s2 = Server(db=db)
    try:
        signup(s2)
        for sfx in ("", "-wal", "-shm"):
            assert mode(db + sfx) == 0o600, (sfx, oct(mode(db + sfx)))
        assert any("restricted" in str(l.get("msg", "")) and db in str(l.get("msg", ""))
                   for l in s2.log_lines()), s2.read_log()[-2000:]
    finally:
        s2.close()
        s.close()
