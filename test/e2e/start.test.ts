// README's run command, as a newcomer runs it: `npm start` (test/e2e/start.sh) builds, starts code-server on
// 127.0.0.1 and prints the address; the page opened there has the extension boot the lab VM; the sample workspace
// holds a copy of the reference module, so "Build Module" and "Load Module" work at once; Ctrl-C stops
// everything it started. The run uses its own folders (NETLINK_START_RUN) so a developer's own `npm start` state
// is not touched, and a user setting put there before the start is still there after it (the user data is kept).
// The tests are the steps of that one start and depend on each other's order (run one at a time, in file order):
// the page needs the printed address, the module the booted lab, and Ctrl-C, last, stops what all of them used.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { LAB_HOST_PACKAGES } from '../../extension/src/lab/hostPackages';
import { prepareKernel } from '../../extension/src/lab/kernel';
import { openBrowser, type BrowserSession } from './harness/browser';
import { groupAlive } from './harness/code-server';
import { commandOf, pidsWith, running } from '../support/processes';
import { ensureAll, ensureAptPackages } from './harness/install';
import { repoRoot, resultsRoot, runsRoot } from './harness/paths';
import { runCommand, shotOnFailure, waitFor, waitForToast } from './harness/workbench';

const RUN = 'start-test';
const screenshots = join(resultsRoot, 'screenshots');
const labCache = (process.env.NETLINK_CACHE ??= join(repoRoot, '.cache'));

/** The process group of `npm start`, and what it printed. */
interface Started {
  readonly child: ChildProcess;
  output: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startScript(): Started {
  const child = spawn('bash', [join(repoRoot, 'test', 'e2e', 'start.sh')], {
    cwd: repoRoot,
    detached: true,
    env: { ...process.env, NETLINK_START_RUN: RUN, NETLINK_CACHE: labCache },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started: Started = {
    child,
    output: '',
    exit: new Promise((resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal }))),
  };
  child.stdout?.on('data', (d: Buffer) => (started.output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (started.output += d.toString()));
  return started;
}

describe('npm start: the product in code-server with the lab target up', () => {
  let started: Started | undefined;
  let browser: BrowserSession | undefined;
  let page: Page;
  let address = '';
  /** QEMU processes that were running before this file started (other tests' VMs are not ours to judge). */
  let qemuBefore = new Set<number>();

  before(
    async () => {
      mkdirSync(screenshots, { recursive: true });
      await ensureAll();
      // Installed and fetched here, outside the tests' timeouts (a kernel download the first time).
      await ensureAptPackages(LAB_HOST_PACKAGES);
      await prepareKernel({ cacheDir: labCache, log: (l) => console.log(`[lab] ${l}`), prefer: 'auto' });
      qemuBefore = new Set(pidsWith('qemu-system-', { program: true }));
      rmSync(join(runsRoot, RUN), { recursive: true, force: true });
      rmSync(join(runsRoot, `${RUN}-workspace`), { recursive: true, force: true });
      // A person's own setting from an earlier start: it must survive this one.
      const userSettings = join(runsRoot, RUN, 'user-data', 'User');
      mkdirSync(userSettings, { recursive: true });
      writeFileSync(join(userSettings, 'settings.json'), JSON.stringify({ 'editor.fontSize': 17 }));
    },
    { timeout: 30 * 60_000 },
  );

  after(
    async () => {
      await browser?.close();
      const pid = started?.child.pid;
      if (pid !== undefined && groupAlive(pid)) process.kill(-pid, 'SIGKILL');
      // code-server runs in a process group of its own: after a test failed before Ctrl-C, it and its extension host
      // (whose end stops the lab VM) would outlive the run.
      for (const p of pidsWith(join(runsRoot, RUN))) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    },
    { timeout: 60_000 },
  );

  const shot = shotOnFailure(() => page, screenshots);

  it('prints the address of the workbench on 127.0.0.1, with the sample workspace', { timeout: 600_000 }, async () => {
    started = startScript();
    const s = started;
    await waitFor(
      'the address line of npm start',
      540_000,
      async () => {
        if (s.child.exitCode !== null) throw new Error(`npm start exited ${s.child.exitCode}:\n${s.output}`);
        return /^\s+http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+$/m.test(s.output);
      },
      () => s.output.slice(-2000),
    );
    address = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(s.output)![1]!;
    const workspace = decodeURI(new URL(address).searchParams.get('folder') ?? '');
    assert.equal(workspace, join(runsRoot, `${RUN}-workspace`));
    for (const f of ['kmod/nlreply.c', 'kmod/Kbuild', 'kmod/exercises/nlreply.yaml', 'rtnetlink.c', 'kernel.log']) {
      assert.ok(existsSync(join(workspace, f)), `${f} in the sample workspace`);
    }
    assert.equal(existsSync(join(workspace, 'kmod', 'nlreply.o')), false, 'no build output copied');
  });

  it(
    'the page opened there boots the lab (status bar "lab: ready")',
    { timeout: 240_000 },
    shot('start-lab', async () => {
      assert.ok(address, 'the address was printed');
      browser = await openBrowser();
      page = browser.page;
      await page.goto(address);
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      await page.locator('.statusbar-item', { hasText: 'lab: ready' }).waitFor({ timeout: 200_000 });
    }),
  );

  it(
    '"Netlink: Build Module" and "Netlink: Load Module (insmod)" work on the sample workspace\'s kmod/',
    { timeout: 240_000 },
    shot('start-module', async () => {
      await runCommand(page, 'Netlink: Build Module');
      await waitForToast(page, /nlreply built: \S+\/nlreply\.ko/, 180_000);
      await runCommand(page, 'Netlink: Load Module (insmod)');
      await waitForToast(page, /nlreply loaded on lab \(.*protocol=31/, 60_000);
    }),
  );

  it("the user's own settings are kept; the run's are added", () => {
    const settings = JSON.parse(
      readFileSync(join(runsRoot, RUN, 'user-data', 'User', 'settings.json'), 'utf8'),
    ) as Record<string, unknown>;
    assert.equal(settings['editor.fontSize'], 17);
    const machine = JSON.parse(
      readFileSync(join(runsRoot, RUN, 'user-data', 'Machine', 'settings.json'), 'utf8'),
    ) as Record<string, unknown>;
    assert.equal(machine['netlink.lab.autoStart'], true);
  });

  it('the workbench sent no request outside 127.0.0.1', () => {
    assert.ok(browser, 'the page was opened');
    assert.deepEqual(browser.outsideRequests, []);
  });

  it('Ctrl-C stops code-server, the extension host and the lab VM', { timeout: 90_000 }, async () => {
    await browser?.close();
    browser = undefined;
    const s = started;
    assert.ok(s?.child.pid !== undefined, 'npm start is running');
    const pid = s.child.pid;
    const origin = new URL(address).origin;
    const ours = pidsWith(join(runsRoot, RUN));
    // This start's VM: new since the file began, and booted from this run's cache (another run's tests on the same
    // machine may start VMs of their own meanwhile).
    const vms = pidsWith('qemu-system-', { program: true }).filter(
      (p) => !qemuBefore.has(p) && commandOf(p).includes(`${labCache}/`),
    );
    assert.ok(ours.length > 0, "code-server and its extension host run from the run's folders");
    assert.equal(vms.length, 1, 'the lab VM that the page booted');
    // What a terminal's Ctrl-C does: SIGINT to the foreground process group.
    process.kill(-pid, 'SIGINT');
    const exit = await Promise.race([s.exit, new Promise<'late'>((r) => setTimeout(() => r('late'), 60_000))]);
    assert.notEqual(exit, 'late', `npm start still running 60 s after Ctrl-C:\n${s.output.slice(-2000)}`);
    const alive = (): number[] => [...ours, ...vms].filter(running);
    await waitFor(
      'code-server, the extension host and QEMU gone',
      20_000,
      async () => alive().length === 0 && !groupAlive(pid),
      () => `still there: ${alive().join(', ')}`,
    );
    const answer = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(3_000) }).then(
      () => 'answered',
      () => 'refused',
    );
    assert.equal(answer, 'refused', 'code-server no longer answers');
    assert.match(s.output, /SIGINT: stopping what was started/);
  });
});
