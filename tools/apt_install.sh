# Shared by tools/ensure_*.sh (sourced, not run): apt_install NAME HINT PACKAGE...
# installs PACKAGE... with apt-get, quietly. Without apt-get, or when not root and without sudo, it warns
# "NAME: ... HINT yourself" and exits 0 (the tests that need the packages skip with their own message);
# if apt-get itself fails it prints apt's output and exits 1.
apt_install() {
    name=$1 hint=$2
    shift 2
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$name: apt-get not found; install $hint yourself" >&2
        exit 0
    fi

    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            SUDO="sudo -n"
        else
            echo "$name: not root and no sudo; install $hint yourself" >&2
            exit 0
        fi
    fi

    export DEBIAN_FRONTEND=noninteractive
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    # Quiet on success; on failure show apt's output so CI logs say why.
    if ! { $SUDO apt-get update -qq && \
           $SUDO apt-get install -y -qq --no-install-recommends "$@"; } >"$log" 2>&1; then
        cat "$log" >&2
        echo "$name: installing $* failed" >&2
        exit 1
    fi
}
