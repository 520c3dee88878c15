// `node dist/cli.js decode [--json] [--protocol auto|route|generic|module|N] [--spec-dir DIR]... [--genl-id NAME=ID]...
// [HEX ...]`: the hover decoder from a terminal. Reads hex in any form the scanner knows from the arguments, or
// from stdin when there are none; `decode --pcap FILE` reads a capture instead (cliPcap.ts). Exit 0 when something
// decoded, 2 on unusable input (one-line reason).
import { dirname } from 'node:path';
import { MAX_HEX_TEXT_BYTES, readFdBounded } from './boundedRead';
import { ChunkedWriter } from './chunkedWriter';
import { checkPcapArgs, decodePcap, PCAP_USAGE, PcapUsageError, takePcapOption } from './cliPcap';
import type { PcapArgs } from './cliPcap';
import { JsonArrayOutput } from './cliJson';
import { escapeControls } from './netlink/escape';
import { createRegistry, MessageReader } from './netlink/index';
import type { FamilyRegistry } from './netlink/index';
import { renderMessageText } from './netlink/render/text';
import { findHexRuns, parseHexText, parseSpacedHexBytes, straceCallText, type StraceCall } from './netlink/scan/index';
import { chooseProtocol, type ProtocolSetting } from './netlink/infer';
import { choiceLabel, parseProtocolSetting } from './netlink/protocols';
import { bundledSpecFiles, loadSpecFiles } from './specs/specFiles';

const USAGE = `usage: netlink-decode decode [--json] [--protocol auto|route|generic|module|N] [--spec-dir DIR]... [--genl-id NAME=ID]... [HEX ...]
  Decodes netlink messages from hex (spaced, contiguous, C arrays, \\x strings, hexdump -C, xxd, od, libmnl output,
  strace buffer dumps and session logs, print_hex_dump, Wireshark hex dumps).
  Without HEX arguments the hex is read from stdin; every run of bytes found there is decoded.
  Without --protocol (or with auto) each run is decoded under the protocol its bytes fit best.
  Text output shows control characters in decoded strings as escapes (\\n, \\x1b, \\u{202e}); --json keeps them exact.
${PCAP_USAGE}`;

/** The whole usage is `exercise --help`: cli.ts does not load that part for `decode`. */
const EXERCISE_USAGE_LINE = `usage: netlink-decode exercise run FILE... (--target NAME | --lab [KERNEL,...]) [--build] [--junit FILE]
  Runs exercise files on a target or lab VMs and prints TAP (netlink-decode exercise --help).`;

class UsageError extends Error {}

interface CliOptions {
  json: boolean;
  protocol: ProtocolSetting;
  specDirs: string[];
  genlIds: [string, number][];
  hex: string[];
  pcap: PcapArgs;
}

function parseArgs(args: readonly string[]): CliOptions {
  const o: CliOptions = { json: false, protocol: 'auto', specDirs: [], genlIds: [], hex: [], pcap: { filter: {} } };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--json') o.json = true;
    else if (a === '--protocol' || a === '-p') {
      const p = parseProtocolSetting(value());
      if ('error' in p) throw new UsageError(p.error);
      o.protocol = p.protocol;
    } else if (a === '--spec-dir') o.specDirs.push(value());
    else if (a === '--genl-id') {
      const m = /^([\w.-]+)=(\d+)$/.exec(value());
      if (!m) throw new UsageError(`--genl-id takes NAME=ID, e.g. netdev=20`);
      o.genlIds.push([m[1]!, Number(m[2])]);
    } else if (takePcapOption(a, value, o.pcap)) {
      // A capture's option: taken.
    } else if (a === '--') {
      // A loop, not a spread: the arguments after -- can be hundreds of thousands of words.
      for (i++; i < args.length; i++) o.hex.push(args[i]!);
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else o.hex.push(a);
  }
  checkPcapArgs(o.pcap);
  if (o.pcap.file !== undefined && o.hex.length > 0) throw new UsageError('--pcap takes no HEX arguments');
  return o;
}

function buildRegistry(o: CliOptions): FamilyRegistry {
  const report = loadSpecFiles(o.specDirs, bundledSpecFiles(__dirname ?? dirname(process.argv[1] ?? '.')));
  for (const p of report.problems) process.stderr.write(`warning: ${escapeControls(p)}\n`);
  const registry = createRegistry(report.families);
  for (const [name, id] of o.genlIds) registry.bindGenlId(id, name);
  return registry;
}

/** A run of bytes to decode; from a strace log, with the syscall line it was dumped under. */
interface InputRun {
  readonly bytes: Uint8Array;
  readonly syscall?: StraceCall;
}

/** The byte runs to decode: arguments must be hex as a whole (a typo is an error); stdin may be any text. */
function inputRuns(o: CliOptions): InputRun[] {
  if (o.hex.length > 0) {
    const parsed = parseHexText(o.hex.join(' '));
    if ('error' in parsed) throw new UsageError(`bad hex at character ${parsed.offset}: ${parsed.error}`);
    return [{ bytes: parsed.bytes }];
  }
  const read = readFdBounded(0, MAX_HEX_TEXT_BYTES);
  if ('error' in read)
    throw new UsageError(
      `stdin: ${read.error}${read.error.startsWith('larger') ? ' (decode a part of it, e.g. through tail or grep)' : ''}`,
    );
  const spaced = parseSpacedHexBytes(read.bytes);
  if (spaced) return [{ bytes: spaced }];
  const text = read.bytes.toString('utf8');
  const whole = parseHexText(text);
  if (!('error' in whole) && whole.bytes.length > 0) return [{ bytes: whole.bytes }];
  const runs: InputRun[] = findHexRuns(text);
  if (runs.length === 0)
    throw new UsageError(text.trim() === '' ? 'no input on stdin' : 'no hex bytes found in the input');
  return runs;
}

/** Bytes in the longest run, for the message when none holds a header: a loop, as runs can number 100,000s. */
function longestRun(runs: readonly InputRun[]): number {
  let longest = 0;
  for (const r of runs) if (r.bytes.length > longest) longest = r.bytes.length;
  return longest;
}

/**
 * Text output: each message as the renderer's block, decoded strings escaped (escape.ts), so no byte of a capture
 * reaches the terminal as a control sequence. JSON output keeps every string exactly as decoded: JSON's own
 * escaping already makes it safe to print, and a program reading it wants the real bytes. Both are written
 * message by message (one run decoded at a time), not built as one string.
 */
async function writeDecoded(
  out: ChunkedWriter,
  runs: readonly InputRun[],
  o: CliOptions,
  registry: FamilyRegistry,
): Promise<void> {
  const multi = runs.length > 1;
  const json = o.json ? new JsonArrayOutput(out) : undefined;
  for (let run = 0; run < runs.length; run++) {
    const { bytes, syscall } = runs[run]!;
    const source = syscall ? sourceOf(syscall) : undefined;
    const choice = chooseProtocol(bytes, { setting: o.protocol, registry });
    // One message at a time, written before the next is decoded: a run can hold 100,000s of them.
    const reader = new MessageReader(bytes, { protocol: choice.protocol, registry });
    if (json) {
      const prefix = multi || source ? { run, ...source } : undefined;
      for (let m = reader.next(); m !== undefined; m = reader.next()) await json.message(m, prefix);
      continue;
    }
    if (run > 0) await out.write('\n');
    if (multi || syscall || choice.how !== 'setting') {
      const from = syscall ? ` from line ${syscall.line}: ${escapeControls(straceCallText(syscall))}` : '';
      const as = choice.how === 'setting' ? '' : `, ${choiceLabel(choice)}`;
      await out.write(`== run ${run} (${bytes.length} bytes${as})${from}\n`);
    }
    let i = 0;
    for (let m = reader.next(); m !== undefined; m = reader.next()) await out.write(`${renderMessageText(m, i++)}\n`);
  }
  await json?.end();
  await out.flush();
}

/** The `source` field of --json: where in a strace log the message was dumped. */
function sourceOf(call: StraceCall): { source: StraceCall } {
  return { source: call };
}

function isBrokenPipe(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n${(await import('./cliLint.js')).LINT_USAGE}\n${EXERCISE_USAGE_LINE}\n`);
    return 0;
  }
  // `lint` and `exercise` are bundles of their own (esbuild.mjs), loaded only for their command: decoding does not
  // load the C parser (a fifth of cli.js was tree-sitter and the checks) nor the lab and target layers.
  if (command === 'lint')
    return (await import('./cliLint.js')).runLint(rest, __dirname ?? dirname(process.argv[1] ?? '.'));
  if (command === 'exercise')
    return (await import('./cliExercise.js')).runExerciseCli(rest, __dirname ?? dirname(process.argv[1] ?? '.'));
  try {
    if (command !== 'decode')
      throw new UsageError(
        command === undefined ? 'missing command "decode", "lint" or "exercise"' : `unknown command "${command}"`,
      );
    const o = parseArgs(rest);
    if (o.pcap.file !== undefined)
      return await decodePcap(
        o.pcap.file,
        // A capture's records carry their protocol; the option only covers a link type without one.
        { ...o, protocol: o.protocol === 'auto' ? 0 : o.protocol, filter: o.pcap.filter },
        buildRegistry(o),
        new ChunkedWriter(process.stdout),
      );
    const runs = inputRuns(o);
    if (runs.every((r) => r.bytes.length < 16)) {
      throw new UsageError(`found only ${longestRun(runs)} byte(s) of hex, fewer than a 16-byte netlink header`);
    }
    await writeDecoded(new ChunkedWriter(process.stdout), runs, o, buildRegistry(o));
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof PcapUsageError) {
      process.stderr.write(`netlink-decode: ${escapeControls(e.message)}\n`);
      return 2;
    }
    // The reader went away (`| head`): nothing more to say to it.
    if (isBrokenPipe(e)) return 0;
    throw e;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
