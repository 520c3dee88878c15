// Property tests: random bytes and mutations of real-shaped messages never make the decoder or renderers
// throw, and every problem offset lies inside the buffer. `npm run fuzz` runs the same properties a million times.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeMessages, renderMarkdown, renderText } from '../../extension/src/netlink/index';
import type { DecodedMessage } from '../../extension/src/netlink/index';
import { mutatedMessage, sampleMessages } from '../fuzz/samples';

const RUNS = Number(process.env.FUZZ_UNIT_RUNS ?? 3000);

function check(bytes: Uint8Array, protocol: number): void {
  const messages = decodeMessages(bytes, { protocol });
  renderText(messages);
  renderMarkdown(messages, 'fuzz');
  const visit = (m: DecodedMessage): void => {
    for (const p of m.problems)
      assert.ok(p.offset >= 0 && p.offset <= bytes.length, `problem offset ${p.offset} outside ${bytes.length} bytes`);
    if (m.error?.request) visit(m.error.request);
  };
  messages.forEach(visit);
}

describe('decoder properties', () => {
  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(0, 16, 31, 4), (b, p) => check(b, p)),
      { numRuns: RUNS },
    );
  });

  it('never throws on mutated real-shaped messages', () => {
    fc.assert(
      fc.property(mutatedMessage(), ({ bytes, protocol }) => check(bytes, protocol)),
      { numRuns: RUNS },
    );
  });

  it('decodes every built sample without problems', () => {
    for (const { name, bytes, protocol } of sampleMessages().filter((s) => !s.captured)) {
      const problems = decodeMessages(bytes, { protocol }).flatMap((m) => m.problems);
      assert.deepEqual(problems, [], name);
    }
  });
});
