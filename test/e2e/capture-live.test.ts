// A live capture from the lab VM, as a person runs it in code-server + Chromium: "Netlink: Capture on Target"
// opens the viewer on a new captures/lab-<time>.pcap that it follows as the helper writes it; an RTM_GETLINK dump
// sent from the builder shows up in the viewer as it happens (the request, its replies, the DONE, one
// conversation); Stop ends the helper and the file stays with what came. Then "Netlink: Monitor Multicast" on
// rtnetlink's RTNLGRP_LINK, picked by name, follows a new .pcapng: a dummy link the builder creates and deletes
// shows up as the kernel's RTM_NEWLINK and RTM_DELLINK events naming it; Stop ends that helper too (its socket
// leaves the Netlink Sockets view) and the file keeps the events. One file, so the lab boots once; the tests are
// the steps of that session, in order.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { LAB_HOST_PACKAGES } from '../../extension/src/lab/hostPackages';
import { prepareKernel } from '../../extension/src/lab/kernel';
import {
  IFLA_IFNAME,
  IFLA_INFO_KIND,
  IFLA_LINKINFO,
  NLA_F_NESTED,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_EXCL,
  NLM_F_REQUEST,
  RTM_NEWLINK,
} from '../support/netlink-bytes';
import { choose, clickInView, cstr, nlattr, nlmsg, u16, u32, u8 } from './harness/builder';
import { builderBeside, frameWith, shownRows } from './harness/capture';
import { ensureAll, ensureAptPackages } from './harness/install';
import { repoRoot, resultsRoot, runsRoot } from './harness/paths';
import {
  builderBytes,
  openCommandPick,
  openWorkbench,
  runCommand,
  shotOnFailure,
  toastText,
  waitFor,
  type Workbench,
} from './harness/workbench';

const screenshots = join(resultsRoot, 'screenshots');
const labCache = (process.env.NETLINK_CACHE ??= join(repoRoot, '.cache'));
const workspace = join(runsRoot, 'capture-live-workspace');
const SEQ = 4242;
/** The dummy link the builder makes while the monitor runs (15 bytes at most: IFNAMSIZ). */
const LINK = 'nlwbmon0';
const LINK_SEQ = 4343;
/** struct ifinfomsg, all zero: a new link, no index asked for. */
const EMPTY_IFINFOMSG = `${u8(0)}${u8(0)}${u16(0)}${u32(0)}${u32(0)}${u32(0)}`;
/** The pcapng Section Header Block's type, as the file's first four bytes. */
const PCAPNG_SHB = '0a0d0d0a';

/** The quick input's title, once it reads `title` (the monitor asks its questions one after another). */
async function quickInputTitled(page: Page, title: RegExp): Promise<void> {
  let seen = '';
  await waitFor(
    `the quick input titled ${title}`,
    10_000,
    async () => title.test((seen = await page.locator('.quick-input-widget .quick-input-title').innerText())),
    () => seen,
  );
}

/** The capture viewer webview that is not `other` (the monitor's, opened beside the capture's). */
async function otherViewer(page: Page, other: Frame): Promise<Frame> {
  let found: Frame | undefined;
  await waitFor("the monitor's capture viewer", 60_000, async () => {
    for (const f of page.frames())
      if (
        f !== other &&
        !f.isDetached() &&
        (await f
          .locator('[data-testid=capture-root]')
          .count()
          .catch(() => 0)) > 0
      )
        found = f;
    return found !== undefined;
  });
  return found!;
}

/** A Netlink Sockets row of the monitor: "port N", described "<pid> nlhelper · groups 1". */
const MONITOR_SOCKET = /^port \d+ — \d+ nlhelper · groups 1$/;

/**
 * "Netlink: Refresh Netlink Sockets", then the route protocol's row count ("N sockets") and its socket rows' text,
 * once the count is `count` (a number that differs from the last refresh's tells this refresh's rows from those).
 * The builder's pane is folded first so the sockets view has the side bar's height (its tree renders only the
 * rows on screen).
 */
async function routeSockets(page: Page, count: number | undefined): Promise<{ count: number; sockets: string[] }> {
  const builderHeader = page.locator('.pane-header[aria-expanded="true"]', { hasText: 'Message Builder' });
  if ((await builderHeader.count()) > 0) await builderHeader.click();
  await runCommand(page, 'Netlink: Refresh Netlink Sockets');
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Netlink Sockets' }) });
  const read = (): Promise<{ text: string; level: string | null; expanded: string | null }[]> =>
    pane.locator('.monaco-list-row').evaluateAll((rows) =>
      rows.map((r) => ({
        text: `${r.querySelector('.label-name')?.textContent ?? ''} — ${r.querySelector('.label-description')?.textContent ?? ''}`,
        level: r.getAttribute('aria-level'),
        expanded: r.getAttribute('aria-expanded'),
      })),
    );
  let seen: Awaited<ReturnType<typeof read>> = [];
  let result: { count: number; sockets: string[] } | undefined;
  await waitFor(
    `the route sockets${count === undefined ? '' : ` (${count})`} in the Netlink Sockets view`,
    30_000,
    async () => {
      seen = await read();
      const at = seen.findIndex((r) => r.level === '1' && /^route \(0\) — \d+ sockets?$/.test(r.text));
      if (at < 0) return false;
      const n = Number(/(\d+) sockets?$/.exec(seen[at]!.text)![1]);
      if (count !== undefined && n !== count) return false;
      if (seen[at]!.expanded !== 'true') {
        await pane
          .locator('.monaco-list-row[aria-level="1"]', { hasText: /^route/ })
          .first()
          .click();
        return false;
      }
      const end = seen.findIndex((r, i) => i > at && r.level === '1');
      const sockets = seen.slice(at + 1, end < 0 ? undefined : end).map((r) => r.text);
      if (sockets.length !== n) return false;
      result = { count: n, sockets };
      return true;
    },
    () => JSON.stringify(seen),
  );
  return result!;
}

type Row = Awaited<ReturnType<typeof shownRows>>[number];

/**
 * Filter the viewer by `query` and return the rows it then shows. Cleared first and waited for: until the host's
 * answer comes, the table still shows the rows of before, and the status says "M of N rows" only once the
 * filtered view is on (the queries here each leave a row out).
 */
async function filtered(viewer: Frame, query: string): Promise<Row[]> {
  const box = viewer.locator('[data-testid=capture-filter]');
  const status = viewer.locator('[data-testid=capture-status]');
  let said = '';
  await box.fill('');
  await waitFor(
    'the unfiltered view',
    10_000,
    async () => !/ of \d+ rows/.test((said = await status.innerText())),
    () => said,
  );
  await box.fill(query);
  await waitFor(
    `the view filtered by ${query}`,
    10_000,
    async () => / of \d+ rows/.test((said = await status.innerText())),
    () => said,
  );
  let rows: Row[] = [];
  await waitFor(
    `the rows of ${query}`,
    10_000,
    async () => (rows = await shownRows(viewer)).length > 0,
    () => said,
  );
  return rows;
}

/** Press the builder's Send and check the kernel acknowledged the request with sequence number `seq`. */
async function sendForAck(builder: FrameLocator, seq: number): Promise<void> {
  const status = builder.locator('[data-testid=send-status]');
  await clickInView(builder.locator('[data-testid=send-button]'));
  let said = '';
  const reply = builder.locator('[data-testid=replies] > details').first();
  await waitFor(
    `the kernel's ACK of seq ${seq}`,
    30_000,
    async () =>
      /^1 reply from lab/.test((said = await status.innerText())) &&
      new RegExp(`^#0 NLMSG_ERROR \\S+ seq=${seq} `).test(await reply.innerText()),
    () => said,
  );
  assert.match(await reply.innerText(), new RegExp(`^#0 NLMSG_ERROR \\S+ seq=${seq} ACK\\b`, 'm'));
}

/**
 * In the builder: RTM_NEWLINK (REQUEST|ACK|CREATE|EXCL) of a dummy link named LINK, as `ip link add LINK type
 * dummy` sends it, checked against bytes written out here.
 */
async function composeNewDummy(builder: FrameLocator): Promise<void> {
  await choose(builder, 'message-type', 'RTM_NEWLINK', 'RTM_NEWLINK');
  await builder.locator('[data-testid="header.ifi_index"]').waitFor({ state: 'visible', timeout: 10_000 });
  await builder.locator('[data-testid=seq] input').fill(String(LINK_SEQ));
  const flags = builder.locator('[data-testid=flags-value] input');
  await flags.fill('REQUEST|ACK|CREATE|EXCL');
  await flags.press('Enter');
  await waitFor('the flags REQUEST|ACK|CREATE|EXCL', 5_000, async () => (await flags.inputValue()) === '0x605');
  await choose(builder, 'add-attr-type-top', 'IFLA_IFNAME', 'IFLA_IFNAME');
  await clickInView(builder.locator('[data-testid="add-attr-top"]'));
  const name = builder.locator('[data-testid^="attr-value-"]').last();
  await name.waitFor({ state: 'attached', timeout: 5_000 });
  await name.locator('input').fill(LINK);
  await choose(builder, 'add-attr-type-top', 'IFLA_LINKINFO', 'IFLA_LINKINFO');
  await clickInView(builder.locator('[data-testid="add-attr-top"]'));
  const linkinfo = builder.locator('[data-testid^="attr-type-"]').last();
  await linkinfo.waitFor({ state: 'attached', timeout: 5_000 });
  const id = ((await linkinfo.getAttribute('data-testid')) ?? '').replace(/^attr-type-/, '');
  await choose(builder, `add-attr-type-${id}`, 'IFLA_INFO_KIND', 'IFLA_INFO_KIND');
  await clickInView(builder.locator(`[data-testid="add-attr-${id}"]`));
  const kind = builder.locator('[data-testid^="attr-value-"]').last();
  await kind.waitFor({ state: 'attached', timeout: 5_000 });
  await kind.locator('input').fill('dummy');
  const request = nlmsg(
    { type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq: LINK_SEQ },
    `${EMPTY_IFINFOMSG}${nlattr(IFLA_IFNAME, cstr(LINK))}${nlattr(NLA_F_NESTED | IFLA_LINKINFO, nlattr(IFLA_INFO_KIND, cstr('dummy')))}`,
  );
  let seen = '';
  await waitFor(
    `the request ${request}`,
    10_000,
    async () => (seen = await builderBytes(builder)) === request,
    () => seen,
  );
}

describe('live capture from the lab', () => {
  let wb: Workbench;
  let viewer: Frame;
  let monitor: Frame;

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
  it(
    'Monitor Multicast: rtnetlink and RTNLGRP_LINK picked by name; the viewer follows a new .pcapng',
    { timeout: 120_000 },
    shot('capture-monitor-start', async (page) => {
      await openCommandPick(page, 'Netlink: Monitor Multicast');
      await quickInputTitled(page, /Monitor Multicast — protocol/);
      const input = page.locator('.quick-input-widget input.input');
      await input.fill('rtnetlink');
      await page
        .locator('.quick-input-list .monaco-list-row.focused', { hasText: 'rtnetlink (NETLINK_ROUTE)' })
        .waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.press('Enter');
      // Route has no family question: the groups come next, by name.
      await quickInputTitled(page, /Monitor Multicast — groups/);
      await input.fill('RTNLGRP_LINK');
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden', timeout: 10_000 });
      monitor = await otherViewer(page, viewer);
      let status = '';
      await waitFor(
        "the monitor's live status",
        60_000,
        async () =>
          /^pcapng .*following the capture \(live\)/.test(
            (status = await monitor.locator('[data-testid=capture-status]').innerText()),
          ),
        () => status,
      );
      assert.equal(await monitor.locator('[data-testid=capture-stop]').isVisible(), true);
      const files = readdirSync(join(workspace, 'captures')).filter((f) => f.endsWith('.pcapng'));
      assert.equal(files.length, 1, files.join(', '));
      assert.match(files[0]!, /^lab-monitor-\d{8}-\d{6}\.pcapng$/);
    }),
  );

  it(
    "a dummy link made and deleted from the builder: the kernel's RTM_NEWLINK and RTM_DELLINK events, named",
    { timeout: 120_000 },
    shot('capture-monitor-event', async (page) => {
      await runCommand(page, 'Netlink: Focus on Message Builder View');
      const builder = await builderBeside(page);
      await composeNewDummy(builder);
      await sendForAck(builder, LINK_SEQ);
      // The same form as RTM_DELLINK: the link's attributes stay (the kernel finds the link by IFLA_IFNAME).
      await choose(builder, 'message-type', 'RTM_DELLINK', 'RTM_DELLINK');
      await builder.locator('[data-testid=seq] input').fill(String(LINK_SEQ + 1));
      const flags = builder.locator('[data-testid=flags-value] input');
      await flags.fill('REQUEST|ACK');
      await flags.press('Enter');
      await waitFor('the flags REQUEST|ACK', 5_000, async () => (await flags.inputValue()) === '0x5');
      await sendForAck(builder, LINK_SEQ + 1);

      // Both events are in before the filters go on (each filter then leaves the other out: "M of N rows").
      let rows: Row[] = [];
      await waitFor(
        'the RTM_DELLINK event in the monitor',
        30_000,
        async () => (rows = await shownRows(monitor)).some((r) => r.cells[5] === 'RTM_DELLINK'),
        () => JSON.stringify(rows.map((r) => r.cells)),
      );
      for (const r of rows) {
        assert.equal(r.cells[2], 'kernel → user', JSON.stringify(r.cells));
        assert.equal(r.cells[3], 'route (0)', JSON.stringify(r.cells));
      }
      const detail = monitor.locator('[data-testid=capture-detail]');
      // Loading the dummy module may make its own dummy0 first (another RTM_NEWLINK): filter by the name too.
      const created = await filtered(monitor, `type:RTM_NEWLINK ${LINK}`);
      assert.ok(
        created.every((r) => r.cells[5] === 'RTM_NEWLINK' && r.cells[2] === 'kernel → user'),
        JSON.stringify(created),
      );
      await monitor.locator(`[data-testid=capture-row-${created[0]!.row}] .c-type`).click();
      await detail
        .locator('[data-testid=capture-decoded]', { hasText: `IFLA_IFNAME "${LINK}"` })
        .waitFor({ timeout: 20_000 });
      const tree = await detail.locator('[data-testid=capture-decoded]').innerText();
      assert.match(tree, /^#0 RTM_NEWLINK /, tree);
      assert.match(tree, /IFLA_LINKINFO \(1 nested\)/, tree);
      await page.screenshot({ path: join(screenshots, 'capture-monitor.png') });

      const deleted = await filtered(monitor, 'type:RTM_DELLINK');
      assert.equal(deleted.length, 1, JSON.stringify(deleted));
      assert.equal(deleted[0]!.cells[2], 'kernel → user');
      await monitor.locator(`[data-testid=capture-row-${deleted[0]!.row}] .c-type`).click();
      await detail.locator('[data-testid=capture-decoded]', { hasText: 'RTM_DELLINK' }).waitFor({ timeout: 20_000 });
      assert.match(
        await detail.locator('[data-testid=capture-decoded]').innerText(),
        new RegExp(`IFLA_IFNAME "${LINK}"`),
      );
    }),
  );

  it(
    "Stop ends the monitor's helper and keeps the .pcapng with the event",
    { timeout: 60_000 },
    shot('capture-monitor-stop', async (page) => {
      // The Netlink Sockets view shows the monitor's socket on the target: the helper's, in RTNLGRP_LINK (group 1).
      const before = await routeSockets(page, undefined);
      const joined = before.sockets.filter((t) => MONITOR_SOCKET.test(t));
      assert.equal(joined.length, 1, `the monitor's socket among the route sockets:\n${before.sockets.join('\n')}`);
      await monitor.locator('[data-testid=capture-stop]').click();
      let status = '';
      await waitFor(
        "the monitor's viewer to stop following",
        30_000,
        async () => !/\(live\)/.test((status = await monitor.locator('[data-testid=capture-status]').innerText())),
        () => status,
      );
      assert.equal(await monitor.locator('[data-testid=capture-stop]').isVisible(), false);
      // Stopped as asked: no warning that the monitor ended by itself.
      assert.doesNotMatch(await toastText(page), /monitor on lab ended/);
      const files = readdirSync(join(workspace, 'captures')).filter((f) => f.endsWith('.pcapng'));
      assert.equal(files.length, 1, files.join(', '));
      const bytes = readFileSync(join(workspace, 'captures', files[0]!));
      assert.equal(bytes.subarray(0, 4).toString('hex'), PCAPNG_SHB);
      assert.ok(bytes.includes(Buffer.from(`${LINK}\0`, 'latin1')), `${LINK} in the kept file`);
      // And on the target the helper is gone: its socket with it, the others (the builder's helper) still there.
      const afterStop = await routeSockets(page, before.count - 1);
      assert.deepEqual(
        afterStop.sockets.filter((t) => MONITOR_SOCKET.test(t)),
        [],
        afterStop.sockets.join('\n'),
      );
      await page.screenshot({ path: join(screenshots, 'capture-monitor-stopped.png') });
    }),
  );
});
