"""`paasportd store copy`: moving a SQLite store up to PostgreSQL. A store populated
through the API is copied into a fresh PostgreSQL database, and a server started on
that database answers as the SQLite one did (same accounts, credentials, apps, ids
and pages); a second copy onto the now non-empty target is refused and changes
nothing; a bad source or an unreachable target fails with a clear message.

The PostgreSQL cluster is a throw-away one of this module (pgcluster.Cluster: scripts/
pg-dev.sh on a free loopback port); the module is skipped when the PostgreSQL server binaries are
not installed (scripts/deps.sh test installs them), and in the PostgreSQL pass of the
suite (PAASPORT_TEST_ENGINE=postgresql), whose servers are not on SQLite files: the
SQLite pass runs it."""
import glob
import os
import shutil
import sqlite3
import subprocess
import time
import uuid

import pytest
import requests

import pgcluster
from conftest import (BIN, PASSWORD, Client, Server, browser_client, confirm_signup, new_token,
                      signup, user_client)
from pgcluster import IS_PG
from test_apps import create_app, invite, join

PER_PAGE = 5
# both servers of a round trip publish the same URL (referral links, git URLs)
SAME_URL = {"PAASPORT_PUBLIC_URL": "http://paasport.test"}
PARKED = 4102444800000  # next_attempt_at of a mail only logged (src/mail/mailer.c)
# what a request itself refreshes (the observation would differ from itself)
VOLATILE = {"last_used_at", "last_seen_at"}


def pg_binaries():
    return glob.glob("/usr/lib/postgresql/*/bin/initdb")


@pytest.fixture(scope="module")
def cluster():
    if IS_PG:
        pytest.skip("copies from SQLite files: runs in the SQLite pass of the suite")
    if not pg_binaries():
        pytest.skip("PostgreSQL server binaries absent (scripts/deps.sh test installs them)")
    c = pgcluster.Cluster()
    c.start()
    yield c
    c.stop()


def store_copy(src, dst):
    return subprocess.run([os.path.join(BIN, "paasportd"), "store", "copy", "--from", src,
                           "--to", dst], capture_output=True, text=True, timeout=120)


def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in VOLATILE}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def timeline(c, path):
    """Every page of a timeline, walked with the anchor of its first page."""
    first = c.get(f"{path}?per_page={PER_PAGE}")
    assert first.status_code == 200, first.text
    body = first.json()
    pages, anchor = [body], body["meta"]["pagination"]["anchor"]
    page = 2
    while len(pages[-1]["events"]) == PER_PAGE:
        r = c.get(f"{path}?per_page={PER_PAGE}&page={page}&anchor={anchor}")
        assert r.status_code == 200, r.text
        pages.append(r.json())
        page += 1
    return pages


def observe(w):
    """What the users of the world see through the API."""
    a, b, jwt_b, sess, app = w["alice"], w["bob"], w["bob_jwt"], w["session"], w["app"]
    seen = {}
    for name, c in (("alice", a), ("bob", b), ("bob_jwt", jwt_b), ("session", sess),
                    ("referred", w["referred"])):
        r = c.get("/v1/users/self")
        assert r.status_code == 200, (name, r.text)
        seen["self_" + name] = r.json()
    for name, c in (("alice", a), ("bob", b)):
        seen["apps_" + name] = c.get("/v1/apps").json()
        seen["events_" + name] = timeline(c, "/v1/events")
        seen["tokens_" + name] = c.get("/v1/tokens").json()
    seen["app"] = a.get(f"/v1/apps/{app}").json()
    seen["containers"] = a.get(f"/v1/apps/{app}/containers").json()
    seen["app_events"] = timeline(a, f"/v1/apps/{app}/events")
    seen["collaborators"] = a.get(f"/v1/apps/{app}/collaborators").json()
    seen["sessions"] = sess.get("/v1/sessions").json()
    return strip(seen)


def populate(server):
    """Accounts (one referred by another), sessions, tokens, a JWT, an app with a
    formation and its history, collaborators (one pending), events and mails."""
    a, b = user_client(server), user_client(server)
    code = a.user["referral_url"].rsplit("/r/", 1)[1]
    name = "ref" + uuid.uuid4().hex[:8]
    r = requests.post(server.url + "/v1/users", json={"user": {
        "email": name + "@example.com", "username": name, "password": PASSWORD,
        "referral_code": code}}, timeout=30)
    assert r.status_code == 201, r.text
    confirm_signup(server, name + "@example.com")  # the owner follows the mailed link
    referred = Client(server, new_token(server, name)["token"])  # users.referred_by
    made = create_app(a)
    app = made["name"]
    for amount in (2, 3):
        r = a.post(f"/v1/apps/{app}/scale", {"containers": [{"name": "web", "amount": amount}]})
        assert r.status_code == 202, r.text
    for _ in range(12):
        assert a.post(f"/v1/apps/{app}/restart").status_code in (200, 202)
    join(server, a, made, b)
    pending = "pending-" + uuid.uuid4().hex[:8] + "@example.com"
    invite(a, made, pending)
    server.wait_mail(pending)
    r = requests.post(server.url + "/v1/tokens/exchange", auth=("", b.token), timeout=30)
    assert r.status_code in (200, 201), r.text
    jwt_b = Client(server, r.json()["token"])
    session = browser_client(server, a.user["username"])
    return {"alice": a, "bob": b, "bob_jwt": jwt_b, "session": session, "referred": referred,
            "app": app}


def sent_all(server, timeout=10):
    """Waits until the sender has handled every mail of the outbox (it runs after the
    commit; without SMTP a mail is logged and parked: kept unsent, never retried)."""
    deadline = time.time() + timeout
    while server.sql("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND "
                     "next_attempt_at < ?", PARKED) != [(0,)]:
        assert time.time() < deadline, "mails still unsent"
        time.sleep(0.05)


def move(world, server):
    for v in world.values():
        if isinstance(v, Client):
            v.server = server


def sqlite_counts(db):
    con = sqlite3.connect(db)
    try:
        names = [n for (n,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name <> 'schema_version'")]
        return {n: con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def pg_counts(uri, tables):
    return {t: pgcluster.sql(uri, f'SELECT COUNT(*) FROM "{t}"')[0][0] for t in tables}


def summary_counts(stdout):
    """The per-table lines of the copy's summary: {table: rows}."""
    out = {}
    for line in stdout.splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit() and parts[0] != "total":
            out[parts[0]] = int(parts[1])
    return out


def test_round_trip_then_refused_on_a_non_empty_target(cluster):
    src = Server(env=SAME_URL)
    world = populate(src)
    before = observe(world)
    sent_all(src)
    src.stop()
    counts = sqlite_counts(src.db)
    assert counts["users"] == 3 and counts["events"] > 20 and counts["server_secrets"] >= 1

    uri = cluster.createdb()
    r = store_copy(src.db, uri)
    assert r.returncode == 0, r.stderr
    assert summary_counts(r.stdout) == counts, r.stdout

    pg = Server(db=uri, env=SAME_URL)
    try:
        move(world, pg)
        after = observe(world)
        for key in before:
            assert after[key] == before[key], key
        # the JWT made on SQLite verifies on PostgreSQL: the server secret moved too
        assert world["bob_jwt"].get("/v1/users/self").json()["user"]["id"] == \
            world["bob"].user["id"]
        # new ids continue after the copied ones (identity sequences moved past them)
        top = before["app_events"][0]["events"][0]["id"]
        assert world["alice"].post(f"/v1/apps/{world['app']}/restart").status_code in (200, 202)
        new = world["alice"].get(f"/v1/apps/{world['app']}/events?per_page=1").json()["events"]
        assert new[0]["type"] == "restart" and int(new[0]["id"]) > int(top)
        # the mails were delivered (logged) by the SQLite server: copied, not sent again
        assert pg.mails() == []
        state = observe(world)

        # copying again is refused and writes nothing
        rows = pg_counts(uri, counts)
        r = store_copy(src.db, uri)
        assert r.returncode == 1
        assert "not empty" in r.stderr and "nothing was written" in r.stderr, r.stderr
        assert pg_counts(uri, counts) == rows
        assert observe(world) == state
    finally:
        pg.close()
        src.close()


def test_bad_source_or_target_fails_clearly(cluster, tmp_path):
    uri = cluster.createdb()
    good = Server()
    signup(good)
    good.stop()

    r = store_copy(str(tmp_path / "missing.db"), uri)
    assert r.returncode == 1 and "cannot open the source" in r.stderr, r.stderr
    not_a_store = tmp_path / "text.db"
    not_a_store.write_text("hello\n" * 100)
    r = store_copy(str(not_a_store), uri)
    assert r.returncode == 1 and "not a paasport store" in r.stderr, r.stderr
    # a store made by a newer paasportd (a higher schema version) is refused
    newer = str(tmp_path / "newer.db")
    shutil.copy(good.db, newer)
    con = sqlite3.connect(newer)
    con.execute("INSERT INTO schema_version(version) VALUES (999)")
    con.commit()
    con.close()
    r = store_copy(newer, uri)
    assert r.returncode == 1 and "schema version 999" in r.stderr, r.stderr

    # a row PostgreSQL refuses (SQLite kept an orphan) fails the copy half-way: rolled back
    orphan = str(tmp_path / "orphan.db")
    shutil.copy(good.db, orphan)
    con = sqlite3.connect(orphan)
    con.execute("INSERT INTO formation_history(app_id, owner_id, type, amount, size, changed_at)"
                " VALUES ('ap-gone', 'us-gone', 'web', 1, 'M', 0)")
    con.commit()
    con.close()
    r = store_copy(orphan, uri)
    assert r.returncode == 1 and "cannot copy formation_history" in r.stderr, r.stderr

    # nothing listens on port 1; a file is not a PostgreSQL target; --to is required
    r = store_copy(good.db, "postgresql://paasport@127.0.0.1:1/none")
    assert r.returncode == 1 and "cannot connect to the target" in r.stderr, r.stderr
    r = store_copy(good.db, str(tmp_path / "other.db"))
    assert r.returncode == 1 and "postgresql://" in r.stderr, r.stderr
    assert not (tmp_path / "other.db").exists()
    r = subprocess.run([os.path.join(BIN, "paasportd"), "store", "copy", "--from", good.db],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "usage" in r.stderr

    # none of these wrote anything: the target is still empty, the good copy goes in
    counts = sqlite_counts(good.db)
    assert set(pg_counts(uri, counts).values()) == {0}
    r = store_copy(good.db, uri)
    good.close()
    assert r.returncode == 0, r.stderr
    assert summary_counts(r.stdout) == counts and counts["users"] == 1, r.stdout
    assert pg_counts(uri, counts) == counts
