#!/bin/sh
# Prepare the patched upstream tree and the build folders.
#
#   tree.sh prepare           build/src: upstream as a git repo, one commit
#                             per patch of patches/series (tag "upstream"
#                             marks the pristine release)
#   tree.sh sync DIR          lay build/src and our overlay over DIR and
#                             regenerate configure there when needed
#   tree.sh export            write the commits upstream..HEAD of build/src
#                             back to patches/ and patches/series
#   tree.sh upstream DIR      unpack the pristine release into DIR (for the
#                             stock baseline)
#   tree.sh overlay-dirs      print the folders of our overlay (for
#                             scripts/dist.sh)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/src
stamp=$src/.git/pythonplus-prepared
# Folders of the upstream tree that hold our own new files.
overlay_dirs="Include Objects Python Modules Lib PC Tools Doc Misc Parser"

die() { echo "tree.sh: $*" >&2; exit 1; }

git_src() {
    git -C "$src" -c user.name="PythonPlus build" \
        -c user.email="build@pythonplus.invalid" \
        -c commit.gpgsign=false "$@"
}

# What the prepared tree was made from: tarball, series and patches.
inputs_digest() {
    (cat "$top/patches/series"
     for p in $(series_patches); do cat "$top/patches/$p"; done) |
        sha256sum | cut -d' ' -f1
}

series_patches() {
    sed -e 's/#.*//' "$top/patches/series" | awk 'NF { print $1 }'
}

unpack() {
    tarball=$("$top/scripts/fetch-upstream.sh")
    rm -rf "$1.tmp"
    mkdir -p "$1.tmp"
    tar xzf "$tarball" -C "$1.tmp" --strip-components=1
    rm -rf "$1"
    mv "$1.tmp" "$1"
}

prepare() {
    # Always make sure the verified tarball is at hand (fetching it again if
    # the cache was emptied), even when build/src is up to date.
    "$top/scripts/fetch-upstream.sh" > /dev/null
    digest=$(inputs_digest)
    if [ -f "$stamp" ]; then
        read -r old_digest old_head < "$stamp"
        if [ "$old_digest" = "$digest" ]; then
            return 0
        fi
        # Never throw away a developer's work in build/src.
        if [ "$(git_src rev-parse HEAD)" != "$old_head" ] ||
            [ -n "$(git_src status --porcelain --untracked-files=no)" ]; then
            die "build/src has commits or changes that are not in patches/:
run 'make patches' to export them, or 'make clean-src' to drop them"
        fi
    fi
    echo "tree.sh: preparing build/src (upstream + patches/series)"
    unpack "$src"
    git_src init -q
    git_src add -A
    git_src commit -q -m "Python 2.7.18 (pristine upstream release)"
    git_src tag upstream
    for p in $(series_patches); do
        [ -f "$top/patches/$p" ] || die "patches/series lists $p, which is missing"
        if ! git_src am -q --keep-cr "$top/patches/$p"; then
            git_src am --abort 2>/dev/null || true
            die "patch $p does not apply cleanly to upstream 2.7.18 + the patches before it"
        fi
    done
    printf '%s %s\n' "$digest" "$(git_src rev-parse HEAD)" > "$stamp"
}

# Copy the prepared tree and our overlay into a build folder.  Only files
# whose content differs are copied, and they get the current time: newer
# than anything built from their old content, so make rebuilds exactly
# what changed (a copy keeping the source's older time would not be).
sync_tree() {
    dir=$1
    mkdir -p "$dir"
    # configure and pyconfig.h.in are regenerated in the build folder.
    rsync -rlp --checksum --exclude=/.git --exclude=/configure \
        --exclude=/pyconfig.h.in "$src/" "$dir/"
    for d in $overlay_dirs; do
        if [ -d "$top/$d" ]; then
            rsync -rlp --checksum "$top/$d" "$dir/"
        fi
    done
    inputs=$(cat "$dir/configure.ac" "$dir/aclocal.m4" "$dir"/Misc/*.m4 |
             sha256sum | cut -d' ' -f1)
    if [ ! -f "$dir/configure" ] ||
        [ "$(cat "$dir/.plus-autoconf" 2>/dev/null)" != "$inputs" ]; then
        command -v autoconf >/dev/null ||
            die "autoconf is missing: run 'make deps' (or apt-get install autoconf)"
        echo "tree.sh: regenerating configure and pyconfig.h.in in $dir"
        (cd "$dir" && autoconf -Wno-obsolete && autoheader -Wno-obsolete)
        echo "$inputs" > "$dir/.plus-autoconf"
    fi
}

# Write each commit after "upstream" back as patches/NNNN-slug.patch.  A
# commit whose subject matches an existing patch keeps that patch's file
# name (and number); a new one gets the next free number of the 2000 range.
export_patches() {
    [ -d "$src/.git" ] || die "no build/src: run 'make prepare' first"
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
    git_src format-patch -q --no-numbered --zero-commit --no-signature \
        --no-stat -o "$out" upstream..HEAD
    : > "$out/series"
    used=""
    for f in "$out"/[0-9]*.patch; do
        [ -f "$f" ] || continue
        subject=$(sed -n 's/^Subject: \[PATCH\] //p' "$f" | head -n 1)
        name=""
        for old in "$top"/patches/*.patch; do
            [ -f "$old" ] || continue
            if [ "$(sed -n 's/^Subject: \[PATCH\] //p' "$old" | head -n 1)" = "$subject" ]; then
                name=$(basename "$old")
                break
            fi
        done
        if [ -z "$name" ]; then
            last=$( (ls "$top/patches"; echo "$used") |
                    sed -n 's/^\(2[0-9][0-9][0-9]\)-.*/\1/p' | sort -n | tail -n 1)
            num=$(( ${last:-1999} + 1 ))
            name=$num-$(basename "$f" | sed 's/^[0-9]*-//')
        fi
        used="$used
$name"
        cp "$f" "$out/$name.new"
        echo "$name" >> "$out/series"
    done
    rm -f "$top"/patches/*.patch
    for f in "$out"/*.new; do
        [ -f "$f" ] || continue
        n=$(basename "$f" .new)
        mv "$f" "$top/patches/$n"
    done
    # Keep the comment block at the top of the series file.
    { sed -n '/^#/p' "$top/patches/series"; echo; cat "$out/series"; } \
        > "$out/series.full"
    mv "$out/series.full" "$top/patches/series"
    printf '%s %s\n' "$(inputs_digest)" "$(git_src rev-parse HEAD)" > "$stamp"
    echo "tree.sh: exported $(grep -c . "$out/series") patches to patches/"
}

case ${1:-} in
    prepare) prepare ;;
    sync) [ $# -eq 2 ] || die "usage: tree.sh sync DIR"; prepare; sync_tree "$2" ;;
    export) export_patches ;;
    upstream) [ $# -eq 2 ] || die "usage: tree.sh upstream DIR"; unpack "$2" ;;
    overlay-dirs) echo $overlay_dirs ;;
    *) die "usage: tree.sh prepare | sync DIR | export | upstream DIR | overlay-dirs" ;;
esac
