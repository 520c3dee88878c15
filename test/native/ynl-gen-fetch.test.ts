// The YNL generator Build Module finds by itself when no setting and no kernel tree in the workspace has one:
// Debian's linux-source-6.12 fetched from Debian's registry with the extension's own code into the cache (once: a
// later run finds it there), only tools/net/ynl and the schemas kept, no work folder left; then the generator
// it found regenerates the genl template's files byte for byte.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { copyModuleTemplate } from '../../extension/src/module/template';
import { findGeneratedFiles, regenerate } from '../../extension/src/module/ynlGen';
import { findYnlGenerator } from '../../extension/src/module/ynlGenFind';
import { repoRoot } from './helper-process';

const cache = process.env.NETLINK_CACHE || path.join(repoRoot, '.cache');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nlwb-ynlgen-fetch-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe("the kernel's YNL generator from Debian", () => {
  test('is fetched (or found from an earlier fetch) and regenerates the template', { timeout: 900_000 }, async () => {
    const lines: string[] = [];
    const found = await findYnlGenerator({ workspaceFolders: [tmp], cacheDir: cache, log: (l) => lines.push(l) });
    assert.equal(found.source, 'debian');
    assert.equal(found.generator, path.join(cache, 'ynl-gen-6.12/linux-source-6.12/tools/net/ynl/ynl-gen-c.py'));
    const root = path.join(cache, 'ynl-gen-6.12', 'linux-source-6.12');
    assert.deepEqual(readdirSync(root).sort(), ['Documentation', 'tools']);
    assert.ok(existsSync(path.join(root, 'Documentation/netlink/genetlink.yaml')));
    assert.deepEqual(
      readdirSync(cache).filter((f) => f.startsWith('ynl-gen-6.12.work')),
      [],
      'the work folder is removed',
    );
    const dest = path.join(tmp, 'genldemo');
    await copyModuleTemplate(path.join(repoRoot, 'kmod-genl'), dest);
    const files = await findGeneratedFiles(dest);
    for (const f of files) writeFileSync(path.join(dest, f.file), 'stale\n');
    await regenerate(dest, files, { generator: found.generator });
    for (const f of files)
      assert.equal(
        readFileSync(path.join(dest, f.file), 'utf8'),
        readFileSync(path.join(repoRoot, 'kmod-genl', f.file), 'utf8'),
        f.file,
      );
  });
});
