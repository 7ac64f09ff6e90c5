#!/usr/bin/env bash
# TLS at the edge: lb against haproxy on this machine, in one run, alternated.
#
# Both terminate TLS on one thread and answer themselves (`http-request return`), so the figures are
# the TLS layer and the HTTP engine, not a server behind them. For each certificate type (ECDSA P-256,
# then RSA 2048) two loads, each run alternately on haproxy and lb (A B A B ...):
#   - new handshakes: wrk over https with `Connection: close`, so every request is a new connection
#     and a full handshake, 50 clients;
#   - keep-alive over TLS: wrk over https, 50 clients, handshakes only at the start.
# Each row reports requests/s and p99 for both, and the lb/haproxy ratio.
#
# Environment: PAIRS (default 3), DURATION seconds per run (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-3}
DURATION=${DURATION:-10}
OUT=bench/out
mkdir -p "$OUT"

source bench/lib.sh
ensure_tools wrk:wrk haproxy:haproxy curl:curl openssl:openssl
HAPROXY=$(command -v haproxy)
LB=$(build_lb)
bench_workdir

HA_PORT=18201; LB_PORT=18202

# Certificates: one ECDSA P-256 and one RSA 2048, self-signed, each in one PEM (certificate + key).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench.example \
  -keyout "$WORK/ecdsa.key" -out "$WORK/ecdsa.crt" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench.example \
  -keyout "$WORK/rsa.key" -out "$WORK/rsa.crt" 2>/dev/null
cat "$WORK/ecdsa.crt" "$WORK/ecdsa.key" > "$WORK/ecdsa.pem"
cat "$WORK/rsa.crt" "$WORK/rsa.key" > "$WORK/rsa.pem"

# Writes the configuration for certificate $1 on port $2 into file $3.
config() {
  cat > "$3" <<CFG
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
    bind 127.0.0.1:$2 ssl crt $WORK/$1.pem alpn http/1.1
    http-request return status 200 content-type text/plain string "hello over tls"
CFG
}

# Prints "requests_per_s p99_ms" for one wrk run; further arguments go to wrk.
run_wrk() {
  local url=$1; shift
  wrk -t1 -c50 -d"${DURATION}s" --latency "$@" "$url" > "$WORK/wrk.out" 2>&1 || true
  cp "$WORK/wrk.out" "$OUT/wrk-last.txt"
  if grep -q "Non-2xx" "$WORK/wrk.out"; then echo "non-2xx answers from $url: see $OUT/wrk-last.txt" >&2; exit 1; fi
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { p99 = ms($2) }
    END { printf "%.0f %.2f\n", rps, p99 }' "$WORK/wrk.out"
}

: > "$OUT/tls.txt"
for cert in ecdsa rsa; do
  config "$cert" "$HA_PORT" "$WORK/haproxy.cfg"
  config "$cert" "$LB_PORT" "$WORK/lb.cfg"
  "$HAPROXY" -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & HA_PID=$!; pids+=($HA_PID)
  "$LB" -f "$WORK/lb.cfg" -q 2>"$WORK/lb.err" & LB_PID=$!; pids+=($LB_PID)
  wait_port "$HA_PORT"; wait_port "$LB_PORT"
  for p in $HA_PORT $LB_PORT; do
    curl -sfk "https://127.0.0.1:$p/" >/dev/null || { echo "proxy on $p does not answer over TLS" >&2; exit 1; }
  done
  echo "warming up ($cert)..." >&2
  DURATION=2 run_wrk "https://127.0.0.1:$HA_PORT/" >/dev/null
  DURATION=2 run_wrk "https://127.0.0.1:$LB_PORT/" >/dev/null
  for load in handshakes keep-alive; do
    extra=(); [ "$load" = handshakes ] && extra=(-H "Connection: close")
    for pair in $(seq 1 "$PAIRS"); do
      for who in haproxy lb; do
        port=$HA_PORT; [ "$who" = lb ] && port=$LB_PORT
        read -r rps p99 < <(run_wrk "https://127.0.0.1:$port/" "${extra[@]}")
        echo "$cert $load|$who|$rps|$p99" >> "$OUT/tls.txt"
        printf '%-20s pair %d  %-7s %9s req/s  p99 %8s ms\n' "$cert $load" "$pair" "$who" "$rps" "$p99"
      done
    done
  done
  kill "$HA_PID" "$LB_PID"; wait "$HA_PID" "$LB_PID" 2>/dev/null || true
done

field() { awk -F'|' -v n="$1" -v w="$2" -v f="$3" '$1==n && $2==w {print $f}' "$OUT/tls.txt" | mean; }
echo
echo "summary ($PAIRS pairs x ${DURATION}s, 1 thread each, 50 clients; $(nproc) cores)"
printf '%-20s %10s %10s %7s %10s %10s %7s\n' row "haproxy" "lb" ratio "p99 ha" "p99 lb" ratio
for name in "ecdsa handshakes" "ecdsa keep-alive" "rsa handshakes" "rsa keep-alive"; do
  ha=$(field "$name" haproxy 3); lb=$(field "$name" lb 3)
  ha99=$(field "$name" haproxy 4); lb99=$(field "$name" lb 4)
  printf '%-20s %10.0f %10.0f %7s %8.2f ms %7.2f ms %7s\n' "$name" "$ha" "$lb" "$(ratio "$lb" "$ha")" "$ha99" "$lb99" "$(ratio "$lb99" "$ha99")"
done
