#!/usr/bin/env bash
# `npm run test:vscode`: in-host suites (the vscode API inside the extension host) in a real VS Code (code-server +
# Debian chromium, installed into the cache on first use). Prints "ℹ pass N" / "ℹ fail N" like node:test.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run --silent build
timeout --foreground 1800 node --import tsx test/e2e/harness/install-main.ts
exec timeout --foreground 600 node --import tsx test/vscode/run-in-code-server.ts "$@"
