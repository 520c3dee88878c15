// The codec's public surface: import from here, not from the files behind it.
export * from './types';
export * from './constants';
export { decodeMessages, MessageReader } from './decode';
export type { DecodeOptions } from './decode';
export { FamilyRegistry, createRegistry, builtinFamilies } from './registry';
export { errnoName, errnoValue } from './errno';
export { flagNames, flagChoices, parseFlags } from './flags';
export type { FlagTable } from './flags';
export { toHex, fromHex, byteSource } from './bytes';
export { formatBinary } from './values';
export { encodeMessage, encodeAttrs, encodeAttr, encodeScalar, encodeString, concatBytes } from './encode';
export type { HeaderInput, AttrInput } from './encode';
export { parseProtocol, protocolName } from './protocols';
export { escapeText, quoteText, escapeControls, cutText } from './escape';
export { renderText, renderMessageText } from './render/text';
export { fieldsText } from './render/lines';
export { renderMarkdown } from './render/markdown';
