// A code-server with the extension installed plus a browser page showing its workbench: what the UI tests drive.
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { openBrowser, type BrowserSession } from './browser';
import { cleanupAll, delay, withTimeout } from './cleanup';
import { makeRunDirs, startCodeServer, type CodeServer } from './code-server';
import { linkExtension } from './extension';

export interface Workbench {
  server: CodeServer;
  browser: BrowserSession;
  page: Page;
  close(): Promise<void>;
}

export async function openWorkbench(opts: {
  extensionPath: string;
  workspace: string;
  runName: string;
  /** User settings on top of the offline ones (e.g. spec folders for the families a test needs). */
  settings?: Record<string, unknown>;
}): Promise<Workbench> {
  const dirs = makeRunDirs(opts.runName);
  linkExtension(dirs.extensionsDir, opts.extensionPath);
  try {
    const server = await startCodeServer({
      dirs,
      workspace: opts.workspace,
      ...(opts.settings ? { settings: opts.settings } : {}),
    });
    const browser = await openBrowser();
    const { page } = browser;
    await withTimeout(
      'opening the workbench',
      60_000,
      page.goto(`${server.origin}/?folder=${encodeURIComponent(opts.workspace)}`),
    );
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    return { server, browser, page, close: cleanupAll };
  } catch (err) {
    await cleanupAll();
    throw err;
  }
}

/** Quick open (Ctrl+P) a file of the workspace by name and wait until its editor is the active one. */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  await pick(page, 'Control+P', fileName, fileName);
  await page
    .locator(`.editor-group-container.active .tab.active[aria-label*="${fileName}"]`)
    .first()
    .waitFor({ state: 'visible' });
}

/** Run a command from the F1 palette by its title ("Netlink: Decode ..."). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await pick(page, 'F1', `>${title}`, title);
}

/**
 * Run a command that opens a quick pick of its own and return once that pick shows (runCommand would wait for the
 * palette to close). Retried: until the extension's contributions are read, the palette does not list its commands.
 */
export async function openCommandPick(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await waitFor(`"${title}" in the command palette`, 60_000, async () => {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = exactRow(page, title);
    if (
      !(await row.waitFor({ state: 'visible', timeout: 5_000 }).then(
        () => true,
        () => false,
      ))
    ) {
      await page.keyboard.press('Escape');
      return false;
    }
    await chooseRow(page, row);
    return true;
  });
  // The same widget comes back with the command's own list, without the ">" of the command palette.
  await waitFor(`the quick pick of "${title}"`, 10_000, async () => !(await input.inputValue()).startsWith('>'));
}

/**
 * Run a command that opens a second quick pick (e.g. "Preferences: Color Theme") and choose the row whose label
 * is exactly `label`. Rows are matched by their whole label: typing filters by substring, and the highlighted
 * first row may be another one ("Preferences: Browse Color Themes in Marketplace", "Default High Contrast Light").
 */
export async function runCommandAndPick(page: Page, title: string, label: string): Promise<void> {
  await openCommandPick(page, title);
  const input = page.locator('.quick-input-widget input.input');
  await input.fill(label);
  await chooseRow(page, exactRow(page, label));
  await input.waitFor({ state: 'hidden' });
}

/**
 * Accepts a quick pick row by keyboard (the list's focus moved onto it, then Enter): a click can land on a hover
 * the pointer left open from an earlier click (CI saw a row's description hover cover the row for 30 s).
 */
async function chooseRow(page: Page, row: Locator): Promise<void> {
  await row.waitFor({ state: 'visible' });
  await page.mouse.move(0, 0);
  const focused = (): Promise<boolean> => row.evaluate((el) => el.classList.contains('focused'));
  for (let i = 0; i < 100 && !(await focused()); i++) await page.keyboard.press('ArrowDown');
  if (await focused()) await page.keyboard.press('Enter');
  else await row.click();
}

/** The quick pick row labelled exactly `label` (its aria-label is the label, then ", description" if any). */
function exactRow(page: Page, label: string): Locator {
  const rows = page.locator('.quick-input-list .monaco-list-row');
  const quoted = JSON.stringify(label);
  const byAria = page.locator(
    `.quick-input-list .monaco-list-row[aria-label=${quoted}], .quick-input-list .monaco-list-row[aria-label^=${JSON.stringify(`${label}, `)}]`,
  );
  const byName = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
  return byAria.or(byName).first();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * "Developer: Reload Window", then wait until the reloaded workbench is up and the extension has contributed
 * its activity bar entry (the palette has no Netlink commands before that).
 */
export async function reloadWindow(page: Page): Promise<void> {
  const before = await page.evaluate(() => performance.timeOrigin);
  await runCommand(page, 'Developer: Reload Window').catch(() => undefined);
  await waitFor(
    'the reloaded page',
    60_000,
    async () => (await page.evaluate(() => performance.timeOrigin)) !== before,
  );
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await netlinkReady(page);
}

/** The Netlink view container is in the activity bar: the extension's contributions are registered. */
export async function netlinkReady(page: Page): Promise<void> {
  await page
    .locator(
      '.part.activitybar .action-item[aria-label^="Netlink"], .part.activitybar .action-label[aria-label^="Netlink"]',
    )
    .first()
    .waitFor({ state: 'attached', timeout: 90_000 });
}

/**
 * Show and focus the message builder from the palette and wait until its form is rendered (the host has sent
 * the catalog). Retries the palette: right after a start or reload the command may not be registered yet.
 */
export async function focusBuilder(page: Page, timeoutMs = 90_000): Promise<FrameLocator> {
  await netlinkReady(page);
  const frame = builderFrame(page);
  let lastError = '';
  await waitFor(
    'the message builder form',
    timeoutMs,
    async () => {
      try {
        await runCommand(page, 'Netlink: Focus on Message Builder View');
      } catch (e) {
        lastError = e instanceof Error ? e.message.split('\n')[0]! : String(e);
        await page.keyboard.press('Escape');
        return false;
      }
      await frame.locator('[data-testid=form]').waitFor({ state: 'visible', timeout: 15_000 });
      return true;
    },
    () => lastError,
  );
  return frame;
}

/**
 * Open the quick input with `key`, type `query` and press Enter once the focused row shows `rowText`: the list
 * filters asynchronously, and Enter before that picks whatever was first (e.g. the most recent file).
 */
async function pick(page: Page, key: string, query: string, rowText: string): Promise<void> {
  await page.keyboard.press(key);
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(query);
  await page
    .locator('.quick-input-list .monaco-list-row.focused', { hasText: rowText })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

export interface Point {
  x: number;
  y: number;
}

/**
 * The screen centre of the first `needle` on the first rendered editor line at or after the line containing
 * `anchor` (a DOM Range over the text node, as Monaco renders each token in its own span). Undefined when it is
 * not rendered or not visible. The needle must lie within one token (e.g. "0x10", or text without numbers).
 */
export async function textPoint(page: Page, anchor: string, needle: string): Promise<Point | undefined> {
  return page.evaluate(
    ({ anchor, needle }) => {
      const top = (el: Element): number => parseFloat((el as HTMLElement).style.top || '0');
      const lines = Array.from(
        document.querySelectorAll('.editor-group-container.active .monaco-editor .view-line'),
      ).sort((a, b) => top(a) - top(b));
      const norm = (s: string | null): string => (s ?? '').replace(/\u00a0/g, ' ');
      const from = lines.findIndex((l) => norm(l.textContent).includes(anchor));
      if (from < 0) return undefined;
      for (const line of lines.slice(from)) {
        // On the anchor's own line only text after the anchor counts.
        const after = line === lines[from] ? norm(line.textContent).indexOf(anchor) + anchor.length : 0;
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        let offset = 0;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const text = norm(n.textContent);
          const at = text.indexOf(needle, Math.max(0, after - offset));
          offset += text.length;
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(n, at);
          range.setEnd(n, at + needle.length);
          const r = range.getBoundingClientRect();
          const point = { x: r.left + r.width / 2, y: r.top + r.height / 2 };
          // Rendered but scrolled or covered (e.g. past the editor's right edge) is not hoverable.
          const hit = document.elementFromPoint(point.x, point.y);
          return hit && line.contains(hit) ? point : undefined;
        }
      }
      return undefined;
    },
    { anchor, needle },
  );
}

/**
 * Hover the text and return the hover widget's text once it has every expected piece. Moves away and back while
 * waiting: a hover shown before the language server was ready does not update by itself.
 */
export async function hoverUntil(
  page: Page,
  anchor: string,
  needle: string,
  expected: readonly string[],
  timeoutMs = 60_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const p = await textPoint(page, anchor, needle);
    if (p) {
      await page.mouse.move(p.x, p.y, { steps: 2 });
      const hover = page.locator('.monaco-hover:not(.hidden)');
      const t0 = Date.now();
      while (Date.now() - t0 < 3_000) {
        last = (await hover.allInnerTexts().catch(() => [])).join('\n');
        if (expected.every((e) => last.includes(e))) return last;
        await delay(200);
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `hover over "${needle}" after "${anchor}": ${p ? `missing ${expected.filter((e) => !last.includes(e)).join(', ')} in:\n${last || '(no hover)'}` : 'text not rendered or not visible in the editor'}`,
      );
    }
    await page.mouse.move(2, 2);
    await delay(500);
  }
}

/**
 * The rendered text of the first editor whose document URI passes `which` and whose text has every expected
 * piece (only the lines Monaco renders, i.e. the visible ones). Fails with what the editors showed.
 */
export async function editorText(
  page: Page,
  which: (uri: string) => boolean,
  expected: readonly string[],
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen: { uri: string; text: string }[] = [];
  for (;;) {
    seen = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.editor-group-container .monaco-editor[data-uri]')).map((e) => ({
        uri: e.getAttribute('data-uri') ?? '',
        text: Array.from(e.querySelectorAll('.view-line'))
          .sort(
            (a, b) => parseFloat((a as HTMLElement).style.top || '0') - parseFloat((b as HTMLElement).style.top || '0'),
          )
          .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
          .join('\n'),
      })),
    );
    const hit = seen.find((e) => which(e.uri) && expected.every((x) => e.text.includes(x)));
    if (hit) return hit.text;
    if (Date.now() > deadline) {
      throw new Error(
        `no editor shows ${expected.join(', ')}; editors:\n${seen.map((e) => `${e.uri}:\n${e.text.slice(0, 500)}`).join('\n---\n')}`,
      );
    }
    await delay(300);
  }
}

/** Poll `check` until it passes; the error names what was awaited and the last thing seen. */
export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  seen?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${seen ? `; last seen: ${seen()}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A test body that keeps a screenshot of the workbench (`<dir>/<name>-failed.png`) when it fails. */
export function shotOnFailure(page: () => Page, dir: string) {
  return (name: string, body: (page: Page) => Promise<void>) => async (): Promise<void> => {
    try {
      await body(page());
    } catch (err) {
      await page()
        .screenshot({ path: `${dir}/${name}-failed.png` })
        .catch(() => undefined);
      throw err;
    }
  };
}

/** The message builder's webview (two nested iframes in the workbench). */
export function builderFrame(page: Page): FrameLocator {
  return page
    .frameLocator('iframe.webview.ready[src*="extensionId=netlink-workbench.netlink-workbench"]')
    .frameLocator('iframe#active-frame');
}

/** The builder's bytes as contiguous hex, read from its hex view (rows are an offset, then the bytes). */
export async function builderBytes(frame: FrameLocator): Promise<string> {
  const text = await frame.locator('[data-testid=hex-view]').innerText({ timeout: 30_000 });
  return text
    .split('\n')
    .map((row) => row.trim().slice(4).replace(/\s+/g, ''))
    .join('');
}

/** The text of the notification toasts (info and error messages show there in a normal workbench). */
export async function toastText(page: Page): Promise<string> {
  return (await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).join('\n');
}

/** Wait for a toast with `expected`; fail at once, quoting it, if an error toast comes instead. */
export async function waitForToast(page: Page, expected: RegExp, timeoutMs: number): Promise<void> {
  let last = '';
  let errors: string[] = [];
  await waitFor(
    `a notification matching ${expected}`,
    timeoutMs,
    async () => {
      last = await toastText(page);
      errors = await page
        .locator('.notifications-toasts .notification-list-item:has(.codicon-error) .notification-list-item-message')
        .allInnerTexts();
      return errors.length > 0 || expected.test(last);
    },
    () => last || '(no notification)',
  );
  if (errors.length > 0) throw new Error(`error notification instead of ${expected}: ${errors.join('\n')}`);
}
