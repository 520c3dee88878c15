// The folder settings of the untrusted session (run-in-code-server.ts writes them, trust.suite.ts checks VS Code
// ignores them): a workspace choosing an SSH target, booting the lab VM and naming a spec folder of its own, which
// an untrusted folder must not be able to do.
import { join } from 'node:path';
import { SETTING_SPEC_FOLDER } from './workspace-specs';

/** The untrusted workspace's .vscode/settings.json; `folder` is where that workspace is. */
export function untrustedFolderSettings(folder: string): Readonly<Record<string, unknown>> {
  return {
    'netlink.targets': [{ name: 'from-workspace', destination: 'root@127.0.0.1:1' }],
    'netlink.activeTarget': 'from-workspace',
    // Boots QEMU (and installs packages as root) when honoured.
    'netlink.lab.autoStart': true,
    // A folder of the workspace with a family spec: read only once the workspace is trusted.
    'netlink.decoder.specFolders': [join(folder, SETTING_SPEC_FOLDER)],
    // Not restricted: applies untrusted too, which shows VS Code did read this file.
    'netlink.inlayHints.enabled': false,
  };
}

/** The settings of untrustedFolderSettings that the manifest restricts. */
export const RESTRICTED_IN_FOLDER = [
  'netlink.targets',
  'netlink.activeTarget',
  'netlink.lab.autoStart',
  'netlink.decoder.specFolders',
] as const;

/** User settings of that session: Workspace Trust on, no prompt or banner (nobody answers them in a test). */
export const UNTRUSTED_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
};

/**
 * Machine settings of that session (where a code-server window reads machine-scoped settings): the user's own
 * autoStart, which VS Code does apply in an untrusted window. The extension must still not boot the lab.
 */
export const UNTRUSTED_MACHINE_SETTINGS: Readonly<Record<string, unknown>> = {
  'netlink.lab.autoStart': true,
};
