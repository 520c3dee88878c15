// Test helpers that build real-shaped messages with the codec's own encoder (checked in codec-encode.test.ts).
import { encodeAttrs, encodeMessage, encodeScalar, encodeString, concatBytes } from '../../extension/src/netlink/index';
import type { AttrInput } from '../../extension/src/netlink/index';

export const u32 = (type: number, v: number): AttrInput => ({ type, payload: encodeScalar('u32', v) });
export const str = (type: number, s: string): AttrInput => ({ type, payload: encodeString(s) });
export const nest = (type: number, attrs: AttrInput[]): AttrInput => ({ type, attrs });

/** struct ifinfomsg with the given family / index. */
export function ifinfomsg(index = 0, family = 0): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint8(0, family);
  v.setInt32(4, index, true);
  return b;
}

export function rtm(type: number, flags: number, seq: number, payload: Uint8Array): Uint8Array {
  return encodeMessage({ type, flags, seq, pid: 0 }, payload);
}

/** An NLMSG_ERROR answering `request`, optionally capped, with ext-ack TLVs. */
export function nlError(
  errno: number,
  request: Uint8Array,
  opts: { capped?: boolean; tlvs?: AttrInput[]; seq?: number } = {},
): Uint8Array {
  const err = encodeScalar('s32', -errno);
  const echoed = opts.capped ? request.subarray(0, 16) : request;
  const flags = (opts.capped ? 0x100 : 0) | (opts.tlvs ? 0x200 : 0);
  return encodeMessage(
    { type: 2, flags, seq: opts.seq ?? 1, pid: 4242 },
    concatBytes([err, echoed, encodeAttrs(opts.tlvs ?? [])]),
  );
}
