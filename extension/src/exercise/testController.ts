// Exercises in the Test Explorer: every `exercises/*.yaml` of the module folder (and any `kmod/exercises/` in the
// workspace) is a test item, each step a child. Runs go through the exchanger extension.ts provides (the
// target's helper session); a failure shows why and the decoded replies. Problems in a file are located in
// Problems and on its item. Thin: parsing and running are in parse.ts / runner.ts.
import path from 'node:path';
import * as vscode from 'vscode';
import type { Config } from '../config';
import type { Exchanger } from '../exchange/exchanger';
import { parseExerciseText, readExerciseText } from './loadFile';
import type { ParseResult } from './parse';
import { runExercise, type StepResult, type StepStatus } from './runner';
import type { Exercise } from './types';

export interface ExerciseControllerDeps {
  getExchanger(): Promise<Exchanger>;
  /** The settings: the module folder is where `exercises/` is looked for. */
  readonly config: Config;
  readonly log: vscode.LogOutputChannel;
  /** Told of every run's verdicts when it ended (the walkthrough's steps). */
  readonly onRunEnded?: (outcomes: readonly ExerciseStepOutcome[]) => void;
}

const GLOBS = ['**/kmod/exercises/*.{yaml,yml}'];

/** One step's verdict as `netlink.runExercise` resolves it (plain data: the command's callers may be tests). */
export interface ExerciseStepOutcome {
  readonly exercise: string;
  readonly step: string;
  readonly status: StepStatus;
  /** Why it failed, or what passed (the same text the Test Explorer shows). */
  readonly message: string;
}

interface FileEntry {
  item: vscode.TestItem;
  parsed: ParseResult;
}

export class ExerciseTestController implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController('netlinkExercises', 'Netlink Exercises');
  private readonly problems = vscode.languages.createDiagnosticCollection('netlink-exercises');
  private readonly files = new Map<string, FileEntry>();
  private readonly disposables: vscode.Disposable[] = [];

  static register(context: vscode.ExtensionContext, deps: ExerciseControllerDeps): ExerciseTestController {
    const c = new ExerciseTestController(deps);
    context.subscriptions.push(c);
    return c;
  }

  private constructor(private readonly deps: ExerciseControllerDeps) {
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    this.controller.refreshHandler = () => this.discover();
    this.controller.createRunProfile(
      'Run',
      vscode.TestRunProfileKind.Run,
      async (req, token) => void (await this.run(req, token)),
      true,
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/exercises/*.{yaml,yml}');
    watcher.onDidCreate((u) => void this.refreshIfExercise(u));
    watcher.onDidChange((u) => void this.refreshIfExercise(u));
    watcher.onDidDelete((u) => this.remove(u));
    this.disposables.push(
      watcher,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.files.has(e.document.uri.toString())) this.update(e.document.uri, e.document.getText());
      }),
      deps.config.onDidChange((e) => e.affects('module') && void this.discover()),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.problems.dispose();
    this.controller.dispose();
  }

  /** The module folder (absolute); undefined when none can be resolved (no workspace folder). */
  private moduleFolder(): string | undefined {
    const folder = this.deps.config.settings.module.folder;
    return 'dir' in folder ? folder.dir : undefined;
  }

  private inModuleFolder(uri: vscode.Uri): boolean {
    const dir = this.moduleFolder();
    return (
      dir !== undefined &&
      path.dirname(path.dirname(uri.fsPath)) === dir &&
      path.basename(path.dirname(uri.fsPath)) === 'exercises'
    );
  }

  private async refreshIfExercise(uri: vscode.Uri): Promise<void> {
    if (
      this.files.has(uri.toString()) ||
      this.inModuleFolder(uri) ||
      /[\\/]kmod[\\/]exercises[\\/][^\\/]+\.ya?ml$/.test(uri.fsPath)
    ) {
      await this.load(uri);
    }
  }

  async discover(): Promise<void> {
    const found = new Map<string, vscode.Uri>();
    const dir = this.moduleFolder();
    if (dir) {
      for (const u of await vscode.workspace.findFiles(
        new vscode.RelativePattern(vscode.Uri.file(dir), 'exercises/*.{yaml,yml}'),
      ))
        found.set(u.toString(), u);
    }
    for (const glob of GLOBS)
      for (const u of await vscode.workspace.findFiles(glob, '**/node_modules/**')) found.set(u.toString(), u);
    for (const key of [...this.files.keys()]) if (!found.has(key)) this.remove(vscode.Uri.parse(key));
    for (const u of found.values()) await this.load(u);
  }

  private async load(uri: vscode.Uri): Promise<void> {
    let text: string;
    try {
      text = await this.currentText(uri);
    } catch (e) {
      // A FIFO, a device link or a huge file named like an exercise: said in the log, the other files still load.
      this.deps.log.warn(`exercise ${(e as Error).message}`);
      return;
    }
    this.update(uri, text);
  }

  private remove(uri: vscode.Uri): void {
    this.files.delete(uri.toString());
    this.controller.items.delete(uri.toString());
    this.problems.delete(uri);
  }

  private update(uri: vscode.Uri, text: string): FileEntry {
    const parsed = parseExerciseText(text, uri.fsPath);
    const id = uri.toString();
    const item = this.controller.items.get(id) ?? this.controller.createTestItem(id, path.basename(uri.fsPath), uri);
    item.label = parsed.exercise?.name ?? path.basename(uri.fsPath);
    item.description = path.basename(uri.fsPath);
    item.range = new vscode.Range(0, 0, 0, 0);
    item.error = parsed.problems.length
      ? new vscode.MarkdownString(parsed.problems.map((p) => `line ${p.line}: ${p.message}`).join('\n\n'))
      : undefined;
    const children: vscode.TestItem[] = [];
    for (const step of parsed.exercise?.steps ?? []) {
      const child = this.controller.createTestItem(`${id}#${step.name}`, step.name, uri);
      child.range = new vscode.Range(step.line - 1, step.col - 1, step.line - 1, step.col - 1);
      children.push(child);
    }
    item.children.replace(children);
    this.controller.items.add(item);
    this.problems.set(
      uri,
      parsed.problems.map((p) => {
        const d = new vscode.Diagnostic(
          new vscode.Range(p.line - 1, p.col - 1, p.line - 1, Number.MAX_SAFE_INTEGER),
          p.message,
          vscode.DiagnosticSeverity.Error,
        );
        d.source = 'exercise';
        return d;
      }),
    );
    const entry = { item, parsed };
    this.files.set(id, entry);
    return entry;
  }

  /**
   * `netlink.runExercise`: the file given, the active editor's, or one picked from those discovered. Resolves to
   * every step's verdict (also reported to the Test Explorer), or undefined when no exercise was run.
   */
  async runExercise(uri?: vscode.Uri): Promise<ExerciseStepOutcome[] | undefined> {
    await this.discover();
    let target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!target || !this.files.has(target.toString())) {
      const picks = [...this.files.values()].map((f) => ({
        label: f.item.label,
        description: f.item.uri?.fsPath,
        uri: f.item.uri as vscode.Uri,
      }));
      if (picks.length === 0) {
        void vscode.window.showWarningMessage(
          'No exercises found: they are the exercises/*.yaml files of the module folder (netlink.module.folder).',
        );
        return undefined;
      }
      target =
        picks.length === 1
          ? picks[0]?.uri
          : (await vscode.window.showQuickPick(picks, { title: 'Run which exercise?' }))?.uri;
      if (!target) return undefined;
    }
    const entry = this.files.get(target.toString());
    if (!entry) return undefined;
    const cts = new vscode.CancellationTokenSource();
    try {
      return await this.run(new vscode.TestRunRequest([entry.item]), cts.token);
    } finally {
      cts.dispose();
    }
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<ExerciseStepOutcome[]> {
    const outcomes: ExerciseStepOutcome[] = [];
    const run = this.controller.createTestRun(request);
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      if (this.files.size === 0) await this.discover();
      // Which steps of which files: a file item means all its steps.
      const wanted = new Map<string, Set<string> | 'all'>();
      const roots = request.include ?? [...this.files.values()].map((f) => f.item);
      for (const item of roots) {
        const fileId = item.parent?.id ?? item.id;
        if (item.parent) {
          const cur = wanted.get(fileId);
          if (cur !== 'all') wanted.set(fileId, new Set([...(cur ?? []), item.id]));
        } else wanted.set(fileId, 'all');
      }
      const excluded = new Set((request.exclude ?? []).map((i) => i.id));
      let exchanger: Exchanger | undefined;
      for (const [fileId, steps] of wanted) {
        if (abort.signal.aborted) break;
        const entry = this.files.get(fileId);
        if (!entry) continue;
        const fresh = this.update(entry.item.uri as vscode.Uri, await this.currentText(entry.item.uri as vscode.Uri));
        const ex = fresh.parsed.exercise;
        const items = new Map<number, vscode.TestItem>();
        ex?.steps.forEach((s) => {
          const item = fresh.item.children.get(`${fileId}#${s.name}`);
          if (item && !excluded.has(item.id) && (steps === 'all' || steps.has(item.id))) items.set(s.index, item);
        });
        if (!ex || fresh.parsed.problems.length > 0) {
          const msg = new vscode.TestMessage(
            fresh.parsed.problems.map((p) => `line ${p.line}: ${p.message}`).join('\n') ||
              'the exercise could not be read',
          );
          run.errored(fresh.item, msg);
          if (!ex) continue;
        }
        for (const item of items.values()) run.enqueued(item);
        try {
          exchanger ??= await this.deps.getExchanger();
        } catch (e) {
          const message = `no connection to the target: ${(e as Error).message}`;
          for (const item of items.values()) {
            run.errored(item, new vscode.TestMessage(message));
            outcomes.push({ exercise: ex.name, step: item.label, status: 'error', message });
          }
          continue;
        }
        await this.runFile(run, ex, exchanger, items, abort.signal, outcomes);
      }
    } finally {
      sub.dispose();
      run.end();
    }
    this.deps.onRunEnded?.(outcomes);
    return outcomes;
  }

  private async currentText(uri: vscode.Uri): Promise<string> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    // Read here with the bounded reader (a workspace's file: it may be a FIFO or a link to /dev/zero).
    return uri.scheme === 'file'
      ? readExerciseText(uri.fsPath)
      : Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  }

  private async runFile(
    run: vscode.TestRun,
    ex: Exercise,
    exchanger: Exchanger,
    items: Map<number, vscode.TestItem>,
    signal: AbortSignal,
    outcomes: ExerciseStepOutcome[],
  ): Promise<void> {
    const uri = vscode.Uri.file(ex.source);
    const reported = new Set<number>();
    const report = (r: StepResult): void => {
      const item = items.get(r.step.index);
      if (!item) return;
      reported.add(r.step.index);
      outcomes.push({ exercise: ex.name, step: r.step.name, status: r.status, message: r.message });
      const where = new vscode.Location(uri, new vscode.Position(r.step.line - 1, r.step.col - 1));
      run.appendOutput(
        `[${ex.name}] ${r.step.name}: ${r.status}\r\n${`${r.message}\n${r.details}`.replace(/\r?\n/g, '\r\n')}\r\n\r\n`,
        where,
        item,
      );
      if (r.status === 'pass') {
        run.passed(item, r.durationMs);
        return;
      }
      const msg = new vscode.TestMessage(`${r.message}\n\n${r.details}`);
      msg.location = where;
      if (r.status === 'fail') run.failed(item, msg, r.durationMs);
      else run.errored(item, msg, r.durationMs);
      this.deps.log.info(`exercise ${ex.name} / ${r.step.name}: ${r.status}: ${r.message.split('\n')[0]}`);
    };
    try {
      await runExercise(ex, exchanger, {
        only: new Set(items.keys()),
        signal,
        onStart: (s) => {
          const item = items.get(s.index);
          if (item) run.started(item);
        },
        onResult: report,
      });
    } catch (e) {
      for (const [index, item] of items) {
        if (reported.has(index)) continue;
        if (signal.aborted) run.skipped(item);
        else {
          run.errored(item, new vscode.TestMessage((e as Error).message));
          outcomes.push({ exercise: ex.name, step: item.label, status: 'error', message: (e as Error).message });
        }
      }
    }
  }
}
