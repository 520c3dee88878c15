// Debian's names for the architectures whose kernel packages this code fetches and unpacks.
import os from 'node:os';

/** The suffix of linux-image-<release> and the `:arch` of a package. */
export type DebArch = 'amd64' | 'arm64';

/** Debian's name for this machine's architecture; undefined for one other than amd64 and arm64. */
export function machineDebArch(): DebArch | undefined {
  const m = os.arch();
  return m === 'x64' ? 'amd64' : m === 'arm64' ? 'arm64' : undefined;
}

/** Debian's name for this machine's architecture (amd64 where it is neither amd64 nor arm64). */
export function hostDebArch(): DebArch {
  return machineDebArch() ?? 'amd64';
}
