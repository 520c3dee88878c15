// Messages carrying hostile strings, as a capture could: an ext-ack message that closes a code fence and adds a
// remote image, an interface name that retitles a terminal, a module's text reply with Markdown and HTML, a
// generic netlink family named by a captured nlctrl reply. Built with the codec's encoder; shared by the render
// tests and the renderer fuzz.
import { concatBytes, encodeAttrs, encodeMessage, encodeScalar, encodeString } from '../../extension/src/netlink/index';

export const FENCE_AND_IMAGE = '\n```\n![x](http://127.0.0.1/x.png)\n';
export const RETITLE = '\x1b]0;pwned\x07';
export const MARKDOWN_TEXT =
  '\n# Title\n<img src="http://127.0.0.1/y.png"> [link](http://127.0.0.1/) **bold** www.example.com';

const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const RTM_NEWLINK = 16;
const IFLA_IFNAME = 3;
const NLMSGERR_ATTR_MSG = 1;
const NLM_F_CAPPED = 0x100;
const NLM_F_ACK_TLVS = 0x200;
const GENL_ID_CTRL = 0x10;
const CTRL_CMD_NEWFAMILY = 1;
const CTRL_ATTR_FAMILY_ID = 1;
const CTRL_ATTR_FAMILY_NAME = 2;

/** NLMSG_ERROR -EINVAL for a capped RTM_NEWLINK request, with `message` as its ext-ack NLMSGERR_ATTR_MSG. */
export function extAckError(message: string): Uint8Array {
  const request = encodeMessage({ type: RTM_NEWLINK, flags: 0x5, seq: 7, pid: 0 }, new Uint8Array(0));
  const tlvs = encodeAttrs([{ type: NLMSGERR_ATTR_MSG, payload: encodeString(message) }]);
  return encodeMessage(
    { type: NLMSG_ERROR, flags: NLM_F_CAPPED | NLM_F_ACK_TLVS, seq: 7, pid: 4242 },
    concatBytes([encodeScalar('s32', -22), request, tlvs]),
  );
}

/** RTM_NEWLINK whose IFLA_IFNAME is `name`. */
export function linkNamed(name: string): Uint8Array {
  const ifinfo = new Uint8Array(16);
  new DataView(ifinfo.buffer).setInt32(4, 1, true);
  return encodeMessage(
    { type: RTM_NEWLINK, flags: 2, seq: 1, pid: 4242 },
    concatBytes([ifinfo, encodeAttrs([{ type: IFLA_IFNAME, payload: encodeString(name) }])]),
  );
}

/** The reference module's reply (protocol 31): NLMSG_DONE with a text payload. */
export function moduleText(text: string): Uint8Array {
  return encodeMessage({ type: NLMSG_DONE, flags: 0, seq: 3, pid: 0 }, encodeString(text));
}

/** An nlctrl NEWFAMILY binding `id` to `name`, then a message of that family (protocol 16): its type is `name`. */
export function genlFamilyNamed(name: string, id = 0x20): Uint8Array {
  const newFamily = encodeMessage(
    { type: GENL_ID_CTRL, flags: 0, seq: 1, pid: 0 },
    concatBytes([
      Uint8Array.from([CTRL_CMD_NEWFAMILY, 2, 0, 0]),
      encodeAttrs([
        { type: CTRL_ATTR_FAMILY_ID, payload: encodeScalar('u16', id) },
        { type: CTRL_ATTR_FAMILY_NAME, payload: encodeString(name) },
      ]),
    ]),
  );
  const member = encodeMessage({ type: id, flags: 1, seq: 2, pid: 0 }, Uint8Array.from([1, 1, 0, 0]));
  return concatBytes([newFamily, member]);
}

/** Every character the renderers must never pass on as it is: controls but the line break, format and bidi
 *  characters, line and paragraph separators, unpaired surrogates. */
export const RAW_CONTROL = /[\0-\x09\x0b-\x1f\x7f-\x9f\p{Cf}\p{Zl}\p{Zp}]|\p{Cs}/u;
