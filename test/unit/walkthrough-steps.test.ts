// The walkthrough's Send steps: which builder exchanges complete them (extension/src/walkthrough/steps.ts), and
// that every step of the package.json walkthrough completes on a key the code sets or a command it has.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { COMMANDS } from '../../extension/src/commands';
import type { SendResult } from '../../extension/src/protocol/webview';
import { WALKTHROUGH_KEYS, isModuleProtocol, sendStep } from '../../extension/src/walkthrough/steps';

const root = path.resolve(import.meta.dirname, '..', '..');
const NO_ACK = '10000000100001000100000000000000';
const ACK = '10000000100005000200000000000000';
const DONE = '2c000000030000000200000000000000';
const replies = (hex: string[], outcome: 'done' | 'timeout' = 'done'): SendResult => ({
  kind: 'replies',
  replies: hex,
  outcome,
  elapsedMs: 3,
});

test('a module request without NLM_F_ACK that got nothing before the timeout completes the no-ack step', () => {
  assert.equal(sendStep(31, NO_ACK, replies([], 'timeout')), 'sentWithoutAck');
  assert.equal(sendStep(31, NO_ACK, replies([DONE])), undefined, 'a reply to a no-ack request is not the lesson');
  assert.equal(sendStep(31, NO_ACK, { kind: 'failed', message: 'no target' }), undefined);
});

test('a module request with NLM_F_ACK that got a reply completes the ack step; an error does not', () => {
  assert.equal(sendStep(31, ACK, replies([DONE])), 'ackReplied');
  assert.equal(sendStep(31, ACK, replies([], 'timeout')), undefined);
  const error: SendResult = { ...replies([DONE]), kernelError: { errno: 22, name: 'EINVAL' } } as SendResult;
  assert.equal(sendStep(31, ACK, error), undefined);
});

test("the kernel's protocols, control messages and short bytes complete nothing", () => {
  assert.equal(sendStep(0, NO_ACK, replies([], 'timeout')), undefined, 'rtnetlink');
  assert.equal(sendStep(16, ACK, replies([DONE])), undefined, 'generic netlink');
  assert.equal(sendStep(31, '10000000030005000200000000000000', replies([DONE])), undefined, 'NLMSG_DONE sent');
  assert.equal(sendStep(31, '1000000010000400', replies([DONE])), undefined, 'short');
  assert.equal(sendStep(31, '10000000100004000200000000000000', replies([DONE])), undefined, 'no NLM_F_REQUEST');
  assert.deepEqual([0, 16, 17, 22, 23, 31, 32].map(isModuleProtocol), [false, false, true, false, true, true, false]);
});

test('each walkthrough step completes on a key the code sets or a command of the extension, and has its page', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    contributes: {
      walkthroughs: {
        id: string;
        steps: { id: string; description: string; completionEvents: string[]; media: { markdown: string } }[];
      }[];
    };
  };
  const keys = new Set<string>(Object.values(WALKTHROUGH_KEYS));
  const commands = new Set<string>(Object.values(COMMANDS).map((c) => c.id));
  const [walkthrough] = pkg.contributes.walkthroughs;
  assert.ok(walkthrough);
  const used = new Set<string>();
  for (const step of walkthrough.steps) {
    assert.ok(existsSync(path.join(root, step.media.markdown)), step.media.markdown);
    assert.ok(step.completionEvents.length > 0, `${step.id} completes on an event`);
    for (const e of step.completionEvents) {
      const key = /^onContext:(\S+)$/.exec(e)?.[1];
      const command = /^onCommand:(\S+)$/.exec(e)?.[1];
      assert.ok(key ? keys.has(key) : command && commands.has(command), `${step.id}: ${e}`);
      if (key) used.add(key);
    }
    // Every netlink command a step's button runs exists.
    for (const m of step.description.matchAll(/\(command:(netlink\.[A-Za-z]+)/g))
      assert.ok(commands.has(m[1]!), `${step.id} runs ${m[1]}`);
  }
  assert.deepEqual(
    [...keys].filter((k) => !used.has(k)),
    [],
    'every key a step',
  );
});
