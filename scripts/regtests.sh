#!/bin/sh
# Runs HAProxy's regression tests (reg-tests/*.vtc, driven by VTest) against a
# proxy binary, category by category, and prints pass/fail/skip counts.
#
#   scripts/regtests.sh REG_TESTS_DIR VTEST_BINARY PROXY_BINARY [CATEGORY...]
#
#   REG_TESTS_DIR  the reg-tests/ directory of an HAProxy source tree (v2.6.0)
#   VTEST_BINARY   a built vtest (github.com/vtest/VTest)
#   PROXY_BINARY   the program under test: lb or /usr/sbin/haproxy
#   CATEGORY       sub-directories of REG_TESTS_DIR; the default is the set in
#                  lb's scope (see DEFAULT_CATEGORIES below)
#
# Environment: JOBS (parallel vtest jobs, default 1), TIMEOUT (per test,
# seconds, default 10), OUT (where logs of failed tests are kept, default a
# new directory under ${TMPDIR:-/tmp}), VERBOSE=1 to list every failed test.
#
# A test is skipped, as HAProxy's own runner does it, when its header lines
# ask for something the proxy's `-vv` does not announce: #REQUIRE_VERSION,
# #REQUIRE_VERSION_BELOW, #REQUIRE_OPTION(S), #REQUIRE_SERVICE(S) or
# #EXCLUDE_TARGET(S). VTest itself skips a test whose `feature cmd` fails.
# Nothing from HAProxy or VTest is part of this repository; bring them with
#   git --git-dir=HAPROXY.git archive v2.6.0 reg-tests | tar -x -C DIR
set -u

DEFAULT_CATEGORIES="balance checks http-messaging http-rules http-cookies log server stickiness startup webstats"

if [ $# -lt 3 ]; then
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
REGTESTS=$(cd "$1" && pwd) || exit 2
VTEST=$2
PROXY=$3
shift 3
CATEGORIES=${*:-$DEFAULT_CATEGORIES}
JOBS=${JOBS:-1}
TIMEOUT=${TIMEOUT:-10}

for tool in "$VTEST" "$PROXY"; do
    [ -x "$tool" ] || { echo "not executable: $tool" >&2; exit 2; }
done
PROXY=$(cd "$(dirname "$PROXY")" && pwd)/$(basename "$PROXY")

# What the proxy announces: version, target, features (+NAME), services.
VV=$("$PROXY" -vv 2>/dev/null)
VERSION=$(printf '%s\n' "$VV" | sed -n 's/^HA-\{0,1\}Proxy version \([^ ]*\).*/\1/p' | head -n 1)
TARGET=$(printf '%s\n' "$VV" | sed -n 's/^ *TARGET *= *//p' | head -n 1)
FEATURES=" $(printf '%s\n' "$VV" | sed -n 's/^Feature list : //p' | head -n 1) "
SERVICES=" $(printf '%s\n' "$VV" | sed -n 's/^Available services : //p' | head -n 1) "
[ -n "$VERSION" ] || { echo "$PROXY -vv names no HAProxy version" >&2; exit 2; }

# A dotted version as one comparable integer: 2.6-dev3 -> 2006000000.
version_number() {
    echo "$1" | awk -F. '{
        n = 0
        for (i = 1; i <= 4; i++) { v = $i; sub(/[^0-9].*/, "", v); n = n * 1000 + (v == "" ? 0 : v) }
        print n
    }'
}
PROXY_VERSION_NUMBER=$(version_number "$VERSION")

# Prints a reason when the test must be skipped, nothing when it runs.
skip_reason() {
    file=$1
    grep '^#[0-9A-Z_]*=' "$file" | while IFS= read -r line; do
        key=${line%%=*}
        value=${line#*=}
        case "$key" in
        "#REQUIRE_VERSION")
            [ "$PROXY_VERSION_NUMBER" -lt "$(version_number "$value")" ] && echo "needs version $value"
            ;;
        "#REQUIRE_VERSION_BELOW")
            [ "$PROXY_VERSION_NUMBER" -ge "$(version_number "$value")" ] && echo "needs a version below $value"
            ;;
        "#REQUIRE_OPTION"|"#REQUIRE_OPTIONS"|"#REQUIRE_SERVICE"|"#REQUIRE_SERVICES")
            case "$key" in
            *OPTION*) announced=$FEATURES; mark="+" ;;
            *) announced=$SERVICES; mark="" ;;
            esac
            # Comma-separated requirements, each a |-separated list of alternatives.
            for requirement in $(echo "$value" | tr ',' ' '); do
                found=
                for alternative in $(echo "$requirement" | tr '|' ' '); do
                    case "$announced" in *" $mark$alternative "*) found=1 ;; esac
                done
                [ -n "$found" ] || echo "needs $requirement"
            done
            ;;
        "#EXCLUDE_TARGET"|"#EXCLUDE_TARGETS")
            for excluded in $(echo "$value" | tr ',' ' '); do
                [ "$excluded" = "$TARGET" ] && echo "excluded on $TARGET"
            done
            ;;
        esac
    done | head -n 1
}

OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/regtests.XXXXXX")}
mkdir -p "$OUT"
echo "proxy: $PROXY (announces HAProxy $VERSION, target $TARGET)"
echo "tests: $REGTESTS; logs of failed tests: $OUT"
printf '%-16s %5s %5s %5s %5s\n' category pass fail skip total

total_pass=0 total_fail=0 total_skip=0
failed_list=$OUT/failed.txt
: >"$failed_list"
for category in $CATEGORIES; do
    [ -d "$REGTESTS/$category" ] || { echo "no category $category under $REGTESTS" >&2; continue; }
    selected= skipped=0
    for test in $(find "$REGTESTS/$category" -name '*.vtc' | sort); do
        reason=$(skip_reason "$test")
        if [ -n "$reason" ]; then
            skipped=$((skipped + 1))
            echo "$category/$(basename "$test"): skipped, $reason" >>"$OUT/skipped.txt"
        else
            selected="$selected $test"
        fi
    done
    pass=0 fail=0
    if [ -n "$selected" ]; then
        mkdir -p "$OUT/$category"
        # -k: keep going after a failure; -l: keep the logs of failed tests;
        # -b: a 2 MiB buffer per test, as HAProxy's runner uses.
        # shellcheck disable=SC2086
        TMPDIR="$OUT/$category" HAPROXY_PROGRAM="$PROXY" HAPROXY_ARGS="${HAPROXY_ARGS:-}" \
            "$VTEST" -b 2097152 -k -t "$TIMEOUT" -l -j "$JOBS" $selected \
            >"$OUT/$category/vtest.out" 2>&1
        # A test VTest kills at its timeout can leave its proxies running: stop those of this run
        # (their configurations are under this category's directory, which no other run uses).
        for pid in $(pgrep -f -- "$OUT/$category/vtc\." 2>/dev/null); do kill "$pid" 2>/dev/null; done
        pass=$(grep -c '^#    top  TEST .* passed (' "$OUT/$category/vtest.out")
        fail=$(grep -c '^#    top  TEST .* FAILED (' "$OUT/$category/vtest.out")
        vtest_skipped=$(grep -c '^#    top  TEST .* skipped (' "$OUT/$category/vtest.out")
        skipped=$((skipped + vtest_skipped))
        grep '^#    top  TEST .* FAILED (' "$OUT/$category/vtest.out" |
            sed "s|^#    top  TEST $REGTESTS/||; s| FAILED .*||" >>"$failed_list"
    fi
    printf '%-16s %5d %5d %5d %5d\n' "$category" "$pass" "$fail" "$skipped" $((pass + fail + skipped))
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    total_skip=$((total_skip + skipped))
done
printf '%-16s %5d %5d %5d %5d\n' total "$total_pass" "$total_fail" "$total_skip" \
    $((total_pass + total_fail + total_skip))

if [ "${VERBOSE:-0}" = 1 ] && [ -s "$failed_list" ]; then
    echo "failed:"
    sed 's/^/  /' "$failed_list"
fi
[ "$total_fail" -eq 0 ]
