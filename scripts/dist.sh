#!/bin/sh
# The source release: upstream 2.7.18 with patches/series applied, our
# files laid over it (scripts/tree.sh sync), configure and pyconfig.h.in
# regenerated, packed so that it builds anywhere with the usual
# "./configure && make && make install" (every feature on by default).
#
#   dist.sh tarball      write dist/PythonPlus-VERSION.tgz, its .sha256 and
#                        dist/pythonplus-VERSION, a pyenv (python-build)
#                        definition that installs that tarball
#   dist.sh check [TGZ]  unpack the tarball into build/distcheck, run
#                        ./configure --prefix=build/distcheck/inst, make,
#                        make install, then the installed interpreter
#
# Settings from the environment:
#   DISTDIR      where the release files go (default dist/)
#   DIST_URL     the folder URL the pyenv definition downloads from
#                (default: file:// URL of DISTDIR)
#   DIST_DIRTY   "yes" packs a tree with uncommitted changes (refused
#                otherwise: a release is made from commits)
#   JOBS         parallel jobs for "check"
#   SOURCE_DATE_EPOCH  the time stamp of every file in the tarball
#                (default: the time of the last commit)
#
# The tarball is reproducible: the same commit gives the same bytes
# (names sorted, one time stamp, owner 0, gzip without name or time).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^#define PY_PLUS_VERSION "\(.*\)"$/\1/p' "$top/Include/pyplus.h")
name=PythonPlus-$version
case ${DISTDIR:-} in
    "") out=$top/dist ;;
    /*) out=$DISTDIR ;;
    *) out=$top/$DISTDIR ;;
esac
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
# Our own top-level files that go into the release beside upstream's
# README and LICENSE (ours becomes LICENSE.PythonPlus: upstream's LICENSE
# stays what it is, the licence of the CPython files).
docs="README.md SECURITY.md whatsnew.txt BENCHMARKS.md CONTRIBUTING.md"

die() { echo "dist.sh: $*" >&2; exit 1; }

[ -n "$version" ] || die "no PY_PLUS_VERSION in Include/pyplus.h"

tarball() {
    # shellcheck disable=SC2046
    set -- $("$top/scripts/tree.sh" overlay-dirs) patches $docs LICENSE
    if [ "${DIST_DIRTY:-no}" != yes ] && [ -d "$top/.git" ]; then
        dirty=$(cd "$top" && git status --porcelain --untracked-files=all -- "$@")
        [ -z "$dirty" ] || die "uncommitted changes would go into the release:
$dirty
commit them, or run 'make dist DIST_DIRTY=yes' for a test release"
    fi
    # build/src must be exactly patches/series applied: no edits or
    # commits that "make patches" has not exported.
    "$top/scripts/tree.sh" prepare
    src=$top/build/src
    if [ "${DIST_DIRTY:-no}" != yes ]; then
        exported=$(cut -d' ' -f2 "$src/.git/pythonplus-prepared")
        [ "$(git -C "$src" rev-parse HEAD)" = "$exported" ] &&
            [ -z "$(git -C "$src" status --porcelain --untracked-files=all)" ] ||
            die "build/src differs from patches/: run 'make patches' (or 'make clean-src')"
    fi
    stage=$top/build/dist
    tree=$stage/$name
    rm -rf "$stage"
    mkdir -p "$stage"
    # Patched upstream + overlay + configure, exactly as a build folder.
    "$top/scripts/tree.sh" sync "$tree"
    rm -rf "$tree/autom4te.cache" "$tree/.plus-autoconf"
    for f in $docs; do
        [ ! -f "$top/$f" ] || cp "$top/$f" "$tree/$f"
    done
    [ ! -f "$top/LICENSE" ] || cp "$top/LICENSE" "$tree/LICENSE.PythonPlus"
    # The series, to read what differs from upstream (already applied).
    mkdir "$tree/patches"
    cp "$top/patches/series" "$top"/patches/*.patch "$tree/patches/"

    # What a user's "./configure" gets: every feature on.
    grep -q '^ *with_plus=all$' "$tree/configure" ||
        die "configure in $tree has no default --with-plus=all"
    grep -q 'WITH_PLUS_' "$tree/pyconfig.h.in" ||
        die "pyconfig.h.in in $tree has no WITH_PLUS_ switches"

    epoch=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}
    mkdir -p "$out"
    tgz=$out/$name.tgz
    # Byte-compiled files of the overlay (left by a run from the
    # checkout) are build products, never shipped.
    (cd "$stage" &&
     LC_ALL=C tar --sort=name --mtime="@$epoch" --owner=0 --group=0 \
        --numeric-owner --mode='u+rw,go-w,a+rX' --format=gnu \
        --exclude='*.py[co]' --exclude='__pycache__' -cf - "$name") |
        gzip -9n > "$tgz.tmp"
    mv "$tgz.tmp" "$tgz"
    # No build products and no version control in it.
    bad=$(tar tzf "$tgz" | grep -E '\.(o|so|a|py[co])$|/\.git/|^[^/]*/(Makefile|pyconfig\.h|python|config\.status|config\.log|libpython[^/]*|build/.*)$' || true)
    [ -z "$bad" ] || die "build products in $tgz: $bad"
    (cd "$out" && sha256sum "$name.tgz" > "$name.tgz.sha256")
    sha=$(cut -d' ' -f1 "$tgz.sha256")

    url=${DIST_URL:-file://$out}
    sed -e "s|@VERSION@|$version|g" -e "s|@URL@|${url%/}/$name.tgz|g" \
        -e "s|@SHA256@|$sha|g" "$top/Misc/pyenv/pythonplus.in" \
        > "$out/pythonplus-$version"
    ! command -v bash >/dev/null || bash -n "$out/pythonplus-$version" ||
        die "the pyenv definition $out/pythonplus-$version is not valid bash"
    echo "dist.sh: wrote $tgz ($(du -k "$tgz" | cut -f1) kB)"
    echo "dist.sh:   sha256 $sha ($tgz.sha256)"
    echo "dist.sh:   pyenv definition $out/pythonplus-$version"
}

# Build the release the way a user would, in a private prefix, and run the
# installed interpreter.
check() {
    tgz=${1:-$out/$name.tgz}
    [ -f "$tgz" ] || die "no $tgz: run 'make dist' first"
    (cd "$(dirname "$tgz")" && sha256sum -c --quiet "$(basename "$tgz").sha256") ||
        die "$tgz does not match its .sha256"
    d=$top/build/distcheck
    rm -rf "$d"
    mkdir -p "$d"
    tar xzf "$tgz" -C "$d"
    src=$d/$name
    [ -d "$src" ] || die "$tgz does not unpack into $name/"
    # ccache, when installed (see build.sh): a second check hits it.
    if [ -d /usr/lib/ccache ]; then
        PATH=/usr/lib/ccache:$PATH
        CCACHE_BASEDIR=$src
        CCACHE_NOHASHDIR=1
        export PATH CCACHE_BASEDIR CCACHE_NOHASHDIR
    fi
    for v in $(env | sed -n 's/^\(PYTHON[A-Za-z0-9_]*\)=.*/\1/p'); do
        unset "$v"
    done
    echo "dist.sh: ./configure --prefix=$d/inst && make -j$JOBS && make install in $src"
    (cd "$src" && ./configure --prefix="$d/inst" > configure.log 2>&1) ||
        { tail -n 20 "$src/configure.log" >&2; die "configure failed: see $src/configure.log"; }
    ! grep -q 'define WITH_PLUS_[A-Z_]* 0' "$src/pyconfig.h" ||
        die "a plain ./configure turned features off: $(grep 'define WITH_PLUS_[A-Z_]* 0' "$src/pyconfig.h")"
    (cd "$src" && make -j"$JOBS" > make.log 2>&1) ||
        { tail -n 30 "$src/make.log" >&2; die "make failed: see $src/make.log"; }
    (cd "$src" && make install > install.log 2>&1) ||
        { tail -n 30 "$src/install.log" >&2; die "make install failed: see $src/install.log"; }
    py=$d/inst/bin/python2.7
    "$py" -c 'import sys; print sys.pythonplus' ||
        die "the installed $py does not run"
    for m in _ssl _hashlib zlib _ctypes bz2 sqlite3 readline; do
        "$py" -c "import $m" 2>/dev/null || die "the release built without $m (see $src/make.log)"
    done
    "$py" -m pip --version || die "make install installed no pip"
    echo "dist.sh: a few tests of the installed interpreter"
    (cd "$d" && "$py" -m test.regrtest test_plus_build test_plus_tight_dict \
        test_plus_float_reuse test_sysconfig) > "$d/test.log" 2>&1 ||
        { cat "$d/test.log"; die "tests failed: see $d/test.log"; }
    tail -n 3 "$d/test.log"
    echo "dist.sh: $tgz builds and installs with ./configure && make && make install"
}

case ${1:-} in
    tarball) tarball ;;
    check) shift; check "$@" ;;
    *) die "usage: dist.sh tarball | check [TGZ]" ;;
esac
