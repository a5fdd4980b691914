#!/usr/bin/env bash
# The deadline rush against production mode on this machine: PostgreSQL, Redis, two Daphne
# workers and nginx (scripts/prod_stack.sh), then `audit verify` on that database.
#   bash bench/run_rush.sh [--contractors 1000 --submissions 3 --window 60 --lead 45 --attachments 2]
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
PIDS=$(IFS=,; echo "${DAPHNE_PIDS[*]}")
.venv/bin/python bench/deadline_rush.py cpu --cpu "$WORK/cpu.json" --pids "$PIDS" --phase before
# The load generator stands for the bidders' own machines: it must keep its schedule, not wait for CPU behind the
# servers it measures (on one shared machine it would send "in time" bids late). Higher priority where allowed.
LOADGEN_NICE=()
[ "$(id -u)" = "0" ] && LOADGEN_NICE=(nice -n -10)
"${LOADGEN_NICE[@]}" .venv/bin/python bench/deadline_rush.py load --file "$WORK/plan.json" --results "$WORK/results.json" \
  --url "$STACK_URL" "$@"
sleep 1
.venv/bin/python bench/deadline_rush.py cpu --cpu "$WORK/cpu.json" --pids "$PIDS" --phase after
.venv/bin/python bench/deadline_rush.py verify --file "$WORK/plan.json" --results "$WORK/results.json" \
  --cpu "$WORK/cpu.json" "$@" | tee "$WORK/figures.json"
cp "$WORK/figures.json" "/tmp/sunlight-rush-figures-$(date +%H%M%S).json"
.venv/bin/python manage.py audit verify
