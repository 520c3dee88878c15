// The module-development loop in a real VS Code, through the extension's own commands and nothing else: boot the
// lab VM (netlink.startLab; the target status bar shows it connected), build a copy of the reference module
// against the lab kernel's headers (netlink.buildModule, build mode local-headers: the lab has no compiler) first
// with a deliberate error (Problems shows it on the line) and then fixed (Problems cleared), insmod it
// (netlink.loadModule; the status bar shows it loaded), run the shipped exercise through the Test Explorer's
// controller (netlink.runExercise), list the lab's netlink sockets (the Netlink Sockets view), rmmod it; then the
// generic netlink template: netlink.newModule('genl') into the workspace, its spec edited, Build Module regenerating
// its tables with the YNL generator it finds itself (no setting), load, its exercise, the hover decoding a genldemo
// request by the edited spec, rmmod; and stop the lab. The steps share one VM, so each needs the ones before it; the last one stops the lab whatever happened
// before (the suite's finally). The lab boot costs minutes on 2 cores: everything that needs a lab is here.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExerciseStepOutcome } from '../../../extension/src/exercise/testController';
import type { BuildResult } from '../../../extension/src/module/build';
import type { LoadResult, UnloadResult } from '../../../extension/src/module/commands';
import type { LabVm } from '../../../extension/src/lab/labVm';
import type { NetlinkExtensionApi } from '../../../extension/src/extension';
import { extensionApi, extensionId, hoverUntil, waitFor } from '../helpers';
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

/** After a boot the extension connects to the lab and deploys its helper there (a static build upload). */
const CONNECT_MS = 90_000;

/** The identifier the broken build uses: declared nowhere. */
const UNDECLARED = 'nlreply_no_such_symbol';

interface LoopState {
  api?: NetlinkExtensionApi;
  /** The copy of kmod/ this suite builds (the module folder setting points at it): the repository stays clean. */
  moduleDir?: string;
  /** nlreply.c of the copy as shipped, while the copy holds the broken version. */
  broken?: { file: string; original: string; line: number };
  /** The startLab command while it runs: the last step waits for a boot that outlived its test's timeout. */
  starting?: Promise<LabVm | undefined>;
  lab?: LabVm;
  built?: BuildResult;
  loaded?: LoadResult;
  /** The module netlink.newModule('genl') created in the workspace. */
  genlDir?: string;
  genlBuilt?: BuildResult;
  genlLoaded?: boolean;
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
const SETTINGS = ['activeTarget', 'module.folder', 'decoder.genlFamilyIds'] as const;

function statusNow(api: NetlinkExtensionApi): string {
  return JSON.stringify(api.targetStatus());
}

/** The rows under `label` in the Netlink Sockets view (labels and descriptions of its sockets). */
function socketRows(api: NetlinkExtensionApi, label: string): { label: string; description: string }[] {
  const group = api.socketsView().find((r) => r.label === label);
  if (!group)
    throw new Error(
      `no "${label}" in the Netlink Sockets view: ${api
        .socketsView()
        .map((r) => r.label)
        .join(', ')}`,
    );
  return group.children.map((c) => ({ label: c.label, description: c.description }));
}

describe('module loop in the lab VM through the extension commands', () => {
  it(
    'netlink.startLab boots the lab VM and resolves once it answers SSH',
    async () => {
      state.api = await extensionApi();
      const netlink = vscode.workspace.getConfiguration('netlink');
      await netlink.update('activeTarget', 'lab', vscode.ConfigurationTarget.Global);
      // A copy of the repository's kmod/ (named kmod, like the original), absolute: the opened workspace has none.
      state.moduleDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'netlink-module-loop-')), 'kmod');
      cpSync(repoPath('kmod'), state.moduleDir, { recursive: true });
      await netlink.update('module.folder', state.moduleDir, vscode.ConfigurationTarget.Global);
      state.starting = Promise.resolve(vscode.commands.executeCommand<LabVm | undefined>('netlink.startLab'));
      const vm = await state.starting;
      assert.ok(vm, 'netlink.startLab resolved without a VM: the boot failed (the Netlink output channel says why)');
      assert.equal(vm.state, 'ready');
      assert.match(vm.kernelRelease, /^\d+\.\d+/);
      state.lab = vm;
    },
    BOOT_MS,
  );

  it(
    'the target status bar shows the lab connected once it is up',
    async () => {
      const api = need(state.api, 'activating the extension');
      need(state.lab, 'starting the lab');
      await waitFor(
        'status bar: lab connected',
        CONNECT_MS,
        () => api.targetStatus().text === '$(pass) lab',
        () => statusNow(api),
      );
      const { tooltip } = api.targetStatus();
      assert.match(tooltip, /^Netlink target "lab" connected: connected to \S+ \(lab VM\), helper /);
      assert.doesNotMatch(tooltip, /nlreply loaded/);
    },
    CONNECT_MS + 10_000,
  );

  it(
    'netlink.buildModule with an undeclared identifier: an Error in Problems on that line and word of the module file',
    async () => {
      need(state.lab, 'starting the lab');
      const dir = need(state.moduleDir, 'copying kmod/');
      const file = path.join(dir, 'nlreply.c');
      const original = readFileSync(file, 'utf8');
      const lines = original.split('\n');
      // Into the first function's body: the line after `static int nlreply_counter_get(...)` and its `{`.
      const fn = lines.findIndex((l) => l.startsWith('static int nlreply_counter_get('));
      assert.ok(fn >= 0 && lines[fn + 1] === '{', 'kmod/nlreply.c changed: nlreply_counter_get( and its { not found');
      const line = fn + 2;
      lines.splice(line, 0, `\t${UNDECLARED}++;`);
      writeFileSync(file, lines.join('\n'));
      state.broken = { file, original, line };
      const r = await vscode.commands.executeCommand<BuildResult | undefined>('netlink.buildModule');
      assert.ok(r, 'netlink.buildModule failed before kbuild ran (the Netlink output channel says why)');
      assert.equal(r.ok, false, 'a module using an undeclared identifier built');
      // One error, as Problems shows it (make's "*** Error" echoes are not counted), named with the local line.
      assert.match(
        r.summary,
        new RegExp(`^nlreply did not build \\(make exited 2, 1 error; first: nlreply\\.c:${line + 1}: .*${UNDECLARED}`),
      );
      const errors = vscode.languages
        .getDiagnostics(vscode.Uri.file(file))
        .filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
      const shown = errors.map(
        (d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.character + 1} ${d.message}`,
      );
      const hit = errors.find((d) => d.range.start.line === line && d.message.includes(UNDECLARED));
      assert.ok(
        hit,
        `no Error on ${file}:${line + 1} naming ${UNDECLARED}; errors there: ${shown.join('; ') || 'none'}`,
      );
      assert.equal(errors.length, 1, `one mistake, one Error: ${shown.join('; ')}`);
      assert.match(hit.message, /undeclared/);
      // The underline is the identifier itself (gcc's display column, after a tab, mapped to the character).
      assert.equal(lines[line]?.slice(hit.range.start.character, hit.range.end.character), UNDECLARED);
      assert.equal(hit.range.end.line, line);
    },
    BUILD_MS,
  );

  it(
    'netlink.buildModule builds nlreply against the lab kernel headers and uploads the .ko',
    async () => {
      const vm = need(state.lab, 'starting the lab');
      // The fix for the step above (when it ran): the shipped source again, and its Problems entry goes away.
      if (state.broken) {
        writeFileSync(state.broken.file, state.broken.original);
      }
      const r = await vscode.commands.executeCommand<BuildResult | undefined>('netlink.buildModule');
      assert.ok(r, 'netlink.buildModule failed before kbuild ran (the Netlink output channel says why)');
      assert.equal(r.ok, true, `${r.summary}\n${r.output.split('\n').slice(-20).join('\n')}`);
      assert.equal(r.mode, 'local-headers', 'the lab has no compiler: its modules are built here against its headers');
      assert.equal(r.moduleName, 'nlreply');
      assert.match(r.koPath ?? '', /\/kmod-[0-9a-f]+\/nlreply\.ko$/);
      assert.deepEqual(
        r.diagnostics.filter((d) => d.severity === 'error'),
        [],
      );
      assert.ok(vm.headersDir.length > 0);
      if (state.broken) {
        const left = vscode.languages
          .getDiagnostics(vscode.Uri.file(state.broken.file))
          .filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
        assert.deepEqual(
          left.map((d) => d.message),
          [],
          'the fixed build left Errors in Problems',
        );
        state.broken = undefined;
      }
      state.built = r;
    },
    BUILD_MS,
  );

  it(
    'netlink.loadModule insmods that build (a fresh VM: no reload prompt)',
    async () => {
      const built = need(state.built, 'the build');
      const r = await vscode.commands.executeCommand<LoadResult | undefined>('netlink.loadModule');
      assert.ok(r, 'netlink.loadModule loaded nothing (the Netlink output channel says why)');
      assert.equal(r.moduleName, 'nlreply');
      assert.equal(r.koPath, built.koPath, 'the .ko the build uploaded is the one loaded');
      // The module's own view of its parameters, read back from sysfs: it serves protocol 31.
      assert.equal(r.parameters['protocol'], '31');
      state.loaded = r;
      // The status bar follows: the module is loaded on the active target.
      const api = need(state.api, 'activating the extension');
      await waitFor(
        'status bar: nlreply loaded',
        30_000,
        () => api.targetStatus().text === '$(pass) lab $(package)',
        () => statusNow(api),
      );
      assert.match(api.targetStatus().tooltip, /^Netlink target "lab" connected: .*, nlreply loaded/);
    },
    STEP_MS,
  );

  it(
    'netlink.runExercise runs kmod/exercises/nlreply.yaml through the Test Explorer: every step passes',
    async () => {
      need(state.loaded, 'loading the module');
      const file = vscode.Uri.file(path.join(need(state.moduleDir, 'copying kmod/'), 'exercises', 'nlreply.yaml'));
      const outcomes = await vscode.commands.executeCommand<ExerciseStepOutcome[] | undefined>(
        'netlink.runExercise',
        file,
      );
      assert.ok(outcomes, `netlink.runExercise ran nothing: ${file.fsPath} was not discovered in the module folder`);
      const failed = outcomes.filter((o) => o.status !== 'pass');
      assert.deepEqual(
        failed.map((o) => `${o.step}: ${o.status}: ${o.message}`),
        [],
        'steps that did not pass',
      );
      assert.equal(outcomes.length, EXERCISE_STEPS, `steps run: ${outcomes.map((o) => o.step).join('; ')}`);
      assert.ok(outcomes.every((o) => o.exercise === 'nlreply'));
    },
    STEP_MS,
  );

  it(
    "the Netlink Sockets view lists the module's kernel socket and the helper's own, by protocol name",
    async () => {
      need(state.loaded, 'loading the module');
      const api = need(state.api, 'activating the extension');
      await vscode.commands.executeCommand('netlink.refreshSockets');
      const nlreply = socketRows(api, 'nlreply (31)');
      // The module's kernel socket (port id 0) and the helper's, left open by the exercise (port id > 0, "PID nlhelper").
      assert.ok(
        nlreply.some((r) => r.label === 'port 0' && r.description.startsWith('kernel')),
        `protocol 31: ${JSON.stringify(nlreply)}`,
      );
      assert.ok(
        nlreply.some((r) => /^port [1-9]\d*$/.test(r.label) && /^\d+ nlhelper\b/.test(r.description)),
        `protocol 31: ${JSON.stringify(nlreply)}`,
      );
      // Every kernel has rtnetlink's own socket: named protocols, not numbers.
      const route = socketRows(api, 'route (0)');
      assert.ok(
        route.some((r) => r.label === 'port 0' && r.description.startsWith('kernel')),
        `route: ${JSON.stringify(route)}`,
      );
      assert.ok(
        api.socketsView().every((r) => /^[a-z_0-9]+ \(\d+\)$/.test(r.label)),
        api
          .socketsView()
          .map((r) => r.label)
          .join(', '),
      );
    },
    STEP_MS,
  );

  it(
    'netlink.unloadModule rmmods it, and a second unload finds nothing loaded',
    async () => {
      need(state.loaded, 'loading the module');
      const first = await vscode.commands.executeCommand<UnloadResult | undefined>('netlink.unloadModule');
      assert.deepEqual(first, { moduleName: 'nlreply', wasLoaded: true });
      state.loaded = undefined;
      const second = await vscode.commands.executeCommand<UnloadResult | undefined>('netlink.unloadModule');
      assert.deepEqual(second, { moduleName: 'nlreply', wasLoaded: false });
      const api = need(state.api, 'activating the extension');
      await waitFor(
        'status bar: nlreply not loaded',
        30_000,
        () => api.targetStatus().text === '$(pass) lab',
        () => statusNow(api),
      );
    },
    STEP_MS,
  );

  // The generic netlink template on the same VM: created by netlink.newModule('genl'), its spec edited, its
  // tables regenerated by Build Module with the generator it finds itself (no setting; Debian's, in the cache).
  it(
    "netlink.newModule('genl') copies the generic netlink template into a fresh folder of the workspace",
    async () => {
      const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      assert.ok(root, 'no workspace folder');
      const dir = path.join(root, 'mymodule');
      assert.equal(existsSync(dir), false, `${dir} exists before the command ran`);
      // The folder name is asked in an input box (default "mymodule"), then "Use It?" in a notification.
      const created = vscode.commands.executeCommand('netlink.newModule', 'genl');
      await waitFor(
        'the genl template copied',
        20_000,
        async () => {
          await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
          return existsSync(path.join(dir, 'genldemo-main.c'));
        },
        () => `no ${dir}/genldemo-main.c`,
      );
      await vscode.commands.executeCommand('notifications.clearAll');
      await created;
      assert.equal(vscode.workspace.getConfiguration('netlink').get('module.ynlGenerator') ?? '', '');
      await vscode.workspace
        .getConfiguration('netlink')
        .update('module.folder', dir, vscode.ConfigurationTarget.Global);
      state.genlDir = dir;
    },
    STEP_MS,
  );

  it(
    'netlink.buildModule after a spec edit regenerates the tables with the generator it found and builds genldemo',
    async () => {
      need(state.lab, 'starting the lab');
      const dir = need(state.genlDir, 'the new genl module');
      const spec = path.join(dir, 'genldemo.yaml');
      const text = readFileSync(spec, 'utf8');
      // A check changed (meta color at most 5, was 7) and an attribute added to the entry set (the hover below).
      const edited = text
        .replace('checks:\n          max: 7', 'checks:\n          max: 5')
        .replace(
          '        name: meta\n        type: nest\n        nested-attributes: meta\n',
          '        name: meta\n        type: nest\n        nested-attributes: meta\n      -\n        name: extra\n        type: u32\n',
        );
      assert.notEqual(edited, text);
      assert.match(edited, /name: extra/);
      writeFileSync(spec, edited);
      const r = await vscode.commands.executeCommand<BuildResult | undefined>('netlink.buildModule');
      assert.ok(r, 'netlink.buildModule failed before kbuild ran (the Netlink output channel says why)');
      assert.equal(r.ok, true, `${r.summary}\n${r.output.split('\n').slice(-20).join('\n')}`);
      assert.equal(r.moduleName, 'genldemo');
      assert.match(readFileSync(path.join(dir, 'genldemo-nl.c'), 'utf8'), /NLA_POLICY_MAX\(NLA_U8, 5\)/);
      assert.match(readFileSync(path.join(dir, 'include/uapi/linux/genldemo.h'), 'utf8'), /GENLDEMO_A_ENTRY_EXTRA/);
      state.genlBuilt = r;
    },
    BUILD_MS,
  );

  it(
    'netlink.loadModule insmods genldemo and its exercise passes through the Test Explorer',
    async () => {
      const built = need(state.genlBuilt, 'the genl build');
      const dir = need(state.genlDir, 'the new genl module');
      const loaded = await vscode.commands.executeCommand<LoadResult | undefined>('netlink.loadModule');
      assert.ok(loaded, 'netlink.loadModule loaded nothing (the Netlink output channel says why)');
      assert.equal(loaded.moduleName, 'genldemo');
      assert.equal(loaded.koPath, built.koPath);
      state.genlLoaded = true;
      const file = vscode.Uri.file(path.join(dir, 'exercises', 'genldemo.yaml'));
      const outcomes = await vscode.commands.executeCommand<ExerciseStepOutcome[] | undefined>(
        'netlink.runExercise',
        file,
      );
      assert.ok(outcomes && outcomes.length > 0, `netlink.runExercise ran nothing for ${file.fsPath}`);
      assert.deepEqual(
        outcomes.filter((o) => o.status !== 'pass').map((o) => `${o.step}: ${o.status}: ${o.message}`),
        [],
        'steps that did not pass',
      );
    },
    STEP_MS * 2,
  );

  it("the hover decodes a genldemo request by the module folder's edited spec", async () => {
    const dir = need(state.genlDir, 'the new genl module');
    // Family id 29 bound by the setting (a capture without nlctrl's reply); the bytes: GET with id 7 and the
    // attribute the edit added (type 5, after meta: 42).
    await vscode.workspace
      .getConfiguration('netlink')
      .update('decoder.genlFamilyIds', { genldemo: 29 }, vscode.ConfigurationTarget.Global);
    const log = path.join(dir, 'genldemo.log');
    writeFileSync(
      log,
      'genldemo: tx 24 00 00 00 1d 00 01 00 01 00 00 00 00 00 00 00 01 01 00 00 08 00 01 00 07 00 00 00 08 00 05 00 2a 00 00 00\n',
    );
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(log));
    await vscode.window.showTextDocument(doc);
    await hoverUntil(
      doc.uri,
      new vscode.Position(0, 'genldemo: tx 24 00 00 00 1'.length),
      ['genldemo get', /\bextra = 42\b/],
      45_000,
    );
  }, 60_000);

  it(
    'netlink.unloadModule rmmods genldemo',
    async () => {
      if (!state.genlLoaded) throw new Error('not run: loading genldemo failed earlier');
      const r = await vscode.commands.executeCommand<UnloadResult | undefined>('netlink.unloadModule');
      assert.deepEqual(r, { moduleName: 'genldemo', wasLoaded: true });
      state.genlLoaded = false;
    },
    STEP_MS,
  );

  // Always runs: the suite's finally. Stops the VM even when a step above failed or timed out.
  it(
    'netlink.stopLab powers the VM off',
    async () => {
      try {
        // A boot still running would come up after stopLab and outlive the test: let it finish (or fail) first.
        if (state.starting)
          await Promise.race([state.starting.catch(() => undefined), new Promise((r) => setTimeout(r, STOP_WAIT_MS))]);
        await vscode.commands.executeCommand('netlink.stopLab');
        if (state.lab) assert.equal(state.lab.state, 'stopped');
      } finally {
        const netlink = vscode.workspace.getConfiguration('netlink');
        for (const key of SETTINGS) await netlink.update(key, undefined, vscode.ConfigurationTarget.Global);
        if (state.moduleDir) rmSync(path.dirname(state.moduleDir), { recursive: true, force: true });
        state.lab = undefined;
      }
    },
    STOP_WAIT_MS + STEP_MS,
  );
});
