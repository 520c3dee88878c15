// The builder's decoded view (webview/src/ui/decodedView.ts) in Chromium, on its own (no code-server needed):
// decoded strings land as text with their control and bidi characters shown as escapes, never as markup, and a
// reply of 200,000 attributes is laid out instead of overflowing the stack.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import {
  concatBytes,
  createRegistry,
  decodeMessages,
  encodeAttrs,
  encodeMessage,
} from '../../extension/src/netlink/index';
import type { DecodedMessage } from '../../extension/src/netlink/index';
import { extAckError, FENCE_AND_IMAGE, genlFamilyNamed, linkNamed, RAW_CONTROL, RETITLE } from '../support/hostile';
import { openBrowser, type BrowserSession } from './harness/browser';
import { repoRoot } from './harness/paths';

/** decodedView bundled for the page as the global DecodedView. */
async function viewBundle(): Promise<string> {
  const built = await esbuild.build({
    entryPoints: [join(repoRoot, 'webview/src/ui/decodedView.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'DecodedView',
    platform: 'browser',
    target: 'es2022',
  });
  return built.outputFiles[0]!.text;
}

interface Shown {
  text: string;
  elements: string[];
  items: number;
}

describe('decoded view in Chromium', () => {
  let session: BrowserSession;
  before(async () => {
    session = await openBrowser();
    await session.page.setContent('<!doctype html><html><body></body></html>');
    await session.page.addScriptTag({ content: await viewBundle() });
  });
  after(async () => session?.close());

  async function show(messages: DecodedMessage[]): Promise<Shown> {
    return session.page.evaluate((ms) => {
      const view = (globalThis as unknown as { DecodedView: { decodedView: (m: unknown, o: unknown) => HTMLElement } })
        .DecodedView;
      const el = view.decodedView(ms, { testid: 'decoded', open: true });
      document.body.replaceChildren(el);
      const elements = [...new Set(Array.from(el.querySelectorAll('*'), (e) => e.tagName.toLowerCase()))];
      return { text: el.textContent ?? '', elements, items: el.querySelectorAll('li').length };
    }, messages);
  }

  it('shows an ext-ack message, an interface name and a family name as text with escapes', async () => {
    const messages = [
      ...decodeMessages(extAckError(FENCE_AND_IMAGE), { protocol: 0 }),
      ...decodeMessages(linkNamed(RETITLE), { protocol: 0 }),
      ...decodeMessages(genlFamilyNamed('<img src=x onerror=alert(1)>\u202e'), { protocol: 16 }),
    ];
    const shown = await show(messages);
    assert.deepEqual(
      shown.elements.filter((t) => !['details', 'summary', 'div', 'span', 'ul', 'li'].includes(t)),
      [],
    );
    assert.doesNotMatch(shown.text, RAW_CONTROL);
    assert.ok(shown.text.includes('ext-ack: \\n```\\n![x](http://127.0.0.1/x.png)\\n'), shown.text);
    assert.ok(shown.text.includes('IFLA_IFNAME "\\x1b]0;pwned\\x07"'), shown.text);
    assert.ok(shown.text.includes('<img src=x onerror=alert(1)>\\u{202e}'), shown.text);
    assert.deepEqual(session.outsideRequests, []);
  });

  it('lays out a reply of 200,000 attributes', async () => {
    const attrs = encodeAttrs(Array.from({ length: 200_000 }, () => ({ type: 0x3ff, payload: new Uint8Array(0) })));
    const messages = decodeMessages(
      encodeMessage({ type: 16, flags: 0, seq: 1, pid: 0 }, concatBytes([new Uint8Array(16), attrs])),
      { protocol: 0, registry: createRegistry() },
    );
    const shown = await show(messages);
    assert.equal(shown.items, 200_000);
  });
});
