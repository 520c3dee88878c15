// musl for a cross build of the static nlhelper (native/build-static.sh): Debian has no musl cross package, but it
// has musl-dev for every architecture. Its arm64 .deb is fetched with the lab's private arm64 apt state (no
// `dpkg --add-architecture` on this machine) and unpacked into the cache; the specs file it carries (what Debian's
// musl-gcc passes to gcc) is rewritten to point at the unpacked headers and libraries, so Debian's
// aarch64-linux-gnu-gcc compiles and links against musl with `-specs <printed path>`.
//   node --import tsx tools/build/musl-cross.ts arm64     prints the specs file's path
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptFor, downloadAndUnpack, ensureAptLists } from '../../extension/src/debian/apt';
import type { DebArch } from '../../extension/src/debian/arch';

/** Debian's musl triplet folder (/usr/lib/<triplet>, /usr/include/<triplet>) for each architecture. */
const TRIPLET: Record<DebArch, string> = { amd64: 'x86_64-linux-musl', arm64: 'aarch64-linux-musl' };

/** The specs text with Debian's absolute musl folders replaced by the unpacked copy's (the loader path stays). */
export function relocateSpecs(specs: string, triplet: string, root: string): string {
  return specs
    .replaceAll(`/usr/include/${triplet}`, path.join(root, 'usr', 'include', triplet))
    .replaceAll(`/usr/lib/${triplet}`, path.join(root, 'usr', 'lib', triplet));
}

export async function muslSpecs(cacheDir: string, debArch: DebArch, log: (l: string) => void): Promise<string> {
  const triplet = TRIPLET[debArch];
  const kernels = path.join(cacheDir, 'musl');
  const release = `musl-dev-${debArch}`;
  const root = path.join(kernels, release);
  const original = path.join(root, 'usr', 'lib', triplet, 'musl-gcc.specs');
  if (!existsSync(original)) {
    const apt = aptFor(cacheDir, debArch);
    await ensureAptLists(apt, log);
    await downloadAndUnpack(apt, kernels, release, ['musl-dev'], log);
  }
  if (!existsSync(original)) throw new Error(`musl-dev for ${debArch} has no ${original}`);
  const relocated = path.join(root, 'musl-gcc.specs');
  await writeFile(relocated, relocateSpecs(await readFile(original, 'utf8'), triplet, root));
  return relocated;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arch = process.argv[2];
  if (arch !== 'arm64' && arch !== 'amd64') {
    console.error('usage: musl-cross.ts arm64|amd64');
    process.exit(2);
  }
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const cache = process.env.NETLINK_CACHE || path.join(repo, '.cache');
  muslSpecs(cache, arch, (l) => console.error(`musl-cross: ${l}`)).then(
    (specs) => console.log(specs),
    (e: unknown) => {
      console.error(`musl-cross: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
