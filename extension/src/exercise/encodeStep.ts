// A step's `send` as bytes, built with the codec's encoder; variables filled in from what the exchanger knows.
import { concatBytes, encodeAttr, encodeMessage, encodeScalar, encodeString, type AttrInput } from '../netlink/index';
import type { SendAttr, SendSpec, TextMatch, Variable } from './types';

export interface Variables {
  readonly portid?: number;
  readonly seq: number;
  /** Generic netlink family ids by name, as resolved on the target (for steps with `cmd:`). */
  readonly genlIds?: ReadonlyMap<string, number>;
}

export class VariableError extends Error {}

export function fillText(text: TextMatch, vars: Variables): string {
  return text.parts.map((p) => (typeof p === 'string' ? p : String(valueOf(p.variable, vars)))).join('');
}

function valueOf(v: Variable, vars: Variables): number {
  const value = vars[v];
  if (value === undefined)
    throw new VariableError(`\${${v}} is not known here (this exchanger does not report its port id)`);
  return value;
}

function attrInput(a: SendAttr): AttrInput {
  const base = { type: a.type, netByteOrder: a.netByteOrder };
  switch (a.value.kind) {
    case 'scalar':
      return { ...base, payload: encodeScalar(a.value.scalar, a.value.value, a.netByteOrder) };
    case 'string':
      return { ...base, payload: encodeString(a.value.text) };
    case 'bytes':
      return { ...base, payload: a.value.bytes };
    case 'flag':
      return { ...base, payload: new Uint8Array(0) };
    case 'nest':
      return { ...base, attrs: a.value.attrs.map(attrInput) };
  }
}

/** The seq the message carries (for `${seq}` in expectations): from the fields, or read from raw bytes. */
export function sentSeq(send: SendSpec): number {
  if (send.kind === 'fields') return send.seq;
  if (send.bytes.length < 12) return 0;
  return new DataView(send.bytes.buffer, send.bytes.byteOffset, send.bytes.byteLength).getUint32(8, true);
}

export function encodeSend(send: SendSpec, vars: Variables): Uint8Array {
  if (send.kind === 'raw') return send.bytes;
  const pid = 'value' in send.pid ? send.pid.value : valueOf(send.pid.variable, vars);
  let type = send.type;
  if (send.genlFamily !== undefined) {
    const id = vars.genlIds?.get(send.genlFamily);
    if (id === undefined)
      throw new VariableError(`the id of the generic netlink family ${send.genlFamily} is not known`);
    type = id;
  }
  let payload: Uint8Array;
  switch (send.payload.kind) {
    case 'none':
      payload = new Uint8Array(0);
      break;
    case 'text': {
      const text = fillText(send.payload.text, vars);
      payload = send.payload.nul ? encodeString(text) : new TextEncoder().encode(text);
      break;
    }
    case 'bytes':
      payload = send.payload.bytes;
      break;
    case 'attrs':
      payload = concatBytes(send.payload.attrs.map((a) => encodeAttr(attrInput(a))));
      break;
  }
  return encodeMessage({ type, flags: send.flags, seq: send.seq, pid }, concatBytes([send.header, payload]));
}
