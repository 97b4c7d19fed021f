#!/bin/sh
# Install PostgreSQL's server binaries (Debian package postgresql: initdb, pg_ctl, postgres) for the store tests:
# tests/postgres.py starts a throwaway cluster in a temp dir from them. Idempotent and quiet: a no-op when initdb
# is already there. No cluster is created or started here, and nothing listens after install (the package's own
# cluster is not needed; the tests run theirs on a unix socket in a temp dir).
# Needs root (or passwordless sudo) and apt-get. Without them it warns and exits 0, and the PostgreSQL tests skip
# with their own message (under CI they fail); if apt-get itself fails it prints apt's output and exits 1.
set -eu

for bin in /usr/lib/postgresql/*/bin/initdb; do
    if [ -x "$bin" ]; then
        exit 0
    fi
done

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_postgres: apt-get not found; install PostgreSQL (initdb, pg_ctl, postgres) yourself" >&2
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo -n"
    else
        echo "ensure_postgres: not root and no sudo; install the postgresql package yourself" >&2
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Quiet on success; on failure show apt's output so CI logs say why.
if ! { $SUDO apt-get update -qq && \
       $SUDO apt-get install -y -qq --no-install-recommends postgresql; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "ensure_postgres: installing postgresql failed" >&2
    exit 1
fi
