#!/usr/bin/env bash
# `npm run test:e2e`: UI tests in a real VS Code (code-server + Debian chromium, both installed into the cache on
# first use). Builds the extension first; prints node:test spec output ("ℹ pass N" / "ℹ fail N").
set -euo pipefail
cd "$(dirname "$0")/../.."
# builder-send.test.ts sends through the lab VM.
source test/e2e/harness/prepare.sh
# workbench.test.ts in a run of its own, first: it empties test-results/screenshots when it starts and writes
# media/builder.png on NETLINK_UPDATE_MEDIA=1; node:test sorts the files of one run by name, which would put it
# after builder-send.test.ts (whose picture, builder-send.png, becomes media/builder.png). Both runs always run.
run_tests() { timeout --foreground 1200 node --import tsx --test --test-reporter=spec --test-concurrency=1 "$@"; }
others=()
for t in test/e2e/*.test.ts; do [[ $t == test/e2e/workbench.test.ts ]] || others+=("$t"); done
status=0
run_tests test/e2e/workbench.test.ts || status=1
if ((${#others[@]})); then run_tests "${others[@]}" || status=1; fi
exit $status
