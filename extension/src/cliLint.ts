// `node dist/cli.js lint [--json | --sarif] PATH...`: the netlink lint over C files and folders (recursively *.c
// and *.h; symlinks are not followed into folders, so a link loop cannot hold the walk). Text output is
// `file:line:col: rule: message`; --json an array of {file, line, column, endLine, endColumn, rule, severity,
// message}; --sarif SARIF 2.1.0. A file that cannot be checked (unreadable, binary, too large, too deep, too slow to
// parse) is reported on stderr with its place and the others are still checked.
// Exit: 0 clean, 1 findings or a file not checked, 2 usage errors.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readBoundedText } from './boundedRead';
import { ChunkedWriter } from './chunkedWriter';
import { escapeControls } from './netlink/escape';
import type { LocatedFinding } from './lint/findings';
import { lintText } from './lint/lint';
import { cParser, MAX_SOURCE_CHARS } from './lint/parse';
import { locate, sarif, textLine } from './lint/report';
import { position } from './lint/syntax';
import { wasmFiles } from './lint/wasmFiles';

export const LINT_USAGE = `usage: netlink-decode lint [--json | --sarif] PATH...
  Checks kernel C for netlink bugs (docs/lint-rules.md): skb freed or used after a send, unchecked allocations
  and puts, leaked skbs, payloads read as C strings, messages sent without their end, errors without extack.
  PATH: files, or folders searched recursively for *.c and *.h.
  Exit status: 0 no findings, 1 findings (or a file that could not be checked), 2 usage error.`;

/** Reading one file may take at most this long (a file on a hung network mount does not hold the run). */
const READ_TIMEOUT_MS = 10_000;

type Format = 'text' | 'json' | 'sarif';

/** Paths of the C files under the arguments, in a stable order; or a usage error. */
function collect(paths: readonly string[]): { files: string[] } | { error: string } {
  const files: string[] = [];
  const visit = (p: string, named: boolean): string | undefined => {
    let st;
    try {
      st = lstatSync(p);
    } catch (e) {
      return named ? `${p}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` : undefined;
    }
    if (st.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(p).sort();
      } catch (e) {
        return `${p}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
      }
      for (const n of names) visit(join(p, n), false);
    } else if (named || (st.isFile() && /\.[ch]$/.test(p))) files.push(p);
    return undefined;
  };
  for (const p of paths) {
    const error = visit(p, true);
    if (error) return { error: `cannot read ${error}` };
  }
  return { files };
}

function parseArgs(args: readonly string[]): { format: Format; paths: string[] } | { error: string } {
  let format: Format = 'text';
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json' || a === '--sarif') {
      const f = a === '--json' ? 'json' : 'sarif';
      if (format !== 'text' && format !== f) return { error: '--json and --sarif exclude each other' };
      format = f;
    } else if (a === '--') {
      for (i++; i < args.length; i++) paths.push(args[i]!);
    } else if (a.startsWith('-') && a !== '-') return { error: `unknown option ${a}` };
    else paths.push(a);
  }
  if (paths.length === 0) return { error: 'no PATH to lint' };
  return { format, paths };
}

/** Runs the lint command; writes usage errors itself. The exit status. */
export async function runLint(args: readonly string[], bundleDir: string): Promise<number> {
  const parsed = parseArgs(args);
  const collected = 'error' in parsed ? parsed : collect(parsed.paths);
  if ('error' in collected || 'error' in parsed) {
    process.stderr.write(`netlink-decode lint: ${'error' in collected ? collected.error : ''}\n${LINT_USAGE}\n`);
    return 2;
  }
  const parser = await cParser(wasmFiles(bundleDir));
  const out = new ChunkedWriter(process.stdout);
  const forSarif: LocatedFinding[] = [];
  let findings = 0;
  let unchecked = 0;
  let first = true;
  if (parsed.format === 'json') await out.write('[');
  for (const file of collected.files) {
    const read = readBoundedText(file, { maxBytes: MAX_SOURCE_CHARS, timeoutMs: READ_TIMEOUT_MS });
    if ('error' in read) {
      unchecked++;
      process.stderr.write(`${escapeControls(file)}: error: ${read.error}\n`);
      continue;
    }
    const r = lintText(parser, read.text);
    for (const e of r.errors) {
      unchecked++;
      const p = position(r.lines, Math.min(e.offset, read.text.length));
      process.stderr.write(`${escapeControls(file)}:${p.line}:${p.column}: error: not checked: ${e.message}\n`);
    }
    findings += r.findings.length;
    for (const f of r.findings) {
      const located = locate(file, r.lines, f);
      if (parsed.format === 'text') await out.write(`${textLine(located)}\n`);
      else if (parsed.format === 'json') {
        await out.write(`${first ? '\n  ' : ',\n  '}${JSON.stringify(located)}`);
        first = false;
      } else forSarif.push(located);
    }
  }
  if (parsed.format === 'json') await out.write(first ? ']\n' : '\n]\n');
  if (parsed.format === 'sarif') await out.write(`${JSON.stringify(sarif(forSarif), null, 2)}\n`);
  await out.flush();
  return findings > 0 || unchecked > 0 ? 1 : 0;
}
