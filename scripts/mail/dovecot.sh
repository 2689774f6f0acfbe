#!/usr/bin/env bash
# dovecot.sh — a throw-away Dovecot IMAP server for Nexo's mail-capture tests and benchmarks.
#
#   scripts/mail/dovecot.sh start --dir DIR     # install Dovecot when missing, start two instances
#   scripts/mail/dovecot.sh stop  --dir DIR     # stops it and removes its mailboxes
#   scripts/mail/dovecot.sh env   --dir DIR     # prints IMAP_HOST, IMAP_PORT, IMAPS_PORT, IMAP_EXPIRED_PORT,
#                                               # IMAP_PASSWORD, IMAP_CA (prefix them as you like)
#
# Everything lives in DIR: its own config file (no /etc/dovecot), runtime sockets, logs, a test CA
# and the certificates it signs, and the mailboxes. It listens on 127.0.0.1 only, on free ports:
#   IMAP_PORT          plain IMAP that requires STARTTLS before login (certificate valid for 127.0.0.1)
#   IMAPS_PORT         IMAP over TLS (same certificate)
#   IMAP_EXPIRED_PORT  IMAP over TLS with an EXPIRED certificate signed by the same CA (a second instance)
# Any user name logs in with IMAP_PASSWORD (a static passdb): each test takes a fresh user name and so
# a fresh mailbox. Installs Debian's dovecot-imapd when `dovecot` is missing (apt-get; root or sudo -n).
set -euo pipefail

# shellcheck source=../lib/servers.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/servers.sh"
say() { echo "dovecot.sh: $*" >&2; }
parse_args "$@"

install() {
  command -v dovecot >/dev/null && [ -x /usr/lib/dovecot/imap ] && return 0
  say "installing Debian's dovecot-imapd"
  install_debian dovecot-imapd "$dir/apt.log"
}

# certs makes a CA, a certificate for 127.0.0.1 valid for ten years, and one that expired in 2020.
certs() {
  local c="$dir/tls"
  mkdir -p "$c"
  [ -f "$c/expired.pem" ] && return 0
  (
    cd "$c"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -subj "/CN=Nexo test CA" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 3650 \
      -extfile san.ext 2>/dev/null
    # openssl x509 cannot back-date; `openssl ca` can set both ends of the validity.
    mkdir -p ca.db && : >ca.db/index.txt && echo 01 >ca.db/serial
    cat >ca.cnf <<EOF
[ca]
default_ca = test
[test]
database = ca.db/index.txt
serial = ca.db/serial
new_certs_dir = ca.db
certificate = ca.pem
private_key = ca.key
default_md = sha256
policy = any
copy_extensions = copy
[any]
commonName = supplied
EOF
    openssl req -newkey rsa:2048 -nodes -keyout expired.key -out expired.csr -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
    openssl ca -batch -config ca.cnf -in expired.csr -out expired.pem -startdate 20200101000000Z \
      -enddate 20200201000000Z -notext 2>/dev/null
  )
}

# conf writes an instance's config: NAME CERT PLAIN_PORT TLS_PORT (PLAIN_PORT 0: none).
conf() {
  local name=$1 cert=$2 plain=$3 tls=$4 d="$dir/$1" home
  home=$(cat "$dir/homedir")
  mkdir -p "$d/run" "$d/state"
  local uid gid login internal
  uid=$(id -u); gid=$(id -g); login=$(id -un); internal=$(id -un)
  if [ "$uid" -eq 0 ]; then
    # Dovecot never touches mail as root: mailboxes belong to its own system user.
    uid=$(id -u dovecot); gid=$(id -g dovecot); login=dovenull; internal=dovecot
    chown "$uid:$gid" "$home"
  fi
  local plain_listener=""
  if [ "$plain" != 0 ]; then
    plain_listener="inet_listener imap {
    address = 127.0.0.1
    port = $plain
  }"
  else
    plain_listener="inet_listener imap {
    port = 0
  }"
  fi
  cat >"$d/dovecot.conf" <<EOF
# Written by scripts/mail/dovecot.sh; a throw-away test instance.
base_dir = $d/run
state_dir = $d/state
instance_name = nexo-test-$name
log_path = $d/dovecot.log
protocols = imap
listen = 127.0.0.1
default_login_user = $login
default_internal_user = $internal
ssl = yes
ssl_cert = <$dir/tls/$cert.pem
ssl_key = <$dir/tls/$cert.key
disable_plaintext_auth = yes
auth_mechanisms = plain login
# Tests try wrong passwords on purpose: no delay after a failure.
auth_failure_delay = 0
passdb {
  driver = static
  args = password=$(cat "$dir/password")
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$home/%u
}
first_valid_uid = $uid
mail_location = maildir:~/Maildir
# Throw-away mailboxes: no fsync, so benchmarks fill 50,000 messages quickly.
mail_fsync = never
mail_max_userip_connections = 100
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
}
service imap-login {
  $plain_listener
  inet_listener imaps {
    address = 127.0.0.1
    port = $tls
    ssl = yes
  }
  process_min_avail = 1
  chroot =
}
service anvil {
  chroot =
  # ... and no growing penalty per address: every test connects from 127.0.0.1.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF
}

pid_of() { cat "$dir/$1/run/master.pid" 2>/dev/null || true; }
alive() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

start() {
  mkdir -p "$dir"
  exec 8>"$dir/.lock"
  flock 8
  if alive main && alive expired && [ -f "$dir/env" ]; then
    say "already running ($dir)"
    return 0
  fi
  install
  command -v openssl >/dev/null || { say "openssl is needed to make the test certificates"; return 1; }
  [ -s "$dir/password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=\n' >"$dir/password")
  certs
  # The mailboxes live in a folder of their own that Dovecot's mail user can reach when we are
  # root (DIR's parents may be private to us).
  if [ ! -d "$(cat "$dir/homedir" 2>/dev/null)" ]; then
    mktemp -d "${TMPDIR:-/tmp}/nexo-dovecot-mail.XXXXXX" >"$dir/homedir"
    chmod 755 "$(cat "$dir/homedir")"
  fi
  local plain tls expired
  plain=$(free_port); tls=$(free_port); expired=$(free_port)
  conf main server "$plain" "$tls"
  conf expired expired 0 "$expired"
  for i in main expired; do
    if ! dovecot -c "$dir/$i/dovecot.conf" 2>"$dir/$i/start.log"; then
      cat "$dir/$i/start.log" >&2
      tail -n 20 "$dir/$i/dovecot.log" >&2 2>/dev/null || true
      say "Dovecot ($i) did not start"
      stop_all
      return 1
    fi
  done
  for p in "$plain" "$tls" "$expired"; do
    if ! wait_port "$p"; then
      tail -n 20 "$dir"/*/dovecot.log >&2 || true
      say "Dovecot does not answer on 127.0.0.1:$p"
      stop_all
      return 1
    fi
  done
  cat >"$dir/env" <<EOF
IMAP_HOST=127.0.0.1
IMAP_PORT=$plain
IMAPS_PORT=$tls
IMAP_EXPIRED_PORT=$expired
IMAP_PASSWORD=$(cat "$dir/password")
IMAP_CA=$dir/tls/ca.pem
EOF
  say "Dovecot ready: STARTTLS 127.0.0.1:$plain, TLS :$tls, expired certificate :$expired (data in $dir)"
}

stop_all() {
  local i
  for i in main expired; do
    stop_pid "$(pid_of "$i")"
  done
  rm -f "$dir/env"
}

remove_mail() {
  local h
  h=$(cat "$dir/homedir" 2>/dev/null || true)
  case "$h" in */nexo-dovecot-mail.*) rm -rf "$h" ;; esac
  rm -f "$dir/homedir"
}

case "$cmd" in
  start) start ;;
  stop) stop_all; remove_mail; say "stopped" ;;
  env) [ -f "$dir/env" ] || { say "not running (start it first)"; exit 1; }; cat "$dir/env" ;;
  *) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
