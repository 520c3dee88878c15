// Regenerating a module's YNL-generated files (policies, op tables, uapi header) from its spec with the kernel's
// own generator (ynl-gen-c, found by ynlGenFind.ts), before a build. As the kernel's tools/net/ynl/ynl-regen.sh
// does: the files to regenerate are found by the generator's own header ("auto-generated from: <spec>" then
// "YNL-GEN <mode> <header|source>"), and one is regenerated when its spec is newer than it.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from '../process/run';
import { KmodError } from './remote';
import { kernelRootOfGenerator } from './ynlGenFind';

/** What a generated file's header says about how it was made. */
export interface YnlGenHeader {
  /** The spec's file name, in the module folder. */
  readonly spec: string;
  readonly mode: 'kernel' | 'uapi' | 'user';
  readonly kind: 'header' | 'source';
}

export interface GeneratedFile extends YnlGenHeader {
  /** Relative to the module folder ("genldemo-nl.c", "include/uapi/linux/genldemo.h"). */
  readonly file: string;
}

/** Where generated files may be: the module folder's top level, and the uapi headers the sources include. */
export const GENERATED_FOLDERS = ['', 'include/uapi/linux'] as const;

const GEN_TIMEOUT_MS = 60_000;
/** The schemas a spec's `protocol` names, next to the specs folder in a kernel tree (Documentation/netlink/). */
const SCHEMAS = ['genetlink.yaml', 'genetlink-c.yaml', 'genetlink-legacy.yaml', 'netlink-raw.yaml'];

/** The generator's header in a file's first lines, or undefined when the file is not YNL-generated. */
export function parseYnlGenHeader(text: string): YnlGenHeader | undefined {
  const head = text.slice(0, 1000);
  const m =
    /\/\* Do not edit directly, auto-generated from: \*\/\r?\n\/\*\s*(\S+)\s*\*\/\r?\n\/\* YNL-GEN (kernel|uapi|user) (header|source) \*\//.exec(
      head,
    );
  if (!m) return undefined;
  return { spec: m[1] as string, mode: m[2] as YnlGenHeader['mode'], kind: m[3] as YnlGenHeader['kind'] };
}

/** The YNL-generated .c/.h files of a module folder. */
export async function findGeneratedFiles(moduleDir: string): Promise<GeneratedFile[]> {
  const found: GeneratedFile[] = [];
  for (const sub of GENERATED_FOLDERS) {
    let names: string[];
    try {
      names = (await readdir(path.join(moduleDir, sub), { withFileTypes: true }))
        .filter((e) => e.isFile() && /^[^.].*\.[ch]$/.test(e.name))
        .map((e) => e.name)
        .sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = sub ? `${sub}/${name}` : name;
      const header = parseYnlGenHeader(await readFile(path.join(moduleDir, file), 'utf8'));
      if (header) found.push({ file, ...header });
    }
  }
  return found;
}

/**
 * The generated files whose spec, in the module folder, is newer than they are. A file generated from a spec
 * elsewhere (a kernel tree's Documentation/netlink/specs/...) or whose spec is gone is left as it is: it builds as
 * any source does.
 */
export async function staleGeneratedFiles(
  moduleDir: string,
  files: readonly GeneratedFile[],
): Promise<GeneratedFile[]> {
  const stale: GeneratedFile[] = [];
  for (const f of files) {
    if (f.spec.includes('/') || f.spec.startsWith('.')) continue;
    const spec = await stat(path.join(moduleDir, f.spec)).catch(() => undefined);
    if (!spec?.isFile()) continue;
    const out = await stat(path.join(moduleDir, f.file));
    if (spec.mtimeMs > out.mtimeMs) stale.push(f);
  }
  return stale;
}

export interface RegenerateOptions {
  /** The generator of a kernel source tree (ynlGenFind.ts); its schemas are read from Documentation/netlink/. */
  readonly generator: string;
  readonly python?: string;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/**
 * Runs the generator for each file, writing a file only when the generator succeeded. The spec is handed over in a
 * private folder laid out as the generator expects (the schema two folders up, a MAINTAINERS file marking the root
 * it names the spec relative to), so the generated header names the spec by its file name alone.
 */
export async function regenerate(
  moduleDir: string,
  files: readonly GeneratedFile[],
  opts: RegenerateOptions,
): Promise<void> {
  if (files.length === 0) return;
  const schemaDir = path.join(kernelRootOfGenerator(opts.generator), 'Documentation', 'netlink');
  const work = await mkdtemp(path.join(os.tmpdir(), 'nlwb-ynlgen-'));
  try {
    const specs = path.join(work, 'specs');
    await mkdir(specs);
    await mkdir(path.join(work, 'out'));
    await writeFile(path.join(specs, 'MAINTAINERS'), '');
    let schemas = 0;
    for (const s of SCHEMAS) {
      await copyFile(path.join(schemaDir, s), path.join(work, s)).then(
        () => schemas++,
        () => undefined,
      );
    }
    if (schemas === 0)
      throw new KmodError(`no YNL schemas in ${schemaDir}: is ${opts.generator} in a kernel source tree?`);
    for (const f of files) {
      opts.signal?.throwIfAborted();
      await copyFile(path.join(moduleDir, f.spec), path.join(specs, f.spec));
      // The output's own name matters: a kernel source includes its header by the name it is written to.
      const out = path.join(work, 'out', path.basename(f.file));
      const argv = [
        opts.python ?? 'python3',
        opts.generator,
        '--mode',
        f.mode,
        f.kind === 'header' ? '--header' : '--source',
        '--spec',
        path.join(specs, f.spec),
        '-o',
        out,
      ];
      opts.log?.(`YNL-GEN ${f.mode} ${f.kind} ${f.file} from ${f.spec}`);
      const r = await run(argv, { timeoutMs: GEN_TIMEOUT_MS, cwd: work, signal: opts.signal });
      if (r.code !== 0) {
        const why = r.timedOut ? `timed out after ${GEN_TIMEOUT_MS / 1000} s` : generatorMessage(r.stderr);
        throw new KmodError(`ynl-gen-c could not generate ${f.file} from ${f.spec}: ${why}`, r.stderr);
      }
      await writeFile(path.join(moduleDir, f.file), await readFile(out));
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The generator's own message: the exception line of a Python traceback ("jsonschema...ValidationError: Additional
 * properties are not allowed ('bogus' was unexpected)"), which jsonschema follows with the whole schema and spec;
 * the last lines when there is no such line.
 */
function generatorMessage(stderr: string): string {
  const lines = stderr.trim().split('\n');
  const raised = lines.filter((l) => /^[A-Za-z_][\w.]*: \S/.test(l)).pop();
  return (raised ?? lines.slice(-3).join(' ')).slice(0, 600) || 'no message';
}

/**
 * Regenerates what is stale before a build; says what it did. The generator is looked for only when something is
 * stale (finding it may fetch Debian's linux-source once).
 */
export async function regenerateStale(
  moduleDir: string,
  opts: Omit<RegenerateOptions, 'generator'> & { readonly findGenerator: () => Promise<string> },
): Promise<GeneratedFile[]> {
  const stale = await staleGeneratedFiles(moduleDir, await findGeneratedFiles(moduleDir));
  if (stale.length === 0) return [];
  opts.log?.(`${stale[0]?.spec ?? 'the spec'} changed after ${stale.map((f) => f.file).join(', ')} was generated`);
  const generator = await opts.findGenerator();
  await regenerate(moduleDir, stale, { ...opts, generator });
  return stale;
}
