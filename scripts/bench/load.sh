#!/usr/bin/env bash
# load.sh — load benchmark of GET /api/v1/intro-paths on the demo network, on 127.0.0.1 only.
#
#   scripts/bench/load.sh [PEOPLE] [RATES] [DURATION]
#
#   PEOPLE    size of the demo workspace (default 100000; loading 100k people takes ~10 minutes)
#   RATES     requests per second, each held constant whatever the latency (default 10,25,50,100)
#   DURATION  of each measured attack, in vegeta's syntax (default 30s)
#
# It starts a throw-away Neo4j (scripts/neo4j/neo4j.sh --mode test), loads the demo with
# `nexo demo --people PEOPLE`, runs `nexo serve` on a free 127.0.0.1 port with the rate limit off
# (NEXO_RATE_LIMIT=-1), builds the workspace's analytics snapshot (the first question waits for it)
# and lets its background work finish. Then, with vegeta, over varied targets — person ids from all
# over the network (to=), organizations (org=) and text queries (q=), with varied k and max_hops:
#   - probes each kind alone, one request at a time for 10 s: the service time;
#   - drives person targets alone (to=), then the mix (8 in 10 to=, 1 org=, 1 q=), at each fixed
#     rate of RATES, lowest first, stopping after the first rate the server cannot keep up with
#     (an error, or p99 over 1 s). KINDS=mixed (or to) drives only one of them.
# It prints p50, p99 and throughput for each, client side and from the server's access log, and
# keeps the results in scripts/bench/out/ (git-ignored). Everything it started is stopped on
# exit, Ctrl-C included.
#
# Bounded in time: the load (LOAD_TIMEOUT, default 1800 s), the snapshot build (WARM_TIMEOUT,
# default 900 s), each probe (10 s plus at most 120 s for the last answer) and each rate
# (DURATION plus a 5 s warm-up, plus at most 2 minutes of draining) each have a limit. vegeta
# comes from the Go module proxy (github.com/tsenart/vegeta/v12) into .data/bench/bin unless it is
# on PATH; jq (Debian: apt install jq) reads its reports.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

people=${1:-100000}
rates=${2:-10,25,50,100}
kinds=${KINDS:-to,mixed}
duration=${3:-30s}
load_timeout=${LOAD_TIMEOUT:-1800}
warm_timeout=${WARM_TIMEOUT:-900}
vegeta_version=v12.13.0

say() { echo "load.sh: $*" >&2; }
command -v jq >/dev/null || { say "jq is needed to read the results (apt install jq)"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/nexo-load.XXXXXX")
neo="$work/neo4j"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  scripts/neo4j/neo4j.sh stop --mode test --dir "$neo" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# vegeta: a constant-rate (open-model) load generator, so a slow answer does not slow the offered load.
vegeta=$(command -v vegeta || true)
if [ -z "$vegeta" ]; then
  bin="$root/.data/bench/bin"
  if [ ! -x "$bin/vegeta" ]; then
    say "installing vegeta $vegeta_version from the Go module proxy"
    (cd "$work" && GOBIN="$bin" GOFLAGS= go install "github.com/tsenart/vegeta/v12@$vegeta_version")
  fi
  vegeta="$bin/vegeta"
fi

say "building nexo"
go build -o "$work/nexo" ./cmd/nexo

say "starting a throw-away Neo4j"
mkdir -p "$neo"
scripts/neo4j/neo4j.sh start --mode test --dir "$neo" >/dev/null
while IFS='=' read -r key value; do
  export "$key=$value"
done < <(scripts/neo4j/neo4j.sh env --mode test --dir "$neo")

say "loading the demo workspace: $people people (a few minutes per 10k)"
start=$(date +%s)
timeout "$load_timeout" "$work/nexo" demo --people "$people" >"$work/demo.out"
token=$(sed -n 's/^token: //p' "$work/demo.out")
[ -n "$token" ] || { say "nexo demo printed no token"; exit 1; }
say "loaded in $(($(date +%s) - start)) s: $(head -n 1 "$work/demo.out")"

port=18080
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
base="http://127.0.0.1:$port"
NEXO_ADDR="127.0.0.1:$port" NEXO_RATE_LIMIT=-1 NEXO_DATA_DIR="$work/data" NEXO_LOG_FORMAT=json \
  "$work/nexo" serve --demo-people 0 >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { tail -n 20 "$work/serve.log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "$base/readyz" >/dev/null || { say "nexo serve did not get ready"; exit 1; }

api() { curl -fsS --max-time "${2:-60}" -H "Authorization: Bearer $token" "$base$1"; }

# The first question builds the snapshot; its job then computes communities and betweenness in
# the background. Wait for that too, so it does not compete with the measured load.
say "building the analytics snapshot"
start=$(date +%s)
api "/api/v1/communities" "$warm_timeout" >/dev/null
while api "/api/v1/jobs" | grep -q '"state":"running"'; do
  [ $(($(date +%s) - start)) -lt "$warm_timeout" ] || { say "the snapshot's background work did not end"; exit 1; }
  sleep 1
done
say "snapshot ready in $(($(date +%s) - start)) s: $(api /api/v1/analytics)"

# Varied targets: people from all over the network, organizations, text queries; one file per
# kind (for the probes) and one that mixes them (for the load).
total=$(api "/api/v1/people?limit=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
step=$(( total / 10 > 1000 ? total / 10 : 1000 ))
ids=()
for offset in $(seq 0 "$step" $((total - 1))); do
  while read -r id; do ids+=("$id"); done < <(api "/api/v1/people?limit=100&offset=$offset" |
    grep -o '{"id":"[0-9a-z]\{26\}"' | cut -d'"' -f4)
done
orgs=()
while read -r id; do orgs+=("$id"); done < <(api "/api/v1/organizations?limit=100" |
  grep -o '{"id":"[0-9a-z]\{26\}"' | cut -d'"' -f4)
queries=(engineer designer investor data founder cto sales marketing product recruiter)
target() { printf 'GET %s/api/v1/intro-paths?%s\nAuthorization: Bearer %s\n\n' "$base" "$1" "$token"; }
: >"$work/to.txt" && : >"$work/org.txt" && : >"$work/q.txt" && : >"$work/mixed.txt"
n=0
for id in "${ids[@]}"; do
  n=$((n + 1))
  case $((n % 4)) in
    0) t="to=$id&max_hops=3" ;;
    1) t="to=$id&k=10" ;;
    *) t="to=$id" ;;
  esac
  target "$t" >>"$work/to.txt"
  target "org=${orgs[$((n % ${#orgs[@]}))]}" >>"$work/org.txt"
  target "q=${queries[$((n % ${#queries[@]}))]}&k=3" >>"$work/q.txt"
  # The mix: 8 in 10 a person, 1 an organization, 1 a text query.
  case $((n % 10)) in
    0) target "org=${orgs[$((n % ${#orgs[@]}))]}" ;;
    1) target "q=${queries[$((n % ${#queries[@]}))]}&k=3" ;;
    *) target "$t" ;;
  esac >>"$work/mixed.txt"
done
say "$n targets of each kind: ${#ids[@]} people, ${#orgs[@]} organizations, ${#queries[@]} queries"

out="$root/scripts/bench/out"
mkdir -p "$out"
stamp="load-$people-$(date +%Y%m%d-%H%M%S)"
summary="$out/$stamp.summary"
ms() { jq -r --arg what "$1" '"\($what): \(.requests) requests, p50 \(.latencies["50th"] / 1e4 | round / 100) ms, p99 \(.latencies["99th"] / 1e4 | round / 100) ms, max \(.latencies.max / 1e6 | round) ms, throughput \(.throughput * 10 | round / 10) req/s, success \(.success * 1000 | round / 10) %"'; }

# Service time: each kind alone, one request at a time.
for kind in to org q; do
  "$vegeta" attack -targets="$work/$kind.txt" -rate=0 -max-workers=1 -workers=1 -duration=10s -timeout=120s \
    >"$out/$stamp-probe-$kind.bin"
  "$vegeta" report -type=json "$out/$stamp-probe-$kind.bin" | ms "one at a time, $kind=" | tee -a "$summary"
done

# Load: person targets alone, then the mix, at each fixed rate, lowest first, until the server
# cannot keep up.
drain() { # wait until the server has answered what is still queued
  local before=-1 now
  for _ in $(seq 1 60); do
    now=$(wc -l <"$work/serve.log")
    [ "$now" = "$before" ] && return
    before=$now
    sleep 2
  done
}
for kind in ${kinds//,/ }; do
  for rate in ${rates//,/ }; do
    drain
    "$vegeta" attack -targets="$work/$kind.txt" -rate="$rate/s" -duration=5s -timeout=10s >/dev/null
    drain
    say "measuring $kind: $duration at $rate/s (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
    logged=$(wc -l <"$work/serve.log")
    res="$out/$stamp-$kind-$rate"
    "$vegeta" attack -targets="$work/$kind.txt" -rate="$rate/s" -duration="$duration" -timeout=10s >"$res.bin"
    "$vegeta" report "$res.bin" >"$res.txt"
    "$vegeta" report -type=json "$res.bin" >"$res.json"
    ms "$rate req/s offered, $kind" <"$res.json" | tee -a "$summary"
    # The server's own view (its access log): time in the handler, without the client and the network.
    tail -n +"$((logged + 1))" "$work/serve.log" |
      jq -r 'select(.msg == "request" and .route == "/api/v1/intro-paths") | .duration' | sort -n |
      awk '{d[NR] = $1} END {if (NR) printf "  server side: %d answered, p50 %.2f ms, p99 %.2f ms\n",
        NR, d[int(NR * 0.50 + 0.5)] / 1e6, d[int(NR * 0.99 + 0.5)] / 1e6}' | tee -a "$summary"
    jq -e '.success == 1 and .latencies["99th"] < 1e9' "$res.json" >/dev/null ||
      { say "$kind saturated at $rate/s; higher rates skipped"; break; }
  done
done
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo
echo "intro-paths on the $people-person demo, $(nproc) CPUs, 127.0.0.1:"
cat "$summary"
