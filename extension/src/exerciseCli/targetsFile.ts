// The SSH targets of `exercise run --target`: `netlink.targets` of a VS Code settings file (the workspace's
// .vscode/settings.json by default), validated as the extension validates the setting, or a JSON array of targets.
import { readBoundedText } from '../boundedRead';
import { formatProblem, validateTargets, type TargetConfig } from '../target/validate';
import { ExerciseUsageError } from './args';

const MAX_SETTINGS_BYTES = 1024 * 1024;

/** Targets from the file's text; `file` names it in errors. Throws an ExerciseUsageError saying what is wrong where. */
export function targetsFromText(text: string, file: string): TargetConfig[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ExerciseUsageError(
      `${file}: not JSON (${(e as Error).message}); a settings file with comments cannot be read here: give --targets-file a JSON copy`,
    );
  }
  const setting =
    Array.isArray(value) || typeof value !== 'object' || value === null
      ? value
      : (value as Record<string, unknown>)['netlink.targets'];
  if (setting === undefined) throw new ExerciseUsageError(`${file}: has no "netlink.targets"`);
  const { targets, problems } = validateTargets(setting);
  if (problems.length) throw new ExerciseUsageError(`${file}: ${problems.map(formatProblem).join('; ')}`);
  return targets;
}

export function readTargetsFile(file: string): TargetConfig[] {
  const read = readBoundedText(file, { maxBytes: MAX_SETTINGS_BYTES });
  if ('error' in read) throw new ExerciseUsageError(`${file}: ${read.error}`);
  return targetsFromText(read.text, file);
}
