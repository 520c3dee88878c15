// Reading an exercise file from disk, with the family spec it names (`spec:`, relative to the file) loaded by the
// codec's YNL loader so the module's messages decode with their own names and text payloads. Both go through the
// bounded reader: an exercise folder is part of a workspace, which may hold a FIFO or a link to /dev/zero.
import path from 'node:path';
import { readBoundedText } from '../boundedRead';
import { loadYnlSpec } from '../netlink/ynl/index';
import { MAX_SPEC_BYTES } from '../specs/specFiles';
import { parseExercise, type ParseResult } from './parse';

/** An exercise is a few dozen steps: a file this large is something else. */
const MAX_EXERCISE_BYTES = 1024 * 1024;

export function parseExerciseText(text: string, file: string): ParseResult {
  return parseExercise(text, file, {
    resolveSpec: (ref) => {
      const specPath = path.resolve(path.dirname(file), ref);
      const read = readBoundedText(specPath, { maxBytes: MAX_SPEC_BYTES });
      if ('error' in read) return { error: `${specPath}: ${read.error}` };
      const r = loadYnlSpec(read.text, specPath);
      if (!r.family)
        return {
          error:
            r.problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.message}`).join('; ') || 'no family in it',
        };
      return { family: r.family };
    },
  });
}

/** An exercise file's text; throws an Error saying which file and why when it is not a readable regular file. */
export function readExerciseText(file: string): string {
  const read = readBoundedText(file, { maxBytes: MAX_EXERCISE_BYTES });
  if ('error' in read) throw new Error(`${file}: ${read.error}`);
  return read.text;
}

export async function loadExerciseFile(file: string): Promise<ParseResult> {
  return parseExerciseText(readExerciseText(file), file);
}
