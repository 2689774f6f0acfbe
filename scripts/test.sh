#!/usr/bin/env bash
# test.sh — the one command that runs every test (README; .ci/run calls it).
#
# It starts a throw-away Neo4j (scripts/neo4j/neo4j.sh --mode test: a temporary folder, a free port),
# runs `go vet` and `go test ./...` against it, and stops it whatever happens, leaving no process behind.
# Extra arguments go to `go test` (e.g. scripts/test.sh -run TestStore ./graph/...).
# With CI=true, a Neo4j that cannot start fails the run; elsewhere the store tests skip with a warning.
# It installs Debian's chromium package for the browser test when /usr/bin/chromium is missing, and
# Debian's haproxy package for the cluster test (scripts/cluster/cluster.sh) when haproxy is missing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

dir=$(mktemp -d "${TMPDIR:-/tmp}/nexo-neo4j-test.XXXXXX")
cleanup() {
  scripts/neo4j/neo4j.sh stop --mode test --dir "$dir" >/dev/null 2>&1 || true
  scripts/mail/dovecot.sh stop --dir "$dir/dovecot" >/dev/null 2>&1 || true
  scripts/dav/radicale.sh stop --dir "$dir/radicale" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# apt_install WHAT WHY PACKAGE...: installs Debian packages (after an apt-get update if the first
# try fails); with CI=true a failed install fails the run, elsewhere it warns that WHY.
apt_install() {
  local what=$1 why=$2
  shift 2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  local log="$dir/apt-$what.log"
  apt_get() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"; }
  if ! { apt_get "$@" || { $sudo apt-get update -q && apt_get "$@"; }; } >"$log" 2>&1; then
    tail -n 5 "$log" >&2 || true
    if [ "${CI:-}" = "true" ]; then
      echo "test.sh: $what could not be installed; with CI=true that fails the run" >&2
      exit 1
    fi
    echo "test.sh: WARNING: $what could not be installed; $why" >&2
  fi
}

# The browser test (api/browser_test.go) drives Debian's chromium package in headless mode.
# Install it when it is missing: with CI=true a failed install fails the run; elsewhere the
# browser test skips and says why.
if [ ! -x /usr/bin/chromium ]; then
  echo "test.sh: installing chromium (Debian's package) for the browser test" >&2
  apt_install chromium "the browser test will be skipped" chromium
fi

# The PNG maps draw names in every script with Debian's Noto fonts (graph/render/fonts.go); the
# render tests check Arabic, Hebrew, CJK and emoji names. Install them when missing, as chromium.
if [ ! -f /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf ] || [ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] ||
  [ ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
  echo "test.sh: installing Debian's Noto fonts for the PNG maps" >&2
  apt_install fonts "the PNG script tests will be skipped" fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
fi

# The cluster test (cmd/nexo/cluster_test.go) puts Debian's haproxy in front of three servers.
# Install it when it is missing: with CI=true a failed install fails the run; elsewhere the
# cluster test skips and says why.
if ! scripts/cluster/cluster.sh install; then
  if [ "${CI:-}" = "true" ]; then
    echo "test.sh: haproxy could not be installed; with CI=true that fails the run" >&2
    exit 1
  fi
  echo "test.sh: WARNING: haproxy could not be installed; the cluster test will be skipped" >&2
fi

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

# Mail and calendar capture (graph/capture) syncs from a real Dovecot (IMAP) and a real Radicale
# (CalDAV/CardDAV), each a throw-away instance on a free 127.0.0.1 port, installed from Debian when
# missing. Their addresses reach the tests as NEXO_TEST_IMAP_* and NEXO_TEST_DAV_*.
for server in mail/dovecot dav/radicale; do
  if scripts/$server.sh start --dir "$dir/${server#*/}"; then
    while IFS='=' read -r key value; do
      export "NEXO_TEST_$key=$value"
    done < <(scripts/$server.sh env --dir "$dir/${server#*/}")
  elif [ "${CI:-}" = "true" ]; then
    echo "test.sh: ${server#*/} could not start; with CI=true that fails the run" >&2
    exit 1
  else
    echo "test.sh: WARNING: ${server#*/} could not start; tests that need it will be skipped" >&2
  fi
done

go vet ./...
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)
go test -count=1 -timeout 30m "${pkgs[@]}"
