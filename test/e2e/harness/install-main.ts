// `node --import tsx test/e2e/harness/install-main.ts`: install code-server, Node 24 and chromium into the cache.
import { ensureAll } from './install';

ensureAll().catch((err: unknown) => {
  console.error(`e2e install failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
