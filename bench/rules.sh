#!/usr/bin/env bash
# Rule costs, two ways:
#   1. Backend selection through 100 ACLs and 50 use_backend rules (fixtures/configs/routing-100-acls.cfg,
#      the configuration of bench/routing.sh) timed without the network, in a release build: nanoseconds
#      per request.
#   2. What tracking one counter per request costs lb and haproxy in requests/s, side by side over
#      loopback (bench/tracking.sh; its environment applies). TRACKING=0 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
LB_BENCH=1 swift test -c release --scratch-path "${SCRATCH:-.build-bench-rules}" --filter RuleEvaluationBenchmark 2>&1 | grep -E '^rules|error|failed'
if [ "${TRACKING:-1}" != 0 ]; then bench/tracking.sh; fi
