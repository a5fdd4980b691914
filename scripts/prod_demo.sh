#!/usr/bin/env bash
# Production mode on localhost: PostgreSQL, Redis, two Daphne workers and nginx in front,
# with the demo market. Ctrl-C stops everything and removes the temporary folder.
# Settings: PORT (default 8080), DAPHNE_WORKERS (default 2), KEEP=1 keeps the folder.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
source scripts/prod_stack.sh

WANT_NGINX=1 ensure_system_packages
WORK=$(mktemp -d /tmp/sunlight-prod.XXXXXX)
cleanup() {
  trap - EXIT INT TERM
  echo; echo "stopping nginx, Daphne, Redis and PostgreSQL"
  [ -n "${WATCHER:-}" ] && kill "$WATCHER" 2>/dev/null || true
  [ -n "${WATCHDOG:-}" ] && kill "$WATCHDOG" 2>/dev/null || true
  stop_stack "$WORK"
  [ "${KEEP:-0}" = "1" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=${PORT:-8080}
start_stack "$WORK"
.venv/bin/python manage.py demo_logins
# Pages only read the checkpoints; this watcher moves them (and logs it) as time passes.
.venv/bin/python manage.py checkpoint_watch --loop 60 >"$WORK/checkpoint-watch.log" 2>&1 &
WATCHER=$!
# Opening alarms are raised whether or not an official has the hall open.
.venv/bin/python manage.py opening_watchdog --loop 15 >"$WORK/opening-watchdog.log" 2>&1 &
WATCHDOG=$!
echo
echo "Sunlight (production mode) is at $STACK_URL/  (Ctrl-C stops it)"
echo "logs: $WORK/daphne-*.log, $WORK/nginx/error.log, $WORK/pg/log"
# Stay up while every worker lives; a worker that dies is reported (nginx keeps serving with the rest).
while true; do
  for i in "${!DAPHNE_PIDS[@]}"; do
    if ! kill -0 "${DAPHNE_PIDS[$i]}" 2>/dev/null; then
      echo "Daphne worker $((i + 1)) (port ${DAPHNE_PORTS[$i]}) stopped; see $WORK/daphne-$((i + 1)).log" >&2
      unset "DAPHNE_PIDS[$i]"
    fi
  done
  [ ${#DAPHNE_PIDS[@]} -gt 0 ] || exit 1
  sleep 2
done
