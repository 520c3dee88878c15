// Typed values: scalars of a declared width and byte order, enum and flag names, display hints.
// Every reader checks the payload length against the type and reports a mismatch instead of guessing.
import type { ByteSource } from './bytes';
import { formatIpv4, formatIpv6, formatMac, formatUuid } from './bytes';
import type { AttrDisplay, AttrKind, AttrValue, EnumDef, FamilyDef, ScalarKind, StructFieldDef } from './types';

type StructFieldKind = StructFieldDef['kind'];

const WIDTH: Readonly<Record<ScalarKind, number>> = {
  u8: 1,
  u16: 2,
  u32: 4,
  u64: 8,
  s8: 1,
  s16: 2,
  s32: 4,
  s64: 8,
};

export function isScalar(kind: string): kind is ScalarKind {
  switch (kind) {
    case 'u8':
    case 'u16':
    case 'u32':
    case 'u64':
    case 's8':
    case 's16':
    case 's32':
    case 's64':
      return true;
    default:
      return false;
  }
}

/** Bytes of a fixed-width scalar kind, undefined for every other kind. */
export function scalarWidth(kind: AttrKind | StructFieldKind): number | undefined {
  return isScalar(kind) ? WIDTH[kind] : undefined;
}

/** A scalar at `offset`: numbers, 64-bit ones as decimal strings (beyond 2^53 a number would lie). */
export function readScalar(src: ByteSource, offset: number, kind: ScalarKind, bigEndian: boolean): number | string {
  const le = !bigEndian;
  const v = src.view;
  switch (kind) {
    case 'u8':
      return v.getUint8(offset);
    case 's8':
      return v.getInt8(offset);
    case 'u16':
      return v.getUint16(offset, le);
    case 's16':
      return v.getInt16(offset, le);
    case 'u32':
      return v.getUint32(offset, le);
    case 's32':
      return v.getInt32(offset, le);
    case 'u64': {
      // Most counters fit in 53 bits: two u32 reads and one multiply are much cheaper than a BigInt.
      const hi = v.getUint32(le ? offset + 4 : offset, le);
      if (hi < 0x200000) return String(hi * 0x100000000 + v.getUint32(le ? offset : offset + 4, le));
      return v.getBigUint64(offset, le).toString();
    }
    case 's64':
      return v.getBigInt64(offset, le).toString();
  }
}

/** Width-dependent YNL uint/sint: 4 or 8 bytes on the wire (smaller ones are accepted too). */
export function readVariableInt(
  src: ByteSource,
  offset: number,
  length: number,
  signed: boolean,
  bigEndian: boolean,
): number | string | undefined {
  const kinds: Readonly<Record<number, ScalarKind>> = signed
    ? { 1: 's8', 2: 's16', 4: 's32', 8: 's64' }
    : { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };
  const kind = kinds[length];
  return kind === undefined ? undefined : readScalar(src, offset, kind, bigEndian);
}

/** Flag names of values already seen, per enum: the same flags come back in every message of a dump. */
const flagNameCache = new WeakMap<EnumDef, Map<number, string | undefined>>();
const FLAG_CACHE_LIMIT = 1024;

/** "IFF_UP|IFF_LOOPBACK|0x20000" for flag enums, the entry name for value enums, undefined when unnamed. */
export function enumValueName(def: EnumDef | undefined, value: number | string): string | undefined {
  if (!def) return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (!def.flags) return def.entries.get(n);
  let cache = flagNameCache.get(def);
  if (!cache) flagNameCache.set(def, (cache = new Map<number, string | undefined>()));
  if (cache.has(n)) return cache.get(n);
  const name = flagsName(def, n);
  if (cache.size < FLAG_CACHE_LIMIT) cache.set(n, name);
  return name;
}

function flagsName(def: EnumDef, n: number): string | undefined {
  if (n === 0) return def.entries.get(0);
  const names: string[] = [];
  let left = n >>> 0;
  for (const [bit, name] of def.entries) {
    if (bit !== 0 && (left & bit) === bit) {
      names.push(name);
      left = (left & ~bit) >>> 0;
    }
  }
  if (left !== 0) names.push(`0x${left.toString(16)}`);
  return names.join('|');
}

export function lookupEnum(family: FamilyDef | undefined, name: string | undefined): EnumDef | undefined {
  return name === undefined ? undefined : family?.enums.get(name);
}

/** Name for a number shown in hex, or a formatted binary payload; undefined when there is nothing to add. */
export function displayName(value: AttrValue, display: AttrDisplay | undefined): string | undefined {
  if (display === 'hex' && typeof value === 'number') return `0x${value.toString(16)}`;
  if (display === 'hex' && typeof value === 'string' && /^-?\d+$/.test(value)) return `0x${BigInt(value).toString(16)}`;
  return undefined;
}

/** Binary payload shown by its display hint: MAC, IPv4/IPv6 (by length for "ip"), UUID; else undefined. */
export function formatBinary(
  src: ByteSource,
  start: number,
  end: number,
  display: AttrDisplay | undefined,
): string | undefined {
  const len = end - start;
  const b = src.bytes;
  switch (display) {
    case 'mac':
      return len > 0 ? formatMac(b, start, end) : undefined;
    case 'ipv4':
      return len === 4 ? formatIpv4(b, start) : undefined;
    case 'ipv6':
      return len === 16 ? formatIpv6(b, start) : undefined;
    case 'ip':
      return len === 4 ? formatIpv4(b, start) : len === 16 ? formatIpv6(b, start) : undefined;
    case 'uuid':
      return len === 16 ? formatUuid(b, start) : undefined;
    default:
      return undefined;
  }
}
