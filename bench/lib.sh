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

# CPU time in ticks since boot, all CPUs: "steal total". Steal is the time the hypervisor ran someone
# else while this machine had work; on a shared host it moves both proxies' figures by 10-20% from one
# run to the next, so each run reports it.
cpu_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print $9, t }' /proc/stat; }
# Percent of CPU time stolen since the "steal total" ticks $1 $2.
steal_since() {
  local steal total
  read -r steal total < <(cpu_ticks)
  awk -v s0="$1" -v t0="$2" -v s="$steal" -v t="$total" 'BEGIN { if (t > t0) printf "%.1f", 100 * (s - s0) / (t - t0); else print "0.0" }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# The mean of the numbers on standard input, printed with the awk format $1 (default %.2f).
mean() { awk -v format="${1:-%.2f}" '{ s += $1; n++ } END { if (n) printf format, s / n; else print 0 }'; }

# A temporary work directory in $WORK, and $pids (background processes) killed on exit.
bench_workdir() {
  WORK=$(mktemp -d)
  chmod 755 "$WORK"   # nginx workers run unprivileged and must read files there
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
}

# Starts nginx (one worker, unlimited keep-alive) answering 200 "hello" on port $1; further arguments
# are extra server blocks. Needs $WORK and $pids (bench_workdir).
start_nginx() {
  local port=$1; shift
  cat > "$WORK/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  server { listen 127.0.0.1:$port; location / { return 200 "hello from nginx\n"; } }
  $*
}
NGINX
  "$(command -v nginx)" -c "$WORK/nginx.conf" & pids+=($!)
}

# One wrk run of ${DURATION}s with ${CONNECTIONS} connections on one thread against URL $1 (further
# arguments go to wrk); prints "requests_per_s p99_ms". Fails on any non-2xx answer.
wrk_rps_p99() {
  local url=$1; shift
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" > "$WORK/wrk.out" 2>&1 || true
  mkdir -p bench/out && cp "$WORK/wrk.out" bench/out/wrk-last.txt
  if grep -q "Non-2xx" "$WORK/wrk.out"; then echo "non-2xx answers from $url: see bench/out/wrk-last.txt" >&2; exit 1; fi
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { p99 = ms($2) }
    END { printf "%.0f %.2f\n", rps, p99 }' "$WORK/wrk.out"
}

# The four-way comparison (routing.sh, tracking.sh): each proxy plain and with a feature, as the cases
# lb-plain, lb-FEATURE, haproxy-plain, haproxy-FEATURE. After a short warm-up of each, wrk runs alternate
# over the four, PAIRS times; each run's "case req/s p99" goes to the file $1. The caller defines
# run_wrk PORT and port_of CASE.
run_alternating() {
  local results=$1 feature=$2 c rps p99 pair
  local cases=(lb-plain "lb-$feature" haproxy-plain "haproxy-$feature")
  echo "warming up..." >&2
  for c in "${cases[@]}"; do DURATION=$(( DURATION < 2 ? DURATION : 2 )) run_wrk "$(port_of "$c")" >/dev/null; done
  : > "$results"
  for pair in $(seq 1 "$PAIRS"); do
    for c in "${cases[@]}"; do
      read -r rps p99 < <(run_wrk "$(port_of "$c")")
      echo "$c $rps $p99" >> "$results"
      printf 'pair %d  %-16s %9s req/s  p99 %7s ms\n' "$pair" "$c" "$rps" "$p99"
    done
  done
}

# The summary of a run_alternating: for each proxy, the feature's cost (featured / plain), then lb
# against haproxy and the p99s. Arguments: the results file, the feature, a description of it for the
# header line, and an optional note after lb's ratio (a target).
print_alternating_summary() {
  local results=$1 feature=$2 description=$3 note=${4:-}
  avg() { awk -v c="$1" -v f="$2" '$1==c{print $f}' "$results" | mean; }
  local lbp lbf hap haf
  lbp=$(avg lb-plain 2); lbf=$(avg "lb-$feature" 2); hap=$(avg haproxy-plain 2); haf=$(avg "haproxy-$feature" 2)
  echo
  echo "summary ($PAIRS pairs x ${DURATION}s, $CONNECTIONS connections, 1 thread each; $(nproc) cores; $feature = $description)"
  printf 'lb       plain %10.0f req/s  %s %10.0f req/s  %s/plain %s%s\n' "$lbp" "$feature" "$lbf" "$feature" "$(ratio "$lbf" "$lbp")" "${note:+  ($note)}"
  printf 'haproxy  plain %10.0f req/s  %s %10.0f req/s  %s/plain %s\n' "$hap" "$feature" "$haf" "$feature" "$(ratio "$haf" "$hap")"
  printf 'lb/haproxy     plain %s  %s %s\n' "$(ratio "$lbp" "$hap")" "$feature" "$(ratio "$lbf" "$haf")"
  printf 'p99 ms   lb plain %.2f %s %.2f   haproxy plain %.2f %s %.2f\n' \
    "$(avg lb-plain 3)" "$feature" "$(avg "lb-$feature" 3)" "$(avg haproxy-plain 3)" "$feature" "$(avg "haproxy-$feature" 3)"
}

# The start of a one-thread HTTP proxy configuration that lb and haproxy both read: global, defaults
# (keep-alive, 5 s connect, 30 s client and server) and `frontend fe_http` bound to 127.0.0.1:$1. The
# caller adds the frontend's rules and the backends.
http_proxy_head() {
  cat <<CFG
global
    nbthread 1
    maxconn 4000
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe_http
    bind 127.0.0.1:$1
CFG
}
