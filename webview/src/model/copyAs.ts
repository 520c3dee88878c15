// "Copy as": the message in the forms people paste elsewhere. Hex, a C array, a C string of \x escapes, the
// nlhelper command line that sends it, and for families loaded from a YNL spec the kernel's ynl tool invocation
// with its --json argument (attribute and fixed-header values by spec name, enums and flags by name, as
// tools/net/ynl's cli takes them).
import {
  NLM_F_APPEND,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  toHex,
} from '../../../extension/src/netlink/index';
import type { EnumDef, FamilyDef, FamilyRegistry } from '../../../extension/src/netlink/index';
import { enumNameOf, parseInteger, parseIntLiteral, type IntKind } from './numbers';
import { currentOperation } from './operations';
import type { Resolution } from './schema';
import { resolve } from './schema';
import type { BuilderState } from './state';
import { attrViews, type AttrView } from './tree';
import { encodeValue, isScalarKind } from './values';

export type CopyFormat = 'hex' | 'c-array' | 'c-string' | 'nlhelper' | 'ynl-json' | 'ynl-cli';

export const COPY_FORMATS: readonly { readonly format: CopyFormat; readonly label: string }[] = [
  { format: 'hex', label: 'Hex' },
  { format: 'c-array', label: 'C array' },
  { format: 'c-string', label: 'C string (\\x)' },
  { format: 'nlhelper', label: 'nlhelper command' },
  { format: 'ynl-json', label: 'YNL JSON' },
  { format: 'ynl-cli', label: 'ynl command' },
];

export function copyAsHex(bytes: Uint8Array): string {
  return toHex(bytes);
}

/** `unsigned char msg[N] = {` with 8 bytes a line, `};` */
export function copyAsCArray(bytes: Uint8Array, name = 'msg'): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 8) {
    lines.push(`\t${Array.from(bytes.subarray(i, i + 8), (b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')},`);
  }
  return `unsigned char ${name}[${bytes.length}] = {\n${lines.join('\n')}\n};`;
}

export function copyAsCString(bytes: Uint8Array): string {
  return `"${Array.from(bytes, (b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}"`;
}

export function copyAsNlhelper(protocol: number, bytes: Uint8Array): string {
  return `nlhelper xchg --protocol ${protocol} ${toHex(bytes)}`;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A spec-defined family (not a built-in table): its names are the spec's, which YNL's tools take. */
function specFamily(resolution: Resolution): FamilyDef | undefined {
  const f = resolution.family;
  return f && f.source !== 'built-in' && resolution.message ? f : undefined;
}

function scalarJson(text: string): Json {
  const n = parseIntLiteral(text);
  if (n === undefined) return text.trim();
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

/** An integer by the names YNL takes: an enum entry's name, a flags enum's names as a list, else the number. */
function enumJson(text: string, enumDef: EnumDef | undefined, kind: IntKind): Json {
  if (!enumDef) return scalarJson(text);
  const r = parseInteger(text, kind, enumDef);
  if ('error' in r) return text.trim();
  const name = enumNameOf(enumDef, r.value);
  // A value with bits (or a number) no entry names stays a number: YNL takes integers for enum attributes too.
  if (name === undefined || /(^|\|)0x/.test(name)) return scalarJson(r.value.toString());
  return enumDef.flags ? (r.value === 0n ? [] : name.split('|')) : name;
}

/** Binary as bytes.fromhex takes it: the bytes the form encodes (any of its notations), as plain hex. */
function hexJson(view: AttrView): Json {
  const r = encodeValue(view.spec, view.node.value);
  return 'bytes' in r ? toHex(r.bytes) : view.node.value.trim();
}

function valueJson(view: AttrView, children: (id: number) => AttrView[]): Json {
  const { kind, node } = view;
  if (kind === 'nest' || kind === 'sub-message') return objectJson(children(node.id), children);
  if (kind === 'indexed-array') {
    return children(node.id).map((c) =>
      c.container ? objectJson(children(c.node.id), children) : valueJson(c, children),
    );
  }
  if (kind === 'flag') return true;
  if (isScalarKind(kind) || kind === 'uint' || kind === 'sint') return enumJson(node.value, view.spec.enumDef, kind);
  if (kind === 'bitfield32') {
    // YNL takes {"value": v, "selector": s}, each by the enum's names where the attribute has one.
    const [value = '', selector = ''] = node.value.split('/');
    return { value: enumJson(value, view.spec.enumDef, 'u32'), selector: enumJson(selector, view.spec.enumDef, 'u32') };
  }
  if (kind === 'string') return node.value;
  // Binary: YNL parses ipv4 / ipv6 display hints from their text (ynl.py _from_string), the rest from contiguous hex
  // (bytes.fromhex).
  const display = view.spec.display;
  return display === 'ipv4' || display === 'ipv6' || display === 'ip' ? node.value.trim() : hexJson(view);
}

function objectJson(views: readonly AttrView[], children: (id: number) => AttrView[]): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const v of views) {
    const key = v.def?.name ?? v.node.type;
    const value = valueJson(v, children);
    if (v.def?.multiAttr) {
      const list = out[key];
      out[key] = Array.isArray(list) ? [...list, value] : [value];
    } else out[key] = value;
  }
  return out;
}

/**
 * The --json argument of YNL's cli for this message: fixed header fields and attributes by spec name. Undefined
 * when the family is not described by a spec (the built-in tables use C names YNL does not know).
 */
export function copyAsYnlJson(state: BuilderState, registry: FamilyRegistry): string | undefined {
  const resolution = resolve(state, registry);
  if (!specFamily(resolution)) return undefined;
  const views = attrViews(state, registry, resolution);
  const children = (id: number): AttrView[] => views.filter((v) => v.parentId === id);
  const out: { [key: string]: Json } = {};
  for (const f of resolution.header?.fields ?? []) {
    if (f.kind === 'pad') continue;
    const text = state.header[f.name] ?? '';
    out[f.name] = isScalarKind(f.kind) ? scalarJson(text === '' ? '0' : text) : text;
  }
  Object.assign(
    out,
    objectJson(
      views.filter((v) => v.parentId === undefined),
      children,
    ),
  );
  return JSON.stringify(out);
}

/** POSIX shell single quoting. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Flags ynl's --do takes as options (it always sends REQUEST|ACK itself), by bit. */
const YNL_DO_FLAGS: readonly (readonly [number, string])[] = [
  [NLM_F_REPLACE, '--replace'],
  [NLM_F_EXCL, '--excl'],
  [NLM_F_CREATE, '--create'],
  [NLM_F_APPEND, '--append'],
];

/**
 * How ynl finds the spec: `--family <name>` looks for <specs dir>/<name>.yaml (the kernel's own specs, installed
 * with the tool), so a spec file of that name in a kernel tree's Documentation/netlink/specs is named by family;
 * any other file (a module's own spec) is given by path.
 */
function ynlSpecArgs(family: FamilyDef): string[] {
  const m = /(?:^|[\\/])Documentation[\\/]netlink[\\/]specs[\\/]([^\\/]+)\.yaml$/.exec(family.source);
  return m?.[1] === family.name ? ['--family', shellQuote(family.name)] : ['--spec', shellQuote(family.source)];
}

/**
 * The kernel's own tool (tools/net/ynl, installed as `ynl`): `ynl --family <name> --do|--dump <op> --json '<attrs>'`,
 * or undefined without a spec.
 */
export function copyAsYnlCli(state: BuilderState, registry: FamilyRegistry): string | undefined {
  const resolution = resolve(state, registry);
  const family = specFamily(resolution);
  const json = copyAsYnlJson(state, registry);
  if (!family || json === undefined) return undefined;
  const op = currentOperation(state, resolution);
  const dump = op ? op.mode === 'dump' : (state.flags & NLM_F_DUMP) === NLM_F_DUMP;
  const args = ['ynl', ...ynlSpecArgs(family), dump ? '--dump' : '--do', shellQuote(resolution.message!.name)];
  if (json !== '{}') args.push('--json', shellQuote(json));
  if (!dump) for (const [bit, option] of YNL_DO_FLAGS) if ((state.flags & bit) === bit) args.push(option);
  return args.join(' ');
}

/** The message in `format`; undefined when the format does not apply (YNL without a spec). */
export function copyAs(
  format: CopyFormat,
  state: BuilderState,
  registry: FamilyRegistry,
  bytes: Uint8Array,
  protocol: number,
): string | undefined {
  switch (format) {
    case 'hex':
      return copyAsHex(bytes);
    case 'c-array':
      return copyAsCArray(bytes);
    case 'c-string':
      return copyAsCString(bytes);
    case 'nlhelper':
      return copyAsNlhelper(protocol, bytes);
    case 'ynl-json':
      return copyAsYnlJson(state, registry);
    case 'ynl-cli':
      return copyAsYnlCli(state, registry);
  }
}
