#!/bin/sh
# Embedding libpython: install a built variant into a private prefix under
# its build folder and build C host programs against that installation, as
# an embedder would (Tools/plus/embed/).
#
#   embed.sh install DIR          make install DESTDIR=DIR/inst; prints the
#                                 private prefix (DIR/inst + the configured
#                                 prefix)
#   embed.sh compile DIR SRC OUT  compile and link SRC against it
#   embed.sh run DIR PROGRAM ...  run PROGRAM with PYTHONHOME at the prefix
#   embed.sh test DIR             install, build Tools/plus/embed/host.c,
#                                 run it and check its output
#   embed.sh pkg-config PKG OUT   build the host against an installed
#                                 Python found by "pkg-config PKG" (e.g.
#                                 the .deb's pythonplus-2.7), run and check
#                                 it the same way
#
# The build folder's prefix is baked in at configure time, so the install
# goes through DESTDIR; pkg-config finds it through PKG_CONFIG_SYSROOT_DIR
# (python2.7-config would print the configured prefix), the programs get
# an rpath to the private lib folder and run with PYTHONHOME set to it.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "embed.sh: $*" >&2; exit 1; }

absdir() { (cd "$1" 2>/dev/null && pwd) || die "no such folder: $1"; }

prefix_of() {
    set -- "$(absdir "$1")"
    p=$(sed -n 's/^prefix=[[:space:]]*//p' "$1/Makefile" | head -n 1)
    [ -n "$p" ] || die "no prefix in $1/Makefile: build it first"
    echo "$1/inst$p"
}

install_private() {
    d=$(absdir "$1")
    [ -x "$d/python" ] || die "$d is not built"
    rm -rf "$d/inst"
    # "make install" in two steps, to leave out its byte-compiling of the
    # library (four compileall runs, most of its time): libinstall with
    # PYTHON_FOR_BUILD as a no-op, then the other parts of "install".  The
    # host writes the .pyc files it needs at its first run.
    # A plain "make" first (a no-op on a fresh build): were anything
    # rebuilt under the no-op PYTHON_FOR_BUILD, pybuilddir.txt would say
    # "none" and break the build folder.
    (cd "$d" &&
     make > "$d/inst.log" 2>&1 &&
     make libinstall DESTDIR="$d/inst" PYTHON_FOR_BUILD=: >> "$d/inst.log" 2>&1 &&
     make altbininstall bininstall inclinstall libainstall sharedinstall \
        oldsharedinstall DESTDIR="$d/inst" >> "$d/inst.log" 2>&1) ||
        { tail -n 20 "$d/inst.log" >&2; die "make install failed: see $d/inst.log"; }
    prefix_of "$d"
}

compile_host() {
    d=$(absdir "$1") src=$2 out=$3
    prefix=$(prefix_of "$d")
    pc=$prefix/lib/pkgconfig
    [ -f "$pc/python-2.7.pc" ] || die "$pc/python-2.7.pc is missing: run 'embed.sh install $d'"
    flags=$(PKG_CONFIG_PATH=$pc PKG_CONFIG_LIBDIR=$pc \
        PKG_CONFIG_SYSROOT_DIR=$d/inst pkg-config --cflags --libs python-2.7) ||
        die "pkg-config failed for $pc/python-2.7.pc"
    # shellcheck disable=SC2086
    ${CC:-cc} -O2 -Wall "$src" $flags -pthread -Wl,-rpath,"$prefix/lib" \
        -o "$out"
}

# Run one program of the private installation: no PYTHON* variables of the
# caller, PYTHONHOME at the private prefix.
run_host() {
    d=$1
    shift
    prefix=$(prefix_of "$d")
    for v in $(env | sed -n 's/^\(PYTHON[A-Za-z0-9_]*\)=.*/\1/p'); do
        unset "$v"
    done
    PYTHONHOME=$prefix "$@"
}

# Run the host program $1 with the arguments of the test, through the
# command given after $2 (run_host DIR, env), and check its output; the
# log goes to $2.
check_host() {
    prog=$1 log=$2
    shift 2
    status=0
    # The upper bound never fires in a correct run (it takes a second).
    "$@" timeout 300 "$prog" -p "$top/Tools/plus/embed" \
        -w 4 -n 200 -l 2 -x 2 > "$log" 2>&1 || status=$?
    cat "$log"
    if [ "$status" -ne 0 ] || [ "$(tail -n 1 "$log")" != "embed-host: ok" ]; then
        echo "embed.sh: the host application failed (status $status, log $log)"
        return 1
    fi
}

test_host() {
    d=$(absdir "$1")
    echo "embed.sh: installing $d into $d/inst, building and running the host application"
    install_private "$d" > /dev/null
    compile_host "$d" "$top/Tools/plus/embed/host.c" "$d/embed-host"
    check_host "$d/embed-host" "$d/embed-host.log" run_host "$d"
}

# An installed Python, as an embedder finds it: pkg-config's flags alone
# (the .pc file brings the rpath, or the library is on the loader's path).
test_pkg_config() {
    pkg=$1 out=$2
    flags=$(pkg-config --cflags --libs "$pkg") ||
        die "pkg-config knows no $pkg"
    echo "embed.sh: cc host.c $flags -pthread -o $out"
    # shellcheck disable=SC2086
    ${CC:-cc} -O2 -Wall "$top/Tools/plus/embed/host.c" $flags -pthread -o "$out" ||
        die "the host does not build with pkg-config's flags for $pkg"
    for v in $(env | sed -n 's/^\(PYTHON[A-Za-z0-9_]*\)=.*/\1/p'); do
        unset "$v"
    done
    check_host "$out" "$out.log" env
}

case ${1:-} in
    install) [ $# -eq 2 ] || die "usage: embed.sh install DIR"; install_private "$2" ;;
    compile) [ $# -eq 4 ] || die "usage: embed.sh compile DIR SRC OUT"; compile_host "$2" "$3" "$4" ;;
    run) [ $# -ge 3 ] || die "usage: embed.sh run DIR PROGRAM [ARGS]"; shift; run_host "$@" ;;
    test) [ $# -eq 2 ] || die "usage: embed.sh test DIR"; test_host "$2" ;;
    pkg-config) [ $# -eq 3 ] || die "usage: embed.sh pkg-config PKG OUT"; test_pkg_config "$2" "$3" ;;
    *) die "usage: embed.sh install DIR | compile DIR SRC OUT | run DIR PROGRAM [ARGS] | test DIR | pkg-config PKG OUT" ;;
esac
