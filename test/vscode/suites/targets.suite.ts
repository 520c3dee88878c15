// The target quick pick and the target status bar item with two SSH targets from netlink.targets, driven through the
// real quick pick (VS Code's own quick-open commands move the selection and accept it). Both destinations are closed
// ports on 127.0.0.1: connecting after the pick fails at once, and the status bar must say so. The lab VM is not
// needed (the module-loop suite checks the connected and module-loaded states on it).
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { freeLoopbackPort } from '../../support/loopbackPort';
import { delay, extensionApi, waitFor } from '../helpers';
import { describe, it } from '../runner';

/** How long the quick pick gets to open after the command starts (an RPC to the workbench and a render). */
const PICK_OPEN_MS = 1_500;
/** How long one try waits for the command to finish after accepting, before it tries the keys again. */
const PICK_TRY_MS = 5_000;
const PICK_TRIES = 8;

/**
 * Runs netlink.selectTarget, moves the quick pick's selection `down` items below the first and accepts it (or, with
 * `down` undefined, closes the pick). Resolves when the command has finished (including its connection attempt).
 */
async function pickTarget(down: number | undefined): Promise<void> {
  let finished = false;
  const done = Promise.resolve(vscode.commands.executeCommand('netlink.selectTarget')).finally(() => (finished = true));
  await delay(PICK_OPEN_MS);
  // Nothing tells the extension host when the pick is on screen. Keys sent before it is are no-ops (no quick input
  // open), and so are keys sent after it closed: trying again until the command finishes is safe.
  for (let i = 0; i < PICK_TRIES && !finished; i++) {
    if (down === undefined) {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    } else {
      for (let j = 0; j < down; j++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    await Promise.race([done, delay(PICK_TRY_MS)]);
  }
  if (!finished) throw new Error(`netlink.selectTarget did not finish after ${PICK_TRIES} tries at the quick pick`);
  await done;
}

function activeTargetSettings(): { workspace: unknown; global: unknown; effective: unknown } {
  const i = vscode.workspace.getConfiguration('netlink').inspect('activeTarget');
  return {
    workspace: i?.workspaceValue,
    global: i?.globalValue,
    effective: vscode.workspace.getConfiguration('netlink').get('activeTarget'),
  };
}

/** The opened folder's settings file: the pick writes netlink.activeTarget there. */
function workspaceSettingsFile(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder open');
  return path.join(folder.uri.fsPath, '.vscode', 'settings.json');
}

describe('target quick pick and status bar', () => {
  it('the quick pick lists lab then netlink.targets in order; the pick becomes netlink.activeTarget; unreachable in the status bar', async () => {
    const api = await extensionApi();
    assert.equal(vscode.workspace.isTrusted, true, 'this suite runs in a trusted workspace');
    const netlink = vscode.workspace.getConfiguration('netlink');
    // Nothing listens on these ports: a connection is refused.
    const ports = [await freeLoopbackPort(), await freeLoopbackPort()];
    const settingsFile = workspaceSettingsFile();
    const hadSettingsFile = existsSync(settingsFile);
    try {
      await netlink.update(
        'targets',
        [
          { name: 'closed-a', destination: `nobody@127.0.0.1:${ports[0]}` },
          { name: 'closed-b', destination: `nobody@127.0.0.1:${ports[1]}` },
        ],
        vscode.ConfigurationTarget.Global,
      );
      // Nothing active but the default: the lab, stopped, not contacted.
      await waitFor(
        'status bar on the lab',
        10_000,
        () => api.targetStatus().text.endsWith(' lab'),
        () => JSON.stringify(api.targetStatus()),
      );

      // Second item (lab is first): closed-a.
      await pickTarget(1);
      assert.deepEqual(
        activeTargetSettings(),
        { workspace: 'closed-a', global: undefined, effective: 'closed-a' },
        'the workspace holds the choice',
      );
      let shown = api.targetStatus();
      assert.equal(shown.text, '$(error) closed-a');
      assert.match(shown.tooltip, /^Netlink target "closed-a" unreachable: /);
      assert.ok(
        shown.tooltip.includes(String(ports[0])) || /refused/i.test(shown.tooltip),
        `the tooltip says why: ${shown.tooltip}`,
      );

      // Third item: closed-b (the order stays lab, closed-a, closed-b whichever is active).
      await pickTarget(2);
      assert.equal(activeTargetSettings().effective, 'closed-b');
      shown = api.targetStatus();
      assert.equal(shown.text, '$(error) closed-b');
      assert.match(shown.tooltip, /^Netlink target "closed-b" unreachable: /);

      // Closing the pick changes nothing.
      await pickTarget(undefined);
      assert.equal(activeTargetSettings().effective, 'closed-b');
      assert.equal(api.targetStatus().text, '$(error) closed-b');
      assert.deepEqual(api.refusedActions(), [], 'a trusted workspace refuses nothing');
    } finally {
      await netlink.update('activeTarget', undefined, vscode.ConfigurationTarget.Workspace);
      await netlink.update('targets', undefined, vscode.ConfigurationTarget.Global);
      // Leave the folder as it was (desktop runs open the repository's fixtures folder itself).
      if (!hadSettingsFile) {
        rmSync(settingsFile, { force: true });
        if (readdirSync(path.dirname(settingsFile)).length === 0)
          rmSync(path.dirname(settingsFile), { recursive: true });
      }
    }
    // The settings gone, the default comes back.
    await waitFor(
      'status bar back on the lab',
      10_000,
      () => api.targetStatus().text.endsWith(' lab'),
      () => JSON.stringify(api.targetStatus()),
    );
  }, 150_000);
});
