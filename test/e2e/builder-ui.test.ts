// The message builder as a person uses it, in code-server + Chromium: composing with the keyboard alone (every
// control reachable), every "Copy as" format as it lands on the clipboard, the form surviving a window reload,
// a message pasted as hex into "Load bytes" (and bad hex refused with its place), invalid fields marked with
// the reason and Send held back until they are fixed, and the colours following the four default themes with a
// readable byte highlight. Needs no target: nothing is sent here (builder-send.test.ts sends to the lab VM).
// The tests share one window and depend on their order (run one at a time, in file order): the first starts from
// the default form of a fresh window, the others compose or load the form they check, and the last checks the
// requests the whole file made.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import {
  builderFillsSideBar,
  choose,
  clickInView,
  cstr,
  focusableKeys,
  focusedKey,
  isChecked,
  nlattr,
  nlmsg,
  selectFieldText,
  selectValue,
  tabTo,
  u16,
  u32,
  u8,
} from './harness/builder';
import { ensureAll } from './harness/install';
import { repoRoot, resultsRoot, runsRoot } from './harness/paths';
import {
  builderBytes,
  focusBuilder,
  openWorkbench,
  reloadWindow,
  runCommandAndPick,
  shotOnFailure,
  waitFor,
  type Workbench,
} from './harness/workbench';
import {
  NLM_F_REQUEST,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_CREATE,
  RTM_NEWLINK,
  RTM_GETADDR,
  IFA_LABEL,
  IFLA_IFNAME,
  IFLA_MTU,
  IFLA_OPERSTATE,
  IFLA_LINKINFO,
  IFLA_INFO_KIND,
  NLA_F_NESTED,
  IFF_UP,
} from '../support/netlink-bytes';

const screenshots = join(resultsRoot, 'screenshots');

// A small generic netlink family from a YNL spec: the YNL "Copy as" formats apply only to spec families. Its id
// comes from the netlink.decoder.genlFamilyIds setting (no kernel to ask here).
const specDir = join(runsRoot, 'builder-ui-specs');
const specFile = join(specDir, 'wb-e2e.yaml');
const FAMILY = 'wb-e2e';
const FAMILY_ID = 0x1d;
const DEV_GET = 3;
const ATTR_IFINDEX = 1;
const ATTR_NAME = 2;
const spec = `name: ${FAMILY}
protocol: genetlink
doc: A family for the builder's UI tests.
attribute-sets:
  - name: dev
    attributes:
      - { name: ifindex, type: u32, checks: { max: 100 } }
      - { name: name, type: string }
operations:
  list:
    - name: dev-get
      value: ${DEV_GET}
      attribute-set: dev
      do: { request: { attributes: [ ifindex, name ] } }
      dump: { request: { attributes: [ ifindex ] } }
`;

/**
 * The message pasted in the load tests: RTM_NEWLINK (REQUEST|ACK|EXCL|CREATE, seq 77) for ifindex 5, IFF_UP,
 * IFLA_IFNAME "dummy0", IFLA_MTU 1400, IFLA_LINKINFO { IFLA_INFO_KIND "dummy" } as iproute2 sends it.
 */
const PASTED = nlmsg(
  { type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, seq: 77 },
  `${u8(0)}${u8(0)}${u16(0)}${u32(5)}${u32(IFF_UP)}${u32(IFF_UP)}` +
    `${nlattr(IFLA_IFNAME, cstr('dummy0'))}${nlattr(IFLA_MTU, u32(1400))}${nlattr(NLA_F_NESTED | IFLA_LINKINFO, nlattr(IFLA_INFO_KIND, cstr('dummy')))}`,
);

/** Bytes as a C array the way a person copies it out of a program: 8 a line, 0x.., a declaration around it. */
function cArray(hex: string): string {
  const bytes = hex.match(/../g)!.map((b) => `0x${b}`);
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 8) lines.push(`\t${bytes.slice(i, i + 8).join(', ')},`);
  return `static const unsigned char msg[] = {\n${lines.join('\n')}\n};\n`;
}

/** Paste `text` into the "Load bytes" box and press "Load into form". */
async function pasteAndLoad(frame: FrameLocator, text: string): Promise<void> {
  await openSection(frame, 'load');
  await frame.locator('[data-testid=load-hex] textarea').fill(text);
  await clickInView(frame.locator('[data-testid=load-button]'));
}

/** Every attribute row's type and value field (containers have no value field), in the order shown. */
async function attrRows(frame: FrameLocator): Promise<{ types: string[]; values: string[] }> {
  return frame.locator('[data-testid=attr-tree]').evaluate((tree) => ({
    types: Array.from(tree.querySelectorAll<HTMLElement & { value: string }>('[data-testid^="attr-type-"]')).map(
      (e) => e.value,
    ),
    values: Array.from(tree.querySelectorAll<HTMLElement & { value: string }>('[data-testid^="attr-value-"]')).map(
      (e) => e.value,
    ),
  }));
}

/** What the builder says about a field and about sending: the error next to the field, its mark, Send. */
async function fieldState(
  frame: FrameLocator,
  field: string,
  testid: string,
): Promise<{
  error: string;
  invalid: boolean;
  sendDisabled: boolean;
  sendBlocked: string;
  length: string;
  gridInvalid: boolean;
}> {
  return {
    error: await frame.locator(`[data-testid="error-${field}"]`).innerText(),
    invalid: await frame
      .locator(`[data-testid="${testid}"]`)
      .evaluate((el) => (el as HTMLElement & { invalid: boolean }).invalid),
    sendDisabled: await frame
      .locator('[data-testid=send-button]')
      .evaluate((el) => (el as HTMLElement & { disabled: boolean }).disabled),
    sendBlocked: await frame.locator('[data-testid=send-blocked]').innerText(),
    length: await frame.locator('[data-testid=bytes-length]').innerText(),
    gridInvalid: await frame.locator('[data-testid=hex-view]').evaluate((el) => el.classList.contains('invalid')),
  };
}

async function bytesAre(frame: FrameLocator, expected: string, what: string, timeoutMs = 10_000): Promise<void> {
  let seen = '';
  await waitFor(
    `${what}: bytes ${expected}`,
    timeoutMs,
    async () => (seen = await builderBytes(frame)) === expected,
    () => seen,
  );
}

/** Open a section of the builder (details) if it is closed. */
async function openSection(frame: FrameLocator, id: string): Promise<void> {
  const section = frame.locator(`[data-testid="section-${id}"]`);
  if (!(await section.evaluate((el) => (el as HTMLDetailsElement).open)))
    await section.locator(':scope > summary').click();
}

/**
 * With the mouse: generic netlink, family wb-e2e, dev-get, NLM_F_ACK on top of the dump flags, ifindex 7 and
 * name "eth0". Returns the bytes that must result.
 */
async function composeGenl(frame: FrameLocator): Promise<string> {
  await choose(frame, 'protocol-select', 'generic (16): generic netlink', '16');
  await choose(frame, 'genl-family', FAMILY, FAMILY);
  await choose(frame, 'message-type', 'dev-get', 'dev-get');
  // The form is rebuilt just after a choice: wait for the new one (dev-get's dump flags) before clicking in it.
  const flags = frame.locator('[data-testid=flags-value] input');
  await waitFor('the dump flags of dev-get', 5_000, async () => (await flags.inputValue()) === '0x301');
  // A press on a field must not scroll the view (the release would land on another control and the click be lost).
  const ack = frame.locator('[data-testid="flag-NLM_F_ACK"]');
  await ack.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const scrolled = (): Promise<number> => ack.evaluate((el) => el.ownerDocument.scrollingElement?.scrollTop ?? 0);
  const top = await scrolled();
  await ack.click();
  assert.equal(await scrolled(), top, 'clicking a flag leaves the view where it was');
  await waitFor('NLM_F_ACK in the flags', 5_000, async () => (await flags.inputValue()) === '0x305');
  await frame.locator('[data-testid="seq"] input').fill('5');
  for (const [type, value] of [
    ['ifindex', '7'],
    ['name', 'eth0'],
  ] as const) {
    await choose(frame, 'add-attr-type-top', type, type);
    const before = await frame.locator('[data-testid^="attr-value-"]').count();
    await clickInView(frame.locator('[data-testid="add-attr-top"]'));
    await waitFor(
      `a row for ${type}`,
      5_000,
      async () => (await frame.locator('[data-testid^="attr-value-"]').count()) === before + 1,
    );
    await frame.locator('[data-testid^="attr-value-"]').last().locator('input').fill(value);
  }
  const expected = nlmsg(
    { type: FAMILY_ID, flags: NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK, seq: 5 },
    `${u8(DEV_GET)}${u8(1)}${u16(0)}${nlattr(ATTR_IFINDEX, u32(7))}${nlattr(ATTR_NAME, cstr('eth0'))}`,
  );
  await bytesAre(frame, expected, 'the composed wb-e2e dev-get');
  return expected;
}

// ---------------------------------------------------------------------------------------------
// Colours.

type Rgba = [number, number, number, number];

function parseColor(css: string): Rgba {
  const m = /^rgba?\(([^)]+)\)$/.exec(css.trim());
  if (!m) throw new Error(`not a computed colour: "${css}"`);
  const [r, g, b, a] = m[1]!
    .split(/[,\s/]+/)
    .filter(Boolean)
    .map(Number);
  return [r!, g!, b!, a ?? 1];
}

/** `top` drawn over the opaque `bottom`. */
function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i]! * a + bottom[i]! * (1 - a)).concat(1) as Rgba;
}

/** WCAG 2 relative luminance and contrast ratio. */
function luminance([r, g, b]: Rgba): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

interface ThemeLook {
  bodyClass: string;
  /** Computed colour of the builder's text, and --vscode-foreground resolved to a colour. */
  color: string;
  foregroundVar: string;
  /** The side bar's background in the workbench (the builder is transparent over it) and in the webview's variables. */
  sidebarBackground: string;
  sidebarBackgroundVar: string;
  hexBorder: string;
  /** --vscode-editor-selectionHighlightBackground and --vscode-contrastActiveBorder, resolved. */
  highlightVar: string;
  contrastBorderVar: string;
  /** Highlighted bytes and the cursor byte: text colour, own background (may be translucent), outline. */
  highlighted: { offset: string; cursor: boolean; color: string; background: string; outline: string }[];
}

/** A colour expression resolved to a computed rgb() string inside the webview. */
async function look(page: Page, frame: FrameLocator): Promise<ThemeLook> {
  const sidebarBackground = await page.locator('.part.sidebar').evaluate((el) => getComputedStyle(el).backgroundColor);
  const inner = await frame.locator('body').evaluate((body) => {
    const resolveVar = (name: string): string => {
      const probe = body.ownerDocument.createElement('span');
      probe.style.color = `var(${name})`;
      body.append(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    };
    // The highlighted bytes and the cursor byte (drawn with the selection colour).
    const cells = Array.from(
      body.querySelectorAll<HTMLElement>('[data-testid=hex-view] .b.hl, [data-testid=hex-view] .b.cur'),
    );
    return {
      bodyClass: (body as HTMLElement).className,
      color: getComputedStyle(body).color,
      foregroundVar: resolveVar('--vscode-foreground'),
      sidebarBackgroundVar: resolveVar('--vscode-sideBar-background'),
      hexBorder: getComputedStyle(body.querySelector('[data-testid=hex-view]')!).borderTopColor,
      highlightVar: resolveVar('--vscode-editor-selectionHighlightBackground'),
      contrastBorderVar: resolveVar('--vscode-contrastActiveBorder'),
      highlighted: cells.map((c) => {
        const style = getComputedStyle(c);
        return {
          offset: c.dataset['offset'] ?? '?',
          cursor: c.classList.contains('cur'),
          color: style.color,
          background: style.backgroundColor,
          outline: style.outlineStyle === 'none' ? 'none' : style.outlineColor,
        };
      }),
    };
  });
  return { ...inner, sidebarBackground };
}

/** The workbench.colorTheme ids and the labels the theme picker shows for them. */
const THEMES = [
  { id: 'Default Light Modern', label: 'Light Modern', bodyClass: 'vscode-light' },
  { id: 'Default Dark Modern', label: 'Dark Modern', bodyClass: 'vscode-dark' },
  { id: 'Default High Contrast', label: 'Dark High Contrast', bodyClass: 'vscode-high-contrast' },
  { id: 'Default High Contrast Light', label: 'Light High Contrast', bodyClass: 'vscode-high-contrast-light' },
] as const;

describe('message builder UI', () => {
  let wb: Workbench;

  before(
    async () => {
      mkdirSync(screenshots, { recursive: true });
      mkdirSync(specDir, { recursive: true });
      writeFileSync(specFile, spec);
      await ensureAll();
      wb = await openWorkbench({
        extensionPath: repoRoot,
        workspace: join(repoRoot, 'test', 'fixtures', 'e2e'),
        runName: 'builder-ui',
        settings: {
          'netlink.decoder.specFolders': [specDir],
          'netlink.decoder.genlFamilyIds': { [FAMILY]: FAMILY_ID },
        },
      });
      // Copy as is read back from the page's clipboard, as a paste would.
      await wb.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: wb.server.origin });
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
    'keyboard alone: every control is reachable with Tab / Shift+Tab, and a message is composed with keys',
    { timeout: 180_000 },
    shot('builder-keyboard', async (page) => {
      // The palette is keys too (F1, typing, Enter); the mouse is never used in this test.
      const frame = await focusBuilder(page);
      await bytesAre(
        frame,
        nlmsg({ type: 18, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 1 }, '00'.repeat(16)),
        'the default RTM_GETLINK dump request',
        30_000,
      );
      // Open the sections that start closed (history, load bytes) from the keyboard: Enter on their summary.
      for (const title of ['History', 'Load bytes']) {
        await tabTo(page, frame, `summary:${title}`);
        await page.keyboard.press('Enter');
      }

      // Tab from the first control to the last: every control shown is reached, in document order.
      await tabTo(page, frame, 'summary:Message', { back: true });
      const controls = await focusableKeys(frame);
      const walk = async (key: 'Tab' | 'Shift+Tab', last: string): Promise<string[]> => {
        const visited = [await focusedKey(frame)];
        while (visited.at(-1) !== last && visited.at(-1) !== '(outside)' && visited.length <= controls.length + 5) {
          await page.keyboard.press(key);
          visited.push(await focusedKey(frame));
        }
        return visited;
      };
      assert.deepEqual(
        await walk('Tab', controls.at(-1)!),
        controls,
        'Tab visits every control once, in the order shown',
      );
      assert.deepEqual(
        await walk('Shift+Tab', controls[0]!),
        [...controls].reverse(),
        'Shift+Tab visits them in reverse',
      );

      // Compose RTM_GETADDR (REQUEST|DUMP|ACK, seq 42) for ifa_index 1 with IFA_LABEL "lo".
      await tabTo(page, frame, 'message-type');
      await selectFieldText(page);
      await page.keyboard.type('RTM_GETADDR');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await waitFor(
        'message type RTM_GETADDR',
        5_000,
        async () => (await selectValue(frame, 'message-type')) === 'RTM_GETADDR',
      );
      await tabTo(page, frame, 'flag-NLM_F_ACK');
      await page.keyboard.press('Space');
      await waitFor('NLM_F_ACK checked', 5_000, () => isChecked(frame.locator('[data-testid="flag-NLM_F_ACK"]')));
      await tabTo(page, frame, 'seq');
      await selectFieldText(page);
      await page.keyboard.type('42');
      await tabTo(page, frame, 'header.ifa_index');
      await selectFieldText(page);
      await page.keyboard.type('1');
      await tabTo(page, frame, 'add-attr-type-top');
      await selectFieldText(page);
      await page.keyboard.type('IFA_LABEL');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await waitFor(
        'IFA_LABEL to add',
        5_000,
        async () => (await selectValue(frame, 'add-attr-type-top')) === 'IFA_LABEL',
      );
      await tabTo(page, frame, 'add-attr-top');
      await page.keyboard.press('Enter');
      // The new row's value field comes before the add row: back to it with Shift+Tab.
      const valueKey = await waitForKey(frame, '[data-testid^="attr-value-"]');
      await tabTo(page, frame, valueKey, { back: true });
      await page.keyboard.type('lo');
      const expected = nlmsg(
        { type: RTM_GETADDR, flags: NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK, seq: 42 },
        `${u8(0)}${u8(0)}${u8(0)}${u8(0)}${u32(1)}${nlattr(IFA_LABEL, cstr('lo'))}`,
      );
      await bytesAre(frame, expected, 'RTM_GETADDR composed with the keyboard');

      // The hex view: arrows move the byte cursor, Enter goes to the byte's field (offset 8 is nlmsg_seq).
      await tabTo(page, frame, 'hex-view');
      await page.keyboard.press('Home');
      for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
      assert.match(await frame.locator('[data-testid=hex-status]').innerText(), /^byte 8 \(0x8\): .*seq/);
      await page.keyboard.press('Enter');
      assert.equal(await focusedKey(frame), 'seq', 'Enter on a byte of nlmsg_seq focuses the seq field');

      // A plain select from the keyboard: Copy as "C array" (Enter opens, arrows move, Enter picks).
      await tabTo(page, frame, 'copy-format');
      await page.keyboard.press('Enter');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await waitFor('copy format C array', 5_000, async () => (await selectValue(frame, 'copy-format')) === 'c-array');
      assert.match(await frame.locator('[data-testid=copy-preview]').innerText(), /^unsigned char msg\[32\] = \{/);
      await page.screenshot({ path: join(screenshots, 'builder-keyboard.png') });
    }),
  );

  it(
    'Copy as: every format on the clipboard is the composed message',
    { timeout: 120_000 },
    shot('builder-copy', async (page) => {
      const frame = await focusBuilder(page);
      const hex = await composeGenl(frame);
      const bytes = Buffer.from(hex, 'hex');
      const json = '{"ifindex":7,"name":"eth0"}';
      const lines: string[] = [];
      for (let i = 0; i < bytes.length; i += 8)
        lines.push(`\t${[...bytes.subarray(i, i + 8)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')},`);
      const expected: [string, string, string][] = [
        ['hex', 'Hex', hex],
        ['c-array', 'C array', `unsigned char msg[${bytes.length}] = {\n${lines.join('\n')}\n};`],
        ['c-string', 'C string (\\x)', `"${[...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}"`],
        ['nlhelper', 'nlhelper command', `nlhelper xchg --protocol 16 ${hex}`],
        ['ynl-json', 'YNL JSON', json],
        // NLM_F_DUMP is set: the cli dumps.
        ['ynl-cli', 'ynl command', `ynl --spec '${specFile}' --dump 'dev-get' --json '${json}'`],
      ];
      await openSection(frame, 'copy');
      const clipboard = (): Promise<string> => page.evaluate(() => navigator.clipboard.readText());
      for (const [format, label, text] of expected) {
        await choose(frame, 'copy-format', label, format);
        await page.evaluate(() => navigator.clipboard.writeText('(not copied yet)'));
        await clickInView(frame.locator('[data-testid=copy-button]'));
        let seen = '';
        await waitFor(
          `${label} on the clipboard`,
          10_000,
          async () => (seen = await clipboard()) !== '(not copied yet)',
          () => seen,
        );
        assert.equal(seen, text, `Copy as ${label}`);
      }
    }),
  );

  it(
    "a spec family's operations: dev-get (do) sets cmd and flags, the spec's checks stop a bad value at its field, dump keeps only the attributes its request lists",
    { timeout: 120_000 },
    shot('builder-operations', async (page) => {
      const frame = await focusBuilder(page);
      await choose(frame, 'protocol-select', 'generic (16): generic netlink', '16');
      await choose(frame, 'genl-family', FAMILY, FAMILY);
      await choose(frame, 'operation', 'dev-get (do)', 'dev-get do');
      const flags = frame.locator('[data-testid=flags-value] input');
      await waitFor('the do flags (REQUEST|ACK)', 5_000, async () => (await flags.inputValue()) === '0x5');
      assert.equal(await selectValue(frame, 'message-type'), 'dev-get');
      await frame.locator('[data-testid="seq"] input').fill('9');
      for (const type of ['ifindex', 'name']) {
        await choose(frame, 'add-attr-type-top', type, type);
        const before = await frame.locator('[data-testid^="attr-value-"]').count();
        await clickInView(frame.locator('[data-testid="add-attr-top"]'));
        await waitFor(
          `a row for ${type}`,
          5_000,
          async () => (await frame.locator('[data-testid^="attr-value-"]').count()) === before + 1,
        );
      }
      const values = frame.locator('[data-testid^="attr-value-"]');
      const ifindexId = (await values.first().getAttribute('data-testid'))!.replace('attr-value-', '');
      await values.nth(1).locator('input').fill('eth0');
      // The spec says max 100: 1000 is an error at the field, and Send waits for it.
      await values.first().locator('input').fill('1000');
      let state = await fieldState(frame, `attr.${ifindexId}.value`, `attr-value-${ifindexId}`);
      await waitFor(
        'the checks error at ifindex',
        5_000,
        async () =>
          (state = await fieldState(frame, `attr.${ifindexId}.value`, `attr-value-${ifindexId}`)).error ===
          "1000 is above the spec's maximum 100",
        () => JSON.stringify(state),
      );
      assert.equal(state.invalid, true);
      assert.equal(state.sendDisabled, true);
      await values.first().locator('input').fill('7');
      await bytesAre(
        frame,
        nlmsg(
          { type: FAMILY_ID, flags: NLM_F_REQUEST | NLM_F_ACK, seq: 9 },
          `${u8(DEV_GET)}${u8(1)}${u16(0)}${nlattr(ATTR_IFINDEX, u32(7))}${nlattr(ATTR_NAME, cstr('eth0'))}`,
        ),
        'dev-get do for ifindex 7, eth0',
      );
      // The dump request lists ifindex alone: name goes, the flags become a dump's.
      await choose(frame, 'operation', 'dev-get (dump)', 'dev-get dump');
      await bytesAre(
        frame,
        nlmsg(
          { type: FAMILY_ID, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 9 },
          `${u8(DEV_GET)}${u8(1)}${u16(0)}${nlattr(ATTR_IFINDEX, u32(7))}`,
        ),
        'dev-get dump for ifindex 7',
      );
      assert.deepEqual((await attrRows(frame)).types, ['ifindex']);
      await page.screenshot({ path: join(screenshots, 'builder-operations.png') });
    }),
  );

  it(
    'the form and its bytes survive "Developer: Reload Window"',
    { timeout: 240_000 },
    shot('builder-reload', async (page) => {
      let frame = await focusBuilder(page);
      const hex = await composeGenl(frame);
      const fields = async (f: FrameLocator): Promise<Record<string, string>> => ({
        protocol: await selectValue(f, 'protocol-select'),
        family: await selectValue(f, 'genl-family'),
        message: await selectValue(f, 'message-type'),
        ack: String(await isChecked(f.locator('[data-testid="flag-NLM_F_ACK"]'))),
        flags: await f.locator('[data-testid=flags-value] input').inputValue(),
        seq: await f.locator('[data-testid=seq] input').inputValue(),
        values: (
          await f
            .locator('[data-testid^="attr-value-"] input')
            .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))
        ).join(','),
        copyFormat: await selectValue(f, 'copy-format'),
      });
      const before = await fields(frame);
      assert.deepEqual(
        { ...before, copyFormat: '' },
        {
          protocol: '16',
          family: FAMILY,
          message: 'dev-get',
          ack: 'true',
          flags: '0x305',
          seq: '5',
          values: '7,eth0',
          copyFormat: '',
        },
      );
      await reloadWindow(page);
      frame = await focusBuilder(page);
      await bytesAre(frame, hex, 'the same bytes after the reload', 30_000);
      assert.deepEqual(await fields(frame), before, 'every field as before the reload');
      await page.screenshot({ path: join(screenshots, 'builder-reload.png') });
    }),
  );

  it(
    'Load bytes: hex pasted as a C array becomes the form (header, attributes, nest) and the same live bytes; bad hex is refused with its place',
    { timeout: 120_000 },
    shot('builder-load-hex', async (page) => {
      const frame = await focusBuilder(page);
      await choose(frame, 'protocol-select', 'route (0): rtnetlink', '0');
      await pasteAndLoad(frame, cArray(PASTED));
      await bytesAre(frame, PASTED, 'the pasted RTM_NEWLINK');
      assert.match(
        await frame.locator('[data-testid=load-notes]').innerText(),
        new RegExp(`^Loaded ${PASTED.length / 2} bytes from the text below as protocol 0\\.`),
      );
      assert.equal(await frame.locator('[data-testid=load-error]').innerText(), '');
      // The fields say what the bytes say.
      const form = async (): Promise<Record<string, unknown>> => ({
        protocol: await selectValue(frame, 'protocol-select'),
        message: await selectValue(frame, 'message-type'),
        flags: await frame.locator('[data-testid=flags-value] input').inputValue(),
        ack: await isChecked(frame.locator('[data-testid="flag-NLM_F_ACK"]')),
        create: await isChecked(frame.locator('[data-testid="flag-NLM_F_CREATE"]')),
        seq: await frame.locator('[data-testid=seq] input').inputValue(),
        ifindex: await frame.locator('[data-testid="header.ifi_index"] input').inputValue(),
        ifflags: await frame.locator('[data-testid="header.ifi_flags"] input').inputValue(),
        attrs: await attrRows(frame),
      });
      const loaded = await form();
      assert.deepEqual(loaded, {
        protocol: '0',
        message: 'RTM_NEWLINK',
        flags: '0x605',
        ack: true,
        create: true,
        seq: '77',
        ifindex: '5',
        ifflags: loaded['ifflags'],
        attrs: {
          types: ['IFLA_IFNAME', 'IFLA_MTU', 'IFLA_LINKINFO', 'IFLA_INFO_KIND'],
          values: ['dummy0', '1400', 'dummy'],
        },
      });
      assert.match(String(loaded['ifflags']), /^(1|0x1|IFF_UP)$/, 'ifi_flags shows IFF_UP');
      const decoded = await frame.locator('[data-testid=decoded-preview]').innerText();
      for (const piece of ['RTM_NEWLINK', 'IFLA_IFNAME "dummy0"', 'IFLA_MTU 1400', 'IFLA_LINKINFO (1 nested)'])
        assert.ok(decoded.includes(piece), `${piece} in the decoded preview:\n${decoded}`);
      await builderFillsSideBar(page);
      await frame.locator('[data-testid=form]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(screenshots, 'builder-load-hex.png') });

      // Bad hex: the error names what and where, next to the box; the form and its bytes stay as they were.
      const box = frame.locator('[data-testid=load-hex]');
      const spaced = PASTED.match(/../g)!.join(' ');
      const bad: [string, string, RegExp][] = [
        [
          'an odd number of digits',
          spaced.slice(0, -1),
          new RegExp(
            `^Not loaded: odd number of hex digits \\(1\\) in "[0-9a-f]": every byte needs two, at line 1, column ${spaced.length - 1}\\. The form is unchanged\\.$`,
          ),
        ],
        [
          'a character that is not hex',
          `${spaced.slice(0, 48)}\n0z ${spaced.slice(48)}`,
          /^Not loaded: unexpected character "z" in "0z", at line 2, column 2\. The form is unchanged\.$/,
        ],
      ];
      for (const [what, text, message] of bad) {
        await pasteAndLoad(frame, text);
        const error = frame.locator('[data-testid=load-error]');
        let seen = '';
        await waitFor(
          `the error for ${what}`,
          5_000,
          async () => message.test((seen = await error.innerText())),
          () => seen,
        );
        assert.equal(
          await box.evaluate((el) => (el as HTMLElement & { invalid: boolean }).invalid),
          true,
          `the box is marked for ${what}`,
        );
        assert.equal(await builderBytes(frame), PASTED, `the bytes after ${what}`);
        assert.deepEqual(await form(), loaded, `the form after ${what}`);
      }
      await box.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await page.screenshot({ path: join(screenshots, 'builder-load-hex-error.png') });
      // Editing the text takes the error away.
      await frame.locator('[data-testid=load-hex] textarea').fill(spaced);
      await waitFor(
        'the load error cleared by typing',
        5_000,
        async () => (await frame.locator('[data-testid=load-error]').innerText()) === '',
      );
      assert.equal(await box.evaluate((el) => (el as HTMLElement & { invalid: boolean }).invalid), false);
    }),
  );

  it(
    'invalid fields show the reason next to them, the bytes and Send say the message is not sendable, fixing clears it',
    { timeout: 120_000 },
    shot('builder-invalid', async (page) => {
      const frame = await focusBuilder(page);
      await choose(frame, 'protocol-select', 'route (0): rtnetlink', '0');
      await pasteAndLoad(frame, PASTED);
      await bytesAre(frame, PASTED, 'the pasted RTM_NEWLINK');
      const sendable = async (): Promise<void> => {
        let s = await fieldState(frame, 'seq', 'seq');
        await waitFor(
          'a sendable message',
          5_000,
          async () => {
            s = await fieldState(frame, 'seq', 'seq');
            return !s.sendDisabled && s.sendBlocked === '' && !s.gridInvalid && !/not sendable/.test(s.length);
          },
          () => JSON.stringify(s),
        );
        assert.equal(await frame.locator('[data-testid^="issue-"]').count(), 0, 'no problems listed');
      };
      await sendable();

      // A u8 attribute (IFLA_OPERSTATE) with 300.
      await choose(frame, 'add-attr-type-top', 'IFLA_OPERSTATE', 'IFLA_OPERSTATE');
      const before = await frame.locator('[data-testid^="attr-value-"]').count();
      await clickInView(frame.locator('[data-testid="add-attr-top"]'));
      await waitFor(
        'a row for IFLA_OPERSTATE',
        5_000,
        async () => (await frame.locator('[data-testid^="attr-value-"]').count()) === before + 1,
      );
      const operstate = frame.locator('[data-testid^="attr-value-"]').last();
      const operstateId = ((await operstate.getAttribute('data-testid')) ?? '').replace(/^attr-value-/, '');
      const operstateField = `attr.${operstateId}.value`;
      await operstate.locator('input').fill('300');
      // A seq that is not a number, at the same time.
      await frame.locator('[data-testid=seq] input').fill('abc');
      const outOfRange = '300 is out of range for u8 (0..255)';
      const notANumber = '"abc" is not a number (decimal, 0x hex, 0o octal or 0b binary)';
      let u8State = await fieldState(frame, operstateField, `attr-value-${operstateId}`);
      await waitFor(
        'the u8 marked',
        5_000,
        async () =>
          (u8State = await fieldState(frame, operstateField, `attr-value-${operstateId}`)).error === outOfRange,
        () => JSON.stringify(u8State),
      );
      // Send is disabled and says why next to it (the first problem, and how many more).
      assert.deepEqual(u8State, {
        error: outOfRange,
        invalid: true,
        sendDisabled: true,
        gridInvalid: true,
        sendBlocked: `Not sendable until fixed: nlmsghdr.nlmsg_seq: ${notANumber} (and 1 more problem above)`,
        length: u8State.length,
      });
      assert.match(u8State.length, /^\d+ bytes, not sendable: 2 problems$/);
      const seqState = await fieldState(frame, 'seq', 'seq');
      assert.equal(seqState.error, notANumber);
      assert.equal(seqState.invalid, true);
      const issues = await frame.locator('[data-testid^="issue-"]').allInnerTexts();
      assert.equal(issues.length, 2, `two problems listed: ${issues.join(' | ')}`);
      assert.ok(
        issues.some((i) => i.endsWith(outOfRange)) && issues.some((i) => i.endsWith(notANumber)),
        `both reasons listed: ${issues.join(' | ')}`,
      );
      // The picture: the marked seq field and its reason, and further down the u8 and the problem list.
      await builderFillsSideBar(page);
      await frame.locator('[data-testid=seq]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(screenshots, 'builder-invalid.png') });

      // Fixing one clears its mark and leaves the other.
      await operstate.locator('input').fill('6');
      await waitFor('the u8 mark cleared', 5_000, async () => {
        const s = await fieldState(frame, operstateField, `attr-value-${operstateId}`);
        return (
          s.error === '' &&
          !s.invalid &&
          s.sendDisabled &&
          /not sendable: 1 problem$/.test(s.length) &&
          s.sendBlocked.endsWith(notANumber)
        );
      });
      await frame.locator('[data-testid=seq] input').fill('78');
      await sendable();
      const withOperstate = (seq: number, payload: string): string =>
        nlmsg({ type: RTM_NEWLINK, flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, seq }, payload);
      await bytesAre(
        frame,
        withOperstate(78, `${PASTED.slice(32)}${nlattr(IFLA_OPERSTATE, u8(6))}`),
        'the fixed message',
      );

      // A raw payload with bad hex.
      await choose(frame, 'payload-mode', 'hex bytes', 'hex');
      const payloadBox = frame.locator('[data-testid=payload-hex] textarea');
      await payloadBox.fill('08 00 04 00 dc 05 0g 00');
      const badHex = 'bad hex at character 20: unexpected character "g" in "0g"';
      let hexState = await fieldState(frame, 'payload', 'payload-hex');
      await waitFor(
        'the payload marked',
        5_000,
        async () => (hexState = await fieldState(frame, 'payload', 'payload-hex')).error === badHex,
        () => JSON.stringify(hexState),
      );
      assert.equal(hexState.invalid, true);
      assert.equal(hexState.sendDisabled, true);
      assert.equal(hexState.sendBlocked, `Not sendable until fixed: payload: ${badHex}`);
      assert.equal(hexState.gridInvalid, true);
      await payloadBox.fill('08 00 04 00 dc 05 00 00');
      await sendable();
      assert.equal((await fieldState(frame, 'payload', 'payload-hex')).invalid, false);
      await bytesAre(
        frame,
        withOperstate(78, `${PASTED.slice(32, 64)}${nlattr(IFLA_MTU, u32(1500))}`),
        'the message with the fixed payload',
      );
      // Another protocol: the hex payload was for rtnetlink; the new family's attribute tree comes back.
      await choose(frame, 'protocol-select', 'generic (16): generic netlink', '16');
      await frame.locator('[data-testid=add-attr-type-top]').waitFor({ state: 'visible', timeout: 5_000 });
      assert.equal(await selectValue(frame, 'payload-mode'), 'attrs');
    }),
  );

  it(
    'the builder follows the colour theme; the byte highlight stays readable (contrast >= 4.5)',
    { timeout: 240_000 },
    shot('builder-themes', async (page) => {
      const frame = await focusBuilder(page);
      await composeGenl(frame);
      const ifindexField =
        (await frame.locator('[data-testid^="attr-value-"]').first().getAttribute('data-testid')) ?? '';
      await openSection(frame, 'bytes');
      // The pictures should show the bytes: give the builder the side bar's whole height.
      await builderFillsSideBar(page);
      const seen = new Map<string, ThemeLook>();
      const report: Record<string, unknown>[] = [];
      for (const theme of THEMES) {
        await runCommandAndPick(page, 'Preferences: Color Theme', theme.label);
        await waitFor(
          `the builder in ${theme.id}`,
          20_000,
          async () =>
            (await frame.locator('body').getAttribute('class'))?.split(/\s+/).includes(theme.bodyClass) ?? false,
        );
        let l = await look(page, frame);
        // The workbench fades the colours in: wait until the builder has settled on the theme's variables.
        await waitFor(
          `${theme.id}: text in --vscode-foreground`,
          10_000,
          async () => {
            l = await look(page, frame);
            return l.color === l.foregroundVar && l.sidebarBackground === l.sidebarBackgroundVar;
          },
          () => JSON.stringify(l),
        );
        assert.equal(l.color, l.foregroundVar, `${theme.id}: the builder's text is --vscode-foreground`);
        assert.equal(
          l.sidebarBackground,
          l.sidebarBackgroundVar,
          `${theme.id}: the webview's --vscode-sideBar-background is the side bar it sits on`,
        );
        // Focus form fields: their bytes are highlighted in the hex view (seq: header bytes 8-11; ifindex: an
        // attribute's value, coloured differently).
        const highlighted: ThemeLook['highlighted'] = [];
        for (const testid of ['seq', ifindexField]) {
          await frame.locator(`[data-testid="${testid}"] input`).focus();
          await waitFor(
            `the bytes of ${testid} highlighted`,
            5_000,
            async () => (await frame.locator('[data-testid=hex-view] .b.hl').count()) === 4,
          );
          for (const cell of (await look(page, frame)).highlighted)
            if (!highlighted.some((c) => c.offset === cell.offset)) highlighted.push(cell);
        }
        l = { ...l, highlighted };
        const base = parseColor(l.sidebarBackground);
        const ratios = l.highlighted.map((cell) => {
          const bg = over(parseColor(cell.background), base);
          return { ...cell, contrast: Number(contrast(over(parseColor(cell.color), bg), bg).toFixed(2)) };
        });
        report.push({ theme: theme.id, ...l, highlighted: ratios });
        // The highlight's own colours are the theme's: a selection-highlight tint, in high contrast an outline.
        const highContrast = theme.bodyClass.startsWith('vscode-high-contrast');
        for (const cell of ratios.filter((c) => !c.cursor)) {
          if (highContrast)
            assert.equal(
              cell.outline,
              l.contrastBorderVar,
              `${theme.id}: byte ${cell.offset} outlined in --vscode-contrastActiveBorder`,
            );
          else
            assert.equal(
              cell.background,
              l.highlightVar,
              `${theme.id}: byte ${cell.offset} tinted with --vscode-editor-selectionHighlightBackground`,
            );
        }
        for (const cell of ratios) {
          assert.ok(
            cell.contrast >= 4.5,
            `${theme.id}: highlighted byte ${cell.offset} has contrast ${cell.contrast} (text ${cell.color} on ${cell.background} over ${l.sidebarBackground})`,
          );
        }
        seen.set(theme.id, l);
        await frame.locator('[data-testid=hex-view]').evaluate((el) => el.scrollIntoView({ block: 'center' }));
        await page.screenshot({ path: join(screenshots, `builder-theme-${theme.bodyClass}.png`) });
      }
      // The measured colours beside the pictures, for whoever changes the stylesheet.
      writeFileSync(join(screenshots, 'builder-themes.json'), `${JSON.stringify(report, null, 2)}\n`);
      // Each theme gave the builder other colours: nothing is fixed in the stylesheet.
      const pairs = [...seen.values()].map((l) => `${l.color} on ${l.sidebarBackground}`);
      assert.equal(new Set(pairs).size, THEMES.length, `four themes, four looks: ${pairs.join(' | ')}`);
      const highlights = [...seen.values()].map((l) =>
        l.highlighted.map((c) => `${c.color}/${c.background}/${c.outline}`).join(' '),
      );
      assert.equal(new Set(highlights).size, THEMES.length, `four themes, four highlights: ${highlights.join(' | ')}`);
    }),
  );

  it('the workbench sent no request outside 127.0.0.1', () => {
    assert.deepEqual(wb.browser.outsideRequests, []);
  });
});

/** The data-testid of the last element matching `selector` in the builder, once there is one. */
async function waitForKey(frame: FrameLocator, selector: string): Promise<string> {
  const el = frame.locator(selector).last();
  await el.waitFor({ state: 'attached', timeout: 10_000 });
  return (await el.getAttribute('data-testid')) ?? '';
}
