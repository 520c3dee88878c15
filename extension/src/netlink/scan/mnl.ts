// libmnl's mnl_nlmsg_fprintf() output (src/nlmsg.c). Per message it prints:
//   ----------------	------------------
//   |  0000000040  |	| message length |          nlmsg_len, decimal
//   | 00016 | R-A- |	|  type | flags  |          nlmsg_type, decimal; flags as R(REQUEST) M(MULTI) A(ACK) E(ECHO)
//   |  1289148991  |	| sequence number|
//   |  0000000000  |	|     port ID    |
//   ----------------	------------------
//   | 00 00 00 00  |	|  extra header  |          4 payload bytes in hex, label "extra header", "data" or blank
//   |00008|--|00003|	|len |flags| type|          attribute header: nla_len, N(NESTED) B(NET_BYTEORDER), type
//   | 65 74 68 30  |	|      data      |	 e t h 0
//   ----------------	------------------
// On a terminal the attribute fields are wrapped in ANSI colour codes, which are skipped here.
// What cannot be rebuilt: flag bits other than R/M/A/E, and attribute headers of type 0 (libmnl skips those rows).
import { isBlankCode, isDecimalCode, isHexPairAt, skipBlanks } from './chars';
import { newBytes, pushHexPair } from './segment';
import type { MnlRow } from './types';

/** Skips ANSI SGR sequences (ESC [ ... m). */
function skipAnsi(text: string, j: number, end: number): number {
  while (j + 1 < end && text.charCodeAt(j) === 27 && text.charCodeAt(j + 1) === 91) {
    let k = j + 2;
    while (k < end && text.charCodeAt(k) !== 109 && k - j < 16) k++;
    if (k >= end || text.charCodeAt(k) !== 109) return j;
    j = k + 1;
  }
  return j;
}

function readDecimal(
  text: string,
  j: number,
  end: number,
  maxDigits: number,
): { value: number; end: number } | undefined {
  let k = j;
  let value = 0;
  while (k < end && isDecimalCode(text.charCodeAt(k)) && k - j < maxDigits) {
    value = value * 10 + (text.charCodeAt(k) - 48);
    k++;
  }
  if (k === j || (k < end && isDecimalCode(text.charCodeAt(k)))) return undefined;
  return { value, end: k };
}

/** The label cell after a box, blanks removed, lower-cased: "|messagelength|", "|data|", "||", ... */
function labelKey(text: string, j: number, end: number): string {
  let key = '';
  for (let k = j; k < end && key.length < 24; k++) {
    const c = text.charCodeAt(k);
    if (!isBlankCode(c)) key += String.fromCharCode(c | (c >= 65 && c <= 90 ? 32 : 0));
  }
  return key;
}

function expect(text: string, j: number, end: number, code: number): number | undefined {
  return j < end && text.charCodeAt(j) === code ? j + 1 : undefined;
}

/** A box's closing '|' at j, then a label cell that starts with `label` ("|type|flags|"). */
function closesWithLabel(text: string, j: number, end: number, label: string): boolean {
  const close = expect(text, j, end, 124);
  return close !== undefined && labelKey(text, close, end).startsWith(label);
}

const FLAG_LETTERS = ['R', 'M', 'A', 'E'];

function parseBoxRow(text: string, cs: number, ce: number): MnlRow | undefined {
  // Data row: "| hh hh hh hh  |"
  if (text.charCodeAt(cs + 1) === 32 && isHexPairAt(text, cs + 2, ce) && text.charCodeAt(cs + 4) === 32) {
    const bytes = newBytes();
    let j = cs + 2;
    for (let b = 0; b < 4; b++) {
      if (!isHexPairAt(text, j, ce)) return undefined;
      pushHexPair(bytes, text, j);
      j += 2;
      if (b < 3) {
        if (text.charCodeAt(j) !== 32) return undefined;
        j++;
      }
    }
    const close = expect(text, skipBlanks(text, j, ce), ce, 124);
    if (close === undefined) return undefined;
    const key = labelKey(text, close, ce);
    if (!(key.startsWith('||') || key.startsWith('|data|') || key.startsWith('|extraheader|'))) return undefined;
    return { kind: 'data', ...bytes };
  }
  // Attribute row: "|00008|--|00003|", possibly with colour codes around each field.
  let j = skipAnsi(text, cs + 1, ce);
  if (isDecimalCode(text.charCodeAt(j))) {
    const len = readDecimal(text, j, ce, 5);
    if (!len) return undefined;
    let k = expect(text, skipAnsi(text, len.end, ce), ce, 124);
    if (k === undefined) return undefined;
    k = skipAnsi(text, k, ce);
    const flagsStart = k;
    const n = text.charCodeAt(k);
    const b = text.charCodeAt(k + 1);
    if ((n !== 78 && n !== 45) || (b !== 66 && b !== 45)) return undefined;
    k = expect(text, skipAnsi(text, k + 2, ce), ce, 124);
    if (k === undefined) return undefined;
    k = skipAnsi(text, k, ce);
    const type = readDecimal(text, k, ce, 5);
    if (!type || type.value > 0x3fff) return undefined;
    if (!closesWithLabel(text, skipAnsi(text, type.end, ce), ce, '|len|flags|type|')) return undefined;
    return {
      kind: 'attr',
      len: len.value,
      lenStart: j,
      lenEnd: len.end,
      type: type.value | (n === 78 ? 0x8000 : 0) | (b === 66 ? 0x4000 : 0),
      typeStart: flagsStart,
      typeEnd: type.end,
    };
  }
  // Header rows: "|  0000000040  |" + label, or "| 00016 | R-A- |" + label.
  j = skipBlanks(text, cs + 1, ce);
  const num = readDecimal(text, j, ce, 10);
  if (!num) return undefined;
  let k = expect(text, skipBlanks(text, num.end, ce), ce, 124);
  if (k === undefined) return undefined;
  const afterBlank = skipBlanks(text, k, ce);
  if (afterBlank < ce && text.charCodeAt(afterBlank) !== 124) {
    // Type row: the second box holds the four flag letters.
    if (num.value > 0xffff) return undefined;
    let flags = 0;
    for (let f = 0; f < 4; f++) {
      const c = text.charCodeAt(afterBlank + f);
      if (c === FLAG_LETTERS[f]?.charCodeAt(0)) flags |= 1 << f;
      else if (c !== 45) return undefined;
    }
    if (!closesWithLabel(text, skipBlanks(text, afterBlank + 4, ce), ce, '|type|flags|')) return undefined;
    return {
      kind: 'type',
      type: num.value,
      typeStart: j,
      typeEnd: num.end,
      flags,
      flagsStart: afterBlank,
      flagsEnd: afterBlank + 4,
    };
  }
  if (num.value > 0xffffffff) return undefined;
  const key = labelKey(text, k, ce);
  const kind = key.startsWith('|messagelength|')
    ? 'len'
    : key.startsWith('|sequencenumber|')
      ? 'seq'
      : key.startsWith('|portid|')
        ? 'pid'
        : undefined;
  if (!kind) return undefined;
  return { kind, value: num.value, start: j, end: num.end };
}

/** The mnl row on the line content [cs, ce), if it is one. */
export function parseMnlRow(text: string, cs: number, ce: number): MnlRow | undefined {
  const c = text.charCodeAt(cs);
  if (c === 45) {
    // Rule line: two groups of dashes separated by blanks ("----------------\t------------------").
    let dashes = 0;
    let groups = 0;
    let inGroup = false;
    for (let k = cs; k < ce; k++) {
      const d = text.charCodeAt(k);
      if (d === 45) {
        dashes++;
        if (!inGroup) groups++;
        inGroup = true;
      } else if (isBlankCode(d)) {
        inGroup = false;
      } else {
        return undefined;
      }
    }
    return groups === 2 && dashes >= 24 ? { kind: 'rule' } : undefined;
  }
  if (c === 124 && ce - cs >= 8) return parseBoxRow(text, cs, ce);
  return undefined;
}

export const MNL_FLAGS_NOTE =
  'mnl_nlmsg_fprintf prints only the R/M/A/E flag bits; other nlmsg_flags bits (such as NLM_F_DUMP) read as 0';
