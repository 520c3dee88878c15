// A live capture from the lab VM, as a person runs it in code-server + Chromium: "Netlink: Capture on Target"
// opens the viewer on a new captures/lab-<time>.pcap that it follows as the helper writes it; an RTM_GETLINK dump
// sent from the builder shows up in the viewer as it happens (the request, its replies, the DONE, one
// conversation); Stop ends the helper and the file stays with what came. One file, so the lab boots once; the
// tests are the steps of that session, in order.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { LAB_HOST_PACKAGES } from '../../extension/src/lab/hostPackages';
import { prepareKernel } from '../../extension/src/lab/kernel';
import { choose, clickInView } from './harness/builder';
import { builderBeside, frameWith, shownRows } from './harness/capture';
import { ensureAll, ensureAptPackages } from './harness/install';
import { repoRoot, resultsRoot, runsRoot } from './harness/paths';
import { openWorkbench, runCommand, shotOnFailure, waitFor, type Workbench } from './harness/workbench';

const screenshots = join(resultsRoot, 'screenshots');
const labCache = (process.env.NETLINK_CACHE ??= join(repoRoot, '.cache'));
const workspace = join(runsRoot, 'capture-live-workspace');
const SEQ = 4242;

describe('live capture from the lab', () => {
  let wb: Workbench;
  let viewer: Frame;

  before(
    async () => {
      mkdirSync(screenshots, { recursive: true });
      rmSync(workspace, { recursive: true, force: true });
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      writeFileSync(join(workspace, '.vscode', 'settings.json'), '{ "netlink.activeTarget": "lab" }\n');
      await ensureAll();
      await ensureAptPackages(LAB_HOST_PACKAGES);
      await prepareKernel({ cacheDir: labCache, log: (l) => console.log(`[lab] ${l}`), prefer: 'auto' });
      wb = await openWorkbench({ extensionPath: repoRoot, workspace, runName: 'capture-live' });
    },
    { timeout: 30 * 60_000 },
  );

  after(
    async () => {
      const page = wb?.page;
      if (page && (await page.locator('.statusbar-item', { hasText: 'lab: ready' }).count()) > 0) {
        await runCommand(page, 'Netlink: Stop Lab VM').catch(() => undefined);
        await page
          .locator('.statusbar-item', { hasText: 'lab: stopped' })
          .waitFor({ timeout: 30_000 })
          .catch(() => undefined);
      }
      await wb?.close();
    },
    { timeout: 60_000 },
  );

  const shot = shotOnFailure(() => wb.page, screenshots);

  it(
    'starts the lab and a capture on it: the viewer follows the new file',
    { timeout: 300_000 },
    shot('capture-live-start', async (page) => {
      await page.locator('.statusbar-item', { hasText: 'lab: stopped' }).waitFor({ timeout: 60_000 });
      // Right after the start the palette may not list the command yet: ask again.
      await waitFor('Netlink: Start Lab VM in the palette', 60_000, async () => {
        try {
          await runCommand(page, 'Netlink: Start Lab VM');
          return true;
        } catch {
          await page.keyboard.press('Escape');
          return false;
        }
      });
      await page.locator('.statusbar-item', { hasText: 'lab: ready' }).waitFor({ timeout: 180_000 });
      await runCommand(page, 'Netlink: Capture on Target');
      viewer = await frameWith(page, '[data-testid=capture-root]', 'the capture viewer');
      await waitFor('the live status', 60_000, async () =>
        /following the capture \(live\)/.test(await viewer.locator('[data-testid=capture-status]').innerText()),
      );
      assert.equal(await viewer.locator('[data-testid=capture-stop]').isVisible(), true);
    }),
  );

  it(
    'shows an RTM_GETLINK dump sent from the builder as it happens, as one conversation',
    { timeout: 180_000 },
    shot('capture-live-rows', async (page) => {
      // Two webviews of this extension are open: the builder is the one with the form.
      await runCommand(page, 'Netlink: Focus on Message Builder View');
      const builder = await builderBeside(page);
      await builder.locator('[data-testid=target-name]', { hasText: 'Target: lab' }).waitFor({ timeout: 30_000 });
      await choose(builder, 'protocol-select', 'route (0): rtnetlink', '0');
      await choose(builder, 'message-type', 'RTM_GETLINK', 'RTM_GETLINK');
      await builder.locator('[data-testid=seq] input').fill(String(SEQ));
      await clickInView(builder.locator('[data-testid=send-button]'));
      await builder.locator('[data-testid=send-status]', { hasText: /repl/ }).waitFor({ timeout: 30_000 });

      await viewer.locator('[data-testid=capture-filter]').fill(`seq:${SEQ}`);
      let rows: string[][] = [];
      await waitFor(
        'the dump in the viewer',
        60_000,
        async () => {
          rows = (await shownRows(viewer)).map((r) => r.cells);
          return rows.some((r) => r[5] === 'NLMSG_DONE');
        },
        () => JSON.stringify(rows),
      );
      assert.equal(rows[0]![5], 'RTM_GETLINK');
      assert.equal(rows[0]![2], 'user → kernel');
      assert.match(rows[0]![11]!, /request · \d+ replies/);
      assert.ok(
        rows.slice(1, -1).every((r) => r[5] === 'RTM_NEWLINK' && r[2] === 'kernel → user'),
        JSON.stringify(rows),
      );
      assert.match(rows.at(-1)![11]!, /done/);
      await page.screenshot({ path: join(screenshots, 'capture-live.png') });
    }),
  );

  it(
    'Stop ends the helper and keeps the file',
    { timeout: 60_000 },
    shot('capture-live-stop', async () => {
      await viewer.locator('[data-testid=capture-stop]').click();
      await waitFor(
        'the viewer to stop following',
        30_000,
        async () => !/\(live\)/.test(await viewer.locator('[data-testid=capture-status]').innerText()),
      );
      const files = readdirSync(join(workspace, 'captures'));
      assert.equal(files.length, 1);
      assert.match(files[0]!, /^lab-\d{8}-\d{6}\.pcap$/);
      assert.ok(statSync(join(workspace, 'captures', files[0]!)).size > 24 + 3 * 32);
    }),
  );
});
