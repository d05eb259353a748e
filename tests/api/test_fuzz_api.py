"""Schema-aware fuzz of the JSON API: the real paasportd fed mutations of valid requests.

test_robustness.py throws mostly unstructured bytes at the HTTP framing. Here every case
starts from a VALID body (the shapes of API.md and the other tests) for one route and
changes it the way a buggy or hostile client would: a leaf of another JSON type, huge,
negative or float numbers, empty, huge, NUL, RTL, emoji or lone-surrogate strings, keys
dropped, duplicated, renamed or added (foreign ids among them), values wrapped in arrays
or nested deeper, ids in the path swapped for another account's or for LIKE patterns.
Everything is seeded (random.Random per test): a failure replays the same requests.
PAASPORT_FUZZ_SEED=N and PAASPORT_FUZZ_SCALE=3 explore further (other cases, 3x as many).

What a user would check, for every case:
  1. never a 5xx; every 4xx is JSON with an error message (422: {"errors": {field: [..]}});
  2. after each route group the server is alive, /healthz answers, and the log has no
     "internal error" line, no 5xx access line and no sanitizer report;
  3. two other accounts (bob: alice is a limited collaborator on his app; eve: a
     stranger) are byte-identical before and after, through their own API view and the
     store rows behind it (tokens, sessions, links, formation, collaborators, events);
  4. a 4xx changed nothing for the fuzzing user where that is cheap to see (profile,
     tokens, apps, formation, timeline count, collaborators, sessions, links, passwords),
     and a 2xx did exactly what the body asked (the value sent is the value stored).
"""
import copy
import json
import os
import random
import time
import urllib.parse
from http.cookiejar import DefaultCookiePolicy

import pytest
import requests

from conftest import IS_PG, PASSWORD, Server, browser_client, user_client
from test_apps import create_app, invite, join

# the defaults are what CI runs; another seed or a bigger scale explores further
SEED = int(os.environ.get("PAASPORT_FUZZ_SEED", "20261205"))
SCALE = float(os.environ.get("PAASPORT_FUZZ_SCALE", "1"))
OK = {200, 201, 202, 204}
# 405: a mangled id can turn a path into another route's (DELETE /v1/apps/collaboration)
ERR = {400, 401, 402, 403, 404, 405, 409, 413, 415, 422, 429}
BODY_CAP = 1_200_000  # bigger mutations are redrawn: a few 413s are fine, megabytes are slow
PAGING_MAX_PAGE = 1000000
INT64_MAX = 2**63 - 1


def cases(n):
    return range(max(1, round(n * SCALE)))


# ---------------------------------------------------------------- JSON with holes

class Raw:
    """Bytes put verbatim in the document: numbers Python cannot spell (1e309, NaN,
    01), nesting deeper than Python's recursion allows."""

    def __init__(self, b):
        self.b = b

    def __repr__(self):
        return f"Raw({self.b[:60]!r})"


class Dup:
    """An object whose members may repeat a key."""

    def __init__(self, pairs):
        self.pairs = pairs

    def __repr__(self):
        return f"Dup({self.pairs!r})"


def encode(v, ascii_only):
    if isinstance(v, Raw):
        return v.b
    if isinstance(v, (Dup, dict)):
        pairs = v.pairs if isinstance(v, Dup) else v.items()
        return b"{" + b",".join(encode(k, ascii_only) + b":" + encode(x, ascii_only)
                                for k, x in pairs) + b"}"
    if isinstance(v, list):
        return b"[" + b",".join(encode(x, ascii_only) for x in v) + b"]"
    if isinstance(v, str):
        # lone surrogates: an escape jansson must refuse, or CESU-8 bytes (not UTF-8)
        return json.dumps(v, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    return json.dumps(v).encode()


def norm(s):
    """The string the server sees once it joined escaped surrogate pairs."""
    try:
        return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return s


def quote(s):
    """A path segment or query value, any string; "." and ".." escaped so that the
    client does not resolve them away."""
    q = urllib.parse.quote(s.encode("utf-8", "surrogatepass"), safe="")
    return q.replace(".", "%2E") if q in (".", "..") else q


def lower_ascii(s):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


# ---------------------------------------------------------------- mutations

LENGTHS = [1, 2, 3, 31, 32, 33, 48, 49, 64, 65, 128, 129, 254, 255, 1000, 2001, 70000]
SPECIAL_STRINGS = [
    "", " ", "\t", "\n", "\r\n", "a\u0000b", "\u0000", "\u202egnp.exe", "\u200f\u200e",
    "\ufeff", "\u0085", "\u2028", "\x7f", "\x1b[31m", "\U0001F600",
    "\U0001F469\u200d\U0001F469\u200d\U0001F467", "e\u0301", "\uff21", "\u0130", "\u00df",
    "\ud800", "\udfff", "a\ud83d", "\ud83d\ude00", "%s%s%n", "' OR '1'='1' --",
    "\"; DROP TABLE users; --", "../../../etc/passwd", "<script>alert(1)</script>",
    "${jndi:ldap://x}", "null", "true", "0", "-1", "1e308", "NaN", "\\", "\"", "{}", "[]",
    "web", "worker", "S", "M", "3XL", "XXL", "m", "Web", "web ", "w-", "-w", "a_b", "x",
    "@", "a@b", "a@b.c", "x@example.com", "X@Example.COM", "\u00e9@ex\u00e4mple.com",
    "a@[127.0.0.1]", "a..b@example.com", "collaboration", "collaborators", "%", "_", "*",
    # addresses at the 254-character limit and one past it, in 1-, 2- and 4-byte characters
    "a" * 242 + "@example.com", "a" * 243 + "@example.com", "\u00e9" * 242 + "@example.com",
    "\u00e9" * 243 + "@example.com", "\U0001F600" * 249 + "@x.io",
    "\U0001F600" * 250 + "@x.io",
]
NUMBERS = [
    0, 1, -1, 2, 10, 11, -2**31, 2**31 - 1, 2**31, 2**32 + 1, 2**53 + 1, 2**63 - 1, -2**63,
    2**63, 2**64, 10**30, 0.0, -0.0, 0.5, 1.5, 2.0, 1e308, -1e308, 5e-324,
    Raw(b"1e309"), Raw(b"-1e400"), Raw(b"1E1"), Raw(b"2e0"), Raw(b"NaN"), Raw(b"Infinity"),
    Raw(b"-Infinity"), Raw(b"01"), Raw(b"+1"), Raw(b"0x10"), Raw(b".5"), Raw(b"1."),
    Raw(b"-"), Raw(b"1" * 400), Raw(b"-0"),
]
UNKNOWN_KEYS = [
    "id", "user_id", "owner_id", "owner", "app_id", "role", "admin", "is_admin", "flags",
    "suspended_at", "suspension_reason", "auth_epoch", "version", "created_at", "token",
    "secret_hash", "password_hash", "status", "deleted_at", "tfa_enabled", "email_lc", "",
    " ", "__proto__", "constructor", "k" * 300, "\U0001F600", "user", "app", "token",
    "collaborator", "containers", "scope", "deletion", "login", "password",
]
RAW_TWEAKS = [
    lambda b: b"\xef\xbb\xbf" + b,       # a BOM
    lambda b: b + b",",                  # trailing comma
    lambda b: b[:-1],                    # truncated
    lambda b: b + b"\x00",               # a NUL after the document
    lambda b: b.replace(b'"', b"'", 2),  # single quotes
    lambda b: b + b" // comment",
    lambda b: b" \n\t" + b + b"\r\n ",   # surrounding whitespace: still valid
    lambda b: b.replace(b":", b":\xff", 1),  # invalid UTF-8 byte
]


def mutate_string(rng, s):
    k = rng.randrange(14)
    if k == 0:
        return s.upper()
    if k == 1:
        return s + rng.choice(SPECIAL_STRINGS)
    if k == 2:
        return rng.choice(SPECIAL_STRINGS) + s
    if k == 3:
        return s[:len(s) // 2]
    if k == 4:
        return s[1:]
    if k == 5:
        return s * rng.choice([2, 50])
    if k == 6:
        m = len(s) // 2
        return s[:m] + rng.choice(SPECIAL_STRINGS) + s[m:]
    if k == 7:
        return " " + s + " "
    if k == 8:
        return s + "\u0000"
    if k == 9:
        return s[::-1]
    if k == 10:  # a LIKE pattern that matches s
        return (s[:-1] + "_") if s else "%"
    if k == 11:
        return (s[:-3] + "%") if len(s) > 3 else "%"
    if k == 12:  # a Cyrillic homoglyph
        return s.replace("a", "\u0430", 1).replace("e", "\u0435", 1)
    return s.title()


def weird_string(rng, orig=None):
    k = rng.randrange(10)
    if orig is not None and k < 4:
        return mutate_string(rng, orig)
    if k < 7:
        return rng.choice(SPECIAL_STRINGS)
    ch = rng.choice(["a", "\u00e9", "\U0001F600", "Z", "-", " ", "\u0301", "\u202e", "9"])
    return ch * rng.choice(LENGTHS)


def number_variant(rng, n):
    k = rng.randrange(4)
    if k == 0 and not isinstance(n, bool) and isinstance(n, int):
        return rng.choice([n + 1, n - 1, -n, n * 1000, float(n), str(n)])
    return rng.choice(NUMBERS)


def rand_value(rng, orig=None):
    k = rng.randrange(12)
    if k == 0:
        return rng.choice([None, True, False])
    if k in (1, 2):
        return rng.choice(NUMBERS)
    if k in (3, 4, 5):
        return weird_string(rng, orig if isinstance(orig, str) else None)
    if k == 6:
        return rng.choice([[], [copy.deepcopy(orig)], [None], [rng.choice(NUMBERS)],
                           [weird_string(rng)]])
    if k == 7:
        return rng.choice([{}, {"": copy.deepcopy(orig)}, {"name": copy.deepcopy(orig)}])
    if k == 8:
        return rng.choice([[0] * 1000, list(range(300)), {f"k{i}": i for i in range(300)},
                           ["web"] * 50])
    if k == 9:
        return copy.deepcopy(orig)
    if k == 10:
        return str(orig) if not isinstance(orig, (dict, list, Raw, Dup)) else "[object]"
    return rng.choice([True, 1, "1", "yes", "false", 0, ""])


def node_paths(v, path=()):
    yield path
    if isinstance(v, dict):
        for k, x in v.items():
            yield from node_paths(x, path + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from node_paths(x, path + (i,))


def get_at(root, path):
    for k in path:
        root = root[k]
    return root


def put_at(root, path, new):
    if not path:
        return new
    get_at(root, path[:-1])[path[-1]] = new
    return root


OPS = ["type", "string", "number", "null", "drop", "dup", "wrap_array", "wrap_object",
       "nest", "unknown", "rename", "array", "root"]
OP_WEIGHTS = [5, 6, 3, 2, 4, 2, 2, 2, 1, 4, 2, 2, 1]


def mutate_once(rng, body, hostile):
    paths = list(node_paths(body))
    op = rng.choices(OPS, OP_WEIGHTS)[0]
    in_dict = [p for p in paths if p and isinstance(get_at(body, p[:-1]), dict)]
    if op == "string":
        cands = [p for p in paths if isinstance(get_at(body, p), str)]
        if cands:
            p = rng.choice(cands)
            return put_at(body, p, weird_string(rng, get_at(body, p)))
        op = "type"
    if op == "number":
        cands = [p for p in paths if isinstance(get_at(body, p), (int, float))]
        if cands:
            p = rng.choice(cands)
            return put_at(body, p, number_variant(rng, get_at(body, p)))
        op = "type"
    if op == "drop" and paths[1:]:
        p = rng.choice(paths[1:])
        parent = get_at(body, p[:-1])
        del parent[p[-1]]
        return body
    if op == "dup":
        cands = [p for p in paths if isinstance(get_at(body, p), dict) and get_at(body, p)]
        if cands:
            p = rng.choice(cands)
            d = get_at(body, p)
            pairs = list(d.items())
            k = rng.choice(list(d))
            other = d[k] if rng.random() < 0.4 else rand_value(rng, d[k])
            pairs.insert(rng.randrange(len(pairs) + 1), (k, other))
            return put_at(body, p, Dup(pairs))
        op = "type"
    if op == "rename" and in_dict:
        p = rng.choice(in_dict)
        parent, key = get_at(body, p[:-1]), p[-1]
        new = rng.choice([key.upper(), key + " ", " " + key, key + "\u0000", "",
                          key.replace("a", "\u0430"), key[:-1], key + "s", key.title()])
        if new in parent:
            return body
        items = [(new if k == key else k, v) for k, v in parent.items()]
        parent.clear()
        parent.update(items)
        return body
    if op == "unknown":
        cands = [p for p in paths if isinstance(get_at(body, p), dict)]
        if cands:
            d = get_at(body, rng.choice(cands))
            k = rng.choice(UNKNOWN_KEYS)
            if k not in d:
                d[k] = rng.choice(hostile) if rng.random() < 0.6 else rand_value(rng)
            return body
        op = "type"
    if op == "array":
        cands = [p for p in paths if isinstance(get_at(body, p), list)]
        if cands:
            p = rng.choice(cands)
            a = get_at(body, p)
            k = rng.randrange(5)
            if k == 0:
                new = []
            elif k == 1 and a:
                new = a + [copy.deepcopy(a[0])]
            elif k == 2 and a:
                n = min(rng.choice([17, 100, 1000]), BODY_CAP // (len(encode(a[0], True)) + 1))
                new = [copy.deepcopy(a[0]) for _ in range(n)]
            elif k == 3:
                new = a + [rand_value(rng)]
            else:
                new = list(reversed(a))
            return put_at(body, p, new)
        op = "type"
    p = rng.choice(paths)
    node = get_at(body, p)
    if op == "null":
        return put_at(body, p, None)
    if op == "wrap_array":
        return put_at(body, p, [node])
    if op == "wrap_object":
        return put_at(body, p, {rng.choice(["value", "data", str(p[-1]) if p else "x"]): node})
    if op == "nest":
        d = rng.choice([2, 16, 64, 500, 3000])
        inner = encode(node, True)
        if rng.random() < 0.5:
            return put_at(body, p, Raw(b"[" * d + inner + b"]" * d))
        return put_at(body, p, Raw(b'{"a":' * d + inner + b"}" * d))
    if op == "root":
        return rng.choice([[body], "body", 1, None, True, [], Raw(b""), Raw(b" "),
                           {"x": body}, Raw(b"{}" * 2), Raw(b"{" * 3000 + b"}" * 3000)])
    return put_at(body, p, rand_value(rng, node))


def mutate(rng, base, hostile):
    body = copy.deepcopy(base)
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        body = mutate_once(rng, body, hostile)
    return body


def is_raw_object(v):
    return isinstance(v, Raw) and v.b.startswith(b"{")  # {"a": {"a": ...}}: no known key


def unwrap(body, key):
    """What a handler reads: body[key] when it is an object, else the root (jx_unwrap).
    None when the root is no object (the JSON gate answers 400)."""
    if is_raw_object(body):
        return {}
    if isinstance(body, dict):
        w = body.get(key)
        if is_raw_object(w):
            return {}
        return w if isinstance(w, dict) else body
    return None


# ---------------------------------------------------------------- the client side

NOBODY = object()


def sqlrows(server, query, *args):
    return [tuple(r) for r in server.sql(query, *args)]


class Fuzzer:
    """Sends the cases of one test; collects every problem with its reproduction."""

    def __init__(self, world, salt):
        self.w = world
        self.server = world.server
        self.rng = random.Random(f"{SEED}:{salt}")
        self.salt = salt
        self.http = requests.Session()
        self.http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.problems = []
        self.sent = 0
        self.codes = {}
        self.log_mark = len(self.server.read_log().splitlines())

    def case(self, base):
        """A mutation of base, redrawn while its encoding is too big to be useful."""
        while True:
            body = mutate(self.rng, base, self.w.hostile)
            data = encode(body, self.rng.random() < 0.5)
            if self.rng.random() < 0.05:
                data = self.rng.choice(RAW_TWEAKS)(data)
            if len(data) <= BODY_CAP:
                return body, data

    def send(self, method, path, data=NOBODY, token=None, auth=None, what=""):
        h = {}
        if data is not NOBODY:
            h["Content-Type"] = "application/json"
        if token:
            h["Authorization"] = "Bearer " + token
        sent = None if data is NOBODY else data
        try:
            r = self.http.request(method, self.server.url + path, data=sent, headers=h,
                                  auth=auth, timeout=20)
        except requests.RequestException as e:
            alive = self.server.proc.poll() is None
            raise AssertionError(
                f"no answer ({e.__class__.__name__}; server {'alive' if alive else 'DEAD'}) "
                f"to {self.repro(method, path, sent)}\n" + self.server.read_log()[-3000:])
        self.sent += 1
        self.codes[r.status_code] = self.codes.get(r.status_code, 0) + 1
        self.check_shape(r, method, path, sent, what)
        return r

    @staticmethod
    def repro(method, path, data, r=None):
        s = f"{method} {path[:300]}"
        if data is not None:
            s += f" body={data[:400]!r}" + (f"... ({len(data)} bytes)" if len(data) > 400 else "")
        if r is not None:
            s += f" -> {r.status_code} {r.text[:300]!r}"
        return s

    def problem(self, msg, method, path, data, r=None):
        self.problems.append(f"{msg}: {self.repro(method, path, data, r)}")

    def check_shape(self, r, method, path, data, what):
        code = r.status_code
        if code >= 500:
            self.problem(f"{what} 5xx", method, path, data, r)
            return
        if code not in OK | ERR:
            self.problem(f"{what} unexpected status", method, path, data, r)
            return
        if code in OK:
            if r.content:
                try:
                    ok = isinstance(r.json(), dict)
                except ValueError:
                    ok = False
                if not ok:
                    self.problem(f"{what} 2xx body is not a JSON object", method, path, data, r)
            return
        try:
            doc = r.json()
        except ValueError:
            doc = None
        ctype = r.headers.get("Content-Type", "")
        if not isinstance(doc, dict) or not ctype.startswith("application/json"):
            self.problem(f"{what} 4xx without a JSON object body", method, path, data, r)
            return
        if code == 422:
            errs = doc.get("errors")
            good = isinstance(errs, dict) and errs and all(
                isinstance(v, list) and v and all(isinstance(m, str) and m for m in v)
                for v in errs.values())
            if not good:
                self.problem(f"{what} 422 without errors{{field: [messages]}}", method, path,
                             data, r)
        elif not (isinstance(doc.get("error"), str) and doc["error"]):
            self.problem(f"{what} 4xx without an error message", method, path, data, r)
        if code == 429 and not r.headers.get("Retry-After", "").isdigit():
            self.problem(f"{what} 429 without Retry-After", method, path, data, r)

    def effective(self, body, key, method, path, data, r):
        """The object a handler read for a 2xx (see unwrap)."""
        eff = unwrap(body, key)
        if eff is None:
            self.problem("2xx for a body whose root is not an object", method, path, data, r)
            return {}
        return eff

    def get_ok(self, path, token):
        r = self.send("GET", path, token=token, what="probe")
        assert r.status_code == 200, self.repro("GET", path, None, r)
        return r.json()

    def finish(self, min_sent):
        """Server health, the log, and the other accounts; then every problem seen."""
        print(f"{self.salt}: {self.sent} requests, statuses {sorted(self.codes.items())}")
        srv = self.server
        if srv.proc.poll() is not None:
            self.problems.append("paasportd died:\n" + srv.read_log()[-3000:])
        else:
            r = requests.get(srv.url + "/healthz", timeout=10)
            if r.status_code != 200:
                self.problems.append(f"/healthz answers {r.status_code} {r.text[:200]}")
            # the access line is written once the response is sent: let the last one land
            time.sleep(0.05)
        lines = srv.log_lines()[self.log_mark:]
        internal = [l for l in lines if l.get("msg") == "internal error"]
        fives = [l for l in lines if l.get("msg") == "request"
                 and int(l.get("status") or 0) >= 500]
        if internal:
            self.problems.append(f"{len(internal)} 'internal error' log lines: {internal[:3]}")
        if fives:
            self.problems.append(f"{len(fives)} 5xx access-log lines: {fives[:3]}")
        sanitizer = [l["raw"] for l in lines if "raw" in l and (
            "runtime error:" in l["raw"] or "Sanitizer" in l["raw"])]
        if sanitizer:  # the ASan/UBSan build (make test-asan) reports in the log
            self.problems.append(f"sanitizer reports: {sanitizer[:5]}")
        for other in self.w.others:
            now = snapshot(self.w, other)
            if now != other.snap:
                diff = {k: (other.snap.get(k), now.get(k))
                        for k in sorted(set(now) | set(other.snap))
                        if now.get(k) != other.snap.get(k)}
                self.problems.append(f"another account ({other.user['username']}) changed: "
                                     f"{json.dumps(diff, default=str)[:3000]}")
        assert not self.problems, f"{len(self.problems)} problems in {self.sent} requests " \
                                  f"(statuses {self.codes}):\n" + "\n".join(self.problems[:12])
        assert self.sent >= min_sent * min(SCALE, 1), (self.sent, self.codes)


# ---------------------------------------------------------------- the accounts

def mask(v, ids):
    """The other account's view, with the fuzzing user's live username and email (which
    the fuzz may change legitimately, e.g. in a collaborator list) blanked."""
    if isinstance(v, list):
        return [mask(x, ids) for x in v]
    if isinstance(v, dict):
        out = {k: mask(x, ids) for k, x in v.items()}
        if out.get("id") in ids or out.get("user_id") in ids:
            for k in ("username", "email"):
                if k in out:
                    out[k] = "<fuzzing user>"
        return out
    return v


def snapshot(world, who):
    """Everything the account sees of itself through the API (read with its dashboard
    session, which writes nothing the snapshot reads), plus the store rows behind it."""
    srv, c, uid = world.server, who.browser, who.user["id"]
    out = {}

    def get(path):
        r = c.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        return r.json()

    def pages(path):
        evs, page = [], 1
        while True:
            doc = get(f"{path}?per_page=100&page={page}")
            evs += doc["events"]
            if doc["meta"]["pagination"]["next_page"] is None:
                return {"events": evs, "total": doc["meta"]["pagination"]["total_count"]}
            page += 1

    out["self"] = get("/v1/users/self")
    out["tokens"] = get("/v1/tokens")
    for t in out["tokens"]["tokens"]:
        out["token " + t["id"]] = get("/v1/tokens/" + t["id"])
    out["apps"] = get("/v1/apps")
    for a in out["apps"]["apps"]:
        base = "/v1/apps/" + a["name"]
        for sub in ("", "/containers", "/collaborators"):
            out["app " + a["name"] + sub] = get(base + sub)
        out["app " + a["name"] + "/events"] = pages(base + "/events")
    out["events"] = pages("/v1/events")
    out["sessions"] = sorted((s["id"], s["created_at"]) for s in get("/v1/sessions")["sessions"])
    out = mask(out, {world.alice.user["id"]})
    out["db users"] = sqlrows(srv, "SELECT * FROM users WHERE id = ?", uid)
    out["db tokens"] = sqlrows(srv, "SELECT * FROM tokens WHERE user_id = ? ORDER BY id", uid)
    out["db sessions"] = sqlrows(srv, "SELECT id, secret_hash, csrf_token, created_at FROM "
                                      "sessions WHERE user_id = ? ORDER BY id", uid)
    out["db links"] = sqlrows(srv, "SELECT * FROM one_time_links WHERE user_id = ? "
                                   "ORDER BY id", uid)
    out["db apps"] = sqlrows(srv, "SELECT * FROM apps WHERE owner_id = ? ORDER BY id", uid)
    out["db formation"] = sqlrows(srv, "SELECT f.* FROM formation f JOIN apps a ON "
                                       "a.id = f.app_id WHERE a.owner_id = ? "
                                       "ORDER BY f.app_id, f.type", uid)
    out["db formation_history"] = sqlrows(srv, "SELECT h.* FROM formation_history h JOIN apps "
                                               "a ON a.id = h.app_id WHERE a.owner_id = ? "
                                               "ORDER BY h.id", uid)
    out["db collaborators"] = sqlrows(srv, "SELECT k.* FROM collaborators k JOIN apps a ON "
                                           "a.id = k.app_id WHERE a.owner_id = ? "
                                           "ORDER BY k.id", uid)
    out["db event counts"] = sqlrows(srv, "SELECT * FROM event_counts WHERE scope = ? OR scope "
                                          "IN (SELECT 'a:' || id FROM apps WHERE owner_id = ?) "
                                          "ORDER BY scope", "u:" + uid, uid)
    out["db events"] = sqlrows(srv, "SELECT COUNT(*), MAX(id) FROM events WHERE user_id = ?", uid)
    out["db mails"] = sqlrows(srv, "SELECT COUNT(*) FROM mail_outbox WHERE lower(to_addr) = ?",
                              who.user["email"].lower())
    return out


def mail_token(server, to, subject, marker, old=None, timeout=10):
    """The token of the newest mail to `to` (once it differs from old)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = None
        for line in server.read_log().splitlines():
            if '"mail (no SMTP' not in line:
                continue
            try:
                m = json.loads(line)
            except ValueError:  # the line being written
                continue
            if m.get("to") == to and subject in m.get("subject", ""):
                found = m["body"].split(marker)[1].split()[0]
        if found and found != old:
            return found
        time.sleep(0.03)
    raise AssertionError(f"no new mail to {to} with {subject!r}")


class World:
    """alice fuzzes. bob owns an app where alice is a limited collaborator (and dave a
    full one); eve is a stranger. carol collaborates on alice's app."""

    def __init__(self, server):
        self.server = server
        s = server
        a = self.alice = user_client(s, "fzalice")
        a.password = PASSWORD
        a.app = create_app(a, "fz-alice-app")
        a.disposable = create_app(a, "fz-alice-disposable")
        a.victim = a.post("/v1/tokens", {"token": {"name": "victim"}}).json()["token"]
        a.exch = a.post("/v1/tokens", {"token": {"name": "exchange"}}).json()["token"]
        self.carol = user_client(s, "fzcarol")
        a.carol_k = join(s, a, a.app, self.carol)
        a.pending_k = invite(a, a.app, "fz-alice-pending@example.com")

        b = self.bob = user_client(s, "fzbob")
        b.app = create_app(b, "fz-bob-app")
        b.alice_k = join(s, b, b.app, a, limited=True)
        self.dave = user_client(s, "fzdave")
        b.dave_k = join(s, b, b.app, self.dave)
        b.pending_k = invite(b, b.app, "fz-bob-pending@example.com")

        e = self.eve = user_client(s, "fzeve")
        e.app = create_app(e, "fz-eve-app")
        e.pending_k = invite(e, e.app, "fz-eve-pending@example.com")
        # (anyone holding this link may accept it: the fuzz only sends near misses)
        self.eve_invitation = mail_token(s, "fz-eve-pending@example.com", "invited",
                                         "/#/invitation/")

        for o in (b, e):
            o.extra = o.post("/v1/tokens", {"token": {"name": "extra"}}).json()["token"]
            o.browser = browser_client(s, o.user["username"])
            o.session_id = o.browser.get("/v1/session").json()["session"]["id"]
        self.others = [b, e]
        # what an unknown key may carry: other accounts' ids, roles, flags
        self.hostile = [b.user["id"], e.user["id"], b.app["id"], e.app["id"],
                        b.api_token["id"], e.extra["id"], b.dave_k["id"], b.session_id,
                        "owner", "admin", True, 1, 0, None, {"admin": True}, ["owner"]]
        self.foreign_tokens = [b.api_token["id"], b.extra["id"], e.api_token["id"],
                               e.extra["id"], self.carol.api_token["id"]]
        self.foreign_sessions = [b.session_id, e.session_id]
        self.junk_ids = ["%", "_", "*", "tk-%", "ap-%", "co-%", "se-%", "us-%", "del-%",
                         "' OR '1'='1", "1 OR 1=1", "..", ".", "x" * 300, "\u00e9",
                         "\U0001F600", "null", "0", "-1", "web", "collaboration", "a/b", "a?b",
                         "a#b", " ", "\t", "\u0000", "x\u0000y", "\ud800", "%00"]
        for o in self.others:
            o.snap = snapshot(self, o)

    def mangle(self, rng, ident):
        """An id that is not ident but looks like it (case, LIKE wildcards, cuts)."""
        k = rng.randrange(7)
        if k == 0:
            return ident.upper()
        if k == 1:
            return ident[:-1] + "_"
        if k == 2:
            return ident[:-4] + "%"
        if k == 3:
            return ident + " "
        if k == 4:
            return ident + "\u0000"
        if k == 5:
            return ident[:-1]
        return "%" + ident[3:]


@pytest.fixture(scope="module")
def world():
    srv = Server()
    try:
        yield World(srv)
    finally:
        srv.close()


# ---------------------------------------------------------------- the profile

def expected_profile(before, eff):
    exp = dict(before)
    for f in ("username", "fullname", "company", "location"):
        v = eff.get(f)
        if isinstance(v, str):
            v = norm(v)
            exp[f] = None if f in ("company", "location") and v == "" else v
    if isinstance(eff.get("email_newsletter"), bool):
        exp["email_newsletter"] = eff["email_newsletter"]
    v = eff.get("email")
    if isinstance(v, str):
        v = norm(v)
        if lower_ascii(v) == lower_ascii(before["email"]):
            exp["unconfirmed_email"] = None
        else:
            exp["unconfirmed_email"] = v
    return exp


def test_fuzz_profile_update(world):
    fz = Fuzzer(world, "profile")
    a = world.alice
    uid = a.user["id"]

    def secret():
        return world.server.sql("SELECT password_hash, auth_epoch FROM users WHERE id = ?", uid)

    state, pw = fz.get_ok("/v1/users/self", a.token)["user"], secret()
    for i in cases(400):
        k = i % 4
        if k == 0:
            inner = {"fullname": f"Alice Fuzz {i}", "company": "Fuzz SA", "location": "Lyon",
                     "email_newsletter": i % 8 == 0}
        elif k == 1:
            inner = {"username": f"fzalice-{i}", "email": f"fzalice-{i}@example.com",
                     "current_password": a.password}
        elif k == 2:
            new = f"fuzzed passphrase number {i}"
            inner = {"password": new, "password_confirmation": new, "current_password": a.password}
        else:  # back to the current address (cancels a pending change), empty location
            inner = {"fullname": "A. F.", "location": "", "company": "\u00c9cole \u2192 ok",
                     "email": state["email"].upper()}
        base = {"user": inner} if i % 5 else inner
        path = "/v1/users/account" if i % 2 else "/v1/account/profile"
        method = "PUT" if i % 2 else "PATCH"
        body, data = fz.case(base)
        r = fz.send(method, path, data, token=a.token, what="profile")
        after, pw_after = fz.get_ok("/v1/users/self", a.token)["user"], secret()
        if r.status_code in OK:
            eff = fz.effective(body, "user", method, path, data, r)
            exp = expected_profile(state, eff)
            if after != exp or r.json().get("user") != after:
                fz.problem(f"profile after 2xx is {after}, expected {exp}", method, path, data, r)
            changed = isinstance(eff.get("password"), str)
            if (pw_after != pw) != changed:
                fz.problem(f"2xx {'did not change' if changed else 'changed'} the password",
                           method, path, data, r)
            if changed:
                a.password = norm(eff["password"])
        elif after != state or pw_after != pw:
            fz.problem(f"4xx changed the profile {state} -> {after} or the password", method,
                       path, data, r)
        state, pw = after, pw_after
    fz.finish(400)


# ---------------------------------------------------------------- tokens

def token_state(fz, a):
    """alice's tokens as listed, and their secrets and versions in the store."""
    listed = sorted((t["id"], t["name"]) for t in fz.get_ok("/v1/tokens", a.token)["tokens"])
    return listed, fz.server.sql("SELECT id, version, secret_hash FROM tokens WHERE user_id = ? "
                                 "ORDER BY id", a.user["id"])


def test_fuzz_token_create(world):
    fz = Fuzzer(world, "tokens")
    a = world.alice
    state = token_state(fz, a)
    for i in cases(200):
        base = {"token": {"name": f"fz-token-{i}"}} if i % 3 else {"name": f"fz token {i}"}
        body, data = fz.case(base)
        r = fz.send("POST", "/v1/tokens", data, token=a.token, what="token create")
        if r.status_code in OK:
            t = r.json().get("token", {})
            eff = fz.effective(body, "token", "POST", "/v1/tokens", data, r)
            want = norm(eff["name"]) if isinstance(eff.get("name"), str) else None
            if t.get("name") != want or not str(t.get("token", "")).startswith("tk-us-"):
                fz.problem(f"token created as {t.get('name')!r}, sent {want!r}", "POST",
                           "/v1/tokens", data, r)
            if t.get("id"):
                fz.send("DELETE", "/v1/tokens/" + quote(t["id"]), token=a.token,
                        what="cleanup")
        now = token_state(fz, a)
        if r.status_code not in OK and now != state:
            fz.problem(f"4xx changed the token list {state} -> {now}", "POST", "/v1/tokens",
                       data, r)
        state = now
    fz.finish(250)


def test_fuzz_token_renew_exchange_and_deletion_request(world):
    fz = Fuzzer(world, "renew")
    a, rng = world.alice, fz.rng
    state = token_state(fz, a)
    for i in cases(180):
        k = rng.randrange(10)
        if k < 4:
            tid, own = a.victim["id"], True
        elif k < 7:
            tid, own = rng.choice(world.foreign_tokens), False
        elif k < 9:
            tid, own = world.mangle(rng, rng.choice(world.foreign_tokens + [a.victim["id"]])), False
        else:
            tid, own = rng.choice(world.junk_ids), False
        path = f"/v1/tokens/{quote(tid)}/renew"
        data = NOBODY
        if rng.random() < 0.7:
            body, data = fz.case({"token": {"name": "renamed?"}})
        r = fz.send("PATCH", path, data, token=a.token, what="renew")
        now = token_state(fz, a)
        sent = None if data is NOBODY else data
        if r.status_code in OK:
            # the renewed token, and only it, has a new secret and the next version
            moved = [(x, y) for x, y in zip(state[1], now[1]) if x != y]
            if now[0] != state[0] or len(moved) != 1 or moved[0][0][0] != tid or \
                    moved[0][1][1] != moved[0][0][1] + 1:
                fz.problem(f"renewal changed {moved}", "PATCH", path, sent, r)
        if own and r.status_code == 200:
            new = r.json()["token"]
            old = a.victim["token"]
            a.victim = dict(a.victim, token=new["token"])
            if fz.send("GET", "/v1/users/self", token=old, what="old secret").status_code != 401:
                fz.problem("the secret before a renewal still works", "PATCH", path, sent, r)
        elif not own and r.status_code not in (400, 404, 405):
            fz.problem("renewal of a token that is not the caller's", "PATCH", path, sent, r)
        if r.status_code not in OK and now != state:
            fz.problem(f"4xx changed the tokens {state} -> {now}", "PATCH", path, sent, r)
        state = now

    # the exchange reads Basic ":token"; a body is optional but must be JSON when sent
    for i in cases(100):
        body, data = fz.case({"token": {"name": "cli"}} if i % 2 else {})
        r = fz.send("POST", "/v1/tokens/exchange", data, auth=("", a.exch["token"]),
                    what="exchange")
        if r.status_code == 200 and str(r.json().get("token", "")).count(".") != 2:
            fz.problem("exchange gave no JWT", "POST", "/v1/tokens/exchange", data, r)

    # the deletion request takes no body: alice owns apps (409), a fresh account gets 202
    lone = user_client(world.server, "fzlone")
    for i in cases(80):
        who = a if i % 3 == 0 else lone
        body, data = fz.case({"deletion": {"reason": "fuzz"}} if i % 2 else {})
        r = fz.send("POST", "/v1/users/delete", data, token=who.token, what="deletion request")
        if who is a and r.status_code in OK:
            fz.problem("deletion requested while apps are owned", "POST", "/v1/users/delete",
                       data, r)
        if r.status_code == 202 and not str(r.json()["deletion"].get("id", "")).startswith("del"):
            fz.problem("no deletion id", "POST", "/v1/users/delete", data, r)
    assert fz.get_ok("/v1/users/self", lone.token)["user"]["id"] == lone.user["id"]
    fz.finish(300)


def test_fuzz_deletion_confirm(world):
    """A throwaway account per link; the link confirmed by a mutated body either deletes
    exactly that account (204) or leaves it whole (4xx)."""
    fz = Fuzzer(world, "confirm")
    srv, rng = world.server, fz.rng
    made = [0]

    def fresh():
        made[0] += 1
        u = user_client(srv, f"fzgone{made[0]}")
        r = u.post("/v1/users/delete")
        assert r.status_code == 202, r.text
        u.did, u.link = mail_token(srv, u.user["email"], "deletion",
                                   "/#/delete-account/").split("/")
        return u

    u = fresh()
    for i in cases(100):
        base = {"deletion": {"token": u.link, "reason": "fuzzing", "details": f"case {i}"}}
        if i % 4 == 0:
            base = {"deletion": {"token": u.link}}
        body, data = fz.case(base)
        did = u.did if rng.random() < 0.8 else rng.choice(
            [world.mangle(rng, u.did)] + world.junk_ids)
        path = f"/v1/users/delete/{quote(did)}/confirm"
        r = fz.send("POST", path, data, what="deletion confirm")
        alive = fz.send("GET", "/v1/users/self", token=u.token, what="probe").status_code
        if r.status_code == 204:
            if alive != 401:
                fz.problem("204 but the account still works", "POST", path, data, r)
            u = fresh()
        elif alive != 200:
            fz.problem(f"4xx but the account is gone ({alive})", "POST", path, data, r)
            u = fresh()
    fz.finish(140)


# ---------------------------------------------------------------- apps

def app_names(fz, a):
    return sorted(x["name"] for x in fz.get_ok("/v1/apps", a.token)["apps"])


def test_fuzz_app_create(world):
    fz = Fuzzer(world, "apps")
    a, srv = world.alice, world.server
    state = app_names(fz, a)
    for i in cases(200):
        name = f"fz-new-{i:04d}"
        body, data = fz.case({"app": {"name": name}} if i % 4 else {"name": name})
        r = fz.send("POST", "/v1/apps", data, token=a.token, what="app create")
        if r.status_code in OK:
            got = r.json().get("app", {})
            eff = fz.effective(body, "app", "POST", "/v1/apps", data, r)
            want = norm(eff["name"]) if isinstance(eff.get("name"), str) else None
            if got.get("name") != want or got.get("owner", {}).get("id") != a.user["id"]:
                fz.problem(f"app created as {got.get('name')!r}, sent {want!r}", "POST",
                           "/v1/apps", data, r)
            if got.get("name"):
                n = quote(got["name"])
                fz.send("DELETE", f"/v1/apps/{n}?current_name={n}", token=a.token,
                        what="cleanup")
        now = app_names(fz, a)
        if r.status_code not in OK and now != state:
            fz.problem(f"4xx changed the apps {state} -> {now}", "POST", "/v1/apps", data, r)
        state = now
    root = srv.env["PAASPORT_REPO_ROOT"]
    live = {x[0] + ".git" for x in srv.sql("SELECT id FROM apps WHERE deleted_at IS NULL")}
    orphans = set(os.listdir(root)) - live
    if orphans:
        fz.problems.append(f"repositories without a live app: {sorted(orphans)[:5]}")
    fz.finish(250)


SIZES = ["S", "M", "L", "XL", "2XL", "3XL"]
TYPES = ["web", "worker", "clock", "fz_type-1"] * 4 + [f"t{n}" for n in range(14)]  # 18


def formation(fz, app, token):
    doc = fz.get_ok(f"/v1/apps/{quote(app)}/containers", token)
    return {c["name"]: (c["amount"], c["size"]) for c in doc["containers"]}


def scale_model(state, body):
    """The formation a 202 must leave, or None when the body is beyond the model."""
    if not isinstance(body, dict) or not isinstance(body.get("containers"), list):
        return None
    exp = dict(state)
    for it in body["containers"]:
        if not isinstance(it, dict):
            return None
        n, amount, size = it.get("name"), it.get("amount"), it.get("size")
        if not isinstance(n, str) or type(amount) is not int or \
                not (size is None or isinstance(size, str)):
            return None
        n = norm(n)
        exp[n] = (amount, size if size is not None else (exp[n][1] if n in exp else "M"))
    return exp


def test_fuzz_scale(world):
    fz = Fuzzer(world, "scale")
    a, b, e, rng = world.alice, world.bob, world.eve, fz.rng
    state = formation(fz, a.app["name"], a.token)
    for i in cases(400):
        items = []
        names = []
        while len(names) < rng.randint(1, 3):
            t = rng.choice(TYPES)
            if t not in names:
                names.append(t)
        for t in names:
            it = {"name": t, "amount": rng.randint(0, 10)}
            if rng.random() < 0.7:
                it["size"] = rng.choice(SIZES)
            items.append(it)
        body, data = fz.case({"containers": items})
        k = rng.randrange(20)
        if k < 10:
            target, allowed = a.app["name"], None
        elif k < 14:
            target, allowed = a.app["id"], None
        elif k < 17:
            target, allowed = b.app[rng.choice(["name", "id"])], (400, 403)  # limited there
        elif k < 19:
            target, allowed = e.app[rng.choice(["name", "id"])], (400, 404)  # a stranger's
        else:
            target = rng.choice([world.mangle(rng, a.app["name"]), world.mangle(rng, b.app["id"])]
                                + world.junk_ids)
            allowed = (400, 404, 405)
        path = f"/v1/apps/{quote(target)}/scale"
        r = fz.send("POST", path, data, token=a.token, what="scale")
        if allowed is not None:
            if r.status_code not in allowed:
                fz.problem(f"scale of an app not alice's to scale: want {allowed}", "POST", path,
                           data, r)
            continue
        now = formation(fz, a.app["name"], a.token)
        if r.status_code in OK:
            exp = scale_model(state, body)
            got = {c["name"]: (c["amount"], c["size"]) for c in r.json().get("containers", [])}
            if got != now or (exp is not None and now != exp):
                fz.problem(f"after 202 the formation is {now} (answered {got}), expected {exp}",
                           "POST", path, data, r)
        elif now != state:
            fz.problem(f"4xx changed the formation {state} -> {now}", "POST", path, data, r)
        state = now
    fz.finish(400)


def app_events(fz, app, token):
    doc = fz.get_ok(f"/v1/apps/{quote(app)}/events?per_page=1", token)
    return doc["meta"]["pagination"]["total_count"], (doc["events"] or [None])[0]


def test_fuzz_restart(world):
    fz = Fuzzer(world, "restart")
    a, e, rng = world.alice, world.eve, fz.rng
    count, _ = app_events(fz, a.app["id"], a.token)
    types = list(formation(fz, a.app["name"], a.token))
    for i in cases(200):
        base = rng.choice([{"scope": [rng.choice(types)]}, {"scope": types[:2]}, {"scope": None},
                           {}])
        body, data = fz.case(base)
        if rng.random() < 0.08:
            body, data = {}, NOBODY
        k = rng.randrange(10)
        # (not bob's app: a limited collaborator may restart it, that is no fuzz finding)
        if k < 8:
            target, foreign = a.app[rng.choice(["name", "id"])], False
        elif k < 9:
            target, foreign = e.app[rng.choice(["name", "id"])], True
        else:
            target, foreign = rng.choice(world.junk_ids + [world.mangle(rng, a.app["id"])]), True
        path = f"/v1/apps/{quote(target)}/restart"
        sent = None if data is NOBODY else data
        r = fz.send("POST", path, data, token=a.token, what="restart")
        if foreign:
            if r.status_code not in (400, 404, 405):
                fz.problem("restart of an app alice has no role on", "POST", path, sent, r)
            continue
        now, newest = app_events(fz, a.app["id"], a.token)
        if r.status_code in OK:
            scope = body.get("scope") if isinstance(body, dict) else None
            want = [norm(s) if isinstance(s, str) else s for s in scope] \
                if isinstance(scope, list) and scope else None
            if now != count + 1 or newest["type"] != "restart" or \
                    newest["type_data"] != {"scope": want}:
                fz.problem(f"after 202: {now - count} new events, newest {newest}, "
                           f"expected scope {want}", "POST", path, sent, r)
        elif now != count:
            fz.problem(f"4xx added {now - count} events to the timeline", "POST", path, sent, r)
        count = now
    fz.finish(200)


# ---------------------------------------------------------------- collaborators

def collaborators(fz, app, token):
    doc = fz.get_ok(f"/v1/apps/{quote(app)}/collaborators", token)
    return {k["id"]: (k["email"], k["is_limited"], k["status"]) for k in doc["collaborators"]}


def test_fuzz_collaborators(world):
    fz = Fuzzer(world, "collab")
    a, b, e, rng = world.alice, world.bob, world.eve, fz.rng
    app = a.app["name"]
    state = collaborators(fz, app, a.token)
    invited = []

    def check(method, path, data, r, what):
        now = collaborators(fz, app, a.token)
        if r.status_code not in OK and now != state:
            fz.problem(f"4xx changed the collaborators {state} -> {now}", method, path, data, r)
        return now

    for i in cases(170):
        base = {"collaborator": {"email": f"fz-invite-{i}@example.com",
                                 "is_limited": i % 3 == 0}}
        body, data = fz.case(base if i % 4 else base["collaborator"])
        k = rng.randrange(20)
        target, allowed = app, None
        if 14 <= k < 17:
            target, allowed = b.app["name"], (400, 403)
        elif 17 <= k < 19:
            target, allowed = e.app["id"], (400, 404)
        elif k == 19:
            target, allowed = rng.choice(world.junk_ids), (400, 404, 405)
        path = f"/v1/apps/{quote(target)}/collaborators"
        r = fz.send("POST", path, data, token=a.token, what="invite")
        if allowed is not None:
            if r.status_code not in allowed:
                fz.problem(f"invitation on an app alice does not own: want {allowed}", "POST",
                           path, data, r)
            continue
        if r.status_code in OK:
            got = r.json().get("collaborator", {})
            eff = fz.effective(body, "collaborator", "POST", path, data, r)
            want = (norm(eff["email"]) if isinstance(eff.get("email"), str) else None,
                    eff.get("is_limited") is True)
            if (got.get("email"), got.get("is_limited")) != want:
                fz.problem(f"invited {got}, sent {want}", "POST", path, data, r)
            invited.append(got.get("id", "?"))
        state = check("POST", path, data, r, "invite")

    # the role of a collaborator: alice's entries, bob's (403), eve's and ids of another app
    targets = [(app, a.carol_k["id"], None), (app, a.pending_k["id"], None),
               (app, b.dave_k["id"], (400, 404)), (b.app["name"], b.dave_k["id"], (400, 403)),
               (b.app["name"], b.alice_k["id"], (400, 403)),
               (e.app["name"], e.pending_k["id"], (400, 404)),
               (app, e.pending_k["id"], (400, 404))]
    for i in cases(160):
        val = i % 2 == 0
        body, data = fz.case({"collaborator": {"is_limited": val}} if i % 3 else
                             {"is_limited": val})
        k = rng.randrange(10)
        if k < 8:
            target, kid, allowed = rng.choice(targets)
        else:
            target, kid, allowed = app, rng.choice(
                world.junk_ids + [world.mangle(rng, a.carol_k["id"])]), (400, 404, 405)
        path = f"/v1/apps/{quote(target)}/collaborators/{quote(kid)}"
        r = fz.send("PATCH", path, data, token=a.token, what="collaborator role")
        if allowed is not None:
            if r.status_code not in allowed:
                fz.problem(f"role change not alice's to make: want {allowed}", "PATCH", path,
                           data, r)
            continue
        if r.status_code in OK:
            eff = fz.effective(body, "collaborator", "PATCH", path, data, r)
            got = r.json().get("collaborator", {})
            if got.get("is_limited") is not eff.get("is_limited") or got.get("id") != kid:
                fz.problem(f"role answered {got}, sent {eff.get('is_limited')!r}", "PATCH",
                           path, data, r)
            now = collaborators(fz, app, a.token)
            want = dict(state)
            if kid in want:
                want[kid] = (want[kid][0], eff.get("is_limited"), want[kid][2])
            if now != want:
                fz.problem(f"after 200 the collaborators are {now}, expected {want}", "PATCH",
                           path, data, r)
            state = now
        else:
            state = check("PATCH", path, data, r, "role")

    # removal (no body): the invitations made above, and entries alice may not remove
    others = [(b.app["name"], b.dave_k["id"], (403,)), (b.app["name"], b.pending_k["id"], (403,)),
              (app, b.dave_k["id"], (404,)), (e.app["id"], e.pending_k["id"], (404,)),
              (app, world.mangle(rng, a.carol_k["id"]), (400, 404, 405))]
    for i in cases(60):
        if invited and i % 2 == 0:
            target, kid, allowed = app, invited.pop(), None
        else:
            target, kid, allowed = rng.choice(others)
        path = f"/v1/apps/{quote(target)}/collaborators/{quote(kid)}"
        r = fz.send("DELETE", path, token=a.token, what="collaborator removal")
        if allowed is not None:
            if r.status_code not in allowed:
                fz.problem(f"removal not alice's to make: want {allowed}", "DELETE", path,
                           None, r)
            continue
        now = collaborators(fz, app, a.token)
        if r.status_code == 204:
            want = {x: v for x, v in state.items() if x != kid}
            if now != want:
                fz.problem("204 but the collaborators are not the same minus one", "DELETE",
                           path, None, r)
        elif now != state:
            fz.problem("4xx changed the collaborators", "DELETE", path, None, r)
        state = now
    fz.finish(300)


# ---------------------------------------------------------------- ids of others

def test_fuzz_foreign_and_mangled_ids(world):
    """Every id-taking route with ids of other accounts and near misses of alice's own
    (case, LIKE wildcards, NUL, cuts): 404 (403 where alice has a lesser role), never a
    hit. The disposable app is deleted only with its exact name, then recreated."""
    fz = Fuzzer(world, "ids")
    a, b, e, rng = world.alice, world.bob, world.eve, fz.rng
    own = [a.victim["id"], a.exch["id"], a.api_token["id"], a.app["id"], a.app["name"],
           a.carol_k["id"]]
    for i in cases(300):
        k = rng.randrange(10)
        if k == 0:
            tid = rng.choice(world.foreign_tokens + [world.mangle(rng, x) for x in own[:3]]
                             + world.junk_ids)
            m = rng.choice(["GET", "DELETE", "PATCH"])
            path = f"/v1/tokens/{quote(tid)}" + ("/renew" if m == "PATCH" else "")
            allowed = (400, 404, 405)
        elif k == 1:
            sid = rng.choice(world.foreign_sessions + world.junk_ids +
                             [world.mangle(rng, x) for x in world.foreign_sessions])
            m, path, allowed = "DELETE", f"/v1/sessions/{quote(sid)}", (400, 404, 405)
        elif k in (2, 3):
            app = rng.choice([e.app["id"], e.app["name"]] + world.junk_ids +
                             [world.mangle(rng, x) for x in (a.app["id"], a.app["name"],
                                                             b.app["id"], e.app["name"])])
            sub = rng.choice(["", "/containers", "/events", "/collaborators"])
            m, path, allowed = "GET", f"/v1/apps/{quote(app)}{sub}", (400, 404, 405)
        elif k == 4:
            app = rng.choice([b.app["name"], b.app["id"]])
            sub = rng.choice(["", "/containers", "/events", "/collaborators"])
            m, path, allowed = "GET", f"/v1/apps/{quote(app)}{sub}", (200,)  # collaborator
        elif k == 5:
            app = rng.choice([b.app["name"], e.app["name"], e.app["id"]])
            cur = rng.choice([app, b.app["name"], e.app["name"], "%"])
            m, path = "DELETE", f"/v1/apps/{quote(app)}?current_name={quote(cur)}"
            allowed = (403,) if app == b.app["name"] else (404,)
        elif k in (6, 7):
            name = a.disposable["name"]
            cur = name if rng.random() < 0.15 else weird_string(rng, name)
            if len(quote(cur)) > 3000:  # an overlong URL is the HTTP layer's (test_robustness)
                cur = cur[:300]
            m, path = "DELETE", f"/v1/apps/{quote(name)}?current_name={quote(cur)}"
            allowed = (204,) if norm(cur) == name else (422,)
        elif k == 9:
            tok = rng.choice([world.mangle(rng, world.eve_invitation)] + world.junk_ids)
            m, path = "GET", f"/v1/apps/collaboration?token={quote(tok)}"
            allowed = (400, 404)
        else:
            kid = rng.choice([b.dave_k["id"], b.pending_k["id"], e.pending_k["id"]] +
                             [world.mangle(rng, x) for x in (a.carol_k["id"], b.alice_k["id"])])
            app = rng.choice([a.app["name"], e.app["name"]])
            m, path, allowed = "DELETE", f"/v1/apps/{quote(app)}/collaborators/{quote(kid)}", \
                (400, 404, 405)
        r = fz.send(m, path, token=a.token, what="id")
        if r.status_code not in allowed:
            fz.problem(f"want {allowed}", m, path, None, r)
        if path.startswith(f"/v1/apps/{a.disposable['name']}?") and r.status_code == 204:
            a.disposable = create_app(a, a.disposable["name"])
        elif path.startswith(f"/v1/apps/{a.disposable['name']}?"):
            fz.get_ok(f"/v1/apps/{a.disposable['id']}", a.token)  # still there
    assert fz.get_ok("/v1/users/self", a.token)["user"]["id"] == a.user["id"]
    fz.finish(200)


# ---------------------------------------------------------------- public routes

def users_count(srv):
    return srv.sql("SELECT COUNT(*) FROM users")[0][0]


def test_fuzz_signup(world):
    fz = Fuzzer(world, "signup")
    srv = world.server
    code = world.alice.user["referral_url"].rsplit("/r/", 1)[1]
    n = users_count(srv)
    for i in cases(160):
        inner = {"email": f"fz-signup-{i}@example.com", "username": f"fzsu{i}",
                 "password": f"signup passphrase {i}", "fullname": "Fuzz Signup",
                 "referral_code": code}
        body, data = fz.case({"user": inner} if i % 4 else inner)
        r = fz.send("POST", "/v1/users", data, what="signup")
        now = users_count(srv)
        if r.status_code in OK:
            eff = fz.effective(body, "user", "POST", "/v1/users", data, r)
            got = r.json().get("user", {})
            want = {f: norm(eff[f]) if isinstance(eff.get(f), str) else "" for f in
                    ("username", "email", "fullname")}
            if {f: got.get(f) for f in want} != want or now != n + 1:
                fz.problem(f"signed up as {got}, sent {want}; users {n} -> {now}", "POST",
                           "/v1/users", data, r)
        elif now != n:
            fz.problem(f"4xx changed the number of users {n} -> {now}", "POST", "/v1/users",
                       data, r)
        n = now
    fz.finish(110)


def test_fuzz_session_login(world):
    fz = Fuzzer(world, "session")
    srv = world.server
    u = user_client(srv, "fzsess")
    uid = u.user["id"]

    def sessions():
        return srv.sql("SELECT COUNT(*) FROM sessions WHERE user_id = ?", uid)[0][0]

    n = sessions()
    for i in cases(120):
        login = u.user["username"] if i % 2 else u.user["email"]
        body, data = fz.case({"login": login, "password": PASSWORD})
        r = fz.send("POST", "/v1/session", data, what="login")
        now = sessions()
        if r.status_code == 200:
            doc = r.json()
            if doc.get("user", {}).get("id") != uid or not doc.get("csrf_token") or \
                    now != n + 1:
                fz.problem(f"login answered {doc.get('user', {}).get('id')}, sessions "
                           f"{n} -> {now}", "POST", "/v1/session", data, r)
        elif now != n:
            fz.problem(f"4xx changed the sessions {n} -> {now}", "POST", "/v1/session", data, r)
        n = now
        if r.status_code == 401:
            # ten failures in a row would lock the account: a success resets the count,
            # so that every case reaches the password check
            ok = requests.post(srv.url + "/v1/session", timeout=20,
                               json={"login": u.user["username"], "password": PASSWORD})
            assert ok.status_code == 200, ok.text
            n = sessions()
    fz.finish(90)


def test_fuzz_password_reset_and_email_confirm(world):
    fz = Fuzzer(world, "links")
    srv = world.server

    def links(uid, kind):
        # in the order they were made: SQLite's rowid; PostgreSQL has none, the creation
        # time orders them (each link is a request and a mail apart from the last)
        order = "created_at, id" if IS_PG else "rowid"
        return srv.sql("SELECT id, used_at FROM one_time_links WHERE user_id = ? AND kind = ? "
                       f"ORDER BY {order}", uid, kind)

    # asking for a link: 202 whatever the address, 400 only for a body without a string
    r1 = user_client(srv, "fzreset1")
    state = links(r1.user["id"], "password_reset")
    for i in cases(80):
        body, data = fz.case({"email": r1.user["email"]})
        r = fz.send("POST", "/v1/users/password/reset", data, what="reset request")
        now = links(r1.user["id"], "password_reset")
        email = body.get("email") if isinstance(body, dict) else None
        if r.status_code == 202:
            mine = isinstance(email, str) and lower_ascii(norm(email)) == lower_ascii(
                r1.user["email"])
            if (len(now) == len(state) + 1) != mine:
                fz.problem(f"links {len(state)} -> {len(now)} for {email!r}", "POST",
                           "/v1/users/password/reset", data, r)
        elif now != state:
            fz.problem("4xx made a link", "POST", "/v1/users/password/reset", data, r)
        state = now

    # using it: 200 sets the password and uses the link; a 4xx leaves both
    r2 = user_client(srv, "fzreset2")
    uid = r2.user["id"]

    def new_link(old=None):
        r = requests.post(srv.url + "/v1/users/password/reset", json={"email": r2.user["email"]})
        assert r.status_code == 202
        return mail_token(srv, r2.user["email"], "Reset", "/#/reset-password/", old)

    def pw_hash():
        return srv.sql("SELECT password_hash FROM users WHERE id = ?", uid)[0][0]

    tok, h = new_link(), pw_hash()
    for i in cases(110):
        body, data = fz.case({"token": tok, "password": f"a fresh passphrase {i}"})
        r = fz.send("PUT", "/v1/users/password/reset", data, what="reset")
        link_used = links(uid, "password_reset")[-1][1] is not None
        if r.status_code == 200:
            if pw_hash() == h or not link_used:
                fz.problem("200 but the password is the same or the link still usable", "PUT",
                           "/v1/users/password/reset", data, r)
            tok, h = new_link(tok), pw_hash()
        elif pw_hash() != h or link_used:
            fz.problem("4xx changed the password or used the link", "PUT",
                       "/v1/users/password/reset", data, r)
            tok, h = new_link(tok), pw_hash()

    # confirming an email change: 200 switches the address, a 4xx leaves the account
    m = user_client(srv, "fzmail")
    serial = [0]

    def change():
        serial[0] += 1
        addr = f"fzmail-new-{serial[0]}@example.com"
        r = m.put("/v1/users/account", {"user": {"email": addr, "current_password": PASSWORD}})
        assert r.status_code == 200, r.text
        return addr, mail_token(srv, addr, "Confirm your new email", "/#/confirm-email/")

    addr, tok = change()
    before = fz.get_ok("/v1/users/self", m.token)["user"]
    for i in cases(100):
        body, data = fz.case({"token": tok})
        r = fz.send("POST", "/v1/users/email/confirm", data, what="email confirm")
        after = fz.get_ok("/v1/users/self", m.token)["user"]
        if r.status_code == 200:
            if after["email"] != addr or after["unconfirmed_email"] is not None:
                fz.problem(f"200 but the account is {after}", "POST", "/v1/users/email/confirm",
                           data, r)
            addr, tok = change()
            after = fz.get_ok("/v1/users/self", m.token)["user"]
        elif after != before:
            fz.problem(f"4xx changed the account {before} -> {after}", "POST",
                       "/v1/users/email/confirm", data, r)
        before = after
    fz.finish(210)


# ---------------------------------------------------------------- timeline queries
# (last: under the UBSan build an overflow here aborts the module's server)

QUERY_VALUES = ["1", "2", "30", "100", "101", "0", "-1", "1000000", "1000001", "72", "73",
                "", " 1", "1 ", "+1", "1e3", "0x10", "01", "abc", "\uff11", "\u0661",
                "99999999999999999999", "9" * 400, "4611686018427387903",
                "4611686018427387904", "1\u0000", "%", "1.5", "\U0001F600",
                # past INT64_MAX: 2^64, 2^64 + 1, 2^65 + 1 (a parser that wraps reads 0, 1, 1)
                "18446744073709551616", "18446744073709551617", "36893488147419103233"]


def query_model(params):
    """The status the parameters must get: 200, 400, or None (beyond the model)."""
    names = [k for k, _ in params]
    known = ("page", "per_page", "anchor", "from")
    if any(names.count(k) > 1 for k in known) or any("\u0000" in v for _, v in params):
        return None
    d = dict(params)

    def num(v, lo, hi):
        return v != "" and all("0" <= c <= "9" for c in v) and lo <= int(v) <= hi

    if "page" in d and not num(d["page"], 1, PAGING_MAX_PAGE):
        return 400
    if "per_page" in d and not num(d["per_page"], 1, 100):
        return 400
    if "anchor" in d and not num(d["anchor"], 0, INT64_MAX // 2):
        return 400
    if "from" in d and not num(d["from"], 1, 72):
        return 400
    return 200


def test_fuzz_event_queries(world):
    fz = Fuzzer(world, "events")
    a, b, e, rng = world.alice, world.bob, world.eve, fz.rng
    # every edge value alone in every parameter, then random mixes
    for name in ("page", "per_page", "anchor", "from"):
        for v in QUERY_VALUES:
            path = f"/v1/events?{name}={quote(v)}"
            r = fz.send("GET", path, token=a.token, what="events")
            want = query_model([(name, v)])
            if want is not None and r.status_code != want:
                fz.problem(f"want {want}", "GET", path, None, r)
    for i in cases(200):
        params = []
        for name in ("page", "per_page", "anchor", "from", "current_name", "token", "x"):
            if rng.random() < 0.45:
                v = rng.choice(QUERY_VALUES) if rng.random() < 0.5 else str(rng.choice(
                    {"page": [1, 2, 3, 1000000], "per_page": [1, 5, 30, 100],
                     "anchor": [0, 1, 10**6], "from": [1, 24, 72]}.get(name, [1])))
                params.append((name, v))
        if params and rng.random() < 0.1:
            params.append(rng.choice(params))
        rng.shuffle(params)
        k = rng.randrange(10)
        if k < 4:
            base, foreign = "/v1/events", False
        elif k < 7:
            base, foreign = f"/v1/apps/{quote(a.app[rng.choice(['name', 'id'])])}/events", False
        elif k < 9:
            base, foreign = f"/v1/apps/{quote(b.app['name'])}/events", False
        else:
            base, foreign = f"/v1/apps/{quote(e.app['id'])}/events", True
        path = base + ("?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in params)
                       if params else "")
        r = fz.send("GET", path, token=a.token, what="events")
        want = 404 if foreign else query_model(params)
        if want is not None and r.status_code != want:
            fz.problem(f"want {want}", "GET", path, None, r)
        if r.status_code == 200 and want == 200:
            doc = r.json()
            d = dict(params)
            per = int(d["per_page"]) if "per_page" in d else 30
            page = int(d["page"]) if "page" in d else 1
            pg = doc.get("meta", {}).get("pagination", {})
            if len(doc.get("events", [])) > per or pg.get("current_page") != page:
                fz.problem(f"{len(doc.get('events', []))} events, pagination {pg}", "GET", path,
                           None, r)
    fz.finish(230)
