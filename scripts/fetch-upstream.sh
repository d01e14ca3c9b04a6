#!/bin/sh
# Fetch the pinned upstream tarball and verify it; print its path.
#
# Sources, tried in order:
#   1. the download cache ($PYTHONPLUS_CACHE, default ~/.cache/pythonplus);
#   2. python.org;
#   3. Debian's source archive (bullseye ships the same file as
#      python2.7_2.7.18.orig.tar.gz), through apt-get with a private state
#      folder and the Debian mirror already configured on this machine.
# The sha256 is checked whatever the source; a bad file is never kept.
set -eu

version=2.7.18
sha256=da3080e3b488f648a3d7a4560ddee895284c3380b11d6de75edb986526b9a814
tarball=Python-$version.tgz
cache=${PYTHONPLUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pythonplus}
target=$cache/$tarball
tried=""

log() { echo "fetch-upstream: $*" >&2; }

verified() {
    [ -f "$1" ] && echo "$sha256  $1" | sha256sum -c --status -
}

# Move a candidate file into the cache if its checksum is right.
accept() {
    if verified "$1"; then
        mv -f "$1" "$target"
        log "verified $target ($2)"
        echo "$target"
        exit 0
    fi
    [ -f "$1" ] && log "$2: checksum mismatch, file discarded"
    rm -f "$1"
    tried="$tried
  - $2"
}

mkdir -p "$cache"
tmp=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# 1. The cache.
if verified "$target"; then
    echo "$target"
    exit 0
fi
if [ -f "$target" ]; then
    log "cached $target has the wrong checksum: removing it"
    rm -f "$target"
fi
tried="
  - the cache $target"

# 2. python.org.
url=https://www.python.org/ftp/python/$version/$tarball
if command -v curl >/dev/null 2>&1; then
    log "trying $url"
    curl -fsSL --connect-timeout 15 --max-time 300 -o "$tmp/$tarball" "$url" \
        2>/dev/null || true
elif command -v wget >/dev/null 2>&1; then
    log "trying $url"
    wget -q -T 15 -O "$tmp/$tarball" "$url" 2>/dev/null || true
fi
accept "$tmp/$tarball" "$url"

# 3. Debian's source archive, through apt with a private state folder.
debian_mirror() {
    # The first Debian archive URI configured on this machine.
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr ' ' '\n'
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -n 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]*\)\{0,1\}\([^[:space:]]*\).*/\2/p' "$f"
    done
}
mirror=$(debian_mirror | grep -E '/debian/?$' | head -n 1 || true)
if command -v apt-get >/dev/null 2>&1 && [ -n "$mirror" ]; then
    apt=$tmp/apt
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/dl"
    echo "deb-src ${mirror%/} bullseye main" > "$apt/sources.list"
    set -- -o Dir::Etc::sourcelist="$apt/sources.list" \
        -o Dir::Etc::sourceparts=/nonexistent \
        -o Dir::State="$apt" -o Dir::State::Lists="$apt/lists" \
        -o Dir::Cache="$apt/cache" -o Debug::NoLocking=1 \
        -o APT::Sandbox::User=root -qq
    log "trying Debian source package python2.7 (bullseye) from $mirror"
    if apt-get "$@" update >"$apt/log" 2>&1 &&
        (cd "$apt/dl" && apt-get "$@" --download-only source python2.7) \
            >>"$apt/log" 2>&1; then
        accept "$apt/dl/python2.7_$version.orig.tar.gz" \
            "Debian bullseye source package python2.7 via $mirror"
    else
        tried="$tried
  - Debian bullseye source package python2.7 via $mirror (apt-get failed:
    $(tail -n 2 "$apt/log" | tr '\n' ' '))"
    fi
else
    tried="$tried
  - Debian's source archive (no apt-get or no Debian mirror configured)"
fi

cat >&2 <<MSG
fetch-upstream: could not obtain $tarball (sha256 $sha256).
Tried:$tried
Provide the file by hand: download Python-$version.tgz from python.org (or
python2.7_$version.orig.tar.gz from Debian's archive, the same file), check its
sha256, and copy it to $target
MSG
exit 1
