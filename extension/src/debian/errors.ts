// One error type for the Debian machinery (apt, dpkg, kernel packages): `where` names the step that failed
// ("kernel", "kernel download", "kernel unpack", "packages"), `detail` carries what the command said. Its callers
// show it in their own words: the lab as a LabError of the same step, a module build inside its KmodError.
import type { FailureError } from '../process/run';

export class DebianError extends Error {
  constructor(
    readonly where: string,
    /** The sentence without the step. */
    readonly reason: string,
    readonly detail?: string,
  ) {
    super(`${where}: ${reason}${detail ? `\n${detail.trimEnd()}` : ''}`);
    this.name = 'DebianError';
  }
}

/** For process/run.ts runChecked: a failed command as a DebianError of the step `where`. */
export function debianFailure(where: string): FailureError {
  return (f) => new DebianError(where, f.message, f.detail);
}
