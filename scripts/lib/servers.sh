# servers.sh — helpers for the scripts that run throw-away test servers (sourced, not run).

# parse_args COMMAND --dir DIR: sets cmd and dir (the caller defines say).
parse_args() {
  cmd=${1:-}
  [ $# -gt 0 ] && shift
  dir=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir=${2:-}; shift 2 ;;
      *) say "unknown argument $1"; exit 2 ;;
    esac
  done
  [ -n "$dir" ] || { say "--dir is required"; exit 2; }
}

# install_debian PACKAGE LOG: apt-get install one of Debian's packages (root, or sudo -n), once more
# after an apt-get update when the lists are stale. Containers' policy-rc.d keeps the package from
# starting a system-wide service.
install_debian() {
  local pkg=$1 log=$2 sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  local get=($sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$pkg")
  if ! { "${get[@]}" || { $sudo apt-get update -q && "${get[@]}"; }; } >"$log" 2>&1; then
    tail -n 5 "$log" >&2
    echo "$pkg could not be installed" >&2
    return 1
  fi
}

# free_port prints a TCP port of 127.0.0.1 that nothing listens on.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT: wait up to 10 s until 127.0.0.1:PORT accepts connections.
wait_port() {
  local p=$1 n=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do
    n=$((n + 1))
    [ "$n" -lt 100 ] || return 1
    sleep 0.1
  done
}

# stop_pid PID: TERM, up to 5 s, then KILL.
stop_pid() {
  local p=$1 n=0
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null || true
  while kill -0 "$p" 2>/dev/null && [ "$n" -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
  kill -KILL "$p" 2>/dev/null || true
}
