// "Export as C Program" as a person uses it, in code-server + Chromium: the button under "Copy as" opens VS Code's
// save dialog, the file lands where the dialog was told and opens in an editor, and what was written builds
// warning-free and dumps this machine's links to NLMSG_DONE (the builder's default form, an RTM_GETLINK dump).
// Needs no target: nothing is sent from the builder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clickInView } from './harness/builder';
import { ensureAll } from './harness/install';
import { saveDialogAs } from './harness/saveDialog';
import { repoRoot, resultsRoot, runsRoot } from './harness/paths';
import { focusBuilder, openWorkbench, shotOnFailure, waitFor, type Workbench } from './harness/workbench';

const screenshots = join(resultsRoot, 'screenshots');
const outDir = join(runsRoot, 'builder-export-c-out');
const target = join(outDir, 'exported-link-dump.c');

describe('message builder: Export as C Program', () => {
  let wb: Workbench;

  before(
    async () => {
      mkdirSync(screenshots, { recursive: true });
      rmSync(outDir, { recursive: true, force: true });
      mkdirSync(outDir, { recursive: true });
      await ensureAll();
      wb = await openWorkbench({
        extensionPath: repoRoot,
        workspace: join(repoRoot, 'test', 'fixtures', 'e2e'),
        runName: 'builder-export-c',
      });
    },
    { timeout: 30 * 60_000 },
  );

  after(
    async () => {
      await wb?.close();
    },
    { timeout: 30_000 },
  );

  const shot = shotOnFailure(() => wb.page, screenshots);

  it(
    'the save dialog writes the program and opens it; it builds with -Werror and dumps the links to DONE',
    { timeout: 180_000 },
    shot('builder-export-c', async (page) => {
      const frame = await focusBuilder(page);
      await clickInView(frame.locator('[data-testid=export-c-button]'));
      // The suggested name comes from the request.
      await saveDialogAs(page, /\/rtm_getlink\.c$/, target);
      await waitFor('the exported file', 15_000, async () => existsSync(target));
      await page
        .locator('.tabs-container .tab', { hasText: 'exported-link-dump.c' })
        .waitFor({ state: 'visible', timeout: 15_000 });

      const text = readFileSync(target, 'utf8');
      assert.match(text, /\.nlmsg_flags = NLM_F_REQUEST \| NLM_F_DUMP,/);
      const binary = join(outDir, 'exported-link-dump');
      const cc = spawnSync('gcc', ['-Wall', '-Wextra', '-Werror', '-std=c11', '-o', binary, target], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(cc.status, 0, cc.stderr);
      const r = spawnSync(binary, [], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /type 16 \(RTM_NEWLINK\) flags 0x2 \(MULTI\)/);
      assert.match(r.stdout, /done: the dump is complete\ncomplete: \d+ replies\n$/);
    }),
  );
});
