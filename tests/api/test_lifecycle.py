"""Start-up, shutdown and upgrades: SIGTERM drains, migrations, rehash."""
import os
import re
import signal
import subprocess
import threading
import time

import requests

from conftest import BIN, METRICS_AUTH, PASSWORD, Server, signup


def test_sigterm_drains_in_flight_requests(tmp_path):
    # a costly hash makes the login slow enough to be in flight at SIGTERM
    s = Server(env={"PAASPORT_PWHASH_MEMLIMIT_KIB": "262144", "PAASPORT_PWHASH_OPSLIMIT": "4"})
    u = signup(s)
    result = {}

    def slow_login():
        result["r"] = requests.post(s.url + "/v1/session",
                                    json={"login": u["username"], "password": PASSWORD}, timeout=30)

    t = threading.Thread(target=slow_login)
    t.start()
    # SIGTERM once the login is being served (the gauge counts the /metrics read too)
    deadline = time.time() + 20
    while time.time() < deadline:
        text = requests.get(s.url + "/metrics", headers=METRICS_AUTH, timeout=5).text
        if int(re.search(r"^paasport_http_requests_in_flight (\d+)", text, re.M).group(1)) >= 2:
            break
        time.sleep(0.01)
    s.proc.send_signal(signal.SIGTERM)
    t.join(30)
    rc = s.proc.wait(30)
    assert result["r"].status_code == 200
    assert rc == 0
    assert "draining" in s.read_log()
    s.close()


def test_refuses_newer_database(tmp_path):
    s = Server()
    s.stop()
    s.sql("INSERT INTO schema_version(version) VALUES (9999)")
    env = dict(s.env)
    p = subprocess.run([os.path.join(BIN, "paasportd")], env=env, capture_output=True, timeout=20)
    assert p.returncode != 0
    assert b"schema version 9999" in p.stderr and b"refusing to start" in p.stderr
    s.close()


def test_migrations_applied_once(tmp_path):
    s = Server()
    signup(s)
    s.stop()
    s.start()  # same database: nothing re-applied, data kept
    assert s.sql("SELECT COUNT(*) FROM users")[0][0] == 1
    versions = [v for (v,) in s.sql("SELECT version FROM schema_version ORDER BY version")]
    assert versions == list(range(1, len(versions) + 1))
    s.close()


def test_rehash_on_login_when_parameters_change(tmp_path):
    s = Server()
    u = signup(s)
    (h1,) = s.sql("SELECT password_hash FROM users")[0]
    assert "m=8192,t=1" in h1
    s.stop()
    s.env["PAASPORT_PWHASH_MEMLIMIT_KIB"] = "19456"
    s.env["PAASPORT_PWHASH_OPSLIMIT"] = "2"
    s.start()
    assert requests.post(s.url + "/v1/session", json={"login": u["username"],
                                                      "password": PASSWORD}).status_code == 200
    (h2,) = s.sql("SELECT password_hash FROM users")[0]
    assert "m=19456,t=2" in h2 and h2 != h1
    s.close()


def test_default_password_hashing_meets_asvs(tmp_path):
    env = {k: v for k, v in os.environ.items()}
    s = Server()
    s.stop()
    del s.env["PAASPORT_PWHASH_MEMLIMIT_KIB"]
    del s.env["PAASPORT_PWHASH_OPSLIMIT"]
    s.start()
    signup(s)
    (h,) = s.sql("SELECT password_hash FROM users")[0]
    assert h.startswith("$argon2id$v=19$m=19456,t=2,p=1$")  # ASVS 5.0: t=2 needs m >= 19 MiB
    s.close()


def test_bad_configuration_is_refused():
    for env in ({"PAASPORT_LISTEN": "nonsense"}, {"PAASPORT_THREADS": "-3"},
                {"PAASPORT_MAX_CONNECTIONS": "abc"}):
        e = dict(os.environ, **env)
        p = subprocess.run([os.path.join(BIN, "paasportd")], env=e, capture_output=True, timeout=10)
        assert p.returncode == 2, env
        assert b"PAASPORT_" in p.stderr


def test_sigterm_under_load_always_exits_0(tmp_path):
    """Many stops while requests arrive: each exit is clean (with libmicrohttpd
    0.9.75's epoll mode, quiescing aborted the process now and then)."""
    s = Server()
    try:
        for _ in range(12):
            stop = threading.Event()

            def load():
                while not stop.is_set():
                    try:
                        requests.get(s.url + "/healthz", timeout=2)
                    except requests.RequestException:
                        pass

            threads = [threading.Thread(target=load) for _ in range(3)]
            for t in threads:
                t.start()
            time.sleep(0.1)
            rc = s.stop()
            stop.set()
            for t in threads:
                t.join(5)
            assert rc == 0, s.read_log()[-2000:]
            s.start()
    finally:
        s.close()
