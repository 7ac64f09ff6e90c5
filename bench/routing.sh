#!/usr/bin/env bash
# What content switching costs: each proxy with 100 ACLs and 50 `use_backend` rules against the same
# proxy without them, lb and haproxy side by side in one run behind the same nginx.
#
# The routed configuration declares 100 ACLs of varied kinds (path_beg, path_end, hdr(host) -i,
# hdr_sub(user-agent), url_param, method, src networks, a few path_reg, path_dir, hdr_dom, an absent
# header) and 50 `use_backend` rules combining them (AND, or / ||, !, anonymous { }). None of them
# matches the benchmark request, and the rules are written so that every ACL of every rule is evaluated
# before the request falls through to default_backend: the worst case. The 50 rule backends point at a
# second nginx port that answers 404, so a rule that matched by mistake shows as non-2xx answers and
# stops the run. wrk sends a realistic request: a Host, a browser User-Agent, a path with a query string.
#
# Runs alternate lb plain, lb routed, haproxy plain, haproxy routed, PAIRS times; one thread per proxy.
# Environment: PAIRS (default 3), DURATION seconds per run (default 10), CONNECTIONS (default 50),
# LB_SCRATCH (build directory, default .build; see bench/lib.sh), LB (an lb binary to use instead of a
# release build, for checking the script itself).
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-50}
OUT=bench/out
mkdir -p "$OUT"

source bench/lib.sh
ensure_tools wrk:wrk haproxy:haproxy nginx:nginx-light curl:curl
HAPROXY=$(command -v haproxy)
LB=${LB:-$(build_lb)}

NGINX_PORT=18300; NGINX_RULES=18301; LB_PLAIN=18302; LB_ROUTED=18303; HA_PLAIN=18304; HA_ROUTED=18305
bench_workdir

# The request every run sends.
REQ_PATH='/shop/catalog/item/12345?id=12345&ref=home&lang=en'
REQ_HEADERS=(
  -H 'Host: www.example.com'
  -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0'
  -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
  -H 'Accept-Language: en-US,en;q=0.5'
)

# The backend: nginx, one worker; the default backend's port answers 200, the rule backends' port 404.
start_nginx "$NGINX_PORT" "server { listen 127.0.0.1:$NGINX_RULES; location / { return 404 \"routed by a use_backend rule\\n\"; } }"

# The 100 ACLs (a0..a99), ten kinds in turn; none matches the benchmark request.
acls() {
  local methods=(PUT DELETE PATCH OPTIONS POST) i round
  for i in $(seq 0 99); do
    round=$((i / 10))
    case $((i % 10)) in
      0) echo "    acl a$i path_beg /api/v$i/ /internal/$i/" ;;
      1) echo "    acl a$i path_end .php$i /feed$i.xml" ;;
      2) echo "    acl a$i hdr(host) -i api$i.example.com static$i.example.org" ;;
      3) echo "    acl a$i hdr_sub(user-agent) -i bot$i crawler$i" ;;
      4) echo "    acl a$i url_param(ref) campaign$i partner$i" ;;
      5) echo "    acl a$i method ${methods[round % 5]}" ;;
      6) echo "    acl a$i src 10.$i.0.0/16 192.168.$i.0/24" ;;
      7) if [ $((round % 2)) = 0 ]; then echo "    acl a$i path_reg ^/v[0-9]+/item$i/"
         else echo "    acl a$i path_dir -i admin$i"; fi ;;
      8) if [ $((round % 2)) = 0 ]; then echo "    acl a$i hdr_dom(host) -i example$i.net"
         else echo "    acl a$i hdr_beg(host) -i admin$i."; fi ;;
      9) if [ $((round % 2)) = 0 ]; then echo "    acl a$i hdr(x-tenant) tenant$i"
         else echo "    acl a$i url_param(tenant) t$i"; fi ;;
    esac
  done
}

# The 50 rules: rule j reads a(2j) and a(2j+1), five shapes in turn, each evaluating all its terms.
rules() {
  local j a b
  for j in $(seq 0 49); do
    a=$((2 * j)); b=$((2 * j + 1))
    case $((j % 5)) in
      0) echo "    use_backend be_r$j if a$a or a$b" ;;
      1) echo "    use_backend be_r$j if !a$a a$b" ;;
      2) echo "    use_backend be_r$j if { path_beg /promo$j/ } or !a$a a$b" ;;
      3) echo "    use_backend be_r$j if a$a || { hdr(host) -i shop$j.example.com } || a$b" ;;
      # `! {` with a space: lb refuses `!{` as one word (HAProxy 2.6 accepts both).
      4) echo "    use_backend be_r$j if !a$a ! { hdr_sub(user-agent) -i curl/$j } a$b" ;;
    esac
  done
}

# config WHO(lb|haproxy) ROUTED(0|1) PORT: one frontend, default_backend be_main, and with ROUTED the
# ACLs, rules and their 50 backends.
config() {
  local who=$1 routed=$2 port=$3 reuse="" j
  [ "$who" = haproxy ] && reuse="    http-reuse always"$'\n'
  http_proxy_head "$port"
  if [ "$routed" = 1 ]; then acls; rules; fi
  printf '    default_backend be_main\nbackend be_main\n%s    server s1 127.0.0.1:%s\n' "$reuse" "$NGINX_PORT"
  if [ "$routed" = 1 ]; then
    for j in $(seq 0 49); do
      printf 'backend be_r%s\n%s    server s1 127.0.0.1:%s\n' "$j" "$reuse" "$NGINX_RULES"
    done
  fi
}
config lb 0 $LB_PLAIN > "$WORK/lb-plain.cfg"
config lb 1 $LB_ROUTED > "$WORK/lb-routed.cfg"
config haproxy 0 $HA_PLAIN > "$WORK/haproxy-plain.cfg"
config haproxy 1 $HA_ROUTED > "$WORK/haproxy-routed.cfg"
cp "$WORK/lb-routed.cfg" "$OUT/routing-lb-routed.cfg"

# Both proxies must accept the configurations as written; a warning counts too (an ACL lb does not
# implement would never match and make the routed case cheaper than it is).
for cfg in lb-plain lb-routed; do
  if ! "$LB" -c -f "$WORK/$cfg.cfg" > "$WORK/$cfg.check" 2>&1 || grep -qiE 'error|warning' "$WORK/$cfg.check"; then
    echo "lb does not accept $cfg.cfg cleanly (copy in $OUT/routing-$cfg.cfg):" >&2
    cp "$WORK/$cfg.cfg" "$OUT/routing-$cfg.cfg"; cat "$WORK/$cfg.check" >&2; exit 1
  fi
done
for cfg in haproxy-plain haproxy-routed; do
  if ! "$HAPROXY" -c -f "$WORK/$cfg.cfg" > "$WORK/$cfg.check" 2>&1; then
    echo "haproxy does not accept $cfg.cfg:" >&2; cat "$WORK/$cfg.check" >&2; exit 1
  fi
done
acl_count=$(grep -c '^    acl ' "$WORK/lb-routed.cfg"); rule_count=$(grep -c '^    use_backend ' "$WORK/lb-routed.cfg")

for cfg in plain routed; do
  "$LB" -f "$WORK/lb-$cfg.cfg" -q 2>"$WORK/lb-$cfg.err" & pids+=($!)
  "$HAPROXY" -f "$WORK/haproxy-$cfg.cfg" -db >/dev/null 2>&1 & pids+=($!)
done
for p in $NGINX_PORT $NGINX_RULES $LB_PLAIN $LB_ROUTED $HA_PLAIN $HA_ROUTED; do wait_port "$p"; done

# The benchmark request reaches the default backend everywhere; a request a rule matches (path /api/v0/,
# ACL a0) reaches a rule backend on the routed proxies only, which shows the rules are live.
for p in $LB_PLAIN $LB_ROUTED $HA_PLAIN $HA_ROUTED; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "${REQ_HEADERS[@]}" "http://127.0.0.1:$p$REQ_PATH")
  [ "$code" = 200 ] || { echo "benchmark request through port $p: HTTP $code, expected 200" >&2; exit 1; }
  code=$(curl -s -o /dev/null -w '%{http_code}' "${REQ_HEADERS[@]}" "http://127.0.0.1:$p/api/v0/x")
  want=200; [ "$p" = $LB_ROUTED ] || [ "$p" = $HA_ROUTED ] && want=404
  [ "$code" = "$want" ] || { echo "rule check through port $p: HTTP $code, expected $want" >&2; exit 1; }
done

# Prints "requests_per_s p99_ms" for one wrk run (stops on any non-2xx answer: a rule matched).
run_wrk() { wrk_rps_p99 "http://127.0.0.1:$1$REQ_PATH" "${REQ_HEADERS[@]}"; }
port_of() { case $1 in lb-plain) echo $LB_PLAIN ;; lb-routed) echo $LB_ROUTED ;; haproxy-plain) echo $HA_PLAIN ;; haproxy-routed) echo $HA_ROUTED ;; esac; }
run_alternating "$OUT/routing.txt" routed
print_alternating_summary "$OUT/routing.txt" routed "$acl_count ACLs + $rule_count use_backend rules, none matching" "target >= 0.90"
