#!/bin/sh
# Configure, build, test and install one PythonPlus variant.
#
#   build.sh build | test | install | altinstall | uninstall | baseline
#
# Settings come from the environment (the top Makefile exports them):
#   PLUS            feature list for --with-plus (all, none, a,b,-c ...)
#   BUILDDIR        build folder (default build/<PLUS>)
#   PREFIX          installation prefix
#   DESTDIR         staging root for install and uninstall (packaging)
#   ENSUREPIP       no: install without pip (default: pip and setuptools
#                   from the bundled wheels)
#   JOBS            parallel jobs for make and regrtest
#   CONFIGURE_ARGS  extra configure arguments (--with-pydebug, tunables)
#   CFLAGS, CPPFLAGS, LDFLAGS
#                   the user's own flags (also accepted inside
#                   CONFIGURE_ARGS); ours are added to them, never the
#                   other way round
#   TESTS           run only these regrtest tests (and/or embed-host,
#                   test-summary)
#   TEST_TIMEOUT    time limit of one regrtest test module, in seconds
#                   (default 900; 0: none); one over it fails "timed out"
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
PLUS=${PLUS:-all}
PREFIX=${PREFIX:-/usr/local}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
CONFIGURE_ARGS=${CONFIGURE_ARGS:-}
TESTS=${TESTS:-}
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
export TEST_TIMEOUT
case ${BUILDDIR:-} in
    "") dir=$top/build/$(echo "$PLUS" | tr , +) ;;
    /*) dir=$BUILDDIR ;;
    *) dir=$top/$BUILDDIR ;;
esac

die() { echo "build.sh: $*" >&2; exit 1; }

# A "make CFLAGS=..." on the top Makefile's command line would reach the
# interpreter's own Makefile through MAKEFLAGS and replace its CFLAGS
# there; the flags go to configure instead (through the environment).
unset MAKEFLAGS MFLAGS MAKEOVERRIDES

# Build the way Debian does, plus an rpath so that the interpreter finds its
# libpython2.7.so both in the build folder and once installed.
configure_args() {
    echo --prefix="$PREFIX" --enable-shared --enable-unicode=ucs4 \
        --with-system-ffi --with-system-expat --enable-ipv6 "$@" \
        $CONFIGURE_ARGS
}

configure_and_make() {
    # $1: folder, $2: modules that must have been built; the rest:
    # configure arguments.
    d=$1
    required=$2
    shift 2
    "$top/scripts/deps.sh" check
    # ccache, when installed, through its compiler links: CC stays "gcc"
    # in the installed Makefile.  Paths relative to the build folder and no
    # hashing of the current folder let variants (build/none, build/all,
    # ...) share the cache for every file their switches leave alone.
    if [ -d /usr/lib/ccache ]; then
        PATH=/usr/lib/ccache:$PATH
        CCACHE_BASEDIR=$d
        CCACHE_NOHASHDIR=1
        export PATH CCACHE_BASEDIR CCACHE_NOHASHDIR
    fi
    # Our rpath goes before the user's LDFLAGS (from the environment or
    # CONFIGURE_ARGS), in one LDFLAGS: configure keeps only the last one.
    # The Makefile turns \$$ORIGIN into a literal $ORIGIN for the linker.
    user_ldflags=${LDFLAGS:+ $LDFLAGS}
    n=$#
    while [ "$n" -gt 0 ]; do
        arg=$1
        shift
        n=$((n - 1))
        case $arg in
            LDFLAGS=*) user_ldflags="$user_ldflags ${arg#LDFLAGS=}" ;;
            *) set -- "$@" "$arg" ;;
        esac
    done
    ldflags="LDFLAGS=-Wl,-rpath,\\\$\$ORIGIN:$PREFIX/lib$user_ldflags"
    settings="$* $ldflags CFLAGS=${CFLAGS:-} CPPFLAGS=${CPPFLAGS:-}"
    if [ ! -f "$d/Makefile" ] || [ "$d/configure" -nt "$d/config.status" ] ||
        [ "$(cat "$d/.plus-configure" 2>/dev/null)" != "$settings" ]; then
        echo "build.sh: configuring $d"
        rm -f "$d/.plus-configure"
        (cd "$d" && ./configure "$@" "$ldflags" > configure.log 2>&1) ||
            die "configure failed in $d: see $d/configure.log"
        # setup.py copies the scripts (pydoc, 2to3, idle, smtpd.py) only
        # when they are missing or older than their source: their first
        # line names the interpreter of the configured prefix.
        rm -rf "$d"/build/scripts-*
        echo "$settings" > "$d/.plus-configure"
    fi
    echo "build.sh: building $d (make -j$JOBS, log in $d/make.log)"
    (cd "$d" && make -j"$JOBS" > make.log 2>&1) ||
        { tail -n 30 "$d/make.log" >&2; die "make failed in $d: see $d/make.log"; }
    # setup.py only warns about extension modules it could not build.
    missing=""
    for m in $required; do
        (cd "$d" && ./python -E -c "import $m" 2>/dev/null) || missing="$missing $m"
    done
    [ -z "$missing" ] ||
        die "built without:$missing (see $d/make.log; 'make deps' installs the libraries)"
}

build() {
    "$top/scripts/tree.sh" sync "$dir"
    # shellcheck disable=SC2046
    configure_and_make "$dir" "_hashlib _ssl zlib _ctypes" \
        $(configure_args --with-plus="$PLUS")
    echo "build.sh: $dir/python is ready ($("$dir/python" -E -c 'import sys; print " ".join(sys.pythonplus.features) or "no features"'))"
}

# Run the regression suite in folder $1 and print the counts line.  Our
# embedding test, "embed-host" (scripts/embed.sh: the variant installed in
# a private prefix, Tools/plus/embed/host.c built against it and run),
# counts as one more test; it runs after the suite, not for the baseline.
# So does "test-summary" (tests/test_test_summary.py: the summary script
# and regrtest's TEST_TIMEOUT watchdog), run before the suite.
run_suite() {
    d=$1
    mode=${2:-}
    cd "$d"
    embed=no
    selftest=no
    regrtest=yes
    if [ -n "$TESTS" ]; then
        mode=--no-exclusions
        names=""
        for t in $TESTS; do
            if [ "$t" = embed-host ]; then
                embed=yes
            elif [ "$t" = test-summary ]; then
                selftest=yes
            else
                names="$names $t"
            fi
        done
        [ -n "$names" ] || regrtest=no
        set -- $names
    elif [ "$mode" = --no-exclusions ]; then
        set --
    else
        embed=yes
        selftest=yes
        # Tests that fail on stock 2.7.18 built the same way (see the file).
        set -- -x $(sed -e 's/#.*//' "$top/tests/stock-failures.txt")
    fi
    echo "build.sh: running the regression suite in $d (log in $d/test.log)"
    # The suite runs without the caller's PYTHON* variables: children that
    # tests spawn do not get -E (PYTHONDONTWRITEBYTECODE, set on some
    # machines, breaks test_distutils' byte-compiling tests).
    for v in $(env | sed -n 's/^\(PYTHON[A-Za-z0-9_]*\)=.*/\1/p'); do
        unset "$v"
    done
    status=0
    extra=""
    if [ $selftest = yes ]; then
        if ./python -E "$top/tests/test_test_summary.py" \
            > test-summary.log 2>&1; then
            extra="--result test-summary=PASS"
        else
            tail -n 20 test-summary.log
            extra="--result test-summary=FAIL"
            status=1
        fi
    fi
    if [ $regrtest = yes ]; then
        ./python -Wd -3 -E -tt Lib/test/regrtest.py -j"$JOBS" "$@" \
            > test.log 2>&1 || status=$?
        tail -n 40 test.log
    else
        : > test.log
        extra="$extra --no-suite"
    fi
    if [ $embed = yes ]; then
        if "$top/scripts/embed.sh" test "$d"; then
            extra="$extra --result embed-host=PASS"
        else
            extra="$extra --result embed-host=FAIL"
            status=1
        fi
    fi
    # A non-zero status from the summary (a failed, crashed, timed-out or
    # missing test, an incomplete log) fails the run too.
    ./python -E "$top/scripts/test-summary.py" test.log "$top/tests/stock-failures.txt" $mode $extra ||
        status=1
    return $status
}

tests() {
    # Sync and make again (a no-op when nothing changed): a sync alone would
    # leave the suite running binaries older than the sources.
    build
    run_suite "$dir"
}

# The install manifest: every file and link an install wrote and every
# folder it created, one absolute path (without DESTDIR) a line.
manifest_path=share/pythonplus/install-manifest

# make install or altinstall in the build folder, then add what it wrote
# to the manifest: the files whose change time is after the start (no copy
# can preserve a change time) and the folders that were not there before.
install() {
    target=$1
    root=${DESTDIR:-}
    base=$root$PREFIX
    manifest=$base/$manifest_path
    echo "build.sh: $target of $dir into $base"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    : > "$work/start"
    find "$base" -type d 2>/dev/null | sort > "$work/folders-before" || true
    # File times have a coarse clock: what the install writes must come
    # strictly after the start mark.
    sleep 1
    (cd "$dir" && make "$target" ${ENSUREPIP:+ENSUREPIP=$ENSUREPIP} \
        > install.log 2>&1) ||
        { tail -n 30 "$dir/install.log" >&2; die "make $target failed: see $dir/install.log"; }
    mkdir -p "$(dirname "$manifest")"
    touch "$manifest"
    strip_root() { cut -c$((${#root} + 1))-; }
    {
        find "$base" ! -type d -cnewer "$work/start" | strip_root
        find "$base" -type d | sort | comm -13 "$work/folders-before" - |
            strip_root
        # What an earlier install into the same prefix wrote.
        cat "$manifest" 2>/dev/null || true
    } | sort -u > "$work/manifest"
    cp "$work/manifest" "$manifest"
    echo "build.sh: installed $base/bin/python2.7 ($(wc -l < "$manifest") paths in $manifest)"
}

# Remove what the manifest lists: files and links, then the folders that
# are left empty, deepest first.  What others put there stays.
uninstall() {
    root=${DESTDIR:-}
    manifest=$root$PREFIX/$manifest_path
    [ -f "$manifest" ] ||
        die "no install manifest at $manifest: nothing was installed in $root$PREFIX by 'make install'"
    echo "build.sh: removing the $(wc -l < "$manifest") paths of $manifest"
    # The manifest lists itself: read a copy.
    list=$(mktemp)
    trap 'rm -f "$list"' EXIT
    cp "$manifest" "$list"
    while IFS= read -r path; do
        if [ -L "$root$path" ] || [ -f "$root$path" ]; then
            rm -f "$root$path"
        fi
    done < "$list"
    kept=$(sort -r "$list" | while IFS= read -r path; do
        if [ -d "$root$path" ] && ! rmdir "$root$path" 2>/dev/null; then
            echo "$root$path"
        fi
    done)
    if [ -n "$kept" ]; then
        echo "build.sh: kept these folders, which hold files the install did not write:"
        echo "$kept" | sed 's/^/  /'
    fi
    echo "build.sh: uninstalled from $root$PREFIX"
}

# Pristine upstream, built the same way, no patches and no overlay: the
# reference for tests/stock-failures.txt.
baseline() {
    d=$top/build/upstream
    if [ ! -f "$d/Makefile" ]; then
        "$top/scripts/tree.sh" upstream "$d"
    fi
    # shellcheck disable=SC2046
    # Stock 2.7.18 cannot build _hashlib against OpenSSL 3.
    configure_and_make "$d" "_ssl zlib _ctypes" $(configure_args)
    run_suite "$d" --no-exclusions
}

case ${1:-} in
    build) build ;;
    test) tests ;;
    install) install install ;;
    altinstall) install altinstall ;;
    uninstall) uninstall ;;
    baseline) baseline ;;
    *) die "usage: build.sh build | test | install | altinstall | uninstall | baseline" ;;
esac
