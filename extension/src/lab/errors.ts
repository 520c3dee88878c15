// One error type for everything the lab does, so callers (the CLI, the extension) can show a located message:
// `where` names the step that failed (e.g. "kernel download", "initramfs"), `detail` carries captured output.
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
