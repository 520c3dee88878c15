// Runs an exercise's steps in order through an Exchanger: encode, exchange, decode with the codec, judge.
// Pure apart from the exchanger it is given; the result of each step carries the decoded replies as text.
import {
  createRegistry,
  decodeMessages,
  nlAlign,
  renderText,
  toHex,
  type DecodedMessage,
  type FamilyRegistry,
} from '../netlink/index';
import { encodeSend, sentSeq } from './encodeStep';
import { resolveGenlFamily } from './genlFamily';
import { TransportError, type Exchanger } from '../exchange/exchanger';
import { judge, type ReplyView } from './match';
import type { Exercise, ExerciseStep } from './types';

export type StepStatus = 'pass' | 'fail' | 'error';

export interface StepResult {
  readonly step: ExerciseStep;
  /** `error`: the exchange could not be made (no helper, protocol not served...): says nothing about the module. */
  readonly status: StepStatus;
  /** One paragraph: why it failed, or what passed. */
  readonly message: string;
  /** What was sent and everything that came back, decoded (renderText). */
  readonly details: string;
  readonly sent?: Uint8Array;
  readonly replies: readonly Uint8Array[];
  readonly decoded: readonly DecodedMessage[];
  readonly outcome?: 'done' | 'timeout';
  readonly durationMs: number;
  readonly portid?: number;
}

export interface RunOptions {
  /** Step indexes to run (all when absent). */
  readonly only?: ReadonlySet<number>;
  readonly signal?: AbortSignal;
  readonly onResult?: (result: StepResult) => void;
  readonly onStart?: (step: ExerciseStep) => void;
}

export function exerciseRegistry(ex: Exercise): FamilyRegistry {
  return createRegistry(ex.family ? [ex.family] : []);
}

/** Replies decoded together (each padded to 4 bytes, as they would sit in one buffer): offsets are meaningful. */
export function decodeReplies(
  replies: readonly Uint8Array[],
  protocol: number,
  registry: FamilyRegistry,
): { views: ReplyView[]; all: DecodedMessage[] } {
  const views: ReplyView[] = [];
  for (const bytes of replies) {
    const decoded = decodeMessages(bytes, { protocol, registry, maxMessages: 1 })[0];
    if (decoded) views.push({ decoded, bytes });
  }
  const total = replies.reduce((n, r) => n + nlAlign(r.length), 0);
  const buf = new Uint8Array(total);
  let pos = 0;
  for (const r of replies) {
    buf.set(r, pos);
    pos += nlAlign(r.length);
  }
  return { views, all: decodeMessages(buf, { protocol, registry }) };
}

export async function runStep(
  ex: Exercise,
  step: ExerciseStep,
  exchanger: Exchanger,
  registry = exerciseRegistry(ex),
  /** Generic netlink family ids resolved so far in this run (by name): filled as steps need them. */
  genlIds = new Map<string, number>(),
): Promise<StepResult> {
  const t0 = Date.now();
  const seq = sentSeq(step.send);
  let portid: number | undefined;
  let sent: Uint8Array | undefined;
  const base = { step, replies: [] as Uint8Array[], decoded: [] as DecodedMessage[] };
  try {
    const family = step.send.kind === 'fields' ? step.send.genlFamily : undefined;
    if (family !== undefined && !genlIds.has(family)) {
      const id = await resolveGenlFamily(exchanger, family);
      genlIds.set(family, id);
      // Replies (and the sent message) decode with the family's names from here on.
      registry.bindGenlId(id, family);
    }
    portid = await exchanger.portId?.(ex.protocol);
    sent = encodeSend(step.send, { seq, genlIds, ...(portid === undefined ? {} : { portid }) });
    const sentText = `sent (protocol ${ex.protocol}, ${sent.length} bytes): ${toHex(sent)}\n${renderText(decodeMessages(sent, { protocol: ex.protocol, registry }))}`;
    // A kernel error is among the replies: the expectation judges it like any other answer.
    const res = await exchanger.exchange(ex.protocol, sent, { timeoutMs: step.timeoutMs });
    // A serve-mode helper opens its socket on first use: ask again once there surely is one.
    if (portid === undefined) portid = await exchanger.portId?.(ex.protocol);
    const { views, all } = decodeReplies(res.replies, ex.protocol, registry);
    const verdict = judge(
      step.expect,
      views,
      { seq, ...(portid === undefined ? {} : { portid }) },
      res.outcome === 'timeout',
      step.timeoutMs,
    );
    const received =
      res.replies.length === 0
        ? `received nothing (${res.outcome === 'timeout' ? `no complete answer within ${step.timeoutMs} ms` : 'done'})`
        : `received ${res.replies.length} message${res.replies.length === 1 ? '' : 's'}${res.outcome === 'timeout' ? ` (incomplete after ${step.timeoutMs} ms)` : ''}:\n${renderText(all)}`;
    const notes = verdict.notes.length ? `\n${verdict.notes.map((n) => `note: ${n}`).join('\n')}` : '';
    return {
      ...base,
      status: verdict.pass ? 'pass' : 'fail',
      message: (verdict.pass ? `passed: ${describeExpect(step)}` : verdict.reasons.join('\n')) + notes,
      details: `${sentText}\n${received}`,
      sent,
      replies: res.replies,
      decoded: all,
      outcome: res.outcome,
      durationMs: Date.now() - t0,
      ...(portid === undefined ? {} : { portid }),
    };
  } catch (e) {
    // A TransportError (ssh gone, helper missing) ends this step as an error, not the run; so does a step that
    // cannot be encoded.
    if (!(e instanceof Error)) throw e;
    const detail = e instanceof TransportError && e.detail ? `\n${e.detail.trim()}` : '';
    return {
      ...base,
      status: 'error',
      message: e.message,
      details: `${sent ? `sent: ${toHex(sent)}` : 'nothing was sent'}${detail}`,
      ...(sent ? { sent } : {}),
      durationMs: Date.now() - t0,
    };
  }
}

function describeExpect(step: ExerciseStep): string {
  const e = step.expect;
  switch (e.kind) {
    case 'nothing':
      return `nothing came back within ${step.timeoutMs} ms`;
    case 'ack':
      return 'acknowledged';
    case 'error':
      return `the expected error came back`;
    case 'reply':
      return `${e.count} matching repl${e.count === 1 ? 'y' : 'ies'}`;
    case 'replies':
      return `${e.matches.length} matching repl${e.matches.length === 1 ? 'y' : 'ies'} in order`;
  }
}

export async function runExercise(ex: Exercise, exchanger: Exchanger, opts: RunOptions = {}): Promise<StepResult[]> {
  const registry = exerciseRegistry(ex);
  const genlIds = new Map<string, number>();
  const results: StepResult[] = [];
  for (const step of ex.steps) {
    if (opts.only && !opts.only.has(step.index)) continue;
    opts.signal?.throwIfAborted();
    opts.onStart?.(step);
    const r = await runStep(ex, step, exchanger, registry, genlIds);
    results.push(r);
    opts.onResult?.(r);
  }
  return results;
}
