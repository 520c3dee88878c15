// What the form's text means against the family definitions: the protocol number, the family, the message
// definition (type or genl command), its fixed header and attribute set, and for each attribute its definition
// and the scope its children are read in. Shared by encode.ts, load.ts and the UI's pickers.
import { NETLINK_GENERIC, NLMSG_MIN_TYPE, parseProtocol } from '../../../extension/src/netlink/index';
import type {
  AttrDef,
  AttrKind,
  AttrSetDef,
  FamilyDef,
  FamilyRegistry,
  FlagTable,
  MessageDef,
  StructDef,
} from '../../../extension/src/netlink/index';
import { parseIntLiteral } from './numbers';
import type { AttrNode, BuilderState } from './state';
import { isContainerKind, type ValueSpec } from './values';

export interface Resolution {
  readonly protocol: number | undefined;
  readonly genl: boolean;
  /** Classic: the protocol's family; generic: the family named in the form (if its definition is known). */
  readonly family: FamilyDef | undefined;
  /** Generic netlink: nlmsg_type, the id the kernel gave the family. */
  readonly familyId: number | undefined;
  readonly message: MessageDef | undefined;
  /** nlmsg_type for classic families, genlmsghdr.cmd for generic ones. */
  readonly type: number | undefined;
  readonly flagTable: FlagTable;
  readonly header: StructDef | undefined;
  readonly attrSet: AttrSetDef | undefined;
  readonly textPayload: boolean;
  /** Problems with the choices above, keyed by form field. */
  readonly issues: readonly { readonly field: string; readonly path: string; readonly message: string }[];
}

/** Protocol number of the form's protocol text, undefined when it does not parse. */
export function protocolOf(state: BuilderState): number | undefined {
  const r = parseProtocol(state.protocol);
  return 'protocol' in r ? r.protocol : undefined;
}

/**
 * Messages a user can pick, by value. Classic families leave out types below NLMSG_MIN_TYPE: those are control
 * messages the kernel sends (a directional spec may name its reply there, like the reference module's DONE).
 */
export function messageChoices(family: FamilyDef | undefined): MessageDef[] {
  if (!family) return [];
  return [...family.messages.values()]
    .filter((m) => family.genl || m.value >= NLMSG_MIN_TYPE)
    .sort((a, b) => a.value - b.value);
}

/** The message named or numbered by `text`: exact name (any case) among the choices first, then a number. */
export function findMessage(
  family: FamilyDef | undefined,
  text: string,
  max: number,
): { def?: MessageDef; value: number } | { error: string } {
  const t = text.trim();
  if (t === '') return { error: 'empty; choose a message type or give its number' };
  const lower = t.toLowerCase();
  const candidates = [...messageChoices(family), ...(family?.messages.values() ?? [])];
  for (const m of candidates) if (m.name.toLowerCase() === lower) return { def: m, value: m.value };
  const n = parseIntLiteral(t);
  if (n === undefined)
    return { error: `"${t}" is not a message of ${family ? family.name : 'this protocol'} nor a number` };
  if (n < 0n || n > BigInt(max)) return { error: `${n} is out of range (0..${max})` };
  const value = Number(n);
  const def = family?.messages.get(value);
  return def ? { def, value } : { value };
}

function isControlType(text: string): boolean {
  const n = parseIntLiteral(text);
  return n !== undefined && n >= 0n && n < BigInt(NLMSG_MIN_TYPE);
}

export function resolve(state: BuilderState, registry: FamilyRegistry): Resolution {
  const issues: { field: string; path: string; message: string }[] = [];
  const parsed = parseProtocol(state.protocol);
  const protocol = 'protocol' in parsed ? parsed.protocol : undefined;
  if ('error' in parsed) issues.push({ field: 'protocol', path: 'protocol', message: parsed.error });
  // A control message (NOOP, ERROR, DONE, OVERRUN) on the generic protocol has no family and no genlmsghdr:
  // a number below NLMSG_MIN_TYPE with no family chosen says that is what is meant.
  const control =
    protocol === NETLINK_GENERIC &&
    state.genlFamily.trim() === '' &&
    state.genlFamilyId.trim() === '' &&
    isControlType(state.messageType);
  const genl = protocol === NETLINK_GENERIC && !control;
  let family: FamilyDef | undefined;
  let familyId: number | undefined;
  if (genl) {
    const name = state.genlFamily.trim();
    family = name === '' ? undefined : registry.genlByFamilyName(name);
    if (state.genlFamilyId.trim() !== '') {
      const n = parseIntLiteral(state.genlFamilyId);
      if (n === undefined || n < 16n || n > 0xffffn) {
        issues.push({
          field: 'genl.familyId',
          path: 'nlmsghdr.nlmsg_type',
          message: `family id "${state.genlFamilyId.trim()}" must be a number 16..65535`,
        });
      } else familyId = Number(n);
    } else if (name === '') {
      issues.push({
        field: 'genl.family',
        path: 'genl.family',
        message: 'choose a generic netlink family (or give its id)',
      });
    } else {
      familyId = registry.genlIdOf(name);
      if (familyId === undefined) {
        issues.push({
          field: 'genl.familyId',
          path: 'nlmsghdr.nlmsg_type',
          message: `the id of family "${name}" is not known: resolve it from the target or type it`,
        });
      }
    }
  } else if (protocol !== undefined) {
    const wanted = state.classicFamily?.trim() ?? '';
    const families = registry.classicFamilies(protocol);
    family = wanted === '' ? families[0] : families.find((f) => f.name === wanted);
    if (wanted !== '' && !family)
      issues.push({
        field: 'family',
        path: 'family',
        message: `no family "${wanted}" is defined on protocol ${protocol}: choose another or load its spec`,
      });
  }
  let message: MessageDef | undefined;
  let type: number | undefined;
  if (protocol !== undefined) {
    const found = findMessage(family, state.messageType, genl ? 0xff : 0xffff);
    if ('error' in found)
      issues.push({
        field: 'messageType',
        path: genl ? 'genlmsghdr.cmd' : 'nlmsghdr.nlmsg_type',
        message: found.error,
      });
    else {
      message = found.def;
      type = found.value;
    }
  }
  const header = message?.header === undefined ? undefined : family?.structs.get(message.header);
  const attrSet = message?.attrSet === undefined ? undefined : family?.attrSets.get(message.attrSet);
  return {
    protocol,
    genl,
    family,
    familyId,
    message,
    type,
    flagTable: message?.kind ?? 'other',
    header,
    attrSet,
    textPayload: message?.textPayload === true,
    issues,
  };
}

// ---------------------------------------------------------------------------------------------
// Attributes.

/** Where a list of attributes is read: a set's names, or the entries of an indexed array (typed by index). */
export interface AttrScope {
  readonly family: FamilyDef | undefined;
  readonly set?: AttrSetDef;
  /** Indexed array entries: every type is an index and holds this. */
  readonly entry?: AttrDef;
  /** Set name shown in errors. */
  readonly label: string;
}

export function topScope(resolution: Resolution): AttrScope {
  return {
    family: resolution.family,
    ...(resolution.attrSet ? { set: resolution.attrSet } : {}),
    label: resolution.attrSet?.name ?? 'attributes',
  };
}

/** NLA_TYPE_MASK: the two top bits of nla_type are flags. */
const MAX_ATTR_TYPE = 0x3fff;

export function defForType(scope: AttrScope, type: number): AttrDef | undefined {
  if (scope.entry) return { ...scope.entry, name: `[${type}]` };
  return scope.set?.byType.get(type);
}

/** The attribute named or numbered by `text` in `scope`. */
export function parseAttrType(scope: AttrScope, text: string): { type: number; def?: AttrDef } | { error: string } {
  const t = text.trim();
  if (t === '') return { error: 'no attribute type: choose a name or give a number' };
  const lower = t.toLowerCase();
  if (scope.set) {
    for (const [type, def] of scope.set.byType) if (def.name.toLowerCase() === lower) return { type, def };
  }
  const n = parseIntLiteral(t.replace(/^\[(.*)\]$/, '$1'));
  if (n === undefined) return { error: `"${t}" is not an attribute of ${scope.label} nor a number` };
  if (n < 0n || n > BigInt(MAX_ATTR_TYPE))
    return { error: `attribute type ${n} is out of range (0..${MAX_ATTR_TYPE})` };
  const type = Number(n);
  const def = defForType(scope, type);
  return def ? { type, def } : { type };
}

/** How a node is encoded: its own kind override, else its definition's, else raw bytes. */
export function kindOf(node: AttrNode, def: AttrDef | undefined): AttrKind {
  return node.kind ?? def?.kind ?? 'binary';
}

export function valueSpecOf(node: AttrNode, def: AttrDef | undefined, family: FamilyDef | undefined): ValueSpec {
  const kind = kindOf(node, def);
  // A kind override means the definition's display hints and enum no longer describe the value.
  const own = node.kind === undefined || node.kind === def?.kind;
  const enumDef = own && def?.enumName !== undefined ? family?.enums.get(def.enumName) : undefined;
  return {
    kind,
    ...(own && def?.display !== undefined ? { display: def.display } : {}),
    bigEndian: (own && def?.bigEndian === true) || node.netByteOrder === true,
    ...(enumDef ? { enumDef } : {}),
  };
}

/**
 * Scope of a container node's children. `enclosing` are the attribute lists around the node, innermost last
 * (the node's own siblings included): a sub-message's selector is looked up there by name.
 */
export function childScope(
  node: AttrNode,
  def: AttrDef | undefined,
  scope: AttrScope,
  enclosing: readonly (readonly AttrNode[])[],
): { scope: AttrScope; error?: string } {
  const family = scope.family;
  const kind = kindOf(node, def);
  const own = def !== undefined && (node.kind === undefined || node.kind === def.kind);
  if (!own || !isContainerKind(kind)) return { scope: { family, label: `${def?.name ?? node.type} (unnamed)` } };
  if (kind === 'nest') {
    const set = def.nested === undefined ? undefined : family?.attrSets.get(def.nested);
    return { scope: { family, ...(set ? { set } : {}), label: set?.name ?? `${def.name} (unnamed)` } };
  }
  if (kind === 'indexed-array') {
    const entry: AttrDef = {
      name: def.name,
      kind: def.subType ?? 'nest',
      ...(def.nested !== undefined ? { nested: def.nested } : {}),
      ...(def.enumName !== undefined ? { enumName: def.enumName } : {}),
      ...(def.display !== undefined ? { display: def.display } : {}),
    };
    return { scope: { family, entry, label: `${def.name} entries` } };
  }
  // sub-message: the selector attribute's value picks the variant's attribute set.
  const table = def.subMessage === undefined ? undefined : family?.subMessages.get(def.subMessage);
  let selectorValue: string | undefined;
  for (let i = enclosing.length - 1; i >= 0 && selectorValue === undefined && def.selector !== undefined; i--) {
    const wanted = def.selector.toLowerCase();
    selectorValue = enclosing[i]!.find((n) => n.type.trim().toLowerCase() === wanted)?.value.trim();
  }
  const variant = selectorValue === undefined ? undefined : table?.variants.get(selectorValue);
  // An unknown selector value still nests attributes (the kernel walks them): they are just unnamed.
  if (!variant) return { scope: { family, label: `${def.name} (unnamed)` } };
  if (variant.struct !== undefined) {
    return {
      scope: { family, label: `${def.name} (unnamed)` },
      error: `the "${variant.value}" format starts with struct ${variant.struct}, which the form cannot edit: give the whole payload as hex (kind binary)`,
    };
  }
  const set = variant.attrSet === undefined ? undefined : family?.attrSets.get(variant.attrSet);
  return { scope: { family, ...(set ? { set } : {}), label: set?.name ?? `${def.name} (unnamed)` } };
}
