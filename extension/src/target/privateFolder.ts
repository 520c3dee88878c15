// Folders the extension builds in and keeps files in, on this machine and on a target, hold what later runs as the
// user (Kbuild, make) or as root (nlhelper, the module's .ko). A folder somebody else made first, or one others can
// write to, may hold files they planted, so a folder is used only when it is ours alone: a real folder (not a
// symbolic link), owned by the user who writes to it, no permission bits for group or others. A missing folder is
// made with mode 0700. One of ours that others may read but not write (an earlier version made it 0755) is
// tightened to 0700: only its owner (or root) can have put files in it.
import { chmodSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { TargetError } from './errors';

export interface FolderFacts {
  readonly type: 'folder' | 'symlink' | 'other';
  /** Permission bits (07777). */
  readonly mode: number;
  readonly uid: number;
  /** The owner's user name, when known. */
  readonly owner?: string;
}

/** The user who uses the folder. */
export interface FolderUser {
  readonly uid: number;
  readonly name?: string;
}

export type FolderVerdict =
  { readonly ok: true; readonly tighten: boolean } | { readonly ok: false; readonly problem: string };

const octal = (mode: number): string => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
const who = (uid: number, name?: string): string => (name ? `${name} (uid ${uid})` : `uid ${uid}`);

/**
 * Whether `folder` may be used by `me`. `what` names it in the message ("the local build folder"), `remedy` ends
 * the message with what to do instead of removing it.
 */
export function judgeFolder(
  what: string,
  folder: string,
  f: FolderFacts,
  me: FolderUser,
  remedy: string,
): FolderVerdict {
  const refuse = (why: string): FolderVerdict => ({
    ok: false,
    problem: `${what} ${folder} ${why}, so it is not used: files in it may have been put there by someone else. Remove it (${remedy}).`,
  });
  if (f.type === 'symlink') return refuse('is a symbolic link (it can lead into a folder of another user)');
  if (f.type !== 'folder') return refuse('is not a folder');
  if (f.uid !== me.uid) return refuse(`belongs to ${who(f.uid, f.owner)}, not to ${who(me.uid, me.name)}`);
  if (f.mode & 0o022)
    return refuse(`can be written by ${f.mode & 0o002 ? 'every user' : 'its group'} (mode ${octal(f.mode)})`);
  return { ok: true, tighten: (f.mode & 0o077) !== 0 };
}

/** Permission bits from `ls -l`'s mode column (`drwxr-s--T`): rwx per class, s/S t/T for the special bits. */
function modeOfLs(perms: string): number {
  let mode = 0;
  const specials = [0o4000, 0o2000, 0o1000];
  for (let c = 0; c < 3; c++) {
    const [r, w, x] = perms.slice(c * 3, c * 3 + 3);
    const shift = (2 - c) * 3;
    if (r === 'r') mode |= 4 << shift;
    if (w === 'w') mode |= 2 << shift;
    if (x === 'x' || x === 's' || x === 't') mode |= 1 << shift;
    if (x === 's' || x === 'S' || x === 't' || x === 'T') mode |= specials[c] as number;
  }
  return mode;
}

/** One line of `ls -ldn` (GNU or busybox): type, permission bits and numeric owner; undefined when not one. */
export function parseLsLine(line: string): Omit<FolderFacts, 'owner'> | undefined {
  const m = /^([-a-zA-Z])([-rwxsStT]{9})\S*\s+\d+\s+(\d+)\s/.exec(line);
  if (!m) return undefined;
  const type = m[1] === 'd' ? 'folder' : m[1] === 'l' ? 'symlink' : 'other';
  return { type, mode: modeOfLs(m[2] as string), uid: Number(m[3]) };
}

/**
 * Shell function (fixed text) that reports a folder as `uid=`, `user=` (the login), and, when the folder exists,
 * `ls=` (`ls -ldn`: numeric owner) and `lsname=` (`ls -ld`: the owner's name). ls and id are POSIX and in busybox.
 */
export const FOLDER_REPORT_SH = `report_folder() {
  printf 'uid=%s\\nuser=%s\\n' "$(id -u)" "$(id -un 2>/dev/null)"
  if [ -e "$1" ] || [ -L "$1" ]; then printf 'ls=%s\\nlsname=%s\\n' "$(ls -ldn -- "$1")" "$(ls -ld -- "$1")"; fi
}`;

export interface FolderReport {
  readonly me: FolderUser;
  /** Undefined when the folder does not exist. */
  readonly facts?: FolderFacts;
}

/** report_folder's lines (among others, `key=value`) → what it says; throws when the report is unreadable. */
export function parseFolderReport(values: ReadonlyMap<string, string>, folder: string): FolderReport {
  const uid = values.get('uid');
  if (uid === undefined || !/^\d+$/.test(uid))
    throw new TargetError('deploy', `the target did not say who the login user is (id -u) while checking ${folder}`);
  const name = values.get('user') || undefined;
  const me: FolderUser = { uid: Number(uid), ...(name ? { name } : {}) };
  const ls = values.get('ls');
  if (ls === undefined) return { me };
  const facts = parseLsLine(ls);
  if (!facts)
    throw new TargetError(
      'deploy',
      `cannot read ls -ldn's line for ${folder} on the target: ${JSON.stringify(ls.slice(0, 200))}`,
    );
  const owner = (values.get('lsname') ?? '').trim().split(/\s+/)[2];
  return { me, facts: { ...facts, ...(owner && owner !== String(facts.uid) ? { owner } : {}) } };
}

/** `key=value` lines → a map (the first value of a key wins). */
export function keyValues(out: string): Map<string, string> {
  const v = new Map<string, string>();
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !v.has(line.slice(0, eq))) v.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return v;
}

/** What the remote checks need from a target: an argv runner (quoted in quote.ts by the runner). */
export type RemoteExec = (
  argv: readonly string[],
  opts: { timeoutMs: number; signal?: AbortSignal },
) => Promise<{ code: number | null; stdout: string; stderr: string }>;

// Fixed script, the folder as $1: made (0700) when missing, then reported. mkdir -p gives the last folder the mode;
// whatever was there before, or appeared meanwhile, is judged by the report, not by mkdir's success.
const ENSURE_SCRIPT = `${FOLDER_REPORT_SH}
d=$1
if [ ! -e "$d" ] && [ ! -L "$d" ]; then mkdir -p -m 700 -- "$d" || exit 3; fi
report_folder "$d"`;

const CHECK_TIMEOUT_MS = 30_000;

/**
 * Judges a reported folder: throws TargetError('unsafe-folder') when it is not ours alone, tightens one of ours that
 * others can read to 0700. `remedy` ends the refusal message.
 */
export async function acceptRemoteFolder(
  exec: RemoteExec,
  report: FolderReport,
  folder: string,
  what: string,
  remedy: string,
  signal?: AbortSignal,
): Promise<void> {
  if (!report.facts) throw new TargetError('deploy', `${what} ${folder} is not there`);
  const v = judgeFolder(what, folder, report.facts, report.me, remedy);
  if (!v.ok) throw new TargetError('unsafe-folder', v.problem);
  if (!v.tighten) return;
  const r = await exec(['chmod', '700', '--', folder], { timeoutMs: CHECK_TIMEOUT_MS, ...(signal ? { signal } : {}) });
  if (r.code !== 0)
    throw new TargetError(
      'unsafe-folder',
      `${what} ${folder} is readable by others and chmod 700 failed: ${r.stderr.trim()}`,
    );
}

/** Makes `folder` on the target (mode 0700) or checks the one there: ours alone, else TargetError('unsafe-folder'). */
export async function ensureRemotePrivateFolder(
  exec: RemoteExec,
  folder: string,
  what: string,
  remedy: string,
  signal?: AbortSignal,
): Promise<void> {
  const r = await exec(['sh', '-c', ENSURE_SCRIPT, 'sh', folder], {
    timeoutMs: CHECK_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
  });
  if (r.code === 3) throw new TargetError('deploy', `${what} ${folder} could not be made: ${r.stderr.trim()}`);
  if (r.code !== 0)
    throw new TargetError(
      'deploy',
      `${what} ${folder} could not be checked (exit ${r.code ?? 'by signal'}): ${r.stderr.trim()}`,
    );
  await acceptRemoteFolder(exec, parseFolderReport(keyValues(r.stdout), folder), folder, what, remedy, signal);
}

/** A user name from /etc/passwd, when it has the uid. */
function localUserName(uid: number): string | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[2] === String(uid)) return f[0];
    }
  } catch {
    // no passwd file: the uid alone names the owner
  }
  return undefined;
}

/**
 * Makes `folder` here (mode 0700, parents as needed) or checks the one there: ours alone, else an Error with the
 * problem. Where there are no uids (Windows) nothing is checked.
 */
export function ensureLocalPrivateFolder(folder: string, what: string, remedy: string): void {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (e) {
    // Something that is not a folder is in the way: the check below says what.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
  }
  const euid = process.geteuid?.();
  if (euid === undefined) return;
  let st;
  try {
    st = lstatSync(folder);
  } catch (e) {
    throw new Error(`${what} ${folder} could not be made: ${(e as Error).message}`);
  }
  const owner = localUserName(st.uid);
  const facts: FolderFacts = {
    type: st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'folder' : 'other',
    mode: st.mode & 0o7777,
    uid: st.uid,
    ...(owner ? { owner } : {}),
  };
  const v = judgeFolder(what, folder, facts, { uid: euid, name: os.userInfo().username }, remedy);
  if (!v.ok) throw new Error(v.problem);
  if (v.tighten) chmodSync(folder, 0o700);
}
