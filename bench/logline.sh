#!/usr/bin/env bash
# Rendering one httplog line (what the event loop pays per logged request) timed without the network, in
# a release build: nanoseconds per record.
set -euo pipefail
cd "$(dirname "$0")/.."
LB_BENCH=1 swift test -c release --scratch-path "${SCRATCH:-.build-bench-rules}" --filter HTTPLogRenderBenchmark 2>&1 | grep -E '^httplog|error|failed'
