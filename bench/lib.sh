# shellcheck shell=bash
# bench/lib.sh - helpers shared by the bench/ scripts (sourced, not run).
# Everything here uses loopback addresses only.

PY=/usr/bin/python3

log() { printf '== %s\n' "$*" >&2; }
die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

# A free TCP port on 127.0.0.1 (the kernel picks it; tiny race before use).
free_port() {
	"$PY" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL [TRIES]: poll until URL answers anything (up to TRIES x 0.1 s).
wait_http() {
	local url=$1 tries=${2:-100} i
	for ((i = 0; i < tries; i++)); do
		curl -s -o /dev/null --max-time 1 "$url" && return 0
		sleep 0.1
	done
	return 1
}

# rss_kib PID: resident set size in KiB (VmRSS), or 0 if the process is gone.
rss_kib() {
	local r
	r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || true
	echo "${r:-0}"
}

# cpu_ticks PID...: user + system CPU time of the processes, in clock ticks.
cpu_ticks() {
	local t=0 p v
	for p in "$@"; do
		# fields 14/15 of /proc/PID/stat; the command name (field 2) may hold spaces
		v=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }') || v=0
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

# us_per_req TICKS REQUESTS: CPU microseconds per request.
us_per_req() {
	awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.1f", (n > 0) ? t * 1e6 / hz / n : 0 }'
}

# kib_to_mib KIB: "12.3"
kib_to_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# rss_sampler_start PID FILE: sample VmRSS every 0.2 s in the background and
# keep the peak (KiB) in FILE. Sets RSS_SAMPLER_PID; stop with rss_sampler_stop.
rss_sampler_start() {
	local pid=$1 file=$2
	echo 0 >"$file"
	(
		peak=0
		while kill -0 "$pid" 2>/dev/null; do
			r=$(rss_kib "$pid")
			if ((r > peak)); then
				peak=$r
				echo "$peak" >"$file.tmp" && mv -f "$file.tmp" "$file"
			fi
			sleep 0.2
		done
	) &
	RSS_SAMPLER_PID=$!
}
rss_sampler_stop() {
	if [[ -n ${RSS_SAMPLER_PID:-} ]]; then
		kill "$RSS_SAMPLER_PID" 2>/dev/null || true
		wait "$RSS_SAMPLER_PID" 2>/dev/null || true
		RSS_SAMPLER_PID=
	fi
}

# wrk_parse FILE: turn wrk --latency output into shell assignments
#   rps=... p50_ms=... p99_ms=... non2xx=... sockerr=... requests=...
# (eval the output). Latencies are converted to milliseconds.
wrk_parse() {
	"$PY" - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", v)
    if not m:
        return "nan"
    n, u = float(m.group(1)), m.group(2)
    return "%.2f" % (n * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u])
def grab(pat, default="nan"):
    m = re.search(pat, text, re.M)
    return m.group(1) if m else default
out = {
    "rps": grab(r"^Requests/sec:\s+([0-9.]+)"),
    "p50_ms": ms(grab(r"^\s+50%\s+(\S+)", "")),
    "p99_ms": ms(grab(r"^\s+99%\s+(\S+)", "")),
    "non2xx": grab(r"Non-2xx or 3xx responses:\s+(\d+)", "0"),
    "requests": grab(r"^\s+(\d+) requests in", "0"),
}
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
out["sockerr"] = sum(int(x) for x in m.groups()) if m else 0
for k, v in out.items():
    print("%s=%s" % (k, v))
EOF
}

# check NAME VALUE GOAL_TEXT OK(0/1): one summary line, counts misses in MISSES.
MISSES=0
check() {
	local name=$1 value=$2 goal=$3 ok=$4
	if [[ $ok == 1 ]]; then
		printf '%s: %s (goal %s) OK\n' "$name" "$value" "$goal"
	else
		printf '%s: %s (goal %s) MISS\n' "$name" "$value" "$goal"
		MISSES=$((MISSES + 1))
	fi
}

# fcmp A OP B: floating-point comparison (OP is one of < <= > >=).
fcmp() { awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
	r = (op == "<") ? a < b : (op == "<=") ? a <= b : (op == ">") ? a > b : a >= b
	exit !r }'; }
