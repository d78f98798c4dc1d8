#!/usr/bin/env bash
# Two (or more) app processes behind nginx with sticky sessions, on PostgreSQL: the README's
# server deployment, runnable on one machine.
#
#   DATABASE_URL=postgresql://user@host/db deploy/two-processes.sh start [RUN_DIR]
#   deploy/two-processes.sh stop [RUN_DIR]
#
# Settings come from the environment as for any app process (DATABASE_URL, MONITOR_DATA_DIR,
# MONITOR_PSEUDONYM_KEY, MONITOR_AUTO_DEMO, …); APP_PORTS (default "8821 8822") and NGINX_PORT
# (default 8890) choose the ports. RUN_DIR (default /tmp/monitor-two-processes) holds the
# nginx configuration, the process ids and the logs.
set -euo pipefail
cd "$(dirname "$0")/.."
action=${1:-start}
RUN_DIR=$(realpath -m "${2:-${RUN_DIR:-/tmp/monitor-two-processes}}")
APP_PORTS=${APP_PORTS:-"8821 8822"}
NGINX_PORT=${NGINX_PORT:-8890}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
PY=.venv/bin/python

stop() {
  if [ -f "$RUN_DIR/nginx.pid" ]; then
    "$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -s quit 2>/dev/null || true
  fi
  for pidfile in "$RUN_DIR"/app-*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    # Each app runs in a process group of its own (setsid): its startup child goes with it.
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  for _ in $(seq 50); do [ -f "$RUN_DIR/nginx.pid" ] || break; sleep 0.1; done
}

wait_healthy() {  # URL
  "$PY" - "$1" <<'EOF'
import sys, time, urllib.request
deadline = time.monotonic() + 600
while True:
    try:
        with urllib.request.urlopen(sys.argv[1] + "/_stcore/health", timeout=2) as answer:
            if answer.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit(f"{sys.argv[1]} answered no health check within 10 minutes")
    time.sleep(0.3)
EOF
}

if [ "$action" = stop ]; then
  stop
  echo "Gestopt: $RUN_DIR"
  exit 0
fi
if [ "$action" != start ]; then
  echo "Gebruik: deploy/two-processes.sh start|stop [RUN_DIR]" >&2
  exit 2
fi
case "${DATABASE_URL:-${MONITOR_DATABASE_URL:-}}" in
  postgresql*) ;;
  *) echo "Zet DATABASE_URL op een PostgreSQL-database: processen delen de opslag." >&2; exit 2 ;;
esac
[ -x "$NGINX" ] || { echo "nginx ontbreekt (Debian: apt-get install nginx)." >&2; exit 2; }

# The locked environment, as ./run would install it.
./run cli --help >/dev/null
mkdir -p "$RUN_DIR"
stop  # whatever an earlier start in this directory left

# README, server deployment, step 1: the schema and the reference data once, before the
# processes start (they would otherwise all try the upgrade at once).
"$PY" -m cli db upgrade
"$PY" -m cli reference load >/dev/null

upstreams=""
for port in $APP_PORTS; do
  setsid "$PY" -m ui.serve --server.port "$port" --server.address 127.0.0.1 \
    --server.headless true --browser.gatherUsageStats false --server.fileWatcherType none \
    >"$RUN_DIR/app-$port.log" 2>&1 &
  echo $! >"$RUN_DIR/app-$port.pid"
  upstreams+="        server 127.0.0.1:$port;"$'\n'
done
for port in $APP_PORTS; do
  wait_healthy "http://127.0.0.1:$port" || { tail -n 40 "$RUN_DIR/app-$port.log" >&2; stop; exit 1; }
done

user=""
if [ "$(id -u)" = 0 ]; then user="user $(id -un) $(id -gn);"; fi
sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@LISTEN_PORT@|$NGINX_PORT|g" -e "s|@USER@|$user|" \
  deploy/nginx.conf.in | "$PY" -c '
import sys
sys.stdout.write(sys.stdin.read().replace("@UPSTREAMS@\n", sys.argv[1]))
' "$upstreams" >"$RUN_DIR/nginx.conf"
"$NGINX" -t -q -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf"
"$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf"
wait_healthy "http://127.0.0.1:$NGINX_PORT" || { stop; exit 1; }
echo "Monitor op http://127.0.0.1:$NGINX_PORT (processen op poorten: $APP_PORTS; logs in $RUN_DIR)"
