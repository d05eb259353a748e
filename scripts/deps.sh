#!/usr/bin/env bash
# Installs the Debian 12 packages paasport needs to build, run and test, when missing.
# Idempotent: does nothing (and needs no network) when everything is present.
# Usage: scripts/deps.sh [build|test|bench]   (default: build)
set -euo pipefail
want="${1:-build}"

build_pkgs=(build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
  libsodium-dev libcurl4-openssl-dev libpq-dev sqlite3 ca-certificates git)
test_pkgs=(libcmocka-dev python3 python3-pytest python3-requests python3-aiosmtpd clang
  libclang-rt-14-dev clang-format valgrind chromium nodejs npm git openssh-server openssh-client curl postgresql
  python3-psycopg2 python3-pytest-xdist)
bench_pkgs=(wrk nginx procps)

pkgs=("${build_pkgs[@]}")
case "$want" in
  build) ;;
  test) pkgs+=("${test_pkgs[@]}") ;;
  bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  # nodejs/npm may come from elsewhere on a developer machine: accept the commands.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # Refresh the package lists only when they are absent or older than a day.
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n1)" ]; then
    $SUDO apt-get update -q
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Browser tests drive Debian's Chromium with npm's playwright-core (no browser download).
if [ "$want" != build ] && [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm install --no-audit --no-fund --silent) >&2
fi
exit 0
