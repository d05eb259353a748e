"""Two-factor authentication (TOTP, RFC 6238) in the shape of the Scalingo clients
(/v1/client/tfa): enrolment, the first code, every password login needing a code
(the dashboard's POST /v1/session with "otp", POST /v1/tokens with Basic auth and
X-Authorization-OTP), recovery codes (single use), new recovery codes, turning it off,
the lock-out with wrong codes, the password reset and the email change needing a code.

The codes are computed here from the secret the server shows (RFC 6238 with hmac,
hashlib and struct), at the server's clock (the test clock: server.advance())."""
import base64
import concurrent.futures
import hashlib
import hmac
import re
import struct
import time
import urllib.parse

import requests

from conftest import PASSWORD, Client, browser_client, signup, unique, user_client
from test_apps import create_app, invite, invitation_token

OTP_REQUIRED = {"error": "OTP Required"}


def totp(secret_b32, t_s, digits=6, period=30):
    """RFC 6238 (HMAC-SHA-1) at time t_s (seconds)."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(t_s) // period), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    n = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(n % 10 ** digits).zfill(digits)


def test_totp_helper_matches_rfc6238():
    # RFC 6238 appendix B, SHA-1, 8 digits: the helper the tests trust is right
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp(secret, 59, digits=8) == "94287082"
    assert totp(secret, 1111111109, digits=8) == "07081804"
    assert totp(secret, 2000000000, digits=8) == "69279037"


def fresh_code(server, secret, step_ahead=True):
    """A code for a step no earlier code of this test used: moves the server's clock
    one step (30 s) forward, then computes the code at its time."""
    now = server.advance(seconds=31 if step_ahead else 0.001)
    return totp(secret, now / 1000)


def enable(server, c):
    """Turns 2FA on for client c; returns (secret, recovery codes)."""
    r = c.post("/v1/client/tfa", {"tfa": {"provider": "totp"}})
    assert r.status_code == 201, r.text
    secret = r.json()["tfa"]["secret"]
    r = c.post("/v1/client/tfa/validate", {"tfa": {"attempt": fresh_code(server, secret)}})
    assert r.status_code == 200, r.text
    return secret, r.json()["tfa"]["codes"]


def session_login(server, login, password=PASSWORD, otp=None):
    body = {"login": login, "password": password}
    if otp is not None:
        body["otp"] = otp
    return requests.post(server.url + "/v1/session", json=body, timeout=30)


def basic_token(server, login, password=PASSWORD, otp=None):
    h = {"X-Authorization-OTP": otp} if otp is not None else {}
    return requests.post(server.url + "/v1/tokens", auth=(login, password), headers=h,
                         json={"token": {"name": "tfa test"}}, timeout=30)


def event_types(c):
    return [e["type"] for e in c.get("/v1/events?per_page=100").json()["events"]]


def test_status_is_off_at_first(server, alice):
    r = alice.get("/v1/client/tfa")
    assert r.status_code == 200, r.text
    t = r.json()["tfa"]
    assert t["enabled"] is False and t["provider"] == "totp" and t["uuid"] == alice.user["id"]
    assert alice.get("/v1/users/self").json()["user"]["tfa_enabled"] is False
    assert requests.get(server.url + "/v1/client/tfa", timeout=30).status_code == 401


def test_enrolment_shows_uri_qr_and_secret_and_needs_a_first_code(server, alice):
    r = alice.post("/v1/client/tfa", {"tfa": {"provider": "sms"}})
    assert r.status_code == 422 and "provider" in r.json()["errors"]
    r = alice.post("/v1/client/tfa", {"tfa": {"provider": "totp"}})
    assert r.status_code == 201, r.text
    t = r.json()["tfa"]
    assert t["enabled"] is False and t["provider"] == "totp"
    uri = urllib.parse.urlparse(t["uri"])
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    q = urllib.parse.parse_qs(uri.query)
    assert q["secret"] == [t["secret"]] and q["issuer"] == ["paasport"]
    assert re.fullmatch(r"[A-Z2-7]{32}", t["secret"])
    assert t["qr_svg"].startswith("<svg") and "<script" not in t["qr_svg"]
    # not on before a first code
    assert alice.get("/v1/client/tfa").json()["tfa"]["enabled"] is False
    assert basic_token(server, alice.user["username"]).status_code == 201
    # the first code: blank, malformed and wrong ones are 422 on attempt
    for body in ({"tfa": {}}, {"tfa": {"attempt": ""}}):
        r = alice.post("/v1/client/tfa/validate", body)
        assert r.status_code == 422 and r.json()["errors"]["attempt"] == ["can't be blank"]
    for bad in ([1], "12a456", 1234567, -1):
        r = alice.post("/v1/client/tfa/validate", {"tfa": {"attempt": bad}})
        assert r.status_code == 422 and r.json()["errors"]["attempt"] == ["is invalid"], (bad, r.text)
    good = fresh_code(server, t["secret"])
    wrong = str((int(good) + 1) % 1000000).zfill(6)
    r = alice.post("/v1/client/tfa/validate", {"tfa": {"attempt": wrong}})
    assert r.status_code == 422 and r.json()["errors"]["attempt"] == ["is invalid"]
    assert alice.get("/v1/client/tfa").json()["tfa"]["enabled"] is False
    # the right one, with spaces as apps show it
    r = alice.post("/v1/client/tfa/validate",
                   {"tfa": {"attempt": good[:3] + " " + good[3:]}})
    assert r.status_code == 200, r.text
    body = r.json()["tfa"]
    assert body["user"] == {"uuid": alice.user["id"], "enabled": True, "provider": "totp"}
    codes = body["codes"]
    assert len(codes) == 10 == len(set(codes))
    assert all(re.fullmatch(r"[0-9a-z]{4}-[0-9a-z]{4}", c) for c in codes)
    assert alice.get("/v1/client/tfa").json()["tfa"]["enabled"] is True
    assert alice.get("/v1/users/self").json()["user"]["tfa_enabled"] is True
    assert "tfa_enabled" in event_types(alice)
    assert server.wait_mail(alice.user["email"], "Two-factor authentication is on")
    # on: enrolling again is a conflict, validating again too
    assert alice.post("/v1/client/tfa", {"tfa": {"provider": "totp"}}).status_code == 409
    r = alice.post("/v1/client/tfa/validate", {"tfa": {"attempt": fresh_code(server, t["secret"])}})
    assert r.status_code == 409


def test_attempt_as_a_number_with_a_leading_zero(server, alice):
    """The npm client sends 012345 as the number 12345: it must still match."""
    r = alice.post("/v1/client/tfa", {"tfa": {"provider": "totp"}})
    secret = r.json()["tfa"]["secret"]
    for _ in range(400):  # about 1 step in 10 has a leading zero
        code = fresh_code(server, secret)
        if code.startswith("0"):
            break
    assert code.startswith("0")
    r = alice.post("/v1/client/tfa/validate", {"tfa": {"attempt": int(code)}})
    assert r.status_code == 200, r.text
    assert r.json()["tfa"]["user"]["enabled"] is True


def test_logins_need_a_code_only_after_the_right_password(server):
    u = user_client(server)
    plain = user_client(server)  # an account without 2FA, to compare answers
    secret, _ = enable(server, u)
    name = u.user["username"]

    # the dashboard: no code -> exactly OTP Required
    r = session_login(server, name)
    assert r.status_code == 401 and r.json() == OTP_REQUIRED
    assert "Set-Cookie" not in r.headers
    # a wrong password says what it says without 2FA, whatever the code
    ref = session_login(server, plain.user["username"], "wrong " + PASSWORD)
    assert ref.status_code == 401
    for otp in (None, "123456", fresh_code(server, secret, step_ahead=False)):
        r = session_login(server, name, "wrong " + PASSWORD, otp)
        assert (r.status_code, r.json()) == (ref.status_code, ref.json()), otp
    # the right code logs in; replaying it is refused
    code = fresh_code(server, secret)
    r = session_login(server, name, otp=code)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["username"] == name
    assert r.json()["user"]["tfa_enabled"] is True
    r = session_login(server, name, otp=code)
    assert r.status_code == 401 and r.json() == OTP_REQUIRED

    # Basic auth on POST /v1/tokens: the header
    r = basic_token(server, name)
    assert r.status_code == 401 and r.json() == OTP_REQUIRED
    ref = basic_token(server, plain.user["username"], "wrong " + PASSWORD)
    r = basic_token(server, name, "wrong " + PASSWORD, "000000")
    assert (r.status_code, r.json()) == (ref.status_code, ref.json())
    code = fresh_code(server, secret)
    r = basic_token(server, name, otp=code)
    assert r.status_code == 201, r.text
    assert r.json()["token"]["token"].startswith("tk-us-")
    # the token works without a code: 2FA guards the password, not the token
    assert Client(server, r.json()["token"]["token"]).get("/v1/users/self").status_code == 200
    # the same code again (replay) is refused
    r = basic_token(server, name, otp=code)
    assert r.status_code == 401 and r.json() == OTP_REQUIRED
    # a number-like header with spaces, as typed
    code = fresh_code(server, secret)
    r = basic_token(server, name, otp=code[:3] + " " + code[3:])
    assert r.status_code == 201, r.text
    # and the session login takes the code as a JSON number too
    code = fresh_code(server, secret)
    r = session_login(server, name, otp=int(code))
    assert r.status_code == 200, r.text


def test_recovery_codes_are_single_use(server):
    u = user_client(server)
    secret, codes = enable(server, u)
    name = u.user["username"]
    r = session_login(server, name, otp=codes[0].upper())  # case does not matter
    assert r.status_code == 200, r.text
    r = session_login(server, name, otp=codes[0])
    assert r.status_code == 401 and r.json() == OTP_REQUIRED
    r = basic_token(server, name, otp=codes[1])
    assert r.status_code == 201, r.text
    assert u.get("/v1/client/tfa").json()["tfa"]["recovery_codes_left"] == 8
    assert event_types(u).count("tfa_recovery_code_used") == 2
    # one mail per code used: the second says 8 are left (the sender logs it shortly)
    deadline = time.time() + 10
    while time.time() < deadline:
        bodies = [m["body"] for m in server.mails() if m["to"] == u.user["email"] and
                  "A recovery code was used" in m["subject"]]
        if len(bodies) >= 2:
            break
        time.sleep(0.05)
    assert len(bodies) == 2 and "8 unused codes are left" in bodies[-1], bodies
    # running out: the last one is said so
    for code in codes[2:]:
        assert session_login(server, name, otp=code).status_code == 200
    assert server.wait_mail(u.user["email"], "no recovery codes left")
    assert u.get("/v1/client/tfa").json()["tfa"]["recovery_codes_left"] == 0
    # the authenticator still works
    assert session_login(server, name, otp=fresh_code(server, secret)).status_code == 200


def test_regenerate_recovery_codes_needs_a_current_code(server):
    u = user_client(server)
    secret, codes = enable(server, u)
    r = u.post("/v1/client/tfa/recovery_codes", {"tfa": {}})
    assert r.status_code == 422 and r.json()["errors"]["attempt"] == ["can't be blank"]
    r = u.post("/v1/client/tfa/recovery_codes", {"tfa": {"attempt": "000000"
                                                          if fresh_code(server, secret) != "000000"
                                                          else "111111"}})
    assert r.status_code == 422 and r.json()["errors"]["attempt"] == ["is invalid"]
    # a recovery code cannot renew the recovery codes
    r = u.post("/v1/client/tfa/recovery_codes", {"tfa": {"attempt": codes[0]}})
    assert r.status_code == 422
    r = u.post("/v1/client/tfa/recovery_codes",
               {"tfa": {"attempt": fresh_code(server, secret)}})
    assert r.status_code == 200, r.text
    new = r.json()["tfa"]["codes"]
    assert len(new) == 10 and not set(new) & set(codes)
    name = u.user["username"]
    assert session_login(server, name, otp=codes[0]).json() == OTP_REQUIRED
    assert session_login(server, name, otp=new[0]).status_code == 200


def test_disable_with_a_code_or_a_recovery_code(server):
    u = user_client(server)
    secret, codes = enable(server, u)
    r = u.req("DELETE", "/v1/client/tfa", {"tfa": {}})
    assert r.status_code == 422 and r.json()["errors"]["attempt"] == ["can't be blank"]
    r = u.req("DELETE", "/v1/client/tfa", {"tfa": {"attempt": "not a code"}})
    assert r.status_code == 422 and r.json()["errors"]["attempt"] == ["is invalid"]
    assert u.get("/v1/client/tfa").json()["tfa"]["enabled"] is True
    r = u.req("DELETE", "/v1/client/tfa", {"tfa": {"attempt": codes[3]}})
    assert r.status_code == 200, r.text
    assert r.json()["tfa"] == {"uuid": u.user["id"], "enabled": False, "provider": "totp"}
    assert u.get("/v1/users/self").json()["user"]["tfa_enabled"] is False
    assert "tfa_disabled" in event_types(u)
    assert server.wait_mail(u.user["email"], "Two-factor authentication is off")
    # a password alone logs in again; a second disable finds nothing
    assert session_login(server, u.user["username"]).status_code == 200
    r = u.req("DELETE", "/v1/client/tfa", {"tfa": {"attempt": fresh_code(server, secret)}})
    assert r.status_code == 404
    # and it can be turned on again with a new secret
    secret2, _ = enable(server, u)
    assert secret2 != secret


def test_disable_from_the_dashboard_needs_the_password(server):
    u = user_client(server)
    secret, _ = enable(server, u)
    b = Client(server)
    r = b.post("/v1/session", {"login": u.user["username"], "password": PASSWORD,
                               "otp": fresh_code(server, secret)})
    assert r.status_code == 200, r.text
    b.csrf = r.json()["csrf_token"]
    code = fresh_code(server, secret)
    r = b.req("DELETE", "/v1/client/tfa", {"tfa": {"attempt": code}})
    assert r.status_code == 422 and r.json()["errors"]["password"] == ["can't be blank"]
    r = b.req("DELETE", "/v1/client/tfa", {"tfa": {"attempt": code, "password": "wrong"}})
    assert r.status_code == 422 and r.json()["errors"]["password"] == ["is invalid"]
    assert b.get("/v1/client/tfa").json()["tfa"]["enabled"] is True
    r = b.req("DELETE", "/v1/client/tfa", {"tfa": {"attempt": code, "password": PASSWORD}})
    assert r.status_code == 200, r.text
    assert b.get("/v1/client/tfa").json()["tfa"]["enabled"] is False


def test_wrong_codes_lock_the_account_like_wrong_passwords(server):
    u = user_client(server)
    secret, codes = enable(server, u)
    name = u.user["username"]
    good = fresh_code(server, secret)
    wrong = str((int(good) + 500000) % 1000000).zfill(6)
    for i in range(9):
        r = session_login(server, name, otp=wrong)
        assert r.status_code == 401 and r.json() == OTP_REQUIRED, i
    # the right password does not reset the count while the code is wrong
    r = basic_token(server, name, otp=wrong)
    assert r.status_code == 401
    # the 10th failure locked it: now even the right code is refused
    r = session_login(server, name, otp=good)
    assert r.status_code == 429, r.text
    assert "Retry-After" in r.headers
    assert session_login(server, name, otp=codes[0]).status_code == 429
    # the code routes are behind the same lock
    r = u.post("/v1/client/tfa/recovery_codes", {"tfa": {"attempt": good}})
    assert r.status_code == 429
    types = event_types(u)
    assert types.count("login_failure") >= 10 and "login_lock" in types
    server.wait_mail(u.user["email"], "locked")
    # the lock ends with its time; then the right code works
    server.advance(minutes=16)
    assert session_login(server, name, otp=fresh_code(server, secret)).status_code == 200


def test_wrong_codes_on_the_code_routes_count_too(server):
    u = user_client(server)
    r = u.post("/v1/client/tfa", {"tfa": {"provider": "totp"}})
    secret = r.json()["tfa"]["secret"]
    good = fresh_code(server, secret)
    wrong = str((int(good) + 500000) % 1000000).zfill(6)
    for i in range(10):
        r = u.post("/v1/client/tfa/validate", {"tfa": {"attempt": wrong}})
        assert r.status_code == 422, (i, r.text)
    r = u.post("/v1/client/tfa/validate", {"tfa": {"attempt": good}})
    assert r.status_code == 429, r.text
    assert u.get("/v1/client/tfa").json()["tfa"]["enabled"] is False


def reset_token(server, email):
    r = requests.post(server.url + "/v1/users/password/reset", json={"email": email},
                      timeout=30)
    assert r.status_code == 202
    body = server.wait_mail(email, "Reset")["body"]
    return body.split("/#/reset-password/")[1].split()[0]


def test_password_reset_does_not_bypass_2fa(server):
    u = user_client(server)
    secret, codes = enable(server, u)
    token = reset_token(server, u.user["email"])
    url = server.url + "/v1/users/password/reset"
    new = "another long passphrase"
    r = requests.put(url, json={"token": token, "password": new}, timeout=30)
    assert r.status_code == 401 and r.json() == OTP_REQUIRED
    r = requests.put(url, json={"token": token, "password": new, "otp": "000001"
                                if fresh_code(server, secret) != "000001" else "000002"},
                     timeout=30)
    assert r.status_code == 401 and r.json() == OTP_REQUIRED
    # nothing changed: the old password (with a code) still logs in
    assert session_login(server, u.user["username"],
                         otp=fresh_code(server, secret)).status_code == 200
    # with the code the link works (it was not used up by the refusals)
    r = requests.put(url, json={"token": token, "password": new,
                                "otp": fresh_code(server, secret)}, timeout=30)
    assert r.status_code == 200, r.text
    r = session_login(server, u.user["username"], new)
    assert r.status_code == 401 and r.json() == OTP_REQUIRED  # still 2FA
    assert session_login(server, u.user["username"], new, codes[0]).status_code == 200
    # an account without 2FA resets as before
    plain = signup(server)
    token = reset_token(server, plain["email"])
    r = requests.put(url, json={"token": token, "password": new}, timeout=30)
    assert r.status_code == 200, r.text


def test_email_change_needs_a_code(server):
    u = user_client(server)
    secret, _ = enable(server, u)
    new = unique("mail") + "@example.com"
    body = {"user": {"email": new, "current_password": PASSWORD}}
    r = u.put("/v1/users/account", body)
    assert r.status_code == 422 and r.json()["errors"]["otp"] == [
        "is required to change the email"]
    body["user"]["otp"] = "12345x"
    r = u.put("/v1/users/account", body)
    assert r.status_code == 422 and r.json()["errors"]["otp"] == ["is invalid"]
    assert u.get("/v1/users/self").json()["user"]["unconfirmed_email"] is None
    body["user"]["otp"] = fresh_code(server, secret)
    r = u.put("/v1/users/account", body)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["unconfirmed_email"] == new
    # other fields need no code
    r = u.put("/v1/users/account", {"user": {"fullname": "Two Factor"}})
    assert r.status_code == 200, r.text


def test_collaborators_show_tfa_status(server):
    owner, member = user_client(server), user_client(server)
    app = create_app(owner)
    k = invite(owner, app, member.user["email"])
    pending = [c for c in owner.get(f"/v1/apps/{app['name']}/collaborators")
               .json()["collaborators"] if c["id"] == k["id"]][0]
    assert pending["tfa_status"] is None
    tok = invitation_token(server, member.user["email"])
    assert member.get("/v1/apps/collaboration?token=" + tok).status_code == 200
    enable(server, member)
    lst = owner.get(f"/v1/apps/{app['name']}/collaborators").json()["collaborators"]
    by_user = {c["user_id"]: c for c in lst}
    assert by_user[member.user["id"]]["tfa_status"] is True
    assert by_user[owner.user["id"]]["tfa_status"] is False


def test_one_code_racing_on_many_connections_is_accepted_once(server):
    """The last used step is written in the transaction that accepts the code, the row
    locked: of simultaneous logins with the same code exactly one gets in."""
    u = user_client(server)
    secret, _ = enable(server, u)
    code = fresh_code(server, secret)
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: basic_token(server, u.user["username"], otp=code),
                                range(6)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201] + [401] * 5, [r.text for r in answers]
    assert all(r.json() == OTP_REQUIRED for r in answers if r.status_code == 401)
