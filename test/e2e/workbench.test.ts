// What a person sees: in a real VS Code (code-server in Chromium) hovering netlink bytes shows the decoded
// message, and "Netlink: Decode Netlink Bytes in File" opens the decoded text beside the editor.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ensureAll } from './harness/install';
import { repoRoot, resultsRoot } from './harness/paths';
import { editorText, hoverUntil, openWorkbench, quickOpen, runCommand, type Workbench } from './harness/workbench';

const screenshots = join(resultsRoot, 'screenshots');
// NETLINK_E2E_EXTENSION lets the harness itself be checked against another extension folder.
const extensionPath = process.env.NETLINK_E2E_EXTENSION ?? repoRoot;

describe('workbench UI', () => {
  let wb: Workbench;

  before(async () => {
    // Old failure pictures would mislead: every run starts with an empty folder.
    rmSync(screenshots, { recursive: true, force: true });
    mkdirSync(screenshots, { recursive: true });
    await ensureAll();
    wb = await openWorkbench({ extensionPath, workspace: join(repoRoot, 'test', 'fixtures', 'e2e'), runName: 'e2e' });
  }, { timeout: 30 * 60_000 });

  after(async () => {
    await wb?.close();
  }, { timeout: 30_000 });

  /** The test body, with a screenshot of the workbench kept when it fails. */
  const shotOnFailure = (name: string, body: (page: Page) => Promise<void>) => async (): Promise<void> => {
    try {
      await body(wb.page);
    } catch (err) {
      await wb.page.screenshot({ path: join(screenshots, `${name}-failed.png`) }).catch(() => undefined);
      throw err;
    }
  };

  it('hovering a byte of the RTM_NEWLINK reply shows the decoded message', { timeout: 150_000 }, shotOnFailure('hover', async (page) => {
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
  }));

  it('hovering spaced hex in a log shows NLMSG_ERROR and the errno name', { timeout: 60_000 }, shotOnFailure('hover-log', async (page) => {
    await quickOpen(page, 'kernel.log');
    // The message's first byte (the log colours each number as its own token, so the needle is one number).
    await hoverUntil(page, 'nldump: rx', '34', ['NLMSG_ERROR', 'ENODEV'], 30_000);
    await page.screenshot({ path: join(screenshots, 'hover-log.png') });
  }));

  it('"Netlink: Decode Netlink Bytes in File" opens the decoded document beside the editor', { timeout: 60_000 }, shotOnFailure('decode-file', async (page) => {
    await page.mouse.move(2, 2);
    await quickOpen(page, 'rtnetlink.c');
    await runCommand(page, 'Netlink: Decode Netlink Bytes in File');
    // The fixture's comment names these too: only an editor showing another document counts.
    const text = await editorText(page, (uri) => !uri.endsWith('/rtnetlink.c'), ['RTM_GETLINK', 'NLM_F_REQUEST', 'RTM_NEWLINK'], 30_000);
    assert.ok(text.indexOf('RTM_GETLINK') < text.indexOf('RTM_NEWLINK'), `messages in file order:\n${text}`);
    assert.equal(await page.locator('.editor-group-container').count(), 2, 'decoded text opens beside the source editor');
    await page.screenshot({ path: join(screenshots, 'decode-file.png') });
  }));

  it('the workbench sent no request outside 127.0.0.1', () => {
    assert.deepEqual(wb.browser.outsideRequests, []);
  });
});
