# Sourced by the tiers that run code-server (test/e2e/run.sh, test/vscode/run.sh) from the repository root: builds
# the extension and the static helper (the lab VM they boot has no compiler), points the extension host at the
# lab tier's cache, and installs code-server and chromium (minutes the first time: here, not in a test's timeout).
npm run --silent build
npm run --silent build:native -- "$(uname -m)"
# code-server passes its environment on to the extension host: the extension's lab then boots from the cache the
# lab tier fills (kernel, headers, initramfs) instead of downloading into a fresh globalStorage.
export NETLINK_CACHE=${NETLINK_CACHE:-$PWD/.cache}
# Build Module runs the kernel's YNL generator with the system's python3 (code-server's throwaway HOME hides any
# per-user Python): the Debian packages of the modules it imports (the module-loop suite's genl steps).
for ynl_pkg in python3-yaml python3-jsonschema; do
  if ! dpkg-query -W -f='${Status}' "$ynl_pkg" 2>/dev/null | grep -q 'install ok installed'; then
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y --no-install-recommends "$ynl_pkg"
  fi
done
unset ynl_pkg
timeout --foreground 1800 node --import tsx test/e2e/harness/install-main.ts
