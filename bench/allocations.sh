#!/usr/bin/env bash
# Heap allocations lb makes per request, counted by heaptrack (the count does not depend on how busy
# the machine is, unlike requests/s). lb runs under heaptrack in front of nginx; wrk sends keep-alive
# requests (50 clients, then 1000), then a connection per request (50 clients); each load runs in its own lb process
# so its count is its own. Startup allocations are measured with no load and subtracted.
#
# Environment: DURATION seconds per load (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-5}

source bench/lib.sh
ensure_tools wrk:wrk nginx:nginx-light heaptrack:heaptrack curl:curl
LB=$(build_lb)
bench_workdir

NGINX_PORT=18600; LB_PORT=18601
start_nginx "$NGINX_PORT"
cat > "$WORK/lb.cfg" <<CFG
global
    nbthread 1
    maxconn 8000
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:$LB_PORT
    default_backend be
backend be
    http-reuse always
    server s1 127.0.0.1:$NGINX_PORT
CFG
wait_port "$NGINX_PORT"

# Runs lb under heaptrack while "$@" runs (nothing when no arguments) and prints its allocation count.
allocations_during() {
  rm -f "$WORK"/heap.*
  heaptrack -o "$WORK/heap" "$LB" -f "$WORK/lb.cfg" -q >/dev/null 2>&1 & local tracker=$!
  wait_port "$LB_PORT"
  curl -sf "http://127.0.0.1:$LB_PORT/" >/dev/null
  if [ $# -gt 0 ]; then "$@"; fi
  kill -INT "$(pgrep -P "$tracker" -x lb || pgrep -n -x lb)"
  wait "$tracker" || true
  heaptrack_print -f "$WORK"/heap.* 2>/dev/null | awk -F': *' '/^calls to allocation functions:/ { split($2, a, " "); print a[1] }'
}
# Prints the number of requests wrk answered; CLIENTS (default 50) connections, further arguments go to wrk.
load() {
  wrk -t1 -c"${CLIENTS:-50}" -d"${DURATION}s" "$@" "http://127.0.0.1:$LB_PORT/" > "$WORK/wrk.out" 2>&1
  awk '/requests in/ { print $1 }' "$WORK/wrk.out" > "$WORK/requests"
}

idle=$(allocations_during)
keep=$(allocations_during load); keep_requests=$(cat "$WORK/requests")
many=$(CLIENTS=1000 allocations_during load); many_requests=$(cat "$WORK/requests")
close=$(allocations_during load -H "Connection: close"); close_requests=$(cat "$WORK/requests")
per() { awk -v a="$1" -v b="$idle" -v n="$2" 'BEGIN { printf "%.1f", (a - b) / n }'; }
printf '%-24s %10s requests  %6s allocations per request\n' "keep-alive, 50 clients" "$keep_requests" "$(per "$keep" "$keep_requests")"
printf '%-24s %10s requests  %6s allocations per request\n' "keep-alive, 1000 clients" "$many_requests" "$(per "$many" "$many_requests")"
printf '%-24s %10s requests  %6s allocations per request\n' "Connection: close, 50" "$close_requests" "$(per "$close" "$close_requests")"
