#!/usr/bin/env bash
# Usage: scripts/thread-summary.sh PID
#
# Where every thread of PID waits, one line per distinct stack with how many threads share it, most
# shared first: a hung test process has hundreds of threads, and CI shows only the end of the output.
# Each line lists the innermost frames' functions (demangled when swift-demangle is at hand), innermost
# first. Needs gdb.
set -uo pipefail
pid=$1
demangle=cat
command -v swift-demangle >/dev/null 2>&1 && demangle="swift-demangle --simplified"
gdb -p "$pid" -batch -ex 'thread apply all bt 14' 2>/dev/null \
  | awk '
      /^Thread / { if (stack != "") print stack; stack = ""; next }
      /^#/ {
        name = ""
        for (i = 2; i <= NF; i++) if ($(i + 1) ~ /^\(/ || $(i + 1) == "(") { name = $i; break }
        if (name == "in") next
        if (name != "") stack = (stack == "" ? name : stack " < " name)
      }
      END { if (stack != "") print stack }' \
  | $demangle \
  | sed -E 's/\([^()]*\)//g; s/ +/ /g' \
  | sort | uniq -c | sort -rn | cut -c1-400
