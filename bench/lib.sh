# Shared by the bench scripts: installing peers, waiting for ports, and the arithmetic of the reports.
# Source it after `cd` to the repository root.

# Installs the Debian packages of any missing tool (`tool` or `tool:package`); needs root.
ensure_tools() {
  local missing=() packages=() entry tool package
  for entry in "$@"; do
    tool=${entry%%:*}; package=${entry#*:}
    command -v "$tool" >/dev/null 2>&1 || { missing+=("$tool"); packages+=("$package"); }
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || { echo "missing: ${missing[*]} (run as root to install)" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
}

# Builds lb in release mode and prints the binary's path. LB_SCRATCH (default .build) is the build
# directory, so a bench can build beside another build in progress (LB_SCRATCH=.build-bench).
build_lb() {
  local scratch=${LB_SCRATCH:-.build}
  echo "building lb (release, $scratch)..." >&2
  # Without this check a failed build would go unnoticed (set -e does not reach into $(build_lb)) and
  # the bench would time whatever binary was left in the scratch directory.
  swift build -c release --scratch-path "$scratch" --product lb >/dev/null || { echo "lb does not build" >&2; return 1; }
  echo "$(swift build -c release --scratch-path "$scratch" --show-bin-path)/lb"
}

wait_port() {
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "port $1 never opened" >&2; exit 1
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# The mean of the numbers on standard input, printed with the awk format $1 (default %.2f).
mean() { awk -v format="${1:-%.2f}" '{ s += $1; n++ } END { if (n) printf format, s / n; else print 0 }'; }
