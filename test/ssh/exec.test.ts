// Remote commands through the real sshd: quoting of hostile strings in every field that reaches a remote command
// or ssh's arguments, ControlMaster reuse, timeouts and cancellation, and refused host keys / logins.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TargetError } from '../../extension/src/target/errors';
import { shellCommand } from '../../extension/src/target/quote';
import { SshConnection } from '../../extension/src/target/ssh';
import { parseDestination, validateTargets } from '../../extension/src/target/validate';
import { useRemote, type Remote } from './fixture';

let remote: Remote;
let canary: string;

/** Strings a shell would act on; each must arrive as one argument, byte for byte. */
function hostile(): string[] {
  return [
    `it's`,
    `"double" quotes`,
    `a;touch ${canary}`,
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `x && touch ${canary}`,
    `| touch ${canary}`,
    `> ${canary}`,
    'line1\nline2\n',
    ' leading and  trailing ',
    '*',
    '/*',
    '?',
    '[a-z]',
    '~',
    '~root',
    '-rf',
    '--',
    '-',
    '',
    '$HOME',
    '${PATH}',
    '\\',
    '\\n',
    '\t tab',
    "'",
    "''",
    `'"'"'`,
    '!',
    '#comment',
    'ü € 😀',
    `'; touch ${canary}; echo '`,
    '%s %d %n',
    '\r',
    '{a,b}',
  ];
}

before(async () => {
  remote = await useRemote();
  canary = path.join(remote.scratch, 'canary');
});
after(async () => {
  await remote.release();
});

/** A canary named relative to the remote login's folder (root's home), for strings that cannot hold a slash. */
const HOME_CANARY = 'nlwb-ssh-canary';

function assertNoCanary(): void {
  assert.equal(existsSync(canary), false, 'a hostile string was executed: the canary file exists');
  assert.equal(
    existsSync(path.join('/root', HOME_CANARY)),
    false,
    'a hostile string was executed: ~/nlwb-ssh-canary exists',
  );
}

async function rejectsWith(p: Promise<unknown>, kind: string, match?: RegExp): Promise<TargetError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TargetError, `expected a TargetError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (match) assert.match(e.message, match);
    return e;
  }
  assert.fail(`expected a TargetError(${kind})`);
}

describe('quoting through a real shell', () => {
  test('every hostile argument arrives verbatim and nothing else runs', async () => {
    const m = await remote.manager([remote.target('quote')]);
    const s = m.session();
    for (const word of hostile()) {
      const r = await s.exec(['printf', '%s', word], { timeoutMs: 10_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, word, `sent ${JSON.stringify(word)}, got ${JSON.stringify(r.stdout)}`);
    }
    // All in one command line too: the count and order of arguments survive.
    const all = hostile();
    const r = await s.exec(['sh', '-c', 'printf "%s\\0" "$@"', 'sh', ...all], { timeoutMs: 10_000 });
    assert.deepEqual(r.stdout.split('\0').slice(0, -1), all);
    assertNoCanary();
  });

  test('a program path and upload path with hostile characters', async () => {
    const m = await remote.manager([remote.target('paths')]);
    const s = m.session();
    // No slash in a file name: the injections use a name relative to the remote's working folder (root's home).
    const dir = path.join(remote.scratch, `dir 'q' $(touch ${HOME_CANARY}) ;\n*`);
    mkdirSync(dir);
    const prog = path.join(dir, '-prog `x` "y"');
    await s.connection.upload(Buffer.from('#!/bin/sh\nprintf "ran:%s" "$1"\n'), prog, { mode: '755' });
    assert.equal((await s.exec([prog, '$(id)'], { timeoutMs: 10_000 })).stdout, 'ran:$(id)');
    assert.equal(statSync(prog).mode & 0o777, 0o755);
    // The bytes arrive unchanged, NULs and all.
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const file = path.join(dir, 'bytes');
    await s.connection.upload(bytes, file);
    assert.deepEqual(
      (await s.exec(['od', '-An', '-v', '-tx1', file], { timeoutMs: 10_000 })).stdout.replace(/\s+/g, ''),
      bytes.toString('hex'),
    );
    assertNoCanary();
  });

  test('shellCommand leaves plain words readable and quotes the rest', () => {
    assert.equal(shellCommand(['make', '-C', '/a/b', 'CC=/usr/bin/cc']), 'make -C /a/b CC=/usr/bin/cc');
    assert.equal(shellCommand(["it's", 'a b', '']), `'it'\\''s' 'a b' ''`);
    assert.throws(() => shellCommand([]), /empty command/);
    assert.throws(() => shellCommand(['a\0b']), /NUL/);
  });
});

describe('settings that reach ssh or remote commands', () => {
  test('hostile names, destinations and remote folders are refused with their location', () => {
    assert.throws(() => parseDestination('-oProxyCommand=true'), /starts with "-"/);
    assert.deepEqual(parseDestination('me@[::1]:2222'), {
      sshDestination: 'me@::1',
      host: '::1',
      port: 2222,
      user: 'me',
    });
    assert.deepEqual(parseDestination('fe80::1%eth0'), { sshDestination: 'fe80::1%eth0', host: 'fe80::1%eth0' });
    assert.deepEqual(parseDestination('my-alias'), { sshDestination: 'my-alias', host: 'my-alias' });
    const { targets, problems } = validateTargets([
      { name: 'ok', destination: 'root@host:22' },
      { name: `x; touch ${canary}`, destination: 'h' },
      { name: 'd1', destination: `-oProxyCommand=touch ${canary}` },
      { name: 'd2', destination: `root@$(touch${HOME_CANARY})` },
      { name: 'd4', destination: 'h:22;reboot' },
      { name: 'd3', destination: 'h:99999' },
      { name: 'w', destination: 'h', workFolder: `/tmp/x $(touch ${canary})` },
      { name: 'k', destination: 'h', kernelBuildDir: 'relative/dir' },
      { name: 'i', destination: 'h', identityFile: '/keys/${HOME}/id' },
      { name: 'lab', destination: 'h' },
      { name: 'ok', destination: 'h' },
      { name: 'b', destination: 'h', buildMode: 'cloud', useSudo: 'yes', typo: 1 },
      'not an object',
      { name: 'h1', destination: 'h', headersDir: `/src/linux $(touch ${canary})` },
      { name: 'h2', destination: 'h', headersDir: 'linux-headers' },
    ]);
    assert.deepEqual(
      targets.map((t) => t.name),
      ['ok'],
    );
    const at = problems.map((p) => `${p.path}: ${p.message}`);
    const expect = [
      /^netlink\.targets\[1\]\.name: .*letters, digits/,
      /^netlink\.targets\[2\]\.destination: .*white space/,
      /^netlink\.targets\[3\]\.destination: host "\$\(touchnlwb-ssh-canary\)" is not a host name/,
      /^netlink\.targets\[4\]\.destination: port "22;reboot" is not a number/,
      /^netlink\.targets\[5\]\.destination: port "99999" is not a number 1-65535/,
      /^netlink\.targets\[6\]\.workFolder: .*cannot build in a folder with blanks/,
      /^netlink\.targets\[7\]\.kernelBuildDir: .*must be absolute/,
      /^netlink\.targets\[8\]\.identityFile: .*environment variable/,
      /^netlink\.targets\[9\]\.name: "lab" is the built-in lab VM/,
      /^netlink\.targets\[10\]\.name: "ok" is used by an earlier target/,
      /^netlink\.targets\[11\]\.typo: unknown property/,
      /^netlink\.targets\[11\]\.useSudo: must be true or false/,
      /^netlink\.targets\[11\]\.buildMode: must be "remote" or "local-headers"/,
      /^netlink\.targets\[12\]: must be an object/,
      /^netlink\.targets\[13\]\.headersDir: .*make cannot build in folders with blanks or shell characters/,
      /^netlink\.targets\[14\]\.headersDir: .*must be absolute or start with ~\//,
    ];
    for (const re of expect)
      assert.ok(
        at.some((l) => re.test(l)),
        `no problem matching ${re}; got:\n${at.join('\n')}`,
      );
    assert.equal(at.length, expect.length, at.join('\n'));
    assert.deepEqual(
      validateTargets({}).problems.map((p) => p.path),
      ['netlink.targets'],
    );
  });

  test('a destination that looks like an option stays a host name even without validation', async () => {
    const conn = new SshConnection(
      {
        name: 'inject',
        displayDestination: 'x',
        sshDestination: `-oProxyCommand=touch ${canary}`,
        port: remote.sshd.port,
        useSudo: false,
        knownHostsFile: remote.sshd.knownHosts,
      },
      { controlDir: remote.scratch },
    );
    await rejectsWith(conn.exec(['true'], { timeoutMs: 15_000 }), 'config', /hostname contains invalid characters/);
    assertNoCanary();
  });

  test('key and known_hosts files in folders with blanks and % work', async () => {
    const dir = path.join(remote.scratch, 'my keys %d %h');
    mkdirSync(dir, { mode: 0o700 });
    copyFileSync(remote.sshd.userKey, path.join(dir, 'id key'));
    copyFileSync(remote.sshd.knownHosts, path.join(dir, 'known hosts'));
    const m = await remote.manager([
      remote.target('spaced', {
        identityFile: path.join(dir, 'id key'),
        knownHostsFile: path.join(dir, 'known hosts'),
      }),
    ]);
    const r = await m.session().exec(['id', '-u'], { timeoutMs: 15_000 });
    assert.equal(r.stdout.trim(), '0', r.stderr);
  });

  test('an ssh config alias (ssh -F) brings host, port, user, key and known_hosts', async () => {
    const config = path.join(remote.scratch, 'ssh_config');
    writeFileSync(
      config,
      [
        'Host nlwb-alias',
        '  HostName 127.0.0.1',
        `  Port ${remote.sshd.port}`,
        '  User root',
        `  IdentityFile ${remote.sshd.userKey}`,
        `  UserKnownHostsFile ${remote.sshd.knownHosts}`,
        '  StrictHostKeyChecking yes',
        '',
      ].join('\n'),
    );
    const { targets, problems } = validateTargets([{ name: 'alias', destination: 'nlwb-alias' }]);
    assert.deepEqual(problems, []);
    const m = await remote.manager(targets, { sshConfigFile: config });
    const state = await m.refresh('alias');
    assert.equal(state.kind, 'connected', state.detail);
    assert.equal(state.moduleLoaded, false);
    assert.equal((await m.session('alias').exec(['id', '-un'], { timeoutMs: 15_000 })).stdout.trim(), 'root');
  });
});

describe("the user's ssh setup as they set it", () => {
  test('ProxyJump from the ssh config: the connection goes through the jump host', async () => {
    const config = path.join(remote.scratch, 'ssh_config_jump');
    const common = [
      `  HostName 127.0.0.1`,
      `  Port ${remote.sshd.port}`,
      '  User root',
      `  IdentityFile ${remote.sshd.userKey}`,
      `  UserKnownHostsFile ${remote.sshd.knownHosts}`,
      '  StrictHostKeyChecking yes',
    ];
    writeFileSync(
      config,
      ['Host nlwb-jump', ...common, 'Host nlwb-behind', ...common, '  ProxyJump nlwb-jump', ''].join('\n'),
    );
    const logBefore = readFileSync(remote.sshd.log, 'utf8').length;
    const { targets, problems } = validateTargets([{ name: 'behind', destination: 'nlwb-behind' }]);
    assert.deepEqual(problems, []);
    const m = await remote.manager(targets, { sshConfigFile: config });
    const r = await m.session('behind').exec(['id', '-un'], { timeoutMs: 20_000 });
    assert.equal(r.stdout.trim(), 'root', r.stderr);
    // The jump host's sshd forwarded a TCP connection to the target's sshd: two logins, one of them through it.
    const log = readFileSync(remote.sshd.log, 'utf8').slice(logBefore);
    assert.ok(
      (log.match(/Accepted publickey for root/g) ?? []).length >= 2,
      `one login, not two (jump + target):\n${log}`,
    );
  });

  test('a key held by ssh-agent (no identity file in the settings) logs in', async () => {
    const dir = path.join(remote.scratch, 'agent');
    mkdirSync(dir, { mode: 0o700 });
    const sock = path.join(dir, 'agent.sock');
    const agent = spawnSync('ssh-agent', ['-a', sock, '-s'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(agent.status, 0, agent.stderr);
    const pid = /SSH_AGENT_PID=(\d+)/.exec(agent.stdout)?.[1];
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      process.env.SSH_AUTH_SOCK = sock;
      const add = spawnSync('ssh-add', [remote.sshd.userKey], {
        encoding: 'utf8',
        timeout: 10_000,
        env: { ...process.env, SSH_AUTH_SOCK: sock },
      });
      assert.equal(add.status, 0, add.stderr);
      const { identityFile: _unused, ...target } = remote.target('agent');
      const m = await remote.manager([target]);
      const r = await m.session().exec(['id', '-u'], { timeoutMs: 20_000 });
      assert.equal(r.stdout.trim(), '0', r.stderr);
      // Without the agent the same target cannot log in: the agent's key is what worked.
      delete process.env.SSH_AUTH_SOCK;
      const without = await remote.manager([{ ...target, name: 'no-agent' }]);
      await rejectsWith(without.session().exec(['id', '-u'], { timeoutMs: 20_000 }), 'auth');
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      if (pid) process.kill(Number(pid));
    }
  });
});

describe('one ControlMaster connection per target', () => {
  test('the second command reuses the master and is much faster', async () => {
    const m = await remote.manager([remote.target('mux')]);
    const conn = m.session().connection;
    assert.equal(await conn.masterPid(), undefined);
    let t = performance.now();
    await conn.exec(['true'], { timeoutMs: 15_000 });
    const cold = performance.now() - t;
    const pid = await conn.masterPid();
    assert.ok(pid, 'no master after the first command');
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      await conn.exec(['true'], { timeoutMs: 15_000 });
      warm.push(performance.now() - t);
    }
    const median = [...warm].sort((a, b) => a - b)[2] as number;
    assert.equal(await conn.masterPid(), pid, 'the master changed');
    assert.equal(readdirSync(m.controlDir).length, 1, 'one socket in the private folder');
    assert.equal(statSync(m.controlDir).mode & 0o777, 0o700);
    assert.ok(median * 2 < cold, `warm ${median.toFixed(0)} ms vs cold ${cold.toFixed(0)} ms`);
    await conn.close();
    assert.equal(await conn.masterPid(), undefined, 'ssh -O exit left the master running');
  });
});

describe('time limits and cancellation', () => {
  test('exit status and output of a failing command come back; exit 255 from the command is not an ssh error', async () => {
    const m = await remote.manager([remote.target('codes')]);
    const s = m.session();
    const r = await s.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 10_000 });
    assert.deepEqual([r.code, r.stdout, r.stderr], [3, 'out\n', 'err\n']);
    assert.equal((await s.exec(['sh', '-c', 'exit 255'], { timeoutMs: 10_000 })).code, 255);
    assert.equal((await s.exec(['cat'], { timeoutMs: 10_000, input: 'to stdin' })).stdout, 'to stdin');
  });

  test('a command past its timeout is stopped with a clear error', async () => {
    const m = await remote.manager([remote.target('slow')]);
    const s = m.session();
    await s.exec(['true'], { timeoutMs: 10_000 });
    const t = Date.now();
    await rejectsWith(s.exec(['sleep', '30'], { timeoutMs: 500 }), 'timeout', /did not finish within 500 ms.*sleep 30/);
    assert.ok(Date.now() - t < 4_000);
  });

  test('an AbortSignal cancels a running command', async () => {
    const m = await remote.manager([remote.target('abort')]);
    const s = m.session();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const t = Date.now();
    await rejectsWith(s.exec(['sleep', '30'], { timeoutMs: 60_000, signal: ac.signal }), 'aborted', /cancelled/);
    assert.ok(Date.now() - t < 4_000);
  });
});

describe('commands one at a time', () => {
  test('commands started together run one after the other, each with its own status; the wait is not its timeout', async () => {
    const m = await remote.manager([remote.target('queue')]);
    const s = m.session();
    const log = path.join(remote.scratch, 'queue.log');
    // Each appends its start and end; side by side, two starts would follow each other.
    const step = (n: number): Promise<{ code: number | null }> =>
      s.exec(['sh', '-c', `echo "start ${n}" >> "$1"; sleep 1; echo "end ${n}" >> "$1"; exit ${n}`, 'sh', log], {
        timeoutMs: 2_500,
      }); // the fourth waits over 3 s for its turn
    const results = await Promise.all([1, 2, 3, 4].map(step));
    assert.deepEqual(
      results.map((r) => r.code),
      [1, 2, 3, 4],
    );
    const lines = (await s.exec(['cat', log], { timeoutMs: 10_000 })).stdout.trim().split('\n');
    assert.deepEqual(lines, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3', 'start 4', 'end 4']);
  });

  test('a command cancelled while it waits its turn never runs, and the ones after it still wait', async () => {
    const m = await remote.manager([remote.target('queue-abort')]);
    const s = m.session();
    const marker = path.join(remote.scratch, 'never-ran');
    const log = path.join(remote.scratch, 'queue-abort.log');
    const ac = new AbortController();
    const first = s.exec(['sh', '-c', 'echo "start 1" >> "$1"; sleep 0.5; echo "end 1" >> "$1"', 'sh', log], {
      timeoutMs: 10_000,
    });
    const cancelled = s.exec(['touch', marker], { timeoutMs: 10_000, signal: ac.signal });
    const third = s.exec(['sh', '-c', 'echo "start 3" >> "$1"', 'sh', log], { timeoutMs: 10_000 });
    ac.abort();
    await rejectsWith(cancelled, 'aborted', /touch on target "queue-abort" was cancelled/);
    await Promise.all([first, third]);
    assert.equal(existsSync(marker), false, 'the cancelled command ran');
    assert.deepEqual((await s.exec(['cat', log], { timeoutMs: 10_000 })).stdout.trim().split('\n'), [
      'start 1',
      'end 1',
      'start 3',
    ]);
  });
});

describe('refused connections: nothing runs', () => {
  test('a changed host key', async () => {
    const m = await remote.manager([remote.target('changed', { knownHostsFile: remote.sshd.wrongKnownHosts })]);
    const e = await rejectsWith(
      m.session().exec(['touch', canary], { timeoutMs: 15_000 }),
      'host-key-changed',
      /host key has CHANGED.*Nothing was run/,
    );
    assert.match(e.detail ?? '', /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    const state = await m.refresh();
    assert.equal(state.kind, 'unreachable');
    assert.equal(state.error?.kind, 'host-key-changed');
    assertNoCanary();
  });

  test('an unknown host key is never accepted', async () => {
    const m = await remote.manager([remote.target('unknown', { knownHostsFile: remote.sshd.emptyKnownHosts })]);
    await rejectsWith(
      m.session().exec(['touch', canary], { timeoutMs: 15_000 }),
      'host-key-unknown',
      /not in the known_hosts file .*never accepts a host key/,
    );
    assertNoCanary();
    assert.equal(statSync(remote.sshd.emptyKnownHosts).size, 0, 'ssh wrote a key into the known_hosts file');
  });

  test('a refused login says why and that no password is asked', async () => {
    const otherKey = path.join(path.dirname(remote.sshd.userKey), 'other_host_ed25519');
    const m = await remote.manager([remote.target('badkey', { identityFile: otherKey })]);
    await rejectsWith(
      m.session().exec(['touch', canary], { timeoutMs: 15_000 }),
      'auth',
      /login was refused \(publickey\).*BatchMode/,
    );
    assertNoCanary();
  });

  test('a closed port is unreachable', async () => {
    const m = await remote.manager([remote.target('closed', { destination: 'root@127.0.0.1:1' })]);
    await rejectsWith(m.session().exec(['true'], { timeoutMs: 15_000 }), 'unreachable', /Connection refused/);
  });
});
