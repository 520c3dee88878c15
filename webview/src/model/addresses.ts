// Address text to bytes: IPv4 dotted quads, IPv6 (RFC 4291 text forms, "::" and a dotted IPv4 tail), MAC
// addresses (colon or dash separated octets, any count for hardware types longer than Ethernet) and UUIDs.
// Each returns the bytes or an error that names the bad part.

export type Parsed = { bytes: Uint8Array } | { error: string };

export function parseIpv4(text: string): Parsed {
  const t = text.trim();
  const parts = t.split('.');
  if (parts.length !== 4) return { error: `"${t}" is not an IPv4 address (four numbers 0-255 separated by dots)` };
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255)
      return { error: `"${t}": part ${i + 1} ("${p}") is not a number 0-255` };
    out[i] = Number(p);
  }
  return { bytes: out };
}

function parseGroups(part: string, whole: string): number[] | { error: string } {
  if (part === '') return [];
  const groups: number[] = [];
  for (const g of part.split(':')) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return { error: `"${whole}": "${g}" is not a group of 1-4 hex digits` };
    groups.push(parseInt(g, 16));
  }
  return groups;
}

export function parseIpv6(text: string): Parsed {
  let t = text.trim();
  const whole = t;
  if (!t.includes(':')) return { error: `"${whole}" is not an IPv6 address (groups of hex digits separated by ":")` };
  const tail: number[] = [];
  // A dotted IPv4 tail ("::ffff:192.0.2.1") stands for the last two groups.
  const lastColon = t.lastIndexOf(':');
  if (t.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(t.slice(lastColon + 1));
    if ('error' in v4) return { error: `"${whole}": ${v4.error}` };
    tail.push((v4.bytes[0]! << 8) | v4.bytes[1]!, (v4.bytes[2]! << 8) | v4.bytes[3]!);
    // Keep a "::" that ends right before the tail ("::1.2.3.4"); otherwise drop the separating colon.
    const head = t.slice(0, lastColon + 1);
    t = head.endsWith('::') ? head : t.slice(0, lastColon);
  }
  const halves = t.split('::');
  if (halves.length > 2) return { error: `"${whole}": "::" may appear only once` };
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]!, whole);
    const rest = parseGroups(halves[1]!, whole);
    if (!Array.isArray(head)) return head;
    if (!Array.isArray(rest)) return rest;
    const missing = 8 - head.length - rest.length - tail.length;
    if (missing < 1) return { error: `"${whole}": too many groups for "::"` };
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest, ...tail];
  } else {
    const all = parseGroups(t, whole);
    if (!Array.isArray(all)) return all;
    groups = [...all, ...tail];
    if (groups.length !== 8)
      return { error: `"${whole}" has ${groups.length} groups; an IPv6 address has 8 (or uses "::")` };
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return { bytes: out };
}

/** IPv4 or IPv6, told apart by a colon. */
export function parseIp(text: string): Parsed {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

export function parseMac(text: string): Parsed {
  const t = text.trim();
  const parts = t.split(/[:-]/);
  if (t === '' || !parts.every((p) => /^[0-9a-f]{2}$/i.test(p))) {
    return {
      error: `"${t}" is not a MAC address (two-digit hex octets separated by ":" or "-", e.g. 02:00:00:00:00:01)`,
    };
  }
  return { bytes: Uint8Array.from(parts.map((p) => parseInt(p, 16))) };
}

export function parseUuid(text: string): Parsed {
  const t = text.trim();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t)) {
    return { error: `"${t}" is not a UUID (8-4-4-4-12 hex digits)` };
  }
  const hex = t.replace(/-/g, '');
  return { bytes: Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16)) };
}
