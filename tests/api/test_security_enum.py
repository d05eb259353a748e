"""Email enumeration (security issue, item 12): a password reset request answers the
same bytes for a known and an unknown address, and /metrics (whose mail queue length
moved by one for a known address) is served only with PAASPORT_METRICS_TOKEN."""
import time

import pytest
import requests

from conftest import METRICS_AUTH, METRICS_TOKEN, Server, signup, unique

RESET = "/v1/users/password/reset"
VOLATILE = {"x-request-id", "date"}


def comparable(r):
    headers = sorted((k.lower(), v) for k, v in r.headers.items()
                     if k.lower() not in VOLATILE)
    return r.status_code, headers, r.content


def public_view(server):
    """What anyone without the metrics token can read of the server's state."""
    return [comparable(requests.get(server.url + p, timeout=10))
            for p in ("/metrics", "/healthz")]


@pytest.fixture(scope="module")
def srv():
    s = Server()
    yield s
    s.close()


def test_metrics_need_the_bearer_token(srv):
    r = requests.get(srv.url + "/metrics", timeout=10)
    assert r.status_code == 401, r.text
    assert set(r.json()) >= {"error"}
    assert "paasport_" not in r.text
    for bad in ("Bearer nope", "Bearer " + METRICS_TOKEN[:-1], "Bearer " + METRICS_TOKEN + "x",
                "Basic " + METRICS_TOKEN, METRICS_TOKEN, "Bearer"):
        r = requests.get(srv.url + "/metrics", headers={"Authorization": bad}, timeout=10)
        assert r.status_code == 401, (bad, r.text)
        assert "paasport_" not in r.text
    r = requests.get(srv.url + "/metrics", headers=METRICS_AUTH, timeout=10)
    assert r.status_code == 200, r.text
    assert "paasport_mail_queue_length" in r.text
    # the scheme is case-insensitive (RFC 9110 11.1)
    r = requests.get(srv.url + "/metrics",
                     headers={"Authorization": "bearer " + METRICS_TOKEN}, timeout=10)
    assert r.status_code == 200


def test_without_a_token_metrics_is_an_unknown_route():
    s = Server(env={"PAASPORT_METRICS_TOKEN": ""})
    try:
        r = requests.get(s.url + "/metrics", headers=METRICS_AUTH, timeout=10)
        assert r.status_code == 404, r.text
        assert "paasport_" not in r.text
        unknown = requests.get(s.url + "/metricz", timeout=10)
        assert (r.status_code, r.content) == (unknown.status_code, unknown.content)
    finally:
        s.close()


def test_a_short_metrics_token_is_refused_at_start():
    with pytest.raises(RuntimeError):
        Server(env={"PAASPORT_METRICS_TOKEN": "short"})


def test_reset_request_answers_the_same_for_known_and_unknown(srv):
    u = signup(srv)
    unknown = unique("nobody") + "@example.com"
    # warm up (the first request of a connection may differ from the next ones)
    requests.post(srv.url + RESET, json={"email": unknown}, timeout=10)
    before = public_view(srv)
    known_r = requests.post(srv.url + RESET, json={"email": u["email"]}, timeout=10)
    time.sleep(0.3)  # the mailer thread has sent (logged) the mail
    after_known = public_view(srv)
    unknown_r = requests.post(srv.url + RESET, json={"email": unknown}, timeout=10)
    time.sleep(0.3)
    after_unknown = public_view(srv)
    assert known_r.status_code == 202, known_r.text
    assert comparable(known_r) == comparable(unknown_r)
    # nothing public moved with the known address (the metrics need the token)
    assert before == after_known == after_unknown
    # a username is not an address: the same answer again
    by_name = requests.post(srv.url + RESET, json={"email": u["username"]}, timeout=10)
    assert comparable(by_name) == comparable(unknown_r)
    # and the known address still gets its link
    mail = srv.wait_mail(u["email"], "password")
    assert "/#/reset-password/" in mail["body"]
    assert not [m for m in srv.mails() if m["to"] in (unknown, u["username"])]


def test_unknown_address_queues_no_mail(srv):
    """The metrics (with the token) still count the queue; an unknown address adds
    nothing to the outbox."""
    unknown = unique("nobody") + "@example.com"
    n = srv.sql("SELECT COUNT(*) FROM mail_outbox")[0][0]
    r = requests.post(srv.url + RESET, json={"email": unknown}, timeout=10)
    assert r.status_code == 202
    assert srv.sql("SELECT COUNT(*) FROM mail_outbox")[0][0] == n
    assert not srv.sql("SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ?", unknown)[0][0]
