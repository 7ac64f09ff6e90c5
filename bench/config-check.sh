#!/usr/bin/env bash
# How `lb -c` scales with the size of the configuration, haproxy -c beside it on the same files.
#
#   bench/config-check.sh        (ROUNDS=3 rounds, alternating lb and haproxy; keeps the best time of each)
#
# Generates, in bench/out/config-check:
#   backends-N.cfg  for N = 1000 2000 4000 8000 10000: a frontend with one ACL and one use_backend rule
#                   per backend, and N backends of two servers each (a valid configuration, no warning);
#   long-word.cfg   a server line ending with one 1 MiB word (both must refuse it, and say why quickly).
# Prints the best wall time of each checker per file, the ratio lb / haproxy, lb's time per backend
# (flat when checking is linear) and lb's peak resident memory. Exits non-zero when lb gets a file wrong
# (refuses a valid one, accepts the long word) or takes more than LIMIT_MS (default 2000) on the
# 10,000-backend file: checking must stay linear in the size of the configuration.
# Environment: ROUNDS, LIMIT_MS, LB_SCRATCH (build directory, default .build; see bench/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
LIMIT_MS=${LIMIT_MS:-2000}
OUT=bench/out/config-check
mkdir -p "$OUT"

source bench/lib.sh
[ -x /usr/bin/time ] || ensure_tools /usr/bin/time:time
LB=$(build_lb)
HAPROXY=$(command -v haproxy || true)
[ -n "$HAPROXY" ] || echo "haproxy is not installed: timing lb alone (apt-get install haproxy to compare)"

SIZES=(1000 2000 4000 8000 10000)

# N backends, each routed to by its own ACL, as a content-switching frontend is written.
generate_backends() {
  local n=$1 i
  {
    printf 'global\n    maxconn 4096\n'
    printf 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n'
    printf 'frontend web\n    bind 127.0.0.1:8080\n'
    for ((i = 1; i <= n; i++)); do printf '    acl is_b%d path_beg /b%d/\n' "$i" "$i"; done
    for ((i = 1; i <= n; i++)); do printf '    use_backend b%d if is_b%d\n' "$i" "$i"; done
    printf '    default_backend b1\n'
    for ((i = 1; i <= n; i++)); do
      printf 'backend b%d\n    balance roundrobin\n    server s1 127.0.0.1:%d check\n    server s2 127.0.0.2:%d check\n' \
        "$i" $((10000 + i)) $((10000 + i))
    done
  } > "$OUT/backends-$n.cfg"
}

for n in "${SIZES[@]}"; do [ -s "$OUT/backends-$n.cfg" ] || generate_backends "$n"; done
if [ ! -s "$OUT/long-word.cfg" ]; then
  {
    printf 'global\n    maxconn 100\n'
    printf 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n'
    printf 'frontend web\n    bind 127.0.0.1:8080\n    default_backend b\n'
    printf 'backend b\n    server s1 127.0.0.1:80 '
    head -c 1048576 /dev/zero | tr '\0' x
    printf '\n'
  } > "$OUT/long-word.cfg"
fi
FILES=()
for n in "${SIZES[@]}"; do FILES+=("backends-$n"); done
FILES+=(long-word)

declare -A best mem
# run NAME FILE EXPECTED_STATUS COMMAND...: times one check (wall clock, in ms) and keeps the best.
run() {
  local name=$1 file=$2 expected=$3; shift 3
  local start end status=0 ms
  start=$EPOCHREALTIME
  /usr/bin/time -f "%M" -o "$OUT/time.txt" "$@" > /dev/null 2> "$OUT/stderr.txt" || status=$?
  end=$EPOCHREALTIME
  if { [ "$expected" = 0 ] && [ "$status" != 0 ]; } || { [ "$expected" != 0 ] && [ "$status" = 0 ]; }; then
    echo "$name on $file exited $status (expected $([ "$expected" = 0 ] && echo 0 || echo non-zero)):" >&2
    head -c 2000 "$OUT/stderr.txt" >&2
    exit 1
  fi
  ms=$(awk -v a="${start/,/.}" -v b="${end/,/.}" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
  local key="$name $file"
  if [ -z "${best[$key]:-}" ] || awk -v a="$ms" -v b="${best[$key]}" 'BEGIN { exit !(a < b) }'; then best[$key]=$ms; fi
  local kb; kb=$(tail -1 "$OUT/time.txt")
  if [ -z "${mem[$key]:-}" ] || [ "$kb" -gt "${mem[$key]}" ]; then mem[$key]=$kb; fi
}

cat "$OUT"/*.cfg > /dev/null   # warm the page cache for everyone
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS"
  for file in "${FILES[@]}"; do
    expected=0; [ "$file" = long-word ] && expected=1
    run lb "$file" "$expected" "$LB" -c -f "$OUT/$file.cfg"
    [ -z "$HAPROXY" ] || run haproxy "$file" "$expected" "$HAPROXY" -c -f "$OUT/$file.cfg"
  done
done

echo
echo "lb -c and haproxy -c -f, best of $ROUNDS rounds; $(nproc) cores"
printf "%-16s %9s %9s %12s %12s %14s %12s\n" "configuration" "size KiB" "lb ms" "haproxy ms" "lb/haproxy" "lb us/backend" "lb peak MiB"
for file in "${FILES[@]}"; do
  size=$(( $(stat -c %s "$OUT/$file.cfg") / 1024 ))
  lb_ms=${best[lb $file]}
  ha_ms=${best[haproxy $file]:-}
  per=-
  [[ $file == backends-* ]] && per=$(awk -v ms="$lb_ms" -v n="${file#backends-}" 'BEGIN { printf "%.1f", ms * 1000 / n }')
  printf "%-16s %9d %9s %12s %12s %14s %12.1f\n" "$file" "$size" "$lb_ms" "${ha_ms:--}" \
    "$([ -n "$ha_ms" ] && ratio "$lb_ms" "$ha_ms" || echo -)" "$per" "$(awk -v kb="${mem[lb $file]}" 'BEGIN { print kb / 1024 }')"
done

largest=${best[lb backends-10000]}
if awk -v ms="$largest" -v limit="$LIMIT_MS" 'BEGIN { exit !(ms > limit) }'; then
  echo "FAIL: lb -c took $largest ms on 10,000 backends (limit $LIMIT_MS ms): checking is no longer linear" >&2
  exit 1
fi
echo "ok: 10,000 backends checked in $largest ms (limit $LIMIT_MS ms)"
