// Changes to the form state that keep it consistent: picking a protocol, family or message resets what no
// longer applies (fixed header fields, attributes of another set, flags of another kind); attribute nodes are
// added, removed and moved by id. Every function changes `state` in place and returns nothing surprising.
import { NETLINK_GENERIC, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST } from '../../../extension/src/netlink/index';
import type { FamilyRegistry, FlagTable } from '../../../extension/src/netlink/index';
import { defaultFieldText } from './encode';
import { parseIntLiteral } from './numbers';
import { messageChoices, resolve } from './schema';
import type { AttrNode, BuilderState } from './state';
import { attrViews } from './tree';
import { isScalarKind } from './values';

/** Flags a fresh request of a kind starts with: dumps for GET, an ack for everything else. */
function defaultFlags(table: FlagTable): number {
  return table === 'get' ? NLM_F_REQUEST | NLM_F_DUMP : NLM_F_REQUEST | NLM_F_ACK;
}

/**
 * Another protocol or family: the attributes and a raw hex payload were written for the old one and mean nothing
 * here (a hex payload kept would also hide the new family's attribute tree). Back to attributes, or to text where
 * the new message carries text (fitMessage).
 */
function dropFamilyPayload(state: BuilderState): void {
  state.attrs = [];
  if (state.payloadMode === 'hex') {
    state.payloadMode = 'attrs';
    state.payloadHex = '';
  }
}

/** Makes the fixed header, payload mode and flags fit the message now chosen; keeps what still applies. */
function fitMessage(state: BuilderState, registry: FamilyRegistry, previous: ReturnType<typeof resolve>): void {
  const now = resolve(state, registry);
  const header: Record<string, string> = {};
  for (const f of now.header?.fields ?? []) {
    if (f.kind === 'pad') continue;
    header[f.name] =
      now.header?.name === previous.header?.name ? (state.header[f.name] ?? defaultFieldText(f)) : defaultFieldText(f);
  }
  state.header = header;
  if (now.attrSet?.name !== previous.attrSet?.name || now.family !== previous.family) state.attrs = [];
  if (now.textPayload) state.payloadMode = 'text';
  else if (state.payloadMode === 'text' && previous.textPayload) state.payloadMode = 'attrs';
  if (state.flags === defaultFlags(previous.flagTable)) state.flags = defaultFlags(now.flagTable);
}

export function setMessageType(state: BuilderState, text: string, registry: FamilyRegistry): void {
  const previous = resolve(state, registry);
  state.messageType = text;
  fitMessage(state, registry, previous);
}

/** The message a family's form starts with: its first GET (dumps are harmless), else its first message. */
function firstMessage(state: BuilderState, registry: FamilyRegistry): string {
  const r = resolve(state, registry);
  const choices = messageChoices(r.family);
  return (choices.find((m) => m.kind === 'get') ?? choices[0])?.name ?? '16';
}

export function setProtocol(state: BuilderState, text: string, registry: FamilyRegistry): void {
  const previous = resolve(state, registry);
  state.protocol = text;
  const now = resolve(state, registry);
  if (now.protocol === previous.protocol) return;
  delete state.classicFamily;
  if (now.protocol === NETLINK_GENERIC) {
    const first = registry.families().find((f) => f.genl);
    state.genlFamily = first?.name ?? '';
    state.genlFamilyId = '';
  }
  state.messageType = now.protocol === NETLINK_GENERIC && state.genlFamily === '' ? '' : firstMessage(state, registry);
  dropFamilyPayload(state);
  fitMessage(state, registry, previous);
  // Another protocol: flags set for the old one mean nothing here.
  state.flags = defaultFlags(resolve(state, registry).flagTable);
}

export function setGenlFamily(state: BuilderState, name: string, registry: FamilyRegistry): void {
  const previous = resolve(state, registry);
  state.genlFamily = name;
  state.genlFamilyId = '';
  state.messageType = firstMessage(state, registry);
  dropFamilyPayload(state);
  fitMessage(state, registry, previous);
  state.flags = defaultFlags(resolve(state, registry).flagTable);
}

/** A classic family by name on the current protocol ('' for the protocol's default one). */
export function setClassicFamily(state: BuilderState, name: string, registry: FamilyRegistry): void {
  const previous = resolve(state, registry);
  if (name === '') delete state.classicFamily;
  else state.classicFamily = name;
  if (resolve(state, registry).family === previous.family) return;
  state.messageType = firstMessage(state, registry);
  dropFamilyPayload(state);
  fitMessage(state, registry, previous);
  state.flags = defaultFlags(resolve(state, registry).flagTable);
}

export function setFlag(state: BuilderState, mask: number, on: boolean): void {
  state.flags = on ? (state.flags | mask) & 0xffff : state.flags & ~mask & 0xffff;
}

/** seq + 1 (wrapping at 2^32) when auto-increment is on and seq is a number. */
export function advanceSeq(state: BuilderState): void {
  if (!state.autoSeq) return;
  const n = parseIntLiteral(state.seq);
  if (n === undefined || n < 0n) return;
  state.seq = String((n + 1n) % 0x100000000n);
}

// ---------------------------------------------------------------------------------------------
// Attribute nodes.

export function findNode(nodes: readonly AttrNode[], id: number): AttrNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const inner = findNode(n.children, id);
    if (inner) return inner;
  }
  return undefined;
}

/** The list holding node `id` (the top list or a parent's children). */
function listOf(nodes: AttrNode[], id: number): AttrNode[] | undefined {
  if (nodes.some((n) => n.id === id)) return nodes;
  for (const n of nodes) {
    const inner = listOf(n.children, id);
    if (inner) return inner;
  }
  return undefined;
}

/** Starting text for a new node's value: 0 for numbers, an empty selector for bitfields, empty otherwise. */
function startValue(state: BuilderState, registry: FamilyRegistry, id: number): string {
  const view = attrViews(state, registry).find((v) => v.node.id === id);
  if (!view) return '';
  if (isScalarKind(view.kind) || view.kind === 'uint' || view.kind === 'sint') return '0';
  if (view.kind === 'bitfield32') return '0x0/0x0';
  return '';
}

/**
 * Adds an attribute of `type` (name or number) under `parentId` (top level when undefined) and returns its id;
 * undefined when the parent does not exist.
 */
export function addAttr(
  state: BuilderState,
  registry: FamilyRegistry,
  parentId: number | undefined,
  type: string,
): number | undefined {
  const list = parentId === undefined ? state.attrs : findNode(state.attrs, parentId)?.children;
  if (!list) return undefined;
  const id = state.nextId++;
  list.push({ id, type, value: '', children: [] });
  findNode(state.attrs, id)!.value = startValue(state, registry, id);
  return id;
}

export function removeAttr(state: BuilderState, id: number): boolean {
  const list = listOf(state.attrs, id);
  if (!list) return false;
  list.splice(
    list.findIndex((n) => n.id === id),
    1,
  );
  return true;
}

/** Moves a node up (-1) or down (+1) among its siblings; false at either end. */
export function moveAttr(state: BuilderState, id: number, delta: -1 | 1): boolean {
  const list = listOf(state.attrs, id);
  if (!list) return false;
  const i = list.findIndex((n) => n.id === id);
  const j = i + delta;
  if (j < 0 || j >= list.length) return false;
  [list[i], list[j]] = [list[j]!, list[i]!];
  return true;
}

/** Changes a node's type; a value that no longer parses is reset to the new kind's start value. */
export function setAttrType(state: BuilderState, registry: FamilyRegistry, id: number, type: string): void {
  const node = findNode(state.attrs, id);
  if (!node) return;
  const before = attrViews(state, registry).find((v) => v.node.id === id);
  node.type = type;
  const after = attrViews(state, registry).find((v) => v.node.id === id);
  if (before && after && before.kind !== after.kind) node.value = startValue(state, registry, id);
}
