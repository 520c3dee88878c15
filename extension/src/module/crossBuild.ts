// Cross builds for local-headers mode: when the headers are of another architecture than this machine, make gets
// ARCH=<kernel arch> CROSS_COMPILE=<triplet>- (the GNU triplets of Debian's cross compilers, gcc-<triplet>).
//
// The architecture comes from the tree's configuration: include/config/auto.conf (what kbuild itself reads for an
// M= build; it refuses a tree without it), else .config. Unlike the release suffix (-arm64 is Debian's naming;
// a tree of one's own is "6.18.0-custom") or the arch/ folder (a full source or O= build tree has every
// architecture's), the configuration names exactly one, in every tree an external module can be built against.
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KmodError } from './remote';

export interface KernelArch {
  /** `uname -m` of such a machine. */
  readonly machine: string;
  /** The kernel's ARCH= name. */
  readonly karch: string;
  /** Debian's cross toolchain prefix without the dash (gcc-<triplet> installs <triplet>-gcc). */
  readonly triplet: string;
}

interface ArchRule extends KernelArch {
  /** Config symbols that are all =y in such a kernel's configuration. */
  readonly symbols: readonly string[];
}

const ARCHES: readonly ArchRule[] = [
  { machine: 'x86_64', karch: 'x86', triplet: 'x86_64-linux-gnu', symbols: ['CONFIG_X86_64'] },
  { machine: 'aarch64', karch: 'arm64', triplet: 'aarch64-linux-gnu', symbols: ['CONFIG_ARM64'] },
  { machine: 'armv7l', karch: 'arm', triplet: 'arm-linux-gnueabihf', symbols: ['CONFIG_ARM'] },
  { machine: 'riscv64', karch: 'riscv', triplet: 'riscv64-linux-gnu', symbols: ['CONFIG_RISCV', 'CONFIG_64BIT'] },
  {
    machine: 'ppc64le',
    karch: 'powerpc',
    triplet: 'powerpc64le-linux-gnu',
    symbols: ['CONFIG_PPC64', 'CONFIG_CPU_LITTLE_ENDIAN'],
  },
  { machine: 's390x', karch: 's390', triplet: 's390x-linux-gnu', symbols: ['CONFIG_S390'] },
];

const strip = ({ machine, karch, triplet }: ArchRule): KernelArch => ({ machine, karch, triplet });

/** The architecture a kernel configuration (.config or include/config/auto.conf text) is for, if one of ours. */
export function kernelArchOfConfig(config: string): KernelArch | undefined {
  const set = new Set(
    config
      .split('\n')
      .map((l) => /^(CONFIG_[A-Z0-9_]+)=y\s*$/.exec(l)?.[1])
      .filter((s): s is string => s !== undefined),
  );
  const rule = ARCHES.find((a) => a.symbols.every((s) => set.has(s)));
  return rule && strip(rule);
}

/** This machine's architecture, from Node's names (process.arch, os.endianness()). */
export function hostKernelArch(
  nodeArch: string = process.arch,
  endianness: string = os.endianness(),
): KernelArch | undefined {
  const machine =
    ({ x64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', riscv64: 'riscv64', s390x: 's390x' } as Record<string, string>)[
      nodeArch
    ] ?? (nodeArch === 'ppc64' && endianness === 'LE' ? 'ppc64le' : undefined);
  const rule = ARCHES.find((a) => a.machine === machine);
  return rule && strip(rule);
}

/** make's extra words: none for the host's own architecture (or one we cannot tell), ARCH and CROSS_COMPILE else. */
export function crossMakeArgs(headers: KernelArch | undefined, host: KernelArch | undefined): string[] {
  if (!headers || !host || headers.machine === host.machine) return [];
  return [`ARCH=${headers.karch}`, `CROSS_COMPILE=${headers.triplet}-`];
}

/**
 * The Debian package with a missing cross tool: aarch64-linux-gnu-gcc -> gcc-aarch64-linux-gnu,
 * aarch64-linux-gnu-gcc-12 (what Debian's headers call: their CC is $(CROSS_COMPILE)gcc-12) -> gcc-12-aarch64-linux-gnu,
 * aarch64-linux-gnu-ld (and the other binutils) -> binutils-aarch64-linux-gnu.
 */
export function crossToolPackage(program: string, triplet: string): string {
  const debTriplet = triplet.replace(/_/g, '-');
  const tool = program.startsWith(`${triplet}-`) ? program.slice(triplet.length + 1) : program;
  const gcc = /^gcc(?:-(\d+))?$/.exec(tool);
  if (gcc) return gcc[1] ? `gcc-${gcc[1]}-${debTriplet}` : `gcc-${debTriplet}`;
  if (/^(ld|as|ar|nm|objcopy|objdump|strip|readelf)(\.\w+)?$/.test(tool)) return `binutils-${debTriplet}`;
  return `gcc-${debTriplet}`;
}

/** The cross program the shell or make could not find in a failed build's output ("/bin/sh: 1: X: not found"). */
export function missingCrossTool(output: string, triplet: string): string | undefined {
  const prefix = `${triplet}-`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(
    `(?:^|[\\s:])(${prefix}[\\w.+-]*): (?:not found|No such file or directory|Command not found)`,
    'm',
  ).exec(output);
  return m?.[1];
}

/** The configuration text of a kernel build tree, or '' when it has none (make will say what is wrong). */
async function configOf(headersDir: string): Promise<string> {
  for (const f of [path.join(headersDir, 'include', 'config', 'auto.conf'), path.join(headersDir, '.config')]) {
    try {
      return await readFile(f, 'utf8');
    } catch {
      // next candidate
    }
  }
  return '';
}

async function onPath(program: string, pathVar: string): Promise<boolean> {
  for (const dir of pathVar.split(path.delimiter).filter(Boolean)) {
    try {
      await access(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

export interface CrossSetup {
  /** Extra make words ([] for a native build). */
  readonly makeArgs: string[];
  /** The headers' architecture when it differs from this machine's. */
  readonly target?: KernelArch;
  readonly host?: KernelArch;
}

/** Says how to build against `headersDir` here; refuses a cross build whose compiler is not on PATH. */
export async function crossSetup(
  headersDir: string,
  env: NodeJS.ProcessEnv = process.env,
  host = hostKernelArch(),
): Promise<CrossSetup> {
  const target = kernelArchOfConfig(await configOf(headersDir));
  const makeArgs = crossMakeArgs(target, host);
  if (makeArgs.length === 0 || !target) return { makeArgs: [] };
  const gcc = `${target.triplet}-gcc`;
  if (!(await onPath(gcc, env.PATH ?? ''))) throw missingCompiler(headersDir, target, host, gcc);
  return { makeArgs, target, ...(host ? { host } : {}) };
}

export function missingCompiler(
  headersDir: string,
  target: KernelArch,
  host: KernelArch | undefined,
  program: string,
): KmodError {
  return new KmodError(
    `${headersDir} is a kernel for ${target.machine} and this machine is ${host?.machine ?? process.arch}: the cross build needs ${program}, ` +
      `which is not on PATH (Debian: apt-get install ${crossToolPackage(program, target.triplet)})`,
  );
}
