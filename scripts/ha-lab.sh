#!/usr/bin/env bash
# A keepalived pair of load balancers in network namespaces, for the HA test (Tests/LBProxyTests/
# HAFailoverTests.swift) and the failover measurement (bench/failover.sh), run as root.
#
#   LAB-sw   a bridge, nothing else; every other namespace has one veth into it
#   LAB-n1   node 1: 10.231.0.1, the proxy under test, keepalived
#   LAB-n2   node 2: 10.231.0.2, the same
#   LAB-srv  10.231.0.20: two servers (ports 8001, 8002) that answer "s1" and "s2"
#   LAB-cli  10.231.0.10 and .11: the client
#   VIPs     10.231.0.100 (instance VI_1, n1 preferred) and, active-active, 10.231.0.101 (VI_2, n2 preferred)
#
# The proxies on the nodes answer through the servers and add `x-node: n1|n2`; keepalived on each node
# tracks the proxy's monitor URI (http://127.0.0.1:8404/health) with a vrrp_script. No address, route or
# process is left outside the lab's namespaces; `down` kills every process inside them and deletes them.
#
#   ha-lab.sh check                        exit 0 when this machine can run the lab, else say why (exit 2)
#   ha-lab.sh up LAB MODE PROXY [PEERS]    MODE active-passive|active-active; PROXY: path of lb or haproxy;
#                                          PEERS=peers adds a peers section and a stick table on src
#   ha-lab.sh start LAB NODE               start the proxy on n1|n2|srv (pid in LAB's dir, NODE.pid)
#   ha-lab.sh wait-master LAB NODE VIP     wait (10 s at most) until NODE holds VIP
#   ha-lab.sh loop LAB VIP OUT [SRC]       request http://VIP/ from the client until LAB's dir has a file
#                                          named stop; one line per request: "epoch_ms status node server"
#                                          ("epoch_ms fail curl_exit" for a failed one); a request
#                                          fails after HA_CLIENT_TIMEOUT seconds (default 2)
#   ha-lab.sh get LAB VIP [SRC]            one request, printed as loop prints it (without the time)
#   ha-lab.sh stray LAB VIP NODE           one request on a connection to VIP's master, sent after the
#                                          client's ARP entry for VIP moved to NODE; printed as get
#   ha-lab.sh passed LAB NODE              how many packets NODE passed to its peer
#   ha-lab.sh cli LAB NODE COMMAND         a runtime API command to NODE's proxy
#   ha-lab.sh config LAB NODE PROXY [PEERS] print the configuration `up` gives NODE
#   ha-lab.sh down LAB                     kill everything in the lab, delete its namespaces and files
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# Runs a daemon without the descriptors this script inherited (beyond the standard three): whoever
# started the script may watch one of them to learn when the script ends (Foundation's Process does),
# and must not wait for keepalived or a proxy instead. The script itself keeps them until it exits.
detached() {
  local fd
  for fd in $(ls "/proc/$BASHPID/fd"); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done
  exec "$@"
}

NET=10.231.0
dir() { echo "/tmp/$1.d"; }

check() {
  [ "$(id -u)" = 0 ] || { echo "not root: network namespaces need CAP_SYS_ADMIN"; exit 2; }
  for tool in ip keepalived curl socat nft; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool is not installed"; exit 2; }
  done
  local probe="lbprobe$$"
  if ! ip netns add "$probe" 2>/dev/null; then echo "cannot create network namespaces (ip netns add)"; exit 2; fi
  local ok=1
  ip -n "$probe" link add p0 type veth peer name p1 2>/dev/null || ok=0
  ip -n "$probe" link add b0 type bridge 2>/dev/null || ok=0
  local socket_match=1
  echo 'table ip t { chain c { type filter hook prerouting priority mangle; socket wildcard 1 meta mark set 1; }; }' |
    ip netns exec "$probe" nft -f - 2>/dev/null || socket_match=0
  ip netns del "$probe"
  [ $ok = 1 ] || { echo "cannot create veth pairs or bridges in a network namespace"; exit 2; }
  [ $socket_match = 1 ] || { echo "nftables cannot match on sockets here (the kernel lacks nft_socket)"; exit 2; }
}

# One namespace joined to the bridge, with its addresses.
attach() {
  local lab=$1 name=$2; shift 2
  ip netns add "$lab-$name"
  ip -n "$lab-$name" link set lo up
  ip -n "$lab-sw" link add "$name" type veth peer name eth0 netns "$lab-$name"
  ip -n "$lab-sw" link set "$name" master br0 up
  for address in "$@"; do ip -n "$lab-$name" addr add "$NET.$address/24" dev eth0; done
  ip -n "$lab-$name" link set eth0 up
}

# The node's configuration; haproxy and lb read the same one, except `grace`, which haproxy gave up in
# 2.5 (lb keeps it: it is what makes a soft stop lose nothing).
node_config() {
  local node=$1 proxy=$2 peers=$3
  cat <<EOF
global
    stats socket $(dir "$lab")/$node.sock level admin
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
EOF
  if [ "$peers" = peers ]; then
    cat <<EOF
peers mypeers
    peer n1 $NET.1:10000
    peer n2 $NET.2:10000
EOF
  fi
  cat <<EOF
# What keepalived asks; it fails when no server is left, as well as when the proxy is gone or stopping.
frontend monitor
    bind *:8404
    monitor-uri /health
    monitor fail if { nbsrv(servers) lt 1 }
frontend web
    bind *:80
EOF
  case "$(basename "$proxy")" in haproxy*) ;; *) echo "    grace 15s" ;; esac
  cat <<EOF
    default_backend servers
    http-response set-header x-node $node
backend servers
    balance roundrobin
EOF
  if [ "$peers" = peers ]; then
    cat <<EOF
    stick-table type ip size 1k expire 10m peers mypeers
    stick on src
EOF
  fi
  cat <<EOF
    server s1 $NET.20:8001 check inter 1s
    server s2 $NET.20:8002 check inter 1s
EOF
}

server_config() {
  cat <<EOF
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
frontend s1
    bind *:8001
    http-request return status 200 content-type text/plain string s1
frontend s2
    bind *:8002
    http-request return status 200 content-type text/plain string s2
EOF
}

# keepalived for one node. The check fails when the monitor URI does not answer 200 (refused, 503, or
# slower than 1 s); two failures in a row take the node's priority down by 20, below the other node's,
# which then takes the VIP (preempting); two passes give it back.
keepalived_config() {
  local node=$1 mode=$2
  local mine other
  if [ "$node" = n1 ]; then mine=101; other=100; else mine=100; other=101; fi
  cat <<EOF
global_defs {
    router_id $lab-$node
    script_user root
    enable_script_security
    vrrp_garp_master_repeat 2
    # A second burst 1 s after taking over (the default waits 5 s): Linux ignores an ARP update that comes
    # within a second (neigh locktime) of the last one, so a client that just heard from the old master
    # can miss the first burst and keep sending to a node that no longer holds the VIP.
    vrrp_garp_master_delay 1
    # Version 3 allows advertisements below a second: a backup takes over 3 advertisements after the
    # master's last one (or at once when the master gives way with a priority-0 advertisement).
    vrrp_version 3
}
vrrp_script chk_lb {
    script "$(command -v curl) -s -f -o /dev/null -m 1 http://127.0.0.1:8404/health"
    interval 1
    timeout 2
    fall 2
    rise 2
    weight -20
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $mine
    advert_int 0.2
    virtual_ipaddress {
        $NET.100/24
    }
    track_script {
        chk_lb
    }
}
EOF
  if [ "$mode" = active-active ]; then
    cat <<EOF
vrrp_instance VI_2 {
    state BACKUP
    interface eth0
    virtual_router_id 52
    priority $other
    advert_int 0.2
    virtual_ipaddress {
        $NET.101/24
    }
    track_script {
        chk_lb
    }
}
EOF
  fi
}

# Both VIPs stay local to both nodes, on lo, and the nodes answer ARP only for addresses on eth0, where
# keepalived puts a VIP while the node is its master. So only the master draws the VIP's traffic, and a
# node that has just lost the VIP can still send the answers to requests it took before the clients'
# ARP entries moved: with the VIP gone from the node, those answers had no source address to leave from
# and the clients waited out their timeouts.
hold_vips() {
  local lab=$1 node=$2
  ip -n "$lab-$node" addr add "$NET.100/32" dev lo
  ip -n "$lab-$node" addr add "$NET.101/32" dev lo
  ip netns exec "$lab-$node" sysctl -q -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
}

# A node passes to its peer the packets of connections it does not hold, a second chance as GitHub's
# GLB director gives them. While keepalived moves a VIP, a client's ARP entry can move between two
# packets of one connection: its first packets reached the old master, the rest reach the new one, which
# knows no such connection and would reset it. Here the new master's stack finds only the listener for
# such a packet (a connection's own socket is bound to the VIP, the listener to the wildcard address), so
# the packet goes to the peer, which holds the VIP on lo and answers from it. A packet that comes from
# the peer is never passed back. A SYN is always the node's own: new connections go where ARP sends them.
pass_strays() {
  local lab=$1 node=$2 peer=$3 peer_address=$4
  local peer_mac; peer_mac=$(ip netns exec "$lab-$peer" cat /sys/class/net/eth0/address)
  ip netns exec "$lab-$node" nft -f - <<EOF
table ip lbha {
    chain prerouting {
        type filter hook prerouting priority mangle; policy accept;
        iifname "eth0" ip daddr { $NET.100, $NET.101 } ether saddr != $peer_mac tcp flags & (syn | ack) != syn socket wildcard 1 counter meta mark set 0x1a
    }
}
EOF
  # The mark routes the packet to the peer; the rule comes before the local table's, which would
  # otherwise deliver it here (the VIP is on lo).
  ip -n "$lab-$node" route add default via "$NET.$peer_address" dev eth0 table 26
  ip -n "$lab-$node" rule add pref 100 fwmark 0x1a lookup 26
  ip -n "$lab-$node" rule del pref 0 lookup local
  ip -n "$lab-$node" rule add pref 200 lookup local
  # Passing a packet on through the interface it came in by would tell the client, in an ICMP redirect,
  # to send to the peer directly.
  ip netns exec "$lab-$node" sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 \
    net.ipv4.conf.eth0.send_redirects=0
}

up() {
  local lab=$1 mode=$2 proxy=$3 peers=${4:-}
  case "$mode" in active-passive|active-active) ;; *) echo "mode: active-passive or active-active" >&2; exit 1 ;; esac
  local d; d=$(dir "$lab")
  rm -rf "$d"; mkdir -p "$d"
  echo "$proxy" > "$d/proxy"
  ip netns add "$lab-sw"
  ip -n "$lab-sw" link add br0 type bridge
  ip -n "$lab-sw" link set br0 up
  attach "$lab" n1 1
  attach "$lab" n2 2
  attach "$lab" srv 20
  attach "$lab" cli 10 11
  for node in n1 n2; do hold_vips "$lab" "$node"; done
  pass_strays "$lab" n1 n2 2
  pass_strays "$lab" n2 n1 1
  server_config > "$d/srv.cfg"
  for node in n1 n2; do
    node_config "$node" "$proxy" "$peers" > "$d/$node.cfg"
    keepalived_config "$node" "$mode" > "$d/keepalived-$node.conf"
    (detached ip netns exec "$lab-$node" keepalived -n -l -P -f "$d/keepalived-$node.conf" \
      -p "$d/keepalived-$node.pid" -r "$d/vrrp-$node.pid") >"$d/keepalived-$node.log" 2>&1 &
  done
}

start() {
  local lab=$1 node=$2 d; d=$(dir "$lab")
  local proxy; proxy=$(cat "$d/proxy")
  (detached ip netns exec "$lab-$node" "$proxy" -f "$d/$node.cfg" -L "$node") >>"$d/$node.log" 2>&1 &
  echo $! > "$d/$node.pid"
  # Up when the node answers on its monitor port (the servers: on theirs).
  local port=8404; [ "$node" = srv ] && port=8001
  for _ in $(seq 100); do
    ip netns exec "$lab-$node" curl -s -o /dev/null -m 1 "http://127.0.0.1:$port/health" && return 0
    sleep 0.1
  done
  echo "$node: the proxy did not answer on port $port; it printed:" >&2; cat "$d/$node.log" >&2; exit 1
}

wait_master() {
  local lab=$1 node=$2 vip=$3
  for _ in $(seq 100); do
    ip -n "$lab-$node" -4 addr show dev eth0 | grep -q "inet $vip/" && return 0
    sleep 0.1
  done
  echo "$node did not take $vip within 10 s; keepalived printed:" >&2; tail -20 "$(dir "$lab")/keepalived-$node.log" >&2; exit 1
}

# One request: status, node and server, or the failure.
request() {
  local lab=$1 vip=$2 src=${3:-$NET.10} out code
  if out=$(ip netns exec "$lab-cli" curl -s -m "${HA_CLIENT_TIMEOUT:-2}" --interface "$src" -w ' %{http_code} %header{x-node}' "http://$vip/"); then
    read -r server code node <<<"$out"
    echo "$code $node $server"
  else
    echo "fail $?"
  fi
}

# One request on a connection opened to VIP's master, sent after the client's ARP entry for VIP was
# pointed at NODE, as when keepalived moves the VIP between two packets of a connection. Printed as
# request prints it. The client's entry is deleted afterwards, so its next request asks ARP again.
stray() {
  local lab=$1 vip=$2 node=$3 mac reply code who server
  mac=$(ip netns exec "$lab-$node" cat /sys/class/net/eth0/address)
  reply=$(ip netns exec "$lab-cli" bash -c '
    exec 3<>"/dev/tcp/$0/80" || exit 1
    ip neigh replace "$0" lladdr "$1" dev eth0 nud permanent
    printf "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" "$0" >&3
    timeout "$2" cat <&3
    ip neigh del "$0" dev eth0' "$vip" "$mac" "${HA_CLIENT_TIMEOUT:-2}" | tr -d '\r') || true
  code=$(head -1 <<<"$reply" | awk '{print $2}')
  who=$(awk -F': ' 'tolower($1) == "x-node" {print $2}' <<<"$reply")
  server=$(tail -1 <<<"$reply")
  if [ -n "$code" ]; then echo "$code $who $server"; else echo "fail no answer"; fi
}

# How many packets NODE has passed to its peer (pass_strays).
passed() {
  local lab=$1 node=$2
  ip netns exec "$lab-$node" nft list chain ip lbha prerouting | grep -o 'packets [0-9]*' | awk '{print $2}'
}

loop() {
  local lab=$1 vip=$2 out=$3 src=${4:-$NET.10} d; d=$(dir "$lab")
  : > "$out"
  # Also ends when the lab is taken down under it.
  while [ -d "$d" ] && [ ! -e "$d/stop" ]; do
    local now; now=$(date +%s%3N)
    echo "$now $(request "$lab" "$vip" "$src")" >> "$out"
    sleep 0.05
  done
}

down() {
  local lab=$1
  for ns in $(ip netns list | awk '{print $1}' | grep "^$lab-" || true); do
    for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" || true
  done
  rm -rf "$(dir "$lab")"
}

command=${1:-}; shift || true
case "$command" in
  check) check ;;
  up) lab=$1; up "$@" ;;
  start) start "$@" ;;
  wait-master) wait_master "$@" ;;
  loop) loop "$@" ;;
  get) request "$@" ;;
  stray) stray "$@" ;;
  passed) passed "$@" ;;
  cli) lab=$1; echo "$3" | socat - "$(dir "$lab")/$2.sock" ;;
  config) lab=$1; node_config "$2" "$3" "${4:-}" ;;
  down) down "$@" ;;
  *) sed -n '2,31p' "$0" >&2; exit 1 ;;
esac
