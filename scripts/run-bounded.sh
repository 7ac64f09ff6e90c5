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

# Every process below $1, children first.
descendants() {
  local child
  for child in $(pgrep -P "$1"); do
    echo "$child"
    descendants "$child"
  done
}

started=$SECONDS
while kill -0 "$job" 2>/dev/null && (( SECONDS - started < limit )); do sleep 1; done

if kill -0 "$job" 2>/dev/null; then
  {
    echo
    echo "=== run-bounded: still running after ${limit} s; treating it as hung ==="
    echo "--- tests that started and did not finish:"
    sed -n 's/^.* Test \([A-Za-z0-9_]*\)(.*started\.$/\1/p' "$log" | sort -u > "$log.started"
    sed -n 's/^.* Test \([A-Za-z0-9_]*\)(.* \(passed\|failed\|skipped\).*$/\1/p' "$log" | sort -u > "$log.ended"
    comm -23 "$log.started" "$log.ended"
    rm -f "$log.started" "$log.ended"
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
