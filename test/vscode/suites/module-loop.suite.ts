// The module-development loop in a real VS Code, through the extension's own commands and nothing else: boot the
// lab VM (netlink.startLab), build the reference module against the lab kernel's headers (netlink.buildModule,
// build mode local-headers: the lab has no compiler), insmod it (netlink.loadModule), run the shipped exercise
// through the Test Explorer's controller (netlink.runExercise), rmmod it and stop the lab. The steps share one
// VM, so each needs the ones before it; the last one stops the lab whatever happened before (the suite's finally).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExerciseStepOutcome } from '../../../extension/src/exercise/testController';
import type { BuildResult } from '../../../extension/src/kmod/build';
import type { LoadResult, UnloadResult } from '../../../extension/src/kmod/commands';
import type { LabVm } from '../../../extension/src/lab/labVm';
import { activateExtension, extensionId } from '../helpers';
import { describe, it } from '../runner';

/** Boot from the cached kernel and initramfs without KVM (TCG) on a busy 2-core machine, with margin. */
const BOOT_MS = 150_000;
/** kbuild of one small module against the Debian headers, then the upload. */
const BUILD_MS = 120_000;
/** insmod, or the first helper deployment plus the exercise's five exchanges. */
const STEP_MS = 60_000;

/** How long the last step waits for a boot that is still running before it stops the lab anyway. */
const STOP_WAIT_MS = 60_000;

/** The steps of kmod/exercises/nlreply.yaml: all of them must run and pass. */
const EXERCISE_STEPS = 5;

interface LoopState {
  /** The startLab command while it runs: the last step waits for a boot that outlived its test's timeout. */
  starting?: Promise<LabVm | undefined>;
  lab?: LabVm;
  built?: BuildResult;
  loaded?: LoadResult;
}

const state: LoopState = {};

function repoPath(...parts: string[]): string {
  const ext = vscode.extensions.getExtension(extensionId);
  if (!ext) throw new Error(`extension ${extensionId} is not loaded`);
  // The extension under test is the repository itself (extensionDevelopmentPath): kmod/ is next to dist/.
  return path.join(ext.extensionPath, ...parts);
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`not run: ${what} failed earlier`);
  return value;
}

/** The user-level settings this suite sets, put back at the end so later suites see the defaults. */
const SETTINGS = ['activeTarget', 'module.folder'] as const;

describe('module loop in the lab VM through the extension commands', () => {
  it('netlink.startLab boots the lab VM and resolves once it answers SSH', async () => {
    await activateExtension();
    const netlink = vscode.workspace.getConfiguration('netlink');
    await netlink.update('activeTarget', 'lab', vscode.ConfigurationTarget.Global);
    // Absolute: the opened workspace is test/fixtures/e2e, the module is the repository's kmod/.
    await netlink.update('module.folder', repoPath('kmod'), vscode.ConfigurationTarget.Global);
    state.starting = Promise.resolve(vscode.commands.executeCommand<LabVm | undefined>('netlink.startLab'));
    const vm = await state.starting;
    assert.ok(vm, 'netlink.startLab resolved without a VM: the boot failed (the Netlink output channel says why)');
    assert.equal(vm.state, 'ready');
    assert.match(vm.kernelRelease, /^\d+\.\d+/);
    state.lab = vm;
  }, BOOT_MS);

  it('netlink.buildModule builds nlreply against the lab kernel headers and uploads the .ko', async () => {
    const vm = need(state.lab, 'starting the lab');
    const r = await vscode.commands.executeCommand<BuildResult | undefined>('netlink.buildModule');
    assert.ok(r, 'netlink.buildModule failed before kbuild ran (the Netlink output channel says why)');
    assert.equal(r.ok, true, `${r.summary}\n${r.output.split('\n').slice(-20).join('\n')}`);
    assert.equal(r.mode, 'local-headers', 'the lab has no compiler: its modules are built here against its headers');
    assert.equal(r.moduleName, 'nlreply');
    assert.match(r.koPath ?? '', /\/kmod-[0-9a-f]+\/nlreply\.ko$/);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(vm.headersDir.length > 0);
    state.built = r;
  }, BUILD_MS);

  it('netlink.loadModule insmods that build (a fresh VM: no reload prompt)', async () => {
    const built = need(state.built, 'the build');
    const r = await vscode.commands.executeCommand<LoadResult | undefined>('netlink.loadModule');
    assert.ok(r, 'netlink.loadModule loaded nothing (the Netlink output channel says why)');
    assert.equal(r.moduleName, 'nlreply');
    assert.equal(r.koPath, built.koPath, 'the .ko the build uploaded is the one loaded');
    // The module's own view of its parameters, read back from sysfs: it serves protocol 31.
    assert.equal(r.parameters['protocol'], '31');
    state.loaded = r;
  }, STEP_MS);

  it('netlink.runExercise runs kmod/exercises/nlreply.yaml through the Test Explorer: every step passes', async () => {
    need(state.loaded, 'loading the module');
    const file = vscode.Uri.file(repoPath('kmod', 'exercises', 'nlreply.yaml'));
    const outcomes = await vscode.commands.executeCommand<ExerciseStepOutcome[] | undefined>('netlink.runExercise', file);
    assert.ok(outcomes, `netlink.runExercise ran nothing: ${file.fsPath} was not discovered in the module folder`);
    const failed = outcomes.filter((o) => o.status !== 'pass');
    assert.deepEqual(failed.map((o) => `${o.step}: ${o.status}: ${o.message}`), [], 'steps that did not pass');
    assert.equal(outcomes.length, EXERCISE_STEPS, `steps run: ${outcomes.map((o) => o.step).join('; ')}`);
    assert.ok(outcomes.every((o) => o.exercise === 'nlreply'));
  }, STEP_MS);

  it('netlink.unloadModule rmmods it, and a second unload finds nothing loaded', async () => {
    need(state.loaded, 'loading the module');
    const first = await vscode.commands.executeCommand<UnloadResult | undefined>('netlink.unloadModule');
    assert.deepEqual(first, { moduleName: 'nlreply', wasLoaded: true });
    state.loaded = undefined;
    const second = await vscode.commands.executeCommand<UnloadResult | undefined>('netlink.unloadModule');
    assert.deepEqual(second, { moduleName: 'nlreply', wasLoaded: false });
  }, STEP_MS);

  // Always runs: the suite's finally. Stops the VM even when a step above failed or timed out.
  it('netlink.stopLab powers the VM off', async () => {
    try {
      // A boot still running would come up after stopLab and outlive the test: let it finish (or fail) first.
      if (state.starting) await Promise.race([state.starting.catch(() => undefined), new Promise((r) => setTimeout(r, STOP_WAIT_MS))]);
      await vscode.commands.executeCommand('netlink.stopLab');
      if (state.lab) assert.equal(state.lab.state, 'stopped');
    } finally {
      const netlink = vscode.workspace.getConfiguration('netlink');
      for (const key of SETTINGS) await netlink.update(key, undefined, vscode.ConfigurationTarget.Global);
      state.lab = undefined;
    }
  }, STOP_WAIT_MS + STEP_MS);
});
