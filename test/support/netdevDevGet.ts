// netdev dev-get built from the kernel's spec and sent through the builder's path (specRequest.ts), with the
// checks every kernel that has the family must pass: one reply for the asked ifindex, decoded by the spec without
// problems, and a dump that lists the expected devices. Shared by the native test (this machine's kernel) and the
// lab test (Debian's 6.12 in the lab VM).
import assert from 'node:assert/strict';
import type { Exchanger } from '../../extension/src/exchange/exchanger';
import type { DecodedMessage, FamilyRegistry } from '../../extension/src/netlink/index';
import { attr, sendForm, specForm } from './specRequest';

/** `dev-get do` for `ifindex`: the one reply, checked to name that device and carry its xdp-features. */
export async function netdevDevGet(
  exchanger: Exchanger,
  registry: FamilyRegistry,
  ifindex: number,
): Promise<DecodedMessage> {
  const s = await specForm(exchanger, registry, 'netdev', 'dev-get do', [['ifindex', String(ifindex)]]);
  const { result, replies } = await sendForm(exchanger, registry, s);
  assert.ok(result.kind === 'replies' && result.kernelError === undefined, JSON.stringify(result));
  const reply = replies.find((m) => m.family === 'netdev' && m.error === undefined);
  assert.ok(reply, JSON.stringify(replies));
  assert.deepEqual(reply.problems, []);
  assert.equal(reply.command, 'dev-get');
  assert.equal(attr(reply.attrs, 'ifindex').value, ifindex);
  assert.ok(
    reply.attrs.some((a) => a.name === 'xdp-features'),
    reply.attrs.map((a) => a.name).join(', '),
  );
  return reply;
}

/** `dev-get dump`: every device's ifindex, checked to include `expected`, every reply decoded without problems. */
export async function netdevDevGetDump(
  exchanger: Exchanger,
  registry: FamilyRegistry,
  expected: readonly number[],
): Promise<number[]> {
  const s = await specForm(exchanger, registry, 'netdev', 'dev-get dump', []);
  const { result, replies } = await sendForm(exchanger, registry, s);
  assert.ok(result.kind === 'replies' && result.outcome === 'done', JSON.stringify(result));
  assert.ok(replies.every((m) => m.problems.length === 0));
  const ifindexes = replies.filter((m) => m.command === 'dev-get').map((m) => Number(attr(m.attrs, 'ifindex').value));
  for (const i of expected) assert.ok(ifindexes.includes(i), `ifindex ${i} not in the dump: ${ifindexes.join(', ')}`);
  return ifindexes;
}
