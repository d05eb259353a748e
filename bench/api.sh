#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2154  # trap-invoked functions; wrk_parse vars set by eval
# bench/api.sh - DESIGN.md section 8: authenticated GET /v1/users/self throughput
# against nginx serving a static file of the same size, plus paasportd's memory.
#
# Builds the repo, starts paasportd (fresh temp database, no access log) and
# nginx (own temp prefix, access_log off) on free loopback ports, creates a
# user, an API token and a JWT, then runs wrk (2 threads, 64 connections,
# 10 s, --latency) on both, and again on paasportd with 256 connections.
# Then, when the PostgreSQL server binaries are installed (BENCH_PG=0 skips it),
# the same request on paasportd over PostgreSQL (a throw-away cluster on loopback,
# the settings of bench/pg.sh): one node, then two nodes on the same database
# with one of wrk's two threads on each.
# Prints a summary of `name: value (goal ...) OK|MISS` lines.
#
# Exit status: 1 if the set-up fails or paasportd answers any non-2xx/3xx or
# has socket errors; a MISSed goal alone exits 0 unless BENCH_STRICT=1.
#
# Environment: BENCH_DURATION (wrk -d, default 10s), BENCH_THREADS (nginx
# workers, default nproc: nginx's "auto"), BENCH_SERVER_THREADS (paasportd's
# PAASPORT_THREADS, default: paasportd's own default), BENCH_STRICT=1 (MISS -> exit 3).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
# shellcheck source=bench/pg.sh
. "$HERE/pg.sh"

DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-$(nproc)}
SERVER_THREADS=${BENCH_SERVER_THREADS:-0} # 0: paasportd's default
WRK_THREADS=2
CONNS=64
CONNS_BIG=256
WARMUP=1s
URL_PATH=/v1/users/self

for tool in wrk nginx curl "$PY"; do
	command -v "$tool" >/dev/null || die "$tool not found (scripts/deps.sh bench installs it)"
done

TMP=$(mktemp -d /tmp/paasport-bench.XXXXXX)
SRV_PID=
NGX_PID=
WRK_PID=
RSS_SAMPLER_PID=
PG1_PID=
PG2_PID=
WRK_EXTRA=()

stop_pid() { # stop_pid PID: TERM, wait up to 5 s, then KILL
	local pid=$1 i
	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
cleanup() {
	rss_sampler_stop
	stop_pid "$WRK_PID"
	stop_pid "$SRV_PID"
	stop_pid "$NGX_PID"
	stop_pid "$PG1_PID"
	stop_pid "$PG2_PID"
	pg_bench_stop
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build ---------------------------------------------------------------
log "building"
if ! make -s -C "$REPO" all >"$TMP/build.log" 2>&1; then
	# The bench needs only the server; do not let another binary block it.
	if make -s -C "$REPO" bin/paasportd >>"$TMP/build.log" 2>&1; then
		log "warning: 'make all' failed; built bin/paasportd alone (see below)"
		grep -E 'error|Error' "$TMP/build.log" | head -5 >&2 || true
	else
		cat "$TMP/build.log" >&2
		die "build failed"
	fi
fi
SRV_BIN=$REPO/bin/paasportd
[[ -x $SRV_BIN ]] || die "$SRV_BIN missing after build"

# --- paasportd -------------------------------------------------------------
SRV_PORT=$(free_port)
SRV=http://127.0.0.1:$SRV_PORT
log "starting paasportd on $SRV (PAASPORT_THREADS=$SERVER_THREADS)"
(
	cd "$REPO"
	exec env PAASPORT_LISTEN="127.0.0.1:$SRV_PORT" PAASPORT_DATABASE="$TMP/paasport.db" \
		PAASPORT_ACCESS_LOG=0 PAASPORT_THREADS="$SERVER_THREADS" \
		PAASPORT_PUBLIC_URL="$SRV" "$SRV_BIN"
) >"$TMP/paasportd.log" 2>&1 &
SRV_PID=$!
if ! wait_http "$SRV/healthz" 100; then
	tail -20 "$TMP/paasportd.log" >&2
	die "paasportd did not come up"
fi
RSS_START=$(rss_kib "$SRV_PID")

# --- user, API token, JWT ---------------------------------------------------
USERNAME=bench$$
PASSWORD=bench-password-$$-0123456789
json_get() { # json_get FILE KEY.KEY...
	"$PY" -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[k]
print(v)' "$1" "$2"
}
post() { # post OUTFILE URL CURL-ARGS...: prints the HTTP status
	local out=$1 url=$2
	shift 2
	curl -s -o "$out" -w '%{http_code}' -X POST "$@" "$url"
}

# make_jwt URL NAME: a user, an API token and a JWT on the server at URL; sets JWT
make_jwt() {
	local srv=$1 n=$2 code token
	code=$(post "$TMP/$n-user.json" "$srv/v1/users" -H 'Content-Type: application/json' \
		-d "{\"user\":{\"email\":\"$USERNAME@bench.example\",\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}}")
	[[ $code == 201 || $code == 200 ]] || die "POST /v1/users: HTTP $code: $(cat "$TMP/$n-user.json")"
	code=$(post "$TMP/$n-token.json" "$srv/v1/tokens" -u "$USERNAME:$PASSWORD" \
		-H 'Content-Type: application/json' -d '{"token":{"name":"bench"}}')
	[[ $code == 201 || $code == 200 ]] || die "POST /v1/tokens: HTTP $code: $(cat "$TMP/$n-token.json")"
	token=$(json_get "$TMP/$n-token.json" token.token)
	[[ $token == tk-us-* ]] || die "unexpected API token: $token"
	code=$(post "$TMP/$n-jwt.json" "$srv/v1/tokens/exchange" -u ":$token")
	[[ $code == 201 || $code == 200 ]] || die "POST /v1/tokens/exchange: HTTP $code: $(cat "$TMP/$n-jwt.json")"
	JWT=$(json_get "$TMP/$n-jwt.json" token)
	code=$(curl -s -o "$TMP/$n-self.json" -w '%{http_code}' -H "Authorization: Bearer $JWT" "$srv$URL_PATH")
	[[ $code == 200 ]] || die "GET $URL_PATH: HTTP $code: $(cat "$TMP/$n-self.json")"
}
make_jwt "$SRV" sqlite
cp "$TMP/sqlite-self.json" "$TMP/self.json"
AUTH="Authorization: Bearer $JWT"

BODY_BYTES=$(stat -c %s "$TMP/self.json")
log "GET $URL_PATH -> 200, $BODY_BYTES-byte body"

# --- nginx: the same body as a static file ----------------------------------
NGX=$TMP/nginx
mkdir -p "$NGX/www${URL_PATH%/*}" "$NGX/tmp"
cp "$TMP/self.json" "$NGX/www$URL_PATH"
NGX_PORT=$(free_port)
NGX_USER=
if ((EUID == 0)); then # workers would run as nobody and not read $TMP (0700)
	NGX_USER="user $(id -un) $(id -gn);"
fi
cat >"$NGX/nginx.conf" <<EOF
$NGX_USER
worker_processes $THREADS;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type application/json;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path $NGX/tmp/body;
    proxy_temp_path $NGX/tmp/proxy;
    fastcgi_temp_path $NGX/tmp/fastcgi;
    uwsgi_temp_path $NGX/tmp/uwsgi;
    scgi_temp_path $NGX/tmp/scgi;
    server {
        listen 127.0.0.1:$NGX_PORT;
        server_name localhost;
        root $NGX/www;
    }
}
EOF
NGX_ARGS=(-p "$NGX/" -c "$NGX/nginx.conf" -e "$NGX/error.log")
nginx "${NGX_ARGS[@]}" -t -q 2>"$NGX/test.log" || {
	cat "$NGX/test.log" >&2
	die "nginx config test failed"
}
log "starting nginx on 127.0.0.1:$NGX_PORT ($THREADS workers)"
nginx "${NGX_ARGS[@]}" -g 'daemon off;' >"$NGX/stdout.log" 2>&1 &
NGX_PID=$!
wait_http "http://127.0.0.1:$NGX_PORT$URL_PATH" 100 || {
	cat "$NGX/error.log" "$NGX/stdout.log" >&2 || true
	die "nginx did not come up"
}
read -r code size < <(curl -s -o /dev/null -w '%{http_code} %{size_download}\n' -H "$AUTH" \
	"http://127.0.0.1:$NGX_PORT$URL_PATH")
[[ $code == 200 && $size == "$BODY_BYTES" ]] || die "nginx: HTTP $code, $size bytes (want 200, $BODY_BYTES)"

# --- load ---------------------------------------------------------------------
sleep 0.5
RSS_IDLE=$(rss_kib "$SRV_PID")

run_wrk() { # run_wrk NAME URL CONNS DURATION: output in $TMP/wrk-NAME.txt
	# in the background, so that a signal to this script is handled at once
	wrk -t"$WRK_THREADS" -c"$3" -d"$4" --latency -H "$AUTH" "${WRK_EXTRA[@]}" "$2" \
		>"$TMP/wrk-$1.txt" 2>&1 &
	WRK_PID=$!
	wait "$WRK_PID" || {
		cat "$TMP/wrk-$1.txt" >&2
		die "wrk failed ($1)"
	}
	WRK_PID=
}

log "wrk paasportd: $WRK_THREADS threads, $CONNS connections, $DURATION"
rss_sampler_start "$SRV_PID" "$TMP/rss-peak"
run_wrk warm "$SRV$URL_PATH" "$CONNS" "$WARMUP"
t0=$(cpu_ticks "$SRV_PID")
run_wrk srv "$SRV$URL_PATH" "$CONNS" "$DURATION"
SRV_TICKS=$(($(cpu_ticks "$SRV_PID") - t0))
rss_sampler_stop
RSS_PEAK=$(cat "$TMP/rss-peak")
kill -0 "$SRV_PID" 2>/dev/null || die "paasportd died under load: $(tail -5 "$TMP/paasportd.log")"
sleep 1
RSS_AFTER=$(rss_kib "$SRV_PID")

log "wrk nginx: $WRK_THREADS threads, $CONNS connections, $DURATION"
run_wrk ngxwarm "http://127.0.0.1:$NGX_PORT$URL_PATH" "$CONNS" "$WARMUP"
mapfile -t NGX_PIDS < <(echo "$NGX_PID"; pgrep -P "$NGX_PID" || true) # master + workers
t0=$(cpu_ticks "${NGX_PIDS[@]}")
run_wrk ngx "http://127.0.0.1:$NGX_PORT$URL_PATH" "$CONNS" "$DURATION"
NGX_TICKS=$(($(cpu_ticks "${NGX_PIDS[@]}") - t0))

log "wrk paasportd: $WRK_THREADS threads, $CONNS_BIG connections, $DURATION"
rss_sampler_start "$SRV_PID" "$TMP/rss-peak-big"
t0=$(cpu_ticks "$SRV_PID")
run_wrk big "$SRV$URL_PATH" "$CONNS_BIG" "$DURATION"
BIG_TICKS=$(($(cpu_ticks "$SRV_PID") - t0))
rss_sampler_stop
RSS_PEAK_BIG=$(cat "$TMP/rss-peak-big")
kill -0 "$SRV_PID" 2>/dev/null || die "paasportd died under load: $(tail -5 "$TMP/paasportd.log")"
sleep 1
RSS_AFTER_BIG=$(rss_kib "$SRV_PID")

# --- PostgreSQL: one node, then two nodes on one database ---------------------
PG_RAN=0
if [[ ${BENCH_PG:-1} == 1 ]] && pg_bench_available; then
	PG_RAN=1
	log "starting PostgreSQL on loopback (bench/pg.sh settings)"
	pg_bench_start "$(free_port)" || die "PostgreSQL did not start"
	PG_SETTINGS=$(pg_bench_settings)
	PG_DB=$(pg_bench_createdb bench) || die "createdb failed"
	start_node() { # NAME: a paasportd on PG_DB; sets NODE_PID and NODE_PORT
		NODE_PORT=$(free_port)
		(
			cd "$REPO"
			exec env PAASPORT_LISTEN="127.0.0.1:$NODE_PORT" PAASPORT_DATABASE="$PG_DB" \
				PAASPORT_ACCESS_LOG=0 PAASPORT_THREADS="$SERVER_THREADS" \
				PAASPORT_PUBLIC_URL="http://127.0.0.1:$NODE_PORT" "$SRV_BIN"
		) >"$TMP/$1.log" 2>&1 &
		NODE_PID=$!
		wait_http "http://127.0.0.1:$NODE_PORT/healthz" 100 || {
			tail -20 "$TMP/$1.log" >&2
			die "paasportd ($1) on PostgreSQL did not come up"
		}
	}
	start_node pg1
	PG1_PID=$NODE_PID PG1_PORT=$NODE_PORT
	make_jwt "http://127.0.0.1:$PG1_PORT" pg
	AUTH="Authorization: Bearer $JWT"
	PG1_URL=http://127.0.0.1:$PG1_PORT$URL_PATH

	log "wrk paasportd on PostgreSQL, one node: $WRK_THREADS threads, $CONNS connections, $DURATION"
	run_wrk pg1warm "$PG1_URL" "$CONNS" "$WARMUP"
	mapfile -t PG_PIDS < <(pg_bench_pids)
	t0=$(cpu_ticks "$PG1_PID")
	d0=$(cpu_ticks "${PG_PIDS[@]}")
	run_wrk pg1 "$PG1_URL" "$CONNS" "$DURATION"
	PG1_TICKS=$(($(cpu_ticks "$PG1_PID") - t0))
	PG1_DBTICKS=$(($(cpu_ticks "${PG_PIDS[@]}") - d0))

	start_node pg2
	PG2_PID=$NODE_PID PG2_PORT=$NODE_PORT
	# wrk aims at one address: each of its threads is sent to one node instead
	cat >"$TMP/two-nodes.lua" <<'LUA'
local nodes, n = {}, 0
for h in string.gmatch(os.getenv("BENCH_NODES"), "%S+") do nodes[#nodes + 1] = h end
function setup(thread)
	local host, port = string.match(nodes[n % #nodes + 1], "([^:]+):(%d+)")
	thread.addr = wrk.lookup(host, port)[1]
	n = n + 1
end
LUA
	export BENCH_NODES="127.0.0.1:$PG1_PORT 127.0.0.1:$PG2_PORT"
	WRK_EXTRA=(-s "$TMP/two-nodes.lua")
	log "wrk paasportd on PostgreSQL, two nodes: one wrk thread per node, $CONNS connections in all"
	run_wrk pg2warm "$PG1_URL" "$CONNS" "$WARMUP"
	mapfile -t PG_PIDS < <(pg_bench_pids)
	t0=$(cpu_ticks "$PG1_PID")
	t1=$(cpu_ticks "$PG2_PID")
	d0=$(cpu_ticks "${PG_PIDS[@]}")
	run_wrk pg2 "$PG1_URL" "$CONNS" "$DURATION"
	PG2_N1=$(($(cpu_ticks "$PG1_PID") - t0))
	PG2_N2=$(($(cpu_ticks "$PG2_PID") - t1))
	PG2_TICKS=$((PG2_N1 + PG2_N2))
	PG2_DBTICKS=$(($(cpu_ticks "${PG_PIDS[@]}") - d0))
	WRK_EXTRA=()
	for p in "$PG1_PID" "$PG2_PID"; do
		kill -0 "$p" 2>/dev/null || die "paasportd on PostgreSQL died under load"
	done
fi

eval "$(wrk_parse "$TMP/wrk-srv.txt" | sed 's/^/srv_/')"
eval "$(wrk_parse "$TMP/wrk-ngx.txt" | sed 's/^/ngx_/')"
eval "$(wrk_parse "$TMP/wrk-big.txt" | sed 's/^/big_/')"
SRV_CPU=$(us_per_req "$SRV_TICKS" "$srv_requests")
NGX_CPU=$(us_per_req "$NGX_TICKS" "$ngx_requests")
BIG_CPU=$(us_per_req "$BIG_TICKS" "$big_requests")
RATIO=$(awk -v a="$srv_rps" -v b="$ngx_rps" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')

# --- report -----------------------------------------------------------------
mib() { kib_to_mib "$1"; }
cat <<EOF

GET $URL_PATH ($BODY_BYTES-byte body), wrk -t$WRK_THREADS --latency, $DURATION, nginx workers: $THREADS, PAASPORT_THREADS: $SERVER_THREADS (0 = default)
                 conns   requests/s   p50 ms   p99 ms   non-2xx   socket errors   server CPU us/req
  paasportd      $(printf '%5d %12.0f %8.2f %8.2f %9d %15d %19s' "$CONNS" "$srv_rps" "$srv_p50_ms" "$srv_p99_ms" "$srv_non2xx" "$srv_sockerr" "$SRV_CPU")
  nginx          $(printf '%5d %12.0f %8.2f %8.2f %9d %15d %19s' "$CONNS" "$ngx_rps" "$ngx_p50_ms" "$ngx_p99_ms" "$ngx_non2xx" "$ngx_sockerr" "$NGX_CPU")
  paasportd      $(printf '%5d %12.0f %8.2f %8.2f %9d %15d %19s' "$CONNS_BIG" "$big_rps" "$big_p50_ms" "$big_p99_ms" "$big_non2xx" "$big_sockerr" "$BIG_CPU")
paasportd RSS MiB: start $(mib "$RSS_START"), idle $(mib "$RSS_IDLE"), peak@$CONNS $(mib "$RSS_PEAK"), after $(mib "$RSS_AFTER"), peak@$CONNS_BIG $(mib "$RSS_PEAK_BIG"), after $(mib "$RSS_AFTER_BIG")

EOF
if ((PG_RAN)); then
	eval "$(wrk_parse "$TMP/wrk-pg1.txt" | sed 's/^/pg1_/')"
	eval "$(wrk_parse "$TMP/wrk-pg2.txt" | sed 's/^/pg2_/')"
	PG1_CPU=$(us_per_req "$PG1_TICKS" "$pg1_requests")
	PG1_DBCPU=$(us_per_req "$PG1_DBTICKS" "$pg1_requests")
	PG2_CPU=$(us_per_req "$PG2_TICKS" "$pg2_requests")
	PG2_DBCPU=$(us_per_req "$PG2_DBTICKS" "$pg2_requests")
	PG_RATIO=$(awk -v a="$pg1_rps" -v b="$ngx_rps" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
	PG_SQ=$(awk -v a="$pg1_rps" -v b="$srv_rps" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
	TWO_RATIO=$(awk -v a="$pg2_rps" -v b="$pg1_rps" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
	cat <<EOF

PostgreSQL on loopback: $PG_SETTINGS
                 conns   requests/s   p50 ms   p99 ms   non-2xx   socket errors   paasportd CPU us/req   postgres CPU us/req
  PG, 1 node     $(printf '%5d %12.0f %8.2f %8.2f %9d %15d %22s %21s' "$CONNS" "$pg1_rps" "$pg1_p50_ms" "$pg1_p99_ms" "$pg1_non2xx" "$pg1_sockerr" "$PG1_CPU" "$PG1_DBCPU")
  PG, 2 nodes    $(printf '%5d %12.0f %8.2f %8.2f %9d %15d %22s %21s' "$CONNS" "$pg2_rps" "$pg2_p50_ms" "$pg2_p99_ms" "$pg2_non2xx" "$pg2_sockerr" "$PG2_CPU" "$PG2_DBCPU")
two nodes: CPU ticks node 1 / node 2: $PG2_N1 / $PG2_N2 (both loaded: the load was spread)
EOF
fi

echo
echo "summary:"
ok() { if "$@"; then echo 1; else echo 0; fi; }
check "paasportd requests/s" "$(printf '%.0f' "$srv_rps")" "-" 1
check "nginx requests/s" "$(printf '%.0f' "$ngx_rps")" "-" 1
check "throughput ratio paasportd/nginx" "$RATIO" ">= 0.60" "$(ok fcmp "$RATIO" '>=' 0.60)"
check "paasportd CPU per request us" "$SRV_CPU" "-" 1
check "nginx CPU per request us" "$NGX_CPU" "-" 1
check "paasportd p50/p99 ms" "$srv_p50_ms/$srv_p99_ms" "-" 1
check "nginx p50/p99 ms" "$ngx_p50_ms/$ngx_p99_ms" "-" 1
check "paasportd non-2xx @$CONNS" "$srv_non2xx" "0" "$(ok test "$srv_non2xx" -eq 0)"
check "paasportd socket errors @$CONNS" "$srv_sockerr" "0" "$(ok test "$srv_sockerr" -eq 0)"
check "paasportd non-2xx @$CONNS_BIG" "$big_non2xx" "0" "$(ok test "$big_non2xx" -eq 0)"
check "paasportd socket errors @$CONNS_BIG" "$big_sockerr" "0" "$(ok test "$big_sockerr" -eq 0)"
check "paasportd RSS idle MiB" "$(mib "$RSS_IDLE")" "< 30" "$(ok test "$RSS_IDLE" -lt $((30 * 1024)))"
check "paasportd RSS peak @$CONNS MiB" "$(mib "$RSS_PEAK")" "< 100" "$(ok test "$RSS_PEAK" -lt $((100 * 1024)))"
check "paasportd RSS after load MiB" "$(mib "$RSS_AFTER")" "-" 1
check "paasportd RSS peak @$CONNS_BIG MiB" "$(mib "$RSS_PEAK_BIG")" "< 100" "$(ok test "$RSS_PEAK_BIG" -lt $((100 * 1024)))"
check "paasportd RSS after @$CONNS_BIG MiB" "$(mib "$RSS_AFTER_BIG")" "-" 1

if ((PG_RAN)); then
	pg_bad=$((pg1_non2xx + pg1_sockerr + pg2_non2xx + pg2_sockerr))
	check "PostgreSQL: throughput ratio paasportd/nginx" "$PG_RATIO" ">= 0.50" "$(ok fcmp "$PG_RATIO" '>=' 0.50)"
	check "PostgreSQL: throughput PG/SQLite, one node" "$PG_SQ" "-" 1
	check "PostgreSQL: CPU per request us, paasportd + postgres" "$PG1_CPU + $PG1_DBCPU" "-" 1
	check "PostgreSQL: p50/p99 ms, one node" "$pg1_p50_ms/$pg1_p99_ms" "-" 1
	check "PostgreSQL: throughput two nodes / one node" "$TWO_RATIO" "- (CPU-bound on few cores: bench/README.md)" 1
	check "PostgreSQL: non-2xx + socket errors" "$pg_bad" "0" "$(ok test "$pg_bad" -eq 0)"
	((pg_bad == 0)) || die "paasportd on PostgreSQL answered non-2xx or had socket errors under load"
fi
if ((srv_non2xx + srv_sockerr + big_non2xx + big_sockerr > 0)); then
	die "paasportd answered non-2xx or had socket errors under load"
fi
if ((MISSES > 0)); then
	echo "$MISSES goal(s) missed"
	[[ ${BENCH_STRICT:-0} == 1 ]] && exit 3
fi
exit 0
