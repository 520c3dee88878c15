// Where a local-headers module build happens (issue 12, item 4): buildModule (extension code) builds nlreply
// against Debian's real 6.1 headers with kbuild here, and uploads to this machine as the target. The build folder
// is the user's own cache folder, made 0700: a <TMPDIR>/netlink-kmod-build/... that another user made first (the
// fixed name earlier versions used) is never written to or built in, and a build folder that is not ours is refused.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildModule } from '../../extension/src/module/build';
import { readModuleSources } from '../../extension/src/module/moduleSources';
import { KmodError, type ModuleTarget } from '../../extension/src/module/remote';
import { thisMachineRunner } from '../support/thisMachine';
import { repoRoot } from './helper-process';
import { headersFor } from './kernelHeaders';

const KMOD = path.join(repoRoot, 'kmod');
const NOBODY = 65534;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kmod-build-folder-'));
let kdir = '';

before(async () => {
  kdir = await headersFor('6.1');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** This machine as the target the .ko is uploaded to: argv run without a shell, files copied. */
function thisMachine(work: string): ModuleTarget {
  return {
    name: 'this machine',
    workFolder: work,
    headersDir: kdir,
    buildMode: 'local-headers',
    ...thisMachineRunner(),
  };
}

/** Runs fn with these environment variables set, then puts them back. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('the local build folder', () => {
  test(
    'a <TMPDIR>/netlink-kmod-build/<module> folder another user made first (0777, a file planted) is not used',
    { timeout: 600_000 },
    async (t) => {
      // The folder earlier versions built in for exactly these sources and headers, made first by someone else.
      const sharedTmp = path.join(tmp, 'shared-tmp');
      const src = await readModuleSources(KMOD);
      const planted = path.join(
        sharedTmp,
        'netlink-kmod-build',
        `${src.moduleName}-${src.hash}-${createHash('sha256').update(kdir).digest('hex').slice(0, 8)}`,
      );
      mkdirSync(planted, { recursive: true });
      for (const d of [path.dirname(planted), planted]) {
        chmodSync(d, 0o777);
        chownSync(d, NOBODY, NOBODY);
      }
      writeFileSync(path.join(planted, 'planted'), 'not ours\n');
      const cache = path.join(tmp, 'cache');
      const lines: string[] = [];
      const r = await withEnv({ TMPDIR: sharedTmp, XDG_CACHE_HOME: cache }, () =>
        buildModule(thisMachine(path.join(tmp, 'work')), { moduleDir: KMOD, log: (l) => lines.push(l) }),
      );
      t.diagnostic(r.summary);
      assert.deepEqual(readdirSync(planted), ['planted'], 'the build wrote into the folder another user made');
      assert.equal(r.ok, true, `${r.summary}\n${r.output}`);
      const root = path.join(cache, 'netlink-workbench', 'kmod-build');
      assert.ok(
        lines.some((l) => l.startsWith(`make -C ${kdir} M=${root}/nlreply-`)),
        lines.slice(0, 3).join('\n'),
      );
      for (const d of [root, ...readdirSync(root).map((n) => path.join(root, n))])
        assert.equal(statSync(d).mode & 0o777, 0o700, d);
      // What the build reports as the .ko's hash is what was uploaded: insmod checks it on the target.
      assert.ok(r.koPath);
      assert.equal(r.koSha256, createHash('sha256').update(readFileSync(r.koPath)).digest('hex'));
      assert.equal(statSync(path.join(tmp, 'work')).mode & 0o777, 0o700, 'the work folder is made 0700');
    },
  );

  test('a build folder that belongs to another user is refused, naming folder and owner, before anything is built', async () => {
    const root = path.join(tmp, 'nobodys-build');
    mkdirSync(root, { mode: 0o700 });
    chownSync(root, NOBODY, NOBODY);
    await assert.rejects(
      buildModule(thisMachine(path.join(tmp, 'work2')), { moduleDir: KMOD, localBuildRoot: root }),
      (e: unknown) => {
        assert.ok(e instanceof KmodError, String(e));
        assert.match(
          e.message,
          new RegExp(
            `^the local build folder ${root} belongs to (nobody \\()?uid ${NOBODY}\\)?, not to root \\(uid 0\\), so it is not used`,
          ),
        );
        return true;
      },
    );
    assert.deepEqual(readdirSync(root), []);
  });

  test('a world-writable build folder is refused', async () => {
    const root = path.join(tmp, 'open-build');
    mkdirSync(root);
    chmodSync(root, 0o777);
    await assert.rejects(
      buildModule(thisMachine(path.join(tmp, 'work3')), { moduleDir: KMOD, localBuildRoot: root }),
      /can be written by every user \(mode 0777\)/,
    );
    assert.deepEqual(readdirSync(root), []);
  });
});
