#!/bin/sh
# Install headless Chromium and its WebDriver (Debian packages chromium, chromium-driver) for the browser tests
# in tests/test_browser.py. Idempotent and quiet: a no-op when both are already installed.
# Needs root (or passwordless sudo) and apt-get. Without them it warns and exits 0, and the browser tests skip
# with their own message; if apt-get itself fails it prints apt's output and exits 1.
set -eu

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi

. "$(dirname "$0")/apt_install.sh"
apt_install ensure_browser "chromium and chromium-driver" chromium chromium-driver
