// A spec family's operations in the form: the builder offers "dev-get (do)" / "dev-get (dump)" instead of raw
// message types. Choosing one sets the message (nlmsg_type or genlmsghdr.cmd, through setMessageType so the fixed
// header and payload follow) and the flags its mode means (do: REQUEST|ACK, dump: REQUEST|DUMP, as the kernel's
// YNL library sends them). Which mode the form is in is read back from NLM_F_DUMP, so nothing new is stored.
//
// What the spec cannot say: YNL specs have no "required" key (the kernel checks presence in C, e.g.
// GENL_REQ_ATTR_CHECK), so attributes are not marked required; what the spec does list is the set of attributes
// each request carries, and the form offers those first.
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST } from '../../../extension/src/netlink/index';
import type { AttrDef, FamilyDef, FamilyRegistry, OpDef } from '../../../extension/src/netlink/index';
import { setMessageType } from './edit';
import type { AttrScope, Resolution } from './schema';
import type { BuilderState } from './state';
import { scopeChoices } from './tree';

export type OpMode = 'do' | 'dump';

export interface OpChoice {
  readonly op: OpDef;
  readonly mode: OpMode;
}

/** "dev-get do": the select's value for a choice (op names have no spaces). */
export function opChoiceKey(choice: OpChoice): string {
  return `${choice.op.name} ${choice.mode}`;
}

/** Every (operation, mode) the family's spec defines, in spec order, do before dump. */
export function operationChoices(family: FamilyDef | undefined): OpChoice[] {
  const out: OpChoice[] = [];
  for (const op of family?.operations ?? []) {
    if (op.do) out.push({ op, mode: 'do' });
    if (op.dump) out.push({ op, mode: 'dump' });
  }
  return out;
}

/** The flags a request in `mode` is sent with. */
export function opFlags(mode: OpMode): number {
  return mode === 'dump' ? NLM_F_REQUEST | NLM_F_DUMP : NLM_F_REQUEST | NLM_F_ACK;
}

/**
 * The operation the form is building: the op whose request number and name the resolved message has, in the mode
 * NLM_F_DUMP says (an op with one mode is in that mode whatever the flags).
 */
export function currentOperation(state: BuilderState, resolution: Resolution): OpChoice | undefined {
  const message = resolution.message;
  if (!message || resolution.type === undefined) return undefined;
  const op = resolution.family?.operations?.find((o) => o.value === resolution.type && o.name === message.name);
  if (!op) return undefined;
  const wantsDump = (state.flags & NLM_F_DUMP) === NLM_F_DUMP;
  if (wantsDump && op.dump) return { op, mode: 'dump' };
  if (!wantsDump && op.do) return { op, mode: 'do' };
  return op.do ? { op, mode: 'do' } : { op, mode: 'dump' };
}

/**
 * Chooses `key` ("name mode"): message, fixed header, payload and flags follow, and of the attributes already in
 * the form only those the new request lists stay (a dump whose request lists none starts empty). False when the
 * family has no such choice.
 */
export function chooseOperation(
  state: BuilderState,
  registry: FamilyRegistry,
  family: FamilyDef,
  key: string,
): boolean {
  const choice = operationChoices(family).find((c) => opChoiceKey(c) === key);
  if (!choice) return false;
  setMessageType(state, choice.op.name, registry);
  state.flags = opFlags(choice.mode);
  const listed = new Set(requestAttrNames(choice) ?? []);
  state.attrs = state.attrs.filter((n) => listed.has(n.type.trim()));
  return true;
}

/** The attribute names the spec lists for the current operation's request; undefined when it lists none. */
export function requestAttrNames(choice: OpChoice | undefined): readonly string[] | undefined {
  return choice?.op[choice.mode]?.requestAttrs;
}

export interface AttrOffer {
  readonly type: number;
  readonly def: AttrDef;
  /** Listed for the current operation's request (top level only; nested sets have no per-op list). */
  readonly listed: boolean;
}

/**
 * The attributes a scope offers to add: at the top level of an operation's request, the ones the spec lists for
 * it first (marked), then the rest of the set (the kernel may still take them; the spec just does not list them).
 */
export function attrOffers(scope: AttrScope, listed: readonly string[] | undefined): AttrOffer[] {
  const all = scopeChoices(scope);
  if (!listed) return all.map((c) => ({ ...c, listed: false }));
  const names = new Set(listed);
  const first = all.filter((c) => names.has(c.def.name)).map((c) => ({ ...c, listed: true }));
  const rest = all.filter((c) => !names.has(c.def.name)).map((c) => ({ ...c, listed: false }));
  return [...first, ...rest];
}
