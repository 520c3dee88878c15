// The viewer's messages are checked on arrival: a malformed one is refused with a reason, never acted on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkViewerMessage, MAX_ROWS_PER_REQUEST } from '../../extension/src/protocol/captureViewer';

describe('capture viewer protocol', () => {
  it('accepts the well-formed messages', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'rows', requestId: 1, start: 0, count: 50 },
      { type: 'select', requestId: 2, row: 7 },
      { type: 'fold', requestId: 5, row: 0 },
      { type: 'filter', requestId: 3, query: { text: 'type:RTM_NEWLINK' } },
      { type: 'goto', requestId: 4, record: 12 },
      { type: 'openInBuilder', row: 3 },
      { type: 'export', rows: [1, 2, 3] },
      { type: 'copy', text: 'x', what: 'Hex' },
      { type: 'stop' },
    ])
      assert.deepEqual(checkViewerMessage(m), { message: m });
  });

  it('refuses malformed ones with a reason', () => {
    for (const m of [
      null,
      'ready',
      { type: 'nope' },
      { type: 'rows', requestId: 1, start: -1, count: 5 },
      { type: 'rows', requestId: 1, start: 0, count: MAX_ROWS_PER_REQUEST + 1 },
      { type: 'select', requestId: 1, row: 1.5 },
      { type: 'fold', requestId: 1, row: -1 },
      { type: 'fold', row: 2 },
      { type: 'filter', requestId: 1, query: { text: 'x'.repeat(1001) } },
      { type: 'filter', requestId: 1 },
      { type: 'export', rows: [] },
      { type: 'export', rows: ['1'] },
      { type: 'copy', text: 1, what: 'Hex' },
    ]) {
      const r = checkViewerMessage(m);
      assert.ok('error' in r && r.error.length > 0, JSON.stringify(m));
    }
  });
});
