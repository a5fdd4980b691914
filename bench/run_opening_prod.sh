#!/usr/bin/env bash
# The opening fan-out in production mode on this machine: PostgreSQL, Redis, two Daphne workers and
# nginx (scripts/prod_stack.sh); every watcher connects through nginx while the host announces bids.
#   bash bench/run_opening_prod.sh [--watchers 1000,2000 --events 20]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
source scripts/prod_stack.sh
WANT_NGINX=1 ensure_system_packages
# Each worker holds ~1,000 sockets and nginx twice that: lift the soft limit before they start.
ulimit -n "$(ulimit -Hn)"
WORK=$(mktemp -d /tmp/sunlight-opening.XXXXXX)
trap 'stop_stack "$WORK"; rm -rf "$WORK"' EXIT
DEMO=0 start_stack "$WORK"
export STACK_URL DAPHNE_PID_LIST="${DAPHNE_PIDS[*]}" DAPHNE_PORT_LIST="${DAPHNE_PORTS[*]}" \
  NGINX_PID_FILE="$NGINX_DIR/nginx.pid"
.venv/bin/python bench/opening_fanout.py --modes prod "$@"
