#!/usr/bin/env bash
# `npm run test:e2e`: UI tests in a real VS Code (code-server + Debian chromium, both installed into the cache on
# first use). Builds the extension first; prints node:test spec output ("ℹ pass N" / "ℹ fail N").
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run --silent build
# The first install takes minutes; doing it here keeps it out of the tests' own timeouts.
timeout --foreground 1800 node --import tsx test/e2e/harness/install-main.ts
exec timeout --foreground 600 node --import tsx --test --test-reporter=spec --test-concurrency=1 test/e2e/*.test.ts
