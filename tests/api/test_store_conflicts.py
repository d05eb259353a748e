"""Unique constraints decide, and the answer names the field that conflicted
(the store maps a constraint violation to username or email; a database error
is never read as "not taken")."""
from concurrent.futures import ThreadPoolExecutor

import requests

from conftest import PASSWORD, signup, unique


def post_user(server, username, email):
    return requests.post(server.url + "/v1/users", json={"user": {
        "email": email, "username": username, "password": PASSWORD}}, timeout=30)


def test_signup_same_email_other_username_says_email(server):
    first = signup(server)
    before = server.sql("SELECT COUNT(*) FROM users")[0][0]
    r = post_user(server, unique(), first["email"])
    assert r.status_code == 422, r.text
    assert r.json() == {"errors": {"email": ["is already taken"]}}
    # any case of the address is the same address
    r = post_user(server, unique(), first["email"].upper())
    assert r.status_code == 422, r.text
    assert r.json() == {"errors": {"email": ["is already taken"]}}
    assert server.sql("SELECT COUNT(*) FROM users")[0][0] == before


def test_signup_same_username_other_email_says_username(server):
    first = signup(server)
    r = post_user(server, first["username"], unique() + "@example.com")
    assert r.status_code == 422, r.text
    assert r.json() == {"errors": {"username": ["is already taken"]}}


def test_concurrent_signups_one_email_one_account(server):
    email = unique() + "@example.com"
    names = [unique() for _ in range(6)]
    with ThreadPoolExecutor(6) as ex:
        replies = list(ex.map(lambda n: post_user(server, n, email), names))
    codes = sorted(r.status_code for r in replies)
    assert codes == [201] + [422] * 5, [r.text for r in replies]
    for r in replies:
        if r.status_code == 422:
            assert r.json() == {"errors": {"email": ["is already taken"]}}
    assert server.sql("SELECT COUNT(*) FROM users WHERE email_lc = ?", email)[0][0] == 1


def test_profile_username_taken_names_username(server):
    a, b = signup(server), signup(server)
    tok = requests.post(server.url + "/v1/tokens", auth=(a["username"], PASSWORD),
                        json={"token": {"name": "t"}}, timeout=30).json()["token"]["token"]
    h = {"Authorization": "Bearer " + tok}
    r = requests.put(server.url + "/v1/users/account", headers=h, timeout=30,
                     json={"user": {"username": b["username"]}})
    assert r.status_code == 422, r.text
    assert r.json() == {"errors": {"username": ["is already taken"]}}
    r = requests.put(server.url + "/v1/users/account", headers=h, timeout=30,
                     json={"user": {"email": b["email"], "current_password": PASSWORD}})
    assert r.status_code == 422, r.text
    assert r.json() == {"errors": {"email": ["is already taken"]}}
