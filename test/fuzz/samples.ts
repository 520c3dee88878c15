// Messages to mutate: every buffer the kernel fixtures captured (link/addr/route/neigh/rule dumps, nlctrl,
// errors with ext-ack, capped and uncapped), plus built ones for what the kernel here does not send (a link
// with IFLA_LINKINFO, a genl NEWFAMILY with a bound id, the reference module's text reply).
import fc from 'fast-check';
import { concatBytes, encodeAttrs, encodeMessage, encodeScalar, encodeString } from '../../extension/src/netlink/index';
import type { AttrInput } from '../../extension/src/netlink/index';
import { fixtureNames, loadFixture } from '../fixtures/load';

const u32 = (type: number, v: number): AttrInput => ({ type, payload: encodeScalar('u32', v) });
const str = (type: number, s: string): AttrInput => ({ type, payload: encodeString(s) });

export interface Sample {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly protocol: number;
  /** From the kernel fixtures, as received (some are deliberately refused requests echoed back). */
  readonly captured?: boolean;
}

export function sampleMessages(): Sample[] {
  const ifinfo = new Uint8Array(16);
  new DataView(ifinfo.buffer).setInt32(4, 2, true);
  const link = encodeMessage(
    { type: 16, flags: 2, seq: 1, pid: 99 },
    concatBytes([
      ifinfo,
      encodeAttrs([
        str(3, 'eth0'),
        u32(4, 1500),
        { type: 1, payload: Uint8Array.from([2, 0, 0, 0, 0, 1]) },
        { type: 18, attrs: [str(1, 'veth'), { type: 2, attrs: [u32(1, 5)] }] },
        { type: 26, attrs: [{ type: 10, attrs: [u32(1, 0x80000000), { type: 8, payload: encodeScalar('u8', 0) }] }] },
        { type: 23, payload: new Uint8Array(200) },
      ]),
    ]),
  );
  const addr = encodeMessage(
    { type: 20, flags: 2, seq: 2, pid: 99 },
    concatBytes([
      Uint8Array.from([2, 8, 0x80, 0, 1, 0, 0, 0]),
      encodeAttrs([
        { type: 1, payload: Uint8Array.from([127, 0, 0, 1]) },
        str(3, 'lo'),
        { type: 6, payload: new Uint8Array(16) },
      ]),
    ]),
  );
  const routeMsg = encodeMessage(
    { type: 24, flags: 2, seq: 3, pid: 99 },
    concatBytes([
      Uint8Array.from([2, 24, 0, 0, 254, 2, 0, 1, 0, 0, 0, 0]),
      encodeAttrs([
        u32(15, 254),
        { type: 1, payload: Uint8Array.from([10, 0, 2, 0]) },
        u32(4, 2),
        { type: 8, attrs: [u32(2, 1400)] },
      ]),
    ]),
  );
  const request = encodeMessage(
    { type: 16, flags: 0x605, seq: 4, pid: 0 },
    concatBytes([ifinfo, encodeAttrs([{ type: 18, attrs: [str(1, 'bogus')] }])]),
  );
  const error = encodeMessage(
    { type: 2, flags: 0x200, seq: 4, pid: 99 },
    concatBytes([encodeScalar('s32', -95), request, encodeAttrs([str(1, 'Unknown device type'), u32(2, 40)])]),
  );
  const genl = encodeMessage(
    { type: 0x10, flags: 0, seq: 5, pid: 99 },
    concatBytes([
      Uint8Array.from([1, 2, 0, 0]),
      encodeAttrs([
        { type: 1, payload: encodeScalar('u16', 20) },
        str(2, 'netdev'),
        { type: 6, attrs: [{ type: 1, attrs: [u32(1, 1), u32(2, 0xe)] }] },
        { type: 7, attrs: [{ type: 1, attrs: [str(1, 'mgmt'), u32(2, 4)] }] },
      ]),
    ]),
  );
  const done = encodeMessage({ type: 3, flags: 2, seq: 1, pid: 99 }, encodeScalar('s32', 0));
  const moduleReply = encodeMessage(
    { type: 3, flags: 0, seq: 6, pid: 0 },
    encodeString('message from port 77 processed by kernel'),
  );
  const captured = fixtureNames()
    .map(loadFixture)
    .flatMap((f) =>
      f.buffers.map((bytes, i) => ({ name: `${f.name}[${i}]`, bytes, protocol: f.protocol, captured: true })),
    );
  return [
    ...captured,
    { name: 'link dump', bytes: concatBytes([link, link, done]), protocol: 0 },
    { name: 'addr', bytes: addr, protocol: 0 },
    { name: 'route', bytes: routeMsg, protocol: 0 },
    { name: 'error with ext-ack', bytes: error, protocol: 0 },
    { name: 'genl newfamily', bytes: genl, protocol: 16 },
    { name: 'module reply', bytes: moduleReply, protocol: 31 },
  ];
}

/** A sample with a few bytes overwritten, cut, or extended: the shapes real corruption takes. */
export function mutatedMessage(): fc.Arbitrary<{ bytes: Uint8Array; protocol: number }> {
  const samples = sampleMessages();
  return fc
    .record({
      index: fc.nat(samples.length - 1),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      extra: fc.uint8Array({ maxLength: 8 }),
    })
    .map(({ index, edits, cut, extra }) => {
      const s = samples[index]!;
      const bytes = concatBytes([s.bytes, extra]);
      for (const [pos, value] of edits) bytes[pos % bytes.length] = value;
      return { bytes: cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1)), protocol: s.protocol };
    });
}

/** Pieces that mean something to Markdown, HTML, a terminal or the bidi algorithm; joined into hostile strings. */
const HOSTILE_PIECES = [
  '\n',
  '\r\n',
  '\t',
  '`',
  '```',
  '````',
  '~~~',
  '\n```\n',
  '![x](http://127.0.0.1/x.png)',
  '[l](http://127.0.0.1/)',
  '](',
  '<img src=x>',
  '<script>',
  '&amp;',
  '&#x41;',
  '\x1b]0;title\x07',
  '\x1b[2J',
  '\x1b[31m',
  '\x9b31m',
  '\x85',
  '\x7f',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\u2028',
  '\u2029',
  '\ud800',
  '\udc00',
  '😀',
  '|',
  '*',
  '**',
  '_',
  '__',
  '#',
  '> ',
  '- ',
  '1. ',
  '\\',
  '\\`',
  '"',
  "'",
  '$(zap)',
  'http://127.0.0.1/',
  'www.example.com',
  'a@b.example',
  '  ',
  'eth0',
  'x',
];

/** A string a capture or a spec file could hold: hostile pieces, or any characters at all. */
export function hostileString(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 12 }).map((p) => p.join('')),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );
}

export type HostileShape = 'ext-ack' | 'ifname' | 'module-text' | 'genl-family' | 'dump';

export interface HostileInput {
  readonly shape: HostileShape;
  readonly text: string;
  /** Messages in a dump, attributes per message. */
  readonly messages: number;
  readonly attrs: number;
}

/** Which message carries the hostile string, and how many of them: up to 40 messages of up to 500 attributes. */
export function hostileInput(): fc.Arbitrary<HostileInput> {
  return fc.record({
    shape: fc.constantFrom<HostileShape>('ext-ack', 'ifname', 'module-text', 'genl-family', 'dump'),
    text: hostileString(),
    messages: fc.integer({ min: 1, max: 40 }),
    attrs: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 500 })),
  });
}
