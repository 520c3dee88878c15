// What a person sees when sending from the message builder to a real kernel: in code-server, start the lab VM
// from the command palette, build and load the reference module with the palette commands, compose a message for
// it in the builder (protocol nlreply (31), message "request", REQUEST+ACK, a text payload), press Send and read
// the module's answer in the replies list: an NLMSG_DONE whose text names our port and echoes the payload. Then
// the history: the exchange is listed, Restore puts the sent bytes back into the form. Then rtnetlink on the
// lab's kernel: an RTM_GETLINK dump lists every link (one RTM_NEWLINK each, then NLMSG_DONE, expandable), and an
// RTM_NEWLINK of an unknown kind comes back as NLMSG_ERROR EOPNOTSUPP with the kernel's extended-ack text. Last,
// the history survives a window reload (it is kept in the workspace's storage), and another workspace has its own.
// Then a history entry's "Export C": the dump's entry saved as a C program that sends its bytes (run here, no lab).
// One file, so the lab boots once. The tests are the steps of that one session and depend on each other's order
// (run.sh runs them one at a time, in file order): each needs what the ones before it did (the lab booted, the
// module loaded, the exchange sent and in the history), and the last checks the requests of the whole file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { LAB_HOST_PACKAGES } from '../../extension/src/lab/hostPackages';
import { prepareKernel } from '../../extension/src/lab/kernel';
import { choose, clickInView, cstr, isChecked, nlattr, nlmsg, selectValue, u16, u32, u8 } from './harness/builder';
import { buildProgram, requestBytesOf } from './harness/exportedC';
import { ensureAll, ensureAptPackages } from './harness/install';
import { repoRoot, resultsRoot, runsRoot } from './harness/paths';
import { saveDialogAs } from './harness/saveDialog';
import {
  builderBytes,
  builderFrame,
  focusBuilder,
  openWorkbench,
  reloadWindow,
  runCommand,
  shotOnFailure,
  waitFor,
  waitForToast,
  type Workbench,
} from './harness/workbench';
import {
  NLM_F_REQUEST,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_CREATE,
  RTM_NEWLINK,
  RTM_GETLINK,
  IFLA_LINKINFO,
  IFLA_INFO_KIND,
  NLA_F_NESTED,
} from '../support/netlink-bytes';

const screenshots = join(resultsRoot, 'screenshots');
// code-server hands its environment to the extension host: the extension's lab boots from the cache the lab tier
// fills (kernel, headers, initramfs) instead of a fresh globalStorage, which would download a kernel per run.
const labCache = (process.env.NETLINK_CACHE ??= join(repoRoot, '.cache'));
/** Printable text with no regex specials, so it can be matched literally inside a pattern. */
const payload = 'hello from the builder';

/**
 * Make the screenshot show the exchange: no toasts over it, a side bar wide enough for the form, the builder with
 * the side bar's whole height, and the sections between the form and the replies (decoded request, copy) folded.
 * Only the look changes, not what is asserted.
 */
async function framePicture(page: Page, frame: FrameLocator): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  const bar = await page.locator('.part.sidebar').boundingBox();
  if (bar) {
    const x = bar.x + bar.width + 1;
    const y = bar.y + bar.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 380, y, { steps: 8 });
    await page.mouse.up();
  }
  // Other views of the Netlink side bar would share its height with the builder.
  const others = page.locator('.part.sidebar .pane-header[aria-expanded="true"]', { hasNotText: 'Message Builder' });
  for (let n = await others.count(); n > 0; n--) await others.first().click();
  for (const id of ['decoded', 'copy']) {
    const section = frame.locator(`[data-testid="section-${id}"]`);
    if (await section.evaluate((el) => (el as HTMLDetailsElement).open))
      await section.locator(':scope > summary').click();
  }
}

/** "Netlink: Stop Lab VM" when the status bar says the lab is up; waits for "lab: stopped". */
async function stopLab(page: Page): Promise<void> {
  if ((await page.locator('.statusbar-item', { hasText: 'lab: ready' }).count()) === 0) return;
  await runCommand(page, 'Netlink: Stop Lab VM');
  await page.locator('.statusbar-item', { hasText: 'lab: stopped' }).waitFor({ timeout: 30_000 });
}

/** struct ifinfomsg, all zero: no device named by index. */
const EMPTY_IFINFOMSG = `${u8(0)}${u8(0)}${u16(0)}${u32(0)}${u32(0)}${u32(0)}`;

/** The RTM_GETLINK dump the dump test sends (REQUEST|DUMP, seq 100), as hex. */
const DUMP_REQUEST = nlmsg({ type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 100 }, EMPTY_IFINFOMSG);

/** Choose route (0) and a message type in the builder, set seq, and wait for the header fields to follow. */
async function routeMessage(frame: FrameLocator, type: string, seq: number): Promise<void> {
  await choose(frame, 'protocol-select', 'route (0): rtnetlink', '0');
  await choose(frame, 'message-type', type, type);
  await frame.locator('[data-testid="header.ifi_index"]').waitFor({ state: 'visible', timeout: 10_000 });
  await frame.locator('[data-testid=seq] input').fill(String(seq));
}

/** Press Send and wait until the status says how many replies came; returns that number. */
async function sendAndCount(frame: FrameLocator): Promise<number> {
  await clickInView(frame.locator('[data-testid=send-button]'));
  const status = frame.locator('[data-testid=send-status]');
  let said = '';
  await waitFor(
    'the send status with the replies',
    30_000,
    async () => /^\d+ repl(y|ies) from lab in \d+ ms\.$/.test((said = await status.innerText({ timeout: 1_000 }))),
    () => said,
  );
  return Number(/^(\d+)/.exec(said)![1]);
}

/**
 * Open the builder's History section (it starts closed; its state is kept with the view's) and wait for its first
 * entry, or for its "no exchanges" line when `empty`.
 */
async function openHistory(frame: FrameLocator, opts: { empty?: boolean } = {}): Promise<void> {
  const section = frame.locator('[data-testid="section-history"]');
  if (!(await section.evaluate((el) => (el as HTMLDetailsElement).open)))
    await clickInView(section.locator(':scope > summary'));
  await frame
    .locator(opts.empty ? '[data-testid=history-empty]' : '[data-testid=history-item-0]')
    .waitFor({ state: 'visible', timeout: 15_000 });
}

describe('message builder sends to the lab VM', () => {
  let wb: Workbench;
  /** The request the Send test sent, as hex: the history tests restore it. */
  let sent = '';

  before(
    async () => {
      mkdirSync(screenshots, { recursive: true });
      await ensureAll();
      // Installed and fetched here, outside the tests' timeouts (a kernel download the first time).
      await ensureAptPackages(LAB_HOST_PACKAGES);
      await prepareKernel({ cacheDir: labCache, log: (l) => console.log(`[lab] ${l}`), prefer: 'auto' });
      wb = await openWorkbench({
        extensionPath: repoRoot,
        workspace: join(repoRoot, 'test', 'fixtures', 'e2e-lab'),
        runName: 'builder-send',
      });
    },
    { timeout: 30 * 60_000 },
  );

  after(
    async () => {
      // Power the guest off the way a person would; closing code-server then takes the rest down.
      if (wb) await stopLab(wb.page).catch(() => undefined);
      await wb?.close();
    },
    { timeout: 60_000 },
  );

  const shot = shotOnFailure(() => wb.page, screenshots);

  it(
    '"Netlink: Start Lab VM" boots the lab: the status bar says lab: ready',
    { timeout: 200_000 },
    shot('builder-send-lab', async (page) => {
      // The lab's status bar item appears when the extension has activated.
      await page.locator('.statusbar-item', { hasText: 'lab: stopped' }).waitFor({ timeout: 60_000 });
      await runCommand(page, 'Netlink: Start Lab VM');
      await page.locator('.statusbar-item', { hasText: 'lab: ready' }).waitFor({ timeout: 180_000 });
    }),
  );

  it(
    '"Netlink: Build Module" then "Netlink: Load Module (insmod)" put nlreply into the lab kernel',
    { timeout: 180_000 },
    shot('builder-send-module', async (page) => {
      await runCommand(page, 'Netlink: Build Module');
      await waitForToast(page, /nlreply built: \S+\/nlreply\.ko/, 150_000);
      await runCommand(page, 'Netlink: Load Module (insmod)');
      await waitForToast(page, /nlreply loaded on lab \(.*protocol=31/, 60_000);
    }),
  );

  it(
    'Send in the builder: nlreply answers NLMSG_DONE with our port and the text',
    { timeout: 120_000 },
    shot('builder-send', async (page) => {
      await runCommand(page, 'Netlink: Focus on Message Builder View');
      const frame = builderFrame(page);
      // The host tells the view which target Send goes to once the lab target is up.
      await frame.locator('[data-testid=target-name]', { hasText: 'Target: lab' }).waitFor({ timeout: 30_000 });

      await choose(frame, 'protocol-select', 'module (31): nlreply', '31');
      await choose(frame, 'message-type', 'request', 'request');
      for (const flag of ['NLM_F_REQUEST', 'NLM_F_ACK']) {
        const box = frame.locator(`[data-testid="flag-${flag}"]`);
        if (!(await isChecked(box))) await box.click();
        await waitFor(`${flag} checked`, 5_000, () => isChecked(box));
      }
      // "request" carries text (x-text-payload in kmod/nlreply.yaml): the form shows a text box for it.
      await frame.locator('[data-testid=payload-text] textarea').fill(payload);
      const decoded = frame.locator('[data-testid=decoded-preview]');
      await waitFor(
        'the text in the decoded request',
        10_000,
        async () => (await decoded.innerText()).includes(payload),
        () => 'decoded preview without the text',
      );

      sent = await builderBytes(frame);
      await frame.locator('[data-testid=send-button]').click();
      const replies = frame.locator('[data-testid=replies]');
      const status = frame.locator('[data-testid=send-status]');
      let text = '';
      let said = '';
      await waitFor(
        "the module's reply in the replies list",
        30_000,
        async () => {
          said = await status.innerText({ timeout: 1_000 });
          text = await replies.innerText({ timeout: 1_000 });
          return text.includes('NLMSG_DONE') && text.includes(payload);
        },
        () => `send status "${said}", replies: ${text || '(none)'}`,
      );
      assert.match(text, /NLMSG_DONE/);
      assert.match(
        text,
        new RegExp(`message from port \\d+ processed by kernel: ${payload}`),
        `the module's text in:\n${text}`,
      );
      assert.match(await status.innerText(), /^1 reply from lab in \d+ ms\.$/);

      await framePicture(page, frame);
      await replies.scrollIntoViewIfNeeded();
      const shot = join(screenshots, 'builder-send.png');
      await page.screenshot({ path: shot });
      // The README's picture is refreshed only on request, so a test run leaves the tree clean.
      if (process.env.NETLINK_UPDATE_MEDIA === '1') {
        mkdirSync(join(repoRoot, 'media'), { recursive: true });
        copyFileSync(shot, join(repoRoot, 'media', 'builder.png'));
      }
    }),
  );

  it(
    'the history lists the exchange; Restore puts the request back into the form',
    { timeout: 90_000 },
    shot('builder-history', async (page) => {
      assert.ok(sent !== '', 'the Send test sent a request');
      const frame = await focusBuilder(page);
      await openHistory(frame);
      const item = frame.locator('[data-testid=history-item-0]');
      const text = await item.innerText();
      assert.match(text, /\blab\b/, `the target in the history entry:\n${text}`);
      assert.match(text, /1 reply/, `the outcome in the history entry:\n${text}`);
      assert.equal(await frame.locator('[data-testid^=history-item-]').count(), 1, 'one exchange, one entry');
      // The form has moved on since the send (auto seq +1) and is changed further: other text.
      await frame.locator('[data-testid=payload-text] textarea').fill('something else');
      await waitFor('the changed form', 10_000, async () => (await builderBytes(frame)) !== sent);
      await clickInView(frame.locator('[data-testid=history-restore-0]'));
      let seen = '';
      await waitFor(
        `the sent request ${sent} back in the form`,
        10_000,
        async () => (seen = await builderBytes(frame)) === sent,
        () => seen,
      );
      assert.equal(await frame.locator('[data-testid=payload-text] textarea').inputValue(), payload);
      assert.equal(await selectValue(frame, 'protocol-select'), '31');
      // "Replies" shows that exchange's answer again.
      await clickInView(frame.locator('[data-testid=history-replies-0]'));
      await waitFor('the replies of the history entry', 10_000, async () =>
        (await frame.locator('[data-testid=replies]').innerText()).includes(payload),
      );
    }),
  );

  it(
    'Send an RTM_GETLINK dump: one RTM_NEWLINK per link (lo, eth0), then NLMSG_DONE, each expandable to its attributes',
    { timeout: 120_000 },
    shot('builder-send-dump', async (page) => {
      const frame = await focusBuilder(page);
      await frame.locator('[data-testid=target-name]', { hasText: 'Target: lab' }).waitFor({ timeout: 30_000 });
      await routeMessage(frame, 'RTM_GETLINK', 100);
      // A GET starts as a dump request: REQUEST|DUMP.
      const request = DUMP_REQUEST;
      let seen = '';
      await waitFor(
        `the dump request ${request}`,
        10_000,
        async () => (seen = await builderBytes(frame)) === request,
        () => seen,
      );
      assert.equal(
        await frame.locator('[data-testid=flags-value] input').inputValue(),
        '0x301',
        'REQUEST|DUMP in the flags field',
      );

      const count = await sendAndCount(frame);
      const replies = frame.locator('[data-testid=replies]');
      const parts = replies.locator(':scope > details');
      assert.equal(await parts.count(), count, 'every reply listed');
      const summaries = await parts.locator(':scope > summary').allInnerTexts();
      // Every part of the dump, in order: links (multipart, our seq), then the end of the dump.
      assert.match(
        summaries.at(-1)!,
        /^#\d+ NLMSG_DONE NLM_F_MULTI seq=100\b/,
        `the dump ends with NLMSG_DONE:\n${summaries.join('\n')}`,
      );
      const links = summaries.slice(0, -1);
      assert.ok(links.length >= 2, `at least lo and eth0:\n${summaries.join('\n')}`);
      for (const line of links)
        assert.match(
          line,
          /^#\d+ RTM_NEWLINK NLM_F_MULTI seq=100 \[rtnetlink\] len=\d+$/,
          `a link of the dump:\n${summaries.join('\n')}`,
        );

      // Expand one (closed first if the list opened it): its attributes appear, IFLA_IFNAME among them.
      const first = parts.first();
      if (await first.evaluate((el) => (el as HTMLDetailsElement).open))
        await clickInView(first.locator(':scope > summary'));
      assert.doesNotMatch(await first.innerText(), /IFLA_IFNAME/, 'a closed reply shows only its summary');
      await clickInView(first.locator(':scope > summary'));
      await waitFor('the first link expanded', 5_000, async () => /IFLA_IFNAME "lo"/.test(await first.innerText()));
      assert.match(await first.innerText(), /ifi_index=1\b.*\n(.*\n)*IFLA_IFNAME "lo"/, 'lo is ifindex 1');
      await page.screenshot({ path: join(screenshots, 'builder-send-dump.png') });

      // One message per link: every name and every ifindex once.
      const names: string[] = [];
      const indexes: number[] = [];
      for (let i = 0; i < links.length; i++) {
        const part = parts.nth(i);
        if (!(await part.evaluate((el) => (el as HTMLDetailsElement).open)))
          await clickInView(part.locator(':scope > summary'));
        const text = await part.innerText();
        names.push(/IFLA_IFNAME "([^"]+)"/.exec(text)?.[1] ?? `(no name in #${i})`);
        indexes.push(Number(/ifi_index=(\d+)/.exec(text)?.[1] ?? NaN));
      }
      assert.ok(names.includes('lo') && names.includes('eth0'), `lo and eth0 among the links: ${names.join(', ')}`);
      assert.equal(new Set(names).size, names.length, `each link once: ${names.join(', ')}`);
      assert.equal(new Set(indexes).size, indexes.length, `each ifindex once: ${indexes.join(', ')}`);
    }),
  );

  it(
    'Send RTM_NEWLINK of kind "nlwb-bogus" (ACK|CREATE|EXCL): NLMSG_ERROR EOPNOTSUPP with the ext-ack "Unknown device type"',
    { timeout: 120_000 },
    shot('builder-send-extack', async (page) => {
      const frame = await focusBuilder(page);
      await routeMessage(frame, 'RTM_NEWLINK', 101);
      const flags = frame.locator('[data-testid=flags-value] input');
      await flags.fill('REQUEST|ACK|CREATE|EXCL');
      await flags.press('Enter');
      await waitFor('the flags REQUEST|ACK|CREATE|EXCL', 5_000, async () => (await flags.inputValue()) === '0x605');
      // IFLA_LINKINFO, and IFLA_INFO_KIND inside it.
      await choose(frame, 'add-attr-type-top', 'IFLA_LINKINFO', 'IFLA_LINKINFO');
      await clickInView(frame.locator('[data-testid="add-attr-top"]'));
      const linkinfo = frame.locator('[data-testid^="attr-type-"]').last();
      await linkinfo.waitFor({ state: 'attached', timeout: 5_000 });
      const id = ((await linkinfo.getAttribute('data-testid')) ?? '').replace(/^attr-type-/, '');
      await choose(frame, `add-attr-type-${id}`, 'IFLA_INFO_KIND', 'IFLA_INFO_KIND');
      await clickInView(frame.locator(`[data-testid="add-attr-${id}"]`));
      const kind = frame.locator('[data-testid^="attr-value-"]').last();
      await kind.waitFor({ state: 'attached', timeout: 5_000 });
      await kind.locator('input').fill('nlwb-bogus');
      const request = nlmsg(
        { type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq: 101 },
        `${EMPTY_IFINFOMSG}${nlattr(NLA_F_NESTED | IFLA_LINKINFO, nlattr(IFLA_INFO_KIND, cstr('nlwb-bogus')))}`,
      );
      let seen = '';
      await waitFor(
        `the request ${request}`,
        10_000,
        async () => (seen = await builderBytes(frame)) === request,
        () => seen,
      );

      assert.equal(await sendAndCount(frame), 1, 'one answer: the error');
      const reply = frame.locator('[data-testid=replies] > details').first();
      const text = await reply.innerText();
      assert.match(
        text,
        /^#0 NLMSG_ERROR \S+ seq=101 EOPNOTSUPP: Unknown device type/,
        `the error's summary:\n${text}`,
      );
      assert.match(text, /error -?95 EOPNOTSUPP/, `errno -95 decoded:\n${text}`);
      assert.equal(await reply.locator('[data-testid=extack-message]').innerText(), 'ext-ack: Unknown device type');
      await framePicture(page, frame);
      await frame.locator('[data-testid=replies]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshots, 'builder-send-extack.png') });
    }),
  );

  it(
    'the history is kept for the workspace across "Developer: Reload Window"',
    { timeout: 240_000 },
    shot('builder-history-reload', async (page) => {
      assert.ok(sent !== '', 'the Send test sent a request');
      // The reload restarts the extension host, which owns the lab VM: power the guest off first, as a person would.
      await stopLab(page);
      await reloadWindow(page);
      const frame = await focusBuilder(page);
      await openHistory(frame);
      // Three exchanges, newest first: the ext-ack error, the dump, the nlreply request.
      const entries = await frame.locator('[data-testid^=history-item-]').allInnerTexts();
      assert.equal(entries.length, 3, `every exchange kept:\n${entries.join('\n---\n')}`);
      assert.match(entries[0]!, /RTM_NEWLINK.*\n1 reply/, `the newest entry:\n${entries[0]}`);
      assert.match(entries[1]!, /RTM_GETLINK.*\n\d+ replies/, `the dump's entry:\n${entries[1]}`);
      assert.match(entries[2]!, /1 reply/, `the nlreply exchange after the reload:\n${entries[2]}`);
      // Restore the nlreply request (the oldest) into a form that shows something else.
      await clickInView(frame.locator('[data-testid=history-restore-1]'));
      await waitFor('the dump request restored', 10_000, async () => (await builderBytes(frame)) !== sent);
      await clickInView(frame.locator('[data-testid=history-restore-2]'));
      let seen = '';
      await waitFor(
        `the sent request ${sent} restored after the reload`,
        10_000,
        async () => (seen = await builderBytes(frame)) === sent,
        () => seen,
      );
      await page.screenshot({ path: join(screenshots, 'builder-history.png') });
    }),
  );

  it(
    "another workspace has a history of its own; the first one's is there again when it is reopened",
    { timeout: 240_000 },
    shot('builder-history-workspaces', async (page) => {
      const labWorkspace = join(repoRoot, 'test', 'fixtures', 'e2e-lab');
      const other = join(runsRoot, 'builder-send-other-workspace');
      rmSync(other, { recursive: true, force: true });
      mkdirSync(other, { recursive: true });
      writeFileSync(join(other, 'notes.txt'), 'a workspace that never sent anything\n');
      const openFolder = async (folder: string): Promise<FrameLocator> => {
        await page.goto(`${wb.server.origin}/?folder=${encodeURIComponent(folder)}`);
        await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
        return focusBuilder(page);
      };

      let frame = await openFolder(other);
      await openHistory(frame, { empty: true });
      assert.equal(
        await frame.locator('[data-testid^=history-item-]').count(),
        0,
        'no exchange of the lab workspace shows here',
      );

      frame = await openFolder(labWorkspace);
      await openHistory(frame);
      let count = 0;
      await waitFor(
        "the lab workspace's three exchanges",
        15_000,
        async () => (count = await frame.locator('[data-testid^=history-item-]').count()) === 3,
        () => `${count} entries`,
      );
    }),
  );

  it(
    "a history entry's Export C: the dump sent to the lab, saved as a program that sends those bytes, builds with -Werror and dumps this machine's links",
    { timeout: 180_000 },
    shot('builder-history-export-c', async (page) => {
      assert.ok(sent !== '', 'the Send test sent a request');
      const outDir = join(runsRoot, 'builder-send-export-c-out');
      const target = join(outDir, 'history-link-dump.c');
      rmSync(outDir, { recursive: true, force: true });
      mkdirSync(outDir, { recursive: true });
      const frame = await focusBuilder(page);
      await openHistory(frame);
      // Newest first: the ext-ack error, the dump, the nlreply request.
      const entry = await frame.locator('[data-testid=history-item-1]').innerText();
      assert.match(entry, /RTM_GETLINK.*\n\d+ replies/, `the dump's entry:\n${entry}`);
      // The form holds another request (nlreply's), so only the entry's own bytes can make the program's.
      await clickInView(frame.locator('[data-testid=history-restore-2]'));
      let seen = '';
      await waitFor(
        `the nlreply request ${sent} in the form`,
        10_000,
        async () => (seen = await builderBytes(frame)) === sent,
        () => seen,
      );
      await clickInView(frame.locator('[data-testid=history-export-c-1]'));
      await saveDialogAs(page, /\/rtm_getlink\.c$/, target);
      await waitFor('the exported file', 15_000, async () => existsSync(target));
      await page
        .locator('.tabs-container .tab', { hasText: 'history-link-dump.c' })
        .waitFor({ state: 'visible', timeout: 15_000 });

      const text = readFileSync(target, 'utf8');
      assert.match(text, /Exported by Netlink Workbench from the builder's history \(sent .+ to lab\)/);
      assert.equal(requestBytesOf(target), DUMP_REQUEST, "the program's request is the entry's bytes");
      const binary = join(outDir, 'history-link-dump');
      assert.equal(buildProgram(target, binary), '', 'gcc -Wall -Wextra -Werror');
      // Those bytes are a dump of this machine's links too: the program runs here, without the lab.
      const r = spawnSync(binary, [], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^sending 32 bytes: RTM_GETLINK/m);
      assert.match(r.stdout, /type 16 \(RTM_NEWLINK\) flags 0x2 \(MULTI\)/);
      assert.match(r.stdout, /done: the dump is complete\ncomplete: \d+ replies\n$/);
      await runCommand(page, 'View: Close All Editors');
    }),
  );

  it('the workbench sent no request outside 127.0.0.1', () => {
    assert.deepEqual(wb.browser.outsideRequests, []);
  });
});
