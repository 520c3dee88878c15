// The generic netlink template (kmod-genl/) in the lab: it builds warning-free with W=1 against the lab kernel's
// headers, builds and loads through the extension's module code, its family is resolved by name, its doit answers,
// its dumpit comes in several parts (more entries than one dump buffer holds), a set sends a notification to its
// multicast group, and the exercises (the shipped ones and the negative ones generated from its spec) pass through
// nlhelper in the guest: invalid requests get ext-ack errors naming the attribute.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadExerciseFile } from '../../extension/src/exercise/loadFile';
import { OneShotExchanger } from '../../extension/src/exercise/oneShot';
import { runExercise } from '../../extension/src/exercise/runner';
import type { LabVm } from '../../extension/src/lab/labVm';
import { buildModule } from '../../extension/src/module/build';
import { insmod, moduleState, rmmod } from '../../extension/src/module/module';
import type { ModuleTarget } from '../../extension/src/module/remote';
import {
  CTRL_CMD_GETFAMILY,
  createRegistry,
  decodeMessages,
  encodeAttr,
  encodeMessage,
  encodeString,
  fromHex,
  GENL_ID_CTRL,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  toHex,
  type DecodedAttr,
  type DecodedMessage,
} from '../../extension/src/netlink/index';
import { loadYnlSpec } from '../../extension/src/netlink/ynl/index';
import { run } from '../../extension/src/process/run';
import { builtArtifact, guest, GUEST_HELPER, REPO, startLab } from './labFixture';

const TEMPLATE = path.join(REPO, 'kmod-genl');
const SPEC = path.join(TEMPLATE, 'genldemo.yaml');
const WORK = '/root/netlink-work';

function labTarget(vm: LabVm): ModuleTarget {
  return {
    name: 'lab',
    workFolder: WORK,
    headersDir: vm.headersDir,
    buildMode: 'local-headers',
    exec: (argv, o) => vm.exec(argv, { timeoutMs: o.timeoutMs, ...(o.input === undefined ? {} : { input: o.input }) }),
    copyTo: (local, remote) => vm.copyTo(local, remote),
  };
}

/** `nlhelper serve` with these requests: each request's reply messages, and the multicast events in order. */
async function serveAll(
  vm: LabVm,
  requests: string[],
): Promise<{ replies: Map<string, string[]>; events: string[]; finals: Map<string, string> }> {
  // The helper prints multicast events while it waits for input: the requests go in, then a pause, then quit.
  const r = await vm.exec(
    [
      'sh',
      '-c',
      '{ printf "%s\\n" "$2"; sleep 1; echo "q quit"; } | "$1" serve',
      'sh',
      GUEST_HELPER,
      requests.join('\n'),
    ],
    { timeoutMs: 60_000 },
  );
  assert.equal(r.code, 0, `nlhelper serve exited ${r.code}: ${r.stderr}`);
  const replies = new Map<string, string[]>();
  const finals = new Map<string, string>();
  const events: string[] = [];
  for (const line of r.stdout.split('\n').slice(1)) {
    const [id, kind, ...rest] = line.split(' ');
    if (id === '*' && kind === 'event') events.push(rest[1] ?? '');
    else if (id && kind === 'reply') replies.set(id, [...(replies.get(id) ?? []), rest.join(' ')]);
    else if (id && kind) finals.set(id, [kind, ...rest].join(' '));
  }
  return { replies, events, finals };
}

const attr = (m: DecodedMessage, name: string): DecodedAttr | undefined => m.attrs?.find((a) => a.name === name);

describe('genl template in the lab', { timeout: 900_000 }, () => {
  let vm: LabVm;
  let target: ModuleTarget;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'genl-lab-'));
  const copy = path.join(tmp, 'genldemo');

  before(async () => {
    cpSync(TEMPLATE, copy, { recursive: true });
    vm = await startLab();
    target = labTarget(vm);
    await guest(vm, ['mkdir', '-p', path.posix.dirname(GUEST_HELPER)]);
    await vm.copyTo(builtArtifact('NETLINK_LAB_NLHELPER'), GUEST_HELPER);
    await guest(vm, ['chmod', '755', GUEST_HELPER]);
  });
  after(async () => {
    if (vm && (await moduleState(target, 'genldemo')).loaded) await rmmod(target, 'genldemo');
    await vm?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('builds without a warning with W=1 against the lab kernel headers', async () => {
    const dir = path.join(tmp, 'w1');
    cpSync(TEMPLATE, dir, { recursive: true });
    const r = await run(['make', '-C', vm.headersDir, `M=${dir}`, 'W=1', 'modules'], {
      timeoutMs: 600_000,
      interleaved: true,
      env: { ...process.env, LC_ALL: 'C' },
    });
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, /warning:/i, r.output);
  });

  test('builds and loads through the module commands code', async () => {
    const built = await buildModule(target, { moduleDir: copy, localBuildRoot: path.join(tmp, 'build') });
    assert.ok(built.ok, built.output);
    await insmod(target, built.koPath!, [], 'genldemo', undefined, built.koSha256);
    assert.ok((await moduleState(target, 'genldemo')).loaded);
  });

  test('family by name; a multi-part dump; a set notifies the events group', async () => {
    const family = loadYnlSpec(readFileSync(SPEC, 'utf8'), SPEC).family!;
    const getFamily = encodeMessage(
      { type: GENL_ID_CTRL, flags: NLM_F_REQUEST, seq: 1, pid: 0 },
      new Uint8Array([CTRL_CMD_GETFAMILY, 1, 0, 0, ...encodeAttr({ type: 2, payload: encodeString('genldemo') })]),
    );
    const first = await serveAll(vm, [`f xchg 16 5000 ${toHex(getFamily)}`]);
    const ctrl = decodeMessages(fromHex(first.replies.get('f')![0]!)!, { protocol: 16 })[0]!;
    const id = attr(ctrl, 'CTRL_ATTR_FAMILY_ID')?.value as number;
    assert.ok(id >= 16, JSON.stringify(ctrl.attrs));
    const groups = attr(ctrl, 'CTRL_ATTR_MCAST_GROUPS')?.attrs ?? [];
    const events = groups.find((g) => g.attrs?.some((a) => a.value === 'events'));
    const groupId = events?.attrs?.find((a) => a.name === 'CTRL_ATTR_MCAST_GRP_ID')?.value as number;
    assert.ok(groupId > 0, JSON.stringify(groups));

    const registry = createRegistry([family]);
    registry.bindGenlId(id, 'genldemo');
    const msg = (cmd: number, flags: number, seq: number, attrs: Uint8Array[] = []) =>
      toHex(
        encodeMessage(
          { type: id, flags, seq, pid: 0 },
          new Uint8Array([cmd, 1, 0, 0, ...attrs.flatMap((a) => [...a])]),
        ),
      );
    const u32 = (t: number, v: number) => encodeAttr({ type: t, payload: new Uint8Array(new Uint32Array([v]).buffer) });
    const out = await serveAll(vm, [
      `s subscribe 16 ${groupId}`,
      `d xchg 16 10000 ${msg(1, NLM_F_REQUEST | NLM_F_DUMP, 2)}`,
      `c xchg 16 5000 ${msg(2, NLM_F_REQUEST | NLM_F_ACK, 3, [u32(1, 3), u32(3, 12345)])}`,
      `g xchg 16 1000 ${msg(1, NLM_F_REQUEST, 4, [u32(1, 3)])}`,
    ]);
    assert.equal(out.finals.get('d'), 'done');
    const dump = (out.replies.get('d') ?? []).map((h) => decodeMessages(fromHex(h)!, { protocol: 16, registry })[0]!);
    const entries = dump.filter((m) => m.type === id);
    assert.deepEqual(
      entries.map((m) => attr(m, 'id')?.value),
      Array.from({ length: 1024 }, (_, i) => i + 1),
      'every id once, in order, across the parts',
    );
    // More than one dump buffer can hold (at most 32 KiB): the dump came in several parts.
    const bytes = (out.replies.get('d') ?? []).reduce((n, h) => n + h.length / 2, 0);
    assert.ok(bytes > 32768, `${bytes} bytes`);
    assert.equal(out.finals.get('c'), 'done');
    const notified = out.events.map((h) => decodeMessages(fromHex(h)!, { protocol: 16, registry })[0]!);
    assert.equal(notified.length, 1, JSON.stringify(out.events));
    assert.equal(attr(notified[0]!, 'id')?.value, 3);
    assert.equal(attr(notified[0]!, 'value')?.value, 12345);
    const got = decodeMessages(fromHex(out.replies.get('g')![0]!)!, { protocol: 16, registry })[0]!;
    assert.equal(attr(got, 'value')?.value, 12345);
  });

  test('the shipped exercises pass, the generated negative ones with ext-acks naming the attribute', async () => {
    const exchanger = new OneShotExchanger(target, GUEST_HELPER);
    for (const file of ['genldemo.yaml', 'genldemo-negative.yaml']) {
      const loaded = await loadExerciseFile(path.join(copy, 'exercises', file));
      assert.deepEqual(loaded.problems, [], file);
      const results = await runExercise(loaded.exercise!, exchanger);
      assert.ok(results.length > 0);
      for (const r of results) assert.equal(r.status, 'pass', `${file}: ${r.step.name}: ${r.message}\n${r.details}`);
    }
  });
});
