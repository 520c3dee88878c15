// The capture viewer in the UI tests: its webview's frame and the rows it shows.
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { quickOpen, runCommand, waitFor } from './workbench';

/** What a test reads in a webview. */
export type Scope = Pick<Frame, 'locator'>;

/**
 * The webview frame whose page has `selector` (the capture viewer and the builder are both this extension's
 * webviews, told apart by their root element).
 */
export async function frameWith(page: Page, selector: string, what: string, timeoutMs = 60_000): Promise<Frame> {
  let found: Frame | undefined;
  await waitFor(what, timeoutMs, async () => {
    for (const f of page.frames())
      if (
        (await f
          .locator(selector)
          .count()
          .catch(() => 0)) > 0
      )
        found = f;
    return found !== undefined;
  });
  return found!;
}

/**
 * Opens a capture file by Quick Open and returns its viewer's frame. Right after start-up code-server once opened
 * the file in the text editor ("not displayed ... binary") instead of the extension's custom editor it had not
 * registered yet: then that tab is closed and the file opened again, as a person would.
 */
export async function openCaptureFile(page: Page, fileName: string): Promise<Frame> {
  for (let attempt = 1; ; attempt++) {
    await quickOpen(page, fileName);
    try {
      return await frameWith(page, '[data-testid=capture-root]', 'the capture viewer', 20_000);
    } catch (e) {
      if (attempt === 3) throw e;
      await runCommand(page, 'View: Close Editor');
    }
  }
}

/** The rows on screen: their index row number and their cells' text. */
export async function shownRows(frame: Scope): Promise<{ row: number; cells: string[] }[]> {
  return frame.locator('[data-testid=capture-table]').evaluate((t) =>
    Array.from(t.querySelectorAll<HTMLElement>('[data-row]'), (r) => ({
      row: Number(r.dataset['row']),
      cells: Array.from(r.children, (c) => c.textContent ?? ''),
    })),
  );
}

/** The message builder's frame when the capture viewer is open too (builderFrame would match both webviews). */
export async function builderBeside(page: Page): Promise<FrameLocator> {
  const outer = 'iframe.webview.ready[src*="extensionId=netlink-workbench.netlink-workbench"]';
  let found: FrameLocator | undefined;
  await waitFor('the message builder form', 60_000, async () => {
    const n = await page.locator(outer).count();
    for (let i = 0; i < n; i++) {
      const frame = page.frameLocator(outer).nth(i).frameLocator('iframe#active-frame');
      if ((await frame.locator('[data-testid=form]').count()) > 0) found = frame;
    }
    return found !== undefined;
  });
  return found!;
}
