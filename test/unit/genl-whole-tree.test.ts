// A kernel tree brings all of Documentation/netlink/specs, nlctrl.yaml among them. With it loaded, a generic
// family's id must still be learned from an nlctrl reply earlier in the same input: the learning reads the
// kernel's attribute numbers (CTRL_ATTR_FAMILY_ID 1, CTRL_ATTR_FAMILY_NAME 2, CTRL_CMD_NEWFAMILY 1), not the
// names, which the spec renames (`family-id`, `family-name`, op `getfamily`). Real bytes: this machine's kernel's
// CTRL_CMD_GETFAMILY dump, then its netdev dev-get dump (test/fixtures). The specs are the 19 of linux-source-6.12
// fetched into the cache by test/fixtures/ynl/fetch-specs.sh.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { it } from 'node:test';
import { concatBytes, createRegistry, decodeMessages, NETLINK_GENERIC } from '../../extension/src/netlink/index';
import { loadSpecFiles } from '../../extension/src/specs/specFiles';
import { FIXTURES } from '../fixtures/ynl/load-fixture';
import { loadFixture, parseFixture } from '../fixtures/load';
import { readFileSync } from 'node:fs';

const CACHE = process.env.NETLINK_CACHE ?? resolve(FIXTURES, '../../../.cache');
const SPECS = join(CACHE, 'ynl-specs-6.12/linux-source-6.12/Documentation/netlink/specs');
const skip = existsSync(SPECS) ? false : `kernel YNL specs not in ${SPECS}; run: bash test/fixtures/ynl/fetch-specs.sh`;

function decodeWithTree(folders: string[]) {
  const report = loadSpecFiles(folders);
  assert.deepEqual(report.problems, []);
  const families = loadFixture('genl-getfamily-dump');
  const devGet = loadFixture('genl-netdev-dev-get-dump');
  const bytes = concatBytes([...families.buffers, ...devGet.buffers]);
  return {
    report,
    messages: decodeMessages(bytes, { protocol: NETLINK_GENERIC, registry: createRegistry(report.families) }),
  };
}

it("learns netdev's id from the nlctrl dump with the whole tree's specs, nlctrl.yaml included", { skip }, () => {
  const { report, messages } = decodeWithTree([SPECS]);
  assert.ok(
    report.families.some((f) => f.name === 'nlctrl'),
    'nlctrl.yaml is among the loaded specs',
  );
  const devs = messages.filter((m) => m.command === 'dev-get');
  assert.ok(devs.length >= 1, `dev-get replies decoded by the netdev spec (got ${messages.at(-2)?.typeName})`);
  for (const m of devs) {
    assert.equal(m.family, 'netdev');
    assert.equal(m.typeName, 'netdev');
    assert.ok(
      m.attrs.some((a) => a.name === 'ifindex' && typeof a.value === 'number'),
      'ifindex decoded by name',
    );
  }
});

it('the nlctrl replies themselves decode by the spec (family-name, family-id)', { skip }, () => {
  const { messages } = decodeWithTree([SPECS]);
  const netdev = messages.find((m) => m.attrs.some((a) => a.name === 'family-name' && a.value === 'netdev'));
  assert.ok(netdev, 'the nlctrl reply for netdev names its attributes by the spec');
  assert.equal(
    netdev.attrs.find((a) => a.name === 'family-id')?.value,
    loadFixture('genl-netdev-dev-get-dump').genlFamily?.id,
  );
});

it("ethtool: an EOPNOTSUPP ext-ack's echoed request decodes by ethtool.yaml, nested header.dev-name", { skip }, () => {
  const fixture = parseFixture(
    'genl-ethtool-linkinfo-lo',
    readFileSync(join(FIXTURES, 'genl-ethtool-linkinfo-lo.hex'), 'utf8'),
  );
  const report = loadSpecFiles([SPECS]);
  const messages = decodeMessages(concatBytes([...fixture.buffers]), {
    protocol: NETLINK_GENERIC,
    registry: createRegistry(report.families),
  });
  const error = messages.find((m) => m.error && m.error.code !== 0)?.error;
  assert.ok(error, "the kernel's error is decoded");
  assert.equal(error.name, 'EOPNOTSUPP');
  assert.equal(error.message, 'failed to retrieve link settings');
  const request = error.request;
  assert.ok(request, 'the echoed request is decoded');
  assert.equal(request.family, 'ethtool');
  assert.equal(request.command, 'linkinfo-get');
  const header = request.attrs.find((a) => a.name === 'header');
  assert.ok(header?.attrs, 'the nested header attribute decoded by the spec');
  assert.equal(header.attrs.find((a) => a.name === 'dev-name')?.value, 'lo');
});
