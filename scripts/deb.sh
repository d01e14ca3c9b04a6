#!/bin/sh
# A Debian package of the default build (every feature on), made with
# dpkg-deb from a build folder configured for /opt/pythonplus.
#
#   deb.sh build        build build/deb (scripts/build.sh), install it into
#                       build/deb/pkg and write
#                       dist/pythonplus_VERSION-REV_ARCH.deb
#   deb.sh test [DEB]   as root: apt-get install the package, run its
#                       python2.7, pip and an embedding host built with
#                       pkg-config, then purge it and check nothing is left
#
# The layout, and why: Debian's own python2.7 (bullseye and older, still
# installed on many upgraded machines) owns /usr/bin/python2.7,
# /usr/lib/python2.7, /usr/include/python2.7, libpython2.7.so.1.0 in the
# multiarch folder and python-2.7.pc; python-is-python3 owns
# /usr/bin/python.  PythonPlus's libpython is not ABI-compatible with
# stock 2.7 (a dict object has another size), so sharing a name with any of
# them would break the other's users.  Everything goes under
# /opt/pythonplus (a self-contained add-on, FHS 3.13), its library found
# through the interpreter's rpath, not through ld.so.conf; /usr gets only
# names no Debian package uses:
#   /usr/bin/pythonplus2.7, /usr/bin/pythonplus2.7-config   (links)
#   /usr/lib/<multiarch>/pkgconfig/pythonplus-2.7.pc        (with the rpath)
#   /usr/share/doc/pythonplus/                               (copyright)
#
# Settings from the environment: DEB_REVISION (default 1), DEB_COMPRESS
# (dpkg-deb -Z: xz, the default, or gzip, faster), DISTDIR (default dist/),
# JOBS and CONFIGURE_ARGS as for build.sh.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^#define PY_PLUS_VERSION "\(.*\)"$/\1/p' "$top/Include/pyplus.h")
revision=${DEB_REVISION:-1}
package=pythonplus
prefix=/opt/pythonplus
case ${DISTDIR:-} in
    "") out=$top/dist ;;
    /*) out=$DISTDIR ;;
    *) out=$top/$DISTDIR ;;
esac
dir=$top/build/deb
maintainer="PythonPlus maintainers <maintainers@users.noreply.h-seed-45059c64.example>"

die() { echo "deb.sh: $*" >&2; exit 1; }

arch() { dpkg --print-architecture; }
multiarch() { dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch; }
deb_file() { echo "$out/${package}_$version-${revision}_$(arch).deb"; }

# Runtime dependencies of every ELF file in the staging tree, from the
# shlibs/symbols files of the Debian packages that provide the libraries.
depends() {
    root=$1
    work=$dir/shlibdeps
    rm -rf "$work"
    mkdir -p "$work/debian"
    # dpkg-shlibdeps wants a source package around it.
    printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' \
        "$package" "$package" > "$work/debian/control"
    find "$root" -type f \( -name '*.so' -o -name '*.so.*' -o -perm -u+x \) \
        -exec sh -c 'head -c 4 "$1" | grep -q "^.ELF"' sh {} \; -print \
        > "$work/elf"
    # -S: libpython2.7.so.1.0 is this package's own.
    (cd "$work" && xargs dpkg-shlibdeps -O -S"$root" -l"$root$prefix/lib" \
        < elf > substvars 2> shlibdeps.log) ||
        { cat "$work/shlibdeps.log" >&2; die "dpkg-shlibdeps failed"; }
    sed -n 's/^shlibs:Depends=//p' "$work/substvars"
}

build() {
    command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null ||
        die "dpkg-deb and dpkg-shlibdeps are missing: run 'make deps' (dpkg-dev)"
    # The default build, configured for the package's prefix.
    PLUS=all PREFIX=$prefix BUILDDIR=$dir "$top/scripts/build.sh" build
    root=$dir/pkg
    rm -rf "$root"
    PLUS=all PREFIX=$prefix BUILDDIR=$dir DESTDIR=$root \
        "$top/scripts/build.sh" install
    site=$root$prefix/lib/python2.7/site-packages
    [ -d "$site/pip" ] || die "no pip in $site"
    # build.sh's install manifest is for "make uninstall"; dpkg keeps its
    # own list of the package's files.
    rm -f "$root$prefix/share/pythonplus/install-manifest"
    rmdir "$root$prefix/share/pythonplus" 2>/dev/null || true

    # The names in /usr (see the top of this file).
    mkdir -p "$root/usr/bin" "$root/usr/lib/$(multiarch)/pkgconfig" \
        "$root/usr/share/doc/$package"
    ln -s "$prefix/bin/python2.7" "$root/usr/bin/pythonplus2.7"
    ln -s "$prefix/bin/python2.7-config" "$root/usr/bin/pythonplus2.7-config"
    pc=$root$prefix/lib/pkgconfig/python-2.7.pc
    [ -f "$pc" ] || die "make install wrote no $pc"
    sed -e 's|^Libs:|Libs: -Wl,-rpath,${libdir}|' \
        -e 's|^Name: .*|Name: PythonPlus|' \
        -e "s|^Description: .*|Description: PythonPlus $version (CPython 2.7.18) library, in $prefix|" "$pc" \
        > "$root/usr/lib/$(multiarch)/pkgconfig/pythonplus-2.7.pc"
    {
        if [ -f "$top/LICENSE" ]; then
            cat "$top/LICENSE"
        else
            echo "PythonPlus $version is CPython 2.7.18 with changes; the files it"
            echo "adds are under the PSF License version 2, CPython's under the"
            echo "license that follows."
        fi
        echo
        echo "The LICENSE file of CPython 2.7.18:"
        echo
        cat "$dir/LICENSE"
    } > "$root/usr/share/doc/$package/copyright"
    for f in README.md SECURITY.md whatsnew.txt; do
        [ ! -f "$top/$f" ] || gzip -9nc "$top/$f" > "$root/usr/share/doc/$package/$f.gz"
    done

    mkdir -p "$root/DEBIAN"
    deps=$(depends "$root")
    [ -n "$deps" ] || die "dpkg-shlibdeps found no dependencies"
    size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
    cat > "$root/DEBIAN/control" <<EOF
Package: $package
Version: $version-$revision
Architecture: $(arch)
Maintainer: $maintainer
Installed-Size: $size
Depends: $deps
Section: interpreters
Priority: optional
Description: PythonPlus $version, CPython 2.7.18 with lower memory use and better threading
 PythonPlus is CPython 2.7.18 with a patch series: upstream security fixes
 since 2.7.18 and compile-time features (smaller dicts, shared small floats,
 native locks, a priority GIL, ...), all switched on in this build.
 .
 Everything is installed under /opt/pythonplus: the interpreter
 (/opt/pythonplus/bin/python2.7), libpython2.7.so, the headers,
 python2.7-config, the python-2.7.pc file and pip.  /usr/bin/pythonplus2.7,
 /usr/bin/pythonplus2.7-config and the pkg-config name pythonplus-2.7 point
 there.  /usr/bin/python and any Debian python2.7 are left alone.
 .
 Extension modules built against PythonPlus do not load in a stock
 Python 2.7 (the object layouts differ); build wheels for others with a
 stock interpreter.
EOF
    mkdir -p "$out"
    deb=$(deb_file)
    rm -f "$deb"
    dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-xz}" --build "$root" "$deb" \
        > /dev/null
    echo "deb.sh: wrote $deb ($(du -k "$deb" | cut -f1) kB)"
    echo "deb.sh:   Depends: $deps"
}

# Install, use and purge the package, as a user would (root).
test_deb() {
    deb=${1:-$(deb_file)}
    case $deb in /*) ;; *) deb=$(pwd)/$deb ;; esac
    [ -f "$deb" ] || die "no $deb: run 'make deb' first"
    [ "$(id -u)" -eq 0 ] || die "deb.sh test installs a package: run it as root"
    export DEBIAN_FRONTEND=noninteractive
    python_before=$(readlink -f /usr/bin/python 2>/dev/null || echo none)
    echo "deb.sh: apt-get install $deb"
    apt-get install -y -q --no-install-recommends "$deb" > "$dir/apt-install.log" 2>&1 ||
        { tail -n 20 "$dir/apt-install.log" >&2; die "apt-get install failed"; }
    status=0
    (
        set -e
        for v in $(env | sed -n 's/^\(PYTHON[A-Za-z0-9_]*\)=.*/\1/p'); do
            unset "$v"
        done
        cd /
        "$prefix/bin/python2.7" -c 'import sys; print sys.pythonplus'
        /usr/bin/pythonplus2.7 -c 'import sys, ssl, hashlib, zlib, ctypes, sqlite3, bz2, readline; assert sys.prefix == "'$prefix'", sys.prefix; print "modules ok:", ssl.OPENSSL_VERSION'
        "$prefix/bin/python2.7" -m pip --version
        "$prefix/bin/pip2.7" --version
        "$prefix/bin/pydoc" sys > /dev/null
        "$prefix/bin/2to3" --help > /dev/null
        /usr/bin/pythonplus2.7-config --includes
        [ "$(readlink -f /usr/bin/python 2>/dev/null || echo none)" = "$python_before" ]
        "$top/scripts/embed.sh" pkg-config pythonplus-2.7 "$dir/embed-host-deb"
        # The other config tool: its --ldflags give -L<libdir>, the
        # embedder adds the rpath.
        # shellcheck disable=SC2046
        ${CC:-cc} -O2 "$top/Tools/plus/embed/host.c" \
            $(/usr/bin/pythonplus2.7-config --cflags --ldflags) \
            -Wl,-rpath,"$prefix/lib" -pthread -o "$dir/embed-host-deb-config"
        "$dir/embed-host-deb-config" -p "$top/Tools/plus/embed" -w 2 -n 20 \
            -l 1 -x 1 | tail -n 1 | grep -qx 'embed-host: ok'
        echo "deb.sh: the host built with pythonplus2.7-config runs"
    ) || status=$?
    echo "deb.sh: apt-get purge $package"
    apt-get purge -y -q "$package" > "$dir/apt-purge.log" 2>&1 ||
        { tail -n 20 "$dir/apt-purge.log" >&2; die "apt-get purge failed"; }
    [ "$status" -eq 0 ] || die "the installed package failed a check (status $status)"
    left=$(ls -d "$prefix" /usr/bin/pythonplus2.7 /usr/share/doc/$package \
        "/usr/lib/$(multiarch)/pkgconfig/pythonplus-2.7.pc" 2>/dev/null || true)
    [ -z "$left" ] || die "left after the purge: $left"
    echo "deb.sh: $(basename "$deb") installs, runs, embeds and purges cleanly"
}

case ${1:-} in
    build) build ;;
    test) shift; test_deb "$@" ;;
    *) die "usage: deb.sh build | test [DEB]" ;;
esac
