# Local services for tests and the production demo: PostgreSQL, Redis, chromium.
# Sourced by scripts/test.sh and scripts/prod_demo.sh.

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

apt_install() {
  if [ "$(id -u)" != "0" ]; then echo "missing $*: install it (apt-get install $*)" >&2; return 1; fi
  if [ -z "${APT_UPDATED:-}" ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_system_packages() {
  local wanted=()
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || wanted+=(postgresql)
  command -v redis-server >/dev/null || wanted+=(redis-server)
  command -v chromium >/dev/null || wanted+=(chromium)
  command -v nginx >/dev/null || [ -z "${WANT_NGINX:-}" ] || wanted+=(nginx)
  if [ ${#wanted[@]} -gt 0 ]; then
    echo "installing ${wanted[*]} with apt-get"
    apt_install "${wanted[@]}"
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
}

start_postgres() {
  local dir=$1
  PG_PORT=${PG_PORT:-$(free_port)}
  mkdir -p "$dir"
  local run=()
  # initdb refuses to run as root: the cluster belongs to the postgres system user.
  if [ "$(id -u)" = "0" ]; then chown -R postgres "$dir"; run=(runuser -u postgres --); fi
  "${run[@]}" "$PG_BIN/initdb" -D "$dir/data" -U sunlight --auth=trust -E UTF8 >/dev/null
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
  "${run[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U sunlight sunlight
  PG_DIR=$dir
  echo "PostgreSQL on 127.0.0.1:$PG_PORT"
}

start_redis() {
  local dir=$1
  REDIS_PORT=${REDIS_PORT:-$(free_port)}
  mkdir -p "$dir"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/log"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  REDIS_DIR=$dir
  echo "Redis on 127.0.0.1:$REDIS_PORT"
}

stop_services() {
  local run=()
  [ "$(id -u)" = "0" ] && run=(runuser -u postgres --)
  [ -n "${PG_DIR:-}" ] && "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  if [ -n "${REDIS_DIR:-}" ] && [ -f "$REDIS_DIR/redis.pid" ]; then
    local pid; pid=$(cat "$REDIS_DIR/redis.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  return 0
}
