#!/usr/bin/env bash
# Usage: scripts/run-bounded.sh SECONDS COMMAND [ARGUMENTS...]
#
# Runs COMMAND (the test run) in its own process group, its output passed through as it comes.
# - When COMMAND ends, whatever it left running in its group (a daemon a test forgot, a grandchild that
#   still holds the output pipe) is killed, so the caller sees end of output and COMMAND's own status.
# - When COMMAND is still running after SECONDS, it is hung: before killing the group this prints the
#   tests that started and never finished, the group's processes, and where every thread of each test
#   process waits (with gdb, when installed), then exits with status 124. A hang then costs minutes
#   and says where it is, instead of stalling CI for its whole budget without a word.
set -uo pipefail
limit=$1
shift
log=$(mktemp "${TMPDIR:-/tmp}/lb-test-run.XXXXXX")
fifo=$log.fifo
mkfifo "$fifo"
trap 'rm -f "$log" "$fifo"' EXIT

set -m  # job control: the background job below gets a process group of its own
"$@" > "$fifo" 2>&1 &
job=$!
set +m
# The copy to our output and to the log runs outside the job's group: it ends when the last writer
# (the command or a leftover of it) is gone, after passing on everything they wrote.
tee "$log" < "$fifo" &
copier=$!

# Every process below $1, each before its own children.
descendants() {
  local child
  for child in $(pgrep -P "$1"); do
    echo "$child"
    descendants "$child"
  done
}

# When the test process dies (a crash), swift-test waits for the end of its output before saying so,
# and the servers tests started (redis, haproxy, keepalived: in process groups of their own, adopted by
# PID 1 once the test process is gone) still hold that output. Seen dead for a few seconds, the test
# process is reported with what ended it, and those holders are killed, so swift-test can go on.
release_dead_test_process() {
  local pid holders reader inode proc
  for pid in $(descendants "$job"); do
    [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ] || continue
    ps -o args= -p "$pid" | grep -qE 'xctest|PackageTests' || continue
    (( ${dead_since[$pid]:-$SECONDS} + 5 <= SECONDS )) || { dead_since[$pid]=${dead_since[$pid]:-$SECONDS}; continue; }
    local code; code=$(awk '{ print $NF }' "/proc/$pid/stat" 2>/dev/null)
    [ -n "$code" ] || continue  # reaped meanwhile: swift-test goes on by itself
    reader=$(ps -o ppid= -p "$pid" | tr -d ' ')
    holders=($(output_holders "$reader"))
    {
      echo
      echo "=== run-bounded: the test process $pid ended ($( (( code & 127 )) && echo "signal $(kill -l $((code & 127)))" || echo "exit status $((code >> 8))")) ==="
      echo "--- tests that started and did not finish:"
      started_not_finished
      echo "--- processes it started that still held its output, now killed:"
      if [ ${#holders[@]} -gt 0 ]; then ps -o pid=,args= -p "$(IFS=,; echo "${holders[*]}")" | cut -c1-200; else echo "(none)"; fi
    } >&2
    [ ${#holders[@]} -gt 0 ] && kill -KILL "${holders[@]}" 2>/dev/null
    dead_since[$pid]=$((SECONDS + 1000000))
  done
}

# The processes outside the run that hold the pipes $1 reads its children's output from: servers the
# tests started, adopted by PID 1 once the test process is gone. (With `swift test --parallel`, the
# other test processes, still in the run, also write there: they are not holders.)
output_holders() {
  local reader=$1 inode proc run
  run=" $(descendants "$job" | tr '\n' ' ') "
  for inode in $(output_pipes_of "$reader"); do
    for proc in $(find /proc/[0-9]*/fd -lname "pipe:\\[$inode\\]" 2>/dev/null | cut -d/ -f3 | sort -u); do
      [ "$proc" = "$reader" ] || [[ $run == *" $proc "* ]] || echo "$proc"
    done
  done
}

# The pipes $1 reads a child's output from: open for reading there, and not inherited (no ancestor of
# $1 holds them, as every process under a shell or a CI runner holds that runner's own pipes).
output_pipes_of() {
  local reader=$1 fd flags inode ancestor held
  for fd in /proc/"$reader"/fd/*; do
    inode=$(readlink "$fd" 2>/dev/null) || continue
    [[ $inode == pipe:* ]] || continue
    flags=$(awk '/^flags:/ { print $2 }' "/proc/$reader/fdinfo/${fd##*/}" 2>/dev/null)
    (( (8#${flags:-1} & 3) == 0 )) || continue
    inode=${inode//[^0-9]/}
    held=no
    ancestor=$(ps -o ppid= -p "$reader" | tr -d ' ')
    while [ -n "$ancestor" ] && [ "$ancestor" -gt 1 ]; do
      if find "/proc/$ancestor/fd" -lname "pipe:\\[$inode\\]" 2>/dev/null | grep -q .; then held=yes; break; fi
      ancestor=$(ps -o ppid= -p "$ancestor" | tr -d ' ')
    done
    [ "$held" = no ] && echo "$inode"
  done | sort -u
}

started_not_finished() {
  sed -n 's/^.* Test \([A-Za-z0-9_]*\)(.*started\.$/\1/p' "$log" | sort -u > "$log.started"
  sed -n 's/^.* Test \([A-Za-z0-9_]*\)(.* \(passed\|failed\|skipped\).*$/\1/p' "$log" | sort -u > "$log.ended"
  comm -23 "$log.started" "$log.ended"
  rm -f "$log.started" "$log.ended"
}

declare -A dead_since=()
started=$SECONDS
while kill -0 "$job" 2>/dev/null && (( SECONDS - started < limit )); do
  sleep 1
  release_dead_test_process
done

if kill -0 "$job" 2>/dev/null; then
  {
    echo
    echo "=== run-bounded: still running after ${limit} s; treating it as hung ==="
    echo "--- tests that started and did not finish:"
    started_not_finished
    # swift-test starts the test process in a process group of its own: the run is found by
    # descent from the command, not by group.
    run=$( (echo "$job"; descendants "$job") | paste -sd,)
    echo "--- processes of the run:"
    ps -o pgid=,pid=,ppid=,etime=,stat=,wchan:20=,args= -p "$run" | cut -c1-240
    if command -v gdb >/dev/null 2>&1; then
      for pid in $(ps -o pid=,args= -p "$run" | awk '/xctest|PackageTests/ { print $1 }'); do
        echo "--- threads of $pid, by stack (count, innermost frame first):"
        "$(dirname "$0")/thread-summary.sh" "$pid"
      done
    fi
  } >&2
  # By pid: the servers the tests started are in process groups of their own, and in the run by descent.
  kill -KILL -- "-$job" ${run//,/ } 2>/dev/null
  wait "$job" 2>/dev/null
  wait "$copier"
  exit 124
fi

wait "$job"
status=$?
# Leftovers of the run (same process group) would keep the output pipe open after the run ended.
kill -KILL -- "-$job" 2>/dev/null
wait "$copier"
exit "$status"
