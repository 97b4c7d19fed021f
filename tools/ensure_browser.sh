#!/bin/sh
# Install headless Chromium and its WebDriver (Debian packages chromium, chromium-driver) for the browser tests
# in tests/test_browser.py. Idempotent and quiet: a no-op when both are already installed.
# Needs root (or passwordless sudo) and apt-get. Without them it warns and exits 0, and the browser tests skip
# with their own message; if apt-get itself fails it prints apt's output and exits 1.
set -eu

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_browser: apt-get not found; install chromium and chromium-driver yourself" >&2
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo -n"
    else
        echo "ensure_browser: not root and no sudo; install chromium and chromium-driver yourself" >&2
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Quiet on success; on failure show apt's output so CI logs say why.
if ! { $SUDO apt-get update -qq && \
       $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "ensure_browser: installing chromium failed" >&2
    exit 1
fi
