// "Export as C Program" against the reference module in the lab kernel: the exported program, built statically
// here (gcc -Wall -Wextra -Werror) and copied over the lab's SSH, prints nlreply's text naming its own port when the
// request asks for NLM_F_ACK, and the timeout message when it does not (nlreply answers nothing then).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LabVm } from '../../extension/src/lab/labVm';
import { exportCProgram } from '../../extension/src/builder/exportC';
import { GUEST_KO, builtArtifact, guest, startLab } from './labFixture';
import { NLM_F_ACK, NLM_F_REQUEST, NLREPLY_PROTOCOL, nlmsg } from '../support/netlink-bytes';

const dir = mkdtempSync(path.join(tmpdir(), 'nlwb-export-c-lab-'));

/** The exported program for `bytes`, built statically here; returns the binary's path. */
function buildStatic(name: string, bytes: Buffer): string {
  const out = exportCProgram({ protocol: NLREPLY_PROTOCOL, bytes, summary: name });
  assert.ok('text' in out, 'error' in out ? out.error : '');
  const source = path.join(dir, `${name}.c`);
  const binary = path.join(dir, name);
  writeFileSync(source, out.text);
  const cc = spawnSync('gcc', ['-Wall', '-Wextra', '-Werror', '-std=c11', '-static', '-o', binary, source], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(cc.status, 0, cc.stderr);
  assert.equal(cc.stderr, '', 'no warnings');
  return binary;
}

describe('exported C program against nlreply in the lab kernel', () => {
  let vm: LabVm;

  before(async () => {
    const ack = buildStatic(
      'export-ack',
      nlmsg({ flags: NLM_F_REQUEST | NLM_F_ACK, seq: 0x4e4c, payload: 'from C\0' }),
    );
    const quiet = buildStatic('export-quiet', nlmsg({ flags: NLM_F_REQUEST, seq: 5, payload: 'quiet\0' }));
    vm = await startLab();
    await vm.copyTo(builtArtifact('NETLINK_LAB_NLREPLY_KO'), GUEST_KO);
    await vm.copyTo(ack, '/root/export-ack');
    await vm.copyTo(quiet, '/root/export-quiet');
    await guest(vm, ['chmod', '755', '/root/export-ack', '/root/export-quiet']);
    await guest(vm, ['insmod', GUEST_KO]);
  });

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await vm?.stop();
  });

  test('with NLM_F_ACK: the module text naming our port, exit 0', async () => {
    const r = await vm.exec(['/root/export-ack', '3000'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const port = /^netlink socket protocol 31, the nlreply module, our port id ([1-9]\d*)$/m.exec(r.stdout)?.[1];
    assert.ok(port, r.stdout);
    assert.match(r.stdout, /^reply 1: len \d+ type 3 \(NLMSG_DONE\) flags 0x0 seq 20044 pid 0$/m);
    assert.match(r.stdout, new RegExp(`^ {2}text: "message from port ${port} processed by kernel: from C"$`, 'm'));
    assert.match(r.stdout, /complete: 1 reply\n$/);
  });

  test('without NLM_F_ACK: nothing comes back, the timeout message, exit 2', async () => {
    const t0 = Date.now();
    const r = await vm.exec(['/root/export-quiet', '1000'], { timeoutMs: 30_000 });
    assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
    assert.ok(Date.now() - t0 >= 1000);
    assert.equal(
      r.stderr,
      'timeout: no answer within 1000 ms (the request has no NLM_F_ACK: a kernel that accepts it may send nothing)\n',
    );
    assert.doesNotMatch(r.stdout, /^reply /m);
  });

  test('with the module unloaded: socket() fails with the reason, exit 3', async () => {
    await guest(vm, ['rmmod', 'nlreply']);
    const r = await vm.exec(['/root/export-ack'], { timeoutMs: 30_000 });
    assert.equal(r.code, 3, r.stdout);
    assert.match(r.stderr, /Protocol not supported \(no kernel part serves this protocol: is its module loaded\?\)/);
  });
});
