#!/bin/sh
# Build dependencies, from Debian's packages.
#
#   deps.sh check     fail with one clear message if something is missing
#   deps.sh install   apt-get install them (as root)
set -eu

# dpkg-dev: dpkg-shlibdeps and dpkg-architecture for "make deb".
packages="build-essential autoconf rsync git ccache pkg-config dpkg-dev zlib1g-dev
libssl-dev libffi-dev libexpat1-dev libbz2-dev libsqlite3-dev libreadline-dev
libncurses-dev tk-dev"

# What "check" looks for: tools on PATH and headers in /usr/include.
tools="gcc make autoconf autoheader rsync git tar sha256sum"
headers="zlib.h openssl/ssl.h openssl/opensslv.h expat.h bzlib.h sqlite3.h
readline/readline.h"

check() {
    missing=""
    for t in $tools; do
        command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
    done
    for h in $headers; do
        [ -f "/usr/include/$h" ] || [ -f "/usr/include/$(gcc -dumpmachine 2>/dev/null)/$h" ] ||
            missing="$missing $h"
    done
    # ctypes needs libffi's header, which Debian keeps in a multiarch folder.
    pkg-config --exists libffi 2>/dev/null || missing="$missing libffi(ffi.h)"
    if [ -n "$missing" ]; then
        echo "deps.sh: missing build dependencies:$missing" >&2
        echo "deps.sh: run 'make deps' (apt-get install of: $(echo $packages))" >&2
        exit 1
    fi
}

install() {
    if [ "$(id -u)" -ne 0 ]; then
        exec sudo "$0" install
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $packages
}

case ${1:-} in
    check) check ;;
    install) install ;;
    *) echo "usage: deps.sh check | install" >&2; exit 2 ;;
esac
