// `node dist/cli.js decode [--json] [--protocol route|generic|module|N] [--spec-dir DIR]... [--genl-id NAME=ID]...
// [HEX ...]`: the hover decoder from a terminal. Reads hex in any form the scanner knows from the arguments, or
// from stdin when there are none. Exit 0 when something decoded, 2 on unusable input (one-line reason).
import { dirname } from 'node:path';
import { MAX_HEX_TEXT_BYTES, readFdBounded } from './boundedRead';
import { createRegistry, decodeMessages } from './netlink/index';
import type { DecodedMessage, FamilyRegistry } from './netlink/index';
import { renderText } from './netlink/render/text';
import { findHexRuns, parseHexText } from './netlink/scan/index';
import { parseProtocol } from './netlink/protocols';
import { bundledSpecFiles, loadSpecFiles } from './specs/specFiles';

const USAGE = `usage: netlink-decode decode [--json] [--protocol route|generic|module|N] [--spec-dir DIR]... [--genl-id NAME=ID]... [HEX ...]
  Decodes netlink messages from hex (spaced, contiguous, C arrays, \\x strings, hexdump -C, xxd, od, libmnl output).
  Without HEX arguments the hex is read from stdin; every run of bytes found there is decoded.`;

class UsageError extends Error {}

interface CliOptions {
  json: boolean;
  protocol: number;
  specDirs: string[];
  genlIds: [string, number][];
  hex: string[];
}

function parseArgs(args: readonly string[]): CliOptions {
  const o: CliOptions = { json: false, protocol: 0, specDirs: [], genlIds: [], hex: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--json') o.json = true;
    else if (a === '--protocol' || a === '-p') {
      const p = parseProtocol(value());
      if ('error' in p) throw new UsageError(p.error);
      o.protocol = p.protocol;
    } else if (a === '--spec-dir') o.specDirs.push(value());
    else if (a === '--genl-id') {
      const m = /^([\w.-]+)=(\d+)$/.exec(value());
      if (!m) throw new UsageError(`--genl-id takes NAME=ID, e.g. netdev=20`);
      o.genlIds.push([m[1]!, Number(m[2])]);
    } else if (a === '--') o.hex.push(...args.slice(i + 1)), (i = args.length);
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else o.hex.push(a);
  }
  return o;
}

function buildRegistry(o: CliOptions): FamilyRegistry {
  const report = loadSpecFiles(o.specDirs, bundledSpecFiles(__dirname ?? dirname(process.argv[1] ?? '.')));
  for (const p of report.problems) process.stderr.write(`warning: ${p}\n`);
  const registry = createRegistry(report.families);
  for (const [name, id] of o.genlIds) registry.bindGenlId(id, name);
  return registry;
}

/** The byte runs to decode: arguments must be hex as a whole (a typo is an error); stdin may be any text. */
function inputRuns(o: CliOptions): Uint8Array[] {
  if (o.hex.length > 0) {
    const parsed = parseHexText(o.hex.join(' '));
    if ('error' in parsed) throw new UsageError(`bad hex at character ${parsed.offset}: ${parsed.error}`);
    return [parsed.bytes];
  }
  const read = readFdBounded(0, MAX_HEX_TEXT_BYTES);
  if ('error' in read) throw new UsageError(`stdin: ${read.error}${read.error.startsWith('larger') ? ' (decode a part of it, e.g. through tail or grep)' : ''}`);
  const text = read.bytes.toString('utf8');
  const whole = parseHexText(text);
  if (!('error' in whole) && whole.bytes.length > 0) return [whole.bytes];
  const runs = findHexRuns(text).map((r) => r.bytes);
  if (runs.length === 0) throw new UsageError(text.trim() === '' ? 'no input on stdin' : 'no hex bytes found in the input');
  return runs;
}

function main(argv: readonly string[]): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    if (command !== 'decode') throw new UsageError(command === undefined ? 'missing command "decode"' : `unknown command "${command}"`);
    const o = parseArgs(rest);
    const runs = inputRuns(o);
    if (runs.every((r) => r.length < 16)) {
      throw new UsageError(`found only ${Math.max(...runs.map((r) => r.length))} byte(s) of hex, fewer than a 16-byte netlink header`);
    }
    const registry = buildRegistry(o);
    const decoded: { run: number; messages: DecodedMessage[] }[] = runs.map((bytes, run) => ({
      run, messages: decodeMessages(bytes, { protocol: o.protocol, registry }),
    }));
    if (o.json) {
      const flat = decoded.flatMap(({ run, messages }) => messages.map((m) => (runs.length > 1 ? { run, ...m } : m)));
      process.stdout.write(`${JSON.stringify(flat, null, 2)}\n`);
    } else {
      const blocks = decoded.map(({ run, messages }) => (runs.length > 1 ? `== run ${run} (${runs[run]!.length} bytes)\n` : '') + renderText(messages));
      process.stdout.write(`${blocks.join('\n\n')}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`netlink-decode: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
