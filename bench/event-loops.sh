#!/usr/bin/env bash
# lb's own epoll loops (the default) against SwiftNIO's (`noepoll`), with haproxy beside them: what the
# data path itself costs. The three run bench/proxy.sh's configuration (one thread, `http-reuse
# always`, `maxconn 8000`) in front of one nginx; for each load wrk runs alternate over the three
# (haproxy, lb noepoll, lb), ROUNDS times. Each run reports requests/s, p99 and the proxy's CPU time per
# request (user and system, from /proc/PID/stat), which does not depend on how the two cores were
# shared with wrk and nginx the way requests/s does.
#
# Loads: keep-alive with 50 and 1000 clients, one connection per request with 50.
# Environment: ROUNDS (default 3), DURATION seconds per run (default 8).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
source bench/lib.sh
ensure_tools wrk:wrk haproxy:haproxy nginx:nginx-light
LB=$(build_lb)
bench_workdir

NGINX_PORT=18200; HA=18201; LB_NIO=18202; LB_EPOLL=18203
start_nginx $NGINX_PORT
# $1 port, $2 extra global line.
config() {
  cat <<CFG
global
    nbthread 1
    maxconn 8000
    $2
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 1m
    timeout server 30s
frontend fe
    bind 127.0.0.1:$1
    default_backend be
backend be
    http-reuse always
    server s1 127.0.0.1:$NGINX_PORT
CFG
}
config $HA "" > "$WORK/haproxy.cfg"
config $LB_NIO noepoll > "$WORK/lb-noepoll.cfg"
config $LB_EPOLL "" > "$WORK/lb.cfg"
haproxy -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & HA_PID=$!; pids+=($HA_PID)
"$LB" -f "$WORK/lb-noepoll.cfg" -q & NIO_PID=$!; pids+=($NIO_PID)
"$LB" -f "$WORK/lb.cfg" -q & EPOLL_PID=$!; pids+=($EPOLL_PID)
for p in $NGINX_PORT $HA $LB_NIO $LB_EPOLL; do wait_port "$p"; done

# Prints "requests/s p99_ms cpu_us_per_request" for one run against port $1 (proxy pid $2) with $3
# connections; further arguments go to wrk.
measure() {
  local port=$1 pid=$2 connections=$3; shift 3
  local before after
  before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  wrk -t1 -c"$connections" -d"${DURATION}s" --latency "$@" "http://127.0.0.1:$port/" > "$WORK/wrk.out" 2>&1 || true
  after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  if grep -q "Non-2xx" "$WORK/wrk.out"; then echo "non-2xx answers from port $port:" >&2; cat "$WORK/wrk.out" >&2; exit 1; fi
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /requests in/ { requests = $1 }
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { p99 = ms($2) }
    END { printf "%.0f %.2f %.1f\n", rps, p99, ticks * 1e6 / hz / requests }' "$WORK/wrk.out"
}

echo "warming up..." >&2
for p in $HA $LB_NIO $LB_EPOLL; do DURATION=2 wrk -t1 -c50 -d2s "http://127.0.0.1:$p/" >/dev/null; done

: > "$WORK/results"
load() {
  local name=$1 connections=$2; shift 2
  for round in $(seq 1 "$ROUNDS"); do
    for who in haproxy noepoll lb; do
      local port=$HA pid=$HA_PID
      [ $who = noepoll ] && { port=$LB_NIO; pid=$NIO_PID; }
      [ $who = lb ] && { port=$LB_EPOLL; pid=$EPOLL_PID; }
      read -r rps p99 cpu < <(measure $port $pid "$connections" "$@")
      echo "$name|$who|$rps|$p99|$cpu" >> "$WORK/results"
      printf '%-14s round %d  %-8s %9s req/s  p99 %7s ms  %6s us CPU/request\n' "$name" "$round" "$who" "$rps" "$p99" "$cpu"
    done
  done
}
load "keep-alive 50" 50
load "keep-alive 1000" 1000
load "close 50" 50 -H "Connection: close"

echo
echo "summary ($ROUNDS rounds x ${DURATION}s alternated, 1 thread each, $(nproc) cores; ratios against haproxy)"
printf '%-16s %-8s %10s %9s %8s %14s %9s\n' load proxy "req/s" ratio "p99 ms" "CPU us/req" ratio
for name in "keep-alive 50" "keep-alive 1000" "close 50"; do
  avg() { awk -F'|' -v n="$name" -v w="$1" -v f="$2" '$1==n && $2==w { print $f }' "$WORK/results" | mean "${3:-%.2f}"; }
  ha_rps=$(avg haproxy 3 %.0f); ha_cpu=$(avg haproxy 5 %.1f)
  for who in haproxy noepoll lb; do
    rps=$(avg $who 3 %.0f); cpu=$(avg $who 5 %.1f)
    printf '%-16s %-8s %10s %9s %8s %14s %9s\n' "$name" $who "$rps" "$(ratio "$rps" "$ha_rps")" "$(avg $who 4)" "$cpu" "$(ratio "$cpu" "$ha_cpu")"
  done
done
