#!/usr/bin/env bash
# neo4j.sh — fetch, start, stop and inspect the local Neo4j that Nexo uses.
#
#   scripts/neo4j/neo4j.sh start  [--mode dev|test] [--dir DIR] [--port N] [--timeout SECONDS]
#   scripts/neo4j/neo4j.sh stop   [--dir DIR]
#   scripts/neo4j/neo4j.sh status [--dir DIR]
#   scripts/neo4j/neo4j.sh env    [--dir DIR]      # prints NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD
#   scripts/neo4j/neo4j.sh build                  # only fetch Neo4j from Maven Central and compile
#
# dev  (default): data in .data/neo4j (git-ignored), kept across restarts, Bolt on 127.0.0.1:7687
#                 (NEXO_NEO4J_PORT overrides), a generated password kept in .data/neo4j/password.
# test          : a throw-away folder (a new one under $TMPDIR unless --dir is given), a free port.
#
# Neo4j Community 5.26 runs embedded in a small Java launcher (src/main/java), built with Maven from
# the artifacts on Maven Central. A second `start` on the same folder reports the running server.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
jar="$here/target/nexo-neo4j-launcher-1.0.0.jar"

cmd=${1:-}
[ $# -gt 0 ] && shift
mode=dev
dir=""
port=""
timeout=${NEXO_NEO4J_START_TIMEOUT:-180}
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) mode=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    *) echo "neo4j.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

case "$mode" in
  dev) dir=${dir:-${NEXO_DATA_DIR:-$root/.data}/neo4j}; port=${port:-${NEXO_NEO4J_PORT:-7687}} ;;
  test) port=${port:-0} ;;
  *) echo "neo4j.sh: --mode is dev or test, not $mode" >&2; exit 2 ;;
esac

say() { echo "neo4j.sh: $*" >&2; }

# build compiles the launcher once, and again when its sources change. Maven keeps what it
# downloads in ~/.m2, so only the first build on a machine fetches Neo4j (~125 MB).
build() {
  mkdir -p "$here/target"
  (
    flock 9
    if [ -f "$jar" ] && [ -z "$(find "$here/pom.xml" "$here/src" -newer "$jar" -type f 2>/dev/null)" ] \
      && [ -d "$here/target/lib" ]; then
      exit 0
    fi
    command -v mvn >/dev/null || { say "Maven (mvn) is needed to fetch Neo4j; install it (apt install maven)"; exit 1; }
    command -v java >/dev/null || { say "Java 17 or newer is needed to run Neo4j"; exit 1; }
    say "fetching Neo4j from Maven Central and building the launcher (first time only)..."
    rm -rf "$here/target/lib"
    if ! mvn -q -B -f "$here/pom.xml" package >"$here/target/build.log" 2>&1; then
      tail -n 30 "$here/target/build.log" >&2
      say "the Maven build failed (full log: $here/target/build.log)"
      exit 1
    fi
  ) 9>"$here/target/.build.lock"
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

need_dir() {
  if [ -z "$dir" ]; then
    say "--dir is required in test mode"
    exit 2
  fi
}

read_pid() { cat "$dir/neo4j.pid" 2>/dev/null || true; }

bolt_answers() {
  local uri hostport host p
  uri=$(sed -n 's/^NEO4J_URI=//p' "$dir/ready" 2>/dev/null) || return 1
  [ -n "$uri" ] || return 1
  hostport=${uri#bolt://}
  host=${hostport%:*}
  p=${hostport##*:}
  # Bolt handshake: the magic preamble and four version proposals; a Bolt server answers with 4 bytes.
  local reply
  reply=$(timeout 5 bash -c '
    exec 3<>/dev/tcp/'"$host"'/'"$p"' || exit 1
    printf "\x60\x60\xb0\x17\x00\x00\x05\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00" >&3
    head -c 4 <&3 | od -An -tx1' 2>/dev/null) || return 1
  [ -n "$(echo "$reply" | tr -d ' \n')" ]
}

start() {
  need_dir
  build
  mkdir -p "$dir/logs"
  exec 8>"$dir/.lock"
  flock 8
  local pid
  pid=$(read_pid)
  if pid_alive "$pid" && [ -f "$dir/ready" ]; then
    say "already running (pid $pid, $(sed -n 's/^NEO4J_URI=//p' "$dir/ready"))"
    return 0
  fi
  if pid_alive "$pid"; then
    say "a launcher (pid $pid) is still starting; waiting for it"
  else
    rm -f "$dir/ready" "$dir/neo4j.pid"
    if [ ! -s "$dir/password" ]; then
      (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$dir/password")
    fi
    local jvm=(-Xms256m "-Xmx${NEXO_NEO4J_HEAP:-4g}" -XX:+UseParallelGC -XX:-OmitStackTraceInFastThrow
      -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
      --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
      --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
      -Dlog4j2.disable.jmx=true)
    # NEXO_NEO4J_JAVA_OPTS adds JVM options (e.g. GC settings) for experiments.
    # shellcheck disable=SC2206
    jvm+=(${NEXO_NEO4J_JAVA_OPTS:-})
    # setsid: the server outlives this script and is not killed with its process group.
    setsid nohup java "${jvm[@]}" -cp "$jar:$here/target/lib/*" dev.nexo.neo4j.Launcher \
      --home "$dir/home" --port "$port" --password-file "$dir/password" --ready-file "$dir/ready" \
      >>"$dir/logs/launcher.log" 2>&1 </dev/null 8>&- &
    pid=$!
    echo "$pid" >"$dir/neo4j.pid"
  fi
  local waited=0
  while :; do
    if ! pid_alive "$pid"; then
      tail -n 40 "$dir/logs/launcher.log" >&2 || true
      say "Neo4j exited while starting (log: $dir/logs/launcher.log, $dir/home/logs/debug.log)"
      rm -f "$dir/neo4j.pid"
      return 1
    fi
    if [ -f "$dir/ready" ] && bolt_answers; then
      break
    fi
    if [ "$waited" -ge "$timeout" ]; then
      say "Bolt did not answer within ${timeout}s (log: $dir/logs/launcher.log); stopping it"
      stop || true
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "Neo4j ready in ${waited}s: $(sed -n 's/^NEO4J_URI=//p' "$dir/ready") (pid $pid, data in $dir)"
}

stop() {
  need_dir
  local pid
  pid=$(read_pid)
  if ! pid_alive "$pid"; then
    rm -f "$dir/neo4j.pid" "$dir/ready"
    say "not running"
    return 0
  fi
  kill -TERM "$pid"
  local waited=0
  while pid_alive "$pid"; do
    if [ "$waited" -ge 120 ]; then
      say "Neo4j (pid $pid) did not stop within 60s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$dir/neo4j.pid" "$dir/ready"
  say "stopped"
}

status() {
  need_dir
  local pid
  pid=$(read_pid)
  if pid_alive "$pid" && [ -f "$dir/ready" ] && bolt_answers; then
    echo "running: $(sed -n 's/^NEO4J_URI=//p' "$dir/ready") (pid $pid, data in $dir)"
    return 0
  fi
  if pid_alive "$pid"; then
    echo "starting (pid $pid, data in $dir)"
    return 0
  fi
  echo "stopped (data in $dir)"
  return 3
}

env_() {
  need_dir
  [ -f "$dir/ready" ] || { say "not running (start it first)"; return 1; }
  cat "$dir/ready"
  echo "NEO4J_PASSWORD=$(cat "$dir/password")"
}

case "$cmd" in
  build) build ;;
  start)
    if [ "$mode" = test ] && [ -z "$dir" ]; then
      dir=$(mktemp -d "${TMPDIR:-/tmp}/nexo-neo4j-test.XXXXXX")
      echo "$dir"
    fi
    start ;;
  stop) stop ;;
  status) status ;;
  env) env_ ;;
  *) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
