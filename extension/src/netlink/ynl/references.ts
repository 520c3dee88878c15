// Names a spec uses before (or without) defining them: nested attribute sets, enums, structs, sub-messages.
// They are recorded where they are read and checked once everything is loaded, so forward references work
// and a dangling one is reported at the line that uses it.
import type { AttrSetDef, EnumDef, StructDef, SubMessageDef } from '../types';
import type { SpecMap, SpecReader } from './reader';

type RefKind = 'attribute set' | 'enum' | 'struct' | 'sub-message';

interface Ref {
  readonly kind: RefKind;
  readonly name: string;
  readonly at: SpecMap;
  readonly key: string;
}

/** Suffix of the derived flags enum made for `enum-as-flags` (entries become masks 1 << value). */
const AS_FLAGS_SUFFIX = '/as-flags';

export interface Defined {
  readonly attrSets: ReadonlyMap<string, AttrSetDef>;
  readonly enums: Map<string, EnumDef>;
  readonly structs: ReadonlyMap<string, StructDef>;
  readonly subMessages: ReadonlyMap<string, SubMessageDef>;
}

export class RefChecks {
  private readonly refs: Ref[] = [];
  private readonly asFlags = new Set<string>();
  /** Names of `type: flags` definitions: `enum-as-flags` on them needs no derived enum. */
  private flagsEnums: ReadonlySet<string> = new Set();

  constructor(private readonly reader: SpecReader) {}

  knowFlagsEnums(names: ReadonlySet<string>): void {
    this.flagsEnums = names;
  }

  attrSet(name: string, at: SpecMap, key: string): void {
    this.refs.push({ kind: 'attribute set', name, at, key });
  }

  struct(name: string, at: SpecMap, key: string): void {
    this.refs.push({ kind: 'struct', name, at, key });
  }

  subMessage(name: string, at: SpecMap, key: string): void {
    this.refs.push({ kind: 'sub-message', name, at, key });
  }

  /** Reads `enum` (and `enum-as-flags`) of an attribute or struct member; returns the EnumDef name to use. */
  enumOf(at: SpecMap): string | undefined {
    const name = this.reader.string(at, 'enum');
    if (name === undefined) return undefined;
    this.refs.push({ kind: 'enum', name, at, key: 'enum' });
    if (this.reader.boolean(at, 'enum-as-flags') !== true || this.flagsEnums.has(name)) return name;
    this.asFlags.add(name);
    return name + AS_FLAGS_SUFFIX;
  }

  /** Reports unknown names and adds the derived `enum-as-flags` enums. */
  check(defined: Defined): void {
    for (const ref of this.refs) {
      if (!has(defined, ref.kind, ref.name)) {
        this.reader.report(
          `unknown ${ref.kind} "${ref.name}"`,
          this.reader.get(ref.at, ref.key)?.node,
          `${ref.at.path}.${ref.key}`,
        );
      }
    }
    for (const name of this.asFlags) {
      const base = defined.enums.get(name);
      if (!base) continue;
      const entries = new Map([...base.entries].map(([v, n]) => [2 ** v, n] as const));
      defined.enums.set(name + AS_FLAGS_SUFFIX, { name: name + AS_FLAGS_SUFFIX, flags: true, entries });
    }
  }
}

function has(defined: Defined, kind: RefKind, name: string): boolean {
  switch (kind) {
    case 'attribute set':
      return defined.attrSets.has(name);
    case 'enum':
      return defined.enums.has(name);
    case 'struct':
      return defined.structs.has(name);
    case 'sub-message':
      return defined.subMessages.has(name);
  }
}
