#!/usr/bin/env bash
# Soak: lb under a steady mixed load for MINUTES minutes, its resident memory sampled every minute.
#
# Four loads run at once for the whole time, against nginx on loopback:
#   - keep-alive HTTP clients (wrk, 50 connections);
#   - one connection per request (wrk with `Connection: close`, 20 connections);
#   - TCP mode: the same through a `mode tcp` frontend, one TCP session per request (20 connections);
#   - bad requests: an oversized head, refused with 400 and a close (10 connections).
# A proxy that frees what each connection used keeps a flat RSS under a steady load: after the first
# minute (pools, buffers and allocator arenas reach their working size) the samples must stay level.
#
# Environment: MINUTES (default 10), SAMPLE seconds between samples (default 60), MAX_GROWTH_MB (default
# 8): the script fails when RSS grows by more than that from the first sample to the last.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${MINUTES:-10}
SAMPLE=${SAMPLE:-60}
MAX_GROWTH_MB=${MAX_GROWTH_MB:-8}
TOTAL=$((MINUTES * 60))

source bench/lib.sh
ensure_tools wrk:wrk nginx:nginx-light curl:curl
LB=$(build_lb)
bench_workdir

NGINX_PORT=18200; LB_HTTP=18201; LB_TCP=18202
start_nginx "$NGINX_PORT"
cat > "$WORK/lb.cfg" <<CFG
global
    nbthread 1
    maxconn 4000
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-request 5s
frontend fe_http
    bind 127.0.0.1:$LB_HTTP
    default_backend be_http
backend be_http
    server s1 127.0.0.1:$NGINX_PORT
listen tcp_relay
    mode tcp
    bind 127.0.0.1:$LB_TCP
    server s1 127.0.0.1:$NGINX_PORT
CFG
"$LB" -f "$WORK/lb.cfg" -q 2>"$WORK/lb.err" & LB_PID=$!; pids+=($LB_PID)
for p in $NGINX_PORT $LB_HTTP $LB_TCP; do wait_port "$p"; done
curl -sf "http://127.0.0.1:$LB_HTTP/" >/dev/null || { echo "lb does not answer" >&2; exit 1; }

cat > "$WORK/bad.lua" <<'LUA'
local big = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " .. string.rep("a", 20000) .. "\r\n\r\n"
request = function() return big end
LUA

rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$LB_PID/status"; }
echo "lb RSS at start: $(rss_mb) MB; ${MINUTES} min of mixed load, a sample every ${SAMPLE} s"

wrk -t1 -c50 -d"${TOTAL}s" "http://127.0.0.1:$LB_HTTP/" > "$WORK/keepalive.out" 2>&1 & load=($!)
wrk -t1 -c20 -d"${TOTAL}s" -H 'Connection: close' "http://127.0.0.1:$LB_HTTP/" > "$WORK/close.out" 2>&1 & load+=($!)
wrk -t1 -c20 -d"${TOTAL}s" -H 'Connection: close' "http://127.0.0.1:$LB_TCP/" > "$WORK/tcp.out" 2>&1 & load+=($!)
wrk -t1 -c10 -d"${TOTAL}s" -s "$WORK/bad.lua" "http://127.0.0.1:$LB_HTTP/" > "$WORK/bad.out" 2>&1 & load+=($!)
pids+=("${load[@]}")

samples=()
for ((elapsed = SAMPLE; elapsed <= TOTAL; elapsed += SAMPLE)); do
  sleep "$SAMPLE"
  kill -0 "$LB_PID" 2>/dev/null || { echo "lb died: $(cat "$WORK/lb.err")" >&2; exit 1; }
  rss=$(rss_mb)
  samples+=("$rss")
  printf '  %4d s  RSS %6s MB\n' "$elapsed" "$rss"
done
for p in "${load[@]}"; do wait "$p" || true; done
# The load has stopped; idle keep-alive connections are gone once wrk has exited.
sleep 2
echo "lb RSS after the load, idle: $(rss_mb) MB"

summary() { # name file
  awk -v name="$1" '
    /requests in/ { requests = $1 }
    /Non-2xx/ { non2xx = $NF }
    /Socket errors/ { errors = $0; sub(/^ *Socket errors: */, "", errors) }
    END { printf "  %-10s %10s requests  non-2xx %-8s %s\n", name, requests, non2xx ? non2xx : 0, errors }' "$2"
}
summary keep-alive "$WORK/keepalive.out"
summary close "$WORK/close.out"
summary tcp "$WORK/tcp.out"
summary bad "$WORK/bad.out"

first=${samples[0]}; last=${samples[${#samples[@]}-1]}
growth=$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.1f", b - a }')
echo "RSS growth from the first sample to the last: $growth MB (bound $MAX_GROWTH_MB MB)"
awk -v g="$growth" -v m="$MAX_GROWTH_MB" 'BEGIN { exit !(g <= m) }' || { echo "RSS is not flat" >&2; exit 1; }
