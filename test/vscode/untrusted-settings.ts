// The folder settings of the untrusted session (run-in-code-server.ts writes them, trust.suite.ts checks VS Code
// ignores them): a workspace choosing an SSH target, which an untrusted folder must not be able to do.
export const UNTRUSTED_FOLDER_SETTINGS = {
  'netlink.targets': [{ name: 'from-workspace', destination: 'root@127.0.0.1:1' }],
  'netlink.activeTarget': 'from-workspace',
  // Not restricted: applies untrusted too, which shows VS Code did read this file.
  'netlink.inlayHints.enabled': false,
} as const;

/** The settings of UNTRUSTED_FOLDER_SETTINGS that the manifest restricts. */
export const RESTRICTED_IN_FOLDER = ['netlink.targets', 'netlink.activeTarget'] as const;

/** User settings of that session: Workspace Trust on, no prompt or banner (nobody answers them in a test). */
export const UNTRUSTED_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
};
