// `npm run fuzz`: the decoder properties over many inputs (default 1,000,000; FUZZ_RUNS to change), with the
// slowest single input reported, since a decoder on a hover path must stay fast on hostile bytes too. The
// slowest input is timed again alone, so a GC pause during the run is not mistaken for a slow input.
// Then the renderer properties (test/fuzz/render.ts) over hostile strings (default 3,000; FUZZ_RENDER_RUNS),
// a message of 200,000 hostile attributes and a dump of 20,000 messages, and the CLI on a batch of them.
import fc from 'fast-check';
import { decodeMessages, renderMarkdown, toHex } from '../../extension/src/netlink/index';
import { checkCli, checkHostile } from './render';
import { hostileInput, mutatedMessage } from './samples';

const total = Number(process.env.FUZZ_RUNS ?? 1_000_000);
const renderRuns = Number(process.env.FUZZ_RENDER_RUNS ?? 3_000);
const random = fc.record({ bytes: fc.uint8Array({ maxLength: 1024 }), protocol: fc.constantFrom(0, 4, 16, 31) });
const input = fc.oneof(random, mutatedMessage());

function decodeAndRender(bytes: Uint8Array, protocol: number): void {
  renderMarkdown(decodeMessages(bytes, { protocol }), 'fuzz');
}

let slowest = { ms: 0, bytes: new Uint8Array(0), protocol: 0 };
let count = 0;
const started = performance.now();
fc.assert(
  fc.property(input, ({ bytes, protocol }) => {
    const t0 = performance.now();
    decodeAndRender(bytes, protocol);
    const ms = performance.now() - t0;
    if (ms > slowest.ms) slowest = { ms, bytes: bytes.slice(), protocol };
    count++;
  }),
  { numRuns: total },
);
const seconds = (performance.now() - started) / 1000;

const again: number[] = [];
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  decodeAndRender(slowest.bytes, slowest.protocol);
  again.push(performance.now() - t0);
}
again.sort((a, b) => a - b);
const median = again[3]!;
console.log(`fuzz: ${count} inputs in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s), no exception`);
console.log(
  `fuzz: slowest input ${slowest.ms.toFixed(2)} ms during the run, ${median.toFixed(3)} ms (median of 7) alone: ${slowest.bytes.length} bytes, protocol ${slowest.protocol}`,
);
if (median > 5) {
  console.error(`fuzz: input ${toHex(slowest.bytes)} takes ${median.toFixed(1)} ms to decode (limit 5 ms)`);
  process.exitCode = 1;
}

const renderStarted = performance.now();
fc.assert(fc.property(hostileInput(), checkHostile), { numRuns: renderRuns });
const hostile = '\x1b]0;title\x07\n```\n![x](http://127.0.0.1/x.png)\u202e';
checkHostile({ shape: 'dump', text: hostile, messages: 1, attrs: 200_000 });
checkHostile({ shape: 'ext-ack', text: hostile, messages: 20_000, attrs: 1 });
checkCli(fc.sample(hostileInput(), 500));
console.log(
  `fuzz: renderers escaped ${renderRuns} hostile inputs, 200,000 attributes, 20,000 messages and a CLI batch in ${((performance.now() - renderStarted) / 1000).toFixed(1)} s`,
);
