// The "decode selection / file" report: every hex run in the text, decoded and rendered as plain text. Kept free of
// LSP types, like hover.ts, so tests call it directly. The source (a file name) and everything decoded are escaped
// (escape.ts): the report is a text document, and a capture's control or bidi characters show as escapes there.
import { escapeText } from '../netlink/escape';
import type { FamilyRegistry } from '../netlink/index';
import { decodeChosen, type ProtocolSetting } from '../netlink/infer';
import { choiceLabel, protocolName } from '../netlink/protocols';
import { renderText } from '../netlink/render/text';
import { findHexRuns, straceCallText } from '../netlink/scan/index';
import type { DecodeResult } from '../protocol/languageServer';
import { decodeRunIn } from './hover';

/**
 * `override`: the protocol the command asked for, which beats hints in the text; else `setting` (a protocol or
 * `auto`) decides with the text's hints as in the hover.
 */
export function decodeReport(
  text: string,
  source: string,
  setting: ProtocolSetting,
  override: boolean,
  registry: FamilyRegistry,
): DecodeResult {
  const runs = findHexRuns(text, 4);
  const as = setting === 'auto' ? 'the protocol each run fits best' : protocolName(setting);
  const blocks: string[] = [`# ${escapeText(source)} — decoded as ${as}`];
  let count = 0;
  runs.forEach((run, i) => {
    const { messages, choice } = override
      ? decodeChosen(run.bytes, { setting, registry })
      : decodeRunIn(text, run, setting, registry);
    count += messages.length;
    const label = choice.how === 'setting' ? '' : `, ${choiceLabel(choice)}`;
    const from = run.syscall ? `, from line ${run.syscall.line}: ${escapeText(straceCallText(run.syscall))}` : '';
    blocks.push(
      `\n== run ${i + 1}: ${run.bytes.length} bytes (${run.form}${label}${from}) at text offset ${run.start}\n${renderText(messages)}`,
    );
  });
  if (runs.length === 0) blocks.push('\nNo hex bytes found in the text.');
  return { report: blocks.join('\n'), messages: count, runs: runs.length };
}
