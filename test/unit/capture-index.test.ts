// The viewer's index and rows over a capture of real kernel exchanges (test/support/capture-fixtures.ts): every
// message a row with its names and conversation, a truncated tail a problem row at its offset, the filter's terms.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CaptureIndex } from '../../extension/src/capture/captureIndex';
import { filterRows, parseFilter } from '../../extension/src/capture/filterView';
import { BatchBuilder } from '../../extension/src/capture/indexBatch';
import { rowsFor } from '../../extension/src/capture/rows';
import { CaptureReader } from '../../extension/src/netlink/capture/reader';
import { createRegistry } from '../../extension/src/netlink/index';
import { fixtureCapture } from '../support/capture-fixtures';

/** Indexes `bytes` as the worker does, pushed in `chunk`-byte pieces and posted every `every` entries. */
function indexOf(bytes: Uint8Array, chunk = 1000, every = 5): CaptureIndex {
  const index = new CaptureIndex();
  const b = new BatchBuilder(4);
  const reader = new CaptureReader({
    record: (r) => b.record(r),
    problem: (p) => b.problem(p),
    marker: (m) => b.marker(m),
  });
  for (let p = 0; p < bytes.length; p += chunk) {
    reader.push(bytes.subarray(p, p + chunk));
    if (b.size >= every) index.append(b.take(Math.min(bytes.length, p + chunk)));
  }
  reader.end();
  index.append(b.take(bytes.length));
  index.end();
  return index;
}

async function withFile<T>(bytes: Uint8Array, f: (path: string) => Promise<T>): Promise<T> {
  const path = join(mkdtempSync(join(tmpdir(), 'cap-index-')), 'x.pcap');
  writeFileSync(path, bytes);
  return f(path);
}

describe('capture index', () => {
  it('one row per message with names, direction and conversation; a truncated tail is a problem row', async () => {
    const full = fixtureCapture();
    const cut = full.subarray(0, full.length - 10);
    const index = indexOf(cut);
    await withFile(cut, async (path) => {
      const file = await open(path);
      const rows = await rowsFor(file, index, [...Array(index.size).keys()], createRegistry());
      await file.close();
      assert.equal(rows.length, 33);
      assert.deepEqual(
        rows.slice(0, 6).map((r) => [r.typeName, r.direction, r.conversation?.role]),
        [
          ['RTM_GETLINK', 'to-kernel', 'request'],
          ['RTM_NEWLINK', 'to-user', 'reply'],
          ['RTM_NEWLINK', 'to-user', 'reply'],
          ['RTM_NEWLINK', 'to-user', 'reply'],
          ['RTM_NEWLINK', 'to-user', 'reply'],
          ['NLMSG_DONE', 'to-user', 'done'],
        ],
      );
      assert.equal(rows[0]!.flags, 'NLM_F_REQUEST|NLM_F_DUMP');
      assert.equal(rows[0]!.conversation!.size, 6);
      assert.equal(rows[5]!.error, undefined, "a dump's DONE with 0 is no ack");
      assert.equal(rows[7]!.error, 'ENOENT');
      assert.deepEqual(rows[7]!.conversation!.flags, ['error']);
      assert.equal(rows[9]!.error, 'EINVAL');
      assert.deepEqual(rows[9]!.conversation!.flags, ['error', 'ext-ack']);
      assert.equal(rows[11]!.error, 'ACK');
      assert.equal(rows[12]!.typeName, 'nlctrl CTRL_CMD_GETFAMILY');
      const last = rows.at(-1)!;
      assert.equal(last.kind, 'problem');
      assert.match(last.text!, /truncated/);
      assert.ok(last.offset > 10000 && last.offset < cut.length);
      assert.ok(rows[29]!.conversation!.flags.includes('no-done'), 'the route dump lost its DONE to the cut');
      assert.equal(index.rowOfRecord(4), 6);
    });
  });

  it('filters by protocol, type name, family, port, seq, error and words', async () => {
    const bytes = fixtureCapture();
    const index = indexOf(bytes);
    await withFile(bytes, async (path) => {
      const file = await open(path);
      const run = async (text: string): Promise<number[]> => {
        const f = parseFilter(text);
        if ('error' in f) throw new Error(f.error);
        const r = await filterRows(
          index,
          f,
          file,
          createRegistry(),
          () => false,
          () => undefined,
        );
        return [...r.matches.subarray(0, r.count)];
      };
      assert.deepEqual(await run('error'), [7, 9]);
      assert.deepEqual(await run('proto:generic type:CTRL_CMD_GETFAMILY'), [6, 12]);
      assert.deepEqual((await run('type:RTM_NEWLINK')).length, 5);
      assert.deepEqual(await run('family:nlctrl seq:1313603592'), [6]);
      assert.deepEqual((await run('port:0')).length, 6, 'the requests leave the port to the kernel');
      assert.deepEqual(await run('invalid values'), [9], 'words match the ext-ack text');
      assert.ok('error' in parseFilter('seq:abc'));
      assert.ok('error' in parseFilter('proto:nosuch'));
      await file.close();
    });
  });
});
