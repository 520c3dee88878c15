// Local paths inside ssh's own arguments (issue 12, item 7): ssh reads each `-o` argument like a config line, so a
// path value with a blank must be double-quoted and a % doubled. A TMPDIR with a blank (the ControlMaster folder
// lives there), the lab's key and known_hosts in a folder with a blank, scp through the lab's options and the
// command line "Copy Lab VM SSH Command" puts on the clipboard, each against the real sshd.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HOST_KEY_ALIAS, scpArgv, sshArgv, sshCommandLine, type SshEndpoint } from '../../extension/src/lab/sshArgs';
import { TargetManager } from '../../extension/src/target/targets';
import { repoRoot, useRemote, type Remote } from './fixture';

let remote: Remote;
const made: string[] = [];
before(async () => {
  remote = await useRemote();
});
after(async () => {
  await remote.release();
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A short folder directly in /tmp (the ControlMaster socket path must stay under 104 bytes) with `name` in it. */
function tmpWith(name: string): string {
  const d = mkdtempSync(path.join('/tmp', name));
  made.push(d);
  return d;
}

/** A TargetManager made while TMPDIR is `tmp` (its ControlMaster folder is chosen then). */
async function managerWithTmp(tmp: string, name: string): Promise<TargetManager> {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    return await remote.manager([remote.target(name)]);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

function run(file: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 20_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

describe('the ControlMaster folder in a TMPDIR ssh has to quote', () => {
  test('a TMPDIR with a blank: the socket is made there and commands run', async () => {
    const tmp = tmpWith('nlwb t ');
    const m = await managerWithTmp(tmp, 'blank');
    assert.ok(m.controlDir.startsWith(`${tmp}/`), `the control folder ${m.controlDir} is not in ${tmp}`);
    const r = await m.session().exec(['echo', 'ok'], { timeoutMs: 15_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ok\n');
    assert.equal(readdirSync(m.controlDir).length, 1, "the master's socket is in the control folder");
  });

  test('a TMPDIR with a % (an ssh token unless doubled)', async () => {
    const tmp = tmpWith('nlwb%C%d-');
    const m = await managerWithTmp(tmp, 'percent');
    assert.ok(m.controlDir.startsWith(`${tmp}/`), m.controlDir);
    const r = await m.session().exec(['echo', 'ok'], { timeoutMs: 15_000 });
    assert.equal(r.stdout, 'ok\n', r.stderr);
    assert.equal(readdirSync(m.controlDir).length, 1);
  });

  test('a TMPDIR with a double quote, which no ssh option value can carry: /tmp is used instead', async () => {
    const tmp = tmpWith('nlwb"q-');
    const m = await managerWithTmp(tmp, 'dquote');
    const r = await m.session().exec(['echo', 'ok'], { timeoutMs: 15_000 });
    assert.equal(r.stdout, 'ok\n', r.stderr);
    assert.ok(m.controlDir.startsWith('/tmp/nlwb-ssh-'), m.controlDir);
  });
});

describe("the lab's ssh options with its files in a folder with a blank and a %", () => {
  /** The test server as the lab VM: its host key pinned under the lab's alias, the client key, both in `dir`. */
  function endpointIn(dir: string): SshEndpoint {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const privateKey = path.join(dir, 'id key');
    copyFileSync(remote.sshd.userKey, privateKey);
    const hostPub = readFileSync(path.join(remote.sshd.dir, 'keys', 'host_ed25519.pub'), 'utf8')
      .trim()
      .split(/\s+/)
      .slice(0, 2)
      .join(' ');
    const knownHosts = path.join(dir, 'known hosts');
    writeFileSync(knownHosts, `${HOST_KEY_ALIAS} ${hostPub}\n`);
    return { port: remote.sshd.port, privateKey, knownHosts };
  }

  test("ssh and scp with the lab's argv", async () => {
    const e = endpointIn(path.join(remote.scratch, 'lab cache %h', 'keys'));
    const r = await run(sshArgv(e)[0] as string, [...sshArgv(e).slice(1), 'echo ok']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ok\n');
    const src = path.join(remote.scratch, 'lab cache %h', 'payload');
    writeFileSync(src, 'payload\n');
    const dest = path.join(remote.scratch, 'copied');
    const argv = scpArgv(e, src, dest);
    const c = await run(argv[0] as string, argv.slice(1));
    assert.equal(c.code, 0, c.stderr);
    assert.equal(readFileSync(dest, 'utf8'), 'payload\n');
  });

  test('the lab as a target of the TargetManager (its argv as leading options)', async () => {
    const e = endpointIn(path.join(remote.scratch, 'lab target %d', 'keys'));
    const m = new TargetManager({ extensionRoot: repoRoot, lab: () => ({ sshArgs: sshArgv(e) }) });
    try {
      const r = await m.session('lab').exec(['id', '-u'], { timeoutMs: 15_000 });
      assert.equal(r.stdout.trim(), '0', r.stderr);
    } finally {
      await m.dispose();
    }
  });

  test('"Copy Lab VM SSH Command": the copied line logs in when a shell runs it', async () => {
    const e = endpointIn(path.join(remote.scratch, 'copied line %r', 'keys'));
    const line = sshCommandLine(e);
    const r = await run('sh', ['-c', `${line} echo ok </dev/null`]);
    assert.equal(r.code, 0, `${line}\n${r.stderr}`);
    assert.equal(r.stdout, 'ok\n');
  });
});
