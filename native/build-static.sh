#!/usr/bin/env bash
# Builds the static nlhelper for every architecture the VSIX ships, into dist/native/<arch>/nlhelper: what the
# target layer uploads to a target without a C compiler (extension/src/target/deploy.ts). Meant for
# `npm run build:native`; test/ssh/run.sh and npm start call it too. Linked statically against musl, not glibc
# (~130 KB a binary instead of ~800 KB: the VSIX stays under 1 MB). Needs gcc, make, musl-tools, linux-libc-dev and,
# for the other architecture, Debian's cross gcc + its linux-libc-dev cross package (installed when missing and
# running as root) and that architecture's musl-dev, fetched by tools/build/musl-cross.ts with the lab's private
# apt state into ${NETLINK_CACHE:-.cache}/musl/. Fallback when that .deb cannot be had (offline, no cache): the
# cross build links static glibc instead (libc6-dev-<arch>-cross), works the same, ~5x larger; it says so.
#   bash native/build-static.sh            # every shipped architecture
#   bash native/build-static.sh x86_64     # only those named
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
need=()
have_cmd gcc || need+=(gcc)
have_cmd make || need+=(make)
have_cmd musl-gcc || need+=(musl-tools)
have_pkg linux-libc-dev || need+=(linux-libc-dev)
arches=("$@")
((${#arches[@]})) || arches=(x86_64 aarch64)
for a in "${arches[@]}"; do
  case $a in
    x86_64)
      [[ $(uname -m) == x86_64 ]] && continue
      have_cmd x86_64-linux-gnu-gcc || need+=(gcc-x86-64-linux-gnu)
      have_pkg libc6-dev-amd64-cross || need+=(libc6-dev-amd64-cross)
      have_pkg linux-libc-dev-amd64-cross || need+=(linux-libc-dev-amd64-cross)
      ;;
    aarch64)
      [[ $(uname -m) == aarch64 ]] && continue
      have_cmd aarch64-linux-gnu-gcc || need+=(gcc-aarch64-linux-gnu)
      have_pkg libc6-dev-arm64-cross || need+=(libc6-dev-arm64-cross)
      have_pkg linux-libc-dev-arm64-cross || need+=(linux-libc-dev-arm64-cross)
      ;;
    *) echo "build-static: unknown architecture $a (known: x86_64 aarch64)" >&2; exit 2 ;;
  esac
done
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "build-static: missing ${need[*]} (install them: apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "build-static: installing ${need[*]}"
  timeout 600 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
build() { # arch CC [make variables...]
  local arch=$1 cc=$2 out="$repo/native/build/dist-$1"
  shift 2
  # make tracks sources, not the compiler or the Makefile: a folder built by another compiler or flags (static glibc before musl,
  # say) is emptied first, or its objects would be linked as they are.
  local stamp
  stamp="$cc $* $(sha1sum <"$repo/native/Makefile")"
  if [[ -d $out && $(cat "$out/.built-with" 2>/dev/null) != "$stamp" ]]; then rm -rf "$out"; fi
  mkdir -p "$out"
  printf '%s\n' "$stamp" >"$out/.built-with"
  # Own OUT folder: never races test:native's builds of native/build/static.
  timeout 600 make -C "$repo/native" -s -j"$jobs" STATIC=1 CC="$cc" OUT="$out" LDFLAGS=-s "$@"
  mkdir -p "$repo/dist/native/$arch"
  cp -f "$out/nlhelper" "$repo/dist/native/$arch/nlhelper.tmp"
  mv -f "$repo/dist/native/$arch/nlhelper.tmp" "$repo/dist/native/$arch/nlhelper"
  echo "build-static: dist/native/$arch/nlhelper ($(stat -c %s "$repo/dist/native/$arch/nlhelper") bytes)"
}
cross() { # arch debArch: Debian's cross gcc with that architecture's musl, or static glibc when it cannot be had
  local arch=$1 deb=$2 specs
  local uapi=(UAPI_DIR="/usr/$arch-linux-gnu/include" UAPI_ARCH_DIR="/usr/$arch-linux-gnu/include")
  if specs=$(cd "$repo" && timeout 900 node --import tsx tools/build/musl-cross.ts "$deb"); then
    build "$arch" "$arch-linux-gnu-gcc -specs $specs" "${uapi[@]}"
  else
    echo "build-static: no musl-dev:$deb (see above): dist/native/$arch/nlhelper is linked against static glibc" >&2
    # The Makefile's uapi folders stay, after glibc's own include path (which has the same headers).
    build "$arch" "$arch-linux-gnu-gcc" "${uapi[@]}"
  fi
}
for a in "${arches[@]}"; do
  case $a in
    # Debian's musl-gcc for this machine's architecture, the cross gcc with musl's specs for the other.
    x86_64) if [[ $(uname -m) == x86_64 ]]; then build x86_64 musl-gcc; else cross x86_64 amd64; fi ;;
    aarch64) if [[ $(uname -m) == aarch64 ]]; then build aarch64 musl-gcc; else cross aarch64 arm64; fi ;;
  esac
done
