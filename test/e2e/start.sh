#!/usr/bin/env bash
# `npm start`: build, then run the extension in code-server (and the lab VM) until Ctrl-C. See test/e2e/start.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run --silent build
# The lab target has no compiler: the helper goes there as a static binary.
npm run --silent build:native -- "$(uname -m)"
exec node --import tsx test/e2e/start.ts
