// The abstract state the ownership dataflow carries: for each tracked variable, the set of facts it can hold on the
// paths reaching a point (one fact per path class), joined by union where paths meet.

/** Who owns what the variable points to: not this function's, allocated here, sent, freed, or passed on. */
export type Own = 'none' | 'alloc' | 'sent' | 'freed' | 'gone';
/** What is known of NULL: unknown, unchecked result of an allocation / of a put, checked non-NULL, NULL. */
export type Nul = 'unk' | 'ua' | 'up' | 'nonnull' | 'null';
/** The message in the skb: none started, header put, attributes added after it, ended. */
export type Msg = 'none' | 'hdr' | 'attrs' | 'ended';

export interface Fact {
  readonly own: Own;
  readonly nul: Nul;
  readonly msg: Msg;
  /** Offset of the call that made the fact (the allocation, the put, the send). */
  readonly at: number;
}

const key = (f: Fact): string => `${f.own}|${f.nul}|${f.msg}|${f.at}`;
/** Facts are read far more often than made: each key is split once. */
const parsed = new Map<string, Fact>();
const parse = (k: string): Fact => {
  let f = parsed.get(k);
  if (!f) {
    const [own, nul, msg, at] = k.split('|');
    f = { own: own as Own, nul: nul as Nul, msg: msg as Msg, at: Number(at) };
    if (parsed.size > 100_000) parsed.clear();
    parsed.set(k, f);
  }
  return f;
};

/** Variables -> fact sets; `#extack` holds 'set' | 'unset' | 'maybe' as facts' own field is not needed there. */
export class State {
  constructor(readonly vars: Map<string, ReadonlySet<string>> = new Map()) {}

  clone(): State {
    return new State(new Map(this.vars));
  }

  facts(v: string): Fact[] {
    const s = this.vars.get(v);
    return s ? [...s].map(parse) : [];
  }

  tracked(v: string): boolean {
    return this.vars.has(v);
  }

  set(v: string, facts: readonly Fact[]): void {
    this.vars.set(v, new Set(facts.map(key)));
  }

  /** Applies `f` to every fact of `v`; a fact mapped to null is a path that cannot happen. */
  map(v: string, f: (fact: Fact) => Fact | null): void {
    const s = this.vars.get(v);
    if (!s) return;
    const out = new Set<string>();
    for (const k of s) {
      const r = f(parse(k));
      if (r) out.add(key(r));
    }
    this.vars.set(v, out);
  }

  /** True when a variable lost all its facts: the state describes no real path. */
  infeasible(): boolean {
    for (const s of this.vars.values()) if (s.size === 0) return true;
    return false;
  }

  /** Union into this; true when something was added. */
  joinFrom(other: State): boolean {
    let changed = false;
    for (const [v, s] of other.vars) {
      const mine = this.vars.get(v);
      if (!mine) {
        this.vars.set(v, new Set(s));
        changed = true;
        continue;
      }
      let added: Set<string> | undefined;
      for (const k of s)
        if (!mine.has(k)) {
          added ??= new Set(mine);
          added.add(k);
        }
      if (added) {
        this.vars.set(v, added);
        changed = true;
      }
    }
    return changed;
  }

  /** A flag variable (the extack state): its values as plain strings. */
  flags(v: string): ReadonlySet<string> {
    return this.vars.get(v) ?? new Set();
  }

  setFlags(v: string, values: readonly string[]): void {
    this.vars.set(v, new Set(values));
  }
}

export const EXTACK = '#extack';
