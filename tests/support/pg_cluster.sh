#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on loopback for the storage tests (CTest fixture).
#   pg_cluster.sh start STATE_FILE   initdb in a temp dir, start on a free port, write the URL
#   pg_cluster.sh stop STATE_FILE    stop it (fast) and delete it
# initdb refuses to run as root, so as root it runs as the postgres user.
set -euo pipefail
cmd=$1 state=$2
bin=/usr/lib/postgresql/15/bin
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
start)
    [ -x "$bin/initdb" ] || { echo "PostgreSQL 15 is not installed (apt-get install postgresql-15)"; exit 1; }
    dir=$(mktemp -d /tmp/orteam-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log"; exit 1; }
    for _ in 1 2 3 4 5; do
        port=$(( 20000 + RANDOM % 30000 ))
        if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c full_page_writes=off" >/dev/null; then
            printf '%s\npostgresql://postgres@127.0.0.1:%s/postgres\n' "$dir" "$port" >"$state"
            echo "PostgreSQL on 127.0.0.1:$port ($dir)"
            exit 0
        fi
    done
    cat "$dir/server.log"; exit 1 ;;
stop)
    [ -f "$state" ] || exit 0
    dir=$(sed -n 1p "$state")
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir" "$state" ;;
*) echo "usage: $0 start|stop STATE_FILE"; exit 2 ;;
esac
