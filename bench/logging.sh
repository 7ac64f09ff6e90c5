#!/usr/bin/env bash
# What logging costs: lb with full logging (gzip file target + UDP syslog) against lb without logging,
# and against haproxy with and without logging over UDP syslog, alternated in one run behind the same nginx backend.
# Also reports the compressed size per record of lb's gzip file.
#
# Environment: PAIRS (default 10), DURATION seconds per run (default 5), CONNECTIONS (default 50).
#
# Each round runs the four back to back, the next round in the opposite order (lb-logging, lb-nolog,
# haproxy-logging, haproxy-nolog, then haproxy-nolog first), so that neither side of a pair always
# runs first. On a shared host whose speed drifts from second to second, the ratio within a round
# compares runs seconds apart: the headline is the median of those ratios (the ratio of the means is
# printed beside it). More, shorter rounds make that median steadier than a few long ones.
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-10}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-50}
OUT=bench/out
mkdir -p "$OUT"

source bench/lib.sh
ensure_tools wrk:wrk haproxy:haproxy nginx:nginx-light python3:python3
HAPROXY=$(command -v haproxy)
LB=$(build_lb)

NGINX_PORT=18200; LB_LOG=18201; LB_NOLOG=18202; HA_LOG=18203; HA_NOLOG=18204; SYSLOG_PORT=18214
bench_workdir
start_nginx "$NGINX_PORT"

# The syslog receiver: counts datagrams (bench/udp-sink.c, batched receives) without writing them.
ensure_tools cc:gcc
cc -O2 -o "$WORK/udp-sink" bench/udp-sink.c
"$WORK/udp-sink" "$SYSLOG_PORT" "$WORK/udp.count" & SINK_PID=$!; pids+=($SINK_PID)

common() {
  cat <<CFG
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 30s
    timeout server 30s
CFG
}
{ printf 'global\n    nbthread 1\n    maxconn 4000\n    log 127.0.0.1:%s local0\n    log file@%s/access.log local0\n' "$SYSLOG_PORT" "$WORK"
  common; printf '    log global\n    option httplog\nfrontend fe\n    bind 127.0.0.1:%s\n    default_backend be\nbackend be\n    server s1 127.0.0.1:%s\n' "$LB_LOG" "$NGINX_PORT"
} > "$WORK/lb-log.cfg"
{ printf 'global\n    nbthread 1\n    maxconn 4000\n'; common
  printf 'frontend fe\n    bind 127.0.0.1:%s\n    default_backend be\nbackend be\n    server s1 127.0.0.1:%s\n' "$LB_NOLOG" "$NGINX_PORT"
} > "$WORK/lb-nolog.cfg"
{ printf 'global\n    nbthread 1\n    maxconn 4000\n    log 127.0.0.1:%s local0\n' "$SYSLOG_PORT"; common
  printf '    log global\n    option httplog\nfrontend fe\n    bind 127.0.0.1:%s\n    default_backend be\nbackend be\n    http-reuse always\n    server s1 127.0.0.1:%s\n' "$HA_LOG" "$NGINX_PORT"
} > "$WORK/haproxy.cfg"
# The same haproxy without logging: what logging costs the peer on this machine.
{ printf 'global\n    nbthread 1\n    maxconn 4000\n'; common
  printf 'frontend fe\n    bind 127.0.0.1:%s\n    default_backend be\nbackend be\n    http-reuse always\n    server s1 127.0.0.1:%s\n' "$HA_NOLOG" "$NGINX_PORT"
} > "$WORK/haproxy-nolog.cfg"

"$LB" -f "$WORK/lb-log.cfg" -q 2>"$WORK/lb-log.err" & LB_LOG_PID=$!; pids+=($LB_LOG_PID)
"$LB" -f "$WORK/lb-nolog.cfg" -q 2>"$WORK/lb-nolog.err" & pids+=($!)
"$HAPROXY" -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & pids+=($!)
"$HAPROXY" -f "$WORK/haproxy-nolog.cfg" -db >/dev/null 2>&1 & pids+=($!)

for p in $NGINX_PORT $LB_LOG $LB_NOLOG $HA_LOG $HA_NOLOG; do wait_port "$p"; done

run_wrk() {
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "$1" > "$WORK/wrk.out" 2>&1 || true
  if grep -q "Non-2xx" "$WORK/wrk.out"; then echo "non-2xx answers from $1" >&2; cat "$WORK/wrk.out" >&2; exit 1; fi
  awk '/Requests\/sec/ { printf "%.0f\n", $2 } / requests in / { print $1 > "/dev/stderr" }' "$WORK/wrk.out"
}

echo "warming up..." >&2
for p in $LB_LOG $LB_NOLOG $HA_LOG $HA_NOLOG; do DURATION=2 run_wrk "http://127.0.0.1:$p/" >/dev/null 2>&1; done

: > "$OUT/logging.txt"
lb_log_requests=0; ha_log_requests=0
for pair in $(seq 1 "$PAIRS"); do
  order="lb-logging lb-nolog haproxy-logging haproxy-nolog"
  [ $((pair % 2)) -eq 0 ] && order="haproxy-nolog haproxy-logging lb-nolog lb-logging"
  for who in $order; do
    case $who in lb-logging) port=$LB_LOG;; lb-nolog) port=$LB_NOLOG;; haproxy-logging) port=$HA_LOG;; haproxy-nolog) port=$HA_NOLOG;; esac
    rps=$(run_wrk "http://127.0.0.1:$port/" 2>"$WORK/count")
    [ "$who" = lb-logging ] && lb_log_requests=$((lb_log_requests + $(cat "$WORK/count")))
    [ "$who" = haproxy-logging ] && ha_log_requests=$((ha_log_requests + $(cat "$WORK/count")))
    echo "$who $rps" >> "$OUT/logging.txt"
    printf 'pair %d  %-16s %9s req/s\n' "$pair" "$who" "$rps"
  done
done

# Stop lb (logging) cleanly so its last gzip member is written, then measure the file.
kill -TERM "$LB_LOG_PID"; wait "$LB_LOG_PID" 2>/dev/null || true
records=$(zcat "$WORK"/access.log* | wc -l)
kill -TERM "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || true
datagrams=$(cat "$WORK/udp.count" 2>/dev/null || echo 0)
bytes=$(cat "$WORK"/access.log* | wc -c)

lb_log=$(awk '$1=="lb-logging"{print $2}' "$OUT/logging.txt" | mean %.0f)
lb_nolog=$(awk '$1=="lb-nolog"{print $2}' "$OUT/logging.txt" | mean %.0f)
ha_log=$(awk '$1=="haproxy-logging"{print $2}' "$OUT/logging.txt" | mean %.0f)
ha_nolog=$(awk '$1=="haproxy-nolog"{print $2}' "$OUT/logging.txt" | mean %.0f)
# The ratio of two runs of one round, per round, and their median.
round_ratios() {
  awk -v a="$1" -v b="$2" '$1==a{x[++n]=$2} $1==b{y[++k]=$2} END{for(i=1;i<=n;i++) printf "%.2f\n", x[i]/y[i]}' "$OUT/logging.txt"
}
median() { sort -n | awk '{v[NR]=$1} END{ if (NR % 2) print v[(NR+1)/2]; else printf "%.2f\n", (v[NR/2]+v[NR/2+1])/2 }'; }
lb_rounds=$(round_ratios lb-logging lb-nolog)
ha_rounds=$(round_ratios haproxy-logging haproxy-nolog)
vs_rounds=$(round_ratios lb-logging haproxy-logging)

echo
echo "summary ($PAIRS rounds x ${DURATION}s, $CONNECTIONS connections, 1 thread each; $(nproc) cores)"
printf 'lb with gzip file + UDP syslog  %9s req/s\n' "$lb_log"
printf 'lb without logging              %9s req/s   logging keeps %s of throughput (median of rounds; ratio of means %s)\n' \
  "$lb_nolog" "$(echo "$lb_rounds" | median)" "$(ratio "$lb_log" "$lb_nolog")"
printf 'haproxy with UDP syslog         %9s req/s   lb(logging)/haproxy(logging) %s (median of rounds; ratio of means %s)\n' \
  "$ha_log" "$(echo "$vs_rounds" | median)" "$(ratio "$lb_log" "$ha_log")"
printf 'haproxy without logging         %9s req/s   logging keeps %s of haproxy'"'"'s throughput (median of rounds; ratio of means %s)\n' \
  "$ha_nolog" "$(echo "$ha_rounds" | median)" "$(ratio "$ha_log" "$ha_nolog")"
printf 'lb logging/no logging per round: %s\n' "$(echo "$lb_rounds" | paste -sd' ')"
printf 'gzip file: %s records (wrk completed %s, incl. warm-up %s more), %s bytes, %.1f bytes/record\n' \
  "$records" "$lb_log_requests" "$((records - lb_log_requests))" "$bytes" "$(awk -v b="$bytes" -v r="$records" 'BEGIN{ if (r) print b/r; else print 0 }')"
printf 'syslog receiver: %s datagrams from lb and haproxy together (lb'"'"'s file holds %s records, haproxy answered %s requests in the measured runs; both also logged their warm-up)\n' \
  "$datagrams" "$records" "$ha_log_requests"
