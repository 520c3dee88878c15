// Folded dump groups (extension/src/capture/foldView.ts) over a real capture's index: the fixtures' exchanges
// written as a pcap (test/support/capture-fixtures.ts) and indexed by the same batch + index code the viewer uses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaptureIndex } from '../../extension/src/capture/captureIndex';
import { FoldedView, groupFirstRow, isFoldable } from '../../extension/src/capture/foldView';
import { BatchBuilder } from '../../extension/src/capture/indexBatch';
import { CaptureReader } from '../../extension/src/netlink/capture/reader';
import { fixtureCapture } from '../support/capture-fixtures';

function indexOf(bytes: Uint8Array): CaptureIndex {
  const index = new CaptureIndex();
  const batch = new BatchBuilder();
  const reader = new CaptureReader({
    record: (r) => batch.record(r),
    problem: (p) => batch.problem(p),
    marker: (m) => batch.marker(m),
  });
  reader.push(bytes);
  reader.end();
  index.append(batch.take(bytes.length));
  index.end();
  return index;
}

describe('folded dump groups', () => {
  const index = indexOf(fixtureCapture());
  const all = (p: number): number | undefined => (p < index.size ? p : undefined);

  it('folds a dump to its first row and unfolds it again; other rows keep their order', () => {
    const first = index.conversationOf(0)!.conversation;
    assert.ok(isFoldable(first), 'the link dump is a group');
    assert.equal(groupFirstRow(first), 0);
    assert.ok(first.doneRow !== undefined && first.doneRow > 1);
    const fold = new FoldedView();
    assert.equal(fold.active, false);
    fold.toggle(first.id);
    const n = fold.count(index, index.size, all);
    const hidden = first.doneRow! - 0;
    assert.equal(n, index.size - hidden);
    assert.equal(fold.rowAt(0), 0);
    assert.equal(fold.rowAt(1), first.doneRow! + 1, 'the row after the DONE follows the folded request');
    assert.equal(fold.positionOf(first.doneRow! + 1), 1);
    assert.equal(fold.positionOf(3), 1, 'a hidden row goes to the next shown one');
    fold.toggle(first.id);
    assert.equal(fold.active, false);
    assert.equal(fold.count(index, index.size, all), index.size);
  });

  it('keeps up with a growing base view, looking at each new position once', () => {
    const first = index.conversationOf(0)!.conversation;
    const fold = new FoldedView();
    fold.toggle(first.id);
    let looked = 0;
    const counting = (p: number): number | undefined => {
      looked++;
      return all(p);
    };
    const part = fold.count(index, 3, counting);
    assert.equal(part, 1, 'only the request of the first three rows');
    const whole = fold.count(index, index.size, counting);
    assert.equal(whole, index.size - first.doneRow!);
    assert.equal(looked, index.size);
  });

  it('does not take a plain request and its ack for a group', () => {
    let plain = 0;
    for (let row = 0; row < index.size; row++) {
      const c = index.conversationOf(row)?.conversation;
      if (c && !c.dump) {
        assert.equal(isFoldable(c), false);
        plain++;
      }
    }
    assert.ok(plain > 0);
  });
});
