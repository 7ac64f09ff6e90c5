#!/usr/bin/env bash
# Rendering cost of the exporter, CSV, JSON and HTML page for 100 backends x 10 servers, in release.
# Target: the Prometheus exposition renders in under 20 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
LB_BENCH=1 swift test -c release --scratch-path .build-bench-stats --filter RenderBenchmark 2>&1 | grep '^render '
