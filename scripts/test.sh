#!/usr/bin/env bash
# test.sh — the one command that runs every test (README; .ci/run calls it).
#
# It starts a throw-away Neo4j (scripts/neo4j/neo4j.sh --mode test: a temporary folder, a free port),
# runs `go vet` and `go test ./...` against it, and stops it whatever happens, leaving no process behind.
# Extra arguments go to `go test` (e.g. scripts/test.sh -run TestStore ./graph/...).
# With CI=true, a Neo4j that cannot start fails the run; elsewhere the store tests skip with a warning.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

dir=$(mktemp -d "${TMPDIR:-/tmp}/nexo-neo4j-test.XXXXXX")
cleanup() {
  scripts/neo4j/neo4j.sh stop --mode test --dir "$dir" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if scripts/neo4j/neo4j.sh start --mode test --dir "$dir"; then
  while IFS='=' read -r key value; do
    export "NEXO_TEST_$key=$value"
  done < <(scripts/neo4j/neo4j.sh env --mode test --dir "$dir")
elif [ "${CI:-}" = "true" ]; then
  echo "test.sh: Neo4j could not start; with CI=true that fails the run" >&2
  exit 1
else
  echo "test.sh: WARNING: Neo4j could not start; tests that need it will be skipped" >&2
fi

go vet ./...
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)
go test -count=1 -timeout 30m "${pkgs[@]}"
