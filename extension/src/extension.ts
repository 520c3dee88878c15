// activate(): wiring only. Each feature lives in its own folder and registers its own disposables; features
// reach each other only through the small services handed over here.
import * as vscode from 'vscode';
import { registerBuilder } from './builder/index';
import type { BuilderTarget } from './builder/index';
import { startDecoder } from './languageClient/client';
import { HostRegistry } from './specs/hostRegistry';
import { TransportError } from './exchange/exchanger';
import type { LabState } from './lab/index';
import { LabController } from './lab/vscodeLab';
import { ExerciseTestController } from './exercise/testController';
import { moduleFolder, registerKmodCommands } from './module/commands';
import { moduleTargetOf } from './module/sessionTarget';
import type { TargetSession } from './target/targets';
import type { TargetsService } from './target/vscodeTargets';
import { registerTargets } from './target/vscodeTargets';
import { registerSocketsView, type SocketsViewRow } from './target/socketsView';
import { asTransportError } from './target/helperSession';

/**
 * What activate() returns: read-only views of UI state that the VS Code API cannot read back (a status bar item, a
 * tree view), for the in-host tests. Nothing here changes anything.
 */
export interface NetlinkExtensionApi {
  /** The target status bar item's text and tooltip. */
  targetStatus(): { readonly text: string; readonly tooltip: string };
  /** The actions the Workspace Trust gate refused, in order. */
  refusedActions(): readonly string[];
  /** The Netlink Sockets view's rows as shown (after netlink.refreshSockets). */
  socketsView(): SocketsViewRow[];
  /** The lab VM's state as its status bar item shows it. */
  labState(): LabState;
}

/** The builder's way to the active target: the target's helper session, deployed on first use. */
function builderTargetFor(targets: TargetsService): BuilderTarget | undefined {
  let session;
  try {
    session = targets.activeSession();
  } catch {
    return undefined; // no usable target (the lab stopped, a bad setting): the builder says so
  }
  return {
    name: session.target.name,
    exchanger: {
      exchange: async (protocol, bytes, options) => {
        if (!targets.requireTrust('Sending to a target')) throw new TransportError('unavailable', 'the workspace is not trusted');
        // A deployment or connection that fails is the exchange's TransportError too.
        const helper = await session.helper().catch((e: unknown) => Promise.reject(asTransportError(e)));
        return helper.exchange(protocol, bytes, options);
      },
    },
  };
}

/**
 * The active session, after the trust gate: module commands and exercises run things on the target. A refusal is
 * `refused` (the gate already told the user why).
 */
function trustedSession(targets: TargetsService, action: string, refused: () => Error = () => new Error(`${action} needs a trusted workspace`)): TargetSession {
  if (!targets.requireTrust(action)) throw refused();
  return targets.activeSession();
}

export async function activate(context: vscode.ExtensionContext): Promise<NetlinkExtensionApi | undefined> {
  const log = vscode.window.createOutputChannel('Netlink', { log: true });
  context.subscriptions.push(log);
  try {
    const registry = new HostRegistry(context.asAbsolutePath('dist'), log);
    context.subscriptions.push(registry);
    const lab = LabController.register(context, log);
    const targets = registerTargets(context, {
      extensionRoot: context.extensionPath,
      lab: () => {
        const vm = lab.current();
        return vm ? { sshArgs: vm.sshArgs, headersDir: vm.headersDir } : undefined;
      },
      log,
    });
    const socketsView = registerSocketsView(context, targets, log);
    registerKmodCommands(context, {
      log,
      extensionPath: context.extensionPath,
      // A cancellation: the trust gate's warning is the one message the user gets.
      getTarget: async () => moduleTargetOf(trustedSession(targets, 'Module commands', () => new vscode.CancellationError()), {
        cacheDir: lab.cacheDir,
        log: (l) => log.info(l),
      }),
      moduleChanged: (name) => targets.moduleChanged(name),
      // The builder's and the exercises' sockets on the module's protocol would keep it loaded.
      releaseModule: async () => {
        await targets.activeSession().closeHelperSockets().catch((e: unknown) => log.warn(`closing the helper's sockets before rmmod: ${(e as Error).message}`));
      },
    });
    ExerciseTestController.register(context, {
      log,
      moduleFolder: () => {
        try {
          return moduleFolder();
        } catch {
          return undefined; // no workspace folder: nothing to discover
        }
      },
      getExchanger: async () => trustedSession(targets, 'Running exercises').helper(),
    });
    const builder = registerBuilder({
      extensionUri: context.extensionUri,
      workspaceState: context.workspaceState,
      log,
      registry: () => registry.get(),
      target: () => builderTargetFor(targets),
    });
    context.subscriptions.push(
      builder,
      registry.onDidChange(() => builder.refresh()),
      lab.onDidChangeState(() => {
        targets.labChanged();
        builder.refresh();
      }),
      { dispose: targets.manager.onDidChangeState(() => builder.refresh()) },
    );
    await startDecoder(context, log);
    return { targetStatus: () => targets.status(), refusedActions: () => targets.refusedActions(), socketsView, labState: () => lab.currentState() };
  } catch (e) {
    // VS Code shows nothing when activation fails: say it, with a way to the details.
    log.error(`activation failed: ${String((e as Error).stack ?? e)}`);
    // Not awaited: activation would otherwise last until the message is dismissed.
    void vscode.window.showErrorMessage(`Netlink Workbench failed to start: ${(e as Error).message}`, 'Open Output')
      .then((open) => open && log.show());
    return undefined;
  }
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop the language client, the targets and the lab VM.
}
