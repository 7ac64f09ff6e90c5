#!/usr/bin/env bash
# Regenerates docs/stats-page.png: the browser test renders the stats page of its configuration in
# headless chromium and saves the screenshot where LB_SCREENSHOT_PATH says.
set -euo pipefail
cd "$(dirname "$0")/.."
LB_SCREENSHOT_PATH="$PWD/docs/stats-page.png" swift test --filter StatsPageBrowserTests.browserShowsEveryProxyAndServerInItsState
echo "wrote docs/stats-page.png"
