#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL cluster in a temporary directory on a free local port.
# Usage: source .ci/pg.sh start  → exports PG_DIR, PG_PORT, PG_URL;  .ci/pg.sh stop DIR
set -euo pipefail
action=${1:-start}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$action" = stop ]; then
  as_postgres "$pgbin/pg_ctl" -D "$2/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$2"
  exit 0
fi
PG_DIR=$(mktemp -d /tmp/pg-monitor.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_postgres "$pgbin/initdb" -D "$PG_DIR/data" -U monitor --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log"
as_postgres "$pgbin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
PG_URL="postgresql+psycopg://monitor@127.0.0.1:$PG_PORT/postgres"
export PG_DIR PG_PORT PG_URL
