#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on loopback, for tests and trying paasport on
# PostgreSQL: no system service, everything in DIR.
#   scripts/pg-dev.sh start DIR PORT   initdb (once) + start; prints the URI
#   scripts/pg-dev.sh stop DIR         fast shutdown
#   scripts/pg-dev.sh createdb DIR PORT NAME   an empty database; prints its URI
# PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres`
# user that Debian's postgresql package creates.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$bindir/initdb" ] || { echo "pg-dev: PostgreSQL server binaries not found (scripts/deps.sh test)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|createdb DIR [PORT] [NAME]" >&2; exit 2; }
case "$cmd" in
start)
  port=${3:?port}
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    as_owner "$bindir/initdb" -D "$dir" -U paasport --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # test-friendly settings: loopback only, no durability wait, enough connections
    cat >>"$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
CONF
  fi
  as_owner "$bindir/pg_ctl" -D "$dir" -o "-p $port" -l "$dir/server.log" -w -t 60 start >/dev/null
  echo "postgresql://paasport@127.0.0.1:$port/postgres"
  ;;
stop)
  as_owner "$bindir/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
  ;;
createdb)
  port=${3:?port}; name=${4:?name}
  "$bindir/psql" -q -h 127.0.0.1 -p "$port" -U paasport -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE \"$name\"" >/dev/null
  echo "postgresql://paasport@127.0.0.1:$port/$name"
  ;;
*) echo "usage: $0 start|stop|createdb DIR [PORT] [NAME]" >&2; exit 2 ;;
esac
