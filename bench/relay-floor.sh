#!/usr/bin/env bash
# What the I/O layer costs per request: lb and haproxy against bench/relay-floor, a keep-alive HTTP/1
# relay in Swift on epoll without SwiftNIO that does nothing else (no rules, no logging, no timeouts).
# All three relay wrk's requests to the same nginx, one thread each, `http-reuse always` for the two
# proxies; wrk runs alternate over the three. Each run reports requests/s, p99, and the process's user
# and system CPU time per request (/proc/PID/stat), with the host's steal. The floor's user time is
# what a data path that drives the sockets itself would start from; the difference to lb's is what
# SwiftNIO and lb's own work add.
#
# Environment: ROUNDS (default 3), DURATION seconds per run (default 8), CONNECTIONS (default 50).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
CONNECTIONS=${CONNECTIONS:-50}
source bench/lib.sh
ensure_tools wrk:wrk haproxy:haproxy nginx:nginx-light curl:curl
LB=$(build_lb)
echo "building bench/relay-floor (release)..." >&2
swift build -c release --package-path bench/relay-floor >/dev/null || { echo "bench/relay-floor does not build" >&2; exit 1; }
FLOOR="$(swift build -c release --package-path bench/relay-floor --show-bin-path)/RelayFloor"

NGINX_PORT=18140; HA_PORT=18141; LB_PORT=18142; FLOOR_PORT=18143
bench_workdir
start_nginx "$NGINX_PORT"
# maxconn 8000 as in bench/proxy.sh: haproxy keeps idle server connections only while its descriptors
# in use stay under tune.pool-low-fd-ratio (20%) of what maxconn allows, so with `maxconn 4000` and
# 1000 clients it closes each server connection after its response (14-15k req/s against 36-37k).
{ http_proxy_head "$HA_PORT" | sed -e 's/maxconn 4000/maxconn 8000/'; printf '    default_backend be\nbackend be\n    http-reuse always\n    server s1 127.0.0.1:%s\n' "$NGINX_PORT"; } > "$WORK/haproxy.cfg"
sed -e "s/127.0.0.1:$HA_PORT/127.0.0.1:$LB_PORT/" "$WORK/haproxy.cfg" > "$WORK/lb.cfg"
"$(command -v haproxy)" -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & HA_PID=$!; pids+=($HA_PID)
"$LB" -f "$WORK/lb.cfg" -q 2>"$WORK/lb.err" & LB_PID=$!; pids+=($LB_PID)
"$FLOOR" "$FLOOR_PORT" "$NGINX_PORT" & FLOOR_PID=$!; pids+=($FLOOR_PID)
for p in $NGINX_PORT $HA_PORT $LB_PORT $FLOOR_PORT; do wait_port "$p"; done
for p in $HA_PORT $LB_PORT $FLOOR_PORT; do curl -sf "http://127.0.0.1:$p/" >/dev/null || { echo "nothing answers on $p" >&2; exit 1; }; done

# user and system ticks of process $1
cpu_of() { awk '{ print $14, $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
results="$WORK/results"; : > "$results"
echo "warming up..." >&2
for p in $HA_PORT $LB_PORT $FLOOR_PORT; do CONNECTIONS=$CONNECTIONS DURATION=2 wrk_rps_p99 "http://127.0.0.1:$p/" >/dev/null; done
for round in $(seq 1 "$ROUNDS"); do
  for who in haproxy lb floor; do
    case $who in haproxy) port=$HA_PORT pid=$HA_PID ;; lb) port=$LB_PORT pid=$LB_PID ;; floor) port=$FLOOR_PORT pid=$FLOOR_PID ;; esac
    read -r user0 system0 < <(cpu_of "$pid"); ticks=$(cpu_ticks)
    read -r rps p99 < <(wrk_rps_p99 "http://127.0.0.1:$port/")
    read -r user1 system1 < <(cpu_of "$pid"); stolen=$(steal_since $ticks)
    read -r user_us system_us < <(awk -v u=$((user1 - user0)) -v s=$((system1 - system0)) -v hz="$hz" -v r="$rps" -v d="$DURATION" \
      'BEGIN { n = r * d; printf "%.2f %.2f\n", u / hz * 1e6 / n, s / hz * 1e6 / n }')
    echo "$who $rps $p99 $user_us $system_us" >> "$results"
    printf 'round %d  %-7s %9s req/s  p99 %7s ms  user %6s us  system %6s us per request  steal %s%%\n' \
      "$round" "$who" "$rps" "$p99" "$user_us" "$system_us" "$stolen"
  done
done

field() { awk -v w="$1" -v f="$2" '$1 == w { print $f }' "$results" | mean; }
echo
echo "summary ($ROUNDS rounds x ${DURATION}s, $CONNECTIONS connections, 1 thread each; $(nproc) cores)"
printf '%-8s %10s %9s %14s %16s\n' "" "req/s" "p99 ms" "user us/req" "system us/req"
for who in haproxy lb floor; do
  printf '%-8s %10.0f %9.2f %14.2f %16.2f\n' "$who" "$(field "$who" 2)" "$(field "$who" 3)" "$(field "$who" 4)" "$(field "$who" 5)"
done
printf 'requests/s against haproxy: lb %s, floor %s\n' "$(ratio "$(field lb 2)" "$(field haproxy 2)")" "$(ratio "$(field floor 2)" "$(field haproxy 2)")"
