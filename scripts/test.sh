#!/usr/bin/env bash
# Run the whole suite twice: on the embedded SQLite default, then on a throwaway
# PostgreSQL. Starts what the tests need on localhost (PostgreSQL, Redis; Debian's
# chromium for the browser tests), installing with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
source scripts/services.sh

ensure_system_packages
WORK=$(mktemp -d /tmp/sunlight-test.XXXXXX)
chmod 755 "$WORK"  # the postgres system user must reach its data folder
# Cleanup must never change the suite's verdict: a service still writing its folder may make rm fail.
trap 'stop_services "$WORK"; rm -rf "$WORK" 2>/dev/null || true' EXIT
start_postgres "$WORK/pg"
start_redis "$WORK/redis"

export SUNLIGHT_TEST_REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"
export SUNLIGHT_TEST_PG_URL="postgres://sunlight@127.0.0.1:${PG_PORT}/sunlight"
export SUNLIGHT_VAR_DIR="$WORK/var"
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium || true)}"

status=0
echo "=== suite on SQLite (embedded default) ==="
env -u DATABASE_URL "$BIN/python" -m pytest "$@" || status=$?
echo "=== suite on PostgreSQL ==="
DATABASE_URL="$SUNLIGHT_TEST_PG_URL" SUNLIGHT_VAR_DIR="$WORK/var-pg" "$BIN/python" -m pytest "$@" || status=$?
exit $status
