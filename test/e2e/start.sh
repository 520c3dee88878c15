#!/usr/bin/env bash
# `npm start`: build, then run the extension in code-server (and the lab VM) until Ctrl-C. See test/e2e/start.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run --silent build
exec node --import tsx test/e2e/start.ts
