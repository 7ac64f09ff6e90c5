#!/usr/bin/env bash
# What a syslog datagram costs the kernel on loopback: one datagram per message (sendmmsg) against UDP
# segmentation offload (what lb's UDP targets use), alternated, with bench/udp-sink.c receiving. Prints
# the sender's and the receiver's CPU per datagram; then what a receiver with the system's default socket
# buffer loses when datagrams come in bursts of 350 and of 128 (lb's UDP targets send at most 128 at once).
#
# Environment: ROUNDS (default 3), COUNT datagrams per run (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
COUNT=${COUNT:-1000000}
source bench/lib.sh
ensure_tools cc:gcc
bench_workdir
cc -O2 -o "$WORK/udp-sink" bench/udp-sink.c
cc -O2 -o "$WORK/udp-segments" bench/udp-segments.c
PORT=18314
"$WORK/udp-sink" "$PORT" "$WORK/udp.count" & SINK=$!; pids+=($SINK)
sink_ticks() { awk '{ print $14 + $15 }' "/proc/$SINK/stat"; }
total=0
for round in $(seq 1 "$ROUNDS"); do
  for mode in 0 1; do
    before=$(sink_ticks)
    line=$("$WORK/udp-segments" "$mode" "$COUNT" "$PORT")
    after=$(sink_ticks)
    sent=${line%% *}; total=$((total + sent))
    printf 'round %d  %-58s receiver %.2f us per datagram\n' "$round" "${line#* }" \
      "$(awk -v t=$((after - before)) -v n="$sent" -v hz="$(getconf CLK_TCK)" 'BEGIN { print t / hz * 1e6 / n }')"
  done
done
kill -TERM "$SINK"; wait "$SINK" 2>/dev/null || true
echo "datagrams received: $(cat "$WORK/udp.count") of $total sent"

echo "receiver with the default socket buffer ($(cat /proc/sys/net/core/rmem_default) bytes):"
for burst in 350 128; do
  for mode in 0 1; do
    "$WORK/udp-sink" "$PORT" "$WORK/default.count" 0 & SINK=$!; pids+=($SINK)
    sleep 0.2
    line=$("$WORK/udp-segments" "$mode" 200000 "$PORT" "$burst")
    sleep 0.3
    kill -TERM "$SINK"; wait "$SINK" 2>/dev/null || true
    sent=${line%% *}; received=$(cat "$WORK/default.count")
    printf 'bursts of %3d  %-16s received %6d of %6d (%.1f%% lost)\n' "$burst" "$(echo "$line" | cut -d: -f1 | cut -d' ' -f2-)" \
      "$received" "$sent" "$(awk -v r="$received" -v s="$sent" 'BEGIN { print (s - r) * 100 / s }')"
  done
done
