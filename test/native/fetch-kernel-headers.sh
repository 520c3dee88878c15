#!/usr/bin/env bash
# Fetch Debian bookworm kernel headers for one kernel series without installing them, and print the KDIR to
# build out-of-tree modules against.
#
#   bash test/native/fetch-kernel-headers.sh 6.1     -> .../.cache/kernels/6.1.0-56-amd64/usr/src/linux-headers-6.1.0-56-amd64
#   bash test/native/fetch-kernel-headers.sh 6.12    -> .../.cache/kernels/6.12.117+deb12-amd64/usr/src/linux-headers-...
#
# Layout (shared with the lab, which also unpacks the image of the same release there):
#   ${NETLINK_CACHE:-$REPO/.cache}/kernels/<kernel-release>/       dpkg-deb -x root of the header packages
#   ${NETLINK_CACHE:-$REPO/.cache}/kernels/debs/                   the downloaded .deb files
# The release picked is the newest one of the series whose linux-image package is downloadable too, so the
# headers match a kernel the lab can boot.
set -euo pipefail

series=${1:?usage: fetch-kernel-headers.sh SERIES (e.g. 6.1 or 6.12)}
if [[ ! $series =~ ^[0-9]+\.[0-9]+$ ]]; then
  echo "fetch-kernel-headers: series must look like 6.1 or 6.12, got '$series'" >&2
  exit 2
fi
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${NETLINK_CACHE:-$repo/.cache}
kernels=$cache/kernels
mkdir -p "$kernels/debs"

has_candidate() { # package name -> true when apt can download it
  local cand
  cand=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
  [[ -n $cand && $cand != "(none)" ]]
}

ensure_lists() { # apt-cache knows nothing before the first `apt-get update`
  # wc reads to the end: grep -q would stop early and, under pipefail, turn SIGPIPE into "no lists".
  if [[ $(apt-cache pkgnames linux-headers- 2>/dev/null | wc -l) -eq 0 ]]; then
    apt-get update >&2
  fi
}

pick_release() {
  local re names name rel
  # Debian names: 6.1.0-56-amd64 (6.1 ABI numbering) and 6.12.117+deb12-amd64 (6.12).
  re="^linux-image-(${series//./\\.}[.-][0-9][0-9.+a-z-]*-amd64)$"
  names=$(apt-cache pkgnames "linux-image-$series" | grep -E "$re" | grep -vE -- '-(rt|cloud)-amd64$' | sort -Vr)
  for name in $names; do
    rel=${name#linux-image-}
    if has_candidate "$name" && has_candidate "linux-headers-$rel"; then
      echo "$rel"
      return 0
    fi
  done
  echo "fetch-kernel-headers: no downloadable linux-image/linux-headers pair for series $series" >&2
  return 1
}

ensure_lists
release=$(pick_release)
root=$kernels/$release
kdir=$root/usr/src/linux-headers-$release
marker=$root/.nlreply-headers-ok

# Two tiers (or two helpers) may fetch the same release at once: serialize on a lock next to the folder.
exec 9>"$kernels/$release.lock"
flock 9

if [[ ! -f $marker || ! -f $kdir/Makefile ]]; then
  # The arch headers package depends on its -common package and on the kbuild package (scripts, fixdep...).
  mapfile -t pkgs < <(apt-cache depends "linux-headers-$release" |
    awk '/Depends:/ {print $2}' | grep -E '^linux-(headers-.*-common|kbuild-)' | sort -u)
  pkgs+=("linux-headers-$release")
  (cd "$kernels/debs" && apt-get download "${pkgs[@]}" >&2)
  mkdir -p "$root"
  for pkg in "${pkgs[@]}"; do
    # apt-get download names files <name>_<version>_<arch>.deb; take the newest one of that name.
    deb=$(ls -1 "$kernels/debs/${pkg}"_*.deb | sort -V | tail -1)
    dpkg-deb -x "$deb" "$root"
  done
  touch "$marker"
fi

# The arch Makefile says `include /usr/src/linux-headers-<x>-common/Makefile`, an absolute path that does not
# exist outside an installed system: point it at the sibling folder. Checked on every run because a later
# unpack of the same package (by the lab) restores the original file.
if grep -q '^include /usr/src/' "$kdir/Makefile"; then
  sed -i 's|^include /usr/src/|include $(dir $(realpath $(lastword $(MAKEFILE_LIST))))../|' "$kdir/Makefile"
fi
if [[ ! -e $kdir/scripts/basic/fixdep && ! -e $kdir/scripts/Makefile.build ]]; then
  echo "fetch-kernel-headers: $kdir/scripts is incomplete (kbuild package missing?)" >&2
  exit 1
fi
echo "$kdir"
