#!/usr/bin/env bash
# Runs every test of lb. On a fresh Debian machine it first installs what the tests need (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
# haproxy and rsyslogd install to sbin directories, which a non-login shell may not have on its PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# Debian packages the tests drive for real (interoperability tests); installed only when missing.
needed=(curl openssl socat promtool prometheus haproxy halog wrk rsyslogd chromium redis-server keepalived ip nft ps pgrep)
# The Debian package of a tool, where the names differ.
package_for() { case "$1" in ps|pgrep) echo procps ;; promtool) echo prometheus ;; ip) echo iproute2 ;; nft) echo nftables ;; halog) echo haproxy ;; rsyslogd) echo rsyslog ;; *) echo "$1" ;; esac; }
missing=()
for tool in "${needed[@]}"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$(package_for "$tool")"); done
# PostgreSQL's server, for the pgsql-check test (its binaries are not on the PATH).
[ -d /usr/lib/postgresql ] || missing+=(postgresql)
# zlib's headers, for the CZlib module (gzip log files and lblog's reader).
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
# crypt(3)'s header, for the CCrypt module (hashed passwords in userlist sections).
[ -f /usr/include/crypt.h ] || missing+=(libcrypt-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing tools: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
fi

swift build --build-tests
# A crash anywhere in the run (the test process, or an lb it started) reports on standard error, where
# the tests gather lb's output, and symbolicates without reading every inline frame's line table: a
# full symbolication of a debug build holds the crashed process, and its test, for minutes on a slow
# machine.
export SWIFT_BACKTRACE=enable=yes,symbolicate=fast,threads=crashed,output-to=stderr
# The whole run takes well under a minute here; a run still going after 15 minutes is hung. The bounded
# runner then prints which tests never finished and where the test process waits, and fails.
scripts/run-bounded.sh 900 swift test --skip-build "$@"
