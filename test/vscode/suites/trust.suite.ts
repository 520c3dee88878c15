// Workspace Trust in a real VS Code: this suite runs in its own code-server session with trust on and a folder no
// one trusted (run-in-code-server.ts: the "untrusted" run). That folder's .vscode/settings.json chooses an SSH
// target, turns on the lab's autoStart and names a spec folder; VS Code must ignore those (restricted settings),
// every command that would run something on a target or boot the lab must refuse, say why, and contact nothing,
// and the folder's own spec files (a kernel tree's Documentation/netlink/specs) must not be read.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, type CommandSpec } from '../../../extension/src/commands';
import { LabState } from '../../../extension/src/lab/labVm';
import {
  decodedEditor,
  delay,
  extensionApi,
  extensionId,
  hoverUntil,
  openFixture,
  positionOf,
  qemuUnderThisHost,
} from '../helpers';
import { describe, it } from '../runner';
import { RESTRICTED_IN_FOLDER } from '../untrusted-settings';
import { KERNEL_TREE_FAMILY, LOG_ANCHORS, LOG_FILE, SETTING_FAMILY } from '../workspace-specs';

/** Commands that run something on a target or boot the lab VM here: enabled only in a trusted workspace. */
const TARGET_COMMANDS = [
  'netlink.startLab',
  'netlink.connectTarget',
  'netlink.buildModule',
  'netlink.loadModule',
  'netlink.unloadModule',
  'netlink.showKernelLog',
  'netlink.runExercise',
  'netlink.refreshSockets',
];

/** Every command the table says refuses in an untrusted workspace. */
const REFUSING: readonly string[] = (Object.values(COMMANDS) as CommandSpec[])
  .filter((c) => c.untrusted)
  .map((c) => c.id);

interface CommandContribution {
  command: string;
  enablement?: string;
}

interface ManifestTrust {
  contributes: { commands: CommandContribution[]; configuration: { properties: Record<string, { scope?: string }> } };
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
    delay(20_000).then(() =>
      Promise.reject(new Error(`${command} did not return in an untrusted workspace: it waits for something`)),
    ),
  ]);
}

describe('untrusted workspace', () => {
  it("opens untrusted; the folder's target settings are ignored and the status bar says targets stay off", async () => {
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
    // Other tests refuse things too: only this test's refusals count here, whichever ran before it.
    const refusedBefore = api.refusedActions().length;
    try {
      const before = api.socketsView();
      assert.equal(await runRefused('netlink.buildModule'), undefined);
      assert.equal(await runRefused('netlink.loadModule'), undefined);
      assert.equal(await runRefused('netlink.unloadModule'), undefined);
      await runRefused('netlink.connectTarget');
      await runRefused('netlink.selectTarget');
      await runRefused('netlink.refreshSockets');
      assert.deepEqual(api.socketsView(), before, 'the sockets view was not read');
      assert.equal(
        await runRefused('netlink.runExercise', vscode.Uri.file(repoPath('kmod', 'exercises', 'nlreply.yaml'))),
        undefined,
      );
      assert.deepEqual(api.refusedActions().slice(refusedBefore), [
        'Module commands',
        'Module commands',
        'Module commands',
        'Connecting to the target',
        'Choosing a target',
        "Listing the target's sockets",
        'Running exercises',
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
    assert.deepEqual(
      TARGET_COMMANDS.filter((c) => enablement[c] !== 'isWorkspaceTrusted'),
      [],
      'commands without enablement "isWorkspaceTrusted"',
    );
    // ...and every one of them refuses when called anyway (another extension, a test): the table's gate.
    assert.deepEqual(
      TARGET_COMMANDS.filter((c) => !REFUSING.includes(c)),
      [],
      'commands the table lets run untrusted',
    );
    const trust = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(trust?.supported, 'limited');
    for (const key of RESTRICTED_IN_FOLDER)
      assert.ok(trust?.restrictedConfigurations?.includes(key), `${key} is not restricted`);
    // Settings that name what runs on this machine: never from a workspace, trusted or not.
    const props = manifest.contributes.configuration.properties;
    for (const key of ['netlink.lab.autoStart', 'netlink.ssh.path', 'netlink.ssh.configFile'])
      assert.equal(props[key]?.scope, 'machine', `${key} scope`);
  });

  it('the lab VM does not boot: autoStart true in the folder and machine settings, netlink.startLab refused', async () => {
    const api = await extensionApi();
    assert.equal(
      vscode.workspace.getConfiguration('netlink').inspect('lab.autoStart')?.globalValue,
      true,
      "this session's machine settings turn autoStart on",
    );
    await runRefused('netlink.startLab');
    // A boot shows in the state at once (booting: packages checked, then QEMU under this extension host); watch a while.
    const until = Date.now() + 5000;
    do {
      assert.equal(api.labState(), LabState.Stopped, 'the lab started in an untrusted workspace');
      assert.deepEqual(qemuUnderThisHost(), [], 'QEMU runs under this extension host');
      await delay(250);
    } while (Date.now() < until);
  }, 30_000);

  it("the folder's own specs are not read: its families decode in neither a hover nor a decode report", async () => {
    await extensionApi();
    const doc = (await openFixture(LOG_FILE)).document;
    for (const anchor of Object.values(LOG_ANCHORS)) {
      const protocol = anchor.split('=')[1];
      // Decoded (the server answered with its registry loaded) but as a bare protocol message: no family of the folder.
      const text = await hoverUntil(doc.uri, positionOf(doc, anchor, '10 00', 1), [`protocol ${protocol} type 16`]);
      assert.doesNotMatch(text, new RegExp(`${KERNEL_TREE_FAMILY}|${SETTING_FAMILY}|hello`));
    }
    await vscode.commands.executeCommand('netlink.decodeFile');
    const report = await decodedEditor(doc.uri, ['protocol 30 type 16', 'protocol 29 type 16']);
    assert.doesNotMatch(report.document.getText(), new RegExp(`${KERNEL_TREE_FAMILY}|${SETTING_FAMILY}`));
    // The setting's folder is a restricted setting: VS Code hides the folder's value (the client sends only the user's).
    assert.equal(
      vscode.workspace.getConfiguration('netlink').inspect('decoder.specFolders')?.workspaceValue,
      undefined,
    );
  }, 60_000);
});
