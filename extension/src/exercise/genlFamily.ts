// A generic netlink family's id, asked of the target's nlctrl by name (CTRL_CMD_GETFAMILY) through the same
// exchanger the steps use: ids are given out at registration, so an exercise names the family, never the number.
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_CMD_GETFAMILY,
  encodeAttr,
  encodeMessage,
  encodeString,
  errnoName,
  GENL_ID_CTRL,
  NETLINK_GENERIC,
  NLM_F_REQUEST,
  NLMSG_ERROR,
} from '../netlink/index';
import type { Exchanger } from '../exchange/exchanger';

const RESOLVE_TIMEOUT_MS = 5000;
const GENL_HDRLEN = 4;

/** The family's id on the target, or an Error saying why there is none (ENOENT: the module is not loaded). */
export async function resolveGenlFamily(exchanger: Exchanger, name: string, seq = 1): Promise<number> {
  const request = encodeMessage(
    { type: GENL_ID_CTRL, flags: NLM_F_REQUEST, seq, pid: 0 },
    new Uint8Array([
      ...Uint8Array.of(CTRL_CMD_GETFAMILY, 1, 0, 0),
      ...encodeAttr({ type: CTRL_ATTR_FAMILY_NAME, payload: encodeString(name) }),
    ]),
  );
  const res = await exchanger.exchange(NETLINK_GENERIC, request, { timeoutMs: RESOLVE_TIMEOUT_MS });
  for (const msg of res.replies) {
    const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
    if (msg.length < 16) continue;
    const type = v.getUint16(4, true);
    if (type === NLMSG_ERROR && msg.length >= 20) {
      const code = v.getInt32(16, true);
      if (code !== 0) {
        throw new Error(
          `generic netlink family ${name}: nlctrl answers ${errnoName(code)}${-code === 2 ? ' (is its module loaded?)' : ''}`,
        );
      }
      continue;
    }
    if (type !== GENL_ID_CTRL) continue;
    const end = Math.min(v.getUint32(0, true), msg.length);
    for (let pos = 16 + GENL_HDRLEN; pos + 4 <= end;) {
      const len = v.getUint16(pos, true);
      if (len < 4) break;
      if ((v.getUint16(pos + 2, true) & 0x3fff) === CTRL_ATTR_FAMILY_ID && len >= 6) return v.getUint16(pos + 4, true);
      pos += (len + 3) & ~3;
    }
  }
  throw new Error(
    `generic netlink family ${name}: no id from nlctrl (${res.outcome === 'timeout' ? 'no answer in time' : `${res.replies.length} replies without one`})`,
  );
}
