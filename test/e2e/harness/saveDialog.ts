// VS Code's own save dialog as code-server shows it (a path in the quick input), typed into as a person would.
import type { Page } from 'playwright-core';
import { waitFor } from './workbench';

/**
 * Answer the save dialog that is opening with `target`: wait for the name it suggests (`suggested`, matched
 * against the whole path it shows), type the path over it and press Enter.
 */
export async function saveDialogAs(page: Page, suggested: RegExp, target: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  // The dialog fills in the folder first, then the suggested name.
  let seen = '';
  await waitFor(
    `the suggested file name ${suggested}`,
    15_000,
    async () => suggested.test((seen = await input.inputValue())),
    () => seen,
  );
  await input.fill(target);
  // The dialog may still be completing its folder as the path is typed: press Enter only on our own path.
  await waitFor(
    'the typed path',
    15_000,
    async () => (seen = await input.inputValue()) === target,
    () => seen,
  );
  // Accepted, the dialog closes. In CI it once stayed open on our path after Enter (pressed while it was still
  // checking the typed folder, it seems): accept again with its OK button until it closes.
  const button = page.locator('.quick-input-widget .quick-input-action a, .quick-input-widget .monaco-button', {
    hasText: /^OK$/,
  });
  await input.press('Enter');
  let lastAccept = Date.now();
  await waitFor('the save dialog to close', 15_000, async () => {
    if (!(await input.isVisible())) return true;
    if (Date.now() - lastAccept > 2_000 && (await input.inputValue()) === target && (await button.count()) > 0) {
      lastAccept = Date.now();
      await button.first().click();
    }
    return false;
  });
}
