// This machine as a module target's runner: argv run without a shell (as a remote login runs a quoted command),
// files copied into place. For tests that build or upload through the module commands without another machine.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { RemoteRunner } from '../../extension/src/module/remote';
import { run } from '../../extension/src/process/run';

export function thisMachineRunner(): RemoteRunner {
  return {
    exec: async (argv, o) => {
      const r = await run(argv, { timeoutMs: o.timeoutMs, input: o.input });
      return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr };
    },
    copyTo: async (local, remote) => {
      await mkdir(path.dirname(remote), { recursive: true });
      await copyFile(local, remote);
    },
  };
}
