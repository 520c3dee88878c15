// nlmsg_flags named by message kind: the bits above 0xff mean different things for GET, NEW, DELETE
// requests and for acks (netlink-facts.md). Unknown bits are shown as hex, never dropped.
import type { MessageKind } from './types';

/** Message kinds and acks each have their own meaning for the bits above 0xff. */
export type FlagTable = MessageKind | 'ack';

const COMMON: readonly (readonly [number, string])[] = [
  [0x1, 'NLM_F_REQUEST'],
  [0x2, 'NLM_F_MULTI'],
  [0x4, 'NLM_F_ACK'],
  [0x8, 'NLM_F_ECHO'],
  [0x10, 'NLM_F_DUMP_INTR'],
  [0x20, 'NLM_F_DUMP_FILTERED'],
];

const BY_TABLE: Readonly<Record<FlagTable, readonly (readonly [number, string])[]>> = {
  get: [
    [0x300, 'NLM_F_DUMP'],
    [0x100, 'NLM_F_ROOT'],
    [0x200, 'NLM_F_MATCH'],
    [0x400, 'NLM_F_ATOMIC'],
  ],
  new: [
    [0x100, 'NLM_F_REPLACE'],
    [0x200, 'NLM_F_EXCL'],
    [0x400, 'NLM_F_CREATE'],
    [0x800, 'NLM_F_APPEND'],
  ],
  del: [
    [0x100, 'NLM_F_NONREC'],
    [0x200, 'NLM_F_BULK'],
  ],
  ack: [
    [0x100, 'NLM_F_CAPPED'],
    [0x200, 'NLM_F_ACK_TLVS'],
  ],
  other: [],
};

/** Names of the set bits, most specific first (NLM_F_DUMP instead of ROOT|MATCH); leftover bits as "0x...". */
export function flagNames(flags: number, table: FlagTable): string[] {
  const names: string[] = [];
  let left = flags & 0xffff;
  for (const [bit, name] of COMMON) {
    if (left & bit) {
      names.push(name);
      left &= ~bit;
    }
  }
  for (const [mask, name] of BY_TABLE[table]) {
    if ((left & mask) === mask) {
      names.push(name);
      left &= ~mask;
    }
  }
  if (left !== 0) names.push(`0x${left.toString(16)}`);
  return names;
}

/** All named flags of a table, for builders (checkboxes that follow the message kind). */
export function flagChoices(table: FlagTable): readonly (readonly [number, string])[] {
  return [...COMMON, ...BY_TABLE[table].filter(([mask]) => mask !== 0x300)];
}

/** Parse "NLM_F_REQUEST|NLM_F_DUMP" / "REQUEST,ACK" / "0x305" into a number; undefined with the bad token. */
export function parseFlags(text: string, table: FlagTable): { value: number } | { error: string } {
  let value = 0;
  for (const raw of text.split(/[|,+\s]+/).filter(Boolean)) {
    if (/^(0x[0-9a-f]+|\d+)$/i.test(raw)) {
      value |= Number(raw);
      continue;
    }
    const name = raw.toUpperCase().startsWith('NLM_F_') ? raw.toUpperCase() : `NLM_F_${raw.toUpperCase()}`;
    const hit = [...COMMON, ...BY_TABLE[table]].find(([, n]) => n === name);
    if (!hit) return { error: `unknown flag "${raw}" for ${table} messages` };
    value |= hit[0];
  }
  return { value };
}
