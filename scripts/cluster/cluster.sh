#!/usr/bin/env bash
# cluster.sh — one Neo4j, N `nexo serve` replicas and HAProxy in front of them, all on 127.0.0.1.
#
#   scripts/cluster/cluster.sh start   [--replicas N] [--dir DIR] [--bin NEXO] [--rate-limit R] [--demo-people P]
#   scripts/cluster/cluster.sh stop    [--dir DIR] [--keep]
#   scripts/cluster/cluster.sh status  [--dir DIR]
#   scripts/cluster/cluster.sh env     [--dir DIR]   # NEXO_URL (HAProxy), NEXO_REPLICA_<i>_URL, NEXO_STATS_URL, NEO4J_*, NEXO_TOKEN
#   scripts/cluster/cluster.sh kill I | term I | restart I [--dir DIR]   # replica I: kill -9, SIGTERM (drain), start again
#   scripts/cluster/cluster.sh install                # install Debian's haproxy package when it is missing
#
# Everything lives in DIR (default .data/cluster; stop removes it unless --keep) and listens on free
# 127.0.0.1 ports. With NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD) set, the replicas use that Neo4j;
# otherwise a throw-away one is started in DIR/neo4j (scripts/neo4j/neo4j.sh --mode test). Without
# --bin, nexo is built into DIR. P > 0 (default 500) loads a demo workspace and keeps its owner token.
# The replicas share one NEXO_SECRET_KEY (the caller's, or DIR/secret.key), as replicas must.
#
# HAProxy health-checks every replica's /readyz twice a second, sends X-Forwarded-For, and limits each
# token to R requests per second (default 20) across all replicas; the replicas' own per-process
# limit is off (README "Several replicas: HAProxy in front").
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

cmd=${1:-}
[ $# -gt 0 ] && shift
target=""
case "$cmd" in kill | term | restart) target=${1:-}; [ $# -gt 0 ] && shift ;; esac
dir=${NEXO_CLUSTER_DIR:-$root/.data/cluster}
replicas=2
bin=""
rate=20
demo_people=500
keep=false
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) replicas=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --rate-limit) rate=$2; shift 2 ;;
    --demo-people) demo_people=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    *) echo "cluster.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

say() { echo "cluster.sh: $*" >&2; }
# pid_alive: running, and not a zombie waiting for a parent that does not reap it.
pid_alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
readpid() { cat "$dir/$1.pid" 2>/dev/null || true; }

# HAProxy takes a replica out after two failed checks 500 ms apart; a draining replica keeps serving
# for longer than that before it stops accepting.
drain_delay=2s
drain_timeout=${NEXO_DRAIN_TIMEOUT:-20s}

install_haproxy() {
  command -v haproxy >/dev/null && return 0
  say "installing haproxy (Debian's package)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  local log
  log=$(mktemp "${TMPDIR:-/tmp}/nexo-apt-haproxy.XXXXXX")
  inst() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends haproxy; }
  if ! { inst || { $sudo apt-get update -q && inst; }; } >"$log" 2>&1; then
    tail -n 5 "$log" >&2 || true
    rm -f "$log"
    say "haproxy could not be installed"
    return 1
  fi
  rm -f "$log"
}

# free_port finds a port nothing listens on, outside the kernel's range of ephemeral ports.
used_ports=" "
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
    case "$used_ports" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      used_ports+="$p "
      echo "$p"
      return 0
    fi
  done
  say "no free port found"
  return 1
}

# wait_ok URL SECONDS [PID]: until URL answers 2xx; fails when PID exits first.
wait_ok() {
  local url=$1 secs=$2 pid=${3:-} waited=0
  while ! curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if [ -n "$pid" ] && ! pid_alive "$pid"; then
      return 1
    fi
    if [ "$waited" -ge $((secs * 4)) ]; then
      return 1
    fi
    sleep 0.25
    waited=$((waited + 1))
  done
}

neo4j_env() {
  if [ -f "$dir/neo4j.env" ]; then
    # shellcheck disable=SC1091
    . "$dir/neo4j.env"
  fi
}

start_neo4j() {
  if [ -n "${NEO4J_URI:-}" ]; then
    printf 'NEO4J_URI=%q\nNEO4J_USER=%q\nNEO4J_PASSWORD=%q\n' "$NEO4J_URI" "${NEO4J_USER:-neo4j}" "${NEO4J_PASSWORD:-}" >"$dir/neo4j.env"
    say "using the Neo4j at $NEO4J_URI"
    return 0
  fi
  "$root/scripts/neo4j/neo4j.sh" start --mode test --dir "$dir/neo4j"
  "$root/scripts/neo4j/neo4j.sh" env --mode test --dir "$dir/neo4j" >"$dir/neo4j.env"
  touch "$dir/neo4j.own"
}

# spawn NAME URL COMMAND...: runs COMMAND in the background, logging to DIR/NAME.log, and waits
# until URL answers. setsid: it outlives this script and is not killed with the caller's group.
spawn() {
  local name=$1 url=$2 pid
  shift 2
  setsid nohup "$@" >>"$dir/$name.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$dir/$name.pid"
  if ! wait_ok "$url" 120 "$pid"; then
    tail -n 20 "$dir/$name.log" >&2 || true
    say "$name did not become ready (log: $dir/$name.log)"
    return 1
  fi
  say "$name ready on $url (pid $pid)"
}

# shared_key: the replicas must read the account passwords any of them encrypted, so they share
# one NEXO_SECRET_KEY: the caller's, or DIR/secret.key (mode 0600, made on first start). Without
# it each replica would make a key of its own in its data folder, and an account connected through
# one would fail on the others with secret_key.
shared_key() {
  if [ -z "${NEXO_SECRET_KEY:-}" ]; then
    if [ ! -s "$dir/secret.key" ]; then
      (umask 077 && head -c 32 /dev/urandom | base64 >"$dir/secret.key")
    fi
    NEXO_SECRET_KEY=$(cat "$dir/secret.key")
  fi
  export NEXO_SECRET_KEY
}

# start_replica I: runs replica I on the port it had, or a free one.
start_replica() {
  local i=$1 port
  port=$(cat "$dir/replica-$i.port" 2>/dev/null || free_port)
  echo "$port" >"$dir/replica-$i.port"
  mkdir -p "$dir/replica-$i"
  neo4j_env
  shared_key
  spawn "replica-$i" "http://127.0.0.1:$port/readyz" env NEO4J_URI="$NEO4J_URI" NEO4J_USER="$NEO4J_USER" \
    NEO4J_PASSWORD="$NEO4J_PASSWORD" NEXO_ADDR="127.0.0.1:$port" NEXO_DATA_DIR="$dir/replica-$i" \
    NEXO_REPLICA_NAME="replica-$i" NEXO_TRUSTED_PROXIES=127.0.0.1 NEXO_RATE_LIMIT=-1 \
    NEXO_DRAIN_DELAY=$drain_delay NEXO_DRAIN_TIMEOUT="$drain_timeout" NEXO_HOME="$root" \
    "$(cat "$dir/bin")" serve --demo-people 0
}

write_haproxy_cfg() {
  local lb=$1 stats=$2 i
  {
    cat <<EOF
# Written by scripts/cluster/cluster.sh.
global
    log stdout format raw local0 notice
    maxconn 4096

defaults
    mode http
    log global
    # Requests are not logged (their addresses can carry personal data); health changes are.
    option dontlog-normal
    option dontlognull
    timeout connect 2s
    timeout client 5m
    timeout server 5m
    timeout http-request 10s
    timeout queue 10s
    # A request whose replica could not be reached goes to another one: nothing was sent, so even
    # a POST is safe to send again. A request cut off mid-way is never sent twice.
    retries 2
    option redispatch
    retry-on conn-failure
    http-error status 503 content-type application/json string "{\"error\":{\"code\":\"unavailable\",\"message\":\"No Nexo replica is available; try again in a moment.\"}}"
    http-error status 502 content-type application/json string "{\"error\":{\"code\":\"unavailable\",\"message\":\"The Nexo replica failed to answer; try again.\"}}"
    http-error status 504 content-type application/json string "{\"error\":{\"code\":\"unavailable\",\"message\":\"The Nexo replica did not answer in time.\"}}"

frontend nexo
    bind 127.0.0.1:$lb
    option forwardfor
    # The per-token rate limit, shared by every replica: the table keys on a SHA-256 of the
    # Authorization header, never on the token itself, and counts the requests let through (gpc0),
    # so that a client that keeps knocking still gets its rate.
    stick-table type binary len 32 size 100k expire 30s store gpc0,gpc0_rate(1s)
    http-request track-sc0 req.hdr(authorization),sha2(256) if { req.hdr(authorization) -m found }
    http-request return status 429 content-type application/json hdr Retry-After 1 string "{\"error\":{\"code\":\"rate_limited\",\"message\":\"Too many requests for this token; slow down.\"}}" if { sc_gpc0_rate(0) ge $rate }
    http-request sc-inc-gpc0(0) if { req.hdr(authorization) -m found }
    default_backend replicas

backend replicas
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 500ms fastinter 250ms downinter 1s fall 2 rise 2
EOF
    for i in $(seq 1 "$replicas"); do
      echo "    server replica-$i 127.0.0.1:$(cat "$dir/replica-$i.port") check"
    done
    cat <<EOF

listen stats
    bind 127.0.0.1:$stats
    stats enable
    stats uri /
EOF
  } >"$dir/haproxy.cfg"
}

start_haproxy() {
  local lb stats
  lb=$(free_port)
  stats=$(free_port)
  echo "$lb" >"$dir/haproxy.port"
  echo "$stats" >"$dir/stats.port"
  write_haproxy_cfg "$lb" "$stats"
  haproxy -c -q -f "$dir/haproxy.cfg" >&2
  spawn haproxy "http://127.0.0.1:$lb/readyz" haproxy -db -f "$dir/haproxy.cfg"
  say "HAProxy on http://127.0.0.1:$lb (stats: http://127.0.0.1:$stats/), $replicas replicas, $rate requests/s per token"
}

load_demo() {
  [ "$demo_people" -gt 0 ] || return 0
  neo4j_env
  local out
  out=$(NEO4J_URI=$NEO4J_URI NEO4J_USER=$NEO4J_USER NEO4J_PASSWORD=$NEO4J_PASSWORD NEXO_HOME="$root" \
    "$(cat "$dir/bin")" demo --people "$demo_people")
  echo "$out" | sed -n 's/^token: //p' >"$dir/token"
  chmod 600 "$dir/token"
  say "$(echo "$out" | head -n 1)"
}

start() {
  if pid_alive "$(readpid haproxy)"; then
    say "already running (dir $dir); stop it first"
    return 0
  fi
  install_haproxy
  mkdir -p "$dir"
  if [ -n "$bin" ]; then
    (cd "$(dirname "$bin")" && echo "$(pwd)/$(basename "$bin")") >"$dir/bin"
  else
    say "building nexo"
    (cd "$root" && go build -o "$dir/nexo" ./cmd/nexo)
    echo "$dir/nexo" >"$dir/bin"
  fi
  echo "$replicas" >"$dir/replicas"
  start_neo4j
  for i in $(seq 1 "$replicas"); do
    start_replica "$i"
  done
  start_haproxy
  load_demo
  env_
}

# stop_pid NAME SECONDS: SIGTERM, then SIGKILL after SECONDS.
stop_pid() {
  local pid waited=0
  pid=$(readpid "$1")
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while pid_alive "$pid"; do
    if [ "$waited" -ge $(($2 * 4)) ]; then
      say "$1 (pid $pid) did not stop within $2 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.25
    waited=$((waited + 1))
  done
}

stop() {
  [ -d "$dir" ] || { say "not running (no $dir)"; return 0; }
  local n i
  n=$(cat "$dir/replicas" 2>/dev/null || echo 0)
  # Replicas drain in parallel; HAProxy goes last so that it routes until they are out.
  for i in $(seq 1 "$n"); do
    stop_pid "replica-$i" 60 &
  done
  wait
  stop_pid haproxy 10
  if [ -f "$dir/neo4j.own" ]; then
    "$root/scripts/neo4j/neo4j.sh" stop --mode test --dir "$dir/neo4j" || true
  fi
  if [ "$keep" = true ]; then
    say "stopped (kept $dir)"
  else
    rm -rf "$dir"
    say "stopped"
  fi
}

status() {
  [ -f "$dir/replicas" ] || { echo "stopped"; return 3; }
  local n i pid port state code=0
  n=$(cat "$dir/replicas")
  for i in $(seq 1 "$n"); do
    pid=$(readpid "replica-$i")
    port=$(cat "$dir/replica-$i.port")
    state="stopped"
    if pid_alive "$pid"; then
      state="running, /readyz $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/readyz" || true)"
    else
      code=3
    fi
    echo "replica-$i http://127.0.0.1:$port: $state"
  done
  pid=$(readpid haproxy)
  if pid_alive "$pid"; then
    echo "haproxy http://127.0.0.1:$(cat "$dir/haproxy.port"): running"
    # The stats page as CSV: proxy, server, ..., status (column 18).
    curl -s --max-time 2 "http://127.0.0.1:$(cat "$dir/stats.port")/;csv" |
      awk -F, '$1 == "replicas" && $2 != "BACKEND" { print "  haproxy sees " $2 ": " $18 }'
  else
    echo "haproxy: stopped"
    code=3
  fi
  return $code
}

env_() {
  [ -f "$dir/haproxy.port" ] || { say "not running (start it first)"; return 1; }
  local n i
  echo "NEXO_URL=http://127.0.0.1:$(cat "$dir/haproxy.port")"
  echo "NEXO_STATS_URL=http://127.0.0.1:$(cat "$dir/stats.port")/"
  n=$(cat "$dir/replicas")
  for i in $(seq 1 "$n"); do
    echo "NEXO_REPLICA_${i}_URL=http://127.0.0.1:$(cat "$dir/replica-$i.port")"
  done
  cat "$dir/neo4j.env"
  if [ -s "$dir/token" ]; then
    echo "NEXO_TOKEN=$(cat "$dir/token")"
  fi
}

need_target() {
  if ! [[ "$target" =~ ^[0-9]+$ ]] || [ ! -f "$dir/replica-$target.port" ]; then
    say "$cmd: no replica '$target' in $dir"
    exit 2
  fi
}

case "$cmd" in
  install) install_haproxy ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) env_ ;;
  kill)
    need_target
    pid=$(readpid "replica-$target")
    if pid_alive "$pid"; then
      kill -KILL "$pid"
      while pid_alive "$pid"; do sleep 0.05; done
    fi
    say "replica $target killed (-9)"
    ;;
  term)
    need_target
    stop_pid "replica-$target" 60
    say "replica $target stopped (SIGTERM, drained)"
    ;;
  restart)
    need_target
    if pid_alive "$(readpid "replica-$target")"; then
      say "replica $target is running; kill or term it first"
      exit 1
    fi
    start_replica "$target"
    ;;
  *) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
