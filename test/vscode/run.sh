#!/usr/bin/env bash
# `npm run test:vscode`: in-host suites (the vscode API inside the extension host) in a real VS Code (code-server +
# Debian chromium, installed into the cache on first use). Prints "ℹ pass N" / "ℹ fail N" like node:test.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run --silent build
# The module-loop suite uses the lab VM, which has no compiler: the helper goes there as the static build.
npm run --silent build:native -- "$(uname -m)"
# code-server passes its environment on to the extension host: the extension's lab then boots from the cache the
# lab tier fills (kernel, headers, initramfs) instead of downloading into a fresh globalStorage.
export NETLINK_CACHE=${NETLINK_CACHE:-$PWD/.cache}
timeout --foreground 1800 node --import tsx test/e2e/harness/install-main.ts
exec timeout --foreground 1200 node --import tsx test/vscode/run-in-code-server.ts "$@"
