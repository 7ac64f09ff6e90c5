#!/usr/bin/env bash
# One server pick (roundrobin and leastconn over 4 servers, weights 3/2/1/1) as the data plane makes it
# (an event loop's selection snapshot, the balancer's atomics) against the Mutex<any Balancer> it
# replaced, whose algorithms the benchmark keeps for the comparison. Release build, no network; 1 and 2
# threads picking at once from one backend; median of 7 alternating rounds of 2 000 000 picks per
# thread, in nanoseconds per pick as one thread sees it (wall time / picks per thread).
# LB_BENCH_PICKS, LB_BENCH_ROUNDS, LB_BENCH_THREADS (one count) and LB_BENCH_ALGORITHMS (comma-separated)
# change the run. (callgrind would give steadier figures, but valgrind 3.19 crashes in the test runner.)
set -euo pipefail
cd "$(dirname "$0")/.."
LB_BENCH=1 swift test -c release --scratch-path "${SCRATCH:-.build-bench-pick}" --filter PickBenchmark 2>&1 | grep -E '^pick|error|failed'
