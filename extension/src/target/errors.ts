// One error type for everything that goes wrong on the way to a target, with a kind a caller can branch on
// (e.g. show "Open settings" for `config`, "Reconnect" for `connection-lost`) and the raw diagnostics apart
// from the sentence a person reads.

export type TargetErrorKind =
  | 'config' // a setting is wrong (located message)
  | 'lab-not-running' // the built-in lab target was asked for while the VM is down
  | 'host-key-unknown' // ssh does not know the host's key: nothing was run
  | 'host-key-changed' // the host shows another key than recorded: nothing was run
  | 'auth' // the login was refused (BatchMode: no password prompt)
  | 'unreachable' // name resolution, refused or timed-out connection
  | 'connection-lost' // the connection broke during a command
  | 'timeout' // a command did not finish in time (it was killed)
  | 'aborted' // cancelled through an AbortSignal
  | 'sudo-password' // sudo -n refused: a password would be needed
  | 'sudo-missing' // useSudo is set but the target has no sudo
  | 'deploy' // the helper could not be uploaded or built
  | 'unsafe-folder' // a work or build folder is not ours alone (another owner, writable by others, a symlink)
  | 'changed-file' // a deployed file (helper, .ko) no longer has the content hash it was deployed with: not run
  | 'helper' // the helper misbehaved (bad hello, unknown version, bad line)
  | 'unsupported' // the target's kernel lacks what the feature needs (nlmon for a capture)
  | 'helper-gone'; // the helper process exited or its connection dropped with requests open

export class TargetError extends Error {
  constructor(
    readonly kind: TargetErrorKind,
    message: string,
    /** Raw diagnostics (ssh's stderr, a build log) for the output channel, not for a notification. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'TargetError';
  }
}
