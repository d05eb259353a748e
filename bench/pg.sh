# shellcheck shell=bash
# bench/pg.sh - a PostgreSQL cluster for the benches (sourced, not run): a
# throw-away cluster of scripts/pg-dev.sh on loopback, re-tuned for measuring
# (durable commits again, bigger caches) rather than for tests. The settings are
# printed with the figures (pg_bench_settings).
#
#   pg_bench_available          0 when the PostgreSQL server binaries are installed
#   pg_bench_start PORT         starts the cluster; sets PG_BENCH_DIR and PG_BENCH_URI
#   pg_bench_settings           prints the settings that matter, as the server reports them
#   pg_bench_pids               the cluster's processes (postmaster and its children)
#   pg_bench_createdb NAME      prints the URI of a new empty database
#   pg_bench_psql URI ARGS...   psql on that database (ON_ERROR_STOP)
#   pg_bench_stop               stops the cluster and removes its directory

PG_BENCH_DIR=
PG_BENCH_URI=
PG_BENCH_PORT=
# What matters for paasport's load (see docs/operations.md "PostgreSQL"); the
# pg-dev.sh test settings (fsync off...) are overridden by these later lines.
PG_BENCH_CONF="fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 200
shared_buffers = 1GB
effective_cache_size = 4GB
work_mem = 8MB
maintenance_work_mem = 512MB
max_wal_size = 8GB
checkpoint_timeout = 15min
random_page_cost = 1.1
jit = off"

pg_bench_available() {
	compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

pg_bench_start() { # PORT
	PG_BENCH_PORT=$1
	# not under a 0700 mktemp directory: as root the cluster runs as `postgres`
	PG_BENCH_DIR=/tmp/paasport-bench-pg.$$
	rm -rf "$PG_BENCH_DIR"
	"$REPO/scripts/pg-dev.sh" start "$PG_BENCH_DIR" "$PG_BENCH_PORT" >/dev/null || return 1
	"$REPO/scripts/pg-dev.sh" stop "$PG_BENCH_DIR"
	printf '%s\n' "$PG_BENCH_CONF" >>"$PG_BENCH_DIR/postgresql.conf"
	PG_BENCH_URI=$("$REPO/scripts/pg-dev.sh" start "$PG_BENCH_DIR" "$PG_BENCH_PORT") || return 1
}

pg_bench_settings() { # one line: the settings above, as the server reports them
	pg_bench_psql "$PG_BENCH_URI" -Atc "SELECT string_agg(name || '=' || current_setting(name), ' '
		ORDER BY name) FROM pg_settings WHERE name IN ('server_version', 'fsync',
		'synchronous_commit', 'max_connections', 'shared_buffers', 'effective_cache_size',
		'work_mem', 'maintenance_work_mem', 'max_wal_size', 'random_page_cost', 'jit',
		'autovacuum')"
}

pg_bench_pids() {
	local pm
	pm=$(head -1 "$PG_BENCH_DIR/postmaster.pid" 2>/dev/null) || return 0
	echo "$pm"
	pgrep -P "$pm" || true
}

pg_bench_createdb() { # NAME
	"$REPO/scripts/pg-dev.sh" createdb "$PG_BENCH_DIR" "$PG_BENCH_PORT" "$1"
}

pg_bench_psql() { # URI ARGS...
	local uri=$1 bindir
	shift
	bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
	"$bindir/psql" -q -v ON_ERROR_STOP=1 "$uri" "$@"
}

pg_bench_stop() {
	[[ -n $PG_BENCH_DIR ]] || return 0
	"$REPO/scripts/pg-dev.sh" stop "$PG_BENCH_DIR" || true
	rm -rf "$PG_BENCH_DIR"
	PG_BENCH_DIR=
}
