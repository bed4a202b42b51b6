#!/usr/bin/env bash
# Debian roots for the interpreter matrix: build once per machine, reuse after.
#
#   matrix/root.sh build SUITE        make (or reuse) the root of SUITE (trixie, sid, ...)
#   matrix/root.sh run SUITE CMD...   run CMD inside it as root, with /proc, /dev
#                                     (shm, pts), /sys and a copy of this checkout
#                                     at /src; the environment is clean (env -i)
#   matrix/root.sh path SUITE         print where the root lives
#
# Roots live under $ZMQ_CFFI_ROOTS (default /var/cache/zmq_cffi/roots), one
# folder per suite, marked complete by a stamp that records the package list:
# a changed list builds the root anew.  The Debian mirror is the host's own
# (its apt sources), so nothing here names one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
checkout="$(dirname "$here")"
roots="${ZMQ_CFFI_ROOTS:-/var/cache/zmq_cffi/roots}"

# What every root needs: both interpreters with headers and venv, a compiler,
# libzmq's headers, and certificates for pip; make, cmake and g++ build the
# applications' packages that have no wheel for PyPy 3.11 (gevent, pyzmq).
PACKAGES="ca-certificates,gcc,g++,make,cmake,libc6-dev,pkg-config,libzmq3-dev,python3,python3-dev,python3-venv,pypy3,pypy3-dev,pypy3-venv"

log() { printf '\033[1m[matrix]\033[0m %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

host_mirror() {
    # The first Debian archive the host's apt uses (deb822 or one-line format).
    local uri
    uri="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
           | awk '{print $2}' | grep -v -- '-security' | grep '/debian/\?$' | head -n1 || true)"
    if [ -z "$uri" ]; then
        uri="$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
               | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' \
               | grep '/debian/\?$' | head -n1 || true)"
    fi
    [ -n "$uri" ] || die "no Debian archive found in the host's apt sources"
    printf '%s\n' "${uri%/}"
}

stamp_text() { printf 'packages=%s\n' "$PACKAGES"; }

build() {
    local suite="$1" dir="$roots/$1"
    if [ -f "$dir/.zmq_cffi-root" ] && [ "$(cat "$dir/.zmq_cffi-root")" = "$(stamp_text)" ]; then
        log "reusing the $suite root at $dir"
        return 0
    fi
    command -v mmdebstrap >/dev/null || {
        log "installing mmdebstrap"
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap
    }
    local mirror; mirror="$(host_mirror)"
    log "building the $suite root at $dir (mmdebstrap, about 2 minutes)"
    rm -rf "$dir" "$dir.tmp"
    mkdir -p "$roots"
    # sid's Release may be past its Valid-Until on a snapshot; the host's
    # extra certificate authorities go in so that pip inside trusts them too.
    mmdebstrap --variant=apt --mode=root \
        --aptopt='Acquire::Check-Valid-Until "false"' \
        --aptopt='APT::Install-Recommends "false"' \
        --include="$PACKAGES" \
        --customize-hook='mkdir -p "$1/usr/local/share/ca-certificates"' \
        --customize-hook='for c in /usr/local/share/ca-certificates/*.crt; do [ -e "$c" ] && cp "$c" "$1/usr/local/share/ca-certificates/"; done; true' \
        --customize-hook='chroot "$1" update-ca-certificates >/dev/null' \
        --customize-hook='mkdir -p "$1/src" "$1/opt/venvs"' \
        "$suite" "$dir.tmp" "$mirror" >&2
    stamp_text > "$dir.tmp/.zmq_cffi-root"
    mv "$dir.tmp" "$dir"
}

run() {
    local suite="$1"; shift
    local dir="$roots/$suite"
    [ -f "$dir/.zmq_cffi-root" ] || build "$suite"
    # A fresh copy of the checkout (not the host's builds, venvs or caches):
    # the extensions are built inside, against the root's Python and libzmq.
    rm -rf "$dir/src" && mkdir -p "$dir/src"
    tar -C "$checkout" --exclude=./.git --exclude=./.nox --exclude='./.venv*' \
        --exclude=./build --exclude=./dist --exclude='*.so' --exclude=__pycache__ \
        --exclude='*.egg-info' --exclude=./docs/_build -cf - . | tar -C "$dir/src" -xf -
    # A private mount namespace: the mounts vanish with the process.
    unshare --mount --propagation private -- /bin/sh -c '
        set -e
        r="$1"; shift
        mount -t proc proc "$r/proc"
        mount --rbind /sys "$r/sys"
        mount --rbind /dev "$r/dev"
        mount -t tmpfs -o mode=1777 shm "$r/dev/shm"
        mkdir -p "$r/dev/pts" && mount -t devpts -o newinstance,ptmxmode=0666 devpts "$r/dev/pts" || true
        mount -t tmpfs -o mode=1777 tmp "$r/tmp"
        # The host name resolves inside as outside (ipyparallel asks for it).
        for f in /etc/hosts /etc/hostname /etc/resolv.conf; do
            [ -e "$f" ] && touch "$r$f" && mount --bind "$f" "$r$f"
        done
        exec chroot "$r" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            PIP_CERT=/etc/ssl/certs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
            ${CI:+CI=$CI} "$@"
    ' sh "$dir" "$@"
}

case "${1:-}" in
    build) [ $# -eq 2 ] || die "usage: $0 build SUITE"; build "$2" ;;
    run) [ $# -ge 3 ] || die "usage: $0 run SUITE CMD..."; suite="$2"; shift 2; run "$suite" "$@" ;;
    path) [ $# -eq 2 ] || die "usage: $0 path SUITE"; printf '%s\n' "$roots/$2" ;;
    *) die "usage: $0 {build|run|path} SUITE [CMD...]" ;;
esac
