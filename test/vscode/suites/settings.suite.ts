// The settings in a real VS Code: a change is read once, its bad values reported with their place (the one warning
// lists them), and what is good in the same change still applies.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionApi, waitFor } from '../helpers';
import { describe, it } from '../runner';

describe('settings', () => {
  it('bad values are reported with their place; the good target in the same setting still applies', async () => {
    const api = await extensionApi();
    const netlink = vscode.workspace.getConfiguration('netlink');
    assert.deepEqual(api.settingsProblems(), [], 'the run starts with good settings');
    try {
      await netlink.update(
        'targets',
        [{ name: 'good', destination: 'nobody@127.0.0.1:9' }, { name: 'bad' }],
        vscode.ConfigurationTarget.Global,
      );
      await netlink.update('activeTarget', 'good', vscode.ConfigurationTarget.Global);
      await netlink.update('decoder.defaultProtocol', 'nonsense', vscode.ConfigurationTarget.Global);
      const expected = [
        'netlink.decoder.defaultProtocol: "nonsense" is not valid here; using the default',
        'netlink.targets[1].destination: is required',
      ];
      await waitFor(
        'the problems reported',
        10_000,
        () => api.settingsProblems().length === expected.length,
        () => JSON.stringify(api.settingsProblems()),
      );
      assert.deepEqual(api.settingsProblems(), expected);
      await waitFor(
        'status bar on the good target',
        10_000,
        () => api.targetStatus().text.endsWith(' good'),
        () => JSON.stringify(api.targetStatus()),
      );
    } finally {
      for (const key of ['targets', 'activeTarget', 'decoder.defaultProtocol'])
        await netlink.update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor(
      'no problems once fixed',
      10_000,
      () => api.settingsProblems().length === 0,
      () => JSON.stringify(api.settingsProblems()),
    );
    await waitFor(
      'status bar back on the lab',
      10_000,
      () => api.targetStatus().text.endsWith(' lab'),
      () => JSON.stringify(api.targetStatus()),
    );
  }, 60_000);
});
