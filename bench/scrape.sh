#!/usr/bin/env bash
# What a Prometheus scrape every second costs a proxy's request rate, lb against haproxy in one run.
#
# Each proxy (one thread) serves HTTP traffic from wrk while it carries 100 backends x 10 servers, so
# that every scrape renders a full-size exposition (the same layout as the render benchmark). Runs
# alternate quiet / scraped for both proxies; during a scraped run a client fetches /metrics once a
# second, as Prometheus with scrape_interval 1s would. Target: the scraped rate is >= 98% of the quiet one.
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
LB=$(build_lb)

NGINX_PORT=18400; LB_HTTP=18401; LB_METRICS=18402; HA_HTTP=18403; HA_METRICS=18404
bench_workdir
start_nginx $NGINX_PORT

# $1: traffic port, $2: metrics port.
config() {
  cat <<CFG
global
    nbthread 1
    maxconn 4000
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:$1
    default_backend app
frontend metrics
    bind 127.0.0.1:$2
    http-request use-service prometheus-exporter if { path /metrics }
backend app
    server s1 127.0.0.1:$NGINX_PORT
CFG
  for b in $(seq -w 1 100); do
    echo "backend be$b"
    for s in $(seq 1 10); do echo "    server s$s 127.0.0.1:$NGINX_PORT"; done
  done
}
config $HA_HTTP $HA_METRICS > "$WORK/haproxy.cfg"
config $LB_HTTP $LB_METRICS > "$WORK/lb.cfg"
"$HAPROXY" -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & pids+=($!)
"$LB" -f "$WORK/lb.cfg" -q 2>"$WORK/lb.err" & pids+=($!)
for p in $NGINX_PORT $HA_HTTP $LB_HTTP $HA_METRICS $LB_METRICS; do wait_port "$p"; done
for p in $HA_METRICS $LB_METRICS; do
  curl -sf -o "$WORK/metrics-$p.txt" "http://127.0.0.1:$p/metrics" || { echo "no /metrics on $p" >&2; exit 1; }
done

# Fetches /metrics once a second until killed, recording each scrape's duration in seconds.
scraper() {
  while :; do
    curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$1/metrics" >> "$WORK/scrapes-$1.txt"
    sleep 1
  done
}

echo "warming up..." >&2
for p in $HA_HTTP $LB_HTTP; do DURATION=2 wrk_rps_p99 "http://127.0.0.1:$p/" >/dev/null; done

: > "$OUT/scrape.txt"
for pair in $(seq 1 "$PAIRS"); do
  for who in lb haproxy; do
    port=$LB_HTTP; metrics=$LB_METRICS
    [ "$who" = haproxy ] && { port=$HA_HTTP; metrics=$HA_METRICS; }
    for mode in quiet scraped; do
      scraper_pid=
      if [ "$mode" = scraped ]; then scraper "$metrics" & scraper_pid=$!; fi
      read -r rps p99 < <(wrk_rps_p99 "http://127.0.0.1:$port/")
      [ -n "$scraper_pid" ] && { kill "$scraper_pid"; wait "$scraper_pid" 2>/dev/null || true; }
      echo "$who $mode $rps $p99" >> "$OUT/scrape.txt"
      printf 'pair %d  %-7s %-7s %9s req/s  p99 %7s ms\n' "$pair" "$who" "$mode" "$rps" "$p99"
    done
  done
done

avg() { awk -v w="$1" -v m="$2" '$1==w && $2==m {print $3}' "$OUT/scrape.txt" | mean; }
scrape_ms() { awk '{ s += $1; n++ } END { if (n) printf "%.1f", s / n * 1000; else print "n/a" }' "$WORK/scrapes-$1.txt"; }
lb_q=$(avg lb quiet); lb_s=$(avg lb scraped); ha_q=$(avg haproxy quiet); ha_s=$(avg haproxy scraped)
echo
echo "summary ($PAIRS pairs x ${DURATION}s, $CONNECTIONS connections, 1 thread each, 100 backends x 10 servers; $(nproc) cores)"
printf 'lb       quiet %9.0f req/s  scraped every 1s %9.0f req/s  kept %s  (scrape %s ms, %s bytes)\n' \
  "$lb_q" "$lb_s" "$(ratio "$lb_s" "$lb_q")" "$(scrape_ms $LB_METRICS)" "$(wc -c < "$WORK/metrics-$LB_METRICS.txt")"
printf 'haproxy  quiet %9.0f req/s  scraped every 1s %9.0f req/s  kept %s  (scrape %s ms, %s bytes)\n' \
  "$ha_q" "$ha_s" "$(ratio "$ha_s" "$ha_q")" "$(scrape_ms $HA_METRICS)" "$(wc -c < "$WORK/metrics-$HA_METRICS.txt")"
printf 'lb/haproxy scraped req/s %s\n' "$(ratio "$lb_s" "$ha_s")"
