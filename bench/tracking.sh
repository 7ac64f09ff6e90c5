#!/usr/bin/env bash
# What tracking one counter per request costs: each proxy with the web's most common rate-limit snippet
# (a stick table of request rates, `http-request track-sc0 src`, a deny on `sc_http_req_rate(0)`) against
# the same proxy without it, lb and haproxy side by side in one run behind the same nginx.
#
# The deny threshold is out of reach, so every request is tracked and checked and none is refused: a
# 429 would show as a non-2xx answer and stop the run. All wrk connections come from 127.0.0.1, so every
# request updates the same table entry (the contended case, as behind a NAT).
#
# Runs alternate lb plain, lb tracked, haproxy plain, haproxy tracked, PAIRS times; one thread per proxy.
# Environment: PAIRS (default 3), DURATION seconds per run (default 10), CONNECTIONS (default 50),
# LB_SCRATCH (build directory, default .build; see bench/lib.sh), LB (an lb binary to use instead of a
# release build, for checking the script itself).
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
LB=${LB:-$(build_lb)}

NGINX_PORT=18400; LB_PLAIN=18401; LB_TRACKED=18402; HA_PLAIN=18403; HA_TRACKED=18404
bench_workdir
start_nginx "$NGINX_PORT"

# config WHO(lb|haproxy) TRACKED(0|1) PORT
config() {
  local who=$1 tracked=$2 port=$3 reuse=""
  [ "$who" = haproxy ] && reuse="    http-reuse always"$'\n'
  http_proxy_head "$port"
  if [ "$tracked" = 1 ]; then
    cat <<CFG
    stick-table type ip size 100k expire 30s store http_req_rate(10s)
    http-request track-sc0 src
    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 1000000000 }
CFG
  fi
  printf '    default_backend be_main\nbackend be_main\n%s    server s1 127.0.0.1:%s\n' "$reuse" "$NGINX_PORT"
}
config lb 0 $LB_PLAIN > "$WORK/lb-plain.cfg"
config lb 1 $LB_TRACKED > "$WORK/lb-tracked.cfg"
config haproxy 0 $HA_PLAIN > "$WORK/haproxy-plain.cfg"
config haproxy 1 $HA_TRACKED > "$WORK/haproxy-tracked.cfg"

# Both proxies must accept the configurations as written; for lb a warning counts too (a rule it did
# not apply would make the tracked case free).
for cfg in lb-plain lb-tracked; do
  if ! "$LB" -c -f "$WORK/$cfg.cfg" > "$WORK/$cfg.check" 2>&1 || grep -qiE 'error|warning' "$WORK/$cfg.check"; then
    echo "lb does not accept $cfg.cfg cleanly (copy in $OUT/tracking-$cfg.cfg):" >&2
    cp "$WORK/$cfg.cfg" "$OUT/tracking-$cfg.cfg"; cat "$WORK/$cfg.check" >&2; exit 1
  fi
done
for cfg in haproxy-plain haproxy-tracked; do
  if ! "$HAPROXY" -c -f "$WORK/$cfg.cfg" > "$WORK/$cfg.check" 2>&1; then
    echo "haproxy does not accept $cfg.cfg:" >&2; cat "$WORK/$cfg.check" >&2; exit 1
  fi
done

for cfg in plain tracked; do
  "$LB" -f "$WORK/lb-$cfg.cfg" -q 2>"$WORK/lb-$cfg.err" & pids+=($!)
  "$HAPROXY" -f "$WORK/haproxy-$cfg.cfg" -db >/dev/null 2>&1 & pids+=($!)
done
for p in $NGINX_PORT $LB_PLAIN $LB_TRACKED $HA_PLAIN $HA_TRACKED; do wait_port "$p"; done
for p in $LB_PLAIN $LB_TRACKED $HA_PLAIN $HA_TRACKED; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/")
  [ "$code" = 200 ] || { echo "request through port $p: HTTP $code, expected 200" >&2; exit 1; }
done

run_wrk() { wrk_rps_p99 "http://127.0.0.1:$1/"; }
port_of() { case $1 in lb-plain) echo $LB_PLAIN ;; lb-tracked) echo $LB_TRACKED ;; haproxy-plain) echo $HA_PLAIN ;; haproxy-tracked) echo $HA_TRACKED ;; esac; }
run_alternating "$OUT/tracking.txt" tracked
print_alternating_summary "$OUT/tracking.txt" tracked \
  "track-sc0 src + sc_http_req_rate(0) check per request, one client address"
