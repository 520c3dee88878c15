// YNL spec files in the editor: the kernel's own specs (linux-source-6.12) pass the kernel's schemas and the
// loader without a diagnostic; a broken spec gets located ones (the schema's, on the node they are about, and
// the loader's, on their line); schemas are only taken from trusted places.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { specDiagnostics, ynlProtocolOf } from '../../extension/src/server/specDiagnostics';
import { findSpecSchema } from '../../extension/src/specs/specSchemas';
import { FIXTURES } from '../fixtures/ynl/load-fixture';

const CACHE = process.env.NETLINK_CACHE ?? resolve(FIXTURES, '../../../.cache');
const NETLINK_DOCS = join(CACHE, 'ynl-specs-6.12/linux-source-6.12/Documentation/netlink');
const SPECS = join(NETLINK_DOCS, 'specs');
const skip = existsSync(SPECS) ? false : `kernel YNL specs not in ${SPECS}; run: bash test/fixtures/ynl/fetch-specs.sh`;
const trusted = { specFolders: [], workspaceFolders: [], workspaceTrusted: true };

describe('spec diagnostics on the kernel tree', { skip }, () => {
  it('every spec of the tree is a spec, finds its schema next to it, and has no diagnostic', () => {
    const files = readdirSync(SPECS).filter((f) => f.endsWith('.yaml'));
    assert.equal(files.length, 19);
    for (const f of files) {
      const text = readFileSync(join(SPECS, f), 'utf8');
      const protocol = ynlProtocolOf(text);
      assert.ok(protocol, `${f} recognised as a spec`);
      const schema = findSpecSchema(protocol, join(SPECS, f), trusted);
      assert.equal(schema?.path, join(NETLINK_DOCS, `${protocol}.yaml`), f);
      assert.deepEqual(specDiagnostics(text, f, schema), [], f);
    }
  });

  it('a broken spec: an unknown key and a bad type from the schema, an unknown set from the loader, each located', () => {
    const good = readFileSync(join(SPECS, 'netdev.yaml'), 'utf8');
    const lines = good.split('\n');
    const typeLine = lines.findIndex((l) => /^\s+type: u32\s*$/.test(l));
    lines[typeLine] = lines[typeLine]!.replace('u32', 'u33');
    const broken = lines.join('\n').replace(/^doc:/m, 'docs:').replace('attribute-set: dev', 'attribute-set: devs');
    const schema = findSpecSchema('genetlink', join(SPECS, 'netdev.yaml'), trusted);
    const d = specDiagnostics(broken, 'netdev.yaml', schema);
    const docsLine = broken.split('\n').findIndex((l) => l.startsWith('docs:'));
    const unknownKey = d.find((x) => x.message.includes('"docs" is not a key the schema allows here'));
    assert.equal(unknownKey?.line, docsLine, JSON.stringify(d));
    assert.equal(unknownKey?.source, 'ynl-schema');
    const badType = d.find((x) => x.source === 'ynl-schema' && x.line === typeLine);
    assert.ok(badType, `the u33 type flagged on its line ${typeLine}: ${JSON.stringify(d)}`);
    const devsLine = broken.split('\n').findIndex((l) => l.includes('attribute-set: devs'));
    const unknownSet = d.find((x) => x.source === 'ynl' && x.message.includes('unknown attribute set "devs"'));
    assert.equal(unknownSet?.line, devsLine, JSON.stringify(d));
  });
});

describe('which YAML is a spec', () => {
  it('needs name: with protocol: (known) or operations:/attribute-sets:', () => {
    assert.equal(ynlProtocolOf('name: x\nprotocol: netlink-raw\n'), 'netlink-raw');
    assert.equal(ynlProtocolOf('name: x\nattribute-sets: []\noperations: {}\n'), 'genetlink');
    assert.equal(ynlProtocolOf('name: build\non: push\njobs: {}\n'), undefined);
    assert.equal(ynlProtocolOf('name: x\nprotocol: http\n'), undefined);
  });
});

describe('where schemas come from', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'nlwb-schema-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(NETLINK_DOCS, join(dir, 'tree', 'Documentation', 'netlink'), { recursive: true });
  const spec = join(dir, 'tree', 'Documentation', 'netlink', 'specs', 'netdev.yaml');

  it('not from an untrusted workspace: ajv compiles a schema into code', () => {
    const untrusted = { specFolders: [], workspaceFolders: [join(dir, 'tree')], workspaceTrusted: false };
    assert.equal(findSpecSchema('genetlink', spec, untrusted), undefined);
  });
  it('from the tree the spec sits in, the workspace once trusted, or a spec folder of the settings', () => {
    assert.ok(findSpecSchema('genetlink', spec, trusted));
    const viaWorkspace = { specFolders: [], workspaceFolders: [join(dir, 'tree')], workspaceTrusted: true };
    assert.ok(findSpecSchema('genetlink', undefined, viaWorkspace));
    const viaSettings = {
      specFolders: [join(dir, 'tree', 'Documentation', 'netlink', 'specs')],
      workspaceFolders: [],
      workspaceTrusted: false,
    };
    assert.ok(findSpecSchema('genetlink', undefined, viaSettings));
  });
  it('a schema that is no YAML mapping is skipped, not thrown', () => {
    const bad = join(dir, 'bad');
    cpSync(join(dir, 'tree'), bad, { recursive: true });
    writeFileSync(join(bad, 'Documentation', 'netlink', 'genetlink.yaml'), '- just\n- a list\n');
    const places = { specFolders: [], workspaceFolders: [bad], workspaceTrusted: true };
    assert.equal(findSpecSchema('genetlink', undefined, places), undefined);
  });
});
