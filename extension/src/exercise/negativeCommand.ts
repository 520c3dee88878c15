// "Generate Negative Exercises": invalid requests for a generic netlink family, made from its YNL spec (the one
// open in the editor, or one in the module folder), written as a new exercise file in the module folder's
// exercises/ for the user to edit. The steps come from negative.ts; this file only asks and writes.
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { readBoundedText } from '../boundedRead';
import { loadYnlSpec } from '../netlink/ynl/index';
import { MAX_SPEC_BYTES } from '../specs/specFiles';
import { negativeExerciseText, negativeSteps } from './negative';

/** The spec to generate from: the YAML file in the editor when it is one, else a pick among the module folder's. */
async function pickSpec(moduleDir: string): Promise<string | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (
    active?.uri.scheme === 'file' &&
    /\.ya?ml$/.test(active.fileName) &&
    !/exercises$/.test(path.dirname(active.fileName))
  )
    return active.fileName;
  const specs = (await readdir(moduleDir).catch(() => [] as string[])).filter((n) => /\.ya?ml$/.test(n)).sort();
  if (specs.length === 1) return path.join(moduleDir, specs[0] as string);
  const pick = await vscode.window.showQuickPick(specs, { title: 'Generate negative exercises from which spec?' });
  return pick ? path.join(moduleDir, pick) : undefined;
}

/** A file name in `dir` that does not exist yet: nothing is ever overwritten. */
function freshName(dir: string, base: string): string {
  for (let i = 1; ; i++) {
    const name = `${base}${i === 1 ? '' : `-${i}`}.yaml`;
    if (!existsSync(path.join(dir, name))) return path.join(dir, name);
  }
}

/** Runs the command; resolves to the file written (undefined after a cancel). Errors are thrown with their place. */
export async function generateNegativeExercises(moduleDir: string): Promise<string | undefined> {
  const specPath = await pickSpec(moduleDir);
  if (!specPath) return undefined;
  const read = readBoundedText(specPath, { maxBytes: MAX_SPEC_BYTES });
  if ('error' in read) throw new Error(`${specPath}: ${read.error}`);
  const loaded = loadYnlSpec(read.text, specPath);
  if (!loaded.family) {
    const p = loaded.problems[0];
    throw new Error(`${specPath}${p?.line ? `:${p.line}` : ''}: ${p?.message ?? 'no family in it'}`);
  }
  const family = loaded.family;
  // Which attributes a doit requires is in its code (GENL_REQ_ATTR_CHECK), not in the spec: asked per command.
  const required: Record<string, string[]> = {};
  for (const msg of family.messages.values()) {
    const attrs = family.opRequests?.get(msg.value)?.do;
    if (!attrs?.length) continue;
    const picked = await vscode.window.showQuickPick(
      attrs.map((a, i) => ({ label: a, picked: i === 0 })),
      { title: `Which attributes does ${family.name}'s ${msg.name} require?`, canPickMany: true },
    );
    if (!picked) return undefined;
    required[msg.name] = picked.map((p) => p.label);
  }
  const result = negativeSteps(family, { required });
  if (result.steps.length === 0) throw new Error(`${specPath}: no negative steps: ${result.skipped.join('; ')}`);
  const dir = path.join(moduleDir, 'exercises');
  await mkdir(dir, { recursive: true });
  const file = freshName(dir, `${family.name}-negative`);
  const specRef = path.relative(dir, specPath).split(path.sep).join('/');
  await writeFile(file, negativeExerciseText(family, specRef, result), { flag: 'wx' });
  await vscode.window.showTextDocument(vscode.Uri.file(file));
  return file;
}
