#!/usr/bin/env bash
# radicale.sh — a throw-away Radicale CalDAV/CardDAV server for Nexo's capture tests.
#
#   scripts/dav/radicale.sh start --dir DIR     # install Radicale when missing, start it
#   scripts/dav/radicale.sh stop  --dir DIR
#   scripts/dav/radicale.sh env   --dir DIR     # prints DAV_URL and DAV_PASSWORD
#
# Everything lives in DIR: its own config file (no /etc/radicale), the collections and the log. It
# listens on 127.0.0.1 on a free port over plain HTTP. Any user name logs in with DAV_PASSWORD (an
# htpasswd file of test users is not needed: a tiny auth plugin in DIR checks the password only), so
# each test takes a fresh user name and so fresh collections. Installs Debian's radicale package
# when `radicale` is missing (apt-get; root or sudo -n).
set -euo pipefail

# shellcheck source=../lib/servers.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/servers.sh"
say() { echo "radicale.sh: $*" >&2; }
parse_args "$@"
bin=/usr/bin/radicale

install() {
  [ -x "$bin" ] && return 0
  say "installing Debian's radicale"
  install_debian radicale "$dir/apt.log"
}

alive() { local p; p=$(cat "$dir/radicale.pid" 2>/dev/null || true); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

start() {
  mkdir -p "$dir/collections" "$dir/plugin/nexo_test_auth"
  exec 8>"$dir/.lock"
  flock 8
  if alive && [ -f "$dir/env" ]; then
    say "already running ($dir)"
    return 0
  fi
  install
  [ -s "$dir/password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=\n' >"$dir/password")
  # Any user, one password: Radicale loads an auth backend from a module path.
  cat >"$dir/plugin/nexo_test_auth/__init__.py" <<EOF
from radicale import auth


class Auth(auth.BaseAuth):
    def login(self, login, password):
        return login if password == open("$dir/password").read().strip() else ""
EOF
  local port
  port=$(free_port)
  cat >"$dir/config" <<EOF
[server]
hosts = 127.0.0.1:$port
[auth]
type = nexo_test_auth
[rights]
type = owner_only
[storage]
filesystem_folder = $dir/collections
[logging]
level = warning
EOF
  PYTHONPATH="$dir/plugin" setsid nohup "$bin" --config "$dir/config" >>"$dir/radicale.log" 2>&1 </dev/null 8>&- &
  echo $! >"$dir/radicale.pid"
  if ! wait_port "$port" || ! alive; then
    tail -n 20 "$dir/radicale.log" >&2 || true
    say "Radicale did not start"
    stop_
    return 1
  fi
  printf 'DAV_URL=http://127.0.0.1:%s/\nDAV_PASSWORD=%s\n' "$port" "$(cat "$dir/password")" >"$dir/env"
  say "Radicale ready: http://127.0.0.1:$port/ (data in $dir)"
}

stop_() {
  stop_pid "$(cat "$dir/radicale.pid" 2>/dev/null || true)"
  rm -f "$dir/env" "$dir/radicale.pid"
}

case "$cmd" in
  start) start ;;
  stop) stop_; say "stopped" ;;
  env) [ -f "$dir/env" ] || { say "not running (start it first)"; exit 1; }; cat "$dir/env" ;;
  *) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
