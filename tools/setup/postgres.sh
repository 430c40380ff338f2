#!/usr/bin/env bash
# A PostgreSQL cluster for the tests (multi-replica mode), owned by this script rather than by the
# distribution's service: its own data directory, bound to 127.0.0.1 only, on port 55432 (or the next
# free port), with role and database `capstan_test` (role may CREATEDB, so tests can make their own).
# Prints CAPSTAN_TEST_DATABASE_URL=... and writes that line to /tmp/capstan-postgres.env.
#
# Env: CAPSTAN_PG_PORT (default 55432), CAPSTAN_PG_DIR (default /var/lib/capstan-pg),
#      CAPSTAN_PG_ENV_FILE (default /tmp/capstan-postgres.env).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

require_root
BASE="${CAPSTAN_PG_DIR:-/var/lib/capstan-pg}"
DATA="$BASE/data"
SOCKDIR="$BASE/run"
PWFILE="$BASE/capstan_test.password"
ENV_FILE="${CAPSTAN_PG_ENV_FILE:-/tmp/capstan-postgres.env}"
LOGFILE="$BASE/postgres.log"

ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || apt_install postgresql
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
PGVER="$(basename "$(dirname "$PGBIN")")"
id postgres >/dev/null 2>&1 || die "no 'postgres' user (the postgresql package creates it)"

as_pg() { runuser -u postgres -- "$@"; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
running() { as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }
current_port() { sed -n "s/^port = \([0-9]*\).*/\1/p" "$DATA/conf.d/capstan.conf" 2>/dev/null || true; }

mkdir -p "$BASE" "$SOCKDIR"
chown postgres:postgres "$BASE" "$SOCKDIR"
chmod 0700 "$BASE"

if [ ! -f "$DATA/PG_VERSION" ]; then
  log "postgres: initdb $DATA (PostgreSQL $PGVER)"
  rm -rf "$DATA" # a half-made directory from an interrupted run; initdb refuses non-empty ones
  as_pg "$PGBIN/initdb" -D "$DATA" -U postgres -E UTF8 --no-locale \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  mkdir -p "$DATA/conf.d"
  chown postgres:postgres "$DATA/conf.d"
  echo "include_dir = 'conf.d'" >>"$DATA/postgresql.conf"
fi
[ "$(cat "$DATA/PG_VERSION")" = "$PGVER" ] || die "$DATA holds PostgreSQL $(cat "$DATA/PG_VERSION") data, binaries are $PGVER; remove $BASE"

if running; then
  PORT="$(current_port)"
  log "postgres: already running on 127.0.0.1:$PORT"
else
  PORT="${CAPSTAN_PG_PORT:-$(current_port)}"
  PORT="${PORT:-55432}"
  tries=0
  while port_in_use "$PORT"; do
    tries=$((tries + 1)); [ "$tries" -le 50 ] || die "no free port from ${CAPSTAN_PG_PORT:-55432} on"
    PORT=$((PORT + 1))
  done
  # Test cluster: durability is traded for speed (fsync off); it binds loopback only.
  cat >"$DATA/conf.d/capstan.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKDIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  chown postgres:postgres "$DATA/conf.d/capstan.conf"
  log "postgres: starting on 127.0.0.1:$PORT (log: $LOGFILE)"
  touch "$LOGFILE"; chown postgres:postgres "$LOGFILE"
  as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 60 -s start \
    || { tail -n 20 "$LOGFILE" >&2; die "postgres did not start"; }
fi

# Password: generated once, kept beside the cluster (0600), re-applied on every run.
if [ ! -s "$PWFILE" ]; then
  (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$PWFILE")
fi
PASSWORD="$(cat "$PWFILE")"

psql_pg() { as_pg "$PGBIN/psql" -h "$SOCKDIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAtX "$@"; }
psql_pg -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'capstan_test') THEN
    CREATE ROLE capstan_test LOGIN CREATEDB PASSWORD '$PASSWORD';
  ELSE
    ALTER ROLE capstan_test LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF;
END \$\$;" >/dev/null
if [ "$(psql_pg -c "SELECT 1 FROM pg_database WHERE datname = 'capstan_test'")" != 1 ]; then
  log "postgres: creating database capstan_test"
  psql_pg -c "CREATE DATABASE capstan_test OWNER capstan_test" >/dev/null
fi

URL="postgres://capstan_test:$PASSWORD@127.0.0.1:$PORT/capstan_test"
[ "$(PGPASSWORD="$PASSWORD" "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U capstan_test -d capstan_test -qAtX -c 'SELECT 1')" = 1 ] \
  || die "cannot log in as capstan_test over TCP"
(umask 077; echo "CAPSTAN_TEST_DATABASE_URL=$URL" >"$ENV_FILE")
log "postgres: PostgreSQL $PGVER ready on 127.0.0.1:$PORT (data $DATA); URL written to $ENV_FILE"
echo "CAPSTAN_TEST_DATABASE_URL=$URL"
