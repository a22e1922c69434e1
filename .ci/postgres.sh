#!/usr/bin/env bash
# A throw-away PostgreSQL 15 for CI, on loopback, in its own temporary directory.
#
#   .ci/postgres.sh start DIR   initdb + start a cluster in DIR (an empty directory, e.g. from
#                               mktemp -d), create role and database `jixiao`, and print on stdout
#                                 export TEST_DATABASE_URL=postgres://jixiao:PW@127.0.0.1:PORT/jixiao
#                               (everything else goes to stderr). The URL is also written to
#                               DIR/env, which the caller may source instead.
#   .ci/postgres.sh stop DIR    stop that cluster (pg_ctl stop -m fast, then its PID if need be)
#                               and delete DIR. Safe to call when start failed half-way or never ran.
#
# Typical use (.ci/run): dir=$(mktemp -d); trap '.ci/postgres.sh stop "$dir"' EXIT;
#                        env_line=$(.ci/postgres.sh start "$dir"); eval "$env_line"
#
# It never touches the machine's default cluster (5432): the data directory, the Unix socket and
# the log all live in DIR, and the TCP port is PG_PORT (default 55432) or the next free one.
# Installs the `postgresql` package with apt-get when PostgreSQL 15 is missing (root only).
set -euo pipefail

PG_VERSION=15
PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
MARKER=.jixiao-ci-postgres
DB_NAME=jixiao
DB_USER=jixiao

log() { printf '[postgres.sh] %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

# Run a command as the user that owns the cluster: `postgres` when we are root (initdb and the
# server refuse to run as root), otherwise ourselves.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

ensure_installed() {
    [[ -x $PG_BIN/initdb ]] && return 0
    if [[ $EUID -ne 0 ]]; then
        die "PostgreSQL $PG_VERSION not found ($PG_BIN/initdb). Install it (apt-get install postgresql) or run as root so this script can."
    fi
    log "PostgreSQL $PG_VERSION missing: apt-get install postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends postgresql >&2
    [[ -x $PG_BIN/initdb ]] || die "installed postgresql but $PG_BIN/initdb is still missing (wrong Debian release?)"
}

port_busy() { # something already listens on 127.0.0.1:$1
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    local dir=$1
    [[ -d $dir ]] || die "start: $dir is not a directory"
    [[ -z $(ls -A "$dir") ]] || die "start: $dir is not empty"
    dir=$(cd "$dir" && pwd -P)
    ensure_installed
    touch "$dir/$MARKER"
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' user (is the postgresql package installed?)"
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    local data=$dir/data sock=$dir/sock logfile=$dir/postgres.log
    as_owner mkdir -m 700 "$data" "$sock"

    local t0=$SECONDS
    # Local (socket) connections: trust, but the socket directory is private (0700).
    # TCP: password (scram-sha-256), like a real deployment.
    as_owner "$PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1 ||
        {
            cat "$dir/initdb.log" >&2
            die "initdb failed"
        }
    log "initdb done in $((SECONDS - t0))s ($data)"

    local port=${PG_PORT:-55432} tries=0 started=
    while [[ $tries -lt 20 ]]; do
        tries=$((tries + 1))
        if port_busy "$port"; then
            log "port $port busy, trying $((port + 1))"
            port=$((port + 1))
            continue
        fi
        if as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$logfile" -w -t 60 -o \
            "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >&2; then
            started=1
            break
        fi
        # Lost a race for the port (or another failure): show the log and try the next port.
        tail -n 5 "$logfile" >&2 || true
        port=$((port + 1))
    done
    [[ -n $started ]] || die "could not start PostgreSQL (see $logfile)"
    echo "$port" >"$dir/port"
    log "server up on 127.0.0.1:$port after $((SECONDS - t0))s"

    local password
    password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    # CREATEDB: pytest-django creates test_jixiao (and test_jixiao_gwN per xdist worker).
    as_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$password'" \
        -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >&2

    local url="postgres://$DB_USER:$password@127.0.0.1:$port/$DB_NAME"
    # Check the URL really works over TCP with the password, as Django will use it.
    PGPASSWORD=$password "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" \
        -U "$DB_USER" -d "$DB_NAME" -c 'SELECT 1' >/dev/null ||
        die "cannot connect as $DB_USER over TCP"

    (
        umask 077
        printf 'export TEST_DATABASE_URL=%s\n' "$url" >"$dir/env"
    )
    printf 'export TEST_DATABASE_URL=%s\n' "$url"
}

stop() {
    local dir=$1
    [[ -d $dir ]] || return 0
    # Refuse to delete anything that start() did not create.
    if [[ ! -e $dir/$MARKER ]]; then
        if [[ -z $(ls -A "$dir") ]]; then
            rmdir "$dir"
            return 0
        fi
        die "stop: $dir was not made by this script; leaving it alone"
    fi
    local data=$dir/data
    if [[ -f $data/postmaster.pid ]]; then
        local pid cmdline
        pid=$(head -n 1 "$data/postmaster.pid")
        if ! as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >&2; then
            # Only kill the PID if it really is this cluster's postmaster (not a stale, reused PID).
            cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
            if [[ $cmdline == *"-D $data"* ]]; then
                log "pg_ctl stop failed; killing postmaster $pid"
                kill -TERM "$pid" 2>/dev/null || true
                for _ in $(seq 1 20); do
                    kill -0 "$pid" 2>/dev/null || break
                    sleep 0.5
                done
                if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
            fi
        fi
    fi
    rm -rf "$dir"
    log "stopped and removed $dir"
}

case ${1:-} in
    start)
        [[ $# -eq 2 ]] || die "usage: $0 start DIR"
        start "$2"
        ;;
    stop)
        [[ $# -eq 2 ]] || die "usage: $0 stop DIR"
        stop "$2"
        ;;
    *)
        echo "usage: $0 start DIR | stop DIR" >&2
        exit 2
        ;;
esac
