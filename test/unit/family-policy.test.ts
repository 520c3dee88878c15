// The kernel's policy dumps (CTRL_CMD_GETPOLICY) of nlctrl and netdev, captured from this machine's kernel
// (test/fixtures/ynl/capture-genl.py), read by attribute numbers and lined up with the kernel's own specs of
// linux-source-6.12: where they agree, where they do not (and why), and what a hostile reply does.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseFixture } from '../fixtures/load';
import { FIXTURES } from '../fixtures/ynl/load-fixture';
import {
  comparePolicy,
  getPolicyRequest,
  parsePolicyReplies,
  type PolicyReport,
} from '../../extension/src/netlink/policy';
import { renderPolicyMarkdown } from '../../extension/src/netlink/render/policy';
import { decodeMessages, NETLINK_GENERIC } from '../../extension/src/netlink/index';
import { loadSpecFiles } from '../../extension/src/specs/specFiles';

const CACHE = process.env.NETLINK_CACHE ?? resolve(FIXTURES, '../../../.cache');
const SPECS = join(CACHE, 'ynl-specs-6.12/linux-source-6.12/Documentation/netlink/specs');
const skip = existsSync(SPECS) ? false : `kernel YNL specs not in ${SPECS}; run: bash test/fixtures/ynl/fetch-specs.sh`;

function dump(name: string) {
  return parseFixture(name, readFileSync(join(FIXTURES, `${name}.hex`), 'utf8'));
}

function report(family: string): PolicyReport {
  const specs = loadSpecFiles([SPECS]).families;
  return comparePolicy(
    parsePolicyReplies(dump(`genl-getpolicy-${family}`).buffers),
    specs.find((f) => f.name === family),
    family,
  );
}

function row(r: PolicyReport, path: string, policyIndex?: number) {
  const found = r.rows.find((x) => x.path === path && (policyIndex === undefined || x.policyIndex === policyIndex));
  assert.ok(found, `${path} in ${r.rows.map((x) => x.path).join(', ')}`);
  return found;
}

describe('the policy dump request', () => {
  it('is what the kernel expects: GETPOLICY dump to nlctrl by family id, optionally one op', () => {
    const [m] = decodeMessages(getPolicyRequest({ id: 20 }, 7, 1), { protocol: NETLINK_GENERIC });
    assert.equal(m!.command, 'CTRL_CMD_GETPOLICY');
    assert.deepEqual(m!.flagNames, ['NLM_F_REQUEST', 'NLM_F_DUMP']);
    assert.deepEqual(
      m!.attrs.map((a) => [a.name, a.value]),
      [
        ['CTRL_ATTR_FAMILY_ID', 20],
        ['CTRL_ATTR_OP', 1],
      ],
    );
  });
});

describe('netdev on a real kernel against netdev.yaml', { skip }, () => {
  const r = report('netdev');
  it('maps the ops to their policies', () => {
    const devGet = r.ops.find((o) => o.name === 'dev-get');
    assert.ok(devGet && devGet.do !== undefined && devGet.dump !== undefined);
  });
  it('names a spec operation the kernel does not list (the attribute rows cannot show it)', () => {
    const policy = parsePolicyReplies(dump('genl-getpolicy-netdev').buffers);
    const spec = loadSpecFiles([SPECS]).families.find((f) => f.name === 'netdev');
    const devGet = [...(spec?.messages.values() ?? [])].find((m) => m.name === 'dev-get');
    assert.ok(devGet && policy.ops.has(devGet.value));
    assert.ok(!comparePolicy(policy, spec, 'netdev').specOpsNotInKernel.includes('dev-get'));
    const ops = new Map(policy.ops);
    ops.delete(devGet.value);
    const without = comparePolicy({ ...policy, ops }, spec, 'netdev');
    assert.ok(without.specOpsNotInKernel.includes('dev-get'), without.specOpsNotInKernel.join(', '));
    assert.match(renderPolicyMarkdown(without, 'lab', 'netdev.yaml'), /does not list[^\n]*dev\\-get/);
  });
  it("agrees on dev-get's ifindex: u32 with min 1 (checks: min: 1)", () => {
    const ifindex = row(r, 'dev.ifindex');
    assert.equal(ifindex.kernel, 'u32 1..4294967295');
    assert.equal(ifindex.spec, 'u32 min 1');
    assert.equal(ifindex.mismatch, undefined);
  });
  it('agrees on queue.type: the range its enum implies (NLA_POLICY_MAX from ynl-gen-c)', () => {
    const type = row(r, 'queue.type');
    assert.equal(type.kernel, 'u32 0..1');
    assert.equal(type.mismatch, undefined);
  });
  it('follows a nest to the set it names (bind-rx queues -> queue-id)', () => {
    assert.equal(row(r, 'queue-id.id').mismatch, undefined);
  });
});

describe('nlctrl on a real kernel against nlctrl.yaml', { skip }, () => {
  const r = report('nlctrl');
  it("finds the kernel's limit the spec does not state: family-name is a NUL string of at most 15", () => {
    const name = row(r, 'ctrl-attrs.family-name', r.ops.find((o) => o.name === 'getfamily')?.do);
    assert.equal(name.kernel, 'nul-string max len 15');
    assert.equal(name.mismatch, 'max len: kernel 15, spec none');
  });
  it("finds an attribute the kernel accepts that the spec's getfamily request does not list (family-id)", () => {
    const id = row(r, 'ctrl-attrs.family-id', r.ops.find((o) => o.name === 'getfamily')?.do);
    assert.equal(id.mismatch, "the kernel accepts it; the spec's request does not list it");
  });
  it('renders Markdown with the disagreements first, names escaped', () => {
    const md = renderPolicyMarkdown(r, 'lab', 'nlctrl.yaml');
    assert.match(md, /^# Policy of nlctrl on lab/);
    assert.match(md, /2 disagreements in \d+ attributes/);
    const table = md.slice(md.indexOf('## Attributes'));
    assert.ok(table.indexOf('max len: kernel 15') < table.indexOf('agrees') || !table.includes('agrees'));
    assert.ok(md.includes('ctrl\\-attrs\\.family\\-name'), 'names escaped for Markdown');
  });
});

describe('hostile replies', () => {
  const good = dump('genl-getpolicy-netdev').buffers;
  it('cut anywhere: no exception, the damage named as a problem', () => {
    const whole = good[0]!;
    for (let cut = 0; cut < whole.length; cut += 7) {
      const p = parsePolicyReplies([whole.subarray(0, cut)]);
      assert.ok(p.policies.size <= parsePolicyReplies(good).policies.size);
    }
    const cut = parsePolicyReplies([whole.subarray(0, 100)]);
    assert.ok(cut.problems.length > 0, 'a message cut short is reported');
  });
  it('an attribute whose length overruns its nest is reported, not followed', () => {
    const bad = Uint8Array.from(good[0]!.subarray(0, 52));
    // The CTRL_ATTR_OP_POLICY nest's length (at 28) made larger than the message.
    new DataView(bad.buffer).setUint16(28, 200, true);
    const p = parsePolicyReplies([bad]);
    assert.ok(
      p.problems.some((m) => /beyond its container/.test(m)),
      p.problems.join('; '),
    );
  });
  it("the kernel's refusal is kept as the error", () => {
    const err = new Uint8Array(36);
    const v = new DataView(err.buffer);
    v.setUint32(0, 36, true);
    v.setUint16(4, 2, true);
    v.setInt32(16, -95, true);
    v.setUint32(20, 20, true);
    assert.equal(parsePolicyReplies([err]).error, 'EOPNOTSUPP');
  });
});
