// Every command of the extension in one table: its id, whether an untrusted workspace refuses it (and what the
// refusal says), and the menus that show it. extension.ts registers them all from here with one named function
// each; a unit test holds this table to package.json (contributes.commands, their enablement, contributes.menus).
// No vscode import: the table is data.

/** What the trust gate tells the user: "<action> is disabled in an untrusted workspace: <because>. Trust the workspace to use <toUse>." */
export interface TrustRefusal {
  readonly action: string;
  readonly because: string;
  readonly toUse: string;
}

/** Why targets stay off untrusted. */
const TARGETS = {
  because: "it runs ssh and programs on a machine that this workspace's settings could choose",
  toUse: 'targets',
} as const;
const LAB = { because: 'it runs QEMU and installs packages', toUse: 'the lab' } as const;

/** A refusal for something that is no command (the builder's Send, a run from the Test Explorer). */
export function targetRefusal(action: string): TrustRefusal {
  return { action, ...TARGETS };
}

export type MenuId = 'editor/context' | 'explorer/context' | 'view/title';

export interface CommandSpec {
  readonly id: `netlink.${string}`;
  /**
   * Set for a command that runs something on a target or boots the lab: in an untrusted workspace it refuses with
   * this, and runs nothing (also when another extension or a test calls it).
   */
  readonly untrusted?: TrustRefusal & {
    /**
     * True: VS Code disables it there too (enablement `isWorkspaceTrusted`: not in the palette, menus greyed).
     * False: it stays clickable, so the refusal can tell the user why (the target status bar item runs it).
     */
    readonly disabled: boolean;
  };
  /** The menus that show it, besides the command palette. */
  readonly menus?: readonly MenuId[];
}

export const COMMANDS = {
  decodeSelection: { id: 'netlink.decodeSelection', menus: ['editor/context'] },
  decodeFile: { id: 'netlink.decodeFile' },
  startLab: { id: 'netlink.startLab', untrusted: { action: 'Starting the lab VM', ...LAB, disabled: true } },
  stopLab: { id: 'netlink.stopLab' },
  copyLabSshCommand: { id: 'netlink.copyLabSshCommand' },
  openInBuilder: { id: 'netlink.openInBuilder', menus: ['editor/context'] },
  // The choice is a restricted setting: an untrusted workspace's value is ignored, so picking would do nothing.
  selectTarget: { id: 'netlink.selectTarget', untrusted: { action: 'Choosing a target', ...TARGETS, disabled: false } },
  connectTarget: {
    id: 'netlink.connectTarget',
    untrusted: { action: 'Connecting to the target', ...TARGETS, disabled: true },
  },
  disconnectTarget: { id: 'netlink.disconnectTarget' },
  buildModule: { id: 'netlink.buildModule', untrusted: { action: 'Module commands', ...TARGETS, disabled: true } },
  loadModule: { id: 'netlink.loadModule', untrusted: { action: 'Module commands', ...TARGETS, disabled: true } },
  unloadModule: { id: 'netlink.unloadModule', untrusted: { action: 'Module commands', ...TARGETS, disabled: true } },
  showKernelLog: { id: 'netlink.showKernelLog', untrusted: { action: 'Module commands', ...TARGETS, disabled: true } },
  stopKernelLog: { id: 'netlink.stopKernelLog' },
  newModule: { id: 'netlink.newModule' },
  generateNegativeExercises: { id: 'netlink.generateNegativeExercises' },
  runExercise: {
    id: 'netlink.runExercise',
    untrusted: { action: 'Running exercises', ...TARGETS, disabled: true },
    menus: ['explorer/context'],
  },
  showFamilyPolicy: {
    id: 'netlink.showFamilyPolicy',
    untrusted: { action: "Asking the target's kernel for a policy", ...TARGETS, disabled: true },
  },
  captureOnTarget: {
    id: 'netlink.captureOnTarget',
    untrusted: { action: 'Capturing on the target', ...TARGETS, disabled: true },
  },
  monitorMulticast: {
    id: 'netlink.monitorMulticast',
    untrusted: { action: 'Monitoring multicast on the target', ...TARGETS, disabled: true },
  },
  stopCapture: { id: 'netlink.stopCapture' },
  refreshSockets: {
    id: 'netlink.refreshSockets',
    untrusted: { action: "Listing the target's sockets", ...TARGETS, disabled: true },
    menus: ['view/title'],
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

/**
 * One function a command. VS Code hands a command whatever its caller passed (a menu's resource, another
 * extension's arguments): each function checks its own.
 */
export type CommandHandlers = { readonly [K in CommandName]: (...args: never[]) => unknown };
