"""Mail over a real SMTP conversation (aiosmtpd), and nothing lost across a restart."""
import email
import email.policy
import re
import socket
import threading
import time

import pytest
import requests
from aiosmtpd.controller import Controller

from conftest import PASSWORD, Client, Server, new_token, signup, unique


class Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, msg))
        return "250 OK"

    def wait_for(self, rcpt, subject_part, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                for tos, msg in self.messages:
                    if rcpt in tos and subject_part in msg["Subject"]:
                        return msg
            time.sleep(0.05)
        raise AssertionError(f"no mail to {rcpt} about {subject_part!r}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    port = free_port()
    ctl = Controller(inbox, hostname="127.0.0.1", port=port)
    ctl.start()
    inbox.port = port
    yield inbox
    ctl.stop()


def test_email_change_confirmed_by_mailed_link(smtp):
    s = Server(env={"PAASPORT_SMTP_URL": f"smtp+insecure://127.0.0.1:{smtp.port}",
                    "PAASPORT_PUBLIC_URL": "https://paasport.example.com"})
    try:
        u = signup(s)
        c = Client(s, new_token(s, u["username"])["token"])
        new = unique() + "@example.net"
        assert c.put("/v1/users/account",
                     {"user": {"email": new, "current_password": PASSWORD}}).status_code == 200
        msg = smtp.wait_for(new, "Confirm your new email")
        assert msg["From"].endswith("no-reply@paasport.localhost>")
        body = msg.get_content()
        link = re.search(r"https://paasport\.example\.com/#/confirm-email/(\S+)", body)
        assert link, body
        smtp.wait_for(u["email"], "is changing")
        assert c.get("/v1/users/self").json()["user"]["email"] == u["email"]
        r = requests.post(s.url + "/v1/users/email/confirm", json={"token": link.group(1)})
        assert r.status_code == 200
        assert c.get("/v1/users/self").json()["user"]["email"] == new
        assert s.sql("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")[0][0] == 0
    finally:
        s.close()


def test_mail_survives_restart_and_smtp_outage(tmp_path, smtp):
    db = str(tmp_path / "db")
    dead = free_port()  # nothing listens there yet
    s = Server(db=db, env={"PAASPORT_SMTP_URL": f"smtp+insecure://127.0.0.1:{dead}",
                           "PAASPORT_MAIL_RETRY_BASE": "1"})
    u = signup(s)
    requests.post(s.url + "/v1/users/password/reset", json={"email": u["email"]})
    deadline = time.time() + 10
    while time.time() < deadline:
        rows = s.sql("SELECT attempts, last_error FROM mail_outbox WHERE to_addr = ?", u["email"])
        if rows and rows[0][0] >= 1:
            break
        time.sleep(0.1)
    assert rows[0][0] >= 1 and rows[0][1]  # it tried, failed, kept the mail
    s.stop()
    # restart on the same database with a working SMTP server: the mail goes out
    s2 = Server(db=db, env={"PAASPORT_SMTP_URL": f"smtp+insecure://127.0.0.1:{smtp.port}",
                            "PAASPORT_MAIL_RETRY_BASE": "1"})
    try:
        s2.advance(hours=6)  # past the longest retry back-off: the kept mail is due
        msg = smtp.wait_for(u["email"], "Reset your paasport password")
        assert "/#/reset-password/" in msg.get_content()
        deadline = time.time() + 5
        while s2.sql("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")[0][0] and time.time() < deadline:
            time.sleep(0.05)
        assert s2.sql("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")[0][0] == 0
        assert len([1 for tos, m in smtp.messages if u["email"] in tos and "Reset" in m["Subject"]]) == 1
    finally:
        s2.close()


def test_no_smtp_mail_logged_then_sent_when_configured(tmp_path, smtp):
    db = str(tmp_path / "db")
    s = Server(db=db)
    u = signup(s)
    requests.post(s.url + "/v1/users/password/reset", json={"email": u["email"]})
    s.wait_mail(u["email"], "Reset")
    assert s.sql("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND subject = ?",
                 "Reset your paasport password")[0][0] == 1
    s.stop()
    s2 = Server(db=db, env={"PAASPORT_SMTP_URL": f"smtp+insecure://127.0.0.1:{smtp.port}"})
    try:
        smtp.wait_for(u["email"], "Reset your paasport password")
    finally:
        s2.close()
