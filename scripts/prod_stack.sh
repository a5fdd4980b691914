# Production mode on one machine: PostgreSQL, Redis, N Daphne workers and nginx in front.
# Sourced by scripts/prod_demo.sh and bench/run_rush.sh (after scripts/services.sh).
#
#   start_stack WORK_DIR      starts everything; sets STACK_URL, DAPHNE_PORTS, DAPHNE_PIDS, NGINX_DIR
#   stop_stack WORK_DIR       stops what start_stack started (safe to call twice)
#
# Settings: PORT (nginx, default a free port), DAPHNE_WORKERS (default 2), DEMO (1 loads the demo market),
# DB_POOL_MAX_SIZE (PostgreSQL connections per worker, default 16; 0 turns the pool off).

write_nginx_conf() {
  local dir=$1 port=$2 static=$3
  shift 3
  local servers=""
  for p in "$@"; do servers+="    server 127.0.0.1:$p max_fails=1 fail_timeout=2s;"$'\n'; done
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  client_max_body_size 30m;
  server_tokens off;

  upstream sunlight {
    # Every worker serves pages, the API and websockets; a dead worker is skipped
    # and its websocket clients reconnect to the others.
$servers    # Idle connections kept open to the workers, so requests do not pay a TCP handshake each.
    keepalive 64;
    keepalive_requests 100000;
    keepalive_timeout 60s;
  }
  map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }

  server {
    listen 127.0.0.1:$port;
    location /static/ { alias $static/; expires 1d; }
    # Media files are never served directly: documents go through the application's
    # permission checks, and sealed bid files are never served at all.
    location /media/ { return 404; }
    location /ws/ {
      proxy_pass http://sunlight;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }
    location / {
      proxy_pass http://sunlight;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      # Overwrite, never append: the client must not choose the address the audit log records.
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme;
      # When the whole request was read (request buffering is on): the moment a bid arrived. Always overwritten,
      # so the client cannot choose it (the application trusts it with SUNLIGHT_TRUST_EDGE_ARRIVAL=1).
      proxy_set_header X-Request-Start "t=\${msec}";
      proxy_next_upstream error timeout;
      proxy_read_timeout $(( ${SUNLIGHT_SUBMISSION_MAX_WAIT_SECONDS:-60} + 60 ))s;  # above a submission's longest wait
    }
  }
}
EOF
}

start_stack() {
  local work=$1 py=.venv/bin/python
  local workers=${DAPHNE_WORKERS:-2}
  chmod 755 "$work"  # postgres and the nginx workers must reach their folders
  start_postgres "$work/pg"
  start_redis "$work/redis"
  PORT=${PORT:-$(free_port)}
  export DATABASE_URL="postgres://sunlight@127.0.0.1:${PG_PORT}/sunlight"
  export REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"
  export SUNLIGHT_VAR_DIR="$work/var"
  export SECRET_KEY=${SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')}
  export ALLOWED_HOSTS="127.0.0.1,localhost"
  export CSRF_TRUSTED_ORIGINS="http://127.0.0.1:$PORT,http://localhost:$PORT"
  # 0: under ASGI, Django opens a connection per request thread and kept ones pile up (max_connections).
  export CONN_MAX_AGE=${CONN_MAX_AGE:-0}
  # Instead, each worker keeps a pool of connections and requests wait for one (the pool needs CONN_MAX_AGE 0).
  export DB_POOL_MAX_SIZE=${DB_POOL_MAX_SIZE:-16}
  export DEBUG=0
  export SUNLIGHT_TRUST_EDGE_ARRIVAL=1  # nginx below overwrites X-Request-Start; the workers listen on 127.0.0.1
  mkdir -p "$SUNLIGHT_VAR_DIR"
  $py manage.py migrate --no-input -v 0
  if [ "${DEMO:-1}" = "1" ]; then $py manage.py demo_market --if-empty; fi
  $py manage.py opendata_publish --new-only  # history loaded in bulk has no release yet
  $py manage.py collectstatic --no-input -v 0
  # Every worker must sign receipts with the same platform key: make it once, before they start.
  $py manage.py shell -c "from trading.bids import receipts; receipts.platform_public_key()"
  DAPHNE_PORTS=() DAPHNE_PIDS=()
  for i in $(seq "$workers"); do
    local p; p=$(free_port)
    $py -m trading.realtime.server -b 127.0.0.1 -p "$p" --proxy-headers -v 0 trading.asgi:application \
      >"$work/daphne-$i.log" 2>&1 &
    DAPHNE_PIDS+=($!) DAPHNE_PORTS+=("$p")
  done
  for p in "${DAPHNE_PORTS[@]}"; do
    for _ in $(seq 100); do
      python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$p),0.2)" 2>/dev/null && break
      sleep 0.2
    done
  done
  NGINX_DIR="$work/nginx"
  write_nginx_conf "$NGINX_DIR" "$PORT" "$SUNLIGHT_VAR_DIR/static" "${DAPHNE_PORTS[@]}"
  nginx -e "$NGINX_DIR/error.log" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf"
  STACK_URL="http://127.0.0.1:$PORT"
  echo "Daphne workers on ports ${DAPHNE_PORTS[*]}; nginx on $STACK_URL"
}

stop_stack() {
  local work=$1
  if [ -n "${NGINX_DIR:-}" ] && [ -f "$NGINX_DIR/nginx.pid" ]; then
    nginx -e "$NGINX_DIR/error.log" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -s quit 2>/dev/null || true
  fi
  for pid in "${DAPHNE_PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  # Daphne closes open websockets gracefully; give it a few seconds, then stop it hard.
  for _ in $(seq 25); do
    local alive=0
    for pid in "${DAPHNE_PIDS[@]:-}"; do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.2
  done
  for pid in "${DAPHNE_PIDS[@]:-}"; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; done
  DAPHNE_PIDS=()
  stop_services "$work"
}
