// YNL `display-hint` → how the decoder shows a value.
import type { AttrDisplay } from '../types';
import type { SpecMap, SpecReader } from './reader';

const HINTS = ['hex', 'mac', 'fddi', 'ipv4', 'ipv6', 'uuid'] as const;

export function displayHint(reader: SpecReader, m: SpecMap): AttrDisplay | undefined {
  const hint = reader.oneOf(m, 'display-hint', HINTS);
  // An FDDI address is six bytes written like a MAC address; the model has no separate form for it.
  return hint === 'fddi' ? 'mac' : hint;
}
