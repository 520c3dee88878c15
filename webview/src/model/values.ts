// Attribute and struct-field values: the text in a typed editor to payload bytes (encodeValue), and payload bytes
// back to editor text (valueText, for loading a message into the form). valueText returns undefined when the
// bytes cannot be written as that kind's text exactly, so the loader falls back to hex rather than change bytes.
import { byteSource, encodeScalar, encodeString, formatBinary } from '../../../extension/src/netlink/index';
import type { AttrDisplay, AttrKind, EnumDef, ScalarKind } from '../../../extension/src/netlink/index';
import { parseHexText } from '../../../extension/src/netlink/scan/index';
import { parseIp, parseIpv4, parseIpv6, parseMac, parseUuid, type Parsed } from './addresses';
import { parseInteger } from './numbers';

/** Everything that decides how one value is written. */
export interface ValueSpec {
  readonly kind: AttrKind;
  readonly display?: AttrDisplay;
  readonly bigEndian: boolean;
  readonly enumDef?: EnumDef;
}

const SCALARS: readonly string[] = ['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64'];
const WIDTH: Readonly<Record<ScalarKind, number>> = { u8: 1, u16: 2, u32: 4, u64: 8, s8: 1, s16: 2, s32: 4, s64: 8 };

export function isScalarKind(kind: string): kind is ScalarKind {
  return SCALARS.includes(kind);
}

/** Kinds whose value is a list of child attributes, not text. */
export function isContainerKind(kind: AttrKind): boolean {
  return kind === 'nest' || kind === 'indexed-array' || kind === 'sub-message';
}

/** Kinds a user may pick for an attribute without a definition (or to override one). */
export const PICKABLE_KINDS: readonly AttrKind[] = [
  'binary',
  'u8',
  'u16',
  'u32',
  'u64',
  's8',
  's16',
  's32',
  's64',
  'uint',
  'sint',
  'string',
  'flag',
  'bitfield32',
  'nest',
];

const MAX_ATTR_PAYLOAD = 0xffff - 4;

/**
 * Bytes of an empty-or-not hex text in any form the hex scanner reads (spaced, contiguous, 0x.., C array,
 * "\x.." strings, colon-separated). Empty text is zero bytes.
 */
export function parseHexValue(text: string): Parsed {
  if (text.trim() === '') return { bytes: new Uint8Array(0) };
  const r = parseHexText(text);
  if ('error' in r) return { error: `bad hex at character ${r.offset + 1}: ${r.error}` };
  return { bytes: r.bytes };
}

function parseBinary(text: string, display: AttrDisplay | undefined): Parsed {
  switch (display) {
    case 'mac':
      return parseMac(text);
    case 'ipv4':
      return parseIpv4(text);
    case 'ipv6':
      return parseIpv6(text);
    case 'ip':
      return parseIp(text);
    case 'uuid':
      return parseUuid(text);
    default:
      return parseHexValue(text);
  }
}

function parseIntBytes(text: string, kind: ScalarKind, spec: ValueSpec): Parsed {
  const r = parseInteger(text, kind, spec.enumDef);
  if ('error' in r) return r;
  return { bytes: encodeScalar(kind, r.value, spec.bigEndian) };
}

/** Payload bytes of `text` for a value of `spec`; container kinds have no text value (zero bytes). */
export function encodeValue(spec: ValueSpec, text: string): Parsed {
  const { kind } = spec;
  if (isScalarKind(kind)) return parseIntBytes(text, kind, spec);
  switch (kind) {
    case 'uint':
    case 'sint': {
      // Like nla_put_uint / nla_put_sint: 4 bytes when the value fits, else 8.
      const r = parseInteger(text, kind, spec.enumDef);
      if ('error' in r) return r;
      const small = kind === 'uint' ? r.value <= 0xffffffffn : r.value >= -0x80000000n && r.value <= 0x7fffffffn;
      const width: ScalarKind = kind === 'uint' ? (small ? 'u32' : 'u64') : small ? 's32' : 's64';
      return { bytes: encodeScalar(width, r.value, spec.bigEndian) };
    }
    case 'string': {
      const bytes = encodeString(text);
      return bytes.length > MAX_ATTR_PAYLOAD
        ? { error: `string of ${bytes.length} bytes is longer than an attribute can hold (${MAX_ATTR_PAYLOAD})` }
        : { bytes };
    }
    case 'flag':
      return { bytes: new Uint8Array(0) };
    case 'bitfield32': {
      const parts = text.split('/');
      if (parts.length !== 2) return { error: 'expected "value/selector", e.g. 0x1/0x1' };
      const value = parseIntBytes(parts[0]!, 'u32', { ...spec, bigEndian: false });
      if ('error' in value) return { error: `value: ${value.error}` };
      const selector = parseIntBytes(parts[1]!, 'u32', { ...spec, bigEndian: false, enumDef: undefined });
      if ('error' in selector) return { error: `selector: ${selector.error}` };
      const out = new Uint8Array(8);
      out.set(value.bytes, 0);
      out.set(selector.bytes, 4);
      return { bytes: out };
    }
    case 'nest':
    case 'indexed-array':
    case 'sub-message':
      return { bytes: new Uint8Array(0) };
    case 'binary': {
      const r = parseBinary(text, spec.display);
      if ('bytes' in r && r.bytes.length > MAX_ATTR_PAYLOAD)
        return { error: `${r.bytes.length} bytes are more than an attribute can hold (${MAX_ATTR_PAYLOAD})` };
      return r;
    }
    default:
      // struct and unspec: raw bytes.
      return parseHexValue(text);
  }
}

/** Placeholder text for an editor of `spec`: what to type. */
export function valueHint(spec: ValueSpec): string {
  const { kind } = spec;
  if (isScalarKind(kind) || kind === 'uint' || kind === 'sint') {
    return `${kind}${spec.enumDef ? ` or ${spec.enumDef.name} name${spec.enumDef.flags ? 's joined by |' : ''}` : ''}`;
  }
  switch (kind) {
    case 'string':
      return 'text (sent NUL-terminated)';
    case 'flag':
      return 'present';
    case 'bitfield32':
      return 'value/selector, e.g. 0x1/0x1';
    case 'binary':
      switch (spec.display) {
        case 'mac':
          return 'MAC, e.g. 02:00:00:00:00:01';
        case 'ipv4':
          return 'IPv4, e.g. 192.0.2.1';
        case 'ipv6':
          return 'IPv6, e.g. 2001:db8::1';
        case 'ip':
          return 'IPv4 or IPv6 address';
        case 'uuid':
          return 'UUID';
        default:
          return 'hex bytes, e.g. 01 02 0a';
      }
    default:
      return 'hex bytes';
  }
}

// ---------------------------------------------------------------------------------------------
// Bytes back to text.

/** Spaced lowercase hex pairs ("0a 0b"), the form the hex editors show. */
export function spacedHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function readInt(bytes: Uint8Array, kind: ScalarKind, bigEndian: boolean): bigint {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = !bigEndian;
  switch (kind) {
    case 'u8':
      return BigInt(v.getUint8(0));
    case 's8':
      return BigInt(v.getInt8(0));
    case 'u16':
      return BigInt(v.getUint16(0, le));
    case 's16':
      return BigInt(v.getInt16(0, le));
    case 'u32':
      return BigInt(v.getUint32(0, le));
    case 's32':
      return BigInt(v.getInt32(0, le));
    case 'u64':
      return v.getBigUint64(0, le);
    case 's64':
      return v.getBigInt64(0, le);
  }
}

function intText(value: bigint, display: AttrDisplay | undefined): string {
  return display === 'hex' && value >= 0n ? `0x${value.toString(16)}` : value.toString();
}

/** Address and UUID payloads as the decoder shows them (the editors parse that text back); else spaced hex. */
function binaryText(payload: Uint8Array, display: AttrDisplay | undefined): string {
  return formatBinary(byteSource(payload), 0, payload.length, display) ?? spacedHex(payload);
}

/**
 * Editor text for `payload` read as `spec`, such that encodeValue(spec, text) gives back exactly `payload`;
 * undefined when no such text exists (wrong width, a string without its single trailing NUL, ...).
 */
export function valueText(spec: ValueSpec, payload: Uint8Array): string | undefined {
  const { kind } = spec;
  if (isScalarKind(kind)) {
    return payload.length === WIDTH[kind] ? intText(readInt(payload, kind, spec.bigEndian), spec.display) : undefined;
  }
  let text: string | undefined;
  switch (kind) {
    case 'uint':
    case 'sint': {
      const width =
        payload.length === 4
          ? kind === 'uint'
            ? 'u32'
            : 's32'
          : payload.length === 8
            ? kind === 'uint'
              ? 'u64'
              : 's64'
            : undefined;
      if (width === undefined) return undefined;
      text = intText(readInt(payload, width, spec.bigEndian), spec.display);
      break;
    }
    case 'string': {
      if (payload.length === 0 || payload[payload.length - 1] !== 0 || payload.indexOf(0) !== payload.length - 1)
        return undefined;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(0, payload.length - 1));
      } catch {
        return undefined;
      }
      break;
    }
    case 'flag':
      return payload.length === 0 ? '' : undefined;
    case 'bitfield32': {
      if (payload.length !== 8) return undefined;
      const v = new DataView(payload.buffer, payload.byteOffset, 8);
      return `0x${v.getUint32(0, true).toString(16)}/0x${v.getUint32(4, true).toString(16)}`;
    }
    case 'nest':
    case 'indexed-array':
    case 'sub-message':
      return undefined;
    case 'binary':
      text = binaryText(payload, spec.display);
      break;
    default:
      return spacedHex(payload);
  }
  // Check the round trip rather than trusting each formatter's corner cases (enum spellings, leading zeros).
  const back = encodeValue(spec, text);
  return 'bytes' in back && sameBytes(back.bytes, payload) ? text : undefined;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
