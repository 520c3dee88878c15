// `npm run lab`: boots the lab VM in the foreground, prints the SSH command line once the guest answers, and
// powers it off on Ctrl-C / SIGTERM.
import path from 'node:path';
import type { LabArch } from './arch';
import { LabError } from './errors';
import { ensurePackages, labHostPackages } from './hostPackages';
import { prepareKernel } from './kernel';
import { LabState, LabVm } from './labVm';

function cacheDir(): string {
  // This file is extension/src/lab/main.ts: the repository is three levels up.
  return process.env.NETLINK_CACHE || path.resolve(__dirname, '..', '..', '..', '.cache');
}

function accelFromEnv(): 'auto' | 'kvm' | 'tcg' {
  const v = process.env.NETLINK_LAB_ACCEL ?? 'auto';
  if (v === 'auto' || v === 'kvm' || v === 'tcg') return v;
  throw new LabError('options', `NETLINK_LAB_ACCEL must be auto, kvm or tcg, not ${JSON.stringify(v)}`);
}

function kernelFromEnv(): 'auto' | 'debian' {
  const v = process.env.NETLINK_LAB_KERNEL ?? 'auto';
  if (v === 'auto' || v === 'debian') return v;
  throw new LabError('options', `NETLINK_LAB_KERNEL must be auto or debian, not ${JSON.stringify(v)}`);
}

/** A Debian kernel series (6.1, 6.12) for a Debian kernel; undefined for the lab's default. */
function seriesFromEnv(): string | undefined {
  const v = process.env.NETLINK_LAB_SERIES;
  if (v === undefined || v === '') return undefined;
  if (/^\d+\.\d+$/.test(v)) return v;
  throw new LabError(
    'options',
    `NETLINK_LAB_SERIES must be a Debian kernel series such as 6.12, not ${JSON.stringify(v)}`,
  );
}

function archFromEnv(): LabArch {
  const v = process.env.NETLINK_LAB_ARCH ?? 'x86_64';
  if (v === 'x86_64' || v === 'aarch64') return v;
  throw new LabError('options', `NETLINK_LAB_ARCH must be x86_64 or aarch64, not ${JSON.stringify(v)}`);
}

async function main(): Promise<number> {
  const log = (line: string): void => console.error(`[lab] ${line}`);
  if (process.argv.includes('--kernel-info')) {
    // For build scripts: fetch/unpack the kernel the lab boots and print where its headers are, as JSON.
    const series = seriesFromEnv();
    const k = await prepareKernel({
      cacheDir: cacheDir(),
      log,
      prefer: kernelFromEnv(),
      ...(series ? { series } : {}),
    });
    console.log(
      JSON.stringify({ release: k.release, source: k.source, headersDir: k.headersDir, bootImage: k.bootImage }),
    );
    return 0;
  }
  const abort = new AbortController();
  let vm: LabVm | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (why: string): void => {
    if (stopping) return;
    log(`${why}: stopping`);
    abort.abort();
    stopping = vm ? vm.stop() : Promise.resolve();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const arch = archFromEnv();
  const series = seriesFromEnv();
  await ensurePackages(labHostPackages(arch), log);
  vm = await LabVm.start({
    cacheDir: cacheDir(),
    log,
    signal: abort.signal,
    accel: accelFromEnv(),
    kernel: kernelFromEnv(),
    ...(series ? { series } : {}),
    arch,
  });
  console.log(
    `lab ready: kernel ${vm.kernelRelease} (${vm.arch}, ${vm.accel}), boot to SSH ${vm.bootSeconds.toFixed(1)} s`,
  );
  if (vm.headersDir) console.log(`headers for modules: ${vm.headersDir}`);
  console.log(vm.sshCommandLine);
  const current = vm;
  const code = await new Promise<number>((resolve) => {
    current.on('state', (s: LabState, detail?: string) => {
      if (s === LabState.Failed) {
        log(`the VM failed: ${detail ?? ''} (serial console: ${path.join(cacheDir(), 'lab', 'last-console.log')})`);
        resolve(1);
      }
      if (s === LabState.Stopped) resolve(0);
    });
  });
  await (stopping ?? current.stop());
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof Error && e.name === 'AbortError') {
      console.error('lab: stopped before it was ready');
      process.exit(130);
    }
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
