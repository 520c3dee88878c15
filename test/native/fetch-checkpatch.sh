#!/usr/bin/env bash
# Print the path of the kernel's scripts/checkpatch.pl, fetched once from Debian's linux-source package.
# No Debian package ships checkpatch.pl on its own: take it (and the data files it reads next to itself) out of
# the kernel source tarball without installing the package.
#   ${NETLINK_CACHE:-$REPO/.cache}/checkpatch/<package version>/scripts/checkpatch.pl
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${NETLINK_CACHE:-$repo/.cache}
pkg=${CHECKPATCH_SOURCE_PACKAGE:-linux-source-6.12}

# (wc reads to the end: grep -q would stop early and, under pipefail, turn SIGPIPE into "no lists")
if [[ $(apt-cache pkgnames linux-source- 2>/dev/null | wc -l) -eq 0 ]]; then
  apt-get update >&2
fi
version=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
if [[ -z $version || $version == "(none)" ]]; then
  echo "fetch-checkpatch: apt cannot download $pkg" >&2
  exit 1
fi
dest=$cache/checkpatch/$version
if [[ -x $dest/scripts/checkpatch.pl && -f $dest/scripts/spelling.txt ]]; then
  echo "$dest/scripts/checkpatch.pl"
  exit 0
fi

mkdir -p "$cache/checkpatch"
exec 9>"$cache/checkpatch/.lock"
flock 9
work=$(mktemp -d "$cache/checkpatch/tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "$pkg=$version" >&2)
series=${pkg#linux-source-}
# The .deb holds usr/src/linux-source-<series>.tar.xz; stream it out and keep only the three files.
dpkg-deb --fsys-tarfile "$work"/"$pkg"_*.deb |
  tar -xO "./usr/src/linux-source-$series.tar.xz" |
  tar -xJ -C "$work" \
    "linux-source-$series/scripts/checkpatch.pl" \
    "linux-source-$series/scripts/spelling.txt" \
    "linux-source-$series/scripts/const_structs.checkpatch"
mkdir -p "$dest/scripts"
mv "$work/linux-source-$series/scripts/"* "$dest/scripts/"
chmod +x "$dest/scripts/checkpatch.pl"
echo "$dest/scripts/checkpatch.pl"
