# Sourced by the tiers that run code-server (test/e2e/run.sh, test/vscode/run.sh) from the repository root: builds
# the extension and the static helper (the lab VM they boot has no compiler), points the extension host at the
# lab tier's cache, and installs code-server and chromium (minutes the first time: here, not in a test's timeout).
npm run --silent build
npm run --silent build:native -- "$(uname -m)"
# code-server passes its environment on to the extension host: the extension's lab then boots from the cache the
# lab tier fills (kernel, headers, initramfs) instead of downloading into a fresh globalStorage.
export NETLINK_CACHE=${NETLINK_CACHE:-$PWD/.cache}
timeout --foreground 1800 node --import tsx test/e2e/harness/install-main.ts
