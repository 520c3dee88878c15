// A generic netlink family's id from the target's kernel: CTRL_CMD_GETFAMILY with CTRL_ATTR_FAMILY_NAME to
// nlctrl (id 0x10), the id read from the CTRL_CMD_NEWFAMILY reply. Ids are per boot, so they are asked, not kept.
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_CMD_GETFAMILY,
  GENL_ID_CTRL,
  NETLINK_GENERIC,
  NLM_F_REQUEST,
  concatBytes,
  decodeMessages,
  encodeAttrs,
  encodeMessage,
  encodeString,
} from '../netlink/index';
import type { Exchanger } from '../exchange/exchanger';

/** The request bytes (exported for tests: they match what libnl and the kernel's own tools send). */
export function getFamilyRequest(name: string, seq: number): Uint8Array {
  // genlmsghdr: cmd, version 1, reserved.
  const genlmsghdr = new Uint8Array([CTRL_CMD_GETFAMILY, 1, 0, 0]);
  const attrs = encodeAttrs([{ type: CTRL_ATTR_FAMILY_NAME, payload: encodeString(name) }]);
  return encodeMessage({ type: GENL_ID_CTRL, flags: NLM_F_REQUEST, seq, pid: 0 }, concatBytes([genlmsghdr, attrs]));
}

/** Reads the family id out of the replies; the kernel's error (ENOENT for an unknown family, among them) otherwise. */
export function familyIdFromReplies(name: string, replies: readonly Uint8Array[]): { id: number } | { error: string } {
  for (const bytes of replies) {
    for (const m of decodeMessages(bytes, { protocol: NETLINK_GENERIC })) {
      if (m.error && m.error.code !== 0) {
        const why =
          m.error.name === 'ENOENT'
            ? 'the target kernel has no such family (is its module loaded?)'
            : `${m.error.name}${m.error.message ? `: ${m.error.message}` : ''}`;
        return { error: `family "${name}": ${why}` };
      }
      const id = m.attrs.find((a) => a.type === CTRL_ATTR_FAMILY_ID)?.value;
      if (typeof id === 'number') return { id };
    }
  }
  return { error: `family "${name}": the reply holds no CTRL_ATTR_FAMILY_ID` };
}

export async function resolveFamilyId(
  exchanger: Exchanger,
  name: string,
  timeoutMs: number,
): Promise<{ id: number } | { error: string }> {
  if (!/^[\w.-]{1,15}$/.test(name))
    return { error: `"${name}" is not a generic netlink family name (1-15 letters, digits, _ . -)` };
  try {
    const r = await exchanger.exchange(NETLINK_GENERIC, getFamilyRequest(name, 1), { timeoutMs });
    if (r.outcome === 'timeout' && r.replies.length === 0)
      return { error: `family "${name}": no answer within ${timeoutMs} ms` };
    return familyIdFromReplies(name, r.replies);
  } catch (e) {
    return { error: `family "${name}": ${e instanceof Error ? e.message : String(e)}` };
  }
}
