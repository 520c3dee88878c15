#!/usr/bin/env bash
# npm run test:native — nlhelper against this machine's kernel, its ASan/UBSan and static builds, its fuzz
# target, the nlreply module built against Debian's 6.1 and 6.12 headers, our captures read by tshark, and the
# lint's Coccinelle scripts run by spatch.
# Installs what is missing, idempotent; downloads are cached in ${NETLINK_CACHE:-$REPO/.cache}.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
export NETLINK_CACHE=${NETLINK_CACHE:-$repo/.cache}
mkdir -p "$NETLINK_CACHE"

# --- Debian packages, only when missing -------------------------------------------------------------------
need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
have_cmd gcc || need+=(gcc)
have_cmd gcc-12 || need+=(gcc-12)         # the compiler Debian's bookworm kernels were built with (their CC)
have_cmd make || need+=(make)
have_pkg libc6-dev || need+=(libc6-dev)
have_pkg linux-libc-dev || need+=(linux-libc-dev)
have_cmd musl-gcc || need+=(musl-tools)   # the static build (make STATIC=1) is against musl
have_cmd clang || need+=(clang)
have_cmd pahole || need+=(dwarves)        # 6.12 headers ship vmlinux, so kbuild generates module BTF
have_cmd objcopy || need+=(binutils)
have_cmd perl || need+=(perl)
have_cmd xz || need+=(xz-utils)
have_cmd ip || need+=(iproute2)
have_cmd flock || need+=(util-linux)
have_cmd tshark || need+=(tshark)       # the second reader of our pcap/pcapng captures
have_cmd spatch || need+=(coccinelle)  # runs lint/cocci/*.cocci, held to the TypeScript lint
have_pkg python3-yaml || need+=(python3-yaml)  # what the kernel's YNL generator imports
have_pkg python3-jsonschema || need+=(python3-jsonschema)
# libFuzzer's runtime comes with clang's compiler-rt package, named after clang's major version.
fuzzer_ok() {
  have_cmd clang && [[ -f $(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a ]]
}
if ! fuzzer_ok; then
  if have_cmd clang; then
    need+=("libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev")
  else
    need+=(libclang-rt-14-dev)
  fi
fi
if ((${#need[@]})); then
  echo "test:native: installing ${need[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi
if [[ ! -x node_modules/.bin/tsx ]]; then
  echo "test:native: node_modules is missing (run npm ci first)" >&2
  exit 1
fi

# --- Kernel headers and checkpatch: fetched in the background while the helper builds ---------------------
# The fetch scripts read apt's package lists; fill them once here rather than racing for apt's lock there.
# (wc reads to the end: grep -q would stop early and, under pipefail, turn SIGPIPE into "no lists")
if [[ $(apt-cache pkgnames linux-headers- 2>/dev/null | wc -l) -eq 0 ]]; then
  apt-get update
fi
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
bash test/native/fetch-kernel-headers.sh 6.1 >"$logs/kdir-6.1" 2>"$logs/fetch-6.1.log" &
fetch_61=$!
bash test/native/fetch-kernel-headers.sh 6.12 >"$logs/kdir-6.12" 2>"$logs/fetch-6.12.log" &
fetch_612=$!
bash test/native/fetch-checkpatch.sh >"$logs/checkpatch" 2>"$logs/fetch-checkpatch.log" &
fetch_cp=$!

# --- nlhelper: every variant -----------------------------------------------------------------------------
jobs=$(nproc 2>/dev/null || echo 2)
make -C native -j"$jobs" -s
make -C native -j"$jobs" -s DEBUG=1
make -C native -j"$jobs" -s STATIC=1
make -C native -s fuzz

wait_fetch() { # pid name: fail with its log when the fetch failed
  if ! wait "$1"; then
    echo "test:native: fetching $2 failed:" >&2
    cat "$logs/fetch-$2.log" >&2
    exit 1
  fi
}
wait_fetch "$fetch_61" 6.1
wait_fetch "$fetch_612" 6.12
wait_fetch "$fetch_cp" checkpatch
NLREPLY_KDIR_6_1=$(tail -1 "$logs/kdir-6.1")
NLREPLY_KDIR_6_12=$(tail -1 "$logs/kdir-6.12")
NLREPLY_CHECKPATCH=$(tail -1 "$logs/checkpatch")
export NLREPLY_KDIR_6_1 NLREPLY_KDIR_6_12 NLREPLY_CHECKPATCH
# The kernel's YNL specs (builder-ops-host.test.ts builds netdev requests from them); a no-op once cached.
bash test/fixtures/ynl/fetch-specs.sh >/dev/null

node --import tsx --test --test-reporter=spec test/native/*.test.ts
