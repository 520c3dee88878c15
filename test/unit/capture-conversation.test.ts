// Conversation analysis over real kernel exchanges (test/fixtures): the request and its replies in one group,
// dumps ending at DONE, and the flags for an interrupted dump, a missing DONE, lost messages and errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConversationTracker, type ConversationMessage } from '../../extension/src/netlink/capture/conversation';
import { NLM_F_DUMP_INTR, NLMSG_DONE, NLMSG_ERROR } from '../../extension/src/netlink/index';
import { loadFixture } from '../fixtures/load';

/** The netlink messages in one buffer, as the capture index describes them. */
function messagesOf(bytes: Uint8Array, protocol: number, time: number, firstRow: number): ConversationMessage[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ConversationMessage[] = [];
  for (let pos = 0; pos + 16 <= bytes.length;) {
    const len = view.getUint32(pos, true);
    const type = view.getUint16(pos + 4, true);
    const hasCode = (type === NLMSG_ERROR || type === NLMSG_DONE) && len >= 20;
    out.push({
      row: firstRow + out.length,
      time,
      protocol,
      type,
      flags: view.getUint16(pos + 6, true),
      seq: view.getUint32(pos + 8, true),
      pid: view.getUint32(pos + 12, true),
      ...(hasCode ? { errorCode: view.getInt32(pos + 16, true) } : {}),
    });
    pos += Math.max(16, (len + 3) & ~3);
  }
  return out;
}

/** A fixture's exchange as capture rows: the request at t0, each reply buffer 1 ms later than the previous. */
function exchangeRows(name: string, t0 = 1000): ConversationMessage[] {
  const f = loadFixture(name);
  const rows = messagesOf(f.request, f.protocol, t0, 0);
  f.buffers.forEach((b, i) => rows.push(...messagesOf(b, f.protocol, t0 + (i + 1) / 1000, rows.length)));
  return rows;
}

describe('capture conversations', () => {
  it('pairs a dump request (pid 0) with all its parts and ends the group at DONE', () => {
    const rows = exchangeRows('rtm-getlink-dump');
    assert.equal(rows[0]!.pid, 0, 'the fixture request leaves the port to the kernel');
    const t = new ConversationTracker();
    const marks = rows.map((r) => t.add(r));
    assert.equal(marks[0]!.role, 'request');
    assert.ok(
      marks.every((m) => m.conversation === 0),
      'every message in one conversation',
    );
    assert.equal(marks.at(-1)!.role, 'done');
    const c = t.get(0)!;
    assert.equal(c.dump, true);
    assert.equal(c.complete, true);
    assert.equal(c.doneRow, rows.length - 1);
    assert.equal(c.replies, rows.length - 1);
    assert.equal(c.pid, rows[1]!.pid, 'the conversation takes the port the replies carry');
    assert.ok(c.pid !== 0);
    assert.equal(c.latencyMs !== undefined && Math.round(c.latencyMs), 1);
    assert.equal(c.totalMs !== undefined && Math.round(c.totalMs), rows.length > 2 ? 3 : 1);
    assert.equal(c.noDone || c.dumpIntr || c.lost, false);
  });

  it('marks an error reply and keeps it in the request’s conversation', () => {
    const rows = exchangeRows('genl-getfamily-enoent');
    const t = new ConversationTracker();
    const marks = rows.map((r) => t.add(r));
    assert.deepEqual(
      marks.map((m) => m.role),
      ['request', 'error'],
    );
    const c = t.get(0)!;
    assert.equal(c.errorCode, -2);
    assert.equal(c.complete, true);
    assert.equal(c.dump, false);
  });

  it('flags a part carrying NLM_F_DUMP_INTR', () => {
    const rows = exchangeRows('rtm-getaddr-dump').map((r, i) =>
      i === 2 ? { ...r, flags: r.flags | NLM_F_DUMP_INTR } : r,
    );
    const t = new ConversationTracker();
    rows.forEach((r) => t.add(r));
    assert.equal(t.get(0)!.dumpIntr, true);
    assert.equal(t.get(0)!.complete, true);
  });

  it('flags a dump whose DONE never came when the capture ends', () => {
    const rows = exchangeRows('rtm-getlink-dump').slice(0, -1);
    const t = new ConversationTracker();
    rows.forEach((r) => t.add(r));
    assert.equal(t.get(0)!.noDone, false, 'still open: not flagged before the end');
    t.end();
    assert.equal(t.get(0)!.noDone, true);
    assert.equal(t.get(0)!.complete, false);
  });

  it('flags open conversations when messages were lost, and truncated parts', () => {
    const rows = exchangeRows('rtm-getlink-dump');
    const t = new ConversationTracker();
    t.add(rows[0]!);
    t.lost();
    rows.slice(1).forEach((r) => t.add(r));
    assert.equal(t.get(0)!.lost, true);
    const t2 = new ConversationTracker();
    rows.forEach((r, i) => t2.add(i === 1 ? { ...r, truncated: true } : r));
    assert.equal(t2.get(0)!.lost, true);
    const t3 = new ConversationTracker();
    t3.lost(); // before the request: nothing open, nothing flagged
    rows.forEach((r) => t3.add(r));
    assert.equal(t3.get(0)!.lost, false);
  });

  it('keeps two requesters with the same seq apart by their ports, and notifications outside', () => {
    const a = exchangeRows('rtm-newlink-ack');
    const t = new ConversationTracker();
    const portA = a[1]!.pid;
    const req = (row: number, pid: number): ConversationMessage => ({ ...a[0]!, row, pid });
    const ack = (row: number, pid: number): ConversationMessage => ({ ...a[1]!, row, pid });
    t.add(req(0, portA));
    t.add(req(1, portA + 1));
    assert.equal(t.add(ack(2, portA + 1)).conversation, 1);
    assert.equal(t.add(ack(3, portA)).conversation, 0);
    const notification = { ...a[1]!, row: 4, type: 16, flags: 0, seq: 0, pid: 0 };
    delete (notification as { errorCode?: number }).errorCode;
    assert.deepEqual(t.add(notification), { role: 'notification', conversation: undefined });
  });

  it('bounds the open conversations', () => {
    const t = new ConversationTracker(8);
    for (let i = 0; i < 100; i++) t.add({ row: i, time: i, protocol: 0, type: 18, flags: 0x301, seq: i, pid: 7 });
    assert.equal(t.size, 100);
    assert.equal(t.get(0)!.noDone, true, 'evicted dumps count as never done');
    assert.equal(t.get(99)!.noDone, false);
  });
});
