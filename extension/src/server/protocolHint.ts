// The protocol a hex run was sent on, when the text right before it says so: "protocol=16", "protocol: generic",
// "proto=31" or a NETLINK_* constant, on the run's first line before the hex or on the line just above. Prose
// such as "loaded, protocol 31" does not count (no = or :), and nothing further away is read.
import { parseProtocol } from '../netlink/protocols';

const HINT = /\b(?:netlink[_ ]?protocol|protocol|proto)\s*[=:]\s*(NETLINK_\w+|\w+)|\b(NETLINK_[A-Z_]+)\b/gi;

/** Longest stretch read before the run: a hint is a short label, not a paragraph. */
const WINDOW = 400;

/** Protocol named on the run's first line (before it) or the line above, or undefined. */
export function protocolHint(text: string, runStart: number): number | undefined {
  const ownLine = text.lastIndexOf('\n', runStart - 1);
  const lineAbove = ownLine <= 0 ? 0 : text.lastIndexOf('\n', ownLine - 1) + 1;
  const window = text.slice(Math.max(lineAbove, runStart - WINDOW), runStart);
  let found: number | undefined;
  for (const m of window.matchAll(HINT)) {
    const p = parseProtocol(m[1] ?? m[2] ?? '');
    if (!('error' in p)) found = p.protocol; // the nearest mention wins
  }
  return found;
}
