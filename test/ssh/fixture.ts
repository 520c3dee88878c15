// What the ssh tier's test files share: the test sshd, target settings pointing at it, a private work folder,
// and a TargetManager over them. "The remote" is this machine, reached through a real sshd on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TargetManager } from '../../extension/src/target/targets';
import type { TargetConfig } from '../../extension/src/target/validate';
import { useSshd, type SshdInfo } from './sshd';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Remote {
  sshd: SshdInfo;
  /** A fresh folder (0700) for work folders and canaries; removed by release(). */
  scratch: string;
  /** A target config for root@127.0.0.1:PORT with the test key and known_hosts. */
  target(name: string, extra?: Partial<TargetConfig>): TargetConfig;
  /** A TargetManager over the given targets (active = the first), disposed by release(). */
  manager(targets: TargetConfig[], opts?: { sshConfigFile?: string }): Promise<TargetManager>;
  release(): Promise<void>;
}

export async function useRemote(): Promise<Remote> {
  const { info, release } = await useSshd();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'nlwb-ssh-test-'));
  const managers: TargetManager[] = [];
  return {
    sshd: info,
    scratch,
    target: (name, extra = {}) => ({
      name,
      destination: `root@127.0.0.1:${info.port}`,
      identityFile: info.userKey,
      knownHostsFile: info.knownHosts,
      useSudo: false,
      workFolder: path.join(scratch, `work-${name}`),
      buildMode: 'remote',
      helperBuild: 'auto',
      ...extra,
    }),
    manager: async (targets, opts = {}) => {
      const m = new TargetManager({
        extensionRoot: repoRoot,
        ...(opts.sshConfigFile ? { sshConfigFile: opts.sshConfigFile } : {}),
      });
      await m.setTargets(targets, targets[0]?.name ?? 'lab');
      managers.push(m);
      return m;
    },
    release: async () => {
      for (const m of managers) await m.dispose();
      rmSync(scratch, { recursive: true, force: true });
      await release();
    },
  };
}

/** Resolves after ms. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
