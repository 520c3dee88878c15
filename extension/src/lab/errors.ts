// One error type for everything the lab does, so callers (the CLI, the extension) can show a located message:
// `where` names the step that failed (e.g. "kernel download", "initramfs"), `detail` carries captured output.
import { DebianError } from '../debian/errors';
import type { FailureError } from '../process/run';

export class LabError extends Error {
  constructor(
    readonly where: string,
    message: string,
    readonly detail?: string,
  ) {
    super(`lab: ${where}: ${message}${detail ? `\n${detail.trimEnd()}` : ''}`);
    this.name = 'LabError';
  }
}

/** For process/run.ts runChecked: a failed command as a LabError of the step `where`. */
export function labFailure(where: string): FailureError {
  return (f) => new LabError(where, f.message, f.detail);
}

/** The Debian machinery's failures as the lab's own, same step and words: a user of the lab reads "lab: kernel: ...". */
export async function withLabErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    throw e instanceof DebianError ? new LabError(e.where, e.reason, e.detail) : e;
  }
}
