#!/usr/bin/env bash
# Lab tier: boots the QEMU lab VM (a real Debian kernel) and tests the nlreply module and nlhelper inside it, and
# boots an aarch64 lab (Debian's arm64 kernel under TCG) to run the cross-built static aarch64 helper there and
# load nlreply cross-built for it (gcc-aarch64-linux-gnu).
#   bash test/lab/run.sh            (npm run test:lab)
# Installs the Debian packages it needs, fetches and unpacks the lab kernel and its headers into
# ${NETLINK_CACHE:-<repo>/.cache}/kernels/, builds the module against those headers and the static helpers
# (x86_64 for the guest, aarch64 with Debian's cross gcc into dist/native/aarch64/), and fetches Debian's 6.12
# kernel for kernel-6.12.test.ts. The arm64 kernel and guest programs, and its headers for the module's cross
# build, are downloaded by the aarch64 test itself: arm64 packages through a private apt state in
# ${NETLINK_CACHE}/apt-arm64/, this machine's linux-kbuild through its own apt.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export NETLINK_CACHE=${NETLINK_CACHE:-$repo/.cache}
cd "$repo"

packages=(qemu-system-x86 qemu-system-arm busybox-static dropbear-bin cpio openssh-client openssh-sftp-server xz-utils
  binutils gcc make libc6-dev linux-libc-dev gcc-aarch64-linux-gnu)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "lab tier: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq
  timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for need in kmod/Kbuild kmod/nlreply.c native/Makefile; do
  if [[ ! -e $need ]]; then
    echo "lab tier: $need is missing: the module and the helper are built from kmod/ and native/" >&2
    exit 1
  fi
done

# The kernel the lab boots (downloaded and unpacked once), and where its headers are.
info=$(timeout 900 node --import tsx extension/src/lab/main.ts --kernel-info)
release=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).release)' "$info")
headers=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).headersDir)' "$info")
echo "lab tier: kernel $release, headers $headers" >&2

# Debian's 6.12 for kernel-6.12.test.ts (netdev, which 6.1 lacks): fetched through apt and unpacked once, like
# `exercise run --lab 6.12`. Only the static helper goes into that guest, so nothing is built for it.
NETLINK_LAB_KERNEL=debian NETLINK_LAB_SERIES=6.12 timeout 900 node --import tsx extension/src/lab/main.ts \
  --kernel-info >/dev/null

# The module is built in a copy per kernel release: kmod/ itself may hold a build for another kernel.
kbuild=$NETLINK_CACHE/lab/build/kmod-$release
mkdir -p "$kbuild"
cp kmod/Kbuild kmod/Makefile kmod/*.c "$kbuild/"
if compgen -G 'kmod/*.h' >/dev/null; then cp kmod/*.h "$kbuild/"; fi
timeout 300 make -s -C "$kbuild" KDIR="$headers" >&2
timeout 300 make -s -C native STATIC=1 >&2
# The static helpers the target layer deploys into a guest without a compiler: aarch64 for the aarch64 test
# (installs gcc-aarch64-linux-gnu and its libc when missing), both for `exercise run --lab` (exercise-cli.test.ts).
timeout 900 bash native/build-static.sh >&2
# dist/cli.js, which exercise-cli.test.ts runs as CI does.
timeout 300 node esbuild.mjs >&2

# The kernel's YNL specs (family-policy and builder-ops read them); a no-op once cached.
bash test/fixtures/ynl/fetch-specs.sh >/dev/null

export NETLINK_LAB_NLREPLY_KO=$kbuild/nlreply.ko
export NETLINK_LAB_NLHELPER=$repo/native/build/static/nlhelper
exec node --import tsx --test --test-reporter=spec --test-concurrency=1 test/lab/*.test.ts
