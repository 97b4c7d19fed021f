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

. "$(dirname "$0")/apt_install.sh"
apt_install ensure_postgres "PostgreSQL (initdb, pg_ctl, postgres)" postgresql
