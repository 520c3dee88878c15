// Host side of the builder that runs without VS Code: the family id look-up's bytes and reply reading (against
// real kernel replies), the view's HTML and CSP, the history's bounds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../extension/src/netlink/index';
import { MAX_KEPT_REPLIES, runExchange } from '../../extension/src/builder/exchange';
import { TransportError, type Exchanger } from '../../extension/src/exchange/exchanger';
import {
  BuilderHistory,
  HISTORY_KEY,
  MAX_ENTRIES,
  MAX_STORED_REPLY_CHARS,
  type HistoryMemento,
} from '../../extension/src/builder/history';
import { builderHtml, makeNonce } from '../../extension/src/builder/html';
import { familyIdFromReplies, getFamilyRequest } from '../../extension/src/builder/resolveFamily';
import type { HistoryEntry } from '../../extension/src/protocol/webview';
import { loadFixture } from '../fixtures/load';

/** An in-memory Memento: the same get/update contract as workspaceState. */
class MemoryMemento implements HistoryMemento {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Thenable<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
}

function entry(id: string, replies: string[] = ['14000000030002000100000000000000000000']): HistoryEntry {
  return {
    id,
    time: 1,
    target: 'lab',
    protocol: 0,
    requestHex: '2000',
    summary: id,
    result: { kind: 'replies', replies, outcome: 'done', elapsedMs: 1 },
  };
}

describe('builder host: generic netlink family ids', () => {
  it('asks nlctrl with the same bytes a 6.18 capture used (seq aside) and reads the id from the real reply', () => {
    const f = loadFixture('genl-getfamily-nlctrl');
    assert.equal(toHex(getFamilyRequest('nlctrl', 0x4e4c0006)), toHex(f.request));
    assert.deepEqual(familyIdFromReplies('nlctrl', f.buffers), { id: 0x10 });
  });

  it("turns the kernel's ENOENT into a sentence", () => {
    const f = loadFixture('genl-getfamily-enoent');
    assert.deepEqual(familyIdFromReplies('nosuchfamily', f.buffers), {
      error: 'family "nosuchfamily": the target kernel has no such family (is its module loaded?)',
    });
    assert.deepEqual(familyIdFromReplies('x', []), { error: 'family "x": the reply holds no CTRL_ATTR_FAMILY_ID' });
  });
});

describe('builder host: exchange', () => {
  it('a TransportError becomes a failed result; replies become hex, the kernel error and timing come along', async () => {
    const failing: Exchanger = {
      exchange: () => Promise.reject(new TransportError('gone', 'ssh: connection refused')),
    };
    assert.deepEqual(await runExchange(failing, 0, new Uint8Array(16), 100), {
      kind: 'failed',
      message: 'ssh: connection refused',
    });
    // The kernel's answer to an RTM_NEWLINK of an unknown kind (6.18), as an exchanger hands it over.
    const nack = loadFixture('rtm-newlink-unknown-kind').buffers[0]!;
    const answered: Exchanger = {
      exchange: () =>
        Promise.resolve({
          replies: [nack],
          outcome: 'done',
          kernelError: { errno: 95, name: 'EOPNOTSUPP', message: 'Unknown device type', bytes: nack },
          elapsedMs: 7,
        }),
    };
    assert.deepEqual(await runExchange(answered, 0, new Uint8Array(16), 100), {
      kind: 'replies',
      replies: [toHex(nack)],
      outcome: 'done',
      kernelError: { errno: 95, name: 'EOPNOTSUPP', message: 'Unknown device type' },
      elapsedMs: 7,
    });
    const echo: Exchanger = {
      exchange: (_p, b) => Promise.resolve({ replies: [b], outcome: 'timeout', elapsedMs: 100 }),
    };
    assert.deepEqual(await runExchange(echo, 0, new Uint8Array([1, 2]), 100), {
      kind: 'replies',
      replies: ['0102'],
      outcome: 'timeout',
      elapsedMs: 100,
    });
  });

  it('keeps MAX_KEPT_REPLIES replies of a huge dump and counts the rest', async () => {
    const many: Exchanger = {
      exchange: (_p, b) =>
        Promise.resolve({
          replies: Array.from({ length: MAX_KEPT_REPLIES + 3 }, () => b),
          outcome: 'done',
          elapsedMs: 1,
        }),
    };
    const r = await runExchange(many, 0, new Uint8Array([1]), 100);
    assert.deepEqual(r.kind === 'replies' ? [r.replies.length, r.droppedReplies] : r, [MAX_KEPT_REPLIES, 3]);
  });
});

describe('builder host: view HTML', () => {
  it("allows only the nonce'd script and dist/ styles; nothing inline", () => {
    const html = builderHtml({
      cspSource: 'vscode-webview://x',
      scriptUri: 'vscode-webview://x/dist/webview.js',
      styleUri: 'vscode-webview://x/dist/webview.css',
      nonce: 'abc+/=',
    });
    const csp = /content="([^"]+)"/.exec(html)![1]!;
    assert.equal(
      csp,
      "default-src 'none'; style-src vscode-webview://x; font-src vscode-webview://x; img-src vscode-webview://x data:; script-src 'nonce-abc+/='",
    );
    assert.match(html, /<script nonce="abc\+\/=" src="vscode-webview:\/\/x\/dist\/webview.js"><\/script>/);
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.equal((html.match(/<style/g) ?? []).length, 0);
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const a = makeNonce();
    assert.equal(Buffer.from(a, 'base64').length, 16);
    assert.notEqual(a, makeNonce());
  });
});

describe('builder host: history', () => {
  it('newest first, at most MAX_ENTRIES, survives only in the known shape', async () => {
    const memento = new MemoryMemento();
    const history = new BuilderHistory(memento);
    for (let i = 0; i < MAX_ENTRIES + 5; i++) await history.add(entry(`e${i}`));
    const list = history.entries();
    assert.equal(list.length, MAX_ENTRIES);
    assert.equal(list[0]!.id, `e${MAX_ENTRIES + 4}`);
    assert.deepEqual((await history.remove(list[0]!.id)).length, MAX_ENTRIES - 1);
    memento.values.set(HISTORY_KEY, [{ id: 3 }, entry('ok')]);
    assert.deepEqual(
      history.entries().map((e) => e.id),
      ['ok'],
    );
    assert.deepEqual(await history.clear(), []);
  });

  it('keeps the replies of a huge dump only up to the size budget, counting the rest', async () => {
    const history = new BuilderHistory(new MemoryMemento());
    const big = 'ab'.repeat(MAX_STORED_REPLY_CHARS / 8);
    await history.add(entry('dump', [big, big, big, big, big]));
    const stored = history.entries()[0]!;
    assert.equal(stored.result.kind, 'replies');
    if (stored.result.kind === 'replies') {
      assert.equal(stored.result.replies.length, 4, 'each reply is a quarter of the budget');
      assert.equal(stored.result.droppedReplies, 1);
    }
  });
});
