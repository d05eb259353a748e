#!/usr/bin/env bash
# Runs one command beside a throw-away PostgreSQL cluster (scripts/pg-dev.sh), for the
# PostgreSQL passes of `make test`: the cluster starts on the first free loopback port
# from PG_TEST_PORT (25503) up, in a directory under /tmp the `postgres` user can
# traverse, and is stopped and removed when the command ends, whatever its outcome.
# The command sees:
#   PAASPORT_TEST_PG_CLUSTER  the cluster's admin URI (tests/api/pgcluster.py makes its
#                             databases there instead of starting a cluster of its own)
#   PAASPORT_TEST_PG_URI      an empty database `store_test` (tests/unit/test_store.c)
# Usage: scripts/pg-test.sh COMMAND [ARGS...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
port=${PG_TEST_PORT:-25503}
last=$((port + 96))
dir=""
cleanup() { [ -n "$dir" ] && { "$here/pg-dev.sh" stop "$dir" || true; rm -rf "$dir"; }; }
trap cleanup EXIT
trap 'exit 130' INT TERM
busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
while :; do
  if ! busy "$port"; then
    dir=$(mktemp -u "/tmp/paasport-pg-test-$port-XXXXXX")
    if uri=$("$here/pg-dev.sh" start "$dir" "$port" 2>"$dir.err"); then
      rm -f "$dir.err"
      break
    fi
    rm -f "$dir.err"; "$here/pg-dev.sh" stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; dir=""
  fi
  port=$((port + 1))
  [ "$port" -le "$last" ] || { echo "pg-test: no PostgreSQL cluster could start" >&2; exit 1; }
done
db=$("$here/pg-dev.sh" createdb "$dir" "$port" store_test)
echo "pg-test: PostgreSQL on 127.0.0.1:$port ($dir)" >&2
status=0
PAASPORT_TEST_PG_CLUSTER=$uri PAASPORT_TEST_PG_URI=$db "$@" || status=$?
exit "$status"
