// Reading an exercise file from disk, with the family spec it names (`spec:`, relative to the file) loaded by the
// codec's YNL loader so the module's messages decode with their own names and text payloads.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadYnlSpec } from '../netlink/ynl/index';
import { parseExercise, type ParseResult } from './parse';

export function parseExerciseText(text: string, file: string): ParseResult {
  return parseExercise(text, file, {
    resolveSpec: (ref) => {
      const specPath = path.resolve(path.dirname(file), ref);
      let yamlText: string;
      try {
        yamlText = readFileSync(specPath, 'utf8');
      } catch (e) {
        return { error: `cannot read ${specPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
      }
      const r = loadYnlSpec(yamlText, specPath);
      if (!r.family) return { error: r.problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.message}`).join('; ') || 'no family in it' };
      return { family: r.family };
    },
  });
}

export async function loadExerciseFile(file: string): Promise<ParseResult> {
  return parseExerciseText(await readFile(file, 'utf8'), file);
}
