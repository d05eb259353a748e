#!/usr/bin/env bash
# Builds every fuzz/fuzz_*.c as a libFuzzer binary (clang, ASan+UBSan) into
# build/fuzz/ and runs each for SECONDS on a copy of its seed corpus
# (fuzz/corpus/<target>/ is never written). Fails when a target does not build
# or finds a crash, leak, timeout or sanitizer error.
#
# Usage: scripts/fuzz.sh SECONDS
#
# Each target names the sources it needs on a "FUZZ_SRC:" line in its opening
# comment; "@lib" stands for every server module (the Makefile's LIB_SRC).
set -uo pipefail

if [ $# -ne 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
	echo "usage: $0 SECONDS" >&2
	exit 2
fi
secs=$1
cd "$(dirname "$0")/.." || exit 2

CC=${FUZZ_CC:-clang}
PKGS=(libmicrohttpd jansson sqlite3 libsodium libcurl libpq liboath libqrencode)
if ! command -v "$CC" >/dev/null 2>&1; then
	echo "fuzz: $CC not found (scripts/deps.sh test installs it)" >&2
	exit 2
fi
if ! pkg_cflags=$(pkg-config --cflags "${PKGS[@]}") || ! pkg_libs=$(pkg-config --libs "${PKGS[@]}"); then
	echo "fuzz: pkg-config failed for: ${PKGS[*]}" >&2
	exit 2
fi
# shellcheck disable=SC2206,SC2054
CFLAGS=(-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Isrc $pkg_cflags)
# shellcheck disable=SC2206
LIBS=($pkg_libs -lpthread)
LIB_SRC=(src/util/*.c src/crypto/*.c src/config.c src/http/*.c src/api/*.c src/store/*.c
	src/store/sqlite/*.c src/store/pg/*.c src/mail/*.c src/core/*.c)

out=build/fuzz
mkdir -p "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

pass=0
fail=0
shopt -s nullglob
targets=(fuzz/fuzz_*.c)
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz: no targets in fuzz/" >&2
	exit 1
fi

# Deps of a target: the words of its FUZZ_SRC line, "@lib" expanded.
deps_of() {
	local line w
	line=$(grep -m1 -o 'FUZZ_SRC:.*' "$1" | sed 's/^FUZZ_SRC://; s/\*\/.*$//')
	for w in $line; do
		if [ "$w" = "@lib" ]; then
			printf '%s\n' "${LIB_SRC[@]}"
		else
			printf '%s\n' "$w"
		fi
	done
}

# Build every target in parallel (one clang command each), then run them one by one.
declare -A pids
for src in "${targets[@]}"; do
	name=$(basename "$src" .c)
	mapfile -t deps < <(deps_of "$src")
	if [ ${#deps[@]} -eq 0 ]; then
		echo "no FUZZ_SRC line in $src" >"$out/$name.log"
		rm -f "$out/$name"
		continue
	fi
	rm -f "$out/$name"
	"$CC" "${CFLAGS[@]}" -o "$out/$name" "$src" "${deps[@]}" "${LIBS[@]}" >"$out/$name.log" 2>&1 &
	pids[$name]=$!
done

for src in "${targets[@]}"; do
	name=$(basename "$src" .c)
	short=${name#fuzz_}
	bin=$out/$name
	log=$out/$name.log

	if [ -z "${pids[$name]:-}" ] || ! wait "${pids[$name]}" || [ ! -x "$bin" ]; then
		echo "$name: FAILED to build (see $log)"
		grep -m3 -E 'error' "$log" | sed 's/^/    /'
		fail=$((fail + 1))
		continue
	fi

	corpus=$out/corpus-$short
	rm -rf "$corpus"
	mkdir -p "$corpus"
	if [ -d "fuzz/corpus/$short" ]; then
		cp -R "fuzz/corpus/$short/." "$corpus/"
	fi
	rm -f "$out/$name"-crash-* "$out/$name"-leak-* "$out/$name"-timeout-* "$out/$name"-oom-*

	"$bin" -max_total_time="$secs" -max_len=4096 -timeout=25 -rss_limit_mb=2048 \
		-artifact_prefix="$out/$name-" -print_final_stats=1 "$corpus" >>"$log" 2>&1
	rc=$?
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
	arts=("$out/$name"-crash-* "$out/$name"-leak-* "$out/$name"-timeout-* "$out/$name"-oom-*)
	if [ $rc -eq 0 ] && [ ${#arts[@]} -eq 0 ]; then
		echo "$name: ok (${runs:-?} runs in ${secs}s)"
		pass=$((pass + 1))
	else
		echo "$name: FAILED (exit $rc; log $log${arts:+; input ${arts[0]}})"
		grep -m3 -E 'ERROR:|runtime error:|SUMMARY:' "$log" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done

echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
