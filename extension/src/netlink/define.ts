// Compact builders for the built-in family tables: attribute sets as `{ type: [name, kind, options] }`,
// structs as field lists, enums as value→name. Keeps the tables readable (data, not branches).
import type {
  AttrDef,
  AttrKind,
  AttrSetDef,
  EnumDef,
  FamilyDef,
  MessageDef,
  MessageKind,
  StructDef,
  StructFieldDef,
} from './types';

export type AttrSpec = readonly [name: string, kind: AttrKind, options?: Omit<AttrDef, 'name' | 'kind'>];

export function attrSet(name: string, attrs: Readonly<Record<number, AttrSpec>>): AttrSetDef {
  const byType = new Map<number, AttrDef>();
  for (const [type, [attrName, kind, options]] of Object.entries(attrs)) {
    byType.set(Number(type), { name: attrName, kind, ...options });
  }
  return { name, byType };
}

export function struct(name: string, fields: readonly StructFieldDef[]): StructDef {
  return { name, fields };
}

export function enumDef(name: string, entries: Readonly<Record<number, string>>, flags = false): EnumDef {
  return { name, flags, entries: new Map(Object.entries(entries).map(([v, n]) => [Number(v), n])) };
}

export function message(
  value: number,
  name: string,
  kind: MessageKind,
  header?: string,
  attrSetName?: string,
): MessageDef {
  return { value, name, kind, ...(header ? { header } : {}), ...(attrSetName ? { attrSet: attrSetName } : {}) };
}

export interface FamilyParts {
  name: string;
  protocol: number;
  genl: boolean;
  messages: readonly MessageDef[];
  attrSets: readonly AttrSetDef[];
  structs?: readonly StructDef[];
  enums?: readonly EnumDef[];
  mcastGroups?: readonly string[];
}

export function family(parts: FamilyParts): FamilyDef {
  return {
    name: parts.name,
    protocol: parts.protocol,
    genl: parts.genl,
    messages: new Map(parts.messages.map((m) => [m.value, m])),
    attrSets: new Map(parts.attrSets.map((s) => [s.name, s])),
    structs: new Map((parts.structs ?? []).map((s) => [s.name, s])),
    enums: new Map((parts.enums ?? []).map((e) => [e.name, e])),
    subMessages: new Map(),
    ...(parts.mcastGroups ? { mcastGroups: parts.mcastGroups } : {}),
    source: 'built-in',
  };
}

/** Kind of a message from its name: GET/DUMP read, NEW/ADD/SET create or change, DEL remove. */
export function kindFromName(name: string): MessageKind {
  const n = name.toLowerCase().replace(/^(rtm|ctrl_cmd|[a-z0-9]+_cmd)_/, '');
  if (/^(get|dump|list|show|query)/.test(n)) return 'get';
  if (/^(new|add|set|create)/.test(n)) return 'new';
  if (/^(del|remove|destroy)/.test(n)) return 'del';
  return 'other';
}
