#!/usr/bin/env bash
# bench/timeline.sh - timeline page latency as the events table grows.
#
# For each size (default 100k, 1M and 10M events over 10k users and 1k apps) it
# builds a database with paasportd's own schema, fills it with SQL, starts
# paasportd on it (after `sync` and a 2 s warm-up per route, not counted) and
# measures with wrk (1 thread, 4 connections, 5 s each):
#   GET /v1/events?per_page=30&page=1..3            (100 users, random)
#   GET /v1/apps/{app}/events?per_page=30&page=1..3 (100 apps, random)
# and prints p50/p99. Half of the events belong to the 100 measured users and a
# third to the 100 measured apps (the rest spread over all), so every measured
# page is a full page of 30 at every size, and at 10M a measured timeline holds
# 50k (user) or 33k (app) events. Goals (DESIGN.md §8): p99 < 5 ms at 10M, and
# the 10M p99 within 2x of the 100k p99. Sizes: BENCH_SIZES="100000 1000000 10000000".
# When the PostgreSQL server binaries are installed (BENCH_PG=0 skips it), each size
# is measured on PostgreSQL too, after SQLite: a throw-away cluster on loopback with
# the settings of bench/pg.sh, the same rows filled with generate_series.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
. bench/pg.sh
REPO=$PWD

SIZES=${BENCH_SIZES:-"100000 1000000 10000000"}
USERS=10000
APPS=1000
BENCH_TOKENS=100
work=$(mktemp -d /tmp/paasport-bench-timeline.XXXXXX)
srv_pid=
cleanup() {
	[[ -n $srv_pid ]] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	pg_bench_stop
	rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || die "wrk missing: scripts/deps.sh bench"
command -v sqlite3 >/dev/null || die "sqlite3 missing: scripts/deps.sh bench"
make -s bin/paasportd >/dev/null

start_server() { # DB
	local port
	port=$(free_port)
	PAASPORT_LISTEN=127.0.0.1:$port PAASPORT_DATABASE=$1 PAASPORT_ACCESS_LOG=0 \
		PAASPORT_REPO_ROOT=$work/repos PAASPORT_WEB_DIR=web bin/paasportd 2>>"$work/server.log" &
	srv_pid=$!
	URL=http://127.0.0.1:$port
	wait_http "$URL/healthz" || die "paasportd did not start (see $work/server.log)"
}
stop_server() {
	kill "$srv_pid" && wait "$srv_pid" || true
	srv_pid=
}

fill() { # DB N
	local db=$1 n=$2
	start_server "$db" # applies the migrations
	stop_server
	"$PY" - "$BENCH_TOKENS" >"$work/tokens.sql" <<'PY'
import hashlib, sys
for i in range(int(sys.argv[1])):
    h = hashlib.sha256(f"tk-us-bench-{i}".encode()).hexdigest()
    print(f"INSERT INTO tokens(id,user_id,name,secret_hash,version,created_at,issued_at,last_used_at)"
          f" VALUES ('tk-bench-{i}','us-bench-{i}','bench','{h}',1,0,0,4102444800000);")
PY
	sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < $USERS)
INSERT INTO users(id, username, email, email_lc, password_hash, created_at, referral_code)
SELECT 'us-bench-' || i, 'user' || i, 'user' || i || '@example.com', 'user' || i || '@example.com',
       NULL, 0, 'ref' || i FROM k;
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < $APPS)
INSERT INTO apps(id, name, owner_id, status, created_at, updated_at)
SELECT 'ap-bench-' || i, 'bench-app-' || i, 'us-bench-' || i, 'new', 0, 0 FROM k;
.read $work/tokens.sql
DROP INDEX events_user; DROP INDEX events_app;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $n)
INSERT INTO events(id, created_at, type, user_id, app_id, app_name, type_data)
SELECT i, 1700000000000 + i * 10, CASE WHEN i % 3 < 2 THEN 'restart' ELSE 'login_success' END,
       CASE WHEN i % 2 = 0 THEN 'us-bench-' || ((i / 2) % $BENCH_TOKENS)
            ELSE 'us-bench-' || ((i / 2) % $USERS) END,
       CASE WHEN i % 3 = 0 THEN 'ap-bench-' || ((i / 3) % $BENCH_TOKENS)
            WHEN i % 3 = 1 THEN 'ap-bench-' || ((i / 3) % $APPS) END,
       CASE WHEN i % 3 = 0 THEN 'bench-app-' || ((i / 3) % $BENCH_TOKENS)
            WHEN i % 3 = 1 THEN 'bench-app-' || ((i / 3) % $APPS) END,
       CASE WHEN i % 3 < 2 THEN '{"scope":null}' ELSE '{"remote_ip":"127.0.0.1"}' END
FROM k;
CREATE INDEX events_user ON events(user_id, id, created_at);
CREATE INDEX events_app ON events(app_id, id, created_at);
-- what paasportd maintains on every insert
DELETE FROM event_counts;
INSERT INTO event_counts(scope, n) SELECT 'u:' || user_id, COUNT(*) FROM events GROUP BY user_id;
INSERT INTO event_counts(scope, n) SELECT 'a:' || app_id, COUNT(*) FROM events
  WHERE app_id IS NOT NULL GROUP BY app_id;
COMMIT;
ANALYZE;
SQL
}

# fill_pg URI N: the same rows as fill, in PostgreSQL (generate_series; the events
# indexes built after the rows, foreign-key triggers off during the fill only)
fill_pg() {
	local uri=$1 n=$2
	start_server "$uri" # applies the migrations
	stop_server
	pg_bench_psql "$uri" >/dev/null <<SQL
SET session_replication_role = replica;
SET synchronous_commit = off;
BEGIN;
INSERT INTO users(id, username, email, email_lc, password_hash, created_at, referral_code)
SELECT 'us-bench-' || i, 'user' || i, 'user' || i || '@example.com', 'user' || i || '@example.com',
       NULL, 0, 'ref' || i FROM generate_series(0, $USERS - 1) AS i;
INSERT INTO apps(id, name, owner_id, status, created_at, updated_at)
SELECT 'ap-bench-' || i, 'bench-app-' || i, 'us-bench-' || i, 'new', 0, 0
FROM generate_series(0, $APPS - 1) AS i;
\i $work/tokens.sql
DROP INDEX events_user; DROP INDEX events_app;
INSERT INTO events(id, created_at, type, user_id, app_id, app_name, type_data) OVERRIDING SYSTEM VALUE
SELECT i, 1700000000000 + i * 10, CASE WHEN i % 3 < 2 THEN 'restart' ELSE 'login_success' END,
       CASE WHEN i % 2 = 0 THEN 'us-bench-' || ((i / 2) % $BENCH_TOKENS)
            ELSE 'us-bench-' || ((i / 2) % $USERS) END,
       CASE WHEN i % 3 = 0 THEN 'ap-bench-' || ((i / 3) % $BENCH_TOKENS)
            WHEN i % 3 = 1 THEN 'ap-bench-' || ((i / 3) % $APPS) END,
       CASE WHEN i % 3 = 0 THEN 'bench-app-' || ((i / 3) % $BENCH_TOKENS)
            WHEN i % 3 = 1 THEN 'bench-app-' || ((i / 3) % $APPS) END,
       CASE WHEN i % 3 < 2 THEN '{"scope":null}' ELSE '{"remote_ip":"127.0.0.1"}' END
FROM generate_series(1::bigint, $n) AS i;
SELECT setval(pg_get_serial_sequence('events', 'id'), $n);
CREATE INDEX events_user ON events(user_id, id, created_at);
CREATE INDEX events_app ON events(app_id, id, created_at);
DELETE FROM event_counts;
INSERT INTO event_counts(scope, n) SELECT 'u:' || user_id, COUNT(*) FROM events GROUP BY user_id;
INSERT INTO event_counts(scope, n) SELECT 'a:' || app_id, COUNT(*) FROM events
  WHERE app_id IS NOT NULL GROUP BY app_id;
COMMIT;
VACUUM ANALYZE;
CHECKPOINT;
SQL
}

cat >"$work/timeline.lua" <<'LUA'
local mode = os.getenv("BENCH_MODE")
local tokens = tonumber(os.getenv("BENCH_TOKENS"))
math.randomseed(os.time())
request = function()
	local i = math.random(0, tokens - 1)
	local page = math.random(1, 3)
	local path
	if mode == "app" then
		path = "/v1/apps/bench-app-" .. i .. "/events?per_page=30&page=" .. page
	else
		path = "/v1/events?per_page=30&page=" .. page
	end
	return wrk.format("GET", path, {["Authorization"] = "Bearer tk-us-bench-" .. i})
end
LUA

# measure MODE [CONNECTIONS [SECONDS]] -> "p50_ms p99_ms non2xx"
measure() {
	local out
	out=$(BENCH_MODE=$1 BENCH_TOKENS=$BENCH_TOKENS wrk -t1 -c"${2:-4}" -d"${3:-5}s" --latency \
		-s "$work/timeline.lua" "$URL" 2>&1)
	echo "$out" >>"$work/wrk.log"
	"$PY" - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def ms(label):
    m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)\s*$" % label, out, re.M)
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
print(f"{ms('50'):.3f} {ms('99'):.3f} {bad.group(1) if bad else 0}")
PY
}

declare -A P99U P99A
# measure_size ENGINE N DB: fills DB (a SQLite path or a PostgreSQL URI), measures, prints a row
measure_size() {
	local engine=$1 n=$2 db=$3 t0 t1 u50 u99 ubad a50 a99 abad s50 s99 b50 b99
	t0=$(date +%s)
	if [[ $engine == sqlite ]]; then fill "$db" "$n"; else fill_pg "$db" "$n"; fi
	t1=$(date +%s)
	# the fill leaves gigabytes of dirty pages: write them out now, not during the run
	sync
	start_server "$db"
	curl -sf -H "Authorization: Bearer tk-us-bench-1" "$URL/v1/events?per_page=30" >/dev/null ||
		die "the bench token does not work ($engine)"
	# warm-up (not counted): a running server has its pages cached
	measure user 4 2 >/dev/null
	measure app 4 2 >/dev/null
	read -r u50 u99 ubad < <(measure user)
	read -r a50 a99 abad < <(measure app)
	read -r s50 s99 _ < <(measure user 1)
	read -r b50 b99 _ < <(measure app 1)
	stop_server
	[[ $ubad == 0 && $abad == 0 ]] || die "non-2xx answers during the run (see $work/wrk.log)"
	P99U[$engine $n]=$u99
	P99A[$engine $n]=$a99
	printf '%-11s %-10s %-22s %-22s %-22s %-22s %ss\n' "$engine" "$n" "$u50 / $u99" "$a50 / $a99" \
		"$s50 / $s99" "$b50 / $b99" "$((t1 - t0))"
}

ENGINES=sqlite
if [[ ${BENCH_PG:-1} == 1 ]] && pg_bench_available; then
	ENGINES="sqlite postgresql"
	pg_bench_start "$(free_port)" || die "PostgreSQL did not start"
	echo "PostgreSQL on loopback: $(pg_bench_settings)"
fi
echo "p50 / p99 in ms; 4 concurrent clients (goals), and 1 client (the page's own cost)"
printf '%-11s %-10s %-22s %-22s %-22s %-22s %s\n' engine events "/v1/events c4" "app events c4" \
	"/v1/events c1" "app events c1" "fill"
for n in $SIZES; do
	measure_size sqlite "$n" "$work/db-$n"
	rm -f "$work/db-$n" "$work/db-$n-wal" "$work/db-$n-shm"
	if [[ $ENGINES == *postgresql* ]]; then
		measure_size postgresql "$n" "$(pg_bench_createdb "bench_$n")"
		pg_bench_psql "$PG_BENCH_URI" -c "DROP DATABASE bench_$n" >/dev/null
	fi
done

first=${SIZES%% *}
last=${SIZES##* }
echo
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print (v < g) ? "OK" : "MISS" }'; }
for engine in $ENGINES; do
	for kind in user app; do
		if [[ $kind == user ]]; then
			lo=${P99U[$engine $first]} hi=${P99U[$engine $last]}
		else
			lo=${P99A[$engine $first]} hi=${P99A[$engine $last]}
		fi
		ratio=$(awk -v a="$hi" -v b="$lo" 'BEGIN { printf "%.2f", a / b }')
		echo "$engine: $kind timeline p99 at $last events: $hi ms (goal < 5 ms) $(verdict "$hi" 5)"
		echo "$engine: $kind timeline p99 $last / $first: $ratio (goal < 2) $(verdict "$ratio" 2)"
	done
done
