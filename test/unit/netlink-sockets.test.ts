// /proc/net/netlink as this machine's kernel prints it, parsed and joined with the socket owners found by the
// same script the Netlink Sockets view runs on a target (run here, locally, against this machine's /proc).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { attachOwners, OWNER_SCRIPT, parseProcNetNetlink } from '../../extension/src/target/netlinkSockets';

describe('netlink sockets', () => {
  it('parses a real /proc/net/netlink and names protocols and groups', () => {
    const { sockets, problems } = parseProcNetNetlink(readFileSync('/proc/net/netlink', 'utf8'));
    assert.deepEqual(problems, []);
    assert.ok(sockets.some((s) => s.protocol === 0 && s.protocolName === 'route (0)'));
    assert.ok(sockets.some((s) => s.protocol === 16 && s.protocolName === 'generic (16)'));
  });

  it('decodes the group mask and reports lines that are not sockets', () => {
    const text =
      'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n' +
      '00000000d189af60 0   31849      00000113 0        0        0     2        0        395587\n' +
      'garbage line\n';
    const { sockets, problems } = parseProcNetNetlink(text);
    assert.deepEqual(sockets[0]!.groups, [1, 2, 5, 9]);
    assert.equal(sockets[0]!.portId, 31849);
    assert.deepEqual(problems, ['line 3: not a socket line: garbage line']);
  });

  it('finds the owner of a socket this test opens itself', () => {
    // A python process holding an rtnetlink socket: its inode must map back to its pid.
    const out = execFileSync('/usr/bin/python3', [
      '-c',
      [
        'import socket, subprocess, os',
        's = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0); s.bind((0, 0))',
        `print(open("/proc/net/netlink").read() + "\\n===\\n" + subprocess.run(["sh", "-c", ${JSON.stringify(OWNER_SCRIPT)}], capture_output=True, text=True).stdout + "\\n===\\n" + str(os.getpid()) + " " + str(s.getsockname()[0]))`,
      ].join('\n'),
    ]).toString();
    const [proc, owners, me] = out.split('\n===\n');
    const [pid, port] = me!.trim().split(' ').map(Number);
    const { sockets } = parseProcNetNetlink(proc!);
    attachOwners(sockets, owners!);
    const mine = sockets.find((s) => s.portId === port);
    assert.ok(mine, `socket with port ${port}`);
    assert.match(mine.owner ?? '', new RegExp(`^${pid} python3`));
    assert.ok(sockets.filter((s) => s.portId === 0).every((s) => s.owner === 'kernel'));
  });
});
