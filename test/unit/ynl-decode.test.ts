// Decoding real kernel replies with the kernel's own YNL specs: the netdev dump captured from this machine's
// kernel, named attribute by attribute through netdev.yaml; the family id bound from a setting-like binding
// and from an nlctrl reply in the same buffer; the reference module's reply through kmod/nlreply.yaml.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import {
  concatBytes,
  createRegistry,
  decodeMessages,
  encodeMessage,
  encodeString,
} from '../../extension/src/netlink/index';
import { loadYnlSpec } from '../../extension/src/netlink/ynl/index';
import { loadFixture } from '../fixtures/load';
import { FIXTURES } from '../fixtures/ynl/load-fixture';

const CACHE = process.env.NETLINK_CACHE ?? resolve(FIXTURES, '../../../.cache');
const SPECS = join(CACHE, 'ynl-specs-6.12/linux-source-6.12/Documentation/netlink/specs');
const present = existsSync(SPECS);
const required = process.env.NETLINK_REQUIRE_KERNEL_SPECS === '1';

function spec(path: string) {
  const r = loadYnlSpec(readFileSync(path, 'utf8'), path);
  assert.deepEqual(r.problems, []);
  assert.ok(r.family);
  return r.family;
}

describe('decoding with YNL specs', () => {
  if (!present && required) {
    it('has the kernel specs (NETLINK_REQUIRE_KERNEL_SPECS=1)', () =>
      assert.fail(`no specs in ${SPECS}; bash test/fixtures/ynl/fetch-specs.sh failed?`));
  }

  it(
    'names the netdev dump from this kernel through netdev.yaml',
    { skip: present ? false : 'kernel specs not fetched' },
    () => {
      const registry = createRegistry([spec(join(SPECS, 'netdev.yaml'))]);
      registry.bindGenlId(20, 'netdev'); // the id this capture's kernel gave (see the fixture header)
      const fixture = loadFixture('genl-netdev-dev-get-dump');
      const messages = fixture.buffers.flatMap((b) => decodeMessages(b, { protocol: 16, registry }));
      const dev = messages.find((m) => m.typeName === 'netdev' && m.attrs.length > 0)!;
      assert.equal(dev.command, 'dev-get');
      const names = dev.attrs.map((a) => a.name);
      assert.ok(names.includes('ifindex'), names.join(','));
      assert.ok(names.includes('xdp-features'), names.join(','));
      const xdp = dev.attrs.find((a) => a.name === 'xdp-features')!;
      assert.equal(typeof xdp.value, 'string'); // u64 flags as a decimal string
      assert.ok(
        messages.every((m) => m.problems.length === 0),
        JSON.stringify(messages.flatMap((m) => m.problems)),
      );
    },
  );

  it('decodes the reference module reply as text through kmod/nlreply.yaml', () => {
    const registry = createRegistry([spec(resolve(FIXTURES, '../../../kmod/nlreply.yaml'))]);
    const request = encodeMessage({ type: 16, flags: 5, seq: 42, pid: 0 }, encodeString('hello'));
    const reply = encodeMessage(
      { type: 3, flags: 0, seq: 42, pid: 0 },
      encodeString('message from port 1234 processed by kernel: hello'),
    );
    const [req, rep] = decodeMessages(concatBytes([request, reply]), { protocol: 31, registry });
    assert.equal(req!.typeName, 'request');
    assert.equal(req!.text, 'hello');
    assert.deepEqual(req!.flagNames, ['NLM_F_REQUEST', 'NLM_F_ACK']);
    assert.equal(rep!.family, 'nlreply');
    assert.equal(rep!.text, 'message from port 1234 processed by kernel: hello');
  });
});
