// Which family decodes a message: classic families by protocol number, generic netlink families by the id the
// kernel assigned (bound by name from nlctrl replies or settings), YNL-described families added at run time.
import { GENL_ID_CTRL, NETLINK_GENERIC } from './constants';
import { nlctrlFamily } from './families/nlctrl';
import { routeFamily } from './families/route';
import type { FamilyDef } from './types';

export class FamilyRegistry {
  private readonly byProtocol = new Map<number, FamilyDef>();
  private readonly genlByName = new Map<string, FamilyDef>();
  private readonly genlIds = new Map<number, string>();
  /** Classic families that do not decode by default (a later spec on a taken protocol): the builder offers them. */
  private readonly classicOthers: FamilyDef[] = [];

  constructor(families: readonly FamilyDef[] = []) {
    for (const f of families) this.add(f);
  }

  /**
   * Adds a family: generic ones by name (a later spec replaces an earlier one), classic ones by protocol where
   * the first one stays: the kernel splits NETLINK_ROUTE over several YNL specs (rt-link, rt-addr, ...), each of
   * which covers only part of what the built-in rtnetlink table decodes.
   */
  add(family: FamilyDef): void {
    if (family.genl) this.genlByName.set(family.name, family);
    else if (!this.byProtocol.has(family.protocol)) this.byProtocol.set(family.protocol, family);
    else if (!this.classicOthers.some((f) => f.name === family.name && f.protocol === family.protocol))
      this.classicOthers.push(family);
  }

  /** Tells which generic netlink family the kernel gave `id` (from CTRL_CMD_NEWFAMILY or a setting). */
  bindGenlId(id: number, name: string): void {
    this.genlIds.set(id, name);
  }

  classic(protocol: number): FamilyDef | undefined {
    return protocol === NETLINK_GENERIC ? undefined : this.byProtocol.get(protocol);
  }

  /** Every classic family on `protocol`, the one that decodes first (rt-link, rt-addr, ... after rtnetlink). */
  classicFamilies(protocol: number): FamilyDef[] {
    const first = this.classic(protocol);
    return first ? [first, ...this.classicOthers.filter((f) => f.protocol === protocol)] : [];
  }

  /** Name bound to a genl id (nlctrl for 0x10), whether or not a definition of that family is known. */
  genlNameOf(id: number): string | undefined {
    return id === GENL_ID_CTRL ? 'nlctrl' : this.genlIds.get(id);
  }

  genlById(id: number): FamilyDef | undefined {
    const name = this.genlNameOf(id);
    return name === undefined ? undefined : this.genlByName.get(name);
  }

  genlByFamilyName(name: string): FamilyDef | undefined {
    return this.genlByName.get(name);
  }

  genlIdOf(name: string): number | undefined {
    if (name === 'nlctrl') return GENL_ID_CTRL;
    for (const [id, n] of this.genlIds) if (n === name) return id;
    return undefined;
  }

  families(): FamilyDef[] {
    return [...this.byProtocol.values(), ...this.classicOthers, ...this.genlByName.values()];
  }

  /** A copy whose bindings can grow while decoding one buffer without changing this registry. */
  fork(): FamilyRegistry {
    const copy = new FamilyRegistry(this.families());
    for (const [id, name] of this.genlIds) copy.bindGenlId(id, name);
    return copy;
  }
}

/** rtnetlink and nlctrl: what every registry starts with. */
export function builtinFamilies(): FamilyDef[] {
  return [routeFamily, nlctrlFamily];
}

export function createRegistry(extra: readonly FamilyDef[] = []): FamilyRegistry {
  return new FamilyRegistry([...builtinFamilies(), ...extra]);
}
