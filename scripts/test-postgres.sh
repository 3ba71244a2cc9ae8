#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster (Debian's postgresql package) on a free local port and
# prints its URL on the last line of output. Usage:
#   url=$(scripts/test-postgres.sh start | tail -1)   # then: FAIRDESK_TEST_DATABASE_URL=$url swift test
#   scripts/test-postgres.sh stop
set -euo pipefail
dir=${FAIRDESK_PG_DIR:-/tmp/fairdesk-postgres}
port=${FAIRDESK_PG_PORT:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2; exit 1; }
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

case "${1:-start}" in
start)
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir" && chown postgres: "$dir" 2>/dev/null || true
    as_postgres "$bin/initdb -D $dir -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
  fi
  if ! as_postgres "$bin/pg_ctl -D $dir status" >/dev/null 2>&1; then
    as_postgres "$bin/pg_ctl -D $dir -l $dir/server.log -w -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start" >/dev/null
  fi
  as_postgres "$bin/psql -h 127.0.0.1 -p $port -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='fairdesk_test'\"" | grep -q 1 \
    || as_postgres "$bin/createdb -h 127.0.0.1 -p $port -U postgres fairdesk_test"
  echo "postgres://postgres@127.0.0.1:$port/fairdesk_test?sslmode=disable"
  ;;
stop)
  as_postgres "$bin/pg_ctl -D $dir -m fast stop" >/dev/null 2>&1 || true
  ;;
*)
  echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
