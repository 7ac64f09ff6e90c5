#!/usr/bin/env bash
# Backend selection through 100 ACLs and 50 use_backend rules (fixtures/configs/routing-100-acls.cfg, the
# configuration of bench/routing.sh) timed without the network, in a release build: nanoseconds per request.
set -euo pipefail
cd "$(dirname "$0")/.."
LB_BENCH=1 swift test -c release --scratch-path "${SCRATCH:-.build-bench-rules}" --filter RuleEvaluationBenchmark 2>&1 | grep -E '^rules|error|failed'
