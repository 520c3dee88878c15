// A decoded message's byte map for the hex view: which header field or attribute holds each byte, from the
// offsets the codec reports (outer before inner, as ByteMap wants). The builder gets its map from encoding; a
// captured message has only its decoding.
import type { DecodedAttr, DecodedMessage } from '../../../extension/src/netlink/index';
import { ByteMap } from '../model/byteMap';
import type { ByteSpan } from '../model/encode';

const HEADER: readonly (readonly [string, number, number])[] = [
  ['nlmsg_len', 0, 4],
  ['nlmsg_type', 4, 6],
  ['nlmsg_flags', 6, 8],
  ['nlmsg_seq', 8, 12],
  ['nlmsg_pid', 12, 16],
];

function attrSpans(attrs: readonly DecodedAttr[], path: string, out: ByteSpan[]): void {
  for (const a of attrs) {
    const name = `${path}${path ? '.' : ''}${a.name}`;
    const field = `attr@${a.offset}`;
    out.push({ key: `attr.${a.offset}`, field, label: name, start: a.offset, end: a.offset + a.length });
    out.push({ key: `attr.${a.offset}.nla_len`, field, label: `${name} nla_len`, start: a.offset, end: a.offset + 2 });
    out.push({
      key: `attr.${a.offset}.nla_type`,
      field,
      label: `${name} nla_type`,
      start: a.offset + 2,
      end: a.offset + 4,
    });
    if (a.attrs) attrSpans(a.attrs, name, out);
  }
}

/** The map of one message decoded from `length` bytes. */
export function decodedByteMap(m: DecodedMessage, length: number): ByteMap {
  const spans: ByteSpan[] = [];
  for (const [name, start, end] of HEADER)
    spans.push({ key: `nlmsghdr.${name}`, field: `nlmsghdr.${name}`, label: `nlmsghdr ${name}`, start, end });
  attrSpans(m.attrs, '', spans);
  return new ByteMap(length, spans);
}
