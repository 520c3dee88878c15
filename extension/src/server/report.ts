// The "decode selection / file" report: every hex run in the text, decoded and rendered as plain text. Kept free of
// LSP types, like hover.ts, so tests call it directly. The source (a file name) and everything decoded are escaped
// (escape.ts): the report is a text document, and a capture's control or bidi characters show as escapes there.
import { escapeText } from '../netlink/escape';
import type { FamilyRegistry } from '../netlink/index';
import { decodeMessages } from '../netlink/index';
import { protocolName } from '../netlink/protocols';
import { renderText } from '../netlink/render/text';
import { findHexRuns, straceCallText } from '../netlink/scan/index';
import type { DecodeResult } from '../protocol/languageServer';
import { protocolHint } from './protocolHint';

/** `override`: the protocol the command asked for, which beats hints in the text; else `protocol` is the default. */
export function decodeReport(
  text: string,
  source: string,
  protocol: number,
  override: boolean,
  registry: FamilyRegistry,
): DecodeResult {
  const runs = findHexRuns(text, 4);
  const blocks: string[] = [`# ${escapeText(source)} — decoded as ${protocolName(protocol)}`];
  let count = 0;
  runs.forEach((run, i) => {
    const hinted = override ? undefined : protocolHint(text, run.start);
    const messages = decodeMessages(run.bytes, { protocol: hinted ?? protocol, registry });
    count += messages.length;
    const as = hinted !== undefined ? `, as ${protocolName(hinted)} said before it` : '';
    const from = run.syscall ? `, from line ${run.syscall.line}: ${escapeText(straceCallText(run.syscall))}` : '';
    blocks.push(
      `\n== run ${i + 1}: ${run.bytes.length} bytes (${run.form}${as}${from}) at text offset ${run.start}\n${renderText(messages)}`,
    );
  });
  if (runs.length === 0) blocks.push('\nNo hex bytes found in the text.');
  return { report: blocks.join('\n'), messages: count, runs: runs.length };
}
