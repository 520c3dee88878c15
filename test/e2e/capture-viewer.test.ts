// The capture viewer as a person uses it, in code-server + Chromium: a pcap of real kernel exchanges (this
// machine's replies in test/fixtures, written with the codec's pcap writer, its tail cut off) opens in the viewer,
// the rows show names, directions and conversations, the cut tail is a problem row, the filter narrows the rows,
// a selected message shows its decoded tree and bytes with the field <-> byte highlight, and "Open in Builder"
// puts its bytes into the message builder. Needs no target.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtureCapture } from '../support/capture-fixtures';
import { frameWith, openCaptureFile, shownRows, type Scope } from './harness/capture';
import { ensureAll } from './harness/install';
import { repoRoot, resultsRoot, runsRoot } from './harness/paths';
import { netlinkReady, openWorkbench, shotOnFailure, waitFor, type Workbench } from './harness/workbench';
import { loadFixture } from '../fixtures/load';
import { toHex } from '../../extension/src/netlink/index';

const screenshots = join(resultsRoot, 'screenshots');
const workspace = join(runsRoot, 'capture-viewer-workspace');
const CUT = 10;

/** The hex view's bytes as contiguous hex (rows are an offset, then the bytes). */
async function hexOf(scope: Scope): Promise<string> {
  const text = await scope.locator('[data-testid=hex-view]').innerText({ timeout: 30_000 });
  return text
    .split('\n')
    .map((row) => row.trim().slice(4).replace(/\s+/g, ''))
    .join('');
}

describe('capture viewer UI', () => {
  let wb: Workbench;
  let frame: Scope;

  before(
    async () => {
      mkdirSync(screenshots, { recursive: true });
      mkdirSync(workspace, { recursive: true });
      const bytes = fixtureCapture();
      writeFileSync(join(workspace, 'real-traffic.pcap'), bytes.subarray(0, bytes.length - CUT));
      await ensureAll();
      wb = await openWorkbench({ extensionPath: repoRoot, workspace, runName: 'capture-viewer' });
    },
    { timeout: 30 * 60_000 },
  );

  after(async () => wb?.close(), { timeout: 30_000 });

  const shot = shotOnFailure(() => wb.page, screenshots);

  it(
    'opens a pcap: rows with names, directions and conversations; the cut tail is a problem row',
    { timeout: 180_000 },
    shot('capture-open', async (page) => {
      await netlinkReady(page);
      frame = await openCaptureFile(page, 'real-traffic.pcap');
      await frame.locator('[data-testid=capture-status][data-indexed=true]').waitFor({ timeout: 60_000 });
      assert.match(
        await frame.locator('[data-testid=capture-status]').innerText(),
        /pcap 33 rows · 1 problem · indexed/,
      );
      await frame.locator('[data-testid=capture-row-0]').waitFor();
      const rows = await shownRows(frame);
      const first = rows.find((r) => r.row === 0)!.cells;
      assert.deepEqual(first.slice(2, 9), [
        'user → kernel',
        'route (0)',
        'rtnetlink',
        'RTM_GETLINK',
        'NLM_F_REQUEST|NLM_F_DUMP',
        first[7],
        '0',
      ]);
      assert.match(first[11]!, /^#0 request · 5 replies · [\d.]+ ms$/);
      const done = rows.find((r) => r.row === 5)!.cells;
      assert.equal(done[5], 'NLMSG_DONE');
      assert.match(done[11]!, /^#0 done/);
      assert.equal(rows.find((r) => r.row === 7)!.cells[10], 'ENOENT');
    }),
  );

  it(
    'folds the link dump to its request row and unfolds it again',
    { timeout: 120_000 },
    shot('capture-fold', async () => {
      const toggle = frame.locator('[data-testid=capture-fold-0]');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      // The group: the request (row 0), its parts and the DONE (row 5) are marked as one.
      const members = await frame.locator('[data-testid=capture-table] .cap-row.in-group').count();
      assert.ok(members >= 5, `${members} rows in groups`);
      await toggle.click();
      await waitFor('the folded view', 20_000, async () => {
        const rows = (await shownRows(frame)).map((r) => r.row);
        return rows[0] === 0 && rows[1] === 6;
      });
      assert.match(await frame.locator('[data-testid=capture-status]').innerText(), /28 of 33 rows/);
      const head = (await shownRows(frame)).find((r) => r.row === 0)!;
      assert.match(head.cells[11]!, /^#0 request · 5 replies · .* · folded: 5 rows$/);
      assert.equal(await frame.locator('[data-testid=capture-fold-0]').getAttribute('aria-expanded'), 'false');
      await frame.locator('[data-testid=capture-fold-0]').click();
      await waitFor(
        'the unfolded view',
        20_000,
        async () =>
          (await shownRows(frame))
            .map((r) => r.row)
            .slice(0, 7)
            .join() === '0,1,2,3,4,5,6',
      );
      assert.match(await frame.locator('[data-testid=capture-status]').innerText(), /pcap 33 rows/);
      // By keyboard: on the selected first row, Left folds the group and Right unfolds it.
      await frame.locator('[data-testid=capture-row-0] .c-type').click();
      const table = frame.locator('[data-testid=capture-table]');
      await table.press('ArrowLeft');
      await waitFor('folded by keyboard', 20_000, async () => (await shownRows(frame))[1]?.row === 6);
      await table.press('ArrowRight');
      await waitFor('unfolded by keyboard', 20_000, async () => (await shownRows(frame))[1]?.row === 1);
    }),
  );

  it(
    'filters, selects a row, shows its decoded tree and bytes linked both ways',
    { timeout: 120_000 },
    shot('capture-filter', async () => {
      await frame.locator('[data-testid=capture-filter]').fill('error');
      await waitFor(
        'the filtered rows',
        20_000,
        async () => (await shownRows(frame)).map((r) => r.row).join() === '7,9,32',
      );
      const rows = await shownRows(frame);
      assert.equal(rows[2]!.cells[5], 'problem');
      assert.match(rows[2]!.cells[11]!, /truncated/);
      assert.match(await frame.locator('[data-testid=capture-status]').innerText(), /3 of 33 rows/);
      await frame.locator('[data-testid=capture-row-9]').click();
      const detail = frame.locator('[data-testid=capture-detail]');
      // Row 0 was selected by the fold test, so its decoded tree is already shown: wait for row 9's.
      await detail.locator('[data-testid=capture-decoded]', { hasText: 'NLMSG_DONE' }).waitFor({ timeout: 20_000 });
      assert.match(
        await detail.locator('[data-testid=extack-message]').innerText(),
        /ext-ack: ipv4: Invalid values in header for address dump request/,
      );
      assert.match(await detail.locator('[data-testid=capture-conversation]').innerText(), /error · ext-ack/);
      // Bytes: the message as captured.
      const f = loadFixture('rtm-getaddr-strict-refused');
      assert.equal(await hexOf(frame), toHex(f.buffers[0]!));
    }),
  );

  it(
    "highlights a field's bytes and opens a message in the builder",
    { timeout: 120_000 },
    shot('capture-open-in-builder', async (page) => {
      await frame.locator('[data-testid=capture-filter]').fill('type:RTM_NEWLINK proto:route');
      await waitFor(
        'the RTM_NEWLINK rows',
        20_000,
        async () => (await shownRows(frame)).map((r) => r.row).join() === '1,2,3,4,10',
      );
      await frame.locator('[data-testid=capture-row-1]').click();
      await frame.locator('[data-testid=capture-decoded]', { hasText: 'IFLA_IFNAME' }).waitFor();
      // Tree -> bytes: an attribute's link highlights its bytes; bytes -> tree: a byte names its field.
      const detail = frame.locator('[data-testid=capture-detail]');
      const link = detail.locator('.offset-link').nth(2);
      const offset = Number(await link.getAttribute('data-offset'));
      await link.click();
      assert.equal(
        await frame
          .locator(`[data-testid=byte-${offset}]`)
          .getAttribute('class')
          .then((c) => /\bhl\b/.test(c ?? '')),
        true,
      );
      await frame.locator('[data-testid=byte-2]').click();
      assert.match(await frame.locator('[data-testid=hex-status]').innerText(), /nlmsghdr nlmsg_len/);
      const picture = join(screenshots, 'capture-viewer.png');
      await page.screenshot({ path: picture });
      // README's picture of the viewer.
      if (process.env.NETLINK_UPDATE_MEDIA === '1')
        copyFileSync(picture, join(repoRoot, 'media', 'capture-viewer.png'));
      await frame.locator('[data-testid=capture-row-10]').click();
      await frame.locator('[data-testid=capture-decoded]', { hasText: 'NLM_F_ACK' }).waitFor();
      await frame.locator('[data-testid=capture-open-builder]').click();
      const builder = await frameWith(page, '[data-testid=builder-root]', 'the message builder');
      const request = loadFixture('rtm-newlink-ack').request;
      await waitFor('the message in the builder', 60_000, async () => (await hexOf(builder)) === toHex(request));
    }),
  );
});
