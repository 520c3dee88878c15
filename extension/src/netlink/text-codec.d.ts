// TextEncoder and TextDecoder are globals in every runtime the codec runs in (Node.js and browsers), but their
// declarations live in the DOM and node type packages, which the codec's tsconfig leaves out on purpose: these are
// the parts it uses.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
