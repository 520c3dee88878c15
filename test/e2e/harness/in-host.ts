// Runs an extensionTestsPath module inside code-server's extension host, the way @vscode/test-electron does on
// the desktop: smoke-test-driver mode, a payload naming the extension and the tests, the exit code via
// window.codeAutomationExit. Per-test results come back through a JSON file the suite writes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser } from './browser';
import { cleanupAll, withTimeout } from './cleanup';
import { makeRunDirs, startCodeServer } from './code-server';

export interface InHostResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export interface InHostRun {
  exitCode: number;
  /** Undefined when the suite never reported (it did not load, or the host died). */
  results: InHostResult[] | undefined;
  log: string[];
  /** Blocked requests from the workbench to anywhere but 127.0.0.1. */
  outsideRequests: string[];
}

export interface InHostOptions {
  extensionPath: string;
  testsPath: string;
  workspace: string;
  runName: string;
  timeoutMs: number;
  /** User settings over the offline ones (code-server.ts). */
  settings?: Record<string, unknown>;
  /** Machine settings: see CodeServerOptions.machineSettings. */
  machineSettings?: Record<string, unknown>;
  /** Workspace Trust on: see CodeServerOptions.workspaceTrust. */
  workspaceTrust?: boolean;
}

export async function runInHost(opts: InHostOptions): Promise<InHostRun> {
  const dirs = makeRunDirs(opts.runName);
  const resultsFile = join(dirs.root, 'results.json');
  const log: string[] = [];
  const t0 = Date.now();
  const step = (what: string): void => console.log(`[e2e] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  try {
    const server = await startCodeServer({
      dirs,
      workspace: opts.workspace,
      smokeTestDriver: true,
      ...(opts.settings ? { settings: opts.settings } : {}),
      ...(opts.machineSettings ? { machineSettings: opts.machineSettings } : {}),
      ...(opts.workspaceTrust ? { workspaceTrust: true } : {}),
      env: { NETLINK_VSCODE_RESULTS: resultsFile },
    });
    step(`code-server ready on ${server.origin}`);
    const { page, outsideRequests } = await openBrowser();
    step('browser ready');
    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((r) => (resolveExit = r));
    // Both must exist before the workbench loads: it looks for them once.
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      log.push(`[${type}] ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
    });
    page.on('console', (m) => log.push(`[console.${m.type()}] ${m.text()}`));
    // The authority must be the page's own host:port, or the workbench does not resolve the paths.
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(opts.extensionPath)],
      ['extensionTestsPath', remote(opts.testsPath)],
      ['skipWelcome', 'true'],
    ];
    const url = `${server.origin}/?folder=${encodeURIComponent(opts.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await withTimeout('opening the workbench', 60_000, page.goto(url));
    step('workbench loading, tests starting in the extension host');
    const exitCode = await withTimeout(`in-host tests (log ${dirs.log})`, opts.timeoutMs, exited).catch(
      (err: unknown) => {
        // What the workbench said is the only clue when the host never reports: keep it in the error.
        throw new Error(`${err instanceof Error ? err.message : String(err)}\n${log.slice(-40).join('\n')}`);
      },
    );
    step(`extension host exited with code ${exitCode}`);
    const results = existsSync(resultsFile)
      ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as InHostResult[])
      : undefined;
    for (const url of outsideRequests) log.push(`[blocked] request outside 127.0.0.1: ${url}`);
    return { exitCode, results, log, outsideRequests };
  } finally {
    await cleanupAll();
    step('stopped');
  }
}
