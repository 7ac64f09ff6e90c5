#!/usr/bin/env bash
# lblog against halog on one machine, in one run, alternating the contenders.
#
#   bench/lblog.sh [LINES]        (default 3000000; ROUNDS=3 rounds; keeps the best time of each)
#
# Generates a reproducible log with `lblog generate` (fixed seed: several frontends, backends and
# servers, a slow server, error bursts, TCP sessions, bad requests, ~100k distinct URLs), gzips it,
# then times, in turn:
#   lblog report (the full default report)  vs  halog -pct   and   halog -u      on the plain file
#   lblog report on the .gz                 vs  zcat FILE | halog -pct
# and prints lines/s, the ratios and the peak resident memory (GNU time's %M). lblog is built with
# `--static-swift-stdlib`, as the README's install line builds it.
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${1:-3000000}
ROUNDS=${ROUNDS:-3}
SCRATCH=${SCRATCH:-.build-lblog}
OUT=bench/out/lblog
mkdir -p "$OUT"

need() { command -v "$1" >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; command -v "$1" >/dev/null 2>&1 || { echo "missing $1 (apt-get install $2)" >&2; exit 1; }; }
need halog haproxy
[ -x /usr/bin/time ] || need /usr/bin/time time

# Built as a release binary is shipped: the Swift runtime and Foundation linked in, so the process does
# not spend its first milliseconds resolving symbols of a dozen shared libraries.
swift build -c release --static-swift-stdlib --product lblog --scratch-path "$SCRATCH" >/dev/null
LBLOG="$(swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --show-bin-path)/lblog"

LOG="$OUT/bench-$LINES.log"
if [ ! -s "$LOG" ]; then
  echo "generating $LINES lines..."
  "$LBLOG" generate --lines "$LINES" --seed 42 > "$LOG.tmp" && mv "$LOG.tmp" "$LOG"
fi
if [ ! -s "$LOG.gz" ] || [ "$LOG.gz" -ot "$LOG" ]; then
  echo "compressing..."
  gzip -6 -c "$LOG" > "$LOG.gz.tmp" && mv "$LOG.gz.tmp" "$LOG.gz"
fi
BYTES=$(stat -c %s "$LOG")
GZBYTES=$(stat -c %s "$LOG.gz")
echo "input: $LINES lines, $((BYTES / 1048576)) MiB plain, $((GZBYTES / 1048576)) MiB gzip; $(nproc) cores"

declare -A best mem
run() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/stderr.txt" || { echo "$name failed:"; cat "$OUT/stderr.txt"; exit 1; }
  read -r secs kb < <(tail -1 "$OUT/time.txt")
  if [ -z "${best[$name]:-}" ] || awk "BEGIN{exit !($secs < ${best[$name]})}"; then best[$name]=$secs; fi
  if [ -z "${mem[$name]:-}" ] || [ "$kb" -gt "${mem[$name]}" ]; then mem[$name]=$kb; fi
}

cat "$LOG" > /dev/null   # warm the page cache for everyone
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS"
  run "lblog report (plain)" "$LBLOG" report --quiet --no-color "$LOG"
  run "halog -pct (plain)" sh -c "halog -pct < '$LOG'"
  run "halog -u (plain)" sh -c "halog -u < '$LOG'"
  run "lblog report (gzip)" "$LBLOG" report --quiet --no-color "$LOG.gz"
  run "zcat | halog -pct" sh -c "zcat '$LOG.gz' | halog -pct"
done

rate() { awk "BEGIN{printf \"%.0f\", $LINES / $1}"; }
printf "\n%-24s %9s %14s %10s\n" "contender" "seconds" "lines/s" "peak MiB"
for name in "lblog report (plain)" "halog -pct (plain)" "halog -u (plain)" "lblog report (gzip)" "zcat | halog -pct"; do
  printf "%-24s %9.2f %14s %10.1f\n" "$name" "${best[$name]}" "$(rate "${best[$name]}")" "$(awk "BEGIN{print ${mem[$name]}/1024}")"
done
ratio() { awk "BEGIN{printf \"%.2f\", $2 / $1}"; }
echo
echo "lblog report / halog -pct (plain): $(ratio "${best[lblog report (plain)]}" "${best[halog -pct (plain)]}")x the lines/s"
echo "lblog report / halog -u (plain):   $(ratio "${best[lblog report (plain)]}" "${best[halog -u (plain)]}")x the lines/s"
echo "lblog report / zcat|halog -pct:    $(ratio "${best[lblog report (gzip)]}" "${best[zcat | halog -pct]}")x the lines/s"
