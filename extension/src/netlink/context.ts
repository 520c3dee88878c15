// What the decoders of one buffer share. decode.ts makes the context and calls error.ts for NLMSG_ERROR; error.ts
// decodes the echoed request with the decodeMessage it is handed, so neither module imports the other.
import type { ByteSource } from './bytes';
import type { FamilyRegistry } from './registry';
import type { DecodedAttr, DecodedMessage } from './types';

export interface MessageContext {
  readonly src: ByteSource;
  readonly protocol: number;
  /** The caller's registry until a genl id is bound; then a fork, so the caller's stays as it was. */
  registry: FamilyRegistry;
  forked: boolean;
  /**
   * The attribute set each nest of an echoed request was read with (error.ts names an ext-ack MISS_TYPE inside a
   * nest by it). Made on the first echo: the nests of ordinary messages are not recorded (a WeakMap entry per nest
   * costs the collector more than the rest of the decode).
   */
  nestSets: WeakMap<DecodedAttr, string> | undefined;
}

/** decode.ts's decodeMessage: the message in [pos, end); `echoed` for the request copy inside an NLMSG_ERROR. */
export type MessageDecoder = (ctx: MessageContext, pos: number, end: number, echoed: boolean) => DecodedMessage;

/** A decoded value while the decoder fills it in. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
