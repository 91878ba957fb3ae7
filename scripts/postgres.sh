#!/usr/bin/env bash
# A throwaway PostgreSQL for the test suite, on a local port, run by an unprivileged user.
#   scripts/postgres.sh start   -> installs PostgreSQL from Debian packages if it is missing,
#                                  starts it, prints `export BOARDBOT_TEST_POSTGRES_URL=...`
#   scripts/postgres.sh stop DIR
# Any failure exits non-zero: the suite never runs without its PostgreSQL half.
set -euo pipefail

find_bin() {
  { ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -n 1
}

install_postgres() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "PostgreSQL is not installed and cannot be installed here (needs root and apt-get)." >&2
    echo "Install it (Debian: apt-get install postgresql) or set BOARDBOT_TEST_POSTGRES_URL." >&2
    exit 1
  fi
  echo "Installing PostgreSQL from Debian packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
}

start() {
  local bin dir port user run
  bin=$(find_bin)
  if [ -z "$bin" ]; then
    install_postgres
    bin=$(find_bin)
  fi
  [ -n "$bin" ] || { echo "PostgreSQL binaries not found after installing" >&2; exit 1; }
  dir=$(mktemp -d /tmp/boardbot-pg.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if [ "$(id -u)" = 0 ]; then
    user=boardbot-pg
    id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
    chown "$user" "$dir"
    run=(runuser -u "$user" --)
  else
    user=$(id -un)
    run=()
  fi
  "${run[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; echo "initdb failed" >&2; exit 1; }
  "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2 \
    || { cat "$dir/server.log" >&2; echo "PostgreSQL did not start" >&2; exit 1; }
  echo "export BOARDBOT_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "export BOARDBOT_TEST_PG_DIR=$dir"
}

stop() {
  local dir=$1 bin
  bin=$(find_bin)
  [ -d "$dir/data" ] || return 0
  if [ "$(id -u)" = 0 ]; then
    runuser -u boardbot-pg -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  else
    "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:?usage: postgres.sh stop DIR}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
