// Driving the message builder's webview: @vscode-elements controls (selects, checkboxes), the keyboard focus
// inside the webview, and expected netlink bytes built here, independently of the extension's encoder.
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { waitFor } from './workbench';

export async function isChecked(box: Locator): Promise<boolean> {
  return box.evaluate((el) => (el as HTMLElement & { checked: boolean }).checked);
}

/**
 * Click a control after scrolling it to the middle of the webview. Playwright's own scrolling stops once part of
 * the element shows, and inside the webview's iframes the point it then clicks can fall on the view's header.
 */
export async function clickInView(control: Locator): Promise<void> {
  await control.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await control.click();
}

/** The value of a vscode-single-select. */
export async function selectValue(frame: FrameLocator, testid: string): Promise<string> {
  return frame.locator(`[data-testid="${testid}"]`).evaluate((el) => (el as HTMLElement & { value: string }).value);
}

/**
 * Choose an option of a vscode-single-select by its visible label and wait until the select holds `value`. A
 * combobox opens its list when typed into (the typing filters it); a plain select opens on a click. Options are
 * looked for inside the select: the hex view's bytes are options too.
 */
export async function choose(frame: FrameLocator, testid: string, label: string, value: string): Promise<void> {
  const select = frame.locator(`[data-testid="${testid}"]`);
  await select.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  if (await select.evaluate((el) => (el as HTMLElement & { combobox: boolean }).combobox))
    await select.locator('input').fill(label);
  else await select.click();
  await select.getByRole('option', { name: label, exact: true }).first().click();
  let seen = '';
  await waitFor(
    `${testid} = ${value}`,
    5_000,
    async () => (seen = await selectValue(frame, testid)) === value,
    () => seen,
  );
}

/**
 * What has the keyboard focus in the builder, named the way `focusableKeys` names controls: the data-testid of
 * the light-DOM element that has it (a control's host), else its tag and text ("summary:Message").
 * "(outside)" when the focus is not in the builder's document.
 */
export async function focusedKey(frame: FrameLocator): Promise<string> {
  return frame.locator('body').evaluate((body) => {
    const el = body.ownerDocument.activeElement;
    if (!body.ownerDocument.hasFocus() || !el || el === body) return '(outside)';
    const id = (el as HTMLElement).dataset['testid'];
    return id ?? `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim().slice(0, 40)}`;
  });
}

/**
 * Every control a person can operate in the builder as it is shown now (in open sections, not disabled), in
 * document order, named like focusedKey.
 */
export async function focusableKeys(frame: FrameLocator): Promise<string[]> {
  return frame.locator('body').evaluate((body) => {
    const selector =
      'vscode-textfield, vscode-textarea, vscode-single-select, vscode-checkbox, vscode-button, summary, a[href], button, [tabindex="0"]';
    return (
      Array.from(body.querySelectorAll<HTMLElement>(selector))
        // Rendered (the inside of a closed details is not) and enabled.
        .filter((el) => el.getClientRects().length > 0 && !(el as HTMLElement & { disabled?: boolean }).disabled)
        .map(
          (el) => el.dataset['testid'] ?? `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim().slice(0, 40)}`,
        )
    );
  });
}

/**
 * Select all the text of the focused field from the keyboard, to type over it. Not Ctrl+A: a webview forwards
 * that key to the workbench too, whose "Select All" comes back to the webview as a message and may land after the
 * next keystrokes, selecting them (typing "42" then left "2").
 */
export async function selectFieldText(page: Page): Promise<void> {
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
}

/** Press Tab (or Shift+Tab) until `key` has the focus; fails after `maxPresses` naming what was passed. */
export async function tabTo(
  page: Page,
  frame: FrameLocator,
  key: string,
  opts: { back?: boolean; maxPresses?: number } = {},
): Promise<number> {
  const passed: string[] = [];
  for (let i = 0; i <= (opts.maxPresses ?? 80); i++) {
    const now = await focusedKey(frame);
    if (now === key) return i;
    passed.push(now);
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${key} never got the focus with ${opts.back ? 'Shift+Tab' : 'Tab'}; passed: ${passed.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Expected bytes, written out by hand from the netlink layouts (not through the extension's code).

function le(value: number, size: 1 | 2 | 4): string {
  let out = '';
  for (let i = 0; i < size; i++) out += ((value >>> (8 * i)) & 0xff).toString(16).padStart(2, '0');
  return out;
}

export const u8 = (v: number): string => le(v, 1);
export const u16 = (v: number): string => le(v, 2);
export const u32 = (v: number): string => le(v, 4);

/** A C string's bytes with its NUL, as hex. */
export function cstr(s: string): string {
  return `${Buffer.from(s, 'latin1').toString('hex')}00`;
}

/** struct nlattr (len, type) + payload, padded to 4 bytes. */
export function nlattr(type: number, payloadHex: string): string {
  const len = 4 + payloadHex.length / 2;
  return `${u16(len)}${u16(type)}${payloadHex}${'00'.repeat((4 - (len % 4)) % 4)}`;
}

/** struct nlmsghdr + payload (the payload is already aligned in every message the tests build). */
export function nlmsg(h: { type: number; flags: number; seq: number; pid?: number }, payloadHex: string): string {
  return `${u32(16 + payloadHex.length / 2)}${u16(h.type)}${u16(h.flags)}${u32(h.seq)}${u32(h.pid ?? 0)}${payloadHex}`;
}

/** Fold the side bar's other views so the builder has its whole height (for pictures that show the form). */
export async function builderFillsSideBar(page: Page): Promise<void> {
  const others = page.locator('.part.sidebar .pane-header[aria-expanded="true"]', { hasNotText: 'Message Builder' });
  for (let n = await others.count(); n > 0; n--) await others.first().click();
}
