// activate(): wiring only. Each feature lives in its own folder and registers its own disposables; features
// reach each other only through the small services handed over here. The commands are registered from one table
// (commands.ts), each with its feature's function.
import * as vscode from 'vscode';
import { COMMANDS, targetRefusal, type TrustRefusal } from './commands';
import { Config } from './config';
import { registerBuilder } from './builder/index';
import { catalogOf } from './builder/catalog';
import { registerCaptureViewer } from './capture/provider';
import { LiveCaptures } from './capture/live';
import { startCapture, startMonitor } from './target/captureStream';
import { resolveMulticastGroups } from './target/multicastGroups';
import type { BuilderTarget } from './builder/index';
import { createDecoder } from './languageClient/client';
import { HostRegistry } from './specs/hostRegistry';
import { TransportError } from './exchange/exchanger';
import { LabController } from './lab/vscodeLab';
import { ExerciseTestController } from './exercise/testController';
import { createKmodCommands } from './module/commands';
import { moduleTargetOf } from './module/sessionTarget';
import { registerCommands } from './registerCommands';
import type { TargetSession } from './target/targets';
import type { TargetsService } from './target/vscodeTargets';
import { registerTargets } from './target/vscodeTargets';
import { registerSocketsView, type SocketsViewRow } from './target/socketsView';
import { asTransportError } from './target/helperSession';
import { createShowFamilyPolicy } from './policy/command';
import { TrustGate } from './trust';
import { WalkthroughProgress } from './walkthrough/progress';
import { sendStep } from './walkthrough/steps';
import { LabState } from './lab/index';

/**
 * What activate() returns: read-only views of UI state that the VS Code API cannot read back (a status bar item, a
 * tree view), for the in-host tests. Nothing here changes anything.
 */
export interface NetlinkExtensionApi {
  /** The target status bar item's text and tooltip. */
  targetStatus(): { readonly text: string; readonly tooltip: string };
  /** The actions the Workspace Trust gate refused, in order. */
  refusedActions(): readonly string[];
  /** The settings' bad values as the last warning listed them (empty: none). */
  settingsProblems(): readonly string[];
  /** The Netlink Sockets view's rows as shown (after netlink.refreshSockets). */
  socketsView(): SocketsViewRow[];
  /** The lab VM's state as its status bar item shows it. */
  labState(): LabState;
}

/** The builder's way to the active target: the target's helper session, deployed on first use. */
function builderTargetFor(targets: TargetsService, trust: TrustGate): BuilderTarget | undefined {
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
        if (!trust.allows(targetRefusal('Sending to a target')))
          throw new TransportError('unavailable', 'the workspace is not trusted');
        // A deployment or connection that fails is the exchange's TransportError too.
        const helper = await session.helper().catch((e: unknown) => Promise.reject(asTransportError(e)));
        return helper.exchange(protocol, bytes, options);
      },
    },
  };
}

/**
 * The active session, after the trust gate: a Test Explorer run comes here without passing a command. A refusal is
 * an error saying so (the gate already told the user why).
 */
function trustedSession(targets: TargetsService, trust: TrustGate, refusal: TrustRefusal): TargetSession {
  if (!trust.allows(refusal)) throw new Error(`${refusal.action} needs a trusted workspace`);
  return targets.activeSession();
}

export async function activate(context: vscode.ExtensionContext): Promise<NetlinkExtensionApi | undefined> {
  const log = vscode.window.createOutputChannel('Netlink', { log: true });
  context.subscriptions.push(log);
  try {
    const config = new Config(log);
    const trust = new TrustGate(log);
    context.subscriptions.push(config);
    const registry = new HostRegistry(context.asAbsolutePath('dist'), log, config);
    context.subscriptions.push(registry);
    const walkthrough = new WalkthroughProgress(log);
    const lab = LabController.register(context, log, config);
    const targets = registerTargets(context, {
      extensionRoot: context.extensionPath,
      lab: () => {
        const vm = lab.current();
        return vm ? { sshArgs: vm.sshArgs, headersDir: vm.headersDir } : undefined;
      },
      log,
      config,
      trust,
    });
    const sockets = registerSocketsView(context, targets, log);
    const kmod = createKmodCommands(context, {
      log,
      config,
      extensionPath: context.extensionPath,
      cacheDir: lab.cacheDir,
      getTarget: async () =>
        moduleTargetOf(targets.activeSession(), { cacheDir: lab.cacheDir, log: (l) => log.info(l) }),
      moduleChanged: (name) => targets.moduleChanged(name),
      moduleCreated: () => walkthrough.mark('moduleCreated'),
      // The builder's and the exercises' sockets on the module's protocol would keep it loaded.
      releaseModule: async () => {
        await targets
          .activeSession()
          .closeHelperSockets()
          .catch((e: unknown) => log.warn(`closing the helper's sockets before rmmod: ${(e as Error).message}`));
      },
    });
    const exercises = ExerciseTestController.register(context, {
      log,
      config,
      getExchanger: async () => trustedSession(targets, trust, COMMANDS.runExercise.untrusted).helper(),
      onRunEnded: (outcomes) => outcomes.some((o) => o.status === 'pass') && walkthrough.mark('exerciseRun'),
    });
    const builder = registerBuilder({
      extensionUri: context.extensionUri,
      workspaceState: context.workspaceState,
      log,
      registry: () => registry.get(),
      target: () => builderTargetFor(targets, trust),
      onSent: (protocol, requestHex, result) => walkthrough.mark(sendStep(protocol, requestHex, result)),
    });
    const showFamilyPolicy = createShowFamilyPolicy({
      registry: () => registry.get(),
      log,
      target: async () => {
        const session = trustedSession(targets, trust, COMMANDS.showFamilyPolicy.untrusted);
        return { name: session.target.name, exchanger: await session.helper() };
      },
    });
    const captureViewer = registerCaptureViewer({
      extensionUri: context.extensionUri,
      registry: () => registry.get(),
      catalog: () => catalogOf(registry.get()),
      log,
      isLive: (path) => live.isLive(path),
      stopLive: (path) => live.stopCapture(path),
    });
    const live = new LiveCaptures({
      log,
      stopped: (path) => captureViewer.provider.stopped(path),
      startCapture: async () => {
        const session = trustedSession(targets, trust, COMMANDS.captureOnTarget.untrusted);
        return { target: session.target.name, stream: await startCapture(session) };
      },
      startMonitor: async (request) => {
        const session = trustedSession(targets, trust, COMMANDS.monitorMulticast.untrusted);
        const classic = registry.get().classic(request.protocol);
        const groups = await resolveMulticastGroups(
          { protocol: request.protocol, groups: request.groups, ...(request.family ? { family: request.family } : {}) },
          {
            ...(request.protocol === 16 ? { exchanger: await session.helper() } : {}),
            ...(classic ? { classic } : {}),
          },
        );
        return {
          target: session.target.name,
          stream: await startMonitor(session, { protocol: request.protocol, groups }),
        };
      },
    });
    const decoder = createDecoder(context, log, config);
    context.subscriptions.push(
      builder,
      captureViewer.disposable,
      live,
      registry.onDidChange(() => builder.refresh()),
      lab.onDidChangeState((state) => {
        targets.labChanged();
        builder.refresh();
        if (state === LabState.Ready) walkthrough.mark('labReady');
      }),
      { dispose: targets.manager.onDidChangeState(() => builder.refresh()) },
      registerCommands(
        {
          decodeSelection: decoder.decodeSelection,
          decodeFile: decoder.decodeFile,
          startLab: () => lab.startLab(),
          stopLab: () => lab.stopLab(),
          copyLabSshCommand: () => lab.copyLabSshCommand(),
          openInBuilder: builder.openInBuilder,
          selectTarget: targets.selectTarget,
          connectTarget: targets.connectTarget,
          disconnectTarget: targets.disconnectTarget,
          buildModule: async () => {
            const built = await kmod.buildModule();
            if (built?.ok) walkthrough.mark('moduleBuilt');
            return built;
          },
          loadModule: async () => {
            const loaded = await kmod.loadModule();
            // A load builds first when this window has no build of the current sources.
            if (loaded) {
              walkthrough.mark('moduleBuilt');
              walkthrough.mark('moduleLoaded');
            }
            return loaded;
          },
          unloadModule: kmod.unloadModule,
          showKernelLog: kmod.showKernelLog,
          stopKernelLog: kmod.stopKernelLog,
          newModule: kmod.newModule,
          generateNegativeExercises: kmod.generateNegativeExercises,
          runExercise: (uri?: vscode.Uri) => exercises.runExercise(uri),
          refreshSockets: sockets.refreshSockets,
          showFamilyPolicy,
          captureOnTarget: () => live.captureOnTarget(),
          monitorMulticast: () => live.monitorMulticast(),
          stopCapture: (path?: unknown) => live.stopCapture(path),
        },
        trust,
      ),
    );
    await decoder.start();
    return {
      targetStatus: () => targets.status(),
      refusedActions: () => trust.refused(),
      settingsProblems: () => config.problemTexts(),
      socketsView: sockets.rows,
      labState: () => lab.currentState(),
    };
  } catch (e) {
    // VS Code shows nothing when activation fails: say it, with a way to the details.
    log.error(`activation failed: ${String((e as Error).stack ?? e)}`);
    // Not awaited: activation would otherwise last until the message is dismissed.
    void vscode.window
      .showErrorMessage(`Netlink Workbench failed to start: ${(e as Error).message}`, 'Open Output')
      .then((open) => open && log.show());
    return undefined;
  }
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop the language client, the targets and the lab VM.
}
