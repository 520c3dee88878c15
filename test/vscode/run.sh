#!/usr/bin/env bash
# `npm run test:vscode`: in-host suites (the vscode API inside the extension host) in a real VS Code (code-server +
# Debian chromium, installed into the cache on first use). Prints "ℹ pass N" / "ℹ fail N" like node:test.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The module-loop suite uses the lab VM.
source test/e2e/harness/prepare.sh
exec timeout --foreground 1200 node --import tsx test/vscode/run-in-code-server.ts "$@"
