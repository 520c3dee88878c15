// "Export as C Program" built here with gcc and clang -Wall -Wextra -Werror (c11, gnu11) and run against this
// machine's kernel: an rtnetlink link dump to NLMSG_DONE, nlctrl's CTRL_CMD_GETFAMILY with its ack, a generic family
// found by name at run time, kernel errors with their ext-ack text, a request nobody answers (the timeout message).
// The reference module's side is the lab's test/lab/export-c.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { exportCProgram, type ExportCInput } from '../../extension/src/builder/exportC';
import { createRegistry } from '../../extension/src/netlink/index';
import {
  NLM_F_ACK,
  NLM_F_REQUEST,
  attr,
  cString,
  getFamily,
  getLinkDump,
  message,
  newLinkBogusKind,
  noop,
} from '../support/netlink-bytes';

const isRoot = process.getuid?.() === 0;
const dir = mkdtempSync(path.join(tmpdir(), 'nlwb-export-c-'));
const RUN_TIMEOUT_MS = 20_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Writes the exported program for `input` and builds it warning-free; returns the binary's path. */
function build(name: string, input: Omit<ExportCInput, 'registry'>, cflags: string[] = []): string {
  const out = exportCProgram({ ...input, registry: createRegistry() });
  assert.ok('text' in out, 'error' in out ? out.error : '');
  const source = path.join(dir, `${name}.c`);
  writeFileSync(source, out.text);
  let binary = '';
  // gcc in both modes; clang too, which (unlike gcc) warns inside system-header macros such as NLMSG_OK.
  for (const [compiler, std] of [
    ['clang', 'c11'],
    ['gcc', 'gnu11'],
    ['gcc', 'c11'],
  ] as const) {
    binary = path.join(dir, `${name}-${compiler}-${std}`);
    const cc = spawnSync(compiler, ['-Wall', '-Wextra', '-Werror', `-std=${std}`, ...cflags, '-o', binary, source], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(cc.status, 0, `${compiler} -std=${std} ${name}.c:\n${cc.stderr}`);
    assert.equal(cc.stderr, '', 'no warnings');
  }
  return binary;
}

function run(binary: string, args: string[] = []): Run {
  const r = spawnSync(binary, args, { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.error, undefined, String(r.error));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The `reply N: len L type T (NAME) flags ... seq S pid P` lines. */
function replyLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^reply \d+: /.test(l));
}

describe('exported C program against this kernel', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('RTM_GETLINK dump: every link, in order, to NLMSG_DONE; exit 0', () => {
    const bin = build('link-dump', { protocol: 0, bytes: getLinkDump(7), summary: 'RTM_GETLINK dump' });
    const r = run(bin);
    assert.equal(r.code, 0, r.stderr);
    const replies = replyLines(r.stdout);
    const links = readdirSync('/sys/class/net').length;
    assert.equal(replies.length, links + 1, `one RTM_NEWLINK per link and the DONE:\n${r.stdout}`);
    replies.forEach((l, i) => assert.match(l, new RegExp(`^reply ${i + 1}: len \\d+ type `)));
    for (const l of replies.slice(0, -1))
      assert.match(l, /type 16 \(RTM_NEWLINK\) flags 0x2 \(MULTI\) seq 7 pid [1-9]/);
    assert.match(replies.at(-1)!, /type 3 \(NLMSG_DONE\) flags 0x2 \(MULTI\) seq 7/);
    assert.match(r.stdout, /^  0000  /m, 'payloads as a hex dump');
    assert.match(r.stdout, /done: the dump is complete\ncomplete: \d+ replies\n$/);
    assert.match(r.stdout, /^netlink socket NETLINK_ROUTE, our port id [1-9]\d*$/m);
  });

  test('nlctrl CTRL_CMD_GETFAMILY: the family, then the ack; exit 0', () => {
    const bin = build('getfamily', { protocol: 16, bytes: getFamily(9, 'nlctrl'), summary: 'get nlctrl' });
    const r = run(bin);
    assert.equal(r.code, 0, r.stderr);
    const replies = replyLines(r.stdout);
    assert.equal(replies.length, 2, r.stdout);
    assert.match(replies[0]!, /type 16 \(nlctrl\) flags 0x0 seq 9/);
    assert.match(r.stdout, /genlmsghdr: cmd 1 CTRL_CMD_NEWFAMILY version \d/);
    assert.match(replies[1]!, /type 2 \(NLMSG_ERROR\) flags 0x100 \(CAPPED\) seq 9/);
    assert.match(r.stdout, /ack: the kernel accepted the request\ncomplete: 2 replies\n$/);
  });

  test('a generic family by name (netdev): its id looked up with CTRL_CMD_GETFAMILY, then the request sent to it', (t) => {
    const probe = run(build('probe-netdev', { protocol: 16, bytes: getFamily(10, 'netdev'), summary: 'netdev?' }));
    if (probe.code !== 0) {
      t.skip('no netdev family in this kernel (before 6.3)');
      return;
    }
    // NETDEV_CMD_DEV_GET for ifindex 1 with an ack, written with a wrong id: only the run-time look-up can fix it.
    const ifindex = Buffer.from([8, 0, 1, 0, 1, 0, 0, 0]); // NETDEV_A_DEV_IFINDEX = 1
    const bytes = message(0x7777, NLM_F_REQUEST | NLM_F_ACK, 11, Buffer.concat([Buffer.from([1, 1, 0, 0]), ifindex]));
    const bin = build('by-name', { protocol: 16, bytes, summary: 'dev-get lo', genlFamily: 'netdev' });
    const r = run(bin);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const id = /^generic netlink family netdev has id (\d+)$/m.exec(r.stdout)?.[1];
    assert.ok(id && Number(id) > 16, r.stdout);
    assert.match(r.stdout, new RegExp(`^reply 1: len \\d+ type ${id} \\(netdev\\) flags 0x0 seq 11`, 'm'));
    assert.match(r.stdout, /ack: the kernel accepted the request\ncomplete: 2 replies\n$/);
  });

  test('a family that is not registered: the look-up error, exit 1', () => {
    const bytes = Buffer.from(getFamily(12, 'x').subarray(0, 20));
    bytes.writeUInt32LE(20, 0);
    const bin = build('no-family', { protocol: 16, bytes, summary: 'none', genlFamily: 'nlwb-nosuch' });
    const r = run(bin);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^error 2: No such file or directory$/m);
    assert.match(r.stderr, /could not look up generic netlink family nlwb-nosuch/);
  });

  test('strict checking (-DSTRICT_CHECK=1): a dump filtered by ifindex is refused with the ext-ack text; exit 1', () => {
    const input = { protocol: 0, bytes: getLinkDump(14, 1), summary: 'filtered dump' };
    const strict = run(build('strict', input, ['-DSTRICT_CHECK=1']));
    assert.equal(strict.code, 1, strict.stdout);
    // A dump's error comes in its NLMSG_DONE (with NLM_F_MULTI), not in an NLMSG_ERROR.
    assert.match(strict.stdout, /type 3 \(NLMSG_DONE\) flags 0x202 \(MULTI\|ACK_TLVS\) seq 14/);
    assert.match(strict.stdout, /^error 22 ending the dump: Invalid argument\n {2}ext-ack message: .*device index/im);
    const lax = run(build('lax', input));
    assert.equal(lax.code, 0, 'without strict checking the kernel ignores the index and dumps');
    assert.match(lax.stdout, /done: the dump is complete/);
  });

  test('an attribute its policy refuses (IFLA_IFNAME of 20 bytes): the ext-ack text, the offset named, the policy', () => {
    const ifinfomsg = Buffer.alloc(16);
    const bytes = message(
      18,
      NLM_F_REQUEST | NLM_F_ACK,
      21,
      Buffer.concat([ifinfomsg, attr(3, cString('x'.repeat(20)))]),
    );
    const r = run(build('policy', { protocol: 0, bytes, summary: 'long name' }));
    assert.equal(r.code, 1, r.stdout);
    assert.match(
      r.stdout,
      /^error 34: Numerical result out of range\n {2}ext-ack message: Attribute failed policy validation\n {2}ext-ack offset: byte 32 of the request, IFLA_IFNAME\n {2}ext-ack policy: max length 15 /m,
    );
  });

  test(
    'RTM_NEWLINK of an unknown kind: EOPNOTSUPP with "Unknown device type"',
    { skip: !isRoot && 'needs CAP_NET_ADMIN' },
    () => {
      const r = run(build('bogus-kind', { protocol: 0, bytes: newLinkBogusKind(13), summary: 'bogus kind' }));
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, /^error 95: Operation not supported\n {2}ext-ack message: Unknown device type$/m);
    },
  );

  test('nothing comes back (NLMSG_NOOP without NLM_F_ACK): the timeout message, exit 2', () => {
    const bin = build('silence', { protocol: 0, bytes: noop(15), summary: 'noop' });
    const t0 = Date.now();
    const r = run(bin, ['300']);
    assert.equal(r.code, 2, r.stdout);
    assert.ok(Date.now() - t0 >= 290, 'waited the timeout');
    assert.equal(
      r.stderr,
      'timeout: no answer within 300 ms (the request has no NLM_F_ACK: a kernel that accepts it may send nothing)\n',
    );
    assert.equal(replyLines(r.stdout).length, 0);
  });

  test('a reply without NLM_F_MULTI and no ack asked for ends the exchange at once', () => {
    const bytes = message(18, NLM_F_REQUEST, 16, Buffer.from([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const r = run(build('get-lo', { protocol: 0, bytes, summary: 'RTM_GETLINK lo' }), ['5000']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(replyLines(r.stdout).length, 1);
    assert.match(r.stdout, /type 16 \(RTM_NEWLINK\) flags 0x0 seq 16/);
    assert.match(r.stdout, /complete: 1 reply\n$/);
  });

  test('random bytes and a hostile summary still make a program that builds clean', () => {
    let seed = 0x1badb002;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    for (let i = 0; i < 12; i++) {
      const bytes = Buffer.from(Array.from({ length: 20 + (next() % 200) }, () => next() & 0xff));
      if (i % 2 === 0) bytes.writeUInt32LE(bytes.length, 0);
      const protocol = [0, 16, 31][i % 3]!;
      build(`random-${i}`, {
        protocol,
        bytes,
        summary: `r${i} */ #error x /* ??/ "\\`,
        genlFamily: i % 2 ? 'a"b*/' : '',
      });
    }
  });

  test('a bad command line: usage, exit 4', () => {
    const bin = build('usage', { protocol: 0, bytes: noop(1), summary: 'noop' });
    for (const args of [['abc'], ['-1'], ['600001'], ['1', '2']]) {
      const r = run(bin, args);
      assert.equal(r.code, 4, args.join(' '));
      assert.match(r.stderr, /^usage: .* \[timeout-ms\]/);
    }
  });
});
