#!/usr/bin/env bash
# Failover of a keepalived pair, lb against haproxy in the same harness (scripts/ha-lab.sh: network
# namespaces, keepalived from Debian, a vrrp_script on the monitor URI). Run as root.
#
#   bench/failover.sh [ROUNDS]        (default 3 rounds of each scenario with each proxy)
#   LB=path HAPROXY=path bench/failover.sh
#
# A client in its own namespace requests the VIP over and over, a new connection each time (curl, 2 s
# timeout, 50 ms apart). Scenarios, on the active-passive pair:
#   kill      kill -9 the master's proxy; later start it again (failback)
#   usr1      soft stop of the master's proxy (SIGUSR1); lb keeps serving for `grace 15s`, haproxy 2.6
#             has no `grace` any more (removed in 2.5) and stops listening at once
#   disable   `disable frontend monitor` on the master, wait until the VIP moved, then SIGUSR1
# Reported per scenario: the time from the event to the first answer from the backup (and, for kill,
# from the restart to the first answer from the master again), and the requests that failed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
ROUNDS=${1:-3}
LB=${LB:-$(swift build -c release --show-bin-path 2>/dev/null)/lb}
HAPROXY=${HAPROXY:-$(command -v haproxy)}
LAB=scripts/ha-lab.sh
VIP=10.231.0.100

bash $LAB check >/dev/null || { bash $LAB check; exit 2; }
[ -x "$LB" ] || { echo "no lb at $LB (swift build -c release, or LB=path)" >&2; exit 1; }

now() { date +%s%3N; }
# First answer from NODE after time T in FILE: its time, or empty.
first_from() { awk -v t="$2" -v n="$3" '$1 > t && $2 == 200 && $3 == n { print $1; exit }' "$1"; }
failed_between() { awk -v a="$2" -v b="$3" '$1 >= a && $1 <= b && $2 != 200' "$1" | wc -l; }
# A process that exited but was not reaped yet (its parent, the lab script, is gone) counts as gone.
alive() { [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z" ? 0 : 1) }' "/proc/$1/stat"; }
wait_for() { # FILE T NODE: wait (30 s at most) for an answer from NODE after T
  for _ in $(seq 600); do [ -n "$(first_from "$1" "$2" "$3")" ] && return 0; sleep 0.05; done
  echo "no answer from $3 after $2" >&2; return 1
}

run_scenario() {
  local proxy=$1 scenario=$2 d out
  lab="lbbench$$"
  d=/tmp/$lab.d
  bash $LAB up $lab active-passive "$proxy" >/dev/null
  for node in srv n1 n2; do bash $LAB start $lab $node; done
  bash $LAB wait-master $lab n1 $VIP
  out=$d/loop.txt
  : > "$out"
  bash $LAB loop $lab $VIP "$out" & local loop=$!
  wait_for "$out" 0 n1
  local t0 t1 t2 t3
  t0=$(now)
  case $scenario in
    kill) kill -9 "$(cat $d/n1.pid)" ;;
    usr1) kill -USR1 "$(cat $d/n1.pid)" ;;
    disable)
      bash $LAB cli $lab n1 "disable frontend monitor" >/dev/null
      bash $LAB wait-master $lab n2 $VIP
      # Give the client's neighbour cache the new owner before the old one stops listening.
      sleep 1
      kill -USR1 "$(cat $d/n1.pid)" ;;
  esac
  wait_for "$out" "$t0" n2
  t1=$(first_from "$out" "$t0" n2)
  local failback="-" failback_failed="-"
  if [ "$scenario" = kill ]; then
    sleep 3
    t2=$(now)
    bash $LAB start $lab n1
    wait_for "$out" "$t2" n1
    t3=$(first_from "$out" "$t2" n1)
    sleep 2
    failback=$((t3 - t2)); failback_failed=$(failed_between "$out" "$t2" "$(now)")
    printf '%-8s %-8s %9s %7s %9s %7s\n' "$(basename "$proxy")" "$scenario" "$((t1 - t0))" "$(failed_between "$out" "$t0" "$t2")" "$failback" "$failback_failed"
  else
    # Until the old proxy is gone (its grace over) and a little after.
    for _ in $(seq 200); do alive "$(cat $d/n1.pid)" || break; sleep 0.1; done
    sleep 2
    printf '%-8s %-8s %9s %7s %9s %7s\n' "$(basename "$proxy")" "$scenario" "$((t1 - t0))" "$(failed_between "$out" "$t0" "$(now)")" "$failback" "$failback_failed"
  fi
  touch "$d/stop"; wait "$loop" || true
  bash $LAB down $lab
}

lab=
trap '[ -n "$lab" ] && bash $LAB down $lab' EXIT

printf '%-8s %-8s %9s %7s %9s %7s\n' proxy scenario "over(ms)" failed "back(ms)" failed
for round in $(seq "$ROUNDS"); do
  for scenario in ${SCENARIOS:-kill usr1 disable}; do
    for proxy in "$LB" "$HAPROXY"; do run_scenario "$proxy" "$scenario"; done
  done
done
