// Where Build Module's YNL generator comes from when no setting names it: a kernel tree in the workspace (either
// layout: 6.12's tools/net/ynl/ynl-gen-c.py, 6.14's tools/net/ynl/pyynl/ynl_gen_c.py), else an earlier Debian fetch
// in the cache; the setting wins. python3 and the generator's modules are checked with the real python3 (and with
// python3 -S, which has no dist-packages: the modules are missing there). The Debian fetch itself runs against
// Debian's registry in test/native/ynl-gen-fetch.test.ts.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  checkGeneratorPython,
  findLocalYnlGenerator,
  findYnlGenerator,
  generatorInTree,
  kernelRootOfGenerator,
} from '../../extension/src/module/ynlGenFind';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'nlwb-ynlfind-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function tree(name: string, rels: readonly string[]): string {
  const root = path.join(tmp, name);
  for (const rel of rels) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, '# generator\n');
  }
  return root;
}

describe('finding the YNL generator', () => {
  const old = tree('linux-6.12', ['tools/net/ynl/ynl-gen-c.py', 'Documentation/netlink/genetlink.yaml']);
  const newer = tree('linux-6.14', ['tools/net/ynl/pyynl/ynl_gen_c.py', 'Documentation/netlink/genetlink.yaml']);
  const plain = tree('project', ['README']);

  it('finds it in a kernel tree of either layout, and knows the tree root from it', () => {
    const g612 = generatorInTree(old);
    const g614 = generatorInTree(newer);
    assert.equal(g612, path.join(old, 'tools/net/ynl/ynl-gen-c.py'));
    assert.equal(g614, path.join(newer, 'tools/net/ynl/pyynl/ynl_gen_c.py'));
    assert.equal(generatorInTree(plain), undefined);
    assert.equal(kernelRootOfGenerator(g612 as string), old);
    assert.equal(kernelRootOfGenerator(g614 as string), newer);
    // A folder is not a generator.
    assert.equal(generatorInTree(tree('dir-only', ['tools/net/ynl/ynl-gen-c.py/x'])), undefined);
  });

  it('takes the setting first, then the workspace tree, then an earlier Debian fetch', () => {
    const cache = path.join(tmp, 'cache');
    const fetched = tree('cache/ynl-gen-6.12/linux-source-6.12', ['tools/net/ynl/ynl-gen-c.py']);
    assert.equal(findLocalYnlGenerator({ workspaceFolders: [plain], cacheDir: cache }), undefined, 'not complete');
    writeFileSync(path.join(cache, 'ynl-gen-6.12', '.complete'), '');
    assert.deepEqual(findLocalYnlGenerator({ workspaceFolders: [plain], cacheDir: cache }), {
      generator: path.join(fetched, 'tools/net/ynl/ynl-gen-c.py'),
      source: 'debian',
    });
    assert.deepEqual(findLocalYnlGenerator({ workspaceFolders: [plain, newer, old], cacheDir: cache }), {
      generator: path.join(newer, 'tools/net/ynl/pyynl/ynl_gen_c.py'),
      source: 'workspace',
    });
    assert.deepEqual(findLocalYnlGenerator({ setting: '/opt/g.py', workspaceFolders: [old], cacheDir: cache }), {
      generator: '/opt/g.py',
      source: 'setting',
    });
  });

  it('names a setting that points nowhere', async () => {
    await assert.rejects(
      findYnlGenerator({
        setting: path.join(tmp, 'nope.py'),
        workspaceFolders: [],
        cacheDir: tmp,
        log: () => undefined,
      }),
      /netlink\.module\.ynlGenerator names .*nope\.py, which does not exist/,
    );
  });

  it("checks python3 and the generator's modules, naming the packages to install", async () => {
    await checkGeneratorPython('python3');
    await assert.rejects(
      checkGeneratorPython(path.join(tmp, 'no-python3')),
      /needs .*no-python3, which cannot be started; install: sudo apt-get install python3 python3-yaml python3-jsonschema/,
    );
    const bare = path.join(tmp, 'python3-bare');
    writeFileSync(bare, '#!/bin/sh\nexec python3 -S "$@"\n');
    chmodSync(bare, 0o755);
    await assert.rejects(
      checkGeneratorPython(bare),
      /imports yaml, jsonschema, which .*lacks; install: sudo apt-get install python3-yaml python3-jsonschema/,
    );
  });
});
