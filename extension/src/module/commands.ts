// The module commands' functions in VS Code: build (progress, cancellation, Problems), load (reload offered),
// unload, the kernel log followed live, and "new module" from the reference module. Thin: the work is in the node
// modules next to this file; the target comes from extension.ts through `getTarget`.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { Config } from '../config';
import { buildModule, remoteBuildPaths, type BuildResult } from './build';
import { diagnosticSpan } from './diagnosticRange';
import { primaryDiagnostics, type KbuildDiagnostic } from './kbuild';
import { KernelLogFollower } from './kernelLog';
import { moduleState, rmmod } from './module';
import { reloadModule } from './reload';
import { readModuleSources } from './moduleSources';
import { KmodError, type ModuleTarget } from './remote';
import { checkNewModuleName, copyModuleTemplate, MODULE_TEMPLATES } from './template';
import { regenerateStale } from './ynlGen';
import { findYnlGenerator } from './ynlGenFind';
import { generateNegativeExercises } from '../exercise/negativeCommand';

export interface KmodCommandDeps {
  /** The active target (the lab VM or an SSH target), connected. */
  getTarget(): Promise<ModuleTarget>;
  /** The settings: the module folder and its parameters; "new module" sets the folder. */
  readonly config: Config;
  /** The "Netlink" log channel. */
  readonly log: vscode.LogOutputChannel;
  /** The extension's folder: the reference module is its `kmod/`. */
  readonly extensionPath: string;
  /** The download cache (the lab's): the kernel's YNL generator is fetched into it when nothing local has one. */
  readonly cacheDir: string;
  /**
   * Called before rmmod: let go of what the extension itself holds open on the target (its helper's netlink
   * sockets: one of the module's protocol keeps the module in use, and rmmod would fail with EAGAIN).
   */
  releaseModule?(): Promise<void>;
  /** Called after an insmod or rmmod on the target: what shows the target's state (the status bar) looks again. */
  moduleChanged?(moduleName: string): void;
  /** Called when "New Module" has written the copy, before it asks whether to use it (the walkthrough's step). */
  moduleCreated?(dir: string): void;
}

/** The module commands' functions; each resolves to undefined after an error (already shown) or a cancel. */
export interface KmodCommands {
  buildModule(): Promise<BuildResult | undefined>;
  loadModule(): Promise<LoadResult | undefined>;
  unloadModule(): Promise<UnloadResult | undefined>;
  showKernelLog(): Promise<void>;
  stopKernelLog(): void;
  /** `templateId` ('reference' | 'genl', e.g. from a walkthrough's command link) skips the template pick. */
  newModule(templateId?: unknown): Promise<void>;
  /** Invalid requests from a generic netlink spec, written as an exercise file in the module folder. */
  generateNegativeExercises(): Promise<string | undefined>;
}

const KERNEL_LOG_CHANNEL = 'Netlink Kernel Log';

/** What `netlink.loadModule` resolves to after an insmod (undefined when nothing was loaded). */
export interface LoadResult {
  readonly moduleName: string;
  /** The .ko on the target that was loaded. */
  readonly koPath: string;
  /** The module's parameters as /sys/module/<name>/parameters shows them after loading. */
  readonly parameters: Readonly<Record<string, string>>;
}

/** What `netlink.unloadModule` resolves to (undefined after an error). */
export interface UnloadResult {
  readonly moduleName: string;
  /** False: it was not loaded, nothing was done. */
  readonly wasLoaded: boolean;
}

export function createKmodCommands(context: vscode.ExtensionContext, deps: KmodCommandDeps): KmodCommands {
  const { log, config } = deps;
  /** The module folder from the settings, or a KmodError saying what to set. */
  const moduleFolder = (): string => {
    const r = config.settings.module.folder;
    if ('error' in r) throw new KmodError(r.error);
    return r.dir;
  };
  const diagnostics = vscode.languages.createDiagnosticCollection('kbuild');
  const kernelLog = new KernelLogView(deps);
  /** sha256 of each .ko this window built, by target and path: load hands it to insmod, which checks it there. */
  const builtKo = new Map<string, string>();
  const koKey = (target: ModuleTarget, ko: string): string => `${target.name ?? ''}\0${ko}`;
  context.subscriptions.push(diagnostics, kernelLog);

  /**
   * Runs a command body and resolves to its result (undefined after an error or a cancel), so callers such as
   * tests can await the command. Errors become one message with a way to the log; the command does not wait for
   * that message to be dismissed.
   */
  const guarded =
    <T>(name: string, body: () => Promise<T>) =>
    async (): Promise<T | undefined> => {
      try {
        return await body();
      } catch (e) {
        if (e instanceof vscode.CancellationError || (e as Error).name === 'AbortError') {
          log.info(`${name}: cancelled`);
          return undefined;
        }
        const err = e as Error;
        log.error(`${name}: ${err.message}${e instanceof KmodError && e.detail ? `\n${e.detail}` : ''}`);
        void vscode.window.showErrorMessage(err.message, 'Show Log').then((pick) => pick && log.show(true));
        return undefined;
      }
    };

  const build = async (): Promise<BuildResult | undefined> => {
    const dir = moduleFolder();
    // Build what the editor shows: unsaved edits in the module folder are saved first.
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.isDirty && doc.uri.scheme === 'file' && doc.uri.fsPath.startsWith(dir + path.sep)) await doc.save();
    }
    const target = await deps.getTarget();
    diagnostics.clear();
    // Files generated from the module's YNL spec follow the spec: regenerated here when it is newer than they are.
    const regenerated = await regenerateStale(dir, {
      log: (line) => log.info(line),
      findGenerator: async () => {
        const found = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: "Finding the kernel's YNL generator" },
          (progress) =>
            findYnlGenerator({
              ...(config.settings.module.ynlGenerator ? { setting: config.settings.module.ynlGenerator } : {}),
              workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
              cacheDir: deps.cacheDir,
              fetching: (what) => progress.report({ message: what }),
              log: (line) => {
                log.info(line);
                progress.report({ message: line });
              },
            }),
        );
        log.info(`YNL generator (${found.source}): ${found.generator}`);
        return found.generator;
      },
    });
    if (regenerated.length) log.info(`regenerated ${regenerated.map((f) => f.file).join(', ')}`);
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Building the module in ${path.basename(dir)} for ${target.name ?? 'the target'}`,
        cancellable: true,
      },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return buildModule(target, {
          moduleDir: dir,
          signal: abort.signal,
          log: (line) => {
            log.info(line);
            if (/^\s+(CC|LD|MODPOST|BTF)\b/.test(line)) progress.report({ message: line.trim() });
          },
        });
      },
    );
    await publish(diagnostics, result.diagnostics, dir);
    if (result.ok && result.koPath && result.koSha256) builtKo.set(koKey(target, result.koPath), result.koSha256);
    log.info(result.summary);
    if (result.ok) {
      void vscode.window.showInformationMessage(result.summary, 'Load Module').then((pick) => {
        if (pick) void vscode.commands.executeCommand(COMMANDS.loadModule.id);
      });
    } else {
      void vscode.window.showErrorMessage(result.summary, 'Show Problems', 'Show Log').then((pick) => {
        if (pick === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
        if (pick === 'Show Log') log.show(true);
      });
    }
    return result;
  };

  const load = async (): Promise<LoadResult | undefined> => {
    const dir = moduleFolder();
    const target = await deps.getTarget();
    const src = await readModuleSources(dir);
    const parameters = config.settings.module.parameters;
    if ('error' in parameters) throw new KmodError(parameters.error);
    const params = parameters.args;
    let { ko } = remoteBuildPaths(target, src);
    // The upload folder is named by the sources' hash: a .ko there is a build of exactly these sources. It is
    // loaded when this window built it (its sha256 is known, and insmod checks it on the target); else built first.
    let sha256 = builtKo.get(koKey(target, ko));
    const built = sha256 ? await target.exec(['test', '-f', ko], { timeoutMs: 30_000 }) : undefined;
    if (!sha256 || built?.code !== 0) {
      log.info(`no build of the current sources on ${target.name ?? 'the target'} from this window: building first`);
      const r = await build();
      if (!r?.ok || !r.koPath || !r.koSha256) return undefined;
      ko = r.koPath;
      sha256 = r.koSha256;
    }
    const values = await reloadModule(target, {
      koPath: ko,
      koSha256: sha256,
      moduleName: src.moduleName,
      params,
      confirmReload: async (state) =>
        (await vscode.window.showWarningMessage(
          `${src.moduleName} is already loaded on ${target.name ?? 'the target'}${state.refcount ? ` (used by ${state.refcount})` : ''}. Unload it and load the current build?`,
          { modal: true },
          'Reload',
        )) === 'Reload',
      ...(deps.releaseModule ? { release: deps.releaseModule } : {}),
      log: (line) => log.info(line),
    }).finally(() => deps.moduleChanged?.(src.moduleName));
    if (!values) return undefined;
    const shown = [...values].map(([k, v]) => `${k}=${v}`).join(' ');
    if (shown) log.info(`${src.moduleName} parameters: ${shown}`);
    void vscode.window.showInformationMessage(
      `${src.moduleName} loaded on ${target.name ?? 'the target'}${shown ? ` (${shown})` : ''}`,
    );
    return { moduleName: src.moduleName, koPath: ko, parameters: Object.fromEntries(values) };
  };

  const unload = async (): Promise<UnloadResult> => {
    const src = await readModuleSources(moduleFolder());
    const target = await deps.getTarget();
    const state = await moduleState(target, src.moduleName);
    if (!state.loaded) {
      void vscode.window.showInformationMessage(`${src.moduleName} is not loaded on ${target.name ?? 'the target'}`);
      return { moduleName: src.moduleName, wasLoaded: false };
    }
    await deps.releaseModule?.();
    await rmmod(target, src.moduleName).finally(() => deps.moduleChanged?.(src.moduleName));
    log.info(`rmmod ${src.moduleName}`);
    void vscode.window.showInformationMessage(`${src.moduleName} unloaded from ${target.name ?? 'the target'}`);
    return { moduleName: src.moduleName, wasLoaded: true };
  };

  const newModule = async (templateId?: unknown): Promise<void> => {
    const root = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    if (!root) throw new KmodError('open a folder first: the new module is created in it');
    const given = MODULE_TEMPLATES.find((t) => t.id === templateId);
    const picked = given
      ? { template: given }
      : await vscode.window.showQuickPick(
          MODULE_TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })),
          // Kept open when focus moves: the walkthrough page re-renders as the click lands and would cancel it.
          { title: 'New netlink kernel module: template', ignoreFocusOut: true },
        );
    if (!picked) return;
    const template = path.join(deps.extensionPath, picked.template.folder);
    const name = await vscode.window.showInputBox({
      title: 'New netlink kernel module',
      prompt: `Folder in ${root.name} for a copy of ${path.basename(picked.template.folder)} (${picked.template.label})`,
      value: 'mymodule',
      ignoreFocusOut: true,
      validateInput: (v) =>
        checkNewModuleName(v) ??
        (existsSync(path.join(root.uri.fsPath, v)) ? `${v} already exists (nothing is ever overwritten)` : undefined),
    });
    if (!name) return;
    const dest = path.join(root.uri.fsPath, name);
    const written = await copyModuleTemplate(template, dest);
    log.info(`new module in ${dest}: ${written.join(', ')}`);
    deps.moduleCreated?.(dest);
    const main = written.find((f) => f.endsWith('.c') && !f.endsWith('-nl.c'));
    if (main) await vscode.window.showTextDocument(vscode.Uri.file(path.join(dest, main)));
    const pick = await vscode.window.showInformationMessage(
      `Created ${name} from ${picked.template.label.toLowerCase()}. Make it the module the commands build?`,
      'Use It',
    );
    if (pick) await config.setModuleFolder(name);
  };

  return {
    buildModule: guarded('build module', build),
    loadModule: guarded('load module', load),
    unloadModule: guarded('unload module', unload),
    showKernelLog: guarded('kernel log', () => kernelLog.start()),
    stopKernelLog: () => kernelLog.stop('stopped'),
    generateNegativeExercises: guarded('generate negative exercises', () => generateNegativeExercises(moduleFolder())),
    newModule: (templateId?: unknown) => guarded('new module', () => newModule(templateId))(),
  };
}

const SEVERITY: Record<KbuildDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  note: vscode.DiagnosticSeverity.Information,
};

/** Local diagnostics on their files; the rest (modpost on the .ko, make, kernel headers) on Kbuild's first line. */
async function publish(
  collection: vscode.DiagnosticCollection,
  all: readonly KbuildDiagnostic[],
  moduleDir: string,
): Promise<void> {
  const byFile = new Map<string, vscode.Diagnostic[]>();
  const anchor =
    ['Kbuild', 'Makefile'].map((f) => path.join(moduleDir, f)).find((f) => existsSync(f)) ??
    path.join(moduleDir, 'Kbuild');
  const texts = new Map<string, string[]>();
  for (const d of primaryDiagnostics(all)) {
    const file = d.local && d.file ? d.file : anchor;
    if (!texts.has(file)) texts.set(file, (await readFile(file, 'utf8').catch(() => '')).split('\n'));
    const span = d.local
      ? diagnosticSpan(texts.get(file) as string[], d.line, d.col)
      : diagnosticSpan(texts.get(file) as string[], 1, 1);
    const where = !d.local && d.file ? ` (${d.file}:${d.line})` : '';
    const diag = new vscode.Diagnostic(
      new vscode.Range(span.line, span.start, span.line, span.end),
      `${d.message}${where}`,
      SEVERITY[d.severity],
    );
    diag.source = d.source;
    byFile.set(file, [...(byFile.get(file) ?? []), diag]);
  }
  for (const [file, ds] of byFile) collection.set(vscode.Uri.file(file), ds);
}

/** The "Netlink Kernel Log" channel, followed while open; a status bar item stops it. */
class KernelLogView implements vscode.Disposable {
  private channel: vscode.OutputChannel | undefined;
  private follower: KernelLogFollower | undefined;
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  private sawChannel = false;
  private readonly visibility: vscode.Disposable;

  constructor(private readonly deps: KmodCommandDeps) {
    this.status.text = '$(debug-stop) Kernel log';
    this.status.tooltip = "Following the target's kernel log: click to stop";
    this.status.command = COMMANDS.stopKernelLog.id;
    // Output channels show as editors with the `output` scheme where the API exposes them: stop when ours goes away.
    this.visibility = vscode.window.onDidChangeVisibleTextEditors((editors) => {
      if (!this.follower) return;
      const shown = editors.some(
        (e) => e.document.uri.scheme === 'output' && e.document.uri.path.includes(KERNEL_LOG_CHANNEL),
      );
      if (shown) this.sawChannel = true;
      else if (this.sawChannel) this.stop('the kernel log view was closed');
    });
  }

  async start(): Promise<void> {
    this.channel ??= vscode.window.createOutputChannel(KERNEL_LOG_CHANNEL);
    const channel = this.channel;
    channel.show(true);
    if (this.follower?.following) return;
    const target = await this.deps.getTarget();
    channel.clear();
    channel.appendLine(
      `--- kernel log of ${target.name ?? 'the target'}, followed every second (stop: status bar or "Netlink: Stop Following Kernel Log") ---`,
    );
    this.sawChannel = false;
    const follower = new KernelLogFollower(target, {
      onLines: (lines, gap) => {
        if (gap) channel.appendLine('--- lines may be missing here: the log moved on faster than it was read ---');
        for (const l of lines) channel.appendLine(l);
      },
      onError: (e) => this.deps.log.warn(`kernel log: ${e.message}`),
    });
    this.follower = follower;
    this.status.show();
    follower.done
      .then(
        () => undefined,
        (e: Error) => {
          channel.appendLine(`--- ${e.message} ---`);
          void vscode.window.showWarningMessage(e.message);
        },
      )
      .finally(() => {
        if (this.follower === follower) {
          this.follower = undefined;
          this.status.hide();
        }
      });
  }

  stop(why: string): void {
    if (!this.follower) return;
    this.follower.stop();
    this.channel?.appendLine(`--- ${why} ---`);
  }

  dispose(): void {
    this.follower?.stop();
    this.visibility.dispose();
    this.status.dispose();
    this.channel?.dispose();
  }
}
