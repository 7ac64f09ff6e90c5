#!/usr/bin/env bash
# Side-by-side proxy benchmark: lb against haproxy on this machine, in one run.
#
# Both proxies get equivalent configurations (one thread, keep-alive on both sides, small responses,
# no logging) in front of the same nginx backends on loopback. wrk runs alternate between them
# (A B A B ...) so that drift on the machine hits both alike. Then the same for a TCP-mode bulk
# transfer (a large file fetched through each proxy in mode tcp).
#
# Environment: PAIRS (default 3), DURATION seconds per run (default 10), CONNECTIONS (default 50).
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-50}
OUT=bench/out
mkdir -p "$OUT"

source bench/lib.sh
ensure_tools wrk:wrk haproxy:haproxy nginx:nginx-light curl:curl
HAPROXY=$(command -v haproxy)
NGINX=$(command -v nginx)
LB=$(build_lb)

NGINX_PORT=18100; HA_HTTP=18101; LB_HTTP=18102; HA_TCP=18103; LB_TCP=18104
WORK=$(mktemp -d)
chmod 755 "$WORK"   # nginx workers run unprivileged and must read the test file
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

# The backend: nginx, one worker, a small answer and a 16 MiB file, unlimited keep-alive.
head -c $((16 * 1024 * 1024)) /dev/urandom > "$WORK/big.bin"
cat > "$WORK/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /big.bin { root $WORK; }
    location / { return 200 "hello from nginx\n"; }
  }
}
NGINX
"$NGINX" -c "$WORK/nginx.conf" & pids+=($!)

cat > "$WORK/haproxy.cfg" <<CFG
global
    nbthread 1
    maxconn 4000
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe_http
    bind 127.0.0.1:$HA_HTTP
    default_backend be_http
backend be_http
    http-reuse always
    server s1 127.0.0.1:$NGINX_PORT
listen tcp_bulk
    mode tcp
    bind 127.0.0.1:$HA_TCP
    server s1 127.0.0.1:$NGINX_PORT
CFG
sed -e "s/$HA_HTTP/$LB_HTTP/; s/$HA_TCP/$LB_TCP/; /http-reuse/d" "$WORK/haproxy.cfg" > "$WORK/lb.cfg"

"$HAPROXY" -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & pids+=($!)
"$LB" -f "$WORK/lb.cfg" -q 2>"$WORK/lb.err" & pids+=($!)

for p in $NGINX_PORT $HA_HTTP $LB_HTTP $HA_TCP $LB_TCP; do wait_port "$p"; done
for p in $HA_HTTP $LB_HTTP; do curl -sf "http://127.0.0.1:$p/" >/dev/null || { echo "proxy on $p does not answer" >&2; exit 1; }; done
for p in $HA_TCP $LB_TCP; do curl -sf -o /dev/null "http://127.0.0.1:$p/big.bin" || { echo "bulk file not served through $p" >&2; exit 1; }; done

# Prints "requests_per_s p99_ms transfer_MBps" for one wrk run.
run_wrk() {
  local url=$1 connections=$2
  wrk -t1 -c"$connections" -d"${DURATION}s" --latency "$url" > "$WORK/wrk.out" 2>&1 || true
  cp "$WORK/wrk.out" "$OUT/wrk-last.txt"
  if grep -q "Non-2xx" "$WORK/wrk.out"; then echo "non-2xx answers from $url: see $OUT/wrk-last.txt" >&2; exit 1; fi
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    function mb(v) { if (v ~ /GB$/) return v*1024; if (v ~ /MB$/) return v+0; if (v ~ /KB$/) return v/1024; if (v ~ /B$/) return v/1048576; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { p99 = ms($2) }
    /Transfer\/sec/ { mbps = mb($2) }
    END { printf "%.0f %.2f %.1f\n", rps, p99, mbps }' "$WORK/wrk.out"
}


echo "warming up..." >&2
DURATION=2 run_wrk "http://127.0.0.1:$HA_HTTP/" "$CONNECTIONS" >/dev/null
DURATION=2 run_wrk "http://127.0.0.1:$LB_HTTP/" "$CONNECTIONS" >/dev/null

: > "$OUT/http.txt"; : > "$OUT/tcp.txt"
for pair in $(seq 1 "$PAIRS"); do
  for who in haproxy lb; do
    port=$HA_HTTP; [ "$who" = lb ] && port=$LB_HTTP
    read -r rps p99 _ < <(run_wrk "http://127.0.0.1:$port/" "$CONNECTIONS")
    echo "$who $rps $p99" >> "$OUT/http.txt"
    printf 'http  pair %d  %-7s %9s req/s  p99 %7s ms\n' "$pair" "$who" "$rps" "$p99"
  done
done
for pair in $(seq 1 "$PAIRS"); do
  for who in haproxy lb; do
    port=$HA_TCP; [ "$who" = lb ] && port=$LB_TCP
    read -r _ _ mbps < <(run_wrk "http://127.0.0.1:$port/big.bin" 4)
    echo "$who $mbps" >> "$OUT/tcp.txt"
    printf 'tcp   pair %d  %-7s %9s MB/s\n' "$pair" "$who" "$mbps"
  done
done

ha_rps=$(awk '$1=="haproxy"{print $2}' "$OUT/http.txt" | mean); lb_rps=$(awk '$1=="lb"{print $2}' "$OUT/http.txt" | mean)
ha_p99=$(awk '$1=="haproxy"{print $3}' "$OUT/http.txt" | mean); lb_p99=$(awk '$1=="lb"{print $3}' "$OUT/http.txt" | mean)
ha_tcp=$(awk '$1=="haproxy"{print $2}' "$OUT/tcp.txt" | mean); lb_tcp=$(awk '$1=="lb"{print $2}' "$OUT/tcp.txt" | mean)
echo
echo "summary ($PAIRS pairs x ${DURATION}s, $CONNECTIONS connections, 1 thread each; $(nproc) cores)"
printf 'HTTP keep-alive  haproxy %10.0f req/s  lb %10.0f req/s  ratio lb/haproxy %.2f\n' "$ha_rps" "$lb_rps" "$(ratio "$lb_rps" "$ha_rps")"
printf 'HTTP p99         haproxy %10.2f ms     lb %10.2f ms     ratio lb/haproxy %.2f\n' "$ha_p99" "$lb_p99" "$(ratio "$lb_p99" "$ha_p99")"
printf 'TCP bulk         haproxy %10.1f MB/s   lb %10.1f MB/s   ratio lb/haproxy %.2f\n' "$ha_tcp" "$lb_tcp" "$(ratio "$lb_tcp" "$ha_tcp")"
