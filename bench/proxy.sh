#!/usr/bin/env bash
# Side-by-side proxy benchmark: lb against haproxy on this machine, in one run, as a matrix of loads.
#
# Both proxies get equivalent configurations (one thread, `http-reuse always`, small responses, no
# logging) in front of the same nginx on loopback. For each row, wrk runs alternate between them
# (A B A B ...) so that drift on the machine hits both alike:
#   - keep-alive with 50 clients, and with 1000;
#   - keep-alive with 50 clients sending a browser's request (nine more fields than wrk's own);
#   - one connection per request (`Connection: close`) with 50 clients;
#   - TCP bulk: a 16 MiB file fetched through each proxy in mode tcp, 4 clients;
#   - memory: the RSS each proxy gains while IDLE_CLIENTS (default 5000) keep-alive clients sit idle
#     after one exchange each (bench/idle-clients.py), per client;
#   - one connection per request again, while IDLE_CLIENTS idle clients stay connected to each proxy:
#     what closing a connection costs when thousands of others are open (their timers, their sessions).
#
# A pair in which the host stole more than STEAL_LIMIT percent of the CPU time during either run is run
# again, up to STEAL_RETRIES times: such a run measures the host, and it hits one proxy of the pair only.
#
# Environment: PAIRS (default 3), DURATION seconds per run (default 10), STEAL_LIMIT (default 2),
# STEAL_RETRIES (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-3}
DURATION=${DURATION:-10}
IDLE_CLIENTS=${IDLE_CLIENTS:-5000}
STEAL_LIMIT=${STEAL_LIMIT:-2}
STEAL_RETRIES=${STEAL_RETRIES:-3}
OUT=bench/out
mkdir -p "$OUT"

source bench/lib.sh
ensure_tools wrk:wrk haproxy:haproxy nginx:nginx-light curl:curl python3:python3
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
    maxconn 8000
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    # Long enough for the idle clients to stay through every row that holds them.
    timeout client 5m
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
sed -e "s/$HA_HTTP/$LB_HTTP/; s/$HA_TCP/$LB_TCP/" "$WORK/haproxy.cfg" > "$WORK/lb.cfg"

"$HAPROXY" -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & HA_PID=$!; pids+=($HA_PID)
"$LB" -f "$WORK/lb.cfg" -q 2>"$WORK/lb.err" & LB_PID=$!; pids+=($LB_PID)

for p in $NGINX_PORT $HA_HTTP $LB_HTTP $HA_TCP $LB_TCP; do wait_port "$p"; done
for p in $HA_HTTP $LB_HTTP; do curl -sf "http://127.0.0.1:$p/" >/dev/null || { echo "proxy on $p does not answer" >&2; exit 1; }; done
for p in $HA_TCP $LB_TCP; do curl -sf -o /dev/null "http://127.0.0.1:$p/big.bin" || { echo "bulk file not served through $p" >&2; exit 1; }; done

# Prints "requests_per_s p99_ms transfer_MBps" for one wrk run; further arguments go to wrk.
run_wrk() {
  local url=$1 connections=$2; shift 2
  wrk -t1 -c"$connections" -d"${DURATION}s" --latency "$@" "$url" > "$WORK/wrk.out" 2>&1 || true
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
DURATION=2 run_wrk "http://127.0.0.1:$HA_HTTP/" 50 >/dev/null
DURATION=2 run_wrk "http://127.0.0.1:$LB_HTTP/" 50 >/dev/null

# RSS gained per idle client, in bytes, for the proxy with pid $1 listening on port $2.
idle_cost() {
  local pid=$1 port=$2 before after
  before=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
  exec 5> >(python3 bench/idle-clients.py "$port" "$IDLE_CLIENTS" > "$WORK/idle.out")
  for _ in $(seq 1 600); do grep -q ready "$WORK/idle.out" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$WORK/idle.out" || { echo "idle clients never got ready on $port" >&2; exit 1; }
  after=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
  exec 5>&-
  sleep 1
  echo $(( (after - before) * 1024 / IDLE_CLIENTS ))
}
ha_idle=$(idle_cost "$HA_PID" "$HA_HTTP"); lb_idle=$(idle_cost "$LB_PID" "$LB_HTTP")
printf '%-16s haproxy %6s bytes/client  lb %6s bytes/client\n' "idle $IDLE_CLIENTS" "$ha_idle" "$lb_idle"

# One row of the matrix: NAME, the two ports, the path, the connections, wrk's extra arguments.
: > "$OUT/matrix.txt"
: > "$OUT/rerun.txt"
row() {
  local name=$1 ha_port=$2 lb_port=$3 path=$4 connections=$5; shift 5
  for pair in $(seq 1 "$PAIRS"); do
    local attempt lines
    for attempt in $(seq 0 "$STEAL_RETRIES"); do
      lines=()
      local disturbed=0
      for who in haproxy lb; do
        local port=$ha_port; [ "$who" = lb ] && port=$lb_port
        local ticks; ticks=$(cpu_ticks)
        read -r rps p99 mbps < <(run_wrk "http://127.0.0.1:$port$path" "$connections" "$@")
        local stolen; stolen=$(steal_since $ticks)
        awk -v s="$stolen" -v l="$STEAL_LIMIT" 'BEGIN { exit !(s > l) }' && disturbed=1
        lines+=("$name|$who|$rps|$p99|$mbps|$stolen")
        printf '%-16s pair %d  %-7s %9s req/s  p99 %8s ms  %7s MB/s  steal %5s%%\n' "$name" "$pair" "$who" "$rps" "$p99" "$mbps" "$stolen"
      done
      [ $disturbed = 0 ] || [ "$attempt" = "$STEAL_RETRIES" ] && break
      echo "$name|$pair" >> "$OUT/rerun.txt"
      echo "$name pair $pair: more than $STEAL_LIMIT% stolen, run again" >&2
    done
    printf '%s\n' "${lines[@]}" >> "$OUT/matrix.txt"
  done
}
row "keep-alive 50" "$HA_HTTP" "$LB_HTTP" / 50
# What a browser sends with a page request: wrk's own request has a single field, which flatters a
# proxy that pays per field.
BROWSER=(
  -H "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
  -H "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
  -H "Accept-Language: en-US,en;q=0.5"
  -H "Accept-Encoding: gzip, deflate, br"
  -H "Referer: https://www.example.com/some/page/that/links/here"
  -H "Cookie: session=0123456789abcdef0123456789abcdef; theme=dark; _ga=GA1.2.123456789.1700000000"
  -H "Upgrade-Insecure-Requests: 1"
  -H "Sec-Fetch-Dest: document"
  -H "Sec-Fetch-Mode: navigate"
)
row "browser 50" "$HA_HTTP" "$LB_HTTP" / 50 "${BROWSER[@]}"
row "keep-alive 1000" "$HA_HTTP" "$LB_HTTP" / 1000
row "close 50" "$HA_HTTP" "$LB_HTTP" / 50 -H "Connection: close"
row "tcp bulk" "$HA_TCP" "$LB_TCP" /big.bin 4

# Opens IDLE_CLIENTS idle keep-alive clients on port $1, held until file descriptor $2 is closed.
hold_idle() {
  local port=$1 descriptor=$2 out="$WORK/held-$1.out"
  eval "exec $descriptor> >(python3 bench/idle-clients.py $port $IDLE_CLIENTS > $out)"
  for _ in $(seq 1 600); do grep -q ready "$out" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$out" || { echo "idle clients never got ready on $port" >&2; exit 1; }
}
hold_idle "$HA_HTTP" 6; hold_idle "$LB_HTTP" 7
row "close 50 + idle" "$HA_HTTP" "$LB_HTTP" / 50 -H "Connection: close"
exec 6>&- 7>&-


field() { awk -F'|' -v n="$1" -v w="$2" -v f="$3" '$1==n && $2==w {print $f}' "$OUT/matrix.txt" | mean; }
echo
echo "summary ($PAIRS pairs x ${DURATION}s, 1 thread each; $(nproc) cores)"
printf '%-16s %12s %12s %7s %10s %10s %7s\n' row "haproxy" "lb" ratio "p99 ha" "p99 lb" ratio
for name in "keep-alive 50" "browser 50" "keep-alive 1000" "close 50" "close 50 + idle" "tcp bulk"; do
  column=3; unit="req/s"; [ "$name" = "tcp bulk" ] && { column=5; unit="MB/s"; }
  ha=$(field "$name" haproxy $column); lb=$(field "$name" lb $column)
  ha99=$(field "$name" haproxy 4); lb99=$(field "$name" lb 4)
  printf '%-16s %6.0f %-5s %6.0f %-5s %7s %8.2f ms %7.2f ms %7s\n' "$name" "$ha" "$unit" "$lb" "$unit" \
    "$(ratio "$lb" "$ha")" "$ha99" "$lb99" "$(ratio "$lb99" "$ha99")"
done
printf '%-16s %6s %-5s %6s %-5s %7s\n' "idle $IDLE_CLIENTS" "$ha_idle" "B/cl" "$lb_idle" "B/cl" "$(ratio "$lb_idle" "$ha_idle")"
echo "pairs run again for more than $STEAL_LIMIT% stolen: $(wc -l < "$OUT/rerun.txt")"
echo "CPU time stolen by the host during the kept runs: mean $(awk -F'|' '{print $6}' "$OUT/matrix.txt" | mean %.1f)%, most $(awk -F'|' '$6 > m {m = $6} END {print m + 0}' "$OUT/matrix.txt")%"
