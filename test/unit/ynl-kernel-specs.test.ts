// YNL loader on the kernel's own specs (Documentation/netlink/specs of linux-source-6.12), fetched into the
// cache by test/fixtures/ynl/fetch-specs.sh (not copied into the repository). Skips, saying how to fetch them,
// when the cache is empty. Checks: every spec loads without problems, known facts, and the numbers the loader
// derives against the C enums of the uAPI headers in /usr/include/linux where those define the same names.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadYnlSpec, type YnlLoadResult } from '../../extension/src/netlink/ynl/index';
import type { FamilyDef } from '../../extension/src/netlink/types';
import { FIXTURES } from '../fixtures/ynl/load-fixture';
import { readUapiEnums, UAPI_DIR } from '../fixtures/ynl/uapi-enums';

const CACHE = process.env.NETLINK_CACHE ?? resolve(FIXTURES, '../../../.cache');
const SPECS = join(CACHE, 'ynl-specs-6.12/linux-source-6.12/Documentation/netlink/specs');
const present = existsSync(SPECS);
const skip = present ? false : `kernel YNL specs not in ${SPECS}; run: bash test/fixtures/ynl/fetch-specs.sh`;

const EXPECTED = [
  'devlink',
  'dpll',
  'ethtool',
  'fou',
  'handshake',
  'mptcp_pm',
  'netdev',
  'nfsd',
  'nftables',
  'nlctrl',
  'ovs_datapath',
  'ovs_flow',
  'ovs_vport',
  'rt_addr',
  'rt_link',
  'rt_route',
  'tc',
  'tcp_metrics',
  'team',
];

const loaded = new Map<string, YnlLoadResult & { text: string }>();
if (present) {
  for (const file of readdirSync(SPECS)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const text = readFileSync(join(SPECS, file), 'utf8');
    loaded.set(file.replace(/\.yaml$/, ''), { ...loadYnlSpec(text, join(SPECS, file)), text });
  }
}

function family(name: string): FamilyDef {
  const f = loaded.get(name)?.family;
  assert.ok(f, `spec ${name} loaded`);
  return f;
}

if (!present && process.env.NETLINK_REQUIRE_KERNEL_SPECS === '1') {
  it('has the kernel specs (NETLINK_REQUIRE_KERNEL_SPECS=1)', () => assert.fail(`no specs in ${SPECS}`));
}

describe('YNL loader on the kernel specs (linux-source-6.12)', { skip }, () => {
  it('finds all 19 specs and loads each without problems', () => {
    assert.deepEqual([...loaded.keys()], EXPECTED);
    for (const [name, r] of loaded) {
      assert.deepEqual(r.problems, [], `${name}: ${JSON.stringify(r.problems, null, 1)}`);
      assert.ok(r.family && r.family.messages.size > 0 && r.family.attrSets.size > 0, name);
    }
  });

  it('rt-link: getlink asks with 18 and is answered by newlink (16); ifname, linkinfo and its sub-message', () => {
    const f = family('rt_link');
    assert.equal(f.name, 'rt-link');
    assert.equal(f.genl, false);
    assert.equal(f.protocol, 0);
    assert.deepEqual(f.messages.get(18), {
      value: 18,
      name: 'getlink',
      kind: 'get',
      header: 'ifinfomsg',
      attrSet: 'link-attrs',
    });
    assert.deepEqual(f.messages.get(16), {
      value: 16,
      name: 'newlink',
      kind: 'new',
      header: 'ifinfomsg',
      attrSet: 'link-attrs',
    });
    assert.equal(f.messages.get(17)?.kind, 'del');
    const link = f.attrSets.get('link-attrs')!.byType;
    assert.deepEqual(link.get(3), { name: 'ifname', kind: 'string' });
    assert.deepEqual(link.get(18), { name: 'linkinfo', kind: 'nest', nested: 'linkinfo-attrs' });
    assert.deepEqual(link.get(1), { name: 'address', kind: 'binary', display: 'mac' });
    assert.deepEqual(link.get(23), { name: 'stats64', kind: 'struct', struct: 'rtnl-link-stats64' });
    assert.deepEqual(f.attrSets.get('linkinfo-attrs')!.byType.get(2), {
      name: 'data',
      kind: 'sub-message',
      subMessage: 'linkinfo-data-msg',
      selector: 'kind',
    });
    assert.deepEqual(f.subMessages.get('linkinfo-data-msg')!.variants.get('vlan'), {
      value: 'vlan',
      attrSet: 'linkinfo-vlan-attrs',
    });
    const ifinfomsg = f.structs.get('ifinfomsg')!;
    assert.deepEqual(
      ifinfomsg.fields.map((x) => x.name),
      ['ifi-family', 'pad', 'ifi-type', 'ifi-index', 'ifi-flags', 'ifi-change'],
    );
    assert.equal(f.enums.get('ifinfo-flags')?.entries.get(1), 'up');
    assert.deepEqual(f.mcastGroups?.[1], 'rtnlgrp-link');
  });

  it('netdev: unified command numbers from 1; dev-get is 1, qstats-get 12', () => {
    const f = family('netdev');
    assert.equal(f.genl, true);
    assert.equal(f.protocol, 16);
    assert.deepEqual(f.messages.get(1), { value: 1, name: 'dev-get', kind: 'get', attrSet: 'dev' });
    assert.equal(f.messages.get(12)?.name, 'qstats-get');
    assert.deepEqual(f.attrSets.get('dev')!.byType.get(1), { name: 'ifindex', kind: 'u32', checks: { min: '1' } });
    assert.deepEqual(f.mcastGroups, ['mgmt', 'page-pool']);
  });

  it('nlctrl: getfamily asks with 3, the kernel answers with 1; policies are an array of arrays', () => {
    const f = family('nlctrl');
    assert.deepEqual(f.messages.get(3), { value: 3, name: 'getfamily', kind: 'get', attrSet: 'ctrl-attrs' });
    assert.deepEqual(f.messages.get(1), { value: 1, name: 'getfamily', kind: 'get', attrSet: 'ctrl-attrs' });
    const ctrl = f.attrSets.get('ctrl-attrs')!.byType;
    assert.deepEqual(ctrl.get(1), { name: 'family-id', kind: 'u16' });
    assert.deepEqual(ctrl.get(2), { name: 'family-name', kind: 'string' });
    assert.deepEqual(ctrl.get(6), { name: 'ops', kind: 'indexed-array', nested: 'op-attrs' });
    assert.deepEqual(ctrl.get(8), {
      name: 'policy',
      kind: 'indexed-array',
      subType: 'indexed-array',
      nested: 'policy-attrs',
    });
    assert.deepEqual(f.attrSets.get('op-attrs')!.byType.get(2), {
      name: 'flags',
      kind: 'u32',
      enumName: 'op-flags',
      // ynl-gen-c's NLA_POLICY_MASK for a flags enum: the five op-flags (nlctrl's own policy is written by hand).
      checks: { mask: '31', enum: 'op-flags' },
    });
    assert.deepEqual(f.enums.get('op-flags')!.entries.get(4), 'cmd-cap-dump');
  });

  it("ethtool: where a request number is another op's reply number with another set, the reply set is kept", () => {
    const f = family('ethtool');
    // ETHTOOL_MSG_PRIVFLAGS_GET = 13 (user → kernel); ETHTOOL_MSG_FEATURES_NTF = 13 (kernel → user).
    assert.deepEqual(f.messages.get(13), {
      value: 13,
      name: 'privflags-get',
      kind: 'get',
      attrSet: 'privflags',
      replyAttrSet: 'features',
      replyName: 'features-ntf',
    });
  });

  it('ovs: the family-wide fixed header applies to every command', () => {
    for (const name of ['ovs_datapath', 'ovs_flow', 'ovs_vport']) {
      const f = family(name);
      assert.ok(
        [...f.messages.values()].every((m) => m.header === 'ovs-header'),
        name,
      );
      assert.deepEqual(f.structs.get('ovs-header')?.fields, [{ name: 'dp-ifindex', kind: 'u32' }]);
    }
  });

  it(
    'derives the same numbers as the C uAPI headers for every name both define',
    { skip: existsSync(UAPI_DIR) ? false : `no ${UAPI_DIR}` },
    () => {
      const c = readUapiEnums();
      let checked = 0;
      const wrong: string[] = [];
      const counted = new Map<string, number>();
      const compare = (cName: string, got: number | undefined, where: string) => {
        const want = c.get(cName);
        if (want === undefined || KNOWN_SPEC_BUGS.has(cName)) return;
        checked++;
        counted.set(where.split(' ')[0]!, (counted.get(where.split(' ')[0]!) ?? 0) + 1);
        if (got !== want) wrong.push(`${where}: ${cName} is ${want} in C, loader says ${got}`);
      };
      for (const [spec, r] of loaded) {
        const raw = parse(r.text) as RawSpec;
        const f = r.family!;
        const fam = raw.name;
        for (const set of raw['attribute-sets'] ?? []) {
          if (set['subset-of']) continue; // numbers and C names come from the parent
          const byName = new Map([...f.attrSets.get(set.name)!.byType].map(([v, a]) => [a.name, v]));
          for (const attr of set.attributes) {
            if (attr.type === 'unused') continue;
            const prefix = attr['name-prefix'] ?? set['name-prefix'] ?? `${fam}-a-${set.name}-`;
            compare(cName(prefix + attr.name), byName.get(attr.name), `${spec} ${set.name}.${attr.name}`);
          }
        }
        for (const def of raw.definitions ?? []) {
          if (def.type !== 'enum' && def.type !== 'flags') continue;
          const entries = f.enums.get(def.name)!.entries;
          const byName = new Map([...entries].map(([v, n]) => [n, v]));
          for (const entry of def.entries ?? []) {
            const name = typeof entry === 'string' ? entry : entry.name;
            compare(
              cName((def['name-prefix'] ?? `${fam}-${def.name}-`) + name),
              byName.get(name),
              `${spec} ${def.name}.${name}`,
            );
          }
        }
        // The C name of an op is its request number (notifications and events count among replies: not checked).
        const opPrefix = raw.operations['name-prefix'] ?? `${fam}-cmd-`;
        for (const op of raw.operations.list) {
          if (op.notify !== undefined || op.event !== undefined || (!op.do && !op.dump)) continue;
          const value = [...f.messages.values()].find(
            (m) => m.name === op.name && c.get(cName(opPrefix + op.name)) === m.value,
          )?.value;
          compare(cName(opPrefix + op.name), value, `${spec} op ${op.name}`);
        }
      }
      console.log(
        `compared ${checked} names with ${UAPI_DIR}: ${[...counted].map(([k, v]) => `${k} ${v}`).join(', ')}`,
      );
      assert.deepEqual(wrong, []);
      // The known spec bugs are still there (drop them from the list when a newer spec fixes them).
      const policy = family('nlctrl').attrSets.get('policy-attrs')!.byType;
      assert.deepEqual(
        [policy.get(11)?.name, policy.get(12)?.name, c.get('NL_POLICY_TYPE_ATTR_MASK')],
        ['mask', 'pad', 12],
      );
      // linux-libc-dev 6.1 defines most of these families: over a thousand names are compared (1089 here).
      assert.ok(checked > 1000, `only ${checked} names compared`);
    },
  );
});

/**
 * Where the kernel's spec itself disagrees with its C header (the loader reads the spec correctly; the spec is
 * wrong). nlctrl.yaml lists `mask` before `pad`, but include/uapi/linux/netlink.h has
 * NL_POLICY_TYPE_ATTR_PAD = 11 and NL_POLICY_TYPE_ATTR_MASK = 12 (still so upstream).
 */
const KNOWN_SPEC_BUGS = new Set(['NL_POLICY_TYPE_ATTR_MASK', 'NL_POLICY_TYPE_ATTR_PAD']);

function cName(ynlName: string): string {
  return ynlName.toUpperCase().replace(/-/g, '_');
}

interface RawSpec {
  name: string;
  definitions?: { name: string; type: string; 'name-prefix'?: string; entries?: (string | { name: string })[] }[];
  'attribute-sets'?: {
    name: string;
    'name-prefix'?: string;
    'subset-of'?: string;
    attributes: { name: string; type?: string; 'name-prefix'?: string }[];
  }[];
  operations: {
    'name-prefix'?: string;
    list: { name: string; do?: unknown; dump?: unknown; notify?: string; event?: unknown }[];
  };
}
