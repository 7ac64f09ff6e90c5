#!/usr/bin/env bash
# What a second thread gives lb and haproxy: each proxy runs twice, with `nbthread 1` and `nbthread 2`,
# in front of the same nginx; wrk runs alternate between the four (A1 A2 B1 B2 ...). Reported per proxy:
# requests/s with two threads over requests/s with one, keep-alive (50 clients) and a connection per
# request (50 clients).
#
# The machine has 2 cores, and wrk and nginx share them with the proxy: a second proxy thread competes
# with the load generator and the server for the same cores. The ratio shows whether a proxy's second
# thread adds or costs throughput on such a host, not how it scales on a machine with cores to spare.
#
# Environment: PAIRS (default 3), DURATION seconds per run (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-3}
DURATION=${DURATION:-10}
OUT=bench/out
mkdir -p "$OUT"

source bench/lib.sh
ensure_tools wrk:wrk haproxy:haproxy nginx:nginx-light curl:curl
HAPROXY=$(command -v haproxy)
LB=$(build_lb)
bench_workdir

NGINX_PORT=18500
start_nginx "$NGINX_PORT"
config() { # threads port
  cat <<CFG
global
    nbthread $1
    maxconn 8000
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe_http
    bind 127.0.0.1:$2
    default_backend be_http
backend be_http
    http-reuse always
    server s1 127.0.0.1:$NGINX_PORT
CFG
}
config 1 18501 > "$WORK/ha1.cfg"; config 2 18502 > "$WORK/ha2.cfg"
config 1 18503 > "$WORK/lb1.cfg"; config 2 18504 > "$WORK/lb2.cfg"
"$HAPROXY" -f "$WORK/ha1.cfg" -db >/dev/null 2>&1 & pids+=($!)
"$HAPROXY" -f "$WORK/ha2.cfg" -db >/dev/null 2>&1 & pids+=($!)
"$LB" -f "$WORK/lb1.cfg" -q 2>"$WORK/lb1.err" & pids+=($!)
"$LB" -f "$WORK/lb2.cfg" -q 2>"$WORK/lb2.err" & pids+=($!)
for p in $NGINX_PORT 18501 18502 18503 18504; do wait_port "$p"; done

# requests/s of one wrk run against port $1; further arguments go to wrk.
rps() {
  local port=$1; shift
  wrk -t1 -c50 -d"${DURATION}s" "$@" "http://127.0.0.1:$port/" > "$WORK/wrk.out" 2>&1 || true
  if grep -q "Non-2xx" "$WORK/wrk.out"; then echo "non-2xx answers from $port" >&2; exit 1; fi
  awk '/Requests\/sec/ { printf "%.0f\n", $2 }' "$WORK/wrk.out"
}

: > "$OUT/threads.txt"
for load in keep-alive close; do
  extra=(); [ "$load" = close ] && extra=(-H "Connection: close")
  for pair in $(seq 1 "$PAIRS"); do
    for entry in haproxy:1:18501 haproxy:2:18502 lb:1:18503 lb:2:18504; do
      IFS=: read -r who threads port <<< "$entry"
      value=$(rps "$port" "${extra[@]}")
      echo "$load $who $threads $value" >> "$OUT/threads.txt"
      printf '%-10s pair %d  %-7s nbthread %d %9s req/s\n' "$load" "$pair" "$who" "$threads" "$value"
    done
  done
done

echo
echo "summary ($PAIRS pairs x ${DURATION}s, 50 clients; $(nproc) cores shared with wrk and nginx)"
printf '%-10s %-7s %12s %12s %9s\n' load proxy "nbthread 1" "nbthread 2" "2 / 1"
for load in keep-alive close; do
  for who in haproxy lb; do
    one=$(awk -v l="$load" -v w="$who" '$1==l && $2==w && $3==1 {print $4}' "$OUT/threads.txt" | mean %.0f)
    two=$(awk -v l="$load" -v w="$who" '$1==l && $2==w && $3==2 {print $4}' "$OUT/threads.txt" | mean %.0f)
    printf '%-10s %-7s %12s %12s %9s\n' "$load" "$who" "$one" "$two" "$(ratio "$two" "$one")"
  done
done
