#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2154  # trap-invoked functions; wrk_parse vars set by eval
# bench/api.sh - DESIGN.md section 8: authenticated GET /v1/users/self throughput
# against nginx serving a static file of the same size, plus paasportd's memory.
#
# Builds the repo, starts paasportd (fresh temp database, no access log) and
# nginx (own temp prefix, access_log off) on free loopback ports, creates a
# user, an API token and a JWT, then runs wrk (2 threads, 64 connections,
# 10 s, --latency) on both, and again on paasportd with 256 connections.
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

code=$(post "$TMP/user.json" "$SRV/v1/users" -H 'Content-Type: application/json' \
	-d "{\"user\":{\"email\":\"$USERNAME@bench.example\",\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}}")
[[ $code == 201 || $code == 200 ]] || die "POST /v1/users: HTTP $code: $(cat "$TMP/user.json")"

code=$(post "$TMP/token.json" "$SRV/v1/tokens" -u "$USERNAME:$PASSWORD" \
	-H 'Content-Type: application/json' -d '{"token":{"name":"bench"}}')
[[ $code == 201 || $code == 200 ]] || die "POST /v1/tokens: HTTP $code: $(cat "$TMP/token.json")"
API_TOKEN=$(json_get "$TMP/token.json" token.token)
[[ $API_TOKEN == tk-us-* ]] || die "unexpected API token: $API_TOKEN"

code=$(post "$TMP/jwt.json" "$SRV/v1/tokens/exchange" -u ":$API_TOKEN")
[[ $code == 201 || $code == 200 ]] || die "POST /v1/tokens/exchange: HTTP $code: $(cat "$TMP/jwt.json")"
JWT=$(json_get "$TMP/jwt.json" token)
AUTH="Authorization: Bearer $JWT"

code=$(curl -s -o "$TMP/self.json" -w '%{http_code}' -H "$AUTH" "$SRV$URL_PATH")
[[ $code == 200 ]] || die "GET $URL_PATH: HTTP $code: $(cat "$TMP/self.json")"
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
	wrk -t"$WRK_THREADS" -c"$3" -d"$4" --latency -H "$AUTH" "$2" >"$TMP/wrk-$1.txt" 2>&1 &
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

summary:
EOF
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

if ((srv_non2xx + srv_sockerr + big_non2xx + big_sockerr > 0)); then
	die "paasportd answered non-2xx or had socket errors under load"
fi
if ((MISSES > 0)); then
	echo "$MISSES goal(s) missed"
	[[ ${BENCH_STRICT:-0} == 1 ]] && exit 3
fi
exit 0
