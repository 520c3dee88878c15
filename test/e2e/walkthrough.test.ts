// "Your first netlink module", the walkthrough, followed as a newcomer follows it: in code-server with a fresh, empty
// workspace, each step's button is clicked on the walkthrough page (start the lab, New Module from the reference,
// build, load, send without and with NLM_F_ACK from the builder, run the exercise, show the kernel log), and each
// step must show as completed there: its completion events are the context keys the extension sets on the real
// events (lab ready, module built...), so a step completes only when the thing happened.
// Also measured, and printed and written to test-results/walkthrough-timing.json: the time from starting
// code-server (as `npm start` does after its build) to the module's first decoded reply in the builder.
// One file, one code-server and one lab boot; the tests are the walkthrough's steps, in order (each needs the ones
// before it).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { LAB_HOST_PACKAGES } from '../../extension/src/lab/hostPackages';
import { prepareKernel } from '../../extension/src/lab/kernel';
import { clickInView } from './harness/builder';
import { ensureAll, ensureAptPackages } from './harness/install';
import { repoRoot, resultsRoot, runsRoot } from './harness/paths';
import {
  builderFrame,
  openWorkbench,
  runCommand,
  runCommandAndPick,
  shotOnFailure,
  waitFor,
  waitForToast,
  type Workbench,
} from './harness/workbench';

const screenshots = join(resultsRoot, 'screenshots');
const labCache = (process.env.NETLINK_CACHE ??= join(repoRoot, '.cache'));
const TITLE = 'Your first netlink module';

/** The walkthrough page, opened again when an editor took its place. */
async function showWalkthrough(page: Page): Promise<void> {
  const container = page.locator('.gettingStartedContainer');
  if (await container.isVisible()) return;
  await runCommandAndPick(page, 'Welcome: Open Walkthrough...', TITLE);
  await container.waitFor({ state: 'visible', timeout: 30_000 });
}

/** Select the step (its title button) and click the button of its description named `action`. */
async function clickStepAction(page: Page, step: string, action: string): Promise<void> {
  await showWalkthrough(page);
  const title = page.locator(`button.getting-started-step[data-step-id$="#${step}"]`);
  await title.waitFor({ state: 'visible', timeout: 15_000 });
  if ((await title.getAttribute('aria-expanded')) !== 'true') await title.click();
  const button = title.getByRole('button', { name: action, exact: true });
  await button.waitFor({ state: 'visible', timeout: 10_000 });
  await button.click();
}

/** Wait until the walkthrough shows the step as completed (its check box ticked). */
async function stepCompleted(page: Page, step: string, timeoutMs = 30_000): Promise<void> {
  await showWalkthrough(page);
  const box = page.locator(`[data-done-step-id$="#${step}"]`).first();
  let state = '';
  await waitFor(
    `walkthrough step ${step} completed`,
    timeoutMs,
    async () => (state = (await box.getAttribute('aria-checked', { timeout: 1_000 })) ?? '') === 'true',
    () => `aria-checked=${state}`,
  );
}

/** Press Send in the builder and wait for its status line; returns it. */
async function send(page: Page, expected: RegExp): Promise<string> {
  const frame = builderFrame(page);
  await frame.locator('[data-testid=target-name]', { hasText: 'Target: lab' }).waitFor({ timeout: 30_000 });
  await clickInView(frame.locator('[data-testid=send-button]'));
  const status = frame.locator('[data-testid=send-status]');
  let said = '';
  await waitFor(
    `the send status ${expected}`,
    30_000,
    async () => expected.test((said = await status.innerText({ timeout: 1_000 }))),
    () => said,
  );
  return said;
}

describe('walkthrough "Your first netlink module", followed in code-server with the lab', () => {
  let wb: Workbench;
  let started = 0;
  const times: Record<string, number> = {};
  const mark = (what: string): void => {
    times[what] = Math.round((performance.now() - started) / 100) / 10;
  };

  before(
    async () => {
      mkdirSync(screenshots, { recursive: true });
      await ensureAll();
      await ensureAptPackages(LAB_HOST_PACKAGES);
      await prepareKernel({ cacheDir: labCache, log: (l) => console.log(`[lab] ${l}`), prefer: 'auto' });
      // A fresh workspace: an empty folder, nothing chosen yet (the default target is the lab).
      const workspace = join(runsRoot, 'walkthrough-workspace');
      rmSync(workspace, { recursive: true, force: true });
      mkdirSync(workspace, { recursive: true });
      started = performance.now();
      wb = await openWorkbench({ extensionPath: repoRoot, workspace, runName: 'walkthrough' });
      mark('workbench');
    },
    { timeout: 30 * 60_000 },
  );

  after(
    async () => {
      if (wb && (await wb.page.locator('.statusbar-item', { hasText: 'lab: ready' }).count()) > 0) {
        await runCommand(wb.page, 'Netlink: Stop Lab VM').catch(() => undefined);
        await wb.page
          .locator('.statusbar-item', { hasText: 'lab: stopped' })
          .waitFor({ timeout: 30_000 })
          .catch(() => undefined);
      }
      await wb?.close();
      if (Object.keys(times).length > 0) {
        console.log(`walkthrough timing (s from code-server start): ${JSON.stringify(times)}`);
        writeFileSync(join(resultsRoot, 'walkthrough-timing.json'), `${JSON.stringify(times, null, 2)}\n`);
      }
    },
    { timeout: 60_000 },
  );

  const shot = shotOnFailure(() => wb.page, screenshots);

  it(
    'the walkthrough opens; "Start Lab VM" boots the lab and completes the step',
    { timeout: 240_000 },
    shot('walkthrough-lab', async (page) => {
      await page.locator('.statusbar-item', { hasText: 'lab: stopped' }).waitFor({ timeout: 60_000 });
      await showWalkthrough(page);
      assert.equal(
        await page.locator('[data-done-step-id$="#lab"]').first().getAttribute('aria-checked'),
        'false',
        'nothing is completed before it happened',
      );
      await clickStepAction(page, 'lab', 'Start Lab VM');
      await page.locator('.statusbar-item', { hasText: 'lab: ready' }).waitFor({ timeout: 180_000 });
      mark('labReady');
      await stepCompleted(page, 'lab');
    }),
  );

  it(
    '"New Module" copies the reference into the workspace and "Use It" makes it the module',
    { timeout: 60_000 },
    shot('walkthrough-new-module', async (page) => {
      await clickStepAction(page, 'newModule', 'New Module');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(await input.inputValue(), 'mymodule');
      await input.press('Enter');
      const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Created mymodule' });
      await toast.getByRole('button', { name: 'Use It' }).click({ timeout: 15_000 });
      await stepCompleted(page, 'newModule');
    }),
  );

  it(
    '"Build Module" and "Load Module" put the copy into the lab kernel',
    { timeout: 240_000 },
    shot('walkthrough-build-load', async (page) => {
      await clickStepAction(page, 'build', 'Build Module');
      await waitForToast(page, /nlreply built: \S+\/nlreply\.ko/, 180_000);
      mark('built');
      await stepCompleted(page, 'build');
      await clickStepAction(page, 'load', 'Load Module');
      await waitForToast(page, /nlreply loaded on lab \(.*protocol=31/, 60_000);
      mark('loaded');
      await stepCompleted(page, 'load');
    }),
  );

  it(
    'without NLM_F_ACK nothing comes back (the builder times out); with NLM_F_ACK the reply names our port',
    { timeout: 120_000 },
    shot('walkthrough-send', async (page) => {
      await clickStepAction(page, 'sendNoAck', 'Open in Builder');
      const frame = builderFrame(page);
      await frame.locator('[data-testid=flags-value] input').waitFor({ timeout: 30_000 });
      await waitFor(
        'the no-ack message in the form',
        15_000,
        async () => (await frame.locator('[data-testid=flags-value] input').inputValue()) === '0x1',
      );
      assert.match(await send(page, /^0 replies from lab/), /timed out/);
      await stepCompleted(page, 'sendNoAck');

      await clickStepAction(page, 'sendAck', 'Open in Builder');
      await waitFor(
        'the ack message in the form',
        15_000,
        async () => (await frame.locator('[data-testid=flags-value] input').inputValue()) === '0x5',
      );
      await send(page, /^1 reply from lab in \d+ ms\.$/);
      const replies = await frame.locator('[data-testid=replies]').innerText();
      assert.match(replies, /NLMSG_DONE/);
      assert.match(replies, /message from port \d+ processed by kernel/);
      mark('firstDecodedReply');
      await stepCompleted(page, 'sendAck');
    }),
  );

  it(
    '"Run Exercise" runs the module\'s exercise in the Test Explorer',
    { timeout: 120_000 },
    shot('walkthrough-exercise', async (page) => {
      await clickStepAction(page, 'exercise', 'Open Test Explorer');
      await page.locator('.part.sidebar', { hasText: 'nlreply' }).waitFor({ timeout: 30_000 });
      await clickStepAction(page, 'exercise', 'Run Exercise');
      await stepCompleted(page, 'exercise', 60_000);
      // The Test Explorer shows the steps' verdicts: passed ones, none failed.
      const tree = page.locator('.part.sidebar .test-explorer');
      await tree.locator('.codicon-testing-passed-icon').first().waitFor({ timeout: 30_000 });
      assert.equal(await tree.locator('.codicon-testing-failed-icon').count(), 0, 'no step failed');
    }),
  );

  it(
    '"Show Kernel Log" shows the module\'s lines and completes the walkthrough',
    { timeout: 60_000 },
    shot('walkthrough-kernel-log', async (page) => {
      await clickStepAction(page, 'kernelLog', 'Show Kernel Log');
      // The output view's editor; it renders blanks as no-break spaces (\s matches both).
      const output = page.locator('.part.panel .monaco-editor .view-lines').first();
      let seen = '';
      await waitFor(
        'the module in the kernel log',
        30_000,
        async () =>
          /nlreply:\s+serving\s+netlink\s+protocol\s+31/.test((seen = await output.innerText({ timeout: 1_000 }))),
        () => seen.slice(-300),
      );
      await stepCompleted(page, 'kernelLog');
      for (const step of ['lab', 'newModule', 'build', 'load', 'sendNoAck', 'sendAck', 'exercise', 'kernelLog'])
        assert.equal(
          await page.locator(`[data-done-step-id$="#${step}"]`).first().getAttribute('aria-checked'),
          'true',
          step,
        );
      await page.screenshot({ path: join(screenshots, 'walkthrough.png') });
    }),
  );
});
