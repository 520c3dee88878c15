// Shared pieces of the lab tests: starting the VM, running commands in the guest, reading the module's
// counters and the kernel's state. run.sh builds the module and the helper and names them in the environment.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LabVm } from '../../extension/src/lab/labVm';

export const REPO = path.resolve(__dirname, '..', '..');
export const CACHE = process.env.NETLINK_CACHE || path.join(REPO, '.cache');
export const GUEST_KO = '/root/nlreply.ko';
export const GUEST_HELPER = '/usr/local/bin/nlhelper';

/** Lines in dmesg that mean the kernel is hurt (BUG:, kernel BUG at, WARNING:, Oops, SLUB's double free...). */
export const KERNEL_TROUBLE =
  /\bBUG\b|WARNING:|Oops|[Dd]ouble free|general protection|Call Trace|UBSAN|KASAN|list_(add|del) corruption/;

export function builtArtifact(envName: 'NETLINK_LAB_NLREPLY_KO' | 'NETLINK_LAB_NLHELPER'): string {
  const p = process.env[envName];
  if (!p || !existsSync(p)) {
    throw new Error(
      `${envName} must name the built file (got ${JSON.stringify(p)}): run the tier with bash test/lab/run.sh`,
    );
  }
  return p;
}

/**
 * Boots a lab VM for one test file: the lab's own kernel, or Debian's `series` (e.g. "6.12", which run.sh
 * prepares). The test runner ends a file that overruns with SIGTERM, which skips 'exit' handlers: the handler here
 * kills QEMU first, so no VM outlives its test file.
 */
export async function startLab(
  onState?: Parameters<typeof LabVm.start>[0]['onState'],
  series?: string,
): Promise<LabVm> {
  const verbose = process.env.NETLINK_LAB_VERBOSE === '1';
  const vm = await LabVm.start({
    cacheDir: CACHE,
    log: verbose ? (l) => process.stderr.write(`[lab] ${l}\n`) : undefined,
    onState,
    accel: (process.env.NETLINK_LAB_ACCEL as 'auto' | 'kvm' | 'tcg' | undefined) ?? 'auto',
    ...(series ? { kernel: 'debian' as const, series } : {}),
  });
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      vm.terminate();
      process.exit(sig === 'SIGTERM' ? 143 : 130);
    });
  }
  return vm;
}

/** Runs argv in the guest, asserts exit 0, returns stdout. */
export async function guest(vm: LabVm, argv: string[], timeoutMs = 60_000): Promise<string> {
  const r = await vm.exec(argv, { timeoutMs });
  assert.equal(r.code, 0, `${argv.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** A fixed guest shell script; values go in as positional parameters ($1...), never into the script text. */
export function guestSh(vm: LabVm, script: string, args: string[] = [], timeoutMs = 60_000): Promise<string> {
  return guest(vm, ['sh', '-c', script, 'sh', ...args], timeoutMs);
}

export async function installModuleAndHelper(vm: LabVm): Promise<void> {
  await vm.copyTo(builtArtifact('NETLINK_LAB_NLREPLY_KO'), GUEST_KO);
  await installHelper(vm);
}

/** The static helper only: it is built for the arch, not the kernel, so any x86_64 guest takes it. */
export async function installHelper(vm: LabVm): Promise<void> {
  await guest(vm, ['mkdir', '-p', path.posix.dirname(GUEST_HELPER)]);
  await vm.copyTo(builtArtifact('NETLINK_LAB_NLHELPER'), GUEST_HELPER);
  await guest(vm, ['chmod', '755', GUEST_HELPER]);
}

export interface Counters {
  received: number;
  replied: number;
  unicast_failures: number;
  malformed: number;
}

export async function counters(vm: LabVm): Promise<Counters> {
  const out = await guestSh(vm, 'cd /sys/module/nlreply/parameters && cat received replied unicast_failures malformed');
  const [received, replied, unicast_failures, malformed] = out.trim().split(/\s+/).map(Number);
  const c = { received, replied, unicast_failures, malformed };
  for (const [k, v] of Object.entries(c)) assert.ok(Number.isInteger(v), `counter ${k} unreadable: ${out}`);
  return c as Counters;
}

export function delta(after: Counters, before: Counters): Counters {
  return {
    received: after.received - before.received,
    replied: after.replied - before.replied,
    unicast_failures: after.unicast_failures - before.unicast_failures,
    malformed: after.malformed - before.malformed,
  };
}

/**
 * Active sk_buff heads (the skbuff_head_cache slab): a reply skb leaked shows here. SLUB counts free objects
 * in per-CPU partial slabs as active; writing "shrink" first flushes them so the count is exact.
 */
export async function skbHeadsActive(vm: LabVm): Promise<number> {
  const out = await guestSh(
    vm,
    'echo 1 > /sys/kernel/slab/skbuff_head_cache/shrink; grep "^skbuff_head_cache " /proc/slabinfo',
  );
  const active = Number(out.trim().split(/\s+/)[1]);
  assert.ok(Number.isInteger(active), `cannot read skbuff_head_cache from /proc/slabinfo: ${out}`);
  return active;
}

export async function kernelLog(vm: LabVm): Promise<string> {
  return guest(vm, ['dmesg']);
}

/** Trouble lines in dmesg that were not in `earlier` (an older dmesg of the same boot). */
export async function kernelTroubleSince(vm: LabVm, earlier: string): Promise<string[]> {
  const seen = new Set(earlier.split('\n'));
  return (await kernelLog(vm)).split('\n').filter((l) => !seen.has(l) && KERNEL_TROUBLE.test(l));
}

export async function moduleLoaded(vm: LabVm): Promise<boolean> {
  const r = await vm.exec(['test', '-d', '/sys/module/nlreply'], { timeoutMs: 30_000 });
  return r.code === 0;
}

export interface ServeAnswer {
  replies: string[];
  /** The final line without the id: "done", "timeout", "error ...", or "info {json}" for info. */
  final: string;
  info?: unknown;
}

/**
 * Runs `nlhelper serve` with the given request lines (plus quit) and groups its answer lines by request id.
 * See native/PROTOCOL.md.
 */
export async function serve(vm: LabVm, requests: string[], timeoutMs = 60_000): Promise<Map<string, ServeAnswer>> {
  const r = await vm.exec([GUEST_HELPER, 'serve'], { timeoutMs, input: `${[...requests, 'q quit'].join('\n')}\n` });
  assert.equal(r.code, 0, `nlhelper serve exited ${r.code}: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l.length > 0);
  assert.match(lines[0] ?? '', /^nlhelper 1 ready$/, `serve greeting: ${r.stdout}`);
  const answers = new Map<string, ServeAnswer>();
  for (const line of lines.slice(1)) {
    if (line.startsWith('* ')) continue;
    const [id, kind, ...rest] = line.split(' ');
    if (!id || !kind) continue;
    const a = answers.get(id) ?? { replies: [], final: '' };
    if (kind === 'reply') a.replies.push(rest.join(' '));
    else if (kind === 'info') {
      a.info = JSON.parse(rest.join(' '));
      a.final = 'info';
    } else if (kind !== 'result') a.final = [kind, ...rest].join(' ');
    answers.set(id, a);
  }
  return answers;
}

/**
 * The lab VM as an ordinary netlink.targets entry would reach it: user@host:port, the lab's key, and a known_hosts
 * (written into `dir`) that names the guest's host key as [127.0.0.1]:port.
 */
export function labAsSshTarget(
  vm: LabVm,
  dir: string,
): { destination: string; identityFile: string; knownHostsFile: string } {
  const { privateKey: identityFile, knownHosts: labKnownHosts } = vm.endpoint;
  const knownHostsFile = path.join(dir, 'known_hosts');
  writeFileSync(
    knownHostsFile,
    readFileSync(labKnownHosts, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.replace(/^\S+/, `[127.0.0.1]:${vm.port}`))
      .join('\n') + '\n',
  );
  return { destination: `root@127.0.0.1:${vm.port}`, identityFile, knownHostsFile };
}
