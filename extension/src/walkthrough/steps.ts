// Which step of the "Your first netlink module" walkthrough a real event completes. Pure: the extension host
// (progress.ts) sets the context key of the step, and package.json's walkthrough steps complete on
// `onContext:<key>`. No vscode import, so the rules are unit-tested.
import { fromHex } from '../netlink/index';
import type { SendResult } from '../protocol/webview';

export const WALKTHROUGH_KEYS = {
  labReady: 'netlink.walkthrough.labReady',
  moduleCreated: 'netlink.walkthrough.moduleCreated',
  moduleBuilt: 'netlink.walkthrough.moduleBuilt',
  moduleLoaded: 'netlink.walkthrough.moduleLoaded',
  sentWithoutAck: 'netlink.walkthrough.sentWithoutAck',
  ackReplied: 'netlink.walkthrough.ackReplied',
  exerciseRun: 'netlink.walkthrough.exerciseRun',
} as const;

export type WalkthroughStep = keyof typeof WALKTHROUGH_KEYS;

const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
/** The first message type that is not a control message (NOOP, ERROR, DONE, OVERRUN): a module's own. */
const NLMSG_MIN_TYPE = 0x10;

/** A protocol no kernel family of include/uapi/linux/netlink.h uses (17, 23-31): a module's, as nlreply's 31. */
export function isModuleProtocol(protocol: number): boolean {
  return protocol === 17 || (protocol >= 23 && protocol <= 31);
}

/**
 * The builder's Send steps: a request of the module's kind (type >= 0x10) without NLM_F_ACK that got nothing back
 * before its timeout, or one with NLM_F_ACK that got a reply. Other sends (rtnetlink, a failed send) complete none.
 */
export function sendStep(protocol: number, requestHex: string, result: SendResult): WalkthroughStep | undefined {
  if (!isModuleProtocol(protocol) || result.kind !== 'replies') return undefined;
  const bytes = fromHex(requestHex);
  if (!bytes || bytes.length < 16) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(4, true);
  const flags = view.getUint16(6, true);
  if (type < NLMSG_MIN_TYPE || !(flags & NLM_F_REQUEST)) return undefined;
  if (flags & NLM_F_ACK) return result.replies.length > 0 && !result.kernelError ? 'ackReplied' : undefined;
  return result.replies.length === 0 && result.outcome === 'timeout' ? 'sentWithoutAck' : undefined;
}
