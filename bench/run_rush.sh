#!/usr/bin/env bash
# The deadline rush against production mode on this machine: PostgreSQL, Redis, two Daphne
# workers and nginx (scripts/prod_stack.sh), then `audit verify` on that database.
#   bash bench/run_rush.sh [--contractors 1000 --submissions 3 --window 60]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
source scripts/prod_stack.sh
WANT_NGINX=1 ensure_system_packages
WORK=$(mktemp -d /tmp/sunlight-rush.XXXXXX)
trap 'stop_stack "$WORK"; cp "$WORK"/results.json /tmp/sunlight-rush-last.json 2>/dev/null; rm -rf "$WORK"' EXIT
DEMO=0 start_stack "$WORK"
export SUNLIGHT_FAST_HASHER=1
.venv/bin/python bench/deadline_rush.py seed --file "$WORK/plan.json" "$@"
# PROFILE=DIR: py-spy samples every Daphne worker during the load (`pip install py-spy`), into DIR/worker-N.txt
# (collapsed stacks of the thread holding the GIL: one line per stack, its sample count last).
if [ -n "${PROFILE:-}" ]; then
  mkdir -p "$PROFILE"
  for i in "${!DAPHNE_PIDS[@]}"; do
    .venv/bin/py-spy record --pid "${DAPHNE_PIDS[$i]}" --format raw --rate 50 --gil --nonblocking \
      -o "$PROFILE/worker-$((i + 1)).txt" >/dev/null 2>&1 &
  done
fi
.venv/bin/python bench/deadline_rush.py load --file "$WORK/plan.json" --results "$WORK/results.json" \
  --url "$STACK_URL" "$@"
sleep 1
.venv/bin/python bench/deadline_rush.py verify --file "$WORK/plan.json" --results "$WORK/results.json" "$@"
.venv/bin/python manage.py audit verify
