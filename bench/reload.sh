#!/usr/bin/env bash
# Reload under load: wrk keeps CONNECTIONS keep-alive clients busy for DURATION seconds through each
# proxy while the proxy is reloaded RELOADS times, spread over the run; reports every request wrk
# counted, its socket errors and its non-2xx answers. Failed requests are the figure that matters.
#
#   lb -W       master-worker, SIGUSR2 to the master (each reload also changes a response header)
#   lb -sf      a new lb process started with -sf <old pid>
#   lb -x -sf   the same, taking the old process's listening sockets over its stats socket
#   haproxy -W  the same as lb -W, for comparison
#
# Both proxies run one thread in front of the same nginx on loopback, with `http-reuse always`.
# Environment: DURATION (default 10), CONNECTIONS (default 50), RELOADS (default 5), CLOSE=1 (a new
# connection per request, so connection attempts go on through every hand-over), LB (a built lb
# binary; otherwise lb is built in release mode).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-50}
RELOADS=${RELOADS:-5}
OUT=bench/out
mkdir -p "$OUT"

source bench/lib.sh
ensure_tools wrk:wrk haproxy:haproxy nginx:nginx-light curl:curl
LB=${LB:-$(build_lb)}
HAPROXY=$(command -v haproxy)
bench_workdir
NGINX_PORT=18200; PROXY_PORT=18201
start_nginx "$NGINX_PORT"
wait_port "$NGINX_PORT"

# The configuration, with a header naming the generation so a reload visibly changes something.
write_config() {
  cat > "$WORK/proxy.cfg" <<CFG
global
    nbthread 1
    hard-stop-after 30s
    stats socket $WORK/admin.sock mode 600 level admin expose-fd listeners
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 30s
    http-reuse always
frontend fe
    bind 127.0.0.1:$PROXY_PORT
    http-response set-header X-Generation $1
    default_backend be
backend be
    server nginx 127.0.0.1:$NGINX_PORT
CFG
}

# Runs wrk and reloads with the command "$@" (which sees the generation in $GENERATION) RELOADS times.
run_with_reloads() {
  local name=$1; shift
  local extra=()
  [ "${CLOSE:-0}" = 1 ] && extra=(-H "Connection: close")
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "${extra[@]}" "http://127.0.0.1:$PROXY_PORT/" > "$WORK/wrk-$name.out" 2>&1 &
  local wrk_pid=$!
  local interval
  interval=$(awk -v d="$DURATION" -v r="$RELOADS" 'BEGIN { printf "%.2f", d / (r + 1) }')
  for GENERATION in $(seq 1 "$RELOADS"); do
    sleep "$interval"
    write_config "$GENERATION"
    "$@"
  done
  wait "$wrk_pid"
  cp "$WORK/wrk-$name.out" "$OUT/reload-wrk-$name.txt"
  local requests errors non2xx
  requests=$(awk '/requests in/ { print $1 }' "$WORK/wrk-$name.out")
  errors=$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$WORK/wrk-$name.out")
  non2xx=$(awk '/Non-2xx/ { print $NF }' "$WORK/wrk-$name.out")
  local now
  now=$(curl -s -D - -o /dev/null "http://127.0.0.1:$PROXY_PORT/" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-generation" { print $2 }')
  printf "%-12s %10s requests  %6s socket errors  %6s non-2xx  generation after: %s (want %s)\n" \
    "$name" "$requests" "${errors:-0}" "${non2xx:-0}" "${now:-?}" "$RELOADS"
}

stop_all() { kill "$@" 2>/dev/null || true; for p in "$@"; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done; }

echo "reloads under wrk -c$CONNECTIONS -d${DURATION}s, $RELOADS reloads$([ "${CLOSE:-0}" = 1 ] && echo ', a connection per request')"

# lb -W
write_config 0
"$LB" -W -q -f "$WORK/proxy.cfg" > "$WORK/lb.out" 2>&1 & master=$!; pids+=($master)
wait_port "$PROXY_PORT"
run_with_reloads "lb -W" kill -USR2 "$master"
stop_all "$master"

# lb -sf: each reload starts a new process that soft-stops the previous one once it serves.
write_config 0
"$LB" -q -f "$WORK/proxy.cfg" > "$WORK/lb-sf.out" 2>&1 & current=$!; pids+=($current)
wait_port "$PROXY_PORT"
reload_sf() {
  "$LB" -q -f "$WORK/proxy.cfg" "${TRANSFER[@]}" -sf "$current" >> "$WORK/lb-sf.out" 2>&1 &
  local next=$!
  pids+=($next)
  # The new process signals the old one once it serves; wait for that before the next reload.
  while kill -0 "$current" 2>/dev/null && kill -0 "$next" 2>/dev/null; do
    [ "$(cat /proc/"$current"/status 2>/dev/null | awk '/^State/ { print $2 }')" = Z ] && break
    sleep 0.05
  done
  current=$next
}
TRANSFER=()
run_with_reloads "lb -sf" reload_sf
stop_all "$current"

# lb -x -sf
write_config 0
"$LB" -q -f "$WORK/proxy.cfg" > "$WORK/lb-sf.out" 2>&1 & current=$!; pids+=($current)
wait_port "$PROXY_PORT"
TRANSFER=(-x "$WORK/admin.sock")
run_with_reloads "lb -x -sf" reload_sf
stop_all "$current"

# haproxy -W
write_config 0
"$HAPROXY" -W -q -f "$WORK/proxy.cfg" > "$WORK/haproxy.out" 2>&1 & master=$!; pids+=($master)
wait_port "$PROXY_PORT"
run_with_reloads "haproxy -W" kill -USR2 "$master"
stop_all "$master"
