// An overrun in a capture, end to end in the viewer (code-server + Chromium): a pcapng of a real link dump of this
// machine's kernel (test/fixtures) with, between two of its parts, the interface statistics block nlhelper
// monitor writes when the socket overran (opt_comment "overrun: ...", isb_ifdrop). The viewer shows the overrun as a
// row of its own in file order, with its text and drop count, selecting it shows it in the detail pane, and the
// dump it cut into is flagged as having lost messages. Needs no target.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PcapngBuilder, textOption, u64Option } from '../support/capture-build';
import { loadFixture } from '../fixtures/load';
import { openCaptureFile, shownRows, type Scope } from './harness/capture';
import { ensureAll } from './harness/install';
import { repoRoot, resultsRoot, runsRoot } from './harness/paths';
import { netlinkReady, openWorkbench, shotOnFailure, type Workbench } from './harness/workbench';

const screenshots = join(resultsRoot, 'screenshots');
const workspace = join(runsRoot, 'capture-overrun-workspace');
const LINKTYPE_NETLINK = 253;
const OVERRUN = 'overrun: ENOBUFS, multicast events lost';

/** The link dump's request and its recv() buffers, with the overrun block after the first `before` buffers. */
function overrunCapture(before: number): { bytes: Uint8Array; buffers: number } {
  const f = loadFixture('rtm-getlink-dump');
  const b = new PcapngBuilder().shb().idb(LINKTYPE_NETLINK);
  let t = 1_765_000_000;
  b.epb(0, LINKTYPE_NETLINK, { time: t, protocol: f.protocol, bytes: f.request });
  f.buffers.forEach((bytes, i) => {
    t += 0.001;
    if (i === before) b.isb(0, t, [textOption(1, OVERRUN), u64Option(5, 17, true)]);
    b.epb(0, LINKTYPE_NETLINK, { time: t, protocol: f.protocol, bytes });
  });
  return { bytes: b.bytes(), buffers: f.buffers.length };
}

describe('capture viewer: an overrun', () => {
  let wb: Workbench;
  let frame: Scope;

  before(
    async () => {
      mkdirSync(screenshots, { recursive: true });
      mkdirSync(workspace, { recursive: true });
      writeFileSync(join(workspace, 'overrun.pcapng'), overrunCapture(1).bytes);
      await ensureAll();
      wb = await openWorkbench({ extensionPath: repoRoot, workspace, runName: 'capture-overrun' });
    },
    { timeout: 30 * 60_000 },
  );

  after(async () => wb?.close(), { timeout: 30_000 });

  const shot = shotOnFailure(() => wb.page, screenshots);

  it(
    'shows the overrun as a row in file order, its text and drops in the detail, and flags the dump as lossy',
    { timeout: 180_000 },
    shot('capture-overrun', async (page) => {
      await netlinkReady(page);
      frame = await openCaptureFile(page, 'overrun.pcapng');
      await frame.locator('[data-testid=capture-status][data-indexed=true]').waitFor({ timeout: 60_000 });
      assert.match(await frame.locator('[data-testid=capture-status]').innerText(), /^pcapng \d+ rows · 0 problems/);
      await frame.locator('[data-testid=capture-row-0]').waitFor();
      const rows = await shownRows(frame);
      // The request, the first part, then the overrun, then the rest of the dump.
      const markers = rows.filter((r) => r.cells[5] === 'marker');
      assert.equal(markers.length, 1, `one marker row: ${JSON.stringify(rows.map((r) => r.cells[5]))}`);
      const marker = markers[0]!;
      const before = rows.filter((r) => r.row < marker.row);
      assert.ok(before.length >= 2, 'the request and the first part come before the overrun');
      assert.equal(marker.cells[11], `${OVERRUN} (17 dropped)`);
      assert.equal(rows.find((r) => r.row === 0)!.cells[5], 'RTM_GETLINK');
      // The dump was open when the socket overran: its rows say it may have lost messages.
      assert.match(rows.find((r) => r.row === 0)!.cells[11]!, /^#0 request · \d+ replies · .*lost/);
      const after = rows.filter((r) => r.row > marker.row);
      assert.ok(after.length > 0 && after.every((r) => r.cells[5] !== 'marker'));
      assert.equal(after[after.length - 1]!.cells[5], 'NLMSG_DONE');
      // Selected, the overrun shows what it is in the detail pane, not a decode.
      await frame.locator(`[data-testid=capture-row-${marker.row}]`).click();
      const problem = frame.locator('[data-testid=capture-detail] [data-testid=capture-problem]');
      await problem.waitFor({ timeout: 30_000 });
      assert.match(await problem.innerText(), new RegExp(`^marker at offset \\d+: ${OVERRUN} \\(17 dropped\\)$`));
    }),
  );
});
