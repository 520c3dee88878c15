// loadYnlSpec: one YNL family spec (YAML text) → FamilyDef. Never throws: every problem is collected with its
// line and spec path, and whatever could be read is kept.
import { NETLINK_GENERIC } from '../constants';
import type { FamilyDef } from '../types';
import { loadAttrSets } from './attribute-sets';
import { loadDefinitions } from './definitions';
import { loadOperations } from './operations';
import { SpecReader, type SpecMap, type YnlProblem } from './reader';
import { RefChecks } from './references';
import { loadSubMessages } from './sub-messages';

export interface YnlLoadResult {
  family?: FamilyDef;
  problems: YnlProblem[];
}

const PROTOCOLS = ['genetlink', 'genetlink-c', 'genetlink-legacy', 'netlink-raw'] as const;

export function loadYnlSpec(yamlText: string, source: string): YnlLoadResult {
  const { reader, root } = SpecReader.parse(yamlText);
  if (!root) return { problems: reader.problems };
  try {
    const family = loadFamily(reader, root, source);
    return { ...(family ? { family } : {}), problems: reader.problems };
  } catch (error) {
    // A bug here must not take the decoder down with it; it shows as a problem of this spec.
    const message = error instanceof Error ? error.message : String(error);
    return { problems: [...reader.problems, { message: `internal error while loading the spec: ${message}` }] };
  }
}

function loadFamily(reader: SpecReader, root: SpecMap, source: string): FamilyDef | undefined {
  const name = reader.string(root, 'name', true);
  const level = reader.has(root, 'protocol') ? reader.oneOf(root, 'protocol', PROTOCOLS) : 'genetlink';
  const raw = level === 'netlink-raw';
  const protonum = raw ? reader.integer(root, 'protonum') : undefined;
  if (raw && protonum === undefined && !reader.has(root, 'protonum')) {
    reader.report('netlink-raw spec needs "protonum" (the netlink protocol number)', root.map, 'protonum');
  }
  const refs = new RefChecks(reader);
  const defs = loadDefinitions(reader, root, refs);
  const attrSets = loadAttrSets(reader, root, refs, defs.consts, { enums: defs.enums, fromEnums: !raw });
  const subMessages = loadSubMessages(reader, root, refs);
  const { messages, requests, operations } = loadOperations(reader, root, refs);
  const mcastGroups = loadMcastGroups(reader, root, raw);
  refs.check({ attrSets, enums: defs.enums, structs: defs.structs, subMessages });
  if (name === undefined) return undefined; // generic families are bound by name: without one it is unusable
  return {
    name,
    // An unreadable protonum leaves -1, which matches no socket, rather than guessing NETLINK_ROUTE.
    protocol: raw ? (protonum ?? -1) : NETLINK_GENERIC,
    genl: !raw,
    messages,
    attrSets,
    structs: defs.structs,
    enums: defs.enums,
    subMessages,
    ...(mcastGroups.length ? { mcastGroups } : {}),
    source,
    ...(requests.size ? { opRequests: requests } : {}),
    ...(operations.length ? { operations } : {}),
  };
}

/**
 * Generic netlink groups by name in spec order (their ids come from nlctrl at run time); classic groups with a
 * `value` at that index (the group number), unnamed numbers left as ''.
 */
function loadMcastGroups(reader: SpecReader, root: SpecMap, raw: boolean): string[] {
  const groups = reader.mapAt(root, 'mcast-groups');
  if (!groups) return [];
  const out: string[] = [];
  for (const group of reader.maps(groups, 'list', true)) {
    const name = reader.string(group, 'name', true);
    const value = raw ? reader.integer(group, 'value') : undefined;
    if (name === undefined) continue;
    if (value === undefined) {
      out.push(name);
      continue;
    }
    while (out.length < value) out.push('');
    out[value] = name;
  }
  return out;
}
