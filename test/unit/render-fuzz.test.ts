// The renderer fuzz's properties (test/fuzz/render.ts) on a few hundred hostile inputs; `npm run fuzz` runs more.
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkHostile } from '../fuzz/render';
import { hostileInput } from '../fuzz/samples';

const RUNS = Number(process.env.FUZZ_UNIT_RUNS ?? 300);

describe('renderer properties', () => {
  it('escape every hostile string for Markdown, text and inlay hints', () => {
    fc.assert(fc.property(hostileInput(), checkHostile), { numRuns: RUNS });
  });
});
