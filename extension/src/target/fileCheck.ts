// A deployed file (the helper binary, an uploaded .ko) runs as root only while its content is what was deployed:
// the command that runs it first hashes it on the target (sha256sum: coreutils and busybox) and compares, in the
// same remote command, so a file changed between upload and use is refused before it runs. The check runs as the
// login user, outside `sudo -n`: a sudo rule for the program itself (nlhelper, insmod) still matches.
import { TargetError } from './errors';

/** The file a command may use only while it has this content hash. */
export interface FileCheck {
  /** Absolute path on the target. */
  readonly file: string;
  /** sha256 of the expected content, lower-case hex. */
  readonly sha256: string;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

const MARK = 'nlwb-check:';
const EXIT = 97;

// Fixed script: $1 the file, $2 the expected hash, the command after them. stderr goes to /dev/null first so a
// missing file's redirection error does not mix in; the refusal is one marked line and exit 97.
const CHECK_SCRIPT = `f=$1 want=$2; shift 2
command -v sha256sum >/dev/null 2>&1 || { echo '${MARK} no-sha256sum' >&2; exit ${EXIT}; }
got=$(sha256sum 2>/dev/null < "$f") || { echo '${MARK} unreadable' >&2; exit ${EXIT}; }
got=\${got%% *}
[ "$got" = "$want" ] || { echo "${MARK} sha256 $got" >&2; exit ${EXIT}; }
exec "$@"`;

/** argv that runs `argv` only when the check holds. */
export function checkedArgv(check: FileCheck, argv: readonly string[]): string[] {
  if (!SHA256_HEX.test(check.sha256)) throw new Error(`not a sha256: ${JSON.stringify(check.sha256)}`);
  return ['sh', '-c', CHECK_SCRIPT, 'sh', check.file, check.sha256, ...argv];
}

/** The TargetError for a command the check refused (exit 97 and its marked line), else undefined. */
export function fileCheckRefusal(
  code: number | null,
  stderr: string,
  check: FileCheck,
  target: string,
  asRoot: boolean,
): TargetError | undefined {
  if (code !== EXIT) return undefined;
  const said = new RegExp(`(?:^|\\n)${MARK} ([^\\n]*)\\n?$`).exec(stderr)?.[1];
  if (said === undefined) return undefined;
  const nothing = asRoot ? 'nothing ran as root' : 'nothing ran';
  if (said === 'no-sha256sum') {
    return new TargetError(
      'changed-file',
      `target "${target}" has no sha256sum (coreutils or busybox), which checks ${check.file} before use, so ${nothing}: install it there`,
      stderr,
    );
  }
  if (said === 'unreadable') {
    return new TargetError(
      'changed-file',
      `target "${target}": ${check.file} is gone or unreadable, so ${nothing}: build or deploy it again`,
      stderr,
    );
  }
  const got = said.replace(/^sha256 /, '');
  return new TargetError(
    'changed-file',
    `target "${target}": ${check.file} is not the file that was put there (sha256 ${got.slice(0, 16)}…, expected ${check.sha256.slice(0, 16)}…): ` +
      `something changed it after the upload, so ${nothing}. Find out what changed it, then remove it; the next build or deployment puts it back.`,
    stderr,
  );
}
