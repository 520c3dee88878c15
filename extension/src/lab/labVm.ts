// The lab VM: a throwaway QEMU guest with a real kernel, reached over SSH on 127.0.0.1 like any other target.
// No vscode import here: the extension wraps this class and shows its state.
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chooseAccel } from './accel';
import { hostDebArch } from '../debian/arch';
import { ARCH_PROFILES, hostLabArch, isNativeArch, type LabArch } from './arch';
import { LabError } from './errors';
import { signalOwned, spawnOwned } from './ownedProcess';
import { freePort } from './freePort';
import { foreignUserland } from './guestUserland';
import { buildInitramfs } from './initramfs';
import { prepareKernel, type LabKernel } from './kernel';
import { qemuArgv, type Accel } from './qemuArgs';
import { run, type RunResult } from '../process/run';
import { shellCommand as quoteArgv } from '../target/quote';
import { sshBannerSeen } from './sshBanner';
import { ensureClientKey } from './sshKeys';
import { scpArgv, sshArgv, sshCommandLine, type SshEndpoint } from './sshArgs';

export enum LabState {
  Stopped = 'stopped',
  Booting = 'booting',
  Ready = 'ready',
  Failed = 'failed',
}

export interface LabStartOptions {
  /** The cache root (${NETLINK_CACHE:-<repo>/.cache}); kernels/ and lab/ live below it. */
  cacheDir: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Called on every state change, from the first (booting) on. */
  onState?: (state: LabState, detail?: string) => void;
  accel?: 'auto' | Accel;
  kernel?: 'auto' | 'debian';
  /** Debian kernel series (e.g. "6.12") when a Debian kernel boots; default the lab's (kernel.ts). */
  series?: string;
  /** From QEMU's start to SSH answering; TCG on a loaded 2-core machine needs the margin. */
  bootTimeoutMs?: number;
  /**
   * Guest architecture, default x86_64. aarch64 boots Debian's arm64 kernel on QEMU's virt machine under TCG with
   * arm64 busybox and dropbear; modules for it are cross-built here against its headers, fetched on the first build.
   */
  arch?: LabArch;
}

export interface ExecOptions {
  timeoutMs: number;
  input?: string | Buffer;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const SSH_RETRY_MS = 200;
const BANNER_TIMEOUT_MS = 1_000;
const FORWARD_RETRIES = 3;

/** A foreign guest runs under TCG only; asking for KVM there is a mistake worth saying. */
function foreignAccel(arch: LabArch, asked: LabStartOptions['accel']): Accel {
  if (asked === 'kvm')
    throw new LabError(
      'options',
      `an ${arch} guest cannot use KVM on this ${hostLabArch() ?? 'unknown'} host: use tcg`,
    );
  return 'tcg';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class LabVm extends EventEmitter {
  private stateValue = LabState.Stopped;
  private qemu: ChildProcess | undefined;
  private consoleStream: WriteStream | undefined;
  private stopping = false;
  private readonly killOnExit = (): void => this.terminate();

  private constructor(
    private readonly opts: LabStartOptions,
    readonly kernel: LabKernel,
    readonly accel: Accel,
    private readonly runDir: string,
    /** Where and how ssh reaches the guest (port, key, pinned known_hosts). */
    readonly endpoint: SshEndpoint,
  ) {
    super();
  }

  get state(): LabState {
    return this.stateValue;
  }
  get port(): number {
    return this.endpoint.port;
  }
  get kernelRelease(): string {
    return this.kernel.release;
  }
  /**
   * '' for a guest of another architecture: its headers are not prepared at boot; a module build fetches them for
   * the guest's `uname -r` (cross build, module/crossBuild.ts).
   */
  get headersDir(): string {
    return this.kernel.headersDir;
  }
  get arch(): LabArch {
    return this.kernel.arch;
  }
  /** argv prefix to reach the guest: append one command string quoted with quoteArgv. */
  get sshArgs(): string[] {
    return sshArgv(this.endpoint);
  }
  /** What a person pastes into a terminal. */
  get sshCommandLine(): string {
    return sshCommandLine(this.endpoint);
  }
  /** Serial console of this boot (copied to <cache>/lab/last-console.log when the VM stops). */
  get consoleLog(): string {
    return path.join(this.runDir, 'console.log');
  }
  /** Seconds from QEMU's start to the first successful SSH command. */
  bootSeconds = 0;

  /** Prepares kernel and initramfs (cached), boots, and resolves once SSH answers. */
  static async start(opts: LabStartOptions): Promise<LabVm> {
    const log = opts.log ?? ((): void => undefined);
    opts.onState?.(LabState.Booting, 'preparing kernel and initramfs');
    const labDir = path.join(opts.cacheDir, 'lab');
    let runDir: string | undefined;
    try {
      const arch = opts.arch ?? 'x86_64';
      const kernel = await prepareKernel({
        cacheDir: opts.cacheDir,
        log,
        prefer: opts.kernel ?? 'auto',
        arch,
        ...(opts.series ? { series: opts.series } : {}),
      });
      log(`kernel ${kernel.release} (${kernel.source}, ${arch}), headers ${kernel.headersDir || 'none'}`);
      const key = await ensureClientKey(path.join(labDir, 'client-key'));
      const initramfs = await buildInitramfs({
        labDir,
        kernelRelease: kernel.release,
        modulesDir: kernel.modulesDir,
        authorizedKey: key.publicKeyLine,
        log,
        ...(isNativeArch(arch)
          ? {}
          : {
              userland: await foreignUserland(opts.cacheDir, ARCH_PROFILES[arch].debArch, hostDebArch(), log),
            }),
      });
      // KVM runs only guests of the host's own architecture; the probe boots the x86_64 kernel.
      const accel = isNativeArch(arch)
        ? await chooseAccel(labDir, kernel.bootImage, opts.accel ?? 'auto', log)
        : foreignAccel(arch, opts.accel);
      opts.signal?.throwIfAborted();
      runDir = await mkdtemp(path.join(os.tmpdir(), 'netlink-lab-'));
      let lastError: unknown;
      for (let attempt = 0; attempt < FORWARD_RETRIES; attempt++) {
        const endpoint: SshEndpoint = {
          port: await freePort(),
          privateKey: key.privateKey,
          knownHosts: initramfs.knownHosts,
        };
        const vm = new LabVm(opts, kernel, accel, runDir, endpoint);
        try {
          await vm.boot(initramfs.file);
          return vm;
        } catch (e) {
          lastError = e;
          // Only a lost race for the port is worth another try.
          if (!(e instanceof LabError && e.where === 'port')) break;
        }
      }
      throw lastError;
    } catch (e) {
      opts.onState?.(LabState.Failed, e instanceof Error ? e.message : String(e));
      if (runDir) {
        // The serial console tells why a boot failed: keep it where a person can look.
        await copyFile(path.join(runDir, 'console.log'), path.join(labDir, 'last-console.log')).catch(() => undefined);
        await rm(runDir, { recursive: true, force: true });
      }
      throw e;
    }
  }

  private setState(s: LabState, detail?: string): void {
    this.stateValue = s;
    this.opts.onState?.(s, detail);
    this.emit('state', s, detail);
  }

  private async boot(initrd: string): Promise<void> {
    const log = this.opts.log ?? ((): void => undefined);
    this.setState(LabState.Booting, `booting ${this.kernel.release} (${this.accel})`);
    const argv = qemuArgv({
      accel: this.accel,
      kernel: this.kernel.bootImage,
      initrd,
      sshPort: this.port,
      arch: this.kernel.arch,
    });
    log(`${quoteArgv(argv)}`);
    const t0 = Date.now();
    this.consoleStream = createWriteStream(this.consoleLog);
    // QEMU's stdin is /dev/null: -nographic would otherwise put the host terminal into raw mode. Owned: it has a
    // process group of its own (a Ctrl-C in the terminal reaches only us, and we power the guest off in order),
    // and it is stopped when this process ends in any way, a SIGKILL included (ownedProcess.ts).
    const qemu = spawnOwned(argv);
    this.qemu = qemu;
    process.on('exit', this.killOnExit);
    let stderr = '';
    qemu.stdout?.pipe(this.consoleStream, { end: false });
    qemu.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
      this.consoleStream?.write(c);
    });
    const exited = new Promise<void>((resolve) => qemu.once('exit', () => resolve()));
    qemu.once('exit', (code, signal) => {
      process.off('exit', this.killOnExit);
      if (!this.stopping && this.stateValue === LabState.Ready) {
        this.setState(LabState.Failed, `QEMU exited (${code ?? signal})`);
        this.emit('exit', code, signal);
      }
    });

    const deadline = t0 + (this.opts.bootTimeoutMs ?? 120_000);
    let qemuGone = false;
    void exited.then(() => (qemuGone = true));
    try {
      for (;;) {
        this.opts.signal?.throwIfAborted();
        if (qemuGone) {
          if (/host forwarding|Could not set up/i.test(stderr))
            throw new LabError('port', `QEMU could not forward port ${this.port}`, stderr);
          throw new LabError('boot', 'QEMU exited before SSH answered', await this.consoleTail());
        }
        if (Date.now() > deadline)
          throw new LabError(
            'boot',
            `SSH did not answer within ${this.opts.bootTimeoutMs ?? 120_000} ms`,
            await this.consoleTail(),
          );
        if (!(await sshBannerSeen(this.port, BANNER_TIMEOUT_MS))) {
          await sleep(SSH_RETRY_MS);
          continue;
        }
        const r = await run([...this.sshArgs, 'true'], { timeoutMs: 20_000, signal: this.opts.signal });
        if (r.code === 0) break;
        // A wrong host key is a real error, not a guest still booting.
        if (/Host key verification failed|IDENTIFICATION HAS CHANGED|Permission denied/.test(r.stderr)) {
          throw new LabError('ssh', 'the guest refused the lab key or showed another host key', r.stderr);
        }
        await sleep(SSH_RETRY_MS);
      }
    } catch (e) {
      // start() reports the failure (once, after any retry on another port).
      await this.kill();
      this.consoleStream.end();
      throw e;
    }
    this.bootSeconds = (Date.now() - t0) / 1000;
    this.setState(LabState.Ready, `ssh on 127.0.0.1:${this.port} after ${this.bootSeconds.toFixed(1)} s`);
  }

  private async consoleTail(): Promise<string> {
    try {
      return (await readFile(this.consoleLog, 'utf8')).split('\n').slice(-30).join('\n');
    } catch {
      return '';
    }
  }

  /** Runs argv in the guest (quoted here, in quoteArgv, and nowhere else). */
  async exec(argv: readonly string[], opts: ExecOptions): Promise<ExecResult> {
    if (this.stateValue !== LabState.Ready) throw new LabError('exec', `the lab is ${this.stateValue}, not ready`);
    const r: RunResult = await run([...this.sshArgs, quoteArgv(argv)], {
      timeoutMs: opts.timeoutMs,
      input: opts.input,
    });
    if (r.timedOut) throw new LabError('exec', `${quoteArgv(argv)} timed out after ${opts.timeoutMs} ms`, r.stderr);
    return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr };
  }

  /** Copies a host file into the guest with scp (SFTP; sftp-server is in the initramfs). */
  async copyTo(localPath: string, remotePath: string, timeoutMs = 60_000): Promise<void> {
    if (this.stateValue !== LabState.Ready) throw new LabError('copy', `the lab is ${this.stateValue}, not ready`);
    if (!remotePath.startsWith('/') || /[\n\r]/.test(remotePath)) {
      throw new LabError('copy', `remote path must be absolute and on one line: ${JSON.stringify(remotePath)}`);
    }
    if (!existsSync(localPath)) throw new LabError('copy', `${localPath} does not exist`);
    const r = await run(scpArgv(this.endpoint, localPath, remotePath), { timeoutMs });
    if (r.timedOut || r.code !== 0) {
      throw new LabError(
        'copy',
        `scp ${localPath} -> ${remotePath} failed (${r.timedOut ? 'timeout' : r.code})`,
        r.stderr,
      );
    }
  }

  /**
   * Kills QEMU at once, synchronously: for signal and exit handlers, where nothing can be awaited. Registered
   * for the process's 'exit' event too, so a VM never outlives the process that started it.
   */
  terminate(): void {
    const q = this.qemu;
    if (q) signalOwned(q, 'SIGKILL');
  }

  private async kill(): Promise<void> {
    const q = this.qemu;
    if (!q || q.exitCode !== null || q.signalCode !== null) return;
    const gone = new Promise<void>((r) => q.once('exit', () => r()));
    const waitFor = (ms: number): Promise<boolean> =>
      Promise.race([gone.then(() => true), sleep(ms).then(() => false)]);
    signalOwned(q, 'SIGTERM');
    if (!(await waitFor(5_000))) {
      signalOwned(q, 'SIGKILL');
      await waitFor(5_000);
    }
  }

  /** Powers the guest off (then SIGTERM / SIGKILL if it lingers), keeps the console log, removes the run folder. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const q = this.qemu;
    if (q && q.exitCode === null && q.signalCode === null) {
      const gone = new Promise<void>((r) => q.once('exit', () => r()));
      if (this.stateValue === LabState.Ready) {
        // poweroff -f calls reboot(2) at once; the SSH session dies with the guest, so its result is moot.
        await run([...this.sshArgs, quoteArgv(['poweroff', '-f'])], { timeoutMs: 5_000 }).catch(() => undefined);
        await Promise.race([gone, sleep(5_000)]);
      }
      await this.kill();
    }
    this.consoleStream?.end();
    const keep = path.join(this.opts.cacheDir, 'lab', 'last-console.log');
    await copyFile(this.consoleLog, keep).catch(() => undefined);
    await rm(this.runDir, { recursive: true, force: true });
    this.setState(LabState.Stopped);
  }
}
