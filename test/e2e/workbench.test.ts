// What a person sees: in a real VS Code (code-server in Chromium) hovering netlink bytes shows the decoded
// message, and "Netlink: Decode Netlink Bytes in File" opens the decoded text beside the editor; the builder
// composes and loads bytes; "Netlink: Select Target" lists the targets with their state and sets the status bar.
// The tests share one window and depend on their order (run one at a time, in file order): the first hover waits
// for the language server the later ones find running, the first builder test starts from the default form, and
// the last checks the requests the whole file made.
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ensureAll } from './harness/install';
import { repoRoot, resultsRoot, runsRoot } from './harness/paths';
import {
  builderBytes,
  builderFrame,
  editorText,
  hoverUntil,
  netlinkReady,
  openCommandPick,
  openWorkbench,
  quickOpen,
  runCommand,
  shotOnFailure,
  waitFor,
  type Workbench,
} from './harness/workbench';

const screenshots = join(resultsRoot, 'screenshots');
// NETLINK_E2E_EXTENSION lets the harness itself be checked against another extension folder.
const extensionPath = process.env.NETLINK_E2E_EXTENSION ?? repoRoot;
/** A target next to the lab that cannot be reached: nothing listens on port 9 (discard) of 127.0.0.1. */
const SPARE_TARGET = 'spare-board';
const SPARE_DESTINATION = 'nobody@127.0.0.1:9';

/** "Netlink: Select Target", up to its quick pick of targets. */
async function openTargetPick(page: Page): Promise<void> {
  await netlinkReady(page);
  await openCommandPick(page, 'Netlink: Select Target');
  await page
    .locator('.quick-input-widget input[placeholder="Where modules are built and messages are sent"]')
    .waitFor({ state: 'visible', timeout: 10_000 });
}

describe('workbench UI', () => {
  let wb: Workbench;

  before(
    async () => {
      // Old failure pictures would mislead: every run starts with an empty folder.
      rmSync(screenshots, { recursive: true, force: true });
      mkdirSync(screenshots, { recursive: true });
      await ensureAll();
      // A copy: choosing a target writes the workspace's .vscode/settings.json, which must not land in the repository.
      const workspace = join(runsRoot, 'e2e-workspace');
      rmSync(workspace, { recursive: true, force: true });
      cpSync(join(repoRoot, 'test', 'fixtures', 'e2e'), workspace, { recursive: true });
      wb = await openWorkbench({
        extensionPath,
        workspace,
        runName: 'e2e',
        settings: { 'netlink.targets': [{ name: SPARE_TARGET, destination: SPARE_DESTINATION }] },
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
    'hovering a byte of the RTM_NEWLINK reply shows the decoded message',
    { timeout: 150_000 },
    shot('hover', async (page) => {
      await quickOpen(page, 'rtnetlink.c');
      // The language server starts after the workbench: hoverUntil keeps trying until it answers.
      const text = await hoverUntil(page, 'newlink_lo_reply', '0x10', ['RTM_NEWLINK', 'IFLA_IFNAME'], 90_000);
      assert.match(text, /\blo\b/, `interface name lo in the hover:\n${text}`);
      const shot = join(screenshots, 'hover.png');
      await page.screenshot({ path: shot });
      // The README's picture is refreshed only on request, so a test run leaves the tree clean.
      if (process.env.NETLINK_UPDATE_MEDIA === '1') {
        mkdirSync(join(repoRoot, 'media'), { recursive: true });
        copyFileSync(shot, join(repoRoot, 'media', 'hover.png'));
      }
    }),
  );

  it(
    'hovering spaced hex in a log shows NLMSG_ERROR and the errno name',
    { timeout: 60_000 },
    shot('hover-log', async (page) => {
      await quickOpen(page, 'kernel.log');
      // The message's first byte (the log colours each number as its own token, so the needle is one number).
      await hoverUntil(page, 'nldump: rx', '34', ['NLMSG_ERROR', 'ENODEV'], 30_000);
      await page.screenshot({ path: join(screenshots, 'hover-log.png') });
    }),
  );

  it(
    '"Netlink: Decode Netlink Bytes in File" opens the decoded document beside the editor',
    { timeout: 60_000 },
    shot('decode-file', async (page) => {
      await page.mouse.move(2, 2);
      await quickOpen(page, 'rtnetlink.c');
      await runCommand(page, 'Netlink: Decode Netlink Bytes in File');
      // The fixture's comment names these too: only an editor showing another document counts.
      const text = await editorText(
        page,
        (uri) => !uri.endsWith('/rtnetlink.c'),
        ['RTM_GETLINK', 'NLM_F_REQUEST', 'RTM_NEWLINK'],
        30_000,
      );
      assert.ok(text.indexOf('RTM_GETLINK') < text.indexOf('RTM_NEWLINK'), `messages in file order:\n${text}`);
      assert.equal(
        await page.locator('.editor-group-container').count(),
        2,
        'decoded text opens beside the source editor',
      );
      await page.screenshot({ path: join(screenshots, 'decode-file.png') });
    }),
  );

  it(
    'the message builder composes a message from fields, shows its bytes live, copies it as a C array and keeps the form when hidden',
    { timeout: 90_000 },
    shot('builder', async (page) => {
      await runCommand(page, 'Netlink: Focus on Message Builder View');
      const frame = builderFrame(page);
      const bytes = (): Promise<string> => builderBytes(frame);
      // The default form: an RTM_GETLINK dump request, seq 1 (the view renders after the host sends its state).
      const dumpRequest = `2000000012000103${'01000000'}${'00'.repeat(4)}${'00'.repeat(16)}`;
      await waitFor(
        `the default RTM_GETLINK dump request ${dumpRequest}`,
        30_000,
        async () => (await bytes()) === dumpRequest,
      );
      await frame.locator('[data-testid=seq] input').fill('7');
      await frame.locator('[data-testid=seq] input').press('Tab');
      await waitFor('seq 7 in the bytes', 10_000, async () => (await bytes()).slice(16, 24) === '07000000');
      await frame.locator('[data-testid="header.ifi_index"] input').fill('1');
      await frame.locator('[data-testid="header.ifi_index"] input').press('Tab');
      await waitFor('ifi_index 1 in the bytes', 10_000, async () => (await bytes()).slice(40, 48) === '01000000');
      const decoded = await frame.locator('[data-testid=decoded-preview]').innerText();
      assert.match(decoded, /RTM_GETLINK/);
      // Copy as a C array: the preview shows exactly what the Copy button puts on the clipboard.
      const copySection = frame.locator('[data-testid=section-copy]');
      if ((await copySection.getAttribute('open')) === null) await copySection.locator('summary').click();
      await frame.locator('[data-testid=copy-format]').click();
      await frame.getByRole('option', { name: 'C array' }).click();
      await waitFor('the C array in the copy preview', 10_000, async () =>
        (await frame.locator('[data-testid=copy-preview]').innerText()).includes(
          '0x20, 0x00, 0x00, 0x00, 0x12, 0x00, 0x01, 0x03',
        ),
      );
      // The form survives the view being hidden and shown again.
      await runCommand(page, 'View: Show Explorer');
      await runCommand(page, 'Netlink: Focus on Message Builder View');
      await waitFor(
        'seq 7 and ifi_index 1 after hiding the view',
        20_000,
        async () => (await bytes()).slice(16, 24) === '07000000' && (await bytes()).slice(40, 48) === '01000000',
      );
      await page.screenshot({ path: join(screenshots, 'builder.png') });
    }),
  );

  it(
    '"Open Hex in Message Builder" loads the bytes selected in an editor into the form',
    { timeout: 90_000 },
    shot('builder-open', async (page) => {
      const request = `20000000120001000100000000000000${'00000000'}01000000${'00'.repeat(8)}`; // getlink_lo_request
      // One editor group only, so the keys below go to the C file (decode reports are read-only: no save prompt).
      await runCommand(page, 'View: Close All Editor Groups');
      await quickOpen(page, 'rtnetlink.c');
      await page.keyboard.press('Control+g');
      await page.keyboard.type('9');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Shift+ArrowDown');
      await page.keyboard.press('Shift+ArrowDown');
      await runCommand(page, 'Netlink: Open Hex in Message Builder');
      const frame = builderFrame(page);
      const bytes = (): Promise<string> => builderBytes(frame);
      await waitFor(`the selected request ${request} in the builder`, 30_000, async () => (await bytes()) === request);
      const flags = await frame.locator('[data-testid=flags-value] input').inputValue();
      assert.equal(flags, '0x1', 'the flags field follows the loaded bytes');
    }),
  );

  it(
    '"Netlink: Select Target" lists each target with where it is and its state; the choice shows in the status bar',
    { timeout: 90_000 },
    shot('select-target', async (page) => {
      await openTargetPick(page);
      const rows = page.locator('.quick-input-list .monaco-list-row');
      let texts: string[] = [];
      await waitFor(
        'two targets in the quick pick',
        10_000,
        async () => (texts = await rows.allInnerTexts()).length === 2,
        () => texts.join(' | '),
      );
      const row = (name: string): string =>
        texts.find((t) => t.split('\n')[0]!.trim() === name) ?? `(no row named ${name} in ${JSON.stringify(texts)})`;
      // The lab is not started in this window: the row says so and names the command that starts it, by its title.
      assert.match(row('lab'), /built-in QEMU lab VM/);
      assert.match(row('lab'), /not running \(Netlink: Start Lab VM\)/);
      assert.match(row(SPARE_TARGET), new RegExp(SPARE_DESTINATION.replace(/\./g, '\\.')));
      await rows.filter({ hasText: SPARE_TARGET }).first().click();
      // Nothing listens on port 9 of 127.0.0.1: the target is chosen, and it is unreachable.
      const item = page.locator('.statusbar-item', { hasText: SPARE_TARGET });
      await item.waitFor({ state: 'visible', timeout: 15_000 });
      let label = '';
      await waitFor(
        `${SPARE_TARGET} unreachable in the status bar`,
        30_000,
        async () => /unreachable/.test((label = (await item.locator('a').first().getAttribute('aria-label')) ?? '')),
        () => label,
      );
      // Back to the lab, as the other tests expect.
      await openTargetPick(page);
      await rows.filter({ hasText: 'built-in QEMU lab VM' }).first().click();
      await item.waitFor({ state: 'hidden', timeout: 15_000 });
    }),
  );

  it('the workbench sent no request outside 127.0.0.1', () => {
    assert.deepEqual(wb.browser.outsideRequests, []);
  });
});
