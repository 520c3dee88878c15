// Workspace Trust in a real VS Code: this suite runs in its own code-server session with trust on and a folder no
// one trusted (run-in-code-server.ts: the "untrusted" run). That folder's .vscode/settings.json chooses an SSH
// target; VS Code must ignore it (restricted settings), and every command that would run something on a target
// must refuse, say why, and contact nothing.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExerciseStepOutcome } from '../../../extension/src/exercise/testController';
import { delay, extensionApi, extensionId } from '../helpers';
import { describe, it } from '../runner';
import { RESTRICTED_IN_FOLDER } from '../untrusted-settings';

/** Commands that run something on a target: enabled only in a trusted workspace. */
const TARGET_COMMANDS = [
  'netlink.connectTarget',
  'netlink.buildModule',
  'netlink.loadModule',
  'netlink.unloadModule',
  'netlink.showKernelLog',
  'netlink.runExercise',
  'netlink.refreshSockets',
];

interface CommandContribution {
  command: string;
  enablement?: string;
}

interface ManifestTrust {
  contributes: { commands: CommandContribution[] };
  capabilities?: { untrustedWorkspaces?: { supported: boolean | 'limited'; restrictedConfigurations?: string[] } };
}

function repoPath(...parts: string[]): string {
  const ext = vscode.extensions.getExtension(extensionId);
  if (!ext) throw new Error(`extension ${extensionId} is not loaded`);
  return path.join(ext.extensionPath, ...parts);
}

/** Runs a command that must return at once (no quick pick, no prompt waiting for a person). */
async function runRefused<T>(command: string, ...args: unknown[]): Promise<T | undefined> {
  return Promise.race([
    Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)),
    delay(20_000).then(() => Promise.reject(new Error(`${command} did not return in an untrusted workspace: it waits for something`))),
  ]);
}

describe('untrusted workspace', () => {
  it('opens untrusted; the folder\'s target settings are ignored and the status bar says targets stay off', async () => {
    const api = await extensionApi();
    assert.equal(vscode.workspace.isTrusted, false, 'the run must open the folder untrusted (Workspace Trust on)');
    const netlink = vscode.workspace.getConfiguration('netlink');
    // The folder's settings file is read (its unrestricted setting applies), but its target choice is not: VS Code
    // hands out the defaults for restricted settings (and hides the folder's value even from inspect()).
    assert.equal(netlink.get('inlayHints.enabled'), false, 'the folder settings were not read');
    assert.equal(netlink.inspect('activeTarget')?.workspaceValue, undefined);
    assert.equal(netlink.get('activeTarget'), 'lab');
    assert.deepEqual(netlink.get('targets'), []);
    const shown = api.targetStatus();
    assert.equal(shown.text, '$(circle-outline) lab');
    assert.match(shown.tooltip, /Untrusted workspace: targets are not contacted\./);
  });

  it('module, exercise, sockets and target commands refuse with a reason and contact nothing', async () => {
    const api = await extensionApi();
    const netlink = vscode.workspace.getConfiguration('netlink');
    // A module folder that exists (a user setting: allowed untrusted), so the refusal is about trust and nothing else.
    await netlink.update('module.folder', repoPath('kmod'), vscode.ConfigurationTarget.Global);
    try {
      const before = api.socketsView();
      assert.equal(await runRefused('netlink.buildModule'), undefined);
      assert.equal(await runRefused('netlink.loadModule'), undefined);
      assert.equal(await runRefused('netlink.unloadModule'), undefined);
      await runRefused('netlink.connectTarget');
      await runRefused('netlink.selectTarget');
      await runRefused('netlink.refreshSockets');
      assert.deepEqual(api.socketsView(), before, 'the sockets view was not read');
      const outcomes = await runRefused<ExerciseStepOutcome[]>('netlink.runExercise', vscode.Uri.file(repoPath('kmod', 'exercises', 'nlreply.yaml')));
      assert.ok(outcomes && outcomes.length > 0, 'the exercise was discovered and reported');
      for (const o of outcomes) {
        assert.equal(o.status, 'error', `${o.step}: ran in an untrusted workspace`);
        assert.match(o.message ?? '', /needs a trusted workspace/);
      }
      assert.deepEqual(api.refusedActions(), [
        'Module commands', 'Module commands', 'Module commands',
        'Connecting to target "lab"', 'Choosing a target', 'Listing the target\'s sockets', 'Running exercises',
      ]);
      // Nothing was contacted: the target is as it started.
      assert.equal(api.targetStatus().text, '$(circle-outline) lab');
    } finally {
      await netlink.update('module.folder', undefined, vscode.ConfigurationTarget.Global);
    }
  }, 120_000);

  it('the manifest gates those commands on isWorkspaceTrusted and restricts the target settings', () => {
    const ext = vscode.extensions.getExtension(extensionId);
    if (!ext) throw new Error(`extension ${extensionId} is not loaded`);
    const manifest = ext.packageJSON as ManifestTrust;
    const enablement = Object.fromEntries(manifest.contributes.commands.map((c) => [c.command, c.enablement]));
    assert.deepEqual(TARGET_COMMANDS.filter((c) => enablement[c] !== 'isWorkspaceTrusted'), [], 'commands without enablement "isWorkspaceTrusted"');
    const trust = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(trust?.supported, 'limited');
    for (const key of RESTRICTED_IN_FOLDER) assert.ok(trust?.restrictedConfigurations?.includes(key), `${key} is not restricted`);
  });
});
