// "Netlink: Generate Negative Exercises from a Spec" as a person runs it, in code-server + Chromium: a workspace
// whose module folder (the default, kmod/) holds the generic netlink template (kmod-genl/: genldemo.yaml), the
// command from the palette, its question per command answered in its quick pick (which attributes the doit
// requires; set: id and name), and the exercise file it writes: where, opened in an editor, loaded by the
// project's own exercise loader, each step the invalid request and the errno/ext-ack the spec's checks imply.
// Needs no target: nothing is sent.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { loadExerciseFile } from '../../extension/src/exercise/loadFile';
import { ensureAll } from './harness/install';
import { repoRoot, resultsRoot, runsRoot } from './harness/paths';
import {
  editorText,
  netlinkReady,
  openCommandPick,
  shotOnFailure,
  waitFor,
  type Workbench,
  openWorkbench,
} from './harness/workbench';

const screenshots = join(resultsRoot, 'screenshots');
const workspace = join(runsRoot, 'negative-exercises-workspace');
const moduleDir = join(workspace, 'kmod');
const written = join(moduleDir, 'exercises', 'genldemo-negative.yaml');

const EINVAL = 22;
const ERANGE = 34;

/**
 * Wait for the command's multi-select quick pick titled `title`, tick `also` besides what it ticked itself, check
 * the ticked rows are exactly `expected`, and accept it with Enter.
 */
async function answerPick(
  page: Page,
  title: string,
  also: readonly string[],
  expected: readonly string[],
): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 15_000 });
  const rows = widget.locator('.quick-input-list .monaco-list-row');
  const checked = async (): Promise<string[]> =>
    (
      await rows.evaluateAll((els) =>
        els
          .filter((el) => el.getAttribute('aria-checked') === 'true')
          .map((el) => el.querySelector('.label-name')?.textContent?.trim() ?? ''),
      )
    ).sort();
  for (const label of also) {
    await rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).click();
  }
  let seen: string[] = [];
  await waitFor(
    `${expected.join(', ')} ticked in "${title}"`,
    5_000,
    async () => JSON.stringify((seen = await checked())) === JSON.stringify([...expected].sort()),
    () => seen.join(', '),
  );
  await widget.locator('input.input').press('Enter');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'hidden', timeout: 10_000 });
}

describe('Generate Negative Exercises from a Spec', () => {
  let wb: Workbench;

  before(
    async () => {
      mkdirSync(screenshots, { recursive: true });
      await ensureAll();
      // A copy of the template without its exercises/: the command then writes the first file of that folder.
      rmSync(workspace, { recursive: true, force: true });
      cpSync(join(repoRoot, 'kmod-genl'), moduleDir, {
        recursive: true,
        filter: (src) => !src.startsWith(join(repoRoot, 'kmod-genl', 'exercises')),
      });
      wb = await openWorkbench({ extensionPath: repoRoot, workspace, runName: 'negative-exercises' });
    },
    { timeout: 30 * 60_000 },
  );

  after(
    async () => {
      await wb?.close();
    },
    { timeout: 30_000 },
  );

  const shot = shotOnFailure(() => wb.page, screenshots);

  it(
    'asks which attributes each doit requires, writes kmod/exercises/genldemo-negative.yaml and opens it',
    { timeout: 180_000 },
    shot('negative-exercises', async (page) => {
      assert.ok(!existsSync(join(moduleDir, 'exercises')), 'no exercises folder before the command');
      await netlinkReady(page);
      // The only spec in the module folder is taken without asking; the first question is the get command's.
      await openCommandPick(page, 'Netlink: Generate Negative Exercises from a Spec');
      await answerPick(page, "Which attributes does genldemo's get require?", [], ['id']);
      await answerPick(page, "Which attributes does genldemo's set require?", ['name'], ['id', 'name']);

      await waitFor('the exercise file', 15_000, async () => existsSync(written));
      assert.deepEqual(readdirSync(join(moduleDir, 'exercises')), ['genldemo-negative.yaml'], 'one file written');
      await page
        .locator('.editor-group-container.active .tab.active', { hasText: 'genldemo-negative.yaml' })
        .waitFor({ state: 'visible', timeout: 15_000 });
      await editorText(
        page,
        (uri) => uri.endsWith('/kmod/exercises/genldemo-negative.yaml'),
        ['name: "genldemo: invalid requests"', 'spec: ../genldemo.yaml'],
        15_000,
      );
      assert.equal(await page.locator('.notifications-toasts .codicon-error').count(), 0, 'no error notification');

      // What the Test Explorer would run: the project's loader accepts it, with the family from the spec.
      const loaded = await loadExerciseFile(written);
      assert.deepEqual(loaded.problems, [], 'the loader finds no problem');
      const exercise = loaded.exercise;
      assert.ok(exercise, 'an exercise');
      assert.equal(exercise.protocol, 16, 'NETLINK_GENERIC');
      assert.equal(exercise.family?.name, 'genldemo');
      const steps = exercise.steps.map((s) => {
        const e = s.expect;
        assert.equal(e.kind, 'error', `${s.name}: expects an error`);
        assert.ok(s.send.kind === 'fields' && s.send.genlFamily === 'genldemo', `${s.name}: sent to genldemo`);
        return {
          name: s.name,
          errno: e.kind === 'error' ? e.errno : undefined,
          message: e.kind === 'error' ? e.message?.written : undefined,
          attr: e.kind === 'error' ? e.attr : undefined,
        };
      });
      const missing = (cmd: string, attr: string) => ({
        name: `${cmd} without ${attr} (required): EINVAL naming the missing attribute`,
        errno: EINVAL,
        message: undefined,
        attr,
      });
      const range = (cmd: string) => ({
        name: `${cmd} with id 1025 (outside 1..1024): ERANGE`,
        errno: ERANGE,
        message: 'integer out of range',
        attr: 'id',
      });
      assert.deepEqual(steps, [
        missing('get', 'id'),
        missing('set', 'id'),
        // Only because the answer to the set question added name.
        missing('set', 'name'),
        range('get'),
        range('set'),
        {
          name: 'set with a 16-byte name (max-len 15): EINVAL',
          errno: EINVAL,
          message: 'Attribute failed policy validation',
          attr: 'name',
        },
        {
          name: 'get with meta.note outside its nest: EINVAL, unknown at the top level',
          errno: EINVAL,
          message: 'Unknown attribute type',
          attr: undefined,
        },
        {
          name: 'get with attribute 5 (unknown): EINVAL under strict validation',
          errno: EINVAL,
          message: 'Unknown attribute type',
          attr: undefined,
        },
      ]);
      // "set without name" still carries the other required attribute, a valid id.
      const withoutName = exercise.steps[2]!.send;
      assert.ok(withoutName.kind === 'fields' && withoutName.payload.kind === 'attrs');
      assert.deepEqual(
        withoutName.payload.attrs.map((a) => [a.type, a.value.kind === 'scalar' ? a.value.value : a.value.kind]),
        [[1, 1n]],
        'set without name sends id 1',
      );
    }),
  );

  it(
    'running it again writes a second file and leaves the first as it was',
    { timeout: 120_000 },
    shot('negative-exercises-again', async (page) => {
      const first = readFileSync(written, 'utf8');
      await openCommandPick(page, 'Netlink: Generate Negative Exercises from a Spec');
      // The exercise open in the editor is not a spec: the module folder's one is used again.
      await answerPick(page, "Which attributes does genldemo's get require?", [], ['id']);
      await answerPick(page, "Which attributes does genldemo's set require?", [], ['id']);
      const second = join(moduleDir, 'exercises', 'genldemo-negative-2.yaml');
      await waitFor('the second exercise file', 15_000, async () => existsSync(second));
      await page
        .locator('.editor-group-container.active .tab.active', { hasText: 'genldemo-negative-2.yaml' })
        .waitFor({ state: 'visible', timeout: 15_000 });
      assert.equal(readFileSync(written, 'utf8'), first, 'the first file unchanged');
      const again = await loadExerciseFile(second);
      assert.deepEqual(again.problems, []);
      assert.ok(
        !again.exercise?.steps.some((s) => s.name.startsWith('set without name')),
        'this time set requires only id',
      );
    }),
  );

  it('the workbench sent no request outside 127.0.0.1', () => {
    assert.deepEqual(wb.browser.outsideRequests, []);
  });
});
